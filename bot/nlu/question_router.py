"""Sends questions about a procedure to the answer path when DIET read them as a status lookup.

Why a component after DIET (and after FallbackClassifier) rather than a change in actions/status.py:
the status form starts from a rule on ``check_status`` and would ask for an application code before
any action could look at the message; re-labelling the intent here keeps the status flow untouched
and the decision in one place, before the dialogue sees the message.

For each message, in order:
1. Only intent ``check_status`` is considered (``ask_legal_basis`` read from "theo quy định" already
   reaches the answer path, where stage 1 finds the aspect from the question itself).
2. The message must name a procedure (entity ``procedure`` from ProcedureEntityExtractor).
3. It must carry no application code (``core.application_codes.find_code``) and none of the status
   markers of ``status_markers.yml`` ("đến đâu rồi", "xong chưa", "mã hồ sơ"…), compared folded.
Then the intent becomes ``ask_overview`` (same confidence; the original is kept as
``routed_from``), which the rules send to ``action_answer_procedure``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Text

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.text import search_key
from core.application_codes import find_code

MARKERS_FILE = Path(__file__).resolve().parent / "status_markers.yml"
ROUTED_INTENT = "ask_overview"


@lru_cache(maxsize=1)
def status_markers() -> FrozenSet[str]:
    return frozenset(search_key(m) for m in yaml.safe_load(MARKERS_FILE.read_text(encoding="utf-8")))


def is_status_lookup(text: Text) -> bool:
    """An application code, or words of a lookup of something already submitted."""
    if find_code(text):
        return True
    key = f" {search_key(text)} "
    return any(f" {marker} " in key for marker in status_markers())


def routed_intent(intent: Dict[Text, Any], entities: List[Dict[Text, Any]], text: Text) -> Dict[Text, Any]:
    """The intent the dialogue should see (``intent`` itself when nothing changes)."""
    if (intent or {}).get("name") != "check_status":
        return intent
    if not any(e.get("entity") == "procedure" for e in entities or []):
        return intent
    if is_status_lookup(text):
        return intent
    return {"name": ROUTED_INTENT, "confidence": intent.get("confidence", 1.0), "routed_from": "check_status"}


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class QuestionRouter(GraphComponent):
    @classmethod
    def create(
        cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
        execution_context: ExecutionContext,
    ) -> "QuestionRouter":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = message.get(INTENT)
            if not intent or not message.get(TEXT):
                continue
            routed = routed_intent(intent, message.get(ENTITIES) or [], message.get(TEXT))
            if routed is not intent:
                message.set(INTENT, routed, add_to_output=True)
        return messages
