"""The review queue: what waits for a person, claims so that reviewers do not step on each
other, and decisions, each a change through the item lifecycle.

A reviewer who opens an item claims it for a while (a lease read from the clock when it
is taken); others are shown other items until it is decided, released or the lease runs
out. A decision is conditional on the version the reviewer saw: a second decision on an
item already decided fails, naming who decided it and when. Edits are checked again at
once; an approved human edit goes into the translation memory as a human entry.

A reviewer decides translated items and blocked ones (approved, then stopped by publish
preflight: edited and approved again). A rejected item goes back to `localize run`, which
translates it again without the machine translations the reviewer rejected, or a reviewer
approves it with their own text. A refused approval writes nothing.

What the queue shows is read and claimed through SQLAlchemy Core (lifecycle.waiting,
items as store.item_rows.Record); the ORM, the checks and the memory are imported by
the decisions that use them, once the reviewer's first item is on screen.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, select

from config.errors import REASON_MAX, AppError, BadInput, ExitCode, bounded, echoed
from config.i18n import SEMICOLON, Joined, Msg, Text, from_stored, msg, pmsg
from config.runtime import Clock, utcnow
from localize import lifecycle
from store.db import read_connection, session_scope, transaction
from store.item_rows import AUDIT, ITEM, Record, records
from store.states import Decision, ItemState, Quality

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from sqlmodel import Session

    from localize.image.items import ImageSummary
    from localize.text import checks
    from store.models import Listing, LocalizationItem

if TYPE_CHECKING:  # a review without a shops file loads no settings
    from config.settings import Settings

CLAIM = timedelta(minutes=15)
# Shop -> the zone its team reads times in (`display_zone`), for the times refusals name.
Zones = Callable[[str], "ZoneInfo | None"]


def in_utc(shop_id: str) -> ZoneInfo | None:
    """No zone: times said in UTC (and said so), where no shops file names the shop."""
    return None


FIELDS = ("title", "description", "caption")
SOURCE_LANGUAGE = "zh-CN"


class NoSuchItem(AppError):
    """An item id that is not in the store."""

    def __init__(self, item_id: int) -> None:
        super().__init__(msg("no item {id}; `localize review list` shows the queue", id=item_id))


class AlreadyDecided(AppError):
    """A decision on an item that someone has decided already."""

    exit_code = ExitCode.FAILURES

    def __init__(
        self,
        item_id: int,
        state: str,
        by: str | None,
        at: datetime | None,
        waits_for_person: bool = False,
        zone: ZoneInfo | None = None,
        takes_text: bool = False,
    ) -> None:
        from config.times import Moment

        who = msg(" by {by}", by=by) if by else ""
        when = msg(" at {at}", at=Moment(at, zone)) if at else ""
        again = (
            msg("it waits for a person's translation: approve it with your own text")
            if waits_for_person
            else msg("`localize run` translates it again, or approve it with your own text")
        )
        decided = _already(item_id, state, who, when)
        if state == "stale":
            decided = msg("{said} (its source changed: review the new version)", said=decided)
        if state == "rejected" or takes_text:  # takes_text: failed, but rejected before
            decided = msg(
                "{said}; {again} (--set FIELD=TEXT, or --region N=TEXT for the text on its images)",
                said=decided,
                again=again,
            )
        super().__init__(decided)


def _already(item_id: int, state: str, who: Text, when: Text) -> Msg:
    """'Item N was already approved by X at T': one whole sentence per state, so that no
    language builds it from a state's word and its own verb (Thai said "approved" twice)."""
    from localize.views import ITEM_STATES, word

    said = {"id": item_id, "who": who, "when": when}
    if state == "approved":
        return msg("item {id} was already approved{who}{when}; nothing was changed", **said)
    if state == "rejected":
        return msg("item {id} was already rejected{who}{when}; nothing was changed", **said)
    if state == "published":
        return msg("item {id} was already published{who}{when}; nothing was changed", **said)
    if state == "stale":
        return msg("item {id} was already stale{who}{when}; nothing was changed", **said)
    if state == "failed":
        return msg("item {id} was marked failed{who}{when}; nothing was changed", **said)
    if state == "pending":
        return msg(
            "item {id} was sent back to be translated again{who}{when}; nothing was changed", **said
        )
    return msg(
        "item {id} is no longer waiting for review (it is {state}{who}{when}); nothing was changed",
        state=word(ITEM_STATES, state),
        **said,
    )


class ClaimedByOther(AppError):
    """Another reviewer has the item open."""

    exit_code = ExitCode.FAILURES

    def __init__(
        self, item_id: int, by: str, until: datetime, zone: ZoneInfo | None = None
    ) -> None:
        from config.times import Moment

        super().__init__(
            msg(
                "item {id} is open with {by} until {until}; "
                "take another item, or wait for their claim to run out",
                id=item_id,
                by=by,
                until=Moment(until, zone),
            )
        )


class EditOvertaken(lifecycle.ItemChanged):
    """Someone else changed the item while a reviewer's edit and approval were on their way:
    nothing of this approval applies, and the reviewer's text is kept to apply again."""

    def __init__(
        self,
        item_id: int,
        now: lifecycle.ItemSnapshot | None,
        edits: Mapping[str, str],
        saved_as: int | None,
        zone: ZoneInfo | None = None,
    ) -> None:
        from localize.views import ITEM_STATES, word

        if now is None:
            where = msg("it no longer exists")
        else:
            by = lifecycle.changed_by(now, zone)
            where = msg(
                "it was changed{by} meanwhile (it is {state}, version {version})",
                by=by,
                state=word(ITEM_STATES, now.state),
                version=now.revision,  # as a reviewer counts them: the lock's moves with images
            )
        then = (
            msg("your edit, saved as version {version}, was replaced", version=saved_as)
            if saved_as is not None
            else msg("your edit was not saved")
        )
        texts = "; ".join(f"{name}={text!r}" for name, text in edits.items())
        AppError.__init__(
            self,
            msg(
                "item {id}: {where}; nothing was applied: not approved, {then}. Your text, "
                "also in `localize review history {id}`: {texts}. Reload the item and decide "
                "again",
                id=item_id,
                where=where,
                then=then,
                texts=texts,
            ),
        )


@dataclass
class Entry:
    """One item with its listing, as the queue shows it."""

    item: Record  # as read through Core (lifecycle.waiting)
    listing: Record
    position: int = 0  # 1-based, among the items waiting in its language
    waiting: int = 0
    source_before: dict[str, str] | None = None  # the source it replaced, when it changed
    rejection: Record | None = None  # the latest rejection of it, if any (read through Core)
    blocked_says: Any = None  # a blocked item's reasons as stored (config.i18n), if they were

    def blocked_reasons(self) -> Text:
        """Why a blocked item is blocked, in the reader's language where its blocking stored
        its reasons as messages; the item's English error otherwise."""
        said = from_stored(self.blocked_says)
        if isinstance(said, list) and said:
            return Joined(said, SEMICOLON)
        return self.item.error or ""

    def rejected(self) -> dict[str, Any] | None:
        """Who rejected it last, when, why and what (fields, images), for show and list."""
        r = self.rejection
        if r is None:
            return None
        detail = r.detail or {}
        return {
            "by": r.reviewer,
            "at": r.at,
            "reason": r.reason,
            # a rejection from before they were recorded rejected every field
            "fields": list(detail["fields"] if "fields" in detail else FIELDS),
            "images": list(detail.get("images") or []),
            "version": detail.get("version"),
        }

    def waits_for_person(self) -> Text | None:
        """Why this rejected item waits for a person's translation, or None."""
        if self.item.state != ItemState.REJECTED or not self.item.needs_person:
            return None
        same = self.still_rejected() if self.item.needs_person == lifecycle.NO_NEW_TEXT else []
        if same:  # said only of the fields that have no new text (others may have one)
            return msg(
                "waits for a person's translation: every engine gave only the rejected text of "
                "{fields}; approve it with your text (--set FIELD=TEXT, or e in `localize "
                "review`)",
                fields=", ".join(same),
            )
        return lifecycle.PERSON_SAYS.get(self.item.needs_person, self.item.needs_person)

    def still_rejected(self) -> list[str]:
        """The rejected fields whose text is still the one the reviewer rejected."""
        from localize.text import memory

        texts = (self.rejection.detail or {}).get("texts") or {} if self.rejection else {}
        return [
            name
            for name, text in texts.items()
            if memory.normalise(getattr(self.item, name, None) or "") == memory.normalise(text)
        ]

    def source_diff(self) -> dict[str, list[str]]:
        """What changed in each field's source (a line diff), when the source changed."""
        if self.source_before is None:
            return {}
        diffs = {}
        for name in FIELDS:
            before = self.source_before.get(name) or ""
            after = getattr(self.listing, name) or ""
            if before != after:
                lines = difflib.unified_diff(
                    before.splitlines(), after.splitlines(), "before", "now", n=1, lineterm=""
                )
                diffs[name] = list(lines)[2:]  # the file names say nothing here
        return diffs

    def as_dict(self) -> dict[str, Any]:
        """For --json: every field side by side, findings, images, the claim."""
        from localize.image.findings import carries_caption

        item, listing = self.item, self.listing
        return {
            "id": item.id,
            "shop": item.shop_id,
            "product_id": listing.product_id,
            "sku": listing.sku,
            "language": item.language,
            "state": item.state,
            "version": item.revision,  # as a reviewer counts: `--version` takes it
            "lock_version": item.version,  # moves with every change (images, claims)
            "position": self.position,
            "waiting": self.waiting,
            "fields": {
                f: {
                    "source": getattr(listing, f),
                    "translation": getattr(item, f),
                    # which engine answered ("memory", a person's "review"), when known
                    "origin": (item.origins or {}).get(f),
                }
                for f in FIELDS
            },
            "findings": item.findings,
            "open_errors": len(lifecycle.open_errors(item.findings)),
            "images": [
                {
                    "original": original,
                    "captioned": captioned if captioned != original else None,
                    # drawn with the caption (else its text only replaced)
                    "caption": captioned != original and carries_caption(item.findings, n),
                }
                for n, (original, captioned) in enumerate(
                    zip(listing.images, _padded(item.images, listing.images), strict=True)
                )
            ],
            "regions": image_regions(item.findings),
            "claimed_by": item.claimed_by,
            "claimed_until": item.claimed_until,
            "error": item.error,
            "source_before": self.source_before,
            "source_diff": self.source_diff(),
            "rejection": self.rejected(),
            "waits_for_person": self.waits_for_person(),
        }


def _padded(images: Sequence[str], originals: Sequence[str]) -> list[str]:
    return list(images) if len(images) == len(originals) else list(originals)


@dataclass
class Outcome:
    """What a decision did."""

    item: Record | LocalizationItem
    decision: str
    remembered: int = 0  # human translations added to the memory
    rerendered: int = 0  # images drawn again for an edited caption
    forgotten: int = 0  # rejected machine translations taken out of the memory
    human: int = 0  # rejected segments a person's memory entry will give again
    notes: list[str] = field(default_factory=list)

    def summary(self) -> Msg:
        """One line: the decision, where the item stands, what else it did."""
        from localize.views import DECISIONS, ITEM_STATES, word

        item = self.item
        extra = []
        if self.remembered:
            extra.append(msg("{n} segment(s) added to the memory", n=self.remembered))
        if self.rerendered:
            extra.append(msg("{n} image(s) drawn again", n=self.rerendered))
        if self.forgotten:
            extra.append(
                msg("{n} machine translation(s) taken out of the memory", n=self.forgotten)
            )
        if self.human:
            extra.append(
                msg(
                    "{n} segment(s) are a person's translation in the memory: it stays there for "
                    "other listings, and `localize run` gives this item another text "
                    "(on_reject); or give your own (localize review approve {id} --set "
                    "FIELD=TEXT)",
                    n=self.human,
                    id=item.id,
                )
            )
        said = msg(
            "item {id}: {decision} ({state}, version {version})",
            id=item.id,
            decision=word(DECISIONS, self.decision),
            state=word(ITEM_STATES, item.state),
            version=item.revision,
        )
        return msg("{said}; {extra}", said=said, extra=extra) if extra else said


def queue(
    store: Engine,
    *,
    shop_id: str | None = None,
    language: str | None = None,
    states: Sequence[ItemState] | None = None,
    reviewer: str | None = None,
    now: datetime | None = None,
    limit: int | None = None,
    for_a_person: bool = False,
) -> list[Entry]:
    """Items in these states (default: waiting for review, and rejected items waiting for
    a person's translation), oldest first, with their place in their language's queue;
    items another reviewer holds are left out when a reviewer is named; `for_a_person`
    adds the rejected items waiting for a person to the states given."""
    with read_connection(store) as conn:
        rows = lifecycle.waiting(
            conn,
            shop_id=shop_id or None,
            states=states or lifecycle.TO_REVIEW,
            language=language or None,
            free_for=reviewer or None,
            now=now or utcnow(),
            limit=limit,
            # the queue a reviewer works through has them too: only a person moves them on
            for_a_person=for_a_person if states else True,
        )
        last = lifecycle.last_rejections(conn, [item.id for item, _ in rows if item.id])
        blocked = [item.id for item, _ in rows if item.id and item.state == ItemState.BLOCKED]
        says = lifecycle.blocked_says(conn, blocked) if blocked else {}
    entries = [
        Entry(item, listing, rejection=last.get(item.id), blocked_says=says.get(item.id))
        for item, listing in rows
    ]
    counts: dict[str, int] = {}
    for e in entries:
        counts[e.item.language] = counts.get(e.item.language, 0) + 1
        e.position = counts[e.item.language]
    for e in entries:
        e.waiting = counts[e.item.language]
    return entries


def entry(store: Engine, item_id: int) -> Entry:
    """One item with its listing, or NoSuchItem."""
    with read_connection(store) as conn:
        rows = lifecycle.waiting(conn, item_id=item_id)
        if not rows:
            raise NoSuchItem(item_id)
        rejection = lifecycle.last_rejection(conn, item_id)
        says = lifecycle.blocked_says(conn, [item_id])
    return Entry(*rows[0], rejection=rejection, blocked_says=says.get(item_id))


def detail(store: Engine, item_id: int) -> Entry:
    """One item with its listing and, when its source changed, the source it replaced."""
    found = entry(store, item_id)
    return with_source_change(store, found)


def with_source_change(store: Engine, found: Entry, previous: Record | None = None) -> Entry:
    """`found` with the source its listing had before it changed: recorded when this item
    (or the one it replaces, `previous`) went stale."""
    stale = found.item if found.item.state == ItemState.STALE else previous
    if stale is None and found.item.state != ItemState.STALE:
        stale = superseded(store, found)
    if stale is not None:
        with read_connection(store) as conn:
            found.source_before = lifecycle.source_before(conn, stale)
    return found


def prepare_decisions() -> None:
    """Import what a decision uses and the queue does not (the ORM's tables, the checks,
    the memory), so that the reviewer's first decision does not wait for it."""
    import importlib

    for module in ("store.models", "store.queries", "localize.text.service"):
        importlib.import_module(module)


def claim(
    store: Engine,
    item_id: int,
    *,
    reviewer: str,
    lease: timedelta = CLAIM,
    clock: Clock = utcnow,
    zones: Zones = in_utc,
) -> Entry:
    """Hold an item for `reviewer` until the lease runs out (from now, as read now); held
    by another, ClaimedByOther says until when in the shop's `zones` time."""
    now = clock()
    with transaction(store) as conn:
        taken = lifecycle.claim(conn, item_id, holder=reviewer, until=now + lease, now=now)
    found = entry(store, item_id)
    if not taken:
        assert found.item.claimed_by and found.item.claimed_until
        raise ClaimedByOther(
            item_id,
            found.item.claimed_by,
            found.item.claimed_until,
            zones(found.item.shop_id),
        )
    return found


def renew(
    store: Engine,
    item_id: int,
    *,
    reviewer: str,
    lease: timedelta = CLAIM,
    clock: Clock = utcnow,
) -> datetime | None:
    """Hold an item `reviewer` has open for another lease from now (read now); None when it
    was decided meanwhile, or another reviewer took it after the claim ran out."""
    now = clock()
    with transaction(store) as conn:
        held = lifecycle.claim(
            conn,
            item_id,
            holder=reviewer,
            until=now + lease,
            now=now,
            states=lifecycle.TO_HOLD,
        )
    return now + lease if held else None


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
    """The next item to decide (translated, or blocked by preflight) nobody else holds,
    claimed for `reviewer`; None when the queue is empty (items in `skip` were passed over
    this session)."""
    while True:
        now = clock()
        candidates = [
            e
            for e in queue(
                store,
                shop_id=shop_id,
                language=language,
                states=lifecycle.TO_DECIDE,
                reviewer=reviewer,
                now=now,
                limit=len(skip) + 20,
                for_a_person=True,
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


def place(store: Engine, item: Record, *, shop_id: str | None = None) -> tuple[int, int]:
    """Where an item stands among those a reviewer is handed in its language: (n, N)."""
    with read_connection(store) as conn:
        return lifecycle.place(conn, item, states=lifecycle.TO_DECIDE, shop_id=shop_id)


def superseded(store: Engine, current: Entry) -> Record | None:
    """The item this one replaces (gone stale when the source changed), or None."""
    with read_connection(store) as conn:
        return lifecycle.superseded(conn, current.item)


def release(store: Engine, item_id: int, *, reviewer: str) -> None:
    """Give back an item `reviewer` holds (skipped, or the reviewer quit)."""
    with transaction(store) as conn:
        lifecycle.release(conn, item_id, holder=reviewer)


def recheck(
    store: Engine, settings: Settings | None, entry: Entry, edits: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The item's findings with those of the edited fields made again for the new text."""
    from localize.prices import shop_prices
    from localize.text import checks, html, leftovers, protect
    from localize.text.service import load_terms

    unknown = set(edits) - set(FIELDS)
    if unknown:
        raise BadInput(
            f"cannot edit {echoed(', '.join(sorted(unknown)))}; the fields are {', '.join(FIELDS)}"
        )
    item, listing = entry.item, entry.listing
    limits = _limits(settings, item.shop_id)
    terms = load_terms(store, scope=item.shop_id, language=item.language)
    # a reviewer may write a yuan price converted at the shop's rate, as a run does
    shop = next((s for s in settings.shops if s.id == item.shop_id), None) if settings else None
    prices = shop_prices(settings, shop)
    kept_findings = [f for f in item.findings if lifecycle.field_of(f) not in edits]
    for name, text in edits.items():
        # the source as the engines got it (its leftovers cleaned), as `localize run` checks
        source = leftovers.clean_source(getattr(listing, name) or "", name).text
        pieces = html.split(source).texts() if name == "description" else [source]
        kept = tuple(k for piece in pieces for k in protect.protect(piece, terms).kept)
        found = checks.check(
            source,
            text,
            field=name,
            target_lang=item.language,
            kept=kept,
            limits=limits,
            prices=prices,
        )
        kept_findings += [f.as_dict() for f in found]
    return kept_findings


def display_zone(settings: Settings | None, shop_id: str) -> ZoneInfo | None:
    """The zone the shop's team reads times in (as cadence shows them); None when no
    shops file names the shop (times are then shown in UTC, said so)."""
    shop = next((s for s in settings.shops if s.id == shop_id), None) if settings else None
    return shop.display_zone(settings.markets) if shop and settings else None


def zones_of(settings: Settings | None) -> Zones:
    """Each shop's display zone by the shops file (`display_zone`), for refusals' times."""
    return lambda shop_id: display_zone(settings, shop_id)


def _limits(settings: Settings | None, shop_id: str) -> checks.Limits:
    from localize.text import checks

    shop = next((s for s in settings.shops if s.id == shop_id), None) if settings else None
    if settings is None or shop is None:
        return checks.Limits()
    market = settings.markets.market(shop.market)
    return checks.Limits.of(market)


def _edited(
    session: Session,
    current: Entry,
    edits: Mapping[str, str],
    findings: list[dict[str, Any]],
    reviewer: str,
    zone: ZoneInfo | None = None,
) -> None:
    """The edit as a change (a blocked item's reasons are cleared: preflight judges the new
    text) and its decision, in the caller's transaction."""
    lifecycle.change(
        session,
        current.item,
        ItemState.TRANSLATED,
        actor=reviewer,
        reason="edited",
        zone=zone,
        findings=findings,
        error=None,
        needs_person=None,  # a person's text at last, for a rejected item that waited
        origins={**(current.item.origins or {}), **dict.fromkeys(edits, "review")},
        **edits,
    )
    _decision(session, current.item, reviewer, Decision.EDIT, "")


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
    revision: int | None = None,
) -> Outcome:
    """Approve an item (after `edits`, checked again); error-level findings block it unless
    `override` gives the reason. Nothing is written when the approval is refused; the edit
    and the approval are one transaction, except that an edited caption is stored first so
    that its images can be drawn again before the approval. `version` is the lock's,
    `revision` the version the reviewer was shown."""
    bounded("--override", override or "", REASON_MAX)
    zones = zones_of(settings)
    current = _decidable(
        store, item_id, version, editing=bool(edits), revision=revision, zones=zones
    )
    zone = zones(current.item.shop_id)
    drawn_first = 0
    if undrawn_regions(current.item.findings) and settings and images_root:
        # a region edit saved and not drawn (a kill between them): drawn before it is judged
        outcome = Outcome(current.item, Decision.EDIT)
        drawn = _rerender(
            store, settings, current, images_root, outcome, current.item.version, reviewer
        )
        if outcome.notes:
            return outcome
        current = _decidable(store, item_id, None, editing=bool(edits), zones=zones)
        drawn_first = drawn.images
    edits = {k: v for k, v in (edits or {}).items() if v != (getattr(current.item, k) or "")}
    if not edits and current.item.state in (ItemState.REJECTED, ItemState.FAILED):
        _decidable(store, item_id, version, zones=zones)  # rejected, no text of one's own
    findings = recheck(store, settings, current, edits) if edits else list(current.item.findings)
    # (an item read before Chinese kept as printing on a doubted thing was an error gets
    # it now: approved over it only with a reason, which publish preflight then finds)
    from localize.image.regions import with_doubted

    findings = with_doubted(findings)
    errors = lifecycle.open_errors(findings)
    if errors and not (override and override.strip()):
        raise lifecycle.ApprovalBlocked(item_id, errors)
    if lifecycle.unoverridable(errors):
        raise lifecycle.CannotOverride(item_id, lifecycle.unoverridable(errors))
    redraw = "caption" in edits and bool(current.listing.images)
    if redraw and (settings is None or images_root is None):
        raise BadInput(
            f"item {item_id}: a new caption means its images are drawn again, which needs the "
            "shop's configuration (--config shops.toml); nothing was changed"
        )
    if redraw:
        assert settings is not None
        settings.shop(current.item.shop_id)  # a shop the file does not know: before writing
        _drawable_caption(settings, current.item, edits["caption"])
    outcome = Outcome(current.item, Decision.APPROVE)
    if redraw:
        assert settings is not None and images_root is not None
        with _kept_if_lost(store, current, edits, reviewer, saved_as=None, zone=zone):
            with session_scope(store) as session:
                _edited(session, current, edits, findings, reviewer, zone)
        mine = current.item.version  # the version this edit made: approve only that
        drawn = _rerender(store, settings, current, images_root, outcome, mine, reviewer)
        mine = drawn.versions.get(item_id, mine)
        outcome.rerendered = drawn.images
        saved_as = current.item.revision  # the version the reviewer would be shown
        current = entry(store, item_id)
        if current.item.version != mine:  # someone changed it while it was drawn
            with read_connection(store) as conn:
                now = lifecycle.snapshot(conn, item_id)
            raise EditOvertaken(item_id, now, edits, saved_as, zone)
        if outcome.notes or current.item.state != ItemState.TRANSLATED:
            outcome.item, outcome.decision = current.item, Decision.EDIT
            outcome.notes.append(
                f"item {item_id}: the edit is saved (version {current.item.version}) but its "
                "images could not be drawn again, so it is not approved"
            )
            return outcome
        edits_written: Mapping[str, str] = {}
    else:
        edits_written, saved_as = edits, None
    overriding = bool(override and errors)
    decided = Decision.OVERRIDE if overriding else Decision.APPROVE
    # the approval is conditional on the version this reviewer's own edit produced
    with _kept_if_lost(store, current, edits, reviewer, saved_as=saved_as, zone=zone):
        with session_scope(store) as session:
            if edits_written:
                _edited(session, current, edits_written, findings, reviewer, zone)
            lifecycle.change(
                session,
                current.item,
                ItemState.APPROVED,
                actor=reviewer,
                zone=zone,
                override=override if overriding else None,
                error=None,
                claimed_by=None,
                claimed_until=None,
                **(
                    {"findings": findings}
                    if not edits and findings != current.item.findings
                    else {}
                ),
            )
            _decision(session, current.item, reviewer, decided, override or "")
            if edits:
                outcome.remembered = _remember(session, current, edits)
    outcome.item, outcome.decision = current.item, decided
    outcome.rerendered += drawn_first
    return outcome


@contextmanager
def _kept_if_lost(
    store: Engine,
    current: Entry,
    edits: Mapping[str, str],
    reviewer: str,
    *,
    saved_as: int | None,
    zone: ZoneInfo | None = None,
) -> Iterator[None]:
    """An edit that lost to someone else's change is kept in the item's history (unless it
    was saved already) and the reviewer told who changed it and what their text was."""
    try:
        yield
    except lifecycle.ItemChanged:
        if not edits:
            raise
        from store.queries import audit

        item = current.item
        with session_scope(store) as session:
            now = lifecycle.snapshot(session, item.id)
            if saved_as is None:
                by = f" by {now.actor}" if now and now.actor else ""
                audit(
                    session,
                    actor=reviewer,
                    shop_id=item.shop_id,
                    entity="localization_item",
                    entity_id=item.id,
                    action=lifecycle.NOT_APPLIED,
                    detail={
                        "from": item.state,
                        "to": lifecycle.NOT_APPLIED,
                        "reason": f"changed{by} meanwhile: the edit was not saved",
                        "text": {
                            name: {"before": getattr(item, name), "after": text}
                            for name, text in edits.items()
                        },
                    },
                )
        raise EditOvertaken(item.id, now, edits, saved_as, zone) from None


def _drawable_caption(settings: Settings, item: Record, caption: str) -> None:
    """Refuse, before anything is written, a caption the language's font cannot draw: saved,
    it would fail every image and leave the item failed, the reviewer's edit lost to the
    next `localize run`."""
    from localize.image.fonts import FontError
    from localize.image.render import validate_caption

    try:
        validate_caption(
            caption,
            settings.markets.script(item.language),
            settings.markets.language_name(item.language),
        )
    except FontError as exc:
        raise BadInput(
            msg("item {id}: caption: {problem}; nothing was changed", id=item.id, problem=exc.text)
        ) from None


def reject(
    store: Engine,
    item_id: int,
    *,
    reviewer: str,
    reason: str,
    version: int | None = None,
    revision: int | None = None,
    fields: Sequence[str] = (),
    images: Sequence[int] = (),
    zones: Zones = in_utc,
) -> Outcome:
    """Reject an item, for a reason, as a whole or the `fields` and `images` (1-based)
    named: `localize run` asks the chain's next engine for the rejected texts and never
    takes them again (the machine ones leave the memory), and draws the rejected images
    again; or (on_reject = "person") a reviewer edits and approves it."""
    if not reason.strip():
        raise BadInput(msg("a rejection needs a reason (--reason)"))
    bounded("--reason", reason, REASON_MAX)
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        raise BadInput(
            f"--field {echoed(', '.join(unknown))}: the fields are {', '.join(FIELDS)}; "
            "nothing was changed"
        )
    current = _decidable(store, item_id, version, revision=revision, zones=zones)
    item, listing = current.item, current.listing
    count = len(listing.images)
    wrong = [n for n in images if not 1 <= n <= count]
    if wrong:
        raise BadInput(
            f"item {item_id} has no image {wrong[0]}"
            + (f"; its images are 1-{count}" if count else "; it has none")
            + "; nothing was changed"
        )
    # only images named: the text stands (it comes back from the memory as it was)
    named = list(dict.fromkeys(fields)) or ([] if images else list(FIELDS))
    outcome = Outcome(item, Decision.REJECT)
    shown = item.revision
    with session_scope(store) as session:
        texts = {name: getattr(item, name) or "" for name in named}
        on_images = [
            (str(r["text"]), str(r["translation"]))
            for f in item.findings
            if f.get("code") == "image_text"
            and f.get("image") is not None
            and int(f["image"]) + 1 in images
            for r in f.get("regions") or []
            if r.get("translation") and r.get("text")
        ]
        segments = _rejected_segments(session, current, texts, on_images)
        redraw = {}
        if images and len(item.images) == count:  # drawn ones go back to the original
            redraw["images"] = [
                listing.images[n] if n + 1 in images else have for n, have in enumerate(item.images)
            ]
            redraw["findings"] = _to_redraw(item.findings, images)
        lifecycle.change(
            session,
            item,
            ItemState.REJECTED,
            actor=reviewer,
            reason=reason,
            zone=zones(item.shop_id),
            claimed_by=None,
            claimed_until=None,
            needs_person=None,
            **redraw,
        )
        _decision(
            session,
            item,
            reviewer,
            Decision.REJECT,
            reason,
            detail={
                "version": shown,
                "fields": named,
                "texts": {k: v for k, v in texts.items() if v},
                "segments": segments,
                "images": sorted(set(images)),
            },
        )
        pairs = [(str(source), str(text)) for source, text, _ in segments]
        outcome.forgotten, outcome.human = _forget(session, current, pairs)
    return outcome


def _rejected_segments(
    session: Session,
    current: Entry,
    texts: Mapping[str, str],
    on_images: Sequence[tuple[str, str]] = (),
) -> list[list[str | None]]:
    """[source segment, rejected text, the engine that gave it (None when unknown)] for the
    rejected fields and the text regions of rejected images, read before their memory
    entries go."""
    from sqlmodel import col

    from localize.text import memory
    from store.models import TranslationMemory

    item, listing = current.item, current.listing
    out: list[list[str | None]] = []
    named: list[tuple[str | None, list[tuple[str, str]]]] = [
        (name, _pairs(listing, {name: text})) for name, text in texts.items()
    ] + [(None, list(on_images))]
    for name, pairs in named:
        origin = (item.origins or {}).get(name) or "" if name else ""
        single = origin if origin and "+" not in origin and origin not in NOT_ENGINES else None
        for source, target in pairs:
            rows = session.execute(
                select(TranslationMemory.origin, TranslationMemory.target_text).where(
                    col(TranslationMemory.scope).in_([item.shop_id, ""]),
                    TranslationMemory.source_lang == SOURCE_LANGUAGE,
                    TranslationMemory.target_lang == item.language,
                    TranslationMemory.source_key == memory.source_key(source),
                    TranslationMemory.quality == Quality.MACHINE,
                )
            ).all()
            engine = next(
                (
                    o
                    for o, t in rows
                    if memory.normalise(t) == memory.normalise(target) and o not in NOT_ENGINES
                ),
                single,
            )
            out.append([source, target, engine])
    return out


def _to_redraw(findings: Sequence[dict[str, Any]], images: Sequence[int]) -> list[dict[str, Any]]:
    """The findings with those of the rejected `images` (1-based) gone, but for their text
    regions: kept, marked rejected, so that the next drawing reads and translates them
    again rather than taking them as a reviewer's, and shows what it changed."""
    out = []
    for f in findings:
        on = f.get("image") is not None and int(f["image"]) + 1 in images
        if on and f.get("code") == "image_text":
            out.append({**f, "rejected": True})
        elif not (on and f.get("code") in REDRAWN):
            out.append(f)
    return out


# Origins that name no engine: a rejected text from them is avoided, no engine skipped.
NOT_ENGINES = frozenset({"memory", "glossary", "none", "review", "tmx", ""})
# An image's findings that go with its drawing: a rejected image is read and drawn again.
REDRAWN = frozenset({"image_text", "image_notes", "poor_erase", "chinese_still_read"})


def _decidable(
    store: Engine,
    item_id: int,
    version: int | None,
    *,
    editing: bool = False,
    revision: int | None = None,
    zones: Zones = in_utc,
) -> Entry:
    """The item as it stands, if a reviewer may decide it now (at `version`, the lock's, or
    at `revision`, the version a reviewer was shown, if given): it waits for review
    (translated, or blocked by preflight), or it was rejected and the reviewer brings their
    own text."""
    current = entry(store, item_id)
    item = current.item
    # a rejected item failed by an outage is still rejected: a person's text is taken
    rejected_failed = False
    if item.state == ItemState.FAILED:
        with read_connection(store) as conn:
            rejected_failed = lifecycle.last_rejection(conn, item_id) is not None
    by_person = {ItemState.REJECTED} | ({ItemState.FAILED} if rejected_failed else set())
    open_to = set(lifecycle.TO_DECIDE) | (by_person if editing else set())
    decided = item.state not in open_to
    moved = version is not None and version != item.version
    shown_other = revision is not None and revision != item.revision
    if decided or moved or shown_other:
        with read_connection(store) as conn:
            if shown_other:
                assert revision is not None
                now = lifecycle.moved_past(conn, item_id, revision)
            else:
                now = lifecycle.snapshot(conn, item_id)
            came = lifecycle.entered(conn, item_id, item.state) if decided else None
        if decided:
            by = came or now  # who decided it, not who last touched it
            raise AlreadyDecided(
                item_id,
                item.state,
                by and by.actor,
                by and by.at,
                bool(item.needs_person),
                zones(item.shop_id),
                takes_text=rejected_failed,
            )
        if shown_other and revision is not None and now is not None and revision > now.revision:
            raise BadInput(
                f"item {item_id} is at version {now.revision}; it has no version {revision} "
                f"(`localize review show {item_id}`)"
            )
        raise lifecycle.ItemChanged(item_id, revision or item.revision, now, zones(item.shop_id))
    return current


def _decision(
    session: Session,
    item: Record | LocalizationItem,
    reviewer: str,
    decision: str,
    reason: str,
    detail: dict[str, Any] | None = None,
) -> None:
    from sqlalchemy import insert

    from store.item_rows import DECISION

    session.flush()  # through Core (no ORM classes to build): what came first is written first
    session.execute(
        insert(DECISION).values(
            item_id=item.id,
            reviewer=reviewer,
            decision=decision,
            reason=reason,
            item_version=item.version,
            at=utcnow(),
            detail=detail or {},
        )
    )


def _pairs(listing: Record | Listing, texts: Mapping[str, str]) -> list[tuple[str, str]]:
    """(source segment, its translation) for each field, where the segments line up."""
    from localize.text import html, leftovers

    pairs: list[tuple[str, str]] = []
    for name, text in texts.items():
        # the source's pieces as the memory holds them (its leftovers cleaned)
        source = leftovers.clean_source(getattr(listing, name) or "", name).text
        if name == "description":
            before, after = html.split(source).texts(), html.split(text).texts()
            if len(before) == len(after):  # otherwise the text was restructured
                pairs += list(zip(before, after, strict=True))
        elif source.strip() and text.strip():
            pairs.append((source, text))
    return pairs


def _remember(session: Session, current: Entry, edits: Mapping[str, str]) -> int:
    """Approved human edits into the memory, segment by segment where they line up; not
    the fields whose errors were overridden (the memory would hand them out as good)."""
    from localize.text import memory

    item, listing = current.item, current.listing
    waved = {lifecycle.field_of(f) for f in item.findings if f.get("overridden_by")}
    pairs = _pairs(listing, {k: v for k, v in edits.items() if k not in waved})
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


def _forget(session: Session, current: Entry, pairs: Sequence[tuple[str, str]]) -> tuple[int, int]:
    """Take the machine translations a reviewer rejected out of the memory (the shop's and
    the shared one), so that translating the item again does not bring them straight
    back; human entries stay. How many went, and how many rejected segments a human entry
    will give again."""
    from sqlmodel import col

    from localize.text import memory
    from store.models import TranslationMemory

    item = current.item
    gone, human = 0, set()
    for source, target in pairs:
        rows = (
            session.execute(
                select(TranslationMemory).where(
                    col(TranslationMemory.scope).in_([item.shop_id, ""]),
                    TranslationMemory.source_lang == SOURCE_LANGUAGE,
                    TranslationMemory.target_lang == item.language,
                    TranslationMemory.source_key == memory.source_key(source),
                )
            )
            .scalars()
            .all()
        )
        for row in rows:
            if memory.normalise(row.target_text) != memory.normalise(target):
                continue
            if row.quality == Quality.MACHINE:
                session.delete(row)
                gone += 1
            else:
                human.add(source)
    return gone, len(human)


def _rerender(
    store: Engine,
    settings: Settings,
    current: Entry,
    images_root: Path,
    outcome: Outcome,
    version: int,
    reviewer: str,
) -> ImageSummary:
    """Draw the item's captioned images again for its new caption, as of `version` (the
    edit's): not at all once someone else changed it."""
    from localize.image.items import run_images

    shop = settings.shop(current.item.shop_id)
    done = run_images(
        store,
        settings,
        shop,
        images_root,
        only=[current.item.id],
        redo=True,
        versions={current.item.id: version},
        actor=reviewer,  # the reviewer's edit is drawn, not a run's work
    )
    outcome.notes += done.errors
    return done


def history(
    store: Engine, item_id: int | None = None, *, shop_id: str | None = None, limit: int = 200
) -> list[dict[str, Any]]:
    """Who changed what and when, newest first: every change of one item, or of a shop."""
    with read_connection(store) as conn:
        query = select(AUDIT).where(AUDIT.c.entity == "localization_item")
        if item_id is not None:
            query = query.where(AUDIT.c.entity_id == str(item_id))
        if shop_id:
            query = query.where(AUDIT.c.shop_id == shop_id)
        rows = [
            r
            for (r,) in records(conn.execute(query.order_by(AUDIT.c.id.desc()).limit(limit)), AUDIT)
        ]
        if item_id is not None and not rows:
            if conn.execute(select(ITEM.c.id).where(ITEM.c.id == item_id)).first() is None:
                raise NoSuchItem(item_id)  # as `show` says: not an item without history
    return [
        {
            "item": int(r.entity_id),
            "shop": r.shop_id,  # whose clock its time is shown in
            "at": r.at,
            "actor": r.actor,
            "action": r.action,
            **{
                k: v
                for k, v in r.detail.items()
                if k in ("from", "to", "reason", "override", "text", "error", "changed")
            },
            # the version a reviewer is shown after this change (older entries lack it)
            **({"version": r.detail["revision"]} if "revision" in r.detail else {}),
            "what": lifecycle.what_changed(r.detail),
        }
        for r in rows
    ]


# The text on an item's images, region by region (issue 13): numbered 1.. across the
# item's images in order, as `review show` lists them and `approve --region N=TEXT` takes.


def undrawn_regions(findings: Sequence[dict[str, Any]]) -> bool:
    """Whether a reviewer's region edit is saved but its image not drawn with it yet."""
    from localize.image.findings import FINDING

    return any(
        r.get("undrawn")
        for f in findings
        if f.get("code") == FINDING
        for r in f.get("regions") or []
    )


# A region edited in review whose image is not drawn with it yet (its state, as --json says it)
UNDRAWN = "edited, not drawn yet"


def image_regions(findings: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every text region on the item's images, numbered across them: image, index, text,
    translation, confidence, state (replaced | kept | untranslated | low_confidence |
    not_chinese) and, when untranslated, why."""
    from localize.image.findings import FINDING

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
                    # saved, its image not drawn with it yet: not "replaced" beside the error
                    "state": UNDRAWN if record.get("undrawn") else record.get("status"),
                    "kind": record.get("kind", "overlay"),
                    **({"reason": record["reason"]} if record.get("reason") else {}),
                    **({"reason": _still_read(record["left"])} if record.get("left") else {}),
                    **({"reason": _beside(record["beside"])} if record.get("beside") else {}),
                    **({"runs": record["runs"]} if record.get("runs") else {}),
                }
            )
    return out


def _still_read(left: Sequence[dict[str, Any]]) -> Msg:
    """Why an erased region is not cleanly replaced: what is still read around it."""
    from localize.image.readback import texts_read

    return msg("still read after erasing: {read}", read=texts_read(left))


def _beside(english: str) -> Msg:
    """Why a replaced region shows nothing of its translation: its own English beside it
    says it (localize.image.regions: a line and its English read as two regions)."""
    return msg("erased, not drawn again: {english!r} beside it says it", english=english)


# A region's state as people read it (`image_regions` and --json keep the words of the left)
REGION_STATES = {
    "replaced": pmsg("region", "replaced"),
    "kept": pmsg("region", "kept"),
    "untranslated": pmsg("region", "untranslated"),
    "low_confidence": msg("read with low confidence"),
    "not_chinese": msg("not Chinese"),
    UNDRAWN: msg("edited, not drawn yet"),
}


def describe_region(region: dict[str, Any]) -> Msg:
    """One region of `image_regions` on a line, as the queue shows it."""
    translation = f" -> {region['translation']!r}" if region["translation"] else ""
    from localize.image.product import KIND_NAMES

    why = msg(" ({reason})", reason=region["reason"]) if region.get("reason") else ""
    kind = KIND_NAMES.get(region.get("kind") or "overlay", str(region.get("kind")))
    said = msg(
        "{index}. image {image}: {text}{translation}  {state}{why}, confidence {confidence}; "
        "{kind}",
        index=region["index"],
        image=region["image"],
        text=repr(region["text"]),
        translation=translation,
        state=REGION_STATES.get(region["state"], region["state"]),
        why=why,
        confidence=region["confidence"],
        kind=kind,
    )
    if not region.get("runs"):
        return said
    return msg("{region}; {runs}", region=said, runs=Joined(_runs(region["runs"]), SEMICOLON))


def _runs(runs: Sequence[dict[str, Any]]) -> list[Msg]:
    """A region's characters in a colour of their own (regions.py's records), as the
    queue shows them: what they were drawn as, or that the translation is one colour."""
    from localize.image.emphasis import colour_name

    said = []
    for run in runs:
        code = str(run.get("colour", "#000000"))
        colour = colour_name(tuple(int(code[k : k + 2], 16) for k in (1, 3, 5)))  # type: ignore[arg-type]
        if run.get("at"):
            said.append(
                msg(
                    "{text!r} was {colour} ({code}): {words!r} drawn {colour} too",
                    text=run["text"],
                    colour=colour,
                    code=code,
                    words=run["translation"],
                )
            )
        else:
            said.append(
                msg(
                    "{text!r} was {colour} ({code}): the translation drawn in one colour",
                    text=run["text"],
                    colour=colour,
                    code=code,
                )
            )
    return said


def _region_findings(
    store: Engine,
    settings: Settings,
    current: Entry,
    edits: Mapping[int, str],
    keep: Sequence[int],
) -> list[dict[str, Any]]:
    """The item's findings with the regions' records edited (a new translation, checked
    like any other text and drawable; or kept as the product's own printing). A price
    region's numbers are the reviewer's local price, not the yuan: the number check does
    not hold them to the source. Keeping Chinese overlay text (not the product's printing)
    adds an error finding that only an override with a reason clears."""
    from localize.image.product import PRICE
    from localize.image.regions import FINDING, kept_overlay, usable, with_doubted

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
    both = sorted(set(edits) & set(keep))
    if both:  # keep won silently, and the translation given was lost (a stranger's trial)
        raise BadInput(
            msg(
                "region(s) {regions}: given both a translation (--region N=TEXT) and "
                "--keep-region N; give one of the two; nothing was changed",
                regions=", ".join(map(str, both)),
            )
        )
    for n in [*edits, *keep]:
        if not 1 <= n <= len(numbered):
            raise BadInput(
                f"item {item.id} has no region {n}"
                + (f"; its regions are 1-{len(numbered)}" if numbered else "; it has none")
                + f" (`localize review show {item.id}`)"
            )
    from localize.text import checks, protect
    from localize.text.service import load_terms

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
        if record.get("kind") == PRICE:  # a local price's numbers are not the yuan's
            found = [f for f in found if f.code != "numbers"]
        problems = [f.message for f in found if f.severity == "error"] + usable(text, script)
        if problems:
            raise BadInput(f"region {n} ({source!r}): {'; '.join(problems)}")
        # not drawn yet: a run or the next approve draws it (a kill may come between)
        record.update(translation=text.strip(), keep=False, status="replaced", undrawn=True)
        record.pop("reason", None)
    for n in keep:
        numbered[n - 1].update(keep=True, status="kept", undrawn=True)
        numbered[n - 1].pop("reason", None)
    kept = [(n, r) for n, r in enumerate(numbered, start=1) if kept_overlay(r)]
    message = (
        "images: Chinese overlay text kept, not the product's own printing: "
        + ", ".join(f"region {n} {r['text']!r}" for n, r in kept)
        + "; give it a translation (--region N=TEXT) or approve with --override REASON"
        " (publishing still refuses Chinese on a main image)"
    )
    before = [f for f in findings if f.get("code") == KEPT_OVERLAY]
    findings = [f for f in findings if f.get("code") != KEPT_OVERLAY]
    if kept:  # the same regions kept as before: the finding (and its override) stands
        same = [f for f in before if f.get("message") == message]
        findings += same or [{"code": KEPT_OVERLAY, "severity": "error", "message": message}]
    return with_doubted(findings)  # a doubted region given a translation is no longer one


KEPT_OVERLAY = "image_text_kept"  # the error a kept Chinese overlay region raises


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
    revision: int | None = None,
) -> Outcome:
    """Edit the translation of text regions on an item's images (or keep them as printed)
    and draw its images again with them, one unit: the edit is stored with its drawing in
    one transaction, or not at all (the notes say why); the item stays in review."""
    from localize.image.items import Unsaved, run_images

    if settings is None or images_root is None:
        raise BadInput("editing the text on images needs the shop's configuration (--config)")
    current, findings, save = _region_edit(
        store, settings, item_id, reviewer=reviewer, edits=edits, keep=keep, version=version,
        revision=revision,
    )  # fmt: skip
    outcome = Outcome(current.item, Decision.EDIT)
    shop = settings.shop(current.item.shop_id)
    drawn = run_images(
        store,
        settings,
        shop,
        images_root,
        only=[item_id],
        redo=True,
        versions={item_id: current.item.version},  # as the reviewer's edit found it
        actor=reviewer,
        unsaved=Unsaved(item_id, findings, save),
    )
    if drawn.errors:
        outcome.notes += [
            msg(
                "item {id}: the region edit is not saved: its images could not be drawn "
                "with it ({errors}); the regions are as they were",
                id=item_id,
                errors=Joined([e.split(": ", 1)[-1] for e in drawn.errors], SEMICOLON),
            )
        ]
        return outcome
    if item_id not in drawn.versions:  # changed by someone else since it was read
        with read_connection(store) as conn:
            now = lifecycle.snapshot(conn, item_id)
        zone = zones_of(settings)(current.item.shop_id)
        raise lifecycle.ItemChanged(item_id, current.item.revision, now, zone)
    outcome.rerendered = drawn.images
    outcome.item = entry(store, item_id).item
    return outcome


def _region_edit(
    store: Engine,
    settings: Settings,
    item_id: int,
    *,
    reviewer: str,
    edits: Mapping[int, str],
    keep: Sequence[int] = (),
    version: int | None = None,
    revision: int | None = None,
) -> tuple[Entry, list[dict[str, Any]], Callable[[Session, Any], None]]:
    """A region edit checked and not written: the item as read, its findings with the
    regions' new text (marked not drawn yet) and what writes them in a session."""
    # a region's text is a person's own, as --set is: a rejected item takes it
    zones = zones_of(settings)
    current = _decidable(
        store, item_id, version, editing=bool(edits), revision=revision, zones=zones
    )
    findings = _region_findings(store, settings, current, edits, keep)
    mine = {"needs_person": None, "error": None} if edits else {}
    regions = image_regions(current.item.findings)
    after = {**{n: text.strip() for n, text in edits.items()}}
    after.update({n: regions[n - 1]["text"] for n in keep})  # kept: the printing itself
    said = {
        f"region {n}": {"before": regions[n - 1]["translation"], "after": text}
        for n, text in sorted(after.items())
    }

    def save(session: Session, item: Any) -> None:
        lifecycle.change(
            session,
            item,
            ItemState.TRANSLATED,
            actor=reviewer,
            reason="image text edited",
            zone=zones(current.item.shop_id),
            findings=findings,
            seen="text on images",
            text=said,
            **mine,
        )
        _decision(session, item, reviewer, Decision.EDIT, "")

    return current, findings, save


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
    revision: int | None = None,
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
            revision=revision,
            **approval,
        )
    if keep_regions and not (approval.get("override") or "").strip():
        _keeping_overlay_refused(store, item_id, keep_regions, regions or {})
    edited = edit_regions(
        store,
        settings,
        item_id,
        reviewer=reviewer,
        edits=regions or {},
        keep=keep_regions,
        version=version,
        images_root=images_root,
        revision=revision,
    )
    if edited.notes:
        return edited
    outcome = approve(
        store, settings, item_id, reviewer=reviewer, images_root=images_root, **approval
    )
    outcome.rerendered += edited.rerendered
    return outcome


def _keeping_overlay_refused(
    store: Engine, item_id: int, keep: Sequence[int], edits: Mapping[int, str]
) -> None:
    """BadInput, before anything is written, when `--keep-region` would keep Chinese laid
    over the picture (not the product's own printing), or Chinese on a thing that may not
    be the product (regions.DOUBTED), without `--override REASON`: the reviewer's own input
    is refused, a usage error (exit 2) that says what to give. It was saved, the images
    drawn again, and the approval then refused as "the job found failures" (exit 1): a
    stranger's trial."""
    from localize.image.findings import FINDING
    from localize.image.regions import is_doubted, kept_overlay

    numbered = [
        record
        for f in sorted(
            (f for f in entry(store, item_id).item.findings if f.get("code") == FINDING),
            key=lambda f: f["image"],
        )
        for record in f.get("regions") or []
    ]
    asked = [
        n
        for n in dict.fromkeys(keep)  # (a region named twice is said once)
        if 1 <= n <= len(numbered) and n not in edits  # out of range: the edit says which exist
    ]
    kept = {n: {**numbered[n - 1], "status": "kept"} for n in asked}
    overlay = [n for n in asked if kept_overlay(kept[n])]
    doubted = [n for n in asked if is_doubted(kept[n])]
    if not overlay and not doubted:
        return

    def named(regions: list[int]) -> Joined:
        return Joined(
            [
                msg("region {n} {text!r}", n=n, text=str(numbered[n - 1].get("text")))
                for n in regions
            ]
        )

    said = []
    if overlay:
        said.append(
            msg(
                "{regions}: Chinese laid over the picture, not the product's own printing "
                "(publishing still refuses Chinese on a main image, even with a reason)",
                regions=named(overlay),
            )
        )
    if doubted:
        said.append(
            msg(
                "{regions}: Chinese on what may not be the product (a card, a sticker, a table)",
                regions=named(doubted),
            )
        )
    raise BadInput(
        msg(
            "--keep-region: {regions}. Keeping it needs --override REASON (why it may stay), "
            "or give it a translation instead with --region N=TEXT; nothing was changed",
            regions=Joined(said, SEMICOLON),
        )
    )
