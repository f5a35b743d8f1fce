"""Replacing the text already on an image: each region (slightly dilated) erased from its
surroundings (a flat fill where the background is flat, OpenCV inpainting elsewhere), then
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
FLAT = 12.0  # a surrounding within this of its median colour (95% of it) is filled flat


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


def replace_region(img: Any, plan: RegionPlan, language: str, script: str) -> Replaced:
    """Erase one region from `img` and draw its translation there; only pixels inside the
    dilated region change; a translation the font cannot draw raises FontError before
    anything is erased."""
    import cv2
    import numpy as np
    from PIL import Image, ImageDraw

    text = validate_caption(plan.translation, script)
    grow = dilation(plan.polygon)
    mask = region_mask(img.size, plan.polygon, grow)
    ys, xs = np.nonzero(mask)
    if len(xs) == 0:
        return Replaced(0, (), False, 21.0)
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
    inside = region_mask(img.size, plan.polygon, 0)[top:bottom, left:right] > 0
    ink = _text_colour(rgb[inside], background)
    spread = np.abs(around.astype(np.float32) - background).max(axis=1)
    if float(np.percentile(spread, 95)) < FLAT:  # flat: a fill matches it exactly
        rgb[window > 0] = background.astype(np.uint8)
    else:
        rgb = cv2.inpaint(rgb, window, INPAINT_RADIUS, cv2.INPAINT_TELEA)
    img.paste(Image.fromarray(rgb), (left, top))

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
    layer = Image.new("L", (width, tall), 0)
    draw = ImageDraw.Draw(layer)
    line_h = result.size * spec.line_spacing
    y = (tall - line_h * len(result.lines)) / 2
    for line in result.lines:
        draw.text(
            (width / 2, y + line_h / 2),
            line,
            font=font,
            fill=255,
            anchor="mm",
            language=language if fonts.needs_shaping(script) else None,
        )
        y += line_h
    turned = layer.rotate(-angle, resample=Image.Resampling.BICUBIC, expand=True)
    placed = Image.new("L", img.size, 0)
    placed.paste(turned, (round(cx - turned.width / 2), round(cy - turned.height / 2)))
    clip = np.minimum(np.asarray(placed), mask)  # never outside the erased region
    img.paste(Image.new("RGB", img.size, ink), (0, 0), Image.fromarray(clip))
    shade = tuple(int(v) for v in background)
    return Replaced(result.size, result.lines, result.truncated, colors.contrast(ink, shade))  # type: ignore[arg-type]


def _text_colour(inside: Any, background: Any) -> colors.RGB:
    """The original text's colour: the median of the region's pixels least like its
    surroundings (with a readable fallback when the region is all background)."""
    import numpy as np

    if len(inside) == 0:
        return colors.readable_on(tuple(int(v) for v in background))  # type: ignore[arg-type]
    distance = np.abs(inside.astype(np.float32) - background).sum(axis=1)
    far = inside[distance >= max(40.0, float(np.percentile(distance, 80)))]
    if len(far) == 0:
        return colors.readable_on(tuple(int(v) for v in background))  # type: ignore[arg-type]
    return tuple(int(v) for v in np.median(far, axis=0))  # type: ignore[return-value]
