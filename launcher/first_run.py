"""What the run command sets up once in a Redis that has never seen the assistant.

* ``first_officer(redis_url)``: when the workspace has no account at all (``admin:users`` empty), creates
  the reviewer ``admin`` with a generated password and returns the lines that print it. It is printed
  this once: later runs find the account and print nothing; a forgotten password is reset with
  ``python -m admin.create_user admin``.
* ``demo_application(redis_url)``: the demo application of ``launcher/demo_application.yml`` (a sample,
  clearly labelled as such, off unless ``--demo`` or ``DEMO_APPLICATION=true``) put into the status
  store, as the ingestion API would; applying it again changes nothing (same event id).
"""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path
from typing import List

import redis
import yaml
from redis.asyncio import Redis as AsyncRedis

from admin import auth
from applications.events import parse_event
from applications.store import StatusStore

FIRST_OFFICER = "admin"
DEMO_FILE = Path(__file__).with_name("demo_application.yml")


def first_officer(redis_url: str) -> List[str]:
    client = redis.Redis.from_url(redis_url)
    try:
        if client.scard("admin:users"):
            return []
        password = secrets.token_urlsafe(12)
        auth.create_user(client, FIRST_OFFICER, password, "reviewer", "Quản trị viên đầu tiên")
    finally:
        client.close()
    return [f"  First officer account (shown this once): user {FIRST_OFFICER}, password {password}",
            f"    change it with: python -m admin.create_user {FIRST_OFFICER}"]


def demo_event():
    return parse_event(yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8")))


async def _apply_demo(redis_url: str, prefix: str) -> str:
    client = AsyncRedis.from_url(redis_url)
    try:
        return await StatusStore(client, prefix).apply(demo_event())
    finally:
        await client.close()


def demo_application(redis_url: str, prefix: str = "") -> List[str]:
    event = demo_event()
    asyncio.run(_apply_demo(redis_url, prefix))
    return [f"  Demo application (a sample, not a real one): TRACUU {event.code}, "
            f"last 4 digits of the phone: {(event.phone or '')[-4:]}"]
