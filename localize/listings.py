"""Listings as the seller wrote them: imported from CSV or JSON, versioned by a hash of
their source, so a change makes new localization items and marks old approvals stale."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import col, select

from config.errors import BadInput
from config.files import read_text
from localize import lifecycle
from store.db import session_scope
from store.models import ItemState, Listing, utcnow

COLUMNS = (
    "product_id",
    "sku",
    "title",
    "description",
    "caption",
    "images",
    "category",
    "safety_report_date",
)
REQUIRED = ("product_id", "title")


@dataclass(frozen=True)
class ListingRecord:
    """One listing from an import file."""

    product_id: str
    title: str
    sku: str = ""
    description: str = ""
    caption: str = ""
    images: tuple[str, ...] = ()
    category: str = ""
    safety_report_date: date | None = None

    @property
    def source_hash(self) -> str:
        """What identifies this version of the source text and images."""
        payload = json.dumps(
            [self.title, self.description, self.caption, list(self.images)], ensure_ascii=False
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass
class ImportSummary:
    """What an import did."""

    added: int = 0
    changed: int = 0
    unchanged: int = 0
    stale: int = 0
    problems: list[tuple[str, str]] = field(default_factory=list)  # (where, problem)

    def as_dict(self) -> dict[str, Any]:
        """For --json."""
        return {
            "added": self.added,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "stale_items": self.stale,
            "problems": [{"where": w, "problem": p} for w, p in self.problems],
        }


def read_listings(path: Path) -> tuple[list[tuple[str, ListingRecord]], list[tuple[str, str]]]:
    """(where, record) pairs from a CSV or JSON file, and the rows that could not be read."""
    text = read_text(path)
    if path.suffix.lower() == ".json" or text.lstrip().startswith(("[", "{")):
        rows = _json_rows(path, text)
    else:
        rows = _csv_rows(path, text)
    records, problems, seen = [], [], {}
    for where, row in rows:
        try:
            record = _record(row, path.parent.resolve())
        except ValueError as exc:
            problems.append((where, str(exc)))
            continue
        if record.product_id in seen:
            problems.append(
                (where, f"product_id {record.product_id!r} repeats {seen[record.product_id]}")
            )
            continue
        seen[record.product_id] = where
        records.append((where, record))
    return records, problems


def _csv_rows(path: Path, text: str) -> list[tuple[str, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    if missing or unknown:
        raise BadInput(
            f"{path}: "
            + (f"missing column(s) {', '.join(missing)}; " if missing else "")
            + (f"unknown column(s) {', '.join(unknown)}; " if unknown else "")
            + f"the columns are {', '.join(COLUMNS)}"
        )
    reader.fieldnames = header
    rows = []
    for row in reader:
        if None in row:
            rows.append((f"{path}:{reader.line_num}", {"__extra__": True}))
        else:
            rows.append((f"{path}:{reader.line_num}", row))
    return rows


def _json_rows(path: Path, text: str) -> list[tuple[str, dict[str, Any]]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInput(
            f"{path}: not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    if isinstance(data, dict) and isinstance(data.get("listings"), list):
        data = data["listings"]
    if not isinstance(data, list):
        raise BadInput(f'{path}: expected a JSON list of listings (or {{"listings": [...]}})')
    rows = []
    for i, item in enumerate(data):
        where = f"{path}: item {i}"
        if not isinstance(item, dict):
            rows.append((where, {"__not_object__": True}))
            continue
        unknown = sorted(set(item) - set(COLUMNS))
        rows.append((where, {**item, "__unknown__": unknown} if unknown else item))
    return rows


def _record(row: dict[str, Any], base: Path) -> ListingRecord:
    if row.get("__extra__"):
        raise ValueError("more fields than the header has columns")
    if row.get("__not_object__"):
        raise ValueError("not a JSON object")
    if row.get("__unknown__"):
        raise ValueError(
            f"unknown key(s) {', '.join(row['__unknown__'])}; the keys are {', '.join(COLUMNS)}"
        )

    def text(name: str, limit: int) -> str:
        value = row.get(name)
        if value is None:
            return ""
        if not isinstance(value, (str, int)):
            raise ValueError(f"{name} must be text")
        value = str(value).strip()
        if len(value) > limit:
            raise ValueError(f"{name} is {len(value)} characters; at most {limit}")
        return value

    product_id = text("product_id", 128)
    if not product_id:
        raise ValueError("product_id is empty")
    title = text("title", 1000)
    if not title:
        raise ValueError("title is empty")
    images_value = row.get("images") or []
    if isinstance(images_value, str):
        images = tuple(i.strip() for i in images_value.split(";") if i.strip())
    elif isinstance(images_value, list) and all(isinstance(i, str) for i in images_value):
        images = tuple(i.strip() for i in images_value if i.strip())
    else:
        raise ValueError("images must be ';'-separated text or a list of text")
    if len(images) > 9:
        raise ValueError(f"{len(images)} images; TikTok Shop takes at most 9 main images")
    # Local files are kept by absolute path, so later runs find them from anywhere.
    images = tuple(i if "://" in i else str((base / i).resolve()) for i in images)
    report = text("safety_report_date", 10)
    try:
        report_date = date.fromisoformat(report) if report else None
    except ValueError:
        raise ValueError(f"safety_report_date {report!r} is not a date (YYYY-MM-DD)") from None
    return ListingRecord(
        product_id=product_id,
        title=title,
        sku=text("sku", 128),
        description=text("description", 100_000),
        caption=text("caption", 1000),
        images=images,
        category=text("category", 200),
        safety_report_date=report_date,
    )


def import_listings(
    engine: Engine, *, shop_id: str, records: list[tuple[str, ListingRecord]], actor: str = "import"
) -> ImportSummary:
    """Store listings; a changed source marks the old version's open items stale."""
    summary = ImportSummary()
    with session_scope(engine) as session:
        existing = {
            row.product_id: row
            for row in session.exec(
                select(Listing).where(
                    Listing.shop_id == shop_id,
                    col(Listing.product_id).in_([r.product_id for _, r in records]),
                )
            )
        }
        for _, record in records:
            row = existing.get(record.product_id)
            values = dict(
                sku=record.sku,
                title=record.title,
                description=record.description,
                caption=record.caption,
                images=list(record.images),
                category=record.category,
                safety_report_date=record.safety_report_date,
                source_hash=record.source_hash,
            )
            if row is None:
                session.add(Listing(shop_id=shop_id, product_id=record.product_id, **values))
                summary.added += 1
                continue
            if (
                row.source_hash == record.source_hash
                and row.sku == record.sku
                and row.category == record.category
                and row.safety_report_date == record.safety_report_date
            ):
                summary.unchanged += 1
                continue
            if row.source_hash != record.source_hash:
                summary.changed += 1
                summary.stale += _mark_stale(session, row, actor)
            else:
                summary.unchanged += 1
            for k, v in values.items():
                setattr(row, k, v)
            row.updated_at = utcnow()
            session.add(row)
    return summary


def _mark_stale(session: Any, listing: Listing, actor: str) -> int:
    items = lifecycle.of_listing(session, listing, lifecycle.STALE_FROM)
    for item in items:
        lifecycle.change(session, item, ItemState.STALE, actor=actor, reason="the source changed")
    return len(items)
