"""The inbox of questions the assistant could not answer, grouped by similarity.

Records come from ``bot.unanswered`` (Redis list ``unanswered``, already masked). Questions are
compared with the FAQ retrieval's features (``faq_features``: folded syllables, bigrams, segmented
words) in TF-IDF space; a question joins the first group whose first question is at least
``THRESHOLD`` similar (cosine), else it starts a new group. A group's id is a hash of its first
question's search key, stable while the group exists. Resolving a group (a new FAQ, aliases of an
existing entry, or "ignore") removes its records from the list and keeps them in
``unanswered:resolved`` for the record.

The grouping is CPU work (up to ``READ_LIMIT`` questions): the workspace keeps one ``GroupCache``,
which regroups only when the records read differ from the last time, and groups in a worker thread.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import linear_kernel

from bot.knowledge.faq_search import faq_features
from bot.text import search_key
from core.redis_keys import UNANSWERED

THRESHOLD = 0.5
READ_LIMIT = 2000
RESOLVED_KEY = "unanswered:resolved"
REASONS = {
    "fallback": "không trả lời được",
    "low_confidence": "trả lời nhưng chưa chắc",
    "procedure_not_found": "không nhận ra thủ tục",
    "qualifier_not_covered": "thủ tục hoặc trường hợp chưa có",
    "aspect_not_covered": "thiếu thông tin được hỏi",
    "case_general_rule": "trường hợp riêng, chỉ trả lời theo quy định chung",
    "case_only": "chưa có thủ tục, chỉ trả lời theo một trường hợp đặc biệt",
}


@dataclass
class Group:
    id: str
    questions: List[str]
    raw: List[bytes] = field(repr=False, default_factory=list)
    records: List[Dict[str, Any]] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.records)

    @property
    def title(self) -> str:
        return self.distinct()[0] if self.questions else ""

    def distinct(self) -> List[str]:
        counts = Counter(q for q in self.questions)
        seen: Dict[str, str] = {}
        for question, _ in counts.most_common():
            seen.setdefault(search_key(question), question)
        return list(seen.values())

    @property
    def channels(self) -> Dict[str, int]:
        return dict(Counter(r.get("channel") or "?" for r in self.records))

    @property
    def reasons(self) -> Dict[str, int]:
        return dict(Counter(REASONS.get(r.get("reason", ""), r.get("reason", "")) for r in self.records))

    @property
    def last_at(self) -> str:
        return max((r.get("at", "") for r in self.records), default="")


def _group_id(text: str) -> str:
    return hashlib.sha256(search_key(text).encode()).hexdigest()[:12]


def groups(client: Any, threshold: float = THRESHOLD, cache: Optional["GroupCache"] = None) -> List[Group]:
    """Groups of unanswered questions, the largest first (``cache``: reuse the grouping while the
    inbox holds the same records)."""
    raw_entries = client.lrange(UNANSWERED, 0, READ_LIMIT - 1)
    if cache is not None:
        return cache.groups(raw_entries, threshold)
    return group_records(raw_entries, threshold)


def group_records(raw_entries: List[bytes], threshold: float = THRESHOLD) -> List[Group]:
    """The grouping itself (TF-IDF and cosine over up to ``READ_LIMIT`` questions: CPU work)."""
    records: List[Dict[str, Any]] = []
    raws: List[bytes] = []
    for raw in raw_entries:
        try:
            record = json.loads(raw)
        except ValueError:
            continue
        if str(record.get("question") or "").strip():
            records.append(record)
            raws.append(raw)
    if not records:
        return []
    texts = [r["question"] for r in records]
    # oldest first, so a group is named after its first question and stays stable
    order = list(range(len(texts) - 1, -1, -1))
    try:
        matrix = TfidfVectorizer(analyzer=faq_features, sublinear_tf=True).fit_transform([texts[i] for i in order])
        similarity = linear_kernel(matrix, matrix)
    except ValueError:  # nothing but stop symbols
        similarity = None
    found: List[Group] = []
    heads: List[int] = []
    for position, index in enumerate(order):
        target = None
        if similarity is not None:
            for group_number, head in enumerate(heads):
                if similarity[position, head] >= threshold or search_key(texts[index]) == search_key(texts[order[head]]):
                    target = group_number
                    break
        if target is None:
            found.append(Group(_group_id(texts[index]), []))
            heads.append(position)
            target = len(found) - 1
        found[target].questions.append(texts[index])
        found[target].records.append(records[index])
        found[target].raw.append(raws[index])
    return sorted(found, key=lambda g: (-g.count, g.title))


class GroupCache:
    """The grouping of the inbox content last seen: the records read from Redis are compared (a
    digest), so a page view regroups only when a question came in or a group was resolved. Safe to
    share between the worker threads the handlers group in."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: Optional[Tuple[float, bytes]] = None
        self._groups: List[Group] = []

    def groups(self, raw_entries: List[bytes], threshold: float = THRESHOLD) -> List[Group]:
        digest = hashlib.sha256()
        for raw in raw_entries:
            data = raw if isinstance(raw, bytes) else str(raw).encode()
            digest.update(len(data).to_bytes(8, "big") + data)
        key = (threshold, digest.digest())
        with self._lock:
            if key != self._key:
                self._groups, self._key = group_records(raw_entries, threshold), key
            return list(self._groups)


def find_group(client: Any, group_id: str, cache: Optional[GroupCache] = None) -> Group:
    for group in groups(client, cache=cache):
        if group.id == group_id:
            return group
    raise KeyError(group_id)


def resolve(client: Any, group: Group, how: str, user: str) -> int:
    """Remove the group's records from the inbox; returns how many were removed."""
    pipe = client.pipeline()
    for raw in group.raw:
        pipe.lrem(UNANSWERED, 1, raw)
    pipe.lpush(RESOLVED_KEY, json.dumps({"group": group.title, "count": group.count, "how": how, "by": user}, ensure_ascii=False))
    pipe.ltrim(RESOLVED_KEY, 0, 9999)
    results = pipe.execute()
    return sum(int(r) for r in results[: len(group.raw)])


async def resolve_async(client: Any, group: Group, how: str, user: str) -> int:
    """``resolve`` on a ``redis.asyncio`` client (the workspace's pages)."""
    pipe = client.pipeline()
    for raw in group.raw:
        pipe.lrem(UNANSWERED, 1, raw)
    pipe.lpush(RESOLVED_KEY, json.dumps({"group": group.title, "count": group.count, "how": how, "by": user}, ensure_ascii=False))
    pipe.ltrim(RESOLVED_KEY, 0, 9999)
    results = await pipe.execute()
    return sum(int(r) for r in results[: len(group.raw)])
