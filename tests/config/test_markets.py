"""The bundled market facts."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from config.engines import ENGINES
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
