"""Fixtures of the cadence tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def run(cli, shops: Path, db_url: str):  # type: ignore[no-untyped-def]
    """Run `cadence` on the module's `shops` file and the test's store."""

    def invoke(*args: str, environ: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
        return cli("cadence", *args, "--config", str(shops), "--db", db_url, environ=environ)

    return invoke
