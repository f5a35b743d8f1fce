"""Language codes as users write them (`th-TH`, `TH`, `en-GB`, `zh-cn`) reach the memory and
the glossary as the markets file spells them, through every command, on both stores."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest
from sqlmodel import select

from store.db import open_store, session_scope
from store.models import GlossaryTerm, TranslationMemory
from tests.localize.images import photo

KNOWN = "known: zh-CN, en, th, vi, id, ms, fil, de, fr"


@pytest.fixture
def run(cli, tmp_path: Path, db_url: str, engine_server):  # type: ignore[no-untyped-def]
    """`localize ... --config --db` with two shops, one of each market's language spelt
    the way sellers do."""
    engine = (
        f'[shops.translation]\nengine = "libre"\nurl = "{engine_server.url}"\n'
        'api_key_env = "LIBRE_KEY"\nretries = 0\n'
    )
    shops = (
        f'[[shops]]\nid = "acme-th"\nmarket = "TH"\n{engine}'
        f'[[shops]]\nid = "acme-my"\nmarket = "MY"\nlanguages = ["ms-MY", "EN", "ms"]\n{engine}'
    )
    (tmp_path / "shops.toml").write_text(shops, encoding="utf-8")
    options = ["--config", str(tmp_path / "shops.toml"), "--db", db_url]
    invoke = functools.partial(_localize, cli, options)
    invoke.db_url = db_url  # type: ignore[attr-defined]
    return invoke


def _localize(cli, options: list[str], *args: str):  # type: ignore[no-untyped-def]
    return cli("localize", *args, *options, environ={"LIBRE_KEY": "k"})


def stored(db_url: str, model):  # type: ignore[no-untyped-def]
    with session_scope(open_store(db_url)) as s:
        return list(s.exec(select(model)))


def test_the_shops_languages_are_normalised(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from config.settings import load

    settings = load(tmp_path / "shops.toml")
    assert settings.shop("acme-my").target_languages(settings.markets) == ["ms", "en"]
    result = run("text", "保温杯", "--to", "ms-my", "--shop", "acme-my", "--json")
    assert result.code == 0, result.err


@pytest.mark.parametrize("to", ["th-TH", "TH", "th_th"])
def test_text_to_a_regional_code_uses_the_same_memory(run, engine_server, to: str) -> None:  # type: ignore[no-untyped-def]
    first = run("text", "保温杯", "--to", "th", "--shop", "acme-th", "--json")
    assert first.code == 0, first.err
    again = run("text", "保温杯", "--to", to, "--from", "ZH-cn", "--shop", "acme-th", "--json")
    assert again.code == 0, again.err
    assert json.loads(again.out)["origin"] == "memory"
    assert len(engine_server.requests) == 1
    assert {(r.source_lang, r.target_lang) for r in stored(run.db_url, TranslationMemory)} == {
        ("zh-CN", "th")
    }


@pytest.mark.parametrize(
    ("option", "value"), [("--to", "xx"), ("--to", "zh-TW"), ("--from", "klingon")]
)
def test_text_refuses_an_unknown_code_with_the_known_ones(run, option: str, value: str) -> None:  # type: ignore[no-untyped-def]
    args = ["text", "杯", "--to", "th", "--shop", "acme-th", option, value]
    result = run(*args)
    assert result.code == 2
    assert f"{option}: unknown language {value!r}; {KNOWN}" in result.err


def test_glossary_codes_are_normalised_and_used(run) -> None:  # type: ignore[no-untyped-def]
    added = run("glossary", "add", "保温杯", "--to", "th-TH", "--as", "แก้วเก็บความร้อน")
    assert added.code == 0, added.err
    assert "in th (" in added.out and "th-TH" not in added.out  # says what was stored
    never = run("glossary", "add", "ACME", "--to", "TH")
    assert never.code == 0 and "never translated into th (" in never.out, never.out
    result = run("text", "ACME 保温杯", "--to", "TH", "--shop", "acme-th", "--json")
    assert json.loads(result.out)["translation"].endswith("แก้วเก็บความร้อน")
    assert [t.language for t in stored(run.db_url, GlossaryTerm)] == ["th", "th"]
    assert run("glossary", "add", "杯", "--to", "en-GB", "--as", "cup").code == 0
    assert run("glossary", "remove", "杯", "--to", "EN").code == 0
    assert sorted(t.term for t in stored(run.db_url, GlossaryTerm)) == ["ACME", "保温杯"]
    refused = run("glossary", "add", "杯", "--to", "xx", "--as", "cup")
    assert refused.code == 2 and f"--to: unknown language 'xx'; {KNOWN}" in refused.err


def test_glossary_import_normalises_the_language_column(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "terms.csv"
    path.write_text(
        "term,language,target\n杯,TH,แก้ว\n盖,en-GB,lid\n碗,xx,bowl\nACME,,\n", encoding="utf-8"
    )
    result = run("glossary", "import", str(path), "--shop", "acme-my")
    assert result.code == 1
    assert f"{path}:4: language: unknown language 'xx'; {KNOWN}" in result.err
    assert "3 added, 0 updated, 1 rows skipped" in result.out
    assert {(t.term, t.language) for t in stored(run.db_url, GlossaryTerm)} == {
        ("杯", "th"),
        ("盖", "en"),
        ("ACME", ""),
    }


TMX = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="zh-cn" '
    'creationtool="x" creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" '
    'datatype="plaintext"/><body>'
    '<tu><tuv xml:lang="ZH-CN"><seg>保温杯</seg></tuv><tuv xml:lang="ms-MY"><seg>Cawan termos'
    '</seg></tuv><tuv xml:lang="en-GB"><seg>Vacuum cup</seg></tuv></tu>'  # 1: 2 stored
    '<tu><tuv xml:lang="zh-Hans"><seg>杯盖</seg></tuv><tuv xml:lang="en"><seg> </seg></tuv>'
    '<tuv xml:lang="ja"><seg>蓋</seg></tuv><tuv xml:lang="ms"><seg>Penutup</seg></tuv></tu>'
    '<tu><tuv xml:lang="zh-CN"><seg></seg></tuv><tuv xml:lang="ms"><seg>x</seg></tuv></tu>'
    '<tu srclang="ja"><tuv xml:lang="ja"><seg>蓋</seg></tuv><tuv xml:lang="ms"><seg>y</seg>'
    "</tuv></tu>"
    '<tu><tuv xml:lang="zh-CN"><seg>碗</seg></tuv><tuv xml:lang="en-US"><seg>bowl</seg></tuv>'
    '<tuv xml:lang="en-GB"><seg>basin</seg></tuv></tu>'  # 5: en twice, the first kept
    "</body></tmx>"
)


def test_tmx_codes_are_normalised_and_unusable_segments_counted(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "in.tmx"
    path.write_text(TMX, encoding="utf-8")
    result = run("memory", "import", str(path), "--shop", "acme-my")
    assert result.code == 0, result.err
    assert "4 translation(s) stored, 4 unit(s) skipped" in result.out
    assert f"{path}: tu 2: the en segment is empty; xml:lang: unknown language 'ja'" in result.err
    assert f"{path}: tu 3: the zh-CN segment, the source, is empty" in result.err
    assert f"{path}: tu 4: no segment in the source language: srclang: unknown" in result.err
    assert f"{path}: tu 5: xml:lang 'en-GB' is en again; the first en segment kept" in result.err
    assert {
        (r.source_lang, r.target_lang, r.target_text) for r in stored(run.db_url, TranslationMemory)
    } == {
        ("zh-CN", "ms", "Cawan termos"),
        ("zh-CN", "en", "Vacuum cup"),
        ("zh-CN", "ms", "Penutup"),
        ("zh-CN", "en", "bowl"),
    }
    hit = run("text", "保温杯", "--to", "MS", "--shop", "acme-my", "--json")
    assert json.loads(hit.out)["translation"] == "Cawan termos"
    assert json.loads(hit.out)["origin"] == "memory"


@pytest.mark.parametrize("to", ["th-TH", "TH"])
def test_image_captions_in_a_regional_code_are_drawn_in_that_language(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, to: str
) -> None:
    src = tmp_path / "a.jpg"
    photo().save(src)
    out = tmp_path / "out.jpg"
    result = cli("localize", "image", str(src), "-o", str(out), "--to", to, "--caption", "ส่งฟรี")
    assert result.code == 0, result.err
    assert out.exists()


def test_image_refuses_an_unknown_language(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "a.jpg"
    photo().save(src)
    out = tmp_path / "out.jpg"
    result = cli("localize", "image", str(src), "-o", str(out), "--to", "xx", "--caption", "Hi")
    assert result.code == 2 and f"--to: unknown language 'xx'; {KNOWN}" in result.err
    assert not out.exists()
