"""Runs one version of the whole assistant until stdin closes (run by benchmarks/bench_turns.py).

    cd <a checkout of the version> && python <this file> --data-dir DIR [--redis-db N]

It runs inside the checkout it measures, with that checkout's own test fixture
(``tests.conftest.running_assistant``: trained model, action server and Rasa server on free ports,
Redis tracker and lock stores on the database given, TEST_REDIS_PORT), so each version starts the way
its own launcher starts it. Once the assistant answers it prints one JSON line
``{"url": ..., "webchat_secret": ..., "pid": ...}`` (the processes to measure are this one's
descendants), then waits; closing stdin stops the assistant. Standard library and the checkout's code
only: this file must work against older versions too.
"""

from __future__ import annotations

import argparse
import json
import os
import sys


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--redis-db", type=int, default=13)
    args = parser.parse_args()

    sys.path.insert(0, os.getcwd())
    from tests.conftest import running_assistant  # the checkout's own

    with running_assistant(args.data_dir, redis_db=args.redis_db) as assistant:
        print(json.dumps({"url": assistant.url, "webchat_secret": assistant.webchat_secret, "pid": os.getpid()}), flush=True)
        sys.stdin.read()


if __name__ == "__main__":
    main()
