"""The Rasa server's operator routes, as a Rasa input channel (``channels.ops.OpsInput``, listed in the
credentials file like the connectors; it receives no messages). Mounted at the root, not under
``/webhooks/``, so a reverse proxy that publishes ``/webhooks/`` never publishes them:
``GET /metrics`` (the turns, their time and the refused webhooks of every connector in this process),
``GET /health/live`` and ``GET /health/ready`` (Redis, the tracker and lock stores, answers ``PING``;
nothing to check without ``REDIS_URL``), as ``core.ops_sanic`` describes. The model is loaded before
Rasa starts listening, so a live server can answer.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, Optional, Text

from sanic import Blueprint

from rasa.core.channels.channel import InputChannel, UserMessage

from bot.settings import load_settings
from core.ops_sanic import ops_blueprint


class OpsInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "ops"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "OpsInput":
        return cls(load_settings().redis_url)

    def __init__(self, redis_url: Optional[str] = None) -> None:
        self.redis_url = redis_url

    def url_prefix(self) -> Text:
        return "/"  # Rasa joins it to /webhooks/: an absolute path replaces it

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        return ops_blueprint("ops_routes", self.redis_url)
