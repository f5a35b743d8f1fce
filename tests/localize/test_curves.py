"""Text along a curve (a slogan on a ribbon): found and read as it runs, its outline
following it, erased and its translation set along the same curve (trial-img12 g07's and
trial-img13 g09's ribbons were never found, their Chinese left on the image with no word
said; erased and drawn as a straight line, one became a tilted column over a white gap)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import cv2
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from localize.image.curves import Band, is_curved
from localize.image.ocr import RapidOcrDetector, Region, has_chinese
from localize.image.product import OVERLAY, PRINTING
from localize.image.regions import finding, plan_text
from localize.image.replace import RegionPlan, ReplaceText
from tests.imagesynth import font

DETECTOR = RapidOcrDetector()
RED, RIBBON, PAGE = (200, 30, 40), (240, 200, 60), (250, 236, 220)


def ribbon(
    text: str,
    size: int,
    radius: int,
    span: float,
    title: str | None = None,
    top: int = 420,
    smile: bool = False,
) -> tuple[Image.Image, np.ndarray]:
    """A 1000 px square: `text` set letter by letter along an arc of `radius` px over
    `span` degrees, each letter turned with it, on a solid ribbon that follows it (a straight
    `title` above it, when given); and the letters' own pixels. The arc's top at `top`
    (the top of a circle), or with `smile` its bottom at `top` (the bottom of one)."""
    img = Image.new("RGB", (1000, 1000), PAGE)
    centre = (500, top - radius) if smile else (500, top + radius)
    middle = 90 if smile else -90
    way = -1 if smile else 1  # left to right, the angle falls along a circle's bottom
    draw = ImageDraw.Draw(img)
    ends = (middle - way * (span / 2 + 4), middle + way * (span / 2 + 4))
    outer, inner = radius + size // 2 + 14, radius - size // 2 - 14
    rim = [
        (centre[0] + r * math.cos(math.radians(a)), centre[1] + r * math.sin(math.radians(a)))
        for r, turn in ((outer, 1), (inner, -1))
        for a in np.linspace(*ends[::turn], 60)
    ]
    draw.polygon(rim, fill=RIBBON)
    if title:
        draw.text((500, 150), title, font=font(80), fill=RED, anchor="mm")
    letters = Image.new("L", img.size, 0)
    for n, char in enumerate(text):
        angle = middle - way * span / 2 + way * span * (n + 0.5) / len(text)
        x = centre[0] + radius * math.cos(math.radians(angle))
        y = centre[1] + radius * math.sin(math.radians(angle))
        glyph = Image.new("L", (size * 2, size * 2), 0)
        ImageDraw.Draw(glyph).text((size, size), char, font=font(size), fill=255, anchor="mm")
        glyph = glyph.rotate(-(angle - middle), resample=Image.Resampling.BICUBIC)
        letters.paste(glyph, (round(x - size), round(y - size)), glyph)
    img.paste(Image.new("RGB", img.size, RED), (0, 0), letters)
    return img, np.asarray(letters) > 128


@pytest.mark.parametrize(
    ("text", "size", "radius", "span", "smile"),
    [
        ("限时特惠全场包邮", 64, 450, 90, False),
        ("纯棉透气舒适", 56, 700, 40, False),
        ("加厚保暖防风", 60, 360, 80, False),
        ("品质保证放心购买", 56, 450, 70, True),  # along a circle's bottom
    ],
)
def test_a_line_along_an_arc_is_found_read_and_outlined(
    text: str, size: int, radius: int, span: float, smile: bool
) -> None:
    img, letters = ribbon(
        text, size, radius, span, title="冬季新款", top=600 if smile else 420, smile=smile
    )
    regions = DETECTOR.detect(img)
    curved = [r for r in regions if is_curved(r.polygon)]
    assert [r.text for r in curved] == [text], [(r.text, len(r.polygon)) for r in regions]
    assert [r.text for r in regions if not is_curved(r.polygon)] == ["冬季新款"]  # straight
    assert regions[0].text == "冬季新款"  # reading order: the title above comes first
    outline = Image.new("L", img.size, 0)
    ImageDraw.Draw(outline).polygon(curved[0].polygon, fill=255)
    inside = np.asarray(outline) > 0
    assert (inside & letters).sum() >= 0.97 * letters.sum()  # it holds the letters ...
    assert inside.sum() <= 2.2 * len(text) * size * size  # ... and not the ribbon round them


ARC = tuple((100 + 40 * n, 400 - int(120 * math.sin(n / 11 * math.pi))) for n in range(12))
CURVED_OUTLINE = ARC + tuple((x, y + 60) for x, y in reversed(ARC))


def test_a_curved_line_is_planned_like_any_and_marked_curved() -> None:
    regions = [Region(CURVED_OUTLINE, "限时特惠", 0.98)]
    text = plan_text(regions, lambda t: ("Limited offer", []), kinds=[OVERLAY])
    assert [p.translation for p in text.plans] == ["Limited offer"] and not text.left
    assert text.records[0]["status"] == "replaced" and text.records[0]["curved"] is True
    assert finding(0, "a.png", text)["severity"] == "info"
    printed = plan_text(regions, lambda t: ("Limited offer", []), kinds=[PRINTING])
    assert printed.records[0]["status"] == "kept" and not printed.plans  # the product's
    straight = Region(((100, 300), (540, 300), (540, 360), (100, 360)), "限时特惠", 0.98)
    assert "curved" not in plan_text([straight], lambda t: ("x", []), kinds=[OVERLAY]).records[0]


def _psnr(a: np.ndarray, b: np.ndarray, where: np.ndarray) -> float:
    error = ((a.astype(float) - b.astype(float)) ** 2)[where].mean()
    return 99.0 if error == 0 else 10 * math.log10(255**2 / error)


@pytest.mark.parametrize(
    ("text", "size", "radius", "span"),
    [("限时特惠全场包邮", 64, 450, 90), ("纯棉透气舒适", 56, 700, 40)],
)
def test_a_curved_line_is_erased_and_its_translation_set_along_the_curve(
    text: str, size: int, radius: int, span: float
) -> None:
    img, letters = ribbon(text, size, radius, span)
    background = np.asarray(ribbon("", size, radius, span)[0])
    (region,) = DETECTOR.detect(img)
    plate = img.copy()
    ReplaceText((RegionPlan(region.polygon, text, "x"),), "en", "latin", erase_only=True).draw(
        plate
    )
    near = cv2.dilate(letters.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
    assert _psnr(np.asarray(plate), background, near) >= 32  # the ribbon continued
    outline = Image.new("L", img.size, 0)
    ImageDraw.Draw(outline).polygon(region.polygon, fill=255)
    reach = cv2.dilate(np.asarray(outline), np.ones((size * 2, size * 2), np.uint8)) > 0
    assert (np.asarray(plate) == np.asarray(img))[~reach].all()  # nothing changed beyond
    drawn = img.copy()
    done = ReplaceText(
        (RegionPlan(region.polygon, text, "Limited offer today"),), "en", "latin"
    ).draw(drawn)
    assert done.lines and done.size >= 0.6 * size, (done.lines, done.size)
    read = DETECTOR.detect(drawn)
    assert not any(has_chinese(r.text) for r in read), [r.text for r in read]
    along = [r for r in read if "offer" in r.text.lower()]
    assert along and is_curved(along[0].polygon), [(r.text, len(r.polygon)) for r in read]
    assert (np.asarray(drawn) == np.asarray(img))[~reach].all()


def test_localize_image_replaces_a_curved_line_and_says_it_is_curved(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, db_url: str, shop_config: Path
) -> None:
    src = tmp_path / "ribbon.png"
    ribbon("限时特惠全场包邮", 64, 450, 90)[0].save(src)
    out = tmp_path / "out.png"
    result = cli(
        "localize", "image", str(src), "-o", str(out), "--to", "vi", "--replace-text",
        "--shop", "acme-vn", "--config", str(shop_config), "--db", db_url, "--json",
        environ={"LIBRE_KEY": "k"},
    )  # fmt: skip
    assert result.code == 0, result.err
    (record,) = json.loads(result.out)["regions"][str(src)]
    assert record["status"] == "replaced" and record["curved"] is True
    assert record["translation"] == "xxxxxxxx"  # the fake engine's
    assert not any(has_chinese(r.text) for r in DETECTOR.detect(Image.open(out).convert("RGB")))


def test_a_ribbon_tight_round_the_letters_is_no_glow_but_a_halo_is() -> None:
    """Unrolled, a ribbon's slogan stands on a band as long as the line whose edge lies at
    every distance from the letters: ring after ring as far off the page, then gone. Read
    as a glow, a soft orange halo was drawn round the translation."""
    from PIL import ImageFilter

    from localize.image import looks
    from localize.image.curves import Band

    img, _ = ribbon("限时特惠买一送一", 64, 450, 90)  # (read as one ending '送－')
    (region,) = DETECTOR.detect(img)
    band = Band.from_outline(region.polygon)
    past = round(band.height / 2)
    strip = band.extended(past).strip(np.asarray(img), 2.2)
    middle = (strip.shape[0] - 1) / 2
    top, bottom = round(middle - band.height / 2), round(middle + band.height / 2)
    right = strip.shape[1] - 1 - past
    flat = ((past, top), (right, top), (right, bottom), (past, bottom))
    assert looks.glow_of(strip, flat, [RED], band.height) is None
    halo = Image.new("RGB", (900, 300), (30, 30, 80))
    shape = Image.new("L", halo.size, 0)
    ImageDraw.Draw(shape).text((450, 150), "限时特惠", font=font(64), fill=255, anchor="mm")
    glow = shape.filter(ImageFilter.GaussianBlur(6)).point(lambda v: min(255, v * 3))
    halo.paste(Image.new("RGB", halo.size, (255, 220, 120)), (0, 0), glow)
    halo.paste(Image.new("RGB", halo.size, (255, 255, 255)), (0, 0), shape)
    box = ((300, 118), (600, 118), (600, 182), (300, 182))
    assert looks.glow_of(np.asarray(halo), box, [(255, 255, 255)], 64) is not None


@st.composite
def arcs(draw: st.DrawFn) -> Band:
    """A band along a random arc across a 1000 px picture: its middle, normals, height."""
    from localize.image.curves import Band

    radius = draw(st.floats(250, 2000))
    span = draw(st.floats(10, 80))
    smile = draw(st.booleans())  # bent down at its ends, or up
    x0 = draw(st.floats(-60, 300))
    y0 = draw(st.floats(60, 940))
    height = draw(st.floats(16, 90))
    angles = np.radians(np.linspace(-span / 2, span / 2, 400))
    xs = x0 + radius * (np.sin(angles) - np.sin(angles[0]))
    ys = y0 + (1 if smile else -1) * radius * (np.cos(angles) - 1) * -1
    slopes = np.gradient(ys, xs)
    norm = np.hypot(1.0, slopes)
    normals = np.stack([-slopes / norm, 1.0 / norm], axis=1)
    return Band(np.stack([xs, ys], axis=1), normals, height)


@settings(max_examples=25, deadline=None)
@given(band=arcs())
def test_a_band_comes_back_from_its_outline_and_rolls_back_where_it_changed(band: Band) -> None:
    from localize.image.curves import Band, _resampled, roll_back

    band = _resampled(band)
    outline = tuple((round(x), round(y)) for x, y in band.outline())
    again = Band.from_outline(outline)
    assert abs(again.height - band.height) <= 0.05 * band.height + 1.5
    for point in again.middle[:: max(1, len(again.middle) // 20)]:  # on the same curve
        assert np.hypot(*(band.middle - point).T).min() <= 3.0  # (outline rounded to px)
    rng = np.random.default_rng(len(band.middle))
    picture = rng.integers(0, 256, (1000, 1000, 3), dtype=np.uint8)
    before = picture.copy()
    strip = band.strip(picture, 2.2)
    roll_back(band, picture, np.zeros_like(strip), np.zeros(strip.shape[:2], bool), 2.2)
    assert (picture == before).all()  # nothing changed in the strip: nothing laid back
    strip[:] = (255, 0, 0)
    roll_back(band, picture, strip, np.ones(strip.shape[:2], bool), 2.2)
    moved = (picture != before).any(axis=2)
    ys, xs = np.nonzero(moved)
    if len(xs):  # only near the band (it may run off the picture)
        near = np.hypot(
            xs[:, None] - band.middle[None, ::8, 0], ys[:, None] - band.middle[None, ::8, 1]
        ).min(axis=1)
        assert near.max() <= 1.1 * band.height + 12
    inside = [(round(x), round(y)) for x, y in band.middle[4:-4:25]]  # (its ends: within a px)
    on = [(x, y) for x, y in inside if 0 <= x < 1000 and 0 <= y < 1000]
    assert all(tuple(picture[y, x]) == (255, 0, 0) for x, y in on)  # laid along its middle


SLOGANS = ("限时特惠全场包邮", "纯棉透气舒适", "加厚保暖防风", "品质保证放心购买", "新品上市")


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(
    text=st.sampled_from(SLOGANS),
    size=st.integers(36, 80),
    radius=st.integers(300, 900),
    span=st.floats(30, 90),
    top=st.integers(40, 880),
    language=st.sampled_from(["en", "th", "vi"]),
)
def test_any_ribbon_goes_through_the_whole_replacement(
    text: str, size: int, radius: int, span: float, top: int, language: str
) -> None:
    """Ribbons of any bend, size and place (at the picture's edge too) are read, erased
    and drawn without a fault, and nothing is changed far from their letters."""
    from localize.image.regions import plan_text

    img, letters = ribbon(text, size, radius, span, top=top)
    regions = DETECTOR.detect(img)
    assume(any(is_curved(r.polygon) for r in regions))  # (read straight: the xfail below)
    translation = {"en": "Limited offer", "th": "โปรพิเศษ", "vi": "Ưu đãi có hạn"}[language]
    planned = plan_text(regions, lambda t: (translation, []))
    drawn = img.copy()
    script = "thai" if language == "th" else "latin"
    ReplaceText(planned.plans, language, script).draw(drawn)
    reach = cv2.dilate(letters.astype(np.uint8), np.ones((4 * size, 4 * size), np.uint8)) > 0
    assert (np.asarray(drawn) == np.asarray(img))[~reach].all()


@pytest.mark.parametrize(
    ("text", "size", "radius", "span", "top", "language"),
    [
        ("限时特惠全场包邮", 36, 300, 50.0, 40, "en"),  # CI's Hypothesis case, at the top edge
        ("限时特惠全场包邮", 36, 300, 50.0, 40, "th"),
        ("纯棉透气舒适", 40, 400, 36.0, 500, "vi"),
    ],
)
def test_a_short_line_on_a_shallow_arc_read_as_a_box_is_replaced_along_its_ribbon(
    text: str, size: int, radius: int, span: float, top: int, language: str
) -> None:
    """A short line on a shallow arc scores well over its straight box, so it was taken as
    a straight line: the box reached across the tight ribbon under it, the ribbon was
    taken for ink and erased to the page, and the translation drawn large where it had
    been, with no warning. The box now gives way to the curve it bows along: the ribbon
    kept, the translation set along it, and nothing said against a clean erase."""
    img, letters = ribbon(text, size, radius, span, top=top)
    regions = DETECTOR.detect(img)
    assert [r.text for r in regions] == [text]
    (region,) = regions
    assert is_curved(region.polygon), region.polygon
    centre = np.array([500, top + radius])  # (the arc's own: `ribbon`'s)
    middle = Band.from_outline(region.polygon).middle
    off = np.hypot(*(middle - centre).T) - radius
    assert np.abs(off).max() <= 3.5, off.round(1)  # bent to the letters along all its length
    translation = {"en": "Limited offer", "th": "โปรพิเศษ", "vi": "Ưu đãi có hạn"}[language]
    planned = plan_text(regions, lambda t: (translation, []))
    drawn = img.copy()
    script = "thai" if language == "th" else "latin"
    said = ReplaceText(planned.plans, language, script).draw(drawn)
    ribbon_px = (np.abs(np.asarray(img, int) - RIBBON).sum(axis=2) < 30) & ~letters
    on_ribbon = (np.abs(np.asarray(drawn, int) - RIBBON).sum(axis=2) < 30)[ribbon_px].mean()
    assert on_ribbon > 0.8, on_ribbon  # (was 0.0: erased to the page)
    assert said.lines and not said.notes, said.notes
    assert not any(has_chinese(r.text) for r in DETECTOR.detect(drawn))
