"""Property-based fuzzing (Hypothesis) of every webhook of the running assistant: Telegram, Zalo,
SMS gateway JSON, Twilio-style SMS and the web chat, with malformed, oversized and forged bodies.

Properties, for every input: no server error (5xx), and no forgery accepted: a request without the
right secret/signature/session token is answered 4xx. Each target prints how many inputs it tried
(docs/security.md notes the figures)."""

from __future__ import annotations

import json
import time
from typing import Dict
from urllib.parse import urlencode

import pytest
import requests
from hypothesis import HealthCheck, given, settings, strategies as st

from channels.webchat import session
from tests.channels.conftest import (
    SMS_WEBHOOK_SECRET, TELEGRAM_SECRET, TWILIO_AUTH_TOKEN, ZALO_APP_ID, ZALO_OA_SECRET,
)
from tests.conftest import TEST_WEBCHAT_SECRET
from tests.fakes.sms import gateway_signature, twilio_signature
from tests.fakes.zalo import zalo_mac

pytestmark = pytest.mark.slow

EXAMPLES = 200
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
AUTH = st.sampled_from(["missing", "wrong", "right", "right"])  # half of the inputs forged

scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**63, 2**63), st.floats(allow_nan=False),
                    st.text(max_size=40))
json_values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                            st.dictionaries(st.text(max_size=10), inner, max_size=4)),
                           max_leaves=12)
texts = st.one_of(st.text(max_size=60), st.sampled_from(["hd", "TRACUU H56.22-250315-0001", "/start", "1", "hủy", ""]))


def maybe(strategy):
    """A field that is right, of another type, or missing (the key absent: ``...``)."""
    return st.one_of(strategy, json_values, st.just(...))


def shaped(fields: Dict[str, st.SearchStrategy]) -> st.SearchStrategy:
    return st.fixed_dictionaries({k: maybe(v) for k, v in fields.items()}).map(
        lambda d: {k: v for k, v in d.items() if v is not ...})


def bodies(provider_shape: st.SearchStrategy, valid: st.SearchStrategy) -> st.SearchStrategy:
    """Raw bodies: well-formed messages with any text, provider-shaped JSON with fields of any type or
    missing (deep into parsing), any JSON, bytes, invalid UTF-8, oversized."""
    encode = lambda v: json.dumps(v, ensure_ascii=False).encode("utf-8")  # noqa: E731
    return st.one_of(
        valid.map(encode), valid.map(encode),
        provider_shape.map(lambda v: json.dumps(v, ensure_ascii=False).encode("utf-8")),
        provider_shape.map(lambda v: json.dumps(v, ensure_ascii=False).encode("utf-8")),
        json_values.map(lambda v: json.dumps(v).encode()),
        st.binary(max_size=300),
        st.just(b"\xff\xfe{\"text\": \"\x80\"}"),
        st.integers(64 * 1024 + 1, 200 * 1024).map(lambda n: b'{"x": "' + b"a" * n + b'"}'),
    )


class Tally:
    def __init__(self, name: str) -> None:
        self.name, self.tried, self.accepted, self.refused = name, 0, 0, 0

    def record(self, response: requests.Response, auth: str) -> None:
        self.tried += 1
        assert response.status_code < 500, (self.name, response.status_code, response.text[:300])
        if auth != "right":
            assert 400 <= response.status_code < 500, (self.name, "forgery accepted", response.status_code)
        if response.status_code < 300:
            self.accepted += 1
        else:
            self.refused += 1

    def report(self) -> None:
        print(f"\nfuzz {self.name}: {self.tried} inputs, {self.accepted} accepted (all correctly signed), "
              f"{self.refused} refused with 4xx, 0 server errors")
        assert self.tried >= EXAMPLES * 0.9


def post(url: str, body: bytes, headers: Dict[str, str]) -> requests.Response:
    return requests.post(url, data=body, headers=headers, timeout=60)


def secret_header(auth: str, right: str) -> Dict[str, str]:
    return {} if auth == "missing" else {"value": right if auth == "right" else right[:-1] + "x"}


def test_fuzz_telegram(channels_assistant):
    tally = Tally("telegram")
    update = shaped({"update_id": st.integers(0, 2**31), "message": shaped({
        "message_id": st.integers(0, 2**31), "date": st.integers(0, 2**32), "text": texts,
        "chat": shaped({"id": st.integers(-2**40, 2**40), "type": st.sampled_from(["private", "group"])})}),
        "callback_query": shaped({"id": st.text(max_size=10), "data": st.text(max_size=70),
                                  "from": shaped({"id": st.integers(1, 2**40), "is_bot": st.booleans(), "first_name": st.text(max_size=5)})})})

    valid = st.fixed_dictionaries({"update_id": st.integers(0, 2**31), "message": st.fixed_dictionaries({
        "message_id": st.integers(1, 2**31), "date": st.just(int(time.time())), "text": texts,
        "chat": st.fixed_dictionaries({"id": st.integers(7 * 10**9, 8 * 10**9), "type": st.just("private")})})})

    @FUZZ
    @given(body=bodies(update, valid), auth=AUTH)
    def check(body: bytes, auth: str) -> None:
        headers = {"Content-Type": "application/json"}
        secret = secret_header(auth, TELEGRAM_SECRET)
        if secret:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret["value"]
        tally.record(post(channels_assistant.webhook("telegram"), body, headers), auth)

    check()
    tally.report()


def test_fuzz_zalo(channels_assistant):
    tally = Tally("zalo")
    event = shaped({"app_id": st.just(ZALO_APP_ID), "event_name": st.sampled_from(["user_send_text", "follow", "unfollow", "x"]),
                    "timestamp": st.one_of(st.just("now"), st.integers(0, 2**45).map(str)),
                    "sender": shaped({"id": st.text(max_size=20)}), "follower": shaped({"id": st.text(max_size=20)}),
                    "message": shaped({"text": texts, "msg_id": st.text(max_size=20)})}).map(
        lambda e: {**e, "timestamp": str(int(time.time() * 1000))} if e.get("timestamp") == "now" else e)

    valid = st.fixed_dictionaries({
        "app_id": st.just(ZALO_APP_ID), "event_name": st.just("user_send_text"), "timestamp": st.just("now"),
        "sender": st.fixed_dictionaries({"id": st.from_regex(r"\A9[0-9]{12}\Z")}),
        "message": st.fixed_dictionaries({"text": texts, "msg_id": st.from_regex(r"\A[a-f0-9]{16}\Z")})}).map(
        lambda e: {**e, "timestamp": str(int(time.time() * 1000))})

    @FUZZ
    @given(body=bodies(event, valid), auth=AUTH)
    def check(body: bytes, auth: str) -> None:
        headers = {"Content-Type": "application/json"}
        try:
            timestamp = str(json.loads(body.decode("utf-8")).get("timestamp", ""))
        except (ValueError, AttributeError):
            timestamp = ""
        if auth != "missing":
            mac = zalo_mac(ZALO_APP_ID, body.decode("utf-8", "replace"), timestamp,
                           ZALO_OA_SECRET if auth == "right" else "not-the-oa-secret")
            headers["X-ZEvent-Signature"] = f"mac={mac}"
        tally.record(post(channels_assistant.webhook("zalo"), body, headers), auth)

    check()
    tally.report()


def test_fuzz_sms_gateway_json(channels_assistant):
    tally = Tally("sms json")
    message = shaped({"message_id": st.text(max_size=20), "from": st.one_of(st.from_regex(r"\A(0|\+84|84)9[0-9]{8}\Z"), st.text(max_size=15)),
                      "to": st.just("8077"), "text": texts})

    valid = st.fixed_dictionaries({"message_id": st.from_regex(r"\Afz-[a-z0-9]{12}\Z"),
                                   "from": st.from_regex(r"\A0971[0-9]{6}\Z"), "to": st.just("8077"), "text": texts})

    @FUZZ
    @given(body=bodies(message, valid), auth=AUTH)
    def check(body: bytes, auth: str) -> None:
        headers = {"Content-Type": "application/json"}
        if auth != "missing":
            headers["X-Signature"] = gateway_signature(SMS_WEBHOOK_SECRET if auth == "right" else "not-the-secret", body)
        tally.record(post(channels_assistant.webhook("sms"), body, headers), auth)

    check()
    tally.report()


def test_fuzz_twilio(channels_assistant):
    tally = Tally("twilio")
    form = st.one_of(
        st.dictionaries(st.sampled_from(["From", "Body", "MessageSid", "To", "X"]), st.text(max_size=40), max_size=5),
        st.fixed_dictionaries({"From": st.from_regex(r"\A\+84972[0-9]{6}\Z"), "Body": texts,
                               "MessageSid": st.from_regex(r"\ASM[a-f0-9]{32}\Z")}),
    )

    @FUZZ
    @given(params=form, raw=st.one_of(st.none(), st.binary(max_size=200)), auth=AUTH)
    def check(params: Dict[str, str], raw, auth: str) -> None:
        body = raw if raw is not None else urlencode(params).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if auth != "missing":
            signed = params if raw is None else {}
            headers["X-Twilio-Signature"] = twilio_signature(
                TWILIO_AUTH_TOKEN if auth == "right" else "not-the-token", channels_assistant.twilio_url, signed)
        tally.record(post(channels_assistant.webhook("sms", "twilio"), body, headers), auth)

    check()
    tally.report()


def test_fuzz_web_chat(channels_assistant):
    tally = Tally("web chat")
    message = shaped({"message": texts, "sender": st.sampled_from(["sms:84912345678", "telegram:1", "webchat:abc"])})
    valid = session.issue(TEST_WEBCHAT_SECRET, "fuzz-webchat-session")
    forged_tokens = st.one_of(
        st.text(st.characters(min_codepoint=33, max_codepoint=126), max_size=80),
        st.just(session.issue("another-server-secret-0123", "fuzz-webchat-session")),
        st.just(valid.split(".")[0] + "x." + valid.split(".", 1)[1]),
        st.from_regex(r"\A[A-Za-z0-9_-]{8,20}\.[0-9]{10}\.[A-Za-z0-9_-]{43}\Z"),
    )

    @FUZZ
    @given(body=bodies(message, st.fixed_dictionaries({"message": texts})), auth=AUTH, forged=forged_tokens)
    def check(body: bytes, auth: str, forged: str) -> None:
        headers = {"Content-Type": "application/json"}
        if auth != "missing":
            headers["Authorization"] = f"Bearer {valid if auth == 'right' else forged}"
        response = post(channels_assistant.webhook("webchat"), body, headers)
        tally.record(response, auth)
        if response.status_code == 200:
            assert all(r["recipient_id"] == "webchat:fuzz-webchat-session" for r in response.json())

    check()
    tally.report()
