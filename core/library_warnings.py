"""Deprecation warnings of the libraries we run on, kept out of the operator's log; ours still shown.

Sanic turns every DeprecationWarning back on when it is imported (``filterwarnings("once",
category=DeprecationWarning)`` in ``sanic/app.py``), which undoes ``PYTHONWARNINGS``; Rasa 3.6's
dependencies then print a dozen (distutils, pkg_resources, SQLAlchemy 2.0, jax, pyparsing).
``quiet_library_warnings()``, called by a process after Sanic is imported, ignores deprecation
warnings raised from any module but ours (``OURS``), so a warning about our own code still shows.
"""

from __future__ import annotations

import warnings

OURS = ("core", "bot", "channels", "forms", "notifications", "applications", "personal_data", "actions", "admin",
        "launcher")
NOT_OURS = r"^(?!(%s)(\.|$))" % "|".join(OURS)


def quiet_library_warnings() -> None:
    for category in (DeprecationWarning, PendingDeprecationWarning):
        warnings.filterwarnings("ignore", category=category, module=NOT_OURS)
