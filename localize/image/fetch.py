"""Downloading listing images without reaching where we should not.

http and https only. The host is resolved once per request, every address it resolves to
is checked, and the connection goes to a checked address (a name that resolves again to
something else in between changes nothing). Loopback, private, link-local, multicast,
reserved, unspecified and shared (CGNAT) addresses are refused, also when IPv4 hides in an
IPv6 form, unless the shop allows the host by name or its network. Redirects are followed
by hand, each hop checked again. A whole download, redirects included, has one deadline
and a size cap; errors say "refused" or "could not be downloaded" and no more, so they
cannot be used to probe which ports answer.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import unquote, urljoin, urlsplit

from config.http import Deadline, Late, TooLarge, call_within, read_within
from config.http import pool as guarded_pool
from config.i18n import msg
from config.settings import ImageSettings
from config.urls import redact
from localize.image.inputs import ImageInputError

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
# (host, port) -> every address the name resolves to
Resolver = Callable[[str, int], list[Address]]

MAX_DOWNLOAD = 30 * 1024 * 1024  # bytes, unless the shop sets max_download_mb
MAX_REDIRECTS = 5
REDIRECTS = {301, 302, 303, 307, 308}
SCHEMES = {"http": 80, "https": 443}
CGNAT = ipaddress.ip_network("100.64.0.0/10")
UNREACHABLE = msg("could not be downloaded")
_CLASSES = (
    ("is_unspecified", "unspecified address"),
    ("is_loopback", "loopback address"),
    ("is_link_local", "link-local address"),
    ("is_multicast", "multicast address"),
    ("is_reserved", "reserved address"),
    ("is_private", "private network address"),
)


def resolve_host(host: str, port: int) -> list[Address]:
    """Every address `host` resolves to, by the system's resolver (socket.getaddrinfo)."""
    found: list[Address] = []
    for *_, sockaddr in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if address not in found:
            found.append(address)
    return found


def refusal(address: Address) -> str | None:
    """Why an address is no place to download from (its class), or None for a public one."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is not None and refusal(embedded):
            return refusal(embedded)
    for test, reason in _CLASSES:
        if getattr(address, test):
            return reason
    if address in CGNAT:
        return "shared (carrier-grade NAT) address"
    if not address.is_global:
        return "address that is not public"
    return None


class _Refused(Exception):
    """A URL or an address we do not fetch from; the reason is shown as it is."""


@dataclass(frozen=True)
class _Target:
    """One hop of a download: where to connect, and what to ask for."""

    scheme: str
    host: str
    port: int
    host_header: str
    path: str
    addresses: list[Address]
    auth: str | None


@dataclass(frozen=True)
class ImageFetcher:
    """Downloads listing images within the shop's limits (see the module docstring)."""

    allow_hosts: frozenset[str] = frozenset()
    allow_networks: tuple[Network, ...] = ()
    seconds: float = 20.0
    max_bytes: int = MAX_DOWNLOAD
    concurrency: int = 4
    resolve: Resolver = resolve_host
    clock: Callable[[], float] = time.monotonic

    @classmethod
    def for_shop(cls, images: ImageSettings, **kwargs: Any) -> ImageFetcher:
        """A fetcher with the limits and allowances of a shop's [shops.images] table."""
        return cls(
            allow_hosts=frozenset(images.allow_hosts),
            allow_networks=tuple(images.networks()),
            seconds=images.download_seconds,
            max_bytes=images.max_download_mb * 1024 * 1024,
            concurrency=images.concurrency,
            **kwargs,
        )

    def fetch(self, url: str, folder: Path) -> Path:
        """Download an image into a new file in `folder`; ImageInputError (the URL's
        passwords masked) when it cannot be had. Nothing is left behind on failure, and
        the file appears under its final name only once complete."""
        shown = redact(url)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(dir=folder, suffix=".download")
        except OSError as exc:
            raise ImageInputError(
                shown,
                msg(
                    "cannot store a download in {folder}: {reason}",
                    folder=str(folder),
                    reason=str(exc.strerror),
                ),
            ) from None
        partial = Path(name)
        try:
            with os.fdopen(fd, "wb") as f:
                self._download(url, shown, f)
            done = partial.with_suffix(".image")
            os.replace(partial, done)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return done

    def fetch_all(self, urls: Iterable[str], folder: Path) -> dict[str, Path | ImageInputError]:
        """Each distinct URL downloaded (or its error), `concurrency` at a time so that one
        slow host does not hold the others; in the order they finished."""
        wanted = list(dict.fromkeys(urls))
        results: dict[str, Path | ImageInputError] = {}
        if not wanted:
            return results
        pool = ThreadPoolExecutor(min(self.concurrency, len(wanted)))
        futures = {pool.submit(self.fetch, url, folder): url for url in wanted}
        try:
            for future in as_completed(futures):
                try:
                    results[futures[future]] = future.result()
                except ImageInputError as exc:
                    results[futures[future]] = exc
        except BaseException:  # interrupted: what was downloaded goes again
            pool.shutdown(cancel_futures=True)
            for future in futures:
                if not future.cancelled() and future.exception() is None:
                    future.result().unlink(missing_ok=True)
            raise
        finally:
            pool.shutdown()
        return results

    def _download(self, url: str, shown: str, f: IO[bytes]) -> None:
        from urllib3.exceptions import HTTPError

        deadline = self.clock() + self.seconds
        # The sockets' own deadline (on the monotonic clock): lookups, connecting, the status
        # line and headers end there too, however slowly a server sends them.
        sockets = Deadline(self.seconds)
        current = url
        try:
            for hop in range(MAX_REDIRECTS + 1):
                target = self._target(current, sockets, redirected=hop > 0)
                with self._opened(target, deadline, sockets) as response:
                    sockets.check()  # headers cut short at the deadline are no answer
                    location = response.headers.get("Location")
                    if response.status in REDIRECTS and location:
                        current = urljoin(current, location)
                        continue
                    if response.status != 200:
                        raise ImageInputError(
                            shown, msg("download answered HTTP {status}", status=response.status)
                        )
                    for block in read_within(response, deadline, self.max_bytes, clock=self.clock):
                        _write(f, block, shown)
                    sockets.check()  # a socket cut at the deadline reads as the end
                    return
        except _Refused as exc:
            raise ImageInputError(shown, msg("refused: {reason}", reason=str(exc))) from None
        except TooLarge:
            mb = self.max_bytes / 1024 / 1024
            raise ImageInputError(shown, msg("download is over {mb} MB", mb=f"{mb:g}")) from None
        except (Late, OSError, HTTPError):  # refused, reset, timed out, unknown: all alike
            raise ImageInputError(shown, UNREACHABLE) from None
        raise ImageInputError(
            shown,
            msg("could not be downloaded: more than {most} redirects", most=MAX_REDIRECTS),
        )

    def _target(self, url: str, sockets: Deadline, *, redirected: bool) -> _Target:
        """Where one hop goes, resolved once and checked; _Refused when it may not."""
        after = "a redirect leads to " if redirected else ""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            raise _Refused(f"{after}a URL that cannot be read") from None
        scheme = parts.scheme.lower()
        if scheme not in SCHEMES:
            raise _Refused(f"{after}a {scheme or 'schemeless'} URL; only http and https are")
        host = (parts.hostname or "").rstrip(".")
        if not host:
            raise _Refused(f"{after}a URL without a host")
        port = port or SCHEMES[scheme]
        try:
            addresses = call_within(sockets, self.resolve, host, port)
        except (OSError, UnicodeError, ValueError):
            raise ConnectionError from None  # an unknown name reads like any other failure
        if not addresses:
            raise ConnectionError
        if host.lower() not in self.allow_hosts:
            for address in addresses:
                reason = refusal(address)
                if reason and not self._allowed(address):
                    raise _Refused(f"{after}a {reason} ({_ALLOW_HINT})")
        userinfo = parts.netloc.rpartition("@")[0]
        return _Target(
            scheme=scheme,
            host=host,
            port=port,
            host_header=parts.netloc.rpartition("@")[2],
            path=(parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
            addresses=addresses,
            auth=unquote(userinfo) if userinfo else None,
        )

    def _allowed(self, address: Address) -> bool:
        forms = [address]
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            forms.append(address.ipv4_mapped)
        return any(
            a in net for a in forms for net in self.allow_networks if a.version == net.version
        )

    @contextmanager
    def _opened(self, target: _Target, deadline: float, sockets: Deadline) -> Iterator[Any]:
        """The answer to a GET sent to the first checked address that takes it (never to a
        fresh lookup of the name), the connection closed afterwards."""
        import urllib3

        headers = {"Host": target.host_header, "Accept": "image/*", "User-Agent": "shopbot"}
        if target.auth:
            headers.update(urllib3.util.make_headers(basic_auth=target.auth))
        failure: BaseException = Late()
        for address in target.addresses:
            left = deadline - self.clock()
            if left <= 0:
                raise Late
            pool = _pool(target, address, left, sockets)
            try:
                response = pool.urlopen(
                    "GET",
                    target.path,
                    headers=headers,
                    redirect=False,
                    retries=False,
                    preload_content=False,
                    assert_same_host=False,
                    timeout=urllib3.Timeout(total=left),
                )
            except (OSError, urllib3.exceptions.HTTPError) as exc:
                failure = exc
                pool.close()
                continue
            try:
                yield response
            finally:
                response.release_conn()
                pool.close()
            return
        raise failure


_ALLOW_HINT = "allow it in the shop's [shops.images] allow_hosts or allow_networks if it is yours"


def _pool(target: _Target, address: Address, left: float, sockets: Deadline) -> Any:
    """A one-connection pool to `address` that speaks to it as `target.host`, its socket
    held to the download's deadline."""
    if target.scheme == "http":
        return guarded_pool("http", str(address), target.port, sockets, maxsize=1, timeout=left)
    import certifi

    return guarded_pool(
        "https",
        str(address),
        target.port,
        sockets,
        maxsize=1,
        timeout=left,
        server_hostname=target.host,
        assert_hostname=target.host,
        cert_reqs="CERT_REQUIRED",
        ca_certs=certifi.where(),
    )


def _write(f: IO[bytes], block: bytes, shown: str) -> None:
    try:
        f.write(block)
    except OSError as exc:  # our side: a full disk
        raise ImageInputError(
            shown, msg("cannot store the download: {reason}", reason=str(exc.strerror or exc))
        ) from None
