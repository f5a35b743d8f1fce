"""A throwaway PostgreSQL server for the test run (or the one .ci/run started)."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass
class PgServer:
    """A running server the tests may create schemas in."""

    url: str
    stop: callable  # type: ignore[valid-type]


def _bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start() -> PgServer | None:
    """SHOPBOT_TEST_PG_URL when set, else a private server started here, else None."""
    if os.environ.get("SHOPBOT_TEST_PG_URL"):
        return PgServer(url=os.environ["SHOPBOT_TEST_PG_URL"], stop=lambda: None)
    initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
    if not initdb or not pg_ctl:
        return None
    root = Path(tempfile.mkdtemp(prefix="shopbot-pg-"))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    prefix: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        shutil.chown(root, "postgres")
        shutil.chown(sock, "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    subprocess.run(
        [*prefix, initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"],
        check=True,
        capture_output=True,
    )
    opts = f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        [*prefix, pg_ctl, "-D", str(data), "-o", opts, "-l", str(root / "log"), "-w", "start"],
        check=True,
        capture_output=True,
    )

    def stop() -> None:
        subprocess.run(
            [*prefix, pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True
        )
        shutil.rmtree(root, ignore_errors=True)

    return PgServer(url=f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", stop=stop)


def start_possible() -> bool:
    """Whether start() can give a server: a URL is set or the binaries are installed."""
    return bool(os.environ.get("SHOPBOT_TEST_PG_URL")) or bool(_bin("initdb") and _bin("pg_ctl"))
