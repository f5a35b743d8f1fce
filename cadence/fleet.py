"""`cadence daemon --all` (or `--shops A,B`): every shop's jobs in one process.

One scheduler, one store connection pool and one set of bounded worker pools serve every
shop, where per-shop daemons would each load Python, the models and their own pools:

- checks are store work only, so one job per check interval evaluates the shops in batches
  (`evaluate_and_decide_many`: one transaction and three queries per batch), each shop
  recorded as its own run;
- deliveries: one light job finds the shops with messages due (one query) and hands each
  to the job pool; a shop whose target hangs holds one worker up to its deadline, never the
  dispatcher nor another shop's delivery (a shop's delivery is never run twice at once);
- syncs run in the job pool; localize and publish (engines and uploads: mostly waiting on
  another server) each in a lane of the shop's own, so a shop whose engine never answers
  delays its own jobs only, never a check, an alert or another shop's localize; the images
  of the items a run translated are captioned in the one image pool (`[fleet]
  image_workers`: the CPU- and memory-heavy part), an item a task;
- each shop's periodic jobs are spread over their interval (a fleet of 1,000 does not wake
  at once), and every job keeps the per-shop rules: never overlapping itself, missed runs
  coalesced, an exception logged and recorded, never fatal.

SIGHUP, or a change of the shops file seen every `[fleet] reload_seconds`, reloads it: shops
added start their jobs, shops removed stop theirs, and a file that does not load keeps the
running configuration, with the error logged.
"""

from __future__ import annotations

import functools
import itertools
import logging
import os
import signal
import socket
import sys
import threading
import zlib
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING

from sqlalchemy import Engine

from cadence.alerts import in_short
from cadence.daemon import STOP_WAIT_MAX, Daemon, Outcome
from config.errors import AppError
from config.i18n import Catalog, Text, msg
from config.runtime import Clock, Secrets, utcnow
from config.settings import Settings, ShopSettings

if TYPE_CHECKING:
    from apscheduler.schedulers.base import BaseScheduler

log = logging.getLogger("cadence.fleet")
HEAVY = frozenset({"localize", "publish"})  # engines and uploads: a lane per shop
HEARTBEAT_SECONDS = 30
_OWN_JOBS = frozenset({"watch", "heartbeat", "deliver-due"})
_ONE_OFF = "check-added-"  # a reload's check of the shops it added, run once


def worker_id() -> str:
    """This process, as `cadence fleet status` names it: host:pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


def stagger(job_id: str, seconds: int) -> timedelta:
    """Where in its interval a shop's periodic job first runs: spread by the job's id, the
    same at every start, so a fleet's jobs do not all wake together."""
    return timedelta(seconds=zlib.crc32(job_id.encode()) % max(1, seconds))


def select_shops(
    settings: Settings, names: Sequence[str] | None, *, reloading: bool = False
) -> list[ShopSettings]:
    """The shops a fleet runs: every shop in the file, or those named (each must exist at
    start; on a reload, a named shop gone from the file stops, and is said)."""
    if names is None:
        return list(settings.shops)
    if reloading:
        known = {s.id for s in settings.shops}
        gone = [n for n in dict.fromkeys(names) if n not in known]
        if gone:
            log.warning(
                "%s", msg("--shops names {shops}, no longer in the shops file: stopped", shops=gone)
            )
        return [settings.shop(n) for n in dict.fromkeys(names) if n in known]
    return [settings.shop(name) for name in dict.fromkeys(names)]


@dataclass
class Fleet:
    """Many shops' jobs on one scheduler, with shared bounded pools."""

    engine: Engine
    load_settings: Callable[[], Settings]  # the shops file, read again on every reload
    names: Sequence[str] | None = None  # --shops; None: every shop in the file
    secrets: Secrets = field(default_factory=Secrets)
    console: IO[str] = field(default_factory=lambda: sys.stdout)
    log_stream: IO[str] = field(default_factory=lambda: sys.stderr)
    clock: Clock = utcnow
    timer: Clock | None = None  # what places the scheduler's fire times (Daemon.timer)
    data_dir: Path | None = None
    # A queue's worker (cadence.workers): each shop's items to caption go to it, an item a task.
    hand_images: Callable[[str, list[int]], None] | None = None
    language: Catalog | None = None  # the log's language (--lang...); English without
    settings: Settings | None = field(default=None, init=False)
    daemons: dict[str, Daemon] = field(default_factory=dict, init=False)
    stopping: threading.Event = field(default_factory=threading.Event, init=False)
    _running: set[tuple[str, str]] = field(default_factory=set, init=False)
    _idle: threading.Condition = field(default_factory=threading.Condition, init=False)
    _pool: ThreadPoolExecutor | None = field(default=None, init=False)
    _images: ThreadPoolExecutor | None = field(default=None, init=False)  # image_workers
    _captioning: set[tuple[str, int]] = field(default_factory=set, init=False)
    _lanes: int = field(default=0, init=False)  # threads of the scheduler's "shops" pool
    _scheduler: BaseScheduler | None = field(default=None, init=False)
    _file_stamp: tuple[float, int] | None = field(default=None, init=False)
    _reload_lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    _one_offs: Iterator[int] = field(default_factory=itertools.count, init=False)

    # -- configuration -----------------------------------------------------------------

    def configure(self, settings: Settings, reloading: bool = False) -> list[ShopSettings]:
        """Take `settings` as the running configuration: one daemon per selected shop,
        every shop registered in the store. ConfigError for a --shops name not in it at
        start (on a reload that shop stops)."""
        from store.queries import register_shops

        shops = select_shops(settings, self.names, reloading=reloading)
        register_shops(self.engine, settings, shops)
        self.settings = settings
        replaced = self.daemons
        self.daemons = {
            shop.id: Daemon(
                engine=self.engine,
                settings=settings,
                shop=shop,
                secrets=self.secrets,
                console=self.console,
                log_stream=self.log_stream,
                clock=self.clock,
                timer=self.timer,
                data_dir=self.data_dir,
                stopping=self.stopping,
                registered=True,
                log_prefix=f"[{shop.id}] ",
                language=self.language,
                hand_images=self._hand_for(shop.id),
            )
            for shop in shops
        }
        for daemon in replaced.values():  # its caption tasks' engines: closed once unused
            daemon.close_engines()
        self._file_stamp = self._stamp(settings.path)
        return shops

    def _hand_for(self, shop_id: str) -> Callable[[list[int]], None] | None:
        """Where a shop's localize run hands the items whose images are to caption: a
        queue's worker, or, when scheduled here, the image pool; None: captioned in the run
        (`--once`)."""
        if self.hand_images is not None:
            return functools.partial(self.hand_images, shop_id)
        if self._images is not None:
            return functools.partial(self.caption_soon, shop_id)
        return None

    def caption_soon(self, shop_id: str, items: list[int]) -> None:
        """Caption these items' images in the image pool, an item a task; an item already
        waiting or in progress is not handed twice."""
        assert self._images is not None
        for item in items:
            key = (shop_id, item)
            with self._idle:
                if key in self._captioning:
                    continue
                self._captioning.add(key)
            self._images.submit(self._caption, shop_id, item)

    def _caption(self, shop_id: str, item: int) -> bool:
        try:
            daemon = self.daemons.get(shop_id)
            if daemon is None or self.stopping.is_set():  # removed by a reload, or stopping
                return True
            return daemon.run_job("caption", lambda: daemon.caption(item))
        finally:
            with self._idle:
                self._captioning.discard((shop_id, item))

    @staticmethod
    def _stamp(path: str) -> tuple[float, int] | None:
        try:
            st = os.stat(path)
        except OSError:
            return None
        return (st.st_mtime, st.st_size)

    def reload(self, why: Text) -> bool:
        """Read the shops file again and run what it now says; a file that does not load
        (or names a --shops shop no longer there) leaves the running configuration, logged."""
        with self._reload_lock:
            try:
                settings = self.load_settings()
                before = set(self.daemons)
                shops = self.configure(settings, reloading=True)
            except AppError as exc:
                if self.settings is not None:
                    self._file_stamp = self._stamp(self.settings.path)  # said once per change
                log.error(
                    "%s",
                    msg(
                        "{why}: the shops file was not loaded; the running configuration "
                        "stays: {problem}",
                        why=why,
                        problem=exc.text,
                    ),
                )
                return False
            for warning in settings.warnings:
                log.warning("%s: %s", why, warning)
            after = {s.id for s in shops}
            added, removed = sorted(after - before), sorted(before - after)
            if self._scheduler is not None:
                self._schedule(self._scheduler, added)
            log.info(
                "%s%s%s",
                msg("{why}: shops file reloaded: {count} shop(s)", why=why, count=len(after)),
                msg("; added {shops}", shops=added) if added else "",
                msg("; removed {shops}", shops=removed) if removed else "",
            )
            return True

    def _watch_file(self) -> str:
        """Reload when the shops file changed since it was last read."""
        if self.settings is None:
            return "no configuration"
        stamp = self._stamp(self.settings.path)
        if stamp is not None and stamp != self._file_stamp:
            self.reload(msg("the shops file changed"))
            return "reloaded"
        return "unchanged"

    # -- jobs ----------------------------------------------------------------------------

    def _run(
        self,
        shop_id: str,
        name: str,
        job: Callable[[], str | Outcome],
        period: datetime | None = None,
    ) -> bool:
        """One shop's job, never two of the same at once; recorded as the shop's run (for
        `period`, when a queue gave one)."""
        key = (shop_id, name)
        with self._idle:
            if key in self._running or self.stopping.is_set():
                return True
            self._running.add(key)
        try:
            daemon = self.daemons.get(shop_id)
            if daemon is None:  # removed by a reload since it was scheduled
                return True
            return daemon.run_job(name, job, period)
        finally:
            with self._idle:
                self._running.discard(key)
                self._idle.notify_all()

    def check_all(self, shop_ids: Sequence[str] | None = None) -> bool:
        """Evaluate the quota and decide alerts for these shops (default: all), in batches
        of `[fleet] check_batch` shops per transaction; each shop's check is recorded as its
        own run; the digest is written by the batch holding the file's first shop."""
        from cadence.service import evaluate_and_decide_many, sends_digest

        settings = self.settings
        assert settings is not None
        ids = list(self.daemons) if shop_ids is None else list(shop_ids)
        shops = [self.daemons[i].shop for i in ids if i in self.daemons]
        size = settings.fleet.check_batch
        ok = True
        for start in range(0, len(shops), size):
            if self.stopping.is_set():
                break
            batch = shops[start : start + size]
            ok &= self._check_batch(batch, settings, evaluate_and_decide_many)
            if sends_digest(settings, batch):
                first = self.daemons[batch[0].id]
                ok &= first.run_job("digest", lambda: _digest(self.engine, settings, self.clock))
        return ok

    def _check_batch(self, batch: list[ShopSettings], settings: Settings, evaluate) -> bool:  # type: ignore[no-untyped-def]
        from store.db import session_scope
        from store.models import JobRun

        started = self.clock()
        try:
            results = evaluate(self.engine, settings, batch, started)
        except Exception:  # noqa: BLE001 - one bad batch: each shop checked on its own
            log.warning(
                "%s",
                msg("check: a batch of {n} failed; checking its shops one by one", n=len(batch)),
            )
            return all([self._run(s.id, "check", self.daemons[s.id].check) for s in batch])
        finished = self.clock()
        me = worker_id()
        with session_scope(self.engine) as session:
            for shop, result in zip(batch, results, strict=True):
                s = result.status
                decided = in_short(result.decisions)
                if decided:
                    log.info(
                        "[%s] check: %s %d/%d (%d due); %s",
                        shop.id,
                        s.state.value,
                        s.counted,
                        s.quota,
                        s.due_by_now,
                        decided,
                    )
                session.add(
                    JobRun(
                        shop_id=shop.id,
                        job="check",
                        started_at=started,
                        finished_at=finished,
                        ok=True,
                        worker=me,
                    )
                )
        return True

    def deliveries_due(self, now: datetime) -> list[Daemon]:
        """The shops whose messages are due at `now` (one query); the team's digest goes with
        the file's first shop, as with per-shop daemons."""
        from cadence.outbox import shops_with_due_messages

        assert self.settings is not None
        first = self.settings.shops[0].id if self.settings.shops else ""
        due = shops_with_due_messages(self.engine, now=now)
        daemons = (self.daemons.get(first if s is None else s) for s in due)
        return list({d.shop.id: d for d in daemons if d is not None}.values())

    def deliver_due(self) -> str:
        """Hand each shop with messages due (and the team's digest) to the job pool,
        unless its delivery is already running."""
        assert self._pool is not None
        started = 0
        for daemon in self.deliveries_due(self.clock()):
            with self._idle:
                if (daemon.shop.id, "deliver") in self._running:
                    continue
            self._pool.submit(self._run, daemon.shop.id, "deliver", daemon.deliver)
            started += 1
        return f"{started} deliveries started"

    def heartbeat(self) -> None:
        """Say in the store that this worker is alive and how many shops it runs."""
        from store.db import session_scope
        from store.models import FleetWorker

        now = self.clock()
        with session_scope(self.engine) as session:
            row = session.get(FleetWorker, worker_id())
            if row is None:
                row = FleetWorker(id=worker_id(), started_at=now, seen_at=now)
            row.seen_at, row.shops = now, len(self.daemons)
            session.add(row)

    def _schedule(self, scheduler: BaseScheduler, added: Sequence[str] = ()) -> None:
        """Make `scheduler` hold the running configuration's jobs: a job that stays keeps its
        timing (its interval changed: it starts again), one no longer wanted goes, a new one
        starts now (a shop's periodic jobs spread over their interval); shops `added` by a
        reload have their quota checked at once."""
        wanted: dict[str, tuple[Callable[..., object], tuple[object, ...], int, str]] = {}
        by_interval: dict[int, list[str]] = {}
        for daemon in self.daemons.values():
            seconds = daemon.shop.schedule.check_minutes * 60
            by_interval.setdefault(seconds, []).append(daemon.shop.id)
            for name, (_, seconds) in daemon.jobs().items():
                if name not in ("check", "deliver"):
                    executor = "shops" if name in HEAVY else "light"
                    job_id = f"{daemon.shop.id}/{name}"
                    wanted[job_id] = (self._run_named, (daemon.shop.id, name), seconds, executor)
        for seconds, ids in by_interval.items():  # checks: one sweep per check interval
            wanted[f"check-{seconds}"] = (self.check_all, (ids,), seconds, "light")
        self._widen_lanes(scheduler)
        now = (self.timer or self.clock)()
        for job in scheduler.get_jobs():
            if job.id in _OWN_JOBS or job.id.startswith(_ONE_OFF):
                continue
            if job.id not in wanted:
                job.remove()
                continue
            _, args, seconds, _ = wanted.pop(job.id)
            if job.trigger.interval != timedelta(seconds=seconds):
                job.reschedule("interval", seconds=seconds, start_date=now)
            if job.args != args:
                job.modify(args=args)
        for job_id, (fn, args, seconds, executor) in wanted.items():
            first = now if fn == self.check_all else now + stagger(job_id, seconds)
            scheduler.add_job(
                fn,
                "interval",
                seconds=seconds,
                args=args,
                id=job_id,
                name=job_id,
                executor=executor,
                start_date=first,
                next_run_time=first,
            )
        if added:
            scheduler.add_job(
                self.check_all,
                "date",
                run_date=now,
                args=(list(added),),
                id=f"{_ONE_OFF}{next(self._one_offs)}",
                executor="light",
            )

    def _widen_lanes(self, scheduler: BaseScheduler) -> None:
        """A thread for each of every shop's localize and publish jobs (threads are made
        only when jobs run at once): one shop's silent engine holds its own lane only. A
        reload that brings more shops brings a wider pool; running jobs finish in the old."""
        from apscheduler.executors.pool import ThreadPoolExecutor as Pool

        wanted = max(1, len(HEAVY) * len(self.daemons))
        if wanted <= self._lanes:
            return
        if self._lanes:
            scheduler.remove_executor("shops", shutdown=False)
        scheduler.add_executor(Pool(max_workers=wanted), "shops")
        self._lanes = wanted

    def _run_named(self, shop_id: str, name: str, period: datetime | None = None) -> bool:
        """A shop's job by name, with the shop's configuration as it is when it runs."""
        daemon = self.daemons.get(shop_id)
        jobs = daemon.jobs() if daemon is not None else {}
        if name not in jobs:  # gone with a reload since it was scheduled
            return True
        return self._run(shop_id, name, jobs[name][0], period)

    def scheduler(self, kind: type[BaseScheduler] | None = None) -> BaseScheduler:
        """A scheduler (not started) with every shop's jobs, the fleet's own jobs, and the
        shared pools."""
        from apscheduler.executors.pool import ThreadPoolExecutor as Pool
        from apscheduler.jobstores.memory import MemoryJobStore
        from apscheduler.schedulers.blocking import BlockingScheduler

        settings = self.settings
        assert settings is not None
        pools = settings.fleet
        scheduler = (kind or BlockingScheduler)(
            jobstores={"default": MemoryJobStore()},
            executors={
                "default": Pool(max_workers=2),  # the fleet's own small jobs
                "light": Pool(max_workers=pools.job_workers),
            },
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
            timezone=UTC,
        )
        self._pool = ThreadPoolExecutor(
            max_workers=pools.job_workers, thread_name_prefix="fleet-deliver"
        )
        if self.hand_images is None:  # no queue: this process captions what its runs hand
            self._images = ThreadPoolExecutor(
                max_workers=pools.image_workers, thread_name_prefix="fleet-images"
            )
            for shop_id, daemon in self.daemons.items():
                daemon.hand_images = self._hand_for(shop_id)
        now = (self.timer or self.clock)()
        deliver = min((d.shop.schedule.deliver_seconds for d in self.daemons.values()), default=30)
        scheduler.add_job(
            self.deliver_due, "interval", seconds=deliver, id="deliver-due", next_run_time=now
        )
        scheduler.add_job(
            self.heartbeat,
            "interval",
            seconds=HEARTBEAT_SECONDS,
            id="heartbeat",
            next_run_time=now,
        )
        scheduler.add_job(
            self._watch_file,
            "interval",
            seconds=pools.reload_seconds,
            id="watch",
            start_date=now + timedelta(seconds=pools.reload_seconds),
        )
        self._scheduler = scheduler
        self._schedule(scheduler)
        return scheduler

    # -- running -------------------------------------------------------------------------

    def once(self) -> bool:
        """Every shop's jobs once (the quota in batches), in the per-shop order; whether all
        worked and found no failures."""
        self._logging()
        ok = True
        jobs = {shop_id: daemon.jobs() for shop_id, daemon in self.daemons.items()}
        for shop_id, daemon in self.daemons.items():
            if "sync" in jobs[shop_id]:
                ok &= daemon.run_job("sync", daemon.sync)
        ok &= self.check_all()
        assert self.settings is not None
        # deliveries side by side in the job pool, as when running: a silent target holds
        # up one worker, never the other shops' alerts
        with ThreadPoolExecutor(self.settings.fleet.job_workers) as pool:
            sent = [pool.submit(d.run_job, "deliver", d.deliver) for d in self.daemons.values()]
            ok &= all([f.result() for f in sent])
        for name in ("localize", "publish"):
            for shop_id, daemon in self.daemons.items():
                if name in jobs[shop_id]:
                    ok &= daemon.run_job(name, jobs[shop_id][name][0])
        return ok

    def log_handler(self) -> logging.Handler:
        """Where the fleet's log goes, through the daemon's filter: what a webhook or an
        engine answered is shown as text, a record a line (config.terminal)."""
        from config.terminal import LogLines

        handler = logging.StreamHandler(self.log_stream)
        handler.setFormatter(
            LogLines("%(asctime)s %(levelname)s [fleet] %(message)s", self.language)
        )
        return handler

    def _logging(self) -> None:
        logging.basicConfig(level=logging.INFO, handlers=[self.log_handler()])
        logging.getLogger("apscheduler").setLevel(logging.WARNING)

    def run(self) -> None:
        """Schedule every shop's jobs and block until SIGTERM or SIGINT; SIGHUP reloads the
        shops file. On stop, jobs in progress are waited for at most STOP_WAIT_MAX."""
        self._logging()
        scheduler = self.scheduler()

        def stop(signum: int, _frame: object) -> None:
            if self.stopping.is_set():
                return
            self.stopping.set()
            with self._idle:
                running = sorted(f"{s}/{n}" for s, n in self._running)
            if running:
                said = msg(
                    "signal {signal}: stopping: waiting for {running} (at most {wait:g} s)",
                    signal=signum,
                    running=running[:10],
                    wait=STOP_WAIT_MAX,
                )
            else:
                said = msg("signal {signal}: stopping", signal=signum)
            log.info("%s", said)
            scheduler.shutdown(wait=False)

        def hup(signum: int, _frame: object) -> None:
            # Read off the signal handler: loading a file of 1,000 shops takes a moment.
            threading.Thread(target=self.reload, args=("SIGHUP",), daemon=True).start()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGHUP, hup)
        log.info(
            "%s",
            msg(
                "fleet started: {count} shop(s), worker {worker}",
                count=len(self.daemons),
                worker=worker_id(),
            ),
        )
        scheduler.start()
        with self._idle:
            finished = self._idle.wait_for(lambda: not self._running, timeout=STOP_WAIT_MAX)
        for pool in (self._pool, self._images):
            if pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)
        if finished:
            log.info("%s", msg("fleet stopped"))
            return
        logging.shutdown()
        os._exit(0)


def _digest(engine: Engine, settings: Settings, clock: Clock) -> str:
    from cadence.service import write_digest

    written = write_digest(engine, settings, clock())
    return "digest written" if written else "no digest due"


def fleet_status(engine: Engine, settings: Settings, now: datetime) -> dict[str, object]:
    """Each shop's jobs (last run, outcome, next run, worker), the workers seen alive and
    the work waiting: what `cadence fleet status` shows."""
    from sqlalchemy import func
    from sqlmodel import col, select

    from store.db import read_scope
    from store.models import FleetWorker, ItemState, JobRun, LocalizationItem, OutboxMessage
    from store.states import MessageState

    ids = [s.id for s in settings.shops]
    with read_scope(engine) as session:
        latest = (
            select(JobRun.shop_id, JobRun.job, func.max(JobRun.id).label("id"))
            .where(col(JobRun.shop_id).in_(ids))
            .group_by(JobRun.shop_id, JobRun.job)
            .subquery()
        )
        runs = session.exec(select(JobRun).join(latest, col(JobRun.id) == latest.c.id)).all()
        workers = session.exec(select(FleetWorker)).all()
        outbox = dict(
            session.exec(
                select(OutboxMessage.state, func.count())
                .where(col(OutboxMessage.state).in_([MessageState.PENDING, MessageState.UNCERTAIN]))
                .group_by(OutboxMessage.state)
            ).all()
        )
        items = dict(
            session.exec(
                select(LocalizationItem.state, func.count())
                .where(
                    col(LocalizationItem.state).in_(
                        [ItemState.PENDING, ItemState.FAILED, ItemState.APPROVED]
                    )
                )
                .group_by(LocalizationItem.state)
            ).all()
        )
    by_shop: dict[str, dict[str, JobRun]] = {}
    for run in runs:
        by_shop.setdefault(run.shop_id, {})[run.job] = run
    shops = []
    for shop in settings.shops:
        intervals = {
            "sync": shop.schedule.sync_minutes * 60,
            "check": shop.schedule.check_minutes * 60,
            "deliver": shop.schedule.deliver_seconds,
            "localize": shop.schedule.localize_minutes * 60,
            "publish": shop.schedule.publish_minutes * 60,
        }
        jobs = []
        for name, run in sorted(by_shop.get(shop.id, {}).items()):
            seconds = intervals.get(name)
            due = run.started_at + timedelta(seconds=seconds) if seconds else None
            jobs.append(
                {
                    "job": name,
                    "last_run": run.started_at.isoformat(timespec="seconds"),
                    "ok": run.ok,
                    "error": run.error,
                    "next_run": due.isoformat(timespec="seconds") if due else None,
                    # a delivery runs when a message is due: no run is no delay
                    "overdue": name != "deliver"
                    and bool(due and due + timedelta(seconds=seconds or 0) < now),
                    "worker": run.worker,
                }
            )
        shops.append({"shop": shop.id, "jobs": jobs})
    alive = timedelta(seconds=3 * HEARTBEAT_SECONDS)
    shared: dict[str, object] = {}
    if settings.fleet.queue == "procrastinate" and engine.dialect.name == "postgresql":
        from cadence.workers import queue_status

        # procrastinate's own tables: the workers beating, the jobs waiting and running
        dead_after = settings.fleet.dead_after
        shared = {"task_queue": {"engine": "procrastinate", **queue_status(engine, dead_after)}}
    return {
        **shared,
        "shops": shops,
        "workers": [
            {
                "worker": w.id,
                "shops": w.shops,
                "started_at": w.started_at.isoformat(timespec="seconds"),
                "seen_at": w.seen_at.isoformat(timespec="seconds"),
                "alive": now - w.seen_at <= alive,
            }
            for w in sorted(workers, key=lambda w: w.seen_at, reverse=True)
        ],
        "queue": {
            "messages_pending": outbox.get(MessageState.PENDING, 0),
            # sent by a worker that died before the answer: may be in the chat, never re-sent
            "messages_uncertain": outbox.get(MessageState.UNCERTAIN, 0),
            "items_to_translate": items.get(ItemState.PENDING, 0) + items.get(ItemState.FAILED, 0),
            "items_to_publish": items.get(ItemState.APPROVED, 0),
        },
    }
