"""Erasing the supplier's text as a retoucher would, judged against the true background of
synthetic supplier images (tests/imagesynth.py): each class within its PSNR target over the
text's pixels, nothing changed outside the panel, a banner red to its edges, shadows gone,
and every erase that falls short said, never silent. Detection is given the true boxes, so
these judge the erase alone; the clean plate's command runs the real OCR once."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw, ImageFilter

from localize.image.erase import POOR, _closed, _held_out, _smooth_fill, dilation, erase
from localize.image.ocr import RapidOcrDetector, Region, has_chinese
from localize.image.regions import POOR_ERASE, poor_erase_finding
from localize.image.replace import RegionPlan, ReplaceText
from localize.image.smear import CROWDED, before, grown_box, judge
from tests.imagesynth import (
    BLUE,
    CLASSES,
    CORNER_RED,
    Synth,
    font,
    make,
    psnr,
    scored,
    shaded_cell,
)
from tests.localize.images import Reads, clean_plate

# dB over the text's pixels: the targets (32 on smooth panels, 24 on textures and
# photos), and the same for the other classes by what they sit on
TARGETS = {
    "flat": 32,
    "gradient": 32,
    "banner": 32,
    "banner-jpeg": 32,
    "overhang": 32,
    "shadow": 32,
    "outline2": 32,
    "outline4": 32,
    "outline8": 32,
    "outline6": 32,  # a thick outline, the OCR's box on the letters: no slab of its colour
    "flat-jpeg": 32,
    "stripes": 24,
    "wood": 24,
    "bokeh": 24,
    "checks": 24,
    "outline-stripes": 24,
    # stripes of three colours each their own way, grain and dots, outlined white letters
    # (a03): 17.1 blurred into a grey blob; exact stripes and grain would give 32 (its few
    # hidden dots lost), so the 24 is not reached yet
    "outline-busy": 19,
    "outline-weave": 24,
    "product": 24,
    "stripes-jpeg": 24,
    "bokeh-jpeg": 24,
    "overhang-jpeg": 32,  # the band runs on to its JPEG-blurred edge under the letters
    "paragraph": 32,  # the neighbouring lines in its crop: never copied into the hole
    "paragraph-jpeg": 32,
    "sticker": 32,  # the other line and the star's points in each crop: no pattern
    "price-card": 32,  # g03: a flat card on a gradient, the price's crop past its edge
    "price-card-jpeg": 32,
    "pill-jpeg70": 24,  # a grainy photo, JPEG's blocks around the letters in the mask
    "watermark-photo": 28,  # a translucent mark: the photo and product under it kept
    "watermark-flat": 32,
    "watermark-turned": 32,  # turned 25 degrees: narrow gaps between its strokes
    # trial 31's 04: white at 43% over a flat ball and its flat backdrop, two colours under
    # it (too few to fit a coloured mark's), its end letters past OCR's tight box: 13 dB
    # left as it was, the ball's rim chewed by a smooth fill
    "watermark-product": 32,
    "ruled-cells": 32,  # 1 px rules a few px from the letters: neither ink nor smeared
    # trial 13 g07: each cell filled with its own row's shade, not the mix of its row's and
    # the rows' around it (36.9 dB, the letters a lighter or darker ghost of themselves);
    # with no rules, the shades touching (40.4, a row's cells 32.5)
    "shaded-table": 40,
    "zebra-table": 50,
    "card-edge": 32,  # three flat pieces: the card's edge and the band's run on through
    "card-edge-jpeg": 32,
    # d02, d03: gold on marble's veins, dark bold with a soft shadow on wood (28.3 and
    # 27.8 dB; where the veins or grain are lost the judge says so, smear.py)
    "marble": 24,
    "wood-shadow": 24,
    # e09: white letters with a cyan glow on a night photo's soft lights: the glow's soft
    # fall-off, told from an outline's hard edge, is taken into the hole (18.3 dB with it
    # left round a copied fill, 23.3 now); the fill is a smooth haze where the truth has
    # lights: the 24 is not reached yet
    "glow": 22,
    "glow-jpeg": 22,
    "night-shadow": 26,  # e09's second line: its shadow's ghost was left (26.3 dB, 27.7)
    # f12: six close lines on linen, on wood: each line's fill copied its neighbours'
    # letters (14.8, 14.2 JPEG, 15.4 on wood), none now
    "para-linen": 24,
    "para-linen-jpeg": 24,
    "para-wood": 24,
    # f09-f11: big polka dots, tiles and their grout, a gingham, continued a period away
    # (23.4, 27.9 and 36.8 dB before: the dots under a title dropped, grout lines bent)
    "polka": 32,
    "polka-jpeg": 32,
    "tiles": 30,
    "tiles-jpeg": 30,
    "gingham": 32,
    "gingham-jpeg": 30,
    # g05: a dark title and two white lines on wavy wood grain (17.6 and 17.8 dB: the
    # title's whole box filled flat, line 3 half left on a band of the grain taken for a
    # panel)
    "wood-title": 24,
    "wood-title-jpeg": 24,
    "giftbox": 32,  # g06: flat navy faces and a dark shading round gold letters
    "card-bottle": 32,  # g01: a headline on stripes (47.9), the label's lines (31.1, 53.0)
    # g09: a line across a red gift box's top-left corner on bokeh: the box's half of the
    # letters is a flat panel's (the issue's 32, its edges continued exactly), the lights'
    # half a soft photo's (its 24); turned 8 degrees, the 24 on bokeh. The box's
    # edge was smeared into the lights, the lights' hidden peak darkened to a ghost of the
    # letters (30.2 and 22.9 dB; 40.7 and 29.4 with the edges run on to their corner)
    "corner-box": 32,
    "corner-box-turned": 24,
}
SMEAR = 20.0  # dB over a region's text pixels: below it the fill shows at a glance


def erased(s: Synth) -> tuple[Image.Image, list]:  # type: ignore[type-arg]
    """The clean plate of `s` from its true boxes, each erased knowing the others (as
    drawing erases them), and what each erase said."""
    img, boxes = s.image.copy(), [t.polygon for t in s.texts]
    return img, [erase(img, b, others=boxes[:n] + boxes[n + 1 :]) for n, b in enumerate(boxes)]


def region_db(s: Synth, clean: Image.Image, k: int) -> float:
    """PSNR of one region's own text pixels against the true background."""
    left, top, right, bottom = s.texts[k].box
    where = np.zeros(s.ink.shape, bool)
    where[top:bottom, left:right] = True
    where &= s.ink
    return psnr(np.asarray(clean)[where], np.asarray(s.background)[where])


@pytest.mark.parametrize("name", CLASSES)
def test_each_class_is_its_true_background_within_the_panel_and_no_smear_is_silent(
    name: str,
) -> None:
    """A visible smear is always said, by the erase's score or the judge of erases, as the
    drawing says either (f11: on tiles a copy strip by strip brought grout in where none
    ran, 16-17 dB, each strip's ring fitting; on bokeh a smooth fill carried a light disc
    across the line, 19.6 dB, its few px of ring fitting at 30)."""
    s = make(name)
    grown = [dilation(t.polygon) for t in s.texts]
    seen = [before(s.image, t.polygon, g) for t, g in zip(s.texts, grown, strict=True)]
    boxes = [grown_box(t.polygon, g, s.image.size) for t, g in zip(s.texts, grown, strict=True)]
    clean, infos = erased(s)
    db, changed = scored(s, clean)
    if name in TARGETS:
        assert changed == 0
        assert db >= TARGETS[name], f"{name}: {db:.1f} dB"
    for k, info in enumerate(infos):
        if region_db(s, clean, k) < SMEAR:
            doubts = judge(seen[k], clean, boxes[:k] + boxes[k + 1 :]) if seen[k] else ()
            assert info.poor or doubts, (name, s.texts[k].text, info.score, region_db(s, clean, k))


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("name", ["corner-box", "corner-box-turned"])
def test_a_boxs_corner_under_a_line_stays_a_hard_corner_on_bokeh(name: str, seed: int) -> None:
    """g09: a line turned 8 degrees across the top-left corner of a red gift box on
    bokeh; the box's top edge and its side run under the letters and meet there. Where
    the erase reached (the letters grown 4 px), what lies 2 px or more inside the box is
    the box's red and what lies 2 px or more outside it is nearer the lights than the red:
    the corner kept hard, not smeared (the red ran up into the lights, the lights down
    onto the box: 1-10% of the box's pixels off its red by up to 162 levels)."""
    s = make(name, seed)
    clean, _ = erased(s)
    a, truth = np.asarray(clean).astype(np.int16), np.asarray(s.background).astype(np.int16)
    reached = cv2.dilate(s.ink.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
    box = s.product.astype(np.uint8)  # type: ignore[union-attr]
    square = np.ones((5, 5), np.uint8)
    inside = reached & (cv2.erode(box, square) > 0)
    outside = reached & (cv2.dilate(box, square) == 0)
    red = np.array(CORNER_RED, np.int16)
    assert inside.sum() > 3000 and outside.sum() > 8000  # (both sides under the letters)
    assert (np.abs(a[inside] - red).max(axis=1) <= 8).mean() >= 0.999
    off_truth = np.abs(a[outside] - truth[outside]).sum(axis=1)
    assert (off_truth < np.abs(a[outside] - red).sum(axis=1)).mean() >= 0.999


def test_a_tight_banner_keeps_its_red_to_its_edges_and_the_page_is_untouched() -> None:
    s = make("banner")
    clean, [info] = erased(s)
    left, top, right, bottom = s.panel
    a = np.asarray(clean).astype(np.int16)
    band = a[top:bottom, left:right]
    assert (np.abs(band - (214, 30, 42)).max(axis=2) == 0).all()  # red, edge to edge
    page = np.ones(a.shape[:2], bool)
    page[top:bottom, left:right] = False
    assert (a[page] == np.asarray(s.image)[page]).all()
    assert info.method == "flat" and info.panel is not None
    assert info.panel[1] == top and info.panel[3] == bottom  # the band found, not the page


@pytest.mark.parametrize("name", ["shaded-table", "zebra-table"])
def test_each_cell_of_a_shaded_table_is_filled_with_its_own_rows_shade(name: str) -> None:
    """Rows shaded white and light blue in turn (15 levels apart), ruled or touching: a
    cell's crop takes in the rows above and below, near its colour but not its panel; the
    letters are filled with the cell's own shade, leaving no ghost of themselves (trial 13
    g07: 6小时 and 316不锈钢 stayed legible, filled with a mix of the two shades)."""
    s = make(name)
    clean, infos = erased(s)
    a, truth = np.asarray(clean).astype(np.int16), np.asarray(s.background).astype(np.int16)
    off = {}
    for k, text in enumerate(s.texts):
        left, top, right, bottom = shaded_cell(k)
        cell = (slice(top, bottom), slice(left, right))
        off[text.text] = int(np.abs(a[cell] - truth[cell]).max())
    assert max(off.values()) <= 2, off
    assert all(info.method == "flat" and not info.poor for info in infos)


@pytest.mark.parametrize("name", ["overhang", "overhang-jpeg", "banner-jpeg"])
def test_letters_hanging_past_a_band_leave_the_band_its_colour_and_the_page_its_own(
    name: str,
) -> None:
    s = make(name)
    clean, [info] = erased(s)
    a, truth = np.asarray(clean).astype(np.int16), np.asarray(s.background).astype(np.int16)
    box = s.texts[0].box
    band_colour = truth[(box[1] + box[3]) // 2, box[0] + 2]
    band = (np.abs(truth - band_colour).max(axis=2) == 0) & ~_edge(truth, band_colour)
    assert band[s.ink].any()  # the letters cross the band
    off = np.abs(a - band_colour).max(axis=2)
    assert np.percentile(off[band & s.ink], 99) <= 24, name  # the band kept its colour
    page = ~band & s.ink & ~_edge(truth, band_colour)
    if page.any():  # the letters' feet on the page: erased against the page
        assert np.percentile(np.abs(a - truth).max(axis=2)[page], 90) <= 8, name
    assert info.ink.fill[0] > 200 and min(info.ink.fill) > 180  # white, as the letters were
    assert not info.poor


def test_letters_hanging_half_their_height_past_a_band_lose_their_whole_feet() -> None:
    """Red letters on a yellow band whose edge cuts them at mid-height (a trial's "new
    arrival" banner), saved as JPEG: their feet on the page are erased to the page's
    colour however far they hang, anti-aliased edges and all."""
    import io

    from tests.imagesynth import font

    face = font(130)
    truth = Image.new("RGB", (700, 300), (242, 242, 242))
    left, top, right, bottom = ImageDraw.Draw(truth).textbbox((60, 40), "新品上市", font=face)
    cut = (top + bottom) // 2  # the band's edge, at the letters' mid-height
    ImageDraw.Draw(truth).rectangle((0, top - 30, 699, cut - 1), fill=(255, 200, 0))
    drawn = truth.copy()
    ImageDraw.Draw(drawn).text((60, 40), "新品上市", font=face, fill=(200, 20, 20))
    buf = io.BytesIO()
    drawn.save(buf, "JPEG", quality=90)
    img = Image.open(buf).convert("RGB")
    erase(img, ((left - 8, top - 8), (right + 8, top - 8), (right + 8, bottom + 8),
                (left - 8, bottom + 8)))  # fmt: skip
    a, b = np.asarray(img).astype(np.int16), np.asarray(truth).astype(np.int16)
    page = np.zeros(a.shape[:2], bool)
    page[cut + 4 :, :] = True  # the page, a few px clear of the band's blurred edge
    red = (a[..., 0] - a[..., 1] > 60) & page
    assert red.sum() == 0, f"{red.sum()} px of red letters left on the page"
    assert np.percentile(np.abs(a - b).max(axis=2)[page], 99.9) <= 12


def _edge(truth: np.ndarray, colour: np.ndarray) -> np.ndarray:
    """Pixels within 3 px of the band's edge (where JPEG blurs band and page together)."""
    import cv2

    inside = (np.abs(truth - colour).max(axis=2) == 0).astype(np.uint8)
    kernel = np.ones((7, 7), np.uint8)
    return (cv2.dilate(inside, kernel) - cv2.erode(inside, kernel)) > 0


def test_drop_shadows_are_gone() -> None:
    s = make("shadow")
    assert all(t.shadow for t in s.texts)
    clean, _ = erased(s)
    diff = np.abs(np.asarray(clean, np.int16) - np.asarray(s.background, np.int16)).max(axis=2)
    assert diff[s.ink].max() <= 8  # no darker ghost of the letters left


@pytest.mark.parametrize("name", ["shadow-band", "shadow-band-jpeg"])
def test_a_drop_shadow_reaching_a_tight_bands_edge_leaves_no_dark_ticks(name: str) -> None:
    """A trial's a08_shadow: the shadow and the letters' feet reach the red band's lower
    edge and a px or two past it; dark ticks were left there, below the band and on its
    last rows. The band keeps its red to its edge, the photo below its own pixels."""
    s = make(name)
    clean, [info] = erased(s)
    a, truth = np.asarray(clean).astype(np.int16), np.asarray(s.background).astype(np.int16)
    left, _, right, _ = s.texts[0].box
    edge = 251  # the band's first row of photo
    rows = slice(edge - 6, edge + 6)
    darker = truth[rows, left:right].sum(axis=2) - a[rows, left:right].sum(axis=2)
    assert (darker > 60).sum() == 0, f"{(darker > 60).sum()} px of shadow left at the edge"
    red = np.abs(a[edge - 4 : edge - 1, left:right] - (200, 20, 40)).max(axis=2)
    assert np.percentile(red, 99) <= 24  # the band red to its (JPEG-blurred) last row
    below = np.abs(a[edge + 2 : edge + 8, left:right] - truth[edge + 2 : edge + 8, left:right])
    assert np.percentile(below.max(axis=2), 99) <= 24  # the photo below its own
    assert not info.poor


def test_a_drop_shadow_on_a_night_photos_lights_leaves_no_dark_specks() -> None:
    """e09's second line: white letters' dark drop shadow on a night photo is dark on
    dark, no colour rare enough to be ink; where it crossed a soft light, and in the
    letters' counters it falls into, its specks were left (1651 px darker than the truth
    by 24 levels in the line's box)."""
    s = make("night-shadow")
    clean, _ = erased(s)
    a = np.asarray(clean, np.float32).mean(axis=2)
    truth = np.asarray(s.background, np.float32).mean(axis=2)
    for t in s.texts:
        left, top, right, bottom = t.box
        dark = int((truth[top:bottom, left:right] - a[top:bottom, left:right] > 24).sum())
        assert dark <= 500, f"{t.text}: {dark} px of shadow left"


def test_a_pill_a_headline_touches_is_a_panel_not_ink_and_no_jpeg_ghost_is_left() -> None:
    """A trial's a10_jpeg70: the headline's feet touch a white pill; the pill was erased
    as the headline's ink, and JPEG's ringing around the letters (5-13 grey levels, in
    8 px blocks) was left as a readable ghost of them."""
    s = make("pill-jpeg70")
    clean, infos = erased(s)
    a, truth = np.asarray(clean).astype(np.int16), np.asarray(s.background).astype(np.int16)
    pill = (np.abs(truth - 255).max(axis=2) == 0) & ~s.ink
    assert np.percentile(np.abs(a - truth).max(axis=2)[pill], 95) <= 16  # still white
    left, top, right, bottom = s.texts[0].box
    off = np.abs(a - truth).max(axis=2)[top:bottom, left:right]
    assert np.percentile(off[~pill[top:bottom, left:right]], 99) <= 20  # no ghost
    assert all(not i.poor for i in infos)


NOISY = "限时特价"


def noise() -> Image.Image:
    """Coarse colour noise: the picture `on_noise` writes on."""
    cells = np.random.default_rng(0).integers(0, 256, (60, 120, 3)).astype(np.uint8)
    return Image.fromarray(cells).resize((600, 300), Image.Resampling.NEAREST)


def on_noise() -> tuple[Image.Image, tuple[tuple[int, int], ...]]:
    """White letters outlined in black on coarse colour noise (nothing in the picture
    continues it, so no erase passes for it), and the line's box as an OCR polygon."""
    from PIL import ImageDraw

    from tests.imagesynth import font

    img = noise()
    draw = ImageDraw.Draw(img)
    look = {"font": font(80), "stroke_width": 3}
    draw.text((100, 100), NOISY, fill=(255, 255, 255), stroke_fill=(0, 0, 0), **look)
    left, top, right, bottom = draw.textbbox((100, 100), NOISY, **look)
    return img, ((left - 4, top - 4), (right + 4, top - 4), (right + 4, bottom + 4),
                 (left - 4, bottom + 4))  # fmt: skip


def test_a_poor_erase_is_a_warning_naming_its_region_and_every_region_carries_its_score(
    tmp_path: Path,
) -> None:
    img, polygon = on_noise()
    made = clean_plate(tmp_path, img, Reads(noise(), Region(polygon, NOISY, 1.0)), "th")
    [done] = made.result.done
    [record] = made.regions[str(tmp_path / "in.png")]
    assert record["status"] == "erased" and record["erase"] < POOR
    assert any(POOR_ERASE in w and NOISY in w for w in done.warnings)
    finding = poor_erase_finding(0, [record])
    assert finding is not None and finding["severity"] == "warning"
    assert f"region 1 {NOISY!r}" in finding["message"]
    # (the judge also doubts this plate, a ghost of the letters in the noise: a well
    # scored region with no doubt raises nothing)
    assert poor_erase_finding(0, [{**record, "erase": 40.0, "doubts": []}]) is None


def test_erase_only_draws_nothing_where_a_replacement_would_draw() -> None:
    s = make("flat")
    plans = tuple(RegionPlan(t.polygon, t.text, "Sale") for t in s.texts)
    plate, drawn = s.image.copy(), s.image.copy()
    ReplaceText(plans, "en", "latin", erase_only=True).draw(plate)
    ReplaceText(plans, "en", "latin").draw(drawn)
    assert np.array_equal(np.asarray(plate), np.asarray(s.background))
    assert not np.array_equal(np.asarray(drawn), np.asarray(s.background))


def test_the_clean_plate_command_erases_the_chinese_and_lists_each_regions_score(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path
) -> None:
    s = make("gradient")
    src, out = tmp_path / "in.png", tmp_path / "plate.png"
    s.image.save(src)
    result = cli("localize", "image", str(src), "-o", str(out), "--to", "th", "--erase-only")
    assert result.code == 0, result.err
    assert "3 of 3 text region(s) erased" in result.out
    found = RapidOcrDetector().detect(Image.open(out).convert("RGB"))
    assert not any(has_chinese(r.text) for r in found), [r.text for r in found]
    doc = json.loads(
        cli(
            "localize", "image", str(src), "-o", str(out), "--to", "th", "--erase-only", "--json"
        ).out
    )
    regions = doc["regions"][str(src)]
    assert sorted(r["text"] for r in regions) == sorted(t.text for t in s.texts)
    assert all(r["status"] == "erased" and r["erase"] >= POOR for r in regions)
    bad = cli(
        "localize",
        "image",
        str(src),
        "-o",
        str(out),
        "--to",
        "th",
        "--erase-only",
        "--replace-text",
    )
    assert bad.code == 2 and "--erase-only" in bad.err


def test_localize_run_stores_each_regions_erase_score_and_a_poor_one_as_a_warning(
    setup, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from sqlmodel import select

    from store.db import open_store, session_scope
    from store.models import LocalizationItem

    run, db_url = setup
    with (tmp_path / "shops.toml").open("a", encoding="utf-8") as f:
        f.write("[shops.captions]\nreplace_text = true\n")
    img, _ = on_noise()  # the real OCR finds the line; its erase scores poorly
    img.save(tmp_path / "zh.png")
    listing = tmp_path / "l.csv"
    listing.write_text("product_id,title,images\np1,保温杯,zh.png\n", encoding="utf-8")
    assert run("listings", "import", str(listing), "--shop", "acme-my").code == 0
    result = run("run", "--shop", "acme-my", "--json")
    assert result.code == 0, result.err
    with session_scope(open_store(db_url)) as session:
        items = session.exec(select(LocalizationItem)).all()
    assert items
    for item in items:
        [regions] = [f["regions"] for f in item.findings if f["code"] == "image_text"]
        assert all(r["erase"] < POOR for r in regions if r["status"] == "replaced")
        [poor] = [f for f in item.findings if f["code"] == POOR_ERASE]
        assert poor["severity"] == "warning" and NOISY in poor["message"]


def _vertical_beside_a_bottle() -> tuple[Image.Image, Image.Image, tuple]:  # type: ignore[type-arg]
    """A lavender gradient, a bottle, and a column of Chinese just right of it: the image,
    the same without the text, and the column's outline."""
    from PIL import ImageDraw

    from tests.localize.images import cjk_font

    w, h = 800, 1000
    ramp = np.linspace(0, 1, h)[:, None, None]
    top, bottom = np.array([238, 232, 250]), np.array([210, 196, 232])
    plain = Image.fromarray(
        np.broadcast_to(top + (bottom - top) * ramp, (h, w, 3)).astype(np.uint8)
    )
    ImageDraw.Draw(plain).rounded_rectangle((170, 185, 280, 425), 20, fill=(155, 90, 170))
    with_text = plain.copy()
    draw, font = ImageDraw.Draw(with_text), cjk_font(40)
    for n, ch in enumerate("天然有机护肤"):
        draw.text((330, 90 + 48 * n), ch, font=font, fill=(100, 40, 110))
    polygon = ((322, 84), (378, 84), (378, 384), (322, 384))
    return with_text, plain, polygon


def test_a_product_the_panel_also_encloses_is_never_taken_for_text() -> None:
    # A trial's vertical text beside a bottle on a gradient: the whole bottle was erased,
    # scored 58.9 dB with no warning. Only what lies mostly within the region is text.
    img, plain, polygon = _vertical_beside_a_bottle()
    bottle = np.zeros((img.height, img.width), bool)
    bottle[185:426, 170:281] = True
    done = erase(img, polygon)
    assert done is not None
    assert np.array_equal(np.asarray(img)[bottle], np.asarray(plain)[bottle])
    assert psnr(np.asarray(img)[84:385, 322:379], np.asarray(plain)[84:385, 322:379]) > 30


def _column_beside_a_rule() -> tuple[Image.Image, Image.Image, tuple]:  # type: ignore[type-arg]
    """A cream gradient, a thin red rule and, 28 px right of it, a column of large Chinese
    (a trial's 竖排, e05): the image, the same without the text, and the column's outline."""
    from tests.localize.images import cjk_font

    w, h = 600, 900
    ramp = np.linspace(0, 1, h)[:, None, None]
    top, bottom = np.array([244, 238, 224]), np.array([230, 220, 200])
    plain = Image.fromarray(
        np.broadcast_to(top + (bottom - top) * ramp, (h, w, 3)).astype(np.uint8)
    )
    ImageDraw.Draw(plain).line([100, 120, 100, 700], fill=(160, 60, 50), width=4)
    with_text = plain.copy()
    draw, font = ImageDraw.Draw(with_text), cjk_font(100)
    for n, ch in enumerate("茶香四溢"):
        draw.text((130, 130 + 120 * n), ch, font=font, fill=(40, 40, 35))
    polygon = ((124, 149), (239, 149), (239, 626), (124, 626))  # as OCR read it
    return with_text, plain, polygon


def test_a_rule_beside_a_column_of_vertical_text_is_kept() -> None:
    # Trial e05: a column's size was taken as its 477 px length, so it was erased 86 px
    # around and the red rule 24 px beside it went as its ink (2,324 px lost, unwarned).
    img, plain, polygon = _column_beside_a_rule()
    done = erase(img, polygon)
    assert done is not None and not done.poor
    rule = np.zeros((img.height, img.width), bool)
    rule[115:706, 95:106] = True
    assert np.abs(np.asarray(img, int) - np.asarray(plain, int))[rule].max() <= 2
    assert psnr(np.asarray(img)[149:627, 124:240], np.asarray(plain)[149:627, 124:240]) > 32


def test_the_clean_plate_erases_a_price_ocr_read_without_its_yuan_sign(tmp_path: Path) -> None:
    # "¥99" read as "?99" has no Chinese in it: the clean plate left it, saying nothing
    s = make("flat")
    price = Region(s.texts[0].polygon, "?99", 0.99)
    made = clean_plate(tmp_path, s.image, Reads(s.background, price))
    [record] = made.regions[str(tmp_path / "in.png")]
    assert (record["kind"], record["status"]) == ("price", "erased")
    box = s.texts[0].box
    out = np.asarray(Image.open(tmp_path / "out.png").convert("RGB"))
    truth = np.asarray(s.background)
    assert psnr(out[box[1] : box[3], box[0] : box[2]], truth[box[1] : box[3], box[0] : box[2]]) > 30


def test_a_white_mark_over_a_flat_ball_and_backdrop_is_unblended_and_laid_again_as_a_mark() -> None:
    # trial 31's 04: two colours under the mark (the ball, the backdrop) were too few to fit
    # a mark's colour and strength; a smooth fill chewed the ball's rim, left the mark
    # legible (13 dB) and the translation was drawn as opaque letters over the product
    from localize.image.replace import RegionPlan, ReplaceText

    s = make("watermark-product")
    clean, [info] = erased(s)
    assert info.method == "unblend" and info.ink.fill == (255, 255, 255)
    assert abs(info.opacity - 0.43) < 0.03
    assert region_db(s, clean, 0) >= 40  # its first and last letters, past OCR's box, too
    rim = np.asarray(s.background).astype(np.int16)
    img = s.image.copy()
    [text] = s.texts
    ReplaceText((RegionPlan(text.polygon, text.text, "Official Store"),), "en", "latin").draw(img)
    ball = (rim[..., 0] - rim[..., 1] > 80) & ~s.ink  # the ball's own pixels, the mark's off
    drawn = np.asarray(img).astype(np.int16)[ball]
    letters = drawn[np.abs(drawn - rim[ball]).max(axis=1) > 30]  # what was laid on the ball
    assert len(letters) > 1000
    expected = 0.43 * 255 + 0.57 * rim[ball][0]  # the ball's colour under white at 43%
    assert np.abs(np.median(letters, axis=0) - expected).max() < 12  # a mark, not opaque white


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.tuples(*[st.integers(0, 255)] * 3),
            st.tuples(*[st.integers(0, 255)] * 3),
            st.integers(20, 5000),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_any_colours_under_a_mark_give_a_white_or_black_strength_or_none(groups: list) -> None:  # type: ignore[type-arg]
    # a group beside the mark's own level tells no strength: with only such groups fitting
    # the one that told it, the channels telling it were none, and their spread raised
    from localize.image.erase import MARK_ALPHA, _neutral_blend

    o = np.array([g[0] for g in groups], float)
    b = np.array([g[1] for g in groups], float)
    found = _neutral_blend(o, b, np.array([g[2] for g in groups]))
    assert found is None or (
        MARK_ALPHA[0] <= found.alpha <= MARK_ALPHA[1]
        and found.colour.tolist() in ([255.0] * 3, [0.0] * 3)
    )
    # the case found: a near-white ground most of the mark lies on, one coloured group
    # whose channels disagree
    untold = _neutral_blend(
        np.array([[252.0, 252, 252], [150, 120, 200]]),
        np.array([[250.0, 250, 250], [100, 60, 60]]),
        np.array([900, 100]),
    )
    assert untold is None


def test_a_translucent_watermark_is_unblended_and_the_product_under_it_kept() -> None:
    # a11/b06: a shop's mark at 37% across a photo and a dark product was filled smoothly
    # (a grey band smeared over the product, worse than leaving the mark, and silent)
    s = make("watermark-photo")
    clean, [info] = erased(s)
    db, changed = scored(s, clean)
    assert changed == 0
    assert info.method == "unblend" and not info.poor
    assert db >= scored(s, s.image)[0] + 12  # far nearer the truth than the mark left
    # the product under the mark is the product's own pixels, not a fill across it (a
    # stroke lying along its edge is the exception: the edge is unsure under it)
    dark = (np.asarray(s.background).astype(np.int16).sum(axis=2) < 300).astype(np.uint8)
    under = s.ink & (cv2.erode(dark, np.ones((17, 17), np.uint8)) > 0)
    assert under.sum() > 2000
    assert psnr(np.asarray(clean)[under], np.asarray(s.background)[under]) >= 36


def test_opaque_text_on_a_photo_is_no_translucent_mark() -> None:
    # a mark's colour varies with what is under it; opaque letters' colour does not
    for name in ("bokeh", "wood", "stripes"):
        _, infos = erased(make(name))
        assert all(i is not None and i.method != "unblend" for i in infos), name


def test_a_panels_own_dots_beside_the_letters_are_kept() -> None:
    # a pale panel printed with dots every 40 px counts as a flat panel: the dots it
    # encloses beside the letters were erased with them as if they were ink
    s = make("dotted")
    clean, infos = erased(s)
    assert all(i is not None and i.method == "flat" for i in infos)
    beside = ~(cv2.dilate(s.ink.astype(np.uint8), np.ones((13, 13), np.uint8)) > 0)
    changed = (np.asarray(clean) != np.asarray(s.image)).any(axis=2)
    assert int((changed & beside).sum()) == 0


def test_the_other_lines_of_a_paragraph_in_a_crop_are_no_pattern_of_the_panel() -> None:
    # a trial's b03: three 44 px brown lines on a cream panel (JPEG); each line's crop holds
    # pieces of its neighbours, small and anti-aliased lighter than the letters, that were
    # taken for the panel's own dots, so the like-sized stroke of 速 was kept (23.7 dB)
    import io

    from tests.imagesynth import font

    lines = ["天然竹纤维毛巾", "吸水速干不掉毛", "婴儿可用更安心"]

    def scene(text: bool) -> Image.Image:
        im = Image.new("RGB", (700, 860), (90, 120, 100))
        d = ImageDraw.Draw(im)
        d.rounded_rectangle([50, 500, 620, 800], 20, fill=(252, 246, 228))
        for k, line in enumerate(lines if text else []):
            d.text((90, 530 + k * 85), line, font=font(44), fill=(100, 70, 40))
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=90)
        return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")

    img, truth = scene(True), scene(False)
    boxes = [(90, 543, 398, 586), (90, 629, 398, 671), (90, 714, 398, 756)]  # OCR's boxes
    for left, top, right, bottom in boxes:
        erase(img, ((left, top), (right, top), (right, bottom), (left, bottom)))
    got, want = np.asarray(img), np.asarray(truth)
    for left, top, right, bottom in boxes:
        area = (slice(top - 4, bottom + 4), slice(left - 4, right + 4))
        assert psnr(got[area], want[area]) >= 32, (left, top)


@pytest.mark.parametrize("name", ["watermark-photo", "watermark-photo-jpeg"])
def test_an_unblended_watermark_leaves_no_outline_of_its_letters(name: str) -> None:
    # a11: every letter's outline stayed 2-5 levels darker than the photo just outside
    # its strokes (the edges' coverage was measured against an opening of the picture,
    # which lies under its grain, so the photo beside the strokes was un-blended too)
    s = make(name)
    clean, [info] = erased(s)
    assert info.method == "unblend"
    ink = s.ink.astype(np.uint8)
    rim = (cv2.dilate(ink, np.ones((7, 7), np.uint8)) > 0) & ~s.ink  # 3 px outside
    off = np.asarray(clean, float).mean(axis=2) - np.asarray(s.background, float).mean(axis=2)
    assert abs(float(off[rim].mean())) <= 0.5  # no darker (or brighter) line all along
    assert float(np.abs(off[rim]).mean()) <= 1.2


def test_a_products_edge_under_outlined_text_goes_on_through_the_letters() -> None:
    # a13/a14 line 2: the cream product's rounded top under white letters with a dark
    # outline was filled by a copy of the backdrop (a notch in the product) or a smear
    s = make("outlined-edge")
    clean, [info] = erased(s)
    db, changed = scored(s, clean)
    assert changed == 0 and db >= 30, db
    truth = np.asarray(s.background).astype(np.int16)
    product = np.abs(truth - np.array([225, 215, 200])).sum(axis=2) < 30
    under = s.ink & product
    kept = np.abs(np.asarray(clean).astype(np.int16) - truth).max(axis=2)[under] <= 30
    assert float(kept.mean()) >= 0.9  # (68% before: a notch cut into it)
    backdrop = s.ink & ~cv2.dilate(product.astype(np.uint8), np.ones((9, 9), np.uint8)).astype(bool)
    # ... and the backdrop is not painted cream
    assert (
        float(
            (np.abs(np.asarray(clean).astype(np.int16) - truth).max(axis=2)[backdrop] <= 30).mean()
        )
        >= 0.95
    )


def test_text_on_a_products_face_keeps_its_exact_fill_where_an_edge_is_also_seen() -> None:
    # the edge's two sides are seen round text over a product too (its face and the page
    # by it): a fill from both sides there replaced an exact copy of the face (99 -> 37 dB)
    s = make("product")
    clean, infos = erased(s)
    assert scored(s, clean)[0] >= 40
    assert all(i is not None and i.method != "sided" for i in infos)


def test_stripes_of_three_colours_go_on_through_outlined_letters_not_a_grey_blob() -> None:
    # a03: no stretch of the picture matches another (each colour's stripes run their own
    # way), the membrane blurred the letters' shape into grey; each colour's own stripes
    # are carried through them instead
    s = make("outline-busy")
    clean, _ = erased(s)
    got = np.asarray(clean).astype(np.float64)[s.ink]
    true = np.asarray(s.background).astype(np.float64)[s.ink]
    got, true = got - got.mean(axis=0), true - true.mean(axis=0)
    for c in range(3):
        alike = (got[:, c] @ true[:, c]) / np.sqrt(
            (got[:, c] @ got[:, c]) * (true[:, c] @ true[:, c])
        )
        assert alike >= 0.65, (c, alike)


@pytest.mark.parametrize("name", ["watermark-photo", "watermark-photo-jpeg", "watermark-turned"])
def test_a_gap_between_a_watermarks_strokes_is_no_dark_speck(name: str) -> None:
    # a11: three near-black specks of 3-5 px on the navy ellipse, in every mode: a gap of
    # the picture the mark's mask swallowed between two strokes was taken as fully
    # covered and un-blended, (80 - 0.37 * 255) / 0.63 below black
    s = make(name)
    clean, [info] = erased(s)
    assert info.method == "unblend"
    off = np.asarray(clean, float).mean(axis=2) - np.asarray(s.background, float).mean(axis=2)
    near = cv2.dilate(s.ink.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    assert int((near & (off < -30)).sum()) <= 2


@pytest.mark.parametrize("name", ["watermark-photo", "watermark-turned"])
def test_a_watermarks_stroke_across_the_products_edge_leaves_no_light_bite(name: str) -> None:
    # c03/c03b: light bites out of the blue product's edge where 店 crossed it: the stroke
    # over the product beside its edge was taken for the light photo beyond (the opening)
    # or read half covered (the picture beside mixing both sides), and left unerased
    s = make(name)
    clean, [info] = erased(s)
    assert info.method == "unblend"
    truth = np.asarray(s.background).astype(np.int16)
    dark = (truth.sum(axis=2) < 300).astype(np.uint8)
    square = np.ones((9, 9), np.uint8)
    edge = (cv2.dilate(dark, square) > 0) & ~(cv2.erode(dark, square) > 0)
    at = edge & s.ink  # the mark's pixels within 4 px of the product's edge
    assert at.sum() > 500
    assert psnr(np.asarray(clean)[at], truth[at].astype(np.uint8)) >= 24  # (16.3 and 20.9)


@pytest.mark.parametrize("name", ["card-edge", "card-edge-jpeg"])
def test_text_across_a_cards_edge_and_its_band_continues_each_edge_and_fills_each_piece(
    name: str,
) -> None:
    # a05_edge: red text from a grey page onto a blue card with a yellow band, across the
    # card's left edge and the band's bottom edge, came out grey, blue and yellow smeared
    # into one another (19.9 dB, a smooth fill): each piece is its own flat colour
    s = make(name)
    clean, [info] = erased(s)
    db, changed = scored(s, clean)
    assert changed == 0 and db >= 32, (db, info.method)
    truth = np.asarray(s.background).astype(np.int16)
    off = np.abs(np.asarray(clean).astype(np.int16) - truth).max(axis=2)
    for colour in ((236, 236, 236), (30, 90, 160), (240, 200, 60)):  # page, card, band
        piece = np.abs(truth - np.array(colour)).sum(axis=2) < 30
        inner = ~cv2.dilate((~piece).astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
        assert float((off[s.ink & inner] <= 12).mean()) >= 0.98, colour
    assert not info.poor


def test_a_products_flat_top_running_into_its_rounded_corner_under_text_has_no_bump() -> None:
    # a14 line 2: yellow letters across a dark product's rounded corner and its flat top;
    # the cubic from the corner's steep heading to the flat end bulged 7 px over the top
    page = Image.new("RGB", (1000, 700), (190, 140, 160))
    ImageDraw.Draw(page).rounded_rectangle((300, 420, 1000, 800), radius=110, fill=(50, 55, 65))
    img, word = page.copy(), "降噪长续航"
    draw, f = ImageDraw.Draw(img), font(100)
    draw.text((150, 340), word, font=f, fill=(255, 220, 0))
    left, top, right, bottom = draw.textbbox((150, 340), word, font=f)
    box = (slice(top - 4, bottom + 4), slice(left - 4, right + 4))
    info = erase(img, ((left - 4, top - 4), (right + 4, top - 4), (right + 4, bottom + 4),
                       (left - 4, bottom + 4)))  # fmt: skip
    assert info is not None and info.method == "sided"
    clean, truth = np.asarray(img)[box], np.asarray(page)[box]
    assert psnr(clean, truth) >= 32  # (28.7 dB with the bump)
    over = (np.abs(clean.astype(int) - truth.astype(int)).max(axis=2) > 30)[: 420 - top + 4 - 2]
    assert int(over.sum()) <= 10  # nothing of the product above its top (41 px with it)


def test_wood_grain_crossing_the_letters_is_no_set_of_flat_pieces_with_edges_run_on() -> None:
    # an OCR box on the wood class (a little off the true one): its grain's dark and light
    # streaks are two colours round the letters, many edges crossing them; run on as lines
    # and filled flat, the grain came out as bands, doubted as a smear (28.0 -> 24.4 dB)
    s = make("wood")
    img = s.image.copy()
    info = erase(img, ((148, 517), (374, 517), (374, 579), (148, 579)))
    assert info is not None and info.method != "sided"


def test_thin_outlined_text_on_a_weave_is_erased_not_failed_with_an_index_error() -> None:
    # trial-img7 p2: white letters with a 3 px outline on woven fabric failed the whole
    # image ("cannot be processed (IndexError ...)") after numpy's "Mean of empty slice":
    # an edge seen at the hole had no pixel near enough to say which way it ran
    import io
    import warnings

    rng = np.random.default_rng(1)
    y, x = np.mgrid[0:1000, 0:1000].astype(float)
    weave = 18 * np.sin(x * 2 * np.pi / 6) * np.sign(np.sin(y * 2 * np.pi / 12))
    weave += 18 * np.sin(y * 2 * np.pi / 6) * np.sign(np.cos(x * 2 * np.pi / 12))
    base = np.array([70, 95, 140], float) + weave[..., None] + rng.normal(0, 7, (1000, 1000, 1))
    base += rng.normal(0, 3, (1000, 1000, 3))
    img = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(img)
    for at, word, size in (((120, 140), "纯棉亲肤", 110), ((120, 300), "透气舒适", 80)):
        draw.text(at, word, font=font(size), fill="white", stroke_width=3, stroke_fill=(20, 20, 30))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=92)
    img = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    read = (  # as the OCR read them
        ((117, 166), (565, 170), (564, 287), (116, 283)),
        ((120, 324), (442, 320), (443, 403), (121, 407)),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no "Mean of empty slice" either
        infos = [erase(img, polygon) for polygon in read]
    assert all(info is not None for info in infos)


@pytest.mark.parametrize("width", [3, 6, 8])
def test_a_thick_outline_hugging_the_letters_is_their_ink_and_the_colour_beyond_it_fills(
    width: int,
) -> None:
    # trial d01/p1: in the OCR's box the dark outline is the commonest colour; grown as the
    # panel, it enclosed the letters and the blue between them, filled as a black slab
    # scored 22.3 dB "flat"
    img = Image.new("RGB", (1000, 1000), BLUE)
    at, word, f = (120, 300), "透气舒适", font(80)
    draw = ImageDraw.Draw(img)
    draw.text(at, word, font=f, fill=(255, 255, 255), stroke_width=width, stroke_fill=(20, 20, 30))
    left, top, right, bottom = draw.textbbox(at, word, font=f)  # the letters, not the outline
    polygon = ((left, top), (right, top), (right, bottom), (left, bottom))
    info = erase(img, polygon)
    assert info is not None and info.method == "flat" and not info.poor
    assert info.background == BLUE
    ink = np.asarray(img)[
        top - width - 2 : bottom + width + 2, left - width - 2 : right + width + 2
    ]
    assert np.abs(ink.astype(int) - BLUE).max() <= 2


def test_a_fill_that_leaves_the_weave_out_is_said() -> None:
    # trial p3 (d01 line 2 alone on the weave): the smooth fill left a weave-less patch the
    # letters' shape, scored 22.1 dB and silent; a patch that bare on a texture shows
    s = make("outline-weave")
    clean, infos = erased(s)
    assert any(info.method == "texture" and not info.poor for info in infos)  # not all said
    for k, info in enumerate(infos):
        if region_db(s, clean, k) < TARGETS["outline-weave"]:
            assert info.poor, (s.texts[k].text, info.score, info.method, region_db(s, clean, k))


def test_a_grainy_panels_noise_specks_are_no_letters_its_outline_hugs() -> None:
    # a flat panel with a photo's grain holds specks off its colour all over it: each is
    # enclosed by the panel, so every pixel of the panel lies near one, and the panel
    # passed for an outline hugging them (grain's bold line: smooth fill, 34.7 -> 34.5 dB)
    s = make("grain")
    _, infos = erased(s)
    assert all(info is not None and info.method == "flat" for info in infos)


def test_a_translucent_mark_over_a_photo_is_unblended_not_taken_for_a_gradient() -> None:
    # trial-img8 c03: w1b-outline's fallback (the colour around the region tried as a panel
    # when none inside makes one) found a "gradient" under a 35% white shop mark turned 30
    # degrees over a photo, and it won over the un-blend: 60 -> 29.8, the mark left
    # stronger than it came, the product's light circle filled with the backdrop's colour
    import io

    from PIL import ImageFilter

    def picture(mark: bool) -> Image.Image:
        rng = np.random.default_rng(32)
        y, x = np.mgrid[0:1000, 0:1000] / 1000
        base = np.stack(
            [
                130 + 90 * y + 20 * np.sin(4 * x),
                110 + 60 * x + 20 * np.cos(6 * y),
                120 + 50 * x * y - 30 * y,
            ],
            -1,
        ) + rng.normal(0, 6, (1000, 1000, 3))
        img = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8))
        img = img.filter(ImageFilter.GaussianBlur(1.2))
        draw = ImageDraw.Draw(img)
        draw.rounded_rectangle([330, 250, 670, 850], 60, fill=(50, 90, 140))
        draw.ellipse([420, 330, 580, 490], fill=(200, 220, 240))
        if mark:
            layer = Image.new("L", (1000, 1000), 0)
            ImageDraw.Draw(layer).text((180, 440), "好物优选店", font=font(130), fill=255)
            layer = layer.rotate(30, resample=Image.BICUBIC, center=(500, 500))
            a = np.asarray(layer, float)[..., None] / 255 * 0.35
            img = Image.fromarray((np.asarray(img, float) * (1 - a) + 255 * a).astype(np.uint8))
        return img

    buf = io.BytesIO()
    picture(True).save(buf, "JPEG", quality=90)
    img = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    info = erase(img, ((190, 639), (784, 301), (861, 437), (267, 775)))  # as the OCR read it
    assert info is not None and info.method == "unblend", info
    truth = np.asarray(picture(False))
    box = (slice(301, 775), slice(190, 861))
    assert psnr(np.asarray(img)[box], truth[box]) >= 32


def test_a_hole_closed_on_its_own_box_is_the_hole_closed_on_the_whole_crop() -> None:
    # letters near the crop's edge and far from it, gaps wider and narrower than the disc
    rng = np.random.default_rng(7)
    for _ in range(60):
        h, w = (int(v) for v in rng.integers(20, 90, 2))
        hole = np.zeros((h, w), bool)
        for _ in range(int(rng.integers(1, 5))):
            y, x = int(rng.integers(0, h)), int(rng.integers(0, w))
            hole[y : y + int(rng.integers(1, 12)), x : x + int(rng.integers(1, 12))] = True
        radius = int(rng.integers(1, 20))
        disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
        whole = cv2.morphologyEx(hole.astype(np.uint8), cv2.MORPH_CLOSE, disc) > 0
        assert np.array_equal(_closed(hole, radius), whole)
    assert not _closed(np.zeros((9, 9), bool), 3).any()


def test_a_weave_whose_threads_share_the_outlines_dark_is_copied_through_the_letters() -> None:
    # trial p3/d01: the weave's dark threads, a pixel or two each in the outline's colour,
    # were taken for other lines' letters all over the crop; no stretch of the weave was
    # left to copy from, and every line but one got a bare smooth patch (22.3 dB, warned)
    s = make("outline-weave")
    clean, infos = erased(s)
    assert [info.method for info in infos] == ["texture"] * len(infos)
    assert not any(info.poor for info in infos)
    for k in range(len(infos)):
        assert region_db(s, clean, k) >= TARGETS["outline-weave"], s.texts[k].text


@pytest.mark.parametrize("name", ["paragraph", "paragraph-jpeg"])
def test_a_paragraphs_neighbour_letters_are_never_copied_into_a_lines_hole(name: str) -> None:
    # the OCR's boxes are tighter than the true ones: a line's neighbours show in its crop
    # only as 1-2 px fragments of their anti-aliased tones, like a texture's specks; taken
    # for grain, the neighbours' letters were copied into the hole, scored a perfect 60
    # (6477f3b: paragraph via OCR 99 -> 34.9 dB)
    s = make(name)
    read = (  # as the OCR read them
        ((77, 125), (488, 127), (488, 178), (77, 175)),
        ((79, 227), (438, 227), (438, 277), (79, 277)),
        ((79, 327), (489, 327), (489, 377), (79, 377)),
        ((78, 426), (488, 426), (488, 477), (78, 477)),
        ((78, 525), (488, 527), (488, 578), (78, 576)),
    )
    clean = s.image.copy()
    for polygon in read:
        erase(clean, polygon)
    for k in range(len(s.texts)):
        assert region_db(s, clean, k) >= TARGETS[name], s.texts[k].text


def _night_line() -> tuple[Image.Image, np.ndarray, tuple[tuple[int, int], ...]]:
    """e09's line under its headline: 48 px white text with a drop shadow over a dark navy
    night photo, three soft lights under the letters; the image, its truth and the box."""
    y, x = np.mgrid[0:600, 0:800].astype(np.float32) / 800
    base = np.stack([12 + 10 * x, 14 + 6 * y, 30 + 20 * y], -1)
    lights = Image.new("RGB", (800, 600))
    draw = ImageDraw.Draw(lights)
    for cx, cy, colour in (
        (260, 330, (150, 230, 60)),
        (400, 350, (230, 110, 120)),
        (330, 290, (200, 160, 140)),
    ):
        draw.ellipse((cx - 40, cy - 40, cx + 40, cy + 40), fill=colour)
    base = base + 0.7 * np.asarray(lights.filter(ImageFilter.GaussianBlur(14)), np.float32)
    truth = np.clip(np.rint(base), 0, 255).astype(np.uint8)
    img = Image.fromarray(truth)
    layer = Image.new("RGBA", (800, 600), (0, 0, 0, 0))
    shade = Image.new("L", (800, 600), 0)
    ImageDraw.Draw(shade).text((124, 304), "一键调光护眼无频闪", font=font(48), fill=200)
    layer = Image.composite(
        Image.new("RGBA", (800, 600), (0, 0, 0, 255)),
        layer,
        shade.filter(ImageFilter.GaussianBlur(2)),
    )
    ImageDraw.Draw(layer).text(
        (120, 300), "一键调光护眼无频闪", font=font(48), fill=(255, 255, 255)
    )
    img.paste(layer, (0, 0), layer)
    left, top, right, bottom = ImageDraw.Draw(layer).textbbox(
        (120, 300), "一键调光护眼无频闪", font=font(48)
    )
    box = (
        (left - 4, top - 4),
        (right + 4, top - 4),
        (right + 4, bottom + 4),
        (left - 4, bottom + 4),
    )
    return img, truth, box


def test_a_panel_fitted_to_a_night_photo_does_not_paint_over_its_lights() -> None:
    # e09: a dark gradient fitted around the line took the lights for letters and painted
    # the whole box over (38 dB on its ring, 20 against the truth); a fill from the picture
    # keeps what of them shows between the letters
    img, truth, box = _night_line()
    info = erase(img, box)
    assert info is not None and info.method not in ("flat", "gradient")
    (left, top), (right, bottom) = box[0], box[2]
    area = (slice(top, bottom), slice(left, right))
    assert psnr(np.asarray(img)[area], truth[area]) >= 16  # the panel's: 13.2


def test_a_smooth_fill_carries_in_no_light_from_other_lines_letters() -> None:
    # e09: the white line under the headline, in the headline's crop, lifted the whole
    # soft fill of the headline into a lighter haze over the dark photo (27.9 dB in its
    # box; 33.8 without it)
    rng = np.random.default_rng(0)
    rgb = np.clip(rng.normal(16, 2, (260, 400, 3)), 0, 255).astype(np.uint8)
    hole = np.zeros(rgb.shape[:2], bool)
    hole[40:140, 40:360] = True
    other = np.zeros(rgb.shape[:2], bool)
    for x in range(60, 340, 40):  # the next line's white letters, below the hole
        other[170:215, x : x + 24] = True
    rgb[other] = 255
    filled, _ = _smooth_fill(rgb, hole, 8, other)
    assert np.abs(filled[hole].astype(np.float32) - 16).max() <= 8


def _ghost_strokes(s: Synth, clean: Image.Image, k: int) -> int:
    """Pixels in region `k`'s box, off its own letters, as far from the true background
    toward the text's colour as a letter's stroke (half the way): another line's letters
    copied in."""
    left, top, right, bottom = s.texts[k].box
    got = np.asarray(clean, np.float32)[top:bottom, left:right]
    truth = np.asarray(s.background, np.float32)[top:bottom, left:right]
    ink = np.asarray(s.texts[k].fill, np.float32)
    toward = ((got - truth) * (ink - truth)).sum(axis=2) / np.maximum(
        ((ink - truth) ** 2).sum(axis=2), 1.0
    )
    return int((toward > 0.5).sum())


@pytest.mark.parametrize(
    "name",
    [
        "para-linen",
        "para-linen-jpeg",
        "para-wood",
    ],
)
def test_a_dense_paragraph_on_a_texture_copies_none_of_its_other_lines_into_a_line(
    name: str,
) -> None:
    # f12: a detail page's paragraph of close dark lines on a textured panel; each line's
    # fill copied its neighbours' letters (erased later, or its own crop's other lines),
    # 11.5 dB, a reject; drawing now tells each region where the others are
    s = make(name)
    plans = tuple(RegionPlan(t.polygon, t.text, "") for t in s.texts)
    clean = s.image.copy()
    drawn = ReplaceText(plans, "en", "latin", erase_only=True).draw(clean)
    for k in range(len(s.texts)):
        assert _ghost_strokes(s, clean, k) < 20, (s.texts[k].text, _ghost_strokes(s, clean, k))
        db = region_db(s, clean, k)
        assert db >= TARGETS[name] or drawn.erased[k]["poor"], (s.texts[k].text, db)
    assert scored(s, clean)[0] >= TARGETS[name]


def test_a_line_with_text_all_around_is_filled_smoothly_and_said_not_copied_from_letters() -> None:
    # a word in the middle of a grid of words on wood (a spec sheet printed on a board):
    # every stretch of wood a word tall near it holds other words' letters; a smooth fill
    # leaves the grain out, so it is said, and no letter is carried in
    s = make("wood")
    base = np.asarray(s.background).copy()
    img, f, boxes = Image.fromarray(base), font(40), []
    draw = ImageDraw.Draw(img)
    for row in range(5):
        for col in range(4):
            at = (60 + 190 * col, 200 + 52 * row)
            draw.text(at, "纯棉透气", font=f, fill=(255, 240, 200))
            left, top, right, bottom = draw.textbbox(at, "纯棉透气", font=f)
            boxes.append(((left - 3, top - 3), (right + 3, top - 3), (right + 3, bottom + 3),
                          (left - 3, bottom + 3)))  # fmt: skip
    middle = 2 * 4 + 1
    others = boxes[:middle] + boxes[middle + 1 :]  # (left as they are: the board's printing)
    plan = RegionPlan(boxes[middle], "纯棉透气", "")
    drawn = ReplaceText((plan,), "en", "latin", erase_only=True, untouched=tuple(others))
    said = drawn.draw(img)
    (left, top), (right, bottom) = boxes[middle][0], boxes[middle][2]
    got = np.asarray(img, np.float32)[top:bottom, left:right]
    truth = base[top:bottom, left:right].astype(np.float32)
    lighter = (got - truth).sum(axis=2) > 3 * 40  # the cream letters' strokes carried in
    assert lighter.sum() < 20, lighter.sum()
    [figure] = said.erased
    assert figure["method"] == "smooth"
    assert {"kind": CROWDED} in figure["doubts"]
    assert any(POOR_ERASE in str(note) and "纯棉透气" in str(note) for note in said.notes)


@given(
    st.integers(1, 90),
    st.integers(1, 90),
    st.lists(st.tuples(st.integers(0, 89), st.integers(0, 89), st.integers(1, 12)), max_size=5),
    st.integers(4, 40),
    st.booleans(),
)
def test_a_mask_grown_on_its_own_box_is_grown_as_over_the_whole_window(
    h: int, w: int, blots: list[tuple[int, int, int]], width: int, inverted: bool
) -> None:
    # _ring's distance transform is worked out over the mask's box grown by its width,
    # not the whole window: the same pixels as the whole window's transform, to the pixel
    from localize.image.erase import _ring

    mask = np.zeros((h, w), bool)
    for y, x, size in blots:
        mask[y : y + size, x : x + 2 * size] = True
    if inverted:
        mask = ~mask
    whole = cv2.distanceTransform((~mask).astype(np.uint8), cv2.DIST_L2, 5) <= width
    assert np.array_equal(_ring(mask, width), whole)


@pytest.mark.parametrize(
    "name", ["outline-tiles3", "outline-tiles5-jpeg", "outline-wood", "outline-bokeh-jpeg"]
)
def test_a_navy_outline_over_tiles_wood_or_lights_is_erased_whole(name: str) -> None:
    # f11: white letters in a ~4 px navy outline over tiles whose dark grout is near the
    # navy: no pixel of the outline's navy is left where the letters were (the truth has
    # none there: the grout is further from it than an ink's reach)
    import cv2

    from tests.imagesynth import NAVY

    s = make(name)
    clean, _ = erased(s)
    where = cv2.dilate(s.ink.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0

    def navy(img: Image.Image) -> int:
        off = np.abs(np.asarray(img).astype(np.int16) - NAVY).sum(axis=2)
        return int((off <= 60)[where].sum())

    assert navy(s.image) > 5000  # the outline was there
    assert navy(clean) <= navy(s.background), (navy(clean), navy(s.background))


@pytest.mark.parametrize("name", ["polka", "polka-jpeg", "tiles", "tiles-jpeg", "gingham"])
def test_a_regular_pattern_goes_on_under_every_line_from_a_period_away(name: str) -> None:
    # f09: the big dots a 90 px title covered were left out of a flat pink fill (22.5 and
    # 18.7 dB on the smaller lines, silent); f11: a copy per strip bent the grout lines at
    # its seams (21.4 dB on the third line)
    s = make(name)
    clean, infos = erased(s)
    for k, info in enumerate(infos):
        assert info is not None and info.method == "pattern", (k, info)
        assert region_db(s, clean, k) >= 30, (k, region_db(s, clean, k))
        assert not info.poor


def test_tiles_grout_hidden_by_the_letters_is_drawn_where_it_ran() -> None:
    # the grout lines under the letters, dark where the truth is: none bent or doubled
    s = make("tiles")
    clean, _ = erased(s)
    truth = np.asarray(s.background).astype(np.float32).mean(axis=2)
    grout = (truth < 175) & s.ink
    tile = (truth > 205) & s.ink
    got = np.asarray(clean).astype(np.float32).mean(axis=2)
    assert grout.sum() > 500
    assert float(np.abs(got[grout] - truth[grout]).mean()) < 8
    assert float(np.percentile(got[tile], 1)) > 190  # no grout line drawn on a tile


def test_a_clean_erase_of_a_pattern_raises_no_warning() -> None:
    for name in ("polka", "tiles", "gingham"):
        s = make(name)
        img = s.image.copy()
        plans = tuple(RegionPlan(t.polygon, t.text, "") for t in s.texts)
        done = ReplaceText(plans, "en", "latin", erase_only=True).draw(img)
        assert not [n for n in done.notes if POOR_ERASE in str(n)], name


@pytest.mark.parametrize("name", ["wood-title", "wood-title-jpeg"])
def test_a_dark_title_on_wavy_grain_is_erased_letter_by_letter_and_the_grain_carried_on(
    name: str,
) -> None:
    # g05: the grain's own colour at the letters' edge, all around them, was taken for an
    # outline 16 px wide, and the title's whole box was filled as one flat patch (27.2 dB
    # on the title, the grain between the letters gone); a copy of the grain per strip
    # showed the letters' shape (30.6); the grain carried on along its heading, 34.8
    s = make(name)
    clean, infos = erased(s)
    title = s.texts[0]
    changed = (np.abs(np.asarray(clean, np.int16) - np.asarray(s.image, np.int16)) > 12).any(2)
    near = cv2.dilate(s.ink.astype(np.uint8), np.ones((13, 13), np.uint8)) > 0
    left, top, right, bottom = title.box
    box = np.zeros(changed.shape, bool)
    box[top:bottom, left:right] = True
    # the grain between the letters, 6 px and more from them, kept as it was
    assert int((changed & box & ~near).sum()) <= 0.01 * int((box & ~near).sum())
    assert region_db(s, clean, 0) >= 32, region_db(s, clean, 0)
    assert infos[0] is not None and not infos[0].poor


@pytest.mark.parametrize("name", ["wood-title", "wood-title-jpeg"])
def test_a_band_of_the_grain_under_half_the_letters_is_no_panel_of_theirs(name: str) -> None:
    # the wood-title class's line 3: one dark band of the grain, under the lower half of
    # the white letters, was grown as their panel (27.9 dB on its ring): the lower halves
    # filled flat, the upper halves left standing white (10.1 dB on the line)
    s = make(name)
    clean, infos = erased(s)
    assert infos[2] is not None and infos[2].method not in ("flat", "gradient")
    assert region_db(s, clean, 2) >= 24, region_db(s, clean, 2)


def test_the_clean_plate_takes_a_language_and_says_it_is_not_used(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """`--erase-only --to en` was taken in silence (a stranger's trial), as if --to chose
    something; DESIGN's command list gives both, so it is taken, and said."""
    src, out = tmp_path / "in.png", tmp_path / "plate.png"
    make("flat").image.save(src)
    done = cli("localize", "image", str(src), "-o", str(out), "--erase-only", "--to", "en")
    assert done.code == 0 and out.is_file(), done.err
    assert "--to en is not used" in done.err


def test_a_smooth_fills_score_is_as_honest_as_its_hole_is_deep() -> None:
    """The membrane's own trial, a ring a few px wide round the hole, fits nearly by
    construction (on bokeh: 30 dB said, 19.6 true); grown as far as the hole is deep, side
    by side, the trial sees what the membrane will guess. On fields of soft lights it is
    within 5.5 dB of the membrane's true error (the ring's, 10-15 dB over it) and poor
    wherever the fill shows at a glance;
    a gradient's plane, which a membrane continues exactly, still scores well."""
    from localize.image.erase import _db, _pull_push

    h, w = 200, 400
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    hole = np.zeros((h, w), bool)
    hole[80:120, 100:300] = True  # a line 40 px tall
    nothing = np.zeros((h, w), bool)
    plane = np.dstack([60 + 0.3 * xx + 0.2 * yy] * 3)
    assert _held_out(plane.astype(np.uint8), hole, nothing) >= 40.0
    for seed in range(12):
        rng = np.random.default_rng(seed)
        field = np.full((h, w), 70.0, np.float32)
        for _ in range(14):  # soft lights, 10-22 px
            x, y, size = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(10, 22)
            field += 140 * np.exp(-((xx - x) ** 2 + (yy - y) ** 2) / (2 * size**2))
        lights = np.dstack([np.clip(field, 0, 255)] * 3).astype(np.uint8)
        filled = _pull_push(lights, hole)
        true = _db(float(np.sqrt(((filled[hole] - lights[hole].astype(np.float32)) ** 2).mean())))
        said = _held_out(lights, hole, nothing)
        assert abs(said - true) <= 5.5, (seed, said, true)
        if true < SMEAR:
            assert said < POOR, (seed, said, true)
        assert _smooth_fill(lights, hole, 4)[1] >= POOR  # (the ring's own trial fooled)


def trial_02() -> tuple[Image.Image, Image.Image, tuple, tuple]:
    """A trial's 02 as its maker drew it: white 限时特惠 (120 px) and 全场包邮 (70 px) on
    sixty big soft lights in four colours over a dark navy; and its true background, and
    the two lines' boxes as RapidOCR read them."""
    import random

    rnd = random.Random(7)
    dark = Image.new("RGB", (1000, 1000), (20, 15, 40))
    lights = Image.new("RGB", dark.size, (0, 0, 0))
    draw = ImageDraw.Draw(lights)
    for _ in range(60):
        x, y, r = rnd.randint(0, 1000), rnd.randint(0, 1000), rnd.randint(30, 110)
        colour = rnd.choice([(255, 190, 90), (255, 120, 160), (120, 180, 255), (255, 230, 150)])
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    truth = Image.blend(dark, lights.filter(ImageFilter.GaussianBlur(18)), 0.55)
    img = truth.copy()
    draw = ImageDraw.Draw(img)
    draw.text((500, 450), "限时特惠", font=font(120), fill="white", anchor="mm")
    draw.text((500, 600), "全场包邮", font=font(70), fill="white", anchor="mm")
    title = ((263, 397), (741, 394), (742, 518), (264, 521))
    subline = ((363, 570), (640, 570), (640, 641), (363, 641))
    return img, truth, title, subline


def test_white_letters_on_soft_lights_are_filled_without_specks_of_colours_not_there() -> None:
    """The trial's 02: with neither the membrane's ring nor a copy fitting well, the title
    was filled by carrying each colour along its own "stripes", on lights that have none:
    23 px of green and red specks on the tan light (off its hue by up to 36 levels), and
    nothing said. Stripes are followed where the picture round the hole is striped; here
    the membrane fills it, every pixel within 30 levels of its true hue."""
    img, truth, title, subline = trial_02()
    ink = (np.asarray(img, np.int16) != np.asarray(truth, np.int16)).any(axis=2)
    erase(img, title, others=[subline])
    erase(img, subline, others=[title])
    err = np.asarray(img, np.float32)[ink] - np.asarray(truth, np.float32)[ink]
    off_hue = np.abs(err - err.mean(axis=1, keepdims=True)).max(axis=1)
    assert int((off_hue > 30).sum()) == 0, float(off_hue.max())
    assert psnr(np.asarray(img)[ink], np.asarray(truth)[ink]) >= 32


def test_bold_letters_on_a_round_things_radial_light_leave_no_ghost() -> None:
    # trial s32 (defect 2): the plane fitted to the whole ellipse is level (its light is
    # radial), so the panel was "flat" and the letters were filled with its mean, 5 levels
    # darker than the ellipse's middle round them: a legible ghost of 水润保湿 under the
    # new text, scored 35 dB and said nowhere. The fill follows the light round the letters
    from tests.localize.images import lit_ellipse

    img, line = lit_ellipse(with_text=True)
    truth, _ = lit_ellipse(with_text=False)
    ink = (np.asarray(img) != np.asarray(truth)).any(axis=2)
    info = erase(img, line)
    assert info is not None
    off = np.abs(np.asarray(img, np.int16) - np.asarray(truth, np.int16)).max(axis=2)[ink]
    assert np.percentile(off, 99) <= 3, (info.method, np.percentile(off, 99))
    assert psnr(np.asarray(img)[ink], np.asarray(truth)[ink]) >= 40
