"""What deep-translator lacks around an engine: a timeout on every call, retries with
backoff, bounded concurrency, chunking under the engine's limit, and a fallback.

deep-translator's engines have no request timeout, no common exception base and no
concurrency; every call here runs in a worker thread that the caller stops waiting for
after `timeout` seconds, and every failure becomes one EngineError naming the engine.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from config.files import excerpt
from config.i18n import SEMICOLON, Joined, Msg, Text, msg
from localize.engines.chunks import chunks
from localize.engines.deadline import bounded
from localize.errors import EngineError, NoNewTranslation

if TYPE_CHECKING:
    from localize.engines import Brief, TranslationEngine


_RETRYABLE_SERVER = {
    "ERR_TOO_MANY_REQUESTS",
    "ERR_INTERNAL_SERVER_ERROR",
    "ERR_SERVICE_NOT_AVAIBLE",
    "API server error",
}


RATE_LIMITED = msg("rate limited (429)")
KEY_REFUSED = msg("the API key was refused")


class Refused(Exception):
    """An engine of our own said no: `retry` when another try may go through."""

    def __init__(self, retry: bool, what: Text) -> None:
        super().__init__(what)
        self.retry, self.what = retry, what


class Answered(Exception):
    """An engine's call failed on an answer whose body says why (`said`, the engine's own
    words, or None): `cause` is what the engine's client raised."""

    def __init__(self, cause: BaseException, status: int, said: str | None) -> None:
        super().__init__(str(cause))
        self.cause, self.status, self.said = cause, status, said


def engine_said(body: bytes) -> str | None:
    """The message in an engine's error answer: DeepL's {"message"}, Google's, OpenAI's and
    Microsoft's {"error": {"message"}}, LibreTranslate's {"error"}, Baidu's {"error_msg"};
    a short plain-text body as it is; None for anything else."""
    from config.http import parse_json

    try:
        data = parse_json(body)
    except ValueError:
        text = body.decode("utf-8", "replace").strip()
        plain = text and "<" not in text[:1] and "\n" not in text
        return text if plain and len(text) <= 500 else None
    if not isinstance(data, dict):
        return None
    error = data.get("error")
    for said in (
        error.get("message") if isinstance(error, dict) else error,
        data.get("message"),
        data.get("error_msg"),
        data.get("detail"),
    ):
        if isinstance(said, str) and said.strip():
            return said.strip()
    return None


class EmptyAnswer(ValueError):
    """An engine answered nothing for a text with words in it: a failure, never a
    translation (stored, it would be handed out from the memory for good)."""


def classify(exc: BaseException) -> tuple[bool, Text]:
    """(retry?, what happened) for whatever an engine raised."""
    import requests
    from deep_translator import exceptions as dx

    if isinstance(exc, Answered):
        retry, what = classify(exc.cause)
        if exc.status >= 400 and not isinstance(exc.cause, Refused):
            # the status, not deep-translator's guess from it (a Google 400 is no network
            # error, a DeepL 456 "quota exceeded" no server fault worth another try)
            retry = exc.status == 429 or exc.status >= 500
            what = {
                429: RATE_LIMITED,
                401: KEY_REFUSED,
                403: KEY_REFUSED,
            }.get(exc.status) or msg("server answered HTTP {status}", status=exc.status)
        if exc.said:  # quoted: nothing it holds reaches a terminal
            what = msg("{what}: {said}", what=what, said=excerpt(exc.said, 200))
        return retry, what
    if isinstance(exc, Refused):
        return exc.retry, exc.what
    if isinstance(exc, EmptyAnswer):
        # The same text would get the same nothing: not worth another try.
        return False, msg("answered an empty translation")
    if isinstance(exc, dx.TooManyRequests):
        return True, RATE_LIMITED
    if isinstance(exc, dx.ServerException):
        message = str(exc.args[0]) if exc.args else "server error"
        return message in _RETRYABLE_SERVER, msg("server answered {message}", message=message)
    if isinstance(exc, (dx.RequestError, requests.ConnectionError, requests.Timeout)):
        return True, msg("network error ({kind})", kind=type(exc).__name__)
    if isinstance(exc, dx.AuthorizationException):
        return False, KEY_REFUSED
    if isinstance(exc, dx.TranslationNotFound):
        return False, msg("no translation in the answer")
    if isinstance(exc, dx.NotValidLength):
        return False, msg("text too long for the engine")
    if isinstance(exc, (dx.LanguageNotSupportedException, dx.InvalidSourceOrTargetLanguage)):
        return False, msg("language not supported by the engine")
    if isinstance(exc, (ValueError, KeyError, TypeError)):
        return False, msg(
            "answered something that is not a translation ({kind})", kind=type(exc).__name__
        )
    return False, f"{type(exc).__name__}: {str(exc)[:200]}"


def gave_up(engine: str, tries: int, last: Text, url: str | None) -> Msg:
    """What to say when every try of a text failed: what happened, and where to look (the
    server in `[shops.translation] url`, shown without its path or any key, or the
    engine's own service when no url is set)."""
    if url:
        parts = urlsplit(url)
        try:
            port = f":{parts.port}" if parts.port else ""
        except ValueError:
            port = ""
        server = f"{parts.scheme}://{parts.hostname}{port}"
        where = msg(
            "is the {engine} server at {server} ([shops.translation] url) running and "
            "reachable from this machine?",
            engine=engine,
            server=server,
        )
    else:
        where = msg(
            "can this machine reach {engine}'s own service? (it is asked at its public "
            "address, not at a [shops.translation] url)",
            engine=engine,
        )
    return msg("gave up after {tries} tries: {last} — {where}", tries=tries, last=last, where=where)


MAX_ANSWER = 2 * 1024 * 1024  # a translation engine's answer; more is not a translation
GRACE = 0.5  # seconds past the timeout before a call that ignored its deadline is abandoned


_SHARED: dict[tuple[str, str | None, int], threading.BoundedSemaphore] = {}
_SHARED_LOCK = threading.Lock()


def shared_calls(name: str, url: str | None, size: int) -> threading.BoundedSemaphore:
    """The process's one cap on calls in flight to an engine (its name and server), shared
    by every shop that uses it: a fleet's shops together stay within what it allows."""
    with _SHARED_LOCK:
        return _SHARED.setdefault((name, url, size), threading.BoundedSemaphore(size))


@dataclass
class ResilientEngine:
    """An engine with a timeout per call, retries with backoff and a cap on calls in flight
    (its own, and the process's for that engine when `shared` is given)."""

    translator: TranslationEngine
    timeout: float = 10.0
    retries: int = 3
    concurrency: int = 4
    pause: Callable[[float], None] = time.sleep
    calls: int = 0  # engine calls made, for summaries and benchmarks
    asked: int = 0  # texts it was given (a call each, or more: chunks, retries)
    failed: int = 0  # texts it gave no translation of
    last_error: Text | None = None  # what its last failed call said (not "not tried"); when
    # it was given up on, that with where to look (gave_up)
    down: Text | None = None  # why the engine was given up on: the rest of the run skips it
    url: str | None = None  # the shop's [shops.translation] url, for saying where to look
    shared: threading.BoundedSemaphore | None = None  # [fleet] engine_calls: shared_calls()
    _slots: threading.BoundedSemaphore = field(init=False)
    _pool: ThreadPoolExecutor = field(init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._slots = threading.BoundedSemaphore(self.concurrency)
        # Calls run in workers so that a translator that ignores the deadline (not HTTP)
        # still cannot hold the caller; HTTP calls end themselves at the deadline.
        self._pool = ThreadPoolExecutor(
            max_workers=self.concurrency * 2, thread_name_prefix=f"translator-{self.name}"
        )

    @property
    def name(self) -> str:
        """The engine's name."""
        return self.translator.name

    def translate(self, text: str, source: str, target: str, brief: Brief | None = None) -> str:
        """Translate, chunked under the engine's limit, each chunk retried and timed out;
        an engine that `reads_brief` is told the field, market and limit."""
        with self._lock:
            self.asked += 1
        try:
            return "".join(
                self._one(chunk, source, target, brief)
                for chunk in chunks(text, self.translator.max_chars)
            )
        except EngineError:
            with self._lock:
                self.failed += 1
            raise

    def _bounded(self, text: str, source: str, target: str, brief: Brief | None) -> str:
        """One call whose every request ends by the timeout and reads at most MAX_ANSWER."""
        told = {"brief": brief} if getattr(self.translator, "reads_brief", False) else {}
        import requests

        with bounded(self.timeout, MAX_ANSWER) as last:
            try:
                result = self.translator.translate(text, source, target, **told)
            except (requests.Timeout, EmptyAnswer):
                raise
            except Exception as exc:  # noqa: BLE001 - deep-translator has no common base
                status = last.status
                if status is None or (status < 400 and not isinstance(exc, LookupError)):
                    raise
                # an error answer (or a success without the translation in it, read by a
                # KeyError): the engine's own words are in the body the client dropped
                raise Answered(exc, status, engine_said(last.body)) from exc
        if isinstance(result, str) and text.strip() and not result.strip():
            raise EmptyAnswer(text)
        return result

    def _one(self, text: str, source: str, target: str, brief: Brief | None) -> str:
        import requests

        if not text.strip():
            return text
        if self.down is not None:  # every try of an earlier text failed: don't wait again
            raise EngineError(
                self.name,
                msg("not tried: it gave up on an earlier text ({problem})", problem=self.down),
            )
        late = msg("no answer within {seconds:g} s", seconds=self.timeout)
        last: Text = msg("no attempt made")
        for attempt in range(self.retries + 1):
            with self._slots, self.shared or contextlib.nullcontext():
                with self._lock:
                    self.calls += 1
                future = self._pool.submit(self._bounded, text, source, target, brief)
                try:
                    return future.result(timeout=self.timeout + GRACE)
                except FutureTimeout:
                    future.cancel()
                    last, retry = late, True
                except requests.Timeout:
                    last, retry = late, True
                except Exception as exc:  # noqa: BLE001 - deep-translator has no common base
                    retry, last = classify(exc)
            if not retry:
                self.last_error = last
                raise EngineError(self.name, last)
            if attempt < self.retries:
                self.pause(min(0.5 * 2**attempt, 8.0))
        # Silent, refusing or overloaded through every try: the next text would wait as long
        # for the same answer. It is skipped for the rest of this run (the fallback, if any,
        # takes over; failed items are tried again by the next run).
        # The run's summary says it with where to look (last_error): the texts skipped after
        # it say only "not tried", and the one that gave up is whichever was asked first.
        self.down, self.last_error = last, gave_up(self.name, self.retries + 1, last, self.url)
        raise EngineError(self.name, self.last_error)

    def close(self) -> None:
        """Stop the workers (without waiting for abandoned calls)."""
        self._pool.shutdown(wait=False, cancel_futures=True)


@dataclass(frozen=True)
class Failing:
    """An engine of the chain that failed texts: how many of how many, its last error, and
    the engines that translated them instead."""

    engine: str
    asked: int
    failed: int
    last_error: str | None
    answered_by: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        """For --json."""
        return {
            "engine": self.engine,
            "asked": self.asked,
            "failed": self.failed,
            "last_error": self.last_error,
            "answered_by": list(self.answered_by),
        }


def together(*runs: Sequence[Failing]) -> list[Failing]:
    """The failing engines of several chains of one run (its text half's and its image
    half's), one entry per engine: counts added, the later last error, every engine that
    answered instead."""
    by_name: dict[str, Failing] = {}
    for failing in (f for run in runs for f in run):
        was = by_name.get(failing.engine)
        by_name[failing.engine] = (
            failing
            if was is None
            else Failing(
                failing.engine,
                was.asked + failing.asked,
                was.failed + failing.failed,
                failing.last_error or was.last_error,
                tuple(sorted({*was.answered_by, *failing.answered_by})),
            )
        )
    return list(by_name.values())


@dataclass
class EngineChain:
    """The shop's engine, then its fallback when the first one fails."""

    engines: Sequence[ResilientEngine]
    # engine name -> the engines that answered a text after it failed it
    covered: dict[str, set[str]] = field(default_factory=dict)

    def failing(self) -> list[Failing]:
        """The engines that failed some of their texts so far, told once per run (a primary
        that fails every call while its fallback answers is otherwise never seen)."""
        return [
            Failing(
                e.name, e.asked, e.failed, e.last_error, tuple(sorted(self.covered.get(e.name, ())))
            )
            for e in self.engines
            if e.failed
        ]

    @property
    def calls(self) -> int:
        """Engine calls made by all engines."""
        return sum(e.calls for e in self.engines)

    def translate(
        self,
        text: str,
        source: dict[str, str],
        target: dict[str, str],
        brief: Brief | None = None,
        *,
        skip: Collection[str] = (),
        refused: Callable[[str], bool] | None = None,
    ) -> tuple[str, str]:
        """(translation, engine name); `source`/`target` map engine name to its code. The
        engines named in `skip` are not asked, an answer `refused` says no to (a text a
        reviewer rejected) is passed over for the next engine's: NoNewTranslation when no
        engine is left. An engine without a code in `source` is not asked (it cannot take
        a text whose language it must find itself)."""
        errors: list[EngineError] = []
        passed: list[str] = []
        for translator in self.engines:
            name = translator.name
            if name not in source:
                continue
            if name in skip:
                passed.append(msg("{engine}: gave the rejected text, not asked again", engine=name))
                continue
            try:
                answer = translator.translate(text, source[name], target[name], brief)
            except EngineError as exc:
                errors.append(exc)
                continue
            if refused is not None and refused(answer):
                passed.append(msg("{engine}: answered the rejected text again", engine=name))
                continue
            for failed in errors:
                self.covered.setdefault(failed.engine, set()).add(name)
            return answer, name
        if passed and not errors:
            raise NoNewTranslation(passed)
        if len(errors) == 1:
            raise errors[0]
        raise EngineError(
            " then ".join(e.engine for e in errors),
            Joined(
                [msg("{engine}: {problem}", engine=e.engine, problem=e.problem) for e in errors],
                SEMICOLON,
            ),
        )

    def close(self) -> None:
        """Stop every engine's workers."""
        for translator in self.engines:
            translator.close()
