from applications.events import parse_event
from applications.render import render_notification, render_status
from tests.status.conftest import event

CODE = "H56.22-250315-0001"


async def test_apply_get_and_history(store):
    first = parse_event(event("e1", "moi_tiep_nhan", "2025-03-15T08:00:00+07:00", procedure="Đăng ký khai sinh",
                              phone="0912345678", appointment_date="2025-03-20"))
    assert await store.apply(first) == "applied"
    assert await store.apply(parse_event(event("e2", "dang_xu_ly", "2025-03-16T08:00:00+07:00"))) == "applied"
    app = await store.get(CODE)
    assert app.status == "dang_xu_ly" and app.procedure == "Đăng ký khai sinh"
    assert app.phone == "84912345678" and app.phone_masked == "09******78"
    assert app.appointment_date == "2025-03-20"  # kept from the first event
    assert [h["status"] for h in app.history] == ["moi_tiep_nhan", "dang_xu_ly"]
    assert all("phone" not in h for h in app.history)
    assert await store.get("H00.00-000000-0000") is None


async def test_same_event_twice_is_applied_once(store, aredis):
    await store.subscribe(CODE, "telegram", "1001")
    e = parse_event(event("e1"))
    assert await store.apply(e) == "applied"
    assert await store.apply(e) == "duplicate"
    assert await aredis.xlen(store.stream_key("telegram")) == 1


async def test_out_of_order_events_resolved_by_event_time(store, aredis):
    await store.subscribe(CODE, "zalo", "u1")
    late = parse_event(event("e3", "cho_tra_ket_qua", "2025-03-18T08:00:00+07:00"))
    early = parse_event(event("e2", "dang_xu_ly", "2025-03-16T08:00:00+07:00", phone="0912345678"))
    assert await store.apply(late) == "applied"
    assert await store.apply(early) == "stale"
    app = await store.get(CODE)
    assert app.status == "cho_tra_ket_qua"
    assert app.phone == "84912345678"  # static fields of an older event still fill the gaps
    assert [h["status"] for h in app.history] == ["dang_xu_ly", "cho_tra_ket_qua"]
    assert await aredis.xlen(store.stream_key("zalo")) == 1  # no notification for the stale event


async def test_one_notification_per_subscriber(store, aredis):
    await store.subscribe(CODE, "telegram", "1001")
    await store.subscribe(CODE, "sms", "84912345678")
    assert not await store.subscribe(CODE, "sms", "84912345678")
    await store.apply(parse_event(event("e1", "cho_bo_sung", missing_documents=["Bản sao giấy chứng sinh"])))
    entries = await aredis.xrange(store.stream_key("sms")) + await aredis.xrange(store.stream_key("telegram"))
    got = sorted((f[b"channel"].decode(), f[b"recipient"].decode(), f[b"key"].decode()) for _, f in entries)
    assert got == [("sms", "84912345678", "e1|sms|84912345678"), ("telegram", "1001", "e1|telegram|1001")]
    assert all(int(f[b"created_ms"]) > 0 for _, f in entries)


async def test_unsubscribe(store):
    await store.subscribe(CODE, "sms", "84912345678")
    await store.subscribe("2511240988", "sms", "84912345678")
    assert await store.subscriptions("sms", "84912345678") == ["2511240988", CODE]
    assert await store.unsubscribe("sms", "84912345678") == 2
    assert await store.subscribers(CODE) == []


async def test_rendering():
    e = parse_event(event("e1", "tu_choi", reason="Hồ sơ không đủ điều kiện", appointment_date="2025-03-20"))
    text = render_notification(CODE, e.public())
    assert "Từ chối" in text and "Hồ sơ không đủ điều kiện" in text and "hủy nhận thông báo" in text
    e = parse_event(event("e2", "cho_bo_sung", missing_documents=["Tờ khai", "Bản sao CCCD"], appointment_date="2025-03-20"))
    sms = render_notification(CODE, e.public(), short=True)  # the template registered with the carriers
    assert sms == f"Ho so {CODE} can bo sung: To khai; Ban sao CCCD. Vui long bo sung tai Bo phan mot cua. Nhan HUY de ngung nhan tin."


async def test_render_status(store):
    await store.apply(parse_event(event("e1", "cho_bo_sung", missing_documents=["Tờ khai"], procedure="Cấp hộ chiếu")))
    text = render_status(await store.get(CODE))
    assert "Chờ bổ sung hồ sơ" in text and "Tờ khai" in text and "Cấp hộ chiếu" in text
    assert "10:00 15/03/2025" in text
