"""The bundled market facts."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from config.engines import ENGINES
from config.errors import ConfigError, UnknownLanguage
from config.markets import load_markets


def test_every_required_market_is_there_with_usable_facts() -> None:
    catalog = load_markets()
    for code in ("ID", "TH", "VN", "MY", "PH", "SG", "UK", "US", "DE", "FR"):
        market = catalog.market(code)
        ZoneInfo(market.timezone)
        assert market.languages, code
        assert 1 <= market.title_min < market.title_max <= 255
        assert market.description_max == 10000
        assert market.images.min_px == 300 and market.images.max_px == 4000
        for lang in market.allowed_languages:
            assert catalog.languages[lang].engine_code("google"), (code, lang)


def test_title_minimums_follow_the_partner_api() -> None:
    catalog = load_markets()
    assert catalog.market("US").title_min == 1 and catalog.market("UK").title_min == 1
    assert catalog.market("TH").title_min == 25
    assert catalog.market("MY").languages == ("ms",)
    assert catalog.market("DE").epr_required and not catalog.market("TH").epr_required


def test_engine_codes_use_each_engines_own_spelling() -> None:
    catalog = load_markets()
    assert catalog.languages["vi"].engine_code("baidu") == "vie"
    assert catalog.languages["zh-CN"].engine_code("libre") == "zh"
    assert catalog.languages["th"].engine_code("deepl") is None
    for language in catalog.languages.values():
        assert set(language.engines) <= set(ENGINES)


IMAGES = (
    "images = { min_count = 1, max_count = 9, min_px = 300, max_px = 4000, "
    'max_bytes = 5242880, formats = ["JPEG"], min_aspect = 0.75, max_aspect = 1.33 }\n'
)
CUSTOM = (
    '[languages.en]\nname = "English"\nengines = { google = "en" }\n'  # lines 1-3
    f"[defaults]\n{IMAGES}"  # 4-5
    '[markets.ZZ]\ntimezone = "Pacific/Auckland"\nlanguages = ["en"]\n'  # 6-8
)


def markets_error(tmp_path: Path, text: str) -> str:
    path = tmp_path / "m.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load(tmp_path / "shops.toml", shops='markets = "m.toml"\n')
    message = str(info.value)
    assert message.startswith(f"{path}: "), message
    return message


def load(path: Path, *, shops: str):  # type: ignore[no-untyped-def]
    from config.settings import load as load_settings

    path.write_text(shops + '[[shops]]\nid = "a"\nmarket = "ZZ"\n', encoding="utf-8")
    return load_settings(path)


def test_every_market_writes_prices_its_own_way() -> None:
    from decimal import Decimal

    catalog = load_markets()
    written = {m.code: m.currency.format(Decimal("1234.5")) for m in catalog.markets.values()}
    assert written == {
        "ID": "Rp 1.235",
        "TH": "฿1,235",
        "VN": "1.235₫",
        "MY": "RM1,234.50",
        "PH": "₱1,234.50",
        "SG": "S$1,234.50",
        "UK": "£1,234.50",
        "US": "$1,234.50",
        "DE": "1.234,50 €",
        "FR": "1 234,50 €",
    }


def test_a_good_custom_markets_file_loads(tmp_path: Path) -> None:
    (tmp_path / "m.toml").write_text(CUSTOM, encoding="utf-8")
    settings = load(tmp_path / "shops.toml", shops='markets = "m.toml"\n')
    assert settings.markets.market("ZZ").images.max_px == 4000


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('timezone = "Pacific', 'timzone = "Pacific', "markets.ZZ.timzone (line 7): unknown key"),
        ('timezone = "Pacific/Auckland"', 'timezone = "Mars/Base"', "markets.ZZ.timezone (line 7)"),
        ('timezone = "Pacific/Auckland"\n', "", "markets.ZZ.timezone (line 6): required key"),
        ('languages = ["en"]', 'languages = ["xx"]', "markets.ZZ.languages (line 8): 'xx' has no"),
        ('languages = ["en"]', 'languages = "en"', "markets.ZZ.languages (line 8): Input should"),
        ("[markets.ZZ]\n", '[markets.ZZ]\ntitle_min = "25"\n', "markets.ZZ.title_min (line 7)"),
        ("[markets.ZZ]\n", "[markets.ZZ]\ntitle_min = 300\n", "title_max (255) is below"),
        ("max_px = 4000", "max_px = 4000.5", "defaults.images.max_px (line 5)"),
        ("min_px = 300, ", "", "markets.ZZ.images (line 6): missing min_px"),
        ("min_aspect = 0.75", "min_aspect = nan", "defaults.images.min_aspect (line 5)"),
        ('google = "en"', 'bing = "en"', "languages.en.engines.bing (line 3)"),
        ("[languages.en]", "[languages.EN]", "languages.EN (line 1): 'EN' is not a BCP 47"),
        ("[markets.ZZ]", "[market.ZZ]", "market (line 6): unknown key"),
        (CUSTOM, "[defaults]\n", "no [markets.CODE] tables"),
        (
            'languages = ["en"]\n',
            'languages = ["en"]\ncurrency = { code = "thb", symbol = "฿" }\n',
            "markets.ZZ.currency.code (line 9)",
        ),
        (
            'languages = ["en"]\n',
            'languages = ["en"]\ncurrency = { code = "THB", symbl = "฿" }\n',
            "markets.ZZ.currency.symbl (line 9): unknown key",
        ),
    ],
)
def test_a_custom_markets_file_is_validated_like_the_shops_file(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    assert old in CUSTOM
    assert expected in markets_error(tmp_path, CUSTOM.replace(old, new, 1))


def test_a_missing_or_gbk_markets_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load(tmp_path / "shops.toml", shops='markets = "nope.toml"\n')
    assert f"{tmp_path / 'nope.toml'}: no such markets file" in str(info.value)
    (tmp_path / "m.toml").write_bytes(("# 自定义\n" + CUSTOM).encode("gbk"))
    with pytest.raises(ConfigError) as info:
        load(tmp_path / "shops.toml", shops='markets = "m.toml"\n')
    assert str(info.value).startswith(f"{tmp_path / 'm.toml'}: line 1: the file is not UTF-8")


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ("th", "th"),
        ("TH", "th"),
        ("th-TH", "th"),
        ("th_th", "th"),
        ("en-GB", "en"),
        ("EN-us", "en"),
        ("zh-cn", "zh-CN"),
        ("zh-Hans", "zh-CN"),
        ("zh_CN", "zh-CN"),
        ("zh", "zh-CN"),
        ("zh-Hans-CN", "zh-CN"),
        ("ms-MY", "ms"),
        ("in", "id"),
        (" vi ", "vi"),
    ],
)
def test_language_codes_as_users_write_them(given: str, code: str) -> None:
    assert load_markets().language_code(given) == code


@pytest.mark.parametrize("given", ["xx", "zh-TW", "zh-Hant", "", "th-", "*all*", "english"])
def test_unknown_language_codes_list_the_known_ones(given: str) -> None:
    with pytest.raises(UnknownLanguage) as info:
        load_markets().language_code(given, "--to")
    assert info.value.exit_code == 2
    assert str(info.value).startswith(f"--to: unknown language {given!r}; known: zh-CN, en, th")


def test_a_code_fitting_two_of_a_custom_files_languages_is_ambiguous(tmp_path: Path) -> None:
    extra = '[languages.zh-TW]\nengines = { google = "zh-TW" }\n[languages.en-US]\n'
    (tmp_path / "m.toml").write_text(extra + CUSTOM, encoding="utf-8")
    catalog = load(tmp_path / "shops.toml", shops='markets = "m.toml"\n').markets
    assert catalog.language_code("zh-hant") == "zh-TW" and catalog.language_code("zh") == "zh-TW"
    assert catalog.language_code("en-us") == "en-US" and catalog.language_code("en-GB") == "en"
    (tmp_path / "m.toml").write_text(
        extra + '[languages.zh-CN]\nengines = { google = "zh-CN" }\n' + CUSTOM, encoding="utf-8"
    )
    catalog = load(tmp_path / "shops.toml", shops='markets = "m.toml"\n').markets
    with pytest.raises(UnknownLanguage, match="ambiguous language 'zh': one of zh-TW, zh-CN"):
        catalog.language_code("zh")
    assert catalog.language_code("zh-Hans") == "zh-CN"
