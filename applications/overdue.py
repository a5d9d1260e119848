"""Late applications: ``python -m applications.overdue [--every SECONDS]`` (cron or a service;
``scripts/run`` starts it with ``--every STATUS_OVERDUE_EVERY_SECONDS`` beside the notification workers).

An application whose appointment date (``app:due``, kept by the status store) has passed without a
final status (result ready or returned, refused, stopped, withdrawn) must get the one-stop desk's
apology with a new appointment date (status ``xin_loi_tre_hen``, which moves the appointment and so
takes the application out of the late list; its notification goes out like any other). When the
one-stop system has not sent it ``STATUS_OVERDUE_GRACE_HOURS`` after the appointment day ended, the
operators get one alert per application and appointment date:

  app:alerts                 stream of alerts: code, appointment_date, status, raised_ms (no personal data)
  app:alerted:{code}:{date}  set once an alert was raised (kept 90 days): one alert, not one per run

The workspace lists the alerts (``/applications/notifications``); the command prints how many it raised
(when run once, or when a run raised some). With ``--every``, a run that cannot reach Redis is logged
and the next run tries again: a Redis outage never ends the check.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
from datetime import date, datetime, timedelta
from typing import List, Optional

from redis.asyncio import Redis
from redis.exceptions import RedisError

from applications.events import VIETNAM
from applications.statuses import FINAL
from applications.store import StatusStore
from bot.settings import load_status_settings

logger = logging.getLogger(__name__)
ALERTS_KEY = "app:alerts"
ALERTED_PREFIX = "app:alerted:"
ALERT_TTL = 90 * 24 * 3600


async def check_overdue(store: StatusStore, grace_hours: float = 24.0, now: Optional[float] = None) -> List[str]:
    """Raise an alert for each application late past the grace time; the codes alerted now."""
    moment = datetime.fromtimestamp(now if now is not None else time.time(), tz=VIETNAM)
    # an appointment on day D is late once D has ended and the grace time has passed
    cutoff = (moment - timedelta(hours=grace_hours)).date()
    raised: List[str] = []
    for code in await store.due_before(cutoff):
        status, appointment = await store.redis.hmget(store._key("app", code), "status", "appointment_date")
        if status is None or appointment is None or status.decode() in FINAL:
            await store.redis.zrem(store._key("app", "due"), code)  # gone (retention) or settled meanwhile
            continue
        if date.fromisoformat(appointment.decode()) >= cutoff:
            continue
        marker = store._key(ALERTED_PREFIX, f"{code}:{appointment.decode()}")
        if not await store.redis.set(marker, "1", nx=True, ex=ALERT_TTL):
            continue
        await store.redis.xadd(store._key(ALERTS_KEY), {
            "code": code, "appointment_date": appointment.decode(), "status": status.decode(),
            "raised_ms": str(int(time.time() * 1000)),
            "message": "quá hẹn trả kết quả mà hệ thống một cửa chưa gửi phiếu xin lỗi và hẹn lại ngày"},
            maxlen=10_000, approximate=True)
        logger.warning("application %s is past its appointment (%s) without an apology and a new date",
                       code, appointment.decode())
        raised.append(code)
    return raised


async def alerts(redis: Redis, prefix: str = "", limit: int = 50) -> List[dict]:
    entries = await redis.xrevrange(prefix + ALERTS_KEY, count=limit)
    return [{k.decode(): v.decode() for k, v in fields.items()} for _, fields in entries]


async def _main(every: float) -> int:
    settings = load_status_settings()
    if not settings.redis_url:
        print("REDIS_URL is not set", file=sys.stderr)
        return 2
    redis = Redis.from_url(settings.redis_url)
    store = StatusStore(redis, settings.key_prefix)
    try:
        while True:
            try:
                raised = await check_overdue(store, settings.overdue_grace_hours)
            except RedisError as error:
                if every <= 0:
                    print(f"Redis is unreachable: {error}", file=sys.stderr)
                    return 1
                logger.warning("late applications not checked, Redis is unreachable (%s); next try in %.0f s",
                               error, every)
            else:
                if every <= 0 or raised:
                    print(f"{len(raised)} late application(s) without an apology: alert raised", flush=True)
            if every <= 0:
                return 0
            await asyncio.sleep(every)
    finally:
        await redis.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--every", type=float, default=0, help="run again every SECONDS (0: once)")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    return asyncio.run(_main(parser.parse_args().every))


if __name__ == "__main__":
    sys.exit(main())
