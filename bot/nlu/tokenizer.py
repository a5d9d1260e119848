"""Vietnamese word segmentation (underthesea) as a Rasa tokenizer, with a diacritic-folded view.

Each token is a segmented word: its text joins syllables with "_" ("giấy_tờ"), so featurizers reading
token text see real Vietnamese words; its lemma is the same word folded to syllables without
diacritics ("giay to"), so a featurizer configured with ``use_lemma: true`` sees text typed without
diacritics exactly as text typed with them.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message
from underthesea import word_tokenize

from bot.text import syllables


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class VietnameseTokenizer(Tokenizer):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
        }

    @staticmethod
    def supported_languages() -> Optional[List[Text]]:
        return ["vi"]

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "VietnameseTokenizer":
        return cls(config)

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        text = message.get(attribute) or ""
        tokens: List[Token] = []
        position = 0
        for word in word_tokenize(text):
            start = text.find(word, position)
            if start < 0:  # the segmenter changed the word: keep its syllables as they stand
                continue
            position = start + len(word)
            folded = syllables(word)
            if not folded:  # punctuation
                continue
            tokens.append(Token(word.replace(" ", "_"), start, position, lemma=" ".join(folded)))
        return self._apply_token_pattern(tokens)
