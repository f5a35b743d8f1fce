"""Listings import, `localize run` (text half) and TMX, end to end on a real store."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from PIL import Image
from sqlmodel import select

from store.db import open_store, session_scope
from store.models import AuditEvent, LocalizationItem, TranslationMemory
from tests.localize.conftest import allow_loopback
from tests.localize.images import photo
from tests.localize.libre import libre

LISTINGS = (
    "product_id,sku,title,description,caption,images,category,safety_report_date\n"
    "p1,SKU-1,ACME 不锈钢真空保温杯 500ml 大容量 户外运动,"
    "<p>保温 12 小时。</p><p>食品级 304 不锈钢。</p>,包邮,a.jpg;b.jpg,drinkware,\n"
    "p2,SKU-2,ACME 儿童水杯 350ml 防漏 吸管杯 幼儿园,"
    "<p>保温 12 小时。</p><script>x</script>,包邮,c.jpg,kids,2026-10-01\n"
)


def items(db_url: str) -> list[LocalizationItem]:
    with session_scope(open_store(db_url)) as s:
        return list(s.exec(select(LocalizationItem).order_by(LocalizationItem.id)))


def test_import_run_and_run_again(setup, tmp_path: Path, engine_server) -> None:  # type: ignore[no-untyped-def]
    run, db_url = setup
    path = tmp_path / "listings.csv"
    path.write_text(LISTINGS, encoding="utf-8")
    imported = run("listings", "import", str(path), "--shop", "acme-my")
    assert imported.code == 0, imported.err
    assert "2 added, 0 changed" in imported.out
    assert run("glossary", "add", "ACME", "--shop", "acme-my").code == 0
    first = run("run", "--shop", "acme-my", "--json")
    assert first.code == 0, first.err
    summary = json.loads(first.out)
    # 2 titles + 2 unique paragraphs (one repeats) + 1 caption (shared) = 5 per language:
    # a repeated segment never reaches the engine twice
    assert summary == summary | {
        "items_created": 4,
        "translated": 4,
        "failed": 0,
        "segments": 10,
        "engine_calls": 10,
    }
    rows = items(db_url)
    assert [(r.language, r.state) for r in rows] == [
        ("ms", "translated"),
        ("en", "translated"),
        ("ms", "translated"),
        ("en", "translated"),
    ]
    assert rows[0].title.startswith("ACME ") and "500ml" in rows[0].title
    # the engine kept the Chinese full stops: written as Malay writes them
    assert rows[0].description == "<p>xx 12 xx.</p><p>xxx 304 xxx.</p>"
    assert "<script>" not in rows[2].description
    assert rows[2].origins["title"] == "libre"
    # main images: the first stays clean, the others carry the caption in the item's language
    home = tmp_path / "home" / "images" / "acme-my"
    # named for the caption drawn on them: two captions never share a file
    drawn = {n: hashlib.sha256(rows[n].caption.encode()).hexdigest()[:8] for n in (0, 1)}
    assert rows[0].images == [
        str(tmp_path / "a.jpg"),
        str(home / "1" / f"2-SKU-1-ms-{drawn[0]}.jpg"),
    ]
    assert rows[1].images[1] == str(home / "2" / f"2-SKU-1-en-{drawn[1]}.jpg")
    assert Image.open(rows[0].images[1]).size == (600, 600)
    # p2 has one image only: nothing to caption, and said; still read for the Chinese a
    # Malay buyer would see on it, and recorded as it goes out, the original
    assert rows[2].images == [str(tmp_path / "c.jpg")]
    assert summary["images"] == {
        "items": 4,  # (p2's two read, nothing drawn)
        "captioned": 2,
        "failed": 0,
        "truncated": 0,
        "caption_on_no_image": [rows[2].id, rows[3].id],
    }
    assert any(f["code"] == "caption_on_no_image" for f in rows[2].findings)
    assert any(f["code"] == "description_tags_dropped" for f in rows[2].findings)
    again = json.loads(run("run", "--shop", "acme-my", "--json").out)
    assert again["translated"] == 0 and again["engine_calls"] == 0
    assert len(engine_server.requests) == 10


def test_a_changed_listing_gets_new_items_and_old_ones_go_stale(setup, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run, db_url = setup
    path = tmp_path / "listings.csv"
    path.write_text(LISTINGS, encoding="utf-8")
    run("listings", "import", str(path), "--shop", "acme-my")
    run("run", "--shop", "acme-my")
    path.write_text(LISTINGS.replace("包邮,a.jpg", "新品包邮,a.jpg"), encoding="utf-8")
    changed = run("listings", "import", str(path), "--shop", "acme-my")
    assert "0 added, 1 changed, 1 unchanged, 0 skipped; 2 item(s) now stale" in changed.out
    summary = json.loads(run("run", "--shop", "acme-my", "--json").out)
    assert summary["items_created"] == 2 and summary["translated"] == 2
    assert summary["from_memory"] == 3 * 2  # title and two paragraphs; the new caption is new
    states = [r.state for r in items(db_url)]
    assert states.count("stale") == 2 and states.count("translated") == 4
    with session_scope(open_store(db_url)) as s:
        assert len(s.exec(select(AuditEvent).where(AuditEvent.action == "stale")).all()) == 2


def test_an_engine_failure_leaves_items_failed_then_retried(
    setup,
    tmp_path: Path,  # type: ignore[no-untyped-def]
    engine_server,
) -> None:
    run, db_url = setup
    path = tmp_path / "listings.csv"
    path.write_text(LISTINGS, encoding="utf-8")
    run("listings", "import", str(path), "--shop", "acme-my")
    engine_server.routes["/translate"] = libre(api_key="other")
    failed = run("run", "--shop", "acme-my")
    assert failed.code == 1 and "the API key was refused" in failed.err
    assert {r.state for r in items(db_url)} == {"failed"}
    assert all(r.title is None for r in items(db_url))
    engine_server.routes["/translate"] = libre(api_key="k")
    assert run("run", "--shop", "acme-my").code == 0
    assert {r.state for r in items(db_url)} == {"translated"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("product_id,title,colour\np1,x,red\n", "unknown column(s) colour"),
        ("sku,title\n1,x\n", "missing column(s) product_id"),
        ('[{"product_id": "p1"', "not valid JSON"),
        ('{"x": 1}', "expected a JSON list of listings"),
    ],
)
def test_unusable_files_are_refused_whole(
    setup,
    tmp_path: Path,
    content: str,  # type: ignore[no-untyped-def]
    message: str,
) -> None:
    run, _ = setup
    path = tmp_path / ("l.json" if content.lstrip()[:1] in "[{" else "l.csv")
    path.write_text(content, encoding="utf-8")
    result = run("listings", "import", str(path), "--shop", "acme-my")
    assert result.code == 2 and message in result.err


def test_bad_rows_are_reported_and_the_rest_imported(setup, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run, _ = setup
    path = tmp_path / "l.json"
    path.write_text(
        json.dumps(
            [
                {"product_id": "p1", "title": "杯", "images": ["a.jpg"]},
                {"product_id": "", "title": "杯"},
                {"product_id": "p3", "title": "杯", "safety_report_date": "soon"},
                {"product_id": "p1", "title": "again"},
                {"product_id": "p5", "title": "杯", "images": [f"{i}.jpg" for i in range(10)]},
                {"product_id": "p6", "title": "杯", "colour": "red"},
                "not an object",
            ],
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    result = run("listings", "import", str(path), "--shop", "acme-my")
    assert result.code == 1
    for where, problem in [
        (1, "product_id is empty"),
        (2, "safety_report_date 'soon'"),
        (3, "product_id 'p1' repeats"),
        (4, "10 images; TikTok Shop takes at most 9"),
        (5, "unknown key(s) colour"),
        (6, "not a JSON object"),
    ]:
        assert f"{path}: item {where}: {problem}" in result.err
    assert "1 added" in result.out


def test_tmx_round_trip(setup, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run, db_url = setup
    tmx = tmp_path / "in.tmx"
    tmx.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="zh-CN" '
        'creationtool="x" creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" '
        'datatype="plaintext"/><body>'
        '<tu><tuv xml:lang="zh-CN"><seg>保温杯</seg></tuv><tuv xml:lang="ms"><seg>Cawan '
        'termos</seg></tuv><tuv xml:lang="en"><seg>Vacuum <ph>&amp;</ph>cup</seg></tuv></tu>'
        '<tu><tuv xml:lang="en"><seg>orphan</seg></tuv></tu></body></tmx>',
        encoding="utf-8",
    )
    imported = run("memory", "import", str(tmx), "--shop", "acme-my")
    assert "2 translation(s) stored, 1 unit(s) skipped" in imported.out
    out = tmp_path / "out.tmx"
    assert "2 translation(s) written" in run("memory", "export", str(out), "--shop", "acme-my").out
    text = out.read_text(encoding="utf-8")
    assert '<tmx version="1.4">' in text and "Cawan termos" in text and "Vacuum &amp;cup" in text
    with session_scope(open_store(db_url)) as s:
        rows = s.exec(select(TranslationMemory)).all()
    assert {(r.target_lang, r.quality) for r in rows} == {("ms", "human"), ("en", "human")}
    # the human entry now wins over the engine
    result = run("text", "保温杯", "--to", "ms", "--shop", "acme-my", "--json")
    assert json.loads(result.out)["translation"] == "Cawan termos"


def test_a_hostile_tmx_is_refused(setup, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run, _ = setup
    bomb = tmp_path / "bomb.tmx"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><tmx version="1.4"><header '
        'srclang="zh-CN"/><body><tu><tuv xml:lang="zh-CN"><seg>&b;</seg></tuv>'
        "</tu></body></tmx>",
        encoding="utf-8",
    )
    result = run("memory", "import", str(bomb), "--shop", "acme-my")
    assert result.code == 2
    assert result.err.strip() == (
        f"error: {bomb}: refused: the file defines XML entities (an 'entity expansion' attack, "
        "or a TMX this importer does not support); export it again without a DTD"
    )
    assert "EntitiesForbidden" not in result.err and "name=" not in result.err


def test_remote_images_are_fetched_and_a_bad_one_fails_the_item_whole(  # type: ignore[no-untyped-def]
    setup, tmp_path: Path
) -> None:
    import io

    from tests.httpserver import Reply, serve

    buf = io.BytesIO()
    photo(seed=99).save(buf, "JPEG")
    run, db_url = setup
    allow_loopback(tmp_path)
    with serve(
        {
            "/img/ok.jpg": lambda r: Reply(200, buf.getvalue()),
            "/img/gone.jpg": lambda r: Reply(404, ""),
        }
    ) as cdn:
        path = tmp_path / "l.json"
        path.write_text(
            json.dumps(
                [
                    {
                        "product_id": "p1",
                        "title": "保温杯",
                        "caption": "包邮",
                        "images": ["a.jpg", f"{cdn.url}/img/ok.jpg"],
                    },
                    {
                        "product_id": "p2",
                        "title": "水杯",
                        "caption": "包邮",
                        "images": ["a.jpg", f"{cdn.url}/img/gone.jpg"],
                    },
                ],
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
        run("listings", "import", str(path), "--shop", "acme-my")
        result = run("run", "--shop", "acme-my", "--jobs", "1")
    assert result.code == 1 and "download answered HTTP 404" in result.err
    by_product = {}
    for row in items(db_url):
        by_product.setdefault(row.listing_id, []).append(row)
    ok, gone = by_product[1], by_product[2]
    assert all(r.state == "translated" and Path(r.images[1]).exists() for r in ok)
    assert all(r.state == "failed" and r.images == [] for r in gone)


def test_listing_values_of_the_wrong_json_type_are_refused(setup, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run, _ = setup
    path = tmp_path / "l.json"
    path.write_text(
        json.dumps(
            {
                "listings": [
                    {"product_id": True, "title": "杯"},
                    {"product_id": 42, "title": "杯"},
                    {"product_id": "p3", "title": {"zh": "杯"}},
                    {"product_id": "p4", "title": "杯", "sku": "S\u00004"},
                ]
            }
        ),
        encoding="utf-8",
    )
    result = run("listings", "import", str(path), "--shop", "acme-my", "--json")
    assert result.code == 1
    assert f"{path}: item 0: product_id must be text, not true or false" in result.err
    assert f"{path}: item 2: title must be text, not an object" in result.err
    assert f"{path}: item 3: sku contains a NUL character" in result.err
    summary = json.loads(result.out)
    assert summary["added"] == 1
    assert summary["problems"][0] == {
        "where": f"{path}: item 0",
        "problem": "product_id must be text, not true or false",
        "message": "product_id must be text, not true or false",
        "file": str(path),
        "line": None,
        "item": 0,
    }


def test_a_csv_listing_with_a_quote_left_open_is_reported(setup, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run, _ = setup
    path = tmp_path / "l.csv"
    path.write_text('product_id,title,description\np1,杯,"<p>open\np2,杯,fine\n', encoding="utf-8")
    result = run("listings", "import", str(path), "--shop", "acme-my")
    assert result.code == 1 and f"{path}:2: a quoted field that starts on this row" in result.err
    assert "0 added, 0 changed, 0 unchanged, 1 skipped" in result.out


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("deep.json", "[" * 50_000 + "]" * 50_000, "nested too deeply"),
        ("folder.json", None, "is a folder, not a file"),
        ("utf16.csv", "product_id,title\np1,杯\n".encode("utf-16"), None),
    ],
)
def test_listing_files_as_a_whole(setup, tmp_path: Path, name: str, content, message) -> None:  # type: ignore[no-untyped-def]
    run, _ = setup
    path = tmp_path / name
    if content is None:
        path.mkdir()
    else:
        path.write_bytes(content.encode() if isinstance(content, str) else content)
    result = run("listings", "import", str(path), "--shop", "acme-my")
    if message is None:
        assert result.code == 0 and "1 added" in result.out, result.err
    else:
        assert result.code == 2 and f"{path}: " in result.err and message in result.err


def test_memory_import_of_a_folder_is_bad_input(setup, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run, _ = setup
    result = run("memory", "import", str(tmp_path), "--shop", "acme-my")
    assert result.code == 2 and f"{tmp_path}: is a folder, not a file" in result.err


def test_finished_images_are_kept_when_one_fails_and_a_rerun_does_only_the_rest(  # type: ignore[no-untyped-def]
    setup, tmp_path: Path
) -> None:
    run, db_url = setup
    (tmp_path / "d.jpg").write_bytes(b"not yet an image")
    path = tmp_path / "l.json"
    listing = {"product_id": "p1", "sku": "S1", "title": "保温杯", "caption": "包邮"}
    path.write_text(
        json.dumps([{**listing, "images": ["a.jpg", "b.jpg", "d.jpg"]}], ensure_ascii=False),
        encoding="utf-8",
    )
    run("listings", "import", str(path), "--shop", "acme-my")
    first = run("run", "--shop", "acme-my", "--jobs", "1", "--json")
    assert first.code == 1 and "d.jpg: not an image in a format we read" in first.err
    assert json.loads(first.out)["images"] == {
        "items": 0,
        "captioned": 2,
        "failed": 2,
        "truncated": 0,
    }
    home = tmp_path / "home" / "images" / "acme-my"
    rows = items(db_url)
    for row in rows:  # failed, with the image that was finished recorded
        assert row.state == "failed"
        drawn = hashlib.sha256(row.caption.encode()).hexdigest()[:8]
        done = home / str(row.id) / f"2-S1-{row.language}-{drawn}.jpg"
        assert row.images == [str(tmp_path / "a.jpg"), str(done), str(tmp_path / "d.jpg")]
    kept = {row.id: Path(row.images[1]).stat().st_mtime_ns for row in rows}

    photo(seed=7).save(tmp_path / "d.jpg", "JPEG")  # the seller fixes the file
    second = run("run", "--shop", "acme-my", "--jobs", "1", "--json")
    assert second.code == 0, second.err
    assert json.loads(second.out)["images"]["captioned"] == 2  # one per item, not three
    for row in items(db_url):
        assert row.state == "translated"
        drawn = hashlib.sha256(row.caption.encode()).hexdigest()[:8]
        assert row.images[2] == str(home / str(row.id) / f"3-S1-{row.language}-{drawn}.jpg")
        assert Path(row.images[2]).is_file()
        assert Path(row.images[1]).stat().st_mtime_ns == kept[row.id]  # not drawn again
    third = run("run", "--shop", "acme-my", "--json")
    assert json.loads(third.out)["images"]["captioned"] == 0


def test_a_download_over_the_cap_fails_its_item_and_leaves_no_temporary_file(  # type: ignore[no-untyped-def]
    setup, tmp_path: Path
) -> None:
    from localize.image.fetch import MAX_DOWNLOAD
    from tests.httpserver import Reply, serve

    run, db_url = setup
    allow_loopback(tmp_path)
    with serve({"/huge.jpg": lambda r: Reply(200, b"\xff" * (MAX_DOWNLOAD + 1))}) as cdn:
        path = tmp_path / "l.json"
        listing = {"product_id": "p1", "title": "保温杯", "caption": "包邮"}
        images = ["a.jpg", "b.jpg", f"{cdn.url}/huge.jpg"]
        path.write_text(json.dumps([{**listing, "images": images}]), encoding="utf-8")
        run("listings", "import", str(path), "--shop", "acme-my")
        result = run("run", "--shop", "acme-my", "--jobs", "1")
    assert result.code == 1 and "download is over 30 MB" in result.err
    assert list((tmp_path / "home").rglob("*.download")) == []
    assert not (tmp_path / "home" / "images" / "acme-my" / ".downloads").exists()
    assert all(r.state == "failed" and Path(r.images[1]).is_file() for r in items(db_url))


def test_control_characters_in_a_listings_text_are_refused_naming_row_and_field(  # type: ignore[no-untyped-def]
    setup, tmp_path: Path
) -> None:
    from tests.hostile import CLEAR, REORDERED, WINDOW_TITLE

    run, _ = setup
    path = tmp_path / "l.json"
    rows = [
        {"product_id": "p0", "title": f"保温杯{WINDOW_TITLE}"},
        {"product_id": "p1", "title": "保温杯", "caption": f"包邮{CLEAR}"},
        {"product_id": "p2", "title": REORDERED},
        {"product_id": "p3", "title": "保温杯\n第二行"},
        {"product_id": "p4", "title": "保温杯", "description": "<p>a\x1b[2Jb</p>"},
        {"product_id": "p5", "title": "保温杯", "sku": "S\x9b5"},
        # a description's own lines, tabs and Windows line ends are what sellers write
        {
            "product_id": "ok",
            "title": "保温杯 👨\u200d👩\u200d👧",
            "description": "<p>a</p>\r\n\t<p>b</p>",
        },
    ]
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    result = run("listings", "import", str(path), "--shop", "acme-my")
    assert result.code == 1, result.err
    what_to_do = "remove it from the file and import again"
    for item, problem in [
        (0, "title contains U+001B (a control character) at character 4"),
        (1, "caption contains U+001B (a control character) at character 3"),
        (2, "title contains U+202E (right-to-left override) at character 8"),
        (3, "title contains U+000A (a control character) at character 4"),
        (4, "description contains U+001B (a control character) at character 5"),
        (5, "sku contains U+009B (a control character) at character 2"),
    ]:
        assert f"{path}: item {item}: {problem}" in result.err, result.err
    assert result.err.count(what_to_do) == 6
    assert "1 added" in result.out and "6 skipped" in result.out


def test_control_characters_written_as_html_references_in_a_description_are_refused(  # type: ignore[no-untyped-def]
    setup, tmp_path: Path
) -> None:
    """`&#27;` and `&#x202e;` passed import, and the run then blamed the engine for them;
    `&#0;` and `&#xD800;` became U+FFFD with no word: the seller wrote them, import says so."""
    run, _ = setup
    path = tmp_path / "l.json"
    described = [
        "<p>保温&#27;[2J 小时</p>",
        "<p>保温&#x202E;小时</p>",
        "<p>保温&#0;</p>",
        "<p>&#xD800;保温</p>",
        "<p>保温&#99999999999;</p>",
        "<p>保温&#x110000</p>",  # no semicolon: HTML reads it all the same
    ]
    rows = [
        {"product_id": f"p{n}", "title": "保温杯", "description": d}
        for n, d in enumerate(described)
    ] + [
        # what sellers write: characters, a line end, a non-breaking space, a CDATA's text
        {
            "product_id": "ok",
            "title": "保温杯 &#27;",  # a title is plain text: these are its characters
            "description": "<p>&#20013;&#x6587;&#10;&nbsp;&#160;<![CDATA[&#27;]]></p>",
        }
    ]
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    result = run("listings", "import", str(path), "--shop", "acme-my")
    assert result.code == 1, result.err
    for item, problem in [
        (0, "description contains &#27; at character 6: U+001B (a control character)"),
        (1, "description contains &#x202E; at character 6: U+202E (right-to-left override)"),
        (2, "description contains &#0; at character 6, which is no character"),
        (3, "description contains &#xD800; at character 4, which is no character"),
        (4, "description contains &#99999999999; at character 6, which is no character"),
        (5, "description contains &#x110000 at character 6, which is no character"),
    ]:
        assert f"{path}: item {item}: {problem}" in result.err, result.err
    assert result.err.count("remove it from the file and import again") == 6
    assert "1 added" in result.out and "6 skipped" in result.out
