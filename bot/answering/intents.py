"""The NLU intents of a question about a procedure, which the answer path answers
(``action_answer_procedure``): one intent per aspect that has one (``ASPECT_INTENTS``; the other
aspects are asked with ``ask_overview`` and an ``aspect`` entity) and ``inform_procedure`` (a procedure
named on its own). ``PROCEDURE_INTENTS`` is the one list of them: the answer path, a status lookup
interrupted by a question (``actions/status.py``) and a form (``forms/engine.py``) all use it.

Every intent named in our code must exist in the domain: ``tests/test_intents.py`` checks it.
"""

from __future__ import annotations

from typing import Dict, FrozenSet

from bot.answering.types import Asked

ASPECT_INTENTS: Dict[Asked, str] = {
    Asked.documents: "ask_documents", Asked.fee: "ask_fee", Asked.deadline: "ask_deadline",
    Asked.authority: "ask_authority", Asked.online: "ask_online", Asked.legal_basis: "ask_legal_basis",
    Asked.overview: "ask_overview",
}
PROCEDURE_INTENTS: FrozenSet[str] = frozenset(ASPECT_INTENTS.values()) | {"inform_procedure"}
