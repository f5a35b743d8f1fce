"""Lines of one width whose edges cannot tell how they were aligned (a block's, or a title
and its subline's): centred when they sit on the centre of the panel round them (a
sticker's disc, a page), left when the panel runs on past their right end (a paragraph's
page)."""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw

from localize.image.replace import RegionPlan, ReplaceText
from tests.imagesynth import font, lines_drawn

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
