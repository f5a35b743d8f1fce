"""The export folder: every item version gets a folder of its own whatever its product id,
"already exported" is what the manifest says (never a folder or link that happens to be
there), and the `.part` folders of runs that died are cleaned up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

from sqlalchemy import Engine

from config.runtime import Secrets
from localize.publish import PUBLISHERS, Steps, Work
from localize.publish.export import ExportPublisher, part_name
from tests.localize.publishing import ENVIRON, shop_settings, stored_work


def exporter(engine: Engine, tmp_path: Path) -> tuple[ExportPublisher, Work]:
    settings = shop_settings(tmp_path, "export")
    shop = settings.shops[0]
    publisher = PUBLISHERS["export"](settings, shop, Secrets(ENVIRON))
    assert isinstance(publisher, ExportPublisher)
    return publisher, stored_work(engine, settings, shop, tmp_path)


def send(engine: Engine, publisher: ExportPublisher, work: Work) -> Path:
    """Publish `work`; the folder, checked to hold this very version."""
    folder = Path(publisher.publish(work, Steps(engine, work, "export")))
    assert folder.parent == publisher.folder and not folder.is_symlink()
    listing = json.loads((folder / "listing.json").read_text(encoding="utf-8"))
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert (listing["product_id"], listing["language"]) == (work.product_id, work.language)
    assert manifest["content_hash"] == work.content_hash
    return folder


def test_long_and_unsafe_product_ids_never_share_a_folder(engine: Engine, tmp_path: Path) -> None:
    publisher, work = exporter(engine, tmp_path)
    long_id = "p" * 120
    versions = [
        replace(work, product_id=long_id),
        replace(work, product_id=long_id, content_hash="b" * 64),  # a later version
        replace(work, product_id=long_id, language="en"),
        replace(work, product_id="a/b"),
        replace(work, product_id="a_b"),
        replace(work, product_id="A_b"),
    ]
    folders = [send(engine, publisher, w) for w in versions]
    assert len(set(folders)) == len(versions)
    assert all(len(f.name) <= 100 for f in folders)
    assert folders[0].name.startswith("p" * 60)  # still readable
    assert folders[4].name == f"a_b-ms-{work.content_hash[:8]}"  # a plain id as it was
    assert send(engine, publisher, versions[0]) == folders[0]  # a second send finds it


def test_a_folder_or_link_at_the_name_is_not_taken_for_the_export(
    engine: Engine, tmp_path: Path
) -> None:
    publisher, work = exporter(engine, tmp_path)
    name = f"{work.product_id}-ms-{work.content_hash[:8]}"
    publisher.folder.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("not ours", encoding="utf-8")
    (publisher.folder / name).symlink_to(elsewhere, target_is_directory=True)
    folder = send(engine, publisher, work)
    assert folder.name == name and sorted(p.name for p in elsewhere.iterdir()) == ["keep.txt"]
    # a folder without our manifest, or whose files are not those it lists: written again,
    # the one that stood there kept aside
    (folder / "manifest.json").unlink()
    send(engine, publisher, work)
    (folder / "1.jpg").write_bytes(b"changed by hand")
    assert send(engine, publisher, work).joinpath("1.jpg").read_bytes() != b"changed by hand"
    aside = [p for p in publisher.folder.iterdir() if p.name.endswith(".replaced")]
    assert len(aside) == 2


def test_part_folders_of_runs_that_died_are_removed_at_the_start(
    engine: Engine, tmp_path: Path
) -> None:
    publisher, work = exporter(engine, tmp_path)
    publisher.folder.mkdir()
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    live = part_name("p9-ms-00000000", os.getpid())
    dead = part_name("p8-ms-00000000", int(ended.stdout))  # a run killed mid-export
    old = ".p7-ms-00000000.1a2b3c4d.part"  # another machine's, or an older release's
    for name in (live, dead, old):
        (publisher.folder / name).mkdir()
        (publisher.folder / name / "1.jpg").write_bytes(b"half")
    hour_ago = time.time() - 3600
    os.utime(publisher.folder / old, (hour_ago, hour_ago))
    send(engine, publisher, work)
    left = sorted(p.name for p in publisher.folder.iterdir() if p.name.startswith("."))
    assert left == [live]


def test_no_folder_starts_with_a_dash_and_one_exported_so_before_keeps_its_name(
    engine: Engine, tmp_path: Path
) -> None:
    """Trial 31: product 产品-3 was exported to `-3-th-...`, which `ls -3-th*` takes for
    options. Its folder no longer starts with `-`; a version exported under the old name
    (the store's record, or the folder as written) is found there, not written twice."""
    publisher, work = exporter(engine, tmp_path)
    for product_id in ("产品-3", "-3", "--help", "._-x"):
        folder = send(engine, publisher, replace(work, product_id=product_id))
        assert not folder.name.startswith(("-", ".", "_")), folder.name
    from localize.publish.export import _name_before_31

    before = replace(work, product_id="产品-3", content_hash="c" * 64)
    whole = f"{before.product_id}\n{before.language}\n{before.content_hash}"
    old = publisher.folder / _name_before_31(before.name, whole)
    assert old.name.startswith("-")
    steps = Steps(engine, before, "export")
    publisher._write(before, old)  # as an export before the change wrote it ...
    steps.record(f"export:{old.name}", str(old))  # ... and the store recorded it
    names = {p.name for p in publisher.folder.iterdir()}
    assert send(engine, publisher, before) == old
    assert {p.name for p in publisher.folder.iterdir()} == names  # no second folder
    # the folder alone, its record lost (a run that died between the two), is found too
    unrecorded = replace(before, content_hash="d" * 64)
    whole = f"{unrecorded.product_id}\n{unrecorded.language}\n{unrecorded.content_hash}"
    old = publisher.folder / _name_before_31(unrecorded.name, whole)
    publisher._write(unrecorded, old)
    assert send(engine, publisher, unrecorded) == old
