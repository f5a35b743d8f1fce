"""The team's language: chosen in the documented order, messages rendered where they are
shown, the catalogs' own translations, and --json the same in every language."""

from __future__ import annotations

import gettext
import json
import re
from pathlib import Path

import pytest

from config.errors import AppError, BadInput, ConfigError
from config.i18n import CLOSE, ENGLISH, OPEN, PSEUDO, Catalog, Joined, catalog, choose, msg
from config.runtime import Environment
from tests.config.test_catalogs import bare_words


def test_the_language_is_chosen_in_the_documented_order() -> None:
    team = lambda: "zh-CN"  # noqa: E731
    assert choose("en", {"SHOPBOT_LANG": "zh"}, team) == "en"  # --lang first
    assert choose(None, {"SHOPBOT_LANG": "zh_CN.UTF-8", "LANG": "en_US"}, lambda: "en") == "zh"
    assert choose(None, {"LANG": "en_US.UTF-8"}, team) == "zh"  # the team before the locale
    assert choose(None, {"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}) == "zh"
    assert choose(None, {"LC_ALL": "", "LANG": "zh_SG.UTF-8"}) == "zh"
    assert choose(None, {"LANG": "de_DE.UTF-8"}) == "en"  # no catalog: English, no error
    assert choose(None, {"LANG": "C.UTF-8"}) == "en"
    assert choose(None, {}) == "en"


def test_thai_and_vietnamese_are_chosen_and_speak_within_their_declared_scope() -> None:
    assert choose(None, {"LANG": "th_TH.UTF-8"}) == "th"
    assert choose("vi-VN", {}) == "vi"
    assert choose(None, {"SHOPBOT_LANG": "Vietnamese"}) == "vi"
    assert catalog("th").render(msg("Approve")) == "อนุมัติ"  # the review UI's
    assert catalog("vi").render(msg("Reject")) == "Từ chối"
    # outside the scope (config.i18n.PARTIAL) the message is its English, never empty
    outside = msg("no changes recorded")
    assert catalog("th").render(outside) == catalog("vi").render(outside) == "no changes recorded"


@pytest.mark.parametrize("given", ["xx", "zz-TW", "中文", "e" * 500])
def test_a_language_given_on_purpose_that_is_not_one_is_refused(given: str) -> None:
    with pytest.raises(BadInput) as raised:
        choose(given, {})
    assert "--lang" in raised.value.message and "en, zh" in raised.value.message
    assert len(raised.value.message) < 200  # a long value is cut, not echoed whole


def test_an_empty_lang_is_refused_not_taken_as_none_given() -> None:
    with pytest.raises(BadInput) as raised:
        choose("", {"SHOPBOT_LANG": "zh"})
    assert "--lang ''" in raised.value.message


@pytest.mark.parametrize(
    "args",
    [
        ("localize", "--lang", "xx", "--help"),
        ("localize", "review", "--help", "--lang=xx"),
        ("cadence", "--lang", "", "--help"),
    ],
)
def test_an_unknown_lang_is_refused_with_help_too(cli, args: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    result = cli(*args)
    assert result.code == 2 and "is not a language this program speaks" in result.err
    assert "Usage:" not in result.out


def test_a_message_renders_its_parameters_lists_and_nested_messages_in_one_language() -> None:
    zh = catalog("zh")
    said = msg(
        "{path}: {problem}",
        path="shops.toml",
        problem=msg("no shop with id {shop!r}; shops here: {known}", shop="x", known="a, b"),
    )
    assert str(said) == "shops.toml: no shop with id 'x'; shops here: a, b"
    assert zh.render(said) == "shops.toml：没有 id 为 'x' 的店铺；此文件中的店铺：a, b"
    assert zh.render([msg("met"), msg("missed")]) == "已达标、未达标"
    assert zh.render(Joined([msg("met"), "x"], msg("; "))) == "已达标；x"
    assert catalog("en").render(Joined([msg("met"), "x"], msg("; "))) == "met; x"


def test_a_translation_with_a_broken_place_is_shown_in_english_not_a_crash() -> None:
    class Broken(gettext.NullTranslations):
        def gettext(self, message: str) -> str:
            return "{nope} 坏了"

    shown = Catalog("zh", Broken()).render(msg("streak: {streak} week(s) met in a row", streak=2))
    assert shown == "streak: 2 week(s) met in a row"


def test_an_error_keeps_english_for_the_store_and_its_message_for_the_reader() -> None:
    error = ConfigError("shops.toml", [msg("top level"), "plain text"])
    assert error.message == "shops.toml: 2 problems:\n  - top level\n  - plain text"
    assert error.problems == ["top level", "plain text"]
    assert catalog("zh").render(error.text) == "shops.toml：2 个问题：\n  - 顶层\n  - plain text"
    assert isinstance(AppError(msg("interrupted")).message, str)


def test_environment_renders_what_it_prints_in_the_readers_language(tmp_path: Path) -> None:
    import io

    out = io.StringIO()
    env = Environment(stdout=out, stderr=out, environ={"LANG": "zh_CN.UTF-8"}, cwd=tmp_path)
    env.out(msg("no alerts"))
    env.err(msg("{when} — {error}", when=msg("gave up"), error="\x1b]52;c;x\x07"))
    env.json({"error": msg("no alerts")})  # programs read English
    assert out.getvalue().splitlines() == [
        "没有告警",
        "已放弃 — \\x1b]52;c;x\\x07",
        '{"error": "no alerts"}',
    ]


def test_the_pseudo_language_marks_catalog_words_and_leaves_values_bare() -> None:
    shown = catalog(PSEUDO).render(msg("{file}: {counts}", file="a.csv", counts=msg("no alerts")))
    assert shown == f"a.csv{OPEN}: ⟧{OPEN}no alerts⟧"
    assert catalog(PSEUDO).render(msg("not in any catalog {x}", x=1)) == "not in any catalog 1"


# The commands: the same data in both languages.

SHOPS = (
    '[[shops]]\nid = "acme-th"\nmarket = "TH"\nalert_language = "en"\n'
    '[[shops]]\nid = "acme-uk"\nmarket = "UK"\nweekly_quota = 4\n'
)
CSV = """id,posted_at,products,title
7301,2026-11-23T20:00:00+07:00,P1,保温杯开箱
7302,2026-11-24T20:00:00+07:00,,没有挂车
"""


@pytest.fixture
def shop_cli(cli, tmp_path: Path, db_url: str):  # type: ignore[no-untyped-def]
    (tmp_path / "shops.toml").write_text(SHOPS, encoding="utf-8")
    (tmp_path / "v.csv").write_text(CSV, encoding="utf-8")

    def run(*args: str, lang: str | None = None):  # type: ignore[no-untyped-def]
        environ = {"SHOPBOT_DB": db_url, "SHOPBOT_CONFIG": str(tmp_path / "shops.toml")}
        if lang:
            environ["SHOPBOT_LANG"] = lang
        return cli("cadence", *args, environ=environ)

    return run


AS_OF = ("--as-of", "2026-11-27T10:00+07:00")


def test_status_and_alerts_speak_chinese_and_their_json_is_byte_identical(
    shop_cli, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    assert shop_cli("videos", "import", str(tmp_path / "v.csv"), "--shop", "acme-th").code == 0
    assert shop_cli("check", "--shop", "acme-th", *AS_OF).code in (0, 1)
    for command in (("status", *AS_OF), ("alerts",), ("history", "--shop", "acme-th", *AS_OF)):
        english = shop_cli(*command)
        chinese = shop_cli(*command, lang="zh")
        assert english.code == chinese.code == 0, chinese.err
        assert english.out != chinese.out
        assert re.search("[\u4e00-\u9fff]", chinese.out) and not re.search(
            "[\u4e00-\u9fff]", english.out.replace("保温杯开箱", "")
        )
        as_json = [shop_cli(*command, "--json", lang=lang).out for lang in (None, "zh", PSEUDO)]
        assert as_json[0] == as_json[1] == as_json[2]
        json.loads(as_json[0])
    status = shop_cli("status", *AS_OF, "--lang", "zh").out
    assert "店铺" in status and "落后" in status  # --lang does what SHOPBOT_LANG does


def test_errors_for_bad_input_speak_the_language_and_still_name_file_key_and_line(
    shop_cli, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    unknown = shop_cli("status", "--shop", "nope", lang="zh")
    assert unknown.code == 2
    assert "没有 id 为 'nope' 的店铺" in unknown.err and "shops.toml" in unknown.err
    (tmp_path / "shops.toml").write_text(SHOPS + "colour = 1\n", encoding="utf-8")
    bad_key = shop_cli("status", lang="zh")
    assert bad_key.code == 2
    assert "shops[1].colour（第 9 行）" in bad_key.err and "未知的键" in bad_key.err
    missing = shop_cli("status", "--config", str(tmp_path / "gone.toml"), lang="zh")
    assert missing.code == 2 and "gone.toml：配置文件不存在" in missing.err
    as_json = shop_cli("status", "--config", str(tmp_path / "gone.toml"), "--json", lang="zh")
    assert json.loads(as_json.out)["error"].endswith(
        "no such configuration file; pass "
        "--config PATH or set SHOPBOT_CONFIG (config/shops.example.toml is a template)"
    )


def test_the_team_language_in_the_shops_file_is_used_and_checked(shop_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shops = tmp_path / "shops.toml"
    shops.write_text('[team]\nlanguage = "zh-CN"\n' + SHOPS, encoding="utf-8")
    assert "店铺" in shop_cli("status", *AS_OF).out
    assert "shop " in shop_cli("status", *AS_OF, "--lang", "en").out
    shops.write_text('[team]\nlanguage = "klingon"\n' + SHOPS, encoding="utf-8")
    bad = shop_cli("status", *AS_OF)
    assert bad.code == 2
    assert "team.language (line 2)" in bad.err and "en, zh" in bad.err


def test_a_pipe_as_the_shops_file_is_refused_without_being_read(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Looking for `[team] language` opened the file unchecked: a pipe hung for good and
    /dev/zero was read until the OOM killer came; now it is refused, exit 2, like imports."""
    import os
    import threading

    pipe = tmp_path / "ff.toml"
    os.mkfifo(pipe)
    read_by_us: list[bool] = []
    done = threading.Event()

    def writer() -> None:  # lets a wrong read end instead of hanging the test
        while not done.is_set():
            try:
                with open(pipe, "w", encoding="utf-8") as stream:
                    if done.is_set():
                        return
                    read_by_us.append(True)
                    stream.write("x = 1\n")
            except OSError:
                return

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    for environ, args in (({"SHOPBOT_CONFIG": str(pipe)}, ()), ({}, ("--config", str(pipe)))):
        result = cli("cadence", "status", *args, environ=environ)
        assert result.code == 2, result.err
        assert str(pipe) in result.err and "not a regular file" in result.err
    done.set()
    os.close(os.open(pipe, os.O_RDONLY | os.O_NONBLOCK))  # lets the writer go
    assert not read_by_us
    thread.join(5)
    for device in ("/dev/zero", "/dev/urandom"):
        result = cli("cadence", "status", "--config", device)
        assert result.code == 2 and f"{device}: is not a regular file" in result.err


def test_a_bad_shopbot_lang_is_said_in_english_before_anything_runs(shop_cli) -> None:  # type: ignore[no-untyped-def]
    result = shop_cli("status", lang="tlh")
    assert result.code == 2
    assert result.err.strip() == (
        "error: SHOPBOT_LANG 'tlh' is not a language this program speaks; "
        "use one of: en, zh, th, vi"
    )


def test_a_table_lines_up_on_a_terminal_whatever_the_script() -> None:
    """Columns are padded by the width a terminal gives the text: a Chinese header or title
    takes two columns a character, a Thai mark none (str.format counted code points and
    pushed every column after a Chinese header to the right)."""
    from rich.cells import cell_len

    class Words(gettext.NullTranslations):
        def __init__(self, words: dict[str, str]) -> None:
            super().__init__()
            self.words = words

        def gettext(self, message: str) -> str:
            return self.words.get(message, message)

    row = "{title:<12}|{state:^8}|{n:>4}|"
    lines = [
        Catalog("zh", Words({"title": "标题", "state": "状态"})).render(
            msg(row, title=msg("title"), state=msg("state"), n=msg("n"))
        ),
        catalog(ENGLISH).render(msg(row, title="保温杯 500ml", state="ok", n=3)),
        catalog(ENGLISH).render(msg(row, title="กระติกน้ำ", state="ก่อน", n=12)),
        str(msg(row, title="Bình giữ nhiệt", state="đã", n=7)),
        catalog(ENGLISH).render(msg("{t:*>6.2}|", t="保温杯")),  # fill and precision kept
    ]
    bars = [[cell_len(line[: i + 1]) for i, c in enumerate(line) if c == "|"] for line in lines]
    assert bars[:3] == [[13, 22, 27]] * 3  # each bar counted in
    assert bars[3] == [15, 24, 29]  # a value wider than its column is kept whole
    assert lines[4] == "**保温|"


def test_the_shared_options_may_come_before_the_command(cli, tmp_path: Path, db_url: str) -> None:  # type: ignore[no-untyped-def]
    """`localize --lang zh review list`, as the guide's readers type it (it was refused as
    an unknown option); the command's own option still wins."""
    (tmp_path / "shops.toml").write_text(SHOPS, encoding="utf-8")
    before = cli("localize", "--lang", "zh", "--db", db_url, "review", "list")
    assert before.code == 0 and "没有等待审核的条目" in before.out
    own = cli("localize", "--lang", "zh", "review", "list", "--lang", "en", "--db", db_url)
    assert own.code == 0 and "nothing waits for review" in own.out
    shops = tmp_path / "shops.toml"
    listed = cli("cadence", "--config", str(shops), "--db", db_url, "--lang", "zh", "status")
    assert listed.code == 0 and "acme-th" in listed.out and "店铺" in listed.out
    missing = cli("cadence", "--config", str(tmp_path / "nope.toml"), "status", "--json")
    assert missing.code == 2 and "nope.toml" in json.loads(missing.out)["error"]


def test_values_joined_are_stored_with_their_items_and_separator() -> None:
    # An image finding's notes are joined by "; " ("；" in Chinese): stored as one string
    # they could only ever be shown in English.
    import json

    from config.i18n import SEMICOLON, from_stored, stored

    said = msg(
        "{problems}; left out",
        problems=Joined([msg("the {lang} segment is empty", lang="th"), "x"], SEMICOLON),
    )
    again = from_stored(json.loads(json.dumps(stored(said))))
    assert again == said
    assert catalog("zh").render(again) == "th 语言段为空；x；已略去"


def command_paths() -> list[tuple[str, ...]]:
    """Every command and group of both programs, as typed: ("localize", "review", "approve")."""
    import typer

    from cadence.cli import app as cadence
    from localize.cli import app as localize

    paths = []
    for program, app in (("cadence", cadence), ("localize", localize)):
        found = [((program,), typer.main.get_command(app))]
        while found:
            path, command = found.pop()
            paths.append(path)
            found += [((*path, n), c) for n, c in getattr(command, "commands", {}).items()]
    return paths


def test_help_speaks_the_readers_language_and_english_without_one(cli, capsys) -> None:  # type: ignore[no-untyped-def]
    assert cli("cadence", "--help", environ={"SHOPBOT_LANG": "zh"}).code == 0
    said = capsys.readouterr().out
    assert "用法: cadence [OPTIONS] COMMAND" in said and "\n选项:" in said and "\n命令:" in said
    assert "每个店铺本周的进度。" in said and "显示此帮助并退出。" in said
    assert cli("localize", "text", "--help", "--lang", "zh").code == 0
    said = capsys.readouterr().out
    assert "目标语言。  [必填]" in said and "[默认: zh-CN]" in said
    assert cli("cadence", "--help").code == 0
    said = capsys.readouterr().out
    assert "Usage: cadence [OPTIONS] COMMAND" in said and "Show this message and exit." in said
    assert "Where each shop stands in its current week." in said


def test_no_word_of_any_help_bypasses_the_catalogs(cli, capsys) -> None:  # type: ignore[no-untyped-def]
    paths = command_paths()
    names = {name for path in paths for name in path}
    # Outside the marks: the program and command names, arguments, options, metavars,
    # Click's placeholders, defaults' and ranges' values; a command's help cut short by
    # Click in the list of commands loses its closing mark.
    data = re.compile(
        rf"(?m){OPEN}[^{CLOSE}\n]*\.\.\.$|^  [a-z][a-z_]*\b|"
        r"--?[a-z][a-z-]*|<[^>]*>|\{[^}]*\}|\[?\b[A-Z_]+\b\]?(\.\.\.)?|\[\d+<=x<=\d+|"
        rf"(?<={OPEN}default{CLOSE}:)\s*[^\]]*|\[[a-z_]+\]|\b({'|'.join(sorted(names))})\b"
    )
    bypassed = {}
    for path in paths:
        result = cli(*path, "--help", environ={"SHOPBOT_LANG": PSEUDO})
        assert result.code == 0, result.err
        left = bare_words(capsys.readouterr().out, data)
        if left:
            bypassed[" ".join(path)] = left
    assert len(paths) > 30 and not bypassed, bypassed


def test_a_program_or_group_without_its_command_shows_its_help_in_the_language(cli, capsys) -> None:  # type: ignore[no-untyped-def]
    for args in (("cadence",), ("localize", "glossary")):
        result = cli(*args, environ={"SHOPBOT_LANG": "zh"})
        said = capsys.readouterr().out + result.out + result.err
        assert result.code in (0, 2), result.err  # never an internal error
        assert "用法:" in said and "选项" in said, said


def test_review_takes_the_shared_options_before_its_subcommand_and_refuses_its_own(
    cli, tmp_path: Path, db_url: str
) -> None:  # type: ignore[no-untyped-def]
    """`localize review --db X list` read the default store and `review --shop a list`
    listed every shop: options before the subcommand were silently ignored."""
    (tmp_path / "shops.toml").write_text(SHOPS, encoding="utf-8")
    nowhere = f"sqlite:///{tmp_path / 'no' / 'such' / 'x.db'}"
    elsewhere = cli("localize", "review", "--db", nowhere, "list")
    assert elsewhere.code == 2 and "x.db" in elsewhere.err  # that store, not the default one
    chosen = cli("localize", "review", "--lang", "zh", "--db", db_url, "list")
    assert chosen.code == 0 and "没有等待审核的条目" in chosen.out
    assert cli("localize", "review", "--lang", "xx", "list").code == 2
    own = cli("localize", "review", "--shop", "acme-th", "list", "--db", db_url)
    assert own.code == 2 and "--shop goes after the command's name" in own.err
    assert "localize review list --shop" in own.err
    wrong = cli("localize", "review", "--reviewer", "li", "list", "--db", db_url)
    assert wrong.code == 2 and "localize review list takes no --reviewer" in wrong.err
