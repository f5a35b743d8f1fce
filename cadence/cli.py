"""The `cadence` command: ingest videos, evaluate the weekly quota, alert, run the daemon."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from config.cli import ConfigOption, DbOption, JsonOption, invocation, main, new_app
from config.errors import NotBuilt

app = new_app("cadence", "Keep each shop on its weekly cadence of product-linked videos.")
videos_app = new_app("videos", "Record the videos a shop posted.")
app.add_typer(videos_app, name="videos")

ShopOption = Annotated[str | None, typer.Option("--shop", help="Shop id (default: every shop).")]
RequiredShop = Annotated[str, typer.Option("--shop", help="Shop id from the shops file.")]
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help="Evaluate at this moment (ISO 8601 with offset) instead of now."),
]


@videos_app.command("add")
def videos_add(
    ctx: typer.Context,
    shop: RequiredShop,
    video_id: Annotated[str, typer.Option("--id", help="The platform's video id.")],
    posted_at: Annotated[str, typer.Option("--posted-at", help="ISO 8601, with offset.")],
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
    invocation(ctx, config, db)
    raise NotBuilt("cadence videos add", 3)


@videos_app.command("import")
def videos_import(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV: id, posted_at, products, title[, cover].")],
    shop: RequiredShop,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Import videos from a CSV the seller exported."""
    invocation(ctx, config, db)
    raise NotBuilt("cadence videos import", 3)


@videos_app.command("sync")
def videos_sync(
    ctx: typer.Context,
    shop: RequiredShop,
    days: Annotated[int, typer.Option("--days", help="How many days back.")] = 14,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Fetch the shop's videos from TikTok Shop analytics."""
    invocation(ctx, config, db)
    raise NotBuilt("cadence videos sync", 3)


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
    invocation(ctx, config, db)
    raise NotBuilt("cadence status", 3)


@app.command("history")
def history(
    ctx: typer.Context,
    shop: RequiredShop,
    weeks: Annotated[int, typer.Option("--weeks", help="How many weeks back.")] = 8,
    as_of: AsOfOption = None,
    json_out: JsonOption = False,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Past weeks, met or missed, and the streak of met weeks."""
    invocation(ctx, config, db)
    raise NotBuilt("cadence history", 3)


@app.command("check")
def check(
    ctx: typer.Context,
    shop: ShopOption = None,
    as_of: AsOfOption = None,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """One daemon tick: evaluate, decide alerts, deliver the outbox."""
    invocation(ctx, config, db)
    raise NotBuilt("cadence check", 3)


@app.command("alerts")
def alerts(
    ctx: typer.Context,
    shop: ShopOption = None,
    json_out: JsonOption = False,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Alerts with their delivery state and attempts."""
    invocation(ctx, config, db)
    raise NotBuilt("cadence alerts", 3)


@app.command("daemon")
def daemon(
    ctx: typer.Context,
    shop: RequiredShop,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Run the shop's jobs on schedule until SIGTERM."""
    invocation(ctx, config, db)
    raise NotBuilt("cadence daemon", 3)


def run() -> None:
    """Console-script entry point."""
    raise SystemExit(main(app))
