"""Both programs: every command documented, shared options, errors mapped to exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from cadence.cli import app as cadence_app
from config.errors import ExitCode
from config.runtime import Environment, config_path, db_url
from localize.cli import app as localize_app

DESIGN_COMMANDS = {
    "cadence": [
        "videos add",
        "videos import",
        "videos sync",
        "status",
        "history",
        "check",
        "alerts",
        "daemon",
    ],
    "localize": [
        "image",
        "text",
        "listings import",
        "glossary add",
        "glossary list",
        "glossary remove",
        "glossary import",
        "memory import",
        "memory export",
        "run",
        "review",
        "review list",
        "review show",
        "review approve",
        "review reject",
        "publish",
    ],
}


def commands(app: typer.Typer, prefix: str = "") -> dict[str, object]:
    group = typer.main.get_command(app)
    found: dict[str, object] = {}

    def walk(cmd, path: str) -> None:  # type: ignore[no-untyped-def]
        for name, sub in getattr(cmd, "commands", {}).items():
            full = f"{path} {name}".strip()
            found[full] = sub
            walk(sub, full)

    walk(group, prefix)
    return found


@pytest.mark.parametrize(("program", "app"), [("cadence", cadence_app), ("localize", localize_app)])
def test_every_design_command_exists_with_help_text(program: str, app: typer.Typer) -> None:
    found = commands(app)
    for name in DESIGN_COMMANDS[program]:
        assert name in found, f"{program} {name} is missing"
    for name, cmd in found.items():
        assert (cmd.help or "").strip(), f"{program} {name} has no help text"


@pytest.mark.parametrize(("program", "app"), [("cadence", cadence_app), ("localize", localize_app)])
def test_every_leaf_command_takes_config_and_db(program: str, app: typer.Typer) -> None:
    for name, cmd in commands(app).items():
        if getattr(cmd, "commands", None) and name != "review":
            continue
        opts = {o for p in cmd.params for o in getattr(p, "opts", [])}
        assert {"--config", "--db"} <= opts, f"{program} {name} lacks --config/--db"


def test_help_lists_the_commands(cli, capsys) -> None:  # type: ignore[no-untyped-def]
    result = cli("cadence", "--help")
    printed = capsys.readouterr().out
    assert result.code == ExitCode.OK
    for name in ("videos", "status", "history", "check", "alerts", "daemon"):
        assert name in printed


def test_a_usage_error_exits_2_with_the_usage(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("cadence", "status", "--bogus")
    assert result.code == ExitCode.BAD_INPUT
    assert "Usage:" in result.err and "--bogus" in result.err


def test_config_path_defaults(tmp_path: Path) -> None:
    env = Environment(environ={}, cwd=tmp_path)
    assert config_path(None, env) == tmp_path / "shops.toml"
    env = Environment(environ={"SHOPBOT_CONFIG": "/etc/shopbot/shops.toml"}, cwd=tmp_path)
    assert config_path(None, env) == Path("/etc/shopbot/shops.toml")
    assert config_path(Path("x.toml"), env) == Path("x.toml")


def test_db_url_defaults(tmp_path: Path) -> None:
    env = Environment(environ={"SHOPBOT_HOME": str(tmp_path)})
    assert db_url(None, env) == f"sqlite:///{tmp_path / 'shopbot.db'}"
    env = Environment(environ={"SHOPBOT_HOME": str(tmp_path), "SHOPBOT_DB": "sqlite:///a.db"})
    assert db_url(None, env) == "sqlite:///a.db"
    assert db_url("postgresql://h/db", env) == "postgresql://h/db"
    assert db_url(None, Environment(environ={})).endswith("shopbot.db")


def test_review_without_a_terminal_says_so_and_points_at_the_scriptable_commands(cli, home) -> None:  # type: ignore[no-untyped-def]
    result = cli("localize", "review", "--reviewer", "ploy")  # stdout is a StringIO here
    assert result.code == ExitCode.BAD_INPUT
    assert list(home.iterdir()) == []  # no store was opened
    assert "`localize review` needs a terminal" in result.err
    assert "localize review list" in result.err
    chinese = cli("localize", "review", "--reviewer", "ploy", environ={"SHOPBOT_LANG": "zh"})
    assert chinese.code == ExitCode.BAD_INPUT
    assert "需要在终端中运行" in chinese.err and "needs a terminal" not in chinese.err


def test_a_named_config_file_that_is_not_there_is_refused_even_where_no_shop_is_needed(
    cli, home, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    missing = tmp_path / "shops-typo.toml"
    for program, args in (
        ("localize", ("glossary", "add", "ACME")),  # would have gone into the shared glossary
        ("localize", ("memory", "export", str(tmp_path / "out.tmx"))),
        ("cadence", ("status",)),
    ):
        result = cli(program, *args, "--config", str(missing))
        assert result.code == ExitCode.BAD_INPUT, (args, result.err)
        assert f"{missing}: no such configuration file" in result.err
    assert not (tmp_path / "out.tmx").exists()
    with_folder = cli("localize", "glossary", "add", "ACME", "--config", str(tmp_path))
    assert with_folder.code == ExitCode.BAD_INPUT and "is a folder" in with_folder.err
    assert cli("localize", "glossary", "list").out.strip() in ("", "no terms")
