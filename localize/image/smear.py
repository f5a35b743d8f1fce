"""Judging each erased region as a retoucher looks at it, independent of the panel the erase
chose (the erase's own score compares the fill with that panel, so a fill that smears the
product into the page can score well). Two kinds of doubt, each on a crop around one region,
comparing the image before erasing with the clean plate:

- **smear**: an edge entering the region from outside (the product's silhouette, a band,
  a table's rule) that the fill does not continue: strong where it crosses the region's
  side, faded a few pixels inside;
- **residue**: specks, ticks and blocky ghosts left inside the region: pixels standing out
  from their neighbourhood (what a disc a stroke wide cannot follow: morphological top-hat
  and black-hat keep specks, not edges) far more than the ring's own texture does; and a
  faint ghost of the whole letters (a few grey levels, under any speck's floor, a02's
  cells and a half-un-blended watermark): the plate's fine detail following the shape of
  what the erase changed, which a picture's own texture does not; and a line of a few
  levels along the letters' outline (a11's un-blended watermark): the plate's profile
  across the edge of what the erase changed, against the same profile moved off it; and a
  fill far calmer than the picture right around it (a smooth tan patch where wood's grain
  ran, a flat patch on marble's veins); and letters a copy brought in (a paragraph's next
  line, copied where its ring fits: strokes of the erased text's own ink); and a sliver of
  a translucent mark's tint left on an edge (c03), whose shade moved off the edge's two
  sides further than its colour did, where a JPEG's blur moves the colour further.

Each look names what it saw; the caller turns them into a warning naming the region.
There is no look for the seams between a texture copy's strips (outline-busy via OCR,
19.1 dB, self-scored 22.3): a column's step inside the fill against the same column
outside fired on checks, wood and marble's true background, and against the same rows'
straightest steps outside the fill (4.96 there, truth 0.9) it fired on the true
background of product (86), overhang-jpeg (106), card-edge (44) and watermark-photo (6.8),
and on wood's and wood-shadow's erases (6.0, 8.0) that pass their goals.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from config.i18n import Msg, msg, pmsg
from localize.image import morph
from localize.image.colors import binned, channel_total, largest_channel
from localize.image.ocr import Point

SMEAR, RESIDUE = "smear", "residue"  # what a look can find (a doubt's kind)
CROWDED = "crowded"  # (a doubt the erase itself raises: other text all around, no copy)
# which look saw a residue (a doubt's `look`; none: specks or ghosts)
SPECKS, CALM, VEINS, BROUGHT, TINT = "specks", "calm", "veins", "brought", "tint"
PAINTED = "painted"
HAZE = "haze"
REPEAT = "repeat"
CHANGED = 12  # per channel: a pixel the erase changed by more than this was erased
EDGE = 40.0  # per channel: a step this strong where an edge crosses the region's side
FADED = 0.35  # ... inside the region an edge keeping less than this of its step is smeared
STEP = 3  # px either side of a step, averaged
LINE_SIDE = 6  # px either side of a thin line (a marble's vein) its contrast is taken against
DEPTH = 10  # px inside the region where a crossing edge must still be seen
SPECK_FLOOR = 18.0  # grey levels: a pixel standing out less than this is never residue
SPECK_RING = 3.0  # ... nor less than this many times what the ring's 99th percentile does
SPECK_SHARE = 0.0015  # of the region's area standing out: residue
SPECK_LEAST = 12  # px: ... and at least this many
SPECK_SIZE = 0.8  # of the text's height: the longest a speck or ghost is
GHOST = 3.5  # grey levels of the letters' fine detail still on the plate: a faint ghost
OUTLINE_CHANGED = 6.0  # grey levels changed: the letters' (JPEG's noise changes less)
OUTLINE_REACH = 4  # px either side of the erase's edge where a letter's outline may lie
OUTLINE_BLUR = 4.0  # px: the plate's fine detail is what a blur this wide takes away
OUTLINE_CLIP = 12.0  # grey levels: fine detail past this is the picture's own edge
OUTLINE_RATIO = 2.5  # the profile across the letters' edges this many times that off them
OUTLINE_LEVELS = 0.6  # grey levels: ... and this much stronger: an outline still shows
GHOST_CHANGED = 3  # grey levels: a pixel the erase changed by more, the letters' shape
SPOT_AROUND = 7  # px: the median a speck of a few px is measured against (its surroundings)
SPOT_FLOOR = 30.0  # grey levels off its surroundings: a speck or bite (JPEG's noise is less)
SPOT_RING = 3.0  # ... and this many times what the ring's own 99.9th percentile is off
SPOT_SIZE = 0.08  # of the text's height: the longest a speck is (at least 3 px)
SPOT_LEAST = 3  # px: a speck this big at least (a lone pixel is noise)
SPOT_FEW = 8  # px of specks: enough to name (fewer, a band corner's sliver, a touch at most)
CALM_RING = 3.0  # grey levels off the local median, the ring's median: it is textured
CALM_RATIO = 4.0  # ... and the fill this many times calmer than it: a smooth patch on grain
CALM_BLUR = 1.5  # px: the grain of a photo, averaged out before its liveliness is taken
LINES_FLOOR = 30.0  # grey levels: a thin line (a vein) standing out this much off its sides
LINES_REACH = 3  # px either side of the edge of what the erase changed, lines compared on
LINES_MANY = 4  # lines reaching the letters' edges: a texture's (a ring or rule is one)
LINES_SHARE = 0.008  # of the pixels around the fill: the picture there is lined (marble)
INK_NEAR = 60.0  # a pixel within this of the ink's colour (sum over R, G, B) is ink
INK_BIN = 24  # levels per channel: colours alike enough to be one ink (as erase.py's bins)
INK_COMMON = 0.01  # of the pixels the erase changed, before: a colour this common is ink ...
INK_RARE = 4.0  # ... when this many times rarer around (as erase.py's `_same_ink`)
INK_SHARE = 0.1  # of what the erase changed, now strokes of that ink: letters brought in ...
INK_RICHER = 10.0  # ... and this many times the share of the ink around
PAINT_LETTERS = 0.5  # of the most the erase changed a pixel (99th pc): the letters' own
PAINT_CLEAR = 0.15  # of the text's height: pixels this far from them showed the picture
PAINT_LEVELS = 20.0  # levels on a channel: ... and one of those changed more was painted over
PAINT_RIM = 2  # px inside the box's edge: where a fill painted over the picture is cut off
PAINT_SHARE = 0.05  # of those pixels painted over: the picture between the letters is lost
HAZE_REACH = 0.25  # of the text's height: the fill's rim, and the picture's band around it
HAZE_LEVELS = 4.0  # levels toward the letters' colour: the fill's rim this far off the
HAZE_SPREAD = 1.5  # picture around it (and this many times that picture's own spread) ...
HAZE_CALM = 4.0  # ... on a calm picture (its spread at most this): a lighter box shows
HAZE_BAND = 2.0  # levels: the band just past the fill is the picture's own (no edge there)
HAZE_FAR = 3  # of the reach: how far past the fill the picture is taken
HAZE_SPAN = 40.0  # levels between the letters' colour and the picture's, at least
TINT_REACH = 4  # px either side of a pixel: the two sides of the edge it lies on
TINT_STEP = 30.0  # levels of brightness and of colour both: an edge between two colours
TINT_LEAD = 0.2  # of the step: brightness ahead of colour by this much is a mark's tint ...
TINT_RATIO = 1.5  # ... and this many times the picture's own untouched edges (99.9th pc)
TINT_STRIP = 128  # rows of the crop measured at once (a bound on the look's memory)
REPEAT_OFF = 3.0  # the fill off the pattern's own copy this many times the ring is off its
REPEAT_LEVELS = 10.0  # ... and by this many grey levels (RMS) more: the pattern is broken
REPEAT_LOOSE = 9.0  # grey levels (RMS): a surround off its own copies more repeats nothing
REPEAT_FIT = 0.45  # ... nor one off them by more than this share of its own spread
REPEAT_REACHED = 0.5  # of what the erase changed: a copy reaching less of it tells nothing
DETAIL_BLUR = 2.0  # px: the fine detail a pattern's lines are (the grey less its blur)
DETAIL_RING = 120  # px around the region, at least, a pattern's lattice is read over ...
DETAIL_HEIGHTS = 1.5  # ... and this many text heights (a tile's period spans the line)
DETAIL_OFF = 2.5  # the fill's detail off the pattern's copy this many times the ring's ...
DETAIL_LEVELS = 6.0  # ... and by this many grey levels (RMS) more: lines out of place


@dataclass(frozen=True)
class Before:
    """A region's surroundings as they were before erasing: the crop around it (`crop`:
    left, top, right, bottom in the image), the region grown as the erase grew it (`box`,
    in the crop), the text's height and the crop's pixels (H x W x 3 uint8)."""

    crop: tuple[int, int, int, int]
    box: tuple[int, int, int, int]
    text_height: int
    pixels: Any
    area: Any = None  # bool, over the crop: the region itself grown (a turned region's
    # box holds much off it: the edges of the panel it lies on); None: all of `box`
    wide: tuple[int, int, int, int] | None = None  # a wider crop (in the image), for a
    # pattern's lattice: tiles' grout a period apart (96 px) outreach the crop's ring
    wide_grey: Any = None  # its grey (uint8 H x W), as it was before erasing


def grown_box(polygon: Sequence[Point], grow: int, size: tuple[int, int]) -> tuple[int, ...]:
    """The box (left, top, right, bottom) the erase of `polygon` grown by `grow` may change,
    within an image of `size` (width, height)."""
    xs, ys = [p[0] for p in polygon], [p[1] for p in polygon]
    return (
        max(0, int(min(xs)) - grow),
        max(0, int(min(ys)) - grow),
        min(size[0], int(max(xs)) + grow + 1),
        min(size[1], int(max(ys)) + grow + 1),
    )


def before(img: Any, polygon: Sequence[Point], grow: int) -> Before | None:
    """What a region's surroundings look like on `img` (a PIL image) before it is erased;
    None for a region too small to judge. Only a crop is kept, never the whole frame."""
    import cv2
    import numpy as np

    x0, y0, x1, y1 = grown_box(polygon, grow, img.size)
    if x1 - x0 < 4 or y1 - y0 < 4:
        return None
    text_height = max(4, min(x1 - x0, y1 - y0) - 2 * grow)
    ring = max(6, round(0.5 * text_height))
    crop = (
        max(0, x0 - ring),
        max(0, y0 - ring),
        min(img.width, x1 + ring),
        min(img.height, y1 + ring),
    )
    box = (x0 - crop[0], y0 - crop[1], x1 - crop[0], y1 - crop[1])
    # (grown square: an upright region grown is its whole box)
    area = np.zeros((crop[3] - crop[1], crop[2] - crop[0]), np.uint8)
    shifted = np.array([(round(x - crop[0]), round(y - crop[1])) for x, y in polygon], np.int32)
    cv2.fillPoly(area, [shifted], 1)
    area = cv2.dilate(area, np.ones((2 * grow + 1, 2 * grow + 1), np.uint8)) > 0
    reach = max(ring, DETAIL_RING, round(DETAIL_HEIGHTS * text_height))
    wide = (max(0, x0 - reach), max(0, y0 - reach), min(img.width, x1 + reach))
    wide = (*wide, min(img.height, y1 + reach))
    return Before(
        crop, box, text_height, np.asarray(img.crop(crop)), area, wide, _grey_of(img, wide)
    )


def _grey_of(img: Any, box: tuple[int, int, int, int]) -> Any:
    """The grey of `img` (a PIL image) over `box` (`_grey`), as uint8."""
    import numpy as np

    return _grey(np.asarray(img.crop(box).convert("RGB"))).round().astype(np.uint8)


def judge(
    seen: Before, img: Any, others: Sequence[tuple[int, ...]] = ()
) -> tuple[dict[str, Any], ...]:
    """What looks wrong with one region's erase: `seen` its surroundings before erasing,
    `img` the image once every region is erased, `others` the grown boxes of the other
    regions erased (their text is no edge of the picture to continue); nothing when the
    erase passes. Each doubt is a plain dict (its `kind` and what it measured), as region
    records carry it into --json and the store; `said` words it."""
    previous = getattr(_judging, "shared", None)
    _judging.shared = {}  # (each look's greys of the two crops made once: `_greys`)
    try:
        return _judged(seen, img, others)
    finally:
        _judging.shared = previous


# what one `judge`'s looks share, made once (the greys of its two crops, `_calm`'s map):
# by the ids of the two crops, kept beside it so that no other array takes an id meanwhile
# (per thread: `shared`, a dict, while a judge runs in it)
_judging = threading.local()


def _judged(
    seen: Before, img: Any, others: Sequence[tuple[int, ...]] = ()
) -> tuple[dict[str, Any], ...]:
    """`judge`'s looks, in turn."""
    import numpy as np

    cx0, cy0, cx1, cy1 = seen.crop
    original = seen.pixels.astype(np.int16)
    plate = np.asarray(img.crop(seen.crop)).astype(np.int16)
    if not (largest_channel(np.abs(original - plate)) > CHANGED).any():
        return ()
    text = np.zeros(original.shape[:2], bool)
    for ox0, oy0, ox1, oy1 in others:
        text[max(0, oy0 - cy0) : max(0, oy1 - cy0), max(0, ox0 - cx0) : max(0, ox1 - cx0)] = True
    doubts = []
    side = _smeared(np.where(text[..., None], plate, original), plate, seen.box)
    if side:
        doubts.append({"kind": SMEAR, "side": side})
    height = seen.text_height
    # (the look that says most first: letters brought in are specks too, and a smooth
    # patch's rim may leave a few, but neither is what is left of the letters)
    px, look = _brought(original, plate, seen.box, height, text), BROUGHT
    if not px:
        px, look = _calm(original, plate, seen.box, height, text)
    if not px:
        px, look = painted(original, plate, seen.box, height, text), PAINTED
    if not px:  # (after the panel's look: a panel painted over lights is flat there too)
        px, look = _calm(original, plate, seen.box, height, text, whole=True)
    if not px:
        look = SPECKS
        px = (
            _residue(plate, seen.box, height, seen.area)
            or _spots(original, plate, seen.box, height)
            or _ghost(original, plate, seen.box, height)
            or _outline(original, plate, seen.box, height)
        )
    if not px:
        px, look = _tint(original, plate, seen.box, text), TINT
    if not px:
        px, look = _haze(original, plate, seen.box, height, text), HAZE
    extra: dict[str, Any] = {}
    if not px:
        px, period = _repeat(original, plate, seen.box, text, seen.area)
        if not px:
            px, period = _lines_moved(seen, img, original, plate, others)
        look, extra = REPEAT, {"period": period}
    if px:
        # (a look of its own past specks: older records, without one, were specks)
        look_said = {} if look == SPECKS else {"look": look}
        doubts.append({"kind": RESIDUE, "px": px} | look_said | extra)
    return tuple(doubts)


SIDES = {  # a region's sides, as a doubt names the one an edge enters at
    "top": pmsg("region side", "top"),
    "bottom": pmsg("region side", "bottom"),
    "left": pmsg("region side", "left"),
    "right": pmsg("region side", "right"),
}


def said(doubt: dict[str, Any]) -> Msg:
    """A doubt in the reviewer's words."""
    if doubt.get("kind") == SMEAR:
        side = SIDES.get(str(doubt.get("side")), str(doubt.get("side")))
        return msg("an edge entering at its {side} side is smeared, not continued", side=side)
    if doubt.get("kind") == CROWDED:
        return msg(
            "filled smoothly: other text all around it left no stretch of the picture to copy"
        )
    px = doubt.get("px", "?")
    look = doubt.get("look")
    if look == CALM:
        return msg("a smooth patch of {px} px where the picture around it is textured", px=px)
    if look == VEINS:
        return msg("the picture's lines stop at the letters' shape ({px} px)", px=px)
    if look == BROUGHT:
        return msg("{px} px of other letters copied into it", px=px)
    if look == PAINTED:
        return msg(
            "the picture between the letters is painted over ({px} px): its lights and colours"
            " stop at the text's box",
            px=px,
        )
    if look == HAZE:
        return msg(
            "a haze of the letters' colour is left over it ({px} px): a lighter box shows"
            " on the picture; retouch it, or cover it with the translation",
            px=px,
        )
    if look == TINT:
        return msg("a sliver of {px} px of the mark's tint left along an edge", px=px)
    if look == REPEAT:
        return msg(
            "the pattern around it (repeating every {period} px) is not continued through"
            " it ({px} px)",
            period=doubt.get("period", "?"),
            px=px,
        )
    return msg("{px} px of specks or ghosts left inside it", px=px)


def _steps(line: Any) -> Any:
    """The colour step at each position of a 1-D line of colours (N x 3): the largest
    channel difference between the STEP pixels after and the STEP pixels before it."""
    import numpy as np

    n = len(line)
    out = np.zeros(n)
    if n < 2 * STEP + 1:
        return out
    cum = np.vstack([np.zeros((1, 3)), np.cumsum(line, axis=0)])
    idx = np.arange(STEP, n - STEP)
    ahead = (cum[idx + STEP] - cum[idx]) / STEP
    behind = (cum[idx] - cum[idx - STEP]) / STEP
    out[STEP : n - STEP] = np.abs(ahead - behind).max(axis=1)
    return out


def _strength(line: Any) -> Any:
    """How strongly an edge or a thin line crosses each position of a 1-D line of colours
    (N x 3): the colour step there (`_steps`), or a line's contrast against the colours
    LINE_SIDE px either side of it, whichever is more. A marble's vein 3 px wide steps only
    36-40 levels over STEP px (under EDGE) though it is 80 off the white around it, so a
    flat fill cutting d02's veins off at the region's side was no smear."""
    import numpy as np

    out = _steps(line)
    k = LINE_SIDE
    if len(line) < 2 * k + 1:
        return out
    sides = (line[: -2 * k] + line[2 * k :]) / 2
    ridge = np.abs(line[k:-k] - sides).max(axis=1)
    out[k:-k] = np.maximum(out[k:-k], ridge)
    return out


def _line(pixels: Any, box: tuple[int, int, int, int], side: str, inward: int) -> Any:
    """The colours along one side of `box`, `inward` px inside it (outside when negative),
    averaged over 2 px across (None when that line is off the crop)."""
    bx0, by0, bx1, by1 = box
    at = {"top": by0 + inward, "bottom": by1 - 1 - inward}.get(side)
    if at is not None:
        if at < 1 or at + 1 >= pixels.shape[0]:
            return None
        return pixels[at - 1 : at + 1, bx0:bx1].mean(0)
    at = bx0 + inward if side == "left" else bx1 - 1 - inward
    if at < 1 or at + 1 >= pixels.shape[1]:
        return None
    return pixels[by0:by1, at - 1 : at + 1].mean(1)


def _smeared(before: Any, after: Any, box: tuple[int, int, int, int]) -> str:
    """The side (top, bottom, left, right) a long edge crosses from outside into the region
    without the fill continuing it (empty when every crossing edge goes on inside). Long:
    seen both just outside the side and `depth` further out, so that a texture's short
    strokes (a gingham's cells) are not taken for the product's edge. An edge the picture
    before erasing does not show `depth` inside either (it ends in the margin the erase grew
    around the text: a sticker's point, a gingham's row edge meeting a column band) is the
    picture's own end, not the fill's; where the text covers that line, its strokes show.
    Both looks inside follow the edge's slant from `far` to the side, too: a slanted edge
    (a product's rounded top, a star's point) is found where it heads, not only beside
    where it crossed."""
    import numpy as np

    bx0, by0, bx1, by1 = box
    depth = min(DEPTH, (bx1 - bx0) // 3, (by1 - by0) // 3)
    if depth < 3:
        return ""
    reach = depth + STEP  # an edge crossing at a slant moves along the side as it goes in
    for side in ("top", "bottom", "left", "right"):
        near, far = _line(before, box, side, -2), _line(before, box, side, -2 - depth)
        inside, was = _line(after, box, side, depth), _line(before, box, side, depth)
        if near is None or far is None or inside is None or was is None:
            continue
        out_steps, far_steps, in_steps = _strength(near), _strength(far), _strength(inside)
        was_steps = _strength(was)
        for at in np.argsort(-out_steps)[:4]:  # the strongest crossings
            strength = out_steps[at]
            if strength < EDGE:
                break
            around = slice(max(0, at - reach), at + reach + 1)
            if far_steps[around].max() < (1 - FADED) * strength:
                continue  # no long edge: it does not reach far outside
            # ... and where it heads: an edge nearly along the side (a product's rounded top)
            # moves further along it than `reach` by `depth` inside
            came = around.start + int(far_steps[around].argmax())
            ahead = at + round((at - came) * (depth + 2) / depth)
            heading = slice(max(0, ahead - reach), max(0, ahead + reach + 1))
            if max(was_steps[around].max(), was_steps[heading].max(initial=0)) < FADED * strength:
                continue  # the picture itself ends it there (a star's point, a gingham's band)
            if max(in_steps[around].max(), in_steps[heading].max(initial=0)) < FADED * strength:
                return side
    return ""


def _residue(after: Any, box: tuple[int, int, int, int], text_height: int, area: Any = None) -> int:
    """How many pixels inside the region stand out as specks or ghosts on the plate, far
    more than the ring's own texture makes them (0 when too few do to show); `area`: the
    region itself grown, within its box (what lies off a turned region is the picture's:
    the sharp wedges where a turned banner's edge meets the neck under it, JPEG-blurred,
    were 191 px of "specks" on e03's clean erase)."""
    import cv2
    import numpy as np

    grey = (channel_total(after, np.float64) / 3).astype(np.uint8)  # (after.mean(axis=2))
    # what a disc a letter's stroke wide cannot follow: specks brighter (top-hat) or darker
    # (black-hat) than around them; a large shape's corner loses only a sliver to it
    size = max(5, (text_height // 8) | 1)
    standing = np.maximum(morph.top_hat(grey, size), morph.black_hat(grey, size))
    bx0, by0, bx1, by1 = box
    inside = np.zeros(grey.shape, bool)
    inside[by0:by1, bx0:bx1] = True
    outside = ~inside
    ring_level = np.percentile(standing[outside], 99) if outside.any() else 0.0
    level = max(SPECK_FLOOR, SPECK_RING * ring_level)
    above = standing > level
    specks = (above & inside & (True if area is None else area)).astype(np.uint8)
    # specks and ghosts are letter-sized at most; a line standing out along the region (a
    # band's edge) is the picture's own
    n, _, stats, _ = cv2.connectedComponentsWithStats(specks, connectivity=8)
    sides = np.maximum(stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT])
    count = int(stats[1:, cv2.CC_STAT_AREA][sides <= SPECK_SIZE * text_height].sum())
    # ... and a texture's own (a gingham's crossings) stands out as often in the ring
    ring_share = above[outside].mean() if outside.any() else 0.0
    enough = max(SPECK_LEAST, SPECK_SHARE * inside.sum(), SPECK_RING * ring_share * inside.sum())
    return count if count >= enough else 0


def _greys(before: Any, after: Any, box: tuple[int, int, int, int]) -> tuple[Any, Any, Any]:
    """The crop before and after the erase in grey (float32), and the region's `box` (left,
    top, right, bottom) as a mask: what every look below starts from. Within a `judge`, the
    greys of its two crops are made once (nine looks made eighteen, 20 a 1000 px image's
    three lines): no look writes into them; the mask is each look's own (one narrows it)."""
    import numpy as np

    shared = getattr(_judging, "shared", None)
    key = (id(before), id(after))
    if shared is not None and key in shared:
        was, now = shared[key][2:]
    else:
        was, now = _grey(before), _grey(after)
        if shared is not None:
            shared[key] = (before, after, was, now)
    bx0, by0, bx1, by1 = box
    inside = np.zeros(now.shape, bool)
    inside[by0:by1, bx0:bx1] = True
    return was, now, inside


def _grey(pixels: Any) -> Any:
    """The mean of an image's three channels per pixel, in float32: the same float32 sums
    and division as numpy's mean over a last axis of three, which is ten times slower
    (each look of every region's judge starts from two of them)."""
    import numpy as np

    grey = pixels[..., 0].astype(np.float32)
    grey += pixels[..., 1]
    grey += pixels[..., 2]
    return np.true_divide(grey, np.intp(3), out=grey, casting="unsafe")  # (as numpy's mean)


def _spots(before: Any, after: Any, box: tuple[int, int, int, int], text_height: int) -> int:
    """How many pixels of small specks and bites the erase left (0 when none shows): blobs
    of a few px on or beside the pixels it changed, far darker or lighter than the median of
    their surroundings, where the picture outside the region has none so strong. A few
    specks on a large region are too few for `_residue`'s share of its area, yet a
    near-black speck on a navy product is seen at once (a11's un-blended watermark)."""
    import cv2
    import numpy as np

    was, now, inside = _greys(before, after, box)
    off = np.abs(now - cv2.medianBlur(np.rint(now).astype(np.uint8), SPOT_AROUND))
    if inside.all():
        return 0
    level = max(SPOT_FLOOR, SPOT_RING * float(np.percentile(off[~inside], 99.9)))
    # on or beside what the erase changed: its own specks, and bites of the letters it left
    changed = (np.abs(was - now) > CHANGED).astype(np.uint8)
    near = cv2.dilate(changed, np.ones((5, 5), np.uint8)) > 0
    spots = ((off > level) & near & inside).astype(np.uint8)
    n, _, stats, _ = cv2.connectedComponentsWithStats(spots, connectivity=8)
    longest = max(3, round(SPOT_SIZE * text_height))
    sides = np.maximum(stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT])
    areas = stats[1:, cv2.CC_STAT_AREA]
    # (a speck has a body: a line 1 px thin is the corner of an edge, a texture's seam)
    thick = np.minimum(stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]) >= 2
    count = int(areas[(sides <= longest) & (areas >= SPOT_LEAST) & thick].sum())
    return count if count >= SPOT_FEW else 0


def _ghost(before: Any, after: Any, box: tuple[int, int, int, int], text_height: int) -> int:
    """How many pixels of the letters still show as a faint ghost on the plate (0 when
    none does): the plate's fine detail (what a blur a stroke wide takes away) regressed
    on the fine detail of what the erase changed, over the changed pixels; a clean fill
    keeps none of the letters' shape (a texture continued is no more like the letters
    than the texture was), a ghost keeps a share of it, here in grey levels."""
    import cv2
    import numpy as np

    was, now, inside = _greys(before, after, box)
    sigma = max(1.5, text_height / 12)
    change = was - now
    fine_now = now - cv2.GaussianBlur(now, (0, 0), sigma)
    fine_change = change - cv2.GaussianBlur(change, (0, 0), sigma)
    changed = (np.abs(change) > GHOST_CHANGED).astype(np.uint8)
    letters = inside & (cv2.dilate(changed, np.ones((5, 5), np.uint8)) > 0)
    if letters.sum() < SPECK_LEAST:
        return 0
    p, r = fine_change[letters], fine_now[letters]
    share = float((r * p).sum()) / max(1e-6, float((p * p).sum()))
    level = share * float(np.percentile(np.abs(p), 90))
    return int(letters.sum()) if level > GHOST else 0


def _outline(before: Any, after: Any, box: tuple[int, int, int, int], text_height: int) -> int:
    """How many pixels of the letters' outline still show on the plate (0 when none does):
    the plate's fine detail averaged by distance from the edge of what the erase changed
    (a profile across the letters' own strokes, outside to inside), against the same
    profile with that edge moved off the letters (the picture's own texture and edges
    cross it there as often, and its grain averages out). A line of a few levels along
    every stroke (a11's un-blended watermark) is readable on a smooth photo where no
    speck stands out and the letters' fill left no ghost."""
    import cv2
    import numpy as np

    was, now, inside = _greys(before, after, box)
    changed = ((np.abs(was - now) > OUTLINE_CHANGED) & inside).astype(np.uint8)
    if changed.sum() < SPECK_LEAST:
        return 0
    into = cv2.distanceTransform(changed, cv2.DIST_L2, 3)
    out_of = cv2.distanceTransform(1 - changed, cv2.DIST_L2, 3)
    # signed px from the edge: 1, 2 ... inside what changed, -1, -2 ... outside it
    across = np.where(changed > 0, np.ceil(into), -np.ceil(out_of)).astype(np.int32)
    across[np.abs(across) > OUTLINE_REACH] = 0
    fine = now - cv2.GaussianBlur(now, (0, 0), OUTLINE_BLUR)
    fine = np.clip(fine, -OUTLINE_CLIP, OUTLINE_CLIP)  # (a product's edge crossing: capped)
    h, w = now.shape

    def profile(dy: int, dx: int) -> float:
        """The root mean square of the plate's profile across the edge moved by (dy, dx)."""
        moved = np.zeros_like(across)
        moved[max(0, dy) : h + min(0, dy), max(0, dx) : w + min(0, dx)] = across[
            max(0, -dy) : h + min(0, -dy), max(0, -dx) : w + min(0, -dx)
        ]
        means = []
        for k in range(-OUTLINE_REACH, OUTLINE_REACH + 1):
            at = moved == k
            if k and at.sum() >= SPECK_LEAST:
                means.append(float(fine[at].mean()))
        return float(np.sqrt(np.mean(np.square(means)))) if means else float("nan")

    on = profile(0, 0)
    d = max(3, round(text_height / 3))
    moved = [profile(dy, dx) for dy in (-d, 0, d) for dx in (-d, 0, d) if dy or dx]
    moved = [m for m in moved if not math.isnan(m)]
    if math.isnan(on) or not moved:
        return 0
    off = max(moved)  # (a shift along the picture's own edge keeps its profile: a band's)
    if on > OUTLINE_RATIO * off and on - off > OUTLINE_LEVELS:
        return int((across != 0).sum())
    return 0


def _calm(
    before: Any,
    after: Any,
    box: tuple[int, int, int, int],
    text_height: int,
    text: Any,
    whole: bool = False,
) -> tuple[int, str]:
    """How many pixels the erase filled with a patch far calmer than the picture right
    around it (0 when the fill is as lively), over what the erase changed against the
    unchanged pixels within a quarter letter of it (not other regions' text): each
    pixel's distance from the median of its surroundings (half a letter wide), their
    medians (a product's edge or a sticker's ring passing beside the letters is no
    texture); or the share of thin lines standing out (what a disc a stroke wide cannot
    follow, as `_residue` takes specks: an edge is no line). A smooth fill on wood's grain
    scores well against its ring (the grain's mean is its colour) and leaves no speck or
    ghost, yet it reads at once as a patch (d03: 0.3 levels against 5.7); on marble the
    letters' shapes show as white where veins ran (d02: 0.2% of lines against 5.4%). And
    which it saw: CALM, a smooth patch, or VEINS, lines stopping at the letters' shape.
    `whole`: the fill taken as every pixel the erase touched (a smooth patch only)."""
    import cv2
    import numpy as np

    was, now, inside = _greys(before, after, box)
    changed = ((np.abs(was - now) > CHANGED) & inside).astype(np.uint8)
    if changed.sum() < SPECK_LEAST:
        return 0, ""
    grey = np.rint(now).astype(np.uint8)
    shared = getattr(_judging, "shared", None)
    shared = {} if shared is None else shared
    key = ("calm", id(before), id(after), text_height)  # (the two looks of one judge)
    off = shared[key][2] if key in shared else None
    if off is None:
        # (a photo's grain, a pixel fine, is averaged out: a smooth fill is no patch on it)
        soft = cv2.GaussianBlur(now, (0, 0), CALM_BLUR)
        off = np.abs(
            soft - cv2.medianBlur(np.rint(soft).astype(np.uint8), max(5, (text_height // 2) | 1))
        )
        shared[key] = (before, after, off)
    reach = max(3, text_height // 4)
    disc = 2 * reach + 1  # (a disc's dilation row by row: morph.py, the same pixels)
    around = (morph.dilate(changed, disc) > 0) & (changed == 0) & ~text
    if around.sum() < SPECK_LEAST:
        return 0, ""
    filled = changed > 0
    if whole:
        # the whole patch the erase touched, against the picture past it: a box filled
        # flat over a faint grain changes the grain between the letters by less than
        # CHANGED, and a ring round what changed more lies on that flat box itself (g05's
        # title: 0.33 levels in the fill, 2.98 in such a ring, 9.7 past the box)
        filled = largest_channel(np.abs(before.astype(np.int16) - after.astype(np.int16))) > 0
        filled &= inside
        if filled.sum() <= changed.sum():
            return 0, ""
        around = (morph.dilate(filled.astype(np.uint8), disc) > 0) & ~filled & ~text
        if around.sum() < SPECK_LEAST:
            return 0, ""
    fill, ring = float(np.median(off[filled])), float(np.median(off[around]))
    if ring >= CALM_RING and fill * CALM_RATIO < ring:
        return int(filled.sum()), CALM
    if whole:
        return 0, ""
    size = max(5, (text_height // 8) | 1)  # (as `_residue`'s disc)
    lines = np.maximum(morph.top_hat(grey, size), morph.black_hat(grey, size)) > LINES_FLOOR
    # (just either side of the edge of what changed: a line that reaches the letters goes
    # on into them on a true fill; a ring or a rule passing beside them is no texture)
    square = np.ones((2 * LINES_REACH + 1, 2 * LINES_REACH + 1), np.uint8)
    outer = (cv2.dilate(changed, square) > 0) & ~filled & ~text
    inner = filled & ~(cv2.erode(changed, square) > 0)
    if outer.sum() < SPECK_LEAST or inner.sum() < SPECK_LEAST:
        return 0, ""
    fill, ring = float(lines[inner].mean()), float(lines[outer].mean())
    if ring < LINES_SHARE or fill * CALM_RATIO >= ring:
        return 0, ""
    # (and many lines, a texture's: one ring or rule in the letters' colour runs on under
    # them unchanged, so it seems to stop at their edges)
    _, labels = cv2.connectedComponents(lines.astype(np.uint8), connectivity=8)
    many = len(np.unique(labels[outer & lines])) >= LINES_MANY
    return (int(changed.sum()), VEINS) if many else (0, "")


def painted(
    before: Any, after: Any, box: tuple[int, int, int, int], text_height: int, text: Any
) -> int:
    """How many pixels of the picture showing between the letters the fill painted over (0
    when it kept them): of the pixels in the region a few px clear of what the erase changed
    most (the letters, their edge, a shadow or glow hugging them), those it changed by much.
    A panel fitted to a photo (e09's line under a headline, on a night photo's soft lights)
    takes the lights for letters and paints the whole box one dark gradient, scoring 38 dB
    against the panel and leaving no speck: the picture's own colours show in the gaps of
    the letters before, and nowhere after."""
    import cv2
    import numpy as np

    _, _, inside = _greys(before, after, box)
    # (on each channel: a pink light painted a pale lilac changes little in grey)
    change = largest_channel(np.abs(before.astype(np.float32) - after.astype(np.float32)))
    inside &= ~text
    if not inside.any():
        return 0
    # (white letters on a pale page change it by less than on a dark one)
    most = float(np.percentile(change[inside], 99))
    letters = (change > max(PAINT_LEVELS, PAINT_LETTERS * most)) & inside
    if not letters.any():
        return 0
    # and pixels of the letters' ink, however little they changed (black letters crossing
    # a stripe's dark band)
    ink = np.median(before[letters & (change >= most)].astype(np.float32), axis=0)
    near = channel_total(np.abs(before.astype(np.float32) - ink)) <= INK_NEAR
    letters = (letters | (near & (change > CHANGED) & inside)).astype(np.uint8)
    away = cv2.distanceTransform(1 - letters, cv2.DIST_L2, 3)
    gaps = inside & (away > max(2.0, PAINT_CLEAR * text_height))
    over = gaps & (change > PAINT_LEVELS)
    count = int(over.sum())
    if count < SPECK_LEAST or count < PAINT_SHARE * int(gaps.sum()):
        return 0
    # (and cut off at the box's edge, as a rectangle shows: a translucent mark un-blended
    # changes the picture near its strokes only, and ends inside the box)
    bx0, by0, bx1, by1 = box
    rim = inside.copy()
    rim[by0 + PAINT_RIM : by1 - PAINT_RIM, bx0 + PAINT_RIM : bx1 - PAINT_RIM] = False
    return count if int((over & rim).sum()) >= SPECK_LEAST else 0


def _haze(
    before: Any, after: Any, box: tuple[int, int, int, int], text_height: int, text: Any
) -> int:
    """How many pixels of the fill lean toward the letters' colour from the calm picture
    around it (0 when none): the letters' glow, or the lights of the photo around, carried
    into the fill as a haze whose box shows (e09's headline: a lighter box on the night
    photo, 4-5 levels over a picture varying by 2-3, and no look saw it)."""
    import cv2
    import numpy as np

    b, a = before.astype(np.float32), after.astype(np.float32)
    change = largest_channel(np.abs(b - a))
    changed = change > CHANGED
    if not changed.any():
        return 0
    reach = max(3, round(HAZE_REACH * text_height))
    out = cv2.distanceTransform((~changed).astype(np.uint8), cv2.DIST_L2, 3)
    depth = cv2.distanceTransform(changed.astype(np.uint8), cv2.DIST_L2, 3)
    far = (out > reach) & (out <= HAZE_FAR * reach) & ~text
    band = (out > 0) & (out <= reach) & ~text
    rim = (depth > 0) & (depth <= reach)
    if far.sum() < 50 or not band.any() or not rim.any():
        return 0
    most = float(np.percentile(change[changed], 99))
    ink = np.median(b[changed & (change >= most)], axis=0)
    back = np.median(a[far], axis=0)
    line = ink - back
    span = float(np.linalg.norm(line))
    if span < HAZE_SPAN:
        return 0
    lean = (a - back) @ (line / span)
    spread = float(np.median(np.abs(lean[far] - np.median(lean[far]))))
    if spread > HAZE_CALM or abs(float(np.median(lean[band]))) > HAZE_BAND:
        return 0  # (a busy picture, or one whose own edge runs along the fill's)
    least = max(HAZE_LEVELS, HAZE_SPREAD * spread)
    haze = float(np.median(lean[rim]))
    # (and lighter than most of the picture around: a gingham's white squares are a
    # quarter of it and more, and its fill as light as they are is no haze)
    if haze < least or haze <= float(np.percentile(lean[far], 75)):
        return 0
    count = int((rim & (lean >= least)).sum())
    return count if count >= SPECK_LEAST else 0


def _brought(
    before: Any, after: Any, box: tuple[int, int, int, int], text_height: int, text: Any
) -> int:
    """How many pixels of letters the fill brought into the region (0 when none): pixels
    the erase changed that now show the erased text's own ink (colours common in the
    letters and rare in the picture around and between them, other regions' text aside)
    in strokes, far more often than the picture around shows that ink. A copy of a
    paragraph's next line fits the hole's ring exactly and scores itself perfect (60 dB),
    yet it puts new letters where the old ones were."""
    import cv2
    import numpy as np

    _, _, inside = _greys(before, after, box)
    changed = largest_channel(np.abs(before.astype(np.int16) - after.astype(np.int16))) > CHANGED
    changed &= inside
    # (the picture between the letters too: a banner's colour under them is no ink)
    around = ~(cv2.dilate(changed.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0) & ~text
    if changed.sum() < SPECK_LEAST or around.sum() < SPECK_LEAST:
        return 0
    q_was, q_now = binned(before, INK_BIN), binned(after, INK_BIN)
    p_text = np.bincount(q_was[changed], minlength=1 << 12) / int(changed.sum())
    p_out = np.bincount(q_was[around], minlength=1 << 12) / int(around.sum())
    ink = (p_text >= INK_COMMON) & (p_text > INK_RARE * p_out)
    brought = ink[q_now] & changed
    # (strokes, not a blob: a bokeh's bright disc under white letters is in their colour)
    wide = max(3, (text_height // 4) | 1)
    blobs = morph.opened(brought.astype(np.uint8), wide) > 0
    strokes = brought & ~blobs
    share, ring = float(strokes[changed].mean()), float(ink[q_was[around]].mean())
    if strokes.sum() >= SPECK_LEAST and share >= INK_SHARE and share > INK_RICHER * ring:
        return int(strokes.sum())
    return 0


def _off_its_copies(
    was: Any, now: Any, changed: Any, known: Any, ring: Callable[[Any], Any] | None = None
) -> tuple[Any, Any, float] | None:
    """A regular pattern read off `was` over its `known` pixels (period.lattice); how far
    each `changed` pixel of `now` is off its copy a period or more away (absolute, those a
    copy reached); and how far the surround is off its own copies (RMS over the `known`
    pixels, or those `ring` picks given the lattice). None when there is no pattern, a copy
    reaches too few of the changed pixels (REPEAT_REACHED) or none of the surround's. What
    `_repeat` (grey levels) and `_lines_moved` (fine detail) both judge a fill by."""
    import numpy as np

    from localize.image import period

    lat = period.lattice(was, known)
    if lat is None:
        return None
    copy, reached = period.continued(now, changed, known, lat)
    if reached.sum() < REPEAT_REACHED * changed.sum():
        return None
    among = known if ring is None else known & ring(lat)
    own, got = period.continued(was, among, known, lat)
    if not got.any():
        return None
    return lat, np.abs(now - copy)[reached], float(np.sqrt(((was - own)[got] ** 2).mean()))


def _lines_moved(
    seen: Before, img: Any, original: Any, plate: Any, others: Sequence[tuple[int, ...]]
) -> tuple[int, int]:
    """How many pixels of the fill put a regular pattern's lines out of place (tiles'
    grout run where none ran, or broken), and the pattern's period in px; (0, 0) when
    there is no such pattern or the fill continues it. `_repeat` compares grey levels,
    so tiles of many shades repeat nothing to it (their copies 13-16 levels apart); here
    only the fine detail is compared (the grey less its blur: the grout, not the tiles'
    shades), read over a crop wide enough to hold the lattice's two steps (f11: a copy
    of the tiles strip by strip brought grout in where none ran and broke what did,
    16-17 dB, and each strip's ring fitted: no look saw it)."""
    import cv2
    import numpy as np

    if seen.wide is None or seen.area is None:
        return 0, 0
    wx0, wy0, wx1, wy1 = seen.wide
    cx0, cy0, cx1, cy1 = seen.crop
    shape = (wy1 - wy0, wx1 - wx0)
    at = (slice(cy0 - wy0, cy1 - wy0), slice(cx0 - wx0, cx1 - wx0))
    region, changed, text = np.zeros(shape, bool), np.zeros(shape, bool), np.zeros(shape, bool)
    region[at] = seen.area
    changed[at] = (largest_channel(np.abs(original - plate)) > CHANGED) & seen.area
    if changed.sum() < SPECK_LEAST:
        return 0, 0
    for ox0, oy0, ox1, oy1 in others:
        text[max(0, oy0 - wy0) : max(0, oy1 - wy0), max(0, ox0 - wx0) : max(0, ox1 - wx0)] = True
    known = ~(region | text)

    def detail(grey: Any) -> Any:
        g = grey.astype(np.float32)
        return g - cv2.GaussianBlur(g, (0, 0), DETAIL_BLUR)

    was, now = detail(seen.wide_grey), detail(_grey_of(img, seen.wide))

    # (the ring's own: its pixels within a period of the region against their copies)
    def ring(lat: Any) -> Any:  # (only once a lattice is found)
        grown = cv2.dilate(region.astype(np.uint8), np.ones((3, 3), np.uint8), iterations=1)
        return cv2.distanceTransform(1 - grown, cv2.DIST_L2, 3) <= lat.period

    found = _off_its_copies(was, now, changed, known, ring)
    if found is None:
        return 0, 0
    lat, off, base = found
    rms = float(np.sqrt((off**2).mean()))
    if rms < DETAIL_OFF * base or rms < base + DETAIL_LEVELS:
        return 0, 0
    return int((off > base + DETAIL_LEVELS).sum()), lat.period


def _tint_lead(pixels: Any) -> tuple[Any, Any]:
    """How far each pixel's brightness has moved off the nearer side of the edge it lies on
    ahead of its colour (YCbCr), and whether it lies on an edge between two colours at all:
    both move together across a true edge, and a JPEG moves the colour further (its colour
    is blurred over more pixels than its brightness), so only a tint over one side moves
    the brightness further. The edge is the strongest of four headings, its sides
    TINT_REACH px away. Taken in strips of rows: a 3000 px watermark's crop whole would
    hold a dozen full-frame float copies."""
    import numpy as np

    k, (h, w) = TINT_REACH, pixels.shape[:2]
    padded = np.pad(pixels, ((k, k), (k, k), (0, 0)), mode="edge")
    lead, on_edge = np.zeros((h, w), np.float32), np.zeros((h, w), bool)
    for r0 in range(0, h, TINT_STRIP):
        r1 = min(h, r0 + TINT_STRIP)
        rgb = padded[r0 : r1 + 2 * k].astype(np.float32)
        r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
        y = 0.299 * r + 0.587 * g + 0.114 * b
        # (Cb and Cr apart: numpy's sums over a last axis of two, the same float32 adds,
        # were a tenth of a new image's judge)
        cb = -0.1687 * r - 0.3313 * g + 0.5 * b
        cr = 0.5 * r - 0.4187 * g - 0.0813 * b
        n = r1 - r0

        def at(a: Any, dy: int, dx: int, n: int = n) -> Any:
            """`a` moved by (dy, dx): the strip's own rows, seen from that far off."""
            return a[k + dy : k + dy + n, k + dx : k + dx + w]

        y0, cb0, cr0 = at(y, 0, 0), at(cb, 0, 0), at(cr, 0, 0)
        best, strongest = np.zeros((n, w), np.float32), np.zeros((n, w), np.float32)
        for dy, dx in ((0, 1), (1, 0), (1, 1), (1, -1)):
            ya, yb = at(y, -k * dy, -k * dx), at(y, k * dy, k * dx)
            cba, cra = at(cb, -k * dy, -k * dx), at(cr, -k * dy, -k * dx)
            dy_ = yb - ya
            dcb, dcr = at(cb, k * dy, k * dx) - cba, at(cr, k * dy, k * dx) - cra
            dc2 = dcb * dcb + dcr * dcr
            edge = (np.abs(dy_) > TINT_STEP) & (dc2 > TINT_STEP**2)
            ty = np.clip((y0 - ya) / np.where(edge, dy_, 1), 0, 1)
            toward = (cb0 - cba) * dcb + (cr0 - cra) * dcr
            toward += 0  # (as numpy's sum, from +0: a zero is never -0)
            tc = np.clip(toward / np.maximum(dc2, 1e-6), 0, 1)
            # (measured from the side the pixel is nearer)
            ahead = np.where(ty + tc < 1, ty - tc, tc - ty)
            step = np.abs(dy_) + np.sqrt(dc2)
            better = edge & (step > strongest)
            best = np.where(better, ahead, best)
            strongest = np.where(better, step, strongest)
        lead[r0:r1], on_edge[r0:r1] = best, strongest > 0
    return lead, on_edge


def _tint(before: Any, after: Any, box: tuple[int, int, int, int], text: Any) -> int:
    """How many pixels on or beside what the erase changed sit on an edge between two
    colours with their brightness moved off its sides ahead of their colour (`_tint_lead`)
    far more than on the same picture's untouched edges (0 when none does): a translucent
    mark un-blended all but a sliver on the product's edge (c03: light blue on navy beside
    tan, between the two in grey, so no speck, 25-39 levels off the line between the
    sides where the JPEG's own colour blur on the same edge is up to 46)."""
    import cv2
    import numpy as np

    _, _, inside = _greys(before, after, box)
    changed = largest_channel(np.abs(before.astype(np.int16) - after.astype(np.int16))) > CHANGED
    near = cv2.dilate((changed & inside).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    lead, edge = _tint_lead(after)
    untouched = edge & ~near & ~text
    if (near & inside).sum() < SPECK_LEAST or untouched.sum() < SPECK_LEAST:
        return 0
    level = max(TINT_LEAD, TINT_RATIO * float(np.percentile(lead[untouched], 99.9)))
    count = int((edge & near & inside & (lead > level)).sum())
    return count if count >= SPOT_FEW else 0


def _repeat(
    before: Any, after: Any, box: tuple[int, int, int, int], text: Any, area: Any = None
) -> tuple[int, int]:
    """How many pixels the erase changed break the regular pattern around the region
    (polka dots, tiles' grout, a gingham's checks: its lattice read off the crop outside
    the region and other regions' text), and the pattern's period in px; (0, 0) when
    there is no such pattern or the fill continues it. Each changed pixel is set beside
    the same phase of the pattern a period or more away outside the region; the fill is
    broken when it is off those copies by REPEAT_OFF times what the surround is off its own
    copies, and by REPEAT_LEVELS more (f09: the dots under a title were left out of a flat
    pink fill, 22.2 dB, and no look saw it: no speck left, no edge entering)."""
    import numpy as np

    was, now, inside = _greys(before, after, box)
    region = inside if area is None else area
    known = ~(region | text)
    changed = largest_channel(np.abs(before.astype(np.int16) - after.astype(np.int16))) > CHANGED
    changed &= region
    if changed.sum() < SPECK_LEAST:
        return 0, 0
    # (the surround's own: each of its pixels against its copies a period or more away)
    found = _off_its_copies(was, now, changed, known)
    if found is None:
        return 0, 0
    lat, off, base = found
    # (a band's edge and its letters' feet: a chance lattice, 11.7 levels off itself, and
    # overhang's clean erase was doubted; tiles' shades, 7.5; and one read off the thin
    # frame round a small line, 4.4 levels where the surround spreads 8: polka-jpeg's clean
    # third line, 42 dB, doubted via OCR's box)
    if base > REPEAT_LOOSE or base > REPEAT_FIT * float(was[known].std()):
        return 0, 0
    rms = float(np.sqrt((off**2).mean()))
    if rms < REPEAT_OFF * base or rms < base + REPEAT_LEVELS:
        return 0, 0
    return int((off > base + REPEAT_LEVELS).sum()), lat.period
