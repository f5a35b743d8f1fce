"""What both command-line programs share: the common options, and the one place errors
become exit codes.

Commands receive an `Environment` (config.runtime: streams, variables, clock) instead of
reading `sys.*`, so tests run them in-process with their own streams.
"""

from __future__ import annotations

import functools
import inspect
import re
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.exceptions import TyperException

from config.errors import AppError, ExitCode
from config.i18n import ENGLISH, Catalog, Text, choose, msg, pmsg
from config.runtime import Environment, Invocation, clock_from, utcnow
from config.terminal import tolerant
from config.views import FileImport

__all__ = [
    "MAX_ID",
    "Environment",
    "ExitCode",
    "Invocation",
    "ItemId",
    "JobsOption",
    "SheetOption",
    "VersionOption",
    "command",
    "invocation",
    "main",
    "new_app",
]

# Ids, versions and counts are PostgreSQL INTEGERs (32-bit); a larger number names nothing
# stored, and SQLite cannot even bind one past 2**63. Typer refuses it as a usage error.
MAX_ID = 2**31 - 1
MAX_WORKERS = 64  # more processes than this only thrash a seller's machine


def not_empty(value: str, instead: str) -> str:
    """`value`, or a usage error (exit 2) when it is empty: `--db "$DB"` with $DB unset is
    a script's mistake, and taken as "not given" (the default database) or as Path("")
    (the current folder) it did something else in silence. `instead` says what to give."""
    if not value:
        raise typer.BadParameter(f"it is empty (an unset variable?): {instead}")
    return value


def _config_path(value: str) -> Path:
    instead = "give the shops file, or leave it out for $SHOPBOT_CONFIG, else ./shops.toml"
    return Path(not_empty(value, instead))


def _db_url(value: str) -> str:
    instead = "give a database URL, or leave it out for $SHOPBOT_DB, else the SQLite file"
    return not_empty(value, instead)


ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        help="Shops file [default: $SHOPBOT_CONFIG, else ./shops.toml].",
        show_default=False,
        parser=_config_path,
        metavar="PATH",
    ),
]
DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL [default: $SHOPBOT_DB, else SQLite in $SHOPBOT_HOME "
        "or the user data directory].",
        show_default=False,
        parser=_db_url,
        metavar="TEXT",
    ),
]
LangOption = Annotated[
    str | None,
    typer.Option(
        "--lang",
        help="Language of messages: en, zh; th, vi (the review UI so far) [default: "
        "$SHOPBOT_LANG, else the shops file's [team] language, else the locale]; --json is "
        "English whatever it is.",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]
SheetOption = Annotated[
    str | None,
    typer.Option(
        "--sheet",
        help="The workbook's sheet to read (.xlsx) [default: its first; the others are named].",
        show_default=False,
    ),
]
ItemId = Annotated[int, typer.Argument(help="Item id.", min=1, max=MAX_ID)]
VersionOption = Annotated[
    int | None,
    typer.Option("--version", min=1, max=MAX_ID, help="Only if the item is still at this version."),
]
JobsOption = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        min=1,
        max=MAX_WORKERS,
        help="Image worker processes (default one per core; lowered, and said, to what the "
        "available memory holds at about 1 GiB each).",
    ),
]


def invocation(
    ctx: typer.Context, config: Path | None, db: str | None, lang: str | None = None
) -> Invocation:
    """The command's Invocation, from the environment main() put on the context."""
    env = ctx.obj if isinstance(ctx.obj, Environment) else Environment()
    config = config if config is not None else env.given_config
    inv = Invocation(env=env, config=config, db=db if db is not None else env.given_db)
    env.team_language = inv.team_language
    if lang is not None:
        env.lang = choose(lang, env.environ)
    if env.clock is utcnow:  # a test's own clock stays; else $SHOPBOT_NOW may set it
        env.clock, start = clock_from(env.environ)
        if start is not None:  # said each time: a daemon left on it would alert on a past week
            env.err(
                msg(
                    "$SHOPBOT_NOW is set: the clock starts at {moment} and runs on from there "
                    "(for tests and to reproduce a past week; unset it for real work)",
                    moment=start.isoformat(),
                )
            )
    if config is not None and not _is_file(config):
        # A file named with --config that is not there is a mistake even for a command
        # that needs no shop: without this, `glossary add` wrote to the shared scope and
        # `text` used the default engine, as if no file had been named.
        inv.settings()  # the loader's own message: no such file, a folder, a device
    return inv


def _is_file(path: Path) -> bool:
    """Whether `path` names a regular file; False for one the system cannot even look up
    (a name too long: OSError from stat, exit 3 before)."""
    try:
        return path.is_file()
    except OSError:
        return False


def command(app: typer.Typer, name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register `fn(inv, **options)` as command `name` of `app`, with the options every
    command shares (--config, --db) added once here; `--json` (a `json_out` option) also
    makes a failure print its error as JSON on stdout."""

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        own = list(inspect.signature(fn, eval_str=True).parameters.values())[1:]  # not inv
        shared = [
            inspect.Parameter(
                "config", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=ConfigOption
            ),
            inspect.Parameter(
                "db", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=DbOption
            ),
            inspect.Parameter(
                "lang", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=LangOption
            ),
        ]
        ctx = inspect.Parameter(
            "ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context
        )

        @functools.wraps(fn)
        def run(
            ctx: typer.Context,
            config: Path | None,
            db: str | None,
            lang: str | None,
            **options: Any,
        ) -> Any:
            inv = invocation(ctx, config, db, lang)
            inv.env.json_errors = bool(options.get("json_out"))
            return fn(inv, **options)

        params = [ctx, *own, *shared]
        run.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
        run.__annotations__ = {p.name: p.annotation for p in params}
        del run.__wrapped__  # Typer must read the signature above, not fn's
        app.command(name)(run)
        return fn

    return register


def show_import(
    view: Callable[[Environment, Path, Any, bool], None],
    inv: Invocation,
    file: Path,
    summary: FileImport,
    as_json: bool,
) -> int:
    """Show a file import with its `view`; FAILURES when rows were skipped, else OK."""
    view(inv.env, file, summary, as_json)
    return ExitCode.FAILURES if summary.problems else ExitCode.OK


def new_app(name: str, help_text: str, *, program: bool = False) -> typer.Typer:
    """A Typer app configured the way both programs are; a `program` (cadence, localize)
    also takes the shared options before its command (`localize --lang zh review list`)."""
    app = typer.Typer(
        name=name,
        help=help_text,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    if program:
        app.callback()(before_the_command)
    return app


def before_the_command(
    ctx: typer.Context, config: ConfigOption = None, db: DbOption = None, lang: LangOption = None
) -> None:
    """The options every command takes, given before the command's name: what the command
    is given itself comes first (config.cli.invocation), these are its defaults."""
    env = ctx.obj if isinstance(ctx.obj, Environment) else Environment()
    ctx.obj = env
    if config is not None:  # nearer the command wins: `localize --db a review --db b list`
        env.given_config = config
    if db is not None:
        env.given_db = db
    if lang is not None:
        env.lang = choose(lang, env.environ)


# --help in the reader's language: the commands' and options' help texts are catalog
# messages by their English (context "help": tests/catalogs.py takes them from the command
# tree), rendered when help is asked for; Click's own words are these.
CLICK_WORDS = {
    "Usage:": pmsg("help", "Usage:"),
    "Options": pmsg("help", "Options"),
    "Arguments": pmsg("help", "Arguments"),
    "Commands": pmsg("help", "Commands"),
    "Show this message and exit.": pmsg("help", "Show this message and exit."),
    "required": pmsg("help", "required"),
    "default": pmsg("help", "default"),
}
HELP_FLAGS = ("--help", "-h")
_EXTRA = re.compile(r"(^|  )\[([^\[\]]*)\]$")  # what Click adds to an option's help


class SpeakingFormatter:
    """Click's help formatter (a mixin over the one the command's Click uses: Typer carries
    its own) with Click's words (headings, the help option, default and required) in the
    reader's language."""

    words: Catalog

    def say(self, text: str) -> str:
        """Click's or a help text's words as the reader reads them."""
        known = CLICK_WORDS.get(text)
        return self.words.render(known if known is not None else pmsg("help", text))

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        """The usage line, "Usage:" said in the reader's language."""
        super().write_usage(prog, args, prefix or self.say("Usage:") + " ")  # type: ignore[misc]

    def write_heading(self, heading: str) -> None:
        """A section's heading ("Options", "Commands")."""
        super().write_heading(self.say(heading))  # type: ignore[misc]

    def write_dl(self, rows: Sequence[tuple[str, str]], *args: Any, **kwargs: Any) -> None:
        """Options and commands with their help (already said; the help option's and the
        extras Click adds, [default: ...] and [required], said here)."""
        said = [(term, _EXTRA.sub(self._extras, self.say(text))) for term, text in rows]
        super().write_dl(said, *args, **kwargs)  # type: ignore[misc]

    def _extras(self, found: re.Match[str]) -> str:
        """Click's `[default: zh-CN; required]` at the end of an option's help, said."""
        parts = []
        for part in found.group(2).split("; "):
            word, colon, value = part.partition(": ")
            if word in ("default", "required"):
                part = self.say(word) + colon + value
            parts.append(part)
        return f"{found.group(1)}[{'; '.join(parts)}]"


def speak_help(command: Any, words: Catalog) -> None:
    """Make a Click `command` and every command under it show --help in `words`'
    language: the help texts rendered from the catalog now (this process prints help and
    exits), Click's own words when they are formatted."""
    base = command.context_class
    formatter = type("Formatter", (SpeakingFormatter, base.formatter_class), {"words": words})
    context = type("Context", (base,), {"formatter_class": formatter})
    commands = [command]
    while commands:
        found = commands.pop()
        found.context_class = context
        if found.help:
            found.help = words.render(pmsg("help", inspect.cleandoc(found.help)))
        for param in found.params:
            if getattr(param, "help", None):
                param.help = words.render(pmsg("help", param.help))
        commands += getattr(found, "commands", {}).values()


def _help_language(argv: Sequence[str], env: Environment) -> str:
    """The language --help speaks: --lang and --config as typed (help comes before the
    options are read), then as for every message."""
    given = config = None
    # each word and the one after it (None after the last; no words at all: no pairs)
    for word, then in zip(argv, [*argv[1:], None], strict=False):
        if word == "--lang" or word.startswith("--lang="):
            given = then if word == "--lang" else word.split("=", 1)[1]
        if word == "--config" or word.startswith("--config="):
            config = then if word == "--config" else word.split("=", 1)[1]
    if given is not None:  # a --lang that is no language is refused, help or not
        return choose(given, env.environ)
    inv = Invocation(env=env, config=Path(config) if config else None)
    try:
        return choose(given, env.environ, inv.team_language)
    except AppError:  # a bad [team] language is said when a command runs: help in English
        return ENGLISH


def main(
    app: typer.Typer | Callable[..., Any],
    args: Sequence[str] | None = None,
    env: Environment | None = None,
) -> int:
    """Run a program and map what happened to an exit code; the only place that does."""
    env = env or Environment()
    tolerant(env.stdout)  # a GBK terminal: what it cannot show is escaped, not a crash
    tolerant(env.stderr)
    command = typer.main.get_command(app) if isinstance(app, typer.Typer) else app
    argv = list(args) if args is not None else sys.argv[1:]
    # A usage error happens before the command runs and learns of --json: read it here.
    wants_json = "--json" in (argv[: argv.index("--")] if "--" in argv else argv)
    undecodable = next((n for n, a in enumerate(argv, start=1) if _SURROGATES.search(a)), None)
    if undecodable is not None:  # a GBK terminal on a UTF-8 server: its bytes are not text
        message = msg(
            "argument {n} ({given}) is not UTF-8 text: set your terminal's encoding to UTF-8 "
            "(Xshell, PuTTY: Translation / Encoding) and type it again; nothing was changed",
            n=undecodable,
            given=argv[undecodable - 1].encode("utf-8", "backslashreplace").decode("utf-8"),
        )
        return _failed(env, wants_json, message, ExitCode.BAD_INPUT)
    try:  # a bad $SHOPBOT_LANG is said before anything else, in English
        choose(None, {"SHOPBOT_LANG": env.environ.get("SHOPBOT_LANG", "")})
    except AppError as exc:
        env.lang = ENGLISH
        return _failed(env, wants_json, exc.text, exc.exit_code)
    before = argv[: argv.index("--")] if "--" in argv else argv
    if hasattr(command, "context_class") and (
        len(before) < 2 or any(flag in before for flag in HELP_FLAGS)
    ):  # help, or a group without its command (which shows help)
        try:
            env.lang = env.lang or _help_language(before, env)
        except AppError as exc:
            env.lang = ENGLISH
            return _failed(env, wants_json, exc.text, exc.exit_code)
        if env.lang != ENGLISH:
            speak_help(command, env.catalog)
    try:
        result = command.main(
            args=argv,
            prog_name=getattr(app, "info", None) and app.info.name,
            standalone_mode=False,
            obj=env,
        )
    except AppError as exc:
        return _failed(env, wants_json, exc.text, exc.exit_code)
    except typer.Exit as exc:
        return int(exc.exit_code)
    except TyperException as exc:  # usage errors: unknown option, bad value, no command
        ctx = getattr(exc, "ctx", None)
        if ctx is not None:
            env.err(ctx.get_usage())
        return _failed(env, wants_json, exc.format_message() + _given(exc), ExitCode.BAD_INPUT)
    except (typer.Abort, KeyboardInterrupt):
        return _failed(env, wants_json, msg("interrupted"), ExitCode.INTERRUPTED)
    except Exception as exc:  # a bug: keep the traceback, say so
        _hide_statements(exc)
        env.err(traceback.format_exc().rstrip())
        message = msg(
            "internal error (a bug): {kind}; the traceback above says where",
            kind=type(exc).__name__,
        )
        return _failed(env, wants_json, message, ExitCode.INTERNAL)
    if isinstance(result, int):
        return int(result)
    return int(ExitCode.OK)


# What Python makes of bytes in an argument that are not UTF-8 (surrogateescape).
_SURROGATES = re.compile("[\udc80-\udcff]")


def _hide_statements(exc: BaseException) -> None:
    """Take the SQL and its parameters out of a database error's message (and its causes'):
    they are a listing's text or a secret to whoever reads the terminal, not a diagnosis;
    the driver's own words and the traceback's frames still say what went wrong where."""
    seen: set[int] = set()
    chain: BaseException | None = exc
    while chain is not None and id(chain) not in seen:
        seen.add(id(chain))
        if type(chain).__module__.startswith("sqlalchemy") and hasattr(chain, "statement"):
            chain.statement = None  # type: ignore[attr-defined]
            chain.params = None  # type: ignore[attr-defined]
        chain = chain.__cause__ or chain.__context__


def _failed(env: Environment, wants_json: bool, message: Text, code: ExitCode) -> int:
    """Say why on stderr, in the reader's language, and, for --json, as one JSON document
    on stdout (in English, whatever the language: a script reading the output learns why
    there is no result)."""
    env.err(message if code == ExitCode.INTERRUPTED else msg("error: {message}", message=message))
    if wants_json or env.json_errors:
        env.json({"error": str(message), "exit_code": int(code)})
    return int(code)


def _given(exc: BaseException) -> str:
    """The value a bad parameter was given, when Typer's message leaves it out ("Input
    should be less than or equal to ..."), so the message names what was typed."""
    cause = exc.__cause__
    errors = getattr(cause, "errors", None)
    if not callable(errors):
        return ""
    try:
        given = errors()[0].get("input")
    except (IndexError, TypeError, AttributeError):
        return ""
    if not isinstance(given, str) or given in exc.format_message():
        return ""
    return f" (given: {given[:60]!r})"
