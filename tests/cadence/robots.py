"""Local stand-ins for the chat robots: they answer HTTP 200 with an `errcode` either way."""

from __future__ import annotations

import base64
import hashlib
import hmac

from tests.httpserver import Reply, Request, Route


def dingtalk_robot(secret: str, errcode: int = 0, token: str = "tok") -> Route:
    """Answers like DingTalk: verifies the token and the signature, 200 with errcode either way."""

    def route(req: Request) -> Reply:
        if req.query.get("access_token") != token:
            return Reply(200, {"errcode": 300001, "errmsg": "token is not exist"})
        stamp = req.query.get("timestamp", "")
        mac = hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256).digest()
        if req.query.get("sign") != base64.b64encode(mac).decode():
            return Reply(200, {"errcode": 310000, "errmsg": "sign not match"})
        return Reply(200, {"errcode": errcode, "errmsg": "ok" if not errcode else "too fast"})

    return route


def wecom_robot(key: str) -> Route:
    """Answers like a WeCom group robot: errcode 93000 for a key it does not know."""

    def route(req: Request) -> Reply:
        ok = req.query.get("key") == key
        return Reply(200, {"errcode": 0 if ok else 93000, "errmsg": "ok" if ok else "invalid"})

    return route
