"""Trains the Rasa model when (and only when) what it is trained from has changed.

The model is named after a hash of its inputs (config, domain, rules, NLU data, our NLU components
and the abbreviation table), so ``ensure_model()`` is instant when nothing changed. Knowledge is not
an input: procedures and FAQs are read at run time.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import tempfile
import sys
from pathlib import Path
from typing import Iterable, List

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
        subprocess.run(train_command(config, Path(scratch), name), cwd=PROJECT_ROOT, check=True)
        os.replace(Path(scratch) / model.name, model)
    return model


if __name__ == "__main__":
    print(ensure_model())
