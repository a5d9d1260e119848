"""Generates the Rasa domain of the forms (``bot/domain/forms.yml``) from the form definitions
(intents, slots, forms, actions) and from ``forms/responses.yml`` (what the forms say, as ``utter_form_*``
responses: the actions send them by name, the engine reads them from the domain through
``bot.answering.responses``):

    .venv/bin/python -m forms.domain > bot/domain/forms.yml

A test checks the committed file is up to date."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Dict, List

import yaml

from forms.spec import ACTIVE_SLOT, CONFIRM_SLOT, KEEP_SLOT, NOTICE_SLOT, PENDING_SLOT, all_forms

RESPONSES_FILE = Path(__file__).resolve().parent / "responses.yml"
INTENTS = ["start_form", "fill_form", "correct_field", "cancel_form", "resume_form"]
ACTIONS = ["action_start_form", "action_submit_form", "action_cancel_form", "action_form_pause"]


def ask_actions() -> List[str]:
    slots = [slot for spec in all_forms().values() for slot in spec.slots]
    return [f"action_ask_{slot}" for slot in slots + [CONFIRM_SLOT]]


def domain() -> Dict[str, Any]:
    def custom() -> List[Dict[str, str]]:
        return [{"type": "custom"}]

    slots: Dict[str, Any] = {}
    for spec in all_forms().values():
        for slot in spec.slots:
            slots[slot] = {"type": "any", "influence_conversation": False, "mappings": custom()}
    slots[CONFIRM_SLOT] = {"type": "bool", "influence_conversation": False, "mappings": custom()}
    slots[PENDING_SLOT] = {"type": "any", "influence_conversation": False, "mappings": custom()}
    slots[KEEP_SLOT] = {"type": "bool", "influence_conversation": False, "mappings": custom()}
    slots[ACTIVE_SLOT] = {"type": "float", "influence_conversation": False, "mappings": custom()}
    slots[NOTICE_SLOT] = {"type": "text", "influence_conversation": False, "mappings": custom()}
    return {
        "version": "3.1",
        "intents": INTENTS,
        "entities": ["form_type"],
        "slots": slots,
        "forms": {spec.form: {"required_slots": spec.required_slots} for spec in all_forms().values()},
        "actions": ACTIONS + [f"validate_{spec.form}" for spec in all_forms().values()] + ask_actions(),
        "responses": yaml.safe_load(RESPONSES_FILE.read_text(encoding="utf-8")),
    }


HEADER = (
    "# Generated from forms/definitions/*.yml and forms/responses.yml by `python -m forms.domain > bot/domain/forms.yml`:\n"
    "# do not edit. Conversational form filling (issue 5): the three declarations, their slots and actions, what they say.\n"
)


def render() -> str:
    return HEADER + yaml.safe_dump(domain(), allow_unicode=True, sort_keys=False, width=120)


if __name__ == "__main__":
    sys.stdout.write(render())
