"""The machine-translation engines the product knows: the one table their names come from.

Configuration validates `[shops.translation] engine` and `fallback` and markets.toml's
language codes against it; localize's registry of engine factories must cover exactly
these names (a test says so). `config` may not import `localize`, so the table lives here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class EngineSpec:
    """What the product knows of one engine beyond its name."""

    max_chars: int  # per call: deep-translator's own limits; others conservative guesses
    # A large language model behind OpenAI's chat completions wire format: it is told the
    # languages by name (not by code), and is found at `base_url` running `model`.
    chat: bool = False
    # The source code with which the engine finds a text's language itself (a Chinese
    # listing's Japanese or Korean line); None: it must be told (DeepL and Microsoft
    # refuse "auto", MyMemory reads it as a language).
    detects: str | None = None


# The order is the one messages list the engines in.
ENGINES: dict[str, EngineSpec] = {
    "google": EngineSpec(max_chars=4999, detects="auto"),
    "deepl": EngineSpec(max_chars=4999),
    "microsoft": EngineSpec(max_chars=4999),
    "baidu": EngineSpec(max_chars=1999, detects="auto"),
    "libre": EngineSpec(max_chars=4999, detects="auto"),
    "mymemory": EngineSpec(max_chars=499),
    # OpenAI, DeepSeek, Qwen (DashScope's compatible mode), a local llama.cpp or vLLM server
    "openai": EngineSpec(max_chars=4000, chat=True, detects="the language it is written in"),
}

OPENAI_URL = "https://api.openai.com/v1"  # a chat engine's server unless `base_url` says

ENGINE_NAMES: tuple[str, ...] = tuple(ENGINES)

# A pydantic field of this type names every engine when a value is not one of them.
EngineName = Literal[ENGINE_NAMES]  # type: ignore[valid-type]
