"""The `cadence` command: ingest videos, evaluate the weekly quota, alert, run the daemon.

Each command is its options, one service call and one view (cadence/views.py).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from cadence import views
from config.cli import (
    MAX_ID,
    ExitCode,
    Invocation,
    JsonOption,
    SheetOption,
    command,
    main,
    new_app,
    show_import,
)
from config.errors import BadInput
from config.runtime import utcnow

app = new_app(
    "cadence", "Keep each shop on its weekly cadence of product-linked videos.", program=True
)
videos_app = new_app("videos", "Record the videos a shop posted.")
app.add_typer(videos_app, name="videos")
fleet_app = new_app("fleet", "Many shops in one process, or on several machines.")
app.add_typer(fleet_app, name="fleet")

ShopOption = Annotated[str | None, typer.Option("--shop", help="Shop id (default: every shop).")]
RequiredShop = Annotated[str, typer.Option("--shop", help="Shop id from the shops file.")]
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help="Evaluate at this moment (ISO 8601 with offset) instead of now."),
]


def parse_moment(inv: Invocation, option: str, text: str | None) -> datetime:
    """--as-of and friends: an ISO 8601 moment with an offset; now when not given."""
    from config.files import given_moment

    if text is None:
        return inv.env.clock()
    return given_moment(option, text)


def _store(inv: Invocation, *, stays_up: bool = False):  # type: ignore[no-untyped-def]
    """The store; a daemon that stays up migrates it in a child process (store.db)."""
    from store.db import open_store

    return open_store(inv.db_url, migrate_apart=stays_up)


def _shops(inv: Invocation, shop: str | None):  # type: ignore[no-untyped-def]
    settings = inv.settings()
    return settings, ([settings.shop(shop)] if shop else list(settings.shops))


def _shop_zones(inv: Invocation):  # type: ignore[no-untyped-def]
    """Each configured shop's display timezone and its own; none without a shops file
    (times in UTC)."""
    if inv.config is None and not inv.config_path.exists():
        return {}, {}
    settings = inv.settings()
    return (
        {s.id: settings.display_zone(s) for s in settings.shops},
        {s.id: settings.zone(s) for s in settings.shops},
    )


@command(videos_app, "add")
def videos_add(
    inv: Invocation,
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
) -> None:
    """Record one video by hand."""
    from cadence.service import add_video

    settings, [shop_cfg] = _shops(inv, shop)
    summary, moment = add_video(
        _store(inv),
        settings,
        shop_cfg,
        video_id=video_id,
        posted_at=posted_at,
        product=product,
        original=original,
        title=title,
        cover=cover,
    )
    zones = shop_cfg.zone(settings.markets), shop_cfg.display_zone(settings.markets)
    views.video_added(inv.env, summary, shop_cfg.id, video_id.strip(), moment, *zones)


@command(videos_app, "import")
def videos_import(
    inv: Invocation,
    file: Annotated[
        Path,
        typer.Argument(
            help="The seller's export, .csv or .xlsx (its first sheet, or --sheet): columns id, "
            "posted_at, "
            "products (ids separated by ;), title, optionally cover, status, original; or the "
            "headers sellers' tools write, Chinese or English (视频ID / Video ID, 发布时间 / "
            "Post time, 商品ID / Product ID, 标题 / Video title, 封面, 状态, 是否原创); or your "
            "own, mapped in the shops file's [import.columns]. posted_at: ISO 8601, "
            "YYYY/MM/DD HH:MM, or an Excel date cell or serial number; without an offset, "
            "the shop's time.",
        ),
    ],
    shop: RequiredShop,
    sheet: SheetOption = None,
    json_out: JsonOption = False,
) -> int:
    """Import videos from the file the seller exported; says how many rows were added,
    updated or unchanged, and which were skipped."""
    from cadence.service import import_videos

    settings, [shop_cfg] = _shops(inv, shop)
    summary = import_videos(_store(inv), settings, shop_cfg, file, sheet=sheet)
    return show_import(views.imported, inv, file, summary, json_out)


def _one_of(yes: str, said_yes: bool, no: str, said_no: bool) -> bool | None:
    """True, False or None (neither given) from a pair of opposite flags; both is a mistake."""
    if said_yes and said_no:
        raise BadInput(f"give one of {yes} or {no}, not both")
    return True if said_yes else False if said_no else None


@command(videos_app, "mark")
def videos_mark(
    inv: Invocation,
    video_id: Annotated[str, typer.Argument(help="The platform's video id.")],
    shop: RequiredShop,
    by: Annotated[
        str,
        typer.Option(
            "--by", help="Who decides (recorded in the audit trail; at most 100 characters)."
        ),
    ],
    reason: Annotated[
        str, typer.Option("--reason", help="Why (recorded with it; at most 2000 characters).")
    ],
    # Four plain flags rather than two --x/--no-x pairs: a pair lets the last one given
    # win silently, and `--product --no-product` must be refused, not guessed.
    is_original: Annotated[
        bool, typer.Option("--original", help="Original, whatever the cover comparison found.")
    ] = False,
    not_original: Annotated[bool, typer.Option("--not-original", help="Not original.")] = False,
    has_product: Annotated[
        bool, typer.Option("--product", help="Product-linked, whatever was imported.")
    ] = False,
    no_product: Annotated[bool, typer.Option("--no-product", help="Not product-linked.")] = False,
) -> None:
    """Correct the bot: mark a video original or not, product-linked or not."""
    from cadence.service import mark_video

    settings, [shop_cfg] = _shops(inv, shop)
    result = mark_video(
        _store(inv),
        settings,
        shop_cfg,
        video_id=video_id,
        by=by,
        reason=reason,
        now=inv.env.clock(),
        original=_one_of("--original", is_original, "--not-original", not_original),
        product=_one_of("--product", has_product, "--no-product", no_product),
    )
    views.video_marked(inv.env, result)


@command(videos_app, "sync")
def videos_sync(
    inv: Invocation,
    shop: RequiredShop,
    days: Annotated[int, typer.Option("--days", min=1, max=60, help="How many days back.")] = 14,
) -> int:
    """Fetch the shop's videos from TikTok Shop analytics."""
    from cadence.service import sync_videos

    settings, [shop_cfg] = _shops(inv, shop)
    summary, skipped = sync_videos(
        _store(inv), settings, shop_cfg, inv.env.secrets, inv.env.clock(), days=days
    )
    views.synced(inv.env, shop_cfg.id, summary, skipped)
    return ExitCode.FAILURES if summary.problems or skipped else ExitCode.OK


@command(app, "status")
def status(
    inv: Invocation, shop: ShopOption = None, as_of: AsOfOption = None, json_out: JsonOption = False
) -> None:
    """Where each shop stands in its current week."""
    from cadence.standing import statuses  # not cadence.service: no ORM to import

    now = parse_moment(inv, "--as-of", as_of)
    settings, shops = _shops(inv, shop)
    views.status_table(inv.env, statuses(_store(inv), settings, shops, now), json_out)


@command(app, "history")
def history(
    inv: Invocation,
    shop: RequiredShop,
    weeks: Annotated[int, typer.Option("--weeks", min=1, max=520, help="Weeks back.")] = 8,
    as_of: AsOfOption = None,
    json_out: JsonOption = False,
) -> None:
    """Past weeks, met or missed, and the streak of met weeks."""
    from cadence.service import shop_history

    now = parse_moment(inv, "--as-of", as_of)
    settings, [shop_cfg] = _shops(inv, shop)
    result = shop_history(_store(inv), settings, shop_cfg, now, weeks)
    views.history(inv.env, shop_cfg.id, settings.zone(shop_cfg).key, result, json_out)


@command(app, "check")
def check(
    inv: Invocation,
    shop: ShopOption = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Evaluate and deliver as if it were this moment (ISO 8601 with offset): "
            "messages are written and really sent, retries scheduled from then; use it on a "
            "test store. A check without it is refused while the store holds a check as of "
            "a moment still to come.",
        ),
    ] = None,
) -> int:
    """One daemon tick: evaluate, decide alerts, deliver the outbox (and the weekly digest)."""
    from cadence.service import check as run_check
    from cadence.service import checked_ahead, notifiers_for

    now = parse_moment(inv, "--as-of", as_of)
    settings, shops = _shops(inv, shop)
    engine = _store(inv)
    if as_of is None:
        ahead = checked_ahead(engine, [s.id for s in shops], now)
        if ahead is not None:
            raise BadInput(ahead)
    notifiers = notifiers_for(settings, inv.env.secrets, inv.env.stdout, warn=inv.env.err)
    result = run_check(engine, settings, shops, now, notifiers)
    views.checked(inv.env, result)
    return ExitCode.FAILURES if result.errors else ExitCode.OK


@command(app, "alerts")
def alerts(
    inv: Invocation,
    shop: ShopOption = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=MAX_ID, help="Newest alerts shown.")
    ] = 100,
    json_out: JsonOption = False,
) -> None:
    """Alerts with their delivery state and attempts."""
    from cadence.report import alert_report

    if shop:
        inv.settings().shop(shop)  # an unknown id is a mistake worth saying
    display, local = _shop_zones(inv)
    report = alert_report(
        _store(inv),
        shop_ids=[shop] if shop else None,
        limit=limit,
        zones=display,
        local_zones=local,
    )
    views.alerts(inv.env, report, json_out)


@command(app, "daemon")
def daemon(
    inv: Invocation,
    shop: ShopOption = None,
    every_shop: Annotated[
        bool, typer.Option("--all", help="Every shop in the shops file, in one process.")
    ] = False,
    shops: Annotated[
        str | None,
        typer.Option("--shops", help="These shops (comma-separated ids), in one process."),
    ] = None,
    once: Annotated[
        bool,
        typer.Option(
            "--once",
            help="Run every job once, then exit: 0 when all worked, 1 when one failed or "
            "found failures (a delivery refused or retrying, a video skipped, an item not "
            "translated or published).",
        ),
    ] = False,
) -> int:
    """Run a shop's jobs (videos, quota, alerts, listings, publishing) until SIGTERM; with
    --all or --shops, many shops' jobs in one process (SIGHUP reloads the shops file)."""
    chosen = [
        name
        for name, given in (("--shop", shop), ("--all", every_shop), ("--shops", shops))
        if given
    ]
    if len(chosen) != 1:
        said = " and ".join(chosen) if chosen else "none of them"
        raise BadInput(f"give one of --shop S, --all or --shops A,B (given: {said})")
    if shop is None:
        return _fleet(inv, None if every_shop else _names(shops or ""), once)
    from cadence.daemon import Daemon
    from store.db import check_intact

    settings, [shop_cfg] = _shops(inv, shop)
    engine = _store(inv, stays_up=not once)
    check_intact(engine)  # a damaged file fails some jobs only, or none: said before any runs
    _refuse_checked_ahead(inv, engine, [shop_cfg.id])
    worker = Daemon(
        engine=engine,
        settings=settings,
        shop=shop_cfg,
        secrets=inv.env.secrets,
        console=inv.env.stdout,
        log_stream=inv.env.stderr,
        language=inv.env.catalog,
        clock=inv.env.clock,
        timer=utcnow,  # fire times by the machine's clock, whatever $SHOPBOT_NOW says
        data_dir=inv.data_dir,
    )
    if once:
        return ExitCode.OK if worker.once() else ExitCode.FAILURES
    worker.run()
    return ExitCode.OK


def _refuse_checked_ahead(inv: Invocation, engine, shop_ids: list[str]) -> None:  # type: ignore[no-untyped-def]
    """The daemon checks at the real now, so the rule of a plain `cadence check` holds."""
    from cadence.service import checked_ahead

    ahead = checked_ahead(
        engine,
        shop_ids,
        inv.env.clock(),
        by="the daemon",
        remedy="start it once that moment has passed, or on another store",
    )
    if ahead is not None:
        raise BadInput(ahead)


def _names(text: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise BadInput("--shops needs shop ids, comma-separated, e.g. --shops acme-th,acme-my")
    return names


def _fleet(inv: Invocation, names: list[str] | None, once: bool) -> int:
    from cadence.fleet import Fleet
    from config.settings import load

    settings = inv.settings()
    if settings.fleet.queue == "procrastinate" and not once:
        if names is not None:
            raise BadInput(
                '--shops with [fleet] queue = "procrastinate": every worker takes any '
                "shop's jobs from the queue; use --all (or cadence worker)"
            )
        return _worker(inv, once=False)
    fleet = Fleet(
        engine=_store(inv, stays_up=not once),
        load_settings=lambda: load(inv.config_path),
        names=names,
        secrets=inv.env.secrets,
        console=inv.env.stdout,
        log_stream=inv.env.stderr,
        language=inv.env.catalog,
        clock=inv.env.clock,
        timer=utcnow,
        data_dir=inv.data_dir,
    )
    shops = fleet.configure(settings)
    _refuse_checked_ahead(inv, fleet.engine, [s.id for s in shops])
    if once:
        return ExitCode.OK if fleet.once() else ExitCode.FAILURES
    fleet.run()
    return ExitCode.OK


def _worker(inv: Invocation, once: bool) -> int:
    from cadence.fleet import Fleet
    from cadence.workers import Worker, require_postgresql
    from config.settings import load

    settings = inv.settings()
    engine = _store(inv)
    require_postgresql(engine, settings.path)
    fleet = Fleet(
        engine=engine,
        load_settings=lambda: load(inv.config_path),
        secrets=inv.env.secrets,
        console=inv.env.stdout,
        log_stream=inv.env.stderr,
        language=inv.env.catalog,
        clock=inv.env.clock,
        timer=utcnow,
        data_dir=inv.data_dir,
    )
    fleet.configure(settings)
    Worker.of(fleet).run(once=once)
    return ExitCode.OK


@command(app, "worker")
def worker(
    inv: Invocation,
    once: Annotated[
        bool,
        typer.Option("--once", help="Run the jobs waiting in the queue, then exit."),
    ] = False,
) -> int:
    """Take every shop's jobs from the queue on PostgreSQL ([fleet] queue = "procrastinate"),
    beside the workers on other machines, until SIGTERM (SIGHUP reloads the shops file)."""
    settings = inv.settings()
    if settings.fleet.queue != "procrastinate":
        from config.errors import ConfigError

        raise ConfigError(
            settings.path,
            'cadence worker needs [fleet] queue = "procrastinate" (and the store on '
            "PostgreSQL); without it, run cadence daemon --all",
        )
    return _worker(inv, once)


@command(fleet_app, "status")
def fleet_status(inv: Invocation, json_out: JsonOption = False) -> None:
    """Each shop's jobs (last run, outcome, next run, worker), the workers alive, the work
    waiting."""
    from cadence.fleet import fleet_status as report

    views.fleet(inv.env, report(_store(inv), inv.settings(), inv.env.clock()), json_out)


def run() -> None:
    """Console-script entry point."""
    raise SystemExit(main(app))
