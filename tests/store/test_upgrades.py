"""A store in use upgrades: every migration runs over rows that other rows point at, on
both backends (SQLite rebuilds such tables; its foreign keys must not stop that)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text
from sqlmodel import select

import store.db
from store.db import HEAD_REVISION, current_revision, make_engine, migrate, session_scope
from store.models import Alert, DeliveryAttempt, OutboxMessage, Shop

T0 = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)


def upgrade_to(engine: Engine, revision: str, *, verb: str = "upgrade") -> None:
    """Alembic's upgrade (or downgrade) to one revision, the way `migrate` runs it."""
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(store.db.__file__).parent / "migrations"))
    with engine.connect() as conn, store.db._keys_checked_at_commit(conn), conn.begin():
        cfg.attributes["connection"] = conn
        getattr(command, verb)(cfg, revision)


def seed(engine: Engine) -> None:
    """A shop with an alert, its message and a delivery attempt: rows pointing at rows."""
    with session_scope(engine) as s:
        s.add(Shop(id="acme-th", market="TH", timezone="Asia/Bangkok"))
        s.flush()
        alert = Alert(
            shop_id="acme-th",
            period_start=date(2026, 11, 23),
            rule="behind",
            severity="warning",
            opened_at=T0,
        )
        s.add(alert)
        s.flush()
        message = OutboxMessage(
            shop_id="acme-th",
            alert_id=alert.id,
            dedup_key="k",
            sequence=1,
            kind="firing",
            severity="warning",
            title="t",
            body="b",
            created_at=T0,
            next_attempt_at=T0,
        )
        s.add(message)
        s.flush()
        assert message.id is not None
        s.add(DeliveryAttempt(message_id=message.id, at=T0, target="json://h", ok=True))


def test_a_store_with_alerts_and_deliveries_upgrades_to_head(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade_to(engine, "0002")
    seed(engine)
    migrate(engine)
    assert current_revision(engine) == HEAD_REVISION
    with session_scope(engine) as s:
        [message] = s.exec(select(OutboxMessage)).all()
        assert s.get(Alert, message.alert_id) is not None
        [attempt] = s.exec(select(DeliveryAttempt)).all()
        assert attempt.message_id == message.id
    if engine.dialect.name == "sqlite":  # the migration's connections check keys again
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
    engine.dispose()
