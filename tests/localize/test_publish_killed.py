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

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from config.runtime import Secrets
from config.settings import load
from localize import lifecycle
from localize.publish import publisher_for
from localize.publish.service import HOST, publish_shop
from localize.publish.template import ExportWithWorkbook
from store.db import open_store, read_scope, session_scope
from store.models import AuditEvent, ItemState, LocalizationItem
from tests.localize.publishing import approved_items, bulk_template

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
from openpyxl.packaging.custom import CustomPropertyList

class Workbook:
    custom_doc_props = CustomPropertyList()

    def save(self, path):
        Path(path).write_bytes(b"PK partial")
        print("saving", flush=True)
        sys.stdin.read()

save_new(Workbook(), Path(sys.argv[1]), "listings", datetime(2026, 12, 6, tzinfo=UTC), {})
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


# A publish run (export or template kind) in its own process, killed at one moment of
# writing its workbook: "workbook" just after the .xlsx is in place (its .json not yet),
# "manifest" just after the .json is. The pause is a wrapper round the standard library's
# os.link / os.replace in the child, none of our code changed.
PUBLISH_KILLED_AT = """
import os
import sys
from config.runtime import Secrets
from config.settings import load
from localize.publish.service import publish_shop
from store.db import open_store

point = sys.argv[3]
real_link, real_replace = os.link, os.replace

def pause():
    print(point, flush=True)
    sys.stdin.read()
    raise SystemExit("not killed")

def link(src, dst, *args, **kwargs):
    real_link(src, dst, *args, **kwargs)
    if point == "workbook" and str(dst).endswith(".xlsx"):
        pause()

def replace(src, dst, *args, **kwargs):
    real_replace(src, dst, *args, **kwargs)
    if point == "manifest" and str(dst).endswith(".json"):
        pause()

os.link, os.replace = link, replace
settings = load(sys.argv[1])
publish_shop(open_store(sys.argv[2]), settings, settings.shops[0], Secrets())
"""


def killing_shop(tmp_path: Path, kind: str) -> Path:
    """A Malaysian shop of this publish kind exporting to tmp_path/export (the template
    kind filling t.xlsx for drinkware), captions on no image."""
    publish = 'kind = "export"\n'
    if kind == "template":
        bulk_template(tmp_path / "t.xlsx", "Drinkware (600001)")
        publish = 'kind = "template"\ntemplates = { drinkware = "t.xlsx" }\n'
    config = tmp_path / "shops.toml"
    config.write_text(
        '[[shops]]\nid = "acme-my"\nmarket = "MY"\nlanguages = ["ms"]\n'
        f'caption_images = "none"\n[shops.publish]\nexport_dir = "export"\n{publish}',
        encoding="utf-8",
    )
    return config


@pytest.mark.parametrize(
    ("kind", "point"), [("export", "workbook"), ("template", "workbook"), ("template", "manifest")]
)
def test_a_run_killed_once_its_workbook_is_in_place_is_not_written_twice(
    tmp_path: Path, db_url: str, kind: str, point: str
) -> None:
    config = killing_shop(tmp_path, kind)
    settings = load(config)
    store = open_store(db_url)
    try:
        ids = approved_items(store, settings, tmp_path, 3)
        killed = subprocess.Popen(
            [sys.executable, "-c", PUBLISH_KILLED_AT, str(config), db_url, point],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "SHOPBOT_HOME": str(tmp_path / "home")},
        )
        try:
            assert killed.stdout is not None
            assert killed.stdout.readline() == f"{point}\n"
        finally:
            killed.send_signal(signal.SIGKILL)
            killed.wait(timeout=60)
        export = tmp_path / "export"
        [book] = export.glob("*.xlsx")
        assert book.with_suffix(".json").exists() == (point == "manifest")

        again = publish_shop(store, settings, settings.shops[0], Secrets())

        assert list(export.glob("*.xlsx")) == [book]  # the products are in one workbook only
        assert sorted(p["id"] for p in again.published) == ids and not again.failed
        assert {p["where"].partition("#")[0] for p in again.published} == {str(book)}
        assert not [p.name for p in export.iterdir() if p.name.endswith(".part")]
        # s23 (tidy 2): the .json the kill left unwritten is written by the re-run, true to
        # the workbook on disk (it was never written again)
        from localize.publish.template import manifest_of

        beside = json.loads(book.with_suffix(".json").read_text(encoding="utf-8"))
        assert beside == {"file": str(book)} | manifest_of(book)
        with read_scope(store) as session:
            states = session.exec(select(LocalizationItem.state, LocalizationItem.claimed_by))
            assert set(states) == {("published", None)}
    finally:
        store.dispose()


@pytest.mark.parametrize("kind", ["export", "template"])
def test_of_two_approved_versions_of_a_product_the_newest_is_published_the_older_superseded(
    tmp_path: Path, engine: Engine, kind: str
) -> None:
    settings = load(killing_shop(tmp_path, kind))
    shop = settings.shops[0]
    [older] = approved_items(engine, settings, tmp_path, 1)
    with session_scope(engine) as session:  # approved again after its listing changed
        first = session.get(LocalizationItem, older)
        assert first is not None
        second = LocalizationItem(
            listing_id=first.listing_id,
            shop_id=first.shop_id,
            language=first.language,
            source_hash="9" * 64,
            state=ItemState.APPROVED,
            title=f"{first.title} baharu",
            description=first.description,
            images=first.images,
        )
        session.add(second)
        session.flush()
        newer = second.id

    run = publish_shop(engine, settings, shop, Secrets())
    again = publish_shop(engine, settings, shop, Secrets())

    [book] = (tmp_path / "export").glob("*.xlsx")  # the older is never written on its own
    manifest = json.loads(book.with_suffix(".json").read_text(encoding="utf-8"))
    assert [i["item_id"] for i in manifest["items"]] == [newer]
    assert [p["id"] for p in run.published] == [newer] and not run.failed
    [superseded] = run.stale
    assert superseded["id"] == older and f"item {newer}" in superseded["reason"]
    assert not again.published and not again.failed and not again.stale
    with read_scope(engine) as session:
        states = dict(session.exec(select(LocalizationItem.id, LocalizationItem.state)).all())
        assert states == {older: "stale", newer: "published"}
        history = session.exec(
            select(AuditEvent.detail).where(
                AuditEvent.entity == "localization_item",
                AuditEvent.entity_id == str(older),
                AuditEvent.action == "stale",
            )
        ).all()
        assert [f"item {newer}" in json.dumps(d) for d in history] == [True]


def test_a_manifest_that_cannot_be_written_beside_its_workbook_fails_no_item(
    tmp_path: Path, engine: Engine
) -> None:
    settings = load(export_shop(tmp_path))
    ids = approved_items(engine, settings, tmp_path, 2)
    publisher = ExportWithWorkbook.from_settings(settings, settings.shops[0])
    publisher.clock = lambda: datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
    # something of the seller's where the .json would go: the workbook still holds its items
    (tmp_path / "export" / "listings-20261206-090000.json").mkdir(parents=True)

    run = publish_shop(engine, settings, settings.shops[0], Secrets(), publisher=publisher)

    book = tmp_path / "export" / "listings-20261206-090000.xlsx"
    assert sorted(p["id"] for p in run.published) == ids and not run.failed
    assert run.files == [str(book)]
    assert any(book.name in note and "manifest" in note for note in run.notes)


@pytest.mark.parametrize("kind", ["export", "template"])
def test_an_item_changed_before_the_workbook_is_saved_is_not_in_it(
    tmp_path: Path, engine: Engine, kind: str
) -> None:
    settings = load(killing_shop(tmp_path, kind))
    shop = settings.shops[0]
    first, changed, last = approved_items(engine, settings, tmp_path, 3)
    publisher = publisher_for(settings, shop, Secrets())

    def clock() -> datetime:  # read once every item is taken in: its listing changes now
        with session_scope(engine) as session:
            item = session.get(LocalizationItem, changed)
            assert item is not None
            lifecycle.change(session, item, ItemState.STALE, actor="import")
        return datetime(2026, 12, 6, 7, 0, tzinfo=UTC)

    publisher.clock = clock  # type: ignore[attr-defined]
    run = publish_shop(engine, settings, shop, Secrets(), publisher=publisher)

    [book] = (tmp_path / "export").glob("*.xlsx")  # the seller uploads no changed version
    manifest = json.loads(book.with_suffix(".json").read_text(encoding="utf-8"))
    assert sorted(i["item_id"] for i in manifest["items"]) == [first, last]
    assert sorted(p["id"] for p in run.published) == [first, last] and not run.failed
    assert [s["id"] for s in run.stale] == [changed]
    with read_scope(engine) as session:
        states = dict(session.exec(select(LocalizationItem.id, LocalizationItem.state)).all())
        assert states == {first: "published", changed: "stale", last: "published"}
