"""Notifiers: one message to one target. The team chats answer HTTP 200 with an `errcode`
when they reject a message, so the robots whose answer we must read are ours (one module
each); the long tail of services goes through Apprise. `notifier_for(url)` picks one.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Protocol
from urllib.parse import urlsplit

from cadence.notify.apprise import AppriseNotifier
from cadence.notify.console import ConsoleNotifier
from cadence.notify.delivery import (
    NO_MENTIONS,
    DeliveryError,
    Mentions,
    NamedTarget,
    UnusableTarget,
    describe,
)
from cadence.notify.dingtalk import DingTalkNotifier
from cadence.notify.webhook import JsonWebhookNotifier
from cadence.notify.wecom import WeComBotNotifier

__all__ = [
    "NOTIFIERS",
    "AppriseNotifier",
    "ConsoleNotifier",
    "DeliveryError",
    "DingTalkNotifier",
    "JsonWebhookNotifier",
    "Mentions",
    "NamedTarget",
    "Notifier",
    "UnusableTarget",
    "WeComBotNotifier",
    "describe",
    "notifier_for",
    "target_for",
]


class Notifier(Protocol):
    """Delivers one message to one target, or raises DeliveryError saying why not."""

    target: str  # safe to print and store: no token, plus a short fingerprint

    def send(self, title: str, body: str, severity: str) -> None:
        """Send; return only when the target accepted the message."""
        ...


# URL scheme -> notifier(url, timeout=...); any other scheme goes to Apprise.
NOTIFIERS: dict[str, Callable[..., Notifier]] = {
    "json": JsonWebhookNotifier,
    "jsons": JsonWebhookNotifier,
    "dingtalk": DingTalkNotifier,
    "wecombot": WeComBotNotifier,
}


def notifier_for(url: str, timeout: float = 10.0, mentions: Mentions = NO_MENTIONS) -> Notifier:
    """The notifier for a (secret-resolved) URL: ours for the chat robots, else Apprise;
    `mentions` go to the notifiers that can @mention (DingTalk, WeCom)."""
    factory = NOTIFIERS.get(urlsplit(url).scheme, AppriseNotifier)
    if mentions and "mentions" in inspect.signature(factory).parameters:
        return factory(url, timeout=timeout, mentions=mentions)
    return factory(url, timeout=timeout)


def target_for(url: str, timeout: float = 10.0, mentions: Mentions = NO_MENTIONS) -> Notifier:
    """`notifier_for`, except that a URL no notifier can take becomes an UnusableTarget
    that fails alone with the reason (which never quotes the URL: it may hold a token)."""
    try:
        return notifier_for(url, timeout=timeout, mentions=mentions)
    except DeliveryError as exc:
        return UnusableTarget(exc.target, exc.problem)
    except ValueError as exc:  # urlsplit's: a bad port or bracket, said without the URL
        return UnusableTarget(describe(url), f"not a usable URL ({exc})")
