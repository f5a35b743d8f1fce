"""A shop's engine that fails every call while its fallback answers them all is told once
per run (issue 19): `localize run` says how many calls it failed and its last error."""

from __future__ import annotations

import json
from pathlib import Path

from tests.httpserver import Reply, Request, serve
from tests.localize.test_reject import LISTINGS, second_model


def overloaded(req: Request) -> Reply:
    """A LibreTranslate that refuses every call."""
    return Reply(503, {"error": "the server is overloaded"})


def test_a_primary_engine_failing_every_call_is_told_once_per_run(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, db_url: str
) -> None:
    with serve({"/translate": overloaded, "/v1/chat/completions": second_model}) as srv:
        config = tmp_path / "shops.toml"
        config.write_text(
            '[[shops]]\nid = "acme-my"\nmarket = "MY"\nlanguages = ["ms"]\n'
            f'[shops.translation]\nengine = "libre"\nurl = "{srv.url}"\napi_key_env = "KEY"\n'
            f'retries = 0\nbase_url = "{srv.url}/v1"\nmodel = "qwen-plus"\nfallback = "openai"\n',
            encoding="utf-8",
        )
        (tmp_path / "l.csv").write_text(LISTINGS.replace("a.jpg;b.jpg", ""), encoding="utf-8")

        def run(*args: str):  # type: ignore[no-untyped-def]
            return cli(
                "localize", *args, "--config", str(config), "--db", db_url, environ={"KEY": "k"}
            )

        assert run("listings", "import", str(tmp_path / "l.csv"), "--shop", "acme-my").code == 0
        result = run("run", "--shop", "acme-my", "--json")
        assert result.code == 0, result.err
        doc = json.loads(result.out)
        assert doc["translated"] == 1 and doc["failed"] == 0  # the fallback answered all
        [failing] = doc["engines_failing"]
        assert failing["engine"] == "libre" and failing["failed"] == failing["asked"] == 3
        assert failing["answered_by"] == ["openai"]
        assert "overloaded" in failing["last_error"]
        assert result.err.count("libre failed 3 of 3 texts; openai translated them instead") == 1, (
            result.err
        )
        assert "overloaded" in result.err
        # a second run asks no engine, and says nothing of one
        again = run("run", "--shop", "acme-my", "--json")
        assert json.loads(again.out)["engines_failing"] == [] and "failed" not in again.err


def down_for_images(req: Request) -> Reply:
    """A LibreTranslate that translates listing text and fails the words on the picture."""
    from tests.localize.libre import libre

    if "包邮" in req.body.decode() + str(req.query):
        return Reply(503, {"error": "the server is overloaded"})
    return libre(api_key="k")(req)  # type: ignore[operator]


def shop_with_a_picture(engine, tmp_path: Path, url: str):  # type: ignore[no-untyped-def]
    """A shop whose one listing has a picture with Chinese words (replace_text on)."""
    from PIL import Image

    from config.settings import parse
    from localize.listings import ListingRecord, import_listings
    from store.queries import register_shops
    from tests.localize.images import with_chinese

    picture = tmp_path / "zh.png"
    blank = Image.new("RGB", (420, 400), (245, 245, 240))
    with_chinese(blank, [("包邮不锈钢", (60, 250), 30)]).save(picture)
    settings = parse(
        '[[shops]]\nid = "acme-my"\nmarket = "MY"\nlanguages = ["ms"]\n'
        f'[shops.translation]\nengine = "libre"\nurl = "{url}"\napi_key_env = "KEY"\n'
        "retries = 0\n[shops.captions]\nreplace_text = true\n",
        "shops.toml",
    )
    shop = settings.shops[0]
    register_shops(engine, settings, [shop])
    title = "保温杯大容量不锈钢" * 3
    record = ListingRecord(product_id="p1", title=title, images=(str(picture),))
    import_listings(engine, shop_id=shop.id, records=[(None, record)])  # type: ignore[list-item]
    return settings


def test_an_engine_failing_the_text_on_images_is_told_like_one_failing_listing_text(  # type: ignore[no-untyped-def]
    engine, tmp_path: Path
) -> None:
    # The listing's text translates; the words on its picture reach an engine that is down.
    # Those failures were never counted: `localize run --json`, the day's engine_failing
    # notice and the digest said nothing of an engine that failed every image.
    from config.runtime import Secrets
    from localize.run import run_shop

    with serve({"/translate": down_for_images}) as srv:
        settings = shop_with_a_picture(engine, tmp_path, srv.url)
        shop = settings.shops[0]
        done = run_shop(engine, settings, shop, Secrets({"KEY": "k"}), tmp_path / "images")
    assert done.text.translated == 1 and done.text.engines_failing == []  # the text half's
    [failing] = done.engines_failing
    assert (failing.engine, failing.failed, failing.asked) == ("libre", 1, 1)
    assert "overloaded" in (failing.last_error or "")
    assert done.as_dict()["engines_failing"] == [failing.as_dict()]


def test_a_queue_workers_images_failing_on_the_engine_tell_the_team(  # type: ignore[no-untyped-def]
    engine, tmp_path: Path
) -> None:
    # With a queue, a worker captions the images (Daemon.caption): its engine failures
    # reach the day's engine_failing notice as the whole run's do.
    import io
    from datetime import UTC, datetime

    from sqlmodel import select

    from cadence.daemon import Daemon
    from config.runtime import Secrets
    from store.db import read_scope
    from store.models import Alert

    handed: list[int] = []
    with serve({"/translate": down_for_images}) as srv:
        settings = shop_with_a_picture(engine, tmp_path, srv.url)
        daemon = Daemon(
            engine=engine,
            settings=settings,
            shop=settings.shops[0],
            secrets=Secrets({"KEY": "k"}),
            console=io.StringIO(),
            log_stream=io.StringIO(),
            clock=lambda: datetime(2026, 12, 3, 3, 0, tzinfo=UTC),
            data_dir=tmp_path / "data",
            registered=True,
            hand_images=handed.extend,
        )
        daemon.localize()
        [item] = handed
        daemon.caption(item)
    with read_scope(engine) as s:
        told = s.exec(select(Alert.subject).where(Alert.rule == "engine_failing")).all()
    assert told == ["engine:libre"]


def test_words_on_a_picture_the_engine_failed_are_asked_again_by_the_next_run(  # type: ignore[no-untyped-def]
    engine, tmp_path: Path
) -> None:
    # Issue 19/17: the engine down while the picture's words were asked left the region
    # untranslated with the network error for good: the next run, the engine back, drew
    # nothing again, and the reviewer could only type every region by hand.
    from sqlmodel import select

    from config.runtime import Secrets
    from localize.run import run_shop
    from store.db import read_scope
    from store.models import LocalizationItem
    from tests.localize.libre import libre

    down = [True]
    asked: list[str] = []

    def engine_back_later(req: Request) -> Reply:
        if "包邮" in req.body.decode() + str(req.query):
            asked.append("picture")
            if down[0]:
                return Reply(503, {"error": "the server is overloaded"})
        return libre(api_key="k")(req)  # type: ignore[operator]

    def regions() -> list[dict]:  # type: ignore[type-arg]
        with read_scope(engine) as s:
            [item] = s.exec(select(LocalizationItem)).all()
            return [r for f in item.findings if f.get("code") == "image_text" for r in f["regions"]]

    with serve({"/translate": engine_back_later}) as srv:
        settings = shop_with_a_picture(engine, tmp_path, srv.url)
        shop = settings.shops[0]

        def run():  # type: ignore[no-untyped-def]
            return run_shop(engine, settings, shop, Secrets({"KEY": "k"}), tmp_path / "images")

        run()
        [region] = regions()
        assert region["status"] == "untranslated" and "overloaded" in region["reason"]
        assert asked == ["picture"]
        down[0] = False
        again = run()
        [region] = regions()
        assert asked == ["picture", "picture"]  # asked again, the engine back
        assert region["status"] == "replaced" and region["translation"] == "xxxxx"
        assert again.images.images == 1 and again.engines_failing == []
        run()  # answered now: a third run asks nothing and draws nothing
        assert asked == ["picture", "picture"]


def test_words_only_a_person_can_translate_now_are_not_marked_to_be_asked_again(  # type: ignore[no-untyped-def]
    engine, tmp_path: Path
) -> None:
    # A region whose every engine gave only a text a reviewer rejected waits for a person,
    # as a listing text does; only an engine's failure is asked again by the next run.
    from config.runtime import Secrets
    from localize.image.regions import EngineDown, translator
    from localize.text.memory import source_key
    from localize.text.service import Rejected

    with serve({"/translate": down_for_images}) as srv:
        settings = shop_with_a_picture(engine, tmp_path, srv.url)
        translate = translator(
            engine,
            Secrets({"KEY": "k"}),
            to="ms",
            settings=settings,
            shop=settings.shops[0],
            rejected={source_key("保温杯"): Rejected(frozenset({"xxx"}), frozenset({"libre"}))},
        )
        down, rejected = translate("包邮"), translate("保温杯")
    assert down[0] is None and [type(p) for p in down[1]] == [EngineDown]
    assert rejected[0] is None and "rejected" in str(rejected[1])
    assert not any(isinstance(p, EngineDown) for p in rejected[1])


def test_an_engine_given_up_on_in_a_run_says_where_to_look_once_for_every_item(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, db_url: str
) -> None:
    """A shop whose engine is down (trial s28 D15): the items asked after the engine was
    given up on said only "not tried: it gave up on an earlier text (network error ...)",
    and where to look ("is the libre server at ... running?") was on whichever item
    happened to be asked first. The run's summary says it once, for all of them."""
    from tests.httpserver import closed_port

    port = closed_port()
    config = tmp_path / "shops.toml"
    config.write_text(
        '[[shops]]\nid = "acme-th"\nmarket = "TH"\n[shops.translation]\nengine = "libre"\n'
        f'url = "http://127.0.0.1:{port}/"\nretries = 0\n',
        encoding="utf-8",
    )
    rows = "".join(f"p{n},SKU-{n},保温杯 {n} 号,<p>保温 {n} 小时</p>,包邮,\n" for n in range(4))
    (tmp_path / "l.csv").write_text(LISTINGS.splitlines(True)[0] + rows, encoding="utf-8")

    def run(*args: str):  # type: ignore[no-untyped-def]
        return cli("localize", *args, "--config", str(config), "--db", db_url)

    assert run("listings", "import", str(tmp_path / "l.csv"), "--shop", "acme-th").code == 0
    where = f"is the libre server at http://127.0.0.1:{port} ([shops.translation] url) running"
    said = run("run", "--shop", "acme-th")
    assert said.code == 1, said.err
    failed = [line for line in said.err.splitlines() if line.startswith("failed: ")]
    assert len(failed) == 4, said.err  # (those asked after the engine was given up on: not said)
    [summary] = [line for line in said.err.splitlines() if line.startswith("warning: ")]
    assert "translation engine libre failed" in summary and where in summary, summary
    [failing] = json.loads(run("run", "--shop", "acme-th", "--json").out)["engines_failing"]
    assert where in failing["last_error"] and "network error" in failing["last_error"]
