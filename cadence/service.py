"""What the commands and the daemon do, on the store: status, history, check, sync."""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from cadence.alerts import (
    AT_RISK,
    BEHIND,
    ENGINE_FAILING,
    FIRING,
    ITEM_BLOCKED,
    ITEMS_BLOCKED,
    REMINDER,
    REVIEW_WAITING,
    Action,
    AlertDecision,
    AlertPolicy,
    AlertRecord,
    Due,
    decide,
)
from cadence.listing_notices import (
    Blocking,
    EngineTrouble,
    ListingFacts,
    ListingWeek,
    ReviewQueue,
    decide_engine_failing,
    decide_listings,
)
from cadence.messages import render, render_engine_failing, render_listing
from cadence.notify import (
    ConsoleNotifier,
    Mentions,
    NamedTarget,
    Notifier,
    UnusableTarget,
    target_for,
)
from cadence.outbox import DeliverySummary, apply_decision, deliver_due, drop, unsent
from cadence.quota import (
    History,
    QuotaRules,
    VideoFacts,
    Week,
    WeekStatus,
    due_at,
    evaluate_week,
    history,
    local_midnight,
    new_shop_day,
    previous_week,
    week_of,
)
from cadence.standing import facts, rules_for
from cadence.standing import statuses as statuses  # moved there; callers here keep working
from cadence.videos import IngestSummary, VideoRecord, ingest, numbered, read_file
from config.errors import NAME_MAX, REASON_MAX, BadInput, bounded, echoed
from config.files import parse_time
from config.runtime import Secrets
from config.settings import Settings, ShopSettings
from config.tables import WORKBOOK_SUFFIXES, RowProblem, in_order
from store.db import read_scope, session_scope
from store.models import Alert, Shop, Video
from store.queries import alerts_since, insert_new, register_shops
from store.states import MessageKind
from store.video_facts import videos_between

log = logging.getLogger("cadence.service")
DIGEST_WEEKS = 52  # how far back the digest counts a streak
DIGEST_GRACE = timedelta(hours=24)  # a digest not sent by then is skipped


def policy_for(settings: Settings, shop: ShopSettings) -> AlertPolicy:
    """The core's view of a shop's alerting settings."""
    return AlertPolicy(
        zone=settings.zone(shop),
        repeat_interval=timedelta(hours=shop.repeat_interval_hours),
        quiet=shop.quiet_window(),
        reminder=timedelta(hours=shop.reminder_hours) if shop.reminder_hours else None,
    )


def shop_history(
    engine: Engine, settings: Settings, shop: ShopSettings, now: datetime, weeks: int
) -> History:
    """Past weeks of one shop, met or missed (or not tracked: before the bot knew the shop,
    the digest's rule), and its streak."""
    rules = rules_for(settings, shop)
    current = week_of(now, rules.zone, rules.week_start)
    start = current.start - timedelta(days=7 * weeks)
    with read_scope(engine) as session:
        rows = videos_between(
            session.connection(),
            shop_ids=[shop.id],
            start=local_midnight(start, rules.zone),
            end=current.ends_at,
        )
        shop_row = session.get(Shop, shop.id)
        known = _known_since(session, shop_row, shop.id) if shop_row is not None else now
    return history(rules, [facts(r) for r in rows], now, weeks=weeks, known_since=known)


@dataclass
class CheckResult:
    """One shop's tick: where it stands, what was decided, what delivery did."""

    status: WeekStatus
    decisions: list[AlertDecision] = field(default_factory=list)
    delivery: DeliverySummary = field(default_factory=DeliverySummary)


def evaluate_and_decide(
    engine: Engine, settings: Settings, shop: ShopSettings, now: datetime
) -> CheckResult:
    """Evaluate the shop's week, decide alerts, and write decisions with their messages
    in one transaction (the outbox)."""
    return evaluate_and_decide_many(engine, settings, [shop], now)[0]


@dataclass(frozen=True)
class _Weeks:
    """One shop's rules and the two weeks a check looks at."""

    shop: ShopSettings
    rules: QuotaRules
    current: Week
    closed: Week


def evaluate_and_decide_many(
    engine: Engine, settings: Settings, shops: Sequence[ShopSettings], now: datetime
) -> list[CheckResult]:
    """`evaluate_and_decide` for several shops in one transaction: their rows locked (in id
    order, so that two batches never wait on each other crosswise), their videos and alerts
    read in one query each; each shop decided exactly as it would be alone."""
    plans = []
    for shop in shops:
        rules = rules_for(settings, shop)
        current_week = week_of(now, rules.zone, rules.week_start)
        plans.append(_Weeks(shop, rules, current_week, previous_week(current_week)))
    if not plans:
        return []
    ids = sorted({p.shop.id for p in plans})
    results = []
    with session_scope(engine) as session:
        shop_rows = {
            row.id: row
            for row in session.exec(
                select(Shop).where(col(Shop.id).in_(ids)).order_by(Shop.id).with_for_update()
            )
        }
        rows = videos_between(
            session.connection(),
            shop_ids=ids,
            start=min(p.closed.starts_at for p in plans),
            end=max(p.current.ends_at for p in plans),
        )
        by_shop: dict[str, list[VideoFacts]] = defaultdict(list)
        for row in rows:
            by_shop[row.shop_id].append(facts(row))
        stored_by_shop: dict[str, list[Alert]] = defaultdict(list)
        since = min(p.closed.start for p in plans) - timedelta(days=1)
        for alert in alerts_since(session, shop_ids=ids, since=since):
            stored_by_shop[alert.shop_id].append(alert)
        new_shops = [
            p.shop.id for p in plans if shop_rows[p.shop.id].created_at >= p.closed.ends_at
        ]
        first_videos = _first_videos(session, new_shops)
        listings = _listing_facts(session, settings, [p.shop for p in plans], now)
        subjects = [b.subject for facts in listings.values() for b in facts.blocked]
        for alert in _blocked_alerts(session, ids, subjects):
            stored_by_shop[alert.shop_id].append(alert)
        for plan in plans:
            result = _decide_shop(
                session,
                settings,
                plan,
                shop_rows[plan.shop.id],
                by_shop[plan.shop.id],
                [a for a in stored_by_shop[plan.shop.id] if a.rule not in LISTING_RULES],
                now,
                first_videos,
            )
            result.decisions += _decide_listings(
                session,
                settings,
                plan.shop,
                listings[plan.shop.id],
                [a for a in stored_by_shop[plan.shop.id] if a.rule in LISTING_RULES],
                now,
                result.delivery,
            )
            results.append(result)
    return results


LISTING_RULES = (REVIEW_WAITING, ITEM_BLOCKED, ITEMS_BLOCKED, ENGINE_FAILING)


def tell_engine_failing(
    engine: Engine,
    settings: Settings,
    shop: ShopSettings,
    troubles: Sequence[EngineTrouble],
    now: datetime,
) -> list[AlertDecision]:
    """The team told, through the outbox, of the shop's engines that failed texts in a run
    of the pipeline: once a day per engine (quiet hours honoured)."""
    if not troubles:
        return []
    policy = policy_for(settings, shop)
    with session_scope(engine) as session:
        stored = list(
            session.exec(
                select(Alert).where(
                    Alert.shop_id == shop.id,
                    Alert.rule == ENGINE_FAILING,
                    col(Alert.period_start) >= (now - timedelta(days=2)).date(),
                )
            )
        )
        records = [
            AlertRecord(
                a.rule, a.period_start, a.state, a.last_notified_at, a.notifications, a.subject
            )
            for a in stored
        ]
        decisions = decide_engine_failing(troubles, records, now, policy)
        return write_engine_failing(session, shop, troubles, decisions, now)


def write_engine_failing(
    session: Session,
    shop: ShopSettings,
    troubles: Sequence[EngineTrouble],
    decisions: Sequence[AlertDecision],
    now: datetime,
) -> list[AlertDecision]:
    """Write the engine notices decided: the decisions written. One another process wrote
    since they were decided (two runs of a shop at once) is left out, not an IntegrityError:
    the day's alert row is claimed with ON CONFLICT DO NOTHING first."""
    by_subject = {t.subject: t for t in troubles}
    written = []
    for d in decisions:
        key = {"shop_id": shop.id, "period_start": d.period_start, "rule": d.rule}
        claim = Alert(**key, subject=d.subject, severity=d.severity, opened_at=now)
        if not insert_new(session, [claim], unique=[*key, "subject"]):
            continue  # told already, by the other
        alert = session.exec(
            select(Alert).where(
                Alert.shop_id == shop.id,
                Alert.period_start == d.period_start,
                Alert.rule == d.rule,
                Alert.subject == d.subject,
            )
        ).one()
        apply_decision(
            session,
            shop_id=shop.id,
            decision=d,
            message=render_engine_failing(shop.id, shop.alert_language, by_subject[d.subject]),
            now=now,
            existing=alert,
        )
        written.append(d)
    return written


def _listing_facts(
    session: Session, settings: Settings, shops: Sequence[ShopSettings], now: datetime
) -> dict[str, ListingFacts]:
    """Each shop's items waiting for review and blocked, times in the shop's zone."""
    from store.item_facts import blocked_items, waiting_items

    ids = [shop.id for shop in shops]
    zones = {shop.id: settings.zone(shop) for shop in shops}
    waiting: dict[str, list[datetime]] = defaultdict(list)
    for_a_person: dict[str, int] = defaultdict(int)
    for w in waiting_items(session, shop_ids=ids):
        waiting[w.shop_id].append(w.since)
        for_a_person[w.shop_id] += w.for_a_person
    blocked: dict[str, list[Blocking]] = defaultdict(list)
    for b in blocked_items(session, shop_ids=ids):
        since = b.since.astimezone(zones[b.shop_id])
        blocked[b.shop_id].append(
            Blocking(b.item_id, b.product_id, b.language, b.reasons, since, b.event_id, b.says)
        )
    facts = {}
    for shop_id in ids:
        zone, times = zones[shop_id], waiting[shop_id]
        queue = ReviewQueue(
            len(times),
            min(times).astimezone(zone) if times else None,
            now.astimezone(zone),
            for_a_person[shop_id],
        )
        facts[shop_id] = ListingFacts(queue, tuple(blocked[shop_id]))
    return facts


def _blocked_alerts(
    session: Session, shop_ids: Sequence[str], subjects: Sequence[str]
) -> list[Alert]:
    """The blocked-item alerts a check needs, whatever their period: those still firing (to
    close when the item is unblocked) and those about a blocking standing now (told once)."""
    from sqlalchemy import or_

    condition = col(Alert.state) == FIRING
    if subjects:
        condition = or_(condition, col(Alert.subject).in_(list(subjects)))
    return list(
        session.exec(
            select(Alert).where(
                col(Alert.shop_id).in_(list(shop_ids)), Alert.rule == ITEM_BLOCKED, condition
            )
        )
    )


def _decide_listings(
    session: Session,
    settings: Settings,
    shop: ShopSettings,
    facts: ListingFacts,
    alerts: list[Alert],
    now: datetime,
    summary: DeliverySummary | None = None,
) -> list[AlertDecision]:
    """One shop's notices about its listings, decided and written with their messages (the
    messages they make untrue dropped, counted in `summary`)."""
    # the batch's window and the blocked alerts may both have read one alert
    unique = {(a.rule, a.period_start, a.subject): a for a in alerts}
    records = [
        AlertRecord(a.rule, a.period_start, a.state, a.last_notified_at, a.notifications, a.subject)
        for a in unique.values()
    ]
    decisions = decide_listings(facts, records, now, policy_for(settings, shop))
    display = settings.display_zone(shop)
    for d in decisions:
        apply_decision(
            session,
            shop_id=shop.id,
            decision=d,
            message=render_listing(d, shop.id, shop.alert_language, facts, display),
            now=now,
            existing=unique.get((d.rule, d.period_start, d.subject)),
            summary=summary,
        )
    return decisions


def _decide_shop(
    session: Session,
    settings: Settings,
    plan: _Weeks,
    shop_row: Shop,
    videos_read: list[VideoFacts],
    alerts: list[Alert],
    now: datetime,
    first_videos: dict[str, datetime | None],
) -> CheckResult:
    """One shop of a batch: its weeks evaluated and its alert decisions written."""
    shop, rules, current_week, closed_week = plan.shop, plan.rules, plan.current, plan.closed
    policy = policy_for(settings, shop)
    # the batch read the union of every shop's window: each judges its own, as alone
    videos = [v for v in videos_read if closed_week.starts_at <= v.posted_at < current_week.ends_at]
    current = evaluate_week(rules, videos, now, week=current_week)
    closed = None
    if _tracked_during(
        session, shop_row, shop, closed_week.start, closed_week.ends_at, first_videos
    ):
        closed = evaluate_week(rules, videos, closed_week.ends_at, week=closed_week)
    day = new_shop_day(rules, videos, now)
    since = closed_week.start - timedelta(days=1)
    stored = {(a.period_start, a.rule): a for a in alerts if a.period_start >= since}
    records = [
        AlertRecord(a.rule, a.period_start, a.state, a.last_notified_at, a.notifications)
        for a in stored.values()
    ]
    decisions = decide(current, records, now, policy, closed=closed, day=day)
    result = CheckResult(status=current, decisions=decisions)
    for d in decisions:
        week_status = closed if closed and d.period_start == closed.week.start else current
        message = render(d, shop.id, shop.alert_language, week=week_status, day=day)
        apply_decision(
            session,
            shop_id=shop.id,
            decision=d,
            message=message,
            now=now,
            existing=stored.get((d.period_start, d.rule)),
            summary=result.delivery,
        )
    result.delivery.dropped += _restate_unsent(session, shop, current, now)
    return result


RESTATED = (BEHIND, AT_RISK, REMINDER)  # messages that say the week's standing


def _restate_unsent(
    session: Session, shop: ShopSettings, current: WeekStatus, now: datetime
) -> int:
    """The shop's messages about this week not sent yet (held, or retried after a failed
    send), said again from the standing now, in the transaction that decided it.

    A late message is still owed while its alert stands, but the text written when it was
    decided may be untrue by the time it goes: time left, videos counted, a video marked
    product-linked meanwhile. Re-rendering keeps its reference (the same message, sent
    once) and says what the team must act on now; a reminder whose video was counted
    meanwhile is dropped instead (closed alerts' messages were dropped as they closed).
    Returns how many were dropped.
    """
    dropped = 0
    alerts = session.exec(
        select(Alert).where(
            Alert.shop_id == shop.id,
            col(Alert.rule).in_(list(RESTATED)),
            col(Alert.period_start) >= current.week.start - timedelta(days=1),
        )
    ).all()
    by_id = {a.id: a for a in alerts if a.id is not None}
    for message in unsent(session, now=now, alert_ids=list(by_id)):
        alert = by_id[message.alert_id]  # type: ignore[index]
        if message.kind == MessageKind.RESOLVED:
            continue  # "resolved" stays true while its alert stays resolved
        send_at = max(now, message.next_attempt_at)
        due = None
        if alert.rule == REMINDER:
            at = local_midnight(alert.period_start + timedelta(days=1), current.week.zone)
            ks = [
                k
                for k in range(1, current.quota + 1)
                if due_at(current.week, k, current.quota) == at
            ]
            if not ks or current.counted >= ks[0] or at <= send_at:
                drop(
                    session,
                    message,
                    f"video {ks[0]} was counted before this reminder reached the team"
                    if ks and current.counted >= ks[0]
                    else "its due time is no longer ahead in this week",
                )
                dropped += 1
                continue
            due = Due(ks[0], at)
        elif alert.period_start != current.week.start:
            continue
        action = {MessageKind.REPEAT: Action.REPEAT}.get(message.kind, Action.OPEN)
        decision = AlertDecision(action, alert.rule, alert.period_start, True, send_at, due)
        said = render(decision, shop.id, shop.alert_language, week=current)
        message.title = said.title
        message.body = f"{said.body}\nref: {message.dedup_key}#{message.sequence}"
        session.add(message)
    return dropped


def _lock_shop(session: Session, shop_id: str) -> Shop:
    """The shop's row, locked (PostgreSQL) so two checks of one shop take turns."""
    row = session.exec(select(Shop).where(Shop.id == shop_id).with_for_update()).one()
    return row


def _untracked_last_week(engine: Engine, settings: Settings, now: datetime) -> set[str]:
    """The shops whose last closed week the bot did not track (the missed alert's rule),
    so that the digest does not call it missed."""
    untracked = set()
    with read_scope(engine) as session:
        for shop in settings.shops:
            rules = rules_for(settings, shop)
            closed = previous_week(week_of(now, rules.zone, rules.week_start))
            row = session.get(Shop, shop.id)
            if row is None or not _tracked_during(session, row, shop, closed.start, closed.ends_at):
                untracked.add(shop.id)
    return untracked


def _tracked_during(
    session: Session,
    shop_row: Shop,
    shop: ShopSettings,
    week_start: date,
    week_end: datetime,
    first_videos: dict[str, datetime | None] | None = None,
) -> bool:
    """Whether the bot knew the shop for the whole of a closed week, so that judging the
    week is fair: never a 'missed' for a week before the shop was set up or opened.
    `first_videos` (shop -> its earliest video) saves the query when read for a batch."""
    if shop.opened_on and shop.opened_on > week_start:
        return False
    if shop_row.created_at < week_end:  # known since before the week ended: no query
        return True
    return _known_since(session, shop_row, shop.id, first_videos) < week_end


def _known_since(
    session: Session,
    shop_row: Shop,
    shop_id: str,
    first_videos: dict[str, datetime | None] | None = None,
) -> datetime:
    """When the bot first knew the shop: its row was made, or its first video (imported
    later) was posted, whichever is earlier. `first_videos` (shop -> its earliest video)
    saves the query when a batch read them."""
    if first_videos is not None and shop_id in first_videos:
        first = first_videos[shop_id]
    else:
        first = _first_videos(session, [shop_id]).get(shop_id)
    return shop_row.created_at if first is None else min(shop_row.created_at, first)


def _first_videos(session: Session, shop_ids: Sequence[str]) -> dict[str, datetime | None]:
    """Each shop's earliest video (MIN over the index, not every video), None without one."""
    from sqlalchemy import func

    if not shop_ids:
        return {}
    found: dict[str, datetime | None] = {i: None for i in shop_ids}
    rows = session.exec(
        select(Video.shop_id, func.min(Video.posted_at))
        .where(col(Video.shop_id).in_(list(shop_ids)))
        .group_by(Video.shop_id)
    )
    for shop_id, first in rows:
        found[shop_id] = first
    return found


NOTIFY_TIMEOUT = 10.0  # seconds one target may take to accept a message (a whole-send deadline)


def notifiers_for(
    settings: Settings,
    secrets: Secrets,
    console: IO[str],
    timeout: float = NOTIFY_TIMEOUT,
    warn: Callable[[str], None] = log.warning,
) -> Callable[[str | None], list[Notifier]]:
    """Each shop's targets (None: the digest's, for the whole team), secrets resolved from
    the environment; the console when none.

    Each target stands alone: one that cannot be built (its variable unset, its URL
    unusable) fails on every message with the reason, and the others still deliver. A
    mention whose variable is unset is `warn`ed about once; the message goes without it.
    """
    cache: dict[str | None, list[Notifier]] = {}

    def build(shop_id: str | None) -> list[Notifier]:
        if shop_id not in cache:
            if shop_id is None:
                urls = settings.digest.alert_urls if settings.digest else []
                mentions, owner = Mentions(), "the digest"
            else:
                shop = settings.shop(shop_id)
                urls, owner = shop.alert_urls, f"shop {shop_id!r}"
                mentions = _mentions(shop.mentions, secrets, owner, warn)
            targets = [_target(owner, url, secrets, timeout, mentions) for url in urls]
            cache[shop_id] = targets or [ConsoleNotifier(console)]
        return cache[shop_id]

    return build


def _mentions(
    entries: Sequence[str], secrets: Secrets, owner: str, warn: Callable[[str], None]
) -> Mentions:
    """Who to @mention, from `env:NAME` entries (a variable may hold several, comma-separated)."""
    found: list[str] = []
    for entry in entries:
        name = entry.removeprefix("env:")
        value = secrets.get(name)
        if value is None:
            warn(
                f"environment variable {name} is not set ({owner} mentions it); "
                "messages go out without that @mention"
            )
            continue
        found += value.split(",")
    return Mentions.of(found)


def _target(owner: str, url: str, secrets: Secrets, timeout: float, mentions: Mentions) -> Notifier:
    """One alert URL as a notifier; `env:NAME` reads the URL from the environment."""
    if url.startswith("env:"):
        name = url[4:]
        value = secrets.get(name)
        if not value:
            return UnusableTarget(
                url,
                f"environment variable {name} is not set ({owner}); "
                "export it and the message will be retried",
            )
        return NamedTarget(url, target_for(value, timeout=timeout, mentions=mentions))
    return target_for(url, timeout=timeout, mentions=mentions)


@dataclass
class DigestResult:
    """The digest's tick: the digest it wrote (its moment), if any, and the delivery of the
    team's messages."""

    written: datetime | None
    delivery: DeliverySummary = field(default_factory=DeliverySummary)


@dataclass
class CheckRun:
    """What `cadence check` did: each shop's tick, and the digest's when it fell to it."""

    shops: list[CheckResult]
    digest: DigestResult | None = None

    @property
    def errors(self) -> list[str]:
        """Every delivery failure."""
        found = [e for r in self.shops for e in r.delivery.errors]
        return found + (self.digest.delivery.errors if self.digest else [])


def sends_digest(settings: Settings, shops: Sequence[ShopSettings]) -> bool:
    """Whether a check of these shops writes the digest: the one that covers the first shop
    in the file (so one daemon of many does it, and `cadence check` without --shop)."""
    return settings.digest is not None and bool(settings.shops) and settings.shops[0] in shops


def write_digest(engine: Engine, settings: Settings, now: datetime) -> datetime | None:
    """Write the digest due by `now` into the outbox unless it is there already (its dedup
    key is unique: two processes racing write it once); its moment when this call wrote it.

    A digest is due from its time for DIGEST_GRACE: a check that comes later (the daemon
    was down) still sends it, but never days late with figures nobody asked for then.
    """
    from sqlalchemy.exc import IntegrityError

    from cadence.digest import DigestTime, dedup_key, render_digest
    from store.models import OutboxMessage

    digest = settings.digest
    assert digest is not None
    due = DigestTime(digest.weekday_index, digest.at, digest.zone).latest(now)
    key = dedup_key(due)
    if now - due >= DIGEST_GRACE:
        return None
    with read_scope(engine) as session:
        if session.exec(select(OutboxMessage.id).where(OutboxMessage.dedup_key == key)).first():
            return None
    weeks = [shop_history(engine, settings, shop, now, DIGEST_WEEKS) for shop in settings.shops]
    message = render_digest(
        digest.language,
        due,
        weeks,
        _untracked_last_week(engine, settings, now),
        listing_weeks(engine, settings, now),
    )
    try:
        with session_scope(engine) as session:
            session.add(
                OutboxMessage(
                    shop_id=None,
                    dedup_key=key,
                    kind=MessageKind.DIGEST,
                    title=message.title,
                    body=f"{message.body}\nref: {key}",
                    created_at=now,
                    next_attempt_at=now,
                )
            )
    except IntegrityError:  # another check wrote it a moment ago
        return None
    return due


def listing_weeks(engine: Engine, settings: Settings, now: datetime) -> dict[str, ListingWeek]:
    """Each shop's listings over its last closed week (the digest's "last week"): how many
    items waited for review in it, how many were blocked in it."""
    from cadence.listing_notices import Change, listing_week
    from store.item_facts import blocked_items, item_events, waiting_items

    found = {}
    with read_scope(engine) as session:
        for shop in settings.shops:
            rules = rules_for(settings, shop)
            closed = previous_week(week_of(now, rules.zone, rules.week_start))
            events = item_events(
                session, shop_ids=[shop.id], start=closed.starts_at, end=closed.ends_at
            )
            changes = [Change(e.item_id, e.action, e.left) for e in events]
            waiting = {w.item_id: w.since for w in waiting_items(session, shop_ids=[shop.id])}
            blocked = {b.item_id: b.since for b in blocked_items(session, shop_ids=[shop.id])}
            week = listing_week(changes, waiting, blocked, closed.ends_at)
            days = session.exec(
                select(Alert.subject).where(
                    Alert.shop_id == shop.id,
                    Alert.rule == ENGINE_FAILING,
                    col(Alert.period_start) >= closed.start,
                    col(Alert.period_start) < closed.start + timedelta(days=7),
                )
            ).all()
            failing = Counter(s.removeprefix("engine:") for s in days)
            found[shop.id] = replace(week, engines_failing=tuple(sorted(failing.items())))
    return found


CLOCK_SKEW = timedelta(hours=1)  # machines sharing a store may disagree by this much


def checked_ahead(
    engine: Engine,
    shop_ids: Sequence[str],
    now: datetime,
    *,
    by: str = "a check now",
    remedy: str = "give --as-of {ahead} or later",
) -> str | None:
    """Why a check at the real `now` would undo an earlier `check --as-of` in the future,
    or None: the latest moment the store recorded a check of one of these shops writing or
    sending a message as of (outbox messages, delivery attempts), when that is later than
    `now` by more than a clock's skew. A check that wrote and sent nothing leaves no trace.
    `by` names what would run and `remedy` what to do instead ({ahead} is the moment):
    `cadence check` and the daemon share this one rule."""
    from sqlalchemy import func

    from store.models import DeliveryAttempt, OutboxMessage

    with read_scope(engine) as session:
        for shop_id in shop_ids:
            latest = [
                session.exec(
                    select(func.max(OutboxMessage.created_at)).where(
                        OutboxMessage.shop_id == shop_id
                    )
                ).one(),
                session.exec(
                    select(func.max(DeliveryAttempt.at))
                    .join(OutboxMessage, OutboxMessage.id == DeliveryAttempt.message_id)
                    .where(OutboxMessage.shop_id == shop_id)
                ).one(),
            ]
            moments = [m for m in latest if m is not None]
            if moments and max(moments) > now + CLOCK_SKEW:
                ahead = max(moments)
                return (
                    f"shop {shop_id!r} was already checked as of {ahead.isoformat()}, later "
                    "than now (a check --as-of in the future wrote and sent its messages): "
                    f"{by} would act on them as if that moment had not come; "
                    f"{remedy.format(ahead=ahead.isoformat())}, and keep --as-of for a test store"
                )
    return None


def check(
    engine: Engine,
    settings: Settings,
    shops: Sequence[ShopSettings],
    now: datetime,
    notifiers: Callable[[str | None], Sequence[Notifier]],
) -> CheckRun:
    """One daemon tick for these shops: evaluate, decide, deliver what is due; and the
    weekly digest when the check covers the first shop in the file."""
    register_shops(engine, settings, shops)
    results = []
    for shop in shops:
        result = evaluate_and_decide(engine, settings, shop, now)
        # the messages the decisions dropped are counted with those the delivery drops
        result.delivery.add(
            deliver_due(
                engine,
                notifiers=notifiers,
                now=now,
                shop_id=shop.id,
                lease=timedelta(seconds=shop.schedule.lease_seconds),
            )
        )
        results.append(result)
    run = CheckRun(results)
    if sends_digest(settings, shops):
        written = write_digest(engine, settings, now)
        run.digest = DigestResult(
            written, deliver_due(engine, notifiers=notifiers, now=now, team=True)
        )
    return run


def sync_videos(
    engine: Engine,
    settings: Settings,
    shop: ShopSettings,
    secrets: Secrets,
    now: datetime,
    days: int = 14,
) -> tuple[IngestSummary, list[RowProblem]]:
    """Fetch the shop's recent videos from its configured source and store them."""
    from cadence.sources import source_for

    source = source_for(settings, shop, secrets)
    register_shops(engine, settings, [shop])
    today = now.astimezone(settings.zone(shop)).date()
    records = list(source.fetch(today - timedelta(days=days), today + timedelta(days=1)))
    summary = ingest(
        engine,
        shop_id=shop.id,
        records=numbered(records, f"sync {shop.id}"),
        source=source.name,
        cover_threshold=shop.cover_hash_threshold,
    )
    return summary, list(source.skipped)


def add_video(
    engine: Engine,
    settings: Settings,
    shop: ShopSettings,
    *,
    video_id: str,
    posted_at: str,
    product: bool = True,
    original: bool = True,
    title: str = "",
    cover: Path | None = None,
) -> tuple[IngestSummary, datetime]:
    """Record one video entered by hand; returns what was stored and when it was posted."""
    video_id = video_id.strip()
    if not video_id:
        raise BadInput("--id is empty; give the platform's video id")
    if len(video_id) > 128:
        raise BadInput(f"--id is {len(video_id)} characters; a video id is at most 128")
    try:
        moment = parse_time(posted_at, settings.zone(shop))
    except ValueError as exc:
        raise BadInput(f"--posted-at {exc}") from None
    record = VideoRecord(
        video_id=video_id,
        posted_at=moment,
        # A hand-entered video names no product; the marker says "has a link" in the store.
        product_ids=("linked",) if product else (),
        title=title,
        original=original,
        cover_path=cover,
    )
    register_shops(engine, settings, [shop])
    summary = ingest(
        engine,
        shop_id=shop.id,
        records=numbered([record], "--cover" if cover else "video"),
        source="manual",
        cover_threshold=shop.cover_hash_threshold,
    )
    if summary.problems:
        raise BadInput(summary.problems[0].message)
    return summary, moment


def import_videos(
    engine: Engine, settings: Settings, shop: ShopSettings, path: Path, sheet: str | None = None
) -> IngestSummary:
    """Import a seller's videos file (a workbook's `sheet`, else its first); every skipped
    row is in the summary's problems."""
    records, problems, notes = read_file(
        path,
        settings.zone(shop),
        settings.import_columns,
        sheet=sheet,
        max_rows=settings.import_max_rows,
    )
    register_shops(engine, settings, [shop])
    summary = ingest(
        engine,
        shop_id=shop.id,
        records=records,
        source="xlsx" if path.suffix.lower() in WORKBOOK_SUFFIXES else "csv",
        cover_threshold=shop.cover_hash_threshold,
    )
    summary.problems = in_order([*problems, *summary.problems])
    summary.notes = notes
    return summary


@dataclass(frozen=True)
class MarkResult:
    """A judgement recorded: which video, what it now says, who said it."""

    shop: str
    video: str
    original: bool | None
    has_product: bool | None
    by: str
    reason: str


def mark_video(
    engine: Engine,
    settings: Settings,
    shop: ShopSettings,
    *,
    video_id: str,
    by: str,
    reason: str,
    now: datetime,
    original: bool | None = None,
    product: bool | None = None,
) -> MarkResult:
    """Record a person's judgement of a stored video (original or not, product-linked or
    not), which wins over detection and survives re-imports; audited."""
    from store.queries import mark_video as store_mark

    video_id, by, reason = video_id.strip(), by.strip(), reason.strip()
    if original is None and product is None:
        raise BadInput("say what to mark: --original, --not-original, --product or --no-product")
    for option, value, limit in (("--by", by, NAME_MAX), ("--reason", reason, REASON_MAX)):
        if not value:
            raise BadInput(f"{option} is empty; the audit trail records who decided and why")
        bounded(option, value, limit)
    register_shops(engine, settings, [shop])
    with session_scope(engine) as session:
        row = store_mark(
            session,
            shop_id=shop.id,
            video_id=video_id,
            by=by,
            reason=reason,
            at=now,
            original=original,
            has_product=product,
        )
        if row is None:
            raise BadInput(
                f"shop {shop.id!r} has no video {echoed(video_id)!r}; add or import it first"
            )
        return MarkResult(shop.id, video_id, row.original, row.has_product, by, reason)
