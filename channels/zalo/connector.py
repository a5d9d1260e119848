"""Rasa connector for a Zalo Official Account (webhook in, OA API v3 ``message/cs`` out).

Webhook: ``POST /webhooks/zalo/webhook``. Checked in this order, before the assistant sees anything:
body size (64 KB), ``X-ZEvent-Signature`` present (401) and equal to
``mac=sha256(app id + raw body + timestamp + OA secret key)`` (403), UTF-8 JSON object with a numeric
``timestamp`` no older than ``max_event_age`` seconds (403 when older: a replay), the body's ``app_id``
(if any) being ours (403). Then 200 at once (Zalo wants an answer within 2 s) and the event is handled
in the background: ``user_send_text`` (once per ``msg_id``: duplicate deliveries are dropped),
``follow`` (greeting), ``unfollow`` (told to the assistant as ``/unsubscribe``, no reply sent). Every
event but ``unfollow`` opens the follower's CS window (``channels.zalo.window``) for the notifications.

Conversation id: ``zalo:<user id>``. Typed ``TRACUU <ma>`` and ``HD`` work as on SMS (``hủy`` stays
text: it also cancels a form in a chat). Buttons go as Zalo's button template (``oa.query.hide``: a press
comes back as a text event carrying the payload; a title over 100 characters is cut at a word, with "…")
when there are at most 5, else as
a numbered list the citizen answers with a digit; if Zalo refuses the template, the list is sent.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, OutputChannel, UserMessage

from bot.privacy import mask
from channels.common import (
    deliver,
    Background,
    Rejected,
    decode_utf8,
    json_object,
    measured,
    raw_body,
    require_credentials,
    text_field,
    webhook_blueprint,
    with_retries,
)
from channels.formatting import HELP_MESSAGE, PHOTO_MESSAGE, SMS_ONLY_MESSAGES, UNSUBSCRIBE_MESSAGE, keyword_message
from channels.store import ChannelStore
from channels.zalo.client import API_BASE, OAUTH_BASE, TEXT_LIMIT, ZaloClient, ZaloError
from channels.zalo.signature import valid_signature
from channels.zalo.window import CsWindow, cs_window
from core.channels import ZALO
from core.conversation_ids import conversation_id, provider_id
from core.message_text import numbered_options, option_choice, options_hint

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-ZEvent-Signature"
MAX_TEMPLATE_BUTTONS = 5
MAX_BUTTON_TITLE = 100
MAX_BUTTON_PAYLOAD = 1000


# events whose content the assistant never takes in: photos (declined, see _handle)
PHOTO_EVENTS = {"user_send_image"}


def button_title(title: object) -> str:
    """A title Zalo takes (≤ MAX_BUTTON_TITLE characters): a long official name is cut at a word and ends
    with "…" (the payload still names the whole procedure)."""
    text = str(title or "")
    if len(text) <= MAX_BUTTON_TITLE:
        return text
    cut = text[:MAX_BUTTON_TITLE - 1].rsplit(" ", 1)[0].rstrip(" ,;:(–-")
    return cut + "…"


def template_allowed(text: str, buttons: List[Dict[str, Any]]) -> bool:
    return (
        0 < len(buttons) <= MAX_TEMPLATE_BUTTONS
        and len(text or "") <= TEXT_LIMIT
        and all(0 < len(button_title(b.get("title"))) for b in buttons)
        and all(0 < len(str(b.get("payload") or "")) <= MAX_BUTTON_PAYLOAD for b in buttons)
    )


class ZaloOutput(OutputChannel):
    @classmethod
    def name(cls) -> Text:
        return "zalo"

    def __init__(self, client: ZaloClient, store: ChannelStore, use_template: bool = True) -> None:
        self.client = client
        self.store = store
        self.use_template = use_template

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await with_retries(lambda: self.client.send_text(provider_id(ZALO, recipient_id), text))

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        uid = provider_id(ZALO, recipient_id)
        if self.use_template and template_allowed(text, buttons):
            message = {
                "text": text or " ",
                "attachment": {
                    "type": "template",
                    "payload": {
                        "buttons": [
                            {"title": button_title(b["title"]), "payload": str(b["payload"]), "type": "oa.query.hide"}
                            for b in buttons
                        ]
                    },
                },
            }
            try:
                await with_retries(lambda: self.client.send_message(uid, message))
                return
            except ZaloError as error:
                if error.status != 200:
                    raise
                logger.info("zalo: button template refused (error %s); sending a numbered list", error.code)
        listing = f"{text}\n\n{numbered_options(buttons)}\n{options_hint(len(buttons))}".strip()
        await self.store.set_options(recipient_id, [str(b.get("payload") or b.get("title")) for b in buttons])
        await with_retries(lambda: self.client.send_text(uid, listing))

    async def send_image_url(self, recipient_id: Text, image: Text, **kwargs: Any) -> None:
        await self.send_text_message(recipient_id, image)

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        text = json_message.get("text") if isinstance(json_message, dict) else None
        if text:
            await self.send_text_message(recipient_id, str(text))


class ZaloInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "zalo"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "ZaloInput":
        credentials = require_credentials(cls, credentials, "app_id", "oa_secret_key", "access_token")
        client = ZaloClient(
            credentials["access_token"],
            app_id=str(credentials["app_id"]),
            app_secret=credentials.get("app_secret") or "",
            refresh_token=credentials.get("refresh_token") or "",
            api_base=credentials.get("api_base") or API_BASE,
            oauth_base=credentials.get("oauth_base") or OAUTH_BASE,
            token_file=Path(credentials["token_file"]) if credentials.get("token_file") else None,
        )
        return cls(
            str(credentials["app_id"]),
            credentials["oa_secret_key"],
            client,
            max_event_age=float(credentials.get("max_event_age") or 24 * 3600),
            use_template=str(credentials.get("button_template", "true")).lower() not in {"false", "0", "no"},
        )

    def __init__(self, app_id: str, oa_secret_key: str, client: ZaloClient, *, max_event_age: float = 24 * 3600,
                 use_template: bool = True, store: Optional[ChannelStore] = None,
                 window: Optional[CsWindow] = None) -> None:
        self.app_id = app_id
        self.oa_secret_key = oa_secret_key
        self.client = client
        self.max_event_age = max_event_age
        self.use_template = use_template
        self.store = store or ChannelStore.from_environment()
        self.window = window or cs_window(self.store.redis)
        self.background = Background("zalo")

    def get_output_channel(self) -> OutputChannel:
        return ZaloOutput(self.client, self.store, self.use_template)

    def _verify(self, request: Request) -> Dict[str, Any]:
        body = raw_body(request)
        signature = request.headers.get(SIGNATURE_HEADER)
        if not signature:
            raise Rejected(401, f"missing {SIGNATURE_HEADER}")
        text = decode_utf8(body)
        event = json_object(text)
        timestamp = text_field(event, "timestamp", limit=20)
        if not valid_signature(signature, self.app_id, text, timestamp, self.oa_secret_key):
            raise Rejected(403, "X-ZEvent-Signature does not match")
        if "app_id" in event and str(event["app_id"]) != self.app_id:
            raise Rejected(403, "event for another app")
        try:
            sent_at = float(timestamp) / 1000.0
        except ValueError:
            raise Rejected(400, "timestamp is not a number")
        if abs(time.time() - sent_at) > self.max_event_age:
            raise Rejected(403, "event timestamp outside the accepted window (replay?)")
        return event

    async def _dedup_key(self, event: Dict[str, Any]) -> Optional[str]:
        name = event.get("event_name")
        if not isinstance(name, str) or not name or len(name) > 64:
            raise Rejected(400, "event_name missing or not a string")
        if name == "user_send_text" or name in PHOTO_EVENTS:
            return "zalo:msg:" + text_field(event, "message", "msg_id", limit=128)
        if name in {"follow", "unfollow"}:
            follower = text_field(event, "follower", "id", limit=64)
            return f"zalo:{name}:{follower}:{event.get('timestamp')}"
        return None

    async def _handle(self, event: Dict[str, Any], on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        name = event["event_name"]
        metadata = {"zalo_event": name}
        if name == "user_send_text":
            sender = conversation_id(ZALO, str(event["sender"]["id"]))
            text = str(event["message"]["text"]).strip()
            metadata["msg_id"] = str(event["message"]["msg_id"])
            options = await self.store.get_options(sender)
            chosen = option_choice(text, options)
            if chosen is not None:
                await self.store.set_options(sender, [])
                text = chosen
            else:
                keyword = keyword_message(text)
                # "hủy" also cancels a form in a chat: only TRACUU/HD are keywords here (HUY, XOA are SMS only)
                text = keyword if keyword and keyword not in SMS_ONLY_MESSAGES else text
            if not text:
                return
            output: OutputChannel = ZaloOutput(self.client, self.store, self.use_template)
        elif name in PHOTO_EVENTS:
            # a photo (often of an identity document: sensitive data) is never fetched nor kept: the
            # assistant only learns that one was sent, and declines it
            sender = conversation_id(ZALO, str(event["sender"]["id"]))
            text, output = PHOTO_MESSAGE, ZaloOutput(self.client, self.store, self.use_template)
        elif name == "follow":
            sender = conversation_id(ZALO, str(event["follower"]["id"]))
            text, output = HELP_MESSAGE, ZaloOutput(self.client, self.store, self.use_template)
        else:  # unfollow: the citizen can no longer be messaged; tell the assistant, send nothing
            sender = conversation_id(ZALO, str(event["follower"]["id"]))
            text, output = UNSUBSCRIBE_MESSAGE, CollectingOutputChannel()
        if name != "unfollow":  # an interaction: Zalo accepts CS messages to this follower for 48 hours
            await self.window.opened(provider_id(ZALO, sender))
        logger.info("zalo: %s from %s (%d characters)", name, mask(sender), len(text))
        logger.debug("zalo: %s says %s", mask(sender), mask(text)[:200])
        await deliver(on_new_message, UserMessage(text, output, sender, input_channel=self.name(), metadata=metadata))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        on_new_message = measured("zalo", on_new_message)
        hook = webhook_blueprint("zalo")

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                event = self._verify(request)
                key = await self._dedup_key(event)
                if event["event_name"] == "user_send_text":
                    text_field(event, "sender", "id", limit=64)
                    text_field(event, "message", "text", limit=2000)
                elif event["event_name"] in PHOTO_EVENTS:
                    text_field(event, "sender", "id", limit=64)
            except Rejected as rejected:
                return rejected.response("zalo")
            if key is None:
                logger.info("zalo: %s event ignored", event.get("event_name"))
                return response.json({"ok": True, "ignored": True})
            if not await self.store.first_time(key):
                logger.info("zalo: duplicate delivery of %s ignored", event.get("event_name"))
                return response.json({"ok": True, "duplicate": True})
            self.background.spawn(lambda: self._handle(event, on_new_message))
            return response.json({"ok": True})

        return hook
