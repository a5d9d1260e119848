"""bot/rasa_patches.py: the Rasa server validates action results with a validator compiled once, and
still refuses what the schema refuses (the same error as ``jsonschema.validate``)."""

from __future__ import annotations

import jsonschema
import pytest
from aiohttp import web
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot import rasa_patches, rasa_server

VALID = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "procedure", "value": "cap_doi_gplx", "timestamp": None}],
     "responses": [{"text": "Lệ phí: 135.000 đồng"}]},
    {"events": [{"event": "followup", "name": "action_listen"}], "responses": [{"response": "utter_greet"}]},
]
INVALID = [
    {"events": "slot procedure"},                       # events is not a list
    {"events": [{"name": "procedure"}]},                # an event without its type
    {"events": [{"event": "slot"}]},                    # a slot event without the slot's name
    {"events": [], "responses": {"text": "xin chào"}},  # responses is not a list
    {"events": [], "responses": ["xin chào"]},          # a response that is not an object
]


@pytest.fixture(autouse=True)
def patched() -> None:
    rasa_patches.apply()


def jsonschema_error(result: dict):
    try:
        jsonschema.validate(result, RemoteAction.action_response_format_spec())
    except jsonschema.ValidationError as error:
        return error
    return None


@pytest.mark.parametrize("result", VALID)
def test_valid_action_results_are_accepted(result: dict) -> None:
    assert RemoteAction._validate_action_result is rasa_patches.validate_action_result
    assert RemoteAction("action_answer_procedure", None)._validate_action_result(result) is True
    assert jsonschema_error(result) is None


@pytest.mark.parametrize("result", INVALID)
def test_invalid_action_results_are_refused_with_the_same_error_as_before(result: dict) -> None:
    expected = jsonschema_error(result)
    assert expected is not None
    with pytest.raises(jsonschema.ValidationError) as raised:
        RemoteAction("action_answer_procedure", None)._validate_action_result(result)
    assert raised.value.message.startswith(expected.message)
    assert "Failed to validate Action server response" in raised.value.message
    assert list(raised.value.path) == list(expected.path)


async def test_rasa_refuses_an_invalid_result_from_a_running_action_server() -> None:
    """Rasa's own RemoteAction.run against an action server on loopback: a valid answer gives its
    events, an invalid one raises before any of its events is applied."""
    answers = {"valid": {"events": [{"event": "slot", "name": "procedure", "value": "x"}], "responses": []},
               "invalid": {"events": [{"event": "slot"}], "responses": []}}
    current = {"answer": "valid"}

    async def webhook(request: web.Request) -> web.Response:
        body = await request.json()
        assert body["next_action"] == "action_answer_procedure"
        return web.json_response(answers[current["answer"]])

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        action = RemoteAction("action_answer_procedure", EndpointConfig(f"http://127.0.0.1:{port}/webhook"))
        domain = Domain.from_dict({"slots": {"procedure": {"type": "any", "mappings": [{"type": "custom"}]}}})
        run = lambda: action.run(CollectingOutputChannel(), TemplatedNaturalLanguageGenerator({}),  # noqa: E731
                                 DialogueStateTracker("s", domain.slots), domain)
        assert await run() == [SlotSet("procedure", "x")]
        current["answer"] = "invalid"
        with pytest.raises(jsonschema.ValidationError):
            await run()
    finally:
        await runner.cleanup()


def test_the_rasa_server_applies_the_patches_before_rasa_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    import rasa.__main__

    monkeypatch.setattr(sys, "argv", list(sys.argv))  # rasa_server.main hands Rasa its arguments there
    seen = {}
    monkeypatch.setattr(rasa_patches, "_APPLIED", False)
    monkeypatch.setattr(rasa.__main__, "main", lambda: seen.setdefault("applied", rasa_patches.applied()))
    assert rasa_server.main(["--model", "m.tar.gz", "--endpoints", "e.yml", "--credentials", "c.yml"]) == 0
    assert seen == {"applied": True}


def test_every_event_type_resolves_to_the_class_rasa_found_before() -> None:
    from rasa.shared.core import events
    from rasa.shared.utils.common import all_subclasses

    found = {}
    for cls in all_subclasses(events.Event):
        found.setdefault(cls.type_name, cls)
    assert len(found) > 15
    for name, cls in found.items():
        assert events.Event.resolve_by_type(name) is cls
    assert events.Event.resolve_by_type("topic") is None
    assert events.Event.resolve_by_type("no_such_event", default=events.UserUttered) is events.UserUttered
    with pytest.raises(ValueError, match="Unknown event name"):
        events.Event.resolve_by_type("no_such_event")
    # a stored conversation reads back the same events
    stored = [{"event": "user", "text": "lệ phí bao nhiêu", "parse_data": {"intent": {"name": "ask_fee"}}},
              {"event": "slot", "name": "procedure", "value": "cap_doi_gplx"}, {"event": "action", "name": "action_listen"}]
    assert [type(e) for e in events.deserialise_events(stored)] == [events.UserUttered, events.SlotSet, events.ActionExecuted]


def test_an_event_class_defined_later_is_found() -> None:
    from rasa.shared.core.events import AlwaysEqualEventMixin, Event

    class LateEvent(AlwaysEqualEventMixin):
        type_name = "late_event_for_test"

        def as_story_string(self) -> str:
            return self.type_name

    assert Event.resolve_by_type("late_event_for_test") is LateEvent
