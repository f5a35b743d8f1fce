"""`cadence status` over 1,000 shops with a year of videos (5 a week each) on SQLite.

Goal: under 1 s. Prints the command's wall time, the in-process evaluation, and their ratio
to a bare count query over the same rows, all measured in this run.

Run from the project's root: .venv/bin/python -m tests.bench.bench_status
"""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text

from cadence.service import register_shops, statuses
from config.settings import load
from store.db import open_store
from store.models import Video

SHOPS, WEEKS, PER_WEEK = 1000, 52, 5
NOW = datetime(2026, 11, 26, 4, 0, tzinfo=UTC)
MARKETS = ["TH", "ID", "VN", "MY", "PH", "SG", "UK", "US", "DE", "FR"]


def build(root: Path, db: str | None = None) -> tuple[Path, str]:
    """A shops file and a store (SQLite in `root`, or the empty store at `db`) with a year
    of videos for every shop."""
    config = root / "shops.toml"
    config.write_text(
        "".join(
            f'[[shops]]\nid = "shop-{i:04d}"\nmarket = "{MARKETS[i % len(MARKETS)]}"\n'
            for i in range(SHOPS)
        ),
        encoding="utf-8",
    )
    db = db or f"sqlite:///{root / 'store.db'}"
    settings = load(config)
    engine = open_store(db)
    register_shops(engine, settings, settings.shops)
    rng = random.Random(7)
    start = NOW - timedelta(weeks=WEEKS)
    rows = []
    for shop in settings.shops:
        for n in range(WEEKS * PER_WEEK):
            rows.append(
                {
                    "shop_id": shop.id,
                    "video_id": f"{shop.id}-{n}",
                    "posted_at": start + timedelta(seconds=rng.randrange(WEEKS * 7 * 86400)),
                    "title": "",
                    "product_ids": ["p"] if rng.random() < 0.9 else [],
                    "original": True,
                    "status": "published",
                    "source": "csv",
                    "first_seen_at": NOW,
                    "updated_at": NOW,
                }
            )
    with engine.begin() as conn:
        conn.execute(insert(Video), rows)
    engine.dispose()
    return config, db


def best(fn, runs: int = 5) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    """Build the data, time each way, print the figures."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        t = time.perf_counter()
        config, db = build(root)
        print(f"built {SHOPS} shops x {WEEKS * PER_WEEK} videos in {time.perf_counter() - t:.1f} s")
        settings = load(config)
        engine = open_store(db)
        week_start = NOW - timedelta(days=8)  # covers every shop's current week

        def bare() -> None:
            with engine.connect() as conn:
                conn.execute(
                    text(
                        "SELECT shop_id, count(*) FROM video"
                        " WHERE posted_at >= :a AND posted_at < :b GROUP BY shop_id"
                    ),
                    {
                        "a": week_start.replace(tzinfo=None),
                        "b": (NOW + timedelta(days=8)).replace(tzinfo=None),
                    },
                ).all()

        def ours() -> None:
            result = statuses(engine, settings, settings.shops, NOW)
            assert len(result) == SHOPS

        baseline = best(bare)
        core = best(ours)
        load_time = best(lambda: load(config))
        cmd = [
            sys.executable,
            "-c",
            "from cadence.cli import run; run()",
            "status",
            "--json",
            "--config",
            str(config),
            "--db",
            db,
            "--as-of",
            NOW.isoformat(),
        ]
        wall = statistics.median(
            [
                best(lambda: subprocess.run(cmd, check=True, capture_output=True), 1)
                for _ in range(3)
            ]
        )
        print(f"bare count query:            {baseline * 1000:8.1f} ms")
        print(f"status evaluation (1000):    {core * 1000:8.1f} ms  ratio {core / baseline:5.1f}x")
        print(f"loading the 1000-shop file:  {load_time * 1000:8.1f} ms")
        print(
            f"`cadence status --json` run: {wall * 1000:8.1f} ms  ratio {wall / baseline:5.1f}x"
            f"  goal < 1000 ms: {'met' if wall < 1 else 'MISSED'}"
        )


if __name__ == "__main__":
    main()
