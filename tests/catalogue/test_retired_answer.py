"""A procedure that left the catalogue (``catalogue.retired_on``) is not presented as current: the answer
warns that it may no longer apply and gives the hotline."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.answering.compose import answer_reply
from bot.answering.find import find
from bot.answering.types import Asked
from bot.knowledge.model import Procedure
from bot.settings import load_settings
from catalogue import read_json
from catalogue.mapper import map_record
from catalogue.merge import retire
from tests.answering.fixtures import snapshot, understood

FIXTURES = Path(__file__).parent / "fixtures"


def _imported(retired: bool) -> Procedure:
    records, _ = read_json.read((FIXTURES / "dvcqg_v1.json").read_bytes())
    data, _ = map_record(records[1], "csdl_quoc_gia", dt.date(2026, 12, 3))
    return Procedure.parse_obj(retire(data, dt.date(2026, 12, 10)) if retired else data)


def _answer(procedure: Procedure) -> str:
    live = snapshot(procedure)
    findings = find(understood("đăng ký lại khai tử hết bao nhiêu tiền", [Asked.fee], procedure.id), live, procedure.id, load_settings())
    return answer_reply(live.base.procedures[procedure.id], findings, "18001096").text


def test_a_retired_procedure_is_answered_with_a_warning() -> None:
    text = _answer(_imported(retired=True))
    assert "5.000 đồng" in text
    assert "không còn trong danh mục thủ tục hành chính được công bố từ ngày 10/12/2026" in text and "18001096" in text
    assert "không còn trong danh mục" not in _answer(_imported(retired=False))
