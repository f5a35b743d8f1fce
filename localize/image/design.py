"""Caption design decisions, pure: the part of an image every TikTok crop shows, the calmer
of top and bottom, and how an image outside the market's aspect range is reframed.

TikTok Shop shows main images cropped to 1:1 (search, feeds) and 3:4 (product page), so a
caption is kept inside the centred area both crops share. Nothing here imports Pillow.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

Box = tuple[int, int, int, int]  # left, top, right, bottom
CROP_ASPECTS = (1.0, 3 / 4)  # width / height of the crops TikTok shows
PHONE_WIDTH = 390  # pt: a phone's screen, across which a buyer sees a product image
LEGIBLE_ON_PHONE = 11  # pt: the smallest text style on a phone (Apple HIG: Caption 2, 11 pt)


def legible_size(width: int) -> int:
    """The smallest font size (px) text on an image `width` px wide reads at when a buyer
    sees the image across a phone's screen."""
    return round(width * LEGIBLE_ON_PHONE / PHONE_WIDTH)


def safe_area(width: int, height: int, aspects: Sequence[float] = CROP_ASPECTS) -> Box:
    """The centred box that every crop of `aspects` keeps of a `width`×`height` image."""
    keep_w = min([width] + [min(width, height * a) for a in aspects])
    keep_h = min([height] + [min(height, width / a) for a in aspects])
    left, top = (width - keep_w) / 2, (height - keep_h) / 2
    return (round(left), round(top), round(left + keep_w), round(top + keep_h))


def free_spot(candidates: Sequence[Box], covered: Callable[[Box], int]) -> tuple[Box, int]:
    """The first of `candidates` that `covered` (how many px of a box are taken by text or
    the product) finds free, else the least covered one, with how much it covers."""
    best, least = candidates[0], covered(candidates[0])
    for box in candidates:
        n = covered(box)
        if n == 0:
            return box, 0
        if n < least:
            best, least = box, n
    return best, least


def stripes(area: Box, height: int, first: str, step: int) -> list[Box]:
    """Every full-width band `height` tall inside `area`, the `first` edge's (top or
    bottom) first, then the other edge's, then the rest nearest an edge first."""
    left, top, right, bottom = area
    last = bottom - height
    if last < top:
        return []
    tops = list(range(top, last + 1, max(1, step))) + [last]
    ordered = sorted(set(tops), key=lambda y: min(y - top, last - y))
    edges = [top, last] if first == "top" else [last, top]
    return [(left, y, right, y + height) for y in edges + [y for y in ordered if y not in edges]]


def corners(area: Box, width: int, height: int, first: str) -> list[Box]:
    """The four corners of `area` for a badge `width` x `height`, on the `first` edge's
    side (top or bottom) first."""
    left, top, right, bottom = area
    rows = [top, bottom - height] if first == "top" else [bottom - height, top]
    return [(x, y, x + width, y + height) for y in rows for x in (left, right - width)]


def choose_position(position: str, top_detail: float, bottom_detail: float) -> str:
    """`top` or `bottom`: the shop's fixed choice, else the half with less detail (ties go
    to the bottom, where captions are expected)."""
    if position in ("top", "bottom"):
        return position
    return "top" if top_detail < bottom_detail else "bottom"


@dataclass(frozen=True)
class Reframe:
    """How an image is brought into the aspect range: a canvas it is pasted into at
    `offset` (padding), or a box cut out of it (cropping); neither when it already fits."""

    canvas: tuple[int, int] | None = None
    offset: tuple[int, int] = (0, 0)
    crop: Box | None = None

    @property
    def changed(self) -> bool:
        """Whether the image's frame changes at all."""
        return self.canvas is not None or self.crop is not None


def reframe(width: int, height: int, min_aspect: float, max_aspect: float, mode: str) -> Reframe:
    """Pad (or, with `mode` "crop", centre-crop) to the nearest aspect in range; never
    stretch: the picture keeps its own proportions either way."""
    aspect = width / height
    if min_aspect <= aspect <= max_aspect:
        return Reframe()
    target = max_aspect if aspect > max_aspect else min_aspect
    if mode == "crop":
        if aspect > target:  # too wide: keep the middle columns
            keep = int(height * target)  # rounded into the range, not out of it
            left = (width - keep) // 2
            return Reframe(crop=(left, 0, left + keep, height))
        keep = int(width / target)
        top = (height - keep) // 2
        return Reframe(crop=(0, top, width, top + keep))
    if aspect > target:  # too wide: add rows above and below
        tall = math.ceil(width / target)
        return Reframe(canvas=(width, tall), offset=(0, (tall - height) // 2))
    wide = math.ceil(height * target)
    return Reframe(canvas=(wide, height), offset=((wide - width) // 2, 0))
