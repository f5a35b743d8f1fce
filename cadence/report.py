"""What `cadence alerts` shows: alerts with their messages' delivery state and attempts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import col, select

from store.db import read_scope
from store.models import Alert, DeliveryAttempt, OutboxMessage


def alert_report(
    engine: Engine,
    *,
    shop_ids: Sequence[str] | None = None,
    limit: int = 100,
    zones: Mapping[str, ZoneInfo] | None = None,
    local_zones: Mapping[str, ZoneInfo] | None = None,
) -> list[dict[str, Any]]:
    """The newest alerts, each with its messages and every delivery attempt; times are UTC,
    and with `zones` (shop id -> the team's display timezone) and `local_zones` (shop id ->
    the shop's own timezone) also in those zones."""
    zones = zones or {}
    local_zones = local_zones or {}
    with read_scope(engine) as session:
        query = select(Alert).order_by(col(Alert.opened_at).desc(), col(Alert.id).desc())
        if shop_ids:
            query = query.where(col(Alert.shop_id).in_(list(shop_ids)))
        alerts = list(session.exec(query.limit(limit)))
        ids = [a.id for a in alerts]
        messages = (
            list(
                session.exec(
                    select(OutboxMessage)
                    .where(col(OutboxMessage.alert_id).in_(ids))
                    .order_by(col(OutboxMessage.id))
                )
            )
            if ids
            else []
        )
        attempts = (
            list(
                session.exec(
                    select(DeliveryAttempt)
                    .where(col(DeliveryAttempt.message_id).in_([m.id for m in messages]))
                    .order_by(col(DeliveryAttempt.id))
                )
            )
            if messages
            else []
        )
    by_message: dict[int, list[DeliveryAttempt]] = defaultdict(list)
    for a in attempts:
        by_message[a.message_id].append(a)
    by_alert: dict[int, list[OutboxMessage]] = defaultdict(list)
    for m in messages:
        by_alert[m.alert_id or 0].append(m)
    return [
        {
            "shop": a.shop_id,
            "period_start": a.period_start.isoformat(),
            "rule": a.rule,
            "severity": a.severity,
            "state": a.state,
            "opened_at": a.opened_at.isoformat(),
            "resolved_at": a.resolved_at.isoformat() if a.resolved_at else None,
            "notifications": a.notifications,
            "display_timezone": _zone_key(zones.get(a.shop_id)),
            "opened_at_display": _shown(a.opened_at, zones.get(a.shop_id)),
            "timezone": _zone_key(local_zones.get(a.shop_id)),
            "opened_at_local": _shown(a.opened_at, local_zones.get(a.shop_id)),
            "messages": [
                {
                    "id": m.id,
                    "kind": m.kind,
                    "title": m.title,
                    "state": m.state,
                    "attempts": m.attempts,
                    "next_attempt_at": m.next_attempt_at.isoformat(),
                    "delivered_at": m.delivered_at.isoformat() if m.delivered_at else None,
                    "last_error": m.last_error,
                    "next_attempt_at_display": _shown(m.next_attempt_at, zones.get(a.shop_id)),
                    "delivered_at_display": _shown(m.delivered_at, zones.get(a.shop_id)),
                    "next_attempt_at_local": _shown(m.next_attempt_at, local_zones.get(a.shop_id)),
                    "delivered_at_local": _shown(m.delivered_at, local_zones.get(a.shop_id)),
                    "deliveries": [
                        {
                            "at": d.at.isoformat(),
                            "target": d.target,
                            "ok": d.ok,
                            "error": d.error,
                            "ms": d.duration_ms,
                        }
                        for d in by_message[m.id or 0]
                    ],
                }
                for m in by_alert[a.id or 0]
            ],
        }
        for a in alerts
    ]


def _zone_key(zone: ZoneInfo | None) -> str:
    return zone.key if zone else "UTC"


def _shown(moment: datetime | None, zone: ZoneInfo | None) -> str | None:
    """A stored UTC moment in a zone (UTC when the shop is not configured)."""
    if moment is None:
        return None
    return moment.astimezone(zone).isoformat() if zone else moment.isoformat()
