"""Time as the mock sees it: the system clock, or a manual one for tests."""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    """Anything that tells the time in seconds since the Unix epoch."""

    def now(self) -> float: ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> float:
        return time.time()


class ManualClock:
    """A clock that moves only when told to (deterministic lifecycle and rate limits)."""

    def __init__(self, start: float = 1_726_631_384.704) -> None:
        self._now = start

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        """Move time forward; due lifecycle steps happen on the next request."""
        if seconds < 0:
            raise ValueError("a clock only moves forward")
        self._now += seconds

    def set(self, timestamp: float) -> None:
        """Jump to `timestamp` (seconds since the epoch); never backwards."""
        if timestamp < self._now:
            raise ValueError("a clock only moves forward")
        self._now = timestamp
