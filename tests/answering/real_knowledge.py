"""The answer path on the real knowledge base (knowledge/), for the conversation-level tests of the
procedures themselves: ``live`` (a pytest fixture: import it into the test module), ``ask``,
``procedure`` and ``special_case``."""

from __future__ import annotations

import pytest

from bot.answering.pipeline import Context, answer
from bot.answering.types import Reply
from bot.knowledge import repository


@pytest.fixture(scope="module")
def live():
    return repository.current()


def ask(live, text: str) -> Reply:
    return answer(text, Context(), live)


def procedure(live, procedure_id: str):
    return live.base.procedures[procedure_id]


def special_case(live, procedure_id: str, case_id: str):
    return next(c for c in procedure(live, procedure_id).special_cases if c.id == case_id)
