"""What an item screen shows, gathered off the UI thread: the claimed entry, the item it
replaces (when its source changed) and its images, read and shrunk for the terminal (after
the item's text is on screen: `load_pictures`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from config.i18n import Text, msg
from localize import review
from store.item_rows import Record

if TYPE_CHECKING:  # Pillow is imported when the pictures are read, after the first paint
    from PIL import Image as PILImage

THUMBNAIL = (480, 480)  # pixels: plenty for a terminal cell grid, quick to read


@dataclass
class Picture:
    """One listing image: the original beside the captioned one, each with its path."""

    original: str
    captioned: str | None
    caption: bool = True  # the captioned one carries the caption (else only its text replaced)
    original_image: PILImage.Image | None = None
    captioned_image: PILImage.Image | None = None
    problems: list[Text] = field(default_factory=list)
    regions: list[Text] = field(default_factory=list)  # the text found on it, a region a line


@dataclass
class Opened:
    """An item as its screen shows it."""

    entry: review.Entry
    previous: Record | None  # the approved translation its new source replaces
    pictures: list[Picture]

    @property
    def findings(self) -> list[dict[str, Any]]:
        """The item's findings as stored."""
        return list(self.entry.item.findings)


def load_picture(path: str) -> tuple[PILImage.Image | None, Text | None]:
    """A small RGB copy of a local image, or why there is none."""
    from PIL import Image as PILImage

    if "://" in path:
        return None, msg("{path}: remote, not shown", path=path)
    try:
        with PILImage.open(path) as image:
            image.draft("RGB", THUMBNAIL)  # JPEG: decode at a fraction of the size
            small = image.convert("RGB")
            small.thumbnail(THUMBNAIL)
            return small, None
    except (OSError, ValueError, PILImage.DecompressionBombError) as exc:
        return None, msg("{path}: cannot be shown ({kind})", path=path, kind=type(exc).__name__)


def open_item(store: Engine, entry: review.Entry) -> Opened:
    """Everything the item's screen needs, read now; its images by `load_pictures`."""
    pictures = []
    shown = entry.as_dict()
    for n, pair in enumerate(shown["images"], start=1):
        picture = Picture(pair["original"], pair["captioned"], pair["caption"])
        regions = [r for r in shown["regions"] if r["image"] == n]
        picture.regions = [review.describe_region(r) for r in regions]
        pictures.append(picture)
    previous = review.superseded(store, entry)
    if previous is not None or entry.item.state == "stale":  # else nothing changed: no query
        entry = review.with_source_change(store, entry, previous)
    return Opened(entry, previous, pictures)


def load_pictures(opened: Opened) -> None:
    """Read the item's images (each original and captioned one), or say why one cannot be
    shown."""
    for picture in opened.pictures:
        picture.original_image, problem = load_picture(picture.original)
        picture.problems += [problem] if problem else []
        if picture.captioned:
            picture.captioned_image, problem = load_picture(picture.captioned)
            picture.problems += [problem] if problem else []
