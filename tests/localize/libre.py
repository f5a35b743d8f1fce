"""A LibreTranslate-compatible `/translate` for tests: the real wire format, a fake language.

The "translation" replaces each Chinese character with a letter of the target's script
(Thai "ก", else "x") and lower-cases Latin letters, so a test can see what was translated,
and an engine that changes case is simulated for free.
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs

from tests.httpserver import Reply, Request

_HAN = re.compile(r"[\u4e00-\u9fff\u3040-\u30ff\uac00-\ud7af]")  # Chinese, kana, Hangul


def fake_translate(text: str, target: str = "th") -> str:
    """What the fake engine answers for `text`."""
    return _HAN.sub("ก" if target == "th" else "x", text).lower()


def params(req: Request) -> dict[str, str]:
    """q, source, target, format, api_key from the query, a form or a JSON body."""
    values = dict(req.query)
    if req.body:
        if req.headers.get("content-type", "").startswith("application/json"):
            values.update(json.loads(req.body))
        else:
            values.update({k: v[-1] for k, v in parse_qs(req.body.decode()).items()})
    return values


def libre(api_key: str = "k") -> object:
    """A route answering like LibreTranslate (403 on a wrong key)."""

    def route(req: Request) -> Reply:
        p = params(req)
        if p.get("api_key") != api_key:
            return Reply(403, {"error": "Invalid API key"})
        if not p.get("q") or not p.get("source") or not p.get("target"):
            return Reply(400, {"error": "Invalid request: missing q, source or target"})
        return Reply(200, {"translatedText": fake_translate(p["q"], p["target"])})

    return route
