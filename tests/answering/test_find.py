from bot.answering.find import find
from bot.answering.types import Asked
from bot.settings import load_settings
from bot.knowledge.model import Procedure
from tests.answering.fixtures import birth, licence, marriage, snapshot, understood


def run(text, asked, procedure_id="dang-ky-khai-sinh", live_procedure=None, **kwargs):
    """``live_procedure``: fields that replace the birth procedure's in the snapshot."""
    live = snapshot(Procedure.parse_obj({**birth().dict(), **live_procedure}), licence(), marriage()) \
        if live_procedure else snapshot()
    return find(understood(text, asked, procedure_id, **kwargs), live, procedure_id, load_settings())


def test_each_asked_aspect_is_answered_from_the_procedure_in_the_order_asked():
    findings = run("khai sinh cần giấy gì, nộp ở đâu, bao lâu có", [Asked.documents, Asked.authority, Asked.deadline])
    assert [f.asked for f in findings.answered] == [Asked.documents, Asked.authority, Asked.deadline]
    assert any("Giấy chứng sinh" in line for line in findings.answered[0].lines)
    assert any("UBND cấp xã" in line for line in findings.answered[1].lines)
    assert findings.answered[2].lines == ("Ngay trong ngày",)
    assert Asked.fee in findings.others and Asked.documents not in findings.others


def test_what_to_bring_comes_with_where_to_bring_it():
    findings = run("khai sinh cần giấy gì", [Asked.documents])
    assert [(f.asked, f.along) for f in findings.answered] == [(Asked.documents, False), (Asked.authority, True)]
    assert any("UBND cấp xã" in line for line in findings.answered[1].lines)
    assert Asked.authority not in findings.others


def test_the_fee_is_given_per_channel_when_the_channels_say_it():
    findings = run("đổi bằng lái bao nhiêu tiền", [Asked.fee], "cap-doi-giay-phep-lai-xe")
    lines = "\n".join(findings.answered[0].lines)
    assert "Nộp trực tiếp: 135.000 đồng" in lines and "Nộp trực tuyến: 115.000 đồng" in lines


def test_a_special_case_aspect_is_answered_from_that_procedures_special_case():
    findings = run("con tôi sinh được 3 tháng rồi mà chưa làm giấy khai sinh, giờ làm muộn có sao không", [Asked.late])
    assert findings.answered[0].source == "special_case:qua-han"
    assert "quá hạn" in findings.answered[0].lines[0]


def test_an_unclear_special_case_is_marked_unclear():
    findings = run("tôi nhờ bà nội đi làm giấy khai sinh cho cháu được không", [Asked.delegation])
    assert findings.answered[0].source == "special_case:uy-quyen" and findings.answered[0].unclear


def test_an_aspect_nothing_answers_is_unanswered_never_another_procedures_fact():
    # the licence procedure has no special cases: its "late" question must not get the birth case
    findings = run("đổi bằng lái quá hạn có bị phạt không", [Asked.penalty], "cap-doi-giay-phep-lai-xe")
    assert findings.unanswered == (Asked.penalty,) and not findings.answered


def test_a_question_no_field_answers_goes_to_the_special_cases_when_they_match_clearly():
    findings = run("khai sinh muộn thì có bị gì không", [])
    assert findings.answered and findings.answered[0].source == "special_case:qua-han"


def test_no_aspect_and_no_special_case_gives_the_overview():
    findings = run("đăng ký kết hôn", [], "dang-ky-ket-hon")
    assert [f.asked for f in findings.answered] == [Asked.overview]


def test_steps_are_numbered():
    findings = run("các bước làm khai sinh", [Asked.steps])
    assert findings.answered[0].lines[0].startswith("1. ")


def test_how_to_do_it_without_steps_gives_the_documents_and_where_not_a_guess():
    findings = run("kết hôn thì làm thế nào", [Asked.steps], "dang-ky-ket-hon")
    assert [f.asked for f in findings.answered] == [Asked.documents, Asked.authority]
    assert not findings.unanswered


def test_a_foreign_special_case_does_not_answer_an_unasked_question_without_a_foreign_element():
    from bot.knowledge.model import Procedure
    from tests.answering.fixtures import CASE_SOURCE, marriage

    foreign = {"id": "nuoc-ngoai", "topic": "foreign", "question": "Kết hôn với người nước ngoài thì sao?",
               "answer": "Với người nước ngoài thì hồ sơ khác, hỏi UBND cấp xã.", "sources": CASE_SOURCE,
               "verified_on": "2026-11-30"}
    live = snapshot(Procedure.parse_obj({**marriage().dict(), "special_cases": [foreign]}))
    text = "đăng ký kết hôn với người nước ngoài"
    plain = find(understood(text, [], "dang-ky-ket-hon"), live, "dang-ky-ket-hon", load_settings())
    assert [f.asked for f in plain.answered] == [Asked.overview]
    abroad = find(understood(text, [], "dang-ky-ket-hon", qualifiers=("yeu_to_nuoc_ngoai",)),
                  live, "dang-ky-ket-hon", load_settings())
    assert abroad.answered[0].source == "special_case:nuoc-ngoai"


def test_the_overview_gives_a_fee_range_when_there_are_many_cases():
    from bot.knowledge.model import Procedure
    from tests.answering.fixtures import marriage

    many = Procedure.parse_obj({**marriage().dict(), "fee": {"items": [{"amount": 0}, {"amount": 15000}, {"amount": 50000}]}})
    findings = find(understood("kết hôn", [], "dang-ky-ket-hon"), snapshot(many), "dang-ky-ket-hon", load_settings())
    assert "Lệ phí: từ miễn phí đến 50.000 đồng tùy trường hợp" in findings.answered[0].lines


def test_the_only_special_case_of_the_asked_topic_answers_a_paraphrase():
    findings = run("bé nhà em đã 5 tháng mà chưa đi làm, giờ làm trễ có sao không", [Asked.late])
    assert findings.answered[0].source == "special_case:qua-han"


def test_the_words_of_the_procedures_name_alone_do_not_pull_in_a_special_case():
    findings = run("khai sinh cần giấy gì", [Asked.documents])
    assert [f.asked for f in findings.answered if not f.along] == [Asked.documents]
    assert all(f.source == "procedure" for f in findings.answered)


def test_an_aspect_the_procedure_is_made_for_is_not_said_unanswered():
    from bot.knowledge.model import Procedure
    from tests.answering.fixtures import licence

    lost_licence = Procedure.parse_obj({**licence().dict(), "qualifiers": ["cap_lai", "mat"]})
    live = snapshot(lost_licence)
    findings = find(understood("mất bằng lái làm lại cần giấy gì", [Asked.lost, Asked.documents], lost_licence.id),
                    live, lost_licence.id, load_settings())
    assert [f.asked for f in findings.answered if not f.along] == [Asked.documents] and not findings.unanswered


STORY = ("Năm 2019 vợ chồng tôi sinh con ở bệnh viện huyện, giấy chứng sinh bị thất lạc khi chuyển nhà, "
         "bây giờ cháu đã đi học mẫu giáo. Cho hỏi trường hợp của tôi có đủ điều kiện đăng ký khai sinh không?")


def test_a_case_told_in_a_story_and_answered_by_the_general_rule_is_marked_so():
    findings = run(STORY, [Asked.conditions], situation=True,
                   live_procedure={"conditions": ["Trẻ em sinh ra còn sống"]})
    assert findings.answered[0].source == "procedure" and findings.general_only


def test_the_same_question_without_a_story_is_not_marked():
    findings = run("đăng ký khai sinh cần điều kiện gì", [Asked.conditions],
                   live_procedure={"conditions": ["Trẻ em sinh ra còn sống"]})
    assert findings.answered[0].source == "procedure" and not findings.general_only


def test_what_to_bring_for_a_case_told_in_a_story_is_said_to_be_the_general_list():
    # grandparents registering a birth, a paper lost: the general list may not be the whole story
    findings = run(STORY, [Asked.documents], situation=True)
    assert findings.answered[0].source == "procedure" and findings.general_only


def test_what_to_bring_asked_without_a_story_has_no_caveat():
    findings = run("đăng ký khai sinh cần giấy tờ gì", [Asked.documents])
    assert findings.answered[0].source == "procedure" and not findings.general_only


def test_a_special_case_the_story_matches_answers_before_the_general_rule():
    story = ("Con tôi sinh được 3 tháng rồi mà chưa làm giấy khai sinh vì bận đi làm xa, ông bà ở quê cũng yếu. "
             "Giờ làm muộn như vậy thì có được không, đăng ký khai sinh muộn có sao không?")
    findings = run(story, [Asked.conditions], situation=True,
                   live_procedure={"conditions": ["Trẻ em sinh ra còn sống"]})
    assert findings.answered[0].source == "special_case:qua-han" and not findings.general_only


SURNAME_CASE = {"id": "ho-cua-con", "topic": "other", "question": "Con mang họ mẹ được không?",
                "variants": ["khai sinh cho con theo họ mẹ", "không muốn cho con mang họ bố"],
                "answer": "Được, họ của con là họ của cha hoặc của mẹ theo thỏa thuận của cha mẹ.",
                "sources": [{"title": "Bộ luật Dân sự 2015, Điều 26", "url": "https://example.org/blds",
                             "read_on": "2026-12-03"}], "verified_on": "2026-12-03"}


def test_a_question_that_is_itself_a_case_is_answered_by_that_case_before_the_general_conditions():
    procedure = {"conditions": ["Trẻ em sinh ra còn sống"],
                 "special_cases": [*birth().dict()["special_cases"], SURNAME_CASE]}
    findings = run("khai sinh cho con theo họ mẹ có được không", [Asked.conditions], live_procedure=procedure)
    assert findings.answered[0].source == "special_case:ho-cua-con"
    # the bare question about the conditions still gets the conditions
    plain = run("đăng ký khai sinh cần điều kiện gì", [Asked.conditions], live_procedure=procedure)
    assert plain.answered[0].source == "procedure"



def test_a_case_about_a_refusal_is_not_given_to_someone_who_was_given_consent():
    """"không" is a question word for retrieval; the case that negates what the message affirms is skipped."""
    from bot.knowledge.faq_search import contradicts, negated_phrases

    refused = negated_phrases("bo me khong dong y cho tach khau")
    assert refused == {("dong", "y")}
    assert contradicts(refused, "Bố mẹ tôi cũng đã đồng ý. Tôi tách khẩu được không?")
    assert not contradicts(refused, "Bố mẹ không đồng ý thì tách khẩu được không?")
    assert not contradicts(negated_phrases("tách khẩu có được không?"), "bố mẹ đã đồng ý")
