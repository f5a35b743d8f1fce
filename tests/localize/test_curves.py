"""Text along a curve (a slogan on a ribbon): found and read as it runs, its outline
following it, and never erased and drawn as a straight line: left as it is and said, with
the translation to set along it (trial-img12 g07's ribbon was never found, its Chinese
left on the image with no word said)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from localize.image.curves import is_curved
from localize.image.ocr import RapidOcrDetector, Region
from localize.image.product import OVERLAY, PRINTING
from localize.image.regions import UNTRANSLATED, finding, plan_text
from tests.imagesynth import font

DETECTOR = RapidOcrDetector()
RED, RIBBON, PAGE = (200, 30, 40), (240, 200, 60), (250, 236, 220)


def ribbon(
    text: str, size: int, radius: int, span: float, title: str | None = None
) -> tuple[Image.Image, np.ndarray]:
    """A 1000 px square: `text` set letter by letter along an arc of `radius` px over
    `span` degrees, each letter turned with it, on a solid ribbon that follows it (a straight
    `title` above it, when given); and the letters' own pixels."""
    img = Image.new("RGB", (1000, 1000), PAGE)
    centre = (500, 420 + radius)
    draw = ImageDraw.Draw(img)
    ends = (-90 - span / 2 - 4, -90 + span / 2 + 4)
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
        angle = -90 - span / 2 + span * (n + 0.5) / len(text)
        x = centre[0] + radius * math.cos(math.radians(angle))
        y = centre[1] + radius * math.sin(math.radians(angle))
        glyph = Image.new("L", (size * 2, size * 2), 0)
        ImageDraw.Draw(glyph).text((size, size), char, font=font(size), fill=255, anchor="mm")
        glyph = glyph.rotate(-(angle + 90), resample=Image.Resampling.BICUBIC)
        letters.paste(glyph, (round(x - size), round(y - size)), glyph)
    img.paste(Image.new("RGB", img.size, RED), (0, 0), letters)
    return img, np.asarray(letters) > 128


@pytest.mark.parametrize(
    ("text", "size", "radius", "span"),
    [
        ("限时特惠全场包邮", 64, 450, 90),
        ("纯棉透气舒适", 56, 700, 40),
        ("加厚保暖防风", 60, 360, 80),
    ],
)
def test_a_line_along_an_arc_is_found_read_and_outlined(
    text: str, size: int, radius: int, span: float
) -> None:
    img, letters = ribbon(text, size, radius, span, title="冬季新款")
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


def test_a_curved_line_is_left_as_it_is_with_the_translation_to_set_along_it() -> None:
    regions = [Region(CURVED_OUTLINE, "限时特惠", 0.98)]
    text = plan_text(regions, lambda t: ("Limited offer", []), kinds=[OVERLAY])
    assert text.plans == ()  # nothing erased, nothing drawn
    record = text.records[0]
    assert record["status"] == UNTRANSLATED and record["curved"] is True
    assert "runs along a curve" in text.left[0] and "'Limited offer'" in text.left[0]
    assert finding(0, "a.png", text)["severity"] == "error"  # Chinese left, as any region
    printed = plan_text(regions, lambda t: ("Limited offer", []), kinds=[PRINTING])
    assert printed.records[0]["status"] == "kept" and not printed.left  # the product's
    kept = plan_text(regions, lambda t: ("x", []), [{"text": "限时特惠", "box": list(
        regions[0].box), "keep": True}], kinds=[OVERLAY])  # fmt: skip
    assert kept.records[0]["status"] == "kept" and not kept.left
    down = plan_text(regions, lambda t: (None, ["the engine failed"]), kinds=[OVERLAY])
    assert "set it by hand" in down.left[0]
    straight = Region(((100, 300), (540, 300), (540, 360), (100, 360)), "限时特惠", 0.98)
    assert plan_text([straight], lambda t: ("Limited offer", []), kinds=[OVERLAY]).plans


def test_localize_image_says_which_curved_line_is_left_and_what_to_set(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, db_url: str
) -> None:
    from tests.httpserver import serve
    from tests.localize.libre import libre

    src = tmp_path / "ribbon.png"
    ribbon("限时特惠全场包邮", 64, 450, 90)[0].save(src)
    with serve({"/translate": libre()}) as srv:
        config = tmp_path / "shops.toml"
        config.write_text(
            '[[shops]]\nid = "acme-vn"\nmarket = "VN"\n[shops.translation]\nengine = "libre"\n'
            f'url = "{srv.url}"\napi_key_env = "LIBRE_KEY"\nretries = 0\n',
            encoding="utf-8",
        )
        out = tmp_path / "out.png"
        result = cli(
            "localize", "image", str(src), "-o", str(out), "--to", "vi", "--replace-text",
            "--shop", "acme-vn", "--config", str(config), "--db", db_url,
            environ={"LIBRE_KEY": "k"},
        )  # fmt: skip
    assert result.code == 1, result.err
    assert "region 1 '限时特惠全场包邮' not replaced: it runs along a curve" in result.err
    assert "set 'xxxxxxxx' along it by hand" in result.err  # the fake engine's translation
    assert not out.exists()
