"""Fixtures for the localize tests: a LibreTranslate-compatible engine on a local port."""

from __future__ import annotations

import pytest

from tests.httpserver import serve
from tests.localize.libre import libre


@pytest.fixture
def engine_server():  # type: ignore[no-untyped-def]
    """A local engine that takes the API key "k"."""
    with serve({"/translate": libre(api_key="k")}) as srv:
        yield srv
