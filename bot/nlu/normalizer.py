"""First step of the NLU pipeline: Vietnamese text as a model should see it.

Tone marks are put in their standard place and Unicode is composed (NFC), so "hoá"/"hóa" and
decomposed input from some phone keyboards become one spelling; abbreviations and teencode from the
data table ``bot/text/abbreviations.yml`` are expanded ("gplx" -> "giấy phép lái xe", "ko" -> "không").
The message text is replaced by the normalised text for every later component. Text beyond
``max_chars`` is cut: no citizen's question is that long, and the cut keeps every later step fast.

At training time (``augment_without_diacritics``), every intent example written with diacritics is
also given to the model without them ("giấy tờ gì" -> "giay to gi"), the way citizens type on SMS
and many phone keyboards, so that the classifier learns both spellings from one example.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.text import expand_abbreviations, fold, normalize


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class VietnameseNormalizer(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"expand_abbreviations": True, "max_chars": 1000, "augment_without_diacritics": True}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.expand = bool(config.get("expand_abbreviations", True))
        self.augment = bool(config.get("augment_without_diacritics", True))
        self.max_chars = int(config.get("max_chars", 1000))

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "VietnameseNormalizer":
        return cls(config)

    def normalize_text(self, text: Text) -> Text:
        text = normalize(text[: self.max_chars])
        return expand_abbreviations(text) if self.expand else text

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if text:
                message.set(TEXT, self.normalize_text(text))
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        if not self.augment:
            return training_data
        known = {example.get(TEXT) for example in training_data.training_examples}
        folded_copies = []
        for example in training_data.training_examples:
            text, intent = example.get(TEXT), example.get(INTENT)
            if not text or not intent or example.get(ENTITIES):
                continue
            folded = fold(text)
            if folded not in known:
                known.add(folded)
                folded_copies.append(Message(data={TEXT: folded, INTENT: intent}))
        return TrainingData(
            training_examples=training_data.training_examples + folded_copies,
            entity_synonyms=training_data.entity_synonyms,
            regex_features=training_data.regex_features,
            lookup_tables=training_data.lookup_tables,
            responses=training_data.responses,
        )
