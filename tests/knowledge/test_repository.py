"""The knowledge repository in the running servers: snapshots swapped in by a background reload."""

import threading
import time

import yaml

from bot.knowledge.repository import KnowledgeRepository
from tests.knowledge.factories import procedure_data


def _write(root, fee):
    data = procedure_data("dang-ky-xe", "Đăng ký xe", ["đăng ký xe máy", "dk xe"])
    data["fee"] = {"items": [{"amount": fee}]}
    (root / "procedures").mkdir(parents=True, exist_ok=True)
    (root / "procedures" / "dang-ky-xe.yml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")


def _fee(live):
    return live.base.procedures["dang-ky-xe"].fee.items[0].amount


def test_a_change_is_swapped_in_by_the_background_reload_without_the_caller_waiting(tmp_path):
    _write(tmp_path, 135000)
    repository = KnowledgeRepository(tmp_path, reload_seconds=0, background=True)
    first = repository.current()
    assert _fee(first) == 135000

    gate = threading.Event()
    real_refresh = repository._refresh

    def slow_refresh(now):
        gate.wait(10)  # the reload is stuck (slow Redis, a big rebuild)
        return real_refresh(now)

    repository._refresh = slow_refresh
    _write(tmp_path, 150000)
    time.sleep(0.01)  # a new modification time
    during = repository.current()
    assert during is first  # answered at once with the snapshot in use, not blocked by the reload
    gate.set()
    deadline = time.monotonic() + 10
    while _fee(repository.current()) != 150000:
        assert time.monotonic() < deadline, "the new snapshot was never swapped in"
        time.sleep(0.05)
    assert _fee(first) == 135000  # a snapshot taken for a turn never changes under it


def test_a_failing_background_reload_keeps_the_loaded_knowledge(tmp_path, caplog):
    _write(tmp_path, 135000)
    repository = KnowledgeRepository(tmp_path, reload_seconds=0, background=True)
    first = repository.current()

    def broken(now):
        raise RuntimeError("bug in the reload")

    repository._refresh = broken
    assert repository.current() is first
    deadline = time.monotonic() + 5
    while "background reload failed" not in caplog.text:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert repository.current() is first
