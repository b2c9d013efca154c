"""What a resource of long-running tasks adds to its operations: wait, iter, and finding
the task of a start whose answer was lost. The decisions live in small I/O-free classes;
the sync and async resources only loop over them.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from ._deadline import Deadline
from ._download import AsyncDownloadMixin, SyncDownloadMixin
from ._errors import A2EError, TaskFailedError, WaitTimeoutError
from ._meta import FAILURE_STATUS, RESULT_STATUS
from ._resource import AsyncResource, SyncResource

# A start's lost answer is looked for among tasks created this long before the call, or
# later (seconds; it allows for a clock difference with A2E).
RECOVER_WINDOW = 300.0
RECOVER_PAGE_SIZE = 50


class Task(Protocol):
    """What the behaviours read of a task record."""

    @property
    def id(self) -> str: ...

    @property
    def current_status(self) -> str: ...

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
        status = str(task.current_status)
        changed, self._status = status != self._status, status
        return changed

    def finished(self, task: Task) -> bool:
        """True at the result word (completed); raises `TaskFailedError` at the failure word
        (failed); else False (unfinished, or a word this client does not know)."""
        status = str(task.current_status)
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


def is_match(task: Task, match: Mapping[str, Any], since: float) -> bool:
    """Whether `task` is the one a lost start created: same fields, created since `since`."""
    record = task.to_dict()
    if any(record.get(field) != value for field, value in match.items()):
        return False
    created = getattr(task, "created_at", None)
    timestamp = getattr(created, "timestamp", None)
    return timestamp is None or timestamp() >= since


def _since() -> float:
    return time.time() - RECOVER_WINDOW


class SyncTaskResource(SyncResource, SyncDownloadMixin[TaskT], Generic[TaskT]):
    """Adds `wait` and `iter` to a resource with `get`, `list` and `list_processing`."""

    if TYPE_CHECKING:

        def get(self, task_id: str) -> TaskT: ...

        def list(self, *, page_num: int = ..., page_size: int = ...) -> Any: ...

        def list_processing(self) -> Sequence[TaskT]: ...

    def wait(
        self,
        task_id: str,
        *,
        timeout: float = 1800.0,
        poll_interval: float = 2.0,
        max_poll_interval: float = 30.0,
        on_update: Callable[[TaskT], object] | None = None,
    ) -> TaskT:
        """Poll the task until it is `completed` and return it.

        The interval grows from `poll_interval` to `max_poll_interval`. `on_update` is
        called with the record whenever its status changes. Raises `TaskFailedError` when
        the task fails and `WaitTimeoutError` after `timeout` seconds (the task goes on);
        `timeout` also bounds each poll's request and its retries.
        """
        polling = Polling(timeout=timeout, interval=poll_interval, max_interval=max_poll_interval)
        while True:
            try:
                with polling.deadline.applied():
                    task = self.get(task_id)
            except A2EError as error:
                if (timed_out := polling.poll_failed(error, task_id)) is None:
                    raise
                raise timed_out from error
            if polling.changed(task) and on_update is not None:
                on_update(task)
            if polling.finished(task):
                return task
            time.sleep(polling.next_delay(task))

    def iter(self, *, page_size: int = 50) -> Iterator[TaskT]:
        """Every task, page after page."""
        cursor = PageCursor(page_size)
        while (page_num := cursor.next_page()) is not None:
            page = self.list(page_num=page_num, page_size=page_size)
            cursor.record(page)
            yield from page.rows

    def _recover(self, match: Mapping[str, Any]) -> Callable[[], TaskT | None]:
        since = _since()

        def find() -> TaskT | None:
            for task in self.list_processing():
                if is_match(task, match, since):
                    return task
            page = self.list(page_num=1, page_size=RECOVER_PAGE_SIZE)
            return next((t for t in page.rows if is_match(t, match, since)), None)

        return find


class AsyncTaskResource(AsyncResource, AsyncDownloadMixin[TaskT], Generic[TaskT]):
    """The async twin of `SyncTaskResource`."""

    if TYPE_CHECKING:

        async def get(self, task_id: str) -> TaskT: ...

        async def list(self, *, page_num: int = ..., page_size: int = ...) -> Any: ...

        async def list_processing(self) -> Sequence[TaskT]: ...

    async def wait(
        self,
        task_id: str,
        *,
        timeout: float = 1800.0,
        poll_interval: float = 2.0,
        max_poll_interval: float = 30.0,
        on_update: Callable[[TaskT], object] | None = None,
    ) -> TaskT:
        """Poll the task until it is `completed` and return it (see `A2E.dubbing.wait`).

        `on_update` may be a plain function or a coroutine function: when it returns an
        awaitable, that is awaited before polling goes on.
        """
        import asyncio
        import inspect

        polling = Polling(timeout=timeout, interval=poll_interval, max_interval=max_poll_interval)
        while True:
            try:
                with polling.deadline.applied():
                    task = await self.get(task_id)
            except A2EError as error:
                if (timed_out := polling.poll_failed(error, task_id)) is None:
                    raise
                raise timed_out from error
            if polling.changed(task) and on_update is not None:
                update = on_update(task)
                if inspect.isawaitable(update):
                    await update
            if polling.finished(task):
                return task
            await asyncio.sleep(polling.next_delay(task))

    async def iter(self, *, page_size: int = 50) -> AsyncIterator[TaskT]:
        """Every task, page after page (`async for`)."""
        cursor = PageCursor(page_size)
        while (page_num := cursor.next_page()) is not None:
            page = await self.list(page_num=page_num, page_size=page_size)
            cursor.record(page)
            for task in page.rows:
                yield task

    def _recover(self, match: Mapping[str, Any]) -> Callable[[], Awaitable[TaskT | None]]:
        since = _since()

        async def find() -> TaskT | None:
            for task in await self.list_processing():
                if is_match(task, match, since):
                    return task
            page = await self.list(page_num=1, page_size=RECOVER_PAGE_SIZE)
            return next((t for t in page.rows if is_match(t, match, since)), None)

        return find
