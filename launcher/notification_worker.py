"""``python -m launcher.notification_worker [--name NAME]``: one notification worker process (run several).

Wiring: the notifications worker (``notifications.worker``: delivery, retries, rate limits, dead
letters, receipts, fallback) is given the applications' notices (``applications.render.render_notice``
with the template registry, ``ZALO_TEMPLATES_FILE``; its costs for the daily estimate) and
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
from typing import Iterable, Optional

from redis.asyncio import Redis

from applications.render import render_notice
from applications.store import StatusStore
from applications.templates import Registry, registry
from bot.settings import load_settings, load_status_settings
from notifications.senders import Senders
from notifications.stream import CHANNELS
from notifications.worker import Worker, WorkerConfig, run_worker


def status_worker(redis: Redis, senders: Senders, name: str, config: WorkerConfig, prefix: str = "",
                  channels: Iterable[str] = CHANNELS, reg: Optional[Registry] = None) -> Worker:
    """A worker for the application status notifications, on ``redis`` (the tests' in-process workers)."""
    reg = reg or registry()
    return Worker(redis, senders, name, config, prefix, channels, render=partial(render_notice, reg=reg),
                  subscriptions=StatusStore(redis, prefix), costs=reg.cost)


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
    reg = registry(settings.zalo_templates_file or None)
    asyncio.run(run_worker(args.redis_url, args.name, config, settings.key_prefix, channels,
                           render=partial(render_notice, reg=reg), costs=reg.cost,
                           subscriptions=partial(StatusStore, prefix=settings.key_prefix,
                                                 fallback_order=tuple(settings.fallback_order))))


if __name__ == "__main__":
    main()
