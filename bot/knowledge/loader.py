"""Reads the knowledge base from YAML files and reports problems as ``file:line: problem``.

The checks are ``bot.knowledge.checks``' (pure, over the files' data); this module reads the files
(YAML, UTF-8: its own problems), keeps each mapping's and list's lines, and maps each finding to the
line of the deepest key it names (``locate``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple

import yaml

from bot.knowledge.checks import FAQ, LEXICON, PROCEDURES, Finding, check_item, cross_findings
from bot.knowledge.model import FaqEntry, Procedure, Synonym


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class KnowledgeBase:
    procedures: Dict[str, Procedure] = field(default_factory=dict)
    faq: List[FaqEntry] = field(default_factory=list)
    synonyms: List[Synonym] = field(default_factory=list)  # lexicon/synonyms.yml: old and colloquial names
    version: str = ""

    def procedure(self, procedure_id: Optional[str]) -> Optional[Procedure]:
        return self.procedures.get(procedure_id or "")


class _Mapping(dict):
    """A dict that remembers the line of each key (1-based)."""

    start_line: int = 1
    key_lines: Dict[Any, int]


class _Sequence(list):
    """A list that remembers the line of each item (1-based)."""

    item_lines: List[int]


class _LineLoader(yaml.SafeLoader):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> _Mapping:  # type: ignore[override]
        mapping = _Mapping(super().construct_mapping(node, deep=True))
        mapping.start_line = node.start_mark.line + 1
        mapping.key_lines = {
            self.construct_object(key, deep=True): key.start_mark.line + 1 for key, _ in node.value
        }
        return mapping


    def construct_line_sequence(self, node: yaml.SequenceNode) -> _Sequence:
        sequence = _Sequence(self.construct_sequence(node, deep=True))
        sequence.item_lines = [item.start_mark.line + 1 for item in node.value]
        return sequence


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LineLoader.construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _LineLoader.construct_line_sequence)


def line_of(document: Any, location: Tuple[Any, ...]) -> int:
    """The line of the deepest key of ``location`` found in ``document``."""
    line = getattr(document, "start_line", 1)
    node = document
    for part in location:
        if isinstance(node, _Mapping) and part in node:
            line = node.key_lines.get(part, line)
            node = node[part]
        elif isinstance(node, _Sequence) and isinstance(part, int) and part < len(node):
            line = node.item_lines[part]
            node = node[part]
        else:
            break
    return line


def line_document(text: str) -> Any:
    """YAML text as data whose mappings and lists remember their lines (for ``line_of``)."""
    return yaml.load(text, Loader=_LineLoader)


def _shown(path: Path, root: Path) -> str:
    return str(path.relative_to(root.parent)) if root.parent in path.parents else str(path)


def _read(path: Path, root: Path) -> Tuple[Any, List[Problem]]:
    """The file's document, or the problem that it is not YAML (nor UTF-8)."""
    shown = _shown(path, root)
    try:
        return line_document(path.read_text(encoding="utf-8")), []
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        return None, [Problem(shown, (mark.line + 1) if mark else 1, f"invalid YAML: {getattr(error, 'problem', None) or error}")]
    except UnicodeDecodeError:
        return None, [Problem(shown, 1, "file is not UTF-8")]


def locate(finding: Finding, shown: str, document: Any) -> Problem:
    """A finding of ``bot.knowledge.checks`` at its line of the file ``shown`` (``document`` read with
    ``line_document``); a check across items is reported at line 1 of ``<kind>/<key>.yml``."""
    if finding.location is None:
        return Problem(f"{finding.kind}/{finding.key}.yml", 1, finding.message)
    return Problem(shown, line_of(document, finding.location), finding.message)


def _parse(path: Path, kind: str, root: Path) -> Tuple[Any, List[Problem]]:
    document, problems = _read(path, root)
    if problems:
        return None, problems
    item, findings = check_item(kind, path.stem, document)
    return item, [locate(finding, _shown(path, root), document) for finding in findings]


def _yaml_files(directory: Path) -> Iterable[Path]:
    return sorted(list(directory.glob("*.yml")) + list(directory.glob("*.yaml"))) if directory.is_dir() else []


def load_knowledge(root: Path) -> Tuple[KnowledgeBase, List[Problem]]:
    """Load ``root/procedures``, ``root/faq`` and ``root/lexicon``; invalid files are skipped and reported."""
    base = KnowledgeBase()
    problems: List[Problem] = []
    digest = hashlib.sha256()
    for path in _yaml_files(root / PROCEDURES):
        digest.update(path.read_bytes())
        procedure, found = _parse(path, PROCEDURES, root)
        problems += found
        if procedure:
            base.procedures[procedure.id] = procedure
    for path in _yaml_files(root / FAQ):
        digest.update(path.read_bytes())
        entry, found = _parse(path, FAQ, root)
        problems += found
        if entry:
            base.faq.append(entry)
    synonyms, found = load_synonyms(root, digest)
    base.synonyms, problems = synonyms, problems + found
    problems += [locate(finding, "", None) for finding in cross_findings(base.procedures, base.faq)]
    base.version = digest.hexdigest()[:12]
    return base, problems


SYNONYMS_FILE = Path("lexicon") / "synonyms.yml"


def load_synonyms(root: Path, digest: Any = None) -> Tuple[List[Synonym], List[Problem]]:
    """``root/lexicon/synonyms.yml`` (absent: no synonyms); an invalid file gives no synonyms and a problem."""
    path = root / SYNONYMS_FILE
    if not path.is_file():
        return [], []
    if digest is not None:
        digest.update(path.read_bytes())
    lexicon, problems = _parse(path, LEXICON, root)
    return (list(lexicon.synonyms) if lexicon else []), problems
