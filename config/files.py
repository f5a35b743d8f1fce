"""Reading what sellers hand us: their exported files and the times written in them."""

from __future__ import annotations

import errno
import os
import re
import stat
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from pathlib import Path

from config.errors import BadInput, echoed
from config.i18n import Msg, msg

MAX_FILE_BYTES = 200 * 1024 * 1024
SAVE_AS = "save it as CSV UTF-8"
# Earlier or later than this is a typo, and near year 1 or 9999 converting to UTC or adding a
# week overflows datetime.
FIRST_YEAR, LAST_YEAR = 1900, 2999
TIMES_ACCEPTED = msg(
    "ISO 8601 (2026-11-24T19:05:00+07:00, Z for UTC), 2026-11-24 19:05[:00] or "
    "2026/11/24 19:05[:00]; without an offset it is the shop's local time"
)
EXCEL_EPOCH = datetime(1899, 12, 30)  # serial 1 is 1900-01-01 (Excel's 1900 leap-year bug)
_SLASHED = re.compile(
    r"(\d{4})/(\d{1,2})/(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?", re.ASCII
)
_BOMS = (  # UTF-32 first: its little-endian BOM begins with UTF-16's
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_LEVEL_2 = 0xD8  # GB2312's rows of less common hanzi start here
_LATIN_HANZI_LATIN = re.compile(r"[A-Za-z][\u4e00-\u9fff][A-Za-z]")
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f\s]+")
# Among single-byte encodings that read a file equally well, Excel on a Western Windows is
# by far the likeliest writer of a seller's file.
_PREFERRED_ON_A_TIE = "cp1252"


def read_bytes(path: Path, *, limit: int = MAX_FILE_BYTES) -> bytes:
    """The content of a file the user named; BadInput naming the path when it is not a
    readable regular file (missing, a folder, a device, unreadable, a name too long)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise BadInput(f"{echoed(str(path))}: no such file") from None
    except OSError as exc:
        raise BadInput(f"{echoed(str(path))}: {_os_problem(exc)}") from None
    if stat.S_ISDIR(info.st_mode):
        raise BadInput(f"{echoed(str(path))}: is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise BadInput(f"{echoed(str(path))}: is not a regular file (a device, pipe or socket)")
    if info.st_size > limit:
        raise BadInput(
            f"{echoed(str(path))}: {info.st_size:,} bytes; files of at most {limit:,} are read"
        )
    try:
        return path.read_bytes()
    except OSError as exc:
        raise BadInput(f"{echoed(str(path))}: {_os_problem(exc)}") from None


def _os_problem(exc: OSError) -> str:
    if isinstance(exc, NotARegularFile):
        return "it is a device, a pipe or a socket, not a file; give the name of a file"
    if exc.errno == errno.ENAMETOOLONG:
        return "the name is too long for this system"
    if isinstance(exc, PermissionError):
        return "cannot read it: permission denied"
    return f"cannot read it: {exc.strerror or exc}"


def read_text(path: Path) -> str:
    """A seller's text file, its encoding detected: a BOM (UTF-8, UTF-16, UTF-32), else
    UTF-8, else GB18030 (Excel on a Chinese Windows) when the bytes are Chinese text, else
    what charset-normalizer finds; BadInput naming the file when it cannot tell."""
    raw = read_bytes(path)
    text = decode(raw)
    if text is None:
        if raw.startswith(b"PK\x03\x04"):
            raise BadInput(
                f"{echoed(str(path))}: is a workbook or other zip file, not text; {SAVE_AS}"
            )
        raise BadInput(
            f"{echoed(str(path))}: cannot tell its encoding{_both_readings(raw)}; {SAVE_AS}"
        )
    return text


def decode(raw: bytes) -> str | None:
    """The text of a file's bytes, or None when its encoding cannot be told with confidence."""
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(codec).removeprefix("\ufeff")
            except UnicodeDecodeError:
                return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return _unmarked_utf16(raw) or text
    chinese, western = _as_chinese(raw), _as_western(raw)
    if chinese is not None and western is not None:
        # Both read plausibly: only a Western file whose accents all come in pairs (Größe,
        # promoções) does. As GB18030 those pairs are hanzi inside Latin words, or rare ones.
        return western.text if chinese.odd else None
    if chinese is not None:
        return chinese.text
    if western is not None:
        return western.text
    return _detected(raw)


@dataclass(frozen=True)
class _Reading:
    """A file's text in one encoding, and whether it has what that encoding's writers'
    text seldom has."""

    text: str
    odd: bool = False


def _unmarked_utf16(raw: bytes) -> str | None:
    # ASCII saved as UTF-16 without a BOM is valid UTF-8 with a NUL after every character.
    if len(raw) < 4 or len(raw) % 2:
        return None
    for codec, zeros in (("utf-16-le", raw[1::2]), ("utf-16-be", raw[0::2])):
        if zeros.count(0) >= 0.9 * len(zeros):
            try:
                return raw.decode(codec)
            except UnicodeDecodeError:
                return None
    return None


def _as_chinese(raw: bytes) -> _Reading | None:
    """GB18030 text (Excel on a Chinese Windows) whose two-byte characters are nearly all
    GB2312's (6,763 hanzi, punctuation, full-width forms): a Western file read as GB18030
    is rare hanzi instead. It is odd when a hanzi stands inside a Latin word ('Gr鲞e') or
    is of GB2312's less common level 2, as the pairs of Latin-1 accents make."""
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        return None
    # each distinct character once, weighted by its count: a large file is a few thousand
    rows = {
        c: (_gb2312_row(c), n)
        for c, n in Counter(text).items()
        if ord(c) > 0x7F and _is_two_bytes(c)
    }
    total = sum(n for _, n in rows.values())
    if not total or sum(n for r, n in rows.values() if r is not None) < 0.9 * total:
        return None
    rare = any(r is not None and r >= _LEVEL_2 for r, _ in rows.values())
    return _Reading(text, odd=rare or _LATIN_HANZI_LATIN.search(text) is not None)


def _as_western(raw: bytes) -> _Reading | None:
    """Windows-1252 text (Excel on a Western Windows): its accents and symbols stand alone
    or in pairs between plain letters. Chinese read as Windows-1252 is runs of symbols and
    accented capitals ('±£ÎÂ±­'), two characters per hanzi."""
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        return None
    runs = [len(run) for run in _NON_ASCII_RUN.findall(text)]
    if not runs or sum(n for n in runs if n >= 4) > 0.1 * sum(runs):
        return None
    return _Reading(text)


def _both_readings(raw: bytes) -> str:
    """', which reads as Western and as Chinese: line N is ... or ...' when it does."""
    chinese, western = _as_chinese(raw), _as_western(raw)
    if chinese is None or western is None:
        return ""
    pairs = zip(western.text.splitlines(), chinese.text.splitlines(), strict=False)
    for number, (west, east) in enumerate(pairs, start=1):
        if west != east:
            return (
                f": line {number} reads {excerpt(west, 60)} as Windows-1252 (Western Excel) "
                f"and {excerpt(east, 60)} as GB18030 (Chinese Excel)"
            )
    return ""


def _is_two_bytes(char: str) -> bool:
    # GB18030's four-byte characters (Thai, accented Latin...) are outside GB2312 by design
    return len(char.encode("gb18030")) == 2


def _gb2312_row(char: str) -> int | None:
    """The first byte of the character in GB2312 (0xB0-0xD7 common hanzi, 0xD8-0xF7 less
    common ones, below 0xB0 punctuation and symbols), or None when it is not in GB2312."""
    try:
        encoded = char.encode("gb2312")
    except UnicodeEncodeError:
        return None
    return encoded[0]


def _detected(raw: bytes) -> str | None:
    from charset_normalizer import from_bytes

    matches = list(from_bytes(raw))
    if not matches:
        return None
    least = min(m.chaos for m in matches)
    tied = [m for m in matches if m.chaos <= least + 0.01]
    readings = {str(m) for m in tied}
    if len(readings) == 1:
        return readings.pop()
    preferred = [m for m in tied if m.encoding == _PREFERRED_ON_A_TIE]
    return str(preferred[0]) if preferred else None


def excerpt(text: str, limit: int = 200, *, quoted: bool = True) -> str:
    """A value as a message quotes it (or, not `quoted`, says it): whole when short, else
    its start and its length (a field of a million characters is not echoed to the
    terminal)."""
    said = repr if quoted else str
    if len(text) <= limit:
        return said(text)
    return f"{said(text[:limit])}… ({len(text):,} characters)"


def id_problem(text: str) -> Msg | None:
    """Why `text` cannot be an id (a control or invisible formatting character, which no one
    can see or type back, so the id could never be matched), or None when it can."""
    for n, char in enumerate(text, start=1):
        if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp"):
            name = unicodedata.name(char, "a control character")
            return msg(
                "contains U+{code} ({name}) at character {n}; an id is visible text",
                code=format(ord(char), "04X"),
                name=name.lower(),
                n=n,
            )
    return None


def parse_iso(text: str) -> datetime:
    """An ISO 8601 time, 'Z' accepted; naive when it has no offset (ValueError if not ISO
    or outside the years 1900-2999)."""
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    return _in_range(datetime.fromisoformat(value))


def given_moment(name: str, text: str, remedy: str = "") -> datetime:
    """A moment a person gave (--as-of, $SHOPBOT_NOW): ISO 8601 with a UTC offset; BadInput
    naming `name`, what is wrong and an example otherwise (`remedy` said after it)."""
    try:
        moment = parse_iso(text)
    except ValueError as exc:
        problem = f": {exc}" if str(exc).startswith("the year") else " is not an ISO 8601 time"
        raise BadInput(
            f"{name} {echoed(text)!r}{problem}, e.g. 2026-11-26T09:00+07:00{remedy}"
        ) from None
    if moment.tzinfo is None:
        raise BadInput(
            f"{name} {echoed(text)!r} has no UTC offset; add one, e.g. +07:00 or Z{remedy}"
        )
    return moment


def parse_time(text: str, zone: tzinfo) -> datetime:
    """A time as sellers' files write it (see TIMES_ACCEPTED), read in `zone` when it has no
    offset; ValueError saying what is accepted otherwise."""
    value = text.strip()
    slashed = _SLASHED.fullmatch(value)
    try:
        if slashed:
            moment = _in_range(datetime(*(int(part or 0) for part in slashed.groups())))
        else:
            moment = parse_iso(value)
    except ValueError as exc:
        said = exc.args[0] if exc.args else None
        if isinstance(said, Msg):  # out of the years we take
            raise ValueError(msg("{value}: {problem}", value=excerpt(text), problem=said)) from None
        raise ValueError(
            msg(
                "{value} is not an ISO 8601 time nor YYYY/MM/DD HH:MM[:SS]; use {accepted}",
                value=excerpt(text),
                accepted=TIMES_ACCEPTED,
            )
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def parse_cell_time(value: object, zone: tzinfo) -> datetime:
    """A time from a table cell: text (see parse_time), a datetime, or an Excel serial
    number (days since 1899-12-30, the fraction the time of day), read in `zone` when it
    carries no offset; ValueError otherwise."""
    if isinstance(value, datetime):
        moment = _in_range(value)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if not 1 <= value < 2_958_466:  # up to 9999-12-31
            raise ValueError(msg("{value!r} is not an Excel date serial number", value=value))
        # Rounded to the second: a serial's float fraction misses times by microseconds.
        moment = _in_range(EXCEL_EPOCH + timedelta(seconds=round(value * 86_400)))
    elif isinstance(value, str):
        return parse_time(value, zone)
    else:
        raise ValueError(msg("{value!r} is not a time", value=value))
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def _in_range(moment: datetime) -> datetime:
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise ValueError(
            msg("the year must be between {first} and {last}", first=FIRST_YEAR, last=LAST_YEAR)
        )
    return moment


class NotARegularFile(OSError):
    """A device, a pipe or a socket stands where a file is to be written."""


def write_atomically(path: Path, data: bytes) -> None:
    """Write `path` whole or not at all (a temporary file beside it, renamed into place),
    with the permissions the umask gives any new file. Only a regular file is replaced:
    renaming over a device (`memory export /dev/full`) would put a plain file there."""
    import secrets
    import stat

    try:
        mode = os.stat(path).st_mode
    except OSError:
        mode = None  # missing, or its folder is not there: the open below says which
    if mode is not None and not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        raise NotARegularFile(errno.EEXIST, "not a regular file", str(path))
    # Not mkstemp: its files are 0600, unreadable to a team sharing the folder. A fresh
    # name opened with 0666 gets whatever the umask allows, like any other new file.
    tmp = path.with_name(f".{path.name[:64]}.{secrets.token_hex(4)}.part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def save_file(path: Path, data: bytes) -> None:
    """`write_atomically`, with what can go wrong on the user's side (a folder named as the
    file, a missing folder, a name too long, no permission, a full disk) a BadInput naming
    the path."""
    try:
        write_atomically(path, data)
    except OSError as exc:
        raise BadInput(
            f"{echoed(str(path))}: cannot write it: {_write_problem(path, exc)}"
        ) from None


def _write_problem(path: Path, exc: OSError) -> str:
    if isinstance(exc, NotARegularFile):
        return "it is a device, a pipe or a socket, not a file; give the name of a file"
    if exc.errno == errno.ENAMETOOLONG:
        return "the name is too long for this system"
    if isinstance(exc, IsADirectoryError) or os.path.isdir(path):
        return "it is a folder; give a file name"
    if isinstance(exc, FileNotFoundError) and path.parent.is_dir():
        # /proc and /sys say "no such file" to a new one: the folder is there, and refuses
        return (
            f"the folder {path.parent} takes no new files (a system folder such as /proc?); "
            "write it to another folder"
        )
    if isinstance(exc, FileNotFoundError):
        return f"the folder {path.parent} does not exist; create it first"
    if isinstance(exc, NotADirectoryError):
        return "a part of its folder is a file, not a folder"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return str(exc.strerror or exc)
