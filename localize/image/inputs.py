"""The input stage: whatever image a seller has, made a drawable 8-bit RGB picture that
meets the market's image rules.

Only the formats we read are opened; the decompression-bomb guard stays on; EXIF
orientation is applied; CMYK goes to sRGB through its embedded profile; palette, alpha and
16-bit images become 8-bit RGB (a transparent one flattened onto white, and said); an
animated image gives its first frame and a warning.
Images outside the market's aspect range are padded (or cropped), never squashed;
larger ones are scaled down to the market's maximum, smaller ones refused.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from config.errors import AppError, ExitCode, echoed
from config.i18n import Text, msg
from config.markets import ImageRules
from localize.image.design import reframe

READ_FORMATS = ["JPEG", "PNG", "WEBP", "GIF", "TIFF", "BMP"]
MAX_INPUT_PIXELS = 64_000_000  # above this an image is refused, not just warned about


class ImageInputError(AppError):
    """An image that cannot be captioned: which file, and what is wrong with it."""

    exit_code = ExitCode.FAILURES

    def __init__(self, path: Path | str, problem: Text) -> None:
        self.path = str(path)
        # a message, not an f-string of one: `--lang zh` said "1x1 is too small" in English
        super().__init__(msg("{path}: {problem}", path=echoed(str(path)), problem=problem))


@dataclass
class Picture:
    """A decoded RGB image to draw on, with notes on what was changed to get it (warnings:
    look before uploading) and `info` (said, nothing to fix)."""

    image: Any  # a PIL.Image.Image in RGB mode
    notes: list[str] = field(default_factory=list)
    info: list[str] = field(default_factory=list)
    scale: float = 1.0  # px of `image` per px of the file's own picture (fit_size scaled it)
    original: tuple[int, int] | None = None  # the file's own picture's size, once fitted


def load_image(path: Path) -> Picture:
    """An RGB image ready to draw on, or ImageInputError naming the file and the problem."""
    from PIL import Image, UnidentifiedImageError

    notes: list[str] = []
    try:
        if path.stat().st_size == 0:
            raise ImageInputError(path, msg("the file is empty"))
    except FileNotFoundError:
        raise ImageInputError(path, msg("no such file")) from None
    except OSError as exc:  # a name over 255 bytes, a folder we may not enter
        raise ImageInputError(
            path, msg("cannot be read: {reason}", reason=str(exc.strerror or exc))
        ) from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(path, formats=_formats(path))
            if img.width * img.height > MAX_INPUT_PIXELS:
                raise ImageInputError(
                    path,
                    msg(
                        "{size} is too large to open safely (over {most} MP)",
                        size=f"{img.width}x{img.height}",
                        most=MAX_INPUT_PIXELS // 1_000_000,
                    ),
                )
            if getattr(img, "n_frames", 1) > 1:
                notes.append(
                    msg("animated ({frames} frames): the first frame is used", frames=img.n_frames)
                )
            img.seek(0)
            img.load()
    except ImageInputError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageInputError(
            path, msg("too many pixels to open safely (decompression bomb guard)")
        ) from None
    except UnidentifiedImageError:
        raise ImageInputError(
            path,
            msg("not an image in a format we read ({formats})", formats=", ".join(READ_FORMATS)),
        ) from None
    except (OSError, ValueError, SyntaxError, EOFError) as exc:  # what decoders raise
        raise ImageInputError(path, _damage(exc)) from None
    if img.getexif().get(0x0112, 1) != 1:  # only rotated images pay for the copy
        from PIL import ImageOps

        img = ImageOps.exif_transpose(img)
    info: list[str] = []
    return Picture(_to_rgb(img, notes, info), notes, info)


def _formats(path: Path) -> list[str]:
    """The formats to try `path` in: READ_FORMATS, without the ones whose plugin is not
    loaded yet when one that is (Pillow's common ones, loaded for saving anyway) takes the
    file. Given a format it has not loaded, Pillow loads every plugin it has (~40:
    0.04 s of a new image's 0.14 s decode) before trying the first; the file types' signatures
    exclude one another, so WebP's and TIFF's would refuse such a file all the same."""
    from PIL import Image

    Image.preinit()
    try:
        with open(path, "rb") as file:
            prefix = file.read(16)
    except OSError:  # Image.open says what is wrong with it
        return READ_FORMATS
    loaded = [f for f in READ_FORMATS if f in Image.OPEN]
    for name in loaded:
        accept = Image.OPEN[name][1]
        taken = True if accept is None else accept(prefix)
        if taken and not isinstance(taken, str):  # (a string: refused, with a reason)
            return loaded
    return READ_FORMATS


def _damage(exc: BaseException) -> Text:
    message = str(exc)
    if "truncated" in message.lower() or "broken" in message.lower():
        return msg("the image is truncated or damaged")
    if "too large" in message.lower():  # a metadata chunk that would inflate without end
        return msg("a part of the file is too large to read safely ({reason})", reason=message)
    return msg("cannot be read: {reason}", reason=message or type(exc).__name__)


def _to_rgb(img: Any, notes: list[str], info: list[str] | None = None) -> Any:
    """`img` as 8-bit RGB; what had to be changed is added to `notes` (warnings) or `info`."""
    from PIL import Image

    if img.mode == "CMYK":
        from PIL import ImageCms  # (only a CMYK image pays for its import)

        profile = img.info.get("icc_profile")
        if profile:
            try:
                src = ImageCms.ImageCmsProfile(io.BytesIO(profile))
                return ImageCms.profileToProfile(
                    img, src, ImageCms.createProfile("sRGB"), outputMode="RGB"
                )
            except (ImageCms.PyCMSError, OSError):
                notes.append(msg("CMYK with an unreadable colour profile: converted plainly"))
        return img.convert("RGB")
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        return img.point(lambda v: v / 256).convert("L").convert("RGB")
    if img.mode == "F":
        return img.convert("L").convert("RGB")
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        alpha = rgba.getchannel("A")
        base = Image.new("RGB", rgba.size, (255, 255, 255))
        base.paste(rgba, mask=alpha)
        if info is not None and alpha.getextrema()[0] < 255:  # (all opaque: nothing changed)
            # every stage after this draws in RGB and a .jpg has no alpha; white is the
            # background TikTok Shop advises for a main image: flattened, and said (a
            # stranger's product cut-out came back on white, nothing saying so)
            info.append(
                msg(
                    "it has transparent parts: they are flattened onto white (the file "
                    "written has no transparency)"
                )
            )
        return base
    return img.convert("RGB") if img.mode != "RGB" else img


def fit_size(picture: Picture, path: Path, rules: ImageRules, aspect: str = "pad") -> Picture:
    """Refuse images under the market's minimum side; bring the others into the market's
    aspect range (padded, or cropped when `aspect` is "crop"; never squashed) and scale
    down those over its maximum, keeping their proportions."""
    from PIL import Image

    img = picture.image
    w, h = img.size
    if w < rules.min_px or h < rules.min_px:
        raise ImageInputError(
            path,
            msg(
                "{size} is too small: TikTok Shop needs at least {least}; use a larger original",
                size=f"{w}x{h}",
                least=f"{rules.min_px}x{rules.min_px}",
            ),
        )
    notes = list(picture.notes)
    frame = reframe(w, h, rules.min_aspect, rules.max_aspect, aspect)
    if frame.crop is not None:
        img = img.crop(frame.crop)
    framed = frame.canvas or img.size
    scale = min(1.0, rules.max_px / max(framed))

    def scaled(n: int) -> int:
        return max(1, round(n * scale))

    if scale < 1.0:  # the picture itself scaled, never a padded frame (a 40000x400 strip
        # padded at full size was 40000x29999, 3.6 GB, then scaled to 4000x3000)
        img = img.resize((scaled(img.width), scaled(img.height)), Image.Resampling.LANCZOS)
    if frame.canvas is not None:  # padded in the frame written, in the original's edge colour
        canvas = Image.new(
            "RGB", (scaled(framed[0]), scaled(framed[1])), _edge_colour(picture.image)
        )
        left = min(round(frame.offset[0] * scale), canvas.width - img.width)
        top = min(round(frame.offset[1] * scale), canvas.height - img.height)
        canvas.paste(img, (left, top))
        img = canvas
    if frame.changed:  # said after scaling: the note names the size of the file written
        figures = {
            "size": f"{w}x{h}",
            "least": f"{rules.min_aspect:g}",
            "most": f"{rules.max_aspect:g}",
            "framed": f"{framed[0]}x{framed[1]}",
            "scaled": f"{img.width}x{img.height}",
        }
        if frame.crop and img.size != framed:
            said = msg(
                "{size} is outside the {least}-{most} aspect range TikTok Shop crops to: "
                "cropped to {framed}, scaled to {scaled}",
                **figures,
            )
        elif frame.crop:
            said = msg(
                "{size} is outside the {least}-{most} aspect range TikTok Shop crops to: "
                "cropped to {framed}",
                **figures,
            )
        elif img.size != framed:
            said = msg(
                "{size} is outside the {least}-{most} aspect range TikTok Shop crops to: "
                "padded to {framed}, scaled to {scaled}",
                **figures,
            )
        else:
            said = msg(
                "{size} is outside the {least}-{most} aspect range TikTok Shop crops to: "
                "padded to {framed}",
                **figures,
            )
        notes.append(said)
    return Picture(img, notes, list(picture.info), scale, (w, h))


def _edge_colour(img: Any) -> tuple[int, ...]:
    """The average colour of the image's border: padding in it looks like more background."""
    from PIL import ImageStat

    w, h = img.size
    strips = [(0, 0, w, 1), (0, h - 1, w, h), (0, 0, 1, h), (w - 1, 0, w, h)]
    means = [ImageStat.Stat(img.crop(box)).mean for box in strips]
    return tuple(round(sum(m[c] for m in means) / len(means)) for c in range(3))


def open_for_drawing(path: Path, rules: ImageRules, aspect: str = "pad") -> Picture:
    """The whole input stage: read, validate, orient, make RGB, fit to the market's rules."""
    return fit_size(load_image(path), path, rules, aspect)


# px: the short side of a picture's own content, as the OCR's detection copy of the fitted
# frame holds it, under which its text may be too small there to be found (a 40000x400
# strip is 10 px high in it, its 80 px text 2 px: "0 of 0 text region(s) replaced")
LEAST_SEEN = 128
MOST_SHEETS = 16  # detections a long strip is read again in, at most (then read smaller)
SHEET_GAP = 24  # px between the pieces of a strip laid on one sheet


def text_lost_in_fitting(path: Path, picture: Picture, found: Sequence[Any], detector: Any) -> None:
    """ImageInputError naming the file when the Chinese on it was lost to fitting it: a
    picture so long and narrow that, fitted to the market's size, its text is too small to
    be read, while the file read at its own size has Chinese on it (`sheets`). Nothing is
    read again when the fitted picture's Chinese was found (`found`: its regions) or its
    content is large enough in the detection copy for it to be."""
    from localize.image.ocr import DETECT_SIDE

    if picture.original is None or any(r.chinese for r in found):
        return
    w, h = picture.original
    seen = min(1.0, DETECT_SIDE / max(picture.image.size)) * picture.scale * min(w, h)
    if seen >= LEAST_SEEN:
        return
    own = load_image(path).image  # (at most MAX_INPUT_PIXELS; the fitted frame is not padded)
    for sheet, k in sheets(own, DETECT_SIDE):
        chinese = [r for r in detector.detect(sheet) if r.chinese and r.confident]
        if chinese:
            size = max(min(r.box[2] - r.box[0], r.box[3] - r.box[1]) for r in chinese) / k
            figures = {
                "px": max(1, round(size * picture.scale)),
                "size": f"{picture.image.width}x{picture.image.height}",
            }
            raise ImageInputError(
                path,
                msg(
                    "its text would be {px} px after scaling to fit {size}: too small to "
                    "read; crop it into parts",
                    **figures,
                )
                if picture.scale < 1.0
                else msg(  # only padded: its text as small on the frame written
                    "its text is {px} px on the {size} frame it is padded to: too small to "
                    "read; crop it into parts",
                    **figures,
                ),
            )


def sheets(img: Any, side: int) -> Any:
    """A long narrow `img` cut into pieces `side` px long (each overlapping the next by half
    its short side, so that no character is cut in both) laid side by side on sheets of
    about `side` x `side`, the pieces of a wide picture one above another, a tall one's
    one beside another: its text at its own size, read in a few detections rather than one
    of the whole strip squeezed to `side` px. Each sheet with the scale it was read at (1,
    or less for a picture whose sheets would be over MOST_SHEETS)."""
    from PIL import Image

    k = min(1.0, (MOST_SHEETS * side * side / 2 / (img.width * img.height)) ** 0.5)
    if k < 1.0:
        img = img.resize((max(1, round(img.width * k)), max(1, round(img.height * k))))
    wide = img.width >= img.height
    long, short = max(img.size), min(img.size)
    piece, step = min(long, side), max(1, min(long, side) - short // 2)
    starts = list(range(0, max(1, long - short // 2), step))
    per = max(1, (side + SHEET_GAP) // (short + SHEET_GAP))
    for first in range(0, len(starts), per):
        group = starts[first : first + per]
        across = len(group) * (short + SHEET_GAP) - SHEET_GAP
        sheet = Image.new("RGB", (piece, across) if wide else (across, piece), (255, 255, 255))
        for n, start in enumerate(group):
            end = min(long, start + piece)
            at = n * (short + SHEET_GAP)
            if wide:
                sheet.paste(img.crop((start, 0, end, short)), (0, at))
            else:
                sheet.paste(img.crop((0, start, short, end)), (at, 0))
        yield sheet, k
