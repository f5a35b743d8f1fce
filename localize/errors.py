"""Errors of the localization side."""

from __future__ import annotations

from config.errors import AppError


class EngineError(AppError):
    """A translation engine failed: which one, and what happened."""

    exit_code = 1

    def __init__(self, engine: str, problem: str) -> None:
        self.engine = engine
        self.problem = problem
        super().__init__(f"translation engine {engine}: {problem}")
