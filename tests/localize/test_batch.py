"""Batches of images: one hostile file or one unwritable output fails alone with its
reason, the rest are written and reported; where -o puts things; what the files look like
on disk (format, permissions); the market's image rules applied."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from config.errors import echoed
from config.files import write_atomically
from localize.image.batch import Done, Failed, Job, run_batch, run_job
from localize.image.outputs import ImageOutputError, encode
from tests.localize.images import (
    photo,
    png_with_corrupt_later_chunk,
    png_with_huge_ztxt,
    save,
)

CAPTION = ("--to", "en", "--caption", "Free shipping")


def image(cli, *args: str):  # type: ignore[no-untyped-def]
    return cli("localize", "image", *args, *CAPTION)


def goods(tmp_path: Path, n: int = 2) -> list[Path]:
    return [save(photo(seed=40 * s), tmp_path / f"good{s}.jpg") for s in range(n)]


def long_name(tmp_path: Path) -> Path:
    return tmp_path / ("x" * 300 + ".jpg")  # over the 255 bytes a file name may have


HOSTILE = {
    "corrupt-later-chunk": (
        lambda p: png_with_corrupt_later_chunk(p / "later.png"),
        "the image is truncated or damaged",
    ),
    "huge-ztxt": (
        lambda p: png_with_huge_ztxt(p / "ztxt.png"),
        "a part of the file is too large to read safely",
    ),
    "name-over-255-bytes": (long_name, "cannot be read: File name too long"),
}


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_a_hostile_file_fails_alone_and_the_rest_are_written(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, kind: str, jobs: str
) -> None:
    make, reason = HOSTILE[kind]
    bad = make(tmp_path)
    first, last = goods(tmp_path)
    out = tmp_path / "out"
    result = image(cli, str(first), str(bad), str(last), "-o", f"{out}/", "--jobs", jobs, "--json")
    assert result.code == 1, result.err
    doc = json.loads(result.out)
    assert [Path(d["output"]).name for d in doc["captioned"]] == ["good0.jpg", "good1.jpg"]
    assert all(Image.open(d["output"]).size == (600, 600) for d in doc["captioned"])
    [failed] = doc["failed"]
    assert failed["input"] == str(bad) and failed["output"]  # where it would have gone
    shown = echoed(str(bad))  # as every error echoes a path: a long one cut, with its length
    assert failed["error"].startswith(f"{shown}: {reason}")
    assert f"failed: {shown}: {reason}" in result.err
    assert "2 captioned, 1 failed, 0 truncated" in result.err
    assert sorted(p.name for p in out.iterdir()) == ["good0.jpg", "good1.jpg"]


def test_an_output_below_an_existing_file_fails_that_image_alone(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    [src] = goods(tmp_path, 1)
    blocker = tmp_path / "notes.txt"
    blocker.write_text("a file, not a folder")
    result = image(cli, str(src), "-o", str(blocker / "out.jpg"))
    assert result.code == 1
    assert f"failed: {blocker / 'out.jpg'}: {blocker} is a file, not a folder" in result.err
    assert blocker.read_text() == "a file, not a folder"
    # s32: in the reader's language, as an input's problem is (it was an f-string)
    said = image(cli, str(src), "-o", str(blocker / "out.jpg"), "--lang", "zh")
    assert f"失败：{blocker / 'out.jpg'}：{blocker} 是文件，不是文件夹" in said.err, said.err


def test_several_inputs_into_an_existing_file_are_refused_before_any_work(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path
) -> None:
    srcs = goods(tmp_path)
    blocker = tmp_path / "out.jpg"
    blocker.write_bytes(b"keep me")
    result = image(cli, *map(str, srcs), "-o", str(blocker))
    assert result.code == 2
    assert f"{blocker} is a file: 2 image(s) need a folder to go into" in result.err
    assert blocker.read_bytes() == b"keep me"


def test_an_output_name_over_255_bytes_fails_with_the_reason(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    [src] = goods(tmp_path, 1)
    out = long_name(tmp_path)
    result = image(cli, str(src), "-o", str(out))
    assert result.code == 1 and "cannot be written: File name too long" in result.err
    assert list(tmp_path.glob(".*.part")) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders anyway")
def test_a_read_only_folder_fails_each_image_with_the_reason(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    srcs = goods(tmp_path)
    out = tmp_path / "locked"
    out.mkdir()
    out.chmod(0o555)
    try:
        result = image(cli, *map(str, srcs), "-o", str(out))
    finally:
        out.chmod(0o755)
    assert result.code == 1 and result.err.count("Permission denied") == 2
    assert list(out.iterdir()) == []


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 96 KiB tmpfs: room for one captioned photo, not three (root and mount needed)."""
    folder = tmp_path / "tiny"
    folder.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tiny tmpfs needs root; no other way to fill a disk safely")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=96k", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_full_disk_fails_the_images_that_do_not_fit_and_leaves_no_partial_file(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, tiny_disk: Path
) -> None:
    srcs = [save(photo((900, 900), seed=s), tmp_path / f"p{s}.png") for s in range(3)]
    result = image(cli, *map(str, srcs), "-o", str(tiny_disk), "--jobs", "1", "--json")
    assert result.code == 1
    doc = json.loads(result.out)
    assert doc["failed"] and all("No space left on device" in f["error"] for f in doc["failed"])
    assert len(doc["captioned"]) + len(doc["failed"]) == 3
    written = sorted(tiny_disk.iterdir())
    assert [p.name for p in written] == [Path(d["output"]).name for d in doc["captioned"]]
    for path in written:  # whole files only: no temporary, nothing cut short
        Image.open(path).load()


# ---- -o: one file, its format from the extension; a folder ------------------------------


@pytest.mark.parametrize(("name", "fmt"), [("o.jpg", "JPEG"), ("o.JPEG", "JPEG"), ("o.png", "PNG")])
def test_one_input_is_written_in_the_format_its_name_says(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, name: str, fmt: str
) -> None:
    src = save(photo(), tmp_path / "p.png")
    out = tmp_path / "new" / "folder" / name  # missing parents are made
    assert image(cli, str(src), "-o", str(out)).code == 0
    assert Image.open(out).format == fmt


@pytest.mark.parametrize("name", ["o.bmp", "o.webp", "o"])
def test_an_extension_we_cannot_write_is_refused(cli, tmp_path: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    [src] = goods(tmp_path, 1)
    result = image(cli, str(src), "-o", str(tmp_path / name))
    assert result.code == 2
    assert f"{tmp_path / name}: cannot write" in result.err
    assert "name it with one of .jpg, .jpeg, .png" in result.err
    assert not (tmp_path / name).exists()


def test_a_path_ending_in_a_slash_is_a_folder_even_for_one_input(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = save(photo(), tmp_path / "shot.png")
    result = image(cli, str(src), "-o", f"{tmp_path / 'made'}/")
    assert result.code == 0, result.err
    assert Image.open(tmp_path / "made" / "shot.png").format == "PNG"


def test_files_get_the_umasks_permissions(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    [src] = goods(tmp_path, 1)
    previous = os.umask(0o022)
    try:
        assert image(cli, str(src), "-o", str(tmp_path / "o.jpg")).code == 0
        write_atomically(tmp_path / "export.tmx", b"<tmx/>")  # TMX export writes through it
    finally:
        os.umask(previous)
    for name in ("o.jpg", "export.tmx"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644, name


def test_a_png_over_the_byte_limit_is_refused_not_written_as_jpeg(tmp_path: Path) -> None:
    with pytest.raises(
        ImageOutputError, match=r"cannot be saved as PNG within .*write it as \.jpg"
    ):
        encode(photo(), "PNG", 10_000, tmp_path / "o.png")
    assert encode(photo(), "JPEG", 200_000, tmp_path / "o.jpg")[:2] == b"\xff\xd8"


def test_the_shops_market_rules_are_the_ones_applied(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    markets = tmp_path / "markets.toml"
    bundled = Path(__file__).parents[2] / "config" / "markets.toml"
    text = bundled.read_text(encoding="utf-8")
    markets.write_text(text.replace("min_px = 300", "min_px = 700"), encoding="utf-8")
    config = tmp_path / "shops.toml"
    config.write_text(f'markets = "{markets}"\n[[shops]]\nid = "acme-th"\nmarket = "TH"\n')
    [src] = goods(tmp_path, 1)
    out = tmp_path / "o.jpg"
    with_shop = image(cli, str(src), "-o", str(out), "--shop", "acme-th", "--config", str(config))
    assert with_shop.code == 1
    assert "600x600 is too small: TikTok Shop needs at least 700x700" in with_shop.err
    assert image(cli, str(src), "-o", str(out)).code == 0  # no shop: the bundled defaults


# ---- the batch runs any picklable operation and returns typed outcomes ---------------


@dataclass(frozen=True)
class Copy:
    """An operation that copies bytes, and breaks like a library bug on files named 'bug'."""

    def __call__(self, src: Path, out: Path) -> Done:
        if src.stem == "bug":
            raise RuntimeError("a bug deep in a decoder")
        out.write_bytes(src.read_bytes())
        return Done(src, out, 0, (), False, 0.0, out.stat().st_size)


@pytest.mark.parametrize("workers", [1, 2])
def test_any_operation_runs_and_every_outcome_is_typed(tmp_path: Path, workers: int) -> None:
    names = ["a", "bug", "c"]
    for name in names:
        (tmp_path / f"{name}.in").write_bytes(name.encode())
    jobs = [Job(tmp_path / f"{n}.in", tmp_path / f"{n}.out", Copy()) for n in names]
    seen: list[tuple[int, int]] = []
    result = run_batch(jobs, workers, lambda done, total: seen.append((done, total)))
    assert [d.output.name for d in result.done] == ["a.out", "c.out"]
    assert all(isinstance(d, Done) and d.bytes == 1 for d in result.done)
    assert result.failed == [
        Failed(
            tmp_path / "bug.in",
            tmp_path / "bug.out",
            f"{tmp_path / 'bug.in'}: cannot be processed (RuntimeError: a bug deep in a decoder)"
            "; if it opens in an image viewer, this is a bug in shopbot: report it with the file",
        )
    ]
    assert seen[-1] == (3, 3) and len(seen) == 3


def test_a_folder_given_as_an_input_is_refused_by_name_before_any_work(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path
) -> None:
    [good] = goods(tmp_path, 1)
    folder = tmp_path / "shots"
    folder.mkdir()
    for args in ([str(good), str(folder), "-o", str(tmp_path / "out") + "/"],):
        result = image(cli, *args)
        assert result.code == 2, result.err
        assert f"{folder} is a folder, not an image: give the images in it" in result.err
    assert not (tmp_path / "out").exists()
    replace = cli(
        "localize", "image", str(folder), "-o", str(tmp_path / "o.jpg"), "--to", "en",
        "--replace-text",
    )  # fmt: skip
    assert replace.code == 2 and f"{folder} is a folder, not an image" in replace.err


def _overwrite_cases(tmp_path: Path) -> dict[str, tuple[list[str], Path]]:
    """Ways -o can name an input: the arguments given, and the input overwritten."""
    srcs = goods(tmp_path)
    sub = tmp_path / "sub"
    sub.mkdir()
    link = tmp_path / "link.jpg"
    link.symlink_to(srcs[0])
    hard = tmp_path / "hard.jpg"
    os.link(srcs[1], hard)
    return {
        "the same path": ([str(srcs[0]), "-o", str(srcs[0])], srcs[0]),
        "through ..": ([str(srcs[0]), "-o", str(sub / ".." / srcs[0].name)], srcs[0]),
        "through a symlink": ([str(srcs[0]), "-o", str(link)], srcs[0]),
        "a hard link": ([str(srcs[1]), "-o", str(hard)], srcs[1]),
        "a folder holding an input": ([*map(str, srcs), "-o", f"{tmp_path}/"], srcs[0]),
        "that folder through ..": ([*map(str, srcs), "-o", str(sub / "..")], srcs[0]),
    }


@pytest.mark.parametrize(
    "case",
    [
        "the same path",
        "through ..",
        "through a symlink",
        "a hard link",
        "a folder holding an input",
        "that folder through ..",
    ],
)
def test_an_output_that_is_an_input_is_refused_before_any_work(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, case: str
) -> None:
    args, src = _overwrite_cases(tmp_path)[case]
    before = {p: p.read_bytes() for p in tmp_path.glob("*.jpg") if not p.is_symlink()}
    names = sorted(p.name for p in tmp_path.iterdir())
    result = image(cli, *args)
    assert result.code == 2, result.err
    assert f"-o would overwrite the input {src}; write elsewhere" in result.err
    assert {p: p.read_bytes() for p in before} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == names
    replace = cli("localize", "image", *args, "--to", "en", "--replace-text")
    assert replace.code == 2 and f"-o would overwrite the input {src}" in replace.err


def test_a_folder_holding_the_inputs_under_other_names_is_fine(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = save(photo(), tmp_path / "shot.jpeg")  # written as shot.jpg beside it
    result = image(cli, str(src), "-o", f"{tmp_path}/")
    assert result.code == 0, result.err
    assert (tmp_path / "shot.jpg").exists() and src.exists()


def test_a_note_on_reframing_names_the_size_written(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = save(photo((6000, 300)), tmp_path / "strip.png")
    out = tmp_path / "o.jpg"
    result = image(cli, str(src), "-o", str(out), "--json")
    assert result.code == 0, result.err
    assert Image.open(out).size == (4000, 3000)
    [note] = json.loads(result.out)["captioned"][0]["warnings"]
    assert note.endswith("padded to 6000x4500, scaled to 4000x3000"), note
    assert "padded to 6000x4500, scaled to 4000x3000" in result.err


GIB = 1 << 30


def test_workers_are_lowered_to_what_the_memory_holds(tmp_path: Path) -> None:
    from localize.image.batch import available_memory, fit_workers

    meminfo = tmp_path / "meminfo"
    meminfo.write_text(
        "MemTotal:       24576000 kB\nMemFree:         1000000 kB\n"
        "MemAvailable:    3145728 kB\nBuffers:           10000 kB\n",
        encoding="ascii",
    )
    assert available_memory(meminfo, tmp_path / "no-cgroup") == 3 * GIB
    cgroup = tmp_path / "cgroup"
    cgroup.mkdir()
    (cgroup / "memory.max").write_text(f"{2 * GIB}\n", encoding="ascii")
    (cgroup / "memory.current").write_text(f"{GIB // 2}\n", encoding="ascii")
    assert available_memory(meminfo, cgroup) == GIB + GIB // 2  # the container's limit is less
    (cgroup / "memory.max").write_text("max\n", encoding="ascii")
    assert available_memory(meminfo, cgroup) == 3 * GIB
    assert fit_workers(64, 3 * GIB) == 3
    assert fit_workers(2, 3 * GIB) == 2
    assert fit_workers(8, GIB // 4) == 1  # always one
    assert fit_workers(8, None) == 8  # unknown: as asked


def test_a_batch_says_when_it_lowered_its_workers(tmp_path: Path, caplog) -> None:  # type: ignore[no-untyped-def]
    from localize.image.batch import Job, run_batch

    missing = [tmp_path / f"missing-{n}.jpg" for n in range(3)]
    jobs = [Job(src, src.with_suffix(".out.jpg"), None) for src in missing]  # type: ignore[arg-type]
    with caplog.at_level("WARNING"):
        result = run_batch(jobs, workers=64, available=lambda: 2 * GIB)
    assert len(result.failed) == 3
    [said] = [r.getMessage() for r in caplog.records]
    assert "--jobs 64 lowered to 2 image workers" in said and "2.0 GiB" in said


def test_several_inputs_and_an_output_named_like_an_image_is_refused(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    # A stranger's trial: `-o out/x.jpg` with two inputs made a folder named x.jpg
    for name in ("a.jpg", "b.jpg"):
        photo(seed=1).save(tmp_path / name)
    out = tmp_path / "x.jpg"
    args = [str(tmp_path / "a.jpg"), str(tmp_path / "b.jpg"), "-o", str(out)]
    result = cli("localize", "image", *args, "--to", "th", "--caption", "ส่งฟรี")
    assert result.code == 2 and "names an image file, but 2 images were given" in result.err
    assert not out.exists()
    folder = cli("localize", "image", *args[:2], "-o", str(tmp_path / "out"), "--to", "th",
                 "--caption", "ส่งฟรี")  # fmt: skip
    assert folder.code == 0, folder.err


def _ocr_models_loaded() -> bool:
    """Whether this process has the OCR models without asking for them (run in a worker)."""
    from localize.image.ocr import process_engine

    return process_engine.cache_info().currsize == 1


def test_an_image_worker_has_the_ocr_models_from_the_server_it_was_forked_from() -> None:
    # each worker imported ONNX Runtime and loaded the three models again for its first
    # read-back (0.45 s of CPU a worker) after the run had loaded them for its own reading
    from localize.image.batch import worker_pool

    with worker_pool(2) as pool:
        assert pool.submit(_ocr_models_loaded).result(timeout=300)


def test_an_unexpected_error_logs_its_traceback_with_a_hostile_name_escaped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # the traceback of our own bug is logged (stderr when nothing else handles it): the
    # file's name in it must not reach the terminal as control sequences
    folder = tmp_path / "x\x1b[2Jy"
    folder.mkdir()
    (folder / "bug.in").write_bytes(b"b")
    with caplog.at_level("ERROR", logger="localize.image"):
        outcome = run_job(Job(folder / "bug.in", folder / "bug.out", Copy()))
    assert isinstance(outcome, Failed) and "this is a bug in shopbot" in outcome.error
    assert "RuntimeError: a bug deep in a decoder" in caplog.text
    assert "\x1b" not in caplog.text


# ---- names in a folder: the input's own, readable; none shared; none replaced unsaid ----


def test_outputs_in_a_folder_keep_the_inputs_chinese_names(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Sellers name their files in Chinese: 主图.png became image.png and the next -2.png, so
    nobody could tell which input became which (trial s28, D3)."""
    shop = tmp_path / "商品 图片 dir"
    other = tmp_path / "other"
    shop.mkdir()
    other.mkdir()
    srcs = [
        save(photo(seed=40 * s), shop / name)
        for s, name in enumerate(["主图.png", "详情图.png", "红色 横幅.png", "ส่งฟรี.png"])
    ]
    srcs.append(save(photo(seed=200), other / "主图.png"))
    out = tmp_path / "同名"
    result = image(cli, *map(str, srcs), "-o", f"{out}/", "--jobs", "1")
    assert result.code == 0, result.err
    names = ["主图.png", "详情图.png", "红色_横幅.png", "ส่งฟรี.png", "主图-2.png"]
    assert sorted(p.name for p in out.iterdir()) == sorted(names)
    for src, name in zip(srcs, names, strict=True):  # each from its own input
        assert Image.open(out / name).size == Image.open(src).size
    # where the name does not say which input it is, the line does
    assert f"{out / '主图-2.png'} (from {srcs[4]})" in result.out
    assert f"{out / '红色_横幅.png'} (from {srcs[2]})" in result.out
    assert f"{out / '主图.png'}  (" in result.out


def test_one_input_renamed_into_a_folder_says_its_input(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Trial 31: `主图 一.png` alone into a folder was written as `主图_一.png` and the line
    named only that; a name the seller gave (-o file) is not theirs to be told about."""
    src = save(photo(seed=3), tmp_path / "主图 一.png")
    out = tmp_path / "输出 目录"
    result = image(cli, str(src), "-o", f"{out}/")
    assert result.code == 0, result.err
    assert f"{out / '主图_一.png'} (from {src})" in result.out
    plain = save(photo(seed=4), tmp_path / "main.png")
    result = image(cli, str(plain), "-o", f"{out}/")
    assert f"{out / 'main.png'}" in result.out and "(from" not in result.out
    result = image(cli, str(src), "-o", str(tmp_path / "given.png"))
    assert "given.png" in result.out and "(from" not in result.out


def test_no_output_name_starts_with_a_dash_or_differs_only_in_case(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`-2.png` breaks `rm -2.png`; `A.jpg` and `a.jpg` are one file on macOS, Windows and a
    FAT stick, so the second would replace the first there."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "b").mkdir()
    srcs = [
        save(photo(seed=0), tmp_path / "-rf.jpg"),
        save(photo(seed=40), tmp_path / "A.jpg"),
        save(photo(seed=80), tmp_path / "b" / "a.jpg"),
    ]
    out = tmp_path / "out"
    result = image(cli, *(f"./{s.relative_to(tmp_path)}" for s in srcs), "-o", f"{out}/")
    assert result.code == 0, result.err
    names = sorted(p.name for p in out.iterdir())
    assert names == ["A.jpg", "a-2.jpg", "rf.jpg"]


def test_two_inputs_with_one_long_name_get_a_file_each(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A name cut at 100 characters lost its -2, and the search for a free name never ended."""
    name = "x" * 150 + ".jpg"
    srcs = []
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        srcs.append(save(photo(seed=len(srcs) * 40), tmp_path / folder / name))
    out = tmp_path / "out"
    result = image(cli, *map(str, srcs), "-o", f"{out}/", "--jobs", "1")
    assert result.code == 0, result.err
    assert sorted(p.name for p in out.iterdir()) == ["x" * 100 + "-2.jpg", "x" * 100 + ".jpg"]


def test_a_later_run_replacing_a_file_in_the_folder_says_so(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Two products' 主图.png into one folder in two runs: the second replaces the first's
    picture, as `cp` would, but never in silence (trial s28, D3)."""
    srcs = []
    for folder in ("cup", "bottle"):
        (tmp_path / folder).mkdir()
        srcs.append(save(photo(seed=len(srcs) * 40), tmp_path / folder / "主图.png"))
    out = tmp_path / "two"
    first = image(cli, str(srcs[0]), "-o", f"{out}/", "--json")
    assert first.code == 0, first.err
    assert json.loads(first.out)["captioned"][0]["replaced"] is False
    assert "already there" not in first.err
    second = image(cli, str(srcs[1]), "-o", f"{out}/", "--json")
    assert second.code == 0, second.err
    [done] = json.loads(second.out)["captioned"]
    assert done["replaced"] is True and Path(done["output"]) == out / "主图.png"
    assert "1 file(s) of these names were already there and are replaced: 主图.png" in second.err


def test_an_empty_out_is_a_usage_error_and_writes_nothing(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`-o "$OUT"` with $OUT unset wrote into the current folder, exit 0 (trial s28, D13)."""
    [src] = goods(tmp_path, 1)
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    for mode in (CAPTION, ("--to", "en", "--replace-text"), ("--erase-only",)):
        result = cli("localize", "image", str(src), "-o", "", *mode)
        assert result.code == 2, result.err
        assert "Invalid value for '-o' / '--out': it is empty" in result.err
    assert list(here.iterdir()) == []
