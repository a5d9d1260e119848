"""``python -m admin [--host 127.0.0.1] [--port 8080]``: serve the officers' workspace."""

from __future__ import annotations

import argparse
import logging
import sys

import redis
from aiohttp import web

from admin.app import make_app
from bot.settings import SettingError, load_security_settings, load_settings


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    try:
        settings = load_settings()
        security = load_security_settings()
    except SettingError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2
    parser.add_argument("--host", default=settings.admin_host)
    parser.add_argument("--port", type=int, default=settings.admin_port)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)  # access lines carry query strings
    if not settings.redis_url:
        print("The officers' workspace needs Redis: set REDIS_URL (e.g. redis://127.0.0.1:6379/0).", file=sys.stderr)
        return 2
    client = redis.Redis.from_url(settings.redis_url, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as error:
        print(f"The officers' workspace cannot reach Redis at REDIS_URL ({error.__class__.__name__}).", file=sys.stderr)
        return 2
    app = make_app(client, settings.knowledge_dir, secure_cookie=security.admin_cookie_secure,
                   trusted_proxies=security.admin_trusted_proxies)
    if not client.scard("admin:users"):
        print("No officer account yet: create one with  python -m admin.create_user USERNAME --role reviewer", flush=True)
    web.run_app(app, host=args.host, port=args.port, print=lambda *_: print(f"Officers' workspace on http://{args.host}:{args.port}/", flush=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
