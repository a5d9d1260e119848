"""Telegram Bot API client built on python-telegram-bot's ``telegram.Bot`` (no Rasa).

``TelegramClient(token, base_url=...)`` wraps a ``telegram.Bot`` whose API base URL is configurable
(``https://api.telegram.org`` by default; a local fake in tests). ``send_text(chat_id, text, buttons)``
cuts text over 4096 characters at paragraph/line/sentence/word boundaries and puts the buttons
(Rasa style ``{"title", "payload"}``; ``chat_id`` may be the conversation id ``telegram:<id>``) as an inline keyboard under the last part; a payload longer than
Telegram's 64-byte ``callback_data`` is replaced by a short key that ``resolve_callback`` turns back
into the payload. Flood control (``RetryAfter``) is waited out (up to ``max_wait`` seconds per wait,
``max_attempts`` tries), never dropped. Failures raise ``channels.errors.ProviderError``: 400
(bad request), 401 (token), 403 (the user blocked the bot), 429 (flood wait longer than ``max_wait``,
with ``retry_after``), ``None`` for timeouts, network and Telegram server errors.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
from collections import OrderedDict
from typing import Any, Dict, List, Optional, Sequence

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, InvalidToken, RetryAfter, TelegramError, TimedOut
from telegram.request import HTTPXRequest

from bot.privacy import mask
from channels.errors import ProviderError
from core.channels import TELEGRAM
from core.conversation_ids import provider_id
from core.message_text import split_message

logger = logging.getLogger(__name__)

API_BASE = "https://api.telegram.org"
TEXT_LIMIT = 4096
CALLBACK_DATA_LIMIT = 64


def _seconds(value: Any) -> float:
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


def _retry_after(error: RetryAfter) -> float:
    # PTB 22 keeps a timedelta and warns when the int-valued ``retry_after`` is read
    return _seconds(getattr(error, "_retry_after", None) or error.retry_after)


class TelegramClient:
    def __init__(
        self,
        token: str,
        base_url: str = API_BASE,
        *,
        timeout: float = 10.0,
        max_wait: float = 30.0,
        max_attempts: int = 4,
        buttons_per_row: int = 1,
    ) -> None:
        base = base_url.rstrip("/")
        request = HTTPXRequest(connect_timeout=timeout, read_timeout=timeout, write_timeout=timeout, pool_timeout=timeout)
        self.bot = Bot(token, base_url=f"{base}/bot", base_file_url=f"{base}/file/bot", request=request)
        self.max_wait = max_wait
        self.max_attempts = max_attempts
        self.buttons_per_row = buttons_per_row
        self._callbacks: "OrderedDict[str, str]" = OrderedDict()
        self._initialized = False

    # --- callback data ---------------------------------------------------------------------

    def callback_data(self, payload: str) -> str:
        """``payload`` itself when it fits Telegram's 64 bytes, else a short key remembered here."""
        if len(payload.encode("utf-8")) <= CALLBACK_DATA_LIMIT and not payload.startswith("k:"):
            return payload
        key = "k:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:24]
        self._callbacks[key] = payload
        self._callbacks.move_to_end(key)
        while len(self._callbacks) > 10_000:
            self._callbacks.popitem(last=False)
        return key

    def resolve_callback(self, data: str) -> Optional[str]:
        """The payload a button press stands for; ``None`` for a key this process no longer knows."""
        if data.startswith("k:"):
            return self._callbacks.get(data)
        return data

    def keyboard(self, buttons: Sequence[Dict[str, Any]]) -> InlineKeyboardMarkup:
        rows: List[List[InlineKeyboardButton]] = []
        for index, button in enumerate(buttons):
            title = str(button.get("title") or button.get("payload") or "")[:64]
            url = button.get("url")
            if url:
                item = InlineKeyboardButton(title, url=url)
            else:
                item = InlineKeyboardButton(title, callback_data=self.callback_data(str(button.get("payload") or title)))
            if index % self.buttons_per_row == 0:
                rows.append([])
            rows[-1].append(item)
        return InlineKeyboardMarkup(rows)

    # --- calls -----------------------------------------------------------------------------

    async def _call(self, method: str, **kwargs: Any) -> Any:
        """One Bot API call: flood control waited out, errors as ProviderError."""
        if not self._initialized:
            await self._guard(self.bot.initialize)
            self._initialized = True
        for attempt in range(1, self.max_attempts + 1):
            try:
                return await getattr(self.bot, method)(**kwargs)
            except RetryAfter as error:
                wait = _retry_after(error)
                if wait > self.max_wait or attempt == self.max_attempts:
                    raise ProviderError(429, wait, f"Telegram flood control: retry after {wait:g}s") from error
                logger.info("Telegram flood control on %s: waiting %.1fs (attempt %d)", method, wait, attempt)
                await asyncio.sleep(wait)
            except TelegramError as error:
                raise self._provider_error(error) from error
        raise ProviderError(429, None, "Telegram flood control")  # not reached

    async def _guard(self, call: Any) -> Any:
        try:
            return await call()
        except TelegramError as error:
            raise self._provider_error(error) from error

    @staticmethod
    def _provider_error(error: TelegramError) -> ProviderError:
        if isinstance(error, RetryAfter):
            return ProviderError(429, _retry_after(error), str(error))
        if isinstance(error, TimedOut):
            return ProviderError(None, None, f"Telegram timed out: {error}")
        if isinstance(error, Forbidden):
            return ProviderError(403, None, f"Telegram refused: {error}")
        if isinstance(error, InvalidToken):
            return ProviderError(401, None, "Telegram rejected the bot token")
        if isinstance(error, BadRequest):
            return ProviderError(400, None, f"Telegram bad request: {error}")
        return ProviderError(None, None, f"Telegram network or server error: {error}")

    async def send_text(
        self, chat_id: Any, text: str, buttons: Optional[Sequence[Dict[str, Any]]] = None
    ) -> List[int]:
        """Send ``text`` (split at 4096) with optional buttons under the last part; returns message ids."""
        chat_id = provider_id(TELEGRAM, chat_id)
        parts = split_message(text, TEXT_LIMIT) or ([" "] if buttons else [])
        ids = []
        for index, part in enumerate(parts):
            markup = self.keyboard(buttons) if buttons and index == len(parts) - 1 else None
            message = await self._call("send_message", chat_id=chat_id, text=part, reply_markup=markup)
            ids.append(message.message_id)
        logger.debug("Telegram: %d message(s) sent to %s", len(ids), mask(str(chat_id)))
        return ids

    async def answer_callback(self, callback_query_id: str, text: Optional[str] = None) -> None:
        await self._call("answer_callback_query", callback_query_id=callback_query_id, text=text)

    async def set_webhook(self, url: str, secret_token: str, drop_pending_updates: bool = False) -> bool:
        """Register the webhook; Telegram then sends ``secret_token`` in X-Telegram-Bot-Api-Secret-Token."""
        return await self._call(
            "set_webhook", url=url, secret_token=secret_token, allowed_updates=["message", "callback_query"],
            drop_pending_updates=drop_pending_updates,
        )

    async def close(self) -> None:
        if self._initialized:
            try:
                await self.bot.shutdown()
            finally:
                self._initialized = False
