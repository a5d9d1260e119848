"""The readers on real records: HTML in fields sanitised, trường hợp of documents, per-channel fees,
and malformed files reported as ``record N: field: problem``."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from openpyxl import Workbook

from catalogue import read_html, read_json, read_xlsx
from catalogue.html_text import lines
from catalogue.mapper import map_record

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = dt.date(2026, 12, 3)


def _read(name: str):
    return read_json.read((FIXTURES / name).read_bytes())


def test_json_records_become_channels_with_their_own_deadline_and_fee() -> None:
    records, errors = _read("dvcqg_v1.json")
    assert errors == [] and [r.number for r in records] == [1, 2]
    khai_tu, _ = map_record(records[1], "csdl_quoc_gia", TODAY)
    assert khai_tu["id"] == "dang-ky-lai-khai-tu" and khai_tu["code"] == "0.030391"
    assert khai_tu["catalogue"]["record"] == "0.030391.000.00.00.H99" and khai_tu["catalogue"]["field"] == "Hộ tịch"
    assert khai_tu["authority"] == "UBND HUYỆN LỤC YÊN"  # <p><b>…</b>&nbsp;</p> in the record
    ways = {w["kind"]: w for w in khai_tu["channels"]}
    assert ways["truc_tiep"]["fee"]["items"] == [{"amount": 5000, "case": "Lệ phí đăng ký lại khai tử"}]
    assert ways["truc_tuyen"]["fee"]["items"][0]["amount"] == 0  # SOTIEN "Miễn phí"
    assert khai_tu["fee"]["items"][0]["amount"] == 5000 and khai_tu["deadline"] == "05 ngày làm việc"
    assert khai_tu["sources"] == [{"title": "CSDL quốc gia về TTHC, mã 0.030391.000.00.00.H99", "read_on": "2026-12-03"}]


def test_documents_are_grouped_by_case_with_their_counts() -> None:
    records, _ = _read("dvcqg_v1.json")
    khai_tu, _ = map_record(records[1], "csdl_quoc_gia", TODAY)
    assert khai_tu["documents"][1] == "Giấy tờ phải nộp: Tờ khai đăng ký lại khai tử theo mẫu (1 bản chính)"
    assert khai_tu["documents"][2].startswith("Giấy tờ phải nộp: Bản sao Giấy chứng tử")
    assert khai_tu["documents"][2].endswith("(1 bản sao)")
    assert all("<" not in d for d in khai_tu["documents"])
    dau, _ = map_record(records[0], "csdl_quoc_gia", TODAY)
    assert dau["documents"][1] == "Hồ sơ đối với người được cử đến nộp hồ sơ: Giấy giới thiệu hoặc Giấy ủy quyền (1 bản chính)"
    assert [w["kind"] for w in dau["channels"]] == ["truc_tiep", "truc_tuyen", "buu_chinh"]
    assert "Bản ghi của danh mục không nêu phí" in dau["fee"]["note"]  # no PHILEPHI: never guessed as free


def test_malformed_records_are_reported_with_their_position() -> None:
    records, errors = _read("malformed.json")
    assert [str(e) for e in errors] == [
        "record 1: TENTTHC: thiếu tên thủ tục",
        "record 2: CACHTHUCTHUCHIEN[1].THOIGIAN[1].PHILEPHI[1].SOTIEN: số tiền không hợp lệ “năm nghìn”",
    ]
    assert [r.number for r in records] == [3]
    assert [str(e) for e in _read("not_json.json")[1]][0].startswith("file: không phải JSON hợp lệ (dòng 2")
    assert str(read_json.read(b"[1]")[1][0]) == "record 1: record: không phải một đối tượng JSON ({...})"


def test_a_provincial_page_with_escaped_html_in_its_fields() -> None:
    records, errors = read_html.read((FIXTURES / "laocai_1.003658.html").read_bytes())
    assert errors == []
    page = records[0]
    assert page.name == "Công bố lại hoạt động bến thủy nội địa" and page.code == "1.003658.000.00.00.H38"
    assert page.authority == "Ủy ban nhân dân cấp xã" and page.field == "Hàng hải và đường thủy"
    mapped, _ = map_record(page, "cong_tinh", TODAY)
    assert mapped["code"] == "1.003658" and mapped["online"]["level"] == "toan_trinh"
    assert mapped["documents"] == [] and mapped["legal_basis"] == []  # the stored page stops before them


def test_the_national_portal_page_layout() -> None:
    records, errors = read_html.read((FIXTURES / "dvcqg_4473.html").read_bytes())
    assert errors == []
    page = records[0]
    assert page.name.startswith("Đăng ký dấu nổi") and page.code == ""  # the page shows no code
    assert [(c.kind, c.deadline) for c in page.channels] == [("truc_tiep", "3 Ngày làm việc"), ("truc_tuyen", "3 Ngày làm việc"),
                                                             ("buu_chinh", "3 Ngày làm việc")]
    assert [(c.case, [(d.originals, d.copies) for d in c.documents]) for c in page.document_cases] == [
        ("Hồ sơ đối với cơ quan, tổ chức, chức danh nhà nước", [(1, 0)]), ("Hồ sơ đối với người được cử đến nộp hồ sơ", [(1, 0)])]
    mapped, problems = map_record(page, "cong_tinh", TODAY)
    assert mapped["deadline"] == "3 ngày làm việc"
    assert [str(p) for p in problems] == ["record 1: code: thiếu mã thủ tục (MATTHC)"]


def test_html_text_keeps_the_words_and_drops_the_markup() -> None:
    assert lines('<div style="x">Bước 1:&nbsp;Nộp hồ sơ<br>Bước 2: <b>Nhận</b> kết quả</div><script>x()</script>') == [
        "Bước 1: Nộp hồ sơ", "Bước 2: Nhận kết quả"]
    assert lines("<table><tr><td>Trực tiếp</td><td>5 ngày</td></tr></table>") == ["Trực tiếp | 5 ngày"]
    assert read_html.read(b"just text")[1][0].problem == "không phải một trang HTML"


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["DANH MỤC THỦ TỤC HÀNH CHÍNH"])
    sheet.append(["STT", "Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Cấp thực hiện", "Cơ quan thực hiện", "Thời hạn giải quyết",
                  "Phí, lệ phí", "Cách thức thực hiện", "Thành phần hồ sơ", "Căn cứ pháp lý"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


KHAI_TU_ROW = [1, "0.030391.000.00.00.H99", "Đăng ký lại khai tử", "Hộ tịch", "Cấp Huyện", "UBND huyện Lục Yên", "05 ngày làm việc",
               "5.000", "Trực tiếp; Trực tuyến",
               "Tờ khai đăng ký lại khai tử theo mẫu\nBản sao Giấy chứng tử trước đây được cấp hợp lệ", "Nghị định 123/2015/NĐ-CP, Điều 28"]


def test_the_province_excel_list() -> None:
    records, errors = read_xlsx.read(_xlsx([KHAI_TU_ROW, [2, "1.003658.000.00.00.H38", "", "Hàng hải và đường thủy"],
                                            [3, "x", "Thủ tục thử", "", "", "", "", "mười nghìn đồng"]]))
    assert [str(e) for e in errors] == ["record 2: Tên thủ tục (dòng 4): thiếu tên thủ tục"]
    mapped, _ = map_record(records[0], "excel", TODAY)
    assert mapped["documents"] == ["Tờ khai đăng ký lại khai tử theo mẫu", "Bản sao Giấy chứng tử trước đây được cấp hợp lệ"]
    assert mapped["fee"] == {"items": [{"amount": 5000}]} and [w["kind"] for w in mapped["channels"]] == ["truc_tiep", "truc_tuyen"]
    assert mapped["deadline"] == "05 ngày làm việc" and mapped["sources"][0]["title"].startswith("Danh mục TTHC của tỉnh (Excel)")
    third, _ = map_record(records[1], "excel", TODAY)
    assert third["fee"] == {"note": "mười nghìn đồng"}  # a text that is not an amount stays words, never a number
    assert str(read_xlsx.read(b"not a zip")[1][0]) == "file: không đọc được tệp Excel (.xlsx)"
