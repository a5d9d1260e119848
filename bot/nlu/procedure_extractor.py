"""Finds the procedure (entity ``procedure``) by the aliases of the live knowledge base.

Nothing about procedures is learned at training time: the extractor asks the knowledge repository,
which reloads when officers change the knowledge, so a new procedure or alias works at once.
The entity follows the answer path's resolution (``bot.answering.understand.resolve``), qualifiers
included, so the NLU never names a procedure the answer would reject: resolved -> one entity;
ambiguous -> one entity per candidate, marked ``"ambiguous": true`` (the assistant asks which one);
not covered ("đăng ký kết hôn với người nước ngoài", "sang tên sổ đỏ") or none -> no entity.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.answering.types import ResolutionStatus
from bot.answering.understand import questions
from bot.answering.understand.resolve import resolve
from bot.knowledge import repository

ENTITY = "procedure"


def procedure_entities(text: Text) -> List[Dict[Text, Any]]:
    matcher = repository.current().matcher
    words = matcher.words(text)
    resolution = resolve(matcher, words, [matcher.words(q) for q in questions.split(text)])
    if resolution.status == ResolutionStatus.resolved:
        chosen = [resolution.procedure_id]
    elif resolution.status == ResolutionStatus.ambiguous:
        chosen = list(resolution.candidates)
    else:
        return []
    ambiguous = len(chosen) > 1
    aliases = {c.procedure_id: c.alias for c in matcher.match_words(words).candidates}
    return [
        {
            "entity": ENTITY,
            "value": procedure_id,
            "start": 0,
            "end": len(text),
            "confidence": 1.0 if not ambiguous else round(1.0 / len(chosen), 3),
            "alias": aliases.get(procedure_id, ""),
            "ambiguous": ambiguous,
        }
        for procedure_id in chosen
    ]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class ProcedureEntityExtractor(GraphComponent, EntityExtractorMixin):
    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "ProcedureEntityExtractor":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            found = self.add_extractor_name(procedure_entities(text))
            message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
        return messages
