"""Message kinds and severities are checked by the store like every other state, on both
backends, and migration 0005 adds (and its downgrade removes) those checks over rows in use."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from store.db import HEAD_REVISION, current_revision, make_engine, migrate, session_scope
from store.models import Alert, OutboxMessage, Shop
from store.states import MessageKind, Severity
from tests.store.test_upgrades import seed, upgrade_to

T0 = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)


def _alert(engine: Engine, severity: str = Severity.WARNING) -> int:
    with session_scope(engine) as s:
        if s.get(Shop, "acme-th") is None:
            s.add(Shop(id="acme-th", market="TH", timezone="Asia/Bangkok"))
            s.flush()
        alert = Alert(
            shop_id="acme-th",
            period_start=date(2026, 11, 30),
            rule="behind",
            severity=severity,
            opened_at=T0,
        )
        s.add(alert)
        s.flush()
        assert alert.id is not None
        return alert.id


def _message(engine: Engine, alert_id: int, n: int, kind: str, severity: str) -> None:
    with session_scope(engine) as s:
        s.add(
            OutboxMessage(
                shop_id="acme-th",
                alert_id=alert_id,
                dedup_key="k2",
                sequence=n,
                kind=kind,
                severity=severity,
                title="t",
                body="b",
                created_at=T0,
                next_attempt_at=T0,
            )
        )


def test_every_kind_and_severity_is_stored_and_nothing_else(engine: Engine) -> None:
    alert = _alert(engine)
    pairs = [(k, v) for k in MessageKind for v in Severity]
    for n, (kind, severity) in enumerate(pairs, start=1):
        _message(engine, alert, n, kind, severity)
    with session_scope(engine) as s:
        stored = {(m.kind, m.severity) for m in s.exec(select(OutboxMessage))}
    assert stored == {(k.value, v.value) for k, v in pairs}
    with pytest.raises(IntegrityError):
        _message(engine, alert, 99, "shout", Severity.INFO)
    with pytest.raises(IntegrityError):
        _message(engine, alert, 99, MessageKind.FIRING, "loud")
    with pytest.raises(IntegrityError):
        _alert(engine, severity="loud")


def test_migration_0005_adds_the_checks_and_its_downgrade_removes_them(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade_to(engine, "0004")
    seed(engine)  # an alert with a message and a delivery: kept through it all
    alert = _alert(engine)
    migrate(engine)
    assert current_revision(engine) == HEAD_REVISION == "0005"
    with pytest.raises(IntegrityError):
        _message(engine, alert, 2, "shout", Severity.INFO)
    upgrade_to(engine, "0004", verb="downgrade")
    _message(engine, alert, 3, "shout", "loud")  # unchecked again at 0004
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM outbox_message WHERE kind = 'shout'"))
    migrate(engine)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT kind, severity FROM outbox_message")).all()
        assert [tuple(r) for r in rows] == [("firing", "warning")]
        assert conn.execute(text("SELECT count(*) FROM delivery_attempt")).scalar() == 1
    engine.dispose()
