"""The workspace's knowledge store: ``bot.knowledge.store.KnowledgeStore`` (drafts, versions, publishing,
rollback, audit; its docstring names the ``kb:*`` keys and the rules), each call run in a worker thread
so that the aiohttp event loop never waits for Redis or for the validation of a snapshot.

There is one store and one set of rules: the Rasa side (``bot.knowledge.repository``), the command lines
and the workspace all use the same synchronous class; here every method is awaited instead
(``await store.publish(user, message)``). The synchronous redis-py client it is given is thread-safe.
"""

from __future__ import annotations

import asyncio
import functools
from pathlib import Path
from typing import Any, Callable

from bot.knowledge.store import KnowledgeStore


class ThreadedKnowledgeStore:
    """``KnowledgeStore(client, seed_dir)`` whose methods are coroutines run with ``asyncio.to_thread``."""

    def __init__(self, client: Any, seed_dir: Path) -> None:
        self._store = KnowledgeStore(client, seed_dir)

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = getattr(self._store, name)
        if not callable(method):
            raise AttributeError(f"{name} is not a method of the knowledge store")

        @functools.wraps(method)
        async def in_thread(*args: Any, **kwargs: Any) -> Any:
            return await asyncio.to_thread(method, *args, **kwargs)

        return in_thread
