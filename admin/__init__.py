"""The officers' workspace: maintain procedures and FAQs, import from Excel, see unanswered questions.

``python -m admin`` serves it (needs Redis: ``REDIS_URL``); ``python -m admin.create_user`` adds an
account. See docs/admin.md.
"""
