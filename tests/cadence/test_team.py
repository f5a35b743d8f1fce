"""A seller's team: reminders before a due time, a person's mark over detection, the weekly
digest, @mentions and the team's own clock; real stores, local servers, time passed in."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine
from sqlmodel import Session, select

from cadence.alerts import AlertPolicy, decide, upcoming
from cadence.digest import DigestTime
from cadence.notify import NOTIFIERS, DingTalkNotifier, WeComBotNotifier
from cadence.quota import QuotaRules, VideoFacts, evaluate_week
from store.models import AuditEvent
from tests.cadence.robots import dingtalk_robot, wecom_robot
from tests.cadence.test_commands import cover
from tests.httpserver import Reply, serve

BKK = ZoneInfo("Asia/Bangkok")
SHOP = '[[shops]]\nid = "acme-th"\nmarket = "TH"\nalert_language = "en"\n'
SECOND = '[[shops]]\nid = "acme-uk"\nmarket = "UK"\nalert_language = "en"\n'


@pytest.fixture
def shops(tmp_path: Path) -> Path:
    path = tmp_path / "shops.toml"
    path.write_text(SHOP, encoding="utf-8")
    return path


def add(run, video: str, when: str) -> None:  # type: ignore[no-untyped-def]
    result = run("videos", "add", "--shop", "acme-th", "--id", video, "--posted-at", when)
    assert result.code == 0, result.err


# Reminders ----------------------------------------------------------------------------


def test_the_core_reminds_once_per_due_time_and_never_for_a_video_that_is_in() -> None:
    rules = QuotaRules(shop="acme-th", zone=BKK, quota=3)
    policy = AlertPolicy(zone=BKK, reminder=timedelta(hours=6))
    due = datetime(2026, 11, 26, 0, 0, tzinfo=BKK)  # video 1: by the end of Wednesday

    def decisions(now: datetime, *posted: datetime):  # type: ignore[no-untyped-def]
        videos = [VideoFacts(f"v{i}", p) for i, p in enumerate(posted)]
        return decide(evaluate_week(rules, videos, now), [], now, policy)

    assert decisions(due - timedelta(hours=6, seconds=1)) == []
    [reminder] = decisions(due - timedelta(hours=6))
    assert (reminder.rule, reminder.period_start.isoformat()) == ("reminder", "2026-11-25")
    assert reminder.due is not None and (reminder.due.k, reminder.due.at) == (1, due)
    assert decisions(due - timedelta(hours=1), due - timedelta(hours=2)) == []
    # with video 1 in, the next reminder is for video 2, due by the end of Friday
    friday = datetime(2026, 11, 28, 0, 0, tzinfo=BKK)
    status = evaluate_week(rules, [VideoFacts("v", due - timedelta(days=1))], friday)
    assert upcoming(status, friday - timedelta(hours=5), timedelta(hours=6)).k == 2  # type: ignore[union-attr]


def test_a_reminder_fires_once_at_reminder_hours_before_a_due_time(run, shops: Path) -> None:  # type: ignore[no-untyped-def]
    with serve({"/hook": lambda r: Reply(200, {"errcode": 0})}) as srv:
        shops.write_text(
            SHOP + f'reminder_hours = 6\ndisplay_timezone = "Asia/Shanghai"\n'
            f'alert_urls = ["json://127.0.0.1:{srv.port}/hook"]\n',
            encoding="utf-8",
        )
        early = run("check", "--as-of", "2026-11-25T17:59+07:00")
        assert early.code == 0 and "alerts: no change" in early.out and not srv.requests
        first = run("check", "--as-of", "2026-11-25T18:00+07:00")
        assert "alerts: notice reminder; delivered 1" in first.out, first.out
        again = run("check", "--as-of", "2026-11-25T19:00+07:00")
        assert "alerts: no change" in again.out and len(srv.requests) == 1
        [message] = [r.json() for r in srv.requests]
    assert message["title"] == "[acme-th] Reminder: video 1 of 3 is due in 6 h"
    assert message["message"].startswith(
        "Due Wed 25 Nov 24:00 Bangkok = Thu 26 Nov 01:00 Beijing.\n"
    )
    [alert] = json.loads(run("alerts", "--json").out)
    assert alert["rule"] == "reminder" and alert["period_start"] == "2026-11-25"
    assert alert["display_timezone"] == "Asia/Shanghai"
    assert alert["messages"][0]["delivered_at_display"] == "2026-11-25T19:00:00+08:00"
    assert alert["timezone"] == "Asia/Bangkok"
    assert alert["messages"][0]["delivered_at_local"] == "2026-11-25T18:00:00+07:00"
    assert alert["opened_at_local"] == "2026-11-25T18:00:00+07:00"
    text = run("alerts").out
    assert "delivered 2026-11-25T11:00:00+00:00 (Wed 25 Nov 18:00 Bangkok = " in text
    assert "= Wed 25 Nov 19:00 Beijing)" in text, text


def test_no_reminder_when_the_video_is_in(run, shops: Path) -> None:  # type: ignore[no-untyped-def]
    with serve({"/hook": lambda r: Reply(200, {"errcode": 0})}) as srv:
        shops.write_text(
            SHOP + f'reminder_hours = 6\nalert_urls = ["json://127.0.0.1:{srv.port}/hook"]\n',
            encoding="utf-8",
        )
        add(run, "v1", "2026-11-25T12:00+07:00")
        result = run("check", "--as-of", "2026-11-25T18:00+07:00")
        assert result.code == 0 and "alerts: no change" in result.out and not srv.requests


# The team's clock -----------------------------------------------------------------------


def test_status_and_history_show_the_teams_timezone_beside_the_shops(run, shops: Path) -> None:  # type: ignore[no-untyped-def]
    shops.write_text(SHOP.replace('"en"', '"zh"'), encoding="utf-8")  # zh: Beijing time
    [th] = json.loads(run("status", "--as-of", "2026-11-26T10:00+07:00", "--json").out)
    assert th["timezone"] == "Asia/Bangkok" and th["display_timezone"] == "Asia/Shanghai"
    assert th["next_due_at"] == "2026-11-26T00:00:00+07:00"  # video 1: overdue since then
    assert th["next_due_at_display"] == "2026-11-26T01:00:00+08:00"
    assert th["overdue_since"] == th["next_due_at"]
    assert th["overdue_since_display"] == th["next_due_at_display"]
    assert th["next_due_ahead"] == "2026-11-28T00:00:00+07:00"  # video 2, Friday night
    assert th["next_due_ahead_display"] == "2026-11-28T01:00:00+08:00"
    text = run("status", "--as-of", "2026-11-26T10:00+07:00").out
    assert (
        "(overdue since Wed 25 Nov 24:00 Bangkok = Thu 26 Nov 01:00 Beijing; "
        "next due Fri 27 Nov 24:00 Bangkok = Sat 28 Nov 01:00 Beijing)"
    ) in text
    history = run("history", "--shop", "acme-th", "--as-of", "2026-11-26T10:00+07:00", "--json")
    document = json.loads(history.out)
    assert document["display_timezone"] == "Asia/Shanghai"
    assert document["weeks"][0]["starts_at_display"] == "2026-11-23T01:00:00+08:00"
    text = run("history", "--shop", "acme-th", "--as-of", "2026-11-26T10:00+07:00").out
    assert "weeks start Mon 23 Nov 00:00 Bangkok = Mon 23 Nov 01:00 Beijing" in text


def test_alerts_show_the_shops_clock_beside_the_teams_where_they_differ(run, shops: Path) -> None:  # type: ignore[no-untyped-def]
    with serve({"/hook": lambda r: Reply(500, {"errcode": 1})}) as srv:
        hook = f'alert_urls = ["json://127.0.0.1:{srv.port}/hook"]\n'
        shops.write_text(SHOP.replace('"en"', '"zh"') + hook, encoding="utf-8")  # Beijing
        assert run("check", "--as-of", "2026-11-26T23:30+07:00").code == 1  # behind; retried
    [alert] = json.loads(run("alerts", "--json").out)
    [message] = alert["messages"]
    assert (alert["timezone"], alert["display_timezone"]) == ("Asia/Bangkok", "Asia/Shanghai")
    assert message["next_attempt_at"] == "2026-11-26T16:30:30+00:00"
    assert message["next_attempt_at_local"] == "2026-11-26T23:30:30+07:00"
    assert message["next_attempt_at_display"] == "2026-11-27T00:30:30+08:00"
    assert message["delivered_at_local"] is None
    text = run("alerts").out
    shown = "next try 2026-11-26T16:30:30+00:00 (Thu 26 Nov 23:30 Bangkok = Fri 27 Nov 00:30 "
    assert shown + "Beijing)" in text, text
    # a team on the shop's own clock sees it once
    shops.write_text(SHOP, encoding="utf-8")
    [alert] = json.loads(run("alerts", "--json").out)
    assert alert["timezone"] == alert["display_timezone"] == "Asia/Bangkok"
    text = run("alerts").out
    assert "(Thu 26 Nov 23:30 Bangkok)" in text and "Beijing" not in text, text


# A person's mark ------------------------------------------------------------------------


def test_a_mark_wins_over_the_cover_hash_and_survives_a_reimport(  # type: ignore[no-untyped-def]
    run, tmp_path: Path, db_url: str
) -> None:
    cover(tmp_path / "red.jpg", 10)
    cover(tmp_path / "blue.jpg", 12, mark=True)  # one template, another colour
    path = tmp_path / "v.csv"
    path.write_text(
        "id,posted_at,products,title,cover\n"
        "v1,2026-11-23T20:00:00+07:00,P1,red,red.jpg\n"
        "v2,2026-11-24T20:00:00+07:00,P1,blue,blue.jpg\n",
        encoding="utf-8",
    )
    assert run("videos", "import", str(path), "--shop", "acme-th").code == 0
    as_of = ("--as-of", "2026-11-26T10:00+07:00")
    [before] = json.loads(run("status", *as_of, "--json").out)
    assert before["counted_videos"] == ["v1"]

    marked = run(
        "videos", "mark", "v2", "--shop", "acme-th", "--original",
        "--by", "Li Lei", "--reason", "same template, another colour",
    )  # fmt: skip
    assert marked.code == 0, marked.err
    assert "marked video v2 of acme-th original (by Li Lei" in marked.out
    for _ in range(2):  # and again after a re-import of the same videos
        [after] = json.loads(run("status", *as_of, "--json").out)
        assert after["counted_videos"] == ["v1", "v2"] and after["excluded"] == []
        assert after["overrides"] == [
            {
                "video": "v2",
                "original": True,
                "product": None,
                "by": "Li Lei",
                "reason": "same template, another colour",
            }
        ]
        assert run("videos", "import", str(path), "--shop", "acme-th").code == 0
    text = run("status", *as_of).out
    assert "acme-th: video v2 marked original by Li Lei: same template, another colour" in text

    run("videos", "mark", "v1", "--shop", "acme-th", "--no-product", "--by", "Han", "--reason", "x")
    [last] = json.loads(run("status", *as_of, "--json").out)
    assert last["excluded"] == [{"video": "v1", "reason": "no product link"}]
    engine = create_engine(db_url)
    with Session(engine) as session:
        trail = session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()
    engine.dispose()
    assert [(e.actor, e.entity_id, e.action, e.detail) for e in trail] == [
        ("Li Lei", "v2", "mark", {"original": True, "reason": "same template, another colour"}),
        ("Han", "v1", "mark", {"has_product": False, "reason": "x"}),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope", "--original", "--by", "a", "--reason", "b"], "has no video 'nope'"),
        (["v1", "--by", "a", "--reason", "b"], "say what to mark"),
        (["v1", "--original", "--by", " ", "--reason", "b"], "--by is empty"),
        (
            ["v1", "--product", "--no-product", "--by", "a", "--reason", "b"],
            "give one of --product or --no-product",
        ),
        (
            ["v1", "--not-original", "--original", "--by", "a", "--reason", "b"],
            "give one of --original or --not-original",
        ),
    ],
)
def test_a_mark_that_cannot_be_recorded_is_bad_input(run, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    add(run, "v1", "2026-11-24T20:00+07:00")
    result = run("videos", "mark", *args[:1], "--shop", "acme-th", *args[1:])
    assert result.code == 2 and message in result.err


# The weekly digest -----------------------------------------------------------------------


def test_the_digest_time_keeps_its_local_time_across_a_dst_change() -> None:
    london = ZoneInfo("Europe/London")
    when = DigestTime(weekday=0, at=time(9, 30), zone=london)
    assert when.latest(datetime.fromisoformat("2026-03-23T09:30Z")).isoformat() == (
        "2026-03-23T09:30:00+00:00"
    )
    after = when.latest(datetime.fromisoformat("2026-03-30T08:30Z"))  # summer time since Sun
    assert after.isoformat() == "2026-03-30T09:30:00+01:00"
    assert when.latest(datetime.fromisoformat("2026-03-30T08:29Z")).date().isoformat() == (
        "2026-03-23"
    )


def test_the_digest_is_sent_once_a_week_at_its_local_time_across_dst(  # type: ignore[no-untyped-def]
    run, shops: Path
) -> None:
    with serve({"/team": lambda r: Reply(200, {"errcode": 0})}) as srv:
        shops.write_text(
            SHOP + SECOND + '[digest]\nweekday = "monday"\ntime = "09:30"\n'
            f'timezone = "Europe/London"\nlanguage = "en"\n'
            f'alert_urls = ["json://127.0.0.1:{srv.port}/team"]\n',
            encoding="utf-8",
        )
        for i, day in enumerate(["2026-03-16", "2026-03-17", "2026-03-18"]):
            add(run, f"v{i}", f"{day}T20:00+07:00")

        def digests() -> list[str]:
            return [r.json()["title"] for r in srv.requests if "digest" in r.json()["title"]]

        assert "digest" not in run("check", "--as-of", "2026-03-23T09:29Z").out
        sent = run("check", "--as-of", "2026-03-23T09:30Z")
        assert "digest of 2026-03-23T09:30:00+00:00 written; delivered 1" in sent.out, sent.out
        assert "digest" not in run("check", "--as-of", "2026-03-23T10:30Z").out
        assert len(digests()) == 1
        # after the clocks went forward on Sunday 29 March, 09:30 in London is 08:30 UTC;
        # a check of the second shop alone (its daemon) never sends it
        assert "digest" not in run("check", "--shop", "acme-uk", "--as-of", "2026-03-30T08:30Z").out
        assert "digest" not in run("check", "--as-of", "2026-03-30T08:29Z").out
        later = run("check", "--as-of", "2026-03-30T08:30Z")
        assert "digest of 2026-03-30T09:30:00+01:00 written; delivered 1" in later.out
        assert "digest" not in run("check", "--as-of", "2026-03-30T09:00Z").out
        bodies = [r.json()["message"] for r in srv.requests if "digest" in r.json()["title"]]
    assert digests() == [
        "[digest] Video cadence of every shop (23 Mar 2026)",
        "[digest] Video cadence of every shop (30 Mar 2026)",
    ]
    first = bodies[0].splitlines()
    assert first[0].startswith("acme-th: last week met 3/3, 1 week(s) met in a row; this week 0/3")
    # acme-uk has no videos and the store was made after that week (as the missed alert
    # sees it, the bot did not track the shop then): not called missed
    assert first[1].startswith("acme-uk: last week not tracked, 0 week(s) met in a row")
    assert first[-1] == "ref: digest:2026-03-23"
    assert bodies[1].splitlines()[0].startswith("acme-th: last week missed 0/3, 0 week(s)")


# Mentions on the wire ----------------------------------------------------------------------


def test_dingtalk_and_wecom_mention_the_shops_owner_on_the_wire(  # type: ignore[no-untyped-def]
    run, shops: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    routes = {"/robot/send": dingtalk_robot("SEC"), "/cgi-bin/webhook/send": wecom_robot("k1")}
    with serve(routes) as srv:
        # the robots, registered to talk to the local server instead of DingTalk's and WeCom's
        monkeypatch.setitem(NOTIFIERS, "dingtalk", partial(DingTalkNotifier, base_url=srv.url))
        monkeypatch.setitem(NOTIFIERS, "wecombot", partial(WeComBotNotifier, base_url=srv.url))
        shops.write_text(
            SHOP + 'alert_urls = ["dingtalk://SEC@tok", "wecombot://k1"]\n'
            'mentions = ["env:ACME_TH_OWNER", "env:ACME_TH_LEAD", "env:ACME_TH_GONE"]\n',
            encoding="utf-8",
        )
        env = {"ACME_TH_OWNER": "138 0013 8000", "ACME_TH_LEAD": "lilei"}
        result = run("check", "--as-of", "2026-11-26T10:00+07:00", environ=env)
        ding, wecom = (r.json() for r in srv.requests)
    assert result.code == 0 and "delivered 1" in result.out
    assert "environment variable ACME_TH_GONE is not set (shop 'acme-th' mentions it)" in result.err
    assert ding["at"] == {"atMobiles": ["13800138000"], "atUserIds": ["lilei"], "isAtAll": False}
    assert ding["markdown"]["text"].endswith("@13800138000 @lilei")
    assert wecom["msgtype"] == "text"  # WeCom markdown cannot mention a mobile number
    assert wecom["text"]["mentioned_mobile_list"] == ["13800138000"]
    assert wecom["text"]["mentioned_list"] == ["lilei"]
    assert wecom["text"]["content"].startswith("[acme-th] Behind on this week's product videos\n")


def test_wecom_mentions_user_ids_in_markdown_when_no_mobile_is_named() -> None:
    from cadence.notify import Mentions

    with serve({"/cgi-bin/webhook/send": wecom_robot("k1")}) as srv:
        WeComBotNotifier("wecombot://k1", base_url=srv.url, mentions=Mentions.of(["lilei"])).send(
            "标题", "正文", "warning"
        )
        [req] = srv.requests
    assert req.json() == {
        "msgtype": "markdown",
        "markdown": {"content": "**标题**\n正文\n<@lilei>"},
    }


# Settings, texts in Chinese, the daemon's share -------------------------------------------


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ('display_timezone = "Beijing"\n', "shops[0].display_timezone (line 5)"),
        ("reminder_hours = 0\n", "shops[0].reminder_hours (line 5)"),
        ('mentions = ["13800138000"]\n', "entry 0: must be 'env:NAME'"),
        ('[digest]\ntime = "9:30"\n', "digest.time (line 6): '9:30' is not HH:MM"),
        ('[digest]\nweekday = "mon"\n', "digest.weekday (line 6)"),
        ('[digest]\nalert_urls = ["nope"]\n', "digest.alert_urls (line 6)"),
        ('[import.columns]\n"x" = "video_id"\n', "import.columns.x (line 6)"),
    ],
)
def test_team_settings_mistakes_name_key_and_line(
    run, shops: Path, extra: str, expected: str
) -> None:  # type: ignore[no-untyped-def]
    shops.write_text(SHOP + extra, encoding="utf-8")
    result = run("status")
    assert result.code == 2 and expected in result.err, result.err


def test_reminder_and_digest_read_naturally_in_chinese() -> None:
    from cadence.alerts import Action, AlertDecision, Due
    from cadence.digest import render_digest
    from cadence.messages import render
    from cadence.quota import history

    rules = QuotaRules(shop="acme-th", zone=BKK, quota=3, display_zone=ZoneInfo("Asia/Shanghai"))
    now = datetime(2026, 11, 25, 18, 0, tzinfo=BKK)
    week = evaluate_week(rules, [], now)
    due = Due(1, datetime(2026, 11, 26, 0, 0, tzinfo=BKK))
    decision = AlertDecision(Action.NOTICE, "reminder", week.week.start, True, now, due)
    message = render(decision, "acme-th", "zh", week=week)
    assert message.title == "【acme-th】提醒：本周第 1/3 条带货视频 6 小时后截止"
    assert message.body.startswith(
        "截止时间：11月25日（周三）24:00 曼谷时间 = 11月26日（周四）01:00 北京时间。"
    )
    digest = render_digest("zh", now, [history(rules, [], now, weeks=4)])
    assert digest.title == "【周报】各店铺带货视频（11月25日）"
    assert digest.body.splitlines() == [
        "acme-th：上周 未达标 0/3，连续达标 0 周；本周 0/3，进度正常",
        "本周暂无落后的店铺。",
    ]


@pytest.mark.parametrize(
    ("left", "zh", "en"),
    [
        (timedelta(hours=5, minutes=31, seconds=59), "5 小时 31 分后截止", "due in 5 h 31 min"),
        (timedelta(hours=6), "6 小时后截止", "due in 6 h"),
        (timedelta(minutes=40), "40 分后截止", "due in 40 min"),
        (timedelta(seconds=20), "1 分后截止", "due in 1 min"),
    ],
)
def test_a_reminder_says_the_time_left_never_more_than_is_left(
    left: timedelta, zh: str, en: str
) -> None:
    from cadence.alerts import Action, AlertDecision, Due
    from cadence.messages import render

    rules = QuotaRules(shop="acme-th", zone=BKK, quota=3)
    due = Due(1, datetime(2026, 11, 26, 0, 0, tzinfo=BKK))
    now = due.at - left
    week = evaluate_week(rules, [], now)
    decision = AlertDecision(Action.NOTICE, "reminder", week.week.start, True, now, due)
    assert render(decision, "acme-th", "zh", week=week).title.endswith(zh)
    assert render(decision, "acme-th", "en", week=week).title.endswith(en)


def test_a_shop_on_beijings_clock_reads_each_time_once_and_its_zone_by_name() -> None:
    from cadence.alerts import Action, AlertDecision, Due
    from cadence.messages import render

    kl = ZoneInfo("Asia/Kuala_Lumpur")  # UTC+8 like Beijing, the team's clock
    rules = QuotaRules(shop="acme-my", zone=kl, quota=3, display_zone=ZoneInfo("Asia/Shanghai"))
    now = datetime(2026, 11, 26, 10, 0, tzinfo=kl)
    week = evaluate_week(rules, [], now)
    due = Due(2, datetime(2026, 11, 28, 0, 0, tzinfo=kl))
    decision = AlertDecision(Action.NOTICE, "reminder", week.week.start, True, now, due)
    body = render(decision, "acme-my", "zh", week=week).body
    assert body.splitlines()[:3] == [
        "截止时间：11月27日（周五）24:00。",
        "本周（11月23日–11月29日，吉隆坡时间）：已发 0/3 条带购物车的原创短视频，"
        "截至目前应发 1 条。",
        "已逾期 1 条（第 1 条应在 11月25日（周三）24:00 前发布）。",
    ]
    assert "Asia/" not in body and "北京时间" not in body


def test_status_text_and_json_name_the_same_instant_for_a_due_time(run, shops: Path) -> None:  # type: ignore[no-untyped-def]
    [th] = json.loads(run("status", "--as-of", "2026-11-26T10:00+07:00", "--json").out)
    text = run("status", "--as-of", "2026-11-26T10:00+07:00").out
    # 2026-11-28T00:00+07:00 is the end of Friday: the text says Fri 24:00, not Fri 23:59
    assert th["next_due_ahead"] == "2026-11-28T00:00:00+07:00"
    assert "next due Fri 27 Nov 24:00" in text and "23:59" not in text


def test_only_the_first_shops_daemon_writes_the_digest(tmp_path: Path, db_url: str) -> None:
    import io

    from cadence.daemon import Daemon
    from config.settings import load
    from store.db import open_store

    path = tmp_path / "two.toml"
    path.write_text(SHOP + SECOND + '[digest]\ntime = "09:30"\nlanguage = "en"\n', "utf-8")
    settings = load(path)
    engine = open_store(db_url)
    monday = datetime.fromisoformat("2026-11-30T09:31+08:00")
    consoles = {}
    for shop in reversed(settings.shops):  # the second shop's daemon first: it must not send
        consoles[shop.id] = io.StringIO()
        worker = Daemon(
            engine=engine,
            settings=settings,
            shop=shop,
            console=consoles[shop.id],
            log_stream=io.StringIO(),
            clock=lambda: monday,
        )
        assert worker.run_job("check", worker.check) and worker.run_job("deliver", worker.deliver)
    engine.dispose()
    assert "[digest]" not in consoles["acme-uk"].getvalue()
    assert consoles["acme-th"].getvalue().count("[digest] Video cadence of every shop") == 1
