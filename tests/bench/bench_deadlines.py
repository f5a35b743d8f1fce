"""Never stuck (issue #9): figures measured in one run.

1. `localize text` and `localize run` against an engine that accepts and never answers, and
   one that drips its status line and headers a byte every 0.5 s: wall time to exit,
   against the goal tries x timeout + backoff + 2 s.
2. 1,000 engine calls that time out, in one process through one long-lived engine chain
   (as the daemon keeps it), against both servers: threads and RSS after 100, 500 and
   1,000 calls (goal: bounded, not growing).
3. `cadence status` while a 60,000-unit TMX import runs: its latency against the same
   command on an idle store (goal: it answers, under 2 s).

Run from the project's root: .venv/bin/python -m tests.bench.bench_deadlines
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from tests.bench.bench_daemon_memory import rss_mb
from tests.httpserver import Reply, raw_serve, serve

LOCALIZE = [sys.executable, "-c", "from localize.cli import run; run()"]
CADENCE = [sys.executable, "-c", "from cadence.cli import run; run()"]
TIMEOUT, RETRIES = 1.0, 2
BACKOFF = sum(min(0.5 * 2**a, 8.0) for a in range(RETRIES))


SERVERS = {
    "silent": lambda: serve({"/translate": lambda r: Reply(200, {}, delay=600)}),
    "dripping headers": lambda: raw_serve(0.5),
}


def silent_engine_commands(tmp: Path, kind: str) -> None:
    with SERVERS[kind]() as srv:
        config = tmp / "shops.toml"
        config.write_text(
            '[[shops]]\nid = "acme-th"\nmarket = "TH"\n[shops.translation]\nengine = "libre"\n'
            f'url = "{srv.url}"\napi_key_env = "K"\ntimeout = {TIMEOUT}\nretries = {RETRIES}\n'
            "concurrency = 4\n",
            encoding="utf-8",
        )
        (tmp / "l.csv").write_text(
            "product_id,title\n" + "".join(f"p{n},保温杯 {n} 号\n" for n in range(8)),
            encoding="utf-8",
        )
        env = {**os.environ, "K": "k", "SHOPBOT_HOME": str(tmp / "home")}
        common = ["--config", str(config), "--db", f"sqlite:///{tmp / 's.db'}"]
        subprocess.run(
            [*LOCALIZE, "listings", "import", str(tmp / "l.csv"), "--shop", "acme-th", *common],
            env=env,
            capture_output=True,
            check=True,
        )
        goal = (RETRIES + 1) * TIMEOUT + BACKOFF + 2
        for name, args in (
            ("localize text", ["text", "保温杯", "--to", "th", "--shop", "acme-th"]),
            ("localize run (8 listings)", ["run", "--shop", "acme-th"]),
        ):
            started = time.monotonic()
            done = subprocess.run([*LOCALIZE, *args, *common], env=env, capture_output=True)
            took = time.monotonic() - started
            print(
                f"{kind:<16} {name:<26} exit {done.returncode}, process gone after {took:5.2f} s; "
                f"goal {goal:.2f} s per call chain (ratio {took / goal:.2f})"
            )


SERVER = """
import sys
from tests.httpserver import Reply, raw_serve, serve
if sys.argv[1] == "silent":
    server = serve({"/translate": lambda r: Reply(200, {}, delay=2)})
else:
    server = raw_serve(0.5)
with server as srv:
    print(srv.url, flush=True)
    sys.stdin.read()
"""


def thousand_timeouts(kind: str) -> None:
    """The engine's side only: the server runs in a process of its own."""
    from concurrent.futures import ThreadPoolExecutor

    from localize.engines import EngineChain, ResilientEngine, build_engine
    from localize.errors import EngineError

    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, "silent" if kind == "silent" else "drip"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None
    url = server.stdout.readline().strip()
    figures = {0: (threading.active_count(), rss_mb(os.getpid()))}
    done = [0]
    # One engine chain for the whole daemon's life, every call timing out.
    engine = ResilientEngine(
        build_engine("libre", url=url, api_key="k"),
        timeout=0.05,
        retries=0,
        concurrency=8,
        pause=lambda s: None,
    )
    chain = EngineChain([engine])

    def one(_: int) -> None:
        engine.down = None  # measure the calls themselves, not the skip
        try:
            chain.translate("杯", {"libre": "zh"}, {"libre": "th"})
        except EngineError:
            pass

    try:
        for mark in (100, 500, 1000):
            with ThreadPoolExecutor(8) as pool:  # a batch of texts, as one run sends them
                list(pool.map(one, range(mark - done[0])))
            done[0] = mark
            figures[mark] = (threading.active_count(), rss_mb(os.getpid()))
    finally:
        chain.close()
        server.kill()
        server.wait()
    print(f"{kind}: {engine.calls} engine calls made through one chain")
    for mark, (threads, rss) in figures.items():
        print(f"after {mark:>4} timed-out calls: {threads:>3} threads, {rss:6.1f} MB RSS")
    growth = figures[1000][1] - figures[100][1]
    print(
        f"threads after 100 -> 1000 calls: {figures[100][0]} -> {figures[1000][0]}; "
        f"RSS {figures[100][1]:.1f} -> {figures[1000][1]:.1f} MB ({growth:+.1f} MB)"
    )


def status_during_import(tmp: Path) -> None:
    config = tmp / "shops.toml"
    config.write_text('[[shops]]\nid = "acme-th"\nmarket = "TH"\n', encoding="utf-8")
    tmx = tmp / "big.tmx"
    units = "".join(
        f'<tu><tuv xml:lang="zh-CN"><seg>保温杯 第{n}号</seg></tuv>'
        f'<tuv xml:lang="th"><seg>แก้ว {n}</seg></tuv></tu>'
        for n in range(60_000)
    )
    tmx.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><tmx version="1.4"><header srclang="zh-CN" '
        'creationtool="x" creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" '
        f'datatype="plaintext"/><body>{units}</body></tmx>',
        encoding="utf-8",
    )
    env = {**os.environ, "SHOPBOT_HOME": str(tmp / "home")}
    common = ["--config", str(config), "--db", f"sqlite:///{tmp / 'tm.db'}"]

    def status() -> float:
        started = time.monotonic()
        done = subprocess.run([*CADENCE, "status", *common], env=env, capture_output=True)
        assert done.returncode == 0, done.stderr
        return time.monotonic() - started

    idle = [status() for _ in range(3)]
    started = time.monotonic()
    importing = subprocess.Popen(
        [*LOCALIZE, "memory", "import", str(tmx), *common],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    during = []
    while importing.poll() is None:
        during.append(status())
    took = time.monotonic() - started
    print(
        f"cadence status idle: median {statistics.median(idle):.2f} s; during a 60,000-unit "
        f"TMX import ({took:.0f} s): {len(during)} calls, median "
        f"{statistics.median(during):.2f} s, worst {max(during):.2f} s (goal < 2 s; "
        f"worst / idle {max(during) / statistics.median(idle):.1f}x)"
    )


def main() -> None:
    for kind in SERVERS:
        with tempfile.TemporaryDirectory() as tmp:
            silent_engine_commands(Path(tmp), kind)
    for kind in SERVERS:
        thousand_timeouts(kind)
    with tempfile.TemporaryDirectory() as tmp:
        status_during_import(Path(tmp))


if __name__ == "__main__":
    main()
