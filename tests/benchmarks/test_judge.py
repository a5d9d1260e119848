"""The real-questions judge: what counts as correct, honest don't-know and confidently wrong."""

from benchmarks.real_questions.judge import fold, judge

NAMES = {
    "cap-doi-the-can-cuoc": ["Cấp đổi thẻ căn cước"],
    "cap-lai-the-can-cuoc": ["Cấp lại thẻ căn cước (bị mất)", "Cấp lại thẻ căn cước"],
}
FEE_QUESTION = {
    "id": "t-1", "procedure": "cap-doi-the-can-cuoc", "aspects": ["fee", "deadline"],
    "expect": {"fee": [["50.000"]], "deadline": [["7 ngày làm việc", "bảy ngày làm việc"]]},
}
UNCOVERED = {"id": "t-2", "procedure": None, "aspects": ["documents"], "expect": {}}


def say(*texts, buttons=()):
    messages = [{"text": t} for t in texts]
    if buttons:
        messages[-1]["buttons"] = [{"title": b, "payload": "/x"} for b in buttons]
    return messages


def test_fold_ignores_diacritics_case_and_digit_grouping():
    assert fold("Lệ phí 50.000 ĐỒNG") == fold("le phi 50000 dong") == "le phi 50000 dong"


def test_every_asked_aspect_must_carry_its_facts_to_be_correct():
    full = say("Cấp đổi thẻ căn cước:\n• Lệ phí: 50.000 đồng/thẻ\n• Thời hạn: không quá 7 ngày làm việc")
    assert judge(FEE_QUESTION, full, NAMES).verdict == "correct"
    half = say("Cấp đổi thẻ căn cước – lệ phí: 50.000 đồng/thẻ")
    assert judge(FEE_QUESTION, half, NAMES).verdict == "partial"


def test_a_wrong_fee_is_confidently_wrong():
    verdict = judge(FEE_QUESTION, say("Cấp đổi thẻ căn cước – lệ phí: 30.000 đồng/thẻ"), NAMES)
    assert verdict.verdict == "wrong" and verdict.reason == "facts_missing"


def test_another_procedures_answer_is_wrong_even_with_matching_numbers():
    reply = say("Cấp lại thẻ căn cước (bị mất) – lệ phí 70.000 đồng, trong 7 ngày làm việc")
    verdict = judge(FEE_QUESTION, reply, NAMES)
    assert verdict.verdict == "wrong" and verdict.reason == "other_procedure"


def test_honest_dont_know_needs_the_admission_and_somewhere_to_turn():
    honest = say("Xin lỗi, mình chưa có thông tin chắc chắn để trả lời câu này. Bạn gọi tổng đài 18001096.")
    assert judge(FEE_QUESTION, honest, NAMES).verdict == "dont_know"
    assert judge(UNCOVERED, honest, NAMES).verdict == "dont_know"
    vague = say("Xin lỗi, mình chưa có thông tin.")
    assert judge(UNCOVERED, vague, NAMES).verdict != "dont_know"


def test_uncovered_question_answered_with_one_of_ours_is_wrong_but_a_suggestion_button_is_not():
    answered = say("Cấp lại thẻ căn cước – hồ sơ:\n• Không cần giấy tờ")
    assert judge(UNCOVERED, answered, NAMES).verdict == "wrong"
    suggested = say(
        "Xin lỗi, mình chưa có thông tin về thủ tục bạn hỏi. Gọi 1800 1096.", buttons=["Cấp lại thẻ căn cước"]
    )
    assert judge(UNCOVERED, suggested, NAMES).verdict == "dont_know"


def test_asking_which_procedure_is_a_clarification():
    which = say("Bạn muốn hỏi lệ phí của thủ tục nào?", buttons=["Cấp đổi thẻ căn cước", "Cấp lại thẻ căn cước"])
    assert judge(FEE_QUESTION, which, NAMES).verdict == "clarify"
    assert judge(UNCOVERED, which, NAMES).verdict == "clarify"
