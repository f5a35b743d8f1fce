"""Message kinds and severities are checked by the store like every other state, on both
backends, and migration 0005 adds (and its downgrade removes) those checks over rows in use."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from store.db import HEAD_REVISION, current_revision, make_engine, migrate, session_scope
from store.models import Alert, OutboxMessage
from store.states import MessageKind, Severity
from tests.store.test_models import seed
from tests.store.test_upgrades import upgrade_to


def _seeded(engine: Engine) -> int:
    """The seeded store's message id."""
    with session_scope(engine) as s:
        return seed(s)["message"]


def _like(engine: Engine, message_id: int, n: int, kind: str, severity: str) -> None:
    """Another message like the seeded one, with this kind and severity."""
    with session_scope(engine) as s:
        base = s.get(OutboxMessage, message_id)
        assert base is not None
        changed = {"sequence": n, "kind": kind, "severity": severity}
        s.add(OutboxMessage(**base.model_dump(exclude={"id"}) | changed))


def _alert_like(engine: Engine, message_id: int, severity: str) -> None:
    with session_scope(engine) as s:
        base = s.get(Alert, s.get(OutboxMessage, message_id).alert_id)  # type: ignore[union-attr]
        assert base is not None
        changed = {"period_start": base.period_start + timedelta(days=7), "severity": severity}
        s.add(Alert(**base.model_dump(exclude={"id"}) | changed))


def test_every_kind_and_severity_is_stored_and_nothing_else(engine: Engine) -> None:
    message = _seeded(engine)
    pairs = [(k, v) for k in MessageKind for v in Severity]
    for n, (kind, severity) in enumerate(pairs, start=2):
        _like(engine, message, n, kind, severity)
    with session_scope(engine) as s:
        stored = {(m.kind, m.severity) for m in s.exec(select(OutboxMessage))}
    assert stored == {(k.value, v.value) for k, v in pairs}
    with pytest.raises(IntegrityError):
        _like(engine, message, 99, "shout", Severity.INFO)
    with pytest.raises(IntegrityError):
        _like(engine, message, 99, MessageKind.FIRING, "loud")
    with pytest.raises(IntegrityError):
        _alert_like(engine, message, "loud")
    _alert_like(engine, message, Severity.CRITICAL)


def test_migration_0005_adds_the_checks_and_its_downgrade_removes_them(db_url: str) -> None:
    engine = make_engine(db_url)
    # seeded at head (the seed writes through today's models), then taken down to 0004
    migrate(engine)
    message = _seeded(engine)  # an alert with a message and a delivery: kept through it all
    upgrade_to(engine, "0004", verb="downgrade")
    migrate(engine)
    assert current_revision(engine) == HEAD_REVISION  # 0005 and any later
    with pytest.raises(IntegrityError):
        _like(engine, message, 2, "shout", Severity.INFO)
    upgrade_to(engine, "0004", verb="downgrade")
    _like(engine, message, 3, "shout", "loud")  # unchecked again at 0004
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM outbox_message WHERE kind = 'shout'"))
    migrate(engine)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT kind, severity FROM outbox_message")).all()
        assert [tuple(r) for r in rows] == [("firing", "info")]
        assert conn.execute(text("SELECT count(*) FROM delivery_attempt")).scalar() == 1
    engine.dispose()
