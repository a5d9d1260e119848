"""The web chat page and its channel: the page talks only to its own origin (the server forwards to
Rasa's web chat channel), keeps a server-issued session token, and shows and presses buttons; the
session tokens themselves (channels/webchat/session.py)."""

from __future__ import annotations

import pytest

from channels.webchat import session
from channels.webchat.server import make_app

SECRET = "webchat-secret-for-unit-tests"


async def test_page_talks_to_its_own_origin_with_a_session_token_and_shows_buttons():
    from aiohttp.test_utils import TestClient, TestServer

    client = TestClient(TestServer(make_app("http://127.0.0.1:9")))  # nothing listens on port 9
    await client.start_server()
    try:
        response = await client.get("/")
        page = await response.text()
        unreachable = await client.post("/webhooks/webchat/webhook", json={"message": "xin chào"})
        unreachable_body = await unreachable.json()
        other = await client.post("/webhooks/rest/webhook", json={"sender": "sms:84912345678", "message": "x"})
        huge = await client.post("/webhooks/webchat/webhook", data=b"x" * (65 * 1024))
    finally:
        await client.close()
    assert response.status == 200 and response.headers["Content-Type"].startswith("text/html")
    assert 'const WEBCHAT = "/webhooks/webchat";' in page and "http://" not in page.split("<script>")[1]
    assert '"Authorization": "Bearer " + token' in page and "sender" not in page.split("<script>")[1]
    assert "reply.buttons" in page and "send(b.payload, b.title)" in page
    assert 'localStorage.getItem("tlcd-session")' in page  # one conversation per browser
    assert unreachable.status == 502 and unreachable_body["ok"] is False
    assert other.status in (404, 405) and huge.status == 413


def test_a_session_token_names_one_web_chat_conversation():
    token = session.issue(SECRET)
    conversation = session.verify(SECRET, token, 3600)
    assert conversation.startswith("webchat:") and conversation[len("webchat:"):] == token.split(".")[0]
    assert session.verify(SECRET, session.issue(SECRET), 3600) != conversation  # random ids


@pytest.mark.parametrize("forge,status", [
    (lambda t: None, 401),
    (lambda t: "", 401),
    (lambda t: "sms:84912345678", 400),
    (lambda t: t.replace(t.split(".")[0], "sms:84912345678"), 400),
    (lambda t: "A" * 22 + "." + t.split(".", 1)[1], 403),               # another id, same mac
    (lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"), 403),  # tampered mac
    (lambda t: session.issue("another-server-secret-123"), 403),
    (lambda t: session.issue(SECRET, now=0), 401),                       # expired
])
def test_forged_or_expired_tokens_are_refused(forge, status):
    with pytest.raises(session.InvalidSession) as refused:
        session.verify(SECRET, forge(session.issue(SECRET)), 3600)
    assert refused.value.status == status


def test_a_session_id_cannot_name_another_channel():
    with pytest.raises(ValueError):
        session.issue(SECRET, "sms:84912345678")
