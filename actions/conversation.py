"""Small helpers to read the tracker the same way in every action, and to hand the answer path's
``Reply`` to Rasa (messages and slot events) the same way in every action."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.answering.pipeline import Context
from bot.answering.types import Asked, Reply
from bot.unanswered import record_unanswered

PROCEDURE_SLOT = "procedure"
ASPECT_SLOT = "aspect"
ASPECT_ENTITY = "aspect"


def latest_text(tracker: Tracker) -> Text:
    return tracker.latest_message.get("text") or ""


def latest_intent(tracker: Tracker) -> Optional[Text]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def latest_entity_values(tracker: Tracker, entity: Text) -> List[Text]:
    values: List[Text] = []
    for item in tracker.latest_message.get("entities") or []:
        if item.get("entity") == entity and item.get("value") not in values:
            values.append(item["value"])
    return values


def pending_aspects(tracker: Tracker) -> Tuple[Asked, ...]:
    """The aspects asked before "which procedure?" (slot ``aspect``, comma-separated)."""
    value = tracker.get_slot(ASPECT_SLOT) or ""
    return tuple(Asked(v) for v in str(value).split(",") if v in Asked.__members__)


def answer_context(tracker: Tracker) -> Context:
    text = latest_text(tracker)
    named = latest_entity_values(tracker, PROCEDURE_SLOT)
    aspects = latest_entity_values(tracker, ASPECT_ENTITY)
    payload = text.lstrip().startswith("/")
    return Context(
        intent=latest_intent(tracker),
        procedure=named[0] if payload and len(named) == 1 else None,
        aspect=aspects[0] if aspects else None,
        remembered_procedure=tracker.get_slot(PROCEDURE_SLOT),
        pending_aspects=pending_aspects(tracker),
        channel=tracker.get_latest_input_channel(),
        payload=payload,
    )


def send_reply(dispatcher: CollectingDispatcher, tracker: Tracker, reply: Reply) -> List[Dict[Text, Any]]:
    """The reply as one message (a domain response when the whole reply is one), the question recorded
    for officers when the reply says so, and the slots: the procedure answered (for follow-ups), the
    aspects still pending when the citizen is asked which procedure."""
    buttons = [{"title": b.title, "payload": b.payload} for b in reply.buttons]
    response = reply.extras.get("response")
    if response:
        dispatcher.utter_message(response=response, buttons=buttons, **reply.extras.get("values", {}))
    else:
        dispatcher.utter_message(text=reply.text, buttons=buttons)
    if reply.record_unanswered:
        detail = {k: reply.extras[k] for k in ("faq", "score", "unanswered") if reply.extras.get(k)}
        record_unanswered(latest_text(tracker), reply.record_unanswered, tracker.get_latest_input_channel(), detail or None)
    if reply.kind == "answer" and reply.procedure_id:
        return [SlotSet(PROCEDURE_SLOT, reply.procedure_id), SlotSet(ASPECT_SLOT, None)]
    if reply.kind in ("which_procedure", "not_covered"):
        aspects = ",".join(reply.extras.get("aspects") or [])
        return [SlotSet(ASPECT_SLOT, aspects or None)]
    return []
