"""Machine translation: the `TranslationEngine` protocol, the registry of engine factories
by the names config/engines.py declares, and what makes any engine dependable (timeouts,
retries, bounded concurrency, chunking, a fallback chain).

"Engine" here means a translation engine; a single one in hand is called a translator, to
keep it apart from the store's SQLAlchemy engine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from config.engines import ENGINE_NAMES, ENGINES
from config.i18n import msg
from localize.engines.chat import ChatEngine, chat_engine
from localize.engines.chunks import chunks
from localize.engines.deep import URL_ENGINES as _DEEP_URL_ENGINES
from localize.engines.deep import DeepTranslatorEngine, deep_engine
from localize.engines.resilient import EngineChain, ResilientEngine, classify
from localize.errors import EngineError

__all__ = [
    "FACTORIES",
    "Brief",
    "ChatEngine",
    "URL_ENGINES",
    "Credentials",
    "DeepTranslatorEngine",
    "EngineChain",
    "EngineFactory",
    "ResilientEngine",
    "TranslationEngine",
    "build_engine",
    "chunks",
    "classify",
]


class TranslationEngine(Protocol):
    """Translates one piece of text between two of this engine's language codes. An engine
    that takes instructions (a language model) sets `reads_brief = True` and accepts a
    keyword `brief: Brief | None` as well."""

    name: str
    max_chars: int

    def translate(self, text: str, source: str, target: str) -> str:
        """The translation, or an exception of the engine's own kind."""
        ...


@dataclass(frozen=True)
class Brief:
    """What an engine that takes instructions is told about a text besides its words."""

    field: str = ""  # the listing's field: title, description or caption
    market: str = ""  # the buyers', e.g. "Malaysia (MY)"
    limit: int | None = None  # characters the field may take


@dataclass(frozen=True)
class Credentials:
    """Where an engine is and how it lets us in (secrets already read from the environment)."""

    url: str | None = None
    api_key: str | None = None
    secret_key: str | None = None
    region: str | None = None
    model: str | None = None  # what a chat engine's server runs


EngineFactory = Callable[[Credentials], TranslationEngine]

# The engines asked at a server the shops file names (`location` in its settings).
URL_ENGINES = _DEEP_URL_ENGINES | frozenset(n for n, spec in ENGINES.items() if spec.chat)

# name -> factory, for every engine config.engines names: the chat engine speaks OpenAI's
# wire format itself, the others come through deep-translator (`_client` in deep.py builds
# each). Tests register fakes here.
FACTORIES: dict[str, EngineFactory] = {
    name: chat_engine if ENGINES[name].chat else deep_engine(name) for name in ENGINE_NAMES
}


def build_engine(
    name: str,
    *,
    url: str | None = None,
    api_key: str | None = None,
    secret_key: str | None = None,
    region: str | None = None,
    model: str | None = None,
) -> TranslationEngine:
    """The engine called `name` with its credentials (already read from the environment)."""
    factory = FACTORIES.get(name)
    if factory is None:
        raise EngineError(name, msg("unknown engine; known: {known}", known=list(FACTORIES)))
    given = Credentials(url=url, api_key=api_key, secret_key=secret_key, region=region, model=model)
    return factory(given)
