"""Per-market facts (languages, timezone, listing limits) read from markets.toml."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from config import tomldoc
from config.engines import ENGINES, EngineName
from config.errors import ConfigError, UnknownLanguage
from config.i18n import msg

DEFAULT_SCRIPT = "latin"


@dataclass(frozen=True)
class Language:
    """A language buyers read, with each translation engine's code for it."""

    code: str
    name: str
    script: str
    engines: dict[str, str]

    def engine_code(self, engine: str) -> str | None:
        """The engine's own code for this language, or None when it does not offer it; a
        chat engine is told the language by its name."""
        spec = ENGINES.get(engine)
        if spec is not None and spec.chat:
            return self.engines.get(engine, self.name)
        return self.engines.get(engine)


@dataclass(frozen=True)
class ImageRules:
    """What TikTok Shop accepts as a main image in a market."""

    min_count: int
    max_count: int
    min_px: int
    max_px: int
    max_bytes: int
    formats: tuple[str, ...]
    min_aspect: float
    max_aspect: float


@dataclass(frozen=True)
class Currency:
    """How a market writes money: `฿1,290`, `350.000₫`, `Rp 15.000`, `12,90 €`."""

    code: str
    symbol: str
    before: bool = True  # the symbol before the amount
    space: bool = False  # a space between symbol and amount
    thousands: str = ","
    decimal: str = "."
    decimals: int = 0

    def format(self, amount: Decimal) -> str:
        """`amount` written the market's way, rounded half up to its decimals."""
        step = Decimal(1).scaleb(-self.decimals)
        rounded = amount.quantize(step, rounding=ROUND_HALF_UP)
        whole, _, cents = f"{rounded:.{self.decimals}f}".partition(".")
        grouped = f"{int(whole):,}".replace(",", self.thousands)
        number = grouped + (self.decimal + cents if cents else "")
        gap = " " if self.space else ""
        return f"{self.symbol}{gap}{number}" if self.before else f"{number}{gap}{self.symbol}"


@dataclass(frozen=True)
class Market:
    """One TikTok Shop market: its timezone, languages and listing limits."""

    code: str
    name: str
    timezone: str
    languages: tuple[str, ...]
    optional_languages: tuple[str, ...]
    title_min: int
    title_max: int
    description_max: int
    images: ImageRules
    epr_required: bool
    currency: Currency | None = None  # how prices are written there (images' yuan prices)

    @property
    def allowed_languages(self) -> tuple[str, ...]:
        """Languages a shop in this market may list in."""
        return self.languages + self.optional_languages


@dataclass(frozen=True)
class MarketCatalog:
    """Every market and language of one markets file."""

    path: str
    markets: dict[str, Market] = field(default_factory=dict)
    languages: dict[str, Language] = field(default_factory=dict)
    default_images: ImageRules | None = None  # [defaults] images, when the file has all of it

    def market(self, code: str) -> Market:
        """The market with this code (KeyError when unknown)."""
        return self.markets[code]

    def script(self, language: str) -> str:
        """The script a language is written in; a language the file does not list is
        taken as Latin, as a listed one without a `script` is."""
        known = self.languages.get(language)
        return known.script if known else DEFAULT_SCRIPT

    def language_name(self, language: str) -> str:
        """A language's name as the file gives it ('Vietnamese'); its code when unlisted."""
        known = self.languages.get(language)
        return known.name if known else language

    def language_code(self, text: str, where: str = "") -> str:
        """The catalog's code for a language as users write it: BCP 47 in any case, `_`
        for `-`, a region the catalog's language has none of dropped (`th-TH`, `TH` ->
        `th`; `zh-cn`, `zh-Hans`, `zh` -> `zh-CN`); UnknownLanguage listing the known codes
        otherwise. `where` names the option or key in the message."""
        return _language_code(self, text, where)


# Other tools write these retired ISO 639 codes; BCP 47 maps them to today's.
_RETIRED = {"in": "id", "iw": "he", "ji": "yi", "jw": "jv", "mo": "ro"}
# The script a Chinese region's text is written in, so that zh-Hans finds zh-CN.
_REGION_SCRIPT = {
    "CN": "Hans",
    "SG": "Hans",
    "MY": "Hans",
    "TW": "Hant",
    "HK": "Hant",
    "MO": "Hant",
}
_SUBTAG = re.compile(r"[A-Za-z0-9]{1,8}")
_PRIMARY = re.compile(r"[A-Za-z]{2,3}")


@dataclass(frozen=True)
class LanguageTag:
    """A BCP 47 language tag's parts that matter here: language, script, region."""

    language: str
    script: str | None = None
    region: str | None = None

    @property
    def written_in(self) -> str | None:
        """Its script, given or implied by its region (zh-CN is written in Hans)."""
        if self.script:
            return self.script
        return _REGION_SCRIPT.get(self.region or "") if self.language == "zh" else None

    def fits(self, other: LanguageTag) -> bool:
        """Whether text tagged `self` may be taken as `other`: same language, and no region
        or script that contradicts (th-TH fits th; zh-Hans fits zh-CN, zh-TW does not)."""
        if self.language != other.language:
            return False
        if self.region and other.region and self.region != other.region:
            return False
        mine, theirs = self.written_in, other.written_in
        return mine is None or theirs is None or mine == theirs


def primary_language(code: str) -> str:
    """The language of a code without its script or region ('zh' of 'zh-CN' or 'zh_TW')."""
    return code.split("-")[0].split("_")[0].lower()


def bcp47(text: str) -> str | None:
    """A language tag in BCP 47's case (`zh-Hans-CN`, `th`, `en-GB`; `_` read as `-`), or
    None when `text` is not shaped like one."""
    parts = text.strip().replace("_", "-").split("-")
    if not _PRIMARY.fullmatch(parts[0]) or not all(_SUBTAG.fullmatch(p) for p in parts):
        return None
    cased = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            cased.append(part.title())
        elif (len(part) == 2 and part.isalpha()) or (len(part) == 3 and part.isdigit()):
            cased.append(part.upper())
        else:
            cased.append(part.lower())
    return "-".join(cased)


def _tag(canonical: str) -> LanguageTag:
    language, *rest = canonical.split("-")
    script = region = None
    for part in rest:
        if len(part) == 1:  # an extension or private use: the rest is not script or region
            break
        if len(part) == 4 and part.isalpha() and script is None and region is None:
            script = part
        elif (len(part) == 2 and part.isalpha()) or (len(part) == 3 and part.isdigit()):
            region = region or part
    return LanguageTag(_RETIRED.get(language, language), script, region)


def _language_code(catalog: MarketCatalog, text: str, where: str) -> str:
    canonical = bcp47(text) if isinstance(text, str) else None
    if canonical is None:
        raise UnknownLanguage(str(text), catalog.languages, where)
    exact = [c for c in catalog.languages if c.lower() == canonical.lower()]
    if exact:
        return exact[0]
    given = _tag(canonical)
    tags = {c: _tag(bcp47(c) or c) for c in catalog.languages}
    fitting = [c for c, tag in tags.items() if given.fits(tag)]
    # Of several that fit, the one of the same region, else the one without a region.
    for pick in (
        lambda c: given.region is not None and tags[c].region == given.region,
        lambda c: tags[c].region is None and tags[c].script is None,
    ):
        if len(fitting) > 1 and sum(map(pick, fitting)) == 1:
            fitting = [c for c in fitting if pick(c)]
    if len(fitting) == 1:
        return fitting[0]
    if fitting:
        raise UnknownLanguage(text, catalog.languages, where, msg("one of {codes}", codes=fitting))
    raise UnknownLanguage(text, catalog.languages, where)


def check_timezone(value: str) -> str:
    """`value` if it is an IANA timezone name, else ValueError saying what is expected."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(
            f"unknown timezone {value[:60]!r}; use an IANA name such as 'Asia/Bangkok'"
        ) from None
    return value


class _FileModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class _LanguageEntry(_FileModel):
    name: str | None = None
    script: str = DEFAULT_SCRIPT
    engines: dict[EngineName, str] = {}


class _ImagesEntry(_FileModel):
    min_count: int | None = Field(None, ge=1, le=100)
    max_count: int | None = Field(None, ge=1, le=100)
    min_px: int | None = Field(None, ge=1, le=100_000)
    max_px: int | None = Field(None, ge=1, le=100_000)
    max_bytes: int | None = Field(None, ge=1, le=2**40)
    formats: list[str] | None = Field(None, min_length=1)
    min_aspect: float | None = Field(None, gt=0, le=100, allow_inf_nan=False)
    max_aspect: float | None = Field(None, gt=0, le=100, allow_inf_nan=False)


class _CurrencyEntry(_FileModel):
    code: str = Field(pattern=r"^[A-Z]{3}$")
    symbol: str = Field(min_length=1, max_length=8)
    before: bool = True
    space: bool = False
    thousands: str = Field(",", max_length=1)
    decimal: str = Field(".", min_length=1, max_length=1)
    decimals: int = Field(0, ge=0, le=4)


class _MarketEntry(_FileModel):
    name: str | None = None
    timezone: str | None = None
    languages: list[str] | None = None
    optional_languages: list[str] | None = None
    title_min: int | None = Field(None, ge=0, le=100_000)
    title_max: int | None = Field(None, ge=1, le=100_000)
    description_max: int | None = Field(None, ge=1, le=10_000_000)
    images: _ImagesEntry = _ImagesEntry()
    epr_required: bool | None = None
    currency: _CurrencyEntry | None = None

    _timezone = field_validator("timezone")(
        lambda value: value if value is None else check_timezone(value)
    )

    def over(self, defaults: _MarketEntry) -> dict[str, Any]:
        """Its values, each missing one taken from [defaults]."""
        mine = self.model_dump(exclude_none=True)
        merged = {**BUILT_IN, **defaults.model_dump(exclude_none=True), **mine}
        merged["images"] = {**defaults.images.model_dump(exclude_none=True), **mine["images"]}
        return merged


# What a market has when neither it nor [defaults] says otherwise; also the widest text
# limits, used where no market is known (`localize text` without a shop).
BUILT_IN = {"title_min": 1, "title_max": 255, "description_max": 10000, "epr_required": False}


class _MarketsFile(_FileModel):
    languages: dict[str, _LanguageEntry] = {}
    defaults: _MarketEntry = _MarketEntry()
    markets: dict[str, _MarketEntry] = {}


_IMAGE_KEYS = {f for f in ImageRules.__dataclass_fields__}
_ORDERED = (  # (smaller, larger) pairs of one market's values
    ("title_min", "title_max"),
    ("images.min_count", "images.max_count"),
    ("images.min_px", "images.max_px"),
    ("images.min_aspect", "images.max_aspect"),
)


def load_markets(path: Path | str | None = None) -> MarketCatalog:
    """Read a markets file (the bundled one when `path` is None); ConfigError naming every
    problem with its key and line."""
    if path is None:
        source = resources.files("config").joinpath("markets.toml")
        doc = tomldoc.parse(source.read_text(encoding="utf-8"), "config/markets.toml")
    else:
        doc = tomldoc.read(
            path, missing="no such markets file (named by `markets` in the shops file)"
        )
    return _catalog(doc)


def _catalog(doc: tomldoc.TomlDocument) -> MarketCatalog:
    try:
        parsed = _MarketsFile.model_validate(doc.data)
    except ValidationError as exc:
        raise ConfigError(
            doc.shown,
            [
                tomldoc.problem(e, doc.where(tuple(e["loc"])), template="config/markets.toml")
                for e in exc.errors()
            ],
        ) from None
    problems: list[str] = []
    if not parsed.markets:
        problems.append("no [markets.CODE] tables: a markets file needs at least one market")
    languages: dict[str, Language] = {}
    for code, entry in parsed.languages.items():
        if bcp47(code) != code:
            suggestion = f" (write {bcp47(code)!r})" if bcp47(code) else ""
            problems.append(
                f"{doc.where(('languages', code))}: {code!r} is not a BCP 47 language code "
                f"in its usual case{suggestion}"
            )
        languages[code] = Language(code, entry.name or code, entry.script, dict(entry.engines))
    markets: dict[str, Market] = {}
    for code, entry in parsed.markets.items():
        merged = entry.over(parsed.defaults)
        found = _market_problems(doc, code, merged, languages)
        problems += found
        if not found:
            markets[code] = Market(
                code=code,
                name=merged.get("name", code),
                timezone=merged["timezone"],
                languages=tuple(merged["languages"]),
                optional_languages=tuple(merged.get("optional_languages", ())),
                title_min=merged["title_min"],
                title_max=merged["title_max"],
                description_max=merged["description_max"],
                images=_image_rules(merged["images"]),
                epr_required=merged["epr_required"],
                currency=Currency(**merged["currency"]) if merged.get("currency") else None,
            )
    if problems:
        raise ConfigError(doc.shown, problems)
    shared = parsed.defaults.images.model_dump(exclude_none=True)
    default_images = _image_rules(shared) if _IMAGE_KEYS <= set(shared) else None
    return MarketCatalog(
        path=doc.shown, markets=markets, languages=languages, default_images=default_images
    )


def _market_problems(
    doc: tomldoc.TomlDocument, code: str, merged: dict[str, Any], languages: dict[str, Language]
) -> list[str]:
    """What one market lacks or contradicts once [defaults] is applied to it."""
    problems = []

    def at(*keys: str) -> str:
        return doc.where(("markets", code, *keys))

    for key in ("timezone", "languages"):
        if not merged.get(key):
            problems.append(f"{at(key)}: required key is missing (here or in [defaults])")
    for key in ("languages", "optional_languages"):
        for lang in merged.get(key, ()):
            if lang not in languages:
                problems.append(f"{at(key)}: {lang!r} has no [languages.{lang}] table")
    missing = sorted(_IMAGE_KEYS - set(merged["images"]))
    if missing:
        problems.append(f"{at('images')}: missing {', '.join(missing)} (here or in [defaults])")
    for small, large in _ORDERED:
        low, high = (_dotted(merged, key) for key in (small, large))
        if low is not None and high is not None and low > high:
            problems.append(f"{at(*large.split('.'))}: {large} ({high}) is below {small} ({low})")
    return problems


def _dotted(values: dict[str, Any], key: str) -> Any:
    for part in key.split("."):
        values = values.get(part) if isinstance(values, dict) else None
    return values


def _image_rules(images: dict[str, Any]) -> ImageRules:
    return ImageRules(**{**images, "formats": tuple(images["formats"])})
