"""Property-based: every shops file, markets file, language code and alert URL is either
accepted, and then usable, or refused with our own error; never another exception."""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from config import tomldoc
from config.errors import AppError, ConfigError, UnknownLanguage
from config.markets import MarketCatalog, load_markets
from config.settings import (
    PublishSettings,
    ScheduleSettings,
    ShopSettings,
    TikTokSettings,
    TranslationSettings,
    alert_url_problem,
    parse,
)

CATALOG = load_markets()
RUNS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LATEST = datetime(2999, 12, 31, 23, 59, tzinfo=UTC)

# ---- a TOML writer for generated documents ------------------------------------------------


def toml_value(value: Any) -> str:
    """A value as TOML (generated values only: str, bool, int, float, date, list, dict)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, float):
        return ("-" if value < 0 else "") + "inf" if math.isinf(value) else repr(value)
    if isinstance(value, (int, date)):
        return value.isoformat() if isinstance(value, date) else str(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{toml_value(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


def bare(key: str) -> str:
    """A key bare when TOML allows it, else quoted."""
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)


def toml_document(
    top: dict[str, Any], tables: list[tuple[str, dict[str, Any]]]
) -> tuple[str, dict[tuple[Any, ...], int]]:
    """Text of `top` keys, then `[header]` tables (a header starting `[` is an array of
    tables); with the line each key was written on."""
    lines: list[str] = []
    where: dict[tuple[Any, ...], int] = {}
    for key, value in top.items():
        lines.append(f"{bare(key)} = {toml_value(value)}")
        where[(key,)] = len(lines)
    counts: dict[str, int] = {}
    for header, body in tables:
        lines.append(f"[{header}]")
        name = header.strip("[]")
        if header.startswith("["):
            counts[name] = counts.get(name, -1) + 1
        parts = name.split(".")
        path = (parts[0], counts.get(parts[0], 0), *parts[1:]) if parts[0] in counts else ()
        where[path] = len(lines)
        for key, value in body.items():
            lines.append(f"{bare(key)} = {toml_value(value)}")
            where[(*path, key)] = len(lines)
    return "\n".join(lines) + "\n", where


# ---- values ------------------------------------------------------------------------------

scalars = st.one_of(
    st.text(max_size=30),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
PLAUSIBLE: dict[str, st.SearchStrategy[Any]] = {
    "id": st.sampled_from(["a", "acme-th", "shop-2", "b", "c", "d", "e", "f", "Acme"]),
    "market": st.sampled_from([*CATALOG.markets, "XX"]),
    "timezone": st.sampled_from(["Asia/Bangkok", "UTC", "Mars/Base", "../etc", "Asia", "a\x00"]),
    "languages": st.lists(st.sampled_from(["th", "TH", "th-TH", "en-GB", "zh-cn", "xx", ""])),
    "alert_urls": st.lists(
        st.sampled_from(
            ["json://h:8080/x", "json://h:99999/x", "dingtalk://", "env:A", "env:", "foo://x"]
        )
    ),
    "quiet_hours": st.sampled_from(["22:00-08:00", "24:00-01:00", "x"]),
    "engine": st.sampled_from(["google", "deepl", "libre", "bing"]),
    "opened_on": st.dates(),
    "weekly_quota": st.integers(0, 120),
    "week_start": st.sampled_from(["monday", "sunday", "Monday"]),
    "alert_language": st.sampled_from(["zh", "en", "th"]),
    "require_product": st.booleans(),
    "new_shop_days": st.integers(-1, 400),
    "timeout": st.floats(),
    "concurrency": st.integers(0, 100),
    "kind": st.sampled_from(["export", "tiktok", "fax"]),
    "export_dir": st.text(max_size=10),
    "repeat_interval_hours": st.floats(),
    "check_minutes": st.integers(),
    "sync_minutes": st.integers(),
    "deliver_seconds": st.integers(),
    "lease_seconds": st.integers(),
}
SHOP_KEYS = [*ShopSettings.model_fields, "colour"]
# A model's own default is a plausible value for a key no strategy above covers.
DEFAULTS = {
    name: default
    for model in (ShopSettings, TranslationSettings, PublishSettings, ScheduleSettings)
    for name, info in model.model_fields.items()
    if isinstance(default := info.get_default(call_default_factory=True), (str, int, float, list))
}
TABLES = {
    "translation": list(TranslationSettings.model_fields),
    "publish": list(PublishSettings.model_fields),
    "tiktok": list(TikTokSettings.model_fields),
    "schedule": list(ScheduleSettings.model_fields),
    "transation": ["engine"],
}


def keyed(keys: list[str], usual: tuple[str, ...] = ()) -> st.SearchStrategy[dict[str, Any]]:
    """A table of some of `keys` (`usual` ones mostly there), each with a plausible value
    (mostly) or a random one."""

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        chosen = [k for k in usual if draw(st.integers(0, 9))]
        chosen += draw(st.lists(st.sampled_from(keys), unique=True, max_size=3))
        table = {}
        for k in dict.fromkeys(chosen):
            if k in TABLES and k != "languages":
                continue
            plausible = k in PLAUSIBLE and draw(st.integers(0, 9))
            table[k] = draw(PLAUSIBLE[k] if plausible else values)
            if k not in PLAUSIBLE and k in DEFAULTS and draw(st.integers(0, 3)):
                table[k] = DEFAULTS[k]
        return table

    return build()


@st.composite
def shops_documents(draw: st.DrawFn) -> tuple[str, dict[tuple[Any, ...], int]]:
    tables: list[tuple[str, dict[str, Any]]] = []
    for _ in range(draw(st.integers(0, 3))):
        tables.append(("[shops]", draw(keyed(SHOP_KEYS, ("id", "market")))))
        names = st.sampled_from(["translation", "publish", "schedule"] * 3 + sorted(TABLES))
        for name in draw(st.lists(names, unique=True, max_size=3)):
            tables.append((f"shops.{name}", draw(keyed(TABLES[name]))))
    top = draw(st.dictionaries(st.sampled_from(["colour", "digest"]), values, max_size=1))
    return toml_document(top, tables)


def usable(catalog: MarketCatalog, shop: ShopSettings) -> None:
    """What commands and the daemon do with an accepted shop must not fail."""
    shop.zone(catalog)
    shop.quiet_window()
    for lang in shop.target_languages(catalog):
        assert catalog.languages[lang]
    LATEST + timedelta(hours=shop.repeat_interval_hours)
    LATEST + timedelta(minutes=max(shop.schedule.check_minutes, shop.schedule.sync_minutes))
    LATEST + timedelta(seconds=max(shop.schedule.deliver_seconds, shop.schedule.lease_seconds))
    if shop.opened_on:
        datetime.combine(shop.opened_on, datetime.min.time(), UTC) - timedelta(days=7)


@RUNS
@given(shops_documents())
def test_any_shops_file_is_accepted_and_usable_or_a_config_error(
    document: tuple[str, dict[tuple[Any, ...], int]],
) -> None:
    text, where = document
    try:
        doc = tomldoc.parse(text, "shops.toml")
    except ConfigError as exc:
        assert exc.message.startswith("shops.toml: not valid TOML")
        return
    for path, line in where.items():  # the line finder finds every generated key
        assert not path or doc.line(path) == line, (path, text)
    try:
        loaded = parse(text, "shops.toml")
    except ConfigError as exc:
        assert exc.message.startswith("shops.toml: ")
        return
    for shop in loaded.shops:
        usable(loaded.markets, shop)


@RUNS
@given(st.text(max_size=300) | st.binary(max_size=300).map(lambda b: b.decode("latin-1")))
def test_any_text_as_a_shops_file(text: str) -> None:
    try:
        parse(text, "shops.toml")
    except ConfigError:
        pass


@RUNS
@given(st.binary(max_size=200))
def test_any_bytes_decode_or_say_save_it_as_utf8(raw: bytes) -> None:
    try:
        tomldoc.decode(raw, "shops.toml")
    except ConfigError as exc:
        assert "save it as UTF-8" in exc.message


# ---- the markets file --------------------------------------------------------------------

MARKET_KEYS = ["name", "timezone", "languages", "optional_languages", "title_min", "title_max"]
MARKET_KEYS += ["description_max", "epr_required", "colour"]
IMAGE_KEYS = ["min_count", "max_count", "min_px", "max_px", "max_bytes", "formats"]
IMAGE_KEYS += ["min_aspect", "max_aspect"]
PLAUSIBLE.update(
    {
        "optional_languages": st.lists(st.sampled_from(["en", "th", "th-TH", "xx"]), max_size=2),
        "title_min": st.integers(-5, 400),
        "title_max": st.integers(-5, 400),
        "min_aspect": st.floats(),
        "formats": st.lists(st.sampled_from(["JPEG", "PNG"])),
        "name": st.text(max_size=10),
        "script": st.sampled_from(["latin", "thai", "han"]),
        "engines": st.dictionaries(
            st.sampled_from(["google", "libre", "microsoft", "bing"]), st.text(max_size=5)
        ),
    }
)
for key in ("min_px", "max_px", "max_bytes"):
    PLAUSIBLE[key] = st.integers(-1, 5000)
for key in ("min_count", "max_count"):
    PLAUSIBLE[key] = st.integers(-1, 120)


@st.composite
def markets_documents(draw: st.DrawFn) -> str:
    tables: list[tuple[str, dict[str, Any]]] = []
    codes = st.lists(st.sampled_from(["zh-CN", "TH", "x y"]), unique=True, max_size=2)
    for code in ["en", "th", *draw(codes)]:
        tables.append((f"languages.{bare(code)}", draw(keyed(["name", "script", "engines"]))))
    if draw(st.booleans()):
        tables.append(("defaults", draw(keyed(MARKET_KEYS))))
        tables.append(("defaults.images", draw(keyed(IMAGE_KEYS, tuple(IMAGE_KEYS)))))
    for code in draw(st.lists(st.sampled_from(["ZZ", "TH", "A"]), unique=True, max_size=2)):
        market = draw(keyed(MARKET_KEYS, ("timezone", "languages")))
        if "languages" in market and draw(st.integers(0, 2)):
            market["languages"] = draw(st.lists(st.sampled_from(["en", "th"]), min_size=1))
        tables.append((f"markets.{code}", market))
        if draw(st.booleans()):
            tables.append((f"markets.{code}.images", draw(keyed(IMAGE_KEYS))))
    top = draw(st.dictionaries(st.sampled_from(["colour"]), values, max_size=1))
    return toml_document(top, tables)[0]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("markets")


@RUNS
@given(markets_documents(), st.lists(st.text(max_size=12), max_size=3))
def test_any_markets_file_is_accepted_and_usable_or_a_config_error(
    folder: Path, text: str, codes: list[str]
) -> None:
    path = folder / "m.toml"
    path.write_text(text, encoding="utf-8")
    try:
        catalog = load_markets(path)
    except ConfigError as exc:
        assert exc.message.startswith(f"{path}: ")
        return
    for market in catalog.markets.values():
        assert set(market.allowed_languages) <= set(catalog.languages)
        assert market.title_min <= market.title_max
    for code in [*codes, *catalog.languages]:
        try:
            assert catalog.language_code(code) in catalog.languages
        except UnknownLanguage:
            pass
    shops = "".join(
        f'[[shops]]\nid = "s{i}"\nmarket = "{m}"\n' for i, m in enumerate(catalog.markets)
    )
    try:
        loaded = parse(f'markets = "{path}"\n{shops}', "shops.toml")
    except ConfigError:
        return
    for shop in loaded.shops:
        usable(loaded.markets, shop)


# ---- language codes and alert URLs -------------------------------------------------------

subtags = st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", max_size=9)
tags = st.lists(subtags, min_size=1, max_size=4).map("-".join)


@RUNS
@given(tags | st.text(max_size=20))
def test_any_language_code_is_a_known_one_or_unknown_language(text: str) -> None:
    try:
        code = CATALOG.language_code(text)
    except UnknownLanguage as exc:
        assert exc.exit_code == 2 and "known: zh-CN, en, th" in exc.message
        return
    assert code in CATALOG.languages
    assert CATALOG.language_code(code) == code
    assert CATALOG.language_code(text.upper()) == code


schemes = st.sampled_from(["json", "jsons", "dingtalk", "wecombot", "mailto", "tgram", "foo"])
urls = st.builds(
    "{}://{}{}{}".format,
    schemes | st.text(max_size=6),
    st.text(max_size=15),
    st.sampled_from(["", ":80", ":99999", ":0", ":x", ":-1", ":٣"]),
    st.text(max_size=10),
)


@RUNS
@given(urls | st.text(max_size=40))
def test_any_alert_url_is_accepted_or_refused_with_a_reason(url: str) -> None:
    problem = alert_url_problem(url)
    assert problem is None or isinstance(problem, str)
    text = f'[[shops]]\nid = "a"\nmarket = "TH"\nalert_urls = [{toml_value(url)}]\n'
    try:
        parse(text, "shops.toml")
    except AppError as exc:
        assert isinstance(exc, ConfigError)
        assert (problem is None) == ("alert_urls" not in exc.message)


BUNDLED = (Path(__file__).parents[2] / "config" / "markets.toml").read_text(encoding="utf-8")
ASSIGNMENTS = [i for i, line in enumerate(BUNDLED.splitlines()) if " = " in line]


@RUNS
@given(st.sampled_from(ASSIGNMENTS), values | scalars)
def test_the_bundled_markets_file_with_one_value_changed(folder: Path, at: int, value: Any) -> None:
    lines = BUNDLED.splitlines()
    lines[at] = lines[at].split(" = ", 1)[0] + " = " + toml_value(value)
    path = folder / "one.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        catalog = load_markets(path)
    except ConfigError as exc:
        assert exc.message.startswith(f"{path}: ") and "(line " in exc.message
        return
    for market in catalog.markets.values():
        assert set(market.allowed_languages) <= set(catalog.languages)
        catalog.language_code(market.languages[0])
