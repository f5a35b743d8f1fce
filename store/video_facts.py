"""The videos a shop's quota is judged on, read with SQLAlchemy Core.

`cadence status` reads thousands of these rows for a thousand shops, and a command starts
in a fresh process every time: importing SQLModel and building the tables' classes (store.
models) would cost more than the query. The columns here are the tables' own (names and
column types; tests/store/test_video_facts.py keeps them equal to store.models).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Connection, String, Text, and_, column, select, table

from store.types import UTCDateTime

VIDEO = table(
    "video",
    column("shop_id", String),
    column("video_id", String),
    column("posted_at", UTCDateTime),
    column("status", String),
    column("product_ids", JSON),
    column("original", Boolean),
    column("duplicate_of", String),
    column("title", Text),
)
VIDEO_OVERRIDE = table(
    "video_override",
    column("shop_id", String),
    column("video_id", String),
    column("original", Boolean),
    column("has_product", Boolean),
    column("by", String),
    column("reason", Text),
)

# What the quota needs of a video, and the judgement a person marked it with, if any.
VIDEO_FACTS = (
    VIDEO.c.shop_id,
    VIDEO.c.video_id,
    VIDEO.c.posted_at,
    VIDEO.c.status,
    VIDEO.c.product_ids,
    VIDEO.c.original,
    VIDEO.c.duplicate_of,
    VIDEO.c.title,
    VIDEO_OVERRIDE.c.original.label("mark_original"),
    VIDEO_OVERRIDE.c.has_product.label("mark_product"),
    VIDEO_OVERRIDE.c.by.label("mark_by"),
    VIDEO_OVERRIDE.c.reason.label("mark_reason"),
)
_MARKED = and_(
    VIDEO_OVERRIDE.c.shop_id == VIDEO.c.shop_id, VIDEO_OVERRIDE.c.video_id == VIDEO.c.video_id
)


def videos_between(
    conn: Connection, *, shop_ids: Sequence[str], start: datetime, end: datetime
) -> list[Any]:
    """Videos of these shops posted in [start, end), as rows of the VIDEO_FACTS columns.

    `conn` is a connection, or a session's (`session.connection()`) to read inside its
    transaction.
    """
    if not shop_ids:
        return []
    query = (
        select(*VIDEO_FACTS)
        .select_from(VIDEO.outerjoin(VIDEO_OVERRIDE, _MARKED))
        .where(
            VIDEO.c.shop_id.in_(list(shop_ids)),
            VIDEO.c.posted_at >= start,
            VIDEO.c.posted_at < end,
        )
    )
    return list(conn.execute(query))
