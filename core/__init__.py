"""The bottom layer: what every package shares, written once. It imports nothing of ours.

* ``channels``: the channels' names (the messaging channels: one list).
* ``conversation_ids``: ``<channel>:<provider id>`` and back.
* ``application_codes``: application codes (mã hồ sơ) as citizens type them.
* ``message_text``: text of outgoing messages: GSM-7, SMS parts, buttons as a numbered list.
* ``phone``: one phone-number normaliser (and the Vietnamese-only check on top of it).
* ``redis_keys``: the Redis keys that more than one package reads or writes.
* ``redis_clients``: one cached synchronous Redis client per URL and timeout.
* ``redis_counters``: a counter in a time window, atomic on Redis 6.2 and 7.
"""
