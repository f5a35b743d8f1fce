"""Supplier-style Chinese lettering drawn on the spot with a CJK font, with the regions an
OCR would report for it (the ink's box, a little padded, turned with the text): blocks of
equal lines, titles over bodies, bold, outlined, struck-through, skewed and vertical text.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from PIL import Image, ImageDraw

from localize.image.replace import RegionPlan
from tests.localize.images import cjk_font

Point = tuple[float, float]


@dataclass(frozen=True)
class Lettering:
    """One line of Chinese: where (its top-left), how large, and how it looks."""

    text: str
    at: tuple[int, int]
    size: int
    fill: tuple[int, int, int] = (30, 30, 30)
    bold: int = 0  # px of stroke added around the letters (suppliers' fake bold)
    outline: int = 0  # px of outline, in `edge`
    edge: tuple[int, int, int] = (0, 0, 0)
    strike: bool = False
    underline: bool = False
    angle: float = 0.0  # degrees, counter-clockwise as Pillow turns
    vertical: bool = False  # characters stacked in a column


@dataclass
class Scene:
    """A picture with its lettering, and each line's region polygon as OCR gives it."""

    image: Image.Image
    polygons: list[tuple[Point, ...]] = field(default_factory=list)
    ink_heights: list[float] = field(default_factory=list)

    def plans(self, texts: list[str], translations: list[str]) -> tuple[RegionPlan, ...]:
        """The region plans for the lines, with their translations."""
        return tuple(
            RegionPlan(p, t, tr)
            for p, t, tr in zip(self.polygons, texts, translations, strict=True)
        )


def draw(background: Image.Image, letterings: list[Lettering]) -> Scene:
    """The background with every lettering drawn on it."""
    img = background.copy()
    scene = Scene(img)
    for item in letterings:
        polygon, ink = _letter(img, item)
        scene.polygons.append(polygon)
        scene.ink_heights.append(ink)
    return scene


def _letter(img: Image.Image, item: Lettering) -> tuple[tuple[Point, ...], float]:
    font = cjk_font(item.size)
    stroke = item.bold + item.outline
    chars = list(item.text) if item.vertical else [item.text]
    step = round(item.size * 1.1)
    boxes = [font.getbbox(c, stroke_width=stroke) for c in chars]
    width = max(b[2] for b in boxes) + 2 * stroke + 4
    height = (
        (step * (len(chars) - 1) + boxes[-1][3] + 2 * stroke + 4)
        if item.vertical
        else (boxes[0][3] + 2 * stroke + 4 + item.size // 3)  # room for an underline
    )
    layer = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for n, c in enumerate(chars):
        y = 2 + stroke + n * step if item.vertical else 2 + stroke
        if item.outline:
            draw.text((2 + stroke, y), c, font=font, fill=item.edge, stroke_width=stroke,
                      stroke_fill=item.edge)  # fmt: skip
        draw.text((2 + stroke, y), c, font=font, fill=item.fill, stroke_width=item.bold,
                  stroke_fill=item.fill)  # fmt: skip
    alpha = layer.getchannel("A")
    left, top, right, bottom = alpha.point(lambda v: 255 if v >= 128 else 0).getbbox()
    ink = bottom - top
    thick = max(2, round(item.size / 14))
    if item.strike:
        y = (top + bottom) // 2
        draw.rectangle(
            (left - 2, y - thick // 2, right + 1, y - thick // 2 + thick - 1), fill=item.fill
        )
    if item.underline:
        y = bottom + max(2, item.size // 10)
        draw.rectangle((left - 2, y, right + 1, y + thick - 1), fill=item.fill)
        bottom = y + thick
    alpha = layer.getchannel("A")
    left, top, right, bottom = alpha.getbbox()
    pad = max(2, round(item.size * 0.12))
    corners = [(left - pad, top - pad), (right + pad, top - pad), (right + pad, bottom + pad),
               (left - pad, bottom + pad)]  # fmt: skip
    x, y = item.at
    if item.angle:
        turned = layer.rotate(item.angle, resample=Image.Resampling.BICUBIC, expand=True)
        cx, cy = layer.width / 2, layer.height / 2
        rad = math.radians(-item.angle)  # Pillow turns counter-clockwise; y points down
        moved = []
        for px, py in corners:
            dx, dy = px - cx, py - cy
            moved.append((
                dx * math.cos(rad) - dy * math.sin(rad) + turned.width / 2 + x,
                dx * math.sin(rad) + dy * math.cos(rad) + turned.height / 2 + y,
            ))  # fmt: skip
        img.paste(turned, (x, y), turned)
        return tuple(moved), float(ink)
    img.paste(layer, (x, y), layer)
    return tuple((px + x, py + y) for px, py in corners), float(ink)
