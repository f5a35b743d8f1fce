"""A local HTTP server for adapter tests: a handler per path, every request recorded."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    """One request as the server saw it."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body as JSON."""
        return json.loads(self.body)


@dataclass
class Reply:
    """What a route answers; `delay` holds the answer back (a slow server), `trickle` sends
    the body one byte at a time with that pause between bytes (a server that never finishes)."""

    status: int = 200
    body: bytes | str | dict[str, Any] | list[Any] = b""
    delay: float = 0.0
    trickle: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


Route = Callable[[Request], Reply]


@dataclass
class Server:
    """A running server: its base URL, routes you may change, and what it received."""

    url: str
    port: int
    routes: dict[str, Route]
    requests: list[Request]
    received: threading.Condition


@contextmanager
def serve(routes: dict[str, Route]) -> Iterator[Server]:
    """Run a ThreadingHTTPServer on 127.0.0.1 on a free port until the block ends."""
    requests: list[Request] = []
    received = threading.Condition()
    stop = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if len(body) < length:  # the client went before its body was whole (a daemon
                # killed mid-send): a real server never acts on half a request, nor records
                # it (test_sigkill_while_delivering read an empty body as a message, once)
                return
            req = Request(
                method=self.command,
                path=parts.path,
                query={k: v[-1] for k, v in parse_qs(parts.query).items()},
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
            )
            with received:  # recorded before answering: the client may move on at once
                requests.append(req)
                received.notify_all()
            route = server.routes.get(parts.path)
            reply = route(req) if route else Reply(404, {"error": "no route"})
            if reply.delay:
                stop.wait(reply.delay)  # a slow peer; released when the server stops
            body = reply.body
            if isinstance(body, (dict, list)):
                body = json.dumps(body).encode()
            elif isinstance(body, str):
                body = body.encode()
            try:
                self.send_response(reply.status)
                for k, v in reply.headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if reply.trickle:
                    for i in range(len(body)):
                        self.wfile.write(body[i : i + 1])
                        self.wfile.flush()
                        if stop.wait(reply.trickle):
                            return
                elif self.command != "HEAD":  # a HEAD answer has headers only
                    self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        do_GET = do_POST = do_PUT = do_HEAD = _handle

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    port = httpd.server_address[1]
    server = Server(
        url=f"http://127.0.0.1:{port}",
        port=port,
        routes=dict(routes),
        requests=requests,
        received=received,
    )
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        stop.set()
        httpd.shutdown()
        httpd.server_close()


def closed_port() -> int:
    """A port nothing listens on."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


HEAD = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
    + b"".join(b"X-Pad-%d: %s\r\n" % (n, b"x" * 60) for n in range(100))
    + b"\r\n"
)


@dataclass
class RawServer:
    """A raw-socket server: its base URL, how many connections it took, how many are open."""

    url: str
    port: int
    accepted: int = 0
    open: int = 0
    changed: threading.Condition = field(default_factory=threading.Condition)

    def all_closed(self, within: float = 1.0) -> bool:
        """Whether every connection it took has been closed by the client (waiting up to
        `within` seconds for the server's side to see the close)."""
        with self.changed:
            return self.changed.wait_for(lambda: self.open == 0, within)


@contextmanager
def raw_serve(pause: float | None, start: bytes = b"") -> Iterator[RawServer]:
    """Accept on 127.0.0.1, send `start` at once, and then, when `pause` is a number, drip
    a status line and headers that never end, one byte every `pause` seconds; with None,
    send nothing more. What the client sends is read and dropped; a connection ends when
    the client closes."""
    import socket

    stop = threading.Event()
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)
    port = listener.getsockname()[1]
    server = RawServer(url=f"http://127.0.0.1:{port}", port=port)

    def talk(conn: socket.socket) -> None:
        conn.settimeout(pause if pause is not None else 0.05)
        sent = 0
        with conn:
            if start:
                conn.sendall(start)
            while not stop.is_set():
                try:
                    if not conn.recv(65536):
                        return  # the client closed its end
                except TimeoutError:
                    pass
                except OSError:
                    return
                if pause is not None:
                    try:
                        # `start` is taken for HEAD's first bytes: the drip goes on from there
                        at = (sent + len(start)) % len(HEAD)
                        conn.sendall(HEAD[at : at + 1])
                    except OSError:
                        return
                    sent += 1

    def count(conn: socket.socket) -> None:
        with server.changed:
            server.accepted += 1
            server.open += 1
        try:
            talk(conn)
        finally:
            with server.changed:
                server.open -= 1
                server.changed.notify_all()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=count, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        stop.set()
        thread.join()
        listener.close()
