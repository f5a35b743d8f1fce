"""The review queue's terminal UI, driven by keys through Textual's Pilot on a real store;
each decision is checked in the store afterwards."""

from __future__ import annotations

import asyncio
import json
import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select
from textual.pilot import Pilot
from textual.widgets import Input, Static

from config.settings import load
from localize import review
from localize.review_ui import ReviewApp
from localize.review_ui.screens import ConfirmScreen, EditScreen, EmptyScreen, ItemScreen
from store.db import open_store, read_scope, session_scope
from store.models import (
    ItemState,
    Listing,
    LocalizationItem,
    ReviewDecision,
    TranslationMemory,
)
from tests.localize.test_review import approved_over_its_errors, listed

Script = Callable[[Pilot[None]], Awaitable[None]]


def drive(app: ReviewApp, script: Script, *, notifications: bool = False) -> None:
    """Run the app headless, play `script` against it; the app must have quit by the end.
    With `notifications`, they are drawn as toasts (Textual's tests leave them out)."""

    async def main() -> None:
        async with app.run_test(size=(180, 60), notifications=notifications) as pilot:
            await settle(pilot)
            await script(pilot)
            await settle(pilot)
            assert not app.is_running, "the script should end by quitting"

    asyncio.run(main())


async def settle(pilot: Pilot[Any]) -> None:
    """Until the workers are done and what they sent back is on screen."""
    app = pilot.app
    while True:
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not app.busy and not any(w.is_running for w in app.workers):  # type: ignore[attr-defined]
            return


async def answer(pilot: Pilot[Any], reason: str) -> None:
    """Fill in the reason prompt and confirm it."""
    pilot.app.screen.query_one("#reason-input", Input).value = reason
    await press(pilot, "enter")


async def press(pilot: Pilot[Any], *keys: str) -> None:
    """Press keys, then settle."""
    await pilot.press(*keys)
    await settle(pilot)


def shown(pilot: Pilot[Any]) -> LocalizationItem:
    """The item on screen."""
    screen = pilot.app.screen
    assert isinstance(screen, ItemScreen), type(screen)
    return screen.opened.entry.item


def text_of(pilot: Pilot[Any], selector: str) -> str:
    """A Static's text on the current screen."""
    return str(pilot.app.screen.query_one(selector, Static).render())


def item(db_url: str, item_id: int) -> LocalizationItem:
    """The item as stored now."""
    with read_scope(open_store(db_url)) as s:
        found = s.get(LocalizationItem, item_id)
    assert found is not None
    return found


TITLE = "Botol termos keluli tahan karat ACME 500ml untuk sukan luar"


def shop_app(db_url: str, tmp_path: Path, home: Path, *, reviewer: str) -> ReviewApp:
    """The queue in Malay as a reviewer with the shops file sees it (images can be drawn)."""
    return ReviewApp(
        open_store(db_url),
        load(tmp_path / "shops.toml"),
        reviewer=reviewer,
        language="ms",
        images_root=home / "images",
    )


def decisions(db_url: str) -> list[tuple[int, str, str, str]]:
    """(item, reviewer, decision, reason) for every recorded decision."""
    with read_scope(open_store(db_url)) as s:
        rows = s.exec(select(ReviewDecision).order_by(ReviewDecision.id)).all()
    return [(d.item_id, d.reviewer, d.decision, d.reason) for d in rows]


def test_approve_skip_and_quit_each_leave_the_store_right(queued) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    run, db_url = queued
    ids = [r["id"] for r in listed(run)]  # p1 ms, p1 en, p2 ms, p2 en
    app = ReviewApp(open_store(db_url), None, reviewer="ploy")
    seen: list[int] = []

    async def script(pilot: Pilot[None]) -> None:
        first = shown(pilot)
        assert first.id == ids[0] and item(db_url, ids[0]).claimed_by == "ploy"
        assert text_of(pilot, "#position").startswith("1 of 2 in ms")
        assert text_of(pilot, "#title-source").startswith("ACME 不锈钢")
        assert text_of(pilot, "#title-translation").startswith("acme ")
        await press(pilot, "s")  # skip: released, and the next item claimed
        assert item(db_url, ids[0]).claimed_by is None
        seen.append(shown(pilot).id)
        await press(pilot, "a")
        seen.append(shown(pilot).id)
        assert text_of(pilot, "#position").startswith("2 of 2 in ms")
        assert "title_length" in text_of(pilot, "#title-findings")  # beside the title
        await press(pilot, "question_mark")
        assert pilot.app.screen.query("HelpPanel")  # the keys, from BINDINGS
        await press(pilot, "question_mark")
        assert not pilot.app.screen.query("HelpPanel")
        await press(pilot, "q")

    drive(app, script)
    assert seen == [ids[1], ids[2]]
    assert item(db_url, ids[1]).state == ItemState.APPROVED
    assert decisions(db_url) == [(ids[1], "ploy", "approve", "")]
    for n in (0, 2, 3):  # skipped, quit on, never opened: all waiting and free
        assert (item(db_url, ids[n]).state, item(db_url, ids[n]).claimed_by) == ("translated", None)


def test_edit_then_approve_blocked_errors_and_an_override(queued, home: Path, tmp_path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    run, db_url = queued
    ids = [r["id"] for r in listed(run)]
    captioned = Path(listed(run)[0]["images"][1]["captioned"])
    before = captioned.read_bytes()
    app = shop_app(db_url, tmp_path, home, reviewer="ploy")
    title = TITLE.replace(" 500ml", "")  # a number dropped: an error an override clears
    fixed = "Tajuk yang cukup panjang untuk pasaran"

    async def script(pilot: Pilot[None]) -> None:
        assert shown(pilot).id == ids[0]
        await press(pilot, "e")
        editor = pilot.app.screen
        assert isinstance(editor, EditScreen)
        editor.query_one("#edit-title", Input).value = "Pendek"  # too short: an error at once
        await settle(pilot)
        assert "title_length" in text_of(pilot, "#edit-findings")
        editor.query_one("#edit-title", Input).value = title
        editor.query_one("#edit-caption", Input).value = "Percuma pos"
        await settle(pilot)
        assert "title_length" not in text_of(pilot, "#edit-findings")
        await press(pilot, "ctrl+s")
        assert text_of(pilot, "#title-translation") == title
        await press(pilot, "a")  # an error stands: nothing is decided
        assert "numbers" in text_of(pilot, "#status") and shown(pilot).id == ids[0]
        await press(pilot, "o")
        await answer(pilot, "brand name")
        short = shown(pilot)
        assert short.id == ids[2]
        await press(pilot, "a")
        assert "title_length" in text_of(pilot, "#status") and shown(pilot).id == ids[2]
        await press(pilot, "o")  # publish blocks a short title whatever a reviewer says
        assert "cannot be overridden" in text_of(pilot, "#status") and shown(pilot).id == ids[2]
        await press(pilot, "e")
        pilot.app.screen.query_one("#edit-title", Input).value = fixed
        await press(pilot, "ctrl+s")
        await press(pilot, "a")
        assert isinstance(pilot.app.screen, EmptyScreen)
        assert "nothing waits for review" in text_of(pilot, "#empty")
        await press(pilot, "q")

    drive(app, script)
    edited = item(db_url, ids[0])
    assert (edited.state, edited.title, edited.caption) == ("approved", title, "Percuma pos")
    redrawn = Path(edited.images[1])  # drawn again for the new caption, beside the old one
    assert redrawn != captioned and redrawn.read_bytes() != before
    assert [f["override_reason"] for f in edited.findings if f.get("overridden_by")] == [
        "brand name"
    ]
    assert (item(db_url, ids[2]).state, item(db_url, ids[2]).title) == ("approved", fixed)
    assert decisions(db_url) == [
        (ids[0], "ploy", "edit", ""),
        (ids[0], "ploy", "override", "brand name"),
        (ids[2], "ploy", "edit", ""),
        (ids[2], "ploy", "approve", ""),
    ]
    with read_scope(open_store(db_url)) as s:
        human = s.exec(select(TranslationMemory).where(TranslationMemory.quality == "human"))
        remembered = {(m.target_lang, m.target_text) for m in human}
    # the title approved over its error is not taught to the memory; the clean edits are
    assert remembered == {("ms", "Percuma pos"), ("ms", fixed)}


def test_reject_with_a_reason_and_someone_deciding_first_is_shown(queued) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    run, db_url = queued
    ids = [r["id"] for r in listed(run)]
    store = open_store(db_url)
    app = ReviewApp(store, None, reviewer="ploy", language="en")

    async def script(pilot: Pilot[None]) -> None:
        assert shown(pilot).id == ids[1]
        await press(pilot, "r", "enter")  # an empty reason is asked for again
        assert "a reason is needed" in text_of(pilot, "#reason-hint")
        await pilot.press(*"quite")  # typed into the prompt: q does not quit here
        await answer(pilot, "wrong tone")
        assert shown(pilot).id == ids[3]
        run("review", "reject", str(ids[3]), "--reviewer", "nok", "--reason", "mine")
        await press(pilot, "r")  # rejected too... but nok decided first
        await answer(pilot, "ok")
        assert isinstance(pilot.app.screen, EmptyScreen)
        await press(pilot, "q")

    drive(app, script)
    assert item(db_url, ids[1]).state == "rejected"
    assert item(db_url, ids[3]).state == "rejected"
    assert decisions(db_url) == [
        (ids[1], "ploy", "reject", "wrong tone"),
        (ids[3], "nok", "reject", "mine"),
    ]
    notices = [n.message for n in app._notifications]
    assert any(f"item {ids[3]} was already rejected by nok at" in m for m in notices), notices


class Tmux:
    """A tmux server of our own (its socket in `folder`) running one command in a 200x50 pane."""

    def __init__(self, command: list[str], env: dict[str, str], folder: Path) -> None:
        self.socket = str(folder / "tmux.sock")
        shell = f"{shlex.join(command)}; echo EXITED $?; sleep 60"
        # The pane's size is the terminal's: COLUMNS and LINES (pytest-xdist's workers have
        # 80 and 24) would make the app draw 80x24 in the 200x50 pane, its images unseen.
        env = {k: v for k, v in env.items() if k not in ("COLUMNS", "LINES")}
        self.tmux("new-session", "-d", "-x", "200", "-y", "50", "-s", "review", shell, env=env)

    def tmux(self, *args: str, env: dict[str, str] | None = None) -> str:
        """Run a tmux command against our server."""
        done = subprocess.run(
            ["tmux", "-S", self.socket, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        return done.stdout

    def wait_for(self, *texts: str, deadline: float = 120.0) -> str:
        """The pane's text once all `texts` show in it (polled; fails at the deadline, which
        is generous: a Textual start-up in its own process has 2 cores shared by other runs)."""
        until = time.monotonic() + deadline
        while True:
            screen = self.tmux("capture-pane", "-p", "-t", "review")
            if all(text in screen for text in texts):
                return screen
            assert time.monotonic() < until, f"{texts!r} never showed:\n{screen}"
            time.sleep(0.05)

    def keys(self, *keys: str) -> None:
        """Type keys into the pane."""
        self.tmux("send-keys", "-t", "review", *keys)

    def stop(self) -> None:
        """Stop our server (and whatever still runs in it)."""
        subprocess.run(["tmux", "-S", self.socket, "kill-server"], capture_output=True)


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_in_a_real_terminal_approve_one_and_quit(queued, home: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    run, db_url = queued
    ids = [r["id"] for r in listed(run)]
    program = Path(sys.executable).with_name("localize")
    command = [str(program), "review", "--reviewer", "ploy", "--db", db_url]
    command += ["--config", str(tmp_path / "shops.toml")]
    env = {**os.environ, "SHOPBOT_HOME": str(home), "TERM": "xterm-256color"}
    pane = Tmux(command, env, tmp_path)
    try:
        pane.wait_for("1 of 2 in ms", f"item {ids[0]} ", "ACME 不锈钢", "Approve", "captioned")
        pane.keys("a")
        pane.wait_for("1 of 2 in en", f"item {ids[1]} ", f"item {ids[0]}: approve (approved")
        pane.keys("q")
        pane.wait_for("EXITED 0")
    finally:
        pane.stop()
    assert decisions(db_url) == [(ids[0], "ploy", "approve", "")]
    assert (item(db_url, ids[1]).state, item(db_url, ids[1]).claimed_by) == ("translated", None)


def test_a_changed_source_shows_what_was_approved_before(queued, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    run, db_url = queued
    first = listed(run)[0]
    assert run("review", "approve", str(first["id"]), "--reviewer", "nok").code == 0
    listings = tmp_path / "listings.csv"
    listings.write_text(listings.read_text().replace("户外运动", "户外运动 新款"), encoding="utf-8")
    assert run("listings", "import", str(listings), "--shop", "acme-my").code == 0
    assert run("run", "--shop", "acme-my").code == 0
    assert item(db_url, first["id"]).state == ItemState.STALE
    app = ReviewApp(open_store(db_url), None, reviewer="ploy", language="ms", shop_id="acme-my")

    async def script(pilot: Pilot[None]) -> None:
        assert not pilot.app.screen.query_one("#stale").display  # p2: a first translation
        await press(pilot, "s")
        assert shown(pilot).listing_id == item(db_url, first["id"]).listing_id
        stale = text_of(pilot, "#stale")
        assert f"after item {first['id']} was reviewed" in stale
        assert first["fields"]["title"]["translation"] in stale
        assert "What changed in the source:" in stale
        assert f"-{first['fields']['title']['source']}\n" in stale
        assert f"+{first['fields']['title']['source']} 新款" in stale
        await press(pilot, "q")

    drive(app, script)


def test_unsaved_edits_are_asked_about_before_skip_or_quit(queued) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    run, db_url = queued
    ids = [r["id"] for r in listed(run)]
    version = listed(run)[0]["lock_version"]
    app = ReviewApp(open_store(db_url), None, reviewer="ploy", language="ms")

    async def script(pilot: Pilot[None]) -> None:
        assert shown(pilot).id == ids[0]
        await press(pilot, "e")
        editor = pilot.app.screen
        assert isinstance(editor, EditScreen)
        editor.query_one("#edit-title", Input).value = "Botol termos ACME 保温杯 500ml untuk sukan"
        editor.query_one("#edit-caption", Input).value = "Percuma pos"
        await press(pilot, "ctrl+s")
        assert "drawn again with the new caption when you approve" in text_of(pilot, "#status")
        await press(pilot, "o")  # Chinese left in the title: preflight would block it anyway
        assert "cannot be overridden" in text_of(pilot, "#status")
        await press(pilot, "s")
        assert isinstance(pilot.app.screen, ConfirmScreen)
        assert "title" in text_of(pilot, "#confirm-question")
        await press(pilot, "n")  # kept: the same item, the edits still there
        assert shown(pilot).id == ids[0] and pilot.app.screen.edits  # type: ignore[attr-defined]
        await press(pilot, "q")
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await press(pilot, "escape")
        assert shown(pilot).id == ids[0]
        await press(pilot, "q", "y")

    drive(app, script)
    stored = item(db_url, ids[0])
    assert (stored.state, stored.claimed_by, stored.version) == ("translated", None, version)
    assert decisions(db_url) == []


def test_the_claim_is_renewed_while_the_item_stays_open(queued) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    run, db_url = queued
    ids = [r["id"] for r in listed(run)]
    t0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    now = [t0]
    store = open_store(db_url)
    app = ReviewApp(store, None, reviewer="ploy", language="en", clock=lambda: now[0])

    async def script(pilot: Pilot[None]) -> None:
        assert shown(pilot).id == ids[1]
        assert item(db_url, ids[1]).claimed_until == t0 + timedelta(minutes=15)
        assert app.renewal._interval == 300  # a third of the lease
        now[0] = t0 + timedelta(minutes=14)
        app.renew_claim()  # what the timer calls: the clock is read now
        await settle(pilot)
        assert item(db_url, ids[1]).claimed_until == t0 + timedelta(minutes=29)
        with pytest.raises(review.ClaimedByOther, match="open with ploy"):
            review.claim(store, ids[1], reviewer="nok", clock=lambda: t0 + timedelta(minutes=20))
        run("review", "approve", str(ids[1]), "--reviewer", "nok")  # a script decides it
        app.renew_claim()
        await settle(pilot)
        assert item(db_url, ids[1]).claimed_by is None  # a decided item is not held again
        await press(pilot, "q")

    drive(app, script)
    notices = [n.message for n in app._notifications]
    assert any(f"item {ids[1]} is no longer yours" in m for m in notices), notices


def test_a_blocked_item_is_served_with_its_reasons_and_fixed(queued, home: Path, tmp_path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    run, db_url = queued
    short = [r for r in listed(run) if r["product_id"] == "p2" and r["language"] == "ms"][0]
    refused = run("review", "approve", str(short["id"]), "--reviewer", "nok", "--override", "b")
    assert refused.code == 1 and "cannot be overridden" in refused.err
    approved_over_its_errors(db_url, short["id"], by="nok")
    assert run("publish", "--shop", "acme-my").code == 1
    assert item(db_url, short["id"]).state == "blocked"
    settings = load(tmp_path / "shops.toml")
    app = ReviewApp(open_store(db_url), settings, reviewer="ploy", language="ms")
    title = "Tajuk yang cukup panjang untuk pasaran"

    async def script(pilot: Pilot[None]) -> None:
        assert not pilot.app.screen.query_one("#blocked").display  # p1: translated
        await press(pilot, "s")
        assert shown(pilot).id == short["id"]
        reasons = text_of(pilot, "#blocked")
        assert "blocked by publish preflight" in reasons and "title: 3 characters" in reasons
        await press(pilot, "e")
        pilot.app.screen.query_one("#edit-title", Input).value = title
        await press(pilot, "ctrl+s")
        await press(pilot, "a")
        assert isinstance(pilot.app.screen, EmptyScreen)
        await press(pilot, "q")

    drive(app, script)
    fixed = item(db_url, short["id"])
    assert (fixed.state, fixed.title, fixed.error) == ("approved", title, None)
    assert decisions(db_url)[-2:] == [
        (short["id"], "ploy", "edit", ""),
        (short["id"], "ploy", "approve", ""),
    ]


def test_edits_of_an_item_someone_else_decided_first_are_kept_for_the_reviewer(
    queued,  # noqa: F811
    home: Path,
    tmp_path: Path,
) -> None:  # type: ignore[no-untyped-def]
    run, db_url = queued
    ids = [r["id"] for r in listed(run)]
    app = shop_app(db_url, tmp_path, home, reviewer="ann")
    title = TITLE

    async def script(pilot: Pilot[None]) -> None:
        assert shown(pilot).id == ids[0]
        await press(pilot, "e")
        pilot.app.screen.query_one("#edit-title", Input).value = title
        await settle(pilot)
        await press(pilot, "ctrl+s")
        run("review", "reject", str(ids[0]), "--reviewer", "bob", "--reason", "bob says no")
        await press(pilot, "a")  # bob decided first: ann's edit cannot be applied
        assert shown(pilot).id != ids[0]
        await press(pilot, "q")

    drive(app, script)
    assert item(db_url, ids[0]).state == "rejected"
    notices = [n.message for n in app._notifications]
    kept = [m for m in notices if "your edits were not applied" in m]
    assert kept and "by bob" in kept[0], notices
    path = Path(kept[0].rsplit("kept in ", 1)[1])
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert (saved["item"], saved["reviewer"], saved["edits"]["title"]) == (ids[0], "ann", title)


def hostile_item(db_url: str, item_id: int) -> None:
    """Give an item and its listing the hostile corpus for text, as an engine answered it
    and as a listing stored before imports refused control characters holds it."""
    from tests.hostile import STORABLE

    with session_scope(open_store(db_url)) as s:
        found = s.get(LocalizationItem, item_id)
        assert found is not None
        found.title = f"{STORABLE} title"
        found.description = f"<p>{STORABLE} description</p>"
        found.caption = f"{STORABLE} caption"
        listing = s.get(Listing, found.listing_id)
        assert listing is not None
        listing.title = f"{STORABLE} 保温杯"
        s.add_all([found, listing])


def screen_text(pilot: Pilot[Any]) -> str:
    """Everything on screen as the terminal would be given it: the frame, and each
    widget's text (notifications included)."""
    app = pilot.app
    widgets = [str(w.render()) for w in app.screen.query("Static, Label, Toast")]
    return app.export_screenshot() + "\n".join(widgets)


def test_what_others_wrote_is_shown_as_text_never_as_markup_or_control_codes(queued) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """A translation full of escape sequences and markup, a reviewer named `[/bogus]` who
    decides the item first, a reviewer named `[ops] li`: shown as written, no crash."""
    from tests.hostile import WINDOW_TITLE, raw_controls

    run, db_url = queued
    ids = [r["id"] for r in listed(run)]
    hostile_item(db_url, ids[0])
    app = ReviewApp(open_store(db_url), None, reviewer="[ops] li", language="ms")
    seen: dict[str, str] = {}

    async def script(pilot: Pilot[None]) -> None:
        assert shown(pilot).id == ids[0]
        seen["item"] = screen_text(pilot)
        await press(pilot, "e")  # the editor holds the same text
        seen["editor"] = screen_text(pilot)
        await press(pilot, "escape")
        assert run("review", "reject", str(ids[0]), "--reviewer", "[/bogus]", "--reason", "x")
        await press(pilot, "r")  # rejected... but [/bogus] decided first
        await answer(pilot, "[bold red]because")
        seen["lost"] = screen_text(pilot)
        await press(pilot, "q")

    drive(app, script, notifications=True)
    for moment, text in seen.items():
        assert raw_controls(text) == [], f"{moment}: {raw_controls(text)[:3]}"
        assert WINDOW_TITLE not in text
    assert "reviewer [ops] li" in seen["item"]
    assert "[/bogus][bold red]x[@click=app.quit]quit[/][ops] li" in seen["item"]
    assert "\\x1b]0;pwned\\x07" in seen["item"]
    notices = [n.message for n in app._notifications]
    assert any(f"item {ids[0]} was already rejected by [/bogus]" in m for m in notices), notices
    assert "rejected by [/bogus]" in seen["lost"]  # on screen, as written


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_in_a_real_terminal_hostile_text_neither_retitles_nor_writes_the_clipboard(  # type: ignore[no-untyped-def]
    queued,  # noqa: F811
    home: Path,
    tmp_path: Path,
) -> None:
    """What the probe captured, in a terminal (tmux) that obeys OSC 0 and OSC 52: the
    window keeps its title, no clipboard buffer is written, and the text shows."""
    run, db_url = queued
    ids = [r["id"] for r in listed(run)]
    hostile_item(db_url, ids[0])
    program = Path(sys.executable).with_name("localize")
    command = [str(program), "review", "--reviewer", "[ops] li", "--db", db_url]
    command += ["--config", str(tmp_path / "shops.toml")]
    env = {**os.environ, "SHOPBOT_HOME": str(home), "TERM": "xterm-256color"}
    pane = Tmux(command, env, tmp_path)
    try:
        pane.tmux("set-option", "-g", "set-clipboard", "on")  # OSC 52 makes a tmux buffer
        screen = pane.wait_for(f"item {ids[0]} ", "reviewer [ops] li", "[/bogus][bold red]x")
        title = pane.tmux("display-message", "-p", "-t", "review", "#{pane_title}")
        buffers = pane.tmux("list-buffers")
        pane.keys("q")
        pane.wait_for("EXITED 0")
    finally:
        pane.stop()
    # (the image widget's own terminal query may change the title: it is not ours to judge)
    assert "pwned" not in title, title
    assert buffers == ""
    assert "\\x1b]0;pwned\\x07" in screen  # shown, as text


def test_a_rejection_is_shown_and_an_item_waiting_for_a_person_is_written_here(queued) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    run, db_url = queued
    ids = [r["id"] for r in listed(run)]  # p1 ms, p1 en, p2 ms, p2 en
    said = run("review", "reject", str(ids[1]), "--reviewer", "nok", "--reason", "stiff tone")
    assert said.code == 0, said.err
    assert run("run", "--shop", "acme-my").code == 0  # one engine, which gave it: a person's
    app = ReviewApp(open_store(db_url), None, reviewer="ploy", language="en")
    title = "ACME stainless steel vacuum flask 500ml for the outdoors"

    async def script(pilot: Pilot[None]) -> None:
        assert shown(pilot).id == ids[1]  # in the queue, where it was
        said = text_of(pilot, "#rejected")
        assert "Rejected by nok at " in said and "(version 1): stiff tone" in said
        assert "rejected: title, description, caption" in said
        assert "waits for a person's translation" in said and "e here" in said
        assert "v1 " in text_of(pilot, "#position")
        assert text_of(pilot, "#position").startswith("1 of 2 in en")  # it and p2's
        await press(pilot, "a")  # no text of one's own: nothing to approve
        assert "waits for your translation" in text_of(pilot, "#status")
        assert shown(pilot).id == ids[1]
        await press(pilot, "e")
        pilot.app.screen.query_one("#edit-title", Input).value = title
        await settle(pilot)
        await press(pilot, "ctrl+s", "a")
        assert shown(pilot).id == ids[3]  # never rejected: nothing said of it
        assert not pilot.app.screen.query_one("#rejected", Static).display
        await press(pilot, "q")

    drive(app, script)
    written = item(db_url, ids[1])
    assert (written.state, written.title, written.needs_person) == ("approved", title, None)
