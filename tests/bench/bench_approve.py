"""`localize review approve ID` as a reviewer's script runs it, one command per item, on a
SQLite store of 20 translated items: the CPU seconds of each command (its Python start and
imports are most of it) and the wall time, medians over the items.

`--baseline REV` (e.g. main) also runs another revision's code, taken out of git into a
temporary folder, alternating with this tree's command by command, each with a copy of
the same store, and prints the medians' ratio: on a machine others load, only a
same-minutes ratio says whether a change made the command cheaper.

Run from the project's root: .venv/bin/python -m tests.bench.bench_approve [--baseline main]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert, select

from store.db import open_store, session_scope
from store.models import ItemState, Listing, LocalizationItem, Shop
from tests.bench.bench_review import checkout

ITEMS = 20
ROOT = Path(__file__).resolve().parents[2]
COMMAND = "import sys; from localize.cli import run; sys.argv[0] = 'localize'; run()"


def build(path: Path) -> None:
    """A store with ITEMS translated items waiting for review, no findings."""
    store = open_store(f"sqlite:///{path}")
    with session_scope(store) as s:
        s.add(Shop(id="acme-th", market="TH", timezone="Asia/Bangkok"))
        s.flush()
        s.execute(
            insert(Listing),
            [
                {"shop_id": "acme-th", "product_id": f"p{n}", "title": "保温杯", "source_hash": "h"}
                for n in range(ITEMS)
            ],
        )
        ids = s.exec(select(Listing.id).order_by(Listing.id)).all()  # type: ignore[call-overload]
        s.execute(
            insert(LocalizationItem),
            [
                {
                    "listing_id": listing_id,
                    "shop_id": "acme-th",
                    "language": "th",
                    "source_hash": "h",
                    "state": ItemState.TRANSLATED.value,
                    "title": "กระบอกน้ำ",
                    "findings": [],
                    "origins": {},
                }
                for (listing_id,) in ids
            ],
        )
    store.dispose()


def approve(code: Path, db: Path, item: int) -> tuple[float, float]:
    """CPU and wall seconds of one `localize review approve` with `code`'s modules."""
    env = {**os.environ, "PYTHONPATH": str(code), "SHOPBOT_HOME": str(db.parent)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: bytecode cached, not compiled
    args = ["review", "approve", str(item), "--reviewer", "me", "--db", f"sqlite:///{db}"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    command = [sys.executable, "-c", COMMAND, *args]  # run in `code`: -c imports from there
    subprocess.run(command, env=env, cwd=code, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, wall


def main() -> None:
    """Time every item's approval with this tree's code (and the baseline's, alternating)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", help="a git revision to compare with")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        build(tmp / "built.db")
        codes = {"this tree": ROOT}
        if options.baseline:
            codes[options.baseline] = checkout(options.baseline, tmp / "baseline")
        dbs = {}
        for n, (name, code) in enumerate(codes.items()):
            (tmp / f"store{n}").mkdir()
            dbs[name] = tmp / f"store{n}" / "shopbot.db"
            shutil.copyfile(tmp / "built.db", dbs[name])
            approve(code, dbs[name], ITEMS)  # untimed: bytecode written, files cached
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in codes}
        for item in range(1, ITEMS):
            for name, code in codes.items():
                times[name].append(approve(code, dbs[name], item))
        cpu = {name: statistics.median(c for c, _ in done) for name, done in times.items()}
        for name, done in times.items():
            wall = statistics.median(w for _, w in done)
            print(f"{name}: CPU {cpu[name]:.3f} s, wall {wall:.3f} s per approve (median)")
        if options.baseline:
            ratio = cpu["this tree"] / cpu[options.baseline]
            print(f"CPU ratio this tree / {options.baseline}: {ratio:.2f}")


if __name__ == "__main__":
    main()
