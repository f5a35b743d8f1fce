"""The `cadence` command: ingest videos, evaluate the weekly quota, alert, run the daemon."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from config.cli import (
    ConfigOption,
    DbOption,
    ExitCode,
    Invocation,
    JsonOption,
    invocation,
    main,
    new_app,
)
from config.errors import BadInput
from config.files import parse_iso

app = new_app("cadence", "Keep each shop on its weekly cadence of product-linked videos.")
videos_app = new_app("videos", "Record the videos a shop posted.")
app.add_typer(videos_app, name="videos")

ShopOption = Annotated[str | None, typer.Option("--shop", help="Shop id (default: every shop).")]
RequiredShop = Annotated[str, typer.Option("--shop", help="Shop id from the shops file.")]
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help="Evaluate at this moment (ISO 8601 with offset) instead of now."),
]


def parse_moment(option: str, text: str | None) -> datetime:
    """--as-of and friends: an ISO 8601 moment with an offset; now when not given."""
    if text is None:
        return datetime.now(UTC)
    try:
        moment = parse_iso(text)
    except ValueError:
        raise BadInput(
            f"{option} {text!r} is not an ISO 8601 time, e.g. 2026-11-26T09:00+07:00"
        ) from None
    if moment.tzinfo is None:
        raise BadInput(f"{option} {text!r} has no UTC offset; add one, e.g. +07:00 or Z")
    return moment


def _store(inv: Invocation):  # type: ignore[no-untyped-def]
    from store.db import open_store

    return open_store(inv.db_url)


def _shops(inv: Invocation, shop: str | None):  # type: ignore[no-untyped-def]
    settings = inv.settings()
    return settings, ([settings.shop(shop)] if shop else list(settings.shops))


def _report_problems(inv: Invocation, problems) -> None:  # type: ignore[no-untyped-def]
    for p in problems:
        inv.env.err(str(p))


@videos_app.command("add")
def videos_add(
    ctx: typer.Context,
    shop: RequiredShop,
    video_id: Annotated[str, typer.Option("--id", help="The platform's video id.")],
    posted_at: Annotated[
        str,
        typer.Option(
            "--posted-at",
            help="ISO 8601 (2026-11-24T19:05+07:00), 2026-11-24 19:05 or 2026/11/24 19:05; "
            "without an offset, the shop's time.",
        ),
    ],
    product: Annotated[
        bool, typer.Option("--product/--no-product", help="Has a product link.")
    ] = True,
    original: Annotated[bool, typer.Option("--original/--not-original", help="Original.")] = True,
    title: Annotated[str, typer.Option("--title", help="The video's title.")] = "",
    cover: Annotated[Path | None, typer.Option("--cover", help="Cover image file.")] = None,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Record one video by hand."""
    from cadence.videos import VideoRecord, ingest, parse_time

    inv = invocation(ctx, config, db)
    settings, [shop_cfg] = _shops(inv, shop)
    try:
        moment = parse_time(posted_at, settings.zone(shop_cfg))
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
    from cadence.service import register_shops

    engine = _store(inv)
    register_shops(engine, settings, [shop_cfg])
    summary = ingest(
        engine,
        shop_id=shop_cfg.id,
        records=[(1, record)],
        source="manual",
        cover_threshold=shop_cfg.cover_hash_threshold,
    )
    if summary.problems:
        raise BadInput(summary.problems[0].message)
    verb = "added" if summary.added else "updated"
    inv.env.out(f"{verb} video {video_id} of {shop_cfg.id} posted {moment.isoformat()}")
    for video, original_id in summary.reuploads:
        inv.env.err(f"note: {video} has the same cover as {original_id}: it does not count")


@videos_app.command("import")
def videos_import(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV: id, posted_at, products, title[, cover].")],
    shop: RequiredShop,
    json_out: JsonOption = False,
    config: ConfigOption = None,
    db: DbOption = None,
) -> int:
    """Import videos from a CSV the seller exported."""
    from cadence.service import register_shops
    from cadence.videos import ingest, read_csv
    from config.tables import in_order

    inv = invocation(ctx, config, db)
    settings, [shop_cfg] = _shops(inv, shop)
    records, problems = read_csv(file, settings.zone(shop_cfg))
    engine = _store(inv)
    register_shops(engine, settings, [shop_cfg])
    summary = ingest(
        engine,
        shop_id=shop_cfg.id,
        records=records,
        source="csv",
        cover_threshold=shop_cfg.cover_hash_threshold,
    )
    summary.problems = in_order([*problems, *summary.problems])
    _report_problems(inv, summary.problems)
    if json_out:
        inv.env.json(summary.as_dict())
    else:
        inv.env.out(
            f"{file}: {summary.added} added, {summary.updated} updated, "
            f"{len(summary.reuploads)} re-uploads, {len(summary.problems)} rows skipped"
        )
    return ExitCode.FAILURES if summary.problems else ExitCode.OK


@videos_app.command("sync")
def videos_sync(
    ctx: typer.Context,
    shop: RequiredShop,
    days: Annotated[int, typer.Option("--days", min=1, max=60, help="How many days back.")] = 14,
    config: ConfigOption = None,
    db: DbOption = None,
) -> int:
    """Fetch the shop's videos from TikTok Shop analytics."""
    from cadence.service import sync_videos

    inv = invocation(ctx, config, db)
    settings, [shop_cfg] = _shops(inv, shop)
    summary, skipped = sync_videos(
        _store(inv), settings, shop_cfg, inv.env.secrets, inv.env.clock(), days=days
    )
    for line in skipped:
        inv.env.err(f"skipped: {line}")
    _report_problems(inv, summary.problems)
    inv.env.out(
        f"{shop_cfg.id}: {summary.added} added, {summary.updated} updated, "
        f"{len(summary.reuploads)} re-uploads"
    )
    return ExitCode.FAILURES if summary.problems or skipped else ExitCode.OK


@app.command("status")
def status(
    ctx: typer.Context,
    shop: ShopOption = None,
    as_of: AsOfOption = None,
    json_out: JsonOption = False,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Where each shop stands in its current week."""
    from cadence.service import statuses

    inv = invocation(ctx, config, db)
    now = parse_moment("--as-of", as_of)
    settings, shops = _shops(inv, shop)
    result = statuses(_store(inv), settings, shops, now)
    if json_out:
        inv.env.json([s.as_dict() for s in result])
        return
    inv.env.out(
        f"{'shop':<20} {'week':<10} {'timezone':<20} {'counted':>7} {'due':>4} {'quota':>5}  state"
    )
    for s in result:
        flag = " (at risk)" if s.at_risk else ""
        inv.env.out(
            f"{s.shop:<20} {s.week.start.isoformat():<10} {s.week.zone.key:<20} "
            f"{s.counted:>7} {s.due_by_now:>4} {s.quota:>5}  {s.state.value}{flag}"
        )


@app.command("history")
def history(
    ctx: typer.Context,
    shop: RequiredShop,
    weeks: Annotated[int, typer.Option("--weeks", min=1, max=520, help="Weeks back.")] = 8,
    as_of: AsOfOption = None,
    json_out: JsonOption = False,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Past weeks, met or missed, and the streak of met weeks."""
    from cadence.service import shop_history

    inv = invocation(ctx, config, db)
    now = parse_moment("--as-of", as_of)
    settings, [shop_cfg] = _shops(inv, shop)
    result = shop_history(_store(inv), settings, shop_cfg, now, weeks)
    rows = [
        {"week_start": w.start.isoformat(), "counted": n, "quota": q, "result": v}
        for w, n, q, v in result.weeks
    ]
    if json_out:
        inv.env.json(
            {
                "shop": shop_cfg.id,
                "timezone": settings.zone(shop_cfg).key,
                "streak": result.streak,
                "weeks": rows,
            }
        )
        return
    for r in rows:
        inv.env.out(f"{r['week_start']}  {r['counted']:>3}/{r['quota']:<3} {r['result']}")
    inv.env.out(f"streak: {result.streak} week(s) met in a row")


@app.command("check")
def check(
    ctx: typer.Context,
    shop: ShopOption = None,
    as_of: AsOfOption = None,
    config: ConfigOption = None,
    db: DbOption = None,
) -> int:
    """One daemon tick: evaluate, decide alerts, deliver the outbox."""
    from cadence.service import check as run_check
    from cadence.service import notifiers_for

    inv = invocation(ctx, config, db)
    now = parse_moment("--as-of", as_of)
    settings, shops = _shops(inv, shop)
    results = run_check(
        _store(inv), settings, shops, now, notifiers_for(settings, inv.env.secrets, inv.env.stdout)
    )
    failed = False
    for r in results:
        s = r.status
        decided = ", ".join(f"{d.action.value} {d.rule}" for d in r.decisions) or "no change"
        inv.env.err(
            f"{s.shop}: {s.state.value} ({s.counted}/{s.quota}, {s.due_by_now} due); "
            f"alerts: {decided}; delivered {r.delivery.delivered}, "
            f"retrying {r.delivery.retrying}, failed {r.delivery.failed}"
        )
        for error in r.delivery.errors:
            inv.env.err(f"  delivery failed: {error}")
        failed = failed or bool(r.delivery.errors)
    return ExitCode.FAILURES if failed else ExitCode.OK


@app.command("alerts")
def alerts(
    ctx: typer.Context,
    shop: ShopOption = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Newest alerts shown.")] = 100,
    json_out: JsonOption = False,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Alerts with their delivery state and attempts."""
    from cadence.report import alert_report

    inv = invocation(ctx, config, db)
    shop_ids = [shop] if shop else None
    if shop:
        inv.settings().shop(shop)  # an unknown id is a mistake worth saying
    report = alert_report(_store(inv), shop_ids=shop_ids, limit=limit)
    if json_out:
        inv.env.json(report)
        return
    if not report:
        inv.env.out("no alerts")
    for a in report:
        inv.env.out(
            f"{a['shop']} {a['period_start']} {a['rule']} [{a['severity']}] {a['state']}"
            f" (notified {a['notifications']}x)"
        )
        for m in a["messages"]:
            if m["state"] == "delivered":
                when = f"delivered {m['delivered_at']}"
            elif m["state"] == "pending":
                when = f"next try {m['next_attempt_at']}"
            else:
                when = "gave up"
            error = f" — {m['last_error']}" if m["last_error"] else ""
            inv.env.out(
                f"  #{m['id']} {m['kind']}: {m['state']}, {m['attempts']} attempt(s), {when}{error}"
            )


@app.command("daemon")
def daemon(
    ctx: typer.Context,
    shop: RequiredShop,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Run the shop's jobs on schedule until SIGTERM."""
    from cadence.daemon import Daemon

    inv = invocation(ctx, config, db)
    settings, [shop_cfg] = _shops(inv, shop)
    Daemon(
        engine=_store(inv),
        settings=settings,
        shop=shop_cfg,
        secrets=inv.env.secrets,
        console=inv.env.stdout,
        log_stream=inv.env.stderr,
        clock=inv.env.clock,
    ).run()


def run() -> None:
    """Console-script entry point."""
    raise SystemExit(main(app))
