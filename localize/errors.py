"""Errors of the localization side."""

from __future__ import annotations

from config.errors import AppError, ExitCode
from config.i18n import SEMICOLON, Joined, Text, msg


class EngineError(AppError):
    """A translation engine failed: which one, and what happened."""

    exit_code = ExitCode.FAILURES

    def __init__(self, engine: str, problem: Text) -> None:
        self.engine = engine
        self.problem = problem
        super().__init__(
            msg("translation engine {engine}: {problem}", engine=engine, problem=problem)
        )


class NoNewTranslation(EngineError):
    """Every engine of the chain was passed over or answered a text a reviewer rejected:
    the text waits for a person's translation."""

    def __init__(self, said: list[str]) -> None:
        super().__init__(
            " then ".join(s.split(":")[0] for s in said) or "-",
            msg(
                "no engine gave anything but the rejected text ({said}): it waits for a "
                "person's translation",
                said=Joined(said, SEMICOLON),
            ),
        )


class EngineFailed(AppError):
    """A text could not be translated (the engine's error, or the checks, say why)."""

    exit_code = ExitCode.FAILURES


class NoNewText(EngineFailed):
    """A text no engine translated but with a text a reviewer rejected: it waits for a
    person (asking again would only give the rejected text again)."""
