"""The one exception every outbound provider client raises.

``ProviderError(status, retry_after, message)``: ``status`` is the HTTP status (or the provider's own
error code when it answers 200 with an error in the body), ``None`` when the provider could not be
reached at all (timeout, connection refused, DNS). ``retry_after`` is how many seconds the provider
asked us to wait, when it said so. ``retryable`` tells a caller whether trying again later makes
sense (429, 5xx, timeouts and connection errors).
"""

from __future__ import annotations

from typing import Optional


class ProviderError(Exception):
    def __init__(self, status: Optional[int], retry_after: Optional[float], message: str) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after
        self.message = message

    @property
    def retryable(self) -> bool:
        return self.status is None or self.status == 429 or 500 <= self.status < 600

    def __repr__(self) -> str:
        return f"ProviderError(status={self.status!r}, retry_after={self.retry_after!r}, message={self.message!r})"
