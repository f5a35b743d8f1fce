"""Three `cadence worker` processes on one PostgreSQL (started here), one SIGKILLed every
few seconds and started again, for a few real minutes.

Shops check every minute and are behind their quota, so each has one alert to send to a
local webhook that takes a while to answer (deliveries are in progress when a worker dies).
Prints, all measured in this run:
- each shop's check runs per period: duplicates (a period run twice) and gaps (a whole
  period inside the run without one), from the job_run table;
- alerts: sent, sent twice (the webhook's count per shop), and recorded as uncertain (a
  send under way when its worker was killed: never sent again);
- images: the first IMAGE_SHOPS shops have listings with photos to localize (a local
  engine server); each item's images are drawn by a task any worker may take: items drawn
  twice (two completed captionings of one item, from the workers' logs);
- failover: from each SIGKILL until every job the killed worker held is done elsewhere
  (procrastinate rows 'doing' at the kill, gone once done), against the lease period;
- RSS of one worker against a bare Python.

Goals (issue 20): every periodic job once per period, no alert twice, a killed worker's
shops picked up within one lease period. Run from the project's root:
    .venv/bin/python -m tests.bench.bench_workers [SECONDS [KILL_EVERY [SHOPS [IMAGE_SHOPS]]]]
"""

from __future__ import annotations

import os
import random
import re
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
from config.settings import DEAD_AFTER_MIN
from store.db import open_store
from tests import pgserver
from tests.bench.bench_fleet import rss_mb
from tests.httpserver import Reply, serve
from tests.localize.images import photo
from tests.localize.libre import libre

CADENCE = [sys.executable, "-c", "from cadence.cli import run; run()"]
LEASE = 120  # the shops' lease_seconds (the default)
HEARTBEAT, TICK = 2, 5
DEAD_AFTER = max(3 * HEARTBEAT, DEAD_AFTER_MIN)  # [fleet] dead_after_seconds' default
IMAGE_SHOPS, PRODUCTS = 10, 3  # shops localizing, products each (two photos a product)
REF = re.compile(r"ref: (\S+)")
CAPTIONED = re.compile(r"\[(\S+)\] caption: item (\d+): (\d+) image\(s\) captioned")


def shops_file(
    path: Path, n: int, hook: str, engine_url: str = "", image_shops: int = IMAGE_SHOPS
) -> Path:
    """`n` shops checked every minute, alerts to `hook`, on procrastinate; with
    `engine_url`, the first `image_shops` localize into Malay every minute through it."""
    body = (
        f'[fleet]\nqueue = "procrastinate"\ntick_seconds = {TICK}\n'
        f"heartbeat_seconds = {HEARTBEAT}\njob_workers = 4\n"
    )
    for k in range(n):
        images = engine_url and k < image_shops
        body += (
            f'[[shops]]\nid = "shop-{k:03d}"\nmarket = "{"MY" if images else "TH"}"\n'
            f'alert_language = "en"\nalert_urls = ["json://{hook}/shop-{k:03d}"]\n'
            + ('languages = ["ms"]\n' if images else "")
            + f"[shops.schedule]\ncheck_minutes = 1\ndeliver_seconds = 5\n"
            f"lease_seconds = {LEASE}\n"
            + ("localize_minutes = 1\n" if images else "")
            + (
                f'[shops.translation]\nengine = "libre"\nurl = "{engine_url}"\n'
                'api_key_env = "LIBRE_KEY"\nretries = 0\n'
                if images
                else ""
            )
        )
    path.write_text(body, encoding="utf-8")
    return path


def listings(root: Path, config: Path, db: str) -> int:
    """PRODUCTS listings with two photos each for every shop that localizes; how many."""
    from config.settings import load
    from localize.listings import import_file

    for seed in range(2 * PRODUCTS):
        photo(seed=seed * 40).save(root / f"p{seed}.jpg")
    rows = "product_id,title,caption,images\n" + "".join(
        f"p{p},保温杯{p}号,包邮,p{2 * p}.jpg;p{2 * p + 1}.jpg\n" for p in range(PRODUCTS)
    )
    (root / "listings.csv").write_text(rows, encoding="utf-8")
    settings = load(config)
    engine = open_store(db)
    for shop in settings.shops:
        if shop.languages:
            import_file(engine, settings, shop, root / "listings.csv")
    engine.dispose()
    return sum(PRODUCTS for shop in settings.shops if shop.languages)


def drawn_twice(log: Path) -> tuple[int, int]:
    """From the workers' log: items whose images were drawn, and drawn more than once."""
    drawn: Counter[tuple[str, str]] = Counter()
    for shop, item, images in CAPTIONED.findall(log.read_text(errors="replace")):
        if int(images):
            drawn[(shop, item)] += 1
    return len(drawn), sum(1 for c in drawn.values() if c > 1)


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


def heartbeats(engine) -> dict[int, datetime]:  # type: ignore[no-untyped-def]
    """Each procrastinate worker's last heartbeat."""
    with engine.connect() as conn:
        return dict(
            conn.execute(text("SELECT id, last_heartbeat FROM procrastinate_workers")).all()
        )


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 240
    kill_every = float(sys.argv[2]) if len(sys.argv) > 2 else 30
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 100
    image_shops = int(sys.argv[4]) if len(sys.argv) > 4 else IMAGE_SHOPS
    server = pgserver.start()
    assert server is not None, "no PostgreSQL binaries here"
    root = Path(tempfile.mkdtemp(prefix="bench-workers-"))
    received: Counter[str] = Counter()
    sent_at: dict[str, list[float]] = {}

    def hook(req):  # type: ignore[no-untyped-def]
        time.sleep(1.5)  # a slow chat service: deliveries are in flight when a worker dies
        # one alert is one message reference (a shop with listings also gets notices)
        ref = REF.search(req.json()["message"])
        key = ref.group(1) if ref else req.path
        received[key] += 1
        sent_at.setdefault(key, []).append(time.monotonic())
        return Reply(200, {"errcode": 0})

    try:
        with (
            serve({f"/shop-{k:03d}": hook for k in range(n)}) as srv,
            serve({"/translate": libre(api_key="k")}) as translator,
        ):
            hook_at = f"127.0.0.1:{srv.port}"
            config = shops_file(root / "shops.toml", n, hook_at, translator.url, image_shops)
            items = listings(root, config, server.url)
            env = {
                **os.environ,
                "SHOPBOT_HOME": str(root / "home"),
                "SHOPBOT_CONFIG": str(config),
                "SHOPBOT_DB": server.url,
                "LIBRE_KEY": "k",
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
            beats: dict[int, datetime] = {}
            stopped_alone = 0
            longest_beat = 0.0  # between two heartbeats of a worker that beat again: alive
            while time.monotonic() < end:
                time.sleep(0.25)
                now = time.monotonic()
                for k, w in enumerate(workers):
                    if w.poll() is not None:  # stopped on its own (not killed here): counted
                        stopped_alone += 1
                        workers[k] = start_worker(env, log)
                alive = doing(engine)
                for worker, beat in heartbeats(engine).items():
                    if worker in beats and beat != beats[worker]:
                        longest_beat = max(longest_beat, (beat - beats[worker]).total_seconds())
                    beats[worker] = beat
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
                    text("SELECT shop_id, started_at, period FROM job_run WHERE job = 'check'")
                ).all()
                unsent = conn.execute(
                    text("SELECT count(*) FROM outbox_message WHERE state = 'pending'")
                ).scalar()
                uncertain = conn.execute(
                    text("SELECT count(*) FROM outbox_message WHERE state = 'uncertain'")
                ).scalar()
                captions = conn.execute(
                    text("SELECT count(*) FROM job_run WHERE job = 'caption'")
                ).scalar()
            engine.dispose()
    finally:
        server.stop()

    per_period: Counter[tuple[str, datetime]] = Counter()
    lateness: list[float] = []
    late = 0  # runs that ended after their period (a killed worker's, put back): its run
    for shop, at, period in runs:
        # read raw: the store keeps UTC without a zone
        at = at.replace(tzinfo=UTC)
        started_in = period_start(f"{shop}/check", 60, at)
        start = period.replace(tzinfo=UTC) if period else started_in
        if start != started_in:
            late += 1
            lateness.append((at - start).total_seconds() - 60)  # after its period ended
        per_period[(shop, start)] += 1
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
        f"{gaps} gap(s); {late} run late for their period (a killed worker's, put back, or "
        "a queue behind)"
    )
    if lateness:
        lateness.sort()
        print(
            f"late runs began {lateness[len(lateness) // 2]:.0f} s (median), "
            f"{lateness[-1]:.0f} s (most) after their period ended"
        )
    print(
        f"alerts: {len(received)} messages sent ({sum(received.values())} sends), "
        f"{sent_twice} sent twice; "
        f"{unsent} not sent yet"
    )
    print(
        f"uncertain: {uncertain} alert(s) in the chat's hands when their worker was killed: "
        "recorded as 'may have been delivered', not sent again"
    )
    items_drawn, twice = drawn_twice(log)
    print(
        f"images: {items} items ({2 * items} photos) to localize in {image_shops} shops; "
        f"{items_drawn} items drawn, {twice} drawn twice; {captions} captioning runs recorded"
    )
    again = sorted(t[1] - t[0] for t in sent_at.values() if len(t) > 1)
    if again:  # a lease's length apart: sent by a worker killed before it could record it
        print(f"sent twice, the second time after: {', '.join(f'{g:.0f} s' for g in again)}")
    if failovers:
        print(
            f"failover: the killed worker's jobs done elsewhere in {min(failovers):.1f}-"
            f"{max(failovers):.1f} s (mean {sum(failovers) / len(failovers):.1f} s; "
            f"{len(pending)} not yet at the end) against a lease of {LEASE} s; heartbeat "
            f"{HEARTBEAT} s, dead after {DEAD_AFTER} s, tick {TICK} s"
        )
    declared = log.read_text(errors="replace").count("of a dead worker")
    print(
        f"heartbeat every {HEARTBEAT} s: longest between two beats of a live worker "
        f"{longest_beat:.1f} s; jobs put back as a dead worker's: {declared} "
        f"(after {kills} kills); workers that stopped on their own: {stopped_alone}"
    )
    if rss:
        print(f"RSS of a worker when killed: {min(rss):.0f}-{max(rss):.0f} MB")


if __name__ == "__main__":
    main()
