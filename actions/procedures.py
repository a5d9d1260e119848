"""Rasa adapter of the answer path for questions about a procedure (intents ask_*, inform_procedure).

Reads the tracker into ``bot.answering.pipeline.Context`` (intent as a hint, the procedure a button
named, the remembered procedure, the aspects pending from "which procedure?", the channel), takes ONE
knowledge snapshot, calls ``pipeline.answer`` and translates the ``Reply`` (``actions.conversation
.send_reply``). Nothing about the answer is decided here. The action runs all of it on a worker thread
(``asyncio.to_thread``): the answer path and its synchronous Redis writes never hold the event loop.
"""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import answer_context, latest_text, send_reply
from bot import analytics
from bot.answering import pipeline
from bot.knowledge import repository


def answer_procedure(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    """The answer path's reply to the latest message, sent and counted (``bot.analytics``): the whole
    of ``action_answer_procedure``, shared with the actions that find a procedure question in their turn."""
    reply = pipeline.answer(latest_text(tracker), answer_context(tracker), repository.current())
    events = send_reply(dispatcher, tracker, reply)
    analytics.count(dispatcher, tracker, events)
    return events


class ActionAnswerProcedure(Action):
    def name(self) -> Text:
        return "action_answer_procedure"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        # the answer path (matching, retrieval) and its Redis writes (statistics, unanswered questions)
        # run on a worker thread: the action server's event loop keeps serving other conversations
        return await asyncio.to_thread(answer_procedure, dispatcher, tracker)
