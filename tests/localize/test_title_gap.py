"""A title over its subtitle keeps the gap between them (issue #18: a kettle ad's large
bold red title, wrapped onto two lines in English, was set almost touching the grey
subtitle under it, 15 px where the original had 36, and nothing was said): the gap is
kept, the title shrunk or moved within the room it really has, and said when that leaves
it under half its size."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from localize.image.replace import RegionPlan, erase_piece
from localize.image.typeset import set_pieces
from tests.localize.images import cjk_font
from tests.localize.supplier_text import Lettering, draw

RED, GREY = (200, 30, 30), (110, 110, 110)
SCRIPTS = {"en": "latin", "th": "thai", "vi": "latin"}
TEXTS = ["智能恒温电水壶", "全天保持适宜水温"]
KETTLE = {
    "en": ["Smart Thermostatic Electric Kettle", "Keeps water at the right temperature all day"],
    "th": ["กาต้มน้ำไฟฟ้าควบคุมอุณหภูมิอัจฉริยะ", "รักษาอุณหภูมิน้ำที่เหมาะสมได้ตลอดวัน"],
    "vi": ["Ấm đun nước điện điều nhiệt thông minh", "Giữ nước ở nhiệt độ phù hợp cả ngày"],
}


def cream(size: int) -> Image.Image:
    return Image.new("RGB", (size, size), (245, 240, 230))


def shaded(size: int) -> Image.Image:
    """A banner's soft gradient, light at the top to a warm grey at the foot."""
    rows = np.linspace(0.0, 1.0, size)[:, None, None]
    top, foot = np.array([250, 246, 236]), np.array([214, 204, 190])
    return Image.fromarray(
        np.broadcast_to(top + (foot - top) * rows, (size, size, 3)).astype(np.uint8)
    )


def ink_rows(img: Image.Image, colour: tuple[int, int, int], near: int) -> np.ndarray:
    a = np.asarray(img).astype(np.int16)
    hit = np.abs(a - np.asarray(colour, np.int16)).sum(axis=2) <= near
    return np.nonzero(hit.sum(axis=1) >= 2)[0]


def kettle(background: Image.Image, title_at: int, gap: int):  # type: ignore[no-untyped-def]
    """The ad: a bold red 80 px title centred at `title_at`, its grey 36 px subtitle
    centred `gap` px (ink to ink) under it."""
    width = background.width
    title = cjk_font(80).getbbox(TEXTS[0], stroke_width=3)
    sub = cjk_font(36).getbbox(TEXTS[1])
    x0 = (width - title[2] + title[0]) // 2
    x1 = (width - sub[2] + sub[0]) // 2
    alone = draw(background, [Lettering(TEXTS[0], (x0, title_at), 80, fill=RED, bold=3)])
    bottom = int(ink_rows(alone.image, RED, 120)[-1])
    at = bottom + gap - (sub[1] + 2)  # (drawn 2 px into its layer: supplier_text)
    return draw(
        background,
        [Lettering(TEXTS[0], (x0, title_at), 80, fill=RED, bold=3),
         Lettering(TEXTS[1], (x1, at), 36, fill=GREY)],
    )  # fmt: skip


def set_ad(scene, translations: list[str], language: str):  # type: ignore[no-untyped-def]
    img = scene.image.copy()
    original = np.asarray(img).copy()
    pieces = [
        erase_piece(img, original, RegionPlan(p, t, tr), tr)
        for p, t, tr in zip(scene.polygons, TEXTS, translations, strict=True)
    ]
    return img, set_pieces(img, [p for p in pieces if p], language, SCRIPTS[language])


def gap(img: Image.Image) -> tuple[int, int, int]:
    """The px between the red title's lowest ink and the grey subtitle's highest, and the
    title's top and bottom rows."""
    red, grey = ink_rows(img, RED, 120), ink_rows(img, GREY, 60)
    return int(grey[0] - red[-1]), int(red[0]), int(red[-1])


@pytest.mark.parametrize("background", [cream, shaded])
@pytest.mark.parametrize("language", ["en", "th"])
def test_a_title_wrapped_over_its_subtitle_keeps_the_gap_between_them(
    language: str, background
) -> None:  # type: ignore[no-untyped-def]
    scene = kettle(background(1000), 120, 36)
    before, top, _ = gap(scene.image)
    img, done = set_ad(scene, KETTLE[language], language)
    after, drawn_top, _ = gap(img)
    assert len(done.lines[0]) == 2, done.lines  # the title wrapped, as in the trial
    # the gap kept: FLOOR of it (typeset.KEPT) at least; the trial's 15 px of 36
    # read as one block, the subtitle run into the title
    assert after >= 0.6 * before, (after, before, done.sizes)
    # and the title is no smaller than it must be: it took the free room above it
    assert drawn_top < top - 20, (drawn_top, top)
    assert done.sizes[0] >= 0.6 * done.originals[0], (done.sizes, done.originals)
    assert not done.notes, done.notes


def test_a_title_with_no_room_but_the_gap_is_set_smaller_and_said() -> None:
    # by the top of a narrow image, with a translation too long for the room left over its
    # subtitle: kept off the subtitle (the subtitle, drawn after it, kept off it too: it
    # grew up into the gap, 14 px under the title), set small, and a reviewer told
    scene = kettle(cream(700), 20, 36)
    before, *_ = gap(scene.image)
    long = "Smart Thermostatic Stainless Steel Electric Water Kettle"
    img, done = set_ad(scene, [long, KETTLE["en"][1]], "en")
    after, *_ = gap(img)
    assert after >= 0.6 * before, (after, before, done.sizes)
    assert done.sizes[0] < 0.6 * done.originals[0], (done.sizes, done.originals)
    assert any("'智能恒温电水壶'" in str(n) for n in done.notes), (done.sizes, done.notes)
