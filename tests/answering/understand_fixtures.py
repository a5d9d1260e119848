"""A small knowledge base for the understand tests: siblings that differ by their qualifiers, and synonyms.
Independent of knowledge/ (other helpers edit it); built with tests/knowledge/factories.py."""

from bot.knowledge.matcher import ProcedureMatcher
from bot.knowledge.model import Synonym
from tests.knowledge.factories import procedure

PROCEDURES = [
    procedure("cap-doi-the-can-cuoc", "Cấp đổi thẻ căn cước", ["đổi căn cước", "đổi thẻ căn cước", "căn cước"],
              qualifiers=["cap_doi", "het_han", "doi_thong_tin", "tre_em"]),
    procedure("cap-lai-the-can-cuoc", "Cấp lại thẻ căn cước", ["mất thẻ căn cước", "làm lại căn cước", "căn cước"],
              qualifiers=["cap_lai", "mat", "hong", "tre_em"]),
    procedure("dang-ky-khai-sinh", "Đăng ký khai sinh", ["làm giấy khai sinh", "giấy khai sinh", "khai sinh cho con"],
              qualifiers=["lan_dau", "tre_em", "qua_han"]),
    procedure("ban-sao-trich-luc", "Cấp bản sao trích lục hộ tịch", ["bản sao giấy khai sinh", "mất giấy khai sinh",
                                                                      "bản sao giấy chứng tử"],
              qualifiers=["mat", "hong", "tre_em"]),
    procedure("dang-ky-khai-tu", "Đăng ký khai tử", ["làm giấy chứng tử", "khai tử cho người mất"], qualifiers=["qua_han"]),
    procedure("dang-ky-ket-hon", "Đăng ký kết hôn", ["đăng ký kết hôn", "làm giấy kết hôn"], qualifiers=["ly_hon"]),
    procedure("dang-ky-thuong-tru", "Đăng ký thường trú", ["đăng ký thường trú", "làm thường trú"],
              qualifiers=["lan_dau", "tre_em", "doi_thong_tin"]),
    procedure("dang-ky-tam-tru", "Đăng ký tạm trú", ["đăng ký tạm trú", "khai báo tạm trú"], qualifiers=["het_han"]),
    procedure("cap-gcn-lan-dau", "Cấp giấy chứng nhận quyền sử dụng đất lần đầu",
              ["làm giấy chứng nhận quyền sử dụng đất", "cấp giấy chứng nhận quyền sử dụng đất lần đầu"],
              qualifiers=["lan_dau"]),
    procedure("dang-ky-xe", "Đăng ký xe lần đầu", ["đăng ký xe máy", "đăng ký ô tô"], qualifiers=["lan_dau"]),
    procedure("cap-doi-gplx", "Cấp đổi giấy phép lái xe", ["đổi giấy phép lái xe", "giấy phép lái xe"],
              qualifiers=["cap_doi", "het_han", "hong"]),
    procedure("cap-lai-gplx", "Cấp lại giấy phép lái xe", ["mất giấy phép lái xe", "giấy phép lái xe"],
              qualifiers=["cap_lai", "mat"]),
    procedure("xac-nhan-hon-nhan", "Cấp giấy xác nhận tình trạng hôn nhân", ["giấy xác nhận tình trạng hôn nhân", "xác nhận tình trạng hôn nhân"],
              qualifiers=["lan_dau", "ly_hon", "yeu_to_nuoc_ngoai"]),
]

SYNONYMS = [
    Synonym(means="thẻ căn cước", said=["chứng minh thư", "chứng minh nhân dân", "căn cước công dân"]),
    Synonym(means="đăng ký thường trú", said=["nhập hộ khẩu", "nhập khẩu", "chuyển hộ khẩu"]),
    Synonym(means="thường trú", said=["hộ khẩu"]),
    Synonym(means="giấy chứng nhận quyền sử dụng đất", said=["sổ đỏ", "sổ hồng"]),
    Synonym(means="giấy xác nhận tình trạng hôn nhân", said=["giấy độc thân", "xác nhận độc thân"]),
    Synonym(means="giấy phép lái xe", said=["bằng lái xe", "bằng lái"]),
]

MATCHER = ProcedureMatcher(PROCEDURES, SYNONYMS)
