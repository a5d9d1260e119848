"""Conversation ids of the messaging channels, and back.

Each connector keys the conversation (Rasa ``sender_id``) as ``<channel>:<provider id>`` so that ids
from different providers never collide in the tracker store: ``telegram:<chat id>``,
``zalo:<Zalo user id>``, ``sms:<phone as 84xxxxxxxxx>``. ``recipient(sender_id)`` gives back the channel
and the id its provider client wants (the clients also accept the prefixed form).
"""

from __future__ import annotations

from typing import Optional, Tuple

from core.channels import MESSAGING_CHANNELS as CHANNELS


def conversation_id(channel: str, provider_id: str) -> str:
    return f"{channel}:{provider_id}"


def recipient(sender_id: str) -> Optional[Tuple[str, str]]:
    """``("sms", "84912345678")`` for ``"sms:84912345678"``; ``None`` for other conversation ids."""
    channel, _, provider_id = (sender_id or "").partition(":")
    if channel in CHANNELS and provider_id:
        return channel, provider_id
    return None


def strip_prefix(channel: str, value: object) -> str:
    text = str(value)
    prefix = channel + ":"
    return text[len(prefix):] if text.startswith(prefix) else text
