"""Lines of one width whose edges cannot tell how they were aligned (a block's, or a title
and its subline's): centred when they sit on the centre of the panel round them (a
sticker's disc, a page), left when the panel runs on past their right end (a paragraph's
page)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from localize.image.replace import RegionPlan, ReplaceText
from tests.imagesynth import font, ink_runs, lines_drawn

GREY, RED, WHITE = (222, 222, 226), (214, 20, 36), (255, 255, 255)
DISC = (200, 250, 110)  # centre x, y and radius
INK = 24  # a drawn line's pixel: within this of its colour (the grey page: 33 off white)


def _page(lines: list[str], at: list[tuple[int, int]], disc: bool) -> tuple[Image.Image, list]:
    """The image and each line's polygon: white bold lines centred on a red disc, or dark
    ones on a wide grey page at one left edge."""
    img = Image.new("RGB", (640, 500), GREY)
    draw = ImageDraw.Draw(img)
    cx, cy, r = DISC
    if disc:
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=RED)
    f, polygons = font(52), []
    for text, (x, y) in zip(lines, at, strict=True):
        left, top, right, bottom = draw.textbbox((x, y), text, font=f, stroke_width=1)
        if disc:  # (centred on the disc: placed by its own width)
            x -= (left + right) / 2 - cx
            left, top, right, bottom = draw.textbbox((x, y), text, font=f, stroke_width=1)
        fill = WHITE if disc else (60, 50, 40)
        draw.text((x, y), text, font=f, fill=fill, stroke_width=1, stroke_fill=fill)
        polygons.append(((left - 4, top - 4), (right + 4, top - 4), (right + 4, bottom + 4),
                         (left - 4, bottom + 4)))  # fmt: skip
    return img, polygons


@pytest.mark.parametrize(
    ("language", "script", "translations"),
    [("en", "latin", ["New", "20% off"]), ("th", "thai", ["ใหม่", "ลด 20%"])],
)
def test_a_stickers_lines_of_one_width_stay_centred_on_its_disc(
    language: str, script: str, translations: list[str]
) -> None:
    # trial-img12 g09: 新品 / 8折 centred on a red disc came back "New" / "20% off" set on
    # the disc's left, the lines' edges agreeing as well as their centres (read as left)
    img, polygons = _page(["新品", "8折"], [(0, 172), (0, 240)], disc=True)
    plans = tuple(
        RegionPlan(p, t, tr)
        for p, t, tr in zip(polygons, ["新品", "8折"], translations, strict=True)
    )
    ReplaceText(plans, language, script).draw(img)
    drawn = lines_drawn(img, WHITE, near=INK)
    assert len(drawn) == 2, drawn
    for left, right in drawn:
        assert abs((left + right) / 2 - DISC[0]) <= 6, (drawn, DISC[0])


def test_a_paragraphs_lines_of_one_width_keep_their_left_edge_on_a_wide_page() -> None:
    img, polygons = _page(["纯棉面料", "柔软亲肤"], [(40, 150), (40, 220)], disc=False)
    plans = (RegionPlan(polygons[0], "纯棉面料", "Pure cotton fabric"),
             RegionPlan(polygons[1], "柔软亲肤", "Soft"))  # fmt: skip
    ReplaceText(plans, "en", "latin").draw(img)
    drawn = lines_drawn(img, (60, 50, 40), near=INK)
    assert len(drawn) == 2, drawn
    assert abs(drawn[0][0] - drawn[1][0]) <= 4, drawn  # one left edge
    assert drawn[0][0] <= 60, drawn


def test_a_title_and_its_subline_of_one_width_centred_on_the_page_stay_centred() -> None:
    # trial-img12 g10: 经典牛仔 over 耐磨耐穿越洗越有型, centred on denim and of one width,
    # each took the left edge it shares with the other, and came back set from it
    blue, gold = (30, 50, 100), (240, 190, 80)
    img = Image.new("RGB", (640, 420), blue)
    draw = ImageDraw.Draw(img)
    polygons = []
    for text, size, fill, y in (
        ("经典牛仔", 64, gold, 100),
        ("耐磨耐穿越洗越有型", 28, WHITE, 200),
    ):
        f = font(size)
        left, top, right, bottom = draw.textbbox((0, y), text, font=f)
        x = 320 - (left + right) / 2
        draw.text((x, y), text, font=f, fill=fill)
        left, top, right, bottom = draw.textbbox((x, y), text, font=f)
        polygons.append(((left - 4, top - 4), (right + 4, top - 4), (right + 4, bottom + 4),
                         (left - 4, bottom + 4)))  # fmt: skip
    plans = (RegionPlan(polygons[0], "经典牛仔", "Classic denim"),
             RegionPlan(polygons[1], "耐磨耐穿越洗越有型", "Tough and hard-wearing"))  # fmt: skip
    ReplaceText(plans, "en", "latin").draw(img)
    for colour in (gold, WHITE):
        drawn = lines_drawn(img, colour, near=INK)
        assert len(drawn) == 1, (colour, drawn)
        left, right = drawn[0]
        assert abs((left + right) / 2 - 320) <= 8, (colour, drawn)


YELLOW = (255, 200, 0)
PRICE_DISC = (810, 210, 130)  # a price sticker's centre x, y and radius (trial s28's 18)


def _price_sticker() -> tuple[Image.Image, list]:
    """A yellow disc beside a product with its label 到手价 at 44 px over its price ¥39.9
    at 64 px, both red and centred: the image and each line's polygon."""
    img = Image.new("RGB", (1000, 1000), WHITE)
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle((350, 200, 650, 900), radius=50, fill=(200, 200, 210))
    cx, cy, r = PRICE_DISC
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=YELLOW)
    polygons = []
    for text, size, y in (("到手价", 44, 170), ("¥39.9", 64, 250)):
        draw.text((cx, y), text, font=font(size), fill=RED, anchor="mm")
        left, top, right, bottom = draw.textbbox((cx, y), text, font=font(size), anchor="mm")
        polygons.append(((left - 6, top - 6), (right + 6, top - 6), (right + 6, bottom + 6),
                         (left - 6, bottom + 6)))  # fmt: skip
    return img, polygons


@pytest.mark.parametrize(
    ("language", "script", "translations"),
    [
        ("en", "latin", ["Great product", "$5.59"]),
        ("vi", "latin", ["Giá cuối cùng", "206.500₫"]),
        ("th", "thai", ["ราคาสุทธิ", "฿277"]),
    ],
)
def test_a_stickers_price_keeps_its_size_under_its_smaller_label(
    language: str, script: str, translations: list[str]
) -> None:
    # trial s28 D10: the label (ink 40 px, Chinese) and the price (ink 49 px, figures) read
    # as one size by their ink, so were one block set at the label's size: "$5.59" drawn
    # at 45% of ¥39.9 under a label on two lines, and nothing said. A price is the
    # sticker's point: it keeps at least FLOOR of its height where the disc holds it
    img, plans = _price_sticker_plans(translations)
    original = _red_lines(img)
    ReplaceText(plans, language, script).draw(img)
    drawn = _red_lines(img)
    assert len(drawn) >= 2, drawn
    price, was = drawn[-1][1] - drawn[-1][0], original[-1][1] - original[-1][0]
    assert price >= 0.6 * was, (language, drawn, original)  # (the price: the lowest line)
    assert price > drawn[-2][1] - drawn[-2][0], (language, drawn)  # and the largest


def _price_sticker_plans(translations: list[str]) -> tuple[Image.Image, tuple[RegionPlan, ...]]:
    """The price sticker and its two lines' plans (label, price) with `translations`."""
    img, polygons = _price_sticker()
    said = zip(polygons, ["到手价", "¥39.9"], translations, strict=True)
    return img, tuple(RegionPlan(p, t, tr) for p, t, tr in said)


def _red_lines(img: Image.Image) -> list[tuple[int, int]]:
    """The rows of red ink on the price sticker, one (top, bottom) run a line."""
    cx, cy, r = PRICE_DISC
    a = np.asarray(img)[cy - r : cy + r, cx - r : cx + r].astype(np.int16)
    ink = np.abs(a - np.asarray(RED)).max(axis=2) < 80
    return ink_runs(ink.any(axis=1), bridge=4)


@pytest.mark.parametrize(
    ("language", "script", "translations"),
    [
        ("en", "latin", ["Great product", "$1,234,567.89"]),
        ("vi", "latin", ["Giá", "1.234.567.890₫"]),
        ("th", "thai", ["ราคา", "฿1,234,567,890"]),
    ],
)
def test_a_stickers_price_drawn_under_half_its_size_is_said_in_every_language(
    language: str, script: str, translations: list[str]
) -> None:
    # trial s28 D10: the price drawn at 45% of its size was silent (its block's size was
    # the label's and the price's ink together); a price too long for its disc is told
    img, plans = _price_sticker_plans(translations)
    notes = ReplaceText(plans, language, script).draw(img).notes
    assert any("'¥39.9'" in str(n) and "% of the original's size" in str(n) for n in notes), notes
