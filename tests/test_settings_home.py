"""Configuration is read in one place: bot/settings.py (the launcher only passes the environment on to
the processes it starts)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "bot", "channels", "notifications", "applications", "forms", "personal_data", "actions", "admin",
            "launcher")
ALLOWED = {"bot/settings.py", "launcher/assistant.py"}


def _reads_of_the_environment(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv") and \
                isinstance(node.value, ast.Name) and node.value.id == "os":
            yield node.lineno


def test_no_module_but_the_settings_reads_environment_variables():
    found = [f"{path.relative_to(ROOT)}:{line}"
             for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))
             if str(path.relative_to(ROOT)) not in ALLOWED
             for line in _reads_of_the_environment(path)]
    assert found == [], "read the setting in bot/settings.py instead: " + ", ".join(found)
