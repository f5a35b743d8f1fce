"""Per-market facts (languages, timezone, listing limits) read from markets.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from config.engines import ENGINES
from config.errors import ConfigError

DEFAULT_SCRIPT = "latin"


@dataclass(frozen=True)
class Language:
    """A language buyers read, with each translation engine's code for it."""

    code: str
    name: str
    script: str
    engines: dict[str, str]

    def engine_code(self, engine: str) -> str | None:
        """The engine's own code for this language, or None when it does not offer it."""
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


_MARKET_KEYS = {
    "name",
    "timezone",
    "languages",
    "optional_languages",
    "title_min",
    "title_max",
    "description_max",
    "images",
    "epr_required",
}
_IMAGE_KEYS = {f for f in ImageRules.__dataclass_fields__}


def load_markets(path: Path | str | None = None) -> MarketCatalog:
    """Read a markets file (the bundled one when `path` is None)."""
    if path is None:
        source = resources.files("config").joinpath("markets.toml")
        shown = "config/markets.toml"
        text = source.read_text(encoding="utf-8")
    else:
        shown = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(shown, f"cannot read the markets file: {exc.strerror}") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(shown, f"not valid TOML: {exc}") from exc
    return _catalog(shown, data)


def _catalog(shown: str, data: dict[str, Any]) -> MarketCatalog:
    problems: list[str] = []
    languages: dict[str, Language] = {}
    for code, entry in data.get("languages", {}).items():
        engines = dict(entry.get("engines", {}))
        unknown = sorted(set(engines) - set(ENGINES))
        if unknown:
            problems.append(f"languages.{code}.engines: unknown engine {', '.join(unknown)}")
        languages[code] = Language(
            code=code,
            name=str(entry.get("name", code)),
            script=str(entry.get("script", DEFAULT_SCRIPT)),
            engines=engines,
        )
    defaults = data.get("defaults", {})
    markets: dict[str, Market] = {}
    for code, entry in data.get("markets", {}).items():
        where = f"markets.{code}"
        unknown = sorted(set(entry) - _MARKET_KEYS)
        if unknown:
            problems.append(f"{where}: unknown key {', '.join(unknown)}")
            continue
        merged = {**defaults, **entry}
        images = {**defaults.get("images", {}), **entry.get("images", {})}
        missing = sorted(_IMAGE_KEYS - set(images))
        if missing:
            problems.append(f"{where}.images: missing {', '.join(missing)}")
            continue
        langs = tuple(merged.get("languages", ()))
        optional = tuple(merged.get("optional_languages", ()))
        for lang in langs + optional:
            if lang not in languages:
                problems.append(f"{where}.languages: {lang!r} has no [languages.{lang}] table")
        if "timezone" not in merged:
            problems.append(f"{where}: missing timezone")
            continue
        markets[code] = Market(
            code=code,
            name=str(merged.get("name", code)),
            timezone=str(merged["timezone"]),
            languages=langs,
            optional_languages=optional,
            title_min=int(merged.get("title_min", 1)),
            title_max=int(merged.get("title_max", 255)),
            description_max=int(merged.get("description_max", 10000)),
            images=_image_rules(images),
            epr_required=bool(merged.get("epr_required", False)),
        )
    if problems:
        raise ConfigError(shown, problems)
    shared = defaults.get("images", {})
    default_images = (
        _image_rules(shared) if isinstance(shared, dict) and _IMAGE_KEYS <= set(shared) else None
    )
    return MarketCatalog(
        path=shown, markets=markets, languages=languages, default_images=default_images
    )


def _image_rules(images: dict[str, Any]) -> ImageRules:
    return ImageRules(**{**images, "formats": tuple(images["formats"])})
