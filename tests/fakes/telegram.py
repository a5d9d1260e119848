"""Fake Telegram Bot API: ``POST /bot<token>/<method>`` (form-encoded, as python-telegram-bot sends,
or JSON) for getMe, sendMessage, answerCallbackQuery, setWebhook; answers like Telegram does
(``{"ok": true, "result": ...}`` / ``{"ok": false, "error_code", "description", "parameters"}``),
including its limits: 4096 characters per message, 64 bytes of callback_data."""

from __future__ import annotations

import itertools
import json
import time
from typing import Any, Dict

from aiohttp import web

from tests.fakes.base import FakeServer


class FakeTelegram(FakeServer):
    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token
        self._ids = itertools.count(1000)

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/bot{token}/{method}", self.handle)

    @staticmethod
    async def _params(request: web.Request) -> Dict[str, Any]:
        if request.content_type == "application/json":
            return await request.json()
        form = await request.post()
        params: Dict[str, Any] = {}
        for key, value in form.items():
            try:
                params[key] = json.loads(value) if key in {"reply_markup", "allowed_updates"} else value
            except ValueError:
                params[key] = value
        return params

    @staticmethod
    def _error(status: int, description: str, **parameters: Any) -> web.Response:
        body: Dict[str, Any] = {"ok": False, "error_code": status, "description": description}
        if parameters:
            body["parameters"] = parameters
        return web.json_response(body, status=status)

    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return self._error(401, "Unauthorized")
        params = await self._params(request)
        if method == "getMe":
            return web.json_response({"ok": True, "result": {
                "id": 4242, "is_bot": True, "first_name": "Tro ly", "username": "troly_dvc_bot"}})
        failure = self.take_failure() if method == "sendMessage" else None
        if failure:
            self.record({"method": method, "params": params, "failed": failure})
            if failure.get("retry_after") is not None:
                return self._error(429, f"Too Many Requests: retry after {failure['retry_after']}",
                                   retry_after=failure["retry_after"])
            return self._error(failure.get("status", 500), failure.get("description", "Internal Server Error"))
        self.record({"method": method, "params": params, "at": time.monotonic()})
        if method == "sendMessage":
            text = str(params.get("text", ""))
            if not text.strip():
                return self._error(400, "Bad Request: message text is empty")
            if len(text) > 4096:
                return self._error(400, "Bad Request: message is too long")
            markup = params.get("reply_markup") or {}
            for row in markup.get("inline_keyboard", []):
                for button in row:
                    data = button.get("callback_data")
                    if data is not None and not 1 <= len(data.encode("utf-8")) <= 64:
                        return self._error(400, "Bad Request: BUTTON_DATA_INVALID")
            result = {
                "message_id": next(self._ids), "date": int(time.time()),
                "chat": {"id": int(params["chat_id"]), "type": "private"}, "text": text,
            }
            if markup:
                result["reply_markup"] = markup
            return web.json_response({"ok": True, "result": result})
        if method in {"answerCallbackQuery", "setWebhook"}:
            return web.json_response({"ok": True, "result": True})
        return self._error(404, "Not Found")

    @staticmethod
    def delivered(entry: Dict[str, Any]) -> bool:
        """A sendMessage the fake accepted (not one it failed on purpose)."""
        return entry.get("method") == "sendMessage" and "failed" not in entry

    def sent(self, chat_id: Any = None):
        return [e["params"] for e in self.received(
            lambda e: self.delivered(e) and (chat_id is None or str(e["params"].get("chat_id")) == str(chat_id)))]

    def wait_sent(self, chat_id: Any, count: int = 1, timeout: float = 60.0):
        self.wait_for(lambda e: self.delivered(e) and str(e["params"].get("chat_id")) == str(chat_id), count, timeout)
        return self.sent(chat_id)
