"""Replacing the text already on an image: each region's strokes (the pixels of the
text's ink colours and their anti-aliasing, grown by a few px, within the slightly dilated
region) erased from their surroundings (a flat fill with the ring's dominant colour where
most of the ring is one colour, a fitted plane where it is a smooth gradient, OpenCV
inpainting of the strokes elsewhere), so what is around the letters is not smeared; then
its translation drawn along the region in the original text's colours and weight, as tall
as the original's ink (one line, shrunk only to fit the width), centred where it was,
clipped so that it never spills outside the region.

The drawing is a plain dataclass of plans, so it pickles into worker processes; the
detection and translation that produce the plans happen before, in the caller.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from config.errors import AppError, ExitCode
from localize.image import colors, fonts
from localize.image.erase import (  # noqa: F401 - erase's names, as callers import them here
    Erased,
    Ink,
    dilation,
    erase,
    geometry,
    region_mask,
    stroke_width,
)
from localize.image.fit import Fit, FitSpec
from localize.image.ocr import Point
from localize.image.render import fit_caption, validate_caption

ONE_LINE_LEAST = 0.6  # of the original's size: one line shrunk below it may go to two lines
TWO_LINE_SPACING = 1.1
TWO_LINES_LARGER = 1.2  # ... and only when their size is at least this much larger


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
    erased: tuple[dict[str, Any], ...] = ()  # per region: text, polygon, erase score, method

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
    erase_only: bool = False  # the clean plate: regions erased, nothing drawn

    def draw(self, img: Any) -> Replaced:
        """Erase and redraw every region not kept, on `img` in place; a region whose
        translation cannot be drawn is left as it is and said (with `strict`, the image
        fails, naming every region left); an erase that scores poorly is said too."""
        sizes, lines, truncated, worst = [], [], False, 21.0
        notes, left = list(self.notes), list(self.left)
        figures: list[dict[str, Any]] = []
        for plan in self.regions:
            if plan.keep:
                continue
            try:
                if self.erase_only:
                    erased = erase(img, plan.polygon)
                    drawn = Replaced(0, (), False, 21.0, erased=_figures(plan, erased))
                else:
                    drawn = replace_region(img, plan, self.language, self.script)
            except fonts.FontError as exc:
                left.append(f"region {plan.text!r} not replaced: {exc.message}")
                notes.append(left[-1])
                continue
            figures += drawn.erased
            notes += [poor_erase_note(f) for f in drawn.erased if f["poor"]]
            sizes.append(drawn.size)
            lines += drawn.lines
            worst = min(worst, drawn.contrast)
            if drawn.truncated:
                truncated = True
                notes.append(f"text {plan.text!r}: its translation was cut to fit; shorten it")
        if self.strict and left:
            raise ChineseLeft(left)
        return Replaced(
            max(sizes, default=0), tuple(lines), truncated, worst, tuple(notes), tuple(figures)
        )


POOR_ERASE = "poor_erase"  # the finding a poorly scored erase raises


def poor_erase_note(figure: dict[str, Any]) -> str:
    """What a reviewer is told of a region whose erase scored poorly."""
    return (
        f"{POOR_ERASE}: text {figure['text']!r} erased poorly (score {figure['erase']} dB, "
        f"{figure['method']} fill): the background may show a smear; retouch it or keep it"
    )


def _figures(plan: RegionPlan, erased: Erased | None) -> tuple[dict[str, Any], ...]:
    """The erase's figures for one region, as the region records carry them."""
    if erased is None:
        return ()
    return (
        {
            "text": plan.text,
            "polygon": [list(p) for p in plan.polygon],
            "erase": erased.score,
            "method": erased.method,
            "poor": erased.poor,
        },
    )


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
    drawn = _draw(img, plan, text, language, script, mask, erased)
    return replace(drawn, erased=_figures(plan, erased))


def _draw(
    img: Any, plan: RegionPlan, text: str, language: str, script: str, mask: Any, erased: Erased
) -> Replaced:
    """Draw `text` along the region in its ink (outlined when the original was), as tall
    as the original's ink and centred where it was, clipped to the erased `mask`."""
    import numpy as np
    from PIL import Image, ImageDraw

    ink = erased.ink
    length, height, angle, (cx, cy) = geometry(plan.polygon)
    width, tall = max(1, round(length)), max(1, round(height))
    shaping = language if fonts.needs_shaping(script) else None
    path = fonts.font_for(script).path
    ink_height = erased.ink_height or tall * 0.75
    result, spacing, weight = fit_region(
        text, script, width, tall, ink_height, shaping, erased.stroke
    )
    font = fonts.load(path, result.size, weight)
    stroke = max(1, round(result.size / 12)) if ink.outline else 0
    margin = dilation(plan.polygon)  # the layer reaches into the erased margin, as the mask
    w, h = width + 2 * margin, tall + 2 * margin
    boxes = [
        font.getbbox(line, anchor="ls", stroke_width=stroke, language=shaping)
        for line in result.lines
    ]
    baselines = [i * result.size * spacing for i in range(len(result.lines))]
    top = min(y + b[1] for y, b in zip(baselines, boxes, strict=True))
    bottom = max(y + b[3] for y, b in zip(baselines, boxes, strict=True))
    du, dv = erased.offset
    # the block's ink centred where the original's was, kept inside the layer
    shift = _within(h / 2 + dv - (top + bottom) / 2, -top, h - bottom)
    layers = []  # the outline (text grown by the stroke) under the fill
    for width_px in ([stroke] if stroke else []) + [0]:
        layer = Image.new("L", (w, h), 0)
        draw = ImageDraw.Draw(layer)
        for line, box, y in zip(result.lines, boxes, baselines, strict=True):
            x = _within(w / 2 + du - (box[0] + box[2]) / 2, -box[0], w - box[2])
            draw.text(
                (x, y + shift),
                line,
                font=font,
                fill=255,
                anchor="ls",
                stroke_width=width_px,
                stroke_fill=255,
                language=shaping,
            )
        turned = layer.rotate(-angle, resample=Image.Resampling.BICUBIC, expand=True)
        placed = Image.new("L", img.size, 0)
        placed.paste(turned, (round(cx - turned.width / 2), round(cy - turned.height / 2)))
        layers.append(np.minimum(np.asarray(placed), mask))  # never outside the erased region
    colours = ([ink.outline] if stroke else []) + [ink.fill]
    for colour, clip in zip(colours, layers, strict=True):
        img.paste(Image.new("RGB", img.size, colour), (0, 0), Image.fromarray(clip))
    edge = ink.outline or erased.background  # what the fill is read against
    return Replaced(result.size, result.lines, result.truncated, colors.contrast(ink.fill, edge))


def _within(value: float, low: float, high: float) -> float:
    """`value` kept between `low` and `high`; centred between them when they cross (the
    text is wider than the room: it overflows both sides equally, clipped)."""
    return (low + high) / 2 if low > high else min(max(value, low), high)


REFERENCE = 100  # px: the font size at which a text's ink height is measured


WEIGHTS = (400, 500, 600, 700)  # the variable font's weights a translation is drawn in


def choose_weight(
    text: str, script: str, size: int, stroke: float | None, language: str | None = None
) -> int:
    """The weight whose strokes, at `size`, are nearest `stroke` px thick (the original's:
    thin letters stay thin); bold when the original's thickness is unknown."""
    if stroke is None:
        return fonts.BOLD
    import numpy as np
    from PIL import Image, ImageDraw

    def thickness(weight: int) -> float:
        font = fonts.load(fonts.font_for(script).path, size, weight)
        left, top, right, bottom = font.getbbox(text, anchor="ls", language=language)
        layer = Image.new("L", (right - left + 4, bottom - top + 4), 0)
        ImageDraw.Draw(layer).text(
            (2 - left, 2 - top), text, font=font, fill=255, anchor="ls", language=language
        )
        return stroke_width(np.asarray(layer) >= 128) or 0.0

    return min(WEIGHTS, key=lambda w: abs(thickness(w) - stroke))


def start_size(text: str, script: str, ink_height: float, language: str | None = None) -> int:
    """The font size at which `text`'s ink is `ink_height` tall: the original's cap height
    for a line of capitals or x-height letters (measured against "H" where the font has
    it), else the text's own ascenders and descenders."""
    font = fonts.load(fonts.font_for(script).path, REFERENCE)

    def ink(sample: str) -> int:
        box = font.getbbox(sample, anchor="ls", language=language)
        return box[3] - box[1]

    sample = ink(text)
    if ord("H") in fonts.coverage(fonts.font_for(script).path):
        sample = max(sample, ink("H"))
    return max(6, round(ink_height * REFERENCE / max(1, sample)))


def fit_region(
    text: str,
    script: str,
    width: int,
    tall: int,
    ink_height: float,
    language: str | None,
    stroke: float | None = None,
) -> tuple[Fit, float, int]:
    """The size, lines and weight of a translation in a region `width` x `tall` whose original
    ink was `ink_height` tall, and their line spacing: one line started at the original's
    height and shrunk only to fit the width; two lines only when one would shrink below
    ONE_LINE_LEAST of it and two lines (in a region tall enough) come out clearly larger."""
    start = start_size(text, script, ink_height, language)
    weight = choose_weight(text, script, start, stroke, language)
    small = min(start, max(6, min(round(tall * 0.3), 12)))
    one_spec = FitSpec(max_size=start, min_size=small, max_lines=1, line_spacing=1.0)
    one = fit_caption(text, script, width, start, one_spec, weight)
    if not one.truncated and one.size >= ONE_LINE_LEAST * start:
        return one, 1.0, weight
    two_max = min(start, int(tall / (2 * TWO_LINE_SPACING)))
    if tall >= 40 and two_max >= small:
        spec = FitSpec(max_size=two_max, min_size=small, max_lines=2, line_spacing=TWO_LINE_SPACING)
        two = fit_caption(text, script, width, tall, spec, weight)
        if not two.truncated and (one.truncated or two.size >= TWO_LINES_LARGER * one.size):
            return two, TWO_LINE_SPACING, weight
    return one, 1.0, weight
