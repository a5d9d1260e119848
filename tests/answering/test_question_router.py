import pytest

from bot.nlu.question_router import routed_intent

NAMED = [{"entity": "procedure", "value": "cap-lai-the-can-cuoc"}]
STATUS = {"name": "check_status", "confidence": 0.8}


@pytest.mark.parametrize("text", [
    "Thẻ căn cước bị mất, tôi làm lại ở nơi tạm trú có được không?",
    "làm lại căn cước ở xã khác được không",
])
def test_a_yes_no_question_about_a_procedure_goes_to_the_answer_path(text):
    routed = routed_intent(STATUS, NAMED, text)
    assert routed["name"] == "ask_overview" and routed["routed_from"] == "check_status"


@pytest.mark.parametrize("text", [
    "Hồ sơ cấp lại căn cước của tôi xử lý đến đâu rồi?",
    "tra cứu hồ sơ căn cước H29.15-251103-0042",
    "ho so can cuoc toi nop tuan truoc da xong chua",
    "hs cccd e nộp r bao giờ có kq",
])
def test_a_real_status_lookup_stays_a_status_lookup(text):
    assert routed_intent(STATUS, NAMED, text) is STATUS


def test_without_a_procedure_or_with_another_intent_nothing_changes():
    assert routed_intent(STATUS, [], "làm ở xã khác được không") is STATUS
    fee = {"name": "ask_fee", "confidence": 0.9}
    assert routed_intent(fee, NAMED, "làm lại căn cước được không") is fee
