"""Three `cadence worker` processes on one PostgreSQL (started here), one SIGKILLed every
few seconds and started again, for a few real minutes.

Shops check every minute and are behind their quota, so each has one alert to send to a
local webhook that takes a while to answer (deliveries are in progress when a worker dies).
Prints, all measured in this run:
- each shop's check runs per period: duplicates (a period run twice) and gaps (a whole
  period inside the run without one), from the job_run table;
- alerts: sent, and sent twice (the webhook's count per shop);
- failover: from each SIGKILL until every job the killed worker held is done elsewhere
  (procrastinate rows 'doing' at the kill, gone once done), against the lease period;
- RSS of one worker against a bare Python.

Goals (issue 20): every periodic job once per period, no alert twice, a killed worker's
shops picked up within one lease period. Run from the project's root:
    .venv/bin/python -m tests.bench.bench_workers [SECONDS [KILL_EVERY [SHOPS]]]
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from cadence.workers import period_start
from store.db import open_store
from tests import pgserver
from tests.bench.bench_fleet import rss_mb
from tests.httpserver import Reply, serve

CADENCE = [sys.executable, "-c", "from cadence.cli import run; run()"]
LEASE = 120  # the shops' lease_seconds (the default)
HEARTBEAT, TICK = 2, 5


def shops_file(path: Path, n: int, hook: str) -> Path:
    """`n` shops checked every minute, alerts to `hook`, on procrastinate."""
    body = (
        f'[fleet]\nqueue = "procrastinate"\ntick_seconds = {TICK}\n'
        f"heartbeat_seconds = {HEARTBEAT}\njob_workers = 4\n"
    )
    for k in range(n):
        body += (
            f'[[shops]]\nid = "shop-{k:03d}"\nmarket = "TH"\nalert_language = "en"\n'
            f'alert_urls = ["json://{hook}/shop-{k:03d}"]\n'
            f"[shops.schedule]\ncheck_minutes = 1\ndeliver_seconds = 5\n"
            f"lease_seconds = {LEASE}\n"
        )
    path.write_text(body, encoding="utf-8")
    return path


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """One `cadence worker`, its log appended to `log`."""
    with log.open("a") as err:
        return subprocess.Popen(
            [*CADENCE, "worker"], stdout=subprocess.DEVNULL, stderr=err, env=env
        )


def doing(engine) -> set[int]:  # type: ignore[no-untyped-def]
    """The procrastinate jobs in progress."""
    with engine.connect() as conn:
        return set(
            conn.execute(text("SELECT id FROM procrastinate_jobs WHERE status = 'doing'")).scalars()
        )


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 240
    kill_every = float(sys.argv[2]) if len(sys.argv) > 2 else 30
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 100
    server = pgserver.start()
    assert server is not None, "no PostgreSQL binaries here"
    root = Path(tempfile.mkdtemp(prefix="bench-workers-"))
    received: Counter[str] = Counter()
    sent_at: dict[str, list[float]] = {}

    def hook(req):  # type: ignore[no-untyped-def]
        time.sleep(1.5)  # a slow chat service: deliveries are in flight when a worker dies
        received[req.path] += 1
        sent_at.setdefault(req.path, []).append(time.monotonic())
        return Reply(200, {"errcode": 0})

    try:
        with serve({f"/shop-{k:03d}": hook for k in range(n)}) as srv:
            config = shops_file(root / "shops.toml", n, f"127.0.0.1:{srv.port}")
            env = {
                **os.environ,
                "SHOPBOT_HOME": str(root / "home"),
                "SHOPBOT_CONFIG": str(config),
                "SHOPBOT_DB": server.url,
            }
            engine = open_store(server.url)
            log = root / "workers.log"
            started = datetime.now(UTC)
            workers = [start_worker(env, log) for _ in range(3)]
            rng = random.Random(20)
            failovers: list[float] = []
            pending: list[tuple[float, set[int]]] = []
            end = time.monotonic() + seconds
            next_kill = time.monotonic() + kill_every
            rss: list[float] = []
            while time.monotonic() < end:
                time.sleep(0.25)
                now = time.monotonic()
                alive = doing(engine)
                for at, held in list(pending):
                    if not held & alive:
                        failovers.append(now - at)
                        pending.remove((at, held))
                if now >= next_kill:
                    victim = rng.randrange(3)
                    rss.append(rss_mb(workers[victim].pid))
                    held = doing(engine)  # whatever any worker held: the victim's among it
                    workers[victim].send_signal(signal.SIGKILL)
                    workers[victim].wait()
                    pending.append((time.monotonic(), held))
                    workers[victim] = start_worker(env, log)
                    next_kill = now + kill_every
            finished = datetime.now(UTC)
            for w in workers:
                w.send_signal(signal.SIGTERM)
            for w in workers:
                w.wait(timeout=70)
            with engine.connect() as conn:
                runs = conn.execute(
                    text("SELECT shop_id, started_at FROM job_run WHERE job = 'check'")
                ).all()
                unsent = conn.execute(
                    text("SELECT count(*) FROM outbox_message WHERE state = 'pending'")
                ).scalar()
            engine.dispose()
    finally:
        server.stop()

    per_period: Counter[tuple[str, datetime]] = Counter()
    for shop, at in runs:
        per_period[(shop, period_start(f"{shop}/check", 60, at))] += 1
    duplicates = sum(c - 1 for c in per_period.values() if c > 1)
    gaps = 0
    for k in range(n):
        shop = f"shop-{k:03d}"
        first = period_start(f"{shop}/check", 60, started)
        # whole periods inside the run, after the first minute (workers starting)
        t = first.timestamp() + 120
        while t + 60 <= finished.timestamp() - 10:
            if per_period[(shop, datetime.fromtimestamp(t, UTC))] == 0:
                gaps += 1
            t += 60
    periods = len(per_period)
    sent_twice = sum(1 for c in received.values() if c > 1)
    kills = len(failovers) + len(pending)
    print(
        f"{seconds:.0f} s, 3 workers, {n} shops checked every minute, a worker SIGKILLed "
        f"every {kill_every:.0f} s ({kills} kills)"
    )
    print(
        f"checks: {len(runs)} runs over {periods} shop-periods: {duplicates} duplicate(s), "
        f"{gaps} gap(s)"
    )
    print(
        f"alerts: {sum(received.values())} sent to {len(received)} shops, {sent_twice} twice; "
        f"{unsent} not sent yet (one a killed worker was sending waits out its {LEASE} s lease)"
    )
    again = sorted(t[1] - t[0] for t in sent_at.values() if len(t) > 1)
    if again:  # a lease's length apart: sent by a worker killed before it could record it
        print(f"sent twice, the second time after: {', '.join(f'{g:.0f} s' for g in again)}")
    if failovers:
        print(
            f"failover: the killed worker's jobs done elsewhere in {min(failovers):.1f}-"
            f"{max(failovers):.1f} s (mean {sum(failovers) / len(failovers):.1f} s; "
            f"{len(pending)} not yet at the end) against a lease of {LEASE} s; heartbeat "
            f"{HEARTBEAT} s, dead after {3 * HEARTBEAT} s, tick {TICK} s"
        )
    if rss:
        print(f"RSS of a worker when killed: {min(rss):.0f}-{max(rss):.0f} MB")


if __name__ == "__main__":
    main()
