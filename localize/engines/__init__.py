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

from config.engines import ENGINE_NAMES
from localize.engines.chunks import chunks
from localize.engines.deep import URL_ENGINES, DeepTranslatorEngine, deep_engine
from localize.engines.resilient import EngineChain, ResilientEngine, classify
from localize.errors import EngineError

__all__ = [
    "FACTORIES",
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
    """Translates one piece of text between two of this engine's language codes."""

    name: str
    max_chars: int

    def translate(self, text: str, source: str, target: str) -> str:
        """The translation, or an exception of the engine's own kind."""
        ...


@dataclass(frozen=True)
class Credentials:
    """Where an engine is and how it lets us in (secrets already read from the environment)."""

    url: str | None = None
    api_key: str | None = None
    secret_key: str | None = None
    region: str | None = None


EngineFactory = Callable[[Credentials], TranslationEngine]

# name -> factory, for every engine config.engines names: all of them come through
# deep-translator (`_client` in deep.py builds each). Tests register fakes here.
FACTORIES: dict[str, EngineFactory] = {name: deep_engine(name) for name in ENGINE_NAMES}


def build_engine(
    name: str,
    *,
    url: str | None = None,
    api_key: str | None = None,
    secret_key: str | None = None,
    region: str | None = None,
) -> TranslationEngine:
    """The engine called `name` with its credentials (already read from the environment)."""
    factory = FACTORIES.get(name)
    if factory is None:
        raise EngineError(name, f"unknown engine; known: {', '.join(FACTORIES)}")
    return factory(Credentials(url=url, api_key=api_key, secret_key=secret_key, region=region))
