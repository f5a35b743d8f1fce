"""The outbox: alert decisions become rows in the same transaction; a deliverer sends them.

A message is leased before it is sent, each send is recorded as it begins and again when
its target answers. A process killed between the two leaves a send with no answer: once
the lease runs out, the deliverer that takes the message over cannot know whether the
chat showed it (the team chats' webhooks take no idempotency key), so that target is
recorded as "may have been delivered" and never sent to again: an alert is never sent
twice. Missing one is the smaller harm: a shop that stays behind is said again by the
next rung of the escalation ladder and by the digest, and `cadence alerts` and `cadence
fleet status` show the uncertain message. A send that failed (cannot connect, an error
answer) is certain and retried as before; so is a process killed before a send began.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, select

from cadence.alerts import UNTRUE_ONCE_CLOSED, Action, AlertDecision
from cadence.messages import Message
from cadence.notify import DeliveryError, Notifier
from config.runtime import Clock, utcnow
from config.settings import ScheduleSettings
from store.db import read_scope, session_scope
from store.models import Alert, AlertState, DeliveryAttempt, MessageState, OutboxMessage
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
) -> OutboxMessage | None:
    """Write one decision: the alert row, and its outbox message when it notifies."""
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


@dataclass
class DeliverySummary:
    """What one delivery pass did."""

    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    dropped: int = 0
    uncertain: int = 0  # sent by a process that died before the answer: not sent again
    errors: list[str] = field(default_factory=list)

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
        uncertain = sorted({attempt.target for attempt in _record_uncertain(session, message_id)})
        done = delivered_targets(session, message_id=message_id)
        stale = None if uncertain else why_stale(session, message)
        if stale is not None:  # it would mislead now: never sent, and it says why
            message.state = MessageState.DROPPED
            message.claimed_until = None
            message.last_error = stale
            session.add(message)
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
        try:
            notifier.send(message.title, message.body, message.severity)
        except DeliveryError as exc:
            error = exc.problem
            errors.append(exc.message)
        with session_scope(engine) as session:  # recorded at once: narrows the uncertain window
            answered = session.get(DeliveryAttempt, attempt_id)
            assert answered is not None
            answered.ok = error is None
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
            message.last_error = _uncertain_text(uncertain) if uncertain else None
            if uncertain:
                summary.uncertain += 1
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


def _uncertain_text(targets: Sequence[str]) -> str:
    """What a person reads of sends whose answer was lost with their process."""
    return (
        f"may have been delivered to {', '.join(targets)}: the process sending it stopped "
        "before the answer came; not sent again (so it is never sent twice)"
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


def why_stale(session: Session, message: OutboxMessage) -> str | None:
    """Why a message held back (by quiet hours) would mislead if sent now, or None.

    Stale: its alert was closed (resolved, superseded) or a newer message about the alert
    was written before the message was due; or it says "resolved" of an alert whose every
    message was dropped. A message that was due and is late (retries, a deliverer that was
    down) is still owed to its targets and is sent.
    """
    if message.attempts or message.alert_id is None:
        return None
    alert = session.get(Alert, message.alert_id)
    if alert is None:
        return None
    due = message.next_attempt_at  # never tried: when it was meant to go out
    newer = session.exec(
        select(OutboxMessage.id).where(
            OutboxMessage.alert_id == alert.id,
            OutboxMessage.sequence > message.sequence,
            OutboxMessage.created_at < due,
        )
    ).first()
    if newer is not None:
        return "a newer message about the alert was written while this one was held"
    closed_at = alert.resolved_at if alert.state != AlertState.FIRING else None
    standing = message.kind != MessageKind.RESOLVED and alert.rule in UNTRUE_ONCE_CLOSED
    if standing and closed_at is not None and closed_at < due:
        return f"the alert was closed at {closed_at.isoformat()} while this was held"
    if message.kind == MessageKind.RESOLVED:
        earlier = session.exec(
            select(OutboxMessage.state).where(
                OutboxMessage.alert_id == alert.id, OutboxMessage.sequence < message.sequence
            )
        ).all()
        if earlier and all(state == MessageState.DROPPED for state in earlier):
            return "no message about the alert it resolves was sent"
    return None
