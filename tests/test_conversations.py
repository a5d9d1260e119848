"""Real conversations with the running assistant over Rasa's REST channel (Redis tracker store).

Expected answers are computed from the knowledge base itself, so these tests check that the right
procedure and aspect are found, not a copy of today's wording.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Dict, List

import pytest
import redis
import yaml

from bot.knowledge import repository
from bot.knowledge.render import Aspect, money, render_faq, render_procedure
from bot.text import fold
from tests.conftest import ASSISTANT_REDIS_DB, REDIS_HOST, REDIS_PORT

pytestmark = pytest.mark.slow
DOMAIN = yaml.safe_load((Path(__file__).resolve().parent.parent / "bot" / "domain" / "core.yml").read_text("utf-8"))


def kb():
    return repository.current().base


def texts(replies: List[Dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def answer(procedure_id: str, aspect: Aspect) -> str:
    return render_procedure(kb().procedures[procedure_id], aspect)


def response(name: str, **values: str) -> str:
    return DOMAIN["responses"][name][0]["text"].format(**values)


@pytest.mark.parametrize(
    "question",
    ["Làm lại căn cước bị mất cần giấy tờ gì?", "lam lai can cuoc bi mat can giay to gi", "mat cccd lam lai can giay to gi"],
)
def test_documents_for_a_lost_identity_card(assistant, question):
    replies = assistant.conversation()(question)
    assert texts(replies) == answer("cap-lai-the-can-cuoc", Aspect.documents)


@pytest.mark.parametrize(
    "question", ["Lệ phí cấp đổi giấy phép lái xe bao nhiêu?", "doi bang lai xe het bao nhieu tien", "đổi gplx hết bn tiền"]
)
def test_fee_for_exchanging_a_driving_licence(assistant, question):
    reply = texts(assistant.conversation()(question))
    assert reply == answer("cap-doi-giay-phep-lai-xe", Aspect.fee)
    assert money(kb().procedures["cap-doi-giay-phep-lai-xe"].fee.items[0].amount) in reply


def test_where_to_go_after_losing_the_card_without_diacritics(assistant):
    reply = texts(assistant.conversation()("mat cccd lam lai o dau"))
    assert reply == answer("cap-lai-the-can-cuoc", Aspect.authority)


def test_follow_up_questions_remember_the_procedure(assistant):
    say = assistant.conversation()
    assert texts(say("Đăng ký khai sinh cho con mất mấy ngày?")) == answer("dang-ky-khai-sinh", Aspect.deadline)
    assert texts(say("còn lệ phí thì sao?")) == answer("dang-ky-khai-sinh", Aspect.fee)
    assert texts(say("làm online được không?")) == answer("dang-ky-khai-sinh", Aspect.online)
    # a new procedure replaces the remembered one
    assert texts(say("thế còn đăng ký kết hôn thì mất bao lâu")) == answer("dang-ky-ket-hon", Aspect.deadline)


def test_a_question_matching_two_procedures_asks_which_with_buttons(assistant):
    say = assistant.conversation()
    replies = say("bằng lái xe hết bao nhiêu tiền")
    buttons = [b for r in replies for b in r.get("buttons", [])]
    titles = {b["title"] for b in buttons}
    assert {kb().procedures["cap-doi-giay-phep-lai-xe"].name, kb().procedures["cap-lai-giay-phep-lai-xe"].name} <= titles
    assert "lệ phí" in texts(replies)
    chosen = next(b for b in buttons if b["title"] == kb().procedures["cap-lai-giay-phep-lai-xe"].name)
    assert texts(say(chosen["payload"])) == answer("cap-lai-giay-phep-lai-xe", Aspect.fee)


def test_asking_without_a_procedure_asks_which_then_answers_the_pending_question(assistant):
    say = assistant.conversation()
    replies = say("hồ sơ gồm những gì vậy")
    assert "thủ tục nào" in texts(replies)
    assert texts(say("đăng ký tạm trú")) == answer("dang-ky-tam-tru", Aspect.documents)


def test_a_procedure_we_do_not_know_is_admitted_with_where_to_ask(assistant):
    reply = texts(assistant.conversation()("thủ tục nhận con nuôi trong nước cần chuẩn bị những giấy tờ gì"))
    assert reply in (
        response("utter_procedure_unknown", hotline="18001096", portal="https://dichvucong.gov.vn"),
        response("utter_procedure_unknown_suggest", hotline="18001096", portal="https://dichvucong.gov.vn"),
    )


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
