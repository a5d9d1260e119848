"""The held-out NLU set (tests/nlu_heldout/heldout.yml, see its README) and the rule for a right procedure.

Shared by benchmarks/bench_nlu.py and benchmarks/bench_catalogue.py so both count the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List

import yaml

ROOT = Path(__file__).resolve().parent.parent
HELDOUT = ROOT / "tests" / "nlu_heldout" / "heldout.yml"
VARIANTS = ["diacritics", "no_diacritics", "abbreviated"]


def items() -> List[Dict]:
    return yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))


def procedure_correct(item: Dict, found: List[str]) -> bool:
    """Right when the one procedure expected is the only one found; an ambiguous message is right when it
    does not resolve to one procedure; a message naming none when none is found."""
    if item.get("procedure"):
        return found == [item["procedure"]]
    if item.get("ambiguous"):
        return len(found) != 1
    return not found
