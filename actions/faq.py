"""Answers questions that are not about one procedure's aspects, by retrieval over the FAQ.

Below the confidence threshold the assistant says honestly that it does not know, points to the
hotline and the portal, and records the (masked) question for officers. Answers just above the
threshold are given but recorded too, so officers can check them.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import PROCEDURE_SLOT, latest_entity_values, latest_intent, latest_text
from bot import analytics
from bot.knowledge import repository
from bot.knowledge.render import Aspect, render_faq, render_procedure
from bot.settings import load_settings
from bot.unanswered import record_unanswered

LOW_CONFIDENCE_MARGIN = 0.1


def answer_from_faq(dispatcher: CollectingDispatcher, tracker: Tracker, threshold: float) -> bool:
    """Answer from the FAQ when its best hit reaches ``threshold``; True when it answered."""
    text = latest_text(tracker)
    hit = repository.current().faq.search(text)
    if not hit or hit.score < threshold:
        return False
    dispatcher.utter_message(text=render_faq(hit.entry))
    if hit.score < threshold + LOW_CONFIDENCE_MARGIN:
        record_unanswered(
            text, "low_confidence", tracker.get_latest_input_channel(), {"faq": hit.entry.id, "score": round(hit.score, 3)}
        )
    return True


class ActionAnswerFaq(Action):
    def name(self) -> Text:
        return "action_answer_faq"

    @analytics.counted
    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        settings = load_settings()
        if answer_from_faq(dispatcher, tracker, settings.faq_threshold):
            return []
        live = repository.current()

        named = [v for v in latest_entity_values(tracker, PROCEDURE_SLOT) if v in live.base.procedures]
        if len(named) == 1:
            dispatcher.utter_message(text=render_procedure(live.base.procedures[named[0]], Aspect.overview))
            return [SlotSet(PROCEDURE_SLOT, named[0])]

        if latest_intent(tracker) == "out_of_scope":
            dispatcher.utter_message(response="utter_out_of_scope")
            return []
        dispatcher.utter_message(response="utter_dont_know", hotline=settings.hotline, portal=settings.portal_url)
        record_unanswered(latest_text(tracker), "fallback", tracker.get_latest_input_channel())
        return []
