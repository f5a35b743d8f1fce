"""Every command against a corpus of hostile arguments and files, on both stores: each ends
with exit 0, 1 or 2 (never 3, "a bug"), and a refusal names the input it refuses."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from PIL import Image

from tests.httpserver import Reply, Request, serve

SHOPS = (
    '[[shops]]\nid = "acme-th"\nmarket = "TH"\nalert_language = "en"\n'
    '[shops.translation]\nengine = "libre"\nurl = "http://127.0.0.1:9/"\n'
    'api_key_env = "LIBRE_KEY"\nretries = 0\ntimeout = 1\n'
    '[shops.publish]\nexport_dir = "export-is-a-file"\n'
)
VIDEOS_HEADER = "id,posted_at,products,title\n"
LISTINGS_HEADER = "product_id,title,images\n"


def files(root: Path) -> dict[str, Path]:
    """Hostile files, by name."""
    root.mkdir(exist_ok=True)
    made: dict[str, Path] = {}

    def put(name: str, data: bytes | str) -> None:
        path = root / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        made[name] = path

    (root / "a-folder").mkdir(exist_ok=True)
    made["folder"] = root / "a-folder"
    made["missing"] = root / "missing" / "dir" / "x.csv"
    put("empty.csv", b"")
    put("header.csv", VIDEOS_HEADER)
    put("gbk.csv", (VIDEOS_HEADER + "1,2026-11-24 20:00,P1,保温杯开箱\n").encode("gb18030"))
    put("cp1252.csv", (VIDEOS_HEADER + "1,2026-11-24 20:00,P1,Café crème\n").encode("cp1252"))
    put("utf16.csv", (VIDEOS_HEADER + "1,2026-11-24 20:00,P1,x\n").encode("utf-16"))
    put("nul.csv", VIDEOS_HEADER + "1,2026-11-24 20:00,P1,a\x00b\n")
    put("quote.csv", VIDEOS_HEADER + '1,2026-11-24 20:00,P1,"open\n2,2026-11-24 21:00,P1,x\n')
    put("long.csv", VIDEOS_HEADER + "1,2026-11-24 20:00,P1," + "x" * 200_000 + "\n")
    put("control.csv", VIDEOS_HEADER + '"v\x01",2026-11-24 20:00,P1,a\n')
    put("dup.csv", VIDEOS_HEADER + "1,2026-11-24 20:00,P1,a\n1,2026-11-24 21:00,P1,b\n")
    put("dates.csv", VIDEOS_HEADER + "1,0001-01-01T00:00,P1,a\n2,9999-12-31T23:59+14:00,,b\n")
    put("listings.csv", LISTINGS_HEADER + "p1,保温杯,../../../etc/passwd\np1,again,\n")
    put("deep.json", "[" * 100_000 + "]" * 100_000)
    put("types.json", json.dumps([{"product_id": True, "title": ["x"]}, 7, None]))
    put("glossary.csv", "term,language,target,pattern\n(a|aa)+$,,,true\nACME,xx,,\n,th,x,\n")
    put("notxml.tmx", "<tmx><header")
    put(
        "entities.tmx",
        '<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY a "aaaaaaaaaa">]>'
        '<tmx version="1.4"><header srclang="zh-CN"/><body><tu><tuv xml:lang="th"><seg>&a;'
        "</seg></tuv></tu></body></tmx>",
    )
    put("shops-gbk.toml", SHOPS.replace('"en"', '"en"  # 中文注释').encode("gb18030"))
    put("shops-typo.toml", SHOPS + "[shops.transation]\nengine = 1\n")
    put("shops-inf.toml", SHOPS.replace('alert_language = "en"', "repeat_interval_hours = inf"))
    put("not-an-image.jpg", b"\xff\xd8\xff\xe0 truncated")
    Image.new("RGB", (10, 10)).save(root / "tiny.png")
    made["tiny.png"] = root / "tiny.png"
    Image.new("RGB", (800, 800), (200, 30, 30)).save(root / "ok.jpg")
    made["ok.jpg"] = root / "ok.jpg"
    os.mkfifo(root / "fifo.csv")
    made["fifo"] = root / "fifo.csv"
    put("export-is-a-file", "not a folder")
    return made


def corpus(f: dict[str, Path], tmp: Path) -> list[tuple[str, list[str], str]]:
    """(program, arguments, what the message must name) for each hostile call."""
    cases: list[tuple[str, list[str], str]] = []
    for name in (
        "folder",
        "missing",
        "empty.csv",
        "header.csv",
        "gbk.csv",
        "cp1252.csv",
        "utf16.csv",
        "nul.csv",
        "quote.csv",
        "long.csv",
        "dup.csv",
        "control.csv",
        "dates.csv",
        "fifo",
        "deep.json",
        "types.json",
    ):
        path = str(f[name])
        cases.append(("cadence", ["videos", "import", path, "--shop", "acme-th"], path))
        cases.append(("localize", ["listings", "import", path, "--shop", "acme-th"], path))
    for name in ("folder", "missing", "glossary.csv", "gbk.csv", "fifo"):
        cases.append(("localize", ["glossary", "import", str(f[name])], str(f[name])))
    for name in ("folder", "missing", "notxml.tmx", "entities.tmx", "fifo", "empty.csv"):
        cases.append(("localize", ["memory", "import", str(f[name])], str(f[name])))
    cases += [
        (
            "localize",
            ["listings", "import", str(f["listings.csv"]), "--shop", "acme-th"],
            "etc/passwd",
        ),
        ("localize", ["memory", "export", str(f["folder"])], str(f["folder"])),
        ("localize", ["memory", "export", str(f["fifo"])], str(f["fifo"])),
        ("localize", ["memory", "export", str(tmp / "nope" / "dir" / "x.tmx")], "x.tmx"),
        ("localize", ["memory", "export", str(tmp / ("n" * 300 + ".tmx"))], "n" * 40),
        ("cadence", ["status", "--as-of", "9999-12-31T23:59:59+14:00"], "9999"),
        ("cadence", ["status", "--as-of", "0001-01-01T00:00:00+00:00"], "0001"),
        ("cadence", ["status", "--as-of", "tomorrow"], "tomorrow"),
        ("cadence", ["history", "--shop", "acme-th", "--as-of", "2026-13-45T00:00Z"], "2026-13"),
        ("cadence", ["status", "--shop", "nope"], "nope"),
        (
            "cadence",
            [
                "videos",
                "add",
                "--shop",
                "acme-th",
                "--id",
                "",
                "--posted-at",
                "2026-11-24T10:00+07:00",
            ],
            "--id",
        ),
        (
            "cadence",
            ["videos", "add", "--shop", "acme-th", "--id", "v", "--posted-at", "yesterday"],
            "yesterday",
        ),
        *(
            (
                "cadence",
                ["videos", "add", "--shop", "acme-th", "--id", bad, "--posted-at", "2026-11-24"],
                repr(bad),
            )
            for bad in ("v\x01", "v\u200b", "\x1b[31mv", "v\n2")
        ),
        (
            "cadence",
            [
                "videos",
                "add",
                "--shop",
                "acme-th",
                "--id",
                "v",
                "--posted-at",
                "2026/11/26 21:00",
                "--cover",
                str(f["folder"]),
            ],
            str(f["folder"]),
        ),
        ("cadence", ["videos", "sync", "--shop", "acme-th"], "acme-th"),
        ("cadence", ["alerts", "--shop", "nope", "--json"], "nope"),
        ("localize", ["text", "杯", "--to", "xx"], "xx"),
        ("localize", ["text", "杯", "--to", "th", "--from", "klingon"], "klingon"),
        ("localize", ["text", "杯", "--to", "th", "--field", "price"], "price"),
        ("localize", ["glossary", "add", "(a|aa)+$", "--pattern"], "(a|aa)+$"),
        ("localize", ["glossary", "add", "[", "--pattern"], "["),
        ("localize", ["glossary", "add", "x", "--as", "y"], "--to"),
        ("localize", ["glossary", "remove", "never-added"], "never-added"),
        (
            "localize",
            [
                "image",
                str(f["not-an-image.jpg"]),
                "-o",
                str(tmp / "o.jpg"),
                "--to",
                "th",
                "--caption",
                "ส่งฟรี",
            ],
            "not-an-image.jpg",
        ),
        (
            "localize",
            [
                "image",
                str(f["tiny.png"]),
                "-o",
                str(tmp / "o.jpg"),
                "--to",
                "th",
                "--caption",
                "ส่งฟรี",
            ],
            "tiny.png",
        ),
        (
            "localize",
            [
                "image",
                str(f["ok.jpg"]),
                "-o",
                str(tmp / "o.bmp"),
                "--to",
                "th",
                "--caption",
                "ส่งฟรี",
            ],
            "o.bmp",
        ),
        (
            "localize",
            [
                "image",
                str(f["ok.jpg"]),
                str(f["ok.jpg"]),
                "-o",
                str(f["empty.csv"]),
                "--to",
                "th",
                "--caption",
                "x",
            ],
            "empty.csv",
        ),
        (
            "localize",
            ["image", str(f["folder"]), "-o", str(tmp / "o.jpg"), "--to", "th", "--caption", "x"],
            "a-folder",
        ),
        (
            "localize",
            [
                "image",
                str(f["ok.jpg"]),
                "-o",
                str(tmp / "o.jpg"),
                "--to",
                "th",
                "--caption",
                "\u2063",
            ],
            "caption",
        ),
        ("localize", ["run", "--shop", "nope"], "nope"),
        ("localize", ["review", "show", "999999"], "999999"),
        ("localize", ["review", "approve", "999999", "--reviewer", "x"], "999999"),
        ("localize", ["review", "reject", "1", "--reviewer", "x", "--reason", " "], "reason"),
        ("localize", ["review", "list", "--state", "done"], "done"),
        ("localize", ["review"], "terminal"),
        ("localize", ["publish", "--shop", "acme-th", "--json"], ""),
        ("localize", ["publish", "--shop", "nope", "--json"], "nope"),
    ]
    replace = ["--to", "th", "--replace-text"]
    cases += [
        ("cadence", ["check", "--shop", "nope"], "nope"),
        ("cadence", ["check", "--as-of", "9999-12-31T23:59:59+14:00"], "9999"),
        ("cadence", ["check", "--shop", "acme-th", "--as-of", "2026/11/26"], "2026/11/26"),
        ("cadence", ["daemon", "--shop", "nope", "--once"], "nope"),
        ("cadence", ["daemon", "--shop", "acme-th", "--once"], ""),
        (
            "cadence",
            [
                "videos",
                "mark",
                "never-added",
                "--shop",
                "acme-th",
                "--by",
                "x",
                "--reason",
                "r",
                "--original",
            ],
            "never-added",
        ),
        (
            "cadence",
            [
                "videos",
                "mark",
                "v",
                "--shop",
                "acme-th",
                "--by",
                " ",
                "--reason",
                "r",
                "--original",
            ],
            "--by",
        ),
        (
            "cadence",
            ["videos", "mark", "v", "--shop", "nope", "--by", "x", "--reason", "r", "--original"],
            "nope",
        ),
        ("localize", ["glossary", "list", "--shop", "nope", "--json"], "nope"),
        ("localize", ["review", "history", "--shop", "nope", "--json"], "nope"),
        ("localize", ["review", "history", "999999", "--json"], ""),
        ("localize", ["image", str(f["folder"]), "-o", str(tmp / "r.jpg"), *replace], "a-folder"),
        (
            "localize",
            ["image", str(f["not-an-image.jpg"]), "-o", str(tmp / "r.jpg"), *replace],
            "not-an-image.jpg",
        ),
        # Unwritable destinations (the tests may run as root, which a chmod does not stop):
        # below a file, and in a kernel file system.
        (
            "localize",
            ["image", str(f["ok.jpg"]), "-o", str(f["empty.csv"] / "r.jpg"), *replace],
            "empty.csv",
        ),
        ("localize", ["image", str(f["ok.jpg"]), "-o", "/proc/r.jpg", *replace], "/proc/r.jpg"),
        (
            "localize",
            ["image", str(f["ok.jpg"]), "-o", "/proc/r.jpg", "--to", "th", "--caption", "x"],
            "/proc/r.jpg",
        ),
        (
            "localize",
            ["image", str(f["ok.jpg"]), "-o", str(tmp / "r.jpg"), *replace, "--shop", "nope"],
            "nope",
        ),
        (
            "localize",
            ["image", str(f["ok.jpg"]), "-o", str(tmp / "r.jpg"), *replace, "--caption", "x"],
            "--replace-text",
        ),
    ]
    # Numbers past what a column holds (PostgreSQL's INTEGER is 32-bit, SQLite's 64-bit),
    # and below what any id or count can be.
    for n in (str(2**31), str(2**63), str(10**23), "-1", "0"):
        cases += [
            ("localize", ["review", "show", n, "--json"], n),
            ("localize", ["review", "history", n], n),
            ("localize", ["review", "approve", n, "--reviewer", "x"], n),
            ("localize", ["review", "reject", n, "--reviewer", "x", "--reason", "r"], n),
            ("localize", ["review", "approve", "1", "--reviewer", "x", "--version", n], n),
            ("localize", ["run", "--shop", "acme-th", "--jobs", n, "--json"], n),
            ("cadence", ["alerts", "--limit", n, "--json"], n),
            ("cadence", ["history", "--shop", "acme-th", "--weeks", n], n),
        ]
    return cases


def _json_failure(program: str, args: list[str], code: int, out: str) -> list[str]:
    """What is wrong with a failing --json call's stdout: it must be one JSON document, and
    a refusal (exit 2) must say why in its "error" key."""
    where = f"{program} {args[:4]}: exit {code} with --json"
    try:
        document = json.loads(out)
    except ValueError:
        return [f"{where} printed no JSON document on stdout: {out[:200]!r}"]
    if code != 1 and not (isinstance(document, dict) and document.get("error")):
        return [f"{where} has no 'error' in its JSON: {out[:200]!r}"]
    return []


def test_every_command_survives_the_corpus(cli, tmp_path: Path, db_url: str, summary_line) -> None:  # type: ignore[no-untyped-def]
    f = files(tmp_path / "in")
    shops = tmp_path / "shops.toml"
    shops.write_text(SHOPS, encoding="utf-8")
    (tmp_path / "export-is-a-file").write_text("x", encoding="utf-8")
    bad_configs = [f["shops-gbk.toml"], f["shops-typo.toml"], f["shops-inf.toml"], f["folder"]]
    calls = [
        (p, [*a, "--config", str(shops), "--db", db_url], n) for p, a, n in corpus(f, tmp_path)
    ]
    # One command of each group with each broken shops file.
    calls += [
        (p, [*a, "--config", str(c), "--db", db_url], str(c))
        for c in bad_configs
        for p, a in (
            ("cadence", ["status"]),
            ("cadence", ["check"]),
            ("cadence", ["daemon", "--shop", "acme-th", "--once"]),
            ("cadence", ["videos", "add", "--shop", "acme-th", "--id", "v", "--posted-at", "x"]),
            ("cadence", ["alerts", "--shop", "acme-th"]),
            ("localize", ["run", "--shop", "acme-th"]),
            ("localize", ["listings", "import", str(f["header.csv"]), "--shop", "acme-th"]),
            ("localize", ["glossary", "list", "--shop", "acme-th"]),
            ("localize", ["memory", "export", str(tmp_path / "m.tmx"), "--shop", "acme-th"]),
            ("localize", ["review", "list", "--shop", "acme-th"]),
            ("localize", ["publish", "--shop", "acme-th"]),
            ("localize", ["text", "杯", "--to", "th", "--shop", "acme-th"]),
        )
    ]
    calls += [
        ("cadence", ["status", "--config", str(shops), "--db", db], shown)
        for db, shown in (
            ("sqlite://", "in-memory"),
            ("garbage://x", "garbage"),
            ("not a url", "not a url"),
            (f"sqlite:///{f['folder']}", "a-folder"),
            ("postgresql://nobody:hunter2@127.0.0.1:1/x", "127.0.0.1"),
        )
    ]
    problems = []
    for program, args, named in calls:
        result = cli(program, *args, environ={"LIBRE_KEY": "k"})
        if result.code not in (0, 1, 2):
            problems.append(f"{program} {args[:4]}: exit {result.code}\n{result.err[-800:]}")
        elif result.code and named and named not in result.err:
            problems.append(
                f"{program} {args[:4]}: exit {result.code}, does not name {named!r}: "
                f"{result.err[-300:]}"
            )
        if "hunter2" in result.err + result.out:
            problems.append(f"{program} {args[:4]}: printed a password")
        if "--json" in args and result.code:
            problems += _json_failure(program, args, result.code, result.out)
    summary_line(f"hostile corpus: {len(calls)} calls per store")
    assert problems == [], "\n\n".join(problems)
    leftovers = [p for p in tmp_path.rglob("*") if p.name.endswith((".part", ".download"))]
    assert leftovers == []


def _hostile_routes() -> dict[str, Any]:
    """An engine, a team chat robot and TikTok Shop, each answering with hostile text."""
    from tests.hostile import STORABLE
    from tests.localize.libre import fake_translate, params
    from tests.localize.publishing import EDIT, UPLOAD
    from tests.tiktok.partner import signed, success

    def translate(req: Request) -> Reply:
        p = params(req)
        return Reply(200, {"translatedText": f"{STORABLE} {fake_translate(p['q'], p['target'])}"})

    refused = {"code": 12019005, "message": STORABLE, "request_id": "x"}
    return {
        "/translate": translate,
        "/hook": lambda req: Reply(200, {"errcode": 310000, "errmsg": STORABLE}),
        UPLOAD: signed(lambda req: success({"uri": "tos-img/1"})),
        EDIT: signed(lambda req: Reply(200, refused)),
    }


def test_hostile_text_is_shown_never_obeyed_by_every_command_that_prints(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, db_url: str
) -> None:
    """What an engine, a reviewer, a person marking a video, a chat robot and TikTok Shop
    wrote reaches every view: no control character gets to the terminal unescaped, markup
    is shown as written, --json keeps the data whole, and nothing exits 3."""
    from tests.hostile import CLEAR, NAME, STORABLE, WINDOW_TITLE, raw_controls
    from tests.localize.images import photo
    from tests.localize.publishing import ENVIRON

    photo(seed=1).save(tmp_path / "a.jpg")
    (tmp_path / "listings.csv").write_text(
        "product_id,title,description,caption,images\n"
        "1729001,ACME 不锈钢真空保温杯 500ml 大容量 户外运动,<p>保温 12 小时。</p>,包邮,a.jpg\n"
        "1729002,保温杯 ACME 500ml 大容量 户外运动 不锈钢,,,\n",  # TikTok's ids are digits
        encoding="utf-8",
    )
    with serve(_hostile_routes()) as srv:
        shops = tmp_path / "shops.toml"
        shops.write_text(
            '[[shops]]\nid = "acme-my"\nmarket = "MY"\nlanguages = ["ms"]\n'
            f'alert_language = "en"\nalert_urls = ["json://127.0.0.1:{srv.port}/hook"]\n'
            f'[shops.translation]\nengine = "libre"\nurl = "{srv.url}"\n'
            'api_key_env = "LIBRE_KEY"\nretries = 0\n'
            f'[shops.publish]\nkind = "tiktok"\n[shops.tiktok]\nbase_url = "{srv.url}"\n'
            'app_key_env = "ACME_TTS_APP_KEY"\napp_secret_env = "ACME_TTS_APP_SECRET"\n'
            'access_token_env = "ACME_TTS_TOKEN"\nshop_cipher = "ROW_1"\ntimeout = 2\n',
            encoding="utf-8",
        )
        shop, as_of = ["--shop", "acme-my"], ["--as-of", "2026-11-27T23:00+08:00"]
        calls: list[tuple[str, list[str]]] = [
            ("localize", ["listings", "import", str(tmp_path / "listings.csv"), *shop]),
            ("localize", ["run", *shop]),
            ("localize", ["review", "list"]),
            ("localize", ["review", "list", "--json"]),
            ("localize", ["review", "show", "1"]),
            ("localize", ["review", "show", "1", "--json"]),
            (  # an engine's control characters are an error no override clears: set text
                "localize",
                [
                    "review",
                    "approve",
                    "1",
                    "--reviewer",
                    NAME,
                    "--override",
                    STORABLE,
                    "--set",
                    "title=ACME botol termos keluli 500ml luar",
                    "--set",
                    "description=<p>tahan 12 jam</p>",
                    "--set",
                    "caption=Percuma",
                ],
            ),  # fmt: skip
            ("localize", ["review", "reject", "2", "--reviewer", NAME, "--reason", STORABLE]),
            ("localize", ["review", "approve", "2", "--reviewer", "ploy"]),  # names NAME
            ("localize", ["review", "history"]),
            ("localize", ["review", "history", "--json"]),
            ("localize", ["publish", *shop]),
            ("localize", ["publish", *shop, "--json"]),
            ("cadence", ["videos", "add", *shop, "--id", "v1", "--posted-at", "2026-11-24"]),
            (
                "cadence",
                [
                    "videos",
                    "mark",
                    "v1",
                    *shop,
                    "--by",
                    NAME,
                    "--reason",
                    STORABLE,
                    "--not-original",
                ],
            ),
            ("cadence", ["status", *as_of]),
            ("cadence", ["status", *as_of, "--json"]),
            ("cadence", ["check", *shop, *as_of]),
            ("cadence", ["alerts"]),
            ("cadence", ["alerts", "--json"]),
            ("cadence", ["history", *shop, *as_of]),
            ("localize", ["text", "保温杯", "--to", "ms", *shop]),  # an engine's answer
            ("localize", ["text", "保温杯", "--to", "ms", *shop, "--json"]),
            ("localize", ["glossary", "add", NAME, "--to", "ms", "--as", NAME + CLEAR, *shop]),
            ("localize", ["glossary", "list", *shop]),
            (
                "localize",
                ["image", str(tmp_path / "a.jpg"), "-o", str(tmp_path / "o.jpg")]
                + ["--to", "ms", "--caption", STORABLE],
            ),
            # refusals that name what was given
            ("cadence", ["status", "--shop", NAME]),
            ("cadence", ["status", "--as-of", NAME]),
            ("localize", ["review", "list", "--state", NAME, "--json"]),
            ("localize", ["text", STORABLE, "--to", NAME]),
            ("localize", ["glossary", "remove", STORABLE]),
        ]
        results = []
        for program, args in calls:
            result = cli(
                program,
                *args,
                "--config",
                str(shops),
                "--db",
                db_url,
                environ={"LIBRE_KEY": "k", **ENVIRON},
            )
            results.append((program, args, result))
    problems = []
    for program, args, result in results:
        where = f"{program} {' '.join(args[:3])!r}: exit {result.code}"
        if result.code not in (0, 1, 2):
            problems.append(f"{where}\n{result.err[-800:]}")
        for stream, written in (("stdout", result.out), ("stderr", result.err)):
            if raw := raw_controls(written):
                problems.append(f"{where}: {len(raw)} raw on {stream}, first {raw[0]}")
        if "--json" in args:
            json.loads(result.out)  # still one JSON document
    assert problems == [], "\n".join(problems)

    def printed(words: str) -> Any:
        """The result of the first call whose arguments start with `words`."""
        return next(
            r
            for _, args, r in results
            if " ".join(args).startswith(words) and ("--json" in args) == ("--json" in words)
        )

    approved = printed("review approve 1")
    assert approved.code == 0, approved.err  # the item goes out, for TikTok's answer
    # Each way in was seen, as text: the escape shown, the markup as written.
    shown = WINDOW_TITLE.replace("\x1b", "\\x1b").replace("\x07", "\\x07")
    for command in ("review show 1", "text 保温杯 --to ms"):  # an engine's answer
        text = printed(command).out
        assert "\\x1b" not in text and "[/bogus]" in text, f"{command}: {text[:300]!r}"
    assert "control characters removed from the engine's answer" in printed("review show 1").out
    for command, stream in (
        ("review history", "out"),  # a reviewer's name and reason
        ("videos mark v1", "out"),  # a person's judgement of a video
        ("status --as-of 2026-11-27T23:00+08:00", "out"),  # ... shown with the week
        ("check --shop acme-my", "err"),  # a chat robot's errmsg
        ("alerts", "out"),  # ... kept with the attempt
        ("publish --shop acme-my", "err"),  # TikTok's message
        ("review approve 2", "err"),  # who decided first
    ):
        text = getattr(printed(command), stream)
        assert shown in text and "[/bogus]" in text, f"{command}: {text[:300]!r}"
    # a glossary term is refused, as in a listings or glossary file: never stored
    refused = printed(f"glossary add {NAME}")
    assert refused.code == 2 and "term contains U+001B" in refused.err, refused.err
    # JSON is for programs: the stored text comes back whole, every character of it.
    item = json.loads(printed("review show 1 --json").out)
    assert item[
        "fields"
    ][
        "title"
    ][
        "translation"
    ].startswith(  # but its control characters
        re.sub("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]+", " ", STORABLE).strip()[:8]
    )
    history = json.loads(printed("review history --json").out)
    assert {e["actor"] for e in history} >= {NAME}
