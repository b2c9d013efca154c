"""`client.dubbing.batch(jobs, out=...)`: many dubbings, resumable after any crash.

`AsyncA2E().dubbing.batch(...)` is an `AsyncBatch`: `async for event in batch` runs it and
yields its events (`_batch_events`). `A2E().dubbing.batch(...)` is a `SyncBatch` yielding
the same events: it runs the async batch on a thread of its own, with an `AsyncA2E` made
with the client's key, base URL and settings (not a caller's own `http_client`). How a run
goes: `_batch_run`; the plan: `_batch_plan`; the journal: `_batch_journal`.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import queue
import threading
from collections.abc import AsyncIterator, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._batch_events import BatchEvent, BatchFinished, BatchSummary
from ._batch_journal import JOURNAL_NAME
from ._batch_plan import Plan, plan
from ._batch_run import Engine, Settings
from ._batch_spec import Job
from ._options import Body, Headers, NotGiven, Query

if TYPE_CHECKING:
    import httpx

    from ._async._http import AsyncAPIClient
    from ._sync._http import SyncAPIClient

PathLike = str | os.PathLike[str]


def settings(
    *,
    out: PathLike,
    journal: PathLike | None,
    resume: bool,
    retry_failed: bool,
    max_coins: float | None,
    overwrite: bool,
    max_starts: int,
    max_downloads: int,
    max_uploads: int,
    poll_interval: float,
    max_poll_interval: float,
    timeout: float | httpx.Timeout | NotGiven | None,
    max_retries: int | NotGiven,
    extra_headers: Headers | None,
    extra_query: Query | None,
    extra_body: Body | None,
) -> Settings:
    """The settings of a batch from the keywords of `dubbing.batch`."""
    folder = Path(os.fspath(out))
    per_call: dict[str, Any] = {}
    if not isinstance(timeout, NotGiven):
        per_call["timeout"] = timeout
    if not isinstance(max_retries, NotGiven):
        per_call["max_retries"] = max_retries
    for name, value in (
        ("extra_headers", extra_headers),
        ("extra_query", extra_query),
        ("extra_body", extra_body),
    ):
        if value is not None:
            per_call[name] = value
    return Settings(
        out=folder,
        journal=Path(os.fspath(journal)) if journal is not None else folder / JOURNAL_NAME,
        resume=resume,
        retry_failed=retry_failed,
        max_coins=max_coins,
        overwrite=overwrite,
        max_starts=max_starts,
        max_downloads=max_downloads,
        max_uploads=max_uploads,
        poll_interval=poll_interval,
        max_poll_interval=max_poll_interval,
        per_call=per_call,
    )


class AsyncBatch:
    """A batch of `AsyncA2E`: `async for event in batch` runs it and yields its events.

    The plan is made (and checked) when the batch is made; nothing is sent before the
    iteration begins. Leaving the loop early, or cancelling it, stops the batch where it
    is: the journal keeps every step, the tasks started go on at A2E, and the next run
    with the same jobs and folder takes up from there.
    """

    def __init__(
        self, client: AsyncAPIClient, jobs: Iterable[Job] | Plan, options: Settings
    ) -> None:
        self._client = client
        self.plan = jobs if isinstance(jobs, Plan) else plan(jobs)
        self.settings = options
        self.summary: BatchSummary | None = None
        self._engine: Engine | None = None
        self._stop_asked = False

    def stop_starting(self) -> None:
        """Start no more jobs; those started are still followed and their files saved."""
        self._stop_asked = True
        if self._engine is not None:
            self._engine.stop_starting()

    async def run(self) -> BatchSummary:
        """Run the batch to its end, ignoring the events; its summary."""
        async for _ in self:
            pass
        assert self.summary is not None
        return self.summary

    def __aiter__(self) -> AsyncIterator[BatchEvent]:
        return self._events()

    async def _events(self) -> AsyncIterator[BatchEvent]:
        events: asyncio.Queue[BatchEvent | None] = asyncio.Queue()
        engine = Engine(self._client, self.plan, self.settings, events.put_nowait)
        self._engine = engine
        if self._stop_asked:
            engine.stop_starting()

        async def run() -> BatchSummary:
            try:
                return await engine.run()
            finally:
                events.put_nowait(None)

        running = asyncio.ensure_future(run())
        try:
            while (event := await events.get()) is not None:
                yield event
            summary = await running
        finally:
            if not running.done():
                running.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await running
        self.summary = summary
        yield BatchFinished(summary)

    def progress(self) -> BatchSummary | None:
        """Where each job is now (during the run, or after it was stopped)."""
        return None if self._engine is None else self._engine.summary()


class SyncBatch:
    """A batch of `A2E`: `for event in batch` runs it (on a thread of its own) and yields its
    events. As `AsyncBatch`; leaving the loop early stops the batch where it is."""

    def __init__(self, client: SyncAPIClient, jobs: Iterable[Job], options: Settings) -> None:
        self._client = client
        self.plan = plan(jobs)
        self.settings = options
        self.summary: BatchSummary | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._batch: AsyncBatch | None = None
        self._stop_asked = False

    def stop_starting(self) -> None:
        """Start no more jobs (safe from any thread)."""
        self._stop_asked = True
        loop, batch = self._loop, self._batch
        if loop is not None and batch is not None:
            loop.call_soon_threadsafe(batch.stop_starting)

    def run(self) -> BatchSummary:
        """Run the batch to its end, ignoring the events; its summary."""
        for _ in self:
            pass
        assert self.summary is not None
        return self.summary

    def __iter__(self) -> Iterator[BatchEvent]:
        events: queue.Queue[tuple[str, Any]] = queue.Queue()
        ready = threading.Event()
        holder: dict[str, Any] = {}

        async def main() -> None:
            async with _async_twin(self._client) as client:
                batch = AsyncBatch(client, self.plan, self.settings)
                self._batch, self._loop = batch, asyncio.get_running_loop()
                holder["task"] = asyncio.current_task()
                if self._stop_asked:
                    batch.stop_starting()
                ready.set()
                async for event in batch:
                    events.put(("event", event))
                self.summary = batch.summary

        def work() -> None:
            try:
                asyncio.run(main())
            except BaseException as error:  # handed to the caller's thread
                events.put(("error", error))
            else:
                events.put(("done", None))
            finally:
                ready.set()

        thread = threading.Thread(target=work, name="a2e-dubbing-batch", daemon=True)
        thread.start()
        try:
            while True:
                kind, value = events.get()
                if kind == "done":
                    return
                if kind == "error":
                    if isinstance(value, asyncio.CancelledError):
                        return
                    raise value
                yield value
        finally:
            ready.wait()
            task, loop = holder.get("task"), self._loop
            if thread.is_alive() and task is not None and loop is not None:
                with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                    loop.call_soon_threadsafe(task.cancel)
            thread.join()


@contextlib.asynccontextmanager
async def _async_twin(client: SyncAPIClient) -> AsyncIterator[Any]:
    """An `AsyncA2E` with the key, base URL, headers and settings of the sync `client`."""
    from ._client import AsyncA2E

    key = str(client._headers.get("Authorization", "")).removeprefix("Bearer ").strip()
    twin = AsyncA2E(
        api_key=key,
        base_url=client.base_url,
        timeout=client.timeout,
        max_retries=client.max_retries,
        max_response_bytes=client.max_response_bytes,
        on_retry=client.on_retry,
    )
    twin._headers = dict(client._headers)
    try:
        yield twin
    finally:
        await twin.close()
