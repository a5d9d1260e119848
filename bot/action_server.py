"""``python -m bot.action_server --port 5055``: rasa_sdk's action server with a shared secret.

rasa_sdk's app (``rasa_sdk.endpoint.create_app("actions")``, no CORS) with the operator routes
(``core.ops_sanic``: ``GET /metrics`` with the questions answered and recorded for officers,
``/health/live``, ``/health/ready``: Redis answers when REDIS_URL is set), wrapped with one check that
runs before every route but ``GET /health`` and those three: the request must carry ``X-Action-Secret`` equal to
``ACTION_SERVER_SECRET`` (compared in constant time); missing or different: 401
``{"error": "unauthorized"}`` and one WARNING log line, before the body is read. Rasa sends the
header with every action call (``action_endpoint.headers`` in the endpoints file that
``bot.runtime.write_endpoints`` writes, as ``${ACTION_SERVER_SECRET}``). The server binds
``ACTION_SERVER_HOST`` (default 127.0.0.1). Without ``ACTION_SERVER_SECRET`` it refuses to start
(exit 2): the launcher generates one per run when none is configured.

Errors inside an action are answered 500 ``{"error": "action failed"}`` without echoing the request
(the tracker it carries holds what citizens typed).
"""

from __future__ import annotations

import argparse
import hmac
import logging
import sys
from typing import Optional

from sanic import Sanic, response
from sanic.request import Request

from bot.settings import SettingError, load_security_settings, load_settings
from core.library_warnings import quiet_library_warnings
from core.ops_sanic import OPS_PATHS, ops_blueprint

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Action-Secret"
OPEN_PATHS = ("/health", *OPS_PATHS)


def protect(app: Sanic, secret: str) -> Sanic:
    expected = secret.encode("utf-8")

    @app.on_request
    async def require_secret(request: Request) -> Optional[response.HTTPResponse]:
        if request.path in OPEN_PATHS and request.method in ("GET", "HEAD"):
            return None
        given = (request.headers.get(SECRET_HEADER) or "").encode("utf-8")
        if not given or not hmac.compare_digest(given, expected):
            logger.warning("action server: refused %s %s (%s secret)", request.method, request.path,
                           "wrong" if given else "no")
            return response.json({"error": "unauthorized"}, status=401)
        return None

    async def action_failed(request: Request, exception: Exception) -> response.HTTPResponse:
        logger.error("action server: %s %s failed", request.method, request.path, exc_info=exception)
        return response.json({"error": "action failed"}, status=500)

    app.error_handler.add(Exception, action_failed)
    return app


def create_app(secret: str, actions: str = "actions") -> Sanic:
    from rasa_sdk.endpoint import create_app as sdk_app

    app = sdk_app(actions, cors_origins=None)
    app.blueprint(ops_blueprint("ops_routes", load_settings().redis_url))
    return protect(app, secret)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=5055)
    parser.add_argument("--actions", default="actions")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    quiet_library_warnings()
    # one line per registered action and Sanic's start banner: our own line below says where it listens
    for noisy in ("rasa_sdk.executor", "sanic.root"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        security = load_security_settings()
    except SettingError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2
    if not security.action_secret:
        print("Configuration error: ACTION_SERVER_SECRET is not set (bash scripts/run generates one)", file=sys.stderr)
        return 2
    app = create_app(security.action_secret, args.actions)
    print(f"Action server on http://{security.action_host}:{args.port}/ (calls need {SECRET_HEADER})", flush=True)
    app.run(security.action_host, args.port, workers=1, access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
