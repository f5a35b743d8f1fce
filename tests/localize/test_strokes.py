"""A glyph the OCR's detection leaves out at a line's end (a bare 一, a dash) is part of the
line: its box takes it in, it is read again over it, erased with it, and a stroke still
left beside an erased line is said (trial 13 g01: 一键开盖 boxed and read as 键开盖, the 一
never erased, drawn over as "—One-touch lid")."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from localize.image.ocr import RapidOcrDetector
from localize.image.readback import still_read
from localize.image.strokes import widened
from tests.localize.images import cjk_font, clean_plate

PAGE, PILL, WHITE = (205, 220, 235), (20, 90, 160), (255, 255, 255)


def pill(text: str, left: int, size: int) -> tuple[Image.Image, np.ndarray]:
    """A 1000 px page with one blue selling-point pill (240x70 at `left`, 780) and white
    `text` centred in it, as trial 13 g01 drew them; the picture and its text's pixels."""
    plain = Image.new("RGB", (1000, 1000), PAGE)
    ImageDraw.Draw(plain).rounded_rectangle((left, 780, left + 240, 850), 35, fill=PILL)
    img = plain.copy()
    ImageDraw.Draw(img).text((left + 120, 815), text, font=cjk_font(size), fill=WHITE, anchor="mm")
    ink = (np.asarray(img) != np.asarray(plain)).any(axis=2)
    return img, ink


@pytest.mark.parametrize(
    ("text", "left", "size"),
    [
        ("一键开盖", 700, 40),  # the leading 一 outside the box: read 键开盖
        ("买二送一", 400, 44),  # the box ends in the last 一: read 买二送-
        ("一键开盖", 700, 36),  # the 一 boxed alone beside -键开盖
    ],
)
def test_a_stroke_the_detection_left_out_of_a_line_is_in_its_box_and_reading(
    text: str, left: int, size: int
) -> None:
    img, ink = pill(text, left, size)
    [line] = RapidOcrDetector().detect(img)
    ys, xs = np.nonzero(ink)
    x0, y0, x1, y1 = line.box
    assert line.text == text
    assert x0 <= xs.min() and xs.max() <= x1 and y0 <= ys.min() and ys.max() <= y1
    assert x0 >= left and x1 <= left + 240  # within the pill, not out onto the page


def test_the_clean_plate_keeps_no_stroke_of_a_line_read_without_it(tmp_path: Path) -> None:
    # g01's plate: the pill was cleared but for the 一, left as a white dash
    img, ink = pill("一键开盖", 700, 40)
    made = clean_plate(tmp_path, img)
    plate = np.asarray(Image.open(tmp_path / "out.png").convert("RGB")).astype(int)
    left_over = np.abs(plate[ink] - PILL).max(axis=1) > 40
    assert left_over.sum() == 0, f"{left_over.sum()} px of the text left on the pill"
    [record] = made.regions[str(tmp_path / "in.png")]
    assert record["text"] == "一键开盖" and record["status"] == "erased"


def _line(rgb: np.ndarray, text: str, at: tuple[int, int], size: int, fill) -> tuple:  # type: ignore[no-untyped-def]
    img = Image.fromarray(rgb)
    draw = ImageDraw.Draw(img)
    draw.text(at, text, font=cjk_font(size), fill=fill)
    box = draw.textbbox(at, text, font=cjk_font(size))
    return np.asarray(img).copy(), box


def test_ink_beside_a_line_is_taken_only_when_it_is_a_glyph_of_the_line() -> None:
    page = np.full((300, 900, 3), 248, np.uint8)
    dark = (30, 30, 30)
    rgb, box = _line(page, "一键开盖", (200, 100), 50, dark)
    stroke_end = box[0] + 50  # the 一 is the first character: about a line height wide
    cut = (stroke_end + 2, box[1] - 3, box[2] + 3, box[3] + 3)  # the box OCR drew
    grown = widened(rgb, cut)
    assert grown[0] <= box[0] and grown[1:] == cut[1:]  # the 一 taken in, nothing else
    # ... not when it is another line's, nor of another colour, nor a bar running on
    assert widened(rgb, cut, [(box[0] - 2, box[1], stroke_end, box[3])]) == cut
    red, _ = _line(page, "一", (200, 100), 50, (220, 30, 30))
    red, _ = _line(red, "键开盖", (250, 100), 50, dark)
    assert widened(red, cut) == cut
    bar = rgb.copy()
    middle = (box[1] + box[3]) // 2
    bar[middle - 2 : middle + 2, 20 : cut[0]] = dark  # a rule from the page's edge through it
    assert widened(bar, cut) == cut


def test_a_pills_own_edge_is_not_taken_for_a_glyph() -> None:
    img, _ = pill("防漏设计", 60, 40)
    rgb = np.asarray(img)
    ys, xs = np.nonzero((rgb == WHITE).all(axis=2))
    box = (int(xs.min()) - 3, int(ys.min()) - 3, int(xs.max()) + 4, int(ys.max()) + 4)
    assert widened(rgb, box) == box


def test_a_stroke_left_along_an_erased_line_is_still_read_an_edge_below_is_not() -> None:
    line = ((771, 796), (902, 796), (902, 842), (771, 842))  # g01's 键开盖
    stroke = (741, 815, 770, 822)  # its 一, beside it on the line
    edge = (700, 870, 760, 880)  # a shape read as 一 below the line
    long = (540, 812, 770, 824)  # a rule along it, longer than any character
    left = still_read(
        [(stroke, "一", 0.9), (edge, "一", 0.9), (long, "一", 0.9)], [line], (1000, 1000)
    )
    assert left == [[{"text": "一", "box": list(stroke)}]]


def test_a_column_takes_in_the_stroke_left_above_it() -> None:
    img = Image.new("RGB", (300, 600), (248, 248, 248))
    draw = ImageDraw.Draw(img)
    for n, glyph in enumerate("一键开盖"):  # read downwards
        draw.text((120, 100 + n * 55), glyph, font=cjk_font(50), fill=(30, 30, 30))
    rgb = np.asarray(img)
    ys, xs = np.nonzero((rgb < 128).any(axis=2))
    cut = (int(xs.min()) - 3, 160, int(xs.max()) + 4, int(ys.max()) + 4)  # from 键 down
    left, top, right, bottom = widened(rgb, cut)
    assert top <= ys.min() and (left, right, bottom) == (cut[0], cut[2], cut[3])
