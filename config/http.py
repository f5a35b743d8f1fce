"""Talking HTTP within a whole-request deadline and a size cap, shared by every client that
talks to the world (webhooks, the TikTok Partner API, translation engines, listing image
downloads).

A per-read timeout alone lets a server that sends one byte at a time hold a request for
ever, and the status line and headers are read by http.client, out of our reach. So every
socket a request opens is held to the request's `Deadline`:

- the name lookup returns by the deadline (it runs in a daemon thread that is abandoned at
  the deadline; at most MAX_LOOKUPS such threads exist, each ending when the system
  resolver gives up, so they cannot pile up or hold the process at exit);
- connecting waits only for what is left of the deadline;
- from then on one watchdog thread shuts the socket down at the deadline, which ends a read
  or write blocked in the thread making the request (sending the body, waiting for and
  reading the status line and headers, the TLS handshake);
- the body is read with `read_within`, each read waiting only for what is left.

A socket shut down by the watchdog reads as the end of the answer, so a request ends with
`Deadline.check()`: what arrived by then is not taken for a whole answer.
"""

from __future__ import annotations

import heapq
import ipaddress
import itertools
import json
import os
import re
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from functools import cache, partial
from typing import Any, TypeVar

BLOCK = 65536
MAX_LOOKUPS = 8  # name lookups in flight at once, abandoned ones included

T = TypeVar("T")


class Late(Exception):
    """The deadline passed before the whole answer arrived; `sent`: the request may have
    reached the server (False only when no connection was made in time)."""

    def __init__(self, sent: bool = True) -> None:
        super().__init__()
        self.sent = sent


class TooLarge(Exception):
    """The answer is, or grew, larger than the size cap."""


class TooDeep(ValueError):
    """A JSON answer nested deeper than the parser takes: json's decoder would end in a
    RecursionError (no ValueError, so it escaped every adapter's handling)."""

    def __init__(self, max_depth: int) -> None:
        self.max_depth = max_depth
        super().__init__(f"answer nested deeper than {max_depth} levels")


class Deadline:
    """One request's end on the monotonic clock; the sockets it opens are cut there."""

    def __init__(self, seconds: float) -> None:
        self.at = time.monotonic() + seconds
        self.cut = False  # the watchdog shut one of this request's sockets down

    def left(self) -> float:
        """Seconds until the end (zero or less once it has passed)."""
        return self.at - time.monotonic()

    def check(self) -> None:
        """Late when the deadline has passed or a socket of this request was cut."""
        if self.cut or self.left() <= 0:
            raise Late


class _Watch:
    """A duplicate of a request's socket (so that shutting it down also reaches a TLS
    socket wrapped around the original), to be shut down at its deadline unless released."""

    __slots__ = ("deadline", "sock")

    def __init__(self, deadline: Deadline, sock: socket.socket) -> None:
        self.deadline = deadline
        self.sock: socket.socket | None = sock.dup()


class _Watchdog:
    """One daemon thread that shuts watched sockets down at their deadlines."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Start afresh (in a forked child, where the parent's thread and lock state are
        not to be trusted and its sockets are not ours to cut)."""
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, _Watch]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    def watch(self, deadline: Deadline, sock: socket.socket) -> _Watch:
        watch = _Watch(deadline, sock)
        with self._cond:
            heapq.heappush(self._heap, (deadline.at, next(self._order), watch))
            if self._thread is None or not self._thread.is_alive():  # first use, or forked
                self._thread = threading.Thread(
                    target=self._run, name="http-deadlines", daemon=True
                )
                self._thread.start()
            self._cond.notify()
        return watch

    def release(self, watch: _Watch) -> None:
        with self._cond:
            sock, watch.sock = watch.sock, None
        if sock is not None:
            sock.close()

    def _run(self) -> None:
        while True:
            with self._cond:
                if not self._heap:
                    self._cond.wait()
                    continue
                at, _, watch = self._heap[0]
                wait = at - time.monotonic()
                if wait > 0 and watch.sock is not None:
                    self._cond.wait(wait)
                    continue
                heapq.heappop(self._heap)
                sock, watch.sock = watch.sock, None
                if sock is not None:
                    watch.deadline.cut = True
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass  # already closed by the peer
                sock.close()


WATCHDOG = _Watchdog()
_lookups = threading.BoundedSemaphore(MAX_LOOKUPS)


def _after_fork() -> None:
    global _lookups
    WATCHDOG.reset()
    _lookups = threading.BoundedSemaphore(MAX_LOOKUPS)


os.register_at_fork(after_in_child=_after_fork)


def call_within(deadline: Deadline, call: Callable[..., T], *args: Any) -> T:
    """`call(*args)` (a name lookup) if it returns by the deadline, else Late; it runs in a
    daemon thread that is left to finish alone, at most MAX_LOOKUPS of them at once."""
    if not _lookups.acquire(timeout=max(deadline.left(), 0)):
        raise Late
    done = threading.Event()
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append((True, call(*args)))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller as it is
            outcome.append((False, exc))
        finally:
            _lookups.release()
            done.set()

    threading.Thread(target=run, name="http-lookup", daemon=True).start()
    if not done.wait(max(deadline.left(), 0)):
        raise Late
    ok, value = outcome[0]
    if not ok:
        raise value
    return value


def lookup(host: str, port: int, deadline: Deadline) -> list[str]:
    """The addresses `host` resolves to, by the deadline (Late); socket.gaierror if none."""
    try:
        return [str(ipaddress.ip_address(host.strip("[]")))]
    except ValueError:
        pass
    found = call_within(deadline, socket.getaddrinfo, host, port, 0, socket.SOCK_STREAM)
    return list(dict.fromkeys(str(sockaddr[0]) for *_, sockaddr in found))


def _guarded(base: type[T]) -> type[T]:
    """urllib3 connection class `base` whose sockets are held to its `deadline`."""
    from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
    from urllib3.util import connection

    class Guarded(base):  # type: ignore[valid-type,misc]
        deadline: Deadline | None = None
        _watch: _Watch | None = None

        def _new_conn(self) -> socket.socket:
            deadline = self.deadline
            if deadline is None:
                return super()._new_conn()
            self._release()
            try:
                addresses = lookup(self._dns_host, self.port, deadline)
            except Late:
                raise ConnectTimeoutError(self, f"no address for {self.host} in time") from None
            except socket.gaierror as exc:
                raise NameResolutionError(self.host, self, exc) from exc
            error: OSError = TimeoutError()
            for address in addresses:
                left = deadline.left()
                if left <= 0:
                    break
                try:
                    sock = connection.create_connection(
                        (address, self.port),
                        left,
                        source_address=self.source_address,
                        socket_options=self.socket_options,
                    )
                except OSError as exc:
                    error = exc
                    continue
                self._watch = WATCHDOG.watch(deadline, sock)
                sys.audit("http.client.connect", self, self.host, self.port)
                return sock
            if isinstance(error, TimeoutError):
                raise ConnectTimeoutError(self, f"connecting to {self.host} timed out")
            raise NewConnectionError(self, f"Failed to establish a new connection: {error}")

        def close(self) -> None:
            try:
                super().close()
            finally:
                self._release()

        def _release(self) -> None:
            if self._watch is not None:
                WATCHDOG.release(self._watch)
                self._watch = None

    Guarded.__name__ = Guarded.__qualname__ = f"Guarded{base.__name__}"
    return Guarded  # type: ignore[return-value]


_pools: dict[str, type] = {}


def _pool_class(scheme: str) -> type:
    """The urllib3 pool class for `scheme` whose connections are held to its deadline."""
    if scheme not in _pools:
        import urllib3

        base = urllib3.HTTPSConnectionPool if scheme == "https" else urllib3.HTTPConnectionPool

        class Pool(base):  # type: ignore[valid-type,misc]
            ConnectionCls = _guarded(base.ConnectionCls)

            def __init__(self, *args: Any, deadline: Deadline, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                self.deadline = deadline

            def _new_conn(self) -> Any:
                conn = super()._new_conn()
                conn.deadline = self.deadline
                return conn

        _pools[scheme] = Pool
    return _pools[scheme]


def pool(scheme: str, host: str, port: int, deadline: Deadline, **kwargs: Any) -> Any:
    """A urllib3 connection pool (http or https) whose every connection is held to
    `deadline`: lookup, connect, send, status line and headers."""
    return _pool_class(scheme)(host, port, deadline=deadline, **kwargs)


def _guard_manager(manager: Any, deadline: Deadline) -> None:
    import urllib3

    if manager.pool_classes_by_scheme.get("http") is not urllib3.HTTPConnectionPool:
        return  # a SOCKS proxy's pools: left to their per-read timeouts
    manager.pool_classes_by_scheme = {
        scheme: partial(_pool_class(scheme), deadline=deadline) for scheme in ("http", "https")
    }


@cache
def _adapter_class() -> type:
    from requests.adapters import HTTPAdapter

    class DeadlineAdapter(HTTPAdapter):
        def __init__(self, deadline: Deadline) -> None:
            self.deadline = deadline  # before HTTPAdapter's __init__ builds the pool manager
            super().__init__()

        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            super().init_poolmanager(*args, **kwargs)
            _guard_manager(self.poolmanager, self.deadline)

        def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
            manager = super().proxy_manager_for(proxy, **kwargs)
            _guard_manager(manager, self.deadline)
            return manager

    return DeadlineAdapter


def adapter(deadline: Deadline) -> Any:
    """A requests transport adapter whose every connection is held to `deadline`; mount it
    for http:// and https:// on a session, and close it when done."""
    return _adapter_class()(deadline)


def declared_size(response: Any) -> int | None:
    """The answer's Content-Length, when it states a usable one."""
    value = str(response.headers.get("Content-Length") or "").strip()
    return int(value) if value.isdigit() else None


def read_within(
    response: Any,
    deadline: float,
    max_bytes: int,
    *,
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[bytes]:
    """The body of a urllib3 response (requests' `response.raw`) in blocks, until
    `deadline` on `clock` (Late) or past `max_bytes` (TooLarge, before reading when the
    Content-Length already says so); a broken connection is a ConnectionError."""
    from urllib3.exceptions import HTTPError, ReadTimeoutError

    size = declared_size(response)
    if size is not None and size > max_bytes:
        raise TooLarge
    total = 0
    while True:
        left = deadline - clock()
        if left <= 0:
            raise Late
        sock = getattr(response.connection, "sock", None)
        if sock is not None:  # a read may wait only for what is left of the deadline
            sock.settimeout(left)
        try:
            block = response.read1(BLOCK)
        except ReadTimeoutError:
            raise Late from None
        except TimeoutError:
            raise Late from None
        except HTTPError as exc:  # urllib3's, unwrapped when reading the raw stream
            raise ConnectionError(str(exc)) from None
        if not block:
            return
        total += len(block)
        if total > max_bytes:
            raise TooLarge
        yield block


def request(
    method: str,
    url: str,
    *,
    timeout: float,
    max_bytes: int,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    files: Any = None,
) -> tuple[int, bytes]:
    """(status, body) of one request that ends by `timeout` seconds from now, whatever
    the server does, and reads at most `max_bytes`: Late, TooLarge, or requests' own
    exceptions for a connection that cannot be made. Redirects are not followed."""
    import requests

    deadline = Deadline(timeout)
    transport = adapter(deadline)
    with requests.Session() as session:
        session.mount("http://", transport)
        session.mount("https://", transport)
        try:
            response = session.request(
                method,
                url,
                headers=headers,
                data=body,
                files=files,
                timeout=timeout,
                stream=True,
                allow_redirects=False,
            )
        except requests.ConnectTimeout:  # the name lookup or the connection: nothing sent
            raise Late(sent=False) from None
        except requests.Timeout:
            raise Late from None
        except requests.RequestException:
            deadline.check()  # cut by the watchdog: that is why it failed
            raise
        with response:
            try:
                content = b"".join(read_within(response.raw, deadline.at, max_bytes))
            except ConnectionError:
                deadline.check()
                raise
        deadline.check()  # a cut socket reads as the end: what came is not the whole answer
        return response.status_code, content


MAX_DEPTH = 64  # the Partner API and the chat robots answer a handful of levels deep
# A JSON string (its closing quote optional, so an unclosed one ends the scan in one pass
# rather than being tried again from every later quote), removed before counting brackets.
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"?', re.DOTALL)
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = [0] * 256
_STEP[ord("[")] = _STEP[ord("{")] = 1
_STEP[ord("]")] = _STEP[ord("}")] = -1


def nesting(content: bytes) -> int:
    """How deep a JSON document's arrays and objects go (brackets inside strings not
    counted), without parsing it: linear, at C speed, for any input."""
    if content.count(b"[") + content.count(b"{") <= 1:
        return content.count(b"[") + content.count(b"{")
    brackets = _STRING.sub(b"", content).translate(None, _NOT_BRACKET)
    return max(itertools.accumulate(map(_STEP.__getitem__, brackets)), default=0)


def check_nesting(content: bytes | str, max_depth: int = MAX_DEPTH) -> None:
    """TooDeep when a JSON document goes deeper than `max_depth`."""
    raw = content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
    if raw.count(b"[") + raw.count(b"{") > max_depth and nesting(raw) > max_depth:
        raise TooDeep(max_depth)


def parse_json(
    content: bytes | str, *, max_bytes: int | None = None, max_depth: int = MAX_DEPTH
) -> Any:
    """A remote answer's JSON, bounded in size (TooLarge) and depth (TooDeep, a ValueError);
    ValueError when it is not JSON. Every adapter parses what a server sent through this."""
    if max_bytes is not None and len(content) > max_bytes:
        raise TooLarge
    check_nesting(content, max_depth)
    try:
        return json.loads(content)
    except RecursionError:  # the stack was already deep: still the answer's fault
        raise TooDeep(max_depth) from None


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


def top_level(content: bytes | str) -> dict[str, Any]:
    """The scalar members at the top level of a JSON object (strings, numbers, true, false,
    null), read without descending into its arrays and objects, which are skipped by their
    brackets: linear, and bounded in depth by nothing. ValueError when it is not an object.

    For an answer `parse_json` refuses as too deep, when only its top level matters (a chat
    robot's `{"errcode": 0, ...}` with a deep part elsewhere)."""
    text = content.decode("utf-8") if isinstance(content, bytes) else content
    decoder = json.JSONDecoder()
    members: dict[str, Any] = {}

    def after_space(i: int) -> int:
        while i < len(text) and text[i] in " \t\r\n":
            i += 1
        return i

    def expect(i: int, chars: str) -> int:
        i = after_space(i)
        if i >= len(text) or text[i] not in chars:
            raise ValueError(f"expected {' or '.join(chars)} at character {i}")
        return i

    i = expect(0, "{") + 1
    if text[expect(i, '"}')] == "}":
        return members
    while True:
        key, i = decoder.raw_decode(text, expect(i, '"'))
        i = after_space(expect(i, ":") + 1)
        if i < len(text) and text[i] in "[{":
            depth = 0
            for token in _TOKEN.finditer(text, i):
                if token.group() in "[{":
                    depth += 1
                elif token.group() in "]}":
                    depth -= 1
                if depth == 0:
                    i = token.end()
                    break
            else:
                raise ValueError("an array or object is never closed")
        else:
            members[key], i = decoder.raw_decode(text, i)
        i = expect(i, ",}")
        if text[i] == "}":
            return members
        i += 1
