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


# The order is the one messages list the engines in.
ENGINES: dict[str, EngineSpec] = {
    "google": EngineSpec(max_chars=4999),
    "deepl": EngineSpec(max_chars=4999),
    "microsoft": EngineSpec(max_chars=4999),
    "baidu": EngineSpec(max_chars=1999),
    "libre": EngineSpec(max_chars=4999),
    "mymemory": EngineSpec(max_chars=499),
}

ENGINE_NAMES: tuple[str, ...] = tuple(ENGINES)

# A pydantic field of this type names every engine when a value is not one of them.
EngineName = Literal[ENGINE_NAMES]  # type: ignore[valid-type]
