"""Synthetic supplier images, each drawn twice (with its Chinese text and without it) with
the ground truth a test or a benchmark scores an erase against: the text's boxes, the
panel or banner it sits on, the product's silhouette, and how the text was drawn (size,
weight, outline, shadow). Deterministic: the same class and seed give the same pixels.

    from tests.imagesynth import CLASSES, make
    s = make("banner", seed=0)
    s.image, s.background, s.texts[0].box, s.panel, s.product
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

SIZE = 1000
WORDS = [
    "限时特价",
    "包邮到家",
    "新品上市",
    "买一送一",
    "纯棉透气",
    "大容量保温",
    "舒适百搭",
    "正品保障",
]


@dataclass(frozen=True)
class Text:
    """One line of Chinese as drawn: its box (left, top, right, bottom, as an OCR reads
    it: the ink and a small margin) and how it was drawn."""

    text: str
    box: tuple[int, int, int, int]
    size: int
    weight: str  # regular | bold (bold: the glyphs grown by a stroke of their own colour)
    fill: tuple[int, int, int]
    outline: tuple[int, int, int] | None = None
    outline_width: int = 0
    shadow: tuple[int, int] | None = None  # the shadow's offset (dx, dy), None without one
    turned: tuple[tuple[int, int], ...] | None = None  # a turned line's polygon (OCR's)
    runs: tuple[tuple[int, int, tuple[int, int, int]], ...] = ()  # characters start..end
    # of `text` drawn in a second colour (a key word in red), that colour

    @property
    def polygon(self) -> tuple[tuple[int, int], ...]:
        """The box as an OCR polygon, clockwise from the top left."""
        if self.turned is not None:
            return self.turned
        left, top, right, bottom = self.box
        return ((left, top), (right, top), (right, bottom), (left, bottom))


@dataclass
class Synth:
    """A synthetic supplier image and its truth."""

    name: str
    image: Image.Image  # with the text (JPEG-decoded for the jpeg variants)
    background: Image.Image  # the same picture without the text, never compressed
    texts: list[Text]
    panel: tuple[int, int, int, int]  # the panel the text sits on (the whole image if none)
    product: np.ndarray | None = None  # bool, the product's silhouette
    ink: np.ndarray = field(default_factory=lambda: np.zeros((1, 1), bool))  # text's pixels

    def panel_mask(self) -> np.ndarray:
        """The panel as a boolean mask of the image."""
        mask = np.zeros((self.image.height, self.image.width), bool)
        left, top, right, bottom = self.panel
        mask[top:bottom, left:right] = True
        return mask


def font(size: int) -> ImageFont.FreeTypeFont:
    """Noto Sans CJK SC (the test extra noto-cjk-sans-otc) at `size` px."""
    from noto_cjk_sans_otc import FONT_PATH

    return ImageFont.truetype(str(FONT_PATH), size, index=2)


# backgrounds: float RGB arrays of SIZE x SIZE


def _flat(rng: np.random.Generator) -> np.ndarray:
    colour = rng.integers(150, 250, 3)
    return np.broadcast_to(colour, (SIZE, SIZE, 3)).astype(np.float32)


def _gradient(rng: np.random.Generator) -> np.ndarray:
    y, x = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32) / SIZE
    a, b = rng.uniform(40, 120, 3), rng.uniform(140, 230, 3)
    t = (0.6 * x + 0.4 * y)[..., None]
    return a + (b - a) * t


def _stripes(rng: np.random.Generator, period: float = 36.0) -> np.ndarray:
    y, x = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32)
    phase = ((x + y) / np.sqrt(2)) % period / period
    # anti-aliased bands: half the period each colour
    edge = np.clip(np.minimum(np.abs(phase - 0.25), np.abs(phase - 0.75)) * period / 1.5, 0, 1)
    inside = (np.abs(phase - 0.5) < 0.25).astype(np.float32)
    t = np.where(inside > 0, 1 - 0.5 * (1 - edge), 0.5 * (1 - edge))[..., None]
    a, b = np.array([240, 230, 215], np.float32), np.array([40, 70, 140], np.float32)
    return a + (b - a) * t


def _checks(rng: np.random.Generator, cell: int = 48) -> np.ndarray:
    y, x = np.mgrid[0:SIZE, 0:SIZE]
    on = ((x // cell + y // cell) % 2).astype(np.float32)[..., None]
    a, b = np.array([235, 235, 228], np.float32), np.array([170, 40, 50], np.float32)
    return a + (b - a) * on


def _noise(rng: np.random.Generator, cells: int, size: int = SIZE) -> np.ndarray:
    """Smooth value noise: random cells scaled up bicubically."""
    small = rng.random((cells, cells)).astype(np.float32)
    img = Image.fromarray((small * 255).astype(np.uint8)).resize((size, size), Image.BICUBIC)
    return np.asarray(img, np.float32) / 255


def _wood(rng: np.random.Generator) -> np.ndarray:
    y, x = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32)
    warp = 40 * _noise(rng, 6) + 6 * _noise(rng, 40)
    grain = np.sin((y + warp) / 7.0) * 0.5 + 0.5
    fine = _noise(rng, 200)
    t = (0.7 * grain + 0.3 * fine)[..., None]
    dark, light = np.array([110, 62, 30], np.float32), np.array([196, 140, 88], np.float32)
    return dark + (light - dark) * t


def _marble(rng: np.random.Generator) -> np.ndarray:
    """White marble with thin grey veins winding across it (d02's tray)."""
    import cv2

    y, x = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32)
    v = np.abs(np.sin((x * 0.6 + y * 0.8) / 70 + 6 * _noise(rng, SIZE // 40 + 2)))
    veins = ((1 - v) ** 8)[..., None] * np.array([1, 1, 0.9], np.float32)
    base = 236 - 90 * veins + rng.normal(0, 2.5, (SIZE, SIZE, 1)).astype(np.float32)
    return cv2.GaussianBlur(base, (0, 0), 0.8)


def _lights(
    rng: np.random.Generator, count: int, radius: tuple[int, int], colours: tuple[int, int]
) -> np.ndarray:
    """Out-of-focus lights: `count` discs of random radius and colour, blurred (bokeh)."""
    layer = Image.new("RGB", (SIZE, SIZE), (0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for _ in range(count):
        r = int(rng.integers(*radius))
        cx, cy = rng.integers(0, SIZE, 2)
        colour = tuple(int(v) for v in rng.integers(*colours, 3))
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=colour)
    return np.asarray(layer.filter(ImageFilter.GaussianBlur(14)), np.float32)


def _bokeh(rng: np.random.Generator) -> np.ndarray:
    base = _gradient(rng) * 0.7 + 40
    img = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8))
    out = np.asarray(img, np.float32) + 0.6 * _lights(rng, 60, (20, 90), (60, 200))
    return out + rng.normal(0, 1.5, out.shape).astype(np.float32)  # sensor noise


def _night(rng: np.random.Generator) -> np.ndarray:
    """A dark night photo with soft lights out of focus (a trial's e09): a navy gradient,
    blurred coloured discs, sensor noise."""
    y, x = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32) / SIZE
    base = np.stack([12 + 10 * x, 14 + 6 * y, 30 + 20 * y], -1)
    out = base + 0.7 * _lights(rng, 40, (20, 70), (80, 255))
    return out + rng.normal(0, 1.5, out.shape).astype(np.float32)


def _navy(rng: np.random.Generator) -> np.ndarray:
    """A flat dark navy (the kit's 09), with a little sensor noise."""
    base = np.broadcast_to(np.array([10, 10, 25], np.float32), (SIZE, SIZE, 3))
    return base + rng.normal(0, 1.0, (SIZE, SIZE, 3)).astype(np.float32)


def _dusk(rng: np.random.Generator) -> np.ndarray:
    """Big soft lights in four colours, half over a dark navy (a trial's 02): discs of 30-110
    px blurred 18 px, no grain, no stripes; white letters over them were filled with
    colours carried along "stripes" that are not there (green and red specks on tan)."""
    layer = Image.new("RGB", (SIZE, SIZE), (0, 0, 0))
    draw = ImageDraw.Draw(layer)
    colours = ((255, 190, 90), (255, 120, 160), (120, 180, 255), (255, 230, 150))
    for _ in range(60):
        cx, cy = (int(v) for v in rng.integers(0, SIZE, 2))
        r = int(rng.integers(30, 110))
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=colours[int(rng.integers(0, 4))])
    lights = np.asarray(layer.filter(ImageFilter.GaussianBlur(18)), np.float32)
    return 0.45 * np.array([20, 15, 40], np.float32) + 0.55 * lights


def _product(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A bottle on a light studio background, lit from the left."""
    back = np.broadcast_to(np.array([242, 242, 238], np.float32), (SIZE, SIZE, 3)).copy()
    shape = Image.new("L", (SIZE, SIZE), 0)
    draw = ImageDraw.Draw(shape)
    draw.rounded_rectangle((360, 300, 640, 950), radius=60, fill=255)
    draw.rounded_rectangle((430, 180, 570, 320), radius=20, fill=255)
    mask = np.asarray(shape) > 127
    y, x = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32)
    light = np.clip((x - 360) / 280, 0, 1)[..., None]
    body = np.array([60, 120, 190], np.float32) * (1.25 - 0.6 * light)
    back[mask] = body[mask]
    return back, mask


# the text layer


def _text_layer(
    text: str,
    size: int,
    *,
    bold: bool,
    outline_width: int,
    shadow: tuple[int, int] | None,
    fill: tuple[int, int, int],
    outline: tuple[int, int, int] | None,
    glow: tuple[int, int, int] | None = None,
    halo: tuple[float, float, float] = (0.0, 0.1, 1.6),
) -> tuple[Image.Image, tuple[int, int, int, int]]:
    """The text drawn alone on transparency, and its ink's box within the layer (a glow's
    halo is in the layer, not in the box: an OCR reads the letters)."""
    f = font(size)
    thick = max(1, size // 30) if bold else 0
    reach = outline_width + thick + (abs(shadow[0]) + abs(shadow[1]) + 6 if shadow else 0) + 4
    reach += round((halo[0] + 3 * halo[1]) * size) if glow else 0
    left, top, right, bottom = f.getbbox(text)
    w, h = right - left + 2 * reach, bottom - top + 2 * reach
    origin = (reach - left, reach - top)
    layer = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    if shadow:
        shade = Image.new("L", (w, h), 0)
        ImageDraw.Draw(shade).text(
            (origin[0] + shadow[0], origin[1] + shadow[1]),
            text,
            font=f,
            fill=200,
            stroke_width=outline_width + thick,
            stroke_fill=200,
        )
        shade = shade.filter(ImageFilter.GaussianBlur(2))
        layer = Image.composite(Image.new("RGBA", (w, h), (0, 0, 0, 255)), layer, shade)
    draw = ImageDraw.Draw(layer)
    if outline_width:
        draw.text(
            origin,
            text,
            font=f,
            fill=outline,
            stroke_width=outline_width + thick,
            stroke_fill=outline,
        )
    draw.text(origin, text, font=f, fill=fill, stroke_width=thick, stroke_fill=fill)
    alpha = np.asarray(layer)[..., 3]
    ys, xs = np.nonzero(alpha > 0)
    box = (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)
    if glow:  # a soft halo of its own colour under the letters, as e09's (1.6x, saturated):
        # their shape grown by `halo`'s first share of the size, blurred by its second
        # and strengthened by its third
        grow, blur, gain = halo
        shape = Image.fromarray(alpha)
        if grow:
            shape = Image.new("L", (w, h), 0)
            ImageDraw.Draw(shape).text(
                origin, text, font=f, fill=255, stroke_width=thick + round(grow * size),
                stroke_fill=255,
            )  # fmt: skip
        soft = shape.filter(ImageFilter.GaussianBlur(blur * size))
        strength = np.clip(np.asarray(soft, np.float32) * gain, 0, 255).astype(np.uint8)
        under = Image.new("RGBA", (w, h), (*glow, 0))
        under.putalpha(Image.fromarray(strength))
        layer = Image.alpha_composite(under, layer)
    return layer, box


@dataclass(frozen=True)
class Look:
    """How a class draws its text."""

    fill: tuple[int, int, int] = (200, 20, 20)
    outline: tuple[int, int, int] | None = None
    outline_width: int = 0
    shadow: bool = False
    sizes: tuple[int, ...] = (90, 56, 36)
    tight: bool = False  # the OCR's box hugs the letters' fill, a thick outline past it
    glow: tuple[int, int, int] | None = None  # a soft halo's colour around the letters
    halo: tuple[float, float, float] = (0.0, 0.1, 1.6)  # the glow's shape: grown by, blurred
    # by (shares of the size) and strengthened by


def _place(
    rng: np.random.Generator,
    base: np.ndarray,
    look: Look,
    slots: list[tuple[int, int]],
    count: int = 3,
) -> tuple[np.ndarray, list[Text], np.ndarray]:
    """`base` with `count` lines of text at the given top-left slots; the truth."""
    img = Image.fromarray(np.clip(np.rint(base), 0, 255).astype(np.uint8))
    texts, ink = [], np.zeros((SIZE, SIZE), bool)
    words = rng.permutation(len(WORDS))
    for n in range(count):
        size = look.sizes[n % len(look.sizes)]
        word = WORDS[int(words[n])]
        bold = n == 0
        shadow = (max(3, size // 10), max(3, size // 10)) if look.shadow else None
        layer, (l0, t0, r0, b0) = _text_layer(
            word,
            size,
            bold=bold,
            outline_width=look.outline_width,
            shadow=shadow,
            fill=look.fill,
            outline=look.outline,
            glow=look.glow,
            halo=look.halo,
        )
        x, y = slots[n]
        img.paste(layer, (x - l0, y - t0), layer)
        alpha = np.asarray(layer)[..., 3] > 0
        ys, xs = np.nonzero(alpha)
        ink[ys + y - t0, xs + x - l0] = True
        margin = max(3, size // 10)  # an OCR box: the ink and a little
        if look.tight:  # (as RapidOCR read trial d01's: its outline was past the box)
            margin = -look.outline_width
        box = (x - margin, y - margin, x + (r0 - l0) + margin, y + (b0 - t0) + margin)
        texts.append(
            Text(
                word,
                box,
                size,
                "bold" if bold else "regular",
                look.fill,
                look.outline,
                look.outline_width,
                shadow,
            )
        )
    return np.asarray(img), texts, ink


SLOTS = [(90, 110), (150, 520), (420, 800)]
GLOW = 0.1  # of the text's size: the blur of a glow's halo (e09: 12 px on 120 px letters)
# the kit's 09: pale letters in a wide, soft halo of saturated cyan on a dark navy, the
# letters grown 10 px before a blur of 16 at 140 px, at 0.9: most of the region's px are
# the halo's, and the erase read it as the letters' fill, the letters as their outline
WIDE_GLOW = (0, 255, 220)
WIDE_FILL = (220, 255, 250)
WIDE_HALO = (0.07, 0.115, 0.9)


def _plain(maker: Callable[[np.random.Generator], np.ndarray], look: Look) -> Callable:
    def build(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, list[Text], np.ndarray]:
        base = maker(rng)
        img, texts, ink = _place(rng, base, look, SLOTS)
        return img, base, texts, ink

    return build


def _banner(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, list[Text], np.ndarray]:
    """White text on a solid red band whose edges lie 2-6 px from the glyphs' ink."""
    size = 72
    word = WORDS[int(rng.integers(len(WORDS)))]
    layer, (l0, t0, r0, b0) = _text_layer(
        word, size, bold=True, outline_width=0, shadow=None, fill=(255, 255, 255), outline=None
    )
    x, y = 260, 420
    gap_top, gap_bottom = int(rng.integers(2, 7)), int(rng.integers(2, 7))
    band = (0, y - gap_top, SIZE, y + (b0 - t0) + gap_bottom)
    base = np.broadcast_to(np.array([250, 250, 250], np.float32), (SIZE, SIZE, 3)).copy()
    base[band[1] : band[3], band[0] : band[2]] = (214, 30, 42)
    # a little of the page around the band: a grey rule above, a product shape below
    base[band[1] - 60 : band[1] - 52, 100:900] = (120, 120, 120)
    img = Image.fromarray(base.astype(np.uint8))
    img.paste(layer, (x - l0, y - t0), layer)
    alpha = np.asarray(layer)[..., 3] > 0
    ink = np.zeros((SIZE, SIZE), bool)
    ys, xs = np.nonzero(alpha)
    ink[ys + y - t0, xs + x - l0] = True
    margin = size // 8  # the OCR box crosses the band's edge onto the page
    box = (x - margin, y - margin, x + (r0 - l0) + margin, y + (b0 - t0) + margin)
    texts = [Text(word, box, size, "bold", (255, 255, 255))]
    return np.asarray(img), base, texts, ink, band  # type: ignore[return-value]


def _overhang(
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, list[Text], np.ndarray, tuple[int, int, int, int]]:
    """White text on an orange band whose bottom edge cuts through the glyphs (a trial's
    shoe banner): their feet hang onto the pale page below. The panel given is the band
    and the page the feet hang on, which the erase may change."""
    size = 100
    word = WORDS[int(rng.integers(len(WORDS)))]
    layer, (l0, t0, r0, b0) = _text_layer(
        word, size, bold=False, outline_width=0, shadow=None, fill=(255, 255, 255), outline=None
    )
    x, y = 200, 300
    tall = b0 - t0
    cut = int(rng.integers(round(0.8 * tall), round(0.9 * tall)))  # the band's edge, in them
    band = (x - 30, y - 20, x + (r0 - l0) + 12, y + cut)
    base = np.broadcast_to(np.array([242, 242, 242], np.float32), (SIZE, SIZE, 3)).copy()
    base[band[1] : band[3], band[0] : band[2]] = (255, 110, 0)
    base[700:860, 250:750] = (30, 30, 35)  # the shoe
    img = Image.fromarray(base.astype(np.uint8))
    img.paste(layer, (x - l0, y - t0), layer)
    alpha = np.asarray(layer)[..., 3] > 0
    ink = np.zeros((SIZE, SIZE), bool)
    ys, xs = np.nonzero(alpha)
    ink[ys + y - t0, xs + x - l0] = True
    margin = size // 10
    box = (x - margin, y - margin, x + (r0 - l0) + margin, y + tall + margin)
    texts = [Text(word, box, size, "regular", (255, 255, 255))]
    # the band, and the page the feet hang on below it (its JPEG noise evened by a few px
    # past the band's corners is the page's own panel)
    panel = (band[0] - 8, band[1], band[2] + 8, y + tall + 8)
    return np.asarray(img), base, texts, ink, panel


def _tight_band(
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, list[Text], np.ndarray, tuple[int, int, int, int]]:
    """White text on a red band drawn 10 px around the text's box (a trial's flash-sale
    banner) on a white page, a product below: the band's edges lie where an underline
    would, and a language with marks above and below has little room."""
    size = 100
    word = WORDS[int(rng.integers(len(WORDS)))]
    f = font(size)
    x, y = 300, 150
    page = Image.new("RGB", (SIZE, SIZE), (255, 255, 255))
    draw = ImageDraw.Draw(page)
    draw.ellipse((330, 420, 670, 860), fill=(230, 200, 160))
    left, top, right, bottom = draw.textbbox((x, y), word, font=f)
    band = (left - 14, top - 10, right + 15, bottom + 11)
    draw.rectangle((band[0], band[1], band[2] - 1, band[3] - 1), fill=(220, 20, 40))
    base = np.asarray(page).astype(np.float32)
    img = page.copy()
    ImageDraw.Draw(img).text((x, y), word, font=f, fill=(255, 255, 255))
    ink = (np.asarray(img) != np.asarray(page)).any(axis=2)
    box = (left - 3, top - 3, right + 3, bottom + 3)  # an OCR's box: within the band
    texts = [Text(word, box, size, "regular", (255, 255, 255))]
    return np.asarray(img), base, texts, ink, band


def _over_product(
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, list[Text], np.ndarray, np.ndarray]:
    base, product = _product(rng)
    look = Look(fill=(230, 40, 40), sizes=(80, 60, 44))
    slots = [(250, 400), (520, 640), (80, 100)]  # across the bottle's edges, and off it
    img, texts, ink = _place(rng, base, look, slots)
    return img, base, texts, ink, product


GIFTBOX_PRINTING = (("御品金茶", 64, 650), ("特级·500克", 34, 745))  # text, size, top
GIFTBOX_OVERLAY = (
    ("臻品礼盒", 84, (330, 70)),
    ("送礼佳品", 40, (420, 200)),
    ("中秋限定", 40, (790, 905)),
)
GOLD = (214, 178, 104)


def _giftbox(
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, list[Text], np.ndarray, np.ndarray]:
    """trial-img12 g06: a navy gift box in 3/4 view (front face, lighter top, darker side)
    with two gold stripes, standing on a dark backdrop softly shaded; its own printing,
    a big gold name and a small grade and weight, centred on the front face, and overlay
    text around it (a gold headline and subline above, a corner note below right). Its
    texts: the overlay lines first, then the printing (the last two)."""
    y, x = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32) / SIZE
    shade = 34 - 16 * y - 8 * (x - 0.5) ** 2
    base = np.stack([shade, shade + 2, shade + 8], -1) + 2 * _noise(rng, 40)[..., None]
    shape = Image.new("L", (SIZE, SIZE), 0)
    faces = Image.new("RGB", (SIZE, SIZE), (0, 0, 0))
    draw, pen = ImageDraw.Draw(shape), ImageDraw.Draw(faces)
    front = [(190, 400), (630, 400), (630, 870), (190, 870)]
    top = [(190, 400), (630, 400), (730, 330), (290, 330)]
    side = [(630, 400), (730, 330), (730, 800), (630, 870)]
    for face, colour in ((front, (30, 48, 86)), (top, (44, 64, 104)), (side, (20, 32, 60))):
        draw.polygon(face, fill=255)
        pen.polygon(face, fill=colour)
    pen.rectangle((190, 520, 630, 534), fill=GOLD)
    pen.rectangle((190, 546, 630, 552), fill=GOLD)
    pen.polygon([(630, 520), (730, 450), (730, 464), (630, 534)], fill=(150, 122, 70))
    product = np.asarray(shape) > 127
    base[product] = np.asarray(faces, np.float32)[product]
    img = Image.fromarray(np.clip(np.rint(base), 0, 255).astype(np.uint8))
    clean = np.asarray(img).copy()
    lines = [(w, px, at) for w, px, at in GIFTBOX_OVERLAY]
    draw = ImageDraw.Draw(img)
    for word, px, top_y in GIFTBOX_PRINTING:  # centred on the front face
        width = draw.textbbox((0, 0), word, font=font(px))[2]
        lines.append((word, px, (410 - width // 2, top_y)))
    texts = []
    for k, (word, px, (left, top_y)) in enumerate(lines):
        bold = k in (0, 3)  # the headline and the box's name
        stroke = px // 30 if bold else 0
        draw.text((left, top_y), word, font=font(px), fill=GOLD, stroke_width=stroke,
                  stroke_fill=GOLD)  # fmt: skip
        l0, t0, r0, b0 = draw.textbbox((left, top_y), word, font=font(px), stroke_width=stroke)
        margin = max(3, px // 10)
        box = (l0 - margin, t0 - margin, r0 + margin, b0 + margin)
        texts.append(Text(word, box, px, "bold" if bold else "regular", GOLD))
    ink = (np.asarray(img) != clean).any(axis=2)
    return np.asarray(img), clean.astype(np.float32), texts, ink, product


STICKER_DISC = (660, 430, 140)  # the sticker's centre and radius: over the bottle's right edge
STICKER_LINES = (("到手价", 52, (255, 255, 255), 380), ("¥59", 96, (255, 230, 60), 470))
BOTTLE_NAME = ("冷萃咖啡", 44, (390, 640, 610, 780))  # text, size, the label it is centred on


def _product_sticker(
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, list[Text], np.ndarray, np.ndarray]:
    """The kit's 06 (trial s31, defect 1): a red round sticker laid over a product's edge on
    a plain studio backdrop, its label 到手价 and price ¥59 the supplier's (here over the
    bottle's right shoulder, half on the backdrop), and the bottle's own printing (冷萃咖啡)
    on a cream label inside its body. The sticker touches the bottle, so the two stand on
    the backdrop as one thing. Its texts: the sticker's two lines, then the label's."""
    base, product = _product(rng)
    page = Image.fromarray(np.clip(np.rint(base), 0, 255).astype(np.uint8))
    pen = ImageDraw.Draw(page)
    left, top, right, bottom = BOTTLE_NAME[2]
    pen.rectangle((left, top, right - 1, bottom - 1), fill=(240, 232, 208))
    cx, cy, r = STICKER_DISC
    pen.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(226, 30, 38))
    img = page.copy()
    draw = ImageDraw.Draw(img)
    lines = [(w, px, fill, (cx, y)) for w, px, fill, y in STICKER_LINES]
    word, px, _ = BOTTLE_NAME
    lines.append((word, px, (70, 45, 30), ((left + right) // 2, (top + bottom) // 2)))
    texts = []
    for word, px, fill, centre in lines:
        draw.text(centre, word, font=font(px), fill=fill, anchor="mm")
        l0, t0, r0, b0 = draw.textbbox(centre, word, font=font(px), anchor="mm")
        margin = max(3, px // 10)  # an OCR box: the ink and a little
        box = (l0 - margin, t0 - margin, r0 + margin, b0 + margin)
        texts.append(Text(word, box, px, "regular", fill))
    ink = (np.asarray(img) != np.asarray(page)).any(axis=2)
    return np.asarray(img), np.asarray(page, np.float32), texts, ink, product


CORNER_BOX = (300, 470, 820, 940)  # g09's gift box: red, a gold ribbon down its middle
CORNER_RED = (178, 28, 40)
CORNER_LINE = ("送礼佳品节日限定", 48, (330, 478))  # its line: text, size, centre


def _corner_box(
    rng: np.random.Generator, angle: float, fill: tuple[int, int, int]
) -> tuple[np.ndarray, np.ndarray, list[Text], np.ndarray, np.ndarray]:
    """A trial's g09: a line of Chinese turned `angle` degrees (rising to the right) set
    across the top-left corner of a red gift box standing on bokeh: its first letters on
    the lights, its last on the box, the box's top edge and its side running under the
    letters and meeting there. Its text's polygon is OCR's, turned with it."""
    base = _bokeh(rng)
    page = Image.fromarray(np.clip(np.rint(base), 0, 255).astype(np.uint8))
    pen = ImageDraw.Draw(page)
    pen.rectangle(CORNER_BOX, fill=CORNER_RED)
    middle = (CORNER_BOX[0] + CORNER_BOX[2]) // 2
    pen.rectangle((middle - 14, CORNER_BOX[1], middle + 14, CORNER_BOX[3]), fill=GOLD)
    shape = Image.new("L", (SIZE, SIZE), 0)
    ImageDraw.Draw(shape).rectangle(CORNER_BOX, fill=255)
    word, px, (cx, cy) = CORNER_LINE
    f = font(px)
    left, top, right, bottom = f.getbbox(word)
    pad = 12
    w, h = right - left + 2 * pad, bottom - top + 2 * pad
    layer = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    ImageDraw.Draw(layer).text((pad - left, pad - top), word, font=f, fill=(*fill, 255))
    turned = layer.rotate(angle, resample=Image.BICUBIC, expand=True)
    img = page.copy()
    img.paste(turned, (round(cx - turned.width / 2), round(cy - turned.height / 2)), turned)
    c, s_ = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    m = max(3, px // 10)  # an OCR box: the ink and a little, turned with the line
    corners = ((pad - m, pad - m), (w - pad + m, pad - m), (w - pad + m, h - pad + m),
               (pad - m, h - pad + m))  # fmt: skip
    polygon = tuple(
        (round(cx + (x - w / 2) * c + (y - h / 2) * s_),
         round(cy - (x - w / 2) * s_ + (y - h / 2) * c))
        for x, y in corners
    )  # fmt: skip
    xs, ys = [p[0] for p in polygon], [p[1] for p in polygon]
    box = (min(xs), min(ys), max(xs), max(ys))
    text = Text(word, box, px, "regular", fill, turned=polygon if angle else None)
    ink = (np.asarray(img) != np.asarray(page)).any(axis=2)
    return np.asarray(img), np.asarray(page, np.float32), [text], ink, np.asarray(shape) > 127


CARD_TEXTS = (  # text, size, top-left, fill: the headline on the stripes, two tiles' offers
    ("双十一狂欢", 80, (300, 250), (255, 255, 255)),
    ("满199减30", 40, (110, 520), (190, 20, 20)),
    ("第二件半价", 40, (110, 720), (190, 20, 20)),
)
BOTTLE_LABEL = (("海盐", 44, 700), ("洗发露", 30, 765))  # text, size, top: on the label


def _card_bottle(
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, list[Text], np.ndarray, np.ndarray]:
    """trial-img12 g01: a promotion poster with no studio backdrop (bold stripes, where
    g01 has rays), a white headline on them, and a cream card laid over the lower half
    carrying two yellow offer tiles and a blue pump bottle with a white label, its own
    printing (海盐 / 洗发露) on it. Its texts: the overlay lines first (the headline and the
    tiles'), then the label's two (the bottle's silhouette the product)."""
    base = _stripes(rng) * 0.6 + np.array([220, 60, 40], np.float32) * 0.4
    card = Image.new("L", (SIZE, SIZE), 0)
    ImageDraw.Draw(card).rounded_rectangle((50, 440, 950, 960), radius=30, fill=255)
    base[np.asarray(card) > 127] = (252, 246, 234)
    shape = Image.new("L", (SIZE, SIZE), 0)
    draw = ImageDraw.Draw(shape)
    draw.rounded_rectangle((560, 560, 760, 920), radius=50, fill=255)  # the body
    draw.rectangle((640, 500, 680, 565), fill=255)  # the neck and the pump's head
    draw.rectangle((640, 485, 730, 505), fill=255)
    product = np.asarray(shape) > 127
    base[product] = (70, 150, 220)
    base[660:820, 600:720] = (255, 255, 255)  # the label
    for tile in ((90, 490, 330, 620), (90, 690, 330, 820)):
        base[tile[1] : tile[3], tile[0] : tile[2]] = (255, 214, 60)
    img = Image.fromarray(np.clip(np.rint(base), 0, 255).astype(np.uint8))
    clean = np.asarray(img).copy()
    lines = list(CARD_TEXTS)
    draw = ImageDraw.Draw(img)
    for word, px, top_y in BOTTLE_LABEL:  # centred on the label
        width = draw.textbbox((0, 0), word, font=font(px))[2]
        lines.append((word, px, (660 - width // 2, top_y), (40, 70, 120)))
    texts = []
    for word, px, (left, top_y), fill in lines:
        draw.text((left, top_y), word, font=font(px), fill=fill)
        l0, t0, r0, b0 = draw.textbbox((left, top_y), word, font=font(px))
        margin = max(3, px // 10)
        box = (l0 - margin, t0 - margin, r0 + margin, b0 + margin)
        texts.append(Text(word, box, px, "regular", fill))
    ink = (np.asarray(img) != clean).any(axis=2)
    return np.asarray(img), clean.astype(np.float32), texts, ink, product


COLUMNS = (("匠心品质", 96, (690, 150)), ("典雅生活", 52, (570, 260)))  # text, size, top-left
VASE = (60, 90, 95)  # the product's teal, darker than the marble's veins


def _columns(
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, list[Text], np.ndarray, np.ndarray]:
    """Two vertical columns of dark brown Chinese, one large and one small, top right on
    white marble's grey veins, a dark vase standing on the left (a trial's g09): the
    columns' translations set across belong in the calm marble around them, off the
    vase, never in the columns' own narrow boxes."""
    base = _marble(rng)
    shape = Image.new("L", (SIZE, SIZE), 0)
    draw = ImageDraw.Draw(shape)
    draw.ellipse((140, 480, 440, 960), fill=255)
    draw.rectangle((245, 330, 335, 560), fill=255)
    draw.ellipse((225, 310, 355, 350), fill=255)
    product = np.asarray(shape) > 127
    base[product] = np.array(VASE, np.float32)
    img = Image.fromarray(np.clip(np.rint(base), 0, 255).astype(np.uint8))
    clean = np.asarray(img).copy()
    texts = []
    for k, (word, size, (x, y)) in enumerate(COLUMNS):
        f, step = font(size), round(size * 1.1)
        thick = max(1, size // 30) if k == 0 else 0  # the heading bold, as g09's
        layer = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
        pen = ImageDraw.Draw(layer)
        for n, ch in enumerate(word):
            pen.text((x, y + n * step), ch, font=f, fill=(58, 48, 42), stroke_width=thick,
                     stroke_fill=(58, 48, 42))  # fmt: skip
        img.paste(layer, (0, 0), layer)
        ys, xs = np.nonzero(np.asarray(layer)[..., 3] > 0)
        margin = max(3, size // 10)
        box = (int(xs.min()) - margin, int(ys.min()) - margin, int(xs.max()) + 1 + margin,
               int(ys.max()) + 1 + margin)  # fmt: skip
        texts.append(Text(word, box, size, "bold" if thick else "regular", (58, 48, 42)))
    ink = (np.asarray(img) != clean).any(axis=2)
    return np.asarray(img), clean.astype(np.float32), texts, ink, product


def _paragraph(
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, list[Text], np.ndarray, tuple[int, int, int, int]]:
    """Five lines of 52 px brown text on a cream panel over a photo (a trial's a06_para):
    each line's crop holds its neighbours' letters too, which are no pattern."""
    base = _gradient(rng) * 0.5 + 60 + 40 * _noise(rng, 8)[..., None]
    panel = (40, 80, 560, 620)
    base[panel[1] : panel[3], panel[0] : panel[2]] = (250, 245, 230)
    img = Image.fromarray(np.clip(np.rint(base), 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(img)
    lines = ["精选优质棉麻面料", "柔软亲肤不起球", "立体剪裁显瘦百搭", "机洗不变形不褪色"]
    lines.append("多色可选送礼佳品")
    f, texts = font(52), []
    for k, line in enumerate(lines):
        at = (75, 110 + 100 * k)
        draw.text(at, line, font=f, fill=(70, 50, 30))
        left, top, right, bottom = draw.textbbox(at, line, font=f)
        box = (left - 4, top - 4, right + 4, bottom + 4)
        texts.append(Text(line, box, 52, "regular", (70, 50, 30)))
    truth = np.clip(np.rint(base), 0, 255).astype(np.uint8)
    ink = (np.asarray(img) != truth).any(axis=2)
    return np.asarray(img), base, texts, ink, panel


TWO_COLOURS = (
    # (line, start, end of the run in the second colour): at the start, in the middle, at
    # the end of the line (f06: 补水保湿 black, then 一整天 red)
    ("爆款保温杯", 0, 2),
    ("全天保湿补水", 2, 4),
    ("补水保湿一整天", 4, 7),
)
TWO_COLOUR_INK = ((25, 25, 30), (220, 30, 45))  # the lines' main colour, their emphasis'


def _two_colour(
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, list[Text], np.ndarray, tuple[int, int, int, int]]:
    """Three lines of black titles on a cream page, each with a run of characters in red
    (a trial's f06, where the translation came out all black): the run at the line's
    start, middle and end. Each character is drawn where the whole line's layout puts it,
    so the line reads (and an OCR reads it) as one."""
    shade = rng.integers(-6, 7)
    base = np.broadcast_to(
        np.array([245 + shade // 2, 240 + shade // 2, 230], np.float32), (SIZE, SIZE, 3)
    ).copy()
    img = Image.fromarray(base.astype(np.uint8))
    draw = ImageDraw.Draw(img)
    main, second = TWO_COLOUR_INK
    texts = []
    for k, (line, start, end) in enumerate(TWO_COLOURS):
        size = (96, 80, 72)[k]
        f = font(size)
        at = (int(rng.integers(80, 200)), 140 + 290 * k)
        for n, ch in enumerate(line):
            x = at[0] + f.getlength(line[:n])
            draw.text((x, at[1]), ch, font=f, fill=second if start <= n < end else main)
        left, top, right, bottom = draw.textbbox(at, line, font=f)
        margin = max(3, size // 10)
        box = (left - margin, top - margin, right + margin, bottom + margin)
        texts.append(Text(line, box, size, "regular", main, runs=((start, end, second),)))
    truth = base.astype(np.uint8)
    ink = (np.asarray(img) != truth).any(axis=2)
    return np.asarray(img), base, texts, ink, (0, 0, SIZE, SIZE)


def _linen(rng: np.random.Generator) -> np.ndarray:
    """Beige linen: threads across and down, each a little lighter or darker than the
    next, slubs drawn out along them and a paper's grain (a detail page's textured panel)."""
    import cv2

    def threads(shape: tuple[int, int], sx: float, sy: float, spread: float) -> np.ndarray:
        noise = cv2.GaussianBlur(rng.normal(0, 1, shape).astype(np.float32), (0, 0), sx, sigmaY=sy)
        return noise * (spread / max(1e-6, float(noise.std())))

    rows, cols = threads((SIZE, 1), 0.1, 0.8, 6), threads((1, SIZE), 0.8, 0.1, 4)
    slubs = threads((SIZE, SIZE), 9, 0.8, 5)
    grey = rows + cols + slubs + rng.normal(0, 2.5, (SIZE, SIZE)).astype(np.float32)
    return np.array([214, 200, 174], np.float32) + grey[..., None] * np.array([1, 1, 0.9])


PARAGRAPH_LINES = (
    "精选优质亚麻面料",
    "透气吸湿不闷汗",
    "手工缝制细节讲究",
    "水洗柔软越用越舒服",
    "天然环保无甲醛残留",
    "多种尺寸可定制",
)


def _dense(
    rng: np.random.Generator,
    maker: Callable[[np.random.Generator], np.ndarray] = None,  # type: ignore[assignment]
    fill: tuple[int, int, int] = (58, 40, 28),
) -> tuple[np.ndarray, np.ndarray, list[Text], np.ndarray, tuple[int, int, int, int]]:
    """A detail page's paragraph (a trial's f12): six close lines of 34 px dark text on a
    texture (linen unless `maker` says), 46 px apart (a gap of about a third of a line
    between their boxes), so each line's crop holds its neighbours' letters above and
    below, and no stretch of the texture a line tall and free of letters lies over or
    under a line in the paragraph's middle."""
    base = (maker or _linen)(rng)
    img = Image.fromarray(np.clip(np.rint(base), 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(img)
    f, texts = font(34), []
    for k, line in enumerate(PARAGRAPH_LINES):
        at = (120, 300 + 46 * k)
        draw.text(at, line, font=f, fill=fill)
        left, top, right, bottom = draw.textbbox(at, line, font=f)
        box = (left - 3, top - 3, right + 3, bottom + 3)
        texts.append(Text(line, box, 34, "regular", fill))
    truth = np.clip(np.rint(base), 0, 255).astype(np.uint8)
    ink = (np.asarray(img) != truth).any(axis=2)
    return np.asarray(img), base, texts, ink, (0, 0, SIZE, SIZE)


def _paper(rng: np.random.Generator) -> np.ndarray:
    """Light cream paper: a fine weave across and down and a soft mottle (a detail page's
    background, a trial's g11)."""
    import cv2

    weave = (
        np.sin(np.arange(SIZE) * 2 * np.pi / 6)[:, None]
        + np.sin(np.arange(SIZE) * 2 * np.pi / 6)[None, :]
    )
    mottle = cv2.GaussianBlur(rng.normal(0, 1, (SIZE, SIZE)).astype(np.float32), (0, 0), 24)
    mottle *= 3 / max(1e-6, float(mottle.std()))
    grey = 2.0 * weave + mottle + rng.normal(0, 1.5, (SIZE, SIZE))
    return np.array([236, 228, 208], np.float32) + grey[..., None] * np.array([1, 1, 0.9])


HEADING = "产品介绍"
HEADING_BODY = ("精选优质面料，柔软亲肤", "透气性好，四季适用", "做工精细，走线整齐",
                "多种颜色可选，满足不同需求")  # fmt: skip
HEADING_AT = (98, 128)  # the heading's top-left; the body lines on its left edge below it


def _heading(
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, list[Text], np.ndarray, tuple[int, int, int, int]]:
    """A detail page (a trial's g11): top left a bold brown heading of 76 px, underlined,
    and under it four claims of 44 px on its left edge, 110 px apart, on light paper; the
    whole width right of them is empty paper. The vi heading wrapped onto two underlined
    lines up to the image's top, the rule through the dot of "ệ", and the th and vi claims
    ran to the image's right edge (no right margin, the left one ~100 px)."""
    base = _paper(rng)
    img = Image.fromarray(np.clip(np.rint(base), 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(img)
    texts = []
    brown, body = (96, 58, 34), (72, 56, 44)
    f = font(76)
    x, y = HEADING_AT
    draw.text((x, y), HEADING, font=f, fill=brown, stroke_width=2, stroke_fill=brown)
    left, top, right, bottom = draw.textbbox((x, y), HEADING, font=f, stroke_width=2)
    rule = (left, bottom + 8, right, bottom + 13)  # 5 px, 8 px under the letters
    draw.rectangle(rule, fill=brown)
    texts.append(Text(HEADING, (left - 4, top - 4, right + 4, rule[3] + 4), 76, "bold", brown))
    f = font(44)
    for k, line in enumerate(HEADING_BODY):
        at = (x + 2, 295 + 110 * k)
        draw.text(at, line, font=f, fill=body)
        left, top, right, bottom = draw.textbbox(at, line, font=f)
        texts.append(Text(line, (left - 4, top - 4, right + 4, bottom + 4), 44, "regular", body))
    truth = np.clip(np.rint(base), 0, 255).astype(np.uint8)
    ink = (np.asarray(img) != truth).any(axis=2)
    return np.asarray(img), base, texts, ink, (0, 0, SIZE, SIZE)


WOOD_TITLE = [("天然实木 匠心制作", 84, (70, 38, 16)), ("环保无甲醛", 56, (255, 248, 235)),
              ("经久耐用", 56, (255, 248, 235))]  # fmt: skip


def _wood_title(
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, list[Text], np.ndarray, tuple[int, int, int, int]]:
    """A bold dark-brown title and two white lines on three planks of wavy wood grain (a
    trial's g05): light and dark bands about 35 px apart running near level, bent by a
    slow wave; the title's brown is near the dark bands', and at the letters' edge the
    colour is the grain's own nearly everywhere around (it was taken for an outline 16 px
    wide, and the whole box filled flat)."""
    y, x = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32)
    warp = 90 * _noise(rng, 7) + 12 * _noise(rng, 25)
    grain = np.sin((y + warp) / 5.5) * 0.5 + 0.5
    fine = _noise(rng, 80)
    tone = 0.75 + 0.25 * grain * (0.6 + 0.4 * fine)
    base = np.stack([196 * tone, 142 * tone, 92 * tone], -1)
    for edge in (330, 660):  # the planks' joins
        base[edge - 2 : edge + 2] *= 0.55
    base = base + rng.normal(0, 3, (SIZE, SIZE, 1))
    truth = np.clip(np.rint(base), 0, 255).astype(np.uint8)
    img = Image.fromarray(truth)
    draw, texts = ImageDraw.Draw(img), []
    for (line, size, fill), centre in zip(WOOD_TITLE, (165, 495, 820), strict=True):
        f, thick = font(size), max(1, size // 28)
        at = (SIZE // 2, centre)
        draw.text(at, line, font=f, fill=fill, anchor="mm", stroke_width=thick, stroke_fill=fill)
        left, top, right, bottom = draw.textbbox(at, line, font=f, anchor="mm", stroke_width=thick)
        margin = max(3, size // 10)
        box = (left - margin, top - margin, right + margin, bottom + margin)
        texts.append(Text(line, box, size, "bold", fill))
    ink = (np.asarray(img) != truth).any(axis=2)
    return np.asarray(img), truth.astype(np.float32), texts, ink, (0, 0, SIZE, SIZE)


def _knit(rng: np.random.Generator) -> np.ndarray:
    """A grey-beige knit (a trial's g11): rows of zig-zag stitches 13 px apart, each row a
    light thread (about 215) fading to a dark one (about 158), and a soft mottle."""
    y, x = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32)
    zig = 2.5 * np.abs(((x / 10.0) % 2.0) - 1.0)  # up and down 2.5 px every 10 px
    row = 0.5 + 0.5 * np.cos(2 * np.pi * (y + zig) / 13.0)
    mottle = 4 * _noise(rng, 20)
    grey = 158 + 57 * row**2 + mottle + rng.normal(0, 1.5, (SIZE, SIZE))
    return grey[..., None] * np.array([1.0, 0.98, 0.93], np.float32)


KNIT_TITLE = [("冬季加厚针织开衫", 72, (90, 60, 40), "bold"),
              ("柔软不扎 温暖贴身", 36, (119, 93, 75), "regular")]  # fmt: skip


def _knit_title(
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, list[Text], np.ndarray, tuple[int, int, int, int]]:
    """A bold brown title and under it a lighter brown subline, neither outlined, on a
    zig-zag knit (a trial's g11): the knit's light threads run beside the subline's thin
    strokes all along it, and were read as a 5 px pale outline the original never had,
    drawn round its translation in en, th and vi."""
    base = _knit(rng)
    truth = np.clip(np.rint(base), 0, 255).astype(np.uint8)
    img = Image.fromarray(truth)
    draw, texts = ImageDraw.Draw(img), []
    for (line, size, fill, weight), centre in zip(KNIT_TITLE, (205, 304), strict=True):
        f, thick = font(size), (max(1, size // 28) if weight == "bold" else 0)
        at = (SIZE // 2, centre)
        draw.text(at, line, font=f, fill=fill, anchor="mm", stroke_width=thick, stroke_fill=fill)
        left, top, right, bottom = draw.textbbox(at, line, font=f, anchor="mm", stroke_width=thick)
        margin = max(3, size // 10)
        box = (left - margin, top - margin, right + margin, bottom + margin)
        texts.append(Text(line, box, size, weight, fill))
    ink = (np.asarray(img) != truth).any(axis=2)
    return np.asarray(img), truth.astype(np.float32), texts, ink, (0, 0, SIZE, SIZE)


TABLE_CELL = (300, 100)  # a table's cell, px: the labels' column and the values' column
TABLE_AT = (100, 480)  # the table's top-left corner
TABLE_ROWS = [("参数", "规格"), ("型号", "X9"), ("功率", "1200瓦"), ("电压", "220伏")]
LIST_ITEMS = ["天然竹纤维毛巾", "吸水速干不掉毛", "婴儿可用更安心"]
BULLETS = ["防水防汗", "蓝牙5.3", "续航30小时", "一键配对"]


def _table(
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, list[Text], np.ndarray, tuple[int, int, int, int]]:
    """A spec table (a trial's b04_spec): a blue header row with white labels, then rows of
    dark labels and values in white cells ruled in grey; each text sits left and low in its
    cell (a rule 12 px under its ink), a third of the cell's width, with room for a line
    twice as long."""
    base = np.full((SIZE, SIZE, 3), 250.0)
    (cw, ch), (x0, y0) = TABLE_CELL, TABLE_AT
    rows = len(TABLE_ROWS)
    base[y0 : y0 + ch, x0 : x0 + 2 * cw] = (30, 110, 190)
    for r in range(rows + 1):  # the rules: 2 px, grey
        base[y0 + r * ch - 1 : y0 + r * ch + 1, x0 : x0 + 2 * cw] = (170, 170, 170)
    for c in range(3):
        base[y0 : y0 + rows * ch, x0 + c * cw - 1 : x0 + c * cw + 1] = (170, 170, 170)
    base[y0 + 1 : y0 + ch - 1, x0 + 1 : x0 + 2 * cw - 1] = (30, 110, 190)
    img = Image.fromarray(np.clip(np.rint(base), 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(img)
    f, texts = font(46), []
    for r, row in enumerate(TABLE_ROWS):
        fill = (255, 255, 255) if r == 0 else (40, 40, 40)
        for c, word in enumerate(row):
            at = (x0 + c * cw + 60, y0 + r * ch + 30)  # low in the cell, as b04 has it
            draw.text(at, word, font=f, fill=fill)
            left, top, right, bottom = draw.textbbox(at, word, font=f)
            texts.append(
                Text(word, (left - 4, top - 4, right + 4, bottom + 4), 46, "regular", fill)
            )
    truth = np.clip(np.rint(base), 0, 255).astype(np.uint8)
    ink = (np.asarray(img) != truth).any(axis=2)
    return np.asarray(img), base, texts, ink, (x0, y0, x0 + 2 * cw, y0 + rows * ch)


def table_cell(s: Synth, n: int) -> tuple[int, int, int, int]:
    """The cell of a table image's n-th text (left, top, right, bottom, inside its rules)."""
    (cw, ch), (x0, y0) = TABLE_CELL, TABLE_AT
    r, c = divmod(n, 2)
    return (x0 + c * cw + 1, y0 + r * ch + 1, x0 + (c + 1) * cw - 1, y0 + (r + 1) * ch - 1)


SHADED_COLUMNS = (80, 330, 620, 920)  # a comparison table's column rules, x (trial 13 g07)
SHADED_TOP, SHADED_ROW = 300, 110  # its top rule and its rows' pitch, px
SHADED_ROWS = [
    ("参数", "普通款", "升级款"),
    ("容量", "350毫升", "500毫升"),
    ("保温", "6小时", "24小时"),
]
SHADED_ROWS += [("材质", "201钢", "316不锈钢"), ("杯盖", "旋盖", "弹跳盖")]
SHADED = ((255, 255, 255), (240, 245, 250))  # the rows' shading, alternating: white, light blue


def _shaded_table(
    rng: np.random.Generator, ruled: bool = True
) -> tuple[np.ndarray, np.ndarray, list[Text], np.ndarray, tuple[int, int, int, int]]:
    """A comparison table (trial 13 g07): a navy header row with white labels, then rows
    shaded white and light blue in turn (15 levels apart), ruled 2 px in grey-blue, each
    text centred in its cell, the better column in orange. A cell's crop takes in the
    rows above and below: each is a colour near the cell's own, none of it the cell.
    Not `ruled`: the rows' shades touch (a zebra table with no rules)."""
    base = np.zeros((SIZE, SIZE, 3), np.float32)
    base[:] = (246, 251, 255)
    x0, x1 = SHADED_COLUMNS[0], SHADED_COLUMNS[-1]
    rows = len(SHADED_ROWS)
    for r in range(rows):
        y = SHADED_TOP + r * SHADED_ROW
        base[y : y + SHADED_ROW, x0:x1] = (40, 70, 120) if r == 0 else SHADED[r % 2]
    rule = (180, 190, 200)
    for r in range(rows + 1 if ruled else 0):
        y = SHADED_TOP + r * SHADED_ROW
        base[y : y + 2, x0 : x1 + 2] = rule
    for x in SHADED_COLUMNS if ruled else ():
        base[SHADED_TOP : SHADED_TOP + rows * SHADED_ROW, x : x + 2] = rule
    img = Image.fromarray(np.clip(np.rint(base), 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(img)
    f, texts = font(48), []
    for r, row in enumerate(SHADED_ROWS):
        for c, word in enumerate(row):
            fill = (255, 255, 255) if r == 0 else (225, 90, 30) if c == 2 else (50, 60, 80)
            centre = (
                (SHADED_COLUMNS[c] + SHADED_COLUMNS[c + 1]) // 2,
                SHADED_TOP + r * SHADED_ROW + 56,
            )
            draw.text(centre, word, font=f, fill=fill, anchor="mm")
            left, top, right, bottom = draw.textbbox(centre, word, font=f, anchor="mm")
            texts.append(
                Text(word, (left - 4, top - 4, right + 4, bottom + 4), 48, "regular", fill)
            )
    truth = np.clip(np.rint(base), 0, 255).astype(np.uint8)
    ink = (np.asarray(img) != truth).any(axis=2)
    panel = (x0, SHADED_TOP, x1 + 2, SHADED_TOP + rows * SHADED_ROW + 2)
    return np.asarray(img), base, texts, ink, panel


def shaded_cell(n: int) -> tuple[int, int, int, int]:
    """The cell of the shaded table's n-th text (left, top, right, bottom, inside its rules)."""
    r, c = divmod(n, len(SHADED_ROWS[0]))
    top = SHADED_TOP + r * SHADED_ROW + 2
    return (SHADED_COLUMNS[c] + 2, top, SHADED_COLUMNS[c + 1], top + SHADED_ROW - 2)


def _list(
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, list[Text], np.ndarray, tuple[int, int, int, int]]:
    """A list of three separate claims (a trial's b03_para): 43 px brown lines, one claim
    each, far apart (a pitch of twice their size) on a cream rounded panel over a pink
    gradient; the panel is much wider than the lines."""
    base = _gradient(rng) * 0.4 + np.asarray((150, 90, 110)) * 0.6
    panel = (20, 470, 760, 840)
    img = Image.fromarray(np.clip(np.rint(base), 0, 255).astype(np.uint8))
    ImageDraw.Draw(img).rounded_rectangle(panel, 24, fill=(252, 246, 228))
    base = np.asarray(img).astype(np.float32)
    draw = ImageDraw.Draw(img)
    f, texts = font(43), []
    for k, line in enumerate(LIST_ITEMS):
        at = (90, 530 + 86 * k)
        draw.text(at, line, font=f, fill=(90, 70, 50))
        left, top, right, bottom = draw.textbbox(at, line, font=f)
        texts.append(
            Text(line, (left - 4, top - 4, right + 4, bottom + 4), 43, "regular", (90, 70, 50))
        )
    truth = np.clip(np.rint(base), 0, 255).astype(np.uint8)
    ink = (np.asarray(img) != truth).any(axis=2)
    return np.asarray(img), base, texts, ink, panel


def _bullets(
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, list[Text], np.ndarray, tuple[int, int, int, int]]:
    """Four short claims, each after a drawn teal dot (a trial's c02_bullets): 42 px dark
    lines far apart (a pitch of 95 px, more than a paragraph's) on a white rounded panel
    over a gradient, the panel not much wider than the longest claim."""
    base = _gradient(rng) * 0.5 + np.asarray((120, 130, 150)) * 0.5
    panel = (60, 280, 560, 720)
    img = Image.fromarray(np.clip(np.rint(base), 0, 255).astype(np.uint8))
    pen = ImageDraw.Draw(img)
    pen.rounded_rectangle(panel, 24, fill=(255, 255, 255))
    for k in range(len(BULLETS)):  # the dots are the picture's: never erased
        y = 330 + 95 * k
        pen.ellipse((95, y + 16, 113, y + 34), fill=(0, 150, 136))
    base = np.asarray(img).astype(np.float32)
    f, texts = font(42), []
    for k, line in enumerate(BULLETS):
        at = (135, 330 + 95 * k)
        pen.text(at, line, font=f, fill=(30, 30, 30))
        left, top, right, bottom = pen.textbbox(at, line, font=f)
        texts.append(
            Text(line, (left - 4, top - 4, right + 4, bottom + 4), 42, "regular", (30, 30, 30))
        )
    truth = np.clip(np.rint(base), 0, 255).astype(np.uint8)
    ink = (np.asarray(img) != truth).any(axis=2)
    return np.asarray(img), base, texts, ink, panel


def _shadow_band(
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, list[Text], np.ndarray, tuple[int, int, int, int]]:
    """White text with a dark drop shadow on a tight red band over a grainy photo (a
    trial's a08_shadow): the shadow and the letters' feet reach the band's lower edge, and
    JPEG blurs them a few px onto the photo below. The panel given is the band and the
    rows just below it, where those feet are erased against the photo."""
    y, x = np.mgrid[0:SIZE, 0:SIZE] / SIZE
    base = np.stack([140 + 80 * x + 25 * np.sin(5 * y), 110 + 70 * y + 25 * np.cos(3 * x),
                     160 - 60 * x * y], -1)  # fmt: skip
    base = base + rng.normal(0, 5, base.shape)
    page = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8))
    page = page.filter(ImageFilter.GaussianBlur(1.0))
    band = (0, 120, SIZE, 251)
    ImageDraw.Draw(page).rectangle((0, 120, SIZE, 250), fill=(200, 20, 40))
    img = page.copy()
    draw, f, word = ImageDraw.Draw(img), font(96), "年货节大促"
    draw.text((146, 132), word, font=f, fill=(90, 0, 10))
    draw.text((140, 126), word, font=f, fill=(255, 255, 255))
    left, top, right, bottom = draw.textbbox((140, 126), word, font=f)
    box = (left - 2, top - 2, right + 8, min(SIZE, bottom + 8))
    texts = [Text(word, box, 96, "regular", (255, 255, 255), shadow=(6, 6))]
    ink = (np.asarray(img) != np.asarray(page)).any(axis=2)
    panel = (band[0], band[1], band[2], band[3] + 8)
    return np.asarray(img), np.asarray(page).astype(np.float32), texts, ink, panel


def _pill(
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, list[Text], np.ndarray, tuple[int, int, int, int]]:
    """A bold green headline whose feet touch a white pill under it, with orange text in
    the pill, on a grainy photo (a trial's a10_jpeg70, saved as JPEG quality 70 by
    make("pill-jpeg70")): the pill is a panel of its own, never the headline's ink."""
    y, x = np.mgrid[0:SIZE, 0:SIZE] / SIZE
    base = np.stack([160 + 80 * x + 25 * np.sin(5 * y), 140 + 70 * y + 25 * np.cos(3 * x),
                     140 - 60 * x * y], -1)  # fmt: skip
    base = base + rng.normal(0, 5, base.shape)
    page = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8))
    page = page.filter(ImageFilter.GaussianBlur(1.0))
    ImageDraw.Draw(page).rounded_rectangle((80, 230, 520, 320), 45, fill=(255, 255, 255))
    img = page.copy()
    draw, texts = ImageDraw.Draw(img), []
    for at, word, size, fill, bold in (
        ((90, 80), "农家土蜂蜜", 120, (20, 90, 30), 2),
        ((120, 240), "无添加 纯天然", 56, (200, 120, 0), 0),
    ):
        f = font(size)
        draw.text(at, word, font=f, fill=fill, stroke_width=bold, stroke_fill=fill)
        left, top, right, bottom = draw.textbbox(at, word, font=f, stroke_width=bold)
        box = (left - 3, top - 3, right + 3, bottom + 3)
        texts.append(Text(word, box, size, "bold" if bold else "regular", fill))
    ink = (np.asarray(img) != np.asarray(page)).any(axis=2)
    return np.asarray(img), np.asarray(page).astype(np.float32), texts, ink, (0, 0, SIZE, SIZE)


def _sticker(
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, list[Text], np.ndarray, tuple[int, int, int, int]]:
    """A red starburst sticker with a yellow and a white line on it over a grainy photo (a
    trial's a01_sticker, not turned here: a Text's box is upright): each line's crop holds
    the other line and the star's points, and neither makes the sticker a pattern."""
    y, x = np.mgrid[0:SIZE, 0:SIZE] / SIZE
    base = np.stack([140 + 80 * x + 25 * np.sin(5 * y), 110 + 70 * y + 25 * np.cos(3 * x),
                     160 - 60 * x * y], -1)  # fmt: skip
    base = base + rng.normal(0, 5, base.shape)
    page = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8))
    page = page.filter(ImageFilter.GaussianBlur(1.0))
    star = Image.new("RGBA", (360, 360), (0, 0, 0, 0))
    points = [
        (180 + (170 if k % 2 == 0 else 140) * np.cos(np.pi * k / 12),
         180 + (170 if k % 2 == 0 else 140) * np.sin(np.pi * k / 12))
        for k in range(24)
    ]  # fmt: skip
    ImageDraw.Draw(star).polygon(points, fill=(230, 30, 40))
    lettered = star.copy()
    draw = ImageDraw.Draw(lettered)
    lines = (
        ((55, 110), "限时抢购", 62, (255, 240, 80), 1),
        ((95, 190), "立减30元", 44, (255, 255, 255), 0),
    )
    for at, word, size, fill, bold in lines:
        draw.text(at, word, font=font(size), fill=fill, stroke_width=bold, stroke_fill=fill)
    img, truth = page.copy(), page.copy()
    for layer, onto in ((lettered, img), (star, truth)):
        onto.paste(layer, (40, 40), layer)
    texts = []
    for at, word, size, fill, bold in lines:
        left, top, right, bottom = draw.textbbox(at, word, font=font(size), stroke_width=bold)
        box = (left + 40 - 4, top + 40 - 4, right + 40 + 4, bottom + 40 + 4)
        texts.append(Text(word, box, size, "bold" if bold else "regular", fill))
    ink = (np.asarray(img) != np.asarray(truth)).any(axis=2)
    return np.asarray(img), np.asarray(truth).astype(np.float32), texts, ink, (0, 0, SIZE, SIZE)


BUBBLE = (180, 150, 820, 380)  # the speech bubble's box (its tail hangs below it)
SEPIA = np.array([1.0, 0.84, 0.62], np.float32)  # a sepia print's tint of a grey level


def _bubble(
    rng: np.random.Generator, tone: str
) -> tuple[np.ndarray, np.ndarray, list[Text], np.ndarray, tuple[int, int, int, int]]:
    """A speech bubble with a line of black Chinese in it over a blurred photo of soft
    blobs (a trial s32's 02, 15 and 17): the photo in colour, or `tone` "grey" or "sepia"
    (the bubble then cream): a grey photo's border lies within a few levels of one grey, as
    no colour photo's does, and its bubble was taken for the product, its line kept."""
    base = np.empty((SIZE, SIZE, 3), np.float32)
    base[:] = (120, 140, 110)
    photo = Image.fromarray(base.astype(np.uint8))
    pen = ImageDraw.Draw(photo)
    for _ in range(40):
        cx, cy, r = (int(v) for v in (*rng.integers(0, SIZE, 2), rng.integers(40, 250)))
        colour = tuple(int(c) for c in rng.integers((40, 60, 40), (220, 200, 180)))
        pen.ellipse((cx - r, cy - r, cx + r, cy + r), fill=colour)
    base = np.asarray(photo.filter(ImageFilter.GaussianBlur(25)), np.float32)
    base = base + rng.normal(0, 6, base.shape)
    bubble = (255, 255, 255)
    if tone != "colour":
        grey = base @ np.array([0.299, 0.587, 0.114], np.float32)
        base = grey[..., None] * (SEPIA if tone == "sepia" else np.ones(3, np.float32))
        bubble = (250, 238, 214) if tone == "sepia" else bubble
    page = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8))
    pen = ImageDraw.Draw(page)
    pen.rounded_rectangle(BUBBLE, radius=60, fill=bubble)
    pen.polygon([(300, 370), (380, 370), (260, 480)], fill=bubble)
    img = page.copy()
    draw, word, f = ImageDraw.Draw(img), "这个真的超好用", font(72)
    centre = ((BUBBLE[0] + BUBBLE[2]) // 2, (BUBBLE[1] + BUBBLE[3]) // 2)
    draw.text(centre, word, font=f, fill=(0, 0, 0), anchor="mm")
    left, top, right, bottom = draw.textbbox(centre, word, font=f, anchor="mm")
    texts = [Text(word, (left - 4, top - 4, right + 4, bottom + 4), 72, "regular", (0, 0, 0))]
    ink = (np.asarray(img) != np.asarray(page)).any(axis=2)
    return np.asarray(img), np.asarray(page).astype(np.float32), texts, ink, BUBBLE


CARD = (470, 300, 940, 760)  # the price card's box: its centre, x = 705, is its lines' axis
CARD_LINES = (  # (text, size, fill, bold, the ink's centre y, struck through)
    ("到手价", 46, (200, 28, 28), True, 372, False),
    ("¥59", 150, (220, 20, 18), True, 520, False),
    ("原价¥129", 36, (128, 125, 122), False, 652, True),
)


def _price_card(
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, list[Text], np.ndarray, tuple[int, int, int, int]]:
    """A cream rounded price card on an orange-to-red gradient, beside a white bottle (a
    trial's g03): a red label, a big red price and a small grey old price struck through,
    each centred on the card's centre (not on one edge: their lefts are 15-60 px apart)."""
    y = np.mgrid[0:SIZE, 0:SIZE][0].astype(np.float32) / SIZE
    top, bottom = np.array([252, 140, 42], np.float32), np.array([228, 38, 36], np.float32)
    base = top + (bottom - top) * y[..., None] + rng.normal(0, 1.5, (SIZE, SIZE, 3))
    page = Image.fromarray(np.clip(np.rint(base), 0, 255).astype(np.uint8))
    pen = ImageDraw.Draw(page)
    pen.rounded_rectangle((140, 340, 330, 860), 40, fill=(246, 246, 244))  # the bottle
    pen.rectangle((175, 260, 295, 350), fill=(58, 58, 62))  # its cap
    pen.rounded_rectangle(CARD, 28, fill=(255, 250, 240))
    img = page.copy()
    texts, axis = [], (CARD[0] + CARD[2]) / 2
    for word, size, fill, bold, middle, struck in CARD_LINES:
        layer, (l0, t0, r0, b0) = _text_layer(
            word, size, bold=bold, outline_width=0, shadow=None, fill=fill, outline=None
        )
        x, y0 = round(axis - (r0 - l0) / 2), round(middle - (b0 - t0) / 2)
        img.paste(layer, (x - l0, y0 - t0), layer)
        box = (x, y0, x + r0 - l0, y0 + b0 - t0)
        if struck:  # a rule through the middle of the letters, a little past them
            rule = (box[1] + box[3]) // 2
            ImageDraw.Draw(img).line((box[0] - 4, rule, box[2] + 4, rule), fill=fill, width=3)
            box = (box[0] - 4, box[1], box[2] + 4, box[3])
        margin = max(3, size // 10)  # an OCR box: the ink and a little
        box = (box[0] - margin, box[1] - margin, box[2] + margin, box[3] + margin)
        texts.append(Text(word, box, size, "bold" if bold else "regular", fill))
    ink = (np.asarray(img) != np.asarray(page)).any(axis=2)
    return np.asarray(img), np.asarray(page).astype(np.float32), texts, ink, CARD


SKY_LINES = (  # (text, size, fill, bold, top-left or the ink's centre, shadowed)
    ("户外露营 一秒速开", 76, (255, 255, 255), True, (80, 90), True),
    ("防雨防晒 3-4人帐篷", 42, (255, 255, 255), False, (80, 200), True),
    ("到手价", 30, (120, 60, 0), False, (210, 860), False),
    ("¥299", 52, (200, 20, 20), True, (210, 920), False),
)
SKY_TAG = (60, 820, 360, 960)  # the yellow price tag's box, its lines centred in it
TENT = ((360, 800), (560, 540), (760, 800))
SKY_WISPS = ((400, -60, 470, 60), (790, 140, 900, 185))  # g12's wisps that cut its room


def _sky_headline(
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, list[Text], np.ndarray, np.ndarray]:
    """A tent on a hills-and-sky photo (a trial's g12): a big white headline with a hard
    dark drop shadow and a smaller subline under it top left, over a sky of soft clouds
    that leaves the right half free; a yellow tag bottom left, a label over a big red
    price centred on it. The clouds' steepest shading reads as things standing there."""
    y, x = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32)
    t = (y / SIZE)[..., None]
    base = np.array([110, 160, 220], np.float32) + (np.array([110, 70, 20], np.float32)) * t
    hills = 560 + 60 * np.sin(x / 160) + 30 * np.sin(x / 53)
    base[y > hills] = (70, 110, 80)
    meadow = y > 680 + 40 * np.sin(x / 120 + 1)
    grass = np.array([90, 150, 70], np.float32) * (0.8 + 0.4 * _noise(rng, 30))[..., None]
    base[meadow] = grass[meadow]
    soft = Image.fromarray((_noise(rng, 12) * 255).astype(np.uint8)).filter(
        ImageFilter.GaussianBlur(30)
    )
    clouds = np.clip(np.asarray(soft, np.float32) / 255 - 0.55, 0, 1) * 300 * (y < 450)
    wisps = Image.new("L", (SIZE, SIZE), 0)  # brighter wisps over the headline and right
    pen = ImageDraw.Draw(wisps)  # of it, their shading steep enough to read as things
    for wisp in SKY_WISPS:
        pen.ellipse(wisp, fill=110)
    clouds = clouds + np.asarray(wisps.filter(ImageFilter.GaussianBlur(10)), np.float32)
    base = base + clouds[..., None] + rng.normal(0, 3, (SIZE, SIZE, 1))
    page = Image.fromarray(np.clip(np.rint(base), 0, 255).astype(np.uint8))
    page = page.filter(ImageFilter.GaussianBlur(1))
    pen = ImageDraw.Draw(page)
    pen.polygon(TENT, fill=(230, 110, 30))
    pen.polygon([(560, 540), (760, 800), (820, 780), (620, 540)], fill=(180, 80, 20))
    pen.polygon([(520, 800), (560, 680), (600, 800)], fill=(60, 40, 20))
    pen.rounded_rectangle(SKY_TAG, radius=20, fill=(255, 210, 40))
    img, texts = page.copy(), []
    draw = ImageDraw.Draw(img)
    for word, size, fill, bold, at, shadowed in SKY_LINES:
        f, thick = font(size), max(1, size // 26) if bold else 0
        anchor = "la" if shadowed else "mm"  # (the tag's lines: centred on its centre)
        if shadowed:  # a hard dark shadow 5 px down and right, as g12's
            draw.text((at[0] + 5, at[1] + 5), word, font=f, fill=(30, 40, 50),
                      stroke_width=thick, stroke_fill=(30, 40, 50), anchor=anchor)  # fmt: skip
        draw.text(at, word, font=f, fill=fill, stroke_width=thick, stroke_fill=fill,
                  anchor=anchor)  # fmt: skip
        left, top, right, bottom = draw.textbbox(at, word, font=f, stroke_width=thick,
                                                 anchor=anchor)  # fmt: skip
        margin = max(3, size // 10)  # an OCR box: the ink and a little
        box = (left - margin, top - margin, right + margin, bottom + margin)
        texts.append(Text(word, box, size, "bold" if bold else "regular", fill,
                          shadow=(5, 5) if shadowed else None))  # fmt: skip
    ink = (np.asarray(img) != np.asarray(page)).any(axis=2)
    product = Image.new("L", (SIZE, SIZE), 0)
    ImageDraw.Draw(product).polygon([*TENT, (820, 780), (620, 540)], fill=255)
    return (
        np.asarray(img),
        np.asarray(page).astype(np.float32),
        texts,
        ink,
        (np.asarray(product) > 0),
    )


SLOGAN = (("户外露营必备", 80, 440), ("轻便防风 安心过夜", 64, 560))  # (line, px, top)
HORIZON = 560  # the sky over it, grass under it


def _slogan(
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, list[Text], np.ndarray, tuple[int, int, int, int]]:
    """A camping scene (trial s32's 01): a two-line white slogan centred across a blue sky
    shading lighter to the horizon and a grassy ground under it, line 1 (80 px) on the
    sky, line 2 (64 px) on the grass. The grass is one green with a fine grain (about 9
    levels): a few of its px lie far from its colour, specks a panel is still free at."""
    y = np.mgrid[0:SIZE, 0:SIZE][0].astype(np.float32)
    t = (y / HORIZON)[..., None]
    sky = np.array([70, 130, 210], np.float32) * (1 - t) + np.array([190, 220, 245]) * t
    grain = rng.normal(0, 22, (SIZE, SIZE, 1)) + rng.normal(0, 11, (SIZE, SIZE, 3))
    grass = np.clip(np.array([95, 120, 60], np.float32) + grain, 0, 255).astype(np.uint8)
    grass = np.asarray(Image.fromarray(grass).filter(ImageFilter.GaussianBlur(0.8)), np.float32)
    base = np.where(y[..., None] < HORIZON, sky, grass)
    img = Image.fromarray(np.clip(np.rint(base), 0, 255).astype(np.uint8))
    base = np.asarray(img).astype(np.float32)
    draw, texts = ImageDraw.Draw(img), []
    for line, size, top in SLOGAN:
        f = font(size)
        left, _, right, _ = draw.textbbox((0, 0), line, font=f)
        at = (SIZE / 2 - (right - left) / 2 - left, top)
        draw.text(at, line, font=f, fill=(255, 255, 255))
        left, top_, right, bottom = draw.textbbox(at, line, font=f)
        margin = max(3, size // 10)  # an OCR box: the ink and a little
        box = (round(left) - margin, top_ - margin, round(right) + margin, bottom + margin)
        texts.append(Text(line, box, size, "regular", (255, 255, 255)))
    truth = np.clip(np.rint(base), 0, 255).astype(np.uint8)
    ink = (np.asarray(img) != truth).any(axis=2)
    return np.asarray(img), base, texts, ink, (0, 0, SIZE, SIZE)


SMALL_TITLE = "产品介绍"
SMALL_LINES = ["本产品采用优质环保材料制作", "经过多道工序严格质检", "手感细腻 经久耐用"]
SMALL_LINES += ["适合家庭日常使用", "请放置于阴凉干燥处"]
SMALL_PANEL = (100, 300, 900, 650)


def _small_paragraph(
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, list[Text], np.ndarray, tuple[int, int, int, int]]:
    """A detail page (trial s32's 08): a 60 px title centred at the top of a pale grey
    page, and under it, on a white rounded panel 800 px wide, five lines of 22 px grey
    body text on one left edge, 56 px apart; the panel is free for ~500 px right of the
    longest line. The title lies over two of the lines' pitches above the first."""
    base = np.broadcast_to(np.array([235, 238, 242], np.float32), (SIZE, SIZE, 3))
    img = Image.fromarray(np.clip(np.rint(base), 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle(SMALL_PANEL, radius=20, fill=(250, 250, 250))
    base = np.asarray(img).astype(np.float32)
    texts = []
    f = font(60)
    left, _, right, _ = draw.textbbox((0, 0), SMALL_TITLE, font=f)
    at = (SIZE / 2 - (right - left) / 2 - left, 150)
    draw.text(at, SMALL_TITLE, font=f, fill=(30, 30, 30))
    left, top, right, bottom = draw.textbbox(at, SMALL_TITLE, font=f)
    box = (round(left) - 6, top - 6, round(right) + 6, bottom + 6)
    texts.append(Text(SMALL_TITLE, box, 60, "regular", (30, 30, 30)))
    f = font(22)
    for k, line in enumerate(SMALL_LINES):
        at = (140, 340 + 56 * k)
        draw.text(at, line, font=f, fill=(60, 60, 60))
        left, top, right, bottom = draw.textbbox(at, line, font=f)
        box = (left - 3, top - 3, right + 3, bottom + 3)
        texts.append(Text(line, box, 22, "regular", (60, 60, 60)))
    truth = np.clip(np.rint(base), 0, 255).astype(np.uint8)
    ink = (np.asarray(img) != truth).any(axis=2)
    return np.asarray(img), base, texts, ink, SMALL_PANEL


def _photo(rng: np.random.Generator) -> np.ndarray:
    """A soft studio photo: a two-tone light gradient with grain, a dark product on it."""
    y, x = np.mgrid[0:SIZE, 0:SIZE] / SIZE
    base = np.stack([150 + 80 * x + 25 * np.sin(5 * y), 170 - 60 * y + 25 * np.cos(3 * x),
                     140 + 40 * x * y], -1)  # fmt: skip
    base = base + 30 * _noise(rng, 12)[..., None] + rng.normal(0, 2, base.shape)
    shape = Image.new("L", (SIZE, SIZE), 0)
    ImageDraw.Draw(shape).ellipse((300, 260, 720, 900), fill=255)
    on = np.asarray(shape.filter(ImageFilter.GaussianBlur(1.0)), np.float32)[..., None] / 255
    product = np.array([60, 70, 110], np.float32) + 12 * _noise(rng, 6)[..., None]
    return base * (1 - on) + product * on


def _watermark(
    rng: np.random.Generator, over: str
) -> tuple[np.ndarray, np.ndarray, list[Text], np.ndarray, tuple[int, int, int, int]]:
    """A shop's translucent watermark (one colour at one strength over everything under
    it, a trial's a11 and b06): white at 37% across a photo and the dark product on it
    (`over` "photo", or "turned" 25 degrees as a11 was), or black at 30% inside a flat
    cream card (`over` "flat"), or white at 43% turned across a flat ball on a flat
    backdrop, its first and last letters past the region (`over` "product", trial 31's
    04)."""
    base = _photo(rng)
    panel = (0, 0, SIZE, SIZE)
    inset = 0  # px of the first and last letters OCR's box leaves out of the region
    if over == "product":  # (trial 31's 04: a shop's name across a red ball on grey)
        studio = Image.new("RGB", (SIZE, SIZE), tuple(int(v) for v in rng.integers(225, 246, 3)))
        shade = tuple(int(v) for v in (rng.integers(170, 220), *rng.integers(40, 80, 2)))
        ImageDraw.Draw(studio).ellipse((250, 250, 750, 750), fill=shade)
        ImageDraw.Draw(studio).rectangle((460, 180, 540, 252), fill=(80, 80, 80))
        base = np.asarray(studio).astype(np.float32)
        inset = 40  # (a turned line's box, read tight: 官 and 店 ran past it)
    if over == "flat":
        panel = (120, 380, 880, 640)
        base[panel[1] : panel[3], panel[0] : panel[2]] = (232, 226, 214)
        colour, alpha, at, size = (0, 0, 0), 0.30, (170, 440), 130
    elif over == "product":
        colour, alpha, at, size = (255, 255, 255), 0.43, (175, 430), 130
    else:
        colour, alpha, at, size = (255, 255, 255), 0.37, (110, 470), 140
    word = {"flat": "正品保障", "product": "官方旗舰店"}.get(over, "优品旗舰店")
    truth = Image.fromarray(np.clip(np.rint(base), 0, 255).astype(np.uint8))
    f = font(size)
    layer = Image.new("RGBA", truth.size, (0, 0, 0, 0))
    ImageDraw.Draw(layer).text(at, word, font=f, fill=(*colour, round(255 * alpha)))
    left, top, right, bottom = ImageDraw.Draw(layer).textbbox(at, word, font=f)
    polygon = None
    if over in ("turned", "product"):  # (a11: turned 25 degrees, narrow gaps between strokes)
        turn, centre = 25, ((left + right) / 2, (top + bottom) / 2)
        layer = layer.rotate(turn, resample=Image.BICUBIC, center=centre)
        c, s_ = math.cos(math.radians(turn)), math.sin(math.radians(turn))
        corners = ((left - 6 + inset, top - 6), (right + 6 - inset, top - 6),
                   (right + 6 - inset, bottom + 6), (left - 6 + inset, bottom + 6))  # fmt: skip
        polygon = tuple(
            (round(centre[0] + (x - centre[0]) * c + (y - centre[1]) * s_),
             round(centre[1] - (x - centre[0]) * s_ + (y - centre[1]) * c))
            for x, y in corners
        )  # fmt: skip
    img = truth.convert("RGBA")
    img.alpha_composite(layer)
    box = (left - 6, top - 6, right + 6, bottom + 6)
    ink = np.asarray(layer)[..., 3] > 0
    texts = [Text(word, box, size, "regular", colour, turned=polygon)]
    return np.asarray(img.convert("RGB")), np.asarray(truth).astype(np.float32), texts, ink, panel


def _ruled_cells(
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, list[Text], np.ndarray, tuple[int, int, int, int]]:
    """A spec table on a white card (a trial's a02_spec): 1-2 px grey rules a few px from
    each cell's dark text, which the erase must neither take for ink nor smear."""
    page = Image.new("RGB", (SIZE, SIZE), (236, 240, 244))
    draw = ImageDraw.Draw(page)
    table = (80, 200, 920, 680)
    draw.rectangle(table, fill=(255, 255, 255), outline=(150, 150, 150), width=2)
    rows = [200, 360, 520, 680]
    for y in rows[1:-1]:
        draw.line((table[0], y, table[2], y), fill=(170, 170, 170), width=1)
    draw.line((360, table[1], 360, table[3]), fill=(170, 170, 170), width=1)
    img = page.copy()
    draw, texts = ImageDraw.Draw(img), []
    cells = (("材质", (110, 250)), ("304不锈钢", (390, 250)), ("容量", (110, 410)))
    cells += (("500毫升", (390, 410)),)
    for word, at in cells:
        f = font(72)
        draw.text(at, word, font=f, fill=(40, 40, 40))
        left, top, right, bottom = draw.textbbox(at, word, font=f)
        texts.append(Text(word, (left - 4, top - 4, right + 4, bottom + 4), 72, "regular",
                          (40, 40, 40)))  # fmt: skip
    ink = (np.asarray(img) != np.asarray(page)).any(axis=2)
    return np.asarray(img), np.asarray(page).astype(np.float32), texts, ink, (0, 0, SIZE, SIZE)


def _outlined_edge(
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, list[Text], np.ndarray, tuple[int, int, int, int]]:
    """White text with a 4 px dark outline whose line crosses the top of a cream product
    on a grainy photo (a trial's a13/a14 line 2): the product's edge runs through the
    erased area and must go on through it, not be smeared into the photo."""
    y, x = np.mgrid[0:SIZE, 0:SIZE] / SIZE
    base = np.stack([150 + 60 * x + 20 * np.sin(4 * y), 110 + 50 * y, 150 - 30 * x * y], -1)
    base = base + rng.normal(0, 3, base.shape)
    page = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8))
    page = page.filter(ImageFilter.GaussianBlur(0.8))
    ImageDraw.Draw(page).ellipse((250, 300, 750, 950), fill=(225, 215, 200))
    img = page.copy()
    draw, f, word, at = ImageDraw.Draw(img), font(80), "温和不刺激", (100, 240)
    draw.text(at, word, font=f, fill=(255, 255, 255), stroke_width=4, stroke_fill=(60, 20, 50))
    left, top, right, bottom = draw.textbbox(at, word, font=f, stroke_width=4)
    texts = [Text(word, (left - 3, top - 3, right + 3, bottom + 3), 80, "regular",
                  (255, 255, 255), (60, 20, 50), 4)]  # fmt: skip
    ink = (np.asarray(img) != np.asarray(page)).any(axis=2)
    return np.asarray(img), np.asarray(page).astype(np.float32), texts, ink, (0, 0, SIZE, SIZE)


def _busy(rng: np.random.Generator) -> np.ndarray:
    """Fine stripes of three colours, each its own way and period (none repeats the
    others'), with grain and a few dots (a trial's a03: no one stretch of it matches
    another, and its grey is nearly flat)."""
    y, x = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32)
    base = np.stack(
        [
            128 + 60 * np.sin(x / 9.0 + 3 * np.sin(y / 23.0)),
            120 + 55 * np.cos(y / 7.0 + x / 31.0),
            100 + 70 * np.sin((x + y) / 13.0),
        ],
        axis=-1,
    ) + rng.normal(0, 18, (SIZE, SIZE, 3))
    img = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(img)
    for _ in range(30):
        cx, cy, r = (int(v) for v in (*rng.integers(0, SIZE, 2), rng.integers(8, 30)))
        draw.ellipse(
            (cx - r, cy - r, cx + r, cy + r), fill=tuple(int(v) for v in rng.integers(30, 230, 3))
        )
    return np.asarray(img.filter(ImageFilter.GaussianBlur(0.8))).astype(np.float32)


def _card_edge(
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, list[Text], np.ndarray, tuple[int, int, int, int]]:
    """Red text on a light grey page running onto a product (a trial's a05_edge): a blue
    card with rounded corners and a yellow band across it. The letters cross the card's
    vertical left edge and the band's bottom edge; every piece is flat colour, and the
    truth is the three straight edges continued through the hole."""
    page = Image.new("RGB", (SIZE, SIZE), (236, 236, 236))
    draw = ImageDraw.Draw(page)
    card, band = (400, 150, 820, 820), (400, 400, 820, 540)
    draw.rounded_rectangle(card, radius=40, fill=(30, 90, 160))
    draw.rectangle(band, fill=(240, 200, 60))
    img = page.copy()
    draw, f = ImageDraw.Draw(img), font(100)
    # from the page onto the card, the band's bottom edge through the letters
    word, at = "防摔耐磨", (130, 470)
    draw.text(at, word, font=f, fill=(215, 30, 30))
    left, top, right, bottom = draw.textbbox(at, word, font=f)
    texts = [Text(word, (left - 4, top - 4, right + 4, bottom + 4), 100, "regular",
                  (215, 30, 30))]  # fmt: skip
    ink = (np.asarray(img) != np.asarray(page)).any(axis=2)
    return np.asarray(img), np.asarray(page).astype(np.float32), texts, ink, (0, 0, SIZE, SIZE)


def _grain(rng: np.random.Generator) -> np.ndarray:
    """A flat cream panel with a photo's grain (no JPEG): no ringing to erase round the
    letters, the grain must go on up to them."""
    base = np.broadcast_to(np.array([226, 214, 190], np.float32), (SIZE, SIZE, 3))
    return base + rng.normal(0, 5, (SIZE, SIZE, 1)).astype(np.float32)


def _dotted(rng: np.random.Generator) -> np.ndarray:
    """A flat pale panel printed with small dots of its own (a polka pattern every 40 px,
    4 px across): the dots near the letters are the panel's, not the letters'."""
    base = np.broadcast_to(np.array([250, 236, 240], np.float32), (SIZE, SIZE, 3)).copy()
    y, x = np.mgrid[0:SIZE, 0:SIZE]
    dots = ((x % 40 - 20) ** 2 + (y % 40 - 20) ** 2) <= 4
    base[dots] = (235, 150, 170)
    return base


def _polka(rng: np.random.Generator) -> np.ndarray:
    """Large white polka dots on a pink panel (a trial's f09): dots 24 px across every
    71.5 px, each row set half a step along (a half-drop), anti-aliased; a title 90 px tall
    covers several of them, which must go on under it."""
    base = np.broadcast_to(np.array([240, 150, 175], np.float32), (SIZE, SIZE, 3)).copy()
    y, x = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32)
    step = 71.5
    row = np.floor(y / step)
    dx = (x + 0.5 * step * (row % 2)) % step - step / 2
    dy = y % step - step / 2
    cover = np.clip(12.0 + 0.5 - np.sqrt(dx * dx + dy * dy), 0, 1)[..., None]
    return base + (np.array([252, 250, 248], np.float32) - base) * cover


def _tiles(rng: np.random.Generator) -> np.ndarray:
    """Ceramic tiles (a trial's f11): square tiles 97.6 px apart (a photo's scale: no whole
    number of px), each its own shade of an off-white (a few levels apart), set in 4 px
    darker grout lines, anti-aliased, with a slight grain: the grout lines must run on
    straight through the letters."""
    pitch, grout = 97.6, 4.0
    y, x = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32)
    y, x = y + 37.3, x + 61.7
    shades = rng.normal(0, 5, (int(SIZE / pitch) + 3,) * 2).astype(np.float32)
    tile = (
        np.array([228, 224, 214], np.float32)
        + shades[(y // pitch).astype(int), (x // pitch).astype(int)][..., None]
    )

    def line(v: np.ndarray) -> np.ndarray:  # a grout line's cover where each tile starts
        off = np.abs((v + pitch / 2) % pitch - pitch / 2)
        return np.clip(grout / 2 + 0.5 - off, 0, 1)

    cover = np.maximum(line(y), line(x))[..., None]
    base = tile + (np.array([150, 146, 138], np.float32) - tile) * cover
    return base + rng.normal(0, 2.0, (SIZE, SIZE, 1)).astype(np.float32)


def _gingham(rng: np.random.Generator) -> np.ndarray:
    """Gingham (a trial's f10): white with red bands across and down, half of a 37.4 px
    period each (no whole number of px), anti-aliased; where the bands cross, the full red,
    where one lies, half of it (a third colour)."""
    period = 37.4
    y, x = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32)

    def band(v: np.ndarray) -> np.ndarray:  # cover of a band half the period wide
        off = np.abs((v % period) - period / 2)  # 0 at a band's middle
        return np.clip(period / 4 + 0.5 - off, 0, 1)

    t = (0.5 * (band(y + 9.2) + band(x + 17.6)))[..., None]
    white, red = np.array([250, 248, 245], np.float32), np.array([196, 40, 52], np.float32)
    return white + (red - white) * t


BLUE = (70, 95, 140)  # the fabric's and the flat panel's blue under outlined white text


def _weave(rng: np.random.Generator) -> np.ndarray:
    """Woven blue fabric (a cushion cover, a trial's d01): a fine 6 px weave with noise,
    on which no smooth panel grows."""
    y, x = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32)
    weave = 18 * np.sin(x * 2 * np.pi / 6) * np.sign(np.sin(y * 2 * np.pi / 12))
    weave += 18 * np.sin(y * 2 * np.pi / 6) * np.sign(np.cos(x * 2 * np.pi / 12))
    base = np.array(BLUE, np.float32) + weave[..., None]
    return base + rng.normal(0, 7, (SIZE, SIZE, 1)) + rng.normal(0, 3, (SIZE, SIZE, 3))


def _blue(rng: np.random.Generator) -> np.ndarray:
    """One flat blue (the same text on it as on the weave: a trial's p1_flatblue)."""
    return np.broadcast_to(np.array(BLUE, np.float32), (SIZE, SIZE, 3)).copy()


NAVY = (25, 35, 95)  # an outline's navy, near the grout's dark (a trial's f11)


def _grout(rng: np.random.Generator, tile: int = 96, line: int = 5) -> np.ndarray:
    """Light ceramic tiles set in dark grout (a trial's f11's wall): square tiles, each its
    own pale shade with a soft glaze across it and a little grain, `line` px of grout
    between them whose dark blue-grey is near a navy outline's."""
    y, x = np.mgrid[0:SIZE, 0:SIZE]
    shades = rng.uniform(205, 245, (SIZE // tile + 2, SIZE // tile + 2, 1)) + rng.uniform(
        -6, 6, (SIZE // tile + 2, SIZE // tile + 2, 3)
    )
    base = shades[y // tile, x // tile].astype(np.float32)
    glaze = 10 * np.sin((x % tile + y % tile) / tile * np.pi)[..., None]
    base = base + glaze + rng.normal(0, 2.5, (SIZE, SIZE, 1))
    joint = (x % tile < line) | (y % tile < line)
    base[joint] = np.array([62, 66, 82], np.float32) + rng.normal(0, 4, (int(joint.sum()), 1))
    img = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8))
    return np.asarray(img.filter(ImageFilter.GaussianBlur(0.7))).astype(np.float32)


def ghosted(s: Synth, levels: float) -> Image.Image:
    """The true background of `s` with a faint ghost of its letters left on it, `levels`
    grey levels off (towards the text's colour): an erase that nearly worked."""
    import cv2

    base = np.asarray(s.background).astype(np.float32)
    soft = cv2.GaussianBlur(s.ink.astype(np.float32), (0, 0), 0.8)[..., None]
    towards = np.sign(np.asarray(s.texts[0].fill, np.float32).mean() - base.mean(axis=2))
    return Image.fromarray(np.clip(np.rint(base + levels * soft * towards[..., None]), 0, 255)
                           .astype(np.uint8))  # fmt: skip


def outlined(s: Synth, levels: float, width: int = 2) -> Image.Image:
    """The true background of `s` with its letters' outline left on it: a line `width` px
    wide just outside every stroke, `levels` grey levels off away from the text's colour
    (a watermark un-blended a little past its strokes' edges, a11)."""
    import cv2

    base = np.asarray(s.background).astype(np.float32)
    ink = s.ink.astype(np.uint8)
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * width + 1, 2 * width + 1))
    line = (cv2.dilate(ink, disc) > 0) & ~s.ink
    away = -np.sign(np.asarray(s.texts[0].fill, np.float32).mean() - base.mean(axis=2))
    off = levels * line * away
    return Image.fromarray(np.clip(np.rint(base + off[..., None]), 0, 255).astype(np.uint8))


LOOKS = {
    "flat": (_flat, Look()),
    "gradient": (_gradient, Look(fill=(255, 255, 255))),
    "stripes": (_stripes, Look(fill=(20, 20, 20))),
    "checks": (_checks, Look(fill=(20, 60, 20), outline=(255, 255, 255), outline_width=3)),
    "wood": (_wood, Look(fill=(255, 240, 200))),
    "bokeh": (_bokeh, Look(fill=(255, 255, 255))),
    "dusk-bokeh": (_dusk, Look(fill=(255, 255, 255), sizes=(120, 70, 56))),
    # white letters with a cyan glow on a dark night photo's soft lights (e09)
    "glow": (_night, Look(fill=(255, 255, 255), glow=(110, 200, 255), sizes=(120, 60, 44))),
    # pale letters in a wide, soft halo of saturated cyan on a flat dark navy (the kit's 09)
    "glow-wide": (
        _navy,
        Look(fill=WIDE_FILL, glow=WIDE_GLOW, halo=WIDE_HALO, sizes=(140, 90, 60)),
    ),
    # white letters with a dark drop shadow on the same night photo (e09's second line):
    # the shadow's specks were left on the lights, and in the letters' counters
    "night-shadow": (_night, Look(fill=(255, 255, 255), shadow=True, sizes=(56, 48, 44))),
    "marble": (_marble, Look(fill=(196, 160, 72))),  # gold on white marble's veins (d02)
    "wood-shadow": (_wood, Look(fill=(45, 28, 16), shadow=True)),  # d03: dark, soft shadow
    "shadow": (_flat, Look(fill=(255, 210, 40), shadow=True)),
    "outline2": (_flat, Look(fill=(255, 255, 255), outline=(20, 20, 20), outline_width=2)),
    "outline4": (_gradient, Look(fill=(255, 255, 255), outline=(200, 0, 0), outline_width=4)),
    "outline8": (_flat, Look(fill=(255, 230, 0), outline=(30, 30, 120), outline_width=8)),
    "grain": (_grain, Look(fill=(120, 40, 30))),
    "dotted": (_dotted, Look(fill=(60, 60, 160))),
    # white letters outlined in black over three colours' stripes and dots (a03)
    "outline-busy": (
        _busy,
        Look(fill=(255, 255, 255), outline=(20, 20, 20), outline_width=6, sizes=(140, 100, 60)),
    ),
    # white letters with a thick dark outline (d01): in the region's box the outline is
    # commoner than what is around it, but it hugs the letters, so it is ink, no panel
    "outline6": (_blue, Look((255, 255, 255), (20, 20, 30), 6, sizes=(110, 80, 56), tight=True)),
    "outline-weave": (
        _weave,
        Look((255, 255, 255), (20, 20, 30), 4, sizes=(100, 80, 64), tight=True),
    ),
    # a title over several big dots, tiles and their grout, a gingham's checks (f09-f11):
    # the pattern goes on under the letters
    "polka": (_polka, Look(fill=(120, 20, 60), sizes=(90, 64, 48))),
    "tiles": (_tiles, Look(fill=(30, 45, 80), sizes=(90, 64, 48))),
    "gingham": (_gingham, Look(fill=(20, 30, 70), sizes=(80, 56, 44))),
    # an outline of the stripes' own dark colour
    "outline-stripes": (
        _stripes,
        Look(fill=(255, 255, 255), outline=(40, 70, 140), outline_width=4),
    ),
    # white letters with a navy outline over light tiles in dark grout (a trial's f11): the
    # outline's colour near the grout's, the tiles light and each its own shade; and the
    # same outline over wood grain and out-of-focus lights
    "outline-tiles3": (_grout, Look(fill=(255, 255, 255), outline=NAVY, outline_width=3)),
    "outline-tiles5": (_grout, Look(fill=(255, 255, 255), outline=NAVY, outline_width=5)),
    "outline-wood": (_wood, Look(fill=(255, 255, 255), outline=NAVY, outline_width=3)),
    "outline-bokeh": (_bokeh, Look(fill=(255, 255, 255), outline=NAVY, outline_width=5)),
    # brown letters in a 3 px pale outline on g11's knit, lighter than its light threads:
    # the outline is all round the letters, the threads beside them only here and there
    "outline-knit": (_knit, Look(fill=(110, 80, 60), outline=(240, 236, 226), outline_width=3)),
}
JPEG = ("flat", "banner", "overhang", "tight-band", "stripes", "bokeh", "paragraph", "shadow-band")
JPEG += ("grain",)  # a grainy photo panel: JPEG's ringing check must not smooth its grain
JPEG += ("card-edge",)
JPEG += ("glow",)
JPEG += ("two-colour",)  # JPEG's ringing round red on cream: no third colour
JPEG += ("para-linen",)
JPEG += ("outline-tiles3", "outline-tiles5", "outline-wood", "outline-bokeh")
JPEG += ("polka", "tiles", "gingham")
JPEG += ("price-card",)
JPEG += ("columns",)
JPEG += ("wood-title",)
CLASSES = (
    *("flat", "gradient", "banner", "overhang", "tight-band", "stripes", "checks", "wood"),
    *("bokeh", "paragraph", "shadow-band", "pill-jpeg70", "sticker"),
    *("dusk-bokeh",),  # a trial's 02: white letters on big soft lights over a dark navy
    *("watermark-photo", "watermark-flat", "watermark-turned", "ruled-cells", "outlined-edge"),
    *("watermark-product",),  # trial 31's 04: a white mark turned across a ball and its backdrop
    *("grain",),
    *("dotted", "card-edge"),
    *("marble", "wood-shadow"),
    *("product", "shadow"),
    *("outline2", "outline4", "outline8", "outline-stripes", "outline-busy"),
    *("outline6", "outline-weave"),
    *("outline-tiles3", "outline-tiles5", "outline-wood", "outline-bokeh"),
    *("glow", "glow-wide", "night-shadow"),
    *("two-colour",),
    *("para-linen", "para-wood"),
    *("polka", "tiles", "gingham"),
    *("price-card",),
    *("columns",),  # g09: two vertical columns on marble beside a vase
    *("wood-title",),
    *("giftbox",),  # g06: a box's own printing on its face, overlay text around it
    # g09: a line across a red gift box's top-left corner on bokeh, level in gold and
    # turned 8 degrees in white: the box's edges run under the letters and meet there
    *("corner-box", "corner-box-turned"),
    *("card-bottle",),  # g01: a bottle's label on a card laid over a poster
    *("product-sticker",),  # the kit's 06: a price sticker over a bottle's edge, its label
    *("sky-headline",),  # g12: a headline and subline on a sky of soft clouds, a price tag
    *("knit-title", "outline-knit"),  # g11: a plain brown subline on a zig-zag knit
    *("shaded-table", "zebra-table"),  # trial 13 g07: a table's rows shaded white and light
    # blue in turn, ruled, and with no rules
    *(f"{name}-jpeg" for name in JPEG),
)
BUBBLES = ("bubble", "bubble-grey", "bubble-sepia")  # drawn for the product's tests (what
# is taken for printing is their subject; a plain fill's erase is CLASSES')
LAYOUTS = (
    "table",
    "list",
    "bullets",
    "heading",
    "slogan",  # trial s32's 01: two lines across a sky and a grainy ground
    "small-paragraph",  # trial s32's 08: five small lines on a wide panel under a title
)  # drawn for the layout's tests (set, not erase, is their subject)


def glow_on(picture: str, seed: int = 0) -> Synth:
    """The glow-wide class's lines (the kit's 09) on another class's picture: "navy",
    "night", "bokeh", "dusk", "gradient" or "wood"."""
    maker = {"navy": _navy, "night": _night, "bokeh": _bokeh, "dusk": _dusk,
             "gradient": _gradient, "wood": _wood}[picture]  # fmt: skip
    img, base, texts, ink = _plain(maker, LOOKS["glow-wide"][1])(np.random.default_rng(seed))
    background = Image.fromarray(np.clip(np.rint(base), 0, 255).astype(np.uint8))
    return Synth(f"glow-wide-on-{picture}", Image.fromarray(img), background, texts,
                 (0, 0, SIZE, SIZE), None, ink)  # fmt: skip


def make(name: str, seed: int = 0) -> Synth:
    """The synthetic image of class `name` (one of CLASSES) for `seed`."""
    base_name = name.removesuffix("-jpeg").removesuffix("-jpeg70")
    rng = np.random.default_rng(abs(hash_name(base_name)) + seed)
    panel = (0, 0, SIZE, SIZE)
    product = None
    if base_name == "banner":
        img, base, texts, ink, panel = _banner(rng)  # type: ignore[misc]
    elif base_name == "overhang":
        img, base, texts, ink, panel = _overhang(rng)
    elif base_name == "tight-band":
        img, base, texts, ink, panel = _tight_band(rng)
    elif base_name == "sticker":
        img, base, texts, ink, panel = _sticker(rng)
    elif base_name == "pill":
        img, base, texts, ink, panel = _pill(rng)
    elif base_name == "shadow-band":
        img, base, texts, ink, panel = _shadow_band(rng)
    elif base_name == "table":
        img, base, texts, ink, panel = _table(rng)
    elif base_name == "shaded-table":
        img, base, texts, ink, panel = _shaded_table(rng)
    elif base_name == "zebra-table":
        img, base, texts, ink, panel = _shaded_table(rng, ruled=False)
    elif base_name == "list":
        img, base, texts, ink, panel = _list(rng)
    elif base_name == "bullets":
        img, base, texts, ink, panel = _bullets(rng)
    elif base_name == "heading":
        img, base, texts, ink, panel = _heading(rng)
    elif base_name == "slogan":
        img, base, texts, ink, panel = _slogan(rng)
    elif base_name == "small-paragraph":
        img, base, texts, ink, panel = _small_paragraph(rng)
    elif base_name.startswith("watermark-"):
        img, base, texts, ink, panel = _watermark(rng, base_name.removeprefix("watermark-"))
    elif base_name == "outlined-edge":
        img, base, texts, ink, panel = _outlined_edge(rng)
    elif base_name == "card-edge":
        img, base, texts, ink, panel = _card_edge(rng)
    elif base_name == "ruled-cells":
        img, base, texts, ink, panel = _ruled_cells(rng)
    elif base_name == "two-colour":
        img, base, texts, ink, panel = _two_colour(rng)
    elif base_name == "para-linen":
        img, base, texts, ink, panel = _dense(rng)
    elif base_name == "para-wood":
        img, base, texts, ink, panel = _dense(rng, _wood, (255, 240, 200))
    elif base_name == "price-card":
        img, base, texts, ink, panel = _price_card(rng)
    elif base_name == "wood-title":
        img, base, texts, ink, panel = _wood_title(rng)
    elif base_name == "knit-title":
        img, base, texts, ink, panel = _knit_title(rng)
    elif base_name.startswith("bubble"):
        tone = base_name.removeprefix("bubble").removeprefix("-") or "colour"
        img, base, texts, ink, panel = _bubble(rng, tone)
    elif base_name == "paragraph":
        img, base, texts, ink, panel = _paragraph(rng)
    elif base_name == "product":
        img, base, texts, ink, product = _over_product(rng)
    elif base_name == "columns":
        img, base, texts, ink, product = _columns(rng)
    elif base_name == "giftbox":
        img, base, texts, ink, product = _giftbox(rng)
    elif base_name == "corner-box":
        img, base, texts, ink, product = _corner_box(rng, 0.0, GOLD)
    elif base_name == "corner-box-turned":
        img, base, texts, ink, product = _corner_box(rng, 8.0, (255, 255, 255))
    elif base_name == "card-bottle":
        img, base, texts, ink, product = _card_bottle(rng)
    elif base_name == "product-sticker":
        img, base, texts, ink, product = _product_sticker(rng)
    elif base_name == "sky-headline":
        img, base, texts, ink, product = _sky_headline(rng)
    else:
        maker, look = LOOKS[base_name]
        img, base, texts, ink = _plain(maker, look)(rng)
    background = Image.fromarray(np.clip(np.rint(base), 0, 255).astype(np.uint8))
    image = Image.fromarray(img)
    if name.endswith(("-jpeg", "-jpeg70")):
        buf = io.BytesIO()
        image.save(buf, "JPEG", quality=70 if name.endswith("70") else 88)
        image = Image.open(buf).convert("RGB")
    return Synth(name, image, background, texts, panel, product, ink)


def hash_name(name: str) -> int:
    """A stable number for a class name (str hashes change per process)."""
    return sum((i + 1) * ord(c) for i, c in enumerate(name)) * 7919


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    """Peak signal-to-noise ratio of two arrays of pixels, in dB (99 for identical)."""
    diff = a.astype(np.float64) - b.astype(np.float64)
    mse = float((diff * diff).mean()) if diff.size else 0.0
    return 99.0 if mse == 0 else 10 * np.log10(255.0**2 / mse)


def scored(s: Synth, clean: Image.Image) -> tuple[float, int]:
    """How near `clean` is to the true background where the text was (its pixels grown
    by 2 px, within the panel), in dB; and how many pixels outside the panel changed."""
    import cv2

    where = cv2.dilate(s.ink.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    where &= s.panel_mask()
    a, b = np.asarray(clean), np.asarray(s.background)
    outside = ~s.panel_mask()
    changed = int((np.asarray(clean) != np.asarray(s.image))[outside].any(axis=-1).sum())
    return psnr(a[where], b[where]), changed


def ink_runs(rows: np.ndarray, bridge: int) -> list[tuple[int, int]]:
    """The runs of inked rows (first, last), gaps of up to `bridge` rows bridged."""
    found = np.nonzero(rows)[0]
    runs: list[list[int]] = []
    for y in found:
        if runs and y - runs[-1][1] <= bridge + 1:
            runs[-1][1] = int(y)
        else:
            runs.append([int(y), int(y)])
    return [(a, b) for a, b in runs]


def lines_drawn(
    img: Image.Image,
    colour: tuple[int, int, int],
    area: tuple[int, int, int, int] | None = None,
    near: int = 40,
) -> list[tuple[float, float]]:
    """Each drawn line's ink (pixels within `near` of `colour` in every channel) inside
    `area` (the whole image when None), across: (left, right), top line first (rows of
    ink more than 6 px apart are two lines)."""
    x0, y0, x1, y1 = area or (0, 0, img.width, img.height)
    a = np.asarray(img)[y0:y1, x0:x1].astype(np.int16)
    ink = np.abs(a - np.asarray(colour)).max(axis=2) < near
    out = []
    for top, bottom in ink_runs(ink.any(axis=1), bridge=5):
        cols = np.nonzero(ink[top : bottom + 1].any(axis=0))[0]
        out.append((float(cols[0] + x0), float(cols[-1] + 1 + x0)))
    return out


def blurred_photo(
    size: tuple[int, int] = (1080, 720), seed: int = 0, product: tuple[int, ...] | None = None
) -> Image.Image:
    """A blurred lifestyle photo with no flat panel anywhere (a trial's d04/d08: soft
    colour blobs over a shaded, grainy scene), and, when `product` (left, top, right,
    bottom) is given, a dark phone standing on it: a backdrop a caption is laid onto."""
    w, h = size
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w] / max(w, h)
    base = np.stack([150 + 90 * y + 20 * np.sin(4 * x), 140 + 60 * x + 20 * np.cos(6 * y),
                     130 + 50 * x * y - 30 * y], -1) + rng.normal(0, 6, (h, w, 3))  # fmt: skip
    img = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8)).filter(
        ImageFilter.GaussianBlur(1.2)
    )
    draw = ImageDraw.Draw(img)
    for _ in range(14):
        cx, cy, r = int(rng.integers(0, w)), int(rng.integers(0, h)), int(rng.integers(60, 220))
        colour = tuple(int(c) for c in rng.integers(60, 250, 3))
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=colour)
    img = img.filter(ImageFilter.GaussianBlur(28))
    if product is not None:
        left, top, right, bottom = product
        phone = ImageDraw.Draw(img)
        phone.rounded_rectangle(product, 60, fill=(25, 25, 30))
        phone.rounded_rectangle(
            (left + 30, top + 40, right - 30, bottom - 40), 40, fill=(60, 70, 90)
        )
    return img


def tilted_banner(angle: float = 8.0, quality: int | None = None, ghost: float = 0.0) -> Synth:
    """A red sticker banner turned `angle` degrees (rising to the right) with one line of
    bold white Chinese along it, over a light studio backdrop and the top of a bottle (a
    trial's e03); `quality`: saved as a JPEG of that quality (its edge rings); `ghost`: the
    image is instead the true background with the letters left `ghost` levels faint on it
    (an erase that left its ghost, which the judge of erases must still doubt)."""
    y = np.mgrid[0:SIZE, 0:SIZE][0] / SIZE
    base = np.stack([236 - 24 * y, 238 - 18 * y, 244 - 12 * y], -1)
    base = base + np.random.default_rng(8).normal(0, 2, base.shape)
    page = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8))
    pen = ImageDraw.Draw(page)
    pen.rounded_rectangle((380, 300, 640, 900), 110, fill=(172, 198, 226))
    pen.rectangle((450, 230, 570, 310), fill=(92, 100, 122))  # its neck, under the banner
    word, f, held = "新品首发", font(110), (620, 220)
    band = Image.new("RGBA", held, (0, 0, 0, 0))
    ImageDraw.Draw(band).rounded_rectangle((10, 10, 610, 210), 40, fill=(232, 52, 58, 255))
    lettered = band.copy()
    centre = (held[0] / 2, held[1] / 2)
    ImageDraw.Draw(lettered).text(centre, word, font=f, fill=(255, 255, 255, 255), anchor="mm",
                                  stroke_width=2, stroke_fill=(255, 255, 255, 255))  # fmt: skip
    at = (40, 40)
    img, truth = page.copy(), page.copy()
    for layer, onto in ((lettered, img), (band, truth)):
        turned = layer.rotate(angle, resample=Image.BICUBIC, expand=True)
        onto.paste(turned, at, turned)
    # the line's box (its ink and a few px) turned with it: OCR's polygon
    left, top, right, bottom = ImageDraw.Draw(band).textbbox(
        centre, word, font=f, anchor="mm", stroke_width=2
    )
    c, s_ = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    w, h = held
    big_w, big_h = w * c + h * abs(s_), w * abs(s_) + h * c  # the turned layer's size
    corners = ((left - 6, top - 6), (right + 6, top - 6), (right + 6, bottom + 6),
               (left - 6, bottom + 6))  # fmt: skip
    polygon = tuple(
        (round(at[0] + big_w / 2 + (x - w / 2) * c + (y - h / 2) * s_),
         round(at[1] + big_h / 2 - (x - w / 2) * s_ + (y - h / 2) * c))
        for x, y in corners
    )  # fmt: skip
    xs, ys = [p[0] for p in polygon], [p[1] for p in polygon]
    box = (min(xs), min(ys), max(xs), max(ys))
    ink = (np.asarray(img) != np.asarray(truth)).any(axis=2)
    text = Text(word, box, 110, "bold", (255, 255, 255), turned=polygon)
    synth = Synth("tilted-banner", img, truth, [text], (0, 0, SIZE, SIZE), None, ink)
    if ghost:
        synth.image = ghosted(synth, ghost)
    if quality is not None:
        buf = io.BytesIO()
        synth.image.save(buf, "JPEG", quality=quality)
        synth.image = Image.open(buf).convert("RGB")
    return synth
