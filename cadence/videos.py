"""Getting videos into the store: records, the seller's export (CSV or .xlsx), ingesting them.

Re-ingesting a video id updates the row (never a second count). A cover image, when one is
given, is hashed and compared with the shop's earlier covers: a near-identical cover marks
the video as a re-upload, which does not fill a quota.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from cadence.covers import CoverError, cover_hash, nearest_duplicate
from config.files import excerpt, id_problem, parse_cell_time
from config.i18n import msg
from config.settings import VIDEO_FIELDS
from config.tables import MAX_ROWS, Columns, Place, Row, RowProblem, read_table, reason
from store.db import session_scope
from store.models import VideoStatus
from store.queries import earlier_covers, upsert_video

# The headers sellers' tools write (TikTok Shop seller center, 抖店-style exports, schedulers),
# compared without case or surrounding blanks; `[import.columns]` adds a team's own.
ALIASES = {
    **dict.fromkeys(["视频ID", "作品ID", "视频编号", "video id", "video_id",
                     "videoid", "item id"], "id"),
    **dict.fromkeys(["发布时间", "发布日期", "发表时间", "posted at", "post time", "posted time",
                     "publish time", "published at", "video_post_time", "create_time"],
                    "posted_at"),
    **dict.fromkeys(["商品", "商品ID", "关联商品", "关联商品ID", "挂车商品", "product",
                     "product id", "product ids", "product_id", "product_ids"], "products"),
    **dict.fromkeys(["标题", "视频标题", "作品标题", "作品名称", "video title", "caption",
                     "description"], "title"),
    **dict.fromkeys(["封面", "封面图", "cover image", "cover_image"], "cover"),
    **dict.fromkeys(["状态", "视频状态", "发布状态", "video status"], "status"),
    **dict.fromkeys(["原创", "是否原创", "is original"], "original"),
}  # fmt: skip
COLUMNS = Columns(
    required=VIDEO_FIELDS[:4],
    optional=VIDEO_FIELDS[4:],
    aliases=ALIASES,
    limits={"id": 128, "title": 2_200},
    multiline=frozenset({"title"}),
)
# Status words as Chinese exports write them.
_STATUS_WORDS = {
    "已发布": "published",
    "发布成功": "published",
    "定时发布": "scheduled",
    "已定时": "scheduled",
    "待发布": "scheduled",
    "发布失败": "failed",
    "失败": "failed",
    "已删除": "deleted",
}
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
class IngestSummary:
    """What an ingest did."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0  # already stored with the same values (a file imported again)
    reuploads: list[tuple[str, str]] = field(default_factory=list)  # (video, original)
    problems: list[RowProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # worth saying, nothing skipped

    def as_dict(self) -> dict[str, object]:
        """For --json."""
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "reuploads": [{"video": v, "duplicate_of": d} for v, d in self.reuploads],
            "problems": [p.as_dict() for p in self.problems],
            "notes": self.notes,
        }


def read_file(
    path: Path,
    zone: ZoneInfo,
    headers: Mapping[str, str] | None = None,
    *,
    sheet: str | None = None,
    max_rows: int = MAX_ROWS,
) -> tuple[list[tuple[Place, VideoRecord]], list[RowProblem], list[str]]:
    """Rows of a videos CSV or .xlsx (its `sheet`, else the first) as (place, record), the
    rows that could not be read, and notes (the sheets not read); `headers` maps a team's
    own headers onto our fields."""
    columns = replace(COLUMNS, aliases={**COLUMNS.aliases, **(headers or {})})
    table = read_table(path, columns, workbooks=True, sheet=sheet, max_rows=max_rows)
    records, problems = table.records(
        lambda row: _record(row, zone, path.parent),
        key=lambda r: r.video_id,
        what=msg("video id"),
    )
    return records, problems, table.notes


def _record(row: Row, zone: ZoneInfo, base: Path) -> VideoRecord:
    video_id = row.text("id")
    if not video_id:
        raise ValueError(msg("id is empty"))
    if problem := id_problem(video_id):
        raise ValueError(msg("id {id!r} {problem}", id=video_id, problem=problem))
    try:
        posted_at = parse_cell_time(row.value("posted_at") or "", zone)
    except ValueError as exc:
        raise ValueError(msg("posted_at {problem}", problem=reason(exc))) from None
    products = tuple(
        p.strip() for p in row.text("products").replace(",", ";").split(";") if p.strip()
    )
    status = row.text("status").lower() or VideoStatus.PUBLISHED
    status = _STATUS_WORDS.get(status, status)
    if status not in {s.value for s in VideoStatus}:
        raise ValueError(
            msg(
                "status {value} is not one of {known}",
                value=excerpt(status),
                known=[s.value for s in VideoStatus],
            )
        )
    original_text = row.text("original").lower()
    if original_text and original_text not in _TRUE | _FALSE:
        raise ValueError(
            msg("original {value} is not true or false", value=excerpt(row.text("original")))
        )
    cover = row.text("cover")
    return VideoRecord(
        video_id=video_id,
        posted_at=posted_at,
        product_ids=products,
        title=row.text("title"),
        original=original_text not in _FALSE,
        status=status,
        cover_path=(base / cover) if cover else None,
    )


def ingest(
    engine: Engine,
    *,
    shop_id: str,
    records: Iterable[tuple[Place, VideoRecord]],
    source: str,
    cover_threshold: int,
) -> IngestSummary:
    """Store records (their places for messages), one transaction per record.

    A record that fails (an unreadable cover) is reported and the rest go on; what was
    stored before is never touched by a failed record.
    """
    summary = IngestSummary()
    for place, record in records:
        if problem := id_problem(record.video_id):  # by hand or synced: refused the same way
            summary.problems.append(
                place.problem(msg("video id {id!r} {problem}", id=record.video_id, problem=problem))
            )
            continue
        try:
            digest = record.cover_hash
            if digest is None and record.cover_path is not None:
                digest = cover_hash(record.cover_path)
        except CoverError as exc:
            summary.problems.append(place.problem(exc.text))
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
            done = upsert_video(session, shop_id=shop_id, video_id=record.video_id, **values)
        setattr(summary, done, getattr(summary, done) + 1)  # added, updated or unchanged
        if values.get("duplicate_of"):
            summary.reuploads.append((record.video_id, str(values["duplicate_of"])))
    return summary


def numbered(records: Sequence[VideoRecord], origin: str) -> list[tuple[Place, VideoRecord]]:
    """Records from a source without lines (`origin` names it): items numbered from 1."""
    return [(Place(origin, item=i), r) for i, r in enumerate(records, start=1)]
