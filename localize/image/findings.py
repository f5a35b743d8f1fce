"""The codes of the item findings the image stages write and the review reads: plain names,
so that the review queue shows an item's regions and captions without importing the image
pipeline (OCR, fonts, Pillow, the settings) before the reviewer's first item is on screen."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from config.i18n import Msg, stored

FINDING = "image_text"  # the finding that carries one image's region records (regions.py)
NOWHERE = "caption_on_no_image"  # the caption is drawn on none of the listing's images
CHINESE_LEFT = "chinese_on_image"  # supplier Chinese a caption-only run leaves on an image


def carries_caption(findings: Sequence[Mapping[str, Any]], image: int) -> bool:
    """Whether image `image` (0-based) of an item, as drawn, carries its caption: not when
    the caption goes on no image, nor when the image's text finding says it was drawn
    without one (its text replaced: `caption_images = "all-but-first"` leaves the first
    clean, an item without a caption has none)."""
    for f in findings:
        if f.get("code") == NOWHERE:
            return False
        if f.get("code") == FINDING and f.get("image") == image and f.get("caption") is False:
            return False
    return True


def image_finding(code: str, severity: str, image: int, said: Msg) -> dict[str, Any]:
    """A finding about image `image` (0-based): its English message, and the message stored
    to be shown in the reader's language."""
    return {
        "code": code,
        "severity": severity,
        "message": str(said),
        "says": stored(said),
        "image": image,
    }
