"""What a front end hands the services: streams, variables, secrets, the clock, and where
the configuration and the store are. No command-line framework is imported here, so the
daemon, the services and a terminal UI can all run on it.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from config.errors import ConfigError, MissingSecret
from config.i18n import Catalog, Msg, Text, catalog, choose, msg
from config.terminal import encodable, printable, printable_json

if TYPE_CHECKING:
    from config.settings import Settings

Clock = Callable[[], datetime]
Progress = Callable[[str, int, int], None]  # (what, done, total)


def ticker(progress: Progress | None, what: str) -> Callable[[int, int], None] | None:
    """A (done, total) callback reporting to `progress` as `what`; None without one."""
    if progress is None:
        return None
    return lambda done, total: progress(what, done, total)


def process_alive(pid: int) -> bool:
    """Whether a process of this machine with this id is running (a publisher or a run
    that was killed is not; one we may not signal is taken as running)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def utcnow() -> datetime:
    """The current time in UTC: the default clock."""
    return datetime.now(UTC)


# The clock's start for tests and for reproducing a past week (config.cli.invocation reads it).
NOW_VARIABLE = "SHOPBOT_NOW"


def clock_from(environ: Mapping[str, str]) -> tuple[Clock, datetime | None]:
    """The real clock, or with $SHOPBOT_NOW one that starts at that moment and runs on from
    there (a daemon's leases, waits and deadlines still pass as they do), with that start;
    BadInput naming the variable when it is not an ISO 8601 time with an offset."""
    from config.files import given_moment

    text = environ.get(NOW_VARIABLE)
    if not text:
        return utcnow, None
    start = given_moment(
        f"${NOW_VARIABLE}",
        text,
        remedy=" (it sets the clock for tests and past weeks; unset it to use the real one)",
    ).astimezone(UTC)
    began = time.monotonic()
    return (lambda: start + timedelta(seconds=time.monotonic() - began)), start


@dataclass(frozen=True)
class Secrets:
    """Secrets by the name of the environment variable that holds them; never printed."""

    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)

    def get(self, variable: str) -> str | None:
        """The variable's value, or None when it is unset or empty."""
        return self.environ.get(variable) or None

    def require(self, variable: str, where: str) -> str:
        """The variable's value, or MissingSecret naming it and what needs it."""
        value = self.get(variable)
        if value is None:
            raise MissingSecret(variable, where)
        return value


@dataclass
class Environment:
    """The streams, variables and clock a command runs with (tests swap them). Everything
    printed goes through `out`, `err` or `json`: the one place control characters in what
    others wrote are made visible (config.terminal) before any stream gets them."""

    stdout: IO[str] = field(default_factory=lambda: sys.stdout)
    stderr: IO[str] = field(default_factory=lambda: sys.stderr)
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    cwd: Path = field(default_factory=Path.cwd)
    clock: Clock = utcnow
    json_errors: bool = False  # a --json command: errors are printed as JSON on stdout too
    lang: str | None = None  # --lang; else chosen at the first message (config.i18n.choose)
    team_language: Callable[[], str | None] = lambda: None  # the shops file's [team] language
    given_config: Path | None = None  # --config/--db given before the command's name
    given_db: str | None = None

    @property
    def catalog(self) -> Catalog:
        """The reader's language: what `out` and `err` render messages in."""
        if self.lang is None:
            self.lang = choose(None, self.environ, self.team_language)
        return catalog(self.lang)

    def say(self, text: Text) -> str:
        """A message as the reader reads it (a plain str is shown as it is)."""
        return self.catalog.render(text) if isinstance(text, Msg) else text

    def out(self, text: Text = "") -> None:
        """Write a line of results to stdout, in the reader's language (control characters
        shown, not sent)."""
        print(printable(self.say(text)), file=self.stdout)

    def err(self, text: Text) -> None:
        """Write a message or progress line to stderr, in the reader's language (control
        characters shown, not sent)."""
        print(printable(self.say(text)), file=self.stderr, flush=True)

    def json(self, document: Any) -> None:
        """Write one JSON document to stdout: indented for a person at a terminal, on one
        line for a program (json's C encoder does not indent: 1,000 shops took 80 ms). The
        data is whole; what a terminal would act on is written as JSON escapes, and so is
        all that is not ASCII when the stream's encoding (GBK) cannot write it."""
        isatty = getattr(self.stdout, "isatty", None)
        indent = 2 if isatty and isatty() else None
        text = json.dumps(document, ensure_ascii=False, indent=indent, default=str)
        if not encodable(self.stdout, text):
            text = json.dumps(document, ensure_ascii=True, indent=indent, default=str)
        self.stdout.write(printable_json(text))
        self.stdout.write("\n")

    @property
    def stderr_is_terminal(self) -> bool:
        """Whether progress bars make sense on stderr."""
        isatty = getattr(self.stderr, "isatty", None)
        return bool(isatty and isatty())

    @property
    def secrets(self) -> Secrets:
        """The secrets this environment's variables hold."""
        return Secrets(self.environ)


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
    folder = data_dir(env)
    try:
        folder.mkdir(parents=True, exist_ok=True)  # ours to make, unlike a folder --db names
    except OSError:
        pass  # opening the store names the folder and what is wrong with it
    return f"sqlite:///{folder / 'shopbot.db'}"


@dataclass
class Invocation:
    """One command's resolved options: its environment, where the configuration and the
    store are."""

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

    @property
    def data_dir(self) -> Path:
        """Where the store and generated files live by default."""
        return data_dir(self.env)

    def team_language(self) -> str | None:
        """The shops file's `[team] language`, if it has one: from the loaded settings, else
        read from the file without validating the rest (a broken file is said in the
        team's language too); None when there is no such file or key."""
        if self._settings is not None:
            return self._settings.team_language
        from config import tomldoc

        try:  # checked as the loader checks it: a pipe or /dev/zero is never read
            text = tomldoc.content(self.config_path, missing="").decode("utf-8-sig")
        except (ConfigError, ValueError):
            return None
        if "[team]" not in text and "team." not in text:  # most files: no TOML parse
            return None
        import tomllib

        try:
            team = tomllib.loads(text).get("team")
        except (tomllib.TOMLDecodeError, RecursionError):
            return None
        found = team.get("language") if isinstance(team, dict) else None
        return found if isinstance(found, str) else None

    def settings(self) -> Settings:
        """The loaded configuration (read once)."""
        if self._settings is None:
            from config.settings import load

            self._settings = load(self.config_path)
            for warning in self._settings.warnings:  # one shop's files: said, not fatal
                self.env.err(msg("warning: {warning}", warning=warning))
        return self._settings
