"""A local Partner API for tests: checks signatures and tokens like TikTok's, then answers."""

from __future__ import annotations

from typing import Any

from tests.httpserver import Reply, Request, Route
from tiktok import PartnerClient, sign

SECRET, KEY, TOKEN = "e59af819cc", "29a39d", "tok-123"


def signed(answer: Route) -> Route:
    """`answer` behind TikTok's checks: 106001 on a bad sign, 105002 on a token out of place.

    A JSON body takes part in the signature; a multipart body does not.
    """

    def route(req: Request) -> Reply:
        multipart = req.headers.get("content-type", "").startswith("multipart/form-data")
        expected = sign(SECRET, req.path, req.query, b"" if multipart else req.body)
        if req.query.get("sign") != expected or req.query.get("app_key") != KEY:
            return Reply(200, {"code": 106001, "message": "invalid sign", "request_id": "r1"})
        if req.headers.get("x-tts-access-token") != TOKEN or "access_token" in req.query:
            return Reply(200, {"code": 105002, "message": "token expired", "request_id": "r2"})
        return answer(req)

    return route


def success(data: dict[str, Any]) -> Reply:
    """A `code` 0 answer carrying `data`."""
    return Reply(200, {"code": 0, "message": "Success", "request_id": "r3", "data": data})


def client(url: str, secret: str = SECRET, **kw: Any) -> PartnerClient:
    """A client for the local API that never sleeps between tries (unless given `pause`)."""
    kw.setdefault("timeout", 2)
    kw.setdefault("clock", lambda: 1764300000.0)
    kw.setdefault("pause", lambda s: None)
    kw.setdefault("access_token", TOKEN)
    return PartnerClient(
        base_url=url,
        app_key=KEY,
        app_secret=secret,
        **kw,
    )
