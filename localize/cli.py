"""The `localize` command: translate listings, caption images, review and publish them."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from config.cli import (
    ConfigOption,
    DbOption,
    Environment,
    ExitCode,
    Invocation,
    JsonOption,
    invocation,
    main,
    new_app,
)
from config.errors import AppError, BadInput, NotBuilt


class EngineFailed(AppError):
    """The translation could not be made (the engine's error says why)."""

    exit_code = ExitCode.FAILURES


app = new_app(
    "localize",
    "Translate listings into the buyer's language, caption their images, review, publish.",
)
listings_app = new_app("listings", "Import listings written in Chinese.")
glossary_app = new_app("glossary", "Terms never translated, or always translated one way.")
memory_app = new_app("memory", "Translation memory: reuse what was translated before.")
review_app = typer.Typer(
    name="review",
    help="The review queue: a terminal UI, or list/show/approve/reject for scripts.",
    invoke_without_command=True,
    add_completion=False,
    rich_markup_mode=None,
)
app.add_typer(listings_app, name="listings")
app.add_typer(glossary_app, name="glossary")
app.add_typer(memory_app, name="memory")
app.add_typer(review_app, name="review")

ShopOption = Annotated[str | None, typer.Option("--shop", help="Shop id from the shops file.")]
RequiredShop = Annotated[str, typer.Option("--shop", help="Shop id from the shops file.")]


@app.command("image")
def image(
    ctx: typer.Context,
    inputs: Annotated[list[Path], typer.Argument(help="Images to caption.")],
    out: Annotated[
        str,
        typer.Option(
            "-o", "--out", help="A file for one input (.jpg or .png); a folder (ending in /)."
        ),
    ],
    to: Annotated[str, typer.Option("--to", help="Target language, e.g. th, vi, en.")],
    text: Annotated[str | None, typer.Option("--text", help="Source text to translate.")] = None,
    caption: Annotated[str | None, typer.Option("--caption", help="Caption as is.")] = None,
    replace_text: Annotated[
        bool, typer.Option("--replace-text", help="Translate the text already on the image.")
    ] = False,
    shop: ShopOption = None,
    position: Annotated[str, typer.Option("--position", help="bottom or top.")] = "bottom",
    max_lines: Annotated[int, typer.Option("--max-lines", min=1, max=4, help="Lines.")] = 2,
    jobs: Annotated[int | None, typer.Option("--jobs", help="Worker processes.")] = None,
    json_out: JsonOption = False,
    config: ConfigOption = None,
    db: DbOption = None,
) -> int:
    """Draw a caption in the buyer's language onto images."""
    from localize.image.fit import FitSpec
    from localize.image.pipeline import caption_images
    from localize.image.render import Layout

    if replace_text:
        raise NotBuilt("localize image --replace-text")
    if (text is None) == (caption is None):
        raise BadInput("give exactly one of --text (to translate) or --caption (as is)")
    if jobs is not None and jobs < 1:
        raise BadInput("--jobs must be at least 1")
    if position not in ("bottom", "top"):
        raise BadInput(f"--position {position!r}: use bottom or top")
    inv = invocation(ctx, config, db)
    if text is not None:
        caption = _translate_caption(inv, text, to, shop)
    assert caption is not None
    with _progress(inv.env) as progress:
        tick = (lambda done, total: progress("captioning", done, total)) if progress else None
        captioned = caption_images(
            inputs,
            out,
            caption=caption,
            language=to,
            settings=inv.settings() if shop else None,
            shop=shop,
            layout=Layout(position=position, spec=FitSpec(max_lines=max_lines)),
            workers=jobs,
            progress=tick,
        )
    return _show_images(inv.env, captioned, json_out)


def _show_images(env: Environment, captioned, json_out: bool) -> int:  # type: ignore[no-untyped-def]
    """`localize image`'s report: failures and warnings on stderr, the images written as
    text or JSON on stdout, a count last; the exit code."""
    result = captioned.result
    for failure in result.failed:
        env.err(f"failed: {failure.error}")
    for done in result.done:
        for warning in done.warnings:
            env.err(f"warning: {done.input}: {warning}")
    if json_out:
        env.json(
            {
                "caption": captioned.caption,
                "captioned": [
                    {
                        "input": str(d.input),
                        "output": str(d.output),
                        "size": d.size,
                        "lines": list(d.lines),
                        "truncated": d.truncated,
                        "contrast": d.contrast,
                        "bytes": d.bytes,
                        "warnings": list(d.warnings),
                    }
                    for d in result.done
                ],
                "failed": [
                    {"input": str(f.input), "output": str(f.output), "error": f.error}
                    for f in result.failed
                ],
            }
        )
    else:
        for d in result.done:
            env.out(
                f"{d.output}  ({d.size} px, {len(d.lines)} line(s)"
                f"{', truncated' if d.truncated else ''})"
            )
    env.err(
        f"{len(result.done)} captioned, {len(result.failed)} failed, {result.truncated} truncated"
    )
    return ExitCode.FAILURES if result.failed else ExitCode.OK


def _translate_caption(inv: Invocation, source: str, to: str, shop: str | None) -> str:
    """--text: the caption translated like `localize text` would."""
    from localize.text.checks import has_errors

    result, _ = _translate(inv, source, to=to, from_="zh-CN", shop=shop, field="caption")
    for f in result.findings:
        inv.env.err(f"{f.severity}: {f.code}: {f.message}")
    if has_errors(result.findings):
        raise EngineFailed("the translated caption has errors (above); fix it with --caption")
    return result.translation


def _translate(inv: Invocation, source: str, *, to: str, from_: str, shop: str | None, field: str):  # type: ignore[no-untyped-def]
    """Translate one field as the shop would (see translate_one)."""
    from localize.text.service import translate_one

    settings = inv.settings() if shop else None
    result, calls = translate_one(
        _store(inv),
        inv.env.secrets,
        source,
        to=to,
        from_=from_,
        field=field,
        settings=settings,
        shop=settings.shop(shop) if settings and shop else None,
    )
    if result.error:
        raise EngineFailed(result.error)
    return result, calls


def _store(inv: Invocation):  # type: ignore[no-untyped-def]
    from store.db import open_store

    return open_store(inv.db_url)


def _register(inv: Invocation, store, shop_id: str) -> None:  # type: ignore[no-untyped-def]
    """Make sure the store has the shop's row (listings refer to it)."""
    from store.db import session_scope
    from store.queries import sync_shops

    settings = inv.settings()
    with session_scope(store) as session:
        sync_shops(session, shops=[settings.shop_row(settings.shop(shop_id))])


@contextmanager
def _progress(env: Environment):  # type: ignore[no-untyped-def]
    """A progress bar on stderr when it is a terminal; otherwise nothing."""
    if not env.stderr_is_terminal:
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(file=env.stderr), transient=True) as bar:
        tasks: dict[str, object] = {}

        def update(lang: str, done: int, total: int) -> None:
            if lang not in tasks:
                tasks[lang] = bar.add_task(f"translating into {lang}", total=total)
            bar.update(tasks[lang], completed=done)  # type: ignore[arg-type]

        yield update


def _scope(inv: Invocation, shop: str | None) -> str:
    """A shop's scope (checked against the configuration), or '' for the shared one."""
    if shop is None:
        return ""
    return inv.settings().shop(shop).id


@app.command("text")
def text(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help="Text to translate.")],
    to: Annotated[str, typer.Option("--to", help="Target language.")],
    from_: Annotated[str, typer.Option("--from", help="Source language.")] = "zh-CN",
    field: Annotated[
        str, typer.Option("--field", help="Check it as a title, description or caption.")
    ] = "caption",
    shop: ShopOption = None,
    json_out: JsonOption = False,
    config: ConfigOption = None,
    db: DbOption = None,
) -> int:
    """Translate one text (memory first, glossary protected, checked)."""
    from localize.text.checks import has_errors

    if field not in ("title", "description", "caption"):
        raise BadInput(f"--field {field!r}: use title, description or caption")
    inv = invocation(ctx, config, db)
    result, calls = _translate(inv, source, to=to, from_=from_, shop=shop, field=field)
    if json_out:
        inv.env.json({**result.as_dict(), "engine_calls": calls})
    else:
        inv.env.out(result.translation)
        inv.env.err(f"origin: {result.origin}")
        for f in result.findings:
            inv.env.err(f"{f.severity}: {f.code}: {f.message}")
    return ExitCode.FAILURES if has_errors(result.findings) else ExitCode.OK


@listings_app.command("import")
def listings_import(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV or JSON of listings.")],
    shop: RequiredShop,
    json_out: JsonOption = False,
    config: ConfigOption = None,
    db: DbOption = None,
) -> int:
    """Import listings (product_id, sku, title, description, caption, images, ...)."""
    from localize.listings import import_listings, read_listings

    inv = invocation(ctx, config, db)
    shop_id = _scope(inv, shop)
    records, problems = read_listings(file)
    store = _store(inv)
    _register(inv, store, shop_id)
    summary = import_listings(store, shop_id=shop_id, records=records)
    summary.problems = problems
    for problem in problems:
        inv.env.err(str(problem))
    if json_out:
        inv.env.json(summary.as_dict())
    else:
        inv.env.out(
            f"{file}: {summary.added} added, {summary.changed} changed, "
            f"{summary.unchanged} unchanged, {len(problems)} skipped; "
            f"{summary.stale} item(s) now stale"
        )
    return ExitCode.FAILURES if problems else ExitCode.OK


@glossary_app.command("add")
def glossary_add(
    ctx: typer.Context,
    term: Annotated[str, typer.Argument(help="The term.")],
    to: Annotated[str | None, typer.Option("--to", help="Language of --as.")] = None,
    as_: Annotated[str | None, typer.Option("--as", help="Always translate as this.")] = None,
    pattern: Annotated[
        bool, typer.Option("--pattern", help="TERM is a regular expression (e.g. SKUs).")
    ] = False,
    shop: ShopOption = None,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Add a term: without --as it is never translated."""
    from localize.text.terms import add_term

    inv = invocation(ctx, config, db)
    scope = _scope(inv, shop)
    new = add_term(
        _store(inv), scope=scope, term=term, language=to or "", target=as_, is_pattern=pattern
    )
    what = f"always {as_!r} in {to}" if as_ else "never translated" + (f" into {to}" if to else "")
    inv.env.out(
        f"{'added' if new else 'updated'} {term!r}: {what} "
        f"({'shop ' + scope if scope else 'every shop'})"
    )


@glossary_app.command("list")
def glossary_list(
    ctx: typer.Context,
    shop: ShopOption = None,
    json_out: JsonOption = False,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """List glossary terms."""
    from localize.text.terms import list_terms

    inv = invocation(ctx, config, db)
    rows = list_terms(_store(inv), scope=_scope(inv, shop) if shop else None)
    if json_out:
        inv.env.json(
            [
                {
                    "shop": r.scope or None,
                    "term": r.term,
                    "language": r.language or None,
                    "target": r.target,
                    "pattern": r.is_pattern,
                }
                for r in rows
            ]
        )
        return
    for r in rows:
        kind = (
            f"-> {r.target!r} ({r.language})"
            if r.target
            else ("never translated" + (f" ({r.language})" if r.language else ""))
        )
        pattern = " [pattern]" if r.is_pattern else ""
        inv.env.out(f"{r.scope or '*':<16} {r.term!r}{pattern} {kind}")


@glossary_app.command("remove")
def glossary_remove(
    ctx: typer.Context,
    term: Annotated[str, typer.Argument(help="The term.")],
    to: Annotated[str | None, typer.Option("--to", help="Only this language's entry.")] = None,
    shop: ShopOption = None,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Remove a glossary term."""
    from localize.text.terms import remove_term

    inv = invocation(ctx, config, db)
    n = remove_term(_store(inv), scope=_scope(inv, shop), term=term, language=to)
    if not n:
        raise BadInput(
            f"no glossary entry {term!r}"
            + (f" for {to}" if to else "")
            + (f" in shop {shop}" if shop else " shared by every shop")
        )
    inv.env.out(f"removed {n} entr{'y' if n == 1 else 'ies'} for {term!r}")


@glossary_app.command("import")
def glossary_import(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV: term[, language, target, pattern].")],
    shop: ShopOption = None,
    config: ConfigOption = None,
    db: DbOption = None,
) -> int:
    """Import glossary terms from CSV."""
    from localize.text.terms import import_csv

    inv = invocation(ctx, config, db)
    result = import_csv(_store(inv), file, scope=_scope(inv, shop))
    for problem in result.problems:
        inv.env.err(str(problem))
    inv.env.out(
        f"{file}: {result.added} added, {result.updated} updated, "
        f"{len(result.problems)} rows skipped"
    )
    return ExitCode.FAILURES if result.problems else ExitCode.OK


@memory_app.command("import")
def memory_import(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A TMX 1.4 file.")],
    machine: Annotated[
        bool, typer.Option("--machine", help="Units without x-quality are machine output.")
    ] = False,
    shop: ShopOption = None,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Import translation memory from TMX."""
    from localize.text.tmx import import_tmx

    inv = invocation(ctx, config, db)
    result = import_tmx(
        _store(inv), file, scope=_scope(inv, shop), quality="machine" if machine else "human"
    )
    for problem in result.skipped:
        inv.env.err(str(problem))
    inv.env.out(
        f"{file}: {result.stored} translation(s) stored, {len(result.skipped)} unit(s) skipped"
    )


@memory_app.command("export")
def memory_export(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The TMX file to write.")],
    shop: ShopOption = None,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Export translation memory as TMX 1.4."""
    from localize.text.tmx import export_tmx

    inv = invocation(ctx, config, db)
    n = export_tmx(_store(inv), file, scope=_scope(inv, shop))
    inv.env.out(f"{file}: {n} translation(s) written")


@app.command("run")
def run_pending(
    ctx: typer.Context,
    shop: RequiredShop,
    jobs: Annotated[int | None, typer.Option("--jobs", min=1, help="Image workers.")] = None,
    json_out: JsonOption = False,
    config: ConfigOption = None,
    db: DbOption = None,
) -> int:
    """Translate, caption and enqueue every pending listing of a shop."""
    from localize.image.items import run_images
    from localize.run import run_text

    inv = invocation(ctx, config, db)
    settings = inv.settings()
    shop_cfg = settings.shop(shop)
    store = _store(inv)
    _register(inv, store, shop_cfg.id)
    with _progress(inv.env) as progress:
        summary = run_text(store, settings, shop_cfg, inv.env.secrets, progress=progress)
        tick = (lambda done, total: progress("captioning", done, total)) if progress else None
        images = run_images(
            store, settings, shop_cfg, inv.data_dir / "images", workers=jobs, progress=tick
        )
    for error in summary.errors + images.errors:
        inv.env.err(f"failed: {error}")
    if json_out:
        inv.env.json(
            {
                **summary.as_dict(),
                "images": {
                    "items": images.items,
                    "captioned": images.images,
                    "failed": images.failed,
                    "truncated": images.truncated,
                },
            }
        )
    else:
        inv.env.out(
            f"{shop_cfg.id}: {summary.translated} translated ({summary.with_errors} with "
            f"errors for the reviewer), {summary.failed} failed; {summary.segments} segments, "
            f"{summary.from_memory} from memory, {summary.engine_calls} engine calls; "
            f"{images.images} image(s) captioned for {images.items} item(s), "
            f"{images.failed} failed, {images.truncated} truncated"
        )
    return ExitCode.FAILURES if summary.failed or images.failed else ExitCode.OK


@review_app.callback()
def review(
    ctx: typer.Context,
    shop: ShopOption = None,
    reviewer: Annotated[str | None, typer.Option("--reviewer", help="Your name.")] = None,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Work through the review queue in the terminal."""
    if ctx.invoked_subcommand is None:
        invocation(ctx, config, db)
        raise NotBuilt("localize review")


@review_app.command("list")
def review_list(
    ctx: typer.Context,
    shop: ShopOption = None,
    state: Annotated[str | None, typer.Option("--state", help="Only items in this state.")] = None,
    json_out: JsonOption = False,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """List items in the review queue."""
    invocation(ctx, config, db)
    raise NotBuilt("localize review list")


@review_app.command("show")
def review_show(
    ctx: typer.Context,
    item: Annotated[int, typer.Argument(help="Item id.")],
    json_out: JsonOption = False,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Show one item with its findings."""
    invocation(ctx, config, db)
    raise NotBuilt("localize review show")


@review_app.command("approve")
def review_approve(
    ctx: typer.Context,
    item: Annotated[int, typer.Argument(help="Item id.")],
    reviewer: Annotated[str, typer.Option("--reviewer", help="Your name.")],
    override: Annotated[
        str | None, typer.Option("--override", help="Approve despite errors, for this reason.")
    ] = None,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Approve an item for publishing."""
    invocation(ctx, config, db)
    raise NotBuilt("localize review approve")


@review_app.command("reject")
def review_reject(
    ctx: typer.Context,
    item: Annotated[int, typer.Argument(help="Item id.")],
    reviewer: Annotated[str, typer.Option("--reviewer", help="Your name.")],
    reason: Annotated[str, typer.Option("--reason", help="Why.")],
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Reject an item."""
    invocation(ctx, config, db)
    raise NotBuilt("localize review reject")


@app.command("publish")
def publish(
    ctx: typer.Context,
    shop: RequiredShop,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check, do not send.")] = False,
    json_out: JsonOption = False,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Publish approved items to the shop."""
    invocation(ctx, config, db)
    raise NotBuilt("localize publish")


def run() -> None:
    """Console-script entry point."""
    raise SystemExit(main(app))
