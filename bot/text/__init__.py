"""Vietnamese text handling shared by the NLU pipeline, the knowledge base and the channels."""

from bot.text.vietnamese import (  # noqa: F401
    expand_abbreviations,
    fold,
    normalize,
    syllables,
    search_key,
)
