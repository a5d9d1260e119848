"""A lazily opened aiohttp session, shared by the provider clients that speak plain HTTP (Zalo, SMS)."""

from __future__ import annotations

from typing import Optional

import aiohttp


class HttpClient:
    def __init__(self, timeout: float) -> None:
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: Optional[aiohttp.ClientSession] = None

    async def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self.timeout)
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
