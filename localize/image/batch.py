"""Many images through one operation: a process pool, a progress callback, and a typed
outcome for every file, so one bad file fails alone and the rest are done."""

from __future__ import annotations

import contextlib
import ctypes
import logging
import multiprocessing
import os
import signal
import stat
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from config.errors import AppError, BadInput, echoed
from config.i18n import Text, msg
from config.markets import ImageRules
from config.runtime import process_alive
from localize.image.outputs import output_format, readable_name, same_on_disk, suffix_for

log = logging.getLogger("localize.image")
# What one image worker may take at its peak (a large image's arrays while erasing and
# drawing, the OCR engine where it runs): workers past what memory holds only swap.
WORKER_MEMORY = 1 << 30


@dataclass(frozen=True)
class Done:
    """An image written: from where to where, what was drawn, its size on disk, notes."""

    input: Path
    output: Path
    size: int  # the caption's font size
    lines: tuple[str, ...]
    truncated: bool
    contrast: float
    bytes: int
    warnings: tuple[str, ...] = ()
    erased: tuple[dict[str, Any], ...] = ()  # per region erased: its text, polygon, score
    replaced: bool = False  # it took the place of a file that was there (Job.replaces)
    info: tuple[str, ...] = ()  # what was done to it that needs no fixing (transparency flattened)


@dataclass(frozen=True)
class Failed:
    """An image not written, and why (the error names the file)."""

    input: Path
    output: Path
    error: Text  # a message, shown in the reader's language (--json: its English)


Outcome = Done | Failed


class Operation(Protocol):
    """What a batch does to one file: read `src`, write `out`, say what was done. It must
    pickle (a module-level function or a dataclass) to run in worker processes."""

    def __call__(self, src: Path, out: Path) -> Done:
        """Do the work for one file; raise to fail it."""
        ...


@dataclass(frozen=True)
class Job:
    """One file for an operation: its input and where its output goes."""

    src: Path
    out: Path
    operation: Operation
    # a file of the name we gave the output (in a folder) was there before: an earlier run's
    # output, the same input's or another's of the same name; said, never replaced silently
    replaces: bool = False


@dataclass
class BatchResult:
    """Every job's outcome, in the order of the jobs."""

    done: list[Done] = field(default_factory=list)
    failed: list[Failed] = field(default_factory=list)

    @property
    def truncated(self) -> int:
        """Captions that needed an ellipsis."""
        return sum(1 for d in self.done if d.truncated)


def run_job(job: Job) -> Outcome:
    """The job's outcome; never raises, so one bad file cannot stop a batch. Every error
    names a file (a caption's or a region's own message does not know the input's)."""
    try:
        return job.operation(job.src, job.out)
    except AppError as exc:
        names = (echoed(str(job.src)), echoed(str(job.out)))  # as errors echo them
        named = exc.message.startswith((str(job.src), str(job.out), *names))
        said = exc.text if named else msg("{path}: {problem}", path=names[0], problem=exc.text)
        return Failed(job.src, job.out, said)
    except Exception as exc:  # noqa: BLE001 - a Pillow bug on a hostile file: report, go on
        return Failed(job.src, job.out, _unexpected(job, exc))


def _unexpected(job: Job, exc: BaseException) -> str:
    """What an unexpected exception on one file says: a broken file or a bug of ours look
    alike here (trial-img7's ordinary image failed with our IndexError as 'cannot be
    processed'), so the message says how to tell, and the log keeps the traceback."""
    log.error("%r: unexpected error", str(job.src), exc_info=exc)  # (repr: a hostile name)
    return (
        f"{echoed(str(job.src))}: cannot be processed ({type(exc).__name__}: {exc}); if it "
        "opens in an image viewer, this is a bug in shopbot: report it with the file"
    )


_IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".tif", ".tiff"})


def plan(
    inputs: Sequence[Path], out: Path | str, operation: Operation, rules: ImageRules
) -> list[Job]:
    """Where each input's output goes: OUT itself for one input (its extension says the
    format), else files named after the inputs in folder OUT (`readable_name`: 主图.png
    stays 主图.png; a name already given in this call, as a case-blind disk compares them,
    gets -2, -3). OUT ending in a slash, or an existing folder, is always a folder; a
    missing one is made when the first file is written. An empty OUT is refused: it is an
    unset variable far more often than the current folder (which `.` names)."""
    if not str(out):
        raise BadInput("-o is empty: give a file for one input, or a folder (e.g. -o out/)")
    target = Path(out)
    existing = _existing(target)
    folder = str(out).endswith(("/", os.sep)) or existing == "folder"
    if len(inputs) == 1 and not folder:
        output_format(target, rules)  # refused before any work, not JPEG under a .bmp name
        return _refuse_overwrites([Job(inputs[0], target, operation)])
    if existing == "file":
        raise BadInput(
            f"{echoed(str(target))} is a file: {len(inputs)} image(s) need a folder to go into"
        )
    if existing is None and not folder and target.suffix.lower() in _IMAGE_SUFFIXES:
        # a folder named like an image is a mistake: OUT was meant for one input
        raise BadInput(
            f"-o {echoed(str(target))} names an image file, but {len(inputs)} images were "
            "given: give a folder (e.g. -o out/) for several, or one input for one file"
        )
    used: set[str] = set()  # as a case-blind disk sees them: `A.jpg` and `a.jpg` are one
    jobs = []
    for src in inputs:
        suffix = suffix_for(src, rules)
        base = readable_name(src.stem, "")
        name, n = base + suffix, 2
        while same_on_disk(name) in used:
            name, n = f"{base}-{n}{suffix}", n + 1
        used.add(same_on_disk(name))
        out = (target / name).resolve()
        jobs.append(Job(src, out, operation, replaces=_existing(out) == "file"))
    return _refuse_overwrites(jobs)


def _refuse_overwrites(jobs: list[Job]) -> list[Job]:
    """The jobs, or BadInput naming the first input an output would overwrite: paths
    compared resolved (a symlink or `..` is the same file), and by inode when both exist
    (a hard link is too)."""
    sources: dict[object, Path] = {}
    for job in jobs:
        sources[_resolved(job.src)] = job.src
        if (inode := _inode(job.src)) is not None:
            sources[inode] = job.src
    for job in jobs:
        src = sources.get(_resolved(job.out)) or sources.get(_inode(job.out))
        if src is not None:
            raise BadInput(f"-o would overwrite the input {echoed(str(src))}; write elsewhere")
    return jobs


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symlink loop, a name over 255 bytes: compare as given
        return path.absolute()


def _inode(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:  # missing or unreadable: no file to overwrite
        return None
    return (st.st_dev, st.st_ino)


def _existing(path: Path) -> str | None:
    """What stands at `path`: "folder", "file", or None when nothing can be seen there."""
    try:
        return "folder" if stat.S_ISDIR(path.stat().st_mode) else "file"
    except OSError:  # absent, a name over 255 bytes, a folder we may not enter
        return None


def available_memory(
    meminfo: Path = Path("/proc/meminfo"), cgroup: Path = Path("/sys/fs/cgroup")
) -> int | None:
    """Bytes of memory still free for new work: the system's MemAvailable, or what is left
    under this container's limit (cgroup v2) when that is less; None when neither says."""
    found: list[int] = []
    try:
        for line in meminfo.read_text("ascii").splitlines():
            if line.startswith("MemAvailable:"):
                found.append(int(line.split()[1]) * 1024)
    except (OSError, ValueError, IndexError):
        pass
    if not found:
        try:
            found.append(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
        except (OSError, ValueError, AttributeError):
            pass
    try:
        limit = (cgroup / "memory.max").read_text("ascii").strip()
        if limit.isdigit():
            used = int((cgroup / "memory.current").read_text("ascii").strip())
            found.append(max(int(limit) - used, 0))
    except (OSError, ValueError):
        pass
    return min(found) if found else None


def fit_workers(asked: int, available: int | None, per_worker: int = WORKER_MEMORY) -> int:
    """`asked` workers, lowered so that each has `per_worker` bytes of `available` memory;
    always at least one, and as asked when the memory is not known."""
    if available is None:
        return asked
    return max(1, min(asked, available // per_worker))


# Workers start from a forkserver, not by fork: a fork of `localize run` (threads for engine
# calls, progress, the store's pool) copies locks other threads hold, and two workers of a
# killed run waited on a lock and a pipe for good (issue 17, defect 7). The forkserver is
# single-threaded, starts once a process, and ends when the process that started it does.
START_METHOD = "forkserver"
_PR_SET_PDEATHSIG = 1  # linux/prctl.h
PRELOAD = ["localize.image.ocr_models", "localize.image.pipeline", "localize.image.items"]


def die_with_parent(started_by: int, parent: int | None) -> None:
    """A pool worker's initializer: the kernel kills it when its parent (the forkserver,
    which ends with the run) ends; when that already happened, or the run that started the
    pool (`started_by`) is gone, it ends at once."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no prctl in this libc: the checks below remain
            pass
    if parent is not None and os.getppid() != parent:  # it died before the signal was asked
        os._exit(1)
    # the forkserver hands each worker a copy of the run's end of the pipe it watches to
    # know its run is alive: while a worker holds it the server never sees the run end, so
    # it never ends, and the death signal never comes (a trial: 5 of 5 killed runs left
    # their workers); the worker has no use for it
    from multiprocessing import forkserver

    alive = getattr(forkserver._forkserver, "_forkserver_alive_fd", None)
    if isinstance(alive, int):
        with contextlib.suppress(OSError):
            os.close(alive)
        forkserver._forkserver._forkserver_alive_fd = None
    if not process_alive(started_by):
        os._exit(1)
    # and the run itself watched: whatever the server does, no worker outlives it by more
    # than a few seconds (a daemon thread; the worker's tasks are not disturbed)
    threading.Thread(target=_watch, args=(started_by,), daemon=True, name="run-watch").start()


def _watch(started_by: int, every: float = 2.0) -> None:
    """End this worker once the run that started it is gone (checked `every` seconds)."""
    while process_alive(started_by):
        time.sleep(every)
    os._exit(1)


def worker_pool(workers: int, method: str | None = None) -> ProcessPoolExecutor:
    """A pool of image workers that die with the process that started them (started by
    START_METHOD unless `method` says)."""
    method = method or START_METHOD
    context = multiprocessing.get_context(method)
    parent: int | None = os.getpid()
    if method == "forkserver":
        from multiprocessing import forkserver

        # imported once in the server, not again in each worker it forks, the OCR models
        # loaded there too (ocr_models.py); the server is still one thread: what these
        # import starts no thread at import
        context.set_forkserver_preload(PRELOAD)
        forkserver.ensure_running()
        # its pid is not public: without it, only the started_by check is made
        parent = getattr(forkserver._forkserver, "_forkserver_pid", None)
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=die_with_parent,
        initargs=(os.getpid(), parent),
    )


def run_batch(
    jobs: Sequence[Job],
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    *,
    available: Callable[[], int | None] = available_memory,
) -> BatchResult:
    """Run every job, in a process pool when there is more than one worker and job; no
    more workers than `available()` memory holds (said when that lowers them)."""
    total = len(jobs)
    explicit = workers is not None  # --jobs, rather than one per core
    asked = workers or os.cpu_count() or 1
    wanted = min(asked, max(total, 1))
    workers = wanted
    if wanted > 1:
        memory = available()
        workers = fit_workers(wanted, memory)
        if workers < wanted and memory is not None:
            log.warning(
                "%s lowered to %d image workers: %.1f GiB of memory is available and each "
                "may need about %.1f GiB",
                f"--jobs {asked}" if explicit else f"{wanted} (one per core)",
                workers,
                memory / (1 << 30),
                WORKER_MEMORY / (1 << 30),
            )
    outcomes: list[Outcome | None] = [None] * total
    finished = 0

    def record(index: int, outcome: Outcome) -> None:
        nonlocal finished
        outcomes[index] = outcome
        finished += 1
        if progress:
            progress(finished, total)

    if workers == 1 or total <= 1:
        for i, job in enumerate(jobs):
            record(i, run_job(job))
    else:
        with worker_pool(workers) as pool:
            futures: dict[Future[Outcome], int] = {
                pool.submit(run_job, job): i for i, job in enumerate(jobs)
            }
            for future in as_completed(futures):
                i = futures[future]
                try:
                    outcome = future.result()
                except Exception as exc:  # noqa: BLE001 - a worker died or the job won't pickle
                    outcome = Failed(jobs[i].src, jobs[i].out, _unexpected(jobs[i], exc))
                record(i, outcome)
    result = BatchResult()
    for job, outcome in zip(jobs, outcomes, strict=True):
        if isinstance(outcome, Done):
            result.done.append(replace(outcome, replaced=job.replaces))
        elif isinstance(outcome, Failed):
            result.failed.append(outcome)
    return result
