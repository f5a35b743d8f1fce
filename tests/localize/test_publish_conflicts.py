"""`localize publish` while a listing changes: an item changed since the run read it is never
held or sent, one item's conflict never ends the run, and no hold is left behind."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlmodel import select

from config.runtime import Environment, Secrets
from config.settings import load
from localize import views
from localize.listings import import_file
from localize.publish import Steps, Work
from localize.publish.service import publish_shop
from store.db import open_store, read_scope
from store.models import LocalizationItem
from tests.httpserver import serve
from tests.localize.images import photo
from tests.localize.libre import libre

HEADER = "product_id,sku,title,description,caption,images\n"
TITLE = "ACME 不锈钢真空保温杯 500ml 大容量 户外运动"
ROWS = {
    p: f"{p},SKU-{p},{TITLE} {n},<p>保温 12 小时。</p>,,a.jpg;b.jpg\n"
    for n, p in enumerate(("p1", "p2", "p3"), start=1)
}


@dataclass
class RecordingPublisher:
    """A publisher that keeps what it was handed; `during[product_id]` runs while that
    product is being sent (someone else acting at that moment)."""

    kind: str = "export"
    sent: list[str] = field(default_factory=list)
    during: dict[str, Callable[[], None]] = field(default_factory=dict)

    def publish(self, work: Work, steps: Steps) -> str:
        """Note the product as sent, after whatever happens meanwhile."""
        if work.product_id in self.during:
            self.during.pop(work.product_id)()
        self.sent.append(work.product_id)
        steps.record("sent")
        return f"recorded:{work.product_id}"


@pytest.fixture
def approved(cli, tmp_path: Path, db_url: str):  # type: ignore[no-untyped-def]
    """Three approved listings of a Malaysian shop, and a way to change one's source."""
    for seed, name in enumerate(("a.jpg", "b.jpg")):
        photo(seed=seed * 40).save(tmp_path / name)
    listings = tmp_path / "listings.csv"
    listings.write_text(HEADER + "".join(ROWS.values()), encoding="utf-8")
    config = tmp_path / "shops.toml"
    with serve({"/translate": libre(api_key="k")}) as engine:
        config.write_text(
            '[[shops]]\nid = "acme-my"\nmarket = "MY"\nlanguages = ["ms"]\n'
            'caption_images = "none"\n'
            f'[shops.translation]\nengine = "libre"\nurl = "{engine.url}"\n'
            'api_key_env = "LIBRE_KEY"\nretries = 0\n'
            '[shops.publish]\nkind = "export"\nexport_dir = "export"\n',
            encoding="utf-8",
        )

        def run(*args: str):  # type: ignore[no-untyped-def]
            options = ("--config", str(config), "--db", db_url)
            return cli("localize", *args, *options, environ={"LIBRE_KEY": "k"})

        assert run("listings", "import", str(listings), "--shop", "acme-my").code == 0
        assert run("run", "--shop", "acme-my").code == 0
    for row in json.loads(run("review", "list", "--json").out):
        assert run("review", "approve", str(row["id"]), "--reviewer", "ploy").code == 0
    settings = load(config)
    shop = settings.shops[0]
    store = open_store(db_url)

    def change_source(product_id: str) -> Callable[[], None]:
        def change() -> None:
            changed = {**ROWS, product_id: ROWS[product_id].replace("户外运动", "登山露营")}
            listings.write_text(HEADER + "".join(changed.values()), encoding="utf-8")
            assert import_file(store, settings, shop, listings).stale == 1

        return change

    return store, settings, shop, change_source


def states(store) -> dict[str, tuple[str, str | None]]:  # type: ignore[no-untyped-def]
    """Each of the first three items' state and holder, by product."""
    with read_scope(store) as s:
        rows = s.exec(select(LocalizationItem).order_by(LocalizationItem.id).limit(3)).all()
    return {f"p{n}": (i.state, i.claimed_by) for n, i in enumerate(rows, start=1)}


def test_an_item_changed_before_its_turn_is_skipped_unsent_and_the_run_goes_on(approved) -> None:  # type: ignore[no-untyped-def]
    store, settings, shop, change_source = approved
    # p2's source changes while p1 is being sent: after the run read p2 as approved
    publisher = RecordingPublisher(during={"p1": change_source("p2")})
    done = publish_shop(store, settings, shop, Secrets({}), publisher=publisher)
    assert publisher.sent == ["p1", "p3"], done.as_dict()
    assert [p["product_id"] for p in done.published] == ["p1", "p3"]
    [stale] = done.stale
    assert (stale["product_id"], stale["sent"]) == ("p2", False)
    assert "changed by import" in stale["reason"] and "nothing was sent" in stale["reason"]
    assert states(store) == {
        "p1": ("published", None),
        "p2": ("stale", None),
        "p3": ("published", None),
    }


def test_an_item_changed_while_it_is_sent_is_reported_and_its_hold_given_back(approved) -> None:  # type: ignore[no-untyped-def]
    store, settings, shop, change_source = approved
    publisher = RecordingPublisher(during={"p2": change_source("p2")})
    done = publish_shop(store, settings, shop, Secrets({}), publisher=publisher)
    assert publisher.sent == ["p1", "p2", "p3"]  # the rest of the run went on
    assert [p["product_id"] for p in done.published] == ["p1", "p3"]
    [stale] = done.stale
    assert (stale["product_id"], stale["sent"]) == ("p2", True)
    assert "goes through review and publishing again" in stale["reason"]
    assert states(store) == {
        "p1": ("published", None),
        "p2": ("stale", None),  # not held for ten minutes by a run that has ended
        "p3": ("published", None),
    }


def test_a_skipped_item_is_named_with_why_and_counted(approved, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store, settings, shop, change_source = approved
    publisher = RecordingPublisher(during={"p1": change_source("p2")})
    done = publish_shop(store, settings, shop, Secrets({}), publisher=publisher)
    out, err = io.StringIO(), io.StringIO()
    views.published(Environment(out, err, {}, tmp_path), shop.id, done, False, False)
    [skipped] = [line for line in err.getvalue().splitlines() if line.startswith("skipped")]
    assert skipped.startswith(f"skipped, stale: item {done.stale[0]['id']} (p2, ms): changed by")
    assert "acme-my: published 2, blocked 0, failed 0, 1 changed meanwhile" in err.getvalue()
    assert done.failed == [] and done.blocked == []  # `localize publish` exits 0
