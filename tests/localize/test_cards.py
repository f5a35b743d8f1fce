"""The card a block of text sits on (localize/image/cards.py), found on a clean plate: a
closed panel of one colour is a card wherever it lies and whatever its size; the page
and a band running off the image are none."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from localize.image.cards import Card, cards_of

CREAM = (255, 250, 240)


def plate(card: tuple[int, int, int, int], size: tuple[int, int] = (320, 240)) -> np.ndarray:
    """A gradient page with a cream rounded card on it, JPEG-like noise over both."""
    w, h = size
    t = np.linspace(0, 1, h)[:, None, None]
    page = np.array([250.0, 140, 40]) * (1 - t) + np.array([228.0, 40, 36]) * t
    page = np.broadcast_to(page, (h, w, 3)) + np.random.default_rng(3).normal(0, 2, (h, w, 3))
    img = Image.fromarray(np.clip(page, 0, 255).astype(np.uint8))
    ImageDraw.Draw(img).rounded_rectangle(card, 10, fill=CREAM)
    return np.asarray(img)


@settings(max_examples=40, deadline=None)
@given(
    left=st.integers(4, 120), top=st.integers(4, 100),
    width=st.integers(80, 190), height=st.integers(40, 130),
    inset=st.floats(0.1, 0.4),
)  # fmt: skip
def test_a_closed_panel_round_the_lines_is_their_card(
    left: int, top: int, width: int, height: int, inset: float
) -> None:
    card = (left, top, left + width - 1, top + height - 1)  # (Pillow's box: both ends in)
    rgb = plate(card)
    lines = (left + inset * width, top + 0.4 * height, left + (1 - inset) * width,
             top + 0.6 * height)  # fmt: skip
    (found,) = cards_of(rgb, [(lines, CREAM)])
    assert found is not None
    truth = (*card[:2], card[2] + 1, card[3] + 1)
    assert all(abs(a - b) <= 1 for a, b in zip(found.box, truth, strict=True)), (found, truth)
    assert abs(found.axis - (card[0] + card[2] + 1) / 2) <= 1


def test_the_page_and_a_band_off_the_image_are_no_card() -> None:
    page = np.full((200, 300, 3), 240, np.uint8)
    assert cards_of(page, [((100, 80, 200, 110), (240, 240, 240))]) == [None]
    band = plate((-20, 60, 340, 140))  # across the whole width
    assert cards_of(band, [((100, 80, 200, 110), CREAM)]) == [None]
    tight = plate((95, 75, 205, 115))  # hugging the lines: a tight band, not a card
    assert cards_of(tight, [((100, 80, 200, 110), CREAM)]) == [None]


def test_lines_on_one_card_share_its_answer_and_its_centre() -> None:
    rgb = plate((60, 30, 260, 210))
    found = cards_of(rgb, [((100, 50, 220, 80), CREAM), ((90, 120, 230, 180), CREAM)])
    assert found[0] == found[1] == Card((60, 30, 261, 211))
    assert found[0].centres((100, 50, 220, 80), 30.0)
    assert not found[0].centres((62, 50, 140, 80), 30.0)  # set on the card's left side
