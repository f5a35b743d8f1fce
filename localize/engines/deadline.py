"""A whole-request deadline and a size cap for deep-translator's HTTP calls.

deep-translator calls `requests.get/post` with no timeout at all, so a server that accepts
and never answers holds the calling thread for ever, and one that drips a byte at a time
holds it for as long as it likes. Waiting on the thread elsewhere only abandons it: it stays
blocked in the socket, is joined at interpreter exit, and piles up in the daemon.

So within `bounded(...)` (in the thread that makes the call) every request made through
`requests` goes through `config.http`'s deadline adapter: the name lookup, connecting,
sending, and waiting for the status line and headers all end at the deadline (a watchdog
shuts the socket down there), the body is read with `config.http.read_within` (each read
waits only for what is left), and it is cut at `max_bytes`. The request ends itself:
`requests.Timeout` past the deadline, in the calling thread, which is then free. The hook
is installed once on `requests.Session.send` and does nothing for threads outside a
`bounded` block, so every other user of `requests` is untouched.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

_local = threading.local()
_install_lock = threading.Lock()
_installed = False


@dataclass
class LastAnswer:
    """The status and body of the last answer a `bounded` block received: deep-translator
    raises a bare status (or a KeyError) for an error answer and drops the body, which is
    where the engine says what is wrong."""

    status: int | None = None
    body: bytes = b""


@contextmanager
def bounded(seconds: float, max_bytes: int) -> Iterator[LastAnswer]:
    """Every HTTP request this thread makes inside the block ends within `seconds` from
    now (requests.Timeout) and reads at most `max_bytes` (requests.RequestException); the
    block is given the last answer received."""
    _install()
    from config.http import Deadline

    previous = getattr(_local, "limit", None), getattr(_local, "last", None)
    _local.limit, _local.last = (Deadline(seconds), max_bytes), LastAnswer()
    try:
        yield _local.last
    finally:
        _local.limit, _local.last = previous


def _install() -> None:
    global _installed
    with _install_lock:
        if _installed:
            return
        import requests

        original = requests.Session.send

        def send(self: Any, request: Any, **kwargs: Any) -> Any:
            limit = getattr(_local, "limit", None)
            if limit is None:
                return original(self, request, **kwargs)
            return _send_within(original, self, request, kwargs, *limit)

        requests.Session.send = send  # type: ignore[method-assign]
        _installed = True


def _send_within(
    original: Any, session: Any, request: Any, kwargs: dict[str, Any], deadline: Any, cap: int
) -> Any:
    import requests

    from config.http import Late, TooDeep, TooLarge, adapter, check_nesting, read_within

    left = deadline.left()
    if left <= 0:
        raise requests.Timeout("the deadline passed before the request was sent")
    kwargs["timeout"] = (left, left)
    kwargs["stream"] = True
    # deep-translator's sessions live for one call: swapping their adapters for this send
    # (a redirect comes back through here with the same deadline) touches nothing else.
    saved = session.adapters
    transport = adapter(deadline)
    session.adapters = type(saved)(saved)
    session.mount("http://", transport)
    session.mount("https://", transport)
    try:
        try:
            response = original(session, request, **kwargs)
        except requests.RequestException:
            if deadline.cut or deadline.left() <= 0:
                raise requests.Timeout("no answer before the deadline") from None
            raise
        finally:
            session.adapters = saved
        if response._content is False:  # not yet read (a redirect's last hop was)
            try:
                response._content = b"".join(read_within(response.raw, deadline.at, cap))
                deadline.check()  # a socket cut at the deadline reads as the end
            except Late:
                response.close()
                raise requests.Timeout("no whole answer before the deadline") from None
            except TooLarge:
                response.close()
                raise requests.RequestException(f"answer larger than {cap} bytes") from None
            except ConnectionError as exc:
                response.close()
                if deadline.cut:
                    raise requests.Timeout("no whole answer before the deadline") from None
                raise requests.ConnectionError(str(exc)) from None
            response._content_consumed = True
        _local.last.status, _local.last.body = response.status_code, response._content
        if response._content.lstrip()[:1] in (b"[", b"{"):
            # deep-translator parses with response.json(), whose RecursionError on a
            # deeply nested answer is no error it expects: the answer is refused here.
            try:
                check_nesting(response._content)
            except TooDeep as exc:
                response.close()
                raise requests.RequestException(str(exc)) from None
        return response
    finally:
        transport.close()
