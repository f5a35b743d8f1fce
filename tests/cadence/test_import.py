"""Sellers' own files: .xlsx workbooks and Chinese-header CSVs with Excel's dates, made here."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

SHOPS = '[[shops]]\nid = "acme-th"\nmarket = "TH"\nalert_language = "en"\n'


@pytest.fixture
def run(cli, tmp_path: Path, db_url: str):  # type: ignore[no-untyped-def]
    shops = tmp_path / "shops.toml"
    shops.write_text(SHOPS, encoding="utf-8")

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return cli("cadence", *args, "--config", str(shops), "--db", db_url)

    invoke.shops = shops  # type: ignore[attr-defined]
    return invoke


def workbook(path: Path, rows: list[list[object]], title: str = "视频数据") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.create_sheet("说明").append(["this sheet is not read"])
    book.save(path)
    return path


def status(run) -> dict[str, object]:  # type: ignore[no-untyped-def]
    [shop] = json.loads(run("status", "--as-of", "2026-11-28T10:00+07:00", "--json").out)
    return shop


def test_an_xlsx_with_chinese_headers_and_excel_dates_is_imported(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = workbook(
        tmp_path / "导出.xlsx",
        [
            ["视频ID", "发布时间", "商品ID", "标题", "状态"],
            [7301, datetime(2026, 11, 23, 20, 0), 1729384756, "保温杯开箱", "已发布"],
            ["7302", 46352.875, "P1;P2", "Excel 序列号日期", None],  # 2026-11-25 21:00
            ["7303", "2026/11/26 21:00", "", "没有挂车", "已发布"],
            ["7304", "2026/11/27 08:00", "P3", "定时", "定时发布"],
        ],
    )
    result = run("videos", "import", str(path), "--shop", "acme-th", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["added"] == 4
    th = status(run)
    assert th["counted_videos"] == ["7301", "7302"]
    assert {e["video"]: e["reason"] for e in th["excluded"]} == {
        "7303": "no product link",
        "7304": "not published (scheduled)",
    }
    history = json.loads(
        run("history", "--shop", "acme-th", "--as-of", "2026-11-28T10:00+07:00", "--json").out
    )
    assert history["weeks"][0]["counted"] == 2
    # the serial 46352.875 is 21:00 in the shop's timezone (Bangkok, +07:00)
    report = run("status", "--as-of", "2026-11-25T20:59+07:00", "--json")
    assert json.loads(report.out)[0]["counted"] == 1


def test_reimporting_an_unchanged_workbook_reports_its_rows_unchanged(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows: list[list[object]] = [
        ["视频ID", "发布时间", "商品ID", "标题"],
        ["7301", datetime(2026, 11, 23, 20, 0), "P1", "开箱"],
        ["7302", 46352.875, "P1;P2", "序列号日期"],
    ]
    path = workbook(tmp_path / "v.xlsx", rows)
    assert run("videos", "import", str(path), "--shop", "acme-th").code == 0
    again = run("videos", "import", str(path), "--shop", "acme-th", "--json")
    assert again.code == 0, again.err
    counts = json.loads(again.out)
    assert (counts["added"], counts["updated"], counts["unchanged"]) == (0, 0, 2)
    rows[2][3] = "新标题"
    workbook(path, rows)
    text = run("videos", "import", str(path), "--shop", "acme-th").out
    assert "0 added, 1 updated, 1 unchanged, 0 re-uploads, 0 rows skipped" in text, text


def test_bad_rows_in_a_workbook_are_reported_by_sheet_and_row(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = workbook(
        tmp_path / "v.xlsx",
        [
            [],  # an empty first row: the header is the first row with something in it
            ["Video ID", "Post time", "Products", "Video title"],
            ["a1", datetime(2026, 11, 23, 20, 0), "P1", "ok"],
            ["a2", "yesterday", "P1", "bad date"],
            [None, 46352.5, "P1", "no id"],
            ["a1", 46353.5, "P1", "repeat"],
            ["a3", -5, "P1", "negative serial"],
            ["a4", 46353.5, "P1", "ok", "extra"],
        ],
        title="Sheet1",
    )
    result = run("videos", "import", str(path), "--shop", "acme-th", "--json")
    assert result.code == 1
    lines = result.err.splitlines()
    assert lines == [
        f"{path}:Sheet1:4: posted_at 'yesterday' is not an ISO 8601 time nor YYYY/MM/DD "
        "HH:MM[:SS]; use ISO 8601 (2026-11-24T19:05:00+07:00, Z for UTC), 2026-11-24 "
        "19:05[:00] or 2026/11/24 19:05[:00]; without an offset it is the shop's local time",
        f"{path}:Sheet1:5: id is empty",
        f"{path}:Sheet1:6: video id 'a1' repeats row 3",
        f"{path}:Sheet1:7: posted_at -5 is not an Excel date serial number",
        f"{path}:Sheet1:8: more cells than the header has columns",
        f"note: {path}: read its first sheet 'Sheet1' only; it also has '说明': give --sheet "
        "NAME to read another",
    ]
    summary = json.loads(result.out)
    assert summary["added"] == 1
    assert summary["problems"][0] | {"sheet": "Sheet1", "line": 4} == summary["problems"][0]


def test_a_chinese_header_csv_with_slashed_times_is_read_in_the_shops_timezone(  # type: ignore[no-untyped-def]
    run, tmp_path: Path
) -> None:
    path = tmp_path / "videos.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as f:  # as Excel saves "CSV UTF-8"
        writer = csv.writer(f)
        writer.writerow(["作品ID", "发布时间", "商品", "标题", "封面", "是否原创"])
        writer.writerow(["v1", "2026/11/23 21:00", "P1", "开箱", "", "是"])
        writer.writerow(["v2", "2026/11/24 21:00", "P1", "搬运", "", "否"])
        writer.writerow(["v3", "2026/11/31 21:00", "P1", "坏日期", "", "是"])
    result = run("videos", "import", str(path), "--shop", "acme-th")
    assert result.code == 1
    assert f"{path}:4: posted_at '2026/11/31 21:00'" in result.err
    th = status(run)
    assert th["counted_videos"] == ["v1"]
    assert th["excluded"] == [{"video": "v2", "reason": "marked not original"}]
    # 2026/11/23 21:00 is Bangkok time: before it, nothing was counted yet
    early = run("status", "--as-of", "2026-11-23T20:59+07:00", "--json")
    assert json.loads(early.out)[0]["counted"] == 0


def test_import_columns_in_the_shops_file_map_a_teams_own_headers(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run.shops.write_text(
        SHOPS + '[import.columns]\n"编号" = "id"\n"上线时间" = "posted_at"\n"带货" = "products"\n'
        '"文案" = "title"\n',
        encoding="utf-8",
    )
    path = tmp_path / "ours.csv"
    path.write_text("编号,上线时间,带货,文案\nx1,2026/11/24 10:00,P1,自定义\n", encoding="utf-8")
    result = run("videos", "import", str(path), "--shop", "acme-th")
    assert result.code == 0, result.err
    assert status(run)["counted_videos"] == ["x1"]


def test_an_unknown_field_in_import_columns_is_refused_with_key_and_line(run) -> None:  # type: ignore[no-untyped-def]
    run.shops.write_text(SHOPS + '[import.columns]\n"编号" = "video"\n', encoding="utf-8")
    result = run("status")
    assert result.code == 2
    assert "import.columns.编号 (line 6)" in result.err
    assert "'id', 'posted_at', 'products', 'title'" in result.err


def test_a_file_that_is_not_a_workbook_is_bad_input(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    result = run("videos", "import", str(path), "--shop", "acme-th")
    assert result.code == 2
    assert f"{path}: not a readable .xlsx workbook" in result.err


def test_import_help_says_what_files_headers_and_times_are_read(cli, capsys) -> None:  # type: ignore[no-untyped-def]
    assert cli("cadence", "videos", "import", "--help").code == 0
    text = " ".join(capsys.readouterr().out.split())
    for said in (".xlsx", "视频ID / Video ID", "[import.columns]", "ISO 8601", "YYYY/MM/DD HH:MM"):
        assert said in text, said
    assert "Excel date cell or serial number; without an offset, the shop's time" in text
    assert "added, updated or unchanged" in text


def test_a_formula_saved_without_its_value_is_named_as_such(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # openpyxl, like the scripts sellers' tools are, saves formulas without their values
    path = workbook(
        tmp_path / "v.xlsx",
        [
            ["id", "posted_at", "products", "title"],
            ["a1", datetime(2026, 11, 23, 20, 0), None, "no products: fine"],
            ['=CONCAT("a","2")', datetime(2026, 11, 24, 20, 0), "P1", "a formula id"],
            [None, datetime(2026, 11, 24, 21, 0), "P1", "no id at all"],
        ],
        title="作品",
    )
    result = run("videos", "import", str(path), "--shop", "acme-th", "--json")
    assert result.code == 1
    assert result.err.splitlines() == [
        f"{path}:作品:3: id is a formula without a saved value: open the file in Excel and save it",
        f"{path}:作品:4: id is empty",
        f"note: {path}: read its first sheet '作品' only; it also has '说明': give --sheet "
        "NAME to read another",
    ]
    assert json.loads(result.out)["added"] == 1


def test_a_workbook_of_one_sheet_per_shop_is_read_from_the_sheet_named(  # type: ignore[no-untyped-def]
    run, tmp_path: Path
) -> None:
    path = tmp_path / "shops.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "acme-my"
    book.active.append(["id", "posted_at", "products", "title"])
    book.active.append(["my1", "2026/11/24 10:00", "P1", ""])
    th = book.create_sheet("acme-th")
    th.append(["id", "posted_at", "products", "title"])
    th.append(["th1", "2026/11/24 10:00", "P1", ""])
    book.save(path)
    result = run("videos", "import", str(path), "--shop", "acme-th", "--sheet", "acme-th")
    assert result.code == 0 and "note:" not in result.err, result.err
    assert status(run)["counted_videos"] == ["th1"]
    wrong = run("videos", "import", str(path), "--shop", "acme-th", "--sheet", "acme-vn")
    assert wrong.code == 2
    assert f"{path}: no sheet named 'acme-vn'; its sheets are 'acme-my', 'acme-th'" in wrong.err


def test_a_workbook_that_expands_to_too_many_rows_is_refused_and_nothing_stored(  # type: ignore[no-untyped-def]
    run, tmp_path: Path
) -> None:
    run.shops.write_text(SHOPS + "[import]\nmax_rows = 50\n", encoding="utf-8")
    rows: list[list[object]] = [["id", "posted_at", "products", "title"]]
    rows += [[f"v{i}", "2026/11/24 10:00", "P1", ""] for i in range(51)]
    path = workbook(tmp_path / "big.xlsx", rows)
    result = run("videos", "import", str(path), "--shop", "acme-th")
    assert result.code == 2
    assert result.err.strip() == (
        f"error: {path}: more than 50 rows; split it into files of at most 50 rows, or raise "
        "[import] max_rows in the shops file"
    )
    assert status(run)["counted_videos"] == []


def test_many_skipped_rows_are_summed_up_after_the_first_few(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "v.csv"
    path.write_text(
        "id,posted_at,products,title\n" + "".join(f"v{i},never,P1,\n" for i in range(500)),
        encoding="utf-8",
    )
    result = run("videos", "import", str(path), "--shop", "acme-th", "--json")
    assert result.code == 1
    lines = result.err.splitlines()
    assert len(lines) == 21 and lines[0].startswith(f"{path}:2: posted_at 'never' is not")
    assert lines[-1] == "... and 480 more rows with the same problem; --json lists every one"
    assert len(json.loads(result.out)["problems"]) == 500
