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


@pytest.mark.parametrize(
    ("text", "size"),
    [  # the trial's phrases (D8), each at a size the recogniser dropped its space
        ("轻便防风 安心过夜", 20),
        ("轻便防风 安心过夜", 28),
        ("一抹吸收 不油腻", 40),
        ("一抹吸收 不油腻", 80),
        ("手感细腻 经久耐用", 28),
        ("美好日常 每日必备", 56),  # beside 日, whose own sides are wide
    ],
)
def test_two_chinese_phrases_a_space_parts_are_read_apart(text: str, size: int) -> None:
    """'轻便防风 安心过夜' reached the engine, and the memory, as one phrase: the space
    between two Han characters is put back where their gap is a space's, not a glyph's."""
    assert _read(text, size) == text


@pytest.mark.parametrize("size", [20, 28, 40, 56, 80])
@pytest.mark.parametrize(
    "text", ["保温杯大容量食品级", "八小时保温川味小吃", "川贝枇杷膏小儿可用", "适合家庭日常使用"]
)
def test_one_chinese_phrase_is_never_split(text: str, size: int) -> None:
    """Nor is a space read into one phrase: 川's own strokes leave a gap as wide as a
    space, off half-way between it and the next character, and the narrow 日 of 日常 as
    wide a gap on both its sides."""
    assert _read(text, size) == text
