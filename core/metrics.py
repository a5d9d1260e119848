"""The Prometheus metrics every service exposes (``prometheus_client``), defined once, here.

Each process has its own registry (``REGISTRY``, prometheus_client's default): a service serves
``GET /metrics`` in the text exposition format (``exposition()``), Prometheus adds the pod or
container as its own ``instance`` label. Where a metric is updated:

==========================================  ==========================================================
``assistant_turns_total{channel,outcome}``  Rasa server (channels/): a message a webhook accepted and
                                            handed to the assistant; outcome ``handled`` or ``failed``
``assistant_turn_seconds{channel}``         Rasa server: time from handing the message over until the
                                            assistant's replies were produced (histogram)
``assistant_webhook_rejections_total``      Rasa server: webhook requests refused before the assistant
  ``{channel,status}``                      (forged signature, malformed body...), by HTTP status
``assistant_questions_total``               action server: questions answered, outcome ``answered`` or
  ``{channel,outcome}``                     ``fallback`` (the assistant said it did not know)
``assistant_unanswered_total{channel}``     action server: questions recorded for officers
``notifications_attempts_total{channel}``   notification worker: provider calls
``notifications_delivered_total{channel}``  notification worker: notifications the provider accepted
``notifications_retries_total{channel}``    notification worker: failed calls that will be retried
``notifications_dead_letters_total``        notification worker: notifications moved to ``notif:dead``
  ``{channel}``
``notifications_delivery_seconds``          notification worker: status change applied -> delivered
  ``{channel}``                             (histogram)
``notifications_queue_depth{channel}``      notification worker, read from Redis at scrape time:
                                            entries in the channel's stream (waiting or in flight)
``notifications_in_flight{channel}``        ... of which taken by a worker and not yet acknowledged
``notifications_dead_letter_depth``         ... entries in the dead-letter stream
``status_events_total{result}``             status API: events applied / stale / duplicate
``status_push_rejections_total{status}``    status API: pushes refused, by HTTP status
``http_requests_total{service,status}``     every aiohttp service (web chat page, status API,
                                            workspace, worker): requests by status class ("2xx"...)
==========================================  ==========================================================

No personal data in a metric: label values come only from closed sets (``channel_label``,
``status_label``, the outcomes named above). A phone number, a chat id, an application code or a
message's text can never become a label, since anything outside the set is written ``other``.
"""

from __future__ import annotations

from typing import Iterable, Optional, Tuple

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Gauge, Histogram, generate_latest

from core.channels import MESSAGING_CHANNELS, WEBCHAT

CHANNELS = (*MESSAGING_CHANNELS, WEBCHAT, "twilio", "rest")
OTHER = "other"
TURN_OUTCOMES = ("handled", "failed")
QUESTION_OUTCOMES = ("answered", "fallback")
STATUS_RESULTS = ("applied", "stale", "duplicate")

# Seconds; a question turn takes 84 ms median on 2 cores, 851 ms with 20 concurrent conversations
# (docs/benchmarks.md), so the buckets cover 25 ms to 30 s.
TURN_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0)
# Notifications wait for rate limits and retries: 0.1 s to an hour.
DELIVERY_BUCKETS = (0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0)


def channel_label(channel: Optional[str]) -> str:
    """A channel name as a label value: one of ``CHANNELS``, else ``other``."""
    return channel if channel in CHANNELS else OTHER


def status_label(status: int) -> str:
    """An HTTP status as a label value: the code itself for 100-599, else ``other``."""
    return str(status) if isinstance(status, int) and 100 <= status <= 599 else OTHER


def status_class(status: int) -> str:
    return f"{status // 100}xx" if isinstance(status, int) and 100 <= status <= 599 else OTHER


def one_of(value: Optional[str], allowed: Iterable[str]) -> str:
    return value if value in tuple(allowed) else OTHER  # type: ignore[return-value]


TURNS = Counter("assistant_turns", "Messages handed to the assistant by a channel webhook", ["channel", "outcome"])
TURN_SECONDS = Histogram("assistant_turn_seconds", "Time the assistant took to answer one message", ["channel"],
                         buckets=TURN_BUCKETS)
WEBHOOK_REJECTIONS = Counter("assistant_webhook_rejections", "Webhook requests refused before the assistant",
                             ["channel", "status"])
QUESTIONS = Counter("assistant_questions", "Questions answered by the action server", ["channel", "outcome"])
UNANSWERED = Counter("assistant_unanswered", "Questions recorded for officers (not answered)", ["channel"])

NOTIFY_ATTEMPTS = Counter("notifications_attempts", "Provider calls made for notifications", ["channel"])
NOTIFY_DELIVERED = Counter("notifications_delivered", "Notifications the provider accepted", ["channel"])
NOTIFY_RETRIES = Counter("notifications_retries", "Failed provider calls that will be retried", ["channel"])
NOTIFY_DEAD = Counter("notifications_dead_letters", "Notifications moved to the dead-letter stream", ["channel"])
NOTIFY_DELIVERY_SECONDS = Histogram("notifications_delivery_seconds", "Status change applied to notification delivered",
                                    ["channel"], buckets=DELIVERY_BUCKETS)
NOTIFY_QUEUE = Gauge("notifications_queue_depth", "Entries in the channel's notification stream", ["channel"])
NOTIFY_IN_FLIGHT = Gauge("notifications_in_flight", "Stream entries taken by a worker, not yet acknowledged", ["channel"])
NOTIFY_DEAD_DEPTH = Gauge("notifications_dead_letter_depth", "Entries in the dead-letter stream")

STATUS_EVENTS = Counter("status_events", "Status events received by the ingestion API", ["result"])
STATUS_REJECTIONS = Counter("status_push_rejections", "Status pushes refused", ["status"])

HTTP_REQUESTS = Counter("http_requests", "HTTP requests served", ["service", "status"])


def exposition() -> Tuple[bytes, str]:
    """The body and content type of ``GET /metrics``: every metric of this process."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
