"""Citizens' control of their personal data, read back from the real Redis: consent records, erasure
in every store, retention (TTL set, old records pruned), the officers' export/erase (command line
and workspace, with the audit entry), and the SMS notice within SMS limits."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import time
from pathlib import Path

import pytest
import yaml
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.forms import ActionStartForm
from actions.privacy import ActionPrivacyReply, ActionStatusConsent, current_version
from applications.events import parse_event
from applications.store import StatusStore
from bot.consent import ConsentStore, consent_key
from bot.privacy import ERASE_ALL_SLOT
from bot.settings import SettingError, load_privacy_settings
from bot.tracker_store import REDIS_KEY_PREFIX, ErasingRedisTrackerStore
from bot.unanswered import record_unanswered
from channels.formatting import keyword_message, sms_with_options
from core.message_text import is_gsm7
from core.redis_keys import UNANSWERED as REDIS_KEY
from forms import retention
import personal_data
from tests.conftest import REDIS_HOST, REDIS_PORT, redis_url_for

DB = 12
DOMAIN_FILE = Path(__file__).resolve().parents[1] / "bot" / "domain" / "privacy.yml"
PHONE = "84912345678"


@pytest.fixture
def env(monkeypatch, redis_db, tmp_path):
    client = redis_db(DB)
    monkeypatch.setenv("REDIS_URL", redis_url_for(DB))
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.delenv("STATUS_KEY_PREFIX", raising=False)
    return client


def sdk_tracker(sender, text, intent, slots=None, events=None, entities=None, channel="rest"):
    latest = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": entities or []}
    events = events if events is not None else [{"event": "user", "text": text, "parse_data": latest, "input_channel": channel}]
    return Tracker(sender, slots or {}, latest, events, False, None, {}, "action_listen")


def names(events):
    return {(e.get("event"), e.get("name")) for e in events}


# ---------------------------------------------------------------- consent


def test_no_consent_no_form_the_notice_instead(env):
    dispatcher = CollectingDispatcher()
    events = ActionStartForm().run(dispatcher, sdk_tracker("web-a", "điền tờ khai khai sinh", "start_form"), {})
    assert ("followup", "form_khai_sinh") not in names(events)  # nothing is asked yet
    assert dispatcher.messages[0]["response"] == "utter_privacy_notice_form"
    assert {"event": "slot", "timestamp": None, "name": "privacy_pending", "value": "form:khai_sinh"} in events


async def test_agreeing_records_the_consent_with_time_and_version_then_starts_the_form(env):
    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    tracker = sdk_tracker("web-b", "/consent_agree", "consent_agree", slots={"privacy_pending": "form:khai_sinh"})
    dispatcher = CollectingDispatcher()
    events = await ActionPrivacyReply().run(dispatcher, tracker, {})
    assert ("followup", "form_khai_sinh") in names(events)
    stored = json.loads(env.hget(consent_key("web-b"), "form"))
    assert stored["granted"] is True and stored["version"] == current_version()
    assert dt.datetime.fromisoformat(stored["at"]) >= before
    assert 0 < env.ttl(consent_key("web-b")) <= load_privacy_settings().consent_seconds


async def test_refusing_collects_nothing_and_says_questions_are_still_answered(env):
    tracker = sdk_tracker("web-c", "không", "deny", slots={"privacy_pending": "status"})
    dispatcher = CollectingDispatcher()
    events = await ActionPrivacyReply().run(dispatcher, tracker, {})
    assert not any(e.get("event") == "followup" for e in events)
    assert dispatcher.messages[0]["response"] == "utter_privacy_refused"
    assert json.loads(env.hget(consent_key("web-c"), "status"))["granted"] is False
    # asking again still shows the notice: a refusal is not consent
    again = CollectingDispatcher()
    ActionStatusConsent().run(again, sdk_tracker("web-c", "tra cứu hồ sơ", "check_status"), {})
    assert again.messages[0]["response"] == "utter_privacy_notice_status"


async def test_agreeing_to_the_status_notice_keeps_the_code_the_request_carried(env):
    request = {"text": '/check_status{"application_code": "H56.22-250315-0001"}', "intent": {"name": "check_status"},
               "entities": [{"entity": "application_code", "value": "H56.22-250315-0001"}]}
    events = [{"event": "user", "text": request["text"], "parse_data": request},
              {"event": "user", "text": "1", "parse_data": {"intent": {"name": "consent_agree"}}}]
    tracker = sdk_tracker("sms:" + PHONE, "/consent_agree", "consent_agree", slots={"privacy_pending": "status"}, events=events)
    result = await ActionPrivacyReply().run(CollectingDispatcher(), tracker, {})
    assert {"event": "slot", "timestamp": None, "name": "application_code", "value": "H56.22-250315-0001"} in result
    assert ("followup", "status_form") in names(result)
    assert ActionStatusConsent().run(CollectingDispatcher(), sdk_tracker("sms:" + PHONE, "", "check_status"), {}) == [
        {"event": "followup", "timestamp": None, "name": "status_form"}]


def test_a_new_notice_version_asks_again(env):
    store = ConsentStore(env)
    store.record("web-d", "form", True, "2020-01-01")
    assert store.granted("web-d", "form") and not store.granted("web-d", "form", current_version())


async def test_withdrawing_consent_stops_notifications(env, async_redis_db):
    from actions.privacy import ActionPrivacyWithdraw

    status = StatusStore(async_redis_db(DB))
    ConsentStore(env).record("telegram:5551", "status", True, current_version())
    await status.subscribe("H56.22-250315-0001", "telegram", "5551")
    dispatcher = CollectingDispatcher()
    await ActionPrivacyWithdraw().run(dispatcher, sdk_tracker("telegram:5551", "rút lại sự đồng ý", "withdraw_consent", channel="telegram"), {})
    assert await status.subscribers("H56.22-250315-0001") == []
    assert not ConsentStore(env).granted("telegram:5551", "status")
    assert dispatcher.messages[0]["response"] == "utter_privacy_withdrawn"


# ---------------------------------------------------------------- erasure in every store


async def seed(env, async_redis_db, data_dir: Path, sender: str, question: str):
    """A citizen with a stored conversation, consent, subscriptions, an unanswered question and a form."""
    status = StatusStore(async_redis_db(DB))  # (connecting flushes the database: first)
    env.set(REDIS_KEY_PREFIX + sender, json.dumps({"events": [
        {"event": "user", "text": question, "timestamp": 1.0}, {"event": "bot", "text": "Xin lỗi…", "timestamp": 1.1}]}))
    ConsentStore(env).record(sender, "status", True, current_version())
    record_unanswered(question, "fallback", "telegram")
    record_unanswered("một câu của người khác", "fallback", "rest")
    await status.subscribe("H56.22-250315-0001", "telegram", sender.split(":", 1)[1])
    await status.subscribe("H56.22-250315-0001", "sms", PHONE)
    await status.subscribe("H56.22-250315-0001", "telegram", "someone-else")
    folder = data_dir / "forms"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "KHAI-1-abc.pdf").write_bytes(b"%PDF")
    (folder / "KHAI-1-abc.json").write_text(json.dumps({"values": {"ho_ten": "Nguyễn Văn An"}}, ensure_ascii=False))
    retention.register(data_dir, sender, "KHAI-1-abc")
    return status


async def test_erasure_leaves_nothing_in_any_store(env, async_redis_db, tmp_path):
    sender = "telegram:777"
    status = await seed(env, async_redis_db, tmp_path, sender, "Cho hỏi số 0912345678 của tôi có đúng không")
    counts = await personal_data.erase(personal_data.Subject.of(sender=sender, phone="0912345678"))
    assert counts["conversations"] == 1 and counts["subscriptions"] == 2 and counts["unanswered"] == 1
    assert env.get(REDIS_KEY_PREFIX + sender) is None
    assert env.exists(consent_key(sender)) == 0
    assert await status.subscriptions("telegram", "777") == [] and await status.subscriptions("sms", PHONE) == []
    assert await status.subscribers("H56.22-250315-0001") == [("telegram", "someone-else")]  # others untouched
    left = [json.loads(r)["question"] for r in env.lrange(REDIS_KEY, 0, -1)]
    assert left == ["một câu của người khác"]
    assert not list((tmp_path / "forms").iterdir()) and not (tmp_path / "form-owners" / f"{retention.owner_ref(sender)}.txt").exists()


async def test_the_erase_action_marks_the_conversation_for_the_tracker_store(env, async_redis_db, tmp_path):
    sender = "zalo:42"
    await seed(env, async_redis_db, tmp_path, sender, "thủ tục abc xyz")
    tracker = sdk_tracker(sender, "có", "affirm", slots={"privacy_pending": "erase"}, channel="zalo")
    dispatcher = CollectingDispatcher()
    events = await ActionPrivacyReply().run(dispatcher, tracker, {})
    assert any(e.get("name") == ERASE_ALL_SLOT and e.get("value") for e in events)
    assert dispatcher.messages[0]["response"] == "utter_privacy_erased"
    assert env.exists(consent_key(sender)) == 0 and env.llen(REDIS_KEY) == 1


DOMAIN = Domain.from_dict({"slots": {
    ERASE_ALL_SLOT: {"type": "float", "mappings": [{"type": "custom"}]},
    "ks_con_ho_ten": {"type": "text", "mappings": [{"type": "custom"}]},
}})


def store_on(client) -> ErasingRedisTrackerStore:
    return ErasingRedisTrackerStore(DOMAIN, host=REDIS_HOST, port=REDIS_PORT, db=DB, key_prefix="tracker")


async def test_the_tracker_store_drops_everything_before_the_erasure_and_sets_the_expiry(env):
    store = store_on(env)
    first = DialogueStateTracker.from_events("web-e", [
        UserUttered("tên tôi là Nguyễn Văn An, số 001088012345", timestamp=1.0),
        SlotSet("ks_con_ho_ten", "Nguyễn Văn An", timestamp=1.1),
        BotUttered("Mình đã ghi Nguyễn Văn An", timestamp=1.2),
        ActionExecuted("action_listen", timestamp=1.3),
    ], DOMAIN.slots)
    await store.save(first)
    key = REDIS_KEY_PREFIX + "web-e"
    assert b"Nguy" in env.get(key)
    ttl = env.ttl(key)
    assert 0 < ttl <= load_privacy_settings().conversation_seconds
    loaded = await store.retrieve("web-e")
    for event in [UserUttered("xóa dữ liệu của tôi", timestamp=2.0), BotUttered("Mình đã xóa", timestamp=2.1),
                  SlotSet(ERASE_ALL_SLOT, 2.2, timestamp=2.2), ActionExecuted("action_listen", timestamp=2.3)]:
        loaded.update(event)
    await store.save(loaded)
    raw = env.get(key).decode()
    assert "Nguy" not in raw and "001088012345" not in raw and "xóa dữ liệu" not in raw
    assert [e["event"] for e in json.loads(raw)["events"]] == ["slot", "action"]
    assert env.ttl(key) > 0


# ---------------------------------------------------------------- retention


def test_retention_settings_have_defaults_and_name_a_bad_variable():
    kept = load_privacy_settings({})
    assert kept.conversation_seconds == 7 * 86400 and kept.form_file_seconds == 86400
    assert load_privacy_settings({"UNANSWERED_RETENTION_DAYS": "30"}).unanswered_seconds == 30 * 86400
    for bad in ("abc", "0", "-2"):
        with pytest.raises(SettingError, match="STATUS_RETENTION_DAYS"):
            load_privacy_settings({"STATUS_RETENTION_DAYS": bad})


def test_unanswered_questions_expire_and_old_ones_are_pruned(env):
    old = {"at": (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=400)).isoformat(timespec="seconds"),
           "question": "cũ", "reason": "fallback", "channel": "rest"}
    env.rpush(REDIS_KEY, json.dumps(old, ensure_ascii=False))
    record_unanswered("mới", "fallback", "rest")
    assert [json.loads(r)["question"] for r in env.lrange(REDIS_KEY, 0, -1)] == ["mới"]
    assert 0 < env.ttl(REDIS_KEY) <= load_privacy_settings().unanswered_seconds


async def test_status_records_and_subscriptions_expire(env, async_redis_db):
    status = StatusStore(async_redis_db(DB))
    await status.apply(parse_event({"event_id": "e1", "code": "H56.22-250315-0001", "status": "dang_xu_ly",
                                    "event_time": "2026-11-30T10:00:00+07:00", "phone": "0912345678"}))
    await status.subscribe("H56.22-250315-0001", "sms", PHONE)
    limit = load_privacy_settings().status_seconds
    for key in ("app:H56.22-250315-0001", "app:H56.22-250315-0001:history", "app:H56.22-250315-0001:subs", f"subs:sms|{PHONE}"):
        assert 0 < env.ttl(key) <= limit, key


def test_form_files_are_swept_after_their_retention(tmp_path):
    folder = tmp_path / "forms"
    folder.mkdir()
    old, new = folder / "OLD-x.pdf", folder / "NEW-y.pdf"
    old.write_bytes(b"%PDF")
    new.write_bytes(b"%PDF")
    os.utime(old, (time.time() - 3 * 86400,) * 2)
    retention.register(tmp_path, "web-f", "OLD-x")
    assert retention.sweep(tmp_path, 86400) == 1
    assert not old.exists() and new.exists() and retention.files_of(tmp_path, "web-f") == []


# ---------------------------------------------------------------- the officers' tool


async def run_cli(argv):
    """``python -m admin.personal_data`` in a thread (it runs its own event loop)."""
    import asyncio

    from admin.personal_data import main

    return await asyncio.to_thread(main, argv)


async def test_cli_export_then_erase_with_audit_entries(env, async_redis_db, tmp_path, capsys):
    sender = "telegram:888"
    await seed(env, async_redis_db, tmp_path, sender, "câu hỏi riêng của tôi")
    assert await run_cli(["export", "--sender", sender, "--phone", "0912345678", "--by", "lan"]) == 0
    held = json.loads(capsys.readouterr().out)
    assert held["conversations"][sender]["messages"][0]["text"] == "câu hỏi riêng của tôi"
    assert {"channel": "sms", "code": "H56.22-250315-0001"} in held["subscriptions"]
    assert held["form_files"][1]["content"]["values"]["ho_ten"] == "Nguyễn Văn An"
    assert await run_cli(["erase", "--sender", sender, "--by", "lan"]) == 2  # no --yes: nothing erased
    assert env.exists(consent_key(sender))
    assert await run_cli(["erase", "--sender", sender, "--by", "lan", "--yes"]) == 0
    assert env.exists(consent_key(sender)) == 0 and env.get(REDIS_KEY_PREFIX + sender) is None
    audit = [json.loads(e) for e in env.lrange("kb:audit", 0, -1)]
    assert [e["action"] for e in audit] == ["personal_data_erased", "personal_data_exported"]
    assert all(e["by"] == "lan" and "888" not in e["target"] for e in audit)
    assert await run_cli(["export", "--phone", "12"]) == 2


# ---------------------------------------------------------------- SMS


def _sms_variant(name: str) -> dict:
    responses = yaml.safe_load(DOMAIN_FILE.read_text(encoding="utf-8"))["responses"][name]
    return next(r for r in responses if r.get("channel") == "sms")


@pytest.mark.parametrize("name", ["utter_privacy_notice_form", "utter_privacy_notice_status", "utter_privacy_erase_ask"])
def test_sms_notices_fit_three_segments_without_diacritics(name):
    variant = _sms_variant(name)
    # the longest values the notice may carry: 3-digit day counts, a controller's name of 40 characters
    text = variant["text"].format(conversation_days="365", form_file_days="365", status_days="3650",
                                  controller="UBND phuong Sai Gon, TP Ho Chi Minh (VP)")
    parts = sms_with_options(text, variant.get("buttons") or [])
    assert len(parts) <= 3 and all(is_gsm7(p) for p in parts)
    joined = "".join(re.sub(r"^\(\d/\d\) ?", "", part) for part in parts)
    assert "".join(text.split()) in "".join(joined.split()), "the notice was cut"
    assert text == text.encode("ascii", "ignore").decode()


def test_xoa_on_sms_asks_for_erasure():
    assert keyword_message("XOA") == keyword_message("xóa") == keyword_message("Xoa du lieu") == "/erase_my_data"


async def test_without_redis_the_in_memory_stores_forget_too(monkeypatch, tmp_path):
    """The embedded default (no REDIS_URL): consent in the action server's memory, the conversation in
    the in-memory tracker store; both are gone after an erasure."""
    from bot.consent import consent_store
    from bot.tracker_store import ErasingInMemoryTrackerStore

    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    consent_store().record("web-g", "form", True, current_version())
    counts = await personal_data.erase(personal_data.Subject.of(sender="web-g"))
    assert counts["consent"] == 1 and consent_store().records("web-g") == {}
    store = ErasingInMemoryTrackerStore(DOMAIN)
    tracker = DialogueStateTracker.from_events("web-g", [
        UserUttered("số tôi 0912345678", timestamp=1.0), SlotSet(ERASE_ALL_SLOT, 2.0, timestamp=2.0),
        ActionExecuted("action_listen", timestamp=2.1)], DOMAIN.slots)
    await store.save(tracker)
    assert "0912345678" not in json.dumps([e.as_dict() for e in (await store.retrieve("web-g")).events], ensure_ascii=False)
