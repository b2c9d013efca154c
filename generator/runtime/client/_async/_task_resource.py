"""`wait`, `iter`, `batch` and the look-up of a lost start, for a resource of long-running
tasks (`x-a2e-behaviour: tasks`); the decisions are `_task_resource`'s, this only loops."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Generic

from .._base_client import AsyncResource
from .._errors import A2EError
from .._lookup import Found, Lookup
from .._options import NOT_GIVEN, Body, Headers, NotGiven, Query, RequestOptions, for_reads
from .._response import APIResponse, async_to_raw_response_wrapper
from .._retry import AsyncCall
from .._runtime import async_notify
from .._task_resource import PageCursor, Polling, TaskT, _reads
from ._download import AsyncDownloadMixin

if TYPE_CHECKING:
    import httpx

    from .._batch import AsyncBatch
    from .._batch_spec import Job


class AsyncTaskResource(AsyncResource, AsyncDownloadMixin[TaskT], Generic[TaskT]):
    """Adds `wait`, `iter` and `download` to a resource with `get`, `list` and `list_processing`, and
    the look-up of a start whose answer was lost."""

    # Set by the generated resource, from the spec: the record's id and creation-time
    # attributes, and the largest page the list operation allows.
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
        """Poll the task until it is `completed` and return it.

        Args:
            task_id: The id of the task.
            timeout: Seconds to wait in all. It also bounds each poll's request and its
                retries, so `wait` ends on time even against a slow server.
            poll_interval: Seconds between the first two polls; the interval grows by
                half each time.
            max_poll_interval: The longest interval between two polls.
            on_update: Called with the record whenever its status changes (an async client
                awaits what it returns when that is awaitable).
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
        import asyncio

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
                await async_notify(on_update, task)
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
        """Many tasks at once, resumable after any crash: `async for event in client.dubbing.batch(
        jobs, out="dubbed/")` starts each job, follows every task with one poll, saves each
        result as soon as it is done, and yields what happens (`BatchEvent`s, the last a
        `BatchFinished` with the summary).

        A journal (SQLite, `out/.a2e-batch.sqlite3` by default) records each step: a job's
        intent is committed before its start is sent, its task's id after. Running the same
        jobs into the same folder again goes on where a run stopped, even after `kill -9`:
        finished jobs are skipped, started ones followed, and a start whose answer was lost
        is looked up by its task's unique name (`<stem>.<split>.<hash>`), never sent again
        blindly. The plan is checked when the batch is made (`BatchPlanError`); the events
        come while iterating (the sync client runs the async batch on a thread of its own,
        with an async client of its key, base URL and settings; its `on_retry` is called on
        that thread). Leaving the loop stops the batch where it is.

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
        from .._batch import AsyncBatch, settings

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
    ) -> AsyncCall[Found | None]:
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
            async for _, page in self._pages_back(lookup, reads):
                lookup.note_existing(page.rows)
        return lambda: self._find(lookup, reads)

    async def _pages_back(
        self, lookup: Lookup, reads: dict[str, Any]
    ) -> AsyncIterator[tuple[APIResponse[Any], Any]]:
        """The pages of all tasks, newest first, until one reaches back before the call."""
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
