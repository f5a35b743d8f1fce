"""The `localize` command: translate listings, caption images, review and publish them.

Each command is its options, one service call and one view (localize/views.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from config.cli import (
    MAX_ID,
    ConfigOption,
    DbOption,
    ExitCode,
    Invocation,
    ItemId,
    JobsOption,
    JsonOption,
    LangOption,
    SheetOption,
    VersionOption,
    before_the_command,
    command,
    invocation,
    main,
    new_app,
    not_empty,
    show_import,
)
from config.errors import NAME_MAX, BadInput, bounded, echoed
from config.i18n import msg
from localize import views

if TYPE_CHECKING:
    from collections.abc import Callable
    from zoneinfo import ZoneInfo

app = new_app(
    "localize",
    "Translate listings into the buyer's language, caption their images, review, publish.",
    program=True,
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
FIELDS = ("title", "description", "caption")


def _store(inv: Invocation):  # type: ignore[no-untyped-def]
    from store.db import open_store

    return open_store(inv.db_url)


def _scope(inv: Invocation, shop: str | None) -> str:
    """A shop's scope (checked against the configuration), or '' for the shared one."""
    return "" if shop is None else inv.settings().shop(shop).id


def _catalog(inv: Invocation, shop: str | None):  # type: ignore[no-untyped-def]
    """The shop's markets file, or the bundled one without a shop (language codes)."""
    from config.markets import load_markets

    return inv.settings().markets if shop else load_markets()


def _codes(inv: Invocation):  # type: ignore[no-untyped-def]
    """The shops file's markets when there is one, else the bundled ones (language codes)."""
    from config.markets import load_markets

    return inv.settings().markets if inv.config_path.is_file() else load_markets()


def _translate(inv: Invocation, source: str, *, to: str, from_: str, shop: str | None, field: str):  # type: ignore[no-untyped-def]
    """Translate one field as the shop would, or with the shared memory and glossary."""
    from localize.text.service import translate_one

    settings = inv.settings() if shop else None
    return translate_one(
        _store(inv),
        inv.env.secrets,
        source,
        to=to,
        from_=from_,
        field=field,
        settings=settings,
        shop=settings.shop(shop) if settings and shop else None,
    )


class _MissingTo(typer.BadParameter):
    """--to left out without --erase-only: said as Click says a missing option (the usage
    line, exit 2), through Typer's public BadParameter rather than its vendored Click."""

    def format_message(self) -> str:
        """Click's own words for a missing option."""
        return "Missing option '--to'."


def _out(value: str) -> str:
    """-o, refused when empty: an unset $OUT, not the current folder (`-o .` names that)."""
    return not_empty(value, "give a file for one input, or a folder (e.g. -o out/; -o . here)")


@command(app, "image")
def image(
    inv: Invocation,
    inputs: Annotated[
        list[Path],
        typer.Argument(help="Image files (a folder is refused: give the images in it)."),
    ],
    out: Annotated[
        str,
        typer.Option(
            "-o",
            "--out",
            help="A file for one input (.jpg or .png); a folder (ending in /).",
            parser=_out,
            metavar="TEXT",
        ),
    ],
    to: Annotated[
        str | None,
        typer.Option("--to", help="Target language, e.g. th, vi, en (not used by --erase-only)."),
    ] = None,
    text: Annotated[str | None, typer.Option("--text", help="Source text to translate.")] = None,
    caption: Annotated[str | None, typer.Option("--caption", help="Caption as is.")] = None,
    replace_text: Annotated[
        bool, typer.Option("--replace-text", help="Translate the text already on the image.")
    ] = False,
    erase_only: Annotated[
        bool,
        typer.Option(
            "--erase-only", help="Only erase the Chinese text on it: the clean plate, no drawing."
        ),
    ] = False,
    shop: ShopOption = None,
    position: Annotated[
        str | None, typer.Option("--position", help="auto (the calmer part), bottom or top.")
    ] = None,
    style: Annotated[str | None, typer.Option("--style", help="band, badge or outline.")] = None,
    max_lines: Annotated[
        int | None, typer.Option("--max-lines", min=1, max=4, help="Lines.")
    ] = None,
    jobs: JobsOption = None,
    json_out: JsonOption = False,
) -> int:
    """Draw a caption in the buyer's language onto images, or replace the text on them."""
    from localize.image.pipeline import ImageOrder, localize_images

    if to is None and not erase_only:  # the clean plate draws nothing, in no language
        raise _MissingTo("", param_hint="'--to'")
    if to is not None and erase_only:  # (DESIGN's contract gives both: taken, and said)
        views.language_unused(inv.env, to)
    order = ImageOrder(text, caption, replace_text, position, style, max_lines, erase_only)
    with views.progress(inv.env) as progress:
        made = localize_images(
            lambda: _store(inv),
            inv.env.secrets,
            inputs,
            out,
            to=to,
            order=order,
            data_dir=inv.data_dir,
            settings=inv.settings() if shop else None,
            shop=shop,
            workers=jobs,
            progress=progress,
        )
    views.images(inv.env, made, json_out)
    return ExitCode.FAILURES if made.result.failed or made.still_chinese() else ExitCode.OK


@command(app, "text")
def text(
    inv: Invocation,
    source: Annotated[str, typer.Argument(help="Text to translate.")],
    to: Annotated[str, typer.Option("--to", help="Target language.")],
    from_: Annotated[str, typer.Option("--from", help="Source language.")] = "zh-CN",
    field: Annotated[
        str, typer.Option("--field", help="Check it as a title, description or caption.")
    ] = "caption",
    shop: ShopOption = None,
    json_out: JsonOption = False,
) -> int:
    """Translate one text (memory first, glossary protected, checked)."""
    from localize.text.checks import has_errors

    if field not in FIELDS:
        raise BadInput(f"--field {echoed(field)!r}: use title, description or caption")
    if not source.strip():  # `localize text "$TITLE"` with $TITLE unset printed "" and rc 0
        raise BadInput(
            msg("nothing to translate: the text is empty or only spaces (an unset variable?)")
        )
    result, calls = _translate(inv, source, to=to, from_=from_, shop=shop, field=field)
    views.translated(inv.env, result, calls, json_out)
    return ExitCode.FAILURES if has_errors(result.findings) else ExitCode.OK


@command(listings_app, "import")
def listings_import(
    inv: Invocation,
    file: Annotated[Path, typer.Argument(help="CSV, JSON or .xlsx of listings.")],
    shop: RequiredShop,
    sheet: SheetOption = None,
    json_out: JsonOption = False,
) -> int:
    """Import listings (product_id, sku, title, description, caption, images, ...)."""
    from localize.listings import import_file

    settings = inv.settings()
    summary = import_file(_store(inv), settings, settings.shop(shop), file, sheet=sheet)
    return show_import(views.listings_imported, inv, file, summary, json_out)


@command(glossary_app, "add")
def glossary_add(
    inv: Invocation,
    term: Annotated[str, typer.Argument(help="The term.")],
    to: Annotated[str | None, typer.Option("--to", help="Language of --as.")] = None,
    as_: Annotated[str | None, typer.Option("--as", help="Always translate as this.")] = None,
    pattern: Annotated[
        bool, typer.Option("--pattern", help="TERM is a regular expression (e.g. SKUs).")
    ] = False,
    shop: ShopOption = None,
) -> None:
    """Add a term: without --as it is never translated."""
    from localize.text.glossary import add_term, language_code

    scope = _scope(inv, shop)
    language = language_code(_catalog(inv, shop), to or "", "--to")  # TH is stored as th
    new = add_term(
        _store(inv),
        scope=scope,
        term=term,
        language=language,
        target=as_,
        is_pattern=pattern,
        catalog=_catalog(inv, shop),
    )
    views.term_added(inv.env, term, new, language or None, as_, scope)


@command(glossary_app, "list")
def glossary_list(inv: Invocation, shop: ShopOption = None, json_out: JsonOption = False) -> None:
    """List glossary terms."""
    from localize.text.glossary import list_terms

    views.terms(
        inv.env, list_terms(_store(inv), scope=_scope(inv, shop) if shop else None), json_out
    )


@command(glossary_app, "remove")
def glossary_remove(
    inv: Invocation,
    term: Annotated[str, typer.Argument(help="The term.")],
    to: Annotated[str | None, typer.Option("--to", help="Only this language's entry.")] = None,
    shop: ShopOption = None,
) -> None:
    """Remove a glossary term."""
    from localize.text.glossary import remove_term

    n = remove_term(
        _store(inv), scope=_scope(inv, shop), term=term, language=to, catalog=_catalog(inv, shop)
    )
    if not n:
        raise BadInput(
            f"no glossary entry {echoed(term)!r}"
            + (f" for {to}" if to else "")
            + (f" in shop {shop}" if shop else " shared by every shop")
        )
    views.terms_removed(inv.env, term, n)


@command(glossary_app, "import")
def glossary_import(
    inv: Invocation,
    file: Annotated[Path, typer.Argument(help="CSV: term[, language, target, pattern].")],
    shop: ShopOption = None,
) -> int:
    """Import glossary terms from CSV."""
    from localize.text.glossary import import_csv

    result = import_csv(_store(inv), file, scope=_scope(inv, shop), catalog=_catalog(inv, shop))
    views.terms_imported(inv.env, file, result)
    return ExitCode.FAILURES if result.problems else ExitCode.OK


@command(memory_app, "import")
def memory_import(
    inv: Invocation,
    file: Annotated[Path, typer.Argument(help="A TMX 1.4 file.")],
    machine: Annotated[
        bool, typer.Option("--machine", help="Units without x-quality are machine output.")
    ] = False,
    shop: ShopOption = None,
) -> None:
    """Import translation memory from TMX."""
    from localize.text.tmx import import_tmx

    quality = "machine" if machine else "human"
    result = import_tmx(
        _store(inv), file, scope=_scope(inv, shop), quality=quality, catalog=_catalog(inv, shop)
    )
    views.memory_imported(inv.env, file, result)


@command(memory_app, "export")
def memory_export(
    inv: Invocation,
    file: Annotated[Path, typer.Argument(help="The TMX file to write.")],
    shop: ShopOption = None,
) -> None:
    """Export translation memory as TMX 1.4."""
    from localize.text.tmx import export_tmx

    views.memory_exported(inv.env, file, export_tmx(_store(inv), file, scope=_scope(inv, shop)))


@command(memory_app, "remove")
def memory_remove(
    inv: Invocation,
    text: Annotated[
        str | None, typer.Option("--text", help="The source text whose entries go.")
    ] = None,
    to: Annotated[str | None, typer.Option("--to", help="Only this language's entries.")] = None,
    origin: Annotated[
        str | None,
        typer.Option("--origin", help="The entries this origin gave (an engine, review)."),
    ] = None,
    shop: ShopOption = None,
    json_out: JsonOption = False,
) -> None:
    """Remove translation memory entries: a bad one is otherwise served again and again."""
    from localize.text import memory
    from store.db import session_scope

    if text is None and origin is None:
        raise BadInput(
            msg(
                "memory remove needs --text (the source text, with --to for one language) or "
                "--origin (an engine's name, or review)"
            )
        )
    scope = _scope(inv, shop)
    language = None if to is None else _catalog(inv, shop).language_code(to, "--to")
    with session_scope(_store(inv)) as session:
        n = memory.remove(session, scope=scope, text=text, target_lang=language, origin=origin)
    if not n:
        asked = {"--text": text, "--to": language, "--origin": origin}
        said = ", ".join(f"{k} {echoed(v)!r}" for k, v in asked.items() if v is not None)
        raise BadInput(
            msg(
                "no translation memory entry of shop {shop} for {said}; nothing was removed",
                shop=shop,
                said=said,
            )
            if shop
            else msg(
                "no translation memory entry shared by every shop for {said} (--shop S for a "
                "shop's); nothing was removed",
                said=said,
            )
        )
    views.memory_removed(inv.env, n, json_out)


@command(app, "run")
def run_pending(
    inv: Invocation,
    shop: RequiredShop,
    jobs: JobsOption = None,
    json_out: JsonOption = False,
) -> int:
    """Translate, caption and enqueue every pending listing of a shop."""
    from localize.run import run_shop

    settings = inv.settings()
    shop_cfg = settings.shop(shop)
    with views.progress(inv.env) as progress:
        done = run_shop(
            _store(inv),
            settings,
            shop_cfg,
            inv.env.secrets,
            inv.data_dir / "images",
            workers=jobs,
            progress=progress,
        )
    views.shop_run(inv.env, shop_cfg.id, done, json_out)
    return ExitCode.FAILURES if done.failed else ExitCode.OK


@review_app.callback()
def review(
    ctx: typer.Context,
    shop: ShopOption = None,
    language: Annotated[str | None, typer.Option("--language", help="Only this language.")] = None,
    reviewer: Annotated[
        str | None, typer.Option("--reviewer", help="Your name (at most 100 characters).")
    ] = None,
    config: ConfigOption = None,
    db: DbOption = None,
    lang: LangOption = None,
) -> int | None:
    """Work through the review queue in the terminal."""
    if ctx.invoked_subcommand is not None:
        # `localize review --db X list`: the shared options are the command's defaults, as
        # before any command's name; the queue's own options belong to the subcommand (they
        # were ignored there, and `--shop a list` listed every shop)
        sub = ctx.command.get_command(ctx, ctx.invoked_subcommand)  # type: ignore[attr-defined]
        takes = {o for p in (sub.params if sub else []) for o in getattr(p, "opts", [])}
        for name, given in (("--shop", shop), ("--language", language), ("--reviewer", reviewer)):
            if given is None:
                continue
            said = dict(option=name, command=ctx.invoked_subcommand)
            raise BadInput(
                msg(
                    "{option} goes after the command's name: localize review {command} "
                    "{option} ...",
                    **said,
                )
                if name in takes
                else msg(
                    "localize review {command} takes no {option} (it is the review screen's); "
                    "see localize review {command} --help",
                    **said,
                )
            )
        before_the_command(ctx, config, db, lang)
        return None
    inv = invocation(ctx, config, db, lang)
    if language is not None:  # as review list: a code no market speaks is no empty queue
        language = _codes(inv).language_code(language, "--language")
    isatty = getattr(inv.env.stdout, "isatty", None)
    if not (isatty and isatty()):
        raise BadInput(
            msg(
                "`localize review` needs a terminal; in scripts use `localize review list` "
                "(and show, approve, reject)"
            )
        )
    from localize import terminal_images

    terminal_images.ask()  # the terminal answers while the rest loads
    from localize.review_ui import ReviewApp

    settings = _settings_if_any(inv)  # the review needs only the store; a shops file adds limits
    ui = ReviewApp(
        _store(inv),
        settings,
        reviewer=_reviewer(inv, reviewer),
        shop_id=settings.shop(shop).id if settings and shop else shop,
        language=language,
        images_root=inv.data_dir / "images",
        lang=inv.env.catalog.lang,  # --lang, SHOPBOT_LANG, [team] language, the locale
    )
    ui.run()
    return ui.return_code or ExitCode.OK


def _reviewer(inv: Invocation, name: str | None) -> str:
    """--reviewer, else the user's login name."""
    import getpass

    if name is not None and not name.strip():
        raise BadInput("--reviewer is empty: give your name (or leave it out for your login)")
    if name:
        return bounded("--reviewer", name.strip(), NAME_MAX)
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        raise BadInput("who is reviewing? give --reviewer NAME") from None


def _edits(values: list[str]) -> dict[str, str]:
    """--set FIELD=TEXT options as {field: text}."""
    edits: dict[str, str] = {}
    for value in values:
        name, sep, text = value.partition("=")
        if not sep or name.strip() not in FIELDS:
            raise BadInput(
                f"--set {echoed(value, 40)!r}: use --set FIELD=TEXT with FIELD one of "
                f"{', '.join(FIELDS)}"
            )
        _once("--set", name.strip(), edits.get(name.strip()), text)
        edits[name.strip()] = text
    return edits


def _once(option: str, key: object, before: str | None, text: str) -> None:
    """Refuse an option given twice for one field or region: which one wins is a guess."""
    if before is not None:
        raise BadInput(
            f"{option} {key} given twice: {echoed(before, 40)!r} and {echoed(text, 40)!r}; "
            "give it once"
        )


def _region_edits(values: list[str]) -> dict[int, str]:
    """--region N=TEXT options as {region number: text}."""
    edits: dict[int, str] = {}
    for value in values:
        number, sep, text = value.partition("=")
        if not sep or not number.strip().isdigit() or not text.strip():
            raise BadInput(
                f"--region {value[:40]!r}: use --region N=TEXT with N a region number "
                "from `localize review show`"
            )
        _once("--region", int(number), edits.get(int(number)), text)
        edits[int(number)] = text
    return edits


def _display_zone(inv: Invocation) -> Callable[[str], ZoneInfo | None]:
    """Shop -> the zone its team reads times in (as cadence shows them); None without a
    shops file that names the shop (times are then shown in UTC, said so)."""
    from config.errors import AppError

    try:
        settings = _settings_if_any(inv)
    except AppError:  # a broken shops file does not stop reading the history
        settings = None

    from localize.review import display_zone

    return lambda shop_id: display_zone(settings, shop_id)


def _settings_if_any(inv: Invocation):  # type: ignore[no-untyped-def]
    """The configuration when there is one (its markets' limits check edits)."""
    return inv.settings() if inv.config_path.is_file() else None


@command(review_app, "list")
def review_list(
    inv: Invocation,
    shop: ShopOption = None,
    language: Annotated[str | None, typer.Option("--language", help="Only this language.")] = None,
    state: Annotated[
        str | None, typer.Option("--state", help="Only items in this state (default: waiting).")
    ] = None,
    json_out: JsonOption = False,
) -> None:
    """List items in the review queue."""
    from localize.review import queue
    from store.models import ItemState

    states = None
    if state is not None:
        known = [s.value for s in ItemState]
        if state not in known:
            raise BadInput(f"--state {echoed(state)!r}: use one of {', '.join(known)}")
        states = [ItemState(state)]
    if language is not None:  # a code no market speaks lists nothing: not an empty queue
        language = _codes(inv).language_code(language, "--language")
    store, scope = _store(inv), _scope(inv, shop) or None
    entries = queue(store, shop_id=scope, language=language, states=states)
    if states is None:  # a failed item waits for a fix, not a review: shown, or never seen
        entries += queue(store, shop_id=scope, language=language, states=[ItemState.FAILED])
    views.review_list(inv.env, entries, json_out, [s.value for s in states or ()])


@command(review_app, "show")
def review_show(
    inv: Invocation,
    item: ItemId,
    json_out: JsonOption = False,
) -> None:
    """Show one item: every field beside its source, findings, image paths."""
    from localize.review import detail

    found = detail(_store(inv), item)
    views.review_item(inv.env, found, json_out, _display_zone(inv)(found.item.shop_id))


@command(review_app, "history")
def review_history(
    inv: Invocation,
    item: Annotated[
        int | None, typer.Argument(help="Item id (default: every item).", min=1, max=MAX_ID)
    ] = None,
    shop: ShopOption = None,
    json_out: JsonOption = False,
) -> None:
    """Who decided what and when, with the text before and after."""
    from localize.review import history

    views.review_history(
        inv.env,
        history(_store(inv), item, shop_id=_scope(inv, shop) or None),
        json_out,
        _display_zone(inv),
    )


@command(review_app, "approve")
def review_approve(
    inv: Invocation,
    item: ItemId,
    reviewer: Annotated[
        str | None, typer.Option("--reviewer", help="Your name (at most 100 characters).")
    ] = None,
    set_: Annotated[
        list[str] | None, typer.Option("--set", help="FIELD=TEXT: your translation of a field.")
    ] = None,
    override: Annotated[
        str | None,
        typer.Option(
            "--override",
            help="Approve despite errors, for this reason (at most 2000 characters).",
        ),
    ] = None,
    version: VersionOption = None,
    region: Annotated[
        list[str] | None,
        typer.Option("--region", help="N=TEXT: your translation of text region N on its images."),
    ] = None,
    keep_region: Annotated[
        list[int] | None,
        typer.Option(
            "--keep-region",
            min=1,
            max=MAX_ID,
            help=(
                "Leave text region N as printed (a logo, the product's own); Chinese laid "
                "over the picture needs --override REASON too."
            ),
        ),
    ] = None,
) -> int:
    """Approve an item for publishing (its images drawn again first for region edits)."""
    from localize.review import approve_with_regions

    outcome = approve_with_regions(
        _store(inv),
        _settings_if_any(inv),
        item,
        reviewer=_reviewer(inv, reviewer),
        regions=_region_edits(region or []),
        keep_regions=keep_region or [],
        edits=_edits(set_ or []),
        override=override,
        revision=version,
        images_root=inv.data_dir / "images",
    )
    views.decided(inv.env, outcome)
    return ExitCode.FAILURES if outcome.notes else ExitCode.OK


@command(review_app, "reject")
def review_reject(
    inv: Invocation,
    item: ItemId,
    reason: Annotated[str, typer.Option("--reason", help="Why (at most 2000 characters).")],
    reviewer: Annotated[
        str | None, typer.Option("--reviewer", help="Your name (at most 100 characters).")
    ] = None,
    version: VersionOption = None,
    field: Annotated[
        list[str] | None,
        typer.Option(
            "--field", help="Reject this field's text only (title, description, caption)."
        ),
    ] = None,
    image: Annotated[
        list[int] | None,
        typer.Option(
            "--image", min=1, max=MAX_ID, help="Image N is wrong: the next run draws it again."
        ),
    ] = None,
) -> None:
    """Reject an item (or some of its fields or images), with the reason."""
    from localize.review import reject

    outcome = reject(
        _store(inv),
        item,
        reviewer=_reviewer(inv, reviewer),
        reason=reason,
        revision=version,
        fields=[f.strip() for f in field or []],
        images=image or [],
        zones=_display_zone(inv),
    )
    views.decided(inv.env, outcome)


@command(app, "publish")
def publish(
    inv: Invocation,
    shop: RequiredShop,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check, do not send.")] = False,
    json_out: JsonOption = False,
) -> int:
    """Publish approved items to the shop (preflight first; blocked items say why)."""
    from localize.publish.service import publish_shop

    settings = inv.settings()
    shop_cfg = settings.shop(shop)
    done = publish_shop(
        _store(inv),
        settings,
        shop_cfg,
        inv.env.secrets,
        dry_run=dry_run,
        downloads=inv.data_dir / "images" / shop_cfg.id / ".publish",
        clock=inv.env.clock,
    )
    views.published(inv.env, shop_cfg.id, done, dry_run, json_out)
    return ExitCode.FAILURES if done.failed or done.blocked else ExitCode.OK


def run() -> None:
    """Console-script entry point."""
    raise SystemExit(main(app))
