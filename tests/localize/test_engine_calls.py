"""`[fleet] engine_calls`: the shops of one process together keep within one cap on calls in
flight to an engine, counted by a local engine server; each shop's own concurrency alone
would let more through."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from config.runtime import Secrets
from config.settings import load
from localize.run import run_text
from store.db import open_store
from tests.httpserver import Request, serve
from tests.localize.libre import libre


class Counting:
    """A LibreTranslate route that takes 50 ms a call and counts the calls in flight."""

    def __init__(self) -> None:
        self.route = libre(api_key="k")
        self.lock = threading.Lock()
        self.now = self.peak = 0

    def __call__(self, req: Request):  # type: ignore[no-untyped-def]
        with self.lock:
            self.now += 1
            self.peak = max(self.peak, self.now)
        try:
            time.sleep(0.05)
            return self.route(req)
        finally:
            with self.lock:
                self.now -= 1


@pytest.mark.parametrize("cap", [None, 2])
def test_shops_in_one_process_share_the_cap_on_an_engines_calls(
    tmp_path: Path, cli, cap: int | None
) -> None:  # type: ignore[no-untyped-def]
    counting = Counting()
    with serve({"/translate": counting}) as srv:
        config = tmp_path / "shops.toml"
        fleet = f"[fleet]\nengine_calls = {cap}\n" if cap else ""
        shops = "".join(
            f'[[shops]]\nid = "{shop}"\nmarket = "MY"\nlanguages = ["ms"]\n'
            f'[shops.translation]\nengine = "libre"\nurl = "{srv.url}"\n'
            'api_key_env = "LIBRE_KEY"\nretries = 0\nconcurrency = 4\n'
            for shop in ("shop-a", "shop-b")
        )
        config.write_text(fleet + shops, encoding="utf-8")
        db = f"sqlite:///{tmp_path / 'store.db'}"
        rows = "".join(f"p{n},保温杯{n}号,,\n" for n in range(12))
        for shop in ("shop-a", "shop-b"):
            listings = tmp_path / f"{shop}.csv"
            listings.write_text("product_id,title,caption,images\n" + rows, encoding="utf-8")
            args = ("listings", "import", str(listings), "--shop", shop)
            assert cli("localize", *args, "--config", str(config), "--db", db).code == 0
        settings, store = load(config), open_store(db)
        secrets = Secrets({"LIBRE_KEY": "k"})
        runs = [
            threading.Thread(target=run_text, args=(store, settings, shop, secrets))
            for shop in settings.shops
        ]
        for t in runs:
            t.start()
        for t in runs:
            t.join()
        store.dispose()
    if cap is None:  # each shop's own 4: more than 2 at once (the test can tell)
        assert counting.peak > 2
    else:
        assert counting.peak <= cap
