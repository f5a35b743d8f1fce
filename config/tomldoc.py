"""TOML configuration files read with the line of every table and key, so that each
problem found in them names its key path and its line."""

from __future__ import annotations

import re
import stat
import tomllib
from collections.abc import Collection
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from config.errors import ConfigError
from config.i18n import Joined, Msg, Text, msg

Loc = tuple[str | int, ...]
MAX_BYTES = 10 * 1024 * 1024

_BARE = re.compile(r"[A-Za-z0-9_-]+")
_BASIC = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_LITERAL = re.compile(r"'[^'\n]*'")
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


@dataclass(frozen=True)
class TomlDocument:
    """A parsed TOML file: its data, and the line where each table and key is written."""

    shown: str
    data: dict[str, Any]
    text: str = ""  # the source, for `lines`

    @cached_property
    def lines(self) -> dict[Loc, int]:
        """Every key's line: scanned only when a message needs one (a 1,000-shop file takes
        70 ms to scan, on every command)."""
        return key_lines(self.text)

    def line(self, loc: tuple[Any, ...]) -> int | None:
        """The line of `loc` (a key path with list indices), else of its nearest written
        parent (a missing key is reported at its table's header)."""
        for end in range(len(loc), 0, -1):
            found = self.lines.get(tuple(loc[:end]))
            if found is not None:
                return found
        return None

    def where(self, loc: tuple[Any, ...]) -> Text:
        """`shops[0].translation.engine (line 5)`, for messages."""
        key = key_path(loc)
        line = self.line(loc)
        if not key:
            return msg("top level")
        return msg("{key} (line {line})", key=key, line=line) if line else key


def key_path(loc: tuple[Any, ...]) -> str:
    """A key path as users write it: `shops[1].translation.engine`."""
    # pydantic puts "[key]" after a dict key whose name itself is wrong
    parts = (p for p in loc if p != "[key]")
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts).lstrip(".")


def read(path: Path | str, *, missing: Text) -> TomlDocument:
    """Read and parse a TOML file; ConfigError naming it when it is missing (`missing` says
    what to do then), unreadable, not UTF-8 or not TOML."""
    shown = str(path)
    return parse(decode(content(path, missing=missing), shown), shown)


def content(path: Path | str, *, missing: Text) -> bytes:
    """The bytes of a configuration file; ConfigError naming it when it is missing, not a
    regular file (a pipe hangs, /dev/zero never ends), too large or unreadable."""
    shown = str(path)
    try:
        info = Path(path).stat()
        if stat.S_ISDIR(info.st_mode):
            raise ConfigError(shown, msg("is a folder, not a TOML file"))
        if not stat.S_ISREG(info.st_mode):  # /dev/zero would never end
            raise ConfigError(shown, msg("is not a regular file (a device, pipe or socket)"))
        if info.st_size > MAX_BYTES:
            raise ConfigError(
                shown, msg("{size:,} bytes; a configuration file is smaller", size=info.st_size)
            )
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise ConfigError(shown, missing) from None
    except OSError as exc:
        problem = msg("cannot read the file: {reason}", reason=exc.strerror or str(exc))
        raise ConfigError(shown, problem) from None
    return raw


def decode(raw: bytes, shown: str) -> str:
    """The text of a TOML file, which must be UTF-8 (a BOM, as Notepad writes, is allowed)."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(
            shown,
            msg(
                "line {line}: the file is not UTF-8 text (byte 0x{byte:02x}; files saved as "
                "GBK/ANSI on a Chinese Windows look like this); save it as UTF-8",
                line=line,
                byte=raw[exc.start],
            ),
        ) from None


def parse(text: str, shown: str) -> TomlDocument:
    """Parse TOML text; ConfigError naming `shown` and the line when it is not valid."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(shown, msg("not valid TOML: {reason}", reason=str(exc))) from None
    except RecursionError:
        nested = msg("not valid TOML: arrays or tables nested too deeply")
        raise ConfigError(shown, nested) from None
    return TomlDocument(shown, data, text)


def problem(error: Any, where: Text, *, template: str, echo: Collection[str] = ()) -> Text:
    """One pydantic error as users read it; values are echoed only for keys in `echo`
    (never URLs or secrets)."""
    kind = error["type"]
    if kind == "extra_forbidden":
        return msg(
            "{where}: unknown key; check its spelling against {template}",
            where=where,
            template=template,
        )
    if kind == "missing":
        return msg("{where}: required key is missing", where=where)
    message = pydantic_message(error)
    loc = tuple(error["loc"])
    name = next((p for p in reversed(loc) if isinstance(p, str)), "")
    value = error.get("input")
    if name in echo and isinstance(value, (str, int, float)) and kind != "value_error":
        return msg("{where}: {message} (got {value!r})", where=where, message=message, value=value)
    return msg("{where}: {message}", where=where, message=message)


def pydantic_message(error: Any) -> Text:
    """A pydantic error's message through the catalogs: its `type` and `ctx` make one of
    ours, whose English is pydantic's own; a validator's ValueError carrying a Msg is that
    message; any other type, pydantic's English as it is."""
    kind, ctx = error["type"], error.get("ctx") or {}
    raised = ctx.get("error")
    if kind == "value_error" and isinstance(raised, ValueError) and raised.args:
        if isinstance(raised.args[0], Msg):
            return raised.args[0]
    if kind == "literal_error" and isinstance(ctx.get("expected"), str):
        choices = re.split(r", | or ", ctx["expected"])
        if len(choices) == 1:
            return msg("Input should be {expected}", expected=choices[0])
        return msg(
            "Input should be {some} or {last}",
            some=Joined(choices[:-1], ", "),
            last=choices[-1],
        )
    plain = _PYDANTIC.get(kind)
    if plain is not None:
        return plain
    for key, bound in _BOUNDS.items():
        if kind == key[0] and key[1] in ctx:
            return msg(bound.text, **{key[1]: ctx[key[1]]})
    if kind in ("string_too_short", "string_too_long") and isinstance(ctx.get(_LENGTH[kind]), int):
        n = ctx[_LENGTH[kind]]
        if kind == "string_too_short":
            if n == 1:
                return msg("String should have at least {n} character", n=n)
            return msg("String should have at least {n} characters", n=n)
        if n == 1:
            return msg("String should have at most {n} character", n=n)
        return msg("String should have at most {n} characters", n=n)
    if kind in ("too_short", "too_long") and ctx.get("field_type") == "List":
        n, actual = ctx.get(_LENGTH[kind]), ctx.get("actual_length")
        if isinstance(n, int) and isinstance(actual, int):
            if kind == "too_short":
                if n == 1:
                    return msg(
                        "List should have at least {n} item after validation, not {actual}",
                        n=n,
                        actual=actual,
                    )
                return msg(
                    "List should have at least {n} items after validation, not {actual}",
                    n=n,
                    actual=actual,
                )
            if n == 1:
                return msg(
                    "List should have at most {n} item after validation, not {actual}",
                    n=n,
                    actual=actual,
                )
            return msg(
                "List should have at most {n} items after validation, not {actual}",
                n=n,
                actual=actual,
            )
    return str(error["msg"]).removeprefix("Value error, ")


# pydantic's messages without values, by error type (their English is pydantic's).
_PYDANTIC = {
    "int_type": msg("Input should be a valid integer"),
    "int_parsing": msg("Input should be a valid integer, unable to parse string as an integer"),
    "int_from_float": msg("Input should be a valid integer, got a number with a fractional part"),
    "float_type": msg("Input should be a valid number"),
    "float_parsing": msg("Input should be a valid number, unable to parse string as a number"),
    "bool_type": msg("Input should be a valid boolean"),
    "bool_parsing": msg("Input should be a valid boolean, unable to interpret input"),
    "string_type": msg("Input should be a valid string"),
    "list_type": msg("Input should be a valid list"),
    "dict_type": msg("Input should be a valid dictionary"),
}
# pydantic's bounds, by (error type, its ctx key).
_BOUNDS = {
    ("greater_than_equal", "ge"): msg("Input should be greater than or equal to {ge}"),
    ("greater_than", "gt"): msg("Input should be greater than {gt}"),
    ("less_than_equal", "le"): msg("Input should be less than or equal to {le}"),
    ("less_than", "lt"): msg("Input should be less than {lt}"),
}
_LENGTH = {
    "string_too_short": "min_length",
    "string_too_long": "max_length",
    "too_short": "min_length",
    "too_long": "max_length",
}


def key_lines(text: str) -> dict[Loc, int]:
    """The line of every table header and key of valid TOML text, by key path (arrays of
    tables get their index); values spanning lines (arrays, multi-line strings) skipped."""
    lines: dict[Loc, int] = {}
    counts: dict[Loc, int] = {}  # arrays of tables: how many seen, by concrete path
    table: Loc = ()
    scanner = _Scanner(text)
    while scanner.statement():
        number = scanner.line
        if scanner.peek("["):
            array = scanner.peek("[[")
            parts = scanner.key(start=2 if array else 1)
            parent = _concrete(parts[:-1], counts)
            for end in range(1, len(parent) + 1):  # tables this header defines implicitly
                lines.setdefault(parent[:end], number)
            table = (*parent, parts[-1])
            if array:
                counts[table] = counts.get(table, -1) + 1
                lines.setdefault(table, number)
                table = (*table, counts[table])
        else:
            parts = scanner.key(start=0)
            for end in range(1, len(parts) + 1):
                lines.setdefault((*table, *parts[:end]), number)
            scanner.value()
            continue
        lines.setdefault(table, number)
        scanner.rest_of_line()
    return lines


def _concrete(parts: tuple[str, ...], counts: dict[Loc, int]) -> Loc:
    """A header's key path with the current index after every array of tables in it."""
    path: Loc = ()
    for part in parts:
        path = (*path, part)
        if path in counts:
            path = (*path, counts[path])
    return path


class _Scanner:
    """Walks valid TOML text statement by statement, skipping strings and comments."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1

    def _advance(self, to: int) -> None:
        self.line += self.text.count("\n", self.pos, to)
        self.pos = to

    def _skip_blank(self, *, newlines: bool) -> None:
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == "#":
                end = self.text.find("\n", self.pos)
                self._advance(len(self.text) if end < 0 else end)
            elif char in " \t\r" or (newlines and char == "\n"):
                self._advance(self.pos + 1)
            else:
                return

    def statement(self) -> bool:
        """Move to the next table header or key; False at the end."""
        self._skip_blank(newlines=True)
        return self.pos < len(self.text)

    def peek(self, token: str) -> bool:
        """Whether the text here starts with `token`."""
        return self.text.startswith(token, self.pos)

    def key(self, *, start: int) -> tuple[str, ...]:
        """A dotted key (after `start` bracket characters), up to `=` or the header's end."""
        self._advance(self.pos + start)
        parts = []
        while True:
            self._skip_blank(newlines=False)
            parts.append(self._simple_key())
            self._skip_blank(newlines=False)
            if not self.peek("."):
                break
            self._advance(self.pos + 1)
        self._advance(self.pos + 1)  # the "=" or "]"
        return tuple(parts)

    def _simple_key(self) -> str:
        for pattern in (_BARE, _BASIC, _LITERAL):
            match = pattern.match(self.text, self.pos)
            if match:
                self._advance(match.end())
                token = match.group()
                if pattern is _BASIC:
                    return _unescape(token[1:-1])
                return token[1:-1] if pattern is _LITERAL else token
        raise ValueError(f"no key at offset {self.pos}")  # the text was valid TOML

    def value(self) -> None:
        """Skip one value, however many lines its arrays, tables and strings span."""
        depth = 0
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char in "\"'":
                self._string(char)
                continue
            if char == "#":
                self._skip_blank(newlines=False)
                continue
            if char in "[{":
                depth += 1
            elif char in "]}":
                depth -= 1
            elif char == "\n" and depth == 0:
                return
            self._advance(self.pos + 1)

    def rest_of_line(self) -> None:
        """Skip what follows a header on its line (a comment)."""
        end = self.text.find("\n", self.pos)
        self._advance(len(self.text) if end < 0 else end)

    def _string(self, quote: str) -> None:
        if self.peek(quote * 3):
            end = self.pos + 3
            while True:
                end = self.text.index(quote * 3, end)
                if quote == "'" or not _escaped(self.text, end):
                    break
                end += 1
            end += 3
            while self.text.startswith(quote, end):  # up to two quotes may end the content
                end += 1
            self._advance(end)
            return
        if quote == "'":
            self._advance(self.text.index("'", self.pos + 1) + 1)
            return
        match = _BASIC.match(self.text, self.pos)
        assert match is not None  # the text was valid TOML
        self._advance(match.end())


def _escaped(text: str, at: int) -> bool:
    backslashes = 0
    while at - backslashes - 1 >= 0 and text[at - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def _unescape(body: str) -> str:
    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] in "uU":
            return chr(int(code[1:], 16))
        return _ESCAPES.get(code, code)

    return re.sub(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", one, body)
