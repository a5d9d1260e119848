"""The conversation logic of a form (forms/engine.py), turn by turn, without Rasa."""

from __future__ import annotations

import datetime as dt

import pytest

from forms.engine import find_mentions, handle, is_affirm, is_cancel, is_deny, looks_like_question
from forms.spec import ACTIVE_SLOT, CONFIRM_SLOT, KEEP_SLOT, NOTICE_SLOT, PENDING_SLOT, all_forms

BIRTH = all_forms()["form_khai_sinh"]
MARITAL = all_forms()["form_xac_nhan_hon_nhan"]
CT01 = all_forms()["form_ct01"]
TODAY = dt.date(2026, 11, 24)
EXPIRY = 1800.0


def turn(spec, text, requested, values=None, intent="fill_form", confidence=0.9, now=1000.0):
    return handle(spec, dict(values or {}), text, intent, confidence, requested, now, EXPIRY, TODAY)


def test_one_value_for_the_asked_field():
    t = turn(BIRTH, "Nguyễn Minh Khang", "ks_con_ho_ten")
    assert t.updates["ks_con_ho_ten"] == "Nguyễn Minh Khang" and not t.messages and not t.reject


def test_several_fields_in_one_message():
    t = turn(BIRTH, "Nguyễn Minh Khang, sinh ngày 12/3/2024, giới tính nam, dân tộc Kinh, quốc tịch Việt Nam", "ks_con_ho_ten")
    assert {k: t.updates[k] for k in ["ks_con_ho_ten", "ks_con_ngay_sinh", "ks_con_gioi_tinh", "ks_con_dan_toc", "ks_con_quoc_tich"]} == {
        "ks_con_ho_ten": "Nguyễn Minh Khang", "ks_con_ngay_sinh": "12/03/2024", "ks_con_gioi_tinh": "Nam",
        "ks_con_dan_toc": "Kinh", "ks_con_quoc_tich": "Việt Nam",
    }
    assert t.messages and t.messages[0].startswith("Mình đã ghi")


def test_several_people_in_one_message_without_diacritics():
    t = turn(BIRTH, "me ten Tran Thi Lan sinh nam 1990, cha ten Nguyen Van Hung sinh nam 1988", "ks_me_ho_ten")
    assert t.updates["ks_me_nam_sinh"] == "1990" and t.updates["ks_cha_nam_sinh"] == "1988"
    # names without diacritics wait for the citizen's confirmation (one at a time)
    assert t.updates[PENDING_SLOT]["slot"] in {"ks_me_ho_ten", "ks_cha_ho_ten"}


def test_correction_at_any_point():
    values = {"ks_me_nam_sinh": "1991"}
    t = turn(BIRTH, "sửa ngày sinh của mẹ thành 5/6/1990", "ks_con_que_quan", values, intent="correct_field")
    assert t.updates["ks_me_nam_sinh"] == "05/06/1990"
    assert "Mình đã sửa" in t.messages[0] and "05/06/1990" in t.messages[0]
    assert "ks_con_que_quan" not in t.updates


def test_correction_without_diacritics_at_the_summary():
    values = {s: "x" for s in BIRTH.slots}
    t = turn(BIRTH, "sua ten con thanh Nguyễn Minh Khôi", CONFIRM_SLOT, values, intent="correct_field")
    assert t.updates["ks_con_ho_ten"] == "Nguyễn Minh Khôi"


@pytest.mark.parametrize(
    "text, intent", [("lệ phí bao nhiêu?", "ask_fee"), ("le phi bao nhieu", "nlu_fallback"), ("mất mấy ngày", "ask_deadline"),
                     ("nộp ở đâu vậy", "ask_authority"), ("xin chào", "greet")]
)
def test_questions_are_left_to_the_other_rules(text, intent):
    t = turn(BIRTH, text, "ks_me_ho_ten", intent=intent)
    assert t.reject


def test_a_confident_other_intent_does_not_override_a_valid_value():
    t = turn(CT01, "0912345678", "ct_dien_thoai", intent="check_status")
    assert t.updates["ct_dien_thoai"] == "0912345678" and not t.reject


@pytest.mark.parametrize("text", ["hủy", "Huỷ bỏ", "huy", "thôi không khai nữa", "dừng lại", "huy to khai"])
def test_cancel(text):
    assert turn(BIRTH, text, "ks_con_ho_ten", intent="cancel_form").cancel


def test_expired_form_is_dropped():
    t = turn(BIRTH, "Nguyễn Văn An", "ks_con_ho_ten", {ACTIVE_SLOT: 1000.0}, now=1000.0 + EXPIRY + 1)
    assert t.cancel and t.expired


def test_validation_failure_says_why_and_keeps_the_question():
    t = turn(BIRTH, "31/2/2024", "ks_con_ngay_sinh")
    assert "ks_con_ngay_sinh" not in t.updates
    assert "không có trên lịch" in t.messages[0] and t.updates[NOTICE_SLOT] == "silent"


def test_name_without_diacritics_confirmed_or_retyped():
    t = turn(BIRTH, "nguyen minh khang", "ks_con_ho_ten")
    pending = t.updates[PENDING_SLOT]
    assert pending["value"] == "Nguyen Minh Khang" and "ks_con_ho_ten" not in t.updates
    # confirmed
    yes = turn(BIRTH, "đúng", "ks_con_ho_ten", {PENDING_SLOT: pending}, intent="affirm")
    assert yes.updates["ks_con_ho_ten"] == "Nguyen Minh Khang" and yes.updates[PENDING_SLOT] is None
    # retyped with diacritics
    again = turn(BIRTH, "Nguyễn Minh Khang", "ks_con_ho_ten", {PENDING_SLOT: pending})
    assert again.updates["ks_con_ho_ten"] == "Nguyễn Minh Khang"


def test_old_address_converted_and_confirmed():
    t = turn(BIRTH, "Số 12 Nguyễn Huệ, phường Bến Nghé, quận 1, TP Hồ Chí Minh", "ks_me_cu_tru")
    pending = t.updates[PENDING_SLOT]
    assert pending["value"] == "Số 12 Nguyễn Huệ, Phường Sài Gòn, Thành phố Hồ Chí Minh"
    no = turn(BIRTH, "không", "ks_me_cu_tru", {PENDING_SLOT: pending}, intent="deny")
    assert "ks_me_cu_tru" not in no.updates and "nhập lại" in no.messages[0]
    yes = turn(BIRTH, "dung roi", "ks_me_cu_tru", {PENDING_SLOT: pending}, intent="affirm")
    assert yes.updates["ks_me_cu_tru"] == pending["value"]


def test_id_number_checked_against_the_same_persons_birth_year_and_gender():
    values = {"ks_me_nam_sinh": "1990"}
    assert turn(BIRTH, "079190012345", "ks_me_dinh_danh", values).updates["ks_me_dinh_danh"] == "079190012345"
    bad = turn(BIRTH, "079090012345", "ks_me_dinh_danh", values)  # a man's digit for the mother
    assert "ks_me_dinh_danh" not in bad.updates and "giới tính nữ" in bad.messages[0]


def test_changing_a_birth_year_rechecks_the_number_already_given():
    values = {"ct_ngay_sinh": "20/10/1992", "ct_gioi_tinh": "Nữ", "ct_dinh_danh": "001192012345"}
    t = turn(CT01, "sửa ngày sinh thành 20/10/1993", "ct_dien_thoai", values, intent="correct_field")
    assert t.updates["ct_dinh_danh"] is None and any("năm sinh 1993" in m for m in t.messages)


def test_no_father_skips_the_fathers_fields():
    t = turn(BIRTH, "không có", "ks_cha_ho_ten")
    assert all(t.updates[s] == "" for s in BIRTH.slots if s.startswith("ks_cha_"))


def test_asking_for_oneself_copies_the_requesters_details():
    values = {"xn_nyc_ho_ten": "Lê Thị Ánh Tuyết", "xn_nyc_cu_tru": "Thôn 3, xã Hòa Bình, tỉnh Phú Thọ", "xn_nyc_giay_to": "001192012345"}
    t = turn(MARITAL, "cho tôi", "xn_nyc_quan_he", values)
    assert t.updates["xn_nyc_quan_he"] == "Bản thân"
    assert t.updates["xn_ho_ten"] == "Lê Thị Ánh Tuyết" and t.updates["xn_dinh_danh"] == "001192012345"


def test_confirmation_and_keep_data():
    values = {s: "x" for s in BIRTH.slots}
    assert turn(BIRTH, "đúng rồi", CONFIRM_SLOT, values, intent="affirm").updates[CONFIRM_SLOT] is True
    keep = turn(BIRTH, "đúng, giữ lại thông tin", CONFIRM_SLOT, values, intent="affirm")
    assert keep.updates[CONFIRM_SLOT] is True and keep.updates[KEEP_SLOT] is True
    no = turn(BIRTH, "chưa đúng", CONFIRM_SLOT, values, intent="deny")
    assert CONFIRM_SLOT not in no.updates and "sửa" in no.messages[0]


def test_optional_email():
    assert turn(CT01, "không có", "ct_email").updates["ct_email"] == ""
    assert "email" in turn(CT01, "abc", "ct_email").messages[0].lower()


def test_resume_words_do_not_become_values():
    t = turn(BIRTH, "tiếp tục", "ks_con_ho_ten", intent="resume_form")
    assert "ks_con_ho_ten" not in t.updates and not t.reject


def test_mentions():
    mentions, prefix = find_mentions(BIRTH, "họ tên cha: Nguyễn Văn Hùng; quốc tịch của cha là Việt Nam", None)
    assert [(m.slot, m.value) for m in mentions] == [("ks_cha_ho_ten", "Nguyễn Văn Hùng"), ("ks_cha_quoc_tich", "Việt Nam")]
    mentions, _ = find_mentions(CT01, "sdt 0987654321, email a@b.vn", "ct_ho_ten")
    assert {m.slot for m in mentions} == {"ct_email"} or {m.slot for m in mentions} == {"ct_dien_thoai", "ct_email"}
    mentions, _ = find_mentions(CT01, "số điện thoại 0987654321, email a@b.vn", "ct_ho_ten")
    assert [(m.slot, m.value) for m in mentions] == [("ct_dien_thoai", "0987654321"), ("ct_email", "a@b.vn")]


def test_words():
    assert is_cancel("Hủy") and not is_cancel("Nguyễn Văn Huy")
    assert is_affirm("đúng rồi") and is_affirm("ok") and not is_affirm("Nguyễn Văn Đúng")
    assert is_deny("không phải") and is_deny("sai rồi")
    assert looks_like_question("lệ phí bao nhiêu?") and looks_like_question("nop o dau")
    assert not looks_like_question("Nguyễn Văn An")


def test_a_clean_name_or_address_taken_for_out_of_scope_is_still_an_answer():
    assert turn(BIRTH, "Trần Thị Mai", "ks_me_ho_ten", intent="out_of_scope").updates["ks_me_ho_ten"] == "Trần Thị Mai"
    t = turn(BIRTH, "Thôn 3, xã Hòa Bình, tỉnh Phú Thọ", "ks_me_cu_tru", intent="inform_procedure")
    assert t.updates["ks_me_cu_tru"] == "Thôn 3, xã Hòa Bình, tỉnh Phú Thọ"
    # but not a greeting, nor a question
    assert turn(BIRTH, "xin chào bạn", "ks_me_ho_ten", intent="greet").reject
    assert turn(BIRTH, "lệ phí ở Phú Thọ bao nhiêu?", "ks_me_cu_tru", intent="out_of_scope").reject


def test_a_correction_without_a_value_is_never_taken_as_a_value():
    t = turn(BIRTH, "sửa tên mẹ", "ks_cha_ho_ten", intent="correct_field")
    assert "ks_cha_ho_ten" not in t.updates and "ks_me_ho_ten" not in t.updates
    assert "sửa <mục> thành <giá trị mới>" in t.messages[0]
    t = turn(BIRTH, "toi muon sua lai", CONFIRM_SLOT, {s: "x" for s in BIRTH.slots})
    assert t.updates[NOTICE_SLOT] == "silent" and CONFIRM_SLOT not in t.updates


def test_values_that_say_what_they_are_after_the_answer():
    t = turn(CT01, "Phạm Quốc Bảo, 1/2/1995", "ct_ho_ten")
    assert t.updates["ct_ho_ten"] == "Phạm Quốc Bảo" and t.updates["ct_ngay_sinh"] == "01/02/1995"
    t = turn(BIRTH, "Nguyễn Văn Hùng, 001088012345", "ks_nyc_ho_ten")
    assert t.updates["ks_nyc_giay_to"] == "001088012345"
    t = turn(CT01, "079095012345, 0912 345 678, bao@gmail.com", "ct_dinh_danh")
    assert t.updates["ct_dien_thoai"] == "0912345678" and t.updates["ct_email"] == "bao@gmail.com"
    # an address keeps its commas
    t = turn(BIRTH, "Số 12 Nguyễn Huệ, phường Sài Gòn, Thành phố Hồ Chí Minh", "ks_me_cu_tru")
    assert t.updates["ks_me_cu_tru"] == "Số 12 Nguyễn Huệ, phường Sài Gòn, Thành phố Hồ Chí Minh"


def test_a_short_wrong_answer_to_a_list_question_gets_the_options():
    t = turn(BIRTH, "hàng xóm", "ks_nyc_quan_he", intent="out_of_scope")
    assert not t.reject and "chưa nhận ra" in t.messages[0]



@pytest.mark.parametrize("text", ["dung, giu lai thong tin", "đúng, giữ lại thông tin"])
def test_keeping_the_data_is_never_read_as_cancel_even_if_the_classifier_says_so(text):
    t = turn(MARITAL, text, CONFIRM_SLOT, intent="cancel_form", confidence=0.95)
    assert not t.cancel
    assert t.updates[KEEP_SLOT] is True and t.updates[CONFIRM_SLOT] is True
