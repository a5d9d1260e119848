"""The channels' names, one list for every package.

``MESSAGING_CHANNELS`` are the providers the assistant both talks to and notifies through, in this
order: Telegram, Zalo, SMS. Each has a Rasa connector and a provider client (``channels/<name>/``), a
notification stream (``notifications.stream``) and a rate (``NOTIFY_RATE_<NAME>``, bot/settings.py).
``WEBCHAT`` is the web chat page's channel: conversations, never notifications.
"""

TELEGRAM, ZALO, SMS = "telegram", "zalo", "sms"
MESSAGING_CHANNELS = (TELEGRAM, ZALO, SMS)
WEBCHAT = "webchat"
