"""``python -m bot.rasa_server --model M --port P --endpoints E --credentials C``: the Rasa server,
started the way docs/security.md describes.

Reads ``bot.settings.load_security_settings`` and runs ``rasa run`` in this process with:

* the HTTP API (``/conversations/…``, ``/model``, …) only when ``RASA_API_TOKEN`` or
  ``RASA_JWT_SECRET`` is set, then protected by ``--auth-token`` / ``--jwt-secret`` (requests without
  them get 401); without either, only the channels' webhooks and ``GET /`` exist (others 404);
* CORS only for ``RASA_CORS_ORIGINS`` (never ``*``);
* bound to ``RASA_INTERFACE`` (default 127.0.0.1);
* with ``bot.rasa_patches`` applied (action results validated by a validator compiled once).

The secrets are put into Rasa's own argument list inside this process, so they never appear on a
command line other local users can read (``ps``, ``/proc/<pid>/cmdline``).
"""

from __future__ import annotations

import argparse
import sys
from typing import List, Optional

from bot.settings import SecuritySettings, SettingError, load_security_settings


def rasa_arguments(args: argparse.Namespace, security: SecuritySettings) -> List[str]:
    argv = ["rasa", "run", "--model", args.model, "--port", str(args.port), "--endpoints", args.endpoints,
            "--credentials", args.credentials, "--interface", security.rasa_interface,
            "--cors", *security.cors_origins]
    if security.api_enabled:
        argv.append("--enable-api")
        if security.rasa_api_token:
            argv += ["--auth-token", security.rasa_api_token]
        if security.rasa_jwt_secret:
            argv += ["--jwt-secret", security.rasa_jwt_secret, "--jwt-method", security.rasa_jwt_method]
    return argv


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    for name in ("--model", "--endpoints", "--credentials"):
        parser.add_argument(name, required=True)
    parser.add_argument("--port", type=int, default=5005)
    args = parser.parse_args(argv)
    try:
        security = load_security_settings()
    except SettingError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2
    sys.argv = rasa_arguments(args, security)
    import sanic  # noqa: F401  (turns deprecation warnings back on when imported: quieted after it)

    from core.library_warnings import quiet_library_warnings

    quiet_library_warnings()
    import rasa.utils.common as rasa_common

    # ``rasa run`` puts ``filterwarnings("once", category=UserWarning)`` in front of every filter when it
    # configures logging, which shows pyparsing's deprecations (UserWarning and DeprecationWarning) again
    rasa_filters = rasa_common._filter_warnings

    def filter_warnings(*args, **kwargs) -> None:
        rasa_filters(*args, **kwargs)
        quiet_library_warnings()

    rasa_common._filter_warnings = filter_warnings
    from bot import rasa_patches
    from rasa.__main__ import main as rasa_main

    rasa_patches.apply()  # per-turn work removed, same checks (bot/rasa_patches.py)

    rasa_main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
