"""A video id with a character no one can see or type back (a control character, a
zero-width space) is refused by name, by hand and in an import, on both stores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


@pytest.fixture
def shops(tmp_path: Path) -> Path:
    path = tmp_path / "shops.toml"
    path.write_text('[[shops]]\nid = "acme-th"\nmarket = "TH"\n', encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("given", "named"), [("v\x01", "U+0001"), ("v\u200b", "U+200B"), ("\x1bv", "U+001B")]
)
def test_videos_add_refuses_an_invisible_character(run, given: str, named: str) -> None:  # type: ignore[no-untyped-def]
    added = run("videos", "add", "--shop", "acme-th", "--id", given, "--posted-at", "2026-11-24")
    assert added.code == 2
    assert repr(given) in added.err and named in added.err
    listed = run("status", "--shop", "acme-th", "--as-of", "2026-11-25T00:00Z", "--json")
    assert json.loads(listed.out)[0]["counted"] == 0  # nothing was stored


def test_an_import_skips_the_row_by_its_line_and_keeps_the_rest(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "videos.csv"
    path.write_text(
        "id,posted_at,products,title\nok1,2026-11-24 20:00,P1,a\n"
        '"v\x07",2026-11-24 20:00,P1,b\nok2,2026-11-24 21:00,P1,c\n',
        encoding="utf-8",
    )
    imported = run("videos", "import", str(path), "--shop", "acme-th", "--json")
    assert imported.code == 1
    summary = json.loads(imported.out)
    assert summary["added"] == 2
    assert [p["line"] for p in summary["problems"]] == [3]
    assert "U+0007" in summary["problems"][0]["message"]
