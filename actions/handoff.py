"""Tells the citizen how to reach a person: the hotline and the one-stop desk."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.settings import load_settings


class ActionHumanHandoff(Action):
    def name(self) -> Text:
        return "action_human_handoff"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        settings = load_settings()
        dispatcher.utter_message(response="utter_human_handoff", hotline=settings.hotline, portal=settings.portal_url)
        return []
