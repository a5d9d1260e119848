"""Conversational form filling (issue 5): one FormValidationAction per declaration, the questions,
the summary, and what happens when a form is finished, cancelled or paused.

The logic lives in ``forms.engine`` (Rasa-independent, unit-tested); these actions read the tracker,
call it, and turn its answer into messages and events. What they say is in the domain: the
``utter_form_*`` responses (``forms/responses.yml``, generated into ``bot/domain/forms.yml``), sent by
name with their values (``dispatcher.utter_message(response=..., form=...)``), so Rasa fills them and
picks a channel's variant; the engine's sentences, the summary and the parsers' messages come as text.
A procedure or FAQ question met while no form is open is answered by the shared functions
``answer_procedure``/``answer_faq``, not by calling another action's ``run``. Personal data is never logged unmasked, and
is removed from the tracker (slots reset) when the form is produced or cancelled, unless the citizen
asked to keep it.
"""

from __future__ import annotations

import logging
import time
from abc import ABC, abstractmethod
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.faq import answer_faq
from actions.procedures import answer_procedure
from bot.privacy import ERASE_SLOT, mask_value
from bot.settings import load_form_settings, load_privacy_settings
from bot.text import fold
from forms import engine
from forms import retention
from forms.output import produce, sms_text, summary_text
from forms.spec import (
    ACTIVE_SLOT,
    CONFIRM_SLOT,
    KEEP_SLOT,
    NOTICE_SLOT,
    PENDING_SLOT,
    SHARED_SLOTS,
    FormSpec,
    all_forms,
    form_by_id,
    form_of_slot,
)

logger = logging.getLogger(__name__)


# ---------------------------------------------------------------- tracker helpers

def is_fresh_user_turn(tracker: Tracker) -> bool:
    """True when the form runs right after the citizen wrote (not when it resumes after another
    action answered a question): the last action before the form's own run is ``action_listen``."""
    skipped_form = False
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            return True
        if kind == "action":
            name = event.get("name")
            if not skipped_form and name == (tracker.active_loop or {}).get("name"):
                skipped_form = True
                continue
            if name and name.startswith("validate_"):
                continue
            return name == "action_listen"
    return False


def resumed_after_interruption(tracker: Tracker) -> bool:
    """True when the form runs again after another action answered the citizen (a question in the
    middle of the form), so the question is re-asked with a word saying the form goes on."""
    skipped_form = False
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            return False
        if kind == "action":
            name = event.get("name") or ""
            if not skipped_form and name == (tracker.active_loop or {}).get("name"):
                skipped_form = True
                continue
            if name.startswith("validate_") or name.startswith("action_ask_"):
                continue
            return name not in ("action_listen", "action_start_form")
    return False


def values_of(tracker: Tracker, spec: FormSpec) -> Dict[str, Any]:
    return {slot: tracker.get_slot(slot) for slot in spec.slots + SHARED_SLOTS}


def reset_events(spec: Optional[FormSpec], keep_data: bool = False, tracker: Optional[Tracker] = None) -> List[EventType]:
    """Slots back to empty; unless the data is kept, also mark the form's stretch of the conversation
    for erasure from the stored history (bot/tracker_store.py)."""
    slots = [] if (keep_data or spec is None) else list(spec.slots)
    events: List[EventType] = [SlotSet(slot, None) for slot in slots + SHARED_SLOTS]
    started = form_started_at(tracker, spec) if (tracker is not None and spec is not None and not keep_data) else None
    if started is not None:
        events.append(SlotSet(ERASE_SLOT, started))
    return events


def form_started_at(tracker: Tracker, spec: FormSpec) -> Optional[float]:
    """When the citizen asked for this form: the message before the form's first activation since
    the last erasure."""
    started: Optional[float] = None
    last_user: Optional[float] = None
    for event in tracker.events:
        kind = event.get("event")
        if kind == "user":
            last_user = event.get("timestamp")
        elif kind == "slot" and event.get("name") == ERASE_SLOT and event.get("value") is not None:
            started = None
        elif kind == "active_loop" and event.get("name") == spec.form and started is None:
            started = last_user if last_user is not None else event.get("timestamp")
    return started


def masked(spec: FormSpec, updates: Dict[str, Any]) -> Dict[str, str]:
    out = {}
    for slot, value in updates.items():
        f = spec.field(slot)
        out[slot] = mask_value(f.type, value) if f else ("<set>" if value is not None else "None")
    return out


def active_spec(tracker: Tracker) -> Optional[FormSpec]:
    name = (tracker.active_loop or {}).get("name")
    return all_forms().get(name) if name else None


# ---------------------------------------------------------------- validation (one per form)

class _ValidateForm(FormValidationAction, ABC):
    """Validates one form; abstract (rasa_sdk registers no action for it): each concrete subclass in
    ``VALIDATORS`` sets ``form_name``."""

    @property
    @abstractmethod
    def form_name(self) -> str:  # type: ignore[override]  (a str class attribute in each subclass)
        """The form validated, e.g. ``form_khai_sinh``."""

    def name(self) -> Text:
        return f"validate_{self.form_name}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        spec = all_forms()[self.form_name]
        if not is_fresh_user_turn(tracker):
            return []  # resuming after a question was answered: nothing new to read
        settings = load_form_settings()
        message = tracker.latest_message or {}
        intent = (message.get("intent") or {}).get("name")
        confidence = float((message.get("intent") or {}).get("confidence") or 0.0)
        requested = tracker.get_slot("requested_slot")
        values = values_of(tracker, spec)
        turn = engine.handle(
            spec, values, message.get("text") or "", intent, confidence, requested,
            time.time(), settings.expiry_seconds,
        )
        if turn.reject:
            logger.info("form %s: message left to other rules (intent %s)", spec.form, intent)
            return []
        if turn.cancel:
            if turn.expired:
                minutes = round(settings.expiry_seconds / 60)
                dispatcher.utter_message(response="utter_form_expired", minutes=minutes)
            else:
                dispatcher.utter_message(response="utter_form_cancelled", form=spec.short_title.lower())
            logger.info("form %s: %s", spec.form, "expired" if turn.expired else "cancelled")
            return reset_events(spec, tracker=tracker) + [SlotSet("requested_slot", None), ActiveLoop(None)]
        for text in turn.messages:
            dispatcher.utter_message(text=text)
        logger.info("form %s: %s", spec.form, masked(spec, turn.updates))
        return [SlotSet(slot, value) for slot, value in turn.updates.items()]


def _validation_class(form_name: str) -> type:
    return type(f"Validate_{form_name}", (_ValidateForm,), {"form_name": form_name})


VALIDATORS = [_validation_class(name) for name in all_forms()]


# ---------------------------------------------------------------- questions

class _AskField(Action, ABC):
    """Asks one field; abstract (rasa_sdk registers no action for it): each concrete subclass in
    ``ASKERS`` sets ``slot``."""

    @property
    @abstractmethod
    def slot(self) -> str:
        """The slot asked, e.g. ``ks_con_ho_ten``."""

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        spec = form_of_slot(self.slot)
        pending = tracker.get_slot(PENDING_SLOT)
        if pending:
            dispatcher.utter_message(text=pending.get("message") or "")
            return []
        if tracker.get_slot(NOTICE_SLOT) == "silent":
            return []
        f = spec.field(self.slot)
        number = spec.slots.index(self.slot) + 1
        response = "utter_form_ask_resumed" if resumed_after_interruption(tracker) else "utter_form_ask"
        dispatcher.utter_message(response=response, number=number, total=len(spec.slots), prompt=f.prompt)
        return []


class ActionAskFormConfirmed(Action):
    def name(self) -> Text:
        return f"action_ask_{CONFIRM_SLOT}"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        spec = active_spec(tracker)
        pending = tracker.get_slot(PENDING_SLOT)
        if pending:
            dispatcher.utter_message(text=pending.get("message") or "")
            return []
        if spec is None or tracker.get_slot(NOTICE_SLOT) == "silent":
            return []
        values = values_of(tracker, spec)
        dispatcher.utter_message(text=summary_text(spec, values))
        dispatcher.utter_message(response="utter_form_ask_confirm")  # its buttons are in the domain
        return []


def _ask_class(slot: str) -> type:
    return type(f"AskField_{slot}", (_AskField,), {"slot": slot})


ASKERS = [_ask_class(slot) for spec in all_forms().values() for slot in spec.slots]


# ---------------------------------------------------------------- start, finish, cancel, pause

FORM_BUTTONS = [
    {"title": spec.short_title, "payload": '/start_form{"form_type":"%s"}' % spec.id} for spec in all_forms().values()
]


def choose_form(tracker: Tracker) -> Optional[FormSpec]:
    message = tracker.latest_message or {}
    for entity in message.get("entities") or []:
        if entity.get("entity") == "form_type" and form_by_id(str(entity.get("value"))):
            return form_by_id(str(entity.get("value")))
        if entity.get("entity") == "procedure":
            match = [s for s in all_forms().values() if s.procedure == entity.get("value")]
            if entity.get("value") == "dang-ky-tam-tru":
                match = [s for s in all_forms().values() if s.id == "ct01"]
            if match:
                return match[0]
    key = " ".join(fold(message.get("text") or "").split())
    best = None
    for spec in all_forms().values():
        for keyword in spec.keywords:
            if keyword in key and (best is None or len(keyword) > best[0]):
                best = (len(keyword), spec)
    return best[1] if best else None


class ActionStartForm(Action):
    def name(self) -> Text:
        return "action_start_form"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        current = active_spec(tracker)
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        if current is not None and intent == "check_status":
            dispatcher.utter_message(response="utter_form_busy_status", form=current.short_title.lower())
            return []
        if current is not None and intent == "start_form":
            dispatcher.utter_message(response="utter_form_busy_start", form=current.short_title.lower())
            return []
        if current is not None:
            dispatcher.utter_message(response="utter_form_unclear")
            return []
        spec = choose_form(tracker) if intent == "start_form" else None
        named_procedure = any(e.get("entity") == "procedure" for e in (tracker.latest_message or {}).get("entities") or [])
        if spec is None and intent != "start_form" and named_procedure:
            # "Khai tử cho bố tôi" read as a form answer while no form is open: it is about a procedure
            return answer_procedure(dispatcher, tracker)
        if spec is None and intent in ("fill_form", "correct_field"):
            # a "form answer" while no form is open is a question the NLU could not place: the FAQ
            # answers it, or the assistant says it does not know and records it for officers
            return answer_faq(dispatcher, tracker)
        if spec is None:
            response = "utter_form_choose_none_open" if intent == "resume_form" else "utter_form_choose"
            dispatcher.utter_message(response=response, buttons=FORM_BUTTONS)
            return []
        from actions.privacy import ask_consent, has_consent

        if not has_consent(tracker, "form"):
            # no personal data is asked for before the citizen has read the notice and agreed
            return ask_consent(dispatcher, tracker, "form", spec.id)
        return begin_form(dispatcher, spec)


def begin_form(dispatcher: CollectingDispatcher, spec: FormSpec) -> List[EventType]:
    """Say how the form works and start it (the citizen has agreed to the notice)."""
    dispatcher.utter_message(response="utter_form_begin", form=spec.short_title.lower(), form_template=spec.template)
    # the procedure the form belongs to: "lệ phí bao nhiêu?" in the middle of the form is about it
    return [SlotSet(ACTIVE_SLOT, time.time()), SlotSet("procedure", spec.procedure), FollowupAction(spec.form)]


def _finished_spec(tracker: Tracker) -> Optional[FormSpec]:
    for event in reversed(tracker.events):
        if event.get("event") == "active_loop" and event.get("name") in all_forms():
            return all_forms()[event["name"]]
    return None


class ActionSubmitForm(Action):
    def name(self) -> Text:
        return "action_submit_form"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        spec = _finished_spec(tracker)
        if spec is None or tracker.get_slot(CONFIRM_SLOT) is not True:
            return []  # cancelled or expired: already said and cleaned
        values = values_of(tracker, spec)
        settings = load_form_settings()
        retention.sweep(settings.data_dir, load_privacy_settings().form_file_seconds)
        produced = produce(spec, values, settings.data_dir)
        retention.register(settings.data_dir, tracker.sender_id, produced.pdf.stem)
        keep = bool(tracker.get_slot(KEEP_SLOT))
        channel = tracker.get_latest_input_channel() or ""
        logger.info("form %s produced: %s (channel %s, keep %s)", spec.form, produced.code, channel, keep)
        if channel in settings.text_only_channels:
            dispatcher.utter_message(text=sms_text(spec, values, produced.code))
        else:
            pdf_url = f"{settings.base_url}/{produced.pdf.name}"
            json_url = f"{settings.base_url}/{produced.json.name}"
            dispatcher.utter_message(
                response="utter_form_produced", title=spec.short_title, code=produced.code, pdf_url=pdf_url,
                json_message={
                    "type": "file", "url": pdf_url, "name": f"{produced.code}.pdf", "mime": "application/pdf",
                    "data_url": json_url, "code": produced.code,
                },
            )
        if keep:
            dispatcher.utter_message(response="utter_form_data_kept")
        else:
            dispatcher.utter_message(response="utter_form_data_erased")
        return reset_events(spec, keep_data=keep, tracker=tracker)


class ActionCancelForm(Action):
    """"hủy" when no form is being filled (inside a form the validation action cancels it)."""

    def name(self) -> Text:
        return "action_cancel_form"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        spec = active_spec(tracker)
        if spec is None:
            dispatcher.utter_message(response="utter_form_nothing_to_cancel")
            return []
        dispatcher.utter_message(response="utter_form_cancelled_short", form=spec.short_title.lower())
        return reset_events(spec, tracker=tracker) + [SlotSet("requested_slot", None), ActiveLoop(None)]


class ActionFormPause(Action):
    """The citizen says goodbye in the middle of a form: it is kept (Redis tracker) until it expires."""

    def name(self) -> Text:
        return "action_form_pause"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        minutes = round(load_form_settings().expiry_seconds / 60)
        dispatcher.utter_message(response="utter_form_pause", minutes=minutes)
        return []
