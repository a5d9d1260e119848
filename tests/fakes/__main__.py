"""Try the channels by hand against the fake providers.

    .venv/bin/python -m tests.fakes serve            # the three fakes; prints the variables to export
    .venv/bin/python -m tests.fakes send telegram "/start"
    .venv/bin/python -m tests.fakes send zalo "lệ phí đăng ký kết hôn"
    .venv/bin/python -m tests.fakes send sms "TRACUU 000.00.12.H29-240115-0001" --user 0912345678
    .venv/bin/python -m tests.fakes send twilio "HD" --user +84912345678

``send`` signs the webhook the way the provider does, with the secrets from the environment (the
same variables the assistant reads), and posts it to the assistant (``--rasa``, default
http://localhost:5005). ``serve`` prints every request the fakes receive: the assistant's replies.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import uuid
from urllib.parse import urlencode

import requests

DEFAULTS = {
    "TELEGRAM_BOT_TOKEN": "123456:LOCAL-fake-token", "TELEGRAM_SECRET_TOKEN": "local-telegram-secret",
    "ZALO_APP_ID": "1234567890123456789", "ZALO_APP_SECRET": "local-app-secret", "ZALO_OA_SECRET_KEY": "local-oa-secret",
    "ZALO_OA_ACCESS_TOKEN": "local-access-token", "ZALO_REFRESH_TOKEN": "local-refresh-token",
    "SMS_GATEWAY_API_KEY": "local-sms-key", "SMS_WEBHOOK_SECRET": "local-sms-webhook-secret",
    "TWILIO_AUTH_TOKEN": "local-twilio-token",
}


def env(name: str) -> str:
    return os.environ.get(name) or DEFAULTS[name]


def serve(args: argparse.Namespace) -> int:
    from tests.fakes.sms import FakeSmsGateway
    from tests.fakes.telegram import FakeTelegram
    from tests.fakes.zalo import FakeZalo

    telegram = FakeTelegram(env("TELEGRAM_BOT_TOKEN"))
    zalo = FakeZalo(env("ZALO_APP_ID"), env("ZALO_APP_SECRET"), env("ZALO_OA_ACCESS_TOKEN"), env("ZALO_REFRESH_TOKEN"))
    sms = FakeSmsGateway(env("SMS_GATEWAY_API_KEY"))
    for server, port in ((telegram, args.port), (zalo, args.port + 1), (sms, args.port + 2)):
        server.port, server.url = port, f"http://127.0.0.1:{port}"
        server.start()
    exports = {**DEFAULTS, "TELEGRAM_API_BASE": telegram.url, "ZALO_API_BASE": zalo.url, "ZALO_OAUTH_BASE": zalo.url,
               "SMS_GATEWAY_URL": sms.url, "SMS_TWILIO_WEBHOOK_URL": f"{args.rasa}/webhooks/sms/twilio"}
    exports.update({k: os.environ[k] for k in DEFAULTS if os.environ.get(k)})
    print("Fake Telegram, Zalo and SMS gateway are running. In another shell:\n")
    for key, value in exports.items():
        print(f"export {key}='{value}'")
    print("scripts/run   # then: .venv/bin/python -m tests.fakes send telegram /start\n", flush=True)
    seen = {id(s): 0 for s in (telegram, zalo, sms)}
    try:
        while True:
            for name, server in (("telegram", telegram), ("zalo", zalo), ("sms", sms)):
                got = server.received()
                for entry in got[seen[id(server)]:]:
                    print(f"[{name}] " + json.dumps(entry, ensure_ascii=False, default=str), flush=True)
                seen[id(server)] = len(got)
            time.sleep(0.2)
    except KeyboardInterrupt:
        return 0


def send(args: argparse.Namespace) -> int:
    from tests.fakes.sms import gateway_signature, twilio_signature
    from tests.fakes.zalo import signed, text_event

    base = args.rasa.rstrip("/")
    if args.channel == "telegram":
        chat = int(args.user or 777000111)
        update = {"update_id": int(time.time() * 1000) % 2_000_000_000, "message": {
            "message_id": 1, "date": int(time.time()), "text": args.text, "chat": {"id": chat, "type": "private"},
            "from": {"id": chat, "is_bot": False, "first_name": "Citizen"}}}
        response = requests.post(f"{base}/webhooks/telegram/webhook", json=update,
                                 headers={"X-Telegram-Bot-Api-Secret-Token": env("TELEGRAM_SECRET_TOKEN")}, timeout=30)
    elif args.channel == "zalo":
        body, headers = signed(text_event(env("ZALO_APP_ID"), args.user or "2468013579246801357", args.text),
                               env("ZALO_APP_ID"), env("ZALO_OA_SECRET_KEY"))
        response = requests.post(f"{base}/webhooks/zalo/webhook", data=body, headers=headers, timeout=30)
    elif args.channel == "sms":
        body = json.dumps({"message_id": uuid.uuid4().hex, "from": args.user or "0912345678", "to": "8077",
                           "text": args.text}, ensure_ascii=False).encode("utf-8")
        response = requests.post(f"{base}/webhooks/sms/webhook", data=body, timeout=30, headers={
            "Content-Type": "application/json", "X-Signature": gateway_signature(env("SMS_WEBHOOK_SECRET"), body)})
    else:
        params = {"MessageSid": "SM" + uuid.uuid4().hex, "From": args.user or "+84912345678", "To": "+15005550006",
                  "Body": args.text}
        url = os.environ.get("SMS_TWILIO_WEBHOOK_URL") or f"{base}/webhooks/sms/twilio"
        response = requests.post(f"{base}/webhooks/sms/twilio", data=urlencode(params), timeout=30, headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": twilio_signature(env("TWILIO_AUTH_TOKEN"), url, params)})
    print(response.status_code, response.text)
    return 0 if response.ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    serving = commands.add_parser("serve", help="run the fake providers")
    serving.add_argument("--port", type=int, default=8081, help="Telegram; Zalo and SMS on the next two")
    serving.add_argument("--rasa", default="http://localhost:5005")
    sending = commands.add_parser("send", help="post a signed webhook to the assistant")
    sending.add_argument("channel", choices=["telegram", "zalo", "sms", "twilio"])
    sending.add_argument("text")
    sending.add_argument("--user", help="chat id / Zalo user id / phone number")
    sending.add_argument("--rasa", default="http://localhost:5005")
    args = parser.parse_args()
    return serve(args) if args.command == "serve" else send(args)


if __name__ == "__main__":
    sys.exit(main())
