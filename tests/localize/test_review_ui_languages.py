"""The review UI in the reader's language, driven through its screens with Textual's Pilot:
in the pseudo-language every word a person reads is inside ⟦ ⟧ (a word outside them that is
not a value bypassed the catalogs), in Chinese no English is left but values, in Thai the
layout holds its longer words."""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from config.i18n import CLOSE, OPEN, PSEUDO
from localize.review_ui import ReviewApp
from localize.review_ui.screens import ConfirmScreen, EmptyScreen, ItemScreen, ReasonScreen
from store.db import open_store
from tests.localize.test_review import listed
from tests.localize.test_review_ui import Tmux, answer, drive, press, settle

# What may be read outside the catalogs' words: the values. Ids, versions, counts, dates,
# the shop, products, SKUs and languages (codes), finding codes, the reviewers' names.
VALUES = re.compile(
    # a moment as config.times says it in English (the pseudo-language's), which a refusal
    # names ("already rejected by nok at Sun 06 Dec 17:45 Beijing"), wrapped or not
    r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun)\b|\b\d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b|"
    r"\b\d\d:\d\d Beijing\b|"
    r"\d{4}-\d\d-\d\d( \d\d:\d\d)?|\bv?\d+\b|acme-\w+|\bp\d\b|SKU-\d|\b(ms|en)\b|"
    r"\b[a-z]+(_[a-z]+)+\b|\b(ploy|nok)\b|\bUTC\b|\(y / n\)|"
    # the keys' names and the commands a message names, as typed
    r"\b(ctrl|escape|enter|esc|tab|shift|super|home|end|pgup|pgdn)\b|`[^`]*`|"
    r"--[a-z][a-z-]*( FIELD=TEXT)?|\bHTML\b"
)


# The edges of boxes (fields, dialogs, toasts, the help panel): text between two edges is
# one box's, and a marked text that wraps goes on in the same box on the next line.
EDGE = "│▏▕█▌▐▎▊┃"


def outside_marks(lines: list[str]) -> list[str]:
    """Each line's text outside ⟦ ⟧, a marked text wrapped over lines followed into the
    next line of its box (a run between edges, known by the column it starts at)."""
    inside: dict[int, bool] = {}
    left = []
    for line in lines:
        kept = []
        for run in re.finditer(f"[^{EDGE}]+", line):
            within = inside.get(run.start(), False) and bool(run.group().strip())
            for char in run.group():
                if char in (OPEN, CLOSE):
                    within = char == OPEN
                    kept.append(" ")
                else:
                    kept.append(" " if within else char)
            inside[run.start()] = within
            kept.append(" ")
        left.append("".join(kept))
    return left


def screen_lines(pilot: Pilot[Any]) -> list[str]:
    """The screen as a person reads it: each line of every screen shown (a dialog over the
    screen under it), toasts included."""
    app = pilot.app
    lines = []
    for screen in app.screen_stack[-2:]:
        lines += [strip.text for strip in screen._compositor.render_strips()]
    return lines


# What the tour types: an edit and two reasons.
TYPED = ["Pendek", "kaku", "ok"]


def values_of(pilot: Pilot[Any], shown: list[Any]) -> list[str]:
    """Every value on screen that someone wrote or a program gave: the listings' text and
    its translations, image paths, findings' codes and quotes, what the tour typed, the
    keys' names."""
    app = pilot.app
    found: list[str] = list(TYPED)
    for opened in shown:
        item, listing = opened.entry.item, opened.entry.listing
        for name in ("title", "description", "caption"):
            found += [getattr(item, name) or "", getattr(listing, name) or ""]
        for picture in opened.pictures:
            found += [picture.original, picture.captioned or ""]
    findings = [f for o in shown for f in o.findings]
    for screen in app.screen_stack:
        findings += getattr(screen, "findings", [])
    for f in findings:  # the code, and what it quotes of the text
        found += [str(f.get(key, "")) for key in ("code", "text", "fix")]
    for binding in app.screen.active_bindings.values():
        found.append(app.get_key_display(binding.binding))
    return [v for v in found if v]


def bare(lines: list[str], values: list[str], *, marked: bool) -> list[str]:
    """The lines with a word that is neither a value nor (with `marked`) inside ⟦ ⟧."""
    left = []
    # a long value wraps over lines: its words are values wherever they fall
    words = {w for v in values for w in re.findall(r"[A-Za-z]{2,}", v)}
    # and one wider than its box is cut at the box's edge (an image's path, as long as the
    # test's temporary folder: longer under pytest-xdist): the piece left is a value's
    cut = {w[:n] for w in words for n in range(2, len(w))}
    for line, text in zip(lines, outside_marks(lines) if marked else lines, strict=True):
        text = VALUES.sub(" ", text)
        at_edge = set(re.findall(f"([A-Za-z]{{2,}})[{EDGE}]", line))
        rest = [
            w
            for w in re.findall(r"[A-Za-z]{2,}", text)
            if w not in words and not (w in at_edge and w in cut)
        ]
        if rest:
            left.append(line.strip())
    return left


def tour(db_url: str, tmp_path: Path, home: Path, run: Any, lang: str) -> dict[str, list[str]]:
    """Every screen of the review UI and what it shows, in `lang`: an item with its
    findings and images, the help, the editor with findings, an unsaved-edits question,
    the reason prompt (and its hint), a decision someone else made first (a notice), the
    decision's summary, and the empty queue. Returns the lines not read as they should be."""
    from config.settings import load

    ids = [r["id"] for r in listed(run)]  # p1 ms, p1 en, p2 ms, p2 en
    app = ReviewApp(
        open_store(db_url),
        load(tmp_path / "shops.toml"),
        reviewer="ploy",
        images_root=home / "images",
        lang=lang,
    )
    seen: dict[str, list[str]] = {}
    shown: list[Any] = []

    async def look(pilot: Pilot[Any], moment: str) -> None:
        await settle(pilot)
        if isinstance(pilot.app.screen, ItemScreen):
            shown.append(pilot.app.screen.opened)
        seen[moment] = screen_lines(pilot)
        seen[moment + " (values)"] = values_of(pilot, shown)

    async def script(pilot: Pilot[None]) -> None:
        await look(pilot, "item")
        await press(pilot, "question_mark")
        await look(pilot, "help")
        await press(pilot, "question_mark")
        await press(pilot, "e")
        pilot.app.screen.query_one("#edit-title", Input).value = TYPED[0]
        await look(pilot, "editor")
        await press(pilot, "ctrl+s")
        await look(pilot, "edited")
        await press(pilot, "a")  # blocked by the short title
        await look(pilot, "blocked")
        await press(pilot, "s")
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await look(pilot, "unsaved")
        await press(pilot, "y")
        assert shown[-1].entry.item.id == ids[0]
        await press(pilot, "r", "enter")
        assert isinstance(pilot.app.screen, ReasonScreen)
        await look(pilot, "reason")
        await answer(pilot, TYPED[1])  # rejected: the next item, with the decision's summary
        await look(pilot, "decided")
        assert shown[-1].entry.item.id == ids[2]
        run("review", "reject", str(ids[2]), "--reviewer", "nok", "--reason", "mine")
        await press(pilot, "r")
        await answer(pilot, TYPED[2])  # nok decided first: a notice, then the queue's next
        await look(pilot, "notice")
        await press(pilot, "s")
        assert isinstance(pilot.app.screen, EmptyScreen)
        await look(pilot, "empty")
        await press(pilot, "q")

    drive(app, script, notifications=True)
    return seen


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_no_word_of_the_review_ui_bypasses_the_catalogs(  # type: ignore[no-untyped-def]
    queued,  # noqa: F811
    tmp_path: Path,
    home: Path,
) -> None:
    run, db_url = queued
    seen = tour(db_url, tmp_path, home, run, PSEUDO)
    bypassed = {}
    for moment, lines in seen.items():
        if moment.endswith("(values)"):
            continue
        assert any(OPEN in line and CLOSE in line for line in lines), moment
        left = bare(lines, seen[moment + " (values)"], marked=True)
        if left:
            bypassed[moment] = left
    assert not bypassed, "\n".join(f"{m}: {line}" for m, left in bypassed.items() for line in left)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_review_ui_speaks_chinese_with_no_english_but_values(  # type: ignore[no-untyped-def]
    queued,  # noqa: F811
    tmp_path: Path,
    home: Path,
) -> None:
    run, db_url = queued
    seen = tour(db_url, tmp_path, home, run, "zh")
    said = {m: "\n".join(lines) for m, lines in seen.items() if not m.endswith("(values)")}
    assert "审核人 ploy" in said["item"] and "批准" in said["item"]  # the position, the keys
    assert "帮助" in said["help"] and "向下滚动" in said["help"]  # Textual's own keys too
    assert "错误" in said["blocked"] and "个错误" in said["blocked"]
    assert "仍要跳过吗" in said["unsaved"]
    assert "驳回此译文" in said["reason"] and "需要填写原因" in said["reason"]
    assert "：驳回，当前状态：已驳回" in said["decided"]
    assert "操作人 nok" in said["notice"]
    assert "没有等待审核的条目" in said["empty"]
    english = {}
    for moment, lines in seen.items():
        if moment.endswith("(values)"):
            continue
        left = bare(lines, seen[moment + " (values)"], marked=False)
        if left:
            english[moment] = left
    assert not english, "\n".join(f"{m}: {line}" for m, left in english.items() for line in left)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_in_thai_an_item_fits_a_100_column_terminal(  # type: ignore[no-untyped-def]
    queued,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Thai's words are longer than English's: the position line and every key's
    description are still whole at 100 columns (a screenshot is kept beside the test)."""
    import asyncio

    _, db_url = queued
    app = ReviewApp(open_store(db_url), None, reviewer="ploy", lang="th")
    seen: list[str] = []

    async def main() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            seen.extend(screen_lines(pilot))
            app.save_screenshot(str(tmp_path / "review-th.svg"))
            await press(pilot, "q")

    asyncio.run(main())
    position = next(line for line in seen if "SKU-1" in line)
    assert position.rstrip().endswith("ผู้ตรวจทาน ploy"), position
    footer = seen[-1]
    for description in ("อนุมัติ", "แก้ไข", "ปฏิเสธ", "อนุมัติแม้มีข้อผิดพลาด", "ข้าม", "ออก", "ช่วยเหลือ"):
        assert f" {description} " in f"{footer} ", footer
    assert (tmp_path / "review-th.svg").stat().st_size > 0


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_localize_review_takes_lang_like_every_command(  # type: ignore[no-untyped-def]
    queued,  # noqa: F811
    home: Path,
    tmp_path: Path,
) -> None:
    """`localize review --lang th` in a terminal (tmux): the UI speaks Thai, from the
    option every command has."""
    _, db_url = queued
    program = Path(sys.executable).with_name("localize")
    command = [str(program), "review", "--reviewer", "ploy", "--db", db_url, "--lang", "th"]
    env = {**os.environ, "SHOPBOT_HOME": str(home), "TERM": "xterm-256color"}
    pane = Tmux(command, env, tmp_path)
    try:
        pane.wait_for("ผู้ตรวจทาน ploy", "อนุมัติ")
        pane.keys("q")
        pane.wait_for("EXITED 0")
    finally:
        pane.stop()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_blocked_items_reasons_are_shown_in_the_readers_language(  # type: ignore[no-untyped-def]
    queued,  # noqa: F811
    tmp_path: Path,
) -> None:
    """The blocked panel says preflight's reasons as its blocking stored them (messages), in
    the reader's language, as `review show` does; in the pseudo-language every word of the
    panel is marked (the stored English error shown as it is would be bare)."""
    from config.settings import load
    from tests.localize.test_review import approved_over_its_errors

    run, db_url = queued
    short = [r for r in listed(run) if r["product_id"] == "p2" and r["language"] == "ms"][0]
    approved_over_its_errors(db_url, short["id"], by="nok")
    assert run("publish", "--shop", "acme-my").code == 1
    panels = {}
    for lang in ("zh", PSEUDO):
        settings = load(tmp_path / "shops.toml")
        app = ReviewApp(open_store(db_url), settings, reviewer="ploy", language="ms", lang=lang)

        async def script(pilot: Pilot[None], lang: str = lang) -> None:
            await press(pilot, "s")  # p1 first: translated
            assert pilot.app.screen.opened.entry.item.id == short["id"]
            panels[lang] = str(pilot.app.screen.query_one("#blocked", Static).render())
            await press(pilot, "q")

        drive(app, script)
    assert "标题：3 个字符；该市场要求" in panels["zh"], panels["zh"]
    assert "characters" not in panels["zh"], panels["zh"]
    assert not bare(panels[PSEUDO].splitlines(), [], marked=True), panels[PSEUDO]
