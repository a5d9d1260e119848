"""The Redis knowledge store: drafts validated by the loader's rules, versions, rollback, audit, and
the live repository switching between the YAML files and the published version."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from bot.knowledge import store as kb
from bot.knowledge.repository import KnowledgeRepository
from bot.knowledge.store import KnowledgeStore, PublishError, read_yaml_dir
from tests.admin.helpers import STORE_DB
from tests.conftest import redis_url_for

FEE_ID = "cap-doi-giay-phep-lai-xe"


def _with_fee(data: dict, amount) -> dict:
    data = copy.deepcopy(data)
    data["fee"]["items"][0]["amount"] = amount
    return data


def test_seed_is_the_yaml_files_until_something_is_published(store: KnowledgeStore) -> None:
    assert store.published_version() is None
    published = store.published()
    assert set(published["procedures"]) == {FEE_ID, "dang-ky-khai-sinh"}
    assert published["procedures"][FEE_ID]["fee"]["items"][0]["amount"] == 135000
    assert published["faq"]["vneid-muc-2"]["procedure"] == "dang-ky-khai-sinh"


def test_a_draft_is_checked_with_the_validate_rules(store: KnowledgeStore) -> None:
    data = _with_fee(store.item("procedures", FEE_ID), -5)
    data["aliases"] = ["xe"]
    parsed, problems = store.save_draft("procedures", data, "lan")
    assert parsed is None
    messages = " | ".join(p.message for p in problems)
    assert "fee.items.0.amount" in messages and "greater than or equal to 0" in messages
    assert "aliases" in messages  # at least 2, and "xe" is too short
    assert all(p.path == f"knowledge/procedures/{FEE_ID}.yml" and p.line >= 1 for p in problems)
    assert store.drafts() == {}


def test_a_faq_must_point_to_an_existing_procedure(store: KnowledgeStore) -> None:
    faq = dict(store.item("faq", "vneid-muc-2"), procedure="khong-co-thu-tuc-nay")
    parsed, problems = store.save_draft("faq", faq, "binh")
    assert parsed is None and "does not exist" in problems[0].message


def test_publish_keeps_every_version_and_rollback_restores(store: KnowledgeStore) -> None:
    parsed, problems = store.save_draft("procedures", _with_fee(store.item("procedures", FEE_ID), 150000), "binh")
    assert problems == [] and parsed["fee"]["items"][0]["amount"] == 150000
    assert list(store.drafts()) == [f"procedures/{FEE_ID}"]
    assert store.working()["procedures"][FEE_ID]["fee"]["items"][0]["amount"] == 150000
    assert store.published()["procedures"][FEE_ID]["fee"]["items"][0]["amount"] == 135000

    version = store.publish("lan", "lệ phí mới")
    assert version == 2  # version 1 is the YAML seed, kept so that it can be restored
    assert store.published_version() == 2 and store.drafts() == {}
    history = store.history()
    assert [v["n"] for v in history] == [2, 1]
    assert history[0]["by"] == "lan" and history[0]["message"] == "lệ phí mới"
    assert history[0]["changes"] == {"added": [], "changed": [f"procedures/{FEE_ID}"], "removed": []}
    assert store.published()["procedures"][FEE_ID]["fee"]["items"][0]["amount"] == 150000

    restored = store.rollback(1, "lan")
    assert restored == 3 and store.version_meta(3)["rollback_of"] == 1
    assert store.published()["procedures"][FEE_ID]["fee"]["items"][0]["amount"] == 135000
    actions = [e["action"] for e in store.audit_log()]
    assert actions[:4] == ["rollback", "published", "seeded", "draft_saved"]


def test_nothing_to_publish_and_invalid_drafts_are_refused(store: KnowledgeStore) -> None:
    with pytest.raises(PublishError):
        store.publish("lan")
    store.save_draft("faq", dict(store.item("faq", "vneid-muc-2"), answer="Một câu trả lời đủ dài."), "binh")
    store.delete_item("procedures", "dang-ky-khai-sinh", "binh")  # still used by the FAQ
    with pytest.raises(PublishError) as error:
        store.publish("lan")
    assert "does not exist" in str(error.value.problems[0])
    assert store.published_version() is None


def test_deleting_and_adding_items(store: KnowledgeStore) -> None:
    new = copy.deepcopy(store.item("procedures", "dang-ky-khai-sinh"))
    new.update(id="dang-ky-khai-tu", name="Đăng ký khai tử", aliases=["làm giấy chứng tử", "khai tử cho người mất"])
    assert store.save_draft("procedures", new, "binh")[1] == []
    store.delete_item("faq", "vneid-muc-2", "binh")
    store.publish("lan")
    published = store.published()
    assert "dang-ky-khai-tu" in published["procedures"] and "vneid-muc-2" not in published["faq"]
    assert store.history()[0]["changes"] == {"added": ["procedures/dang-ky-khai-tu"], "changed": [], "removed": ["faq/vneid-muc-2"]}


def test_the_repository_follows_the_published_version(store: KnowledgeStore, kb_dir: Path) -> None:
    repository = KnowledgeRepository(kb_dir, reload_seconds=0, redis_url=redis_url_for(STORE_DB))
    fee = lambda: repository.current().base.procedures[FEE_ID].fee.items[0].amount  # noqa: E731
    assert fee() == 135000  # nothing published: the YAML files
    store.save_draft("procedures", _with_fee(store.item("procedures", FEE_ID), 150000), "binh")
    assert fee() == 135000  # a draft is not live
    store.publish("lan")
    assert fee() == 150000
    assert repository.current().base.version.startswith("v2-")
    store.rollback(1, "lan")
    assert fee() == 135000
    # the matcher and the FAQ index are rebuilt from the published knowledge too
    assert repository.current().matcher.match("đổi bằng lái xe hết bao nhiêu tiền").best == FEE_ID
    for key in store.redis.keys("kb:*"):
        store.redis.delete(key)
    # nothing published any more (keys removed): back to the YAML files
    assert fee() == 135000 and not repository.current().base.version.startswith("v")


def test_the_repository_keeps_its_knowledge_when_redis_is_unreachable(kb_dir: Path) -> None:
    repository = KnowledgeRepository(kb_dir, reload_seconds=0, redis_url="redis://127.0.0.1:1/0")
    assert FEE_ID in repository.current().base.procedures  # falls back to the files
    assert FEE_ID in repository.current().base.procedures


def test_export_to_yaml_files_validates(store: KnowledgeStore, tmp_path: Path) -> None:
    store.save_draft("procedures", _with_fee(store.item("procedures", FEE_ID), 150000), "binh")
    store.publish("lan")
    out = tmp_path / "exported"
    kb.write_yaml_dir(store.published(), out)
    snapshot, problems = read_yaml_dir(out)
    assert problems == [] and snapshot == store.published()
    text = (out / "procedures" / f"{FEE_ID}.yml").read_text(encoding="utf-8")
    assert "amount: 150000" in text and "verified_on: 2026-11-24" in text and "Cấp đổi" in text


def test_a_broken_file_keeps_its_last_good_version(kb_dir: Path) -> None:
    repository = KnowledgeRepository(kb_dir, reload_seconds=0)
    assert FEE_ID in repository.current().base.procedures
    path = kb_dir / "procedures" / f"{FEE_ID}.yml"
    path.write_text("id: cap-doi-giay-phep-lai-xe\nfee: [broken\n", encoding="utf-8")
    assert repository.current().base.procedures[FEE_ID].fee.items[0].amount == 135000
    path.unlink()  # a deleted file is gone, not kept
    assert FEE_ID not in repository.current().base.procedures
