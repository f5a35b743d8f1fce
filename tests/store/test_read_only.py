"""A SQLite store on a read-only filesystem is said to be one, with the path and what to do
(it was "unable to open database file"). A filesystem is made read-only for real, in a mount
namespace of the test's own, so the command runs as a separate process."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from store.db import open_store

STATUS = "from cadence.cli import run; run()"


def _in_read_only_folder(tmp_path: Path, script: str) -> subprocess.CompletedProcess[str]:
    """Run `script` (sh) with $RO a read-only tmpfs holding a copy of tmp_path/store.db."""
    folder = tmp_path / "ro"
    folder.mkdir()
    setup = (
        f'RO={folder}; mount -t tmpfs -o size=16m tmpfs "$RO" && cp {tmp_path}/store.db "$RO"/ '
        '&& mount -o remount,ro "$RO" || exit 99\n'
    )
    return subprocess.run(
        ["unshare", "-m", "--propagation", "private", "sh", "-c", setup + script],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs unshare (util-linux)")
@pytest.mark.parametrize("name", ["store.db", "new.db"], ids=["existing", "new"])
def test_a_store_on_a_read_only_filesystem_is_named_and_explained(
    tmp_path: Path, name: str
) -> None:
    open_store(f"sqlite:///{tmp_path / 'store.db'}").dispose()
    (tmp_path / "shops.toml").write_text('[[shops]]\nid = "acme-th"\nmarket = "TH"\n', "utf-8")
    done = _in_read_only_folder(
        tmp_path,
        f'{sys.executable} -c "{STATUS}" status --config {tmp_path}/shops.toml --db "$RO/{name}"',
    )
    if done.returncode == 99:
        pytest.skip(f"cannot mount a filesystem here: {done.stderr.strip()[:200]}")
    assert done.returncode == 2, done.stderr
    assert f"{tmp_path / 'ro'}" in done.stderr
    assert "read-only filesystem" in done.stderr and "--db" in done.stderr
    assert "Traceback" not in done.stderr
