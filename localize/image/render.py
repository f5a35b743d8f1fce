"""The drawing stage: a caption in the buyer's language drawn on a product image in the
shop's style (band, badge or outline), sized from the image, inside the area every TikTok
crop shows, over the calmer of top and bottom, legible over whatever it covers.

Fonts, word breaking and shaping follow the language's script (markets.toml), not its code.
"""

from __future__ import annotations

import functools
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from config.i18n import Msg, msg
from localize.image import colors, design, fonts
from localize.image.fit import Fit, FitSpec, fit, glue_closing, latin_units

if TYPE_CHECKING:
    from localize.image.ocr import Region

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
    covers: int = 0  # px of text regions or the product under the caption
    notes: tuple[str, ...] = ()  # what was known of the image beforehand
    legible: int = 0  # px: the smallest size a caption reads at on this image's size

    @property
    def warnings(self) -> tuple[str, ...]:
        """What a reviewer should know about the drawing."""
        left, top, right, bottom = self.band
        share = self.covers / max(1, (right - left) * (bottom - top))
        covering = (
            f"caption covers {self.covers} px ({share:.0%} of the caption) of the image's "
            "text or the product: no free place was found; shorten the caption or leave "
            "this image without one",
        )
        # the floor is sized from the image: a caption there (or under it, in a band
        # too short for it) is hard to read on a phone, whatever else it got right
        small = (
            f"caption drawn at its smallest size ({self.size} px; {self.legible} px is the "
            "least that reads on this image): shorten the caption",
        )
        return (
            ((TRUNCATED_WARNING,) if self.truncated else ())
            + (covering if self.covers else ())
            + (small if self.legible and self.size <= self.legible else ())
            + self.notes
        )


@dataclass(frozen=True)
class Caption:
    """The caption drawing: `text` in `language`, written in `script`, placed by `layout`."""

    text: str
    language: str
    script: str
    layout: Layout = Layout()
    avoid: tuple[design.Box, ...] = ()  # the text regions on the image (old and redrawn)
    read_before: Path | None = None  # an OCR cache folder: regions already read, if any
    read: bool = False  # ... and the picture read (then cached) when it holds none
    say_chinese: bool = True  # False: the caller says the Chinese left itself (localize run)

    def draw(self, img: Any) -> Captioned:
        """Draw the caption on `img` in place, clear of `avoid` and the product, and of the
        text regions the OCR cache holds for this picture (read here, in the worker, only
        when `read` asks: `localize run` looks up, never reads); Chinese among them is
        warned."""
        avoid, notes = self.avoid, ()
        if self.read_before is not None:
            avoid, notes = _read_before(img, self.read_before, avoid, self.read, self.say_chinese)
        drawn = draw_caption(img, self.text, self.language, self.script, self.layout, avoid)
        return replace(drawn, notes=drawn.notes + notes) if notes else drawn


def _read_before(
    img: Any,
    folder: Path,
    avoid: tuple[design.Box, ...],
    read: bool = False,
    say_chinese: bool = True,
) -> tuple[tuple[design.Box, ...], tuple[str, ...]]:
    """`avoid` with the regions the OCR cache in `folder` holds for `img` (read now and
    cached when `read`), and a warning when some are Chinese (unless the caller says it
    itself); as given when the picture was never read."""
    from localize.image.ocr import OcrCache, RapidOcrDetector, content_key
    from localize.image.regions import occupied

    cache = OcrCache(folder)
    regions = (
        cache.regions(img, RapidOcrDetector()) if read else cache.get(content_key(img), img.size)
    )
    if not regions:
        return avoid, ()
    boxes = avoid + occupied([r.to_json() for r in regions])
    chinese = chinese_overlay(img, regions) if say_chinese else []
    if not chinese:
        return boxes, ()
    shown = ", ".join(repr(r.text) for r in chinese[:3]) + (" ..." if len(chinese) > 3 else "")
    return boxes, (
        f"the image carries Chinese text ({shown}) that a caption alone leaves: "
        "replace it (--replace-text, or replace_text = true in [shops.captions])",
    )


def chinese_overlay(img: Any, regions: Sequence[Region], *, yuan: bool = False) -> list[Region]:
    """The regions read on `img` that a buyer would see as the supplier's Chinese: Chinese
    text (and, with `yuan`, yuan prices) that is not the product's own printing (kept by
    default: nothing to replace)."""
    from localize.image.product import PRINTING
    from localize.image.regions import kinds_of
    from localize.prices import yuan_price

    chinese = [r for r in regions if r.chinese or (yuan and yuan_price(r.text) is not None)]
    if not chinese:
        return []
    kinds = kinds_of(img, chinese)
    return [r for r, kind in zip(chinese, kinds, strict=True) if kind != PRINTING]


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

    lengths: dict[tuple[str, int], float] = {}  # (the fit measures a line many times over)

    def measure(text: str, size: int) -> float:
        if (text, size) not in lengths:
            lengths[(text, size)] = fonts.load(font, size, weight).getlength(text)
        return lengths[(text, size)]

    return fit(break_units(caption, script), measure, width, height, spec)


def fit_caption(
    caption: str, script: str, width: int, height: int, spec: FitSpec, weight: int = fonts.BOLD
) -> Fit:
    """The size and lines of `caption` in the script's font within a box."""
    return _fit(caption, script, fonts.font_for(script).path, width, height, spec, weight)


def validate_caption(caption: str, script: str, language: str | None = None) -> str:
    """The caption as it will be drawn (NFC, spaces folded, a symbol the font lacks as its
    near equivalent: fonts.substitute), or FontError saying why not (one written in
    another script is asked for in `language`, the name of the one it is for)."""
    caption = unicodedata.normalize("NFC", " ".join(caption.split()))
    if not caption:
        raise fonts.FontError("the caption is empty")
    choice = fonts.font_for(script)
    # (a tick after its words, "Free delivery ✓", is left out as it always was: its
    # stand-in, a bullet, was dropped at the line's end; a caption is shown as drawn)
    caption = fonts.substitute(fonts.trailing_symbols(caption, choice)[0], choice)
    fonts.check_coverage(caption, choice, language=language)
    fonts.require_shaping(script)
    return caption


def region_text(translation: str, script: str) -> tuple[str, list[str]]:
    """A region's translation as it will be drawn, as validate_caption's, but a symbol
    the font cannot draw even as a near equivalent (a heart) is left out rather than
    refusing the region, and returned, for the image's notes to say; FontError (naming
    no caption) when it cannot be drawn even so: a letter the font lacks, or nothing left."""
    text = unicodedata.normalize("NFC", " ".join(translation.split()))
    choice = fonts.font_for(script)
    text, after = fonts.trailing_symbols(text, choice)
    text = fonts.substitute(text, choice)
    dropped = fonts.undrawable_symbols(text, choice)
    if dropped:
        text = " ".join("".join(ch for ch in text if ch not in dropped).split())
    dropped = sorted({*dropped, *after})
    if not text:
        raise fonts.FontError(f"{choice.family} cannot draw any of it")
    fonts.check_coverage(
        text,
        choice,
        what=msg("it"),
        fix=msg("the region needs a translation in the market's script, and is left as it is"),
    )
    fonts.require_shaping(script)
    return text, dropped


def dropped_note(text: str, translation: str, dropped: list[str], family: str) -> Msg:
    """What the image's notes say of a region drawn without symbols no font has."""
    return msg(
        "text {text!r}: its translation {translation!r} is drawn without {chars}, which "
        "{family} and shopbot's other fonts cannot draw; draw it by hand on the image if "
        "it matters",
        text=text,
        translation=translation,
        chars=fonts.named(dropped),
        family=family,
    )


def draw_caption(
    img: Any,
    caption: str,
    language: str,
    script: str,
    layout: Layout = Layout(),
    avoid: tuple[design.Box, ...] = (),
    *,
    clear: bool = True,
) -> Captioned:
    """Draw `caption` on `img` (in place) inside the area every crop shows, over the
    calmer of top and bottom unless the layout fixes it, and never over the text regions
    `avoid` nor what stands on the backdrop (product.foreground): when neither edge
    is free, the nearest free full-width band, then the same at the smallest size, then a
    badge in a free corner; when nothing is free, the least covering place, said in the
    result's warnings. `clear` False places it by the edges' detail alone (as captions
    were placed before they knew the image's facts: the benchmark's baseline)."""
    from PIL import ImageDraw

    caption = validate_caption(caption, script)
    choice = fonts.font_for(script)
    safe = design.safe_area(*img.size)
    short = min(safe[2] - safe[0], safe[3] - safe[1])
    margin, pad = round(short * layout.margin), round(short * layout.padding)
    area = (safe[0] + margin, safe[1] + margin, safe[2] - margin, safe[3] - margin)
    band_h = round((safe[3] - safe[1]) * layout.band_height)
    box_w, box_h = area[2] - area[0] - 2 * pad, band_h - 2 * pad
    legible = round(short * layout.min_text_size)
    low = max(8, min(legible, box_h))
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
        band = _narrowed(band, max(font.getlength(line) for line in result.lines), box_w, pad)
    covered = _covered(img, avoid) if clear else None
    covers = covered(band) if covered else 0
    notes: tuple[str, ...] = ()
    if covered and covers:
        asked = band
        band, result, spec, layout, covers = _free_place(
            caption, script, layout, spec, area, pad, box_w, box_h, position, covered
        )
        font = fonts.load(choice.path, result.size, layout.weight)
        notes = _moved(layout.position, asked, band, area, avoid)
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
    return Captioned(
        result.size,
        result.lines,
        result.truncated,
        band,
        ink.contrast,
        covers,
        notes,
        legible=legible,
    )


def _moved(
    position: str,
    asked: design.Box,
    band: design.Box,
    area: design.Box,
    avoid: tuple[design.Box, ...],
) -> tuple[str, ...]:
    """What to say when a caption asked for at one edge (`position` top or bottom, the
    seller's: --position or the shop's) is drawn in the other half, since its band there
    (`asked`) covered the image's text or the product (trial 31: 11_transparent's caption
    asked for at the top went to the bottom, silently, under the top's Chinese line)."""
    if position not in ("top", "bottom"):
        return ()
    middle = (area[1] + area[3]) / 2
    drawn = "top" if (band[1] + band[3]) / 2 < middle else "bottom"
    if drawn == position:
        return ()
    on_text = any(
        a[0] < asked[2] and asked[0] < a[2] and a[1] < asked[3] and asked[1] < a[3] for a in avoid
    )
    why = "text on the image" if on_text else "the product"
    return (
        f"caption drawn at the {drawn}, not at the {position} as asked: the {position} is "
        f"taken by {why}, which the caption would cover; look that it reads well where it "
        "is, or shorten the caption (a shorter one may fit beside it); position auto "
        "(--position, or position in [shops.captions]) places it so without this note",
    )


def _narrowed(band: design.Box, widest: float, box_w: int, pad: int) -> design.Box:
    """A band narrowed to a badge as wide as its longest line (`widest` px), about its
    middle."""
    middle, half = (band[0] + band[2]) / 2, min(box_w, widest) / 2 + pad
    return (round(middle - half), band[1], round(middle + half), band[3])


CORNER_LINES = 3  # a corner badge is half as wide as a band: it may take this many lines
AVOID_MARGIN = 0.01  # of the image's shorter side: kept clear around text and the product


def _covered(img: Any, avoid: tuple[design.Box, ...]) -> Any:
    """How many px of a box are the text regions `avoid` or the product (grown by a small
    margin), as a function of the box; None when there is nothing to avoid. Counted on a
    copy at most product.WORK_SIDE px a side (one cell of margin more, so a box that
    touches the product by a pixel is never taken as free), scaled back to px."""
    import numpy as np

    from localize.image.product import WORK_SIDE, foreground

    factor = max(1, math.ceil(max(img.size) / WORK_SIDE))
    small = img.reduce(factor) if factor > 1 else img  # a box filter: fast, and enough
    scale = small.width / img.width
    taken = foreground(np.asarray(small))
    if taken is None:
        taken = np.zeros((small.height, small.width), bool)
    grow = max(2, round(min(img.size) * AVOID_MARGIN))
    for left, top, right, bottom in avoid:
        taken[
            max(0, math.floor((top - grow) * scale)) : math.ceil((bottom + grow) * scale),
            max(0, math.floor((left - grow) * scale)) : math.ceil((right + grow) * scale),
        ] = True
    if not taken.any():
        return None
    import cv2

    taken = cv2.dilate(taken.astype(np.uint8), np.ones((3, 3), np.uint8))
    sums = np.pad(taken.astype(np.int32).cumsum(0).cumsum(1), ((1, 0), (1, 0)))
    h, w = taken.shape

    def covered(box: design.Box) -> int:
        left, top = max(0, math.floor(box[0] * scale)), max(0, math.floor(box[1] * scale))
        right, bottom = min(w, math.ceil(box[2] * scale)), min(h, math.ceil(box[3] * scale))
        if right <= left or bottom <= top:
            return 0
        cells = sums[bottom, right] - sums[top, right] - sums[bottom, left] + sums[top, left]
        return round(int(cells) / (scale * scale))

    return covered


def _free_place(
    caption: str,
    script: str,
    layout: Layout,
    spec: FitSpec,
    area: design.Box,
    pad: int,
    box_w: int,
    box_h: int,
    position: str,
    covered: Any,
) -> tuple[design.Box, Fit, FitSpec, Layout, int]:
    """Where a caption goes when its band would cover text or the product: a free
    full-width band, else a badge in a free corner, at its size, then at each size a step
    (SIZE_STEP) smaller down to the smallest, each whole before cut; else the least
    covering of them. Its box, fit, spec, layout and the px it covers. (Three sizes only,
    the largest, halfway and the smallest, left a caption at its smallest where a band a
    third larger was free: a stranger's trial, 24 px under a bottle with 34 px of room.)"""
    from dataclasses import replace

    path = fonts.font_for(script).path
    small = replace(spec, max_size=spec.min_size)
    step = max(4, (area[3] - area[1]) // 60)
    half_w = (area[2] - area[0]) // 2 - 2 * pad
    badge = replace(layout, style="badge") if layout.style == "band" else layout
    tried: list[tuple[design.Box, Fit, FitSpec, Layout, int]] = []
    for size_spec in (*_smaller(spec), small):
        result = _fit(caption, script, path, box_w, box_h, size_spec, layout.weight)
        used = result.height(size_spec) + 2 * pad
        font = fonts.load(path, result.size, layout.weight)
        # (the longest line measured once for every band: measured per band, the font's
        # lengths were half a caption's placing)
        widest = max(font.getlength(line) for line in result.lines)
        bands = [
            _narrowed(b, widest, box_w, pad) if layout.style == "badge" else b
            for b in design.stripes(area, used, position, step)
        ]
        if bands:
            tried.append((*design.free_spot(bands, covered), result, size_spec, layout))
            if _whole_and_free(tried[-1]):
                break  # the first one so: what is chosen below, whatever smaller sizes do
        corner = replace(size_spec, max_lines=max(size_spec.max_lines, CORNER_LINES))
        result = _fit(caption, script, path, half_w, box_h, corner, layout.weight)
        font = fonts.load(path, result.size, layout.weight)
        widest = round(max(font.getlength(line) for line in result.lines)) + 2 * pad
        spots = design.corners(
            area, min(widest, half_w + 2 * pad), result.height(corner) + 2 * pad, position
        )
        tried.append((*design.free_spot(spots, covered), result, corner, badge))
        if _whole_and_free(tried[-1]):
            break
    free = [t for t in tried if t[1] == 0]
    whole = [t for t in free if not t[2].truncated]
    box, n, result, chosen, drawn = (whole or free or [min(tried, key=lambda t: t[1])])[0]
    return box, result, chosen, drawn, n


def _whole_and_free(place: tuple[Any, ...]) -> bool:
    """Whether a place tried for a caption covers nothing and holds it whole: the first
    such is the one taken, so the sizes after it are not tried (each size's fit and
    bands, twice, for a choice already made: a caption's placing took twice as long once
    every size a step apart was tried)."""
    return place[1] == 0 and not place[2].truncated


SIZE_STEP = 0.88  # a caption with no free place at one size is tried this much smaller


def _smaller(spec: FitSpec) -> list[FitSpec]:
    """`spec`, then each a SIZE_STEP smaller, above its smallest size."""
    from dataclasses import replace

    specs, size = [spec], spec.max_size
    while (size := min(size - 1, math.floor(size * SIZE_STEP))) > spec.min_size:
        specs.append(replace(spec, max_size=size))
    return specs


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


GLOW_GAIN = 1.6  # a halo's strength over its blurred mask: the least it is strengthened
GLOW_MOST = 8.0  # ... and the most (thin letters blurred far leave little next to them)
GLOW_EDGE = 2  # px: the ring outside the letters where a halo is full


def halo(mask: Any, radius: float) -> Any:
    """A glow's alpha (mode "L") under letters whose alpha is `mask` (mode "L"): the mask
    blurred by a Gaussian of sigma `radius` px, strengthened so that it is full next to
    the letters (as the glow's colour was read there) and fades out over about `radius`
    px. A fixed strength left a wide glow round thin letters at half its colour: the
    blur of a 8 px stroke by 20 px is weak next to it (the kit's 09 came back dim)."""
    import cv2
    import numpy as np
    from PIL import Image, ImageFilter

    soft = np.asarray(mask.filter(ImageFilter.GaussianBlur(max(0.5, radius))), np.float32)
    letters = (np.asarray(mask) >= 128).astype(np.uint8)
    side = 2 * GLOW_EDGE + 1
    ring = (cv2.dilate(letters, np.ones((side, side), np.uint8)) > 0) & (letters == 0)
    level = float(np.median(soft[ring])) if ring.any() else 0.0
    gain = min(GLOW_MOST, max(GLOW_GAIN, 255.0 / level)) if level > 0 else GLOW_GAIN
    return Image.fromarray(np.clip(np.rint(soft * gain), 0, 255).astype(np.uint8))


def drop_shadow(mask: Any, dx: float, dy: float, blur: float) -> Any:
    """A drop shadow's alpha (mode "L") under letters whose alpha is `mask` (mode "L"): the
    mask moved by `dx`, `dy` px (right, down) and blurred by `blur` px, the same size."""
    from PIL import Image, ImageFilter

    moved = Image.new("L", mask.size, 0)
    moved.paste(mask, (round(dx), round(dy)))
    return moved.filter(ImageFilter.GaussianBlur(blur)) if blur >= 0.5 else moved
