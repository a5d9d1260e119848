"""Rasa endpoints for the current settings: the action server, called with its shared secret
(``X-Action-Secret: ${ACTION_SERVER_SECRET}``), Redis tracker and lock stores when REDIS_URL is set,
in memory otherwise (the embedded default for a first run); and Rasa credentials: the web chat channel
(``channels.webchat``, server-issued session tokens; Rasa's open REST channel is not enabled), the
operator routes (``channels.ops``: /metrics, /health/live, /health/ready) and each messaging channel
(channels/) whose environment variables are all set. Secrets are written as
``${VARIABLE}`` (Rasa expands them when it reads the files), so no generated file holds one."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any, Dict, List, Tuple
from urllib.parse import urlparse

import yaml

from bot.settings import Settings, load_privacy_settings
from core.channels import MESSAGING_CHANNELS, SMS, TELEGRAM, ZALO

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
    config: Dict[str, Any] = {
        "action_endpoint": {"url": action_url, "headers": {"X-Action-Secret": "${ACTION_SERVER_SECRET}"}},
        "tracker_store": {"type": "bot.tracker_store.ErasingInMemoryTrackerStore"},
    }
    if settings.redis_url:
        config["tracker_store"] = {
            **redis_store(settings.redis_url, "tracker"), "type": "bot.tracker_store.ErasingRedisTrackerStore",
            # the conversation record expires this long after the last message (CONVERSATION_RETENTION_DAYS)
            "record_exp": load_privacy_settings().conversation_seconds,
        }
        # several Rasa processes may share it (RASA_WORKERS): every lock change is one transaction
        config["lock_store"] = {**redis_store(settings.redis_url, "lock"), "type": "bot.lock_store.AtomicRedisLockStore"}
    return config


def rasa_workers(settings: Settings) -> int:
    """The Rasa server processes to start: RASA_WORKERS with Redis, one without (the in-memory
    tracker and lock stores live in one process)."""
    return settings.rasa_workers if settings.redis_url else 1


def write_endpoints(settings: Settings, action_url: str, path: Path) -> str:
    """Write the endpoints file; return one line that says where conversation state lives."""
    path.parent.mkdir(parents=True, exist_ok=True)
    config = endpoints(settings, action_url)
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    if settings.redis_url:
        store = config["tracker_store"]
        return f"State: Redis tracker and lock stores at {store['url']}:{store['port']}/{store['db']}"
    return "State: in memory (REDIS_URL not set): conversations are lost when the assistant stops"


# --- messaging channels (credentials.yml) ---------------------------------------------------------

CONNECTORS = {
    TELEGRAM: "channels.telegram.connector.TelegramInput",
    ZALO: "channels.zalo.connector.ZaloInput",
    SMS: "channels.sms.connector.SmsInput",
}


WEBCHAT_CONNECTOR = "channels.webchat.connector.WebChatInput"
# not a messaging channel: the Rasa server's /metrics, /health/live and /health/ready (channels/ops.py)
OPS_CHANNEL = "channels.ops.OpsInput"


def webchat_credentials() -> Dict[str, Any]:
    from bot.settings import load_security_settings

    return {"session_secret": "${WEBCHAT_SESSION_SECRET}", "session_days": load_security_settings().webchat_session_days}


def _missing_channel_settings(name: str, channels: Any) -> List[str]:
    """The environment variables still needed to enable channel ``name`` (empty: enabled)."""
    required = {
        "telegram": {"TELEGRAM_BOT_TOKEN": channels.telegram_bot_token, "TELEGRAM_SECRET_TOKEN": channels.telegram_secret_token},
        "zalo": {
            "ZALO_APP_ID": channels.zalo_app_id,
            "ZALO_OA_SECRET_KEY": channels.zalo_oa_secret_key,
            "ZALO_OA_ACCESS_TOKEN": channels.zalo_access_token,
        },
        "sms": {"SMS_GATEWAY_URL": channels.sms_gateway_url, "SMS_GATEWAY_API_KEY": channels.sms_gateway_api_key},
    }[name]
    missing = [var for var, value in required.items() if not value]
    secret = channels.telegram_secret_token
    if name == "telegram" and secret and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
        missing.append("a valid TELEGRAM_SECRET_TOKEN (1-256 characters A-Z a-z 0-9 _ -)")
    if name == "sms" and not (channels.sms_webhook_secret or channels.twilio_auth_token):
        missing.append("SMS_WEBHOOK_SECRET or TWILIO_AUTH_TOKEN")
    return missing


def channel_credentials(settings: Settings) -> Tuple[Dict[str, Any], List[str]]:
    """Rasa credentials for the channels whose settings are complete, and one line per channel.

    Secrets are written as ``${VARIABLE}`` (Rasa expands them from the environment when it reads the
    file), so the generated file holds no secret."""
    channels = settings.channels
    config: Dict[str, Any] = {WEBCHAT_CONNECTOR: webchat_credentials()}
    lines: List[str] = []
    for name in MESSAGING_CHANNELS:
        missing = _missing_channel_settings(name, channels)
        if missing:
            lines.append(f"Channel {name}: disabled ({', '.join(missing)} not set)")
            continue
        if name == "telegram":
            entry: Dict[str, Any] = {
                "access_token": "${TELEGRAM_BOT_TOKEN}",
                "secret_token": "${TELEGRAM_SECRET_TOKEN}",
                "api_base": channels.telegram_api_base,
            }
            if channels.telegram_webhook_url:
                entry["webhook_url"] = channels.telegram_webhook_url
        elif name == "zalo":
            entry = {
                "app_id": channels.zalo_app_id,
                "oa_secret_key": "${ZALO_OA_SECRET_KEY}",
                "access_token": "${ZALO_OA_ACCESS_TOKEN}",
                "api_base": channels.zalo_api_base,
                "oauth_base": channels.zalo_oauth_base,
                "token_file": channels.zalo_token_file or str(settings.data_dir / "zalo-token.json"),
                "button_template": channels.zalo_button_template,
            }
            if channels.zalo_app_secret:
                entry["app_secret"] = "${ZALO_APP_SECRET}"
            if channels.zalo_refresh_token:
                entry["refresh_token"] = "${ZALO_REFRESH_TOKEN}"
        else:
            entry = {
                "gateway_url": channels.sms_gateway_url,
                "api_key": "${SMS_GATEWAY_API_KEY}",
                "brandname": channels.sms_brandname,
            }
            if channels.sms_webhook_secret:
                entry["webhook_secret"] = "${SMS_WEBHOOK_SECRET}"
            if channels.twilio_auth_token:
                entry["twilio_auth_token"] = "${TWILIO_AUTH_TOKEN}"
            if channels.sms_twilio_webhook_url:
                entry["twilio_webhook_url"] = channels.sms_twilio_webhook_url
        config[CONNECTORS[name]] = entry
        lines.append(f"Channel {name}: enabled at /webhooks/{name}/")
    config[OPS_CHANNEL] = None
    return config, lines


def write_credentials(settings: Settings, path: Path) -> List[str]:
    """Write Rasa's credentials file (web chat + each configured messaging channel); return (and
    log) one line per channel saying whether it is enabled and, if not, which variables are missing."""
    config, lines = channel_credentials(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    header = "# Generated by bot/runtime.py from environment variables: do not edit.\n"
    path.write_text(header + yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for line in lines:
        logger.info(line)
    return lines


def main(argv: Any = None) -> int:
    """``python -m bot.runtime --action-url URL --endpoints FILE --credentials FILE``: write both files
    from the environment and print where conversations live and which channels are on (a container
    runs this before ``python -m bot.rasa_server``; the launcher calls the functions itself)."""
    import argparse

    from bot.settings import load_settings

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--action-url", required=True, help="e.g. http://actions:5055/webhook")
    parser.add_argument("--endpoints", required=True, type=Path)
    parser.add_argument("--credentials", required=True, type=Path)
    args = parser.parse_args(argv)
    settings = load_settings()
    print(write_endpoints(settings, args.action_url, args.endpoints), flush=True)
    for line in write_credentials(settings, args.credentials):
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
