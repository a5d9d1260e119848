"""The workspace's knowledge store on ``redis.asyncio``: an async twin of
``bot.knowledge.store.KnowledgeStore``, which stays synchronous because the Rasa side
(``bot.knowledge.repository``, ``load_published``) and the command lines use it.

Same keys and the same JSON as the synchronous store (``kb:version``, ``kb:snapshot:<n>``,
``kb:history``, ``kb:drafts``, ``kb:audit``, ``kb:counter``, ``kb:lock``; see its docstring), the same
validation (``bot.knowledge.store.parse_item`` / ``validate_snapshot``, pure, in memory) and the same
publishing rules: every draft in one new version under ``kb:lock``, refused when the result has a
problem; a rollback publishes an old snapshot again; the first publication first stores the YAML seed
as a version. Reading the seed (YAML files) runs in a worker thread. A change to the synchronous
store's behaviour must be made here too (tests/admin/test_admin_store.py drives the synchronous one,
tests/admin/test_admin_web.py this one through the pages).
"""

from __future__ import annotations

import asyncio
import copy
import json
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from bot.knowledge.loader import Problem
from bot.knowledge.store import (
    AUDIT_KEEP, KEY_AUDIT, KEY_DRAFTS, KEY_HISTORY, KEY_LOCK, KEY_SNAPSHOT, KEY_VERSION, KINDS, SYSTEM_USER,
    PublishError, Snapshot, apply_drafts, changed_fields, now_iso, parse_item,
    read_yaml_dir, validate_snapshot, version_meta,
)


class AsyncKnowledgeStore:
    """Drafts, versions and audit log of the knowledge base (``client``: redis.asyncio.Redis)."""

    def __init__(self, client: Any, seed_dir: Path) -> None:
        self.redis = client
        self.seed_dir = seed_dir

    # -- published versions

    async def published_version(self) -> Optional[int]:
        value = await self.redis.get(KEY_VERSION)
        return int(value) if value is not None else None

    async def snapshot(self, version: int) -> Snapshot:
        raw = await self.redis.get(KEY_SNAPSHOT.format(version))
        if raw is None:
            raise KeyError(version)
        return json.loads(raw)

    async def seed(self) -> Snapshot:
        return (await asyncio.to_thread(read_yaml_dir, self.seed_dir))[0]

    async def published(self) -> Snapshot:
        """What the assistant answers from now: the published version, or the YAML seed."""
        version = await self.published_version()
        return await self.snapshot(version) if version is not None else await self.seed()

    async def history(self, limit: int = 200) -> List[Dict[str, Any]]:
        entries = [json.loads(v) for v in await self.redis.hvals(KEY_HISTORY)]
        return sorted(entries, key=lambda e: -e["n"])[:limit]

    async def version_meta(self, version: int) -> Optional[Dict[str, Any]]:
        raw = await self.redis.hget(KEY_HISTORY, str(version))
        return json.loads(raw) if raw else None

    # -- drafts

    async def drafts(self) -> Dict[str, Dict[str, Any]]:
        return {k.decode(): json.loads(v) for k, v in (await self.redis.hgetall(KEY_DRAFTS)).items()}

    async def draft(self, kind: str, item_id: str) -> Optional[Dict[str, Any]]:
        raw = await self.redis.hget(KEY_DRAFTS, f"{kind}/{item_id}")
        return json.loads(raw) if raw else None

    async def working(self) -> Snapshot:
        """Published knowledge with the drafts applied: what the next publication would be."""
        snapshot = await self.published()
        apply_drafts(snapshot, await self.drafts())
        return snapshot

    async def item(self, kind: str, item_id: str) -> Optional[Dict[str, Any]]:
        return (await self.working())[kind].get(item_id)

    async def save_draft(self, kind: str, data: Dict[str, Any], user: str, original_id: Optional[str] = None) -> Tuple[Optional[Dict], List[Problem]]:
        """Validate ``data`` against the working knowledge and keep it as a draft (or return problems)."""
        working = await self.working()
        if original_id and original_id != data.get("id"):
            working[kind].pop(original_id, None)
        parsed, problems = parse_item(kind, data, working)
        if parsed is None:
            return None, problems
        item_id = parsed["id"]
        published = (await self.published())[kind].get(item_id)
        pipe = self.redis.pipeline()
        if published == parsed:
            pipe.hdel(KEY_DRAFTS, f"{kind}/{item_id}")
        else:
            pipe.hset(KEY_DRAFTS, f"{kind}/{item_id}", json.dumps({"data": parsed, "by": user, "at": now_iso()}, ensure_ascii=False))
        if original_id and original_id != item_id:
            pipe.hset(KEY_DRAFTS, f"{kind}/{original_id}", json.dumps({"data": None, "by": user, "at": now_iso()}, ensure_ascii=False))
        await pipe.execute()
        await self.audit(user, "draft_saved", f"{kind}/{item_id}", {"fields": changed_fields(published, parsed)})
        return parsed, []

    async def delete_item(self, kind: str, item_id: str, user: str) -> None:
        if item_id in (await self.published())[kind]:
            await self.redis.hset(KEY_DRAFTS, f"{kind}/{item_id}", json.dumps({"data": None, "by": user, "at": now_iso()}))
        else:
            await self.redis.hdel(KEY_DRAFTS, f"{kind}/{item_id}")
        await self.audit(user, "draft_delete", f"{kind}/{item_id}")

    async def discard_draft(self, key: str, user: str) -> None:
        await self.redis.hdel(KEY_DRAFTS, key)
        await self.audit(user, "draft_discarded", key)

    # -- publishing

    async def _write_version(self, snapshot: Snapshot, user: str, message: str, previous: Optional[Snapshot], rollback_of: Optional[int] = None, clear_drafts: bool = False) -> int:
        version = await self.redis.incr("kb:counter")
        meta = version_meta(version, snapshot, user, message, previous, rollback_of)
        pipe = self.redis.pipeline()
        pipe.set(KEY_SNAPSHOT.format(version), json.dumps(snapshot, ensure_ascii=False))
        pipe.hset(KEY_HISTORY, str(version), json.dumps(meta, ensure_ascii=False))
        if clear_drafts:
            pipe.delete(KEY_DRAFTS)
        pipe.set(KEY_VERSION, version)
        await pipe.execute()
        return version

    async def _ensure_seed_version(self, seed: Optional[Snapshot] = None) -> Tuple[Optional[int], Snapshot]:
        version = await self.published_version()
        if version is not None:
            return version, await self.snapshot(version)
        seed = seed if seed is not None else await self.seed()
        version = await self._write_version(seed, SYSTEM_USER, f"Khởi tạo từ thư mục {self.seed_dir.name}/ (YAML)", None)
        await self.audit(SYSTEM_USER, "seeded", f"v{version}", {"counts": {k: len(seed[k]) for k in KINDS}})
        return version, seed

    async def publish(self, user: str, message: str = "") -> int:
        """Publish every draft as a new version; raises PublishError when the result is invalid."""
        async with self.redis.lock(KEY_LOCK, timeout=30, blocking_timeout=10):
            drafts = await self.drafts()
            if not drafts:
                raise PublishError("Không có thay đổi nào để xuất bản.")
            previous = await self.published()
            snapshot = copy.deepcopy(previous)
            apply_drafts(snapshot, drafts)
            _, problems = validate_snapshot(snapshot)
            if problems:
                raise PublishError("Dữ liệu chưa hợp lệ, chưa thể xuất bản.", problems)
            await self._ensure_seed_version(previous)
            version = await self._write_version(snapshot, user, message or "Xuất bản", previous, clear_drafts=True)
            meta = await self.version_meta(version) or {}
            await self.audit(user, "published", f"v{version}", {"changes": meta.get("changes"), "message": message})
            return version

    async def rollback(self, target: int, user: str) -> int:
        """Publish version ``target`` again as a new version (drafts are kept)."""
        async with self.redis.lock(KEY_LOCK, timeout=30, blocking_timeout=10):
            snapshot = await self.snapshot(target)
            current_version, previous = await self._ensure_seed_version()
            version = await self._write_version(snapshot, user, f"Khôi phục phiên bản {target}", previous, rollback_of=target)
            await self.audit(user, "rollback", f"v{version}", {"to": target, "from": current_version})
            return version

    # -- audit

    async def audit(self, user: str, action: str, target: str = "", detail: Optional[Dict[str, Any]] = None) -> None:
        entry = {"at": now_iso(), "by": user, "action": action, "target": target, **({"detail": detail} if detail else {})}
        pipe = self.redis.pipeline()
        pipe.lpush(KEY_AUDIT, json.dumps(entry, ensure_ascii=False))
        pipe.ltrim(KEY_AUDIT, 0, AUDIT_KEEP - 1)
        await pipe.execute()

    async def audit_log(self, limit: int = 200) -> List[Dict[str, Any]]:
        return [json.loads(v) for v in await self.redis.lrange(KEY_AUDIT, 0, limit - 1)]
