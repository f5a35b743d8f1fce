"""The TranslationEngine contract, run over every engine family we can serve locally:
LibreTranslate, MyMemory and Google (deep-translator's fixed base URLs pointed at a local
server) and a fake engine registered like any other. Each translates, is retried on 429
and 5xx, gives up naming the engine, and takes garbage for an error without retrying."""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from deep_translator.constants import BASE_URLS

from config.markets import load_markets
from localize.engines import FACTORIES, ResilientEngine, build_engine
from localize.errors import EngineError
from tests.httpserver import Reply, Request, Route, Server, serve
from tests.localize.fakes import EchoTranslator
from tests.localize.libre import fake_translate, libre, params


def mymemory(req: Request) -> Reply:
    target = req.query["langpair"].split("|")[1].split("-")[0]
    text = fake_translate(req.query["q"], target)
    return Reply(200, {"responseData": {"translatedText": text}, "responseStatus": 200})


def google(req: Request) -> Reply:
    text = html.escape(fake_translate(req.query["q"], req.query["tl"]))
    return Reply(200, f'<html><body><div class="result-container">{text}</div></body></html>')


def echo(req: Request) -> Reply:
    p = params(req)
    return Reply(200, {"text": fake_translate(p["q"], p["target"])})


def chat(req: Request) -> Reply:
    """OpenAI's chat completions: the text is the user's message, the target named in the
    system's (answered like the fake language of the other families)."""
    messages = json.loads(req.body)["messages"]
    target = "th" if "into Thai" in messages[0]["content"] else "en"
    content = fake_translate(messages[-1]["content"], target)
    message = {"role": "assistant", "content": content}
    return Reply(200, {"choices": [{"index": 0, "message": message, "finish_reason": "stop"}]})


@dataclass(frozen=True)
class Family:
    """One engine and a local server answering like its service."""

    path: str
    route: Route
    base_url: str | None  # the deep-translator BASE_URLS entry pointed at the server
    gave_up: str  # the cause named when every try failed with HTTP 500


# Every family names the status and what the server said (here "oops"), not the client
# library's guess from it (deep-translator calls Google's 500 a network error).
GAVE_UP = "server answered HTTP 500: 'oops'"
FAMILIES = {
    "libre": Family("/translate", libre(), None, GAVE_UP),
    "mymemory": Family("/get", mymemory, "MYMEMORY", GAVE_UP),
    "google": Family("/m", google, "GOOGLE_TRANSLATE", GAVE_UP),
    "fake": Family("/echo", echo, None, GAVE_UP),
    "openai": Family("/chat/completions", chat, None, GAVE_UP),
}


@pytest.fixture(params=sorted(FAMILIES))
def name(request: pytest.FixtureRequest) -> str:
    """Each engine family."""
    return str(request.param)


@pytest.fixture
def service(name: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    """The family's local service; the engine's fixed address points at it."""
    family = FAMILIES[name]
    monkeypatch.setitem(FACTORIES, "fake", EchoTranslator)
    with serve({family.path: family.route}) as srv:
        if family.base_url:
            monkeypatch.setitem(BASE_URLS, family.base_url, srv.url + family.path)
        yield srv


@pytest.fixture
def translate(name: str, service: Server) -> Callable[..., str]:
    """Translate 保温杯 ACME from Chinese to Thai with the engine (retries as given)."""
    languages = load_markets().languages
    source = "zh" if name == "fake" else languages["zh-CN"].engine_code(name)
    target = "th" if name == "fake" else languages["th"].engine_code(name)

    def run(retries: int = 3) -> str:
        translator = build_engine(name, url=service.url, api_key="k", model="m")
        resilient = ResilientEngine(translator, retries=retries, pause=lambda s: None)
        assert resilient.name == name
        try:
            return resilient.translate("保温杯 ACME", str(source), str(target))
        finally:
            resilient.close()

    return run


def failing(failures: int, reply: Reply, good: Route) -> Route:
    """Answers `reply` the first `failures` times, then like the service."""
    calls = {"n": 0}

    def route(req: Request) -> Reply:
        calls["n"] += 1
        return reply if calls["n"] <= failures else good(req)

    return route


def test_it_translates(translate: Callable[..., str], service: Server) -> None:
    assert translate() == "กกก acme"
    assert len(service.requests) == 1


@pytest.mark.parametrize(
    "reply",
    [Reply(429, {"error": "Slowdown"}), Reply(500, "oops"), Reply(503, "")],
    ids=["429", "500", "503"],
)
def test_429_and_5xx_are_retried(
    name: str, translate: Callable[..., str], service: Server, reply: Reply
) -> None:
    family = FAMILIES[name]
    service.routes[family.path] = failing(2, reply, family.route)
    assert translate() == "กกก acme"
    assert len(service.requests) == 3


def test_giving_up_names_the_engine_and_the_cause(
    name: str, translate: Callable[..., str], service: Server
) -> None:
    family = FAMILIES[name]
    service.routes[family.path] = lambda r: Reply(500, "oops")
    with pytest.raises(
        EngineError, match=rf"translation engine {name}: gave up after 3 tries: {family.gave_up}"
    ):
        translate(retries=2)
    assert len(service.requests) == 3


def test_garbage_is_an_error_not_retried(
    name: str, translate: Callable[..., str], service: Server
) -> None:
    service.routes[FAMILIES[name].path] = lambda r: Reply(200, "<html>proxy error</html>")
    with pytest.raises(EngineError, match=rf"translation engine {name}: "):
        translate()
    assert len(service.requests) == 1
