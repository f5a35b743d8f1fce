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
    with session_scope(engine) as s:
        lifecycle.change(s, item, to, actor="ploy", reason="why not", override="checked by hand")
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
    assert "changed by ploy at" in message and "it is approved, version 2" in message
    assert "you had version 1" in message
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


def test_only_the_lifecycle_assigns_an_items_state() -> None:
    """Nothing in localize/ but lifecycle.py writes `.state = ...` or `state=` into an update."""
    offenders = []
    for path in sorted((ROOT / "localize").rglob("*.py")):
        if path.name == "lifecycle.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
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
