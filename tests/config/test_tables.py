"""The one reader of sellers' tables: columns, places, and every bad row as a RowProblem."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from config.errors import AppError, BadInput
from config.tables import Columns, Place, Row, read_table

COLUMNS = Columns(
    required=("id", "posted_at"),
    optional=("title",),
    aliases={"视频ID": "id", "发布时间": "posted_at"},
    limits={"id": 8},
    multiline=frozenset({"title"}),
)
STRICT = Columns(required=("id",), optional=("title",), others="refuse")


def table(tmp_path: Path, name: str, content: str | bytes, columns: Columns = COLUMNS):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return read_table(path, columns, json_key="videos"), str(path)


def test_headers_are_normalised_and_aliased(tmp_path: Path) -> None:
    found, _ = table(tmp_path, "v.csv", "\ufeff 视频ID ,发布时间, Title ,extra\n1,2,3,4\n")
    assert [dict(r.values) for r in found.rows] == [{"id": "1", "posted_at": "2", "title": "3"}]


def test_rows_keep_their_physical_lines(tmp_path: Path) -> None:
    found, path = table(tmp_path, "v.csv", 'id,posted_at,title\n\n1,a,"two\nlines"\n\n2,b,c\n')
    assert [r.place.line for r in found.rows] == [3, 6]
    assert str(found.rows[1].place) == f"{path}:6"


@pytest.mark.parametrize(
    ("content", "line", "problem"),
    [
        ('id,posted_at,title\n1,a,"open\n2,b,c\n3,d,e\n', 2, "never closed, so lines 2-4"),
        ('id,posted_at\n1,"a\n2,"b"\n', 2, "the quotes do not pair up"),
        ('id,posted_at,title\n1,"a\nb",c\n', 2, "posted_at has a line break inside its quotes"),
        ('id,posted_at,title\n1,"a\n2,b",c\n', 2, "a quote is probably not closed"),
        ("id,posted_at\n1,a,extra\n", 2, "more fields than the header has columns"),
        ("id,posted_at,title\n1,a,b\n2,b\n", 3, "fewer fields than the header has columns"),
        ("id,posted_at\n1,a\x00b\n", 2, "posted_at contains a NUL character"),
        ("id,posted_at\n123456789,a\n", 2, "id is 9 characters; at most 8"),
        ("id,posted_at,title\n1,a," + "x" * 200_000 + "\n", 2, "title is 200,000 characters"),
    ],
    ids=[
        "unclosed-quote",
        "unpaired-quote",
        "line-break-in-quotes",
        "swallowed-line",
        "extra",
        "short",
        "nul",
        "long",
        "huge",
    ],
)
def test_each_bad_csv_row_is_one_problem_on_its_line(
    tmp_path: Path, content: str, line: int, problem: str
) -> None:
    found, path = table(tmp_path, "v.csv", content)
    assert [str(p) for p in found.problems if problem in p.message] != []
    [bad] = [p for p in found.problems if problem in p.message]
    assert bad.line == line and str(bad).startswith(f"{path}:{line}: ")


def test_an_unclosed_quote_never_passes_as_one_good_row(tmp_path: Path) -> None:
    found, _ = table(tmp_path, "v.csv", 'id,posted_at,title\n1,a,"open\n2,b,c\n')
    assert found.rows == [] and len(found.problems) == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "is empty; the columns are id, posted_at"),
        ("\n\n", "is empty"),
        ("id,title\n", "missing column(s) posted_at"),
        ("id,ID,posted_at\n", "'id', 'ID' all give id"),
        ("视频ID,id,posted_at\n", "'视频ID', 'id' all give id"),
        ('"id,posted_at\n', "the header cannot be read"),
        ("[" * 100_000, "nested too deeply"),
        ('[{"id": 1,}]', "not valid JSON: Expecting property name"),
        ('{"id": 1}', 'expected a JSON list of videos (or {"videos": [...]})'),
        ("[" + "1" * 5000 + "]", "not usable JSON"),
    ],
)
def test_unusable_files_are_refused_whole(tmp_path: Path, content: str, message: str) -> None:
    name = "v.json" if content.startswith(("[", "{")) else "v.csv"
    with pytest.raises(BadInput) as caught:
        table(tmp_path, name, content)
    assert message in str(caught.value) and str(caught.value).startswith(str(tmp_path))


def test_json_items_are_numbered_and_checked(tmp_path: Path) -> None:
    items = [
        {"id": "1", "posted_at": "a"},
        "text",
        {"id": "1", "视频ID": "2"},
        {"id": "a\u0000b"},
        {"id": True, "posted_at": "b"},
    ]
    found, path = table(tmp_path, "v.json", json.dumps({"videos": items}))
    assert [str(p) for p in found.problems] == [
        f"{path}: item 1: not a JSON object",
        f"{path}: item 2: '视频ID' gives id a second time",
        f"{path}: item 3: id contains a NUL character (byte 0), which cannot be stored; remove it",
    ]
    records, problems = found.records(lambda row: row.text("id"))
    assert records == [(Place(path, item=0), "1")]
    assert str(problems[-1]) == f"{path}: item 4: id must be text, not true or false"


def test_unknown_keys_are_refused_when_the_columns_say_so(tmp_path: Path) -> None:
    found, path = table(tmp_path, "l.json", '[{"id": "1", "colour": "red"}]', STRICT)
    assert [p.message for p in found.problems] == [
        "unknown key(s) colour; the keys are id (optional: title)"
    ]
    with pytest.raises(BadInput, match="unknown column"):
        table(tmp_path, "l.csv", "id,colour\n1,red\n", STRICT)


def test_repeated_keys_are_skipped_naming_the_first(tmp_path: Path) -> None:
    found, path = table(tmp_path, "v.csv", "id,posted_at\n1,a\n2,b\n1,c\n")
    records, problems = found.records(lambda r: r.text("id"), key=str, what="video id")
    assert [p for p, _ in records] == [Place(path, 2), Place(path, 3)]
    assert [str(p) for p in problems] == [f"{path}:4: video id '1' repeats line 2"]


def test_a_row_problem_as_json_keeps_line_and_message(tmp_path: Path) -> None:
    problem = Place("v.csv", 3).problem("id is empty")
    assert problem.as_dict() == {
        "file": "v.csv",
        "line": 3,
        "item": None,
        "where": "v.csv:3",
        "message": "id is empty",
    }


CSV_TEXT = st.lists(
    st.sampled_from(list('abc,"\n\r\x00 ;id视频发布\ufeff') + ["posted_at", "title", "视频ID"]),
    max_size=60,
).map("".join)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)


def build(row: Row) -> tuple[str, str]:
    """What an importer does: read fields as text; ValueError for what is not text."""
    return row.text("id"), row.text("title")


def read_any(path: Path) -> None:
    try:
        found = read_table(path, COLUMNS, json_key="videos")
    except AppError as exc:
        assert str(exc).startswith(f"{path}")
        return
    records, problems = found.records(build, key=lambda r: r[0], what="id")
    for place, _ in records:
        assert place.file == str(path)
    for problem in problems:
        assert str(problem).startswith(f"{path}") and problem.message


@settings(max_examples=400, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(CSV_TEXT, CSV_TEXT.map(lambda t: "id,posted_at,title\n" + t)))
def test_any_csv_is_rows_or_problems_or_a_clean_refusal(tmp_path: Path, text: str) -> None:
    path = tmp_path / "any.csv"
    path.write_text(text, encoding="utf-8", newline="")
    read_any(path)


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(JSON_VALUES, st.lists(JSON_VALUES, max_size=5)))
def test_any_json_is_rows_or_problems_or_a_clean_refusal(tmp_path: Path, data: object) -> None:
    path = tmp_path / "any.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    read_any(path)


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=200))
def test_any_bytes_as_a_table_are_rows_or_problems_or_a_clean_refusal(
    tmp_path: Path, raw: bytes
) -> None:
    path = tmp_path / "any.json"
    path.write_bytes(raw)
    read_any(path)


def test_a_row_cut_short_is_refused_unless_the_format_lets_trailing_columns_go(
    tmp_path: Path,
) -> None:
    content = "id,posted_at,title\n1,a\n"
    strict, _ = table(tmp_path, "v.csv", content)
    lenient_columns = Columns(("id",), ("posted_at", "title"), short_rows=True)
    lenient, _ = table(tmp_path, "g.csv", content, lenient_columns)
    assert strict.rows == []
    assert "no title); an empty value still needs its comma" in str(strict.problems[0])
    assert [dict(r.values) for r in lenient.rows] == [{"id": "1", "posted_at": "a"}]


@pytest.mark.parametrize("separator", [";", "\t"], ids=["semicolons", "tabs"])
def test_excels_semicolon_and_tab_separated_files_are_read(tmp_path: Path, separator: str) -> None:
    rows = ["视频ID", "发布时间", "title"], ["1", "2026/11/26 21:00", "a, with a comma"]
    content = "\n".join(separator.join(r) for r in rows) + "\n"
    found, _ = table(tmp_path, "v.csv", content.encode("utf-16"))
    assert found.problems == []
    assert [dict(r.values) for r in found.rows] == [
        {"id": "1", "posted_at": "2026/11/26 21:00", "title": "a, with a comma"}
    ]


def workbook_bytes(sheets: dict[str, list[list[object]]]) -> bytes:
    import io

    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_declared_size(data: bytes, member: str, size: int) -> bytes:
    """The zip with `member`'s uncompressed size in the central directory set to `size`
    (what a forged archive declares; nothing that large is ever written)."""
    import struct

    name = member.encode()
    at = 0
    while True:
        at = data.index(b"PK\x01\x02", at)
        length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + length] == name:
            return data[: at + 24] + struct.pack("<I", size) + data[at + 28 :]
        at += 4


def test_a_workbook_that_unpacks_far_larger_than_it_is_refused_before_it_is_read(
    tmp_path: Path,
) -> None:
    import io
    import zipfile

    real = workbook_bytes({"v": [["id", "posted_at"], ["1", "a"]]})
    packed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(real)) as book, zipfile.ZipFile(packed, "w") as bomb:
        for member in book.infolist():
            data = book.read(member)
            if member.filename.endswith("sheet1.xml"):  # 8 MB of blanks inside the sheet
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * 8_000_000)
            bomb.writestr(member, data, compress_type=zipfile.ZIP_DEFLATED)
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(packed.getvalue())
    assert path.stat().st_size < 50_000
    with pytest.raises(BadInput) as caught:
        read_table(path, COLUMNS, workbooks=True)
    assert str(caught.value).startswith(f"{path}: its part 'xl/worksheets/sheet1.xml' unpacks")
    assert "a zip bomb?" in str(caught.value)
    declared = tmp_path / "declared.xlsx"
    declared.write_bytes(with_declared_size(real, "xl/worksheets/sheet1.xml", 4_000_000_000))
    with pytest.raises(BadInput, match=r"unpacks to 4,000,0\d\d,\d\d\d bytes; workbooks of at"):
        read_table(declared, COLUMNS, workbooks=True)


@pytest.mark.parametrize("suffix", [".csv", ".json", ".xlsx"])
def test_a_file_of_more_rows_than_allowed_is_refused_saying_how_to_go_on(
    tmp_path: Path, suffix: str
) -> None:
    rows = [["id", "posted_at"]] + [[str(i), "a"] for i in range(7)]
    path = tmp_path / f"v{suffix}"
    if suffix == ".xlsx":
        path.write_bytes(workbook_bytes({"v": rows}))
    elif suffix == ".json":
        path.write_text(json.dumps([dict(zip(rows[0], r, strict=True)) for r in rows[1:]]))
    else:
        path.write_text("\n".join(",".join(r) for r in rows) + "\n")
    read = {"workbooks": True, "json_key": "videos"}
    assert len(read_table(path, COLUMNS, max_rows=7, **read).rows) == 7  # type: ignore[arg-type]
    with pytest.raises(BadInput) as caught:
        read_table(path, COLUMNS, max_rows=6, **read)  # type: ignore[arg-type]
    assert str(caught.value) == (
        f"{path}: more than 6 rows; split it into files of at most 6 rows, "
        "or raise [import] max_rows in the shops file"
    )


def test_a_workbook_of_sheets_reads_the_one_named_and_names_the_others(tmp_path: Path) -> None:
    path = tmp_path / "shops.xlsx"
    path.write_bytes(
        workbook_bytes(
            {
                "acme-th": [["id", "posted_at"], ["th1", "a"]],
                "acme-my": [["id", "posted_at"], ["my1", "b"], ["my2", "c"]],
                "说明": [["notes"]],
            }
        )
    )
    first = read_table(path, COLUMNS, workbooks=True)
    assert [r.text("id") for r in first.rows] == ["th1"]
    assert first.notes == [
        f"{path}: read its first sheet 'acme-th' only; it also has 'acme-my', '说明': "
        "give --sheet NAME to read another"
    ]
    named = read_table(path, COLUMNS, workbooks=True, sheet="acme-my")
    assert [r.text("id") for r in named.rows] == ["my1", "my2"] and named.notes == []
    assert str(named.rows[0].place) == f"{path}:acme-my:2"
    with pytest.raises(BadInput) as caught:
        read_table(path, COLUMNS, workbooks=True, sheet="acme-vn")
    assert str(caught.value) == (
        f"{path}: no sheet named 'acme-vn'; its sheets are 'acme-th', 'acme-my', '说明'"
    )
    csv_file = tmp_path / "v.csv"
    csv_file.write_text("id,posted_at\n1,a\n")
    with pytest.raises(BadInput, match="--sheet 'acme-my' names a sheet of a workbook"):
        read_table(csv_file, COLUMNS, workbooks=True, sheet="acme-my")


def test_a_sheet_that_does_not_say_its_size_is_counted_before_openpyxl_reads_it(
    tmp_path: Path,
) -> None:
    import io
    import zipfile

    # openpyxl scans a whole sheet at opening when it has no <dimension>, and blank rows are
    # skipped unread: a million of them took two minutes, refused by nothing
    real = workbook_bytes({"v": [["id", "posted_at"], ["1", "a"]]})
    blank = '<x:row r="{0}"><x:c r="A{0}" t="inlineStr"><x:is><x:t> </x:t></x:is></x:c></x:row>'
    rows = "".join(blank.format(n) for n in range(2, 60))
    packed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(real)) as book, zipfile.ZipFile(packed, "w") as out:
        for member in book.infolist():
            data = book.read(member)
            if member.filename.endswith("sheet1.xml"):
                data = (
                    '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                    'main"><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>id'
                    f'</x:t></x:is></x:c></x:row>{rows}<x:row r="60"/></x:sheetData></x:worksheet>'
                ).encode()
            out.writestr(member, data, compress_type=zipfile.ZIP_DEFLATED)
    path = tmp_path / "big.xlsx"
    path.write_bytes(packed.getvalue())
    with pytest.raises(BadInput) as caught:
        read_table(path, Columns(("id",)), workbooks=True, max_rows=57)
    assert str(caught.value).startswith(f"{path}: more than 57 rows; split it")
    # 58 rows under the header: taken (an empty formatted row, <row/>, is not one of them)
    assert read_table(path, Columns(("id",)), workbooks=True, max_rows=58).rows == []


def test_a_workbook_whose_sheet_cannot_be_unpacked_is_refused_as_damaged(tmp_path: Path) -> None:
    import io
    import zipfile

    real = workbook_bytes({"v": [["id", "posted_at"], ["1", "a"]]})
    packed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(real)) as book, zipfile.ZipFile(packed, "w") as out:
        for member in book.infolist():
            out.writestr(member, book.read(member), compress_type=zipfile.ZIP_DEFLATED)
    data = bytearray(packed.getvalue())
    at = 0
    while (at := data.find(b"PK\x01\x02", at)) >= 0:  # every part marked encrypted
        data[at + 8] |= 1
        at += 4
    path = tmp_path / "locked.xlsx"
    path.write_bytes(bytes(data))
    with pytest.raises(BadInput, match=r"^.*locked.xlsx: not a readable .xlsx workbook"):
        read_table(path, COLUMNS, workbooks=True)
