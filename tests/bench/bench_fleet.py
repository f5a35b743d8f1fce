"""`cadence daemon --all` over 1,000 shops, each with a year of videos (260), on SQLite.

Prints, all measured in this run:
- a full check cycle of every shop: the fleet's batched sweep against each shop checked
  alone as per-shop daemons do (each on its own copy of the same store);
- idle RSS of `cadence daemon --all` (1,000 shops, after its first sweep) against one
  per-shop daemon and a bare Python;
- over an hour of simulated time, how often each shop's check sweep and periodic jobs
  fire (from the scheduler's own triggers).

and on the worker path (`cadence worker`, the same 1,000 shops on a PostgreSQL started here):
- one tick's cost: the first (every shop's jobs due: each deferred) and a steady one
  (every job ran in its period: nothing to defer), against a one-shop fleet's tick times
  1,000 (what the same scheduling costs shop by shop);
- a worker's RSS with 1,000 shops once its first jobs are done, against the per-shop
  daemon above.

Goals (issue 20): idle RSS under 150 MB, a full check cycle under 5 s, every shop's check
once per period; a tick well inside `tick_seconds` (10 s). Run from the project's root:
.venv/bin/python -m tests.bench.bench_fleet
"""

from __future__ import annotations

import asyncio
import dataclasses
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from apscheduler.schedulers.background import BackgroundScheduler

from cadence.fleet import Fleet
from cadence.service import evaluate_and_decide
from config.settings import load
from store.db import open_store
from tests import pgserver
from tests.bench.bench_status import NOW, build

CADENCE = [sys.executable, "-c", "from cadence.cli import run; run()"]


def rss_mb(pid: int) -> float:
    """Resident memory of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def idle_rss(args: list[str], env: dict[str, str], ready: str, timeout: float = 300) -> float:
    """RSS of a daemon once `ready` appeared in its log and it has gone quiet for 3 s."""
    log = Path(tempfile.mkstemp(suffix=".log")[1])
    with log.open("w") as err:
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=err, env=env)
    try:
        end = time.monotonic() + timeout
        while ready not in log.read_text() and time.monotonic() < end:
            time.sleep(0.2)
        size = -1
        while time.monotonic() < end:  # quiet: the log stopped growing
            time.sleep(3)
            if log.stat().st_size == size:
                break
            size = log.stat().st_size
        return rss_mb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=70)


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="bench-fleet-"))
    config, db = build(root)
    store = Path(db.removeprefix("sqlite:///"))
    for name in ("alone.db", "batch.db", "daemon.db", "one.db"):
        shutil.copy(store, root / name)
    settings = load(config)
    n = len(settings.shops)

    alone = open_store(f"sqlite:///{root / 'alone.db'}")
    t = time.perf_counter()
    for shop in settings.shops:
        evaluate_and_decide(alone, settings, shop, NOW)
    per_shop = time.perf_counter() - t
    alone.dispose()

    batch = open_store(f"sqlite:///{root / 'batch.db'}")
    fleet = Fleet(
        engine=batch,
        load_settings=lambda: load(config),
        console=io.StringIO(),
        log_stream=io.StringIO(),
        clock=lambda: NOW,
    )
    fleet.configure(settings)
    t = time.perf_counter()
    fleet.check_all()
    sweep = time.perf_counter() - t
    print(
        f"full check cycle, {n} shops: fleet sweep {sweep:.2f} s; each shop alone "
        f"{per_shop:.2f} s; ratio {sweep / per_shop:.2f} (goal: sweep < 5 s)"
    )

    scheduler = fleet.scheduler(BackgroundScheduler)
    fires: Counter[str] = Counter()
    hour = NOW + timedelta(hours=1)
    for job in scheduler.get_jobs():
        fire = getattr(job, "next_run_time", None) or job.trigger.get_next_fire_time(None, NOW)
        while fire is not None and fire < hour:
            fires[job.id.split("/")[-1] if "/" in job.id else job.id] += (
                len(job.args[0]) if job.id.startswith("check-") else 1
            )
            fire = job.trigger.get_next_fire_time(fire, fire + timedelta(microseconds=1))
    period = settings.shops[0].schedule.check_minutes
    print(
        f"an hour of simulated time: shop checks {fires['check-900']} "
        f"(= {n} shops x {60 // period} periods: {fires['check-900'] == n * 60 // period})"
    )
    batch.dispose()

    env = {**os.environ, "SHOPBOT_HOME": str(root / "home"), "SHOPBOT_CONFIG": str(config)}
    bare = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    time.sleep(1)
    bare_mb = rss_mb(bare.pid)
    bare.kill()
    fleet_mb = idle_rss(
        [*CADENCE, "daemon", "--all", "--db", f"sqlite:///{root / 'daemon.db'}"],
        env,
        "fleet started",
    )
    one_mb = idle_rss(
        [
            *CADENCE,
            "daemon",
            "--shop",
            settings.shops[0].id,
            "--db",
            f"sqlite:///{root / 'one.db'}",
        ],
        env,
        "daemon started",
    )
    print(
        f"idle RSS: daemon --all ({n} shops) {fleet_mb:.1f} MB; one per-shop daemon "
        f"{one_mb:.1f} MB; bare python {bare_mb:.1f} MB; {n} per-shop daemons would be "
        f"{n * one_mb / 1024:.1f} GB (goal: --all under 150 MB)"
    )
    worker_path(root, env, one_mb)
    shutil.rmtree(root, ignore_errors=True)


def tick_seconds(config: Path, db: str, shops: list[str] | None) -> tuple[float, float, int]:
    """A worker's tick over the shops file's shops (or those named) at a moment: the first
    (all due, each deferred) and a steady one (each job ran in its period); jobs deferred."""
    from sqlalchemy import text

    from cadence.workers import Worker, plan
    from store.db import session_scope
    from store.models import JobRun

    engine = open_store(db)
    with engine.begin() as conn:  # each measure starts from an empty queue and no runs
        conn.execute(text("DELETE FROM procrastinate_jobs"))
        conn.execute(text("DELETE FROM job_run"))
    settings = load(config)
    if shops is not None:
        settings = dataclasses.replace(settings, shops=[s for s in settings.shops if s.id in shops])
    fleet = Fleet(
        engine=engine,
        load_settings=lambda: settings,
        console=io.StringIO(),
        log_stream=io.StringIO(),
    )
    fleet.configure(settings)
    worker = Worker(fleet, tick_seconds=10, heartbeat_seconds=10)
    now = datetime.now(UTC).replace(microsecond=0)

    async def tick() -> float:
        async with worker.app.open_async():
            t = time.perf_counter()
            await worker.tick(int(now.timestamp()))
            return time.perf_counter() - t

    first = asyncio.run(tick())
    due = plan(fleet, now)
    with engine.begin() as conn:
        deferred = conn.execute(text("SELECT count(*) FROM procrastinate_jobs")).scalar() or 0
        conn.execute(text("DELETE FROM procrastinate_jobs"))
    with session_scope(engine) as session:  # as if each job ran at the start of its period
        for job in due:
            session.add(
                JobRun(shop_id=job.shop, job=job.job, started_at=job.period, worker="bench")
            )
    steady = asyncio.run(tick())
    engine.dispose()
    return first, steady, deferred


def worker_path(root: Path, env: dict[str, str], one_mb: float) -> None:
    """The tick's cost and a worker's RSS with every shop, on PostgreSQL."""
    server = pgserver.start()
    if server is None:
        print("worker path: no PostgreSQL binaries here; skipped")
        return
    try:
        pg_root = root / "pg"
        pg_root.mkdir()
        t = time.perf_counter()
        config, db = build(pg_root, server.url)
        queue = '[fleet]\nqueue = "procrastinate"\n'
        config.write_text(queue + config.read_text(encoding="utf-8"), encoding="utf-8")
        settings = load(config)
        n = len(settings.shops)
        print(f"worker path: {n} shops built on PostgreSQL in {time.perf_counter() - t:.0f} s")
        one = [settings.shops[0].id]
        one_first, one_steady, one_jobs = min(
            (tick_seconds(config, db, one) for _ in range(5)), key=lambda r: r[0] + r[1]
        )
        all_first, all_steady, all_jobs = min(
            (tick_seconds(config, db, None) for _ in range(3)), key=lambda r: r[0] + r[1]
        )
        print(
            f"a worker's tick, {n} shops: first (every job due, {all_jobs} deferred) "
            f"{all_first:.2f} s, steady (nothing due) {all_steady * 1000:.0f} ms; one shop: "
            f"first ({one_jobs} deferred) {one_first * 1000:.1f} ms, steady "
            f"{one_steady * 1000:.1f} ms; ratio against {n} one-shop ticks: first "
            f"{all_first / (n * one_first):.2f}, steady {all_steady / (n * one_steady):.3f} "
            "(goal: well inside tick_seconds, 10 s)"
        )
        worker_mb = idle_rss(
            [*CADENCE, "worker", "--config", str(config), "--db", db],
            {**env, "SHOPBOT_HOME": str(pg_root / "home")},
            "worker",
            timeout=180,
        )
        print(
            f"RSS: cadence worker ({n} shops, after its first jobs) {worker_mb:.1f} MB; one "
            f"per-shop daemon {one_mb:.1f} MB; ratio {worker_mb / one_mb:.2f}"
        )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
