"""The localize commands in the reader's language: Chinese when asked, --json the same in
every language, and nothing they print bypassing the catalogs (the pseudo-language)."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import pytest

from config.i18n import OPEN, PSEUDO, SEMICOLON, Joined, msg
from tests.config.test_catalogs import bare_words
from tests.localize.images import photo

LISTINGS = (
    "product_id,sku,title,description,caption,images\n"
    "p1,SKU-1,ACME 不锈钢真空保温杯 500ml 大容量 户外运动,<p>保温 12 小时。</p>,包邮,a.jpg\n"
    "p2,SKU-2,短标题,,,\n"
)


@pytest.fixture
def shop(cli, tmp_path: Path, db_url: str, engine_server):  # type: ignore[no-untyped-def]
    photo(seed=0).save(tmp_path / "a.jpg")
    (tmp_path / "listings.csv").write_text(LISTINGS, encoding="utf-8")
    config = tmp_path / "shops.toml"
    config.write_text(
        '[[shops]]\nid = "acme-my"\nmarket = "MY"\nlanguages = ["ms"]\n'
        f'[shops.translation]\nengine = "libre"\nurl = "{engine_server.url}"\n'
        'api_key_env = "LIBRE_KEY"\nretries = 0\n'
        f'[shops.publish]\nkind = "export"\nexport_dir = "{tmp_path / "out"}"\n',
        encoding="utf-8",
    )

    def run(*args: str, lang: str | None = None):  # type: ignore[no-untyped-def]
        environ = {"LIBRE_KEY": "k", **({"SHOPBOT_LANG": lang} if lang else {})}
        return cli("localize", *args, "--config", str(config), "--db", db_url, environ=environ)

    return run


def flow(shop, tmp_path: Path, lang: str | None) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """Every command a seller runs from import to publish, with what each printed."""
    said = []
    for args in [
        ("listings", "import", str(tmp_path / "listings.csv"), "--shop", "acme-my"),
        ("run", "--shop", "acme-my"),
        ("review", "list"),
        ("review", "show", "1"),
        ("review", "approve", "1", "--reviewer", "li"),
        ("review", "reject", "2", "--reviewer", "li", "--reason", "too short"),
        ("review", "history"),
        ("review", "list", "--state", "rejected"),
        ("publish", "--shop", "acme-my", "--dry-run"),
        ("publish", "--shop", "acme-my"),
        ("glossary", "add", "ACME", "--shop", "acme-my"),
        ("glossary", "list"),
        ("review", "show", "99"),
        ("review", "approve", "1", "--reviewer", "li"),  # decided already: refused
        ("review", "reject", "1", "--reviewer", "li", "--reason", " "),  # no reason: refused
    ]:
        result = shop(*args, lang=lang)
        assert result.code in (0, 1, 2), result.err
        said.append((" ".join(args[:2]), result.out + result.err))
    return said


def test_the_flow_speaks_chinese_when_asked(shop, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    said = flow(shop, tmp_path, "zh")
    imported, ran, listed, shown, approved, rejected, history, *_, published = [
        text for _, text in said[:10]
    ]
    assert "新增 2" in imported
    assert "2 个条目等待审核" in ran
    assert "编号" in listed and "已翻译" in listed and "translated" not in listed
    assert "条目 1 — acme-my p1（ms），已翻译" in shown and "[标题]" in shown
    assert "条目 1（版本 1）：批准，当前状态：已批准" in approved
    assert "条目 2（版本 1）：驳回，当前状态：已驳回" in rejected
    assert "待翻译 -> 已翻译" in history
    assert "已发布条目 1（p1，ms）" in published


def test_json_is_byte_identical_in_every_language(shop, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    flow(shop, tmp_path, None)
    for args in (("review", "list"), ("review", "show", "1"), ("review", "history")):
        outs = [shop(*args, "--json", lang=lang).out for lang in (None, "zh", PSEUDO)]
        assert outs[0] == outs[1] == outs[2]
        json.loads(outs[0])


def test_no_message_of_the_localize_flow_bypasses_the_catalogs(shop, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # Data: the listing's ids and text, the fake engine's "translations" (x's), the reviewer
    # and the reason.
    data = re.compile(
        r"/[\w./-]+|acme-\w+|ACME|acme|\d+ml|SKU-\d|\bp\d\b|\bms\b|\bli\b|too short|"
        r"\bx+\b|\bNone\b|<p>|</p>|"
        r"\bv\d+\b|localize (review|run|publish)|\blibre\b|\b[a-z]+(_[a-z]+)+\b|\ball-but-first\b|"
        r"\bcaption_images\b|\bUTC\b"
    )
    bypassed = {}
    for command, text in flow(shop, tmp_path, PSEUDO):
        for line in text.splitlines():
            if bare_words(line, data):
                bypassed[line] = command
    assert not bypassed, "\n".join(f"{c}: {line}" for line, c in bypassed.items())


BAD_LISTINGS = (
    "product_id,title,images,safety_report_date\n"
    ",no id,,\n"
    "p3,,,\n"
    "p4,ftp image,ftp://example.com/a.jpg,\n"
    "p5,outside,../../etc/a.jpg,\n"
    "p6,ten images,1.jpg;2.jpg;3.jpg;4.jpg;5.jpg;6.jpg;7.jpg;8.jpg;9.jpg;10.jpg,\n"
    "p7,bad date,,someday\n"
    "p8,first,,\n"
    "p8,again,,\n"
    "p9,too,many,fields,here\n"
    "p10\n"
)
BAD_JSON = '[{"product_id": "p11", "title": true}, 3, {"product_id": "p12", "colour": "red"}]'
BAD_TMX = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">'
    '<header srclang="zh" datatype="plaintext" segtype="sentence" adminlang="en" '
    'o-tmf="x" creationtool="x" creationtoolversion="1"/><body>'
    '<tu><tuv xml:lang="zh"><seg>保温杯</seg></tuv><tuv xml:lang="xx-Unknown"><seg>a</seg></tuv>'
    '<tuv xml:lang="ms"><seg>botol</seg></tuv></tu>'
    '<tu><tuv xml:lang="zh"><seg> </seg></tuv><tuv xml:lang="ms"><seg>b</seg></tuv></tu>'
    '<tu><tuv xml:lang="ms"><seg>c</seg></tuv></tu>'
    '<tu><tuv xml:lang="zh"><seg>杯</seg></tuv></tu>'
    "</body></tmx>"
)
BAD_GLOSSARY = "term,language,target\n,ms,x\nACME,xx-Unknown,\n"


def test_no_skipped_row_of_an_import_bypasses_the_catalogs(shop, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "bad.csv").write_text(BAD_LISTINGS, encoding="utf-8")
    (tmp_path / "bad.json").write_text(BAD_JSON, encoding="utf-8")
    (tmp_path / "bad.tmx").write_text(BAD_TMX, encoding="utf-8")
    (tmp_path / "glossary.csv").write_text(BAD_GLOSSARY, encoding="utf-8")
    (tmp_path / "header.csv").write_text("id,name\n1,2\n", encoding="utf-8")
    # Data: the files' own words (column and key names, values quoted or not, codes).
    data = re.compile(
        r"/[\w./-]+|\b[a-z]+(-[A-Za-z]+)+\b|\b(product_id|title|images|safety_report_date|"
        r"sku|description|caption|category|colour|id|name|term|language|target|pattern|"
        r"xml:lang|tu|http|https|ms|zh|ACME|en|th|vi|id|fil|de|fr)\b|\bp\d+\b|"
        r"\b[a-z]+(_[a-z]+)+\b|(user:pass@)|\.xlsx|CSV UTF-8|<\w+>"
    )
    bypassed = {}
    runs = [
        ("listings", "import", str(tmp_path / "bad.csv"), "--shop", "acme-my"),
        ("listings", "import", str(tmp_path / "bad.json"), "--shop", "acme-my"),
        ("listings", "import", str(tmp_path / "header.csv"), "--shop", "acme-my"),
        ("memory", "import", str(tmp_path / "bad.tmx"), "--shop", "acme-my"),
        ("glossary", "import", str(tmp_path / "glossary.csv"), "--shop", "acme-my"),
    ]
    for args in runs:
        result = shop(*args, lang=PSEUDO)
        assert result.code in (0, 1, 2), result.err
        assert OPEN in result.err, result.err  # each has something to say
        for line in (result.out + result.err).splitlines():
            if bare_words(line, data):
                bypassed[line] = " ".join(args[:2])
    assert not bypassed, "\n".join(f"{c}: {line}" for line, c in bypassed.items())


def test_image_findings_are_stored_once_and_shown_in_the_readers_language() -> None:
    # An image finding keeps its English `message` (--json, older readers) and carries the
    # message itself, stored as JSON and rendered in Chinese where it is shown.
    from config.i18n import catalog
    from localize.image.regions import ImageText, finding, poor_erase_finding
    from localize.text.checks import said

    records = ({"text": "包邮", "status": "replaced"}, {"text": "新品", "status": "untranslated"})
    notes = (
        msg("text {text!r} not replaced: {reason}", text="新品", reason=msg("no translation")),
    )
    found = [
        finding(0, "a.jpg", ImageText((), notes, records)),
        poor_erase_finding(1, [{"text": "包邮", "erase": 12.5, "erase_method": "inpaint"}]),
    ]
    assert [f["message"] for f in found] == [
        "image 1: 1 of 2 text region(s) replaced; text '新品' not replaced: no translation",
        "image 2: erased poorly, the background may show a smear: region 1 '包邮' (12.5 dB, "
        "inpaint fill). Retouch the image, or keep the region",
    ]
    kept = json.loads(json.dumps(found))  # as the store keeps them
    shown = [catalog("zh").render(said(f)) for f in kept]
    assert shown == [
        "图片 1：2 个文字区域中已替换 1 个；文字 '新品' 未替换：没有译文",
        "图片 2：擦除效果差，背景可能留有涂抹痕迹：区域 1 '包邮'（12.5 dB，inpaint 填充）。"
        "请修图，或保留该区域原样",
    ]
    pseudo = [catalog(PSEUDO).render(said(f)) for f in kept]
    assert not [line for line in pseudo if bare_words(line, re.compile(r"inpaint|dB"))], pseudo


def test_an_imports_json_and_exit_code_are_the_same_in_every_language(  # type: ignore[no-untyped-def]
    shop, tmp_path: Path
) -> None:
    (tmp_path / "bad.csv").write_text(BAD_LISTINGS, encoding="utf-8")
    (tmp_path / "bad.tmx").write_text(BAD_TMX, encoding="utf-8")
    for args in (
        ("listings", "import", str(tmp_path / "bad.csv"), "--shop", "acme-my", "--json"),
        ("memory", "import", str(tmp_path / "bad.tmx"), "--shop", "acme-my", "--json"),
        ("publish", "--shop", "acme-my", "--dry-run", "--json"),
    ):
        shop(*args)  # a second import of the same file is what the three runs compare
        runs = [shop(*args, lang=lang) for lang in (None, "zh", PSEUDO)]
        assert runs[0].out == runs[1].out == runs[2].out, args
        assert runs[0].code == runs[1].code == runs[2].code, args
        json.loads(runs[0].out)


def test_a_blocked_items_reasons_are_shown_in_the_readers_language(shop, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # Preflight stored the reasons once; list and show say them in Chinese, --json keeps
    # the English error.
    shop("listings", "import", str(tmp_path / "listings.csv"), "--shop", "acme-my")
    shop("run", "--shop", "acme-my")
    title = "title=Botol air keluli tahan karat ACME 500ml untuk sukan luar"
    approved = shop("review", "approve", "2", "--reviewer", "li", "--set", title)
    assert approved.code == 0, approved.err
    shop("publish", "--shop", "acme-my")
    listed = shop("review", "list", "--state", "blocked", lang="zh").out
    shown = shop("review", "show", "2", lang="zh").out
    assert "已拦截：主图 0 张；TikTok Shop 要求" in listed, listed
    assert "[错误]" in shown or "主图 0 张" in shown, shown
    assert "main image" not in listed + shown
    english = json.loads(shop("review", "show", "2", "--json", lang="zh").out)
    assert english["error"].startswith("0 main image(s); TikTok Shop takes")


def test_publishing_errors_are_said_in_the_readers_language(tmp_path: Path) -> None:
    """What a publisher refuses or fails on (the template's, the image host's, the export's)
    is a message: marked through and through in the pseudo-language, Chinese in Chinese,
    its English unchanged (what is stored and written to --json)."""
    import openpyxl

    from config.i18n import catalog
    from config.settings import ImageHostSettings
    from localize.publish import PublishError, RunEnd, Steps, Work
    from localize.publish.imagehost import ImageHost
    from localize.publish.template import (
        find_layout,
        latest,
        missing_template,
        save_new,
        supersede,
    )

    refused: list[PublishError] = []
    with pytest.raises(PublishError) as layout:
        find_layout(openpyxl.Workbook(), {"Product Name": "product_name"}, "t.xlsx")
    refused.append(layout.value)
    refused.append(PublishError(missing_template("drinkware")))
    (tmp_path / "file").write_text("", encoding="utf-8")
    with pytest.raises(PublishError) as saved:
        save_new(
            openpyxl.Workbook(), tmp_path / "file" / "in", "listings", datetime(2026, 12, 1), {}
        )
    refused.append(saved.value)
    host = ImageHost(
        ImageHostSettings(
            endpoint="http://127.0.0.1:9", bucket="bkt", access_key_env="K", secret_key_env="S"
        ),
        "k",
        "s",
    )
    host.max_bytes = 1024
    big = tmp_path / "big.png"
    big.write_bytes(b"\0" * 4096)
    with pytest.raises(PublishError) as too_big:
        host.url(big)
    refused.append(too_big.value)
    work = [
        Work(i, "acme-my", "p1", "SKU-1", "ms", "t", "", (), "h", category="drinkware")
        for i in (1, 2)
    ]
    _, older = latest([(w, Steps.__new__(Steps)) for w in work])  # steps unread here
    waits, written = RunEnd(), RunEnd(written={2: "listings.xlsx"})
    supersede(waits, older)
    supersede(written, older)
    refused += [PublishError(waits.failed[1]), PublishError(written.superseded[1])]
    assert str(refused[1]).startswith("no bulk-listing template for category 'drinkware'")
    # values: the names given, and the system's own words for a failed file operation
    data = re.compile(r"'(bkt|drinkware)'|t\.xlsx|Not a directory")
    for error in refused:
        pseudo = catalog(PSEUDO).render(error.text)
        assert OPEN in pseudo and not bare_words(pseudo, data), pseudo
        chinese = catalog("zh").render(error.text)
        assert re.search(r"[\u4e00-\u9fff]", chinese.replace("商品名称", "")), chinese


def test_translation_engine_errors_are_said_in_the_readers_language() -> None:
    """What an engine failed on (an unknown name, a chat engine without its model, every try
    failed and where to look): marked in the pseudo-language, Chinese in Chinese."""
    import requests

    from config.i18n import catalog
    from localize.engines import build_engine
    from localize.engines.resilient import classify, gave_up
    from localize.errors import EngineError

    failed: list[EngineError] = []
    for name, given in (("nope", {}), ("openai", {})):
        with pytest.raises(EngineError) as made:
            build_engine(name, **given)
        failed.append(made.value)
    _, network = classify(requests.ConnectionError("refused"))
    failed.append(EngineError("libre", gave_up("libre", 4, network, "http://127.0.0.1:5000/x")))
    failed.append(EngineError("google", gave_up("google", 1, classify(ValueError())[1], None)))
    from localize.errors import NoNewTranslation

    failed.append(
        EngineError(
            "libre then google",
            Joined(
                [
                    msg("{engine}: {problem}", engine=e.engine, problem=e.problem)
                    for e in failed[2:4]
                ],
                SEMICOLON,
            ),
        )
    )
    failed.append(
        NoNewTranslation([msg("{engine}: answered the rejected text again", engine="libre")])
    )
    assert str(failed[2]).startswith("translation engine libre: gave up after 4 tries: network")
    names = re.compile(
        r"\b(then|nope|openai|libre|google|microsoft|baidu|mymemory|deepl|ValueError|"
        r"ConnectionError)\b|http://[\w.:]+"
    )
    for error in failed:
        pseudo = catalog(PSEUDO).render(error.text)
        assert not bare_words(pseudo, names), pseudo
        assert re.search(r"[\u4e00-\u9fff]", catalog("zh").render(error.text)), error


def test_tiktok_api_errors_are_said_in_the_readers_language() -> None:
    """The Partner API client's own words (an id refused before sending, a refusal with its
    code, every try failed): marked in the pseudo-language, Chinese in Chinese."""
    from config.i18n import catalog
    from tiktok.client import TikTokError, product_path

    with pytest.raises(TikTokError) as refused:
        product_path("/product/202309/products/{product_id}", "abc")
    failed = [
        refused.value,
        TikTokError(
            "/p", msg("code {code}: {message}", code=1, message="x"), code=1, request_id="r1"
        ),
        TikTokError(
            "/p", msg("gave up after {tries} tries: {last}", tries=2, last=msg("no attempt made"))
        ),
    ]
    assert str(failed[0]).startswith("TikTok Shop API /product/202309/products/{product_id}: ")
    for error in failed:
        pseudo = catalog(PSEUDO).render(error.text)
        assert not bare_words(pseudo, re.compile(r"\{product_id\}|'abc'|\br1\b")), pseudo
        assert re.search(r"[\u4e00-\u9fff]", catalog("zh").render(error.text)), error
