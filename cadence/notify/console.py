"""The console notifier: what a shop without alert_urls gets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from config.terminal import printable


@dataclass
class ConsoleNotifier:
    """Prints messages (the default when a shop has no alert_urls)."""

    stream: IO[str]
    target: str = "console"

    def send(self, title: str, body: str, severity: str) -> None:
        """Print the message (on a terminal: control characters shown as text)."""
        print(printable(f"[{severity}] {title}\n{body}\n"), file=self.stream, flush=True)
