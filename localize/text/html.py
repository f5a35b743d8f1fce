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

    def texts(self) -> list[str]:
        """The text pieces that carry words, in order, without the whitespace around them
        (that stays with the markup: `render` puts it back as it was)."""
        return [v.strip() for k, v in self.parts if k == "text" and v.strip()]

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
            elif value.strip():
                lead = value[: len(value) - len(value.lstrip())]
                trail = value[len(value.rstrip()) :]
                out.append(lead + htmllib.escape(translate(value.strip()), quote=False) + trail)
            else:
                out.append(value)
        return "".join(out)


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
    their text kept (a dropped block's text in a paragraph of its own), scripts and styles
    dropped with their content."""
    import nh3

    cleaned = nh3.clean(
        _mark_blocks(_cdata_as_text(html.replace(_BREAK, ""))),
        tags=set(ALLOWED_TAGS),
        attributes={"img": {"src"}},
        clean_content_tags=set(_DROP_WITH_CONTENT),
        url_schemes={"http", "https"},
        link_rel=None,
        strip_comments=True,
    )
    return _paragraphs(cleaned) if _BREAK in cleaned else cleaned


class _BlockMarker(HTMLParser):
    """The HTML as written, each tag of a dropped block replaced by _BREAK."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(_BREAK if tag in _DROPPED_BLOCKS else self.get_starttag_text() or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.out.append(_BREAK if tag in _DROPPED_BLOCKS else f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")


def _mark_blocks(html: str) -> str:
    marker = _BlockMarker()
    marker.feed(html)
    marker.close()
    if marker.rawdata:  # an unfinished tag at the end: as written, the sanitizer judges it
        marker.out.append(marker.rawdata)
    return "".join(marker.out)


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


def split(html: str) -> Fragment:
    """A description made safe for TikTok Shop, split for translation; `dropped` names the
    tags that were removed."""
    fragment = parse(sanitize(html))
    fragment.dropped = parse(html).refused
    return fragment
