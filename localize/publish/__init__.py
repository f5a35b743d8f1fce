"""Publishers: approved items go out through TikTok Shop's API or as an export, once.

A `Publisher` sends one item in steps (upload an image, edit the product, write a
folder); each step it finishes is recorded in the store (`Steps`) before the next begins,
so a run that died resumes where it stopped and sends nothing twice. The registry maps
`[shops.publish] kind` to a factory; tests register fakes the same way.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol, runtime_checkable

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from config.errors import AppError, ExitCode
from config.runtime import Clock, Secrets
from config.settings import Settings, ShopSettings
from localize import lifecycle
from store.db import read_scope, session_scope
from store.models import PublishRecord, PublishState, utcnow

# An item being sent is held this long from the last renewal: a publisher at work renews
# it (Hold.keep), one that died lets go within this.
HOLD = timedelta(minutes=10)


class PublishError(AppError):
    """A publisher could not send an item: which one, and why."""

    exit_code = ExitCode.FAILURES


@dataclass(frozen=True)
class Work:
    """One approved item, as a publisher sends it."""

    item_id: int
    shop_id: str
    product_id: str
    sku: str
    language: str
    title: str
    description: str
    images: tuple[Path, ...]  # main images in order, captioned where the shop wants it
    content_hash: str  # identifies this version's text and images
    category: str = ""  # the listing's category (which bulk-listing template it goes in)
    version: int = 0  # the item's version, as the review queue shows it (`--version`)
    lock_version: int = 0  # the row's, moving with every change (images, claims)

    @property
    def name(self) -> str:
        """A name for this item's version in folders and messages."""
        return f"{self.product_id}-{self.language}-{self.content_hash[:8]}"


@dataclass
class Hold:
    """The items one publish run holds, kept held while it works, whatever the kind: the
    run, its steps (an upload, a folder written) and a workbook's images call `keep`, which
    reads the clock then and, once a third of the hold has passed since the last renewal,
    holds them all for another whole hold from that moment. A run that dies renews nothing,
    so its items are free within one hold."""

    store: Engine
    holder: str
    clock: Clock = utcnow
    length: timedelta = HOLD
    items: set[int] = field(default_factory=set)
    renewed: datetime | None = None  # when the holds that run out first were set

    def add(self, item_id: int, at: datetime) -> None:
        """An item the run has just claimed, until `at` plus one hold."""
        self.items.add(item_id)
        if self.renewed is None:
            self.renewed = at
        self.keep(at)

    def drop(self, item_id: int) -> None:
        """An item the run let go of (or published)."""
        self.items.discard(item_id)
        if not self.items:
            self.renewed = None

    def keep(self, now: datetime | None = None) -> None:
        """Renew the holds when they are due (`now`: the moment the caller just read)."""
        if not self.items:
            return
        now = self.clock() if now is None else now
        if self.renewed is not None and now - self.renewed < self.length / 3:
            return
        with session_scope(self.store) as session:
            lifecycle.extend(session, self.items, holder=self.holder, until=now + self.length)
        self.renewed = now


@dataclass
class Steps:
    """The publish records of one item version: what was already sent, step by step."""

    store: Engine
    work: Work
    kind: str
    sent: list[str] = field(default_factory=list)  # steps this run performed
    hold: Hold | None = None  # the run's hold on its items, renewed as steps are done

    def working(self) -> None:
        """Say the run is still at work: its hold is renewed when due (call it before each
        long step: an upload, a copy)."""
        if self.hold is not None:
            self.hold.keep()

    def _key(self, step: str) -> str:
        return hashlib.sha256(f"{self.work.content_hash}\n{step}".encode()).hexdigest()

    def done(self, step: str) -> str | None:
        """The remote reference a finished step left, or None when it is still to do."""
        with read_scope(self.store) as session:
            row = session.exec(
                select(PublishRecord.remote_ref).where(
                    PublishRecord.item_id == self.work.item_id,
                    PublishRecord.content_hash == self._key(step),
                    PublishRecord.state == PublishState.PUBLISHED,
                )
            ).first()
        return None if row is None else (row or "")

    def record(self, step: str, remote_ref: str = "") -> None:
        """Note a finished step at once (a second writer of the same step changes nothing)."""
        self.sent.append(step)
        self.working()
        try:
            with session_scope(self.store) as session:
                session.add(
                    PublishRecord(
                        item_id=self.work.item_id,
                        shop_id=self.work.shop_id,
                        kind=self.kind,
                        content_hash=self._key(step),
                        state=PublishState.PUBLISHED,
                        remote_ref=remote_ref or None,
                        detail=step[:2000],
                        at=utcnow(),
                    )
                )
        except IntegrityError:
            pass  # already recorded: the step was done before


class Publisher(Protocol):
    """Sends one item, step by step, recording each finished step in `steps`."""

    kind: str

    def publish(self, work: Work, steps: Steps) -> str:
        """Send the item (skipping steps already done); its reference where it went."""
        ...


@dataclass
class RunEnd:
    """What a publisher did at the end of a run: where each item it held went (a file), why
    the others could not go, the files it wrote and what the seller should know."""

    written: dict[int, str] = field(default_factory=dict)  # item id -> where it went
    failed: dict[int, str] = field(default_factory=dict)  # item id -> why not (stays approved)
    # item id -> why an older version of a product is not published: the run wrote its
    # newer one (it goes stale, never written on its own over the newer one later)
    superseded: dict[int, str] = field(default_factory=dict)
    changed: set[int] = field(default_factory=set)  # left out: they changed since read
    files: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@runtime_checkable
class EndsRun(Protocol):
    """A publisher with work once every item has been through `publish` (a workbook of the
    run). When `holds`, `publish` only takes the item in: it is published when `end_run`
    says where it was written, and stays approved otherwise."""

    holds: bool

    def end_run(self, unchanged: Unchanged | None = None) -> RunEnd:
        """Write what the run's items make together; never raises for one item's trouble.
        `unchanged` says which items are still as the run read them, asked just before the
        file is saved: the others are left out of it (`RunEnd.changed`)."""
        ...


# item ids -> those still as the publish run read them (the store asked at that moment)
Unchanged = Callable[[Collection[int]], set[int]]


PublisherFactory = Callable[[Settings, ShopSettings, Secrets], Publisher]


def _export(settings: Settings, shop: ShopSettings, secrets: Secrets) -> Publisher:
    from localize.publish.template import ExportWithWorkbook

    return ExportWithWorkbook.from_settings(settings, shop)


def _tiktok(settings: Settings, shop: ShopSettings, secrets: Secrets) -> Publisher:
    from localize.publish.tiktok import TikTokPublisher

    return TikTokPublisher.from_settings(settings, shop, secrets)


def _template(settings: Settings, shop: ShopSettings, secrets: Secrets) -> Publisher:
    from localize.publish.template import TemplatePublisher

    return TemplatePublisher.from_settings(settings, shop, secrets)


# kind -> factory(settings, shop, secrets); tests register fakes here.
PUBLISHERS: dict[str, PublisherFactory] = {
    "export": _export,
    "tiktok": _tiktok,
    "template": _template,
}


def publisher_for(settings: Settings, shop: ShopSettings, secrets: Secrets) -> Publisher:
    """The shop's configured publisher."""
    kind = shop.publish.kind
    if kind not in PUBLISHERS:
        raise PublishError(f"shop {shop.id!r}: unknown publish kind {kind!r}")
    return PUBLISHERS[kind](settings, shop, secrets)
