"""Resident memory of an idle `cadence daemon` (goal: under 80 MB), against a bare Python.

The daemon is started on a fresh store, left to run its first check and delivery, then
measured while it waits for its next runs.

Run from the project's root: .venv/bin/python -m tests.bench.bench_daemon_memory
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def rss_mb(pid: int) -> float:
    """VmRSS of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def settled(proc: subprocess.Popen[str], marker: str) -> None:
    """Read stderr until `marker` has been logged."""
    assert proc.stderr is not None
    for line in proc.stderr:
        if marker in line:
            return
    raise RuntimeError(f"the process ended before logging {marker!r}")


def main() -> None:
    """Start both, measure both, print the ratio."""
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "shops.toml"
        config.write_text('[[shops]]\nid = "acme-th"\nmarket = "TH"\n', encoding="utf-8")
        env = {**os.environ, "SHOPBOT_HOME": tmp}
        daemon = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from cadence.cli import run; run()",
                "daemon",
                "--shop",
                "acme-th",
                "--config",
                str(config),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        bare = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import sys; print('ready', file=sys.stderr, flush=True); sys.stdin.read()",
            ],
            stdin=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            # an idle delivery logs at debug level: the first check (a shop behind) is the
            # marker, then a few seconds for the first delivery pass to have run too
            settled(daemon, "check:")
            time.sleep(5)
            settled(bare, "ready")
            ours, base = rss_mb(daemon.pid), rss_mb(bare.pid)
        finally:
            daemon.send_signal(signal.SIGTERM)
            daemon.wait(timeout=30)
            bare.kill()
            bare.wait()
        print(
            f"idle daemon RSS: {ours:.1f} MB; bare python: {base:.1f} MB; "
            f"ratio {ours / base:.1f}x; goal < 80 MB: {'met' if ours < 80 else 'MISSED'}"
        )


if __name__ == "__main__":
    main()
