"""A localization item's life, in one place: which state changes are allowed, the one
function every change goes through, and the queries over the queue.

Every change is a conditional update (`WHERE id = ... AND version = ...`): a writer that
read an older version loses and is told who changed the item and when, so two reviewers
(or a reviewer and `localize run`) can never both win. Every change writes an audit entry
with its actor and reason in the same transaction. Error-level findings block approval
unless a person overrides them with a reason, which is recorded on the findings.

The queue's queries are SQLAlchemy Core over store.item_rows, run on a Core connection
or on a session alike: `localize review` paints its first item without importing the ORM
(store.models), which only what changes an item through the ORM imports, when it runs.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, or_, select, update

from config.errors import AppError, ExitCode
from config.i18n import SEMICOLON, Joined, Msg, msg
from config.runtime import utcnow
from localize.text import PUBLISH_ENFORCED
from store.item_rows import AUDIT, DECISION, ITEM, LISTING, Record, records
from store.states import Decision, ItemState

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from sqlalchemy import Connection
    from sqlmodel import Session

    from store.models import Listing, LocalizationItem

    Item = LocalizationItem | Record  # read through the ORM, or through Core

S = ItemState

# from -> the states it may move to. Staying in a state (an edit, images added) is a
# change too: it bumps the version and is audited, but only where the table allows it.
TRANSITIONS: dict[ItemState, frozenset[ItemState]] = {
    S.PENDING: frozenset({S.TRANSLATED, S.FAILED, S.STALE}),
    # or rejected again: a rejected item failed by an outage, then given the rejected text
    S.FAILED: frozenset({S.TRANSLATED, S.FAILED, S.REJECTED, S.STALE}),
    S.TRANSLATED: frozenset({S.TRANSLATED, S.APPROVED, S.REJECTED, S.FAILED, S.STALE}),
    # translated again, or edited; or left rejected, waiting for a person's translation
    S.REJECTED: frozenset({S.TRANSLATED, S.REJECTED, S.FAILED, S.STALE}),
    S.APPROVED: frozenset({S.PUBLISHED, S.BLOCKED, S.TRANSLATED, S.STALE}),
    S.BLOCKED: frozenset({S.APPROVED, S.BLOCKED, S.TRANSLATED, S.REJECTED, S.STALE}),
    S.PUBLISHED: frozenset({S.PUBLISHED}),
    S.STALE: frozenset(),
}
# Items whose source changed can no longer be approved or published as they are.
STALE_FROM = frozenset(s for s, targets in TRANSITIONS.items() if S.STALE in targets)
# What `localize run` (re)translates (a rejected item is translated again), and what waits
# for a reviewer.
TO_TRANSLATE = (S.PENDING, S.FAILED, S.REJECTED)
TO_REVIEW = (S.TRANSLATED, S.STALE, S.BLOCKED)  # blocked: approved, but preflight says why not
# What a reviewer is handed to decide: stale items are listed, not decided (their source
# changed; the new item of the listing is the one to review).
TO_DECIDE = (S.TRANSLATED, S.BLOCKED)
# What a reviewer may hold: besides those, a rejected item waiting for their translation.
TO_HOLD = (*TO_DECIDE, S.REJECTED)
# Fields a change may write besides the state (the rest of the row is the item's identity).
WRITABLE = frozenset(
    {"title", "description", "caption", "origins", "findings", "images", "error", "attempts"}
    | {"claimed_by", "claimed_until"}  # a decision ends the reviewer's claim
    | {"needs_person"}
)
TEXT_FIELDS = ("title", "description", "caption")
# Why a rejected item waits for a person's translation (its `needs_person`), and how
# `review show`, `list` and the UI say it.
NO_NEW_TEXT = "engines"  # every engine gave only the rejected text
ON_REJECT_PERSON = "person"  # the shop's on_reject leaves rejected items to a person
PERSON_SAYS = {
    ON_REJECT_PERSON: msg(
        'waits for a person\'s translation (on_reject = "person"): approve it with your text '
        "(--set FIELD=TEXT, or e in `localize review`)"
    ),
    NO_NEW_TEXT: msg(
        "waits for a person's translation: every engine gave only the rejected text; approve it "
        "with your text (--set FIELD=TEXT, or e in `localize review`)"
    ),
}
ERROR = "error"
# An audit entry of an edit that lost to someone else's change: kept for its text, not a
# change of the item (so never "who last changed it").
NOT_APPLIED = "not applied"


class IllegalTransition(AppError):
    """A state change the item's life does not allow."""

    def __init__(self, item_id: int, current: str, wanted: str) -> None:
        from localize.views import ITEM_STATES, word

        allowed = [word(ITEM_STATES, s) for s in sorted(TRANSITIONS[ItemState(current)])]
        super().__init__(
            msg(
                "item {id} is {current}; it cannot become {wanted} (from {current}: {allowed})",
                id=item_id,
                current=word(ITEM_STATES, current),
                wanted=word(ITEM_STATES, wanted),
                allowed=allowed or msg("nothing (it is final)"),
            )
        )


class CannotOverride(AppError):
    """An override of errors that publish preflight refuses anyway: it would only block."""

    exit_code = ExitCode.FAILURES

    def __init__(self, item_id: int, errors: Sequence[dict[str, Any]]) -> None:
        super().__init__(
            msg(
                "item {id}: {listed} cannot be overridden: publishing refuses it whatever the "
                "review says, so the item would only be blocked. Edit the text instead "
                "(--set FIELD=TEXT, or e in `localize review`); nothing was changed",
                id=item_id,
                listed=_listed(errors),
            )
        )


class ItemChanged(AppError):
    """Someone else changed the item since it was read: this change lost, nothing written."""

    exit_code = ExitCode.FAILURES

    def __init__(
        self,
        item_id: int,
        read_revision: int,
        now: ItemSnapshot | None,
        zone: ZoneInfo | None = None,
    ) -> None:
        from localize.views import ITEM_STATES, word

        if now is None:
            message = msg("item {id} no longer exists", id=item_id)
        else:
            by = changed_by(now, zone)
            what = msg(": {what}", what=now.what) if now.what else ""
            # versions as a reviewer counts them: the same number means the same text
            had = (
                msg("; you had version {version}", version=read_revision)
                if read_revision != now.revision
                else ""
            )
            message = msg(
                "item {id} was changed{by}{what} (it is {state}, version {version}{had}); "
                "nothing was written — reload it and decide again",
                id=item_id,
                by=by,
                what=what,
                state=word(ITEM_STATES, now.state),
                version=now.revision,
                had=had,
            )
        super().__init__(message)


def changed_by(now: ItemSnapshot, zone: ZoneInfo | None) -> Msg | str:
    """' by X at Sun 06 Dec 14:39 Beijing': who changed an item last and when, in the
    team's display `zone` as review shows times ('' when nobody is recorded)."""
    from config.times import Moment

    if not now.actor:
        return ""
    return msg(" by {actor} at {at}", actor=now.actor, at=Moment(now.at, zone))


# The error findings of text left on an item's images: `approve --region N=TEXT` fixes them.
ON_IMAGES = frozenset({"image_text", "chinese_still_read", "image_text_doubted"})


class ApprovalBlocked(AppError):
    """Error-level findings stand and nobody overrode them."""

    exit_code = ExitCode.FAILURES

    def __init__(self, item_id: int, errors: Sequence[dict[str, Any]]) -> None:
        fixed = sorted({str(f.get("code")) for f in unoverridable(errors)})
        if fixed:  # an override would be refused too: say so now, not one try later
            what = msg(
                "Edit the text until it is clean ({codes} cannot be overridden: "
                "publishing refuses it whatever the review says)",
                codes=fixed,
            )
        else:
            what = msg(
                "Edit the text until it is clean, or approve with an override and its reason"
            )
        if any(f.get("code") in ON_IMAGES for f in errors):  # only --region edits those
            what = msg(
                "{what}. The text on its images: give your own with --region N=TEXT (the "
                "regions are numbered in `localize review show {id}`)",
                what=what,
                id=item_id,
            )
        super().__init__(
            msg(
                "item {id} has {count} error(s): {listed}. {what}",
                id=item_id,
                count=len(errors),
                listed=_listed(errors),
                what=what,
            )
        )


def _listed(errors: Sequence[dict[str, Any]]) -> Joined:
    """Stored findings as a refusal names them: 'code: message; code: message', each
    message in the reader's language."""
    from localize.text.checks import said

    return Joined(
        [msg("{code}: {message}", code=str(f.get("code")), message=said(f)) for f in errors],
        SEMICOLON,
    )


@dataclass(frozen=True)
class ItemSnapshot:
    """Where an item stands now, and who last changed it."""

    state: str
    version: int
    actor: str | None
    at: datetime
    revision: int = 0  # the version a reviewer sees
    what: str = ""  # what that change did, in a reviewer's words ("title edited")


def field_of(finding: Mapping[str, Any]) -> str:
    """The field a stored finding is about: every message starts with it ('title: ...')."""
    return str(finding.get("message", "")).split(":", 1)[0]


def open_errors(findings: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Error-level findings nobody has overridden: these block approval and publishing."""
    return [f for f in findings if f.get("severity") == ERROR and not f.get("overridden_by")]


# Errors no reason makes publishable: those preflight enforces itself whatever a reviewer
# says (a title or description outside the market's lengths, tags TikTok refuses), and
# those that would go out broken (tags in a title or caption show as typed, control
# characters, emoji in a caption: its fonts have none).
ALWAYS_BLOCKED = PUBLISH_ENFORCED | frozenset({"markup", "control_character", "caption_emoji"})


def unoverridable(findings: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Open errors an override cannot clear: what publish preflight blocks anyway (lengths,
    tags TikTok refuses, Chinese left in a title) and what would go out broken (tags in
    plain text, control characters)."""
    return [
        f
        for f in open_errors(findings)
        if f.get("code") in ALWAYS_BLOCKED
        or (f.get("code") == "chinese_left" and str(f.get("message", "")).startswith("title:"))
    ]


def overridden(findings: Iterable[dict[str, Any]], *, by: str, reason: str) -> list[dict[str, Any]]:
    """The findings with every open error marked as overridden by `by` for `reason`."""
    return [
        {**f, "overridden_by": by, "override_reason": reason}
        if f.get("severity") == ERROR and not f.get("overridden_by")
        else dict(f)
        for f in findings
    ]


def change(
    session: Session,
    item: Item,
    to: ItemState,
    *,
    actor: str,
    reason: str = "",
    override: str | None = None,
    now: datetime | None = None,
    seen: str = "",
    says: object = None,
    zone: ZoneInfo | None = None,
    text: Mapping[str, Mapping[str, str | None]] | None = None,
    **fields: Any,
) -> Item:
    """Move `item` (as read, at its version) to `to`, writing `fields`; the only way any
    item's state or content changes. Staying in its state with nothing different writes
    nothing. The reviewer version (`revision`) becomes 1 when the item first waits for
    review and moves with its text, or with what `seen` names (text on its images).

    Raises IllegalTransition for a change the table forbids, ApprovalBlocked when approval
    meets open errors without `override` (a reason), CannotOverride for errors publishing
    refuses anyway, and ItemChanged when the item moved on since it was read. On success
    `item` holds the new values and an audit entry is added. `zone` is the one the team
    reads times in, for the refusal's "changed by X at T". A new caption drops the images
    drawn with the old one (they are drawn again, or publish preflight blocks the item); an
    item going stale keeps, in its audit entry, the source it was translated from (callers
    mark items stale before they write the listing's new source).
    """
    from sqlalchemy.orm.attributes import set_committed_value

    from store.item_rows import audit

    assert item.id is not None
    unknown = set(fields) - WRITABLE
    if unknown:
        raise ValueError(f"not writable through a change: {', '.join(sorted(unknown))}")
    current = ItemState(item.state)
    if to not in TRANSITIONS[current]:
        raise IllegalTransition(item.id, current, to)
    if to is ItemState.APPROVED:
        findings = fields.get("findings", item.findings)
        errors = open_errors(findings)
        if errors and not (override and override.strip()):
            raise ApprovalBlocked(item.id, errors)
        if unoverridable(errors):
            raise CannotOverride(item.id, unoverridable(errors))
        if errors:
            fields["findings"] = overridden(findings, by=actor, reason=override or "")
    dropped = (
        "caption" in fields
        and fields["caption"] != item.caption
        and "images" not in fields
        and bool(item.images)
    )
    if dropped:  # images carry the caption they were drawn with: never the old one
        fields["images"] = []
    changed = [name for name, value in fields.items() if value != getattr(item, name)]
    if to is current and not changed:
        # Nothing to write: no new version, no history entry. The caller read this version
        # still, or it loses as a writer would.
        stored = session.execute(select(ITEM.c.version).where(ITEM.c.id == item.id)).scalar()
        if stored != item.version:
            raise ItemChanged(item.id, item.revision, snapshot(session, item.id), zone)
        return item
    texts = [name for name in TEXT_FIELDS if name in changed]
    revision = item.revision
    if revision == 0 and to in (S.TRANSLATED, S.BLOCKED):
        revision = 1  # it waits for a reviewer for the first time
    elif revision and (texts or seen):
        revision += 1
    at = now or utcnow()  # the moment of writing, whatever moment was being evaluated
    values = {
        **fields,
        "state": to.value,
        "version": item.version + 1,
        "revision": revision,
        "updated_at": at,
    }
    session.flush()  # through Core, the session's own pending rows are not written first
    result = session.execute(
        update(ITEM).where(ITEM.c.id == item.id, ITEM.c.version == item.version).values(**values)
    )
    if result.rowcount != 1:
        raise ItemChanged(item.id, item.revision, snapshot(session, item.id), zone)
    detail: dict[str, Any] = {
        "from": current.value,
        "to": to.value,
        "version": item.version + 1,
        "revision": revision,
        "changed": sorted(set(changed) - {"claimed_by", "claimed_until", "attempts"}),
    }
    if seen:
        detail["seen"] = seen
    if reason:
        detail["reason"] = reason
    if override and fields.get("findings") is not None and to is ItemState.APPROVED:
        detail["override"] = override
    for name in TEXT_FIELDS:
        if name in fields and fields[name] != getattr(item, name):
            detail.setdefault("text", {})[name] = {
                "before": getattr(item, name),
                "after": fields[name],
            }
    for name, change in (text or {}).items():  # text that is no field: a region's on an image
        detail.setdefault("text", {})[name] = dict(change)
    if "error" in fields and fields["error"]:
        detail["error"] = fields["error"]
        if says is not None:  # the error as messages (config.i18n.stored): shown in any language
            detail["says"] = says
    if dropped:
        detail["images"] = "dropped: drawn with the caption before this change"
    if to is ItemState.STALE and to is not current:
        from store.models import Listing

        listing = session.get(Listing, item.listing_id)
        if listing is not None:  # as it stood before the caller writes the new source
            detail["source"] = {name: getattr(listing, name) for name in TEXT_FIELDS}
    audit(
        session,
        actor=actor,
        shop_id=item.shop_id,
        entity="localization_item",
        entity_id=item.id,
        action=to.value if to is not current else "edit",
        detail=detail,
        at=at,
    )
    for name, value in values.items():  # the caller's copy, without a second UPDATE
        if isinstance(item, Record):
            setattr(item, name, value)
        else:
            set_committed_value(item, name, value)
    return item


def snapshot(session: Session | Connection, item_id: int) -> ItemSnapshot | None:
    """The item's state and version now, and the actor and time of its last change."""
    row = session.execute(
        select(ITEM.c.state, ITEM.c.version, ITEM.c.updated_at, ITEM.c.revision).where(
            ITEM.c.id == item_id
        )
    ).first()
    if row is None:
        return None
    last = session.execute(_changes(item_id).order_by(AUDIT.c.id.desc()).limit(1)).first()
    state, version, updated_at, revision = row
    if last is None:
        return ItemSnapshot(state, version, None, updated_at, revision)
    return ItemSnapshot(state, version, last[0], last[1], revision, what_changed(last[2]))


def entered(session: Session | Connection, item_id: int, state: str) -> ItemSnapshot | None:
    """Who put the item into `state` and when: its latest change to it (a later change that
    kept the state, a run finding no other engine, is not who decided); None unrecorded."""
    rows = session.execute(_changes(item_id).order_by(AUDIT.c.id.desc()))
    for actor, at, detail in rows:
        said = detail if isinstance(detail, dict) else {}
        if said.get("to") == state and said.get("from") != state:
            return ItemSnapshot(state, 0, actor, at, 0, what_changed(said))
    return None


def _changes(item_id: int) -> Any:
    """The query of an item's applied changes in its audit trail: who, when, what."""
    return select(AUDIT.c.actor, AUDIT.c.at, AUDIT.c.detail).where(
        AUDIT.c.entity == "localization_item",
        AUDIT.c.entity_id == str(item_id),
        AUDIT.c.action != NOT_APPLIED,
    )


def moved_past(session: Session | Connection, item_id: int, revision: int) -> ItemSnapshot | None:
    """The item as it stands, told by the change that took its text past reviewer version
    `revision` (who, when, what), or by its last change when none is recorded."""
    now = snapshot(session, item_id)
    if now is None or now.revision <= revision:
        return now
    rows = session.execute(_changes(item_id).order_by(AUDIT.c.id)).all()
    for actor, at, detail in rows:
        if int(detail.get("revision") or 0) > revision:
            return replace(now, actor=actor, at=at, what=what_changed(detail))
    return now


def what_changed(detail: dict[str, Any]) -> Joined:
    """What one audited change did, in a reviewer's words: "title, caption changed",
    "rejected", "images drawn"."""
    from localize.views import ITEM_STATES, word

    said: list[Msg | str] = []
    if detail.get("from") != detail.get("to"):
        said.append(word(ITEM_STATES, str(detail.get("to"))))
    texts = list(detail.get("text") or {})
    if texts:
        said.append(msg("{fields} changed", fields=", ".join(texts)))
    dropped = str(detail.get("images") or "").startswith("dropped")
    for name in detail.get("changed") or []:
        if name == "images" and dropped:  # the old caption's, dropped: not a drawing
            continue
        if name not in texts:
            said.append(OTHER_CHANGES.get(name) or msg("{field} changed", field=name))
    return Joined(said, msg("; "))


# How a change to a field a reviewer does not read as text is said in history and messages.
OTHER_CHANGES = {
    "images": msg("images drawn"),
    "findings": msg("findings updated"),
    "error": msg("error recorded"),
    "origins": msg("origins updated"),
    "needs_person": msg("waits for a person"),
}


def create_missing(session: Session, *, shop_id: str, languages: Sequence[str]) -> int:
    """A pending item for each listing's current source in each language that has none;
    how many were created."""
    from store.models import Listing, LocalizationItem
    from store.queries import insert_new

    # on the ORM's classes: the session flushes what its caller added before reading
    listings = session.execute(
        select(Listing.id, Listing.source_hash).where(Listing.shop_id == shop_id)
    )
    have = {
        tuple(row)
        for row in session.execute(
            select(
                LocalizationItem.listing_id, LocalizationItem.language, LocalizationItem.source_hash
            ).where(LocalizationItem.shop_id == shop_id)
        )
    }
    missing = [
        LocalizationItem(
            listing_id=listing_id, shop_id=shop_id, language=language, source_hash=source_hash
        )
        for listing_id, source_hash in listings.all()
        for language in languages
        if (listing_id, language, source_hash) not in have
    ]
    # Another run may be creating the same items right now: theirs stand, ours are skipped.
    return insert_new(session, missing, unique=("listing_id", "language", "source_hash"))


def with_listings(
    session: Session,
    *,
    shop_id: str | None,
    states: Sequence[ItemState],
    language: str | None = None,
    current_source: bool = False,
    free_for: str | None = None,
    now: datetime | None = None,
    limit: int | None = None,
    for_a_person: bool = False,
) -> list[tuple[LocalizationItem, Listing]]:
    """The items in these states with their listings, oldest first, as the ORM's objects
    (for changing them): of one shop (every shop's when `shop_id` is None), only those of
    the listing's current source when `current_source`, only those nobody but `free_for`
    holds at `now` when it is given; with `for_a_person`, rejected items that wait for a
    person's translation too."""
    from store.models import Listing, LocalizationItem

    query = _with_listings(
        (LocalizationItem, Listing),
        LocalizationItem,
        Listing,
        shop_id=shop_id,
        states=states,
        language=language,
        current_source=current_source,
        free_for=free_for,
        now=now,
        limit=limit,
        for_a_person=for_a_person,
    )
    return [(item, listing) for item, listing in session.execute(query).all()]


def waiting(
    conn: Connection | Session,
    *,
    item_id: int | None = None,
    shop_id: str | None = None,
    states: Sequence[ItemState] | None = None,
    language: str | None = None,
    free_for: str | None = None,
    now: datetime | None = None,
    limit: int | None = None,
    for_a_person: bool = False,
) -> list[tuple[Record, Record]]:
    """`with_listings` read through Core, as Records (for reading them: the review queue),
    or the one item `item_id` (in any state unless `states` are given) with its listing."""
    query = _with_listings(
        (ITEM, LISTING),
        ITEM.c,
        LISTING.c,
        item_id=item_id,
        shop_id=shop_id,
        states=states,
        language=language,
        free_for=free_for,
        now=now,
        limit=limit,
        for_a_person=for_a_person,
    )
    return [(item, listing) for item, listing in records(conn.execute(query), ITEM, LISTING)]


def _with_listings(
    selected: tuple[Any, Any],
    item: Any,
    listing: Any,
    *,
    item_id: int | None = None,
    shop_id: str | None,
    states: Sequence[ItemState] | None,
    language: str | None = None,
    current_source: bool = False,
    free_for: str | None = None,
    now: datetime | None = None,
    limit: int | None = None,
    for_a_person: bool = False,
) -> Any:
    """The one query of items with their listings: `selected` (the ORM's classes or the Core
    tables) with `item` and `listing` their columns as attributes (the classes, or `.c`)."""
    query = select(*selected).join_from(selected[0], selected[1], listing.id == item.listing_id)
    if item_id is not None:
        query = query.where(item.id == item_id)
    if states is not None:
        query = query.where(wanted(item, states, for_a_person=for_a_person))
    if shop_id is not None:
        query = query.where(item.shop_id == shop_id)
    if language is not None:
        query = query.where(item.language == language)
    if current_source:
        query = query.where(item.source_hash == listing.source_hash)
    if free_for is not None:
        query = query.where(free([free_for], now or utcnow(), item))
    if limit:
        query = query.limit(limit)
    return query.order_by(item.id)


def wanted(item: Any, states: Sequence[ItemState], *, for_a_person: bool = False) -> Any:
    """Items in these states (on `item`'s columns: the Core table's, or the ORM class's);
    with `for_a_person`, rejected items that wait for a person's translation too."""
    condition = item.state.in_([s.value for s in states])
    if not for_a_person:
        return condition
    return or_(condition, and_(item.state == S.REJECTED.value, item.needs_person.is_not(None)))


def free(holders: Sequence[str], now: datetime, item: Any = ITEM.c) -> Any:
    """The claim condition: nobody holds the item, one of `holders` does, or the claim has
    run out by `now` (on `item`'s columns: the Core table's, or the ORM class's)."""
    return or_(
        item.claimed_by.is_(None),
        item.claimed_by.in_(list(holders)),
        item.claimed_until <= now,
    )


def place(
    session: Session | Connection,
    item: Item,
    *,
    states: Sequence[ItemState] = TO_DECIDE,
    shop_id: str | None = None,
) -> tuple[int, int]:
    """Where an item stands among those in these states in its language (of `shop_id`),
    rejected items waiting for a person counted too (a reviewer is handed them): (n, N),
    counted rather than listed."""
    waiting = (
        select(func.count())
        .select_from(ITEM)
        .where(wanted(ITEM.c, states, for_a_person=True), ITEM.c.language == item.language)
    )
    if shop_id:
        waiting = waiting.where(ITEM.c.shop_id == shop_id)
    total = session.execute(waiting).scalar_one()
    ahead = session.execute(waiting.where(ITEM.c.id <= item.id)).scalar_one()
    return ahead, total


def superseded(session: Session | Connection, item: Item) -> Record | None:
    """The item this one replaces: the same listing and language gone stale when its source
    changed, newest first; None for a first translation."""
    found = records(
        session.execute(
            select(ITEM)
            .where(
                ITEM.c.listing_id == item.listing_id,
                ITEM.c.language == item.language,
                ITEM.c.state == ItemState.STALE.value,
                ITEM.c.id != item.id,
            )
            .order_by(ITEM.c.id.desc())
            .limit(1)
        ),
        ITEM,
    )
    return found[0][0] if found else None


def source_before(session: Session | Connection, item: Item) -> dict[str, str] | None:
    """The source a stale item was translated from, as its change to stale recorded it."""
    row = session.execute(
        select(AUDIT.c.detail)
        .where(
            AUDIT.c.entity == "localization_item",
            AUDIT.c.entity_id == str(item.id),
            AUDIT.c.action == ItemState.STALE.value,
        )
        .order_by(AUDIT.c.id.desc())
        .limit(1)
    ).scalar()
    source = row.get("source") if isinstance(row, dict) else None
    return dict(source) if isinstance(source, dict) else None


def of_listing(
    session: Session, listing: Listing, states: Iterable[ItemState]
) -> list[LocalizationItem]:
    """The items of a listing's current source version in these states."""
    from store.models import LocalizationItem

    return list(
        session.execute(
            select(LocalizationItem).where(
                LocalizationItem.listing_id == listing.id,
                LocalizationItem.source_hash == listing.source_hash,
                LocalizationItem.state.in_([s.value for s in states]),  # type: ignore[attr-defined]
            )
        )
        .scalars()
        .all()
    )


def rejections(
    session: Session | Connection, item_ids: Collection[int]
) -> dict[int, list[dict[str, Any]]]:
    """What reviewers rejected of each of these items, oldest first: each rejection's
    detail (texts, segments and the engines that gave them, images)."""
    if not item_ids:
        return {}
    rows = session.execute(
        select(DECISION.c.item_id, DECISION.c.detail)
        .where(
            DECISION.c.item_id.in_(list(item_ids)),
            DECISION.c.decision == Decision.REJECT.value,
        )
        .order_by(DECISION.c.id)
    ).all()
    found: dict[int, list[dict[str, Any]]] = {}
    for item_id, detail in rows:
        found.setdefault(item_id, []).append(dict(detail or {}))
    return found


def last_rejection(session: Session | Connection, item_id: int) -> Record | None:
    """The latest rejection of an item (who, when, why, what), or None."""
    found = last_rejections(session, [item_id])
    return found.get(item_id)


def last_rejections(session: Session | Connection, item_ids: Collection[int]) -> dict[int, Record]:
    """The latest rejection of each of these items that has one (as read through Core)."""
    found: dict[int, Record] = {}
    ids = list(item_ids)
    for start in range(0, len(ids), 500):  # bound the IN list
        query = (
            select(DECISION)
            .where(
                DECISION.c.item_id.in_(ids[start : start + 500]),
                DECISION.c.decision == Decision.REJECT.value,
            )
            .order_by(DECISION.c.id)
        )
        for (row,) in records(session.execute(query), DECISION):
            found[row.item_id] = row  # the later one wins
    return found


def blocked_says(session: Session | Connection, item_ids: Collection[int]) -> dict[int, Any]:
    """The reasons of each of these items' latest blocking, as its audit entry stored them
    to be shown in any language (config.i18n.stored), where it did."""
    found: dict[int, Any] = {}
    ids = [str(i) for i in item_ids]
    for start in range(0, len(ids), 500):  # bound the IN list
        query = (
            select(AUDIT.c.entity_id, AUDIT.c.detail)
            .where(
                AUDIT.c.entity == "localization_item",
                AUDIT.c.entity_id.in_(ids[start : start + 500]),
                AUDIT.c.action == ItemState.BLOCKED.value,
            )
            .order_by(AUDIT.c.id)
        )
        for entity_id, detail in session.execute(query):
            found[int(entity_id)] = (detail or {}).get("says")  # the later one wins
    return {k: v for k, v in found.items() if v}


def count(session: Session, *, shop_id: str, states: Sequence[ItemState]) -> int:
    """How many of the shop's items are in these states."""
    return session.execute(
        select(func.count())
        .select_from(ITEM)
        .where(ITEM.c.shop_id == shop_id, ITEM.c.state.in_([s.value for s in states]))
    ).scalar_one()


def claim(
    session: Session | Connection,
    item_id: int,
    *,
    holder: str,
    until: datetime,
    now: datetime,
    take_from: str | None = None,
    states: Sequence[ItemState] | None = None,
    version: int | None = None,
) -> bool:
    """Hold an item for `holder` until `until` (a reviewer, or a publisher at work); False
    when someone else holds it and their claim has not run out (`take_from` names a holder
    known to be gone, whose claim may be taken over), or it is no longer in `states` or at
    `version` (checked in the same statement: a publisher never holds an item that changed
    since it was read)."""
    holders = [holder] + ([take_from] if take_from else [])
    held = [ITEM.c.id == item_id, free(holders, now)]
    if states is not None:
        held.append(ITEM.c.state.in_([s.value for s in states]))
    if version is not None:
        held.append(ITEM.c.version == version)
    result = session.execute(
        update(ITEM).where(*held).values(claimed_by=holder, claimed_until=until)
    )
    return result.rowcount == 1


def extend(
    session: Session | Connection, item_ids: Iterable[int], *, holder: str, until: datetime
) -> int:
    """Hold the items `holder` still holds until `until` (a publisher at work renewing its
    hold); how many it still held."""
    ids = list(item_ids)
    if not ids:
        return 0
    result = session.execute(
        update(ITEM)
        .where(ITEM.c.id.in_(ids), ITEM.c.claimed_by == holder)
        .values(claimed_until=until)
    )
    return result.rowcount


def release(session: Session, item_id: int, *, holder: str) -> None:
    """Give back an item `holder` holds."""
    session.execute(
        update(ITEM)
        .where(ITEM.c.id == item_id, ITEM.c.claimed_by == holder)
        .values(claimed_by=None, claimed_until=None)
    )
