"""Erasing the text already on an image as a retoucher would, on a crop around each region:

- the background is modelled inside the panel the text sits on, grown from inside the
  region (the pixels that fit one colour or one smooth gradient, connected to the text's
  own box), so a ring that crosses a banner's edge is never sampled and nothing outside
  the panel changes;
- on such a smooth panel the mask is every pixel the panel encloses around the letters
  (fill, an outline of any width, a drop shadow), filled exactly from the model;
- on a texture or a photo the mask is the text's own colours (rare in the surroundings),
  with an outline of the background's own colour measured by how far it reaches, and
  filled by copying the best-matching stretch of the same picture (a period of stripes or
  checks, the grain of wood), its brightness levelled to the ring around it;
- every erase is scored (how well the fill's surroundings match what it was continued
  from, in dB): a low score is said to the reviewer, never a silent smear.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from localize.image import colors, morph
from localize.image.curves import Band, is_curved
from localize.image.ocr import Point

DILATE = 0.18  # of the region's height, added around it before erasing
INK_NEAR = 60.0  # a pixel within this of an ink colour (sum over R, G, B) is ink
OUTLINE_SHARE = 0.2  # each ink colour is at least this share of the ink: outlined text
OUTLINE_APART = 150.0  # ... and the two differ by at least this (sum over R, G, B)
PANEL_TOL = 14.0  # px within this (per channel) of the panel's model belong to it
FEET = 0.35  # of the region's height: how far letters' feet hang past a band's edge
FEET_TOL = 8.0  # ... of the page that letters hanging past a band's edge lie on
FEET_OFF = 24.0  # grey levels off a photo past the band: a letter's or its shadow's foot
SMOOTH = 0.9  # a panel is smooth when this share of the erased area is panel or enclosed
REACH = 1.6  # of the region's height: how far around it a texture's fill is looked for
POOR = 22.0  # dB: an erase scored under this is said to the reviewer
SCORE_CAP = 60.0  # dB: an exact fill scores this
EDGES = 3.0  # a panel's edge with other things, in lengths of the crop's (width + height)
FLAT_OFF = 3.0  # grey levels: a flat panel's model off its px round the letters by more
# (_off_round) is no flat fill there: levelled (trial s32's 07: 5.8 and 10.7; its 01's
# grass, a flat fill of a grainy ground, 1.6-1.8)
OFF_REACH = 31  # px: the square a ring's residual is averaged over (noise averages out)
LEFT_ERROR = 128.0  # grey levels: a pixel of text left unerased, as the score counts it
SURE = 45.0  # dB: a panel fitting this well is taken without trying other colours
SEEDS = 3  # of the region's commonest colours, tried in turn as the panel's
REFIT = 2  # times the panel's model is fitted again to the panel alone, and it regrown
TIGHTER = 3.0  # dB: a panel grown at its tolerance fitting this much better than at twice it
EDGE_BLUR = 3  # px: a band's edge JPEG blurs into the page around it
TURNED = 3.0  # degrees: a line turned this far has its strokes measured turned upright
TEXT_WITHIN = 0.5  # of a shape the panel encloses, inside the region grown: it is text
JPEG_BLOCK = 8  # px: the blocks JPEG codes an image in
RINGING = 1.0  # the panel further off its model by the letters than away: JPEG's ringing
PATTERN = 5  # shapes a panel encloses away from the text: its own pattern (dots)
STROKE_MIX = 0.12  # of the letters-to-panel span: small shapes this near it are strokes
BLOB = 0.35  # of the region's height: a solid shape this thick joined to letters is no stroke
MATCH_HEIGHT = 64  # px: larger letters are matched on a copy scaled down to this height
GOOD = 35.0  # dB: a texture's copy that fits its ring this well is not second-guessed
RELAX = 12  # passes smoothing a soft fill at its full size
RELAX_COARSE = 40  # ... and at each coarser level of its pyramid (a quarter the cost)
RELAX_FILL = (
    100  # ... and the fill drawn, over its letters' box (a bold stroke's half width, squared)
)
GRAIN_REACH = 5  # of the region's growth (~0.9 of its height): how far stripes are followed
PRE = 1.5  # px: the blur a stripe's heading is taken on (the grain's own drowned it)
SIDED_SHARE = 0.05  # of the ring around a hole: each side of an edge crossing it at least
SIDED_APART = 90.0  # ... and the two sides' colours this far apart (sum over R, G, B)
SIDED_GAP = 0.15  # of the text's height: gaps between letters the edge is not seen in
SIDED_HEADING = 60.0  # degrees: an edge's heading at each end off the line between the ends
SIDED_TURN = 90.0  # degrees: ... and between the two ends' headings
SIDED_PULL = 0.7  # of the distance between the ends: how far each heading carries the line
SIDED_STRAIGHT = 5.0  # degrees: ends' headings this near the line between them: straight
SIDED_CORNER = 2.0  # one end this many times further from where the ends' lines meet: a corner
SIDED_FLAT = 3.0  # grey levels: a piece's pixels round the hole this near a plane: flat
SIDED_PIECES = 4  # distinct colours around a hole at most: a backdrop, a card, a band on it
SIDED_HARD = 0.15  # of two pieces' colours apart: the least step in a px of a hard edge
SIDED_SQUARE = 30.0  # degrees past SIDED_TURN: the sharpest corner hidden in a hole continued
SIDED_ON = 1.5  # px: an edge's pixel this near a line through its end lies on it
SIDED_OTHER = 30.0  # degrees: another edge's heading through an end, this far off its own
SIDED_OTHER_HELD = 0.25  # ... holding at least this share of the pixels its own line holds
SIDED_OTHER_SPREAD = 45.0  # degrees either side of it its straight line is looked for
SIDED_HELD = 1.25  # a heading holding this many times the pixels the main axis holds: its own
MEMBRANE_MARGIN = 8  # px around a hole a piece's own pixels are continued from
BLOB_SOFT = 15.0  # levels a px (R+G+B): a blob fading into the picture less steeply is its
BLOB_SOFT_SHARE = 0.1  # ... and less steeply than this share of what it stands out by
BLOB_SHARE = 0.5  # of a colour's pixels among the letters' colours: in thick blobs, a picture's
MARK_LEAST = 6.0  # grey levels: the least a translucent mark's stroke stands out
MARK_SPREAD = 30.0  # grey levels the picture under a mark must vary by to un-blend it
MARK_ALPHA = (0.08, 0.85)  # a mark's strength: past these it is ink, or nothing
MARK_SOFT = 0.8  # px: the blur of a mark's glyphs' anti-aliased edges
MARK_STEEP = 80.0  # Sobel's grey step: the picture's own edge, under a mark
BESIDE = 2.5  # px: the reach of the picture around a mark that its edges are un-blended on
MARK_FIT = 0.8  # of its pixels' variance the blend must explain: a mark, not a picture
MARK_GAP = 0.15  # coverage under this, inside a stroke's mask: a gap between strokes
MARK_REACH = 0.15  # of the text's height: the picture around a stroke (a stroke wide)
MARK_TOWARD = 40.0  # levels a channel lies from a white or black mark to tell its strength
MARK_AGREE = 6.0  # levels: every channel of a white or black mark's pixels as its strength says
MARK_OUT = 0.3  # of the text's height: how far a mark's strokes are followed past its region
MARK_SPAN = 60.0  # levels apart the channels telling a white or black mark's strength lie
MARK_MOST = 0.8  # of a white or black mark's pixels that must tell its one strength
MARK_SIDE = 12.0  # levels on each channel: a colour the picture beside shows
MARK_PAST = 8.0  # levels under black or past white: no pixel under the mark was so
TEXTURED = 12.0  # grey levels of fine detail around a hole: a texture (a weave, stripes)
BARE = 0.35  # of that detail: a fill keeping less of it is a bare patch in the texture
LETTER_BITS = 12  # px: a speck of the ink's colour under this may be a texture's grain
SPREAD = 0.4  # of their density over the crop: specks this dense on every side are grain
COLUMN = 2.0  # a region this many times taller than wide is a column of stacked characters
GLOW_REACH = 0.5  # of the text's size: how far from the letters a glow is looked for
GLOW_LEAST = 16.0  # grey levels: a glow leans at least this toward the letters' colour
GLOW_WIDE = 3  # px: a glow fades over at least this (an outline ends at once)
GLOW_STEP = 0.5  # of the glow's lean next to the letters: the most it drops in a px
SHADOW_REACH = 0.12  # of the text's size: the farthest a drop shadow is offset
SHADOW_DARK = 0.15  # of the light side's grey: a shadow's side darker than the opposite by this
GAP = 0.3  # of the text's size: a gap enclosed by the erased area at most this square
SHADOW_CALM = 3.0  # grey levels: the picture off its local median at most this: calm
SHADOW_LEAST = 4.0  # grey levels: ... and at least this
PATTERN_BAND = 0.25  # of the text's size: the band round it a pattern's copy is tried on
PATTERN_SLACK = 1.0  # dB: a lattice's copy fitting its band this much under a copy's ring
PATTERN_LEAST = 28.0  # dB: a lattice's copy fitting its band less is no pattern continued
LEVEL_STEEP = 40.0  # Sobel's grey step: a pattern's own line, where no copy is levelled on
PATTERN_STEPS = 2.0  # of a lattice's longer step: the furthest a letter is copied whole from
PATTERN_REACHED = 0.5  # of that band: a copy reaching less of it is no lattice to trust
OUTLINE_COMMON = 0.9  # of the crop around: an edge colour this common is the picture's own
STRIPED = 0.4  # the ring's gradients this much along one heading: a stripe field (wood)
HELD_LEAST = 20  # px: a side grown into fewer known pixels tells nothing of the fill
GRAIN_SLACK = 1.0  # dB: stripes followed fitting their ring this much better than a copy
RAYS = 200_000  # rays `_along_grain` steps together at most (6 sets of a hole's pixels)
GRAIN_DEPTH = 18.0  # px: 1.5 x the blur the stripes' heading is read over (`_along_grain`)
STANDING = 0.35  # of the letters' pixels: a panel leaving more of them is none of theirs
HUG = 0.25  # of the region's height: a "panel" all within this of the letters it encloses
# is their outline (it ends where they end), their ink and no panel


def region_mask(size: tuple[int, int], polygon: tuple[Point, ...], grow: int) -> Any:
    """The region as a 0/255 mask of `size` (width, height), grown by `grow` pixels."""
    import cv2
    import numpy as np

    mask = np.zeros((size[1], size[0]), np.uint8)
    cv2.fillPoly(mask, [np.array(polygon, np.int32)], 255)
    if grow > 0:
        mask = _ring(mask > 0, grow).astype(np.uint8) * 255
    return mask


def geometry(polygon: tuple[Point, ...]) -> tuple[float, float, float, tuple[float, float]]:
    """The region's length along its text, its height, its angle in degrees, its centre
    (a curved line's: along its curve, its chord's angle)."""
    if is_curved(polygon):
        band = Band.from_outline(polygon)
        (x0, y0), (x1, y1) = band.middle[0], band.middle[-1]
        cx, cy = (float(v) for v in band.middle.mean(axis=0))
        angle = math.degrees(math.atan2(y1 - y0, x1 - x0))
        return float(len(band.middle)), band.height, angle, (cx, cy)
    (x0, y0), (x1, y1), _, (x3, y3) = polygon[:4]
    length, height = math.hypot(x1 - x0, y1 - y0), math.hypot(x3 - x0, y3 - y0)
    angle = math.degrees(math.atan2(y1 - y0, x1 - x0))
    cx = sum(p[0] for p in polygon) / len(polygon)
    cy = sum(p[1] for p in polygon) / len(polygon)
    return length, height, angle, (cx, cy)


def text_size(polygon: tuple[Point, ...]) -> float:
    """The letters' size in a region: its height, or a column's width (characters stacked
    in a column, 竖排: its height is its length, and erasing a share of that around it took
    a rule beside the column for its ink, trial e05)."""
    length, height, _, _ = geometry(polygon)
    return length if height >= COLUMN * length else height


def dilation(polygon: tuple[Point, ...]) -> int:
    """How far around a region is erased: a share of its letters' size, at least 2 px."""
    return max(2, round(text_size(polygon) * DILATE))


@dataclass(frozen=True)
class Ink:
    """The original text's colours: its fill and, for outlined text, the outline's."""

    fill: colors.RGB
    outline: colors.RGB | None = None


SECOND_COLOUR = 0.5  # of the ink height: all the letters centred this far from the main
# colour's say a line of two colours (f06: 145 px on 89 px letters), not a halo


@dataclass(frozen=True)
class Erased:
    """What erasing a region learnt about it: the text's ink and the background's colour
    as they were, where the ink lay in the text's own frame (along the text, across it,
    from the region's centre), and how well the fill matches its surroundings."""

    ink: Ink
    background: colors.RGB
    ink_height: float | None = None  # px across the text; None when no ink was found
    offset: tuple[float, float] = (0.0, 0.0)  # the ink's centre (along, across) - the centre
    stroke: float | None = None  # px: how thick the letters' strokes were (fill only)
    score: float = SCORE_CAP  # dB: the fill against its surroundings (higher is better)
    method: str = "flat"  # flat | gradient | texture | smooth | sided | pattern | none
    panel: tuple[int, int, int, int] | None = None  # the panel's box in the image (a side
    # where the panel reaches the edge of the crop it was found in: the image's edge)
    crowded: bool = False  # filled smoothly: other text all around left nothing to copy
    opacity: float = 1.0  # a translucent mark's strength (its ink the mark's colour): the
    # translation is laid as the mark was, not as opaque letters over the product

    @property
    def poor(self) -> bool:
        """Whether the fill is unlikely to pass for the background."""
        return self.score < POOR


@dataclass(frozen=True)
class Window:
    """The crop a region is erased in: its place in the image and its pixels."""

    left: int
    top: int
    rgb: Any  # uint8 H x W x 3, a copy
    area: Any  # bool: the region grown by `grow` (what the translation may cover)
    inside: Any  # bool: the region itself
    others: Any  # bool: the image's other text regions in the crop (never a source)

    @functools.cached_property
    def across(self) -> float:
        """Twice the region's deepest pixel's distance from its edge: how thick its
        letters may be (taken once: every candidate panel asked for it)."""
        import cv2
        import numpy as np

        deepest = cv2.distanceTransform(self.inside.astype(np.uint8), cv2.DIST_L2, 3).max()
        return 2 * float(deepest)


OTHERS_GROW = 2  # px: another region's box grown by this (its letters' anti-aliasing)


def window(
    img: Any,
    polygon: tuple[Point, ...],
    grow: int,
    pad: int,
    others: Sequence[tuple[Point, ...]] = (),
) -> Window:
    """The crop of `img` around the region, `pad` px beyond its grown outline, with the
    `others` regions (the image's other text, erased before or after this one or kept as
    it is) that lie in it, outside the region's grown outline."""
    import cv2
    import numpy as np

    xs, ys = [p[0] for p in polygon], [p[1] for p in polygon]  # OCR's may be fractional
    left, top = max(0, int(min(xs)) - grow - pad), max(0, int(min(ys)) - grow - pad)
    right = min(img.width, int(max(xs)) + grow + pad + 2)
    bottom = min(img.height, int(max(ys)) + grow + pad + 2)
    rgb = np.asarray(img.crop((left, top, right, bottom))).copy()
    shifted = np.array([(round(x - left), round(y - top)) for x, y in polygon], np.int32)
    inside = np.zeros(rgb.shape[:2], np.uint8)
    cv2.fillPoly(inside, [shifted], 1)
    area = _ring(inside > 0, grow)
    near = np.zeros(rgb.shape[:2], np.uint8)
    for other in others:
        xs, ys = [p[0] for p in other], [p[1] for p in other]
        if max(xs) < left or min(xs) >= right or max(ys) < top or min(ys) >= bottom:
            continue
        at = np.array([(round(x - left), round(y - top)) for x, y in other], np.int32)
        cv2.fillPoly(near, [at], 1)
    taken = _ring(near > 0, OTHERS_GROW) & ~area if near.any() else near > 0
    return Window(left, top, rgb, area, inside > 0, taken)


def erase(
    img: Any,
    polygon: tuple[Point, ...],
    mask: Any = None,
    grow: int | None = None,
    others: Sequence[tuple[Point, ...]] = (),
) -> Erased | None:
    """Erase the text of one region from `img` in place (only pixels of its panel, near
    the region, change) and say what was learnt and how well it went; None for a region
    with no area. `mask` is accepted for callers that made one; the region is its own.
    `others`: the image's other text regions (polygons), whose pixels no fill copies or
    carries in (a paragraph's next line, erased later or kept as printing: f12's lines
    each got ghosts of their neighbours' letters)."""
    import cv2
    import numpy as np
    from PIL import Image

    grow = dilation(polygon) if grow is None else grow
    height = max(2.0, text_size(polygon))
    win = window(img, polygon, grow, max(8, round(REACH * height)), others)
    if not win.inside.any():
        return None
    rgb = win.rgb
    found: list[Any] = []  # the text's pixels by their colours, found once when asked for

    def letters() -> Any:
        if not found:
            found.append(_text_pixels(rgb, win, height))
        return found[0].copy()

    model = _panel(rgb, win, height, lazy=True)
    if model is not None and model[3] < SURE and _leaves_letters(model, win, letters()):
        model = None  # one band of a texture holding half the letters: no panel of theirs
    if model is not None and model[3] >= POOR:
        model = _finished(model)  # (what it paints is judged)
    loose, crowded = None, []
    if model is None or model[3] < POOR or _paints_over(rgb, model, win, height):
        # a poor panel may be a blob of a photo; a translucent mark (a watermark) over a
        # picture: the picture under it kept
        loose = _translucent(rgb, win, height)
        if loose is None or loose[2] < GOOD:  # (a mark un-blended through JPEG's noise, its
            # strokes' edges ringing, against a fill from around it: the better kept)
            other = _loose_fill(rgb, win, height, grow, letters)
            loose = other if loose is None or other[2] > loose[2] else loose
        if model is not None and model[3] >= POOR and loose[2] >= POOR:
            model = None  # the photo's own lights kept, where the panel painted them over
    if model is not None and (loose is None or model[3] >= loose[2]):
        text, fill, background, score, method, panel = _finished(model)  # type: ignore[misc]
        out = rgb.copy()
        out[text] = fill[text]
        # letters hanging past a band's edge: their feet are erased against the page they
        # hang on, the band kept as it is
        # (the band's edge, blurred into the page by JPEG, is the band's and left as it
        # is, but where the letters cross it)
        hull = _hull(panel)
        square = np.ones((2 * EDGE_BLUR + 1, 2 * EDGE_BLUR + 1), np.uint8)  # its corners too
        rim = cv2.dilate(hull.astype(np.uint8), square) > 0
        band = hull | (rim & ~_ring(text, EDGE_BLUR + 1))
        if (win.inside & ~band).any():
            # (white feet on a near-white page differ from it by less than a panel's
            # tolerance: the page is told from them more finely)
            rest = _panel(out, win, height, done=band, tol=FEET_TOL)
            more = None if rest is None else _past(rest[0], _ring(hull, EDGE_BLUR + 1))
            if more is not None:  # of the letters' colour, not the band's blurred into the page
                more &= _nearer(rgb, rgb[text & ~_ring(~text, 1)], fill[text])
                # and hanging from where the letters cross the band's edge, not page noise
                crossing = text & ~(hull & ~_ring(~hull, EDGE_BLUR + 1))
                more &= _ring(crossing, max(2, round(FEET * height)))
                more = _touching(more, rest[0] & win.area)
            if more is not None and rest is not None and more.any():
                _, page, _, more_score, _, _ = rest
                out[more] = page[more]
                _band_under(out, rgb, fill, page, panel, rim, text, more)
                text = text | more  # (the panel stays the band: the translation goes on it)
                score = min(score, more_score)
            # what still hangs past the band (a photo there, no smooth page; or a drop
            # shadow darker than the letters): what differs from the photo continued up to
            # the band (a08_shadow: the shadow's dark ticks were left below its edge)
            feet, page = _feet_on_photo(out, fill, hull, text, win, height)
            if feet.any():
                out[feet] = page[feet]
                _band_under(out, rgb, fill, page, panel, rim, text, feet)
                text = text | feet
    else:
        text, out, score, method, background, *crowded = loose  # type: ignore[misc]
        panel = fill = hull = None
    # a regular pattern round the text (polka dots, tiles, a gingham): continued through
    # the letters from the same phase a period away, where that fits the ring better
    patterned = _continued(rgb, out, text, win, height, score, fill, hull)
    if patterned is not None:
        out, score = patterned
        method = "pattern"
        crowded = []  # (copied from the pattern: no smooth fill to say)
    if method == "smooth":  # (its score as honest as the hole is deep; the fill unchanged)
        score = min(score, _held_out(rgb, text, win.others))
    img.paste(Image.fromarray(out), (win.left, win.top))
    bg = tuple(int(v) for v in background)
    ink = _ink(rgb, win.inside, np.asarray(bg, np.float32))
    mark = crowded[1] if method == "unblend" and len(crowded) > 1 else None
    if mark is not None:  # (the pixels show the mark blended: its own colour is known)
        ink = Ink(tuple(int(round(float(v))) for v in mark.colour))  # type: ignore[arg-type]
    letters = _near(rgb, ink) & text & win.inside
    letters_at = text & win.inside
    ink_height, offset = _ink_extent(polygon, letters, (win.left, win.top))
    # where the line lies along itself is told by all its letters, not its main colour's
    # alone: f06's title, 补水保湿 black then 一整天 red, was centred on its black half,
    # 145 px left of the line's centre, and set right-aligned at the image's left edge
    # (only when the two differ by more than a halo or a rule's end in the text's mask
    # could move it: f03's labels moved 2-3 px and one ran onto the image's edge)
    _, whole = _ink_extent(polygon, letters_at, (win.left, win.top))
    if ink_height and abs(whole[0] - offset[0]) > SECOND_COLOUR * ink_height:
        offset = (whole[0], offset[1])
    core = _half_ink(rgb, ink.fill, bg) & letters_at
    stroke = stroke_width(core)
    turn = geometry(polygon)[2]
    if abs(turn) >= TURNED:  # a turned line's edges step from pixel to pixel, and every
        # step counts as outline: its strokes read thinner than the same letters upright
        # (a banner turned 8 degrees read 7% thinner, and drawn a weight lighter: e03)
        stroke = upright_stroke(_ink_share(rgb, ink.fill, bg) * letters_at, turn) or stroke
    box = None
    if panel is not None:
        ys, xs = np.nonzero(panel)
        h, w = panel.shape
        # a panel running on past the crop runs on as far as the image goes, for all
        # that is known here: only a band's own edges, inside the crop, bound it
        box = (
            int(xs.min()) + win.left if xs.min() > 0 else 0,
            int(ys.min()) + win.top if ys.min() > 0 else 0,
            int(xs.max()) + win.left + 1 if xs.max() < w - 1 else img.width,
            int(ys.max()) + win.top + 1 if ys.max() < h - 1 else img.height,
        )
    return Erased(
        ink,
        bg,  # type: ignore[arg-type]
        ink_height,
        offset,
        stroke,
        round(float(score), 1),
        method,
        box,
        bool(crowded and crowded[0]),
        1.0 if mark is None else round(float(mark.alpha), 3),
    )


def _paints_over(rgb: Any, model: tuple[Any, ...], win: Window, height: float) -> bool:
    """Whether the panel's fill paints over the picture showing between the letters (the
    judge's look, smear.py): a gradient fitted to a night photo around a line of text took
    its soft lights for letters and wiped them (e09: 38 dB on its ring, 20 against the
    truth), where a fill from the picture keeps them."""
    import numpy as np

    from localize.image import smear

    text, fill = model[0], model[1]
    out = rgb.copy()
    out[text] = fill[text]
    ys, xs = np.nonzero(win.area)
    box = (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)
    return smear.painted(rgb, out, box, round(height), np.zeros(text.shape, bool)) > 0


def _leaves_letters(model: tuple[Any, ...], win: Window, text_pixels: Any) -> bool:
    """Whether the panel leaves much of the letters standing: more than STANDING of the
    region's pixels in colours rare around it (`_text_pixels`) are neither what the panel
    encloses nor the panel (a dark band of wood's grain under the lower half of white
    letters was taken for their panel, 27.9 dB on its ring: the lower halves filled flat,
    the upper left white, 10 dB; a band's letters hanging past it leave 14% at most)."""
    text, panel = model[0], model[5]
    letters = text_pixels & win.inside
    standing = letters & ~text & ~panel
    return int(standing.sum()) > STANDING * int(letters.sum())


def _nearer(rgb: Any, these: Any, those: Any) -> Any:
    """The pixels nearer the median of the colours `these` than that of `those`."""
    import numpy as np

    if len(these) == 0 or len(those) == 0:
        return np.ones(rgb.shape[:2], bool)
    px = rgb.astype(np.float32)
    a = _channel_sum(np.abs(px - np.median(these, axis=0)))
    return a < _channel_sum(np.abs(px - np.median(those, axis=0)))


def _nearer_colour(rgb: Any, these: Any, those: Any) -> Any:
    """The pixels of `rgb` nearer the model `these` than the model `those` (both H x W x 3),
    pixel by pixel."""
    import numpy as np

    px = rgb.astype(np.int16)
    near = _channel_sum(np.abs(px - these.astype(np.int16)))
    return near < _channel_sum(np.abs(px - those.astype(np.int16)))


def _touching(seeds: Any, shapes: Any) -> Any:
    """The whole of each of `shapes` that has a seed in it: a letter's foot, however far
    it hangs, with its anti-aliased edge."""
    import cv2
    import numpy as np

    count, labels = cv2.connectedComponents(shapes.astype(np.uint8), connectivity=8)
    keep = np.unique(labels[seeds & shapes])
    return np.isin(labels, keep[keep > 0]) | seeds


def _past(shapes: Any, edge: Any) -> Any:
    """The shapes that reach past `edge`: letters' feet hanging off a band, not specks of
    its own blurred edge."""
    import cv2
    import numpy as np

    count, labels = cv2.connectedComponents(shapes.astype(np.uint8), connectivity=8)
    reach = np.unique(labels[shapes & ~edge])
    return np.isin(labels, reach[reach > 0])


def _band_under(
    out: Any, rgb: Any, fill: Any, page: Any, panel: Any, rim: Any, text: Any, feet: Any
) -> None:
    """The band run on to its edge under the letters' `feet` in `out`: JPEG's blur took its
    last rows out of the panel, but beside the letters they are nearer the band than the
    page, and the edge runs straight on between."""
    hull = _hull(panel)
    edge = rim & ~hull & ~_ring(text | feet, EDGE_BLUR + 1)
    edge &= _nearer_colour(rgb, fill, page)
    if edge.any():
        under = feet & _hull(panel | edge) & ~hull
        out[under] = fill[under]


def _feet_on_photo(
    rgb: Any, fill: Any, hull: Any, text: Any, win: Window, height: float
) -> tuple[Any, Any]:
    """The letters' and their shadow's pixels hanging past a band's edge onto a photo (off
    the photo continued smoothly up to the band, hanging from where the letters cross its
    edge, the band's own JPEG-blurred edge left out), and the photo continued over them."""
    import cv2
    import numpy as np

    reach = max(2, round(FEET * height))
    near = _ring(hull, reach) & ~hull & win.area
    est = _pull_push(rgb, hull | near | win.others)  # (other lines' letters: no photo)
    px = rgb.astype(np.float32)
    off = colors.largest_channel(np.abs(px - est)) > FEET_OFF
    # the band's blurred edge is a mix of the band and the photo: on the line between them
    span = est - fill.astype(np.float32)
    reach2 = (span * span).sum(axis=2)
    rel = px - fill.astype(np.float32)
    t = (rel * span).sum(axis=2) / np.maximum(reach2, 1.0)
    apart = rel - t[..., None] * span
    mix = (t > -0.1) & (t < 1.1) & ((apart * apart).sum(axis=2) < 0.0625 * reach2)
    crossing = text & ~(hull & ~_ring(~hull, EDGE_BLUR + 1))
    feet = off & ~mix & near & _ring(crossing, reach)
    feet = _touching(feet & _ring(crossing, EDGE_BLUR + 2), feet)
    # a foot is narrower than a letter; what runs on along the band is a rule of the
    # picture (a table's line under a cell), not the letters'
    count, labels, stats, _ = cv2.connectedComponentsWithStats(feet.astype(np.uint8), 8)
    narrow = np.zeros(count, bool)
    narrow[1:] = np.maximum(stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]) <= height
    feet = narrow[labels]
    if not feet.any():
        return feet, rgb
    feet = _ring(feet, 2) & near  # their anti-aliasing, and JPEG's ringing around them
    # continued from the photo, not from the band's blurred edge beside the feet
    page = _pull_push(rgb, hull | feet | win.others | (mix & near & _ring(hull, EDGE_BLUR)))
    return feet, np.clip(np.rint(page), 0, 255).astype(np.uint8)


def _loose_fill(
    rgb: Any, win: Window, height: float, grow: int, letters: Any = None
) -> tuple[Any, ...]:
    """On a texture or a photo: the text's pixels, the crop filled (a copy of the same
    picture, or a soft fill where that fits better), its score, its method and the
    background's colour around the text. `letters`: gives the text's pixels by their
    colours (`_text_pixels` of the same crop), found once for the panel's check too."""
    import numpy as np

    text = _text_pixels(rgb, win, height) if letters is None else letters()
    # a glow's soft halo and a drop shadow hug the letters past their own colours: left
    # out, the halo showed as a lighter box round the fill and the shadow as dark specks
    # on the photo's lights (e09)
    shadow = _shadow(rgb, text, win, height)
    text = text | _glow(rgb, text, win, height) | shadow
    if shadow.any():  # (a letter's counter a shadow falls into: its dark specks were kept)
        text = _gaps_closed(text, height)
    # never copied from: other text in the crop in the same ink (a paragraph's next line,
    # whose letters fit the hole's shape and were copied into it, scored as a perfect match),
    # and the image's other text regions, in any ink (f12's close lines on linen)
    own = _same_ink(rgb, text, win)
    others = own | win.others
    out, score = _texture_fill(rgb, text, ~others, height)
    method = "texture"
    # no stretch free of the other regions' letters near the hole, where one would be
    # without them: a smooth fill, said, rather than a copy of letters
    crowded = (
        out is None
        and bool(win.others.any())
        and _texture_fill(rgb, text, ~own, height)[0] is not None
    )
    if out is None or score < GOOD:  # a copy that fits less well than a soft fill
        # (a membrane scoring no more than the copy is never taken, whatever `_bare` makes
        # of it, which only lowers a score: not made at all)
        soft, soft_score = _smooth_fill(
            rgb, text, grow, others, 0.0 if out is None else score,
            beat=None if out is None else score,
        )  # fmt: skip
        if soft is not None:
            soft_score = _bare(rgb, soft, text, grow, soft_score)
            if out is None or soft_score > score:
                out, score, method = soft, soft_score, "smooth"
    # the product's edge under the letters (a13/a14 line 2): continued through them as a
    # smooth line from where it enters the letters to where it leaves, each side filled
    # from its own side; only when both ends are seen, heading the same way (a conic
    # fitted to the whole ring drew a chord that cut the product); and only when it fits
    # its ring better than the fill it would replace (a product's flat face copied whole)
    sided = _sided_fill(rgb, text, height, win.others)
    if sided is not None and sided[1] > score:
        out, score, method = sided[0], sided[1], "sided"
    # a stripe field round the letters (wood's grain, a wave of bands running near level):
    # carried on along its own heading from both sides, where that fits clearly better
    # than the copy or the membrane (g05's title: a copy of one stretch per strip bent the
    # grain at each seam and showed the letters' shape, 30.6 dB; the grain, 34.8); never
    # over a product's edge carried through (`sided`: bokeh's lights at it read as bands),
    # nor into a hole deeper than the stripes' heading is read around (wood-shadow's
    # letters and shadow one blob: the headings guessed inside it drew streaks, 27 -> 24)
    if method != "sided" and score < GOOD and _shallow(text) and _striped(rgb, text, grow, others):
        # (a membrane's score as honest as the hole is deep: its thin ring it fits by
        # construction, and the grain it would beat on that ring was the better fill,
        # 34.8 dB against 28.3 on g05's title)
        beat = score if method != "smooth" else min(score, _held_out(rgb, text, others))
        beat += GRAIN_SLACK
        grain, grain_score = _smooth_fill(rgb, text, grow, others, grain=True, beat=beat)
        if grain is not None and grain_score > beat:
            out, score, method = grain, grain_score, "grain"
    ring = _ring(text, max(2, grow)) & ~text
    background = (
        np.median(rgb[ring], axis=0) if ring.any() else np.median(rgb.reshape(-1, 3), axis=0)
    )
    return text, out, score, method, background, crowded and method == "smooth"


# the smooth panel: one colour or one gradient, grown from inside the region


def _fit_plane(rgb: Any, where: Any) -> Any:
    """A plane per channel fitted to the pixels `where`: coefficients (3 x 3)."""
    import numpy as np

    # (the pixels' flat indices, then rows and columns of the ones sampled: the same
    # points, in the same order, as a 2-D nonzero, at a sixth of its cost)
    at = np.flatnonzero(where)
    if len(at) > 20000:  # a sample is as good and keeps big crops cheap
        at = at[np.linspace(0, len(at) - 1, 20000).astype(np.int64)]
    ys, xs = np.divmod(at, where.shape[1])
    basis = np.column_stack([xs, ys, np.ones(len(xs))]).astype(np.float64)
    coef, *_ = np.linalg.lstsq(basis, rgb[ys, xs].astype(np.float64), rcond=None)
    return coef


def _render_plane(coef: Any, shape: tuple[int, int]) -> Any:
    """The fitted planes over a crop of `shape`: float32 H x W x 3."""
    import cv2
    import numpy as np

    xs = np.arange(shape[1], dtype=np.float32)
    ys = np.arange(shape[0], dtype=np.float32)[:, None]
    c = coef.astype(np.float32)
    # a channel at a time, then merged: numpy broadcasting over a last axis of three is
    # several times slower (the same float32 operations in the same order: same values)
    planes = []
    for k in range(3):
        plane = xs * c[0, k] + ys * c[1, k]
        plane += c[2, k]
        planes.append(plane)
    return cv2.merge(planes)


def _panel(
    rgb: Any,
    win: Window,
    height: float,
    done: Any = None,
    tol: float = PANEL_TOL,
    lazy: bool = False,
) -> tuple[Any, Any, Any, float, str, Any] | None:
    """On a smooth panel (one colour or a gradient, grown from the region's own most
    common colour, or from the colour around the region): the text's pixels (everything
    the panel encloses near the region), the fill, the background colour, the score, the
    method and the panel's mask; None when what is around the text is no smooth panel (a
    texture, a photo). `done`: pixels another panel has already erased, left out (neither
    this panel nor its text)."""
    import numpy as np

    if done is None:
        done = np.zeros(win.inside.shape, bool)
    px = rgb.astype(np.float32)
    inside = px[win.inside & ~done]
    if len(inside) == 0:
        return None
    coarse = colors.binned(inside, 16)
    values, counts = np.unique(coarse, return_counts=True)
    # the region's commonest colours in turn: bold white letters may outnumber the red of
    # the tight band they sit on, and the letters are no panel
    found = []
    hugging: list[bool] = []
    for k in np.argsort(-counts)[:SEEDS]:
        if counts[k] < 0.1 * len(inside):
            break
        seed = inside[coarse == values[k]].mean(axis=0)
        panel = _panel_from(rgb, px, win, seed, done, height, tol, hugging)
        if panel is not None and panel[3] < SURE:
            # grown from the seed at its own tolerance, not twice it, and modelled by
            # what is around the region: two flat shades within twice it of each other
            # and touching (a table's rows shaded white and light blue in turn with no
            # rule between them, the page beside the table) were one panel, and their
            # plane neither's colour: the letters stayed as ghosts in both shades
            tight = _panel_from(rgb, px, win, seed, done, height, tol, reach=tol, local=True)
            if tight is not None and tight[3] >= panel[3] + TIGHTER:
                panel = tight
        if panel is not None:
            found.append(panel)
        if panel is not None and panel[3] >= SURE:  # an exact fit: no other does better
            break
    if not found and hugging:
        # a thick outline fills the region's box, the colour it stands on a sliver of it
        # (trial d01, p1): that colour, from around the region grown, is tried too; only
        # then (a translucent mark over a texture found a "gradient" there and lost its
        # un-blend: c03 60 -> 29.8, the mark left stronger than it was)
        around = _ring(win.area, 3) & ~win.area & ~done
        if around.sum() >= 30:
            seed = np.median(px[around], axis=0)
            panel = _panel_from(rgb, px, win, seed, done, height, tol)
            found = [panel] if panel is not None else []
    if not found:
        return None
    # two colours may each pass for the panel (white letters hanging off an orange band
    # onto a white page: the band encloses the letters, the page the band); the letters
    # are the least that explains the text, so of those whose fill is not poor the one
    # that changes fewest pixels is the panel, not the one that erases a band as ink
    fitting = [f for f in found if f[3] >= POOR] or found
    chosen = min(fitting, key=lambda f: (int(f[0].sum()), -f[3]))
    return chosen if lazy else _finished(chosen)  # (`lazy`: its fill made when asked for)


def _panel_from(
    rgb: Any,
    px: Any,
    win: Window,
    seed_colour: Any,
    done: Any,
    height: float,
    tol: float = PANEL_TOL,
    hugging: list[bool] | None = None,
    reach: float | None = None,
    local: bool = False,
) -> tuple[Any, Any, Any, float, str, Any] | None:
    """The smooth panel grown from one colour of the region, as `_panel` says, or None
    (and True added to `hugging` when it was refused as the letters' own outline);
    `reach`: how far from that colour its first pixels are (twice `tol` unless told: a
    gradient's far end joins in turn); `local`: its model fitted to the panel around the
    region only (grown by its margin), not to all of it."""
    import cv2
    import numpy as np

    seed = np.clip(np.rint(seed_colour), 0, 255).astype(np.uint8)
    reach = 2 * tol if reach is None else reach
    fit = colors.largest_channel(cv2.absdiff(rgb, np.broadcast_to(seed, rgb.shape))) <= reach
    fit &= ~done
    # grown from the seed colour, twice (a gradient's far end joins in turn), then the
    # piece of it the region touches
    if fit.sum() < 30:
        return None
    _, fit = _near_plane(rgb, fit, done, tol)
    if fit.sum() < 30:
        return None
    found = _panel_of(rgb, fit, win, done, tol)
    if found is None:
        return None
    panel, model = found  # the panel: the one the region's colour belongs to
    # the model from the panel alone: the seed's colour also matched the pixels of
    # neighbouring panels a shade apart (a table's rows shaded white and light blue in
    # turn, 15 levels apart, fenced off by the rules), and a plane through all of them is
    # none of their colours: each cell's letters were filled with the mix, a lighter ghost
    # of themselves in the shaded rows, a darker one in the white (trial 13 g07, 19.7 dB)
    for _ in range(REFIT):
        near = panel & win.area if local else panel
        found = _panel_of(rgb, near if near.sum() >= 30 else panel, win, done, tol)
        if found is None:
            return None
        grown, model = found
        if (grown == panel).all():
            break
        panel = grown
    if _hugs(panel, win, height):
        if hugging is not None:
            hugging.append(True)
        return None
    hull = _hull(panel)
    # specks of the panel's own blurred edge, inside its hull, are not letters
    rim = hull & _ring(~hull, EDGE_BLUR + 1)
    text = _enclosed(panel, win, hull & ~done, rgb)
    others = _other_panels(text, win, rgb)  # neither the panel nor its text: left as is
    text = _past(text & ~others, rim)
    left = _smooth_around(text, panel, win, done | others)
    if left is None:
        return None
    # anti-aliasing of the letters lies on the panel's side of the threshold: a px more
    text = (cv2.dilate(text.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0) & (panel | text)
    text &= ~done
    fill_f = np.clip(np.rint(model), 0, 255)
    fill = fill_f.astype(np.uint8)
    text |= _ringing(rgb, fill, text, panel & ~done, win)
    spread = float(np.ptp(fill_f[panel], axis=0).max()) if panel.any() else 0.0
    ring = _ring(text, 4) & panel & ~text
    residual = px[ring] - model[ring] if ring.any() else np.zeros((1, 3), np.float32)
    method = "flat" if spread <= 3 else "gradient"
    # a plane level across the panel may still be off round the letters: a round thing's
    # radial light (trial s32's 07: a skin-tone ellipse brighter in its middle, its plane
    # its mean) filled bold letters with a shade 5-7 levels darker than around them, a
    # legible ghost scored 35 dB; the fill is then levelled as a gradient's is (the
    # panel still one colour, as the layout takes it)
    bent = method == "gradient" or _off_round(px - model, ring) > FLAT_OFF
    # what was left unerased along the letters counts as a half-tone error each
    score = _db(float(np.sqrt((residual**2).mean() + LEFT_ERROR**2 * left)))

    def made() -> tuple[Any, Any]:  # (the score is the plane's: the fill is made apart)
        levelled = fill
        if bent:  # a photo's light is no plane: the fill levelled to the panel around
            # the letters, or a large patch shows its edge (a10_jpeg70's)
            level = _pull_push(px - model, text | ~panel)
            levelled = fill.copy()
            levelled[text] = np.clip(np.rint(model[text] + level[text]), 0, 255).astype(np.uint8)
        return levelled, np.median(levelled[text], axis=0)

    return text, made, None, score, method, panel | text


def _finished(model: tuple[Any, ...] | None) -> tuple[Any, Any, Any, float, str, Any] | None:
    """A panel as `_panel` gives it (text, fill, background, score, method, mask), its fill
    and background made if not yet: a candidate's fill (a gradient's levelled by a
    pull-push over the crop) is made only for the panel chosen, and the erase asks for it
    only when it paints with it or judges what it paints (a poor panel a texture's copy
    beats needs none: wood's lines, two such a line)."""
    if model is None or not callable(model[1]):
        return model  # type: ignore[return-value]
    fill, background = model[1]()
    return (model[0], fill, background, *model[3:])  # type: ignore[return-value]


def _off_round(residual: Any, ring: Any) -> float:
    """How far (grey levels, the largest channel) most (nine in ten) of the px of `ring`
    (boolean H x W) lie off a model, their `residual` (float H x W x 3) averaged over
    OFF_REACH px square so that noise and JPEG's ringing average out and a shading's bend
    stays: 0 when the ring is empty."""
    import cv2
    import numpy as np

    if not ring.any():
        return 0.0
    weight = ring.astype(np.float32)
    size = (OFF_REACH, OFF_REACH)
    held = cv2.boxFilter(weight, -1, size, normalize=False)
    summed = cv2.boxFilter(residual * weight[..., None], -1, size, normalize=False)
    mean = summed[ring] / np.maximum(held[ring], 1.0)[:, None]
    # (most of the ring, not its worst spot: a grainy ground's few darker clumps are no bend)
    return float(np.percentile(np.abs(mean).max(axis=1), 90))


def _near_plane(rgb: Any, where: Any, done: Any, tol: float) -> tuple[Any, Any]:
    """The planes fitted to the pixels `where`, rendered over the crop (float32), and the
    pixels within `tol` of them, those in `done` left out."""
    import cv2
    import numpy as np

    model = _render_plane(_fit_plane(rgb, where), rgb.shape[:2])
    shade = np.clip(np.rint(model), 0, 255).astype(np.uint8)
    return model, (colors.largest_channel(cv2.absdiff(rgb, shade)) <= tol) & ~done


def _panel_of(rgb: Any, where: Any, win: Window, done: Any, tol: float) -> tuple[Any, Any] | None:
    """The panel of a plane fitted to the pixels `where`: of the pixels within `tol` of
    it (`_near_plane`), the 4-connected piece the region's inside touches most, and the
    plane's render; None when the region touches none of them."""
    import cv2
    import numpy as np

    model, fit = _near_plane(rgb, where, done, tol)
    count, labels = cv2.connectedComponents(fit.astype(np.uint8), connectivity=4)
    touched = np.bincount(labels[win.inside & fit], minlength=count)
    touched[0] = 0
    if touched.max() == 0:
        return None
    return labels == touched.argmax(), model


def _hugs(panel: Any, win: Window, height: float) -> bool:
    """Whether `panel` is the letters' own outline: it encloses shapes in the region (the
    letters; not specks of a grainy panel's noise all over it) and none of it lies further
    than HUG of the text's height from them, so it ends where they end and the picture
    beyond it is another colour (trial d01: a 6 px dark outline, commoner in the OCR's
    box than the blue fabric, was grown as the panel and the letters and the fabric
    between them filled with its black). A panel reaches past the text: a band's corners,
    a badge's rim, a page."""
    import cv2
    import numpy as np

    rest = (~panel).astype(np.uint8)
    _, shapes = cv2.connectedComponents(rest, connectivity=8)
    border = np.unique(np.concatenate([shapes[0], shapes[-1], shapes[:, 0], shapes[:, -1]]))
    letters = np.setdiff1d(np.unique(shapes[win.inside]), np.append(border, 0))
    enclosed = np.isin(shapes, letters)
    if not enclosed.any():
        return False
    away = cv2.distanceTransform((~enclosed).astype(np.uint8), cv2.DIST_L2, 3)[panel]
    return float(np.percentile(away, 99)) <= HUG * height


def _ringing(rgb: Any, fill: Any, text: Any, panel: Any, win: Window) -> Any:
    """The panel's pixels in the JPEG blocks (8 x 8, on the image's grid) the letters
    touch, when the panel there is further off its model than elsewhere: the ringing a
    low JPEG quality leaves around letters, a blocky ghost of them once they are gone
    (a10_jpeg70: 5-13 grey levels, the headline still read)."""
    import cv2
    import numpy as np

    h, w = text.shape
    dy, dx = win.top % JPEG_BLOCK, win.left % JPEG_BLOCK
    rows, cols = (h + dy + JPEG_BLOCK - 1) // JPEG_BLOCK, (w + dx + JPEG_BLOCK - 1) // JPEG_BLOCK
    grid = np.zeros((rows * JPEG_BLOCK, cols * JPEG_BLOCK), np.uint8)
    grid[dy : dy + h, dx : dx + w] = text
    hit = grid.reshape(rows, JPEG_BLOCK, cols, JPEG_BLOCK).max(axis=(1, 3))
    blocks = np.kron(hit, np.ones((JPEG_BLOCK, JPEG_BLOCK), np.uint8))[dy : dy + h, dx : dx + w]
    near = (blocks > 0) & panel & ~text
    far = panel & ~_ring(text, 2 * JPEG_BLOCK)
    if near.sum() < 20 or far.sum() < 20:
        return np.zeros(text.shape, bool)
    off = colors.largest_channel(cv2.absdiff(rgb, fill)).astype(np.float32)
    rms_near = float(np.sqrt((off[near] ** 2).mean()))
    rms_far = float(np.sqrt((off[far] ** 2).mean()))
    return near if rms_near > RINGING * rms_far + 0.5 else np.zeros(text.shape, bool)


def _hull(panel: Any) -> Any:
    """The panel's convex hull as a mask: a band with the letters' notches in its edge
    closed (letters hanging past a band's edge, or JPEG's blur joining them to the page
    across a thin gap, leave the band open there)."""
    import cv2
    import numpy as np

    points = cv2.findNonZero(panel.astype(np.uint8))
    hull = np.zeros(panel.shape, np.uint8)
    if points is not None:
        cv2.fillConvexPoly(hull, cv2.convexHull(points), 1)
    return hull > 0


def _enclosed(panel: Any, win: Window, hull: Any, rgb: Any = None) -> Any:
    """What the panel encloses near the region within its hull: the letters, their
    outline and shadow (cut at a band's edge where they hang past it), but not the
    panel's own small pattern (dots printed all over it, also away from the text)."""
    import cv2
    import numpy as np

    rest = (~panel & hull).astype(np.uint8)
    _, holes = cv2.connectedComponents(rest, connectivity=8)
    border = np.unique(
        np.concatenate([holes[0], holes[-1], holes[:, 0], holes[:, -1]])
    )  # what reaches the crop's edge is not enclosed by the panel
    near = np.unique(holes[win.area & (rest > 0)])
    candidates = np.setdiff1d(near[near > 0], border)
    if len(candidates) == 0:
        return np.zeros(panel.shape, bool)
    # letters, their outline and shadow lie mostly within the region grown; something the
    # panel also encloses that only brushes it (the product beside vertical text) is not text
    sizes = np.bincount(holes.ravel(), minlength=holes.max() + 1)
    within = np.bincount(holes[win.area].ravel(), minlength=holes.max() + 1)
    mostly = candidates[within[candidates] >= TEXT_WITHIN * sizes[candidates]]
    if rgb is not None:
        own = np.median(rgb[panel].astype(np.float32), axis=0) if panel.any() else None
        mostly = np.setdiff1d(mostly, _pattern(holes, sizes, candidates, border, rgb, own))
    return np.isin(holes, mostly)


def _pattern(holes: Any, sizes: Any, candidates: Any, border: Any, rgb: Any, panel: Any) -> Any:
    """Of the `candidates`, the shapes like those the panel (of colour `panel`) encloses
    away from the text (as small, of the same colour, PATTERN of them at least, printed
    in a colour of their own, neither the panel's nor the letters': not JPEG's specks, not
    the other lines' strokes): the panel's own dots."""
    import numpy as np

    away = np.setdiff1d(np.arange(1, len(sizes)), np.concatenate([candidates, border]))
    if len(away) < PATTERN or panel is None:
        return np.zeros(0, np.int64)
    biggest = 1.5 * float(np.percentile(sizes[away], 90))
    colour = np.median(rgb[np.isin(holes, away)].astype(np.float32), axis=0)
    if float(np.abs(colour - panel).max()) <= 3 * PANEL_TOL:
        return np.zeros(0, np.int64)
    # shapes away from the text in the letters' own colour (or its mix with the panel's)
    # are the other lines' strokes (a paragraph's dots and ticks): a pattern is printed in
    # a colour of its own
    letters = np.median(rgb[np.isin(holes, candidates)].astype(np.float32), axis=0)
    if _blend(colour, letters, panel, near=STROKE_MIX):  # (small, so anti-aliased: lighter)
        return np.zeros(0, np.int64)
    small = candidates[sizes[candidates] <= biggest]
    alike = [
        k
        for k in small
        if np.abs(np.median(rgb[holes == k].astype(np.float32), axis=0) - colour).sum() <= INK_NEAR
    ]
    return np.asarray(alike, np.int64)


def _other_panels(text: Any, win: Window, rgb: Any) -> Any:
    """Blobs joined to the letters that are no letters: a solid shape far thicker than a
    stroke, of one colour, lying mostly outside the region grown (a white pill the
    headline's feet touch, a10_jpeg70: it was erased as the headline's ink)."""
    import cv2
    import numpy as np

    reach = max(2, round(BLOB * win.across / 2))
    others = np.zeros(text.shape, bool)
    if not text.any():
        return others
    # opened by a disc (by distances: its cost does not grow with the disc as a
    # morphological opening's does, 3000 px pictures have 300 px letters)
    deep = cv2.distanceTransform(text.astype(np.uint8), cv2.DIST_L2, 3) > reach
    if not deep.any():
        return others
    core = _ring(deep, reach) & text
    count, labels = cv2.connectedComponents(core.astype(np.uint8), connectivity=8)
    for k in range(1, count):
        blob = labels == k
        colour = np.median(rgb[blob], axis=0).astype(np.uint8)
        alike = (
            colors.largest_channel(cv2.absdiff(rgb, np.broadcast_to(colour, rgb.shape)))
            <= 3 * PANEL_TOL
        )
        grown = _ring(blob, 2 * reach) & text & alike
        if (grown & win.area).sum() < TEXT_WITHIN * grown.sum():
            others |= grown
    return others


def _smooth_around(text: Any, panel: Any, win: Window, done: Any) -> float | None:
    """The share of the letters' rows of the region that is neither the panel nor
    enclosed by it (a stroke joined to the page through JPEG's blur, left as it is), or
    None when that is more than a little (another object may lie beyond the letters: the
    page past a banner's edge, a cap below; a letter running onto another object is not
    enclosed, and fails this)."""
    import cv2
    import numpy as np

    ys, _ = np.nonzero(text & win.inside)
    if len(ys) == 0:
        return None
    # and a panel, not one colour of a pattern: away from the text its edge with other
    # things is a few lines (a band's edges, a product's outline), not stripe after stripe
    foreign = (~panel & ~text).astype(np.uint8)
    # other text the panel holds (a paragraph's next line, a sticker's other line) is no
    # pattern: a shape it encloses, no larger than a line, is left out of its edge
    count, labels, stats, _ = cv2.connectedComponentsWithStats(foreign, connectivity=8)
    border = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    held = stats[:, cv2.CC_STAT_AREA] <= 2 * int(win.inside.sum())
    held[border] = False
    foreign[held[labels]] = 0
    edge = panel & (cv2.dilate(foreign, np.ones((3, 3), np.uint8)) > 0) & ~win.area
    if edge.sum() > EDGES * sum(panel.shape):
        return None
    extent = np.zeros(text.shape, bool)
    extent[ys.min() : ys.max() + 1] = True
    extent &= win.inside & ~done
    left = 1 - float((extent & (panel | text)).sum()) / max(1, int(extent.sum()))
    return None if left > 1 - SMOOTH else left


def _ring(mask: Any, width: int) -> Any:
    """`mask` grown by `width` px (a round brush): by a distance transform past a few px,
    whose cost does not grow with the width as a dilation's does."""
    import cv2
    import numpy as np

    if width <= 3:
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * width + 1, 2 * width + 1))
        return cv2.dilate(mask.astype(np.uint8), kernel) > 0
    mask = mask.astype(bool)
    # the transform only over the mask's box grown by `width`: a chamfer distance is at
    # least the larger of its offsets, so nothing further is within `width`, and a
    # nearest path never leaves the box of its two ends (a few letters in a window many
    # times their size took the whole window's transform, 5% of a drawing's CPU)
    h, w = mask.shape
    rows, cols = np.nonzero(mask.any(axis=1))[0], np.nonzero(mask.any(axis=0))[0]
    if not len(rows):
        return np.zeros((h, w), bool)
    y0, y1 = max(0, int(rows[0]) - width - 1), min(h, int(rows[-1]) + width + 2)
    x0, x1 = max(0, int(cols[0]) - width - 1), min(w, int(cols[-1]) + width + 2)
    grown = np.zeros((h, w), bool)
    away = cv2.distanceTransform((~mask[y0:y1, x0:x1]).astype(np.uint8), cv2.DIST_L2, 5)
    grown[y0:y1, x0:x1] = away <= width
    return grown


def _db(rmse: float) -> float:
    """An RMSE in grey levels as dB against full scale, capped for an exact fit."""
    return SCORE_CAP if rmse <= 255 * 10 ** (-SCORE_CAP / 20) else 20 * math.log10(255 / rmse)


# a texture or a photo: the text's own colours, filled from the same picture


def _same_ink(rgb: Any, text: Any, win: Window) -> Any:
    """Pixels outside the erased area in the text's own colours (much commoner in the
    text than around it), a px grown for their anti-aliasing: other lines' letters; but
    not a texture's specks in those colours (a weave's threads)."""
    import cv2
    import numpy as np

    q = colors.binned(rgb, 24)
    size = 1 << 12
    around = ~win.area & ~win.others
    p_text = np.bincount(q[text], minlength=size) / max(1, int(text.sum()))
    p_out = np.bincount(q[around], minlength=size) / max(1, int(around.sum()))
    ink = ((p_text >= 0.01) & (p_text > 4 * p_out))[q] & around
    if ink.any():
        # a weave's dark threads beside a dark outline are 400 specks of 1-2 px that forbade
        # every stretch of the weave as a source (d01, p3: a bare smooth patch); but a
        # paragraph's neighbours in a tight box show as such specks too (their anti-aliased
        # tones), and were copied into the hole when all specks were dropped (6477f3b). Told
        # apart by where they lie: a texture's on every side of the line, letters' in bands
        count, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), 8)
        small = stats[:, cv2.CC_STAT_AREA] < LETTER_BITS
        small[0] = False
        specks = small[labels]
        if specks.any() and _all_around(specks, around, win.area):
            ink &= ~specks
    return _ring(ink, 1) if ink.any() else ink


def _all_around(specks: Any, around: Any, area: Any) -> bool:
    """Whether the `specks` lie on every side of the `area` (left and right of it in its
    rows, above and below it in its columns) about as densely as over the crop: grain,
    not a neighbouring line (above or below a line, beside a column, on one side of a
    line split in two). A side with room for too few specks to tell is not counted."""
    import numpy as np

    ys, xs = np.nonzero(area)
    if len(ys) == 0:
        return False
    r0, r1, c0, c1 = int(ys.min()), int(ys.max()) + 1, int(xs.min()), int(xs.max()) + 1
    density = specks.sum() / max(1, int(around.sum()))
    sides = (
        (slice(r0, r1), slice(0, c0)),
        (slice(r0, r1), slice(c1, None)),
        (slice(0, r0), slice(c0, c1)),
        (slice(r1, None), slice(c0, c1)),
    )
    seen = 0
    for side in sides:
        room = int(around[side].sum())
        if density * room < 8:  # (too few expected to tell an empty side from chance)
            continue
        seen += 1
        if specks[side].sum() < SPREAD * density * room:
            return False
    return seen >= 2


def _text_pixels(rgb: Any, win: Window, height: float) -> Any:
    """The text's pixels in the erased area: colours common inside the region and rare
    around it (fill, a distinct outline, a shadow, their anti-aliasing), then grown as
    far as an outline in one of the background's own colours hugs them."""
    import cv2
    import numpy as np

    q = colors.binned(rgb, 24)
    size = 1 << 12
    # (other lines' letters around are no picture: in a paragraph's crop they made the
    # letters' own colours common around the line, and none of its letters rare)
    around = ~_ring(win.area, 2) & ~win.others
    n_in, n_out = max(1, int(win.inside.sum())), max(1, int(around.sum()))
    p_in = np.bincount(q[win.inside], minlength=size) / n_in
    p_out = np.bincount(q[around], minlength=size) / n_out
    rare = (p_in > 0.002) & (p_in > 4 * p_out + 0.001)
    text = rare[q] & win.area
    text &= ~_blobs(rgb, text, q)
    # specks of a rare colour alone in the texture are not text: keep what is sizeable
    count, labels, stats, _ = cv2.connectedComponentsWithStats(text.astype(np.uint8), 8)
    small = max(4, int(height * height * 0.002))
    keep = np.zeros(count, bool)
    keep[1:] = stats[1:, cv2.CC_STAT_AREA] >= small
    text = keep[labels]
    if not text.any():
        return win.inside.copy()  # better erased than left readable
    # an outline of a background colour: the colour right at the letters' edge, as long
    # as it stays that colour much more than it is around
    dist = cv2.distanceTransform((~text).astype(np.uint8), cv2.DIST_L2, 3)
    first = (dist > 1) & (dist <= 3) & win.area  # past the letters' anti-aliasing
    if first.any():
        bins, counts = np.unique(q[first], return_counts=True)
        edge = np.median(rgb[first & (q == bins[counts.argmax()])].astype(np.float32), axis=0)
        edge_u8 = np.clip(np.rint(edge), 0, 255).astype(np.uint8)
        like = colors.largest_channel(cv2.absdiff(rgb, np.broadcast_to(edge_u8, rgb.shape))) <= 40
        base = float(like[around].mean()) if around.any() else 0.0
        width = 0
        # (the picture's own colour nearly everywhere around is no outline's: g05's wood
        # grain, within 40 levels of the letters' edge on 98.6% of the crop, read as an
        # outline 16 px wide and the whole box was filled as one flat patch)
        if base < OUTLINE_COMMON:
            for d in range(2, max(4, int(height * 0.2))):  # 1 px: the anti-aliasing, mixed
                ring = (dist > d - 1) & (dist <= d) & win.area
                if not ring.any() or float(like[ring].mean()) < (1 + base) / 2:
                    break
                width = d
        grow = width + 3 if width else 2
    else:
        grow = 2
    return _ring(text, grow) & win.area


def _blobs(rgb: Any, text: Any, q: Any) -> Any:
    """Of the pixels of colours rare around a region (`text`; `q`: each pixel's colour's
    bin), those of a soft blob far thicker than the letters' strokes, in colours found
    mostly in such blobs: a light of bokeh lying mostly inside the region is as rare
    around it as the letters are, and taken for them it was filled from the box beside
    it (g09). Thick: surviving an opening by a disc twice as wide as the strokes (the
    strokes never do, a glyph's crossing strokes a little, their colours' other pixels
    not); soft: fading into the picture around it less than BLOB_SOFT levels a px (a
    light blurred over 30 px, 4; a drop shadow thick with its letters ends in a few px,
    60: wood-shadow's shadows are the letters')."""
    import cv2
    import numpy as np

    none = np.zeros(text.shape, bool)
    wide = stroke_width(text)
    if wide is None:
        return none
    radius = max(2, round(wide))
    thick = _opened(text, radius)
    if not thick.any():
        return none
    size = int(q.max()) + 1
    total = np.bincount(q[text], minlength=size)
    inside = np.bincount(q[thick], minlength=size)
    theirs = inside > BLOB_SHARE * np.maximum(total, 1)
    blob = thick & theirs[q]
    # (and the blob's own rim, a px or two the disc's corners missed, of the same colours)
    square = np.ones((5, 5), np.uint8)
    blob |= (cv2.dilate(blob.astype(np.uint8), square) > 0) & text & theirs[q]
    count, labels = cv2.connectedComponents(blob.astype(np.uint8), connectivity=8)
    if count < 2:
        return none
    steep = _steepness(rgb)
    rim = cv2.dilate(labels.astype(np.float32), np.ones((3, 3), np.uint8)).astype(np.int32)
    rim = np.where((labels == 0) & ~text, rim, 0)  # the picture right around each blob
    soft = np.zeros(count, bool)
    for k in range(1, count):
        around = steep[rim == k]
        if len(around) < 10 or float(np.median(around)) >= BLOB_SOFT:
            continue
        # (and soft for what it stands out by: a drop shadow on a night photo, dark on
        # dark, steps little, but all it stands out by in a few px, 0.13-0.24 of it; a
        # light fades over 30, 0.04-0.05)
        blob = labels == k
        beyond = _ring(blob, 8) & ~_ring(blob, 4) & ~text
        if beyond.any():
            off = np.abs(rgb[blob].mean(axis=0) - rgb[beyond].astype(np.float64).mean(axis=0))
            soft[k] = float(np.median(around)) < BLOB_SOFT_SHARE * float(off.sum())
    return soft[labels]


def _steepness(rgb: Any) -> Any:
    """How steeply the picture changes at each px: Sobel's step over R, G and B summed
    (a step of D between two px: D / 2 on each of them)."""
    import cv2
    import numpy as np

    px = rgb.astype(np.float32)
    return (
        sum(
            np.abs(cv2.Sobel(px[..., c], cv2.CV_32F, 1, 0, ksize=3))
            + np.abs(cv2.Sobel(px[..., c], cv2.CV_32F, 0, 1, ksize=3))
            for c in range(3)
        )
        / 8.0
    )


def _opened(mask: Any, radius: int) -> Any:
    """`mask` opened by a disc of `radius` px."""
    return morph.opened(mask.astype("uint8"), 2 * radius + 1) > 0


def _profile(rgb: Any, hole: Any, height: float, toward: Any = None) -> tuple[Any, Any]:
    """How far the pixels at each distance (1 px rings) from `hole` lean from the
    background (the crop's median past the rings) toward the hole's own colour (or
    `toward`), in grey levels along that line: the median of each ring, and the far
    pixels' spread. Empty when the hole has no core or no colour of its own."""
    import cv2
    import numpy as np

    reach = max(4, round(GLOW_REACH * height))
    dist = cv2.distanceTransform((~hole).astype(np.uint8), cv2.DIST_L2, 3)
    far = (dist > reach) & (dist <= 2 * reach)
    core = hole & ~_ring(~hole, 2)
    if not far.any() or not core.any():
        return np.zeros(0), np.zeros(0)
    img = rgb.astype(np.float32)
    back = np.median(img[far], axis=0)
    ink = np.median(img[core], axis=0) if toward is None else np.asarray(toward, np.float32)
    line = ink - back
    span = float(np.linalg.norm(line))
    if span < GLOW_LEAST:
        return np.zeros(0), np.zeros(0)
    lean = (img - back) @ (line / span)
    rings = np.array(ring_medians(lean, dist, reach))
    spread = float(np.median(np.abs(lean[far] - np.median(lean[far]))))
    return rings, np.asarray([spread])


def ring_medians(values: Any, dist: Any, reach: int) -> list[float]:
    """The median of `values` over each 1 px ring round a shape, d - 1 < `dist` <= d for
    d = 1..`reach` (0.0 where a ring is empty): the pixels within reach sorted by their
    ring (their distance rounded up) once, each ring a slice of them. A median is the
    same in any order; two masks over the crop per ring, as it was, were a twentieth of a
    3000 px picture's erase."""
    import numpy as np

    near = (dist > 0) & (dist <= reach)
    ring_of = np.ceil(dist[near]).astype(np.int32)
    order = np.argsort(ring_of, kind="stable")
    ranked = values[near][order]
    ends = np.searchsorted(ring_of[order], np.arange(1, reach + 2))
    return [
        float(np.median(ranked[ends[d - 1] : ends[d]])) if ends[d] > ends[d - 1] else 0.0
        for d in range(1, reach + 1)
    ]


def _glow(rgb: Any, hole: Any, win: Window, height: float) -> Any:
    """A glow around the letters: a soft fall-off from the letters' colour to the
    background, wide and with no hard outer edge (an outline is a band of one colour
    ending at once; a shadow is offset and darker): the pixels out to where it fades
    into the background; none when there is no glow."""
    import numpy as np

    rings, spread = _profile(rgb, hole, height)
    none = np.zeros(hole.shape, bool)
    if len(rings) < 4:
        return none
    level = max(GLOW_LEAST / 4, 2.0 * float(spread[0]))
    if rings[0] < GLOW_LEAST or rings[0] < 3 * level:
        return none
    faded = np.nonzero(rings < level)[0]
    if len(faded) == 0:
        return none  # no end in sight: a picture the hole's colour, not a halo
    width = int(faded[0])  # rings 1..width lean toward the letters
    half = np.nonzero(rings < rings[0] / 2)[0]
    # soft: halving takes a few px and the fall is gradual (an outline left outside
    # the hole drops from its colour to the background's in a px or two)
    if width < GLOW_WIDE or (len(half) and half[0] < 2):
        return none
    steps = -np.diff(rings[: width + 1])
    if steps.max() > GLOW_STEP * rings[0]:
        return none
    return _ring(hole, width + 1) & ~hole


def _gaps_closed(hole: Any, height: float) -> Any:
    """`hole` with the small gaps it encloses taken in (on a photo every counter taken lost
    its texture: only where a shadow falls into them, e09's dark specks)."""
    import cv2
    import numpy as np

    count, labels, stats, _ = cv2.connectedComponentsWithStats((~hole).astype(np.uint8), 4)
    h, w = hole.shape
    x, y = stats[:, cv2.CC_STAT_LEFT], stats[:, cv2.CC_STAT_TOP]
    inner = (x > 0) & (y > 0)
    inner &= (x + stats[:, cv2.CC_STAT_WIDTH] < w) & (y + stats[:, cv2.CC_STAT_HEIGHT] < h)
    small = inner & (stats[:, cv2.CC_STAT_AREA] <= (GAP * height) ** 2)
    return hole | small[labels] if small.any() else hole


def moved(mask: Any, dx: int, dy: int) -> Any:
    """A boolean mask shifted by `dx`, `dy` px (right, down), what leaves it dropped (a drop
    shadow's offset tried, here and in looks)."""
    import numpy as np

    h, w = mask.shape
    out = np.zeros_like(mask)
    if abs(dx) >= w or abs(dy) >= h:
        return out
    out[max(0, dy) : h + min(0, dy), max(0, dx) : w + min(0, dx)] = mask[
        max(0, -dy) : h - max(0, dy), max(0, -dx) : w - max(0, dx)
    ]
    return out


def moved_part(mask: Any, dx: int, dy: int) -> tuple[tuple[slice, slice], Any]:
    """`moved(mask, dx, dy)` as the part of the frame it can lie in and the mask there (a
    view of `mask`): outside the part it is empty. Offsets tried by the dozen work on
    the part alone, in the frame's own order (the same pixels, so the same sums), with
    no shifted copy of the whole frame made and scanned per offset."""
    h, w = mask.shape
    if abs(dx) >= w or abs(dy) >= h:
        return (slice(0, 0), slice(0, 0)), mask[0:0, 0:0]
    part = (slice(max(0, dy), h + min(0, dy)), slice(max(0, dx), w + min(0, dx)))
    return part, mask[max(0, -dy) : h - max(0, dy), max(0, -dx) : w - max(0, dx)]


def _shadow(rgb: Any, hole: Any, win: Window, height: float) -> Any:
    """A drop shadow: the letters' shape offset to one side, darker there than on the
    opposite side by the same offset; the shadow's pixels (every offset up to it, a px
    grown), none when there is none."""
    import cv2
    import numpy as np

    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)
    none = np.zeros(hole.shape, bool)
    ring = _ring(hole, 2) & ~hole
    if not ring.any() or not hole.any():
        return none
    # the letters themselves: the hole's pixels at least half as far from the background
    # as its farthest (the hole grown around them holds most of a shadow's offset)
    off = np.abs(grey - float(np.median(grey[ring])))
    core = hole & (off >= 0.5 * float(np.percentile(off[hole], 95)))
    if core.sum() < 20:
        return none
    reach = max(2, round(SHADOW_REACH * height))
    pace = max(1, reach // 4)  # (offsets a few px apart: a large line's shadow is wide)
    ys, xs = np.nonzero(hole)
    top, left = max(0, int(ys.min()) - 2 * reach), max(0, int(xs.min()) - 2 * reach)
    crop = (slice(top, int(ys.max()) + 2 * reach + 1), slice(left, int(xs.max()) + 2 * reach + 1))
    grey, letters = grey[crop], core[crop]

    outside = ~_ring(letters, 1)
    # the picture around, without thin strokes or their shadow: a median over a letter
    size = min(255, 2 * (round(0.5 * height) // 2) + 1)
    local = cv2.medianBlur(np.clip(grey, 0, 255).astype(np.uint8), max(3, size)).astype(np.float32)
    below = local - grey
    # only on a calm picture: on stripes, checks or wood the texture's own dark patches
    # beside the letters read as a shadow, and a shadow's whole shape taken cost the
    # copy of the texture (wood 28.7 -> 25.3 dB)
    away = ~_ring(letters, 2 * reach)
    if not away.any() or float(np.abs(below[away]).mean()) > SHADOW_CALM:
        return none
    if float(below[letters].mean()) >= 0:  # (a dark shadow shows under light letters: dark
        return none  # ones on a gingham's cells found one in its squares)
    found = []
    for dy in range(-reach, reach + 1, pace):
        for dx in range(-reach, reach + 1, pace):
            if dx == 0 and dy == 0:
                continue
            (part, here), (away, there) = moved_part(letters, dx, dy), moved_part(letters, -dx, -dy)
            here, there = here & outside[part], there & outside[away]
            if np.count_nonzero(here) < 20 or np.count_nonzero(there) < 20:
                continue
            # darker than the picture around there, and more than the opposite side is
            # (an outline is dark all round; the photo's own lights vary over the line)
            dim = float(below[part][here].mean()) - float(below[away][there].mean())
            lit = float(local[part][here].mean())
            # (darker by a share of the light: on a night photo a shadow is a few levels)
            if dim >= max(SHADOW_LEAST, SHADOW_DARK * lit):
                found.append((dim, dx, dy))
    if not found:
        return none
    # the darkest offset is the letters' own edge next to them; the shadow reaches as far
    # as its side stays about as dark
    best = max(found)[0]
    _, dx, dy = max(found, key=lambda f: (f[0] >= best / 2, abs(f[1]) + abs(f[2]), f[0]))
    steps = max(abs(dx), abs(dy))
    shadow = np.zeros(hole.shape, bool)
    for k in range(1, steps + 1):
        shadow[crop] |= moved(letters, round(dx * k / steps), round(dy * k / steps))
    shadow = _ring(shadow, pace // 2 + 1)
    return shadow & ~hole


def _texture_fill(rgb: Any, text: Any, allowed: Any, height: float) -> tuple[Any, float]:
    """`rgb` with the `text` pixels filled from the best-matching stretch of the same crop
    (strip by strip along the text: the offset whose surroundings match the text's own
    surroundings best, sought near first, on a copy scaled to letters MATCH_HEIGHT px
    tall so that large text costs no more), levelled to the ring by a fitted plane; and
    the score (the ring's match, in dB). None for the image when no stretch is free."""
    import cv2
    import numpy as np

    out = rgb.copy()
    img = rgb.astype(np.float32)
    shape = text.shape
    f = max(1, math.ceil(height / MATCH_HEIGHT))
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)  # matched on, 3x cheaper
    small = (max(1, shape[1] // f), max(1, shape[0] // f))
    s_grey = cv2.resize(grey, small, interpolation=cv2.INTER_AREA) if f > 1 else grey
    s_text = cv2.resize(text.astype(np.float32), small, interpolation=cv2.INTER_AREA) > 0
    s_allowed = cv2.resize(allowed.astype(np.float32), small, interpolation=cv2.INTER_AREA) > 0.99
    forbidden = (s_text | ~s_allowed).astype(np.float32)
    margin = max(3, round(0.12 * height / f))
    ys, xs = np.nonzero(s_text)
    if len(xs) == 0:
        return out, SCORE_CAP
    x0, x1 = int(xs.min()), int(xs.max()) + 1
    step = max(6, round(0.8 * height / f))
    errors = []
    for sx in range(x0, x1, step):
        strip = np.zeros(s_text.shape, bool)
        band = s_text[:, sx : sx + step]
        strip[:, sx : sx + step] = band
        # (its extent read off its own columns: the rest of the strip is empty)
        sy, sxs = np.flatnonzero(band.any(axis=1)), np.flatnonzero(band.any(axis=0)) + sx
        if not len(sy):
            continue
        top, left = max(0, int(sy.min()) - margin), max(0, int(sxs.min()) - margin)
        bottom = min(s_text.shape[0], int(sy.max()) + margin + 1)
        right = min(s_text.shape[1], int(sxs.max()) + margin + 1)
        hole = strip[top:bottom, left:right]
        known = _ring(hole, margin) & ~s_text[top:bottom, left:right]
        known &= s_allowed[top:bottom, left:right]
        if known.sum() < 10:
            return None, 0.0
        ssd = cv2.matchTemplate(
            s_grey, s_grey[top:bottom, left:right], cv2.TM_SQDIFF, mask=known.astype(np.float32)
        )
        footprint = (hole | known).astype(np.float32)
        blocked = cv2.matchTemplate(forbidden, footprint, cv2.TM_CCORR)
        mse = ssd / known.sum()
        gy, gx = np.ogrid[0 : mse.shape[0], 0 : mse.shape[1]]  # (broadcast: the same sums)
        far = ((gx - left) ** 2 + (gy - top) ** 2) * (f * f) / (height * height)
        cost = np.where(blocked < 0.5, mse + 4.0 * far, np.inf)
        if not np.isfinite(cost).any():
            return None, 0.0
        by, bx = np.unravel_index(int(np.argmin(cost)), cost.shape)
        dy, dx = (int(by) - top) * f, (int(bx) - left) * f
        # the strip at full size: its text pixels, and a ring of known ones around them
        columns = slice(sx * f, (sx + step) * f if sx + step < x1 else shape[1])
        hole_full = np.zeros(shape, bool)
        hole_full[:, columns] = text[:, columns]
        ring = _ring(hole_full, margin * f) & ~text & allowed
        # (the points row by row as a 2-D nonzero gives them: the strip's own columns,
        # the ring's from flat indices, at a fraction of its cost)
        hy, hx = np.nonzero(text[:, columns])
        hx = hx + (columns.start or 0)
        ky, kx = np.divmod(np.flatnonzero(ring), shape[1])
        if f > 1 and len(kx):  # the scaled offset refined at full size, a px at a time
            dy, dx = _refine(grey, ky, kx, dy, dx, f, (hy, hx), text | ~allowed)
        src_h = (np.clip(hy + dy, 0, shape[0] - 1), np.clip(hx + dx, 0, shape[1] - 1))
        src_k = (np.clip(ky + dy, 0, shape[0] - 1), np.clip(kx + dx, 0, shape[1] - 1))
        # level the copy to its new surroundings: a plane through the ring's differences
        diff = img[ky, kx] - img[src_k]
        basis = np.column_stack([kx, ky, np.ones(len(kx))]).astype(np.float64)
        if len(kx) >= 3:
            coef, *_ = np.linalg.lstsq(basis, diff.astype(np.float64), rcond=None)
        else:
            coef = np.zeros((3, 3))
        residual = diff - basis @ coef
        errors.append(float((residual**2).mean()) if len(kx) else 0.0)
        level = np.column_stack([hx, hy, np.ones(len(hx))]) @ coef
        out[hy, hx] = np.clip(np.rint(img[src_h] + level), 0, 255).astype(np.uint8)
    score = _db(math.sqrt(max(errors))) if errors else SCORE_CAP
    return out, score


def _continued(
    rgb: Any,
    out: Any,
    text: Any,
    win: Window,
    height: float,
    score: float,
    fill: Any = None,
    within: Any = None,
) -> tuple[Any, float] | None:
    """`out` with the `text` pixels continued from a regular pattern around them (its
    lattice found from the known pixels, each letter copied from pixels of the same phase
    that are neither text, nor its anti-aliased rim, nor another line's ink), and
    that fill's score: the same copy tried on a band of known pixels round the text against
    what they are. None where no pattern repeats clearly, or the copy fits that band no
    better than the fill made (`score`; or, a panel's `fill` given, the panel's colour
    against the band, its dots and lines and all: a flat fill drops the pattern under the
    letters, f09's polka dots, 22.2 dB, where the panel alone fitted exactly; `within`: the
    panel's outline, what is known of the pattern)."""
    import cv2
    import numpy as np

    from localize.image import period

    rim = _ring(text, 2)
    known = ~rim & ~_same_ink(rgb, text, win) & ~win.others  # (never another line's pixels)
    if within is not None:  # (a band's own pattern: the page past it is no copy of it)
        known &= within
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)
    lat = period.lattice(grey, known)
    if lat is None:
        return None
    # (half a step at least: the dots nearest the letters may all be in the text's mask,
    # and a band without any would fit the panel's flat colour exactly)
    step = max(math.hypot(*lat.first), math.hypot(*lat.second))
    band = _ring(rim, max(3, round(PATTERN_BAND * height), round(step / 2))) & known
    trial, reached = _levelled_copy(rgb, band, known, lat, whole=False)
    if reached.sum() < PATTERN_REACHED * band.sum():
        return None
    truth = rgb[reached].astype(np.float32)
    mine = _db(float(np.sqrt(((trial[reached] - truth) ** 2).mean())))
    if fill is not None:
        score = _db(float(np.sqrt(((fill[reached].astype(np.float32) - truth) ** 2).mean())))
        if score >= GOOD:  # the panel's colour fits round the letters: nothing repeats there
            return None
    # (a copy of one stretch per strip may fit its ring as well and still bend a grout
    # line at each strip's seam, where a lattice's copy cannot: within SLACK of it, the
    # lattice is taken; a panel's own colour is no copy)
    if mine < PATTERN_LEAST or mine <= score - (0.0 if fill is not None else PATTERN_SLACK):
        return None
    # (letters' feet hanging past a band onto the page keep the page's fill)
    hole = text if within is None else text & within
    filled, got = _levelled_copy(rgb, hole, known, lat)
    result = out.copy()
    result[got] = np.clip(np.rint(filled[got]), 0, 255).astype(np.uint8)
    return result, mine


def _levelled_copy(
    rgb: Any, hole: Any, known: Any, lat: Any, whole: bool = True
) -> tuple[Any, Any]:
    """The `hole` of `rgb` copied from the `known` pixels of the same phase (`lat` the
    pattern's lattice), each piece of it (a letter) whole from one offset where one reaches
    all of it, levelled to its own edge: what the copy is off the known pixels just past it,
    carried smoothly in (each tile its own shade: a copy from the neighbouring tiles showed
    the letters' shape as lighter and darker patches, tiles, f11); what no one offset
    reaches (or all of it, not `whole`: a band round the letters, no one offset's), pixel by
    pixel from the nearest. Float image, and which hole pixels a copy reached."""
    import cv2
    import numpy as np

    from localize.image import period

    px = rgb.astype(np.float32)
    out = px.copy()
    got = np.zeros(hole.shape, bool)
    grey = cv2.GaussianBlur(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32), (0, 0), 1)
    # (not where the pattern's own lines run: a copy a fraction of a px off them is far off
    # there, and carried in, drew a second grout line beside the first)
    calm = np.hypot(cv2.Sobel(grey, cv2.CV_32F, 1, 0), cv2.Sobel(grey, cv2.CV_32F, 0, 1))
    calm = calm < LEVEL_STEEP
    h, w = hole.shape
    # (a letter whole from two steps away at most: a step's error grows with each taken,
    # and a line of letters joined into one piece was copied from stripes three steps off,
    # a third of their period out: bleached, stripes via OCR's box 26.4 -> 19.5 dB)
    reach = PATTERN_STEPS * max(math.hypot(*lat.first), math.hypot(*lat.second))
    offsets = lat.offsets(reach)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(hole.astype(np.uint8), 8)
    count = count if whole else 1
    for k in range(1, count):
        x0, y0 = stats[k, cv2.CC_STAT_LEFT], stats[k, cv2.CC_STAT_TOP]
        box = (
            slice(max(0, y0 - 6), min(h, y0 + stats[k, cv2.CC_STAT_HEIGHT] + 6)),
            slice(max(0, x0 - 6), min(w, x0 + stats[k, cv2.CC_STAT_WIDTH] + 6)),
        )
        piece = labels[box] == k
        # (past the letters' anti-aliased rim, which is no known pixel)
        edge = _ring(piece, 5) & known[box] & ~hole[box]
        py, pxs = np.nonzero(piece)
        ey, ex = np.nonzero(edge)
        ys = np.concatenate([py, ey]) + box[0].start
        xs = np.concatenate([pxs, ex]) + box[1].start
        for offset in offsets:
            ok, value = period.copied(px, ys, xs, offset, known)
            if ok[: len(py)].all():
                break
        else:
            continue
        copy = np.zeros(piece.shape + (3,), np.float32)
        seen = np.zeros(piece.shape, bool)
        at = np.nonzero(ok)[0]
        copy[(ys[at] - box[0].start, xs[at] - box[1].start)] = value
        seen[(ey, ex)] = ok[len(py) :]
        seen &= calm[box]
        level = np.zeros(piece.shape + (3,), np.float32)
        if seen.any():
            off = np.where(seen[..., None], px[box] - copy, 0)
            level = _pull_push(off, ~seen)
        region = out[box]
        region[piece] = copy[piece] + level[piece]
        got[box] |= piece
    rest = hole & ~got
    if rest.any():
        edge = _ring(rest | ~known, 2) & known & ~hole
        filled, reached = period.continued(rgb, rest | edge, known & ~edge, lat)
        seen = edge & reached & calm
        if seen.any():
            off = np.zeros(rgb.shape, np.float32)
            off[seen] = px[seen] - filled[seen]
            filled += _pull_push(off, ~seen)
        reached &= rest
        out[reached] = filled[reached]
        got |= reached
    return out, got


def _bare(rgb: Any, out: Any, hole: Any, grow: int, score: float) -> float:
    """`score` of the fill `out` of `hole` counting the texture it lacks: on a texture (fine
    detail of TEXTURED grey levels around the hole) a fill keeping under BARE of it is a
    bare patch the hole's shape (trial p3: a smooth fill on woven fabric, 22.1 dB on its
    ring's match alone and silent, the letters' shape plain in the weave); the detail it
    lacks is an error on top of the ring's."""
    import cv2
    import numpy as np

    ring = _ring(hole, max(2, grow)) & ~hole
    core = hole & ~_ring(~hole, 2)  # (its seam with the picture has some of the ring's)
    if not ring.any() or not core.any():
        return score

    def detail(img: Any, where: Any) -> float:
        grey = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY).astype(np.float32)
        fine = grey - cv2.GaussianBlur(grey, (0, 0), 2.0)
        return float(np.sqrt((fine[where] ** 2).mean()))

    around, kept = detail(rgb, ring), detail(out, core)
    if around < TEXTURED or kept >= BARE * around:
        return score
    rmse = 255 * 10 ** (-score / 20)
    return _db(math.sqrt(rmse**2 + around**2 - kept**2))


def _refine(
    grey: Any,
    ky: Any,
    kx: Any,
    dy: int,
    dx: int,
    reach: int,
    hole: tuple[Any, Any] | None = None,
    forbidden: Any = None,
) -> tuple[int, int]:
    """The offset within `reach` px of (dy, dx) whose copy of the ring's pixels (ky, kx)
    matches them best; with `hole` (its pixels' rows and columns), only an offset that
    copies none of them from a `forbidden` pixel (the text, other lines' letters: found
    on a scaled copy, a px of full size further may land on them), but for (dy, dx)."""
    import numpy as np

    h, w = grey.shape
    target = grey[ky, kx]
    best, at = np.inf, (dy, dx)
    # (looked up on the flattened frames by row start plus column: the same pixels as
    # indexing by row and column, a third of the cost)
    flat = grey.ravel()
    banned = forbidden.ravel() if hole is not None else None
    across = range(dx - reach, dx + reach + 1)  # (each offset's columns, once for every row)
    cols = {ax: np.clip(kx + ax, 0, w - 1) for ax in across}
    hole_cols = {ax: np.clip(hole[1] + ax, 0, w - 1) for ax in across} if hole is not None else {}
    for ay in range(dy - reach, dy + reach + 1):
        row = np.clip(ky + ay, 0, h - 1) * w
        if hole is not None:
            hole_row = np.clip(hole[0] + ay, 0, h - 1) * w
        for ax in across:
            if hole is not None and (ay, ax) != (dy, dx):
                if banned[hole_row + hole_cols[ax]].any():
                    continue
            d = flat[row + cols[ax]] - target
            err = float(d @ d)
            if err < best:
                best, at = err, (ay, ax)
    return at


def _smooth_fill(
    rgb: Any,
    hole: Any,
    grow: int,
    avoid: Any = None,
    copied: float = 0.0,
    grain: bool = False,
    beat: float | None = None,
) -> tuple[Any, float]:
    """`rgb` with the `hole` filled smoothly from all around it (pull-push through a
    pyramid, then relaxed), for soft backgrounds, or where that fits poorly, each colour
    carried along its own stripes (`_along_grain`); and the score: the same fill tried on
    a ring of known pixels around the hole, against what they are. `avoid`: pixels never
    carried into the hole (other lines' letters); `copied`: the score of a copy of the
    picture already made (a good one: no stripes followed); `grain`: stripes followed
    whatever the membrane's score (a stripe field round the hole). None for the image where
    the trial on the ring (of the stripes or the membrane, whichever is made) scores no
    more than `beat`: the fill is made only once that score is known, so a fill that
    loses costs its trial alone (a membrane relaxed RELAX_FILL passes over the letters'
    box, and the stripes followed at full size, thrown away)."""
    import numpy as np

    out = rgb.copy()
    band = _ring(hole, max(2, grow // 2)) & ~hole
    if not band.any():
        out[hole] = np.clip(np.rint(_pull_push(rgb, hole)[hole]), 0, 255).astype(np.uint8)
        return out, SCORE_CAP
    # (other lines' letters are no picture to carry in: white letters below a headline
    # on a dark photo lifted its whole fill into a lighter haze, e09)
    unknown = hole if avoid is None else hole | avoid
    trial = _pull_push(rgb, unknown | band)
    err = trial[band] - rgb[band].astype(np.float32)
    score = _db(float(np.sqrt((err**2).mean())))
    striped = grain or (max(score, copied) < POOR and _striped(rgb, hole, grow, avoid))
    if not striped and beat is not None and score <= beat:
        return None, score
    if striped:
        # (the membrane a blob the letters' shape, no copy, and stripes round it to follow)
        # (only then: following stripes costs up to 1 s a large region; where the membrane
        # or a copy fits well enough, as on bokeh and wood, it is no worse)
        blocked = hole if avoid is None else hole | avoid
        # scored as the membrane is, on the same ring: the fill used, tried there (a
        # thin ring sees too little of the grain to warn of a poor fill: it said 25 dB
        # where the truth was 19)
        wide = _along_grain(rgb, hole | band, blocked | band, GRAIN_REACH * grow, half=True)
        wide = np.where(np.isnan(wide), trial, wide)[band] - rgb[band].astype(np.float32)
        score = _db(float(np.sqrt((wide**2).mean())))
        if beat is not None and score <= beat:  # (the trial beaten: nothing made)
            return None, score
    filled = _pull_push(rgb, unknown)
    # the fill itself relaxed further, over the letters' box alone: a bold stroke's middle
    # 12 px from the picture was still a few levels off the membrane, the letters' shape a
    # faint ghost on soft lights (the trials, which only score, keep the pyramid's)
    _relax(filled, unknown, RELAX_FILL, within=hole)
    if striped:
        along = _along_grain(rgb, hole, blocked, GRAIN_REACH * grow)
        filled = np.where(np.isnan(along), filled, along)  # no stripe reached: membrane
    out[hole] = np.clip(np.rint(filled[hole]), 0, 255).astype(np.uint8)
    return out, score


def _held_out(rgb: Any, hole: Any, avoid: Any) -> float:
    """The score (dB) of a smooth fill of `hole` tried where the picture is known and as
    far from it as the hole's middle is from its edge: the hole grown that far to one
    side at a time, the membrane made over it, and the grown part's pixels (but `avoid`,
    other text) compared with what they are, over all four sides. The membrane's own
    trial is a ring a few px wide, which it fits nearly by construction: on bokeh it
    scored 30 dB where a light disc beside the line was carried across it, 19.6 dB
    against the true background (a lighter smudge, and nothing said)."""
    import cv2
    import numpy as np

    inside = cv2.distanceTransform(hole.astype(np.uint8), cv2.DIST_L2, 3)
    deep = max(3, round(float(inside.max())))
    cells = hole.astype(np.uint8)
    errors = []
    for kernel, anchor in (
        (np.ones((1, deep + 1), np.uint8), (deep, 0)),  # grown rightwards
        (np.ones((1, deep + 1), np.uint8), (0, 0)),  # leftwards
        (np.ones((deep + 1, 1), np.uint8), (0, deep)),  # downwards
        (np.ones((deep + 1, 1), np.uint8), (0, 0)),  # upwards
    ):
        band = (cv2.dilate(cells, kernel, anchor=anchor) > 0) & ~hole & ~avoid
        if band.sum() < HELD_LEAST:
            continue
        trial = _pull_push(rgb, hole | avoid | band)
        errors.append(trial[band] - rgb[band].astype(np.float32))
    if not errors:
        return SCORE_CAP
    err = np.concatenate(errors)
    return _db(float(np.sqrt((err**2).mean())))


def _shallow(hole: Any) -> bool:
    """Whether nine in ten of the `hole`'s pixels lie within GRAIN_DEPTH px of the picture
    (the reach `_along_grain` reads the stripes' heading over, its blur's)."""
    import cv2
    import numpy as np

    if not hole.any():
        return False
    depth = cv2.distanceTransform(hole.astype(np.uint8), cv2.DIST_L2, 3)[hole]
    return float(np.percentile(depth, 90)) <= GRAIN_DEPTH


def _striped(rgb: Any, hole: Any, grow: int, avoid: Any = None) -> bool:
    """Whether the picture in a ring around `hole` (less `avoid`) is a stripe field: its
    gradients (blurred as `_along_grain` takes them) lie along one heading, their summed
    structure tensor's coherence at least STRIPED (wood's grain, a wave of bands; not
    bokeh's lights or a photo, whose edges turn every way)."""
    import cv2
    import numpy as np

    ring = _ring(hole, max(4, 2 * grow)) & ~hole
    if avoid is not None:
        ring &= ~avoid
    if ring.sum() < 100:
        return False
    grey = cv2.GaussianBlur(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32), (0, 0), PRE)
    gx = cv2.Sobel(grey, cv2.CV_32F, 1, 0, ksize=3)[ring]
    gy = cv2.Sobel(grey, cv2.CV_32F, 0, 1, ksize=3)[ring]
    jxx, jxy, jyy = float((gx * gx).sum()), float((gx * gy).sum()), float((gy * gy).sum())
    if jxx + jyy <= 0:
        return False
    return math.hypot(jxx - jyy, 2 * jxy) / (jxx + jyy) >= STRIPED


def _along_grain(
    rgb: Any, hole: Any, blocked: Any, reach: int, half: bool = False, sigma: float = 12.0
) -> Any:
    """Each colour of `rgb` carried into `hole` along its own stripes (the heading its
    known pixels' gradients are square to, around each pixel): the nearest pixel not
    `blocked` either way along them, weighted by nearness. Stripes of three colours each
    their own way and period (a03) are continued where a copy of any one stretch fits
    none and a membrane blurs them out. Float image; NaN where no stripe reaches within
    `reach` px. `half`: followed at half size, 8x cheaper (a trial's rougher fill)."""
    import cv2
    import numpy as np

    full = rgb.astype(np.float32)
    img, f = full, 1
    if half and min(hole.shape) >= 64:
        f = 2
        half = (hole.shape[1] // 2, hole.shape[0] // 2)
        img = cv2.resize(full, half, interpolation=cv2.INTER_AREA)
        # (a half-size pixel touching the hole is in it; touching a blocked one, blocked)
        hole, blocked = (
            cv2.resize(m.astype(np.float32), half, interpolation=cv2.INTER_AREA) > 0
            for m in (hole, blocked | hole)
        )
        reach, sigma = reach // 2, sigma / 2
    h, w = hole.shape
    soft = cv2.blur(img, (3, 3)) if f == 1 else img  # (a pixel's grain averaged)
    seen = cv2.erode((~blocked).astype(np.uint8), np.ones((5, 5), np.uint8)).astype(np.float32)
    weight = cv2.GaussianBlur(seen, (0, 0), sigma) + 1e-6
    out = np.full(img.shape, np.nan, np.float32)
    out[~hole] = img[~hole]
    smooth = cv2.GaussianBlur(img, (0, 0), PRE / f)
    hy, hx = np.nonzero(hole)
    free_blocked = blocked.ravel()  # (a flat lookup: the same pixels as blocked[y, x])
    headings = []
    for c in range(3):
        gx = cv2.Sobel(smooth[..., c], cv2.CV_32F, 1, 0, ksize=3)
        gy = cv2.Sobel(smooth[..., c], cv2.CV_32F, 0, 1, ksize=3)
        jxx, jxy, jyy = (
            cv2.GaussianBlur(g * seen, (0, 0), sigma) / weight for g in (gx * gx, gx * gy, gy * gy)
        )
        theta = 0.5 * np.arctan2(2 * jxy, jxx - jyy)[hy, hx]  # the gradient's heading
        headings.append((-np.sin(theta), np.cos(theta)))  # square to it: along the stripes
    colours = np.ascontiguousarray(soft).ravel()  # (channel c of pixel k at 3 k + c)
    # each colour's rays either way from every hole pixel, followed together (six sets of
    # rays stepped in one loop, not one loop each: the same points, the same arithmetic
    # ray by ray), as many sets at a time as keep a step's arrays to RAYS
    combos = [(c, sign) for c in range(3) for sign in (1, -1)]
    found: dict[tuple[int, int], tuple[Any, Any]] = {}
    n = len(hy)
    per = max(1, RAYS // max(1, n))
    for first in range(0, len(combos), per):
        group = combos[first : first + per]
        value = np.full(n * len(group), np.nan, np.float32)
        dist = np.full(n * len(group), np.inf, np.float32)
        # the rays still going, with their starts, headings, ways and channels kept
        # alongside (taken again only when some stop), each step looked up on the
        # flattened frame: the same points as indexing the starts by the rays left
        active = np.arange(n * len(group))
        ax, ay = np.tile(hx, len(group)), np.tile(hy, len(group))
        vx = np.concatenate([headings[c][0] for c, _ in group])
        vy = np.concatenate([headings[c][1] for c, _ in group])
        way = np.repeat(np.asarray([sign for _, sign in group], np.int64), n)
        channel = np.repeat(np.asarray([c for c, _ in group], np.int64), n)
        for step in range(1, reach):
            # (sign * step as float32, as a Python int times a float32 array is taken)
            k = (way * step).astype(np.float32)
            x = np.rint(ax + k * vx).astype(np.int32)
            y = np.rint(ay + k * vy).astype(np.int32)
            inside = (x >= 0) & (x < w) & (y >= 0) & (y < h)
            at = y * w + x
            if inside.all():
                hit = ~free_blocked[at]
            else:
                hit = np.zeros(len(active), bool)
                hit[inside] = ~free_blocked[at[inside]]
            value[active[hit]] = colours[at[hit].astype(np.int64) * 3 + channel[hit]]
            dist[active[hit]] = step
            going = ~hit & inside
            if not going.any():
                break
            if not going.all():
                active, ax, ay, vx, vy, way, channel = (
                    a[going] for a in (active, ax, ay, vx, vy, way, channel)
                )
        for m, combo in enumerate(group):
            found[combo] = value[m * n : (m + 1) * n], dist[m * n : (m + 1) * n]
    for c in range(3):
        (v1, d1), (v2, d2) = found[(c, 1)], found[(c, -1)]
        both = np.isfinite(d1) & np.isfinite(d2)
        res = np.where(np.isfinite(d1), v1, v2)
        res[both] = (v1[both] * d2[both] + v2[both] * d1[both]) / (d1[both] + d2[both])
        out[hy, hx, c] = res
    if f == 1:
        return out
    up = cv2.resize(out, (full.shape[1], full.shape[0]), interpolation=cv2.INTER_LINEAR)
    return np.where(np.isnan(up), np.nan, up)  # (known pixels are the caller's to keep)


def _pieces(rgb: Any, hole: Any, avoid: Any) -> Any:
    """Which of the ring's distinct colours each pixel is nearest (labels 0..n-1, uint8),
    when the ring around `hole` (less `avoid`: other letters) is two to SIDED_PIECES
    distinct colours (a product against its backdrop, a band across the product); None
    otherwise."""
    import cv2
    import numpy as np

    around = rgb[_ring(hole, 4) & ~hole & ~avoid].astype(np.float32)
    if len(around) < 40:
        return None

    def split(centres: Any) -> tuple[Any, Any] | None:
        """k-means from `centres`: the centres and each ring pixel's, or None when a piece
        is too small or two too alike to be pieces of their own."""
        for _ in range(8):
            near = np.stack([_channel_sum(np.abs(around - c)) for c in centres]).argmin(axis=0)
            if len(np.unique(near)) < len(centres):
                return None
            centres = np.stack([around[near == k].mean(axis=0) for k in range(len(centres))])
        shares = np.bincount(near, minlength=len(centres)) / len(near)
        apart = min(
            float(np.abs(centres[i] - centres[j]).sum())
            for i in range(len(centres))
            for j in range(i)
        )
        if float(shares.min()) < SIDED_SHARE or apart < SIDED_APART:
            return None
        return centres, near

    found = split(np.stack([np.percentile(around, 10, axis=0), np.percentile(around, 90, axis=0)]))
    if found is None:
        return None
    while len(found[0]) < SIDED_PIECES:
        # a further piece: the commonest colour of what lies far from every piece so far
        # (mixed pixels along an edge are few and lie between two pieces' colours)
        centres, near = found
        far = np.stack([_channel_sum(np.abs(around - c)) for c in centres]).min(axis=0)
        far = around[far > SIDED_APART]
        if len(far) < SIDED_SHARE * len(around):
            break
        q = (far.astype(np.int32) // 32) @ np.array([1 << 6, 1 << 3, 1])
        seed = far[q == np.bincount(q).argmax()].mean(axis=0)
        more = split(np.vstack([centres, seed]))
        if more is None:
            break
        found = more
    centres = found[0]
    px = rgb.astype(np.float32)
    near = np.stack([_channel_sum(np.abs(px - c)) for c in centres])
    # each pixel the piece most of its 5 x 5 neighbours are nearest (the grain's and
    # JPEG's stray pixels; for two pieces, a median)
    nearest = near.argmin(axis=0)  # (once, not once per piece)
    votes = np.stack(
        [cv2.blur((nearest == k).astype(np.float32), (5, 5)) for k in range(len(centres))]
    )
    return votes.argmax(axis=0).astype(np.uint8)


def _hard_pieces(rgb: Any, side: Any, hole: Any, avoid: Any, height: float) -> Any:
    """`side` (`_pieces`' labels) with pieces whose edge with each other is soft near the
    `hole` taken as one (relabelled 0..n-1): a soft edge steps less than SIDED_HARD of the
    two pieces' colours apart in a px at its steepest (bokeh's lights, blurred over
    30 px, step 0.03 of it; a box's edge, a band's, even JPEG's, 0.3 and more); as they
    are when no edge is hard (nothing to keep apart from the lights)."""
    import cv2
    import numpy as np

    pieces = int(side.max()) + 1
    px = rgb.astype(np.float32)
    # (the labels' edge lies a px or two off the picture's)
    steep = cv2.dilate(_steepness(rgb), np.ones((5, 5), np.uint8))
    near = _ring(hole, max(8, round(0.5 * height))) & ~_ring(hole, 2) & ~_ring(avoid, 2)
    square = np.ones((3, 3), np.uint8)
    low, high = cv2.erode(side, square), cv2.dilate(side, square)
    parent = list(range(pieces))

    def root(k: int) -> int:
        while parent[k] != k:
            k = parent[k]
        return k

    for i in range(pieces):
        for j in range(i + 1, pieces):
            on = near & (low == i) & (high == j)
            if int(on.sum()) < 3:
                continue
            apart = float(np.abs(px[side == i].mean(axis=0) - px[side == j].mean(axis=0)).sum())
            if float(np.median(steep[on])) < SIDED_HARD * apart:
                parent[root(j)] = root(i)
    roots = sorted({root(k) for k in range(pieces)})
    if len(roots) < 2 or len(roots) == pieces:
        # (no hard edge at all: the pieces each filled from its own as before, bokeh's
        # lights told apart by their colours, 29.0 dB where one membrane gave 27.8)
        return side
    relabel = np.array([roots.index(root(k)) for k in range(pieces)], np.uint8)
    return relabel[side]


def _edge_end(edge: Any, group: Any, reach: int) -> tuple[Any, Any] | None:
    """Where an edge meets a hole (the mean of its `group` of contact pixels, x, y) and
    which way it runs there (a unit vector: the main axis of the edge's pixels nearby);
    None when too little of the edge lies near to say which way (a weave's fine threads
    beside a thin outline: no pixel within reach, and the fill gave up with an IndexError
    that failed the whole image)."""
    import numpy as np

    gy, gx = np.nonzero(group)
    if len(gx) == 0:
        return None
    at = np.array([gx.mean(), gy.mean()])
    ey, ex = np.nonzero(edge)
    close = np.hypot(ex - at[0], ey - at[1]) < reach
    if int(close.sum()) < 2:
        return None
    pts = np.column_stack([ex[close], ey[close]]).astype(np.float64)
    _, _, axes = np.linalg.svd(pts - pts.mean(axis=0), full_matrices=False)
    # another edge meeting this one near the hole (a ribbon's side running down from a
    # box's top edge, g09) tilts the pixels' main axis off both: the heading through the
    # end that most of them lie on, where it holds clearly more of them
    rel = pts - at
    turns = np.radians(np.arange(0.0, 180.0, 1.0))
    normals = np.column_stack([-np.sin(turns), np.cos(turns)])
    held = (np.abs(rel @ normals.T) <= SIDED_ON).sum(axis=0)
    axis_held = int((np.abs(rel @ np.array([-axes[0][1], axes[0][0]])) <= SIDED_ON).sum())
    best = int(held.argmax())
    if held[best] > SIDED_HELD * axis_held:
        on = pts[np.abs(rel @ normals[best]) <= SIDED_ON]
        _, _, axes = np.linalg.svd(on - on.mean(axis=0), full_matrices=False)
    return at, axes[0]


def _other_heading(edge: Any, at: Any, reach: int, t: Any) -> Any:
    """Where two edges meet by a hole's side (a ribbon's side running down from a box's top
    edge, both edges of the same two pieces when the ribbon reads as the lights'): the
    other edge's heading through the end `at`, SIDED_OTHER degrees or more off `t`, when
    at least SIDED_OTHER_HELD as many of the `edge` pixels within `reach` lie on it as on
    `t`'s line; None otherwise. (Which of the two runs on under the letters is told by
    the other ends: JPEG's blur left g09's top edge fewer pixels there than the ribbon's.)"""
    import numpy as np

    ey, ex = np.nonzero(edge)
    close = np.hypot(ex - at[0], ey - at[1]) < reach
    rel = np.column_stack([ex[close], ey[close]]).astype(np.float64) - at
    if len(rel) < 10:
        return None
    held_t = int((np.abs(rel @ np.array([-t[1], t[0]])) <= SIDED_ON).sum())
    turns = np.radians(np.arange(0.0, 180.0, 1.0))
    headings = np.column_stack([np.cos(turns), np.sin(turns)])
    normals = np.column_stack([-np.sin(turns), np.cos(turns)])
    held = (np.abs(rel @ normals.T) <= SIDED_ON).sum(axis=0)
    apart = np.degrees(np.arccos(np.clip(np.abs(headings @ t), 0, 1)))
    held[apart < SIDED_OTHER] = 0
    best = int(held.argmax())
    if held[best] < max(6, SIDED_OTHER_HELD * held_t):
        return None
    on = rel[np.abs(rel @ normals[best]) <= SIDED_ON]
    _, _, axes = np.linalg.svd(on - on.mean(axis=0), full_matrices=False)
    return axes[0]


def _straight_on(
    edge: Any, p: Any, t: Any, reach: float, spread: float = SIDED_STRAIGHT
) -> tuple[Any, Any]:
    """The line an edge runs on up to the hole, from its end `p` heading `t` into the hole:
    of the headings within `spread` degrees of `t`, the one along which most of the `edge`
    pixels behind the end (up to `reach` px) lie on one line (a px wide), fitted again to
    those pixels; the end's own line where too few lie on it. (Its few px by the end read
    the heading 5 degrees off where a ribbon's side met a box's top edge there, and run on
    200 px under g09's letters the corner was drawn 17 px off.)"""
    import numpy as np

    ey, ex = np.nonzero(edge)
    rel = np.column_stack([ex, ey]).astype(np.float64) - p
    back = -(rel @ t)
    side = rel @ np.array([-t[1], t[0]])
    slack = math.tan(math.radians(spread))
    near = (back >= -2) & (back <= reach) & (np.abs(side) <= 4 + slack * np.maximum(back, 0))
    rel = rel[near]
    if len(rel) < 10:
        return p, t
    base = math.atan2(t[1], t[0])
    best, best_count = None, 0
    for turn in np.radians(np.arange(-spread, spread + 0.01, 0.25)):
        normal = np.array([-math.sin(base + turn), math.cos(base + turn)])
        cell = np.floor((rel @ normal) / SIDED_ON).astype(np.int64)
        low = int(cell.min())
        counts = np.bincount(cell - low)
        if len(counts) > 1:  # (two cells side by side: a line wherever it falls on them)
            counts = counts[:-1] + counts[1:]
        k = int(counts.argmax())
        if counts[k] > best_count:
            best_count, best = int(counts[k]), (normal, (k + low) * SIDED_ON)
    if best is None or best_count < 10:
        return p, t
    normal, lo = best
    off = rel @ normal
    on = rel[(off >= lo) & (off < lo + 2 * SIDED_ON)] + p
    for _ in range(2):  # (fitted, then again to the pixels on the fitted line)
        centre = on.mean(axis=0)
        _, _, axes = np.linalg.svd(on - centre, full_matrices=False)
        heading = axes[0] if axes[0] @ t >= 0 else -axes[0]
        across = (on - centre) @ np.array([-heading[1], heading[0]])
        if int((np.abs(across) <= SIDED_ON).sum()) < 10:
            break
        on = on[np.abs(across) <= SIDED_ON]
    return centre + ((p - centre) @ heading) * heading, heading


def _joined(
    ends: list[tuple[Any, Any]], inside: Any = None, straight: Any = None
) -> tuple[list[tuple[int, int]], list[int], dict[tuple[int, int], tuple[Any, Any]]]:
    """Which edges' ends (point, inward heading) are one edge entering the hole and leaving
    it: pairs whose headings agree with the line between them, best first, then (given
    the hole, `inside`) pairs whose lines meet at a corner inside it (their lines: the
    ends' own, or one of `straight`'s for each end, its line read along its edge and
    another edge's met there); the ends left over; and the pairs that are such corners,
    with the two lines that meet."""
    import numpy as np

    tried = []
    for i in range(len(ends)):
        for j in range(i + 1, len(ends)):
            (p0, t0), (p1, t1) = ends[i], ends[j]
            chord = p1 - p0
            length = float(np.linalg.norm(chord))
            if length < 2:
                continue
            u = chord / length
            apart = np.degrees(np.arccos(np.clip([t0 @ u, -(t1 @ u)], -1, 1)))
            turn = float(np.degrees(np.arccos(np.clip(-(t0 @ t1), -1, 1))))
            if float(apart.max()) <= SIDED_HEADING and turn <= SIDED_TURN:
                tried.append((float(apart.max()), i, j))
    pairs, used = [], set()
    for _, i, j in sorted(tried):
        if i not in used and j not in used:
            pairs.append((i, j))
            used |= {i, j}
    if inside is None:
        return pairs, [k for k in range(len(ends)) if k not in used], {}
    # a corner hidden by the letters (a box's top edge and its side, g09): two ends left
    # whose lines meet ahead of both, inside the hole, one leg far longer than the other
    # (its chord then runs near one end's heading and across the other's)
    corners: dict[tuple[int, int], tuple[Any, Any]] = {}
    choices = straight or [[end] for end in ends]
    for i in range(len(ends)):
        for j in range(i + 1, len(ends)):
            if {i, j} & used or (i, j) in pairs:
                continue
            for first, second in ((f, s) for f in choices[i] for s in choices[j]):
                if _corner_inside(first, second, inside):
                    corners[(i, j)] = (first, second)
                    used |= {i, j}
                    break
    return pairs + list(corners), [k for k in range(len(ends)) if k not in used], corners


def _corner_inside(first: Any, second: Any, inside: Any) -> bool:
    """Whether two ends' lines (point, inward heading) meet ahead of both, inside the hole
    (`inside`), turning no sharper than SIDED_TURN + SIDED_SQUARE."""
    import numpy as np

    (p0, t0), (p1, t1) = first, second
    turn = float(np.degrees(np.arccos(np.clip(-(t0 @ t1), -1, 1))))
    if turn > SIDED_TURN + SIDED_SQUARE or abs(float(t0[0] * t1[1] - t0[1] * t1[0])) < 0.2:
        return False
    a, b = np.linalg.solve(np.column_stack([t0, -t1]), p1 - p0)
    x, y = np.rint(p0 + a * t0).astype(int)
    h, w = inside.shape
    return bool(a > 0 and b > 0 and 0 <= x < w and 0 <= y < h and inside[y, x])


def _edge_through(p0: Any, t0: Any, p1: Any, t1: Any) -> tuple[Any, bool]:
    """The points of an edge from `p0` heading `t0` to `p1` arriving heading `t1`: when
    the two headings' lines meet ahead, one end's much further off than the other's (a
    product's flat top running into its rounded corner), each end's line run on to a
    round corner between them (a cubic from the corner's steeper heading bulged over
    the top, a14); otherwise Hermite's cubic (one curve: an ellipse's top, whose ends'
    lines meet about as far from each). And whether the line's place is known (straight
    sides) rather than guessed (a cubic's bend)."""
    import numpy as np

    length = float(np.linalg.norm(p1 - p0))
    n = max(20, round(length))
    turn = float(np.clip(t0 @ t1, -1, 1))
    det = float(t0[0] * t1[1] - t0[1] * t1[0])
    if abs(det) > 1e-3 and turn > -0.5:
        # where p0 + a t0 = p1 - b t1
        a, b = np.linalg.solve(np.column_stack([t0, t1]), p1 - p0)
        if a > 0 and b > 0 and max(a, b) >= SIDED_CORNER * min(a, b):
            corner = p0 + a * t0
            d = min(a, b)
            start, end = corner - d * t0, corner + d * t1
            w = math.cos(math.acos(turn) / 2)  # (a circle's arc as a rational quadratic)
            s = np.linspace(0, 1, n)[:, None]
            arc = ((1 - s) ** 2 * start + 2 * s * (1 - s) * w * corner + s**2 * end) / (
                (1 - s) ** 2 + 2 * s * (1 - s) * w + s**2
            )
            into = np.linspace(0, 1, max(2, round(2 * (a - d))))[:, None]
            out_of = np.linspace(0, 1, max(2, round(2 * (b - d))))[:, None]
            # (each line's points to half a px: which side a pixel lies on is told by them)
            return np.vstack([p0 + into * (start - p0), arc, end + out_of * (p1 - end)]), True

    s = np.linspace(0, 1, 2 * n)[:, None]
    curve = (
        (2 * s**3 - 3 * s**2 + 1) * p0
        + (s**3 - 2 * s**2 + s) * SIDED_PULL * length * t0
        + (-2 * s**3 + 3 * s**2) * p1
        + (s**3 - s**2) * SIDED_PULL * length * t1
    )  # (Hermite's cubic)
    u = (p1 - p0) / max(length, 1e-9)
    return curve, min(t0 @ u, t1 @ u) >= math.cos(math.radians(SIDED_STRAIGHT))


def _ray(
    p: Any, t: Any, inside: Any, wall: Any, reach: float, seen: Any
) -> tuple[Any, bool] | None:
    """An edge run straight on from where it enters the hole (`p`, heading `t`) to where
    it meets a line already drawn (True) or leaves `inside` where no edge is `seen` going
    on (False; between two letters the edge is seen and the line goes on): its points
    (x, y, to a fraction of a px); None when it never enters."""
    import cv2
    import numpy as np

    seen = cv2.dilate(seen.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    h, w = inside.shape
    entered, points = False, []
    for s in np.arange(0.0, reach + 1.0, 0.5):
        q = p + s * t
        x, y = np.rint(q).astype(int)
        if not (0 <= x < w and 0 <= y < h):
            return (np.array(points), False) if entered else None
        if inside[y, x]:
            entered = True
        if entered and wall[y, x]:
            return np.array(points + [q]), True
        if entered and not inside[y, x] and not seen[y, x]:
            return np.array(points), False
        points.append(q)
    return (np.array(points), False) if entered else None


def _beside_line(on: Any, lines: list[Any], labels: Any, wall: Any) -> tuple[Any, Any, Any]:
    """The pixels `on` a drawn line (ys, xs) and for each the label of the pixel a few px
    away from the line on its own side (the line's true place lies between pixels: a
    pixel's centre tells which side it is on; -1 where that is not told)."""
    import numpy as np

    ys, xs = np.nonzero(on)
    found = np.full(len(xs), -1, np.int16)
    if not lines or not len(xs):
        return ys, xs, found
    pts = np.vstack(lines)
    here = np.column_stack([xs, ys]).astype(np.float64)
    for start in range(0, len(xs), 512):  # (a distance matrix a block at a time)
        block = here[start : start + 512]
        d = ((block[:, None, :] - pts[None, :, :]) ** 2).sum(axis=2)
        off = block - pts[d.argmin(axis=1)]
        size = np.hypot(off[:, 0], off[:, 1])
        ok = size > 0.05
        step = np.where(ok[:, None], off / np.maximum(size, 1e-9)[:, None], 0) * 3.5
        to = np.rint(block + step).astype(int)
        h, w = labels.shape
        ok &= (to[:, 0] >= 0) & (to[:, 0] < w) & (to[:, 1] >= 0) & (to[:, 1] < h)
        to[:, 0], to[:, 1] = np.clip(to[:, 0], 0, w - 1), np.clip(to[:, 1], 0, h - 1)
        ok &= wall[to[:, 1], to[:, 0]] == 0
        found[start : start + 512] = np.where(ok, labels[to[:, 1], to[:, 0]], -1)
    return ys, xs, found


def _flat_pieces(rgb: Any, hole: Any, side: Any, near_edge: Any, height: float) -> list[Any]:
    """For each piece of the ring: the plane fitted to its own pixels round the hole away
    from its edges, rendered over the crop, when they lie within SIDED_FLAT of it (a flat or evenly
    shaded piece: a card, a band; JPEG blurs an edge's pixels into a mix of its two
    pieces, a yellow band's last rows darker by its blue); None for any other (a soft
    photo's pieces, which blend into each other, are filled smoothly from all their
    own pixels)."""
    import numpy as np

    around = _ring(hole, max(8, round(0.5 * height))) & ~hole & ~near_edge
    planes = []
    for k in range(int(side.max()) + 1):
        fit = around & (side == k)
        plane = None
        if fit.sum() >= 20:
            coef = _fit_plane(rgb, fit)
            ys, xs = np.nonzero(fit)
            basis = np.column_stack([xs, ys, np.ones(len(xs))])
            miss = basis @ coef - rgb[ys, xs].astype(np.float64)
            if math.sqrt(float((miss**2).mean())) <= SIDED_FLAT:
                plane = _render_plane(coef, hole.shape)
        planes.append(plane)
    return planes


def _closed(mask: Any, radius: int) -> Any:
    """`mask` closed by a disc of `radius` px, worked on its bounding box grown by the
    radius and a px only (a large disc's closing cost 0.6 s a 3000 px image over the whole
    crop). The same pixels: the dilation reaches no further than the radius, so the box's
    outer rows and columns stay empty, and a disc reaching past them (each of its rows
    and columns unbroken) also covers one of them, which empties it as the empty
    picture beyond would."""
    import numpy as np

    shut = np.zeros(mask.shape, bool)
    ys, xs = np.nonzero(mask)
    if not len(xs):
        return shut
    h, w = mask.shape
    top, left = max(0, int(ys.min()) - radius - 1), max(0, int(xs.min()) - radius - 1)
    bottom, right = min(h, int(ys.max()) + radius + 2), min(w, int(xs.max()) + radius + 2)
    part = mask[top:bottom, left:right].astype(np.uint8)
    shut[top:bottom, left:right] = morph.closed(part, 2 * radius + 1) > 0
    return shut


def _sided_fill(rgb: Any, hole: Any, height: float, avoid: Any = None) -> tuple[Any, float] | None:
    """`rgb` with the edges that cross the `hole` (a product's against its backdrop, a band's
    across the product) continued through it, each piece between them filled from its own
    piece's pixels only; and the score (each piece's fill tried on a ring of its known
    pixels). The ring is split into pieces by colour; an edge seen entering the hole and
    leaving it, its ends' headings agreeing with the line between them, is drawn as a
    smooth line (from the point and heading where it enters the letters to those where it
    leaves: `_edge_through`); one seen only entering runs straight on until it meets
    another edge's line (a band's edge ending on the card's). None when no edge is seen, or one
    runs on out of the hole with no edge seen leaving there. `avoid`: pixels that are no
    piece and never filled from (other lines' letters)."""
    import cv2
    import numpy as np

    avoid = np.zeros(hole.shape, bool) if avoid is None else avoid
    side = _pieces(rgb, hole, avoid)
    if side is None:
        return None
    # pieces that blend into each other (bokeh's lights into the dusk between them) are
    # one picture filled from all its pixels: only a hard edge is continued (g09: a gift
    # box's corner on bokeh, its edges lost among the lights' soft ones, smeared)
    side = _hard_pieces(rgb, side, hole, avoid, height)
    square = np.ones((3, 3), np.uint8)
    low, high = cv2.erode(side, square), cv2.dilate(side, square)
    seen = (high != low) & ~_ring(avoid, 1)  # (no edge of other letters' strokes)
    pair = low.astype(np.int16) * 16 + high  # which two pieces an edge's pixel lies between
    edge = seen.copy()
    # the letters and the gaps between them: one hole the edge enters and leaves
    gap = max(3, round(SIDED_GAP * height))
    shut = _closed(hole, gap)
    edge &= _ring(hole, max(8, round(0.5 * height))) & ~_ring(shut, 2)
    contact = edge & _ring(shut, 5)
    count, labels = cv2.connectedComponents(
        cv2.dilate(contact.astype(np.uint8), np.ones((5, 5), np.uint8))
    )
    touching = np.bincount(labels[contact], minlength=count)
    kept = [k for k in range(1, count) if touching[k] >= 3]
    if not kept:
        return None
    pieces = int(side.max()) + 1
    planes = _flat_pieces(rgb, hole, side, _ring(seen, EDGE_BLUR), height)
    if len(kept) > 2 and any(plane is None for plane in planes):
        # more edges than one among pieces not flat: a texture, wood's grain; told before
        # following each edge, which cost 2 s of 5 on a 3000 px wood (each group becomes
        # an end or the fill gives up: the same test as on the ends)
        return None
    groups = [(labels == k) & contact for k in kept]
    inside = shut | hole
    ends, straight = [], []
    for g in groups:
        # (its own two pieces' edge: not another's meeting it nearby, a band's on a card's)
        end = _edge_end(edge & (pair == np.bincount(pair[g]).argmax()), g, 3 * gap)
        if end is None:
            return None  # an edge no one can follow: today's fill (and its score) instead
        p, t = end
        # heading into the hole: towards its pixels near the end
        hy, hx = np.nonzero(inside & (_ring(g, 3 * gap)))
        if len(hx) == 0:
            return None
        toward = np.array([hx.mean(), hy.mean()]) - p
        ends.append((p, t if t @ toward >= 0 else -t))
        mine = seen & (pair == np.bincount(pair[g]).argmax()) & ~_ring(shut, 2)
        lines_of = [_straight_on(mine, *ends[-1], float(sum(hole.shape)))]
        other = _other_heading(edge & (pair == np.bincount(pair[g]).argmax()), p, 3 * gap, t)
        if other is not None:
            other = other if other @ toward >= 0 else -other
            # (read along the straight edge it runs on past the other one: a box's top edge
            # past the ribbon, whatever the few px by the junction said of its heading)
            reach = float(sum(hole.shape))
            lines_of.append(_straight_on(mine, p, other, reach, SIDED_OTHER_SPREAD))
        straight.append(lines_of)
    # (a corner's sides are run on far past their ends: their headings are read along
    # all the straight edge outside the hole, not the few px by the end)
    pairs, alone, corners = _joined(ends, _ring(inside, gap), straight)
    if len(ends) == 2 and not pairs:
        return None  # (one edge whose two ends disagree: a corner, a curve it cannot tell)
    wall, lines = np.zeros(hole.shape, np.uint8), []
    for i, j in pairs:
        (p0, t0), (p1, t1) = ends[i], ends[j]
        if (i, j) in corners:  # each side's straight line run on to where they meet
            (p0, t0), (p1, t1) = corners[(i, j)]
            a = float(np.linalg.solve(np.column_stack([t0, -t1]), p1 - p0)[0])
            corner = p0 + a * t0
            s = np.linspace(0, 1, max(2, round(2 * a)))[:, None]
            back = np.linspace(0, 1, max(2, round(2 * float(np.linalg.norm(p1 - corner)))))
            curve, known = (
                np.vstack([p0 + s * (corner - p0), corner + back[:, None] * (p1 - corner)]),
                True,
            )
        else:
            curve, known = _edge_through(p0, t0, p1, -t1)  # (both heading from p0 to p1)
        cv2.polylines(wall, [np.rint(curve).astype(np.int32)], False, 1, 2)
        if known:
            # a straight edge's place (or a corner's between straight sides) is known to a
            # fraction of a px; a cubic's bend only guesses at a curve's: there the pixels
            # beside it vote
            lines.append(curve)
    for k in alone:  # each in turn runs on until it meets a line drawn before it
        p, t = ends[k]
        met = _ray(p, t, inside, cv2.dilate(wall, square) > 0, float(sum(hole.shape)), seen)
        if met is None or not met[1] or len(met[0]) < 2:
            return None
        cv2.polylines(wall, [np.rint(met[0]).astype(np.int32)], False, 1, 2)
        lines.append(met[0])
    # each piece of the hole between the lines: the piece of most known pixels round it
    count, labels = cv2.connectedComponents((inside & (wall == 0)).astype(np.uint8), 4)
    hole_side = side.copy()
    for k in range(1, count):
        piece = labels == k
        rim = _ring(piece, 2) & ~piece & ~hole & ~avoid & (wall == 0)
        if rim.any() and (piece & hole).any():
            hole_side[piece & hole] = np.bincount(side[rim], minlength=pieces).argmax()
    # the line itself: the piece most of the pieces beside it are (its own pixels' colour
    # is the letters', which may lie nearer either side's: specks along the edge)
    off_wall = (wall == 0).astype(np.float32)
    votes = np.stack(
        [cv2.blur((hole_side == k).astype(np.float32) * off_wall, (5, 5)) for k in range(pieces)]
    )
    on_wall = (wall > 0) & hole
    voted = votes.argmax(axis=0).astype(np.uint8)
    ys, xs, beside = _beside_line(on_wall, lines, hole_side, wall)
    hole_side[ys, xs] = np.where(beside >= 0, beside, voted[ys, xs])
    out, errors = rgb.copy(), []
    band = _ring(hole, 3) & ~hole & ~avoid
    for k in range(pieces):
        own = ~hole & ~avoid & (side == k)
        trial = band & (side == k)
        where = hole & (hole_side == k)
        plane = planes[k]
        # (a piece not flat, bokeh's lights: continued from its own pixels nearby, not a
        # pyramid's block means, which pulled a light hidden under g09's letters 10
        # levels towards the dusk around it and left the letters' shape darker on it)
        if where.any():
            fill = plane if plane is not None else _membrane(rgb, ~own, where)
            out[where] = np.clip(np.rint(fill[where]), 0, 255).astype(np.uint8)
        if trial.any():
            told = plane if plane is not None else _membrane(rgb, ~own | trial, trial)
            errors.append(told[trial] - rgb[trial].astype(np.float32))
    if not errors:
        return None
    err = np.concatenate(errors)
    return out, _db(float(np.sqrt((err**2).mean())))


def _membrane(rgb: Any, unknown: Any, where: Any) -> Any:
    """The `unknown` pixels continued from the known ones nearest them (Navier-Stokes
    inpainting, on the box around `where` and a margin only): a float image, exact where
    known, filled at least `where`."""
    import cv2
    import numpy as np

    fill = rgb.astype(np.float32)
    ys, xs = np.nonzero(where)
    if not len(xs):
        return fill
    h, w = where.shape
    m = MEMBRANE_MARGIN
    top, left = max(0, int(ys.min()) - m), max(0, int(xs.min()) - m)
    bottom, right = min(h, int(ys.max()) + m + 1), min(w, int(xs.max()) + m + 1)
    part = unknown[top:bottom, left:right]
    if part.all():
        return _pull_push(rgb, unknown)
    done = cv2.inpaint(rgb[top:bottom, left:right], part.astype(np.uint8), 3, cv2.INPAINT_NS)
    fill[top:bottom, left:right] = done
    return fill


def _pull_push(rgb: Any, hole: Any) -> Any:
    """A smooth membrane over `hole` from the known pixels around it (float image)."""
    import cv2
    import numpy as np

    weight = (~hole).astype(np.float32)
    value = rgb.astype(np.float32)
    # (OpenCV's product with the weight in three channels, in place: the same products
    # at half numpy's cost of broadcasting over a last axis of three)
    cv2.multiply(value, cv2.merge([weight] * 3), dst=value)
    levels = []
    while min(weight.shape) > 4:
        levels.append((value, weight))
        size = ((weight.shape[1] + 1) // 2, (weight.shape[0] + 1) // 2)
        value = cv2.resize(value, size, interpolation=cv2.INTER_AREA)
        weight = cv2.resize(weight, size, interpolation=cv2.INTER_AREA)
    known = weight > 1e-4
    mean = value[known].sum(axis=0) / max(1e-4, float(weight[known].sum()))
    fill = np.where(known[..., None], value / np.maximum(weight, 1e-4)[..., None], mean)
    for level in range(len(levels) - 1, -1, -1):
        value, weight = levels[level]
        up = cv2.resize(fill, (weight.shape[1], weight.shape[0]), interpolation=cv2.INTER_LINEAR)
        cv2.multiply(up, cv2.merge([1 - weight] * 3), dst=up)
        fill = np.add(value, up, out=up)  # premultiplied: known pixels stay
        if level:  # (the full size is relaxed below, in the hole's box)
            _relax(fill, weight < 1e-4, RELAX_COARSE)
    _relax(fill, hole, RELAX)
    return fill


def _relax(fill: Any, hole: Any, passes: int, within: Any = None) -> None:
    """Smooth `fill` (float H x W x 3) inside `hole` in place, `passes` of a 3 x 3 mean over
    the hole's box. Done at every level of the pyramid as it is pushed back down, most at
    the coarser ones (cheaper, and reaching further): 12 passes at the full size only
    reach 3-4 px, and a stroke 14 px wide kept the coarse levels' mean of the picture far
    around it (a letter-shaped ghost, darker and greyer, on bokeh's tan lights: the
    trial's 02). `within`: the pixels whose box is smoothed (the hole's, by default)."""
    import cv2
    import numpy as np

    box = hole if within is None else within
    rows, cols = np.flatnonzero(box.any(axis=1)), np.flatnonzero(box.any(axis=0))
    if len(cols):  # smooth the pyramid's blockiness inside the hole only
        top, left = max(0, int(rows[0]) - 1), max(0, int(cols[0]) - 1)
        bottom, right = int(rows[-1]) + 2, int(cols[-1]) + 2
        part = fill[top:bottom, left:right].copy()  # (contiguous: OpenCV writes into it)
        inner = hole[top:bottom, left:right].astype(np.uint8)
        for _ in range(passes):  # (OpenCV's masked copy, in place: numpy's copyto with a
            # mask broadcast over the channels was four fifths of the fill's CPU)
            cv2.copyTo(cv2.blur(part, (3, 3)), inner, part)
        fill[top:bottom, left:right] = part


# the ink: its colours, where it lies, how thick its strokes are


def _near(rgb: Any, ink: Ink) -> Any:
    """Pixels within INK_NEAR of one of the ink's colours."""
    import cv2
    import numpy as np

    near = np.zeros(rgb.shape[:2], bool)
    for colour in (ink.fill, ink.outline):
        if colour is not None:  # whole grey levels: exact on uint8, no float copy of the crop
            d = cv2.absdiff(rgb, np.broadcast_to(np.asarray(colour, np.uint8), rgb.shape))
            near |= colors.channel_total(d, np.int16) <= INK_NEAR
    return near


def _ink_share(rgb: Any, fill: colors.RGB, background: colors.RGB) -> Any:
    """Each pixel's share of the fill colour, on the line from the background to it
    (float; 0 where the two colours are alike)."""
    import numpy as np

    f, b = np.asarray(fill, np.float32), np.asarray(background, np.float32)
    d = f - b
    along = float((d * d).sum())
    if along < 1.0:
        return np.zeros(rgb.shape[:2], np.float32)
    return ((rgb.astype(np.float32) - b) @ d) / along


def _half_ink(rgb: Any, fill: colors.RGB, background: colors.RGB) -> Any:
    """Pixels at least half way from the background to the fill colour: a letter's own
    pixels with its anti-aliased edge counted at the 50% line, as its stroke is measured."""
    return _ink_share(rgb, fill, background) >= 0.5


def upright_stroke(share: Any, angle: float) -> float | None:
    """How thick the strokes of letters turned by `angle` degrees are, from each pixel's
    share of ink (float): the shares turned upright (interpolated, so the edges' pixel
    steps become straight edges again) and cut at half ink, as upright letters are."""
    import cv2
    import numpy as np

    h, w = share.shape
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    c, s = abs(turn[0, 0]), abs(turn[0, 1])
    big_w, big_h = int(h * s + w * c) + 2, int(h * c + w * s) + 2
    turn[0, 2] += big_w / 2 - w / 2
    turn[1, 2] += big_h / 2 - h / 2
    shares = np.ascontiguousarray(share, np.float32)
    turned = cv2.warpAffine(shares, turn, (big_w, big_h), flags=cv2.INTER_CUBIC, borderValue=0)
    return stroke_width(turned >= 0.5)


def stroke_width(shape: Any) -> float | None:
    """How thick the strokes of a boolean mask of letters are, in px: twice their area
    over their outline's length (a stroke w wide and L long has area wL, outline 2L)."""
    import cv2
    import numpy as np

    area = int(shape.sum())
    if area < 20:
        return None
    inner = cv2.erode(shape.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    edge = int((shape & ~inner).sum())
    return 2 * area / max(1, edge)


def _ink_extent(
    polygon: tuple[Point, ...], letters: Any, origin: tuple[int, int]
) -> tuple[float | None, tuple[float, float]]:
    """How tall the original ink was across the text, and where its centre lay from the
    region's centre (along the text, across it); None for the height when too few of its
    pixels were told apart to say."""
    import numpy as np

    _, height, angle, (cx, cy) = geometry(polygon)
    ys, xs = np.nonzero(letters)
    if len(xs) < 8:
        return None, (0.0, 0.0)
    rad = math.radians(angle)
    dx, dy = xs + origin[0] - cx, ys + origin[1] - cy
    u = dx * math.cos(rad) + dy * math.sin(rad)
    v = -dx * math.sin(rad) + dy * math.cos(rad)
    u0, u1 = np.percentile(u, [0.5, 99.5])
    v0, v1 = np.percentile(v, [0.5, 99.5])
    return min(float(v1 - v0) + 1, height), (float(u0 + u1) / 2, float(v0 + v1) / 2)


def _ink(rgb: Any, inside: Any, background: Any) -> Ink:
    """The original text's colours: the pixels of the region least like its surroundings;
    when they fall in two distinct groups (white letters with a black outline), the group
    at the edge of the letters is the outline and the one inside them the fill."""
    import cv2
    import numpy as np

    shade = tuple(int(v) for v in background)
    pixels = rgb[inside]
    if len(pixels) == 0:
        return Ink(colors.readable_on(shade))  # type: ignore[arg-type]
    distance = np.abs(pixels.astype(np.float32) - background).sum(axis=1)
    threshold = max(40.0, float(np.percentile(distance, 80)))
    far = pixels[distance >= threshold]
    if len(far) == 0:
        return Ink(colors.readable_on(shade))  # type: ignore[arg-type]
    fill = tuple(int(v) for v in np.median(far, axis=0))
    strong = max(40.0, float(np.percentile(distance, 50)))  # ink: all but faint anti-aliasing
    ink_mask = np.zeros(inside.shape, bool)
    ink_mask[inside] = distance >= strong
    groups = _two_groups(rgb[ink_mask].astype(np.float32))
    if groups is None:
        return Ink(fill)  # type: ignore[arg-type]
    centres, labels = groups
    # The outline wraps the fill: its pixels lie at the edge of the inked shapes, the
    # fill's deeper inside them.
    depth = cv2.distanceTransform(ink_mask.astype(np.uint8), cv2.DIST_L2, 3)[ink_mask]
    deeper = [float(depth[labels == k].mean()) for k in (0, 1)]
    inner, outer = (0, 1) if deeper[0] > deeper[1] else (1, 0)
    as_rgb = [tuple(int(round(v)) for v in c) for c in centres]
    shape = np.full(inside.shape, -1, np.int8)
    shape[ink_mask] = labels
    rows = int(inside.any(axis=1).sum())
    behind = _cast_by(shape == 0, shape == 1, rows, centres, np.asarray(background, np.float32))
    if behind is not None:  # a drop shadow, not an outline: the letters are the other
        return Ink(as_rgb[1 - behind])  # type: ignore[arg-type]
    bg = np.asarray(background, np.float32)
    if _blend(centres[outer], centres[inner], bg) or np.abs(centres[inner] - bg).sum() < 60:
        return Ink(fill)  # type: ignore[arg-type]  # a blend, or background between letters
    # ... and hugs it closely all along: no fill pixel far from the outline (unlike a
    # white patch of a photo that happens to sit among dark letters).
    outline_mask = np.zeros(inside.shape, np.uint8)
    outline_mask[ink_mask] = labels == outer
    away = cv2.distanceTransform(1 - outline_mask, cv2.DIST_L2, 3)[ink_mask][labels == inner]
    if float(np.percentile(away, 90)) > max(3.0, 0.12 * rows):
        return Ink(fill)  # type: ignore[arg-type]
    return Ink(as_rgb[inner], as_rgb[outer])  # type: ignore[arg-type]


CAST_ROWS = 24  # px of letters' height: larger ones are looked at on every n-th px
CAST = 0.2  # of a colour's pixels: this much more of it beside the other colour's shape
# on one side than on the opposite side, and it is that shape's shadow (an outline rings
# its letters evenly: at most 0.09 on the outlined synthetic classes; shadows 0.28-0.67)


def _cast_by(first: Any, second: Any, rows: int, colours: Any, background: Any) -> int | None:
    """Which of two ink colours' masks is a drop shadow of the other (0 or 1), or None:
    a shadow lies beside the letters' shape on one side (moved a few px), an outline on
    every side alike. Of the two, the shadow is the one darker than the picture (white
    letters, a dark shadow: trial-img11 g01 was read as dark letters in a white outline
    and drawn so), or when both are, the lighter of them (dark letters over their soft
    shadow on wood); neither darker, no shadow."""
    import numpy as np

    if min(int(first.sum()), int(second.sum())) < 20:
        return None
    # (on every CAST_ROWS-th px of large letters: each offset is a whole-mask count, and a
    # 179 px title's 43 x 43 offsets took 2.7 s where its whole erase took 2.1)
    f = max(1, rows // CAST_ROWS)
    first, second = first[::f, ::f], second[::f, ::f]
    reach = max(2, round(SHADOW_REACH * rows / f))

    most = 0.0
    for this, that in ((first, second), (second, first)):
        count = float(this.sum())
        bare = this & ~that  # (the counts on the parts the moved masks lie in: moved_part)
        # each offset's count once: the count one way is the count the opposite way of
        # the opposite offset (each was counted twice)
        ahead_of = {}
        for dy in range(-reach, reach + 1):
            for dx in range(-reach, reach + 1):
                if dx or dy:
                    part, ahead = moved_part(that, dx, dy)
                    ahead_of[(dx, dy)] = float(np.count_nonzero(bare[part] & ahead))
        for dy in range(-reach, reach + 1):
            for dx in range(-reach, reach + 1):
                if dx or dy:
                    plus, minus = ahead_of[(dx, dy)], ahead_of[(-dx, -dy)]
                    most = max(most, (plus - minus) / count)
    if most < CAST:
        return None
    grey = [float(np.dot(c, (0.299, 0.587, 0.114))) for c in (*colours, background)]
    darker = [k for k in (0, 1) if grey[k] < grey[2]]
    if not darker:
        return None
    if len(darker) == 1:
        return darker[0]
    return 0 if grey[0] > grey[1] else 1


def _blend(outer: Any, inner: Any, background: Any, near: float = 0.25) -> bool:
    """Whether the outer colour is only the letters' anti-aliased edge: a mix of the fill
    and the background, on the line between them (within `near` of its length), not a
    colour of its own."""
    import numpy as np

    span = background - inner
    reach = float(span @ span)
    if reach == 0:
        return False
    t = float((outer - inner) @ span) / reach
    off = float(np.linalg.norm(outer - (inner + t * span)))
    return 0.0 < t < 1.0 and off < near * reach**0.5


def _channel_sum(diff: Any) -> Any:
    """R + G + B of an N x 3 (or H x W x 3) array of distances (never -0), added in that
    order: numpy's sum over a last axis of three gives the same, several times slower."""
    return diff[..., 0] + diff[..., 1] + diff[..., 2]


def _two_groups(pixels: Any) -> tuple[Any, Any] | None:
    """Two-means on the ink's colours, from the two pixels farthest apart (deterministic);
    None unless both groups are large and far apart (text in one colour)."""
    import numpy as np

    if len(pixels) < 40:
        return None
    first = pixels[np.abs(pixels - pixels.mean(axis=0)).sum(axis=1).argmax()]
    second = pixels[np.abs(pixels - first).sum(axis=1).argmax()]
    centres = np.stack([first, second])
    labels = np.zeros(len(pixels), np.int8)
    for _ in range(8):
        # the nearer centre (the first on a tie), each distance summed over R, G, B in
        # turn: a pixel x centre x channel array of the ink was the slow part
        d0, d1 = (_channel_sum(np.abs(pixels - centres[k])) for k in (0, 1))
        labels = (d1 < d0).astype(np.int8)
        if (labels == 0).all() or (labels == 1).all():
            return None
        centres = np.stack([pixels[labels == k].mean(axis=0) for k in (0, 1)])
    smaller = min(int((labels == 0).sum()), int((labels == 1).sum())) / len(pixels)
    if smaller < OUTLINE_SHARE or float(np.abs(centres[0] - centres[1]).sum()) < OUTLINE_APART:
        return None
    return centres, labels


# a translucent mark (a shop's watermark): one colour blended at one strength over the
# picture, un-blended so the picture under it (texture, product) is kept, not filled


@dataclass(frozen=True)
class Blend:
    """A translucent mark's model: observed = alpha * colour + (1 - alpha) * background."""

    alpha: float
    colour: Any  # float32 RGB
    fit: float  # the share of the pairs' variance the model explains (R squared)


def _mark_seed(rgb: Any, win: Window, height: float) -> Any:
    """The mark's surest pixels: thin strokes standing out from the picture around them,
    brighter or darker (whichever lies within the region rather than around it), by a
    morphological top-hat or black-hat a few strokes wide, on a copy scaled so that
    large letters cost no more."""
    import cv2
    import numpy as np

    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    f = max(1, math.ceil(height / MATCH_HEIGHT))
    h, w = grey.shape
    small = cv2.resize(grey, (max(1, w // f), max(1, h // f)), interpolation=cv2.INTER_AREA)
    size = max(5, round(0.15 * height / f)) | 1  # a few strokes wide
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
    best, best_share = None, 0.0
    for op in (cv2.MORPH_TOPHAT, cv2.MORPH_BLACKHAT):
        hat = cv2.morphologyEx(small, op, disc)
        if f > 1:  # thresholded at full size: the strokes' own edges, not blocks
            hat = cv2.resize(hat, (w, h), interpolation=cv2.INTER_LINEAR)
        hat = hat.astype(np.float32)
        # (Otsu's split of the region's values: strokes from what lies between them)
        values = np.clip(hat[win.inside], 0, 255).astype(np.uint8)[:, None]
        otsu, _ = cv2.threshold(values, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        level = max(MARK_LEAST, float(otsu))
        strong = hat > level
        share = float(strong[win.inside].mean()) - float(strong[~win.area].mean())
        if share > best_share:
            best, best_share = strong, share
    if best is None or best_share < 0.05:
        return np.zeros(win.inside.shape, bool)
    seed = best
    return seed & win.inside


def _blend_fit(px: Any, mask: Any, core: Any) -> Blend | None:
    """The one colour and strength that explain the mark's core pixels from the picture
    just beside each (the nearest pixel off the mark: observed = k + m * beside per
    channel, one m for all; refitted on the pairs that fit best, so that a pair across
    the picture's own edge does not tilt it); None when the picture under the mark
    varies too little to tell strength from colour."""
    import cv2
    import numpy as np

    on = _ring(mask, 3)  # (its anti-aliased edge is no picture beside it)
    _, labels = cv2.distanceTransformWithLabels(
        on.astype(np.uint8), cv2.DIST_L2, 5, labelType=cv2.DIST_LABEL_PIXEL
    )  # labels: the nearest pixel off the mark, each numbered
    ys, xs = np.nonzero(~on)
    where = np.zeros(int(labels.max()) + 1, np.int64)
    where[labels[ys, xs]] = ys * on.shape[1] + xs  # each number: its pixel
    flat = px.reshape(-1, 3)
    nearest = where[labels[core]]
    obs, bg = px[core].astype(np.float64), flat[nearest].astype(np.float64)
    if len(obs) < 50:
        return None
    # the pairs grouped by the picture's colour beside them, a median per group and
    # each group counted once: most of a mark may lie on one flat product, and a pair
    # across the picture's own edge is outvoted in its group
    shade = (bg.astype(np.int64) // 16) @ np.array([1 << 8, 1 << 4, 1])
    groups = [g for g in np.unique(shade) if (shade == g).sum() >= 20]
    if not groups:
        return None
    o = np.array([np.median(obs[shade == g], axis=0) for g in groups])
    b = np.array([np.median(bg[shade == g], axis=0) for g in groups])
    pairs = np.array([(shade == g).sum() for g in groups])
    # a mark over a flat product on a flat backdrop (trial 31's 04, a shop's name across
    # a red ball): too few colours under it to fit a colour and a strength, but a mark is
    # most often white or black, and each channel of each colour then tells its strength
    if len(groups) < 3 or float(np.ptp(b.mean(axis=1))) < MARK_SPREAD:
        return _neutral_blend(o, b, pairs)
    return _colour_blend(o, b, pairs) or _neutral_blend(o, b, pairs)


def _colour_blend(o: Any, b: Any, pairs: Any) -> Blend | None:
    """The one colour and strength a mark's pixels fit (`o` observed against `b` beside,
    a row a colour under it, `pairs` pixels each), or None."""
    import numpy as np

    # each group weighs as the square root of its pairs: the mark's few pairs across the
    # picture's own edges (a band's) make small groups of their own
    weight = np.sqrt(pairs)[:, None]
    keep = np.ones(len(pairs), bool)
    for _ in range(2):  # once more without the groups the line misses by far
        w = weight[keep] / weight[keep].sum()
        bc = b[keep] - (w * b[keep]).sum(axis=0)
        oc = o[keep] - (w * o[keep]).sum(axis=0)
        m = float((w * bc * oc).sum() / max(1e-6, float((w * bc * bc).sum())))
        k = (w * o[keep]).sum(axis=0) - m * (w * b[keep]).sum(axis=0)
        residual = np.abs(o - (k + m * b)).sum(axis=1)
        keep = residual <= max(6.0, 3 * float(np.median(residual)))
        if keep.sum() < 3:
            return None
    total = float(((o[keep] - o[keep].mean(axis=0)) ** 2).sum())
    fit = 1 - float(((o[keep] - (k + m * b[keep])) ** 2).sum()) / max(1e-6, total)
    alpha = 1 - m
    if not MARK_ALPHA[0] <= alpha <= MARK_ALPHA[1] or fit < MARK_FIT:
        return None
    colour = np.clip(k / alpha, 0, 255).astype(np.float32)
    return Blend(alpha, colour, fit)


def _reached(mask: Any, seeds: Any) -> Any:
    """The parts of `mask` joined to `seeds` (8-connected), with the seeds."""
    import cv2
    import numpy as np

    n, labels = cv2.connectedComponents((mask | seeds).astype(np.uint8), connectivity=8)
    hit = np.zeros(n, bool)
    hit[np.unique(labels[seeds])] = True
    hit[0] = False
    return hit[labels]


def _neutral_blend(o: Any, b: Any, pairs: Any) -> Blend | None:
    """White or black laid at one strength over the picture: the mark whose every
    channel over the colours under it (`o` observed against `b` beside, a row a colour,
    `pairs` pixels each) tells the same strength (within MARK_AGREE), for most of its
    pixels (a pair across the picture's own edge makes a small colour of its own); None
    when neither does (a coloured mark, or opaque ink)."""
    import numpy as np

    for level in (255.0, 0.0):
        reach = level - b
        sure = np.abs(reach) >= MARK_TOWARD  # (a channel near the mark's own tells nothing)
        told = sure.any(axis=1)
        if not told.any():
            continue
        each = np.array(
            [np.median((o[i] - b[i])[sure[i]] / reach[i][sure[i]]) if told[i] else 0.0
             for i in range(len(o))]
        )  # fmt: skip
        order = np.argsort(each[told])
        weights = np.cumsum(pairs[told][order])
        alpha = float(each[told][order][np.searchsorted(weights, weights[-1] / 2)])
        if not MARK_ALPHA[0] <= alpha <= MARK_ALPHA[1]:
            continue
        fits = np.abs(o - (alpha * level + (1 - alpha) * b)).max(axis=1) <= MARK_AGREE
        # and told by channels lying far apart from the mark (a red ball's red and green):
        # grey letters on a grey ground lie on the line to black for any colour they have,
        # so one strength "fits" opaque ink there too (a vignette's dark grey points)
        told = np.abs(reach[fits][sure[fits]])  # (none when only the untold fit)
        spread = float(told.max() - told.min()) if told.size else 0.0
        if pairs[fits].sum() >= MARK_MOST * pairs.sum() and spread >= MARK_SPAN:
            return Blend(alpha, np.full(3, level, np.float32), 1.0)
    return None


def _coverage(px: Any, back: Any, blend: Blend) -> Any:
    """How much of the mark lies on each pixel (0-1): its step off the background along
    the mark's own direction, against the full mark's step there (anti-aliased edges of
    the glyphs are partly covered)."""
    import numpy as np

    toward = blend.colour - back
    reach = (toward * toward).sum(axis=2)
    cov = ((px - back) * toward).sum(axis=2) / np.maximum(blend.alpha * reach, 1.0)
    # where the mark's colour is near the background's it shows little either way
    return np.where(reach > 400.0, np.clip(cov, 0.0, 1.0), 0.0)


def _picture_beside(rgb: Any, hole: Any) -> Any:
    """The picture around `hole` carried a few px into it (float image): a mean of the
    known pixels nearby, weighted by nearness; deeper in, the smooth membrane over the
    hole. Local, as the membrane's wide reach is not: beside a dark product it mixed in
    the light photo a stroke away and left every letter's outline 2-5 levels off."""
    import cv2
    import numpy as np

    known = (~hole).astype(np.float32)
    near = cv2.GaussianBlur(rgb.astype(np.float32) * known[..., None], (0, 0), BESIDE)
    weight = cv2.GaussianBlur(known, (0, 0), BESIDE)[..., None]
    far = 0.02  # (the membrane's weight: it takes over where no known pixel is near)
    return (near + far * _pull_push(rgb, hole)) / (weight + far)


def _unblend(px: Any, cov: Any, blend: Blend) -> Any:
    """The picture under the mark: (observed - a * colour) / (1 - a), a the strength
    scaled by each pixel's coverage."""
    import numpy as np

    a = (blend.alpha * cov)[..., None]
    return np.clip((px - a * blend.colour) / (1 - a), 0, 255)


def _ghost(px: Any, mask: Any, win: Window) -> float:
    """How much the letters still show in `px` (grey levels): the mask's pixels off the
    picture continued smoothly over them, beyond what the picture's own texture is off
    it just around the mask, and their mean offset (a ghost is brighter or darker all
    along)."""
    import numpy as np

    g = px.mean(axis=2)
    grey = np.repeat(g[..., None], 3, axis=2)  # (pull-push works on three channels)
    smooth = _pull_push(grey, mask)[..., 0]
    ring = _ring(mask, 4) & ~_ring(mask, 1) & win.area
    ref = _pull_push(grey, _ring(mask, 1) | ring)[..., 0]
    if not mask.any() or not ring.any():
        return 0.0
    off = g[mask] - smooth[mask]
    texture = float(np.sqrt(((g[ring] - ref[ring]) ** 2).mean()))
    spread = float(np.sqrt((off**2).mean()))
    return math.hypot(max(0.0, spread - texture), float(np.median(off)))


def _strokes_away(rgb: Any, colour: Any, height: float) -> Any:
    """The picture with strokes of `colour` a few px wide taken away: per channel, an
    opening where the colour is brighter than the picture, a closing where darker."""
    import cv2
    import numpy as np

    size = max(5, round(0.15 * height)) | 1
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
    typical = np.median(rgb.reshape(-1, 3), axis=0)
    planes = []
    for k in range(3):
        op = cv2.MORPH_OPEN if colour[k] >= typical[k] else cv2.MORPH_CLOSE
        planes.append(cv2.morphologyEx(np.ascontiguousarray(rgb[..., k]), op, disc))
    return cv2.merge(planes).astype(np.float32)


def _sides_around(px: Any, known: Any, reach: int) -> tuple[Any, Any]:
    """The colours of the darkest and of the lightest `known` pixel within `reach` px of
    each pixel (float images): an edge's two sides, whole colours (not a channel's
    minimum from one side and another's from the other)."""
    import cv2
    import numpy as np

    h, w = known.shape
    grey = np.rint(px.mean(axis=2)).astype(np.float64)
    # each pixel's grey level and its number in one float (exact below 2**53), so that
    # the window's extreme names the pixel it came from
    key = grey * float(h * w) + np.arange(h * w, dtype=np.float64).reshape(h, w)
    square = np.ones((2 * reach + 1, 2 * reach + 1), np.uint8)
    big = 256.0 * h * w
    dark = cv2.erode(np.where(known, key, big), square)
    light = cv2.dilate(np.where(known, key, -1.0), square)
    flat = px.reshape(-1, 3)
    out = []
    for extreme, none in ((dark, dark >= big), (light, light < 0)):
        at = np.mod(np.where(none, 0.0, extreme), h * w).astype(np.int64)
        out.append(np.where(none[..., None], np.float32(1e6), flat[at]))
    return out[0], out[1]


def _translucent(rgb: Any, win: Window, height: float) -> tuple[Any, ...] | None:
    """A translucent mark over the picture, un-blended: its pixels, the crop with the
    picture under them restored, the score, the method and the background's colour; the
    crop unchanged (scored poor) when un-blending would leave it worse than the mark;
    then, as a loose fill's, whether it was crowded (never) and last the mark's Blend;
    None when the region is no translucent mark (opaque ink, or too little under it
    varies to tell)."""
    import cv2
    import numpy as np

    seed = _mark_seed(rgb, win, height)
    if seed.sum() < 50:
        return None
    px = rgb.astype(np.float32)
    square = np.ones((3, 3), np.uint8)
    blend = _blend_fit(px, seed, cv2.erode(seed.astype(np.uint8), square) > 0)
    if blend is None:
        return None
    # the whole mark, its faint parts the seed missed too: each pixel's coverage against
    # the picture with thin strokes of the mark's colour opened away (a morphological
    # opening keeps the product's edge where a smooth fill would blur it)
    under = _strokes_away(rgb, blend.colour, height)
    cover = _coverage(px, under, blend) > 0.5
    mask = (cover & win.area) | seed
    # a turned mark's strokes run past OCR's box round it (04's 官 and 店 on the backdrop,
    # left legible): those joined to the strokes inside are the mark's too, a little way
    area = win.area | _reached(cover & _ring(win.area, round(MARK_OUT * height)), mask)
    mask |= cover & area
    blend = _blend_fit(px, mask, cv2.erode(mask.astype(np.uint8), square) > 0) or blend
    mask |= seed & area  # (a stroke's junction, where the picture continued is unsure)
    # a stroke along or across the product's own edge (c03's 店 on the blue's side): the
    # opening takes it for the edge's lighter side, and the picture beside mixes both
    # sides, so it read part covered or not at all and was left as a light bite; a pixel
    # is fully covered when so un-blended it is the colour of one side (the darkest or
    # the lightest of the picture around), as a stroke's anti-aliased side, or the
    # picture itself beside the stroke, is not
    full = (px - blend.alpha * blend.colour) / (1 - blend.alpha)
    reach = max(2, round(MARK_REACH * height))
    covered = np.zeros(mask.shape, bool)
    for side in _sides_around(px, ~_ring(mask, 2), reach):
        covered |= colors.largest_channel(np.abs(full - side)) <= MARK_SIDE
    mask |= covered & _ring(mask, reach) & area
    # the glyphs' anti-aliased edges: what the pixels show against the picture under
    # them, or where that picture has an edge of its own (the product's, under a stroke)
    # and is unsure there, the mask's own soft edge
    cov = _coverage(px, _picture_beside(rgb, _ring(mask, 2)), blend)
    grey = under.mean(axis=2)
    steep = np.hypot(cv2.Sobel(grey, cv2.CV_32F, 1, 0), cv2.Sobel(grey, cv2.CV_32F, 0, 1))
    soft = cv2.GaussianBlur(mask.astype(np.float32), (0, 0), MARK_SOFT)
    cov = np.where(_ring(steep > MARK_STEEP, 2), soft, cov)
    # inside the strokes the mark covers fully (the picture under it, texture and all, is
    # kept), but for a gap the mask swallowed between two strokes (a11's turned letters):
    # a pixel the mark plainly misses, against the picture beside, is no stroke; taken
    # as covered it was un-blended to a near-black speck
    inner = cv2.erode(mask.astype(np.uint8), square) > 0
    # (and fully covered it would be under black or past white: beside the picture's own
    # edge, the picture beside is unsure and a stroke's coverage reads low there too)
    impossible = ((full < -MARK_PAST) | (full > 255 + MARK_PAST)).any(axis=2)
    gap = _ring(inner & (cov < MARK_GAP) & impossible, 2)  # (with its anti-aliased sides)
    cov = np.where(inner & ~gap, 1.0, cov)
    # ... and a stroke's part along or across the product's own edge, fully covered
    cov = np.where(covered & _ring(mask, 2) & ~gap, 1.0, cov)
    cov = np.where(_ring(mask, 3) & area, cov, 0.0).astype(np.float32)
    restored = _unblend(px, cov, blend)
    # the glyphs' edges keep a thin line (JPEG's ringing, a resampled mark's halo, the
    # coverage a little off): a median a few px wide removes the line, not the picture
    edge = _ring(mask, 2) & ~(cv2.erode(mask.astype(np.uint8), square, iterations=2) > 0)
    edge &= area
    median = cv2.medianBlur(np.clip(np.rint(restored), 0, 255).astype(np.uint8), 5)
    restored[edge] = median[edge]
    hole = _ring(mask, 1) & area
    left, was = _ghost(restored, hole, win), _ghost(px, hole, win)
    out = np.clip(np.rint(restored), 0, 255).astype(np.uint8)
    ring = _ring(hole, 4) & ~hole & area
    background = np.median(rgb[ring], axis=0) if ring.any() else blend.colour
    text = cov > 0
    if left >= was:  # never worse than the mark left as it was
        return text, rgb.copy(), 0.0, "unblend", background, False, blend
    return text, out, _db(max(left, 1e-3)), "unblend", background, False, blend
