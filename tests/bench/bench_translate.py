"""`localize run` (text) over 300 listings x (title, description) x 2 languages, 20% of the
segments repeated, against a local LibreTranslate that answers after 200 ms.

Prints engine calls against unique uncached segments (goal: equal), wall time against the
ideal calls / concurrency x latency (goal: within 1.25x), and a second run's calls (goal: 0).

Run from the project's root: .venv/bin/python -m tests.bench.bench_translate
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

from config.runtime import Environment
from config.settings import load
from localize.listings import ListingRecord, import_listings
from localize.run import run_text
from store.db import open_store, session_scope
from store.queries import sync_shops
from tests.httpserver import Reply, serve
from tests.localize.libre import fake_translate, params

LISTINGS, LATENCY, CONCURRENCY, REPEATED = 300, 0.2, 4, 0.2
WORDS = "保温 不锈钢 真空 杯子 户外 运动 大容量 便携 儿童 防漏 吸管 水壶 办公室 礼物 新款".split()


def sentence(rng: random.Random) -> str:
    return "".join(rng.choice(WORDS) for _ in range(6)) + f"{rng.randrange(10**6)}。"


def listings(rng: random.Random) -> list[ListingRecord]:
    """Titles and one-paragraph descriptions; 20% of all segments repeat an earlier one."""
    pool: list[str] = []

    def segment() -> str:
        if pool and rng.random() < REPEATED:
            return rng.choice(pool)
        s = sentence(rng)
        pool.append(s)
        return s

    return [
        ListingRecord(product_id=f"p{i}", title=segment(), description=f"<p>{segment()}</p>")
        for i in range(LISTINGS)
    ]


def main() -> None:
    """Build, run twice, print the figures."""
    rng = random.Random(11)
    records = listings(rng)
    with (
        serve(
            {
                "/translate": lambda r: Reply(
                    200,
                    {"translatedText": fake_translate(params(r)["q"], params(r)["target"])},
                    delay=LATENCY,
                )
            }
        ) as srv,
        tempfile.TemporaryDirectory() as tmp,
    ):
        config = Path(tmp) / "shops.toml"
        config.write_text(
            '[[shops]]\nid = "bench"\nmarket = "MY"\nlanguages = ["ms", "en"]\n'
            f'[shops.translation]\nengine = "libre"\nurl = "{srv.url}"\n'
            f"concurrency = {CONCURRENCY}\ntimeout = 10\n",
            encoding="utf-8",
        )
        settings = load(config)
        shop = settings.shops[0]
        store = open_store(f"sqlite:///{tmp}/store.db")
        with session_scope(store) as s:
            sync_shops(s, shops=[settings.shop_row(shop)])
        import_listings(store, shop_id=shop.id, records=[("", r) for r in records])
        segments = [s for r in records for s in (r.title, r.description[3:-4])]
        unique = len(set(segments))
        env = Environment()
        started = time.perf_counter()
        first = run_text(store, settings, shop, env.secrets)
        wall = time.perf_counter() - started
        expected_calls = unique * 2  # two languages, nothing in memory yet
        ideal = first.engine_calls / CONCURRENCY * LATENCY
        second = run_text(store, settings, shop, env.secrets)
        print(
            f"segments: {len(segments)} per language, {unique} unique "
            f"({1 - unique / len(segments):.0%} repeated)"
        )
        equal = "met" if first.engine_calls == expected_calls else "MISSED"
        print(
            f"engine calls: {first.engine_calls}; unique uncached segments x languages: "
            f"{expected_calls}; goal equal: {equal}"
        )
        print(
            f"wall time: {wall:.1f} s; ideal {first.engine_calls} / {CONCURRENCY} x "
            f"{LATENCY * 1000:.0f} ms = {ideal:.1f} s; ratio {wall / ideal:.2f}x; "
            f"goal <= 1.25x: {'met' if wall / ideal <= 1.25 else 'MISSED'}"
        )
        print(
            f"second run: {second.engine_calls} engine calls, {second.translated} translated; "
            f"goal 0 calls: {'met' if second.engine_calls == 0 else 'MISSED'}"
        )


if __name__ == "__main__":
    main()
