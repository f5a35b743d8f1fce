"""The one error root every package's errors derive from, and the configuration errors."""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    """Exit statuses every command uses."""

    OK = 0
    FAILURES = 1  # the job ran and found failures
    BAD_INPUT = 2  # bad input or configuration
    INTERNAL = 3  # a bug: the traceback is printed
    INTERRUPTED = 130


class AppError(Exception):
    """An error the user can act on; the CLI prints its message and exits with `exit_code`."""

    exit_code: ExitCode = ExitCode.BAD_INPUT

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ConfigError(AppError):
    """A configuration file that cannot be used, naming the file, the key and the problem."""

    def __init__(self, path: Path | str, problems: list[str] | str) -> None:
        if isinstance(problems, str):
            problems = [problems]
        self.path = str(path)
        self.problems = problems
        if len(problems) == 1:
            message = f"{self.path}: {problems[0]}"
        else:
            lines = "\n".join(f"  - {p}" for p in problems)
            message = f"{self.path}: {len(problems)} problems:\n{lines}"
        super().__init__(message)


class BadInput(AppError):
    """A command-line value or input file that cannot be used."""


class UnknownLanguage(AppError):
    """A language code the markets file does not know (or fits several of its codes)."""

    def __init__(
        self, given: str, known: Iterable[str], where: str = "", fits: str | None = None
    ) -> None:
        self.given = given
        self.known = tuple(known)
        shown = given if len(given) <= 40 else given[:40] + "…"
        problem = f"ambiguous language {shown!r}: {fits}" if fits else f"unknown language {shown!r}"
        prefix = f"{where}: " if where else ""
        super().__init__(f"{prefix}{problem}; known: {', '.join(self.known)}")


class MissingSecret(AppError):
    """A secret named in the configuration is not set in the environment."""

    def __init__(self, variable: str, where: str) -> None:
        self.variable = variable
        super().__init__(
            f"environment variable {variable} is not set (needed by {where}); "
            f"export it before running this command"
        )
