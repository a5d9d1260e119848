"""The import layers (docs/architecture.md): a module imports only from its own unit or from a lower
layer, never from a higher one nor from another unit of its own layer; ``core`` imports nothing of
ours. In the spirit of aiohttp's import-cycle test, and also: every module imports on its own.

``LAYERS`` is the contract, bottom first. A unit is a package or module; its sub-modules belong to it.
A package split into units (``bot``) must have every module in one of them. Every ``import`` and
``from ... import`` counts, at module level or inside a function (a lazy import is still an arrow),
and so does ``importlib.import_module("...")`` with a constant name.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Set, Tuple

import pytest

ROOT = Path(__file__).resolve().parents[1]

LAYERS: List[Tuple[str, ...]] = [
    # 0. shared vocabulary: channel names, conversation ids, phone numbers, application codes,
    #    message text, Redis key names and clients
    ("core",),
    # 1. the assistant's foundations: settings, masking, Vietnamese text
    ("bot", "bot.settings", "bot.privacy", "bot.text"),
    # 2. its stores: the knowledge base; consent, unanswered questions, analytics, the tracker store
    ("bot.knowledge", "bot.consent", "bot.unanswered", "bot.analytics", "bot.tracker_store", "bot.lock_store"),
    # 3. the answer path
    ("bot.answering",),
    # 4. the Rasa NLU components (they use the answer path's understanding); patches to Rasa itself
    ("bot.nlu", "bot.rasa_patches"),
    # 5. the Rasa processes and their generated files, the model
    ("bot.runtime", "bot.training", "bot.rasa_server", "bot.action_server"),
    # 6. conversational forms
    ("forms",),
    # 7. messaging channels: connectors, provider clients, the web chat page (which serves the forms)
    ("channels",),
    # 8. notification delivery (through the channels' provider clients)
    ("notifications",),
    # 9. application status: store, ingestion API (appends to the notification streams)
    ("applications",),
    # 10. a citizen's data across every store: export and erasure; a province's catalogue into the
    #     knowledge drafts (the catalogue importer)
    ("personal_data", "catalogue"),
    # 11. the two applications: the action server's actions, the officers' workspace
    ("actions", "admin"),
    # 12. wiring: the run command and the entry points that join packages
    ("launcher",),
]

UNITS: Dict[str, int] = {unit: level for level, units in enumerate(LAYERS) for unit in units}
PACKAGES = sorted({unit.split(".")[0] for unit in UNITS})


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def our_files(root: Path = ROOT) -> Iterator[Path]:
    for package in PACKAGES:
        yield from sorted((root / package).rglob("*.py"))


def unit_of(module: str) -> Optional[str]:
    """The declared unit ``module`` belongs to; None when it has none (not ours, or a split package's
    undeclared module such as a new ``bot.something``)."""
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        candidate = ".".join(parts[:n])
        if candidate in UNITS:
            split = any(unit.startswith(candidate + ".") for unit in UNITS)
            return None if split and candidate != module else candidate
    return None


def _is_module(name: str, root: Path) -> bool:
    path = root.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def imports_of(path: Path, root: Path = ROOT) -> Iterator[Tuple[int, str, bool]]:
    """(line, module of ours imported, whether at module level) for each import in the file, lazy
    ones inside functions included."""
    module = module_name(path, root)
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    top_level = {id(node) for node in tree.body}
    for node in ast.walk(tree):
        names: List[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the file's package
                package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
                package = package[: len(package) - node.level + 1]
                base = ".".join(package + ([node.module] if node.module else []))
            # "from bot import analytics" imports the module bot.analytics, "from bot.text import fold" bot.text
            names = [f"{base}.{a.name}" if _is_module(f"{base}.{a.name}", root) else base for a in node.names]
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "import_module"
              and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            names = [node.args[0].value]
        for name in dict.fromkeys(names):
            if name.split(".")[0] in PACKAGES:
                yield node.lineno, name, id(node) in top_level


def violations(root: Path = ROOT) -> List[str]:
    """One line per import that breaks the layers, naming file:line."""
    found: List[str] = []
    for path in our_files(root):
        where, module = path.relative_to(root), module_name(path, root)
        unit = unit_of(module)
        if unit is None:
            found.append(f"{where}: module {module} is in no layer (add it to LAYERS in tests/test_layers.py)")
            continue
        for line, name, _ in imports_of(path, root):
            target = unit_of(name)
            if target is None or target == unit:
                continue
            mine, theirs = UNITS[unit], UNITS[target]
            if theirs > mine:
                found.append(f"{where}:{line}: {unit} (layer {mine}) imports {name}, of the higher layer {theirs} ({target})")
            elif theirs == mine:
                found.append(f"{where}:{line}: {unit} imports {name}: {target} is beside it on layer {mine}, not below")
    return found


def test_every_import_points_down():
    assert violations() == []


def test_core_imports_nothing_of_ours():
    found = [f"{path.relative_to(ROOT)}:{line}: core imports {name}"
             for path in our_files() if path.relative_to(ROOT).parts[0] == "core"
             for line, name, _ in imports_of(path) if name.split(".")[0] != "core"]
    assert found == []


def test_the_layers_name_exactly_the_packages_we_ship():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    line = next(row for row in text.splitlines() if row.startswith("include = ["))
    shipped = {name.strip(' "*') for name in line.split("[", 1)[1].rstrip("]").split(",")}
    assert shipped == set(PACKAGES)


def test_no_import_cycle_at_module_level():
    """Module-level imports between our modules form no cycle (a cycle imports in one order only)."""
    graph: Dict[str, Set[str]] = {}
    for path in our_files():
        module = module_name(path)
        graph[module] = {name for _, name, top in imports_of(path) if top and name != module}
    cycles: List[List[str]] = []
    state: Dict[str, int] = {}

    def visit(module: str, stack: List[str]) -> None:
        state[module] = 1
        for target in sorted(graph.get(module, ())):
            if state.get(target) == 1 and target in stack:
                cycles.append(stack[stack.index(target):] + [target])
            elif target in graph and not state.get(target):
                visit(target, stack + [target])
        state[module] = 2

    for module in sorted(graph):
        if not state.get(module):
            visit(module, [module])
    assert [" -> ".join(cycle) for cycle in cycles] == []


# Each module is imported in a fresh state: a child forked from a process that has imported the
# third-party libraries our code names (Rasa's take seconds) and none of our modules.
_FRESH_IMPORTS = textwrap.dedent("""
    import importlib, os, sys, traceback
    modules, libraries = sys.argv[1].split(","), sys.argv[2].split(",")
    for library in libraries:
        try:
            importlib.import_module(library)
        except Exception:
            pass
    ours = {module.split(".")[0] for module in modules}
    preloaded = sorted(name for name in sys.modules if name.split(".")[0] in ours)
    if preloaded:
        sys.exit("not fresh: the libraries imported " + ", ".join(preloaded))
    for module in modules:
        pid = os.fork()
        if pid == 0:
            try:
                importlib.import_module(module)
            except BaseException:
                print(f"--- import {module} failed:", file=sys.stderr)
                traceback.print_exc()
                sys.stderr.flush()
                os._exit(1)
            os._exit(0)
        _, status = os.waitpid(pid, 0)
        if status:
            print(module, flush=True)
""")


def _third_party_imports() -> List[str]:
    names: Set[str] = set()
    for path in our_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names.add(node.module)
    return sorted(name for name in names if name.split(".")[0] not in PACKAGES and name != "__future__")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_every_module_imports_on_its_own():
    modules = [module_name(path) for path in our_files() if path.stem != "__main__"]  # __main__ runs
    result = subprocess.run([sys.executable, "-c", _FRESH_IMPORTS, ",".join(modules), ",".join(_third_party_imports())],
                            cwd=ROOT, capture_output=True, text=True, timeout=600,
                            env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "ignore"})
    failed = result.stdout.split()
    assert result.returncode == 0 and not failed, f"{len(failed)} module(s) fail to import on their own: " \
        f"{', '.join(failed)}\n{result.stderr[max(result.stderr.find('--- import'), 0):][:4000]}"
