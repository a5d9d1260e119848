"""The NLU's procedure entity agrees with the answer path's resolution (bot/nlu/procedure_extractor.py)."""

from types import SimpleNamespace

import pytest

from bot.knowledge import repository
from bot.nlu import procedure_extractor
from tests.answering.understand_fixtures import MATCHER


@pytest.fixture(autouse=True)
def small_knowledge(monkeypatch):
    monkeypatch.setattr(repository, "current", lambda: SimpleNamespace(matcher=MATCHER))


def values(text):
    return [(e["value"], e["ambiguous"]) for e in procedure_extractor.procedure_entities(text)]


def test_a_resolved_procedure_is_one_entity():
    assert values("mất chứng minh thư làm lại ở đâu") == [("cap-lai-the-can-cuoc", False)]


def test_no_entity_for_a_case_none_of_ours_covers():
    assert values("Chồng tôi người Hàn Quốc, đăng ký kết hôn cần gì?") == []
    assert values("thủ tục sang tên sổ đỏ") == []


def test_one_entity_per_candidate_when_ambiguous():
    assert sorted(values("căn cước hết bao nhiêu tiền")) == [
        ("cap-doi-the-can-cuoc", True), ("cap-lai-the-can-cuoc", True)]


def test_no_entity_when_no_procedure_is_named():
    assert values("xin chào") == []
