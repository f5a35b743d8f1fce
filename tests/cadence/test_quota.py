"""The weekly quota over timezones, DST weeks and local midnight, with `now` passed in."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from cadence.quota import (
    QuotaRules,
    VideoFacts,
    due_by,
    due_day,
    evaluate_week,
    history,
    new_shop_day,
    week_of,
)

BKK = ZoneInfo("Asia/Bangkok")
LON = ZoneInfo("Europe/London")
BER = ZoneInfo("Europe/Berlin")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def videos(*times: str, **kw: object) -> list[VideoFacts]:
    return [VideoFacts(video_id=f"v{i}", posted_at=at(t), **kw) for i, t in enumerate(times)]


@pytest.mark.parametrize(
    ("quota", "expected"),
    [(3, [3, 5, 7]), (1, [7]), (7, [1, 2, 3, 4, 5, 6, 7]), (5, [2, 3, 5, 6, 7]), (10, None)],
)
def test_the_kth_video_is_due_by_day_ceil_7k_over_quota(quota: int, expected) -> None:  # type: ignore[no-untyped-def]
    days = [due_day(k, quota) for k in range(1, quota + 1)]
    if expected is not None:
        assert days == expected
    assert days[-1] == 7 and days == sorted(days)
    assert due_by(7, quota) == quota and due_by(0, quota) == 0


@pytest.mark.parametrize(
    ("zone", "now", "posted", "due", "counted", "state", "at_risk"),
    [
        # Bangkok, quota 3, week Mon 23 - Sun 29 Nov 2026
        (BKK, "2026-11-23T10:00+07:00", [], 0, 0, "on_track", False),
        (BKK, "2026-11-25T23:59:59+07:00", [], 0, 0, "on_track", False),
        (BKK, "2026-11-26T00:00+07:00", [], 1, 0, "behind", False),  # Wednesday is over
        (BKK, "2026-11-26T00:00+07:00", ["2026-11-25T23:59+07:00"], 1, 1, "on_track", False),
        (BKK, "2026-11-28T00:00+07:00", ["2026-11-24T12:00+07:00"], 2, 1, "behind", False),
        (BKK, "2026-11-29T00:00+07:00", [], 2, 0, "behind", True),  # 3 owed, 1 day left
        (
            BKK,
            "2026-11-29T12:00+07:00",
            ["2026-11-23T01:00+07:00", "2026-11-26T01:00+07:00", "2026-11-29T11:00+07:00"],
            2,
            3,
            "met",
            False,
        ),
        # the previous Sunday night local is last week, whatever UTC says
        (BKK, "2026-11-26T01:00+07:00", ["2026-11-22T23:30+07:00"], 1, 0, "behind", False),
        # London, DST ends Sun 25 Oct 2026: the week is 169 hours long
        (LON, "2026-10-25T23:30+00:00", ["2026-10-18T23:30+00:00"], 2, 1, "behind", True),
        (LON, "2026-10-22T00:00+01:00", ["2026-10-18T22:59+00:00"], 1, 0, "behind", False),
        # Berlin, DST starts Sun 29 Mar 2026: the week ends at 22:00 UTC
        (BER, "2026-03-29T21:45+00:00", ["2026-03-29T21:30+00:00"], 2, 1, "behind", True),
        (BER, "2026-03-30T00:30+02:00", ["2026-03-29T22:30+00:00"], 0, 1, "on_track", False),
    ],
)
def test_week_state_table(zone, now, posted, due, counted, state, at_risk) -> None:  # type: ignore[no-untyped-def]
    rules = QuotaRules(shop="s", zone=zone, quota=3)
    status = evaluate_week(rules, videos(*posted), at(now))
    assert (status.due_by_now, status.counted, status.state, status.at_risk) == (
        due,
        counted,
        state,
        at_risk,
    )


def test_week_bounds_follow_local_midnight_across_dst() -> None:
    autumn = week_of(at("2026-10-20T12:00+01:00"), LON)
    assert autumn.start == date(2026, 10, 19)
    assert autumn.starts_at.astimezone(UTC) == datetime(2026, 10, 18, 23, 0, tzinfo=UTC)
    assert autumn.ends_at.astimezone(UTC) == datetime(2026, 10, 26, 0, 0, tzinfo=UTC)
    assert autumn.ends_at.astimezone(UTC) - autumn.starts_at.astimezone(UTC) == timedelta(hours=169)
    spring = week_of(at("2026-03-25T12:00+01:00"), BER)
    assert spring.ends_at.astimezone(UTC) - spring.starts_at.astimezone(UTC) == timedelta(hours=167)


def test_a_configured_week_start() -> None:
    rules = QuotaRules(shop="s", zone=BKK, quota=3, week_start=6)  # Sunday
    status = evaluate_week(rules, [], at("2026-11-25T12:00+07:00"))
    assert status.week.start == date(2026, 11, 22)
    assert status.due_by_now == 1  # Sun, Mon, Tue are over: the first was due Tuesday night
    assert evaluate_week(rules, [], at("2026-11-25T00:00+07:00")).week.start == date(2026, 11, 22)


def test_next_deadline_is_the_end_of_the_local_day() -> None:
    rules = QuotaRules(shop="s", zone=BKK, quota=3)
    status = evaluate_week(rules, videos("2026-11-23T09:00+07:00"), at("2026-11-24T09:00+07:00"))
    assert status.next_due_at == at("2026-11-28T00:00+07:00")  # Friday night
    assert status.remaining == 2 and status.days_left == 6


@pytest.mark.parametrize(
    ("facts", "rules_kw", "reason"),
    [
        ({"has_product": False}, {}, "no product link"),
        ({"original": False}, {}, "marked not original"),
        ({"duplicate_of": "v9"}, {}, "re-upload of v9 (same cover)"),
        ({"status": "scheduled"}, {}, "not published (scheduled)"),
        ({"has_product": False}, {"require_product": False}, None),
        ({"original": False}, {"require_original": False}, None),
    ],
)
def test_what_counts(facts: dict, rules_kw: dict, reason: str | None) -> None:
    rules = QuotaRules(shop="s", zone=BKK, quota=3, **rules_kw)
    video = VideoFacts(video_id="v1", posted_at=at("2026-11-23T09:00+07:00"), **facts)
    status = evaluate_week(rules, [video], at("2026-11-24T09:00+07:00"))
    if reason is None:
        assert status.counted == 1 and status.excluded == ()
    else:
        assert status.counted == 0 and status.excluded == (("v1", reason),)


def test_videos_after_now_do_not_count_yet() -> None:
    rules = QuotaRules(shop="s", zone=BKK, quota=3)
    status = evaluate_week(rules, videos("2026-11-27T09:00+07:00"), at("2026-11-26T09:00+07:00"))
    assert status.counted == 0


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="no timezone"):
        evaluate_week(QuotaRules(shop="s", zone=BKK), [], datetime(2026, 11, 24))


def test_history_and_streak() -> None:
    rules = QuotaRules(shop="s", zone=BKK, quota=2)
    posted = [
        "2026-11-02T10:00+07:00",
        "2026-11-03T10:00+07:00",  # week of 2 Nov: met
        "2026-11-09T10:00+07:00",  # week of 9 Nov: missed
        "2026-11-16T10:00+07:00",
        "2026-11-17T10:00+07:00",  # 16 Nov: met
        "2026-11-22T23:59+07:00",
        "2026-11-22T08:00+07:00",  # 16 Nov again (Sunday)
        "2026-11-24T10:00+07:00",  # current week, 1 so far
    ]
    result = history(rules, videos(*posted), at("2026-11-25T12:00+07:00"), weeks=4)
    rows = [(w.start.isoformat(), n, v) for w, n, _, v in result.weeks]
    assert rows == [
        ("2026-11-23", 1, "current"),
        ("2026-11-16", 4, "met"),
        ("2026-11-09", 1, "missed"),
        ("2026-11-02", 2, "met"),
        ("2026-10-26", 0, "missed"),
    ]
    assert result.streak == 1


def test_weeks_that_ended_before_the_bot_knew_the_shop_are_not_tracked_met_or_not() -> None:
    rules = QuotaRules(shop="s", zone=BKK, quota=1)
    posted = videos("2026-11-03T10:00+07:00", "2026-11-17T10:00+07:00")
    known = at("2026-11-12T15:00+07:00")  # the store learned of the shop on Thursday 12 Nov
    result = history(rules, posted, at("2026-11-25T12:00+07:00"), weeks=4, known_since=known)
    assert [(w.start.isoformat(), n, v) for w, n, _, v in result.weeks] == [
        ("2026-11-23", 0, "current"),
        ("2026-11-16", 1, "met"),
        ("2026-11-09", 0, "missed"),  # known before it ended: judged, as the alert judges it
        ("2026-11-02", 1, "not_tracked"),
        ("2026-10-26", 0, "not_tracked"),
    ]
    assert result.streak == 1


def test_history_stops_at_the_opening_week_and_counts_a_met_current_week() -> None:
    rules = QuotaRules(shop="s", zone=BKK, quota=1, opened_on=date(2026, 11, 10))
    result = history(
        rules,
        videos("2026-11-12T10:00+07:00", "2026-11-18T10:00+07:00", "2026-11-23T10:00+07:00"),
        at("2026-11-24T12:00+07:00"),
        weeks=10,
    )
    assert [w.start.isoformat() for w, *_ in result.weeks] == [
        "2026-11-23",
        "2026-11-16",
        "2026-11-09",
    ]
    assert result.streak == 3


def test_the_week_a_shop_opened_in_is_not_missed_and_does_not_break_the_streak() -> None:
    # opened on Thursday 12 Nov, nothing posted that week; met every week since
    rules = QuotaRules(shop="s", zone=BKK, quota=1, opened_on=date(2026, 11, 12))
    result = history(
        rules,
        videos("2026-11-18T10:00+07:00", "2026-11-24T10:00+07:00"),
        at("2026-11-30T12:00+07:00"),
        weeks=10,
    )
    assert [(w.start.isoformat(), v) for w, _, _, v in result.weeks] == [
        ("2026-11-30", "current"),
        ("2026-11-23", "met"),
        ("2026-11-16", "met"),
        ("2026-11-09", "before opening"),
    ]
    assert result.streak == 2


def test_new_shop_daily_target_judges_the_day_just_ended() -> None:
    rules = QuotaRules(
        shop="s", zone=BKK, opened_on=date(2026, 11, 20), new_shop_days=30, new_shop_daily=1
    )
    day = new_shop_day(rules, videos("2026-11-23T23:30+07:00"), at("2026-11-24T08:00+07:00"))
    assert day is not None and day.day == date(2026, 11, 23) and day.met
    day = new_shop_day(rules, [], at("2026-11-25T00:00+07:00"))
    assert day is not None and not day.met
    assert new_shop_day(rules, [], at("2026-12-21T08:00+07:00")) is None  # 30 days passed
    assert new_shop_day(rules, [], at("2026-11-20T08:00+07:00")) is None  # opened today


def test_a_shop_behind_is_overdue_since_its_first_unmet_due_time_with_the_next_one_ahead() -> None:
    rules = QuotaRules(shop="s", zone=BKK, quota=3)
    late_sunday = at("2026-11-29T23:59:59+07:00")
    behind = evaluate_week(rules, [], late_sunday)
    assert behind.next_due_at == at("2026-11-26T00:00+07:00")  # the earliest unmet: passed
    assert behind.overdue_since == behind.next_due_at
    assert behind.next_due_ahead == at("2026-11-30T00:00+07:00") > late_sunday
    on_track = evaluate_week(rules, videos("2026-11-24T09:00+07:00"), at("2026-11-26T09:00+07:00"))
    assert on_track.overdue_since is None
    assert on_track.next_due_ahead == on_track.next_due_at == at("2026-11-28T00:00+07:00")
    three = videos("2026-11-23T09:00+07:00", "2026-11-24T09:00+07:00", "2026-11-25T09:00+07:00")
    met = evaluate_week(rules, three, late_sunday)
    assert met.overdue_since is None and met.next_due_ahead is None
    ended = evaluate_week(rules, [], late_sunday + timedelta(seconds=1), week=behind.week)
    assert ended.overdue_since == behind.next_due_at and ended.next_due_ahead is None
