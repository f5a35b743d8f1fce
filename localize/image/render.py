"""Captions drawn onto product images, from whatever images sellers have.

Input: only the formats we read are opened; the decompression-bomb guard stays on; EXIF
orientation is applied; CMYK goes to sRGB through its embedded profile; palette, alpha and
16-bit images become 8-bit RGB; an animated image gives its first frame and a warning.
Output: JPEG or PNG within TikTok Shop's rules (300-4000 px, <= 5 MB), larger inputs scaled
down, smaller ones refused; written to a temporary file and renamed into place.
"""

from __future__ import annotations

import functools
import io
import os
import re
import tempfile
import unicodedata
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from config.errors import AppError, ExitCode
from localize.image import colors, fonts
from localize.image.fit import Fit, FitSpec, fit, latin_units

READ_FORMATS = ["JPEG", "PNG", "WEBP", "GIF", "TIFF", "BMP"]
MAX_INPUT_PIXELS = 64_000_000  # above this an image is refused, not just warned about
MIN_PX, MAX_PX, MAX_BYTES = 300, 4000, 5 * 1024 * 1024


class ImageInputError(AppError):
    """An image that cannot be captioned: which file, and what is wrong with it."""

    exit_code = ExitCode.FAILURES

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = str(path)
        super().__init__(f"{path}: {problem}")


@dataclass(frozen=True)
class Layout:
    """Where the caption goes: a band at the bottom or top, inside safe margins."""

    position: str = "bottom"  # bottom | top
    margin: float = 0.05  # of the shorter side, kept clear on every edge
    band_height: float = 0.26  # of the image height, at most
    padding: float = 0.025  # of the shorter side, between band edge and text
    spec: FitSpec = FitSpec()


@dataclass
class Captioned:
    """What was drawn, for the reviewer and the summary."""

    size: int
    lines: tuple[str, ...]
    truncated: bool
    band: tuple[int, int, int, int]  # left, top, right, bottom
    contrast: float
    warnings: list[str] = field(default_factory=list)


def load_image(path: Path) -> tuple[object, list[str]]:
    """An RGB image ready to draw on, and warnings about what was changed to get it."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    notes: list[str] = []
    try:
        if path.stat().st_size == 0:
            raise ImageInputError(path, "the file is empty")
    except FileNotFoundError:
        raise ImageInputError(path, "no such file") from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(path, formats=READ_FORMATS)
            if img.width * img.height > MAX_INPUT_PIXELS:
                raise ImageInputError(
                    path,
                    f"{img.width}x{img.height} is too large to open "
                    f"safely (over {MAX_INPUT_PIXELS // 1_000_000} MP)",
                )
            if getattr(img, "n_frames", 1) > 1:
                notes.append(f"animated ({img.n_frames} frames): the first frame is used")
            img.seek(0)
            img.load()
    except ImageInputError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageInputError(
            path, "too many pixels to open safely (decompression bomb guard)"
        ) from None
    except UnidentifiedImageError:
        raise ImageInputError(
            path, f"not an image in a format we read ({', '.join(READ_FORMATS)})"
        ) from None
    except OSError as exc:
        message = str(exc)
        if "truncated" in message or "broken" in message.lower():
            raise ImageInputError(path, "the image is truncated or damaged") from None
        raise ImageInputError(path, f"cannot be read: {message}") from None
    if img.getexif().get(0x0112, 1) != 1:  # only rotated images pay for the copy
        img = ImageOps.exif_transpose(img)
    return _to_rgb(img, notes), notes


def _to_rgb(img, notes: list[str]):  # type: ignore[no-untyped-def]
    from PIL import Image, ImageCms

    if img.mode == "CMYK":
        profile = img.info.get("icc_profile")
        if profile:
            try:
                src = ImageCms.ImageCmsProfile(io.BytesIO(profile))
                return ImageCms.profileToProfile(
                    img, src, ImageCms.createProfile("sRGB"), outputMode="RGB"
                )
            except (ImageCms.PyCMSError, OSError):
                notes.append("CMYK with an unreadable colour profile: converted plainly")
        return img.convert("RGB")
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        return img.point(lambda v: v / 256).convert("L").convert("RGB")
    if img.mode == "F":
        return img.convert("L").convert("RGB")
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        base = Image.new("RGB", rgba.size, (255, 255, 255))
        base.paste(rgba, mask=rgba.getchannel("A"))
        return base
    return img.convert("RGB") if img.mode != "RGB" else img


def fit_size(img, path: Path):  # type: ignore[no-untyped-def]
    """Refuse images under 300 px; scale down those over 4000 px."""
    from PIL import Image

    w, h = img.size
    if w < MIN_PX or h < MIN_PX:
        raise ImageInputError(
            path,
            f"{w}x{h} is too small: TikTok Shop needs at least "
            f"{MIN_PX}x{MIN_PX}; use a larger original",
        )
    if max(w, h) > MAX_PX:
        scale = MAX_PX / max(w, h)
        img = img.resize(
            (max(MIN_PX, round(w * scale)), max(MIN_PX, round(h * scale))), Image.Resampling.LANCZOS
        )
    return img


def break_units(text: str, language: str) -> list[str]:
    """Where lines may break: Thai word boundaries from pythainlp, else spaces."""
    if language == "th":
        from pythainlp.tokenize import word_tokenize

        return [t for t in word_tokenize(text, engine="newmm", keep_whitespace=True) if t]
    return latin_units(text)


@functools.lru_cache(maxsize=256)
def _fit(caption: str, language: str, font: Path, width: int, height: int, spec: FitSpec) -> Fit:
    """The fit for a caption in a box; a batch of same-sized photos computes it once."""

    def measure(text: str, size: int) -> float:
        return fonts.load(font, size).getlength(text)

    return fit(break_units(caption, language), measure, width, height, spec)


def validate_caption(caption: str, language: str) -> str:
    """The caption as it will be drawn (NFC, spaces folded), or FontError saying why not."""
    caption = unicodedata.normalize("NFC", " ".join(caption.split()))
    if not caption:
        raise fonts.FontError("the caption is empty")
    fonts.check_coverage(caption, fonts.font_for(language))
    fonts.require_shaping(language)
    return caption


def draw_caption(
    img,
    caption: str,
    language: str,
    layout: Layout = Layout(),  # type: ignore[no-untyped-def]
) -> Captioned:
    """Draw `caption` in a band on `img` (in place); never outside the safe margins."""
    from PIL import Image, ImageDraw, ImageStat

    caption = validate_caption(caption, language)
    choice = fonts.font_for(language)
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

    result = _fit(caption, language, choice.path, box_w, box_h, spec)
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
            language=language if language == "th" else None,
        )
        y += line_h
    return Captioned(result.size, result.lines, result.truncated, band, palette.worst_contrast)


def save(img, out: Path, fmt: str) -> int:  # type: ignore[no-untyped-def]
    """Write atomically as JPEG or PNG under 5 MB; returns the bytes written."""
    fmt = fmt.upper()
    for quality in (92, 85, 78, 70, 60):
        buf = io.BytesIO()
        if fmt == "PNG":
            img.save(buf, "PNG", optimize=False, compress_level=6)
        else:
            img.save(buf, "JPEG", quality=quality, optimize=True, progressive=True)
        if buf.tell() <= MAX_BYTES or fmt == "PNG" and quality == 60:
            break
        if fmt == "PNG":
            fmt = "JPEG"  # a PNG over 5 MB becomes a JPEG
    if buf.tell() > MAX_BYTES:
        raise ImageInputError(out, "cannot be saved under 5 MB")
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(buf.getvalue())
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return buf.tell()


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(name: str, suffix: str) -> str:
    """A file name from a SKU or product id that cannot leave its folder."""
    cleaned = _UNSAFE.sub("_", name).strip("._") or "image"
    return cleaned[:100] + suffix


def inside(folder: Path, name: str) -> Path:
    """`folder / name`, refusing anything that would resolve outside `folder`."""
    target = (folder / name).resolve()
    if folder.resolve() not in target.parents:
        raise ImageInputError(name, f"would be written outside {folder}")
    return target


def caption_file(
    src: Path, out: Path, caption: str, language: str, layout: Layout = Layout()
) -> dict[str, object]:
    """Load, caption and save one image; a plain dict for the process pool."""
    img, notes = load_image(src)
    img = fit_size(img, src)
    result = draw_caption(img, caption, language, layout)
    fmt = "PNG" if out.suffix.lower() == ".png" else "JPEG"
    written = save(img, out, fmt)
    return {
        "input": str(src),
        "output": str(out),
        "size": result.size,
        "lines": list(result.lines),
        "truncated": result.truncated,
        "contrast": round(result.contrast, 2),
        "bytes": written,
        "warnings": notes
        + (["caption truncated: a reviewer should shorten it"] if result.truncated else []),
    }
