"""SMS end to end: gateway JSON webhook or Twilio form webhook in -> assistant -> gateway API out."""

from __future__ import annotations

import itertools
import json
import re
import time
from urllib.parse import urlencode

import pytest

from tests.channels.conftest import SMS_WEBHOOK_SECRET, TWILIO_AUTH_TOKEN
from tests.channels.helpers import post, server_alive, user_intents, user_texts, wait_until
from tests.fakes.sms import gateway_signature, septets, twilio_signature

pytestmark = pytest.mark.slow

_numbers = itertools.count(900_000_000 + int(time.time()) % 100_000 * 100)
_ids = itertools.count(1)


def new_phone() -> tuple:
    """(as the citizen's operator writes it, as the gateway gets it back)"""
    number = next(_numbers)
    return f"0{number}", f"84{number}"


def gateway_message(assistant, phone: str, text: str, message_id: str = None, secret: str = SMS_WEBHOOK_SECRET,
                    raw: bytes = None, signature: str = None):
    body = raw if raw is not None else json.dumps(
        {"message_id": message_id or f"mo-{time.time_ns()}-{next(_ids)}", "from": phone, "to": "8077", "text": text},
        ensure_ascii=False).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Signature"] = signature or gateway_signature(secret, body)
    return post(assistant.webhook("sms"), body, headers)


def twilio_message(assistant, phone: str, text: str, signature: str = None):
    params = {"MessageSid": f"SM{time.time_ns()}", "AccountSid": "ACtest", "From": phone, "To": "+15005550006",
              "Body": text, "NumMedia": "0"}
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if signature != "":
        headers["X-Twilio-Signature"] = signature or twilio_signature(TWILIO_AUTH_TOKEN, assistant.twilio_url, params)
    return post(assistant.webhook("sms", "twilio"), urlencode(params).encode(), headers)


def assert_sms_shape(texts):
    assert 1 <= len(texts) <= 3
    for text in texts:
        assert text.isascii() and septets(text) <= 160


def test_hd_keyword_gets_the_help_without_diacritics(channels_assistant, fake_sms):
    phone, number = new_phone()
    assert gateway_message(channels_assistant, phone, "hd").status_code == 200
    texts = fake_sms.wait_texts(number)
    assert_sms_shape(texts)
    assert "Xin chao" in " ".join(texts)
    assert user_intents(channels_assistant.url, f"sms:{number}", turns=1) == ["greet"]


def test_tracuu_keyword_any_case_reaches_the_assistant(channels_assistant, fake_sms):
    phone, number = new_phone()
    gateway_message(channels_assistant, phone, "tra cuu 000.00.12.h29-240115-0001")
    assert_sms_shape(fake_sms.wait_texts(number))
    assert user_intents(channels_assistant.url, f"sms:{number}", turns=1) == ["check_status"]
    assert user_texts(channels_assistant.url, f"sms:{number}", turns=1) == ['/check_status{"application_code": "000.00.12.H29-240115-0001"}']


def test_huy_keyword_is_unsubscribe(channels_assistant, fake_sms):
    phone, number = new_phone()
    gateway_message(channels_assistant, phone, "HỦY")
    assert user_texts(channels_assistant.url, f"sms:{number}", turns=1) == ["/unsubscribe"]


def test_buttons_become_numbered_options_answered_with_a_digit(channels_assistant, fake_sms):
    phone, number = new_phone()
    gateway_message(channels_assistant, phone, "le phi dang ky bao nhieu")
    first = fake_sms.wait_replies(number)[0]
    assert_sms_shape(first)
    whole = "\n".join(first)
    assert re.search(r"(^|\n|\) )1\. Dang ky ", whole) and "Tra loi bang" in whole
    assert "(" not in whole.replace("(1/", "").replace("(2/", "").replace("(3/", "")  # details left out
    gateway_message(channels_assistant, phone, "1")
    assert_sms_shape(fake_sms.wait_replies(number, 2)[1])
    said = user_texts(channels_assistant.url, f"sms:{number}", turns=2)
    assert len(said) == 2 and said[1].startswith("/inform_procedure")  # the option's payload, not "1"


def test_same_phone_in_any_format_is_one_conversation(channels_assistant, fake_sms):
    phone, number = new_phone()
    gateway_message(channels_assistant, phone, "hd")
    fake_sms.wait_replies(number, 1)
    gateway_message(channels_assistant, "+" + number, "cam on")
    fake_sms.wait_replies(number, 2)
    assert user_texts(channels_assistant.url, f"sms:{number}", turns=2) == ["/greet", "cam on"]


def test_duplicate_message_id_is_processed_once(channels_assistant, fake_sms):
    phone, number = new_phone()
    gateway_message(channels_assistant, phone, "hd", message_id=f"dup-{number}")
    fake_sms.wait_replies(number, 1)
    gateway_message(channels_assistant, phone, "hd", message_id=f"dup-{number}")
    gateway_message(channels_assistant, phone, "cam on")
    assert len(fake_sms.wait_replies(number, 2)) == 2
    assert user_texts(channels_assistant.url, f"sms:{number}", turns=2) == ["/greet", "cam on"]


def test_twilio_webhook_with_valid_signature(channels_assistant, fake_sms):
    phone, number = new_phone()
    response = twilio_message(channels_assistant, "+" + number, "HD")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/xml") and "<Response>" in response.text
    assert_sms_shape(fake_sms.wait_texts(number))


@pytest.mark.parametrize("signature,status", [("", 401), ("bm90IHRoZSBzaWduYXR1cmU=", 403)])
def test_twilio_bad_or_missing_signature_is_refused(channels_assistant, signature, status):
    phone, number = new_phone()
    assert twilio_message(channels_assistant, "+" + number, "HD", signature=signature).status_code == status
    assert user_texts(channels_assistant.url, f"sms:{number}") == []


def test_gateway_bad_or_missing_signature_is_refused(channels_assistant):
    phone, number = new_phone()
    assert gateway_message(channels_assistant, phone, "hd", secret=None).status_code == 401
    assert gateway_message(channels_assistant, phone, "hd", secret="guess").status_code == 403
    assert gateway_message(channels_assistant, phone, "hd", signature="sha256=" + "0" * 64).status_code == 403
    assert user_texts(channels_assistant.url, f"sms:{number}") == []


@pytest.mark.parametrize("raw,status", [
    (b'{"from": "0912345678", "text": "\xff\xfe"}', 400),    # invalid UTF-8, correctly signed
    (b'["0912345678", "hd"]', 400),                          # JSON of the wrong shape
    (b'{"from": 912345678, "text": {"a": 1}}', 400),
    (b'{"from": "not a phone", "text": "hd"}', 400),
    (b'{"text": "hd"}', 400),
    (b"x" * (1024 * 1024), 413),                             # 1 MB
])
def test_malformed_gateway_bodies_get_4xx(channels_assistant, raw, status):
    assert gateway_message(channels_assistant, "", "", raw=raw).status_code == status
    assert server_alive(channels_assistant.url)


def test_gateway_outage_is_retried(channels_assistant, fake_sms):
    phone, number = new_phone()
    fake_sms.fail_next(status=503)
    gateway_message(channels_assistant, phone, "hd")
    assert_sms_shape(fake_sms.wait_texts(number))
    assert len(fake_sms.received(lambda e: e.get("rejected") == "failure" and e["body"]["to"] == number)) == 1


def test_tracuu_first_gets_the_notice_in_sms_limits_then_the_lookup_goes_on(channels_assistant, fake_sms):
    phone, number = new_phone()
    gateway_message(channels_assistant, phone, "TRACUU H56.22-250315-0009")
    notice = fake_sms.wait_replies(number)[0]
    assert_sms_shape(notice)
    whole = "\n".join(notice)
    assert "dong y" in whole.lower() and "XOA" in whole and "1. Dong y" in whole and "..." not in whole
    gateway_message(channels_assistant, phone, "1")  # agree: the code the request carried is looked up
    answer = "\n".join(fake_sms.wait_replies(number, 2)[1])
    assert "ma ho so" not in answer.lower() or "khong" in answer.lower()  # not asked for the code again
    assert user_texts(channels_assistant.url, f"sms:{number}", turns=2)[1] == "/consent_agree"


def test_xoa_keyword_erases_the_conversation_after_confirmation(channels_assistant, fake_sms):
    phone, number = new_phone()
    gateway_message(channels_assistant, phone, "le phi khai sinh bao nhieu")
    fake_sms.wait_replies(number, 1)
    gateway_message(channels_assistant, phone, "XOA")
    question = fake_sms.wait_replies(number, 2)[1]
    assert_sms_shape(question)
    assert "Khong the hoan tac" in "\n".join(question)
    gateway_message(channels_assistant, phone, "1")
    done = fake_sms.wait_replies(number, 3)[2]
    assert_sms_shape(done)
    assert "Da xoa" in "\n".join(done)
    # the stored conversation is gone once the erasing turn is saved
    wait_until(lambda: user_texts(channels_assistant.url, f"sms:{number}") == [], 60, "the conversation erased")
