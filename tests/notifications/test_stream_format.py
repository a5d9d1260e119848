"""The notification entry format (notifications/stream.py): what a Lua script appends with
APPEND_LUA is what entry() builds and what parse_entry() reads back."""

from notifications.stream import APPEND_LUA, ENTRY_FIELDS, entry, parse_entry, stream_key


async def test_lua_and_python_write_the_same_entry(aredis):
    script = APPEND_LUA + "append_notification(ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8])"
    await aredis.eval(script, 0, "t:" + stream_key(""), 1000, "ev-1", "sms", "84912345678", "H56-0001", '{"status": "x"}', 17)
    [(_, fields)] = await aredis.xrange("t:" + stream_key("sms"))
    parsed = parse_entry(fields)
    assert parsed == entry("ev-1", "sms", "84912345678", "H56-0001", '{"status": "x"}', 17)
    assert tuple(parsed) == ENTRY_FIELDS
    assert parsed["key"] == "ev-1|sms|84912345678"
