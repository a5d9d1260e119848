"""Trains the Rasa model when (and only when) what it is trained from has changed.

The model is named after a hash of its inputs (config, domain, rules, NLU data, our NLU components
and the abbreviation table), so ``ensure_model()`` is instant when nothing changed. Knowledge is not
an input: procedures and FAQs are read at run time.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import tempfile
import sys
from pathlib import Path
from typing import IO, Iterable, List, Set

from bot.settings import PROJECT_ROOT

MODELS_DIR = PROJECT_ROOT / "models"
CONFIG = PROJECT_ROOT / "config.yml"
DOMAIN = PROJECT_ROOT / "bot" / "domain"
TRAINING_DATA = [PROJECT_ROOT / "nlu_data", PROJECT_ROOT / "bot" / "dialogue"]
CODE_INPUTS = [PROJECT_ROOT / "bot" / "nlu", PROJECT_ROOT / "bot" / "text"]


def _files(paths: Iterable[Path]) -> List[Path]:
    found: List[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix in {".yml", ".yaml", ".py"})
        elif path.exists():
            found.append(path)
    return found


def fingerprint(config: Path = CONFIG) -> str:
    digest = hashlib.sha256()
    for path in _files([config, DOMAIN, *TRAINING_DATA, *CODE_INPUTS]):
        digest.update(str(path.relative_to(PROJECT_ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def train_command(config: Path, out: Path, name: str, nlu_only: bool = False, nlu_data: Path = None) -> List[str]:
    data = [str(nlu_data or TRAINING_DATA[0])] if nlu_only else [str(p) for p in TRAINING_DATA]
    return [
        sys.executable, "-m", "rasa", "train", *(["nlu"] if nlu_only else []),
        "--config", str(config), *([] if nlu_only else ["--domain", str(DOMAIN)]),
        *(["--nlu", data[0]] if nlu_only else ["--data", *data]),
        "--out", str(out), "--fixed-model-name", name,
    ]


def ensure_model(config: Path = CONFIG) -> Path:
    """The path of a model trained on the current data; trains one if needed."""
    name = f"{config.stem}-{fingerprint(config)}"
    model = MODELS_DIR / f"{name}.tar.gz"
    if model.exists():
        return model
    print(f"Training the model ({name}); this takes a minute or two on 2 cores…", flush=True)
    MODELS_DIR.mkdir(parents=True, exist_ok=True)
    # Train into a private folder, then move: a process starting meanwhile never loads half a file.
    with tempfile.TemporaryDirectory(dir=MODELS_DIR, prefix=".training-") as scratch:
        run_quietly(train_command(config, Path(scratch), name))
        os.replace(Path(scratch) / model.name, model)
    return model


# --- what `rasa train` prints ----------------------------------------------------------------------
# Shown: warnings and errors, about our data or not. Left out: Rasa's INFO lines and progress bars,
# libraries' deprecation warnings (with the source line Python prints under each), and Rasa's
# "utterance ... is not used in any story or rule" for a response our code sends by name
# (``dispatcher.utter_message(response=...)``, the answer path): Rasa's validator reads only stories
# and rules. A response that no story, rule or code uses is still reported. On failure, everything.

CODE_WITH_RESPONSES = [PROJECT_ROOT / d for d in ("actions", "forms", "bot", "channels")]
_UNUSED = re.compile(r"The utterance '(utter_\w+)' is not used in any story or rule")
_NOISE = re.compile(r"(^\S+ \S+ INFO\s)|Epochs:|it/s\]|Processed |DeprecationWarning|MovedIn20Warning|"
                    r"^Implementing implicit namespace packages")
# Rasa's own use: a form asks for slot X with utter_ask_X; utter_default is its default fallback response
RASA_USES = re.compile(r"^utter_(ask_\w+|default)$")


def responses_named_in_code() -> Set[str]:
    """Response names our code sends, and prefixes it completes (``f"utter_privacy_notice_{purpose}"``) ending in ``*``."""
    names: Set[str] = set()
    for path in _files(CODE_WITH_RESPONSES):
        if path.suffix == ".py":
            text = path.read_text(encoding="utf-8")
            names.update(re.findall(r"[\"'](utter_\w+)[\"']", text))
            names.update(prefix + "*" for prefix in re.findall(r"f[\"'](utter_\w+)\{", text))
    return names


def _named(name: str, used: Set[str]) -> bool:
    return name in used or bool(RASA_USES.match(name)) or any(
        u.endswith("*") and name.startswith(u[:-1]) for u in used)


def shown_lines(lines: Iterable[str], used: Set[str]) -> List[str]:
    """The lines of `rasa train`'s output worth an operator's eyes (see above)."""
    shown: List[str] = []
    skip_source = False
    for raw in lines:
        for line in raw.rstrip("\n").replace("\r", "\n").split("\n"):
            if skip_source and line.startswith("  "):
                continue
            skip_source = False
            unused = _UNUSED.search(line)
            if (unused and _named(unused.group(1), used)) or _NOISE.search(line):
                skip_source = "Warning" in line or line.startswith("Implementing implicit")
                continue
            if line.strip() and line.strip() != "\x1b[0m":
                shown.append(line)
    return shown


def run_quietly(command: List[str]) -> None:
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, errors="replace")
    out: IO[str] = process.stdout  # type: ignore[assignment]
    everything = list(out)
    if process.wait() != 0:
        print("".join(everything), flush=True)
        raise subprocess.CalledProcessError(process.returncode, command)
    for line in shown_lines(everything, responses_named_in_code()):
        print(line, flush=True)


if __name__ == "__main__":
    print(ensure_model())
