"""Officer accounts, sessions, CSRF tokens and login rate limiting, all in Redis.

Passwords are hashed with argon2id (argon2-cffi defaults). A session is a random token in an
HttpOnly, SameSite=Strict cookie; the session itself (user, role, CSRF token) lives in Redis with a
sliding expiry. Login attempts are limited per account and per client address: after
``MAX_FAILURES`` failures in ``LOCK_SECONDS`` further attempts are refused (HTTP 429) for the rest of
that window, even with the right password. Addresses are kept only as a hash.

Keys: ``admin:users`` (set of names), ``admin:user:{name}`` (``user_key``), ``admin:session:{sha256 of the token}``
(``session_key``: the workspace rewrites a session's flash messages through it),
``admin:fail:user:{name}`` and ``admin:fail:addr:{address hash}``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from bot.knowledge.store import now_iso
from core.redis_counters import WINDOW_INCR

ROLES = {"editor": "Biên tập viên", "reviewer": "Người duyệt"}
USERNAME = re.compile(r"^[a-z0-9._-]{3,40}$")
MIN_PASSWORD = 10
SESSION_SECONDS = 8 * 3600
MAX_FAILURES = 5
MAX_FAILURES_PER_ADDRESS = 30
LOCK_SECONDS = 15 * 60
COOKIE = "tldvc_admin"

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a real password, used to spend the same time")


@dataclass(frozen=True)
class User:
    username: str
    role: str
    display_name: str

    @property
    def can_publish(self) -> bool:
        return self.role == "reviewer"

    @property
    def role_name(self) -> str:
        return ROLES.get(self.role, self.role)


class AuthError(Exception):
    pass


def user_key(username: str) -> str:
    return f"admin:user:{username}"


def create_user(client: Any, username: str, password: str, role: str, display_name: str = "") -> User:
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise AuthError("Tên đăng nhập gồm 3–40 chữ thường không dấu, số, dấu chấm, gạch ngang hoặc gạch dưới.")
    if role not in ROLES:
        raise AuthError(f"Vai trò phải là một trong: {', '.join(ROLES)}.")
    if len(password) < MIN_PASSWORD:
        raise AuthError(f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự.")
    client.hset(
        user_key(username),
        mapping={"hash": _hasher.hash(password), "role": role, "name": display_name or username, "created": now_iso()},
    )
    client.sadd("admin:users", username)
    return User(username, role, display_name or username)


def get_user(client: Any, username: str) -> Optional[User]:
    data = client.hgetall(user_key(username))
    if not data:
        return None
    return User(username, data[b"role"].decode(), data.get(b"name", username.encode()).decode())


def list_users(client: Any) -> List[User]:
    return [u for u in (get_user(client, n.decode()) for n in sorted(client.smembers("admin:users"))) if u]


def address_hash(address: str) -> str:
    return hashlib.sha256(("tldvc-admin:" + (address or "")).encode()).hexdigest()[:16]


def login_blocked(client: Any, username: str, address: str) -> bool:
    user_failures = int(client.get(f"admin:fail:user:{username}") or 0)
    address_failures = int(client.get(f"admin:fail:addr:{address_hash(address)}") or 0)
    return user_failures >= MAX_FAILURES or address_failures >= MAX_FAILURES_PER_ADDRESS


def _count_failure(client: Any, username: str, address: str) -> None:
    for key in (f"admin:fail:user:{username}", f"admin:fail:addr:{address_hash(address)}"):
        client.eval(WINDOW_INCR, 1, key, LOCK_SECONDS)


def check_password(client: Any, username: str, password: str, address: str) -> Optional[User]:
    """The user when the password is right and the account is not locked; counts failures."""
    username = (username or "").strip().lower()
    if login_blocked(client, username, address):
        raise AuthError("locked")
    stored = client.hget(user_key(username), "hash") if USERNAME.match(username) else None
    try:
        _hasher.verify(stored.decode() if stored else _DUMMY_HASH, password or "")
        ok = stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    if not ok:
        _count_failure(client, username, address)
        return None
    client.delete(f"admin:fail:user:{username}")
    if _hasher.check_needs_rehash(stored.decode()):
        client.hset(user_key(username), "hash", _hasher.hash(password))
    return get_user(client, username)


# ---------------------------------------------------------------- sessions


def new_session(client: Any, user: User) -> str:
    token = secrets.token_urlsafe(32)
    data = {"user": user.username, "csrf": secrets.token_urlsafe(32), "created": now_iso()}
    client.set(session_key(token), json.dumps(data), ex=SESSION_SECONDS)
    return token


def session_key(token: str) -> str:
    """The Redis key of a session: ``admin:session:{sha256 of the token}`` (the token itself is never stored)."""
    return f"admin:session:{_token_key(token)}"


def _token_key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def load_session(client: Any, token: Optional[str]) -> Optional[Dict[str, Any]]:
    if not token or len(token) > 100:
        return None
    key = session_key(token)
    raw = client.get(key)
    if raw is None:
        return None
    client.expire(key, SESSION_SECONDS)
    return json.loads(raw)


def end_session(client: Any, token: Optional[str]) -> None:
    if token:
        client.delete(session_key(token))


def same_token(expected: Optional[str], given: Optional[str]) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))
