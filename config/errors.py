"""The one error root every package's errors derive from, and the configuration errors."""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum
from pathlib import Path, PurePath
from typing import Any

from config.i18n import Joined, Lines, Msg, Said, Text, msg


class ExitCode(IntEnum):
    """Exit statuses every command uses."""

    OK = 0
    FAILURES = 1  # the job ran and found failures
    BAD_INPUT = 2  # bad input or configuration
    INTERNAL = 3  # a bug: the traceback is printed
    INTERRUPTED = 130


# A value echoed in an error, at most: longer is a paste gone wrong (40,000 × 红 was
# printed whole, 120 KB on the terminal), shown by its start and its length.
ECHO_MAX = 200


def echoed(value: str, limit: int = ECHO_MAX) -> str:
    """A person's value as an error shows it: whole when short, else its start, an
    ellipsis and its length."""
    if len(value) <= limit:
        return value
    return f"{value[:limit]}… ({len(value):,} characters)"


def _cut(value: Any) -> Any:
    """A message's values, each one too long to echo cut (`echoed`), its words kept."""
    if isinstance(value, Said):  # said by code in each language: short, kept as it is
        return value
    if isinstance(value, Joined):
        return Joined([_cut(v) for v in value.items], value.separator)
    if isinstance(value, Msg):
        params = {k: _cut(v) for k, v in value.params.items()}
        return Msg(value.text, context=value.context, **params)
    if type(value) is str or isinstance(value, PurePath):
        # room for the words around a value a message echoed itself ("--text '…'")
        return echoed(str(value)) if len(str(value)) > ECHO_MAX + 100 else value
    if type(value) in (list, tuple):
        return type(value)(_cut(v) for v in value)
    return value


class AppError(Exception):
    """An error the user can act on; the CLI prints its message (in the reader's language)
    and exits with `exit_code`. `message` is the English text (what is stored and logged),
    `text` the message itself, to be rendered where it is shown (config.i18n). Every value
    in it is echoed by one rule, applied here: a long one is cut (`echoed`)."""

    exit_code: ExitCode = ExitCode.BAD_INPUT

    def __init__(self, message: Text) -> None:
        message = _cut(message) if isinstance(message, Msg) else message
        self.text = message
        self.message = str(message)
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class ConfigError(AppError):
    """A configuration file that cannot be used, naming the file, the key and the problem."""

    def __init__(self, path: Path | str, problems: list[str] | str) -> None:
        if isinstance(problems, (str, Msg)):
            problems = [problems]
        self.path = str(path)
        self.problems = [str(p) for p in problems]  # English, as stored and compared
        if len(problems) == 1:
            message = msg("{path}: {problem}", path=self.path, problem=problems[0])
        else:
            lines = [msg("  - {problem}", problem=p) for p in problems]
            message = msg(
                "{path}: {count} problems:\n{lines}",
                path=self.path,
                count=len(problems),
                lines=Lines(lines),
            )
        super().__init__(message)


class BadInput(AppError):
    """A command-line value or input file that cannot be used."""


# What a person writes into the audit trail, at most: a name (--reviewer, --by) and a
# reason (--reason, --override). Longer is a paste gone wrong, printed whole by every view.
NAME_MAX = 100
REASON_MAX = 2000


class TooLong(BadInput):
    """A value a person typed that is longer than the audit trail keeps."""

    def __init__(self, option: str, length: int, limit: int) -> None:
        super().__init__(
            msg(
                "{option} is {length} characters; at most {limit}",
                option=option,
                length=length,
                limit=limit,
            )
        )


def bounded(option: str, value: str, limit: int) -> str:
    """`value` when it has at most `limit` characters, else TooLong naming `option`."""
    if len(value) > limit:
        raise TooLong(option, len(value), limit)
    return value


class UnknownLanguage(AppError):
    """A language code the markets file does not know (or fits several of its codes)."""

    def __init__(
        self, given: str, known: Iterable[str], where: str = "", fits: str | None = None
    ) -> None:
        self.given = given
        self.known = tuple(known)
        shown = echoed(given, 40)
        known_codes = ", ".join(self.known)
        if fits:
            problem = msg(
                "ambiguous language {given!r}: {fits}; known: {known}",
                given=shown,
                fits=fits,
                known=known_codes,
            )
        else:
            problem = msg(
                "unknown language {given!r}; known: {known}", given=shown, known=known_codes
            )
        super().__init__(
            msg("{where}: {problem}", where=where, problem=problem) if where else problem
        )


class MissingSecret(AppError):
    """A secret named in the configuration is not set in the environment."""

    def __init__(self, variable: str, where: str) -> None:
        self.variable = variable
        super().__init__(
            msg(
                "environment variable {variable} is not set (needed by {where}); "
                "export it before running this command",
                variable=variable,
                where=where,
            )
        )
