"""Centred text stays centred: a line alone cannot tell its alignment from itself, so it
follows its panel, the image's centre or its neighbours; an edge it shares by chance with
a neighbour that is itself centred on its own panel is no edge (trial 13: g02's banner and
burst, g05's subtitle and footer, g07's table column, came back flush right or left)."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from localize.image.replace import RegionPlan, ReplaceText
from tests.imagesynth import font, lines_drawn

GREY, RED, WHITE, YELLOW = (236, 236, 238), (214, 24, 36), (255, 255, 255), (255, 214, 0)
DARK = (52, 52, 60)


def _box(draw: ImageDraw.ImageDraw, at: tuple[float, float], text: str, f, fill) -> tuple:  # type: ignore[no-untyped-def]
    """Draw `text` centred on `at` and return its polygon (its ink box and 4 px round)."""
    draw.text(at, text, font=f, fill=fill, anchor="mm")
    left, top, right, bottom = draw.textbbox(at, text, font=f, anchor="mm")
    return ((left - 4, top - 4), (right + 4, top - 4), (right + 4, bottom + 4),
            (left - 4, bottom + 4))  # fmt: skip


def test_a_banners_centred_line_stays_centred_when_it_wraps() -> None:
    # g02: the red band's one centred line, its right end by chance within 16 px of the
    # burst's centred label under it, wrapped in en into two lines set flush right (the
    # band's left half empty); the burst's label by the image's right edge was set flush
    # right too ("Final / price" over a centred price)
    img = Image.new("RGB", (1000, 1000), GREY)
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 0, 999, 200), fill=RED)
    draw.ellipse((680, 280, 920, 520), fill=YELLOW)
    banner = _box(draw, (497, 100), "限时特惠买一送一", font(86), WHITE)
    label = _box(draw, (800, 342), "到手价", font(34), RED)
    assert abs(banner[1][0] - label[1][0]) <= 20  # (the right ends, 180 px apart)
    plans = (
        RegionPlan(banner, "限时特惠买一送一", "Limited-Time Deal: Buy 1 Get 1 Free"),
        RegionPlan(label, "到手价", "Final price today"),
    )
    ReplaceText(plans, "en", "latin").draw(img)
    drawn = lines_drawn(img, WHITE, (0, 0, 1000, 200))
    assert len(drawn) == 2, drawn  # (it wraps)
    for left, right in drawn:
        assert abs((left + right) / 2 - 500) <= 12, drawn  # each line on the band's centre
    drawn = lines_drawn(img, RED, (690, 290, 910, 400))
    assert drawn, drawn
    for left, right in drawn:
        assert abs((left + right) / 2 - 800) <= 10, drawn  # on the burst's centre


def test_a_subtitle_centred_under_a_centred_title_stays_centred() -> None:
    # g05: the subtitle and the footer centred on the image under a centred title, their
    # rooms stopped on their left by the grain 60 px off and free to the margin on their
    # right, came back flush right (a line alone moved off its centre to be larger)
    rng = np.random.default_rng(5)
    y, x = np.mgrid[0:1000, 0:1000].astype(np.float32)
    wave = np.sin((x + 40 * np.sin(y / 60.0)) / 9.0) * 0.5 + 0.5
    tone = 0.86 + 0.1 * wave[..., None] + rng.normal(0, 0.01, (1000, 1000, 1))
    base = np.clip(np.rint(np.array([170, 112, 60]) * tone), 0, 255).astype(np.uint8)
    # dark knots in the grain left of the subtitle, just under its line (a texture's
    # detail, nothing standing there), and a mug under it
    for cx in (190, 215):
        base[366:376, cx : cx + 6] = (80, 44, 20)
    img = Image.fromarray(base)
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle((340, 440, 640, 760), radius=24, fill=(244, 244, 240))
    title = _box(draw, (500, 200), "热销爆款", font(150), (255, 220, 60))
    sub = _box(draw, (500, 350), "陶瓷马克杯送勺子", font(56), WHITE)
    plans = (
        RegionPlan(title, "热销爆款", "Best Seller"),
        RegionPlan(sub, "陶瓷马克杯送勺子", "Ceramic mug + free spoon"),
    )
    ReplaceText(plans, "en", "latin").draw(img)
    drawn = lines_drawn(img, WHITE, (0, 300, 1000, 420))
    assert drawn, drawn
    for left, right in drawn:
        assert abs((left + right) / 2 - 500) <= 12, drawn


def test_a_table_column_centred_in_its_cells_stays_centred() -> None:
    # g07: the first column's labels of one width (容量, 保温, 材质, 杯盖), each centred in
    # its cell, read as left-aligned (left, centre and right edges all agree: left, the
    # first way) and came back set from the cells' left
    img = Image.new("RGB", (1000, 1000), (250, 250, 252))
    draw = ImageDraw.Draw(img)
    xs, top, pitch = (80, 330, 620, 920), 300, 110
    for r in range(6):
        draw.line((80, top + r * pitch, 920, top + r * pitch), fill=(170, 176, 190), width=2)
    for x in xs:
        draw.line((x, top, x, top + 5 * pitch), fill=(170, 176, 190), width=2)
    f = font(42)
    rows = (
        ("容量", "大杯", "Capacity", "Large"),
        ("保温", "长效", "Keeps hot", "Long"),
        ("材质", "钢质", "Material", "Steel"),
        ("杯盖", "旋盖", "Lid", "Screw lid"),
    )
    plans, centres = [], []
    for r, (label, value, en_label, en_value) in enumerate(rows):
        cy = top + r * pitch + pitch / 2
        for c, (text, english) in enumerate(((label, en_label), (value, en_value))):
            cx = (xs[c] + xs[c + 1]) / 2
            plans.append(RegionPlan(_box(draw, (cx, cy), text, f, DARK), text, english))
            centres.append((cx, cy))
    ReplaceText(tuple(plans), "en", "latin").draw(img)
    for cx, cy in centres:
        cell = (int(cx - 120), int(cy - 40), int(cx + 120), int(cy + 40))
        drawn = lines_drawn(img, DARK, cell)
        assert drawn, (cx, cy)
        for left, right in drawn:
            assert abs((left + right) / 2 - cx) <= 8, (cx, cy, drawn)


def test_a_centred_line_set_off_its_centre_is_said() -> None:
    # a subtitle centred under its title with a dark box 20 px off its left end: its room
    # even about its centre holds its translation at under 3/4 of the size the room on its
    # right gives; it is set there, off its centre, and that is said (it was silent)
    img = Image.new("RGB", (1000, 600), GREY)
    draw = ImageDraw.Draw(img)
    title = _box(draw, (500, 120), "夏季新款上市", font(96), DARK)
    sub = _box(draw, (500, 260), "轻薄透气", font(48), RED)
    draw.rectangle((250, 200, sub[0][0] - 20, 330), fill=(30, 60, 120))
    plans = (
        RegionPlan(title, "夏季新款上市", "New summer collection"),
        RegionPlan(sub, "轻薄透气", "Light, thin and breathable fabric"),
    )
    done = ReplaceText(plans, "en", "latin").draw(img)
    drawn = lines_drawn(img, RED, (0, 200, 1000, 340))
    assert drawn, drawn
    said = [str(n) for n in done.notes if "off its centre" in str(n)]
    off = max(abs((left + right) / 2 - 500) for left, right in drawn)
    assert off <= 12 or said, (drawn, done.notes)
    assert off > 12, drawn  # (the room on its left is too narrow: it is set off its centre)
