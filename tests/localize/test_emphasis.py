"""A title in two colours keeps its second colour: the characters drawn in red in a black
line (a trial's f06: 补水保湿 black, 一整天 red, redrawn all black) are found on the
original's ink, translated on their own, and their translation drawn red where it occurs
in the line's; where it does not, the line is drawn in one colour and a reviewer is told."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from localize.image.emphasis import colour_runs, find, line_spans
from localize.image.ocr import Region
from localize.image.regions import colours_of, plan_text
from localize.image.replace import ReplaceText
from tests.imagesynth import CLASSES, TWO_COLOUR_INK, TWO_COLOURS, make

SCRIPTS = {"en": "latin", "th": "thai", "vi": "latin"}
# each synth line's translation and its red run's, per language: the run at the line's
# start, middle and end in the Chinese (not always where it falls in the translation)
LINES = {
    "en": {
        "爆款保温杯": "Bestseller vacuum flask",
        "爆款": "bestseller",  # (a lower-case answer: found whatever the case)
        "全天保湿补水": "All-day moisturizing hydration",
        "保湿": "Moisturizing",
        "补水保湿一整天": "Hydrated all day long",
        "一整天": "all day long.",  # (an engine's full stop: not a word of it)
    },
    "th": {
        "爆款保温杯": "กระติกน้ำร้อนขายดี",
        "爆款": "ขายดี",
        "全天保湿补水": "ให้ความชุ่มชื้นตลอดวัน",
        "保湿": "ความชุ่มชื้น",
        "补水保湿一整天": "ชุ่มชื้นตลอดทั้งวัน",
        "一整天": "ตลอดทั้งวัน",
    },
    "vi": {
        "爆款保温杯": "Bình giữ nhiệt bán chạy",
        "爆款": "Bán chạy",
        "全天保湿补水": "Dưỡng ẩm cấp nước cả ngày",
        "保湿": "dưỡng ẩm",
        "补水保湿一整天": "Cấp ẩm suốt cả ngày",
        "一整天": "suốt cả ngày",
    },
}
# the run's translation nowhere in the line's as whole words: one colour, said
ELSEWHERE = {
    "en": {"爆款": "Hot", "保湿": "moist", "一整天": "the whole day"},  # "moist" is no word
    "th": {"爆款": "ฮิต", "保湿": "ชุ่ม", "一整天": "สามวัน"},  # ชุ่ม: inside ความชุ่มชื้น
    "vi": {"爆款": "Hot", "保湿": "giữ ẩm", "一整天": "ngày"},  # "ngày" is: see below
}


def dictionary(table: dict[str, str]):  # type: ignore[no-untyped-def]
    """A Translate answering from `table`, counting what it was asked."""
    asked: list[str] = []

    def translate(text: str) -> tuple[str | None, list[str]]:
        asked.append(text)
        return table.get(text), [] if text in table else ["no translation"]

    translate.asked = asked  # type: ignore[attr-defined]
    return translate


def regions_of(name: str, seed: int = 0) -> tuple[Image.Image, list[Region]]:
    s = make(name, seed)
    return s.image, [Region(t.polygon, t.text, 0.99) for t in s.texts]


def near(img: Image.Image, colour: tuple[int, int, int], within: int = 90) -> np.ndarray:
    a = np.asarray(img).astype(np.int16)
    return np.abs(a - np.asarray(colour, np.int16)).sum(axis=2) <= within


@pytest.mark.parametrize("name", ["two-colour", "two-colour-jpeg"])
@pytest.mark.parametrize("seed", [0, 1])
def test_the_characters_in_the_second_colour_are_found_at_start_middle_and_end(
    name: str, seed: int
) -> None:
    s = make(name, seed)
    rgb = np.asarray(s.image)
    for t in s.texts:
        runs = colour_runs(rgb, t.polygon, t.text)
        ((start, end, colour),) = t.runs
        assert [(r.start, r.end) for r in runs] == [(start, end)], t.text
        assert sum(abs(a - b) for a, b in zip(runs[0].colour, colour, strict=True)) < 45
        assert sum(abs(a - b) for a, b in zip(runs[0].main, t.fill, strict=True)) < 45


def test_no_line_of_one_colour_is_read_as_two() -> None:
    # outlines, shadows, glows, gradients, photos and JPEG put a second colour in every
    # character, or none: each class's lines stay one colour (and are drawn as before)
    for name in CLASSES:
        if name.startswith("two-colour"):
            continue
        s = make(name, 0)
        rgb = np.asarray(s.image)
        for t in s.texts:
            assert colour_runs(rgb, t.polygon, t.text) == (), (name, t.text)


@pytest.mark.parametrize("language", ["en", "th", "vi"])
def test_the_run_is_translated_on_its_own_and_placed_in_the_lines_translation(
    language: str,
) -> None:
    img, regions = regions_of("two-colour")
    translate = dictionary(LINES[language])
    text = plan_text(regions, translate, colours=colours_of(img, regions))
    assert not text.notes, text.notes
    for (line, start, end), plan, record in zip(TWO_COLOURS, text.plans, text.records, strict=True):
        (run,) = plan.runs
        words = LINES[language][line[start:end]].rstrip(".")
        assert plan.translation[run.start : run.end].lower() == words.lower()
        assert record["runs"] == [
            {
                "text": line[start:end],
                "colour": record["runs"][0]["colour"],
                "main": record["runs"][0]["main"],
                "translation": LINES[language][line[start:end]],
                "at": [run.start, run.end],
            }
        ]
        assert record["runs"][0]["colour"].startswith("#d")  # red: #dc1e2d
    # one more ask per emphasised run, through the same translator as the lines
    asked = translate.asked  # type: ignore[attr-defined]
    lines = [line for line, _, _ in TWO_COLOURS]
    assert sorted(asked) == sorted(lines + [line[s:e] for line, s, e in TWO_COLOURS])


@pytest.mark.parametrize("language", ["en", "th", "vi"])
def test_a_run_whose_translation_is_not_in_the_lines_is_drawn_in_one_colour_and_said(
    language: str,
) -> None:
    img, regions = regions_of("two-colour")
    table = {**LINES[language], **ELSEWHERE[language]}
    if language == "vi":  # "ngày" is a whole word of "Cấp ẩm suốt cả ngày": placed
        table["一整天"] = "Hot"
    text = plan_text(regions, dictionary(table), colours=colours_of(img, regions))
    assert all(plan.runs == () for plan in text.plans)
    assert len(text.notes) == 3
    for (line, start, end), note, record in zip(TWO_COLOURS, text.notes, text.records, strict=True):
        said = str(note)
        assert line[start:end] in said and "in red (#dc1e2d)" in said, said
        assert "drawn all in black: colour it by hand" in said
        assert record["status"] == "replaced" and record["runs"][0]["at"] is None


def test_a_run_the_engine_cannot_translate_leaves_the_line_replaced_in_one_colour() -> None:
    img, regions = regions_of("two-colour")
    lines_only = {line: LINES["en"][line] for line, _, _ in TWO_COLOURS}
    text = plan_text(regions, dictionary(lines_only), colours=colours_of(img, regions))
    assert [r["status"] for r in text.records] == ["replaced"] * 3
    assert not any(r.get("engine_failed") for r in text.records)
    assert all(plan.runs == () for plan in text.plans) and len(text.notes) == 3


def red_and_black(img: Image.Image, box: tuple[int, int, int, int]) -> tuple[np.ndarray, ...]:
    """The columns (in the image) of the red and the black ink inside `box`."""
    left, top, right, bottom = box
    black, red = TWO_COLOUR_INK
    area = (slice(top, bottom), slice(left, right))
    reds = np.nonzero(near(img, red, 60)[area].any(axis=0))[0] + left
    blacks = np.nonzero(near(img, black, 60)[area].any(axis=0))[0] + left
    return reds, blacks


@pytest.mark.parametrize("language", ["en", "th", "vi"])
def test_the_translated_run_is_drawn_in_the_second_colour(language: str) -> None:
    img, regions = regions_of("two-colour")
    text = plan_text(regions, dictionary(LINES[language]), colours=colours_of(img, regions))
    out = img.copy()
    drawn = ReplaceText(text.plans, language, SCRIPTS[language], text.notes).draw(out)
    assert not drawn.warnings, drawn.warnings
    for n, plan in enumerate(text.plans):
        # the line's own band of the page: halfway to the next line and the one before
        top = 0 if n == 0 else (regions[n - 1].box[3] + regions[n].box[1]) // 2
        bottom = 1000 if n == 2 else (regions[n].box[3] + regions[n + 1].box[1]) // 2
        reds, blacks = red_and_black(out, (0, top, 1000, bottom))
        assert len(reds) > 20 and len(blacks) > 20, (n, drawn.lines)
        (run,) = plan.runs
        # red only where the run's words are: before, after or between the black words
        # as they are in the translation (on one line, or its own line when wrapped)
        words = plan.translation
        if run.start == 0:
            assert reds.max() < blacks.max(), (n, words)
        if run.end == len(words):
            assert reds.min() > blacks.min(), (n, words)
    # and nowhere the supplier's red was not asked for: the black words stay black
    assert near(out, TWO_COLOUR_INK[0], 60).sum() > 0.5 * near(img, TWO_COLOUR_INK[0], 60).sum()


def test_without_runs_a_two_colour_line_is_drawn_in_one_colour_and_said() -> None:
    img, regions = regions_of("two-colour")
    table = {**LINES["en"], **ELSEWHERE["en"]}
    text = plan_text(regions, dictionary(table), colours=colours_of(img, regions))
    out = img.copy()
    drawn = ReplaceText(text.plans, "en", "latin", text.notes).draw(out)
    assert len([w for w in drawn.warnings if "colour it by hand" in str(w)]) == 3
    # nothing drawn in the second colour: where the original's red was, now cream or black
    assert near(out, TWO_COLOUR_INK[1], 60).sum() < 20


def test_one_colour_lines_draw_exactly_as_before() -> None:
    # no runs read: the plans, and so the pixels drawn, are those of a plan without colours
    img, regions = regions_of("flat")
    translate = dictionary({r.text: "Limited offer" for r in regions})
    with_colours = plan_text(regions, translate, colours=colours_of(img, regions))
    without = plan_text(regions, translate)
    assert with_colours.plans == without.plans and with_colours.records == without.records
    a, b = img.copy(), img.copy()
    ReplaceText(with_colours.plans, "en", "latin").draw(a)
    ReplaceText(without.plans, "en", "latin").draw(b)
    assert np.array_equal(np.asarray(a), np.asarray(b))


WORDS = st.lists(st.text(alphabet="abcdeàếğxyzABC", min_size=1, max_size=6), min_size=1, max_size=6)


@given(WORDS, st.data())
def test_a_run_is_found_as_whole_words_whatever_its_case(words: list[str], data) -> None:  # type: ignore[no-untyped-def]
    line = " ".join(words)
    i = data.draw(st.integers(0, len(words) - 1))
    j = data.draw(st.integers(i + 1, len(words)))
    run = " ".join(words[i:j])
    asked = data.draw(st.sampled_from([run, run.upper(), run.lower(), run + "."]))
    at = find(line, asked)
    assert at is not None
    start, end = at
    assert line[start:end].lower() == run.lower()
    assert start == 0 or line[start - 1] == " "
    assert end == len(line) or line[end] == " "


@given(st.text(alphabet="abcxyz", min_size=2, max_size=8), st.data())
def test_part_of_a_word_is_never_a_run(word: str, data) -> None:  # type: ignore[no-untyped-def]
    i = data.draw(st.integers(0, len(word) - 1))
    j = data.draw(st.integers(i + 1, len(word)))
    if (i, j) == (0, len(word)):
        return
    line = f"{word} {word}"
    part = word[i:j]
    found = find(line, part)
    assert found is None or line[found[0] : found[1]] == part and part == word


def test_lines_are_found_in_their_text_across_breaks_and_hyphens() -> None:
    text = "Hydrated all day long"
    assert line_spans(text, ["Hydrated", "all day long"]) == [(0, 8), (9, 21)]
    assert line_spans("Breathable cotton", ["Breath-", "able cotton"]) == [(0, 6), (6, 17)]


def test_the_review_queue_shows_each_regions_colours() -> None:
    from config.i18n import catalog
    from localize.image.regions import finding
    from localize.review import describe_region, image_regions

    img, regions = regions_of("two-colour")
    table = {**LINES["en"], "一整天": "the whole day"}  # the third run not in its line
    text = plan_text(regions, dictionary(table), colours=colours_of(img, regions))
    shown = [describe_region(r) for r in image_regions([finding(0, "a.jpg", text)])]
    assert "'爆款' was red (#dc1e2d): 'bestseller' drawn red too" in shown[0], shown[0]
    assert "'一整天' was red (#dc1e2d): the translation drawn in one colour" in shown[2]
    assert "红色" in catalog("zh").render(shown[0])
    plain = plan_text(regions, dictionary(table))  # no colours read: the line as before
    (before,) = [describe_region(r) for r in image_regions([finding(0, "a.jpg", plain)])][:1]
    assert str(shown[0]).startswith(str(before) + "; ")


def test_localize_images_replacement_reads_the_colours_and_its_records_carry_the_runs(
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    from localize.image.ocr import OcrCache
    from localize.image.pipeline import replace_text_images

    src, out = tmp_path / "in.png", tmp_path / "out.png"
    make("two-colour").image.save(src)
    table = {**LINES["vi"], "爆款": "Hot"}  # the first run not in its line: said
    made = replace_text_images(
        [src], out, language="vi", translate=dictionary(table), cache=OcrCache(tmp_path / "ocr")
    )
    records = made.regions[str(src)]
    assert [r["text"] for r in records] == [line for line, _, _ in TWO_COLOURS]
    assert [r["runs"][0]["at"] is not None for r in records] == [False, True, True]
    (done,) = made.result.done
    assert [w for w in done.warnings if "colour it by hand" in w] == [
        "text '爆款保温杯': the original shows '爆款' in red (#dc1e2d), the rest in black; "
        "the translation is drawn all in black: colour it by hand"
    ]
    drawn = Image.open(out).convert("RGB")
    assert near(drawn, TWO_COLOUR_INK[1], 60).sum() > 500  # 'Dưỡng ẩm', 'suốt cả ngày'


PALETTE = {  # colours a supplier sets a title in, each its own way from a light page
    "black": (25, 25, 30),
    "red": (220, 30, 45),
    "blue": (30, 70, 200),
    "green": (20, 140, 60),
    "orange": (245, 120, 10),
    "purple": (130, 40, 160),
}


@settings(max_examples=30, deadline=None)
@given(
    st.sampled_from(["爆款保温杯", "全天保湿补水", "补水保湿一整天", "限时特价包邮"]),
    st.data(),
    st.sampled_from(sorted(PALETTE)),
    st.sampled_from(sorted(PALETTE)),
    st.sampled_from([(250, 250, 250), (245, 240, 230), (235, 238, 242)]),
    st.integers(48, 110),
)
def test_any_run_in_any_two_colours_is_found_where_it_is(  # type: ignore[no-untyped-def]
    line, data, main, second, page, size
) -> None:
    from tests.imagesynth import font

    if main == second:
        return
    start = data.draw(st.integers(0, len(line) - 1))
    end = data.draw(st.integers(start + 1, len(line)))
    if (start, end) == (0, len(line)):
        return  # all one colour: no run
    f = font(size)
    img = Image.new("RGB", (round(f.getlength(line)) + 80, size * 2), page)
    from PIL import ImageDraw

    pen = ImageDraw.Draw(img)
    for n, ch in enumerate(line):
        colour = PALETTE[second] if start <= n < end else PALETTE[main]
        pen.text((40 + f.getlength(line[:n]), size // 3), ch, font=f, fill=colour)
    left, top, right, bottom = pen.textbbox((40, size // 3), line, font=f)
    m = max(3, size // 10)
    polygon = (
        (left - m, top - m),
        (right + m, top - m),
        (right + m, bottom + m),
        (left - m, bottom + m),
    )
    spans = [(r.start, r.end) for r in colour_runs(np.asarray(img), polygon, line)]
    # the fewer characters are the run, the others the line's main colour (a tie: either)
    run = [(start, end)]
    rest = [(a, b) for a, b in ((0, start), (end, len(line))) if b > a]
    inside, outside = end - start, len(line) - (end - start)
    wanted = [run] if inside < outside else [rest] if inside > outside else [run, rest]
    assert spans in wanted, (line, start, end, main, second, size)
