"""The web chat page: served with the Rasa URL and the code that shows and presses buttons."""

from __future__ import annotations

from channels.webchat.server import make_app


async def test_page_talks_to_rasa_and_shows_buttons():
    from aiohttp.test_utils import TestClient, TestServer

    client = TestClient(TestServer(make_app("http://localhost:5005")))
    await client.start_server()
    try:
        response = await client.get("/")
        page = await response.text()
    finally:
        await client.close()
    assert response.status == 200 and response.headers["Content-Type"].startswith("text/html")
    assert 'const RASA_URL = "http://localhost:5005";' in page
    assert "/webhooks/rest/webhook" in page
    assert "reply.buttons" in page and "send(b.payload, b.title)" in page
    assert 'localStorage.getItem("tlcd-sender")' in page  # one conversation per browser
