"""The review queue: what waits for a person, claims so that reviewers do not step on each
other, and decisions, each a change through the item lifecycle.

A reviewer who opens an item claims it for a while (a lease read from the clock when it
is taken); others are shown other items until it is decided, released or the lease runs
out. A decision is conditional on the version the reviewer saw: a second decision on an
item already decided fails, naming who decided it and when. Edits are checked again at
once; an approved human edit goes into the translation memory as a human entry.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, or_
from sqlmodel import Session, col, func, select

from config.errors import AppError, BadInput, ExitCode
from config.runtime import Clock, utcnow
from config.settings import Settings
from localize import lifecycle
from localize.text import checks, html, memory, protect
from localize.text.service import load_terms
from store.db import read_scope, session_scope
from store.models import (
    AuditEvent,
    Decision,
    ItemState,
    Listing,
    LocalizationItem,
    Quality,
    ReviewDecision,
)

CLAIM = timedelta(minutes=15)
FIELDS = ("title", "description", "caption")
SOURCE_LANGUAGE = "zh-CN"


class NoSuchItem(AppError):
    """An item id that is not in the store."""

    def __init__(self, item_id: int) -> None:
        super().__init__(f"no item {item_id}; `localize review list` shows the queue")


class AlreadyDecided(AppError):
    """A decision on an item that someone has decided already."""

    exit_code = ExitCode.FAILURES

    def __init__(self, item_id: int, state: str, by: str | None, at: datetime | None) -> None:
        who = f" by {by}" if by else ""
        when = f" at {at:%Y-%m-%d %H:%M:%S} UTC" if at else ""
        super().__init__(
            f"item {item_id} was already {state}{who}{when}; nothing was changed"
            + (" (its source changed: review the new version)" if state == "stale" else "")
        )


class ClaimedByOther(AppError):
    """Another reviewer has the item open."""

    exit_code = ExitCode.FAILURES

    def __init__(self, item_id: int, by: str, until: datetime) -> None:
        super().__init__(
            f"item {item_id} is open with {by} until {until:%H:%M:%S} UTC; "
            "take another item, or wait for their claim to run out"
        )


@dataclass
class Entry:
    """One item with its listing, as the queue shows it."""

    item: LocalizationItem
    listing: Listing
    position: int = 0  # 1-based, among the items waiting in its language
    waiting: int = 0

    def as_dict(self) -> dict[str, Any]:
        """For --json: every field side by side, findings, images, the claim."""
        item, listing = self.item, self.listing
        return {
            "id": item.id,
            "shop": item.shop_id,
            "product_id": listing.product_id,
            "sku": listing.sku,
            "language": item.language,
            "state": item.state,
            "version": item.version,
            "position": self.position,
            "waiting": self.waiting,
            "fields": {
                f: {"source": getattr(listing, f), "translation": getattr(item, f)} for f in FIELDS
            },
            "findings": item.findings,
            "open_errors": len(lifecycle.open_errors(item.findings)),
            "images": [
                {"original": original, "captioned": captioned if captioned != original else None}
                for original, captioned in zip(
                    listing.images, _padded(item.images, listing.images), strict=True
                )
            ],
            "regions": image_regions(item.findings),
            "claimed_by": item.claimed_by,
            "claimed_until": item.claimed_until,
            "error": item.error,
        }


def _padded(images: Sequence[str], originals: Sequence[str]) -> list[str]:
    return list(images) if len(images) == len(originals) else list(originals)


@dataclass
class Outcome:
    """What a decision did."""

    item: LocalizationItem
    decision: str
    remembered: int = 0  # human translations added to the memory
    rerendered: int = 0  # images drawn again for an edited caption
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line: the decision, where the item stands, what else it did."""
        item = self.item
        extra = []
        if self.remembered:
            extra.append(f"{self.remembered} segment(s) added to the memory")
        if self.rerendered:
            extra.append(f"{self.rerendered} image(s) drawn again")
        return f"item {item.id}: {self.decision} ({item.state}, version {item.version})" + (
            f"; {', '.join(extra)}" if extra else ""
        )


def _free(reviewer: str | None, now: datetime) -> Any:
    """Items nobody else holds: unclaimed, claimed by `reviewer`, or a lease run out."""
    conditions = [
        col(LocalizationItem.claimed_by).is_(None),
        col(LocalizationItem.claimed_until) <= now,
    ]
    if reviewer:
        conditions.append(col(LocalizationItem.claimed_by) == reviewer)
    return or_(*conditions)


def queue(
    store: Engine,
    *,
    shop_id: str | None = None,
    language: str | None = None,
    states: Sequence[ItemState] | None = None,
    reviewer: str | None = None,
    now: datetime | None = None,
    limit: int | None = None,
) -> list[Entry]:
    """Items in these states (default: waiting for review), oldest first, with their
    place in their language's queue; items another reviewer holds are left out when a
    reviewer is named."""
    now = now or utcnow()
    with read_scope(store) as session:
        query = (
            select(LocalizationItem, Listing)
            .join(Listing, col(Listing.id) == col(LocalizationItem.listing_id))
            .where(
                col(LocalizationItem.state).in_([s.value for s in (states or lifecycle.TO_REVIEW)])
            )
            .order_by(col(LocalizationItem.id))
        )
        if shop_id:
            query = query.where(LocalizationItem.shop_id == shop_id)
        if language:
            query = query.where(LocalizationItem.language == language)
        if reviewer:
            query = query.where(_free(reviewer, now))
        if limit:
            query = query.limit(limit)
        rows = session.exec(query).all()
    entries = [Entry(item, listing) for item, listing in rows]
    counts: dict[str, int] = {}
    for e in entries:
        counts[e.item.language] = counts.get(e.item.language, 0) + 1
        e.position = counts[e.item.language]
    for e in entries:
        e.waiting = counts[e.item.language]
    return entries


def entry(store: Engine, item_id: int) -> Entry:
    """One item with its listing, or NoSuchItem."""
    with read_scope(store) as session:
        row = session.exec(
            select(LocalizationItem, Listing)
            .join(Listing, col(Listing.id) == col(LocalizationItem.listing_id))
            .where(LocalizationItem.id == item_id)
        ).first()
    if row is None:
        raise NoSuchItem(item_id)
    return Entry(*row)


def claim(
    store: Engine,
    item_id: int,
    *,
    reviewer: str,
    lease: timedelta = CLAIM,
    clock: Clock = utcnow,
) -> Entry:
    """Hold an item for `reviewer` until the lease runs out (from now, as read now)."""
    now = clock()
    with session_scope(store) as session:
        taken = lifecycle.claim(session, item_id, holder=reviewer, until=now + lease, now=now)
    found = entry(store, item_id)
    if not taken:
        assert found.item.claimed_by and found.item.claimed_until
        raise ClaimedByOther(item_id, found.item.claimed_by, found.item.claimed_until)
    return found


def claim_next(
    store: Engine,
    *,
    reviewer: str,
    shop_id: str | None = None,
    language: str | None = None,
    skip: Sequence[int] = (),
    lease: timedelta = CLAIM,
    clock: Clock = utcnow,
) -> Entry | None:
    """The next translated item nobody else holds, claimed for `reviewer`; None when the
    queue is empty (items in `skip` were passed over this session)."""
    while True:
        now = clock()
        candidates = [
            e
            for e in queue(
                store,
                shop_id=shop_id,
                language=language,
                states=[ItemState.TRANSLATED],
                reviewer=reviewer,
                now=now,
                limit=len(skip) + 20,
            )
            if e.item.id not in skip
        ]
        if not candidates:
            return None
        for candidate in candidates:
            try:
                taken = claim(store, candidate.item.id, reviewer=reviewer, lease=lease, clock=clock)
            except ClaimedByOther:
                continue  # another reviewer took it a moment ago
            taken.position, taken.waiting = place(store, taken.item, shop_id=shop_id)
            return taken


def place(store: Engine, item: LocalizationItem, *, shop_id: str | None = None) -> tuple[int, int]:
    """Where an item stands among those waiting in its language (of `shop_id`): (n, N)."""
    # Counted, not listed: claim_next reads only the head of the queue.
    waiting = (
        select(func.count())
        .select_from(LocalizationItem)
        .where(
            LocalizationItem.state == ItemState.TRANSLATED,  # what claim_next serves
            LocalizationItem.language == item.language,
        )
    )
    if shop_id:
        waiting = waiting.where(LocalizationItem.shop_id == shop_id)
    with read_scope(store) as session:
        total = session.exec(waiting).one()
        ahead = session.exec(waiting.where(col(LocalizationItem.id) <= item.id)).one()
    return ahead, total


def superseded(store: Engine, current: Entry) -> LocalizationItem | None:
    """The item this one replaces: the same listing and language before its source changed
    (stale), newest first; None for a first translation."""
    item = current.item
    with read_scope(store) as session:
        return session.exec(
            select(LocalizationItem)
            .where(
                LocalizationItem.listing_id == item.listing_id,
                LocalizationItem.language == item.language,
                LocalizationItem.state == ItemState.STALE,
                col(LocalizationItem.id) != item.id,
            )
            .order_by(col(LocalizationItem.id).desc())
            .limit(1)
        ).first()


def release(store: Engine, item_id: int, *, reviewer: str) -> None:
    """Give back an item `reviewer` holds (skipped, or the reviewer quit)."""
    with session_scope(store) as session:
        lifecycle.release(session, item_id, holder=reviewer)


def recheck(
    store: Engine, settings: Settings | None, entry: Entry, edits: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The item's findings with those of the edited fields made again for the new text."""
    unknown = set(edits) - set(FIELDS)
    if unknown:
        raise BadInput(
            f"cannot edit {', '.join(sorted(unknown))}; the fields are {', '.join(FIELDS)}"
        )
    item, listing = entry.item, entry.listing
    limits = _limits(settings, item.shop_id)
    terms = load_terms(store, scope=item.shop_id, language=item.language)
    kept_findings = [f for f in item.findings if checks.field_of(f) not in edits]
    for name, text in edits.items():
        source = getattr(listing, name)
        pieces = html.split(source).texts() if name == "description" else [source]
        kept = tuple(k for piece in pieces for k in protect.protect(piece, terms).kept)
        found = checks.check(
            source, text, field=name, target_lang=item.language, kept=kept, limits=limits
        )
        kept_findings += [f.as_dict() for f in found]
    return kept_findings


def _limits(settings: Settings | None, shop_id: str) -> checks.Limits:
    shop = next((s for s in settings.shops if s.id == shop_id), None) if settings else None
    if settings is None or shop is None:
        return checks.Limits()
    market = settings.markets.market(shop.market)
    return checks.Limits.of(market)


def edit(
    store: Engine,
    settings: Settings | None,
    item_id: int,
    edits: Mapping[str, str],
    *,
    reviewer: str,
    version: int | None = None,
) -> Entry:
    """Change the translation of some fields (checked again at once); the item stays in
    review, a new version."""
    current = _decidable(store, item_id, version)
    findings = recheck(store, settings, current, edits)
    with session_scope(store) as session:
        lifecycle.change(
            session,
            current.item,
            ItemState.TRANSLATED,
            actor=reviewer,
            reason="edited",
            findings=findings,
            **edits,
        )
        _decision(session, current.item, reviewer, Decision.EDIT, "")
    return current


def approve(
    store: Engine,
    settings: Settings | None,
    item_id: int,
    *,
    reviewer: str,
    edits: Mapping[str, str] | None = None,
    override: str | None = None,
    version: int | None = None,
    images_root: Path | None = None,
) -> Outcome:
    """Approve an item (after `edits`, checked again); error-level findings block it unless
    `override` gives the reason. An edited caption has its images drawn again first."""
    current = _decidable(store, item_id, version)
    outcome = Outcome(current.item, Decision.APPROVE)
    if edits:
        current = edit(store, settings, item_id, edits, reviewer=reviewer, version=version)
        if "caption" in edits and images_root is not None and settings is not None:
            outcome.rerendered = _rerender(store, settings, current, images_root, outcome)
            current = entry(store, item_id)
    overriding = bool(override and lifecycle.open_errors(current.item.findings))
    decided = Decision.OVERRIDE if overriding else Decision.APPROVE
    with _deciding(
        store, current, ItemState.APPROVED, reviewer, decided, override or "", override
    ) as session:
        if edits:
            outcome.remembered = _remember(session, current, edits)
    outcome.item, outcome.decision = current.item, decided
    return outcome


def reject(
    store: Engine, item_id: int, *, reviewer: str, reason: str, version: int | None = None
) -> Outcome:
    """Reject an item, for a reason (it goes back to be translated again)."""
    if not reason.strip():
        raise BadInput("a rejection needs a reason (--reason)")
    current = _decidable(store, item_id, version)
    with _deciding(store, current, ItemState.REJECTED, reviewer, Decision.REJECT, reason):
        pass
    return Outcome(current.item, Decision.REJECT)


def _decidable(store: Engine, item_id: int, version: int | None) -> Entry:
    """The item as it stands, if it still waits for a decision (at `version`, if given)."""
    current = entry(store, item_id)
    item = current.item
    decided = item.state != ItemState.TRANSLATED
    if decided or (version is not None and version != item.version):
        with read_scope(store) as session:
            now = lifecycle.snapshot(session, item_id)
        if decided:
            raise AlreadyDecided(item_id, item.state, now and now.actor, now and now.at)
        raise lifecycle.ItemChanged(item_id, version or item.version, now)
    return current


@contextmanager
def _deciding(
    store: Engine,
    current: Entry,
    to: ItemState,
    reviewer: str,
    decision: str,
    reason: str,
    override: str | None = None,
) -> Iterator[Session]:
    """A decision's transaction: the item changed (the reviewer's claim ended) and the
    decision recorded; the caller may add to it before it commits."""
    with session_scope(store) as session:
        lifecycle.change(
            session,
            current.item,
            to,
            actor=reviewer,
            reason="" if to is ItemState.APPROVED else reason,
            override=override,
            claimed_by=None,
            claimed_until=None,
        )
        _decision(session, current.item, reviewer, decision, reason)
        yield session


def _decision(
    session: Session, item: LocalizationItem, reviewer: str, decision: str, reason: str
) -> None:
    session.add(
        ReviewDecision(
            item_id=item.id,
            reviewer=reviewer,
            decision=decision,
            reason=reason,
            item_version=item.version,
            at=utcnow(),
        )
    )


def _remember(session: Session, current: Entry, edits: Mapping[str, str]) -> int:
    """Approved human edits into the memory, segment by segment where they line up."""
    item, listing = current.item, current.listing
    pairs: list[tuple[str, str]] = []
    for name, text in edits.items():
        source = getattr(listing, name)
        if name == "description":
            before, after = html.split(source).texts(), html.split(text).texts()
            if len(before) == len(after):  # otherwise the reviewer restructured it
                pairs += list(zip(before, after, strict=True))
        elif source.strip() and text.strip():
            pairs.append((source, text))
    for source, target in pairs:
        memory.remember(
            session,
            scope=item.shop_id,
            source_lang=SOURCE_LANGUAGE,
            target_lang=item.language,
            source=source,
            target=target.strip(),
            quality=Quality.HUMAN,
            origin="review",
        )
    return len(pairs)


def _rerender(
    store: Engine, settings: Settings, current: Entry, images_root: Path, outcome: Outcome
) -> int:
    """Draw the item's captioned images again for its new caption."""
    from localize.image.items import run_images

    shop = settings.shop(current.item.shop_id)
    done = run_images(store, settings, shop, images_root, only=[current.item.id], redo=True)
    outcome.notes += done.errors
    return done.images


def history(
    store: Engine, item_id: int | None = None, *, shop_id: str | None = None, limit: int = 200
) -> list[dict[str, Any]]:
    """Who changed what and when, newest first: every change of one item, or of a shop."""
    with read_scope(store) as session:
        query = select(AuditEvent).where(AuditEvent.entity == "localization_item")
        if item_id is not None:
            query = query.where(AuditEvent.entity_id == str(item_id))
        if shop_id:
            query = query.where(AuditEvent.shop_id == shop_id)
        rows = session.exec(query.order_by(col(AuditEvent.id).desc()).limit(limit)).all()
    return [
        {
            "item": int(r.entity_id),
            "at": r.at,
            "actor": r.actor,
            "action": r.action,
            **{
                k: v
                for k, v in r.detail.items()
                if k in ("from", "to", "reason", "override", "text", "error")
            },
        }
        for r in rows
    ]


# The text on an item's images, region by region (issue 13): numbered 1.. across the
# item's images in order, as `review show` lists them and `approve --region N=TEXT` takes.


def image_regions(findings: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every text region on the item's images, numbered across them: image, index, text,
    translation, confidence, state (replaced | kept | untranslated | low_confidence |
    not_chinese) and, when untranslated, why."""
    from localize.image.regions import FINDING

    out: list[dict[str, Any]] = []
    texts = sorted((f for f in findings if f.get("code") == FINDING), key=lambda f: f["image"])
    for f in texts:
        for record in f.get("regions") or []:
            out.append(
                {
                    "index": len(out) + 1,
                    "image": int(f["image"]) + 1,
                    "text": record.get("text"),
                    "translation": record.get("translation"),
                    "confidence": record.get("confidence"),
                    "state": record.get("status"),
                    **({"reason": record["reason"]} if record.get("reason") else {}),
                }
            )
    return out


def describe_region(region: dict[str, Any]) -> str:
    """One region of `image_regions` on a line, as the queue shows it."""
    translation = f" -> {region['translation']!r}" if region["translation"] else ""
    why = f" ({region['reason']})" if region.get("reason") else ""
    return (
        f"{region['index']}. image {region['image']}: {region['text']!r}{translation}  "
        f"{region['state']}{why}, confidence {region['confidence']}"
    )


def _region_findings(
    store: Engine,
    settings: Settings,
    current: Entry,
    edits: Mapping[int, str],
    keep: Sequence[int],
) -> list[dict[str, Any]]:
    """The item's findings with the regions' records edited (a new translation, checked
    like any other text and drawable; or kept as the product's own printing)."""
    from localize.image.regions import FINDING, usable

    item = current.item
    findings = [
        {**f, "regions": [dict(r) for r in f.get("regions") or []]}
        if f.get("code") == FINDING
        else f
        for f in item.findings
    ]
    numbered = [
        record
        for f in sorted((f for f in findings if f.get("code") == FINDING), key=lambda f: f["image"])
        for record in f["regions"]
    ]
    for n in [*edits, *keep]:
        if not 1 <= n <= len(numbered):
            raise BadInput(
                f"item {item.id} has no region {n}"
                + (f"; its regions are 1-{len(numbered)}" if numbered else "; it has none")
                + f" (`localize review show {item.id}`)"
            )
    script = settings.markets.script(item.language)
    terms = load_terms(store, scope=item.shop_id, language=item.language)
    limits = _limits(settings, item.shop_id)
    for n, text in edits.items():
        record = numbered[n - 1]
        source = str(record["text"])
        kept = protect.protect(source, terms).kept
        found = checks.check(
            source, text, field="caption", target_lang=item.language, kept=kept, limits=limits
        )
        problems = [f.message for f in found if f.severity == "error"] + usable(text, script)
        if problems:
            raise BadInput(f"region {n} ({source!r}): {'; '.join(problems)}")
        record.update(translation=text.strip(), keep=False, status="replaced")
        record.pop("reason", None)
    for n in keep:
        numbered[n - 1].update(keep=True, status="kept")
        numbered[n - 1].pop("reason", None)
    return findings


def edit_regions(
    store: Engine,
    settings: Settings | None,
    item_id: int,
    *,
    reviewer: str,
    edits: Mapping[int, str],
    keep: Sequence[int] = (),
    version: int | None = None,
    images_root: Path | None = None,
) -> Outcome:
    """Edit the translation of text regions on an item's images (or keep them as printed),
    then draw its images again through the pipeline with them; the item stays in review."""
    if settings is None or images_root is None:
        raise BadInput("editing the text on images needs the shop's configuration (--config)")
    current = _decidable(store, item_id, version)
    findings = _region_findings(store, settings, current, edits, keep)
    with session_scope(store) as session:
        lifecycle.change(
            session,
            current.item,
            ItemState.TRANSLATED,
            actor=reviewer,
            reason="image text edited",
            findings=findings,
        )
        _decision(session, current.item, reviewer, Decision.EDIT, "")
    outcome = Outcome(current.item, Decision.EDIT)
    outcome.rerendered = _rerender(store, settings, entry(store, item_id), images_root, outcome)
    outcome.item = entry(store, item_id).item
    return outcome


def approve_with_regions(
    store: Engine,
    settings: Settings | None,
    item_id: int,
    *,
    reviewer: str,
    regions: Mapping[int, str] | None = None,
    keep_regions: Sequence[int] = (),
    version: int | None = None,
    images_root: Path | None = None,
    **approval: Any,
) -> Outcome:
    """`approve`, after the text regions on its images are edited or kept and its images
    drawn again; when drawing them fails the item is not approved (the notes say why)."""
    if not regions and not keep_regions:
        return approve(
            store,
            settings,
            item_id,
            reviewer=reviewer,
            version=version,
            images_root=images_root,
            **approval,
        )
    edited = edit_regions(
        store,
        settings,
        item_id,
        reviewer=reviewer,
        edits=regions or {},
        keep=keep_regions,
        version=version,
        images_root=images_root,
    )
    if edited.notes:
        return edited
    outcome = approve(
        store, settings, item_id, reviewer=reviewer, images_root=images_root, **approval
    )
    outcome.rerendered += edited.rerendered
    return outcome
