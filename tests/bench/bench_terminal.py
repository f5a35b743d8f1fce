"""What the output filter (config.terminal) costs a command: `cadence status` for 1,000
shops as text and as --json, through Environment (filtered) against the same writes
unfiltered, measured in this run.

Goal: a few per cent of the writes, and well under a millisecond a thousand lines, so that
`cadence status` for 1,000 shops stays under 1 s.

Run from the project's root: .venv/bin/python -m tests.bench.bench_terminal
"""

from __future__ import annotations

import io
import json
import statistics
import time
from collections.abc import Callable

from config.runtime import Environment

SHOPS = 1000
LINES = [
    f"acme-{n:04d}             2026-11-23 Asia/Bangkok                2    1     3  on_track"
    f"  (next due Fri 27 Nov 23:59)"
    for n in range(SHOPS)
]
DOCUMENT = [
    {
        "shop": f"acme-{n:04d}",
        "week_start": "2026-11-23",
        "timezone": "Asia/Bangkok",
        "quota": 3,
        "counted": 2,
        "due_by_now": 1,
        "state": "on_track",
        "title": "กระติกน้ำสแตนเลส เก็บความร้อน 12 ชั่วโมง",
    }
    for n in range(SHOPS)
]


def best(run: Callable[[], None], rounds: int = 30) -> float:
    """The median of `rounds` timings of `run`, in seconds."""
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        run()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    """Print each cost and its ratio to the unfiltered writes."""

    def raw_lines() -> None:
        out = io.StringIO()
        for line in LINES:
            print(line, file=out)

    def env_lines() -> None:
        env = Environment(stdout=io.StringIO())
        for line in LINES:
            env.out(line)

    def raw_json() -> None:
        io.StringIO().write(json.dumps(DOCUMENT, ensure_ascii=False, default=str))

    def env_json() -> None:
        Environment(stdout=io.StringIO()).json(DOCUMENT)

    for what, raw, ours in (
        (f"{SHOPS} status lines", raw_lines, env_lines),
        (f"status --json, {SHOPS} shops", raw_json, env_json),
    ):
        base, filtered = best(raw), best(ours)
        print(f"{what:<28} unfiltered {base * 1000:6.2f} ms, through Environment ", end="")
        print(f"{filtered * 1000:6.2f} ms: ratio {filtered / base:4.2f}x")


if __name__ == "__main__":
    main()
