"""Fake provider servers for the channel tests: aiohttp on 127.0.0.1, each speaking the provider's real
HTTP API (Telegram Bot API, Zalo OA API v3 + OAuth v4, a brandname-SMS gateway) and recording what it
received. They run in a thread of their own so that they keep answering between tests while the
assistant (a separate process) sends its replies."""
