"""The whole pipeline as an operator runs it: listings imported, the daemon's jobs translate
and caption them, a reviewer approves, the daemon publishes; and a daemon killed while
publishing, then restarted, publishes each item exactly once."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from sqlmodel import select

from store.db import open_store, read_scope
from store.models import JobRun, LocalizationItem, PublishRecord
from tests.httpserver import Reply, Request, serve
from tests.localize.images import photo
from tests.localize.libre import libre
from tests.tiktok.partner import KEY, SECRET, TOKEN, signed, success

CADENCE = [sys.executable, "-c", "from cadence.cli import run; run()"]
LOCALIZE = [sys.executable, "-c", "from localize.cli import run; run()"]
LISTINGS = (
    "product_id,sku,title,caption,images\n"
    "1729001,SKU-1,ACME 不锈钢真空保温杯 500ml 大容量 户外运动,包邮,a.jpg;b.jpg\n"
    "1729002,SKU-2,ACME 玻璃水杯 350ml 耐热 带盖 办公室,包邮,b.jpg;a.jpg\n"
)


def write_shop(tmp_path: Path, engine_url: str, publish: str) -> Path:
    config = tmp_path / "shops.toml"
    config.write_text(
        '[[shops]]\nid = "acme-my"\nmarket = "MY"\nlanguages = ["ms"]\n'
        f'[shops.translation]\nengine = "libre"\nurl = "{engine_url}"\n'
        'api_key_env = "LIBRE_KEY"\nretries = 0\n' + publish,
        encoding="utf-8",
    )
    return config


SECRETS = {"LIBRE_KEY": "k", "TT_KEY": KEY, "TT_SECRET": SECRET, "TT_TOKEN": TOKEN}


def environment(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "SHOPBOT_HOME": str(tmp_path / "home"), **SECRETS}


def prepare(cli, caplog, tmp_path: Path, db_url: str, config: Path) -> None:  # type: ignore[no-untyped-def]
    """Listings imported, then one pass of the daemon's jobs, then every item approved: in
    this process (the way to the daemon runs below, not their subject; five processes
    started per test were most of its time)."""
    for seed, name in enumerate(("a.jpg", "b.jpg")):
        photo(seed=seed * 40).save(tmp_path / name)
    (tmp_path / "listings.csv").write_text(LISTINGS, encoding="utf-8")
    common = ["--config", str(config), "--db", db_url]

    def call(program: str, *args: str):  # type: ignore[no-untyped-def]
        done = cli(program, *args, *common, environ=SECRETS)
        assert done.code in (0, 1), done.err
        return done

    call("localize", "listings", "import", str(tmp_path / "listings.csv"), "--shop", "acme-my")
    with caplog.at_level(logging.INFO, logger="cadence.daemon"):  # the daemon's log
        call("cadence", "daemon", "--shop", "acme-my", "--once")
    assert (
        "localize: 2 translated" in caplog.text
        and "2 item(s) wait for review: localize review" in caplog.text
    ), caplog.text
    queue = json.loads(call("localize", "review", "list", "--json").out)
    for row in queue:
        assert Path(row["images"][1]["captioned"]).is_file()
        call("localize", "review", "approve", str(row["id"]), "--reviewer", "ploy")


def test_daemon_jobs_take_listings_from_import_to_export(  # type: ignore[no-untyped-def]
    cli, caplog, tmp_path: Path, db_url: str
) -> None:
    with serve({"/translate": libre(api_key="k")}) as engine:
        config = write_shop(tmp_path, engine.url, '[shops.publish]\nexport_dir = "export"\n')
        prepare(cli, caplog, tmp_path, db_url, config)
        again = subprocess.run(
            [
                *CADENCE,
                "daemon",
                "--shop",
                "acme-my",
                "--once",
                "--config",
                str(config),
                "--db",
                db_url,
            ],
            env=environment(tmp_path),
            capture_output=True,
            text=True,
        )
    assert again.returncode == 0, again.stderr
    assert "publish: 2 published, 0 blocked, 0 failed" in again.stderr
    exported = list((tmp_path / "export").iterdir())
    folders = sorted(p.name for p in exported if p.is_dir())
    assert [f.split("-")[0] for f in folders] == ["1729001", "1729002"]
    assert any(p.name.startswith("listings-") and p.suffix == ".xlsx" for p in exported)
    store = open_store(db_url)
    with read_scope(store) as s:
        assert {i.state for i in s.exec(select(LocalizationItem))} == {"published"}
        jobs = {r.job for r in s.exec(select(JobRun)) if r.ok}
    assert {"check", "deliver", "localize", "publish"} <= jobs


def test_a_daemon_killed_while_publishing_publishes_each_item_once(  # type: ignore[no-untyped-def]
    cli, caplog, tmp_path: Path, db_url: str
) -> None:
    uploads: list[str] = []
    edits: list[str] = []
    held = threading.Event()

    def upload(req: Request) -> Reply:
        uploads.append(req.query["timestamp"])
        return success({"uri": f"tos-img/{len(uploads)}"})

    def edit(req: Request) -> Reply:
        if not held.is_set():  # the first edit never gets its answer: the daemon dies waiting
            held.set()
            return Reply(200, {}, delay=600)
        edits.append(req.path)
        return success({})

    routes = {
        "/analytics/202409/shop_videos/performance": signed(lambda r: success({"videos": []})),
        "/product/202309/images/upload": signed(upload),
        "/product/202309/products/1729001/partial_edit": signed(edit),
        "/product/202309/products/1729002/partial_edit": signed(edit),
    }
    with serve({"/translate": libre(api_key="k"), **routes}) as srv:
        tiktok = (
            '[shops.publish]\nkind = "tiktok"\n[shops.tiktok]\n'
            f'base_url = "{srv.url}"\napp_key_env = "TT_KEY"\napp_secret_env = "TT_SECRET"\n'
            'access_token_env = "TT_TOKEN"\nshop_cipher = "ROW_1"\ntimeout = 300\n'
        )
        config = write_shop(tmp_path, srv.url, tiktok)
        prepare(cli, caplog, tmp_path, db_url, config)
        common = ["--config", str(config), "--db", db_url]
        daemon = subprocess.Popen(
            [*CADENCE, "daemon", "--shop", "acme-my", "--once", *common],
            env=environment(tmp_path),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            assert held.wait(120), "the daemon never reached the product edit"
            daemon.send_signal(signal.SIGKILL)
        finally:
            daemon.kill()
            daemon.wait()
        uploaded_before = len(uploads)
        assert uploaded_before == 2  # the first item's two images, recorded as they went
        again = subprocess.run(
            [*CADENCE, "daemon", "--shop", "acme-my", "--once", *common],
            env=environment(tmp_path),
            capture_output=True,
            text=True,
        )
    assert again.returncode == 0, again.stderr
    assert len(uploads) == 4  # the second item's two; none of the first item's again
    assert len(edits) == 2  # each item's edit answered once
    with read_scope(open_store(db_url)) as s:
        assert {i.state for i in s.exec(select(LocalizationItem))} == {"published"}
        steps = [r.detail for r in s.exec(select(PublishRecord))]
    assert sorted(steps) == sorted(
        ["edit:1729001", "edit:1729002"] + [d for d in steps if d.startswith("image:")]
    )
    assert len([d for d in steps if d.startswith("image:")]) == 4
