"""Translations set like a designer on supplier-style images drawn here (regions given as
OCR reports them): a block of lines in one size and on one left edge, at least 60% of the
original's size where the panel has room, bold kept bold, outlines of 2-8 px kept, a
strike-through kept, a 2-degree skew drawn straight, vertical text set across, no word
broken (read back by OCR), and a warning for what a reviewer must look at."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from localize.image import looks
from localize.image.ocr import RapidOcrDetector
from localize.image.render import break_units
from localize.image.replace import RegionPlan, ReplaceText, erase_piece, stroke_width
from localize.image.typeset import LINES_MOST, set_pieces
from tests.imagesynth import lines_drawn, tilted_banner
from tests.localize.images import photo
from tests.localize.supplier_text import Lettering, Scene, draw

CREAM = (245, 240, 230)
BLUE = (40, 90, 170)
SCRIPTS = {"en": "latin", "th": "thai", "vi": "latin", "ms": "latin", "de": "latin"}
PARAGRAPH = {
    "en": ["Keeps drinks warm", "Food-grade stainless steel liner", "Lid"],
    "th": ["เก็บความร้อนได้นาน", "ซับในสแตนเลสเกรดอาหาร", "ฝาปิด"],
    "vi": ["Giữ ấm đồ uống", "Lòng thép không gỉ cấp thực phẩm", "Nắp"],
    "ms": ["Kekal panas", "Pelapik keluli tahan karat gred makanan", "Tudung"],
    "de": ["Hält Getränke warm", "Lebensmittelechter Edelstahl-Innenbehälter", "Deckel"],
}


def set_scene(scene: Scene, texts: list[str], translations: list[str], language: str):  # type: ignore[no-untyped-def]
    """Erase the scene's regions and set their translations; the image and what was set."""
    img = scene.image.copy()
    original = np.asarray(img).copy()
    pieces = [
        erase_piece(img, original, RegionPlan(p, t, tr), tr)
        for p, t, tr in zip(scene.polygons, texts, translations, strict=True)
    ]
    return img, set_pieces(img, pieces, language, SCRIPTS[language])


def ink_mask(img: Image.Image, colour: tuple[int, int, int], near: float = 90) -> np.ndarray:
    a = np.asarray(img).astype(np.int16)
    return np.abs(a - np.asarray(colour, np.int16)).sum(axis=2) <= near


@pytest.mark.parametrize("language", sorted(PARAGRAPH))
def test_a_paragraph_is_one_block_one_size_one_left_edge_at_the_originals_size(
    language: str,
) -> None:
    texts = ["三十度保温十二小时", "食品级不锈钢内胆", "一键开盖"]
    scene = draw(
        Image.new("RGB", (900, 420), CREAM),
        [Lettering(t, (60, 120 + 45 * n), 30) for n, t in enumerate(texts)],
    )
    img, done = set_scene(scene, texts, PARAGRAPH[language], language)
    assert done.blocks == ((0, 1, 2),)
    sizes = done.sizes
    assert max(sizes) <= 1.1 * min(sizes)  # one size (the same one, by construction)
    assert min(s / o for s, o in zip(sizes, done.originals, strict=True)) >= 0.6
    lefts = [x for item in done.lefts for x in item]
    assert max(lefts) - min(lefts) <= 0.1 * min(scene.ink_heights)  # one left edge
    ink = ink_mask(img, (30, 30, 30))
    cols = np.nonzero(ink.any(axis=0))[0]
    assert abs(cols[0] - min(lefts)) <= 4  # and the pixels agree: the block starts there
    assert abs(cols[0] - 60) <= 0.1 * 30 + 3  # where the original's edge was


@pytest.mark.parametrize("language", sorted(SCRIPTS))
def test_a_long_translation_of_a_short_line_grows_into_its_panel_not_smaller(
    language: str,
) -> None:
    translations = {
        "en": "Large capacity vacuum insulated flask",
        "th": "กระติกน้ำสุญญากาศความจุขนาดใหญ่",
        "vi": "Bình giữ nhiệt chân không dung tích lớn",
        "ms": "Kelalang vakum bertebat kapasiti besar",
        "de": "Vakuum-Isolierflasche mit großem Fassungsvermögen",
    }
    scene = draw(Image.new("RGB", (900, 400), CREAM), [Lettering("保温杯", (360, 160), 48)])
    img, done = set_scene(scene, ["保温杯"], [translations[language]], language)
    assert done.sizes[0] >= 0.6 * done.originals[0], (done.sizes, done.originals)
    assert not done.notes
    words = break_units(translations[language], SCRIPTS[language])
    assert "".join(done.lines[0]).replace(" ", "") == translations[language].replace(" ", "")
    at = 0  # every line ends where a word ends
    ends = {at := at + len(w.replace(" ", "")) for w in words}
    at = 0
    for line in done.lines[0][:-1]:
        at += len(line.replace(" ", ""))
        assert at in ends, done.lines


def test_a_title_stays_larger_than_its_body_in_every_language() -> None:
    texts = ["保温杯", "三十度保温十二小时"]
    scene = draw(
        Image.new("RGB", (700, 400), CREAM),
        [Lettering(texts[0], (60, 60), 60, bold=2), Lettering(texts[1], (60, 200), 30)],
    )
    long_title = {"en": "Vacuum insulated stainless steel travel flask", "th": "กระติกน้ำ"}
    for language, title in long_title.items():
        _, done = set_scene(scene, texts, [title, "Warm"], language)
        assert done.sizes[0] >= done.sizes[1], (language, done.sizes)


def test_bold_stays_bold_and_regular_regular_in_every_language() -> None:
    texts = ["保温杯大容量", "食品级不锈钢内胆"]
    scene = draw(
        Image.new("RGB", (800, 400), CREAM),
        [
            Lettering(texts[0], (60, 60), 48, fill=(180, 20, 20), bold=3),
            Lettering(texts[1], (60, 250), 48, fill=(30, 30, 30)),
        ],
    )
    ratios = {}
    for language, translations in {
        "en": ["Big flask", "Steel liner"],
        "th": ["กระติกใหญ่", "ซับในสแตนเลส"],
        "vi": ["Bình lớn", "Lòng thép"],
    }.items():
        img, done = set_scene(scene, texts, translations, language)
        heavy = stroke_width(ink_mask(img, (180, 20, 20), 60)) / done.sizes[0]
        light = stroke_width(ink_mask(img, (30, 30, 30), 60)) / done.sizes[1]
        ratios[language] = (heavy, light)
    for heavy, light in ratios.values():
        assert heavy >= 1.4 * light, ratios  # bold drawn bold, regular drawn regular
    assert max(h for h, _ in ratios.values()) <= 1.35 * min(h for h, _ in ratios.values())


def test_a_block_is_drawn_in_one_weight_whatever_the_language() -> None:
    translations = {"en": ["Big flask"], "th": ["กระติกใหญ่"], "vi": ["Bình lớn"]}
    for bold, expected in ((0, 400), (1, 500), (3, 700)):  # regular, medium, bold originals
        scene = draw(
            Image.new("RGB", (800, 300), CREAM),
            [Lettering("保温杯大容量", (60, 60), 48, fill=(180, 20, 20), bold=bold)],
        )
        weights = {
            language: set_scene(scene, ["保温杯大容量"], words, language)[1].weights[0]
            for language, words in translations.items()
        }
        # (the old drawing matched each script's own strokes: 700, 700 and 500 for bold=1)
        assert set(weights.values()) == {expected}, (bold, weights)


@pytest.mark.parametrize("width", [2, 4, 6, 8])
def test_an_outline_of_any_width_is_kept(width: int) -> None:
    scene = draw(
        Image.new("RGB", (700, 300), BLUE),
        [Lettering("保温杯大容量", (60, 90), 56, fill=(255, 255, 255), outline=width)],
    )
    img = scene.image.copy()
    drawn = ReplaceText(scene.plans(["保温杯大容量"], ["Big flask"]), "en", "latin").draw(img)
    assert drawn.lines == ("Big flask",)
    black, white = ink_mask(img, (0, 0, 0), 90), ink_mask(img, (255, 255, 255), 90)
    measured = looks.outline_width(white, black, ink_mask(img, BLUE, 60))
    assert measured is not None and white.sum() > 200
    assert abs(measured - width) <= max(1.0, 0.25 * width), (measured, width)


@pytest.mark.parametrize("kind", ["strike", "underline"])
def test_a_struck_through_or_underlined_price_keeps_its_rule(kind: str) -> None:
    text = "原价99元"
    lettering = Lettering(text, (80, 100), 44, fill=(120, 120, 120), **{kind: True})
    scene = draw(Image.new("RGB", (600, 300), CREAM), [lettering])
    img = scene.image.copy()
    ReplaceText(scene.plans([text], ["Was 99 yuan"]), "en", "latin").draw(img)
    grey = ink_mask(img, (120, 120, 120), 60)
    found, _ = looks.rules(grey)
    assert [r.kind for r in found] == [kind], found
    plain = draw(Image.new("RGB", (600, 300), CREAM), [Lettering(text, (80, 100), 44)])
    img = plain.image.copy()
    ReplaceText(plain.plans([text], ["Was 99 yuan"]), "en", "latin").draw(img)
    assert looks.rules(ink_mask(img, (30, 30, 30), 60))[0] == ()  # none added


def drawn_angle(img: Image.Image, background: Image.Image) -> float:
    """The angle (degrees, counterclockwise) of the white lines drawn on the red banner of
    `background`: the turn at which the ink's rows line up sharpest (its projection across
    the lines is most peaked)."""
    truth = np.asarray(background).astype(np.int16)
    red = ((truth[..., 0] > 180) & (truth[..., 1] < 110)).astype(np.uint8)
    banner = np.zeros(red.shape, np.uint8)
    cv2.fillConvexPoly(banner, cv2.convexHull(cv2.findNonZero(red)), 1)
    banner = cv2.erode(banner, np.ones((9, 9), np.uint8)) > 0
    ys, xs = np.nonzero((np.asarray(img).min(axis=2) > 200) & banner)
    sharpest = []
    for turn in np.arange(-20.0, 20.01, 0.1):
        t = np.radians(turn)
        across = ys * np.cos(t) + xs * np.sin(t)
        rows = np.bincount(np.rint(across - across.min()).astype(int)).astype(float)
        sharpest.append(((rows * rows).sum(), turn))
    return float(max(sharpest)[1])


@pytest.mark.parametrize("translation", ["New arrival", "Just launched"])
def test_a_tilted_banners_translation_is_set_along_it_at_the_originals_size_and_weight(
    translation: str,
) -> None:
    # a trial's e03: a banner turned 8 degrees had its translation wrapped on two lines at
    # 54% of the original's size, in a lighter weight than the same banner upright gets
    done = {}
    for angle in (0.0, 8.0):
        s = tilted_banner(angle)
        img = s.image.copy()
        plan = RegionPlan(s.texts[0].polygon, s.texts[0].text, translation)
        piece = erase_piece(img, np.asarray(img).copy(), plan, translation)
        assert piece is not None
        done[angle] = (img, s, set_pieces(img, [piece], "en", "latin"))
    img, s, turned = done[8.0]
    _, _, upright = done[0.0]
    assert abs(drawn_angle(s.image, s.background) - 8.0) <= 1.5  # (the measure itself)
    assert abs(drawn_angle(img, s.background) - 8.0) <= 1.5  # along the banner
    assert turned.weights == upright.weights  # the original's weight, as upright
    assert turned.lines == ((translation,),)  # on one line along the banner
    assert turned.sizes[0] >= 0.95 * upright.sizes[0]  # as large as the banner allows
    if translation == "New arrival":  # (the banner's room holds it at 60%)
        assert turned.sizes[0] >= 0.6 * turned.originals[0]
    assert not turned.notes


def test_a_line_skewed_by_two_degrees_is_drawn_straight() -> None:
    text = "保温杯大容量不锈钢"
    scene = draw(Image.new("RGB", (800, 300), CREAM), [Lettering(text, (60, 90), 44, angle=2)])
    img = scene.image.copy()
    ReplaceText(scene.plans([text], ["Large capacity steel flask"]), "en", "latin").draw(img)
    ink = ink_mask(img, (30, 30, 30), 60)
    cols = np.nonzero(ink.any(axis=0))[0]
    third = (cols[-1] - cols[0]) // 3
    bottoms = []  # the baseline under the first and the last third of the line
    for lo, hi in ((cols[0], cols[0] + third), (cols[-1] - third, cols[-1])):
        rows = np.nonzero(ink[:, lo:hi].any(axis=1))[0]
        bottoms.append(np.percentile(np.nonzero(ink[:, lo:hi])[0], 90))
        assert len(rows)
    slope = np.degrees(np.arctan2(abs(bottoms[1] - bottoms[0]), cols[-1] - cols[0] - third))
    assert slope < 0.6, slope
    turned = draw(Image.new("RGB", (800, 400), CREAM), [Lettering(text, (60, 120), 44, angle=12)])
    img = turned.image.copy()
    ReplaceText(turned.plans([text], ["Big steel flask"]), "en", "latin").draw(img)
    points = np.column_stack(np.nonzero(ink_mask(img, (30, 30, 30), 60))[::-1]).astype(np.float32)
    (_, _), (w, h), angle = cv2.minAreaRect(points)
    tilt = min(abs(angle) % 90, 90 - abs(angle) % 90)
    assert tilt > 6  # a real slant is kept


def test_vertical_chinese_is_set_across_its_column_or_flagged() -> None:
    text = "竖排文字"
    scene = draw(
        Image.new("RGB", (500, 400), CREAM), [Lettering(text, (230, 80), 44, vertical=True)]
    )
    img = scene.image.copy()
    drawn = ReplaceText(scene.plans([text], ["Vertical text"]), "en", "latin").draw(img)
    assert drawn.lines in (("Vertical text",), ("Vertical", "text"))
    ink = ink_mask(img, (30, 30, 30), 60)
    rows, cols = np.nonzero(ink.any(axis=1))[0], np.nonzero(ink.any(axis=0))[0]
    assert cols[-1] - cols[0] > rows[-1] - rows[0]  # lines across, not a 470 px tall line
    assert drawn.size <= 60 and not drawn.warnings
    # a column hemmed in by other things, too narrow to set it legibly: flagged
    boxed = draw(
        Image.new("RGB", (500, 400), CREAM), [Lettering(text, (230, 80), 44, vertical=True)]
    )
    busy = boxed.image.copy()
    from PIL import ImageDraw

    # (150 px between them: "Thermoregulating" is 130 px at the legible size, 16 px, and
    # the room keeps its distance from both; 230 px held it whole at 18 px, 41%)
    ImageDraw.Draw(busy).rectangle((0, 0, 180, 400), fill=(90, 140, 60))
    ImageDraw.Draw(busy).rectangle((330, 0, 500, 400), fill=(90, 140, 60))
    long = "Thermoregulating insulated bottle"  # its first word cannot fit at a legible size
    drawn = ReplaceText(boxed.plans([text], [long]), "en", "latin").draw(busy)
    assert any("vertical text '竖排文字'" in w for w in drawn.warnings), drawn.warnings
    assert whole_words(drawn.lines, long, "latin"), drawn.lines  # flagged, never broken


COLUMNS = {
    "en": ["Rich tea aroma", "High-mountain mist"],
    "th": ["หอมกลิ่นชาฟุ้ง", "ชาภูเขาสูงในสายหมอก"],
    "vi": ["Hương trà ngào ngạt", "Núi cao mây mù"],
}


def two_columns() -> Scene:
    """A trial's two columns of 竖排 (e05): a large one 28 px right of a thin red rule, a
    smaller red one beside it, a tea can to their right."""
    img = Image.new("RGB", (900, 1200), (240, 232, 215))
    ImageDraw.Draw(img).rounded_rectangle([430, 350, 800, 1080], 40, fill=(70, 110, 80))
    ImageDraw.Draw(img).line([100, 120, 100, 700], fill=(160, 60, 50), width=4)
    return draw(
        img,
        [
            Lettering("茶香四溢", (130, 130), 100, fill=(40, 40, 35), vertical=True),
            Lettering("高山云雾", (270, 150), 50, fill=(150, 60, 50), vertical=True),
        ],
    )


def whole_words(lines: tuple[str, ...], translation: str, script: str) -> bool:
    """Whether `lines` are the translation's words (as break_units parts it) in order,
    each line whole words: none broken with a hyphen of the layout's own."""
    units = [u.strip() for u in break_units(translation, script)]
    k = 0
    for line in lines:
        text, built = line.replace(" ", ""), ""
        while k < len(units) and len(built) < len(text):
            built, k = built + units[k], k + 1
        if built != text:
            return False
    return k == len(units)


@pytest.mark.parametrize("language", sorted(COLUMNS))
def test_two_vertical_columns_are_set_across_their_space_in_whole_words_or_flagged(
    language: str,
) -> None:
    # Trial e05: 高山云雾 came out as "Hi / gh- / m- / ou- / nt- / ai- / n / mi / st", and
    # the column beside the rule was drawn against it
    scene = two_columns()
    texts = ["茶香四溢", "高山云雾"]
    img, done = set_scene(scene, texts, COLUMNS[language], language)
    script = SCRIPTS[language]
    for k in range(2):
        assert whole_words(done.lines[k], COLUMNS[language][k], script), done.lines
        flagged = any(f"vertical text {texts[k]!r}" in n for n in done.notes)
        assert done.sizes[k] >= 29 or flagged, (done.sizes, done.notes)  # legible on 900 px
    after, before = np.asarray(img, np.int16), np.asarray(scene.image, np.int16)
    changed = np.abs(after - before).max(axis=2) > 40
    assert not changed[:, 90:111].any()  # the rule kept, nothing drawn against it
    assert not changed[350:1080, 430:800].any()  # nor on the can


def test_a_squeezed_or_faint_text_is_flagged_for_the_reviewer() -> None:
    text = "保温杯"
    scene = draw(photo((400, 300)), [Lettering(text, (150, 120), 40, fill=(20, 20, 20))])
    busy = scene.image.copy()  # a photo all around: no free panel, only the region itself
    long = "An extremely long translation of three characters that cannot fit"
    drawn = ReplaceText(scene.plans([text], [long]), "en", "latin").draw(busy)
    assert any("of the original's size" in w or "does not fit" in w for w in drawn.warnings)
    faint = draw(
        Image.new("RGB", (400, 300), (250, 250, 250)),
        [Lettering(text, (150, 120), 40, fill=(200, 200, 200))],
    )
    img = faint.image.copy()
    drawn = ReplaceText(faint.plans([text], ["Cup"]), "en", "latin").draw(img)
    # as faint as the supplier drew it: nothing to fix, so not said (a translation drawn
    # fainter than its original is: test_supplier_contrast)
    assert not any("low contrast" in w for w in drawn.warnings), drawn.warnings


def test_no_word_is_broken_when_read_back_by_ocr() -> None:
    texts = ["透气", "舒适鞋垫"]  # two characters whose box is far narrower than the word
    scene = draw(
        Image.new("RGB", (640, 360), CREAM),
        [Lettering(t, (240, 100 + 90 * n), 40) for n, t in enumerate(texts)],
    )
    img = scene.image.copy()
    translations = ["Breathable", "Comfortable cushioned insole"]
    drawn = ReplaceText(scene.plans(texts, translations), "en", "latin").draw(img)
    words = {w for t in translations for w in t.split()}
    for line in drawn.lines:
        assert set(line.split()) <= words, drawn.lines  # every drawn word is a whole one
    read = [r.text.lower() for r in RapidOcrDetector().detect(img)]
    assert any("breathable" in t.replace(" ", "") for t in read), read
    assert any("comfortable" in t.replace(" ", "") for t in read), read
    assert not any(t.replace(" ", "") in ("breatha", "ble", "breath", "able") for t in read)


@pytest.mark.parametrize("name", ["tight-band", "tight-band-jpeg"])
def test_a_tight_bands_edge_is_not_taken_for_an_underline(name: str) -> None:
    from tests.imagesynth import make

    s = make(name)
    [text] = s.texts
    look = looks.measure(
        np.asarray(s.image), text.polygon, (255, 255, 255), None, (220, 20, 40), text.text
    )
    assert look.rules == (), look.rules  # the page past the band's edge is no rule
    img = s.image.copy()
    plans = (RegionPlan(text.polygon, text.text, "Flash sale"),)
    ReplaceText(plans, "en", "latin").draw(img)
    left, top, right, bottom = s.panel
    white = ink_mask(img, (255, 255, 255), 60)[top:bottom, left:right]
    rows = white[:, 20:-20].mean(axis=1)  # no row of the band inked across its width
    assert rows.max() < 0.6, rows.max()


@pytest.mark.parametrize(
    "language, translation",
    [("vi", "Giảm giá chớp nhoáng"), ("vi", "Giữ ấm đồ uống"), ("en", "Flash sale")],
)
def test_text_set_in_a_short_band_fits_its_marks_and_descenders_or_says_it_is_clipped(
    language: str, translation: str
) -> None:
    from tests.imagesynth import make

    s = make("tight-band")
    [text] = s.texts
    img = s.image.copy()
    drawn = ReplaceText((RegionPlan(text.polygon, text.text, translation),), language, "latin")
    done = drawn.draw(img)
    left, top, right, bottom = s.panel
    white = ink_mask(img, (255, 255, 255), 90)
    band = white[top:bottom, left:right]
    # a glyph cut by the band ends at its edge: ink on the band's outermost rows or columns
    edges = band[:2].sum() + band[-2:].sum() + band[:, :2].sum() + band[:, -2:].sum()
    assert edges == 0, (done.lines, edges, done.warnings)  # shrunk or wrapped to fit whole


@pytest.mark.parametrize("language", ["en", "th"])
def test_a_column_by_the_images_edge_is_set_clear_of_it_or_said(language: str) -> None:
    text = "天然有机护肤"
    translation = {"en": "Natural organic skincare", "th": "สกินแคร์ออร์แกนิกจากธรรมชาติ"}
    scene = draw(  # a trial's column down the right of a 800x1000 shot (09_vertical)
        Image.new("RGB", (800, 1000), (225, 210, 240)),
        [Lettering(text, (660, 150), 80, fill=(90, 40, 110), vertical=True)],
    )
    img = scene.image.copy()
    plans = scene.plans([text], [translation[language]])
    drawn = ReplaceText(plans, language, SCRIPTS[language]).draw(img)
    ink = ink_mask(img, (90, 40, 110), 90)
    cols = np.nonzero(ink.any(axis=0))[0]
    clear = cols.min() >= 8 and cols.max() < 800 - 8  # 1% of the shorter side
    said = any("image's edge" in w for w in drawn.warnings)
    assert clear or said, (cols.max(), drawn.lines, drawn.warnings)


def test_a_bands_blurred_edge_next_to_the_page_past_it_is_not_an_underline() -> None:
    ink = np.zeros((60, 200), bool)  # an upright crop: white letters on a band, the page below
    for x in range(20, 180, 30):
        ink[5:40, x : x + 8] = True  # letters
    ink[46, 3:197] = True  # the band's edge as JPEG blurs it: almost across
    ink[47:] = True  # the white page past the band, edge to edge
    assert looks.rules(ink)[0] == ()
    ink[47:] = False  # the same line with the band's colour below it is an underline
    assert [r.kind for r in looks.rules(ink)[0]] == ["underline"]


def hemmed(size: int, at: tuple[int, int], panel: tuple[int, int, int, int]) -> Scene:
    """保温杯 at `size` px on a cream panel hemmed in by green on a 1200 px image."""
    from PIL import ImageDraw

    img = Image.new("RGB", (1200, 1200), CREAM)
    left, top, right, bottom = panel
    for rect in ((0, 0, 1200, top), (0, bottom, 1200, 1200), (0, 0, left, 1200)):
        ImageDraw.Draw(img).rectangle(rect, fill=(90, 140, 60))
    ImageDraw.Draw(img).rectangle((right, 0, 1200, 1200), fill=(90, 140, 60))
    return draw(img, [Lettering("保温杯", at, size)])


def test_text_shrunk_but_large_on_a_phone_is_not_called_illegible() -> None:
    # a trial: 230 px text on a 3000 px image was "under the legible size": shown at a
    # phone's width it is 30 px tall, and sellers learn to ignore the warning
    big = hemmed(240, (230, 450), (200, 400, 1000, 800))
    drawn = ReplaceText(big.plans(["保温杯"], ["Insulated flask"]), "en", "latin").draw(
        big.image.copy()
    )
    assert drawn.size < 0.6 * 240  # under the floor of the original's size, yet 45 px on a phone
    assert not any("legible" in w for w in drawn.warnings), drawn.warnings
    small = hemmed(40, (500, 580), (480, 565, 640, 650))
    drawn = ReplaceText(small.plans(["保温杯"], ["Insulated flask"]), "en", "latin").draw(
        small.image.copy()
    )
    assert drawn.size < 38  # 8 px on a phone
    assert any("under the legible size" in w for w in drawn.warnings), drawn.warnings
    # trial-img9's e11: 'Free shipping' at 37 px on a 1200 px tag read fine, 11.5 pt across
    # a phone, yet was said under the legible size (then 12.5 pt)
    tag = hemmed(60, (500, 560), (480, 540, 720, 650))
    drawn = ReplaceText(tag.plans(["保温杯"], ["Insulated flask"]), "en", "latin").draw(
        tag.image.copy()
    )
    assert 11 <= drawn.size * 390 / 1200 < 12.5, drawn.size
    assert not any("legible" in w for w in drawn.warnings), drawn.warnings


def test_two_turned_lines_on_a_sticker_are_set_clear_of_each_other() -> None:
    # the trial's a01 in vi: both lines of a turned sticker wrapped to two lines in their
    # own regions, and "giới hạn" lay over "Giảm ngay" without a word
    yellow, white = (255, 240, 80), (255, 255, 255)
    sticker = Image.new("RGB", (520, 420), (230, 30, 40))
    texts = ["限时抢购", "立减30元"]
    scene = draw(
        sticker,
        [Lettering(texts[0], (70, 110), 62, yellow, angle=12),
         Lettering(texts[1], (120, 190), 44, white, angle=12)],
    )  # fmt: skip
    img = scene.image.copy()
    drawn = ReplaceText(
        scene.plans(texts, ["Săn deal giới hạn", "Giảm ngay 105.000₫"]), "vi", "latin"
    ).draw(img)
    first = cv2.dilate(ink_mask(img, yellow, 120).astype(np.uint8), np.ones((3, 3), np.uint8))
    second = ink_mask(img, white, 60)
    assert first.any() and second.any()
    overlap = int((first.astype(bool) & second).sum())
    assert overlap == 0 or any("overlaps" in w for w in drawn.warnings), (overlap, drawn)
    assert overlap < 20, (overlap, drawn)  # set smaller or on fewer lines, not over it


def test_a_turned_line_that_cannot_clear_the_one_over_it_says_so() -> None:
    yellow, white = (255, 240, 80), (255, 255, 255)
    texts = ["限时抢购", "立减30元"]
    scene = draw(
        Image.new("RGB", (520, 420), (230, 30, 40)),
        [Lettering(texts[0], (70, 110), 62, yellow, angle=12),
         Lettering(texts[1], (90, 140), 44, white, angle=12)],  # half over the first
    )  # fmt: skip
    img = scene.image.copy()
    drawn = ReplaceText(
        scene.plans(texts, ["Săn deal giới hạn", "Giảm ngay 105.000₫"]), "vi", "latin"
    ).draw(img)
    first = cv2.dilate(ink_mask(img, yellow, 120).astype(np.uint8), np.ones((3, 3), np.uint8))
    assert (first.astype(bool) & ink_mask(img, white, 60)).sum()  # no size clears it
    said = [str(w) for w in drawn.warnings if "overlaps" in str(w)]
    assert said == [
        "text '立减30元': its translation overlaps the text drawn for '限时抢购' even at "
        "its smallest size; shorten one of them"
    ], drawn.warnings


def test_a_headline_touching_the_product_is_set_clear_of_it_or_said() -> None:
    # the trial's b05 in th: the Chinese's last glyph touched a green bottle; the Thai,
    # one unbreakable run, was drawn 39 px onto the bottle, dark on green, unwarned
    from PIL import ImageDraw

    img = Image.new("RGB", (1000, 1000), (242, 240, 235))
    ImageDraw.Draw(img).rounded_rectangle((560, 200, 860, 920), 60, fill=(40, 140, 80))
    scene = draw(img, [Lettering("超大容量", (100, 380), 120)])
    out = scene.image.copy()
    drawn = ReplaceText(scene.plans(["超大容量"], ["ความจุใหญ่พิเศษ"]), "th", "thai").draw(out)
    bottle = np.asarray(out)[200:920, 575:860].astype(np.int16)
    on = int((np.abs(bottle - (30, 30, 30)).max(axis=2) < 60).sum())
    said = [w for w in drawn.warnings if "runs onto the product" in w]
    assert on < 100 or said, (on, drawn.warnings)
    assert on < 100, (on, drawn.size, drawn.warnings)  # set smaller, clear of the bottle


def test_a_label_next_to_its_price_keeps_a_gap_or_says_so() -> None:
    # the trial's b08 in vi: "Giá cuối" ran into the price as "Giá cuối139.650₫"
    red = (200, 0, 50)
    img = Image.new("RGB", (1000, 600), (255, 240, 240))
    scene = draw(
        img, [Lettering("到手价", (60, 250), 64, red), Lettering("¥39.9", (290, 220), 130, red)]
    )
    out = scene.image.copy()
    drawn = ReplaceText(
        scene.plans(["到手价", "¥39.9"], ["Giá cuối", "139.650₫"]), "vi", "latin"
    ).draw(out)
    ink = ink_mask(out, red, 120)[150:450].astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    parts = [tuple(int(v) for v in stats[n, :4]) for n in range(1, count) if stats[n, 4] > 4]
    price = min(x for x, _, _, h in parts if h > 80)  # the price's digits are tall
    label = max(x + w for x, _, w, h in parts if h <= 80 and x < price)
    said = [w for w in drawn.warnings if "runs onto" in w]
    assert price - label >= 8 or said, (price - label, drawn.lines, drawn.warnings)


def test_a_line_over_a_pill_is_set_clear_of_it_or_said() -> None:
    # the trial's a10 in en/vi: a two-line headline hung into the white pill below it,
    # its descenders cut by the pill's edge, unwarned
    from PIL import ImageDraw

    img = Image.new("RGB", (800, 600), (120, 70, 30))
    ImageDraw.Draw(img).rounded_rectangle((60, 232, 740, 330), 40, fill=(255, 255, 255))
    scene = draw(img, [Lettering("天然生蜂蜜", (80, 140), 70, (250, 230, 180))])
    out = scene.image.copy()
    drawn = ReplaceText(
        scene.plans(["天然生蜂蜜"], ["Natural raw honey, golden and pure"]), "en", "latin"
    ).draw(out)
    ink = ink_mask(out, (250, 230, 180), 60)
    lowest = int(np.nonzero(ink.any(axis=1))[0].max())
    said = [w for w in drawn.warnings if "runs onto" in w]
    assert lowest < 230 or said, (lowest, drawn.lines, drawn.warnings)  # whole, above it


def test_a_headline_that_cannot_clear_the_product_says_so() -> None:
    # half the headline lies on the bottle: no size within its panel clears it
    from PIL import ImageDraw

    img = Image.new("RGB", (1000, 1000), (242, 240, 235))
    ImageDraw.Draw(img).rounded_rectangle((400, 200, 860, 920), 60, fill=(40, 140, 80))
    scene = draw(img, [Lettering("超大容量", (100, 380), 120)])
    drawn = ReplaceText(scene.plans(["超大容量"], ["ความจุใหญ่พิเศษ"]), "th", "thai").draw(
        scene.image.copy()
    )
    said = [str(w) for w in drawn.warnings if "runs onto" in str(w)]
    assert len(said) == 1 and said[0].startswith(
        "text '超大容量': its translation runs onto the product beside it ("
    ), drawn.warnings


def test_a_line_touching_the_one_above_is_moved_down_its_sticker_before_it_is_shrunk() -> None:
    from PIL import ImageDraw

    texts = ["限时抢购", "立减30元"]  # a01_sticker vi: "giới hạn" touched "Giảm ngay", at 48%
    base = Image.new("RGB", (700, 500), (170, 140, 160))
    ImageDraw.Draw(base).regular_polygon((330, 250, 220), 14, fill=(225, 30, 40))
    scene = draw(
        base,
        [
            Lettering(texts[0], (150, 150), 80, fill=(250, 230, 60), bold=2, angle=8),
            Lettering(texts[1], (210, 260), 52, fill=(255, 255, 255), angle=8),
        ],
    )
    img, done = set_scene(scene, texts, ["Săn deal giới hạn", "Giảm ngay 105.000₫"], "vi")
    assert not done.notes, done.notes
    assert done.sizes[1] >= 0.5 * done.originals[1], (done.sizes, done.originals)
    yellow, white = ink_mask(img, (250, 230, 60), 120), ink_mask(img, (255, 255, 255), 120)
    apart = cv2.distanceTransform((~yellow).astype(np.uint8), cv2.DIST_L2, 3)[white].min()
    assert apart >= 0.15 * done.sizes[1], (apart, done.sizes)  # clear of the line above


def test_the_px_said_to_run_onto_the_product_are_the_letters_drawn_on_it() -> None:
    # the trial's a13/a14: "runs onto ... (24,487 px)" for one 53 px line: the figure
    # counted the outline's layer and the ink near anything, not the letters on the product
    from PIL import ImageDraw

    img = Image.new("RGB", (1000, 1000), (242, 240, 235))
    ImageDraw.Draw(img).rounded_rectangle((400, 200, 860, 920), 60, fill=(40, 140, 80))
    fill, edge = (30, 30, 30), (255, 255, 255)
    scene = draw(img, [Lettering("超大容量", (100, 380), 120, fill=fill, outline=8, edge=edge)])
    out = scene.image.copy()
    drawn = ReplaceText(scene.plans(["超大容量"], ["ความจุใหญ่พิเศษ"]), "th", "thai").draw(out)
    [said] = [w for w in drawn.warnings if "runs onto the product" in w]
    figure = int(said.split("(")[1].split(" px")[0].replace(",", ""))
    bottle = np.abs(np.asarray(img).astype(np.int16) - (40, 140, 80)).max(axis=2) < 30
    letters = int((ink_mask(out, fill, 90) & bottle).sum())  # the fill's px on the bottle
    assert 0 < figure <= 1.15 * letters + 50, (figure, letters)


def test_a_squeezed_title_stays_visibly_larger_than_its_body_down_to_the_bodys_floor() -> None:
    # a01 en: "Limited-time deal" squeezed into its sticker, "Save $4.20" under it drawn
    # nearly the title's size: the hierarchy gone
    texts = ["保温杯", "立减三十"]
    scene = draw(
        Image.new("RGB", (700, 400), CREAM),
        [Lettering(texts[0], (60, 60), 60, bold=2), Lettering(texts[1], (60, 200), 40)],
    )
    title = "Vacuum insulated stainless steel travel flask"
    _, done = set_scene(scene, texts, [title, "Save"], "en")
    floor = round(0.6 * done.originals[1])
    larger = done.sizes[0] >= 1.15 * done.sizes[1] - 1
    assert larger or done.sizes[1] == floor, (done.sizes, done.originals)
    assert done.sizes[1] >= floor, (done.sizes, done.originals)  # never under the floor for it


ON_PHOTO = {  # a trial's d04: selling points laid straight onto a blurred photo
    "en": ["Food-grade silicone", "Heat-resistant, dishwasher-safe", "Folds flat to save space"],
    "th": ["ซิลิโคนเกรดอาหาร", "ทนความร้อน เข้าเครื่องล้างจานได้", "พับเก็บได้ ไม่เปลืองพื้นที่"],
    "vi": ["Chất liệu silicone cấp thực phẩm", "Chịu nhiệt, dùng được máy rửa bát",
           "Gấp gọn, không chiếm chỗ"],
}  # fmt: skip


@pytest.mark.parametrize("language", sorted(ON_PHOTO))
def test_a_paragraph_on_a_photo_grows_rightward_into_the_free_space_beside_it(
    language: str,
) -> None:
    from tests.imagesynth import blurred_photo

    texts = ["食品级硅胶材质", "耐高温可进洗碗机", "折叠收纳不占地方"]
    scene = draw(
        blurred_photo((1080, 720), seed=4),
        [Lettering(t, (80, 120 + 100 * n), 56, fill=(255, 255, 255)) for n, t in enumerate(texts)],
    )
    img, done = set_scene(scene, texts, ON_PHOTO[language], language)
    assert done.blocks == ((0, 1, 2),)
    # no flat panel around it, but 500 px of photo free to its right: at least 60% of
    # the original's size (it was squeezed into the Chinese lines' own box: 35%)
    assert min(s / o for s, o in zip(done.sizes, done.originals, strict=True)) >= 0.6, (
        done.sizes,
        done.originals,
        done.lines,
    )
    lefts = [x for item in done.lefts for x in item]
    assert max(abs(x - 80) for x in lefts) <= 0.1 * 56 + 3  # still left-aligned at x = 80
    ink = np.nonzero(ink_mask(img, (255, 255, 255), near=30).any(axis=0))[0]
    assert ink[-1] < 1080 - 0.01 * 720  # and clear of the image's edge
    # a blurred photo's soft detail is nothing it runs onto (it was said to run onto a
    # "lettering, rule or panel edge" of 1,083 px)
    assert not any("runs onto" in str(n) for n in done.notes), done.notes


@pytest.mark.parametrize("language", sorted(ON_PHOTO))
def test_a_line_across_a_products_edge_on_a_photo_grows_beside_the_product_not_onto_it(
    language: str,
) -> None:
    from tests.imagesynth import blurred_photo

    translations = {"en": "Extra-long battery life", "th": "แบตอึดพิเศษ", "vi": "Pin siêu bền"}
    phone = (500, 150, 860, 900)
    scene = draw(
        blurred_photo((1000, 1000), seed=8, product=phone),
        [Lettering("超长续航", (200, 420), 120, fill=(255, 210, 0))],
    )
    img, done = set_scene(scene, ["超长续航"], [translations[language]], language)
    assert done.sizes[0] >= 0.6 * done.originals[0], (done.sizes, done.originals, done.lines)
    yellow = ink_mask(img, (255, 210, 0), near=60)
    on_phone = yellow[phone[1] + 30 : phone[3] - 30, phone[0] + 10 : phone[2] - 30]
    assert on_phone.sum() <= 0.02 * yellow.sum()  # beside the phone, not over it
    assert not any("lettering, rule or panel edge" in n for n in done.notes), done.notes


@pytest.mark.parametrize(
    "language, translation", [("en", "Handmade from solid wood"), ("vi", "Gỗ thật làm thủ công")]
)
def test_a_line_alone_on_a_photo_by_its_left_margin_stays_left_aligned(
    language: str, translation: str
) -> None:
    # d03: one line at x = 80 of a 1000 px picture (300 px free past its end) was drawn
    # centred on the Chinese line, its left edge moved in by 100 px
    from tests.imagesynth import blurred_photo

    scene = draw(
        blurred_photo((1000, 700), seed=3),
        [Lettering("实木手工制作", (80, 120), 100, fill=(45, 30, 20))],
    )
    img, done = set_scene(scene, ["实木手工制作"], [translation], language)
    assert done.blocks == ((0,),)
    lefts = done.lefts[0]  # one left edge, the original's
    assert max(abs(x - 80) for x in lefts) <= 0.1 * 100, (lefts, done.lines)


TABLE_ROWS = {
    "th": [
        ("ชื่อสินค้า", "แก้วเก็บอุณหภูมิ"),
        ("ความจุ", "500 มล."),
        ("วัสดุ", "สแตนเลส 304"),
        ("เก็บความร้อน", "12 ชั่วโมง"),
    ],
    "en": [
        ("Product", "Insulated cup"),
        ("Capacity", "500 ml"),
        ("Material", "304 stainless steel"),
        ("Keeps warm", "12 hours"),
    ],
}


@pytest.mark.parametrize("language", sorted(TABLE_ROWS))
def test_a_tables_rows_sit_alike_in_their_cells_and_clear_of_the_rules(language: str) -> None:
    # trial-img8's c01 th: each row placed by its own marks (ุ under วัสดุ, none under
    # เก็บความร้อน), so the rows drifted up and down in their cells and the last one sat
    # on its cell's bottom rule; the Chinese sat low in every cell alike
    rule, top, pitch = (170, 170, 170), 500, 90
    img = Image.new("RGB", (1000, 1000), (246, 246, 244))
    pen = ImageDraw.Draw(img)
    for k in range(5):
        pen.line((150, top + k * pitch, 860, top + k * pitch), fill=rule, width=1)
    for x in (150, 430, 860):
        pen.line((x, top, x, top + 4 * pitch), fill=rule, width=1)
    labels, values = ["品名", "容量", "材质", "保温"], ["保温杯", "500毫升", "304不锈钢", "12小时"]
    texts = [t for pair in zip(labels, values, strict=True) for t in pair]
    scene = draw(img, [Lettering(t, (175 + 280 * (n % 2), top + 30 + pitch * (n // 2)), 36)
                       for n, t in enumerate(texts)])  # fmt: skip
    translations = [t for pair in TABLE_ROWS[language] for t in pair]
    out, done = set_scene(scene, texts, translations, language)
    size = min(done.sizes)
    # each row's baseline sits as far under its cell's middle as every other row's
    under = [done.baselines[2 * k][0] - (top + pitch * k + pitch / 2) for k in range(4)]
    assert max(under) - min(under) <= 0.1 * size, (under, done.lines)
    for k in range(4):  # a row's cells share their baseline
        assert abs(done.baselines[2 * k][0] - done.baselines[2 * k + 1][0]) <= 1
    # and no row's letters come near its cell's rules, above or below
    ink = ink_mask(out, (30, 30, 30), 200)
    for k in range(4):
        rows = np.nonzero(
            ink[top + pitch * k + 3 : top + pitch * (k + 1) - 2, 160:850].any(axis=1)
        )[0]
        above, below = rows[0] + 3, pitch - 3 - rows[-1]
        assert below >= 0.2 * size and above >= 0.2 * size, (k, above, below, done.lines)


UNDER_TITLE = {
    "en": ("Pure cotton, soft on skin", "Breathable and comfy"),
    "th": ("ผ้าฝ้ายแท้ นุ่มสบายผิว", "ระบายอากาศ ใส่สบาย"),
    "vi": ("Cotton nguyên chất, êm da", "Thoáng khí, thoải mái"),
}


@pytest.mark.parametrize("language", sorted(UNDER_TITLE))
def test_a_line_under_a_title_on_a_photo_takes_the_room_beside_it_not_its_own_box(
    language: str,
) -> None:
    # the trial's d01 (a weave): the title drawn first reached down near line 2, and the
    # few rows of line 2 kept clear of it stopped its room growing sideways at its own
    # Chinese box; 透气舒适 was wrapped at 55-60% (vi on three lines) with 500 px free
    rng = np.random.default_rng(1)  # a blue weave: 4 px checks, each thread's shade its own
    y, x = np.mgrid[0:1000, 0:1000]
    shade = np.where((y // 4 + x // 4) % 2, 18.0, -18.0) + rng.normal(0, 12, (1000, 1000))
    weave = np.clip(np.asarray((70, 95, 140), float) + shade[..., None], 0, 255)
    white, dark = (255, 255, 255), (20, 20, 20)
    texts = ["纯棉亲肤", "透气舒适"]
    scene = draw(
        Image.fromarray(weave.astype(np.uint8)),
        [Lettering(texts[0], (115, 160), 110, white, outline=4, edge=dark),
         Lettering(texts[1], (120, 320), 78, white, outline=3, edge=dark)],
    )  # fmt: skip
    _, done = set_scene(scene, texts, list(UNDER_TITLE[language]), language)
    assert done.blocks == ((0,), (1,)), done.blocks
    # (en was wrapped at 63%, th and vi under 60% and vi on three lines)
    assert done.sizes[1] >= 0.8 * done.originals[1], (done.sizes, done.originals, done.lines)
    assert len(done.lines[1]) <= 2, done.lines  # room beside it: never three lines


# (the least share of the original's size the disc holds: "Bán chạy" on one line across
# it is wider than the disc at 50%, and on two lines taller than its rim allows)
BADGE = {"en": ("Hot", 0.6), "th": ("ขายดี", 0.6), "vi": ("Bán chạy", 0.45)}


@pytest.mark.parametrize("language", sorted(BADGE))
def test_a_badge_on_the_products_corner_is_its_panel_not_the_product(language: str) -> None:
    # d07: a red disc 热卖 on a card's corner is part of the product's silhouette; read as a
    # photo with the product all round, "Hot" was drawn at 32% against the disc's right
    # edge and said to run onto the product ("shorten it")
    from PIL import ImageDraw

    img = Image.new("RGB", (1000, 1000), (244, 244, 246))
    pen = ImageDraw.Draw(img)
    pen.rounded_rectangle((220, 220, 780, 880), 40, fill=(45, 115, 95))
    pen.ellipse((653, 133, 867, 347), fill=(255, 255, 255))
    pen.ellipse((660, 140, 860, 340), fill=(225, 30, 40))
    scene = draw(img, [Lettering("热卖", (682, 200), 76, fill=(255, 255, 255))])
    translation, least = BADGE[language]
    out, done = set_scene(scene, ["热卖"], [translation], language)
    assert done.sizes[0] >= least * done.originals[0], (done.sizes, done.originals, done.lines)
    white = ink_mask(out, (255, 255, 255), 60)[150:330, 670:850]
    xs = np.nonzero(white.any(axis=0))[0] + 670
    assert abs((xs[0] + xs[-1]) / 2 - 760) <= 12, (xs[0], xs[-1])  # centred on the disc
    assert not any("product" in str(n) for n in done.notes), done.notes
    # under half the original's em (its ink over 0.9) it is said so; vi's 'Bán chạy' filling
    # the disc at 48% of the size matching its ink is 58% of its em, and reads right (d07);
    # never "under the legible size"
    small = done.sizes[0] < 0.5 * scene.ink_heights[0] / 0.9
    assert any("all its space holds" in str(n) for n in done.notes) == small, done.notes
    assert not any("legible" in str(n) for n in done.notes), done.notes


SUBLINE = {
    "en": ["Handmade soap", "Gentle, non-irritating"],
    "th": ["สบู่ทำมือ", "อ่อนโยน ไม่ระคายเคือง"],
    "vi": ["Xà phòng thủ công", "Dịu nhẹ, không kích ứng"],
}


@pytest.mark.parametrize("language", sorted(SUBLINE))
def test_a_subline_over_the_products_top_grows_into_the_strip_beside_it(language: str) -> None:
    # a13: a white-outlined subline set 17 px under its headline on a smooth gradient,
    # its last letters on the top of the oval soap under it; kept 31 px from both, its
    # translation was wrapped in the corner left of the soap at a third of its size, with
    # 400 px of gradient free beside it
    from PIL import ImageDraw

    ys, xs = np.mgrid[0:1000, 0:1000] / 1000.0
    t = np.clip(0.6 * ys + 0.4 * (1 - xs), 0, 1)[..., None]
    shade = np.array((225, 95, 150.0)) * (1 - t) + np.array((110, 205, 160.0)) * t
    img = Image.fromarray(shade.astype(np.uint8))
    ImageDraw.Draw(img).ellipse((250, 301, 750, 951), fill=(225, 215, 200))
    white = (255, 255, 255)
    texts = ["手工香皂", "温和不刺激"]
    scene = draw(
        img,
        [
            Lettering(texts[0], (100, 70), 118, fill=(120, 40, 90)),
            Lettering(texts[1], (104, 206), 78, fill=white, outline=4, edge=(60, 30, 50)),
        ],
    )
    out, done = set_scene(scene, texts, SUBLINE[language], language)
    # one line across the strip between the headline and the soap: about half the
    # original's size (its rows less the gaps kept from both), not a third in the corner
    assert len(done.lines[1]) == 1, done.lines
    assert done.sizes[1] >= 0.45 * done.originals[1], (done.sizes, done.originals)
    soap = np.zeros((1000, 1000), np.uint8)
    cv2.ellipse(soap, (500, 626), (250, 325), 0, 0, 360, 1, -1)
    assert not (ink_mask(out, white, 60) & soap.astype(bool)).sum()  # and off the soap


def tag(text: str) -> Scene:
    """trial-img9's e11: a yellow tag on a red band, in the image's bottom-right corner."""
    from PIL import ImageDraw

    img = Image.new("RGB", (1200, 1200), (250, 250, 250))
    pen = ImageDraw.Draw(img)
    pen.rectangle((0, 1000, 1200, 1200), fill=(205, 25, 35))
    pen.rounded_rectangle((860, 1035, 1120, 1145), 30, fill=(250, 210, 0))
    return draw(img, [Lettering(text, (928, 1050), 64, fill=(205, 25, 35))])


def test_a_tag_that_reads_as_large_as_its_original_is_not_called_small() -> None:
    # e11 en: 'Free shipping' on two lines in the 包邮 tag, its letters 0.7 of the size
    # where the Chinese glyphs fill 0.9 of theirs, was "drawn at 49% ... under the legible
    # size" though it read fine; text really smaller than its original is still said
    scene = tag("包邮")
    out, done = set_scene(scene, ["包邮"], ["Free shipping"], "en")
    ink = ink_mask(out, (205, 25, 35), 60)[1035:1145, 860:1120]
    rows = np.nonzero(ink.any(axis=1))[0]
    drawn = (rows[-1] - rows[0] + 1) / len(done.lines[0])  # a line's height, with its gap
    assert drawn >= 0.7 * scene.ink_heights[0], (drawn, done.lines, done.sizes)
    assert not any("of the original's size" in str(n) for n in done.notes), done.notes
    long = "Free shipping on every order, today only"
    out, done = set_scene(tag("包邮"), ["包邮"], [long], "en")
    assert any("of the original's size" in str(n) for n in done.notes), (done.notes, done.sizes)


def test_a_title_by_a_cards_top_edge_takes_the_cards_space_not_called_on_the_product() -> None:
    # e01: a white card over a blurred photo; the title's first line, near the card's top
    # edge, was erased as a texture (its crop reached the photo), so the block was set as on
    # a photo, the card taken for the product: 34%, "runs onto the product (2988 px)"
    from PIL import ImageFilter

    img = Image.new("RGB", (1080, 1080), (222, 196, 170))
    pen = ImageDraw.Draw(img)
    blurred = [(700, 150, 180, (110, 190, 150)), (560, 300, 120, (220, 110, 90)),
               (900, 560, 200, (110, 230, 120)), (400, 120, 100, (160, 210, 140))]  # fmt: skip
    for x, y, r, colour in blurred:
        pen.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    img = img.filter(ImageFilter.GaussianBlur(30))
    ImageDraw.Draw(img).rounded_rectangle((60, 105, 580, 585), 30, fill=(255, 255, 255))
    texts = ["北欧风陶瓷杯", "大容量450毫升"]
    scene = draw(img, [Lettering(texts[0], (100, 122), 62, bold=2),
                       Lettering(texts[1], (100, 206), 52, bold=2)])  # fmt: skip
    out, done = set_scene(scene, texts, ["Nordic-style ceramic mug", "Large 450 ml capacity"], "en")
    assert not any("product" in str(n) for n in done.notes), done.notes
    assert done.sizes[0] >= 0.45 * done.originals[0], (done.sizes, done.originals, done.lines)
    dark = ink_mask(out, (30, 30, 30), 150)
    assert not dark[:, 580:].any() and not dark[:105].any()  # on the card


def price_tag() -> Image.Image:
    """A trial's f01 (trial-img10) cropped round its tag (on its JPEG blocks): a red tag
    over a kettle on a studio backdrop, its cream card holding a grey old price struck
    through and a big red new price right beside it, through JPEG as suppliers' photos
    come."""
    import io

    from tests.localize.supplier_text import cjk_font

    t = np.linspace(0.6, 1.0, 400, endpoint=False)[:, None, None]  # the backdrop's lower part
    backdrop = np.array([238.0, 236, 232]) * (1 - t) + np.array([214.0, 210, 204]) * t
    backdrop = backdrop + np.random.default_rng(201).normal(0, 2, (400, 504, 1))
    img = Image.fromarray(np.clip(backdrop, 0, 255).astype(np.uint8))
    d = ImageDraw.Draw(img)
    d.ellipse((-376, -350, 64, 220), fill=(190, 195, 200))  # the product: a kettle
    d.ellipse((24, -220, 144, 0), outline=(70, 75, 85), width=22)  # (its handle)
    d.rounded_rectangle((64, 40, 464, 340), 28, fill=(225, 30, 40))
    d.rectangle((84, 140, 444, 320), fill=(255, 248, 235))
    d.text((264, 90), "限时特价", font=cjk_font(58), fill=(255, 255, 255), anchor="mm",
           stroke_width=1, stroke_fill=(255, 255, 255))  # fmt: skip
    old = d.textbbox((104, 230), "原价¥199", font=cjk_font(40), anchor="lm")
    d.text((104, 230), "原价¥199", font=cjk_font(40), fill=(130, 130, 130), anchor="lm")
    strike = (old[1] + old[3]) // 2 + 2
    d.line((old[0] - 4, strike, old[2] + 4, strike), fill=(130, 130, 130), width=3)
    d.text((434, 230), "¥99", font=cjk_font(100), fill=(225, 30, 40), anchor="rm",
           stroke_width=2, stroke_fill=(225, 30, 40))  # fmt: skip
    out = io.BytesIO()
    img.save(out, "JPEG", quality=90)
    img = Image.open(io.BytesIO(out.getvalue())).convert("RGB")
    # a px of the strike's lower rows decoded paler, as f01's were: each of its rows
    # broken once where the ink is told from the card
    for dy, x in ((0, 180), (1, 225)):
        img.putpixel((x, strike + dy), (190, 186, 178))
    return img


def box(x0: int, y0: int, x1: int, y1: int) -> tuple[tuple[int, int], ...]:
    """A region's polygon from its box."""
    return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))


@pytest.mark.parametrize("language", ["en", "th", "vi"])
def test_a_struck_old_price_beside_the_new_one_keeps_its_strike_and_size(language: str) -> None:
    # trial-img10 f01: the old price's strike was lost (JPEG broke its rows, so no row ran
    # across the text) and its translation was set at a third of its size; the regions as
    # OCR read them there (in its order), the old price's reaching into the new one's
    translations = {"en": "Was $27.86", "th": "ราคาเดิม ฿955", "vi": "Giá gốc 696.500₫"}
    img = price_tag()
    grey = ink_mask(img, (130, 130, 130), 60)
    plans = (
        RegionPlan(box(150, 64, 380, 127), "限时特价", "Limited-time offer"),
        RegionPlan(box(257, 193, 438, 286), "¥99", "$13.86"),
        RegionPlan(box(98, 209, 260, 258), "原价¥199", translations[language]),
    )
    ReplaceText(plans, language, SCRIPTS[language]).draw(img)
    drawn = ink_mask(img, (130, 130, 130), 90)
    drawn[:, 304:] = False  # the old price's side of the card
    found, letters = looks.rules(drawn)
    assert [r.kind for r in found] == ["strike"], found
    original = looks.rules(grey)[1]
    assert letters is not None and original is not None
    # en fits on one line beside the new price at 60% of the original's size; th and vi
    # are longer and fill that room at about half (vi warned), not a third of it
    least = 0.6 if language == "en" else 0.42
    assert letters[1] - letters[0] >= least * (original[1] - original[0]), (letters, original)


def test_a_buttons_label_is_not_said_to_run_onto_the_product_it_is_the_button() -> None:
    # trial-img10 f08: 立即购买 on an orange-to-yellow button beside a phone, on a purple
    # gradient; the label, erased as a gradient, was set as on a photo, and what stands
    # there (the button under it among it) taken for the product: "Buy now" at 44%, "runs
    # onto the product beside it (674 px) ... shorten it"
    def shading(size: tuple[int, int], start: tuple[int, ...], end: tuple[int, ...],
                down: bool) -> Image.Image:  # fmt: skip
        w, h = size
        t = (np.mgrid[0:h, 0:w][0 if down else 1] / (h if down else w))[..., None]
        a = np.asarray(start, float) * (1 - t) + np.asarray(end, float) * t
        a += np.random.default_rng(8).normal(0, 2, (h, w, 1))
        return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))

    img = shading((1080, 1080), (90, 40, 160), (235, 80, 150), True)
    pen = ImageDraw.Draw(img)
    pen.rounded_rectangle((390, 300, 690, 760), 40, fill=(30, 30, 40))  # a phone
    pen.rounded_rectangle((405, 320, 675, 740), 30, fill=(120, 170, 230))
    button = Image.new("L", (560, 130), 0)
    ImageDraw.Draw(button).rounded_rectangle((0, 0, 559, 129), 65, fill=255)
    img.paste(shading((560, 130), (255, 150, 30), (255, 210, 60), False), (260, 850), button)
    pen = ImageDraw.Draw(img)
    pen.line([(745, 890), (770, 915), (745, 940)], fill=(255, 255, 255), width=7)  # a chevron
    texts = ["年终大促", "立即购买"]
    scene = draw(img, [Lettering(texts[0], (280, 105), 130, (255, 255, 255), bold=3),
                       Lettering(texts[1], (378, 880), 64, (255, 255, 255), bold=1)])  # fmt: skip
    out, done = set_scene(scene, texts, ["Year-end sale", "Buy now"], "en")
    assert not any("product" in str(n) for n in done.notes), done.notes


def two_colour_title() -> tuple[Scene, list[str]]:
    """f06: a centred title in two colours (补水保湿 black, 一整天 red) over a centred grey
    subline, on a 1000 px wide page: OCR reads the title as one line."""
    from tests.localize.supplier_text import cjk_font

    black, red, grey = (25, 25, 30), (220, 30, 45), (105, 112, 122)
    size, sub = 90, 40
    head, tail, subline = "补水保湿", "一整天", "深层滋润清爽不油腻"
    wide = cjk_font(size).getlength(head)
    x0 = round((1000 - cjk_font(size).getlength(head + tail)) / 2)
    first = draw(Image.new("RGB", (1000, 600), CREAM), [Lettering(head, (x0, 150), size, black)])
    x1 = round((1000 - cjk_font(sub).getlength(subline)) / 2)
    rest = draw(
        first.image,
        [
            Lettering(tail, (x0 + round(wide), 150), size, red),
            Lettering(subline, (x1, 290), sub, grey),
        ],
    )
    xs = [x for p in (first.polygons[0], rest.polygons[0]) for x, _ in p]
    ys = [y for p in (first.polygons[0], rest.polygons[0]) for _, y in p]
    title = ((min(xs), min(ys)), (max(xs), min(ys)), (max(xs), max(ys)), (min(xs), max(ys)))
    scene = Scene(
        rest.image, [title, rest.polygons[1]], [first.ink_heights[0], rest.ink_heights[1]]
    )
    return scene, [head + tail, subline]


@pytest.mark.parametrize(
    "language, translations",
    [
        ("en", ["Hydrated all day long", "Deeply nourishing, fresh, never greasy"]),
        ("vi", ["Cấp ẩm suốt cả ngày", "Dưỡng sâu, mát nhẹ, không bết dính"]),
    ],
)
def test_a_centred_two_colour_title_and_its_subline_are_drawn_centred(
    language: str, translations: list[str]
) -> None:
    # f06: the title's ink was measured from its main colour alone (the black half), its
    # centre taken 145 px left of the line's: title and subline were set right-aligned
    # at the image's left edge, the subline wrapped with 1000 px free
    scene, texts = two_colour_title()
    img, done = set_scene(scene, texts, translations, language)
    assert [set(b) for b in done.blocks] in ([{0}, {1}], [{1}, {0}]), done.blocks
    for n, rows in ((0, slice(120, 270)), (1, slice(270, 360))):
        ink = ink_mask(img, (25, 25, 30) if n == 0 else (105, 112, 122), 60)[rows]
        cols = np.nonzero(ink.any(axis=0))[0]
        assert len(cols), (n, done.lines)
        centre = (cols[0] + cols[-1]) / 2
        assert abs(centre - 500) <= 0.02 * 1000, (n, cols[0], cols[-1], done.lines)
    assert len(done.lines[1]) == 1, done.lines  # the subline has the page: not wrapped


def test_a_collages_corner_labels_are_no_row_of_icon_labels() -> None:
    # trial-img10's f04: four photos, 2x2, each with a short label in its lower-left corner;
    # the labels, one row apart, were bounded like icons' labels by their share of the gap
    # (~184 px of a 594 px photo): 'Living / room', 'Phòng / ngủ'
    from PIL import ImageFilter

    img = Image.new("RGB", (1200, 1200), (255, 255, 255))
    colours = [(205, 170, 140), (170, 160, 175), (225, 190, 140), (190, 200, 160)]
    cells = [(0, 0), (606, 0), (0, 606), (606, 606)]
    for k, (x, y) in enumerate(cells):
        cell = Image.new("RGB", (594, 594), colours[k])
        pen = ImageDraw.Draw(cell)
        for j in range(6):
            x0, y0 = (97 * (j + k)) % 420, (71 * (j + 2 * k)) % 380
            pen.rounded_rectangle(
                (x0, y0, x0 + 150, y0 + 110), 20, fill=(60 + 30 * j, 200 - 25 * j, 120 + 20 * k)
            )
        img.paste(cell.filter(ImageFilter.GaussianBlur(6)), (x, y))
    texts = ["客厅", "卧室", "书房", "阳台"]
    white = (255, 255, 255)
    scene = draw(img, [Lettering(t, (x + 35, y + 505), 64, fill=white, bold=1)
                       for t, (x, y) in zip(texts, cells, strict=True)])  # fmt: skip
    _, done = set_scene(scene, texts, ["Living room", "Bedroom", "Study", "Balcony"], "en")
    # each its own photo's label, grown over its photo as a line alone on one is
    assert done.sizes[0] >= 0.8 * done.originals[0], (done.sizes, done.originals, done.lines)
    assert done.sizes[1] >= 0.8 * done.originals[1], (done.sizes, done.originals, done.lines)


SUBLINES = {
    "en": ("Large capacity flask", "Keeps drinks hot for twelve hours and cold all day"),
    "th": ("กระติกน้ำความจุสูง", "เก็บความร้อนได้นานสิบสองชั่วโมงและเก็บความเย็นได้ทั้งวัน"),
}


@pytest.mark.parametrize("language", sorted(SUBLINES))
def test_a_long_subline_on_a_night_photo_keeps_a_sensible_line_count_or_says_so(
    language: str,
) -> None:
    # e09: a white headline with a cyan glow and a smaller subline under it; the subline's
    # long English came back wrapped onto 5 lines where the original had one, said nowhere
    from tests.imagesynth import make

    s = make("glow")
    img = s.image.copy()
    original = np.asarray(img).copy()
    says = [*SUBLINES[language], SUBLINES[language][0]]
    pieces = [
        erase_piece(img, original, RegionPlan(t.polygon, t.text, tr), tr)
        for t, tr in zip(s.texts, says, strict=True)
    ]
    done = set_pieces(img, pieces, language, SCRIPTS[language])
    sub = done.lines[1]
    notes = [str(n) for n in done.notes if s.texts[1].text in str(n)]
    said = [n for n in notes if "lines" in n]
    overflow = [n for n in notes if "does not fit" in n]  # (said already: no second note)
    assert len(sub) <= LINES_MOST or said or overflow, (sub, done.notes)
    if said:  # ... and no size at or above its floor held it on fewer
        assert f"{len(sub)} lines" in said[0] and "had 1" in said[0], said


POINTS = {  # trial 13 g06: two selling points left of a desk lamp
    "en": ["3 brightness levels", "Eye-care, flicker-free"],
    "th": ["ปรับแสงได้ 3 ระดับ", "ถนอมสายตา ไม่กะพริบ"],
    "vi": ["3 mức độ sáng", "Bảo vệ mắt, không nhấp nháy"],
}


@pytest.mark.parametrize("language", sorted(POINTS))
def test_selling_points_beside_a_lamp_on_a_vignette_take_the_width_up_to_the_lamp(
    language: str,
) -> None:
    # trial 13 g06: the vignette's lit middle, far from its border's colour, was taken for
    # the lamp's silhouette (a disc over most of the picture), and the two points left of
    # the lamp were set in a 100 px column: 24 px one-word lines, 400 px of free backdrop
    # between them and the lamp (vi on 8 lines)
    from tests.localize.images import lamp_in_vignette

    texts = ["三档调光", "护眼无频闪"]
    backdrop, lamp = lamp_in_vignette()
    grey = (60, 60, 60)
    scene = draw(
        backdrop, [Lettering(t, (70, 640 + 75 * n), 50, grey, bold=1) for n, t in enumerate(texts)]
    )
    img, done = set_scene(scene, texts, POINTS[language], language)
    assert done.blocks == ((0, 1),)
    assert min(s / o for s, o in zip(done.sizes, done.originals, strict=True)) >= 0.6, (
        done.sizes,
        done.originals,
        done.lines,
    )
    assert all(len(item) <= LINES_MOST for item in done.lines), done.lines
    lefts = [x for item in done.lefts for x in item]
    assert max(abs(x - 70) for x in lefts) <= 0.1 * 50 + 3  # at the original's left edge
    ink = ink_mask(img, grey, near=60) & ~ink_mask(backdrop, grey, near=60)
    on_lamp = cv2.dilate(np.asarray(lamp), np.ones((9, 9), np.uint8)) > 0
    assert not (ink & on_lamp).any()  # up to the lamp, never over it
    assert not done.notes, done.notes


@pytest.mark.parametrize(
    "language, translations",
    [("th", ["สินค้าใหม่", "ปรับแสงได้ 3 ระดับ"]), ("vi", ["Hàng mới", "3 mức độ sáng"])],
)
def test_a_corner_ribbon_is_no_title_of_the_upright_lines(
    language: str, translations: list[str]
) -> None:
    # trial 13 g06: 新品 turned 45 degrees in a red corner triangle, taller than the
    # selling points, was taken for their title: squeezed into its triangle, it held them
    # at 60-73% of their size with the page free all round them
    from PIL import ImageDraw

    page = Image.new("RGB", (1000, 1000), (235, 228, 218))
    ImageDraw.Draw(page).polygon([(0, 0), (260, 0), (0, 260)], fill=(230, 30, 40))
    texts = ["新品", "三档调光"]
    scene = draw(
        page,
        [
            Lettering(texts[0], (5, 5), 64, fill=(255, 255, 255), bold=2, angle=45),
            Lettering(texts[1], (80, 600), 50, fill=(60, 60, 60), bold=1),
        ],
    )
    _, done = set_scene(scene, texts, translations, language)
    assert done.blocks == ((0,), (1,))
    assert done.sizes[0] < 0.8 * done.originals[0]  # the ribbon: squeezed in its triangle
    assert done.sizes[1] >= 0.9 * done.originals[1], (done.sizes, done.originals, done.lines)


def test_a_strike_in_a_colour_of_its_own_is_kept_in_it() -> None:
    # A stranger's trial: a black old price ¥99 struck through in red. The strike was
    # looked for in the black ink only, so none was found, and the converted price came
    # back unstruck: an old price shown to a buyer as a current one, said nowhere.
    from tests.localize.images import struck_price

    img, (left, top, right, bottom) = struck_price()
    region = box(left - 12, top - 10, right + 12, bottom + 10)
    look = looks.measure(np.asarray(img), region, (30, 30, 30), None, (248, 248, 248), "¥99")
    assert [(r.kind, r.colour) for r in look.rules] == [("strike", (200, 0, 0))], look.rules
    drawn = img.copy()
    ReplaceText((RegionPlan(region, "¥99", "$13.86"),), "en", "latin").draw(drawn)
    red = ink_mask(drawn, (200, 0, 0), 60)[top - 10 : bottom + 10, left - 150 : right + 150]
    black = ink_mask(drawn, (30, 30, 30), 60)[top - 10 : bottom + 10, left - 150 : right + 150]
    assert black.sum() > 200  # the new price drawn in the letters' black ...
    found, _ = looks.rules(red | black)
    assert [r.kind for r in found] == ["strike"], found  # ... struck through
    rows = np.nonzero(red.any(axis=1))[0]
    assert len(rows) and rows[-1] - rows[0] <= 10, rows  # in red, one thin line


def test_no_colour_of_a_synthetic_picture_is_taken_for_a_strike() -> None:
    # (a gingham's pink stripe through 买一送一 was read as a strike of its own colour and
    # painted over 'Sale', cutting its letters: CI's Hypothesis; the red word of a black
    # title, a card's coloured lines: none is a strike)
    from tests.imagesynth import CLASSES, LAYOUTS, make

    struck = []
    for name in (*CLASSES, *LAYOUTS):
        s = make(name)
        for text in s.texts:
            under = np.asarray(s.background.crop(text.box)).reshape(-1, 3)
            page = tuple(int(v) for v in np.median(under, axis=0))
            polygon = text.turned or text.polygon
            look = looks.measure(np.asarray(s.image), polygon, text.fill, None, page, text.text)
            struck += [(name, text.text, r) for r in look.rules if r.colour is not None]
    assert not struck, struck


def set_synth(name: str, translations: list[str], language: str):  # type: ignore[no-untyped-def]
    """An imagesynth picture's regions erased and set with their translations: the
    picture, its truth and what was set."""
    from tests.imagesynth import make

    s = make(name)
    img = s.image.copy()
    original = np.asarray(img).copy()
    pieces = [
        erase_piece(img, original, RegionPlan(t.polygon, t.text, tr), tr)
        for t, tr in zip(s.texts, translations, strict=True)
    ]
    return img, s, set_pieces(img, pieces, language, SCRIPTS[language])


SLOGANS = {
    "en": ["Camping essential", "Light, windproof, sleep easy"],
    "vi": ["Đồ cắm trại cần thiết", "Nhẹ, chống gió, ngủ yên"],
}


@pytest.mark.parametrize("language", sorted(SLOGANS))
def test_a_slogans_line_on_a_grainy_ground_grows_beside_itself_and_stays_under_its_title(
    language: str,
) -> None:
    # trial s32's 01: the grass's grain (a few px far from its green) left no px of the
    # ground free once the room was kept clear of them, so line 2 was set in its own
    # Chinese box at about half its size, under a line 1 at full size: silent
    img, s, done = set_synth("slogan", SLOGANS[language], language)
    assert done.blocks == ((0,), (1,))
    shares = [size / top for size, top in zip(done.sizes, done.originals, strict=True)]
    assert min(shares) >= 0.6, (done.sizes, done.originals, done.lines)
    assert done.sizes[1] < done.sizes[0]  # the title stays the larger
    # ... by about what it was (64 px under 80): not twice (vi: 49 px under 90 on a ground
    # free from edge to edge)
    ratio = s.texts[1].size / s.texts[0].size
    assert done.sizes[1] / done.sizes[0] >= 0.75 * ratio, (done.sizes, done.lines)
    assert len(done.lines[1]) <= 2, done.lines
    # (drawn wider than its Chinese: the room beside it on the ground is its)
    from tests.imagesynth import HORIZON

    drawn = lines_drawn(img, (255, 255, 255), (0, HORIZON + 2, 1000, 1000), near=30)
    box = s.texts[1].box
    assert max(right - left for left, right in drawn) > box[2] - box[0], (drawn, box)


SMALL_BODY = {
    "en": ["Made of quality eco-friendly materials", "Strictly inspected at every step",
           "Smooth feel, long lasting", "For everyday home use", "Store in a cool dry place"],
    "vi": ["Làm từ vật liệu thân thiện chất lượng", "Kiểm tra nghiêm ngặt nhiều công đoạn",
           "Mịn tay, bền lâu", "Phù hợp dùng hằng ngày", "Bảo quản nơi khô mát"],
    "th": ["ผลิตจากวัสดุคุณภาพเป็นมิตรต่อสิ่งแวดล้อม", "ผ่านการตรวจสอบคุณภาพหลายขั้นตอน",
           "สัมผัสนุ่ม ทนทาน", "เหมาะสำหรับใช้ในบ้านทุกวัน", "เก็บในที่แห้งและเย็น"],
}  # fmt: skip
SMALL_HEAD = {"en": "About the product", "vi": "Giới thiệu sản phẩm", "th": "รายละเอียดสินค้า"}


@pytest.mark.parametrize("language", sorted(SMALL_BODY))
def test_a_paragraph_under_a_distant_title_takes_its_panels_width_before_it_wraps(
    language: str,
) -> None:
    # trial s32's 08: the gap kept under the title, lying above the paragraph's window,
    # was cleared with a negative row index: every row of the window but its last, across
    # the title's columns; the paragraph was held to its Chinese box and its long lines
    # wrapped at 64% with 500 px of its panel free beside them (silent)
    from tests.imagesynth import SMALL_PANEL

    img, s, done = set_synth("small-paragraph", [SMALL_HEAD[language], *SMALL_BODY[language]],
                             language)  # fmt: skip
    assert done.blocks == ((0,), (1, 2, 3, 4, 5))
    body = range(1, 6)
    sizes = [done.sizes[i] for i in body]
    assert max(sizes) <= 1.1 * min(sizes)  # one size
    assert all(len(done.lines[i]) == 1 for i in body), done.lines  # none wrapped
    assert min(done.sizes[i] / done.originals[i] for i in body) >= 0.9, (sizes, done.originals)
    lefts = [x for i in body for x in done.lefts[i]]
    assert max(lefts) - min(lefts) <= 0.1 * min(sizes)
    drawn = lines_drawn(img, (60, 60, 60), SMALL_PANEL, near=60)  # read off the pixels
    assert len(drawn) == 5, drawn
    edges = [left for left, _ in drawn]
    assert max(edges) - min(edges) <= 0.1 * min(sizes) + 3, edges
    assert not done.notes, done.notes
