"""Fixtures of the officers' workspace tests: the fixture knowledge base (copied), the store and the
aiohttp app on Redis databases 14/15, accounts, and a logged-in client."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable

import pytest
from aiohttp.test_utils import TestClient, TestServer

from admin import auth
from admin.app import make_app
from bot.knowledge.store import KnowledgeStore
from tests.admin.helpers import APP_DB, FIXTURE_KNOWLEDGE, PASSWORDS, STORE_DB, Officer

@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(FIXTURE_KNOWLEDGE, target)
    return target


@pytest.fixture
def store(redis_db: Callable, kb_dir: Path) -> KnowledgeStore:
    return KnowledgeStore(redis_db(STORE_DB), kb_dir)


@pytest.fixture
async def workspace(redis_db: Callable, kb_dir: Path):
    """(make_officer, redis client, knowledge dir): a fresh app on database 14 with accounts lan (reviewer), binh (editor)."""
    client = redis_db(APP_DB)
    auth.create_user(client, "lan", PASSWORDS["lan"], "reviewer", "Nguyễn Thị Lan")
    auth.create_user(client, "binh", PASSWORDS["binh"], "editor", "Trần Văn Bình")
    server = TestServer(make_app(client, kb_dir))
    await server.start_server()
    clients = []

    async def officer(username: str = "", password: str = "") -> Officer:
        test_client = TestClient(server)
        await test_client.start_server()
        clients.append(test_client)
        person = Officer(test_client)
        if username:
            response = await person.login(username, password)
            assert response.status == 303, await response.text()
        return person

    yield officer, client, kb_dir
    for test_client in clients:
        await test_client.close()
    await server.close()
