"""Upload a local file through a presigned URL (see `_upload`): the file's chunks, the
PUT with its retries, and `upload` of the presign operation's resource."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from .. import _retry
from .._options import NOT_GIVEN, Body, Headers, NotGiven, Query
from .._runtime import async_in_thread, async_notify
from .._upload import (
    CHUNK_SIZE,
    MAX_ERROR_BYTES,
    PathLike,
    ProgressCallback,
    Source,
    UploadSourceError,
    _attempts,
    _policy,
    _Put,
    _reads,
    _retrying,
    _secrets_of,
    upload_key,
)

if TYPE_CHECKING:
    import httpx

    from .._retry import Attempts, RetryPolicy
    from ._http import AsyncAPIClient


async def chunks(source: Source, progress: ProgressCallback | None) -> AsyncIterator[bytes]:
    """The file's bytes, in chunks, exactly `size` of them."""

    async def report(sent: int) -> None:
        if progress is not None:
            await async_notify(progress, sent, source.size)

    sent = 0
    stream = await async_in_thread(source.open)
    try:
        await report(0)
        while sent < source.size:
            chunk = await async_in_thread(stream.read, min(CHUNK_SIZE, source.size - sent))
            if not chunk:
                raise UploadSourceError(
                    f"cannot upload {source.path}: it shrank while being uploaded",
                    path=source.path,
                )
            sent += len(chunk)
            yield chunk
            await report(sent)
    finally:
        stream.close()


async def put(
    http: httpx.AsyncClient,
    upload: _Put,
    *,
    timeout: Any,
    policy: RetryPolicy,
    attempts: Attempts,
    on_progress: ProgressCallback | None,
) -> None:
    """PUT the file of `upload`, retrying as `_upload` says."""
    import httpx
    import tenacity

    async def attempt() -> None:
        request = upload.request(http, chunks(upload.source, on_progress), timeout)
        try:
            response = await http.send(request, stream=True)
            try:
                content = b""
                if not response.is_success:
                    kept = bytearray()
                    async for chunk in response.aiter_bytes():
                        kept += chunk[: MAX_ERROR_BYTES - len(kept)]
                        if len(kept) >= MAX_ERROR_BYTES:
                            break
                    content = bytes(kept)
            finally:
                await response.aclose()
        except (httpx.HTTPError, httpx.StreamError) as error:
            raise upload.connection_error(error) from error
        upload.failed_status(response.status_code)
        if upload.answered(response.status_code, response.headers, content):
            return
        try:
            head = http.build_request("HEAD", upload.url, timeout=timeout)
            head.headers.pop("Authorization", None)
            answer = await http.send(head)
        except httpx.HTTPError as error:
            raise upload.connection_error(error) from error
        upload.confirmed(answer.status_code, answer.headers)

    await tenacity.AsyncRetrying(
        sleep=lambda s: _retry._async_sleep(s), **_retrying(policy, attempts)
    )(attempt)


class AsyncUploadMixin:
    """Adds `upload` to the resource of the spec's presign operation (`x-a2e-presign`)."""

    _client: AsyncAPIClient

    async def _presign(self, name: str, options: dict[str, Any]) -> tuple[str, str]:
        """(URL to PUT to, the file's URL) of a new presigned upload (generated)."""
        raise NotImplementedError

    async def upload(
        self,
        path: PathLike,
        *,
        content_type: str | None = None,
        on_progress: ProgressCallback | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
    ) -> str:
        """Upload a local file to A2E's storage and return the URL where it is served.

        Use the URL as a task's `source_url` (`dubbing.start` takes the `Path` itself and
        does this first). The file is streamed in chunks of 256 KiB: memory stays constant
        whatever its size.

        Args:
            path: The local file (a `str` or `os.PathLike`).
            content_type: Its media type; by default guessed from its extension
                (`application/octet-stream` when unknown).
            on_progress: Called as `on_progress(bytes_sent, total)` before the first chunk
                and after each one (from 0 again when a retry starts over); an async client
                awaits what it returns when that is awaitable, and reads the file in a worker
                thread.
            timeout: Timeout of the presign request and of each read and write of the
                upload (the client's by default).
            max_retries: Retries of the presign request and of the upload (the client's by
                default).
            extra_headers: Headers to add to the presign request (never sent to the
                storage, which gets no header of the client).
            extra_query: Query parameters to add to the presign request.
            extra_body: JSON properties to add to the presign request's body.

        Returns:
            The file's URL (no signature in it: it is the address A2E fetches).

        Raises:
            UploadSourceError: The file cannot be read (nothing was sent).
            UploadHTTPError: The storage refused the upload (`status_code`).
            UploadConnectionError: The storage could not be reached, or stopped answering.
            APIError: A2E refused the presign request.

        Retries: the presign request is idempotent; the upload is sent again, from the
        start of the file, after a connection error, a timeout, 408, 429 or a 5xx. A
        presigned URL takes one upload: when a retry finds it used after an attempt whose
        answer was lost, a file of the same size at the file's URL means that attempt
        stored it.
        """
        source = Source.of(path, content_type)
        options = _reads(timeout, max_retries, extra_headers, extra_query, extra_body)
        put_url, url = await self._presign(upload_key(source.path), options)
        client = self._client
        await put(
            client._http,
            _Put(put_url, url, source, _secrets_of(client)),
            timeout=client.timeout if isinstance(timeout, NotGiven) else timeout,
            policy=_policy(client, max_retries),
            attempts=_attempts(client),
            on_progress=on_progress,
        )
        return url
