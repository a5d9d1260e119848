"""Answers questions about a procedure's documents, fee, deadline, authority, online service, law.

The procedure comes from this message (entity ``procedure``), from a button the citizen pressed, or,
for a short follow-up ("còn lệ phí thì sao?"), from the conversation (slot ``procedure``). When the
message matches several procedures, or none, the citizen is asked which one, with buttons.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import (
    ASPECT_SLOT,
    PROCEDURE_SLOT,
    latest_entity_values,
    latest_intent,
    latest_text,
    pending_aspect,
    procedure_buttons,
)
from actions.faq import answer_from_faq
from bot import analytics
from bot.knowledge import repository
from bot.knowledge.render import ASPECT_IN_QUESTION, Aspect, render_procedure
from bot.settings import load_settings
from bot.text import syllables
from bot.unanswered import record_unanswered

INTENT_ASPECTS = {
    "ask_documents": Aspect.documents,
    "ask_fee": Aspect.fee,
    "ask_deadline": Aspect.deadline,
    "ask_authority": Aspect.authority,
    "ask_online": Aspect.online,
    "ask_legal_basis": Aspect.legal_basis,
    "ask_overview": Aspect.overview,
}

# A follow-up is short ("mất mấy ngày?") or says it refers back ("còn…", "thế…", "nó…").
FOLLOW_UP_MAX_SYLLABLES = 7
FOLLOW_UP_MARKERS = {"con", "the", "vay", "no", "thi", "sao"}


def _is_follow_up(text: Text) -> bool:
    words = syllables(text)
    return len(words) <= FOLLOW_UP_MAX_SYLLABLES or bool(FOLLOW_UP_MARKERS.intersection(words[:2]))


class ActionAnswerProcedure(Action):
    def name(self) -> Text:
        return "action_answer_procedure"

    @analytics.counted
    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        live = repository.current()
        procedures = live.base.procedures
        intent = latest_intent(tracker)
        aspect = INTENT_ASPECTS.get(intent or "") or pending_aspect(tracker) or Aspect.overview
        named = [v for v in latest_entity_values(tracker, PROCEDURE_SLOT) if v in procedures]
        remembered: Optional[Text] = tracker.get_slot(PROCEDURE_SLOT)
        remembered = remembered if remembered in procedures else None
        text = latest_text(tracker)

        if len(named) == 1:
            chosen: Optional[Text] = named[0]
        elif len(named) > 1:
            # A generic mention ("thẻ căn cước") in a question the FAQ knows well is an FAQ question.
            if answer_from_faq(dispatcher, tracker, load_settings().faq_threshold_without_procedure):
                return []
            return self._ask_which(dispatcher, aspect, named, "utter_which_procedure_of_several")
        elif remembered and intent != "inform_procedure" and _is_follow_up(text):
            chosen = remembered
        else:
            # A question the NLU took for a procedure question but naming none may be an FAQ
            # ("nhận kết quả qua bưu điện được không"): answer it only when the FAQ is sure.
            threshold = load_settings().faq_threshold_without_procedure
            if intent != "inform_procedure" and answer_from_faq(dispatcher, tracker, threshold):
                return []
            options = [c.procedure_id for c in live.matcher.match(text).suggestions]
            if _is_follow_up(text):  # "hồ sơ gồm những gì?": which procedure?
                if remembered and remembered not in options:
                    options.insert(0, remembered)
                return self._ask_which(dispatcher, aspect, options, "utter_ask_which_procedure")
            # a question that names a procedure we do not know: say so, and where to ask instead
            record_unanswered(text, "procedure_not_found", tracker.get_latest_input_channel())
            settings = load_settings()
            dispatcher.utter_message(
                response="utter_procedure_unknown_suggest" if options else "utter_procedure_unknown",
                buttons=procedure_buttons([(pid, procedures[pid].name) for pid in options[:5]]),
                hotline=settings.hotline, portal=settings.portal_url,
            )
            return [SlotSet(ASPECT_SLOT, aspect.value)]

        dispatcher.utter_message(text=render_procedure(procedures[chosen], aspect))
        return [SlotSet(PROCEDURE_SLOT, chosen), SlotSet(ASPECT_SLOT, None)]

    @staticmethod
    def _ask_which(
        dispatcher: CollectingDispatcher, aspect: Aspect, options: List[Text], response: Text
    ) -> List[Dict[Text, Any]]:
        names = repository.current().base.procedures
        buttons = procedure_buttons([(pid, names[pid].name) for pid in options[:5]])
        dispatcher.utter_message(response=response, buttons=buttons, aspect=ASPECT_IN_QUESTION[aspect])
        return [SlotSet(ASPECT_SLOT, aspect.value)]
