"""`localize` run as its own process, for tests that the process itself ends in time."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

LOCALIZE = [sys.executable, "-c", "from localize.cli import run; run()"]


def shops_toml(tmp_path: Path, url: str, *, timeout: float, retries: int) -> Path:
    """A one-shop configuration (acme-th) whose engine is LibreTranslate at `url`."""
    config = tmp_path / "shops.toml"
    config.write_text(
        '[[shops]]\nid = "acme-th"\nmarket = "TH"\n[shops.translation]\nengine = "libre"\n'
        f'url = "{url}"\napi_key_env = "K"\ntimeout = {timeout}\nretries = {retries}\n',
        encoding="utf-8",
    )
    return config


def localize(
    tmp_path: Path, config: Path, *args: str, limit: float = 120
) -> tuple[subprocess.CompletedProcess[str], float]:
    """(the finished process, seconds until it was gone) of `localize ARGS` on tmp_path's
    store."""
    started = time.monotonic()
    done = subprocess.run(
        [*LOCALIZE, *args, "--config", str(config), "--db", f"sqlite:///{tmp_path / 's.db'}"],
        env={**os.environ, "K": "k", "SHOPBOT_HOME": str(tmp_path / "home")},
        capture_output=True,
        text=True,
        timeout=limit,
    )
    return done, time.monotonic() - started


def overhead(tmp_path: Path, *args: str, setup: tuple[tuple[str, ...], ...] = ()) -> float:
    """Seconds the same `localize ARGS` takes on a fresh store of its own (after the
    `setup` commands, not timed) against an engine that answers at once: start-up, imports
    and migrations, which a loaded machine stretches and which no request deadline covers."""
    from tests.httpserver import serve
    from tests.localize.libre import libre

    home = tmp_path / "baseline"
    home.mkdir()
    with serve({"/translate": libre()}) as srv:
        config = shops_toml(home, srv.url, timeout=5, retries=0)
        for before in setup:
            assert localize(home, config, *before)[0].returncode == 0
        done, took = localize(home, config, *args)
    assert done.returncode == 0, done.stderr
    return took


def backoff(retries: int) -> float:
    """The pauses ResilientEngine makes between `retries + 1` tries."""
    return sum(min(0.5 * 2**a, 8.0) for a in range(retries))
