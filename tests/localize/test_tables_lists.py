"""Tables and lists set like the supplier's (a trial's b04_spec, b03_para, a06_para): a
cell's translation fitted to its cell, not to the Chinese glyph box, one size for a
column's labels; a list of separate claims kept one claim per line at one size, its items
as far apart as the original's, its top and left edge where the original's were."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image

from localize.image.replace import RegionPlan, erase_piece
from localize.image.typeset import set_pieces
from tests.imagesynth import BULLETS, TABLE_ROWS, Synth, ink_runs, make, table_cell

SCRIPTS = {"en": "latin", "th": "thai", "vi": "latin"}
TABLE = {  # the trial's own translations: "Công suất" was wrapped in a cell with room
    "en": ["Parameter", "Specification", "Model", "X9", "Power", "1200 W", "Voltage", "220 V"],
    "th": [
        "พารามิเตอร์",
        "ข้อมูลจำเพาะ",
        "รุ่น",
        "X9",
        "กำลังไฟ",
        "1200 วัตต์",
        "แรงดันไฟ",
        "220 โวลต์",
    ],  # fmt: skip
    "vi": ["Thông số", "Quy cách", "Mẫu", "X9", "Công suất", "1200 W", "Điện áp", "220 V"],
}
LIST = {
    "en": ["Natural bamboo-fibre towel", "Absorbent, quick-dry, lint-free", "Safe for babies"],
    "th": ["ผ้าขนหนูใยไผ่ธรรมชาติ", "ซับน้ำดี แห้งเร็ว ขนไม่หลุด", "ใช้กับทารกได้อย่างสบายใจ"],
    "vi": ["Khăn sợi tre tự nhiên", "Thấm hút, nhanh khô, không rụng lông", "An toàn cho em bé"],
}


def set_synth(s: Synth, translations: list[str], language: str):  # type: ignore[no-untyped-def]
    """Erase a synthetic image's texts and set their translations: the image and the set."""
    img = s.image.copy()
    original = np.asarray(img).copy()
    pieces = [
        erase_piece(img, original, RegionPlan(t.polygon, t.text, tr), tr)
        for t, tr in zip(s.texts, translations, strict=True)
    ]
    assert all(pieces)
    return img, set_pieces(img, pieces, language, SCRIPTS[language])  # type: ignore[arg-type]


def inked(img: Image.Image, colour: tuple[int, int, int], near: int = 120) -> np.ndarray:
    """The pixels near a colour."""
    a = np.asarray(img).astype(np.int16)
    return np.abs(a - np.asarray(colour, np.int16)).sum(axis=2) <= near


@pytest.mark.parametrize("language", sorted(TABLE))
def test_a_cells_text_is_fitted_to_its_cell_and_a_columns_labels_share_one_size(
    language: str,
) -> None:
    s = make("table")
    img, done = set_synth(s, TABLE[language], language)
    labels = [2 * r for r in range(1, len(TABLE_ROWS))]  # 型号 功率 电压: one column
    for n in [*labels, 0, 1]:  # a cell with room for the text on one line keeps it on one
        assert len(done.lines[n]) == 1, (n, done.lines, done.sizes)
    sizes = [done.sizes[n] for n in labels]
    assert max(sizes) <= 1.05 * min(sizes), sizes  # one size for the column
    header = done.sizes[:2]
    assert max(header) <= 1.05 * min(header), done.sizes  # and for the header's row
    assert min(done.sizes[n] / done.originals[n] for n in labels) >= 0.6, done.sizes
    rules = inked(s.background, (170, 170, 170), 30)
    near_rule = cv2.dilate(rules.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    for colour in ((40, 40, 40), (255, 255, 255)):
        ink = inked(img, colour) & ~inked(s.background, colour)
        assert not (ink & near_rule).any(), (colour, int((ink & near_rule).sum()))
    dark = inked(img, (40, 40, 40))
    for n in labels:  # each label inside its own cell, left where the original's was
        x0, y0, x1, y1 = table_cell(s, n)
        rows = np.nonzero(dark[y0:y1, x0:x1].any(axis=1))[0]
        cols = np.nonzero(dark[y0:y1, x0:x1].any(axis=0))[0]
        assert len(rows) and rows[0] >= 4 and rows[-1] <= y1 - y0 - 4, (n, rows)
        assert abs(x0 + cols[0] - s.texts[n].box[0]) <= 10, (n, x0 + cols[0])


@pytest.mark.parametrize("language", sorted(TABLE))
def test_the_cells_of_one_row_share_one_baseline_whatever_their_marks(language: str) -> None:
    # c01 th: ชื่อสินค้า sat 12 px lower than แก้วเก็บอุณหภูมิ beside it, each centred by
    # its own ink (Thai marks above and below change the ink's box)
    s = make("table")
    _, done = set_synth(s, TABLE[language], language)
    for r in range(len(TABLE_ROWS)):
        label, value = done.baselines[2 * r], done.baselines[2 * r + 1]
        assert len(label) == len(value) == 1, done.lines
        # (3 px: "X9"'s room, grown from its short box, stops above the label's)
        assert abs(label[0] - value[0]) <= 3, (r, done.baselines, done.lines)


@pytest.mark.parametrize("language", sorted(LIST))
def test_a_list_keeps_one_claim_per_line_far_apart_from_the_originals_top_and_left(
    language: str,
) -> None:
    s = make("list")
    img, done = set_synth(s, LIST[language], language)
    assert (0, 1, 2) in done.blocks
    assert [len(item) for item in done.lines] == [1, 1, 1], done.lines  # no claim broken
    assert max(done.sizes) <= 1.05 * min(done.sizes)
    assert min(s / o for s, o in zip(done.sizes, done.originals, strict=True)) >= 0.6
    x0, y0, x1, y1 = 40, 500, 740, 820  # inside the panel
    ink = inked(img, (90, 70, 50), 90)[y0:y1, x0:x1]
    runs = ink_runs(ink.any(axis=1), bridge=round(0.15 * done.sizes[0]))
    assert len(runs) == 3, runs  # three lines, each apart from the next
    gaps = [b[0] - a[1] for a, b in zip(runs, runs[1:], strict=False)]
    assert min(gaps) >= 0.3 * done.sizes[0], (gaps, done.sizes)  # (a line's own pitch: 0.1)
    first = np.nonzero(s.ink.any(axis=1))[0][0]  # the original's top, and its left edge
    assert abs(y0 + runs[0][0] - first) <= 0.25 * 43, (y0 + runs[0][0], first)
    cols = np.nonzero(ink.any(axis=0))[0]
    original_left = np.nonzero(s.ink.any(axis=0))[0][0]
    assert abs(x0 + cols[0] - original_left) <= 0.1 * 43 + 3, (x0 + cols[0], original_left)


CLAIMS = {  # trial-img6's c02: en item 1 wrapped up into the panel's top, vi's set small
    "en": ["Waterproof and sweatproof", "Bluetooth 5.3", "30-hour battery", "One-tap pairing"],
    "th": ["กันน้ำกันเหงื่อ", "บลูทูธ 5.3", "แบตอยู่ได้ 30 ชั่วโมง", "จับคู่ด้วยปุ่มเดียว"],
    "vi": ["Chống nước, chống mồ hôi", "Bluetooth 5.3", "Pin 30 giờ", "Ghép nối một chạm"],
}


@pytest.mark.parametrize("language", sorted(CLAIMS))
def test_a_bullet_lists_claims_are_one_block_each_where_it_was_wrapping_under_itself(
    language: str,
) -> None:
    s = make("bullets")
    img, done = set_synth(s, CLAIMS[language], language)
    assert tuple(range(len(BULLETS))) in done.blocks, done.blocks  # one block: one size
    assert max(done.sizes) <= 1.1 * min(done.sizes), (done.sizes, done.lines)
    assert min(s / o for s, o in zip(done.sizes, done.originals, strict=True)) >= 0.6, (
        done.sizes,
        done.originals,
    )
    lefts = [x for item in done.lefts for x in item]  # one left edge, the original's
    original_left = min(t.box[0] for t in s.texts) + 4
    assert max(lefts) - min(lefts) <= 0.1 * min(done.sizes), lefts
    assert abs(min(lefts) - original_left) <= 0.1 * 42 + 3, (lefts, original_left)
    ink = inked(img, (30, 30, 30), 120)[:, 125:555]  # right of the dots
    rows = ink.any(axis=1)
    tops = [t.box[1] + 4 for t in s.texts]
    size = done.sizes[0]
    assert not rows[s.panel[1] : tops[0] - 21].any()  # nothing risen to the panel's top
    first = [item[0] for item in done.baselines]  # each item's first line where it was
    for k, top in enumerate(tops):
        assert abs(first[k] - first[0] - (top - tops[0])) <= 0.1 * 42, (first, tops, done.lines)
        if k:  # its lines under it, clear of the next item: a blank band between them
            between = ~rows[round(done.baselines[k - 1][-1]) : round(first[k])]
            blank = max((b - a + 1 for a, b in ink_runs(between, 0)), default=0)
            assert blank >= 0.35 * size, (k, blank, done.lines, done.sizes)


def test_a_label_and_the_price_beside_it_on_one_baseline_keep_a_space_or_say_so() -> None:
    from tests.localize.supplier_text import Lettering, draw

    texts = ["到手价", "￥39.9"]  # b08_strike: "Giá cuối139.650₫", the glyphs touching
    scene = draw(
        Image.new("RGB", (1000, 200), (254, 240, 239)),
        [
            Lettering(texts[0], (60, 60), 64, fill=(200, 30, 60)),
            Lettering(texts[1], (290, 25), 132, fill=(200, 30, 60)),
        ],
    )
    img = scene.image.copy()
    original = np.asarray(img).copy()
    pieces = [
        erase_piece(img, original, RegionPlan(p, t, tr), tr)
        for p, t, tr in zip(scene.polygons, texts, ["Giá cuối", "139.650₫"], strict=True)
    ]
    done = set_pieces(img, pieces, "vi", "latin")  # type: ignore[arg-type]
    ink = inked(img, (200, 30, 60), 150)
    rows = slice(60, 160)  # the label's rows, the price's beside them
    cols = np.nonzero(ink[rows].any(axis=0))[0]
    price = done.lefts[1][0]  # where the price's ink starts, and the label's ends
    label = cols[cols < price - 1].max()
    said = any("runs into the text" in n for n in done.notes)
    space = price - label  # at least a word space (Noto Sans: 0.26 em)
    assert space >= 0.25 * done.sizes[0] or said, (space, done.sizes, done.notes)


def test_a_turned_line_grows_into_the_free_panel_around_its_region() -> None:
    # a01 vi: 'Giảm ngay 105.000₫' kept to the turned region of '立减30元' (29 px of 54)
    # while the sticker had the room around it
    from tests.localize.supplier_text import Lettering, draw

    scene = draw(
        Image.new("RGB", (900, 600), (230, 30, 40)),
        [Lettering("立减30元", (300, 250), 54, fill=(255, 255, 255), angle=10)],
    )
    img = scene.image.copy()
    original = np.asarray(img).copy()
    pieces = [
        erase_piece(img, original, RegionPlan(scene.polygons[0], "立减30元", tr), tr)
        for tr in ["Giảm ngay 105.000₫"]
    ]
    done = set_pieces(img, pieces, "vi", "latin")  # type: ignore[arg-type]
    assert done.sizes[0] >= 0.8 * done.originals[0], (done.sizes, done.originals, done.lines)
    assert not done.notes, done.notes
    white = inked(img, (255, 255, 255), 150)
    assert white.any() and not white[:, :40].any() and not white[:, -40:].any()


def test_a_label_too_long_for_its_cell_at_the_floor_wraps_inside_it_at_the_columns_size() -> None:
    # a02 vi: "Trọng lượng" fitted its narrow cell on one line only under its floor, and the
    # table's one size gave way: labels and values at four sizes
    from PIL import ImageDraw

    from tests.localize.supplier_text import Lettering, draw

    page = Image.new("RGB", (1000, 600), (248, 248, 250))
    pen = ImageDraw.Draw(page)
    rows = [(70 + 110 * r, 180 + 110 * r) for r in range(4)]  # a02's table: 110-px rows
    for top, bottom in rows:
        pen.rectangle((100, top, 380, bottom), fill=(226, 230, 240), outline=(120, 120, 130))
        pen.rectangle((380, top, 900, bottom), fill=(250, 250, 252), outline=(120, 120, 130))
    texts = ["材质", "304不锈钢", "容量", "500毫升", "重量", "350克", "产地", "浙江义乌"]
    scene = draw(
        page,
        [
            Lettering(t, (172 if n % 2 == 0 else 430, rows[n // 2][0] + 27), 52)
            for n, t in enumerate(texts)
        ],
    )
    vi = ["Chất liệu", "Thép không gỉ 304", "Dung tích", "500 ml", "Trọng lượng", "350 g",
          "Xuất xứ", "Nghĩa Ô, Chiết Giang"]  # fmt: skip
    img = scene.image.copy()
    original = np.asarray(img).copy()
    pieces = [
        erase_piece(img, original, RegionPlan(p, t, tr), tr)
        for p, t, tr in zip(scene.polygons, texts, vi, strict=True)
    ]
    done = set_pieces(img, pieces, "vi", "latin")  # type: ignore[arg-type]
    labels = [done.sizes[n] for n in (0, 2, 4, 6)]
    assert max(labels) <= 1.05 * min(labels), (done.sizes, done.lines)  # one size
    assert len(done.lines[4]) == 2 and done.sizes[4] >= 0.6 * done.originals[4], done.lines
    dark = inked(img, (30, 30, 30), 150)
    top, bottom = rows[2]
    inside = np.nonzero(dark[top - 15 : bottom + 15, 100:380].any(axis=1))[0] + top - 15
    assert inside.min() > top + 1 and inside.max() < bottom - 1, (inside.min(), inside.max())


ICON_LABELS = {  # trial-img9's e07: four labels under four icons, ~120 px apart
    "en": ["Waterproof", "Lightweight", "Hard-wearing", "Breathable"],
    "th": ["กันน้ำ", "น้ำหนักเบา", "ทนทาน", "ระบายอากาศ"],
    "vi": ["Chống nước", "Nhẹ", "Chống mài mòn", "Thoáng khí"],
}


@pytest.mark.parametrize("language", sorted(ICON_LABELS))
def test_a_row_of_labels_under_icons_keeps_them_apart(language: str) -> None:
    # e07 th: each label grew sideways into its neighbours' space, and the four ran
    # together into one line ~10 px apart (the original's were 122 px apart)
    from PIL import ImageDraw

    from tests.localize.supplier_text import Lettering, draw

    page = Image.new("RGB", (1000, 1000), (245, 245, 245))
    pen = ImageDraw.Draw(page)
    centres = [185, 395, 605, 815]
    for x in centres:
        pen.ellipse((x - 58, 640, x + 58, 756), outline=(30, 80, 170), width=6)
    texts = ["防水", "轻便", "耐磨", "透气"]
    scene = draw(page, [Lettering(t, (x - 44, 796), 44, fill=(50, 50, 50)) for t, x in
                        zip(texts, centres, strict=True)])  # fmt: skip
    img = scene.image.copy()
    original = np.asarray(img).copy()
    pieces = [
        erase_piece(img, original, RegionPlan(p, t, tr), tr)
        for p, t, tr in zip(scene.polygons, texts, ICON_LABELS[language], strict=True)
    ]
    done = set_pieces(img, pieces, language, SCRIPTS[language])  # type: ignore[arg-type]
    before = inked(scene.image, (50, 50, 50), 150)[780:860].any(axis=0)
    runs = ink_runs(before, 20)  # (a label's own glyphs bridged)
    gap = min(b - a for (_, a), (b, _) in zip(runs, runs[1:], strict=False))
    after = inked(img, (50, 50, 50), 150)[760:].any(axis=0)
    labels = ink_runs(after, round(0.4 * gap))  # what is closer runs on (APART: 0.5)
    assert len(labels) == 4, (gap, labels, done.lines, done.sizes)
    for (_, right), centre in zip(labels, centres[1:], strict=False):  # none past the midpoint
        assert right < centre - 105, (labels, done.lines)


ROW_LABELS = {  # four labels of different lengths under four icons
    "en": ["Light", "Breathable mesh", "Waterproof", "Hard-wearing"],
    "th": ["เบา", "กันน้ำ", "ระบายอากาศ", "ทนทานต่อการสึกหรอ"],
    "vi": ["Nhẹ", "Chống nước", "Chống mài mòn", "Thoáng khí tốt"],
}


def _page(kind: str) -> Image.Image:
    """A flat light grey page, or a light blue one shaded top to bottom (trial-img11 g10)."""
    if kind == "flat":
        return Image.new("RGB", (1000, 1000), (245, 245, 245))
    t = np.linspace(0, 1, 1000, dtype=np.float32)[:, None, None]
    shade = (1 - t) * np.array([232, 242, 252]) + t * np.array([200, 222, 244])
    return Image.fromarray(np.broadcast_to(shade, (1000, 1000, 3)).round().astype(np.uint8))


@pytest.mark.parametrize("kind", ["flat", "gradient"])
@pytest.mark.parametrize("language", sorted(ROW_LABELS))
def test_a_row_of_labels_under_icons_is_set_at_one_size_in_whole_words(
    language: str, kind: str
) -> None:
    # e07: the labels of one row came out at different sizes (en 27-40 px with
    # 'Hard-wearing' split at its hyphen, th 30-57 px): one block in the designer's eye;
    # trial-img11 g10: on a page shaded top to bottom (erased as a gradient, not flat) the
    # row was not taken for one: en at three sizes, the four run together as one line
    from PIL import ImageDraw

    from localize.image.render import break_units
    from tests.localize.supplier_text import Lettering, draw

    page = _page(kind)
    pen = ImageDraw.Draw(page)
    centres = [185, 395, 605, 815]
    for x in centres:
        pen.ellipse((x - 58, 640, x + 58, 756), outline=(30, 80, 170), width=6)
    texts = ["轻", "防水", "耐磨", "透气网布"]
    scene = draw(page, [Lettering(t, (x - 22 * len(t), 796), 44, fill=(50, 50, 50)) for t, x in
                        zip(texts, centres, strict=True)])  # fmt: skip
    img = scene.image.copy()
    original = np.asarray(img).copy()
    labels = ROW_LABELS[language]
    pieces = [
        erase_piece(img, original, RegionPlan(p, t, tr), tr)
        for p, t, tr in zip(scene.polygons, texts, labels, strict=True)
    ]
    done = set_pieces(img, pieces, language, SCRIPTS[language])  # type: ignore[arg-type]
    assert max(done.sizes) <= 1.1 * min(done.sizes), (done.sizes, done.lines)
    assert not any("of one size in the original" in note for note in done.notes), done.notes
    small = [note for note in done.notes if "of the original's size" in note]
    assert len(small) <= 1, small  # the row's size told once, by the label that sets it
    for text, lines in zip(labels, done.lines, strict=True):  # whole words, never broken
        units = [u.strip() for u in break_units(text, SCRIPTS[language])]
        assert "".join(lines).replace(" ", "") == text.replace(" ", ""), lines
        ends, at = set(), 0
        for unit in units:
            at += len(unit)
            ends.add(at)
        cut = 0
        for line in lines[:-1]:
            cut += len(line.replace(" ", ""))
            assert cut in ends and not line.endswith("-"), (text, lines)
    after = inked(img, (50, 50, 50), 150)[760:].any(axis=0)
    runs = ink_runs(after, 40)
    assert len(runs) == 4, (runs, done.lines, done.sizes)  # apart: no two run together
    for (_, right), centre in zip(runs, centres[1:], strict=False):  # none past the midpoint
        assert right < centre - 105, (runs, done.lines)


SHADED_EN = ["Compare", "Standard", "Upgraded", "Capacity", "350ml", "500ml", "Keeps hot"]
SHADED_EN += ["6 hours", "24 hours", "Material", "201 steel", "316 stainless steel", "Lid"]
SHADED_EN += ["Screw lid", "Pop-up lid"]


@pytest.mark.parametrize(
    "label,value", [("Keeps drinks hot", "6 hours"), ("Warm", "Keeps hot for 6 hours")]
)
def test_a_row_with_one_cell_wrapped_keeps_every_cell_on_its_middle(label: str, value: str) -> None:
    """A comparison table's row (trial 13 g07): one cell's translation wraps onto two
    lines, the other's stays on one. Each is centred in its cell, as the originals were:
    the row's shared baseline is a one-line cell's, never a wrapped cell's first line
    ("6 hours" sat at the top of its cell, level with "Keeps" over "hot"), and a wrapped
    cell does not hang from it onto the rule below."""
    from tests.imagesynth import shaded_cell

    s = make("shaded-table")
    words = list(SHADED_EN)
    words[6], words[7] = label, value
    img, done = set_synth(s, words, "en")
    assert sorted(len(done.lines[k]) for k in (6, 7)) == [1, 2], done.lines
    dark = inked(img, (50, 60, 80), 150)
    for k in (6, 7):
        left, top, right, bottom = shaded_cell(k)
        rows = np.nonzero(dark[top:bottom, left + 4 : right - 4].any(axis=1))[0]
        above, below = int(rows[0]), bottom - top - 1 - int(rows[-1])
        assert abs(above - below) <= 8, (words[k], done.lines[k], above, below)
