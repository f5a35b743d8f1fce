"""A shop whose translation engine never answers, in a fleet (`cadence daemon --all`):
its neighbours' jobs still run on time (issue 20). Figures measured in one run.

One fleet (the APScheduler scheduler, real clock, the default pools with `[fleet]
image_workers = 1`: the tightest), NEIGHBOURS shops translating through a local
LibreTranslate server that answers, and one shop, `silent`, whose engine is a local
server speaking LibreTranslate's `/translate` that:
- baseline: answers like the neighbours' (the same run's reference);
- silent: accepts the connection and never answers;
- trickle: answers 200 with LibreTranslate's JSON, a byte every 0.3 s (never finishes in time);
- silent, one pool: silent, with every shop's localize and publish jobs in one pool of
  image_workers threads, as the fleet ran them before (what the lanes per shop fixed).
On PostgreSQL, the queue's path too (`pg worker`: `[fleet] queue = "procrastinate"`, one
worker process's procrastinate workers, the jobs deferred by the bench at the same rates):
baseline, silent, and `silent, images queue` (localize deferred on the image queue, as the
worker ran it before localize and publish had a queue of their own).
Every shop has listings waiting. The quota sweep runs every CHECK s and each shop's localize
job every LOCALIZE s (spread over the interval) for SECONDS s of wall time; then, from the
runs the fleet recorded in the store:
- each neighbour's lateness against its scheduled time (p50 / max), for its checks and its
  localize jobs, and runs missed; the ratio against the baseline;
- how long the silent shop's localize run takes to give up (its engine's whole-request
  deadline: tries x timeout + backoff), and that it recorded a failure, run after run.

On SQLite, and on PostgreSQL when its binaries are here (a server started for the run).
Run from the project's root: .venv/bin/python -m tests.bench.bench_silent_engine [SECONDS]
[fleet|worker]
"""

from __future__ import annotations

import io
import logging
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from apscheduler.schedulers.background import BackgroundScheduler
from sqlmodel import select

from cadence.fleet import Fleet
from config.runtime import Secrets
from config.settings import load
from localize.listings import ListingRecord, import_listings
from store.db import open_store, session_scope
from store.models import JobRun
from tests import pgserver
from tests.httpserver import Reply, serve
from tests.localize.libre import libre

NEIGHBOURS = 20
LISTINGS = 4  # waiting for each shop
CHECK, LOCALIZE = 3.0, 6.0  # seconds between sweeps, between a shop's localize runs
TIMEOUT, RETRIES = 2.0, 1  # the silent shop's engine: gives up after 2 tries of 2 s
GIVE_UP = (RETRIES + 1) * TIMEOUT + sum(min(0.5 * 2**a, 8.0) for a in range(RETRIES))

SILENT_ROUTES = {
    "baseline": libre(),
    "silent": lambda r: Reply(200, {}, delay=600),
    "trickle": lambda r: Reply(200, {"translatedText": "แก้วเก็บความร้อน" * 4}, trickle=0.3),
    "silent, one pool": lambda r: Reply(200, {}, delay=600),
}

# The queue's path (`cadence worker`, PostgreSQL): the same shops, the jobs deferred to it.
WORKER_KINDS = ("baseline", "silent", "silent, images queue")


def shops_file(path: Path, neighbours_url: str, silent_url: str, fleet: str = "") -> Path:
    """NEIGHBOURS shops on the engine that answers, and `silent` on the other (`fleet`:
    more [fleet] keys)."""
    body = "[fleet]\nimage_workers = 1\n" + fleet
    for shop_id, url in [(f"n{n:02d}", neighbours_url) for n in range(NEIGHBOURS)] + [
        ("silent", silent_url)
    ]:
        body += (
            f'[[shops]]\nid = "{shop_id}"\nmarket = "TH"\n[shops.translation]\n'
            f'engine = "libre"\nurl = "{url}"\napi_key_env = "K"\n'
            f"timeout = {TIMEOUT:g}\nretries = {RETRIES}\n"
        )
    path.write_text(body, encoding="utf-8")
    return path


def percentile(values: list[float], q: float) -> float:
    """The q-th quantile (0-1) of `values`, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def late(started: datetime, first: datetime, every: float) -> float:
    """Seconds between a run's start and the scheduled time it ran for (the latest at or
    before it: a run later than a whole interval is counted as a missed one as well)."""
    return (started - first).total_seconds() % every


def one_fleet(root: Path, db_url: str, kind: str, seconds: float) -> dict[str, object]:
    """Run the fleet for `seconds` with the silent shop's engine of `kind`; its figures."""
    with (
        serve({"/translate": libre()}) as neighbours_engine,
        serve({"/translate": SILENT_ROUTES[kind]}) as silent_engine,
    ):
        config = shops_file(root / "shops.toml", neighbours_engine.url, silent_engine.url)
        engine = open_store(db_url)
        fleet = Fleet(
            engine=engine,
            load_settings=lambda: load(config),
            console=io.StringIO(),
            log_stream=io.StringIO(),
            data_dir=root / "data",
            secrets=Secrets({"K": "k"}),
        )
        shops = fleet.configure(load(config))
        for shop in shops:
            records = [
                ListingRecord(product_id=f"p{k}", title=f"不锈钢真空保温杯 {k} 号")
                for k in range(LISTINGS)
            ]
            import_listings(engine, shop_id=shop.id, records=[(None, r) for r in records])  # type: ignore[misc]
        scheduler = fleet.scheduler(BackgroundScheduler)
        if kind == "silent, one pool":  # as before: localize and publish share 1 thread
            from apscheduler.executors.pool import ThreadPoolExecutor as Pool

            scheduler.add_executor(Pool(max_workers=1), "one pool")
            for job in scheduler.get_jobs():
                if job.executor == "shops":
                    job.modify(executor="one pool")
        t0 = datetime.now(UTC) + timedelta(seconds=2)
        firsts: dict[str, datetime] = {}
        for job in scheduler.get_jobs():
            if job.id.startswith("check-"):
                job.reschedule("interval", seconds=CHECK, start_date=t0)
            elif job.id.endswith("/localize"):
                n = [s.id for s in shops].index(job.id.split("/")[0])
                firsts[job.id.split("/")[0]] = first = t0 + timedelta(
                    seconds=LOCALIZE * n / len(shops)
                )
                job.reschedule("interval", seconds=LOCALIZE, start_date=first)
        scheduler.start()
        time.sleep(seconds)
        end = datetime.now(UTC)
        fleet.stopping.set()
        scheduler.shutdown(wait=True)
        with session_scope(engine) as s:
            runs = list(s.exec(select(JobRun).where(JobRun.started_at >= t0)))
        engine.dispose()
    return figures_of(runs, [s.id for s in shops], t0, firsts, end)


def figures_of(
    runs: list[JobRun],
    shop_ids: list[str],
    t0: datetime,
    firsts: dict[str, datetime],
    end: datetime,
) -> dict[str, object]:
    """The neighbours' lateness and missed runs, and the silent shop's localize runs, of
    the runs recorded (checks due from `t0`, each shop's localize from `firsts`)."""
    figures: dict[str, object] = {}
    cutoff = end - timedelta(seconds=1)  # a run due in the last second may not be recorded
    for job, every in (("check", CHECK), ("localize", LOCALIZE)):
        lateness, expected = [], 0
        for shop_id in shop_ids:
            if shop_id == "silent":
                continue
            first = t0 if job == "check" else firsts[shop_id]
            expected += int((cutoff - first).total_seconds() // every) + 1
            for r in runs:
                if r.job == job and r.shop_id == shop_id:
                    started = _utc(r.started_at)
                    lateness.append(late(started, first, every))
                    if started - timedelta(seconds=lateness[-1]) > cutoff:
                        expected += 1  # ran for a time after the cutoff: not a missed one
        figures[job] = (lateness, expected - len(lateness))
    silent = [r for r in runs if r.job == "localize" and r.shop_id == "silent"]
    figures["silent"] = [
        ((_utc(r.finished_at) - _utc(r.started_at)).total_seconds(), r.ok, r.error or "")
        for r in silent
        if r.finished_at is not None
    ]
    return figures


def one_worker(root: Path, db_url: str, kind: str, seconds: float) -> dict[str, object]:
    """The same on the queue (`[fleet] queue = "procrastinate"`, one `cadence worker`
    process's workers, real clock): the bench defers each neighbour's check every CHECK s
    and each shop's localize every LOCALIZE s (as the tick would, at those rates), the
    worker runs them; `silent, images queue`: localize deferred on the image queue, as the
    worker did before it had a queue of its own for localize and publish."""
    import asyncio

    from cadence.workers import HEAVY_QUEUE, DueJob, Worker

    route = SILENT_ROUTES["baseline" if kind == "baseline" else "silent"]
    with (
        serve({"/translate": libre()}) as neighbours_engine,
        serve({"/translate": route}) as silent_engine,
    ):
        config = shops_file(
            root / "shops.toml",
            neighbours_engine.url,
            silent_engine.url,
            fleet='queue = "procrastinate"\n',
        )
        engine = open_store(db_url)
        fleet = Fleet(
            engine=engine,
            load_settings=lambda: load(config),
            console=io.StringIO(),
            log_stream=io.StringIO(),
            data_dir=root / "data",
            secrets=Secrets({"K": "k"}),
        )
        shops = fleet.configure(load(config))
        for shop in shops:
            records = [
                ListingRecord(product_id=f"p{k}", title=f"不锈钢真空保温杯 {k} 号")
                for k in range(LISTINGS)
            ]
            import_listings(engine, shop_id=shop.id, records=[(None, r) for r in records])  # type: ignore[misc]
        worker = Worker(fleet, tick_seconds=10, heartbeat_seconds=10)
        worker.app.periodic_registry.periodic_tasks.clear()  # this bench defers the jobs
        t0 = datetime.now(UTC) + timedelta(seconds=2)
        ids = [s.id for s in shops]
        firsts = {i: t0 + timedelta(seconds=LOCALIZE * n / len(ids)) for n, i in enumerate(ids)}
        end = t0 + timedelta(seconds=seconds)
        due = [
            (t0 + timedelta(seconds=k * CHECK), i, "check")
            for k in range(int(seconds // CHECK) + 1)
            for i in ids
            if i != "silent"
        ] + [
            (firsts[i] + timedelta(seconds=k * LOCALIZE), i, "localize")
            for k in range(int(seconds // LOCALIZE) + 1)
            for i in ids
        ]
        due = sorted(d for d in due if d[0] < end)

        async def defer_all() -> None:
            from procrastinate.exceptions import AlreadyEnqueued

            for when, shop, job in due:
                await asyncio.sleep(max(0.0, (when - datetime.now(UTC)).total_seconds()))
                if job == "localize" and kind == "silent, images queue":
                    key = f"{shop}/{job}"
                    try:
                        await worker.shop_job.configure(
                            lock=key, queueing_lock=key, queue=HEAVY_QUEUE
                        ).defer_async(shop=shop, job=job, period=int(when.timestamp()))
                    except AlreadyEnqueued:  # one waits already: this one is missed
                        pass
                else:
                    await worker.defer(DueJob(shop, job, when))

        async def run() -> None:
            working = asyncio.create_task(worker.run_async(signals=False))
            await asyncio.sleep(1)  # its connections open
            await defer_all()
            await asyncio.sleep(max(0.0, (end - datetime.now(UTC)).total_seconds()))
            worker.stop()  # the jobs in progress finish
            await working

        asyncio.run(run())
        with session_scope(engine) as s:
            runs = list(s.exec(select(JobRun).where(JobRun.started_at >= t0)))
        engine.dispose()
    return figures_of(runs, ids, t0, firsts, end)


def _utc(moment: datetime | None) -> datetime:
    assert moment is not None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@contextmanager
def stores(root: Path) -> Iterator[Iterator[tuple[str, str]]]:
    """(name, a new store's URL) for each scenario: SQLite files, and PostgreSQL databases."""
    server = pgserver.start()

    def urls() -> Iterator[tuple[str, str]]:
        for n, kind in enumerate(SILENT_ROUTES):
            yield "sqlite", kind, f"sqlite:///{root / f's{n}.db'}"  # type: ignore[misc]
        if server is None:
            print("PostgreSQL: no binaries here; skipped")
            return
        from sqlalchemy import create_engine, text

        admin = create_engine(server.url, isolation_level="AUTOCOMMIT")
        scenarios = [("postgresql", kind) for kind in SILENT_ROUTES]
        scenarios += [("pg worker", kind) for kind in WORKER_KINDS]
        for n, (store, kind) in enumerate(scenarios):
            name = f"s{n}"
            with admin.connect() as conn:
                conn.execute(text(f"CREATE DATABASE bench_{name}"))
            yield store, kind, server.url.rsplit("/", 1)[0] + f"/bench_{name}"  # type: ignore[misc]
        admin.dispose()

    try:
        yield urls()  # type: ignore[misc]
    finally:
        if server is not None:
            server.stop()


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 30.0
    only = sys.argv[2] if len(sys.argv) > 2 else ""  # "fleet" or "worker": that path only
    logging.disable(logging.WARNING)  # the silent shop's failures: counted below, not shown
    print(
        f"{NEIGHBOURS} neighbours + 1 silent shop, {LISTINGS} listings each; sweep every "
        f"{CHECK:g} s, localize every {LOCALIZE:g} s, {seconds:g} s each; [fleet] "
        f"image_workers = 1; the silent shop's engine: timeout {TIMEOUT:g} s, retries {RETRIES}"
        f" (give-up goal {GIVE_UP:g} s)"
    )
    root = Path(tempfile.mkdtemp(prefix="bench-silent-"))
    base: dict[tuple[str, str], tuple[float, float]] = {}
    with stores(root) as each:
        for store, kind, url in each:  # type: ignore[misc]
            place = Path(tempfile.mkdtemp(dir=root))
            if only and (store == "pg worker") != (only == "worker"):
                continue
            run = one_worker if store == "pg worker" else one_fleet
            figures = run(place, url, kind, seconds)
            for job in ("check", "localize"):
                lateness, missed = figures[job]  # type: ignore[misc]
                p50, worst = percentile(lateness, 0.5), max(lateness, default=float("nan"))
                if kind == "baseline":
                    base[(store, job)] = (p50, worst)
                b50, bmax = base[(store, job)]
                print(
                    f"{store:<10} {kind:<16} neighbours' {job:<8} runs {len(lateness):>4}, "
                    f"missed {missed:>2}; late p50 {p50 * 1000:6.0f} ms, max "
                    f"{worst * 1000:6.0f} ms (x{p50 / b50:.2f} / x{worst / bmax:.2f} baseline)"
                )
            runs = figures["silent"]
            took = [t for t, _, _ in runs]  # type: ignore[misc]
            failed = sum(1 for _, ok, _ in runs if not ok)  # type: ignore[misc]
            said = next((e for _, ok, e in runs if not ok), "")  # type: ignore[misc]
            print(
                f"{store:<10} {kind:<16} silent shop's localize: {len(took)} runs, {failed} "
                f"recorded failed; took median {statistics.median(took) if took else 0:.2f} s,"
                f" max {max(took, default=0):.2f} s (goal {GIVE_UP:g} s)"
                + (f"; error: {said[:110]}" if said else "")
            )


if __name__ == "__main__":
    main()
