"""The drawing stage: a caption in the buyer's language drawn on a product image in the
shop's style (band, badge or outline), sized from the image, inside the area every TikTok
crop shows, over the calmer of top and bottom, legible over whatever it covers.

Fonts, word breaking and shaping follow the language's script (markets.toml), not its code.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from localize.image import colors, design, fonts
from localize.image.fit import Fit, FitSpec, fit, glue_closing, latin_units

TRUNCATED_WARNING = "caption truncated: a reviewer should shorten it"


STYLES = ("band", "badge", "outline")


@dataclass(frozen=True)
class Layout:
    """How the caption looks and where it goes: a style, a brand colour, a weight, top or
    bottom (or "auto": the calmer one), sized from the area every TikTok crop shows."""

    position: str = "auto"  # auto | bottom | top
    style: str = "band"  # band | badge | outline
    colour: tuple[int, int, int] | None = None  # the band, the badge, or the outlined text
    weight: int = fonts.BOLD
    margin: float = 0.05  # of the safe area's shorter side, kept clear on every edge
    band_height: float = 0.26  # of the safe area's height, at most
    padding: float = 0.025  # of the safe area's shorter side, between band edge and text
    text_size: float = 0.09  # the largest font size, of the safe area's shorter side
    min_text_size: float = 0.032  # the smallest before truncating
    spec: FitSpec = FitSpec()  # lines and line spacing (sizes come from the image)


@dataclass(frozen=True)
class Captioned:
    """What was drawn, for the reviewer and the summary."""

    size: int
    lines: tuple[str, ...]
    truncated: bool
    band: tuple[int, int, int, int]  # left, top, right, bottom
    contrast: float

    @property
    def warnings(self) -> tuple[str, ...]:
        """What a reviewer should know about the drawing."""
        return (TRUNCATED_WARNING,) if self.truncated else ()


@dataclass(frozen=True)
class Caption:
    """The caption drawing: `text` in `language`, written in `script`, placed by `layout`."""

    text: str
    language: str
    script: str
    layout: Layout = Layout()

    def draw(self, img: Any) -> Captioned:
        """Draw the caption on `img` in place."""
        return draw_caption(img, self.text, self.language, self.script, self.layout)


# Scripts written without spaces between words: lines break at a word segmenter's bounds.
WORD_SEGMENTED = frozenset({"thai"})


def break_units(text: str, script: str) -> list[str]:
    """Where lines may break: Thai word boundaries from pythainlp, else spaces; never
    before closing punctuation (a comma, a full stop, a closing bracket)."""
    if script in WORD_SEGMENTED:
        from pythainlp.tokenize import word_tokenize

        tokens = [t for t in word_tokenize(text, engine="newmm", keep_whitespace=True) if t]
        return glue_closing(tokens)
    return glue_closing(latin_units(text))


@functools.lru_cache(maxsize=256)
def _fit(
    caption: str, script: str, font: Path, width: int, height: int, spec: FitSpec, weight: int
) -> Fit:
    """The fit for a caption in a box; a batch of same-sized photos computes it once."""

    def measure(text: str, size: int) -> float:
        return fonts.load(font, size, weight).getlength(text)

    return fit(break_units(caption, script), measure, width, height, spec)


def fit_caption(
    caption: str, script: str, width: int, height: int, spec: FitSpec, weight: int = fonts.BOLD
) -> Fit:
    """The size and lines of `caption` in the script's font within a box."""
    return _fit(caption, script, fonts.font_for(script).path, width, height, spec, weight)


def validate_caption(caption: str, script: str) -> str:
    """The caption as it will be drawn (NFC, spaces folded), or FontError saying why not."""
    caption = unicodedata.normalize("NFC", " ".join(caption.split()))
    if not caption:
        raise fonts.FontError("the caption is empty")
    fonts.check_coverage(caption, fonts.font_for(script))
    fonts.require_shaping(script)
    return caption


def draw_caption(
    img: Any, caption: str, language: str, script: str, layout: Layout = Layout()
) -> Captioned:
    """Draw `caption` on `img` (in place) inside the area every crop shows, over the
    calmer of top and bottom unless the layout fixes it."""
    from PIL import ImageDraw

    caption = validate_caption(caption, script)
    choice = fonts.font_for(script)
    safe = design.safe_area(*img.size)
    short = min(safe[2] - safe[0], safe[3] - safe[1])
    margin, pad = round(short * layout.margin), round(short * layout.padding)
    area = (safe[0] + margin, safe[1] + margin, safe[2] - margin, safe[3] - margin)
    band_h = round((safe[3] - safe[1]) * layout.band_height)
    box_w, box_h = area[2] - area[0] - 2 * pad, band_h - 2 * pad
    low = max(8, min(round(short * layout.min_text_size), box_h))
    spec = FitSpec(
        max_size=max(low, min(round(short * layout.text_size), box_h)),
        min_size=low,
        max_lines=layout.spec.max_lines,
        line_spacing=layout.spec.line_spacing,
    )
    result = _fit(caption, script, choice.path, box_w, box_h, spec, layout.weight)
    font = fonts.load(choice.path, result.size, layout.weight)
    used = min(band_h, result.height(spec) + 2 * pad)
    tops = {"top": area[1], "bottom": area[3] - used}
    position = design.choose_position(
        layout.position,
        *(detail(img, (area[0], tops[p], area[2], tops[p] + used)) for p in ("top", "bottom")),
    )
    band = (area[0], tops[position], area[2], tops[position] + used)
    if layout.style == "badge":  # only as wide as the longest line
        widest = max(font.getlength(line) for line in result.lines)
        middle, half = (band[0] + band[2]) / 2, min(box_w, widest) / 2 + pad
        band = (round(middle - half), band[1], round(middle + half), band[3])
    ink = _paint(img, band, layout, result.size, pad)
    draw = ImageDraw.Draw(img)
    line_h = result.size * spec.line_spacing
    y = band[1] + pad + (band[3] - band[1] - 2 * pad - line_h * len(result.lines)) / 2
    for line in result.lines:
        draw.text(
            ((band[0] + band[2]) / 2, y + line_h / 2),
            line,
            font=font,
            fill=ink.text,
            anchor="mm",
            stroke_width=ink.stroke,
            stroke_fill=ink.stroke_fill,
            language=language if fonts.needs_shaping(script) else None,
        )
        y += line_h
    return Captioned(result.size, result.lines, result.truncated, band, ink.contrast)


def detail(img: Any, box: tuple[int, int, int, int]) -> float:
    """How busy a part of the image is: the mean gradient magnitude of its grey levels,
    measured on a small copy (the decision needs no more)."""
    import numpy as np

    region = img.crop(box).convert("L")
    region.thumbnail((160, 160))
    a = np.asarray(region, dtype=np.float32)
    if a.shape[0] < 2 or a.shape[1] < 2:
        return 0.0
    gy, gx = np.diff(a, axis=0)[:, :-1], np.diff(a, axis=1)[:-1, :]
    return float(np.hypot(gx, gy).mean())


@dataclass(frozen=True)
class _Ink:
    text: colors.RGB
    stroke: int
    stroke_fill: colors.RGB
    contrast: float


def _paint(img: Any, band: tuple[int, int, int, int], layout: Layout, size: int, pad: int) -> _Ink:
    """Lay the style's background (if any) over `band`; the colours the text is drawn in."""
    from PIL import Image, ImageDraw

    if layout.style == "outline":
        fill = layout.colour or colors.WHITE
        edge = colors.readable_on(fill)
        return _Ink(fill, max(2, size // 9), edge, colors.contrast(fill, edge))
    if layout.colour is not None:
        text = colors.readable_on(layout.colour)
        palette = colors.Palette(text, layout.colour, 0.92 if layout.style == "band" else 1.0, 0)
        lo, hi = img.crop(band).convert("L").getextrema()
        worst = min(
            colors.contrast(text, colors.blend(layout.colour, (v, v, v), palette.alpha))
            for v in (lo, hi)
        )
        palette = colors.Palette(text, layout.colour, palette.alpha, worst)
    else:
        lo, hi = img.crop(band).convert("L").getextrema()
        palette = colors.choose((hi, hi, hi), (lo, lo, lo))
    under = img.crop(band)
    veil = Image.blend(under, Image.new("RGB", under.size, palette.band), palette.alpha)
    if layout.style == "badge":  # rounded corners: the photo shows outside them
        mask = Image.new("L", under.size, 0)
        ImageDraw.Draw(mask).rounded_rectangle(
            (0, 0, under.size[0] - 1, under.size[1] - 1), radius=max(2, pad), fill=255
        )
        img.paste(veil, band[:2], mask)
    else:
        img.paste(veil, band[:2])
    return _Ink(palette.text, 0, palette.band, palette.worst_contrast)
