"""A publish run keeps hold of the items it works on for as long as it works: a run that
outlives one hold (a template run uploading many images) renews it, so no other run may
take its items meanwhile; a run that dies lets go within one hold."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import select

from config.runtime import Secrets
from config.settings import Settings, load
from localize import lifecycle
from localize.publish import Steps, Work
from localize.publish.service import publish_shop
from localize.publish.template import TemplatePublisher
from store.db import read_scope, session_scope
from store.models import LocalizationItem
from tests.localize.publishing import approved_items, bulk_template

HOLD = timedelta(minutes=3)


def template_shop(tmp_path: Path) -> Settings:
    """A Malaysian shop filling one bulk-listing template, captions on no image."""
    bulk_template(tmp_path / "t.xlsx", "Drinkware (600001)")
    config = tmp_path / "shops.toml"
    config.write_text(
        '[[shops]]\nid = "acme-my"\nmarket = "MY"\nlanguages = ["ms"]\n'
        'caption_images = "none"\n'
        '[shops.publish]\nkind = "template"\nexport_dir = "export"\n'
        'templates = { drinkware = "t.xlsx" }\n',
        encoding="utf-8",
    )
    return load(config)


@dataclass
class RivalClock:
    """A clock that moves on `step` at every reading; at each reading a rival publisher
    tries to take every item someone holds, as a second run would at that moment."""

    engine: Engine
    step: timedelta
    now: datetime = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
    readings: int = 0
    taken: list[tuple[int, datetime]] = field(default_factory=list)

    def __call__(self) -> datetime:
        self.now += self.step
        self.readings += 1
        with read_scope(self.engine) as session:
            held = session.exec(
                select(LocalizationItem.id).where(LocalizationItem.claimed_by.is_not(None))  # type: ignore[union-attr]
            ).all()
        for item_id in held:
            with session_scope(self.engine) as session:
                if lifecycle.claim(
                    session, item_id, holder="rival", until=self.now + HOLD, now=self.now
                ):
                    self.taken.append((item_id, self.now))
        return self.now


def test_a_template_run_longer_than_its_hold_keeps_its_items(
    engine: Engine, tmp_path: Path
) -> None:
    settings = template_shop(tmp_path)
    shop = settings.shops[0]
    ids = approved_items(engine, settings, tmp_path, 3)
    # every reading of the clock is a minute of work: the run lasts several holds
    clock = RivalClock(engine, step=timedelta(minutes=1))
    publisher = TemplatePublisher.from_settings(settings, shop, Secrets({}))
    publisher.clock = clock
    done = publish_shop(
        engine, settings, shop, Secrets({}), publisher=publisher, clock=clock, hold=HOLD
    )
    assert clock.readings * clock.step > 2 * HOLD  # the run did outlive its hold
    assert clock.taken == []  # at no moment could another run take one of its items
    assert sorted(p["id"] for p in done.published) == ids
    with read_scope(engine) as session:
        items = session.exec(select(LocalizationItem)).all()
    assert {(i.state, i.claimed_by) for i in items} == {("published", None)}


@dataclass
class SlowPublisher:
    """An API-like publisher whose every step (an upload) takes `clock` one reading."""

    clock: RivalClock
    kind: str = "tiktok"
    steps_per_item: int = 4

    def publish(self, work: Work, steps: Steps) -> str:
        """Record each step after the clock moved on."""
        for n in range(self.steps_per_item):
            self.clock()
            steps.record(f"upload {n}")
        return f"product {work.product_id}"


def test_an_item_sent_in_many_steps_stays_held_while_it_is_sent(
    engine: Engine, tmp_path: Path
) -> None:
    settings = template_shop(tmp_path)
    shop = settings.shops[0]
    ids = approved_items(engine, settings, tmp_path, 2)
    clock = RivalClock(engine, step=timedelta(minutes=1))
    done = publish_shop(
        engine,
        settings,
        shop,
        Secrets({}),
        publisher=SlowPublisher(clock),  # type: ignore[arg-type]
        clock=clock,
        hold=HOLD,
    )
    assert clock.taken == []
    assert sorted(p["id"] for p in done.published) == ids
