"""`localize publish`: every approved item of a shop through preflight, then its publisher,
once. A failing item becomes `blocked` with every reason; a blocked item whose reasons are
gone (the EPR number was added, the safety report is old enough) is approved again and
goes out. Items are held while they are sent, the hold renewed while the run works (one
mechanism for every kind: `Hold`), so two publishers never send one twice.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import tempfile
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from config.i18n import SEMICOLON, Joined, Msg, msg, stored
from config.runtime import Clock, Secrets, process_alive, utcnow
from config.settings import Settings, ShopSettings, export_folder
from localize import lifecycle
from localize.image.fetch import ImageFetcher
from localize.image.inputs import ImageInputError
from localize.image.items import positions
from localize.image.regions import chinese_left, doubted_left
from localize.publish import (
    HOLD,
    EndsRun,
    Hold,
    Publisher,
    PublishError,
    Steps,
    Unchanged,
    Work,
    publisher_for,
)
from localize.publish.preflight import Candidate, ImageFacts, Reason, Rules, preflight
from localize.publish.template import refusal
from store.db import read_scope, session_scope
from store.models import ItemState, Listing, LocalizationItem
from store.queries import register_shops

ACTOR = "localize publish"
HOST = socket.gethostname()


@dataclass
class PublishRun:
    """What a publish run did, item by item."""

    published: list[dict[str, Any]] = field(default_factory=list)
    ready: list[dict[str, Any]] = field(default_factory=list)  # --dry-run: would go out
    blocked: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)
    busy: list[int] = field(default_factory=list)  # another publisher holds them
    # changed since this run read them (their source, a reviewer): skipped, or sent as
    # approved while they changed; the new version goes through review
    stale: list[dict[str, Any]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # workbooks the run wrote
    notes: list[str] = field(default_factory=list)  # what the seller should know or do
    # Items the publisher holds until the run's end (a workbook), with what goes with them.
    held: list[tuple[LocalizationItem, Steps, dict[str, Any], int]] = field(default_factory=list)
    zone: ZoneInfo | None = None  # the team's display zone: the times its notes name

    def as_dict(self) -> dict[str, Any]:
        """For --json."""
        return {
            "published": self.published,
            "ready": self.ready,
            "blocked": self.blocked,
            "failed": self.failed,
            "busy": self.busy,
            "stale": self.stale,
            "files": self.files,
            "notes": self.notes,
        }


def item_named(entry: dict[str, Any]) -> Msg:
    """An item of a run as the seller reads it: 'item 7 (P-1, th)'."""
    return msg(
        "item {id} ({product}, {language})",
        id=entry["id"],
        product=entry["product_id"],
        language=entry["language"],
    )


def blocked_line(entry: dict[str, Any]) -> Msg:
    """One blocked item of a run as the seller reads it: 'item 7 (P-1, th): reason; reason'."""
    reasons = Joined(entry["reasons"], SEMICOLON)
    return msg("{item}: {reasons}", item=item_named(entry), reasons=reasons)


def rules_for(settings: Settings, shop: ShopSettings) -> Rules:
    """What the shop's market and its publish settings require."""
    market = settings.markets.market(shop.market)
    return Rules(
        title_min=market.title_min,
        title_max=market.title_max,
        description_max=market.description_max,
        images=market.images,
        epr_required=market.epr_required,
        epr_registration=shop.publish.epr_registration,
        safety_categories=shop.publish.safety_categories,
        safety_report_days=shop.publish.safety_report_days,
    )


def publish_shop(
    store: Engine,
    settings: Settings,
    shop: ShopSettings,
    secrets: Secrets,
    *,
    now: datetime | None = None,
    dry_run: bool = False,
    publisher: Publisher | None = None,
    downloads: Path | None = None,
    clock: Clock = utcnow,
    hold: timedelta = HOLD,
) -> PublishRun:
    """Preflight every approved (or blocked) item of the shop and publish those that pass."""
    now = now or clock()
    run = PublishRun(zone=settings.display_zone(shop))
    register_shops(store, settings, [shop])
    if not dry_run and publisher is None:
        publisher = publisher_for(settings, shop, secrets)
    elif dry_run and shop.publish.kind != "tiktok":
        export_folder(settings, shop)  # a folder that can never be: as a real run says it
    rules = rules_for(settings, shop)
    with read_scope(store) as session:
        rows = lifecycle.with_listings(
            session, shop_id=shop.id, states=[ItemState.APPROVED, ItemState.BLOCKED]
        )
    holder = f"publish:{HOST}:{os.getpid()}"
    holding = Hold(store, holder, clock, hold)
    folder = downloads or Path(tempfile.gettempdir()) / "shopbot-publish"
    fetcher = ImageFetcher.for_shop(shop.images)
    downloaded: list[Path] = []
    for item, listing in rows:
        fetched: list[Path] = []
        holding.keep()  # the items held to the run's end (a workbook) stay held
        try:
            images = _local_images(item, listing, fetcher, folder, fetched)
            reasons = preflight(_candidate(item, listing, shop, images), rules, now)
            summary = {"id": item.id, "product_id": listing.product_id, "language": item.language}
            if reasons:
                run.blocked.append({**summary, "reasons": [r.message for r in reasons]})
                if not dry_run:
                    _block(store, item, reasons)
                continue
            if dry_run:
                refused = refusal(shop, listing.category)
                if refused:  # as a real run would name it
                    run.failed.append({**summary, "error": refused})
                else:
                    run.ready.append(summary)
                continue
            assert publisher is not None
            _send(store, publisher, item, listing, images, holding, run, summary)
        finally:
            if run.held and run.held[-1][0] is item:
                downloaded += fetched  # the publisher reads them at the run's end
            else:
                for path in fetched:
                    path.unlink(missing_ok=True)
    try:
        if isinstance(publisher, EndsRun):
            _end_run(store, publisher, holding, run)
    finally:
        for path in downloaded:
            path.unlink(missing_ok=True)
    return run


def _end_run(store: Engine, publisher: EndsRun, hold: Hold, run: PublishRun) -> None:
    """The publisher's end of the run (a workbook); the items it held are published only
    where it says they were written, and let go (still approved) otherwise."""
    end = None
    try:
        end = publisher.end_run(_as_read(store, run))
    finally:
        done = {**end.written, **end.superseded} if end is not None else {}
        written = [h for h in run.held if h[0].id in done]
        changed: set[int] = set()
        if end is not None and written:
            # every item of the workbook marked in one transaction: a run killed meanwhile
            # leaves all of them approved (the next run finds them in the workbook), not some;
            # an older version of a product goes stale with its newer one published
            with session_scope(store) as session:
                for item, steps, _, _ in written:
                    try:
                        if item.id in end.superseded:
                            _mark_superseded(session, item, end.superseded[item.id])
                        else:
                            _mark_published(session, item, f"{steps.kind}: {done[item.id]}")
                    except lifecycle.ItemChanged:  # nothing written for it; the rest go on
                        changed.add(item.id)
        for item, steps, summary, read_version in run.held:
            where = end.written.get(item.id) if end else None
            why = end.superseded.get(item.id) if end else None
            if why is not None and item.id not in changed:
                run.stale.append({**summary, "sent": bool(steps.sent), "reason": why})
                hold.drop(item.id)
                continue
            if why is not None or (end is not None and item.id in end.changed):
                _stale(store, item.id, read_version, bool(steps.sent), run, summary)
            elif where is not None:
                if item.id not in changed:
                    run.published.append({**summary, "where": where, "steps": steps.sent})
                    hold.drop(item.id)
                    continue
                # changed while held: it is in the workbook
                _stale(store, item.id, read_version, True, run, summary)
            elif end is not None:
                error = end.failed.get(item.id, msg("not written into the run's workbook"))
                run.failed.append({**summary, "error": error})
            _release(store, hold, item.id)
        run.held.clear()
    run.files += end.files
    run.notes += end.notes


def _send(
    store: Engine,
    publisher: Publisher,
    item: LocalizationItem,
    listing: Listing,
    images: list[Path | None],
    hold: Hold,
    run: PublishRun,
    summary: dict[str, Any],
) -> None:
    """Hold the item (only as this run read it), send it, record it published; a failure
    leaves it approved, a change made meanwhile is reported stale, and the hold is given
    back whatever happens."""
    moment = hold.clock()  # the hold starts now, not when the run began
    read_version = item.version
    now: lifecycle.ItemSnapshot | None = None
    with session_scope(store) as session:
        held = lifecycle.claim(
            session,
            item.id,
            holder=hold.holder,
            until=moment + hold.length,
            now=moment,
            take_from=_gone(item.claimed_by),
            states=[ItemState(item.state)],
            version=read_version,
        )
        if not held:
            now = lifecycle.snapshot(session, item.id)
    if held:
        hold.add(item.id, moment)  # renewed with the rest while the run works
    else:
        if now is not None and (now.version, now.state) == (read_version, item.state):
            run.busy.append(item.id)
        else:
            run.stale.append(
                {
                    **summary,
                    "sent": False,
                    "reason": _changed(now, read_version, sent=False, zone=run.zone),
                }
            )
        return
    published = False
    steps: Steps | None = None
    try:
        if item.state == ItemState.BLOCKED:
            with session_scope(store) as session:
                lifecycle.change(
                    session, item, ItemState.APPROVED, actor=ACTOR, reason="preflight passes now"
                )
        work = _work(item, listing, [p for p in images if p is not None])
        steps = Steps(store, work, publisher.kind, hold=hold)
        try:
            ref = publisher.publish(work, steps)
        except PublishError as exc:
            run.failed.append({**summary, "error": exc.text})
            return
        published = True  # or held to the run's end: the hold is not given back here
        if getattr(publisher, "holds", False):
            # published when the workbook holding it is written (_end_run)
            run.held.append((item, steps, summary, read_version))
            return
        entry = {**summary, "where": ref, "steps": steps.sent}
        _published(store, item, f"{publisher.kind}: {ref}", run, entry)
        hold.drop(item.id)
    except lifecycle.ItemChanged:
        # its source changed (or a reviewer acted) while it was held: the rest go on
        published = False
        _stale(store, item.id, read_version, bool(steps and steps.sent), run, summary)
    finally:
        if not published:
            _release(store, hold, item.id)


def _release(store: Engine, hold: Hold, item_id: int) -> None:
    """Give back an item the run holds."""
    hold.drop(item_id)
    with session_scope(store) as session:
        lifecycle.release(session, item_id, holder=hold.holder)


def _published(
    store: Engine, item: LocalizationItem, reason: str, run: PublishRun, entry: dict[str, Any]
) -> None:
    """Record the item published (its hold ended) and say where it went."""
    with session_scope(store) as session:
        _mark_published(session, item, reason)
    run.published.append(entry)


def _mark_published(session: Session, item: LocalizationItem, reason: str) -> None:
    """The item published, its hold ended (ItemChanged when it moved on since read)."""
    lifecycle.change(
        session,
        item,
        ItemState.PUBLISHED,
        actor=ACTOR,
        reason=reason,
        claimed_by=None,
        claimed_until=None,
    )


def _as_read(store: Engine, run: PublishRun) -> Unchanged:
    """Which of the items the run holds are still as it read them (their version, as this
    run last changed them), asked of the store when called."""
    versions = {item.id: item.version for item, _, _, _ in run.held}

    def unchanged(item_ids: Collection[int]) -> set[int]:
        ids = [i for i in item_ids if i in versions]
        still: set[int] = set()
        with read_scope(store) as session:
            for start in range(0, len(ids), 500):  # within every store's limit on parameters
                rows = session.exec(
                    select(LocalizationItem.id, LocalizationItem.version).where(
                        col(LocalizationItem.id).in_(ids[start : start + 500])
                    )
                )
                still |= {i for i, version in rows if versions.get(i) == version}
        return still

    return unchanged


def _mark_superseded(session: Session, item: LocalizationItem, why: str) -> None:
    """An older version of a product the run wrote a newer one of: stale, saying so, its
    hold ended (ItemChanged when it moved on since read)."""
    lifecycle.change(
        session,
        item,
        ItemState.STALE,
        actor=ACTOR,
        reason=why,
        claimed_by=None,
        claimed_until=None,
    )


def _stale(
    store: Engine,
    item_id: int,
    read_version: int,
    sent: bool,
    run: PublishRun,
    summary: dict[str, Any],
) -> None:
    """Report an item that changed while this run held it."""
    with read_scope(store) as session:
        now = lifecycle.snapshot(session, item_id)
    reason = _changed(now, read_version, sent=sent, zone=run.zone)
    run.stale.append({**summary, "sent": sent, "reason": reason})


def _changed(
    now: lifecycle.ItemSnapshot | None,
    read_version: int,
    *,
    sent: bool,
    zone: ZoneInfo | None = None,
) -> Msg:
    """Why an item read as approved was not published: what it is now, who made it so, and
    whether it went out as it stood before."""
    then = (
        msg(
            "; it was sent as approved before the change, so the new version goes through "
            "review and publishing again"
        )
        if sent
        else msg("; nothing was sent")
    )
    if now is None:
        return (
            msg("it no longer exists")
            if sent
            else msg("{said}{then}", said=msg("it no longer exists"), then=then)
        )
    from localize.views import ITEM_STATES, word

    by = lifecycle.changed_by(now, zone)
    return msg(
        "changed{by} meanwhile (it is {state}, version {version}; this run read "
        "version {read}){then}",
        by=by,
        state=word(ITEM_STATES, now.state),
        version=now.version,
        read=read_version,
        then=then,
    )


def _gone(holder: str | None) -> str | None:
    """`holder` when it is a publisher on this machine whose process has ended (killed
    mid-run): its claim need not be waited out."""
    prefix = f"publish:{HOST}:"
    if not holder or not holder.startswith(prefix):
        return None
    pid = holder[len(prefix) :]
    return holder if pid.isdigit() and not process_alive(int(pid)) else None


def _block(store: Engine, item: LocalizationItem, reasons: list[Reason]) -> None:
    """The item blocked with every reason (unless it already stands so)."""
    text = "; ".join(r.message for r in reasons)[:2000]
    if item.state == ItemState.BLOCKED and item.error == text:
        return
    try:
        with session_scope(store) as session:
            lifecycle.change(
                session,
                item,
                ItemState.BLOCKED,
                actor=ACTOR,
                error=text,
                says=[stored(r.message) for r in reasons],
            )
    except lifecycle.ItemChanged:
        pass  # someone changed it meanwhile: the next run looks again


def _local_images(
    item: LocalizationItem,
    listing: Listing,
    fetcher: ImageFetcher,
    folder: Path,
    fetched: list[Path],
) -> list[Path | None]:
    """Each main image as a local file (remote ones downloaded); None where it cannot be."""
    sources = list(item.images) if len(item.images) == len(listing.images) else listing.images
    out: list[Path | None] = []
    for source in sources:
        if "://" not in source:
            out.append(Path(source))
            continue
        try:
            path = fetcher.fetch(source, folder)
        except ImageInputError:
            out.append(None)
            continue
        fetched.append(path)
        out.append(path)
    return out


def _candidate(
    item: LocalizationItem, listing: Listing, shop: ShopSettings, images: list[Path | None]
) -> Candidate:
    wanted = set(positions(len(listing.images), shop.caption_images))
    facts = [
        replace(
            _facts(
                path,
                listing.images[n] if n < len(listing.images) else "",
                captioned=n < len(item.images) and item.images[n] != listing.images[n],
                wanted=n in wanted,
            ),
            chinese_left=tuple(chinese_left(item.findings, n)),
            doubted=tuple(doubted_left(item.findings, n)),
        )
        for n, path in enumerate(images)
    ]
    return Candidate(
        # a blocked item was approved; preflight judges it again as such
        state=ItemState.APPROVED if item.state == ItemState.BLOCKED else item.state,
        title=item.title or "",
        description=item.description or "",
        open_errors=len(lifecycle.open_errors(item.findings)),
        category=listing.category,
        safety_report_date=listing.safety_report_date,
        images=facts,
        item_id=item.id,
    )


def _facts(path: Path | None, shown: str, *, captioned: bool, wanted: bool) -> ImageFacts:
    """What a main image file is, as TikTok Shop will judge it."""
    from PIL import Image, UnidentifiedImageError

    if path is None:
        return ImageFacts(shown, None, captioned=captioned, wanted_caption=wanted)
    try:
        with Image.open(path) as img:
            return ImageFacts(
                str(path),
                img.format,
                img.width,
                img.height,
                path.stat().st_size,
                captioned=captioned,
                wanted_caption=wanted,
            )
    except (OSError, UnidentifiedImageError):
        return ImageFacts(str(path), None, captioned=captioned, wanted_caption=wanted)


def _work(item: LocalizationItem, listing: Listing, images: list[Path]) -> Work:
    digests = [hashlib.sha256(p.read_bytes()).hexdigest() for p in images]
    payload = json.dumps([item.title, item.description, digests], ensure_ascii=False)
    return Work(
        item_id=item.id,
        shop_id=item.shop_id,
        product_id=listing.product_id,
        sku=listing.sku,
        language=item.language,
        title=item.title or "",
        description=item.description or "",
        images=tuple(images),
        content_hash=hashlib.sha256(payload.encode()).hexdigest(),
        category=listing.category,
        version=item.revision,
        lock_version=item.version,
    )
