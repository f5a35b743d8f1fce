"""The states and kinds the store's CHECK constraints allow, as plain enums: the pure core
(quota, alerts) names them without importing SQLModel."""

from __future__ import annotations

from enum import StrEnum


class VideoStatus(StrEnum):
    """Where a video stands on the platform; only published ones count."""

    PUBLISHED = "published"
    SCHEDULED = "scheduled"
    FAILED = "failed"
    DELETED = "deleted"


class AlertRule(StrEnum):
    """Why an alert fired."""

    BEHIND = "behind"
    AT_RISK = "at_risk"
    MISSED = "missed"
    NEW_SHOP_DAILY = "new_shop_daily"
    REMINDER = "reminder"  # a heads-up before a due time; its period is the due day
    REVIEW_WAITING = "review_waiting"  # items wait for a reviewer; its period is the day
    ITEM_BLOCKED = "item_blocked"  # one blocking of one item (the alert's subject)
    ITEMS_BLOCKED = "items_blocked"  # many blockings found at once, told in one message
    # a shop's translation engine failed texts in a run (its subject names the engine); its
    # period is the day: told once a day however often the pipeline runs
    ENGINE_FAILING = "engine_failing"


class AlertState(StrEnum):
    """An alert is firing until the shop catches up or the week ends."""

    FIRING = "firing"
    RESOLVED = "resolved"


class Severity(StrEnum):
    """How loudly an alert (and its messages) speak; notifiers map it to their own levels."""

    INFO = "info"  # reminders, "resolved" messages and the digest
    WARNING = "warning"
    CRITICAL = "critical"


class MessageKind(StrEnum):
    """What an outbox message says of its alert (or, for the digest, of the whole team)."""

    FIRING = "firing"
    REPEAT = "repeat"
    RESOLVED = "resolved"
    DIGEST = "digest"


class MessageState(StrEnum):
    """Delivery state of an outbox message."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"
    DROPPED = "dropped"  # held (quiet hours) and out of date by its time: never sent
    # Its send began in a process that died before the target answered: the chat may show
    # it (webhooks take no idempotency key), so it is never sent again.
    UNCERTAIN = "uncertain"


class ItemState(StrEnum):
    """A localization item's life: see DESIGN.md."""

    PENDING = "pending"
    TRANSLATED = "translated"
    APPROVED = "approved"
    REJECTED = "rejected"
    PUBLISHED = "published"
    BLOCKED = "blocked"
    FAILED = "failed"
    STALE = "stale"


class Quality(StrEnum):
    """Who produced a translation-memory entry; human entries win."""

    HUMAN = "human"
    MACHINE = "machine"


class Decision(StrEnum):
    """What a reviewer did to an item."""

    APPROVE = "approve"
    REJECT = "reject"
    OVERRIDE = "override"
    EDIT = "edit"


class PublishState(StrEnum):
    """Outcome of one publish attempt."""

    PUBLISHED = "published"
    FAILED = "failed"
    BLOCKED = "blocked"
