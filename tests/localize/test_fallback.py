"""A shop's engine that fails every call while its fallback answers them all is told once
per run (issue 19): `localize run` says how many calls it failed and its last error."""

from __future__ import annotations

import json
from pathlib import Path

from tests.httpserver import Reply, Request, serve
from tests.localize.test_reject import LISTINGS, second_model


def overloaded(req: Request) -> Reply:
    """A LibreTranslate that refuses every call."""
    return Reply(503, {"error": "the server is overloaded"})


def test_a_primary_engine_failing_every_call_is_told_once_per_run(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, db_url: str
) -> None:
    with serve({"/translate": overloaded, "/v1/chat/completions": second_model}) as srv:
        config = tmp_path / "shops.toml"
        config.write_text(
            '[[shops]]\nid = "acme-my"\nmarket = "MY"\nlanguages = ["ms"]\n'
            f'[shops.translation]\nengine = "libre"\nurl = "{srv.url}"\napi_key_env = "KEY"\n'
            f'retries = 0\nbase_url = "{srv.url}/v1"\nmodel = "qwen-plus"\nfallback = "openai"\n',
            encoding="utf-8",
        )
        (tmp_path / "l.csv").write_text(LISTINGS.replace("a.jpg;b.jpg", ""), encoding="utf-8")

        def run(*args: str):  # type: ignore[no-untyped-def]
            return cli(
                "localize", *args, "--config", str(config), "--db", db_url, environ={"KEY": "k"}
            )

        assert run("listings", "import", str(tmp_path / "l.csv"), "--shop", "acme-my").code == 0
        result = run("run", "--shop", "acme-my", "--json")
        assert result.code == 0, result.err
        doc = json.loads(result.out)
        assert doc["translated"] == 1 and doc["failed"] == 0  # the fallback answered all
        [failing] = doc["engines_failing"]
        assert failing["engine"] == "libre" and failing["failed"] == failing["asked"] == 3
        assert failing["answered_by"] == ["openai"]
        assert "overloaded" in failing["last_error"]
        assert result.err.count("libre failed 3 of 3 texts; openai translated them instead") == 1, (
            result.err
        )
        assert "overloaded" in result.err
        # a second run asks no engine, and says nothing of one
        again = run("run", "--shop", "acme-my", "--json")
        assert json.loads(again.out)["engines_failing"] == [] and "failed" not in again.err
