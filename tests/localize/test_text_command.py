"""`localize text` and `localize glossary` end to end: a real store, a local engine."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tests.localize.libre import params


@pytest.fixture
def run(cli, tmp_path: Path, db_url: str, engine_server):  # type: ignore[no-untyped-def]
    config = tmp_path / "shops.toml"
    config.write_text(
        '[[shops]]\nid = "acme-th"\nmarket = "TH"\n[shops.translation]\nengine = "libre"\n'
        f'url = "{engine_server.url}"\napi_key_env = "LIBRE_KEY"\nretries = 0\ntimeout = 5\n',
        encoding="utf-8",
    )

    def invoke(*args: str, environ: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
        env = {"LIBRE_KEY": "k", **(environ or {})}
        return cli("localize", *args, "--config", str(config), "--db", db_url, environ=env)

    return invoke


def test_translate_then_reuse_the_memory(run, engine_server) -> None:  # type: ignore[no-untyped-def]
    first = run("text", "保温杯 500ml", "--to", "th", "--shop", "acme-th", "--json")
    assert first.code == 0, first.err
    doc = json.loads(first.out)
    assert doc["translation"] == "กกก 500ml" and doc["origin"] == "libre"
    assert doc["engine_calls"] == 1 and doc["findings"] == []
    again = run("text", "  保温杯   500ml ", "--to", "th", "--shop", "acme-th", "--json")
    doc = json.loads(again.out)
    assert doc["origin"] == "memory" and doc["engine_calls"] == 0
    assert len(engine_server.requests) == 1


def test_a_segment_with_nothing_chinese_in_it_is_kept_as_is_not_sent_nor_stored(  # type: ignore[no-untyped-def]
    run, engine_server, tmp_path: Path
) -> None:
    html = "<p>line <br>next</p><p>保温杯</p><p>ACME-500 (2 pcs)</p>"
    done = run("text", html, "--to", "th", "--shop", "acme-th", "--field", "description", "--json")
    assert done.code == 0, done.err
    doc = json.loads(done.out)
    assert doc["translation"] == "<p>line <br>next</p><p>กกก</p><p>ACME-500 (2 pcs)</p>"
    assert doc["origin"] == "libre" and doc["engine_calls"] == 1
    asked = [r.json()["q"] if r.body.startswith(b"{") else r.body for r in engine_server.requests]
    assert len(asked) == 1 and "line" not in str(asked)
    exported = tmp_path / "memory.tmx"
    assert run("memory", "export", str(exported), "--shop", "acme-th").code == 0
    assert exported.read_text(encoding="utf-8").count("<tu ") == 1  # 保温杯 only
    english = run("text", "Free shipping", "--to", "th", "--shop", "acme-th", "--json")
    doc = json.loads(english.out)
    assert (doc["translation"], doc["origin"], doc["engine_calls"]) == ("Free shipping", "none", 0)


def test_glossary_terms_come_back_exactly(run) -> None:  # type: ignore[no-untyped-def]
    assert run("glossary", "add", "ACME", "--shop", "acme-th").code == 0
    assert run("glossary", "add", "保温杯", "--to", "th", "--as", "แก้วเก็บความร้อน").code == 0
    result = run("text", "ACME 保温杯 X200", "--to", "th", "--shop", "acme-th", "--json")
    doc = json.loads(result.out)
    assert doc["translation"] == "ACME แก้วเก็บความร้อน X200"
    listed = json.loads(run("glossary", "list", "--json").out)
    assert {(t["shop"], t["term"], t["target"]) for t in listed} == {
        ("acme-th", "ACME", None),
        (None, "保温杯", "แก้วเก็บความร้อน"),
    }


def test_a_title_that_breaks_the_rules_exits_1_with_findings(run) -> None:  # type: ignore[no-untyped-def]
    result = run("text", "保温杯", "--to", "th", "--shop", "acme-th", "--field", "title")
    assert result.code == 1
    assert "error: title_length: title: 3 characters; the market takes 25-255" in result.err


def test_descriptions_keep_their_tags(run) -> None:  # type: ignore[no-untyped-def]
    result = run(
        "text",
        "<p>保温杯</p><div>杯盖</div>",
        "--to",
        "th",
        "--shop",
        "acme-th",
        "--field",
        "description",
        "--json",
    )
    doc = json.loads(result.out)
    assert doc["translation"] == "<p>กกก</p><p>กก</p>"  # the dropped <div>: a paragraph
    assert doc["findings"][0]["code"] == "description_tags_dropped"
    # English for programs; the message itself, to be shown in any language
    assert (
        doc["findings"][0]["message"] == "description: tags TikTok Shop refuses were dropped: div"
    )
    assert doc["findings"][0]["says"]["params"]["message"]["params"] == {"tags": ["div"]}


def test_an_engine_failure_is_one_clear_error(run, engine_server) -> None:  # type: ignore[no-untyped-def]
    result = run("text", "杯", "--to", "th", "--shop", "acme-th", environ={"LIBRE_KEY": "bad"})
    assert result.code == 1
    assert result.err.strip() == (
        "error: translation engine libre: the API key was refused: 'Invalid API key'"
    )


def test_a_missing_key_names_the_variable(run) -> None:  # type: ignore[no-untyped-def]
    result = run("text", "杯", "--to", "th", "--shop", "acme-th", environ={"LIBRE_KEY": ""})
    assert result.code == 2 and "environment variable LIBRE_KEY is not set" in result.err


def test_an_unknown_language(run) -> None:  # type: ignore[no-untyped-def]
    result = run("text", "杯", "--to", "xx", "--shop", "acme-th")
    assert result.code == 2 and "unknown language 'xx'" in result.err


def test_glossary_import_and_remove(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "terms.csv"
    path.write_text(
        "term,language,target,pattern\nACME,,,\n杯,th,แก้ว,\n,,,\n杯盖,,ฝา,\n[,,,yes\n",
        encoding="utf-8",
    )
    result = run("glossary", "import", str(path), "--shop", "acme-th")
    assert result.code == 1
    assert f"{path}:4: the term is empty" in result.err
    assert f"{path}:5: --as 'ฝา' needs --to LANG" in result.err
    assert f"{path}:6: '[' is not a regular expression" in result.err
    assert "2 added, 0 updated, 3 rows skipped" in result.out
    assert run("glossary", "remove", "ACME", "--shop", "acme-th").code == 0
    missing = run("glossary", "remove", "ACME", "--shop", "acme-th")
    assert missing.code == 2 and "no glossary entry 'ACME'" in missing.err


def test_glossary_import_reads_a_gb18030_file_from_excel(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "terms.csv"
    path.write_bytes("term,language,target\n保温杯,th,แก้วเก็บความร้อน\n杯盖,,\n".encode("gb18030"))
    result = run("glossary", "import", str(path), "--shop", "acme-th")
    assert result.code == 0, result.err
    assert "2 added, 0 updated, 0 rows skipped" in result.out
    listed = run("glossary", "list", "--shop", "acme-th")
    assert "保温杯" in listed.out and "杯盖" in listed.out


def test_glossary_rows_with_a_nul_or_a_stray_quote_are_skipped(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "terms.csv"
    path.write_text('term\nACME\nbad\x00term\n"open\n', encoding="utf-8")
    result = run("glossary", "import", str(path), "--shop", "acme-th")
    assert result.code == 1
    assert f"{path}:3: term contains a NUL character" in result.err
    assert f"{path}:4: a quoted field that starts on this row is never closed" in result.err
    assert "1 added, 0 updated, 2 rows skipped" in result.out


def test_an_empty_answer_is_a_failure_and_never_remembered(
    cli, tmp_path: Path, db_url: str
) -> None:  # type: ignore[no-untyped-def]
    from tests.httpserver import Reply, serve
    from tests.localize.libre import libre

    answers = {"empty": True}
    real = libre(api_key="k")

    def route(req):  # type: ignore[no-untyped-def]
        return Reply(200, {"translatedText": " "}) if answers["empty"] else real(req)

    with serve({"/translate": route}) as srv:
        config = tmp_path / "shops.toml"
        config.write_text(
            '[[shops]]\nid = "s-ok"\nmarket = "TH"\n[shops.translation]\nengine = "libre"\n'
            f'url = "{srv.url}"\napi_key_env = "LIBRE_KEY"\nretries = 2\ntimeout = 5\n',
            encoding="utf-8",
        )

        def run(*args: str):  # type: ignore[no-untyped-def]
            return cli(
                "localize",
                *args,
                "--config",
                str(config),
                "--db",
                db_url,
                environ={"LIBRE_KEY": "k"},
            )

        args = ("text", "不锈钢保温杯 500ml", "--to", "th", "--shop", "s-ok", "--json")
        for _ in range(2):  # failed twice: nothing was stored to be served the second time
            empty = run(*args)
            assert empty.code == 1, empty.err
            assert "translation engine libre: answered an empty translation" in empty.err
        assert len(srv.requests) == 2  # one call each: the same text gets the same nothing
        exported = tmp_path / "memory.tmx"
        assert run("memory", "export", str(exported), "--shop", "s-ok").code == 0
        assert "<seg" not in exported.read_text(encoding="utf-8")
        answers["empty"] = False
        good = run(*args)
        assert good.code == 0, good.err
        assert json.loads(good.out)["translation"] == "กกกกกก 500ml"


def test_an_empty_target_already_in_the_memory_is_passed_over(
    run, engine, engine_server, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from localize.text.memory import normalise, source_key
    from store.db import session_scope
    from store.models import TranslationMemory

    with session_scope(engine) as session:  # as an older version stored an empty answer
        session.add(
            TranslationMemory(
                scope="acme-th",
                source_lang="zh-CN",
                target_lang="th",
                source_key=source_key("保温杯"),
                source_text=normalise("保温杯"),
                target_text="",
                quality="machine",
                origin="libre",
            )
        )
    result = run("text", "保温杯", "--to", "th", "--shop", "acme-th", "--json")
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    assert (doc["translation"], doc["origin"], doc["engine_calls"]) == ("กกก", "libre", 1)
    again = json.loads(run("text", "保温杯", "--to", "th", "--shop", "acme-th", "--json").out)
    assert (again["translation"], again["origin"]) == ("กกก", "memory")
    exported = tmp_path / "memory.tmx"
    assert run("memory", "export", str(exported), "--shop", "acme-th").code == 0
    assert "<seg />" not in exported.read_text(encoding="utf-8")


@pytest.mark.parametrize("to", ["zh", "zh-CN", "zh-Hans"])
def test_a_text_already_in_the_target_language_is_refused(run, engine_server, to: str) -> None:  # type: ignore[no-untyped-def]
    result = run("text", "不锈钢保温杯 500ml", "--to", to, "--shop", "acme-th")
    assert result.code == 2
    assert "the text is already in" in result.err and "(zh-CN)" in result.err
    assert engine_server.requests == []


@pytest.mark.parametrize("source", ["", "  \t "])
def test_nothing_to_translate_is_bad_input_not_an_empty_translation(  # type: ignore[no-untyped-def]
    run, engine_server, source: str
) -> None:
    """`localize text "" --to th` printed an empty line, `origin: none` and exit 0 (trial s28
    D16): a script's unset variable looked like a translation."""
    said = run("text", source, "--to", "th", "--shop", "acme-th")
    assert said.code == 2 and said.out == "", said.out
    assert "nothing to translate: the text is empty or only spaces" in said.err
    as_json = run("text", source, "--to", "th", "--shop", "acme-th", "--json")
    assert as_json.code == 2 and "nothing to translate" in json.loads(as_json.out)["error"]
    assert engine_server.requests == []


def test_an_engine_given_up_on_says_where_to_look(cli, tmp_path: Path, db_url: str) -> None:  # type: ignore[no-untyped-def]
    from tests.httpserver import closed_port

    port = closed_port()
    config = tmp_path / "shops.toml"
    config.write_text(
        '[[shops]]\nid = "s"\nmarket = "TH"\n[shops.translation]\nengine = "libre"\n'
        f'url = "http://user:secret@127.0.0.1:{port}/libre/?api_key=k"\nretries = 1\n',
        encoding="utf-8",
    )
    result = cli(
        "localize",
        "text",
        "杯",
        "--to",
        "th",
        "--shop",
        "s",
        "--config",
        str(config),
        "--db",
        db_url,
    )
    assert result.code == 1
    assert "translation engine libre: gave up after 2 tries: network error" in result.err
    assert f"is the libre server at http://127.0.0.1:{port} ([shops.translation] url)" in (
        result.err
    )
    assert "secret" not in result.err and "api_key" not in result.err


def test_an_engine_without_a_server_of_the_shops_is_not_sent_to_the_url() -> None:
    from config.runtime import Secrets
    from config.settings import TranslationSettings
    from localize.engines.resilient import gave_up
    from localize.text.service import engine_chain

    settings = TranslationSettings(engine="google", fallback="libre", url="http://h:5000/")
    chain = engine_chain(settings, Secrets({}))
    assert [(e.name, e.url) for e in chain.engines] == [("google", None), ("libre", settings.url)]
    chain.close()
    assert gave_up("google", 4, "rate limited (429)", None) == (
        "gave up after 4 tries: rate limited (429) — can this machine reach google's own "
        "service? (it is asked at its public address, not at a [shops.translation] url)"
    )


def test_memory_export_replaces_only_a_tmx_file_and_always_reads_back(  # type: ignore[no-untyped-def]
    run, tmp_path: Path, db_url: str
) -> None:
    # A stranger's trial: `memory export victim.csv` replaced a listings file and `memory
    # export shops.toml` the shops file in use; an ESC from a reviewer's edit made the file
    # one that its own import refused, every translation in it lost for a restore.
    from localize.text import memory
    from store.db import open_store, session_scope
    from store.models import Quality

    with session_scope(open_store(db_url)) as s:
        memory.remember(
            s, scope="acme-th", source_lang="zh-CN", target_lang="th",
            source="保温杯", target="แก้ว\x1b[2J", quality=Quality.HUMAN, origin="review",
        )  # fmt: skip
    victim = tmp_path / "listings.csv"
    victim.write_text("product_id,title\np1,x\n", encoding="utf-8")
    refused = run("memory", "export", str(victim), "--shop", "acme-th")
    assert refused.code == 2 and "is not a TMX file: it is not overwritten" in refused.err
    assert victim.read_text(encoding="utf-8") == "product_id,title\np1,x\n"
    tmx = tmp_path / "tm.tmx"
    assert run("memory", "export", str(tmx), "--shop", "acme-th").code == 0
    assert run("memory", "export", str(tmx), "--shop", "acme-th").code == 0  # again: replaced
    back = run("memory", "import", str(tmx), "--shop", "acme-th")
    assert back.code == 0, back.err


@pytest.mark.parametrize(
    "term, target",
    [("ACME\x1b]0;owned\x07", None), ("杯", "แก้ว\u202e"), ("a\tb", None), ("a\nb", None)],
    ids=["osc-in-term", "bidi-in-target", "tab", "newline"],
)
def test_glossary_add_and_import_refuse_control_characters_alike(  # type: ignore[no-untyped-def]
    run, tmp_path: Path, term: str, target: str | None
) -> None:
    which = "term" if target is None else "target"
    added = run("glossary", "add", term, *(["--to", "th", "--as", target] if target else []))
    assert added.code == 2, added.err
    path = tmp_path / "terms.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([["term", "language", "target"], [term, "th", target or ""]])
    imported = run("glossary", "import", str(path))
    assert imported.code == 1 and "0 added" in imported.out, imported.err
    said = imported.err.split(f"{path}:2: ", 1)[1].strip()
    if "\n" in term:  # the file's reader says it first: a field over lines
        assert "term has a line break inside its quotes (lines 2-3)" in said
        assert "contains U+000A" in added.err
        return
    assert said.startswith(f"{which} contains U+") and "remove it" in said, said
    assert said.split(";")[0] in added.err  # the same words for the same problem
    assert run("glossary", "list", "--json").out.strip() in ("[]", "")


def _echoing(answers: dict[str, bool]):  # type: ignore[no-untyped-def]
    """A LibreTranslate route that echoes the Chinese back while answers["echo"]."""
    from tests.httpserver import Reply
    from tests.localize.libre import libre, params

    real = libre(api_key="k")

    def route(req):  # type: ignore[no-untyped-def]
        if answers["echo"]:
            return Reply(200, {"translatedText": params(req)["q"]})
        return real(req)

    return route


def test_an_answer_the_checks_reject_is_never_remembered(cli, tmp_path: Path, db_url: str) -> None:  # type: ignore[no-untyped-def]
    from tests.httpserver import serve

    answers = {"echo": True}
    with serve({"/translate": _echoing(answers)}) as srv:
        config = tmp_path / "shops.toml"
        config.write_text(
            '[[shops]]\nid = "s-ok"\nmarket = "TH"\n[shops.translation]\nengine = "libre"\n'
            f'url = "{srv.url}"\napi_key_env = "LIBRE_KEY"\nretries = 0\ntimeout = 5\n',
            encoding="utf-8",
        )

        def run(*args: str):  # type: ignore[no-untyped-def]
            env = {"LIBRE_KEY": "k"}
            return cli("localize", *args, "--config", str(config), "--db", db_url, environ=env)

        args = ("text", "季加厚款", "--to", "th", "--shop", "s-ok", "--field", "caption", "--json")
        echoed = json.loads(run(*args).out)
        assert echoed["translation"] == "季加厚款" and echoed["engine_calls"] == 1
        exported = tmp_path / "memory.tmx"
        assert run("memory", "export", str(exported), "--shop", "s-ok").code == 0
        assert "<seg" not in exported.read_text(encoding="utf-8")  # not stored
        answers["echo"] = False  # the engine is fixed: the next ask gets its answer
        fixed = json.loads(run(*args).out)
        assert (fixed["translation"], fixed["origin"], fixed["engine_calls"]) == (
            "กกกก",
            "libre",
            1,
        )


def test_a_memory_entry_the_checks_reject_is_a_miss_and_said_so(  # type: ignore[no-untyped-def]
    run, engine, engine_server
) -> None:
    from localize.text.memory import normalise, source_key
    from store.db import session_scope
    from store.models import TranslationMemory

    with session_scope(engine) as session:  # as an older version stored an engine's echo
        session.add(
            TranslationMemory(
                scope="acme-th",
                source_lang="zh-CN",
                target_lang="th",
                source_key=source_key("季加厚款"),
                source_text=normalise("季加厚款"),
                target_text="季加厚款",
                quality="machine",
                origin="libre",
            )
        )
    args = ("text", "季加厚款", "--to", "th", "--shop", "acme-th", "--field", "caption", "--json")
    result = run(*args)
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    assert (doc["translation"], doc["origin"], doc["engine_calls"]) == ("กกกก", "libre", 1)
    [passed] = [f for f in doc["findings"] if f["code"] == "memory_passed_over"]
    assert "季加厚款" in passed["message"] and "still has Chinese" in passed["message"]
    again = json.loads(run(*args).out)  # the engine's good answer replaced it
    assert (again["origin"], again["engine_calls"]) == ("memory", 0)
    assert not [f for f in again["findings"] if f["code"] == "memory_passed_over"]


def test_memory_remove_by_text_and_language_or_by_origin(run, engine_server) -> None:  # type: ignore[no-untyped-def]
    for text in ("保温杯", "不锈钢"):
        assert run("text", text, "--to", "th", "--shop", "acme-th").code == 0
    calls = len(engine_server.requests)
    gone = run(
        "memory", "remove", "--text", " 保温杯 ", "--to", "th", "--shop", "acme-th", "--json"
    )
    assert gone.code == 0, gone.err
    assert json.loads(gone.out) == {"removed": 1}
    again = json.loads(run("text", "保温杯", "--to", "th", "--shop", "acme-th", "--json").out)
    assert again["origin"] == "libre" and len(engine_server.requests) == calls + 1
    none = run("memory", "remove", "--text", "没有", "--to", "th", "--shop", "acme-th")
    assert none.code == 2 and "no translation memory entry" in none.err and "没有" in none.err
    bad = run("memory", "remove", "--shop", "acme-th")
    assert bad.code == 2 and "--text" in bad.err and "--origin" in bad.err
    by_origin = run("memory", "remove", "--origin", "libre", "--shop", "acme-th")
    assert by_origin.code == 0, by_origin.err
    assert "removed 2 translation memory entries" in by_origin.out
    last = json.loads(run("text", "不锈钢", "--to", "th", "--shop", "acme-th", "--json").out)
    assert last["origin"] == "libre"


def test_control_characters_in_an_engines_answer_are_removed_and_a_reviewer_must_look(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, db_url: str
) -> None:
    """An engine that answered a caption with an escape sequence left the item failed on
    every run (the check refused the text, nothing could be approved): the characters go
    and the text reaches review. But an answer that carried terminal sequences is not a
    translation to trust (`]0;PWNED[2J[bold red]x[/]` was drawn on the image and kept in
    the memory with a mere warning, issue #17): it is an error a reviewer clears by
    writing the text, and it is never remembered, so the next run asks again."""
    from tests.httpserver import Reply, serve

    def hostile(req):  # type: ignore[no-untyped-def]
        return Reply(200, {"translatedText": "ส่งฟรี\x1b]0;x\x07 ทั่ว\u202eประเทศ"})

    with serve({"/translate": hostile}) as srv:
        config = tmp_path / "shops.toml"
        config.write_text(
            '[[shops]]\nid = "s-ok"\nmarket = "TH"\n[shops.translation]\nengine = "libre"\n'
            f'url = "{srv.url}"\napi_key_env = "LIBRE_KEY"\nretries = 0\ntimeout = 5\n',
            encoding="utf-8",
        )
        args = ("text", "全国包邮", "--to", "th", "--shop", "s-ok", "--field", "caption", "--json")
        said = [
            cli(
                "localize",
                *args,
                "--config",
                str(config),
                "--db",
                db_url,
                environ={"LIBRE_KEY": "k"},
            )
            for _ in range(2)
        ]
        asked = len(srv.requests)
    assert [s.code for s in said] == [1, 1], said[0].err
    done = json.loads(said[0].out)
    assert done["translation"] == "ส่งฟรี]0;x ทั่วประเทศ"
    [cleaned] = [f for f in done["findings"] if f["code"] == "control_character_cleaned"]
    assert cleaned["severity"] == "error" and "U+001B, U+0007, U+202E" in cleaned["message"]
    again = json.loads(said[1].out)
    assert again["origin"] == "libre" and asked == 2  # not served from the memory


def test_japanese_and_korean_segments_are_sent_for_the_engine_to_detect(  # type: ignore[no-untyped-def]
    run, engine_server
) -> None:
    """`<p>かわいいカップ</p><p>한국 제품</p>` reached the buyer as written with no finding
    (issue #17): a script the buyer's language does not use is translated, its source left
    for the engine to detect; the seller's Latin English is still not sent."""
    html = "<p>红色</p><p>かわいいカップ</p><p>한국 제품</p><p>Free shipping</p>"
    done = run("text", html, "--to", "th", "--shop", "acme-th", "--field", "description", "--json")
    assert done.code == 0, done.err
    doc = json.loads(done.out)
    sent = {params(r)["q"]: params(r)["source"] for r in engine_server.requests}
    assert sent == {"红色": "zh", "かわいいカップ": "auto", "한국 제품": "auto"}
    assert "かわ" not in doc["translation"] and "한국" not in doc["translation"]
    assert "<p>Free shipping</p>" in doc["translation"]
    assert not [f for f in doc["findings"] if f["code"] == "foreign_script_left"]
