"""What the `cadence` commands print: each result as text rows, or as one JSON document.

Results go to stdout; problems, notes and progress to stderr. Nothing here decides
anything: a view takes what a service returned and shows it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

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
    from config.runtime import Environment
    from config.tables import RowProblem


def video_added(
    env: Environment, summary: IngestSummary, shop: str, video: str, at: datetime
) -> None:
    """One hand-entered video."""
    verb = "added" if summary.added else "updated" if summary.updated else "already had"
    env.out(f"{verb} video {video} of {shop} posted {at.isoformat()}")
    for video_id, original_id in summary.reuploads:
        env.err(f"note: {video_id} has the same cover as {original_id}: it does not count")


def imported(env: Environment, file: Path, summary: IngestSummary, as_json: bool) -> None:
    """A videos file imported."""
    counts = (
        f"{summary.added} added, {summary.updated} updated, {summary.unchanged} unchanged, "
        f"{len(summary.reuploads)} re-uploads, {len(summary.problems)} rows skipped"
    )
    file_imported(env, file, summary, counts, as_json)


def video_marked(env: Environment, result: MarkResult) -> None:
    """A person's judgement recorded."""
    said = _judgement(result.original, result.has_product)
    env.out(
        f"marked video {result.video} of {result.shop} {said} "
        f"(by {result.by}: {result.reason}); this wins over detection and re-imports"
    )


def _judgement(original: bool | None, has_product: bool | None) -> str:
    """What a person said of a video: 'original and not product-linked'."""
    said = []
    if original is not None:
        said.append("original" if original else "not original")
    if has_product is not None:
        said.append("product-linked" if has_product else "not product-linked")
    return " and ".join(said)


def synced(
    env: Environment, shop: str, summary: IngestSummary, skipped: Sequence[RowProblem]
) -> None:
    """A sync from the shop's video source."""
    for problem in skipped:
        env.err(f"skipped: {problem}")
    problems(env, summary.problems)
    env.out(
        f"{shop}: {summary.added} added, {summary.updated} updated, "
        f"{summary.unchanged} unchanged, {len(summary.reuploads)} re-uploads"
    )


def status_table(env: Environment, weeks: Sequence[WeekStatus], as_json: bool) -> None:
    """Where each shop stands in its week."""
    if as_json:
        env.json([s.as_dict() for s in weeks])
        return
    from cadence.messages import deadline

    env.out(
        f"{'shop':<20} {'week':<10} {'timezone':<20} {'counted':>7} {'due':>4} {'quota':>5}  state"
        "  (next due)"
    )
    for s in weeks:
        flag = " (at risk)" if s.at_risk else ""
        # the alert messages' wording: what is overdue since when, and the due time ahead
        said = []
        if s.overdue_since is not None:
            said.append(f"overdue since {deadline('en', s.overdue_since, s.shown_zone)}")
        if s.next_due_ahead is not None:
            said.append(f"next due {deadline('en', s.next_due_ahead, s.shown_zone)}")
        due = f"  ({'; '.join(said)})" if said else ""
        env.out(
            f"{s.shop:<20} {s.week.start.isoformat():<10} {s.week.zone.key:<20} "
            f"{s.counted:>7} {s.due_by_now:>4} {s.quota:>5}  {s.state.value}{flag}{due}"
        )
    for s in weeks:
        for video, mark in s.marks:
            said = _judgement(mark.original, mark.has_product)
            env.out(f"{s.shop}: video {video} marked {said} by {mark.by}: {mark.reason}")


def history(env: Environment, shop: str, zone: str, result: History, as_json: bool) -> None:
    """Past weeks, met or missed (or not tracked), and the streak."""
    from cadence.quota import NOT_TRACKED

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
    for r in rows:
        said = "not tracked" if r["result"] == NOT_TRACKED else r["result"]
        env.out(f"{r['week_start']}  {r['counted']:>3}/{r['quota']:<3} {said}")
    env.out(f"streak: {result.streak} week(s) met in a row")
    if result.current is None or shown is None:
        return
    from cadence.messages import moment_text, same_clock, zone_label

    start = result.current.week.starts_at
    if not same_clock(result.current.week.zone, shown, start):  # once when the clocks agree
        env.out(
            f"weeks start {moment_text('en', start)} {zone_label(start.tzinfo, 'en')} = "  # type: ignore[arg-type]
            f"{moment_text('en', start.astimezone(shown))} {zone_label(shown, 'en')}"
        )


def checked(env: Environment, run: CheckRun) -> None:
    """One tick per shop on stdout (its state, what was decided, what delivery did), then
    the digest's; delivery failures on stderr."""
    from cadence.alerts import in_short

    for r in run.shops:
        s = r.status
        decided = in_short(r.decisions) or "no change"
        env.out(
            f"{s.shop}: {s.state.value} ({s.counted}/{s.quota}, {s.due_by_now} due); "
            f"alerts: {decided}; {_delivered(r.delivery)}"
        )
        _failures(env, r.delivery, f"shop {s.shop}")
    d = run.digest
    if d is not None and (d.written or not d.delivery.idle):
        written = f"digest of {d.written.isoformat()} written; " if d.written else "digest: "
        env.out(written + _delivered(d.delivery))
        _failures(env, d.delivery, "the digest")


def _delivered(delivery: DeliverySummary) -> str:
    return (
        f"delivered {delivery.delivered}, retrying {delivery.retrying}, failed {delivery.failed}"
        + (f", dropped {delivery.dropped}" if delivery.dropped else "")
    )


def _failures(env: Environment, delivery: DeliverySummary, owner: str) -> None:
    for error in delivery.errors:
        env.err(f"  delivery failed ({owner}): {error}")


def alerts(env: Environment, report: Sequence[AlertReport], as_json: bool) -> None:
    """Alerts with their messages and delivery attempts; times in UTC, and each beside it
    in the shop's own clock and the team's."""
    if as_json:
        env.json([_alert_document(a) for a in report])
        return
    if not report:
        env.out("no alerts")
    for a in report:
        env.out(
            f"{a.shop} {a.period_start.isoformat()} {a.rule}"
            + (f" {a.subject}" if a.subject else "")
            + f" [{a.severity}] {a.state}"
            f" (notified {a.notifications}x), opened {a.opened_at.isoformat()}"
            + _clocks(a, a.opened_at)
        )
        for m in a.messages:
            env.out(f"  #{m.id} {m.kind}: {m.state}, {m.attempts} attempt(s), " + _when(a, m))


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


def _clocks(alert: AlertReport, moment: datetime) -> str:
    """A UTC moment as the shop and the team read it: ' (Wed 25 Nov 18:00 Bangkok = Wed 25
    Nov 19:00 Beijing)'; one clock when they agree, nothing for an unconfigured shop."""
    from cadence.messages import moment_text, same_clock, zone_label

    zones = [z for z in (alert.zone, alert.display_zone) if z is not None]
    unique = zones[:1] if len(zones) == 2 and same_clock(zones[0], zones[1], moment) else zones
    unique = list({z.key: z for z in unique}.values())  # once when the team reads shop time
    shown = [f"{moment_text('en', moment.astimezone(z))} {zone_label(z, 'en')}" for z in unique]
    return f" ({' = '.join(shown)})" if shown else ""


def _when(alert: AlertReport, message: MessageReport) -> str:
    if message.state == MessageState.DELIVERED:
        at = message.delivered_at
        when = "delivered" + (f" {at.isoformat()}{_clocks(alert, at)}" if at else "")
    elif message.state == MessageState.PENDING:
        at = message.next_attempt_at
        when = f"next try {at.isoformat()}" + _clocks(alert, at)
    elif message.state == MessageState.DROPPED:
        when = "not sent"
    else:
        when = "gave up"
    return when + (f" — {message.last_error}" if message.last_error else "")


def fleet(env: Environment, report: dict[str, Any], as_json: bool) -> None:
    """The fleet: each shop's jobs, the workers seen, the work waiting."""
    if as_json:
        env.json(report)
        return
    queue = report["queue"]
    env.out(
        f"waiting: {queue['messages_pending']} message(s), {queue['items_to_translate']} "
        f"item(s) to translate, {queue['items_to_publish']} to publish"
    )
    if (tasks := report.get("task_queue")) is not None:
        env.out(
            f"queue ({tasks['engine']}): {tasks['jobs_waiting']} job(s) waiting, "
            f"{tasks['jobs_running']} running; {tasks['workers_alive']} worker(s) alive"
            + (
                f", {tasks['workers_dead']} silent (their jobs go again)"
                if tasks["workers_dead"]
                else ""
            )
        )
    for w in report["workers"]:
        state = "alive" if w["alive"] else "not seen lately"
        env.out(f"worker {w['worker']}: {w['shops']} shop(s), seen {w['seen_at']} ({state})")
    if not report["workers"]:
        env.out("no worker has run yet: cadence daemon --all")
    env.out(f"{'shop':<20} {'job':<9} {'last run':<26} {'outcome':<8} {'next run':<26} worker")
    for shop in report["shops"]:
        for job in shop["jobs"]:
            outcome = "ok" if job["ok"] else "FAILED"
            late = " (overdue)" if job["overdue"] else ""
            env.out(
                f"{shop['shop']:<20} {job['job']:<9} {job['last_run'][:25]:<26} {outcome:<8} "
                f"{(job['next_run'] or '-')[:25]:<26} {job['worker'] or '-'}{late}"
            )
        if not shop["jobs"]:
            env.out(f"{shop['shop']:<20} (no job has run)")
