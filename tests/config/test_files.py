"""Reading sellers' files: paths that are not files, encodings, and the times in them."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from config.errors import AppError, BadInput, echoed
from config.files import decode, parse_iso, parse_time, read_bytes, read_text, save_file

BANGKOK = ZoneInfo("Asia/Bangkok")
CHINESE = "id,title\n1,保温杯开箱\n2,没有挂车，本地时间\n"


def test_paths_that_are_not_readable_files_are_refused_by_name(tmp_path: Path) -> None:
    cases = {
        tmp_path / "missing.csv": "no such file",
        tmp_path: "is a folder, not a file",
        Path("/dev/null"): "not a regular file",
        tmp_path / ("x" * 300 + ".csv"): "the name is too long",
    }
    for path, problem in cases.items():
        with pytest.raises(BadInput) as caught:
            read_bytes(path)
        # the path as every error echoes a value (a long one cut, with its length)
        said = str(caught.value)
        assert said.startswith(f"{echoed(str(path))}: ") and problem in said


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "locked.csv"
    path.write_text("id\n", encoding="utf-8")
    path.chmod(0)
    with pytest.raises(BadInput, match="permission denied"):
        read_text(path)


@pytest.mark.parametrize(
    "raw",
    [
        CHINESE.encode("utf-8"),
        CHINESE.encode("utf-8-sig"),
        CHINESE.encode("utf-16"),
        b"\xfe\xff" + CHINESE.encode("utf-16-be"),
        CHINESE.encode("utf-32"),
        CHINESE.encode("gb18030"),
        CHINESE.encode("gbk"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16", "utf-16-be", "utf-32", "gb18030", "gbk"],
)
def test_the_encodings_sellers_tools_write_are_read(raw: bytes) -> None:
    assert decode(raw) == CHINESE


def test_ascii_saved_as_utf16_without_a_bom_is_read() -> None:
    assert decode("id,title\n1,cup\n".encode("utf-16-le")) == "id,title\n1,cup\n"


def test_windows_1252_is_never_read_as_gb18030() -> None:
    text = "id,title\n1,naïve Übergröße café\n2,Crème brûlée façade\n"
    raw = text.encode("cp1252")
    assert decode(raw) == text
    short = "term\nnaïve\n".encode("cp1252")  # valid GB18030 too: 'na飗e'
    assert decode(short) == "term\nnaïve\n"


# Sellers' own words, as Excel on a Chinese Windows (GB18030) and on a Western one
# (Windows-1252) save them: names with rare hanzi, Latin letters between hanzi, and accents
# that come in pairs, which are valid GB18030 too ('Größe' is 'Gr鲞e').
CHINESE_TITLES = [
    "男士T恤XL码纯棉短袖",
    "鲨鱼夹",
    "钛杯",
    "翡翠手镯\nP2,琥珀吊坠\nP3,鳄鱼皮钱包",
    "iPhone15手机壳Pro防摔",
    "Type-C口USB充电线",
    "不锈钢保温杯 500ml 大容量,<p>保温 12 小时</p><p>食品级304不锈钢，316内胆</p>",
]
WESTERN_TITLES = [
    "Größe XL",
    "Ações e promoções",
    "Straßenschuhe Größe 42",
    "Gourde isotherme « Café » 500 ml",
    "Tasse – 350 ml",
    "“Premium” cup",
    "café",
    "Unboxing – café façon barista",
    "Fußball für Kinder – Größe 5",
]


@pytest.mark.parametrize(
    ("title", "codec"),
    [(t, "gb18030") for t in CHINESE_TITLES] + [(t, "cp1252") for t in WESTERN_TITLES],
)
def test_chinese_and_western_excel_files_are_each_read_in_their_own_encoding(
    title: str, codec: str
) -> None:
    text = f"product_id,title\nP1,{title}\n"
    assert decode(text.encode(codec)) == text


def test_a_file_that_reads_as_western_and_as_chinese_alike_is_refused_showing_both(
    tmp_path: Path,
) -> None:
    path = tmp_path / "listings.csv"
    path.write_bytes("product_id,title\nP1,ÀÉ\n".encode("cp1252"))  # GB18030: 'P1,郎'
    with pytest.raises(BadInput) as caught:
        read_text(path)
    assert str(caught.value) == (
        f"{path}: cannot tell its encoding: line 2 reads 'P1,ÀÉ' as Windows-1252 (Western "
        "Excel) and 'P1,郎' as GB18030 (Chinese Excel); save it as CSV UTF-8"
    )


def test_a_file_whose_encoding_cannot_be_told_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "mystery.csv"
    path.write_bytes("term\n保温カップ開封\n".encode("shift_jis"))
    with pytest.raises(BadInput, match="cannot tell its encoding; save it as CSV UTF-8"):
        read_text(path)
    workbook = tmp_path / "videos.csv"
    workbook.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 8)
    with pytest.raises(BadInput, match="workbook or other zip file"):
        read_text(workbook)


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=400))
def test_any_bytes_are_text_or_a_clean_refusal(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "any.csv"
    path.write_bytes(raw)
    try:
        assert isinstance(read_text(path), str)
    except AppError as exc:
        assert str(exc).startswith(f"{path}: ")


@settings(max_examples=200)
@given(
    text=st.text(
        st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=200
    )
)
def test_utf8_text_reads_back_as_itself(text: str) -> None:
    assume(not text.startswith("\ufeff"))  # that is a BOM, and dropped
    assert decode(text.encode("utf-8")) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-24T19:05:00+07:00", datetime(2026, 11, 24, 19, 5, tzinfo=BANGKOK)),
        ("2026-11-24T12:05:00Z", datetime(2026, 11, 24, 19, 5, tzinfo=BANGKOK)),
        ("2026-11-24 19:05", datetime(2026, 11, 24, 19, 5, tzinfo=BANGKOK)),
        ("2026/11/24 19:05", datetime(2026, 11, 24, 19, 5, tzinfo=BANGKOK)),
        ("2026/11/24 19:05:30", datetime(2026, 11, 24, 19, 5, 30, tzinfo=BANGKOK)),
        (" 2026/1/4 9:05 ", datetime(2026, 1, 4, 9, 5, tzinfo=BANGKOK)),
        ("2026/11/24", datetime(2026, 11, 24, tzinfo=BANGKOK)),
    ],
)
def test_the_times_sellers_files_hold(text: str, expected: datetime) -> None:
    assert parse_time(text, BANGKOK) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("0001-01-01T00:00+01:00", "the year must be between 1900 and 2999"),
        ("9999-12-31T23:59-05:00", "the year must be between 1900 and 2999"),
        ("0001/01/01 00:00", "the year must be between 1900 and 2999"),
        ("2026/13/01 10:00", "is not an ISO 8601 time nor YYYY/MM/DD HH:MM[:SS]"),
        ("24/11/2026 19:05", "is not an ISO 8601 time nor YYYY/MM/DD HH:MM[:SS]"),
        ("yesterday", "use ISO 8601 (2026-11-24T19:05:00+07:00, Z for UTC)"),
    ],
)
def test_times_that_are_refused_say_what_is_accepted(text: str, problem: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_time(text, BANGKOK)
    assert problem in str(caught.value) and repr(text) in str(caught.value)


@settings(max_examples=500)
@given(
    text=st.one_of(
        st.text(max_size=40),
        st.from_regex(r"\A[0-9]{1,5}[-/][0-9]{1,2}[-/][0-9]{1,2}([ T][0-9:]{1,8})?\Z"),
        st.datetimes(timezones=st.just(timezone(timedelta(hours=-23, minutes=-59)))).map(
            datetime.isoformat
        ),
        st.datetimes(timezones=st.just(timezone(timedelta(hours=14)))).map(datetime.isoformat),
    )
)
def test_any_time_text_is_a_moment_or_a_value_error(text: str) -> None:
    try:
        moment = parse_time(text, BANGKOK)
    except ValueError:
        return
    assert moment.tzinfo is not None
    moment.astimezone(UTC) + timedelta(days=14)  # weeks around it never overflow


@given(text=st.text(max_size=40))
def test_parse_iso_is_a_datetime_or_a_value_error(text: str) -> None:
    try:
        parse_iso(text)
    except ValueError:
        pass


@pytest.mark.parametrize(
    ("where", "says"),
    [
        ("missing/dir/x.tmx", "the folder {tmp}/missing/dir does not exist; create it first"),
        ("a-file/x.tmx", "a part of its folder is a file, not a folder"),
        ("a-folder", "it is a folder; give a file name"),
        ("n" * 300 + ".tmx", "the name is too long for this system"),
    ],
)
def test_save_file_says_what_is_wrong_with_the_destination(
    tmp_path: Path, where: str, says: str
) -> None:
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    (tmp_path / "a-folder").mkdir()
    with pytest.raises(BadInput) as raised:
        save_file(tmp_path / where, b"data")
    assert raised.value.message.startswith(f"{echoed(str(tmp_path / where))}: cannot write it: ")
    assert raised.value.message.endswith(says.format(tmp=tmp_path))


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="no /proc here")
def test_a_folder_that_takes_no_files_is_not_called_missing() -> None:
    with pytest.raises(BadInput) as raised:
        save_file(Path("/proc/x.tmx"), b"data")
    assert "does not exist" not in raised.value.message
    assert "the folder /proc takes no new files" in raised.value.message


def test_a_device_or_pipe_named_as_the_file_is_refused_and_left_as_it_was(
    tmp_path: Path,
) -> None:
    pipe = tmp_path / "export.tmx"
    os.mkfifo(pipe)
    with pytest.raises(BadInput) as caught:
        save_file(pipe, b"<tmx/>")  # renamed over it, the pipe would become a plain file
    assert str(caught.value).startswith(f"{pipe}: cannot write it: it is a device, a pipe")
    assert stat.S_ISFIFO(pipe.stat().st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["export.tmx"]  # no temporary file left
