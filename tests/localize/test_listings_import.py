"""What a listings file may hold: images bounded and without credentials, workbooks read
from the sheet named; every refusal names the row and quotes only the start of a value."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import openpyxl
from sqlalchemy import Engine
from sqlmodel import select

from config.settings import parse
from localize.listings import import_file
from store.db import read_scope
from store.models import Listing

SHOPS = '[[shops]]\nid = "acme-th"\nmarket = "TH"\n'


def stored(engine: Engine) -> dict[str, list[str]]:
    with read_scope(engine) as session:
        return {row.product_id: list(row.images) for row in session.exec(select(Listing))}


def test_an_image_path_of_a_million_characters_is_refused_quoting_only_its_start(
    engine: Engine, tmp_path: Path
) -> None:
    settings = parse(SHOPS, "shops.toml")
    path = tmp_path / "listings.json"
    deep = "../" * 300_000 + "a.jpg"
    listings = [
        {"product_id": "p1", "title": "杯", "images": [deep]},
        {"product_id": "p2", "title": "杯", "images": ["../" * 1000 + "b.jpg"]},
        {"product_id": "p3", "title": "杯", "images": []},
    ]
    path.write_text(json.dumps(listings), encoding="utf-8")
    summary = import_file(engine, settings, settings.shops[0], path)
    assert [str(p.place) for p in summary.problems] == [f"{path}: item 0", f"{path}: item 1"]
    assert summary.problems[0].message == "images is 900,005 characters; at most 18,441"
    assert summary.problems[1].message == (
        f"image {('../' * 1000)[:200]!r}… (3,005 characters) is too long; an image path or "
        "URL is at most 2,048 characters"
    )
    assert list(stored(engine)) == ["p3"]


def test_an_image_url_with_a_password_is_refused_by_row_and_never_stored(
    engine: Engine, tmp_path: Path
) -> None:
    settings = parse(SHOPS, "shops.toml")
    path = tmp_path / "listings.csv"
    path.write_text(
        "product_id,title,images\n"
        "p1,杯,https://bob:hunter2@cdn.example.com/a.jpg\n"
        "p2,杯,https://cdn.example.com/b.jpg;http://token@cdn.example.com/c.jpg\n"
        "p3,杯,https://cdn.example.com/x@2x.jpg?sig=abc\n",
        encoding="utf-8",
    )
    summary = import_file(engine, settings, settings.shops[0], path)
    assert [p.place.line for p in summary.problems] == [2, 3]
    first, second = (p.message for p in summary.problems)
    assert first.startswith("image 'https://bob:***@cdn.example.com/a.jpg' holds a user name")
    assert "hunter2" not in first and "give a URL that needs none" in first
    assert second.startswith("image 'http://token@cdn.example.com/c.jpg' holds a user name")
    assert stored(engine) == {"p3": ["https://cdn.example.com/x@2x.jpg?sig=abc"]}


def test_a_listings_workbook_is_read_from_the_sheet_named(engine: Engine, tmp_path: Path) -> None:
    settings = parse(SHOPS, "shops.toml")
    path = tmp_path / "listings.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "acme-my"
    book.active.append(["product_id", "title"])
    book.active.append(["my1", "马来西亚的杯"])
    th = book.create_sheet("acme-th")
    th.append(["product_id", "title", "safety_report_date"])
    th.append(["th1", "泰国的杯", datetime(2026, 10, 1)])  # a date cell, as Excel keeps it
    book.save(path)
    summary = import_file(engine, settings, settings.shops[0], path, sheet="acme-th")
    assert (summary.added, summary.problems, summary.notes) == (1, [], [])
    assert list(stored(engine)) == ["th1"]
    with read_scope(engine) as session:
        assert session.exec(select(Listing)).one().safety_report_date == date(2026, 10, 1)
    first = import_file(engine, settings, settings.shops[0], path)
    assert first.notes == [
        f"{path}: read its first sheet 'acme-my' only; it also has 'acme-th': give --sheet "
        "NAME to read another"
    ]


def test_a_windows_1252_listings_file_is_stored_as_written_not_as_gb18030(
    engine: Engine, tmp_path: Path
) -> None:
    settings = parse(SHOPS, "shops.toml")
    path = tmp_path / "listings.csv"
    path.write_bytes("product_id,title\np1,Größe XL\np2,Ações e promoções\n".encode("cp1252"))
    summary = import_file(engine, settings, settings.shops[0], path)
    assert summary.added == 2 and summary.problems == []
    with read_scope(engine) as session:
        titles = {row.product_id: row.title for row in session.exec(select(Listing))}
    assert titles == {"p1": "Größe XL", "p2": "Ações e promoções"}  # not 'Gr鲞e XL'
