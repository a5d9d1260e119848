"""Shared helpers of the workspace tests (imported as tests.admin.helpers)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict

from aiohttp.test_utils import TestClient

FIXTURE_KNOWLEDGE = Path(__file__).parent / "fixtures" / "knowledge"
PASSWORDS = {"lan": "mat-khau-nguoi-duyet-1", "binh": "mat-khau-bien-tap-1"}
STORE_DB, APP_DB = 15, 14


def csrf_of(html: str) -> str:
    match = re.search(r'name="_csrf" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


class Officer:
    """A logged-in browser-less client of the workspace."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.csrf = ""

    async def login(self, username: str, password: str = "") -> Any:
        page = await self.client.get("/login")
        token = csrf_of(await page.text())
        response = await self.client.post(
            "/login", data={"_csrf": token, "username": username, "password": password or PASSWORDS[username]},
            allow_redirects=False,
        )
        if response.status == 303:
            home = await self.client.get("/")
            self.csrf = csrf_of(await home.text())
        return response

    async def post(self, path: str, data: Dict[str, Any] = None, **kwargs: Any) -> Any:
        return await self.client.post(path, data={"_csrf": self.csrf, **(data or {})}, allow_redirects=False, **kwargs)

    async def get(self, path: str) -> Any:
        return await self.client.get(path, allow_redirects=False)
