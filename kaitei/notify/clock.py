"""One injectable clock for timestamps, pacing and back-off, so tests never really wait."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """Wall-clock time, timezone-aware UTC; used for stored timestamps and Date headers."""
        ...

    def monotonic(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


SYSTEM_CLOCK = SystemClock()


class RateLimiter:
    """Spaces message attempts at least 1/rate seconds apart; rate <= 0 means no limit."""

    def __init__(self, rate: float, clock: Clock) -> None:
        if rate < 0:
            raise ValueError("rate must be >= 0")
        self._interval = 1.0 / rate if rate > 0 else 0.0
        self._clock = clock
        self._next: float | None = None

    def wait(self) -> None:
        if self._interval == 0.0:
            return
        now = self._clock.monotonic()
        if self._next is not None and now < self._next:
            self._clock.sleep(self._next - now)
            now = self._next
        self._next = now + self._interval
