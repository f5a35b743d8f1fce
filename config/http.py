"""Reading an HTTP answer within a whole-request deadline and a size cap, shared by every
client that talks to the world (the TikTok Partner API, listing image downloads).

A per-read timeout alone lets a server that sends one byte at a time hold a request for
ever; here each read may wait only for what is left of the deadline.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

BLOCK = 65536


class Late(Exception):
    """The deadline passed before the whole answer arrived."""


class TooLarge(Exception):
    """The answer is, or grew, larger than the size cap."""


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

    deadline = time.monotonic() + timeout
    try:
        response = requests.request(
            method,
            url,
            headers=headers,
            data=body,
            files=files,
            timeout=timeout,
            stream=True,
            allow_redirects=False,
        )
    except requests.Timeout:
        raise Late from None
    with response:
        return response.status_code, b"".join(read_within(response.raw, deadline, max_bytes))
