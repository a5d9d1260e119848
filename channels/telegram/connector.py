"""Rasa connector for Telegram (webhook in, Bot API out through ``channels.telegram.client``).

Webhook: ``POST /webhooks/telegram/webhook``. A request whose ``X-Telegram-Bot-Api-Secret-Token``
header is missing (401) or differs from the secret registered with setWebhook (403) is refused before
anything else is read. Updates are parsed with python-telegram-bot (``Update.de_json``); the webhook
answers 200 at once and the assistant's reply goes out through the Bot API. Each update_id is handled
once (Telegram re-delivers when it does not get its 200 in time).

Conversation id: ``telegram:<chat id>``. Text: "/start" and "/help" are the greeting, other commands
are read as plain text (no intent injection from typed text); TRACUU <ma> and HD work as on SMS, and
/tracuu, /huy as commands (typed "hủy" stays text: it also cancels a form).
Button presses (callback queries) are acknowledged and sent as the button's payload.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from telegram import Update

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage

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
    same_secret,
    webhook_blueprint,
)
from channels.errors import ProviderError
from channels.formatting import HELP_MESSAGE, PHOTO_MESSAGE, SMS_ONLY_MESSAGES, keyword_message
from channels.store import ChannelStore
from channels.telegram.client import API_BASE, TelegramClient
from core.channels import TELEGRAM
from core.conversation_ids import conversation_id, provider_id

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@\w+)?(?:\s+(.*))?$", re.DOTALL)


def message_for_text(text: str) -> Optional[str]:
    """What the assistant receives for a text typed in Telegram."""
    text = text.strip()
    if not text:
        return None
    command = _COMMAND.match(text)
    if command:
        name, rest = command.group(1).lower(), (command.group(2) or "").strip()
        if name in {"start", "help", "hd"}:
            return HELP_MESSAGE
        keyword = keyword_message(f"{name} {rest}".strip())
        if keyword:
            return keyword
        return rest or name  # "/foo bar" -> "bar": typed text never names an intent
    keyword = keyword_message(text)
    # "hủy" also cancels a form in a chat: typed HUY/XOA stay text here (the /huy command unsubscribes)
    if keyword and keyword not in SMS_ONLY_MESSAGES:
        return keyword
    return text.lstrip("/") or None


def _is_image(document: Any) -> bool:
    return bool(document is not None and str(getattr(document, "mime_type", "") or "").startswith("image/"))


class TelegramOutput(OutputChannel):
    @classmethod
    def name(cls) -> Text:
        return "telegram"

    def __init__(self, client: TelegramClient) -> None:
        self.client = client

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self.client.send_text(provider_id(TELEGRAM, recipient_id), text)

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        await self.client.send_text(provider_id(TELEGRAM, recipient_id), text or "", buttons=buttons)

    async def send_image_url(self, recipient_id: Text, image: Text, **kwargs: Any) -> None:
        await self.client.send_text(provider_id(TELEGRAM, recipient_id), image)

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        text = json_message.get("text") if isinstance(json_message, dict) else None
        if text:
            await self.client.send_text(provider_id(TELEGRAM, recipient_id), str(text))


class TelegramInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "TelegramInput":
        credentials = require_credentials(cls, credentials, "access_token", "secret_token")
        return cls(
            credentials["access_token"],
            credentials["secret_token"],
            base_url=credentials.get("api_base") or API_BASE,
            webhook_url=credentials.get("webhook_url") or None,
        )

    def __init__(self, access_token: str, secret_token: str, base_url: str = API_BASE, webhook_url: Optional[str] = None,
                 store: Optional[ChannelStore] = None) -> None:
        self.secret_token = secret_token
        self.webhook_url = webhook_url
        self.client = TelegramClient(access_token, base_url)
        self.store = store or ChannelStore.from_environment()
        self.background = Background("telegram")

    def get_output_channel(self) -> OutputChannel:
        return TelegramOutput(self.client)

    def _parse(self, request: Request) -> Update:
        if not self.secret_token:
            raise Rejected(503, "Telegram secret token not configured")
        given = request.headers.get(SECRET_HEADER)
        if not given:
            raise Rejected(401, f"missing {SECRET_HEADER}")
        if not same_secret(given, self.secret_token):
            raise Rejected(403, f"wrong {SECRET_HEADER}")
        data = json_object(decode_utf8(raw_body(request)))
        if not isinstance(data.get("update_id"), int):
            raise Rejected(400, "update_id missing or not an integer")
        try:
            update = Update.de_json(data, self.client.bot)
        except Exception as error:  # noqa: BLE001 - PTB raises various errors on payloads of the wrong shape: a 400
            raise Rejected(400, f"not a Telegram update ({type(error).__name__})")
        if update is None:
            raise Rejected(400, "not a Telegram update")
        return update

    async def _handle_update(self, update: Update, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        output = TelegramOutput(self.client)
        if update.callback_query is not None:
            query = update.callback_query
            chat = query.message.chat.id if query.message is not None else query.from_user.id
            payload = self.client.resolve_callback(query.data or "")
            if payload is None:  # a key from before a restart: use the button's title as text
                payload = self._button_title(query)
            try:
                await self.client.answer_callback(query.id)
            except (ProviderError, OSError) as error:  # the spinner stops by itself; the message matters more
                logger.info("telegram: answerCallbackQuery failed: %s", error)
            if not payload:
                return
            text = payload
        elif update.message is not None and update.message.text is not None:
            chat = update.message.chat.id
            text = message_for_text(update.message.text)
            if not text:
                return
        elif update.message is not None and (update.message.photo or _is_image(update.message.document)):
            # a photo (often of an identity document: sensitive data) is never downloaded nor kept:
            # the assistant only learns that one was sent, and declines it
            chat = update.message.chat.id
            text = PHOTO_MESSAGE
        else:
            logger.debug("telegram: update %s ignored (neither text nor button)", update.update_id)
            return
        sender = conversation_id(TELEGRAM, chat)
        logger.info("telegram: message from %s (%d characters)", mask(sender), len(text))
        logger.debug("telegram: %s says %s", mask(sender), mask(text)[:200])
        metadata = {"update_id": update.update_id}
        await deliver(on_new_message, UserMessage(text, output, sender, input_channel=self.name(), metadata=metadata))

    @staticmethod
    def _button_title(query: Any) -> Optional[str]:
        markup = getattr(query.message, "reply_markup", None)  # an InaccessibleMessage has none
        for row in getattr(markup, "inline_keyboard", ()) or ():
            for button in row:
                if button.callback_data == query.data:
                    return button.text
        return None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        on_new_message = measured("telegram", on_new_message)
        hook = webhook_blueprint("telegram")

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                update = self._parse(request)
            except Rejected as rejected:
                return rejected.response("telegram")
            if not await self.store.first_time(f"telegram:update:{update.update_id}"):
                logger.info("telegram: update %s already handled; ignored", update.update_id)
                return response.json({"ok": True, "duplicate": True})
            self.background.spawn(lambda: self._handle_update(update, on_new_message))
            return response.json({"ok": True})

        @hook.listener("after_server_start")
        async def register_webhook(app: Any, loop: Any) -> None:
            if not self.webhook_url:
                return
            try:
                await self.client.set_webhook(self.webhook_url, self.secret_token)
                logger.info("telegram: webhook registered at %s", self.webhook_url)
            except (ProviderError, OSError) as error:
                logger.error("telegram: setWebhook failed: %s", error)

        return hook
