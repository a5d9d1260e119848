"""The answer path on the real knowledge base (knowledge/), for the conversation-level tests of the
procedures themselves: ``live`` (a pytest fixture: import it into the test module), ``ask``,
``procedure`` and ``special_case``; ``gives`` (a reply that names the procedure and states an aspect's facts
as the knowledge holds them) and ``first_clause`` (what a shortened reply still says of a fact)."""

from __future__ import annotations

import re

import pytest

from bot.answering.find import field_lines

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


def gives(reply: Reply, live, procedure_id: str, aspect) -> bool:
    """The reply answers with ``procedure_id``, starts with its name and holds every line of ``aspect``."""
    known = procedure(live, procedure_id)
    lines = field_lines(known, aspect)
    return reply.kind == "answer" and reply.procedure_id == procedure_id and reply.text.startswith(known.name) \
        and bool(lines) and all(line in reply.text for line in lines)


def first_clause(text: str) -> str:
    """The start of a fact up to its first comma, bracket or full stop: what a shortened reply still says."""
    return re.split(r"[(,;.]", text)[0].strip()
