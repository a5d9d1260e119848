"""Patches to Rasa 3.6 that remove per-turn work without changing what it checks, applied once by
``bot.rasa_server`` before Rasa starts (``apply()``; Sanic's worker processes are forked from that
process, so they inherit them).

* **Action results are validated against a validator compiled once.** Rasa's
  ``RemoteAction._validate_action_result`` calls ``jsonschema.validate(result, schema)`` on every
  custom-action call, and ``jsonschema.validate`` first checks the whole response schema (every
  event type) against the JSON Schema metaschema, then builds a new validator: under load this was
  about 40% of the Rasa server's CPU (issue 13). Here the schema is checked once, the validator is
  built once, and every result is still validated against the same schema: an invalid result raises
  the same ``jsonschema.ValidationError`` (the best match, with Rasa's hint appended), so Rasa still
  refuses it and the turn fails as before.

* **Event types are looked up in a table.** ``Event.resolve_by_type`` (called for every event
  deserialised: every stored event of the conversation, on every retrieve and save) walked all
  subclasses of ``Event`` recursively with ``inspect.isabstract`` each time: about a quarter of the
  Rasa server's CPU once the jsonschema cost was gone. Here the same walk is done once into a table
  ``type_name -> class`` (the first class of the walk wins, as before) and done again when a name is
  missing (an event class imported later); unknown names behave as before (``topic`` gives None, else
  the default, else ``ValueError``).

``apply()`` is idempotent; ``applied()`` says whether it ran in this process.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Text

_VALIDATOR: Optional[Any] = None
_APPLIED = False


def action_result_validator() -> Any:
    """The validator of Rasa's action-server response schema, built (and its schema checked) once."""
    global _VALIDATOR
    if _VALIDATOR is None:
        from jsonschema.validators import validator_for
        from rasa.core.actions.action import RemoteAction

        schema = RemoteAction.action_response_format_spec()
        cls = validator_for(schema)
        cls.check_schema(schema)  # what jsonschema.validate did on every call
        _VALIDATOR = cls(schema)
    return _VALIDATOR


def validate_action_result(self: Any, result: Dict[Text, Any]) -> bool:
    """``RemoteAction._validate_action_result`` with the compiled validator: True, or raises."""
    from jsonschema.exceptions import best_match
    from rasa.shared.constants import DOCS_BASE_URL

    error = best_match(action_result_validator().iter_errors(result))
    if error is not None:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from the "
            f"Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


_EVENT_TYPES: Dict[Text, Any] = {}


def _event_types() -> Dict[Text, Any]:
    from rasa.shared.core.events import Event
    from rasa.shared.utils.common import all_subclasses

    table: Dict[Text, Any] = {}
    for cls in all_subclasses(Event):
        table.setdefault(cls.type_name, cls)
    return table


def resolve_event_type(type_name: Text, default: Optional[Any] = None) -> Optional[Any]:
    """``Event.resolve_by_type`` from a table built once (rebuilt when a name is missing)."""
    global _EVENT_TYPES
    cls = _EVENT_TYPES.get(type_name)
    if cls is None:
        _EVENT_TYPES = _event_types()
        cls = _EVENT_TYPES.get(type_name)
    if cls is not None:
        return cls
    if type_name == "topic":
        return None  # Rasa's backwards compatibility with old TopicSet events
    if default is not None:
        return default
    raise ValueError(f"Unknown event name '{type_name}'.")


def apply() -> None:
    global _APPLIED
    if _APPLIED:
        return
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.events import Event

    action_result_validator()
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
    Event.resolve_by_type = staticmethod(resolve_event_type)  # type: ignore[method-assign,assignment]
    _APPLIED = True


def applied() -> bool:
    return _APPLIED
