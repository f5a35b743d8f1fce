"""What `cadence alerts` shows: alerts with their messages' delivery state and attempts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from store.db import read_scope
from store.models import Alert, DeliveryAttempt, OutboxMessage

_Report = TypeVar("_Report")  # one of the report dataclasses below


@dataclass(frozen=True)
class DeliveryReport:
    """One try at one target, with what it answered."""

    at: datetime
    target: str
    ok: bool
    error: str | None
    ms: int


@dataclass(frozen=True)
class MessageReport:
    """One outbox message of an alert and every attempt to deliver it."""

    id: int
    kind: str  # a MessageKind
    title: str
    state: str  # a MessageState
    attempts: int
    next_attempt_at: datetime
    delivered_at: datetime | None
    last_error: str | None
    deliveries: tuple[DeliveryReport, ...]


@dataclass(frozen=True)
class AlertReport:
    """One alert as stored, its messages, and the clocks its shop's times are read in
    (None for a shop the shops file does not configure: shown in UTC)."""

    shop: str
    period_start: date
    rule: str  # an AlertRule
    severity: str  # a Severity
    state: str  # an AlertState
    opened_at: datetime
    resolved_at: datetime | None
    notifications: int
    messages: tuple[MessageReport, ...]
    zone: ZoneInfo | None = None  # the shop's own
    display_zone: ZoneInfo | None = None  # the team's
    subject: str = ""  # what in the shop it is about ("item:42:1234"), '' for the shop


def alert_report(
    engine: Engine,
    *,
    shop_ids: Sequence[str] | None = None,
    limit: int = 100,
    zones: Mapping[str, ZoneInfo] | None = None,
    local_zones: Mapping[str, ZoneInfo] | None = None,
) -> list[AlertReport]:
    """The newest alerts, each with its messages and every delivery attempt; `zones` (shop
    id -> the team's display timezone) and `local_zones` (shop id -> the shop's own) say
    the clocks each shop's times are shown in."""
    with read_scope(engine) as session:
        alerts = _newest_alerts(session, shop_ids, limit)
        messages = _messages_of(session, [a.id for a in alerts if a.id is not None])
        attempts = _attempts_of(session, [m.id for m in messages if m.id is not None])
    by_message: dict[int, list[DeliveryReport]] = defaultdict(list)
    for d in attempts:
        by_message[d.message_id].append(_from_row(DeliveryReport, d, ms=d.duration_ms))
    by_alert: dict[int, list[MessageReport]] = defaultdict(list)
    for m in messages:
        deliveries = tuple(by_message[m.id or 0])
        by_alert[m.alert_id or 0].append(_from_row(MessageReport, m, deliveries=deliveries))
    zones, local_zones = zones or {}, local_zones or {}
    return [
        _from_row(
            AlertReport,
            a,
            shop=a.shop_id,
            messages=tuple(by_alert[a.id or 0]),
            zone=local_zones.get(a.shop_id),
            display_zone=zones.get(a.shop_id),
        )
        for a in alerts
    ]


def _newest_alerts(session: Session, shop_ids: Sequence[str] | None, limit: int) -> list[Alert]:
    query = select(Alert).order_by(col(Alert.opened_at).desc(), col(Alert.id).desc())
    if shop_ids:
        query = query.where(col(Alert.shop_id).in_(list(shop_ids)))
    return list(session.exec(query.limit(limit)))


def _messages_of(session: Session, alert_ids: Sequence[int]) -> list[OutboxMessage]:
    if not alert_ids:
        return []
    query = select(OutboxMessage).where(col(OutboxMessage.alert_id).in_(alert_ids))
    return list(session.exec(query.order_by(col(OutboxMessage.id))))


def _attempts_of(session: Session, message_ids: Sequence[int]) -> list[DeliveryAttempt]:
    if not message_ids:
        return []
    query = select(DeliveryAttempt).where(col(DeliveryAttempt.message_id).in_(message_ids))
    return list(session.exec(query.order_by(col(DeliveryAttempt.id))))


def _from_row(cls: type[_Report], row: object, **given: Any) -> _Report:
    """A report dataclass from a stored row: each field the row's attribute of that name,
    unless given."""
    copied = {f.name: getattr(row, f.name) for f in fields(cls) if f.name not in given}  # type: ignore[arg-type]
    return cls(**copied, **given)
