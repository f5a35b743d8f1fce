"""Alert decisions: once, escalating, repeating at most every interval, then resolved."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from cadence.alerts import AlertPolicy, AlertRecord, decide, release_time
from cadence.messages import render
from cadence.quota import DayStatus, QuotaRules, VideoFacts, evaluate_week, previous_week

BKK = ZoneInfo("Asia/Bangkok")
RULES = QuotaRules(shop="acme-th", zone=BKK, quota=3)
POLICY = AlertPolicy(zone=BKK, repeat_interval=timedelta(hours=24))
WEEK = date(2026, 11, 23)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def status(now: str, *posted: str):  # type: ignore[no-untyped-def]
    facts = [VideoFacts(video_id=f"v{i}", posted_at=at(p)) for i, p in enumerate(posted)]
    return evaluate_week(RULES, facts, at(now))


def firing(rule: str, notified: str | None, period: date = WEEK, n: int = 1) -> AlertRecord:
    return AlertRecord(
        rule=rule,
        period_start=period,
        state="firing",
        last_notified_at=at(notified) if notified else None,
        notifications=n,
    )


def summary(decisions) -> list[tuple[str, str, bool]]:  # type: ignore[no-untyped-def]
    return [(d.action.value, d.rule, d.notify) for d in decisions]


THU = "2026-11-26T09:00+07:00"  # one video due (Wednesday is over)
SUN = "2026-11-29T09:00+07:00"  # two due, one day left


@pytest.mark.parametrize(
    ("now", "posted", "alerts", "expected"),
    [
        (THU, [], [], [("open", "behind", True)]),
        (THU, [], [firing("behind", "2026-11-26T02:00+07:00")], []),
        (THU, [], [firing("behind", "2026-11-25T09:00+07:00")], [("repeat", "behind", True)]),
        (
            SUN,
            [],
            [firing("behind", "2026-11-28T09:00+07:00")],
            [("close", "behind", False), ("open", "at_risk", True)],
        ),
        (SUN, [], [firing("at_risk", "2026-11-29T08:00+07:00")], []),
        (
            THU,
            ["2026-11-26T08:00+07:00"],
            [firing("behind", "2026-11-26T02:00+07:00")],
            [("resolve", "behind", True)],
        ),
        (THU, ["2026-11-26T08:00+07:00"], [], []),
        (
            THU,
            [],
            [AlertRecord("behind", WEEK, "resolved", at("2026-11-26T02:00+07:00"), 1)],
            [("open", "behind", True)],
        ),  # fell behind again after catching up
        (
            THU,
            [],
            [firing("behind", "2026-11-19T09:00+07:00", period=date(2026, 11, 16))],
            [("open", "behind", True)],
        ),  # last week's alert is another dedup key
    ],
    ids=[
        "opens-once",
        "quiet-within-interval",
        "repeats-after-interval",
        "escalates",
        "escalated-stays-quiet",
        "resolves",
        "nothing-to-resolve",
        "reopens",
        "new-week",
    ],
)
def test_current_week_decisions(now, posted, alerts, expected) -> None:  # type: ignore[no-untyped-def]
    assert summary(decide(status(now, *posted), alerts, at(now), POLICY)) == expected


def test_deciding_twice_decides_nothing_new() -> None:
    now = at(THU)
    first = decide(status(THU), [], now, POLICY)
    stored = [AlertRecord(d.rule, d.period_start, "firing", now, 1) for d in first]
    assert decide(status(THU), stored, now, POLICY) == []


@pytest.mark.parametrize(
    ("closed_posted", "alerts", "expected"),
    [
        ([], [], [("notice", "missed", True)]),
        ([], [AlertRecord("missed", date(2026, 11, 16), "resolved", None, 1)], []),
        (
            [],
            [firing("at_risk", "2026-11-22T09:00+07:00", period=date(2026, 11, 16))],
            [("close", "at_risk", False), ("notice", "missed", True)],
        ),
        (
            ["2026-11-17T09:00+07:00"] * 3,
            [firing("behind", "2026-11-20T09:00+07:00", period=date(2026, 11, 16))],
            [("resolve", "behind", True)],
        ),
    ],
    ids=["missed-once", "missed-not-twice", "missed-supersedes", "caught-up-at-the-end"],
)
def test_closing_the_previous_week(closed_posted, alerts, expected) -> None:  # type: ignore[no-untyped-def]
    now = at("2026-11-23T01:00+07:00")
    current = status("2026-11-23T01:00+07:00")
    facts = [VideoFacts(video_id=f"c{i}", posted_at=at(p)) for i, p in enumerate(closed_posted)]
    week = previous_week(current.week)
    closed = evaluate_week(RULES, facts, week.ends_at, week=week)
    assert summary(decide(current, alerts, now, POLICY, closed=closed)) == expected


def test_new_shop_day_notice_once() -> None:
    now = at("2026-11-24T09:00+07:00")
    day = DayStatus(day=date(2026, 11, 23), target=1, counted=0)
    current = status("2026-11-24T09:00+07:00")
    assert summary(decide(current, [], now, POLICY, day=day)) == [
        ("notice", "new_shop_daily", True)
    ]
    done = AlertRecord("new_shop_daily", date(2026, 11, 23), "resolved", now, 1)
    assert decide(current, [done], now, POLICY, day=day) == []


@pytest.mark.parametrize(
    ("now", "quiet", "expected"),
    [
        ("2026-11-26T23:00+07:00", (time(22), time(8)), "2026-11-27T08:00+07:00"),
        ("2026-11-26T07:59+07:00", (time(22), time(8)), "2026-11-26T08:00+07:00"),
        ("2026-11-26T12:00+07:00", (time(22), time(8)), "2026-11-26T12:00+07:00"),
        ("2026-11-26T13:30+07:00", (time(13), time(14)), "2026-11-26T14:00+07:00"),
        ("2026-11-26T23:00+07:00", None, "2026-11-26T23:00+07:00"),
    ],
)
def test_quiet_hours_hold_messages_until_morning(now: str, quiet, expected: str) -> None:  # type: ignore[no-untyped-def]
    policy = AlertPolicy(zone=BKK, quiet=quiet)
    assert release_time(at(now), policy) == at(expected)
    decisions = decide(status(now), [], at(now), policy)
    assert all(d.send_at == at(expected) for d in decisions)


@pytest.mark.parametrize(
    ("language", "ended", "gone"),
    [
        ("en", "The week of 16 Nov–22 Nov 2026 (Asia/Bangkok) has ended", "This week"),
        ("zh", "11月16日–11月22日（曼谷时间）这一周已结束", "本周"),
    ],
)
def test_the_missed_message_speaks_of_the_week_that_ended(
    language: str, ended: str, gone: str
) -> None:
    now = at("2026-11-23T09:00+07:00")
    facts = [VideoFacts(video_id="7301", posted_at=at("2026-11-17T10:00+07:00"))]
    current = evaluate_week(RULES, facts, now)
    closed = evaluate_week(RULES, facts, now, week=previous_week(current.week))
    [missed] = [d for d in decide(current, [], now, POLICY, closed=closed) if d.rule == "missed"]
    message = render(missed, "acme-th", language, week=closed)
    assert message.body.startswith(ended) and gone not in message.body
    assert ("2 short of the quota" if language == "en" else "差 2 条未完成") in message.body
    for stale in ("day(s) left", "剩余", "overdue", "逾期", "due by now", "应发"):
        assert stale not in message.body
    assert "7301" in message.body


@pytest.mark.parametrize("language", ["zh", "en"])
def test_messages_say_what_is_due_by_when_and_what_counted(language: str) -> None:
    facts = [
        VideoFacts(video_id="7301", posted_at=at("2026-11-24T10:00+07:00")),
        VideoFacts(video_id="7302", posted_at=at("2026-11-25T10:00+07:00"), has_product=False),
    ]
    s = evaluate_week(RULES, facts, at("2026-11-28T09:00+07:00"))
    [decision] = decide(s, [], at("2026-11-28T09:00+07:00"), POLICY)
    message = render(decision, "acme-th", language, week=s)
    assert "acme-th" in message.title and "7301" in message.body and "7302" in message.body
    if language == "zh":
        assert "已发 1/3 条" in message.body and "应发 2 条" in message.body
        assert "已逾期 1 条（第 2 条应在 11月27日（周五）24:00 前发布）" in message.body
        assert "下一条截止：11月29日（周日）24:00" in message.body and "未挂车" in message.body
    else:
        assert "1 of 3" in message.body and "2 due by now" in message.body
        assert "1 overdue (video 2 was due by Fri 27 Nov 24:00)" in message.body
        assert "Next due by Sun 29 Nov 24:00" in message.body and "no product link" in message.body
