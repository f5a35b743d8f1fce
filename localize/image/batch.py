"""Captioning many images: a process pool, a progress callback, every failure kept apart."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from config.errors import AppError
from localize.image.render import ImageInputError, Layout, caption_file, safe_name


@dataclass
class Job:
    """One image to caption."""

    src: Path
    out: Path
    caption: str
    language: str
    layout: Layout = Layout()


@dataclass
class BatchResult:
    """Every image's outcome."""

    done: list[dict[str, object]] = field(default_factory=list)
    failed: list[dict[str, str]] = field(default_factory=list)

    @property
    def truncated(self) -> int:
        """Captions that needed an ellipsis."""
        return sum(1 for d in self.done if d["truncated"])


def run_job(job: Job) -> tuple[bool, dict[str, object]]:
    """(ok, result or error) for one job; never raises, so one bad file cannot stop a batch."""
    try:
        return True, caption_file(job.src, job.out, job.caption, job.language, job.layout)
    except AppError as exc:
        return False, {"input": str(job.src), "output": str(job.out), "error": exc.message}
    except Exception as exc:  # noqa: BLE001 - a Pillow bug on a hostile file: report, go on
        return False, {
            "input": str(job.src),
            "error": f"{job.src}: cannot be captioned ({type(exc).__name__}: {exc})",
        }


def plan(
    inputs: Sequence[Path],
    out: Path,
    caption: str,
    language: str,
    layout: Layout | None = None,
) -> list[Job]:
    """Where each input's output goes: OUT itself for one input, else files in folder OUT."""
    layout = layout or Layout()
    layout = layout or Layout()
    if len(inputs) == 1 and not out.is_dir():
        return [Job(inputs[0], out, caption, language, layout)]
    used: set[str] = set()
    jobs = []
    for src in inputs:
        suffix = ".png" if src.suffix.lower() == ".png" else ".jpg"
        name = safe_name(src.stem, suffix)
        n = 2
        while name in used:
            name = safe_name(f"{src.stem}-{n}", suffix)
            n += 1
        used.add(name)
        target = (out / name).resolve()
        if out.resolve() not in target.parents:
            raise ImageInputError(src, f"its output would leave {out}")
        jobs.append(Job(src, target, caption, language, layout))
    return jobs


def run_batch(
    jobs: Sequence[Job],
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BatchResult:
    """Caption every job, in a process pool when there is more than one worker and job."""
    workers = workers or os.cpu_count() or 1
    result = BatchResult()
    total = len(jobs)

    def record(ok: bool, value: dict[str, object]) -> None:
        (result.done if ok else result.failed).append(value)  # type: ignore[arg-type]
        if progress:
            progress(len(result.done) + len(result.failed), total)

    if workers == 1 or total <= 1:
        for job in jobs:
            record(*run_job(job))
    else:
        with ProcessPoolExecutor(max_workers=min(workers, total)) as pool:
            futures = [pool.submit(run_job, job) for job in jobs]
            for future in as_completed(futures):
                record(*future.result())
    order = {str(j.out): i for i, j in enumerate(jobs)}
    result.done.sort(key=lambda d: order[str(d["output"])])
    result.failed.sort(key=lambda d: order[d["output"]])
    return result
