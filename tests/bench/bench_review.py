"""`localize review` over 10,000 translated items on SQLite, driven headless (run_test),
and once as the command a reviewer types, in a real terminal (tmux).

Goals: from starting the app to the first item on screen under 1 s; from a decision to
the next item on screen under 100 ms (median of 20). The command's figure adds what the
app's figure leaves out: starting Python, the imports, opening the store. Prints the
figures and their ratio to the goals, all measured in this run.

`--baseline REV` (e.g. main) also times another revision's code, taken out of git into a
temporary folder, in the same minutes: rounds alternate between the two, each with a store
its own code built, and the medians and their ratio are printed. On a machine others load,
only such a same-minutes ratio says whether a change made the start faster.

The command runs with its bytecode written (PYTHONDONTWRITEBYTECODE dropped, an untimed
start first), as an installed package has it: with it set, every timed start compiled our
modules again, which no reviewer's start does.

Run from the project's root: .venv/bin/python -m tests.bench.bench_review [--baseline main]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import Engine, insert, select

from localize.review_ui import ReviewApp
from localize.review_ui.screens import ItemScreen
from store.db import open_store, session_scope
from store.models import ItemState, Listing, LocalizationItem, Shop
from tests.localize.images import photo

ITEMS, DECISIONS = 10_000, 20
FIRST_GOAL, NEXT_GOAL = 1.0, 0.100
TITLE = "ACME 不锈钢真空保温杯 500ml 大容量 户外运动"


def build(root: Path) -> Engine:
    """A store with ITEMS translated items, each with an original and a captioned image."""
    original, captioned = root / "original.jpg", root / "captioned.jpg"
    photo(seed=0).save(original)
    photo(seed=40).save(captioned)
    store = open_store(f"sqlite:///{root / 'store.db'}")
    with session_scope(store) as s:
        s.add(Shop(id="acme-th", market="TH", timezone="Asia/Bangkok"))
        s.flush()
        s.execute(
            insert(Listing),
            [
                {
                    "shop_id": "acme-th",
                    "product_id": f"p{n}",
                    "title": TITLE,
                    "description": "<p>保温 12 小时。</p>",
                    "caption": "包邮",
                    "images": [str(original)],
                    "source_hash": "h",
                }
                for n in range(ITEMS)
            ],
        )
        ids = s.exec(select(Listing.id).order_by(Listing.id)).all()  # type: ignore[call-overload]
        s.execute(
            insert(LocalizationItem),
            [
                {
                    "listing_id": listing_id,
                    "shop_id": "acme-th",
                    "language": "th",
                    "source_hash": "h",
                    "state": ItemState.TRANSLATED.value,
                    "title": "กระบอกน้ำสุญญากาศสแตนเลส ACME 500ml ความจุขนาดใหญ่",
                    "description": "<p>เก็บความร้อน 12 ชั่วโมง</p>",
                    "caption": "ส่งฟรี",
                    "images": [str(captioned)],
                    "findings": [],
                    "origins": {},
                }
                for (listing_id,) in ids
            ],
        )
    return store


async def on_screen(app: ReviewApp, after: int | None) -> int:
    """Wait until an item other than `after` is on the screen and the screen has been
    painted since."""
    while True:
        screen = app.screen
        if isinstance(screen, ItemScreen) and screen.is_mounted:
            shown = screen.opened.entry.item.id
            if shown != after and screen.query("#title-translation"):
                painted = asyncio.Event()
                screen.call_after_refresh(painted.set)
                await painted.wait()
                return shown
        await asyncio.sleep(0.0005)


async def measure(store: Engine) -> tuple[float, list[float]]:
    """Seconds to the first item; seconds from each decision to the next item."""
    app = ReviewApp(store, None, reviewer="bench")
    started = time.perf_counter()
    async with app.run_test(size=(180, 60)) as pilot:
        shown = await on_screen(app, None)
        first = time.perf_counter() - started
        nexts = []
        for _ in range(DECISIONS):
            started = time.perf_counter()
            app.simulate_key("a")
            shown = await on_screen(app, shown)
            nexts.append(time.perf_counter() - started)
        await pilot.press("q")  # gives the claim back, then exits
        await app.workers.wait_for_complete()
        await pilot.pause()
    return first, nexts


def cpu_seconds(shell: int) -> float:
    """CPU seconds (user and system) the command under the pane's shell has used so far:
    unlike the wall time, hardly changed by how many others share the machine's cores."""
    ticks = os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{shell}/task/{shell}/children").read_text().split()
    total = 0.0
    for pid in children or [str(shell)]:  # the shell may have exec'd the command itself
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def command_to_first_item(
    root: Path, code: Path | None = None
) -> tuple[float, float | None] | None:
    """Seconds from starting `localize review` in a tmux pane to its first item showing
    there (the pane polled every 10 ms), and the CPU seconds the command had used by then
    (None where /proc cannot say); None without tmux. `code`: the project tree whose code
    runs (this one when None), over the store in `root`."""
    if shutil.which("tmux") is None:
        return None
    socket = str(root / "tmux.sock")
    program = Path(sys.executable).with_name("localize")
    command = [str(program), "review", "--reviewer", "bench", "--db", f"sqlite:///{root}/store.db"]
    env = {
        **os.environ,
        "SHOPBOT_HOME": str(root / "home"),
        "SHOPBOT_CONFIG": str(root / "absent.toml"),  # no shops file: the store alone
        "TERM": "xterm-256color",
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a reviewer's start reads bytecode
    if code is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(code), env.get("PYTHONPATH", "")]).rstrip(
            os.pathsep
        )

    def tmux(*args: str) -> str:
        done = subprocess.run(
            ["tmux", "-S", socket, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        return done.stdout

    shell = " ".join(command) + "; sleep 30"
    started = time.perf_counter()
    tmux("new-session", "-d", "-x", "200", "-y", "50", "-s", "bench", shell)
    pane = int(tmux("display-message", "-p", "-t", "bench", "#{pane_pid}"))
    try:
        while True:
            # the headless run decided the first items: the queue starts after them
            if re.search(r"\b1 of \d+ in th", tmux("capture-pane", "-p", "-t", "bench")):
                wall = time.perf_counter() - started
                try:
                    return wall, cpu_seconds(pane)
                except (OSError, ValueError, IndexError):
                    return wall, None
            if time.perf_counter() - started > 60:
                raise RuntimeError("the first item never showed in the pane")
            time.sleep(0.01)
    finally:
        tmux("send-keys", "-t", "bench", "q")
        time.sleep(0.5)  # let it give the claim back before the server goes
        subprocess.run(["tmux", "-S", socket, "kill-server"], capture_output=True)


# Run by another revision's Python with that revision's code first on its path: its own
# build and measure (the functions this module has had since the command was timed).
ELSEWHERE = """
import asyncio, json, sys
from pathlib import Path
from store.db import open_store
from tests.bench.bench_review import build, measure
root = Path(sys.argv[2])
if sys.argv[1] == "build":
    build(root)
else:
    first, nexts = asyncio.run(measure(open_store(f"sqlite:///{root / 'store.db'}")))
    print(json.dumps([first, nexts]))
"""


def elsewhere(code: Path, what: str, root: Path) -> tuple[float, list[float]] | None:
    """Build a store in `root` (what="build") or measure the app over it, with `code`."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    done = subprocess.run(
        [sys.executable, "-c", ELSEWHERE, what, str(root)],
        capture_output=True,
        text=True,
        env=env,
        cwd=code,
        check=True,
    )
    if what == "build":
        return None
    first, nexts = json.loads(done.stdout.splitlines()[-1])
    return first, nexts


def checkout(rev: str, into: Path) -> Path:
    """The project's tree at `rev`, written out of git into `into`."""
    into.mkdir(parents=True)
    tree = subprocess.run(["git", "archive", rev], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=tree, check=True)
    return into


def compare(rev: str, rounds: int, tmp: Path) -> None:
    """Ours against `rev`'s code, rounds alternating, each over its own code's store."""
    ours_code = Path.cwd()
    theirs_code = checkout(rev, tmp / "baseline-code")
    sides = {"ours": ours_code, rev: theirs_code}
    figures: dict[str, dict[str, list[float]]] = {}
    for name, code in sides.items():
        (tmp / name).mkdir()
        elsewhere(code, "build", tmp / name)
        command_to_first_item(tmp / name, code)  # untimed: writes its bytecode
        figures[name] = {"app": [], "next": [], "command": [], "cpu": []}
    for _ in range(rounds):
        for name, code in sides.items():
            measured = elsewhere(code, "measure", tmp / name)
            assert measured is not None
            first, nexts = measured
            figures[name]["app"].append(first)
            figures[name]["next"].append(statistics.median(nexts))
            command = command_to_first_item(tmp / name, code)
            if command is not None:
                figures[name]["command"].append(command[0])
                if command[1] is not None:
                    figures[name]["cpu"].append(command[1])
    print(f"medians of {rounds} rounds, ours and {rev}'s code alternating:")
    for label, key in (
        ("first item on screen (app)", "app"),
        ("decision to next item (median)", "next"),
        ("`localize review` in tmux to first item", "command"),
        ("its CPU (user + system) to first item", "cpu"),
    ):
        if not figures["ours"][key]:
            continue
        ours, theirs = (statistics.median(figures[name][key]) for name in sides)
        print(
            f"{label}: ours {ours * 1000:.0f} ms, {rev} {theirs * 1000:.0f} ms "
            f"(ours / {rev} {ours / theirs:.2f}; ours / goal "
            f"{ours / (NEXT_GOAL if key == 'next' else FIRST_GOAL):.2f}); ours "
            + ", ".join(f"{t * 1000:.0f}" for t in figures["ours"][key])
            + f"; {rev} "
            + ", ".join(f"{t * 1000:.0f}" for t in figures[rev][key])
        )


def main() -> None:
    """Build the store, time the app, print figures and ratios (against a baseline's)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", metavar="REV", help="also time this revision's code")
    parser.add_argument("--rounds", type=int, default=5, help="rounds with --baseline")
    args = parser.parse_args()
    if args.baseline:
        with tempfile.TemporaryDirectory() as tmp:
            compare(args.baseline, args.rounds, Path(tmp))
        return
    with tempfile.TemporaryDirectory() as tmp:
        began = time.perf_counter()
        store = build(Path(tmp))
        print(f"store: {ITEMS} translated items built in {time.perf_counter() - began:.1f} s")
        first, nexts = asyncio.run(measure(store))
        median = statistics.median(nexts)
        print(
            f"first item on screen: {first * 1000:.0f} ms "
            f"(goal {FIRST_GOAL * 1000:.0f} ms; ratio {first / FIRST_GOAL:.2f})"
        )
        print(
            f"decision to next item: median {median * 1000:.1f} ms of {len(nexts)}, "
            f"max {max(nexts) * 1000:.1f} ms "
            f"(goal {NEXT_GOAL * 1000:.0f} ms; ratio {median / NEXT_GOAL:.2f})"
        )
        command_to_first_item(Path(tmp))  # untimed: writes the bytecode
        command = command_to_first_item(Path(tmp))
        if command is None:
            print("`localize review` in a terminal: not measured (tmux is not installed)")
        else:
            print(
                f"`localize review` typed in a terminal (tmux) to the first item: "
                f"{command[0] * 1000:.0f} ms (goal {FIRST_GOAL * 1000:.0f} ms; "
                f"ratio {command[0] / FIRST_GOAL:.2f})"
                + ("" if command[1] is None else f"; its CPU by then {command[1] * 1000:.0f} ms")
            )
        sys.stdout.flush()


if __name__ == "__main__":
    main()
