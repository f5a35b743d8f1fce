"""The README's first command and its walk-through work as written (after the install):
offline, on the example configuration and its example data, in a copy of them, so that
the run writes nothing into the repository (exports go below the copy's config/out/)."""

from __future__ import annotations

import difflib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = str(Path(sys.executable).parent) + "/"
# What the README's commands read, relative to the folder they are run in.
EXAMPLE = ("config/shops.example.toml", "config/example")


def readme_block(after: str) -> list[str]:
    """The shell lines of the README's code block that follows the line `after`."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(after)
    block = text[
        text.index("```sh\n", start) + 6 : text.index("```", text.index("```sh\n", start) + 6)
    ]
    return [line for line in block.splitlines() if line.strip() and not line.startswith("#")]


def test_the_first_command_and_the_walk_through(tmp_path: Path) -> None:
    [run] = readme_block("Run it on the embedded defaults")
    steps = [s.strip() for s in run.split("&&")]
    assert steps[0].startswith("python3 -m venv") and "pip install" in steps[1]
    commands = [re.sub(r"\s+#.*$", "", line) for line in readme_block("review and publish")]
    walk = [c for c in commands if c != ".venv/bin/localize review"]  # the terminal UI
    assert len(walk) == len(commands) - 1
    script = " && ".join(steps[2:] + walk).replace(".venv/bin/", BIN)
    for name in EXAMPLE:
        assert name in script, f"the README no longer uses {name}: update EXAMPLE"
        source, copy = ROOT / name, tmp_path / name
        copy.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, copy)
        else:
            shutil.copyfile(source, copy)
    env = {**os.environ, "SHOPBOT_HOME": str(tmp_path / "home")}
    env.pop("SHOPBOT_CONFIG", None)
    before = sorted(p.name for p in (ROOT / "config").iterdir())
    done = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "7 translation(s) stored" in done.stdout
    assert "ref: acme-my:" in done.stdout  # an alert, printed: the shop has no alert_urls
    assert "2 item(s) wait for review: localize review --shop acme-my" in done.stderr
    assert "published item 1" in done.stdout and "published item 2" in done.stdout
    out_dir = tmp_path / "config" / "out" / "acme-my"  # where the walk-through says
    assert len([p for p in out_dir.iterdir() if (p / "listing.json").is_file()]) == 2
    assert sorted(p.name for p in (ROOT / "config").iterdir()) == before  # nothing written


# README.zh-CN.md is the same guide in Chinese: it must not drift from README.md.
CHINESE = "README.zh-CN.md"
FENCE = re.compile(r"^```(\w*)$")
HEADING = re.compile(r"^(#{1,6}) (.+)$")
COMMENT = re.compile(r"(?:^|\s)#\s.*$")  # a translatable comment in a sh/TOML example


def sections(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """Each heading (outside code blocks) with the code of the blocks below it, comments
    taken out (a translation may translate them, nothing else); the text before the first
    `##` heading is the title's section."""
    found: list[tuple[str, list[str]]] = []
    block: list[str] | None = None
    for line in text.splitlines():
        if block is not None:
            if line == "```":
                code = (COMMENT.sub("", c).rstrip() for c in block)
                found[-1][1].append("\n".join(c for c in code if c))
                block = None
            else:
                block.append(line)
        elif FENCE.match(line):
            block = []
        elif HEADING.match(line):
            found.append((line, []))
    return [(heading, tuple(code)) for heading, code in found]


def first_blocks(text: str, count: int) -> list[str]:
    """The first `count` fenced blocks, byte for byte, fences included."""
    return re.findall(r"^```\w*\n.*?^```$", text, re.S | re.M)[:count]


def drift(english: str, chinese: str) -> list[str]:
    """How README.zh-CN.md (`chinese`) differs from README.md (`english`) where it must
    not: the two first commands, the headings' levels and order, the code under each."""
    problems = []
    head = first_blocks(english, 2)
    if first_blocks(chinese, 2) != head or [b.splitlines()[1] for b in head] != ["# run", "# test"]:
        problems.append(
            f"{CHINESE} must start with README.md's `# run` and `# test` blocks, byte for byte"
        )

    def key(section: tuple[str, tuple[str, ...]]) -> tuple[object, ...]:
        heading, code = section
        return (heading.split(" ")[0], tuple(re.findall(r"`[^`]+`", heading)), code)

    ours, theirs = sections(english), sections(chinese)
    match = difflib.SequenceMatcher(None, [key(s) for s in ours], [key(s) for s in theirs], False)
    for op, i1, i2, j1, j2 in match.get_opcodes():
        if op == "equal":
            continue
        after = f" (after {theirs[j1 - 1][0]!r})" if j1 else ""
        for n, (heading, code) in enumerate(ours[i1:i2]):
            if op == "replace" and i2 - i1 == j2 - j1:
                other = theirs[j1 + n]
                parts = ("the heading's level", "the code in the heading", "the code below it")
                differ = [
                    p
                    for p, a, b in zip(parts, key((heading, code)), key(other), strict=True)
                    if a != b
                ]
                problems.append(
                    f"README.md's {heading!r} and {CHINESE}'s {other[0]!r} differ in "
                    f"{' and '.join(differ)}: make the same change in both"
                )
            else:
                problems.append(f"{CHINESE} has no section for README.md's {heading!r}{after}")
        if op == "insert" or (op == "replace" and i2 - i1 != j2 - j1):
            problems.extend(
                f"{CHINESE}'s {heading!r} has no section in README.md"
                for heading, _ in theirs[j1:j2]
            )
    return problems


def test_the_chinese_guide_links_back_and_is_in_step() -> None:
    english = (ROOT / "README.md").read_text(encoding="utf-8")
    chinese = (ROOT / CHINESE).read_text(encoding="utf-8")
    assert english.splitlines()[:2] == ["# shopbot", f"[中文说明]({CHINESE})"]
    assert chinese.splitlines()[:2] == ["# shopbot", "[English](README.md)"]
    assert drift(english, chinese) == []


def test_drift_names_the_heading_and_the_commands() -> None:
    english = (ROOT / "README.md").read_text(encoding="utf-8")
    chinese = (ROOT / CHINESE).read_text(encoding="utf-8")
    assert drift(english, chinese) == []
    # A section added to README.md only, with a command and without: each is named.
    added = english.replace(
        "## Limits\n", "## Backups\n\n```sh\ncadence backup\n```\n\n## Limits\n"
    )
    template = '### Seller Center 卖家中心批量上架（`kind = "template"`）'
    missing = f"{CHINESE} has no section for README.md's"
    assert drift(added, chinese) == [f"{missing} '## Backups' (after {template!r})"]
    bare = english.replace("## Develop\n", "## FAQ\n\nAsk.\n\n## Develop\n")
    assert drift(bare, chinese) == [f"{missing} '## FAQ' (after '## 限制')"]
    # A heading dropped from the translation, or one made a level deeper.
    dropped = chinese.replace("## 限制\n", "")
    assert drift(english, dropped) == [f"{missing} '## Limits' (after {template!r})"]
    deeper = chinese.replace("## 限制\n", "### 限制\n")
    assert drift(english, deeper) == [
        f"README.md's '## Limits' and {CHINESE}'s '### 限制' differ in the heading's level: "
        "make the same change in both"
    ]
    # A command changed in one only; a translated comment is no change.
    changed = chinese.replace(
        "cadence history --shop acme-th [--weeks 12]", "cadence history --shop acme-th"
    )
    assert "'## Track videos and alerts'" in drift(english, changed)[0]
    commented = english.replace("# where the shop stands this week", "# this week")
    assert drift(commented, chinese) == []
    # The first two commands, byte for byte.
    run = english.replace("--shop acme-my --once\n```", "--shop acme-my --once \n```")
    assert drift(run, chinese)[0].startswith(f"{CHINESE} must start with")
