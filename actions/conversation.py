"""Small helpers to read the tracker the same way in every action."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker

from bot.knowledge.render import Aspect

PROCEDURE_SLOT = "procedure"
ASPECT_SLOT = "aspect"


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


def pending_aspect(tracker: Tracker) -> Optional[Aspect]:
    value = tracker.get_slot(ASPECT_SLOT)
    return Aspect(value) if value in Aspect.__members__ else None


def procedure_buttons(ids_and_names: List[tuple]) -> List[Dict[str, Any]]:
    return [
        {"title": name, "payload": '/inform_procedure{"procedure":"%s"}' % procedure_id}
        for procedure_id, name in ids_and_names
    ]
