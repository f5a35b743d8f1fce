"""What both command-line programs share: the environment, the common options, exit codes.

Commands receive an `Environment` (streams and variables) instead of reading `sys.*`, so
tests run them in-process with their own streams. Errors become exit codes here, once.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any

import typer
from typer.exceptions import TyperException

from config.errors import AppError, MissingSecret

if TYPE_CHECKING:
    from config.settings import Settings


class ExitCode(IntEnum):
    """Exit statuses every command uses."""

    OK = 0
    FAILURES = 1  # the job ran and found failures
    BAD_INPUT = 2  # bad input or configuration
    INTERNAL = 3  # a bug: the traceback is printed
    INTERRUPTED = 130


@dataclass
class Environment:
    """The streams and variables a command runs with."""

    stdout: IO[str] = field(default_factory=lambda: sys.stdout)
    stderr: IO[str] = field(default_factory=lambda: sys.stderr)
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    cwd: Path = field(default_factory=Path.cwd)

    def out(self, text: str = "") -> None:
        """Write a line of results to stdout."""
        print(text, file=self.stdout)

    def err(self, text: str) -> None:
        """Write a message or progress line to stderr."""
        print(text, file=self.stderr, flush=True)

    def json(self, document: Any) -> None:
        """Write one JSON document to stdout."""
        json.dump(document, self.stdout, ensure_ascii=False, indent=2, default=str)
        self.stdout.write("\n")

    @property
    def stderr_is_terminal(self) -> bool:
        """Whether progress bars make sense on stderr."""
        isatty = getattr(self.stderr, "isatty", None)
        return bool(isatty and isatty())

    def secret(self, variable: str, where: str) -> str:
        """The value of a secret's environment variable, or MissingSecret."""
        value = self.environ.get(variable)
        if not value:
            raise MissingSecret(variable, where)
        return value


def config_path(option: Path | None, env: Environment) -> Path:
    """--config, else $SHOPBOT_CONFIG, else ./shops.toml."""
    if option is not None:
        return option
    if env.environ.get("SHOPBOT_CONFIG"):
        return Path(env.environ["SHOPBOT_CONFIG"])
    return env.cwd / "shops.toml"


def data_dir(env: Environment) -> Path:
    """$SHOPBOT_HOME, else the platform's user data directory."""
    if env.environ.get("SHOPBOT_HOME"):
        return Path(env.environ["SHOPBOT_HOME"])
    import platformdirs

    return Path(platformdirs.user_data_dir("shopbot", appauthor=False))


def db_url(option: str | None, env: Environment) -> str:
    """--db, else $SHOPBOT_DB, else a SQLite file in the data directory."""
    if option:
        return option
    if env.environ.get("SHOPBOT_DB"):
        return env.environ["SHOPBOT_DB"]
    return f"sqlite:///{data_dir(env) / 'shopbot.db'}"


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


@dataclass
class Invocation:
    """One command's resolved options: where the configuration and the store are."""

    env: Environment
    config: Path | None = None
    db: str | None = None
    _settings: Settings | None = None

    @property
    def config_path(self) -> Path:
        """The configuration file this command reads."""
        return config_path(self.config, self.env)

    @property
    def db_url(self) -> str:
        """The database this command opens."""
        return db_url(self.db, self.env)

    def settings(self) -> Settings:
        """The loaded configuration (read once)."""
        if self._settings is None:
            from config.settings import load

            self._settings = load(self.config_path)
        return self._settings


def invocation(ctx: typer.Context, config: Path | None, db: str | None) -> Invocation:
    """The command's Invocation, from the environment main() put on the context."""
    env = ctx.obj if isinstance(ctx.obj, Environment) else Environment()
    return Invocation(env=env, config=config, db=db)


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
