"""A long listings import commits in bounded batches, keeps its counts and line numbers
honest, and a second run of the same file changes nothing."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, event, func
from sqlmodel import select

from config.settings import parse
from localize.listings import BATCH, import_file
from store.db import read_scope
from store.models import Listing

SHOPS = '[[shops]]\nid = "acme-th"\nmarket = "TH"\n'
ROWS = 2 * BATCH + 234
BAD_LINE = 777  # the header is line 1, so the listing on this line is row BAD_LINE - 2


def _listings(path: Path) -> Path:
    lines = ["product_id,title"]
    for n in range(ROWS):
        title = "" if len(lines) + 1 == BAD_LINE else f"不锈钢保温杯 {n}"
        lines.append(f"p{n},{title}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_large_import_commits_in_batches_and_again_changes_nothing(
    engine: Engine, tmp_path: Path
) -> None:
    settings = parse(SHOPS, "shops.toml")
    shop = settings.shops[0]
    path = _listings(tmp_path / "listings.csv")
    commits: list[int] = []
    event.listen(engine, "commit", lambda _conn: commits.append(1))

    first = import_file(engine, settings, shop, path)

    assert (first.added, first.changed, first.unchanged) == (ROWS - 1, 0, 0)
    assert [p.place.line for p in first.problems] == [BAD_LINE]
    assert "title" in first.problems[0].message
    # register_shops commits once; the listings at least once per BATCH of them
    assert len(commits) >= 1 + -(-(ROWS - 1) // BATCH)
    with read_scope(engine) as session:
        stored = session.exec(select(func.count()).select_from(Listing)).one()
    assert stored == ROWS - 1

    again = import_file(engine, settings, shop, path)
    assert (again.added, again.changed, again.unchanged) == (0, 0, ROWS - 1)
    with read_scope(engine) as session:
        assert session.exec(select(func.count()).select_from(Listing)).one() == ROWS - 1


def test_a_product_id_with_an_invisible_character_is_skipped_by_its_line(
    engine: Engine, tmp_path: Path
) -> None:
    settings = parse(SHOPS, "shops.toml")
    path = tmp_path / "listings.csv"
    path.write_text('product_id,title\np1,杯\n"p\u200b2",杯\np3,杯\n', encoding="utf-8")
    summary = import_file(engine, settings, settings.shops[0], path)
    assert summary.added == 2
    assert [p.place.line for p in summary.problems] == [3]
    assert "U+200B" in summary.problems[0].message
