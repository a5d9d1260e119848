"""Shared fixtures: the real Redis on 127.0.0.1 (a database number of the tests' own) and the running
assistant (action server + Rasa server on free ports, trained model reused when the data is unchanged).

The assistant runs as in production (docs/security.md) with two test secrets: ``TEST_API_TOKEN``
turns Rasa's HTTP API on behind its token (tests read trackers with ``Assistant.tracker``/``api``),
and ``TEST_WEBCHAT_SECRET`` lets ``Assistant.say`` sign web chat session tokens for the test's own
sender names, so that ``say(sender, text)`` talks in the conversation ``webchat:<sender>``
(``Assistant.conversation_id(sender)``)."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import uuid
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional

import pytest
import pytest_asyncio
import redis
import requests
from redis.asyncio import Redis as AsyncRedis

from launcher.assistant import start_assistant, stop
from bot.training import ensure_model

REDIS_HOST = os.environ.get("TEST_REDIS_HOST", "127.0.0.1")
REDIS_PORT = int(os.environ.get("TEST_REDIS_PORT", "6379"))
# Databases 0-9 are left to people running the assistant; tests use 10-15.
ASSISTANT_REDIS_DB = 10
# Fixed (this module may be imported twice): the secrets of the assistant the tests start.
TEST_API_TOKEN = "test-rasa-api-token-0123456789"
TEST_WEBCHAT_SECRET = "test-webchat-session-secret-0123456789"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_url_for(db: int) -> str:
    return f"redis://{REDIS_HOST}:{REDIS_PORT}/{db}"


@pytest.fixture
def redis_db() -> Callable[[int], redis.Redis]:
    """A clean Redis database (flushed before and after the test): ``redis_db(11)``."""
    used: List[redis.Redis] = []

    def connect(db: int) -> redis.Redis:
        client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=db)
        client.flushdb()
        used.append(client)
        return client

    yield connect
    for client in used:
        client.flushdb()


@pytest_asyncio.fixture
async def async_redis_db(redis_db):
    """Like ``redis_db``, with redis.asyncio clients (closed after the test): ``async_redis_db(11)``."""
    clients: List[AsyncRedis] = []

    def connect(db: int) -> AsyncRedis:
        redis_db(db)  # flushed before and after
        client = AsyncRedis(host=REDIS_HOST, port=REDIS_PORT, db=db)
        clients.append(client)
        return client

    yield connect
    for client in clients:
        await client.close()


class Assistant:
    """The running assistant, driven over the web chat channel as the web chat page would."""

    def __init__(self, rasa_url: str, data_dir: str, api_token: str = TEST_API_TOKEN,
                 webchat_secret: str = TEST_WEBCHAT_SECRET) -> None:
        self.url = rasa_url
        self.data_dir = data_dir
        self.api_token = api_token
        self.webchat_secret = webchat_secret
        self.action_url = ""  # the action server, set by running_assistant

    @staticmethod
    def session_id(sender: str) -> str:
        """The web chat session id a test's sender name stands for (8-64 of A-Z a-z 0-9 _ -)."""
        return re.sub(r"[^A-Za-z0-9_-]", "-", sender)[:64].ljust(8, "-")

    def conversation_id(self, sender: str) -> str:
        """The conversation (tracker) id of ``say(sender, ...)``: ``webchat:<sender>``."""
        return "webchat:" + self.session_id(sender)

    def say(self, sender: str, text: str) -> List[Dict]:
        from channels.webchat import session as webchat_session  # not at import: tests/channels shadows it then

        token = webchat_session.issue(self.webchat_secret, self.session_id(sender))
        response = requests.post(
            f"{self.url}/webhooks/webchat/webhook", json={"message": text},
            headers={"Authorization": f"Bearer {token}"}, timeout=60,
        )
        response.raise_for_status()
        return response.json()

    def conversation(self) -> Callable[[str], List[Dict]]:
        sender = f"test-{uuid.uuid4().hex[:10]}"
        return lambda text: self.say(sender, text)

    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        """Rasa's HTTP API with the token, e.g. ``api("GET", "/conversations/<id>/tracker")``."""
        params = {**kwargs.pop("params", {}), "token": self.api_token}
        kwargs.setdefault("timeout", 30)
        return requests.request(method, f"{self.url}{path}", params=params, **kwargs)

    def tracker(self, sender: str) -> Dict:
        """The tracker of the conversation ``say(sender, ...)`` speaks in."""
        response = self.api("GET", f"/conversations/{self.conversation_id(sender)}/tracker")
        response.raise_for_status()
        return response.json()


@contextlib.contextmanager
def running_assistant(
    data_dir: str, redis_db: int = ASSISTANT_REDIS_DB, extra_env: Optional[Dict[str, str]] = None,
    credentials: Optional[Callable[[], Path]] = None, rasa_port: Optional[int] = None,
) -> Iterator[Assistant]:
    """The whole assistant with the Redis tracker and lock stores on ``redis_db``.

    ``extra_env``: more environment for the assistant (and for settings read while it starts);
    ``credentials``: called once the environment is in place, returns the Rasa credentials file
    (default: the project's credentials.yml, web chat channel only); ``rasa_port``: a fixed port (default:
    a free one)."""
    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=redis_db)
    client.flushdb()
    env = {"REDIS_URL": redis_url_for(redis_db), "DATA_DIR": str(data_dir), "RASA_API_TOKEN": TEST_API_TOKEN,
           "WEBCHAT_SESSION_SECRET": TEST_WEBCHAT_SECRET, **(extra_env or {})}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    processes: List = []
    try:
        model = ensure_model()
        rasa_port, action_port = rasa_port or free_port(), free_port()
        credentials_file = credentials() if credentials else None
        processes = start_assistant(rasa_port, action_port, str(model), extra_env=env, credentials=credentials_file)
        running = Assistant(f"http://127.0.0.1:{rasa_port}", str(data_dir), env["RASA_API_TOKEN"], env["WEBCHAT_SESSION_SECRET"])
        running.action_url = f"http://127.0.0.1:{action_port}"  # its /metrics and health routes need no secret
        yield running
    finally:
        stop(processes)
        client.flushdb()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture(scope="session")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    """The whole assistant with the Redis tracker and lock stores, on database 10."""
    with running_assistant(str(tmp_path_factory.mktemp("assistant-data"))) as running:
        yield running
