"""A2E's clock as the client sees it: the `Date` header of its answers.

Time windows compared with A2E's records (`createdAt`) must use A2E's clock, not ours. A
`Date` header is rounded down to the second, so `date + (now - received)` never runs ahead of
A2E's time: it is a lower bound of A2E's time at any moment, before or after the answer.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime


class ServerClock:
    """The last answer's `Date` header and when it arrived (parsed only when asked)."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self._last: tuple[Mapping[str, str], float] | None = None

    def saw(self, headers: Mapping[str, str]) -> None:
        """Note an answer's headers (called for every answer; parsing waits for `lower_bound`)."""
        self._last = (headers, self._monotonic())  # one assignment: safe across threads

    def lower_bound(self, at: float | None = None) -> float | None:
        """A2E's time (epoch seconds) at the local monotonic time `at` (default: now), never
        later than the true one; None when no answer with a readable `Date` was seen."""
        last = self._last
        if last is None:
            return None
        headers, seen = last
        date = parse_http_date(headers.get("date"))
        if date is None:
            return None
        return date + ((self._monotonic() if at is None else at) - seen)


def parse_http_date(value: str | None) -> float | None:
    """Epoch seconds of an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    from email.utils import parsedate_to_datetime  # only look-ups pay for it

    try:
        when = parsedate_to_datetime(value)
        if when.tzinfo is None:  # "-0000": UTC by RFC 5322
            when = when.replace(tzinfo=UTC)
        return (when - EPOCH).total_seconds()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def epoch_seconds(value: object) -> float | None:
    """Epoch seconds of a datetime (a naive one is read as UTC); None for anything else."""
    if not isinstance(value, datetime):
        return None
    try:
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return (aware - EPOCH).total_seconds()
    except (TypeError, ValueError, OverflowError):
        return None
