"""What a notification says, per channel and per Zalo mode: the ``Notice`` a renderer gives the worker.

The worker does not write texts; the application layer renders a ``Notice`` from its templates
(data) and the worker picks what the channel needs:

  text        the chat text (Telegram, Zalo CS and transaction messages), Vietnamese with diacritics
  sms         the SMS text as registered with the carriers (GSM-7, no diacritics)
  title       a short heading (the Zalo transaction message's header)
  zalo_modes  the Zalo modes to try, in order: "cs", "transaction", "zns" (``ZALO_MODES``)
  zns         the ZNS template (id, data, approved) or None when the status has none
  status      the status key, for the counters and the history
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Optional, Tuple

CS, TRANSACTION, ZNS = "cs", "transaction", "zns"
ZALO_MODES = (CS, TRANSACTION, ZNS)


@dataclass(frozen=True)
class ZnsTemplate:
    template_id: str
    data: Dict[str, str]
    approved: bool


@dataclass(frozen=True)
class Notice:
    text: str
    sms: str = ""
    title: str = ""
    zalo_modes: Tuple[str, ...] = (CS,)
    zns: Optional[ZnsTemplate] = None
    status: str = ""
    extra: Dict[str, str] = field(default_factory=dict)

    def for_channel(self, channel: str) -> str:
        return self.sms or self.text if channel == "sms" else self.text


def as_notice(value: object) -> Notice:
    """A renderer may return a plain text (older renderers, tests): it becomes a chat/SMS notice."""
    if isinstance(value, Notice):
        return value
    return Notice(text=str(value))
