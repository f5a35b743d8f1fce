"""On a terminal that never answers textual-image's questions (a pty nobody reads for, a
serial console, some SSH clients), the review starts without a traceback and draws its
images with the sizes a terminal is assumed to have."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# What `localize review` does before Textual starts, then what drawing an image asks.
PROBE = """
from localize import terminal_images
terminal_images.wait()
from textual_image._terminal import get_cell_size
size = get_cell_size()
print("cell", size.width, size.height, flush=True)
"""


@pytest.mark.parametrize("rows_columns", [(24, 80), (0, 0)], ids=["sized", "unsized"])
def test_a_terminal_that_never_answers_gets_no_traceback(rows_columns: tuple[int, int]) -> None:
    main, secondary = pty.openpty()  # a terminal of no pixel size that answers nothing
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", *rows_columns, 0, 0))
    try:
        probe = subprocess.Popen(
            [sys.executable, "-c", PROBE],
            cwd=ROOT,
            stdin=secondary,
            stdout=secondary,
            stderr=secondary,
            env={**os.environ, "TERM": "xterm-256color"},
        )
        os.close(secondary)
        said = b""
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the process ended: the terminal is gone
                break
            if not chunk:
                break
            said += chunk
        assert probe.wait(timeout=60) == 0, said
    finally:
        os.close(main)
    text = said.decode("utf-8", "replace")
    assert "cell 10 20" in text  # VT340's, the sizes assumed
    assert "Traceback" not in text and "Failed to get cell size" not in text, text


# What the review loads for its images, then whether NumPy can still be had by whoever
# needs it (the caption and OCR code does).
WHAT_IT_LOADS = """
import sys
from localize import terminal_images
terminal_images.wait()
from textual_image.widget import Image
print("numpy loaded:", "numpy" in sys.modules, flush=True)
import numpy
print("numpy after:", numpy.__name__, flush=True)
"""


def test_asking_the_terminal_loads_no_numpy() -> None:
    """NumPy only speeds textual-image's sixel encoding (its optional extra, a tenth of the
    time there) and cost 70-90 ms of CPU on every start: the review starts without it,
    and it stays importable for everything else."""
    done = subprocess.run(
        [sys.executable, "-c", WHAT_IT_LOADS], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["numpy loaded: False", "numpy after: numpy"]
