"""Downloading listing images against real local servers: where a download may go, how long
and how large it may be, what its errors tell, and what it leaves behind."""

from __future__ import annotations

import ipaddress
import threading
import time
from pathlib import Path

import pytest

from localize.image.fetch import UNREACHABLE, Address, ImageFetcher, refusal
from localize.image.inputs import ImageInputError
from tests.httpserver import Reply, Server, closed_port, raw_serve, serve

IMAGE = b"\xff\xd8" + b"jpeg" * 100
LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"),)
MB = 1024 * 1024
SHOP_HOST = "img.shop.test"  # in no DNS: only the resolver below knows it


def to_loopback(host: str, port: int) -> list[Address]:
    """A resolver that sends every name to 127.0.0.1 (where the test servers are)."""
    return [ipaddress.ip_address("127.0.0.1")]


def routes() -> dict[str, object]:
    return {
        "/a.jpg": lambda r: Reply(200, IMAGE),
        "/gone.jpg": lambda r: Reply(404, "no"),
        "/hang.jpg": lambda r: Reply(200, IMAGE, delay=30),
        "/drip.jpg": lambda r: Reply(200, IMAGE, trickle=0.2),
        "/hop.jpg": lambda r: Reply(302, headers={"Location": "/a.jpg"}),
        "/loop.jpg": lambda r: Reply(301, headers={"Location": "/loop.jpg"}),
    }


@pytest.fixture
def cdn():  # type: ignore[no-untyped-def]
    with serve(routes()) as srv:  # type: ignore[arg-type]
        yield srv


def failure(fetcher: ImageFetcher, url: str, folder: Path) -> str:
    """The error message of a download that must fail, after checking it left nothing."""
    with pytest.raises(ImageInputError) as info:
        fetcher.fetch(url, folder)
    assert list(folder.iterdir()) == []  # no .download file on any failure path
    return info.value.message


def test_loopback_is_refused_unless_the_shop_allows_it(cdn: Server, tmp_path: Path) -> None:
    url = f"{cdn.url}/a.jpg"
    message = failure(ImageFetcher(), url, tmp_path)
    assert message.startswith(f"{url}: refused: a loopback address")
    assert "[shops.images]" in message and cdn.requests == []  # never connected
    got = ImageFetcher(allow_networks=LOOPBACK).fetch(url, tmp_path)
    assert got.read_bytes() == IMAGE and got.suffix == ".image"


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private network"),
        ("172.16.0.1", "private network"),
        ("192.168.1.20", "private network"),
        ("fd00::1", "private network"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "carrier-grade NAT"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:10.0.0.1", "private network"),
        ("::ffff:169.254.169.254", "link-local"),
        ("2002:7f00:1::", "loopback"),  # 6to4 around 127.0.0.1
        ("8.8.8.8", None),
        ("2606:4700::1111", None),
    ],
)
def test_address_classes(address: str, reason: str | None) -> None:
    found = refusal(ipaddress.ip_address(address))
    assert found is None if reason is None else reason in (found or "")


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.com/a.jpg", "gopher://127.0.0.1:6379/_x"]
)
def test_only_http_and_https(url: str, tmp_path: Path) -> None:
    message = failure(ImageFetcher(allow_networks=LOOPBACK), url, tmp_path)
    assert "refused" in message and "only http and https" in message


def test_every_address_of_a_name_is_checked(cdn: Server, tmp_path: Path) -> None:
    def public_and_private(host: str, port: int) -> list[Address]:
        return [ipaddress.ip_address("93.184.216.34"), ipaddress.ip_address("10.0.0.7")]

    fetcher = ImageFetcher(resolve=public_and_private)
    message = failure(fetcher, "http://mixed.example/a.jpg", tmp_path)
    assert "refused: a private network address" in message


def test_the_name_is_resolved_once_and_the_checked_address_is_the_one_connected(
    cdn: Server, tmp_path: Path
) -> None:
    lookups: list[str] = []

    def once(host: str, port: int) -> list[Address]:
        lookups.append(host)
        return to_loopback(host, port)

    fetcher = ImageFetcher(allow_hosts=frozenset({SHOP_HOST}), resolve=once)
    got = fetcher.fetch(f"http://{SHOP_HOST}:{cdn.port}/a.jpg", tmp_path)
    # the name exists in no DNS: the request can only have gone to the address we checked
    assert got.read_bytes() == IMAGE and lookups == [SHOP_HOST]
    assert cdn.requests[0].headers["host"] == f"{SHOP_HOST}:{cdn.port}"


def test_redirects_are_followed_and_each_hop_checked(cdn: Server, tmp_path: Path) -> None:
    allowed = ImageFetcher(allow_networks=LOOPBACK)
    assert allowed.fetch(f"{cdn.url}/hop.jpg", tmp_path).read_bytes() == IMAGE
    message = failure(allowed, f"{cdn.url}/loop.jpg", tmp_path / "loop")
    assert message.endswith(f"{UNREACHABLE}: more than 5 redirects")
    assert len([r for r in cdn.requests if r.path == "/loop.jpg"]) == 6


def test_a_redirect_from_an_allowed_host_to_a_forbidden_one_is_refused(
    cdn: Server, tmp_path: Path
) -> None:
    cdn.routes["/away.jpg"] = lambda r: Reply(302, headers={"Location": f"{cdn.url}/a.jpg"})
    fetcher = ImageFetcher(allow_hosts=frozenset({SHOP_HOST}), resolve=to_loopback)
    message = failure(fetcher, f"http://{SHOP_HOST}:{cdn.port}/away.jpg", tmp_path)
    assert "refused: a redirect leads to a loopback address" in message
    assert [r.path for r in cdn.requests] == ["/away.jpg"]  # the target was never asked


@pytest.mark.parametrize("path", ["/hang.jpg", "/drip.jpg"])
def test_a_slow_server_is_cut_at_the_whole_request_deadline(
    cdn: Server, tmp_path: Path, path: str
) -> None:
    # /drip.jpg sends a byte every 0.2 s: each read is quick, the whole would take 80 s
    fetcher = ImageFetcher(allow_networks=LOOPBACK, seconds=1.0)
    started = time.perf_counter()
    message = failure(fetcher, f"{cdn.url}{path}", tmp_path)
    assert time.perf_counter() - started < 3
    assert message == f"{cdn.url}{path}: {UNREACHABLE}"


@pytest.mark.parametrize("scheme", ["http", "https"])  # https: the TLS handshake drips
@pytest.mark.parametrize("pause", [0.5, None], ids=["dripping-headers", "accepts-only"])
def test_a_server_dripping_its_headers_is_cut_at_the_deadline(
    tmp_path: Path, pause: float | None, scheme: str
) -> None:
    with raw_serve(pause) as srv:
        fetcher = ImageFetcher(allow_networks=LOOPBACK, seconds=1.0)
        url = f"{scheme}://127.0.0.1:{srv.port}/a.jpg"
        started = time.perf_counter()
        message = failure(fetcher, url, tmp_path)
        assert time.perf_counter() - started < 1 + 1
        assert message == f"{url}: {UNREACHABLE}"
        assert srv.all_closed()  # the request itself ended: no thread left on the socket


def test_a_name_lookup_that_hangs_ends_at_the_deadline(tmp_path: Path) -> None:
    import threading

    released = threading.Event()

    def hanging(host: str, port: int) -> list[Address]:
        released.wait(30)  # a resolver that does not answer
        return [ipaddress.ip_address("127.0.0.1")]

    fetcher = ImageFetcher(allow_networks=LOOPBACK, seconds=0.5, resolve=hanging)
    started = time.perf_counter()
    try:
        message = failure(fetcher, f"http://{SHOP_HOST}/a.jpg", tmp_path)
        assert time.perf_counter() - started < 0.5 + 1
        assert message == f"http://{SHOP_HOST}/a.jpg: {UNREACHABLE}"
    finally:
        released.set()


def test_an_answer_over_the_cap_is_refused_before_it_is_read(cdn: Server, tmp_path: Path) -> None:
    cdn.routes["/huge.jpg"] = lambda r: Reply(200, b"x" * (MB + 1), trickle=0.5)
    fetcher = ImageFetcher(allow_networks=LOOPBACK, max_bytes=MB, seconds=10)
    started = time.perf_counter()
    message = failure(fetcher, f"{cdn.url}/huge.jpg", tmp_path)
    assert message.endswith("download is over 1 MB")
    assert time.perf_counter() - started < 2  # the Content-Length said so: nothing was read


def test_errors_tell_no_port_from_another(cdn: Server, tmp_path: Path) -> None:
    fetcher = ImageFetcher(allow_networks=LOOPBACK, seconds=1.0)
    closed = f"http://127.0.0.1:{closed_port()}/a.jpg"
    hanging = f"{cdn.url}/hang.jpg"
    assert failure(fetcher, closed, tmp_path) == f"{closed}: {UNREACHABLE}"
    assert failure(fetcher, hanging, tmp_path) == f"{hanging}: {UNREACHABLE}"
    unknown = "http://no-such-host.invalid/a.jpg"
    assert failure(ImageFetcher(), unknown, tmp_path) == f"{unknown}: {UNREACHABLE}"
    # an allowed server that answers may say what it answered
    gone = f"{cdn.url}/gone.jpg"
    assert failure(fetcher, gone, tmp_path) == f"{gone}: download answered HTTP 404"


def test_a_password_in_the_url_is_used_but_never_shown(cdn: Server, tmp_path: Path) -> None:
    fetcher = ImageFetcher(allow_networks=LOOPBACK)
    base = f"http://shop:hunter2@127.0.0.1:{cdn.port}"
    assert fetcher.fetch(f"{base}/a.jpg", tmp_path).read_bytes() == IMAGE
    assert cdn.requests[-1].headers["authorization"] == "Basic c2hvcDpodW50ZXIy"
    message = failure(fetcher, f"{base}/gone.jpg", tmp_path / "gone")
    assert "hunter2" not in message and f"shop:***@127.0.0.1:{cdn.port}/gone.jpg" in message
    refused = failure(ImageFetcher(), f"{base}/a.jpg", tmp_path / "refused")
    assert "hunter2" not in refused


def test_slow_hosts_do_not_hold_a_fast_one(tmp_path: Path) -> None:
    # No host answers before all three have been asked (a barrier, not a stopwatch: a loaded
    # machine stretched "under 1.8 s"): fetched one after another, the first would wait out
    # the barrier and fail. The slow ones then hold their answer a while longer.
    asked = threading.Barrier(3, timeout=30)

    def answer(delay: float):  # type: ignore[no-untyped-def]
        def route(r):  # type: ignore[no-untyped-def]
            asked.wait()
            return Reply(200, IMAGE, delay=delay)

        return {"/a.jpg": route}

    with serve(answer(2.0)) as one, serve(answer(2.0)) as two, serve(answer(0)) as three:
        urls = [f"{one.url}/a.jpg", f"{two.url}/a.jpg", f"{three.url}/a.jpg"]
        fetcher = ImageFetcher(allow_networks=LOOPBACK, concurrency=3)
        done = fetcher.fetch_all(urls, tmp_path)
    assert list(done)[0] == urls[2]  # in the order they finished: the fast one first
    assert all(isinstance(p, Path) and p.read_bytes() == IMAGE for p in done.values()), done


def test_fetch_all_downloads_a_repeated_url_once_and_reports_each_failure(
    cdn: Server, tmp_path: Path
) -> None:
    fetcher = ImageFetcher(allow_networks=LOOPBACK)
    good, gone = f"{cdn.url}/a.jpg", f"{cdn.url}/gone.jpg"
    done = fetcher.fetch_all([good, gone, good], tmp_path)
    assert isinstance(done[good], Path) and isinstance(done[gone], ImageInputError)
    assert [r.path for r in cdn.requests].count("/a.jpg") == 1
    assert [p.name for p in tmp_path.iterdir()] == [done[good].name]  # type: ignore[union-attr]


def test_https_to_a_server_without_tls_fails_plainly(cdn: Server, tmp_path: Path) -> None:
    url = f"https://127.0.0.1:{cdn.port}/a.jpg"  # the certificate is checked against the name
    fetcher = ImageFetcher(allow_networks=LOOPBACK, seconds=2)
    assert failure(fetcher, url, tmp_path) == f"{url}: {UNREACHABLE}"
