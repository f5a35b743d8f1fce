"""`cadence daemon --all` over 1,000 shops, each with a year of videos (260), on SQLite.

Prints, all measured in this run:
- a full check cycle of every shop: the fleet's batched sweep against each shop checked
  alone as per-shop daemons do (each on its own copy of the same store);
- idle RSS of `cadence daemon --all` (1,000 shops, after its first sweep) against one
  per-shop daemon and a bare Python;
- over an hour of simulated time, how often each shop's check sweep and periodic jobs
  fire (from the scheduler's own triggers).

Goals (issue 20): idle RSS under 150 MB, a full check cycle under 5 s, every shop's check
once per period. Run from the project's root: .venv/bin/python -m tests.bench.bench_fleet
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from apscheduler.schedulers.background import BackgroundScheduler

from cadence.fleet import Fleet
from cadence.service import evaluate_and_decide
from config.settings import load
from store.db import open_store
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
    shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
