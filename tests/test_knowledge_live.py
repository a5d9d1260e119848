"""Officers change the knowledge base; the running assistant answers from the change without
retraining or restarting (the procedure entity and the answers both read the live knowledge)."""

from __future__ import annotations

import shutil
import time

import pytest
import yaml

from bot.answering.find import field_lines
from bot.answering.types import Asked
from bot.knowledge.model import Procedure
from bot.settings import PROJECT_ROOT
from tests.conftest import running_assistant
from tests.knowledge.factories import procedure_data

pytestmark = pytest.mark.slow

QUESTION = "xin giay phep kinh doanh karaoke can giay to gi"


def reply_text(assistant, text: str) -> str:
    return "\n".join(r.get("text", "") for r in assistant.conversation()(text))


def test_a_new_procedure_and_a_changed_fee_are_answered_at_once(tmp_path):
    knowledge = tmp_path / "knowledge"
    shutil.copytree(PROJECT_ROOT / "knowledge", knowledge)
    with running_assistant(str(tmp_path / "data"), extra_env={"KNOWLEDGE_DIR": str(knowledge)}) as assistant:
        assert "Kinh doanh dịch vụ karaoke" not in reply_text(assistant, QUESTION)

        data = procedure_data(
            "cap-giay-phep-karaoke", "Cấp giấy phép kinh doanh dịch vụ karaoke",
            ["giấy phép karaoke", "giay phep kinh doanh karaoke", "mở quán karaoke"],
            documents=["Đơn đề nghị cấp giấy phép kinh doanh dịch vụ karaoke (theo mẫu)"],
        )
        (knowledge / "procedures" / "cap-giay-phep-karaoke.yml").write_text(
            yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
        )
        new = Procedure.parse_obj(data)

        def answered(reply: str) -> bool:  # the new procedure's name first, then its documents
            return reply.startswith(new.name) and all(line in reply for line in field_lines(new, Asked.documents))

        deadline = time.monotonic() + 30
        while not answered(reply_text(assistant, QUESTION)):
            assert time.monotonic() < deadline, "the new procedure was not picked up within 30 s"
            time.sleep(0.5)

        path = knowledge / "procedures" / "dang-ky-tam-tru.yml"
        changed = yaml.safe_load(path.read_text(encoding="utf-8"))
        changed["fee"] = {"items": [{"case": "Nộp trực tiếp", "amount": 16000, "unit": "lần"}]}
        for way in changed.get("channels") or []:  # the in-person fee is also stated per channel
            if way["kind"] == "truc_tiep":
                way["fee"] = {"items": [{"amount": 16000, "unit": "lần"}]}
        path.write_text(yaml.safe_dump(changed, allow_unicode=True), encoding="utf-8")
        deadline = time.monotonic() + 30
        while "16.000 đồng/lần" not in reply_text(assistant, "lệ phí đăng ký tạm trú bao nhiêu"):
            assert time.monotonic() < deadline, "the changed fee was not picked up within 30 s"
            time.sleep(0.5)


def test_a_broken_edit_keeps_the_last_good_version_of_that_file(tmp_path):
    knowledge = tmp_path / "knowledge"
    shutil.copytree(PROJECT_ROOT / "knowledge", knowledge)
    with running_assistant(str(tmp_path / "data"), extra_env={"KNOWLEDGE_DIR": str(knowledge)}) as assistant:
        before = reply_text(assistant, "lệ phí đăng ký tạm trú bao nhiêu")
        (knowledge / "procedures" / "dang-ky-tam-tru.yml").write_text("id: dang-ky-tam-tru\nfee: [broken\n", "utf-8")
        data = procedure_data("cap-giay-phep-karaoke", "Cấp giấy phép kinh doanh dịch vụ karaoke",
                              ["giấy phép karaoke", "giay phep kinh doanh karaoke"])
        (knowledge / "procedures" / "cap-giay-phep-karaoke.yml").write_text(
            yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
        )
        deadline = time.monotonic() + 30
        while "karaoke" not in reply_text(assistant, QUESTION):  # the change has been loaded
            assert time.monotonic() < deadline, "the knowledge was not reloaded within 30 s"
            time.sleep(0.5)
        assert reply_text(assistant, "lệ phí đăng ký tạm trú bao nhiêu") == before
