"""Errors of the localization side."""

from __future__ import annotations

from config.errors import AppError, ExitCode


class EngineError(AppError):
    """A translation engine failed: which one, and what happened."""

    exit_code = ExitCode.FAILURES

    def __init__(self, engine: str, problem: str) -> None:
        self.engine = engine
        self.problem = problem
        super().__init__(f"translation engine {engine}: {problem}")


class EngineFailed(AppError):
    """A text could not be translated (the engine's error, or the checks, say why)."""

    exit_code = ExitCode.FAILURES
