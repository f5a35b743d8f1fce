"""The one output filter: every stream a command, the daemon or the review UI writes to
gets control characters shown as text, never the characters themselves."""

from __future__ import annotations

import io
import json
import logging

import pytest

from config.runtime import Environment
from config.terminal import LogLines, control_character, printable, printable_json
from tests.hostile import BIDI, C0, C1, CLEAR, EVERYTHING, MARKUP, TEXTS, raw_controls

ORDINARY = (
    "Botol termos ACME 500ml",
    "กระติกน้ำสแตนเลส เก็บความร้อน 12 ชั่วโมง",
    "ACME 不锈钢真空保温杯 500ml",
    "Bình giữ nhiệt inox 500ml — giữ nóng 12 giờ",
    "family 👨\u200d👩\u200d👧 emoji, ZWJ kept; ZWNJ too: می\u200cخواهم",
    "a line\nanother\tcolumn",
    "[markup] is text to a terminal: [bold red]x",
)


def env() -> Environment:
    return Environment(stdout=io.StringIO(), stderr=io.StringIO())


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_text_goes_out_as_it_is(text: str) -> None:
    assert printable(text) is text  # not even copied
    e = env()
    e.out(text)
    e.err(text)
    assert e.stdout.getvalue() == e.stderr.getvalue() == text + "\n"  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_each_hostile_text_is_shown_escaped_on_both_streams(name: str) -> None:
    text = TEXTS[name]
    e = env()
    e.out(f"title: {text}")
    e.err(f"error: {text}")
    for written in (e.stdout.getvalue(), e.stderr.getvalue()):  # type: ignore[attr-defined]
        assert raw_controls(written) == []


def test_every_control_character_is_shown_by_its_code() -> None:
    shown = printable(C0 + C1 + BIDI)
    for code in [*range(0x20), *range(0x7F, 0xA0)]:
        if chr(code) in "\n\t":
            assert chr(code) in shown  # lines and columns stay what they are
        elif chr(code) == "\r":
            assert "\\r" in shown
        else:
            assert f"\\x{code:02x}" in shown
    for char in BIDI:
        assert f"\\u{ord(char):04x}" in shown
    assert printable("\x1b]0;pwned\x07") == "\\x1b]0;pwned\\x07"
    assert printable("a\r\nb\rc") == "a\nb\\rc"  # a Windows line end is a line end; a lone CR
    # would send the cursor back over what was written


def test_an_undecodable_argument_is_shown_rather_than_failing_to_print() -> None:
    # Python decodes bytes that are not UTF-8 in argv to lone surrogates, which a UTF-8
    # stream refuses to encode: the error message naming them would itself fail.
    stream = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    Environment(stdout=stream, stderr=stream).err("unknown shop 'caf\udce9'")
    stream.flush()
    assert stream.buffer.getvalue() == b"unknown shop 'caf\\udce9'\n"  # type: ignore[attr-defined]


def test_json_keeps_the_data_whole_and_writes_what_a_terminal_acts_on_as_escapes() -> None:
    # JSON is for programs: a script reading --json gets exactly what was stored, bidi
    # overrides and C1 controls included. json.dumps escapes C0 itself but writes DEL, C1,
    # the separators and bidi controls raw: they go out as JSON escapes, which decode to
    # the same text, so the document is still inert when printed on a terminal.
    e = env()
    e.json({"title": EVERYTHING, "markup": list(MARKUP)})
    written = e.stdout.getvalue()  # type: ignore[attr-defined]
    assert raw_controls(written) == []
    assert json.loads(written) == {"title": EVERYTHING, "markup": list(MARKUP)}
    assert "\\u202e" in written and "\\u009b" in written


def test_a_control_character_is_named_by_code_name_and_place() -> None:
    assert control_character("ok\x1b[2J") == "U+001B (a control character) at character 3"
    assert control_character("abc\u202egpj") == "U+202E (right-to-left override) at character 4"
    assert control_character("two\nlines") == "U+000A (a control character) at character 4"
    assert control_character("two\r\nlines\tand a tab", lines=True) is None
    assert control_character("ok\x07", lines=True) == "U+0007 (a control character) at character 3"
    for text in ORDINARY[:5]:
        assert control_character(text) is None


def test_a_log_record_is_one_line_with_its_controls_shown() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(LogLines("%(levelname)s %(message)s"))
    log = logging.getLogger("tests.terminal")
    log.addHandler(handler)
    log.propagate = False
    try:
        log.warning("deliver: rejected with errcode 1: %s", "x\n2026-12-01 INFO forged" + CLEAR)
        try:
            raise ValueError(WINDOW := "\x1b]0;pwned\x07")
        except ValueError:
            log.exception("check failed")
    finally:
        log.removeHandler(handler)
    lines = stream.getvalue().splitlines()
    assert lines[0] == (
        "WARNING deliver: rejected with errcode 1: x\\n2026-12-01 INFO forged"
        "\\x1b[2J\\x1b[3J\\x1b[H"
    )
    assert lines[1] == "ERROR check failed"
    assert lines[2].startswith("Traceback")  # a traceback keeps its lines
    assert raw_controls(stream.getvalue()) == [] and WINDOW not in stream.getvalue()


def test_a_terminal_that_cannot_write_thai_or_emoji_gets_escapes_not_a_crash(
    tmp_path, home
) -> None:  # type: ignore[no-untyped-def]
    """A Chinese operator's terminal set to GBK has no Thai, Vietnamese or emoji: the view
    shows them escaped and --json keeps them whole as JSON escapes (it was exit 3)."""
    from config.cli import main
    from localize.cli import app

    (tmp_path / "shops.toml").write_text(
        '[[shops]]\nid = "acme-th"\nmarket = "TH"\nlanguages = ["th"]\n', encoding="utf-8"
    )
    missing = tmp_path / "สินค้า-bình-🙂.csv"
    for as_json in (False, True):
        out_bytes, err_bytes = io.BytesIO(), io.BytesIO()
        out = io.TextIOWrapper(out_bytes, encoding="gbk")
        err = io.TextIOWrapper(err_bytes, encoding="gbk")
        e = Environment(stdout=out, stderr=err, environ={"SHOPBOT_HOME": str(home)}, cwd=tmp_path)
        args = ["listings", "import", str(missing), "--shop", "acme-th"]
        code = main(app, args + ["--json"] * as_json, e)
        out.flush()
        err.flush()
        assert code == 2
        said = err_bytes.getvalue().decode("gbk")
        assert "\\u0e2a\\u0e34" in said and "no such file" in said
        if as_json:
            document = json.loads(out_bytes.getvalue().decode("gbk"))
            assert str(missing) in document["error"]  # the same text, read back whole


def test_a_long_title_is_cut_to_its_columns_on_a_terminal() -> None:
    """A list's title column holds 40 columns whatever the script (a 40-character Chinese
    title took 80 and pushed the notes off the line)."""
    from rich.cells import cell_len

    from config.terminal import clipped

    for text in ("保温杯" * 20, "กระติกน้ำสแตนเลส" * 5, "a" * 60, "保" + "a" * 60):
        cut = clipped(text, 40)
        assert cell_len(cut) == 40 and cut.endswith("…") and text.startswith(cut[:-1].rstrip())
    assert clipped("保温杯 500ml", 40) == "保温杯 500ml"


def test_bidi_marks_are_shown_escaped_but_not_refused() -> None:
    # a trial: U+200F and U+061C reached the terminal raw in review list/show and the
    # review screen (invisible, they turn the text around them); a listing copied from a
    # page may carry them, so they are not refused like the controls
    for mark in ("\u200e", "\u200f", "\u061c"):
        assert printable(f"abc{mark}def") == f"abc\\u{ord(mark):04x}def"
        assert "\\u" in printable_json(json.dumps({"t": f"a{mark}b"}, ensure_ascii=False))
        assert control_character(f"abc{mark}def") is None
