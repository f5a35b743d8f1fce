"""A workbook that expands (issue #17, defect 8): figures measured in one run.

`cadence videos import` of a workbook of a million rows (varied ids, a bad date in each, no
<dimension>, so openpyxl would read the whole sheet to learn its size), against the same
command on a workbook of 1,000 rows: CPU seconds, peak RSS and the lines on stderr. Goal:
refused (exit 2) in a few times the small file's time, in one line, never a million.

Run from the project's root: .venv/bin/python -m tests.bench.bench_import
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

CADENCE = [sys.executable, "-c", "from cadence.cli import run; run()"]
HEADER = ("id", "posted_at", "products", "title")


def workbook(path: Path | str, rows: int) -> Path:
    """A minimal .xlsx whose sheet holds `rows` rows under the header, written directly."""
    import openpyxl

    path = Path(path)
    book = openpyxl.Workbook()
    book.active.append(list(HEADER))
    template = io.BytesIO()
    book.save(template)

    def cell(ref: str, text: str) -> str:
        return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'

    lines = [
        '<row r="1">'
        + "".join(cell(f"{c}1", h) for c, h in zip("ABCD", HEADER, strict=True))
        + "</row>"
    ]
    for n in range(2, rows + 2):
        lines.append(f'<row r="{n}">{cell(f"A{n}", f"v{n}")}{cell(f"B{n}", "never")}</row>')
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{''.join(lines)}</sheetData></worksheet>"
    ).encode()
    with zipfile.ZipFile(template) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for member in src.infolist():
            data = sheet if member.filename.endswith("sheet1.xml") else src.read(member)
            out.writestr(member.filename, data)
    return path


def run(tmp: Path, path: Path) -> tuple[int, float, float, float, int]:
    """(exit code, wall s, CPU s, peak RSS MB of the child, stderr lines)."""
    config = tmp / "shops.toml"
    config.write_text('[[shops]]\nid = "acme-th"\nmarket = "TH"\n', encoding="utf-8")
    db = tmp / f"{path.stem}.db"
    db.unlink(missing_ok=True)
    started = time.perf_counter()
    child = subprocess.Popen(
        [*CADENCE, "videos", "import", str(path), "--shop", "acme-th"]
        + ["--config", str(config), "--db", f"sqlite:///{db}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stderr is not None
    lines = len(child.stderr.read().splitlines())
    _, status, usage = os.wait4(child.pid, 0)  # this child's own figures
    child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    cpu = usage.ru_utime + usage.ru_stime
    return child.returncode, wall, cpu, usage.ru_maxrss / 1024, lines


def main() -> None:
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        small, big = tmp / "small.xlsx", tmp / "million.xlsx"
        for path, rows in ((small, 1_000), (big, 1_000_000)):  # apart: this process stays small
            make = f"from tests.bench.bench_import import workbook as w; w({str(path)!r}, {rows})"
            subprocess.run([sys.executable, "-c", make], check=True)
        print(f"workbooks: {small.stat().st_size:,} and {big.stat().st_size:,} bytes")
        base = run(tmp, small)
        bomb = run(tmp, big)
        for what, (code, wall, cpu, rss, lines) in (("1,000 rows", base), ("1,000,000", bomb)):
            print(
                f"{what:>10}: exit {code}, {wall:.1f} s wall, {cpu:.1f} s CPU, "
                f"peak RSS {rss:.0f} MB, {lines:,} stderr line(s)"
            )
        print(f"CPU ratio million/thousand: {bomb[2] / base[2]:.1f}x (goal: a few times)")


if __name__ == "__main__":
    main()
