"""Every intent and every response our code names exists in the Rasa domain (``bot/domain/*.yml``).

Intent names are found by reading the modules with ``ast``, no import: the string constants
(1) assigned to a name containing ``INTENT`` (``PROCEDURE_INTENTS = {...}``, ``ROUTED_INTENT = "..."``),
(2) compared with an expression that mentions an intent (``intent == "affirm"``,
``latest_intent(tracker) in STOP_INTENTS``, ``(parse.get("intent") or {}).get("name") != "check_status"``),
a module-level name on the other side read as its constant value, set, tuple or dict keys,
(3) payloads of buttons that send an intent (``"/subscribe_status"``, ``'/start_form{"form_type": …}'``).
Responses: every string constant ``utter_…`` (the actions send them by name, the answer path and the
form engine read their text from the domain).

Shown failing once by hand: with ``"goodbey"`` written for ``"goodbye"`` in ``actions/status.py``'s
``STOP_INTENTS`` the first test fails with ``actions/status.py:<line>: goodbey``; ``test_the_scan_catches_a_misspelt_intent``
keeps that check.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Dict, Iterator, List, Set, Tuple

import yaml
from rasa.shared.core.constants import DEFAULT_INTENTS

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ["actions", "admin", "applications", "bot", "channels", "core", "forms", "launcher", "notifications",
            "personal_data"]
PAYLOAD = re.compile(r"^/([A-Za-z_][A-Za-z0-9_]*)(?:\{|$)")
RESPONSE = re.compile(r"^utter_[a-z0-9_]+$")
RASA_KEYS = {"utter_action"}  # the key Rasa writes in a bot event's metadata (bot/tracker_store.py): not a response


def domain_part(key: str) -> Set[str]:
    names: Set[str] = set()
    for path in sorted((ROOT / "bot" / "domain").glob("*.yml")):
        part = yaml.safe_load(path.read_text(encoding="utf-8")).get(key) or []
        names |= set(part)
    return names


def our_modules() -> Iterator[Tuple[Path, ast.Module]]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield path, ast.parse(path.read_text(encoding="utf-8"), str(path))


def strings(node: ast.AST) -> List[str]:
    return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def _targets(node: ast.AST) -> List[str]:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    return [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]


def module_constants(tree: ast.Module) -> Dict[str, List[str]]:
    """Module-level name -> the strings it stands for (a constant, a set or tuple of them, a dict's keys;
    ``A, B = "a", "b"`` too)."""
    values: Dict[str, List[str]] = {}
    for node in tree.body:
        if not isinstance(node, (ast.Assign, ast.AnnAssign)) or node.value is None:
            continue
        value = node.value
        target = node.targets[0] if isinstance(node, ast.Assign) else node.target
        if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple) and len(target.elts) == len(value.elts):
            for name, item in zip(target.elts, value.elts):
                if isinstance(name, ast.Name) and isinstance(item, ast.Constant) and isinstance(item.value, str):
                    values[name.id] = [item.value]
        elif isinstance(target, ast.Name):
            if isinstance(value, ast.Dict):
                values[target.id] = [k.value for k in value.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)]
            elif isinstance(value, (ast.Constant, ast.Set, ast.Tuple, ast.List)):
                values[target.id] = strings(value)
    return values


def _mentions_intent(node: ast.AST) -> bool:
    return "intent" in ast.unparse(node).lower()


def intents_named(tree: ast.Module) -> Iterator[Tuple[int, str]]:
    """(line, intent) for each intent name the module writes."""
    constants = module_constants(tree)

    def read(node: ast.AST) -> List[str]:
        if isinstance(node, ast.Name):
            return constants.get(node.id, [])
        if isinstance(node, (ast.Constant, ast.Set, ast.Tuple, ast.List)):
            found = strings(node)
            for item in getattr(node, "elts", []):
                found += read(item) if isinstance(item, ast.Name) else []
            return found
        return []

    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            if any("INTENT" in name for name in _targets(node)):
                for value in strings(node.value):
                    yield node.lineno, value
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            for i, side in enumerate(sides):
                others = sides[:i] + sides[i + 1:]
                if any(_mentions_intent(other) for other in others) and not _mentions_intent(side):
                    for value in read(side):
                        yield node.lineno, value
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                if isinstance(key, ast.Constant) and key.value == "payload":
                    for text in strings(value):
                        match = PAYLOAD.match(text)
                        if match:
                            yield node.lineno, match.group(1)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "{" in node.value:
            match = PAYLOAD.match(node.value)  # '/inform_procedure{"procedure":"%s"}'
            if match:
                yield node.lineno, match.group(1)


def unknown_intents(modules) -> List[str]:
    known = domain_part("intents") | set(DEFAULT_INTENTS)
    return sorted({f"{path.relative_to(ROOT)}:{line}: {name}"
                   for path, tree in modules for line, name in intents_named(tree) if name not in known})


def test_every_intent_named_in_code_is_in_the_domain():
    modules = list(our_modules())
    named = {name for _, tree in modules for _, name in intents_named(tree)}
    # the scan sees the intent sets it is meant to see
    assert {"ask_documents", "inform_procedure", "affirm", "check_status", "start_form", "consent_agree",
            "subscribe_status", "unsubscribe"} <= named
    assert unknown_intents(modules) == []


def test_the_scan_catches_a_misspelt_intent():
    tree = ast.parse('STOP_INTENTS = {"deny", "goodbye"}\n'
                     'def f(tracker):\n    return latest_intent(tracker) == "afirm"\n')
    assert [name for _, name in intents_named(tree)] == ["deny", "goodbye", "afirm"]
    assert [line.split(": ")[-1] for line in unknown_intents([(ROOT / "x.py", tree)])] == ["afirm"]


def test_every_response_named_in_code_is_in_the_domain():
    """A name ending in ``_`` is the start of one (``f"utter_privacy_notice_{purpose}"``): some response
    must begin with it."""
    known = domain_part("responses")

    def exists(name: str) -> bool:
        return any(r.startswith(name) for r in known) if name.endswith("_") else name in known

    missing = sorted({f"{path.relative_to(ROOT)}:{node.lineno}: {node.value}" for path, tree in our_modules()
                      for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)
                      and RESPONSE.match(node.value) and node.value not in RASA_KEYS and not exists(node.value)})
    assert missing == []
