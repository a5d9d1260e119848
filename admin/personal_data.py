"""The officers' tool for a citizen's personal data at the desk: export or erase what the assistant
holds about a conversation id or a phone number (the personal_data package does the work). The
workspace's pages for it are ``admin.routes.personal_data``; audit entries name the request masked
(``describe``).

Command line (the same audit log, ``kb:audit``, with ``--by`` as the officer):
  python -m admin.personal_data export --sender ID | --phone N [--by NAME] [--out FILE]
  python -m admin.personal_data erase  --sender ID | --phone N --by NAME --yes
  python -m admin.personal_data sweep  (delete form files older than FORM_FILE_RETENTION_DAYS)
Exit status: 0 done, 2 bad arguments or no Redis.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any, Dict, Optional

from bot.knowledge.store import KnowledgeStore
from bot.privacy import mask
from bot.settings import load_privacy_settings, load_settings
from forms import retention
import personal_data


def describe(subject: personal_data.Subject) -> str:
    """The request as the audit log shows it (masked)."""
    return ", ".join(mask(s) if s.startswith("sms:") else s[:6] + "…" for s in subject.sender_ids)


# ---------------------------------------------------------------- command line


def main(argv: Optional[list] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m admin.personal_data", description="Export or erase a citizen's personal data.")
    parser.add_argument("command", choices=["export", "erase", "sweep"])
    parser.add_argument("--sender", help="conversation id, e.g. telegram:123456 or sms:84912345678")
    parser.add_argument("--phone", help="phone number, e.g. 0912345678")
    parser.add_argument("--by", default="", help="the officer handling the request (audit log)")
    parser.add_argument("--out", help="export: write to this file instead of standard output")
    parser.add_argument("--yes", action="store_true", help="erase: confirm")
    args = parser.parse_args(argv)
    settings = load_settings()
    if args.command == "sweep":
        removed = retention.sweep(settings.data_dir, load_privacy_settings().form_file_seconds)
        print(f"{removed} form files older than the retention time deleted")
        return 0
    if not settings.redis_url:
        print("REDIS_URL is not set: the conversations, consent and subscriptions live in Redis.", file=sys.stderr)
        return 2
    try:
        subject = personal_data.Subject.of(args.sender, args.phone)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.command == "erase" and not (args.yes and args.by.strip()):
        print("error: erase needs --by NAME and --yes", file=sys.stderr)
        return 2
    import redis

    audit = KnowledgeStore(redis.Redis.from_url(settings.redis_url), settings.knowledge_dir)
    by = args.by.strip() or "cli"
    if args.command == "export":
        held: Dict[str, Any] = asyncio.run(personal_data.export(subject))
        text = json.dumps(held, ensure_ascii=False, indent=2)
        if args.out:
            with open(args.out, "w", encoding="utf-8") as handle:
                handle.write(text)
        else:
            print(text)
        audit.audit(by, "personal_data_exported", describe(subject), {"via": "cli"})
        return 0
    counts = asyncio.run(personal_data.erase(subject))
    audit.audit(by, "personal_data_erased", describe(subject), {**counts, "via": "cli"})
    print("erased: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
