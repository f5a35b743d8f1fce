"""`cadence worker`: the fleet's work shared by processes on any number of machines, through
procrastinate (a task queue in PostgreSQL) on the store the fleet already uses.

The job functions are the fleet's own (each shop's `Daemon`), run as procrastinate tasks:

- one periodic task, the tick, is deferred once per `[fleet] tick_seconds` whatever the
  number of workers (procrastinate records each periodic defer under a unique key). At its
  timestamp it decides which shop jobs are due: a periodic job (sync, check, localize,
  publish) whose current period — its interval, staggered as the fleet staggers it — has
  no run yet, a delivery when the shop has messages due. Each goes in with a queueing lock
  (one waiting at most) and a lock (never two running) per shop and job;
- a shop's job runs unless its period has its run already: deferred twice (a tick run
  again after its worker died), it still runs once. A job in the queue (waiting, or held
  by a worker) is not deferred again: a dead worker's, put back, runs for its own period
  and is recorded so however late it ends (job_run.period), and the next period gets its
  own run; a twin deferred meanwhile would have taken the next period's place;
- localize translates and hands each item whose images are missing to a task of its own,
  which any worker may take (a lock per item; captioning skips what is drawn already);
- a worker that dies (SIGKILL, a machine lost) stops beating; once it has been silent for
  `[fleet] dead_after_seconds` (3 heartbeats, at least 30 s) the next tick puts its jobs
  back in the queue (procrastinate's stalled jobs), and another worker runs them. The
  margin is wide because a live worker taken for dead has its jobs run twice: on a loaded
  machine beats come late, and a worker starting deletes the rows of workers silent that
  long (procrastinate's pruning).

Decisions take the tick's timestamp as `now`; leases and heartbeats read the clock (the
database's) when they act.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import signal
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from cadence.daemon import STOP_WAIT_MAX
from cadence.fleet import HEARTBEAT_SECONDS, HEAVY, Fleet, stagger, worker_id
from config.errors import AppError, ConfigError, ExitCode
from config.i18n import msg

log = logging.getLogger("cadence.workers")
# Which waiting job a free worker takes first: the tick, alerts, the quota, the rest.
PRIORITY = {"tick": 100, "deliver": 20, "check": 10, "sync": 5}
# Three queues, each with its own workers in every process, as the fleet's pools: checks,
# deliveries and syncs (and the tick); images, the CPU- and memory-heavy part, an item a
# task; localize and publish, which mostly wait on another server (an engine, an upload),
# a lane per shop and job. A silent engine holds its own shop's lane, never an image
# worker, a check, a delivery, the tick or another shop's localize.
LIGHT_QUEUE, HEAVY_QUEUE, SHOPS_QUEUE = "cadence", "cadence-images", "cadence-shops"
STALLED_HEARTBEATS = 3  # a worker silent this many heartbeats is dead
TAKEOVER_LOCK = 20_0020  # PostgreSQL advisory lock: one takeover of dead workers' jobs at once
RETENTION_MINUTE = 17  # of every hour: old failed jobs removed (off the ticks' round minutes)


class QueueLost(AppError):
    """The queue's database failed under a running worker: it stops, to be started again
    (its jobs in progress run again on another worker)."""

    exit_code = ExitCode.FAILURES  # not bad configuration: a restart may well work

    def __init__(self, problem: str) -> None:
        super().__init__(
            f"the queue's database failed: {problem}; this worker stopped (its jobs in "
            "progress run again on another worker, or on this one once it starts again)"
        )


def require_postgresql(engine: Engine, path: str) -> None:
    """`[fleet] queue = "procrastinate"` needs the store on PostgreSQL: say so, naming the key."""
    if engine.dialect.name != "postgresql":
        raise ConfigError(
            path,
            '[fleet] queue = "procrastinate" needs the store on PostgreSQL (--db '
            "postgresql://USER@HOST/DB, or SHOPBOT_DB); this store is "
            f"{engine.dialect.name}: remove the key to run every shop in one process "
            "(cadence daemon --all), or point --db at PostgreSQL",
        )


def conninfo(engine: Engine) -> str:
    """The store's PostgreSQL URL as libpq takes it, for procrastinate's connection pool."""
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def period_start(job_id: str, seconds: int, now: datetime) -> datetime:
    """When the period holding `now` began, for a job every `seconds` whose periods are
    staggered as the fleet staggers its first run (so a fleet's jobs do not fall due at once)."""
    offset = stagger(job_id, seconds).total_seconds()
    start = ((now.timestamp() - offset) // seconds) * seconds + offset
    return datetime.fromtimestamp(start, UTC)


@dataclass(frozen=True)
class DueJob:
    """A shop's job to defer, and the start of the period it runs for."""

    shop: str
    job: str
    period: datetime


def due_jobs(
    jobs: Iterable[tuple[str, str, int]],
    last_runs: Mapping[tuple[str, str], datetime],
    now: datetime,
) -> list[DueJob]:
    """Of the (shop, job, interval in seconds) given, those whose period holding `now` has
    no run yet (`last_runs`: the latest period each ran for)."""
    due = []
    for shop, job, seconds in jobs:
        start = period_start(f"{shop}/{job}", seconds, now)
        last = last_runs.get((shop, job))
        if last is None or last < start:
            due.append(DueJob(shop, job, start))
    return due


def last_runs(engine: Engine, since: datetime) -> dict[tuple[str, str], datetime]:
    """The latest period each shop's periodic jobs ran for, of the runs started since
    `since` (one query): a run's own period when a worker recorded it, else the moment it
    started."""
    from sqlalchemy import func
    from sqlmodel import col, select

    from store.db import read_scope
    from store.models import JobRun

    served = func.coalesce(JobRun.period, JobRun.started_at)
    with read_scope(engine) as session:
        rows = session.exec(
            select(JobRun.shop_id, JobRun.job, func.max(served))
            .where(JobRun.started_at >= since, col(JobRun.job) != "deliver")
            .group_by(JobRun.shop_id, JobRun.job)
        ).all()
    return {(shop, job): started for shop, job, started in rows}


def in_queue(engine: Engine) -> set[tuple[str, str]]:
    """The shops' jobs waiting or running in the queue (a dead worker's among them, until
    they are put back): (shop, job)."""
    sql = (
        "SELECT args->>'shop', args->>'job' FROM procrastinate_jobs "
        "WHERE task_name = 'cadence.shop_job' AND status IN ('todo', 'doing')"
    )
    with engine.connect() as conn:
        return {(shop, job) for shop, job in conn.exec_driver_sql(sql).all()}


def put_back_stalled(engine: Engine, dead_after: float) -> list[tuple[int, str, bool]]:
    """The jobs of workers silent for `dead_after` seconds, each put back in the queue, or
    closed as failed when its twin waits already: (job id, call, put back).

    One transaction under an advisory lock, the list read inside it: two ticks running at
    once (a slow one and the next) each acted on its own list, and one put back (or closed
    as failed) a job the other had put back and a live worker had taken again. While
    another tick takes over, this one does nothing (the next tick looks again)."""
    from sqlalchemy.exc import IntegrityError

    stalled = (
        "SELECT job.id, job.task_name, job.args::text FROM procrastinate_jobs job "
        "LEFT JOIN procrastinate_workers w ON w.id = job.worker_id "
        "WHERE job.status = 'doing' AND (job.worker_id IS NULL "
        "OR w.last_heartbeat < now() - make_interval(secs => %s)) "
        "ORDER BY job.id FOR UPDATE OF job"
    )
    done: list[tuple[int, str, bool]] = []
    with engine.begin() as conn:
        if not conn.exec_driver_sql(
            "SELECT pg_try_advisory_xact_lock(%s)", (TAKEOVER_LOCK,)
        ).scalar():
            return done
        for job_id, task, args in conn.exec_driver_sql(stalled, (dead_after,)).all():
            call = f"{task}[{job_id}]({args})"
            try:
                with conn.begin_nested():  # procrastinate's own retry, as its manager calls it
                    conn.exec_driver_sql(
                        "SELECT procrastinate_retry_job_v2(%s, now(), NULL, NULL, NULL)",
                        (job_id,),
                    )
                done.append((job_id, call, True))
            except IntegrityError:  # its queueing lock: a twin waits, and does it
                conn.exec_driver_sql(
                    "SELECT procrastinate_finish_job_v1(%s, 'failed', false)", (job_id,)
                )
                done.append((job_id, call, False))
    return done


def plan(fleet: Fleet, now: datetime, queued: Iterable[tuple[str, str]] = ()) -> list[DueJob]:
    """What the tick at `now` defers: every shop's periodic jobs due, and a delivery for
    each shop with messages due; none of the `queued` (shop, job)s.

    A job in the queue already is not deferred again, even the one a dead worker held: put
    back, it runs for its own period (recorded so, however late); a twin deferred meanwhile
    for the next period would take its place and leave that period without a run."""
    periodic = [
        (daemon.shop.id, name, seconds)
        for daemon in fleet.daemons.values()
        for name, (_, seconds) in daemon.jobs().items()
        if name != "deliver"
    ]
    longest = max((seconds for *_, seconds in periodic), default=0)
    runs = last_runs(fleet.engine, now - timedelta(seconds=2 * longest))
    due = due_jobs(periodic, runs, now)
    due += [DueJob(d.shop.id, "deliver", now) for d in fleet.deliveries_due(now)]
    skip = set(queued)
    return [job for job in due if (job.shop, job.job) not in skip]


@dataclass
class Worker:
    """One `cadence worker` process: the fleet's shops, and procrastinate's tasks over them."""

    fleet: Fleet
    tick_seconds: int = 10
    heartbeat_seconds: int = 10
    dead_after_seconds: float | None = None  # default: STALLED_HEARTBEATS heartbeats

    def __post_init__(self) -> None:
        import procrastinate

        pools = self._settings().fleet
        # procrastinate's own connections: each worker's fetches and finishes, the tick's
        # defers, the listener; the jobs themselves use the store's engine.
        connections = pools.job_workers + pools.image_workers + 3
        self.app = procrastinate.App(
            connector=procrastinate.PsycopgConnector(
                conninfo=conninfo(self.fleet.engine), min_size=1, max_size=connections
            )
        )
        self.fleet.hand_images = self.hand_images
        for daemon in self.fleet.daemons.values():  # configured before this worker existed
            daemon.hand_images = functools.partial(self.hand_images, daemon.shop.id)
        self.shop_job = self.app.task(name="cadence.shop_job")(self._shop_job)
        self.caption = self.app.task(name="cadence.caption", queue=HEAVY_QUEUE)(self._caption)
        self._threads: ThreadPoolExecutor | None = None  # run_async's: where jobs run
        self._queue_workers: list[Any] = []  # run_async's procrastinate workers, one a queue
        tick = self.app.task(
            name="cadence.tick",
            queueing_lock="cadence.tick",
            queue=LIGHT_QUEUE,
            priority=PRIORITY["tick"],
        )(self.tick)
        every = self.tick_seconds
        cron = f"* * * * * */{every}" if every < 60 else "* * * * *"
        self.app.periodic(cron=cron, periodic_id="tick")(tick)
        # Failed jobs stay in procrastinate's table (successful ones are deleted at once):
        # removed once an hour past [fleet] keep_failed_jobs_hours, by whichever worker
        # takes the hour's job (deferred once, whatever the number of workers).
        clean_up = self.app.task(
            name="cadence.remove_old_jobs",
            queueing_lock="cadence.remove_old_jobs",
            queue=LIGHT_QUEUE,
            pass_context=True,
        )(self.remove_old_jobs)
        self.app.periodic(cron=f"{RETENTION_MINUTE} * * * *", periodic_id="remove_old_jobs")(
            clean_up
        )

    @classmethod
    def of(cls, fleet: Fleet) -> Worker:
        """The worker for a configured fleet, timed by its [fleet] table."""
        assert fleet.settings is not None
        timing = fleet.settings.fleet
        return cls(
            fleet,
            tick_seconds=timing.tick_seconds,
            heartbeat_seconds=timing.heartbeat_seconds,
            dead_after_seconds=timing.dead_after,
        )

    def _settings(self):  # type: ignore[no-untyped-def]
        assert self.fleet.settings is not None
        return self.fleet.settings

    @property
    def stalled_after(self) -> float:
        """Seconds without a heartbeat after which a worker is taken for dead ([fleet]
        dead_after_seconds): its jobs are put back, and a worker starting removes it."""
        if self.dead_after_seconds is not None:
            return float(self.dead_after_seconds)
        return float(STALLED_HEARTBEATS * self.heartbeat_seconds)

    # -- tasks ---------------------------------------------------------------------------

    async def tick(self, timestamp: int) -> None:
        """Put back the jobs of dead workers, then defer what is due at `timestamp`."""
        now = datetime.fromtimestamp(timestamp, UTC)
        await self.retry_stalled()
        queued = await asyncio.to_thread(in_queue, self.fleet.engine)
        due = await asyncio.to_thread(plan, self.fleet, now, queued)
        deferred = 0
        for job in due:
            deferred += await self.defer(job)
        if deferred:
            log.info(
                "%s",
                msg(
                    "tick {at}: {n} job(s) deferred",
                    at=now.isoformat(timespec="seconds"),
                    n=deferred,
                ),
            )

    async def remove_old_jobs(self, context: Any, timestamp: int) -> None:
        """Remove the queue's finished jobs older than [fleet] keep_failed_jobs_hours:
        procrastinate's own clean-up, failed, cancelled and aborted ones included."""
        from procrastinate import builtin_tasks

        await builtin_tasks.remove_old_jobs(
            context,
            max_hours=self._settings().fleet.keep_failed_jobs_hours,
            remove_failed=True,
            remove_cancelled=True,
            remove_aborted=True,
        )

    async def defer(self, job: DueJob) -> int:
        """Defer one shop's job, unless one is waiting already (its queueing lock)."""
        from procrastinate.exceptions import AlreadyEnqueued

        key = f"{job.shop}/{job.job}"
        try:
            await self.shop_job.configure(
                lock=key,
                queueing_lock=key,
                priority=PRIORITY.get(job.job, 0),
                queue=SHOPS_QUEUE if job.job in HEAVY else LIGHT_QUEUE,
            ).defer_async(shop=job.shop, job=job.job, period=int(job.period.timestamp()))
        except AlreadyEnqueued:
            return 0
        return 1

    async def retry_stalled(self) -> int:
        """Put the jobs of workers silent for `stalled_after` seconds back in the queue; one
        whose twin already waits (its queueing lock) is closed as failed: the twin does it.
        None while another tick does the same (`put_back_stalled`)."""
        done = await asyncio.to_thread(put_back_stalled, self.fleet.engine, self.stalled_after)
        for job_id, call, queued in done:
            if queued:
                log.warning(
                    "%s",
                    msg("job {id} ({call}) of a dead worker: queued again", id=job_id, call=call),
                )
            else:
                log.warning("%s", msg("job {id} of a dead worker: already queued again", id=job_id))
        return len(done)

    async def _shop_job(self, shop: str, job: str, period: int) -> None:
        await self._in_thread(self.run_shop_job, shop, job, period)

    async def _caption(self, shop: str, item: int) -> None:
        await self._in_thread(self.run_caption, shop, item)

    async def _in_thread(self, work: Callable[..., None], *args: object) -> None:
        """Run a job in this process's own threads: procrastinate runs a task that is not
        async in asyncio's default pool (os.cpu_count() + 4 threads at most), which a few
        silent engines would fill, every queue's jobs waiting behind them."""
        if self._threads is None:  # a job run outside run_async (none in production)
            await asyncio.to_thread(work, *args)
            return
        await asyncio.get_running_loop().run_in_executor(self._threads, work, *args)

    def run_shop_job(self, shop: str, job: str, period: int) -> None:
        """A shop's job, the fleet's own function, unless it ran in this period already;
        recorded as the run for its period (a dead worker's job put back may start after
        its period ended: it is still that period's run, and the next period gets its own)."""
        daemon = self.fleet.daemons.get(shop)
        if daemon is None:  # not in this machine's shops file (another worker may know it)
            log.warning(
                "%s",
                msg(
                    "{shop}/{job}: the shop is not in this worker's shops file; skipped",
                    shop=shop,
                    job=job,
                ),
            )
            return
        start = datetime.fromtimestamp(period, UTC)
        if job == "deliver":
            self.fleet._run_named(shop, job)
            return
        if self._ran_since(shop, job, start):
            log.info(
                "%s", msg("{shop}/{job}: ran in this period already; skipped", shop=shop, job=job)
            )
            return
        self.fleet._run_named(shop, job, start)

    def _ran_since(self, shop: str, job: str, start: datetime) -> bool:
        from sqlalchemy import func
        from sqlmodel import select

        from store.db import read_scope
        from store.models import JobRun

        with read_scope(self.fleet.engine) as session:
            query = select(JobRun.id).where(
                JobRun.shop_id == shop,
                JobRun.job == job,
                JobRun.started_at >= start,
                func.coalesce(JobRun.period, JobRun.started_at) >= start,
            )
            return session.exec(query.limit(1)).first() is not None

    def hand_images(self, shop: str, items: list[int]) -> None:
        """Defer one captioning task per item (from the localize job's thread)."""
        from procrastinate.exceptions import AlreadyEnqueued

        for item in items:
            key = f"{shop}/caption/{item}"
            with contextlib.suppress(AlreadyEnqueued):
                self.caption.configure(lock=key, queueing_lock=key).defer(shop=shop, item=item)

    def run_caption(self, shop: str, item: int) -> None:
        """Caption one item's images: any worker may take it, never two at once (its lock)."""
        daemon = self.fleet.daemons.get(shop)
        if daemon is None:
            log.warning(
                "%s",
                msg(
                    "caption of item {item}: shop {shop} is not in this worker's shops",
                    item=item,
                    shop=shop,
                ),
            )
            return
        daemon.run_job("caption", lambda: daemon.caption(item))

    # -- running -------------------------------------------------------------------------

    def options(self, *, once: bool = False) -> dict[str, Any]:
        """procrastinate's worker options common to this process's workers (one a queue)."""
        return {
            "name": "cadence",
            "wait": not once,
            "delete_jobs": "successful",  # our job_run table keeps the record
            "update_heartbeat_interval": float(self.heartbeat_seconds),
            "stalled_worker_timeout": self.stalled_after,
            "shutdown_graceful_timeout": STOP_WAIT_MAX,
            "install_signal_handlers": False,  # one stop for both: run_async's
        }

    def concurrency(self) -> dict[str, int]:
        """How many jobs of each queue this process runs at once: the fleet's pools, and a
        lane for each of its shops' localize and publish jobs (threads are made only when
        jobs run at once; a shop's job never runs twice at once: its lock)."""
        pools = self._settings().fleet
        return {
            LIGHT_QUEUE: pools.job_workers,
            HEAVY_QUEUE: pools.image_workers,
            SHOPS_QUEUE: max(1, len(HEAVY) * len(self.fleet.daemons)),
        }

    async def run_async(self, *, once: bool = False, signals: bool = True) -> None:
        """procrastinate's workers for this process, one per queue, sized as the fleet's
        pools; with `once`, until no job waits for them; with `signals`, SIGTERM and SIGINT
        stop them all (the jobs in progress finish, at most STOP_WAIT_MAX)."""
        sizes = self.concurrency()
        self.app.perform_import_paths()
        # A thread for every job this process may run at once, whatever its queue.
        self._threads = threads = ThreadPoolExecutor(
            max_workers=sum(sizes.values()), thread_name_prefix="cadence-worker"
        )
        try:
            await self._run_queues(sizes, once=once, signals=signals)
        finally:
            self._threads = None
            threads.shutdown(wait=False)

    async def _run_queues(self, sizes: dict[str, int], *, once: bool, signals: bool) -> None:
        from procrastinate.worker import Worker as QueueWorker

        async with self.app.open_async():
            workers = [
                QueueWorker(self.app, queues=[queue], concurrency=size, **self.options(once=once))
                for queue, size in sizes.items()
            ]
            self._queue_workers = workers
            if signals:
                loop = asyncio.get_running_loop()
                for signum in (signal.SIGTERM, signal.SIGINT):
                    loop.add_signal_handler(signum, self.stop)
            try:
                await asyncio.gather(*(w.run() for w in workers))
            finally:
                self._queue_workers = []

    def stop(self) -> None:
        """Stop this process's workers, from their event loop: no job is taken any more,
        the jobs in progress finish (at most STOP_WAIT_MAX)."""
        self.fleet.stopping.set()
        for w in self._queue_workers:
            w.stop()

    def run(self, *, once: bool = False) -> None:
        """Run this process's workers (and the periodic deferrer) until SIGTERM or SIGINT;
        SIGHUP, or a changed shops file, reloads it; with `once`, until the queue is empty."""
        self.fleet._logging()
        logging.getLogger("procrastinate").setLevel(logging.WARNING)
        done = threading.Event()
        keeper = threading.Thread(target=self._keep_alive, args=(done,), daemon=True)
        keeper.start()
        signal.signal(
            signal.SIGHUP,
            lambda *_: threading.Thread(
                target=self.fleet.reload, args=("SIGHUP",), daemon=True
            ).start(),
        )
        log.info(
            "%s",
            msg(
                "worker {worker} started: {count} shop(s), tick every {tick} s",
                worker=worker_id(),
                count=len(self.fleet.daemons),
                tick=self.tick_seconds,
            ),
        )
        from procrastinate.exceptions import ConnectorException

        try:
            asyncio.run(self.run_async(once=once))
        except ConnectorException as exc:
            cause = exc.__cause__ or exc
            raise QueueLost(
                str(cause).strip().splitlines()[0] if str(cause) else repr(cause)
            ) from exc
        finally:
            self.fleet.stopping.set()
            done.set()
            log.info("%s", msg("worker {worker} stopped", worker=worker_id()))

    def _keep_alive(self, done: threading.Event) -> None:
        """This process's own heartbeat (fleet status) and its look at the shops file."""
        reload_every = self._settings().fleet.reload_seconds
        beats = 0
        while not done.is_set():
            try:
                self.fleet.heartbeat()
                beats += 1
                if beats * HEARTBEAT_SECONDS >= reload_every:
                    self.fleet._watch_file()
                    beats = 0
            except Exception as exc:  # noqa: BLE001 - the store being down: said, tried again
                log.error("%s", msg("heartbeat: {problem}", problem=exc))
            done.wait(min(HEARTBEAT_SECONDS, reload_every))


def queue_status(engine: Engine, stalled_after: float) -> dict[str, object]:
    """procrastinate's side of `cadence fleet status`: its workers alive, and the jobs
    waiting and running."""
    sql_workers = (
        "SELECT count(*) FILTER (WHERE last_heartbeat >= now() - make_interval(secs => %s)), "
        "count(*) FROM procrastinate_workers"
    )
    sql_jobs = (
        "SELECT status::text, count(*) FROM procrastinate_jobs "
        "WHERE status IN ('todo', 'doing') GROUP BY status"
    )
    with engine.connect() as conn:
        alive, known = conn.exec_driver_sql(sql_workers, (stalled_after,)).one()
        jobs = dict(conn.exec_driver_sql(sql_jobs).all())
    return {
        "workers_alive": alive,
        "workers_dead": known - alive,
        "jobs_waiting": jobs.get("todo", 0),
        "jobs_running": jobs.get("doing", 0),
    }
