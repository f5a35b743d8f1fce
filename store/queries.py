"""Small queries the jobs share; every function takes the session and keyword arguments."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import Engine, and_, or_
from sqlmodel import Session, col, select

from store.db import session_scope
from store.item_rows import audit as audit  # where it always was, for its callers
from store.models import (
    Alert,
    DeliveryAttempt,
    MessageState,
    OutboxMessage,
    Shop,
    Video,
    VideoOverride,
    utcnow,
)

if TYPE_CHECKING:
    from config.settings import Settings, ShopSettings


def insert_for(session: Session) -> Callable[..., Any]:
    """The session's dialect's `insert`, the one with ON CONFLICT (PostgreSQL's or SQLite's),
    imported when first needed (the PostgreSQL dialect's modules take a tenth of a second
    to import, and `cadence status` needs neither)."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def row_values(row: Any) -> dict[str, Any]:
    """A model row's column values as an INSERT takes them (an unset primary key left out)."""
    return {
        c.name: getattr(row, c.name)
        for c in row.__table__.columns
        if not (c.primary_key and getattr(row, c.name) is None)
    }


def insert_new(session: Session, rows: Sequence[Any], *, unique: Sequence[str]) -> int:
    """Insert model rows, leaving out each one whose `unique` columns another writer stored
    first, even in a transaction not committed yet (two `localize run` at once on
    PostgreSQL): ON CONFLICT DO NOTHING, not an IntegrityError. How many went in."""
    if not rows:
        return 0
    insert = insert_for(session)
    table = rows[0].__table__
    added = 0
    for start in range(0, len(rows), 500):  # under either database's parameter limit
        batch = [row_values(row) for row in rows[start : start + 500]]
        statement = insert(table).values(batch).on_conflict_do_nothing(index_elements=list(unique))
        # Counted by what came back: a multi-row INSERT's rowcount is not reliable everywhere.
        added += len(session.execute(statement.returning(*table.primary_key.columns)).all())
    return added


def sync_shops(session: Session, *, shops: Iterable[dict[str, Any]]) -> int:
    """Insert or update shop rows from configuration; returns how many changed.

    Shops that left the configuration keep their rows: their history stays readable.
    """
    wanted = {s["id"]: s for s in shops}
    if not wanted:
        return 0
    existing = {
        row.id: row for row in session.exec(select(Shop).where(col(Shop.id).in_(list(wanted))))
    }
    changed = 0
    for shop_id, values in wanted.items():
        row = existing.get(shop_id)
        if row is None:
            # Two processes may register the same shop at once: the second one's insert
            # does nothing instead of failing on the primary key.
            insert = insert_for(session)
            now = utcnow()
            session.execute(
                insert(Shop)
                .values(**values, created_at=now, updated_at=now)
                .on_conflict_do_nothing(index_elements=["id"])
            )
            changed += 1
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            row.updated_at = utcnow()
            session.add(row)
            changed += 1
    session.flush()
    return changed


def upsert_video(
    session: Session, *, shop_id: str, video_id: str, **values: Any
) -> Literal["added", "updated", "unchanged"]:
    """Insert a video, or update the one with the same id; says which, and "unchanged" when
    the stored row already held these values (a re-imported file)."""
    row = session.exec(
        select(Video).where(Video.shop_id == shop_id, Video.video_id == video_id)
    ).first()
    if row is None:
        session.add(Video(shop_id=shop_id, video_id=video_id, **values))
        session.flush()
        return "added"
    if all(getattr(row, k) == v for k, v in values.items()):
        return "unchanged"
    for k, v in values.items():
        setattr(row, k, v)
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    return "updated"


def mark_video(
    session: Session,
    *,
    shop_id: str,
    video_id: str,
    by: str,
    reason: str,
    at: datetime,
    original: bool | None = None,
    has_product: bool | None = None,
) -> VideoOverride | None:
    """Record a person's judgement of a stored video (a flag left None keeps any earlier
    one), audited in the same transaction; None when the shop has no such video."""
    video = session.exec(
        select(Video.id).where(Video.shop_id == shop_id, Video.video_id == video_id)
    ).first()
    if video is None:
        return None
    row = session.exec(
        select(VideoOverride).where(
            VideoOverride.shop_id == shop_id, VideoOverride.video_id == video_id
        )
    ).first() or VideoOverride(shop_id=shop_id, video_id=video_id, by=by, reason=reason, at=at)
    changed = {"original": original, "has_product": has_product}
    for name, value in changed.items():
        if value is not None:
            setattr(row, name, value)
    row.by, row.reason, row.at = by, reason, at
    session.add(row)
    audit(
        session,
        actor=by,
        shop_id=shop_id,
        entity="video",
        entity_id=video_id,
        action="mark",
        detail={k: v for k, v in changed.items() if v is not None} | {"reason": reason},
        at=at,
    )
    session.flush()
    return row


def earlier_covers(
    session: Session, *, shop_id: str, before: datetime, exclude: str
) -> list[tuple[str, str]]:
    """(video id, cover hash) of the shop's videos posted before `before`."""
    rows = session.exec(
        select(Video.video_id, Video.cover_hash).where(
            Video.shop_id == shop_id,
            Video.posted_at < before,
            Video.video_id != exclude,
            col(Video.cover_hash).is_not(None),
        )
    )
    return [(v, h) for v, h in rows if h]


def alerts_since(
    session: Session, *, shop_id: str | None = None, shop_ids: Sequence[str] = (), since: date
) -> list[Alert]:
    """The alerts of a shop (or of several) for periods starting on or after `since`."""
    ids = [shop_id] if shop_id is not None else list(shop_ids)
    if not ids:
        return []
    return list(
        session.exec(select(Alert).where(col(Alert.shop_id).in_(ids), Alert.period_start >= since))
    )


def _due(now: datetime, moment: datetime) -> tuple[Any, ...]:
    """Pending messages due by `now` whose lease (if any) is over at `moment`."""
    return (
        OutboxMessage.state == MessageState.PENDING,
        OutboxMessage.next_attempt_at <= now,
        or_(col(OutboxMessage.claimed_until).is_(None), OutboxMessage.claimed_until <= moment),
    )


def shops_with_due_messages(
    session: Session, *, now: datetime, moment: datetime
) -> list[str | None]:
    """The shops with messages a deliverer would claim now (None: the team's messages)."""
    query = select(OutboxMessage.shop_id).where(*_due(now, moment)).distinct()
    return list(session.exec(query))


def claim_due_messages(
    session: Session,
    *,
    now: datetime,
    lease: timedelta,
    shop_id: str | None = None,
    team: bool = False,
    limit: int = 50,
    clock: Callable[[], datetime] = utcnow,
) -> list[OutboxMessage]:
    """Pending messages due by `now`, leased to the caller for `lease` from the moment of
    claiming (read from `clock` now, not when the caller's pass began: a long pass must not
    hand out leases that are already over).

    On PostgreSQL the rows are locked with SKIP LOCKED while the lease is written, so
    two deliverers never take the same message; SQLite serialises writers anyway. With
    `team`, only the messages for the whole team (no shop: the digest).
    """
    moment = clock()
    query = (
        select(OutboxMessage)
        .where(*_due(now, moment))
        .order_by(col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if team:
        query = query.where(col(OutboxMessage.shop_id).is_(None))
    elif shop_id is not None:
        query = query.where(OutboxMessage.shop_id == shop_id)
    rows = list(session.exec(query))
    for row in rows:
        row.claimed_until = moment + lease
        session.add(row)
    session.flush()
    return rows


def delivered_targets(session: Session, *, message_id: int) -> set[str]:
    """Targets that already accepted this message, or may have (a send begun and never
    answered): a retry sends to neither, so no target gets it twice."""
    rows = session.exec(
        select(DeliveryAttempt.target).where(
            and_(
                DeliveryAttempt.message_id == message_id,
                or_(col(DeliveryAttempt.ok).is_(True), col(DeliveryAttempt.ok).is_(None)),
            )
        )
    )
    return set(rows)


def unanswered_sends(session: Session, *, message_id: int) -> list[DeliveryAttempt]:
    """This message's sends that began and have no answer recorded."""
    query = select(DeliveryAttempt).where(
        DeliveryAttempt.message_id == message_id, col(DeliveryAttempt.ok).is_(None)
    )
    return list(session.exec(query.order_by(col(DeliveryAttempt.id))))


def register_shops(engine: Engine, settings: Settings, shops: Iterable[ShopSettings]) -> None:
    """Make sure the store knows these shops as configured (both programs call it first)."""
    with session_scope(engine) as session:
        sync_shops(session, shops=[settings.shop_row(s) for s in shops])
