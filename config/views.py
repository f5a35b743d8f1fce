"""What both programs' views share: a seller's file imported is its skipped rows on stderr,
one per line, then its counts on stdout (or the summary as one JSON document).

No CLI framework here: a terminal UI or the daemon may show the same things.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from pathlib import Path

    from config.runtime import Environment
    from config.tables import RowProblem


class FileImport(Protocol):
    """What an import of a seller's file returns: the rows it skipped, and itself as JSON."""

    @property
    def problems(self) -> Sequence[RowProblem]:
        """The rows skipped, each with its place and reason."""
        ...

    def as_dict(self) -> dict[str, Any]:
        """For --json."""
        ...


def problems(env: Environment, found: Sequence[RowProblem]) -> None:
    """Each skipped row on its own line: FILE:LINE: what is wrong."""
    for problem in found:
        env.err(str(problem))


def file_imported(
    env: Environment, file: Path, summary: FileImport, counts: str, as_json: bool
) -> None:
    """A seller's file imported: its skipped rows, then `FILE: counts` (or --json)."""
    problems(env, summary.problems)
    if as_json:
        env.json(summary.as_dict())
        return
    env.out(f"{file}: {counts}")
