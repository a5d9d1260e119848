"""The workspace's page of an application's notifications: history newest first with the recipient
masked, today's counts and cost, the late-application alerts; a bad code gets a message."""

import json

from redis.asyncio import Redis as AsyncRedis

from notifications.tracking import Tracking
from tests.admin.helpers import APP_DB, PASSWORDS
from tests.conftest import REDIS_HOST, REDIS_PORT

CODE = "H56.22-250315-0001"


async def test_an_officer_sees_an_applications_notification_history(workspace):
    officer, _client, _ = workspace
    redis = AsyncRedis(host=REDIS_HOST, port=REDIS_PORT, db=APP_DB)  # the workspace's database (not flushed again)
    tracking = Tracking(redis, costs={"zns": 300})
    entry = {"key": "e1|zalo|u1", "channel": "zalo", "recipient": "84912345678", "code": CODE,
             "event": json.dumps({"event_id": "e1", "status": "xin_loi_tre_hen"})}
    await tracking.record(entry, "sent", "zns")
    await tracking.record(entry, "failed", "zns", "no delivery receipt before the deadline")
    await tracking.record({**entry, "channel": "sms"}, "delivered", "sms")
    await redis.xadd("app:alerts", {"code": "2511240988", "appointment_date": "2025-03-20", "status": "dang_xu_ly",
                                    "raised_ms": "1742460000000"})
    editor = await officer("binh", PASSWORDS["binh"])
    page = await editor.get(f"/applications/notifications?code={CODE.lower()}")
    assert page.status == 200
    html = await page.text()
    assert html.index(">delivered<") < html.index(">failed<") < html.index(">sent<")  # newest first
    assert "no delivery receipt before the deadline" in html and "84912345678" not in html
    assert "zalo:zns:sent" in html and "2511240988" in html and "2025-03-20" in html
    bad = await (await editor.get("/applications/notifications?code=%3Cscript%3E")).text()
    assert "không phải là mã hồ sơ hợp lệ" in bad and "<script>" not in bad
    anonymous = await (await officer()).get("/applications/notifications")
    assert anonymous.status == 303 and anonymous.headers["Location"].startswith("/login")
    await redis.close()
