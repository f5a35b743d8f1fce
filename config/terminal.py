"""Text on its way to a person's terminal: what a seller, an engine, a reviewer or a remote
server wrote is shown, never obeyed.

A terminal acts on control characters: ESC starts sequences that write the clipboard
(OSC 52), retitle the window (OSC 0) or clear the screen (CSI 2J); C1 controls (U+0080 to
U+009F) do the same on some terminals; a carriage return overwrites the line; bidi
overrides and isolates reorder what follows. `printable` shows each of them as visible
text instead (`\\x1b`, `\\u202e`), so the reader sees that they were there. It is applied
where text leaves for a terminal (Environment.out/err, the daemon's log lines, the review
UI), once, on the finished line: views build their lines (and, later, translate them)
without thinking about it.

`--json` is for programs: the data is kept whole, and `printable_json` only writes the
characters a terminal would act on as JSON's own `\\uXXXX` escapes, which any JSON
reader turns back into the same text.
"""

from __future__ import annotations

import codecs
import logging
import re
import unicodedata

from config.i18n import Catalog, Msg, msg

# C0 controls but tab and line feed; DEL and the C1 controls; the line and paragraph
# separators (some terminals break lines there); bidi embeddings, overrides and isolates;
# lone surrogates (undecodable bytes in arguments), which cannot even be encoded.
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
# the bidi marks (left-to-right, right-to-left, Arabic letter): invisible, they still turn
# the text around them on a terminal, so they are shown escaped too; a listing may carry
# them copied from a page, so unlike the controls they are not refused at import
_MARKS = "\u200e\u200f\u061c"
_ANY = re.compile(f"[{_CONTROLS}{_MARKS}]")
_ONE_LINE = re.compile(f"[\n\t{_CONTROLS}{_MARKS}]")
# What json.dumps leaves raw (it escapes C0 itself): DEL, C1, separators, bidi, surrogates.
_IN_JSON = re.compile(f"[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff{_MARKS}]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _shown(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, *, lines: bool = True) -> str:
    """`text` with every character a terminal would act on shown as an escape (`\\x1b`,
    `\\u202e`); line feeds and tabs kept, or with `lines=False` shown too (one log line)."""
    if text.isprintable():  # the usual line: no control, format or separator character
        return text
    if lines:
        text = text.replace("\r\n", "\n")  # a Windows line end is a line end
    return (_ANY if lines else _ONE_LINE).sub(_shown, text)


def printable_json(document: str) -> str:
    """A JSON text from json.dumps with the characters it leaves raw that a terminal acts
    on written as `\\uXXXX`: the same JSON to a program, inert on a terminal."""
    if document.isprintable() or _IN_JSON.search(document) is None:  # one line, or indented
        return document
    return _IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", document)


def control_character(text: str, *, lines: bool = False) -> Msg | None:
    """Why `text` cannot be shown as written: the first control character in it (a line
    feed, tab or carriage return allowed with `lines`), as 'U+001B (escape) at character
    3'; None when there is none."""
    for n, char in enumerate(text, start=1):
        if char in "\n\r\t" and lines:
            continue
        if char in _MARKS:  # shown escaped, not refused
            continue
        if char in "\n\t" or _ANY.fullmatch(char):
            name = unicodedata.name(char, "a control character").lower()
            return msg(
                "U+{code} ({name}) at character {n}", code=format(ord(char), "04X"), name=name, n=n
            )
    return None


def clipped(text: str, columns: int) -> str:
    """`text` cut to what fits in `columns` of a terminal (a Chinese character takes two), with
    "…" where it was cut."""
    if text.isascii():
        return text if len(text) <= columns else text[: columns - 1] + "…"
    from rich.cells import cell_len, set_cell_size

    return text if cell_len(text) <= columns else set_cell_size(text, columns - 1) + "…"


def unicode_stream(stream: object) -> bool:
    """Whether a stream writes any character (UTF-8 and the like, or no encoding at all: a
    StringIO); a terminal set to GBK or Latin-1 does not."""
    encoding = getattr(stream, "encoding", None)
    return not encoding or codecs.lookup(encoding).name.startswith(("utf-", "gb18030"))


def encodable(stream: object, text: str) -> bool:
    """Whether `stream` can write `text` as it is."""
    if text.isascii() or unicode_stream(stream):
        return True
    try:
        text.encode(getattr(stream, "encoding", None) or "utf-8")
    except UnicodeEncodeError:
        return False
    return True


def tolerant(stream: object) -> None:
    """Make a text stream whose encoding cannot write every character show the ones it cannot
    as escapes (`\\u0e01`) instead of raising: a Chinese terminal set to GBK has no Thai,
    Vietnamese or emoji, and a listing's text ended the command (exit 3) there."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None and not unicode_stream(stream):
        reconfigure(errors="backslashreplace")


class LogLines(logging.Formatter):
    """Log records as a terminal may show them: each message on one line (a newline in it
    is shown as `\\n`, so no one can forge a record), tracebacks on their own lines, and
    control characters escaped in both. With a `language`, the messages (`Msg`) a record
    carries are said in it; the line's layout and its other values stay as they are."""

    def __init__(self, fmt: str, language: Catalog | None = None) -> None:
        super().__init__(fmt)
        self.language = language

    def format(self, record: logging.LogRecord) -> str:
        """The record's line, its messages in the log's language."""
        said = self.language
        if said is not None and isinstance(record.args, tuple):
            if isinstance(record.msg, Msg) or any(isinstance(a, Msg) for a in record.args):
                record = logging.makeLogRecord(record.__dict__)  # other handlers: as it was
                record.msg = said.render(record.msg) if isinstance(record.msg, Msg) else record.msg
                record.args = tuple(
                    said.render(a) if isinstance(a, Msg) else a for a in record.args
                )
        return super().format(record)

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 (logging's name)
        """The record's line, escaped."""
        return printable(super().formatMessage(record), lines=False)

    def formatException(self, ei: object) -> str:  # noqa: N802
        """A traceback, escaped, its lines kept."""
        return printable(super().formatException(ei))  # type: ignore[arg-type]

    def formatStack(self, stack_info: str) -> str:  # noqa: N802
        """A stack, escaped, its lines kept."""
        return printable(super().formatStack(stack_info))
