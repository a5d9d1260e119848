from bot.knowledge.faq_search import FaqIndex
from bot.knowledge.render import Aspect, money, render_procedure
from tests.knowledge.factories import faq, procedure


def test_money_is_written_the_vietnamese_way():
    assert money(135000) == "135.000 đồng"
    assert money(1200000) == "1.200.000 đồng"


def test_fee_answer_lists_cases_exemptions_legal_basis_and_update_date():
    p = procedure(
        "dang-ky-thuong-tru", "Đăng ký thường trú", ["nhập hộ khẩu", "dk thuong tru"],
        fee={"items": [{"case": "Nộp trực tiếp", "amount": 20000, "unit": "lần"},
                       {"case": "Nộp trực tuyến", "amount": 10000, "unit": "lần"}],
             "exemptions": ["Người có công với cách mạng"]},
    )
    answer = render_procedure(p, Aspect.fee)
    assert answer.splitlines()[0] == "Đăng ký thường trú – lệ phí:"
    assert "• Nộp trực tiếp: 20.000 đồng/lần" in answer
    assert "• Nộp trực tuyến: 10.000 đồng/lần" in answer
    assert "Miễn, giảm: Người có công với cách mạng." in answer
    assert answer.splitlines()[-2] == "Căn cứ: Thông tư 1/2024/TT-BCA."
    assert answer.splitlines()[-1] == "(cập nhật: 24/11/2026)"


def test_free_procedure_says_so():
    p = procedure("dang-ky-khai-sinh", "Đăng ký khai sinh", ["khai sinh", "làm giấy khai sinh"],
                  fee={"items": [{"case": "Đăng ký đúng hạn", "amount": 0}]})
    assert "• Đăng ký đúng hạn: Miễn lệ phí" in render_procedure(p, Aspect.fee)


def test_faq_retrieval_ignores_diacritics_and_rejects_unrelated_questions():
    index = FaqIndex([
        faq("vneid-muc-2", "Tài khoản định danh điện tử mức 2 là gì?", ["vneid mức 2 là gì"],
            "Tài khoản định danh điện tử mức 2 dùng để làm thủ tục trực tuyến."),
        faq("gio-lam-viec", "Giờ làm việc của Bộ phận một cửa?", ["mấy giờ bộ phận một cửa mở cửa"],
            "Bộ phận một cửa làm việc trong giờ hành chính."),
    ])
    hit = index.search("tai khoan dinh danh muc 2 la gi vay")
    assert hit.entry.id == "vneid-muc-2" and hit.score > 0.5
    assert index.search("mot cua lam viec may gio").entry.id == "gio-lam-viec"
    assert index.search("giá vàng hôm nay").score < 0.2


def test_faq_retrieval_on_questions_in_citizens_own_words():
    """Quality gate on the published FAQ: paraphrases written apart from it (tests/knowledge/faq_queries.yml)."""
    from pathlib import Path

    import yaml

    from bot.knowledge import repository
    from bot.settings import load_settings

    settings = load_settings()
    threshold = settings.faq_threshold
    queries = yaml.safe_load((Path(__file__).with_name("faq_queries.yml")).read_text(encoding="utf-8"))
    index = repository.current().faq
    found = [q for q in queries if q["faq"] and (hit := index.search(q["text"])) and hit.score >= threshold
             and hit.entry.id == q["faq"]]
    wrongly_answered = [
        q["text"] for q in queries if not q["faq"] and (hit := index.search(q["text"])) and hit.score >= (
            settings.faq_threshold_without_procedure if q.get("via") == "procedure_question" else threshold)
    ]
    positives = [q for q in queries if q["faq"]]
    assert len(found) / len(positives) >= 0.8, f"only {len(found)}/{len(positives)} found"
    assert wrongly_answered == []
