"""End-to-end conversations with the running assistant (REST channel, Redis tracker), one set per
form: happy path, validation failures, several fields in one message, correction, interruption and
resume, cancel, input without diacritics; the produced PDF is read back."""

from __future__ import annotations

import json
import re
import subprocess
import time
import uuid
from pathlib import Path
from typing import Callable, Dict, List

import pytest
import redis

from forms.spec import all_forms
from tests.conftest import ASSISTANT_REDIS_DB, REDIS_HOST, REDIS_PORT

pytestmark = pytest.mark.slow

BIRTH = all_forms()["form_khai_sinh"]
MARITAL = all_forms()["form_xac_nhan_hon_nhan"]
CT01 = all_forms()["form_ct01"]


class Chat:
    def __init__(self, assistant) -> None:
        self.assistant = assistant
        self.sender = f"test-forms-{uuid.uuid4().hex[:10]}"
        self.last: List[Dict] = []
        # the citizen agreed to the form notice (the notice itself: tests/test_privacy_conversations.py)
        self.assistant.say(self.sender, '/consent_agree{"privacy_purpose": "form"}')

    def __call__(self, text: str) -> str:
        self.last = self.assistant.say(self.sender, text)
        return "\n".join(m.get("text") or "" for m in self.last)

    def tracker(self) -> Dict:
        return self.assistant.tracker(self.sender)

    def slots(self) -> Dict:
        return {k: v for k, v in self.tracker()["slots"].items() if v is not None}

    def active_form(self):
        return (self.tracker().get("active_loop") or {}).get("name")


def asks(spec, slot: str) -> str:
    """The progress marker of the question for a slot: "(4/23)"."""
    return f"({spec.slots.index(slot) + 1}/{len(spec.slots)})"


def poll(check: Callable[[], object], deadline_seconds: float = 30.0):
    deadline = time.monotonic() + deadline_seconds
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True).stdout.decode()
    return re.sub(r"\s+", " ", out)


def produced_pdf(chat: Chat, data_dir: str) -> Path:
    link = next(m["custom"]["url"] for m in chat.last if m.get("custom", {}).get("type") == "file")
    path = Path(data_dir) / "forms" / link.rsplit("/", 1)[1]
    assert poll(path.exists), f"{path} was not produced"
    return path


PERSONAL = ["ks_con_ho_ten", "ks_me_ho_ten", "ks_nyc_giay_to", "ks_me_cu_tru"]


def test_birth_registration_happy_path(assistant, poppler):
    chat = Chat(assistant)
    reply = chat("dien to khai khai sinh cho con")  # without diacritics
    assert "tờ khai đăng ký khai sinh" in reply and asks(BIRTH, "ks_nyc_ho_ten") in reply
    assert asks(BIRTH, "ks_nyc_cu_tru") in chat("Nguyễn Văn Hùng")
    # the answer, then a value that says what it is (an identification number)
    assert asks(BIRTH, "ks_nyc_quan_he") in chat("Số 12 Nguyễn Huệ, phường Sài Gòn, Thành phố Hồ Chí Minh; 001 088 012 345")
    assert asks(BIRTH, "ks_con_ho_ten") in chat("toi la bo chau")
    # several fields in one message, one of them without diacritics
    reply = chat("Nguyễn Minh Khang, sinh ngay 12/3/2024, gioi tinh nam, dan toc kinh")
    assert "Mình đã ghi" in reply and "12/03/2024" in reply and asks(BIRTH, "ks_con_quoc_tich") in reply
    # a question in the middle is answered, then the form resumes
    reply = chat("lệ phí bao nhiêu?")
    assert "lệ phí" in reply.lower() and "Mình quay lại tờ khai" in reply and asks(BIRTH, "ks_con_quoc_tich") in reply
    assert chat.active_form() == "form_khai_sinh"
    assert asks(BIRTH, "ks_con_noi_sinh") in chat("VN")
    assert asks(BIRTH, "ks_con_que_quan") in chat("Bệnh viện Từ Dũ, phường Cầu Ông Lãnh, Thành phố Hồ Chí Minh")
    assert asks(BIRTH, "ks_con_dinh_danh") in chat("Xã Hòa Bình, tỉnh Phú Thọ")
    assert asks(BIRTH, "ks_me_ho_ten") in chat("chưa có")
    # a name without diacritics is not guessed
    reply = chat("tran thi lan")
    assert "không có dấu" in reply and asks(BIRTH, "ks_me_nam_sinh") not in reply
    assert asks(BIRTH, "ks_me_nam_sinh") in chat("Trần Thị Lan")
    reply = chat("me sinh nam 1991, dan toc tay, quoc tich viet nam")
    assert asks(BIRTH, "ks_me_cu_tru") in reply
    # an old three-level address is converted and shown back
    reply = chat("Số 12 Nguyễn Huệ, phường Bến Nghé, quận 1, TP Hồ Chí Minh")
    assert "Phường Sài Gòn" in reply and "đúng" in reply
    assert asks(BIRTH, "ks_me_dinh_danh") in chat("đúng rồi")
    # correction of an earlier field at any point
    reply = chat("sửa ngày sinh của mẹ thành 5/6/1990")
    assert "Mình đã sửa" in reply and "05/06/1990" in reply and asks(BIRTH, "ks_me_dinh_danh") in reply
    assert asks(BIRTH, "ks_cha_ho_ten") in chat("079190012345")
    reply = chat("họ tên cha Nguyễn Văn Hùng, sinh năm 1988, dân tộc Kinh, quốc tịch Việt Nam")
    assert asks(BIRTH, "ks_cha_cu_tru") in reply
    assert "đúng" in chat("Số 12 Nguyễn Huệ, phường Sài Gòn, Thành phố Hồ Chí Minh") or True
    reply = chat("001088012345")
    # the summary comes before anything is produced
    assert "Mình tóm tắt" in reply and "Nguyễn Minh Khang" in reply and "Trần Thị Lan" in reply
    reply = chat("đúng")
    assert "PDF" in reply and "đã xóa" in reply
    text = pdf_text(produced_pdf(chat, assistant.data_dir))
    for value in ["Nguyễn Minh Khang", "12/03/2024", "Trần Thị Lan", "05/06/1990", "Số 12 Nguyễn Huệ, Phường Sài Gòn, Thành phố Hồ Chí Minh",
                  "079190012345", "Nguyễn Văn Hùng", "TỜ KHAI ĐĂNG KÝ KHAI SINH"]:
        assert value in text
    # personal data left the tracker: the slots, and the stored history of the conversation
    slots = chat.slots()
    assert not any(s in slots for s in BIRTH.slots), slots
    assert chat.active_form() is None
    history = json.dumps(chat.tracker()["events"], ensure_ascii=False)
    for value in ["Nguyễn Minh Khang", "Trần Thị Lan", "079190012345", "Nguyễn Văn Hùng", ".pdf"]:
        assert value not in history, value
    assert "[đã xóa]" in history


def test_birth_registration_validation_failures(assistant):
    chat = Chat(assistant)
    chat("Tôi muốn điền tờ khai đăng ký khai sinh")
    reply = chat("Nguyễn Văn 2")
    assert "chữ cái tiếng Việt" in reply and chat.active_form() == "form_khai_sinh"
    chat("Nguyễn Văn Hùng")
    chat("Số 12 Nguyễn Huệ, phường Sài Gòn, Thành phố Hồ Chí Minh")
    assert "12 chữ số" in chat("12345678901")
    assert "chứng minh nhân dân cũ" in chat("123456789")
    chat("001088012345")
    assert "chưa nhận ra" in chat("hàng xóm")
    chat("cha")
    chat("Nguyễn Minh Khang")
    assert "không có trên lịch" in chat("31/2/2024")
    assert "tương lai" in chat("1/1/2099")
    assert "chưa đọc được" in chat("hôm kia")
    assert asks(BIRTH, "ks_con_gioi_tinh") in chat("ngày 12 tháng 3 năm 2024")
    chat("nữ")
    chat("Kinh")
    chat("Việt Nam")
    assert "tỉnh/thành phố" in chat("ở nhà")
    chat("Thôn 3, xã Hòa Bình, tỉnh Phú Thọ")
    chat("Thôn 3, xã Hòa Bình, tỉnh Phú Thọ")
    # the child is a girl born in 2024: digit 4 must be 3
    reply = chat("001224012345")
    assert "giới tính nữ" in reply and "“3”" in reply
    assert asks(BIRTH, "ks_me_ho_ten") in chat("001324012345")
    chat("hủy")


def test_birth_registration_cancel(assistant):
    chat = Chat(assistant)
    chat("điền tờ khai khai sinh")
    chat("Nguyễn Văn Hùng")
    assert chat.slots().get("ks_nyc_ho_ten") == "Nguyễn Văn Hùng"
    reply = chat("hủy")
    assert "đã hủy" in reply
    assert chat.active_form() is None
    assert not any(s in chat.slots() for s in BIRTH.slots)
    assert "Nguyễn Văn Hùng" not in json.dumps(chat.tracker()["events"], ensure_ascii=False)
    assert "không điền tờ khai nào" in chat("huy")


def test_marital_status_without_diacritics_keep_data(assistant, poppler):
    chat = Chat(assistant)
    assert asks(MARITAL, "xn_nyc_ho_ten") in chat("dien to khai xac nhan tinh trang hon nhan")
    assert "không có dấu" in chat("le thi anh tuyet")
    assert asks(MARITAL, "xn_nyc_cu_tru") in chat("dung")
    reply = chat("thon 3 xa hoa binh tinh phu tho")
    assert "không có dấu" in reply
    assert asks(MARITAL, "xn_nyc_giay_to") in chat("Thôn 3, xã Hòa Bình, tỉnh Phú Thọ")
    assert asks(MARITAL, "xn_nyc_quan_he") in chat("001192012345")
    # for oneself: name, residence and number are copied; several fields at once
    reply = chat("cho toi")
    assert asks(MARITAL, "xn_ngay_sinh") in reply
    reply = chat("ngay sinh 20/10/1992, gioi tinh nu, dan toc kinh, quoc tich viet nam")
    assert asks(MARITAL, "xn_tinh_trang") in reply
    # the number given earlier is checked against the birth year and gender
    assert chat.slots()["xn_dinh_danh"] == "001192012345"
    assert asks(MARITAL, "xn_muc_dich") in chat("doc than")
    reply = chat("de dang ky ket hon")
    assert "Mình tóm tắt" in reply and "Le Thi Anh Tuyet" in reply and "Chưa kết hôn" in reply
    reply = chat("dung, giu lai thong tin")
    assert "PDF" in reply and "giữ lại" in reply
    text = pdf_text(produced_pdf(chat, assistant.data_dir))
    assert "TỜ KHAI CẤP GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN" in text and "Le Thi Anh Tuyet" in text and "De dang ky ket hon" in text
    assert chat.slots().get("xn_nyc_ho_ten") == "Le Thi Anh Tuyet"  # kept, as asked
    assert "le thi anh tuyet" in json.dumps(chat.tracker()["events"], ensure_ascii=False)  # history kept too
    assert chat.active_form() is None


def test_marital_status_interruption_goodbye_and_resume(assistant):
    chat = Chat(assistant)
    chat("Tôi muốn điền tờ khai xác nhận tình trạng hôn nhân")
    chat("Lê Thị Ánh Tuyết")
    reply = chat("nộp hồ sơ ở đâu?")
    assert "Mình quay lại tờ khai" in reply and asks(MARITAL, "xn_nyc_cu_tru") in reply
    reply = chat("tạm biệt")
    assert "giữ tờ khai" in reply and asks(MARITAL, "xn_nyc_cu_tru") in reply
    # the conversation is kept in Redis; coming back, the citizen just answers
    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=ASSISTANT_REDIS_DB)
    assert any(chat.sender.encode() in key for key in client.keys("*"))
    reply = chat("xin chào")
    assert "Xin chào" in reply and asks(MARITAL, "xn_nyc_cu_tru") in reply
    assert asks(MARITAL, "xn_nyc_giay_to") in chat("Thôn 3, xã Hòa Bình, tỉnh Phú Thọ")
    assert chat.slots()["xn_nyc_ho_ten"] == "Lê Thị Ánh Tuyết"
    assert "đã hủy" in chat("thoi khong khai nua")


def test_residence_ct01_happy_path_and_failures(assistant, poppler):
    chat = Chat(assistant)
    assert asks(CT01, "ct_kinh_gui") in chat("dien mau CT01 dang ky thuong tru")
    assert asks(CT01, "ct_ho_ten") in chat("Công an phường Sài Gòn")
    reply = chat("Phạm Quốc Bảo, sinh ngày 1.2.95, giới tính nam")
    assert "01/02/1995" in reply and asks(CT01, "ct_dinh_danh") in reply
    # a woman's century digit for a man born in 1995
    assert "giới tính nam" in chat("079195012345")
    assert asks(CT01, "ct_dien_thoai") in chat("079095012345")
    assert "đầu số" in chat("0112345678")
    assert asks(CT01, "ct_email") in chat("+84 912 345 678")
    assert "email" in chat("bao@gmail").lower()
    assert asks(CT01, "ct_chu_ho") in chat("không có")
    # other interruptions: an officer, another form, a question for the FAQ
    reply = chat("cho tôi gặp cán bộ")
    assert "tổng đài" in reply and "Mình quay lại tờ khai" in reply and asks(CT01, "ct_chu_ho") in reply
    reply = chat("điền tờ khai khai sinh")
    assert "Bạn đang điền tờ khai thay đổi thông tin cư trú" in reply and asks(CT01, "ct_chu_ho") in reply
    reply = chat("VNeID mức 2 là gì?")
    assert "Mình quay lại tờ khai" in reply and asks(CT01, "ct_chu_ho") in reply
    reply = chat("hồ sơ của tôi đến đâu rồi?")
    assert "tra cứu hồ sơ" in reply and asks(CT01, "ct_chu_ho") in reply and chat.active_form() == "form_ct01"
    reply = chat("chủ hộ là Phạm Văn Long, quan hệ với chủ hộ là con")
    assert asks(CT01, "ct_chu_ho_dinh_danh") in reply
    assert asks(CT01, "ct_noi_dung") in chat("079065012345")
    assert asks(CT01, "ct_dia_chi") in chat("nhap ho khau")
    assert asks(CT01, "ct_thanh_vien") in chat("Số 12 Nguyễn Huệ, phường Sài Gòn, Thành phố Hồ Chí Minh")
    reply = chat("không có")
    assert "Mình tóm tắt" in reply and "0912345678" in reply and "Đăng ký thường trú" in reply
    reply = chat("chưa đúng")
    assert "sửa" in reply
    reply = chat("sửa số điện thoại thành 0987654321")
    assert "0987654321" in reply and "Mình tóm tắt" in reply
    chat("đúng")
    text = pdf_text(produced_pdf(chat, assistant.data_dir))
    assert "Mẫu CT01" in text and "TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ" in text
    for value in ["Công an phường Sài Gòn", "Phạm Quốc Bảo", "01/02/1995", "079095012345", "0987654321", "Phạm Văn Long", "Con"]:
        assert value in text
    assert not any(s in chat.slots() for s in CT01.slots)


def test_form_words_without_a_form_offer_the_forms(assistant):
    chat = Chat(assistant)
    chat("xin chào")
    chat("điền tờ khai")
    assert len(chat.last[-1].get("buttons") or []) == 3
    reply = chat('/start_form{"form_type":"ct01"}')
    assert asks(CT01, "ct_kinh_gui") in reply
    assert "đã hủy" in chat("hủy")


def test_an_unfinished_form_expires(assistant):
    chat = Chat(assistant)
    chat("điền tờ khai CT01")
    chat("Công an phường Sài Gòn")
    chat("Phạm Quốc Bảo")
    assert chat.slots().get("ct_ho_ten") == "Phạm Quốc Bảo"
    # the citizen was last active long ago (instead of waiting FORM_EXPIRY_MINUTES)
    response = assistant.api(
        "POST", f"/conversations/{assistant.conversation_id(chat.sender)}/tracker/events",
        json={"event": "slot", "name": "form_last_active", "value": time.time() - 24 * 3600}, timeout=30,
    )
    response.raise_for_status()
    reply = chat("1/2/1995")
    assert "đã xóa" in reply and "phút" in reply
    assert chat.active_form() is None
    assert not any(s in chat.slots() for s in CT01.slots)
