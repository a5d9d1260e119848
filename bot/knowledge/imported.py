"""What the matcher needs to know of a procedure imported from a province's catalogue (``catalogue`` block).

An imported procedure may have no hand-written aliases: it is found by its official name (``name``), its
field (``catalogue.field``) and the synonym lexicon (bot.knowledge.matcher). This module says, from the
procedure alone:

* ``is_retired(procedure)``: a later import no longer held the record (``catalogue.retired_on``): it is
  never matched (the file stays for officers and history);
* ``is_imported(procedure)``: it has a ``catalogue`` block;
* ``spoken_name(procedure)``: the official name without the leading "Thủ tục" the catalogues prefix to
  many names ("Thủ tục đăng ký khai tử lưu động" is said "đăng ký khai tử lưu động");
* ``content_syllables(words)``: the syllables of a name (folded, synonyms rewritten) that say what it is
  about, without the function words of official names (``NAME_FUNCTION_WORDS``: "của", "với" — not "đối",
  which folds like "đổi" —,
  "trường hợp"…), for retrieval by share of the name said;
* ``name_qualifiers(words)``: the qualifiers of bot/text/qualifiers.yml that an official name says
  ("Cấp lại Giấy chứng nhận do bị mất" -> cap_lai, mat; "… có yếu tố nước ngoài" -> yeu_to_nuoc_ngoai),
  which an imported procedure without ``qualifiers:`` covers. The same phrases stage 1 finds in messages
  (``bot.text.phrases.lexicon_phrases`` reads the file for both).
"""

from __future__ import annotations

from functools import lru_cache
from typing import List, Sequence, Tuple

import yaml

from bot.knowledge.model import QUALIFIERS_FILE, Procedure
from bot.text import search_key
from bot.text.phrases import PhraseSet, lexicon_phrases

# Folded syllables official names use to join their parts; they say nothing of what the procedure is about.
NAME_FUNCTION_WORDS = frozenset(
    "thu tuc cua voi cho tai theo va hoac trong truong hop cac nhung mot da duoc la do o tu den nay khi "
    "ve ma thi bi bang".split()
)
LEADING = ("thu", "tuc")


def is_imported(procedure: Procedure) -> bool:
    return procedure.catalogue is not None


def is_retired(procedure: Procedure) -> bool:
    return procedure.catalogue is not None and procedure.catalogue.retired_on is not None


def spoken_name(procedure: Procedure) -> str:
    """The name as a citizen would say it: without a leading "Thủ tục" (kept when nothing would be left)."""
    words = procedure.name.split()
    if len(words) > 2 and tuple(search_key(" ".join(words[:2])).split()) == LEADING:
        return " ".join(words[2:])
    return procedure.name


def content_syllables(words: Sequence[str]) -> Tuple[str, ...]:
    """The distinct syllables of a (folded, rewritten) name that say what it is about, in order."""
    return tuple(dict.fromkeys(w for w in words if w not in NAME_FUNCTION_WORDS and not w.isdigit()))


@lru_cache(maxsize=1)
def _qualifier_phrases() -> PhraseSet:
    return lexicon_phrases(yaml.safe_load(QUALIFIERS_FILE.read_text(encoding="utf-8")) or {})


def name_qualifiers(words: Sequence[str]) -> Tuple[str, ...]:
    """The qualifier keys an official name says, in order (``words``: its folded, rewritten syllables)."""
    keys: List[str] = []
    for match in _qualifier_phrases().find(list(words)):
        if match.key not in keys:
            keys.append(match.key)
    return tuple(keys)
