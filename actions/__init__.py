"""The rasa_sdk action server: ``rasa run actions --actions actions``."""

from actions import faq, handoff, procedures  # noqa: F401  (registers the actions)
