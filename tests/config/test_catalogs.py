"""The catalogs are complete and in step with the code, and no message a person reads
bypasses them: the commands run in the pseudo-language, where every catalog word is marked."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest

from config.i18n import CATALOGS, CLOSE, DOMAIN, LOCALE_DIR, OPEN, PARTIAL, PSEUDO, placeholders
from tests import catalogs

LANGUAGES = [lang for lang, folder in CATALOGS.items() if folder]


@pytest.fixture(scope="module")
def texts() -> set[tuple[str | None, str]]:
    return {(m.context, m.id) for m in catalogs.extracted() if m.id}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_in_the_code_is_translated_and_nothing_is_fuzzy(
    lang: str, texts: set[tuple[str | None, str]]
) -> None:
    po = catalogs.read(lang)
    entries = {(m.context, m.id): m for m in po if m.id}
    missing = sorted(texts - entries.keys())
    assert not missing, (
        f"not in {catalogs.po_path(lang)}: {missing[:10]} (python -m tests.catalogs)"
    )
    # a language with a declared scope (th, vi: the review UI) translates that scope
    wanted = catalogs.scope(lang) if lang in PARTIAL else texts
    untranslated = sorted(t for t, m in entries.items() if t in wanted and not m.string)
    assert not untranslated, f"untranslated: {untranslated[:10]}"
    fuzzy = sorted(t for t, m in entries.items() if m.fuzzy)
    assert not fuzzy, f"fuzzy: {fuzzy[:10]}"
    stale = sorted(entries.keys() - texts)
    assert not stale, f"no longer in the code: {stale[:10]} (python -m tests.catalogs)"


@pytest.mark.parametrize("lang", sorted(PARTIAL))
def test_a_partial_catalog_covers_what_it_declares_and_says_who_wrote_it(
    lang: str, texts: set[tuple[str | None, str]]
) -> None:
    scope = catalogs.scope(lang)
    assert scope and scope < texts, f"{lang}: {PARTIAL[lang]} names no texts of the code"
    assert (None, "Approve") in scope  # the review UI's keys
    po = catalogs.read(lang)
    assert "machine-written and await a native reviewer" in po.header_comment


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_translation_keeps_the_places_of_its_text(lang: str) -> None:
    wrong = [
        (m.id, m.string)
        for m in catalogs.read(lang)
        if m.id
        and (m.string or lang not in PARTIAL)  # a partial one's untranslated rest is English
        and placeholders(m.id) != placeholders(m.string)
    ]
    assert not wrong


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_compiled_catalog_says_what_the_po_file_says(lang: str) -> None:
    folder = CATALOGS[lang]
    assert folder is not None
    mo = gettext.translation(DOMAIN, LOCALE_DIR, languages=[folder])
    po = catalogs.read(lang)
    stale = [
        m.id
        for m in po
        # an untranslated text (outside a partial catalog's scope) is read as its English
        if m.id
        and (mo.pgettext(m.context, m.id) if m.context else mo.gettext(m.id)) != (m.string or m.id)
    ]
    assert not stale, f"{folder}'s .mo is out of date: python -m tests.catalogs"


# The pseudo-language over the commands: what is left outside ⟦ ⟧ must be data.

SHOPS = (
    '[[shops]]\nid = "acme-th"\nmarket = "TH"\nalert_language = "en"\n'
    '[[shops]]\nid = "acme-uk"\nmarket = "UK"\nweekly_quota = 4\n'
)
CSV = (
    "id,posted_at,products,title\n"
    "7301,2026-11-23T20:00:00+07:00,P1,保温杯开箱\n"
    "7302,2026-11-24T20:00:00+07:00,,没有挂车\n"
)
# Each row skipped for a different reason (the import's row problems are read most).
BAD_CSV = (
    "id,posted_at,products,title,status,original\n"
    ",2026-11-23T20:00:00+07:00,P1,no id,,\n"
    "7303,tomorrow,P1,bad time,,\n"
    "7304,2026-11-23T20:00:00+07:00,P1,bad status,gone,\n"
    "7305,2026-11-23T20:00:00+07:00,P1,bad original,,maybe\n"
    "7306,2026-11-23T20:00:00+07:00,P1,too,many,fields,here\n"
    "7307,2026-11-23T20:00:00+07:00,P1\n"
    "7308,2026-11-23T20:00:00+07:00,P1,first,,\n"
    "7308,2026-11-23T20:00:00+07:00,P1,again,,\n"
    "7309,3026-11-23T20:00:00+07:00,P1,far year,,\n"
    '7310,2026-11-23T20:00:00+07:00,P1,"never closed,,\n'
)
MARKED = re.compile(f"{OPEN}[^{CLOSE}]*{CLOSE}")
# Data a line may carry outside the marks: ids, paths, times, zones, counts, config keys,
# and the alerts' own dates (cadence.messages speaks each shop's alert_language).
DATA = re.compile(
    r"acme-\w+|/[\w./-]+|\d{4}-\d\d-\d\d[T\d:.+-]*|\b(Asia|Europe)/\w+|\b("
    r"missed_day|weekly_quota|day_quota)\b|\[\[?[a-z_.]+\]\]?|\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d "
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d\d:\d\d( \w+)?|\b\d+\b|"
    r"\bP\d\b|--[a-z-]+|'[^']*'|\b[a-z_]+\[\d+\](\.[a-z_]+)+|config/[\w.]+|\b(en|zh|th|vi)\b"
)


def bare_words(text: str, data: re.Pattern[str] | None = None) -> list[str]:
    """The words of `text` outside the marks that are not data (`data` names more of it):
    each bypassed a catalog."""
    if data is not None:
        text = data.sub(" ", text)
    left = DATA.sub(" ", MARKED.sub(" ", text))
    return re.findall(r"[A-Za-z]{2,}", left)


COMMANDS = [
    ("videos", "import", "{dir}/v.csv", "--shop", "acme-th"),
    ("videos", "import", "{dir}/bad.csv", "--shop", "acme-th"),
    ("videos", "import", "{dir}/header.csv", "--shop", "acme-th"),
    ("status", "--as-of", "2026-11-27T10:00+07:00"),
    ("history", "--shop", "acme-th", "--as-of", "2026-11-27T10:00+07:00"),
    ("check", "--shop", "acme-th", "--as-of", "2026-11-27T10:00+07:00"),
    ("alerts",),
    ("fleet", "status"),
    ("status", "--shop", "nope"),
    ("status", "--config", "{dir}/gone.toml"),
    ("status", "--config", "{dir}/typo.toml"),
    ("status", "--config", "{dir}/types.toml"),
    ("status", "--config", "{dir}/templates.toml"),
    ("status", "--lang", "xx"),
]


def test_no_message_of_the_cadence_commands_bypasses_the_catalogs(
    cli, tmp_path: Path, db_url: str
) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "shops.toml").write_text(SHOPS, encoding="utf-8")
    (tmp_path / "typo.toml").write_text(SHOPS + "colour = 1\n", encoding="utf-8")
    (tmp_path / "v.xlsx").write_text("not a workbook", encoding="utf-8")
    (tmp_path / "templates.toml").write_text(  # warned of, not fatal
        SHOPS + '[shops.publish]\nkind = "template"\nexport_dir = "export"\n'
        '[shops.publish.templates]\ndrinkware = "gone.xlsx"\nkitchen = "v.xlsx"\n',
        encoding="utf-8",
    )
    # pydantic's own messages: each through the catalogs
    (tmp_path / "types.toml").write_text(
        SHOPS.replace("weekly_quota = 4", 'weekly_quota = "four"')
        + '[[shops]]\nid = "acme-vn"\nmarket = "VN"\nweekly_quota = 0\nalert_language = "fr"\n',
        encoding="utf-8",
    )
    (tmp_path / "v.csv").write_text(CSV, encoding="utf-8")
    (tmp_path / "bad.csv").write_text(BAD_CSV, encoding="utf-8")
    (tmp_path / "header.csv").write_text("id,when,title\n1,2,3\n", encoding="utf-8")
    environ = {
        "SHOPBOT_DB": db_url,
        "SHOPBOT_CONFIG": str(tmp_path / "shops.toml"),
        "SHOPBOT_LANG": PSEUDO,
    }
    # the file's own words: statuses and column names
    statuses = re.compile(
        r"\b(published|scheduled|failed|deleted|id|posted_at|products|title|status|original|"
        r"cover|when)\b"
    )
    bypassed = {}
    for command in COMMANDS:
        args = [a.format(dir=tmp_path) for a in command]
        result = cli("cadence", *args, environ=environ)
        assert result.code in (0, 1, 2), result.err
        for line in (result.out + result.err).splitlines():
            if bare_words(line, statuses):
                bypassed[line] = " ".join(command)
    assert not bypassed, "\n".join(f"{c}: {line}" for line, c in bypassed.items())


# Each shops file wrong in one of the values our validators check (URLs, languages,
# engines, the image hosts allowed, the chat model): the problem is said in the language.
SHOP = '[[shops]]\nid = "acme-th"\nmarket = "TH"\n'
WRONG_VALUES = {
    "chat model": SHOP + '[shops.translation]\nengine = "openai"\n',
    "engine url scheme": SHOP + '[shops.translation]\nengine = "libre"\nurl = "ftp://x"\n',
    "engine url without one": SHOP + '[shops.translation]\nengine = "libre"\nurl = "x"\n',
    "engine url host": SHOP + '[shops.translation]\nengine = "libre"\nurl = "http://"\n',
    "engine url port": SHOP + '[shops.translation]\nengine = "libre"\nurl = "http://h:x/"\n',
    "engine language": SHOP + '[shops.translation]\nengine = "deepl"\n',
    "allowed host": SHOP + '[shops.images]\nallow_hosts = ["http://img.example/"]\n',
    "allowed network": SHOP + '[shops.images]\nallow_networks = ["ten"]\n',
    "alert url": SHOP + 'alert_urls = ["nonsense"]\n',
    "alert url part": SHOP + 'alert_urls = ["wecombot://"]\n',
    "source language": SHOP + 'languages = ["zh-CN"]\n',
    "unknown language": SHOP + 'languages = ["xx"]\n',
}


@pytest.mark.parametrize("case", sorted(WRONG_VALUES))
def test_a_wrong_value_in_the_shops_file_is_said_in_the_language(case: str, tmp_path: Path) -> None:
    from config.errors import ConfigError
    from config.i18n import catalog
    from config.settings import load

    path = tmp_path / "shops.toml"
    path.write_text(WRONG_VALUES[case], encoding="utf-8")
    with pytest.raises(ConfigError) as wrong:
        load(path)
    pseudo = catalog(PSEUDO).render(wrong.value.text)
    # the values quoted back: engines, languages (codes and a name), a scheme, models
    values = re.compile(
        r"\b(openai|deepl|google|microsoft|baidu|libre|mymemory|deepseek-chat|qwen-plus|"
        r"Thai|zh-CN|id|ms|fil|de|fr|ftp|wecombot)\b|shops\[\d+\](\.[a-z_]+)*"
    )
    assert not bare_words(pseudo, values), pseudo
    chinese = catalog("zh").render(wrong.value.text)
    assert re.search(r"[\u4e00-\u9fff]", chinese), chinese
