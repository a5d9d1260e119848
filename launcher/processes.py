"""The launcher's child processes: how they are started, watched and stopped.

* ``spawn(name, argv, ...)`` starts a component in its own session (a Ctrl-C in the terminal reaches
  the launcher only, which then stops the components in order) and asks Linux to send it SIGTERM if
  the launcher itself dies (``PR_SET_PDEATHSIG``), so no component outlives a killed launcher.
* ``stop(processes)`` stops them one after the other, in the order given: SIGTERM, up to
  ``STOP_TIMEOUT`` seconds to finish (Rasa ends its turns, a notification worker finishes or leaves
  its in-flight notifications pending for another worker), then SIGKILL.
* ``first_death(processes)`` names a component that ended while it should be running.

Every process started here carries ``.component``: the name printed when it stops or dies.
"""

from __future__ import annotations

import ctypes
import signal
import subprocess
import sys
from typing import Iterable, List, Optional, Sequence

STOP_TIMEOUT = 15.0
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # runs in the child between fork and exec
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def popen_options() -> dict:
    """The Popen options of every component: its own session, SIGTERM when the launcher dies."""
    return {"start_new_session": True, "preexec_fn": _die_with_parent}


def spawn(name: str, argv: Sequence[str], **options) -> subprocess.Popen:
    process = subprocess.Popen(list(argv), **popen_options(), **options)
    process.component = name  # type: ignore[attr-defined]
    return process


def name_of(process: subprocess.Popen) -> str:
    return getattr(process, "component", None) or f"process {process.pid}"


def stop(processes: Iterable[Optional[subprocess.Popen]], timeout: float = STOP_TIMEOUT) -> None:
    """Stop ``processes`` one by one, in order (None entries are skipped)."""
    for process in processes:
        if process is None:
            continue
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            print(f"  {name_of(process)} did not stop within {timeout:.0f} s: killed", file=sys.stderr, flush=True)
            process.kill()
            process.wait()


def first_death(processes: List[subprocess.Popen]) -> Optional[subprocess.Popen]:
    """The first of ``processes`` that has exited, if any."""
    return next((process for process in processes if process.poll() is not None), None)
