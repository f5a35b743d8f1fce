"""Descriptions are HTML. One handling for them: nh3 (an allowlist sanitizer) keeps the tags
TikTok Shop allows and drops the rest (their text kept; scripts and styles with their
content); one parser splits a fragment into markup and text, for translation and checks."""

from __future__ import annotations

import html as htmllib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser

from config.i18n import Msg, msg

# TikTok Shop's description rules (Partner API 202309): these tags only, blocks not nested.
ALLOWED_TAGS = frozenset({"p", "img", "ul", "ol", "li", "br", "strong", "b", "i", "em", "u"})
# Tags a line of text runs on through (the sanitizer keeps the first five).
INLINE_TAGS = frozenset({"strong", "b", "i", "em", "u", "span", "font", "a", "small", "sup", "sub"})
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z][a-zA-Z0-9]*)")
BLOCK_TAGS = frozenset({"p", "ul", "ol"})
_VOID = frozenset({"br", "img"})
_DROP_WITH_CONTENT = frozenset({"script", "style", "template"})
# Block tags TikTok Shop does not take: dropped, their text goes into a paragraph of its own,
# not onto the end of the list or paragraph before it.
_DROPPED_BLOCKS = frozenset(
    {"div", "section", "article", "header", "footer", "main", "nav", "aside", "address"}
    | {"h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "figure", "figcaption"}
    | {"table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "dl", "dt", "dd"}
    | {"center", "hr", "form", "fieldset", "details", "summary"}
)
_BREAK = "\ue000"  # where a dropped block began or ended (a private-use character)
# A CDATA section, or one left open at the end: sellers paste it from XML and ERP exports.
# HTML has none outside SVG and MathML (a parser reads it as a comment and drops it, the
# description's words with it): its content is taken as the text it is.
_CDATA = re.compile(r"<!\[CDATA\[(.*?)(?:\]\]>|\Z)", re.S)


def _cdata_as_text(html: str) -> str:
    """The HTML with each CDATA section replaced by its content, escaped as text."""
    if "<![CDATA[" not in html:
        return html
    return _CDATA.sub(lambda m: htmllib.escape(m.group(1), quote=False), html)


# A numeric character reference as HTML reads it (the semicolon may be left out).
_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));?")


def reference_problem(html: str) -> Msg | None:
    """Why a description cannot be taken: the first numeric character reference in it that
    writes a control character (`&#27;` is an escape, as a raw one is) or no character at
    all (`&#0;`, `&#xD800;`: a parser makes them U+FFFD), as '&#27; at character 3: ...';
    None when there is none. A CDATA section's references are its text, not references."""
    from config.files import excerpt
    from config.terminal import control_character

    inside = [m.span() for m in _CDATA.finditer(html)] if "<![CDATA[" in html else []
    for m in _REFERENCE.finditer(html):
        if any(a <= m.start() < b for a, b in inside):
            continue
        digits = m.group(1) or m.group(2)
        code = int(digits, 16 if m.group(1) else 10) if len(digits) <= 8 else -1
        said = {"ref": excerpt(m.group(), 20, quoted=False), "n": m.start() + 1}
        if not 0 < code <= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return msg("{ref} at character {n}, which is no character", **said)
        # 128-159 are read as Windows-1252 (&#x80; is the euro sign), as browsers read them
        char = htmllib.unescape(m.group()) if 0x80 <= code <= 0x9F else chr(code)
        if control_character(char, lines=True):
            name = unicodedata.name(char, "a control character").lower()
            code = format(ord(char), "04X")
            return msg("{ref} at character {n}: U+{code} ({name})", code=code, name=name, **said)
    return None


@dataclass
class Fragment:
    """An HTML fragment split into markup and text pieces, with the tags it used."""

    parts: list[tuple[str, str]] = field(default_factory=list)  # ("tag" | "text", value)
    tags: list[str] = field(default_factory=list)  # every tag opened, in order
    nested: list[str] = field(default_factory=list)  # block tags opened inside a block
    dropped: list[str] = field(default_factory=list)  # tags the sanitizer removed
    reshaped: Reshaped | None = None  # what the sanitizer rebuilt to make it valid

    def texts(self) -> list[str]:
        """The text pieces that carry words, in order, without the whitespace around them
        nor a sub-item's mark first (they stay with the markup: `render` puts them back as
        they were; '– 防水' and '防水' are one text to the memory)."""
        return [core for k, v in self.parts if k == "text" and (core := _around(v)[1])]

    def meets(self) -> list[str | None]:
        """How each text piece of `texts` meets the next: None where a reader sees a gap
        between them (whitespace, a block, a line break, an image); where only inline tags
        are (`<b>限时特惠</b>，全场包邮`: two pieces a reader reads as one run), the side a
        space between them goes to stand outside those tags: "end" (of this piece: the
        next opens a tag) or "start" (of the next: this one closes a tag)."""
        out: list[str | None] = []
        pieces = 0
        between: list[str] | None = None  # the tags since the last piece; None: a gap
        for kind, value in self.parts:
            if kind == "tag":
                name = _TAG_NAME.match(value)
                inline = name is not None and name.group(1).lower() in INLINE_TAGS
                between = between + [value] if between is not None and inline else None
                continue
            lead, core, trail = _around(value)
            if not core:
                between = None if value else between
                continue
            if pieces:
                opens = bool(between) and not between[0].startswith("</")  # type: ignore[index]
                out.append(None if between is None or lead else "end" if opens else "start")
            pieces += 1
            between = None if trail else []
        return out

    def fill(self, pieces: list[str]) -> str:
        """The fragment with its text pieces (`texts`, in order) written as `pieces`,
        escaped again: a piece may read differently where it stands (`meets`)."""
        given = iter(pieces)
        return self.render(lambda _: next(given))

    def text(self) -> str:
        """The fragment's plain text (scripts and styles are not text)."""
        return "".join(v for k, v in self.parts if k == "text")

    @property
    def refused(self) -> list[str]:
        """Tags TikTok Shop does not take."""
        return [t for t in self.tags if t not in ALLOWED_TAGS]

    def render(self, translate: Callable[[str], str]) -> str:
        """The fragment with each text piece passed through `translate`, escaped again."""
        out = []
        for kind, value in self.parts:
            if kind == "tag":
                out.append(value)
            elif (split := _around(value))[1]:
                lead, core, trail = split
                out.append(lead + htmllib.escape(translate(core), quote=False) + trail)
            else:
                out.append(value)
        return "".join(out)


def _around(text: str) -> tuple[str, str, str]:
    """A text piece as (what goes before its words: whitespace and sub-item marks, its
    words, the whitespace after them)."""
    core = text.strip()
    while core.startswith(SUBITEM.strip()) and (core[1:2].isspace() or len(core) == 1):
        core = core[1:].lstrip()
    if not core:
        return text, "", ""
    start = text.index(core)
    return text[:start], core, text[start + len(core) :]


class _Splitter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fragment = Fragment()
        self.open: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.fragment.tags.append(tag)
        if tag in _DROP_WITH_CONTENT:
            self.skipping += 1
        if tag in BLOCK_TAGS and any(t in BLOCK_TAGS for t in self.open):
            self.fragment.nested.append(tag)
        if tag not in _VOID:
            self.open.append(tag)
        self.fragment.parts.append(("tag", self.get_starttag_text() or f"<{tag}>"))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and self.open and self.open[-1] == tag:
            self.open.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP_WITH_CONTENT:
            self.skipping = max(0, self.skipping - 1)
        if tag in self.open:
            while self.open and self.open.pop() != tag:
                pass
        if tag not in _VOID:
            self.fragment.parts.append(("tag", f"</{tag}>"))

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.fragment.parts.append(("text", data))


def parse(html: str) -> Fragment:
    """A fragment as it stands, every tag kept (what the checks look at)."""
    parser = _Splitter()
    parser.feed(_cdata_as_text(html))
    parser.close()
    return parser.fragment


def sanitize(html: str) -> str:
    """Only TikTok Shop's tags, only `img src` (http or https); other tags dropped with
    their text kept (a dropped block's text in a paragraph of its own, a table's rows each
    a paragraph), scripts and styles dropped with their content; blocks inside blocks made
    flat (`reshape`)."""
    return clean(html)[0]


def clean(html: str) -> tuple[str, Reshaped]:
    """`sanitize`'s HTML, and what was rebuilt to make it valid (for the findings)."""
    import nh3

    marker = _BlockMarker()
    marker.feed(_cdata_as_text(html.replace(_BREAK, "")))
    marker.close()
    cleaned = nh3.clean(
        marker.marked(),
        tags=set(ALLOWED_TAGS),
        attributes={"img": {"src"}},
        clean_content_tags=set(_DROP_WITH_CONTENT),
        url_schemes={"http", "https"},
        link_rel=None,
        strip_comments=True,
    )
    if _BREAK in cleaned:
        cleaned = _paragraphs(cleaned)
    reshaped = Reshaped(tables=marker.tables, table_headers=marker.paired)
    return prices_joined(reshape(cleaned, reshaped)), reshaped


# A yuan price split by inline formatting (`¥<b>99</b>`, `<b>99</b>元`): its sign is moved
# across the tags to its amount, which keeps the look the seller gave it (`<b>¥99</b>`).
# Sanitized HTML: the inline tags have no attributes, text is escaped (&nbsp; stays one).
_INLINE = r"</?(?:b|strong|i|em|u)>"
_OPENED = r"(?:<(?:b|strong|i|em|u)>)*"
_CLOSED = r"(?:</(?:b|strong|i|em|u)>)*"
_GAP = r"(?:\s|&nbsp;|&#160;)*"
_AMOUNT = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SIGN_FIRST = re.compile(
    rf"(?P<pre>{_OPENED})(?P<sign>(?:[¥￥]|(?<![A-Za-z])(?:RMB|CNY)){_GAP})"
    rf"(?P<run>(?:{_INLINE}{_GAP})+)(?=(?:{_AMOUNT}))"
)
_SIGN_AFTER = re.compile(
    rf"(?<![\d.,A-Za-z])(?P<amount>{_AMOUNT})(?P<run>(?:{_GAP}{_INLINE})+)"
    rf"(?P<sign>{_GAP}(?:元(?!素)|(?:RMB|CNY)(?![A-Za-z])))(?P<post>{_CLOSED})"
)
_NOTHING_IN = re.compile(r"<(b|strong|i|em|u)></\1>")


def prices_joined(cleaned: str) -> str:
    """Sanitized HTML with each yuan price that inline formatting split (`¥<b>99</b>`,
    `<b>¥</b>99`, `<b>99</b>元`) written whole inside the formatting of its amount
    (`<b>¥99</b>`, `¥99`, `<b>99元</b>`): split, the sign and the amount were two texts to
    translate, neither a price, and `¥<b>99</b>` reached a buyer in yuan, silently, where
    `<b>¥99</b>` was converted. A tag left around nothing by the move goes."""
    if not re.search(r"[¥￥元]|RMB|CNY", cleaned):
        return cleaned

    def tidy(tags: str) -> str:
        while (fewer := _NOTHING_IN.sub("", tags)) != tags:
            tags = fewer
        return tags

    def after(m: re.Match[str]) -> str:
        # the words before it as a buyer reads them: a sign there makes it a price already
        # (`¥<b>99</b> 元` is not read twice), a model's letters no price (X<b>99</b>元)
        before = htmllib.unescape(_TAG_TEXT.sub("", m.string[: m.start()]))
        if re.search(r"(?:[¥￥]|RMB|CNY)\s*$|[\d.,A-Za-z]$", before):
            return m.group()
        return m["amount"] + m["sign"].lstrip() + tidy(m["run"] + m["post"])

    cleaned = _SIGN_FIRST.sub(lambda m: tidy(m["pre"] + m["run"]) + m["sign"], cleaned)
    return _SIGN_AFTER.sub(after, cleaned)


_TABLE_PARTS = frozenset(
    {"table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "colgroup", "col"}
)
_CELL_BLOCKS = BLOCK_TAGS | _DROPPED_BLOCKS | {"li"}  # inside a cell: a space
_TAG_TEXT = re.compile(r"<[^>]*>")


def _cell_words(cell: str) -> bool:
    return bool(_TAG_TEXT.sub("", cell).strip())


@dataclass(frozen=True)
class _Cell:
    """A table cell as written: a header cell (<th>) or not, its HTML, and the columns and
    rows it spans."""

    header: bool
    html: str
    colspan: int = 1
    rowspan: int = 1


def _span(attrs: list[tuple[str, str | None]], name: str, most: int) -> int:
    """A cell's colspan or rowspan as browsers read it: its leading digits, at most `most`;
    1 for none or nonsense; a rowspan of 0 (to the end of the table) as `most`."""
    value = next((v for k, v in attrs if k == name and v is not None), "")
    digits = re.match(r"\s*(\d+)", value)
    if not digits:
        return 1
    n = int(digits.group(1)[:6])
    return most if n == 0 and name == "rowspan" else max(1, min(n, most))


def _grid(rows: list[list[_Cell]]) -> list[list[tuple[int, _Cell]]]:
    """Each row's cells with the column each starts at (after the columns spanned before
    it), a cell spanning rows (rowspan) repeated in each row it spans: a row read alone on
    a phone says what it is about ('颜色: 红', '颜色: 蓝')."""
    out: list[list[tuple[int, _Cell]]] = []
    above: dict[int, tuple[int, _Cell]] = {}  # column -> (rows it spans still, the cell)
    for row in rows:
        spanning = dict(above)  # the cells from rows above that this row is to show
        above = {c: (n - 1, cell) for c, (n, cell) in above.items() if n > 1}
        placed: list[tuple[int, _Cell]] = []
        column = 0
        for cell in [*row, None]:
            while spanning and (cell is None or min(spanning) <= column):
                start = min(spanning)  # (one an own cell spanned over is shown after it)
                carried = spanning.pop(start)[1]
                column = max(column, start)
                placed.append((column, carried))
                column += carried.colspan
            if cell is None:
                break
            placed.append((column, cell))
            if cell.rowspan > 1:
                above[column] = (cell.rowspan - 1, cell)
            column += cell.colspan
        out.append(placed)
    return out


_MOST_COLUMNS = 1000  # a colspan past it is read as it (as browsers do)
_MOST_ROWS = 65534  # and a rowspan past this


class _BlockMarker(HTMLParser):
    """The HTML as written, each tag of a dropped block replaced by _BREAK, and each table
    written row by row: a row is a paragraph of its own (between _BREAKs), its cells paired
    with their column's header ('尺寸: 20cm; 容量: 500ml') when the table has a header row
    (a row of <th>), or the row's own header cell first ('尺寸: 20cm') when it starts with
    one, or else joined by ' | '. A phone shows a description as one column: a value on a
    line of its own, its header lines above, is read as nothing, and an engine given
    '尺寸: 20cm' as one piece knows what the number is. A row of one cell (a note under
    the table, a title over it) is its own line with no header, and so is a cell spanning
    columns of different headers; a cell spanning rows is said in each of them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.tables = 0  # tables written row by row
        self.paired = 0  # of them, with a header row paired with the values
        self.depth = 0  # tables open (one inside a cell is read as its cells' text)
        self.rows: list[list[_Cell]] = []
        self.row: list[_Cell] | None = None
        self.cell: list[str] | None = None
        self.opened = _Cell(False, "")  # the cell open: what its tag said

    def _emit(self, text: str) -> None:
        if not self.depth:
            self.out.append(text)
            return
        if self.cell is None:  # words in a table outside any cell: a cell of their own
            if not text.strip():
                return
            self._open_cell(_Cell(False, ""))
        assert self.cell is not None
        self.cell.append(text)

    def _open_cell(self, cell: _Cell) -> None:
        self._close_cell()
        if self.row is None:
            self.row = []
        self.cell, self.opened = [], cell

    def _close_cell(self) -> None:
        if self.cell is not None:
            assert self.row is not None
            o = self.opened
            self.row.append(_Cell(o.header, "".join(self.cell).strip(), o.colspan, o.rowspan))
            self.cell = None

    def _close_row(self) -> None:
        self._close_cell()
        if self.row:
            self.rows.append(self.row)
        self.row = None

    def _table_tag(
        self, tag: str, *, end: bool, attrs: list[tuple[str, str | None]] | None = None
    ) -> bool:
        """A tag of the outermost table handled; False for one that is a cell's content."""
        if tag == "table":
            if end and self.depth == 1:
                self._close_table()
            elif end and self.depth:
                self.depth -= 1
                self._emit(" ")
            elif not end:
                if self.depth:
                    self._emit(" ")
                else:
                    self.rows, self.row, self.cell = [], None, None
                self.depth += 1
            return True
        if not self.depth or tag not in _TABLE_PARTS:
            return False
        if self.depth > 1:  # a table inside a cell: its cells' text, spaced
            self._emit(" ")
        elif tag in ("td", "th"):
            if end:
                self._close_cell()
            else:
                spans = attrs or []
                colspan = _span(spans, "colspan", _MOST_COLUMNS)
                rowspan = _span(spans, "rowspan", _MOST_ROWS)
                self._open_cell(_Cell(tag == "th", "", colspan, rowspan))
        elif tag == "caption":  # a caption: a paragraph of its own
            self._close_row()
            if not end:
                self._open_cell(_Cell(False, ""))
        elif tag == "tr":
            self._close_row()
        return True

    def _close_table(self) -> None:
        self._close_row()
        self.depth, self.tables = 0, self.tables + 1
        lines: list[str] = []
        names: list[str] = []  # the header row's cells the rows below are paired with
        under: dict[int, int] = {}  # column -> the header cell over it
        at = 0  # where its line goes: the header cells no row gave a value to (if any)
        used: set[int] = set()  # its cells that gave a value its name

        def unpaired() -> None:
            left = [c for i, c in enumerate(names) if i not in used and _cell_words(c)]
            lines.insert(at, " | ".join(left))
            if used:
                self.paired += 1

        def label(column: int, cell: _Cell) -> int | None:
            """The header cell over every column `cell` spans, if one with words is."""
            over = {under.get(c) for c in range(column, column + min(cell.colspan, len(under) + 1))}
            (name,) = over if len(over) == 1 else (None,)
            return name if name is not None and _cell_words(names[name]) else None

        for row in _grid(self.rows):
            cells = [c.html for _, c in row]
            worded = [(column, c) for column, c in row if _cell_words(c.html)]
            if len(row) > 1 and all(c.header for _, c in row):  # a header row
                if names:
                    unpaired()
                names, at, used = cells, len(lines), set()
                under = {
                    column + k: i
                    for i, (column, c) in enumerate(row)
                    for k in range(min(c.colspan, _MOST_COLUMNS))
                }
            elif len(row) == 1:  # a note, a title: its own line
                lines.append(cells[0] if _cell_words(cells[0]) else "")
            elif names:
                pairs: list[tuple[int | None, list[str]]] = []  # (the header cell, values)
                for column, c in worded:
                    name = label(column, c)
                    if name is not None and pairs and pairs[-1][0] == name:
                        pairs[-1][1].append(c.html)  # (cells under one spanning header)
                    else:
                        pairs.append((name, [c.html]))
                for name, _ in pairs:
                    if name is not None:
                        used.add(name)
                lines.append(
                    "; ".join(
                        f"{names[name]}: {' '.join(values)}" if name is not None else values[0]
                        for name, values in pairs
                    )
                )
            elif row[0][1].header and _cell_words(cells[0]):  # its own header
                values = " | ".join(c for c in cells[1:] if _cell_words(c))
                lines.append(f"{cells[0]}: {values}" if values else cells[0])
            else:
                lines.append(" | ".join(c.html for _, c in worded))
        if names:
            unpaired()
        self.rows = []
        self.out.append(_BREAK + _BREAK.join(lines) + _BREAK)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._table_tag(tag, end=False, attrs=attrs):
            return
        if self.depth and tag in _CELL_BLOCKS:
            self._emit(" ")
        else:
            self._emit(_BREAK if tag in _DROPPED_BLOCKS else self.get_starttag_text() or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if self._table_tag(tag, end=True):
            return
        if self.depth and tag in _CELL_BLOCKS:
            self._emit(" ")
        else:
            self._emit(_BREAK if tag in _DROPPED_BLOCKS else f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self._emit(data)

    def handle_entityref(self, name: str) -> None:
        self._emit(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self._emit(f"&#{name};")

    def marked(self) -> str:
        """The HTML marked, a table left open at the end written as it stands."""
        if self.rawdata:  # an unfinished tag at the end: as written, the sanitizer judges it
            self._emit(self.rawdata)
            self.rawdata = ""
        if self.depth:
            self._close_table()
        return "".join(self.out)


def _paragraphs(cleaned: str) -> str:
    """The sanitized HTML with each run of text between a dropped block's edges and the
    blocks around it made a paragraph; inside a kept block a dropped one is a space. An
    inline tag open across a paragraph's end is closed there and opened again in the next
    (`<b>红色<div>保温</div></b>` became `<p><b>红色</p><p>保温</b></p>`: crossing tags)."""
    parts = parse(cleaned).parts
    out: list[str] = []
    run: list[tuple[str, str]] = []  # (kind, raw)
    inline: list[tuple[str, str]] = []  # inline tags open in the run: (name, start tag)
    depth = 0

    def flush() -> None:
        closing = [("tag", f"</{name}>") for name, _ in reversed(inline)]
        body = "".join(raw for _, raw in run + closing)
        if any(kind == "text" and raw.strip() for kind, raw in run):
            out.append(f"<p>{body}</p>")
        else:  # no words: its spaces stay, tags opened and closed on nothing go
            out.append("".join(raw for kind, raw in run if kind == "text"))
        run[:] = [("tag", start) for _, start in inline]  # opened again after the break

    for kind, value in parts:
        raw = value if kind == "tag" else htmllib.escape(value, quote=False)
        name = value.strip("</>").split()[0].lower() if kind == "tag" else ""
        if depth == 0 and name in BLOCK_TAGS:
            flush()
        if name in BLOCK_TAGS:
            depth += -1 if value.startswith("</") else 1
            out.append(raw)
        elif depth > 0:
            out.append(raw.replace(_BREAK, " "))
        elif kind == "tag":
            if name not in _VOID and not value.startswith("</"):
                inline.append((name, raw))
            elif value.startswith("</"):
                for n in range(len(inline) - 1, -1, -1):
                    if inline[n][0] == name:
                        del inline[n]
                        break
            run.append((kind, raw))
        else:
            pieces = raw.split(_BREAK)
            for i, piece in enumerate(pieces):
                if i:
                    flush()
                run.append((kind, piece))
    flush()
    return "".join(out)


@dataclass
class Reshaped:
    """What the sanitizer rebuilt so that TikTok Shop takes a description: each a count."""

    tables: int = 0  # tables written one paragraph per row
    table_headers: int = 0  # of them, with each value after its column's header
    item_paragraphs: int = 0  # list items whose paragraphs became their lines
    sublists: int = 0  # lists inside a list, flattened into it
    loose_items: int = 0  # list items outside a list, put in one
    list_text: int = 0  # words directly in a list (outside its items), made items
    empty_paragraphs: int = 0  # paragraphs, and lines between them, that showed nothing
    empty_items: int = 0  # list items that showed nothing (an empty bullet)

    def __bool__(self) -> bool:
        return any(vars(self).values())


@dataclass
class _Element:
    name: str
    start: str  # the start tag as written
    children: list[_Element | str] = field(default_factory=list)

    def html(self) -> str:
        if self.name in _VOID:
            return self.start
        return self.start + _markup(self.children) + f"</{self.name}>"


def _markup(nodes: list[_Element | str]) -> str:
    return "".join(n if isinstance(n, str) else n.html() for n in nodes)


class _TreeBuilder(HTMLParser):
    """Sanitized HTML (well formed: nh3 writes a tree) as a tree, text kept escaped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.root = _Element("", "")
        self.open = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = _Element(tag, self.get_starttag_text() or f"<{tag}>")
        self.open[-1].children.append(element)
        if tag not in _VOID:
            self.open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.open.pop()

    def handle_endtag(self, tag: str) -> None:
        if any(e.name == tag for e in self.open[1:]):
            while self.open.pop().name != tag:
                pass

    def handle_data(self, data: str) -> None:
        children = self.open[-1].children
        if children and isinstance(children[-1], str):
            children[-1] += data
        else:
            children.append(data)

    def handle_entityref(self, name: str) -> None:
        self.handle_data(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.handle_data(f"&#{name};")


_LISTS = frozenset({"ul", "ol"})
SUBITEM = "\u2013 "  # before each item of a list that was inside another, once a level


def _has_words(nodes: list[_Element | str]) -> bool:
    return any(
        (n.strip() if isinstance(n, str) else n.name in _VOID or _has_words(n.children))
        for n in nodes
    )


def _shows_something(nodes: list[_Element | str]) -> bool:
    """Whether nodes show a buyer anything: a word (an entity's: `&nbsp;` is a space) or an
    image; a `<br>` alone is a blank line."""
    return any(
        htmllib.unescape(n).strip()
        if isinstance(n, str)
        else n.name == "img" or _shows_something(n.children)
        for n in nodes
    )


def _without_empty_paragraphs(
    nodes: list[_Element | str], reshaped: Reshaped
) -> list[_Element | str]:
    """Nodes without the paragraphs and list items, at any depth, that show nothing (each
    counted): an item's bullet with nothing after it (`<li><p>&nbsp;</p></li>`) is the
    blank line an empty paragraph is, with a dot; a list left with no item goes too."""
    out: list[_Element | str] = []
    for node in nodes:
        if isinstance(node, _Element):
            if node.name == "p" and not _shows_something(node.children):
                reshaped.empty_paragraphs += 1
                continue
            if node.name == "li" and not _shows_something(node.children):
                reshaped.empty_items += 1
                continue
            items = reshaped.empty_items
            node.children = _without_empty_paragraphs(node.children, reshaped)
            if node.name in _LISTS and reshaped.empty_items > items:
                if not _shows_something(node.children):  # its items all empty: no list
                    continue
        out.append(node)
    return out


_COLLAPSED = frozenset(" \t\n\r\f")  # the spaces HTML folds into one, or none by a block


def _holds_a_line(nodes: list[_Element | str]) -> bool:
    """Whether nodes that show nothing still take a line: a `<br>`, or a space HTML keeps
    (`&nbsp;`, the ideographic space)."""
    return any(
        bool(set(htmllib.unescape(n)) - _COLLAPSED)
        if isinstance(n, str)
        else n.name == "br" or _holds_a_line(n.children)
        for n in nodes
    )


def _without_blank_lines(nodes: list[_Element | str], reshaped: Reshaped) -> list[_Element | str]:
    """Top-level nodes without what stands between blocks (or before or after them) and
    shows only a blank line (`<p>a</p>&nbsp;<p>b</p>`, a `<br>` between paragraphs, a
    dropped `<div>&nbsp;</div>`'s space), its folded spaces kept; each counted as an empty
    paragraph."""
    out: list[_Element | str] = []
    run: list[_Element | str] = []

    def flush() -> None:
        if run and not _shows_something(run) and _holds_a_line(run):
            reshaped.empty_paragraphs += 1
            spaces = "".join(c for n in run if isinstance(n, str) for c in n if c in _COLLAPSED)
            out.extend([spaces] if spaces else [])
        else:
            out.extend(run)
        run.clear()

    for node in nodes:
        if isinstance(node, _Element) and node.name in _LISTS | {"p"}:
            flush()
            out.append(node)
        else:
            run.append(node)
    flush()
    return out


_FLAT_BLOCKS = _LISTS | {"p", "li"}


def _holds_block(node: _Element | str) -> bool:
    return isinstance(node, _Element) and any(
        isinstance(c, _Element) and (c.name in _FLAT_BLOCKS or _holds_block(c))
        for c in node.children
    )


def _unfold(nodes: list[_Element | str]) -> list[_Element | str]:
    """Nodes with each inline tag around a block (`<b>a<li>x</li>b</b>`, `<p>` around an item
    left open) split at the block: the words before and after stay in the tag, a paragraph's
    or an item's words go in a copy of it, a list stands on its own."""
    out: list[_Element | str] = []
    for node in nodes:
        if not isinstance(node, _Element) or node.name in _LISTS or node.name == "li":
            out.append(node)
            continue
        if not _holds_block(node):
            out.append(node)
            continue
        run: list[_Element | str] = []

        def flush(node: _Element = node, run: list[_Element | str] = run) -> None:
            if run:
                out.append(_Element(node.name, node.start, run[:]))
            run.clear()

        for child in _unfold(node.children):
            if not isinstance(child, _Element) or child.name not in _FLAT_BLOCKS:
                run.append(child)
                continue
            flush()
            if child.name in _LISTS or node.name == "p":
                out.append(child)  # a list, or a block that was inside a paragraph
            else:  # the inline tag's look kept on the block's words
                out.append(
                    _Element(
                        child.name, child.start, [_Element(node.name, node.start, child.children)]
                    )
                )
        flush()
    return out


def reshape(cleaned: str, reshaped: Reshaped) -> str:
    """Sanitized HTML with what editors write and TikTok Shop refuses (blocks not nested)
    made flat, its words all kept, each change counted in `reshaped`: a paragraph in a list
    item becomes the item's text, several its lines (`<br>` between); a list inside a list
    is flattened into it, its items after their parent item, each marked '– ' a level;
    an item outside any list (`<p>a<li>b`, unclosed) goes into a `<ul>`; words directly in
    a list become an item. An empty paragraph (`<p></p>`, `<p>&nbsp;</p>`, `<p><br></p>`)
    is dropped, and so is an empty list item (`<li>&nbsp;</li>`, `<li><p>&nbsp;</p></li>`),
    the rest left as it was: a phone shows them as a blank line (trial s31), a bullet's
    with a dot before it."""
    if re.search(r"<(p|ul|ol|li)\b", cleaned):
        builder = _TreeBuilder()
        builder.feed(cleaned)
        builder.close()
        before = (reshaped.empty_paragraphs, reshaped.empty_items)
        kept = _without_blank_lines(
            _without_empty_paragraphs(builder.root.children, reshaped), reshaped
        )
        if (reshaped.empty_paragraphs, reshaped.empty_items) != before:
            cleaned = _markup(kept)
    if not re.search(r"<(li|ul|ol)\b", cleaned):
        return cleaned
    builder = _TreeBuilder()
    builder.feed(cleaned)
    builder.close()
    out: list[_Element | str] = []
    loose: _Element | None = None  # the list an item outside one goes into
    for node in _unfold(builder.root.children):
        if isinstance(node, _Element) and node.name == "li":
            if loose is None:  # the list just before it (closed too early), or a new one
                before = [n for n in out if not isinstance(n, str) or n.strip()][-1:]
                if before and isinstance(before[0], _Element) and before[0].name in _LISTS:
                    loose = before[0]
                else:
                    loose = _Element("ul", "<ul>")
                    out.append(loose)
            loose.children.extend(_items(node, "", reshaped))
            reshaped.loose_items += 1
        elif loose is not None and isinstance(node, str) and not node.strip():
            loose.children.append(node)  # the space between two such items
        else:
            loose = None
            if isinstance(node, _Element) and node.name in _LISTS:
                node.children = _list_items(node, "", reshaped)
            out.append(node)  # (spaces after a list stay after it)
    return _markup(out)


def _list_items(lst: _Element, mark: str, reshaped: Reshaped) -> list[_Element | str]:
    """A list's children as items only: its items' blocks made flat, a list in it
    flattened, words directly in it an item of their own."""
    out: list[_Element | str] = []
    run: list[_Element | str] = []  # words directly in the list, not in an item

    def flush() -> None:
        if _shows_something(run):
            reshaped.list_text += 1
            out.extend(_items(_Element("li", "<li>", run[:]), mark, reshaped))
        elif run:  # (a &nbsp; or a <br> between items was made an item: an empty bullet)
            if _holds_a_line(run):
                reshaped.empty_items += 1
            spaces = "".join(c for n in run if isinstance(n, str) for c in n if c in _COLLAPSED)
            out.extend([spaces] if spaces else [])
        run.clear()

    for node in _unfold(lst.children):
        if isinstance(node, _Element) and node.name == "li":
            flush()
            out.extend(_items(node, mark, reshaped))
        elif isinstance(node, _Element) and node.name in _LISTS:
            flush()
            reshaped.sublists += 1
            out.extend(_list_items(node, mark + SUBITEM, reshaped))
        elif isinstance(node, _Element) and node.name == "p":
            flush()
            run.extend(node.children)
            flush()
        else:
            run.append(node)
    flush()
    return out


def _items(item: _Element, mark: str, reshaped: Reshaped) -> list[_Element | str]:
    """A list item made flat: its own text (its paragraphs as lines, `<br>` between), then
    the items of a list inside it, marked a level deeper; words after that list are an
    item again, at the item's level (the words keep their order)."""
    out: list[_Element | str] = []
    lines: list[list[_Element | str]] = [[]]
    blocks = nested = False

    def flush() -> None:
        kept = [line for line in lines if _has_words(line)]
        if kept:
            children: list[_Element | str] = [mark] if mark else []
            for n, line in enumerate(kept):
                children.extend(["<br>", *_trimmed(line)] if n else _trimmed(line))
            out.append(_Element("li", item.start, children))
        lines[:] = [[]]

    for node in _unfold(item.children):
        if isinstance(node, _Element) and node.name == "p":
            blocks = True
            lines.extend([node.children, []])
        elif isinstance(node, _Element) and node.name in _LISTS | {"li"}:
            nested = True
            reshaped.sublists += 1
            flush()
            if node.name == "li":  # an item in an item (out of an inline tag around it)
                out.extend(_items(node, mark + SUBITEM, reshaped))
            else:
                out.extend(_list_items(node, mark + SUBITEM, reshaped))
        else:
            lines[-1].append(node)
    if not blocks and not nested and not mark:
        return [item]  # as it was
    reshaped.item_paragraphs += blocks
    flush()
    return out


def _trimmed(line: list[_Element | str]) -> list[_Element | str]:
    """A line of an item without the spaces at its ends (they were a paragraph's edges)."""
    line = list(line)
    if line and isinstance(line[0], str):
        line[0] = line[0].lstrip()
    if line and isinstance(line[-1], str):
        line[-1] = line[-1].rstrip()
    return [n for n in line if n != ""]


def split(html: str) -> Fragment:
    """A description made safe for TikTok Shop, split for translation; `dropped` names the
    tags that were removed (a table's not, when it was written row by row: `reshaped`
    says so), `reshaped` what was rebuilt."""
    cleaned, reshaped = clean(html)
    fragment = parse(cleaned)
    refused = parse(html).refused
    if reshaped.tables:
        refused = [t for t in refused if t not in _TABLE_PARTS]
    fragment.dropped = refused
    fragment.reshaped = reshaped
    return fragment
