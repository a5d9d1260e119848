"""Who produced which form files, and how long the files are kept.

``DATA_DIR/forms/`` holds each produced form as ``<code>-<token>.pdf`` and ``.json`` (forms/output.py).
So that a citizen's files can be found and erased on request (``xóa dữ liệu của tôi``, the officers'
tool), the base name is listed under the conversation that produced it, in
``DATA_DIR/form-owners/<ref>.txt`` (one base name a line; ``ref`` is a hash of the conversation id,
so the folder names nobody). That folder is not under the served ``forms/`` folder.

``sweep`` deletes the files older than ``FORM_FILE_RETENTION_DAYS`` (by modification time) and the
index lines of files that are gone; it runs before each new form is produced and from
``python -m admin.personal_data sweep``.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from typing import List, Optional

SUFFIXES = (".pdf", ".json")


def owner_ref(sender_id: str) -> str:
    return hashlib.sha256(sender_id.encode("utf-8")).hexdigest()[:32]


def _index(data_dir: Path, sender_id: str) -> Path:
    return data_dir / "form-owners" / f"{owner_ref(sender_id)}.txt"


def register(data_dir: Path, sender_id: str, base: str) -> None:
    path = _index(data_dir, sender_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(base + "\n")


def files_of(data_dir: Path, sender_id: str) -> List[Path]:
    """The form files this conversation produced that still exist."""
    path = _index(data_dir, sender_id)
    if not path.exists():
        return []
    bases = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    folder = data_dir / "forms"
    return [folder / (base + suffix) for base in bases for suffix in SUFFIXES if (folder / (base + suffix)).exists()]


def erase_owner(data_dir: Path, sender_id: str) -> int:
    """Delete this conversation's form files and its index; how many files went."""
    files = files_of(data_dir, sender_id)
    for file in files:
        file.unlink(missing_ok=True)
    _index(data_dir, sender_id).unlink(missing_ok=True)
    return len(files)


def sweep(data_dir: Path, max_age_seconds: float, now: Optional[float] = None) -> int:
    """Delete form files older than ``max_age_seconds``; how many went."""
    now = time.time() if now is None else now
    folder = data_dir / "forms"
    removed = 0
    if folder.is_dir():
        for file in folder.iterdir():
            if file.suffix in SUFFIXES and file.is_file() and now - file.stat().st_mtime > max_age_seconds:
                file.unlink(missing_ok=True)
                removed += 1
    owners = data_dir / "form-owners"
    if removed and owners.is_dir():
        for index in owners.glob("*.txt"):
            lines = [line for line in index.read_text(encoding="utf-8").splitlines() if line.strip()]
            kept = [base for base in lines if any((folder / (base + s)).exists() for s in SUFFIXES)]
            if not kept:
                index.unlink(missing_ok=True)
            elif len(kept) != len(lines):
                index.write_text("".join(base + "\n" for base in kept), encoding="utf-8")
    return removed
