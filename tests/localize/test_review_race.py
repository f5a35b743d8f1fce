"""Two reviewers approving one item with different captions at once: an approval applies
only to the version its own edit produced, the one who lost is told who changed it and
keeps their text, and the winner's captioned image stays as it was drawn.

The interleaving is made deterministic with the listing's images on a local server: the
first reviewer's redraw waits inside its download while the second reviewer decides."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlmodel import select

from config.settings import load
from localize import lifecycle, review
from store.db import open_store, read_scope
from store.models import Listing, LocalizationItem
from tests.httpserver import Reply, Request, Route, serve
from tests.localize.conftest import allow_loopback
from tests.localize.images import photo


class Gate:
    """Image routes that, once armed, hold the next download until `open` is set."""

    def __init__(self) -> None:
        self.armed = False
        self.reached = threading.Event()
        self.open = threading.Event()

    def route(self, data: bytes) -> Route:
        def answer(request: Request) -> Reply:
            if self.armed:
                self.armed = False
                self.reached.set()
                self.open.wait(timeout=60)
            return Reply(200, data, headers={"Content-Type": "image/jpeg"})

        return answer


def jpeg(seed: int, path: Path) -> bytes:
    photo(seed=seed).save(path)
    return path.read_bytes()


def test_a_caption_edit_that_lost_the_race_applies_nothing(setup, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run, db_url = setup
    allow_loopback(tmp_path)
    gate = Gate()
    routes = {
        "/a.jpg": gate.route(jpeg(0, tmp_path / "ra.jpg")),
        "/b.jpg": gate.route(jpeg(40, tmp_path / "rb.jpg")),
    }
    with serve(routes) as cdn:
        (tmp_path / "listings.csv").write_text(
            "product_id,sku,title,description,caption,images\n"
            "p1,SKU-1,ACME 不锈钢真空保温杯 500ml 大容量 户外运动,<p>保温 12 小时。</p>,包邮,"
            f"{cdn.url}/a.jpg;{cdn.url}/b.jpg\n",
            encoding="utf-8",
        )
        assert (
            run("listings", "import", str(tmp_path / "listings.csv"), "--shop", "acme-my").code == 0
        )
        assert run("run", "--shop", "acme-my").code == 0
        store = open_store(db_url)
        settings = load(tmp_path / "shops.toml")
        root = tmp_path / "home" / "images"
        with read_scope(store) as s:
            item_id = s.exec(
                select(LocalizationItem.id)
                .join(Listing)
                .where(Listing.product_id == "p1", LocalizationItem.language == "ms")
            ).one()

        first: dict[str, object] = {}

        def ploy() -> None:
            try:
                first["outcome"] = review.approve(
                    store,
                    settings,
                    item_id,
                    reviewer="ploy",
                    edits={"caption": "Percuma pos"},
                    images_root=root,
                )
            except Exception as exc:  # what the reviewer is told, checked below
                first["error"] = exc

        gate.armed = True
        thread = threading.Thread(target=ploy)
        thread.start()
        assert gate.reached.wait(30), "ploy's redraw never downloaded its image"
        # ploy's edit is saved and its image is being drawn: nok decides meanwhile
        won = review.approve(
            store,
            settings,
            item_id,
            reviewer="nok",
            edits={"caption": "Hantar percuma"},
            images_root=root,
        )
        assert won.item.state == "approved" and won.item.caption == "Hantar percuma"
        winners_image = Path(won.item.images[1])
        drawn = winners_image.read_bytes()
        gate.open.set()
        thread.join(60)
    assert not thread.is_alive()
    error = first.get("error")
    assert isinstance(error, lifecycle.ItemChanged), first
    assert "changed by nok" in error.message and "nothing was applied" in error.message
    assert "Percuma pos" in error.message  # the text to apply again
    with read_scope(store) as s:
        item = s.get(LocalizationItem, item_id)
    assert (item.state, item.caption) == ("approved", "Hantar percuma")
    # trial-adv2 (9): the version a reviewer counts, not the lock's ("version 4" of a v2)
    assert f"(it is approved, version {item.revision})" in error.message, error.message
    assert "your edit, saved as version 2, was replaced" in error.message, error.message
    assert Path(item.images[1]) == winners_image and winners_image.read_bytes() == drawn
    captions = [
        h["text"]["caption"]["after"] for h in review.history(store, item_id) if "text" in h
    ]
    assert "Percuma pos" in captions  # ploy's edit stays in the history


def test_two_caption_approvals_at_once_one_wins_on_its_own_caption(setup, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run, db_url = setup
    title = "ACME 不锈钢真空保温杯 500ml 大容量 户外运动"
    rows = "".join(
        f"p{n},SKU-{n},{title} {n},<p>保温。</p>,包邮,a.jpg;b.jpg\n" for n in range(1, 4)
    )
    (tmp_path / "listings.csv").write_text(
        "product_id,sku,title,description,caption,images\n" + rows, encoding="utf-8"
    )
    assert run("listings", "import", str(tmp_path / "listings.csv"), "--shop", "acme-my").code == 0
    assert run("run", "--shop", "acme-my").code == 0
    store = open_store(db_url)
    settings = load(tmp_path / "shops.toml")
    root = tmp_path / "home" / "images"
    with read_scope(store) as s:
        ids = s.exec(select(LocalizationItem.id).where(LocalizationItem.language == "ms")).all()
    captions = {"ploy": "Percuma pos", "nok": "Hantar percuma"}
    for item_id in ids:
        barrier = threading.Barrier(2)
        told: dict[str, object] = {}

        def decide(reviewer: str, item_id: int = item_id, barrier=barrier, told=told) -> None:  # type: ignore[no-untyped-def]
            barrier.wait(10)
            try:
                told[reviewer] = review.approve(
                    store,
                    settings,
                    item_id,
                    reviewer=reviewer,
                    edits={"caption": captions[reviewer]},
                    images_root=root,
                )
            except (lifecycle.ItemChanged, review.AlreadyDecided) as exc:
                told[reviewer] = exc

        threads = [threading.Thread(target=decide, args=(r,)) for r in captions]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        won = [r for r, o in told.items() if isinstance(o, review.Outcome)]
        assert len(won) == 1, told  # one approval; the other told who changed it, nothing more
        [winner] = won
        outcome = told[winner]
        assert isinstance(outcome, review.Outcome) and not outcome.notes, outcome
        with read_scope(store) as s:
            item = s.get(LocalizationItem, item_id)
        assert (item.state, item.caption) == ("approved", captions[winner])
        assert Path(item.images[1]).is_file()
        [(loser, told_loser)] = [(r, o) for r, o in told.items() if r != winner]
        if isinstance(told_loser, review.EditOvertaken):  # not AlreadyDecided: it had begun
            assert f"changed by {winner}" in told_loser.message
            kept = [
                h["text"]["caption"]["after"]
                for h in review.history(store, item_id)
                if h["actor"] == loser and "text" in h
            ]
            assert kept == [captions[loser]]  # saved and replaced, or kept as not applied
