"""How long `cadence --help` takes against a bare `python -c pass` (goal: under 0.4 s).

Run from the project's root: .venv/bin/python -m tests.bench.bench_startup
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

RUNS = 15


def wall(cmd: list[str]) -> float:
    """Median wall time of a command over RUNS runs."""
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    """Print both times and their ratio."""
    scripts = Path(sys.executable).parent
    baseline = wall([sys.executable, "-c", "pass"])
    for program in ("cadence", "localize"):
        ours = wall([str(scripts / program), "--help"])
        print(
            f"{program} --help: {ours * 1000:.0f} ms; python -c pass: {baseline * 1000:.0f} ms; "
            f"ratio {ours / baseline:.1f}x; goal < 400 ms: {'met' if ours < 0.4 else 'MISSED'}"
        )


if __name__ == "__main__":
    main()
