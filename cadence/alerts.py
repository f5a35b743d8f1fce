"""Alert decisions, pure: what to open, repeat, resolve or close, and when to send it.

Habits from Alertmanager and PagerDuty: one alert per (shop, period, rule) is the dedup
key; notify when the state changes; repeat a standing alert at most every
`repeat_interval`; say "resolved" when the shop catches up; a higher severity supersedes a
lower one. The store's alert rows are the memory: deciding twice at the same moment
decides nothing new, which is what makes `cadence check` safe to re-run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from cadence.quota import DayStatus, WeekState, WeekStatus, due_at
from store.states import AlertRule, AlertState, Severity

BEHIND, AT_RISK, MISSED, NEW_SHOP_DAILY, REMINDER = (
    AlertRule.BEHIND,
    AlertRule.AT_RISK,
    AlertRule.MISSED,
    AlertRule.NEW_SHOP_DAILY,
    AlertRule.REMINDER,
)
REVIEW_WAITING, ITEM_BLOCKED, ITEMS_BLOCKED, ENGINE_FAILING = (
    AlertRule.REVIEW_WAITING,
    AlertRule.ITEM_BLOCKED,
    AlertRule.ITEMS_BLOCKED,
    AlertRule.ENGINE_FAILING,
)
FIRING = AlertState.FIRING
SEVERITY = {
    BEHIND: Severity.WARNING,
    AT_RISK: Severity.CRITICAL,
    MISSED: Severity.WARNING,
    NEW_SHOP_DAILY: Severity.WARNING,
    REMINDER: Severity.INFO,
    REVIEW_WAITING: Severity.INFO,
    ITEM_BLOCKED: Severity.WARNING,
    ITEMS_BLOCKED: Severity.WARNING,
    ENGINE_FAILING: Severity.WARNING,
}
STANDING = (BEHIND, AT_RISK)  # rules that stay firing and repeat; the others are notices
# Rules whose message, held by quiet hours, is dropped when the alert closed meanwhile (the
# shop caught up; the item was unblocked): by its time it would be untrue.
UNTRUE_ONCE_CLOSED = (*STANDING, ITEM_BLOCKED, REVIEW_WAITING)


class Action(StrEnum):
    """What to do with an alert."""

    OPEN = "open"  # start firing (or fire again after a resolve): notify
    REPEAT = "repeat"  # still firing, repeat interval passed: notify
    RESOLVE = "resolve"  # condition cleared: notify when anyone was told
    CLOSE = "close"  # superseded or overtaken by the week's end: silent
    NOTICE = "notice"  # a one-off (missed week, missed day): notify once, never repeats


@dataclass(frozen=True)
class AlertRecord:
    """An alert as stored: the decision's memory."""

    rule: str
    period_start: date
    state: str  # an AlertState
    last_notified_at: datetime | None = None
    notifications: int = 0
    subject: str = ""  # what in the shop it is about, when a rule speaks of one thing


@dataclass(frozen=True)
class AlertPolicy:
    """How insistently to alert one shop."""

    zone: ZoneInfo
    repeat_interval: timedelta = timedelta(hours=24)
    quiet: tuple[time, time] | None = None
    reminder: timedelta | None = None  # a heads-up this long before each unmet due time


@dataclass(frozen=True)
class Due:
    """A due time still unmet: the k-th video of the week, due at `at`."""

    k: int
    at: datetime


@dataclass(frozen=True)
class AlertDecision:
    """One thing to do to one alert; `notify` says whether a message goes out, and when."""

    action: Action
    rule: str
    period_start: date
    notify: bool
    send_at: datetime
    due: Due | None = None  # what a reminder is about
    subject: str = ""  # what in the shop it is about ("item:42:1234": one blocking)
    covers: tuple[str, ...] = ()  # the blockings a message about many tells of

    @property
    def severity(self) -> Severity:
        """How loudly the rule speaks."""
        return SEVERITY[self.rule]


def counted(decisions: Sequence[AlertDecision]) -> list[tuple[str, str, int]]:
    """What a check decided, each action and rule once with how often (a hundred items
    blocked at once are counted, not listed)."""
    said: dict[tuple[str, str], int] = {}
    for d in decisions:
        key = (d.action.value, d.rule)
        said[key] = said.get(key, 0) + 1
    return [(action, rule, n) for (action, rule), n in said.items()]


def in_short(decisions: Sequence[AlertDecision]) -> str:
    """What a check decided, in one short phrase for the log: 'open behind, open
    item_blocked x12'."""
    return ", ".join(
        f"{action} {rule}" + (f" x{n}" if n > 1 else "") for action, rule, n in counted(decisions)
    )


def decide(
    current: WeekStatus,
    alerts: Sequence[AlertRecord],
    now: datetime,
    policy: AlertPolicy,
    *,
    closed: WeekStatus | None = None,
    day: DayStatus | None = None,
) -> list[AlertDecision]:
    """Decisions for a shop at `now`, given its current week, the week just closed and
    (for a new shop) the day just ended, and the alerts already stored."""
    send_at = release_time(now, policy)
    by_key = {(a.period_start, a.rule): a for a in alerts}
    decisions: list[AlertDecision] = []

    def add(action: Action, rule: str, period: date, notify: bool) -> None:
        decisions.append(AlertDecision(action, rule, period, notify, send_at))

    if closed is not None:
        period = closed.week.start
        for rule in STANDING:
            alert = by_key.get((period, rule))
            if alert and alert.state == FIRING:
                if closed.counted >= closed.quota:
                    add(Action.RESOLVE, rule, period, alert.notifications > 0)
                else:
                    add(Action.CLOSE, rule, period, False)
        if closed.counted < closed.quota and (period, MISSED) not in by_key:
            add(Action.NOTICE, MISSED, period, True)

    period = current.week.start
    wanted = AT_RISK if current.at_risk else BEHIND if current.state == WeekState.BEHIND else None
    for rule in STANDING:
        alert = by_key.get((period, rule))
        if rule == wanted or alert is None or alert.state != FIRING:
            continue
        if wanted is None:
            add(Action.RESOLVE, rule, period, alert.notifications > 0)
        else:
            add(Action.CLOSE, rule, period, False)
    if wanted is not None:
        alert = by_key.get((period, wanted))
        if alert is None or alert.state != FIRING:
            add(Action.OPEN, wanted, period, True)
        elif (
            alert.last_notified_at is None or now - alert.last_notified_at >= policy.repeat_interval
        ):
            add(Action.REPEAT, wanted, period, True)

    if day is not None and not day.met and (day.day, NEW_SHOP_DAILY) not in by_key:
        add(Action.NOTICE, NEW_SHOP_DAILY, day.day, True)

    due = upcoming(current, now, policy.reminder) if policy.reminder else None
    # One reminder per due time (its period is the due day); none once quiet hours would
    # hold it past the time it warns of.
    if due is not None and send_at < due.at:
        period = (due.at - timedelta(days=1)).date()
        if (period, REMINDER) not in by_key:
            decisions.append(AlertDecision(Action.NOTICE, REMINDER, period, True, send_at, due))
    return decisions


def upcoming(current: WeekStatus, now: datetime, lead: timedelta) -> Due | None:
    """The next due time of the week whose video is not counted yet, when it is at most
    `lead` away from `now`; None otherwise (or when the week's quota is met)."""
    for k in range(current.counted + 1, current.quota + 1):
        at = due_at(current.week, k, current.quota)
        if at > now:
            return Due(k, at) if at - lead <= now else None
    return None


def release_time(now: datetime, policy: AlertPolicy) -> datetime:
    """`now`, or the end of the shop's quiet hours when `now` falls inside them."""
    if policy.quiet is None:
        return now
    start, end = policy.quiet
    local = now.astimezone(policy.zone)
    t = local.timetz().replace(tzinfo=None)
    inside = (start <= t < end) if start < end else (t >= start or t < end)
    if not inside or start == end:
        return now
    day = local.date() if t < end else local.date() + timedelta(days=1)
    return datetime.combine(day, end, policy.zone).astimezone(UTC).astimezone(policy.zone)
