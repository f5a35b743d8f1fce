"""Notices about a shop's listings, pure: items waiting for review (or, rejected, for a
person's translation), items blocked.

They go the quota alerts' way (alert rows as the memory, the outbox, the shop's targets
and quiet hours): "N items wait for review" at most once a shop's day, and only when
something waits (the day's alert fires until nothing waits or the day ends, so a notice
held by quiet hours is dropped if nothing waits by its time); "item X blocked" once per
blocking (one alert per audit entry that blocked the item: the same blocking seen again
decides nothing, a blocking after an unblocking is a new alert), closed silently when the
item is no longer blocked. More than BURST blockings
found at once (a missing EPR registration blocks every item of a market; the first check
of a store that has many) are told in one message, each blocking's alert opened silently:
one notice each would run into the chat's rate limit (DingTalk: 20 a minute).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from cadence.alerts import (
    ENGINE_FAILING,
    FIRING,
    ITEM_BLOCKED,
    ITEMS_BLOCKED,
    REVIEW_WAITING,
    Action,
    AlertDecision,
    AlertPolicy,
    AlertRecord,
    release_time,
)

BURST = 5  # more new blockings than this in one check: one message tells them all


@dataclass(frozen=True)
class Blocking:
    """One blocking of one item: why, since when, and the audit entry that blocked it."""

    item_id: int
    product_id: str
    language: str
    reasons: str
    since: datetime
    event_id: int
    says: object = None  # the reasons as stored messages (config.i18n), when it has them

    @property
    def subject(self) -> str:
        """The blocking's identity, its alert's subject."""
        return f"item:{self.item_id}:{self.event_id}"


@dataclass(frozen=True)
class ReviewQueue:
    """The shop's items waiting for review: how many, and since when the oldest waits."""

    waiting: int = 0
    oldest_since: datetime | None = None
    counted_at: datetime | None = None
    for_a_person: int = 0  # of `waiting`, rejected items waiting for a person's translation


@dataclass(frozen=True)
class ListingFacts:
    """What one shop's listings are doing now, as a check sees them."""

    queue: ReviewQueue = field(default_factory=ReviewQueue)
    blocked: tuple[Blocking, ...] = ()

    def blocking(self, subject: str) -> Blocking | None:
        """The blocking an alert's subject names, when it still stands."""
        return next((b for b in self.blocked if b.subject == subject), None)


def decide_listings(
    facts: ListingFacts, alerts: Sequence[AlertRecord], now: datetime, policy: AlertPolicy
) -> list[AlertDecision]:
    """Decisions about a shop's listings at `now`, given the alerts already stored (every
    firing blocked-item alert, and any about a blocking that stands now)."""
    send_at = release_time(now, policy)
    decisions = []
    # the day it goes out: a notice held overnight by quiet hours is that day's
    day = send_at.astimezone(policy.zone).date()
    if facts.queue.waiting:
        if not any(a.rule == REVIEW_WAITING and a.period_start == day for a in alerts):
            decisions.append(AlertDecision(Action.OPEN, REVIEW_WAITING, day, True, send_at))
    for alert in alerts:
        # firing while its day's items wait: closed once none does (a notice still held
        # then is dropped, never sent untrue) or its day is over
        ended = not facts.queue.waiting or alert.period_start != day
        if alert.rule == REVIEW_WAITING and alert.state == FIRING and ended:
            decisions.append(
                AlertDecision(Action.CLOSE, REVIEW_WAITING, alert.period_start, False, send_at)
            )
    known = {a.subject: a for a in alerts if a.rule == ITEM_BLOCKED}
    new = [b for b in facts.blocked if b.subject not in known]
    each = len(new) <= BURST
    for b in new:
        since = b.since.astimezone(policy.zone).date()
        decisions.append(
            AlertDecision(Action.OPEN, ITEM_BLOCKED, since, each, send_at, subject=b.subject)
        )
    if not each:  # one message for them all; named by its first blocking and how many
        subject = f"items:{new[0].event_id}:{len(new)}"
        covers = tuple(b.subject for b in new)
        decisions.append(
            AlertDecision(
                Action.NOTICE, ITEMS_BLOCKED, day, True, send_at, subject=subject, covers=covers
            )
        )
    standing = {b.subject for b in facts.blocked}
    for subject, alert in known.items():
        if alert.state == FIRING and subject not in standing:
            decisions.append(
                AlertDecision(
                    Action.CLOSE, ITEM_BLOCKED, alert.period_start, False, send_at, subject=subject
                )
            )
    return decisions


@dataclass(frozen=True)
class ListingWeek:
    """A shop's listings over one week, for the digest: how many items waited for review
    at some time in it, and how many were blocked at some time in it."""

    waited: int = 0
    blocked: int = 0
    # (engine, days) for each translation engine told failing in the week
    engines_failing: tuple[tuple[str, int], ...] = ()

    @property
    def items(self) -> bool:
        """Whether any item waited or was blocked in the week."""
        return bool(self.waited or self.blocked)

    def __bool__(self) -> bool:
        return self.items or bool(self.engines_failing)


@dataclass(frozen=True)
class Change:
    """One change of an item within the week: what it did and the state it left."""

    item_id: int
    action: str  # the state it moved to, or "edit"
    left: str | None


def listing_week(
    changes: Collection[Change],
    waiting_since: dict[int, datetime],
    blocked_since: dict[int, datetime],
    end: datetime,
) -> ListingWeek:
    """Count a week from its changes and what stands now: an item waited in the week when a
    change in it moved it into or out of review, or it waits now since before the week
    ended (it waited through its end); likewise for blocked."""
    waited = {c.item_id for c in changes if "translated" in (c.action, c.left)}
    waited |= {i for i, since in waiting_since.items() if since < end}
    blocked = {c.item_id for c in changes if "blocked" in (c.action, c.left)}
    blocked |= {i for i, since in blocked_since.items() if since < end}
    return ListingWeek(len(waited), len(blocked))


@dataclass(frozen=True)
class EngineTrouble:
    """A shop's translation engine that failed texts in one run of the pipeline: how many of
    how many, its last error, and the engines that translated them instead."""

    engine: str
    failed: int
    asked: int
    last_error: str
    answered_by: tuple[str, ...] = ()

    @property
    def subject(self) -> str:
        """The notice's subject: the engine."""
        return f"engine:{self.engine}"


def decide_engine_failing(
    troubles: Sequence[EngineTrouble],
    alerts: Sequence[AlertRecord],
    now: datetime,
    policy: AlertPolicy,
) -> list[AlertDecision]:
    """One notice a day per failing engine (the pipeline runs every few minutes; a
    primary down all day behind a working fallback would otherwise be told every run, or
    never): `alerts` are the shop's engine notices already stored."""
    send_at = release_time(now, policy)
    day = send_at.astimezone(policy.zone).date()
    told = {(a.period_start, a.subject) for a in alerts if a.rule == ENGINE_FAILING}
    return [
        AlertDecision(Action.NOTICE, ENGINE_FAILING, day, True, send_at, subject=t.subject)
        for t in troubles
        if (day, t.subject) not in told
    ]
