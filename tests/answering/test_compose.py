import pytest

from bot.answering.compose import answer_reply, not_covered_reply, sms_fits, which_reply
from bot.answering.find import find
from bot.answering.types import Asked
from bot.knowledge.model import Procedure
from bot.settings import load_settings
from core.message_text import sms_parts, to_gsm7
from tests.answering.fixtures import birth, snapshot, understood
from tests.knowledge.factories import procedure_data


def reply_for(text, asked, procedure_id="dang-ky-khai-sinh", channel=None, live=None):
    live = live or snapshot()
    findings = find(understood(text, asked, procedure_id), live, procedure_id, load_settings())
    return answer_reply(live.base.procedures[procedure_id], findings, "18001096", channel)


def test_several_aspects_come_in_the_order_asked_with_one_sources_line():
    reply = reply_for("khai sinh nộp ở đâu, cần giấy gì", [Asked.authority, Asked.documents])
    text = reply.text
    assert text.startswith("Đăng ký khai sinh")
    assert text.index("UBND cấp xã") < text.index("Giấy chứng sinh")
    assert text.count("Căn cứ:") == 1 and "Luật Hộ tịch 2014; Nghị định 123/2015/NĐ-CP; …" in text
    assert "(cập nhật: 24/11/2026)" in text
    assert len(text) < 500


def test_the_other_aspects_are_buttons_the_nlu_understands():
    reply = reply_for("khai sinh cần giấy gì, phí, bao lâu", [Asked.documents, Asked.fee, Asked.deadline])
    payloads = [b.payload for b in reply.buttons]
    assert '/ask_online{"procedure":"dang-ky-khai-sinh"}' in payloads and len(payloads) <= 4
    assert '/ask_overview{"procedure":"dang-ky-khai-sinh","aspect":"steps"}' in payloads
    assert not any("ask_documents" in p or "ask_fee" in p for p in payloads)


def test_an_unanswered_aspect_is_said_honestly_with_the_hotline_and_recorded():
    reply = reply_for("khai sinh cần giấy gì, làm quá hạn bị phạt bao nhiêu", [Asked.documents, Asked.penalty],
                      live=snapshot(Procedure.parse_obj({**birth().dict(), "special_cases": []})))
    assert "Giấy chứng sinh" in reply.text
    assert "mức phạt" in reply.text and "18001096" in reply.text
    assert reply.record_unanswered == "aspect_not_covered"


def test_an_unclear_special_case_adds_the_hotline():
    reply = reply_for("nhờ bà nội đi làm giấy khai sinh được không", [Asked.delegation])
    assert "ủy quyền" in reply.text and "chưa rõ ràng" in reply.text and "18001096" in reply.text
    assert "Nghị định 123/2015/NĐ-CP, Điều 2" in reply.text and "30/11/2026" in reply.text


@pytest.mark.parametrize("title, cited", [
    ("Báo Pháp luật: Đăng ký khai sinh muộn có bị phạt? (Nghị định 282/2025/NĐ-CP, Điều 37)",
     "Nghị định 282/2025/NĐ-CP, Điều 37"),
    ("Báo Pháp luật: Đăng ký khai sinh muộn có bị phạt?", "Luật Hộ tịch 2014"),
])
def test_a_special_case_cites_a_law_never_a_newspaper(title, cited):
    data = birth().dict()
    data["special_cases"] = [{**data["special_cases"][0], "sources": [{"title": title, "url": "https://example.vn/a",
                                                                     "read_on": "2026-11-30"}]}]
    reply = reply_for("để lâu chưa làm giấy khai sinh cho con có sao không", [Asked.late],
                      live=snapshot(Procedure.parse_obj(data)))
    sources_line = next(line for line in reply.text.splitlines() if line.startswith("Căn cứ:"))
    assert "Vẫn đăng ký được" in reply.text
    assert cited in sources_line and "Báo" not in sources_line


def test_on_sms_the_asked_aspect_comes_first_and_the_reply_fits_three_parts():
    long_documents = [f"Giấy tờ số {n}: bản sao có chứng thực hoặc bản chính để đối chiếu, kèm tờ khai theo mẫu" for n in range(8)]
    long = Procedure.parse_obj(procedure_data("dang-ky-ket-hon", "Đăng ký kết hôn", ["đăng ký kết hôn", "ket hon"],
                                              documents=long_documents, deadline="Ngay trong ngày"))
    live = snapshot(long)
    chat = reply_for("kết hôn lệ phí bao nhiêu, cần giấy gì", [Asked.fee, Asked.documents], "dang-ky-ket-hon", None, live)
    sms = reply_for("kết hôn lệ phí bao nhiêu, cần giấy gì", [Asked.fee, Asked.documents], "dang-ky-ket-hon", "sms", live)
    assert not sms_fits(chat.text, chat.buttons)  # the test means something: the chat reply does not fit
    assert sms_fits(sms.text, sms.buttons)
    parts = sms_parts(to_gsm7(sms.text))
    assert len(parts) <= 3 and "135.000" in to_gsm7(sms.text).replace(" dong", "")


def test_which_procedure_has_at_most_three_buttons_and_keeps_the_aspects():
    reply = which_reply([(f"p{n}", f"Thủ tục {n}") for n in range(5)], [Asked.fee], several=True)
    assert len(reply.buttons) == 3 and "lệ phí" in reply.text and reply.extras["aspects"] == ["fee"]


def test_a_qualifier_not_covered_is_honest_offers_the_closest_and_records():
    reply = not_covered_reply([("dang-ky-ket-hon", "Đăng ký kết hôn")], "18001096", "https://dichvucong.gov.vn",
                              qualifier="có yếu tố nước ngoài")
    assert "có yếu tố nước ngoài" in reply.text and "18001096" in reply.text and "Đăng ký kết hôn" in reply.text
    assert reply.record_unanswered == "qualifier_not_covered" and reply.kind == "not_covered"
    assert reply.buttons[0].payload == '/inform_procedure{"procedure":"dang-ky-ket-hon"}'


def test_several_aspects_are_given_in_brief_one_aspect_in_full():
    from bot.answering.compose import brief

    assert brief("Tờ khai đăng ký khai sinh (theo mẫu; nộp trực tuyến thì điền biểu mẫu điện tử)") == "Tờ khai đăng ký khai sinh"
    long_deadline = "Ngay trong ngày nhận đủ hồ sơ hợp lệ. " + "Trường hợp cần xác minh thì thêm thời gian. " * 5
    assert brief(long_deadline) == "Ngay trong ngày nhận đủ hồ sơ hợp lệ"
    live = snapshot(Procedure.parse_obj({**birth().dict(), "documents": ["Tờ khai (theo mẫu số 1)", "Giấy chứng sinh"]}))
    several = reply_for("khai sinh cần giấy gì, nộp ở đâu", [Asked.documents, Asked.authority], live=live)
    one = reply_for("khai sinh cần giấy gì", [Asked.documents], live=live)
    assert "• Tờ khai\n" in several.text and "(theo mẫu số 1)" not in several.text
    assert "Tờ khai (theo mẫu số 1)" in one.text


def test_a_case_told_in_a_story_answered_by_the_general_rule_says_so_and_is_recorded():
    live = snapshot(Procedure.parse_obj({**birth().dict(), "conditions": ["Trẻ em sinh ra còn sống"]}))
    story = ("Năm 2019 vợ chồng tôi sinh con ở bệnh viện huyện, giấy chứng sinh bị thất lạc khi chuyển nhà, "
             "bây giờ cháu đã đi học. Trường hợp của tôi có đủ điều kiện đăng ký khai sinh không?")
    findings = find(understood(story, [Asked.conditions], "dang-ky-khai-sinh", situation=True), live,
                    "dang-ky-khai-sinh", load_settings())
    reply = answer_reply(live.base.procedures["dang-ky-khai-sinh"], findings, "18001096")
    assert "Trẻ em sinh ra còn sống" in reply.text
    assert "quy định chung" in reply.text and "chưa chắc chắn" in reply.text and "18001096" in reply.text
    assert reply.record_unanswered == "case_general_rule"
    plain = reply_for("đăng ký khai sinh cần điều kiện gì", [Asked.conditions], live=live)
    assert "quy định chung" not in plain.text and plain.record_unanswered is None


def test_where_to_bring_the_papers_follows_the_full_list_of_papers_in_one_line():
    live = snapshot(Procedure.parse_obj({**birth().dict(), "documents": ["Tờ khai (theo mẫu số 1)", "Giấy chứng sinh"]}))
    reply = reply_for("khai sinh cần giấy gì", [Asked.documents], live=live)
    lines = reply.text.splitlines()
    assert lines[0] == "Đăng ký khai sinh" and "• Tờ khai (theo mẫu số 1)" in lines
    assert any(line.startswith("Nơi giải quyết: UBND cấp xã") for line in lines)


def test_answers_about_several_papers_come_one_after_the_other_with_a_note_said_once():
    from bot.answering.compose import joined_reply

    story = ("Hôm qua đi chợ tôi bị móc túi, mất hết giấy tờ trong ví, cả giấy khai sinh của con lẫn bằng lái xe "
             "của tôi, bây giờ phải làm sao, cần giấy tờ gì?")
    live = snapshot()
    replies = []
    for pid in ("dang-ky-khai-sinh", "cap-doi-giay-phep-lai-xe"):
        findings = find(understood(story, [Asked.documents], pid, situation=True), live, pid, load_settings())
        replies.append(answer_reply(live.base.procedures[pid], findings, "18001096"))
    joined = joined_reply(replies)
    assert joined.text.index("Đăng ký khai sinh") < joined.text.index("Cấp đổi giấy phép lái xe")
    assert joined.text.count("quy định chung") == 1 and joined.procedure_id == "dang-ky-khai-sinh"
    short = [answer_reply(live.base.procedures[pid], find(understood("mất giấy tờ, làm lại cần gì", [Asked.deadline],
                                                                    pid), live, pid, load_settings()), "18001096", "sms")
             for pid in ("dang-ky-khai-sinh", "cap-doi-giay-phep-lai-xe")]
    sms = joined_reply(short * 6, channel="sms")  # what does not fit the SMS parts is left out
    assert sms_fits(sms.text, sms.buttons) and 0 < len(sms.extras["also"]) < 11
