"""What a resource of long-running tasks adds to its operations: wait, iter, and finding
the task of a start whose answer was lost. The decisions live in small I/O-free classes
(here and in `_lookup`); the sync and async resources only loop over them.
"""

from __future__ import annotations

import os
import time
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, TypeVar

from ._base_client import AsyncResource, SyncResource
from ._deadline import Deadline
from ._download import AsyncDownloadMixin, SyncDownloadMixin
from ._errors import A2EError, TaskFailedError, WaitTimeoutError
from ._lookup import Found, Lookup
from ._meta import FAILURE_STATUS, RESULT_STATUS, STATUS_FIELD
from ._options import NOT_GIVEN, Body, Headers, NotGiven, Query, RequestOptions, for_reads
from ._response import APIResponse, async_to_raw_response_wrapper, to_raw_response_wrapper

if TYPE_CHECKING:
    import httpx

    from ._batch import AsyncBatch, SyncBatch
    from ._batch_spec import Job


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


class SyncTaskResource(SyncResource, SyncDownloadMixin[TaskT], Generic[TaskT]):
    """Adds `wait`, `iter` and `download` to a resource with `get`, `list` and `list_processing`, and
    the look-up of a start whose answer was lost."""

    # Set by the generated resource, from the spec: the record's id and creation-time
    # attributes, and the largest page the list operation allows.
    _id_field: ClassVar[str]
    _created_field: ClassVar[str]
    _lookup_page_size: ClassVar[int]

    if TYPE_CHECKING:  # the generated resource has them, with the same per-call options

        def get(
            self,
            task_id: str,
            *,
            extra_headers: Headers | None = None,
            extra_query: Query | None = None,
            extra_body: Body | None = None,
            timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
            max_retries: int | NotGiven = NOT_GIVEN,
        ) -> TaskT: ...

        def list(
            self,
            *,
            page_num: int = ...,
            page_size: int = ...,
            extra_headers: Headers | None = None,
            extra_query: Query | None = None,
            extra_body: Body | None = None,
            timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
            max_retries: int | NotGiven = NOT_GIVEN,
        ) -> Any: ...

        def list_processing(
            self,
            *,
            extra_headers: Headers | None = None,
            extra_query: Query | None = None,
            extra_body: Body | None = None,
            timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
            max_retries: int | NotGiven = NOT_GIVEN,
        ) -> Sequence[TaskT]: ...

    def wait(
        self,
        task_id: str,
        *,
        timeout: float = 1800.0,
        poll_interval: float = 2.0,
        max_poll_interval: float = 30.0,
        on_update: Callable[[TaskT], object] | None = None,
        request_timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
    ) -> TaskT:
        """Poll the task until it is `completed` and return it.

        Args:
            task_id: The id of the task.
            timeout: Seconds to wait in all. It also bounds each poll's request and its
                retries, so `wait` ends on time even against a slow server.
            poll_interval: Seconds between the first two polls; the interval grows by
                half each time.
            max_poll_interval: The longest interval between two polls.
            on_update: Called with the record whenever its status changes.
            request_timeout: Timeout of each poll's request (the client's by default), cut
                to the time left.
            max_retries: Retries of each poll (the client's by default).
            extra_headers: Headers to add to each poll's request.
            extra_query: Query parameters to add to each poll's request.
            extra_body: JSON properties to send with each poll's request.

        Returns:
            The record of the completed task.

        Raises:
            TaskFailedError: The task failed (`.task` is its record).
            WaitTimeoutError: `timeout` passed first; the task goes on at A2E.
        """
        polling = Polling(timeout=timeout, interval=poll_interval, max_interval=max_poll_interval)
        per_call: dict[str, Any] = {
            "timeout": request_timeout,
            "max_retries": max_retries,
            "extra_headers": extra_headers,
            "extra_query": extra_query,
            "extra_body": extra_body,
        }
        while True:
            try:
                with polling.deadline.applied():
                    task = self.get(task_id, **per_call)
            except A2EError as error:
                if (timed_out := polling.poll_failed(error, task_id)) is None:
                    raise
                raise timed_out from error
            if polling.changed(task) and on_update is not None:
                on_update(task)
            if polling.finished(task):
                return task
            time.sleep(polling.next_delay(task))

    def iter(
        self,
        *,
        page_size: int = 50,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
    ) -> Iterator[TaskT]:
        """Every task, newest first, page after page (one request per page).

        Args:
            page_size: Tasks per request.
            timeout: Timeout of each page's request (the client's by default).
            max_retries: Retries of each page's request (the client's by default).
            extra_headers: Headers to add to each request.
            extra_query: Query parameters to add to each request.
            extra_body: JSON properties to send with each request.
        """
        cursor = PageCursor(page_size)
        per_call: dict[str, Any] = {
            "timeout": timeout,
            "max_retries": max_retries,
            "extra_headers": extra_headers,
            "extra_query": extra_query,
            "extra_body": extra_body,
        }
        while (page_num := cursor.next_page()) is not None:
            page = self.list(page_num=page_num, page_size=page_size, **per_call)
            cursor.record(page)
            yield from page.rows

    def batch(
        self,
        jobs: Iterable[Job],
        *,
        out: str | os.PathLike[str],
        journal: str | os.PathLike[str] | None = None,
        resume: bool = False,
        retry_failed: bool = False,
        max_coins: float | None = None,
        overwrite: bool = False,
        max_starts: int = 8,
        max_downloads: int = 4,
        max_uploads: int = 2,
        poll_interval: float = 2.0,
        max_poll_interval: float = 30.0,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
    ) -> SyncBatch:
        """Many tasks at once, resumable after any crash: `for event in client.dubbing.batch(
        jobs, out="dubbed/")` starts each job, follows every task with one poll, saves each
        result as soon as it is done, and yields what happens (`BatchEvent`s, the last a
        `BatchFinished` with the summary).

        A journal (SQLite, `out/.a2e-batch.sqlite3` by default) records each step: a job's
        intent is committed before its start is sent, its task's id after. Running the same
        jobs into the same folder again goes on where a run stopped, even after `kill -9`:
        finished jobs are skipped, started ones followed, and a start whose answer was lost
        is looked up by its task's unique name (`<stem>.<split>.<hash>`), never sent again
        blindly. The plan is checked when the batch is made (`BatchPlanError`); the events
        come while iterating (this runs the async batch on a thread of its own, with an
        `AsyncA2E` made with this client's key, base URL and settings; its `on_retry` is
        called on that thread). Leaving the loop stops the batch where it is.

        Args:
            jobs: The jobs (`Job`: the keywords of `start`; a local file as a `Path`, uploaded
                once). The same job twice is done once.
            out: The folder of the results, `<stem>.<split>.<ext>` (made if missing).
            journal: The journal file (default: `out/.a2e-batch.sqlite3`).
            resume: Also take up the journal's jobs that `jobs` does not list.
            retry_failed: Start failed jobs again (a new task name: `-2`, `-3`, ...).
            max_coins: Start no more jobs once the balance dropped by this much (starts
                then go one at a time, each after a read of the balance).
            overwrite: Replace a file that is in the way (by default the job is not saved).
            max_starts: Starts sent at once.
            max_downloads: Results saved at once.
            max_uploads: Local files uploaded at once.
            poll_interval: Seconds between polls while tasks move; quiet polls grow by half.
            max_poll_interval: The longest interval between two polls.
            timeout: Timeout of each request to A2E (the client's by default).
            max_retries: Retries of each request to A2E (the client's by default).
            extra_headers: Headers to add to each request to A2E.
            extra_query: Query parameters to add to each request to A2E.
            extra_body: JSON properties to send with each request to A2E.
        """
        from ._batch import SyncBatch, settings

        return SyncBatch(
            self._client,
            jobs,
            settings(
                out=out,
                journal=journal,
                resume=resume,
                retry_failed=retry_failed,
                max_coins=max_coins,
                overwrite=overwrite,
                max_starts=max_starts,
                max_downloads=max_downloads,
                max_uploads=max_uploads,
                poll_interval=poll_interval,
                max_poll_interval=max_poll_interval,
                timeout=timeout,
                max_retries=max_retries,
                extra_headers=extra_headers,
                extra_query=extra_query,
                extra_body=extra_body,
            ),
        )

    def _start_lookup(
        self, match: Mapping[str, Any], *, unique: bool, options: RequestOptions | None
    ) -> Callable[[], Found | None]:
        """The look-up of one start, prepared before it is sent: when the identifying
        name was the caller's, the tasks that exist already are noted (see `_lookup`)."""
        lookup = Lookup(
            match,
            id_field=self._id_field,
            created_field=self._created_field,
            clock=self._client._clock,
        )
        reads = _reads(for_reads(options))
        if not unique:
            for _, page in self._pages_back(lookup, reads):
                lookup.note_existing(page.rows)
        return lambda: self._find(lookup, reads)

    def _pages_back(
        self, lookup: Lookup, reads: dict[str, Any]
    ) -> Iterator[tuple[APIResponse[Any], Any]]:
        """The pages of all tasks, newest first, until one reaches back before the call."""
        cursor = PageCursor(self._lookup_page_size)
        read_page = to_raw_response_wrapper(self.list)
        while (page_num := cursor.next_page()) is not None:
            answer = read_page(page_num=page_num, page_size=self._lookup_page_size, **reads)
            page = answer.parse()
            cursor.record(page)
            yield answer, page
            if lookup.passed(page.rows):
                return

    def _find(self, lookup: Lookup, reads: dict[str, Any]) -> Found | None:
        answer = to_raw_response_wrapper(self.list_processing)(**reads)
        task = lookup.first_match(answer.parse())
        if task is not None:
            return Found(task, answer)
        for answer, page in self._pages_back(lookup, reads):
            task = lookup.first_match(page.rows)
            if task is not None:
                return Found(task, answer)
        return None


class AsyncTaskResource(AsyncResource, AsyncDownloadMixin[TaskT], Generic[TaskT]):
    """The async twin of `SyncTaskResource`."""

    _id_field: ClassVar[str]
    _created_field: ClassVar[str]
    _lookup_page_size: ClassVar[int]

    if TYPE_CHECKING:  # the generated resource has them, with the same per-call options

        async def get(
            self,
            task_id: str,
            *,
            extra_headers: Headers | None = None,
            extra_query: Query | None = None,
            extra_body: Body | None = None,
            timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
            max_retries: int | NotGiven = NOT_GIVEN,
        ) -> TaskT: ...

        async def list(
            self,
            *,
            page_num: int = ...,
            page_size: int = ...,
            extra_headers: Headers | None = None,
            extra_query: Query | None = None,
            extra_body: Body | None = None,
            timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
            max_retries: int | NotGiven = NOT_GIVEN,
        ) -> Any: ...

        async def list_processing(
            self,
            *,
            extra_headers: Headers | None = None,
            extra_query: Query | None = None,
            extra_body: Body | None = None,
            timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
            max_retries: int | NotGiven = NOT_GIVEN,
        ) -> Sequence[TaskT]: ...

    async def wait(
        self,
        task_id: str,
        *,
        timeout: float = 1800.0,
        poll_interval: float = 2.0,
        max_poll_interval: float = 30.0,
        on_update: Callable[[TaskT], object] | None = None,
        request_timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
    ) -> TaskT:
        import asyncio
        import inspect

        polling = Polling(timeout=timeout, interval=poll_interval, max_interval=max_poll_interval)
        per_call: dict[str, Any] = {
            "timeout": request_timeout,
            "max_retries": max_retries,
            "extra_headers": extra_headers,
            "extra_query": extra_query,
            "extra_body": extra_body,
        }
        while True:
            try:
                with polling.deadline.applied():
                    task = await self.get(task_id, **per_call)
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

    async def iter(
        self,
        *,
        page_size: int = 50,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
    ) -> AsyncIterator[TaskT]:
        cursor = PageCursor(page_size)
        per_call: dict[str, Any] = {
            "timeout": timeout,
            "max_retries": max_retries,
            "extra_headers": extra_headers,
            "extra_query": extra_query,
            "extra_body": extra_body,
        }
        while (page_num := cursor.next_page()) is not None:
            page = await self.list(page_num=page_num, page_size=page_size, **per_call)
            cursor.record(page)
            for task in page.rows:
                yield task

    def batch(
        self,
        jobs: Iterable[Job],
        *,
        out: str | os.PathLike[str],
        journal: str | os.PathLike[str] | None = None,
        resume: bool = False,
        retry_failed: bool = False,
        max_coins: float | None = None,
        overwrite: bool = False,
        max_starts: int = 8,
        max_downloads: int = 4,
        max_uploads: int = 2,
        poll_interval: float = 2.0,
        max_poll_interval: float = 30.0,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
    ) -> AsyncBatch:
        from ._batch import AsyncBatch, settings

        return AsyncBatch(
            self._client,
            jobs,
            settings(
                out=out,
                journal=journal,
                resume=resume,
                retry_failed=retry_failed,
                max_coins=max_coins,
                overwrite=overwrite,
                max_starts=max_starts,
                max_downloads=max_downloads,
                max_uploads=max_uploads,
                poll_interval=poll_interval,
                max_poll_interval=max_poll_interval,
                timeout=timeout,
                max_retries=max_retries,
                extra_headers=extra_headers,
                extra_query=extra_query,
                extra_body=extra_body,
            ),
        )

    async def _start_lookup(
        self, match: Mapping[str, Any], *, unique: bool, options: RequestOptions | None
    ) -> Callable[[], Awaitable[Found | None]]:
        """The async twin of `SyncTaskResource._start_lookup`."""
        lookup = Lookup(
            match,
            id_field=self._id_field,
            created_field=self._created_field,
            clock=self._client._clock,
        )
        reads = _reads(for_reads(options))
        if not unique:
            async for _, page in self._pages_back(lookup, reads):
                lookup.note_existing(page.rows)
        return lambda: self._find(lookup, reads)

    async def _pages_back(
        self, lookup: Lookup, reads: dict[str, Any]
    ) -> AsyncIterator[tuple[APIResponse[Any], Any]]:
        cursor = PageCursor(self._lookup_page_size)
        read_page = async_to_raw_response_wrapper(self.list)
        while (page_num := cursor.next_page()) is not None:
            answer = await read_page(page_num=page_num, page_size=self._lookup_page_size, **reads)
            page = answer.parse()
            cursor.record(page)
            yield answer, page
            if lookup.passed(page.rows):
                return

    async def _find(self, lookup: Lookup, reads: dict[str, Any]) -> Found | None:
        answer = await async_to_raw_response_wrapper(self.list_processing)(**reads)
        task = lookup.first_match(answer.parse())
        if task is not None:
            return Found(task, answer)
        async for answer, page in self._pages_back(lookup, reads):
            task = lookup.first_match(page.rows)
            if task is not None:
                return Found(task, answer)
        return None


# The async helpers say what the sync ones say (one statement of each rule).
AsyncTaskResource.wait.__doc__ = (SyncTaskResource.wait.__doc__ or "").replace(
    "on_update: Called with the record whenever its status changes.",
    "on_update: Called with the record whenever its status changes; when it returns an\n"
    "                awaitable (a coroutine function), that is awaited before polling goes on.",
)
AsyncTaskResource.iter.__doc__ = (SyncTaskResource.iter.__doc__ or "").replace(
    "page after page (one request per page)", "page after page (one request per page; `async for`)"
)
AsyncTaskResource.batch.__doc__ = (
    (SyncTaskResource.batch.__doc__ or "")
    .replace("`for event in client.dubbing.batch(", "`async for event in client.dubbing.batch(")
    .replace(
        "the events\n        come while iterating (this runs the async batch on a thread of its own, with an\n        `AsyncA2E` made with this client's key, base URL and settings; its `on_retry` is\n        called on that thread). Leaving the loop stops the batch where it is.",
        "the events\n        come while iterating; leaving the loop stops the batch where it is.",
    )
)
