"""The published knowledge base in Redis: versions, drafts, history and audit log.

The YAML files in ``knowledge/`` are the seed and the format. Officers edit *drafts* in the workspace
(``admin/``); a reviewer *publishes* them, which writes a new complete *version* (a snapshot of every
procedure and FAQ entry, as the same dicts the YAML files hold) and moves the ``kb:version`` pointer.
Every running process polls that pointer (``bot.knowledge.repository``) and reloads within
``KNOWLEDGE_RELOAD_SECONDS``. Rolling back publishes an old snapshot again as a new version, so the
history only grows.

Validation is ``bot.knowledge.checks``' pure function over the snapshot's dicts, in memory
(``validate_snapshot``): the rules of ``python -m bot.knowledge.validate``, and its messages, with the
file and line the item would have as a YAML file.

Keys (all under ``kb:``):
  kb:version            latest published version number (absent: the assistant reads the YAML files)
  kb:snapshot:<n>       JSON snapshot of version n
  kb:history            hash n -> JSON {n, at, by, message, changes, rollback_of}
  kb:drafts             hash "procedures/<id>" | "faq/<id>" -> JSON {data (None = delete), by, at}
  kb:audit              list of JSON {at, by, action, target, detail}, newest first
  kb:lock               publish lock
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import hashlib
import json
import logging
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import yaml

from bot.knowledge.checks import check_knowledge
from bot.knowledge.loader import KnowledgeBase, Problem, line_document, load_knowledge, locate
from bot.knowledge.model import FaqEntry, Procedure
from core.redis_keys import KNOWLEDGE_DRAFTS

logger = logging.getLogger(__name__)

KINDS = ("procedures", "faq")
MODELS = {"procedures": Procedure, "faq": FaqEntry}
KEY_VERSION = "kb:version"
KEY_SNAPSHOT = "kb:snapshot:{}"
KEY_HISTORY = "kb:history"
KEY_DRAFTS = KNOWLEDGE_DRAFTS  # core.redis_keys: the workspace counts the drafts
KEY_AUDIT = "kb:audit"
KEY_LOCK = "kb:lock"
AUDIT_KEEP = 10000
SYSTEM_USER = "hệ thống"

Snapshot = Dict[str, Dict[str, Dict[str, Any]]]
DATE_FIELDS = {"verified_on", "read_on"}


def empty_snapshot() -> Snapshot:
    return {kind: {} for kind in KINDS}


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


# ---------------------------------------------------------------- YAML <-> dicts


def _dates_to_text(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _dates_to_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates_to_text(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _text_to_dates(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _text_to_dates(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_text_to_dates(v, key) for v in value]
    if key in DATE_FIELDS and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def canonical(kind: str, item: Any) -> Dict[str, Any]:
    """The JSON-ready dict of a parsed model, in schema order, without empty optional fields."""
    return json.loads(item.json(exclude_none=True, exclude_defaults=True))


def to_yaml(data: Dict[str, Any]) -> str:
    """An item as the YAML file an engineer would write (dates unquoted, diacritics kept)."""
    return yaml.safe_dump(_text_to_dates(data), allow_unicode=True, sort_keys=False, width=120)


def read_yaml_dir(root: Path) -> Tuple[Snapshot, List[Problem]]:
    """The seed: the YAML files of ``root`` as a snapshot (invalid files are left out and reported)."""
    base, problems = load_knowledge(root)
    snapshot = empty_snapshot()
    for procedure in base.procedures.values():
        snapshot["procedures"][procedure.id] = canonical("procedures", procedure)
    for entry in base.faq:
        snapshot["faq"][entry.id] = canonical("faq", entry)
    return snapshot, problems


def write_yaml_dir(snapshot: Snapshot, root: Path) -> None:
    for kind in KINDS:
        folder = root / kind
        folder.mkdir(parents=True, exist_ok=True)
        for item_id, data in sorted(snapshot.get(kind, {}).items()):
            (folder / f"{item_id}.yml").write_text(to_yaml(data), encoding="utf-8")


def _file_stem(item_id: str) -> str:
    """The file name an item's key would have in a ``knowledge/`` folder (a key that cannot be one: ``_``)."""
    return item_id if item_id and "/" not in item_id and not item_id.startswith(".") else "_"


def _documents(snapshot: Snapshot, kind: str) -> Dict[str, Any]:
    """The kind's items by file name, in the loader's file order (``<stem>.yml`` sorted)."""
    by_stem: Dict[str, Any] = {}
    for item_id, data in snapshot.get(kind, {}).items():
        by_stem[_file_stem(item_id)] = _text_to_dates(data)
    return {stem: by_stem[stem] for stem in sorted(by_stem, key=lambda stem: stem + ".yml")}


def validate_snapshot(snapshot: Snapshot) -> Tuple[KnowledgeBase, List[Problem]]:
    """Check a snapshot in memory with ``bot.knowledge.checks`` (the rules of ``bot.knowledge.validate``).

    A problem reads as the loader would report it for the snapshot written as a ``knowledge/`` folder:
    ``knowledge/<kind>/<id>.yml:<line>`` of the item's YAML (``to_yaml``, dumped only for an item that
    has problems), a FAQ naming a missing procedure at ``faq/<id>.yml:1``. ``version``: a digest of the
    content."""
    documents = {kind: _documents(snapshot, kind) for kind in KINDS}
    checked = check_knowledge(documents["procedures"], documents["faq"])
    base = KnowledgeBase(procedures=checked.procedures, faq=checked.faq, synonyms=checked.synonyms)
    digest = hashlib.sha256()
    for kind in KINDS:
        for stem, data in documents[kind].items():
            digest.update(json.dumps([kind, stem, data], ensure_ascii=False, sort_keys=True, default=str).encode())
    base.version = digest.hexdigest()[:12]
    problems: List[Problem] = []
    lines: Dict[Tuple[str, str], Any] = {}
    for finding in checked.findings:
        where = (finding.kind, finding.key)
        if finding.location is not None and where not in lines:
            lines[where] = line_document(to_yaml(documents[finding.kind][finding.key]))
        problems.append(locate(finding, f"knowledge/{finding.kind}/{finding.key}.yml", lines.get(where)))
    return base, problems


def problems_of(problems: List[Problem], kind: str, item_id: str) -> List[Problem]:
    path = f"knowledge/{kind}/{item_id}.yml"
    short = f"{kind}/{item_id}.yml"
    return [p for p in problems if p.path in (path, short)]


def parse_item(kind: str, data: Dict[str, Any], others: Optional[Snapshot] = None) -> Tuple[Optional[Dict], List[Problem]]:
    """Validate one item within ``others`` (for references); return its canonical dict or problems."""
    snapshot = copy.deepcopy(others) if others else empty_snapshot()
    item_id = str(data.get("id") or "")
    key = item_id or "_"
    snapshot[kind][key] = data
    base, problems = validate_snapshot(snapshot)
    mine = problems_of(problems, kind, key)
    if mine:
        return None, mine
    parsed: Any
    if kind == "procedures":
        parsed = base.procedures.get(item_id)
    else:
        parsed = next((e for e in base.faq if e.id == item_id), None)
    if parsed is None:
        return None, [Problem(f"knowledge/{kind}/{key}.yml", 1, "could not be read")]
    return canonical(kind, parsed), []


# ---------------------------------------------------------------- diff


def changes_between(old: Snapshot, new: Snapshot) -> Dict[str, List[str]]:
    """{"added": ["procedures/x", …], "changed": […], "removed": […]}"""
    result: Dict[str, List[str]] = {"added": [], "changed": [], "removed": []}
    for kind in KINDS:
        before, after = old.get(kind, {}), new.get(kind, {})
        for item_id in sorted(set(before) | set(after)):
            key = f"{kind}/{item_id}"
            if item_id not in before:
                result["added"].append(key)
            elif item_id not in after:
                result["removed"].append(key)
            elif before[item_id] != after[item_id]:
                result["changed"].append(key)
    return result


def item_diff(old: Optional[Dict], new: Optional[Dict], name: str = "") -> List[str]:
    """Unified diff lines of two items' YAML."""
    before = to_yaml(old).splitlines() if old else []
    after = to_yaml(new).splitlines() if new else []
    return list(difflib.unified_diff(before, after, f"a/{name}", f"b/{name}", lineterm="", n=2))


def changed_fields(old: Optional[Dict], new: Optional[Dict]) -> List[str]:
    old, new = old or {}, new or {}
    return [k for k in list(dict.fromkeys([*old, *new])) if old.get(k) != new.get(k)]


# ---------------------------------------------------------------- the store


class PublishError(Exception):
    def __init__(self, message: str, problems: Optional[List[Problem]] = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class KnowledgeStore:
    """Drafts, versions and audit log of the knowledge base, in Redis (``client``: redis.Redis)."""

    def __init__(self, client: Any, seed_dir: Path) -> None:
        self.redis = client
        self.seed_dir = seed_dir

    # -- published versions

    def published_version(self) -> Optional[int]:
        value = self.redis.get(KEY_VERSION)
        return int(value) if value is not None else None

    def snapshot(self, version: int) -> Snapshot:
        raw = self.redis.get(KEY_SNAPSHOT.format(version))
        if raw is None:
            raise KeyError(version)
        return json.loads(raw)

    def seed(self) -> Snapshot:
        return read_yaml_dir(self.seed_dir)[0]

    def published(self) -> Snapshot:
        """What the assistant answers from now: the published version, or the YAML seed."""
        version = self.published_version()
        return self.snapshot(version) if version is not None else self.seed()

    def history(self, limit: int = 200) -> List[Dict[str, Any]]:
        entries = [json.loads(v) for v in self.redis.hvals(KEY_HISTORY)]
        return sorted(entries, key=lambda e: -e["n"])[:limit]

    def version_meta(self, version: int) -> Optional[Dict[str, Any]]:
        raw = self.redis.hget(KEY_HISTORY, str(version))
        return json.loads(raw) if raw else None

    # -- drafts

    def drafts(self) -> Dict[str, Dict[str, Any]]:
        return {k.decode(): json.loads(v) for k, v in self.redis.hgetall(KEY_DRAFTS).items()}

    def draft(self, kind: str, item_id: str) -> Optional[Dict[str, Any]]:
        raw = self.redis.hget(KEY_DRAFTS, f"{kind}/{item_id}")
        return json.loads(raw) if raw else None

    def working(self) -> Snapshot:
        """Published knowledge with the drafts applied: what the next publication would be."""
        snapshot = self.published()
        apply_drafts(snapshot, self.drafts())
        return snapshot

    def item(self, kind: str, item_id: str) -> Optional[Dict[str, Any]]:
        return self.working()[kind].get(item_id)

    def save_draft(self, kind: str, data: Dict[str, Any], user: str, original_id: Optional[str] = None) -> Tuple[Optional[Dict], List[Problem]]:
        """Validate ``data`` against the working knowledge and keep it as a draft (or return problems)."""
        working = self.working()
        if original_id and original_id != data.get("id"):
            working[kind].pop(original_id, None)
        parsed, problems = parse_item(kind, data, working)
        if parsed is None:
            return None, problems
        item_id = parsed["id"]
        published = self.published()[kind].get(item_id)
        pipe = self.redis.pipeline()
        if published == parsed:
            pipe.hdel(KEY_DRAFTS, f"{kind}/{item_id}")
        else:
            pipe.hset(KEY_DRAFTS, f"{kind}/{item_id}", json.dumps({"data": parsed, "by": user, "at": now_iso()}, ensure_ascii=False))
        if original_id and original_id != item_id:
            pipe.hset(KEY_DRAFTS, f"{kind}/{original_id}", json.dumps({"data": None, "by": user, "at": now_iso()}, ensure_ascii=False))
        pipe.execute()
        self.audit(user, "draft_saved", f"{kind}/{item_id}", {"fields": changed_fields(published, parsed)})
        return parsed, []

    def save_drafts(self, kind: str, items: List[Dict[str, Any]], user: str) -> List[Problem]:
        """Validate ``items`` together within the working knowledge and keep them all as drafts in one
        Redis transaction, or none of them: the problems of any item are returned and nothing is saved
        (the catalogue importer's "nothing half applied"). One audit entry ``drafts_saved``."""
        working = self.working()
        for data in items:
            working[kind][str(data.get("id") or "_")] = data
        base, problems = validate_snapshot(working)
        mine = [p for data in items for p in problems_of(problems, kind, str(data.get("id") or "_"))]
        if mine:
            return mine
        parsed_items: Dict[str, Any] = dict(base.procedures) if kind == "procedures" else {e.id: e for e in base.faq}
        published = self.published()[kind]
        pipe = self.redis.pipeline(transaction=True)
        for data in items:
            parsed = canonical(kind, parsed_items[data["id"]])
            if published.get(data["id"]) == parsed:
                pipe.hdel(KEY_DRAFTS, f"{kind}/{data['id']}")
            else:
                pipe.hset(KEY_DRAFTS, f"{kind}/{data['id']}", json.dumps({"data": parsed, "by": user, "at": now_iso()}, ensure_ascii=False))
        pipe.execute()
        self.audit(user, "drafts_saved", kind, {"count": len(items)})
        return []

    def delete_item(self, kind: str, item_id: str, user: str) -> None:
        if item_id in self.published()[kind]:
            self.redis.hset(KEY_DRAFTS, f"{kind}/{item_id}", json.dumps({"data": None, "by": user, "at": now_iso()}))
        else:
            self.redis.hdel(KEY_DRAFTS, f"{kind}/{item_id}")
        self.audit(user, "draft_delete", f"{kind}/{item_id}")

    def discard_draft(self, key: str, user: str) -> None:
        self.redis.hdel(KEY_DRAFTS, key)
        self.audit(user, "draft_discarded", key)

    # -- publishing

    def _write_version(self, snapshot: Snapshot, user: str, message: str, previous: Optional[Snapshot], rollback_of: Optional[int] = None, clear_drafts: bool = False) -> int:
        version = self.redis.incr("kb:counter")
        meta = {
            "n": version,
            "at": now_iso(),
            "by": user,
            "message": message,
            "changes": changes_between(previous or empty_snapshot(), snapshot),
            "counts": {kind: len(snapshot[kind]) for kind in KINDS},
            **({"rollback_of": rollback_of} if rollback_of is not None else {}),
        }
        pipe = self.redis.pipeline()
        pipe.set(KEY_SNAPSHOT.format(version), json.dumps(snapshot, ensure_ascii=False))
        pipe.hset(KEY_HISTORY, str(version), json.dumps(meta, ensure_ascii=False))
        if clear_drafts:
            pipe.delete(KEY_DRAFTS)
        pipe.set(KEY_VERSION, version)
        pipe.execute()
        return version

    def _ensure_seed_version(self, seed: Optional[Snapshot] = None) -> Tuple[Optional[int], Snapshot]:
        version = self.published_version()
        if version is not None:
            return version, self.snapshot(version)
        seed = seed if seed is not None else self.seed()
        version = self._write_version(seed, SYSTEM_USER, f"Khởi tạo từ thư mục {self.seed_dir.name}/ (YAML)", None)
        self.audit(SYSTEM_USER, "seeded", f"v{version}", {"counts": {k: len(seed[k]) for k in KINDS}})
        return version, seed

    def publish(self, user: str, message: str = "") -> int:
        """Publish every draft as a new version; raises PublishError when the result is invalid."""
        with self.redis.lock(KEY_LOCK, timeout=30, blocking_timeout=10):
            drafts = self.drafts()
            if not drafts:
                raise PublishError("Không có thay đổi nào để xuất bản.")
            previous = self.published()
            snapshot = copy.deepcopy(previous)
            apply_drafts(snapshot, drafts)
            _, problems = validate_snapshot(snapshot)
            if problems:
                raise PublishError("Dữ liệu chưa hợp lệ, chưa thể xuất bản.", problems)
            self._ensure_seed_version(previous)
            version = self._write_version(snapshot, user, message or "Xuất bản", previous, clear_drafts=True)
            meta = self.version_meta(version) or {}
            self.audit(user, "published", f"v{version}", {"changes": meta.get("changes"), "message": message})
            return version

    def rollback(self, target: int, user: str) -> int:
        """Publish version ``target`` again as a new version (drafts are kept)."""
        with self.redis.lock(KEY_LOCK, timeout=30, blocking_timeout=10):
            snapshot = self.snapshot(target)
            current_version, previous = self._ensure_seed_version()
            version = self._write_version(snapshot, user, f"Khôi phục phiên bản {target}", previous, rollback_of=target)
            self.audit(user, "rollback", f"v{version}", {"to": target, "from": current_version})
            return version

    # -- audit

    def audit(self, user: str, action: str, target: str = "", detail: Optional[Dict[str, Any]] = None) -> None:
        entry = {"at": now_iso(), "by": user, "action": action, "target": target, **({"detail": detail} if detail else {})}
        pipe = self.redis.pipeline()
        pipe.lpush(KEY_AUDIT, json.dumps(entry, ensure_ascii=False))
        pipe.ltrim(KEY_AUDIT, 0, AUDIT_KEEP - 1)
        pipe.execute()

    def audit_log(self, limit: int = 200) -> List[Dict[str, Any]]:
        return [json.loads(v) for v in self.redis.lrange(KEY_AUDIT, 0, limit - 1)]


def apply_drafts(snapshot: Snapshot, drafts: Dict[str, Dict[str, Any]]) -> Snapshot:
    for key, draft in drafts.items():
        kind, _, item_id = key.partition("/")
        if kind not in KINDS:
            continue
        if draft.get("data") is None:
            snapshot[kind].pop(item_id, None)
        else:
            snapshot[kind][item_id] = draft["data"]
    return snapshot


def load_published(client: Any) -> Optional[Tuple[int, KnowledgeBase, List[Problem]]]:
    """The published version as a KnowledgeBase, or None when nothing is published (use the YAML)."""
    value = client.get(KEY_VERSION)
    if value is None:
        return None
    version = int(value)
    raw = client.get(KEY_SNAPSHOT.format(version))
    if raw is None:
        return None
    base, problems = validate_snapshot(json.loads(raw))
    base.version = f"v{version}-{base.version}"
    return version, base, problems


def main(argv: Optional[List[str]] = None) -> int:
    """``python -m bot.knowledge.store export DIR``: write the published knowledge as YAML files."""
    import argparse
    import redis

    from bot.settings import load_settings

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("command", choices=["export"])
    parser.add_argument("directory", type=Path)
    args = parser.parse_args(argv)
    settings = load_settings()
    if not settings.redis_url:
        print("REDIS_URL is not set: the published knowledge is the YAML files themselves.")
        return 1
    store = KnowledgeStore(redis.Redis.from_url(settings.redis_url), settings.knowledge_dir)
    snapshot = store.published()
    write_yaml_dir(snapshot, args.directory)
    print(f"{len(snapshot['procedures'])} procedures, {len(snapshot['faq'])} FAQ entries written to {args.directory}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
