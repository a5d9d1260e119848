"""Redis keys that more than one package reads or writes, named once here. A key that only its owner
touches stays with its owner, whose docstring lists it (``applications.store``, ``bot.knowledge.store``,
``notifications.stream``, ``admin.auth``...).

  tracker:tracker:{conversation id}  ``TRACKER_PREFIX``: a stored conversation, JSON. Written by Rasa's
                      Redis tracker store (``bot.tracker_store``: our key prefix "tracker", set in
                      bot/runtime.py, then Rasa's own "tracker:"); read and deleted by ``personal_data``.
  unanswered          ``UNANSWERED``: list of unanswered-question records (masked), newest first.
                      Written by ``bot.unanswered``; read, counted and resolved by the workspace
                      (``admin.inbox``, ``admin.app``).
  kb:drafts           ``KNOWLEDGE_DRAFTS``: hash of the officers' drafts, owned by ``bot.knowledge.store``;
                      the workspace counts them on every page.
"""

TRACKER_PREFIX = "tracker:tracker:"
UNANSWERED = "unanswered"
KNOWLEDGE_DRAFTS = "kb:drafts"
