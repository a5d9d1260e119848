import json
import subprocess
import sys
from pathlib import Path

from applications.importer import import_file
from tests.conftest import redis_url_for
from tests.status.conftest import STATUS_DB

ROOT = Path(__file__).resolve().parents[2]
CSV = """code,status,event_time,procedure,phone,appointment_date,reason,missing_documents
H56.22-250315-0001,Mới tiếp nhận,2025-03-15T08:00:00+07:00,Đăng ký khai sinh,0912345678,20/03/2025,,
H56.22-250315-0001,Chờ bổ sung hồ sơ,2025-03-16T08:00:00+07:00,,,,,Tờ khai;Bản sao giấy chứng sinh
2511240988,tu_choi,2025-03-16T09:00:00+07:00,Cấp giấy phép xây dựng,0987654321,,Thiếu bản vẽ,
2511240989,xong,2025-03-16T09:00:00+07:00,,,,,
"""


async def test_csv_import_is_idempotent_and_reports_bad_rows(store, tmp_path):
    path = tmp_path / "hoso.csv"
    path.write_text(CSV, encoding="utf-8")
    results, errors = await import_file(path, store)
    assert results == {"applied": 3}
    assert errors == ["line 5: status: required, one of moi_tiep_nhan, dang_xu_ly, cho_bo_sung, cho_thanh_toan, "
                      "nghia_vu_tai_chinh, tu_choi, dung_xu_ly, rut_ho_so, cho_tra_ket_qua, da_tra_ket_qua, xin_loi_tre_hen"]
    app = await store.get("H56.22-250315-0001")
    assert app.status == "cho_bo_sung" and app.missing_documents == ["Tờ khai", "Bản sao giấy chứng sinh"]
    assert app.appointment_date == "2025-03-20"
    again, _ = await import_file(path, store)
    assert again == {"duplicate": 3}


async def test_json_import_dry_run(store, tmp_path):
    path = tmp_path / "hoso.json"
    path.write_text(json.dumps({"events": [{"event_id": "x1", "code": "2511240988", "status": "dang_xu_ly",
                                             "event_time": "2025-03-15T08:00:00+07:00"}]}), encoding="utf-8")
    results, errors = await import_file(path, store, dry_run=True)
    assert results == {"valid": 1} and errors == []
    assert await store.get("2511240988") is None


def test_command_line(redis_db, tmp_path):
    redis_db(STATUS_DB)
    path = tmp_path / "hoso.csv"
    path.write_text(CSV, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "applications.importer", str(path), "--redis-url", redis_url_for(STATUS_DB)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1  # one bad row
    assert "3 applied; 1 error(s)" in done.stdout and "line 5" in done.stderr
    assert "0912345678" not in done.stdout + done.stderr
