"""The shops.toml schema and its loader: `load(path)` returns `Settings` or raises ConfigError."""

from __future__ import annotations

import ipaddress
import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, time
from functools import cache
from pathlib import Path
from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from config import tomldoc
from config.engines import ENGINE_NAMES, ENGINES, OPENAI_URL, EngineName
from config.errors import AppError, ConfigError, echoed
from config.files import FIRST_YEAR, LAST_YEAR
from config.i18n import Joined, Msg, Text, msg
from config.markets import MarketCatalog, check_timezone, load_markets
from config.tables import MAX_ROWS
from config.terminal import control_character

# The fields of a videos file (cadence/videos.py reads them); `[import.columns]` maps a
# seller's own headers onto these.
VideoField = Literal["id", "posted_at", "products", "title", "cover", "status", "original"]
VIDEO_FIELDS: tuple[str, ...] = VideoField.__args__  # type: ignore[attr-defined]
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS: tuple[str, ...] = Weekday.__args__  # type: ignore[attr-defined]

_SHOP_ID = re.compile(r"^[a-z0-9-]+$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_QUIET = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")
_CLOCK = re.compile(r"^(\d{2}):(\d{2})$")
ZH_DISPLAY_TIMEZONE = "Asia/Shanghai"  # a team working in Chinese reads Beijing time
SOURCE_LANGUAGE = "zh-CN"  # the language listings are written in: never a target
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")
# Alert URL schemes cadence/notify delivers itself, and the part each cannot do without
# (`config` may not import `cadence`); any other scheme must be one Apprise understands.
_OWN_SCHEMES = {
    "json": msg("a host"),
    "jsons": msg("a host"),
    "dingtalk": msg("the robot's token (dingtalk://[secret@]token)"),
    "wecombot": msg("the robot's key (wecombot://key)"),
}
_BAD_PORT = msg("the port must be a number from 1 to 65535")
WEEK_MINUTES, DAY_SECONDS, YEAR_HOURS = 7 * 24 * 60, 24 * 60 * 60, 365 * 24


_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")  # ASCII digits: TOML takes no others


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("*", mode="before")
    @classmethod
    def _as_written(cls, value: Any, info: ValidationInfo) -> Any:
        """A number or a switch is taken only as TOML writes one: pydantic would read
        `weekly_quota = "3"` as 3 and `= true` as 1, where the seller meant something
        else or copied a value from somewhere it was text."""
        field_info = cls.model_fields.get(info.field_name or "")
        kinds = _plain_kinds(field_info.annotation) if field_info else set()
        key = (field_info.alias if field_info else None) or info.field_name
        numbers = kinds & {int, float}
        bad = _control_in(value)
        if bad is not None:  # an escape inside a URL was taken, and stripped only when shown
            raise ValueError(msg("contains {bad}; remove it", bad=bad))
        if isinstance(value, str) and kinds and str not in kinds:
            shown = value if len(value) <= 20 else value[:20] + "…"
            if numbers:
                # "３" (fullwidth) is 3 to a person, and to nothing in TOML
                digits = unicodedata.normalize("NFKC", value).strip()
                # and "٣" (Arabic-Indic), "३" (Devanagari): a digit in any script
                digits = "".join(str(unicodedata.decimal(c, c)) for c in digits)
                example = digits if _NUMBER.fullmatch(digits) else "1"
                raise ValueError(
                    msg(
                        "a number is written without quotes ({key} = {example}), not as the "
                        "text {text!r}",
                        key=key,
                        example=example,
                        text=shown,
                    )
                )
            example = value.strip().lower() if value.strip().lower() == "false" else "true"
            raise ValueError(
                msg(
                    "true or false is written without quotes ({key} = {example}), not as the "
                    "text {text!r}",
                    key=key,
                    example=example,
                    text=shown,
                )
            )
        if isinstance(value, bool) and numbers and bool not in kinds:
            raise ValueError(msg("a number, not true or false"))
        if isinstance(value, float) and float in kinds and not math.isfinite(value):
            # TOML's nan and inf are floats: pydantic compared nan with the range and said
            # "should be less than or equal to 600.0"
            default = field_info.default if field_info else None
            raise ValueError(
                msg(
                    "{value} is no amount here: give a number ({key} = {example})",
                    value=repr(value),
                    key=key,
                    example=default if isinstance(default, (int, float)) else 1,
                )
            )
        if isinstance(value, float) and int in kinds and float not in kinds:
            # pydantic took 2.0 as 2 and said of 1e308 "exceeded maximum size"
            default = field_info.default if field_info else None
            raise ValueError(
                msg(
                    "a whole number is written with digits only ({key} = {example}), not as "
                    "{value}",
                    key=key,
                    example=default if isinstance(default, int) else 1,
                    value=repr(value),
                )
            )
        return value


def _control_in(value: Any) -> Msg | None:
    """The first control character in a text value (or a list of them), as
    config.terminal names it; line breaks and tabs are a multi-line value's own."""
    texts = value if isinstance(value, list) else [value]
    for text in texts:
        if isinstance(text, str):
            bad = control_character(text, lines=True)
            if bad is not None:
                return bad
    return None


def _plain_kinds(annotation: Any) -> set[type]:
    """The plain value types a field takes (int, float, bool, str), its optional `None`
    aside; empty when it takes anything else as well (a table, a list, a date)."""
    args = get_args(annotation) if get_origin(annotation) in (Union, UnionType) else (annotation,)
    kinds = {a for a in args if a is not type(None)}
    if kinds and all(a in (int, float, bool, str) for a in kinds):
        return kinds
    return set()


def _env_name(value: str | None) -> str | None:
    if value is not None and not _ENV_NAME.match(value):
        raise ValueError(
            msg(
                "must be the NAME of an environment variable (letters, digits, _), "
                "never the secret itself"
            )
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
    # A chat engine (engine or fallback "openai"): the server speaking OpenAI's chat
    # completions (OpenAI, DeepSeek, Qwen, a local one) and the model it runs.
    base_url: str = OPENAI_URL
    model: str | None = Field(None, min_length=1, max_length=200)
    # What `localize run` does with a rejected item: ask the chain's next engine (never
    # taking the rejected text again), or leave it for a person's translation.
    on_reject: Literal["next-engine", "person"] = "next-engine"

    check_env_names = field_validator("api_key_env", "secret_key_env")(_env_name)

    @model_validator(mode="after")
    def _chat_model(self) -> TranslationSettings:
        chat = [n for n in (self.engine, self.fallback) if n and ENGINES[n].chat]
        if chat and self.model is None:
            raise ValueError(
                msg(
                    "engine {engine!r} needs `model`, the model its server runs "
                    '(e.g. model = "deepseek-chat" or "qwen-plus")',
                    engine=chat[0],
                )
            )
        return self

    def location(self, engine: str) -> str | None:
        """Where `engine` is asked: a chat engine at `base_url`, the others at `url`."""
        return self.base_url if ENGINES[engine].chat else self.url

    @field_validator("url", "base_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        # Engines speak HTTP: anything else only failed at the first text, as a bad answer.
        if value is None:
            return value
        problem = engine_url_problem(value)
        if problem:
            raise ValueError(problem)
        return value


def engine_url_problem(url: str) -> Msg | None:
    """Why a translation engine could not be reached at `url`, or None (the message never
    quotes the URL, which may carry a key)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return _BAD_PORT
    if parts.scheme.lower() not in ("http", "https"):
        if not parts.scheme:
            return msg(
                "must be an http:// or https:// URL (the engine's server), not one with no scheme"
            )
        return msg(
            "must be an http:// or https:// URL (the engine's server), not one with scheme "
            "{scheme!r}",
            scheme=parts.scheme[:20],
        )
    if not parts.hostname:
        return msg("the URL has no host (e.g. http://127.0.0.1:5000/)")
    return None


# Our fields of a Seller Center bulk-listing template (localize/publish/template.py finds
# their columns by header); `[shops.publish.template_columns]` maps other headers onto them.
TemplateField = Literal[
    "category",
    "product_name",
    "description",
    "main_image",
    "image_2",
    "image_3",
    "image_4",
    "image_5",
    "image_6",
    "image_7",
    "image_8",
    "image_9",
    "sku",
]


class TemplateSettings(_Strict):
    """One category's bulk-listing template: the file, and what its Category cells say."""

    file: str = Field(min_length=1)  # .xlsx, relative to the shops file
    # TikTok's own category value ("Drinkware/Vacuum Flasks (600001)"): the Category
    # column is a drop-down of TikTok's names; ours ("drinkware") would be refused.
    category: str | None = Field(None, min_length=1, max_length=500)

    @field_validator("file")
    @classmethod
    def _xlsx(cls, value: str) -> str:
        if not value.lower().endswith(".xlsx"):
            raise ValueError(
                msg(
                    "must be the .xlsx bulk-listing template downloaded from Seller Center "
                    "(Products > Add products > Bulk listing); .xls and .csv cannot be filled"
                )
            )
        return value


class ImageHostSettings(_Strict):
    """An S3-compatible bucket (AWS S3, Aliyun OSS, Tencent COS, MinIO) the approved images
    are uploaded to, so their URLs can go into the template; secrets by variable name."""

    endpoint: (
        str  # e.g. "https://oss-cn-hangzhou.aliyuncs.com", "https://s3.us-east-1.amazonaws.com"
    )
    bucket: str = Field(min_length=3, max_length=63, pattern=r"^[a-z0-9][a-z0-9.-]+[a-z0-9]$")
    region: str = Field("us-east-1", min_length=1, max_length=64)
    access_key_env: str
    secret_key_env: str
    # OSS and COS accept only virtual-hosted addressing (bucket.host); MinIO often path.
    addressing: Literal["virtual", "path"] = "virtual"
    prefix: str = Field("", max_length=200)  # object names start with this ("shopbot/")
    # Where buyers' browsers (and TikTok) fetch the objects, when not the bucket's own
    # address: a CDN or custom domain. The bucket (or prefix) must be publicly readable.
    public_url: str | None = None
    timeout: float = Field(30.0, gt=0, le=600)  # one whole upload, retries included

    check_env_names = field_validator("access_key_env", "secret_key_env")(_env_name)

    @field_validator("endpoint", "public_url")
    @classmethod
    def _http(cls, value: str | None) -> str | None:
        if value is None:
            return value
        parts = urlsplit(value)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise ValueError(msg("must be an http:// or https:// URL with a host"))
        return value


class PublishSettings(_Strict):
    """Where approved work goes: a folder of export files, the seller's bulk-listing
    templates, or the shop through the API."""

    kind: Literal["export", "tiktok", "template"] = "export"
    export_dir: str | None = None
    # kind = "template": category (the listings file's) -> the template to fill, as a path
    # or {file, category}; their header -> our field for headers we do not know.
    templates: dict[str, TemplateSettings] = {}
    template_columns: dict[str, TemplateField] = {}
    image_host: ImageHostSettings | None = None
    # The shop's EPR registration for its market (WEEE, DEEE, UK packaging, ...): publish
    # preflight asks for it where markets.toml says the market requires one.
    epr_registration: str | None = None
    # Listing categories that need a product safety report (CPSC, SGS) submitted this many
    # days before going live; a category matches when it contains one of these words.
    safety_categories: list[str] = Field(
        default_factory=lambda: ["cosmetic", "beauty", "skincare", "baby", "kid", "child", "toy"]
    )
    safety_report_days: int = Field(30, ge=0, le=365)

    @field_validator("templates", mode="before")
    @classmethod
    def _paths(cls, value: Any) -> Any:
        # category = "FILE.xlsx" is short for category = { file = "FILE.xlsx" }
        if isinstance(value, dict):
            return {k: {"file": v} if isinstance(v, str) else v for k, v in value.items()}
        return value

    @model_validator(mode="after")
    def _template_needs_templates(self) -> PublishSettings:
        if self.kind == "template" and not self.templates:
            raise ValueError(
                msg(
                    'kind = "template" needs [shops.publish.templates]: category = "FILE.xlsx", '
                    "the bulk-listing template downloaded from Seller Center for that category"
                )
            )
        return self

    def template(self, category: str) -> TemplateSettings | None:
        """The template configured for a listing's category (case and spaces ignored)."""
        wanted = "".join(category.split()).casefold()
        for name, given in self.templates.items():
            if "".join(name.split()).casefold() == wanted:
                return given
        return None


class TikTokSettings(_Strict):
    """TikTok Shop Partner API access; secrets are names of environment variables."""

    base_url: str = "https://open-api.tiktokglobalshop.com"
    app_key_env: str
    app_secret_env: str
    access_token_env: str
    shop_cipher: str
    timeout: float = Field(15.0, gt=0, le=600)
    # the path's version segment; newer ones exist (digits: it goes into a signed path)
    analytics_version: str = Field("202409", pattern=r"^[0-9]{6}$")
    account_type: Literal["ALL", "SELF", "AFFILIATE"] | None = None  # sent only when set

    check_env_names = field_validator("app_key_env", "app_secret_env", "access_token_env")(
        _env_name
    )


_HOST = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.?$")


class ImageSettings(_Strict):
    """Where a shop's listing images may come from, how long and large a download may be,
    and the rate at which yuan prices printed on them are converted."""

    # named hosts allowed even on private addresses
    allow_hosts: list[str] = Field(default_factory=list)
    # e.g. "10.0.0.0/8": addresses allowed though private
    allow_networks: list[str] = Field(default_factory=list)
    folder: str | None = None  # local images may also lie below this folder
    download_seconds: float = Field(20.0, gt=0, le=600)  # one whole download, redirects included
    max_download_mb: int = Field(30, ge=1, le=500)
    concurrency: int = Field(4, ge=1, le=32)  # downloads in flight
    # the market's currency units per yuan: a yuan price on an image is converted at it
    yuan_rate: float | None = Field(None, gt=0, le=1_000_000, allow_inf_nan=False)

    @field_validator("allow_hosts")
    @classmethod
    def _hosts(cls, value: list[str]) -> list[str]:
        for i, host in enumerate(value):
            if not _HOST.match(host):
                raise ValueError(
                    msg(
                        "entry {i} is not a host name such as 'img.internal.example' "
                        "(no scheme, port or path)",
                        i=i,
                    )
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
                    msg(
                        "entry {i} ({network!r}) is not a network such as '10.0.0.0/8' "
                        "or an address such as '192.168.1.20'",
                        i=i,
                        network=network,
                    )
                ) from None
        return value

    @field_validator("folder")
    @classmethod
    def _folder(cls, value: str | None) -> str | None:
        if value is not None and not Path(value).expanduser().is_absolute():
            raise ValueError(msg("must be an absolute path, e.g. '/srv/images'"))
        return value

    def networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        """The allowed networks, parsed."""
        return [ipaddress.ip_network(n) for n in self.allow_networks]

    def folder_path(self) -> Path | None:
        """The configured images folder with symlinks resolved, or None."""
        return Path(self.folder).expanduser().resolve() if self.folder else None


class ScheduleSettings(_Strict):
    """How often the daemon runs each job."""

    # Bounded so that every interval fits a timedelta and APScheduler's next run time.
    sync_minutes: int = Field(60, ge=1, le=WEEK_MINUTES)
    check_minutes: int = Field(15, ge=1, le=WEEK_MINUTES)
    deliver_seconds: int = Field(30, ge=5, le=DAY_SECONDS)
    lease_seconds: int = Field(120, ge=5, le=DAY_SECONDS)  # not recorded by then: retried
    localize_minutes: int = Field(30, ge=1, le=WEEK_MINUTES)  # translate + caption listings
    publish_minutes: int = Field(60, ge=1, le=WEEK_MINUTES)  # approved items out


class CaptionSettings(_Strict):
    """How a shop's captions look (`[shops.captions]`), and whether the text already on
    its images is replaced."""

    style: Literal["band", "badge", "outline"] = "band"
    colour: str | None = None  # the brand colour, "#RRGGBB"
    weight: int = Field(700, ge=100, le=900)
    position: Literal["auto", "top", "bottom"] | None = None  # default: caption_position
    aspect: Literal["pad", "crop"] = "pad"  # images outside the market's aspect range
    replace_text: bool = False  # erase the supplier's Chinese text and draw its translation

    @field_validator("colour")
    @classmethod
    def _colour(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"#[0-9A-Fa-f]{6}", value):
            raise ValueError(
                msg("{value!r} is not a colour as #RRGGBB, e.g. '#E4003A'", value=value)
            )
        return value

    def rgb(self) -> tuple[int, int, int] | None:
        """The brand colour as RGB, or None when the shop set none."""
        if self.colour is None:
            return None
        return tuple(int(self.colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def _alert_urls(value: list[str]) -> list[str]:
    for i, url in enumerate(value):
        if url.startswith("env:"):
            _env_name(url[4:])
            continue
        problem = alert_url_problem(url)
        if problem:
            raise ValueError(msg("entry {i}: {problem}", i=i, problem=problem))
    return value


def _mentions(value: list[str]) -> list[str]:
    for i, entry in enumerate(value):
        if not entry.startswith("env:"):
            raise ValueError(
                msg(
                    "entry {i}: must be 'env:NAME', the environment variable holding a mobile "
                    "number or user id (never the number itself)",
                    i=i,
                )
            )
        _env_name(entry[4:])
    return value


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
    alert_urls: list[str] = Field(default_factory=list)
    alert_language: Literal["zh", "en"] = "zh"
    repeat_interval_hours: float = Field(24.0, gt=0, le=YEAR_HOURS, allow_inf_nan=False)
    quiet_hours: str | None = None
    display_timezone: str | None = None  # default: Beijing time for zh, else the shop's
    reminder_hours: float | None = Field(None, gt=0, le=7 * 24, allow_inf_nan=False)
    # "env:NAME": mobile numbers or user ids to @mention
    mentions: list[str] = Field(default_factory=list)
    languages: list[str] | None = None
    caption_images: Literal["all-but-first", "all", "none"] = "all-but-first"
    caption_position: Literal["bottom", "top"] = "bottom"
    caption_max_lines: int = Field(2, ge=1, le=4)
    captions: CaptionSettings = Field(default_factory=CaptionSettings)
    translation: TranslationSettings = Field(default_factory=TranslationSettings)
    publish: PublishSettings = Field(default_factory=PublishSettings)
    tiktok: TikTokSettings | None = None
    images: ImageSettings = Field(default_factory=ImageSettings)
    video_source: str | None = None  # default: "tiktok" when [shops.tiktok] is present
    schedule: ScheduleSettings = Field(default_factory=ScheduleSettings)

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not _SHOP_ID.match(value) or len(value) > 64:
            raise ValueError(msg("must be 1-64 characters of a-z, 0-9 and '-'"))
        return value

    @field_validator("market")
    @classmethod
    def _market(cls, value: str, info: ValidationInfo) -> str:
        catalog: MarketCatalog = info.context["markets"]
        if value not in catalog.markets:
            known = ", ".join(sorted(catalog.markets))
            raise ValueError(
                msg("unknown market {value!r}; known markets: {known}", value=value, known=known)
            )
        return value

    @field_validator("timezone", "display_timezone")
    @classmethod
    def _timezone(cls, value: str | None) -> str | None:
        return value if value is None else check_timezone(value)

    check_mentions = field_validator("mentions")(_mentions)

    @field_validator("opened_on")
    @classmethod
    def _opened_on(cls, value: date | None) -> date | None:
        if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise ValueError(
                msg("the year must be between {first} and {last}", first=FIRST_YEAR, last=LAST_YEAR)
            )
        return value

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: list[str] | None, info: ValidationInfo) -> list[str] | None:
        if value is None:
            return None
        catalog: MarketCatalog = info.context["markets"]
        codes: list[str] = []
        for i, given in enumerate(value):
            try:
                code = catalog.language_code(given, msg("entry {i}", i=i))
            except AppError as exc:
                raise ValueError(exc.text) from None
            if code == SOURCE_LANGUAGE:
                raise ValueError(
                    msg(
                        "entry {i} ({given!r}) is {code}, the language listings are written "
                        "in: there is nothing to translate; list the buyers' languages only",
                        i=i,
                        given=given,
                        code=code,
                    )
                )
            if code not in codes:
                codes.append(code)
        return codes

    @field_validator("quiet_hours")
    @classmethod
    def _quiet(cls, value: str | None) -> str | None:
        if value is not None:
            m = _QUIET.match(value)
            if not m or int(m[1]) > 23 or int(m[3]) > 23 or int(m[2]) > 59 or int(m[4]) > 59:
                raise ValueError(
                    msg("{value!r} is not HH:MM-HH:MM, e.g. '22:00-08:00'", value=value)
                )
        return value

    check_urls = field_validator("alert_urls")(_alert_urls)

    @model_validator(mode="after")
    def _market_facts(self, info: ValidationInfo) -> ShopSettings:
        catalog: MarketCatalog = info.context["markets"]
        if self.languages is None and SOURCE_LANGUAGE in self.target_languages(catalog):
            raise ValueError(
                msg(
                    "market {market}'s languages (in the markets file) include {source}, the "
                    "language listings are written in; set `languages` to the buyers' languages",
                    market=self.market,
                    source=SOURCE_LANGUAGE,
                )
            )
        engines = [self.translation.engine]
        if self.translation.fallback:
            engines.append(self.translation.fallback)
        for engine in engines:
            for lang in self.target_languages(catalog):
                if catalog.languages[lang].engine_code(engine) is None:
                    offer = [e for e in ENGINE_NAMES if catalog.languages[lang].engine_code(e)]
                    raise ValueError(
                        msg(
                            "translation: {engine} does not translate into {name} ({lang}); "
                            "engines that do: {offer}",
                            engine=engine,
                            name=catalog.languages[lang].name,
                            lang=lang,
                            offer=offer,
                        )
                    )
        return self

    def zone(self, catalog: MarketCatalog) -> ZoneInfo:
        """The shop's timezone: its own setting, else its market's."""
        return ZoneInfo(self.timezone or catalog.markets[self.market].timezone)

    def display_zone(self, catalog: MarketCatalog) -> ZoneInfo:
        """The timezone times are shown to the team in: `display_timezone`, else Beijing
        time for a team alerted in Chinese, else the shop's own."""
        if self.display_timezone:
            return ZoneInfo(self.display_timezone)
        if self.alert_language == "zh":
            return ZoneInfo(ZH_DISPLAY_TIMEZONE)
        return self.zone(catalog)

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


class ImportSettings(_Strict):
    """How sellers' files are read: their own headers mapped onto our fields, and how many
    rows one file may hold (a workbook can expand to a million)."""

    columns: dict[str, VideoField] = {}  # their header -> our field
    max_rows: int = Field(MAX_ROWS, ge=1, le=1_048_576)  # Excel's own row limit


class DigestSettings(_Strict):
    """The weekly summary of every shop: when (local weekday and time), where, in what."""

    weekday: Weekday = "monday"
    time: str = "09:30"
    timezone: str = ZH_DISPLAY_TIMEZONE
    alert_urls: list[str] = Field(default_factory=list)
    language: Literal["zh", "en"] = "zh"

    check_urls = field_validator("alert_urls")(_alert_urls)

    @field_validator("time")
    @classmethod
    def _time(cls, value: str) -> str:
        m = _CLOCK.match(value)
        if not m or int(m[1]) > 23 or int(m[2]) > 59:
            raise ValueError(msg("{value!r} is not HH:MM, e.g. '09:30'", value=value))
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        return check_timezone(value)

    @property
    def zone(self) -> ZoneInfo:
        """The digest's timezone."""
        return ZoneInfo(self.timezone)

    @property
    def at(self) -> time:
        """The local time of day it is sent."""
        hours, minutes = self.time.split(":")
        return time(int(hours), int(minutes))

    @property
    def weekday_index(self) -> int:
        """The weekday it is sent on (Monday 0)."""
        return WEEKDAYS.index(self.weekday)


@dataclass(frozen=True)
class Settings:
    """A loaded configuration: its shops and the market facts they refer to."""

    path: str
    markets: MarketCatalog
    shops: list[ShopSettings]
    import_columns: dict[str, str] = field(default_factory=dict)
    digest: DigestSettings | None = None
    fleet: FleetSettings = field(default_factory=lambda: FleetSettings())
    import_max_rows: int = MAX_ROWS
    team_language: str | None = None  # [team] language: what commands speak to the team
    # What is wrong with one shop's files (a template missing or no workbook): said when the
    # file is loaded, never a reason to stop the other shops; it fails at publish time.
    warnings: list[Text] = field(default_factory=list)

    def shop(self, shop_id: str) -> ShopSettings:
        """The shop with this id, or ConfigError naming the ids that exist."""
        for shop in self.shops:
            if shop.id == shop_id:
                return shop
        known = ", ".join(s.id for s in self.shops)
        raise ConfigError(
            self.path,
            msg("no shop with id {shop!r}; shops here: {known}", shop=echoed(shop_id), known=known)
            if known
            else msg("no shop with id {shop!r}; this file has no shops", shop=echoed(shop_id)),
        )

    def zone(self, shop: ShopSettings) -> ZoneInfo:
        """The shop's timezone."""
        return shop.zone(self.markets)

    def display_zone(self, shop: ShopSettings) -> ZoneInfo:
        """The timezone the shop's times are shown to the team in."""
        return shop.display_zone(self.markets)

    def shop_row(self, shop: ShopSettings) -> dict[str, object]:
        """The columns of the store's shop row for a configured shop."""
        return {
            "id": shop.id,
            "market": shop.market,
            "timezone": self.zone(shop).key,
            "weekly_quota": shop.weekly_quota,
            "opened_on": shop.opened_on,
        }


# A worker taken for dead, when nothing says otherwise, has been silent at least this long.
# Measured (tests/bench/bench_workers.py, 2-core machine, load average ~12): a live
# worker's 2 s beats came up to 3.4 s apart, and one was once taken for dead at 6 s
# (3 beats); 30 s is a margin of 5 times that without slowing a takeover past the
# alerts' lease (120 s).
DEAD_AFTER_MIN = 30


class FleetSettings(_Strict):
    """One process for many shops (`cadence daemon --all`): its shared, bounded pools."""

    job_workers: int = Field(4, ge=1, le=64)  # checks, deliveries, syncs in flight at once
    # The image pool's size: items whose images are drawn at once (localize and publish run
    # in a lane per shop, not here); with queue = "procrastinate", the heavy queue's workers
    # (localize, publish and image tasks).
    image_workers: int = Field(2, ge=1, le=32)
    reload_seconds: int = Field(30, ge=5, le=DAY_SECONDS)  # how often the shops file is looked at
    check_batch: int = Field(50, ge=1, le=1000)  # shops evaluated in one transaction
    # Who runs the jobs: this process's own scheduler (APScheduler, any store), or
    # procrastinate on PostgreSQL, shared by `cadence worker`s on any number of machines.
    queue: Literal["apscheduler", "procrastinate"] = "apscheduler"
    # procrastinate: how often due jobs are deferred (a divisor of 60), and how often each
    # worker says it is alive; a worker silent for 3 heartbeats is dead, its jobs run again.
    tick_seconds: int = Field(10, ge=1, le=60)
    # Calls in flight to one translation engine (its name and server) from every shop in
    # this process together; none: each shop's own [shops.translation] concurrency only.
    engine_calls: int | None = Field(None, ge=1, le=256)
    heartbeat_seconds: int = Field(10, ge=1, le=300)
    # procrastinate: a worker silent this long is taken for dead and its jobs run again on
    # another. Unset: 3 heartbeats, at least DEAD_AFTER_MIN s; a loaded machine's live
    # worker beats late, and one taken for dead has its jobs run twice.
    dead_after_seconds: int | None = Field(None, ge=2, le=3600)
    # procrastinate: a failed (or cancelled) queue job is kept this long for a person to
    # look at, then removed by the workers' hourly clean-up (job_run keeps its record).
    keep_failed_jobs_hours: int = Field(168, ge=1, le=24 * 366)

    @model_validator(mode="after")
    def _dead_after_two_beats(self) -> FleetSettings:
        given = self.dead_after_seconds
        if given is not None and given < 2 * self.heartbeat_seconds:
            raise ValueError(
                msg(
                    "dead_after_seconds = {given} is shorter than two heartbeats "
                    "(heartbeat_seconds = {beat}): every live worker would be taken for dead "
                    "between its beats; use at least {least}",
                    given=given,
                    beat=self.heartbeat_seconds,
                    least=2 * self.heartbeat_seconds,
                )
            )
        return self

    @property
    def dead_after(self) -> int:
        """Seconds without a heartbeat after which a worker is dead."""
        if self.dead_after_seconds is not None:
            return self.dead_after_seconds
        return max(3 * self.heartbeat_seconds, DEAD_AFTER_MIN)

    @field_validator("tick_seconds")
    @classmethod
    def _tick(cls, value: int) -> int:
        if 60 % value:
            raise ValueError(
                msg("{value} does not divide a minute; use 1, 2, 5, 10, 15, 20 or 30", value=value)
            )
        return value


class TeamSettings(_Strict):
    """The people who run the bot: the language their commands and review screens speak
    (alerts keep each shop's `alert_language`)."""

    language: str | None = None

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str | None) -> str | None:
        from config.i18n import known, language

        if value is None:
            return None
        found = language(value)
        if found is None:
            raise ValueError(
                msg("not a language this program speaks; use one of: {known}", known=known())
            )
        return found


class _File(_Strict):
    markets: str | None = None
    team: TeamSettings = TeamSettings()
    shops: list[ShopSettings] = []
    import_: ImportSettings = Field(ImportSettings(), alias="import")
    digest: DigestSettings | None = None
    fleet: FleetSettings = FleetSettings()


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
    "display_timezone",
    "weekday",
    "language",
    "time",
    "max_rows",
}


def load(path: Path | str) -> Settings:
    """Read and validate a shops.toml file."""
    doc = tomldoc.read(
        path,
        missing=msg(
            "no such configuration file; pass --config PATH or set SHOPBOT_CONFIG "
            "(config/shops.example.toml is a template)"
        ),
    )
    return _validate(doc, base=Path(path).parent)


def parse(text: str, shown: str, *, base: Path | None = None) -> Settings:
    """Validate configuration text; `shown` names it in messages."""
    return _validate(tomldoc.parse(text, shown), base=base)


def _validate(doc: tomldoc.TomlDocument, *, base: Path | None) -> Settings:
    data, shown = doc.data, doc.shown
    markets_path = data.get("markets")
    if isinstance(markets_path, str) and base is not None:
        markets_path = base / markets_path
    catalog = load_markets(markets_path if isinstance(markets_path, (str, Path)) else None)
    try:
        parsed = _File.model_validate(data, context={"markets": catalog})
    except ValidationError as exc:
        raise ConfigError(shown, [_describe(e, doc) for e in exc.errors()]) from None
    problems: list[Text] = []
    warnings: list[Text] = []
    seen: dict[str, int] = {}
    for i, shop in enumerate(parsed.shops):
        if shop.id in seen:
            problems.append(
                f"{doc.where(('shops', i, 'id'))}: duplicate shop id {shop.id!r} "
                f"(also shops[{seen[shop.id]}])"
            )
        seen.setdefault(shop.id, i)
        warnings += _template_problems(doc, i, shop, base)
        # said by every command, like a template's file: one shop's folder is no reason
        # for the others' commands (or cadence's) to stop
        warnings += _export_dir_problems(doc, i, shop, base)
    if problems:
        raise ConfigError(shown, problems)
    return Settings(
        path=shown,
        markets=catalog,
        shops=parsed.shops,
        import_columns=dict(parsed.import_.columns),
        digest=parsed.digest,
        fleet=parsed.fleet,
        import_max_rows=parsed.import_.max_rows,
        team_language=parsed.team.language,
        warnings=warnings,
    )


def _export_dir_problems(
    doc: tomldoc.TomlDocument, index: int, shop: ShopSettings, base: Path | None
) -> list[Msg]:
    """An `export_dir` that can never be a folder (a file is at its name, or above it):
    found at publish before, once per item ("failed 40")."""
    given = shop.publish.export_dir
    if not given or base is None or shop.publish.kind == "tiktok":
        return []
    where = msg(
        "{where} [shop {shop!r}]",
        where=doc.where(("shops", index, "publish", "export_dir")),
        shop=shop.id,
    )
    problem = _unusable_folder(_export_folder(base, shop), where)
    return [problem] if problem is not None else []


def _export_folder(base: Path, shop: ShopSettings) -> Path:
    """`export_dir` (relative to the shops file's folder `base`), else out/SHOP there."""
    given = shop.publish.export_dir
    folder = Path(given).expanduser() if given else Path("out") / shop.id
    return folder if folder.is_absolute() else base / folder


def _unusable_folder(folder: Path, where: Text) -> Msg | None:
    """Why `folder` can never be the exports' folder (a file at its name or above it),
    named by `where`; None when it can (it is made when missing)."""
    try:
        # the folder is made when missing: only what stands at its name or above matters
        standing = next((p for p in (folder, *folder.parents) if p.exists()), None)
        if standing is None or standing.is_dir():
            return None
    except OSError as exc:
        return msg("{where}: cannot be used: {reason}", where=where, reason=exc.strerror or exc)
    return msg(
        "{where}: {path} is a file, not a folder; name a folder for the exports (it is "
        "made when missing)",
        where=where,
        path=str(standing),
    )


def export_folder(settings: Settings, shop: ShopSettings) -> Path:
    """The shop's export folder: `export_dir` (relative to the shops file), else out/SHOP
    beside it; ConfigError naming the key when it can never be a folder, so that a publish
    run stops once, before any item is touched, rather than failing each item."""
    folder = _export_folder(Path(settings.path).parent, shop)
    index = next((i for i, s in enumerate(settings.shops) if s.id == shop.id), 0)
    where = msg(
        "{where} [shop {shop!r}]",
        where=tomldoc.key_path(("shops", index, "publish", "export_dir")),
        shop=shop.id,
    )
    problem = _unusable_folder(folder, where)
    if problem is not None:
        raise ConfigError(settings.path, problem)
    return folder


def _template_problems(
    doc: tomldoc.TomlDocument, index: int, shop: ShopSettings, base: Path | None
) -> list[str]:
    """Templates that are missing or are not .xlsx workbooks, each named with its key: a
    file can go missing under a running daemon as well, so this is the shop's publish
    problem (its items of that category fail at publish, saying why), not the file's."""
    import zipfile

    if base is None:
        return []
    problems = []
    for category in shop.publish.templates:
        file = shop.publish.template(category)
        assert file is not None
        path = Path(file.file) if Path(file.file).is_absolute() else base / file.file
        where = doc.where(("shops", index, "publish", "templates", category))
        if not path.is_file():
            problems.append(
                msg(
                    "{where}: no template file {path!r} for category {category!r}; download "
                    "the category's bulk-listing template from Seller Center (Products > Add "
                    "products > Bulk listing) and give its path, relative to this file; until "
                    "then shop {shop!r} publishes no item of that category",
                    where=where,
                    path=str(path),
                    category=category,
                    shop=shop.id,
                )
            )
        elif not zipfile.is_zipfile(path):
            problems.append(
                msg(
                    "{where}: {path!r} is not an .xlsx workbook (an .xls, or a damaged "
                    "download?); open it in Excel or WPS and save it as .xlsx, or download it "
                    "again; until then shop {shop!r} publishes no item of that category",
                    where=where,
                    path=str(path),
                    shop=shop.id,
                )
            )
    return problems


def _describe(error: Any, doc: tomldoc.TomlDocument) -> str:
    loc = tuple(error["loc"])
    where = doc.where(loc)
    if len(loc) >= 2 and loc[0] == "shops" and isinstance(loc[1], int):
        shops = doc.data.get("shops")
        if isinstance(shops, list) and loc[1] < len(shops) and isinstance(shops[loc[1]], dict):
            shop_id = shops[loc[1]].get("id")
            if isinstance(shop_id, str):
                where = msg("{where} [shop {shop!r}]", where=where, shop=shop_id)
    name = loc[-1] if loc else None
    if error["type"] == "extra_forbidden" and isinstance(name, str) and name in _homes():
        return _misplaced(name, where)
    if error["type"] == "list_type" and loc == ("shops",):  # shops = {...}, [shops]
        return msg(
            "{where}: each shop is a [[shops]] table: write [[shops]] (double brackets) on a "
            "line of its own with that shop's keys below it, and again for each shop",
            where=where,
        )
    if error["type"] in ("model_type", "dict_type"):  # pydantic would name our class
        return _not_a_table(loc, error.get("input"), where)
    return tomldoc.problem(error, where, template="config/shops.example.toml", echo=_ECHO)


def _not_a_table(loc: tuple[Any, ...], given: Any, where: Any) -> Msg:
    """A key that is a table, given something else: how to write it ([[KEY]] makes a list
    of tables, the usual slip)."""
    table = ".".join(p for p in loc if isinstance(p, str))
    if isinstance(given, list):
        return msg(
            "{where}: [[{table}]] makes a list of tables, and this is one table: write it "
            "[{table}], with single brackets",
            where=where,
            table=table,
        )
    return msg(
        "{where}: a table: write [{table}] on a line of its own, its keys on the lines below",
        where=where,
        table=table,
    )


def _misplaced(name: str, where: Any) -> Msg:
    """An unknown key that is a key of another table ([team]'s `language` written in a
    shop): where it belongs, rather than "check its spelling"."""
    homes, top_table = _homes()[name]
    if top_table:
        return msg(
            "{where}: unknown key here; [{name}] is a table of its own at the top level of the "
            "file, not inside another table: write it as [{name}]",
            where=where,
            name=name,
        )
    return msg(
        "{where}: unknown key here; it is a key of {homes}: move it there",
        where=where,
        homes=Joined(homes, msg(" or ")),
    )


@cache
def _homes() -> dict[str, tuple[list[str], bool]]:
    """Every key of the shops file -> the tables it is a key of, as users write them, and
    whether it is a table of its own at the top level."""
    found: dict[str, tuple[list[str], bool]] = {}

    def walk(model: type[BaseModel], table: str, prefix: str) -> None:
        for field_name, info in model.model_fields.items():
            key = info.alias or field_name
            sub = _model_in(info.annotation)
            homes, top = found.setdefault(key, ([], False))
            homes.append(table)
            if sub is not None:
                if not prefix:  # [team], [digest], [fleet], [import]; [[shops]]
                    found[key] = (homes, key != "shops")
                walk(sub, f"[[{key}]]" if key == "shops" else f"[{prefix}{key}]", f"{prefix}{key}.")

    walk(_File, msg("the top level"), "")
    return found


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The settings table a field holds (itself, optional or a list of them); None for a
    value, or a table of tables named by the user (templates by category)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) is dict:
        return None
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def alert_url_problem(url: str) -> Msg | None:
    """Why alerts could not be delivered to `url` (an Apprise URL or one of ours), or None;
    the message never quotes the URL, which carries tokens."""
    bad = control_character(url)
    if bad is not None:  # an escape or a line break is no part of any service's address
        return msg("contains {bad}; remove it", bad=bad)
    scheme, sep, _ = url.partition("://")
    if not sep or not _SCHEME.fullmatch(scheme):
        return msg("neither an Apprise URL (scheme://...) nor 'env:NAME'")
    # Some services' tokens hold a colon (tgram://123:abc/...), so only digits are a port.
    port = url.split("://", 1)[1].split("/", 1)[0].rpartition("@")[2].rpartition(":")[2]
    if port.isascii() and port.isdigit() and not 1 <= int(port) <= 65535:
        return _BAD_PORT
    scheme = scheme.lower()
    if scheme in _OWN_SCHEMES:
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - raises ValueError for a port that is not a number
        except ValueError:
            return _BAD_PORT
        if parts.hostname:
            return None
        return msg("a {scheme}:// URL needs {part}", scheme=scheme, part=_OWN_SCHEMES[scheme])
    import apprise  # only when a shop names such a URL: it loads every plugin

    with apprise.LogCapture(level=apprise.logging.WARNING):
        understood = apprise.Apprise().add(url)
    if not understood:
        shown = scheme if len(scheme) <= 20 else scheme[:20] + "…"
        return msg(
            "Apprise does not understand this {scheme}:// URL (an unknown scheme, or a part "
            "it needs, such as a token, is missing); see Apprise's list of services",
            scheme=shown,
        )
    return None
