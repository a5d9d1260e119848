"""The knowledge base as the running assistant sees it, reloaded when its files change.

Every process (the Rasa server for the procedure entity, the action server for answers) asks
``current()``; at most every ``KNOWLEDGE_RELOAD_SECONDS`` it checks whether the source changed and,
if so, reloads and rebuilds the matcher and the FAQ index. A broken edit never replaces a working
knowledge base: invalid files are reported in the log and left out.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Tuple

from bot.knowledge.faq_search import FaqIndex
from bot.knowledge.loader import KnowledgeBase, load_knowledge
from bot.knowledge.matcher import ProcedureMatcher
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
    def __init__(self, root: Path, reload_seconds: float = 2.0) -> None:
        self.root = root
        self.reload_seconds = reload_seconds
        self._lock = threading.Lock()
        self._live: Optional[LiveKnowledge] = None
        self._fingerprint: Tuple = ()
        self._checked_at = 0.0

    def current(self) -> LiveKnowledge:
        now = time.monotonic()
        if self._live is not None and now - self._checked_at < self.reload_seconds:
            return self._live
        with self._lock:
            self._checked_at = now
            fingerprint = _fingerprint(self.root)
            if self._live is None or fingerprint != self._fingerprint:
                self._live = self._load()
                self._fingerprint = fingerprint
        return self._live

    def _load(self) -> LiveKnowledge:
        base, problems = load_knowledge(self.root)
        for problem in problems:
            logger.error("knowledge: %s", problem)
        logger.info(
            "knowledge %s loaded: %d procedures, %d FAQ entries", base.version, len(base.procedures), len(base.faq)
        )
        return LiveKnowledge(base, ProcedureMatcher(base.procedures.values()), FaqIndex(base.faq))


_default: Optional[KnowledgeRepository] = None


def current() -> LiveKnowledge:
    """The knowledge base of this process, from the configured source."""
    global _default
    if _default is None:
        settings = load_settings()
        _default = KnowledgeRepository(settings.knowledge_dir, settings.knowledge_reload_seconds)
    return _default.current()
