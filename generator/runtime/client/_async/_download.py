"""Save a task's result to disk (see `_download`): the fetch, and `download` of a
resource of tasks."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic

from .._download import (
    CHUNK_SIZE,
    Destination,
    PathLike,
    ProgressCallback,
    RecordT,
    _Fetch,
    _secrets_of,
    _Sink,
    result_file_name,
    result_url_of,
)
from .._options import NOT_GIVEN, Body, Headers, NotGiven, Query
from .._runtime import async_notify

if TYPE_CHECKING:
    import httpx

    from ._http import AsyncAPIClient


async def download(
    http: httpx.AsyncClient,
    task: Any,
    destination: Destination,
    *,
    timeout: Any,
    on_progress: ProgressCallback | None = None,
    secrets: tuple[str, ...] = (),
) -> Path:
    """Stream the result of `task` (a record with a result URL) to `destination`."""
    import httpx

    async def progress(received: int, total: int | None) -> None:
        if on_progress is not None:
            await async_notify(on_progress, received, total)

    fetch = _Fetch(result_url_of(task))
    try:
        request: httpx.Request | None = fetch.first_request(http, timeout)
        while request is not None:
            response = await http.send(request, stream=True, follow_redirects=False)
            try:
                request = fetch.follow(response)
            except BaseException:
                await response.aclose()
                raise
            if request is not None:
                await response.aclose()
        try:
            total = fetch.check_status(response)
            content_type = response.headers.get("content-type")
            name = result_file_name(task, content_type, fetch.url, secrets=secrets)
            sink = _Sink(destination.target(name), overwrite=destination.overwrite)
            try:
                await progress(0, total)
                async for chunk in response.aiter_bytes(CHUNK_SIZE):
                    sink.write(chunk)
                    await progress(response.num_bytes_downloaded, total)
                fetch.check_complete(response.num_bytes_downloaded, total)
                sink.commit()
            except BaseException:
                sink.discard()
                raise
        finally:
            await response.aclose()
    except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as error:
        raise fetch.connection_error(error) from error
    return sink.target


class AsyncDownloadMixin(Generic[RecordT]):
    """Adds `download` to a resource of tasks whose records carry a result URL."""

    _client: AsyncAPIClient

    if TYPE_CHECKING:

        async def get(
            self,
            task_id: str,
            *,
            extra_headers: Headers | None = None,
            extra_query: Query | None = None,
            extra_body: Body | None = None,
            timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
            max_retries: int | NotGiven = NOT_GIVEN,
        ) -> Any: ...

    async def download(
        self,
        task_or_id: RecordT | str,
        path: PathLike,
        *,
        overwrite: bool = False,
        on_progress: ProgressCallback | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
    ) -> Path:
        """Save the result of a completed task and return the file's path.

        Args:
            task_or_id: the task record (from `get`, `wait`, ...) or its id (then it is
                read first).
            path: a file, or a folder (an existing one, or any path ending with a
                separator: it is made) where the file is named `<task name or id>.<ext>`,
                the extension following the result's Content-Type.
            overwrite: replace an existing file (by default that is a
                `DestinationExistsError`).
            on_progress: called as `on_progress(bytes_received, total_or_None)` before
                the first chunk and after each one.
            timeout: Timeout of the read of the task and of each read of the file (the
                client's by default).
            max_retries: Retries of the read of the task (the client's by default); the
                file is fetched once.
            extra_headers: Headers to add to the read of the task (never sent to the
                result URL, which is signed: no header of the client goes there).
            extra_query: Query parameters to add to the read of the task.
            extra_body: JSON properties to send with the read of the task.

        The file appears under its name only when complete (a hidden `.part` file is
        renamed). Each read of the answer waits at most the client's timeout. Raises a
        `DownloadError`: `ResultNotReadyError` (the task has no result yet),
        `DownloadURLError`, `DownloadHTTPError` (e.g. an expired URL),
        `DownloadConnectionError`, `DestinationError` or `DestinationExistsError`. An async
        client awaits what `on_progress` returns when that is awaitable, and writes the file
        with blocking calls between network reads (chunks of 64 KiB).
        """
        destination = Destination(path, overwrite=overwrite)
        destination.check()
        task = (
            await self.get(
                task_or_id,
                timeout=timeout,
                max_retries=max_retries,
                extra_headers=extra_headers,
                extra_query=extra_query,
                extra_body=extra_body,
            )
            if isinstance(task_or_id, str)
            else task_or_id
        )
        return await download(
            self._client._http,
            task,
            destination,
            timeout=self._client.timeout if isinstance(timeout, NotGiven) else timeout,
            on_progress=on_progress,
            secrets=_secrets_of(self._client),
        )
