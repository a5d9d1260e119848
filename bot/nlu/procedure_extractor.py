"""Finds the procedure (entity ``procedure``) by the aliases of the live knowledge base.

Nothing about procedures is learned at training time: the extractor asks the knowledge repository,
which reloads when officers change the knowledge, so a new procedure or alias works at once.
When several procedures match equally well, one ``procedure`` entity is added for each, marked
``"ambiguous": true``, and the assistant asks which one the citizen means.
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

from bot.knowledge import repository

ENTITY = "procedure"


def procedure_entities(text: Text) -> List[Dict[Text, Any]]:
    result = repository.current().matcher.match(text)
    ambiguous = result.ambiguous
    scores = {c.procedure_id: c for c in result.candidates}
    return [
        {
            "entity": ENTITY,
            "value": procedure_id,
            "start": 0,
            "end": len(text),
            "confidence": 1.0 if not ambiguous else round(1.0 / len(result.tied), 3),
            "alias": scores[procedure_id].alias,
            "ambiguous": ambiguous,
        }
        for procedure_id in result.tied
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
