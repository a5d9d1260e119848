"""Conversation ids (Rasa's ``sender_id``) of the channels, and back.

Every connector keys a conversation as ``<channel>:<provider id>``, so that ids from different
providers never collide in the tracker store: ``telegram:<chat id>``, ``zalo:<Zalo user id>``,
``sms:<phone as 84xxxxxxxxx>``, ``webchat:<session id>``. ``provider_id`` gives back the id the
provider's API wants (a value without the prefix is returned as it is, so clients accept both
forms); ``parts`` splits any conversation id; ``recipient`` gives the messaging channel and the
provider id, or ``None`` for a conversation that is not on a messaging channel.
"""

from __future__ import annotations

from typing import Optional, Tuple

from core.channels import MESSAGING_CHANNELS


def conversation_id(channel: str, provider_id: object) -> str:
    """``"telegram:123"`` for ``("telegram", 123)``."""
    return f"{channel}:{provider_id}"


def provider_id(channel: str, value: object) -> str:
    """``"123"`` for ``("telegram", "telegram:123")`` and for ``("telegram", "123")``."""
    text = str(value)
    prefix = conversation_id(channel, "")
    return text[len(prefix):] if text.startswith(prefix) else text


def parts(sender_id: str) -> Tuple[str, str]:
    """The channel and the provider id: ``("sms", "84912345678")`` for ``"sms:84912345678"``,
    ``("abc", "")`` for an id without a channel."""
    channel, _, rest = (sender_id or "").partition(":")
    return channel, rest


def recipient(sender_id: str) -> Optional[Tuple[str, str]]:
    """``("sms", "84912345678")`` for ``"sms:84912345678"``; ``None`` for other conversation ids
    (web chat, or no messaging channel)."""
    channel, rest = parts(sender_id)
    if channel in MESSAGING_CHANNELS and rest:
        return channel, rest
    return None
