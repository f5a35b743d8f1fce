"""A low contrast is said only when the translation is drawn clearly fainter than the
supplier's own text was (trial-img7: white on a light sky, red on orange, warned in every
language though the original had the same contrast)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from localize.image.replace import RegionPlan, ReplaceText
from tests.localize.images import cjk_font


def sky(
    size: tuple[int, int], top: tuple[int, int, int], bottom: tuple[int, int, int]
) -> Image.Image:
    """A soft vertical gradient, as a sky or a supplier's light backdrop."""
    w, h = size
    t = np.linspace(0, 1, h)[:, None, None]
    rows = (1 - t) * np.array(top) + t * np.array(bottom)
    return Image.fromarray(np.broadcast_to(rows, (h, w, 3)).astype(np.uint8))


def drawn_notes(backdrop: Image.Image, fill: tuple[int, int, int], text: str) -> list[str]:
    """The notes of replacing `text` drawn in `fill` at 64 px on `backdrop`."""
    img = backdrop.copy()
    draw = ImageDraw.Draw(img)
    font = cjk_font(64)
    draw.text((60, 120), text, font=font, fill=fill)
    left, top, right, bottom = draw.textbbox((60, 120), text, font=font)
    box = (left - 4, top - 4, right + 4, bottom + 4)
    polygon = ((box[0], box[1]), (box[2], box[1]), (box[2], box[3]), (box[0], box[3]))
    plan = RegionPlan(polygon, text, "Free shipping")
    return list(ReplaceText((plan,), "en", "latin").draw(img).notes)


@pytest.mark.parametrize(
    ("backdrop", "fill"),
    [
        (sky((640, 360), (170, 200, 235), (215, 230, 245)), (255, 255, 255)),  # d09
        (sky((640, 360), (245, 150, 60), (250, 175, 90)), (215, 40, 30)),  # d11
    ],
    ids=["white-on-sky", "red-on-orange"],
)
def test_the_suppliers_own_low_contrast_is_no_warning(
    backdrop: Image.Image, fill: tuple[int, int, int]
) -> None:
    notes = drawn_notes(backdrop, fill, "限时包邮")
    assert not [n for n in notes if "low contrast" in n], notes


def test_a_translation_drawn_fainter_than_the_original_is_still_said() -> None:
    from localize.image.replace import beside_original

    said = "text {text!r}: low contrast ({ratio}:1) against its background"
    from config.i18n import msg

    faint = msg(said, text="限时包邮", ratio="2.2")
    other = msg("text {text!r}: some of its letters are clipped by the space", text="限时包邮")
    assert beside_original([faint, other], {"限时包邮": 2.3}) == [other]  # as the supplier's
    assert beside_original([faint, other], {"限时包邮": 7.5}) == [faint, other]  # ours fainter
    assert beside_original([faint], {}) == [faint]  # no original known: said
