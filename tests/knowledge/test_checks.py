"""Knowledge validation as a pure function over data (bot.knowledge.checks), and the store's
in-memory use of it (bot.knowledge.store.validate_snapshot: no folder written, lines kept)."""

from __future__ import annotations

import tempfile

from bot.knowledge.checks import Finding, check_knowledge
from bot.knowledge.store import validate_snapshot
from tests.knowledge.factories import procedure_data

FAQ = {"id": "hoi-mot", "question": "Hỏi gì?", "answer": "Trả lời đầy đủ ở đây.", "procedure": "khong-co",
       "sources": [{"title": "Văn bản", "read_on": "2026-11-24"}], "verified_on": "2026-11-24"}


def test_findings_name_the_item_and_the_place_in_it_in_check_order():
    good = procedure_data("dang-ky-xe", "Đăng ký xe", ["đăng ký xe máy", "đăng ký ô tô"])
    bad = procedure_data("doi-bang", "Đổi bằng", ["xe", "đổi bằng lái"], feee=1)
    checked = check_knowledge({"dang-ky-xe": good, "doi-bang": bad, "khac-ten": dict(good)}, {"hoi-mot": FAQ})
    assert list(checked.procedures) == ["dang-ky-xe"] and [e.id for e in checked.faq] == ["hoi-mot"]
    assert [(f.kind, f.key, f.location) for f in checked.findings] == [
        ("procedures", "doi-bang", ("aliases", 0)), ("procedures", "doi-bang", ("feee",)),
        ("procedures", "khac-ten", ("id",)), ("faq", "hoi-mot", None),
    ]
    assert checked.findings[2].message == "id 'dang-ky-xe' must match the file name 'khac-ten'"
    assert checked.findings[3] == Finding("faq", "hoi-mot", None, "procedure 'khong-co' does not exist")


def test_not_a_mapping_is_a_finding_not_an_error():
    checked = check_knowledge({"x": None}, {"y": [1]}, synonyms="nope")
    assert [f.message for f in checked.findings] == ["expected a mapping of fields"] * 3


def test_a_snapshot_is_checked_without_a_folder_and_keeps_its_lines(monkeypatch):
    def no_folder(*args, **kwargs):
        raise AssertionError("validation wrote a temporary folder")

    monkeypatch.setattr(tempfile, "TemporaryDirectory", no_folder)
    monkeypatch.setattr(tempfile, "mkdtemp", no_folder)
    data = procedure_data("doi-bang", "Đổi bằng", ["đổi bằng lái", "đổi gplx"], fee={"items": [{"amount": -5, "unit": "lần"}]})
    data["verified_on"] = "2026-11-24"
    base, problems = validate_snapshot({"procedures": {"doi-bang": data}, "faq": {"hoi-mot": FAQ}})
    assert not base.procedures and [e.id for e in base.faq] == ["hoi-mot"]
    assert [str(p) for p in problems] == [
        "knowledge/procedures/doi-bang.yml:10: fee.items.0.amount: ensure this value is greater than or equal to 0",
        "faq/hoi-mot.yml:1: procedure 'khong-co' does not exist",
    ]
