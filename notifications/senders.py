"""Outbound senders: channel name -> ``async send(recipient, text, key)``.

Each sender wraps the channels engineer's provider client (``channels/``) and raises
``channels.errors.ProviderError`` on failure (``status`` None = timeout/unreachable, 429, 5xx are
retried by the worker). ``key`` is the notification's idempotency key: the SMS gateway gets it as
``ref`` so a gateway that deduplicates on ``ref`` drops a part it already accepted, and each part the
gateway accepts is recorded (``notifications.parts``: in Redis for the workers) so that a retry, by this
worker or by the one that reclaims a dead worker's notification, sends only the parts still missing.

A sender returns ``Sent(mode, ids, receipt)``: the mode used ("cs", "transaction", "zns", "sms",
"telegram"), the provider's message ids and whether a delivery receipt will follow (ZNS and SMS; Zalo CS
and transaction messages too with ``ZALO_OA_RECEIPTS=true``: the worker then waits for it,
``notifications.tracking``), or not (accepted = delivered).

The Zalo sender has ``wants_notice``: the worker passes it the ``Notice`` and the application's phone,
and it tries the notice's Zalo modes in order (``zalo_modes``): "cs" and "transaction" to the follower's
user id, "zns" to the phone with the approved template (a recipient "tel:84..." is a phone: ZNS only).
A CS message is not even tried when the follower's CS window is known to be closed
(``channels.zalo.window``: no interaction for 48 hours, or its messages used; the worker passes the
window over its Redis). A mode failing for a reason another mode avoids (outside the CS window, not
following, template not approved or refused, quota) passes to the next; a token that cannot be refreshed or a retryable error
(timeout, 5xx) stops there. When every mode failed, the last error goes up with its ``kind``.

A channel whose credentials are missing has no sender; its notifications go to the dead-letter stream.
Configuration: the channels' own settings (``bot.settings.load_channel_settings``): TELEGRAM_BOT_TOKEN,
TELEGRAM_API_BASE; ZALO_OA_ACCESS_TOKEN, ZALO_APP_ID, ZALO_APP_SECRET, ZALO_REFRESH_TOKEN,
ZALO_TOKEN_FILE, ZALO_API_BASE, ZALO_OAUTH_BASE; SMS_GATEWAY_URL, SMS_GATEWAY_API_KEY, SMS_BRANDNAME.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple

from bot.settings import ChannelSettings, load_channel_settings
from channels.errors import OUTSIDE_WINDOW, PARAM_INVALID, TEMPLATE_NOT_APPROVED, TOKEN_EXPIRED, ProviderError
from channels.zalo.window import CLOSED, CsWindow
from core.phone import normalize_phone
from notifications.message import CS, TRANSACTION, ZNS, Notice
from notifications.parts import MemoryParts, PartsRecord

Send = Callable[..., Awaitable[Any]]
PHONE_PREFIX = "tel:"  # a Zalo recipient that is a phone number (ZNS), not a follower's user id


@dataclass(frozen=True)
class Sent:
    mode: str
    ids: Tuple[str, ...] = ()
    receipt: bool = False


def tracking_id(key: str) -> str:
    """The id we give the provider for a notification (ZNS tracking_id, SMS ref): no personal data."""
    return hashlib.sha256(key.encode()).hexdigest()[:24]


class Senders:
    """The senders of one worker process; ``close()`` closes the clients' HTTP sessions."""

    def __init__(self, senders: Dict[str, Send], closers: Optional[List[Callable[[], Awaitable[None]]]] = None):
        self.senders = senders
        self.closers = closers or []

    def get(self, channel: str) -> Optional[Send]:
        return self.senders.get(channel)

    async def close(self) -> None:
        for close in self.closers:
            try:
                await close()
            except Exception:  # noqa: BLE001  (closing must not hide the real error)
                pass


def telegram_sender(token: str, base_url: str, timeout: float) -> tuple:
    from channels.telegram.client import TelegramClient

    # One attempt per call: flood control (429) comes back to the worker, which backs off and
    # reschedules under its own rate limiter instead of sleeping inside the client.
    client = TelegramClient(token, base_url=base_url, timeout=timeout, max_attempts=1, max_wait=0)

    async def send(recipient: str, text: str, key: str) -> Sent:
        await client.send_text(recipient, text)
        return Sent("telegram")

    return send, client.close


def zalo_sender(channels: ChannelSettings, timeout: float, window: Optional[CsWindow] = None) -> tuple:
    from channels.zalo.client import ZaloClient

    window = window or CsWindow(None)
    oa_receipts = channels.zalo_oa_receipts

    client = ZaloClient(
        channels.zalo_access_token, app_id=channels.zalo_app_id or "", app_secret=channels.zalo_app_secret or "",
        refresh_token=channels.zalo_refresh_token or "", api_base=channels.zalo_api_base,
        oauth_base=channels.zalo_oauth_base, zns_base=channels.zalo_zns_base,
        token_file=channels.zalo_token_file or None, timeout=timeout,
    )

    async def send(recipient: str, text: str, key: str, notice: Optional[Notice] = None,
                   phone: Optional[str] = None) -> Sent:
        notice = notice or Notice(text=text)
        if recipient.startswith(PHONE_PREFIX):
            modes: Tuple[str, ...] = (ZNS,)
            phone, user_id = recipient[len(PHONE_PREFIX):], ""
        else:
            modes, user_id = notice.zalo_modes or (CS,), recipient
        last: Optional[ProviderError] = None
        for mode in modes:
            try:
                if mode == CS and user_id:
                    if await window.state(user_id) == CLOSED:
                        last = ProviderError(None, None, "outside the CS window: no interaction in the last "
                                             f"{window.hours:g} hours, or its messages used", OUTSIDE_WINDOW)
                        continue
                    ids = tuple(i for i in await client.send_text(user_id, text) if i)
                    await window.spent(user_id)
                    return Sent(CS, ids, receipt=oa_receipts and bool(ids))
                if mode == TRANSACTION and user_id:
                    msg_id = await client.send_transaction(user_id, notice.title or text[:100], text)
                    return Sent(TRANSACTION, (msg_id,) if msg_id else (), receipt=oa_receipts and bool(msg_id))
                if mode == ZNS:
                    if notice.zns is None or not notice.zns.approved:
                        last = ProviderError(None, None, "no approved ZNS template for this status", TEMPLATE_NOT_APPROVED)
                        continue
                    number = normalize_phone(phone or "")
                    if number is None:
                        last = ProviderError(None, None, "no phone number for ZNS", PARAM_INVALID)
                        continue
                    msg_id = await client.send_zns(number, notice.zns.template_id, notice.zns.data, tracking_id(key))
                    return Sent(ZNS, (msg_id,), receipt=True)
            except ProviderError as error:
                if error.kind in (None, TOKEN_EXPIRED):
                    raise  # retryable (timeout, 5xx, 429) or an operator's problem: not another mode's
                last = error
        raise last or ProviderError(None, None, "no Zalo mode could carry this notification", PARAM_INVALID)

    send.wants_notice = True  # type: ignore[attr-defined]
    return send, client.close


def sms_sender(base_url: str, api_key: str, brandname: str, timeout: float,
               parts: Optional[PartsRecord] = None) -> tuple:
    from core.message_text import sms_parts
    from channels.sms.client import SmsGatewayClient

    client = SmsGatewayClient(base_url, api_key, brandname=brandname, timeout=timeout)
    record = parts or MemoryParts()

    async def send(recipient: str, text: str, key: str) -> Sent:
        number = normalize_phone(recipient)
        if number is None:
            raise ProviderError(400, None, "not a phone number", PARAM_INVALID)
        ref = tracking_id(key)
        done = await record.accepted(key)
        ids = []
        for index, part in enumerate(sms_parts(text, max_parts=client.max_parts), 1):
            if index in done:  # a retry after a later part failed: do not send this one twice
                continue
            ids.append(await client.send_part(number, part, ref=f"{ref}-{index}"))
            await record.mark(key, index)
        return Sent("sms", tuple(i for i in ids if i), receipt=bool(ids) and all(ids))

    return send, client.close


def build_senders(timeout: float = 10.0, channels: Optional[ChannelSettings] = None,
                  parts: Optional[PartsRecord] = None, window: Optional[CsWindow] = None) -> Senders:
    channels = channels or load_channel_settings()
    senders: Dict[str, Send] = {}
    closers = []
    if channels.telegram_bot_token:
        senders["telegram"], close = telegram_sender(channels.telegram_bot_token, channels.telegram_api_base, timeout)
        closers.append(close)
    if channels.zalo_access_token:
        senders["zalo"], close = zalo_sender(channels, timeout, window)
        closers.append(close)
    if channels.sms_gateway_url and channels.sms_gateway_api_key:
        senders["sms"], close = sms_sender(channels.sms_gateway_url, channels.sms_gateway_api_key,
                                           channels.sms_brandname, timeout, parts)
        closers.append(close)
    return Senders(senders, closers)
