"""`localize run` killed mid-way loses only the engine calls in flight: translations are
stored as they arrive, and the next run asks the engine only for what is missing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from sqlmodel import func, select

from store.db import open_store, read_scope
from store.models import TranslationMemory
from tests.httpserver import Reply, Request, serve
from tests.localize.libre import libre

LOCALIZE = [sys.executable, "-c", "from localize.cli import run; run()"]
LISTINGS, ANSWERED, WORKERS = 60, 30, 4


def memory_rows(db_url: str) -> int:
    engine = open_store(db_url)
    try:
        with read_scope(engine) as s:
            return s.exec(select(func.count()).select_from(TranslationMemory)).one()
    finally:
        engine.dispose()


def test_a_killed_run_keeps_what_the_engine_answered(tmp_path: Path, db_url: str) -> None:
    rows = "".join(f"p{n},第{n}号 不锈钢保温杯 大容量 户外运动 水壶\n" for n in range(LISTINGS))
    (tmp_path / "listings.csv").write_text("product_id,title\n" + rows, encoding="utf-8")
    answer = libre(api_key="k")
    served = threading.Semaphore(ANSWERED)

    def first_answers_then_silence(req: Request) -> Reply:
        # The first ANSWERED calls are answered; the rest hang until the server stops.
        return answer(req) if served.acquire(blocking=False) else Reply(200, {}, delay=600)

    with serve({"/translate": first_answers_then_silence}) as srv:
        config = tmp_path / "shops.toml"
        config.write_text(
            '[[shops]]\nid = "acme-uk"\nmarket = "UK"\n[shops.translation]\nengine = "libre"\n'
            f'url = "{srv.url}"\napi_key_env = "LIBRE_KEY"\nretries = 0\ntimeout = 300\n'
            f"concurrency = {WORKERS}\n",
            encoding="utf-8",
        )
        env = {**os.environ, "SHOPBOT_HOME": str(tmp_path / "home"), "LIBRE_KEY": "k"}
        common = ["--config", str(config), "--db", db_url]
        imported = subprocess.run(
            [*LOCALIZE, "listings", "import", str(tmp_path / "listings.csv"), "--shop", "acme-uk"]
            + common,
            env=env,
            capture_output=True,
            text=True,
        )
        assert imported.returncode == 0, imported.stderr
        run = subprocess.Popen(
            [*LOCALIZE, "run", "--shop", "acme-uk", *common],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            # Every answered call, plus one hanging call per worker, has reached the engine.
            with srv.received:
                assert srv.received.wait_for(
                    lambda: len(srv.requests) >= ANSWERED + WORKERS, timeout=60
                )
            # Each answer is stored as it arrives (the calls still hanging hold nothing up):
            # looked for until a generous deadline, which a loaded machine may need.
            saved, deadline = 0, time.monotonic() + 120
            while time.monotonic() < deadline:
                saved = memory_rows(db_url)
                if saved == ANSWERED:
                    break
                with srv.received:
                    srv.received.wait(timeout=0.5)
            run.send_signal(signal.SIGKILL)
        finally:
            run.kill()
            run.wait()
        assert saved == ANSWERED
    assert memory_rows(db_url) == ANSWERED

    with serve({"/translate": answer}) as srv:
        text = config.read_text(encoding="utf-8")  # the same shop, a server that answers
        start = text.index('url = "') + len('url = "')
        config.write_text(text[:start] + srv.url + text[text.index('"', start) :])
        again = subprocess.run(
            [*LOCALIZE, "run", "--shop", "acme-uk", "--json", *common],
            env=env,
            capture_output=True,
            text=True,
        )
    assert again.returncode == 0, again.stderr
    summary = json.loads(again.stdout)
    assert summary["engine_calls"] == LISTINGS - ANSWERED
    assert summary["from_memory"] == ANSWERED and summary["translated"] == LISTINGS
