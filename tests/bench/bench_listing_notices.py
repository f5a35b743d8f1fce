"""A check's cost of telling the team about listings, on SQLite: a shop with 5,000 items
(3,000 published with their audit trail, 1,900 waiting for review, 100 blocked) against a
shop with none, in the steady state (the notices written by the first check, every later
check deciding nothing new), and the digest's week count over the same trail.

Prints each figure and its ratio to the shop without items, all measured in this run.

Run from the project's root: .venv/bin/python -m tests.bench.bench_listing_notices
"""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from cadence.service import evaluate_and_decide, listing_weeks, register_shops
from config.settings import load
from store.db import open_store
from store.models import AuditEvent, Listing, LocalizationItem

NOW = datetime(2026, 12, 3, 3, 0, tzinfo=UTC)
PUBLISHED, WAITING, BLOCKED = 3000, 1900, 100


def build(root: Path) -> tuple[Path, str]:
    """A shops file (a busy shop, a quiet one) and a store with the busy shop's items."""
    config = root / "shops.toml"
    config.write_text(
        '[[shops]]\nid = "busy"\nmarket = "TH"\n[[shops]]\nid = "quiet"\nmarket = "TH"\n',
        encoding="utf-8",
    )
    db = f"sqlite:///{root / 'store.db'}"
    settings = load(config)
    engine = open_store(db)
    register_shops(engine, settings, settings.shops)
    total = PUBLISHED + WAITING + BLOCKED
    start = NOW - timedelta(days=60)
    listings = [
        {"id": n, "shop_id": "busy", "product_id": f"P-{n}", "source_hash": "h"}
        for n in range(1, total + 1)
    ]
    items, events = [], []
    for n in range(1, total + 1):
        state = (
            "published"
            if n <= PUBLISHED
            else "translated"
            if n <= PUBLISHED + WAITING
            else "blocked"
        )
        at = start + timedelta(minutes=n)
        items.append(
            {
                "id": n,
                "listing_id": n,
                "shop_id": "busy",
                "language": "th",
                "source_hash": "h",
                "state": state,
                "error": "no EPR registration" if state == "blocked" else None,
                "created_at": at,
                "updated_at": at,
            }
        )
        path = ["translated", "approved", "published"] if state == "published" else ["translated"]
        path = path if state != "blocked" else ["translated", "approved", "blocked"]
        for k, action in enumerate(path):
            events.append(
                {
                    "at": at + timedelta(minutes=k),
                    "actor": "bench",
                    "shop_id": "busy",
                    "entity": "localization_item",
                    "entity_id": str(n),
                    "action": action,
                    "detail": {"from": "pending"},
                }
            )
    with engine.begin() as conn:
        conn.execute(insert(Listing), listings)
        conn.execute(insert(LocalizationItem), items)
        conn.execute(insert(AuditEvent), events)
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
    """Build the data, time each check, print the figures."""
    with tempfile.TemporaryDirectory() as tmp:
        config, db = build(Path(tmp))
        settings = load(config)
        busy, quiet = settings.shops
        engine = open_store(db)
        first = time.perf_counter()
        evaluate_and_decide(engine, settings, busy, NOW)  # writes the notices: 1 + 100
        first = time.perf_counter() - first
        baseline = best(lambda: evaluate_and_decide(engine, settings, quiet, NOW))
        steady = best(lambda: evaluate_and_decide(engine, settings, busy, NOW))
        weeks = best(lambda: listing_weeks(engine, settings, NOW))
        print(f"check of a shop without items:         {baseline * 1000:7.1f} ms")
        print(f"first check of the busy shop (writes): {first * 1000:7.1f} ms")
        print(
            f"later checks of the busy shop:         {steady * 1000:7.1f} ms"
            f"  ratio {steady / baseline:4.1f}x"
        )
        print(
            f"the digest's listing weeks (2 shops):  {weeks * 1000:7.1f} ms"
            f"  ratio {weeks / baseline:4.1f}x"
        )
        engine.dispose()


if __name__ == "__main__":
    main()
