"""Listings as the seller wrote them: imported from CSV or JSON, versioned by a hash of
their source, so a change makes new localization items and marks old approvals stale."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import col, select

from config.files import excerpt, id_problem
from config.i18n import Joined, Msg, msg
from config.settings import Settings, ShopSettings
from config.tables import MAX_ROWS, Columns, Place, Row, RowProblem, read_table
from config.terminal import control_character
from config.urls import redact
from localize import lifecycle
from localize.text import html
from store.db import session_scope
from store.models import ItemState, Listing, LocalizationItem, utcnow
from store.queries import register_shops

MAX_IMAGE = 2048  # characters of one image path or URL (browsers' and CDNs' practical limit)
COLUMNS = Columns(
    required=("product_id", "title"),
    optional=("sku", "description", "caption", "images", "category", "safety_report_date"),
    others="refuse",
    limits={
        "product_id": 128,
        "sku": 128,
        "title": 1000,
        "description": 100_000,
        "caption": 1000,
        "images": 9 * (MAX_IMAGE + 1),  # nine of them, ';'-separated
        "category": 200,
        "safety_report_date": 10,
    },
    multiline=frozenset({"description"}),
)
BATCH = 500  # listings per transaction (a fraction of a second of SQLite's write lock)


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
    problems: list[RowProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # worth saying, nothing skipped

    def as_dict(self) -> dict[str, Any]:
        """For --json."""
        return {
            "added": self.added,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "stale_items": self.stale,
            "problems": [{"problem": p.message, **p.as_dict()} for p in self.problems],
            "notes": self.notes,
        }


def read_listings(
    path: Path,
    images_folder: Path | None = None,
    *,
    sheet: str | None = None,
    max_rows: int = MAX_ROWS,
) -> tuple[list[tuple[Place, ListingRecord]], list[RowProblem], list[str]]:
    """(place, record) pairs from a CSV, JSON or .xlsx file (its `sheet`, else the first),
    the rows that could not be read, and notes (the sheets not read); local images must lie
    below the file's folder or `images_folder`."""
    table = read_table(
        path, COLUMNS, json_key="listings", workbooks=True, sheet=sheet, max_rows=max_rows
    )
    base = path.parent.resolve()
    folders = [base] + ([images_folder.resolve()] if images_folder else [])
    records, problems = table.records(
        lambda row: _record(row, base, folders),
        key=lambda r: r.product_id,
        what=msg("product_id"),
    )
    return records, problems, table.notes


def _image(value: str, base: Path, folders: list[Path]) -> str:
    """A listing image as stored: an http(s) URL as written, a local file by its absolute
    path (so later runs find it from anywhere), symlinks resolved; ValueError for others."""
    if len(value) > MAX_IMAGE:  # before resolving: a million '../' took minutes
        raise ValueError(
            msg(
                "image {value} is too long; an image path or URL is at most {most:,} characters",
                value=excerpt(value),
                most=MAX_IMAGE,
            )
        )
    if "://" in value:
        scheme = value.split("://", 1)[0].lower()
        if scheme not in ("http", "https"):
            raise ValueError(
                msg(
                    "image {value}: only http and https URLs are fetched",
                    value=excerpt(redact(value)),
                )
            )
        if _userinfo(value):
            raise ValueError(
                msg(
                    "image {value} holds a user name or password (user:pass@), "
                    "which would be stored with the listing and shown; give a URL that needs "
                    "none (a public or pre-signed link)",
                    value=excerpt(redact(value)),
                )
            )
        return value
    path = (base / value).resolve()
    if not any(path.is_relative_to(folder) for folder in folders):
        allowed = Joined([str(f) for f in folders], msg(" or "))
        raise ValueError(
            msg(
                "image {value} is outside the folders images may come from ({allowed}); "
                "move it there, or set [shops.images] folder in the configuration",
                value=excerpt(value),
                allowed=allowed,
            )
        )
    return str(path)


# The listing's text fields: shown to reviewers on a terminal, drawn on images, sent to
# TikTok Shop; a description may run over lines, the rest are one line.
TEXT_FIELDS = ("title", "description", "caption", "sku", "category")


def _text_problem(row: Row) -> Msg | None:
    """Why one of the row's text fields cannot be taken: a control character in it (an
    escape sequence, a bidi override), which no shopper should see and no terminal obey."""
    for name in TEXT_FIELDS:
        found = control_character(row.text(name), lines=name in COLUMNS.multiline)
        if not found and name == "description":  # HTML: `&#27;` writes an escape too
            found = html.reference_problem(row.text(name))
        if found:
            return msg(
                "{field} contains {found}; remove it from the file and import again",
                field=name,
                found=found,
            )
    return None


def _userinfo(url: str) -> bool:
    """Whether the URL's authority has a user part: anything before an '@' ahead of the
    path, query or fragment (how browsers and requests read it)."""
    start = url.index("://") + 3
    end = next((i for i in range(start, len(url)) if url[i] in "/?#\\"), len(url))
    return "@" in url[start:end]


def _record(row: Row, base: Path, folders: list[Path]) -> ListingRecord:
    product_id = row.text("product_id")
    if not product_id:
        raise ValueError(msg("product_id is empty"))
    if problem := id_problem(product_id):
        raise ValueError(msg("product_id {id!r} {problem}", id=product_id, problem=problem))
    if problem := _text_problem(row):
        raise ValueError(problem)
    title = row.text("title")
    if not title:
        raise ValueError(msg("title is empty"))
    images_value = row.values.get("images") or []
    if isinstance(images_value, str):
        images = tuple(i.strip() for i in images_value.split(";") if i.strip())
    elif isinstance(images_value, list) and all(isinstance(i, str) for i in images_value):
        images = tuple(i.strip() for i in images_value if i.strip())
    else:
        raise ValueError(msg("images must be ';'-separated text or a list of text"))
    if len(images) > 9:
        raise ValueError(
            msg("{count} images; TikTok Shop takes at most 9 main images", count=len(images))
        )
    images = tuple(_image(i, base, folders) for i in images)
    cell = row.value("safety_report_date")
    if isinstance(cell, datetime):  # a workbook's date cell
        report_date: date | None = cell.date()
    else:
        report = row.text("safety_report_date")
        try:
            report_date = date.fromisoformat(report) if report else None
        except ValueError:
            raise ValueError(
                msg("safety_report_date {value} is not a date (YYYY-MM-DD)", value=excerpt(report))
            ) from None
    return ListingRecord(
        product_id=product_id,
        title=title,
        sku=row.text("sku"),
        description=row.text("description"),
        caption=row.text("caption"),
        images=images,
        category=row.text("category"),
        safety_report_date=report_date,
    )


def import_listings(
    store: Engine,
    *,
    shop_id: str,
    records: list[tuple[Place, ListingRecord]],
    actor: str = "import",
) -> ImportSummary:
    """Store listings; a changed source marks the old version's open items stale. Commits
    every BATCH listings: a re-run after a crash finds the committed ones unchanged."""
    summary = ImportSummary()
    for session, batch in _batches(store, records):
        existing = {
            row.product_id: row
            for row in session.exec(
                select(Listing).where(
                    Listing.shop_id == shop_id,
                    col(Listing.product_id).in_([r.product_id for _, r in batch]),
                )
            )
        }
        for _, record in batch:
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
            source_changed = _content_hash(row) != record.source_hash
            if (
                not source_changed
                and row.sku == record.sku
                and row.category == record.category
                and row.safety_report_date == record.safety_report_date
            ):
                summary.unchanged += 1
                continue
            if source_changed:
                summary.changed += 1
                summary.stale += _mark_stale(session, row, actor)
                values["source_hash"] = _new_version(session, row, record.source_hash)
            else:
                values["source_hash"] = row.source_hash
                summary.unchanged += 1
            for k, v in values.items():
                setattr(row, k, v)
            row.updated_at = utcnow()
            session.add(row)
    return summary


def _content_hash(listing: Listing) -> str:
    """The hash of the source a stored listing holds (its `source_hash` may be a later
    version's: see `_new_version`)."""
    return ListingRecord(
        product_id=listing.product_id,
        title=listing.title,
        description=listing.description,
        caption=listing.caption,
        images=tuple(listing.images),
    ).source_hash


def _new_version(session: Any, listing: Listing, content_hash: str) -> str:
    """The version hash of a changed source: its content hash, unless items of that hash
    exist already (the source went A -> B -> A, and A's items are published or stale),
    then the content hash with the first unused revision number, so the change makes new
    items that go through review and publishing again."""
    taken = set(
        session.exec(
            select(LocalizationItem.source_hash).where(LocalizationItem.listing_id == listing.id)
        )
    )
    candidate, revision = content_hash, 0
    while candidate in taken:
        revision += 1
        candidate = hashlib.sha256(f"{content_hash}\nrevision {revision}".encode()).hexdigest()
    return candidate


def _batches(
    store: Engine, records: list[tuple[Place, ListingRecord]]
) -> Iterator[tuple[Any, list[tuple[Place, ListingRecord]]]]:
    """Each BATCH of records with a session of its own, committed when the caller asks for
    the next: a long import never holds SQLite's write lock for more than a moment, and
    readers (`cadence status`) are not locked out meanwhile."""
    for start in range(0, len(records), BATCH):
        with session_scope(store) as session:
            yield session, records[start : start + BATCH]


def _mark_stale(session: Any, listing: Listing, actor: str) -> int:
    items = lifecycle.of_listing(session, listing, lifecycle.STALE_FROM)
    for item in items:
        lifecycle.change(session, item, ItemState.STALE, actor=actor, reason="the source changed")
    return len(items)


def import_file(
    store: Engine, settings: Settings, shop: ShopSettings, path: Path, sheet: str | None = None
) -> ImportSummary:
    """Read a listings file (a workbook's `sheet`, else its first) and store what it holds;
    skipped rows are the summary's problems."""
    records, problems, notes = read_listings(
        path, shop.images.folder_path(), sheet=sheet, max_rows=settings.import_max_rows
    )
    if shop.publish.kind == "tiktok":  # the id goes into the Partner API's request path
        from tiktok import product_id_problem

        kept = []
        for place, record in records:
            if problem := product_id_problem(record.product_id):
                problems.append(
                    place.problem(
                        msg("{problem}; this shop publishes to TikTok Shop", problem=problem)
                    )
                )
            else:
                kept.append((place, record))
        records = kept
    base = path.parent.resolve()
    for place, record in records:  # stored all the same: the file may come before the run
        for image in record.images:
            if "://" not in image and not Path(image).is_file():
                near = Path(image)  # as the row wrote it, where it can be
                named = str(near.relative_to(base)) if near.is_relative_to(base) else image
                notes.append(
                    msg(
                        "{place}: image {image} is missing; the listing is stored, but "
                        "`localize run` fails its items until the file is there",
                        place=place.said,
                        image=excerpt(named),
                    )
                )
    register_shops(store, settings, [shop])
    summary = import_listings(store, shop_id=shop.id, records=records)
    summary.problems = problems
    summary.notes = notes
    return summary
