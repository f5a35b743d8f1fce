"""The shops.toml schema and its loader: `load(path)` returns `Settings` or raises ConfigError."""

from __future__ import annotations

import ipaddress
import re
import tomllib
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from config.engines import ENGINE_NAMES, EngineName
from config.errors import ConfigError
from config.markets import MarketCatalog, load_markets

Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS: tuple[str, ...] = Weekday.__args__  # type: ignore[attr-defined]

_SHOP_ID = re.compile(r"^[a-z0-9-]+$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_QUIET = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _env_name(value: str | None) -> str | None:
    if value is not None and not _ENV_NAME.match(value):
        raise ValueError(
            "must be the NAME of an environment variable (letters, digits, _), "
            "never the secret itself"
        )
    return value


class TranslationSettings(_Strict):
    """Which machine-translation engine a shop uses and how hard to push it."""

    engine: EngineName = "google"
    url: str | None = None
    api_key_env: str | None = None
    secret_key_env: str | None = None  # Baidu's appkey pairs with a secret
    region: str | None = None  # Microsoft's resource region
    timeout: float = Field(10.0, gt=0, le=600)
    concurrency: int = Field(4, ge=1, le=64)
    retries: int = Field(3, ge=0, le=10)
    fallback: EngineName | None = None

    check_env_names = field_validator("api_key_env", "secret_key_env")(_env_name)


class PublishSettings(_Strict):
    """Where approved work goes: a folder of export files, or the shop through the API."""

    kind: Literal["export", "tiktok"] = "export"
    export_dir: str | None = None
    # The shop's EPR registration for its market (WEEE, DEEE, UK packaging, ...): publish
    # preflight asks for it where markets.toml says the market requires one.
    epr_registration: str | None = None
    # Listing categories that need a product safety report (CPSC, SGS) submitted this many
    # days before going live; a category matches when it contains one of these words.
    safety_categories: list[str] = ["cosmetic", "beauty", "skincare", "baby", "kid", "child", "toy"]
    safety_report_days: int = Field(30, ge=0, le=365)


class TikTokSettings(_Strict):
    """TikTok Shop Partner API access; secrets are names of environment variables."""

    base_url: str = "https://open-api.tiktokglobalshop.com"
    app_key_env: str
    app_secret_env: str
    access_token_env: str
    shop_cipher: str
    timeout: float = Field(15.0, gt=0, le=600)
    analytics_version: str = "202409"  # the path's version segment; newer ones exist
    account_type: Literal["ALL", "SELF", "AFFILIATE"] | None = None  # sent only when set

    check_env_names = field_validator("app_key_env", "app_secret_env", "access_token_env")(
        _env_name
    )


_HOST = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.?$")


class ImageSettings(_Strict):
    """Where a shop's listing images may come from, and how long and large a download may be."""

    allow_hosts: list[str] = []  # named hosts allowed even on private addresses
    allow_networks: list[str] = []  # e.g. "10.0.0.0/8": addresses allowed though private
    folder: str | None = None  # local images may also lie below this folder
    download_seconds: float = Field(20.0, gt=0, le=600)  # one whole download, redirects included
    max_download_mb: int = Field(30, ge=1, le=500)
    concurrency: int = Field(4, ge=1, le=32)  # downloads in flight

    @field_validator("allow_hosts")
    @classmethod
    def _hosts(cls, value: list[str]) -> list[str]:
        for i, host in enumerate(value):
            if not _HOST.match(host):
                raise ValueError(
                    f"entry {i} is not a host name such as 'img.internal.example' "
                    "(no scheme, port or path)"
                )
        return [host.lower().rstrip(".") for host in value]

    @field_validator("allow_networks")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for i, network in enumerate(value):
            try:
                ipaddress.ip_network(network)
            except ValueError:
                raise ValueError(
                    f"entry {i} ({network!r}) is not a network such as '10.0.0.0/8' "
                    "or an address such as '192.168.1.20'"
                ) from None
        return value

    @field_validator("folder")
    @classmethod
    def _folder(cls, value: str | None) -> str | None:
        if value is not None and not Path(value).expanduser().is_absolute():
            raise ValueError("must be an absolute path, e.g. '/srv/images'")
        return value

    def networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        """The allowed networks, parsed."""
        return [ipaddress.ip_network(n) for n in self.allow_networks]

    def folder_path(self) -> Path | None:
        """The configured images folder with symlinks resolved, or None."""
        return Path(self.folder).expanduser().resolve() if self.folder else None


class ScheduleSettings(_Strict):
    """How often the daemon runs each job."""

    sync_minutes: int = Field(60, ge=1)
    check_minutes: int = Field(15, ge=1)
    deliver_seconds: int = Field(30, ge=5)
    lease_seconds: int = Field(120, ge=5)  # a delivery not recorded by then is retried


class ShopSettings(_Strict):
    """One TikTok Shop store as the seller configured it."""

    id: str
    market: str
    timezone: str | None = None
    weekly_quota: int = Field(3, ge=1, le=100)
    week_start: Weekday = "monday"
    opened_on: date | None = None
    new_shop_days: int = Field(30, ge=0, le=365)
    new_shop_daily: int = Field(0, ge=0, le=20)
    require_product: bool = True
    require_original: bool = True
    cover_hash_threshold: int = Field(6, ge=0, le=64)
    alert_urls: list[str] = []
    alert_language: Literal["zh", "en"] = "zh"
    repeat_interval_hours: float = Field(24.0, gt=0)
    quiet_hours: str | None = None
    languages: list[str] | None = None
    caption_images: Literal["all-but-first", "all", "none"] = "all-but-first"
    caption_position: Literal["bottom", "top"] = "bottom"
    caption_max_lines: int = Field(2, ge=1, le=4)
    translation: TranslationSettings = TranslationSettings()
    publish: PublishSettings = PublishSettings()
    tiktok: TikTokSettings | None = None
    images: ImageSettings = ImageSettings()
    video_source: str | None = None  # default: "tiktok" when [shops.tiktok] is present
    schedule: ScheduleSettings = ScheduleSettings()

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not _SHOP_ID.match(value) or len(value) > 64:
            raise ValueError("must be 1-64 characters of a-z, 0-9 and '-'")
        return value

    @field_validator("market")
    @classmethod
    def _market(cls, value: str, info: ValidationInfo) -> str:
        catalog: MarketCatalog = info.context["markets"]
        if value not in catalog.markets:
            known = ", ".join(sorted(catalog.markets))
            raise ValueError(f"unknown market {value!r}; known markets: {known}")
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(
                    f"unknown timezone {value!r}; use an IANA name such as 'Asia/Bangkok'"
                ) from None
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _quiet(cls, value: str | None) -> str | None:
        if value is not None:
            m = _QUIET.match(value)
            if not m or int(m[1]) > 23 or int(m[3]) > 23 or int(m[2]) > 59 or int(m[4]) > 59:
                raise ValueError(f"{value!r} is not HH:MM-HH:MM, e.g. '22:00-08:00'")
        return value

    @field_validator("alert_urls")
    @classmethod
    def _urls(cls, value: list[str]) -> list[str]:
        for i, url in enumerate(value):
            if url.startswith("env:"):
                _env_name(url[4:])
            elif "://" not in url:
                raise ValueError(
                    f"entry {i} is neither an Apprise URL (scheme://...) nor 'env:NAME'"
                )
        return value

    @model_validator(mode="after")
    def _market_facts(self, info: ValidationInfo) -> ShopSettings:
        catalog: MarketCatalog = info.context["markets"]
        for lang in self.languages or ():
            if lang not in catalog.languages:
                raise ValueError(
                    f"languages: unknown language {lang!r}; known: {', '.join(catalog.languages)}"
                )
        engines = [self.translation.engine]
        if self.translation.fallback:
            engines.append(self.translation.fallback)
        for engine in engines:
            for lang in self.target_languages(catalog):
                if catalog.languages[lang].engine_code(engine) is None:
                    offer = [e for e in ENGINE_NAMES if catalog.languages[lang].engine_code(e)]
                    raise ValueError(
                        f"translation: {engine} does not translate into "
                        f"{catalog.languages[lang].name} ({lang}); engines that do: "
                        f"{', '.join(offer)}"
                    )
        return self

    def zone(self, catalog: MarketCatalog) -> ZoneInfo:
        """The shop's timezone: its own setting, else its market's."""
        return ZoneInfo(self.timezone or catalog.markets[self.market].timezone)

    def target_languages(self, catalog: MarketCatalog) -> list[str]:
        """Languages the shop's listings are translated into."""
        return list(self.languages or catalog.markets[self.market].languages)

    def quiet_window(self) -> tuple[time, time] | None:
        """Quiet hours as (start, end) local times, or None."""
        if self.quiet_hours is None:
            return None
        m = _QUIET.match(self.quiet_hours)
        assert m is not None
        return time(int(m[1]), int(m[2])), time(int(m[3]), int(m[4]))

    @property
    def week_start_index(self) -> int:
        """Week start as a weekday number (Monday 0)."""
        return WEEKDAYS.index(self.week_start)


@dataclass(frozen=True)
class Settings:
    """A loaded configuration: its shops and the market facts they refer to."""

    path: str
    markets: MarketCatalog
    shops: list[ShopSettings]

    def shop(self, shop_id: str) -> ShopSettings:
        """The shop with this id, or ConfigError naming the ids that exist."""
        for shop in self.shops:
            if shop.id == shop_id:
                return shop
        known = ", ".join(s.id for s in self.shops) or "none"
        raise ConfigError(self.path, f"no shop with id {shop_id!r}; shops here: {known}")

    def zone(self, shop: ShopSettings) -> ZoneInfo:
        """The shop's timezone."""
        return shop.zone(self.markets)

    def shop_row(self, shop: ShopSettings) -> dict[str, object]:
        """The columns of the store's shop row for a configured shop."""
        return {
            "id": shop.id,
            "market": shop.market,
            "timezone": self.zone(shop).key,
            "weekly_quota": shop.weekly_quota,
            "opened_on": shop.opened_on,
        }


class _File(_Strict):
    markets: str | None = None
    shops: list[ShopSettings] = []


# Keys whose values are safe to echo back in error messages (never URLs or secrets).
_ECHO = {
    "market",
    "timezone",
    "id",
    "engine",
    "fallback",
    "kind",
    "week_start",
    "alert_language",
    "quiet_hours",
    "caption_images",
    "weekly_quota",
}


def load(path: Path | str) -> Settings:
    """Read and validate a shops.toml file."""
    shown = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            shown,
            "no such configuration file; pass --config PATH or set SHOPBOT_CONFIG "
            "(config/shops.example.toml is a template)",
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(shown, f"cannot read the file: {exc}") from exc
    return parse(text, shown, base=Path(path).parent)


def parse(text: str, shown: str, *, base: Path | None = None) -> Settings:
    """Validate configuration text; `shown` names it in messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(shown, f"not valid TOML: {exc}") from None
    markets_path = data.get("markets")
    if isinstance(markets_path, str) and base is not None:
        markets_path = base / markets_path
    catalog = load_markets(markets_path if isinstance(markets_path, (str, Path)) else None)
    try:
        parsed = _File.model_validate(data, context={"markets": catalog})
    except ValidationError as exc:
        raise ConfigError(shown, [_describe(e, data, text) for e in exc.errors()]) from None
    problems = []
    seen: dict[str, int] = {}
    for i, shop in enumerate(parsed.shops):
        if shop.id in seen:
            line = _line_of(text, ("shops", i, "id"))
            at = f" (line {line})" if line else ""
            problems.append(
                f"shops[{i}].id{at}: duplicate shop id {shop.id!r} (also shops[{seen[shop.id]}])"
            )
        seen.setdefault(shop.id, i)
    if problems:
        raise ConfigError(shown, problems)
    return Settings(path=shown, markets=catalog, shops=parsed.shops)


def _describe(error: Any, data: dict[str, Any], text: str) -> str:
    loc = tuple(error["loc"])
    key = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
    line = _line_of(text, loc)
    where = f"{key} (line {line})" if line else key or "top level"
    if len(loc) >= 2 and loc[0] == "shops" and isinstance(loc[1], int):
        shops = data.get("shops")
        if isinstance(shops, list) and loc[1] < len(shops) and isinstance(shops[loc[1]], dict):
            shop_id = shops[loc[1]].get("id")
            if isinstance(shop_id, str):
                where += f" [shop {shop_id!r}]"
    kind = error["type"]
    if kind == "extra_forbidden":
        return f"{where}: unknown key; check its spelling against config/shops.example.toml"
    if kind == "missing":
        return f"{where}: required key is missing"
    message = str(error["msg"]).removeprefix("Value error, ")
    field = next((p for p in reversed(loc) if isinstance(p, str)), "")
    value = error.get("input")
    if field in _ECHO and isinstance(value, (str, int, float)) and kind not in ("value_error",):
        message = f"{message} (got {value!r})"
    return f"{where}: {message}"


def _line_of(text: str, loc: tuple[Any, ...]) -> int | None:
    """Best-effort line number of a key inside `[[shops]]` tables, for messages."""
    if len(loc) < 3 or loc[0] != "shops" or not isinstance(loc[1], int):
        return None
    lines = text.splitlines()
    headers = [i for i, ln in enumerate(lines) if ln.strip().startswith("[[shops]]")]
    if loc[1] >= len(headers):
        return None
    start = headers[loc[1]]
    end = headers[loc[1] + 1] if loc[1] + 1 < len(headers) else len(lines)
    names = [p for p in loc[2:] if isinstance(p, str)]
    section_start = start
    if len(names) > 1:
        table = re.compile(rf"^\s*\[shops\.{re.escape(names[0])}\]")
        found = next((i for i in range(start, end) if table.match(lines[i])), None)
        if found is None:
            return None
        section_start, names = found, names[1:]
    pattern = re.compile(rf"^\s*{re.escape(names[-1])}\s*=")
    for i in range(section_start + 1, end):
        if pattern.match(lines[i]):
            return i + 1
    return section_start + 1
