"""Helpers for the end-to-end channel tests: posting webhooks and reading the assistant's tracker."""

from __future__ import annotations

import time
from typing import Any, Dict, List

import requests

from tests.conftest import TEST_API_TOKEN


def post(url: str, body: bytes, headers: Dict[str, str]) -> requests.Response:
    return requests.post(url, data=body, headers=headers, timeout=30)


def tracker_events(rasa_url: str, sender: str, turns: int = 0, timeout: float = 60.0) -> List[Dict[str, Any]]:
    """The conversation's events; with ``turns``, once at least that many user turns are recorded.

    A chat channel sends its replies during the turn, and Rasa saves the tracker at the end of the
    turn, before the conversation's lock is given back: the citizen's next message (which waits for
    that lock) always sees the turn, but this read (Rasa's tracker API, outside the lock, maybe
    another Rasa worker) can come between the reply and the save. So it polls, as a reader that
    waits for the turn would, until ``turns`` user turns are there or ``timeout`` seconds have passed
    (then it returns what is recorded, and the caller's assertion says what is missing)."""
    deadline = time.monotonic() + timeout
    while True:
        response = requests.get(f"{rasa_url}/conversations/{sender}/tracker", params={"token": TEST_API_TOKEN}, timeout=30)
        response.raise_for_status()
        events = response.json().get("events", [])
        if sum(e.get("event") == "user" for e in events) >= turns or time.monotonic() > deadline:
            return events
        time.sleep(0.05)


def user_texts(rasa_url: str, sender: str, turns: int = 0) -> List[str]:
    """What the citizen said, in order (``turns``: wait until that many turns are recorded)."""
    return [e.get("text") for e in tracker_events(rasa_url, sender, turns) if e.get("event") == "user"]


def user_intents(rasa_url: str, sender: str, turns: int = 0) -> List[str]:
    """The intents of what the citizen said, in order (``turns`` as for ``user_texts``)."""
    return [(e.get("parse_data") or {}).get("intent", {}).get("name")
            for e in tracker_events(rasa_url, sender, turns) if e.get("event") == "user"]


def server_alive(rasa_url: str) -> bool:
    return requests.get(f"{rasa_url}/", timeout=10).status_code == 200


def wait_until(check, timeout: float = 60.0, message: str = "condition") -> Any:
    """Poll ``check()`` until it returns something truthy (deadline, no fixed sleep)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {message}")
        time.sleep(0.05)
