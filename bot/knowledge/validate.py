"""``python -m bot.knowledge.validate [DIR]``: check the knowledge base, print ``file:line: problem``.

Exit status 0 when every file is valid, 1 otherwise.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

from bot.knowledge.loader import load_knowledge
from bot.settings import load_settings


def main(argv: Optional[List[str]] = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    root = Path(args[0]) if args else load_settings().knowledge_dir
    base, problems = load_knowledge(root)
    for problem in problems:
        print(problem)
    print(f"{len(base.procedures)} procedures, {len(base.faq)} FAQ entries, {len(base.synonyms)} synonym entries, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
