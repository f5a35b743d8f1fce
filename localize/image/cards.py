"""The card a block of text sits on: a panel of one colour closed all round (a price card,
a badge, a sticker's label), found on the clean plate around the block's lines. A line
set on a card's centre stays on it, and the card's width, less a margin, is its room: not
the Chinese line's own box (trial-img11 g03: "Final / price" wrapped against the card's
top, "Was £14.19" right of its centre).

Pure over arrays: the plate (H x W x 3, uint8) and boxes in its pixels.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

TOL = 14  # per channel: px this near the seed's colour are the card's (as erase.PANEL_TOL)
FILLED = 0.8  # of its box: a card fills at least this much of it (rounded corners cut)
MOST = 0.5  # of the image's area: a panel larger than this is the page, not a card
WIDER = 1.15  # a card is at least this much wider than the lines' box (else: a tight band)
MARGIN = 0.05  # of the card's width: what its lines keep from its sides
ON_AXIS = 0.04  # of the card's width (and at least AXIS_INK of the ink height): a line's
AXIS_INK = 0.3  # centre this near the card's is set on the card's centre


@dataclass(frozen=True)
class Card:
    """A card: its box in the image (left, top, right, bottom; right and bottom past it)."""

    box: tuple[int, int, int, int]

    @property
    def axis(self) -> float:
        """The card's centre, across: the axis its centred lines share."""
        return (self.box[0] + self.box[2]) / 2

    @property
    def margin(self) -> int:
        """What the card's lines keep from its sides, px."""
        return max(2, round(MARGIN * (self.box[2] - self.box[0])))

    def centres(self, box: tuple[float, float, float, float], ink: float) -> bool:
        """Whether lines of `box` (their ink `ink` px tall) were set on the card's centre."""
        near = max(ON_AXIS * (self.box[2] - self.box[0]), AXIS_INK * ink)
        return abs((box[0] + box[2]) / 2 - self.axis) <= near


def cards_of(
    rgb: Any, wanted: list[tuple[tuple[float, float, float, float], Any]]
) -> list[Card | None]:
    """The card each (box, background) of `wanted` sits on, or None: the px near that
    colour connected to the lines' own (flood-filled from the one nearest it inside their
    box), when they fill FILLED of their box, reach no edge of the image, cover at most
    MOST of it and are wider than the lines (WIDER). The plate is copied once for them all
    (OpenCV's flood fill takes a writable frame: a 3000 px one is 27 MB), and a box whose
    seed lies in a panel already filled takes that panel's answer (a page filled once, not
    once per line on it)."""
    import numpy as np

    if not wanted:
        return []
    work = np.array(rgb, np.uint8, copy=True, order="C")
    owner = np.zeros(work.shape[:2], np.uint8)  # which fill (1..255) took each px
    found: list[Card | None] = [None]
    out: list[Card | None] = []
    for box, background in wanted:
        seed = _seed(work, box, background)
        if seed is None:
            out.append(None)
        elif owner[seed[1], seed[0]]:
            out.append(found[owner[seed[1], seed[0]]])
        else:
            card, filled = _card_from(work, box, seed)
            out.append(card)
            if len(found) < 256:
                owner[filled] = len(found)
                found.append(card)
    return out


def _seed(rgb: Any, box: tuple[float, float, float, float], background: Any) -> Any:
    """The px (x, y) inside `box` nearest `background`, when within TOL of it; else None."""
    import numpy as np

    height, width = rgb.shape[:2]
    x0, y0 = max(0, int(box[0])), max(0, int(box[1]))
    x1, y1 = min(width, int(np.ceil(box[2]))), min(height, int(np.ceil(box[3])))
    if x1 <= x0 or y1 <= y0:
        return None
    inside = rgb[y0:y1, x0:x1].astype(np.int16)
    off = np.abs(inside - np.asarray(background, np.int16)).max(axis=2)
    if off.min() > TOL:
        return None
    sy, sx = np.unravel_index(int(off.argmin()), off.shape)
    return int(x0 + sx), int(y0 + sy)


def _card_from(
    rgb: Any, box: tuple[float, float, float, float], seed: tuple[int, int]
) -> tuple[Card | None, Any]:
    """The card filled from `seed` under the lines of `box` (None: no card), and the px
    filled (boolean, the frame's size)."""
    import cv2
    import numpy as np

    height, width = rgb.shape[:2]
    mask = np.zeros((height + 2, width + 2), np.uint8)
    flags = 4 | cv2.FLOODFILL_FIXED_RANGE | cv2.FLOODFILL_MASK_ONLY | (255 << 8)
    area, _, _, (left, top, w, h) = cv2.floodFill(rgb, mask, seed, 0, (TOL,) * 3, (TOL,) * 3, flags)
    filled = mask[1:-1, 1:-1] > 0
    right, bottom = left + w, top + h
    if left <= 0 or top <= 0 or right >= width or bottom >= height:
        return None, filled  # the page, or a band running off the image
    if area < FILLED * w * h or w * h > MOST * width * height:
        return None, filled
    if w < WIDER * (box[2] - box[0]) or left > box[0] + 1 or right < box[2] - 1:
        return None, filled
    return Card((left, top, right, bottom)), filled
