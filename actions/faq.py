"""Rasa adapter of the answer path for messages the NLU could not place (nlu_fallback) or took for
out of scope: the same ``pipeline.answer`` (a procedure named in the message is still answered; the
FAQ answers the rest by retrieval). When the pipeline knows nothing and the NLU said out_of_scope,
the polite redirect ``utter_out_of_scope`` is said instead of "I don't know" (nothing recorded).
``answer_faq`` is the whole action as a plain function, for ``action_start_form`` (a form answer while
no form is open): actions share functions, never call each other's ``run``.
"""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import answer_context, latest_intent, latest_text, send_reply
from bot import analytics
from bot.answering import pipeline
from bot.knowledge import repository


def answer_faq(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    """The whole of ``action_answer_faq`` as a plain function (shared with ``action_start_form``),
    counted (``bot.analytics``)."""
    reply = pipeline.answer(latest_text(tracker), answer_context(tracker), repository.current())
    if reply.kind == "dont_know" and latest_intent(tracker) == "out_of_scope":
        dispatcher.utter_message(response="utter_out_of_scope")
        events: List[Dict[Text, Any]] = []
    else:
        events = send_reply(dispatcher, tracker, reply)
    analytics.count(dispatcher, tracker, events)
    return events


class ActionAnswerFaq(Action):
    def name(self) -> Text:
        return "action_answer_faq"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        # the answer path (matching, retrieval) and its Redis writes (statistics, unanswered questions)
        # run on a worker thread: the action server's event loop keeps serving other conversations
        return await asyncio.to_thread(answer_faq, dispatcher, tracker)
