"""Which aspects (types.Asked) the question sentences ask, in the order asked (bot/text/aspects.yml).

In order:
1. every phrase of the aspect lexicon found in the question sentences' folded syllables (blockers
   removed: "mất bao lâu" is a deadline, not a lost document; "quy định ở đâu" is the law, not a place);
   aspects are ordered by where they are first asked;
2. a yes/no question ("… được không?", "có … không?") with no other aspect, or only an age or a delay
   (minor, late), asks whether it is allowed: conditions is added — never a status lookup (a lost
   document or a foreign element asked that way is the aspect itself);
   a "how" question ("… như thế nào?") with no aspect at all asks for the steps (documents and steps
   when it asks how the "thủ tục" goes);
3. nothing found: the NLU intent's aspect (ask_fee -> fee…), else () (the caller gives the overview).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import yaml

from bot.answering.types import Asked
from bot.text.phrases import PhraseSet

ASPECTS_FILE = Path(__file__).resolve().parents[2] / "text" / "aspects.yml"

INTENT_ASPECTS: Dict[str, Asked] = {
    "ask_documents": Asked.documents,
    "ask_fee": Asked.fee,
    "ask_deadline": Asked.deadline,
    "ask_authority": Asked.authority,
    "ask_online": Asked.online,
    "ask_legal_basis": Asked.legal_basis,
    "ask_overview": Asked.overview,
}

HOW_PROCEDURE = (Asked.documents, Asked.steps)  # "thủ tục … như thế nào?": what to bring, what to do


def _has(words: Sequence[str], run: Tuple[str, ...]) -> bool:
    return any(tuple(words[i:i + len(run)]) == run for i in range(len(words)))


CIRCUMSTANCES = frozenset({Asked.minor, Asked.late, Asked.lost, Asked.foreign})
# "… ở nước ngoài có làm được không?", "bị mất có làm lại được không?" ask the foreign or lost case itself;
# "con 10 tuổi có làm được không?", "quá hạn có đăng ký được không?" ask whether it is allowed
AGE_AND_TIME = frozenset({Asked.minor, Asked.late})


@lru_cache(maxsize=1)
def _lexicon() -> Tuple[PhraseSet, PhraseSet]:
    raw = yaml.safe_load(ASPECTS_FILE.read_text(encoding="utf-8")) or {}
    entries = raw.get("aspects") or {}
    unknown = [k for k in entries if k not in Asked.__members__]
    if unknown:
        raise ValueError(f"{ASPECTS_FILE.name}: unknown aspect(s) {unknown}")
    classes = raw.get("classes") or {}
    aspects = PhraseSet(
        {k: e.get("phrases") or [] for k, e in entries.items()},
        {k: e.get("blockers") or [] for k, e in entries.items()},
        classes,
    )
    return aspects, PhraseSet({"yes_no": raw.get("yes_no") or [], "how": raw.get("how") or []},
                              {"how": raw.get("how_not") or []}, classes)


def in_question(words: Sequence[str]) -> List[Asked]:
    """The aspects one question sentence asks, in order."""
    aspects, forms = _lexicon()
    found: List[Asked] = []
    for match in aspects.find(words):
        aspect = Asked(match.key)
        if aspect not in found:
            found.append(aspect)
    if all(a in CIRCUMSTANCES for a in found):
        form = {m.key for m in forms.find(words)}
        if "yes_no" in form and Asked.conditions not in found and all(a in AGE_AND_TIME for a in found):
            found.append(Asked.conditions)
        elif "how" in form and not found:
            found.extend(HOW_PROCEDURE if _has(words, ("thu", "tuc")) else (Asked.steps,))
    return found


def detect(questions: Sequence[Sequence[str]], intent: Optional[str] = None) -> Tuple[Asked, ...]:
    """Every aspect of the question sentences (each given as folded syllables), in the order asked."""
    found: List[Asked] = []
    for words in questions:
        for aspect in in_question(words):
            if aspect not in found:
                found.append(aspect)
    if not found and intent in INTENT_ASPECTS:
        found.append(INTENT_ASPECTS[intent])  # type: ignore[index]
    return tuple(found)
