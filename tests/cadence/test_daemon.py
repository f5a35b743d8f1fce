"""The daemon as a process: jobs run and are recorded, SIGTERM stops it, SIGKILL loses nothing;
and in scheduled mode: the pipeline's jobs on the shop's intervals, failures recorded."""

from __future__ import annotations

import io
import logging
import os
import random
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

from sqlmodel import select

from cadence.daemon import STOP_WAIT_MAX, Daemon
from cadence.service import evaluate_and_decide, register_shops
from config.runtime import Secrets
from config.settings import load
from store.db import open_store, session_scope
from store.models import JobRun, OutboxMessage, Shop, Video
from tests.httpserver import Reply, Server, closed_port, raw_serve, serve

DAEMON = [sys.executable, "-c", "from cadence.cli import run; run()", "daemon"]
REF = re.compile(r"ref: (\S+)")


def write_config(tmp_path: Path, hook_port: int, extra: str = "") -> Path:
    path = tmp_path / "shops.toml"
    path.write_text(
        '[[shops]]\nid = "acme-th"\nmarket = "TH"\nalert_language = "en"\n'
        f'alert_urls = ["json://127.0.0.1:{hook_port}/hook"]\n'
        "[shops.schedule]\ndeliver_seconds = 5\ncheck_minutes = 60\nlease_seconds = 5\n" + extra,
        encoding="utf-8",
    )
    return path


def seed(db: str, config: Path, weeks: int) -> set[str]:
    """Alerts for `weeks` past weeks, decided but not delivered; returns the refs of those
    still owed (the missed-week notices: a behind or at-risk message of a week that is
    over is dropped, not sent)."""
    settings = load(config)
    shop = settings.shops[0]
    engine = open_store(db)
    register_shops(engine, settings, [shop])
    with session_scope(engine) as s:  # a video long ago: the shop was tracked all along
        s.add(
            Video(
                shop_id=shop.id,
                video_id="old",
                posted_at=datetime.fromisoformat("2025-01-01T00:00+07:00"),
            )
        )
    sunday = datetime.fromisoformat("2026-06-07T09:00+07:00")
    for week in range(weeks):
        evaluate_and_decide(engine, settings, shop, sunday + timedelta(weeks=week))
    with session_scope(engine) as s:
        refs = {
            REF.search(m.body).group(1)
            for m in s.exec(select(OutboxMessage))
            if m.state == "pending" and ":missed#" in m.body
        }
    engine.dispose()
    return refs


def start(config: Path, db: str, tmp_path: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "SHOPBOT_HOME": str(tmp_path / "home")}
    return subprocess.Popen(
        [*DAEMON, "--shop", "acme-th", "--config", str(config), "--db", db],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def received_refs(srv: Server) -> list[str]:
    with srv.received:  # re-entrant: also called inside wait_for
        return [REF.search(r.json()["message"]).group(1) for r in srv.requests]


def wait_for(srv: Server, predicate, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    with srv.received:
        return srv.received.wait_for(lambda: predicate(), timeout=timeout)


def pending(db: str) -> int:
    """Outbox messages not yet settled (delivered, or known to be uncertain)."""
    engine = open_store(db)
    try:
        with session_scope(engine) as s:
            return sum(1 for m in s.exec(select(OutboxMessage)) if m.state == "pending")
    finally:
        engine.dispose()


def wait_until(srv: Server, predicate, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    """Check `predicate` each time the webhook is called (or every second), up to timeout."""
    for _ in range(int(timeout)):
        if predicate():
            return True
        with srv.received:
            srv.received.wait(timeout=1.0)
    return predicate()


def test_jobs_run_are_recorded_and_sigterm_stops_cleanly(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'store.db'}"
    with serve({"/hook": lambda r: Reply(200, {"errcode": 0})}) as srv:
        tiktok = (
            f'[shops.tiktok]\nbase_url = "http://127.0.0.1:{closed_port()}"\n'
            'app_key_env = "K"\napp_secret_env = "S"\naccess_token_env = "T"\n'
            'shop_cipher = "c"\ntimeout = 1\n'
        )
        config = write_config(tmp_path, srv.port, tiktok)
        refs = seed(db, config, weeks=2)
        proc = start(config, db, tmp_path)
        try:
            delivered = wait_for(srv, lambda: set(refs) <= set(received_refs(srv)), 30)
        finally:
            proc.send_signal(signal.SIGTERM)
            _, err = proc.communicate(timeout=30)
        assert delivered, err
    assert proc.returncode == 0, err
    assert "daemon started: jobs check every 3600s, deliver every 5s, sync every 3600s" in err
    assert "daemon stopped" in err
    engine = open_store(db)
    with session_scope(engine) as s:
        runs = {r.job: r for r in s.exec(select(JobRun))}
        assert s.get(Shop, "acme-th") is not None
    assert runs["check"].ok and runs["deliver"].ok
    assert runs["sync"].ok is False and "environment variable K is not set" in runs["sync"].error


def test_sigkill_while_delivering_loses_no_alert(tmp_path: Path, summary_line) -> None:  # type: ignore[no-untyped-def]
    seed_value = int(os.environ.get("SHOPBOT_CRASH_SEED", "20261129"))
    rng = random.Random(seed_value)
    db = f"sqlite:///{tmp_path / 'store.db'}"
    # A slow team chat widens the window in which a kill lands mid-delivery.
    with serve({"/hook": lambda r: Reply(200, {"errcode": 0}, delay=0.03)}) as srv:
        config = write_config(tmp_path, srv.port)
        refs = seed(db, config, weeks=20)
        kills = 0
        while kills < 20:
            proc = start(config, db, tmp_path)
            try:
                proc.wait(timeout=rng.uniform(0.5, 1.5))
                raise AssertionError(f"daemon exited by itself: {proc.stderr.read()}")
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
                proc.wait(timeout=10)
                proc.stderr.close()
                kills += 1
        proc = start(config, db, tmp_path)
        try:
            # Every message is settled: delivered, or (sent by a daemon killed before the
            # answer was recorded) known to be uncertain once its lease ran out.
            done = wait_until(srv, lambda: pending(db) == 0, 180)
        finally:
            proc.send_signal(signal.SIGTERM)
            _, err = proc.communicate(timeout=30)
        counts = Counter(received_refs(srv))
    engine = open_store(db)
    with session_scope(engine) as s:  # the daemon's own checks may have added some
        rows = list(s.exec(select(OutboxMessage)))
    uncertain = {REF.search(m.body).group(1) for m in rows if m.state == "uncertain"}
    lost = refs - set(counts) - uncertain
    duplicates = sum(n - 1 for n in counts.values())
    summary_line(
        f"crash test (seed {seed_value}): {kills} SIGKILLs while delivering, "
        f"{len(refs)} alerts, {len(lost)} lost, {duplicates} duplicates, "
        f"{len(uncertain)} uncertain (its daemon killed mid-send)"
    )
    assert done and not lost, err
    # A send under way when its daemon died is never made again: no alert twice.
    assert duplicates == 0
    assert len(uncertain) <= kills
    assert {m.state for m in rows} <= {"delivered", "uncertain", "dropped"}
    dropped = [m for m in rows if m.state == "dropped"]
    assert all(":missed#" not in m.body and m.last_error for m in dropped)  # weeks over
    assert {REF.search(m.body).group(1) for m in rows if m.state == "delivered"} <= set(counts)


# Scheduled mode, in-process: the jobs as APScheduler holds them, each run the way the
# scheduler runs it (its function with its arguments), the clock passed in.
NOW = datetime.fromisoformat("2026-06-03T02:00+00:00")
PIPELINE_SHOP = (
    '[[shops]]\nid = "acme-my"\nmarket = "MY"\nlanguages = ["ms"]\n'
    "[shops.schedule]\ncheck_minutes = 13\ndeliver_seconds = 17\n"
    "localize_minutes = 7\npublish_minutes = 11\n"
)


def pipeline_daemon(tmp_path: Path, engine, extra: str = "", environ=None) -> Daemon:  # type: ignore[no-untyped-def]
    config = tmp_path / "shops.toml"
    config.write_text(PIPELINE_SHOP + extra, encoding="utf-8")
    settings = load(config)
    return Daemon(
        engine=engine,
        settings=settings,
        shop=settings.shops[0],
        secrets=Secrets(environ or {}),
        console=io.StringIO(),
        log_stream=io.StringIO(),
        clock=lambda: NOW,
        data_dir=tmp_path / "data",
    )


def run_as_scheduled(job) -> bool:  # type: ignore[no-untyped-def]
    """What APScheduler's executor does with a due job."""
    return job.func(*job.args, **job.kwargs)


def test_the_pipeline_jobs_are_scheduled_on_the_shops_intervals(tmp_path: Path, engine) -> None:  # type: ignore[no-untyped-def]
    jobs = {job.id: job for job in pipeline_daemon(tmp_path, engine).scheduler().get_jobs()}
    expected = {"check": 13 * 60, "deliver": 17, "localize": 7 * 60, "publish": 11 * 60}
    assert {name: job.trigger.interval for name, job in jobs.items()} == {
        name: timedelta(seconds=s) for name, s in expected.items()
    }
    for name, job in jobs.items():
        assert job.next_run_time == NOW  # every job runs at start
        fire = job.trigger.get_next_fire_time(NOW, NOW)
        assert fire == NOW + timedelta(seconds=expected[name])
        assert job.trigger.get_next_fire_time(fire, fire) == fire + timedelta(
            seconds=expected[name]
        )


def test_without_a_data_folder_there_are_no_pipeline_jobs(tmp_path: Path, engine) -> None:  # type: ignore[no-untyped-def]
    daemon = pipeline_daemon(tmp_path, engine)
    daemon.data_dir = None
    assert {job.id for job in daemon.scheduler().get_jobs()} == {"check", "deliver"}


def test_a_failing_job_is_logged_and_recorded_and_the_daemon_goes_on(  # type: ignore[no-untyped-def]
    tmp_path: Path, engine, caplog
) -> None:
    tiktok = (
        '[shops.publish]\nkind = "tiktok"\n[shops.tiktok]\napp_key_env = "ACME_TTS_APP_KEY"\n'
        'app_secret_env = "ACME_TTS_APP_SECRET"\naccess_token_env = "ACME_TTS_TOKEN"\n'
        'shop_cipher = "ROW_1"\n'
    )
    daemon = pipeline_daemon(tmp_path, engine, tiktok)
    jobs = {job.id: job for job in daemon.scheduler().get_jobs()}
    with caplog.at_level(logging.INFO, logger="cadence.daemon"):
        # publish first: its failure must not keep the other jobs from running
        ran = {name: run_as_scheduled(jobs[name]) for name in ("publish", "check", "localize")}
        again = run_as_scheduled(jobs["publish"])
    assert ran == {"publish": False, "check": True, "localize": True} and again is False
    assert "publish failed: config.errors.MissingSecret: environment variable ACME_TTS_APP_KEY" in (
        caplog.text
    )
    with session_scope(engine) as s:
        runs = list(s.exec(select(JobRun).order_by(JobRun.id)))
    assert [(r.job, r.ok) for r in runs] == [
        ("publish", False),
        ("check", True),
        ("localize", True),
        ("publish", False),
    ]
    assert "ACME_TTS_APP_KEY is not set" in (runs[0].error or "")
    assert all(r.finished_at == NOW for r in runs)


def test_idle_passes_are_logged_at_debug_level_only(tmp_path: Path, engine, caplog) -> None:  # type: ignore[no-untyped-def]
    daemon = pipeline_daemon(tmp_path, engine)
    jobs = {job.id: job for job in daemon.scheduler().get_jobs()}
    with caplog.at_level(logging.DEBUG, logger="cadence.daemon"):
        for _ in range(3):  # the deliver job runs every few seconds: thousands a day
            ran = {name: run_as_scheduled(jobs[name]) for name in ("check", "deliver")}
            ran |= {name: run_as_scheduled(jobs[name]) for name in ("localize", "publish")}
            assert set(ran.values()) == {True}
    said = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "cadence.daemon"]
    assert (logging.DEBUG, "deliver: delivered 0, retrying 0, failed 0") in said
    assert [m for level, m in said if level >= logging.INFO] == []
    assert {m.split(":")[0] for _, m in said} == {"check", "deliver", "localize", "publish"}


def test_items_a_job_could_not_do_make_its_run_not_ok(tmp_path: Path, engine, caplog) -> None:  # type: ignore[no-untyped-def]
    from localize.listings import ListingRecord, import_listings
    from store.queries import register_shops

    translation = (
        f'[shops.translation]\nengine = "libre"\nurl = "http://127.0.0.1:{closed_port()}/"\n'
        'api_key_env = "LIBRE_KEY"\nretries = 0\ntimeout = 2\n'
    )
    daemon = pipeline_daemon(tmp_path, engine, translation, {"LIBRE_KEY": "k"})
    register_shops(engine, daemon.settings, [daemon.shop])
    records = [ListingRecord(product_id=p, title="ACME 不锈钢真空保温杯") for p in ("p1", "p2")]
    import_listings(engine, shop_id="acme-my", records=[(None, r) for r in records])  # type: ignore[misc]
    jobs = {job.id: job for job in daemon.scheduler().get_jobs()}
    with caplog.at_level(logging.INFO, logger="cadence.daemon"):
        assert run_as_scheduled(jobs["localize"]) is False
        assert run_as_scheduled(jobs["check"]) is True  # and the daemon goes on
    with session_scope(engine) as s:
        [run] = s.exec(select(JobRun).where(JobRun.job == "localize"))
    assert run.ok is False
    assert (run.error or "").startswith("2 item(s) failed: p1 (ms): ")
    assert "p2 (ms): " in (run.error or "")
    assert "localize: 0 translated, 2 failed" in caplog.text


def test_once_exits_1_when_a_delivery_is_refused_as_check_does(tmp_path: Path, cli, caplog) -> None:  # type: ignore[no-untyped-def]
    db = f"sqlite:///{tmp_path / 'store.db'}"
    refusing = [True]
    refused = Reply(200, {"errcode": 310000, "errmsg": "keywords not in content"})
    with serve({"/hook": lambda r: refused if refusing[0] else Reply(200, {"errcode": 0})}) as srv:
        config = write_config(tmp_path, srv.port)
        seed(db, config, weeks=1)
        args = ("daemon", "--shop", "acme-th", "--once", "--config", str(config), "--db", db)
        with caplog.at_level(logging.INFO, logger="cadence.daemon"):  # the daemon's log
            first = cli("cadence", *args)
        assert first.code == 1, caplog.text
        assert "rejected with errcode 310000" in caplog.text
        assert re.search(r"deliver: delivered 0, retrying [1-9]", caplog.text)
        engine = open_store(db)
        with session_scope(engine) as s:
            [run] = s.exec(select(JobRun).where(JobRun.job == "deliver"))
            assert run.ok is False and "errcode 310000" in (run.error or "")
            for m in s.exec(select(OutboxMessage)):  # due again now, and the robot takes it
                m.next_attempt_at = datetime.fromisoformat("2026-01-01T00:00Z")
                s.add(m)
        engine.dispose()
        refusing[0] = False
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="cadence.daemon"):
            second = cli("cadence", *args)
    assert second.code == 0, caplog.text
    assert "retrying 0, failed 0" in caplog.text and pending(db) == 0


def test_sigterm_waits_for_the_delivery_in_progress_within_its_targets_deadlines(  # type: ignore[no-untyped-def]
    tmp_path: Path, summary_line
) -> None:
    db = f"sqlite:///{tmp_path / 'store.db'}"
    with raw_serve(None) as first, raw_serve(None) as second:  # two targets that never answer
        config = write_config(tmp_path, first.port)
        config.write_text(
            config.read_text().replace(
                '/hook"]', f'/hook", "json://127.0.0.1:{second.port}/hook"]'
            ),
            encoding="utf-8",
        )
        seed(db, config, weeks=3)  # three messages owed
        proc = start(config, db, tmp_path)
        try:
            # the first message is being sent to the first target (a connection is counted
            # without a notify, so look again every 50 ms)
            deadline = time.monotonic() + 30
            while first.accepted < 1 and time.monotonic() < deadline:
                with first.changed:
                    first.changed.wait(timeout=0.05)
            assert first.accepted == 1
            proc.send_signal(signal.SIGTERM)
            signalled = time.monotonic()
            _, err = proc.communicate(timeout=60)
            took = time.monotonic() - signalled
        finally:
            proc.kill()
        # that message goes on to the second target, and no other message is begun
        assert first.accepted == 1 and second.accepted == 1
    summary_line(f"SIGTERM during a send to 2 silent targets (10 s each): exited in {took:.1f} s")
    assert proc.returncode == 0, err
    stopping = err.index("stopping: waiting for the delivery in progress (at most 21 s)")
    assert err.index("daemon stopped") > stopping
    assert 10 <= took <= 21 + 2, err  # the second target's deadline, and no more
    engine = open_store(db)
    with session_scope(engine) as s:
        attempts = sorted(m.attempts for m in s.exec(select(OutboxMessage)))
    engine.dispose()
    assert attempts[-1] == 1 and attempts.count(0) == len(attempts) - 1


def test_the_stop_wait_is_the_delivery_bound_under_the_units_stop_timeout(tmp_path: Path) -> None:
    unit = (Path(__file__).parents[2] / "config" / "cadence@.service").read_text()
    [stop_timeout] = re.findall(r"^TimeoutStopSec=(\d+)$", unit, re.M)
    urls = ", ".join(f'"json://127.0.0.1:{9000 + n}/h"' for n in range(9))
    for count, wait in ((1, 11.0), (2, 21.0), (9, STOP_WAIT_MAX)):
        config = tmp_path / f"{count}.toml"
        config.write_text(
            f'[[shops]]\nid = "s"\nmarket = "TH"\nalert_urls = [{urls}]\n'.replace(
                urls, ", ".join(urls.split(", ")[:count])
            ),
            encoding="utf-8",
        )
        settings = load(config)
        daemon = Daemon(engine=None, settings=settings, shop=settings.shops[0])  # type: ignore[arg-type]
        assert daemon.stop_wait() == wait
    assert STOP_WAIT_MAX + 5 <= int(stop_timeout)


def test_what_a_webhook_answers_reaches_the_log_as_text_never_as_control_codes(
    tmp_path: Path,
) -> None:
    from tests.hostile import STORABLE, WINDOW_TITLE, raw_controls

    db = f"sqlite:///{tmp_path / 'store.db'}"
    hostile = Reply(200, {"errcode": 310000, "errmsg": "\n2026-12-01 INFO forged " + STORABLE})
    with serve({"/hook": lambda r: hostile}) as srv:
        config = write_config(tmp_path, srv.port)
        seed(db, config, weeks=1)
        settings = load(config)
        engine = open_store(db)
        daemon = Daemon(
            engine=engine,
            settings=settings,
            shop=settings.shops[0],
            log_stream=io.StringIO(),
            console=io.StringIO(),
        )
        log = logging.getLogger("cadence.daemon")
        handler = daemon.log_handler()  # what the daemon logs through
        log.addHandler(handler)
        try:
            assert daemon.run_job("deliver", daemon.deliver) is False
        finally:
            log.removeHandler(handler)
            engine.dispose()
    written = daemon.log_stream.getvalue()  # type: ignore[attr-defined]
    assert "rejected with errcode 310000: \\n2026-12-01 INFO forged" in written
    assert raw_controls(written) == [] and WINDOW_TITLE not in written
    assert "[/bogus]" in written
    assert all(" [acme-th] " in line for line in written.splitlines())  # a record a line


def _damage_a_table_no_job_reads(path: Path) -> None:
    """A SQLite store with one page of garbage, in a table the daemon's jobs never read."""
    import sqlite3

    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE scratch (x TEXT)")
        conn.executemany("INSERT INTO scratch VALUES (?)", [("x" * 500,)] * 50)
    with sqlite3.connect(path) as conn:
        [(root,)] = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'scratch'")
        [(size,)] = conn.execute("PRAGMA page_size")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with open(path, "r+b") as f:
        f.seek((root - 1) * size)
        f.write(b"\xde\xad" * (size // 2))


def test_a_damaged_sqlite_store_stops_the_daemon_naming_the_file(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    # Checked when the daemon starts, --once or not (only --once can be run to its end here).
    path = tmp_path / "store.db"
    with serve({"/hook": lambda r: Reply(200, {"errcode": 0})}) as srv:  # every job would work
        config = write_config(tmp_path, srv.port)
        seed(f"sqlite:///{path}", config, weeks=1)
        _damage_a_table_no_job_reads(path)
        args = ("--once", "--config", str(config), "--db", str(path))
        result = cli("cadence", "daemon", "--shop", "acme-th", *args)
    assert result.code == 2, result.err
    assert f"{path} is damaged" in result.err and ".recover" in result.err


def test_the_publish_log_names_blocked_items_and_why_once(tmp_path: Path, engine, caplog) -> None:  # type: ignore[no-untyped-def]
    from localize import lifecycle
    from localize.listings import ListingRecord, import_listings
    from store.models import ItemState, LocalizationItem
    from store.queries import register_shops

    daemon = pipeline_daemon(tmp_path, engine)
    register_shops(engine, daemon.settings, [daemon.shop])
    products = [f"p{n}" for n in range(1, 6)]
    records = [ListingRecord(product_id=p, title="保温杯") for p in products]
    import_listings(engine, shop_id="acme-my", records=[(None, r) for r in records])  # type: ignore[misc]
    with session_scope(engine) as s:
        lifecycle.create_missing(s, shop_id="acme-my", languages=["ms"])
    with session_scope(engine) as s:  # approved with a title too short and no image: blocked
        for item in s.exec(select(LocalizationItem)):
            lifecycle.change(s, item, ItemState.TRANSLATED, actor="test", title="Cawan")
            lifecycle.change(s, item, ItemState.APPROVED, actor="lin")
    jobs = {job.id: job for job in daemon.scheduler().get_jobs()}
    with caplog.at_level(logging.DEBUG, logger="cadence.daemon"):
        run_as_scheduled(jobs["publish"])
        run_as_scheduled(jobs["publish"])  # the same items, blocked the same way
    said = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "cadence.daemon"]
    [(level, first), (again, second)] = said
    assert level == logging.INFO and again == logging.DEBUG and first == second
    assert first.startswith("publish: 0 published, 5 blocked, 0 failed; blocked: item 1 (p1, ms): ")
    assert "title" in first.split(" | ")[0]  # the reasons, not just a count
    assert [part.split(":")[0] for part in first.split(" | ")[1:]] == [
        "item 2 (p2, ms)",
        "item 3 (p3, ms)",
        "and 2 more",
    ]


def test_the_log_speaks_the_chosen_language_in_the_same_layout(tmp_path: Path, engine) -> None:  # type: ignore[no-untyped-def]
    # An operator who reads Chinese reads the job outcomes and the blocked items' reasons in
    # Chinese; the line's layout (time, level, [shop], job:) stays for whatever parses it.
    from config.i18n import catalog
    from localize import lifecycle
    from localize.listings import ListingRecord, import_listings
    from store.models import ItemState, LocalizationItem
    from store.queries import register_shops

    daemon = pipeline_daemon(tmp_path, engine)
    daemon.language = catalog("zh")
    register_shops(engine, daemon.settings, [daemon.shop])
    records = [ListingRecord(product_id="p1", title="保温杯")]
    import_listings(engine, shop_id="acme-my", records=[(None, r) for r in records])  # type: ignore[misc]
    with session_scope(engine) as s:
        lifecycle.create_missing(s, shop_id="acme-my", languages=["ms"])
    with session_scope(engine) as s:  # approved with a title too short and no image: blocked
        for item in s.exec(select(LocalizationItem)):
            lifecycle.change(s, item, ItemState.TRANSLATED, actor="test", title="Cawan")
            lifecycle.change(s, item, ItemState.APPROVED, actor="lin")
    log = logging.getLogger("cadence.daemon")
    handler = daemon.log_handler()
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    try:
        assert daemon.run_job("publish", daemon.publish) is True
        assert daemon.run_job("check", daemon.check) is True
    finally:
        log.removeHandler(handler)
        log.setLevel(logging.NOTSET)
    publish, check = daemon.log_stream.getvalue().splitlines()  # type: ignore[attr-defined]
    assert (
        " INFO [acme-my] publish: 已发布 0，已拦截 1，失败 0；已拦截：条目 1（p1，ms）：" in publish
    )
    assert "标题：5 个字符" in publish and "characters" not in publish
    assert " INFO [acme-my] check: " in check and "due" not in check
