"""Rasa endpoints for the current settings: Redis tracker and lock stores when REDIS_URL is set,
in memory otherwise (the embedded default for a first run)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Dict
from urllib.parse import urlparse

import yaml

from bot.settings import Settings

logger = logging.getLogger(__name__)


def redis_store(redis_url: str, kind: str) -> Dict[str, Any]:
    url = urlparse(redis_url)
    store: Dict[str, Any] = {
        "type": "redis",
        "url": url.hostname or "127.0.0.1",
        "port": url.port or 6379,
        "db": int((url.path or "/0").lstrip("/") or 0),
        "key_prefix": kind,
    }
    if url.password:
        store["password"] = url.password
    if url.scheme == "rediss":
        store["use_ssl"] = True
    return store


def endpoints(settings: Settings, action_url: str) -> Dict[str, Any]:
    config: Dict[str, Any] = {"action_endpoint": {"url": action_url}}
    if settings.redis_url:
        config["tracker_store"] = redis_store(settings.redis_url, "tracker")
        config["lock_store"] = redis_store(settings.redis_url, "lock")
    return config


def write_endpoints(settings: Settings, action_url: str, path: Path) -> str:
    """Write the endpoints file; return one line that says where conversation state lives."""
    path.parent.mkdir(parents=True, exist_ok=True)
    config = endpoints(settings, action_url)
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    if settings.redis_url:
        store = config["tracker_store"]
        return f"State: Redis tracker and lock stores at {store['url']}:{store['port']}/{store['db']}"
    return "State: in memory (REDIS_URL not set): conversations are lost when the assistant stops"
