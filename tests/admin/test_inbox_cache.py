"""The inbox's grouping is cached per inbox content (admin.inbox.GroupCache): repeated views do not
regroup; a new question or a resolved group does."""

from __future__ import annotations

import json

from admin import inbox


def _raw(question: str) -> bytes:
    return json.dumps({"question": question, "reason": "fallback"}, ensure_ascii=False).encode()


def test_the_grouping_is_reused_while_the_records_are_the_same(monkeypatch):
    calls = []
    real = inbox.group_records
    monkeypatch.setattr(inbox, "group_records", lambda raws, threshold=inbox.THRESHOLD: calls.append(1) or real(raws, threshold))
    cache = inbox.GroupCache()
    records = [_raw("làm thẻ bảo hiểm y tế cho con"), _raw("lam the bao hiem y te cho con"), _raw("đổi bằng lái xe")]
    first = cache.groups(records)
    assert [g.count for g in first] == [2, 1]
    assert cache.groups(list(records)) == first and len(calls) == 1
    assert [g.count for g in cache.groups(records + [_raw("đổi bằng lái xe ở đâu")])] == [2, 2] and len(calls) == 2
    assert [g.count for g in cache.groups(records[:1])] == [1] and len(calls) == 3
