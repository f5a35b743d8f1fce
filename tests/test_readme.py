"""The README's first command and its walk-through work as written (after the install):
offline, on the example configuration and its example data, in a copy of them, so that
the run writes nothing into the repository (exports go below the copy's config/out/)."""

from __future__ import annotations

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
