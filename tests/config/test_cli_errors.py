"""The CLI's one error path: every number it takes is bounded, and --json always answers
with one JSON document naming the error, usage errors included."""

from __future__ import annotations

import json
import re
import typing

import pytest
import typer

from config.cli import MAX_ID


def _parameters(group, path: str = ""):  # type: ignore[no-untyped-def]
    """(command path, parameter) for every parameter of every command below `group`."""
    for param in group.params:
        yield path or group.name, param
    for name, sub in getattr(group, "commands", {}).items():
        yield from _parameters(sub, f"{path} {name}".strip())


@pytest.mark.parametrize("program", ["cadence", "localize"])
def test_every_integer_parameter_has_a_range(program: str) -> None:
    if program == "cadence":
        from cadence.cli import app
    else:
        from localize.cli import app
    unbounded = []
    integers = 0
    for where, param in _parameters(typer.main.get_command(app)):
        annotation = param.type_descriptor.annotation
        if annotation is not int and int not in typing.get_args(annotation):
            continue
        integers += 1
        lo, hi = getattr(param, "min", None), getattr(param, "max", None)
        if lo is None or hi is None or hi > MAX_ID:
            unbounded.append(f"{program} {where} {param.name}: min={lo} max={hi}")
    assert integers >= 3
    assert unbounded == []


@pytest.mark.parametrize(
    ("program", "args", "named"),
    [
        ("localize", ["run", "--shop", "acme-th", "--jobs", "abc", "--json"], "abc"),
        ("localize", ["review", "show", "99999999999999999999999", "--json"], "9999999999"),
        ("localize", ["review", "show", "1", "--no-such-option", "--json"], "--no-such-option"),
        ("cadence", ["alerts", "--limit", str(2**63), "--json"], str(2**63)),
        ("cadence", ["status", "--as-of", "tomorrow", "--json"], "tomorrow"),
    ],
)
def test_a_failing_json_command_prints_its_error_as_json(cli, program, args, named) -> None:  # type: ignore[no-untyped-def]
    result = cli(program, *args)
    assert result.code == 2
    document = json.loads(result.out)
    assert named in document["error"]
    assert document["exit_code"] == 2
    assert named in result.err


def test_without_json_a_failure_prints_nothing_on_stdout(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("localize", "run", "--shop", "acme-th", "--jobs", "abc")
    assert result.code == 2
    assert result.out == ""
    assert "'abc'" in result.err


def test_json_after_the_separator_is_an_argument_not_the_option(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("localize", "review", "show", "--", "--json")
    assert result.code == 2
    assert result.out == ""


def test_an_unexpected_database_error_never_prints_its_sql_or_parameters() -> None:
    import io

    import click
    from sqlalchemy.exc import IntegrityError

    from config.cli import main
    from config.runtime import Environment

    statement, params = "INSERT INTO item (title) VALUES (%(title)s)", {"title": "秘"}

    @click.command()
    def racing() -> None:
        cause = Exception('duplicate key value violates unique constraint "uq_item"')
        raise IntegrityError(statement, params, cause)  # the traceback shows this line

    env = Environment(stdout=io.StringIO(), stderr=io.StringIO())
    assert main(racing, [], env) == 3
    said = env.stderr.getvalue()
    assert "IntegrityError" in said and "uq_item" in said  # what went wrong, still
    assert "INSERT INTO" not in said and "秘" not in said and "[SQL" not in said


def test_an_argument_that_is_not_utf8_is_refused_by_its_place_not_a_crash(cli) -> None:  # type: ignore[no-untyped-def]
    """A Chinese terminal set to GBK on a UTF-8 server sends bytes Python keeps as lone
    surrogates: `review reject --reason` with them ended in exit 3 (UnicodeEncodeError)."""
    reason = "译文错误".encode("gbk").decode("utf-8", "surrogateescape")
    for program, args in (
        ("localize", ["review", "reject", "2", "--reviewer", "alice", "--reason", reason]),
        ("cadence", ["videos", "add", "--id", reason, "--shop", "a"]),
    ):
        said = cli(program, *args)
        assert said.code == 2, said.err
        assert "is not UTF-8 text" in said.err and "nothing was changed" in said.err
        assert f"argument {args.index(reason) + 1} " in said.err
        refused = cli(program, *args, "--json")
        assert refused.code == 2 and "UTF-8" in json.loads(refused.out)["error"]


_PASTE = "红" * 40_000  # a paste gone wrong: 120 KB echoed whole in the error


@pytest.mark.parametrize(
    "args",
    [
        ("localize", "review", "list", "--shop", _PASTE),
        ("localize", "memory", "remove", "--text", _PASTE),
        ("localize", "memory", "remove", "--text", _PASTE, "--shop", "t-my"),
        ("localize", "glossary", "remove", _PASTE),
        ("localize", "listings", "import", _PASTE, "--shop", "t-my"),
        ("cadence", "status", "--as-of", _PASTE),
        (
            "cadence",
            "videos",
            "mark",
            _PASTE,
            "--shop",
            "t-my",
            "--original",
            "--by",
            "a",
            "--reason",
            "r",
        ),
        ("cadence", "status", "--db", f"sqlite:///{_PASTE}"),
        ("cadence", "status", "--config", _PASTE),
        ("localize", "text", "x", "--to", _PASTE),
        ("localize", "review", "list", "--lang", _PASTE),
        ("localize", "review", "approve", "1", "--reviewer", "a", "--set", _PASTE),
        # issue 17: f-string errors that bypassed the rule
        ("localize", "review", "list", "--state", _PASTE),
        ("localize", "text", "x", "--to", "ms", "--field", _PASTE),
        (
            "localize",
            "review",
            "reject",
            "1",
            "--reviewer",
            "a",
            "--reason",
            "r",
            "--field",
            _PASTE,
        ),
        (
            "localize",
            "image",
            "a.png",
            "-o",
            "o.png",
            "--to",
            "ms",
            "--caption",
            "x",
            "--position",
            _PASTE,
        ),
        (
            "localize",
            "image",
            "a.png",
            "-o",
            "o.png",
            "--to",
            "ms",
            "--caption",
            "x",
            "--style",
            _PASTE,
        ),
    ],
    ids=lambda a: " ".join(x for x in a if len(x) < 40),
)
def test_a_long_value_is_echoed_cut_with_its_length(cli, tmp_path, args) -> None:  # type: ignore[no-untyped-def]
    """One rule for every echo of a person's value in an error: its start, an ellipsis and
    its length (`review list --shop` and `memory remove --text` printed all 120 KB)."""
    config = tmp_path / "shops.toml"
    config.write_text('[[shops]]\nid = "t-my"\nmarket = "MY"\n', encoding="utf-8")
    with_config = () if "--config" in args else ("--config", str(config))
    done = cli(*args, *with_config)
    assert done.code == 2, done.err[:500]
    assert len(done.err) < 1500, done.err[:500]
    assert re.search(r"… \(40,0\d\d characters\)", done.err), done.err[:500]


def test_an_image_path_is_echoed_cut_in_its_failure(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`localize image` on a missing input named by a paste: the failure line printed the
    whole 120 KB name (issue 17)."""
    done = cli("localize", "image", _PASTE + ".png", "-o", "o.png", "--to", "ms", "--caption", "x")
    assert done.code == 1, done.err[:500]
    assert len(done.err) < 1500, done.err[:500]
    assert re.search(r"… \(40,0\d\d characters\)", done.err), done.err[:500]


@pytest.mark.parametrize(
    "args",
    [
        ("localize", "glossary", "add", "ACME", "--db", ""),
        ("localize", "--db", "", "glossary", "add", "ACME"),
        ("cadence", "status", "--db", ""),
    ],
    ids=" ".join,
)
def test_an_empty_db_is_a_usage_error_not_the_default_database(cli, db_url, args) -> None:  # type: ignore[no-untyped-def]
    """`--db "$DB"` with $DB unset went to $SHOPBOT_DB (else the SQLite file) in silence: a
    term added to another database than the script named (trial s28, D13's kin)."""
    done = cli(*args, environ={"SHOPBOT_DB": db_url})
    assert done.code == 2, done.err
    assert "Invalid value for '--db': it is empty (an unset variable?)" in done.err
    listed = cli("localize", "glossary", "list", "--json", environ={"SHOPBOT_DB": db_url})
    assert "ACME" not in listed.out


@pytest.mark.parametrize("program", ["cadence", "localize"])
def test_an_empty_config_is_named_as_empty_not_as_the_folder_dot(cli, program) -> None:  # type: ignore[no-untyped-def]
    """`--config ""` was refused as `.: is a folder, not a TOML file`: true of Path(""),
    but not what was typed."""
    command = ("status",) if program == "cadence" else ("glossary", "list")
    done = cli(program, *command, "--config", "")
    assert done.code == 2, done.err
    assert "Invalid value for '--config': it is empty (an unset variable?)" in done.err
