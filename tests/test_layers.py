"""The layering DESIGN.md promises: only the command-line modules know the CLI framework,
so the daemon, the services and a terminal UI run without it."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("cadence", "localize", "tiktok", "store", "config")
CLI_FRAMEWORKS = {"typer", "click"}


def modules() -> list[Path]:
    return sorted(
        p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py") if "migrations" not in p.parts
    )


def imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def dotted(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def test_only_cli_modules_import_the_cli_framework() -> None:
    offenders = [
        f"{p.relative_to(ROOT)} imports {', '.join(sorted(imported(p) & CLI_FRAMEWORKS))}"
        for p in modules()
        if p.name != "cli.py" and imported(p) & CLI_FRAMEWORKS
    ]
    assert offenders == []


def test_importing_every_service_module_loads_no_cli_framework() -> None:
    names = [dotted(p) for p in modules() if p.name != "cli.py"]
    assert "cadence.daemon" in names and "localize.text.service" in names
    probe = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {sorted(CLI_FRAMEWORKS)!r}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]", done.stdout


def test_the_packages_depend_one_way() -> None:
    """cadence and localize build on store, config and the tiktok client; never on each
    other (but the daemon, which runs localize's jobs through its public services), and
    the base layers on neither."""
    allowed = {
        "config": {"config"},
        "store": {"store", "config"},
        "tiktok": {"tiktok", "config"},
        "cadence": {"cadence", "tiktok", "store", "config"},
        "localize": {"localize", "tiktok", "store", "config"},
    }
    offenders = []
    for p in modules():
        pkg = p.relative_to(ROOT).parts[0]
        ours = imported(p) & set(PACKAGES)
        if p.relative_to(ROOT).as_posix() == "cadence/daemon.py":
            ours -= {"localize"}
        if ours - allowed[pkg]:
            offenders.append(f"{p.relative_to(ROOT)} imports {sorted(ours - allowed[pkg])}")
    assert offenders == []
