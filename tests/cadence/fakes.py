"""Fakes that satisfy our Protocols: real classes, no mocks."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from cadence.notify import DeliveryError
from cadence.videos import VideoRecord
from config.tables import Place, RowProblem


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


class ProcessKilled(BaseException):
    """The process stopping mid-send, as under SIGKILL: not an Exception, so nothing in the
    code under test catches it (and, unlike KeyboardInterrupt, pytest reports it as a
    failure of the one test rather than stopping the run)."""


class KilledMidSend:
    """A target whose send never returns to its worker: the process stops right there (as
    under SIGKILL, nothing after the send runs)."""

    target = "chat://killed"

    def send(self, title: str, body: str, severity: str) -> None:
        raise ProcessKilled


@dataclass
class FakeVideoSource:
    """A VideoSource over a fixed list: records, and strings standing for unreadable items."""

    items: list[VideoRecord | str]
    zone: ZoneInfo
    name: str = "fake"
    skipped: list[RowProblem] = field(default_factory=list)

    def fetch(self, start: date, end: date) -> Iterator[VideoRecord]:
        """The records posted from `start` to before `end` in the shop's timezone."""
        for item in self.items:
            if isinstance(item, str):
                place = Place("fake", item=len(self.skipped), kind="video")
                self.skipped.append(place.problem(f"unreadable video item: {item}"))
            elif start <= item.posted_at.astimezone(self.zone).date() < end:
                yield item
