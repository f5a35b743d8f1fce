"""The output stage: an image encoded in the format its file name says, within the
market's byte limit, written atomically; and file names that cannot leave their folder."""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from pathlib import Path
from typing import Any

from config.errors import AppError, BadInput, ExitCode, echoed
from config.files import write_atomically
from config.i18n import Text, msg
from config.markets import ImageRules

# The formats we write, by the file name's extension (TikTok Shop takes JPEG and PNG).
SUFFIX_FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG"}
JPEG_QUALITIES = (92, 85, 78, 70, 60)
PNG_LEVELS = (6, 9)


class ImageOutputError(AppError):
    """An image that could not be written: which file, and why."""

    exit_code = ExitCode.FAILURES

    def __init__(self, path: Path | str, problem: Text) -> None:
        self.path = str(path)
        super().__init__(msg("{path}: {problem}", path=str(path), problem=problem))


def output_format(path: Path, rules: ImageRules) -> str:
    """The format a file name asks for, or BadInput when the market does not take it."""
    fmt = SUFFIX_FORMATS.get(path.suffix.lower())
    if fmt is None or fmt not in rules.formats:
        usable = ", ".join(s for s, f in SUFFIX_FORMATS.items() if f in rules.formats)
        raise BadInput(
            f"{echoed(str(path))}: cannot write "
            f"{echoed(path.suffix, 40) or 'a file without an extension'}; "
            f"name it with one of {usable}"
        )
    return fmt


def suffix_for(src: Path, rules: ImageRules) -> str:
    """The extension of an output named after its input: PNG stays PNG where allowed."""
    if src.suffix.lower() == ".png" and "PNG" in rules.formats:
        return ".png"
    return ".jpg"


def encode(img: Any, fmt: str, max_bytes: int, out: Path) -> bytes:
    """The image in `fmt` within `max_bytes` (JPEG quality lowered as needed), or
    ImageOutputError; never other bytes than the format its name promises."""
    for setting in PNG_LEVELS if fmt == "PNG" else JPEG_QUALITIES:
        buf = io.BytesIO()
        if fmt == "PNG":
            img.save(buf, "PNG", optimize=False, compress_level=setting)
        else:
            img.save(buf, "JPEG", quality=setting, optimize=True, progressive=True)
        if buf.tell() <= max_bytes:
            return buf.getvalue()
    most = f"{max_bytes / 1024 / 1024:g}"
    raise ImageOutputError(
        out,
        msg("cannot be saved as {format} within {mb} MB; write it as .jpg", format=fmt, mb=most)
        if fmt == "PNG"
        else msg("cannot be saved as {format} within {mb} MB", format=fmt, mb=most),
    )


def save(img: Any, out: Path, rules: ImageRules) -> int:
    """Write `img` to `out` atomically in the format its name says; the bytes written."""
    data = encode(img, output_format(out, rules), rules.max_bytes, out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(out, data)
    except (FileExistsError, NotADirectoryError):
        raise ImageOutputError(
            out, msg("{path} is a file, not a folder", path=str(_file_above(out)))
        ) from None
    except OSError as exc:  # full disk, read-only folder, a name over 255 bytes
        raise ImageOutputError(
            out, msg("cannot be written: {reason}", reason=str(exc.strerror or exc))
        ) from None
    return len(data)


def _file_above(out: Path) -> Path:
    """The existing file that stands where a folder of `out`'s path should be."""
    for parent in reversed(out.parents):
        if parent.exists() and not parent.is_dir():
            return parent
    return out.parent


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(name: str, suffix: str) -> str:
    """A file name from a SKU or product id that cannot leave its folder, nor start with
    `-` (a shell takes `-3-th...` for options: trial 31's product 产品-3)."""
    cleaned = _UNSAFE.sub("_", name).lstrip("._-").rstrip("._") or "image"
    return cleaned[:100] + suffix


def ascii_name(key: str) -> str:
    """A name of ASCII letters, digits and . _ - for a file TikTok sees (the pictures a
    seller uploads to its Media Center, named SKU-position): `key` itself when it is such a
    name already (`SKU-1`), else its safe form and a digest of it, so that two SKUs with
    nothing in ASCII (`红色款`, `蓝色款`: both `image` to safe_name, `item-HASH` here) never
    share a file; never starting with `-`."""
    cleaned = _UNSAFE.sub("_", key).strip("._-")
    if cleaned == key and len(key) <= 100:
        return key
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{cleaned[:80].rstrip('._-') or 'item'}-{digest}"


# What a readable name keeps: ASCII letters, digits and . _ -, as safe_name does, and any
# script's letters, digits and combining marks (Thai vowels, Vietnamese tones written
# apart); not spaces, punctuation, symbols, emoji, controls or bidi marks.
_KEPT_CATEGORIES = frozenset("LMN")
READABLE_MAX = 100  # characters of a readable name before its suffix ...
READABLE_BYTES = 200  # ... and bytes: with "-99" and ".jpeg" it stays under 255 bytes


def _kept(c: str) -> bool:
    if c.isascii():
        return c.isalnum() or c in "._-"
    return unicodedata.category(c)[0] in _KEPT_CATEGORIES


def readable_name(name: str, suffix: str) -> str:
    """The output file name `localize image` gives an input named `name`, readable as the
    seller named it: `红色 横幅` is `红色_横幅` (each run of what is not kept a `_`, as
    safe_name does, so an ASCII name is what it always was), never starting with `-` or
    `.` (a shell option, a hidden file), `image` when nothing readable is left, at most 100
    characters and 200 bytes. Not for names that are stored or that TikTok sees: those are
    safe_name's."""
    marked = "".join(c if _kept(c) else "\0" for c in unicodedata.normalize("NFC", name))
    cleaned = re.sub("\0+", "_", marked).lstrip("._-").rstrip("._") or "image"
    cut = cleaned[:READABLE_MAX]
    while len(cut.encode()) > READABLE_BYTES:
        cut = cut[:-1]
    return cut + suffix


def same_on_disk(name: str) -> str:
    """`name` as a case-blind, normalising disk (macOS, Windows, a FAT stick) sees it: two
    names with one key are one file there."""
    return unicodedata.normalize("NFC", name).casefold()


def distinct_name(name: str, suffix: str = "", *, key: str | None = None, limit: int = 100) -> str:
    """A file name from `name` that no other name shares: `name` itself when it is safe,
    short enough and lower case (a case-blind disk would take `P1` for `p1`), else a
    readable prefix of its safe form and a digest of `key` (what the name stands for, all
    of it; `name` by default), so `a/b` and `a_b`, or two long ids that differ only at the
    end, part."""
    cleaned = safe_name(name, "")
    if cleaned == name and name == name.lower() and len(name) <= limit:
        return name + suffix
    whole = name if key is None else key
    digest = hashlib.sha256(whole.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"{cleaned[: limit - len(digest) - 1]}-{digest}{suffix}"
