"""The statuses Vietnamese one-stop systems (hệ thống một cửa điện tử) use, and what each means for the citizen.

The nine statuses a province's Zalo OA pushes (Đồng Nai's set: received, documents requested,
payment requested, financial obligation, refused, processing stopped, withdrawal, result ready,
result returned), plus ``dang_xu_ly`` (in progress, which most systems also send) and
``xin_loi_tre_hen`` (late: the one-stop desk's apology with a new appointment date, "phiếu xin lỗi
và hẹn lại ngày trả kết quả"). ``parse_status`` accepts a key, a Vietnamese name with or without
diacritics, or a one-stop system's own code as ``"{system}:{code}"`` (``applications/data/status_codes.yml``).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, Optional

import yaml

from bot.text import fold

MOI_TIEP_NHAN = "moi_tiep_nhan"
DANG_XU_LY = "dang_xu_ly"
CHO_BO_SUNG = "cho_bo_sung"
CHO_THANH_TOAN = "cho_thanh_toan"
NGHIA_VU_TAI_CHINH = "nghia_vu_tai_chinh"
TU_CHOI = "tu_choi"
DUNG_XU_LY = "dung_xu_ly"
RUT_HO_SO = "rut_ho_so"
CHO_TRA_KET_QUA = "cho_tra_ket_qua"
DA_TRA_KET_QUA = "da_tra_ket_qua"
XIN_LOI_TRE_HEN = "xin_loi_tre_hen"

LABELS: Dict[str, str] = {
    MOI_TIEP_NHAN: "Mới tiếp nhận",
    DANG_XU_LY: "Đang xử lý",
    CHO_BO_SUNG: "Chờ bổ sung hồ sơ",
    CHO_THANH_TOAN: "Chờ thanh toán phí, lệ phí",
    NGHIA_VU_TAI_CHINH: "Chờ thực hiện nghĩa vụ tài chính",
    TU_CHOI: "Từ chối giải quyết",
    DUNG_XU_LY: "Dừng xử lý",
    RUT_HO_SO: "Đã rút hồ sơ",
    CHO_TRA_KET_QUA: "Đã có kết quả, chờ trả kết quả",
    DA_TRA_KET_QUA: "Đã trả kết quả",
    XIN_LOI_TRE_HEN: "Trễ hẹn, hẹn lại ngày trả kết quả",
}

# No appointment is pending any more: the overdue check leaves these alone.
FINAL: FrozenSet[str] = frozenset({TU_CHOI, DUNG_XU_LY, RUT_HO_SO, CHO_TRA_KET_QUA, DA_TRA_KET_QUA})

NEXT_STEPS: Dict[str, str] = {
    MOI_TIEP_NHAN: "Hồ sơ đã được tiếp nhận và đang được chuyển đến cơ quan giải quyết. Bạn chưa cần làm gì thêm.",
    DANG_XU_LY: "Cơ quan có thẩm quyền đang giải quyết hồ sơ. Bạn chờ đến ngày hẹn trả kết quả.",
    CHO_BO_SUNG: "Cơ quan sẽ tiếp tục giải quyết sau khi nhận đủ giấy tờ bổ sung.",
    CHO_THANH_TOAN: "Bạn nộp phí, lệ phí (trực tuyến trên Cổng Dịch vụ công hoặc tại Bộ phận một cửa); "
    "hồ sơ được giải quyết tiếp sau khi nhận được tiền.",
    NGHIA_VU_TAI_CHINH: "Bạn nộp khoản nghĩa vụ tài chính theo thông báo của cơ quan thuế, rồi gửi chứng từ "
    "cho Bộ phận một cửa để hồ sơ được giải quyết tiếp.",
    TU_CHOI: "Nếu cần giải thích thêm, bạn liên hệ Bộ phận một cửa nơi đã nộp hồ sơ.",
    DUNG_XU_LY: "Hồ sơ đã dừng xử lý. Nếu cần giải thích thêm, bạn liên hệ Bộ phận một cửa nơi đã nộp hồ sơ.",
    RUT_HO_SO: "Hồ sơ đã được rút theo yêu cầu. Bạn có thể nộp lại khi cần.",
    CHO_TRA_KET_QUA: "Kết quả đã sẵn sàng. Bạn mang giấy biên nhận và căn cước đến Bộ phận một cửa để nhận "
    "(hoặc chờ bưu điện chuyển đến nếu bạn đã đăng ký nhận tại nhà).",
    DA_TRA_KET_QUA: "Hồ sơ đã hoàn tất và kết quả đã được trả.",
    XIN_LOI_TRE_HEN: "Cơ quan xin lỗi vì hồ sơ chưa được giải quyết đúng hẹn. Bạn nhận kết quả vào ngày hẹn mới.",
}

# Other names the one-stop systems send for the same statuses (compared without diacritics).
_ALIASES: Dict[str, str] = {
    "moi_tiep_nhan": MOI_TIEP_NHAN, "tiep_nhan": MOI_TIEP_NHAN, "da_tiep_nhan": MOI_TIEP_NHAN,
    "dang_xu_ly": DANG_XU_LY, "dang_giai_quyet": DANG_XU_LY,
    "cho_bo_sung": CHO_BO_SUNG, "cho_bo_sung_ho_so": CHO_BO_SUNG, "yeu_cau_bo_sung": CHO_BO_SUNG,
    "yeu_cau_bo_sung_ho_so": CHO_BO_SUNG,
    "cho_thanh_toan": CHO_THANH_TOAN, "yeu_cau_thanh_toan": CHO_THANH_TOAN, "cho_thanh_toan_phi_le_phi": CHO_THANH_TOAN,
    "yeu_cau_thanh_toan_phi_le_phi": CHO_THANH_TOAN,
    "nghia_vu_tai_chinh": NGHIA_VU_TAI_CHINH, "cho_thuc_hien_nghia_vu_tai_chinh": NGHIA_VU_TAI_CHINH,
    "thuc_hien_nghia_vu_tai_chinh": NGHIA_VU_TAI_CHINH,
    "tu_choi": TU_CHOI, "tu_choi_giai_quyet": TU_CHOI, "khong_giai_quyet": TU_CHOI, "tu_choi_tiep_nhan": TU_CHOI,
    "dung_xu_ly": DUNG_XU_LY, "dung_giai_quyet": DUNG_XU_LY, "dung_xu_ly_ho_so": DUNG_XU_LY,
    "rut_ho_so": RUT_HO_SO, "da_rut_ho_so": RUT_HO_SO, "cong_dan_rut_ho_so": RUT_HO_SO, "rut": RUT_HO_SO,
    "cho_tra_ket_qua": CHO_TRA_KET_QUA, "da_co_ket_qua": CHO_TRA_KET_QUA, "co_ket_qua": CHO_TRA_KET_QUA,
    "da_co_ket_qua_cho_tra_ket_qua": CHO_TRA_KET_QUA,
    "da_tra_ket_qua": DA_TRA_KET_QUA, "hoan_thanh": DA_TRA_KET_QUA,
    "xin_loi_tre_hen": XIN_LOI_TRE_HEN, "tre_hen": XIN_LOI_TRE_HEN, "qua_han": XIN_LOI_TRE_HEN,
    "hen_lai_ngay_tra_ket_qua": XIN_LOI_TRE_HEN, "xin_loi_va_hen_lai_ngay_tra_ket_qua": XIN_LOI_TRE_HEN,
    "tre_hen_hen_lai_ngay_tra_ket_qua": XIN_LOI_TRE_HEN,
}

CODES_FILE = Path(__file__).resolve().parent / "data" / "status_codes.yml"


@lru_cache(maxsize=1)
def system_codes() -> Dict[str, Dict[str, str]]:
    """``{system: {code: status key}}`` from ``applications/data/status_codes.yml``; every value is a key of LABELS."""
    raw = yaml.safe_load(CODES_FILE.read_text(encoding="utf-8")) or {}
    tables: Dict[str, Dict[str, str]] = {}
    for system, table in (raw.get("systems") or {}).items():
        tables[str(system).lower()] = {str(code).strip().lower(): status for code, status in (table.get("codes") or {}).items()}
    return tables


def parse_status(raw: object) -> Optional[str]:
    """The status key for a key, a Vietnamese name ("Đang xử lý", "dang_xu_ly") or a one-stop system's
    code ("motcua:5"), or None."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return None
    if not isinstance(raw, str):
        return None
    if ":" in raw:
        system, _, code = raw.partition(":")
        return system_codes().get(system.strip().lower(), {}).get(code.strip().lower())
    key = "_".join(fold(raw).lower().replace("/", " ").replace(",", " ").replace("-", " ").split())
    return _ALIASES.get(key)
