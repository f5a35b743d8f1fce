"""The weekly quota, evaluated purely: which videos count, where a shop stands, its history.

Weeks are computed in the shop's own timezone on calendar dates, so DST changes (a 23- or
25-hour day) and local midnight fall where the seller expects them. Nothing here reads the
clock: every function takes `now` (timezone-aware).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import cached_property
from zoneinfo import ZoneInfo

BEFORE_OPENING = "before opening"  # history's result for a week the shop was not open all of
# History's result for a week that ended before the bot knew the shop (its store row, its
# first video): the digest and the missed alert do not judge it, nor does history.
NOT_TRACKED = "not_tracked"


class WeekState(StrEnum):
    """Where a shop stands in its current week."""

    MET = "met"
    ON_TRACK = "on_track"
    BEHIND = "behind"


@dataclass(frozen=True)
class QuotaRules:
    """A shop's cadence settings, as the core needs them."""

    shop: str
    zone: ZoneInfo
    quota: int = 3
    week_start: int = 0  # weekday number, Monday 0
    require_product: bool = True
    require_original: bool = True
    opened_on: date | None = None
    new_shop_days: int = 30
    new_shop_daily: int = 0
    display_zone: ZoneInfo | None = None  # times shown to the team; None: the shop's


@dataclass(frozen=True)
class Mark:
    """A person's judgement of a video, which wins over detection (None: not judged)."""

    by: str
    reason: str
    original: bool | None = None
    has_product: bool | None = None

    def as_dict(self) -> dict[str, object]:
        """For --json."""
        return {
            "original": self.original,
            "product": self.has_product,
            "by": self.by,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class VideoFacts:
    """What the core needs to know about one posted video."""

    video_id: str
    posted_at: datetime
    status: str = "published"
    has_product: bool = True
    original: bool = True
    duplicate_of: str | None = None
    title: str = ""
    mark: Mark | None = None  # already applied to the fields above; kept to show it


@dataclass(frozen=True)
class Week:
    """One week of a shop, in its local calendar, with its UTC bounds."""

    start: date
    zone: ZoneInfo

    @property
    def end(self) -> date:
        """The first local date after the week."""
        return self.start + timedelta(days=7)

    @cached_property
    def starts_at(self) -> datetime:
        """Local midnight at the start, as an aware datetime."""
        return local_midnight(self.start, self.zone)

    @cached_property
    def ends_at(self) -> datetime:
        """Local midnight after the last day."""
        return local_midnight(self.end, self.zone)

    def contains(self, moment: datetime) -> bool:
        """Whether `moment` falls inside the week."""
        return self.starts_at <= moment < self.ends_at


@dataclass(frozen=True)
class WeekStatus:
    """Where a shop stands in one week at one moment."""

    shop: str
    week: Week
    quota: int
    counted: int
    due_by_now: int
    state: WeekState
    at_risk: bool
    days_left: int
    next_due_at: datetime | None
    counted_ids: tuple[str, ...]
    excluded: tuple[tuple[str, str], ...]  # (video id, why it does not count)
    display_zone: ZoneInfo | None = None  # None: the shop's own
    marks: tuple[tuple[str, Mark], ...] = ()  # (video id, judgement) of the week's videos

    @property
    def shown_zone(self) -> ZoneInfo:
        """The timezone times are shown to the team in."""
        return self.display_zone or self.week.zone

    @property
    def remaining(self) -> int:
        """Videos still owed this week."""
        return max(0, self.quota - self.counted)

    @property
    def overdue_since(self) -> datetime | None:
        """When the first video still owed fell due, if that has passed (the shop is behind);
        None when nothing owed is overdue. The alert messages' "overdue" line."""
        if self.due_by_now <= self.counted:
            return None
        return due_at(self.week, self.counted + 1, self.quota)

    @property
    def next_due_ahead(self) -> datetime | None:
        """The next due time still to come: that of the first video owed and not yet
        overdue; None when none is (the quota met, or the week over). `next_due_at` is the
        earliest unmet one, which is in the past when the shop is behind."""
        k = max(self.counted, self.due_by_now) + 1
        return due_at(self.week, k, self.quota) if k <= self.quota else None

    def as_dict(self) -> dict[str, object]:
        """The `status --json` object."""
        return {
            "shop": self.shop,
            "week_start": self.week.start.isoformat(),
            "week_end": (self.week.end - timedelta(days=1)).isoformat(),
            "timezone": self.week.zone.key,
            "quota": self.quota,
            "counted": self.counted,
            "due_by_now": self.due_by_now,
            "state": self.state.value,
            "at_risk": self.at_risk,
            "days_left": self.days_left,
            "next_due_at": self.next_due_at.isoformat() if self.next_due_at else None,
            "counted_videos": list(self.counted_ids),
            "excluded": [{"video": v, "reason": r} for v, r in self.excluded],
            "display_timezone": self.shown_zone.key,
            "next_due_at_display": (
                self.next_due_at.astimezone(self.shown_zone).isoformat()
                if self.next_due_at
                else None
            ),
            "overrides": [{"video": v} | m.as_dict() for v, m in self.marks],
            **self._moment("overdue_since", self.overdue_since),
            **self._moment("next_due_ahead", self.next_due_ahead),
        }

    def _moment(self, key: str, moment: datetime | None) -> dict[str, str | None]:
        """`key` in the shop's time and `key_display` in the team's, for --json."""
        return {
            key: moment.isoformat() if moment else None,
            f"{key}_display": moment.astimezone(self.shown_zone).isoformat() if moment else None,
        }


@dataclass(frozen=True)
class DayStatus:
    """A new shop's daily target for one local day."""

    day: date
    target: int
    counted: int

    @property
    def met(self) -> bool:
        """Whether the day's target was reached."""
        return self.counted >= self.target


@dataclass(frozen=True)
class History:
    """Past weeks, newest first, and the streak of met weeks."""

    # (week, counted, quota, met|missed|current|before opening|not_tracked)
    weeks: tuple[tuple[Week, int, int, str], ...]
    streak: int = 0
    current: WeekStatus | None = field(default=None)


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The first moment of a local date (after a DST gap at midnight, the first that exists)."""
    # fold=0 gives a gap's wall time the offset from before the jump; the UTC round trip
    # then lands on the first real moment of the day, and an ambiguous midnight on the first.
    return datetime.combine(day, time(0), zone).astimezone(UTC).astimezone(zone)


def week_of(moment: datetime, zone: ZoneInfo, week_start: int = 0) -> Week:
    """The shop-local week containing `moment`."""
    _aware(moment)
    local = moment.astimezone(zone).date()
    return Week(start=local - timedelta(days=(local.weekday() - week_start) % 7), zone=zone)


def due_day(k: int, quota: int) -> int:
    """The day of the week (1-7) by whose end the k-th of `quota` videos is due."""
    return math.ceil(7 * k / quota)


def due_by(days_completed: int, quota: int) -> int:
    """How many videos are due once `days_completed` whole local days of the week have passed."""
    return sum(1 for k in range(1, quota + 1) if due_day(k, quota) <= days_completed)


def why_not_counted(video: VideoFacts, rules: QuotaRules) -> str | None:
    """None when the video counts toward the quota, else the reason it does not."""
    if video.status != "published":
        return f"not published ({video.status})"
    if rules.require_product and not video.has_product:
        return "no product link"
    if rules.require_original and not video.original:
        return "marked not original"
    if rules.require_original and video.duplicate_of:
        return f"re-upload of {video.duplicate_of} (same cover)"
    return None


def evaluate_week(
    rules: QuotaRules, videos: Iterable[VideoFacts], now: datetime, *, week: Week | None = None
) -> WeekStatus:
    """Where the shop stands at `now` in `week` (default: the week containing `now`)."""
    _aware(now)
    week = week or week_of(now, rules.zone, rules.week_start)
    local_today = now.astimezone(rules.zone).date()
    days_completed = min(7, max(0, (local_today - week.start).days))
    counted: list[VideoFacts] = []
    excluded: list[tuple[str, str]] = []
    marks: list[tuple[str, Mark]] = []
    for video in sorted(videos, key=lambda v: (v.posted_at, v.video_id)):
        if not week.contains(video.posted_at) or video.posted_at > now:
            continue
        if video.mark is not None:
            marks.append((video.video_id, video.mark))
        reason = why_not_counted(video, rules)
        if reason is None:
            counted.append(video)
        else:
            excluded.append((video.video_id, reason))
    n = len(counted)
    due = due_by(days_completed, rules.quota)
    if n >= rules.quota:
        state = WeekState.MET
    elif n >= due:
        state = WeekState.ON_TRACK
    else:
        state = WeekState.BEHIND
    days_left = 7 - days_completed
    next_due_at = None
    if n < rules.quota:
        next_due_at = due_at(week, n + 1, rules.quota)
    return WeekStatus(
        shop=rules.shop,
        week=week,
        quota=rules.quota,
        counted=n,
        due_by_now=due,
        state=state,
        at_risk=state is not WeekState.MET and (rules.quota - n) > days_left,
        days_left=days_left,
        next_due_at=next_due_at,
        counted_ids=tuple(v.video_id for v in counted),
        excluded=tuple(excluded),
        display_zone=rules.display_zone,
        marks=tuple(marks),
    )


def due_at(week: Week, k: int, quota: int) -> datetime:
    """When the k-th of `quota` videos of the week is due: the local midnight ending its day."""
    return local_midnight(week.start + timedelta(days=due_day(k, quota)), week.zone)


def previous_week(week: Week) -> Week:
    """The week before."""
    return Week(start=week.start - timedelta(days=7), zone=week.zone)


def history(
    rules: QuotaRules,
    videos: Sequence[VideoFacts],
    now: datetime,
    *,
    weeks: int = 8,
    known_since: datetime | None = None,
) -> History:
    """The last `weeks` closed weeks as met or missed, and the streak of met weeks.

    The streak counts consecutive met weeks back from the last closed week, plus the
    current week when it is already met (a week still under way cannot break it).
    Weeks wholly before the shop opened are not reported; the week it opened in, when it
    began before `opened_on`, is `met` if the quota was reached anyway and otherwise
    `before opening`: not tracked, so it neither counts towards the streak nor breaks it.
    A week that ended by `known_since` (when the bot first knew the shop) is `not_tracked`,
    met or not, as the digest says it: it neither counts towards the streak nor breaks it.
    """
    current = evaluate_week(rules, videos, now)
    rows: list[tuple[Week, int, int, str]] = [
        (current.week, current.counted, current.quota, "current")
    ]
    week = current.week
    closed: list[str] = []
    for _ in range(max(0, weeks)):
        week = previous_week(week)
        if rules.opened_on and week.end <= rules.opened_on:
            break
        status = evaluate_week(rules, videos, week.ends_at, week=week)
        verdict = "met" if status.counted >= rules.quota else "missed"
        if verdict == "missed" and rules.opened_on and week.start < rules.opened_on:
            verdict = BEFORE_OPENING
        if known_since is not None and not tracked(week, known_since):
            verdict = NOT_TRACKED
        rows.append((week, status.counted, rules.quota, verdict))
        closed.append(verdict)
    streak = 0
    for verdict in closed:
        if verdict in (BEFORE_OPENING, NOT_TRACKED):
            continue
        if verdict != "met":
            break
        streak += 1
    if current.state is WeekState.MET:
        streak += 1
    return History(weeks=tuple(rows), streak=streak, current=current)


def tracked(week: Week, known_since: datetime) -> bool:
    """Whether the bot knew the shop before the week ended, so that judging it is fair
    (the missed alert's, the digest's and history's one rule)."""
    return known_since < week.ends_at


def new_shop_day(
    rules: QuotaRules, videos: Iterable[VideoFacts], now: datetime
) -> DayStatus | None:
    """Yesterday's daily target for a shop in its first days, or None when it does not apply.

    Judged on the day just ended, so a shop is never told off at noon for a day not over.
    """
    if not rules.new_shop_daily or rules.opened_on is None:
        return None
    today = now.astimezone(rules.zone).date()
    day = today - timedelta(days=1)
    if day < rules.opened_on or day >= rules.opened_on + timedelta(days=rules.new_shop_days):
        return None
    start, end = local_midnight(day, rules.zone), local_midnight(today, rules.zone)
    counted = sum(
        1 for v in videos if start <= v.posted_at < end and why_not_counted(v, rules) is None
    )
    return DayStatus(day=day, target=rules.new_shop_daily, counted=counted)


def _aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment!r} has no timezone; the core only takes aware datetimes")
