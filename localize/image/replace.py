"""Replacing the text already on an image: each region's strokes (the pixels of the
text's ink colours and their anti-aliasing, grown by a few px, within the slightly dilated
region) erased from their surroundings (a flat fill with the ring's dominant colour where
most of the ring is one colour, a fitted plane where it is a smooth gradient, OpenCV
inpainting of the strokes elsewhere), so what is around the letters is not smeared; then
the translations set block by block (typeset.py: lines alike grouped, one size and weight
per block, grown into the free panel around it) in the original text's colours, weight,
outline and rules (looks.py, measured before erasing).

The drawing is a plain dataclass of plans, so it pickles into worker processes; the
detection and translation that produce the plans happen before, in the caller.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from config.errors import AppError, ExitCode
from localize.image import colors, fonts, looks
from localize.image.ocr import Point
from localize.image.render import validate_caption
from localize.image.typeset import Piece, set_pieces

DILATE = 0.18  # of the region's height, added around it before erasing
INPAINT_RADIUS = 3  # px of surroundings each erased pixel is filled from (its cost grows squared)
FLAT = 6.0  # ring pixels within this (per channel) of its dominant colour are that colour
DOMINANT = 0.6  # ... and a ring that is at least this share of one colour is filled flat
STROKE_PAD = 0.06  # of the region's height: the text's strokes grown by this before erasing
INK_NEAR = 60.0  # a pixel within this of an ink colour (sum over R, G, B) is ink
BLEND_OFF = 24.0  # a pixel this near the line between ink and background is anti-aliasing
PLANE = 2.5  # a ring within this of a fitted plane (95% of it) is a gradient, continued
OUTLINE_SHARE = 0.2  # each ink colour is at least this share of the ink: outlined text
OUTLINE_APART = 150.0  # ... and the two differ by at least this (sum over R, G, B)


class ChineseLeft(AppError):
    """An image would still carry Chinese text a buyer sees: it is not written."""

    exit_code = ExitCode.FAILURES

    def __init__(self, left: list[str]) -> None:
        super().__init__(f"Chinese text left on the image: {'; '.join(left)}")


@dataclass(frozen=True)
class RegionPlan:
    """What to do with one region: its outline and text, and the translation drawn in its
    place (`keep`: leave it as it is, e.g. the product's own printing or a logo)."""

    polygon: tuple[Point, ...]
    text: str
    translation: str
    keep: bool = False


@dataclass(frozen=True)
class Replaced:
    """What a replacement (or a stack of drawings) drew, as a pipeline reports it (`Drawn`)."""

    size: int
    lines: tuple[str, ...]
    truncated: bool
    contrast: float
    notes: tuple[str, ...] = ()

    @property
    def warnings(self) -> tuple[str, ...]:
        """What a reviewer should know about the drawing."""
        return self.notes


@dataclass(frozen=True)
class ReplaceText:
    """The drawing that replaces regions of text by their translations in `language`."""

    regions: tuple[RegionPlan, ...]
    language: str
    script: str
    notes: tuple[str, ...] = field(default=())  # found before drawing (low confidence...)
    left: tuple[str, ...] = ()  # Chinese regions known before drawing not to be replaced
    strict: bool = False  # any Chinese left fails the image (one-off use: nobody reviews it)

    def draw(self, img: Any) -> Replaced:
        """Erase every region not kept, then set the translations block by block on `img`
        in place; a region whose translation cannot be drawn is left as it is and said
        (with `strict`, the image fails, naming every region left)."""
        import numpy as np

        notes, left = list(self.notes), list(self.left)
        original = np.asarray(img).copy()  # the looks are measured before anything is erased
        pieces, kept = [], []
        for plan in self.regions:
            if plan.keep:
                kept.append(plan.polygon)
                continue
            try:
                text = validate_caption(plan.translation, self.script)
            except fonts.FontError as exc:
                left.append(f"region {plan.text!r} not replaced: {exc.message}")
                notes.append(left[-1])
                continue
            piece = erase_piece(img, original, plan, text)
            if piece is not None:
                pieces.append(piece)
        if self.strict and left:
            raise ChineseLeft(left)
        if not pieces:
            return Replaced(0, (), False, 21.0, tuple(notes))
        taken = None
        if kept:  # kept text stays as it is: nothing is drawn over it
            taken = np.zeros((img.height, img.width), np.uint8)
            for polygon in kept:
                taken |= region_mask(img.size, polygon, dilation(polygon))
        done = set_pieces(img, pieces, self.language, self.script, taken)
        lines = tuple(line for item in done.lines for line in item)
        notes += done.notes
        return Replaced(max(done.sizes), lines, done.truncated, done.contrast, tuple(notes))


def erase_piece(img: Any, original: Any, plan: RegionPlan, text: str) -> Piece | None:
    """Erase one region from `img` and measure how its original looked (on `original`, the
    image's pixels before any erasing); None when there was nothing to erase."""
    grow = dilation(plan.polygon)
    mask = region_mask(img.size, plan.polygon, grow)
    erased = erase(img, plan.polygon, mask, grow)
    if erased is None:
        return None
    ink = erased.ink
    look = looks.measure(
        original, plan.polygon, ink.fill, ink.outline, erased.background, plan.text
    )
    import numpy as np

    ys, xs = np.nonzero(np.any(mask, axis=1))[0], np.nonzero(np.any(mask, axis=0))[0]
    top, left = int(ys[0]), int(xs[0])
    crop = mask[top : int(ys[-1]) + 1, left : int(xs[-1]) + 1].copy()
    return Piece(plan.polygon, plan.text, text, crop, erased, look, (left, top))


def region_mask(size: tuple[int, int], polygon: tuple[Point, ...], grow: int) -> Any:
    """The region as a 0/255 mask of the image's size, grown by `grow` pixels."""
    import cv2
    import numpy as np

    mask = np.zeros((size[1], size[0]), np.uint8)
    cv2.fillPoly(mask, [np.array(polygon, np.int32)], 255)
    if grow > 0:
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * grow + 1, 2 * grow + 1))
        mask = cv2.dilate(mask, kernel)
    return mask


def geometry(polygon: tuple[Point, ...]) -> tuple[float, float, float, tuple[float, float]]:
    """The region's length along its text, its height, its angle in degrees, its centre."""
    (x0, y0), (x1, y1), _, (x3, y3) = polygon[:4]
    length, height = math.hypot(x1 - x0, y1 - y0), math.hypot(x3 - x0, y3 - y0)
    angle = math.degrees(math.atan2(y1 - y0, x1 - x0))
    cx = sum(p[0] for p in polygon) / len(polygon)
    cy = sum(p[1] for p in polygon) / len(polygon)
    return length, height, angle, (cx, cy)


def dilation(polygon: tuple[Point, ...]) -> int:
    """How far around a region is erased: a share of its height, at least 2 px."""
    return max(2, round(geometry(polygon)[1] * DILATE))


@dataclass(frozen=True)
class Ink:
    """The original text's colours: its fill and, for outlined text, the outline's."""

    fill: colors.RGB
    outline: colors.RGB | None = None


@dataclass(frozen=True)
class Erased:
    """What erasing a region learnt about it: the text's ink and the background's colour
    as they were, and where the ink lay in the text's own frame (along the text, across
    it, from the region's centre): the translation is drawn the same height, centred there."""

    ink: Ink
    background: colors.RGB
    ink_height: float | None = None  # px across the text; None when no ink was found
    offset: tuple[float, float] = (0.0, 0.0)  # the ink's centre (along, across) - the centre
    stroke: float | None = None  # px: how thick the letters' strokes were (fill only)


def replace_region(img: Any, plan: RegionPlan, language: str, script: str) -> Replaced:
    """Erase one region from `img` and set its translation there, as a block of its own; a
    translation the font cannot draw raises FontError before anything is erased."""
    import numpy as np

    text = validate_caption(plan.translation, script)
    piece = erase_piece(img, np.asarray(img).copy(), plan, text)
    if piece is None:
        return Replaced(0, (), False, 21.0)
    done = set_pieces(img, [piece], language, script)
    return Replaced(done.sizes[0], done.lines[0], done.truncated, done.contrast, done.notes)


def erase(img: Any, polygon: tuple[Point, ...], mask: Any, grow: int) -> Erased | None:
    """Erase the text's strokes (dilated, within the region `mask`) from `img` in place:
    filled flat with the ring's dominant colour when most of the ring around the region
    is one colour (an object poking into the ring is not pulled in), continued as a plane
    on a smooth gradient, else inpainted; pixels of the region that are not text keep
    their colour, so nothing around the letters is smeared. None for an empty mask."""
    import cv2
    import numpy as np
    from PIL import Image

    ys, xs = np.nonzero(mask)
    if len(xs) == 0:
        return None
    reach = 3 * grow + 3  # the ring and inpainting's neighbourhood: work on this window only
    left, top = max(0, int(xs.min()) - reach), max(0, int(ys.min()) - reach)
    right, bottom = (
        min(img.width, int(xs.max()) + reach + 1),
        min(img.height, int(ys.max()) + reach + 1),
    )
    rgb = np.asarray(img.crop((left, top, right, bottom))).copy()
    window = mask[top:bottom, left:right]
    ring = cv2.dilate(window, np.ones((2 * grow + 1, 2 * grow + 1), np.uint8)) & ~window
    around = rgb[ring > 0] if ring.any() else rgb.reshape(-1, 3)
    dominant = _dominant(around)
    background = dominant if dominant is not None else np.median(around, axis=0)
    inside = region_mask(img.size, polygon, 0)[top:bottom, left:right] > 0
    ink = _ink(rgb, inside, background)
    height = geometry(polygon)[1]
    strokes = _strokes(rgb, window > 0, ink, background, max(2, round(height * STROKE_PAD)))
    if dominant is not None:  # what the grown strokes reach of another object stays
        rgb[strokes.erased & ~strokes.foreign] = dominant.astype(np.uint8)
    elif (smooth := _plane(rgb, ring, strokes.erased)) is not None:
        rgb[strokes.erased] = smooth
    else:
        mask = strokes.erased.astype(np.uint8) * 255
        rgb = cv2.inpaint(rgb, mask, INPAINT_RADIUS, cv2.INPAINT_TELEA)
    img.paste(Image.fromarray(rgb), (left, top))
    ink_height, offset = _ink_extent(polygon, strokes.letters & inside, (left, top))
    thick = stroke_width(strokes.core & inside)
    return Erased(ink, tuple(int(v) for v in background), ink_height, offset, thick)  # type: ignore[arg-type]


def _plane(rgb: Any, ring: Any, window: Any) -> Any:
    """The erased pixels continued from the ring as a plane per channel, when the ring is
    one (a smooth gradient, which inpainting smears); None when it is not."""
    import numpy as np

    ys, xs = np.nonzero(ring)
    if len(xs) < 12:
        return None
    basis = np.column_stack([xs, ys, np.ones(len(xs))]).astype(np.float64)
    values = rgb[ys, xs].astype(np.float64)
    coef, *_ = np.linalg.lstsq(basis, values, rcond=None)
    if float(np.percentile(np.abs(basis @ coef - values), 95)) > PLANE:
        return None
    ey, ex = np.nonzero(window)
    fill = np.column_stack([ex, ey, np.ones(len(ex))]) @ coef
    return np.clip(np.rint(fill), 0, 255).astype(np.uint8)


def _dominant(around: Any) -> Any:
    """The ring's one colour when most of it is that colour (a robust mode: the most
    common coarse colour, refined to the median of the pixels near it), else None. A
    minority of other pixels (an object below the text, a shadow) does not move it."""
    import numpy as np

    px = around.astype(np.int32)
    coarse = (px // 8) @ np.array([1 << 10, 1 << 5, 1])
    values, counts = np.unique(coarse, return_counts=True)
    top = values[counts.argmax()]
    seed = px[coarse == top].mean(axis=0)
    near = np.abs(px - seed).max(axis=1) <= FLAT
    if near.mean() < DOMINANT:
        return None
    mode = np.median(px[near], axis=0)
    members = np.abs(px[near] - mode).max(axis=1)
    if float(np.percentile(members, 98)) > FLAT:  # a gradient that happens to pass the share
        return None
    return mode


@dataclass(frozen=True)
class Strokes:
    """The text's pixels in a window: `letters` (its ink colours, or on the line between
    an ink colour and the background: anti-aliasing), `erased` (those grown by a few px,
    what is erased) and `foreign` (neither ink, nor a blend of it, nor background: another
    object the grown strokes reach, which a flat fill must leave)."""

    letters: Any
    erased: Any
    foreign: Any
    core: Any  # the fill's own pixels, at least half covered: how thick the letters are


def _strokes(rgb: Any, area: Any, ink: Ink, background: Any, pad: int) -> Strokes:
    """The text's strokes within `area`, grown by `pad`; the whole area is erased when no
    ink is told apart (better erased than left readable)."""
    import cv2
    import numpy as np

    px = rgb.astype(np.float32)
    bg = np.asarray(background, np.float32)
    strong = np.zeros(area.shape, bool)  # the ink's colours
    weak = np.zeros(area.shape, bool)  # blends of ink and background: its anti-aliasing
    core = np.zeros(area.shape, bool)
    for colour in (ink.fill, ink.outline):
        if colour is None:
            continue
        c = np.asarray(colour, np.float32)
        span = c - bg
        reach = float(span @ span)
        near = np.abs(px - c).sum(axis=2) <= INK_NEAR
        strong |= near
        if reach < 1:
            continue
        t = ((px - bg) @ span) / reach
        on_line = np.linalg.norm(px - (bg + t[..., None] * span), axis=2) <= max(
            BLEND_OFF, 0.1 * reach**0.5
        )
        strong |= (t >= 0.8) & on_line
        weak |= (t >= 0.1) & on_line
        if colour == ink.fill:
            core |= near | ((t >= 0.5) & on_line)
    if ink.outline is not None:  # between the fill and its outline: the letters' own edge
        fill, edge = np.asarray(ink.fill, np.float32), np.asarray(ink.outline, np.float32)
        span = edge - fill
        t = ((px - fill) @ span) / max(1.0, float(span @ span))
        off = np.linalg.norm(px - (fill + t[..., None] * span), axis=2)
        weak |= (t >= 0) & (t <= 1) & (off <= 2 * BLEND_OFF)
    # anti-aliasing lies along the letters; a blend-coloured patch of the photo away from
    # them (a grey stripe between beige and black text) is not text, and stays
    beside = cv2.dilate(strong.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    found = (strong | (weak & beside)) & area
    # another object is what is neither text nor background and reaches out of the
    # region (a cap below it); specks inside it (JPEG ringing round the letters) are not
    other = (~(found | (np.abs(px - bg).max(axis=2) <= 4 * FLAT))).astype(np.uint8)
    count, labels = cv2.connectedComponents(other, connectivity=8)
    outside = np.unique(labels[(other > 0) & ~area])
    foreign = np.isin(labels, outside[outside > 0])
    if not found.any():
        return Strokes(found, area.copy(), np.zeros(area.shape, bool), core & area)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * pad + 1, 2 * pad + 1))
    grown = (cv2.dilate(found.astype(np.uint8), kernel) > 0) & area
    return Strokes(found, grown, foreign, core & area)


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


REFERENCE = 100  # px: the font size at which a text's ink height is measured


# the letter whose ink the original's is matched against, per script: a capital in Latin
# scripts, a consonant with a vowel above it in Thai (both 0.72 em in Noto Sans), so that
# one original gives one size whatever the words, and the same in every language
HEIGHT_SAMPLE = {"thai": "\u0e01\u0e34"}


def start_size(text: str, script: str, ink_height: float, language: str | None = None) -> int:
    """The font size that matches an original whose ink was `ink_height` tall: the size at
    which the script's sample letter (HEIGHT_SAMPLE, else "H") is that tall; a font
    without it is measured on `text` itself."""
    path = fonts.font_for(script).path
    font = fonts.load(path, REFERENCE)
    sample = HEIGHT_SAMPLE.get(script, "H")
    if not all(ord(ch) in fonts.coverage(path) for ch in sample):
        sample = text
    box = font.getbbox(sample, anchor="ls", language=language)
    return max(6, round(ink_height * REFERENCE / max(1, box[3] - box[1])))


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
    bg = np.asarray(background, np.float32)
    if _blend(centres[outer], centres[inner], bg) or np.abs(centres[inner] - bg).sum() < 60:
        return Ink(fill)  # type: ignore[arg-type]  # a blend, or background between letters
    # ... and hugs it closely all along: no fill pixel far from the outline (unlike a
    # white patch of a photo that happens to sit among dark letters).
    rows = int(inside.any(axis=1).sum())
    outline_mask = np.zeros(inside.shape, np.uint8)
    outline_mask[ink_mask] = labels == outer
    away = cv2.distanceTransform(1 - outline_mask, cv2.DIST_L2, 3)[ink_mask][labels == inner]
    if float(np.percentile(away, 90)) > max(3.0, 0.12 * rows):
        return Ink(fill)  # type: ignore[arg-type]
    as_rgb = [tuple(int(round(v)) for v in c) for c in centres]
    return Ink(as_rgb[inner], as_rgb[outer])  # type: ignore[arg-type]


def _blend(outer: Any, inner: Any, background: Any) -> bool:
    """Whether the outer colour is only the letters' anti-aliased edge: a mix of the fill
    and the background, on the line between them, not a colour of its own."""
    import numpy as np

    span = background - inner
    reach = float(span @ span)
    if reach == 0:
        return False
    t = float((outer - inner) @ span) / reach
    off = float(np.linalg.norm(outer - (inner + t * span)))
    return 0.0 < t < 1.0 and off < 0.25 * reach**0.5


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
        d = np.abs(pixels[:, None, :] - centres[None, :, :]).sum(axis=2)
        labels = d.argmin(axis=1).astype(np.int8)
        if (labels == 0).all() or (labels == 1).all():
            return None
        centres = np.stack([pixels[labels == k].mean(axis=0) for k in (0, 1)])
    smaller = min(int((labels == 0).sum()), int((labels == 1).sum())) / len(pixels)
    if smaller < OUTLINE_SHARE or float(np.abs(centres[0] - centres[1]).sum()) < OUTLINE_APART:
        return None
    return centres, labels
