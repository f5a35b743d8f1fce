"""`cadence worker`: the fleet's jobs as procrastinate tasks shared by several workers on one
PostgreSQL store. A tick deferred by two schedulers runs once, each shop's job once per
period, a locked job never twice at once, an alert is sent once, a killed worker's job runs
again elsewhere; SQLite is refused naming the key."""

from __future__ import annotations

import asyncio
import io
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from cadence.fleet import Fleet
from cadence.workers import DueJob, Worker, due_jobs, period_start
from config.settings import load
from store.db import session_scope
from store.models import JobRun, OutboxMessage
from tests.cadence.test_fleet import AT_NOW, NOW, shops_file
from tests.httpserver import Reply, serve
from tests.localize.conftest import engine_server, setup  # noqa: F401 - fixtures

T0 = datetime(2026, 12, 3, 6, 0, tzinfo=UTC)  # a Thursday
ON_POSTGRES = pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
QUEUE = '[fleet]\nqueue = "procrastinate"\ntick_seconds = 1\nheartbeat_seconds = 1\n'


class Clock:
    """The fleet's clock, moved by the test."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def worker_of(engine, config: Path, clock: Callable[[], datetime], **kw) -> Worker:  # type: ignore[no-untyped-def]
    fleet = Fleet(
        engine=engine,
        load_settings=lambda: load(config),
        console=io.StringIO(),
        log_stream=io.StringIO(),
        clock=clock,
        **kw,
    )
    fleet.configure(load(config))
    return Worker(fleet, tick_seconds=1, heartbeat_seconds=1)


def test_a_job_is_due_once_in_each_of_its_periods() -> None:
    jobs = [("a", "check", 900), ("b", "check", 900), ("a", "sync", 3600)]
    assert {(d.shop, d.job) for d in due_jobs(jobs, {}, T0)} == {
        ("a", "check"),
        ("b", "check"),
        ("a", "sync"),
    }
    start = period_start("a/check", 900, T0)
    assert start <= T0 < start + timedelta(seconds=900)
    assert period_start("a/check", 900, start + timedelta(seconds=899)) == start
    assert period_start("a/check", 900, start + timedelta(seconds=900)) == start + timedelta(
        seconds=900
    )
    ran = {("a", "check"): start, ("b", "check"): T0, ("a", "sync"): T0}
    assert due_jobs(jobs, ran, T0) == []  # each ran in its period
    later = start + timedelta(seconds=900)
    assert DueJob("a", "check", later) in due_jobs(jobs, ran, later)
    # a job's periods are staggered by its id: a fleet's do not all fall due together
    starts = {period_start(f"s{n}/check", 900, T0) for n in range(50)}
    assert len(starts) > 40


async def _run_until_empty(*workers: Worker) -> None:
    """The workers take jobs side by side until none waits (a tick's jobs come after it)."""

    async def one(w: Worker) -> None:
        # The test's moments are the ticks: no worker defers one of its own on the clock.
        periodic = w.app.periodic_registry.periodic_tasks
        saved = dict(periodic)
        periodic.clear()
        try:
            await w.run_async(once=True, signals=False)
        finally:
            periodic.update(saved)

    while True:
        await asyncio.gather(*(one(w) for w in workers))
        if not _count(workers[0], "status IN ('todo', 'doing')"):
            return


async def _tick_from_both(workers: list[Worker], at: datetime) -> int:
    """Both workers' periodic deferrers defer the tick for `at`; how many tick jobs exist."""
    from procrastinate.periodic import PeriodicDeferrer

    for w in workers:
        async with w.app.open_async():
            deferrer = PeriodicDeferrer(registry=w.app.periodic_registry)
            [task] = [
                t
                for t in w.app.periodic_registry.periodic_tasks.values()
                if t.periodic_id == "tick"
            ]
            await deferrer.defer_jobs([(task, int(at.timestamp()))])
    return _count(workers[0], "task_name = 'cadence.tick'")


def _count(w: Worker, where: str) -> int:
    with w.fleet.engine.connect() as conn:
        return conn.exec_driver_sql(f"SELECT count(*) FROM procrastinate_jobs WHERE {where}").one()[
            0
        ]


def _message_states(engine) -> list[str]:  # type: ignore[no-untyped-def]
    with session_scope(engine) as s:
        return [m.state for m in s.exec(select(OutboxMessage))]


def _runs(engine, job: str) -> list[str]:  # type: ignore[no-untyped-def]
    with session_scope(engine) as s:
        return sorted(r.shop_id for r in s.exec(select(JobRun).where(JobRun.job == job)))


@ON_POSTGRES
def test_two_schedulers_tick_once_and_each_shops_check_runs_once_per_period(
    tmp_path: Path, engine
) -> None:  # type: ignore[no-untyped-def]
    ids = ["shop-a", "shop-b", "shop-c"]
    requests: list[str] = []

    def hook(req):  # type: ignore[no-untyped-def]
        requests.append(req.path)
        return Reply(200, {"errcode": 0})

    with serve({f"/{i}": hook for i in ids}) as srv:
        config = shops_file(tmp_path / "shops.toml", ids, hook=f"127.0.0.1:{srv.port}")
        config.write_text(QUEUE + config.read_text())
        clock = Clock(T0)
        workers = [worker_of(engine, config, clock) for _ in range(2)]

        assert asyncio.run(_tick_from_both(workers, T0)) == 1  # one tick, two schedulers
        asyncio.run(_run_until_empty(*workers))
        assert _runs(engine, "check") == ids  # each shop's check, once
        # The shops are behind: each has an alert to send. The next tick (same periods)
        # defers no check again, and a delivery per shop; two workers send each once.
        clock.now = T0 + timedelta(seconds=5)
        assert asyncio.run(_tick_from_both(workers, clock.now)) == 1
        asyncio.run(_run_until_empty(*workers))
        assert _runs(engine, "check") == ids
        assert sorted(requests) == [f"/{i}" for i in ids]
        # A tick run again for the same moment (its worker died after deferring) defers
        # again; the jobs it deferred still run once in their period.
        for w in workers:
            async_tick = w.tick(int(clock.now.timestamp()))
            asyncio.run(_open_and(w, async_tick))
        asyncio.run(_run_until_empty(*workers))
        assert _runs(engine, "check") == ids
        assert sorted(requests) == [f"/{i}" for i in ids]  # no alert sent twice
        # A check deferred while the period's run was in progress (the queueing lock lets
        # one wait then) runs after it, and does nothing: its period has its run.
        again = DueJob("shop-a", "check", period_start("shop-a/check", 900, clock.now))
        assert asyncio.run(_open_and(workers[0], workers[0].defer(again))) == 1
        asyncio.run(_run_until_empty(*workers))
        assert _runs(engine, "check") == ids
        # A period later, every shop's check runs again, once.
        clock.now = T0 + timedelta(minutes=15)
        asyncio.run(_tick_from_both(workers, clock.now))
        asyncio.run(_run_until_empty(*workers))
        assert _runs(engine, "check") == sorted(ids * 2)


async def _open_and(w: Worker, work):  # type: ignore[no-untyped-def]
    async with w.app.open_async():
        return await work


@ON_POSTGRES
def test_a_shops_job_running_is_not_taken_again_until_it_ends(tmp_path: Path, engine) -> None:  # type: ignore[no-untyped-def]
    config = shops_file(tmp_path / "shops.toml", ["shop-a"])
    config.write_text(QUEUE + config.read_text())
    w = worker_of(engine, config, Clock(T0))

    async def scenario() -> tuple[object, object, object]:
        async with w.app.open_async():
            manager = w.app.job_manager
            assert await w.defer(DueJob("shop-a", "check", T0)) == 1
            assert await w.defer(DueJob("shop-a", "check", T0)) == 0  # one waits at most
            me = await manager.register_worker()
            first = await manager.fetch_job(queues=None, worker_id=me)
            # while it runs, the next period's check may wait, but no worker takes it
            later = T0 + timedelta(minutes=15)
            assert await w.defer(DueJob("shop-a", "check", later)) == 1
            other = await manager.register_worker()
            second = await manager.fetch_job(queues=None, worker_id=other)
            assert first is not None
            await manager.finish_job(first, status=_succeeded(), delete_job=False)
            third = await manager.fetch_job(queues=None, worker_id=other)
            return first, second, third

    first, second, third = asyncio.run(scenario())
    assert first.lock == "shop-a/check" and first.queueing_lock == "shop-a/check"  # type: ignore[attr-defined]
    assert second is None  # locked while the first runs
    assert third is not None and third.id != first.id  # type: ignore[attr-defined]


def _succeeded():  # type: ignore[no-untyped-def]
    from procrastinate.jobs import Status

    return Status.SUCCEEDED


@ON_POSTGRES
def test_a_killed_workers_job_runs_again_on_another_within_a_lease(
    tmp_path: Path, db_url: str, engine, home: Path
) -> None:  # type: ignore[no-untyped-def]
    calls: list[float] = []
    silent = True

    def hook(req):  # type: ignore[no-untyped-def]
        calls.append(time.monotonic())
        while silent:  # the first worker's send hangs until it is killed
            time.sleep(0.05)
        return Reply(200, {"errcode": 0})

    with serve({"/shop-a": hook}) as srv:
        config = shops_file(tmp_path / "shops.toml", ["shop-a"], hook=f"127.0.0.1:{srv.port}")
        text = config.read_text().replace(
            "deliver_seconds = 5", "deliver_seconds = 5\nlease_seconds = 5"
        )
        config.write_text(QUEUE + text)
        env = {**os.environ, "SHOPBOT_HOME": str(home), "SHOPBOT_DB": db_url, **AT_NOW}
        log = tmp_path / "worker.log"
        started = time.monotonic()  # its clock starts at NOW a little after this
        with log.open("w") as err:
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    "from cadence.cli import run; run()",
                    "worker",
                    "--config",
                    str(config),
                ],
                stdout=subprocess.DEVNULL,
                stderr=err,
                env=env,
            )
        try:
            end = time.monotonic() + 60
            while not calls and time.monotonic() < end and proc.poll() is None:
                time.sleep(0.1)
            assert calls, log.read_text()
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        killed = time.monotonic()
        silent = False
        # the same clock: leases read it, the dead worker's were written by it
        w = worker_of(engine, config, lambda: NOW + timedelta(seconds=time.monotonic() - started))
        # The dead worker's delivery (a check it was running when killed, as a loaded
        # machine may have it, is doing too: taken over the same way, not counted here).
        assert _count(w, "status = 'doing' AND args->>'job' = 'deliver'") == 1

        settled: list[float] = []

        async def take_over() -> None:
            while time.monotonic() - killed < 30 and not settled:
                await _open_and(w, w.tick(int(time.time())))
                await w.run_async(once=True, signals=False)
                if _message_states(engine) != ["pending"]:
                    settled.append(time.monotonic())
                await asyncio.sleep(0.5)

        asyncio.run(take_over())
        # The chat had the alert when its worker died: the takeover records it as maybe
        # delivered and never sends it again (the webhook takes no idempotency key).
        assert len(calls) == 1, "sent again by the second worker"
        assert _message_states(engine) == ["uncertain"]
        assert settled[0] - killed <= 5 + 3 + 2  # one lease, the silence that says dead, a tick
        assert _count(w, "status = 'doing'") == 0


def _periods(engine, job: str) -> list[tuple[str, datetime]]:  # type: ignore[no-untyped-def]
    """Each run of `job`: its shop, and the period it was the run for."""
    with session_scope(engine) as s:
        runs = s.exec(select(JobRun).where(JobRun.job == job)).all()
        return sorted(
            (r.shop_id, r.period or period_start(f"{r.shop_id}/{job}", 900, r.started_at))
            for r in runs
        )


async def _run_what_waits(w: Worker) -> None:
    """The worker takes the jobs it can (none held by a lock) until none is left."""
    periodic = w.app.periodic_registry.periodic_tasks
    saved = dict(periodic)
    periodic.clear()
    try:
        await w.run_async(once=True, signals=False)
    finally:
        periodic.update(saved)


@ON_POSTGRES
def test_a_check_whose_worker_died_at_its_periods_end_runs_once_late_for_that_period(
    tmp_path: Path, engine
) -> None:  # type: ignore[no-untyped-def]
    config = shops_file(tmp_path / "shops.toml", ["shop-a"])
    config.write_text(QUEUE + config.read_text())
    first = period_start("shop-a/check", 900, T0)
    second = first + timedelta(seconds=900)
    clock = Clock(second - timedelta(seconds=3))  # the check falls due late in its period
    w = worker_of(engine, config, clock)

    async def tick() -> None:
        await _open_and(w, w.tick(int(clock.now.timestamp())))

    async def taken_by_a_worker_then_killed() -> int:
        async with w.app.open_async():
            manager = w.app.job_manager
            dead = await manager.register_worker()
            job = await manager.fetch_job(queues=None, worker_id=dead)
            assert job is not None and job.task_name == "cadence.shop_job"
            return dead  # never finished: its process was SIGKILLed

    asyncio.run(tick())
    dead = asyncio.run(taken_by_a_worker_then_killed())
    # The next period begins before the dead worker is found silent: its tick defers
    # nothing for the shop's check (the killed run is still that period's).
    clock.now = second + timedelta(seconds=1)
    asyncio.run(tick())
    asyncio.run(_run_what_waits(w))
    with engine.begin() as conn:  # silent for a minute now: dead
        conn.exec_driver_sql(
            "UPDATE procrastinate_workers SET last_heartbeat = now() - interval '1 minute' "
            "WHERE id = %s",
            (dead,),
        )
    for later in (5, 10, 15):
        clock.now = second + timedelta(seconds=later)
        asyncio.run(tick())
        asyncio.run(_run_what_waits(w))
    # The killed check ran once, late, recorded for its own period; the next period had
    # its own run too.
    assert _periods(engine, "check") == [("shop-a", first), ("shop-a", second)]
    assert _count(w, "status IN ('todo', 'doing')") == 0


@ON_POSTGRES
def test_a_live_worker_beating_late_under_load_is_not_taken_for_dead(
    tmp_path: Path, engine
) -> None:  # type: ignore[no-untyped-def]
    config = shops_file(tmp_path / "shops.toml", ["shop-a"])
    beats = '[fleet]\nqueue = "procrastinate"\ntick_seconds = 1\nheartbeat_seconds = 2\n'
    config.write_text(beats + config.read_text())
    w = Worker.of(worker_of(engine, config, Clock(T0)).fleet)  # as `cadence worker` makes it

    async def late_by(seconds: int) -> int:
        async with w.app.open_async():
            manager = w.app.job_manager
            if not _count(w, "status = 'doing'"):
                await w.defer(DueJob("shop-a", "check", T0))
                busy = await manager.register_worker()
                assert await manager.fetch_job(queues=None, worker_id=busy) is not None
            with engine.begin() as conn:
                conn.exec_driver_sql(
                    "UPDATE procrastinate_workers "
                    "SET last_heartbeat = now() - make_interval(secs => %s)",
                    (seconds,),
                )
            return await w.retry_stalled()

    # The bench saw a live worker's 2 s beats come 3.4 s apart and one taken for dead at
    # 6 s (3 beats): its job then ran twice. 12 s late is a loaded machine, not a death.
    assert asyncio.run(late_by(12)) == 0
    assert _count(w, "status = 'doing'") == 1
    assert asyncio.run(late_by(31)) == 1  # silent past 30 s: dead, its job put back
    assert _count(w, "status = 'todo'") == 1


@ON_POSTGRES
def test_one_takeover_at_a_time_so_none_acts_on_a_list_another_has_changed(
    tmp_path: Path, engine
) -> None:  # type: ignore[no-untyped-def]
    from cadence.workers import TAKEOVER_LOCK

    config = shops_file(tmp_path / "shops.toml", ["shop-a"])
    config.write_text(QUEUE + config.read_text())
    w = worker_of(engine, config, Clock(T0))

    async def taken_by_a_dead_worker() -> None:
        async with w.app.open_async():
            await w.defer(DueJob("shop-a", "check", T0))
            dead = await w.app.job_manager.register_worker()
            assert await w.app.job_manager.fetch_job(queues=None, worker_id=dead) is not None
        with engine.begin() as conn:
            conn.exec_driver_sql(
                "UPDATE procrastinate_workers SET last_heartbeat = now() - interval '1 hour'"
            )

    asyncio.run(taken_by_a_dead_worker())
    # Two ticks run at once (a slow one and the next): the bench saw one put back a job the
    # other had put back and a live worker had taken again, and close it as failed under
    # that worker. While one takes over, the other does nothing.
    with engine.connect() as other_tick:
        other_tick.exec_driver_sql("SELECT pg_advisory_lock(%s)", (TAKEOVER_LOCK,))
        assert asyncio.run(_open_and(w, w.retry_stalled())) == 0
        assert _count(w, "status = 'doing'") == 1
        other_tick.exec_driver_sql("SELECT pg_advisory_unlock(%s)", (TAKEOVER_LOCK,))
    assert asyncio.run(_open_and(w, w.retry_stalled())) == 1
    assert _count(w, "status = 'todo'") == 1
    # Taken again by a worker that dies too, while a twin waits: closed, the twin does it.
    asyncio.run(taken_by_a_dead_worker())  # takes the job put back; defers none
    later = DueJob("shop-a", "check", T0 + timedelta(minutes=15))
    assert asyncio.run(_open_and(w, w.defer(later))) == 1
    assert _count(w, "status = 'todo'") == 1 and _count(w, "status = 'doing'") == 1
    assert asyncio.run(_open_and(w, w.retry_stalled())) == 1
    assert _count(w, "status = 'failed'") == 1 and _count(w, "status = 'todo'") == 1


def test_dead_after_seconds_defaults_to_three_beats_or_30_s_and_is_checked(
    tmp_path: Path,
) -> None:
    from config.errors import ConfigError

    config = shops_file(tmp_path / "shops.toml", ["shop-a"])
    body = config.read_text()
    assert load(config).fleet.dead_after == 30
    config.write_text("[fleet]\nheartbeat_seconds = 20\n" + body)
    assert load(config).fleet.dead_after == 60
    config.write_text("[fleet]\nheartbeat_seconds = 2\ndead_after_seconds = 8\n" + body)
    assert load(config).fleet.dead_after == 8
    config.write_text("[fleet]\nheartbeat_seconds = 10\ndead_after_seconds = 15\n" + body)
    with pytest.raises(ConfigError, match="dead_after_seconds") as info:
        load(config)
    assert "at least 20" in info.value.message


def test_the_queue_on_sqlite_is_refused_naming_the_key(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    config = shops_file(tmp_path / "shops.toml", ["shop-a"])
    config.write_text('[fleet]\nqueue = "procrastinate"\n' + config.read_text())
    for args in (["worker"], ["daemon", "--all"]):
        result = cli("cadence", *args, "--config", str(config))
        assert result.code == 2, result.err
        assert "[fleet] queue" in result.err and "PostgreSQL" in result.err
    plain = shops_file(tmp_path / "plain.toml", ["shop-a"])
    result = cli("cadence", "worker", "--config", str(plain))
    assert result.code == 2 and '[fleet] queue = "procrastinate"' in result.err


@ON_POSTGRES
def test_fleet_status_shows_the_queues_workers_and_depth(tmp_path: Path, db_url: str, cli) -> None:  # type: ignore[no-untyped-def]
    from store.db import open_store

    config = shops_file(tmp_path / "shops.toml", ["shop-a", "shop-b"])
    config.write_text(QUEUE + config.read_text())
    engine = open_store(db_url)
    w = worker_of(engine, config, Clock(T0))

    async def two_waiting_one_worker() -> None:
        async with w.app.open_async():
            for shop in ("shop-a", "shop-b"):
                await w.defer(DueJob(shop, "check", T0))
            await w.app.job_manager.register_worker()

    asyncio.run(two_waiting_one_worker())
    result = cli("cadence", "fleet", "status", "--json", "--config", str(config), "--db", db_url)
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert report["task_queue"] == {
        "engine": "procrastinate",
        "workers_alive": 1,
        "workers_dead": 0,
        "jobs_waiting": 2,
        "jobs_running": 0,
    }
    assert {"shops", "workers", "queue"} <= set(report)  # what it said before, still said
    text = cli("cadence", "fleet", "status", "--config", str(config), "--db", db_url)
    assert "queue (procrastinate): 2 job(s) waiting, 0 running; 1 worker(s) alive" in text.out
    engine.dispose()


@ON_POSTGRES
def test_images_are_captioned_an_item_a_task_by_any_worker_and_never_twice(  # type: ignore[no-untyped-def]
    setup,  # noqa: F811 - the localize tests' fixture: a shop, its engine, its photos
    tmp_path: Path,
    db_url: str,
) -> None:
    from config.runtime import Secrets
    from store.db import open_store

    run, _ = setup
    listings = tmp_path / "l.csv"
    listings.write_text("product_id,title,caption,images\np1,保温杯,包邮,a.jpg;b.jpg;c.jpg\n")
    assert run("listings", "import", str(listings), "--shop", "acme-my").code == 0
    config = tmp_path / "shops.toml"
    config.write_text(QUEUE + config.read_text())
    engine = open_store(db_url)
    clock = Clock(T0)
    kw = {"data_dir": tmp_path / "data", "secrets": Secrets({"LIBRE_KEY": "k"})}
    workers = [worker_of(engine, config, clock, **kw) for _ in range(2)]
    localize = DueJob("acme-my", "localize", period_start("acme-my/localize", 1800, T0))
    asyncio.run(_open_and(workers[0], workers[0].defer(localize)))
    asyncio.run(_run_until_empty(*workers))
    assert _runs(engine, "localize") == ["acme-my"]
    assert _runs(engine, "caption") == ["acme-my", "acme-my"]  # two items (ms, en), a task each
    drawn = sorted((tmp_path / "data" / "images").rglob("*.jpg"))
    assert len(drawn) == 4  # each item's images that carry the caption (the shop's default)
    stamps = [p.stat().st_mtime_ns for p in drawn]
    # the next period's localize finds nothing left to draw: no task, no image drawn again
    clock.now = T0 + timedelta(minutes=30)
    later = DueJob("acme-my", "localize", period_start("acme-my/localize", 1800, clock.now))
    asyncio.run(_open_and(workers[1], workers[1].defer(later)))
    asyncio.run(_run_until_empty(*workers))
    assert _runs(engine, "localize") == ["acme-my", "acme-my"]
    assert _runs(engine, "caption") == ["acme-my", "acme-my"]
    assert [p.stat().st_mtime_ns for p in drawn] == stamps
    engine.dispose()


@ON_POSTGRES
def test_a_shop_added_to_the_file_gets_its_jobs_at_the_next_tick_after_a_reload(  # type: ignore[no-untyped-def]
    tmp_path: Path, engine
) -> None:
    config = shops_file(tmp_path / "shops.toml", ["shop-a"])
    config.write_text(QUEUE + config.read_text())
    w = worker_of(engine, config, Clock(T0))
    asyncio.run(_open_and(w, w.tick(int(T0.timestamp()))))
    assert _count(w, "args->>'shop' = 'shop-b'") == 0
    config.write_text(config.read_text() + shops_file(tmp_path / "b.toml", ["shop-b"]).read_text())
    assert w.fleet.reload("SIGHUP")  # what the worker's SIGHUP handler calls
    later = T0 + timedelta(seconds=10)
    asyncio.run(_open_and(w, w.tick(int(later.timestamp()))))
    assert _count(w, "args->>'shop' = 'shop-b' AND args->>'job' = 'check'") == 1
    config.write_text("[[shops]]\nid = ")  # broken: the running shops stay
    assert not w.fleet.reload("SIGHUP")
    assert set(w.fleet.daemons) == {"shop-a", "shop-b"}


@ON_POSTGRES
def test_a_queue_database_that_fails_under_a_worker_is_a_message_not_a_traceback(  # type: ignore[no-untyped-def]
    tmp_path: Path, db_url: str
) -> None:
    from cadence.workers import QueueLost
    from config.errors import ExitCode
    from store.db import open_store
    from tests.store.test_upgrades import upgrade_to

    config = shops_file(tmp_path / "shops.toml", ["shop-a"])
    config.write_text(QUEUE + config.read_text())
    engine = open_store(db_url)
    upgrade_to(engine, "0007", verb="downgrade")  # the queue's tables gone under the worker
    w = worker_of(engine, config, Clock(T0))
    with pytest.raises(QueueLost) as info:
        w.run(once=True)
    assert info.value.exit_code == ExitCode.FAILURES  # a restart may work: not exit 2
    assert "procrastinate" in info.value.message and "this worker stopped" in info.value.message
    engine.dispose()


@ON_POSTGRES
def test_failed_queue_jobs_are_removed_once_older_than_the_configured_hours(
    tmp_path: Path, engine
) -> None:  # type: ignore[no-untyped-def]
    from procrastinate.jobs import Status

    config = shops_file(tmp_path / "shops.toml", ["shop-a", "shop-b"])
    config.write_text(QUEUE + "keep_failed_jobs_hours = 48\n" + config.read_text())
    w = worker_of(engine, config, Clock(T0))
    # the workers defer it once an hour, whatever their number (procrastinate's periodic)
    [retention] = [
        t for t in w.app.periodic_registry.periodic_tasks.values() if t.periodic_id != "tick"
    ]
    assert retention.cron.split()[1:] == ["*", "*", "*", "*"]

    async def two_failed() -> list[int]:
        async with w.app.open_async():
            manager = w.app.job_manager
            me = await manager.register_worker()
            failed = []
            for shop in ("shop-a", "shop-b"):
                await w.defer(DueJob(shop, "check", T0))
                job = await manager.fetch_job(queues=None, worker_id=me)
                assert job is not None and job.id is not None
                await manager.finish_job(job, status=Status.FAILED, delete_job=False)
                failed.append(job.id)
            return failed

    old, recent = asyncio.run(two_failed())
    with engine.begin() as conn:  # the first failed three days ago
        conn.exec_driver_sql(
            "UPDATE procrastinate_events SET at = at - interval '72 hours' WHERE job_id = %s",
            (old,),
        )
    asyncio.run(_open_and(w, retention.task.defer_async(timestamp=int(T0.timestamp()))))
    asyncio.run(_run_until_empty(w))
    assert _count(w, f"id = {old}") == 0
    assert _count(w, f"id = {recent} AND status = 'failed'") == 1  # kept: a person may look


def test_keep_failed_jobs_hours_is_checked_and_defaults_to_a_week(tmp_path: Path) -> None:
    from config.errors import ConfigError

    config = shops_file(tmp_path / "shops.toml", ["shop-a"])
    assert load(config).fleet.keep_failed_jobs_hours == 168
    config.write_text("[fleet]\nkeep_failed_jobs_hours = 0\n" + config.read_text())
    with pytest.raises(ConfigError, match="keep_failed_jobs_hours"):
        load(config)


@ON_POSTGRES
def test_shops_whose_engines_never_answer_hold_up_no_other_shops_localize(  # type: ignore[no-untyped-def]
    tmp_path: Path, engine
) -> None:
    import threading

    from config.runtime import Secrets
    from localize.listings import ListingRecord, import_listings
    from store.models import ItemState, LocalizationItem
    from tests.localize.libre import libre

    # As many silent shops as asyncio's default thread pool has threads (where
    # procrastinate runs a task that is not async): none of them may hold a place the
    # fast shop's localize needs, an image worker nor a thread.
    silent_ids = [f"silent-{n}" for n in range(min(32, (os.cpu_count() or 1) + 4))]
    release, asked = threading.Event(), threading.Semaphore(0)

    def silent(req):  # type: ignore[no-untyped-def]
        asked.release()
        release.wait(60)  # accepts, and answers only when the test lets it
        return Reply(503, {"error": "gave up"})

    routes = {f"/{s}/translate": silent for s in silent_ids} | {"/fast/translate": libre()}
    with serve(routes) as srv:
        config = tmp_path / "shops.toml"
        config.write_text(
            QUEUE
            + "image_workers = 1\n"
            + "".join(
                f'[[shops]]\nid = "{shop_id}"\nmarket = "TH"\n[shops.translation]\n'
                f'engine = "libre"\nurl = "{srv.url}/{shop_id}/"\napi_key_env = "K"\n'
                "timeout = 60\nretries = 0\n"
                for shop_id in [*silent_ids, "fast"]
            ),
            encoding="utf-8",
        )
        kw = {"data_dir": tmp_path / "data", "secrets": Secrets({"K": "k"})}
        w = worker_of(engine, config, Clock(T0), **kw)
        record = ListingRecord(product_id="p1", title="保温杯")
        for shop_id in [*silent_ids, "fast"]:
            import_listings(engine, shop_id=shop_id, records=[(None, record)])  # type: ignore[list-item]

        async def defer_all() -> None:
            for shop_id in [*silent_ids, "fast"]:  # the silent ones first in the queue
                assert await w.defer(DueJob(shop_id, "localize", T0)) == 1

        asyncio.run(_open_and(w, defer_all()))

        def translated() -> bool:
            with session_scope(engine) as s:
                items = s.exec(
                    select(LocalizationItem).where(LocalizationItem.shop_id == "fast")
                ).all()
            return bool(items) and all(i.state != ItemState.PENDING for i in items)

        worker = threading.Thread(target=lambda: asyncio.run(_run_what_waits(w)))
        worker.start()
        try:
            for _ in silent_ids:  # every silent shop's localize is waiting on its engine
                assert asked.acquire(timeout=20)
            waited = threading.Event()
            for _ in range(100):  # the fast shop's run, while the silent ones still wait
                if translated():
                    break
                waited.wait(0.1)
            assert translated() and not release.is_set()
        finally:
            release.set()
            worker.join(60)
        assert not worker.is_alive()
        assert sorted(_runs(engine, "localize")) == sorted([*silent_ids, "fast"])
