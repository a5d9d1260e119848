"""The statuses Vietnamese one-stop systems (hệ thống một cửa điện tử) use, and what each means for the citizen."""

from __future__ import annotations

from typing import Dict, Optional

from bot.text import fold

MOI_TIEP_NHAN = "moi_tiep_nhan"
DANG_XU_LY = "dang_xu_ly"
CHO_BO_SUNG = "cho_bo_sung"
CHO_TRA_KET_QUA = "cho_tra_ket_qua"
DA_TRA_KET_QUA = "da_tra_ket_qua"
TU_CHOI = "tu_choi"

LABELS: Dict[str, str] = {
    MOI_TIEP_NHAN: "Mới tiếp nhận",
    DANG_XU_LY: "Đang xử lý",
    CHO_BO_SUNG: "Chờ bổ sung hồ sơ",
    CHO_TRA_KET_QUA: "Đã có kết quả, chờ trả kết quả",
    DA_TRA_KET_QUA: "Đã trả kết quả",
    TU_CHOI: "Từ chối giải quyết",
}

NEXT_STEPS: Dict[str, str] = {
    MOI_TIEP_NHAN: "Hồ sơ đã được tiếp nhận và đang được chuyển đến cơ quan giải quyết. Bạn chưa cần làm gì thêm.",
    DANG_XU_LY: "Cơ quan có thẩm quyền đang giải quyết hồ sơ. Bạn chờ đến ngày hẹn trả kết quả.",
    CHO_BO_SUNG: "Cơ quan sẽ tiếp tục giải quyết sau khi nhận đủ giấy tờ bổ sung.",
    CHO_TRA_KET_QUA: "Kết quả đã sẵn sàng. Bạn mang giấy biên nhận và căn cước đến Bộ phận một cửa để nhận "
    "(hoặc chờ bưu điện chuyển đến nếu bạn đã đăng ký nhận tại nhà).",
    DA_TRA_KET_QUA: "Hồ sơ đã hoàn tất và kết quả đã được trả.",
    TU_CHOI: "Nếu cần giải thích thêm, bạn liên hệ Bộ phận một cửa nơi đã nộp hồ sơ.",
}

# Other names the one-stop systems send for the same statuses (compared without diacritics).
_ALIASES: Dict[str, str] = {
    "moi_tiep_nhan": MOI_TIEP_NHAN, "tiep_nhan": MOI_TIEP_NHAN, "da_tiep_nhan": MOI_TIEP_NHAN,
    "dang_xu_ly": DANG_XU_LY, "dang_giai_quyet": DANG_XU_LY,
    "cho_bo_sung": CHO_BO_SUNG, "cho_bo_sung_ho_so": CHO_BO_SUNG, "yeu_cau_bo_sung": CHO_BO_SUNG,
    "cho_tra_ket_qua": CHO_TRA_KET_QUA, "da_co_ket_qua": CHO_TRA_KET_QUA, "co_ket_qua": CHO_TRA_KET_QUA,
    "da_co_ket_qua_cho_tra_ket_qua": CHO_TRA_KET_QUA,
    "da_tra_ket_qua": DA_TRA_KET_QUA, "hoan_thanh": DA_TRA_KET_QUA,
    "tu_choi": TU_CHOI, "tu_choi_giai_quyet": TU_CHOI, "khong_giai_quyet": TU_CHOI,
}


def parse_status(raw: object) -> Optional[str]:
    """The status key for a key or a Vietnamese name ("Đang xử lý", "dang_xu_ly"), or None."""
    if not isinstance(raw, str):
        return None
    key = "_".join(fold(raw).lower().replace("/", " ").replace(",", " ").replace("-", " ").split())
    return _ALIASES.get(key)
