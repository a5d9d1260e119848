"""Application status by chat and SMS: the query (with a second factor), subscriptions, unsubscribing.

``status_form`` asks for the application code when the message did not carry one, then, in chat, for
the last 4 digits of the applicant's phone; over SMS the sender's phone itself is the second factor
(it must be the application's phone). ``action_check_status`` answers. An unknown code and a failed
check get the very same answer, and each sender has a budget of queries and failed checks
(``applications.guard``) and each code a budget of failed checks from all senders together, so codes
can be neither enumerated nor guessed from many sender ids. After a successful query the citizen is
offered notifications on the same channel (``action_subscribe_status``); "hủy nhận thông báo" /
SMS ``HUY`` stops them (``action_unsubscribe_status``; ``unsubscribe`` is the same as a function, which
``action_check_status`` calls when "HUY" stops a lookup: actions share functions, never call each other's
``run``).
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from redis.asyncio import Redis

from actions.conversation import latest_entity_values, latest_intent, latest_text
from applications.guard import QueryGuard
from applications.render import render_status
from applications.store import StatusStore
from bot.answering.intents import PROCEDURE_INTENTS
from bot.privacy import mask
from bot.settings import StatusSettings, load_settings, load_status_settings
from bot.text import fold
from core.application_codes import find_code, last4, normalize_code
from core.conversation_ids import provider_id
from core.phone import normalize_phone

logger = logging.getLogger(__name__)

CODE_SLOT, LAST4_SLOT = "application_code", "phone_last4"
STOP_SLOT, TRIES_SLOT = "status_stop", "status_tries"
VERIFIED_SLOT, OFFER_SLOT = "status_verified_code", "status_offer"
MAX_TRIES = 3
STOP_INTENTS = {"deny", "goodbye", "unsubscribe", "human_handoff", "thank"}
# personal-data requests in the middle of a lookup: the lookup stops and the request is served
PRIVACY_FOLLOWUPS = {"erase_my_data": "action_privacy_erase_ask", "withdraw_consent": "action_privacy_withdraw",
                     "sent_photo": "utter_privacy_no_photos"}
OTHER_QUESTIONS = PROCEDURE_INTENTS  # a question about a procedure stops the lookup and is answered
STOP_WORDS = {"thoi", "huy", "dung", "khong tra nua", "thoat"}

_clients: Dict[str, Redis] = {}


def redis_client(url: str) -> Redis:
    if url not in _clients:
        _clients[url] = Redis.from_url(url)
    return _clients[url]


def channel_of(tracker: Tracker) -> Text:
    return tracker.get_latest_input_channel() or ""


def is_sms(tracker: Tracker, settings: StatusSettings) -> bool:
    return channel_of(tracker) in settings.sms_channels


def wants_to_stop(tracker: Tracker) -> bool:
    text = fold(latest_text(tracker)).strip(" .!")
    intent = latest_intent(tracker)
    return intent in STOP_INTENTS or intent in PRIVACY_FOLLOWUPS or text in STOP_WORDS or text.startswith("thoi ")


class ValidateStatusForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_status_form"

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        if tracker.get_slot(STOP_SLOT):
            return [STOP_SLOT]  # filled: the form ends (and the stop is kept for action_check_status)
        if is_sms(tracker, load_status_settings()):
            return [CODE_SLOT]
        return domain_slots

    def _stop_or_retry(self, tracker: Tracker, slot: Text) -> Dict[Text, Any]:
        tries = int(tracker.get_slot(TRIES_SLOT) or 0) + 1
        if tries >= MAX_TRIES:
            return {slot: None, STOP_SLOT: True, TRIES_SLOT: 0}
        return {slot: None, TRIES_SLOT: tries}

    async def extract_application_code(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        requested = tracker.get_slot("requested_slot")
        if requested not in (None, CODE_SLOT) or tracker.get_slot(CODE_SLOT):
            return {}
        for value in latest_entity_values(tracker, CODE_SLOT):
            return {CODE_SLOT: str(value)}
        code = find_code(latest_text(tracker))
        if code:
            return {CODE_SLOT: code}
        if requested is None:  # the first message had no code: the form asks for it
            return {}
        if wants_to_stop(tracker):
            return {STOP_SLOT: True}
        if latest_intent(tracker) in OTHER_QUESTIONS:
            return {STOP_SLOT: True}
        return {CODE_SLOT: latest_text(tracker).strip() or "-"}

    async def validate_application_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        code = normalize_code(str(value or ""))
        if code:
            return {CODE_SLOT: code, TRIES_SLOT: 0}
        result = self._stop_or_retry(tracker, CODE_SLOT)
        if not result.get(STOP_SLOT):
            dispatcher.utter_message(response="utter_status_code_invalid")
        return result

    async def extract_phone_last4(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if tracker.get_slot("requested_slot") != LAST4_SLOT:
            return {}
        digits = last4(latest_text(tracker))
        if digits:
            return {LAST4_SLOT: digits}
        if wants_to_stop(tracker) or latest_intent(tracker) in OTHER_QUESTIONS:
            return {STOP_SLOT: True}
        return {LAST4_SLOT: latest_text(tracker).strip() or "-"}

    async def validate_phone_last4(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        digits = last4(str(value or ""))
        if digits and len(str(value).strip()) <= 40:
            return {LAST4_SLOT: digits, TRIES_SLOT: 0}
        result = self._stop_or_retry(tracker, LAST4_SLOT)
        if not result.get(STOP_SLOT):
            dispatcher.utter_message(response="utter_status_last4_invalid")
        return result


def _reset() -> List[Dict[Text, Any]]:
    return [SlotSet(CODE_SLOT, None), SlotSet(LAST4_SLOT, None), SlotSet(STOP_SLOT, None), SlotSet(TRIES_SLOT, None)]


class ActionCheckStatus(Action):
    def name(self) -> Text:
        return "action_check_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        settings = load_status_settings()
        if tracker.get_slot(STOP_SLOT):
            if latest_intent(tracker) == "unsubscribe":
                return _reset() + await unsubscribe(dispatcher, tracker)
            if latest_intent(tracker) in PRIVACY_FOLLOWUPS:
                return _reset() + [FollowupAction(PRIVACY_FOLLOWUPS[latest_intent(tracker)])]
            dispatcher.utter_message(response="utter_status_stopped")
            if latest_intent(tracker) in OTHER_QUESTIONS:  # the citizen asked something else: answer it
                return _reset() + [FollowupAction("action_answer_procedure")]
            return _reset()
        if not settings.redis_url:
            dispatcher.utter_message(response="utter_status_unavailable", portal=load_settings().portal_url)
            return _reset()
        code = normalize_code(tracker.get_slot(CODE_SLOT) or "")
        channel = channel_of(tracker)
        redis = redis_client(settings.redis_url)
        guard = QueryGuard(redis, settings.max_failures, settings.max_queries, settings.guard_window, settings.key_prefix,
                           settings.max_code_failures)
        sender = f"{channel}:{tracker.sender_id}"
        if await guard.blocked(sender):
            logger.info("status query refused: sender %s over its limit", mask(tracker.sender_id))
            dispatcher.utter_message(response="utter_status_too_many")
            return _reset()
        await guard.query(sender)
        if await guard.code_blocked(code):
            logger.info("status query refused: too many failed checks on this code from all senders")
            dispatcher.utter_message(response="utter_status_too_many")
            return _reset()
        app = await StatusStore(redis, settings.key_prefix).get(code) if code else None
        if is_sms(tracker, settings):
            verified = bool(app and app.phone and app.phone == normalize_phone(provider_id(channel, tracker.sender_id)))
        else:
            verified = bool(app and app.phone and app.phone[-4:] == (tracker.get_slot(LAST4_SLOT) or ""))
        if not verified:
            await guard.failure(sender, code)
            logger.info("status query by %s: no match", mask(tracker.sender_id))
            dispatcher.utter_message(response="utter_status_no_match")
            return _reset()
        dispatcher.utter_message(text=render_status(app))
        events = _reset() + [SlotSet(VERIFIED_SLOT, app.code)]
        if channel in settings.subscribe_channels:
            dispatcher.utter_message(response="utter_status_offer_subscription", buttons=[
                {"title": "Có, nhận thông báo", "payload": "/subscribe_status"},
                {"title": "Không, cảm ơn", "payload": "/deny"},
            ])
            events.append(SlotSet(OFFER_SLOT, True))
        return events


class ActionSubscribeStatus(Action):
    """Yes (or "đăng ký nhận thông báo") subscribes this channel to the application just checked; no declines."""

    def name(self) -> Text:
        return "action_subscribe_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        settings = load_status_settings()
        if latest_intent(tracker) == "deny":
            dispatcher.utter_message(response="utter_status_not_subscribed")
            return [SlotSet(OFFER_SLOT, False)]
        code: Optional[Text] = tracker.get_slot(VERIFIED_SLOT)
        channel = channel_of(tracker)
        target = settings.subscribe_channels.get(channel)
        if not code:
            dispatcher.utter_message(response="utter_status_subscribe_needs_query")
            return [SlotSet(OFFER_SLOT, False)]
        if not target or not settings.redis_url:
            dispatcher.utter_message(response="utter_status_channel_cannot_notify")
            return [SlotSet(OFFER_SLOT, False)]
        store = StatusStore(redis_client(settings.redis_url), settings.key_prefix)
        if target == "sms":
            app = await store.get(code)
            recipient = app.phone if app else ""  # SMS notifications go to the application's phone only
        else:
            recipient = provider_id(channel, tracker.sender_id)
        if not recipient:
            dispatcher.utter_message(response="utter_status_channel_cannot_notify")
            return [SlotSet(OFFER_SLOT, False)]
        await store.subscribe(code, target, recipient)
        logger.info("subscribed %s on %s to a status", mask(recipient), target)
        dispatcher.utter_message(response="utter_status_subscribed", code=code)
        return [SlotSet(OFFER_SLOT, False)]


async def unsubscribe(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    """Stop this channel's notifications to the sender: the whole of ``action_unsubscribe_status``,
    shared with ``action_check_status`` when "HUY" stops a lookup."""
    settings = load_status_settings()
    channel = channel_of(tracker)
    target = settings.subscribe_channels.get(channel)
    if not target or not settings.redis_url:
        dispatcher.utter_message(response="utter_status_unsubscribed_none")
        return [SlotSet(OFFER_SLOT, False)]
    recipient = provider_id(channel, tracker.sender_id)
    if target == "sms":
        recipient = normalize_phone(recipient) or recipient
    removed = await StatusStore(redis_client(settings.redis_url), settings.key_prefix).unsubscribe(target, recipient)
    dispatcher.utter_message(response="utter_status_unsubscribed" if removed else "utter_status_unsubscribed_none")
    return [SlotSet(OFFER_SLOT, False), SlotSet(VERIFIED_SLOT, None)]


class ActionUnsubscribeStatus(Action):
    def name(self) -> Text:
        return "action_unsubscribe_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        return await unsubscribe(dispatcher, tracker)
