"""Configuration in one place: every setting comes from an environment variable with a safe default."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


@dataclass(frozen=True)
class Settings:
    knowledge_dir: Path
    redis_url: Optional[str]
    data_dir: Path
    faq_threshold: float
    knowledge_reload_seconds: float
    hotline: str
    portal_url: str


def load_settings() -> Settings:
    return Settings(
        knowledge_dir=Path(os.environ.get("KNOWLEDGE_DIR", PROJECT_ROOT / "knowledge")),
        redis_url=os.environ.get("REDIS_URL") or None,
        data_dir=Path(os.environ.get("DATA_DIR", PROJECT_ROOT / "var")),
        faq_threshold=_float("FAQ_THRESHOLD", 0.35),
        knowledge_reload_seconds=_float("KNOWLEDGE_RELOAD_SECONDS", 2.0),
        hotline=os.environ.get("HOTLINE", "18001096"),
        portal_url=os.environ.get("PORTAL_URL", "https://dichvucong.gov.vn"),
    )


def _int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


@dataclass(frozen=True)
class StatusSettings:
    """Application status (issue 4): ingestion API, query limits, notification workers."""

    redis_url: Optional[str]
    api_host: str                 # STATUS_API_HOST: where the one-stop system pushes status changes
    api_port: int                 # STATUS_API_PORT
    api_secret: str               # STATUS_API_SECRET: shared HMAC secret; empty = the API refuses every push
    api_max_skew: int             # STATUS_API_MAX_SKEW: seconds a signed request stays valid (replays)
    max_failures: int             # STATUS_MAX_FAILURES: failed checks per sender per window
    max_queries: int              # STATUS_MAX_QUERIES: queries per sender per window
    guard_window: int             # STATUS_GUARD_WINDOW seconds
    sms_channels: tuple           # STATUS_SMS_CHANNELS: input channels whose sender id is the phone
    subscribe_channels: dict      # STATUS_SUBSCRIBE_CHANNELS: input channel -> notification channel
    workers: int                  # NOTIFY_WORKERS: worker processes the run command starts
    concurrency: int              # NOTIFY_CONCURRENCY: notifications in flight per worker
    max_attempts: int             # NOTIFY_MAX_ATTEMPTS: failed attempts before the dead-letter stream
    backoff_base: float           # NOTIFY_BACKOFF_BASE seconds (doubles each attempt, full jitter)
    backoff_max: float            # NOTIFY_BACKOFF_MAX seconds
    claim_idle: float             # NOTIFY_CLAIM_IDLE: seconds before a pending message is reclaimed
    send_timeout: float           # NOTIFY_SEND_TIMEOUT seconds per provider call
    channel_rates: dict           # NOTIFY_RATE_<CHANNEL>: messages per second per channel (all workers)
    recipient_rates: dict         # NOTIFY_RECIPIENT_RATE_<CHANNEL>: messages per second per recipient


def _pairs(raw: str) -> dict:
    pairs = (item.split(":", 1) for item in raw.split(",") if ":" in item)
    return {key.strip(): value.strip() for key, value in pairs if key.strip() and value.strip()}


def load_status_settings() -> StatusSettings:
    channels = ("telegram", "zalo", "sms")
    return StatusSettings(
        redis_url=os.environ.get("REDIS_URL") or None,
        api_host=os.environ.get("STATUS_API_HOST", "127.0.0.1"),
        api_port=_int("STATUS_API_PORT", 8090),
        api_secret=os.environ.get("STATUS_API_SECRET", ""),
        api_max_skew=_int("STATUS_API_MAX_SKEW", 300),
        max_failures=_int("STATUS_MAX_FAILURES", 5),
        max_queries=_int("STATUS_MAX_QUERIES", 30),
        guard_window=_int("STATUS_GUARD_WINDOW", 3600),
        sms_channels=tuple(c.strip() for c in os.environ.get("STATUS_SMS_CHANNELS", "sms,twilio").split(",") if c.strip()),
        subscribe_channels=_pairs(os.environ.get("STATUS_SUBSCRIBE_CHANNELS", "telegram:telegram,zalo:zalo,sms:sms,twilio:sms")),
        workers=_int("NOTIFY_WORKERS", 2),
        concurrency=_int("NOTIFY_CONCURRENCY", 32),
        max_attempts=_int("NOTIFY_MAX_ATTEMPTS", 8),
        backoff_base=_float("NOTIFY_BACKOFF_BASE", 1.0),
        backoff_max=_float("NOTIFY_BACKOFF_MAX", 300.0),
        claim_idle=_float("NOTIFY_CLAIM_IDLE", 60.0),
        send_timeout=_float("NOTIFY_SEND_TIMEOUT", 10.0),
        channel_rates={c: _float(f"NOTIFY_RATE_{c.upper()}", d) for c, d in zip(channels, (30.0, 20.0, 10.0))},
        recipient_rates={c: _float(f"NOTIFY_RECIPIENT_RATE_{c.upper()}", d) for c, d in zip(channels, (1.0, 1.0, 0.2))},
    )
