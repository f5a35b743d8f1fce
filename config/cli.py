"""What both command-line programs share: the common options, and the one place errors
become exit codes.

Commands receive an `Environment` (config.runtime: streams, variables, clock) instead of
reading `sys.*`, so tests run them in-process with their own streams.
"""

from __future__ import annotations

import functools
import inspect
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.exceptions import TyperException

from config.errors import AppError, ExitCode
from config.runtime import Environment, Invocation
from config.views import FileImport

__all__ = ["Environment", "ExitCode", "Invocation", "command", "invocation", "main", "new_app"]

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        help="Shops file [default: $SHOPBOT_CONFIG, else ./shops.toml].",
        show_default=False,
    ),
]
DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL [default: $SHOPBOT_DB, else SQLite in $SHOPBOT_HOME "
        "or the user data directory].",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]


def invocation(ctx: typer.Context, config: Path | None, db: str | None) -> Invocation:
    """The command's Invocation, from the environment main() put on the context."""
    env = ctx.obj if isinstance(ctx.obj, Environment) else Environment()
    return Invocation(env=env, config=config, db=db)


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
        ]
        ctx = inspect.Parameter(
            "ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context
        )

        @functools.wraps(fn)
        def run(ctx: typer.Context, config: Path | None, db: str | None, **options: Any) -> Any:
            inv = invocation(ctx, config, db)
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


def new_app(name: str, help_text: str) -> typer.Typer:
    """A Typer app configured the way both programs are."""
    return typer.Typer(
        name=name,
        help=help_text,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )


def main(
    app: typer.Typer | Callable[..., Any],
    args: Sequence[str] | None = None,
    env: Environment | None = None,
) -> int:
    """Run a program and map what happened to an exit code; the only place that does."""
    env = env or Environment()
    command = typer.main.get_command(app) if isinstance(app, typer.Typer) else app
    try:
        result = command.main(
            args=list(args) if args is not None else sys.argv[1:],
            prog_name=getattr(app, "info", None) and app.info.name,
            standalone_mode=False,
            obj=env,
        )
    except AppError as exc:
        env.err(f"error: {exc.message}")
        if env.json_errors:  # a script reading --json output learns why there is none
            env.json({"error": exc.message, "exit_code": int(exc.exit_code)})
        return int(exc.exit_code)
    except typer.Exit as exc:
        return int(exc.exit_code)
    except TyperException as exc:  # usage errors: unknown option, bad value, no command
        ctx = getattr(exc, "ctx", None)
        if ctx is not None:
            env.err(ctx.get_usage())
        env.err(f"error: {exc.format_message()}")
        return int(ExitCode.BAD_INPUT)
    except (typer.Abort, KeyboardInterrupt):
        env.err("interrupted")
        return int(ExitCode.INTERRUPTED)
    except Exception:  # a bug: keep the traceback, say so
        env.err(traceback.format_exc().rstrip())
        env.err("error: internal error (a bug); the traceback above says where")
        return int(ExitCode.INTERNAL)
    if isinstance(result, int):
        return int(result)
    return int(ExitCode.OK)
