"""Fakes that satisfy our Protocols: real classes, no mocks."""

from __future__ import annotations

from dataclasses import dataclass, field

from cadence.notify import DeliveryError


@dataclass
class RecordingNotifier:
    """Keeps what it was sent; fails the first `failures` sends."""

    target: str = "recording://team"
    failures: int = 0
    sent: list[tuple[str, str, str]] = field(default_factory=list)
    tries: int = 0

    def send(self, title: str, body: str, severity: str) -> None:
        self.tries += 1
        if self.tries <= self.failures:
            raise DeliveryError(self.target, f"refused (try {self.tries})")
        self.sent.append((title, body, severity))
