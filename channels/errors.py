"""The one exception every outbound provider client raises.

``ProviderError(status, retry_after, message)``: ``status`` is the HTTP status (or the provider's own
error code when it answers 200 with an error in the body), ``None`` when the provider could not be
reached at all (timeout, connection refused, DNS). ``retry_after`` is how many seconds the provider
asked us to wait, when it said so. ``retryable`` tells a caller whether trying again later makes
sense (429, 5xx, timeouts and connection errors). ``kind`` (optional) names what went wrong when the
provider said so, for a caller to handle by kind instead of by code (``KINDS``):

  template_not_approved  the template does not exist, is not approved or not this sender's
  param_invalid          a parameter (phone, template data) was refused
  quota_exceeded         the daily quota or the balance is used up (retrying today will not help)
  user_unreachable       the recipient blocked us, does not follow the OA or has no account
  token_expired          the access token is invalid and could not be refreshed
  outside_window         a reply-only message outside the window after the recipient's last message
"""

from __future__ import annotations

from typing import Optional


TEMPLATE_NOT_APPROVED, PARAM_INVALID, QUOTA_EXCEEDED = "template_not_approved", "param_invalid", "quota_exceeded"
USER_UNREACHABLE, TOKEN_EXPIRED, OUTSIDE_WINDOW = "user_unreachable", "token_expired", "outside_window"
KINDS = (TEMPLATE_NOT_APPROVED, PARAM_INVALID, QUOTA_EXCEEDED, USER_UNREACHABLE, TOKEN_EXPIRED, OUTSIDE_WINDOW)


class ProviderError(Exception):
    def __init__(self, status: Optional[int], retry_after: Optional[float], message: str, kind: Optional[str] = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after
        self.message = message
        self.kind = kind

    @property
    def retryable(self) -> bool:
        if self.kind is not None:
            return False
        return self.status is None or self.status == 429 or 500 <= self.status < 600

    def __repr__(self) -> str:
        return f"ProviderError(status={self.status!r}, retry_after={self.retry_after!r}, message={self.message!r}, kind={self.kind!r})"
