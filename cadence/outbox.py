"""The outbox: alert decisions become rows in the same transaction; a deliverer sends them.

A message is leased before it is sent, each send is recorded as it begins and again when
its target answers. A process killed between the two leaves a send with no answer: once
the lease runs out, the deliverer that takes the message over cannot know whether the
chat showed it (the team chats' webhooks take no idempotency key), so that target is
recorded as "may have been delivered" and never sent to again: an alert is never sent
twice. Missing one is the smaller harm: a shop that stays behind is said again by the
next rung of the escalation ladder and by the digest, and `cadence alerts` and `cadence
fleet status` show the uncertain message. A send whose request went out and got no answer
by the deadline is the same uncertainty (the chat may be slow to answer a message it shows)
and is recorded so at once, never sent again. A send that failed (no connection made, in
time or at all; an error answer) is certain and retried as before; so is a process
killed before a send began.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, or_
from sqlmodel import Session, col, select

from cadence.alerts import REMINDER, STANDING, UNTRUE_ONCE_CLOSED, Action, AlertDecision
from cadence.messages import Message
from cadence.notify import DeliveryError, Notifier
from cadence.quota import local_midnight
from config.runtime import Clock, utcnow
from config.settings import ScheduleSettings
from store.db import read_scope, session_scope
from store.models import Alert, AlertState, DeliveryAttempt, MessageState, OutboxMessage, Shop
from store.queries import claim_due_messages, delivered_targets, unanswered_sends
from store.queries import shops_with_due_messages as _due_shops
from store.states import MessageKind, Severity

MAX_ATTEMPTS = 8
LEASE = timedelta(seconds=ScheduleSettings.model_fields["lease_seconds"].default)


def backoff(attempts: int) -> timedelta:
    """Wait before the next try: 30 s doubling to at most an hour (8 tries ≈ 2 hours)."""
    return timedelta(seconds=min(30 * 2 ** max(0, attempts - 1), 3600))


def dedup_key(shop_id: str, period: object, rule: str, subject: str = "") -> str:
    """The alert's identity: one per shop, period and rule (and subject, when it has one)."""
    return f"{shop_id}:{period}:{rule}" + (f":{subject}" if subject else "")


def apply_decision(
    session: Session,
    *,
    shop_id: str,
    decision: AlertDecision,
    message: Message | None,
    now: datetime,
    existing: Alert | None,
    summary: DeliverySummary | None = None,
) -> OutboxMessage | None:
    """Write one decision: the alert row, and its outbox message when it notifies; the
    alert's messages it makes untrue are dropped (counted in `summary`)."""
    alert = existing or Alert(
        shop_id=shop_id,
        period_start=decision.period_start,
        rule=decision.rule,
        subject=decision.subject,
        severity=decision.severity,
        opened_at=now,
    )
    if decision.action in (Action.OPEN, Action.REPEAT):
        if alert.state != AlertState.FIRING or existing is None:
            alert.opened_at = now
            alert.resolved_at = None
        alert.state = AlertState.FIRING
    else:  # resolve, close and one-off notices end in resolved
        alert.state = AlertState.RESOLVED
        alert.resolved_at = now
    if existing is not None and existing.id is not None:
        # A message still unsent says what was true before this decision: the alert's
        # resolve or close makes it untrue, a newer message about the alert replaces it.
        ended = decision.action in (Action.RESOLVE, Action.CLOSE)
        dropped = drop_unsent(
            session,
            existing.id,
            now=now,
            reason=(
                f"the alert was {'resolved' if decision.action is Action.RESOLVE else 'closed'}"
                f" at {now.isoformat()} before this reached the team"
                if ended
                else "a newer message about the alert replaced it before it was delivered"
            ),
        )
        if summary is not None:
            summary.dropped += dropped
    outbox = None
    if decision.notify and message is not None:
        alert.notifications += 1
        alert.last_notified_at = now
    session.add(alert)
    session.flush()
    if decision.notify and message is not None:
        kind = (
            MessageKind.RESOLVED
            if decision.action is Action.RESOLVE
            else (MessageKind.REPEAT if decision.action is Action.REPEAT else MessageKind.FIRING)
        )
        key = dedup_key(shop_id, decision.period_start, decision.rule, decision.subject)
        outbox = OutboxMessage(
            shop_id=shop_id,
            alert_id=alert.id,
            dedup_key=key,
            sequence=alert.notifications,
            kind=kind,
            severity=Severity.INFO if kind is MessageKind.RESOLVED else decision.severity,
            title=message.title,
            # The reference lets the team (and the crash test) tell messages apart.
            body=f"{message.body}\nref: {key}#{alert.notifications}",
            created_at=now,
            next_attempt_at=decision.send_at,
        )
        session.add(outbox)
        session.flush()
    return outbox


def unsent(session: Session, *, now: datetime, alert_ids: Sequence[int]) -> list[OutboxMessage]:
    """The alerts' messages that no target has taken and none may have: pending, not
    leased to a deliverer at `now` (one sending it now finishes), no send begun and left
    unanswered (a deliverer records that as uncertain). Only these may be dropped or
    rewritten."""
    if not alert_ids:
        return []
    rows = session.exec(
        select(OutboxMessage).where(
            col(OutboxMessage.alert_id).in_(list(alert_ids)),
            OutboxMessage.state == MessageState.PENDING,
            or_(col(OutboxMessage.claimed_until).is_(None), OutboxMessage.claimed_until <= now),
        )
    ).all()
    return [row for row in rows if not unanswered_sends(session, message_id=row.id)]


def drop_unsent(session: Session, alert_id: int, *, now: datetime, reason: str) -> int:
    """Drop the alert's unsent messages (`unsent`), each with the reason; how many."""
    rows = unsent(session, now=now, alert_ids=[alert_id])
    for row in rows:
        drop(session, row, reason)
    return len(rows)


def drop(session: Session, message: OutboxMessage, reason: str) -> None:
    """Record a message as never to be sent, and why (`cadence alerts` shows it)."""
    message.state = MessageState.DROPPED
    message.claimed_until = None
    message.last_error = reason[:2000]
    session.add(message)


@dataclass
class DeliverySummary:
    """What one delivery pass did."""

    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    dropped: int = 0
    uncertain: int = 0  # sent by a process that died before the answer: not sent again
    errors: list[str] = field(default_factory=list)
    unanswered: list[str] = field(default_factory=list)  # why each uncertain one may have gone

    @property
    def idle(self) -> bool:
        """Whether the pass had nothing to send."""
        return not (
            self.delivered or self.retrying or self.failed or self.dropped or self.uncertain
        )

    def add(self, other: DeliverySummary) -> None:
        """Count another pass's results in this one."""
        self.delivered += other.delivered
        self.retrying += other.retrying
        self.failed += other.failed
        self.dropped += other.dropped
        self.uncertain += other.uncertain
        self.errors += other.errors
        self.unanswered += other.unanswered


def shops_with_due_messages(
    engine: Engine, *, now: datetime, clock: Clock = utcnow
) -> list[str | None]:
    """The shops whose messages are due (None for the team's), from one query: a fleet
    starts a delivery only for these."""
    with read_scope(engine) as session:
        return _due_shops(session, now=now, moment=clock())


def deliver_due(
    engine: Engine,
    *,
    notifiers: Callable[[str | None], Sequence[Notifier]],
    now: datetime,
    shop_id: str | None = None,
    team: bool = False,
    max_attempts: int = MAX_ATTEMPTS,
    lease: timedelta = LEASE,
    limit: int = 100,
    clock: Clock = utcnow,
    stop: Callable[[], bool] = lambda: False,
) -> DeliverySummary:
    """Send every due message (of one shop, of the whole team with `team`, or all) to its
    shop's targets (a team message's: the digest's).

    `now` decides what is due; each lease starts when its message is claimed (`clock`), so
    the window for a duplicate is one message's send-to-record, however long the pass.
    Messages are claimed one at a time, so a deliverer that dies holds at most one lease,
    and several deliverers (PostgreSQL) share the queue. Once `stop()` is true no further
    message is claimed: a stopping daemon finishes the message in hand and no more.
    """
    summary = DeliverySummary()
    for _ in range(limit):
        if stop():
            break
        with session_scope(engine) as session:
            claimed = claim_due_messages(
                session, now=now, lease=lease, shop_id=shop_id, team=team, limit=1, clock=clock
            )
            if not claimed:
                break
            message_id = claimed[0].id
        _deliver_one(engine, message_id, notifiers, now, max_attempts, summary)
    return summary


def _deliver_one(
    engine: Engine,
    message_id: int,
    notifiers: Callable[[str | None], Sequence[Notifier]],
    now: datetime,
    max_attempts: int,
    summary: DeliverySummary,
) -> None:
    with session_scope(engine) as session:
        message = session.get(OutboxMessage, message_id)
        assert message is not None
        # Sends begun and never answered: the lease this message was claimed under was
        # over, so the process that began them died. They may have reached the chat.
        lost = _record_uncertain(session, message_id)
        uncertain = sorted({attempt.target for attempt in lost})
        why_uncertain = list(dict.fromkeys(attempt.error or "" for attempt in lost))
        done = delivered_targets(session, message_id=message_id)
        stale = None if uncertain else why_stale(session, message, now=now)
        if stale is not None:  # it would mislead now: never sent, and it says why
            drop(session, message, stale)
            summary.dropped += 1
            return
    errors: list[str] = []
    try:
        targets = list(notifiers(message.shop_id))
    except DeliveryError as exc:  # e.g. an alert URL whose variable is missing
        targets, errors = [], [exc.message]
    for notifier in targets:
        # a target named by its env: entry was stored by its masked URL alone before
        if notifier.target in done or getattr(notifier, "masked", None) in done:
            continue
        with session_scope(engine) as session:  # committed before the request goes out
            attempt = DeliveryAttempt(message_id=message_id, at=now, target=notifier.target)
            session.add(attempt)
            session.flush()
            attempt_id = attempt.id
        started = time.perf_counter()
        error = None
        unanswered = False
        try:
            notifier.send(message.title, message.body, message.severity)
        except DeliveryError as exc:
            if exc.uncertain:  # sent, no answer by the deadline: as if killed mid-send
                unanswered = True
                error = _uncertain_text([notifier.target], exc.problem)
                uncertain.append(notifier.target)
                why_uncertain.append(error)
            else:
                error = exc.problem
                errors.append(exc.message)
        with session_scope(engine) as session:  # recorded at once: narrows the uncertain window
            answered = session.get(DeliveryAttempt, attempt_id)
            assert answered is not None
            answered.ok = None if unanswered else error is None
            answered.error = error
            answered.duration_ms = int((time.perf_counter() - started) * 1000)
            session.add(answered)
    with session_scope(engine) as session:
        message = session.get(OutboxMessage, message_id)
        assert message is not None
        message.claimed_until = None
        message.attempts += 1
        if not errors:
            message.state = MessageState.UNCERTAIN if uncertain else MessageState.DELIVERED
            message.delivered_at = None if uncertain else now
            message.last_error = "; ".join(why_uncertain)[:2000] if uncertain else None
            if uncertain:
                summary.uncertain += 1
                summary.unanswered.extend(why_uncertain)
            else:
                summary.delivered += 1
        else:
            message.last_error = "; ".join(errors)[:2000]
            summary.errors.extend(errors)
            if message.attempts >= max_attempts:
                message.state = MessageState.FAILED
                summary.failed += 1
            else:
                message.next_attempt_at = now + backoff(message.attempts)
                summary.retrying += 1
        session.add(message)


def _uncertain_text(targets: Sequence[str], problem: str | None = None) -> str:
    """What a person reads of sends whose answer never came: lost with their process, or
    (`problem`) not given by the deadline."""
    why = (
        f"the request went out and there was {problem}"
        if problem
        else "the process sending it stopped before the answer came"
    )
    return (
        f"may have been delivered to {', '.join(targets)}: {why}; not sent again (so it is "
        "never sent twice)"
    )[:2000]


def _record_uncertain(session: Session, message_id: int) -> list[DeliveryAttempt]:
    """Mark this message's sends that never got an answer as uncertain (their answer stays
    unknown: `ok` None), and return them."""
    rows = unanswered_sends(session, message_id=message_id)
    for row in rows:
        if row.error is None:
            row.error = _uncertain_text([row.target])
            session.add(row)
    return rows


def why_stale(session: Session, message: OutboxMessage, *, now: datetime) -> str | None:
    """Why a message not yet sent (held by quiet hours, or retried after a failed send)
    would mislead if sent at `now`, or None.

    Stale: its alert was closed (the shop caught up; the item was unblocked) or a newer
    message about the alert was written; a reminder whose due time has come, a message
    about a week that is over; or it says "resolved" of an alert no message of which
    reached the team (it never heard of the problem).
    """
    if message.alert_id is None:
        return None
    alert = session.get(Alert, message.alert_id)
    if alert is None:
        return None
    # Held, never tried: a newer message written before it was due replaces it. (One
    # written later, while this is retried, dropped it as it was written: apply_decision.)
    newer = (
        message.attempts == 0
        and session.exec(
            select(OutboxMessage.id).where(
                OutboxMessage.alert_id == alert.id,
                OutboxMessage.sequence > message.sequence,
                OutboxMessage.created_at < message.next_attempt_at,
            )
        ).first()
    )
    if newer:
        return "a newer message about the alert was written while this one was held"
    closed_at = alert.resolved_at if alert.state != AlertState.FIRING else None
    standing = message.kind != MessageKind.RESOLVED and alert.rule in UNTRUE_ONCE_CLOSED
    if standing and closed_at is not None:
        return f"the alert was closed at {closed_at.isoformat()} before this was delivered"
    over = _over_at(session, message.shop_id, alert)
    if over is not None and over <= now:
        what = "its due time" if alert.rule == REMINDER else "the week it is about ended"
        return f"{what} ({over.isoformat()}) passed before this was delivered"
    if message.kind == MessageKind.RESOLVED and not _heard_of(session, alert.id, message):
        return "no message about the alert it resolves reached the team"
    return None


def _over_at(session: Session, shop_id: str | None, alert: Alert) -> datetime | None:
    """When a quota message stops being true whatever happens: a reminder at the due time
    it warns of (the local midnight ending its period's day), a behind or at-risk alert's
    at the end of its week; None for the other rules."""
    days = 1 if alert.rule == REMINDER else 7 if alert.rule in STANDING else None
    shop = session.get(Shop, shop_id) if shop_id and days else None
    if shop is None or days is None:
        return None
    return local_midnight(alert.period_start + timedelta(days=days), ZoneInfo(shop.timezone))


def _heard_of(session: Session, alert_id: int, message: OutboxMessage) -> bool:
    """Whether an earlier message about the alert reached the team (or may have), or is
    still on its way (a resolve waits for it, and follows it)."""
    earlier = session.exec(
        select(OutboxMessage).where(
            OutboxMessage.alert_id == alert_id, OutboxMessage.sequence < message.sequence
        )
    ).all()
    if not earlier:
        return True  # written without a message before it: not this rule's to judge
    for row in earlier:
        if row.state in (MessageState.DELIVERED, MessageState.UNCERTAIN, MessageState.PENDING):
            return True
        if delivered_targets(session, message_id=row.id):  # taken by some targets
            return True
    return False
