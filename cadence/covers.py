"""Cover images: a perceptual hash per video, so a re-upload of an earlier video is caught."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from config.errors import AppError
from config.i18n import Text, msg


class CoverError(AppError):
    """A cover image that cannot be read."""

    def __init__(self, path: Path | str, problem: Text) -> None:
        super().__init__(
            msg("{path}: cannot use as a cover image: {problem}", path=str(path), problem=problem)
        )


def cover_hash(path: Path) -> str:
    """The 64-bit perceptual hash (pHash) of an image file, as 16 hex digits."""
    import imagehash
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            img.draft("RGB", (256, 256))  # JPEG: decode small, hashing needs 32x32
            return str(imagehash.phash(ImageOps.exif_transpose(img)))
    except FileNotFoundError:
        raise CoverError(path, msg("no such file")) from None
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise CoverError(path, str(exc) or type(exc).__name__) from None


def distance(a: str, b: str) -> int:
    """Hamming distance between two hex hashes of the same length."""
    return bin(int(a, 16) ^ int(b, 16)).count("1")


def nearest_duplicate(
    digest: str, earlier: Iterable[tuple[str, str]], threshold: int
) -> str | None:
    """The id of the earlier video whose cover is within `threshold` bits, closest first."""
    best: tuple[int, str] | None = None
    for video_id, other in earlier:
        if len(other) != len(digest):
            continue
        d = distance(digest, other)
        if d <= threshold and (best is None or d < best[0]):
            best = (d, video_id)
    return best[1] if best else None
