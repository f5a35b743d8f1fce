"""The cadence commands end to end: real files, a real store (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image, ImageDraw

from config.errors import echoed
from tests.httpserver import Reply, serve

CSV = """id,posted_at,products,title
7301,2026-11-23T20:00:00+07:00,P1,保温杯开箱
7302,2026-11-24T20:00:00+07:00,,没有挂车
7303,2026-11-25 21:00:00,P1;P2,本地时间
"""


@pytest.fixture
def shops(tmp_path: Path) -> Path:
    path = tmp_path / "shops.toml"
    path.write_text(
        '[[shops]]\nid = "acme-th"\nmarket = "TH"\nalert_language = "en"\n'
        '[[shops]]\nid = "acme-uk"\nmarket = "UK"\nweekly_quota = 4\n',
        encoding="utf-8",
    )
    return path


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_then_status_counts_only_product_linked_videos(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("videos", "import", str(write(tmp_path, "v.csv", CSV)), "--shop", "acme-th")
    assert result.code == 0, result.err
    assert "3 added, 0 updated" in result.out
    status = run("status", "--as-of", "2026-11-26T10:00+07:00", "--json")
    assert status.code == 0
    th, uk = json.loads(status.out)
    assert th == th | {
        "shop": "acme-th",
        "week_start": "2026-11-23",
        "timezone": "Asia/Bangkok",
        "quota": 3,
        "counted": 2,
        "due_by_now": 1,
        "state": "on_track",
    }
    assert th["excluded"] == [{"video": "7302", "reason": "no product link"}]
    assert uk["shop"] == "acme-uk" and uk["counted"] == 0 and uk["state"] == "behind"


def test_reimporting_updates_and_never_counts_twice(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, "v.csv", CSV)
    run("videos", "import", str(path), "--shop", "acme-th")
    path.write_text(CSV.replace(",,没有挂车", ",P9,补挂车"), encoding="utf-8")
    again = run("videos", "import", str(path), "--shop", "acme-th")
    assert "0 added, 1 updated, 2 unchanged" in again.out  # only the row that changed
    [th] = json.loads(
        run("status", "--shop", "acme-th", "--as-of", "2026-11-26T10:00+07:00", "--json").out
    )
    assert th["counted"] == 3 and th["state"] == "met"


def test_bad_rows_are_reported_by_line_and_the_rest_imported(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = (
        "id,posted_at,products,title\n"
        "a1,2026-11-23T20:00:00+07:00,P1,ok\n"
        "a2,yesterday,P1,bad date\n"
        ",2026-11-23T20:00:00+07:00,P1,no id\n"
        "a1,2026-11-24T20:00:00+07:00,P1,repeat\n"
        "a3,2026-11-24T20:00:00+07:00,P1,ok,extra\n"
        "a4,2026-11-24T20:00:00+07:00,P1,ok\n"
    )
    path = write(tmp_path, "v.csv", text)
    result = run("videos", "import", str(path), "--shop", "acme-th")
    assert result.code == 1
    assert f"{path}:3: posted_at 'yesterday' is not an ISO 8601 time" in result.err
    assert f"{path}:4: id is empty" in result.err
    assert f"{path}:5: video id 'a1' repeats line 2" in result.err
    assert f"{path}:6: more fields than the header has columns" in result.err
    assert "2 added, 0 updated, 0 unchanged, 0 re-uploads, 4 rows skipped" in result.out


def test_a_csv_with_wrong_columns_is_refused_whole(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, "v.csv", "video,when\n1,2026-11-23\n")
    result = run("videos", "import", str(path), "--shop", "acme-th")
    assert result.code == 2
    assert "missing column(s) id, posted_at, products, title" in result.err
    assert "found: video, when" in result.err


def test_a_gbk_csv_from_excel_is_read(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "gbk.csv"
    path.write_bytes(CSV.encode("gb18030"))
    assert run("videos", "import", str(path), "--shop", "acme-th").code == 0


def cover(path: Path, shade: int, mark: bool = False) -> Path:
    img = Image.new("RGB", (320, 320), (shade, 120, 200))
    draw = ImageDraw.Draw(img)
    draw.rectangle((40, 40, 200, 260), fill=(250, 250, 250))
    draw.ellipse((150, 60, 300, 200), fill=(20, 20, 20))
    if mark:
        draw.text((10, 300), "re-upload", fill=(0, 0, 0))
    img.save(path, quality=80)
    return path


def test_a_reupload_with_the_same_cover_does_not_fill_the_quota(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cover(tmp_path / "a.jpg", 10)
    cover(tmp_path / "b.jpg", 12, mark=True)  # re-encoded, a caption added: same picture
    other = Image.new("RGB", (320, 320), (240, 240, 240))
    ImageDraw.Draw(other).polygon([(0, 320), (160, 0), (320, 320)], fill=(200, 30, 30))
    other.save(tmp_path / "c.jpg")
    path = write(
        tmp_path,
        "v.csv",
        (
            "id,posted_at,products,title,cover\n"
            "v1,2026-11-23T20:00:00+07:00,P1,first,a.jpg\n"
            "v2,2026-11-24T20:00:00+07:00,P1,again,b.jpg\n"
            "v3,2026-11-25T20:00:00+07:00,P1,new,c.jpg\n"
        ),
    )
    result = run("videos", "import", str(path), "--shop", "acme-th", "--json")
    assert json.loads(result.out)["reuploads"] == [{"video": "v2", "duplicate_of": "v1"}]
    [th] = json.loads(
        run("status", "--shop", "acme-th", "--as-of", "2026-11-26T10:00+07:00", "--json").out
    )
    assert th["counted_videos"] == ["v1", "v3"]
    assert th["excluded"] == [{"video": "v2", "reason": "re-upload of v1 (same cover)"}]


def test_an_unreadable_cover_is_reported_and_the_row_skipped(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "bad.jpg").write_bytes(b"\xff\xd8\xff not really")
    path = write(
        tmp_path,
        "v.csv",
        "id,posted_at,products,title,cover\nv1,2026-11-23T20:00:00+07:00,P1,x,bad.jpg\n",
    )
    result = run("videos", "import", str(path), "--shop", "acme-th")
    assert result.code == 1 and f"{path}:2: " in result.err and "bad.jpg" in result.err


def test_videos_add_then_history(run) -> None:  # type: ignore[no-untyped-def]
    for vid, when in [
        ("a", "2026-11-10T09:00+07:00"),
        ("b", "2026-11-11T09:00+07:00"),
        ("c", "2026-11-12T09:00+07:00"),
        ("d", "2026-11-17T09:00+07:00"),
        ("e", "2026-11-24T09:00+07:00"),
    ]:
        assert run("videos", "add", "--shop", "acme-th", "--id", vid, "--posted-at", when).code == 0
    added = run(
        "videos",
        "add",
        "--shop",
        "acme-th",
        "--id",
        "f",
        "--posted-at",
        "2026-11-24T10:00+07:00",
        "--no-product",
    )
    assert "added video f of acme-th" in added.out
    result = run(
        "history",
        "--shop",
        "acme-th",
        "--weeks",
        "3",
        "--as-of",
        "2026-11-26T10:00+07:00",
        "--json",
    )
    report = json.loads(result.out)
    assert [(w["week_start"], w["counted"], w["result"]) for w in report["weeks"]] == [
        ("2026-11-23", 1, "current"),
        ("2026-11-16", 1, "missed"),
        ("2026-11-09", 3, "met"),
        # before the first video (and the store was made later): the bot did not know the
        # shop then, as the digest and the missed alert say; not "missed"
        ("2026-11-02", 0, "not_tracked"),
    ]
    assert report["streak"] == 0
    text = run("history", "--shop", "acme-th", "--weeks", "3", "--as-of", "2026-11-26T10:00+07:00")
    assert text.out.splitlines()[3] == "2026-11-02    0/3   not tracked"


def test_check_alerts_once_then_resolves(run, tmp_path: Path, shops: Path) -> None:  # type: ignore[no-untyped-def]
    with serve({"/hook": lambda r: Reply(200, {"errcode": 0})}) as srv:
        shops.write_text(
            shops.read_text().replace(
                'alert_language = "en"\n',
                f'alert_language = "en"\nalert_urls = ["json://127.0.0.1:{srv.port}/hook"]\n',
            )
        )
        first = run("check", "--shop", "acme-th", "--as-of", "2026-11-26T10:00+07:00")
        assert first.code == 0, first.err
        assert "acme-th: behind (0/3, 1 due); alerts: open behind; delivered 1" in first.out
        again = run("check", "--shop", "acme-th", "--as-of", "2026-11-26T11:00+07:00")
        assert "alerts: no change" in again.out and len(srv.requests) == 1
        run(
            "videos",
            "add",
            "--shop",
            "acme-th",
            "--id",
            "v1",
            "--posted-at",
            "2026-11-26T11:30+07:00",
        )
        done = run("check", "--shop", "acme-th", "--as-of", "2026-11-26T12:00+07:00")
        assert "alerts: resolve behind; delivered 1" in done.out
        titles = [r.json()["title"] for r in srv.requests]
    assert titles == [
        "[acme-th] Behind on this week's product videos",
        "[acme-th] Resolved: back on track with this week's videos",
    ]
    report = json.loads(run("alerts", "--shop", "acme-th", "--json").out)
    [alert] = report
    assert alert["rule"] == "behind" and alert["state"] == "resolved"
    assert [m["kind"] for m in alert["messages"]] == ["firing", "resolved"]
    assert all(m["state"] == "delivered" and m["deliveries"][0]["ok"] for m in alert["messages"])


def test_a_rejected_delivery_is_retried_and_visible(run, shops: Path) -> None:  # type: ignore[no-untyped-def]
    reply = Reply(200, {"errcode": 310000, "errmsg": "keywords not in content"})
    with serve({"/hook": lambda r: reply}) as srv:
        shops.write_text(
            shops.read_text().replace(
                'alert_language = "en"\n', 'alert_language = "en"\nalert_urls = ["env:TEAM_HOOK"]\n'
            )
        )
        env = {"TEAM_HOOK": f"json://127.0.0.1:{srv.port}/hook"}
        result = run("check", "--shop", "acme-th", "--as-of", "2026-11-26T10:00+07:00", environ=env)
        assert result.code == 1
        assert "errcode 310000: keywords not in content" in result.err
        [alert] = json.loads(run("alerts", "--json").out)
        [msg] = alert["messages"]
        assert msg["state"] == "pending" and msg["attempts"] == 1
        assert msg["next_attempt_at"] == "2026-11-26T03:00:30+00:00"  # 30 s later
        reply.body = {"errcode": 0}
        later = run("check", "--shop", "acme-th", "--as-of", "2026-11-26T10:01+07:00", environ=env)
        assert later.code == 0 and "delivered 1" in later.out


def test_a_missing_secret_names_the_variable_not_a_value(run, shops: Path) -> None:  # type: ignore[no-untyped-def]
    shops.write_text(
        shops.read_text().replace(
            'alert_language = "en"\n', 'alert_language = "en"\nalert_urls = ["env:TEAM_HOOK"]\n'
        )
    )
    result = run("check", "--shop", "acme-th", "--as-of", "2026-11-26T10:00+07:00")
    assert result.code == 1
    assert "environment variable TEAM_HOOK is not set (shop 'acme-th')" in result.err


def test_no_alert_urls_means_the_console(run) -> None:  # type: ignore[no-untyped-def]
    result = run("check", "--shop", "acme-uk", "--as-of", "2026-11-26T10:00+00:00")
    assert "[warning] 【acme-uk】本周带货视频进度落后" in result.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["status", "--as-of", "tomorrow"], "--as-of 'tomorrow' is not an ISO 8601 time"),
        (["status", "--as-of", "2026-11-26T10:00"], "has no UTC offset"),
        (["status", "--shop", "acme-vn"], "no shop with id 'acme-vn'; shops here: acme-th"),
        (["videos", "import", "nope.csv", "--shop", "acme-th"], "nope.csv: no such file"),
        (["videos", "sync", "--shop", "acme-th"], "has no video source"),
        (
            ["videos", "add", "--shop", "acme-th", "--id", "", "--posted-at", "2026-11-26"],
            "--id is empty; give the platform's video id",
        ),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(run, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    result = run(*args)
    assert result.code == 2 and message in result.err


def test_shopbot_now_sets_the_clock_a_command_without_as_of_decides_by(run) -> None:  # type: ignore[no-untyped-def]
    # A command given no --as-of (a daemon has none) decides by the clock: $SHOPBOT_NOW sets
    # it, so a test needs neither the real hour of the week nor a patched clock.
    def status(now: str):  # type: ignore[no-untyped-def]
        result = run("status", "--shop", "acme-th", "--json", environ={"SHOPBOT_NOW": now})
        assert result.code == 0, result.err
        [th] = json.loads(result.out)
        return th, result.err

    thursday, said = status("2026-12-03T13:00+07:00")
    assert (thursday["week_start"], thursday["due_by_now"], thursday["state"]) == (
        "2026-11-30",
        1,
        "behind",
    )
    assert "$SHOPBOT_NOW is set: the clock starts at 2026-12-03T06:00:00+00:00" in said
    monday, _ = status("2026-12-06T17:30Z")  # 00:30 on Monday in Bangkok: a new week
    assert (monday["week_start"], monday["due_by_now"], monday["state"]) == (
        "2026-12-07",
        0,
        "on_track",
    )
    bad = run("status", environ={"SHOPBOT_NOW": "last thursday"})
    assert bad.code == 2 and "$SHOPBOT_NOW 'last thursday' is not an ISO 8601 time" in bad.err
    naive = run("status", environ={"SHOPBOT_NOW": "2026-12-03T13:00"})
    assert naive.code == 2 and "$SHOPBOT_NOW '2026-12-03T13:00' has no UTC offset" in naive.err
    assert "unset it to use the real one" in naive.err


def test_a_bad_config_file_exits_2(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, "shops.toml", '[[shops]]\nid = "x"\nmarket = "ZZ"\n')
    result = cli("cadence", "status", "--config", str(path))
    assert result.code == 2 and "shops[0].market (line 3)" in result.err


@pytest.mark.parametrize(
    ("market", "posted", "as_of", "due", "counted", "state"),
    [
        ("TH", [], "2026-11-25T23:59:59+07:00", 0, 0, "on_track"),
        ("TH", [], "2026-11-26T00:00+07:00", 1, 0, "behind"),
        ("TH", ["2026-11-22T23:30+07:00"], "2026-11-26T01:00+07:00", 1, 0, "behind"),
        ("UK", ["2026-10-18T23:30+00:00"], "2026-10-25T23:30+00:00", 2, 1, "behind"),
        ("DE", ["2026-03-29T22:30+00:00"], "2026-03-30T00:30+02:00", 0, 1, "on_track"),
    ],
    ids=[
        "bkk-before-midnight",
        "bkk-midnight",
        "bkk-last-sunday",
        "london-dst-end",
        "berlin-dst-start",
    ],
)
def test_status_as_of_reproduces_the_quota_table(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, db_url: str, market, posted, as_of, due, counted, state
) -> None:
    config = write(tmp_path, "one.toml", f'[[shops]]\nid = "s"\nmarket = "{market}"\n')
    common = ("--config", str(config), "--db", db_url)
    for i, when in enumerate(posted):
        cli(
            "cadence", "videos", "add", "--shop", "s", "--id", f"v{i}", "--posted-at", when, *common
        )
    [row] = json.loads(cli("cadence", "status", "--as-of", as_of, "--json", *common).out)
    assert (row["due_by_now"], row["counted"], row["state"]) == (due, counted, state)


def test_a_quote_left_open_is_a_skipped_row_not_a_swallowed_file(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = (
        "id,posted_at,products,title\n"
        "b1,2026-11-23T20:00:00+07:00,P1,ok\n"
        'b2,2026-11-24T20:00:00+07:00,P1,"open quote\n'
        "b3,2026-11-25T20:00:00+07:00,P1,swallowed\n"
    )
    path = write(tmp_path, "v.csv", text)
    result = run("videos", "import", str(path), "--shop", "acme-th", "--json")
    assert result.code == 1
    assert f"{path}:3: a quoted field that starts on this row is never closed" in result.err
    summary = json.loads(result.out)
    assert summary["added"] == 1
    assert (
        summary["problems"][0] | {"line": 3, "file": str(path), "where": f"{path}:3"}
        == (summary["problems"][0])
    )


def test_nul_bytes_and_overlong_ids_are_skipped_rows(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = (
        "id,posted_at,products,title\n"
        "c1,2026-11-23T20:00:00+07:00,P1,nul\x00here\n"
        f"{'c' * 129},2026-11-23T20:00:00+07:00,P1,long id\n"
        "c3,2026/11/24 20:00,P1,slashes in the shop's time\n"
    )
    path = write(tmp_path, "v.csv", text)
    result = run("videos", "import", str(path), "--shop", "acme-th")
    assert result.code == 1
    assert f"{path}:2: title contains a NUL character" in result.err
    assert f"{path}:3: id is 129 characters; at most 128" in result.err
    assert "1 added, 0 updated, 0 unchanged, 0 re-uploads, 2 rows skipped" in result.out
    [th] = json.loads(
        run("status", "--shop", "acme-th", "--as-of", "2026-11-26T10:00+07:00", "--json").out
    )
    assert th["counted_videos"] == ["c3"]


def test_a_windows_1252_csv_is_read_as_such(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "v.csv"
    path.write_bytes(
        "id,posted_at,products,title\nw1,2026-11-23 20:00,P1,Crème brûlée naïve façade\n".encode(
            "cp1252"
        )
    )
    result = run("videos", "import", str(path), "--shop", "acme-th")
    assert result.code == 0, result.err


@pytest.mark.parametrize(
    ("posted_at", "message"),
    [
        ("0001-01-01T00:00+01:00", "the year must be between 1900 and 2999"),
        ("9999-12-31T23:59-05:00", "the year must be between 1900 and 2999"),
        ("next week", "2026/11/24 19:05"),
    ],
)
def test_times_out_of_range_are_bad_input(run, posted_at: str, message: str) -> None:  # type: ignore[no-untyped-def]
    result = run("videos", "add", "--shop", "acme-th", "--id", "x", "--posted-at", posted_at)
    assert result.code == 2 and message in result.err and "Traceback" not in result.err


def test_videos_add_takes_and_documents_local_times(run, capsys) -> None:  # type: ignore[no-untyped-def]
    assert run("videos", "add", "--help").code == 0
    help_text = " ".join(capsys.readouterr().out.replace("│", " ").split())
    assert "2026/11/24 19:05; without an offset, the shop's time" in help_text
    result = run(
        "videos", "add", "--shop", "acme-th", "--id", "s1", "--posted-at", "2026/11/24 19:05"
    )
    # for people in the shop's clock, named (trial-adv2 9: it printed raw ISO); --json
    # keeps ISO with its offset
    assert result.code == 0 and "posted Tue 24 Nov 19:05 Bangkok" in result.out, result.out


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda p: p.mkdir() or p, "is a folder, not a file"),
        (lambda p: p.with_name("x" * 300 + ".csv"), "the name is too long"),
        (lambda p: p.write_bytes("id\n保温カップ\n".encode("shift_jis")) and p, "cannot tell"),
    ],
    ids=["folder", "long-name", "unknown-encoding"],
)
def test_files_that_cannot_be_read_are_bad_input(run, tmp_path: Path, make, problem: str) -> None:  # type: ignore[no-untyped-def]
    path = make(tmp_path / "in.csv")
    result = run("videos", "import", str(path), "--shop", "acme-th")
    shown = echoed(str(path))  # as every error echoes a value: a long one cut, with its length
    assert result.code == 2 and f"{shown}: " in result.err and problem in result.err


@pytest.mark.parametrize(
    ("bad", "environ", "reason"),
    [
        ("env:TEAM_HOOK", {}, "environment variable TEAM_HOOK is not set (shop 'acme-th')"),
        # read from the environment, so no check at load time could have refused them
        ("env:BAD_HOOK", {"BAD_HOOK": "form://bot:SECRETX@127.0.0.1:99999/x"}, "ction error"),
        ("env:BAD_HOOK", {"BAD_HOOK": "json://[::1/SECRETX"}, "not a usable URL"),
        ("env:BAD_HOOK", {"BAD_HOOK": "nosuchscheme://SECRETX"}, "does not understand"),
    ],
    ids=["missing-variable", "apprise-port-99999", "unparseable", "unknown-scheme"],
)
def test_one_bad_target_fails_alone_and_the_others_deliver(  # type: ignore[no-untyped-def]
    run, shops: Path, bad: str, environ: dict[str, str], reason: str
) -> None:
    with serve({"/hook": lambda r: Reply(200, {"errcode": 0})}) as srv:
        shops.write_text(
            shops.read_text().replace(
                'alert_language = "en"\n',
                f'alert_language = "en"\nalert_urls = ["{bad}", '
                f'"json://127.0.0.1:{srv.port}/hook"]\n',
            )
        )
        first = run(
            "check", "--shop", "acme-th", "--as-of", "2026-11-26T10:00+07:00", environ=environ
        )
        assert first.code == 1, first.err
        assert len(srv.requests) == 1 and reason in first.err
        # the person reading it learns which entry of which shop to fix
        assert f"delivery failed (shop acme-th): {bad}" in first.err
        [alert] = json.loads(run("alerts", "--json").out)
        [msg] = alert["messages"]
        assert msg["state"] == "pending" and msg["attempts"] == 1 and reason in msg["last_error"]
        assert msg["last_error"].startswith(bad)
        failed, ok = msg["deliveries"]
        assert reason in failed["error"] and not failed["ok"] and ok["ok"]
        assert failed["target"].startswith(bad)
        if environ:  # a URL was read: its masked form is shown beside the entry
            assert re.fullmatch(rf"{bad} \(\w*://.*#[0-9a-f]{{8}}\)", failed["target"])
        text = run("alerts").out
        assert reason in text and bad in text
        # the week a person reads, not a raw ISO date (trial-adv2 9)
        assert "acme-th Mon 23 Nov 2026 " in text and "2026-11-23" not in text, text
        retry = run(
            "check", "--shop", "acme-th", "--as-of", "2026-11-26T10:05+07:00", environ=environ
        )
        assert retry.code == 1 and len(srv.requests) == 1  # the webhook is not sent it again
    everything = first.out + first.err + retry.err + text + json.dumps(alert)
    assert "SECRETX" not in everything


@pytest.mark.parametrize(
    ("first", "between", "later", "morning", "dropped", "sent"),
    [
        # behind at 23:00, held by quiet hours; a video at 23:30 resolves it before 08:00
        (
            "2026-11-26T23:00+07:00",
            "2026-11-26T23:30+07:00",
            "2026-11-26T23:45+07:00",
            "2026-11-27T08:05+07:00",
            2,
            [],
        ),
        # behind at 23:00 on Friday; at 00:30 it escalates to at risk: only that goes out
        (
            "2026-11-27T23:00+07:00",
            None,
            "2026-11-28T00:30+07:00",
            "2026-11-28T08:05+07:00",
            1,
            ["[acme-th] This week's video quota is at risk"],
        ),
    ],
    ids=["resolved", "superseded"],
)
def test_a_message_whose_alert_closed_during_quiet_hours_is_dropped(  # type: ignore[no-untyped-def]
    run,
    shops: Path,
    first: str,
    between: str | None,
    later: str,
    morning: str,
    dropped: int,
    sent: list[str],
) -> None:
    with serve({"/hook": lambda r: Reply(200, {"errcode": 0})}) as srv:
        shops.write_text(
            shops.read_text().replace(
                'alert_language = "en"\n',
                'alert_language = "en"\nquiet_hours = "22:00-08:00"\n'
                f'alert_urls = ["json://127.0.0.1:{srv.port}/hook"]\n',
            )
        )
        assert run("check", "--shop", "acme-th", "--as-of", first).code == 0
        if between:  # a video posted then
            run("videos", "add", "--shop", "acme-th", "--id", "v1", "--posted-at", between)
        meanwhile = run("check", "--shop", "acme-th", "--as-of", later)
        assert meanwhile.code == 0
        done = run("check", "--shop", "acme-th", "--as-of", morning)
        # dropped when its alert closed, or when it came due: either check says so
        said = re.findall(r"dropped (\d+)", meanwhile.out + done.out)
        assert done.code == 0 and sum(map(int, said)) == dropped, meanwhile.out + done.out
        assert [r.json()["title"] for r in srv.requests] == sent
    report = json.loads(run("alerts", "--json").out)
    states = [m["state"] for a in report for m in a["messages"]]
    assert states.count("dropped") == dropped and states.count("delivered") == len(sent)
    shown = [m for a in report for m in a["messages"] if m["state"] == "dropped"]
    assert all(m["last_error"] and not m["deliveries"] for m in shown)  # it says why
    assert "dropped, 0 attempt(s), not sent — " in run("alerts").out


def test_a_plain_check_after_a_check_as_of_the_future_is_refused(run, shops: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    with serve({"/hook": lambda r: Reply(200, {"errcode": 0})}) as srv:
        shops.write_text(
            shops.read_text().replace(
                'alert_language = "en"\n',
                f'alert_language = "en"\nalert_urls = ["json://127.0.0.1:{srv.port}/hook"]\n',
            )
        )
        # a Thursday noon in Bangkok some weeks after the real clock: the shop is behind
        later = datetime.now(UTC).astimezone(ZoneInfo("Asia/Bangkok")) + timedelta(weeks=5)
        thursday = (later + timedelta(days=(3 - later.weekday()) % 7)).replace(
            hour=12, minute=0, second=0, microsecond=0
        )
        ahead = run("check", "--shop", "acme-th", "--as-of", thursday.isoformat())
        assert ahead.code == 0 and len(srv.requests) >= 1, ahead.err
        sent = len(srv.requests)
        plain = run("check", "--shop", "acme-th")
        assert plain.code == 2 and "acme-th" in plain.err, plain.err
        assert f"already checked as of {thursday.astimezone(UTC).isoformat()}" in plain.err
        assert len(srv.requests) == sent  # nothing resolved, nothing sent
        assert run("check", "--shop", "acme-uk").code == 0  # another shop is not held up
        assert run("check", "--shop", "acme-th", "--as-of", thursday.isoformat()).code == 0
    capsys.readouterr()
    assert run("check", "--help").code == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert "as if it were this moment" in help_text and "use it on a test store" in help_text


def test_the_daemon_after_a_check_as_of_the_future_is_refused(run, shops: Path) -> None:  # type: ignore[no-untyped-def]
    with serve({"/hook": lambda r: Reply(200, {"errcode": 0})}) as srv:
        shops.write_text(
            shops.read_text().replace(
                'alert_language = "en"\n',
                f'alert_language = "en"\nalert_urls = ["json://127.0.0.1:{srv.port}/hook"]\n',
            )
        )
        later = datetime.now(UTC).astimezone(ZoneInfo("Asia/Bangkok")) + timedelta(weeks=5)
        thursday = (later + timedelta(days=(3 - later.weekday()) % 7)).replace(
            hour=12, minute=0, second=0, microsecond=0
        )
        assert run("check", "--shop", "acme-th", "--as-of", thursday.isoformat()).code == 0
        sent = len(srv.requests)
        for how in (["--shop", "acme-th"], ["--all"], ["--shops", "acme-uk,acme-th"]):
            refused = run("daemon", *how, "--once")
            assert refused.code == 2, (how, refused.err)
            assert "acme-th" in refused.err, refused.err
            assert f"already checked as of {thursday.astimezone(UTC).isoformat()}" in refused.err
            assert "the daemon would act on them" in refused.err  # it takes no --as-of
        assert len(srv.requests) == sent  # nothing resolved, nothing sent
        assert run("daemon", "--shop", "acme-uk", "--once").code == 0  # another shop runs


def test_an_uncertain_delivery_is_shown_in_alerts_and_fleet_status(
    run, shops: Path, db_url: str
) -> None:  # type: ignore[no-untyped-def]
    from cadence.outbox import deliver_due
    from store.db import open_store
    from tests.cadence.fakes import KilledMidSend, ProcessKilled
    from tests.httpserver import closed_port

    shops.write_text(
        shops.read_text().replace(
            'alert_language = "en"\n',
            f'alert_language = "en"\nalert_urls = ["json://127.0.0.1:{closed_port()}/hook"]\n',
        )
    )
    assert run("check", "--shop", "acme-th", "--as-of", "2026-11-26T10:00+07:00").code == 1
    engine = open_store(db_url)
    due = datetime(2026, 11, 26, 4, tzinfo=UTC)  # past the retry's backoff
    with pytest.raises(ProcessKilled):  # its worker dies while the chat holds the send
        deliver_due(engine, notifiers=lambda s: [KilledMidSend()], now=due, clock=lambda: due)
    later = due + timedelta(minutes=5)
    deliver_due(engine, notifiers=lambda s: [KilledMidSend()], now=later, clock=lambda: later)
    engine.dispose()
    [alert] = json.loads(run("alerts", "--json").out)
    assert [m["state"] for m in alert["messages"]] == ["uncertain"]
    assert [d["ok"] for d in alert["messages"][0]["deliveries"]] == [False, None]
    text = run("alerts").out
    assert "may have been delivered, 2 attempt(s), not sent again — " in text
    status = json.loads(run("fleet", "status", "--json").out)
    assert status["queue"]["messages_uncertain"] == 1
    assert (
        "1 message(s) may have been delivered: the chat gave no answer in time or their worker"
        in run("fleet", "status").out
    )
