"""Every engine deep-translator offers, behind our TranslationEngine protocol.

deep-translator builds one client object per language pair; the engines differ only in how
that client is built from the shop's credentials, which is all this module spells out.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from config.engines import ENGINES

if TYPE_CHECKING:
    from localize.engines import Credentials, EngineFactory

# Codes the services offer that deep-translator's fixed lists lack: LibreTranslate (Argos)
# has Thai, Malay and Tagalog; Baidu has Indonesian, Malay and Filipino.
EXTRA_CODES = {"libre": frozenset({"th", "ms", "tl"}), "baidu": frozenset({"id", "may", "fil"})}
# The engines `[shops.translation] url` points at a server of the shop's (`_client` says how).
URL_ENGINES = frozenset({"libre"})


@dataclass
class DeepTranslatorEngine:
    """Any deep-translator engine: `factory(source, target)` builds its client.

    A client is built once per language pair (Microsoft's constructor fetches its language
    list over the network). Codes the engine's server offers but deep-translator's fixed
    lists lack (`extra_codes`) are set after building the client with a pair it knows: its
    `translate` sends whatever codes the instance holds.
    """

    name: str
    factory: Callable[[str, str], Any]
    max_chars: int = 4999
    extra_codes: frozenset[str] = frozenset()
    _cache: dict[tuple[str, str], Any] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def client(self, source: str, target: str) -> Any:
        """The deep-translator object for a pair of this engine's codes."""
        with self._lock:
            if (source, target) not in self._cache:
                if source in self.extra_codes or target in self.extra_codes:
                    built = self.factory("zh", "en")
                    built._source, built._target = source, target
                else:
                    built = self.factory(source, target)
                self._cache[(source, target)] = built
            return self._cache[(source, target)]

    def translate(self, text: str, source: str, target: str) -> str:
        """Call the deep-translator engine."""
        result = self.client(source, target).translate(text)
        if not isinstance(result, str):
            raise ValueError(f"answered {type(result).__name__}, not text")
        return result


def _slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def _client(name: str, c: Credentials, source: str, target: str) -> Any:
    """deep-translator's client for engine `name`, one language pair."""
    import deep_translator as dt

    if name == "google":
        return dt.GoogleTranslator(source=source, target=target)
    if name == "mymemory":
        return dt.MyMemoryTranslator(source=source, target=target)
    if name == "deepl":
        free = bool(c.api_key and c.api_key.endswith(":fx"))
        return dt.DeeplTranslator(
            source=source, target=target, api_key=c.api_key, use_free_api=free
        )
    if name == "microsoft":
        return dt.MicrosoftTranslator(
            source=source, target=target, api_key=c.api_key, region=c.region
        )
    if name == "baidu":
        return dt.BaiduTranslator(
            source=source, target=target, appid=c.api_key, appkey=c.secret_key
        )
    if name == "libre":
        return dt.LibreTranslator(
            source=source,
            target=target,
            api_key=c.api_key or "none",  # it demands a key, even for a self-hosted server
            custom_url=_slash(c.url) if c.url else None,
            use_free_api=not c.url,
        )
    raise KeyError(name)


def deep_engine(name: str) -> EngineFactory:
    """The factory of deep-translator's engine `name`."""

    def build(credentials: Credentials) -> DeepTranslatorEngine:
        return DeepTranslatorEngine(
            name=name,
            factory=lambda source, target: _client(name, credentials, source, target),
            max_chars=ENGINES[name].max_chars,
            extra_codes=EXTRA_CODES.get(name, frozenset()),
        )

    return build
