"""Replacing the text already on an image: each region (slightly dilated) erased from its
surroundings (a flat fill where the background is flat, a fitted plane where it is a
smooth gradient, OpenCV inpainting elsewhere), then
its translation drawn along the region in a colour taken from the original text, fitted
and wrapped as captions are, clipped so that it never spills outside the region.

The drawing is a plain dataclass of plans, so it pickles into worker processes; the
detection and translation that produce the plans happen before, in the caller.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from config.errors import AppError, ExitCode
from localize.image import colors, fonts
from localize.image.fit import FitSpec
from localize.image.ocr import Point
from localize.image.render import fit_caption, validate_caption

DILATE = 0.18  # of the region's height, added around it before erasing
INPAINT_RADIUS = 3  # px of surroundings each erased pixel is filled from (its cost grows squared)
FLAT = 6.0  # a ring whose colours spread less than this (per channel) is filled flat
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
        """Erase and redraw every region not kept, on `img` in place; a region whose
        translation cannot be drawn is left as it is and said (with `strict`, the image
        fails, naming every region left)."""
        sizes, lines, truncated, worst = [], [], False, 21.0
        notes, left = list(self.notes), list(self.left)
        for plan in self.regions:
            if plan.keep:
                continue
            try:
                drawn = replace_region(img, plan, self.language, self.script)
            except fonts.FontError as exc:
                left.append(f"region {plan.text!r} not replaced: {exc.message}")
                notes.append(left[-1])
                continue
            sizes.append(drawn.size)
            lines += drawn.lines
            worst = min(worst, drawn.contrast)
            if drawn.truncated:
                truncated = True
                notes.append(f"text {plan.text!r}: its translation was cut to fit; shorten it")
        if self.strict and left:
            raise ChineseLeft(left)
        return Replaced(max(sizes, default=0), tuple(lines), truncated, worst, tuple(notes))


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


def replace_region(img: Any, plan: RegionPlan, language: str, script: str) -> Replaced:
    """Erase one region from `img` and draw its translation there; only pixels inside the
    dilated region change; a translation the font cannot draw raises FontError before
    anything is erased."""
    text = validate_caption(plan.translation, script)
    grow = dilation(plan.polygon)
    mask = region_mask(img.size, plan.polygon, grow)
    erased = erase(img, plan.polygon, mask, grow)
    if erased is None:
        return Replaced(0, (), False, 21.0)
    ink, background = erased
    return _draw(img, plan, text, language, script, mask, ink, background)


def erase(
    img: Any, polygon: tuple[Point, ...], mask: Any, grow: int
) -> tuple[Ink, colors.RGB] | None:
    """Erase the region `mask` from `img` in place: a flat fill when the ring around it
    is one colour all along, else inpainting (a gradient or a photo is continued, not
    covered by a lighter rectangle). The text's ink and the background's colour, as they
    were; None for an empty mask."""
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
    background = np.median(around, axis=0)
    inside = region_mask(img.size, polygon, 0)[top:bottom, left:right] > 0
    ink = _ink(rgb, inside, background)
    if _uniform(around):
        rgb[window > 0] = background.astype(np.uint8)
    elif (smooth := _plane(rgb, ring, window)) is not None:
        rgb[window > 0] = smooth
    else:
        rgb = cv2.inpaint(rgb, window, INPAINT_RADIUS, cv2.INPAINT_TELEA)
    img.paste(Image.fromarray(rgb), (left, top))
    return ink, tuple(int(v) for v in background)  # type: ignore[return-value]


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


def _uniform(around: Any) -> bool:
    """Whether the ring is one colour all along it: the spread between its lightest and
    darkest few percent, per channel, stays within what the eye cannot tell apart."""
    import numpy as np

    low, high = np.percentile(around.astype(np.float32), [2, 98], axis=0)
    return float((high - low).max()) <= FLAT


def _draw(
    img: Any,
    plan: RegionPlan,
    text: str,
    language: str,
    script: str,
    mask: Any,
    ink: Ink,
    background: colors.RGB,
) -> Replaced:
    """Draw `text` along the region, in its ink (outlined when the original was), clipped
    to the erased `mask`."""
    import numpy as np
    from PIL import Image, ImageDraw

    length, height, angle, (cx, cy) = geometry(plan.polygon)
    width, tall = max(1, round(length)), max(1, round(height))
    spec = FitSpec(
        max_size=max(6, round(tall * 0.8)),
        min_size=max(6, min(round(tall * 0.3), 12)),
        max_lines=2 if tall >= 40 else 1,
        line_spacing=1.15,
    )
    result = fit_caption(text, script, width, tall, spec, fonts.BOLD)
    font = fonts.load(fonts.font_for(script).path, result.size)
    stroke = max(1, round(result.size / 12)) if ink.outline else 0
    line_h = result.size * spec.line_spacing
    layers = []  # the outline (text grown by the stroke) under the fill
    for width_px in ([stroke] if stroke else []) + [0]:
        layer = Image.new("L", (width, tall), 0)
        draw = ImageDraw.Draw(layer)
        y = (tall - line_h * len(result.lines)) / 2
        for line in result.lines:
            draw.text(
                (width / 2, y + line_h / 2),
                line,
                font=font,
                fill=255,
                anchor="mm",
                stroke_width=width_px,
                stroke_fill=255,
                language=language if fonts.needs_shaping(script) else None,
            )
            y += line_h
        turned = layer.rotate(-angle, resample=Image.Resampling.BICUBIC, expand=True)
        placed = Image.new("L", img.size, 0)
        placed.paste(turned, (round(cx - turned.width / 2), round(cy - turned.height / 2)))
        layers.append(np.minimum(np.asarray(placed), mask))  # never outside the erased region
    colours = ([ink.outline] if stroke else []) + [ink.fill]
    for colour, clip in zip(colours, layers, strict=True):
        img.paste(Image.new("RGB", img.size, colour), (0, 0), Image.fromarray(clip))
    edge = ink.outline or background  # what the fill is read against
    return Replaced(result.size, result.lines, result.truncated, colors.contrast(ink.fill, edge))


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
