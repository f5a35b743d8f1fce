"""The spaces between Latin words that RapidOCR's Chinese recogniser drops are put back
from the picture (spaces.py): a stranger's trial had 'Color may vary' read, translated
and drawn as 'Colormayvary' (D9), and never a word split for it."""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw

from localize.image.ocr import RapidOcrDetector
from tests.imagesynth import font


def _read(text: str, size: int) -> str:
    """What the detector reads on a line of `text` drawn at `size` px, grey on light grey
    (as the trial's picture)."""
    img = Image.new("RGB", (1000, 200), (235, 235, 235))
    ImageDraw.Draw(img).text((500, 100), text, font=font(size), fill=(70, 70, 70), anchor="mm")
    return " ".join(r.text for r in RapidOcrDetector().detect(img)).strip()


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("温馨提示：颜色以实物为准 Color may vary", 20),  # the trial's line, at its size
        ("Thermos 保温杯 500ml", 70),  # the trial's heading, at its size
        ("Keeps drinks hot 12 hours", 20),
        ("Stainless steel vacuum flask", 20),
    ],
)
def test_latin_words_are_read_with_their_spaces(text: str, size: int) -> None:
    assert _read(text, size) == text


@pytest.mark.parametrize("size", [16, 20, 28, 40, 56])
def test_a_word_is_never_split(size: int) -> None:
    assert _read("Stainless", size) == "Stainless"
