"""Rasa input channel of the web chat page; it replaces Rasa's open REST channel.

Routes (under ``/webhooks/webchat/``):

* ``GET /`` — health.
* ``POST /session`` — a new conversation: ``{"token": "<signed session token>"}`` (201). The
  conversation id ``webchat:<random>`` is chosen here, never by the client (``channels.webchat.session``).
* ``POST /webhook`` — ``{"message": "..."}`` with ``Authorization: Bearer <token>``; answers 200 with
  the assistant's replies as a list (``{"recipient_id", "text", "buttons"?}``), like the REST channel did;
  while Redis is down the message is tried again for up to ``WEBCHAT_OUTAGE_WAIT`` seconds, then the
  reply is the channel's "try again in a few minutes" (``channels.common.deliver``).

Checks, in order, each refusal one WARNING log line and a JSON ``{"ok": false, "error": ...}``: body
over 64 KB 413; not UTF-8, not JSON, not an object 400; a ``sender`` field 400 (the conversation id
comes from the token only); missing token 401, malformed 400, not signed by this server 403, expired 401;
``message`` missing or not text 400, over 16,000 characters 413. Typed text is passed as it is (the
page's buttons send their payloads).
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage

from channels.common import (
    WEBCHAT_OUTAGE_WAIT, Rejected, decode_utf8, deliver, json_object, measured, raw_body, require_credentials,
    text_field, webhook_blueprint,
)
from channels.webchat import session

logger = logging.getLogger(__name__)

CHANNEL = "webchat"
MAX_MESSAGE_CHARS = 16000


def bearer_token(request: Request) -> Optional[str]:
    header = request.headers.get("authorization") or ""
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


class WebChatInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "WebChatInput":
        credentials = require_credentials(cls, credentials, "session_secret")
        secret = str(credentials["session_secret"])
        if secret.startswith("${") or len(secret) < 16:  # an unexpanded ${VARIABLE} would be a public secret
            raise ValueError("webchat: session_secret must be WEBCHAT_SESSION_SECRET's value, at least 16 characters")
        return cls(credentials["session_secret"], float(credentials.get("session_days") or 30))

    def __init__(self, session_secret: str, session_days: float = 30) -> None:
        self.session_secret = session_secret
        self.max_age = session_days * 86400

    def conversation_of(self, request: Request) -> str:
        try:
            return session.verify(self.session_secret, bearer_token(request), self.max_age)
        except session.InvalidSession as error:
            raise Rejected(error.status, error.reason)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        on_new_message = measured(CHANNEL, on_new_message)
        hook = webhook_blueprint(CHANNEL)

        @hook.route("/session", methods=["POST"])
        async def new_session(request: Request) -> HTTPResponse:
            return response.json({"token": session.issue(self.session_secret)}, status=201)

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                data = json_object(decode_utf8(raw_body(request)))
                if "sender" in data:
                    raise Rejected(400, "the web chat does not accept a sender: the conversation comes from the session token")
                sender = self.conversation_of(request)
                if isinstance(data.get("message"), str) and len(data["message"]) > MAX_MESSAGE_CHARS:
                    raise Rejected(413, f"message over {MAX_MESSAGE_CHARS} characters")
                text = text_field(data, "message", limit=MAX_MESSAGE_CHARS)
            except Rejected as rejected:
                return rejected.response(CHANNEL)
            collector = CollectingOutputChannel()
            await deliver(on_new_message, UserMessage(text, collector, sender, input_channel=CHANNEL), wait=WEBCHAT_OUTAGE_WAIT)
            return response.json(collector.messages)

        return hook
