"""Rasa adapter of the answer path for messages the NLU could not place (nlu_fallback) or took for
out of scope: the same ``pipeline.answer`` (a procedure named in the message is still answered; the
FAQ answers the rest by retrieval). When the pipeline knows nothing and the NLU said out_of_scope,
the polite redirect ``utter_out_of_scope`` is said instead of "I don't know" (nothing recorded).
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import answer_context, latest_intent, latest_text, send_reply
from bot import analytics
from bot.answering import pipeline
from bot.knowledge import repository


class ActionAnswerFaq(Action):
    def name(self) -> Text:
        return "action_answer_faq"

    @analytics.counted
    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        reply = pipeline.answer(latest_text(tracker), answer_context(tracker), repository.current())
        if reply.kind == "dont_know" and latest_intent(tracker) == "out_of_scope":
            dispatcher.utter_message(response="utter_out_of_scope")
            return []
        return send_reply(dispatcher, tracker, reply)
