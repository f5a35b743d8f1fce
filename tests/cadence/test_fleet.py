"""`cadence daemon --all`: many shops in one process. Checks in batches decide what each
shop alone would; each shop's jobs are scheduled, spread and recorded as its own; a reload
adds and removes shops and a broken file keeps the running ones; a shop whose target never
answers holds up no other shop's delivery; `--once` and `fleet status` over the fleet."""

from __future__ import annotations

import io
import json
import os
import random
import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from sqlmodel import select

from cadence.fleet import Fleet, stagger
from cadence.service import evaluate_and_decide, evaluate_and_decide_many, register_shops
from config.runtime import Secrets
from config.settings import load
from store.db import open_store, session_scope
from store.models import Alert, JobRun, OutboxMessage, Video
from tests.httpserver import Reply, serve
from tests.localize.conftest import engine_server, setup  # noqa: F401 - fixtures

NOW = datetime(2026, 12, 3, 6, 0, tzinfo=UTC)  # a Thursday
# A command decides by the clock (a daemon has no --as-of), so the commands run here are
# given theirs, whatever the real hour of the week (on a Sunday evening in UTC, Asia's week
# has turned and no shop there is behind): NOW, or the sixth day of the week in Bangkok,
# Kuala Lumpur and London, where 0 of 3 is at risk.
AT_NOW = {"SHOPBOT_NOW": NOW.isoformat()}
AT_SIXTH_DAY = {"SHOPBOT_NOW": (NOW + timedelta(days=2)).isoformat()}
CADENCE = [sys.executable, "-c", "from cadence.cli import run; run()"]


def shops_file(path: Path, ids: list[str], hook: str | None = None, extra: str = "") -> Path:
    markets = ["TH", "MY", "UK", "US", "VN"]
    body = ""
    for n, shop_id in enumerate(ids):
        body += f'[[shops]]\nid = "{shop_id}"\nmarket = "{markets[n % len(markets)]}"\n'
        body += 'alert_language = "en"\n'
        if hook:
            body += f'alert_urls = ["json://{hook}/{shop_id}"]\n'
        body += "[shops.schedule]\ndeliver_seconds = 5\ncheck_minutes = 15\n"
    path.write_text(extra + body, encoding="utf-8")
    return path


def fleet_of(engine, config: Path, **kw) -> Fleet:  # type: ignore[no-untyped-def]
    fleet = Fleet(
        engine=engine,
        load_settings=lambda: load(config),
        console=io.StringIO(),
        log_stream=io.StringIO(),
        clock=lambda: NOW,
        **kw,
    )
    fleet.configure(load(config))
    return fleet


def test_a_batch_decides_what_each_shop_alone_would(tmp_path: Path, db_url: str) -> None:
    ids = [f"shop-{n}" for n in range(7)]
    config = shops_file(tmp_path / "shops.toml", ids)
    settings = load(config)
    rng = random.Random(3)
    results = {}
    for how in ("alone", "batch"):
        engine = open_store(db_url if how == "batch" else f"sqlite:///{tmp_path / 'alone.db'}")
        register_shops(engine, settings, settings.shops)
        rows = [
            Video(
                shop_id=s.id,
                video_id=f"{s.id}-{k}",
                posted_at=NOW - timedelta(hours=rng.randrange(24 * 20)),
                product_ids=["p"] if k % 3 else [],
            )
            for s in settings.shops
            for k in range(rng.randrange(6))
        ]
        with session_scope(engine) as s:
            s.add_all(rows)
        for moment in (NOW, NOW + timedelta(days=3), NOW + timedelta(days=5, hours=2)):
            if how == "alone":
                for shop in settings.shops:
                    evaluate_and_decide(engine, settings, shop, moment)
            else:
                evaluate_and_decide_many(engine, settings, settings.shops, moment)
        with session_scope(engine) as s:
            alerts = sorted(
                (a.shop_id, str(a.period_start), a.rule, a.state, a.notifications)
                for a in s.exec(select(Alert))
            )
            bodies = sorted((m.shop_id, m.body) for m in s.exec(select(OutboxMessage)))
        results[how] = (alerts, bodies)
        engine.dispose()
        rng = random.Random(3)  # the same videos for the second store
    assert results["alone"][0], "the shops fell behind: there is something to decide"
    assert results["batch"] == results["alone"]


def test_every_shop_has_its_jobs_spread_over_their_intervals(tmp_path: Path, engine) -> None:  # type: ignore[no-untyped-def]
    ids = [f"shop-{n:03d}" for n in range(40)]
    fleet = fleet_of(engine, shops_file(tmp_path / "shops.toml", ids), data_dir=tmp_path)
    jobs = {job.id: job for job in fleet.scheduler(BackgroundScheduler).get_jobs()}
    # one sweep per check interval, one dispatcher for deliveries, each shop's own others
    assert jobs["check-900"].trigger.interval == timedelta(minutes=15)
    assert jobs["check-900"].args == (ids,)
    assert {f"{i}/{n}" for i in ids for n in ("localize", "publish")} <= set(jobs)
    assert jobs["shop-007/localize"].executor == "shops"
    firsts = {jobs[f"{i}/localize"].next_run_time for i in ids}
    assert len(firsts) > 30, "spread, not all at once"
    for i in ids:
        job = jobs[f"{i}/localize"]
        assert (
            job.next_run_time
            == NOW + stagger(f"{i}/localize", 30 * 60)
            < NOW + timedelta(minutes=30)
        )
    # over an hour of simulated time, each shop's check sweep fires once per period
    check = jobs["check-900"].trigger
    fire, fires = NOW, []
    while fire < NOW + timedelta(hours=1):
        fires.append(fire)
        fire = check.get_next_fire_time(fire, fire + timedelta(microseconds=1))
    assert [f - NOW for f in fires] == [timedelta(minutes=15 * k) for k in range(4)]


def test_a_reload_adds_and_removes_shops_and_a_broken_file_keeps_them(  # type: ignore[no-untyped-def]
    tmp_path: Path, engine, caplog
) -> None:
    config = shops_file(tmp_path / "shops.toml", ["a", "b"])
    fleet = fleet_of(engine, config, data_dir=tmp_path)
    scheduler = fleet.scheduler(BackgroundScheduler)

    def shops() -> set[str]:
        return {j.id.split("/")[0] for j in scheduler.get_jobs() if "/" in j.id}

    assert shops() == {"a", "b"}
    kept = scheduler.get_job("b/localize").next_run_time
    shops_file(config, ["b", "c"])
    assert fleet.reload("SIGHUP")
    assert shops() == {"b", "c"} and set(fleet.daemons) == {"b", "c"}
    assert scheduler.get_job("check-900").args == (["b", "c"],)
    assert scheduler.get_job("b/localize").next_run_time == kept  # a shop that stays: as it was
    assert scheduler.get_job("check-added-0").args == (["c"],)  # the new shop checked at once
    config.write_text(config.read_text() + "[[shops]]\nid = 'BAD ID'\n", encoding="utf-8")
    assert not fleet.reload("SIGHUP")
    assert shops() == {"b", "c"}
    assert "the running configuration stays" in caplog.text and "BAD ID" in caplog.text


def test_once_runs_every_shops_jobs_and_records_each(tmp_path: Path, db_url: str, cli) -> None:  # type: ignore[no-untyped-def]
    config = shops_file(
        tmp_path / "shops.toml", ["a", "b", "c"], extra="[fleet]\ncheck_batch = 2\n"
    )
    where = ("--config", str(config), "--db", db_url)
    done = cli("cadence", "daemon", "--all", "--once", *where, environ=AT_SIXTH_DAY)
    assert done.code == 0, done.err
    assert done.out.count("video quota") >= 3  # each shop's alert, to the console
    engine = open_store(db_url)
    with session_scope(engine) as s:
        runs = {(r.shop_id, r.job): r for r in s.exec(select(JobRun))}
    assert {k for k in runs if k[1] == "check"} == {("a", "check"), ("b", "check"), ("c", "check")}
    assert all(r.ok and r.worker and ":" in r.worker for r in runs.values())
    status = cli("cadence", "fleet", "status", "--json", *where, environ=AT_SIXTH_DAY)
    doc = json.loads(status.out)
    assert [s["shop"] for s in doc["shops"]] == ["a", "b", "c"]
    assert {j["job"] for j in doc["shops"][0]["jobs"]} >= {"check", "deliver"}
    text = cli("cadence", "fleet", "status", *where, environ=AT_SIXTH_DAY)
    assert "no worker has run yet" in text.out and "check" in text.out
    some = cli(
        "cadence", "daemon", "--shops", "b,nope", "--once", "--config", str(config), "--db", db_url
    )
    assert some.code == 2 and "no shop with id 'nope'" in some.err


def test_a_shop_whose_target_never_answers_holds_up_no_other(tmp_path: Path, engine) -> None:  # type: ignore[no-untyped-def]
    release, slow_started, slow_calls = threading.Event(), threading.Event(), []

    def hook(req):  # type: ignore[no-untyped-def]
        if req.path.endswith("/slow"):
            slow_calls.append(req.path)
            slow_started.set()
            release.wait(30)  # answers only when the test lets it
        return Reply(200, {"errcode": 0})

    with serve({"/slow": hook, "/fast": hook}) as srv:
        config = shops_file(tmp_path / "shops.toml", ["slow", "fast"], hook=f"127.0.0.1:{srv.port}")
        fleet = fleet_of(engine, config)
        fleet.scheduler(BackgroundScheduler)  # the pools
        fleet.check_all()  # both shops behind: a message each
        try:
            fleet.deliver_due()
            assert slow_started.wait(10)
            fast = lambda: any(r.path == "/fast" for r in srv.requests)  # noqa: E731
            with srv.received:
                assert srv.received.wait_for(fast, timeout=10)
            assert slow_calls == ["/slow"] and not release.is_set()  # ... still waiting there
            assert ("slow", "deliver") in fleet._running
            fleet.deliver_due()  # the slow shop's delivery is not started twice
            assert slow_calls == ["/slow"]
        finally:
            release.set()
            fleet.stopping.set()


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="SIGHUP is POSIX")
def test_sighup_starts_a_new_shops_jobs_without_a_restart(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'store.db'}"
    config = shops_file(tmp_path / "shops.toml", ["a", "b"])
    env = {**os.environ, "SHOPBOT_HOME": str(tmp_path / "home"), **AT_SIXTH_DAY}
    proc = subprocess.Popen(
        [*CADENCE, "daemon", "--all", "--config", str(config), "--db", db],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    lines: list[str] = []
    seen = threading.Condition()

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            with seen:
                lines.append(line)
                seen.notify_all()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()

    def said(text: str) -> bool:
        with seen:
            return seen.wait_for(lambda: any(text in ln for ln in lines), timeout=30)

    try:
        assert said("fleet started: 2 shop(s)")
        assert said("[b] check: behind")  # b's first check, logged under its name
        shops_file(config, ["a", "b", "c"])
        proc.send_signal(signal.SIGHUP)
        assert said("SIGHUP: shops file reloaded: 3 shop(s); added c")
        assert said("[c] check: behind"), "".join(lines)  # its jobs started at once
        config.write_text("[[shops]]\nid = 'BAD ID'\n", encoding="utf-8")
        proc.send_signal(signal.SIGHUP)
        assert said("the running configuration stays")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
        reader.join(timeout=5)
    assert proc.returncode == 0, "".join(lines)
    assert any("fleet stopped" in ln for ln in lines)
    engine = open_store(db)
    with session_scope(engine) as s:
        checked = {r.shop_id for r in s.exec(select(JobRun).where(JobRun.job == "check"))}
    assert checked == {"a", "b", "c"}


def test_once_delivers_side_by_side_and_the_log_shows_answers_as_text(  # type: ignore[no-untyped-def]
    tmp_path: Path, engine
) -> None:
    # `--all --once` sent one shop after another: a silent target held up every other
    # shop's alert, and a robot's errmsg reached the fleet's log raw (ESC, BEL, U+202E).
    import logging

    fast_came = threading.Event()

    def hook(req):  # type: ignore[no-untyped-def]
        if req.path.endswith("/slow"):  # answers only once the other shop's alert came
            if not fast_came.wait(8):
                return Reply(200, {"errcode": 0})
            return Reply(200, {"errcode": 310000, "errmsg": "\x1b]0;pwned\x07\u202e no"})
        fast_came.set()
        return Reply(200, {"errcode": 0})

    with serve({"/slow": hook, "/fast": hook}) as srv:
        config = shops_file(tmp_path / "shops.toml", ["slow", "fast"], hook=f"127.0.0.1:{srv.port}")
        fleet = fleet_of(engine, config)
        log = logging.getLogger("cadence.daemon")
        handler = fleet.log_handler()
        log.addHandler(handler)
        try:
            assert fleet.once() is False  # the slow shop's robot refused its message
        finally:
            log.removeHandler(handler)
    assert fast_came.is_set()
    written = fleet.log_stream.getvalue()  # type: ignore[attr-defined]
    assert "\x1b" not in written and "\u202e" not in written and "\\x1b]0;pwned" in written


def test_a_shop_named_by_shops_and_gone_from_the_file_stops_on_reload(
    tmp_path: Path, engine
) -> None:  # type: ignore[no-untyped-def]
    config = shops_file(tmp_path / "shops.toml", ["a", "b", "c"])
    fleet = fleet_of(engine, config, names=["a", "b"])
    assert set(fleet.daemons) == {"a", "b"}
    shops_file(config, ["a", "c"])
    assert fleet.reload("SIGHUP")  # b stops; the rest of the file is taken
    assert set(fleet.daemons) == {"a"}


def test_the_fleets_reload_lines_are_said_in_the_logs_language(tmp_path: Path, engine) -> None:  # type: ignore[no-untyped-def]
    # The fleet's own lines (a reload taken or refused, a named shop gone) through the same
    # LogLines language as the daemon's job lines: every word marked in the pseudo-language.
    import logging
    import re

    from config.i18n import PSEUDO, catalog
    from tests.config.test_catalogs import bare_words

    config = shops_file(tmp_path / "shops.toml", ["a", "b", "c"])
    fleet = fleet_of(engine, config, names=["a", "b"], language=catalog(PSEUDO))
    log = logging.getLogger("cadence.fleet")
    handler = fleet.log_handler()
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    try:
        shops_file(config, ["a", "c"])
        assert fleet.reload("SIGHUP")  # b is gone: said, and the reload's count
        fleet.names = None
        shops_file(config, ["a", "c", "d"])
        assert fleet.reload("SIGHUP")  # c and d added
        config.write_text("[[shops]]\nid = 'BAD ID'\n", encoding="utf-8")
        assert not fleet.reload("SIGHUP")  # refused: the running configuration stays
    finally:
        log.removeHandler(handler)
        log.setLevel(logging.NOTSET)
    written = fleet.log_stream.getvalue().splitlines()  # type: ignore[attr-defined]
    assert len(written) >= 4, written
    # the line's layout and values: level, [fleet], the signal, the id given (shop ids a-d
    # are single letters: no word)
    layout = re.compile(r"\b(INFO|WARNING|ERROR|SIGHUP)\b|\[fleet\]|'BAD ID'")
    bare = [line for line in written if bare_words(line, layout)]
    assert not bare, "\n".join(bare)


def test_a_shop_whose_engine_never_answers_holds_up_no_other_shops_localize(  # type: ignore[no-untyped-def]
    tmp_path: Path, engine
) -> None:
    from localize.listings import ListingRecord, import_listings
    from store.models import ItemState, LocalizationItem
    from tests.localize.libre import libre

    release, silent_asked = threading.Event(), threading.Event()

    def silent(req):  # type: ignore[no-untyped-def]
        silent_asked.set()
        release.wait(30)  # accepts, and answers only when the test lets it
        return Reply(503, {"error": "gave up"})

    with serve({"/silent/translate": silent, "/fast/translate": libre()}) as srv:
        config = tmp_path / "shops.toml"
        config.write_text(
            "[fleet]\nimage_workers = 1\n"
            + "".join(
                f'[[shops]]\nid = "{shop_id}"\nmarket = "TH"\n[shops.translation]\n'
                f'engine = "libre"\nurl = "{srv.url}/{shop_id}/"\napi_key_env = "K"\n'
                "timeout = 30\nretries = 0\n"
                for shop_id in ("silent", "fast")
            ),
            encoding="utf-8",
        )
        fleet = Fleet(
            engine=engine,
            load_settings=lambda: load(config),
            console=io.StringIO(),
            log_stream=io.StringIO(),
            data_dir=tmp_path / "data",
            secrets=Secrets({"K": "k"}),
        )  # on the real clock: the scheduler runs what is due now
        fleet.configure(load(config))
        record = ListingRecord(product_id="p1", title="保温杯")
        for shop_id in ("silent", "fast"):
            import_listings(engine, shop_id=shop_id, records=[(None, record)])  # type: ignore[list-item]
        scheduler = fleet.scheduler(BackgroundScheduler)
        scheduler.start()
        try:
            scheduler.get_job("silent/localize").modify(next_run_time=datetime.now(UTC))
            assert silent_asked.wait(10)
            scheduler.get_job("fast/localize").modify(next_run_time=datetime.now(UTC))

            def translated() -> bool:
                with session_scope(engine) as s:
                    items = s.exec(
                        select(LocalizationItem).where(LocalizationItem.shop_id == "fast")
                    ).all()
                return bool(items) and all(i.state != ItemState.PENDING for i in items)

            waited = threading.Event()
            for _ in range(100):  # the fast shop's run, while the silent one still waits
                if translated():
                    break
                waited.wait(0.1)
            assert translated() and not release.is_set()
            assert ("silent", "localize") in fleet._running
        finally:
            release.set()
            fleet.stopping.set()
            scheduler.shutdown(wait=True)


def test_a_scheduled_fleet_captions_a_runs_images_in_the_image_pool_an_item_a_task(  # type: ignore[no-untyped-def]
    setup,  # noqa: F811 - the localize tests' fixture: a shop, its engine, its photos
    tmp_path: Path,
    db_url: str,
) -> None:
    run, _ = setup
    listings = tmp_path / "l.csv"
    listings.write_text("product_id,title,caption,images\np1,保温杯,包邮,a.jpg;b.jpg;c.jpg\n")
    assert run("listings", "import", str(listings), "--shop", "acme-my").code == 0
    config = tmp_path / "shops.toml"
    engine = open_store(db_url)
    fleet = Fleet(
        engine=engine,
        load_settings=lambda: load(config),
        console=io.StringIO(),
        log_stream=io.StringIO(),
        data_dir=tmp_path / "data",
        secrets=Secrets({"LIBRE_KEY": "k"}),
    )
    fleet.configure(load(config))
    scheduler = fleet.scheduler(BackgroundScheduler)

    def runs(job: str) -> list[JobRun]:
        with session_scope(engine) as s:
            return list(s.exec(select(JobRun).where(JobRun.job == job)))

    def localize_and_wait_for(captions: int) -> None:
        done = threading.Event()
        scheduler.get_job("acme-my/localize").modify(next_run_time=datetime.now(UTC))
        for _ in range(300):
            if len(runs("localize")) == len(before) + 1 and not fleet._captioning:
                break
            done.wait(0.1)
        assert len(runs("caption")) == captions

    scheduler.start()
    try:
        before: list[JobRun] = []
        localize_and_wait_for(2)  # two items (ms, en), a task each
        assert all(r.ok for r in runs("caption"))
        drawn = sorted((tmp_path / "data" / "images").rglob("*.jpg"))
        assert len(drawn) == 4  # each item's images that carry the caption
        stamps = [p.stat().st_mtime_ns for p in drawn]
        before = runs("localize")
        localize_and_wait_for(2)  # the next run finds nothing left to draw
        assert [p.stat().st_mtime_ns for p in drawn] == stamps
    finally:
        fleet.stopping.set()
        scheduler.shutdown(wait=True)
        engine.dispose()


def test_an_engine_silent_on_one_items_images_is_not_waited_on_again_by_the_next(  # type: ignore[no-untyped-def]
    engine, tmp_path: Path
) -> None:
    # Each caption task (a queue's, or the image pool's) made its own engine chain, so an
    # engine that gave up on the words of one item's picture was asked again, and waited
    # on again (tries x timeout), by the next item's: the image workers sat out the whole
    # silence item after item. The shop's caption tasks now share one chain until the
    # next localize run (at most half an interval): that run's tasks ask the engine again.
    from PIL import Image

    from cadence.daemon import Daemon
    from config.settings import parse
    from localize.listings import ListingRecord, import_listings
    from tests.localize.images import with_chinese
    from tests.localize.libre import libre

    def for_picture(req) -> bool:  # type: ignore[no-untyped-def]
        return "包邮" in req.body.decode() + str(req.query)

    def silent_for_pictures(req):  # type: ignore[no-untyped-def]
        if for_picture(req):
            return Reply(200, {"translatedText": "too late"}, delay=5)  # past the timeout
        return libre(api_key="k")(req)

    with serve({"/translate": silent_for_pictures}) as srv:

        def asked(n: int = 0) -> int:
            # the server's thread records a request when it gets to it: on a loaded machine
            # after the client gave up (0.5 s; CI once counted 2 of 3), so wait up to 10 s
            # for the n-th
            with srv.received:
                srv.received.wait_for(lambda: sum(map(for_picture, srv.requests)) >= n, timeout=10)
                return sum(map(for_picture, srv.requests))

        settings = parse(
            '[[shops]]\nid = "acme-my"\nmarket = "MY"\nlanguages = ["ms"]\n'
            f'[shops.translation]\nengine = "libre"\nurl = "{srv.url}"\napi_key_env = "KEY"\n'
            "timeout = 0.5\nretries = 0\n[shops.captions]\nreplace_text = true\n"
            "[shops.schedule]\nlocalize_minutes = 30\n",
            "shops.toml",
        )
        shop = settings.shops[0]
        register_shops(engine, settings, [shop])
        for n in range(2):
            picture = tmp_path / f"zh{n}.png"
            blank = Image.new("RGB", (420, 400), (245, 245, 240))
            with_chinese(blank, [("包邮不锈钢", (60, 250), 30)]).save(picture)
            record = ListingRecord(
                product_id=f"p{n}", title="保温杯大容量不锈钢" * 3, images=(str(picture),)
            )
            import_listings(engine, shop_id=shop.id, records=[(None, record)])  # type: ignore[list-item]
        clock = [NOW]
        handed: list[int] = []
        daemon = Daemon(
            engine=engine,
            settings=settings,
            shop=shop,
            secrets=Secrets({"KEY": "k"}),
            console=io.StringIO(),
            log_stream=io.StringIO(),
            clock=lambda: clock[0],
            data_dir=tmp_path / "data",
            registered=True,
            hand_images=handed.extend,
        )
        daemon.localize()
        assert len(handed) == 2 and asked() == 0  # the listing text translated
        first, second = handed
        daemon.caption(first)
        assert asked(1) == 1  # waited out, and given up on
        daemon.caption(second)
        assert asked() == 1, "the second item waited on the silent engine again"
        # another process's next run's tasks ask it again (it may be back): the chain is
        # kept half a localize interval
        clock[0] = NOW + timedelta(minutes=15)
        daemon.caption(first)
        assert asked(2) == 2
        daemon.caption(second)
        assert asked() == 2
        # this process's next run hands the items again (the words on their pictures are
        # to ask again): its tasks ask the engine anew, whenever it runs
        handed.clear()
        daemon.localize()
        assert sorted(handed) == sorted([first, second])
        daemon.caption(first)
        assert asked(3) == 3


def test_a_reload_closes_the_engines_the_replaced_shops_captions_shared(  # type: ignore[no-untyped-def]
    tmp_path: Path, engine
) -> None:
    # A reload makes every shop's daemon anew: the chain the old one's caption tasks
    # shared must be closed, or each reload leaves its engines' threads behind.
    from tests.localize.libre import libre

    with serve({"/translate": libre(api_key="k")}) as srv:
        config = shops_file(tmp_path / "shops.toml", ["shop-a"])
        config.write_text(
            config.read_text()
            + f'[shops.translation]\nengine = "libre"\nurl = "{srv.url}"\napi_key_env = "K"\n',
            encoding="utf-8",
        )
        fleet = fleet_of(engine, config, secrets=Secrets({"K": "k"}), data_dir=tmp_path / "d")
        before = set(threading.enumerate())
        with fleet.daemons["shop-a"].caption_engines().lend() as engines:
            chain = engines()
            assert chain.engines[0].translate("保温杯", "zh", "ms")  # its threads at work
        made = [
            t for t in threading.enumerate() if t not in before and t.name.startswith("translator-")
        ]
        assert made
        assert fleet.reload("SIGHUP")
        for thread in made:
            thread.join(5)
        assert not [t for t in made if t.is_alive()]
