"""`localize publish` (export) killed after its item folders are written but before the
run's workbook is: the next run's workbook holds those items, so a seller who uploads the
workbooks misses no product."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import select

from config.runtime import Secrets
from config.settings import load
from localize.publish.service import publish_shop
from localize.publish.template import ExportWithWorkbook
from store.db import open_store, read_scope
from store.models import LocalizationItem
from tests.localize.publishing import approved_items

# A publish run in its own process whose workbook clock, read only once every folder is
# written, says so and then waits on stdin until the test kills the process.
PUBLISH_UNTIL_THE_WORKBOOK = """
import sys
from config.runtime import Secrets
from config.settings import load
from localize.publish.service import publish_shop
from localize.publish.template import ExportWithWorkbook
from store.db import open_store

def clock():
    print("workbook", flush=True)
    sys.stdin.read()
    raise SystemExit("not killed")

settings = load(sys.argv[1])
shop = settings.shops[0]
publisher = ExportWithWorkbook.from_settings(settings, shop)
publisher.clock = clock
publish_shop(open_store(sys.argv[2]), settings, shop, Secrets(), publisher=publisher)
"""


def export_shop(tmp_path: Path) -> Path:
    """A Malaysian shop exporting to tmp_path/export, captions on no image."""
    config = tmp_path / "shops.toml"
    config.write_text(
        '[[shops]]\nid = "acme-my"\nmarket = "MY"\nlanguages = ["ms"]\n'
        'caption_images = "none"\n[shops.publish]\nkind = "export"\nexport_dir = "export"\n',
        encoding="utf-8",
    )
    return config


def test_items_a_killed_run_wrote_go_into_the_next_runs_workbook(
    tmp_path: Path, db_url: str
) -> None:
    config = export_shop(tmp_path)
    settings = load(config)
    store = open_store(db_url)
    try:
        ids = approved_items(store, settings, tmp_path, 3)
        killed = subprocess.Popen(
            [sys.executable, "-c", PUBLISH_UNTIL_THE_WORKBOOK, str(config), db_url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "SHOPBOT_HOME": str(tmp_path / "home")},
        )
        try:
            assert killed.stdout is not None
            assert killed.stdout.readline() == "workbook\n"  # every folder written by now
        finally:
            killed.send_signal(signal.SIGKILL)
            killed.wait(timeout=60)
        export = tmp_path / "export"
        assert len([p for p in export.iterdir() if p.is_dir()]) == 3
        assert not list(export.glob("listings-*.xlsx"))

        again = publish_shop(store, settings, settings.shops[0], Secrets())

        [book] = export.glob("listings-*.xlsx")
        manifest = json.loads(book.with_suffix(".json").read_text(encoding="utf-8"))
        assert sorted(i["item_id"] for i in manifest["items"]) == ids
        assert sorted(p["id"] for p in again.published) == ids and not again.failed
        with read_scope(store) as session:
            states = session.exec(select(LocalizationItem.state, LocalizationItem.claimed_by))
            assert set(states) == {("published", None)}
    finally:
        store.dispose()


def test_items_whose_workbook_cannot_be_written_wait_for_the_next_one(
    tmp_path: Path, engine: Engine
) -> None:
    settings = load(export_shop(tmp_path))
    ids = approved_items(engine, settings, tmp_path, 2)
    when = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
    export = tmp_path / "export"
    export.mkdir()
    taken = [export / "listings-20261205-090000.xlsx"]
    taken += [export / f"listings-20261205-090000-{n}.xlsx" for n in range(2, 1000)]
    for path in taken:  # every name the run's workbook could take
        path.touch()
    publisher = ExportWithWorkbook.from_settings(settings, settings.shops[0])
    publisher.clock = lambda: when

    run = publish_shop(engine, settings, settings.shops[0], Secrets(), publisher=publisher)

    assert not run.published and sorted(f["id"] for f in run.failed) == ids
    assert all("workbook was not written" in str(f["error"]) for f in run.failed)
    with read_scope(engine) as session:
        states = session.exec(select(LocalizationItem.state, LocalizationItem.claimed_by))
        assert set(states) == {("approved", None)}  # the next run's workbook takes them
    for path in taken[1:]:
        path.unlink()
    again = publish_shop(engine, settings, settings.shops[0], Secrets(), publisher=publisher)
    assert sorted(p["id"] for p in again.published) == ids
