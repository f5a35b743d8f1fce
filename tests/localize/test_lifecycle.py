"""The item lifecycle: allowed changes only, a stale version loses, every change audited,
errors block approval unless overridden with a reason."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from localize import lifecycle
from store.db import session_scope
from store.models import AuditEvent, ItemState, Listing, LocalizationItem, Shop

ROOT = Path(__file__).resolve().parents[2]
ERROR = {"code": "numbers", "severity": "error", "message": "title: number 500 is missing"}
WARN = {"code": "identical", "severity": "warning", "message": "caption: equals the source"}


def make_item(engine: Engine, state: ItemState = ItemState.PENDING, **values) -> LocalizationItem:  # type: ignore[no-untyped-def]
    """A stored item in `state` (set directly: this is the test's fixture, not a change)."""
    with session_scope(engine) as s:
        if s.get(Shop, "acme-th") is None:
            s.add(Shop(id="acme-th", market="TH", timezone="Asia/Bangkok"))
            s.flush()
        n = len(s.exec(select(Listing)).all())
        listing = Listing(shop_id="acme-th", product_id=f"p{n}", title="保温杯", source_hash="h")
        s.add(listing)
        s.flush()
        item = LocalizationItem(
            listing_id=listing.id,
            shop_id="acme-th",
            language="th",
            source_hash="h",
            state=state,
            **values,
        )
        s.add(item)
    return item


def audits(engine: Engine, item_id: int) -> list[AuditEvent]:
    with session_scope(engine) as s:
        return list(
            s.exec(
                select(AuditEvent)
                .where(AuditEvent.entity_id == str(item_id))
                .order_by(AuditEvent.id)  # type: ignore[arg-type]
            )
        )


def stored(engine: Engine, item_id: int) -> LocalizationItem:
    with session_scope(engine) as s:
        item = s.get(LocalizationItem, item_id)
        assert item is not None
        return item


ALLOWED = [(a, b) for a, targets in lifecycle.TRANSITIONS.items() for b in sorted(targets)]
FORBIDDEN = [(a, b) for a in ItemState for b in ItemState if b not in lifecycle.TRANSITIONS[a]]


@pytest.mark.parametrize(("start", "to"), ALLOWED, ids=[f"{a}->{b}" for a, b in ALLOWED])
def test_every_allowed_change_bumps_the_version_and_is_audited(
    engine: Engine, start: ItemState, to: ItemState
) -> None:
    item = make_item(engine, start, title="ชื่อ")
    # staying in a state changes something, or it is no change at all (tested below)
    something = {"error": "again"} if to is start else {}
    with session_scope(engine) as s:
        lifecycle.change(
            s, item, to, actor="ploy", reason="why not", override="checked by hand", **something
        )
    assert (item.state, item.version) == (to, 2)
    row = stored(engine, item.id)
    assert (row.state, row.version) == (to, 2)
    [event] = audits(engine, item.id)
    assert event.actor == "ploy" and event.shop_id == "acme-th"
    assert event.action == (to.value if to != start else "edit")
    assert event.detail["from"] == start.value and event.detail["to"] == to.value
    assert event.detail["reason"] == "why not"


@pytest.mark.parametrize(("start", "to"), FORBIDDEN, ids=[f"{a}->{b}" for a, b in FORBIDDEN])
def test_a_forbidden_change_writes_nothing(engine: Engine, start: ItemState, to: ItemState) -> None:
    item = make_item(engine, start)
    with pytest.raises(lifecycle.IllegalTransition, match=f"is {start.value}; it cannot become"):
        with session_scope(engine) as s:
            lifecycle.change(s, item, to, actor="ploy")
    assert (stored(engine, item.id).state, stored(engine, item.id).version) == (start, 1)
    assert audits(engine, item.id) == []


def test_a_stale_version_loses_and_is_told_who_won(engine: Engine) -> None:
    first = make_item(engine, ItemState.TRANSLATED, title="แก้วเก็บความร้อน")
    second = stored(engine, first.id)  # a second reviewer read the same version
    with session_scope(engine) as s:
        lifecycle.change(s, first, ItemState.APPROVED, actor="ploy")
    with pytest.raises(lifecycle.ItemChanged) as lost:
        with session_scope(engine) as s:
            lifecycle.change(s, second, ItemState.REJECTED, actor="nok", reason="tone")
    message = lost.value.message
    # versions as a reviewer counts them: an approval does not change the text
    assert "changed by ploy at" in message and "it is approved, version 0)" in message
    row = stored(engine, first.id)
    assert (row.state, row.version) == (ItemState.APPROVED, 2)
    assert [e.actor for e in audits(engine, first.id)] == ["ploy"]


def test_a_stale_version_loses_even_within_one_session(engine: Engine) -> None:
    item = make_item(engine, ItemState.TRANSLATED)
    copy = stored(engine, item.id)
    with session_scope(engine) as s:
        lifecycle.change(s, item, ItemState.TRANSLATED, actor="run", caption="ใหม่")
        with pytest.raises(lifecycle.ItemChanged):
            lifecycle.change(s, copy, ItemState.TRANSLATED, actor="run", caption="เก่า")
    assert stored(engine, item.id).caption == "ใหม่"


def test_errors_block_approval_until_overridden_with_a_reason(engine: Engine) -> None:
    item = make_item(engine, ItemState.TRANSLATED, findings=[ERROR, WARN])
    for override in (None, "  "):
        with pytest.raises(lifecycle.ApprovalBlocked, match="1 error.*numbers"):
            with session_scope(engine) as s:
                lifecycle.change(s, item, ItemState.APPROVED, actor="ploy", override=override)
    assert stored(engine, item.id).state == ItemState.TRANSLATED
    with session_scope(engine) as s:
        lifecycle.change(
            s, item, ItemState.APPROVED, actor="ploy", override="500 ml is printed on the cup"
        )
    row = stored(engine, item.id)
    assert row.state == ItemState.APPROVED
    assert lifecycle.open_errors(row.findings) == []
    marked = [f for f in row.findings if f["severity"] == "error"]
    assert marked[0]["overridden_by"] == "ploy"
    assert marked[0]["override_reason"] == "500 ml is printed on the cup"
    assert audits(engine, item.id)[-1].detail["override"] == "500 ml is printed on the cup"


def test_an_edit_that_clears_the_errors_needs_no_override(engine: Engine) -> None:
    item = make_item(engine, ItemState.TRANSLATED, title="ชื่อ", findings=[ERROR])
    with session_scope(engine) as s:
        lifecycle.change(s, item, ItemState.APPROVED, actor="ploy", title="ชื่อ 500", findings=[WARN])
    [event] = audits(engine, item.id)
    assert event.detail["text"] == {"title": {"before": "ชื่อ", "after": "ชื่อ 500"}}


CHINESE_TITLE = {
    "code": "chinese_left",
    "severity": "error",
    "message": "title: Chinese left untranslated: “保温杯”",
}


def test_chinese_left_in_a_title_cannot_be_overridden(engine: Engine) -> None:
    item = make_item(engine, ItemState.TRANSLATED, findings=[CHINESE_TITLE, ERROR])
    with pytest.raises(lifecycle.CannotOverride, match="chinese_left.*would only be blocked"):
        with session_scope(engine) as s:
            lifecycle.change(s, item, ItemState.APPROVED, actor="ploy", override="brand")
    assert (stored(engine, item.id).state, audits(engine, item.id)) == (ItemState.TRANSLATED, [])
    caption = {**CHINESE_TITLE, "severity": "warning", "message": "caption: Chinese left"}
    other = make_item(engine, ItemState.TRANSLATED, findings=[caption, ERROR])
    with session_scope(engine) as s:  # a warning, and errors preflight does not refuse
        lifecycle.change(s, other, ItemState.APPROVED, actor="ploy", override="brand")
    assert stored(engine, other.id).state == ItemState.APPROVED


def test_a_new_caption_drops_the_images_drawn_with_the_old_one(engine: Engine) -> None:
    item = make_item(engine, ItemState.TRANSLATED, caption="เก่า", images=["a.jpg", "out/2.jpg"])
    with session_scope(engine) as s:
        lifecycle.change(s, item, ItemState.TRANSLATED, actor="run", caption="เก่า", title="x")
    assert stored(engine, item.id).images == ["a.jpg", "out/2.jpg"]  # same caption: kept
    with session_scope(engine) as s:
        lifecycle.change(s, item, ItemState.TRANSLATED, actor="ploy", caption="ใหม่")
    assert stored(engine, item.id).images == []
    assert "dropped" in audits(engine, item.id)[-1].detail["images"]
    with session_scope(engine) as s:  # drawn again: the new images come with the change
        lifecycle.change(s, item, ItemState.TRANSLATED, actor="run", images=["a.jpg", "n/2.jpg"])
    assert stored(engine, item.id).images == ["a.jpg", "n/2.jpg"]


def test_going_stale_keeps_the_source_it_was_translated_from(engine: Engine) -> None:
    item = make_item(engine, ItemState.APPROVED)
    with session_scope(engine) as s:
        lifecycle.change(s, item, ItemState.STALE, actor="import", reason="the source changed")
        listing = s.get(Listing, item.listing_id)
        assert listing is not None
        listing.title = "新标题"  # written after the items went stale, as the import does
        s.add(listing)
    [event] = audits(engine, item.id)
    assert event.detail["source"] == {"title": "保温杯", "description": "", "caption": ""}
    with session_scope(engine) as s:
        assert lifecycle.source_before(s, stored(engine, item.id)) == event.detail["source"]


def test_the_queue_serves_translated_and_blocked_items_nobody_else_holds(engine: Engine) -> None:
    from datetime import UTC, datetime, timedelta

    now = datetime(2026, 12, 1, 9, tzinfo=UTC)
    kinds = [ItemState.TRANSLATED, ItemState.BLOCKED, ItemState.REJECTED, ItemState.TRANSLATED]
    items = [make_item(engine, state) for state in kinds]
    with session_scope(engine) as s:
        assert lifecycle.claim(s, items[3].id, holder="nok", until=now + timedelta(1), now=now)
        served = lifecycle.with_listings(
            s, shop_id=None, states=lifecycle.TO_DECIDE, free_for="ploy", now=now
        )
        assert [i.id for i, _ in served] == [items[0].id, items[1].id]
        assert lifecycle.place(s, items[1]) == (2, 3)
        later = now + timedelta(days=2)  # nok's claim ran out
        served = lifecycle.with_listings(
            s, shop_id="acme-th", states=lifecycle.TO_DECIDE, free_for="ploy", now=later
        )
        assert [i.id for i, _ in served] == [items[0].id, items[1].id, items[3].id]


def test_only_the_lifecycle_assigns_an_items_state() -> None:
    """Nothing in any package but localize/lifecycle.py writes an item's `.state = ...` or
    `state=` into a LocalizationItem or an update. Every module of localize/ is held to it,
    and every module elsewhere that touches LocalizationItem (the others have states of
    their own: alerts, outbox messages); tests and migrations set up rows as they please."""
    offenders = []
    packages = [p for p in ROOT.iterdir() if (p / "__init__.py").is_file() and p.name != "tests"]
    assert {"localize", "cadence", "store", "config"} <= {p.name for p in packages}
    for path in sorted(f for p in packages for f in p.rglob("*.py")):
        if path == ROOT / "localize" / "lifecycle.py" or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        names |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
        if path.parts[len(ROOT.parts)] != "localize" and "LocalizationItem" not in names:
            continue
        for node in ast.walk(tree):
            targets = node.targets if isinstance(node, ast.Assign) else []
            if isinstance(node, (ast.AugAssign, ast.AnnAssign)):
                targets = [node.target]
            for t in targets:
                if isinstance(t, ast.Attribute) and t.attr in ("state", "version"):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            if isinstance(node, ast.Call) and _writes_rows(node.func):
                for kw in node.keywords:
                    if kw.arg == "state":
                        offenders.append(f"{path.relative_to(ROOT)}:{kw.value.lineno}")
    assert offenders == []


def _writes_rows(func: ast.expr) -> bool:
    """A call that makes or updates an item row: LocalizationItem(...), .values(...)."""
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name in ("LocalizationItem", "values", "update")


def _while_held(first_writer, second_writer) -> list[BaseException]:  # type: ignore[no-untyped-def]
    """Run `second_writer` in a thread while `first_writer`'s transaction is still open (as
    two `localize run` do at once), then let the first commit; what either raised."""
    import threading

    errors: list[BaseException] = []

    def second() -> None:
        try:
            second_writer()
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            errors.append(exc)

    thread = threading.Thread(target=second)
    try:
        first_writer(lambda: (thread.start(), thread.join(1.0)))
    except BaseException as exc:  # noqa: BLE001 - handed to the test
        errors.append(exc)
    thread.join(30)
    return errors


def test_two_runs_creating_the_same_items_at_once_both_succeed(engine: Engine) -> None:
    make_item(engine)  # the shop, and a listing that has its Thai item
    with session_scope(engine) as s:
        s.add(Listing(shop_id="acme-th", product_id="p9", title="水杯", source_hash="h9"))

    def first(meanwhile) -> None:  # type: ignore[no-untyped-def]
        with session_scope(engine) as s:
            lifecycle.create_missing(s, shop_id="acme-th", languages=["th", "ms"])
            meanwhile()  # the other run creates the same items, and commits if it can

    def second() -> None:
        with session_scope(engine) as s:
            lifecycle.create_missing(s, shop_id="acme-th", languages=["th", "ms"])

    assert _while_held(first, second) == []
    with session_scope(engine) as s:
        made = [(i.listing_id, i.language) for i in s.exec(select(LocalizationItem))]
    assert len(made) == len(set(made)) == 4  # each once


def test_two_runs_remembering_the_same_translation_at_once_both_succeed(engine: Engine) -> None:
    from localize.text import memory
    from store.models import TranslationMemory

    def remember(s, target: str) -> None:  # type: ignore[no-untyped-def]
        memory.remember(
            s,
            scope="acme-th",
            source_lang="zh-CN",
            target_lang="th",
            source="保温杯",
            target=target,
            quality="machine",
            origin="libre",
        )

    def first(meanwhile) -> None:  # type: ignore[no-untyped-def]
        with session_scope(engine) as s:
            remember(s, "แก้วเก็บความร้อน")
            meanwhile()

    def second() -> None:
        with session_scope(engine) as s:
            remember(s, "กระติกน้ำ")

    assert _while_held(first, second) == []
    with session_scope(engine) as s:
        [row] = s.exec(select(TranslationMemory)).all()
    assert row.target_text in ("แก้วเก็บความร้อน", "กระติกน้ำ")


def test_staying_in_a_state_with_nothing_different_writes_nothing(engine: Engine) -> None:
    item = make_item(engine, ItemState.TRANSLATED, title="ชื่อ", images=["a.jpg"])
    with session_scope(engine) as s:
        lifecycle.change(s, item, ItemState.TRANSLATED, actor="localize run", images=["a.jpg"])
    assert (stored(engine, item.id).version, audits(engine, item.id)) == (1, [])
    stale = stored(engine, item.id)
    with session_scope(engine) as s:  # someone else moves it on
        lifecycle.change(s, item, ItemState.APPROVED, actor="ploy")
    with pytest.raises(lifecycle.ItemChanged):  # a reader of the old version still loses
        with session_scope(engine) as s:
            lifecycle.change(s, stale, ItemState.TRANSLATED, actor="localize run")


def test_the_version_a_reviewer_sees_starts_at_1_and_moves_with_the_text(engine: Engine) -> None:
    item = make_item(engine, ItemState.PENDING)
    seen = []
    steps = [
        (ItemState.TRANSLATED, "localize run", {"title": "ชื่อ", "caption": "ส่งฟรี"}),
        (ItemState.TRANSLATED, "localize run", {"images": ["1-a.jpg"]}),  # drawn: same text
        (ItemState.TRANSLATED, "ploy", {"title": "ชื่อใหม่"}),  # edited
        (ItemState.TRANSLATED, "localize run", {"images": ["1-b.jpg"]}),
        (ItemState.APPROVED, "ploy", {}),
    ]
    for to, actor, fields in steps:
        with session_scope(engine) as s:
            lifecycle.change(s, item, to, actor=actor, **fields)
        seen.append(item.revision)
    assert seen == [1, 1, 2, 2, 2]
    assert stored(engine, item.id).version == 6  # the lock moved with every change
    with session_scope(engine) as s:
        past = lifecycle.moved_past(s, item.id, 1)
    assert past is not None and (past.actor, past.what) == ("ploy", "title changed")
    assert past.revision == 2 and past.state == "approved"


def test_a_refusal_for_chinese_left_on_an_image_names_the_region_option() -> None:
    # trial-adv2 (3): the image_text refusal said "edit the text" and nothing of --region,
    # the one option that edits the text on an image
    findings = [
        {"code": "image_text", "severity": "error", "image": 2, "message": "image 2: 0 of 1"},
    ]
    said = str(lifecycle.ApprovalBlocked(7, lifecycle.open_errors(findings)))
    assert "--region N=TEXT" in said and "localize review show 7" in said, said
    words = [{"code": "numbers", "severity": "error", "field": "title", "message": "12 -> 13"}]
    assert "--region" not in str(lifecycle.ApprovalBlocked(7, lifecycle.open_errors(words)))
