"""The notification texts and the Zalo registry as data, the full status set and the one-stop
systems' codes."""

import dataclasses

import pytest

from applications.events import EventError, parse_event
from applications.render import render_notice
from applications.statuses import LABELS, parse_status
from applications.templates import check, fill_sms, load_registry
from core.message_text import gsm7_length, is_gsm7, sms_parts

CODE = "000.00.21.H26-250917-0015"
NINE = ["moi_tiep_nhan", "cho_bo_sung", "cho_thanh_toan", "nghia_vu_tai_chinh", "tu_choi", "dung_xu_ly",
        "rut_ho_so", "cho_tra_ket_qua", "da_tra_ket_qua"]
EXTRA = {"cho_bo_sung": {"missing_documents": ["Bản sao giấy chứng sinh"]}, "tu_choi": {"reason": "Không đủ điều kiện"},
         "dung_xu_ly": {"reason": "Công dân không bổ sung hồ sơ"}, "cho_thanh_toan": {"amount": "50.000 đồng"},
         "nghia_vu_tai_chinh": {"amount": "1.200.000 đồng"},
         "xin_loi_tre_hen": {"new_appointment_date": "2025-04-02", "reason": "Chờ ý kiến cơ quan thuế"}}


def event(status, **extra):
    return parse_event({"event_id": "e1", "code": CODE, "status": status, "event_time": "2025-03-15T10:00:00+07:00",
                        "appointment_date": "2025-03-25", **EXTRA.get(status, {}), **extra})


def test_the_packaged_templates_pass_their_checks():
    assert check() == []


def test_the_checks_catch_a_template_with_diacritics_or_too_long():
    reg = load_registry()
    bad = dict(reg.texts)
    bad["tu_choi"] = dataclasses.replace(bad["tu_choi"], sms="Hồ sơ {code} bị từ chối")
    bad["rut_ho_so"] = dataclasses.replace(bad["rut_ho_so"], sms="Ho so {code} " + "x" * 150)
    problems = check(dataclasses.replace(reg, texts=bad))
    assert "tu_choi: the SMS template must be plain GSM-7 without diacritics" in problems
    assert "rut_ho_so: the SMS takes more than 1 part(s) with the longest values" in problems


@pytest.mark.parametrize("status", [*NINE, "dang_xu_ly", "xin_loi_tre_hen"])
def test_every_status_renders_vietnamese_chat_and_a_registered_sms_within_its_parts(status):
    notice = render_notice(CODE, event(status).public())
    assert LABELS[status] in notice.title and "hủy nhận thông báo" in notice.text
    assert is_gsm7(notice.sms) and notice.sms.isascii() and "HUY" in notice.sms and CODE in notice.sms
    parts = load_registry().texts[status].sms_parts
    assert len(sms_parts(notice.sms)) <= parts
    assert notice.zns is not None and notice.zns.data["ma_ho_so"] == CODE


def test_the_nine_statuses_of_the_province_and_the_apology():
    assert set(NINE) <= set(LABELS) and "xin_loi_tre_hen" in LABELS
    for name, key in [("Yêu cầu bổ sung hồ sơ", "cho_bo_sung"), ("Chờ thanh toán phí, lệ phí", "cho_thanh_toan"),
                      ("Thực hiện nghĩa vụ tài chính", "nghia_vu_tai_chinh"), ("Dừng xử lý", "dung_xu_ly"),
                      ("Công dân rút hồ sơ", "rut_ho_so"), ("Trễ hẹn", "xin_loi_tre_hen"), ("mau:11", "xin_loi_tre_hen"),
                      ("MAU:4", "cho_thanh_toan")]:
        assert parse_status(name) == key, name
    assert parse_status("mau:99") is None and parse_status("khac:1") is None


def test_the_apology_needs_the_new_date_and_moves_the_appointment():
    with pytest.raises(EventError) as error:
        parse_event({"event_id": "e2", "code": CODE, "status": "xin_loi_tre_hen", "event_time": "2025-03-26T08:00:00+07:00"})
    assert "new_appointment_date: required when status is xin_loi_tre_hen" in error.value.errors
    late = event("xin_loi_tre_hen")
    assert late.appointment_date == "2025-04-02" and late.previous_appointment_date == "2025-03-25"
    notice = render_notice(CODE, late.public())
    assert "xin lỗi vì chưa trả kết quả đúng hẹn ngày 25/03/2025" in notice.text and "02/04/2025" in notice.text
    with pytest.raises(EventError):
        parse_event({"event_id": "e3", "code": CODE, "status": "dung_xu_ly", "event_time": "2025-03-26T08:00:00+07:00"})
    with pytest.raises(EventError):
        event("dang_xu_ly", notify_channels=["fax"])


def test_a_long_reason_is_cut_so_the_sms_keeps_its_parts():
    text = fill_sms("Ho so {code} bi tu choi. Ly do: {reason}. Nhan HUY de ngung nhan tin.",
                    {"code": CODE, "reason": "Thiếu giấy tờ " * 60}, 2)
    assert len(sms_parts(text)) == 2 and ".... Nhan HUY" in text and text.endswith("Nhan HUY de ngung nhan tin.")
    assert gsm7_length(text) > 160  # it did need the second part
