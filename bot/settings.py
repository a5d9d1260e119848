"""Configuration in one place: every setting comes from an environment variable with a safe default.

An unset variable takes its default; a set one that cannot be used (``FAQ_THRESHOLD=abc``) raises
``SettingError`` naming the variable. ``check_all()`` loads every group once: the launcher calls it
before starting anything, so a bad value is a start-up error, never a silent default.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Optional

from core.channels import MESSAGING_CHANNELS

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _number(name: str, default: float, kind: type = float):
    """The environment variable ``name`` as ``kind`` (float or int); ``default`` when unset or empty;
    ``SettingError`` naming the variable when it is not such a number."""
    raw = (os.environ.get(name) or "").strip()
    if not raw:
        return default
    try:
        return kind(raw)
    except ValueError:
        what = "a whole number" if kind is int else "a number"
        raise SettingError(f"{name} must be {what} (it is {raw!r})") from None


def _float(name: str, default: float) -> float:
    return _number(name, default, float)


def _int(name: str, default: int) -> int:
    return _number(name, default, int)


@dataclass(frozen=True)
class ChannelSettings:
    """Messaging channels (channels/): a channel is enabled only when all its required variables are
    set (see CHANNEL_REQUIREMENTS); secrets stay in the environment, never in generated files."""

    telegram_bot_token: Optional[str] = None  # TELEGRAM_BOT_TOKEN (from @BotFather)
    telegram_secret_token: Optional[str] = None  # TELEGRAM_SECRET_TOKEN (setWebhook secret_token)
    telegram_api_base: str = "https://api.telegram.org"  # TELEGRAM_API_BASE
    telegram_webhook_url: Optional[str] = None  # TELEGRAM_WEBHOOK_URL: if set, setWebhook at start
    zalo_app_id: Optional[str] = None  # ZALO_APP_ID
    zalo_app_secret: Optional[str] = None  # ZALO_APP_SECRET (token refresh)
    zalo_oa_secret_key: Optional[str] = None  # ZALO_OA_SECRET_KEY (webhook signature)
    zalo_access_token: Optional[str] = None  # ZALO_OA_ACCESS_TOKEN
    zalo_refresh_token: Optional[str] = None  # ZALO_REFRESH_TOKEN
    zalo_token_file: Optional[str] = None  # ZALO_TOKEN_FILE (refreshed tokens; default DATA_DIR/zalo-token.json)
    zalo_api_base: str = "https://openapi.zalo.me"  # ZALO_API_BASE
    zalo_oauth_base: str = "https://oauth.zaloapp.com"  # ZALO_OAUTH_BASE
    zalo_button_template: bool = True  # ZALO_BUTTON_TEMPLATE=false: numbered lists only
    zalo_zns_base: str = "https://business.openapi.zalo.me"  # ZALO_ZNS_BASE (ZNS template messages)
    zalo_cs_window_hours: float = 48.0  # ZALO_CS_WINDOW_HOURS: CS messages only this long after the last interaction
    zalo_cs_max_messages: int = 8  # ZALO_CS_MAX_MESSAGES: CS messages per interaction (0: no limit)
    zalo_cs_remember_days: float = 7.0  # ZALO_CS_REMEMBER_DAYS: how long the last interaction's time is kept
    zalo_oa_receipts: bool = False  # ZALO_OA_RECEIPTS=true: CS/transaction messages wait for user_received_message
    sms_gateway_url: Optional[str] = None  # SMS_GATEWAY_URL
    sms_gateway_api_key: Optional[str] = None  # SMS_GATEWAY_API_KEY
    sms_brandname: str = ""  # SMS_BRANDNAME
    sms_webhook_secret: Optional[str] = None  # SMS_WEBHOOK_SECRET (X-Signature HMAC key)
    twilio_auth_token: Optional[str] = None  # TWILIO_AUTH_TOKEN (X-Twilio-Signature)
    sms_twilio_webhook_url: Optional[str] = None  # SMS_TWILIO_WEBHOOK_URL (public URL Twilio calls)


# channel -> (environment variables that must all be set, groups of which at least one must be set)
CHANNEL_REQUIREMENTS = {
    "telegram": (("TELEGRAM_BOT_TOKEN", "TELEGRAM_SECRET_TOKEN"), ()),
    "zalo": (("ZALO_APP_ID", "ZALO_OA_SECRET_KEY", "ZALO_OA_ACCESS_TOKEN"), ()),
    "sms": (("SMS_GATEWAY_URL", "SMS_GATEWAY_API_KEY"), (("SMS_WEBHOOK_SECRET", "TWILIO_AUTH_TOKEN"),)),
}


def load_channel_settings(environ: Optional[Mapping[str, str]] = None) -> ChannelSettings:
    env = os.environ if environ is None else environ

    def get(name: str) -> Optional[str]:
        value = (env.get(name) or "").strip()
        return value or None

    return ChannelSettings(
        telegram_bot_token=get("TELEGRAM_BOT_TOKEN"),
        telegram_secret_token=get("TELEGRAM_SECRET_TOKEN"),
        telegram_api_base=get("TELEGRAM_API_BASE") or "https://api.telegram.org",
        telegram_webhook_url=get("TELEGRAM_WEBHOOK_URL"),
        zalo_app_id=get("ZALO_APP_ID"),
        zalo_app_secret=get("ZALO_APP_SECRET"),
        zalo_oa_secret_key=get("ZALO_OA_SECRET_KEY"),
        zalo_access_token=get("ZALO_OA_ACCESS_TOKEN"),
        zalo_token_file=get("ZALO_TOKEN_FILE"),
        zalo_refresh_token=get("ZALO_REFRESH_TOKEN"),
        zalo_api_base=get("ZALO_API_BASE") or "https://openapi.zalo.me",
        zalo_oauth_base=get("ZALO_OAUTH_BASE") or "https://oauth.zaloapp.com",
        zalo_button_template=(get("ZALO_BUTTON_TEMPLATE") or "true").lower() not in {"false", "0", "no"},
        zalo_zns_base=get("ZALO_ZNS_BASE") or "https://business.openapi.zalo.me",
        zalo_cs_window_hours=_float("ZALO_CS_WINDOW_HOURS", 48.0),
        zalo_cs_max_messages=_int("ZALO_CS_MAX_MESSAGES", 8),
        zalo_cs_remember_days=_float("ZALO_CS_REMEMBER_DAYS", 7.0),
        zalo_oa_receipts=(get("ZALO_OA_RECEIPTS") or "false").lower() in {"true", "1", "yes"},
        sms_gateway_url=get("SMS_GATEWAY_URL"),
        sms_gateway_api_key=get("SMS_GATEWAY_API_KEY"),
        sms_brandname=get("SMS_BRANDNAME") or "",
        sms_webhook_secret=get("SMS_WEBHOOK_SECRET"),
        twilio_auth_token=get("TWILIO_AUTH_TOKEN"),
        sms_twilio_webhook_url=get("SMS_TWILIO_WEBHOOK_URL"),
    )


@dataclass(frozen=True)
class Settings:
    knowledge_dir: Path
    redis_url: Optional[str]
    data_dir: Path
    faq_threshold: float
    faq_threshold_without_procedure: float
    knowledge_reload_seconds: float
    hotline: str
    portal_url: str
    channels: ChannelSettings = field(default_factory=ChannelSettings)
    # a procedure's special case answers a question when its retrieval score reaches this
    special_case_threshold: float = 0.3
    # an FAQ entry this close to the message answers it before the procedure's fields
    faq_threshold_close: float = 0.8
    admin_host: str = "127.0.0.1"  # ADMIN_HOST: the officers' workspace (python -m admin)
    admin_port: int = 8080  # ADMIN_PORT
    log_level: str = "INFO"  # LOG_LEVEL of the processes we start ourselves (workers)
    # DEMO_APPLICATION=true: the run command puts the sample application of launcher/demo_application.yml
    # into the status store (TRACUU DEMO-2025-000001), for trying the assistant; never in production
    demo_application: bool = False
    # REDIS_OUTAGE_WAIT_SECONDS: how long a chat channel keeps a message it could not handle because
    # Redis was down, trying again, before it tells the citizen to try again in a few minutes
    redis_outage_wait_seconds: float = 120.0
    # RASA_WORKERS: Rasa server processes (Sanic workers) sharing the port; several only with Redis
    # (the lock store bot/lock_store.py makes that safe). Default 1: with several, each Sanic worker has its
    # own /metrics counters and the launcher's stop does not yet reach Sanic's worker children.
    rasa_workers: int = 1
    webchat_host: str = "127.0.0.1"  # WEBCHAT_HOST: the web chat page served alone (python -m channels.webchat.server)
    webchat_port: int = 8000  # WEBCHAT_PORT
    webchat_rasa_url: str = "http://127.0.0.1:5005"  # WEBCHAT_RASA_URL: the Rasa server the page forwards to


def load_settings() -> Settings:
    return Settings(
        knowledge_dir=Path(os.environ.get("KNOWLEDGE_DIR", PROJECT_ROOT / "knowledge")),
        redis_url=os.environ.get("REDIS_URL") or None,
        data_dir=Path(os.environ.get("DATA_DIR", PROJECT_ROOT / "var")),
        faq_threshold=_float("FAQ_THRESHOLD", 0.38),
        faq_threshold_without_procedure=_float("FAQ_THRESHOLD_WITHOUT_PROCEDURE", 0.6),
        knowledge_reload_seconds=_float("KNOWLEDGE_RELOAD_SECONDS", 2.0),
        hotline=os.environ.get("HOTLINE", "18001096"),
        portal_url=os.environ.get("PORTAL_URL", "https://dichvucong.gov.vn"),
        channels=load_channel_settings(),
        special_case_threshold=_float("SPECIAL_CASE_THRESHOLD", 0.3),
        faq_threshold_close=_float("FAQ_THRESHOLD_CLOSE", 0.8),
        admin_host=(os.environ.get("ADMIN_HOST") or "127.0.0.1").strip(),
        admin_port=_int("ADMIN_PORT", 8080),
        log_level=_log_level(),
        demo_application=_boolean(os.environ, "DEMO_APPLICATION", False),
        redis_outage_wait_seconds=_float("REDIS_OUTAGE_WAIT_SECONDS", 120.0),
        rasa_workers=_rasa_workers(),
        webchat_host=(os.environ.get("WEBCHAT_HOST") or "127.0.0.1").strip(),
        webchat_port=_int("WEBCHAT_PORT", 8000),
        webchat_rasa_url=(os.environ.get("WEBCHAT_RASA_URL") or "http://127.0.0.1:5005").strip().rstrip("/"),
    )


def _rasa_workers() -> int:
    workers = _int("RASA_WORKERS", 1)
    if workers < 1:
        raise SettingError(f"RASA_WORKERS must be at least 1 (it is {workers})")
    return workers


def _log_level() -> str:
    raw = (os.environ.get("LOG_LEVEL") or "INFO").strip().upper()
    if raw not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        raise SettingError(f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL (it is {raw!r})")
    return raw


@dataclass(frozen=True)
class StatusSettings:
    """Application status (issue 4): ingestion API, query limits, notification workers."""

    redis_url: Optional[str]
    key_prefix: str               # STATUS_KEY_PREFIX: prefix of every status/notification key ("" = none)
    api_host: str                 # STATUS_API_HOST: where the one-stop system pushes status changes
    api_port: int                 # STATUS_API_PORT
    api_secret: str               # STATUS_API_SECRET: shared HMAC secret; empty = the API refuses every push
    api_max_skew: int             # STATUS_API_MAX_SKEW: seconds a signed request stays valid (replays)
    max_failures: int             # STATUS_MAX_FAILURES: failed checks per sender per window
    max_queries: int              # STATUS_MAX_QUERIES: queries per sender per window
    max_code_failures: int        # STATUS_MAX_CODE_FAILURES: failed checks on one code, all senders, per window
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
    receipt_deadline: float = 900.0   # NOTIFY_RECEIPT_DEADLINE: seconds to wait for a delivery receipt before fallback
    fallback_order: tuple = ("zalo", "sms", "telegram")  # NOTIFY_FALLBACK_ORDER: channel after channel
    quiet_hours: tuple = ()       # NOTIFY_QUIET_HOURS: "21-7" (Vietnam time) for the channels in NOTIFY_QUIET_CHANNELS
    quiet_channels: tuple = ("sms",)  # NOTIFY_QUIET_CHANNELS
    receipt_secret: str = ""      # NOTIFY_RECEIPT_SECRET: HMAC key of the SMS gateway's delivery reports
    zalo_templates_file: str = ""  # ZALO_TEMPLATES_FILE: the operator's Zalo template registry (default: the packaged one)
    overdue_grace_hours: float = 24.0  # STATUS_OVERDUE_GRACE_HOURS: after the appointment, before an operator alert
    overdue_every_seconds: float = 900.0  # STATUS_OVERDUE_EVERY_SECONDS: how often the run command's check runs
    metrics_host: str = "127.0.0.1"  # NOTIFY_METRICS_HOST: where a worker serves /metrics and its health routes
    metrics_port: int = 0            # NOTIFY_METRICS_PORT: 0 (default) = not served (one port per worker)


def _pairs(raw: str) -> dict:
    pairs = (item.split(":", 1) for item in raw.split(",") if ":" in item)
    return {key.strip(): value.strip() for key, value in pairs if key.strip() and value.strip()}


def load_status_settings() -> StatusSettings:
    channels = MESSAGING_CHANNELS
    return StatusSettings(
        redis_url=os.environ.get("REDIS_URL") or None,
        key_prefix=os.environ.get("STATUS_KEY_PREFIX", ""),
        api_host=os.environ.get("STATUS_API_HOST", "127.0.0.1"),
        api_port=_int("STATUS_API_PORT", 8090),
        api_secret=os.environ.get("STATUS_API_SECRET", ""),
        api_max_skew=_int("STATUS_API_MAX_SKEW", 300),
        max_failures=_int("STATUS_MAX_FAILURES", 5),
        max_queries=_int("STATUS_MAX_QUERIES", 30),
        max_code_failures=_int("STATUS_MAX_CODE_FAILURES", 10),
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
        receipt_deadline=_float("NOTIFY_RECEIPT_DEADLINE", 900.0),
        fallback_order=tuple(c.strip() for c in os.environ.get("NOTIFY_FALLBACK_ORDER", "zalo,sms,telegram").split(",") if c.strip()),
        quiet_hours=_quiet_hours(os.environ.get("NOTIFY_QUIET_HOURS", "")),
        quiet_channels=tuple(c.strip() for c in os.environ.get("NOTIFY_QUIET_CHANNELS", "sms").split(",") if c.strip()),
        receipt_secret=os.environ.get("NOTIFY_RECEIPT_SECRET", ""),
        zalo_templates_file=os.environ.get("ZALO_TEMPLATES_FILE", ""),
        overdue_grace_hours=_float("STATUS_OVERDUE_GRACE_HOURS", 24.0),
        overdue_every_seconds=_float("STATUS_OVERDUE_EVERY_SECONDS", 900.0),
        metrics_host=(os.environ.get("NOTIFY_METRICS_HOST") or "127.0.0.1").strip(),
        metrics_port=_int("NOTIFY_METRICS_PORT", 0),
    )


def _quiet_hours(raw: str) -> tuple:
    """"21-7" -> (21, 7): no message on the quiet channels from 21:00 to 07:00 Vietnam time; "" = none."""
    raw = raw.strip()
    if not raw:
        return ()
    try:
        start, end = (int(part) for part in raw.split("-", 1))
    except ValueError:
        raise ValueError(f"NOTIFY_QUIET_HOURS must look like 21-7, not {raw!r}") from None
    if not (0 <= start <= 23 and 0 <= end <= 23) or start == end:
        raise ValueError(f"NOTIFY_QUIET_HOURS must be two different hours 0-23, not {raw!r}")
    return (start, end)


@dataclass(frozen=True)
class FormSettings:
    """Conversational form filling (issue 5, forms/)."""

    data_dir: Path                # DATA_DIR: produced PDFs and JSON go to DATA_DIR/forms/
    base_url: str                 # FORMS_BASE_URL: public URL under which DATA_DIR/forms/ is served
    expiry_seconds: float         # FORM_EXPIRY_MINUTES: an unfinished form is dropped after this idle time
    text_only_channels: tuple     # FORMS_TEXT_ONLY_CHANNELS: channels that get a short text, not a file link


def load_form_settings() -> FormSettings:
    return FormSettings(
        data_dir=Path(os.environ.get("DATA_DIR", PROJECT_ROOT / "var")),
        base_url=os.environ.get("FORMS_BASE_URL", "http://localhost:8000/forms").rstrip("/"),
        expiry_seconds=_float("FORM_EXPIRY_MINUTES", 30.0) * 60,
        text_only_channels=tuple(
            c.strip() for c in os.environ.get("FORMS_TEXT_ONLY_CHANNELS", "sms,twilio").split(",") if c.strip()
        ),
    )


class SettingError(ValueError):
    """A setting has a value the assistant cannot use; the message names the variable."""


@dataclass(frozen=True)
class SecuritySettings:
    """Who may reach which port (docs/security.md). Secrets stay in the environment: the launcher
    passes them to its children by environment, never on a command line or in a generated file."""

    rasa_api_token: Optional[str]      # RASA_API_TOKEN: turns Rasa's HTTP API on, protected by this token
    rasa_jwt_secret: Optional[str]     # RASA_JWT_SECRET: turns the API on, protected by JWTs signed with it
    rasa_jwt_method: str               # RASA_JWT_METHOD: HS256 (default), HS384, HS512
    rasa_interface: str                # RASA_INTERFACE: address the Rasa server binds (default 127.0.0.1)
    cors_origins: tuple                # RASA_CORS_ORIGINS: origins allowed to call Rasa from a browser
    action_host: str                   # ACTION_SERVER_HOST: address the action server binds (127.0.0.1)
    action_secret: Optional[str]       # ACTION_SERVER_SECRET: shared secret on every action call
    webchat_secret: Optional[str]      # WEBCHAT_SESSION_SECRET: signs the web chat's session tokens
    webchat_session_days: float        # WEBCHAT_SESSION_DAYS: how long a web chat session token is valid
    admin_cookie_secure: bool          # ADMIN_COOKIE_SECURE: false only for http:// development
    admin_trusted_proxies: tuple       # ADMIN_TRUSTED_PROXIES: addresses/networks whose X-Forwarded-For is believed

    @property
    def api_enabled(self) -> bool:
        return bool(self.rasa_api_token or self.rasa_jwt_secret)


MIN_SECRET = 16
JWT_METHODS = ("HS256", "HS384", "HS512")


def _secret(env: Mapping[str, str], name: str) -> Optional[str]:
    value = (env.get(name) or "").strip()
    if value and len(value) < MIN_SECRET:
        raise SettingError(f"{name} must be at least {MIN_SECRET} characters (it is {len(value)})")
    return value or None


def _boolean(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = (env.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise SettingError(f"{name} must be true or false (it is {raw!r})")


def _list(env: Mapping[str, str], name: str, default: str) -> tuple:
    raw = env.get(name)
    raw = default if raw is None else raw
    return tuple(item.strip() for item in raw.replace(" ", ",").split(",") if item.strip())


def _networks(env: Mapping[str, str], name: str) -> tuple:
    import ipaddress

    networks = []
    for item in _list(env, name, ""):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise SettingError(f"{name}: {item!r} is not an IP address or network (e.g. 10.0.0.5, 10.0.0.0/24)")
    return tuple(networks)


def load_security_settings(environ: Optional[Mapping[str, str]] = None) -> SecuritySettings:
    """The security settings; raises SettingError (naming the variable) for an unusable value."""
    env = os.environ if environ is None else environ
    method = (env.get("RASA_JWT_METHOD") or "HS256").strip()
    if method not in JWT_METHODS:
        raise SettingError(f"RASA_JWT_METHOD must be one of {', '.join(JWT_METHODS)} (it is {method!r})")
    origins = _list(env, "RASA_CORS_ORIGINS", "http://localhost:8000,http://127.0.0.1:8000")
    if "*" in origins:
        raise SettingError("RASA_CORS_ORIGINS must list origins (https://host[:port]); '*' is not allowed")
    for origin in origins:
        if not origin.startswith(("http://", "https://")) or origin.count("/") != 2:
            raise SettingError(f"RASA_CORS_ORIGINS: {origin!r} is not an origin like https://chat.example.gov.vn")
    try:
        days = float(env.get("WEBCHAT_SESSION_DAYS") or 30)
    except ValueError:
        raise SettingError("WEBCHAT_SESSION_DAYS must be a number of days")
    if days <= 0:
        raise SettingError("WEBCHAT_SESSION_DAYS must be more than 0")
    return SecuritySettings(
        rasa_api_token=_secret(env, "RASA_API_TOKEN"),
        rasa_jwt_secret=_secret(env, "RASA_JWT_SECRET"),
        rasa_jwt_method=method,
        rasa_interface=(env.get("RASA_INTERFACE") or "127.0.0.1").strip(),
        cors_origins=origins,
        action_host=(env.get("ACTION_SERVER_HOST") or "127.0.0.1").strip(),
        action_secret=_secret(env, "ACTION_SERVER_SECRET"),
        webchat_secret=_secret(env, "WEBCHAT_SESSION_SECRET"),
        webchat_session_days=days,
        admin_cookie_secure=_boolean(env, "ADMIN_COOKIE_SECURE", True),
        admin_trusted_proxies=_networks(env, "ADMIN_TRUSTED_PROXIES"),
    )


def _positive(name: str, default: float, environ: Mapping[str, str]) -> float:
    raw = (environ.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingError(f"{name} must be a number of days, got {raw!r}") from None
    if value <= 0:
        raise SettingError(f"{name} must be more than 0 days, got {raw!r}")
    return value


DAY = 24 * 3600


@dataclass(frozen=True)
class PrivacySettings:
    """Personal data (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15): how long each store keeps it, in
    seconds; every value comes from a number of days and must be more than 0 (docs/security.md)."""

    conversation_seconds: int   # CONVERSATION_RETENTION_DAYS (7): Redis tracker record expiry (EXPIRE)
    unanswered_seconds: int     # UNANSWERED_RETENTION_DAYS (90): unanswered questions kept for officers
    status_seconds: int         # STATUS_RETENTION_DAYS (365): an application's status, history, subscriptions
    form_file_seconds: int      # FORM_FILE_RETENTION_DAYS (1): produced PDF/JSON files (swept)
    consent_seconds: int        # CONSENT_RETENTION_DAYS (365): consent records (proof of consent)
    controller: str = "đơn vị vận hành Trợ lý dịch vụ công"  # PRIVACY_CONTROLLER: named in the notices


def load_privacy_settings(environ: Optional[Mapping[str, str]] = None) -> PrivacySettings:
    """Raises SettingError naming the variable when a value is not a positive number."""
    env = os.environ if environ is None else environ

    def days(name: str, default: float) -> int:
        return max(1, int(_positive(name, default, env) * DAY))

    return PrivacySettings(
        conversation_seconds=days("CONVERSATION_RETENTION_DAYS", 7),
        unanswered_seconds=days("UNANSWERED_RETENTION_DAYS", 90),
        status_seconds=days("STATUS_RETENTION_DAYS", 365),
        form_file_seconds=days("FORM_FILE_RETENTION_DAYS", 1),
        consent_seconds=days("CONSENT_RETENTION_DAYS", 365),
        controller=(env.get("PRIVACY_CONTROLLER") or "").strip() or PrivacySettings.controller,
    )


def check_all() -> None:
    """Loads every group of settings once; raises the first ``SettingError`` (naming the variable)."""
    load_settings()
    load_channel_settings()
    load_status_settings()
    load_form_settings()
    load_security_settings()
    load_privacy_settings()
