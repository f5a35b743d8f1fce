"""Glyphs the OCR's detection left out at a line's ends: a bare stroke (一, 丨), a dot or a
dash-like character stands beside the box it drew, in the line's own colour, on the same
panel (trial 13 g01: 一键开盖 boxed and read as 键开盖; the 一 was never erased and read as
a dash before the translation). Such ink, lying along the line within about one
character's width of its end and closed in by the line's background, belongs to the line:
its box is widened to take it in (and the line read again over it, ocr.py).

Pure NumPy over the picture's array (H x W x 3 uint8) and upright boxes (left, top,
right, bottom, right and bottom exclusive).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

Box = tuple[int, int, int, int]

REACH = 1.3  # how far beyond a line's end ink is looked for, in line heights (a character)
GAP = 0.5  # ... the furthest its nearest edge may be from the box, in line heights
BEYOND = 0.3  # the band looked in reaches this much above and below the line (its heights)
LEAST_CONTRAST = 60.0  # text and background closer than this (RGB distance): not looked for
INK = 0.3  # a pixel within this share of the contrast of the text's colour is ink
LEAST_AREA = 0.004  # ... a glyph's ink covers at least this share of a line height squared
LEAST_SIDE = 0.12  # ... and spans at least this share of a line height, across or down
MOST_SIDE = 1.1  # ... and no more than this many line heights either way (not an icon)
GROUND = 0.25  # what surrounds it lies within this share of the contrast of the background
PAD = 0.1  # the widened box reaches this share of a line height beyond the ink taken in


def colours(rgb: Any, box: Box) -> tuple[Any, Any] | None:
    """The background and text colours of the line in `box` on `rgb` (float RGB arrays):
    the background the median of the box's edge pixels (an OCR box is padded around its
    glyphs), the text the median of the pixels furthest from it. None when the box is too
    small or the two are too alike to tell ink from ground."""
    import numpy as np

    left, top, right, bottom = box
    patch = rgb[top:bottom, left:right].astype(np.float32)
    if patch.shape[0] < 4 or patch.shape[1] < 4:
        return None
    edge = np.concatenate([patch[0], patch[-1], patch[:, 0], patch[:, -1]])
    ground = np.median(edge, axis=0)
    far = np.linalg.norm(patch - ground, axis=2)
    if far.max() < LEAST_CONTRAST:
        return None
    text = np.median(patch[far >= 0.7 * far.max()], axis=0)
    if np.linalg.norm(text - ground) < LEAST_CONTRAST:
        return None
    return ground, text


def widened(rgb: Any, box: Box, others: Sequence[Box] = ()) -> Box:
    """`box` (a line, upright: across when wider than tall, else a column read downwards)
    taken out to the ink of a glyph the detection left beyond either end of it: ink of
    the line's colour whose blob lies inside the line's band, within REACH line heights,
    no larger than a character, clear of every box of `others` and surrounded by the
    line's own background. `box` as it is when nothing is there."""
    import numpy as np

    left, top, right, bottom = box
    if right - left < bottom - top:  # a column: its ends are above and below
        turned = widened(
            np.transpose(rgb, (1, 0, 2)),
            (top, left, bottom, right),
            [(t, le, b, r) for le, t, r, b in others],
        )
        return (turned[1], turned[0], turned[3], turned[2])
    found = colours(rgb, box)
    if found is None:
        return box
    ground, text = found
    contrast = float(np.linalg.norm(text - ground))
    height = bottom - top
    reach = max(2, round(REACH * height))
    start = _end(rgb, box, others, ground, text, contrast, reach, before=True)
    end = _end(rgb, box, others, ground, text, contrast, reach, before=False)
    return (left if start is None else start, top, right if end is None else end, bottom)


def _end(
    rgb: Any,
    box: Box,
    others: Sequence[Box],
    ground: Any,
    text: Any,
    contrast: float,
    reach: int,
    before: bool,
) -> int | None:
    """The new left (`before`) or right edge of `box` taking in a glyph's ink beyond it, or
    None when none is there."""
    import cv2
    import numpy as np

    left, top, right, bottom = box
    height = bottom - top
    size_y, size_x = rgb.shape[:2]
    beyond = max(1, round(BEYOND * height))
    y0, y1 = top - beyond, bottom + beyond
    x0, x1 = (left - reach, left) if before else (right, right + reach)
    if y0 < 0 or y1 > size_y or x0 < 0 or x1 > size_x:
        return None  # the band runs off the picture: nothing closed in can be told there
    window = rgb[y0:y1, x0:x1].astype(np.float32)
    to_text = np.linalg.norm(window - text, axis=2)
    to_ground = np.linalg.norm(window - ground, axis=2)
    ink = (to_text < INK * contrast) & (to_text < to_ground)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), 8)
    taken: list[tuple[int, int]] = []
    for n in range(1, count):
        x, y, w, h, area = (int(v) for v in stats[n])
        outer = x == 0 if before else x + w == x1 - x0
        if y == 0 or y + h == y1 - y0 or outer:
            continue  # runs on out of the band: a panel's edge, a shape, not a glyph
        if y < beyond or y + h > beyond + height:
            continue  # not along the line
        if area < LEAST_AREA * height * height or max(w, h) < LEAST_SIDE * height:
            continue  # a speck
        if max(w, h) > MOST_SIDE * height:
            continue
        gap = (x1 - x0) - (x + w) if before else x
        if gap > GAP * height:
            continue
        blob = (x0 + x, y0 + y, x0 + x + w, y0 + y + h)
        if any(_overlaps(blob, o) for o in others):
            continue
        if not _on_ground(labels == n, ink, to_ground, contrast):
            continue
        taken.append((blob[0], blob[2]))
    if not taken:
        return None
    pad = max(2, round(PAD * height))
    if before:
        return max(0, min(a for a, _ in taken) - pad)
    return min(size_x, max(b for _, b in taken) + pad)


def _on_ground(blob: Any, ink: Any, to_ground: Any, contrast: float) -> bool:
    """Whether what surrounds `blob` (a mask on the window), ink aside, is the line's own
    background: the ring a few pixels out from it."""
    import cv2
    import numpy as np

    grown = cv2.dilate(blob.astype(np.uint8), np.ones((7, 7), np.uint8)).astype(bool)
    ring = grown & ~ink
    if not ring.any():
        return False
    return float(np.median(to_ground[ring])) < GROUND * contrast


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
