"""A rejection that leads somewhere (issue 19): the reason shown by `review show` and
`list`; `localize run` asks the chain's next engine for the rejected text and never takes
it again, or the item waits for a person (one engine, every engine alike, or on_reject =
"person"); a rejected image is drawn again; versions as a reviewer counts them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from store.db import open_store, read_scope
from store.models import ItemState, LocalizationItem
from tests.httpserver import Reply, Request, serve
from tests.localize.conftest import LOOPBACK_IMAGES
from tests.localize.images import photo
from tests.localize.libre import fake_translate, libre

LISTINGS = (
    "product_id,sku,title,description,caption,images\n"
    "p1,SKU-1,ACME 不锈钢真空保温杯 500ml 大容量 户外运动,<p>保温 12 小时。</p>,包邮,a.jpg;b.jpg\n"
)
_HAN = re.compile(r"[\u4e00-\u9fff]")


def second_model(req: Request) -> Reply:
    """A chat model that translates Chinese into "y"s, where the LibreTranslate route
    gives "x"s: which engine answered shows in the text."""
    said = _HAN.sub("y", req.json()["messages"][-1]["content"]).lower()
    message = {"role": "assistant", "content": said}
    return Reply(200, {"id": "c1", "choices": [{"message": message, "finish_reason": "stop"}]})


@pytest.fixture
def engines():  # type: ignore[no-untyped-def]
    """LibreTranslate at /translate, a chat model at /v1/chat/completions."""
    with serve({"/translate": libre(api_key="k"), "/v1/chat/completions": second_model}) as srv:
        yield srv


def shop(
    cli, tmp_path: Path, db_url: str, url: str, translation: str = "", listings: str = LISTINGS
):  # type: ignore[no-untyped-def]
    """A shop of one listing (two images), run once: its items wait for review."""
    for seed, name in enumerate(("a.jpg", "b.jpg")):
        photo(seed=seed * 40).save(tmp_path / name)
    config = tmp_path / "shops.toml"
    config.write_text(
        '[[shops]]\nid = "acme-my"\nmarket = "MY"\nlanguages = ["ms"]\n'
        f'[shops.translation]\nengine = "libre"\nurl = "{url}"\napi_key_env = "KEY"\n'
        f'retries = 0\nbase_url = "{url}/v1"\nmodel = "qwen-plus"\n{translation}' + LOOPBACK_IMAGES,
        encoding="utf-8",
    )
    (tmp_path / "listings.csv").write_text(listings, encoding="utf-8")

    def run(*args: str):  # type: ignore[no-untyped-def]
        return cli("localize", *args, "--config", str(config), "--db", db_url, environ={"KEY": "k"})

    assert run("listings", "import", str(tmp_path / "listings.csv"), "--shop", "acme-my").code == 0
    first = run("run", "--shop", "acme-my")
    assert first.code == 0, first.err
    return run


def only_item(run) -> dict:  # type: ignore[no-untyped-def]
    [item] = json.loads(run("review", "list", "--json").out)
    return item


def asked(server, path: str) -> int:  # type: ignore[no-untyped-def]
    return sum(1 for r in server.requests if r.path == path)


def stored(db_url: str, item_id: int) -> LocalizationItem:
    with read_scope(open_store(db_url)) as s:
        item = s.get(LocalizationItem, item_id)
    assert item is not None
    return item


def test_a_rejection_is_shown_and_the_next_run_asks_the_next_engine(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, db_url: str, engines
) -> None:
    run = shop(cli, tmp_path, db_url, engines.url, 'fallback = "openai"\n')
    first = only_item(run)
    rejected_title = first["fields"]["title"]["translation"]
    assert "x" in rejected_title and first["version"] == 1
    assert asked(engines, "/v1/chat/completions") == 0  # libre answered everything
    said = run("review", "reject", str(first["id"]), "--reviewer", "ploy", "--reason", "stiff tone")
    assert said.code == 0, said.err
    shown = run("review", "show", str(first["id"])).out
    assert "[rejected]" in shown and "by ploy at " in shown and "(version 1): stiff tone" in shown
    assert "rejected: title, description, caption" in shown
    listed = run("review", "list", "--state", "rejected").out
    assert "rejected by ploy: 'stiff tone'" in listed
    doc = json.loads(run("review", "show", str(first["id"]), "--json").out)
    assert doc["rejection"]["by"] == "ploy" and doc["rejection"]["reason"] == "stiff tone"
    assert doc["rejection"]["fields"] == ["title", "description", "caption"]
    assert doc["waits_for_person"] is None
    [row] = json.loads(run("review", "list", "--state", "rejected", "--json").out)
    assert row["rejection"]["reason"] == "stiff tone"

    libre_before = asked(engines, "/translate")
    again = run("run", "--shop", "acme-my", "--json")
    assert again.code == 0, again.err
    assert json.loads(again.out)["translated"] == 1
    assert asked(engines, "/translate") == libre_before  # the engine that gave it: not asked
    assert asked(engines, "/v1/chat/completions") >= 1
    item = stored(db_url, first["id"])
    assert item.state == ItemState.TRANSLATED
    assert item.origins["title"] == "openai" and item.title != rejected_title
    assert "y" in (item.title or "")
    assert f"translation: {item.title}  (openai)" in run("review", "show", str(first["id"])).out
    # the text a reviewer sees changed once: version 2; the reason is still shown
    now = only_item(run)
    assert now["version"] == 2 and now["rejection"]["reason"] == "stiff tone"
    assert "translated again after rejection by ploy" in run("review", "list").out
    # a reviewer who was shown version 1 is told what changed it, and by whom
    late = run("review", "approve", str(first["id"]), "--reviewer", "nok", "--version", "1")
    assert late.code == 1, late.out
    assert (
        "changed by localize run" in late.err and "title, description, caption changed" in late.err
    )
    assert "version 2; you had version 1" in late.err
    done = run("review", "approve", str(first["id"]), "--reviewer", "nok", "--version", "2")
    assert done.code == 0, done.err


def test_with_one_engine_the_rejected_text_is_not_taken_again_the_item_waits_for_a_person(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, db_url: str, engines
) -> None:
    run = shop(cli, tmp_path, db_url, engines.url)
    first = only_item(run)
    assert (
        run("review", "reject", str(first["id"]), "--reviewer", "ploy", "--reason", "x").code == 0
    )
    again = run("run", "--shop", "acme-my", "--json")
    assert again.code == 0, again.err
    result = json.loads(again.out)
    assert result["translated"] == 0 and result["engine_calls"] == 0  # libre gave it: not asked
    assert [w["id"] for w in result["waiting_for_a_person"]] == [first["id"]]
    item = stored(db_url, first["id"])
    assert (item.state, item.needs_person) == (ItemState.REJECTED, "engines")
    assert item.title == first["fields"]["title"]["translation"]  # nothing new came
    shown = run("review", "show", str(first["id"])).out
    assert "every engine gave only the rejected text" in shown
    assert "waits for a person's translation" in run("review", "list").out  # the default queue
    plain = run("review", "approve", str(first["id"]), "--reviewer", "nok")
    assert plain.code == 1 and "it waits for a person's translation: approve it" in plain.err
    third = run("run", "--shop", "acme-my", "--json")
    assert json.loads(third.out)["engine_calls"] == 0
    # ploy rejected it; the run after only found no other engine
    twice = run("review", "reject", str(first["id"]), "--reviewer", "nok", "--reason", "y")
    assert twice.code == 1 and "was already rejected by ploy at " in twice.err, twice.err
    # what a person writes is bounded, and said so before anything is looked at
    long = run("review", "reject", str(first["id"]), "--reviewer", "nok", "--reason", "y" * 2001)
    assert long.code == 2 and "--reason is 2001 characters; at most 2000" in long.err, long.err
    name = run("review", "approve", str(first["id"]), "--reviewer", "n" * 101)
    assert name.code == 2 and "--reviewer is 101 characters; at most 100" in name.err, name.err
    why = run("review", "approve", str(first["id"]), "--reviewer", "nok", "--override", "y" * 2001)
    assert why.code == 2 and "--override is 2001 characters; at most 2000" in why.err, why.err
    title = "Botol Termos Keluli Tahan Karat ACME 500ml Kapasiti Besar Sukan Luar"
    mine = run(
        "review", "approve", str(first["id"]), "--reviewer", "nok", "--set", f"title={title}"
    )
    assert mine.code == 0, mine.err
    item = stored(db_url, first["id"])
    assert (item.state, item.title, item.needs_person) == (ItemState.APPROVED, title, None)
    assert item.origins["title"] == "review" and item.origins["caption"] == "libre"


def test_on_reject_person_asks_no_engine(cli, tmp_path: Path, db_url: str, engines) -> None:  # type: ignore[no-untyped-def]
    run = shop(cli, tmp_path, db_url, engines.url, 'fallback = "openai"\non_reject = "person"\n')
    first = only_item(run)
    assert (
        run("review", "reject", str(first["id"]), "--reviewer", "ploy", "--reason", "x").code == 0
    )
    before = len(engines.requests)
    again = run("run", "--shop", "acme-my", "--json")
    assert again.code == 0, again.err
    assert json.loads(again.out)["engine_calls"] == 0 and len(engines.requests) == before
    assert 'on_reject = "person"' in run("run", "--shop", "acme-my").err
    item = stored(db_url, first["id"])
    assert (item.state, item.needs_person) == (ItemState.REJECTED, "person")
    doc = json.loads(run("review", "show", str(first["id"]), "--json").out)
    assert 'on_reject = "person"' in doc["waits_for_person"]


@pytest.mark.parametrize("on_reject", ["next-engine", "person"])
def test_a_rejected_image_is_drawn_again_and_the_text_stands(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, db_url: str, engines, on_reject: str
) -> None:
    # only an image was rejected: no text waits for a person, whatever on_reject says
    run = shop(
        cli, tmp_path, db_url, engines.url, f'fallback = "openai"\non_reject = "{on_reject}"\n'
    )
    first = only_item(run)
    drawn = Path(first["images"][1]["captioned"])
    assert drawn.is_file()
    bad = run(
        "review", "reject", str(first["id"]), "--reviewer", "ploy", "--reason", "x", "--image", "3"
    )
    assert bad.code == 2 and "has no image 3; its images are 1-2" in bad.err
    said = run(
        "review",
        "reject",
        str(first["id"]),
        "--reviewer",
        "ploy",
        "--reason",
        "caption covers the cup",
        "--image",
        "2",
    )
    assert said.code == 0, said.err
    assert "rejected: image 2" in run("review", "show", str(first["id"])).out
    drawn.unlink()  # the next run must write it again, not find the old one
    again = run("run", "--shop", "acme-my", "--json")
    assert again.code == 0, again.err
    result = json.loads(again.out)
    assert result["engine_calls"] == 0  # the text was not rejected: from the memory as it was
    assert result["images"]["captioned"] == 1  # that image, drawn again
    item = stored(db_url, first["id"])
    assert item.state == ItemState.TRANSLATED and item.images[1] == str(drawn) and drawn.is_file()
    assert item.title == first["fields"]["title"]["translation"]
    assert only_item(run)["version"] == 1  # the text a reviewer sees did not change


def test_an_unknown_on_reject_names_the_file_key_line_and_the_values(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path
) -> None:
    config = tmp_path / "shops.toml"
    config.write_text(
        '[[shops]]\nid = "acme-my"\nmarket = "MY"\n[shops.translation]\nengine = "libre"\n'
        'on_reject = "next"\n',
        encoding="utf-8",
    )
    result = cli("localize", "run", "--shop", "acme-my", "--config", str(config))
    assert result.code == 2
    assert "shops.toml" in result.err and "translation.on_reject (line 6)" in result.err
    assert "'next-engine' or 'person'" in result.err


def test_a_rejected_images_text_is_read_and_translated_again_by_the_next_engine(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, db_url: str, engines
) -> None:
    from PIL import Image

    from tests.localize.images import with_chinese

    texts = [("保温杯大容量", (30, 40), 34), ("包邮不锈钢", (60, 250), 30)]
    with_chinese(Image.new("RGB", (420, 400), (245, 245, 240)), texts).save(tmp_path / "zh.png")
    config = tmp_path / "shops.toml"
    config.write_text(
        '[[shops]]\nid = "acme-my"\nmarket = "MY"\nlanguages = ["ms"]\n'
        f'[shops.translation]\nengine = "libre"\nurl = "{engines.url}"\napi_key_env = "KEY"\n'
        f'retries = 0\nbase_url = "{engines.url}/v1"\nmodel = "qwen-plus"\nfallback = "openai"\n'
        "[shops.captions]\nreplace_text = true\n",
        encoding="utf-8",
    )
    title = "保温杯大容量不锈钢" * 3  # long enough for the market's title rule
    (tmp_path / "l.csv").write_text(
        f"product_id,title,caption,images\np1,{title},,zh.png\n", "utf-8"
    )

    def run(*args: str):  # type: ignore[no-untyped-def]
        return cli("localize", *args, "--config", str(config), "--db", db_url, environ={"KEY": "k"})

    assert run("listings", "import", str(tmp_path / "l.csv"), "--shop", "acme-my").code == 0
    assert run("run", "--shop", "acme-my").code == 0
    first = only_item(run)
    assert [r["translation"] for r in first["regions"]] == ["xxxxxx", "xxxxx"]  # libre's
    said = run(
        "review", "reject", str(first["id"]), "--reviewer", "mei",
        "--reason", "the text on the picture reads badly", "--image", "1",
    )  # fmt: skip
    assert said.code == 0, said.err
    again = run("run", "--shop", "acme-my", "--json")
    assert again.code == 0, again.err
    assert json.loads(again.out)["images"]["captioned"] == 1  # drawn again
    now = only_item(run)
    # read again and translated by the next engine: never the rejected text
    assert [r["translation"] for r in now["regions"]] == ["yyyyyy", "yyyyy"]
    assert now["fields"]["title"]["translation"] == first["fields"]["title"]["translation"]
    assert now["version"] == 2  # the text on its image changed


def test_rejecting_one_field_asks_again_for_that_field_only(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, db_url: str, engines
) -> None:
    run = shop(cli, tmp_path, db_url, engines.url, 'fallback = "openai"\n')
    first = only_item(run)
    args = ("review", "reject", str(first["id"]), "--reviewer", "ploy", "--reason", "stiff")
    wrong = run(*args, "--field", "price")
    assert wrong.code == 2 and "--field price: the fields are title, description, caption" in (
        wrong.err
    )
    assert run(*args, "--field", "title").code == 0
    assert "rejected: title\n" in run("review", "show", str(first["id"])).out
    assert run("run", "--shop", "acme-my").code == 0
    item = stored(db_url, first["id"])
    assert item.origins["title"] == "openai"  # the next engine's
    assert (item.description, item.caption) == (
        first["fields"]["description"]["translation"],
        first["fields"]["caption"]["translation"],
    )
    assert item.origins["caption"] == "memory"  # not rejected: as it was, no engine asked


def test_a_field_the_next_engine_translated_anew_is_credited_to_it_and_not_said_to_be_the_same(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, db_url: str, engines
) -> None:
    # the caption has no Chinese: both engines answer it alike, the title and description
    # get the fallback's new text
    listings = LISTINGS.replace(",包邮,", ",500ml,")
    run = shop(cli, tmp_path, db_url, engines.url, 'fallback = "openai"\n', listings)
    first = only_item(run)
    assert first["fields"]["caption"]["translation"] == "500ml"
    said = run("review", "reject", str(first["id"]), "--reviewer", "ploy", "--reason", "stiff")
    assert said.code == 0, said.err
    assert run("run", "--shop", "acme-my").code == 0
    item = stored(db_url, first["id"])
    assert (item.state, item.needs_person) == (ItemState.REJECTED, "engines")
    assert "y" in (item.title or "") and item.title != first["fields"]["title"]["translation"]
    assert item.origins["title"] == "openai" and item.origins["description"] == "openai"
    doc = json.loads(run("review", "show", str(first["id"]), "--json").out)
    assert doc["fields"]["title"]["origin"] == "openai"
    why = doc["waits_for_person"]
    assert (
        "only the rejected text of caption" in why
        and "title" not in why.split("rejected text")[1].split(";")[0]
    )
    [entry] = [
        h
        for h in json.loads(run("review", "history", str(first["id"]), "--json").out)
        if h["to"] == "rejected" and h["actor"] == "localize run"
    ]
    assert "origins" in entry["changed"]


def test_a_rejection_holds_for_its_own_item_not_for_another_product_with_the_same_text(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, db_url: str, engines
) -> None:
    """A reviewer rejects p1 (its title was poor); p2, another product, has the same
    description and caption. p2 is translated as usual, the same on every run (the
    rejection was avoided for every item in hand: p2 failed on one run and took the
    rejected text on the next), and p1 still never gets its rejected text back."""
    run = shop(cli, tmp_path, db_url, engines.url)
    first = only_item(run)
    said = run("review", "reject", str(first["id"]), "--reviewer", "fang", "--reason", "标题没译")
    assert said.code == 0, said.err
    other = LISTINGS + "p2,SKU-2,另一款 保温杯 750ml 户外运动 大容量,<p>保温 12 小时。</p>,包邮,\n"
    (tmp_path / "listings.csv").write_text(other, encoding="utf-8")
    assert run("listings", "import", str(tmp_path / "listings.csv"), "--shop", "acme-my").code == 0
    for _ in range(2):
        again = run("run", "--shop", "acme-my", "--json")
        assert again.code == 0, again.out + again.err
        assert json.loads(again.out)["failed"] == 0
        [p2] = [
            r for r in json.loads(run("review", "list", "--json").out) if r["product_id"] == "p2"
        ]
        assert p2["state"] == "translated" and p2["version"] == 1
        for name in ("description", "caption"):  # the sentence p1's rejection named
            assert p2["fields"][name]["translation"] == first["fields"][name]["translation"]
        item = stored(db_url, first["id"])
        assert (item.state, item.needs_person) == (ItemState.REJECTED, "engines")


class Outage:
    """A chat model that gives what LibreTranslate gave (so a rejected text comes back),
    which a test takes down (503, as a proxy in front of a dead server answers) and back."""

    def __init__(self) -> None:
        self.down = False

    def __call__(self, req: Request) -> Reply:
        if self.down:
            return Reply(503, {"error": "Service Unavailable"})
        said = fake_translate(req.json()["messages"][-1]["content"], "ms")
        message = {"role": "assistant", "content": said}
        return Reply(200, {"id": "c1", "choices": [{"message": message, "finish_reason": "stop"}]})


def test_a_rejected_item_whose_retranslation_met_an_outage_is_asked_again_then_waits_for_a_person(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, db_url: str
) -> None:
    model = Outage()
    with serve({"/translate": libre(api_key="k"), "/v1/chat/completions": model}) as srv:
        run = shop(cli, tmp_path, db_url, srv.url, 'fallback = "openai"\n')
        first = only_item(run)
        said = run("review", "reject", str(first["id"]), "--reviewer", "bob", "--reason", "x")
        assert said.code == 0, said.err
        model.down = True
        down = run("run", "--shop", "acme-my")
        assert down.code == 1, down.err
        assert stored(db_url, first["id"]).state == ItemState.FAILED
        model.down = False
        before = asked(srv, "/v1/chat/completions")
        back = run("run", "--shop", "acme-my", "--json")
        assert asked(srv, "/v1/chat/completions") > before  # an outage is no answer: asked again
        assert back.code == 0, (back.out, back.err)
        assert [w["id"] for w in json.loads(back.out)["waiting_for_a_person"]] == [first["id"]]
        item = stored(db_url, first["id"])
        assert (item.state, item.needs_person) == (ItemState.REJECTED, "engines")
        assert "waits for a person's translation" in run("review", "list").out
        third = run("run", "--shop", "acme-my", "--json")
        assert third.code == 0 and json.loads(third.out)["engine_calls"] == 0
        title = "Botol Termos Keluli Tahan Karat ACME 500ml Kapasiti Besar Sukan Luar"
        mine = run(
            "review", "approve", str(first["id"]), "--reviewer", "dave", "--set", f"title={title}"
        )
        assert mine.code == 0, mine.err
        assert stored(db_url, first["id"]).state == ItemState.APPROVED


def test_a_rejected_item_failed_by_an_outage_takes_a_persons_text(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, db_url: str
) -> None:
    model = Outage()
    with serve({"/translate": libre(api_key="k"), "/v1/chat/completions": model}) as srv:
        run = shop(cli, tmp_path, db_url, srv.url, 'fallback = "openai"\n')
        first = only_item(run)
        said = run("review", "reject", str(first["id"]), "--reviewer", "bob", "--reason", "x")
        assert said.code == 0, said.err
        model.down = True
        assert run("run", "--shop", "acme-my").code == 1
        listed = run("review", "list").out
        assert "failed" in listed and "rejected by bob: 'x'" in listed, listed
        assert "or approve it with your own text: --set FIELD=TEXT" in listed, listed
        plain = run("review", "approve", str(first["id"]), "--reviewer", "dave")
        assert plain.code == 1 and "--set FIELD=TEXT" in plain.err, plain.err
        title = "Botol Termos Keluli Tahan Karat ACME 500ml Kapasiti Besar Sukan Luar"
        mine = run(
            "review", "approve", str(first["id"]), "--reviewer", "dave", "--set", f"title={title}"
        )
        assert mine.code == 0, mine.err
        item = stored(db_url, first["id"])
        assert (item.state, item.title, item.error) == (ItemState.APPROVED, title, None)
