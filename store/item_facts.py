"""What the team is told about listings, read from the store: the items waiting for review
and since when, the items blocked and by which change, an item's changes over a week.

"Since when" and "which blocking" come from the audit trail, the one record of every
change: the latest entry moving an item into the state is when (and, for a blocking, by
which entry) it got there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, and_, cast, func, or_
from sqlmodel import Session, col, select

from store.models import AuditEvent, Listing, LocalizationItem
from store.states import ItemState

ITEM = "localization_item"  # the audit trail's name for an item


@dataclass(frozen=True)
class WaitingItem:
    """An item waiting for a reviewer, since it last came up for review."""

    shop_id: str
    item_id: int
    since: datetime
    for_a_person: bool = False  # rejected, waiting for a person's translation


@dataclass(frozen=True)
class BlockedItem:
    """An item publish preflight blocked: why, when, and the audit entry that blocked it
    (a later blocking of the same item has another)."""

    shop_id: str
    item_id: int
    product_id: str
    language: str
    reasons: str
    since: datetime
    event_id: int
    says: Any = None  # the reasons as stored messages (config.i18n), when the entry has them


@dataclass(frozen=True)
class ItemEvent:
    """One change of an item: the state it left (None when not said) and what it did."""

    shop_id: str
    item_id: int
    action: str
    left: str | None


def _entered(state: ItemState) -> Any:
    """The join condition: the item's audit entries moving it into `state`."""
    return and_(
        AuditEvent.entity == ITEM,
        col(AuditEvent.entity_id) == cast(col(LocalizationItem.id), String),
        AuditEvent.action == state.value,
    )


def waiting_items(session: Session, *, shop_ids: Sequence[str]) -> list[WaitingItem]:
    """The items of these shops waiting for a person: translated ones for review, and
    rejected ones for a person's translation (blocked items are told apart), each since it
    last came to wait. The team's notice and `localize run` both count these."""
    if not shop_ids:
        return []
    state = col(LocalizationItem.state)
    rows = session.exec(
        select(
            LocalizationItem.shop_id,
            LocalizationItem.id,
            LocalizationItem.state,
            LocalizationItem.updated_at,
            func.max(AuditEvent.at),
        )
        .select_from(LocalizationItem)
        .outerjoin(
            AuditEvent,
            and_(
                AuditEvent.entity == ITEM,
                col(AuditEvent.entity_id) == cast(col(LocalizationItem.id), String),
                col(AuditEvent.action) == state,  # the entries moving it into its state
            ),
        )
        .where(
            col(LocalizationItem.shop_id).in_(list(shop_ids)),
            or_(
                state == ItemState.TRANSLATED.value,
                and_(
                    state == ItemState.REJECTED.value,
                    col(LocalizationItem.needs_person).is_not(None),
                ),
            ),
        )
        .group_by(
            LocalizationItem.shop_id,
            LocalizationItem.id,
            LocalizationItem.state,
            LocalizationItem.updated_at,
        )
        .order_by(col(LocalizationItem.id))
    )
    return [
        WaitingItem(shop, item_id, entered or updated, state == ItemState.REJECTED.value)
        for shop, item_id, state, updated, entered in rows
    ]


def blocked_items(session: Session, *, shop_ids: Sequence[str]) -> list[BlockedItem]:
    """The items of these shops that publish preflight blocked, with the entry that did."""
    if not shop_ids:
        return []
    rows = session.exec(
        select(
            LocalizationItem.shop_id,
            LocalizationItem.id,
            Listing.product_id,
            LocalizationItem.language,
            LocalizationItem.error,
            LocalizationItem.updated_at,
            func.max(AuditEvent.id),
            func.max(AuditEvent.at),
        )
        .select_from(LocalizationItem)
        .join(Listing, col(Listing.id) == col(LocalizationItem.listing_id))
        .outerjoin(AuditEvent, _entered(ItemState.BLOCKED))
        .where(
            col(LocalizationItem.shop_id).in_(list(shop_ids)),
            LocalizationItem.state == ItemState.BLOCKED.value,
        )
        .group_by(
            LocalizationItem.shop_id,
            LocalizationItem.id,
            Listing.product_id,
            LocalizationItem.language,
            LocalizationItem.error,
            LocalizationItem.updated_at,
        )
        .order_by(col(LocalizationItem.id))
    )
    found = list(rows)
    events = [event for *_, event, _ in found if event]
    says = {
        event: detail.get("says")
        for event, detail in session.exec(
            select(AuditEvent.id, AuditEvent.detail).where(col(AuditEvent.id).in_(events))
        )
        if isinstance(detail, dict)
    }
    return [
        BlockedItem(
            shop,
            item_id,
            product,
            language,
            error or "",
            at or updated,
            event or 0,
            says.get(event),
        )
        for shop, item_id, product, language, error, updated, event, at in found
    ]


def item_events(
    session: Session, *, shop_ids: Sequence[str], start: datetime, end: datetime
) -> list[ItemEvent]:
    """Every change of these shops' items from `start` to `end`, oldest first."""
    if not shop_ids:
        return []
    rows = session.exec(
        select(AuditEvent.shop_id, AuditEvent.entity_id, AuditEvent.action, AuditEvent.detail)
        .where(
            AuditEvent.entity == ITEM,
            col(AuditEvent.shop_id).in_(list(shop_ids)),
            col(AuditEvent.at) >= start,
            col(AuditEvent.at) < end,
        )
        .order_by(col(AuditEvent.id))
    )
    found = []
    for shop, entity_id, action, detail in rows:
        left = detail.get("from") if isinstance(detail, dict) else None
        if shop is not None and entity_id.isdigit():
            found.append(ItemEvent(shop, int(entity_id), action, left))
    return found
