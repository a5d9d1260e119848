"""Late applications: an apology with a new date takes them off the late list; without it, one alert."""

from datetime import datetime

from applications.events import VIETNAM, parse_event
from applications.overdue import alerts, check_overdue

CODE = "H56.22-250315-0001"


def change(event_id, status, day, **extra):
    return parse_event({"event_id": event_id, "code": CODE, "status": status,
                        "event_time": f"2025-03-{day:02d}T09:00:00+07:00", **extra})


def at(day, hour=9):
    return datetime(2025, 3, day, hour, tzinfo=VIETNAM).timestamp()


async def test_late_without_apology_raises_one_alert_and_the_apology_or_a_result_clears_it(store):
    await store.apply(change("e1", "dang_xu_ly", 15, appointment_date="2025-03-20"))
    assert await check_overdue(store, grace_hours=24, now=at(21, 8)) == []  # the day ended, not the grace
    assert await check_overdue(store, grace_hours=24, now=at(22, 1)) == [CODE]
    assert await check_overdue(store, grace_hours=24, now=at(23)) == []     # one alert, not one per run
    [alert] = await alerts(store.redis)
    assert alert["code"] == CODE and alert["appointment_date"] == "2025-03-20" and "phone" not in alert
    # the desk apologises with a new date: no longer late, until that date passes in turn
    await store.apply(change("e2", "xin_loi_tre_hen", 23, new_appointment_date="2025-03-30"))
    assert await check_overdue(store, grace_hours=24, now=at(29)) == []
    assert await check_overdue(store, grace_hours=24, now=at(31, 12)) == []
    assert await check_overdue(store, grace_hours=24, now=datetime(2025, 4, 1, 1, tzinfo=VIETNAM).timestamp()) == [CODE]
    await store.apply(change("e3", "cho_tra_ket_qua", 31))
    assert await store.due_before(datetime(2025, 5, 1).date()) == []


def test_the_periodic_check_outlives_a_redis_outage_and_the_one_off_check_says_why_it_failed(tmp_path):
    """Started by the run command with --every, the check must not end (ending stops the whole product)
    when Redis is down; run once from cron, it exits non-zero with a clear message."""
    import os
    import subprocess
    import sys
    import time

    from tests.conftest import free_port

    env = {**os.environ, "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"}
    once = subprocess.run([sys.executable, "-m", "applications.overdue"], env=env, capture_output=True,
                          text=True, timeout=60)
    assert once.returncode == 1 and "Redis is unreachable" in once.stderr

    log = tmp_path / "overdue.log"
    with log.open("w") as err:
        periodic = subprocess.Popen([sys.executable, "-m", "applications.overdue", "--every", "0.2"], env=env,
                                    stdout=subprocess.DEVNULL, stderr=err)
    try:
        deadline = time.monotonic() + 30
        while log.read_text().count("Redis is unreachable") < 3 and time.monotonic() < deadline:
            assert periodic.poll() is None, log.read_text()
            time.sleep(0.1)
        assert log.read_text().count("Redis is unreachable") >= 3  # three runs failed, the check goes on
        assert periodic.poll() is None
    finally:
        periodic.terminate()
        periodic.wait(timeout=10)
