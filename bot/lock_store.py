"""A Redis lock store that several Rasa processes can share (Sanic workers, replicas).

Rasa serialises the turns of one conversation with a ticket lock (``rasa.core.lock.TicketLock``):
a message takes the next ticket, waits until it is served, and gives it back. Rasa's
``RedisLockStore`` reads the lock, changes it in Python and writes it back, in separate calls: with
one process that is safe (there is no ``await`` between them), with several it is not: two processes
can read the same lock, both issue ticket N and run the same conversation's turns at once (one
overwrites the other's tracker), or one deletes the lock while another has just taken a ticket
(that message then fails with ``LockError``). This store does every change of a lock (issue a
ticket, drop expired tickets, give a ticket back and delete the lock when nobody waits) as one Redis
transaction (WATCH the key, read, MULTI/EXEC; retried when another process changed the key in
between), with redis.asyncio, so the event loop never waits on a socket. A waiting message checks
its turn every ``POLL_SECONDS`` (Rasa: every second).

Redis failures (unreachable, or no answer within ``socket_timeout``, Rasa's 10 s by default): any that
happens before the turn starts (taking the ticket, waiting for it, dropping expired tickets) is a
``LockError``, as with Rasa's store: nothing of the turn has run, and the channels keep the message
and hand it over again (``channels.common.deliver``). A failure to give the ticket back after the turn
is logged (WARNING) and not raised: the turn has run, and the ticket expires by itself after its
lifetime (``lock_lifetime``, Rasa's 60 s), so the conversation's next message waits at most that long.

Redis keys (same as Rasa's store): ``<key_prefix>:lock:<conversation id>`` -> the lock's JSON
(``TicketLock.dumps``). Configured in the endpoints file as
``lock_store: {type: bot.lock_store.AtomicRedisLockStore, url, port, db, key_prefix, ...}``.
"""

from __future__ import annotations

import asyncio
import json
import logging
from contextlib import asynccontextmanager
from typing import Any, AsyncGenerator, Callable, Optional, Text, Tuple

from rasa.core.lock import TicketLock
from rasa.core.lock_store import DEFAULT_SOCKET_TIMEOUT_IN_SECONDS, LOCK_LIFETIME, LockError, RedisLockStore
from redis.asyncio import Redis as AsyncRedis
from redis.exceptions import RedisError, WatchError

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.05
LockChange = Callable[[Optional[TicketLock]], Tuple[Optional[TicketLock], Any]]


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: Any = None, **kwargs: Any) -> None:
        if endpoint_config is not None:  # how Rasa builds a lock store named by its class
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        kwargs.pop("type", None)
        super().__init__(**kwargs)
        self.async_red = AsyncRedis(
            host=kwargs.get("host", "localhost"), port=int(kwargs.get("port", 6379)), db=int(kwargs.get("db", 1)),
            username=kwargs.get("username"), password=kwargs.get("password"), ssl=bool(kwargs.get("use_ssl", False)),
            ssl_certfile=kwargs.get("ssl_certfile"), ssl_keyfile=kwargs.get("ssl_keyfile"),
            ssl_ca_certs=kwargs.get("ssl_ca_certs"),
            # a Redis that hangs fails the call (a LockError before the turn) instead of holding the turn forever
            socket_timeout=float(kwargs.get("socket_timeout", DEFAULT_SOCKET_TIMEOUT_IN_SECONDS)),
            socket_connect_timeout=float(kwargs.get("socket_timeout", DEFAULT_SOCKET_TIMEOUT_IN_SECONDS)),
        )

    async def change(self, conversation_id: Text, change: LockChange) -> Any:
        """Apply ``change(lock or None) -> (new lock or None to delete it, result)`` atomically; return result."""
        key = self.key_prefix + conversation_id
        async with self.async_red.pipeline(transaction=True) as pipe:
            while True:
                try:
                    await pipe.watch(key)
                    raw = await pipe.get(key)
                    new, result = change(TicketLock.from_dict(json.loads(raw)) if raw else None)
                    pipe.multi()
                    if new is None:
                        pipe.delete(key)
                    else:
                        pipe.set(key, new.dumps())
                    await pipe.execute()
                    return result
                except WatchError:  # another process changed the lock between our read and our write
                    continue

    async def current(self, conversation_id: Text) -> Optional[TicketLock]:
        raw = await self.async_red.get(self.key_prefix + conversation_id)
        return TicketLock.from_dict(json.loads(raw)) if raw else None

    async def take_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], Any]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        return await self.change(conversation_id, issue)

    async def give_back(self, conversation_id: Text, ticket: int) -> None:
        def finish(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], Any]:
            if lock is None:
                return None, None
            lock.remove_ticket_for(ticket)
            return (lock if lock.is_someone_waiting() else None), None

        await self.change(conversation_id, finish)

    async def drop_expired(self, conversation_id: Text) -> None:
        def expire(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], Any]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        await self.change(conversation_id, expire)

    @asynccontextmanager
    async def lock(
        self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME, wait_time_in_seconds: float = 1
    ) -> AsyncGenerator[TicketLock, None]:
        """Rasa's ``LockStore.lock`` with atomic, asynchronous steps. Redis unreachable before the turn
        starts is a ``LockError``, as with Rasa's store: nothing of the turn has run, so the channel keeps
        the message and hands it over again (``channels.common.deliver``)."""
        try:
            ticket = await self.take_ticket(conversation_id, lock_lifetime)
        except RedisError as error:
            raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}' ({error!r}).") from error
        try:
            try:
                while True:
                    lock = await self.current(conversation_id)
                    if lock is None:  # expired and deleted meanwhile
                        raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")
                    if not lock.is_locked(ticket):
                        break
                    await asyncio.sleep(min(wait_time_in_seconds, POLL_SECONDS))
                    await self.drop_expired(conversation_id)
            except RedisError as error:
                raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}' ({error!r}).") from error
            yield lock
        finally:
            try:
                await self.give_back(conversation_id, ticket)
            except RedisError as error:  # the ticket expires with its lifetime
                logger.warning("lock for a conversation not given back (%s); it expires by itself", type(error).__name__)
