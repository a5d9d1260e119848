"""The produced PDF is rendered to PNG (pdftoppm) and its text extracted (pdftotext) and compared
with the entered data, so a broken font or layout fails; the JSON for the one-stop adapter."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest
from PIL import Image

from forms.output import font_path, form_json, produce, sms_text, summary_text
from forms.spec import all_forms

BIRTH = {
    "ks_nyc_ho_ten": "Nguyễn Văn Hùng", "ks_nyc_cu_tru": "Số 12 Nguyễn Huệ, Phường Sài Gòn, Thành phố Hồ Chí Minh",
    "ks_nyc_giay_to": "001088012345", "ks_nyc_quan_he": "Cha",
    "ks_con_ho_ten": "Nguyễn Minh Khang", "ks_con_ngay_sinh": "12/03/2024", "ks_con_gioi_tinh": "Nam",
    "ks_con_dan_toc": "Kinh", "ks_con_quoc_tich": "Việt Nam",
    "ks_con_noi_sinh": "Bệnh viện Từ Dũ, phường Cầu Ông Lãnh, Thành phố Hồ Chí Minh",
    "ks_con_que_quan": "Xã Hòa Bình, tỉnh Phú Thọ", "ks_con_dinh_danh": "",
    "ks_me_ho_ten": "Trần Thị Lan", "ks_me_nam_sinh": "05/06/1990", "ks_me_dan_toc": "Tày",
    "ks_me_quoc_tich": "Việt Nam", "ks_me_cu_tru": "Số 12 Nguyễn Huệ, Phường Sài Gòn, Thành phố Hồ Chí Minh",
    "ks_me_dinh_danh": "079190012345",
    "ks_cha_ho_ten": "Nguyễn Văn Hùng", "ks_cha_nam_sinh": "1988", "ks_cha_dan_toc": "Kinh",
    "ks_cha_quoc_tich": "Việt Nam", "ks_cha_cu_tru": "Số 12 Nguyễn Huệ, Phường Sài Gòn, Thành phố Hồ Chí Minh",
    "ks_cha_dinh_danh": "001088012345",
}


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def sample_values(spec):
    if spec.id == "khai_sinh":
        return dict(BIRTH)
    values = {}
    for f in spec.fields:
        values[f.slot] = {
            "name": "Lê Thị Ánh Tuyết", "dob": "20/10/1992", "gender": "Nữ", "ethnicity": "Ê Đê",
            "nationality": "Việt Nam", "id": "001192012345", "phone": "0912345678", "email": "tuyet@gmail.com",
            "residence": "Thôn 3, xã Hòa Bình, tỉnh Phú Thọ", "relationship": "Bản thân" if spec.id != "ct01" else "Chủ hộ",
            "marital": "Chưa kết hôn", "purpose": "Để đăng ký kết hôn", "agency": "Công an xã Hòa Bình",
            "request": "Đăng ký thường trú", "members": "",
        }[f.attr]
    return values


def test_the_font_ships_with_an_installed_package():
    assert font_path().is_file() and "site-packages" in str(font_path())
    assert font_path(bold=True).is_file()


@pytest.mark.parametrize("form", list(all_forms()))
def test_pdf_renders_and_contains_every_value(form, tmp_path: Path, poppler):
    spec = all_forms()[form]
    values = sample_values(spec)
    produced = produce(spec, values, tmp_path, dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.timezone.utc))
    assert produced.pdf.parent == tmp_path / "forms"

    subprocess.run(["pdftoppm", "-png", "-r", "60", str(produced.pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert pages, "pdftoppm produced no image"
    image = Image.open(pages[0]).convert("L")
    dark = sum(1 for p in image.getdata() if p < 128)
    assert dark > 2000, "the page is (nearly) blank: the font did not render"

    text = subprocess.run(["pdftotext", "-layout", str(produced.pdf), "-"], capture_output=True, check=True).stdout.decode()
    flat = _words(text)
    assert spec.title in flat
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat and "Độc lập - Tự do - Hạnh phúc" in flat
    for f in spec.fields:
        shown = values[f.slot] or "(không có)"
        assert _words(shown) in flat, f"{f.slot}: {shown!r} missing from the PDF text"
        assert _words(f.label) in flat
    assert "ngày 24 tháng 11 năm 2026" in flat
    if spec.id == "khai_sinh":
        assert "ghi bằng chữ: Ngày mười hai, tháng ba, năm hai nghìn không trăm hai mươi bốn" in flat


def test_json_for_the_one_stop_adapter(tmp_path: Path):
    spec = all_forms()["form_khai_sinh"]
    produced = produce(spec, BIRTH, tmp_path)
    data = json.loads(produced.json.read_text(encoding="utf-8"))
    assert data["form"] == "khai_sinh" and data["procedure"] == "dang-ky-khai-sinh" and data["code"] == produced.code
    assert data["data"]["child"]["name"] == "Nguyễn Minh Khang"
    assert data["data"]["mother"]["dob"] == "05/06/1990"
    assert data["data"]["child"]["id"] is None  # "không có"
    assert [f["key"] for f in data["fields"]] == spec.slots
    assert form_json(spec, BIRTH, "X", dt.datetime(2026, 1, 1))["created_at"] == "2026-01-01T00:00:00"


def test_file_names_are_unguessable(tmp_path: Path):
    spec = all_forms()["form_khai_sinh"]
    a, b = produce(spec, BIRTH, tmp_path), produce(spec, BIRTH, tmp_path)
    assert a.pdf.name != b.pdf.name and len(a.pdf.stem) > 30


def test_summary_and_sms_text():
    spec = all_forms()["form_khai_sinh"]
    summary = summary_text(spec, BIRTH)
    assert "Nguyễn Minh Khang" in summary and "NGƯỜI MẸ" in summary and "(không có)" in summary
    sms = sms_text(spec, BIRTH, "KHAI-1")
    assert "Nguyễn Minh Khang" in sms and "KHAI-1" in sms and len(sms) < 200
    assert "001088012345" not in sms
