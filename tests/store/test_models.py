"""Every table round-trips, and the uniqueness constraints that make re-runs safe hold."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import JSON, Date, Engine, bindparam, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlmodel import Session, select

from store.db import session_scope
from store.models import (
    Alert,
    AuditEvent,
    DeliveryAttempt,
    GlossaryTerm,
    JobRun,
    Listing,
    LocalizationItem,
    OutboxMessage,
    PublishRecord,
    ReviewDecision,
    Shop,
    TranslationMemory,
    Video,
)
from store.types import UTCDateTime

T0 = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)


def seed(session: Session) -> dict[str, int]:
    session.add(
        Shop(id="acme-th", market="TH", timezone="Asia/Bangkok", opened_on=date(2026, 1, 5))
    )
    session.flush()
    video = Video(
        shop_id="acme-th",
        video_id="v1",
        posted_at=T0,
        product_ids=["p1", "p2"],
        title="新品 🎉",
        cover_hash="ffd8a0c0e0f0f8fc",
    )
    # The alert by the columns every revision has: upgrade tests seed an old schema.
    session.execute(
        text(
            "INSERT INTO alert (shop_id, period_start, rule, severity, state, opened_at, "
            "notifications, detail) VALUES ('acme-th', :period, 'behind', 'warning', 'firing', "
            ":at, 0, :detail)"
        ).bindparams(
            bindparam("period", type_=Date()),
            bindparam("at", type_=UTCDateTime()),
            bindparam("detail", type_=JSON()),
        ),
        {"period": date(2026, 3, 23), "at": T0, "detail": {"counted": 1}},
    )
    alert_id = session.exec(select(Alert.id).where(Alert.rule == "behind")).one()
    listing = Listing(
        shop_id="acme-th",
        product_id="p1",
        sku="SKU-1",
        title="保温杯",
        images=["a.jpg", "b.jpg"],
        source_hash="h1",
        safety_report_date=date(2026, 2, 1),
    )
    session.add_all([video, listing])
    session.flush()
    message = OutboxMessage(
        shop_id="acme-th",
        alert_id=alert_id,
        dedup_key="k",
        sequence=1,
        kind="firing",
        title="t",
        body="b",
        created_at=T0,
        next_attempt_at=T0,
    )
    item = LocalizationItem(
        listing_id=listing.id,
        shop_id="acme-th",
        language="th",
        source_hash="h1",
        findings=[{"code": "x", "severity": "error"}],
    )
    session.add_all([message, item])
    session.flush()
    session.add_all(
        [
            DeliveryAttempt(
                message_id=message.id,
                at=T0,
                target="json://127.0.0.1",
                ok=False,
                error="errcode 310000",
            ),
            ReviewDecision(
                item_id=item.id, reviewer="lin", decision="approve", item_version=1, at=T0
            ),
            PublishRecord(
                item_id=item.id,
                shop_id="acme-th",
                kind="export",
                content_hash="c1",
                state="published",
                at=T0,
            ),
            TranslationMemory(
                source_lang="zh-CN",
                target_lang="th",
                source_key="k1",
                source_text="保温杯",
                target_text="แก้วเก็บความร้อน",
            ),
            GlossaryTerm(term="ACME"),
            AuditEvent(
                at=T0,
                actor="lin",
                entity="localization_item",
                entity_id=str(item.id),
                action="approve",
                detail={"from": "translated"},
            ),
        ]
    )
    # the columns job_run has had since the first schema (the seed runs at old revisions too)
    session.execute(
        text(
            "INSERT INTO job_run (shop_id, job, started_at, ok) "
            "VALUES ('acme-th', 'check', :at, :ok)"
        ).bindparams(bindparam("at", T0, type_=UTCDateTime()), ok=True)
    )
    return {"video": video.id, "item": item.id, "message": message.id, "listing": listing.id}


def test_every_table_round_trips(engine: Engine) -> None:
    with session_scope(engine) as s:
        ids = seed(s)
    with session_scope(engine) as s:
        video = s.get(Video, ids["video"])
        assert video.posted_at == T0 and video.posted_at.tzinfo is not None
        assert video.product_ids == ["p1", "p2"] and video.title == "新品 🎉"
        assert s.get(Shop, "acme-th").opened_on == date(2026, 1, 5)
        assert s.exec(select(Alert)).one().detail == {"counted": 1}
        listing = s.get(Listing, ids["listing"])
        assert listing.images == ["a.jpg", "b.jpg"]
        assert listing.safety_report_date == date(2026, 2, 1)
        item = s.get(LocalizationItem, ids["item"])
        assert item.state == "pending" and item.findings[0]["code"] == "x"
        assert s.exec(select(DeliveryAttempt)).one().error == "errcode 310000"
        assert s.exec(select(ReviewDecision)).one().reviewer == "lin"
        assert s.exec(select(PublishRecord)).one().state == "published"
        assert s.exec(select(TranslationMemory)).one().target_text == "แก้วเก็บความร้อน"
        assert s.exec(select(GlossaryTerm)).one().target is None
        assert s.exec(select(AuditEvent)).one().detail == {"from": "translated"}
        assert s.exec(select(JobRun)).one().ok is True
        assert s.get(OutboxMessage, ids["message"]).state == "pending"


def test_times_come_back_in_utc_whatever_offset_went_in(engine: Engine) -> None:
    bangkok = timezone(timedelta(hours=7))
    with session_scope(engine) as s:
        s.add(Shop(id="s", market="TH", timezone="Asia/Bangkok"))
        s.flush()
        s.add(
            Video(shop_id="s", video_id="v", posted_at=datetime(2026, 3, 29, 7, 30, tzinfo=bangkok))
        )
    with session_scope(engine) as s:
        assert s.exec(select(Video)).one().posted_at == T0


def test_naive_datetimes_are_refused(engine: Engine) -> None:
    with pytest.raises(StatementError, match="naive datetime"):
        with session_scope(engine) as s:
            s.add(Shop(id="s", market="TH", timezone="Asia/Bangkok"))
            s.flush()
            s.add(Video(shop_id="s", video_id="v", posted_at=datetime(2026, 3, 29)))


@pytest.mark.parametrize(
    "duplicate",
    [
        lambda ids: Video(shop_id="acme-th", video_id="v1", posted_at=T0),
        lambda ids: Alert(
            shop_id="acme-th",
            period_start=date(2026, 3, 23),
            rule="behind",
            severity="warning",
            opened_at=T0,
        ),
        lambda ids: OutboxMessage(
            shop_id="acme-th",
            dedup_key="k",
            sequence=1,
            kind="firing",
            title="t",
            body="b",
            created_at=T0,
            next_attempt_at=T0,
        ),
        lambda ids: Listing(shop_id="acme-th", product_id="p1", source_hash="h2"),
        lambda ids: LocalizationItem(
            listing_id=ids["listing"], shop_id="acme-th", language="th", source_hash="h1"
        ),
        lambda ids: TranslationMemory(
            source_lang="zh-CN", target_lang="th", source_key="k1", source_text="x", target_text="y"
        ),
        lambda ids: GlossaryTerm(term="ACME"),
        lambda ids: PublishRecord(
            item_id=ids["item"],
            shop_id="acme-th",
            kind="export",
            content_hash="c1",
            state="failed",
            at=T0,
        ),
    ],
    ids=["video", "alert", "outbox", "listing", "item", "memory", "glossary", "publish"],
)
def test_uniqueness_constraints_hold(engine: Engine, duplicate) -> None:  # type: ignore[no-untyped-def]
    with session_scope(engine) as s:
        ids = seed(s)
    with pytest.raises(IntegrityError):
        with session_scope(engine) as s:
            s.add(duplicate(ids))
    with session_scope(engine) as s:  # what was stored is intact
        assert s.get(Video, ids["video"]).video_id == "v1"


def test_states_outside_the_design_are_refused(engine: Engine) -> None:
    with session_scope(engine) as s:
        ids = seed(s)
    with pytest.raises(IntegrityError):
        with session_scope(engine) as s:
            item = s.get(LocalizationItem, ids["item"])
            item.state = "done"
            s.add(item)


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    with pytest.raises(IntegrityError):
        with session_scope(engine) as s:
            s.add(Video(shop_id="nobody", video_id="v", posted_at=T0))
