"""A large disc's dilation row by row (localize/image/morph.py) against OpenCV's own with its
ellipse kernel, which filters a kernel that is no rectangle pixel by pixel: CPU time of
each on the same mask in the same run (the better of five), and their ratio. The judge of
erases dilates by discs up to 155 px on a 3000 px picture's crops.

Run from the project's root: .venv/bin/python -m tests.bench.bench_morph
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import cv2
import numpy as np

from localize.image import morph

SIZES = (31, 77, 155)
REPEAT = 5


def cpu(run: Callable[[], object]) -> float:
    """The least CPU time (this process's) of REPEAT runs of `run`, in s."""
    best = float("inf")
    for _ in range(REPEAT):
        started = time.process_time()
        run()
        best = min(best, time.process_time() - started)
    return best


def main() -> None:
    rng = np.random.default_rng(1)
    mask = ((rng.random((700, 1500)) < 0.1) * 255).astype(np.uint8)
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}; mask 1500 x 700")
    for size in SIZES:
        disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
        same = np.array_equal(morph.dilate(mask, size), cv2.dilate(mask, disc))
        ours = cpu(lambda: morph.dilate(mask, size))  # noqa: B023 (run at once)
        theirs = cpu(lambda: cv2.dilate(mask, disc))  # noqa: B023
        print(
            f"disc {size:3d} px: row by row {ours * 1000:7.1f} ms, OpenCV {theirs * 1000:7.1f} ms"
            f" ({theirs / max(ours, 1e-9):5.1f}x), same pixels: {same}"
        )


if __name__ == "__main__":
    main()
