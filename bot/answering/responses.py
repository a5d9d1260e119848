"""The domain's responses as text, for code that composes a reply itself instead of having an action
send a response by name: the answer path (``compose.py``, ``pipeline.py``) and the form engine
(``forms/engine.py``).

Every feature's file in ``bot/domain/`` is read once; a response's text is its default variant (the
first without a ``channel`` condition), its ``{placeholders}`` filled with ``str.format`` as Rasa fills
them. An action that sends a whole response uses ``dispatcher.utter_message(response=..., **values)``
instead, so Rasa picks the variant of the citizen's channel.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict

import yaml

DOMAIN_DIR = Path(__file__).resolve().parent.parent / "domain"


@lru_cache(maxsize=1)
def responses() -> Dict[str, str]:
    """Response name -> the text of its default variant, over every file of the domain."""
    texts: Dict[str, str] = {}
    for path in sorted(DOMAIN_DIR.glob("*.yml")):
        domain = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for name, variants in (domain.get("responses") or {}).items():
            default = next((v for v in variants if not v.get("channel")), variants[0])
            texts[name] = default.get("text") or ""
    return texts


def response_text(name: str, **values: Any) -> str:
    return responses()[name].format(**values)
