"""`localize run` and `localize listings import` with images from where they should not come:
loopback servers, slow servers, passwords in URLs, files outside the allowed folders."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

from sqlmodel import select

from store.db import open_store, session_scope
from store.models import Listing, LocalizationItem
from tests.httpserver import Reply, serve
from tests.localize.conftest import allow_loopback
from tests.localize.images import photo

HEADER = "product_id,title,caption,images\n"


def jpeg() -> bytes:
    buf = io.BytesIO()
    photo(seed=5).save(buf, "JPEG")
    return buf.getvalue()


def listing(tmp_path: Path, *images: str) -> Path:
    path = tmp_path / "l.csv"
    path.write_text(HEADER + f"p1,保温杯,包邮,{';'.join(['a.jpg', *images])}\n", encoding="utf-8")
    return path


def errors(db_url: str) -> list[str | None]:
    with session_scope(open_store(db_url)) as s:
        return [r.error for r in s.exec(select(LocalizationItem).order_by(LocalizationItem.id))]


def test_a_loopback_image_is_refused_until_the_shop_allows_it(setup, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run, db_url = setup
    with serve({"/x.jpg": lambda r: Reply(200, jpeg())}) as cdn:
        run("listings", "import", str(listing(tmp_path, f"{cdn.url}/x.jpg")), "--shop", "acme-my")
        refused = run("run", "--shop", "acme-my")
        assert refused.code == 1 and f"{cdn.url}/x.jpg: refused: a loopback address" in refused.err
        assert cdn.requests == []
        assert all("refused: a loopback address" in (e or "") for e in errors(db_url))
        # the text of both items was translated, their images failed: each count says which
        assert refused.out.splitlines() == [
            "acme-my: text: 2 item(s) translated (2 with errors for the reviewer), "
            "0 item(s) failed to translate; 4 segments, 0 from memory, 4 engine calls",
            "acme-my: images: 0 image(s) written for 0 item(s), "
            "2 item(s) failed on their images, 0 item(s) with text cut to fit",
        ]
        allow_loopback(tmp_path)
        allowed = run("run", "--shop", "acme-my", "--json")
    assert allowed.code == 0, allowed.err
    assert json.loads(allowed.out)["images"]["captioned"] == 2
    assert list((tmp_path / "home").rglob("*.download")) == []


def test_a_password_in_an_image_url_is_refused_at_import_and_never_printed_or_stored_as_an_error(  # type: ignore[no-untyped-def]
    setup, tmp_path: Path
) -> None:
    run, db_url = setup
    allow_loopback(tmp_path)
    with serve({"/x.jpg": lambda r: Reply(200, jpeg())}) as cdn:
        secret = f"http://shop:hunter2@127.0.0.1:{cdn.port}"
        path = listing(tmp_path, f"{secret}/x.jpg", f"{secret}/gone.jpg")
        refused = run("listings", "import", str(path), "--shop", "acme-my")
        assert refused.code == 1
        assert f"{path}:2: image 'http://shop:***@127.0.0.1:{cdn.port}/x.jpg' holds" in refused.err
        assert "hunter2" not in refused.out + refused.err
        # A listing an earlier version stored with such URLs is still never echoed whole.
        assert run("listings", "import", str(listing(tmp_path)), "--shop", "acme-my").code == 0
        with session_scope(open_store(db_url)) as session:
            stored = session.exec(select(Listing)).one()
            stored.images = [*stored.images, f"{secret}/x.jpg", f"{secret}/gone.jpg"]
            session.add(stored)
        results = [run("run", "--shop", "acme-my"), run("run", "--shop", "acme-my", "--json")]
    assert cdn.requests[0].headers["authorization"].startswith("Basic ")  # it was used
    for result in results:
        assert result.code == 1
        assert f"shop:***@127.0.0.1:{cdn.port}/gone.jpg: download answered HTTP 404" in result.err
        assert "hunter2" not in result.out + result.err
    stored_errors = errors(db_url)
    assert stored_errors and all(
        e and "shop:***@" in e and "hunter2" not in e for e in stored_errors
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "p2,杯,,ftp://shop:hunter2@files.example/x.jpg\n", encoding="utf-8")
    refused = run("listings", "import", str(bad), "--shop", "acme-my")
    assert refused.code == 1 and f"{bad}:2: image 'ftp://shop:***@files.example" in refused.err
    assert "hunter2" not in refused.out + refused.err


def test_a_slow_image_server_is_cut_at_the_deadline(setup, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run, db_url = setup
    allow_loopback(tmp_path, "download_seconds = 1\n")
    slow = {"/drip.jpg": lambda r: Reply(200, jpeg(), trickle=0.2)}
    with serve(slow) as one, serve({"/x.jpg": lambda r: Reply(200, jpeg(), delay=30)}) as two:
        path = listing(tmp_path, f"{one.url}/drip.jpg", f"{two.url}/x.jpg")
        run("listings", "import", str(path), "--shop", "acme-my")
        started = time.perf_counter()
        result = run("run", "--shop", "acme-my")
        took = time.perf_counter() - started
    assert result.code == 1 and f"{one.url}/drip.jpg: could not be downloaded" in result.err
    assert f"{two.url}/x.jpg: could not be downloaded" in result.err
    # Both cut at the shop's 1 s: not the fetcher's default 20 s, nor the 30 s the second
    # holds its answer (unbounded, the first would take minutes). Room for a loaded machine.
    assert took < 15
    assert list((tmp_path / "home").rglob("*.download")) == []
    assert list((tmp_path / "home").rglob("*.image")) == []


def test_local_images_only_below_the_listings_folder_or_the_images_folder(  # type: ignore[no-untyped-def]
    setup, tmp_path: Path
) -> None:
    run, _ = setup
    shared = tmp_path / "shared"
    shared.mkdir()
    photo(seed=3).save(shared / "s.jpg")
    listings = tmp_path / "listings"
    listings.mkdir()
    (listings / "link.jpg").symlink_to(tmp_path / "a.jpg")  # points out of the folder
    path = listings / "l.csv"
    path.write_text(
        HEADER + "p1,杯,,../a.jpg\n"
        "p2,杯,,/etc/hostname\n"
        "p3,杯,,link.jpg\n"
        f"p4,杯,,{shared / 's.jpg'}\n"
        "p5,杯,,here.jpg\n",
        encoding="utf-8",
    )
    refused = run("listings", "import", str(path), "--shop", "acme-my")
    assert refused.code == 1 and "1 added" in refused.out
    for line, name in [(2, "../a.jpg"), (3, "/etc/hostname"), (4, "link.jpg")]:
        assert f"{path}:{line}: image '{name}' is outside the folders images may come from" in (
            refused.err
        )
    assert f"({listings})" in refused.err and "[shops.images] folder" in refused.err
    assert f"{path}:5: image '{shared / 's.jpg'}' is outside" in refused.err
    allow_loopback(tmp_path, f'folder = "{shared}"\n')
    allowed = run("listings", "import", str(path), "--shop", "acme-my")
    assert f"{path}:5:" not in allowed.err and "1 added, 0 changed, 1 unchanged" in allowed.out
    assert f"({listings} or {shared})" in allowed.err
