from pathlib import Path

import yaml

from bot.knowledge.loader import load_knowledge
from bot.knowledge.validate import main as validate
from tests.knowledge.factories import procedure_data

ROOT = Path(__file__).resolve().parents[2]


def write(root: Path, kind: str, name: str, text: str) -> None:
    (root / kind).mkdir(parents=True, exist_ok=True)
    (root / kind / f"{name}.yml").write_text(text, encoding="utf-8")


def test_valid_procedure_loads(tmp_path):
    write(tmp_path, "procedures", "dang-ky-xe",
          yaml.safe_dump(procedure_data("dang-ky-xe", "Đăng ký xe", ["đăng ký xe máy", "dk xe"]), allow_unicode=True))
    base, problems = load_knowledge(tmp_path)
    assert problems == []
    assert base.procedures["dang-ky-xe"].fee.items[0].amount == 135000


def test_problems_are_reported_with_file_and_line(tmp_path, capsys):
    data = procedure_data("dang-ky-xe", "Đăng ký xe", ["đăng ký xe máy", "xe"])
    data["fee"] = {"items": [{"amount": "một trăm nghìn"}]}
    data["feee"] = "typo"
    del data["deadline"]
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    write(tmp_path, "procedures", "dang-ky-xe", text)
    lines = text.splitlines()
    status = validate([str(tmp_path)])
    out = capsys.readouterr().out
    assert status == 1
    alias_line = next(i for i, l in enumerate(lines, 1) if l.strip() == "- xe")
    amount_line = next(i for i, l in enumerate(lines, 1) if "amount" in l)
    typo_line = next(i for i, l in enumerate(lines, 1) if l.startswith("feee"))
    assert f"procedures/dang-ky-xe.yml:{alias_line}: aliases.1: alias 'xe' is too short" in out
    assert f"procedures/dang-ky-xe.yml:{amount_line}: fee.items.0.amount:" in out
    assert f"procedures/dang-ky-xe.yml:{typo_line}: feee: extra fields not permitted" in out
    assert "deadline: field required" in out


def test_broken_yaml_and_wrong_id_are_reported(tmp_path, capsys):
    write(tmp_path, "procedures", "a", "id: a\nname: [unclosed\n")
    text = yaml.safe_dump(procedure_data("c", "Thủ tục C", ["thủ tục c", "tt c"]), allow_unicode=True)
    write(tmp_path, "procedures", "b", text)
    id_line = next(i for i, l in enumerate(text.splitlines(), 1) if l.startswith("id:"))
    assert validate([str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "procedures/a.yml:3: invalid YAML: expected ',' or ']'" in out
    assert f"procedures/b.yml:{id_line}: id 'c' must match the file name 'b'" in out


def test_the_published_knowledge_base_is_valid_and_large_enough(capsys):
    assert validate([str(ROOT / "knowledge")]) == 0, capsys.readouterr().out
    base, _ = load_knowledge(ROOT / "knowledge")
    assert len(base.procedures) >= 20
    assert len(base.faq) >= 10


# --- the synonym lexicon (knowledge/lexicon/synonyms.yml) -------------------------------------------

def _write_lexicon(root, text):
    (root / "lexicon").mkdir(parents=True, exist_ok=True)
    (root / "lexicon" / "synonyms.yml").write_text(text, encoding="utf-8")


def test_the_synonym_lexicon_is_loaded_with_the_knowledge(tmp_path):
    from bot.knowledge.loader import load_knowledge

    _write_lexicon(tmp_path, "synonyms:\n  - means: thẻ căn cước\n    said: [chứng minh thư, cmnd cũ]\n")
    base, problems = load_knowledge(tmp_path)
    assert problems == []
    assert [s.means for s in base.synonyms] == ["thẻ căn cước"]


def test_a_bad_synonym_lexicon_is_reported_with_its_line_and_left_out(tmp_path):
    from bot.knowledge.loader import load_knowledge

    _write_lexicon(tmp_path, "synonyms:\n  - means: thẻ căn cước\n    said: [cmt]\n")
    base, problems = load_knowledge(tmp_path)
    assert base.synonyms == []
    assert len(problems) == 1 and "lexicon/synonyms.yml:3" in str(problems[0]) and "too short" in str(problems[0])


def test_one_old_name_for_two_meanings_is_refused(tmp_path):
    from bot.knowledge.loader import load_knowledge

    _write_lexicon(tmp_path, "synonyms:\n  - means: thẻ căn cước\n    said: [giấy chứng minh]\n"
                             "  - means: giấy khai sinh\n    said: [giấy chứng minh]\n")
    base, problems = load_knowledge(tmp_path)
    assert base.synonyms == [] and "listed for both" in str(problems[0])


def test_the_shipped_lexicon_is_valid():
    from pathlib import Path

    from bot.knowledge.loader import load_synonyms

    synonyms, problems = load_synonyms(Path(__file__).resolve().parents[2] / "knowledge")
    assert problems == [] and len(synonyms) >= 10


def test_a_qualifier_that_does_not_exist_is_reported_for_the_procedure_and_its_special_cases(tmp_path, capsys):
    data = procedure_data("dang-ky-xe", "Đăng ký xe", ["đăng ký xe máy", "dk xe"])
    data["qualifiers"] = ["cap_lai", "sang-ten"]  # a typo: the key is sang_ten
    data["special_cases"] = [{
        "id": "mua-xe-cu", "topic": "other", "question": "Mua xe cũ thì đăng ký thế nào?", "qualifiers": ["sang_tn"],
        "answer": "Làm thủ tục sang tên tại Công an cấp xã.", "verified_on": "2026-12-03",
        "sources": [{"title": "Thông tư 79/2024/TT-BCA", "read_on": "2026-12-03"}]}]
    write(tmp_path, "procedures", "dang-ky-xe", yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    assert validate([str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "qualifiers: unknown qualifier(s) sang-ten" in out
    assert "special_cases.0.qualifiers: unknown qualifier(s) sang_tn" in out
