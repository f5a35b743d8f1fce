"""The chat engine (`engine = "openai"`) end to end against a local server speaking OpenAI's
chat completions format: what the model is told, and every way its answer can go wrong."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from localize.engines import ResilientEngine, build_engine
from localize.engines.chat import completion
from localize.errors import EngineError
from tests.httpserver import Reply, Request, serve
from tests.localize.libre import fake_translate


def answer(content: str, finish: str = "stop") -> Reply:
    """A chat completion whose one choice says `content`."""
    message = {"role": "assistant", "content": content}
    return Reply(200, {"id": "c1", "choices": [{"message": message, "finish_reason": finish}]})


def model(req: Request) -> Reply:
    """A model that translates the user's message into the fake language."""
    return answer(fake_translate(req.json()["messages"][-1]["content"], "th"))


@pytest.fixture
def server():  # type: ignore[no-untyped-def]
    with serve({"/v1/chat/completions": model}) as srv:
        yield srv


@pytest.fixture
def run(cli, tmp_path: Path, db_url: str, server):  # type: ignore[no-untyped-def]
    config = tmp_path / "shops.toml"
    config.write_text(
        '[[shops]]\nid = "acme-th"\nmarket = "TH"\n[shops.translation]\nengine = "openai"\n'
        f'base_url = "{server.url}/v1"\nmodel = "deepseek-chat"\napi_key_env = "LLM_KEY"\n'
        "retries = 1\ntimeout = 2\n",
        encoding="utf-8",
    )

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return cli(
            "localize", *args, "--config", str(config), "--db", db_url, environ={"LLM_KEY": "sk"}
        )

    return invoke


def test_the_model_is_told_the_field_market_limit_and_glossary(run, server) -> None:  # type: ignore[no-untyped-def]
    assert run("glossary", "add", "ACME", "--shop", "acme-th").code == 0
    result = run(
        "text", "ACME 保温杯 500ml", "--to", "th", "--shop", "acme-th", "--field", "title", "--json"
    )
    assert result.code == 1, result.err  # a Thai title of 13 characters is too short
    doc = json.loads(result.out)
    assert doc["translation"] == "ACME กกก 500ml" and doc["origin"] == "openai"
    (req,) = server.requests
    assert req.headers["authorization"] == "Bearer sk"
    sent = req.json()
    assert sent["model"] == "deepseek-chat" and sent["temperature"] == 0
    system, user = sent["messages"]
    assert user == {"role": "user", "content": "ZXQ0QXZ 保温杯 500ml"}  # the brand never sent
    told = system["content"]
    assert "from Chinese (Simplified) into Thai" in told and "Thailand (TH)" in told
    assert "product title: at most 255 characters" in told and "ZXQ0QXZ" in told


def test_an_answer_that_drops_a_protected_term_is_an_error_finding(run, server) -> None:  # type: ignore[no-untyped-def]
    server.routes["/v1/chat/completions"] = lambda r: answer("แก้วเก็บความร้อน 500ml")
    assert run("glossary", "add", "ACME", "--shop", "acme-th").code == 0
    result = run("text", "ACME 保温杯 500ml", "--to", "th", "--shop", "acme-th", "--json")
    assert result.code == 1
    codes = {(f["code"], f["severity"]) for f in json.loads(result.out)["findings"]}
    assert ("protected_term", "error") in codes


@pytest.mark.parametrize(
    ("reply", "tries", "said"),
    [
        (Reply(429, {"error": {"message": "Rate limit"}}), 2, r"rate limited \(429\)"),
        (Reply(503, "overloaded"), 2, "server answered HTTP 503"),
        (Reply(401, {"error": {"message": "bad key"}}), 1, "the API key was refused"),
        (Reply(200, "<html>gateway</html>"), 1, "not a translation"),
        (Reply(200, "[" * 100_000 + "]" * 100_000), 1, "nested deeper than 64 levels"),
        (Reply(200, {"choices": []}), 1, "not a translation"),
        (answer("กกก", finish="length"), 1, "not a translation"),
    ],
    ids=["429", "503", "401", "garbage", "deep", "no-choices", "cut"],
)
def test_a_bad_answer_is_one_clear_error(run, server, reply: Reply, tries: int, said: str) -> None:  # type: ignore[no-untyped-def]
    server.routes["/v1/chat/completions"] = lambda r: reply
    result = run("text", "保温杯", "--to", "th", "--shop", "acme-th")
    assert result.code == 1
    assert "translation engine openai" in result.err
    assert len(server.requests) == tries

    assert re.search(said, result.err), result.err


def test_a_model_that_never_answers_is_given_up_within_the_timeout(server) -> None:  # type: ignore[no-untyped-def]
    server.routes["/v1/chat/completions"] = lambda r: Reply(200, b"{}", delay=30)
    engine = ResilientEngine(
        build_engine("openai", url=server.url + "/v1", model="m"),
        timeout=0.5,
        retries=1,
        pause=lambda s: None,
    )
    try:
        with pytest.raises(EngineError, match="no answer within 0.5 s"):
            engine.translate("保温杯", "Chinese", "Thai")
    finally:
        engine.close()
    assert len(server.requests) == 2


@pytest.mark.parametrize(
    ("said", "kept"),
    [
        ('"Botol termos 500ml"', "Botol termos 500ml"),
        ("“Botol termos”", "Botol termos"),
        ("```\nBotol termos\n```", "Botol termos"),
        ("```text\nBotol termos\n```", "Botol termos"),
        ('Botol "termos" 500ml', 'Botol "termos" 500ml'),
        ('"A" and "B"', '"A" and "B"'),
    ],
)
def test_quotes_and_fences_round_the_answer_are_taken_off(said: str, kept: str) -> None:
    body = json.dumps({"choices": [{"message": {"content": said}, "finish_reason": "stop"}]})
    assert completion(body.encode()) == kept


def test_a_chat_engine_without_a_model_is_refused_at_load(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "shops.toml"
    config.write_text(
        '[[shops]]\nid = "acme-th"\nmarket = "TH"\n[shops.translation]\nengine = "openai"\n',
        encoding="utf-8",
    )
    result = cli(
        "localize", "text", "保温杯", "--to", "th", "--shop", "acme-th", "--config", str(config)
    )
    assert result.code == 2
    assert "shops[0].translation (line 4)" in result.err and "needs `model`" in result.err


def test_the_models_own_error_message_is_shown(run, server) -> None:  # type: ignore[no-untyped-def]
    said = "The model `gpt-x` does not exist or you do not have access to it."
    server.routes["/v1/chat/completions"] = lambda r: Reply(
        404, {"error": {"message": said, "type": "invalid_request_error", "code": None}}
    )
    result = run("text", "保温杯", "--to", "th", "--shop", "acme-th")
    assert result.code == 1 and "server answered HTTP 404" in result.err, result.err
    assert repr(said) in result.err, result.err
