"""What every notifier shares: DeliveryError, target names safe to store, a stand-in for a
target that cannot be built, and posting JSON over HTTP within a whole-request deadline and
a size cap, with the answer read the way the team chats mean it."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

from config.errors import AppError, ExitCode

MAX_ANSWER_BYTES = 256 * 1024  # a chat robot answers a few dozen bytes of JSON
_MOBILE = re.compile(r"\+?[0-9][0-9 -]{5,19}")


@dataclass(frozen=True)
class Mentions:
    """Who a message @mentions: mobile numbers and the chat's user ids (told apart by
    form: a mobile number is digits, spaces and dashes, an optional leading +)."""

    mobiles: tuple[str, ...] = ()
    user_ids: tuple[str, ...] = ()

    @classmethod
    def of(cls, entries: Sequence[str]) -> Mentions:
        """Mobiles and user ids from a list of either."""
        mobiles, user_ids = [], []
        for entry in (e.strip() for e in entries):
            if _MOBILE.fullmatch(entry):
                mobiles.append(re.sub(r"[ -]", "", entry))
            elif entry:
                user_ids.append(entry)
        return cls(tuple(mobiles), tuple(user_ids))

    def __bool__(self) -> bool:
        return bool(self.mobiles or self.user_ids)


NO_MENTIONS = Mentions()


class Sender(Protocol):
    """What NamedTarget wraps: cadence.notify's Notifier (declared there, kept here too so
    this module does not import its package)."""

    target: str

    def send(self, title: str, body: str, severity: str) -> None:
        """Send; return only when the target accepted the message."""
        ...


class DeliveryError(AppError):
    """A target did not accept a message; `uncertain`: it may have (the request went out
    and no answer came by the deadline), so sending again may show it twice."""

    exit_code = ExitCode.FAILURES

    def __init__(self, target: str, problem: str, *, uncertain: bool = False) -> None:
        self.target = target
        self.problem = problem
        self.uncertain = uncertain
        super().__init__(f"{target}: {problem}")


def describe(url: str) -> str:
    """A target's name for logs and the store: scheme and (for webhooks) host, no secrets."""
    digest = hashlib.sha256(url.encode()).hexdigest()[:8]
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed IPv6 bracket: name the scheme only
        scheme = re.match(r"[A-Za-z][A-Za-z0-9+.-]{0,19}(?=:)", url)
        return f"{scheme.group(0) if scheme else '?'}://…#{digest}"
    if parts.scheme in ("json", "jsons", "http", "https"):
        try:
            port = f":{parts.port}" if parts.port else ""
        except ValueError:  # out of range: show it as written; sending will fail plainly
            port = ":" + parts.netloc.rpartition(":")[2]
        return f"{parts.scheme}://{parts.hostname}{port}#{digest}"
    return f"{parts.scheme}://…#{digest}"


def check_answer(target: str, status: int, content: bytes) -> None:
    """Raise unless the answer is a success: 2xx, and no non-zero errcode/code at the top
    of the body (read even when a part elsewhere is nested too deep to parse)."""
    if not 200 <= status < 300:
        raise DeliveryError(target, f"HTTP {status}: {content[:200].decode('utf-8', 'replace')}")
    from config.http import TooDeep, parse_json, top_level

    try:
        answer = parse_json(content) if content.strip() else None
    except TooDeep as exc:
        # The robots' verdict is at the top level ({"errcode": 0, ...}): a part nested too
        # deep elsewhere does not hide it (taken for a failure, a delivered message was sent
        # again on every retry). Not an object at all: no answer can be read from it.
        try:
            answer = top_level(content)
        except ValueError:
            raise DeliveryError(target, str(exc)) from None
    except ValueError:
        return  # a plain-text 200 is how generic webhooks say OK
    if isinstance(answer, dict):
        for key in ("errcode", "code", "StatusCode"):
            value = answer.get(key)
            if isinstance(value, int) and value != 0:
                message = answer.get("errmsg") or answer.get("msg") or answer.get("message") or ""
                raise DeliveryError(target, f"rejected with {key} {value}: {message}")


@dataclass
class UnusableTarget:
    """A target that could not be built (a missing variable, a URL nothing can send to):
    every send fails alone with the reason, so the shop's other targets still deliver."""

    target: str
    problem: str

    def send(self, title: str, body: str, severity: str) -> None:
        """Fail, saying why this target cannot be used."""
        raise DeliveryError(self.target, self.problem)


class NamedTarget:
    """A target whose URL the shops file names by an `env:NAME` entry: shown and stored as
    that entry beside the masked URL, so a person learns which variable to fix (the URL
    itself may hold a token and is never shown)."""

    def __init__(self, entry: str, notifier: Sender) -> None:
        self.entry = entry
        self.notifier = notifier
        self.masked = notifier.target  # what earlier versions stored as the target
        self.target = f"{entry} ({notifier.target})"[:200]  # the store's column is 200

    def send(self, title: str, body: str, severity: str) -> None:
        """Send through the notifier; its failure names the entry."""
        try:
            self.notifier.send(title, body, severity)
        except DeliveryError as exc:
            raise DeliveryError(self.target, exc.problem, uncertain=exc.uncertain) from None


@dataclass
class HttpPoster:
    """POSTs JSON within a whole-request deadline (`timeout`: connecting, waiting and
    reading, not each read) and a cap on the answer's size; every transport failure
    becomes DeliveryError."""

    target: str
    timeout: float
    max_bytes: int = MAX_ANSWER_BYTES

    def post(self, url: str, payload: dict[str, Any]) -> None:
        """POST and check the answer."""
        import requests

        from config.http import Late, TooLarge, request

        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "shopbot"}
        try:
            status, content = request(
                "POST",
                url,
                headers=headers,
                body=body,
                timeout=self.timeout,
                max_bytes=self.max_bytes,
            )
        except Late as late:
            raise DeliveryError(
                self.target, f"no answer within {self.timeout:g} s", uncertain=late.sent
            ) from None
        except TooLarge:
            raise DeliveryError(self.target, f"answer larger than {self.max_bytes} bytes") from None
        except requests.ConnectionError:
            raise DeliveryError(self.target, "cannot connect") from None
        except requests.RequestException as exc:
            raise DeliveryError(self.target, f"request failed ({type(exc).__name__})") from None
        check_answer(self.target, status, content)
