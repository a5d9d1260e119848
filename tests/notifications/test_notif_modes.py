"""Zalo modes, errors by kind, delivery receipts and fallback, through the real provider clients
(notifications.senders over channels.zalo / channels.sms) against the fake Zalo and SMS gateway, with
an in-process worker and the receipt routes on a loopback server."""

import asyncio
import dataclasses
import json

import pytest
import pytest_asyncio
from aiohttp import ClientSession, web

from applications.events import parse_event
from applications.templates import load_registry
from bot.settings import ChannelSettings
from launcher.notification_worker import status_worker
from notifications.parts import RedisParts
from notifications.receipts import receipt_routes, sms_signature
from notifications.senders import build_senders, tracking_id
from notifications.stream import DEAD_LETTER_KEY
from notifications.tracking import Tracking
from notifications.worker import WorkerConfig, quiet_until
from tests.fakes.base import free_port
from tests.fakes.sms import FakeSmsGateway
from tests.fakes.zalo import FakeZalo, signed
from tests.notifications.conftest import until

CODE = "H56.22-250315-0001"
PHONE = "84912345678"
APP_ID, OA_SECRET = "4318164526394040911", "oa-secret"
ZNS_PARAMS = {"000011": {"ma_ho_so", "ngay_hen_moi", "ly_do"}, "000002": {"ma_ho_so", "trang_thai", "ngay_hen"},
              "000006": {"ma_ho_so", "ly_do"}}


def approved_registry():
    """The packaged registry with the templates the fake knows marked approved (as once registered)."""
    reg = load_registry()
    zalo = {s: dataclasses.replace(e, approved=e.template_id in ZNS_PARAMS) for s, e in reg.zalo.items()}
    return dataclasses.replace(reg, zalo=zalo)


def change(event_id, status, hour=10, **extra):
    return parse_event({"event_id": event_id, "code": CODE, "status": status, "phone": "0912345678",
                        "event_time": f"2025-03-15T{hour:02d}:00:00+07:00", **extra})


LATE = dict(new_appointment_date="2025-04-02", appointment_date="2025-03-25", reason="Chờ ý kiến cơ quan thuế")


@pytest_asyncio.fixture
async def stack(aredis, store):
    zalo = FakeZalo(APP_ID, "zalo-secret", "access-1", "refresh-1").start()
    zalo.zns_templates = dict(ZNS_PARAMS)
    sms = FakeSmsGateway("sms-key").start()
    reg = approved_registry()
    tracking = Tracking(aredis, "", reg.cost)
    app = web.Application()
    app.add_routes(receipt_routes(tracking, store.fallback_targets, sms.receipt_secret, APP_ID, OA_SECRET))
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    base = f"http://127.0.0.1:{port}"
    zalo.receipt_url = base + "/notifications/receipts/zalo"
    sms.receipt_url = base + "/notifications/receipts/sms"
    channels = ChannelSettings(zalo_access_token="access-1", zalo_api_base=zalo.url, zalo_zns_base=zalo.url,
                               zalo_oauth_base=zalo.url, sms_gateway_url=sms.url, sms_gateway_api_key="sms-key")
    senders = build_senders(timeout=2.0, channels=channels, parts=RedisParts(aredis))
    workers = []

    def start(**config):
        defaults = dict(concurrency=8, max_attempts=3, backoff_base=0.05, backoff_max=0.1, claim_idle=2.0,
                        send_timeout=2.0, block_ms=100, receipt_deadline=5.0, sweep_every=0.1)
        worker = status_worker(aredis, senders, "w1", WorkerConfig(**{**defaults, **config}), reg=reg)
        workers.append((worker, asyncio.create_task(worker.run())))
        return worker

    yield {"zalo": zalo, "sms": sms, "start": start, "tracking": tracking, "base": base}
    for worker, task in workers:
        worker.stop()
        await asyncio.wait_for(task, 10)
    await senders.close()
    await runner.cleanup()
    zalo.stop()
    sms.stop()


def zns_sent(zalo):
    return zalo.received(lambda e: e.get("endpoint") == "zns" and "rejected" not in e)


async def states(tracking, code=CODE):
    return [(line["channel"], line["mode"], line["state"]) for line in reversed(await tracking.history(code))]


async def test_apology_goes_by_zns_to_the_phone_and_its_delivery_event_marks_it_delivered(stack, store):
    await store.subscribe(CODE, "zalo", "u1")
    stack["start"]()
    await store.apply(change("e1", "xin_loi_tre_hen", **LATE))
    await until(lambda: zns_sent(stack["zalo"]), what="a ZNS message")
    [sent] = zns_sent(stack["zalo"])
    assert sent["phone"] == PHONE and sent["template_id"] == "000011"
    assert sent["data"] == {"ma_ho_so": CODE, "ngay_hen_moi": "02/04/2025", "ly_do": "Chờ ý kiến cơ quan thuế"}
    assert sent["tracking_id"] == tracking_id("e1|zalo|u1") and PHONE not in sent["tracking_id"]
    await until(lambda: _has_state(stack["tracking"], "delivered"), what="the delivery event")
    assert await states(stack["tracking"]) == [("zalo", "zns", "sent"), ("zalo", "zns", "delivered")]
    daily = await stack["tracking"].daily()
    assert daily["zalo:zns:delivered"] == 1 and daily["cost"] == 300  # ZNS is paid per delivered message


async def _has_state(tracking, state, count=1):
    return sum(1 for line in await tracking.history(CODE) if line["state"] == state) >= count


async def test_cs_outside_the_window_goes_as_a_transaction_message(stack, store):
    stack["zalo"].outside_window.add("u1")
    await store.subscribe(CODE, "zalo", "u1")
    stack["start"]()
    await store.apply(change("e1", "dang_xu_ly", appointment_date="2025-03-20"))
    await until(lambda: stack["zalo"].received(lambda e: e.get("endpoint") == "message/transaction"), what="transaction")
    [tx] = stack["zalo"].received(lambda e: e.get("endpoint") == "message/transaction")
    assert tx["user_id"] == "u1" and "Đang xử lý" in tx["payload"]["elements"][0]["content"]
    assert stack["zalo"].received(lambda e: e.get("rejected") == "outside_window")
    await until(lambda: _has_state(stack["tracking"], "delivered"), what="delivered")
    assert await states(stack["tracking"]) == [("zalo", "transaction", "delivered")]
    assert zns_sent(stack["zalo"]) == []


@pytest.mark.parametrize("kind", ["template_not_approved", "param_invalid", "quota_exceeded", "user_unreachable"])
async def test_each_zalo_error_kind_falls_back_to_the_consented_sms(stack, store, aredis, kind):
    zalo = stack["zalo"]
    zalo.fail_next(kind=kind)           # the ZNS attempt fails with this kind
    zalo.not_following.add("u1")        # and the OA messages cannot reach the citizen either
    await store.subscribe(CODE, "zalo", "u1")
    stack["start"]()
    await store.apply(change("e1", "xin_loi_tre_hen", notify_channels=["zalo", "sms"], **LATE))
    await until(lambda: stack["sms"].texts(PHONE), what="the SMS fallback")
    history = list(reversed(await stack["tracking"].history(CODE)))
    failed = [line for line in history if line["state"] == "failed" and line["channel"] == "zalo"]
    assert failed and failed[0]["reason"].startswith("user_unreachable")  # the last mode's reason
    assert kind in {e["rejected"] for e in zalo.received(lambda e: "rejected" in e)}
    assert any(line["state"] == "fallback" and line["reason"].endswith("-> sms") for line in history)
    [text] = stack["sms"].texts(PHONE)
    assert text.startswith(f"Xin loi: ho so {CODE} chua co ket qua dung hen. Ngay hen moi: 02/04/2025.")
    await until(lambda: _has_state(stack["tracking"], "delivered"), what="the SMS delivery report")
    assert await aredis.xlen(DEAD_LETTER_KEY) == 0


async def test_token_expired_without_refresh_is_reported_and_falls_back(stack, store, aredis):
    stack["zalo"].expire_token()
    await store.subscribe(CODE, "zalo", "u1")
    stack["start"]()
    await store.apply(change("e1", "tu_choi", reason="Không đủ điều kiện", notify_channels=["sms"]))
    await until(lambda: stack["sms"].texts(PHONE), what="the SMS fallback")
    failed = [line for line in await stack["tracking"].history(CODE) if line["state"] == "failed"]
    assert failed[0]["reason"].startswith("token_expired")
    assert stack["sms"].texts(PHONE) == [f"Ho so {CODE} bi tu choi giai quyet. Ly do: Khong du dieu kien. Nhan HUY de ngung nhan tin."]


async def test_a_failed_sms_delivery_report_falls_back_to_zns(stack, store):
    stack["sms"].undeliverable.add(PHONE)
    await store.subscribe(CODE, "sms", PHONE)
    stack["start"]()
    await store.apply(change("e1", "xin_loi_tre_hen", notify_channels=["sms", "zalo"], **LATE))
    await until(lambda: zns_sent(stack["zalo"]), what="the ZNS fallback")
    assert zns_sent(stack["zalo"])[0]["phone"] == PHONE
    await until(lambda: _has_state(stack["tracking"], "delivered"), what="ZNS delivered")
    assert await states(stack["tracking"]) == [("sms", "sms", "sent"), ("sms", "sms", "failed"), ("sms", "", "fallback"),
                                               ("zalo", "zns", "sent"), ("zalo", "zns", "delivered")]
    assert len(stack["sms"].texts(PHONE)) == 1  # never twice on the same channel


async def test_no_receipt_before_the_deadline_falls_back_and_a_late_receipt_changes_nothing(stack, store):
    stack["sms"].receipt_late, stack["sms"].receipt_late_delay = 1.0, 1.5  # every report arrives late
    await store.subscribe(CODE, "sms", PHONE)
    stack["start"](receipt_deadline=0.5)
    await store.apply(change("e1", "xin_loi_tre_hen", notify_channels=["sms", "zalo"], **LATE))
    await until(lambda: zns_sent(stack["zalo"]), what="the ZNS fallback after the deadline")
    failed = [line for line in await stack["tracking"].history(CODE) if line["state"] == "failed"]
    assert failed[0]["reason"] == "no delivery receipt before the deadline"
    await until(lambda: stack["sms"].receipts_sent["posted"] >= 1, what="the late report")
    assert [s for s in await states(stack["tracking"]) if s[0] == "sms"] == [
        ("sms", "sms", "sent"), ("sms", "sms", "failed"), ("sms", "", "fallback")]


async def test_fallback_never_uses_a_channel_that_already_carried_the_change(stack, store, aredis):
    stack["sms"].undeliverable.add(PHONE)
    await store.subscribe(CODE, "zalo", "u1")   # gets it by CS
    await store.subscribe(CODE, "sms", PHONE)   # fails at delivery
    stack["start"]()
    await store.apply(change("e1", "dang_xu_ly", notify_channels=["sms", "zalo"]))
    await until(lambda: aredis.xlen(DEAD_LETTER_KEY), what="the SMS reported failed with no other channel")
    [(_, dead)] = await aredis.xrange(DEAD_LETTER_KEY)
    assert dead[b"channel"] == b"sms" and b"delivery failed (failed subscriber absent) and no other channel" == dead[b"error"]
    assert len(stack["zalo"].messages("u1")) == 1 and zns_sent(stack["zalo"]) == []


async def test_receipt_endpoints_refuse_forged_and_malformed_reports(stack):
    async with ClientSession() as http:
        body = json.dumps({"message_id": "sms-1", "status": "delivered"}).encode()
        bad = await http.post(stack["base"] + "/notifications/receipts/sms", data=body, headers={"X-Signature": "sha256=00"})
        assert bad.status == 401
        junk = b"{not json"
        answer = await http.post(stack["base"] + "/notifications/receipts/sms", data=junk,
                                 headers={"X-Signature": sms_signature("dlr-secret", junk)})
        assert answer.status == 400
        unknown = await http.post(stack["base"] + "/notifications/receipts/sms", data=body,
                                  headers={"X-Signature": sms_signature("dlr-secret", body)})
        assert (await unknown.json()) == {"results": ["unknown"]}
        event = {"app_id": APP_ID, "event_name": "user_received_message", "timestamp": "1", "message": {"msg_id": "x"}}
        raw, headers = signed(event, APP_ID, "wrong-secret")
        assert (await http.post(stack["base"] + "/notifications/receipts/zalo", data=raw, headers=headers)).status == 401
        raw, headers = signed({**event, "event_name": "user_send_text"}, APP_ID, OA_SECRET)
        assert (await (await http.post(stack["base"] + "/notifications/receipts/zalo", data=raw, headers=headers)).json()
                ) == {"results": ["ignored"]}
        huge = b"x" * (70 * 1024)
        assert (await http.post(stack["base"] + "/notifications/receipts/sms", data=huge)).status == 413


async def test_sms_waits_out_the_quiet_hours(stack, store, aredis):
    await store.subscribe(CODE, "sms", PHONE)
    worker = stack["start"](quiet_hours=(0, 23) if quiet_until((0, 23)) else (23, 0))
    await store.apply(change("e1", "dang_xu_ly"))
    await until(lambda: _has_state(stack["tracking"], "deferred"), what="deferred")
    assert stack["sms"].texts(PHONE) == []
    worker.config.quiet_hours = ()
    await aredis.zadd("notif:later", {m: 0 for m in await aredis.zrange("notif:later", 0, -1)})  # the hours are over
    await until(lambda: stack["sms"].texts(PHONE), what="sent after the quiet hours")
    assert len(stack["sms"].texts(PHONE)) == 1


def test_quiet_hours_across_midnight():
    from datetime import datetime
    from notifications.tracking import VIETNAM

    at = lambda h, m=0: datetime(2025, 3, 15, h, m, tzinfo=VIETNAM).timestamp()
    assert quiet_until((21, 7), at(22)) == datetime(2025, 3, 16, 7, tzinfo=VIETNAM).timestamp()
    assert quiet_until((21, 7), at(6, 30)) == datetime(2025, 3, 15, 7, tzinfo=VIETNAM).timestamp()
    assert quiet_until((21, 7), at(12)) is None and quiet_until((), at(22)) is None
    assert quiet_until((12, 14), at(13)) == at(14)


@pytest_asyncio.fixture
async def windowed(stack, aredis):
    """The stack's Zalo sender with the CS window over the test Redis (as the workers build it)."""
    from channels.zalo.window import CsWindow

    window = CsWindow(aredis, hours=48, max_messages=2)
    channels = ChannelSettings(zalo_access_token="access-1", zalo_api_base=stack["zalo"].url,
                               zalo_zns_base=stack["zalo"].url, zalo_oauth_base=stack["zalo"].url)
    senders = build_senders(timeout=2.0, channels=channels, window=window)
    yield window, senders.get("zalo")
    await senders.close()


async def test_cs_is_not_tried_when_the_follower_last_wrote_over_48_hours_ago(stack, windowed):
    import time

    from notifications.message import Notice

    window, send = windowed
    await window.opened("u-old", at=time.time() - 49 * 3600)
    sent = await send("u-old", "Hồ sơ đang xử lý", "k1", notice=Notice(text="Hồ sơ đang xử lý", title="Hồ sơ",
                                                                       zalo_modes=("cs", "transaction")))
    assert sent.mode == "transaction"
    assert stack["zalo"].received(lambda e: e.get("endpoint") == "message/cs") == []  # no refused call either


async def test_cs_goes_inside_the_window_until_its_messages_are_used_then_a_transaction_message(stack, windowed):
    from notifications.message import Notice

    window, send = windowed
    await window.opened("u-new")
    notice = Notice(text="Hồ sơ đang xử lý", title="Hồ sơ", zalo_modes=("cs", "transaction"))
    modes = [(await send("u-new", notice.text, f"k{n}", notice=notice)).mode for n in range(3)]
    assert modes == ["cs", "cs", "transaction"]  # max_messages=2 per interaction
    assert len(stack["zalo"].messages("u-new")) == 2
    await window.opened("u-new")  # the citizen writes again: the window opens anew
    assert (await send("u-new", notice.text, "k9", notice=notice)).mode == "cs"


async def test_a_follower_we_know_nothing_about_is_tried_by_cs_and_zalo_decides(stack, windowed):
    from notifications.message import Notice

    _, send = windowed
    stack["zalo"].outside_window.add("u-unknown")
    notice = Notice(text="Hồ sơ đang xử lý", title="Hồ sơ", zalo_modes=("cs", "transaction"))
    assert (await send("u-unknown", notice.text, "k1", notice=notice)).mode == "transaction"
    assert stack["zalo"].received(lambda e: e.get("rejected") == "outside_window")
    assert (await send("u-fresh", notice.text, "k2", notice=notice)).mode == "cs"


@pytest_asyncio.fixture
async def oa_receipts(stack, aredis, store):
    """A worker whose Zalo CS/transaction messages wait for Zalo's user_received_message event."""
    stack["zalo"].oa_receipts = True
    reg = approved_registry()
    channels = ChannelSettings(zalo_access_token="access-1", zalo_api_base=stack["zalo"].url,
                               zalo_zns_base=stack["zalo"].url, zalo_oauth_base=stack["zalo"].url,
                               sms_gateway_url=stack["sms"].url, sms_gateway_api_key="sms-key", zalo_oa_receipts=True)
    senders = build_senders(timeout=2.0, channels=channels, parts=RedisParts(aredis))
    config = WorkerConfig(concurrency=8, max_attempts=3, backoff_base=0.05, backoff_max=0.1, claim_idle=2.0,
                          send_timeout=2.0, block_ms=100, receipt_deadline=1.0, sweep_every=0.1)
    worker = status_worker(aredis, senders, "w-oa", config, reg=reg)
    task = asyncio.create_task(worker.run())
    yield
    worker.stop()
    await asyncio.wait_for(task, 10)
    await senders.close()


async def test_a_cs_message_is_delivered_when_zalo_says_the_phone_received_it(stack, store, oa_receipts):
    await store.subscribe(CODE, "zalo", "u1")
    await store.apply(change("e1", "dang_xu_ly", appointment_date="2025-03-20"))
    await until(lambda: _has_state(stack["tracking"], "delivered"), what="the OA message's receipt")
    assert await states(stack["tracking"]) == [("zalo", "cs", "sent"), ("zalo", "cs", "delivered")]


async def test_a_cs_message_that_never_reaches_the_phone_falls_back_to_the_consented_sms(stack, store, oa_receipts):
    stack["zalo"].unreceived.add("u1")
    await store.subscribe(CODE, "zalo", "u1")
    await store.apply(change("e1", "dang_xu_ly", appointment_date="2025-03-20", notify_channels=["zalo", "sms"]))
    await until(lambda: stack["sms"].texts(PHONE), what="the SMS fallback after the receipt deadline")
    history = await states(stack["tracking"])
    assert history[:3] == [("zalo", "cs", "sent"), ("zalo", "cs", "failed"), ("zalo", "", "fallback")]
    assert len(stack["zalo"].messages("u1")) == 1  # never twice on the same channel
