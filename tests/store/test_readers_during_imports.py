"""A reader is never locked out by a long import: `cadence status` answers, in its own
process, while a large TMX import writes in another (SQLite, where the lock is the file's)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func
from sqlmodel import select

from store.db import open_store, read_scope
from store.models import TranslationMemory

CADENCE = [sys.executable, "-c", "from cadence.cli import run; run()"]
LOCALIZE = [sys.executable, "-c", "from localize.cli import run; run()"]
UNITS = 30_000
SHOPS = '[[shops]]\nid = "acme-th"\nmarket = "TH"\n'


def _tmx(path: Path) -> Path:
    units = "".join(
        f'<tu><tuv xml:lang="zh-CN"><seg>第{n}号 保温杯</seg></tuv>'
        f'<tuv xml:lang="th"><seg>กระติกน้ำ {n}</seg></tuv></tu>'
        for n in range(UNITS)
    )
    path.write_text(
        f'<?xml version="1.0"?><tmx version="1.4"><header srclang="zh-CN"/><body>{units}'
        "</body></tmx>",
        encoding="utf-8",
    )
    return path


def _stored(db_url: str) -> int:
    engine = open_store(db_url)
    try:
        with read_scope(engine) as session:
            return session.exec(select(func.count()).select_from(TranslationMemory)).one()
    finally:
        engine.dispose()


def test_status_answers_while_a_large_tmx_import_runs(tmp_path: Path, summary_line) -> None:  # type: ignore[no-untyped-def]
    db_url = f"sqlite:///{tmp_path / 'store.db'}"
    config = tmp_path / "shops.toml"
    config.write_text(SHOPS, encoding="utf-8")
    tmx = _tmx(tmp_path / "big.tmx")
    env = {**os.environ, "SHOPBOT_HOME": str(tmp_path / "home")}
    common = ["--config", str(config), "--db", db_url]
    assert _stored(db_url) == 0  # migrated before the import starts: no race on creation
    importer = subprocess.Popen(
        [*LOCALIZE, "memory", "import", str(tmx), *common],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while _stored(db_url) == 0:  # the import is writing: its first batch is in
            assert importer.poll() is None, importer.stderr.read() if importer.stderr else ""
            assert time.monotonic() < deadline, "the import stored nothing in 120 s"
            time.sleep(0.05)
        started = time.monotonic()
        status = subprocess.run(
            [*CADENCE, "status", "--json", *common], env=env, capture_output=True, text=True
        )
        took = time.monotonic() - started
        still_importing = importer.poll() is None
        # The writer goes on after the reader: another batch comes in. The rest of the
        # import is no part of this (a whole 30,000-unit import took minutes of a loaded
        # machine); a killed import keeps what it committed.
        before = _stored(db_url)
        deadline = time.monotonic() + 120
        while _stored(db_url) == before and importer.poll() is None:
            assert time.monotonic() < deadline, "the import stored nothing more in 120 s"
            time.sleep(0.05)
        after = _stored(db_url)
        ended = importer.poll()
    finally:
        importer.kill()
        _, err = importer.communicate(timeout=60)
    assert ended in (None, 0), err
    assert "locked" not in err, err
    assert status.returncode == 0, status.stderr
    assert '"acme-th"' in status.stdout
    assert still_importing, "the import ended before status ran; make the file larger"
    summary_line(f"cadence status during a {UNITS:,}-unit TMX import: {took:.2f} s")
    # A reader waiting for the writer would answer only once the import ended (above) or
    # fail with "database is locked" after the busy timeout. Its seconds are not asserted:
    # a process start beside a busy importer took 13 s of a loaded machine (6 s alone).
    assert before < after <= UNITS or (ended == 0 and after == UNITS)  # it wrote on
