"""``python -m launcher.notification_worker [--name NAME]``: one notification worker process (run several).

Wiring: the notifications worker (``notifications.worker``: delivery, retries, rate limits, dead
letters) is given the applications' texts (``applications.render.render_notification``) and
subscriptions (``applications.store.StatusStore``: ``app:{code}:subs`` and the unsubscribe of a
recipient who refused with 403), on the worker's own Redis client and the status key prefix.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import socket
from functools import partial
from typing import Iterable

from redis.asyncio import Redis

from applications.render import render_notification
from applications.store import StatusStore
from bot.settings import load_settings, load_status_settings
from notifications.senders import Senders
from notifications.stream import CHANNELS
from notifications.worker import Worker, WorkerConfig, run_worker


def status_worker(redis: Redis, senders: Senders, name: str, config: WorkerConfig, prefix: str = "",
                  channels: Iterable[str] = CHANNELS) -> Worker:
    """A worker for the application status notifications, on ``redis`` (the tests' in-process workers)."""
    return Worker(redis, senders, name, config, prefix, channels,
                  render=render_notification, subscriptions=StatusStore(redis, prefix))


def main() -> None:
    settings = load_status_settings()
    parser = argparse.ArgumentParser(description="A notification worker (one process of the consumer group)")
    parser.add_argument("--name", default=f"{socket.gethostname()}-{os.getpid()}", help="consumer name")
    parser.add_argument("--redis-url", default=settings.redis_url)
    parser.add_argument("--concurrency", type=int, default=settings.concurrency)
    args = parser.parse_args()
    if not args.redis_url:
        raise SystemExit("REDIS_URL is not set: notifications need Redis")
    logging.basicConfig(level=load_settings().log_level, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    config = WorkerConfig.from_settings(settings)
    config.concurrency = args.concurrency
    channels = list(dict.fromkeys([*CHANNELS, *settings.subscribe_channels.values()]))
    asyncio.run(run_worker(args.redis_url, args.name, config, settings.key_prefix, channels,
                           render=render_notification, subscriptions=partial(StatusStore, prefix=settings.key_prefix)))


if __name__ == "__main__":
    main()
