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


def test_an_engine_failing_the_text_on_images_is_told_like_one_failing_listing_text(  # type: ignore[no-untyped-def]
    engine, tmp_path: Path
) -> None:
    # The listing's text translates; the words on its picture reach an engine that is down.
    # Those failures were never counted: `localize run --json`, the day's engine_failing
    # notice and the digest said nothing of an engine that failed every image.
    from PIL import Image

    from config.runtime import Secrets
    from config.settings import parse
    from localize.listings import ListingRecord, import_listings
    from localize.run import run_shop
    from store.queries import register_shops
    from tests.localize.images import with_chinese
    from tests.localize.libre import libre

    translate = libre(api_key="k")

    def down_for_images(req: Request) -> Reply:
        if "包邮" in req.body.decode() + str(req.query):  # the picture's words only
            return Reply(503, {"error": "the server is overloaded"})
        return translate(req)  # type: ignore[operator]

    picture = tmp_path / "zh.png"
    with_chinese(
        Image.new("RGB", (420, 400), (245, 245, 240)), [("包邮不锈钢", (60, 250), 30)]
    ).save(picture)
    with serve({"/translate": down_for_images}) as srv:
        settings = parse(
            '[[shops]]\nid = "acme-my"\nmarket = "MY"\nlanguages = ["ms"]\n'
            f'[shops.translation]\nengine = "libre"\nurl = "{srv.url}"\napi_key_env = "KEY"\n'
            "retries = 0\n[shops.captions]\nreplace_text = true\n",
            "shops.toml",
        )
        shop = settings.shops[0]
        register_shops(engine, settings, [shop])
        record = ListingRecord(
            product_id="p1", title="保温杯大容量不锈钢" * 3, images=(str(picture),)
        )
        import_listings(engine, shop_id=shop.id, records=[(None, record)])  # type: ignore[list-item]
        done = run_shop(engine, settings, shop, Secrets({"KEY": "k"}), tmp_path / "images")
    assert done.text.translated == 1 and done.text.engines_failing == []  # the text half's
    [failing] = done.engines_failing
    assert (failing.engine, failing.failed, failing.asked) == ("libre", 1, 1)
    assert "overloaded" in (failing.last_error or "")
    assert done.as_dict()["engines_failing"] == [failing.as_dict()]
