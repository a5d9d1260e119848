"""A whole import against the workspace's knowledge store: drafts with their diff, nothing half
applied, re-import keeping what officers added, retiring what left the catalogue, hand-written
procedures matched by code; the workspace page and the command line."""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

from aiohttp import FormData

from bot.knowledge.store import KnowledgeStore
from catalogue import importer

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[2]
DAY1, DAY2 = dt.date(2026, 12, 3), dt.date(2026, 12, 10)
DAU, KHAI_TU = "dang-ky-dau-noi-dau-thu-nho-dau-xi-thuc-hien-tai-cap-trung-uong", "dang-ky-lai-khai-tu"


def _file(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def _import(store: KnowledgeStore, name: str, day: dt.date, **kwargs) -> importer.Report:
    report = importer.dry_run(_file(name), "json", store.working(), day, filename=name, **kwargs)
    if report.can_apply:
        importer.apply(store, report, "lan")
    return report


def test_an_import_becomes_drafts_a_reviewer_publishes(store: KnowledgeStore) -> None:
    report = importer.dry_run(_file("dvcqg_v1.json"), "json", store.working(), DAY1, filename="dvcqg_v1.json")
    assert report.errors == [] and [a["id"] for a in report.added] == [DAU, KHAI_TU]
    assert store.drafts() == {}  # a dry run writes nothing
    assert importer.apply(store, report, "lan") == 2
    drafts = store.drafts()
    assert set(drafts) == {f"procedures/{DAU}", f"procedures/{KHAI_TU}"}
    assert drafts[f"procedures/{KHAI_TU}"]["data"]["catalogue"]["imported_on"] == "2026-12-03"
    assert store.audit_log(1)[0]["action"] == "catalogue_import_applied"
    store.publish("lan", "Nhập danh mục")
    published = store.published()["procedures"]
    assert "aliases" not in published[KHAI_TU]  # an imported procedure is found by its official name
    assert published[DAU]["verified_on"] == "2026-12-03"


def test_any_bad_record_means_nothing_is_applied(store: KnowledgeStore) -> None:
    report = importer.dry_run(_file("malformed.json"), "json", store.working(), DAY1)
    assert report.errors[:2] == ["record 1: TENTTHC: thiếu tên thủ tục",
                                 "record 2: CACHTHUCTHUCHIEN[1].THOIGIAN[1].PHILEPHI[1].SOTIEN: số tiền không hợp lệ “năm nghìn”"]
    assert [a["number"] for a in report.added] == [3]  # reported, but not applicable
    assert report.items == [] and not report.can_apply
    try:
        importer.apply(store, report, "lan")
        raise AssertionError("apply must refuse a report with errors")
    except importer.ImportRefused:
        pass
    assert store.drafts() == {}


def test_schema_problems_of_a_record_name_the_record(store: KnowledgeStore) -> None:
    report = importer.dry_run(_file("laocai_1.003658.html"), "html", store.working(), DAY1)
    assert "record 1: documents: ensure this value has at least 1 items" in report.errors
    assert "record 1: legal_basis: ensure this value has at least 1 items" in report.errors
    assert report.items == []


def test_re_import_keeps_what_officers_added_and_retires_what_left(store: KnowledgeStore) -> None:
    _import(store, "dvcqg_v1.json", DAY1)
    store.publish("lan", "v1")
    edited = copy.deepcopy(store.item("procedures", DAU))
    edited["aliases"] = ["đăng ký dấu nổi", "làm dấu thu nhỏ"]
    edited["notes"] = ["Gọi trước cho Cục để hẹn lịch"]
    edited["special_cases"] = [{"id": "uy-quyen", "topic": "delegation", "question": "Có cần giấy giới thiệu không?",
                                "answer": "Người được cử đến nộp hồ sơ mang giấy giới thiệu hoặc giấy ủy quyền.",
                                "sources": [{"title": "Cổng Dịch vụ công quốc gia", "read_on": "2026-12-03"}],
                                "verified_on": "2026-12-03"}]
    assert store.save_draft("procedures", edited, "binh")[1] == []
    store.publish("lan", "thêm tên gọi")

    report = importer.dry_run(_file("dvcqg_v2.json"), "json", store.working(), DAY2)
    assert report.errors == []
    assert [(c["id"], c["fields"]) for c in report.changed] == [(DAU, ["deadline", "channels", "sources", "verified_on", "catalogue"])]
    assert [r["id"] for r in report.retired] == [KHAI_TU]
    importer.apply(store, report, "lan")
    dau = store.item("procedures", DAU)
    assert dau["aliases"] == ["đăng ký dấu nổi", "làm dấu thu nhỏ"] and dau["notes"] == ["Gọi trước cho Cục để hẹn lịch"]
    assert dau["special_cases"][0]["id"] == "uy-quyen"
    assert dau["deadline"] == "2 ngày làm việc" and dau["catalogue"]["imported_on"] == "2026-12-10"
    retired = store.item("procedures", KHAI_TU)
    assert retired["catalogue"]["retired_on"] == "2026-12-10" and retired["name"] == "Đăng ký lại khai tử"
    store.publish("lan", "v2")
    again = importer.dry_run(_file("dvcqg_v2.json"), "json", store.working(), DAY2)
    assert again.retired == [] and again.items == [] and again.unchanged == 1  # nothing to do twice


def test_a_partial_file_retires_nothing(store: KnowledgeStore) -> None:
    _import(store, "dvcqg_v1.json", DAY1)
    report = importer.dry_run(_file("dvcqg_v2.json"), "json", store.working(), DAY2, partial=True)
    assert report.retired == []


def test_a_hand_written_procedure_with_the_same_code_keeps_its_curated_fields(store: KnowledgeStore) -> None:
    before = {k: v for k, v in store.item("procedures", "dang-ky-khai-sinh").items() if k != "result"}
    assert store.save_draft("procedures", before, "binh")[1] == []  # a hand-written procedure with no result yet
    record = json.loads(_file("dvcqg_v1.json"))[1]
    record["MATTHC"] = "1.001193.000.00.00.H99"  # the hand-written fixture procedure's code (a test edit)
    record["KETQUATHUCHIEN"] = [{"TENKETQUA": "Trích lục khai tử"}]  # a field the hand-written one lacks (test edit)
    content = json.dumps([record], ensure_ascii=False).encode()
    report = importer.dry_run(content, "json", store.working(), DAY1, partial=True)
    assert report.errors == [] and report.added == []
    assert [c["id"] for c in report.changed] == ["dang-ky-khai-sinh"]
    difference = report.differences[0]
    assert difference["id"] == "dang-ky-khai-sinh" and {"name", "documents", "fee", "deadline", "authority"} <= set(difference["fields"])
    importer.apply(store, report, "lan")
    after = store.item("procedures", "dang-ky-khai-sinh")
    for key in ("name", "aliases", "documents", "fee", "deadline", "authority", "legal_basis", "verified_on", "steps"):
        assert after[key] == before[key], key
    assert after["catalogue"]["record"] == "1.001193.000.00.00.H99"
    assert "result" not in before and after["result"] == {"document": "Trích lục khai tử"}  # empty there: filled
    assert after["sources"][:len(before["sources"])] == before["sources"] and len(after["sources"]) == len(before["sources"]) + 1


async def test_the_workspace_upload_dry_run_then_apply(workspace) -> None:
    officer, client, kb_dir = workspace
    store = KnowledgeStore(client, kb_dir)
    binh = await officer("binh")
    page = await binh.get("/catalogue")
    assert page.status == 200 and "Nhập danh mục thủ tục hành chính" in await page.text()
    form = FormData()
    form.add_field("_csrf", binh.csrf)
    form.add_field("file", _file("malformed.json"), filename="malformed.json", content_type="application/json")
    response = await binh.client.post("/catalogue", data=form)
    text = await response.text()
    assert response.status == 200 and "record 2: CACHTHUCTHUCHIEN[1].THOIGIAN[1].PHILEPHI[1].SOTIEN" in text
    assert "/catalogue/apply" not in text  # no apply button while a record is bad

    form = FormData()
    form.add_field("_csrf", binh.csrf)
    form.add_field("file", _file("dvcqg_v1.json"), filename="dvcqg_v1.json", content_type="application/json")
    response = await binh.client.post("/catalogue", data=form)
    text = await response.text()
    assert response.status == 200 and "Nhập 2 thủ tục thành bản nháp" in text and store.drafts() == {}
    token = text.split('name="token" value="')[1].split('"')[0]
    without_csrf = await binh.client.post("/catalogue/apply", data={"token": token}, allow_redirects=False)
    assert without_csrf.status == 403 and store.drafts() == {}
    applied = await binh.post("/catalogue/apply", {"token": token})
    assert applied.status == 303 and applied.headers["Location"] == "/changes"
    assert set(store.drafts()) == {f"procedures/{DAU}", f"procedures/{KHAI_TU}"}
    changes = await (await binh.get("/changes")).text()
    assert KHAI_TU in changes and "+name: Đăng ký lại khai tử" in changes
    actions = [entry["action"] for entry in store.audit_log(10)]
    assert "catalogue_import_applied" in actions and "catalogue_dry_run" in actions
    expired = await binh.post("/catalogue/apply", {"token": token})
    assert expired.status == 303 and expired.headers["Location"] == "/catalogue"


async def test_the_workspace_needs_a_login(workspace) -> None:
    officer, _, _ = workspace
    anonymous = await officer()
    response = await anonymous.get("/catalogue")
    assert response.status in (302, 303) and "/login" in response.headers["Location"]


def test_the_command_line(redis_db, kb_dir: Path) -> None:
    from tests.admin.helpers import STORE_DB
    from tests.conftest import REDIS_HOST, REDIS_PORT

    client = redis_db(STORE_DB)
    env = {**os.environ, "REDIS_URL": f"redis://{REDIS_HOST}:{REDIS_PORT}/{STORE_DB}", "KNOWLEDGE_DIR": str(kb_dir)}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "catalogue", "import", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)

    bad = run(str(FIXTURES / "malformed.json"))
    assert bad.returncode == 1 and "lỗi: record 1: TENTTHC: thiếu tên thủ tục" in bad.stdout
    dry = run(str(FIXTURES / "dvcqg_v1.json"), "--dry-run")
    assert dry.returncode == 0 and f"+ {KHAI_TU} (0.030391.000.00.00.H99): Đăng ký lại khai tử" in dry.stdout
    assert client.hlen("kb:drafts") == 0
    done = run(str(FIXTURES / "dvcqg_v1.json"))
    assert done.returncode == 0, done.stderr
    assert client.hlen("kb:drafts") == 2
    unknown = run(str(FIXTURES / "SOURCES.md"))
    assert unknown.returncode == 2 and "--format" in unknown.stderr
