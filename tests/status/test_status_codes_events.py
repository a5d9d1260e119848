import pytest

from applications.events import EventError, parse_event
from applications.statuses import parse_status
from core.application_codes import find_code, last4, normalize_code
from core.phone import vietnamese_phone as normalize_phone


@pytest.mark.parametrize("raw,code", [
    ("H56.22-250315-0001", "H56.22-250315-0001"),
    ("h56.22-250315-0001", "H56.22-250315-0001"),
    ("000.00.21.H26-250917-0015", "000.00.21.H26-250917-0015"),
    ("2511240988", "2511240988"),
    ("BN-2025-004512", "BN-2025-004512"),
    (" H56.22 - 250315 - 0001 ", "H56.22-250315-0001"),
])
def test_codes_of_one_stop_systems_are_accepted(raw, code):
    assert normalize_code(raw) == code


@pytest.mark.parametrize("raw", ["", "abc", "12345", "H56..22-0001", "-H56.22-0001", "mã hồ sơ", "A" * 50, "X<1234>"])
def test_implausible_codes_are_refused(raw):
    assert normalize_code(raw) is None


@pytest.mark.parametrize("text,code", [
    ("tra cứu hồ sơ H56.22-250315-0001 giúp tôi", "H56.22-250315-0001"),
    ("Mã hồ sơ của tôi là G12.34-250801-0099, xem giúp", "G12.34-250801-0099"),
    ("hồ sơ của tôi đến đâu rồi", None),
    ("TRACUU 2511240988", "2511240988"),
])
def test_code_is_found_in_a_sentence(text, code):
    assert find_code(text) == code


def test_phone_and_last4():
    assert normalize_phone("0912 345 678") == "84912345678"
    assert normalize_phone("+84912345678") == "84912345678"
    assert normalize_phone("12ab") is None
    assert last4("5678") == "5678"
    assert last4("4 số cuối là 5678") == "5678"
    assert last4("567") is None and last4("1234 5678") is None


def test_status_names_in_vietnamese():
    assert parse_status("Đang xử lý") == "dang_xu_ly"
    assert parse_status("Đã có kết quả / chờ trả kết quả") == "cho_tra_ket_qua"
    assert parse_status("CHỜ BỔ SUNG HỒ SƠ") == "cho_bo_sung"
    assert parse_status("xong") is None


def test_event_errors_are_clear():
    with pytest.raises(EventError) as caught:
        parse_event({"code": "x", "status": "bogus", "event_time": "yesterday", "phone": "abc"})
    text = str(caught.value)
    for field in ("event_id", "code", "status", "event_time", "phone"):
        assert field in text
    with pytest.raises(EventError, match="reason"):
        parse_event({"event_id": "e1", "code": "H56.22-250315-0001", "status": "tu_choi", "event_time": "2025-03-15T10:00:00+07:00"})
    with pytest.raises(EventError, match="missing_documents"):
        parse_event({"event_id": "e1", "code": "H56.22-250315-0001", "status": "cho_bo_sung", "event_time": "2025-03-15T10:00:00"})


def test_naive_event_time_is_vietnam_time():
    event = parse_event({"event_id": "e1", "code": "H56.22-250315-0001", "status": "Mới tiếp nhận",
                         "event_time": "2025-03-15T10:00:00", "appointment_date": "20/03/2025"})
    assert event.event_time_ms == parse_event({"event_id": "e2", "code": "H56.22-250315-0001", "status": "moi_tiep_nhan",
                                               "event_time": "2025-03-15T03:00:00Z"}).event_time_ms
    assert event.appointment_date == "2025-03-20"
