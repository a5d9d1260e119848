"""The knowledge base as the running assistant sees it, reloaded when its source changes.

Every process (the Rasa server for the procedure entity, the action server for answers) asks
``current()``; at most every ``KNOWLEDGE_RELOAD_SECONDS`` it checks whether the source changed and,
if so, reloads and rebuilds the matcher and the FAQ index. A broken edit never replaces a working
knowledge base: invalid files are reported in the log, and a file that was valid before keeps its
last good version in this process (a file invalid from the start is left out).

The source is the version published by officers in Redis (``bot.knowledge.store``) when
``REDIS_URL`` is set and a version has been published, the YAML files of ``KNOWLEDGE_DIR``
otherwise. Checking Redis costs one GET of ``kb:version``; when Redis cannot be reached the
knowledge already loaded is kept (or the YAML files are read when nothing is loaded yet).
The synonym lexicon (``lexicon/synonyms.yml``, old and colloquial names) is always read from
``KNOWLEDGE_DIR``: published snapshots hold procedures and FAQ entries only.

A ``LiveKnowledge`` is an immutable snapshot: a caller takes one (``current()``) and uses it for the
whole turn. The process default (``current()`` of this module, what the Rasa server and the action
server use) checks and rebuilds in the background (``background=True``): after the first load, a call
never waits for Redis or for a rebuild; it gets the snapshot in use, and the new one is swapped in
when it is built (one check at a time). A repository made with ``background=False`` checks on the
caller's thread (scripts, tests).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Tuple

import redis

from bot.knowledge.faq_search import FaqIndex
from bot.knowledge.loader import KnowledgeBase, load_knowledge, load_synonyms
from bot.knowledge.matcher import ProcedureMatcher
from bot.knowledge.store import KEY_VERSION, load_published
from bot.settings import load_settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LiveKnowledge:
    base: KnowledgeBase
    matcher: ProcedureMatcher
    faq: FaqIndex


def _fingerprint(root: Path) -> Tuple[Tuple[str, float, int], ...]:
    files = sorted(p for p in root.glob("*/*.y*ml"))
    return tuple((str(p), p.stat().st_mtime, p.stat().st_size) for p in files)


class KnowledgeRepository:
    def __init__(self, root: Path, reload_seconds: float = 2.0, redis_url: Optional[str] = None,
                 background: bool = False) -> None:
        self.root = root
        self.reload_seconds = reload_seconds
        self.redis_url = redis_url
        self.background = background
        self._refreshing = threading.Event()
        self._redis: Any = None
        self._redis_failing = False
        self._lock = threading.Lock()
        self._live: Optional[LiveKnowledge] = None
        self._fingerprint: Tuple = ()
        self._checked_at = 0.0

    def current(self) -> LiveKnowledge:
        now = time.monotonic()
        if self._live is not None and now - self._checked_at < self.reload_seconds:
            return self._live
        if self._live is not None and self.background:
            self._refresh_in_background(now)
            return self._live  # the snapshot in use until the new one is built and swapped in
        return self._refresh(now)

    def _refresh_in_background(self, now: float) -> None:
        """One check at a time, on a thread of its own: the caller (an event loop) never waits for
        Redis or for a rebuild."""
        if self._refreshing.is_set():
            return
        self._refreshing.set()
        self._checked_at = now

        def run() -> None:
            try:
                self._refresh(now)
            except Exception:  # a bug here must not kill the process; the loaded snapshot stays
                logger.exception("knowledge: background reload failed, the loaded knowledge stays in use")
            finally:
                self._refreshing.clear()

        threading.Thread(target=run, name="knowledge-reload", daemon=True).start()

    def _refresh(self, now: float) -> LiveKnowledge:
        with self._lock:
            self._checked_at = now
            published = self._published_version()
            if published is _UNREACHABLE and self._live is not None:
                return self._live  # keep answering with what we have
            if isinstance(published, int):
                fingerprint: Tuple = ("redis", published)
            else:
                fingerprint = ("files", _fingerprint(self.root))
            if self._live is None or fingerprint != self._fingerprint:
                live = self._load_published() if isinstance(published, int) else None
                if live is None and isinstance(published, int):
                    fingerprint = ("files", _fingerprint(self.root))  # retry the published one next time
                self._live = live or self._load()
                self._fingerprint = fingerprint
        return self._live

    def _client(self) -> Any:
        if self._redis is None:
            import redis

            self._redis = redis.Redis.from_url(self.redis_url, socket_timeout=2, socket_connect_timeout=2)
        return self._redis

    def _published_version(self) -> Any:
        """The published version number, None when nothing is published, _UNREACHABLE on error."""
        if not self.redis_url:
            return None
        try:
            value = self._client().get(KEY_VERSION)
        except (redis.RedisError, OSError) as error:  # Redis down: keep the knowledge we have
            if not self._redis_failing:
                logger.warning("knowledge: Redis unavailable (%s), keeping the loaded knowledge", error.__class__.__name__)
            self._redis_failing = True
            return _UNREACHABLE
        self._redis_failing = False
        return int(value) if value is not None else None

    def _load_published(self) -> Optional[LiveKnowledge]:
        try:
            loaded = load_published(self._client())
        except (redis.RedisError, OSError, ValueError) as error:  # Redis down, or a damaged snapshot
            logger.warning("knowledge: cannot read the published version (%s)", error.__class__.__name__)
            return None
        if loaded is None:
            return None
        _, base, problems = loaded
        base.synonyms, found = load_synonyms(self.root)  # the lexicon is not part of published snapshots
        return self._build(base, problems + found, "published")

    def _load(self) -> LiveKnowledge:
        base, problems = load_knowledge(self.root)
        if self._live is not None and self._fingerprint[:1] == ("files",):
            _keep_last_good(base, self._live.base, problems)
        return self._build(base, problems, str(self.root))

    @staticmethod
    def _build(base: KnowledgeBase, problems: list, source: str) -> LiveKnowledge:
        for problem in problems:
            logger.error("knowledge: %s", problem)
        logger.info(
            "knowledge %s loaded from %s: %d procedures, %d FAQ entries",
            base.version, source, len(base.procedures), len(base.faq),
        )
        return LiveKnowledge(
            base, ProcedureMatcher(base.procedures.values(), base.synonyms), FaqIndex(base.faq, base.procedures.values())
        )


_UNREACHABLE = object()


def _keep_last_good(base: KnowledgeBase, previous: KnowledgeBase, problems: list) -> None:
    """A file that became invalid keeps the version this process had loaded before (files only)."""
    for problem in problems:
        path = Path(problem.path)
        kind, item_id = path.parent.name, path.stem
        if kind == "procedures" and item_id not in base.procedures and item_id in previous.procedures:
            base.procedures[item_id] = previous.procedures[item_id]
            logger.warning("knowledge: %s is invalid, the last good version stays in use", problem.path)
        elif kind == "faq" and all(e.id != item_id for e in base.faq):
            kept = next((e for e in previous.faq if e.id == item_id), None)
            if kept is not None:
                base.faq.append(kept)
                logger.warning("knowledge: %s is invalid, the last good version stays in use", problem.path)


_default: Optional[KnowledgeRepository] = None


def current() -> LiveKnowledge:
    """The knowledge base of this process, from the configured source."""
    global _default
    if _default is None:
        settings = load_settings()
        _default = KnowledgeRepository(settings.knowledge_dir, settings.knowledge_reload_seconds, settings.redis_url,
                                       background=True)
    return _default.current()
