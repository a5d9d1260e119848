"""The inbox names, in Vietnamese, why each question went unanswered, including the answer path's reasons."""

from admin.inbox import Group


def test_the_answer_paths_reasons_are_shown_in_vietnamese_not_as_codes():
    records = [{"reason": "qualifier_not_covered"}, {"reason": "aspect_not_covered"}, {"reason": "aspect_not_covered"}]
    reasons = Group("g", ["kết hôn với người nước ngoài cần gì"], records=records).reasons
    assert reasons == {"thủ tục hoặc trường hợp chưa có": 1, "thiếu thông tin được hỏi": 2}
