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
from localize import lifecycle
from localize.publish.service import HOST, publish_shop
from localize.publish.template import ExportWithWorkbook
from store.db import open_store, read_scope, session_scope
from store.models import ItemState, LocalizationItem
from tests.localize.publishing import approved_items

# A publish run in its own process whose workbook clock, read only once every folder is
# written, says so and then waits on stdin until the test kills the process.
PUBLISH_UNTIL_THE_WORKBOOK = """
import sys
from config.runtime import Secrets
from config.settings import load
from localize import lifecycle
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


def dead_holder() -> str:
    """A publisher's hold as a run on this machine whose process has ended leaves it."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait(timeout=60)
    return f"publish:{HOST}:{child.pid}"


def test_items_a_killed_run_put_in_its_workbook_are_not_written_again(
    tmp_path: Path, engine: Engine
) -> None:
    settings = load(export_shop(tmp_path))
    shop = settings.shops[0]
    ids = approved_items(engine, settings, tmp_path, 3)
    with read_scope(engine) as session:
        rows = session.exec(select(LocalizationItem.id, LocalizationItem.version))
        read = {item_id: version for item_id, version in rows}
    first = publish_shop(engine, settings, shop, Secrets())
    assert sorted(p["id"] for p in first.published) == ids
    # As a run killed after its workbook was in place, before it marked the items
    # published, leaves the store: approved as it read them, held by a process now gone.
    holder = dead_holder()
    with session_scope(engine) as session:
        for item_id, version in read.items():
            item = session.get(LocalizationItem, item_id)
            assert item is not None
            item.state, item.version = ItemState.APPROVED, version
            item.claimed_by, item.claimed_until = holder, datetime(2999, 1, 1, tzinfo=UTC)

    again = publish_shop(engine, settings, shop, Secrets())

    export = tmp_path / "export"
    [book] = export.glob("listings-*.xlsx")  # no second workbook with the same products
    assert sorted(p["id"] for p in again.published) == ids and not again.failed
    assert {p["where"] for p in again.published} == {str(book)} and not again.files
    assert any(book.name in note and "3 of the items" in note for note in again.notes)
    with read_scope(engine) as session:
        states = session.exec(select(LocalizationItem.state, LocalizationItem.claimed_by))
        assert set(states) == {("published", None)}


# A run killed while its workbook is being saved: the partial file is written, then the
# process waits on stdin until the test kills it.
KILLED_WHILE_SAVING = """
import sys
from datetime import UTC, datetime
from pathlib import Path
from localize.publish.template import save_new

class Workbook:
    def save(self, path):
        Path(path).write_bytes(b"PK partial")
        print("saving", flush=True)
        sys.stdin.read()

save_new(Workbook(), Path(sys.argv[1]), "listings", datetime(2026, 12, 6, tzinfo=UTC))
"""


def test_the_partial_workbook_of_a_killed_run_is_removed_by_the_next(
    tmp_path: Path, engine: Engine
) -> None:
    settings = load(export_shop(tmp_path))
    ids = approved_items(engine, settings, tmp_path, 1)
    export = tmp_path / "export"
    killed = subprocess.Popen(
        [sys.executable, "-c", KILLED_WHILE_SAVING, str(export)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert killed.stdout is not None
        assert killed.stdout.readline() == "saving\n"
    finally:
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=60)
    assert [p.name for p in export.iterdir() if p.name.endswith(".part")]

    run = publish_shop(engine, settings, settings.shops[0], Secrets())

    assert [p["id"] for p in run.published] == ids
    assert not [p.name for p in export.iterdir() if p.name.endswith(".part")]


def test_an_item_changed_while_the_workbook_is_written_leaves_the_others_published(
    tmp_path: Path, engine: Engine
) -> None:
    settings = load(export_shop(tmp_path))
    first, changed, last = approved_items(engine, settings, tmp_path, 3)
    publisher = ExportWithWorkbook.from_settings(settings, settings.shops[0])

    def clock() -> datetime:  # read once the folders are written: its source changes now
        with session_scope(engine) as session:
            item = session.get(LocalizationItem, changed)
            assert item is not None
            lifecycle.change(session, item, ItemState.STALE, actor="import")
        return datetime(2026, 12, 6, 7, 0, tzinfo=UTC)

    publisher.clock = clock
    run = publish_shop(engine, settings, settings.shops[0], Secrets(), publisher=publisher)

    assert sorted(p["id"] for p in run.published) == [first, last]
    [stale] = run.stale
    assert (stale["id"], stale["sent"]) == (changed, True)
    with read_scope(engine) as session:
        rows = session.exec(
            select(LocalizationItem.id, LocalizationItem.state, LocalizationItem.claimed_by)
        )
        assert {i: (s, c) for i, s, c in rows} == {
            first: ("published", None),
            changed: ("stale", None),
            last: ("published", None),
        }
