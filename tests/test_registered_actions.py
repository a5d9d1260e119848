"""The actions the action server registers, collected as ``rasa_sdk.endpoint.create_app("actions")``
does (``ActionExecutor().register_package``): no junk from a base class (rasa_sdk registers every
non-abstract ``Action`` subclass under its ``name()``, so a concrete base with an empty form or slot
registers ``validate_`` or ``action_ask_``), and every name is declared in the domain."""

from __future__ import annotations

from pathlib import Path
from typing import Set

import yaml
from rasa_sdk.executor import ActionExecutor

DOMAIN_DIR = Path(__file__).resolve().parents[1] / "bot" / "domain"


def registered() -> Set[str]:
    executor = ActionExecutor()
    executor.register_package("actions")
    return set(executor.actions)


def domain_actions() -> Set[str]:
    names: Set[str] = set()
    for path in sorted(DOMAIN_DIR.glob("*.yml")):
        names |= set(yaml.safe_load(path.read_text(encoding="utf-8")).get("actions") or [])
    return names


def test_no_base_class_registers_an_action():
    junk = sorted(name for name in registered() if name.endswith("_") or name in {"validate_", "action_ask_"})
    assert junk == []


def test_every_registered_action_is_in_the_domain():
    names = registered()
    assert "action_start_form" in names and "validate_form_khai_sinh" in names and "action_ask_ks_con_ho_ten" in names
    assert sorted(names - domain_actions()) == []
