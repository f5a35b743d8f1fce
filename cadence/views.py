"""What the `cadence` commands print: each result as text rows, or as one JSON document.

Results go to stdout; problems, notes and progress to stderr. Nothing here decides
anything: a view takes what a service returned and shows it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from config.i18n import SEMICOLON, Joined, msg, pmsg, word
from config.views import file_imported, problems
from store.states import MessageState

if TYPE_CHECKING:  # the CLI imports views at start-up: keep --help light
    from datetime import datetime
    from pathlib import Path
    from zoneinfo import ZoneInfo

    from cadence.outbox import DeliverySummary
    from cadence.quota import History, WeekStatus
    from cadence.report import AlertReport, MessageReport
    from cadence.service import CheckRun, MarkResult
    from cadence.videos import IngestSummary
    from config.i18n import Msg
    from config.runtime import Environment
    from config.tables import RowProblem


def video_added(
    env: Environment,
    summary: IngestSummary,
    shop: str,
    video: str,
    at: datetime,
    zone: ZoneInfo | None = None,
    display: ZoneInfo | None = None,
) -> None:
    """One hand-entered video, its time in the shop's clock (and the team's beside it)."""
    from config.times import for_people

    when = for_people(alert_lang(env), at, zone, display)
    if summary.added:
        said = msg("added video {video} of {shop} posted {at}", video=video, shop=shop, at=when)
    elif summary.updated:
        said = msg("updated video {video} of {shop} posted {at}", video=video, shop=shop, at=when)
    else:
        said = msg(
            "already had video {video} of {shop} posted {at}", video=video, shop=shop, at=when
        )
    env.out(said)
    _reuploads(env, summary)


def _reuploads(env: Environment, summary: IngestSummary) -> None:
    for video_id, original_id in summary.reuploads:
        env.err(
            msg(
                "note: {video} has the same cover as {original}: it does not count",
                video=video_id,
                original=original_id,
            )
        )


def imported(env: Environment, file: Path, summary: IngestSummary, as_json: bool) -> None:
    """A videos file imported."""
    counts = msg(
        "{added} added, {updated} updated, {unchanged} unchanged, {reuploads} re-uploads, "
        "{skipped} rows skipped",
        added=summary.added,
        updated=summary.updated,
        unchanged=summary.unchanged,
        reuploads=len(summary.reuploads),
        skipped=len(summary.problems),
    )
    file_imported(env, file, summary, counts, as_json)


def video_marked(env: Environment, result: MarkResult) -> None:
    """A person's judgement recorded."""
    env.out(
        msg(
            "marked video {video} of {shop} {said} (by {by}: {reason}); this wins over "
            "detection and re-imports",
            video=result.video,
            shop=result.shop,
            said=_judgement(result.original, result.has_product),
            by=result.by,
            reason=result.reason,
        )
    )


def _judgement(original: bool | None, has_product: bool | None) -> Msg:
    """What a person said of a video: 'original and not product-linked'."""
    said = []
    if original is not None:
        said.append(msg("original") if original else msg("not original"))
    if has_product is not None:
        said.append(msg("product-linked") if has_product else msg("not product-linked"))
    if len(said) == 2:
        return msg("{one} and {other}", one=said[0], other=said[1])
    return said[0] if said else msg("unchanged")


def synced(
    env: Environment, shop: str, summary: IngestSummary, skipped: Sequence[RowProblem]
) -> None:
    """A sync from the shop's video source."""
    for problem in skipped:
        env.err(msg("skipped: {problem}", problem=problem.text))
    problems(env, summary.problems)
    env.out(
        msg(
            "{shop}: {added} added, {updated} updated, {unchanged} unchanged, "
            "{reuploads} re-uploads",
            shop=shop,
            added=summary.added,
            updated=summary.updated,
            unchanged=summary.unchanged,
            reuploads=len(summary.reuploads),
        )
    )


# What a person reads for each state a shop, alert or message is in (--json keeps the codes).
WEEK_STATES = {"met": msg("met"), "on_track": msg("on_track"), "behind": msg("behind")}
ALERT_STATES = {"firing": msg("firing"), "resolved": msg("resolved")}
MESSAGE_KINDS = {
    "firing": msg("firing"),
    "repeat": msg("repeat"),
    "resolved": msg("resolved"),
    "digest": msg("digest"),
}
MESSAGE_STATES = {
    "pending": msg("pending"),
    "delivered": msg("delivered"),
    "failed": msg("failed"),
    "dropped": msg("dropped"),
    "uncertain": msg("may have been delivered"),
}
SEVERITIES = {"info": msg("info"), "warning": msg("warning"), "critical": msg("critical")}
# Alert rules: English keeps the codes the README and --json use; other languages a phrase.
RULES = {
    "behind": pmsg("rule", "behind"),
    "at_risk": pmsg("rule", "at_risk"),
    "missed": pmsg("rule", "missed"),
    "new_shop_daily": pmsg("rule", "new_shop_daily"),
    "reminder": pmsg("rule", "reminder"),
    "review_waiting": pmsg("rule", "review_waiting"),
    "item_blocked": pmsg("rule", "item_blocked"),
    "items_blocked": pmsg("rule", "items_blocked"),
    "engine_failing": pmsg("rule", "engine_failing"),
}
ACTIONS = {  # what `check` decided for an alert
    "open": pmsg("alert", "open"),
    "repeat": pmsg("alert", "repeat"),
    "resolve": pmsg("alert", "resolve"),
    "close": pmsg("alert", "close"),
    "notice": pmsg("alert", "notice"),
}


def alert_lang(env: Environment) -> str:
    """The alerts' wording (cadence.messages) closest to the reader's language."""
    return "zh" if env.catalog.lang == "zh" else "en"


def status_table(env: Environment, weeks: Sequence[WeekStatus], as_json: bool) -> None:
    """Where each shop stands in its week."""
    if as_json:
        env.json([s.as_dict() for s in weeks])
        return
    from config.times import deadline

    lang = alert_lang(env)
    env.out(
        msg(
            "{shop:<20} {week:<10} {timezone:<20} {counted:>7} {due:>4} {quota:>5}  {state}  "
            "({next_due})",
            shop=msg("shop"),
            week=msg("week"),
            timezone=msg("timezone"),
            counted=msg("counted"),
            due=msg("due"),
            quota=msg("quota"),
            state=msg("state"),
            next_due=msg("next due"),
        )
    )
    for s in weeks:
        # the alert messages' wording: what is overdue since when, and the due time ahead
        said = []
        if s.overdue_since is not None:
            since = deadline(lang, s.overdue_since, s.shown_zone)
            said.append(msg("overdue since {when}", when=since))
        if s.next_due_ahead is not None:
            said.append(msg("next due {when}", when=deadline(lang, s.next_due_ahead, s.shown_zone)))
        row = msg(
            "{shop:<20} {week:<10} {timezone:<20} {counted:>7} {due:>4} {quota:>5}  {state}",
            shop=s.shop,
            week=s.week.start.isoformat(),
            timezone=s.week.zone.key,
            counted=s.counted,
            due=s.due_by_now,
            quota=s.quota,
            state=word(WEEK_STATES, s.state.value),
        )
        if s.at_risk:
            row = msg("{row} (at risk)", row=row)
        if said:
            row = msg("{row}  ({said})", row=row, said=Joined(said, SEMICOLON))
        env.out(row)
    for s in weeks:
        for video, mark in s.marks:
            env.out(
                msg(
                    "{shop}: video {video} marked {said} by {by}: {reason}",
                    shop=s.shop,
                    video=video,
                    said=_judgement(mark.original, mark.has_product),
                    by=mark.by,
                    reason=mark.reason,
                )
            )


def history(env: Environment, shop: str, zone: str, result: History, as_json: bool) -> None:
    """Past weeks, met or missed (or not tracked), and the streak."""
    shown = result.current.shown_zone if result.current else None
    rows = [
        {"week_start": w.start.isoformat(), "counted": n, "quota": q, "result": v}
        | ({"starts_at_display": w.starts_at.astimezone(shown).isoformat()} if shown else {})
        for w, n, q, v in result.weeks
    ]
    if as_json:
        document = {"shop": shop, "timezone": zone, "streak": result.streak, "weeks": rows}
        env.json(document | ({"display_timezone": shown.key} if shown else {}))
        return
    results = {
        "met": msg("met"),
        "missed": msg("missed"),
        "current": msg("current"),
        "not_tracked": msg("not tracked"),
    }
    for r in rows:
        env.out(
            msg(
                "{week}  {counted:>3}/{quota:<3} {result}",
                week=r["week_start"],
                counted=r["counted"],
                quota=r["quota"],
                result=word(results, str(r["result"])),
            )
        )
    env.out(msg("streak: {streak} week(s) met in a row", streak=result.streak))
    if result.current is None or shown is None:
        return
    from config.times import moment_text, same_clock, zone_label

    lang = alert_lang(env)
    start = result.current.week.starts_at
    if not same_clock(result.current.week.zone, shown, start):  # once when the clocks agree
        env.out(
            msg(
                "weeks start {start} {zone} = {shown} {shown_zone}",
                start=moment_text(lang, start),
                zone=zone_label(start.tzinfo, lang),  # type: ignore[arg-type]
                shown=moment_text(lang, start.astimezone(shown)),
                shown_zone=zone_label(shown, lang),
            )
        )


def checked(env: Environment, run: CheckRun) -> None:
    """One tick per shop on stdout (its state, what was decided, what delivery did), then
    the digest's; delivery failures on stderr."""
    from cadence.alerts import counted

    for r in run.shops:
        s = r.status
        decided = [
            msg("{action} {rule}", action=word(ACTIONS, action), rule=word(RULES, rule))
            if n == 1
            else msg(
                "{action} {rule} x{n}",
                action=word(ACTIONS, action),
                rule=word(RULES, rule),
                n=n,
            )
            for action, rule, n in counted(r.decisions)
        ]
        env.out(
            msg(
                "{shop}: {state} ({counted}/{quota}, {due} due); alerts: {decided}; {delivery}",
                shop=s.shop,
                state=word(WEEK_STATES, s.state.value),
                counted=s.counted,
                quota=s.quota,
                due=s.due_by_now,
                decided=decided or msg("no change"),
                delivery=_delivered(r.delivery),
            )
        )
        _failures(env, r.delivery, msg("shop {shop}", shop=s.shop))
    d = run.digest
    if d is not None and (d.written or not d.delivery.idle):
        if d.written:
            said = msg(
                "digest of {day} written; {delivery}",
                day=d.written.isoformat(),
                delivery=_delivered(d.delivery),
            )
        else:
            said = msg("digest: {delivery}", delivery=_delivered(d.delivery))
        env.out(said)
        _failures(env, d.delivery, msg("the digest"))


def _delivered(delivery: DeliverySummary) -> Msg:
    counts = dict(delivered=delivery.delivered, retrying=delivery.retrying, failed=delivery.failed)
    if delivery.dropped:
        said = msg(
            "delivered {delivered}, retrying {retrying}, failed {failed}, dropped {dropped}",
            dropped=delivery.dropped,
            **counts,
        )
    else:
        said = msg("delivered {delivered}, retrying {retrying}, failed {failed}", **counts)
    if delivery.uncertain:  # sent with no answer: nobody may have read it, so it is said
        return msg(
            "{said}, uncertain {n}: may have been delivered, not sent again",
            said=said,
            n=delivery.uncertain,
        )
    return said


def _failures(env: Environment, delivery: DeliverySummary, owner: Msg) -> None:
    for error in delivery.errors:
        env.err(msg("  delivery failed ({owner}): {error}", owner=owner, error=error))
    for why in delivery.unanswered:
        env.err(msg("  delivery uncertain ({owner}): {why}", owner=owner, why=why))


def alerts(env: Environment, report: Sequence[AlertReport], as_json: bool) -> None:
    """Alerts with their messages and delivery attempts; times in UTC, and each beside it
    in the shop's own clock and the team's."""
    if as_json:
        env.json([_alert_document(a) for a in report])
        return
    if not report:
        env.out(msg("no alerts"))
    from config.times import day_text

    lang = alert_lang(env)
    for a in report:
        env.out(
            msg(
                "{shop} {period} {rule} [{severity}] {state} (notified {times}x), opened "
                "{opened}{clocks}",
                shop=a.shop,
                period=day_text(lang, a.period_start),
                rule=Joined([word(RULES, a.rule), *filter(None, [a.subject])], " "),
                severity=word(SEVERITIES, a.severity),
                state=word(ALERT_STATES, a.state),
                times=a.notifications,
                opened=a.opened_at.isoformat(),
                clocks=_clocks(a, a.opened_at, lang),
            )
        )
        for m in a.messages:
            env.out(
                msg(
                    "  #{id} {kind}: {state}, {attempts} attempt(s), {when}",
                    id=m.id,
                    kind=word(MESSAGE_KINDS, m.kind),
                    state=word(MESSAGE_STATES, m.state),
                    attempts=m.attempts,
                    when=_when(a, m, lang),
                )
            )


def _alert_document(a: AlertReport) -> dict[str, Any]:
    """One alert for --json: UTC times, `*_display` in the team's zone, `*_local` in the
    shop's (both UTC for a shop the shops file does not configure)."""
    return {
        "shop": a.shop,
        "period_start": a.period_start.isoformat(),
        "rule": a.rule,
        "subject": a.subject,
        "severity": a.severity,
        "state": a.state,
        "opened_at": a.opened_at.isoformat(),
        "resolved_at": _iso(a.resolved_at),
        "notifications": a.notifications,
        "display_timezone": _zone_key(a.display_zone),
        "opened_at_display": _iso(a.opened_at, a.display_zone),
        "timezone": _zone_key(a.zone),
        "opened_at_local": _iso(a.opened_at, a.zone),
        "messages": [
            {
                "id": m.id,
                "kind": m.kind,
                "title": m.title,
                "state": m.state,
                "attempts": m.attempts,
                "next_attempt_at": m.next_attempt_at.isoformat(),
                "delivered_at": _iso(m.delivered_at),
                "last_error": m.last_error,
                "next_attempt_at_display": _iso(m.next_attempt_at, a.display_zone),
                "delivered_at_display": _iso(m.delivered_at, a.display_zone),
                "next_attempt_at_local": _iso(m.next_attempt_at, a.zone),
                "delivered_at_local": _iso(m.delivered_at, a.zone),
                "deliveries": [
                    {
                        "at": d.at.isoformat(),
                        "target": d.target,
                        "ok": d.ok,
                        "error": d.error,
                        "ms": d.ms,
                    }
                    for d in m.deliveries
                ],
            }
            for m in a.messages
        ],
    }


def _zone_key(zone: ZoneInfo | None) -> str:
    return zone.key if zone else "UTC"


def _iso(moment: datetime | None, zone: ZoneInfo | None = None) -> str | None:
    """A stored UTC moment in `zone` (kept in UTC without one), as ISO 8601."""
    if moment is None:
        return None
    return moment.astimezone(zone).isoformat() if zone else moment.isoformat()


def _clocks(alert: AlertReport, moment: datetime, lang: str) -> str:
    """A UTC moment as the shop and the team read it: ' (Wed 25 Nov 18:00 Bangkok = Wed 25
    Nov 19:00 Beijing)'; one clock when they agree, nothing for an unconfigured shop."""
    from config.times import moment_text, same_clock, zone_label

    zones = [z for z in (alert.zone, alert.display_zone) if z is not None]
    unique = zones[:1] if len(zones) == 2 and same_clock(zones[0], zones[1], moment) else zones
    unique = list({z.key: z for z in unique}.values())  # once when the team reads shop time
    shown = [f"{moment_text(lang, moment.astimezone(z))} {zone_label(z, lang)}" for z in unique]
    return f" ({' = '.join(shown)})" if shown else ""


def _when(alert: AlertReport, message: MessageReport, lang: str) -> Msg:
    if message.state == MessageState.DELIVERED:
        at = message.delivered_at
        when = (
            msg("delivered {at}{clocks}", at=at.isoformat(), clocks=_clocks(alert, at, lang))
            if at
            else msg("delivered")
        )
    elif message.state == MessageState.PENDING:
        at = message.next_attempt_at
        when = msg("next try {at}{clocks}", at=at.isoformat(), clocks=_clocks(alert, at, lang))
    elif message.state == MessageState.DROPPED:
        when = msg("not sent")
    elif message.state == MessageState.UNCERTAIN:
        when = msg("not sent again")
    else:
        when = msg("gave up")
    if message.last_error:
        return msg("{when} — {error}", when=when, error=message.last_error)
    return when


def fleet(env: Environment, report: dict[str, Any], as_json: bool) -> None:
    """The fleet: each shop's jobs, the workers seen, the work waiting."""
    if as_json:
        env.json(report)
        return
    queue = report["queue"]
    env.out(
        msg(
            "waiting: {messages} message(s), {translate} item(s) to translate, {publish} to "
            "publish",
            messages=queue["messages_pending"],
            translate=queue["items_to_translate"],
            publish=queue["items_to_publish"],
        )
    )
    if queue.get("messages_uncertain"):
        env.out(
            msg(
                "{count} message(s) may have been delivered: the chat gave no answer in "
                "time or their worker stopped mid-send; not sent again (cadence alerts shows "
                "which)",
                count=queue["messages_uncertain"],
            )
        )
    if (tasks := report.get("task_queue")) is not None:
        said = msg(
            "queue ({engine}): {waiting} job(s) waiting, {running} running; {alive} worker(s) "
            "alive",
            engine=tasks["engine"],
            waiting=tasks["jobs_waiting"],
            running=tasks["jobs_running"],
            alive=tasks["workers_alive"],
        )
        if tasks["workers_dead"]:
            said = msg(
                "{said}, {dead} silent (their jobs go again)", said=said, dead=tasks["workers_dead"]
            )
        env.out(said)
    for w in report["workers"]:
        env.out(
            msg(
                "worker {worker}: {shops} shop(s), seen {seen} ({state})",
                worker=w["worker"],
                shops=w["shops"],
                seen=w["seen_at"],
                state=msg("alive") if w["alive"] else msg("not seen lately"),
            )
        )
    if not report["workers"]:
        env.out(msg("no worker has run yet: cadence daemon --all"))
    env.out(
        msg(
            "{shop:<20} {job:<9} {last:<26} {outcome:<8} {next:<26} {worker}",
            shop=msg("shop"),
            job=msg("job"),
            last=msg("last run"),
            outcome=msg("outcome"),
            next=msg("next run"),
            worker=msg("worker"),
        )
    )
    for shop in report["shops"]:
        for job in shop["jobs"]:
            row = msg(
                "{shop:<20} {job:<9} {last:<26} {outcome:<8} {next:<26} {worker}",
                shop=shop["shop"],
                job=job["job"],
                last=job["last_run"][:25],
                outcome=msg("ok") if job["ok"] else msg("FAILED"),
                next=(job["next_run"] or "-")[:25],
                worker=job["worker"] or "-",
            )
            env.out(msg("{row} (overdue)", row=row) if job["overdue"] else row)
        if not shop["jobs"]:
            env.out(msg("{shop:<20} (no job has run)", shop=shop["shop"]))
