"""Citizens' control of their personal data in the conversation (Luật Bảo vệ dữ liệu cá nhân
91/2025/QH15; docs/security.md, "Personal data and retention").

* Before a form (actions/forms.py) or a status lookup (``action_status_consent``) collects personal
  data, the notice of that purpose is shown (``utter_privacy_notice_form`` / ``_status``, version in
  the slot ``privacy_notice_version``) with agree / refuse buttons. The answer is recorded
  (bot/consent.py) with its time and the notice version; without agreement nothing is collected and
  the assistant goes on answering questions.
* "xóa dữ liệu của tôi" (SMS ``XOA``) asks for confirmation; on "yes" everything held about this
  conversation is erased in every store (personal_data/) and the slot
  ``personal_data_erased_at`` makes the tracker store drop the stored conversation.
* "rút lại sự đồng ý" records the withdrawal and ends the status notifications.

Slots: ``privacy_question`` (true while a notice or the erasure question waits for an answer: the
rules send "có"/"không" here) and ``privacy_pending`` (what is waiting: ``form:<form id>``,
``status`` or ``erase``).
"""

from __future__ import annotations

import logging
import time
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.consent import PURPOSES, consent_store
from bot.privacy import ERASE_ALL_SLOT, mask
from bot.settings import load_privacy_settings
from core.application_codes import find_code
import personal_data

logger = logging.getLogger(__name__)

QUESTION_SLOT, PENDING_SLOT, VERSION_SLOT = "privacy_question", "privacy_pending", "privacy_notice_version"
AGREE, REFUSE, CONFIRM_ERASE = "consent_agree", "consent_refuse", "erase_confirm"
DOMAIN_FILE = Path(__file__).resolve().parent.parent / "bot" / "domain" / "privacy.yml"


@lru_cache(maxsize=1)
def current_version() -> str:
    """The notice version declared in the domain (the slot's initial value)."""
    slots = yaml.safe_load(DOMAIN_FILE.read_text(encoding="utf-8"))["slots"]
    return str(slots[VERSION_SLOT]["initial_value"])


def notice_version(tracker: Tracker) -> str:
    return tracker.get_slot(VERSION_SLOT) or current_version()


def has_consent(tracker: Tracker, purpose: str) -> bool:
    """The citizen agreed to the current notice for this purpose."""
    return consent_store().granted(tracker.sender_id, purpose, notice_version(tracker))


def ask_consent(dispatcher: CollectingDispatcher, tracker: Tracker, purpose: str, target: str = "") -> List[EventType]:
    kept = load_privacy_settings()
    dispatcher.utter_message(
        response=f"utter_privacy_notice_{purpose}",
        conversation_days=_days(kept.conversation_seconds), form_file_days=_days(kept.form_file_seconds),
        status_days=_days(kept.status_seconds), controller=kept.controller,
    )
    return [SlotSet(PENDING_SLOT, f"{purpose}:{target}" if target else purpose), SlotSet(QUESTION_SLOT, True)]


def _days(seconds: int) -> str:
    days = seconds / 86400
    return str(int(days)) if days == int(days) else f"{days:.1f}".replace(".", ",")


def _done() -> List[EventType]:
    return [SlotSet(PENDING_SLOT, None), SlotSet(QUESTION_SLOT, False)]


def _intent(tracker: Tracker) -> Optional[str]:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def _purpose_entity(tracker: Tracker) -> Optional[str]:
    for entity in (tracker.latest_message or {}).get("entities") or []:
        if entity.get("entity") == "privacy_purpose" and entity.get("value") in PURPOSES:
            return entity["value"]
    return None


def _requested_code(tracker: Tracker) -> Optional[str]:
    """The application code in the status request the notice interrupted, if it carried one."""
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        parse = event.get("parse_data") or {}
        if (parse.get("intent") or {}).get("name") != "check_status":
            continue
        for entity in parse.get("entities") or []:
            if entity.get("entity") == "application_code" and entity.get("value"):
                return str(entity["value"])
        return find_code(event.get("text") or "")
    return None


class ActionStatusConsent(Action):
    """A status lookup: straight to ``status_form`` with consent, the notice without."""

    def name(self) -> Text:
        return "action_status_consent"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        if has_consent(tracker, "status"):
            return [FollowupAction("status_form")]
        return ask_consent(dispatcher, tracker, "status")


class ActionPrivacyReply(Action):
    """The answer to a notice or to the erasure question (buttons, or "có"/"không")."""

    def name(self) -> Text:
        return "action_privacy_reply"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        intent = _intent(tracker)
        pending = tracker.get_slot(PENDING_SLOT) or ""
        yes = intent in (AGREE, CONFIRM_ERASE, "affirm")
        channel = tracker.get_latest_input_channel() or ""
        if pending == "erase":
            if intent == CONFIRM_ERASE or intent == "affirm":
                return await self._erase(dispatcher, tracker)
            dispatcher.utter_message(response="utter_privacy_erase_cancelled")
            return _done()
        purpose, _, target = pending.partition(":")
        if purpose not in PURPOSES:
            purpose = _purpose_entity(tracker) or ""
            if purpose and intent in (AGREE, REFUSE):  # an answer given ahead of any notice
                consent_store().record(tracker.sender_id, purpose, intent == AGREE, notice_version(tracker), channel)
                dispatcher.utter_message(
                    response="utter_privacy_consent_recorded" if intent == AGREE else "utter_privacy_refused"
                )
            else:
                dispatcher.utter_message(response="utter_anything_else")
            return _done()
        consent_store().record(tracker.sender_id, purpose, yes, notice_version(tracker), channel)
        logger.info("consent %s for %s by %s", "given" if yes else "refused", purpose, mask(tracker.sender_id))
        if not yes:
            dispatcher.utter_message(response="utter_privacy_refused")
            return _done()
        if purpose == "form":
            from actions.forms import begin_form
            from forms.spec import form_by_id

            spec = form_by_id(target)
            if spec is None:
                return _done() + [FollowupAction("action_start_form")]
            return _done() + begin_form(dispatcher, spec)
        code = _requested_code(tracker)
        return _done() + ([SlotSet("application_code", code)] if code else []) + [FollowupAction("status_form")]

    async def _erase(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        subject = personal_data.Subject.of(sender=tracker.sender_id)
        asked = personal_data.questions_in(list(tracker.events))
        counts = await personal_data.erase(subject, asked)
        logger.info("personal data of %s erased: %s", mask(tracker.sender_id), counts)
        dispatcher.utter_message(response="utter_privacy_erased")
        return _done() + [SlotSet(ERASE_ALL_SLOT, time.time())]


class ActionPrivacyEraseAsk(Action):
    def name(self) -> Text:
        return "action_privacy_erase_ask"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        dispatcher.utter_message(response="utter_privacy_erase_ask")
        return [SlotSet(PENDING_SLOT, "erase"), SlotSet(QUESTION_SLOT, True)]


class ActionPrivacyWithdraw(Action):
    """Consent withdrawn: recorded for every purpose, and every status notification stops."""

    def name(self) -> Text:
        return "action_privacy_withdraw"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        consent_store().withdraw(tracker.sender_id, notice_version(tracker), tracker.get_latest_input_channel() or "")
        ended = await personal_data.unsubscribe_all(personal_data.Subject.of(sender=tracker.sender_id))
        logger.info("consent withdrawn by %s; %d subscriptions ended", mask(tracker.sender_id), ended)
        dispatcher.utter_message(response="utter_privacy_withdrawn")
        return _done() + [SlotSet("status_verified_code", None), SlotSet("status_offer", False)]
