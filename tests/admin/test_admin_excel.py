"""Excel and CSV: export, edit with openpyxl, dry-run report with row numbers, apply."""

from __future__ import annotations

import csv
import io
import re

from aiohttp import FormData
from openpyxl import load_workbook

from admin import excel
from bot.knowledge.store import KnowledgeStore

FEE_ID = "cap-doi-giay-phep-lai-xe"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _column(sheet, key_label_start: str) -> int:
    for cell in sheet[1]:
        if str(cell.value).startswith(key_label_start):
            return cell.column
    raise AssertionError(key_label_start)


def _row_of(sheet, item_id: str) -> int:
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == item_id:
            return row[0].row
    raise AssertionError(item_id)


def test_export_then_import_unchanged_is_a_no_op(store: KnowledgeStore) -> None:
    content = excel.export_xlsx(store.working())
    rows, errors = excel.read_upload("tri-thuc.xlsx", content)
    report = excel.dry_run(rows, store.working(), errors)
    assert report.errors == [] and report.added == [] and report.changed == [] and report.unchanged == 3


def test_dry_run_lists_changes_and_every_row_error_with_its_number(store: KnowledgeStore) -> None:
    workbook = load_workbook(io.BytesIO(excel.export_xlsx(store.working())))
    sheet = workbook["Thủ tục"]
    fee_column = _column(sheet, "Lệ phí")
    row = _row_of(sheet, FEE_ID)
    assert sheet.cell(row, fee_column).value == "Nộp hồ sơ trực tiếp | 135000 | lần"
    sheet.cell(row, fee_column).value = "Nộp hồ sơ trực tiếp | 150.000 | lần"
    broken = _row_of(sheet, "dang-ky-khai-sinh")
    sheet.cell(broken, fee_column).value = "| mười nghìn |"
    sheet.cell(broken, _column(sheet, "Tên thủ tục")).value = ""
    new_row = sheet.max_row + 1
    for column, value in enumerate(["dang-ky-ket-hon", "Đăng ký kết hôn", "đăng ký kết hôn\nlàm đăng ký kết hôn", "Tờ khai", "0",
                                    "", "", "Ngay trong ngày", "UBND cấp xã", "", "mot_phan", "", "", "Luật Hộ tịch 2014", "",
                                    "Luật Hộ tịch 2014 | | 2026-11-24", "24/11/2026"], start=1):
        sheet.cell(new_row, column).value = value
    sheet.cell(new_row + 1, 1).value = FEE_ID  # a duplicate id
    sheet.cell(new_row + 1, 2).value = "Trùng"
    faq = workbook["FAQ"]
    faq.cell(_row_of(faq, "vneid-muc-2"), _column(faq, "Thủ tục liên quan")).value = "khong-co"
    buffer = io.BytesIO()
    workbook.save(buffer)

    rows, errors = excel.read_upload("sua.xlsx", buffer.getvalue())
    report = excel.dry_run(rows, store.working(), errors)
    assert [(a["id"], a["row"]) for a in report.added] == [("dang-ky-ket-hon", new_row)]
    assert [(c["id"], c["row"], c["fields"]) for c in report.changed] == [(FEE_ID, row, ["fee"])]
    by_row = {}
    for error in report.errors:
        by_row.setdefault((error["sheet"], error["row"]), []).append(error["message"])
    assert set(by_row) == {("Thủ tục", broken), ("Thủ tục", new_row + 1), ("FAQ", 2)}
    assert any("fee.items.0.amount" in m for m in by_row[("Thủ tục", broken)])
    assert any(m.startswith("name") for m in by_row[("Thủ tục", broken)])
    assert by_row[("Thủ tục", new_row + 1)] == [f"mã “{FEE_ID}” trùng với dòng {row}"]
    assert "does not exist" in by_row[("FAQ", 2)][0]
    assert [i["data"]["id"] for i in report.items] == [FEE_ID, "dang-ky-ket-hon"]
    assert report.items[0]["data"]["fee"]["items"][0]["amount"] == 150000


def test_csv_round_trip(store: KnowledgeStore) -> None:
    content = excel.export_csv(store.working(), "faq")
    text = content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0][:2] == ["id", "question"]
    table[1][3] = "Câu trả lời mới, đủ dài để hợp lệ."
    out = io.StringIO()
    csv.writer(out).writerows(table)
    rows, errors = excel.read_upload("faq.csv", out.getvalue().encode("utf-8"))
    report = excel.dry_run(rows, store.working(), errors)
    assert report.errors == [] and [(c["id"], c["fields"]) for c in report.changed] == [("vneid-muc-2", ["answer"])]


def test_formulas_are_not_exported_as_formulas(store: KnowledgeStore) -> None:
    data = dict(store.item("faq", "vneid-muc-2"), answer="=HYPERLINK(\"http://evil\",\"bấm vào đây\")")
    assert store.save_draft("faq", data, "lan")[1] == []
    workbook = load_workbook(io.BytesIO(excel.export_xlsx(store.working())))
    cell = workbook["FAQ"].cell(2, 4)
    assert cell.data_type == "s" and cell.value.startswith("'=")
    rows, errors = excel.read_upload("x.xlsx", excel.export_xlsx(store.working()))
    assert excel.dry_run(rows, store.working(), errors).changed == []  # the quote is taken off on import


def test_bad_files_are_reported(store: KnowledgeStore) -> None:
    assert excel.read_upload("a.pdf", b"%PDF")[1][0]["message"].startswith("chỉ nhận")
    assert "không đọc được" in excel.read_upload("a.xlsx", b"not a zip")[1][0]["message"]


async def test_import_through_the_workspace(workspace) -> None:
    officer, client, kb_dir = workspace
    store = KnowledgeStore(client, kb_dir)
    binh = await officer("binh")
    download = await binh.get("/export.xlsx")
    assert download.status == 200 and download.content_type == XLSX
    workbook = load_workbook(io.BytesIO(await download.read()))
    sheet = workbook["Thủ tục"]
    sheet.cell(_row_of(sheet, FEE_ID), _column(sheet, "Lệ phí")).value = "Nộp hồ sơ trực tiếp | 170000 | lần"
    buffer = io.BytesIO()
    workbook.save(buffer)
    form = FormData()
    form.add_field("_csrf", binh.csrf)
    form.add_field("file", buffer.getvalue(), filename="tri-thuc.xlsx", content_type=XLSX)
    response = await binh.client.post("/import", data=form)
    html = await response.text()
    assert response.status == 200 and "1</b> mục thay đổi" in html and f"dòng {_row_of(sheet, FEE_ID)}: {FEE_ID} (fee)" in html
    assert store.drafts() == {}  # a dry run changes nothing
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    applied = await binh.post("/import/apply", {"token": token})
    assert applied.status == 303
    assert store.working()["procedures"][FEE_ID]["fee"]["items"][0]["amount"] == 170000
    assert store.published_version() is None  # an editor's import waits for a reviewer
    # the token is single use
    assert (await binh.post("/import/apply", {"token": token})).status == 303
    assert [e["action"] for e in store.audit_log()[:3]] == ["import_applied", "draft_saved", "import_dry_run"]


CASE_ID = "dang-ky-khai-sinh"  # the fixture procedure with channels, result and special cases


def _workbook(store: KnowledgeStore):
    return load_workbook(io.BytesIO(excel.export_xlsx(store.working())))


def _upload(workbook, store: KnowledgeStore):
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows, errors = excel.read_upload("sua.xlsx", buffer.getvalue())
    return excel.dry_run(rows, store.working(), errors)


def test_the_new_fields_are_exported_as_columns_and_sheets(store: KnowledgeStore) -> None:
    workbook = _workbook(store)
    sheet = workbook["Thủ tục"]
    row = _row_of(sheet, CASE_ID)
    assert sheet.cell(row, _column(sheet, "Mã thủ tục trên CSDL")).value == "1.001193"
    assert sheet.cell(row, _column(sheet, "Trình tự")).value == "Nộp tờ khai và giấy chứng sinh\nNhận giấy khai sinh"
    assert sheet.cell(row, _column(sheet, "Kết quả")).value == "Giấy khai sinh (bản chính)"
    assert sheet.cell(row, _column(sheet, "Thời hạn hiệu lực")).value == "Không thời hạn"
    channels = [[c.value for c in r] for r in workbook["Cách thức thực hiện"].iter_rows(min_row=2)]
    assert [r[:2] for r in channels] == [[CASE_ID, "truc_tiep"], [CASE_ID, "truc_tuyen"]]
    assert channels[1][3] == "Nộp trực tuyến | 0 | lần"
    cases = {r[1].value: [c.value for c in r] for r in workbook["Trường hợp đặc biệt"].iter_rows(min_row=2)}
    assert set(cases) == {"uy-quyen", "qua-han"}
    assert cases["qua-han"][6] == "có" and cases["uy-quyen"][6] == "không"
    assert cases["uy-quyen"][7] == "Tài liệu thử | tệp A | https://example.invalid/a | 2026-11-24"


def test_special_cases_and_channels_are_edited_on_their_sheets_with_errors_by_row(store: KnowledgeStore) -> None:
    workbook = _workbook(store)
    cases = workbook["Trường hợp đặc biệt"]
    rows = {r[1].value: r[0].row for r in cases.iter_rows(min_row=2)}
    cases.cell(rows["uy-quyen"], _column(cases, "Câu trả lời")).value = "Được, mang theo văn bản ủy quyền có chứng thực."
    cases.cell(rows["uy-quyen"], _column(cases, "Trả lời cho trường hợp thủ tục không có")).value = "o_nuoc_ngoai"
    channels = workbook["Cách thức thực hiện"]
    channels.delete_rows(2)  # the in-person channel is removed
    report = _upload(workbook, store)
    assert report.errors == []
    assert [(c["id"], c["fields"]) for c in report.changed] == [(CASE_ID, ["channels", "special_cases"])]
    data = report.items[0]["data"]
    assert [w["kind"] for w in data["channels"]] == ["truc_tuyen"]
    assert data["special_cases"][0]["answer"].startswith("Được, mang theo")
    assert data["special_cases"][0]["qualifiers"] == ["o_nuoc_ngoai"]
    assert data["special_cases"][1]["unclear"] is True

    workbook = _workbook(store)
    cases = workbook["Trường hợp đặc biệt"]
    rows = {r[1].value: r[0].row for r in cases.iter_rows(min_row=2)}
    cases.cell(rows["qua-han"], _column(cases, "Chủ đề")).value = "phat-tien"  # not a topic
    cases.cell(rows["qua-han"], _column(cases, "Chưa rõ")).value = "có lẽ"
    cases.cell(rows["qua-han"], _column(cases, "Trả lời cho trường hợp thủ tục không có")).value = "mat\nkhong_co"
    stray = cases.max_row + 1
    cases.cell(stray, 1).value = "khong-co-thu-tuc"
    cases.cell(stray, 2).value = "x"
    report = _upload(workbook, store)
    by_row = {}
    for error in report.errors:
        by_row.setdefault((error["sheet"], error["row"]), []).append(error["message"])
    assert ("Thủ tục", _row_of(workbook["Thủ tục"], CASE_ID)) not in by_row  # reported where the mistake is
    assert {k for k in by_row if k[0] != "FAQ"} == {("Trường hợp đặc biệt", rows["qua-han"]), ("Trường hợp đặc biệt", stray)}
    assert any(m.startswith("topic") for m in by_row[("Trường hợp đặc biệt", rows["qua-han"])])
    assert any(m.startswith("unclear") for m in by_row[("Trường hợp đặc biệt", rows["qua-han"])])
    assert any(m.startswith("qualifiers") and "khong_co" in m for m in by_row[("Trường hợp đặc biệt", rows["qua-han"])])
    assert "khong-co-thu-tuc" in by_row[("Trường hợp đặc biệt", stray)][0]
    assert report.items == []


def test_a_workbook_without_the_new_sheets_keeps_channels_and_special_cases(store: KnowledgeStore) -> None:
    workbook = _workbook(store)
    del workbook["Cách thức thực hiện"]
    del workbook["Trường hợp đặc biệt"]
    report = _upload(workbook, store)
    assert report.errors == [] and report.changed == [] and report.unchanged == 3
    # an empty sheet (header only) does mean "no special cases"
    workbook = _workbook(store)
    workbook["Trường hợp đặc biệt"].delete_rows(2, 10)
    report = _upload(workbook, store)
    assert [(c["id"], c["fields"]) for c in report.changed] == [(CASE_ID, ["special_cases"])]
    assert "special_cases" not in report.items[0]["data"]


def test_procedures_csv_round_trip_keeps_the_new_fields(store: KnowledgeStore) -> None:
    content = excel.export_csv(store.working(), "procedures")
    rows, errors = excel.read_upload("thu-tuc.csv", content)
    report = excel.dry_run(rows, store.working(), errors)
    assert report.errors == [] and report.changed == [] and report.unchanged == 2


def test_a_wrong_channel_is_reported_at_its_row_of_the_channels_sheet(store: KnowledgeStore) -> None:
    workbook = _workbook(store)
    channels = workbook["Cách thức thực hiện"]
    channels.cell(3, _column(channels, "Cách thức")).value = "qua_zalo"
    channels.cell(2, _column(channels, "Lệ phí")).value = "Nộp trực tiếp | hai mươi nghìn | lần"
    report = _upload(workbook, store)
    mine = sorted((e["row"], e["message"].split(":")[0]) for e in report.errors if e["sheet"] == "Cách thức thực hiện")
    assert mine == [(2, "fee.items.0.amount"), (3, "kind")]
    assert report.items == []
