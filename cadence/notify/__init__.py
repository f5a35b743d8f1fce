"""Notifiers: one message to one target. The team chats answer HTTP 200 with an `errcode`
when they reject a message, so the robots whose answer we must read are ours (one module
each); the long tail of services goes through Apprise. `notifier_for(url)` picks one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol
from urllib.parse import urlsplit

from cadence.notify.apprise import AppriseNotifier
from cadence.notify.console import ConsoleNotifier
from cadence.notify.delivery import DeliveryError, describe
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
    "Notifier",
    "WeComBotNotifier",
    "describe",
    "notifier_for",
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


def notifier_for(url: str, timeout: float = 10.0) -> Notifier:
    """The notifier for a (secret-resolved) URL: ours for the chat robots, else Apprise."""
    factory = NOTIFIERS.get(urlsplit(url).scheme, AppriseNotifier)
    return factory(url, timeout=timeout)
