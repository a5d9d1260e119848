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
