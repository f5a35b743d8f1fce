"""Test images made on the spot: a photo-like picture and every kind of hostile input."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

from PIL import Image, ImageDraw

from localize.image.ocr import Region


def photo(size: tuple[int, int] = (600, 600), seed: int = 0) -> Image.Image:
    """A deterministic, busy, photo-like RGB picture."""
    w, h = size
    img = Image.new("RGB", size, (200, 180, 150))
    draw = ImageDraw.Draw(img)
    for i in range(0, max(w, h), 24):
        draw.line((0, i, w, h - i), fill=((255 - i // 3 + seed) % 256, i // 3 % 256, 120), width=8)
    draw.ellipse((w // 4, h // 5, w // 2, h // 2), fill=(250, 250, 245))
    return img


def save(img: Image.Image, path: Path, **kw) -> Path:  # type: ignore[no-untyped-def]
    img.save(path, **kw)
    return path


def chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk: length, type, data, CRC."""
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def huge_png_header(path: Path, width: int, height: int) -> Path:
    """A tiny file whose header claims an enormous image (a decompression bomb)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + chunk(b"IEND", b"")
    )
    return path


def _png_parts() -> tuple[bytes, bytes, bytes]:
    """A photo as PNG split around its one IDAT chunk: (before, idat data, after)."""
    buf = io.BytesIO()
    photo().save(buf, "PNG")
    png = buf.getvalue()
    start = png.index(b"IDAT") - 4
    length = struct.unpack(">I", png[start : start + 4])[0]
    return png[:start], png[start + 8 : start + 8 + length], png[start + 12 + length :]


def png_with_corrupt_later_chunk(path: Path) -> Path:
    """A PNG whose header and first image chunk are sound and whose second one is garbled:
    it opens, and fails only while its pixels are decoded."""
    before, data, after = _png_parts()
    half = len(data) // 2
    garbled = bytes(b ^ 0x5A if i % 7 == 0 else b for i, b in enumerate(data[half:]))
    path.write_bytes(before + chunk(b"IDAT", data[:half]) + chunk(b"IDAT", garbled) + after)
    return path


def png_with_huge_ztxt(path: Path) -> Path:
    """A PNG carrying a compressed text chunk that inflates to 50 MB (a metadata bomb)."""
    before, data, after = _png_parts()
    ztxt = chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(b"a" * 50_000_000))
    path.write_bytes(before + ztxt + chunk(b"IDAT", data) + after)
    return path


def cjk_font(size: int):  # type: ignore[no-untyped-def]
    """Noto Sans CJK SC (a test dependency: noto-cjk-sans-otc) at a size."""
    from noto_cjk_sans_otc import FONT_PATH
    from PIL import ImageFont

    return ImageFont.truetype(str(FONT_PATH), size, index=2)  # 2: Simplified Chinese


def gradient(size: tuple[int, int]) -> Image.Image:
    """A smooth left-to-right, top-to-bottom colour gradient."""
    w, h = size
    img = Image.new("RGB", size)
    img.putdata(
        [
            (80 + 150 * x // w, 120 + 100 * y // h, 220 - 120 * x // w)
            for y in range(h)
            for x in range(w)
        ]
    )
    return img


def with_chinese(
    background: Image.Image,
    texts: list[tuple[str, tuple[int, int], int]],
    *,
    fill: tuple[int, int, int] = (200, 20, 20),
    outline: tuple[int, int, int] | None = None,
    angle: float = 0.0,
) -> Image.Image:
    """`background` with each (text, top-left, size) drawn in Chinese, optionally outlined
    or rotated by `angle` degrees about its own centre, as supplier images carry it."""
    img = background.copy()
    for text, (x, y), size in texts:
        font = cjk_font(size)
        stroke = max(2, size // 12) if outline else 0
        left, top, right, bottom = font.getbbox(text, stroke_width=stroke)
        layer = Image.new("RGBA", (right + stroke * 2, bottom + stroke * 2), (0, 0, 0, 0))
        ImageDraw.Draw(layer).text(
            (stroke, stroke), text, font=font, fill=fill, stroke_width=stroke, stroke_fill=outline
        )
        if angle:
            layer = layer.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True)
        img.paste(layer, (x, y), layer)
    return img


def product_shot(
    size: tuple[int, int] = (800, 800), *, with_text: bool = True
) -> tuple[Image.Image, dict[str, tuple[str, tuple[int, int, int, int]]]]:
    """A supplier's studio shot: a blue bottle with a cream label on white, its own
    printing on the label, a Chinese headline and a yuan price laid beside it, and a slogan
    straddling the bottle's edge; with each text's (text, box) by name (`with_text` False:
    the same shot with no text drawn, the boxes still given)."""
    w, h = size
    img = Image.new("RGB", size, (255, 255, 255))
    draw = ImageDraw.Draw(img)
    sx, sy = w / 800, h / 800
    body = (round(300 * sx), round(220 * sy), round(500 * sx), round(740 * sy))
    draw.rounded_rectangle(body, radius=round(40 * sx), fill=(40, 110, 170))
    draw.rectangle(
        (round(350 * sx), round(140 * sy), round(450 * sx), round(225 * sy)), fill=(120, 120, 125)
    )
    draw.rectangle(
        (round(318 * sx), round(380 * sy), round(482 * sx), round(560 * sy)), fill=(235, 228, 205)
    )
    texts = {
        "printing": ("保温杯", (round(345 * sx), round(420 * sy)), round(36 * sy), (60, 40, 30)),
        "headline": ("大容量包邮", (round(30 * sx), round(40 * sy)), round(60 * sy), (210, 20, 30)),
        "price": ("¥99", (round(560 * sx), round(600 * sy)), round(64 * sy), (210, 20, 30)),
        "slogan": ("限时特价", (round(420 * sx), round(270 * sy)), round(56 * sy), (230, 90, 0)),
    }
    boxes = {}
    for name, (text, (x, y), px, colour) in texts.items():
        font = cjk_font(px)
        if with_text:
            draw.text((x, y), text, font=font, fill=colour)
        left, top, right, bottom = draw.textbbox((x, y), text, font=font)
        boxes[name] = (text, (left - 3, top - 3, right + 3, bottom + 3))
    return img, boxes


class Reads:
    """A detector that reads what it is given (a real TextDetector): each of its regions
    whose ink is still on the picture it receives, in that picture's frame. It knows the
    picture without text (`plain`), finds where the picture given was cropped from, and
    reads a region when enough of its box still differs from the plain one (the glyphs, a
    part of them, a shadow's ghost). Like RapidOcrDetector, it looks for lines on a copy
    whose longest side is at most `side`: a line under `smallest` px there is not seen."""

    def __init__(
        self, plain: Image.Image, *regions: Region, side: int = 1024, smallest: int = 0
    ) -> None:
        self.plain = plain.convert("RGB")
        self.regions = list(regions)
        self.side, self.smallest = side, smallest

    def detect(self, img: Image.Image) -> list[Region]:
        """The regions whose ink is still on `img`, moved into its frame."""
        import numpy as np

        seen = np.asarray(img.convert("RGB"), np.int16)
        plain = np.asarray(self.plain, np.int16)
        x, y = self._where(seen, plain)
        scale = min(1.0, self.side / max(img.size))
        found = []
        for region in self.regions:
            left, top, right, bottom = region.box
            if (bottom - top) * scale < self.smallest:
                continue  # too small to be found at the detection's scale
            box = (
                max(left, x),
                max(top, y),
                min(right, x + img.width),
                min(bottom, y + img.height),
            )
            if box[2] - box[0] < 4 or box[3] - box[1] < 4:
                continue
            rows, cols = slice(box[1] - y, box[3] - y), slice(box[0] - x, box[2] - x)
            here = np.abs(seen[rows, cols] - plain[box[1] : box[3], box[0] : box[2]]).max(axis=2)
            if (here > INK_DIFFERS).mean() < INK_SHARE:
                continue
            points = ((box[0], box[1]), (box[2], box[1]), (box[2], box[3]), (box[0], box[3]))
            shifted = tuple((px - x, py - y) for px, py in points)
            found.append(Region(shifted, region.text, region.confidence))
        return found

    @staticmethod
    def _where(seen, plain) -> tuple[int, int]:  # type: ignore[no-untyped-def]
        """Where the picture given lies on the plain one: its top left corner."""
        import cv2
        import numpy as np

        if seen.shape == plain.shape:
            return 0, 0
        scores = cv2.matchTemplate(plain.astype(np.float32), seen.astype(np.float32), cv2.TM_SQDIFF)
        _, _, (x, y), _ = cv2.minMaxLoc(scores)
        return int(x), int(y)


INK_DIFFERS = 6  # grey levels: a pixel unlike the plain picture (a shadow's faint ghost too)
INK_SHARE = 0.02  # of a region's box: that much unlike the plain picture is read as text


def clean_plate(tmp_path: Path, img: Image.Image, detector=None, language: str = "en"):  # type: ignore[no-untyped-def]
    """`img` saved as `tmp_path / "in.png"` and its text erased by the clean-plate run
    (no translation, for `language`) into `tmp_path / "out.png"`, in this process, its
    lines found by `detector` (the real OCR when None): what the run made (its records
    under `str(tmp_path / "in.png")`)."""
    from localize.image.ocr import OcrCache
    from localize.image.pipeline import replace_text_images

    src = tmp_path / "in.png"
    img.save(src)
    return replace_text_images(
        [src],
        tmp_path / "out.png",
        language=language,
        translate=None,
        cache=OcrCache(tmp_path / "ocr"),
        detector=detector,
        workers=1,
    )


def box_on_gradient(
    size: int = 800, *, with_text: bool = True, backdrop: Image.Image | None = None
) -> tuple[Image.Image, dict[str, tuple[str, tuple[int, int, int, int]]], Image.Image]:
    """trial-img7's p4: a cereal box (a darker lid band, a white disc) standing on a
    photo-like gradient backdrop with a little sensor noise, no plain colour anywhere; its
    own printing (有机燕麦片 / 净含量500克) on the box and a headline above it; with each
    text's (text, box) by name and the box's silhouette as a mask ("L", 255 inside).
    `with_text` False: the same picture with no text drawn, the boxes still given; with a
    `backdrop` (size x size), the box stands on it instead (a photo)."""
    import numpy as np
    from PIL import ImageFilter

    s = size / 1000
    y, x = np.mgrid[0:size, 0:size] / size
    base = np.stack(
        [
            120 + 90 * y + 20 * np.sin(4 * x),
            130 + 60 * x + 20 * np.cos(6 * y),
            150 + 50 * x * y - 30 * y,
        ],
        -1,
    ) + np.random.default_rng(7).normal(0, 6, (size, size, 3))
    img = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8))
    img = img.filter(ImageFilter.GaussianBlur(1.2)) if backdrop is None else backdrop.copy()
    draw = ImageDraw.Draw(img)
    body = tuple(round(v * s) for v in (330, 330, 670, 780))  # (p4's: 900; room for a caption)
    draw.rectangle(body, fill=(240, 200, 90))
    draw.rectangle(tuple(round(v * s) for v in (330, 330, 670, 380)), fill=(200, 140, 40))
    draw.ellipse(tuple(round(v * s) for v in (420, 590, 580, 750)), fill=(250, 240, 210))
    silhouette = Image.new("L", (size, size), 0)
    ImageDraw.Draw(silhouette).rectangle(body, fill=255)
    texts = {
        "name": ("有机燕麦片", (500, 470), 44, (120, 60, 10)),
        "weight": ("净含量500克", (500, 530), 28, (120, 60, 10)),
        "headline": ("早餐好搭档", (500, 170), 84, (30, 30, 30)),
    }
    boxes = {}
    for name, (text, (cx, cy), px, colour) in texts.items():
        font = cjk_font(round(px * s))
        at = (round(cx * s), round(cy * s))
        if with_text:
            draw.text(at, text, font=font, fill=colour, anchor="mm")
        left, top, right, bottom = draw.textbbox(at, text, font=font, anchor="mm")
        boxes[name] = (text, (left - 3, top - 3, right + 3, bottom + 3))
    return img, boxes, silhouette


def detail_page(
    *, with_text: bool = True
) -> tuple[Image.Image, dict[str, tuple[str, tuple[int, int, int, int]]]]:
    """A supplier's 750x2000 detail page, drawn like trial-img10's f12: a soft room photo
    with a cup (its top rows the page's border colour), a white panel with a heading, its
    bar and a 6-line paragraph, a second photo, and a cream tip band at the foot; with each
    text's (text, box) by name, boxes in the page's own px."""
    import numpy as np
    from PIL import ImageFilter

    def room(w: int, h: int, seed: int) -> Image.Image:
        rng = np.random.default_rng(seed)
        y = np.mgrid[0:h, 0:w][0] / max(w, h)
        wall = np.stack([205 - 40 * y, 190 - 45 * y, 168 - 50 * y], -1)
        wall[int(h * 0.7) :] = (140, 100, 72)  # the floor
        img = Image.fromarray(np.clip(wall, 0, 255).astype(np.uint8))
        draw = ImageDraw.Draw(img)
        for _ in range(7):
            cx, cy = int(rng.integers(0, w)), int(rng.integers(int(h * 0.2), int(h * 0.85)))
            rx, ry = int(rng.integers(30, w // 4)), int(rng.integers(30, h // 4))
            colour = tuple(int(c) for c in rng.integers(60, 235, 3))
            draw.rounded_rectangle((cx - rx, cy - ry, cx + rx, cy + ry), 25, fill=colour)
        return img.filter(ImageFilter.GaussianBlur(6))

    img = Image.new("RGB", (750, 2000), (255, 255, 255))
    img.paste(room(750, 700, 212), (0, 0))
    pen = ImageDraw.Draw(img)
    pen.rounded_rectangle((300, 180, 450, 620), 40, fill=(70, 130, 120))  # a cup
    pen.rectangle((60, 840, 150, 848), fill=(245, 130, 40))  # the heading's bar
    img.paste(room(750, 600, 213), (0, 1260))
    pen = ImageDraw.Draw(img)
    pen.rounded_rectangle((260, 1380, 490, 1800), 50, fill=(70, 130, 120))
    pen.rectangle((0, 1880, 750, 2000), fill=(255, 240, 220))
    texts = {
        "heading": ("产品介绍", (60, 760), 56, (30, 30, 30)),
        **{
            f"line{n}": (line, (60, 880 + n * 52), 32, (80, 80, 85))
            for n, line in enumerate(
                (
                    "本款保温杯采用食品级304不锈钢内胆，",
                    "真空双层结构，保温保冷长达12小时。",
                    "杯盖采用硅胶密封圈，倒置不漏水，",
                    "随身携带更放心。杯身轻巧，",
                    "单手即可握持，通勤、旅行、",
                    "运动都适用。",
                )
            )
        },
        "tip": ("温馨提示：请勿放入微波炉加热", (136, 1922), 34, (200, 90, 30)),
    }
    boxes = {}
    for name, (text, (x, y), size, fill) in texts.items():
        font = cjk_font(size)
        left, top, right, bottom = font.getbbox(text)
        boxes[name] = (text, (x + left, y + top, x + right, y + bottom))
        if with_text:
            ImageDraw.Draw(img).text((x, y), text, font=font, fill=fill)
    return img, boxes


def lamp_in_vignette(size: int = 1000) -> tuple[Image.Image, Image.Image]:
    """trial 13's g06: a desk lamp (a dark base and arm, a white shade drawn in a thin grey
    outline) on a photo-like backdrop whose border is one colour but whose middle is lit:
    a radial vignette 60 levels brighter there, a warm glow under the shade and a soft
    shadow under the base, with a little sensor noise; and the lamp's silhouette as a mask
    ("L", 255 inside). No text: the caller letters it."""
    import numpy as np
    from PIL import ImageFilter

    s = size / 1000
    y, x = np.mgrid[0:size, 0:size]
    reach = np.clip(np.hypot(x - 500 * s, y - 455 * s) / (680 * s), 0, 1)[..., None]
    lit = np.array((250, 246, 238), float) * (1 - reach) + np.array((190, 180, 170)) * reach
    lit += np.random.default_rng(6).normal(0, 3, (size, size))[..., None]
    img = Image.fromarray(np.clip(lit, 0, 255).astype(np.uint8))

    def at(*v: float) -> tuple[int, ...]:
        return tuple(round(c * s) for c in v)

    shade = Image.new("L", img.size, 0)
    ImageDraw.Draw(shade).ellipse(at(365, 845, 635, 900), fill=110)
    shade = shade.filter(ImageFilter.GaussianBlur(25 * s))
    img = Image.composite(Image.new("RGB", img.size, (30, 30, 30)), img, shade)
    glow = Image.new("L", img.size, 0)
    ImageDraw.Draw(glow).ellipse(at(510, 390, 730, 580), fill=120)
    glow = glow.filter(ImageFilter.GaussianBlur(40 * s))
    img = Image.composite(Image.new("RGB", img.size, (255, 240, 180)), img, glow)
    silhouette = Image.new("L", img.size, 0)
    for pen, colour in ((ImageDraw.Draw(img), None), (ImageDraw.Draw(silhouette), 255)):
        pen.ellipse(at(380, 820, 620, 875), fill=colour or (40, 40, 45))
        pen.line(at(500, 845, 435, 545), fill=colour or (60, 60, 65), width=round(18 * s))
        pen.line(at(435, 545, 590, 365), fill=colour or (60, 60, 65), width=round(18 * s))
        shade_at = [at(545, 300), at(690, 345), at(655, 427), at(527, 382)]
        pen.polygon(shade_at, fill=colour or (240, 240, 235), outline=colour or (80, 80, 80))
    return img, silhouette


def struck_price() -> tuple[Image.Image, tuple[int, int, int, int]]:
    """A stranger's trial's old price: ¥99 in black, struck through its middle in red (6 px,
    5 px past the ink each side) on a light grey 1000 px page; and the ink's box."""
    from tests.imagesynth import font

    img = Image.new("RGB", (1000, 1000), (248, 248, 248))
    draw = ImageDraw.Draw(img)
    draw.text((760, 640), "¥99", font=font(60), fill=(30, 30, 30), anchor="mm")
    left, top, right, bottom = draw.textbbox((760, 640), "¥99", font=font(60), anchor="mm")
    middle = (top + bottom) // 2
    draw.line((left - 5, middle, right + 5, middle), fill=(200, 0, 0), width=6)
    return img, (left, top, right, bottom)


def lit_ellipse(with_text: bool) -> tuple[Image.Image, tuple[tuple[int, int], ...]]:
    """trial s32's 07: a skin-tone ellipse lit brighter in its middle (30 levels from its
    centre to its rim, blurred 3 px) on a light page, white 水润保湿 at 90 px across its
    upper middle; and the line's box as OCR reads it."""
    import numpy as np
    from PIL import ImageFilter

    yy, xx = np.mgrid[0:1000, 0:1000]
    rim = ((xx - 500) / 260) ** 2 + ((yy - 450) / 360) ** 2
    page = np.stack([235 - 35 * yy / 1000, 225 - 35 * yy / 1000, 215 - 35 * yy / 1000], -1)
    skin = np.stack([230 - 30 * rim, 180 - 30 * rim, 150 - 30 * rim], -1)
    px = np.where((rim < 1)[..., None], skin, page)
    img = Image.fromarray(np.clip(px, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(3))
    pen, word = ImageDraw.Draw(img), "水润保湿"
    if with_text:
        pen.text((500, 450), word, font=cjk_font(90), fill=(255, 255, 255), anchor="mm")
    left, top, right, bottom = pen.textbbox((500, 450), word, font=cjk_font(90), anchor="mm")
    box = (left - 6, top - 6, right + 6, bottom + 6)
    return img, ((box[0], box[1]), (box[2], box[1]), (box[2], box[3]), (box[0], box[3]))
