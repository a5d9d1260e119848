"""Helpers for the end-to-end channel tests: posting webhooks and reading the assistant's tracker."""

from __future__ import annotations

import time
from typing import Any, Dict, List

import requests

from tests.conftest import TEST_API_TOKEN


def post(url: str, body: bytes, headers: Dict[str, str]) -> requests.Response:
    return requests.post(url, data=body, headers=headers, timeout=30)


def tracker_events(rasa_url: str, sender: str) -> List[Dict[str, Any]]:
    response = requests.get(f"{rasa_url}/conversations/{sender}/tracker", params={"token": TEST_API_TOKEN}, timeout=30)
    response.raise_for_status()
    return response.json().get("events", [])


def user_texts(rasa_url: str, sender: str) -> List[str]:
    return [e.get("text") for e in tracker_events(rasa_url, sender) if e.get("event") == "user"]


def user_intents(rasa_url: str, sender: str) -> List[str]:
    return [(e.get("parse_data") or {}).get("intent", {}).get("name")
            for e in tracker_events(rasa_url, sender) if e.get("event") == "user"]


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
