"""The rasa_sdk actions over the engine: fresh turns vs resuming, submit on web and SMS, privacy.

The actions send the forms' sentences as domain responses by name (``utter_form_*``): ``said`` renders
them from the domain as Rasa would, so the assertions read what the citizen reads."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.forms import (
    ActionAskFormConfirmed,
    ActionStartForm,
    ActionSubmitForm,
    VALIDATORS,
    is_fresh_user_turn,
)
from bot.answering.responses import response_text
from forms.spec import CONFIRM_SLOT, KEEP_SLOT, all_forms

from test_form_output import BIRTH

FORM = "form_khai_sinh"


def tracker(slots=None, text="", intent="fill_form", events=None, channel="rest", active=FORM, entities=None):
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.95}, "entities": entities or []}
    events = events if events is not None else [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text, "parse_data": latest, "input_channel": channel},
        {"event": "action", "name": active},
    ]
    return Tracker("s1", slots or {}, latest, events, False, None, {"name": active} if active else {}, events[-1].get("name") if events else None)


@pytest.fixture
def consented():
    """The citizen of these trackers ("s1") agreed to the form notice (bot/consent.py, in memory)."""
    from actions.privacy import current_version
    from bot.consent import consent_store

    consent_store().record("s1", "form", True, current_version())
    yield
    consent_store().erase("s1")


_NOT_VALUES = {"text", "image", "custom", "template", "response", "attachment", "buttons", "elements"}


def said(message) -> str:
    """What the citizen reads: the text sent, or the domain response sent by name with its values
    (as Rasa fills it)."""
    if message.get("response"):
        values = {k: v for k, v in message.items() if k not in _NOT_VALUES}
        return response_text(message["response"], **values)
    return message["text"]


def validator(form=FORM):
    return next(cls for cls in VALIDATORS if cls.form_name == form)()


def test_fresh_turn_and_resume_are_told_apart():
    assert is_fresh_user_turn(tracker(text="Nguyễn Văn An"))
    resumed = [
        {"event": "user", "text": "lệ phí?"}, {"event": "action", "name": "action_answer_procedure"},
        {"event": "action", "name": FORM},
    ]
    assert not is_fresh_user_turn(tracker(events=resumed))


async def test_validation_sets_the_slot_and_logs_no_personal_data(caplog):
    dispatcher = CollectingDispatcher()
    caplog.set_level(logging.INFO, logger="actions.forms")
    events = await validator().run(dispatcher, tracker({"requested_slot": "ks_con_ho_ten"}, "Nguyễn Minh Khang"), {})
    assert {"event": "slot", "timestamp": None, "name": "ks_con_ho_ten", "value": "Nguyễn Minh Khang"} in events
    assert "Nguyễn Minh Khang" not in caplog.text and "N. M. K." in caplog.text


async def test_validation_rejects_a_question_so_the_rules_answer_it():
    events = await validator().run(CollectingDispatcher(), tracker({"requested_slot": "ks_me_ho_ten"}, "lệ phí bao nhiêu?", "ask_fee"), {})
    assert events == []


async def test_cancel_resets_every_slot_and_stops_the_form():
    dispatcher = CollectingDispatcher()
    slots = {"requested_slot": "ks_me_ho_ten", "ks_con_ho_ten": "Nguyễn Minh Khang"}
    events = await validator().run(dispatcher, tracker(slots, "hủy", "cancel_form"), {})
    assert {"event": "slot", "timestamp": None, "name": "ks_con_ho_ten", "value": None} in events
    assert any(e.get("event") == "active_loop" and e.get("name") is None for e in events)
    assert "hủy" in said(dispatcher.messages[0])


def test_summary_is_asked_before_producing():
    dispatcher = CollectingDispatcher()
    ActionAskFormConfirmed().run(dispatcher, tracker(dict(BIRTH)), {})
    assert "Nguyễn Minh Khang" in dispatcher.messages[0]["text"] and "đúng" in said(dispatcher.messages[1])


def _finished(slots, channel):
    events = [
        {"event": "user", "text": "đúng", "input_channel": channel},
        {"event": "active_loop", "name": FORM}, {"event": "action", "name": FORM},
        {"event": "active_loop", "name": None},
    ]
    return tracker(slots, "đúng", "affirm", events=events, channel=channel, active=None)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setenv("FORMS_BASE_URL", "https://example.gov.vn/forms")
    return tmp_path


def test_submit_on_web_gives_a_link_and_clears_the_data(data_dir: Path):
    dispatcher = CollectingDispatcher()
    events = ActionSubmitForm().run(dispatcher, _finished({**BIRTH, CONFIRM_SLOT: True}, "rest"), {})
    pdfs = list((data_dir / "forms").glob("*.pdf"))
    assert len(pdfs) == 1 and len(list((data_dir / "forms").glob("*.json"))) == 1
    assert f"https://example.gov.vn/forms/{pdfs[0].name}" in said(dispatcher.messages[0])
    assert dispatcher.messages[0]["custom"]["type"] == "file"
    cleared = {e["name"] for e in events if e["event"] == "slot" and e["value"] is None}
    assert set(all_forms()[FORM].slots) <= cleared


def test_submit_on_sms_gives_a_short_text(data_dir: Path):
    dispatcher = CollectingDispatcher()
    ActionSubmitForm().run(dispatcher, _finished({**BIRTH, CONFIRM_SLOT: True}, "sms"), {})
    text = dispatcher.messages[0]["text"]
    assert "http" not in text and "Nguyễn Minh Khang" in text and len(text) < 200


def test_submit_keeps_the_data_when_asked(data_dir: Path):
    events = ActionSubmitForm().run(CollectingDispatcher(), _finished({**BIRTH, CONFIRM_SLOT: True, KEEP_SLOT: True}, "rest"), {})
    cleared = {e["name"] for e in events if e["event"] == "slot" and e["value"] is None}
    assert not set(all_forms()[FORM].slots) & cleared


def test_nothing_is_produced_without_confirmation(data_dir: Path):
    assert ActionSubmitForm().run(CollectingDispatcher(), _finished(dict(BIRTH), "rest"), {}) == []
    assert not (data_dir / "forms").exists()


@pytest.mark.parametrize(
    "text, expected",
    [("điền tờ khai khai sinh", "form_khai_sinh"), ("dien to khai xac nhan tinh trang hon nhan", "form_xac_nhan_hon_nhan"),
     ("điền mẫu CT01", "form_ct01"), ("làm tờ khai đăng ký tạm trú", "form_ct01")],
)
def test_start_picks_the_form(text, expected, consented):
    events = ActionStartForm().run(CollectingDispatcher(), tracker({}, text, "start_form", active=None), {})
    assert {"event": "followup", "timestamp": None, "name": expected} in events


def test_start_without_a_form_named_offers_buttons():
    dispatcher = CollectingDispatcher()
    events = ActionStartForm().run(dispatcher, tracker({}, "điền tờ khai", "start_form", active=None), {})
    assert not any(e["event"] == "followup" for e in events)
    assert len(dispatcher.messages[0]["buttons"]) == 3
    payload = dispatcher.messages[0]["buttons"][0]["payload"]
    assert payload.startswith("/start_form{") and json.loads(payload[len("/start_form"):])["form_type"]


def test_domain_file_is_generated_from_the_definitions():
    from forms.domain import render

    assert (Path(__file__).resolve().parents[2] / "bot" / "domain" / "forms.yml").read_text(encoding="utf-8") == render()


def test_a_procedure_question_read_as_a_form_answer_goes_to_the_procedure_answer():
    entities = [{"entity": "procedure", "value": "dang-ky-khai-tu"}]
    dispatcher = CollectingDispatcher()
    events = ActionStartForm().run(dispatcher, tracker({}, "Khai tử cho bố tôi", "fill_form", active=None, entities=entities), {})
    assert {"event": "slot", "timestamp": None, "name": "procedure", "value": "dang-ky-khai-tu"} in events
    assert "khai tử" in dispatcher.messages[0]["text"].lower()


def test_values_are_masked_for_logs():
    from bot.privacy import mask_value

    assert mask_value("name", "Nguyễn Văn An") == "N. V. A."
    assert mask_value("date", "05/06/1990") == "**/**/1990"
    assert mask_value("address", "Số 12 Nguyễn Huệ, Phường Sài Gòn, Thành phố Hồ Chí Minh") == "***, Thành phố Hồ Chí Minh"
    assert "012345" not in mask_value("id_number", "001090012345")
    assert "345" not in mask_value("phone", "0912345678")
    assert mask_value("text", "để đăng ký kết hôn") == "<18 ký tự>"


def test_the_actions_responses_get_every_value_they_name(consented, data_dir: Path):
    """Each ``utter_form_*`` an action sends is given the values its text names (``said`` fills them
    as Rasa does and fails on a missing one); the words citizens read stay the same."""
    from actions.forms import ASKERS, ActionCancelForm, ActionFormPause

    sent = []
    for action, track in [
        (ActionStartForm(), tracker({}, "điền tờ khai khai sinh", "start_form", active=None)),
        (ActionStartForm(), tracker({}, "điền tờ khai", "start_form")),
        (ActionStartForm(), tracker({}, "tra cứu hồ sơ", "check_status")),
        (ActionStartForm(), tracker({}, "ừ", "affirm")),
        (ActionStartForm(), tracker({}, "tiếp tục", "resume_form", active=None)),
        (ActionCancelForm(), tracker({}, "hủy", "cancel_form")),
        (ActionCancelForm(), tracker({}, "hủy", "cancel_form", active=None)),
        (ActionFormPause(), tracker({}, "tạm biệt", "goodbye")),
        (next(a for a in ASKERS if a.slot == "ks_con_ho_ten")(), tracker({}, "Nguyễn Minh Khang")),
        (ActionSubmitForm(), _finished({**BIRTH, CONFIRM_SLOT: True, KEEP_SLOT: True}, "rest")),
    ]:
        dispatcher = CollectingDispatcher()
        action.run(dispatcher, track, {})
        sent += [said(m) for m in dispatcher.messages]
    text = "\n".join(sent)
    assert "{" not in text and "Mình sẽ cùng bạn điền tờ khai đăng ký khai sinh theo " in text
    assert "Bạn đang điền tờ khai đăng ký khai sinh. Để tra cứu hồ sơ" in text
    assert "Mình đã hủy tờ khai đăng ký khai sinh và xóa các thông tin bạn đã khai." in text
    assert "Hiện bạn chưa điền dở tờ khai nào" in text and "Tạm biệt bạn! Mình giữ tờ khai đang điền dở trong " in text
    assert "(5/24) " in text and "Xong rồi! Tờ khai đăng ký khai sinh của bạn đã được tạo (mã " in text
