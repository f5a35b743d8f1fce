"""Localization items, their listings, reviewers' decisions and the audit trail, named for
SQLAlchemy Core.

`localize review` reads and claims the item it paints first in a fresh process: importing
SQLModel and building the tables' classes (store.models) would cost a third of its start.
The columns here are the tables' own (names and column types; tests/store/test_item_rows.py
keeps them equal to store.models).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Date, Integer, String, Text, column, insert, table

from store.types import UTCDateTime

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

ITEM = table(
    "localization_item",
    column("id", Integer),
    column("listing_id", Integer),
    column("shop_id", String),
    column("language", String),
    column("source_hash", String),
    column("state", String),
    column("title", Text),
    column("description", Text),
    column("caption", Text),
    column("origins", JSON),
    column("findings", JSON),
    column("images", JSON),
    column("error", Text),
    column("attempts", Integer),
    column("version", Integer),
    column("revision", Integer),
    column("needs_person", String),
    column("claimed_by", String),
    column("claimed_until", UTCDateTime),
    column("created_at", UTCDateTime),
    column("updated_at", UTCDateTime),
)
LISTING = table(
    "listing",
    column("id", Integer),
    column("shop_id", String),
    column("product_id", String),
    column("sku", String),
    column("title", Text),
    column("description", Text),
    column("caption", Text),
    column("images", JSON),
    column("category", String),
    column("safety_report_date", Date),
    column("source_hash", String),
    column("imported_at", UTCDateTime),
    column("updated_at", UTCDateTime),
)
DECISION = table(
    "review_decision",
    column("id", Integer),
    column("item_id", Integer),
    column("reviewer", String),
    column("decision", String),
    column("reason", Text),
    column("item_version", Integer),
    column("detail", JSON),
    column("at", UTCDateTime),
)
AUDIT = table(
    "audit_event",
    column("id", Integer),
    column("at", UTCDateTime),
    column("actor", String),
    column("shop_id", String),
    column("entity", String),
    column("entity_id", String),
    column("action", String),
    column("detail", JSON),
)


class Record:
    """One row read through Core, its columns as attributes (`item.state`, `listing.title`),
    as the ORM's objects offer them; a change writes its new values back onto it."""

    def __init__(self, names: Iterable[str], values: Iterable[Any]) -> None:
        self.__dict__.update(zip(names, values, strict=True))

    def __repr__(self) -> str:
        return f"Record(id={self.__dict__.get('id')!r})"


def records(rows: Iterable[Any], *tables: Any) -> list[tuple[Record, ...]]:
    """Rows of `select(*tables)` split into one Record per table, in the tables' order."""
    spans, start = [], 0
    for t in tables:
        names = list(t.c.keys())
        spans.append((names, start, start + len(names)))
        start += len(names)
    return [tuple(Record(names, row[first:last]) for names, first, last in spans) for row in rows]


def audit(
    session: Session,
    *,
    actor: str,
    shop_id: str | None,
    entity: str,
    entity_id: object,
    action: str,
    detail: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> None:
    """Append to the audit trail, in the caller's transaction (written through Core: a
    review decision in a fresh process need not build the ORM's classes)."""
    session.flush()  # what the caller added first is written first: the trail keeps its order
    session.execute(
        insert(AUDIT).values(
            at=at or datetime.now(UTC),
            actor=actor,
            shop_id=shop_id or None,
            entity=entity,
            entity_id=str(entity_id),
            action=action,
            detail=detail or {},
        )
    )
