"""Test images made on the spot: a photo-like picture and every kind of hostile input."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from PIL import Image, ImageDraw


def photo(size: tuple[int, int] = (600, 600), seed: int = 0) -> Image.Image:
    """A deterministic, busy, photo-like RGB picture."""
    w, h = size
    img = Image.new("RGB", size, (200, 180, 150))
    draw = ImageDraw.Draw(img)
    for i in range(0, max(w, h), 24):
        draw.line((0, i, w, h - i), fill=((255 - i // 3 + seed) % 256, i // 3 % 256, 120), width=8)
    draw.ellipse((w // 4, h // 5, w // 2, h // 2), fill=(250, 250, 245))
    return img


def save(img: Image.Image, path: Path, **kw) -> Path:  # type: ignore[no-untyped-def]
    img.save(path, **kw)
    return path


def huge_png_header(path: Path, width: int, height: int) -> Path:
    """A tiny file whose header claims an enormous image (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + chunk(b"IEND", b"")
    )
    return path
