"""A store in use upgrades: every migration runs over rows that other rows point at, on
both backends (SQLite rebuilds such tables; its foreign keys must not stop that)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text
from sqlmodel import select

import store.db
from store.db import HEAD_REVISION, current_revision, make_engine, migrate, session_scope
from store.models import Alert, DeliveryAttempt, LocalizationItem, OutboxMessage, ReviewDecision
from tests.store.test_models import seed


def upgrade_to(engine: Engine, revision: str, *, verb: str = "upgrade") -> None:
    """Alembic's upgrade (or downgrade) to one revision, the way `migrate` runs it."""
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(store.db.__file__).parent / "migrations"))
    with engine.connect() as conn, store.db._keys_checked_at_commit(conn), conn.begin():
        cfg.attributes["connection"] = conn
        getattr(command, verb)(cfg, revision)


def test_a_store_in_use_upgrades_to_head_with_every_row_intact(db_url: str) -> None:
    engine = make_engine(db_url)
    # The seed writes through today's models, so it is written at head and taken down to
    # the oldest store in use: every migration then runs down and up over its rows.
    migrate(engine)
    with session_scope(engine) as s:
        ids = seed(s)  # alerts with messages and deliveries, items with decisions, ...
    upgrade_to(engine, "0002", verb="downgrade")
    assert current_revision(engine) == "0002"
    migrate(engine)
    assert current_revision(engine) == HEAD_REVISION
    with session_scope(engine) as s:
        message = s.get(OutboxMessage, ids["message"])
        assert message is not None and s.get(Alert, message.alert_id) is not None
        [attempt] = s.exec(select(DeliveryAttempt)).all()
        assert attempt.message_id == message.id
        assert s.get(LocalizationItem, ids["item"]) is not None
        assert [d.item_id for d in s.exec(select(ReviewDecision))] == [ids["item"]]
    if engine.dialect.name == "sqlite":  # keys are enforced again, and hold
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
    engine.dispose()


def test_remote_refs_are_kept_whole_after_0007_and_down_again(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate(engine)  # seeded at head (the seed writes through today's models), then down
    with session_scope(engine) as s:
        ids = seed(s)
    upgrade_to(engine, "0006", verb="downgrade")
    insert = (
        "INSERT INTO publish_record (item_id, shop_id, kind, content_hash, state, remote_ref, "
        "detail, attempts, at) VALUES (:item, 'acme-th', 'tiktok', :hash, 'published', :ref, "
        "'image:1', 1, '2026-12-05 10:00:00')"
    )
    with engine.begin() as conn:
        conn.execute(text(insert), {"item": ids["item"], "hash": "a" * 64, "ref": "tos-img/1"})
    migrate(engine)
    long_ref = "tos-alisg-i-" + "x" * 600
    with engine.begin() as conn:
        conn.execute(text(insert), {"item": ids["item"], "hash": "b" * 64, "ref": long_ref})
        refs = conn.execute(
            text("SELECT remote_ref FROM publish_record WHERE detail = 'image:1' ORDER BY id")
        ).scalars()
        assert list(refs) == ["tos-img/1", long_ref]
    upgrade_to(engine, "0006", verb="downgrade")
    with engine.connect() as conn:
        refs = conn.execute(
            text("SELECT remote_ref FROM publish_record WHERE detail = 'image:1' ORDER BY id")
        ).scalars()
        assert list(refs) == ["tos-img/1", long_ref[:200]]
    engine.dispose()


def test_0008_tells_alerts_apart_by_subject_and_down_again(db_url: str) -> None:
    import pytest
    from sqlalchemy.exc import IntegrityError

    engine = make_engine(db_url)
    migrate(engine)  # seeded at head (the seed writes through today's models), then down
    with session_scope(engine) as s:
        seed(s)  # a behind alert with a message and a delivery: kept through it all
    upgrade_to(engine, "0007", verb="downgrade")
    migrate(engine)
    insert = (
        "INSERT INTO alert (shop_id, period_start, rule, subject, severity, state, opened_at, "
        "notifications, detail) VALUES ('acme-th', '2026-03-23', :rule, :subject, 'warning', "
        "'firing', '2026-03-23 10:00:00', 1, '{}')"
    )
    with engine.begin() as conn:  # two blockings on one day: two alerts
        for subject in ("item:1:10", "item:2:11"):
            conn.execute(text(insert), {"rule": "item_blocked", "subject": subject})
        conn.execute(text(insert), {"rule": "review_waiting", "subject": ""})
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text(insert), {"rule": "item_blocked", "subject": "item:1:10"})
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text(insert), {"rule": "shouting", "subject": ""})
    upgrade_to(engine, "0007", verb="downgrade")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT rule FROM alert")).scalars().all() == ["behind"]
        assert conn.execute(text("SELECT count(*) FROM delivery_attempt")).scalar() == 1
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(
            text(insert.replace("rule, subject,", "rule,").replace(":subject, ", "")),
            {"rule": "review_waiting"},
        )
    engine.dispose()


def test_0010_counts_each_items_reviewer_version_from_its_text_changes(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade_to(engine, "0007")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO shop (id, market, timezone, weekly_quota, created_at, updated_at) "
                "VALUES ('acme-th', 'TH', 'Asia/Bangkok', 3, :t, :t)"
            ),
            {"t": "2026-12-05 10:00:00"},
        )
        conn.execute(
            text(
                "INSERT INTO listing (id, shop_id, product_id, sku, title, description, caption, "
                "images, category, source_hash, imported_at, updated_at) VALUES (1, 'acme-th', "
                "'p1', '', 't', '', '', '[]', '', 'h', :t, :t)"
            ),
            {"t": "2026-12-05 10:00:00"},
        )
        item = (
            "INSERT INTO localization_item (id, listing_id, shop_id, language, source_hash, "
            "state, title, origins, findings, images, attempts, version, created_at, "
            "updated_at) VALUES (:id, 1, 'acme-th', :lang, 'h', :state, :title, '{}', '[]', "
            "'[]', 0, :version, :t, :t)"
        )
        at = {"t": "2026-12-05 10:00:00"}
        # translated, images drawn, edited by a reviewer: internal version 4, text twice
        conn.execute(
            text(item),
            {"id": 1, "lang": "th", "state": "translated", "title": "b", "version": 4, **at},
        )
        conn.execute(
            text(item),
            {"id": 2, "lang": "en", "state": "pending", "title": None, "version": 1, **at},
        )
        conn.execute(
            text(item),
            {"id": 3, "lang": "ms", "state": "translated", "title": "x", "version": 2, **at},
        )
        event = (
            "INSERT INTO audit_event (at, actor, shop_id, entity, entity_id, action, detail) "
            "VALUES (:t, 'a', 'acme-th', 'localization_item', :id, :action, :detail)"
        )
        for detail, action in (
            ('{"from": "pending", "to": "translated", "text": {"title": 1}}', "translated"),
            ('{"from": "translated", "to": "translated"}', "edit"),
            ('{"from": "translated", "to": "translated", "text": {"title": 2}}', "edit"),
            ('{"from": "translated", "to": "not applied", "text": {"title": 3}}', "not applied"),
        ):
            conn.execute(text(event), {"id": "1", "action": action, "detail": detail, **at})
    migrate(engine)
    with engine.connect() as conn:
        got = conn.execute(text("SELECT id, revision FROM localization_item ORDER BY id")).all()
    # item 3 has text but no trail of it: it is at 1
    assert [tuple(r) for r in got] == [(1, 2), (2, 0), (3, 1)]
    engine.dispose()


def test_0011_keeps_an_uncertain_delivery_from_being_sent_again_down_and_up(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate(engine)
    with session_scope(engine) as s:
        ids = seed(s)
        message = s.get(OutboxMessage, ids["message"])
        assert message is not None
        message.state = "uncertain"
        s.add(message)
        s.add(DeliveryAttempt(message_id=ids["message"], at=message.created_at, target="t://x"))
    upgrade_to(engine, "0010", verb="downgrade")
    with engine.connect() as conn:  # the older code knows no "maybe": sent is what it skips
        assert conn.execute(text("SELECT state FROM outbox_message")).scalar() == "delivered"
        oks = conn.execute(text("SELECT ok FROM delivery_attempt WHERE target = 't://x'"))
        assert [bool(ok) for ok in oks.scalars()] == [True]
    migrate(engine)
    with session_scope(engine) as s:
        s.add(DeliveryAttempt(message_id=ids["message"], at=message.created_at, target="t://y"))
        message = s.get(OutboxMessage, ids["message"])
        message.state = "uncertain"
        s.add(message)
    with session_scope(engine) as s:
        assert s.get(OutboxMessage, ids["message"]).state == "uncertain"
        assert (
            s.exec(select(DeliveryAttempt).where(DeliveryAttempt.target == "t://y")).one().ok
            is None
        )
    engine.dispose()
