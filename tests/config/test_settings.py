"""The shops file: what it accepts, and the one clear error for everything it does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.errors import ConfigError
from config.settings import load

GOOD = """
[[shops]]
id = "acme-th"
market = "TH"

[[shops]]
id = "acme-uk"
market = "UK"
weekly_quota = 4
timezone = "Europe/London"
alert_urls = ["json://127.0.0.1:8080/hook", "env:ACME_HOOK"]
[shops.translation]
engine = "libre"
url = "http://127.0.0.1:5000/"
api_key_env = "LIBRE_API_KEY"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "shops.toml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(tmp_path: Path, text: str) -> str:
    with pytest.raises(ConfigError) as info:
        load(write(tmp_path, text))
    return str(info.value)


def test_defaults_come_from_the_market(tmp_path: Path) -> None:
    settings = load(write(tmp_path, GOOD))
    th, uk = settings.shops
    assert str(settings.zone(th)) == "Asia/Bangkok"
    assert th.weekly_quota == 3 and th.week_start == "monday"
    assert th.target_languages(settings.markets) == ["th"]
    assert uk.weekly_quota == 4 and uk.translation.engine == "libre"
    assert settings.shop("acme-uk") is uk


def test_the_example_file_loads() -> None:
    example = Path(__file__).parents[2] / "config" / "shops.example.toml"
    settings = load(example)
    markets = {s.market for s in settings.shops}
    assert len(settings.shops) >= 2 and len(markets) >= 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '[[shops]]\nid = "a"\nmarket = "TH"\nweekly_quta = 3\n',
            "shops[0].weekly_quta (line 4) [shop 'a']: unknown key",
        ),
        (
            '[[shops]]\nid = "a"\nmarket = "XX"\n',
            "shops[0].market (line 3) [shop 'a']: unknown market 'XX'; known markets: DE, FR, ID",
        ),
        (
            '[[shops]]\nid = "a"\nmarket = "TH"\ntimezone = "Asia/Bangkock"\n',
            "shops[0].timezone (line 4) [shop 'a']: unknown timezone 'Asia/Bangkock'",
        ),
        (
            '[[shops]]\nid = "a"\nmarket = "TH"\nweekly_quota = 0\n',
            "shops[0].weekly_quota (line 4) [shop 'a']: Input should be greater than or equal to 1",
        ),
        (
            '[[shops]]\nid = "a"\nmarket = "TH"\n[[shops]]\nid = "a"\nmarket = "VN"\n',
            "shops[1].id (line 5): duplicate shop id 'a' (also shops[0])",
        ),
        (
            '[[shops]]\nid = "Acme TH"\nmarket = "TH"\n',
            "shops[0].id (line 2) [shop 'Acme TH']: must be 1-64 characters of a-z, 0-9 and '-'",
        ),
        ('[[shops]]\nid = "a"\n', "shops[0].market (line 1) [shop 'a']: required key is missing"),
        (
            '[[shops]]\nid = "a"\nmarket = "TH"\n[shops.translation]\nengine = "deepl"\n',
            "deepl does not translate into Thai (th); engines that do: google, microsoft",
        ),
        (
            '[[shops]]\nid = "a"\nmarket = "TH"\n[shops.translation]\nengine = "bing"\n',
            "shops[0].translation.engine (line 5) [shop 'a']: Input should be 'google', 'deepl'",
        ),
        (
            '[[shops]]\nid = "a"\nmarket = "TH"\nquiet_hours = "22-8"\n',
            "shops[0].quiet_hours (line 4) [shop 'a']: '22-8' is not HH:MM-HH:MM",
        ),
        (
            '[[shops]]\nid = "a"\nmarket = "TH"\nlanguages = ["klingon"]\n',
            "unknown language 'klingon'",
        ),
    ],
    ids=[
        "unknown-key",
        "bad-market",
        "bad-timezone",
        "quota-below-1",
        "duplicate-id",
        "bad-id",
        "missing-market",
        "engine-lacks-language",
        "unknown-engine",
        "quiet-hours",
        "unknown-language",
    ],
)
def test_each_mistake_gets_a_message_naming_file_key_and_problem(
    tmp_path: Path, text: str, expected: str
) -> None:
    message = error_of(tmp_path, text)
    assert message.startswith(str(tmp_path / "shops.toml") + ": ")
    assert expected in message


def test_malformed_toml_names_the_line(tmp_path: Path) -> None:
    message = error_of(tmp_path, '[[shops]]\nid = "a"\nmarket = TH\n')
    assert "not valid TOML" in message and "line 3" in message


def test_several_problems_are_reported_together(tmp_path: Path) -> None:
    message = error_of(
        tmp_path, '[[shops]]\nid = "a"\nmarket = "XX"\nweekly_quota = -1\ncolour = "red"\n'
    )
    assert "3 problems" in message
    assert "shops[0].market" in message and "shops[0].weekly_quota" in message
    assert "shops[0].colour" in message


def test_a_missing_file_says_how_to_point_at_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load(tmp_path / "nope.toml")
    assert "no such configuration file" in str(info.value)
    assert "--config" in str(info.value) and "SHOPBOT_CONFIG" in str(info.value)


def test_secret_values_are_never_echoed(tmp_path: Path) -> None:
    secret = "dingtalk://s3cr3t-token@abcdef"
    text = (
        '[[shops]]\nid = "a"\nmarket = "TH"\n'
        f'alert_urls = ["{secret}", "not a url s3cr3t"]\napi_key = "s3cr3t"\n'
    )
    message = error_of(tmp_path, text)
    assert "s3cr3t" not in message
    assert "alert_urls" in message and "api_key" in message


def test_secret_fields_take_variable_names_not_secrets(tmp_path: Path) -> None:
    message = error_of(
        tmp_path,
        '[[shops]]\nid = "a"\nmarket = "TH"\n[shops.translation]\napi_key_env = "sk-12 34"\n',
    )
    assert "must be the NAME of an environment variable" in message
    assert "sk-12 34" not in message


def test_a_custom_markets_file_is_read_relative_to_the_shops_file(tmp_path: Path) -> None:
    (tmp_path / "m.toml").write_text(
        '[languages.en]\nname = "English"\nengines = { google = "en" }\n'
        "[defaults]\nimages = { min_count = 1, max_count = 9, min_px = 300, max_px = 4000, "
        'max_bytes = 5242880, formats = ["JPEG"], min_aspect = 0.75, max_aspect = 1.33 }\n'
        '[markets.ZZ]\ntimezone = "Pacific/Auckland"\nlanguages = ["en"]\n',
        encoding="utf-8",
    )
    settings = load(write(tmp_path, 'markets = "m.toml"\n[[shops]]\nid = "a"\nmarket = "ZZ"\n'))
    assert str(settings.zone(settings.shops[0])) == "Pacific/Auckland"


def test_unknown_shop_lists_the_known_ones(tmp_path: Path) -> None:
    settings = load(write(tmp_path, GOOD))
    with pytest.raises(ConfigError) as info:
        settings.shop("acme-vn")
    assert "no shop with id 'acme-vn'; shops here: acme-th, acme-uk" in str(info.value)


IMAGES = '[[shops]]\nid = "a"\nmarket = "TH"\n[shops.images]\n'


def test_the_images_table_and_its_defaults(tmp_path: Path) -> None:
    settings = load(
        write(
            tmp_path,
            IMAGES + 'allow_hosts = ["IMG.Internal.Example."]\n'
            'allow_networks = ["10.0.0.0/8", "192.168.1.20", "fd00::/8"]\n'
            'folder = "/srv/images"\nmax_download_mb = 5\n',
        )
    )
    images = settings.shops[0].images
    assert images.allow_hosts == ["img.internal.example"]
    assert [str(n) for n in images.networks()] == ["10.0.0.0/8", "192.168.1.20/32", "fd00::/8"]
    assert images.max_download_mb == 5 and images.download_seconds == 20
    assert images.concurrency == 4
    default = load(write(tmp_path, '[[shops]]\nid = "a"\nmarket = "TH"\n')).shops[0].images
    assert default.allow_hosts == [] and default.allow_networks == [] and default.folder is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            'allow_networks = ["10.0.0.0/8", "10.0.0.1/8"]',
            "shops[0].images.allow_networks (line 5) [shop 'a']: entry 1 ('10.0.0.1/8') is not "
            "a network such as '10.0.0.0/8'",
        ),
        (
            'allow_hosts = ["http://img.example/"]',
            "shops[0].images.allow_hosts (line 5) [shop 'a']: entry 0 is not a host name",
        ),
        ('folder = "images"', "shops[0].images.folder (line 5) [shop 'a']: must be an absolute"),
        ("download_seconds = 0", "shops[0].images.download_seconds (line 5) [shop 'a']: Input"),
        ("max_download_mb = 0", "shops[0].images.max_download_mb (line 5) [shop 'a']: Input"),
        ("concurrency = 100", "shops[0].images.concurrency (line 5) [shop 'a']: Input"),
        ("allow_host = []", "shops[0].images.allow_host (line 5) [shop 'a']: unknown key"),
    ],
)
def test_images_table_mistakes_name_key_and_line(tmp_path: Path, line: str, expected: str) -> None:
    assert expected in error_of(tmp_path, IMAGES + line + "\n")
