"""`cadence daemon --shop S`: the shop's jobs on APScheduler, rebuilt from configuration.

The job store is APScheduler's in-memory one, rebuilt at every start (a job store must never
be shared between processes); the store is the truth, and every job is idempotent, so a
late, repeated or interrupted run does no harm. Jobs never overlap themselves, missed runs
are coalesced into one, and an exception in a job is logged and recorded, never fatal. A
job that ran but could not do some of its items (a translation that failed, an item the
publisher could not send) is recorded as not ok, with each item's error.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy import Engine

from config.i18n import ENGLISH, Catalog, Text, catalog, msg
from config.runtime import Clock, Secrets, utcnow
from config.settings import Settings, ShopSettings
from store.db import session_scope
from store.models import JobRun

if TYPE_CHECKING:
    from apscheduler.schedulers.base import BaseScheduler

    from localize.engines.resilient import EngineChain, Failing

log = logging.getLogger("cadence.daemon")
ONCE_ORDER = ("sync", "check", "deliver", "localize", "publish")
BLOCKED_SHOWN = 3  # blocked items a publish log line names; the rest are counted
BLOCKED_LINE = 300  # characters of one blocked item's reasons in the log
# On SIGTERM the daemon waits for the jobs in progress at most this long, whatever its
# targets: under the systemd unit's TimeoutStopSec (60), so that it exits by itself rather
# than being killed. A job cut short loses nothing (every job is idempotent; a message
# being sent is sent again once its lease runs out).
STOP_WAIT_MAX = 50.0
STOP_GRACE = 1.0  # recording the last attempt, closing the session


@dataclass(frozen=True)
class Outcome:
    """What a job did, and the items it could not do (the job ran; they wait for the next)."""

    summary: Text  # a Msg: the log says it in the daemon's language
    failures: tuple[Text, ...] = ()
    # Nothing to do this pass: logged at debug level, for the deliver job runs every few
    # seconds and its "delivered 0" lines were thousands a day per shop.
    idle: bool = False


Job = Callable[[], "str | Outcome"]


def blocked_text(blocked: list[dict[str, Any]], said: Catalog | None = None) -> str:
    """A publish run's blocked items for the log, bounded: the first few, each with its
    reasons (cut to a length), then how many more; in `said`'s language (English without)."""
    from localize.publish.service import blocked_line

    said = said or catalog(ENGLISH)
    shown = [_cut(said.render(blocked_line(b)), BLOCKED_LINE) for b in blocked[:BLOCKED_SHOWN]]
    more = len(blocked) - len(shown)
    return " | ".join(shown) + (said.render(msg(" | and {more} more", more=more)) if more else "")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class CaptionEngines:
    """A shop's engine chain, shared by its caption tasks (an item a task) for `keep`: an
    engine that gave up on one item's picture (silent through every try) is not waited on
    again by the next item's, as within one run; once `keep` has passed (or `close`) a new
    chain is made, so the next localize run's tasks ask the engine again. A chain is closed
    once replaced and no task uses it."""

    make: Callable[[], EngineChain]
    keep: timedelta
    clock: Clock
    _chain: EngineChain | None = field(default=None, init=False)
    _made: datetime | None = field(default=None, init=False)
    _users: dict[int, int] = field(default_factory=dict, init=False)  # id(chain) -> tasks
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    @contextlib.contextmanager
    def lend(self) -> Iterator[Callable[[], EngineChain]]:
        """For one task: a getter of the shared chain (made when first needed), given back
        when the task ends."""
        borrowed: list[EngineChain] = []

        def chain() -> EngineChain:
            with self._lock:
                now = self.clock()
                if self._chain is None or self._made is None or now - self._made >= self.keep:
                    self._retire()
                    self._chain, self._made = self.make(), now
                self._users[id(self._chain)] = self._users.get(id(self._chain), 0) + 1
                borrowed.append(self._chain)
                return self._chain

        try:
            yield chain
        finally:
            with self._lock:
                for made in borrowed:
                    self._users[id(made)] -= 1
                    if made is not self._chain and not self._users[id(made)]:
                        del self._users[id(made)]
                        made.close()

    def close(self) -> None:
        """Close the chain (once no task uses it): the shop's daemon is gone (a reload)."""
        with self._lock:
            self._retire()

    def _retire(self) -> None:
        chain, self._chain, self._made = self._chain, None, None
        if chain is not None and not self._users.get(id(chain)):
            self._users.pop(id(chain), None)
            chain.close()


@dataclass
class Daemon:
    """One shop's scheduler."""

    engine: Engine
    settings: Settings
    shop: ShopSettings
    secrets: Secrets = field(default_factory=Secrets)
    console: IO[str] = field(default_factory=lambda: sys.stdout)  # alerts without targets
    log_stream: IO[str] = field(default_factory=lambda: sys.stderr)
    clock: Clock = utcnow
    # What the scheduler's fire times are placed by: APScheduler waits on the machine's
    # clock, so a clock set apart ($SHOPBOT_NOW) must not place them; None: `clock`.
    timer: Clock | None = None
    data_dir: Path | None = None  # captioned images go below it; None: no localization jobs
    stopping: threading.Event = field(default_factory=threading.Event)  # shared by a fleet
    registered: bool = False  # the shop's row is in the store already (a fleet did it)
    log_prefix: str = ""  # in a fleet's log, each line names its shop
    language: Catalog | None = None  # the log's language (--lang...); English without
    # A queue's worker (cadence worker): the items whose images are to caption are handed
    # to it, a task each that any worker may take, rather than captioned in this job.
    hand_images: Callable[[list[int]], None] | None = None
    _running: set[str] = field(default_factory=set, init=False, repr=False)  # job names
    _caption_engines: CaptionEngines | None = field(default=None, init=False, repr=False)
    _engines_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    # what the last publish pass found blocked: the same again is not news for the log
    _blocked_before: str = field(default="", init=False, repr=False)
    _idle: threading.Condition = field(default_factory=threading.Condition, init=False)

    def jobs(self) -> dict[str, tuple[Job, int]]:
        """Job name -> (function, interval in seconds), from the shop's configuration."""
        schedule = self.shop.schedule
        jobs: dict[str, tuple[Job, int]] = {
            "check": (self.check, schedule.check_minutes * 60),
            "deliver": (self.deliver, schedule.deliver_seconds),
        }
        if self.shop.tiktok is not None or self.shop.video_source is not None:
            jobs["sync"] = (self.sync, schedule.sync_minutes * 60)
        if self.data_dir is not None:
            jobs["localize"] = (self.localize, schedule.localize_minutes * 60)
            jobs["publish"] = (self.publish, schedule.publish_minutes * 60)
        return jobs

    def check(self) -> Outcome:
        """Evaluate the week and decide alerts (delivery is its own job); the first shop's
        daemon also writes the weekly digest when it is due."""
        from cadence.alerts import in_short
        from cadence.service import evaluate_and_decide, register_shops, sends_digest, write_digest

        if not self.registered:
            register_shops(self.engine, self.settings, [self.shop])
        result = evaluate_and_decide(self.engine, self.settings, self.shop, self.clock())
        s = result.status
        decided = in_short(result.decisions)
        from cadence.views import WEEK_STATES
        from config.i18n import word

        figures = msg(
            "{state} {counted}/{quota} ({due} due)",
            state=word(WEEK_STATES, s.state.value),
            counted=s.counted,
            quota=s.quota,
            due=s.due_by_now,
        )
        said: Text = decided or msg("no change")
        if sends_digest(self.settings, [self.shop]) and write_digest(
            self.engine, self.settings, self.clock()
        ):
            said = (
                msg("{decided}, digest written", decided=decided)
                if decided
                else msg("digest written")
            )
        return Outcome(msg("{figures}; {decided}", figures=figures, decided=said), idle=not decided)

    def deliver(self) -> Outcome:
        """Send what the outbox holds for this shop; each target that did not take a message
        is a failure of the run (the message is retried or, at its last attempt, given up)."""
        from cadence.outbox import deliver_due
        from cadence.service import NOTIFY_TIMEOUT, notifiers_for, sends_digest

        notifiers = notifiers_for(self.settings, self.secrets, self.console, NOTIFY_TIMEOUT)
        summary = deliver_due(
            self.engine,
            notifiers=notifiers,
            now=self.clock(),
            shop_id=self.shop.id,
            lease=timedelta(seconds=self.shop.schedule.lease_seconds),
            clock=self.clock,
            stop=self.stopping.is_set,
        )
        if sends_digest(self.settings, [self.shop]):  # the team's messages: the digest
            summary.add(
                deliver_due(
                    self.engine,
                    notifiers=notifiers,
                    now=self.clock(),
                    team=True,
                    stop=self.stopping.is_set,
                )
            )
        said = msg(
            "delivered {delivered}, retrying {retrying}, failed {failed}",
            delivered=summary.delivered,
            retrying=summary.retrying,
            failed=summary.failed,
        )
        if summary.uncertain:  # taken over from a process that died mid-send
            said = msg(
                "{said}, {n} may have been delivered (not sent again)",
                said=said,
                n=summary.uncertain,
            )
        return Outcome(
            said,
            failures=tuple(msg("delivery failed: {error}", error=e) for e in summary.errors),
            idle=summary.idle and not summary.errors,
        )

    def sync(self) -> Outcome:
        """Fetch recent videos from the shop's source; skipped ones are failures, as for
        `cadence videos sync`."""
        from cadence.service import sync_videos

        summary, skipped = sync_videos(
            self.engine, self.settings, self.shop, self.secrets, self.clock()
        )
        failures = tuple(
            msg("skipped: {problem}", problem=p.text) for p in [*skipped, *summary.problems]
        )
        return Outcome(
            msg(
                "{added} added, {updated} updated, {skipped} skipped",
                added=summary.added,
                updated=summary.updated,
                skipped=len(skipped),
            ),
            failures=failures,
            idle=not (summary.added or summary.updated or failures),
        )

    def localize(self) -> Outcome:
        """Translate and caption the shop's pending listings (localize's public service)."""
        from localize.run import run_shop

        assert self.data_dir is not None
        if self.hand_images is not None:  # this run's caption tasks ask the engines anew
            self.close_engines()
        done = run_shop(
            self.engine,
            self.settings,
            self.shop,
            self.secrets,
            self.data_dir / "images",
            hand_images=self.hand_images,
        )
        t, i = done.text, done.images
        self._tell_engines_failing(done.engines_failing)
        failures = tuple(t.errors + i.errors)
        handed = msg(", images of {count} item(s) queued", count=done.handed) if done.handed else ""
        return Outcome(
            msg(
                "{translated} translated, {failed} failed, {images} image(s) captioned"
                "{handed}; {waiting} item(s) wait for review: localize review --shop {shop}",
                translated=t.translated,
                failed=t.failed,
                images=i.images,
                handed=handed,
                waiting=done.waiting,
                shop=self.shop.id,
            ),
            failures=failures,
            idle=not (t.translated or t.failed or i.images or done.handed or failures),
        )

    def _tell_engines_failing(self, failing: Sequence[Failing]) -> None:
        """The team told of an engine failing, behind its fallback or not, in either half of
        a run (no one reads this log)."""
        from cadence.listing_notices import EngineTrouble
        from cadence.service import tell_engine_failing

        troubles = [
            EngineTrouble(f.engine, f.failed, f.asked, f.last_error or "", f.answered_by)
            for f in failing
        ]
        tell_engine_failing(self.engine, self.settings, self.shop, troubles, self.clock())

    def caption(self, item_id: int) -> Outcome:
        """Caption one item's images (a queue's task: any worker may take it)."""
        from localize.run import caption_items

        assert self.data_dir is not None
        with self.caption_engines().lend() as engines:
            i = caption_items(
                self.engine,
                self.settings,
                self.shop,
                self.secrets,
                self.data_dir / "images",
                only=[item_id],
                workers=1,
                engines=engines,
            )
        self._tell_engines_failing(i.engines_failing)  # a queue's worker drew the images
        return Outcome(
            msg(
                "item {id}: {images} image(s) captioned, {failed} failed",
                id=item_id,
                images=i.images,
                failed=i.failed,
            ),
            failures=tuple(i.errors),
            idle=not (i.images or i.errors),
        )

    def caption_engines(self) -> CaptionEngines:
        """The engine chain the shop's caption tasks share: made anew by each localize run
        of this process, and after half a localize interval (another process's run)."""
        with self._engines_lock:  # two caption tasks at once: one chain
            if self._caption_engines is None:
                from localize.text.service import engine_chain

                translation, calls = self.shop.translation, self.settings.fleet.engine_calls
                self._caption_engines = CaptionEngines(
                    make=lambda: engine_chain(translation, self.secrets, calls),
                    # half an interval: a chain made late for one run (its captions
                    # waited) is not still down when the next run's tasks come
                    keep=timedelta(minutes=self.shop.schedule.localize_minutes) / 2,
                    clock=self.clock,
                )
            return self._caption_engines

    def close_engines(self) -> None:
        """Close the caption tasks' engine chain (once none uses it): the shop's daemon is
        replaced (a fleet's reload)."""
        if self._caption_engines is not None:
            self._caption_engines.close()

    def publish(self) -> Outcome:
        """Publish the shop's approved items (preflight first)."""
        from localize.publish.service import publish_shop

        assert self.data_dir is not None
        done = publish_shop(
            self.engine,
            self.settings,
            self.shop,
            self.secrets,
            downloads=self.data_dir / "images" / self.shop.id / ".publish",
            clock=self.clock,
        )
        blocked = blocked_text(done.blocked, self.language)
        unchanged = blocked == self._blocked_before
        self._blocked_before = blocked
        said = msg(
            "{published} published, {blocked} blocked, {failed} failed",
            published=len(done.published),
            blocked=len(done.blocked),
            failed=len(done.failed),
        )
        if done.stale:
            said = msg(
                "{said}, {stale} changed meanwhile (skipped)", said=said, stale=len(done.stale)
            )
        if blocked:
            said = msg("{said}; blocked: {blocked}", said=said, blocked=blocked)
        return Outcome(
            said,
            failures=tuple(
                msg("item {id}: {error}", id=f["id"], error=f["error"]) for f in done.failed
            ),
            # items standing blocked pass after pass are told once (and to the team, by
            # the check's notices), not every few minutes
            idle=not (done.published or done.failed or done.stale) and unchanged,
        )

    def once(self) -> bool:
        """Run every job once, each after what it needs (videos before the quota, alerts
        before their delivery); whether all of them worked and found no failures (a
        delivery a target refused, an item not translated or published): `cadence check`'s
        rule, so `daemon --once` exits 1 when check would."""
        self._logging()
        jobs = self.jobs()
        order = [n for n in ONCE_ORDER if n in jobs] + [n for n in jobs if n not in ONCE_ORDER]
        return all([self.run_job(name, jobs[name][0]) for name in order])

    def run_job(self, name: str, job: Job, period: datetime | None = None) -> bool:
        """Run one job, recording it (as the run for `period` when given: a queued job's);
        an exception is logged and stored, not raised, and items the job could not do make
        the run not ok, each error stored."""
        with self._idle:
            self._running.add(name)
        try:
            return self._run_job(name, job, period)
        finally:
            with self._idle:
                self._running.discard(name)
                self._idle.notify_all()

    def _run_job(self, name: str, job: Job, period: datetime | None) -> bool:
        from cadence.fleet import worker_id

        run = JobRun(
            shop_id=self.shop.id,
            job=name,
            started_at=self.clock(),
            worker=worker_id(),
            period=period,
        )
        try:
            outcome = job()
            if isinstance(outcome, str):
                outcome = Outcome(outcome)
            quiet = outcome.idle and not outcome.failures
            level = logging.DEBUG if quiet else logging.INFO
            log.log(level, "%s%s: %s", self.log_prefix, name, outcome.summary)
            run.ok = not outcome.failures
            if outcome.failures:
                run.error = (
                    f"{len(outcome.failures)} item(s) failed: " + "; ".join(outcome.failures)
                )[:2000]
                for failure in outcome.failures:
                    log.warning("%s%s: %s", self.log_prefix, name, failure)
        except Exception as exc:  # a job must never take the daemon down
            run.ok = False
            run.error = "".join(traceback.format_exception_only(exc)).strip()[:2000]
            log.error("%s%s %s", self.log_prefix, name, msg("failed: {error}", error=run.error))
            log.debug("%s", traceback.format_exc())
        run.finished_at = self.clock()
        try:
            with session_scope(self.engine) as session:
                session.add(run)
        except Exception as exc:  # the store being down is logged; the next run retries
            log.error("%scould not record the %s run: %s", self.log_prefix, name, exc)
        return bool(run.ok)

    def log_handler(self) -> logging.Handler:
        """Where the daemon's log goes: its log stream, a record a line, control characters
        in what a webhook or an engine answered shown as text (config.terminal)."""
        from config.terminal import LogLines

        handler = logging.StreamHandler(self.log_stream)
        handler.setFormatter(
            LogLines(f"%(asctime)s %(levelname)s [{self.shop.id}] %(message)s", self.language)
        )
        return handler

    def _logging(self) -> None:
        logging.basicConfig(level=logging.INFO, handlers=[self.log_handler()])
        logging.getLogger("apscheduler").setLevel(logging.WARNING)

    def scheduler(self, kind: type[BaseScheduler] | None = None) -> BaseScheduler:
        """A scheduler (not started) holding every job on its interval, the first runs now."""
        from apscheduler.executors.pool import ThreadPoolExecutor
        from apscheduler.jobstores.memory import MemoryJobStore
        from apscheduler.schedulers.blocking import BlockingScheduler

        scheduler = (kind or BlockingScheduler)(
            jobstores={"default": MemoryJobStore()},
            executors={"default": ThreadPoolExecutor(max_workers=3)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
            timezone=UTC,
        )
        now = (self.timer or self.clock)()
        for name, (job, seconds) in self.jobs().items():
            scheduler.add_job(
                self.run_job,
                "interval",
                seconds=seconds,
                args=(name, job),
                id=name,
                name=name,
                start_date=now,  # fire times follow the daemon's clock, not the machine's
                next_run_time=now,
            )
        return scheduler

    def delivery_bound(self) -> float:
        """The longest a delivery in progress can still take: one message (no other is
        claimed once stopping), sent to its targets one after another, each within its
        deadline (the shop's targets, or the digest's for a team message)."""
        from cadence.service import NOTIFY_TIMEOUT, sends_digest

        targets = max(1, len(self.shop.alert_urls))
        if self.settings.digest is not None and sends_digest(self.settings, [self.shop]):
            targets = max(targets, len(self.settings.digest.alert_urls))
        return NOTIFY_TIMEOUT * targets

    def stop_wait(self) -> float:
        """How long a stop waits for the jobs in progress: the delivery's bound, capped."""
        return min(self.delivery_bound() + STOP_GRACE, STOP_WAIT_MAX)

    def run(self) -> None:
        """Schedule the jobs and block until SIGTERM or SIGINT; then wait for the jobs in
        progress at most `stop_wait()` seconds (each job is safe to cut short)."""
        self._logging()
        scheduler = self.scheduler()
        wait = self.stop_wait()

        def stop(signum: int, _frame: object) -> None:
            if self.stopping.is_set():
                log.info("%s", msg("signal {signal}: already stopping", signal=signum))
                return
            self.stopping.set()
            with self._idle:
                running = sorted(self._running)
            others = ", ".join(n for n in running if n != "deliver")
            if "deliver" in running:
                said = msg(
                    "signal {signal}: stopping: waiting for the delivery in progress (at most "
                    "{wait:g} s)",
                    signal=signum,
                    wait=wait,
                )
                if others:
                    said = msg("{said}, and for {others}", said=said, others=others)
            elif running:
                said = msg(
                    "signal {signal}: stopping: waiting for {running} (at most {wait:g} s)",
                    signal=signum,
                    running=others,
                    wait=wait,
                )
            else:
                said = msg("signal {signal}: stopping", signal=signum)
            log.info("%s", said)
            scheduler.shutdown(wait=False)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        every = [
            msg("{job} every {seconds}s", job=n, seconds=s) for n, (_, s) in self.jobs().items()
        ]
        log.info("%s", msg("daemon started: jobs {jobs}", jobs=every))
        scheduler.start()
        with self._idle:
            finished = self._idle.wait_for(lambda: not self._running, timeout=wait)
            left = sorted(self._running)
        if finished:
            log.info("%s", msg("daemon stopped"))
            return
        log.warning(
            "%s",
            msg(
                "daemon stopped after {wait:g} s without waiting for {left}: redone at the next "
                "start (a message being sent goes again once its lease runs out)",
                wait=wait,
                left=left,
            ),
        )
        logging.shutdown()  # flush the log: the worker threads are not joined
        os._exit(0)
