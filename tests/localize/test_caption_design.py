"""Captions designed: sized from the image, inside every crop, over the calmer half, in
balanced lines, in the shop's style; images reframed, never squashed."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw

from config.markets import load_markets
from config.settings import parse
from localize.image.design import reframe, safe_area
from localize.image.fit import FitSpec, balance, fit, latin_units, wrap
from localize.image.inputs import Picture, fit_size
from localize.image.pipeline import shop_layout
from localize.image.render import Layout, draw_caption
from tests.localize.images import photo

RULES = load_markets().default_images
CAPTION = "Free shipping on every stainless steel vacuum cup"


def busy_half(size: tuple[int, int], busy: str) -> Image.Image:
    """A plain grey picture with fine stripes over its top or bottom half."""
    w, h = size
    img = Image.new("RGB", size, (190, 190, 190))
    draw = ImageDraw.Draw(img)
    rows = range(0, h // 2) if busy == "top" else range(h // 2, h)
    for y in rows[::6]:
        draw.line((0, y, w, y), fill=(20, 20, 20), width=3)
    return img


@pytest.mark.parametrize("small, large", [(400, 800), (800, 2000), (2000, 4000)])
def test_the_caption_grows_with_the_image(small: int, large: int) -> None:
    sizes = [
        draw_caption(photo((side, side)), "Free shipping", "en", "latin").size
        for side in (small, large)
    ]
    assert sizes[1] > sizes[0] * (large / small) * 0.8  # in proportion, never capped in px
    assert sizes[1] > 72 or large < 2000


@pytest.mark.parametrize("size", [(800, 2400), (2400, 800), (1000, 1000), (1300, 1000)])
@pytest.mark.parametrize("style", ["band", "badge", "outline"])
def test_the_caption_lies_inside_the_one_to_one_and_three_to_four_crops(
    size: tuple[int, int], style: str
) -> None:
    original = photo(size)
    img = original.copy()
    draw_caption(img, CAPTION, "en", "latin", Layout(style=style))
    changed = ImageChops.difference(img, original).getbbox()
    assert changed is not None
    w, h = size
    for aspect in (1.0, 3 / 4):  # each centred crop TikTok may show
        cw, ch = min(w, h * aspect), min(h, w / aspect)
        crop = ((w - cw) / 2, (h - ch) / 2, (w + cw) / 2, (h + ch) / 2)
        assert crop[0] <= changed[0] and crop[1] <= changed[1], (aspect, changed)
        assert changed[2] <= crop[2] and changed[3] <= crop[3], (aspect, changed)


def test_safe_area_is_what_both_crops_share() -> None:
    assert safe_area(800, 2400) == (0, 800, 800, 1600)
    assert safe_area(4000, 3000) == (875, 0, 3125, 3000)
    assert safe_area(600, 800) == (0, 100, 600, 700)


@pytest.mark.parametrize("busy", ["top", "bottom"])
def test_the_caption_avoids_the_busier_half_unless_the_shop_fixes_it(busy: str) -> None:
    img = busy_half((800, 800), busy)
    result = draw_caption(img, CAPTION, "en", "latin")
    middle = (result.band[1] + result.band[3]) / 2
    assert (middle > 400) == (busy == "top")
    fixed = draw_caption(busy_half((800, 800), busy), CAPTION, "en", "latin", Layout(position=busy))
    assert ((fixed.band[1] + fixed.band[3]) / 2 > 400) == (busy == "bottom")


def test_line_breaks_are_balanced_not_greedy() -> None:
    units = latin_units("Free shipping on every stainless steel cup today")

    def measure(text: str, size: int) -> float:
        return len(text) * size * 0.5

    greedy = wrap(units, 400, 20, measure)  # 40 characters a line
    balanced = balance(units, 400, 20, measure, len(greedy))
    assert len(balanced) == len(greedy) == 2
    assert " ".join(balanced) == " ".join(greedy)
    spread = max(map(len, balanced)) - min(map(len, balanced))
    assert spread < max(map(len, greedy)) - min(map(len, greedy))
    assert spread <= max(len(u) for u in units)
    result = fit(units, measure, 400, 60, FitSpec(max_size=20, min_size=8))
    assert result.lines == tuple(balanced)


def test_the_drawn_lines_are_balanced() -> None:
    result = draw_caption(photo((800, 800)), CAPTION, "en", "latin")
    lengths = [len(line) for line in result.lines]
    assert len(lengths) == 2 and max(lengths) - min(lengths) <= 10


@pytest.mark.parametrize(
    "size, aspect",
    [((6000, 300), "pad"), ((800, 2400), "pad"), ((6000, 300), "crop"), ((800, 2400), "crop")],
)
def test_no_image_is_squashed(size: tuple[int, int], aspect: str) -> None:
    original = photo(size)
    picture = fit_size(Picture(original.copy()), Path("x.jpg"), RULES, aspect)
    w, h = picture.image.size
    assert RULES.min_aspect <= w / h <= RULES.max_aspect + 0.01
    assert max(w, h) <= RULES.max_px
    frame = reframe(*size, RULES.min_aspect, RULES.max_aspect, aspect)
    scale = max(w, h) / max(frame.canvas or (frame.crop[2] - frame.crop[0], frame.crop[3]))
    if aspect == "pad":  # the picture inside keeps its own proportions, padding around it
        inner = (round(size[0] * scale), round(size[1] * scale))
        assert abs(inner[0] / inner[1] - size[0] / size[1]) < 0.05 * size[0] / size[1]
        assert any("padded to" in note for note in picture.notes)
    else:
        assert any("cropped to" in note for note in picture.notes)


def test_an_image_already_in_range_keeps_its_frame() -> None:
    assert not reframe(1000, 1000, 0.75, 1.3334, "pad").changed
    picture = fit_size(Picture(photo((900, 1000))), Path("x.jpg"), RULES)
    assert picture.image.size == (900, 1000) and not picture.notes


SHOP = """
[[shops]]
id = "acme-th"
market = "TH"
{extra}
"""


def test_shop_caption_styles_are_read_and_the_old_keys_still_work() -> None:
    settings = parse(
        SHOP.format(
            extra='caption_position = "top"\ncaption_max_lines = 3\n'
            '[shops.captions]\nstyle = "badge"\ncolour = "#E4003A"\nweight = 800'
        ),
        "shops.toml",
    )
    layout = shop_layout(settings.shops[0])
    assert (layout.style, layout.colour, layout.weight) == ("badge", (228, 0, 58), 800)
    assert (layout.position, layout.spec.max_lines) == ("top", 3)
    default = shop_layout(parse(SHOP.format(extra=""), "shops.toml").shops[0])
    assert (default.position, default.style) == ("auto", "band")
    fixed = parse(SHOP.format(extra='[shops.captions]\nposition = "bottom"'), "shops.toml")
    assert shop_layout(fixed.shops[0]).position == "bottom"


def test_a_bad_brand_colour_is_named_with_its_key_and_line() -> None:
    from config.errors import ConfigError

    with pytest.raises(ConfigError) as caught:
        parse(SHOP.format(extra='[shops.captions]\ncolour = "red"'), "shops.toml")
    message = str(caught.value)
    assert "shops[0].captions.colour" in message and "line 6" in message
    assert "#RRGGBB" in message


def test_the_cli_draws_a_style(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "p.png"
    photo().save(src)
    out = tmp_path / "o.png"
    args = ["localize", "image", str(src), "-o", str(out), "--to", "en", "--caption", "Hi"]
    assert cli(*args, "--style", "badge").code == 0 and out.is_file()
    bad = cli(*args, "--style", "neon")
    assert bad.code == 2 and "--style 'neon': use band, badge or outline" in bad.err


def test_a_caption_forced_to_its_smallest_size_is_said() -> None:
    long = " ".join(["Free shipping on every stainless steel vacuum cup today"] * 3)
    small = draw_caption(Image.new("RGB", (1000, 1000), (200, 200, 200)), long, "en", "latin")
    assert any("smallest size" in w for w in small.warnings), (small.size, small.warnings)
    roomy = draw_caption(Image.new("RGB", (1000, 1000), (200, 200, 200)), "Sale", "en", "latin")
    assert not any("smallest size" in w for w in roomy.warnings), roomy.size


def test_the_summary_line_names_the_images_to_look_at(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # A batch's operator reads the last line: an image with four warnings (a 12 dB erase,
    # Chinese still read) was "5 written, 0 failed" there, exit 0 (a stranger's trial).
    for name in ("plain.png", "long.png"):
        photo().save(tmp_path / name)
    long = " ".join(["Free shipping on every stainless steel vacuum cup today"] * 3)
    out = tmp_path / "out"
    base = ["localize", "image", "-o", f"{out}/", "--to", "en"]
    fine = cli(*base, str(tmp_path / "plain.png"), "--caption", "Hi")
    assert fine.code == 0 and "to look at" not in fine.err, fine.err
    both = cli(*base, str(tmp_path / "plain.png"), str(tmp_path / "long.png"), "--caption", long)
    assert both.code == 0, both.err
    assert "smallest size" in both.err
    last = both.err.strip().splitlines()[-1]
    assert last.startswith("2 of them to look at before uploading (") and "long.png" in last, last
