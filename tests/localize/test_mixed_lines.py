"""A line that carries Chinese and its own translation in Latin letters ("颜色以实物为准
Color may vary", trial 31 D6): in English the Latin part alone, for another buyer the
Chinese part's translation beside it, exactly as written; a brand or a model in Latin letters
is never dropped; and a doubled phrase, on an image too, is said."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from tests.httpserver import Reply, serve
from tests.localize.images import with_chinese
from tests.localize.libre import params

# What the engine knows; like a real engine it leaves Latin words where they are (here in
# lower case: an engine that changes case, as tests/localize/libre.py's does).
WORDS = {
    "颜色以实物为准": {"en": "Actual color may vary", "th": "สีอาจแตกต่างกัน"},
    "纯棉T恤": {"en": "Pure cotton T-shirt", "th": "เสื้อยืดผ้าฝ้าย"},
    "尺码": {"en": "Size", "th": "ขนาด"},
    "保护套": {"en": "Protective case", "th": "เคสป้องกัน"},
    "充电宝": {"en": "Power bank", "th": "พาวเวอร์แบงค์"},
    "小米": {"en": "Xiaomi", "th": "เสี่ยวหมี่"},
    "表带": {"en": "Watch strap", "th": "สายนาฬิกา"},
    "充电器": {"en": "Charger", "th": "ที่ชาร์จ"},
    "包邮": {"en": "Free shipping Free shipping", "th": "ส่งฟรี"},  # an engine's slip
    "以实物为准": {"en": "Subject to the actual product", "th": "ตามสินค้าจริง"},
}


def answer(text: str, target: str) -> str:
    out = re.sub(r"[A-Za-z]+", lambda m: m.group(0).lower(), text)
    for zh in sorted(WORDS, key=len, reverse=True):
        out = out.replace(zh.lower(), WORDS[zh][target])
    return out


@pytest.fixture
def engine():  # type: ignore[no-untyped-def]
    with serve({"/translate": lambda req: Reply(200, {"translatedText": _answered(req)})}) as srv:
        yield srv


def _answered(req) -> str:  # type: ignore[no-untyped-def]
    p = params(req)
    return answer(p["q"], p["target"])


def asked(engine) -> list[str]:  # type: ignore[no-untyped-def]
    return [params(r)["q"] for r in engine.requests]


@pytest.fixture
def localize(cli, tmp_path: Path, engine):  # type: ignore[no-untyped-def]
    config = tmp_path / "shops.toml"
    shops = [("s-uk", "UK"), ("s-th", "TH")]
    config.write_text(
        "".join(
            f'[[shops]]\nid = "{shop}"\nmarket = "{market}"\n[shops.translation]\n'
            f'engine = "libre"\nurl = "{engine.url}"\nretries = 0\ntimeout = 5\n'
            for shop, market in shops
        ),
        encoding="utf-8",
    )
    db = f"sqlite:///{tmp_path / 'store.db'}"

    def run(*args: str):  # type: ignore[no-untyped-def]
        return cli("localize", *args, "--config", str(config), "--db", db)

    return run


SHOP = {"en": "s-uk", "th": "s-th"}


def title(localize, text: str, to: str) -> str:  # type: ignore[no-untyped-def]
    done = localize("text", text, "--to", to, "--shop", SHOP[to], "--field", "title", "--json")
    assert done.code in (0, 1), done.err  # (1: a short title is too short for the market)
    return json.loads(done.out)["translation"]


@pytest.mark.parametrize(
    ("text", "to", "expected", "sent"),
    [
        # English: the seller's own English alone, the Chinese asked to tell that it is one
        ("颜色以实物为准 Color may vary", "en", "Color may vary", "颜色以实物为准"),
        ("纯棉T恤 Cotton T-shirt", "en", "Cotton T-shirt", "纯棉T恤"),
        ("尺码 Size: M", "en", "Size: M", "尺码"),
        ("Color may vary / 颜色以实物为准", "en", "Color may vary", "颜色以实物为准"),
        # another buyer: bilingual stays bilingual, the English exactly as written
        ("颜色以实物为准 Color may vary", "th", "สีอาจแตกต่างกัน Color may vary", "颜色以实物为准"),
    ],
)
def test_a_line_and_its_own_translation_is_the_latin_part_or_both(  # type: ignore[no-untyped-def]
    localize, engine, text: str, to: str, expected: str, sent: str
) -> None:
    assert title(localize, text, to) == expected
    assert asked(engine) == [sent]


@pytest.mark.parametrize(
    ("text", "to", "kept"),
    [
        ("AirPods Pro 保护套", "en", "airpods pro"),  # a name: not split, sent whole
        ("小米 Xiaomi 充电宝", "en", "xiaomi power bank"),  # Latin inside the Chinese
        ("X-200 充电器", "en", "x-200 charger"),  # a model number
        ("AirPods Pro 保护套", "th", "airpods pro"),
        ("Apple Watch 表带", "th", "apple watch"),  # two capitalised words: maybe a name
        # 表带 is "Watch strap": one word of the name, not what it says (the part asked to
        # tell, then the line whole, as before)
        ("Apple Watch 表带", "en", "apple watch watch strap"),
    ],
)
def test_a_brand_or_model_among_chinese_is_sent_whole_and_kept(  # type: ignore[no-untyped-def]
    localize, engine, text: str, to: str, kept: str
) -> None:
    assert kept in title(localize, text, to).lower()
    sent = asked(engine)[-1]  # the line whole (X-200 as a protected term's placeholder)
    assert len(sent.split()) == len(text.split()) and sent.split()[-1] == text.split()[-1]


def test_the_glossary_still_writes_the_latin_part_and_keeps_its_terms(localize, engine) -> None:  # type: ignore[no-untyped-def]
    """Kept beside the translation, the English still takes the shop's glossary (as the line
    sent whole would, through its placeholders); a never-translated brand stays."""
    for term, more in (("Color", ("--to", "th", "--as", "Colour")), ("Xiaomi", ())):
        shop = "s-th" if more else "s-uk"
        assert localize("glossary", "add", term, *more, "--shop", shop).code == 0
    assert title(localize, "颜色以实物为准 Color may vary", "th") == "สีอาจแตกต่างกัน Colour may vary"
    assert title(localize, "小米 Xiaomi", "en") == "Xiaomi"


def test_a_line_whose_english_the_engine_words_otherwise_goes_whole_and_is_warned(  # type: ignore[no-untyped-def]
    localize, engine
) -> None:
    """The engine's "Subject to the actual product" shares one word with the seller's
    "Please check the actual item": unsure, so the line goes whole, as before, and the
    English said twice is a warning, not silent."""
    line = "以实物为准 Please check the actual item"
    done = localize("text", line, "--to", "en", "--shop", "s-uk", "--field", "caption", "--json")
    assert done.code == 0, done.err
    doc = json.loads(done.out)
    assert doc["translation"] == "Subject to the actual product please check the actual item"
    assert asked(engine) == ["以实物为准", line]
    [said] = [f["message"] for f in doc["findings"] if f["code"] == "duplicated_word"]
    assert "'Please check the actual item' is said twice" in said, said


def test_a_mixed_image_line_is_drawn_once_in_english_and_bilingual_in_thai(  # type: ignore[no-untyped-def]
    localize, engine, tmp_path: Path
) -> None:
    """Trial 31's 08: the line read "Actual color may vary Color may vary" in English."""
    src = tmp_path / "mixed.png"
    lines = [("颜色以实物为准 Color may vary", (60, 140), 30)]
    with_chinese(Image.new("RGB", (640, 320), (248, 248, 248)), lines, fill=(80, 80, 80)).save(src)
    drawn = {}
    for to in ("en", "th"):
        out = tmp_path / f"{to}.png"
        done = localize(
            "image", str(src), "-o", str(out), "--to", to, "--replace-text",
            "--shop", SHOP[to], "--json",
        )  # fmt: skip
        assert done.code == 0, done.err
        [region] = json.loads(done.out)["regions"][str(src)]
        drawn[to] = region["translation"]
        assert region["status"] == "replaced" and out.exists()
    assert drawn == {"en": "Color may vary", "th": "สีอาจแตกต่างกัน Color may vary"}
    assert asked(engine) == ["颜色以实物为准"] * 2  # the Latin part never sent: as written


def test_a_line_over_its_english_is_erased_and_the_english_alone_read_back(  # type: ignore[no-untyped-def]
    localize, tmp_path: Path
) -> None:
    """The English on the line below: two regions. In English the Chinese line is erased and
    nothing drawn there; the picture reads the supplier's "Color may vary" once."""
    from localize.image.ocr import RapidOcrDetector, has_chinese

    src = tmp_path / "stacked.png"
    lines = [("颜色以实物为准", (200, 140), 30), ("Color may vary", (210, 190), 26)]
    with_chinese(Image.new("RGB", (640, 360), (248, 248, 248)), lines, fill=(80, 80, 80)).save(src)
    out = tmp_path / "en.png"
    done = localize(
        "image", str(src), "-o", str(out), "--to", "en", "--replace-text", "--shop", "s-uk",
        "--json",
    )  # fmt: skip
    assert done.code == 0, done.err
    chinese = [r for r in json.loads(done.out)["regions"][str(src)] if has_chinese(r["text"])]
    assert [r.get("beside") for r in chinese] == ["Color may vary"]
    read = [r.text for r in RapidOcrDetector().detect(Image.open(out).convert("RGB"))]
    assert read == ["Color may vary"], read
    assert "erased and not drawn again" in done.err


def test_a_doubled_phrase_on_an_image_is_a_warning_not_silent(  # type: ignore[no-untyped-def]
    localize, tmp_path: Path
) -> None:
    src = tmp_path / "ship.png"
    with_chinese(Image.new("RGB", (420, 320), (248, 248, 248)), [("包邮", (60, 140), 40)]).save(src)
    done = localize(
        "image", str(src), "-o", str(tmp_path / "en.png"), "--to", "en", "--replace-text",
        "--shop", "s-uk", "--json",
    )  # fmt: skip
    assert done.code == 0, done.err
    [result] = json.loads(done.out)["captioned"]
    said = [w for w in result["warnings"] if "says the same words twice" in w]
    assert said and "'包邮'" in said[0] and "Free shipping Free shipping" in said[0], result


def quad(left: int, top: int, right: int, bottom: int) -> tuple[tuple[int, int], ...]:
    return ((left, top), (right, top), (right, bottom), (left, bottom))


@pytest.mark.parametrize(
    "english_at",
    [quad(40, 146, 208, 178), quad(300, 108, 470, 137)],  # the line below; on its line
    ids=["below", "beside"],
)
def test_a_line_and_its_english_read_as_two_regions_is_erased_not_said_twice_in_english(
    english_at: tuple[tuple[int, int], ...],
) -> None:
    """A wider gap, or the English on the next line, and OCR reads two regions: in English
    the Chinese one is erased and not drawn again (said), the supplier's English left; in
    Thai it is translated; a reviewer's translation is drawn; a brand beside its Chinese is
    not taken for a translation."""
    from localize.image.ocr import Region
    from localize.image.regions import plan_text

    def regions(english: str) -> list[Region]:
        return [
            Region(quad(41, 108, 236, 137), "颜色以实物为准", 0.99),
            Region(english_at, english, 0.99),
        ]

    def to(language: str):  # type: ignore[no-untyped-def]
        return lambda text: (WORDS[text][language], [])

    english = plan_text(regions("Color may vary"), to("en"))
    [said] = english.notes
    assert "'颜色以实物为准' erased and not drawn again: 'Color may vary' beside it" in said
    assert [p.erase_only for p in english.plans] == [True]
    assert english.records[0]["beside"] == "Color may vary"
    thai = plan_text(regions("Color may vary"), to("th"))
    assert thai.notes == () and [p.erase_only for p in thai.plans] == [False]
    edits = [{"text": "颜色以实物为准", "box": [41, 108, 236, 137], "translation": "Colour"}]
    mine = plan_text(regions("Color may vary"), to("en"), edits)  # a reviewer's: drawn
    assert mine.notes == () and [(p.translation, p.erase_only) for p in mine.plans] == [
        ("Colour", False)
    ]
    assert plan_text(regions("AirPods Pro"), to("en")).notes == ()
    far = [regions("Color may vary")[0], Region(quad(40, 400, 208, 432), "Color may vary", 0.99)]
    assert plan_text(far, to("en")).notes == ()  # far below: another thing


def test_a_phrase_said_twice_in_a_row_is_found_and_a_writers_repeat_is_not() -> None:
    from localize.text.checks import repeated

    assert repeated("Actual color may vary Color may vary") == "color may vary Color may vary"
    assert repeated("Actual color may vary. Color may vary.") == "color may vary. Color may vary."
    assert repeated("a good good cup") == "good good"
    for fine in ("very, very soft", "Mua 1 tặng 1", "ซื้อ 1 แถม 1", "bye-bye", "Color may vary"):
        assert repeated(fine) is None, fine


def test_words_the_same_tell_a_translation_from_a_name() -> None:
    from localize.text.mixed import says_the_same

    assert says_the_same("Actual colour may vary", "Color may vary")
    assert says_the_same("Pure cotton T-shirts", "Cotton T-shirt")
    assert not says_the_same("Watch strap", "Apple Watch")
    assert not says_the_same("สีอาจแตกต่างกัน", "Color may vary")
    assert not says_the_same("", "Color may vary")


HAN = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=8)
WORD = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz"), min_size=2, max_size=9)


@given(
    HAN, st.lists(WORD, min_size=2, max_size=5), st.sampled_from([" ", " / ", "  "]), st.booleans()
)
def test_chinese_beside_an_english_phrase_splits_into_its_two_parts(
    chinese: str, words: list[str], joint: str, latin_first: bool
) -> None:
    latin = " ".join([words[0].capitalize(), *words[1:]])
    line = f"{latin}{joint}{chinese}" if latin_first else f"{chinese}{joint}{latin}"
    from localize.text.mixed import split

    found = split(line)
    assert found is not None and found.phrase
    assert (found.chinese, found.latin, found.joint, found.latin_first) == (
        chinese, latin, joint, latin_first,
    )  # fmt: skip
    assert found.beside("X") == (f"{latin}{joint}X" if latin_first else f"X{joint}{latin}")


NAME = st.sampled_from(["AirPods Pro", "iPhone", "X-200", "USB", "Galaxy S24", "Mate60", "LED"])


@given(HAN, HAN, NAME, WORD)
def test_a_name_or_code_or_latin_on_both_sides_is_never_split(
    chinese: str, more: str, name: str, word: str
) -> None:
    from localize.text.mixed import split

    assert split(f"{name} {chinese}") is None and split(f"{chinese} {name}") is None
    assert split(f"{chinese} {word} {more}") is None  # 小米 Xiaomi 充电宝
    assert split(f"{word} {chinese} {word}") is None
