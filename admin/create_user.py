"""``python -m admin.create_user USERNAME [--role editor|reviewer] [--name "Full name"]``

Creates (or resets) an officer account of the workspace. The password is asked twice on the
terminal, or read from standard input with ``--password-stdin`` (for scripts). Needs ``REDIS_URL``.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import List, Optional

import redis

from admin import auth
from bot.settings import load_settings


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("username")
    parser.add_argument("--role", choices=sorted(auth.ROLES), default="reviewer")
    parser.add_argument("--name", default="", help="name shown in the workspace and the history")
    parser.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    args = parser.parse_args(argv)
    settings = load_settings()
    if not settings.redis_url:
        print("REDIS_URL is not set: the workspace keeps its accounts in Redis.", file=sys.stderr)
        return 2
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Mật khẩu: ")
        if getpass.getpass("Nhập lại mật khẩu: ") != password:
            print("Hai lần nhập không khớp.", file=sys.stderr)
            return 1
    client = redis.Redis.from_url(settings.redis_url)
    existed = auth.get_user(client, args.username.strip().lower()) is not None
    try:
        user = auth.create_user(client, args.username, password, args.role, args.name)
    except auth.AuthError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"{'Updated' if existed else 'Created'} {user.username} ({user.role}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
