"""Sends questions to one version of the assistant and writes its replies (run by bench_real_questions).

    cd <a checkout of the version> && python <this file> --questions IN.json --out OUT.json --data-dir DIR

It runs inside the checkout it measures, with that checkout's own test fixture
(``tests.conftest.running_assistant``: trained model, action server and Rasa server on free ports, Redis
tracker and lock stores on the database given), so each version is driven through its own channel code.
Every question is a new conversation. Standard library and the checkout's code only: this file must
work against older versions too.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import uuid
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", required=True, help="JSON list of {key, text}")
    parser.add_argument("--out", required=True)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--redis-db", type=int, default=14)
    args = parser.parse_args()

    sys.path.insert(0, os.getcwd())
    from bot.knowledge.loader import load_knowledge  # the checkout's own
    from tests.conftest import running_assistant

    loaded = load_knowledge(Path(os.getcwd()) / "knowledge")
    base = loaded[0] if isinstance(loaded, tuple) else loaded
    names = {pid: procedure.name for pid, procedure in base.procedures.items()}

    questions = json.loads(Path(args.questions).read_text(encoding="utf-8"))
    replies = []
    with running_assistant(args.data_dir, redis_db=args.redis_db) as assistant:
        for question in questions:
            sender = f"bench-{uuid.uuid4().hex[:12]}"
            started = time.perf_counter()
            try:
                messages = assistant.say(sender, question["text"])
                error = None
            except Exception as exc:  # noqa: BLE001 - a failed turn is a result too (it counts as no answer)
                messages, error = [], f"{type(exc).__name__}: {exc}"
            replies.append({
                "key": question["key"], "messages": messages, "error": error,
                "seconds": round(time.perf_counter() - started, 3),
            })
    Path(args.out).write_text(json.dumps({"names": names, "replies": replies}, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
