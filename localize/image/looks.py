"""How an original line of text looks, measured from the image before it is erased: the
letters' own colour and stroke, whether they have an outline and how wide, a rule struck
through or drawn under them, the height of its letters without that rule, and whether it
stands upright in a column (vertical Chinese).

The erase reads the ink's colours from the pixels least like the background, which on
small text are mostly anti-aliased edge and on a photo may be the photo between the
strokes; here the reading is checked against the letters' shapes: their colour is their
cores', and an outline is one only when it is a colour of its own, no wider than an
outline can be; or when its shape shows it (one width all round a fill it encloses),
whatever the colours around it (white letters in navy over light tiles and dark grout).

Everything is measured in the line's own frame (turned upright), on a crop around it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from localize.image.colors import channel_total
from localize.image.erase import moved, moved_part, ring_medians

INK_NEAR = 60.0  # a pixel within this of the ink's colour (sum over R, G, B) is ink
RULE_COVER = 0.85  # a row inked over this share of the text's width is a rule, not letters
RULE_THIN = 0.25  # ... at most this share of the letters' height thick
RULE_GAP = 0.03  # of the ink's height (at least 1 px): a gap this narrow in a rule's row is
# JPEG's, a px decoded paler than the ink read (trial-img10 f01: each row of a 3 px strike
# broken once, so none ran across the text and the strike was lost)
TALL = 2.0  # a region this many times taller than wide, 2+ characters: vertical
EDGE_RAMP = 2.0  # px: a ring of blended colour no wider than this is anti-aliasing
OUTLINE_MOST = 0.25  # of the region's height: an "outline" reaching further is the picture
CORE = 80  # percentile: the letters' pixels this far towards their colour are their core
OFF_LINE = 0.1  # of the way from the background to the ink: off its line, another colour
SMALL = 40  # px: a region at most this tall has strokes too fine for the erase's measure
ENLARGE = 4  # ... and is measured enlarged this many times
OUTLINE_SHARE = 0.12  # of the size drawn: an outline kept at its own width up to this
GLOW_REACH = 0.5  # of the region's height: how far from the letters a glow is looked for
GLOW_LEAST = 40.0  # colour distance (R, G, B): a halo next to the letters this far off the
# picture beyond it at least
GLOW_WIDE = 3  # px: a glow fades over at least this (an outline ends at once)
GLOW_ROUND = 0.4  # of its strongest side: a glow is as strong on its weakest (all round)
GLOW_STEP = 0.5  # of the glow's strength next to the letters: the most it drops in a px
GLOW_FLAT = 0.03  # of its strength: rings this near the first of a run hold it (a glow fades)
GLOW_PLATEAU = 5  # ... and this many rings holding it are a panel, not a glow
GLOW_HELD = 0.5  # ... nor are 3 or more holding it for this share of its reach: an outline
GLOW_INNER = 0.05  # of the px round each: the letters' ringed by their glow more than the
# glow's by them (glow-wide on six pictures: 0.75-0.92 against 0.58-0.79, 0.07 apart at least)
GLOW_STANDS = 0.5  # of its halo's distance from the picture: letters stand out at least this
GLOW_FADE = (0.3, 1.2)  # of the way from the picture to a glow's colour: its fade (and JPEG's)
GLOW_LIKE = 2 * INK_NEAR  # a colour read as an outline this near a glow's is the glow
GLOW_SIGMA = 1.0  # a Gaussian halo's visible reach (to a quarter of its strength) per its
# sigma, as drawn (a mask blurred, its alpha 1.6x): imagesynth's glow, sigma 0.1 of the size,
# reaches 12 px at 120 px and 6 at 60
SHADOW_REACH = 0.15  # of the region's height: the farthest a drop shadow is offset
SHADOW_LEAST = 8.0  # grey levels: a shadow's side darker than the opposite side by this
SHADOW_DARK = 0.15  # ... or by this share of the picture's grey there, if more
SHADOW_TEXTURE = 2.0  # times the picture's own variation round the letters: a shadow's dim
SHADOW_HOLD = 0.9  # of the darkest offset's dim: the shadow reaches on while this dark
SHADOW_SIDED = 2.0  # times as often dark on its side as on the opposite: a shadow
SHADOW_COVER = 0.5  # of the letters' shape moved by the offset: at least this shadowed
SHADOW_LIGHTER = 20  # levels: a shadow's colour lighter than the background's in a channel
SHADOW_LIKE = 2 * INK_NEAR  # a colour read as an outline this near a shadow's is the shadow
SHADOW_LEAST_OFFSET = 3.0  # px: a shadow nearer the letters is their anti-aliased edge
SHADOW_NIGHT = 3 * 80  # R + G + B: a background darker than this is a night's
SHADOW_BLUR = 0.25  # of its offset: a drop shadow's blur (not measured: a designer's usual)
HUGS = 0.95  # of a ring's outer edge within its width (+ HUG_SLACK) of what it encloses:
HUG_SLACK = 2.0  # px ... an outline, one width all round its letters; a dark letter's own
# edge lies as far from its counters as the stroke it belongs to runs (0.5-0.7 of it)
GAPPED_MOST = 4.0  # px: the widest outline looked for through a px gap in its ring
ONE_COLOUR = 0.5  # of what a ring encloses in the one colour: the letters' fill
ALL_ROUND = 0.75  # of a ring of pixels at one distance from the letters, within an
# outline's width: an outline told by colour alone is its colour on this much of one (a
# knit's light threads beside g11's subline: at most 34%, on every ring out to 8 px)


@dataclass(frozen=True)
class Rule:
    """A horizontal line drawn with the text: `kind` strike or underline, `thickness` in
    px, `at` its centre as a share of the letters' height from their top (1.0: bottom)."""

    kind: str
    thickness: float
    at: float
    colour: tuple[int, int, int] | None = None  # its own, where not the letters' (a red
    # strike through a black old price); None: the letters'


@dataclass(frozen=True)
class Glow:
    """A soft halo round the letters: its `colour` next to them, and `radius` (px) the
    sigma of the Gaussian it fades by, on the original."""

    colour: tuple[int, int, int]
    radius: float


@dataclass(frozen=True)
class Shadow:
    """A drop shadow: the letters' shape in `colour`, offset by `dx`, `dy` px (right,
    down) and blurred by `blur` px, on the original."""

    colour: tuple[int, int, int]
    dx: float
    dy: float
    blur: float


@dataclass(frozen=True)
class Look:
    """What the drawing keeps of the original's look, beyond its colours."""

    outline: float | None = None  # px: the outline's width
    rules: tuple[Rule, ...] = ()
    letters: float | None = None  # px: the letters' height without any rule
    across: float | None = None  # px: how wide the ink is across a vertical column
    swapped: bool = False  # the ink's fill is its outline's colour, and the other way round
    # as read here, in drawing order (None: as the erase read it; kept plates carry these
    # in their erase's ink and stroke)
    fill: tuple[int, int, int] | None = None
    edge: tuple[int, int, int] | None = None  # the outline's colour; None: no outline
    stroke: float | None = None  # px: the letters' stroke, read finer than the erase can
    glow: Glow | None = None  # a soft halo round the letters
    shadow: Shadow | None = None  # an offset darker copy of them
    unsure: str | None = None  # a style drawn that its shape did not show, for a reviewer
    # to check: "outline", a second colour kept as an outline by its colour alone; "glow",
    # letters in a glow that could as well be the glow's colour in a glow of theirs


def upright(rgb: Any, polygon: Any, pad: int) -> Any:
    """The region turned upright: a crop of `rgb` (the whole image, H x W x 3) around the
    polygon, rotated so that the text runs left to right, `pad` px around it."""
    import cv2
    import numpy as np

    (x0, y0), (x1, y1), _, (x3, y3) = polygon[:4]
    length, height = math.hypot(x1 - x0, y1 - y0), math.hypot(x3 - x0, y3 - y0)
    angle = math.degrees(math.atan2(y1 - y0, x1 - x0))
    cx = sum(p[0] for p in polygon) / len(polygon)
    cy = sum(p[1] for p in polygon) / len(polygon)
    w, h = round(length) + 2 * pad, round(height) + 2 * pad
    turn = cv2.getRotationMatrix2D((cx, cy), angle, 1.0)
    turn[0, 2] += w / 2 - cx
    turn[1, 2] += h / 2 - cy
    return cv2.warpAffine(
        np.ascontiguousarray(rgb), turn, (max(1, w), max(1, h)), flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    )  # fmt: skip


def as_is(rgb: Any, polygon: Any, pad: int) -> Any:
    """The crop of `rgb` around the polygon's bounding box, `pad` px around it, unturned."""
    xs, ys = [p[0] for p in polygon], [p[1] for p in polygon]
    left, top = max(0, int(min(xs)) - pad), max(0, int(min(ys)) - pad)
    right = min(rgb.shape[1], int(math.ceil(max(xs))) + pad + 1)
    bottom = min(rgb.shape[0], int(math.ceil(max(ys))) + pad + 1)
    return rgb[top:bottom, left:right]


COLUMN_GAP = 0.1  # of a column's width: inked columns this far apart are one column's


def column_run(counts: Any, gap: int) -> int:
    """How wide a vertical column's ink is, px, from the ink px per column of its crop: the
    run of inked columns (gaps up to `gap` px bridged) holding the most ink; 0 for none."""
    best, best_ink, start, ink, last = 0, 0, None, 0, None
    for k, n in enumerate([*(int(v) for v in counts), 0]):
        if n and start is not None and last is not None and k - last > gap + 1:
            if ink > best_ink:
                best, best_ink = last - start + 1, ink
            start, ink = None, 0
        if n:
            start = k if start is None else start
            ink, last = ink + n, k
    if start is not None and last is not None and ink > best_ink:
        best = last - start + 1
    return best


def near(rgb: Any, colour: tuple[int, int, int] | None) -> Any:
    """The pixels within INK_NEAR of a colour."""
    import numpy as np

    if colour is None:
        return np.zeros(rgb.shape[:2], bool)
    return channel_total(np.abs(rgb.astype(np.int16) - np.asarray(colour, np.int16))) <= INK_NEAR


def _longest_runs(ink: Any, gap: int = 0) -> Any:
    """Per row of a boolean mask, the length of its longest run of inked pixels, runs apart
    by at most `gap` px counted as one."""
    import numpy as np

    padded = np.zeros((ink.shape[0], ink.shape[1] + 2), np.int8)
    padded[:, 1:-1] = ink
    steps = np.diff(padded, axis=1)
    longest = np.zeros(ink.shape[0], int)
    for y in np.nonzero(ink.any(axis=1))[0]:
        starts, ends = np.nonzero(steps[y] == 1)[0], np.nonzero(steps[y] == -1)[0]
        joined = np.concatenate(([True], starts[1:] - ends[:-1] > gap))
        firsts = np.nonzero(joined)[0]
        lasts = np.concatenate((firsts[1:] - 1, [len(ends) - 1]))
        longest[y] = int((ends[lasts] - starts[firsts]).max())
    return longest


def rules(ink: Any) -> tuple[tuple[Rule, ...], tuple[int, int] | None]:
    """The rules in an upright boolean ink mask (a row band inked in one unbroken run across
    the text, clearly more than the rows beside it), and the letters' rows (top, bottom)
    without them (None when there is no ink)."""
    import numpy as np

    # a row inked from one edge of the crop to the other is what lies past the panel's
    # edge (the white page beyond a tight red band), not a rule drawn with the letters,
    # which stops near their ends: a rule is narrower than the panel
    past = _longest_runs(ink) >= ink.shape[1] - 2  # (a px or two JPEG left out)
    ink = ink & ~past[:, None]
    cols = np.nonzero(ink.any(axis=0))[0]
    rows = np.nonzero(ink.any(axis=1))[0]
    if len(cols) < 4 or len(rows) < 4:
        return (), None
    left, right = int(cols[0]), int(cols[-1])
    span = right - left + 1
    gap = max(1, round(RULE_GAP * (rows[-1] - rows[0] + 1)))
    ruled = _longest_runs(ink[:, left : right + 1], gap) >= RULE_COVER * span
    letters = np.nonzero(ink.any(axis=1) & ~ruled)[0]
    if len(letters) < 2:
        return (), (int(rows[0]), int(rows[-1]))
    top, bottom = int(letters[0]), int(letters[-1])
    tall = bottom - top + 1
    if span < 1.5 * tall:  # one or two characters: a stroke of their own
        return (), (int(rows[0]), int(rows[-1]))
    cover = ink[:, left : right + 1].mean(axis=1)
    found, start = [], None
    for y in range(len(ruled) + 1):
        on = y < len(ruled) and ruled[y]
        if on and start is None:
            start = y
        elif not on and start is not None:
            thick = y - start
            at = ((start + y - 1) / 2 - top) / tall
            beside = [cover[v] for v in (start - 2, y + 1) if 0 <= v < len(cover)]
            # with the panel's colour on both sides: a line at the crop's edge may be the
            # panel's own border running on past it
            against = past[max(0, start - 3) : y + 3].any()  # the panel's edge, blurred
            if thick <= RULE_THIN * tall and len(beside) == 2 and max(beside) < 0.7 and not against:
                if 0.25 <= at <= 0.8:
                    found.append(Rule("strike", float(thick), at))
                elif at > 0.8:
                    found.append(Rule("underline", float(thick), at))
            start = None
    return tuple(found), (top, bottom)


STRIKE_OWN = 0.6  # of a coloured strike's band: px of its own colour (not the letters')
STRIKE_LEAST = 2.0  # px: a coloured strike is at least this thick (a 1 px line: the picture's)
STRIKE_AT = (0.3, 0.7)  # of the letters' height from their top: where one strikes through
STRIKE_ELSEWHERE = 0.02  # of the rows above and below the letters: its colour there at most


def _coloured_strike(
    crop: Any, ink: Any, beside: Any
) -> tuple[tuple[Rule, ...], tuple[int, int] | None] | None:
    """A strike through the letters (`ink`, a boolean mask of `crop`) drawn in a colour of
    its own, neither theirs nor what is `beside` them (the panel, an outline): a rule of
    the letters and that colour together whose band is mostly that colour; with the
    letters' rows, as `rules` gives them. None when there is none."""
    import numpy as np

    other = ~ink & ~beside
    found, span = rules(ink | other)
    strikes = [
        r
        for r in found
        if r.kind == "strike"
        and r.thickness >= STRIKE_LEAST
        and STRIKE_AT[0] <= r.at <= STRIKE_AT[1]
    ]
    if not strikes or span is None:
        return None
    rows = np.nonzero(ink.any(axis=1))[0]
    if len(rows) < 2:
        return None
    top, tall = span[0], span[1] - span[0] + 1
    # the rows above and below the letters: a colour of the picture shows there too (a
    # gingham's stripe through the letters, read as a pink strike, painted over them)
    clear = np.ones(len(crop), bool)
    clear[span[0] : span[1] + 1] = False
    said = []
    for rule in strikes:
        middle = top + rule.at * tall
        half = max(1.0, rule.thickness / 2)
        band = slice(max(0, round(middle - half)), round(middle + half) + 1)
        cols = np.nonzero((ink | other)[band].any(axis=0))[0]
        if not len(cols):
            continue
        area = other[band, cols[0] : cols[-1] + 1]
        if area.mean() < STRIKE_OWN:
            continue
        pixels = crop[band, cols[0] : cols[-1] + 1][area]
        colour = tuple(int(v) for v in np.median(pixels, axis=0))
        if clear.any() and near(crop[clear], colour).mean() > STRIKE_ELSEWHERE:
            continue
        said.append(Rule("strike", rule.thickness, rule.at, colour))  # type: ignore[arg-type]
    return (tuple(said), span) if said else None


def outline_width(fill: Any, outline: Any, background: Any) -> float | None:
    """How far an outline reaches out from its letters, in px: the distance from the fill
    of the outline's outer edge (where it meets the background), its median."""
    import cv2
    import numpy as np

    if fill.sum() < 20 or outline.sum() < 20:
        return None
    away = cv2.distanceTransform((~fill).astype(np.uint8), cv2.DIST_L2, 5)
    edge = outline & (cv2.dilate(background.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0)
    if edge.sum() < 10:
        return None
    return float(np.median(away[edge]))


def drawn_outline(width: float | None, size: int, scale: float) -> int:
    """How wide to draw an outline, px, for text set at `size` (`scale` of the size that
    matched the original): the original's own width, as a designer's stroke is one width
    whatever the text's size, up to OUTLINE_SHARE of the size (the letters' counters stay
    open), never thinner than the original's scaled; size/12 scaled when unknown."""
    if width is None:
        return max(1, round(size / 12 * scale))
    return max(1, round(max(width * scale, min(width, OUTLINE_SHARE * size))))


def outer(rgb: Any, first: Any, second: Any, background: Any) -> bool:
    """Whether the `second` colour is outside the `first` in an upright crop: it is the one
    that meets the background (the outline), not the letters' fill."""
    import cv2
    import numpy as np

    a, b = near(rgb, first), near(rgb, second)
    background = cv2.dilate(background.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    return int((b & background).sum()) >= int((a & background).sum())


def core(rgb: Any, colour: Any, background: Any) -> tuple[int, int, int]:
    """The colour of the letters' cores in an upright crop: of the pixels at least half
    way from the background to `colour`, the median of the furthest (CORE percentile on),
    so that anti-aliased edges, most of small text's pixels, do not pale it."""
    import numpy as np

    f, b = np.asarray(colour, np.float32), np.asarray(background, np.float32)
    d = f - b
    along = float(d @ d)
    px = rgb.reshape(-1, 3).astype(np.float32)
    t = ((px - b) @ d) / max(along, 1.0)
    # ... and on the line from the background to it: a pixel off it is another colour
    # (a second text crossing this one, a photo's), however far it lies along
    off = np.linalg.norm(px - b - t[:, None] * d, axis=1)
    on = (t >= 0.5) & (off <= OFF_LINE * along**0.5)
    if along < 1.0 or int(on.sum()) < 8:
        return tuple(int(v) for v in colour)  # type: ignore[return-value]
    cut = float(np.percentile(t[on], CORE))
    return tuple(int(round(v)) for v in np.median(px[on & (t >= cut)], axis=0))  # type: ignore[return-value]


def fine_stroke(rgb: Any, colour: Any, background: Any) -> float | None:
    """How thick the strokes of small letters of `colour` are, in px, to a fraction of
    one: the crop enlarged ENLARGE times (each pixel's share of ink interpolated) and cut
    at half ink, where a 3x3 edge no longer counts every pixel of a 1-2 px stroke."""
    import cv2
    import numpy as np

    from localize.image.erase import stroke_width

    f, b = np.asarray(colour, np.float32), np.asarray(background, np.float32)
    d = f - b
    along = float(d @ d)
    if along < 1.0:
        return None
    share = np.clip(((rgb.astype(np.float32) - b) @ d) / along, 0.0, 1.0)
    h, w = share.shape
    big = cv2.resize(share, (w * ENLARGE, h * ENLARGE), interpolation=cv2.INTER_LINEAR)
    width = stroke_width(big >= 0.5)
    return None if width is None else width / ENLARGE


def _apart(a: Any, b: Any) -> int:
    """How far apart two colours are (sum over R, G, B)."""
    return sum(abs(int(x) - int(y)) for x, y in zip(a, b, strict=True))


def enclosed(crop: Any, colour: Any, most: float) -> tuple[tuple[int, int, int], float] | None:
    """An outline told by its shape in an upright crop: the pixels of `colour` enclosing
    shapes of one other colour (the letters' fill) and reaching out from them one width
    all round, no wider than `most` px; that fill's colour and the outline's width, or
    None. Whatever the picture around is: a light, varied one (tiles, f11) has colours
    near the fill's and lines near the outline's, where telling the two by colour fails."""
    import cv2
    import numpy as np

    ring = near(crop, colour).astype(np.uint8)
    found = _enclosing(crop, ring, ring, colour, most)
    if found is None:
        # a thin outline JPEG'd paler where a tile's grout crosses it opens by a px, and the
        # letter's fill runs out through it to the picture (2 px navy on f11's walls, 1 in
        # 40 in CI): closed over the gap, a thin one is found (a sticker's panel closed
        # round its letters would read as a 17 px outline: no wider)
        shut = cv2.morphologyEx(ring, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
        found = _enclosing(crop, ring, shut, colour, min(most, GAPPED_MOST))
    return found


def _enclosing(
    crop: Any, ring: Any, shut: Any, colour: Any, most: float
) -> tuple[tuple[int, int, int], float] | None:
    """`enclosed` over the `ring` (uint8, the outline colour's pixels) whose holes and
    outside are told on `shut` (the ring, or it closed over its gaps)."""
    import cv2
    import numpy as np

    count, labels = cv2.connectedComponents(1 - shut, connectivity=4)
    border = np.unique(np.concatenate((labels[0], labels[-1], labels[:, 0], labels[:, -1])))
    holes = (labels > 0) & ~np.isin(labels, border)
    if holes.sum() < 20:
        return None
    fill = tuple(int(v) for v in np.median(crop[holes], axis=0))
    inside = holes & near(crop, fill)
    apart = sum(abs(a - b) for a, b in zip(fill, colour, strict=True))
    if inside.sum() < ONE_COLOUR * holes.sum() or apart < 2 * INK_NEAR:
        return None
    outside = (shut == 0) & ~holes
    away = cv2.distanceTransform((~inside).astype(np.uint8), cv2.DIST_L2, 5)
    edge = (ring > 0) & (cv2.dilate(outside.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0)
    if edge.sum() < 10:
        return None
    reach = away[edge]
    width = float(np.median(reach))
    if width > most or float((reach <= width + HUG_SLACK).mean()) < HUGS:
        return None
    return fill, width  # type: ignore[return-value]


def beside(crop: Any, colour: Any) -> tuple[int, int, int] | None:
    """The colour 2-3 px out from the pixels of `colour` in an upright crop (their median):
    an outline's, where the erase read the fill alone (white letters on stripes whose
    light is the fill's and dark the outline's)."""
    import cv2
    import numpy as np

    ink = near(crop, colour).astype(np.uint8)
    if ink.sum() < 20:
        return None
    out = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (7, 7))) > 0
    out &= ~(cv2.dilate(ink, np.ones((3, 3), np.uint8)) > 0)
    if not out.any():
        return None
    return tuple(int(v) for v in np.median(crop[out], axis=0))  # type: ignore[return-value]


def _farther(a: Any, b: Any, background: Any) -> Any:
    """Of two colours, the one further from the background (sum over R, G, B)."""
    return max((a, b), key=lambda c: sum(abs(x - y) for x, y in zip(c, background, strict=True)))


def _inked(crop: Any, inks: Any) -> Any:
    """The pixels of a crop near any of the colours `inks` (a fill, an outline)."""
    import numpy as np

    mask = np.zeros(crop.shape[:2], bool)
    for colour in inks:
        mask |= near(crop, colour)
    return mask


def glow_of(rgb: Any, polygon: Any, inks: Any, height: float) -> Glow | None:
    """The glow round the letters (the pixels of the colours `inks`) in the region
    `polygon` of `rgb` (the whole image): a halo off the picture beyond it next to the
    letters on every side, fading over a few px (an outline ends at once); None when
    there is none."""
    import cv2
    import numpy as np

    reach = max(6, round(GLOW_REACH * height))
    crop = as_is(rgb, polygon, 2 * reach).astype(np.float32)
    letters = _inked(crop, inks)
    if letters.sum() < 20:
        return None
    dist, labels = cv2.distanceTransformWithLabels(
        (~letters).astype(np.uint8), cv2.DIST_L2, 5, labelType=cv2.DIST_LABEL_PIXEL
    )
    far = (dist > reach) & (dist <= 2 * reach)
    if far.sum() < 20:
        return None
    back = np.median(crop[far], axis=0)
    off = np.linalg.norm(crop - back, axis=2)
    rings = ring_medians(off, dist, reach)
    strongest = int(np.argmax(rings[:3]))
    peak = rings[strongest]
    if peak < GLOW_LEAST:
        return None
    faded = [d for d, v in enumerate(rings) if v < peak / 4]
    if not faded or faded[0] < GLOW_WIDE:
        return None  # no end in sight (the picture is the halo's colour), or an outline
    if max(-np.diff(rings[strongest : faded[0] + 1])) > GLOW_STEP * peak:
        return None  # a band of one colour ending at once: an outline, a tight panel
    # the most rings in a row as far off as the first of them: held, not fading (a wide
    # soft halo drops a few levels a ring, under GLOW_FLAT each, but drops: e09's 16 px
    # blur fell 288, 252, 247, 240, 234, ... and was taken for a panel ring by ring)
    fading = rings[strongest : faded[0]]
    held = 0
    for i, level in enumerate(fading):
        off_it = [k for k, v in enumerate(fading[i:]) if abs(v - level) > GLOW_FLAT * peak]
        held = max(held, off_it[0] if off_it else len(fading) - i)
    if held >= GLOW_PLATEAU:
        return None  # as far off for ring after ring, then gone: a panel round the letters
        # whose edge lies at many distances from them (a ribbon's along its curve), no halo
    if held >= GLOW_HELD * len(fading) and held >= 3:
        return None  # held for most of its reach, then gone: an outline, anti-aliased at
        # both edges (4 px of grey round white on black: 196, 196, 196, 100, 3)
    # all round: the ring next to the letters as far off on each side of them (a drop
    # shadow is on one side)
    ys, xs = np.nonzero(letters)
    where = np.zeros(int(labels.max()) + 1, int)
    where[labels[letters]] = np.arange(len(ys))
    near_ring = (dist > 1) & (dist <= max(2, faded[0] // 2))
    py, px = np.nonzero(near_ring)
    nearest = where[labels[near_ring]]
    dy, dx = py - ys[nearest], px - xs[nearest]
    strength = off[near_ring]
    sides = [strength[dy < 0], strength[dy > 0], strength[dx < 0], strength[dx > 0]]
    means = [float(np.median(v)) for v in sides if len(v) >= 10]
    if len(means) < 4 or min(means) < GLOW_ROUND * max(means):
        return None
    ring = (dist > strongest) & (dist <= strongest + 1)
    colour = tuple(int(round(v)) for v in np.median(crop[ring], axis=0))
    if any(_apart(colour, ink) <= 2 * INK_NEAR for ink in inks):
        return None  # the letters' own outline past where its colour was read (on a weave)
    return Glow(colour, faded[0] * GLOW_SIGMA)  # type: ignore[arg-type]


def inner(crop: Any, first: Any, second: Any, background: Any) -> int:
    """Which of two colours lies inside the other in a crop, as letters lie inside their
    glow: 0 for `first`, 1 for `second`, -1 when neither clearly does. The px just round
    one colour's are mostly the other's (nearer it than the first or the picture) when it
    is the inner: round the letters lies their halo, round a band of the halo lie the
    letters on one side and the halo fading on the other (a band of a wide halo, read as
    the letters, glows in their colour as they glow in its)."""
    import cv2
    import numpy as np

    shares = []
    for one, other in ((first, second), (second, first)):
        mask = near(crop, one).astype(np.uint8)
        if mask.sum() < 20:
            return -1
        ring = (cv2.dilate(mask, np.ones((5, 5), np.uint8)) > 0) & (mask == 0)
        if ring.sum() < 20:
            return -1
        px = crop[ring].astype(np.float32)
        off = [np.abs(px - np.asarray(c, np.float32)).sum(axis=1) for c in (other, one, background)]
        shares.append(float((np.argmin(np.stack(off), axis=0) == 0).mean()))
    if abs(shares[0] - shares[1]) < GLOW_INNER:
        return -1
    return 0 if shares[0] > shares[1] else 1


def _on_fade(colour: Any, glow: Any, background: Any) -> bool:
    """Whether a colour is a glow's, further out on its fade: on the line from the picture
    to the glow's colour next to the letters, within INK_NEAR of it (the erase's reading
    of a wide halo, (6, 174, 156), lies 125 from the ring next to bold letters, (49, 216,
    196), on its way to the navy)."""
    import numpy as np

    c, g, b = (np.asarray(v, np.float32) for v in (colour, glow, background))
    d = g - b
    along = float(d @ d)
    if along < 1.0:
        return False
    t = float((c - b) @ d) / along
    return GLOW_FADE[0] <= t <= GLOW_FADE[1] and float(np.abs(c - b - t * d).sum()) <= INK_NEAR


def _letters_in_glow(
    rgb: Any, polygon: Any, told: list[tuple[Any, Any, Glow]], background: Any, height: float
) -> tuple[tuple[Any, Any, Glow], bool]:
    """Of the readings `told` (letters' colour, the other colour, the glow round the
    letters), one or two (each colour as the letters, glowing in the other's), the one
    whose letters lie inside their glow, and whether that is unsure (two, neither inside)."""
    if len(told) == 1:
        return told[0], False
    pad = max(2, round(0.15 * height))
    which = inner(as_is(rgb, polygon, pad), told[0][0], told[1][0], background)
    if which < 0:  # (the colour further from the picture, as e09's pale letters on navy)
        return max(told, key=lambda t: _apart(t[0], background)), True
    return told[which], False


def shadow_of(rgb: Any, polygon: Any, inks: Any, height: float) -> Shadow | None:
    """The drop shadow of the letters (the pixels of the colours `inks`) in the region
    `polygon` of `rgb`: their shape offset to one side, darker there than the opposite
    side at the same offset (an outline or a glow is alike all round); None when there
    is none."""
    import cv2
    import numpy as np

    reach = max(2, round(SHADOW_REACH * height))
    crop = as_is(rgb, polygon, 2 * reach)
    letters = _inked(crop, inks)
    if letters.sum() < 20:
        return None
    grey = cv2.cvtColor(np.ascontiguousarray(crop), cv2.COLOR_RGB2GRAY).astype(np.float32)
    size = min(255, 2 * (round(0.5 * height) // 2) + 1)
    local = cv2.medianBlur(grey.astype(np.uint8), max(3, size)).astype(np.float32)
    below = local - grey
    # (past the letters' anti-aliased edge, which is their colour half mixed)
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))
    outside = ~(cv2.dilate(letters.astype(np.uint8), disc) > 0)
    # on a texture its own dark patches beside the letters read as a shadow: a shadow is
    # darker than the picture's own ups and downs are
    away = ~(cv2.dilate(letters.astype(np.uint8), disc, iterations=max(1, reach)) > 0)
    texture = float(np.abs(below[away]).mean()) if away.any() else 0.0

    sides: dict[tuple[int, int], tuple[int, float]] = {}

    def side(dx: int, dy: int) -> tuple[int, float]:
        """How many pixels of moved(letters, dx, dy) & outside there are, and how much
        darker than the picture around them they are (NaN under 20): on the part of the
        crop the moved letters lie in (the same pixels in the same order, so the same
        sums: a mask moved over the whole crop, then counted as a sum, per offset tried,
        up to 250 of them, was a tenth of a 3000 px picture's erase), and once per offset
        (each is also the other side of its opposite)."""
        if (dx, dy) not in sides:
            part, source = moved_part(letters, dx, dy)
            here = source & outside[part]
            n = int(np.count_nonzero(here))
            sides[(dx, dy)] = n, float(below[part][here].mean()) if n >= 20 else math.nan
        return sides[(dx, dy)]

    def dim(dx: int, dy: int, lit: bool = False) -> float:
        """How much darker than the picture around it the crop is over the letters moved
        by (dx, dy) than moved the other way (-1 when too few pixels); with `lit`, how
        light the picture around it is there (0 when too few)."""
        (n, darker), (m, other) = side(dx, dy), side(-dx, -dy)
        if n < 20 or m < 20:
            return 0.0 if lit else -1.0
        if lit:
            part, source = moved_part(letters, dx, dy)
            return float(local[part][source & outside[part]].mean())
        return darker - other

    pace = max(1, reach // 5)
    coarse = [
        (dim(dx, dy), dx, dy)
        for dy in range(-reach, reach + 1, pace)
        for dx in range(-reach, reach + 1, pace)
        if (dx, dy) != (0, 0)
    ]
    _, bx, by = max(coarse)
    fine = [
        (dim(dx, dy), dx, dy)
        for dy in range(by - pace, by + pace + 1)
        for dx in range(bx - pace, bx + pace + 1)
        if (dx, dy) != (0, 0) and max(abs(dx), abs(dy)) <= reach
    ]
    best, dx, dy = max(fine)
    # the darkest offset may be the letters' own edge next to them: the shadow reaches
    # as far along that way as its side stays about as dark
    heading = math.atan2(dy, dx)
    for k in range(max(abs(dx), abs(dy)) + 1, reach + 1):
        fx, fy = round(k * math.cos(heading)), round(k * math.sin(heading))
        if dim(fx, fy) < SHADOW_HOLD * best:
            break
        dx, dy = fx, fy
    lit = dim(dx, dy, lit=True)
    if best < max(SHADOW_LEAST, SHADOW_DARK * lit, SHADOW_TEXTURE * texture):
        return None
    here = moved(letters, dx, dy) & outside
    dark = below >= 0.5 * float(below[here].mean())
    colour = tuple(int(round(v)) for v in np.median(crop[here & dark], axis=0))
    # as dark as often on the opposite side: something all round the letters (an outline,
    # a fill inside one, a tight band), not a shadow
    there = moved(letters, -dx, -dy) & outside
    if float(dark[here].mean()) < SHADOW_SIDED * float(dark[there].mean()):
        return None
    if float(dark[here].mean()) < SHADOW_COVER:  # the letters' whole shape is shadowed,
        # not a stretch of the picture's edge beside a few of them (a red product's side)
        return None
    return Shadow(colour, float(dx), float(dy), SHADOW_BLUR * math.hypot(dx, dy))  # type: ignore[arg-type]


def _ringed(
    crop: Any, fill: Any, outline: Any, background: Any, most: float
) -> tuple[tuple[int, int, int], tuple[int, int, int], float] | None:
    """(outline, fill, width) when the shape shows an outline round the letters (enclosed),
    of the erase's colours or the one just outside its fill, each taken at its core."""
    for colour in (outline, fill, beside(crop, fill)):
        if colour is None:
            continue
        ring = core(crop, colour, background)
        found = enclosed(crop, ring, most)
        if found is not None:
            return ring, found[0], found[1]
    return None


def all_round(crop: Any, fill: Any, outline: Any, width: float) -> bool:
    """Whether the colour `outline` runs all round the letters of `fill` in an upright crop,
    as a drawn outline does: on some ring of pixels at one distance from them, out to its
    `width` and a px, ALL_ROUND of the ring is of that colour. A picture's own colour lies
    beside the letters only here and there (a knit's light threads on g11, as common beside
    the subline as anywhere on the knit: read as a 5 px pale outline and drawn round every
    translation of it)."""
    import cv2
    import numpy as np

    letters = near(crop, fill)
    if letters.sum() < 20:
        return True  # (nothing to tell it by: as read)
    away = cv2.distanceTransform((~letters).astype(np.uint8), cv2.DIST_L2, 5)
    ring = near(crop, outline)
    for d in range(1, max(2, math.ceil(width) + 1) + 1):
        band = (away > d - 1) & (away <= d)
        if band.sum() >= 20 and float(ring[band].mean()) >= ALL_ROUND:
            return True
    return False


def _checked(
    crop: Any, fill: Any, outline: Any, background: Any, around: Any, height: float
) -> tuple[Any, Any, float | None]:
    """(fill, outline, width) of an outline told by colour alone, or (fill, None, None)
    when it is an anti-aliased edge or a photo's patch: wider than an outline can be, or
    not all round the letters."""
    from localize.image import colors
    from localize.image.erase import stroke_width

    if outline is None:
        return fill, None, None
    if sum(abs(a - b) for a, b in zip(outline, background, strict=True)) <= INK_NEAR:
        # the picture's own colour round the letters: navy letters on light tiles read in
        # a 5-6 px "outline" of the tiles' shade, 3 walls in 9
        return fill, None, None
    # a colour that is a mix of the other and the background is that other's anti-aliased
    # edge, unless it lies outside the letters and is wider than the ramp: a mid-tone
    # outline (grey round white on black)
    blend = colors.mixed(fill, outline, background)
    ramp = colors.mixed(outline, fill, background)
    ring = near(crop, outline)
    width = outline_width(near(crop, fill), ring, around)
    band = stroke_width(ring)  # how thick the outline's own band is
    edge = blend or (ramp and (width is None or width < EDGE_RAMP))
    if edge or (
        width is not None
        and (
            width > OUTLINE_MOST * height
            or (band and width > 2 * band)
            or not all_round(crop, fill, outline, width)
        )
    ):
        # white letters on a photo: the letters taken for an outline, the photo between
        # their strokes for a fill; an outline is not that wide, and it reaches out from
        # the fill as far as its own band is thick
        return _farther(fill, outline, background), None, None
    return fill, outline, width


def measure(rgb: Any, polygon: Any, fill: Any, outline: Any, background: Any, text: str) -> Look:
    """The look of one region of the original image `rgb` (H x W x 3) whose ink the erase
    read as `fill` (and `outline`, for outlined text) on `background`."""
    (x0, y0), (x1, y1), _, (x3, y3) = polygon[:4]
    length, height = math.hypot(x1 - x0, y1 - y0), math.hypot(x3 - x0, y3 - y0)
    pad = max(2, round(0.15 * height))
    crop = upright(rgb, polygon, pad)
    around = near(crop, background)
    shadow = None
    # an outline its shape shows, one width all round the letters, is one; else a colour
    # beside the letters on one side is a drop shadow: read as an outline, yellow letters
    # came back grey-blue outlined in yellow (imagesynth's shadow), white ones outlined in
    # the shadow's dark red (and the shadow looked for first took a tiles' grout beside
    # white in a 2 px navy outline for one, and the outline was lost)
    ringed = _ringed(crop, fill, outline, background, OUTLINE_MOST * height)
    glow = glowing = None
    if ringed is None and outline is not None:
        for letters, other in ((fill, outline), (outline, fill)):
            shadow = shadow_of(rgb, polygon, [letters], height)
            if shadow is not None and _apart(shadow.colour, other) <= SHADOW_LIKE:
                fill, outline = letters, None
                break
            shadow = None
    if ringed is None and outline is not None and shadow is None:
        # ... or a halo fading all round them: a wide glow is most of the region's pixels
        # and was read as the letters' fill, the pale letters in it as their outline (e09:
        # drawn again as solid cyan letters outlined in white); each colour tried as the
        # letters (a band of the halo's, as letters, reads as glowing in the letters' colour)
        pairs = ((fill, outline), (outline, fill))
        told = [
            (letters, other, glow_of(rgb, polygon, [letters], height)) for letters, other in pairs
        ]
        # (letters stand out from the picture, not far less than their halo does: the
        # photo's gold between white letters is no letters in a white glow)
        told = [
            (a, b, g)
            for a, b, g in told
            if g is not None
            and (_apart(g.colour, b) <= GLOW_LIKE or _on_fade(b, g.colour, background))
            and _apart(a, background) >= GLOW_STANDS * _apart(g.colour, background)
        ]
        if told:  # (both: the letters are the colour inside the other; neither clearly
            # inside, the one further from the picture, and said)
            (fill, _, glow), doubt = _letters_in_glow(rgb, polygon, told, background, height)
            outline, glowing = None, "glow" if doubt else None
    if ringed is not None:
        # an outline its shape shows is taken as it is: the checks on colour below are
        # for a photo's patches taken for one
        outline, fill, width = ringed
    else:
        swapped = outline is not None and not outer(crop, fill, outline, around)
        if swapped:  # the colour at the letters' edge is the outline
            fill, outline = outline, fill
    ink = near(crop, fill)
    found, span = rules(ink)
    if not found:  # a strike in a colour of its own: a red line through a black ¥99 was
        # no rule of the black ink's, and the old price came back unstruck, a current
        # price to a buyer (a stranger's trial)
        found, span = _coloured_strike(crop, ink, around | near(crop, outline)) or (found, span)
    letters = float(span[1] - span[0] + 1) if span and found else None
    unsure = glowing
    if ringed is None:
        fill, outline, width = _checked(crop, fill, outline, background, around, height)
        ink = near(crop, fill)
        if outline is not None and width is None:
            # a second colour kept as an outline on its colours alone, though it never
            # meets the picture round the letters, as an outline does: no shape showed
            # it, nor a glow or a shadow (e09's halo, before a wide glow was told, drew
            # cyan letters outlined in white): drawn so, and said
            unsure = "outline"
    stroke = None
    if outline is None:  # read on the pixels as they are: turning a crop blurs fine strokes
        box = as_is(rgb, polygon, pad)
        fill = core(box, fill, background)
        if height <= SMALL:
            stroke = fine_stroke(box, fill, background)
    across = None
    chars = sum(1 for ch in text if not ch.isspace())
    if chars >= 2 and height >= TALL * length:
        # (its own run of inked columns: the crop's margin beside it may hold a
        # neighbouring column's ink, and g09's 104 px column read 173 px across with it,
        # its translation set to match letters 1.7 times its size)
        counts = (ink | near(crop, outline)).sum(axis=0)
        run = column_run(counts, max(2, round(COLUMN_GAP * length)))
        if run:
            across = float(run)
    colours = tuple(int(v) for v in fill), outline and tuple(int(v) for v in outline)
    inks = [c for c in colours if c is not None]
    if shadow is None and not across and colours[1] is None:  # (outlined letters: the
        # outline is their edge; over tiles their grout beside them on one side read as a
        # shadow, and one was drawn under the navy outline)
        shadow = shadow_of(rgb, polygon, inks, height)
    if shadow is not None and (
        math.hypot(shadow.dx, shadow.dy) < SHADOW_LEAST_OFFSET
        or (_apart(shadow.colour, background) < INK_NEAR and sum(background) > SHADOW_NIGHT)
        or any(s > b + SHADOW_LIGHTER for s, b in zip(shadow.colour, background, strict=True))
    ):  # the letters' own edge; or the panel round them, darker than the page past it
        # (a tight red band's, a check's red square beside the letters; on a night photo
        # a shadow is as dark as the picture round it); or no shadow: one darkens what it
        # falls on (a red product's side beside white letters on blue is lighter in red)
        shadow = None
    # (a shadow's blur next to the letters is no glow: one or the other is drawn)
    if glow is None and not across and not shadow:
        glow = glow_of(rgb, polygon, inks, height)
        if glow is not None and outline is None:  # the only ink read may be a band of a
            # wide halo, glowing in the letters' colour: the letters are inside their glow
            again = glow_of(rgb, polygon, [glow.colour], height)
            if again is not None and _apart(again.colour, fill) <= GLOW_LIKE:
                told = [(fill, glow.colour, glow), (glow.colour, fill, again)]
                (inside, _, glow), doubt = _letters_in_glow(rgb, polygon, told, background, height)
                if inside != fill:
                    fill = core(as_is(rgb, polygon, pad), inside, background)
                    colours = (tuple(int(v) for v in fill), None)
                unsure = "glow" if doubt else unsure
    if glow is not None and outline is None:  # the erase's stroke took in the halo next to
        # the letters, over half way to their colour (e09's 85 px on 121 px letters, drawn
        # Bold): theirs is cut half way to the halo, what lies behind their edges
        stroke = fine_stroke(as_is(rgb, polygon, pad), fill, glow.colour) or stroke
    return Look(
        width, found, letters, across, False, colours[0], colours[1], stroke, glow, shadow,  # type: ignore[arg-type]
        unsure,
    )  # fmt: skip


def one_look(
    inks: Any, widths: Any
) -> tuple[tuple[int, int, int], tuple[int, int, int] | None, float | None]:
    """The look the lines of one block are drawn in, pooled from each line's reading
    (`inks`: (fill, outline or None) per line, `widths`: its outline's width or None):
    outlined only when most lines are, each colour the lines' median, the width too; a
    line misread from a handful of pixels is outvoted rather than restyling the block."""
    import numpy as np

    ringed = [(ink, w) for ink, w in zip(inks, widths, strict=True) if ink[1] is not None]
    if 2 * len(ringed) > len(inks):
        fill = tuple(int(v) for v in np.median([ink[0] for ink, _ in ringed], axis=0))
        edge = tuple(int(v) for v in np.median([ink[1] for ink, _ in ringed], axis=0))
        known = [w for _, w in ringed if w]
        return fill, edge, float(np.median(known)) if known else None  # type: ignore[return-value]
    fills = [ink[0] for ink in inks]
    return tuple(int(v) for v in np.median(fills, axis=0)), None, None  # type: ignore[return-value]
