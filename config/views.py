"""What both programs' views share: a seller's file imported is its skipped rows on stderr,
one per line, then its counts on stdout (or the summary as one JSON document).

No CLI framework here: a terminal UI or the daemon may show the same things.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from config.i18n import msg

if TYPE_CHECKING:
    from pathlib import Path

    from config.i18n import Text
    from config.runtime import Environment
    from config.tables import RowProblem


class FileImport(Protocol):
    """What an import of a seller's file returns: the rows it skipped, and itself as JSON."""

    @property
    def problems(self) -> Sequence[RowProblem]:
        """The rows skipped, each with its place and reason."""
        ...

    @property
    def notes(self) -> Sequence[Text]:
        """What is worth saying though nothing was skipped (the sheets not read)."""
        ...

    def as_dict(self) -> dict[str, Any]:
        """For --json."""
        ...


SHOWN = 20  # skipped rows printed one by one; the rest summed up (--json lists them all)


def problems(env: Environment, found: Sequence[RowProblem]) -> None:
    """Each skipped row on its own line: FILE:LINE: what is wrong; after the first SHOWN,
    one line for the rest (a broken file must not print a million lines)."""
    for problem in found[:SHOWN]:
        env.err(problem.text)
    rest = found[SHOWN:]
    if not rest:
        return
    shown = {p.message for p in found[:SHOWN]}
    same = sum(1 for p in rest if p.message in shown)
    if same == len(rest):
        said = msg("... and {rest:,} more rows with the same problem", rest=len(rest))
    elif same:
        said = msg(
            "... and {rest:,} more rows skipped ({same:,} with a problem shown above)",
            rest=len(rest),
            same=same,
        )
    else:
        said = msg("... and {rest:,} more rows skipped", rest=len(rest))
    env.err(msg("{said}; --json lists every one", said=said))


def file_imported(
    env: Environment, file: Path, summary: FileImport, counts: Text, as_json: bool
) -> None:
    """A seller's file imported: its skipped rows and notes, then `FILE: counts` (or --json)."""
    problems(env, summary.problems)
    for note in summary.notes:
        env.err(msg("note: {note}", note=note))
    if as_json:
        env.json(summary.as_dict())
        return
    env.out(msg("{file}: {counts}", file=file, counts=counts))
