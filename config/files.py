"""Reading what sellers hand us: their exported files and the times written in them."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from config.errors import BadInput


def read_text(path: Path) -> str:
    """A seller's text file: UTF-8 (with or without BOM), else GB18030 as Excel on a
    Chinese Windows saves CSV; BadInput naming the file otherwise."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise BadInput(f"{path}: no such file") from None
    except OSError as exc:
        raise BadInput(f"{path}: cannot read it: {exc.strerror}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return raw.decode("gb18030")
        except UnicodeDecodeError:
            raise BadInput(f"{path}: not UTF-8 or GB18030 text; save it as CSV UTF-8") from None


def parse_iso(text: str) -> datetime:
    """An ISO 8601 time, 'Z' accepted; naive when it has no offset (ValueError if not ISO)."""
    value = text.strip()
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    return datetime.fromisoformat(value)


def write_atomically(path: Path, data: bytes) -> None:
    """Write `path` whole or not at all (a temporary file beside it, renamed into place),
    with the permissions the umask gives any new file."""
    import os
    import secrets

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
