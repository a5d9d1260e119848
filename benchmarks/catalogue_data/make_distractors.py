"""Writes distractors-generated.json: GENERATED procedure records, CLEARLY DISTRACTORS, for the scale test only.

    /work/main/.venv/bin/python benchmarks/catalogue_data/make_distractors.py

They are not real procedures: each name is a combination of an action, an object of a real field and a
qualifying clause, in the style of the published catalogues, so that a catalogue of 2,000 records has
the vocabulary a province's list has (many "cấp lại", "giấy phép", "giấy chứng nhận", "đăng ký"…). They
carry source csdl_quoc_gia only because the schema allows no other value; they live in this folder only,
never in knowledge/, and the assistant never answers from them (benchmarks/bench_catalogue.py loads them
next to the curated knowledge to measure accuracy, speed and memory). Deterministic (seeded).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
COUNT = 1950
SEED = 10

ACTIONS = ["Cấp", "Cấp lại", "Cấp đổi", "Gia hạn", "Điều chỉnh", "Thu hồi", "Công nhận", "Thẩm định",
           "Phê duyệt", "Đăng ký", "Xác nhận", "Thông báo", "Cho phép", "Chấm dứt", "Sửa đổi, bổ sung",
           "Đình chỉ", "Tiếp nhận", "Kiểm tra", "Chứng nhận", "Công bố"]
FIELDS = {
    "Văn hóa": ["giấy phép tổ chức lễ hội truyền thống", "giấy phép kinh doanh karaoke", "di tích lịch sử cấp tỉnh",
                "giấy phép triển lãm mỹ thuật", "danh hiệu gia đình văn hóa", "thư viện cộng đồng"],
    "Thể dục thể thao": ["giấy chứng nhận đủ điều kiện kinh doanh hoạt động thể thao", "câu lạc bộ thể thao cơ sở",
                         "giải thi đấu thể thao quần chúng", "đẳng cấp vận động viên"],
    "Du lịch": ["giấy phép kinh doanh dịch vụ lữ hành nội địa", "thẻ hướng dẫn viên du lịch", "điểm du lịch",
                "hạng cơ sở lưu trú du lịch", "khu du lịch cấp tỉnh"],
    "Giáo dục và đào tạo": ["trường mầm non tư thục", "trung tâm ngoại ngữ, tin học", "văn bằng tốt nghiệp trung học cơ sở",
                            "học bổng chính sách", "hoạt động giáo dục kỹ năng sống", "phân hiệu trường trung cấp"],
    "Y tế dự phòng": ["cơ sở xét nghiệm", "giấy chứng nhận tiêm chủng quốc tế", "cơ sở đủ điều kiện tiêm chủng"],
    "Dược phẩm": ["chứng chỉ hành nghề dược", "giấy chứng nhận đủ điều kiện kinh doanh dược", "quầy thuốc",
                  "thông tin thuốc", "hồ sơ quảng cáo mỹ phẩm"],
    "Khám bệnh, chữa bệnh": ["giấy phép hành nghề khám bệnh, chữa bệnh", "phòng khám đa khoa", "phòng chẩn trị y học cổ truyền",
                             "cơ sở dịch vụ thẩm mỹ"],
    "Việc làm": ["giấy phép lao động cho người lao động nước ngoài", "trợ cấp thất nghiệp", "hợp đồng cung ứng lao động",
                 "doanh nghiệp dịch vụ việc làm"],
    "Người có công": ["trợ cấp ưu đãi người có công", "bằng Tổ quốc ghi công", "thông tin mộ liệt sĩ",
                      "chế độ thờ cúng liệt sĩ", "trợ cấp một lần đối với thân nhân"],
    "Bảo trợ xã hội": ["trợ cấp xã hội hằng tháng", "cơ sở trợ giúp xã hội ngoài công lập", "hộ nghèo, hộ cận nghèo",
                       "chăm sóc thay thế cho trẻ em"],
    "Trồng trọt": ["giống cây trồng", "mã số vùng trồng", "cơ sở buôn bán phân bón", "chuyển đổi cơ cấu cây trồng trên đất trồng lúa"],
    "Chăn nuôi": ["cơ sở chăn nuôi trang trại", "thức ăn chăn nuôi", "kê khai hoạt động chăn nuôi"],
    "Thú y": ["giấy chứng nhận vệ sinh thú y", "chứng chỉ hành nghề thú y", "cơ sở an toàn dịch bệnh động vật",
              "kiểm dịch động vật vận chuyển ra khỏi tỉnh"],
    "Thủy sản": ["giấy phép khai thác thủy sản", "tàu cá", "cơ sở nuôi trồng thủy sản", "nguồn gốc thủy sản khai thác"],
    "Lâm nghiệp": ["phương án quản lý rừng bền vững", "chuyển loại rừng", "khai thác lâm sản", "trại nuôi động vật rừng"],
    "Thủy lợi": ["giấy phép hoạt động trong phạm vi bảo vệ công trình thủy lợi", "phương án bảo vệ đập, hồ chứa nước",
                 "quy trình vận hành hồ chứa"],
    "Môi trường": ["giấy phép môi trường", "báo cáo đánh giá tác động môi trường", "kế hoạch bảo vệ môi trường",
                   "đăng ký môi trường", "chủ nguồn thải chất thải nguy hại"],
    "Tài nguyên nước": ["giấy phép khai thác nước dưới đất", "giấy phép xả nước thải vào nguồn nước", "giấy phép thăm dò nước dưới đất"],
    "Khoáng sản": ["giấy phép khai thác khoáng sản", "giấy phép thăm dò khoáng sản", "đề án đóng cửa mỏ khoáng sản"],
    "Xây dựng": ["chứng chỉ năng lực hoạt động xây dựng", "chứng chỉ hành nghề hoạt động xây dựng", "báo cáo nghiên cứu khả thi đầu tư xây dựng",
                 "thiết kế xây dựng triển khai sau thiết kế cơ sở", "giấy phép di dời công trình"],
    "Quy hoạch - kiến trúc": ["nhiệm vụ quy hoạch chi tiết", "đồ án quy hoạch chi tiết", "chứng chỉ hành nghề kiến trúc"],
    "Nhà ở": ["nhà ở xã hội", "giá bán, giá thuê mua nhà ở xã hội", "nhà ở công vụ", "chủ trương đầu tư dự án nhà ở"],
    "Kinh doanh bất động sản": ["chứng chỉ hành nghề môi giới bất động sản", "sàn giao dịch bất động sản"],
    "Đường thủy nội địa": ["phương tiện thủy nội địa", "bến thủy nội địa", "cảng thủy nội địa", "chứng chỉ chuyên môn thuyền viên"],
    "Đường bộ": ["giấy phép liên vận", "phù hiệu xe ô tô kinh doanh vận tải", "tuyến vận tải hành khách cố định",
                 "giấy phép lưu hành xe quá tải trọng", "bến xe khách"],
    "Công thương": ["giấy phép bán lẻ rượu", "giấy phép sản xuất rượu thủ công", "cửa hàng bán lẻ xăng dầu",
                    "thương nhân phân phối khí", "giấy phép bán lẻ sản phẩm thuốc lá", "cụm công nghiệp"],
    "An toàn thực phẩm": ["giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm", "bản tự công bố sản phẩm",
                          "giấy xác nhận kiến thức về an toàn thực phẩm"],
    "Điện": ["giấy phép hoạt động điện lực", "thẻ an toàn điện", "dự án điện mặt trời mái nhà"],
    "Hóa chất": ["giấy chứng nhận đủ điều kiện sản xuất hóa chất", "kế hoạch phòng ngừa sự cố hóa chất"],
    "Đầu tư": ["chủ trương đầu tư", "giấy chứng nhận đăng ký đầu tư", "dự án đầu tư theo phương thức đối tác công tư",
               "ưu đãi đầu tư"],
    "Thành lập và hoạt động của doanh nghiệp": ["doanh nghiệp tư nhân", "công ty trách nhiệm hữu hạn một thành viên",
                                                "chi nhánh, văn phòng đại diện", "người đại diện theo pháp luật của doanh nghiệp",
                                                "vốn điều lệ"],
    "Hợp tác xã": ["liên hiệp hợp tác xã", "tổ hợp tác", "điều lệ hợp tác xã"],
    "Tài chính": ["tài sản công", "phương án sắp xếp lại nhà, đất", "giá dịch vụ"],
    "Khoa học và công nghệ": ["nhiệm vụ khoa học và công nghệ cấp tỉnh", "giấy phép tiến hành công việc bức xạ",
                              "chứng chỉ nhân viên bức xạ", "doanh nghiệp khoa học và công nghệ"],
    "Tiêu chuẩn đo lường chất lượng": ["tổ chức đánh giá sự phù hợp", "phương tiện đo nhóm 2", "hợp chuẩn, hợp quy"],
    "Thông tin điện tử": ["trang thông tin điện tử tổng hợp", "trò chơi điện tử G1 trên mạng", "điểm cung cấp dịch vụ trò chơi điện tử công cộng"],
    "Xuất bản, in và phát hành": ["giấy phép hoạt động in", "cơ sở in", "giấy phép xuất bản tài liệu không kinh doanh",
                                  "giấy phép nhập khẩu xuất bản phẩm"],
    "Phát thanh, truyền hình": ["thiết bị thu tín hiệu truyền hình từ vệ tinh", "dịch vụ phát thanh, truyền hình trả tiền"],
    "Tôn giáo": ["người được phong phẩm hoặc suy cử làm chức sắc", "sinh hoạt tôn giáo tập trung", "tổ chức quyên góp",
                 "lễ hội tín ngưỡng", "hội đoàn tôn giáo"],
    "Thi đua, khen thưởng": ["bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", "danh hiệu Chiến sĩ thi đua cơ sở",
                             "danh hiệu Tập thể lao động tiên tiến", "giấy khen của Chủ tịch Ủy ban nhân dân cấp xã"],
    "Tổ chức phi chính phủ": ["quỹ xã hội, quỹ từ thiện", "điều lệ quỹ", "hội đồng quản lý quỹ"],
    "Thanh niên": ["tổ chức thanh niên", "thanh niên xung phong"],
    "Trợ giúp pháp lý": ["trợ giúp pháp lý", "tổ chức tham gia trợ giúp pháp lý", "thẻ trợ giúp viên pháp lý"],
    "Công chứng": ["văn phòng công chứng", "công chứng viên", "hợp đồng, giao dịch"],
    "Luật sư": ["chứng chỉ hành nghề luật sư", "tổ chức hành nghề luật sư", "chi nhánh của công ty luật nước ngoài"],
    "Đấu giá tài sản": ["doanh nghiệp đấu giá tài sản", "chứng chỉ hành nghề đấu giá"],
    "Giám định tư pháp": ["giám định viên tư pháp", "văn phòng giám định tư pháp"],
    "Hòa giải cơ sở": ["hòa giải viên", "tổ hòa giải", "thù lao cho hòa giải viên"],
    "Quốc tịch": ["thôi quốc tịch Việt Nam", "nhập quốc tịch Việt Nam", "trở lại quốc tịch Việt Nam"],
    "Nuôi con nuôi": ["việc nuôi con nuôi thực tế", "nuôi con nuôi trong nước", "cơ sở nuôi dưỡng trẻ em"],
    "Phòng cháy, chữa cháy": ["thiết kế về phòng cháy và chữa cháy", "nghiệm thu về phòng cháy và chữa cháy",
                              "phương án chữa cháy của cơ sở"],
    "Ngoại vụ": ["hội nghị, hội thảo quốc tế", "thẻ đi lại của doanh nhân APEC", "đoàn ra"],
    "Dân tộc": ["người có uy tín trong đồng bào dân tộc thiểu số", "thôn đặc biệt khó khăn"],
    "Thống kê": ["điều tra thống kê"],
    "Lưu trữ": ["bản sao tài liệu lưu trữ", "chứng chỉ hành nghề lưu trữ"],
}
CLAUSES = ["", "đối với tổ chức", "đối với cá nhân", "cho doanh nghiệp có vốn đầu tư nước ngoài", "trên địa bàn tỉnh",
           "thuộc thẩm quyền của Ủy ban nhân dân cấp tỉnh", "thuộc thẩm quyền của Ủy ban nhân dân cấp xã",
           "trong trường hợp bị mất hoặc hư hỏng", "lần đầu", "khi hết thời hạn", "do thay đổi thông tin",
           "có yếu tố nước ngoài", "theo đề nghị của tổ chức, cá nhân"]
LEVELS = ["tinh", "tinh", "xa", "trung_uong"]


def main() -> None:
    rng = random.Random(SEED)
    seen, records = set(), []
    combos = [(field, obj) for field, objects in FIELDS.items() for obj in objects]
    while len(records) < COUNT:
        field, obj = rng.choice(combos)
        name = " ".join(part for part in (rng.choice(ACTIONS), obj, rng.choice(CLAUSES)) if part)
        if name in seen:
            continue
        seen.add(name)
        number = len(records) + 1
        records.append({"code": f"9.{number:06d}", "name": name, "field": field, "level": rng.choice(LEVELS)})
    out = {"distractors": True,
           "note": "GENERATED distractor records for benchmarks/bench_catalogue.py only: not real procedures, "
                   "never knowledge the assistant answers from (benchmarks/catalogue_data/make_distractors.py).",
           "records": records}
    (HERE / "distractors-generated.json").write_text(json.dumps(out, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(len(records), "distractors written")


if __name__ == "__main__":
    main()
