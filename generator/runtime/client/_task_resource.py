"""What a resource of long-running tasks adds to its operations: wait, iter, and finding
the task of a start whose answer was lost. The decisions live in small I/O-free classes
(here and in `_lookup`); the resources' loops over them are `_async/_task_resource.py`
and its generated sync twin.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

from ._deadline import Deadline
from ._errors import A2EError, TaskFailedError, WaitTimeoutError
from ._meta import FAILURE_STATUS, RESULT_STATUS, STATUS_FIELD
from ._options import RequestOptions


class Task(Protocol):
    """A task record: a generated model, whose fields the behaviours read by the names the
    spec gives them (`_meta`: ID_FIELD, STATUS_FIELD, ...)."""

    def to_dict(self) -> dict[str, Any]: ...


class Page(Protocol):
    @property
    def rows(self) -> Sequence[Any]: ...

    @property
    def count(self) -> int: ...


TaskT = TypeVar("TaskT", bound=Task)


class Polling:
    """The schedule and the verdicts of `wait`: growing intervals, an overall deadline.

    `deadline` also limits each poll's request (its timeout and its retries).
    """

    def __init__(
        self,
        *,
        timeout: float,
        interval: float,
        max_interval: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if timeout <= 0 or interval <= 0:
            raise ValueError("timeout and poll_interval must be positive")
        self._timeout = timeout
        self.deadline = Deadline(clock() + timeout, clock)
        self._interval = interval
        self._max_interval = max(max_interval, interval)
        self._status: str | None = None
        self._last: Task | None = None

    def changed(self, task: Task) -> bool:
        """True the first time and whenever the status word differs from the last one."""
        self._last = task
        status = str(getattr(task, STATUS_FIELD))
        changed, self._status = status != self._status, status
        return changed

    def finished(self, task: Task) -> bool:
        """True at the result word (completed); raises `TaskFailedError` at the failure word
        (failed); else False (unfinished, or a word this client does not know)."""
        status = str(getattr(task, STATUS_FIELD))
        if status == FAILURE_STATUS:
            raise TaskFailedError(task)
        return status == RESULT_STATUS

    def next_delay(self, task: Task) -> float:
        """Seconds until the next poll; raises `WaitTimeoutError` past the deadline."""
        remaining = self.deadline.remaining()
        if remaining <= 0:
            raise WaitTimeoutError(task, self._timeout)
        delay = min(self._interval, remaining)
        self._interval = min(self._interval * 1.5, self._max_interval)
        return delay

    def poll_failed(self, error: A2EError, task_id: str) -> WaitTimeoutError | None:
        """The error `wait` raises when a poll ended because the deadline came; else None."""
        if not self.deadline.ended(error):
            return None
        return WaitTimeoutError(self._last, self._timeout, task_id=task_id)


class PageCursor:
    """Which page `iter` asks for next, and when it has seen them all."""

    def __init__(self, page_size: int) -> None:
        if page_size < 1:
            raise ValueError("page_size must be at least 1")
        self._next: int | None = 1
        self._seen = 0

    def next_page(self) -> int | None:
        return self._next

    def record(self, page: Page) -> None:
        """Done after an empty page or once `count` rows were seen; a short page alone is
        not the end while `count` says more rows exist."""
        rows = len(page.rows)
        self._seen += rows
        done = rows == 0 or self._seen >= page.count
        self._next = None if done or self._next is None else self._next + 1


def _reads(options: RequestOptions | None) -> dict[str, Any]:
    """Keywords of the per-call options a look-up's own reads take from the start."""
    if options is None:
        return {}
    return {"timeout": options.timeout, "max_retries": options.max_retries}
