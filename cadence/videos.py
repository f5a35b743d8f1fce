"""Getting videos into the store: records, the seller's CSV export, and ingesting them.

Re-ingesting a video id updates the row (never a second count). A cover image, when one is
given, is hashed and compared with the shop's earlier covers: a near-identical cover marks
the video as a re-upload, which does not fill a quota.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from cadence.covers import CoverError, cover_hash, nearest_duplicate
from config.errors import BadInput
from config.files import parse_iso, read_text
from store.db import session_scope
from store.models import VideoStatus
from store.queries import earlier_covers, upsert_video

REQUIRED_COLUMNS = ("id", "posted_at", "products", "title")
OPTIONAL_COLUMNS = ("cover", "status", "original")
_TRUE = {"1", "true", "yes", "y", "是"}
_FALSE = {"0", "false", "no", "n", "否"}


@dataclass(frozen=True)
class VideoRecord:
    """A video as a source reports it, ready to be stored."""

    video_id: str
    posted_at: datetime
    product_ids: tuple[str, ...] = ()
    title: str = ""
    original: bool = True
    status: str = VideoStatus.PUBLISHED
    cover_path: Path | None = None
    cover_hash: str | None = None


@dataclass
class RowProblem:
    """A row that was skipped, and why."""

    line: int
    message: str


@dataclass
class IngestSummary:
    """What an ingest did."""

    added: int = 0
    updated: int = 0
    reuploads: list[tuple[str, str]] = field(default_factory=list)  # (video, original)
    problems: list[RowProblem] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        """For --json."""
        return {
            "added": self.added,
            "updated": self.updated,
            "reuploads": [{"video": v, "duplicate_of": d} for v, d in self.reuploads],
            "problems": [{"line": p.line, "message": p.message} for p in self.problems],
        }


def parse_time(text: str, zone: ZoneInfo) -> datetime:
    """An ISO 8601 moment; without an offset it is read in the shop's timezone."""
    moment = parse_iso(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment


def read_csv(path: Path, zone: ZoneInfo) -> tuple[list[tuple[int, VideoRecord]], list[RowProblem]]:
    """Rows of a videos CSV as (line, record), and the rows that could not be read."""
    text = read_text(path)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise BadInput(
            f"{path}: missing column(s) {', '.join(missing)}; the header must name "
            f"{', '.join(REQUIRED_COLUMNS)} (optional: {', '.join(OPTIONAL_COLUMNS)}); "
            f"found: {', '.join(header) or 'nothing'}",
        )
    reader.fieldnames = header
    records: list[tuple[int, VideoRecord]] = []
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if None in row:
            problems.append(RowProblem(line, "more fields than the header has columns"))
            continue
        try:
            record = _record(row, zone, path.parent)
        except ValueError as exc:
            problems.append(RowProblem(line, str(exc)))
            continue
        if record.video_id in seen:
            first = seen[record.video_id]
            problems.append(RowProblem(line, f"video id {record.video_id!r} repeats line {first}"))
            continue
        seen[record.video_id] = line
        records.append((line, record))
    return records, problems


def _record(row: dict[str, str | None], zone: ZoneInfo, base: Path) -> VideoRecord:
    def cell(name: str) -> str:
        return (row.get(name) or "").strip()

    video_id = cell("id")
    if not video_id:
        raise ValueError("id is empty")
    if len(video_id) > 128:
        raise ValueError("id is longer than 128 characters")
    try:
        posted_at = parse_time(cell("posted_at"), zone)
    except ValueError:
        raise ValueError(
            f"posted_at {cell('posted_at')!r} is not an ISO 8601 time "
            "(e.g. 2026-11-24T19:05:00+07:00)"
        ) from None
    products = tuple(p.strip() for p in cell("products").replace(",", ";").split(";") if p.strip())
    status = cell("status").lower() or VideoStatus.PUBLISHED
    if status not in {s.value for s in VideoStatus}:
        raise ValueError(
            f"status {status!r} is not one of {', '.join(s.value for s in VideoStatus)}"
        )
    original_text = cell("original").lower()
    if original_text and original_text not in _TRUE | _FALSE:
        raise ValueError(f"original {cell('original')!r} is not true or false")
    cover = cell("cover")
    return VideoRecord(
        video_id=video_id,
        posted_at=posted_at,
        product_ids=products,
        title=cell("title"),
        original=original_text not in _FALSE,
        status=status,
        cover_path=(base / cover) if cover else None,
    )


def ingest(
    engine: Engine,
    *,
    shop_id: str,
    records: Iterable[tuple[int, VideoRecord]],
    source: str,
    cover_threshold: int,
) -> IngestSummary:
    """Store records (line numbers for messages), one transaction per record.

    A record that fails (an unreadable cover) is reported and the rest go on; what was
    stored before is never touched by a failed record.
    """
    summary = IngestSummary()
    for line, record in records:
        try:
            digest = record.cover_hash
            if digest is None and record.cover_path is not None:
                digest = cover_hash(record.cover_path)
        except CoverError as exc:
            summary.problems.append(RowProblem(line, exc.message))
            continue
        values: dict[str, object] = {
            "posted_at": record.posted_at,
            "product_ids": list(record.product_ids),
            "title": record.title,
            "original": record.original,
            "status": record.status,
            "source": source,
        }
        with session_scope(engine) as session:
            if digest is not None:
                values["cover_hash"] = digest
                values["duplicate_of"] = nearest_duplicate(
                    digest,
                    earlier_covers(
                        session, shop_id=shop_id, before=record.posted_at, exclude=record.video_id
                    ),
                    cover_threshold,
                )
            added = upsert_video(session, shop_id=shop_id, video_id=record.video_id, **values)
        if added:
            summary.added += 1
        else:
            summary.updated += 1
        if values.get("duplicate_of"):
            summary.reuploads.append((record.video_id, str(values["duplicate_of"])))
    return summary


def numbered(records: Sequence[VideoRecord]) -> list[tuple[int, VideoRecord]]:
    """Records from a source without lines: numbered from 1 for messages."""
    return list(enumerate(records, start=1))
