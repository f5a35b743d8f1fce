"""The tables sellers hand us (CSV, Excel workbooks, or JSON lists of objects), read one way
for every importer: the caller declares its columns, every row knows where it is in the
file, and a row that cannot be used becomes one RowProblem while the rest go on."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Literal, TypeVar

from config.errors import BadInput
from config.files import read_bytes, read_text
from config.i18n import SEMICOLON, Joined, Msg, Text, msg

T = TypeVar("T")
DEFAULT_LIMIT = 10_000  # characters in one field, unless the columns say otherwise
# Rows of one file, unless [import] max_rows says otherwise: far more than a shop's videos
# or listings, far fewer than the million a 700 KB workbook can expand to.
MAX_ROWS = 100_000
# A workbook is a zip: what its members would expand to is checked before anything is
# unpacked. Sheets compress some 15:1; a zip bomb 1,000:1.
MAX_WORKBOOK_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


@dataclass(frozen=True)
class Place:
    """Where a row is in a file: its first physical line (CSV), its sheet and row number
    (a workbook, rows numbered as Excel shows them), or its index in a list (JSON items,
    counted from 0 as JSON tools count them), named `kind` ('item', 'tu')."""

    file: str
    line: int | None = None
    item: int | None = None
    kind: str = "item"
    sheet: str | None = None

    def __str__(self) -> str:
        if self.line is not None and self.sheet is not None:
            return f"{self.file}:{self.sheet}:{self.line}"
        if self.line is not None:
            return f"{self.file}:{self.line}"
        if self.item is not None:
            return f"{self.file}: {self.kind} {self.item}"
        return self.file

    @property
    def said(self) -> Msg:
        """str(self) for people, in their language when shown."""
        if self.line is not None and self.sheet is not None:
            return msg("{file}:{sheet}:{line}", file=self.file, sheet=self.sheet, line=self.line)
        if self.line is not None:
            return msg("{file}:{line}", file=self.file, line=self.line)
        if self.item is not None:
            return msg("{file}: {what}", file=self.file, what=self._item())
        return msg("{file}", file=self.file)

    def _item(self) -> Msg:
        """The item's kind and index ('item 3'), in words people read."""
        if self.kind == "tu":  # TMX's own name for a translation unit
            return msg("tu {item}", item=self.item)
        if self.kind == "video":
            return msg("video {item}", item=self.item)
        if self.kind == "page":
            return msg("page {item}", item=self.item)
        return msg("item {item}", item=self.item)

    @property
    def spot(self) -> Msg:
        """The place within its file, for messages such as 'repeats line 2'."""
        if self.line is not None and self.sheet is not None:
            return msg("row {line}", line=self.line)
        if self.line is not None:
            return msg("line {line}", line=self.line)
        return self._item() if self.item is not None else msg("the file")

    def problem(self, message: Text) -> RowProblem:
        """This row was skipped, and why."""
        return RowProblem(self, message)


@dataclass(frozen=True)
class RowProblem:
    """A row (or item, or unit) that was skipped, and why; str() is the line users see."""

    place: Place
    message: Text  # a Msg where the reason is in the catalogs; English text otherwise

    @property
    def file(self) -> str:
        """The file the row is in."""
        return self.place.file

    @property
    def line(self) -> int | None:
        """The row's first physical line, when the file has lines."""
        return self.place.line

    @property
    def item(self) -> int | None:
        """The item's index, when the file is a list of items."""
        return self.place.item

    def __str__(self) -> str:
        return f"{self.place}: {self.message}"

    @property
    def text(self) -> Msg:
        """The line users see, in their language when shown."""
        return msg("{place}: {problem}", place=self.place.said, problem=self.message)

    def as_dict(self) -> dict[str, Any]:
        """For --json (a workbook's rows also name their `sheet`)."""
        found: dict[str, Any] = {"file": self.file, "line": self.line, "item": self.item}
        if self.place.sheet is not None:
            found["sheet"] = self.place.sheet
        return found | {"where": str(self.place), "message": str(self.message)}


def in_order(problems: Iterable[RowProblem]) -> list[RowProblem]:
    """Problems in the order of the file (by line, else by item)."""
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.item or 0))


def header_name(text: str) -> str:
    """A column name as we compare it: without BOM and surrounding blanks, lower case."""
    return text.replace("\ufeff", "").strip().lower()


@dataclass(frozen=True)
class Columns:
    """The columns (or JSON keys) an importer takes: required, optional, the other names
    sellers' tools give them, what to do with others, and how long a field may be."""

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    aliases: Mapping[str, str] = field(default_factory=dict)  # their header -> our field
    others: Literal["ignore", "refuse"] = "ignore"
    limits: Mapping[str, int] = field(default_factory=dict)  # characters; else DEFAULT_LIMIT
    multiline: frozenset[str] = frozenset()  # fields that may hold line breaks
    # A CSV row with fewer fields than the header is cut short (an empty value still has
    # its comma), unless the format says trailing columns may be left off.
    short_rows: bool = False

    @property
    def known(self) -> tuple[str, ...]:
        """Every field, required first."""
        return self.required + self.optional

    def field_for(self, header: str) -> str | None:
        """Our field for one of their headers, or None when it is none of ours."""
        name = header_name(header)
        if name in self.known:
            return name
        aliases = {header_name(k): v for k, v in self.aliases.items()}
        return aliases.get(name)

    def limit(self, name: str) -> int:
        """How many characters the field may hold."""
        return self.limits.get(name, DEFAULT_LIMIT)

    def describe(self, word: str = "columns") -> Msg:
        """What the file must hold, for messages."""
        required = list(self.required)
        if word == "keys":
            if self.optional:
                return msg(
                    "the keys are {required} (optional: {optional})",
                    required=required,
                    optional=list(self.optional),
                )
            return msg("the keys are {required}", required=required)
        if self.optional:
            return msg(
                "the columns are {required} (optional: {optional})",
                required=required,
                optional=list(self.optional),
            )
        return msg("the columns are {required}", required=required)


@dataclass(frozen=True)
class Row:
    """One row's values by our field names, and where it is."""

    place: Place
    values: Mapping[str, Any]

    def value(self, name: str) -> Any:
        """A field as the file holds it: text, or from a workbook a number or datetime."""
        return self.values.get(name)

    def text(self, name: str) -> str:
        """A field as text, stripped; '' when absent; ValueError for JSON that is not text
        (an integer is taken as its digits, `true` is not)."""
        value = self.values.get(name)
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise ValueError(
                msg("{name} must be text, not {kind}", name=name, kind=_json_kind(value))
            )
        return str(value).strip()


def _json_kind(value: Any) -> Msg:
    if isinstance(value, bool):
        return msg("true or false")
    if isinstance(value, (int, float)):
        return msg("a number")
    return msg("a list") if isinstance(value, list) else msg("an object")


def reason(exc: Exception) -> Text:
    """A ValueError's message as raised: a Msg stays one (str() would make it English)."""
    said = exc.args[0] if len(exc.args) == 1 else None
    return said if isinstance(said, Msg) else str(exc)


def too_many_rows(name: str, max_rows: int) -> Msg:
    """The message for a file of more rows than are read."""
    return msg(
        "{name}: more than {max_rows:,} rows; split it into files of at most {max_rows:,} "
        "rows, or raise [import] max_rows in the shops file",
        name=name,
        max_rows=max_rows,
    )


@dataclass
class Table:
    """The rows of a file that could be read, and the problems of those that could not."""

    file: str
    rows: list[Row]
    problems: list[RowProblem]
    notes: list[Text] = field(default_factory=list)  # worth saying, not a skipped row
    max_rows: int = MAX_ROWS

    def count(self) -> None:
        """One more row read; BadInput once there are more than `max_rows`, so that a file
        which expands to a million rows is refused before they are read."""
        if len(self.rows) + len(self.problems) >= self.max_rows:
            raise BadInput(too_many_rows(self.file, self.max_rows))

    def records(
        self,
        build: Callable[[Row], T],
        *,
        key: Callable[[T], str] | None = None,
        what: str = "",
    ) -> tuple[list[tuple[Place, T]], list[RowProblem]]:
        """Each row built into a record (a ValueError skips the row with its message);
        with `key`, a record whose key repeats an earlier one's is skipped too."""
        records: list[tuple[Place, T]] = []
        problems = list(self.problems)
        seen: dict[str, Place] = {}
        for row in self.rows:
            try:
                record = build(row)
            except ValueError as exc:
                problems.append(row.place.problem(reason(exc)))
                continue
            if key is not None:
                value = key(record)
                if value in seen:
                    problems.append(
                        row.place.problem(
                            msg(
                                "{what} {value!r} repeats {spot}",
                                what=what,
                                value=value,
                                spot=seen[value].spot,
                            )
                        )
                    )
                    continue
                seen[value] = row.place
            records.append((row.place, record))
        return records, in_order(problems)


def read_table(
    path: Path,
    columns: Columns,
    *,
    json_key: str | None = None,
    workbooks: bool = False,
    sheet: str | None = None,
    max_rows: int = MAX_ROWS,
) -> Table:
    """The rows of a CSV file, with `workbooks` also of an .xlsx workbook's sheet (`sheet`,
    else its first), with `json_key` also of a JSON list of objects (or {json_key: [...]});
    BadInput when the file as a whole cannot be used or holds more than `max_rows` rows."""
    if workbooks and path.suffix.lower() in WORKBOOK_SUFFIXES:
        return _workbook_table(path, columns, sheet, max_rows)
    if sheet is not None:
        raise BadInput(
            msg(
                "{path}: --sheet {sheet!r} names a sheet of a workbook (.xlsx), and this file "
                "is not one; leave --sheet out",
                path=str(path),
                sheet=sheet,
            )
        )
    text = read_text(path)
    if json_key is not None and (
        path.suffix.lower() == ".json" or text.lstrip().startswith(("[", "{"))
    ):
        return _json_table(str(path), text, columns, json_key, max_rows)
    return _csv_table(str(path), text, columns, max_rows)


def _csv_table(name: str, text: str, columns: Columns, max_rows: int) -> Table:
    # No field may be refused by the csv module itself: over-long ones are reported per row.
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    records = _csv_records(text, _delimiter(text))
    fields = _csv_header(name, records, columns)
    table = Table(name, [], [], max_rows=max_rows)
    for start, end, cells in records:
        if isinstance(cells, csv.Error):
            table.problems.append(Place(name, start).problem(_quote_problem(cells, start, end)))
        elif cells and not (len(cells) == 1 and not cells[0].strip()):
            _add(
                table, Place(name, start), _csv_values(cells, fields, columns, start, end), columns
            )
    return table


def _delimiter(text: str) -> str:
    """The comma, unless the header holds none and is separated by semicolons (Excel's CSV
    where the decimal mark is a comma) or tabs (Excel's "Unicode text")."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    if "," in header:
        return ","
    return max((";", "\t"), key=header.count) if (";" in header or "\t" in header) else ","


def _csv_records(text: str, delimiter: str) -> Iterator[tuple[int, int, list[str] | csv.Error]]:
    """(first line, last line, fields or the quoting error) of each record."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True, delimiter=delimiter)
    while True:
        start = reader.line_num + 1
        try:
            cells: list[str] | csv.Error = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            cells = exc
        yield start, reader.line_num, cells


def _quote_problem(error: csv.Error, start: int, end: int) -> Msg:
    if end > start:
        lines = msg("lines {start}-{end}", start=start, end=end)
    else:
        lines = msg("line {start}", start=start)
    if "unexpected end of data" in str(error):
        return msg(
            "a quoted field that starts on this row is never closed, so {lines} (to the end "
            "of the file) were read as one field; close the quote",
            lines=lines,
        )
    return msg(
        "the quotes do not pair up ({error}); {lines} skipped; check the quotes",
        error=str(error),
        lines=lines,
    )


def _csv_header(
    name: str, records: Iterator[tuple[int, int, list[str] | csv.Error]], columns: Columns
) -> list[str | None]:
    for start, _, cells in records:
        if isinstance(cells, csv.Error):
            raise BadInput(
                msg(
                    "{name}:{start}: the header cannot be read: {error}",
                    name=name,
                    start=start,
                    error=str(cells),
                )
            )
        if any(c.strip() for c in cells):
            return _fields(name, cells, columns, "columns")
    raise BadInput(msg("{name}: is empty; {columns}", name=name, columns=columns.describe()))


def _fields(name: str, header: list[str], columns: Columns, word: str) -> list[str | None]:
    """Our field for each of their columns (None: not ours); BadInput for a header that
    lacks required columns, repeats one, or names others when those are refused."""
    fields = [columns.field_for(h) if header_name(h) else None for h in header]
    unknown = [h for h, f in zip(header, fields, strict=True) if f is None and header_name(h)]
    missing = [c for c in columns.required if c not in fields]
    problems: list[Msg] = []
    if missing:
        problems.append(msg("missing column(s) {names}", names=missing))
    if unknown and columns.others == "refuse":
        problems.append(msg("unknown column(s) {names}", names=[header_name(h) for h in unknown]))
    for f in sorted({f for f in fields if f is not None and fields.count(f) > 1}):
        given = [repr(h.strip()) for h, g in zip(header, fields, strict=True) if g == f]
        problems.append(msg("{given} all give {field}: name it once", given=given, field=f))
    if problems:
        found: object = [header_name(h) for h in header if header_name(h)] or msg("nothing")
        raise BadInput(
            msg(
                "{name}: {problems}; {columns}; found: {found}",
                name=name,
                problems=Joined(problems, SEMICOLON),
                columns=columns.describe(word),
                found=found,
            )
        )
    return fields


def _csv_values(
    cells: list[str], fields: list[str | None], columns: Columns, start: int, end: int
) -> dict[str, Any] | Msg:
    """The row's values by field, or why the row cannot be used."""
    if len(cells) > len(fields):
        return msg(
            "more fields than the header has columns ({fields} fields, "
            "{columns} columns); a comma in a value needs the value in quotes",
            fields=len(cells),
            columns=len(fields),
        )
    left_off = [f for f in fields[len(cells) :] if f is not None]
    if left_off and not columns.short_rows:
        return msg(
            "fewer fields than the header has columns ({fields} fields, {columns} "
            "columns: no {missing}); an empty value still needs its comma",
            fields=len(cells),
            columns=len(fields),
            missing=left_off,
        )
    values = {f: cell for f, cell in zip(fields, cells, strict=False) if f is not None}
    for f, value in values.items():
        if f not in columns.multiline and ("\n" in value or "\r" in value):
            # Lines that read like rows of their own (a delimiter in them) were swallowed by
            # a quote left open; without one, the value itself has a line break inside
            # properly paired quotes (an image path pasted with a newline).
            later = value.splitlines()[1:]
            if any(d in line for line in later for d in ",;\t"):
                return msg(
                    "{field} runs over lines {start}-{end}: a quote is probably not closed; "
                    "lines {start}-{end} skipped",
                    field=f,
                    start=start,
                    end=end,
                )
            return msg(
                "{field} has a line break inside its quotes (lines {start}-{end}), and "
                "{field} takes one line: remove the line break; lines {start}-{end} skipped",
                field=f,
                start=start,
                end=end,
            )
    return values


def _add(table: Table, place: Place, values: dict[str, Any] | Msg, columns: Columns) -> None:
    """Checks every importer wants (NUL, length) before the row goes to the importer."""
    table.count()
    if isinstance(values, Msg):
        table.problems.append(place.problem(values))
        return
    for f, value in values.items():
        strings = value if isinstance(value, list) else [value]
        if any(isinstance(s, str) and "\x00" in s for s in strings):
            table.problems.append(
                place.problem(
                    msg(
                        "{field} contains a NUL character (byte 0), which cannot be stored; "
                        "remove it",
                        field=f,
                    )
                )
            )
            return
        if isinstance(value, list):  # JSON: a list of texts is as long as its texts together
            length = sum(len(s) for s in value if isinstance(s, str))
        elif isinstance(value, (str, int)) and not isinstance(value, bool):
            length = len(str(value))
        else:
            continue
        if length > columns.limit(f):
            table.problems.append(
                place.problem(
                    msg(
                        "{field} is {length:,} characters; at most {limit:,}",
                        field=f,
                        length=length,
                        limit=columns.limit(f),
                    )
                )
            )
            return
    table.rows.append(Row(place, values))


def _json_table(name: str, text: str, columns: Columns, key: str, max_rows: int) -> Table:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInput(
            msg(
                "{name}: not valid JSON: {error} (line {line}, column {column})",
                name=name,
                error=exc.msg,
                line=exc.lineno,
                column=exc.colno,
            )
        ) from None
    except RecursionError:
        raise BadInput(
            msg("{name}: JSON nested too deeply to be a list of {key}", name=name, key=key)
        ) from None
    except ValueError as exc:  # e.g. an integer of more digits than Python converts
        raise BadInput(msg("{name}: not usable JSON: {error}", name=name, error=str(exc))) from None
    if isinstance(data, dict) and isinstance(data.get(key), list):
        data = data[key]
    if not isinstance(data, list):
        raise BadInput(
            msg('{name}: expected a JSON list of {key} (or {{"{key}": [...]}})', name=name, key=key)
        )
    table = Table(name, [], [], max_rows=max_rows)
    for i, item in enumerate(data):
        place = Place(name, item=i)
        values = _json_values(item, columns) if isinstance(item, dict) else msg("not a JSON object")
        _add(table, place, values, columns)
    return table


def _json_values(item: dict[str, Any], columns: Columns) -> dict[str, Any] | Msg:
    values: dict[str, Any] = {}
    unknown = []
    for k, v in item.items():
        f = columns.field_for(k)
        if f is None:
            unknown.append(k)
        elif f in values:
            return msg("{key!r} gives {field} a second time", key=k, field=f)
        else:
            values[f] = v
    if unknown and columns.others == "refuse":
        return msg(
            "unknown key(s) {keys}; {described}",
            keys=sorted(unknown),
            described=columns.describe("keys"),
        )
    return values


def _workbook_table(path: Path, columns: Columns, wanted: str | None, max_rows: int) -> Table:
    """A worksheet of a workbook (`wanted`, else the first): its first non-empty row is the
    header; cells keep their types (numbers, datetimes) for the importer to read, as Excel
    shows them. Rows are streamed (read-only), never the whole sheet held at once."""
    import openpyxl

    name = str(path)
    data = read_bytes(path)
    _check_expansion(name, data, max_rows)
    # A damaged workbook fails in many ways (zip, XML, openpyxl's own checks), also while
    # its rows are read: each becomes one message naming the file.
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - see above
        raise BadInput(unreadable_workbook(name, exc)) from None
    try:
        if not book.worksheets:
            raise BadInput(
                msg("{name}: has no worksheet; {columns}", name=name, columns=columns.describe())
            )
        titles = [s.title for s in book.worksheets]
        if wanted is None:
            index = 0
        elif wanted in titles:
            index = titles.index(wanted)
        else:
            raise BadInput(
                msg(
                    "{name}: no sheet named {wanted!r}; its sheets are {sheets}",
                    name=name,
                    wanted=wanted,
                    sheets=_listed(titles),
                )
            )
        sheet = book.worksheets[index]
        sheet.reset_dimensions()  # some tools write wrong dimensions: read every row there is
        formulas = _Formulas(data, index)
        try:
            table = _sheet_rows(name, sheet, columns, formulas, max_rows)
        finally:
            formulas.close()
        if wanted is None and len(titles) > 1:
            table.notes.append(
                msg(
                    "{name}: read its first sheet {first!r} only; it also has "
                    "{others}: give --sheet NAME to read another",
                    name=name,
                    first=titles[0],
                    others=_listed(titles[1:]),
                )
            )
        return table
    except BadInput:
        raise
    except Exception as exc:  # noqa: BLE001 - see above
        raise BadInput(
            msg("{name}: a damaged workbook ({problem})", name=name, problem=_excel_problem(exc))
        ) from None
    finally:
        book.close()


_ROW_ELEMENT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row(?:\s[^<>]*)?(?<!/)>")


def _row_elements(book: Any, member: Any, enough: int) -> int:
    """How many <row> elements with cells a worksheet part holds (an empty, formatted row
    is written <row .../>), read in chunks, up to a little past `enough`; counted exactly
    only when a quick count of '<row' and ':row', which bounds it from above, passes it."""
    with book.open(member) as part:
        tags, tail = 0, b""
        while chunk := part.read(1 << 20):
            text = tail + chunk
            tags += text.count(b"<row") + text.count(b":row") - tail.count(b"<row")
            tags -= tail.count(b":row")
            tail = text[-8:]
    if tags <= enough:
        return tags
    count, tail = 0, b""
    with book.open(member) as part:
        while count <= enough and (chunk := part.read(1 << 20)):
            text = tail + chunk
            cut = text.rfind(b"<")  # a tag cut at the chunk's end is counted with the next
            cut = cut if cut >= 0 and b">" not in text[cut:] else len(text)
            count += len(_ROW_ELEMENT.findall(text, 0, cut))
            tail = text[cut:]
    return count + len(_ROW_ELEMENT.findall(tail))


def _listed(titles: list[str]) -> list[str]:
    """Sheet titles quoted, to be shown as a list."""
    return [repr(t) for t in titles]


def _check_expansion(name: str, data: bytes, max_rows: int) -> None:
    """BadInput when the workbook's members would expand past MAX_WORKBOOK_BYTES, or one
    expands more than MAX_RATIO times its packed size (a zip bomb), or a worksheet holds
    more than `max_rows` rows (after a header). The sizes the zip declares are binding:
    Python's zip reader stops at a member's declared size."""
    import zipfile

    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        members = book.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise BadInput(unreadable_workbook(name, exc)) from None
    total = sum(m.file_size for m in members)
    if total > MAX_WORKBOOK_BYTES:
        raise BadInput(
            msg(
                "{name}: unpacks to {total:,} bytes; workbooks of at most "
                "{most:,} unpacked are read: split it, or save it as CSV UTF-8",
                name=name,
                total=total,
                most=MAX_WORKBOOK_BYTES,
            )
        )
    for member in members:
        if member.file_size > 1024 * 1024 and member.file_size > MAX_RATIO * max(
            member.compress_size, 1
        ):
            raise BadInput(
                msg(
                    "{name}: its part {part!r} unpacks {size:,} bytes from "
                    "{packed:,}, more than {ratio} times, which no spreadsheet "
                    "does (a zip bomb?); open it in Excel and save it again, or save it as "
                    "CSV UTF-8",
                    name=name,
                    part=member.filename,
                    size=member.file_size,
                    packed=member.compress_size,
                    ratio=MAX_RATIO,
                )
            )
    # openpyxl reads a whole sheet at opening when it does not say its size (no <dimension>):
    # a million rows took two minutes before the first could be refused. Counting the row
    # elements first takes a second.
    for member in members:
        if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml"):
            try:
                rows = _row_elements(book, member, max_rows + 1)
            except Exception:  # noqa: BLE001 - damaged, encrypted, an unknown packing: openpyxl
                continue  # says so below, naming the file
            if rows > max_rows + 1:
                raise BadInput(too_many_rows(name, max_rows))


def _excel_problem(exc: Exception) -> Msg:
    return msg(
        "{error}; open it in Excel and save it again as .xlsx, or as CSV UTF-8",
        error=type(exc).__name__,
    )


def unreadable_workbook(name: str, exc: Exception) -> Msg:
    """The message for a file that is no workbook openpyxl can open."""
    return msg(
        "{name}: not a readable .xlsx workbook ({problem})", name=name, problem=_excel_problem(exc)
    )


class _Formulas:
    """Where the worksheet read holds formulas, read only when an empty cell is met: a
    formula saved without its value (a file written by a script, not Excel) reads as empty
    with data_only, and "id is empty" would send the seller looking in the wrong place.
    Read as far as the row asked about, no further: the rows read stay bounded by
    max_rows (scanning the whole sheet at the first empty cell took most of a minute)."""

    def __init__(self, data: bytes, sheet: int = 0) -> None:
        self.data = data
        self.sheet = sheet
        self.cells: dict[int, set[int]] = {}  # row number -> its formula columns
        self.book: Any = None
        self.rows: Iterator[tuple[int, Any]] | None = None
        self.read_to = 0  # the last row number read

    def at(self, row: int, column: int) -> bool:
        """Whether the cell (both 1-based) holds a formula."""
        if self.rows is None:
            import openpyxl

            self.book = openpyxl.load_workbook(io.BytesIO(self.data), read_only=True)
            self.rows = enumerate(self.book.worksheets[self.sheet].iter_rows(), start=1)
        while self.read_to < row:
            try:
                number, cells = next(self.rows)
            except StopIteration:
                self.read_to = row
                break
            self.read_to = number
            found = {
                i for i, c in enumerate(cells, start=1) if getattr(c, "data_type", None) == "f"
            }
            if found:
                self.cells[number] = found
        return column in self.cells.get(row, set())

    def close(self) -> None:
        """Let go of the second reading of the workbook, if one was opened."""
        if self.book is not None:
            self.book.close()


def _sheet_rows(
    name: str, sheet: Any, columns: Columns, formulas: _Formulas, max_rows: int
) -> Table:
    table = Table(name, [], [], max_rows=max_rows)
    fields: list[str | None] | None = None
    for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
        values = [_cell(c) for c in cells]
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        if fields is None:
            header = [v if isinstance(v, str) else "" if v is None else str(v) for v in values]
            fields = _fields(f"{name}:{sheet.title}", header, columns, "columns")
            continue
        place = Place(name, number, sheet=sheet.title)
        if any(v not in (None, "") for v in values[len(fields) :]):
            _add(table, place, msg("more cells than the header has columns"), columns)
            continue
        unsaved = [
            f
            for i, (f, v) in enumerate(zip(fields, values, strict=False), start=1)
            if f and v is None and formulas.at(number, i)
        ]
        if unsaved:
            said = msg(
                "{field} is a formula without a saved value: open the file in Excel and save it",
                field=unsaved[0],
            )
            _add(table, place, said, columns)
            continue
        _add(table, place, {f: v for f, v in zip(fields, values, strict=False) if f}, columns)
    if fields is None:
        raise BadInput(
            msg(
                "{name}:{sheet}: is empty; {columns}",
                name=name,
                sheet=sheet.title,
                columns=columns.describe(),
            )
        )
    return table


def _cell(value: Any) -> Any:
    """A cell as importers take it: text, an integer, a float, or a datetime."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (str, int, float, datetime)) or value is None:
        return value
    if isinstance(value, date):  # a date alone: its midnight
        return datetime.combine(value, time(0))
    return str(value)  # a time of day, a duration: shown as text
