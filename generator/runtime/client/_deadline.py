"""An overall time limit for the requests of one call that makes several (`wait`).

Inside `deadline.applied()`, every request's timeout is cut to the time left and no retry
starts that could not finish before the deadline; `deadline.reached` then says whether
the limit, and not A2E, ended the request.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import (
    AbstractAsyncContextManager,
    AbstractContextManager,
    contextmanager,
    nullcontext,
)
from contextvars import ContextVar
from typing import Any

import httpx

from ._errors import APIConnectionError

_CURRENT: ContextVar[Deadline | None] = ContextVar("a2e_dubbing_deadline", default=None)


class Deadline:
    """A point in time (`clock` seconds) after which no request should still run."""

    def __init__(self, at: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.at = at
        self._clock = clock
        self.reached = False

    def remaining(self) -> float:
        return self.at - self._clock()

    @contextmanager
    def applied(self) -> Iterator[Deadline]:
        """Make this the limit of the requests sent in the block (in this thread or task)."""
        token = _CURRENT.set(self)
        try:
            yield self
        finally:
            _CURRENT.reset(token)

    def timeout(self, configured: float | httpx.Timeout | None) -> httpx.Timeout | None:
        """`configured` with every part cut to the time left; None when no time is left."""
        left = self.remaining()
        if left <= 0:
            self.reached = True
            return None
        parts = httpx.Timeout(configured)
        return httpx.Timeout(
            connect=_cut(parts.connect, left),
            read=_cut(parts.read, left),
            write=_cut(parts.write, left),
            pool=_cut(parts.pool, left),
        )

    def ended(self, error: BaseException) -> bool:
        """Whether this deadline, rather than A2E, ended the request that raised `error`."""
        if self.reached:
            return True
        return isinstance(error, APIConnectionError) and self.remaining() <= 0

    def allows(self, delay: float) -> bool:
        """Whether a retry after `delay` seconds could still start before the deadline."""
        if delay < self.remaining():
            return True
        self.reached = True
        return False


def current() -> Deadline | None:
    """The deadline the requests being made now must keep, if any."""
    return _CURRENT.get()


def bounded(deadline: Deadline | None) -> AbstractContextManager[None]:
    """The bound of one exchange of `A2E`: none of its own, its transport cuts each socket
    operation to the time left (`_transport`)."""
    del deadline
    return nullcontext()


def async_bounded(deadline: Deadline | None) -> AbstractAsyncContextManager[Any]:
    """The bound of one exchange of `AsyncA2E`: the time `deadline` leaves, with
    `asyncio.timeout` (`TimeoutError` when it passes), which holds with any transport."""
    if deadline is None:
        return nullcontext()
    import asyncio  # only async callers pay for it

    return asyncio.timeout(deadline.remaining())


def _cut(seconds: float | None, left: float) -> float:
    return left if seconds is None else min(seconds, left)
