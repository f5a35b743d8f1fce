"""The tables: the store is the truth for videos, alerts, listings, translations and publishing.

Uniqueness constraints are what make every job safe to re-run: re-ingesting a video,
re-evaluating a week, re-translating a listing or re-publishing an item hits a constraint
or updates the row it already wrote, never adds a second one.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Index, MetaData, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from store.states import (
    AlertRule,
    AlertState,
    Decision,
    ItemState,
    MessageKind,
    MessageState,
    PublishState,
    Quality,
    Severity,
    VideoStatus,
)
from store.types import UTCDateTime

# Stable constraint names, so migrations can refer to them on every database.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata


def utcnow() -> datetime:
    """The current time in UTC (only adapters and defaults call it; the core takes `now`)."""
    return datetime.now(UTC)


def _one_of(column: str, values: type[StrEnum], name: str) -> CheckConstraint:
    allowed = ", ".join(f"'{v.value}'" for v in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=name)


class Shop(SQLModel, table=True):
    """A shop as last seen in configuration; rows are kept when a shop leaves the file."""

    __tablename__ = "shop"

    id: str = Field(primary_key=True, max_length=64)
    market: str = Field(max_length=8)
    timezone: str = Field(max_length=64)
    weekly_quota: int = 3
    opened_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Video(SQLModel, table=True):
    """A short video a shop posted, from whichever source reported it."""

    __tablename__ = "video"
    __table_args__ = (
        UniqueConstraint("shop_id", "video_id"),
        Index("ix_video_shop_posted", "shop_id", "posted_at"),
        _one_of("status", VideoStatus, "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    shop_id: str = Field(foreign_key="shop.id", max_length=64)
    video_id: str = Field(max_length=128)
    posted_at: datetime = Field(sa_type=UTCDateTime)
    title: str = Field(default="", sa_type=Text)
    product_ids: list[str] = Field(default_factory=list, sa_type=JSON)
    original: bool = True  # as declared by the seller or the source
    status: str = Field(default=VideoStatus.PUBLISHED, max_length=16)
    cover_hash: str | None = Field(default=None, max_length=64)
    duplicate_of: str | None = Field(default=None, max_length=128)
    source: str = Field(default="manual", max_length=16)
    first_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class VideoOverride(SQLModel, table=True):
    """A person's judgement of one video (original or not, product-linked or not) that wins
    over detection; kept apart from the imported values so a re-import never undoes it."""

    __tablename__ = "video_override"
    __table_args__ = (UniqueConstraint("shop_id", "video_id"),)

    id: int | None = Field(default=None, primary_key=True)
    shop_id: str = Field(foreign_key="shop.id", max_length=64)
    video_id: str = Field(max_length=128)
    original: bool | None = None  # None: detection decides
    has_product: bool | None = None
    by: str = Field(max_length=100)
    reason: str = Field(sa_type=Text)
    at: datetime = Field(sa_type=UTCDateTime)


class Alert(SQLModel, table=True):
    """A standing condition for one shop, period and rule: the dedup key of its messages."""

    __tablename__ = "alert"
    __table_args__ = (
        UniqueConstraint("shop_id", "period_start", "rule", "subject"),
        _one_of("rule", AlertRule, "rule"),
        _one_of("state", AlertState, "state"),
        _one_of("severity", Severity, "severity"),
    )

    id: int | None = Field(default=None, primary_key=True)
    shop_id: str = Field(foreign_key="shop.id", max_length=64, index=True)
    period_start: date  # local date the week (or, for daily rules, the day) starts
    rule: str = Field(max_length=32)
    # What in the shop it is about when a rule speaks of one thing ("item:42:1234", one
    # blocking of item 42); '' for the shop's week or day.
    subject: str = Field(default="", max_length=100)
    severity: str = Field(max_length=16)
    state: str = Field(default=AlertState.FIRING, max_length=16)
    opened_at: datetime = Field(sa_type=UTCDateTime)
    last_notified_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    notifications: int = 0
    detail: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


class OutboxMessage(SQLModel, table=True):
    """A message to deliver, written in the same transaction as the decision behind it."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        UniqueConstraint("dedup_key", "sequence"),
        Index("ix_outbox_due", "state", "next_attempt_at"),
        _one_of("state", MessageState, "state"),
        _one_of("kind", MessageKind, "kind"),
        _one_of("severity", Severity, "severity"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # None: a message to the whole team (the weekly digest), about no one shop.
    shop_id: str | None = Field(default=None, foreign_key="shop.id", max_length=64, index=True)
    alert_id: int | None = Field(default=None, foreign_key="alert.id")
    dedup_key: str = Field(max_length=200)
    sequence: int = 0
    kind: str = Field(max_length=16)
    severity: str = Field(default=Severity.INFO, max_length=16)
    title: str = Field(sa_type=Text)
    body: str = Field(sa_type=Text)
    created_at: datetime = Field(sa_type=UTCDateTime)
    next_attempt_at: datetime = Field(sa_type=UTCDateTime)
    state: str = Field(default=MessageState.PENDING, max_length=16)
    attempts: int = 0
    claimed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, sa_type=Text)
    delivered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class DeliveryAttempt(SQLModel, table=True):
    """One try at delivering a message to one target, with what the target answered."""

    __tablename__ = "delivery_attempt"

    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(foreign_key="outbox_message.id", index=True)
    at: datetime = Field(sa_type=UTCDateTime)
    target: str = Field(max_length=200)  # scheme and host only: URLs carry tokens
    # None: written as the send began and no answer recorded since. Once the message's
    # lease is over, its process died mid-send: the target may have taken it.
    ok: bool | None = None
    error: str | None = Field(default=None, sa_type=Text)
    duration_ms: int = 0


class Listing(SQLModel, table=True):
    """A product listing as the seller wrote it (Chinese source text)."""

    __tablename__ = "listing"
    __table_args__ = (UniqueConstraint("shop_id", "product_id"),)

    id: int | None = Field(default=None, primary_key=True)
    shop_id: str = Field(foreign_key="shop.id", max_length=64)
    product_id: str = Field(max_length=128)
    sku: str = Field(default="", max_length=128)
    title: str = Field(default="", sa_type=Text)
    description: str = Field(default="", sa_type=Text)
    caption: str = Field(default="", sa_type=Text)
    images: list[str] = Field(default_factory=list, sa_type=JSON)
    category: str = Field(default="", max_length=200)
    safety_report_date: date | None = None
    source_hash: str = Field(max_length=64)
    imported_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class LocalizationItem(SQLModel, table=True):
    """One listing in one target language, for one version of its source text."""

    __tablename__ = "localization_item"
    __table_args__ = (
        UniqueConstraint("listing_id", "language", "source_hash"),
        Index("ix_item_shop_state", "shop_id", "state"),
        _one_of("state", ItemState, "state"),
    )

    id: int | None = Field(default=None, primary_key=True)
    listing_id: int = Field(foreign_key="listing.id")
    shop_id: str = Field(foreign_key="shop.id", max_length=64)
    language: str = Field(max_length=16)
    source_hash: str = Field(max_length=64)
    state: str = Field(default=ItemState.PENDING, max_length=16)
    title: str | None = Field(default=None, sa_type=Text)
    description: str | None = Field(default=None, sa_type=Text)
    caption: str | None = Field(default=None, sa_type=Text)
    origins: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    findings: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    images: list[str] = Field(default_factory=list, sa_type=JSON)
    error: str | None = Field(default=None, sa_type=Text)
    attempts: int = 0
    version: int = 1  # bumped on every change: a writer of an older version loses
    # The version a reviewer sees: 1 when the item first waits for review, moved only when
    # its text changes (`version` above also moves for images drawn, claims, findings).
    revision: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # Why a rejected item waits for a person's translation rather than `localize run`:
    # "person" (the shop's on_reject) or "engines" (every engine answered the rejected text).
    needs_person: str | None = Field(default=None, max_length=16)
    claimed_by: str | None = Field(default=None, max_length=100)  # a reviewer has it open
    claimed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class TranslationMemory(SQLModel, table=True):
    """A translated segment; `scope` is a shop id, or '' for the memory every shop shares."""

    __tablename__ = "translation_memory"
    __table_args__ = (
        UniqueConstraint("scope", "source_lang", "target_lang", "source_key", "quality"),
        _one_of("quality", Quality, "quality"),
    )

    id: int | None = Field(default=None, primary_key=True)
    scope: str = Field(default="", max_length=64)
    source_lang: str = Field(max_length=16)
    target_lang: str = Field(max_length=16)
    source_key: str = Field(max_length=64)  # sha256 of the normalised source
    source_text: str = Field(sa_type=Text)
    target_text: str = Field(sa_type=Text)
    quality: str = Field(default=Quality.MACHINE, max_length=16)
    origin: str = Field(default="", max_length=64)
    uses: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class GlossaryTerm(SQLModel, table=True):
    """A protected term: never translated (`target` None) or always translated as `target`."""

    __tablename__ = "glossary_term"
    __table_args__ = (UniqueConstraint("scope", "term", "language"),)

    id: int | None = Field(default=None, primary_key=True)
    scope: str = Field(default="", max_length=64)
    term: str = Field(max_length=200)
    language: str = Field(default="", max_length=16)  # '' = every language
    target: str | None = Field(default=None, max_length=200)
    is_pattern: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ReviewDecision(SQLModel, table=True):
    """What a reviewer decided about one version of an item, and why."""

    __tablename__ = "review_decision"
    __table_args__ = (_one_of("decision", Decision, "decision"),)

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="localization_item.id", index=True)
    reviewer: str = Field(max_length=100)
    decision: str = Field(max_length=16)
    reason: str = Field(default="", sa_type=Text)
    item_version: int
    # A rejection's target: the texts rejected (never accepted again), the engines that
    # gave them, the images to draw again; the reviewer version decided.
    detail: dict[str, Any] = Field(
        default_factory=dict, sa_type=JSON, sa_column_kwargs={"server_default": text("'{}'")}
    )
    at: datetime = Field(sa_type=UTCDateTime)


class AuditEvent(SQLModel, table=True):
    """An append-only trail of who changed what."""

    __tablename__ = "audit_event"
    # an item's trail is read by its id (when it was blocked, since when it waits)
    __table_args__ = (Index("ix_audit_event_entity", "entity", "entity_id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=UTCDateTime, index=True)
    actor: str = Field(max_length=100)
    shop_id: str | None = Field(default=None, max_length=64)
    entity: str = Field(max_length=64)
    entity_id: str = Field(max_length=128)
    action: str = Field(max_length=64)
    detail: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


class PublishRecord(SQLModel, table=True):
    """One publication of one version of an item; the same content is never sent twice."""

    __tablename__ = "publish_record"
    __table_args__ = (
        UniqueConstraint("item_id", "content_hash"),
        _one_of("state", PublishState, "state"),
    )

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="localization_item.id")
    shop_id: str = Field(foreign_key="shop.id", max_length=64)
    kind: str = Field(max_length=16)
    content_hash: str = Field(max_length=64)
    state: str = Field(max_length=16)
    remote_ref: str | None = Field(default=None, sa_type=Text)  # an image URI may be long
    detail: str = Field(default="", sa_type=Text)
    attempts: int = 1
    at: datetime = Field(sa_type=UTCDateTime)


class JobRun(SQLModel, table=True):
    """A daemon job's run: when, whether it worked, and the error if not (a run that could
    not do some of its items is not ok either; `error` then lists each item's error)."""

    __tablename__ = "job_run"
    __table_args__ = (
        Index("ix_job_run_shop_job", "shop_id", "job", "started_at"),
        Index("ix_job_run_started_at", "started_at"),  # a worker's tick: every shop's last runs
    )

    id: int | None = Field(default=None, primary_key=True)
    shop_id: str = Field(max_length=64)
    job: str = Field(max_length=64)
    started_at: datetime = Field(sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ok: bool | None = None
    error: str | None = Field(default=None, sa_type=Text)
    worker: str | None = Field(default=None, max_length=128)  # host:pid that ran it
    # The start of the period a `cadence worker` ran it for: a run taken over from a killed
    # worker may start after its period ended and is still that period's run (None: the
    # period is the one `started_at` falls in).
    period: datetime | None = Field(default=None, sa_type=UTCDateTime)


class FleetWorker(SQLModel, table=True):
    """A daemon process (one shop's or a fleet's), seen alive at `seen_at`: `cadence fleet
    status` counts the workers seen lately."""

    __tablename__ = "fleet_worker"

    id: str = Field(primary_key=True, max_length=128)  # host:pid
    shops: int = 0
    started_at: datetime = Field(sa_type=UTCDateTime)
    seen_at: datetime = Field(sa_type=UTCDateTime)
