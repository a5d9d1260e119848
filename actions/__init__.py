"""The rasa_sdk action server: ``rasa run actions --actions actions``."""

from actions import faq, forms, handoff, procedures, status  # noqa: F401  (registers the actions)
