"""Captions on images: goldens per script, exact probes, and every hostile input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageStat

from config.markets import load_markets
from localize.image.design import safe_area
from localize.image.fit import clusters
from localize.image.fonts import FontError
from localize.image.render import Layout, break_units, draw_caption, validate_caption
from tests.localize.images import huge_png_header, photo, save

GOLDEN = Path(__file__).parent / "golden"
CAPTIONS = {
    "latin": ("en", "Free shipping · Stainless steel vacuum cup 500 ml"),
    "vietnamese": ("vi", "Miễn phí vận chuyển — Bình giữ nhiệt inox 500ml"),
    "thai": ("th", "ส่งฟรีทั่วไทย แก้วเก็บความร้อนสแตนเลส 500ml เก็บความเย็นได้นาน"),
}


def script_of(language: str) -> str:
    """The script markets.toml says the language is written in."""
    return load_markets().script(language)


def assert_image_similar(
    actual: Image.Image, expected: Image.Image, epsilon: float, where: Path
) -> None:
    """Same mode and size, mean pixel difference within epsilon (Pillow's helper)."""
    assert actual.mode == expected.mode and actual.size == expected.size
    diff = ImageStat.Stat(ImageChops.difference(actual, expected)).mean
    if sum(diff) / len(diff) > epsilon:
        actual.save(where.with_suffix(".actual.png"))
        raise AssertionError(
            f"{where.name}: mean difference {diff} > {epsilon}; "
            f"see {where.with_suffix('.actual.png')}"
        )


STYLES = {  # the band keeps the goldens' old names; badge in a brand colour
    "band": Layout(),
    "badge": Layout(style="badge", colour=(228, 0, 58)),
    "outline": Layout(style="outline"),
}


@pytest.mark.parametrize("style", sorted(STYLES))
@pytest.mark.parametrize("script", sorted(CAPTIONS))
def test_golden_images_per_style_and_script(
    script: str, style: str, regen_goldens: bool, tmp_path: Path
) -> None:
    language, caption = CAPTIONS[script]
    img = photo()
    draw_caption(img, caption, language, script_of(language), STYLES[style])
    golden = GOLDEN / (f"{script}.png" if style == "band" else f"{style}-{script}.png")
    if regen_goldens:
        img.save(golden)
    assert_image_similar(img, Image.open(golden).convert("RGB"), 1.5, tmp_path / golden.name)


@pytest.mark.parametrize("script", sorted(CAPTIONS))
def test_nothing_changes_outside_the_band_and_ink_stays_inside_the_margins(script: str) -> None:
    language, caption = CAPTIONS[script]
    original = photo((800, 600))
    img = original.copy()
    result = draw_caption(img, caption, language, script_of(language))
    changed = ImageChops.difference(img, original).getbbox()
    assert changed is not None
    left, top, right, bottom = result.band
    assert left <= changed[0] and top <= changed[1] and changed[2] <= right and changed[3] <= bottom
    safe = safe_area(*img.size)  # the middle 450x600 of 800x600: both crops keep it
    margin = round(min(safe[2] - safe[0], safe[3] - safe[1]) * Layout().margin)
    assert (left - safe[0], safe[2] - right) == (margin, margin)
    assert top >= margin and img.height - bottom >= margin
    assert result.contrast >= 4.5


def test_a_long_thai_caption_wraps_at_word_boundaries_within_the_line_limit() -> None:
    caption = (
        "แก้วเก็บความร้อนสแตนเลสคุณภาพสูง เก็บความเย็นได้นานยี่สิบสี่ชั่วโมง "
        "พกพาสะดวก เหมาะสำหรับการเดินทาง ทำงาน และออกกำลังกาย"
    )
    img = photo((600, 600))
    result = draw_caption(img, caption, "th", script_of("th"))
    assert 1 < len(result.lines) <= 2
    words = break_units(caption, script_of("th"))
    ends, pos = set(), 0
    for word in words:
        pos += len(word)
        ends.add(pos)
    consumed = 0
    for line in result.lines[:-1]:
        consumed = caption.index(line, consumed) + len(line)
        assert consumed in ends, f"line ends inside a word: {line!r}"
    if not result.truncated:
        assert "".join(result.lines).replace(" ", "") == caption.replace(" ", "")
    for line in result.lines:
        assert "".join(clusters(line)) == line


def test_a_caption_that_cannot_fit_is_truncated_and_flagged() -> None:
    img = photo((400, 400))
    result = draw_caption(img, "Ultra durable " * 40, "en", script_of("en"))
    assert result.truncated and result.lines[-1].endswith("…")


# ---- inputs, through the command line: message and no output file --------------------


def run_image(cli, tmp_path: Path, src: Path, caption: str = "Free shipping", lang: str = "en"):  # type: ignore[no-untyped-def]
    out = tmp_path / "out.jpg"
    result = cli(
        "localize", "image", str(src), "-o", str(out), "--to", lang, "--caption", caption, "--json"
    )
    return result, out


def truncated_jpeg(p: Path) -> Path:
    data = (save(photo(), p.with_suffix(".full.jpg"), quality=90)).read_bytes()
    p.write_bytes(data[: len(data) // 2])
    return p


BAD = {
    "truncated": (truncated_jpeg, "the image is truncated or damaged"),
    "empty": (lambda p: (p.write_bytes(b""), p)[1], "the file is empty"),
    "not-an-image": (
        lambda p: (p.write_text("id,title\n1,x\n"), p)[1],
        "not an image in a format we read",
    ),
    "unsupported-format": (
        lambda p: save(photo((256, 256)), p.with_suffix(".ico"), format="ICO"),
        "not an image in a format we read",
    ),
    "tiny": (
        lambda p: save(photo((200, 400)), p.with_suffix(".png")),
        "200x400 is too small: TikTok Shop needs at least 300x300",
    ),
    "bomb": (
        lambda p: huge_png_header(p.with_suffix(".png"), 30000, 30000),
        "too many pixels to open safely (decompression bomb guard)",
    ),
    "enormous": (
        lambda p: huge_png_header(p.with_suffix(".png"), 9000, 9000),
        "9000x9000 is too large to open safely (over 64 MP)",
    ),
    "missing": (lambda p: p.with_suffix(".nothere.jpg"), "no such file"),
}


@pytest.mark.parametrize("kind", sorted(BAD))
def test_each_bad_input_gets_its_message_and_no_output(cli, tmp_path: Path, kind: str) -> None:  # type: ignore[no-untyped-def]
    make, message = BAD[kind]
    src = make(tmp_path / "in.jpg")
    result, out = run_image(cli, tmp_path, src)
    assert result.code == 1
    assert f"{src}: {message}" in result.err
    assert not out.exists()
    assert not list(tmp_path.glob(".out.jpg.*"))  # no temporary left behind


ZH = {  # the problem's own words in the reader's language (tests.catalogs fills zh_CN)
    "truncated": "图片不完整或已损坏",
    "empty": "文件是空的",
    "not-an-image": "不是我们能读取的图片格式",
    "unsupported-format": "不是我们能读取的图片格式",
    "tiny": "200x400 太小：TikTok Shop 要求至少 300x300",
    "bomb": "像素过多，无法安全打开",
    "enormous": "9000x9000 过大，无法安全打开（超过 64 百万像素）",
    "missing": "文件不存在",
}


@pytest.mark.parametrize("kind", sorted(BAD))
def test_each_bad_inputs_message_is_in_the_readers_language(cli, tmp_path: Path, kind: str) -> None:  # type: ignore[no-untyped-def]
    # s32 (defect 7): under --lang zh, "1x1 is too small: TikTok Shop needs at least
    # 300x300" came in English, the image's problem an f-string rather than a message
    make, message = BAD[kind]
    src = make(tmp_path / "in.jpg")
    out = tmp_path / "out.jpg"
    result = cli(
        "localize",
        "image",
        str(src),
        "-o",
        str(out),
        "--to",
        "en",
        "--caption",
        "x",
        "--lang",
        "zh",
    )
    assert result.code == 1
    [failed] = [line for line in result.err.splitlines() if str(src) in line]
    assert ZH[kind] in failed and message not in failed, failed


def converted(cli, tmp_path: Path, src: Path) -> tuple[dict, Image.Image]:  # type: ignore[no-untyped-def]
    result, out = run_image(cli, tmp_path, src)
    assert result.code == 0, result.err
    doc = json.loads(result.out)["captioned"][0]
    return doc, Image.open(out)


def test_cmyk_with_its_profile_becomes_srgb(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = save(photo().convert("CMYK"), tmp_path / "cmyk.jpg", quality=90)
    doc, out = converted(cli, tmp_path, src)
    assert out.mode == "RGB" and doc["lines"] == ["Free shipping"]
    top = ImageStat.Stat(out.crop((0, 0, 600, 100))).mean
    ref = ImageStat.Stat(photo().crop((0, 0, 600, 100))).mean
    assert max(abs(a - b) for a, b in zip(top, ref, strict=True)) < 12  # colours kept


def test_sixteen_bit_palette_alpha_are_made_rgb(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sixteen = photo().convert("L").point(lambda v: v * 256, "I").convert("I;16")
    for name, img in [
        ("16bit.png", sixteen),
        ("palette.png", photo().convert("P", palette=Image.Palette.ADAPTIVE)),
        ("alpha.png", photo().convert("RGBA")),
    ]:
        doc, out = converted(cli, tmp_path, save(img, tmp_path / name))
        assert out.mode == "RGB" and out.size == (600, 600), name


def test_a_transparent_png_is_flattened_onto_white_and_says_so(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # a stranger's product cut-out came back on white and nothing said it: said now, as a
    # note (nothing to fix: white is the background TikTok Shop advises), and in --json
    cutout = Image.new("RGBA", (600, 600), (0, 0, 0, 0))
    ImageDraw.Draw(cutout).ellipse((150, 150, 450, 550), fill=(40, 90, 200, 255))
    src = save(cutout, tmp_path / "cutout.png")
    result, out = run_image(cli, tmp_path, src)
    assert result.code == 0, result.err
    said = "it has transparent parts: they are flattened onto white"
    assert f"note: {src}: {said}" in result.err, result.err
    doc = json.loads(result.out)["captioned"][0]
    assert said in doc["info"][0] and not doc["warnings"]  # a note, not a warning to fix
    img = Image.open(out).convert("RGB")
    assert min(img.getpixel((20, 300))) > 245  # white where it was transparent (a JPEG)
    # an RGBA file with no transparent pixel has nothing flattened: nothing said
    opaque = save(photo().convert("RGBA"), tmp_path / "opaque.png")
    result, _ = run_image(cli, tmp_path, opaque)
    assert result.code == 0 and "transparent" not in result.err, result.err
    assert json.loads(result.out)["captioned"][0]["info"] == []


def test_localize_run_says_a_transparent_image_was_flattened_naming_it(
    setup, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """Trial s31's 11_transparent: `localize image` said the cut-out was flattened onto white,
    `localize run` did it in silence; the item's finding now says it, naming the image,
    in the words `localize image` uses (a note: nothing to fix)."""
    run, _ = setup
    cutout = Image.new("RGBA", (600, 600), (0, 0, 0, 0))
    ImageDraw.Draw(cutout).ellipse((150, 150, 450, 550), fill=(40, 90, 200, 255))
    save(cutout, tmp_path / "cutout.png")
    (tmp_path / "l.csv").write_text(
        "product_id,title,caption,images\np1,{},包邮,a.jpg;cutout.png\n".format(
            "保温杯大容量不锈钢" * 3
        ),
        encoding="utf-8",
    )
    assert run("listings", "import", str(tmp_path / "l.csv"), "--shop", "acme-my").code == 0
    assert run("run", "--shop", "acme-my").code == 0
    said = "it has transparent parts: they are flattened onto white"
    for item in json.loads(run("review", "list", "--json").out):
        shown = json.loads(run("review", "show", str(item["id"]), "--json").out)
        found = [f for f in shown["findings"] if said in f["message"]]
        assert [(f["code"], f["severity"], f["image"]) for f in found] == [
            ("image_info", "info", 1)
        ], shown["findings"]
        assert found[0]["message"].startswith("image 2: ")
        assert f"info: image_info: image 2: {said}" in run("review", "show", str(item["id"])).out
    # drawn again (a new caption), it is said once, not twice
    first = json.loads(run("review", "list", "--json").out)[0]["id"]
    edited = run("review", "approve", str(first), "--reviewer", "r", "--set", "caption=Baru")
    assert edited.code == 0, edited.err
    shown = json.loads(run("review", "show", str(first), "--json").out)
    assert [f["code"] for f in shown["findings"]].count("image_info") == 1, shown["findings"]


def test_animated_images_give_their_first_frame_with_a_warning(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    frames = [photo(seed=s).convert("P") for s in (0, 80, 160)]
    src = tmp_path / "anim.gif"
    frames[0].save(src, save_all=True, append_images=frames[1:], duration=100)
    result, out = run_image(cli, tmp_path, src)
    assert result.code == 0 and "animated (3 frames): the first frame is used" in result.err


def test_exif_orientation_is_applied(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    img = photo((800, 500))
    exif = img.getexif()
    exif[0x0112] = 6  # rotate 90° clockwise when shown
    src = save(img, tmp_path / "rotated.jpg", exif=exif)
    _, out = converted(cli, tmp_path, src)
    assert out.size == (600, 800)  # 500x800 once turned, padded into the 3:4 range


def test_large_inputs_are_scaled_down_and_stay_under_5_mb(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = save(photo((5000, 3000)), tmp_path / "big.png")
    doc, out = converted(cli, tmp_path, src)
    assert out.size == (4000, 3000) and doc["bytes"] <= 5 * 1024 * 1024  # padded to 4:3


def test_a_caption_no_font_can_draw_is_refused_before_any_work(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = save(photo(), tmp_path / "p.jpg")
    result, out = run_image(cli, tmp_path, src, caption="ส่งฟรี 🎉", lang="th")
    assert result.code == 2
    assert "'🎉' (U+1F389)" in result.err and not out.exists()


THAI_CAPTION = "ส่งฟรีทั่วไทย ของแท้ 100% รับประกันคุณภาพ สินค้าพร้อมส่งจากกรุงเทพ ลดราคาพิเศษวันนี้เท่านั้น"


def test_a_caption_in_another_script_is_said_to_be_in_it_not_listed(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # s32 (defect 10): a Vietnamese shop's caption in Thai failed with 'the caption has
    # characters Noto Sans cannot draw:' and Unicode names cut at "(463 characters)"
    src = save(photo(), tmp_path / "p.jpg")
    result, out = run_image(cli, tmp_path, src, caption=THAI_CAPTION, lang="vi")
    assert result.code == 2 and not out.exists()
    [said] = [line for line in result.err.splitlines() if "Thai" in line]
    assert "the caption is written in Thai" in said and said.endswith("give it in Vietnamese")
    assert "THAI CHARACTER" not in said and "characters)" not in said, said
    assert len(said) < 200, said
    # a word of another script in a caption of its own is named, a few at most
    with pytest.raises(FontError) as one_word:
        validate_caption("ส่งฟรีทั่วไทย 正品", "thai", "Thai")
    assert "'正' (U+6B63)" in one_word.value.message and "written in" not in one_word.value.message
    with pytest.raises(FontError) as many:
        validate_caption("ส่งฟรี " + "".join(chr(0x4E00 + n) for n in range(40)), "thai", "Thai")
    assert "written in Chinese" in many.value.message, many.value.message
    assert len(many.value.message) < 200, many.value.message


def test_a_batch_goes_on_past_bad_files_and_exits_1(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    good = [save(photo(seed=s), tmp_path / f"p{s}.jpg") for s in range(3)]
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"nope")
    out = tmp_path / "out"
    result = cli(
        "localize",
        "image",
        str(good[0]),
        str(bad),
        str(good[1]),
        str(good[2]),
        "-o",
        str(out),
        "--to",
        "en",
        "--caption",
        "Free shipping",
        "--jobs",
        "2",
    )
    assert result.code == 1
    assert sorted(p.name for p in out.iterdir()) == ["p0.jpg", "p1.jpg", "p2.jpg"]
    assert "3 captioned, 1 failed, 0 truncated" in result.err


@pytest.mark.parametrize("sku", ["../../etc/passwd", "/abs/path", "..", "a/b\\c", "名字 1"])
def test_names_from_skus_cannot_leave_the_folder(tmp_path: Path, sku: str) -> None:
    from localize.image.outputs import safe_name

    name = safe_name(sku, ".jpg")
    assert "/" not in name and "\\" not in name and not name.startswith(".")
    assert (tmp_path / name).resolve().parent == tmp_path.resolve()


def test_top_position_and_one_line(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = save(photo(), tmp_path / "p.jpg")
    out = tmp_path / "o.png"
    result = cli(
        "localize",
        "image",
        str(src),
        "-o",
        str(out),
        "--to",
        "en",
        "--caption",
        "Free shipping on every order today",
        "--position",
        "top",
        "--max-lines",
        "1",
        "--json",
    )
    doc = json.loads(result.out)["captioned"][0]
    assert len(doc["lines"]) == 1
    changed = ImageChops.difference(
        Image.open(out).convert("RGB"), Image.open(src).convert("RGB")
    ).getbbox()
    assert changed[1] >= 22 and changed[3] < 300  # in the top part, below the margin
