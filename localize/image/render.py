"""The drawing stage: a caption in the buyer's language drawn in a band on a product image,
fitted to the band, never outside the safe margins, legible over whatever it covers.

Fonts, word breaking and shaping follow the language's script (markets.toml), not its code.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from localize.image import colors, fonts
from localize.image.fit import Fit, FitSpec, fit, latin_units

TRUNCATED_WARNING = "caption truncated: a reviewer should shorten it"


@dataclass(frozen=True)
class Layout:
    """Where the caption goes: a band at the bottom or top, inside safe margins."""

    position: str = "bottom"  # bottom | top
    margin: float = 0.05  # of the shorter side, kept clear on every edge
    band_height: float = 0.26  # of the image height, at most
    padding: float = 0.025  # of the shorter side, between band edge and text
    spec: FitSpec = FitSpec()


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
    """Where lines may break: Thai word boundaries from pythainlp, else spaces."""
    if script in WORD_SEGMENTED:
        from pythainlp.tokenize import word_tokenize

        return [t for t in word_tokenize(text, engine="newmm", keep_whitespace=True) if t]
    return latin_units(text)


@functools.lru_cache(maxsize=256)
def _fit(caption: str, script: str, font: Path, width: int, height: int, spec: FitSpec) -> Fit:
    """The fit for a caption in a box; a batch of same-sized photos computes it once."""

    def measure(text: str, size: int) -> float:
        return fonts.load(font, size).getlength(text)

    return fit(break_units(caption, script), measure, width, height, spec)


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
    """Draw `caption` in a band on `img` (in place); never outside the safe margins."""
    from PIL import Image, ImageDraw, ImageStat

    caption = validate_caption(caption, script)
    choice = fonts.font_for(script)
    w, h = img.size
    margin = round(min(w, h) * layout.margin)
    pad = round(min(w, h) * layout.padding)
    band_h = round(h * layout.band_height)
    top = h - margin - band_h if layout.position == "bottom" else margin
    band = (margin, top, w - margin, top + band_h)
    box_w, box_h = band[2] - band[0] - 2 * pad, band[3] - band[1] - 2 * pad
    spec = FitSpec(
        max_size=max(layout.spec.min_size, min(layout.spec.max_size, box_h)),
        min_size=max(8, min(layout.spec.min_size, box_h)),
        max_lines=layout.spec.max_lines,
        line_spacing=layout.spec.line_spacing,
    )

    result = _fit(caption, script, choice.path, box_w, box_h, spec)
    font = fonts.load(choice.path, result.size)
    # Shrink the band to the text it holds, anchored to its edge of the image.
    used = min(band_h, result.height(spec) + 2 * pad)
    band = (
        (band[0], band[3] - used, band[2], band[3])
        if layout.position == "bottom"
        else (band[0], band[1], band[2], band[1] + used)
    )
    region = img.crop(band).convert("L")
    lo, hi = region.getextrema()
    palette = colors.choose((hi, hi, hi), (lo, lo, lo))
    busy = ImageStat.Stat(region).stddev[0] > 48
    under = img.crop(band)
    img.paste(
        Image.blend(under, Image.new("RGB", under.size, palette.band), palette.alpha), band[:2]
    )
    draw = ImageDraw.Draw(img)
    line_h = result.size * spec.line_spacing
    y = band[1] + pad + (band[3] - band[1] - 2 * pad - line_h * len(result.lines)) / 2
    stroke = max(1, result.size // 18) if busy else 0
    for line in result.lines:
        x = (band[0] + band[2]) / 2
        draw.text(
            (x, y + line_h / 2),
            line,
            font=font,
            fill=palette.text,
            anchor="mm",
            stroke_width=stroke,
            stroke_fill=palette.band,
            language=language if fonts.needs_shaping(script) else None,
        )
        y += line_h
    return Captioned(result.size, result.lines, result.truncated, band, palette.worst_contrast)
