"""Signed requests to the Partner API: GET, JSON POST and multipart POST, each with a
whole-request deadline and a cap on the answer's size, retried on rate limits and 5xx."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from config.errors import AppError, ConfigError, ExitCode
from config.http import Late, TooDeep, TooLarge, parse_json, request
from config.i18n import Msg, Text, msg
from config.runtime import Secrets
from config.settings import Settings, ShopSettings

RETRYABLE_CODES = {36009002, 36009003}  # rate limited; internal error
TOKEN_EXPIRED = 105002
BAD_SIGN = 106001

# A TikTok Shop id (product, SKU) is a string of digits; anything else put into a path
# could redirect a signed request ("../"), or add query parameters or a fragment ("?", "#").
_ID = re.compile(r"[0-9]{1,32}")
# A Partner API path: segments of letters, digits, "_" and "-" only.
_PATH = re.compile(r"(/[A-Za-z0-9_-]+)+")

# (field name) -> (file name, content, content type), as a multipart upload sends it
Files = Mapping[str, tuple[str, bytes, str]]


class TikTokError(AppError):
    """The Partner API refused or failed a request."""

    exit_code = ExitCode.FAILURES

    def __init__(
        self, path: str, problem: Text, *, code: int | None = None, request_id: str | None = None
    ) -> None:
        self.code = code
        if request_id:
            said = msg(
                "TikTok Shop API {path}: {problem} (request_id {id})",
                path=path,
                problem=problem,
                id=request_id,
            )
        else:
            said = msg("TikTok Shop API {path}: {problem}", path=path, problem=problem)
        super().__init__(said)


def product_id_problem(product_id: str) -> Msg | None:
    """Why `product_id` cannot be a TikTok Shop product id, or None when it can."""
    if _ID.fullmatch(product_id):
        return None
    return msg(
        "product_id {id!r} is not a TikTok Shop product id (digits only, as Seller Center "
        "shows them)",
        id=product_id[:80],
    )


def product_path(template: str, product_id: str) -> str:
    """`template` with `{product_id}` filled in; TikTokError for an id that is not digits,
    before anything is built or sent."""
    if problem := product_id_problem(product_id):
        raise TikTokError(template, msg("{problem}; nothing was sent", problem=problem))
    return template.format(product_id=product_id)


def sign(secret: str, path: str, query: Mapping[str, Any], body: bytes = b"") -> str:
    """The `sign` parameter: HMAC-SHA256 over secret + path + sorted params + body + secret.

    Every query parameter but `sign` and `access_token` takes part, sorted by key, as
    `{key}{value}`; a multipart body does not (pass b"" for it).
    """
    params = "".join(f"{k}{query[k]}" for k in sorted(query) if k not in ("sign", "access_token"))
    wrapped = f"{secret}{path}{params}".encode() + body + secret.encode()
    return hmac.new(secret.encode(), wrapped, hashlib.sha256).hexdigest()


@dataclass
class PartnerClient:
    """Signed requests to the Partner API, with retries on rate limits and 5xx.

    `timeout` bounds each whole request (connecting, waiting, reading the body), not only
    each read; `max_bytes` caps the answer.
    """

    base_url: str
    app_key: str
    app_secret: str
    access_token: str
    timeout: float = 15.0
    retries: int = 3
    max_bytes: int = 8 * 1024 * 1024
    clock: Callable[[], float] = time.time
    pause: Callable[[float], None] = time.sleep
    # Where the secrets came from, so that a refused token or signature names what to fix.
    token_variable: str = ""
    secret_variable: str = ""

    def get(self, path: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """GET `path` with `params`; the response's `data`, or TikTokError."""
        return self._call("GET", path, params)

    def post(
        self, path: str, params: Mapping[str, Any], json_body: Mapping[str, Any]
    ) -> dict[str, Any]:
        """POST a JSON body (signed with the query); the response's `data`, or TikTokError."""
        body = json.dumps(json_body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return self._call("POST", path, params, body=body)

    def post_multipart(self, path: str, params: Mapping[str, Any], files: Files) -> dict[str, Any]:
        """POST files as multipart/form-data (not part of the signature); the `data`."""
        return self._call("POST", path, params, files=files)

    def _call(
        self,
        method: str,
        path: str,
        params: Mapping[str, Any],
        *,
        body: bytes | None = None,
        files: Files | None = None,
    ) -> dict[str, Any]:
        if not _PATH.fullmatch(path):  # the last guard before a signed request is built
            raise TikTokError(
                repr(path[:120]),
                msg("not a Partner API path (letters, digits, - and _ between /)"),
            )
        last: Text = msg("no attempt made")
        for attempt in range(self.retries + 1):
            query = {
                **{k: v for k, v in params.items() if v is not None},
                "app_key": self.app_key,
                "timestamp": str(int(self.clock())),
            }
            query["sign"] = sign(self.app_secret, path, query, body or b"")
            url = f"{self.base_url.rstrip('/')}{path}?{urlencode(query)}"
            try:
                status, content = self._send(method, url, body=body, files=files)
            except Late:
                last = msg("no answer within {seconds:g} s", seconds=self.timeout)
            except TooLarge:
                raise TikTokError(
                    path, msg("answer larger than {n} bytes", n=self.max_bytes)
                ) from None
            except OSError as exc:  # requests' exceptions are OSErrors
                last = msg("cannot connect ({kind})", kind=type(exc).__name__)
            else:
                try:
                    payload = _json(content)
                except TooDeep as exc:  # the same answer would come again: not retried
                    raise TikTokError(path, f"HTTP {status}, {exc}") from None
                code = payload.get("code") if payload else None
                if (
                    status == 429
                    or code in RETRYABLE_CODES
                    or (status >= 500 and code in (None, 0))
                ):
                    last = f"HTTP {status}, code {code}"
                elif payload is None:
                    raise TikTokError(
                        path, msg("HTTP {status} with a body that is not JSON", status=status)
                    )
                elif code != 0:
                    raise TikTokError(
                        path,
                        self._explain(code, payload.get("message", "")),
                        code=code,
                        request_id=payload.get("request_id"),
                    )
                else:
                    data = payload.get("data")
                    return data if isinstance(data, dict) else {}
            if attempt < self.retries:
                self.pause(min(2**attempt, 30))
        raise TikTokError(
            path, msg("gave up after {tries} tries: {last}", tries=self.retries + 1, last=last)
        )

    def _explain(self, code: int, message: str) -> Text:
        """What a refusal means, and which environment variable to fix for it."""
        if code == TOKEN_EXPIRED:
            where = self.token_variable or msg("the variable that holds it")
            return msg(
                "code {code}: the access token expired; refresh it and set {where}",
                code=code,
                where=where,
            )
        if code == BAD_SIGN:
            where = self.secret_variable or msg("the variable that holds it")
            return msg(
                "code {code}: bad signature; check the app secret in {where}",
                code=code,
                where=where,
            )
        return msg("code {code}: {message}", code=code, message=message)

    def _send(
        self, method: str, url: str, *, body: bytes | None, files: Files | None
    ) -> tuple[int, bytes]:
        """(status, body) of one request, within the deadline and the cap."""
        headers = {"x-tts-access-token": self.access_token}
        if files is None:
            headers["content-type"] = "application/json"
        return request(
            method,
            url,
            headers=headers,
            body=body,
            files=files,
            timeout=self.timeout,
            max_bytes=self.max_bytes,
        )


def _json(content: bytes) -> dict[str, Any] | None:
    """The answer's JSON object; None when it is not one, TooDeep when nested too deep."""
    try:
        value = parse_json(content)
    except TooDeep:
        raise
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def client_for(
    settings: Settings, shop: ShopSettings, secrets: Secrets, purpose: str
) -> PartnerClient:
    """The Partner API client of a shop's `[shops.tiktok]` table, secrets read from
    `secrets`; ConfigError saying what `purpose` needs when the shop has none."""
    tt = shop.tiktok
    if tt is None:
        raise ConfigError(settings.path, f"shop {shop.id!r} has no [shops.tiktok] table; {purpose}")
    where = f"[shops.tiktok] of shop {shop.id!r}"
    return PartnerClient(
        base_url=tt.base_url,
        app_key=secrets.require(tt.app_key_env, where),
        app_secret=secrets.require(tt.app_secret_env, where),
        access_token=secrets.require(tt.access_token_env, where),
        timeout=tt.timeout,
        token_variable=tt.access_token_env,
        secret_variable=tt.app_secret_env,
    )
