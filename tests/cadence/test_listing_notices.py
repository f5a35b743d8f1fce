"""The team told about listings: items waiting for review and items blocked reach the shop's
webhook through the quota alerts' outbox, once each, held by quiet hours, and counted in
the weekly digest; real stores, a local webhook, time passed in."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from cadence.alerts import AlertPolicy, AlertRecord
from cadence.listing_notices import (
    Blocking,
    Change,
    ListingFacts,
    ReviewQueue,
    decide_listings,
    listing_week,
)
from cadence.messages import render_listing
from cadence.service import check, notifiers_for
from config.runtime import Secrets
from config.settings import Settings, parse
from localize import lifecycle
from store.db import session_scope
from store.models import Alert, ItemState, Listing, LocalizationItem, OutboxMessage
from store.queries import register_shops
from tests.httpserver import Reply, Server, serve

BKK = "Asia/Bangkok"
# Thursday 3 December 2026, 10:00 in Bangkok
NOW = datetime.fromisoformat("2026-12-03T10:00+07:00")


def shop_file(port: int, *, quiet: str | None = None, digest: bool = False) -> Settings:
    text = (
        '[[shops]]\nid = "acme-th"\nmarket = "TH"\nalert_language = "en"\n'
        f'alert_urls = ["json://127.0.0.1:{port}/hook"]\n'
        + (f'quiet_hours = "{quiet}"\n' if quiet else "")
        + (
            '[digest]\nweekday = "monday"\ntime = "09:30"\ntimezone = "Asia/Bangkok"\n'
            f'language = "en"\nalert_urls = ["json://127.0.0.1:{port}/team"]\n'
            if digest
            else ""
        )
    )
    return parse(text, "shops.toml")


@pytest.fixture
def hook() -> Iterator[Server]:
    with serve({"/hook": lambda r: Reply(200, {"errcode": 0})}) as srv:
        srv.routes["/team"] = srv.routes["/hook"]
        yield srv


def listing(engine: Engine, settings: Settings, product: str) -> int:
    """A listing and its Thai item, pending."""
    register_shops(engine, settings, settings.shops)
    with session_scope(engine) as s:
        row = Listing(shop_id="acme-th", product_id=product, title="保温杯", source_hash=product)
        s.add(row)
        s.flush()
        item = LocalizationItem(
            listing_id=row.id, shop_id="acme-th", language="th", source_hash=product
        )
        s.add(item)
        s.flush()
        assert item.id is not None
        return item.id


def move(engine: Engine, item_id: int, to: ItemState, at: datetime, **fields: Any) -> None:
    """The item moved on through the one way items change (its audit entry at `at`)."""
    with session_scope(engine) as s:
        item = s.get(LocalizationItem, item_id)
        assert item is not None
        lifecycle.change(s, item, to, actor="test", now=at, **fields)


def waiting(engine: Engine, settings: Settings, product: str, at: datetime) -> int:
    item = listing(engine, settings, product)
    move(engine, item, ItemState.TRANSLATED, at, title="กระติกน้ำ")
    return item


def blocked(engine: Engine, settings: Settings, product: str, at: datetime, why: str) -> int:
    item = waiting(engine, settings, product, at - timedelta(hours=1))
    move(engine, item, ItemState.APPROVED, at - timedelta(minutes=30))
    move(engine, item, ItemState.BLOCKED, at, error=why)
    return item


def tick(engine: Engine, settings: Settings, now: datetime) -> Any:
    """One `cadence check` of every shop at `now`."""
    notifiers = notifiers_for(settings, Secrets({}), io.StringIO())
    return check(engine, settings, settings.shops, now, notifiers)


def sent(srv: Server, path: str = "/hook") -> list[tuple[str, str]]:
    """The (title, body) of each notice about listings the webhook took (the shop, with no
    videos, is behind too: those alerts are not these tests' subject), or of each message
    to the team's `path`."""
    found = [(r.json()["title"], r.json()["message"]) for r in srv.requests if r.path == path]
    if path == "/team":
        return found
    notices = (":review_waiting#", ":item_blocked:", ":items_blocked:")
    return [(t, b) for t, b in found if any(n in b for n in notices)]


def test_waiting_and_blocked_items_reach_the_webhook_once_each(
    engine: Engine, hook: Server
) -> None:
    settings = shop_file(hook.port)
    waiting(engine, settings, "P-1", NOW - timedelta(days=2))
    waiting(engine, settings, "P-2", NOW - timedelta(hours=3))
    stuck = blocked(engine, settings, "P-3", NOW - timedelta(hours=1), "no EPR registration")
    tick(engine, settings, NOW)
    titles = sorted(title for title, _ in sent(hook))
    assert titles == [
        "[acme-th] 2 item(s) wait for review",
        f"[acme-th] Item {stuck} (product P-3) blocked from publishing",
    ]
    bodies = dict(sent(hook))
    body = bodies["[acme-th] 2 item(s) wait for review"]
    # the oldest waits since Tuesday 10:00 in Bangkok (an English team reads the shop's clock)
    assert body.startswith(
        "2 item(s) wait for review in shop acme-th (oldest since Tue 01 Dec 10:00).\n"
        "Counted Thu 03 Dec 10:00."
    )
    assert "localize review --shop acme-th" in body
    blocked_body = bodies[f"[acme-th] Item {stuck} (product P-3) blocked from publishing"]
    assert blocked_body.startswith(f"Item {stuck} (product P-3, th) blocked: no EPR registration")
    # the next passes the same day, and the next day for the blocking, tell nothing new
    tick(engine, settings, NOW + timedelta(minutes=5))
    tick(engine, settings, NOW + timedelta(hours=10))
    assert len(sent(hook)) == 2
    tick(engine, settings, NOW + timedelta(days=1))
    assert [t for t, _ in sent(hook)[2:]] == ["[acme-th] 2 item(s) wait for review"]


def test_the_waiting_notice_counts_a_shops_day_in_its_own_timezone(
    engine: Engine, hook: Server
) -> None:
    settings = shop_file(hook.port)
    waiting(engine, settings, "P-1", NOW - timedelta(days=1))
    late = datetime.fromisoformat("2026-12-03T23:50+07:00")
    tick(engine, settings, late)  # Thursday in Bangkok (already Friday in UTC+8 and east)
    tick(engine, settings, late + timedelta(minutes=5))
    assert len(sent(hook)) == 1
    tick(engine, settings, late + timedelta(minutes=15))  # Friday 00:05 in Bangkok
    assert len(sent(hook)) == 2
    with session_scope(engine) as s:
        days = s.exec(select(Alert.period_start).where(Alert.rule == "review_waiting")).all()
    assert sorted(d.isoformat() for d in days) == ["2026-12-03", "2026-12-04"]


def test_nothing_waits_nothing_is_said(engine: Engine, hook: Server) -> None:
    settings = shop_file(hook.port)
    item = waiting(engine, settings, "P-1", NOW - timedelta(days=1))
    move(engine, item, ItemState.APPROVED, NOW - timedelta(hours=1))
    run = tick(engine, settings, NOW)
    assert sent(hook) == []
    assert [d.rule for r in run.shops for d in r.decisions if d.rule != "behind"] == []


def test_a_new_blocking_after_an_unblocking_is_a_new_notice(engine: Engine, hook: Server) -> None:
    settings = shop_file(hook.port)
    item = blocked(engine, settings, "P-3", NOW - timedelta(hours=1), "no EPR registration")
    move(engine, item, ItemState.TRANSLATED, NOW - timedelta(minutes=50))  # a reviewer edits
    move(engine, item, ItemState.APPROVED, NOW - timedelta(minutes=40))
    # blocked again before any check saw it unblocked: the check tells this blocking alone
    move(engine, item, ItemState.BLOCKED, NOW - timedelta(minutes=30), error="safety report")
    tick(engine, settings, NOW)
    assert [b.split("\n")[0] for _, b in sent(hook)] == [
        f"Item {item} (product P-3, th) blocked: safety report"
    ]
    # the same blocking with other reasons (the next publish pass) is not a new one
    move(engine, item, ItemState.BLOCKED, NOW + timedelta(minutes=1), error="safety report; EPR")
    tick(engine, settings, NOW + timedelta(minutes=5))
    assert len(sent(hook)) == 1
    # unblocked: the alert closes without a word; blocked again: told again
    move(engine, item, ItemState.APPROVED, NOW + timedelta(minutes=10))
    tick(engine, settings, NOW + timedelta(minutes=15))
    with session_scope(engine) as s:
        [alert] = s.exec(select(Alert).where(Alert.rule == "item_blocked")).all()
        assert alert.state == "resolved" and alert.notifications == 1
    move(engine, item, ItemState.BLOCKED, NOW + timedelta(minutes=20), error="EPR")
    tick(engine, settings, NOW + timedelta(minutes=25))
    assert [b.split("\n")[0] for _, b in sent(hook)[1:]] == [
        f"Item {item} (product P-3, th) blocked: EPR"
    ]
    with session_scope(engine) as s:
        keys = s.exec(
            select(OutboxMessage.dedup_key).where(OutboxMessage.dedup_key.contains("item_blocked"))
        ).all()
    assert len(set(keys)) == 2


def test_quiet_hours_hold_notices_until_they_end(engine: Engine, hook: Server) -> None:
    settings = shop_file(hook.port, quiet="22:00-08:00")
    night = datetime.fromisoformat("2026-12-03T23:00+07:00")
    waiting(engine, settings, "P-1", night - timedelta(hours=5))
    stuck = blocked(engine, settings, "P-2", night - timedelta(minutes=30), "no EPR registration")
    gone = blocked(engine, settings, "P-3", night - timedelta(minutes=20), "image too small")
    tick(engine, settings, night)
    tick(engine, settings, night + timedelta(hours=2))  # 01:00: a new day, still quiet
    assert sent(hook) == []
    # unblocked during the night: by the morning its notice would be untrue
    move(engine, gone, ItemState.APPROVED, night + timedelta(hours=3))
    tick(engine, settings, night + timedelta(hours=8, minutes=59))  # 07:59
    assert sent(hook) == []
    tick(engine, settings, night + timedelta(hours=9))  # 08:00 in Bangkok
    assert sorted(t for t, _ in sent(hook)) == [
        "[acme-th] 1 item(s) wait for review",
        f"[acme-th] Item {stuck} (product P-2) blocked from publishing",
    ]
    tick(engine, settings, night + timedelta(hours=12))
    assert len(sent(hook)) == 2
    with session_scope(engine) as s:
        dropped = s.exec(select(OutboxMessage).where(OutboxMessage.state == "dropped")).all()
    assert [m.title for m in dropped] == [
        f"[acme-th] Item {gone} (product P-3) blocked from publishing"
    ]


def test_the_digest_says_how_many_items_waited_and_were_blocked_last_week(
    engine: Engine, hook: Server
) -> None:
    settings = shop_file(hook.port, digest=True)
    week = datetime.fromisoformat("2026-11-23T00:00+07:00")  # last week: Mon 23 - Sun 29 Nov
    before = waiting(engine, settings, "P-0", week - timedelta(days=3))  # waits through it
    reviewed = waiting(engine, settings, "P-1", week + timedelta(days=1))
    move(engine, reviewed, ItemState.APPROVED, week + timedelta(days=2))
    blocked(engine, settings, "P-2", week + timedelta(days=3), "no EPR registration")
    waiting(engine, settings, "P-3", week + timedelta(days=7, hours=1))  # this week: not counted
    assert before
    tick(engine, settings, datetime.fromisoformat("2026-11-30T09:30+07:00"))
    [(title, body)] = sent(hook, "/team")
    assert title.startswith("[digest]")
    assert "acme-th listings: last week 3 waited for review, 1 blocked" in body.splitlines()


def test_the_core_tells_once_a_shops_day_and_once_a_blocking() -> None:
    from zoneinfo import ZoneInfo

    policy = AlertPolicy(zone=ZoneInfo(BKK))
    block = Blocking(7, "P-7", "th", "no EPR registration", NOW, 41)
    facts = ListingFacts(ReviewQueue(2, NOW - timedelta(days=1), NOW), (block,))
    first = decide_listings(facts, [], NOW, policy)
    assert [(d.action.value, d.rule, d.subject) for d in first] == [
        ("open", "review_waiting", ""),
        ("open", "item_blocked", "item:7:41"),
    ]
    told = [
        AlertRecord("review_waiting", NOW.date(), "firing"),
        AlertRecord("item_blocked", NOW.date(), "firing", subject="item:7:41"),
    ]
    assert decide_listings(facts, told, NOW, policy) == []
    # nothing waits, nothing blocked: the day's alert and the blocking's close, silently
    closed = decide_listings(ListingFacts(), told, NOW, policy)
    assert [(d.action.value, d.rule, d.notify) for d in closed] == [
        ("close", "review_waiting", False),
        ("close", "item_blocked", False),
    ]
    # the next day the day before's alert closes and the new day's opens
    tomorrow = decide_listings(facts, told, NOW + timedelta(days=1), policy)
    assert [(d.action.value, d.rule, d.period_start.day) for d in tomorrow] == [
        ("open", "review_waiting", 4),
        ("close", "review_waiting", 3),
    ]
    again = ListingFacts(blocked=(Blocking(7, "P-7", "th", "EPR", NOW, 52),))
    assert [d.subject for d in decide_listings(again, told, NOW, policy) if d.notify] == [
        "item:7:52"
    ]


def test_notices_read_naturally_in_chinese() -> None:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(BKK)
    policy = AlertPolicy(zone=zone)
    at = NOW.astimezone(zone)
    block = Blocking(7, "P-7", "th", "no EPR registration", at, 41)
    facts = ListingFacts(ReviewQueue(2, at - timedelta(days=1), at), (block,))
    shanghai = ZoneInfo("Asia/Shanghai")
    texts = [
        render_listing(d, "acme-th", "zh", facts, shanghai)
        for d in decide_listings(facts, [], NOW, policy)
    ]
    assert texts[0] is not None and texts[1] is not None
    assert texts[0].title == "【acme-th】2 个商品待审核"
    assert texts[0].body.startswith(
        "店铺 acme-th 有 2 个商品等待审核（最早的自 12月2日（周三）10:00 曼谷时间 = "
        "12月2日（周三）11:00 北京时间 起）。"
    )
    assert texts[1].title == "【acme-th】商品 P-7 被拦截，未发布"
    assert texts[1].body.startswith("商品 P-7（条目 7，th）被拦截，未发布：no EPR registration")


def test_a_week_counts_items_that_came_and_went_and_those_that_stayed() -> None:
    end = NOW
    changes = [
        Change(1, "translated", "pending"),
        Change(2, "approved", "translated"),  # waited since before the week, reviewed in it
        Change(3, "approved", "blocked"),  # blocked since before, unblocked in it
        Change(4, "failed", "pending"),
    ]
    week = listing_week(changes, {5: end - timedelta(days=9), 6: end}, {7: end}, end)
    assert (week.waited, week.blocked) == (3, 1)
    assert not listing_week([], {}, {}, end)


def test_a_held_reference_names_the_blocking(engine: Engine, hook: Server) -> None:
    settings = shop_file(hook.port)
    item = blocked(engine, settings, "P-3", NOW - timedelta(hours=1), "no EPR registration")
    tick(engine, settings, NOW)
    [(_, body)] = sent(hook)
    assert body.splitlines()[-1].startswith(f"ref: acme-th:2026-12-03:item_blocked:item:{item}:")


def test_cadence_alerts_names_the_blocking(cli, db_url: str, tmp_path, hook: Server) -> None:  # type: ignore[no-untyped-def]
    import json

    from store.db import open_store

    config = tmp_path / "shops.toml"
    config.write_text(
        '[[shops]]\nid = "acme-th"\nmarket = "TH"\nalert_language = "en"\n'
        f'alert_urls = ["json://127.0.0.1:{hook.port}/hook"]\n',
        encoding="utf-8",
    )
    settings = parse(config.read_text(encoding="utf-8"), "shops.toml")
    engine = open_store(db_url)
    item = blocked(engine, settings, "P-3", NOW - timedelta(hours=1), "no EPR registration")
    engine.dispose()
    args = ("--config", str(config), "--db", db_url)
    checked = cli("cadence", "check", "--as-of", NOW.isoformat(), *args)
    assert "open item_blocked" in checked.out, checked.out
    shown = cli("cadence", "alerts", "--json", *args)
    [alert] = [a for a in json.loads(shown.out) if a["rule"] == "item_blocked"]
    assert alert["subject"].startswith(f"item:{item}:")
    assert alert["messages"][0]["state"] == "delivered"
    text = cli("cadence", "alerts", *args).out
    assert f"acme-th Thu 03 Dec 2026 item_blocked item:{item}:" in text


def test_many_blockings_at_once_are_told_in_one_message_each_once(
    engine: Engine, hook: Server
) -> None:
    from cadence.alerts import in_short

    settings = shop_file(hook.port)
    items = [
        blocked(engine, settings, f"P-{n}", NOW - timedelta(hours=1), "no EPR registration")
        for n in range(7)
    ]
    run = tick(engine, settings, NOW)
    assert in_short(run.shops[0].decisions) == (
        "open behind, open item_blocked x7, notice items_blocked"
    )
    [(title, body)] = sent(hook)
    assert title == "[acme-th] 7 items blocked from publishing"
    lines = body.splitlines()
    assert lines[1] == f"item {items[0]} (product P-0, th): no EPR registration"
    assert lines[5:7] == [
        f"item {items[4]} (product P-4, th): no EPR registration",
        "and 2 more",
    ]
    tick(engine, settings, NOW + timedelta(minutes=5))
    assert len(sent(hook)) == 1
    # one more blocking later is told on its own
    more = blocked(engine, settings, "P-9", NOW + timedelta(minutes=10), "image too small")
    tick(engine, settings, NOW + timedelta(minutes=15))
    assert [t for t, _ in sent(hook)[1:]] == [
        f"[acme-th] Item {more} (product P-9) blocked from publishing"
    ]


def test_the_daemons_jobs_tell_an_item_its_publish_pass_blocked_once(
    engine: Engine, hook: Server, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from cadence.daemon import Daemon
    from localize.listings import ListingRecord, import_listings

    settings = parse(
        '[[shops]]\nid = "acme-th"\nmarket = "TH"\nalert_language = "en"\n'
        f'alert_urls = ["json://127.0.0.1:{hook.port}/hook"]\n',
        "shops.toml",
    )
    register_shops(engine, settings, settings.shops)
    record = ListingRecord(product_id="P-9", title="保温杯")
    import_listings(engine, shop_id="acme-th", records=[(None, record)])  # type: ignore[list-item]
    with session_scope(engine) as s:
        lifecycle.create_missing(s, shop_id="acme-th", languages=["th"])
    with session_scope(engine) as s:  # approved with a title too short and no image
        [item] = s.exec(select(LocalizationItem)).all()
        lifecycle.change(s, item, ItemState.TRANSLATED, actor="test", title="แก้ว")
        lifecycle.change(s, item, ItemState.APPROVED, actor="lin")
    daemon = Daemon(
        engine=engine,
        settings=settings,
        shop=settings.shops[0],
        console=io.StringIO(),
        log_stream=io.StringIO(),
        clock=lambda: NOW,
        data_dir=tmp_path / "data",
    )
    for _ in range(2):  # the daemon's passes, twice: the blocking is told once
        for job in (daemon.publish, daemon.check, daemon.deliver):
            daemon.run_job(job.__name__, job)
    [(title, body)] = sent(hook)
    assert title == f"[acme-th] Item {item.id} (product P-9) blocked from publishing"
    assert body.startswith(f"Item {item.id} (product P-9, th) blocked: ")
    assert "title" in body.splitlines()[0]


def test_a_held_waiting_notice_is_dropped_when_nothing_waits_by_its_time(
    engine: Engine, hook: Server
) -> None:
    settings = shop_file(hook.port, quiet="22:00-08:00")
    night = datetime.fromisoformat("2026-12-03T23:00+07:00")
    item = waiting(engine, settings, "P-1", night - timedelta(hours=5))
    tick(engine, settings, night)
    # the team in Beijing reviews it during the shop's night
    move(engine, item, ItemState.APPROVED, night + timedelta(hours=3))
    tick(engine, settings, night + timedelta(hours=3, minutes=5))
    tick(engine, settings, night + timedelta(hours=9))  # 08:00 in Bangkok
    assert sent(hook) == []
    with session_scope(engine) as s:
        [message] = s.exec(
            select(OutboxMessage).where(OutboxMessage.dedup_key.contains("review_waiting"))
        ).all()
    assert message.state == "dropped" and "closed" in (message.last_error or "")


def test_the_digests_listing_line_reads_naturally_in_chinese() -> None:
    from zoneinfo import ZoneInfo

    from cadence.digest import render_digest
    from cadence.listing_notices import ListingWeek
    from cadence.quota import QuotaRules, history

    rules = QuotaRules(shop="acme-th", zone=ZoneInfo(BKK), quota=3)
    now = datetime(2026, 11, 25, 18, 0, tzinfo=ZoneInfo(BKK))
    weeks = [history(rules, [], now, weeks=4)]
    digest = render_digest("zh", now, weeks, listings={"acme-th": ListingWeek(4, 1)})
    assert digest.body.splitlines()[1] == "acme-th 商品：上周 4 个待审核，1 个被拦截"
    quiet = render_digest("zh", now, weeks, listings={"acme-th": ListingWeek()})
    assert len(quiet.body.splitlines()) == 2  # nothing waited or was blocked: no line


def for_a_person(engine: Engine, settings: Settings, product: str, at: datetime) -> int:
    """An item a reviewer rejected, now waiting for a person's translation."""
    item = waiting(engine, settings, product, at - timedelta(hours=1))
    move(engine, item, ItemState.REJECTED, at, needs_person=lifecycle.NO_NEW_TEXT)
    return item


def test_an_item_waiting_for_a_persons_translation_is_told_like_one_waiting_for_review(
    engine: Engine, hook: Server
) -> None:
    settings = shop_file(hook.port, quiet="22:00-08:00")
    night = datetime.fromisoformat("2026-12-03T23:00+07:00")
    for_a_person(engine, settings, "P-1", night - timedelta(hours=5))
    tick(engine, settings, night)
    assert sent(hook) == []  # quiet hours hold it
    tick(engine, settings, night + timedelta(hours=9))  # 08:00 in Bangkok
    [(title, body)] = sent(hook)
    assert title == "[acme-th] 1 item(s) wait for review"
    assert "1 of them wait(s) for a person's translation" in body
    tick(engine, settings, night + timedelta(hours=10))
    assert len(sent(hook)) == 1  # once a day


def test_the_digest_counts_items_that_waited_for_a_persons_translation(
    engine: Engine, hook: Server
) -> None:
    settings = shop_file(hook.port, digest=True)
    week = datetime.fromisoformat("2026-11-23T00:00+07:00")  # last week: Mon 23 - Sun 29 Nov
    for_a_person(engine, settings, "P-1", week - timedelta(days=3))  # waits through it
    tick(engine, settings, datetime.fromisoformat("2026-11-30T09:30+07:00"))
    [(_, body)] = sent(hook, "/team")
    assert "acme-th listings: last week 1 waited for review, 0 blocked" in body.splitlines()


def test_localize_run_counts_as_waiting_what_the_notice_counts(
    engine: Engine, hook: Server, tmp_path: Any
) -> None:
    from localize.run import run_shop

    settings = shop_file(hook.port)
    waiting(engine, settings, "P-1", NOW - timedelta(hours=3))
    for_a_person(engine, settings, "P-2", NOW - timedelta(hours=2))
    blocked(engine, settings, "P-3", NOW - timedelta(hours=1), "no EPR registration")
    done = run_shop(engine, settings, settings.shops[0], Secrets({}), tmp_path)
    assert done.text.engine_calls == 0
    tick(engine, settings, NOW)
    titles = [t for t, _ in sent(hook)]
    assert "[acme-th] 2 item(s) wait for review" in titles  # the blocked one is told apart
    assert done.waiting == 2 and done.as_dict()["waiting_for_review"] == 2
    assert done.blocked == 1 and done.as_dict()["blocked"] == 1


def test_a_shops_engine_failing_behind_its_fallback_is_told_once_a_day(
    engine: Engine, hook: Server, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from cadence.daemon import Daemon
    from localize.listings import ListingRecord, import_listings
    from tests.localize.test_reject import second_model

    with serve(
        {
            "/translate": lambda r: Reply(503, {"error": "the server is overloaded"}),
            "/v1/chat/completions": second_model,
        }
    ) as engines:
        settings = parse(
            '[[shops]]\nid = "acme-th"\nmarket = "TH"\nalert_language = "en"\n'
            f'alert_urls = ["json://127.0.0.1:{hook.port}/hook"]\n'
            f'[shops.translation]\nengine = "libre"\nurl = "{engines.url}"\n'
            f'retries = 0\nbase_url = "{engines.url}/v1"\nmodel = "qwen-plus"\n'
            'fallback = "openai"\n',
            "shops.toml",
        )
        register_shops(engine, settings, settings.shops)
        now = {"at": NOW}
        daemon = Daemon(
            engine=engine,
            settings=settings,
            shop=settings.shops[0],
            console=io.StringIO(),
            log_stream=io.StringIO(),
            clock=lambda: now["at"],
            data_dir=tmp_path / "data",
        )
        for n, later in enumerate((0, 1, 25)):  # three runs: two on Thursday, one on Friday
            now["at"] = NOW + timedelta(hours=later)
            record = ListingRecord(product_id=f"P-{n}", title=f"保温杯{n}")
            import_listings(engine, shop_id="acme-th", records=[(None, record)])  # type: ignore[list-item]
            for job in (daemon.localize, daemon.deliver):
                daemon.run_job(job.__name__, job)
    told = [(t, b) for t, b in sent_all(hook) if "engine_failing" in b]
    assert [t for t, _ in told] == ["[acme-th] Translation engine libre is failing"] * 2
    body = told[0][1]
    assert body.startswith("Translation engine libre failed 1 of 1 texts in a run; openai")
    assert "the server is overloaded" in body


def sent_all(srv: Server) -> list[tuple[str, str]]:
    """Every (title, body) the shop's webhook took."""
    return [(r.json()["title"], r.json()["message"]) for r in srv.requests if r.path == "/hook"]


def test_the_digest_says_on_how_many_days_an_engine_failed_last_week(
    engine: Engine, hook: Server
) -> None:
    from cadence.listing_notices import EngineTrouble
    from cadence.service import tell_engine_failing

    settings = shop_file(hook.port, digest=True)
    register_shops(engine, settings, settings.shops)
    week = datetime.fromisoformat("2026-11-23T10:00+07:00")  # last week: Mon 23 - Sun 29 Nov
    trouble = EngineTrouble("libre", 3, 3, "503: overloaded", ("openai",))
    for at in (week, week + timedelta(hours=2), week + timedelta(days=2), week + timedelta(days=8)):
        tell_engine_failing(engine, settings, settings.shops[0], [trouble], at)
    tick(engine, settings, datetime.fromisoformat("2026-11-30T09:30+07:00"))
    [(_, body)] = sent(hook, "/team")
    assert "acme-th: translation engine libre failed on 2 day(s) last week" in body.splitlines()


def test_a_blocking_is_told_in_the_shops_alert_language_from_its_stored_reasons(
    engine: Engine, hook: Server
) -> None:
    # Preflight stores its reasons once, as messages (code and values); the chat notice of a
    # Chinese-speaking shop says them in Chinese, the item's error stays English.
    from config.i18n import msg, stored

    settings = parse(
        '[[shops]]\nid = "acme-th"\nmarket = "TH"\nalert_language = "zh"\n'
        f'alert_urls = ["json://127.0.0.1:{hook.port}/hook"]\n',
        "shops.toml",
    )
    reasons = [
        msg("title: Chinese characters are not allowed"),
        msg("{count} main image(s); TikTok Shop takes {least}-{most}", count=0, least=1, most=9),
    ]
    item = waiting(engine, settings, "P-3", NOW - timedelta(hours=2))
    move(engine, item, ItemState.APPROVED, NOW - timedelta(hours=1, minutes=30))
    english = "; ".join(reasons)
    move(engine, item, ItemState.BLOCKED, NOW - timedelta(hours=1), error=english)
    with session_scope(engine) as s:  # blocked again, now with its reasons as messages
        row = s.get(LocalizationItem, item)
        assert row is not None
        lifecycle.change(s, row, ItemState.APPROVED, actor="test", now=NOW - timedelta(minutes=9))
    with session_scope(engine) as s:
        row = s.get(LocalizationItem, item)
        assert row is not None
        lifecycle.change(
            s,
            row,
            ItemState.BLOCKED,
            actor="test",
            now=NOW - timedelta(minutes=5),
            error=english,
            says=[stored(r) for r in reasons],
        )
        assert row.error == english
    tick(engine, settings, NOW)
    [(title, body)] = sent(hook)
    assert body.startswith(
        f"商品 P-3（条目 {item}，th）被拦截，未发布：标题：不允许出现中文字符；主图 0 张；"
    ), body
    assert "TikTok Shop" in body and "characters" not in body


def test_two_processes_telling_the_same_failing_engine_write_one_notice(
    engine: Engine, hook: Server
) -> None:
    # Two `localize run` of a shop at once: both read no notice of the day, both decide to
    # write one; the second insert met the first's row (IntegrityError on PostgreSQL).
    from cadence.listing_notices import EngineTrouble, decide_engine_failing
    from cadence.service import policy_for, write_engine_failing

    settings = shop_file(hook.port)
    shop = settings.shops[0]
    register_shops(engine, settings, settings.shops)
    trouble = EngineTrouble("libre", 3, 3, "503: overloaded", ("openai",))
    decided = decide_engine_failing([trouble], [], NOW, policy_for(settings, shop))
    with session_scope(engine) as first, session_scope(engine) as second:
        assert write_engine_failing(first, shop, [trouble], decided, NOW) == decided
        first.commit()
        assert write_engine_failing(second, shop, [trouble], decided, NOW) == []
    with session_scope(engine) as s:
        alerts = s.exec(select(Alert).where(Alert.rule == "engine_failing")).all()
        assert [(a.subject, a.notifications) for a in alerts] == [("engine:libre", 1)]
        assert len(s.exec(select(OutboxMessage).where(OutboxMessage.shop_id == shop.id)).all()) == 1
