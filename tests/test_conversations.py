"""Real conversations with the running assistant over Rasa's REST channel (Redis tracker store).

Expected answers are computed from the knowledge base itself (the facts of the asked aspect, as
``bot.answering.find.field_lines`` words them), so these tests check that the right procedure and
aspects are found, in the order asked, not a copy of today's layout.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Dict, List

import pytest
import redis
import yaml

from bot.answering.compose import brief
from bot.answering.find import field_lines
from bot.answering.types import Asked as Aspect
from bot.knowledge import repository
from bot.knowledge.render import money, render_faq
from bot.text import fold
from tests.conftest import ASSISTANT_REDIS_DB, REDIS_HOST, REDIS_PORT, running_assistant

pytestmark = pytest.mark.slow
DOMAIN = yaml.safe_load((Path(__file__).resolve().parent.parent / "bot" / "domain" / "core.yml").read_text("utf-8"))


def kb():
    return repository.current().base


def texts(replies: List[Dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def answers(reply: str, procedure_id: str, *aspects: Aspect) -> bool:
    """The reply is about ``procedure_id`` (its name first), gives every fact of each aspect (in brief
    when several are asked), in the order asked, and says its sources and update date."""
    procedure = kb().procedures[procedure_id]
    if not reply.startswith(procedure.name) or "(cập nhật: " not in reply:
        return False
    position = 0
    for aspect in aspects:
        lines = field_lines(procedure, aspect)
        if len(aspects) > 1:  # several aspects: each line in brief
            lines = tuple(brief(line) for line in lines)
        if not lines or any(line not in reply for line in lines):
            return False
        if reply.index(lines[0]) < position:
            return False
        position = reply.index(lines[0])
    return True


def response(name: str, **values: str) -> str:
    return DOMAIN["responses"][name][0]["text"].format(**values)


@pytest.mark.parametrize(
    "question",
    ["Làm lại căn cước bị mất cần giấy tờ gì?", "lam lai can cuoc bi mat can giay to gi", "mat cccd lam lai can giay to gi"],
)
def test_documents_for_a_lost_identity_card(assistant, question):
    replies = assistant.conversation()(question)
    assert answers(texts(replies), "cap-lai-the-can-cuoc", Aspect.documents)


@pytest.mark.parametrize(
    "question", ["Lệ phí cấp đổi giấy phép lái xe bao nhiêu?", "doi bang lai xe het bao nhieu tien", "đổi gplx hết bn tiền"]
)
def test_fee_for_exchanging_a_driving_licence(assistant, question):
    reply = texts(assistant.conversation()(question))
    assert answers(reply, "cap-doi-giay-phep-lai-xe", Aspect.fee)
    assert money(kb().procedures["cap-doi-giay-phep-lai-xe"].fee.items[0].amount) in reply


def test_where_to_go_after_losing_the_card_without_diacritics(assistant):
    reply = texts(assistant.conversation()("mat cccd lam lai o dau"))
    assert answers(reply, "cap-lai-the-can-cuoc", Aspect.authority)


def test_follow_up_questions_remember_the_procedure(assistant):
    say = assistant.conversation()
    assert answers(texts(say("Đăng ký khai sinh cho con mất mấy ngày?")), "dang-ky-khai-sinh", Aspect.deadline)
    assert answers(texts(say("còn lệ phí thì sao?")), "dang-ky-khai-sinh", Aspect.fee)
    assert answers(texts(say("làm online được không?")), "dang-ky-khai-sinh", Aspect.online)
    # a new procedure replaces the remembered one
    assert answers(texts(say("thế còn đăng ký kết hôn thì mất bao lâu")), "dang-ky-ket-hon", Aspect.deadline)


def test_a_question_matching_two_procedures_asks_which_with_buttons(assistant):
    say = assistant.conversation()
    replies = say("bằng lái xe hết bao nhiêu tiền")
    buttons = [b for r in replies for b in r.get("buttons", [])]
    titles = {b["title"] for b in buttons}
    assert {kb().procedures["cap-doi-giay-phep-lai-xe"].name, kb().procedures["cap-lai-giay-phep-lai-xe"].name} <= titles
    assert "lệ phí" in texts(replies)
    chosen = next(b for b in buttons if b["title"] == kb().procedures["cap-lai-giay-phep-lai-xe"].name)
    assert answers(texts(say(chosen["payload"])), "cap-lai-giay-phep-lai-xe", Aspect.fee)


def test_asking_without_a_procedure_asks_which_then_answers_the_pending_question(assistant):
    say = assistant.conversation()
    replies = say("hồ sơ gồm những gì vậy")
    assert "thủ tục nào" in texts(replies)
    assert answers(texts(say("đăng ký tạm trú")), "dang-ky-tam-tru", Aspect.documents)


def test_a_procedure_we_do_not_know_is_admitted_with_where_to_ask(assistant):
    replies = assistant.conversation()("thủ tục xin cấp giấy phép lao động cho người nước ngoài cần những giấy tờ gì")
    reply = texts(replies)
    assert reply in (
        response("utter_procedure_unknown", hotline="18001096", portal="https://dichvucong.gov.vn"),
        response("utter_procedure_unknown_suggest", hotline="18001096", portal="https://dichvucong.gov.vn"),
    )
    # no procedure's facts are given as if they answered it
    assert not any(reply.startswith(p.name) for p in kb().procedures.values())


def test_greeting_thanks_identity_and_officer(assistant):
    say = assistant.conversation()
    assert texts(say("xin chào")) == response("utter_greet")
    assert texts(say("cam on ban nhieu")) == response("utter_you_are_welcome")
    assert texts(say("bạn là ai vậy")) == response("utter_bot_challenge")
    handoff = texts(say("cho tôi gặp cán bộ"))
    assert handoff == response("utter_human_handoff", hotline="18001096", portal="https://dichvucong.gov.vn")


def test_out_of_scope_gets_a_polite_redirect(assistant):
    assert texts(assistant.conversation()("hôm nay thời tiết thế nào")) == response("utter_out_of_scope")


def test_faq_questions_are_answered_by_retrieval_without_diacritics(assistant):
    """Each FAQ question, typed without diacritics, gets the FAQ answer; one that names exactly one
    procedure ("mất giấy khai sinh…") may get that procedure's answer instead, by design."""
    live = repository.current()
    missed = []
    for entry in kb().faq:
        question = fold(entry.question)
        reply = texts(assistant.conversation()(question))
        named = live.matcher.match(question).best
        if reply != render_faq(entry) and not (named and reply.startswith(kb().procedures[named].name + " – ")):
            missed.append(entry.id)
    assert len(missed) <= len(kb().faq) // 5, f"FAQ questions answered neither from the FAQ nor the procedure: {missed}"


def test_unknown_question_is_admitted_and_recorded_masked(assistant):
    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=ASSISTANT_REDIS_DB)
    before = client.llen("unanswered")
    reply = texts(assistant.conversation()("sdt toi 0912345678, xin giấy phép bắn pháo hoa đám cưới thì làm sao"))
    assert "thủ tục nào" in reply or "chưa có thông tin" in reply
    records = [json.loads(r) for r in client.lrange("unanswered", 0, client.llen("unanswered") - before - 1)]
    assert records, "the question was not recorded for officers"
    assert "0912345678" not in records[0]["question"] and "09******78" in records[0]["question"]
    assert records[0]["channel"] == "webchat"


def test_conversation_state_lives_in_redis(assistant):
    assistant.say("redis-check", "đăng ký tạm trú mất mấy ngày")
    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=ASSISTANT_REDIS_DB)
    assert any(b"redis-check" in key for key in client.keys("tracker*"))


def test_huge_and_empty_messages_get_a_polite_reply(assistant):
    say = assistant.conversation()
    replies = say("lệ phí " * 2000)
    assert replies and all("text" in r for r in replies)
    assert isinstance(say("   "), list)


# --- the five kinds of real questions that failed (issue 9) ------------------------------------------


def test_a_story_then_the_question_answers_the_question_not_the_incidental_words(assistant):
    reply = texts(assistant.conversation()(
        "Tôi quê ở Nghệ An, năm nay vào thành phố thuê trọ để đi làm, chủ nhà bảo phải khai báo. "
        "Theo quy định pháp luật hiện hành thì đăng ký tạm trú cần chuẩn bị những giấy tờ gì?"
    ))
    assert answers(reply, "dang-ky-tam-tru", Aspect.documents)


def test_a_question_ending_duoc_khong_about_a_procedure_is_not_a_status_lookup(assistant):
    replies = assistant.conversation()(
        "Tôi đi làm xa nhà, tuần trước lỡ làm mất thẻ căn cước, giờ làm lại ở chỗ đang tạm trú có được không?"
    )
    reply = texts(replies)
    assert "ma ho so" not in fold(reply)  # the status form would ask for the application code
    assert reply.startswith(kb().procedures["cap-lai-the-can-cuoc"].name)


def test_several_questions_in_one_message_are_all_answered_in_order(assistant):
    reply = texts(assistant.conversation()(
        "Cho em hỏi làm giấy khai sinh cho con thì cần những giấy tờ gì, nộp ở đâu và bao lâu thì có ạ?"
    ))
    assert answers(reply, "dang-ky-khai-sinh", Aspect.documents, Aspect.authority, Aspect.deadline)
    assert len(reply) < 800  # one concise reply, not the whole procedure


def test_old_and_colloquial_names_inside_a_longer_message(assistant):
    reply = texts(assistant.conversation()(
        "Nhà tôi có ông bố vẫn giữ chứng minh thư cũ, tháng trước đi chợ bị móc túi mất luôn cái thẻ, "
        "giờ muốn làm lại thì cần mang theo những gì?"
    ))
    assert answers(reply, "cap-lai-the-can-cuoc", Aspect.documents)


def test_a_case_we_do_not_have_is_answered_honestly_not_with_the_neighbouring_procedure(assistant):
    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=ASSISTANT_REDIS_DB)
    before = client.llen("unanswered")
    reply = texts(assistant.conversation()(
        "Chồng em là người Hàn Quốc, anh ấy mất ở Việt Nam, em làm giấy chứng tử cho anh ấy thì cần giấy tờ gì?"
    ))
    domestic = kb().procedures["dang-ky-khai-tu"]
    assert not answers(reply, "dang-ky-khai-tu", Aspect.documents)
    assert not any(line in reply for line in field_lines(domestic, Aspect.documents))
    assert "18001096" in reply
    records = [json.loads(r) for r in client.lrange("unanswered", 0, client.llen("unanswered") - before - 1)]
    assert records and records[0]["reason"] in ("qualifier_not_covered", "procedure_not_found")


def test_a_button_for_another_aspect_answers_it(assistant):
    say = assistant.conversation()
    replies = say("đăng ký tạm trú mất mấy ngày")
    buttons = [b for r in replies for b in r.get("buttons", [])]
    fee = next(b for b in buttons if "ask_fee" in b["payload"])
    assert answers(texts(say(fee["payload"])), "dang-ky-tam-tru", Aspect.fee)


SPECIAL_CASES = [
    {"id": "lam-muon", "topic": "late", "question": "Quá 60 ngày mới đi khai sinh cho con thì làm thế nào?",
     "variants": ["con đã mấy tháng mà chưa làm giấy khai sinh", "khai sinh muộn có bị sao không"],
     "answer": "(Dữ liệu thử nghiệm) Vẫn đăng ký khai sinh được tại UBND cấp xã; đăng ký quá hạn có thể bị nhắc nhở.",
     "sources": [{"title": "Nguồn thử nghiệm A", "read_on": "2026-12-01"}], "verified_on": "2026-12-01"},
    {"id": "nho-nguoi-khac", "topic": "delegation", "question": "Có được nhờ ông bà đi khai sinh cho cháu không?",
     "variants": ["ủy quyền cho người khác đi làm giấy khai sinh"],
     "answer": "(Dữ liệu thử nghiệm) Trường hợp này quy định chưa thống nhất.", "unclear": True,
     "sources": [{"title": "Nguồn thử nghiệm B", "read_on": "2026-12-01"}], "verified_on": "2026-12-01"},
]
# made for a matter no procedure covers (xoa_tam_tru, under the temporary residence): used only when the message says it
MATTER_CASE = {
    "id": "xoa-tam-tru", "topic": "other", "qualifiers": ["xoa_tam_tru"],
    "question": "Chuyển đi nơi khác thì xóa đăng ký tạm trú ở đâu?", "variants": ["thủ tục xóa tạm trú làm ở đâu"],
    "answer": "(Dữ liệu thử nghiệm) Việc xóa đăng ký tạm trú do Công an cấp xã nơi đã đăng ký tạm trú thực hiện.",
    "sources": [{"title": "Nguồn thử nghiệm C", "read_on": "2026-12-03"}], "verified_on": "2026-12-03"}


@pytest.fixture(scope="module")
def assistant_with_special_cases(tmp_path_factory):
    """The assistant on a copy of the knowledge where "đăng ký khai sinh" has two special cases and
    "đăng ký tạm trú" one made for a matter it does not cover."""
    root = tmp_path_factory.mktemp("knowledge-special")
    source = Path(__file__).resolve().parent.parent / "knowledge"
    for folder in ("procedures", "faq"):
        (root / folder).mkdir()
        for path in (source / folder).glob("*.yml"):
            data = yaml.safe_load(path.read_text("utf-8"))
            if path.stem == "dang-ky-khai-sinh":
                data["special_cases"] = SPECIAL_CASES
            if path.stem == "dang-ky-tam-tru":
                data["special_cases"] = [*(data.get("special_cases") or []), MATTER_CASE]
            (root / folder / path.name).write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    with running_assistant(str(tmp_path_factory.mktemp("special-data")), redis_db=12,
                           extra_env={"KNOWLEDGE_DIR": str(root)}) as running:
        yield running


def test_a_special_case_is_answered_from_the_procedures_special_cases(assistant_with_special_cases):
    reply = texts(assistant_with_special_cases.conversation()(
        "Vợ chồng em bận quá, bé nhà em giờ đã 5 tháng tuổi mà vẫn chưa làm giấy khai sinh, giờ đi làm muộn có sao không?"
    ))
    assert SPECIAL_CASES[0]["answer"] in reply and reply.startswith(kb().procedures["dang-ky-khai-sinh"].name)
    # the sources line cites the law (the case's source is a page, not a law: the procedure's basis), dated
    sources_line = next(line for line in reply.splitlines() if line.startswith("Căn cứ:"))
    law = kb().procedures["dang-ky-khai-sinh"].legal_basis[0].split(" (")[0]
    assert law in sources_line and "01/12/2026" in sources_line
    assert "Nguồn thử nghiệm A" not in reply


def test_an_unclear_special_case_says_so_and_gives_the_hotline(assistant_with_special_cases):
    reply = texts(assistant_with_special_cases.conversation()(
        "Bố mẹ cháu đi làm ăn xa, ông bà có được đi làm giấy khai sinh cho cháu thay bố mẹ không?"
    ))
    assert SPECIAL_CASES[1]["answer"] in reply and "18001096" in reply


def test_a_matter_we_have_no_procedure_for_gets_the_case_made_for_it_and_says_what_it_lacks(assistant_with_special_cases):
    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=12)
    before = client.llen("unanswered")
    reply = texts(assistant_with_special_cases.conversation()(
        "Tôi đã chuyển về quê ở hẳn, cho hỏi thủ tục xóa tạm trú ở thành phố làm ở đâu?"
    ))
    assert MATTER_CASE["answer"] in reply and "18001096" in reply and "chưa có đủ thông tin" in reply
    residence = kb().procedures["dang-ky-tam-tru"]
    assert not any(line in reply for line in field_lines(residence, Aspect.documents))  # not the registration's facts
    records = [json.loads(r) for r in client.lrange("unanswered", 0, client.llen("unanswered") - before - 1)]
    assert records and records[0]["reason"] == "case_only"


def test_the_case_made_for_a_matter_stays_out_of_other_questions(assistant_with_special_cases):
    reply = texts(assistant_with_special_cases.conversation()("đăng ký tạm trú ở đâu"))
    assert MATTER_CASE["answer"] not in reply and answers(reply, "dang-ky-tam-tru", Aspect.authority)


# An imported procedure (catalogue block, no aliases): a real name of Hải Phòng's list, content a placeholder
IMPORTED = {
    "id": "dang-ky-giam-ho", "code": "1.004837", "name": "Thủ tục đăng ký giám hộ",
    "documents": ["(Dữ liệu thử nghiệm) Tờ khai đăng ký giám hộ theo mẫu"],
    "fee": {"note": "(Dữ liệu thử nghiệm) Theo hồ sơ thủ tục trên Cổng Dịch vụ công quốc gia"},
    "deadline": "(Dữ liệu thử nghiệm) Theo hồ sơ thủ tục", "authority": "Ủy ban nhân dân cấp xã",
    "online": {"level": "mot_phan"}, "legal_basis": ["(Dữ liệu thử nghiệm) Luật Hộ tịch 2014"],
    "sources": [{"title": "Nguồn thử nghiệm", "read_on": "2026-12-03"}], "verified_on": "2026-12-03",
    "catalogue": {"source": "csdl_quoc_gia", "record": "1.004837", "field": "Hộ tịch", "level": "xa",
                  "imported_on": "2026-12-03"},
}


@pytest.fixture(scope="module")
def assistant_with_an_imported_procedure(tmp_path_factory):
    """The assistant on a copy of the knowledge plus one imported procedure that has no aliases."""
    root = tmp_path_factory.mktemp("knowledge-imported")
    source = Path(__file__).resolve().parent.parent / "knowledge"
    for folder in ("procedures", "faq", "lexicon"):
        (root / folder).mkdir()
        for path in (source / folder).glob("*.yml"):
            (root / folder / path.name).write_text(path.read_text("utf-8"), "utf-8")
    (root / "procedures" / "dang-ky-giam-ho.yml").write_text(yaml.safe_dump(IMPORTED, allow_unicode=True), "utf-8")
    with running_assistant(str(tmp_path_factory.mktemp("imported-data")), redis_db=13,
                           extra_env={"KNOWLEDGE_DIR": str(root)}) as running:
        yield running


def test_an_imported_procedure_is_found_by_its_official_name_only(assistant_with_an_imported_procedure):
    reply = texts(assistant_with_an_imported_procedure.conversation()("dang ky giam ho can giay to gi"))
    assert "Tờ khai đăng ký giám hộ theo mẫu" in reply
    assert "Bộ phận Một cửa của Ủy ban nhân dân cấp xã" in reply  # where, from its level
