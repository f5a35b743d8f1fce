"""No glyph is ever drawn clipped: each line a translation is set in lands whole on the
image. A line's ink drawn alone on a big canvas (its font, size and weight, from where its
pen started) is compared with what landed on the clean plate, over the synthetic supplier
images of every class (tests/imagesynth.py) in en, th and vi; and a trial's two vertical
columns on marble (g09, imagesynth's "columns") are set across the calm marble around
them, whole, at about their size, off the vase."""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from localize.image import fonts
from localize.image.replace import RegionPlan, erase_piece
from localize.image.typeset import FLOOR, Set, set_pieces
from tests.imagesynth import CLASSES, LAYOUTS, make

SCRIPTS = {"en": "latin", "th": "thai", "vi": "latin"}
PHRASES = {  # short and long, one word too wide for a narrow space among them
    "en": ["Sale", "Free shipping", "Crafted quality", "Thermoregulating insulated bottle",
           "Elegant living for every day of the year", "Breathable cotton"],
    "th": ["ลดราคา", "ส่งฟรี", "คุณภาพงานฝีมือ", "ชีวิตที่สง่างามทุกวันตลอดทั้งปี",
           "ผ้าฝ้ายระบายอากาศ", "กระติกน้ำสุญญากาศความจุสูง"],
    "vi": ["Giảm giá", "Miễn phí vận chuyển", "Chất lượng tinh xảo", "Sống thanh lịch",
           "Bình giữ nhiệt dung tích lớn suốt mười hai giờ", "Cotton thoáng khí"],
}  # fmt: skip
CORE = 250  # a letter's px this opaque is its core (at its edge an outline shows through)
CHANGED = 24  # per channel: a pixel that moved this far from the clean plate was drawn
INK_LIKE = 40  # per channel: a pixel this near the line's ink colour shows its ink


@functools.lru_cache(maxsize=8)
def erased(name: str) -> tuple[Image.Image, tuple, tuple]:  # type: ignore[type-arg]
    """The class's clean plate, its erased pieces (their translations still to be given)
    and its truth's texts, erased once per class."""
    s = make(name)
    img = s.image.copy()
    original = np.asarray(img).copy()
    pieces = tuple(
        erase_piece(img, original, RegionPlan(t.polygon, t.text, t.text), t.text) for t in s.texts
    )
    return img, pieces, tuple(s.texts)


def set_on(
    name: str, language: str, translations: list[str]
) -> tuple[Image.Image, Image.Image, Set, list[int]]:
    """The class's plate, the image with the translations set on it, what was set, and
    which texts were erased (their indexes)."""
    plate, pieces, _ = erased(name)
    kept = [k for k, p in enumerate(pieces) if p is not None]
    given_ = [replace(pieces[k], text=translations[k % len(translations)]) for k in kept]
    img = plate.copy()
    done = set_pieces(img, given_, language, SCRIPTS[language])
    return plate, img, done, kept


def cut_lines(
    plate: Image.Image, img: Image.Image, done: Set, language: str, marks: Sequence[Any] = ()
) -> list[str]:
    """The drawn lines whose ink did not all land on the image: each line drawn alone
    from its pen; its letters' core (alpha >= CORE) must lie on the image, each px either
    changed from the plate or showing the line's ink colour. `marks`: per piece, its
    Erased when it was a translucent mark (laid again at its strength: each px moved at
    least half way to where its strength takes the plate toward its colour), else None."""
    script = SCRIPTS[language]
    path = fonts.font_for(script).path
    shaping = language if fonts.needs_shaping(script) else None
    a, p = np.asarray(img).astype(np.int16), np.asarray(plate).astype(np.int16)
    out = []
    marks = list(marks) or [None] * len(done.sizes)
    for size, weight, lines, pens, bases, mark in zip(
        done.sizes, done.weights, done.lines, done.pens, done.baselines, marks, strict=True
    ):
        if not pens:  # a turned line: drawn in its own turned frame
            continue
        font = fonts.load(path, size, weight)
        for line, px, py in zip(lines, pens, bases, strict=True):
            if math.isnan(px) or not line.strip():  # left out, and said (see below)
                continue
            left, top, right, bottom = font.getbbox(line, anchor="ls", language=shaping)
            ox, oy = math.floor(px + left) - 10, math.floor(py + top) - 10
            canvas = Image.new("L", (right - left + 20, bottom - top + 20), 0)
            ImageDraw.Draw(canvas).text((px - ox, py - oy), line, font=font, fill=255,
                                        anchor="ls", language=shaping)  # fmt: skip
            ys, xs = np.nonzero(np.asarray(canvas) >= CORE)
            ys, xs = ys + oy, xs + ox
            on = (xs >= 0) & (ys >= 0) & (xs < img.width) & (ys < img.height)
            off = int((~on).sum())
            here, under = a[ys[on], xs[on]], p[ys[on], xs[on]]
            if not len(here):
                out.append(f"{line!r} at {size} px: drawn off the image")
                continue
            if mark is not None:
                toward = mark.opacity * (np.array(mark.ink.fill) - under)
                moved = np.abs(here - under).max(axis=1) >= 0.5 * np.abs(toward).max(axis=1)
                lost = off + int((~moved).sum())
            else:
                changed = np.abs(here - under).max(axis=1) > CHANGED
                colour = np.median(here[changed], axis=0) if changed.any() else here.mean(axis=0)
                inky = np.abs(here - colour).max(axis=1) <= INK_LIKE
                lost = off + int((~changed & ~inky).sum())
            if lost:
                out.append(f"{line!r} at {size} px: {lost} of {len(xs)} px of its letters cut")
    return out


NAMES = [*CLASSES, *LAYOUTS]


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(NAMES),
    language=st.sampled_from(sorted(SCRIPTS)),
    picks=st.lists(st.integers(0, len(PHRASES["en"]) - 1), min_size=1, max_size=4),
)
def test_every_line_drawn_on_a_synthetic_image_lands_whole(
    name: str, language: str, picks: list[int]
) -> None:
    translations = [PHRASES[language][k] for k in picks]
    plate, img, done, kept = set_on(name, language, translations)
    pieces = erased(name)[1]
    marks = [e if (e := pieces[k].erased).opacity < 1 else None for k in kept]
    cut = cut_lines(plate, img, done, language, marks)
    assert not cut, (name, language, cut, done.notes)
    left_out = any(math.isnan(x) for pens in done.pens for x in pens)
    if left_out:  # a line that could not be drawn whole is said, never silently lost
        assert any("does not fit" in str(n) for n in done.notes), done.notes


COLUMN_WORDS = {
    "en": ["Crafted quality", "Elegant living"],
    "th": ["คุณภาพงานฝีมือ", "ชีวิตที่สง่างาม"],
    "vi": ["Chất lượng tinh xảo", "Sống thanh lịch"],
}


@pytest.mark.parametrize("name", ["columns", "columns-jpeg"])
@pytest.mark.parametrize("language", sorted(COLUMN_WORDS))
def test_two_columns_on_marble_are_set_across_the_marble_whole_off_the_vase(
    name: str, language: str
) -> None:
    # g09: each translation was set across in its column's own narrow box at the least
    # size and cut at its edges ("afte / uali"), unwarned
    plate, img, done, kept = set_on(name, language, COLUMN_WORDS[language])
    assert kept == [0, 1]
    assert not cut_lines(plate, img, done, language), done.lines
    assert not any("does not fit" in str(n) for n in done.notes), done.notes
    s = make(name)
    heading = s.texts[0]
    em = heading.size  # the column's glyphs' em, px
    assert done.sizes[0] >= FLOOR * em, (done.sizes, em)  # near the original's size
    assert done.sizes[0] > done.sizes[1]  # the heading stays the larger
    drawn_text = "".join(line for item in done.lines for line in item).replace(" ", "")
    assert drawn_text == "".join(COLUMN_WORDS[language]).replace(" ", "")  # all of it
    drawn = np.abs(np.asarray(img, np.int16) - np.asarray(plate, np.int16)).max(axis=2) > 40
    assert s.product is not None and not (drawn & s.product).any()  # not over the vase
