"""What starting image workers costs by start method: `fork` (what the pool used, and what
left workers of a killed run hanging on a lock copied from another thread), `forkserver`
(what it uses now) and `spawn`.

Each method runs in a fresh Python that has imported what `localize run` has by the image
half, then captions the same small photos twice with 2 workers: the first batch pays for
starting the workers (and, for forkserver, the server), the second shows what a daemon's
later batches pay. Prints seconds and the ratio to fork, measured in this run.

Run from the project's root: .venv/bin/python -m tests.bench.bench_start_method [PHOTOS]
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

METHODS = ("fork", "forkserver", "spawn")

ONE = """
import json, sys, time
from pathlib import Path
import localize.cli, localize.run  # what `localize run` has imported by its image half
from localize.image import batch
from tests.bench.bench_images import captioning
from config.markets import load_markets
from localize.image.pipeline import image_rules
batch.START_METHOD = sys.argv[1]
folder = Path(sys.argv[2])
photos = sorted(folder.glob("in/*.jpg"))
rules = image_rules(load_markets())
took = []
for round in range(2):
    jobs = batch.plan(photos, folder / f"out-{sys.argv[1]}-{round}", captioning(), rules)
    started = time.perf_counter()
    result = batch.run_batch(jobs, 2)
    took.append(time.perf_counter() - started)
    assert not result.failed, result.failed
print(json.dumps(took))
"""


def main() -> None:
    """Print each method's batch times against fork's."""
    from tests.localize.images import photo

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 4
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "in").mkdir()
        for n in range(count):
            photo(seed=n * 11).save(folder / "in" / f"p{n}.jpg")
        times = {}
        for method in METHODS:
            done = subprocess.run(
                [sys.executable, "-c", ONE, method, tmp], capture_output=True, text=True
            )
            assert done.returncode == 0, done.stderr
            times[method] = json.loads(done.stdout.strip().splitlines()[-1])
    base = times["fork"]
    print(f"{count} photos, 2 workers; seconds (ratio to fork)")
    for method, (first, second) in times.items():
        print(
            f"  {method:<11} first batch {first:6.2f} ({first / base[0]:.2f}x)  "
            f"next batch {second:6.2f} ({second / base[1]:.2f}x)"
        )


if __name__ == "__main__":
    main()
