"""Translation engines behind one small protocol, and what deep-translator lacks around them:
a timeout on every call, retries with backoff, bounded concurrency, chunking, a fallback.

deep-translator's engines have no request timeout, no common exception base and no
concurrency; every call here runs in a worker thread that the caller stops waiting for
after `timeout` seconds, and every failure becomes one EngineError naming the engine.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import Any, Protocol

from localize.errors import EngineError

# deep-translator's own per-call limits; others are conservative guesses, configurable.
MAX_CHARS = {
    "google": 4999,
    "mymemory": 499,
    "deepl": 4999,
    "microsoft": 4999,
    "baidu": 1999,
    "libre": 4999,
}


class TranslationEngine(Protocol):
    """Translates one piece of text between two of this engine's language codes."""

    name: str
    max_chars: int

    def translate(self, text: str, source: str, target: str) -> str:
        """The translation, or an exception of the engine's own kind."""
        ...


@dataclass
class DeepTranslatorEngine:
    """Any deep-translator engine: `factory(source, target)` builds its translator.

    A translator is built once per language pair (Microsoft's constructor fetches its
    language list over the network). Codes the engine's server offers but deep-translator's
    fixed lists lack (`extra_codes`) are set after building the translator with a pair it
    knows: its `translate` sends whatever codes the instance holds.
    """

    name: str
    factory: Callable[[str, str], Any]
    max_chars: int = 4999
    extra_codes: frozenset[str] = frozenset()
    _cache: dict[tuple[str, str], Any] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def translator(self, source: str, target: str) -> Any:
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
        result = self.translator(source, target).translate(text)
        if not isinstance(result, str):
            raise ValueError(f"answered {type(result).__name__}, not text")
        return result


def build_engine(
    name: str,
    *,
    url: str | None = None,
    api_key: str | None = None,
    secret_key: str | None = None,
    region: str | None = None,
) -> TranslationEngine:
    """The engine called `name` with its credentials (already read from the environment)."""
    import deep_translator as dt

    factories: dict[str, Callable[[str, str], Any]] = {
        "google": lambda s, t: dt.GoogleTranslator(source=s, target=t),
        "mymemory": lambda s, t: dt.MyMemoryTranslator(source=s, target=t),
        "deepl": lambda s, t: dt.DeeplTranslator(
            source=s,
            target=t,
            api_key=api_key,
            use_free_api=bool(api_key and api_key.endswith(":fx")),
        ),
        "microsoft": lambda s, t: dt.MicrosoftTranslator(
            source=s, target=t, api_key=api_key, region=region
        ),
        "baidu": lambda s, t: dt.BaiduTranslator(
            source=s, target=t, appid=api_key, appkey=secret_key
        ),
        "libre": lambda s, t: dt.LibreTranslator(
            source=s,
            target=t,
            api_key=api_key or "none",  # it demands a key, even for a self-hosted server
            custom_url=_slash(url) if url else None,
            use_free_api=not url,
        ),
    }
    if name not in factories:
        raise EngineError(name, f"unknown engine; known: {', '.join(factories)}")
    return DeepTranslatorEngine(
        name=name,
        factory=factories[name],
        max_chars=MAX_CHARS[name],
        extra_codes=EXTRA_CODES.get(name, frozenset()),
    )


# Codes the services offer that deep-translator's fixed lists lack: LibreTranslate (Argos)
# has Thai, Malay and Tagalog; Baidu has Indonesian, Malay and Filipino.
EXTRA_CODES = {"libre": frozenset({"th", "ms", "tl"}), "baidu": frozenset({"id", "may", "fil"})}


def _slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


_RETRYABLE_SERVER = {
    "ERR_TOO_MANY_REQUESTS",
    "ERR_INTERNAL_SERVER_ERROR",
    "ERR_SERVICE_NOT_AVAIBLE",
    "API server error",
}


def classify(exc: BaseException) -> tuple[bool, str]:
    """(retry?, what happened) for whatever an engine raised."""
    import requests
    from deep_translator import exceptions as dx

    if isinstance(exc, dx.TooManyRequests):
        return True, "rate limited (429)"
    if isinstance(exc, dx.ServerException):
        message = str(exc.args[0]) if exc.args else "server error"
        return message in _RETRYABLE_SERVER, f"server answered {message}"
    if isinstance(exc, (dx.RequestError, requests.ConnectionError, requests.Timeout)):
        return True, f"network error ({type(exc).__name__})"
    if isinstance(exc, dx.AuthorizationException):
        return False, "the API key was refused"
    if isinstance(exc, dx.TranslationNotFound):
        return False, "no translation in the answer"
    if isinstance(exc, dx.NotValidLength):
        return False, "text too long for the engine"
    if isinstance(exc, (dx.LanguageNotSupportedException, dx.InvalidSourceOrTargetLanguage)):
        return False, "language not supported by the engine"
    if isinstance(exc, (ValueError, KeyError, TypeError)):
        return False, f"answered something that is not a translation ({type(exc).__name__})"
    return False, f"{type(exc).__name__}: {str(exc)[:200]}"


@dataclass
class ResilientEngine:
    """An engine with a timeout per call, retries with backoff and a cap on calls in flight."""

    engine: TranslationEngine
    timeout: float = 10.0
    retries: int = 3
    concurrency: int = 4
    pause: Callable[[float], None] = time.sleep
    calls: int = 0  # engine calls made, for summaries and benchmarks
    _slots: threading.BoundedSemaphore = field(init=False)
    _pool: ThreadPoolExecutor = field(init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._slots = threading.BoundedSemaphore(self.concurrency)
        # Extra workers: a call abandoned on timeout keeps its thread until it returns.
        self._pool = ThreadPoolExecutor(
            max_workers=self.concurrency * 2, thread_name_prefix=f"engine-{self.engine.name}"
        )

    @property
    def name(self) -> str:
        """The engine's name."""
        return self.engine.name

    def translate(self, text: str, source: str, target: str) -> str:
        """Translate, chunked under the engine's limit, each chunk retried and timed out."""
        return "".join(
            self._one(chunk, source, target) for chunk in chunks(text, self.engine.max_chars)
        )

    def _one(self, text: str, source: str, target: str) -> str:
        if not text.strip():
            return text
        last = "no attempt made"
        for attempt in range(self.retries + 1):
            with self._slots:
                with self._lock:
                    self.calls += 1
                future = self._pool.submit(self.engine.translate, text, source, target)
                try:
                    return future.result(timeout=self.timeout)
                except FutureTimeout:
                    future.cancel()
                    last, retry = f"no answer within {self.timeout:g} s", True
                except Exception as exc:  # noqa: BLE001 - deep-translator has no common base
                    retry, last = classify(exc)
            if not retry:
                raise EngineError(self.name, last)
            if attempt < self.retries:
                self.pause(min(0.5 * 2**attempt, 8.0))
        raise EngineError(self.name, f"gave up after {self.retries + 1} tries: {last}")

    def close(self) -> None:
        """Stop the workers (without waiting for abandoned calls)."""
        self._pool.shutdown(wait=False, cancel_futures=True)


@dataclass
class EngineChain:
    """The shop's engine, then its fallback when the first one fails."""

    engines: Sequence[ResilientEngine]

    @property
    def calls(self) -> int:
        """Engine calls made by all engines."""
        return sum(e.calls for e in self.engines)

    def translate(
        self, text: str, source: dict[str, str], target: dict[str, str]
    ) -> tuple[str, str]:
        """(translation, engine name); `source`/`target` map engine name to its code."""
        errors: list[EngineError] = []
        for engine in self.engines:
            try:
                return engine.translate(text, source[engine.name], target[engine.name]), engine.name
            except EngineError as exc:
                errors.append(exc)
        if len(errors) == 1:
            raise errors[0]
        raise EngineError(
            " then ".join(e.engine for e in errors),
            "; ".join(f"{e.engine}: {e.problem}" for e in errors),
        )

    def close(self) -> None:
        """Stop every engine's workers."""
        for engine in self.engines:
            engine.close()


_SENTENCE_END = re.compile(r"(?<=[。！？!?；;.…\n])")
_SOFT_BREAK = re.compile(r"(?<=[，,、\s])")


def chunks(text: str, limit: int) -> list[str]:
    """`text` cut into pieces under `limit` characters, at sentence ends where possible,
    then at commas and spaces, and only as a last resort mid-word; joined they are `text`."""
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    current = ""
    for sentence in _split(text, _SENTENCE_END, limit):
        if len(current) + len(sentence) > limit and current:
            pieces.append(current)
            current = ""
        current += sentence
    if current:
        pieces.append(current)
    return pieces


def _split(text: str, pattern: re.Pattern[str], limit: int) -> list[str]:
    parts = [p for p in pattern.split(text) if p]
    out: list[str] = []
    for part in parts:
        if len(part) <= limit:
            out.append(part)
        elif pattern is _SENTENCE_END:
            out.extend(_split(part, _SOFT_BREAK, limit))
        else:
            out.extend(part[i : i + limit] for i in range(0, len(part), limit))
    return out
