"""The officers' personal-data page (admin/personal_data.py): reviewer only, export as JSON, erasure
after confirmation, each written to the audit log; the stores are read back from the real Redis."""

from __future__ import annotations

import json

from bot.consent import consent_key
from bot.tracker_store import REDIS_KEY_PREFIX
from tests.test_personal_data import env, seed  # noqa: F401  (env is a fixture)


async def test_workspace_route_reviewer_only_with_audit(env, async_redis_db, tmp_path, workspace):
    officer, client, _ = workspace
    sender = "zalo:999"
    await seed(env, async_redis_db, tmp_path, sender, "câu hỏi ở bàn")
    editor = await officer("binh")
    assert (await editor.get("/personal-data")).status == 403
    reviewer = await officer("lan")
    page = await reviewer.get("/personal-data")
    assert page.status == 200 and "Thời hạn lưu trữ" in await page.text()
    exported = await reviewer.post("/personal-data/export", {"sender": sender})
    assert exported.status == 200 and "câu hỏi ở bàn" in await exported.text()
    assert (await reviewer.post("/personal-data/erase", {"sender": sender})).status == 400  # not confirmed
    assert (await reviewer.post("/personal-data/export", {"phone": "abc"})).status == 400
    erased = await reviewer.post("/personal-data/erase", {"sender": sender, "confirm": "yes"})
    assert erased.status == 303
    assert env.get(REDIS_KEY_PREFIX + sender) is None and env.exists(consent_key(sender)) == 0
    actions = [json.loads(e)["action"] for e in client.lrange("kb:audit", 0, -1)]
    assert "personal_data_erased" in actions and "personal_data_exported" in actions
    assert "personal_data_page_denied" in actions
