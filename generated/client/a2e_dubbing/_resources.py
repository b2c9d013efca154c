"""The resources of `A2E` and `AsyncA2E`: one method per operation of the spec.

Each method builds its request with the operation's module in `api/` and parses the
`data` of the answer with the generated models; retries and errors are `_base_client`'s.
Every method takes the per-call options (`extra_headers`, `extra_query`, `extra_body`,
`timeout`, `max_retries`), and `with_raw_response` gives the same methods returning the
HTTP answer (`APIResponse`).
"""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING

from . import _options, _resource, _response, _runtime, _tasks

if TYPE_CHECKING:
    import httpx

    from .models import (
        DubbingTask,
        DubbingTaskPage,
        Language,
        RemainingCoins,
        TransferResult,
    )


class Dubbing(_tasks.SyncTaskResource["DubbingTask"]):
    """Start, follow and delete dubbing tasks."""

    _id_field = "id"
    _created_field = "created_at"
    _lookup_page_size = 100

    @property
    def with_raw_response(self) -> DubbingWithRawResponse:
        """The same methods, each returning the HTTP answer (`APIResponse`: status,
        headers, A2E's `trace_id`, the request) instead; its `parse()` gives the result."""
        return DubbingWithRawResponse(self)

    def start(
        self,
        source_url: str,
        target_lang: str,
        *,
        name: str | None = None,
        source_lang: str = "auto",
        num_speakers: int = 1,
        drop_background_audio: bool = False,
        extra_headers: _options.Headers | None = None,
        extra_query: _options.Query | None = None,
        extra_body: _options.Body | None = None,
        timeout: float | httpx.Timeout | _options.NotGiven | None = _options.NOT_GIVEN,
        max_retries: int | _options.NotGiven = _options.NOT_GIVEN,
    ) -> DubbingTask:
        """Start dubbing.

        Convert the audio in one language to another. The input is an audio URL, or a video
        URL whose audio is extracted. The voice is cloned from the input and the translation
        is spoken with it. Choose `source_lang`, `target_lang` and `num_speakers` with care.
        To change the lip motion of a video as well, pass the dubbed audio to A2E's avatar
        video API (`/api/v1/video/generate`), which is outside this document.

        The answer is the whole task record, usually with `current_status` `initialized` or
        `sent`; follow it with Get details until it is `completed` or `failed`.

        **This call spends credits.** Sending it twice starts two paid tasks.

        Args:
            source_url: URL of the audio, or of a video whose audio is used.
            target_lang: A language code such as `en`, `zh` or `pt-BR`: one of the `value`s that
                List available languages answers.
            name: A name for the task, shown in A2E's web UI (limits are our choice).
            source_lang: The language spoken in the source, or `auto` to let A2E detect it.
            num_speakers: How many different voices the input has (the maximum is our choice).
                At most 50.
            drop_background_audio: Leave out the input's music and noise in the result.
            extra_headers: Headers to add to the request, or to replace.
            extra_query: Query parameters to add to the request.
            extra_body: JSON properties to add to the request body (sent as one when the
                operation has none).
            timeout: Timeout of this call's requests, in seconds or as an `httpx.Timeout`
                (which, as in httpx, bounds each connect, read and write); `None` for none. The
                client's by default.
            max_retries: How many times this call may be sent again (the client's by default).

        Returns:
            DubbingTask

        Retries: not idempotent, so sent again without a look-up only when the request provably
        never reached A2E. After any other retryable failure (a timeout, a dropped connection,
        408, 409, 429, 5xx) the record may exist although no success answer came: the client
        looks for it (same `name`, `source_url`, `target_lang`, made since the call began by
        A2E's clock, and not one that existed before) and returns it; it sends again only when
        none is there. Without `name`, a unique one is sent, which makes the look-up exact; with
        your own `name`, the client first reads the newest records (one more request) to tell
        this call's from older ones.

        Spec: operation `startDubbing` (`POST /api/v1/userDubbing/startDubbing`), where its
        evidence and open questions are noted.
        """
        from .api.dubbing import start_dubbing as _op
        from .models import DubbingTask, StartDubbingRequest

        options = _options.options(extra_headers, extra_query, extra_body, timeout, max_retries)
        unique = name is None
        if name is None:
            name = _runtime.unique_name()
        body = StartDubbingRequest(
            source_url=source_url,
            target_lang=target_lang,
            name=name,
            source_lang=source_lang,
            num_speakers=num_speakers,
            drop_background_audio=drop_background_audio,
        )
        lookup = self._start_lookup(
            {
                "name": name,
                "source_url": source_url,
                "target_lang": target_lang,
            },
            unique=unique,
            options=options,
        )
        return self._client._request(
            _op._get_kwargs(
                body=body,
            ),
            parse=_runtime.object_of(DubbingTask.from_dict),
            options=options,
            operation="startDubbing",
            idempotent=False,
            recover=lookup,
        )

    def list(
        self,
        *,
        page_num: int = 1,
        page_size: int = 10,
        extra_headers: _options.Headers | None = None,
        extra_query: _options.Query | None = None,
        extra_body: _options.Body | None = None,
        timeout: float | httpx.Timeout | _options.NotGiven | None = _options.NOT_GIVEN,
        max_retries: int | _options.NotGiven = _options.NOT_GIVEN,
    ) -> DubbingTaskPage:
        """List dubbing tasks.

        One page of the caller's dubbing tasks, newest first, with the total count.

        Args:
            page_num: Page number, from 1. At most 1000000.
            page_size: Tasks per page. At most 100.
            extra_headers: Headers to add to the request, or to replace.
            extra_query: Query parameters to add to the request.
            extra_body: JSON properties to add to the request body (sent as one when the
                operation has none).
            timeout: Timeout of this call's requests, in seconds or as an `httpx.Timeout`
                (which, as in httpx, bounds each connect, read and write); `None` for none. The
                client's by default.
            max_retries: How many times this call may be sent again (the client's by default).

        Returns:
            DubbingTaskPage

        Retries: idempotent, so retried on connection errors, timeouts, 408, 409, 429 and 5xx,
        up to `max_retries` times, with jittered backoff or as long as `Retry-After` asks (at
        most 60 s).

        Spec: operation `listDubbingTasks` (`GET /api/v1/userDubbing/allRecords`), where its
        evidence and open questions are noted.
        """
        from .api.dubbing import list_dubbing_tasks as _op
        from .models import DubbingTaskPage

        options = _options.options(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._client._request(
            _op._get_kwargs(
                page_num=page_num,
                page_size=page_size,
            ),
            parse=_runtime.object_of(DubbingTaskPage.from_dict),
            options=options,
            operation="listDubbingTasks",
        )

    def list_processing(
        self,
        *,
        extra_headers: _options.Headers | None = None,
        extra_query: _options.Query | None = None,
        extra_body: _options.Body | None = None,
        timeout: float | httpx.Timeout | _options.NotGiven | None = _options.NOT_GIVEN,
        max_retries: int | _options.NotGiven = _options.NOT_GIVEN,
    ) -> builtins.list[DubbingTask]:
        """List all processing dubbing tasks.

        Every task of the caller that has not finished yet (`initialized`, `sent` or
        `processing`), without paging.

        Args:
            extra_headers: Headers to add to the request, or to replace.
            extra_query: Query parameters to add to the request.
            extra_body: JSON properties to add to the request body (sent as one when the
                operation has none).
            timeout: Timeout of this call's requests, in seconds or as an `httpx.Timeout`
                (which, as in httpx, bounds each connect, read and write); `None` for none. The
                client's by default.
            max_retries: How many times this call may be sent again (the client's by default).

        Returns:
            list[DubbingTask]

        Retries: idempotent, so retried on connection errors, timeouts, 408, 409, 429 and 5xx,
        up to `max_retries` times, with jittered backoff or as long as `Retry-After` asks (at
        most 60 s).

        Spec: operation `listProcessingDubbingTasks` (`GET
        /api/v1/userDubbing/processingRecord`), where its evidence and open questions are noted.
        """
        from .api.dubbing import list_processing_dubbing_tasks as _op
        from .models import DubbingTask

        options = _options.options(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._client._request(
            _op._get_kwargs(),
            parse=_runtime.list_of(DubbingTask.from_dict),
            options=options,
            operation="listProcessingDubbingTasks",
        )

    def get(
        self,
        task_id: str,
        *,
        extra_headers: _options.Headers | None = None,
        extra_query: _options.Query | None = None,
        extra_body: _options.Body | None = None,
        timeout: float | httpx.Timeout | _options.NotGiven | None = _options.NOT_GIVEN,
        max_retries: int | _options.NotGiven = _options.NOT_GIVEN,
    ) -> DubbingTask:
        """Get details.

        The record of one dubbing task: its status, and `result_url` once `completed`.
        Result URLs are signed and said to expire after about 3 days (third-party).

        Args:
            task_id: The `_id` of a dubbing task.
            extra_headers: Headers to add to the request, or to replace.
            extra_query: Query parameters to add to the request.
            extra_body: JSON properties to add to the request body (sent as one when the
                operation has none).
            timeout: Timeout of this call's requests, in seconds or as an `httpx.Timeout`
                (which, as in httpx, bounds each connect, read and write); `None` for none. The
                client's by default.
            max_retries: How many times this call may be sent again (the client's by default).

        Returns:
            DubbingTask

        Retries: idempotent, so retried on connection errors, timeouts, 408, 409, 429 and 5xx,
        up to `max_retries` times, with jittered backoff or as long as `Retry-After` asks (at
        most 60 s).

        Spec: operation `getDubbingTask` (`GET /api/v1/userDubbing/detail`), where its evidence
        and open questions are noted.
        """
        from .api.dubbing import get_dubbing_task as _op
        from .models import DubbingTask

        options = _options.options(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._client._request(
            _op._get_kwargs(
                field_id=task_id,
            ),
            parse=_runtime.object_of(DubbingTask.from_dict),
            options=options,
            operation="getDubbingTask",
        )

    def delete(
        self,
        task_id: str,
        *,
        extra_headers: _options.Headers | None = None,
        extra_query: _options.Query | None = None,
        extra_body: _options.Body | None = None,
        timeout: float | httpx.Timeout | _options.NotGiven | None = _options.NOT_GIVEN,
        max_retries: int | _options.NotGiven = _options.NOT_GIVEN,
    ) -> None:
        """Delete record.

        Delete one dubbing task record (and cancel it if it is still running).

        Args:
            task_id: The `_id` of a dubbing task.
            extra_headers: Headers to add to the request, or to replace.
            extra_query: Query parameters to add to the request.
            extra_body: JSON properties to add to the request body (sent as one when the
                operation has none).
            timeout: Timeout of this call's requests, in seconds or as an `httpx.Timeout`
                (which, as in httpx, bounds each connect, read and write); `None` for none. The
                client's by default.
            max_retries: How many times this call may be sent again (the client's by default).

        Returns:
            None

        Retries: idempotent, so retried on connection errors, timeouts, 408, 409, 429 and 5xx,
        up to `max_retries` times, with jittered backoff or as long as `Retry-After` asks (at
        most 60 s). A 404 on a retry after an answer was lost means an earlier attempt deleted
        it: that is success.

        Spec: operation `deleteDubbingTask` (`DELETE /api/v1/userDubbing/{_id}`), where its
        evidence and open questions are noted.
        """
        from .api.dubbing import delete_dubbing_task as _op

        options = _options.options(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._client._request(
            _op._get_kwargs(
                field_id=task_id,
            ),
            parse=_runtime.ignore_data,
            options=options,
            operation="deleteDubbingTask",
            gone_is_done=True,
        )


class DubbingWithRawResponse:
    """`client.dubbing.with_raw_response`: the methods of `Dubbing`, each
    returning an `APIResponse` whose `parse()` gives what the method returns."""

    def __init__(self, resource: Dubbing) -> None:
        self.start = _response.to_raw_response_wrapper(resource.start)
        self.list = _response.to_raw_response_wrapper(resource.list)
        self.list_processing = _response.to_raw_response_wrapper(resource.list_processing)
        self.get = _response.to_raw_response_wrapper(resource.get)
        self.delete = _response.to_raw_response_wrapper(resource.delete)


class AsyncDubbing(_tasks.AsyncTaskResource["DubbingTask"]):
    """Start, follow and delete dubbing tasks."""

    _id_field = "id"
    _created_field = "created_at"
    _lookup_page_size = 100

    @property
    def with_raw_response(self) -> AsyncDubbingWithRawResponse:
        """The same methods, each returning the HTTP answer (`APIResponse`: status,
        headers, A2E's `trace_id`, the request) instead; its `parse()` gives the result."""
        return AsyncDubbingWithRawResponse(self)

    async def start(
        self,
        source_url: str,
        target_lang: str,
        *,
        name: str | None = None,
        source_lang: str = "auto",
        num_speakers: int = 1,
        drop_background_audio: bool = False,
        extra_headers: _options.Headers | None = None,
        extra_query: _options.Query | None = None,
        extra_body: _options.Body | None = None,
        timeout: float | httpx.Timeout | _options.NotGiven | None = _options.NOT_GIVEN,
        max_retries: int | _options.NotGiven = _options.NOT_GIVEN,
    ) -> DubbingTask:
        """Start dubbing.

        Convert the audio in one language to another. The input is an audio URL, or a video
        URL whose audio is extracted. The voice is cloned from the input and the translation
        is spoken with it. Choose `source_lang`, `target_lang` and `num_speakers` with care.
        To change the lip motion of a video as well, pass the dubbed audio to A2E's avatar
        video API (`/api/v1/video/generate`), which is outside this document.

        The answer is the whole task record, usually with `current_status` `initialized` or
        `sent`; follow it with Get details until it is `completed` or `failed`.

        **This call spends credits.** Sending it twice starts two paid tasks.

        Args:
            source_url: URL of the audio, or of a video whose audio is used.
            target_lang: A language code such as `en`, `zh` or `pt-BR`: one of the `value`s that
                List available languages answers.
            name: A name for the task, shown in A2E's web UI (limits are our choice).
            source_lang: The language spoken in the source, or `auto` to let A2E detect it.
            num_speakers: How many different voices the input has (the maximum is our choice).
                At most 50.
            drop_background_audio: Leave out the input's music and noise in the result.
            extra_headers: Headers to add to the request, or to replace.
            extra_query: Query parameters to add to the request.
            extra_body: JSON properties to add to the request body (sent as one when the
                operation has none).
            timeout: Timeout of this call's requests, in seconds or as an `httpx.Timeout`
                (which, as in httpx, bounds each connect, read and write); `None` for none. The
                client's by default.
            max_retries: How many times this call may be sent again (the client's by default).

        Returns:
            DubbingTask

        Retries: not idempotent, so sent again without a look-up only when the request provably
        never reached A2E. After any other retryable failure (a timeout, a dropped connection,
        408, 409, 429, 5xx) the record may exist although no success answer came: the client
        looks for it (same `name`, `source_url`, `target_lang`, made since the call began by
        A2E's clock, and not one that existed before) and returns it; it sends again only when
        none is there. Without `name`, a unique one is sent, which makes the look-up exact; with
        your own `name`, the client first reads the newest records (one more request) to tell
        this call's from older ones.

        Spec: operation `startDubbing` (`POST /api/v1/userDubbing/startDubbing`), where its
        evidence and open questions are noted.
        """
        from .api.dubbing import start_dubbing as _op
        from .models import DubbingTask, StartDubbingRequest

        options = _options.options(extra_headers, extra_query, extra_body, timeout, max_retries)
        unique = name is None
        if name is None:
            name = _runtime.unique_name()
        body = StartDubbingRequest(
            source_url=source_url,
            target_lang=target_lang,
            name=name,
            source_lang=source_lang,
            num_speakers=num_speakers,
            drop_background_audio=drop_background_audio,
        )
        lookup = await self._start_lookup(
            {
                "name": name,
                "source_url": source_url,
                "target_lang": target_lang,
            },
            unique=unique,
            options=options,
        )
        return await self._client._request(
            _op._get_kwargs(
                body=body,
            ),
            parse=_runtime.object_of(DubbingTask.from_dict),
            options=options,
            operation="startDubbing",
            idempotent=False,
            recover=lookup,
        )

    async def list(
        self,
        *,
        page_num: int = 1,
        page_size: int = 10,
        extra_headers: _options.Headers | None = None,
        extra_query: _options.Query | None = None,
        extra_body: _options.Body | None = None,
        timeout: float | httpx.Timeout | _options.NotGiven | None = _options.NOT_GIVEN,
        max_retries: int | _options.NotGiven = _options.NOT_GIVEN,
    ) -> DubbingTaskPage:
        """List dubbing tasks.

        One page of the caller's dubbing tasks, newest first, with the total count.

        Args:
            page_num: Page number, from 1. At most 1000000.
            page_size: Tasks per page. At most 100.
            extra_headers: Headers to add to the request, or to replace.
            extra_query: Query parameters to add to the request.
            extra_body: JSON properties to add to the request body (sent as one when the
                operation has none).
            timeout: Timeout of this call's requests, in seconds or as an `httpx.Timeout`
                (which, as in httpx, bounds each connect, read and write); `None` for none. The
                client's by default.
            max_retries: How many times this call may be sent again (the client's by default).

        Returns:
            DubbingTaskPage

        Retries: idempotent, so retried on connection errors, timeouts, 408, 409, 429 and 5xx,
        up to `max_retries` times, with jittered backoff or as long as `Retry-After` asks (at
        most 60 s).

        Spec: operation `listDubbingTasks` (`GET /api/v1/userDubbing/allRecords`), where its
        evidence and open questions are noted.
        """
        from .api.dubbing import list_dubbing_tasks as _op
        from .models import DubbingTaskPage

        options = _options.options(extra_headers, extra_query, extra_body, timeout, max_retries)
        return await self._client._request(
            _op._get_kwargs(
                page_num=page_num,
                page_size=page_size,
            ),
            parse=_runtime.object_of(DubbingTaskPage.from_dict),
            options=options,
            operation="listDubbingTasks",
        )

    async def list_processing(
        self,
        *,
        extra_headers: _options.Headers | None = None,
        extra_query: _options.Query | None = None,
        extra_body: _options.Body | None = None,
        timeout: float | httpx.Timeout | _options.NotGiven | None = _options.NOT_GIVEN,
        max_retries: int | _options.NotGiven = _options.NOT_GIVEN,
    ) -> builtins.list[DubbingTask]:
        """List all processing dubbing tasks.

        Every task of the caller that has not finished yet (`initialized`, `sent` or
        `processing`), without paging.

        Args:
            extra_headers: Headers to add to the request, or to replace.
            extra_query: Query parameters to add to the request.
            extra_body: JSON properties to add to the request body (sent as one when the
                operation has none).
            timeout: Timeout of this call's requests, in seconds or as an `httpx.Timeout`
                (which, as in httpx, bounds each connect, read and write); `None` for none. The
                client's by default.
            max_retries: How many times this call may be sent again (the client's by default).

        Returns:
            list[DubbingTask]

        Retries: idempotent, so retried on connection errors, timeouts, 408, 409, 429 and 5xx,
        up to `max_retries` times, with jittered backoff or as long as `Retry-After` asks (at
        most 60 s).

        Spec: operation `listProcessingDubbingTasks` (`GET
        /api/v1/userDubbing/processingRecord`), where its evidence and open questions are noted.
        """
        from .api.dubbing import list_processing_dubbing_tasks as _op
        from .models import DubbingTask

        options = _options.options(extra_headers, extra_query, extra_body, timeout, max_retries)
        return await self._client._request(
            _op._get_kwargs(),
            parse=_runtime.list_of(DubbingTask.from_dict),
            options=options,
            operation="listProcessingDubbingTasks",
        )

    async def get(
        self,
        task_id: str,
        *,
        extra_headers: _options.Headers | None = None,
        extra_query: _options.Query | None = None,
        extra_body: _options.Body | None = None,
        timeout: float | httpx.Timeout | _options.NotGiven | None = _options.NOT_GIVEN,
        max_retries: int | _options.NotGiven = _options.NOT_GIVEN,
    ) -> DubbingTask:
        """Get details.

        The record of one dubbing task: its status, and `result_url` once `completed`.
        Result URLs are signed and said to expire after about 3 days (third-party).

        Args:
            task_id: The `_id` of a dubbing task.
            extra_headers: Headers to add to the request, or to replace.
            extra_query: Query parameters to add to the request.
            extra_body: JSON properties to add to the request body (sent as one when the
                operation has none).
            timeout: Timeout of this call's requests, in seconds or as an `httpx.Timeout`
                (which, as in httpx, bounds each connect, read and write); `None` for none. The
                client's by default.
            max_retries: How many times this call may be sent again (the client's by default).

        Returns:
            DubbingTask

        Retries: idempotent, so retried on connection errors, timeouts, 408, 409, 429 and 5xx,
        up to `max_retries` times, with jittered backoff or as long as `Retry-After` asks (at
        most 60 s).

        Spec: operation `getDubbingTask` (`GET /api/v1/userDubbing/detail`), where its evidence
        and open questions are noted.
        """
        from .api.dubbing import get_dubbing_task as _op
        from .models import DubbingTask

        options = _options.options(extra_headers, extra_query, extra_body, timeout, max_retries)
        return await self._client._request(
            _op._get_kwargs(
                field_id=task_id,
            ),
            parse=_runtime.object_of(DubbingTask.from_dict),
            options=options,
            operation="getDubbingTask",
        )

    async def delete(
        self,
        task_id: str,
        *,
        extra_headers: _options.Headers | None = None,
        extra_query: _options.Query | None = None,
        extra_body: _options.Body | None = None,
        timeout: float | httpx.Timeout | _options.NotGiven | None = _options.NOT_GIVEN,
        max_retries: int | _options.NotGiven = _options.NOT_GIVEN,
    ) -> None:
        """Delete record.

        Delete one dubbing task record (and cancel it if it is still running).

        Args:
            task_id: The `_id` of a dubbing task.
            extra_headers: Headers to add to the request, or to replace.
            extra_query: Query parameters to add to the request.
            extra_body: JSON properties to add to the request body (sent as one when the
                operation has none).
            timeout: Timeout of this call's requests, in seconds or as an `httpx.Timeout`
                (which, as in httpx, bounds each connect, read and write); `None` for none. The
                client's by default.
            max_retries: How many times this call may be sent again (the client's by default).

        Returns:
            None

        Retries: idempotent, so retried on connection errors, timeouts, 408, 409, 429 and 5xx,
        up to `max_retries` times, with jittered backoff or as long as `Retry-After` asks (at
        most 60 s). A 404 on a retry after an answer was lost means an earlier attempt deleted
        it: that is success.

        Spec: operation `deleteDubbingTask` (`DELETE /api/v1/userDubbing/{_id}`), where its
        evidence and open questions are noted.
        """
        from .api.dubbing import delete_dubbing_task as _op

        options = _options.options(extra_headers, extra_query, extra_body, timeout, max_retries)
        return await self._client._request(
            _op._get_kwargs(
                field_id=task_id,
            ),
            parse=_runtime.ignore_data,
            options=options,
            operation="deleteDubbingTask",
            gone_is_done=True,
        )


class AsyncDubbingWithRawResponse:
    """`client.dubbing.with_raw_response`: the methods of `AsyncDubbing`, each
    returning an `APIResponse` whose `parse()` gives what the method returns."""

    def __init__(self, resource: AsyncDubbing) -> None:
        self.start = _response.async_to_raw_response_wrapper(resource.start)
        self.list = _response.async_to_raw_response_wrapper(resource.list)
        self.list_processing = _response.async_to_raw_response_wrapper(resource.list_processing)
        self.get = _response.async_to_raw_response_wrapper(resource.get)
        self.delete = _response.async_to_raw_response_wrapper(resource.delete)


class Account(_resource.SyncResource):
    """The caller's account (credits)."""

    @property
    def with_raw_response(self) -> AccountWithRawResponse:
        """The same methods, each returning the HTTP answer (`APIResponse`: status,
        headers, A2E's `trace_id`, the request) instead; its `parse()` gives the result."""
        return AccountWithRawResponse(self)

    def remaining_coins(
        self,
        *,
        extra_headers: _options.Headers | None = None,
        extra_query: _options.Query | None = None,
        extra_body: _options.Body | None = None,
        timeout: float | httpx.Timeout | _options.NotGiven | None = _options.NOT_GIVEN,
        max_retries: int | _options.NotGiven = _options.NOT_GIVEN,
    ) -> RemainingCoins:
        """Get user remaining credits.

        The caller's remaining credits: `coins` (spent by tasks such as dubbing) and
        `diamonds`.

        Args:
            extra_headers: Headers to add to the request, or to replace.
            extra_query: Query parameters to add to the request.
            extra_body: JSON properties to add to the request body (sent as one when the
                operation has none).
            timeout: Timeout of this call's requests, in seconds or as an `httpx.Timeout`
                (which, as in httpx, bounds each connect, read and write); `None` for none. The
                client's by default.
            max_retries: How many times this call may be sent again (the client's by default).

        Returns:
            RemainingCoins

        Retries: idempotent, so retried on connection errors, timeouts, 408, 409, 429 and 5xx,
        up to `max_retries` times, with jittered backoff or as long as `Retry-After` asks (at
        most 60 s).

        Spec: operation `getRemainingCoins` (`GET /api/v1/user/remainingCoins`), where its
        evidence and open questions are noted.
        """
        from .api.account import get_remaining_coins as _op
        from .models import RemainingCoins

        options = _options.options(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._client._request(
            _op._get_kwargs(),
            parse=_runtime.object_of(RemainingCoins.from_dict),
            options=options,
            operation="getRemainingCoins",
        )


class AccountWithRawResponse:
    """`client.account.with_raw_response`: the methods of `Account`, each
    returning an `APIResponse` whose `parse()` gives what the method returns."""

    def __init__(self, resource: Account) -> None:
        self.remaining_coins = _response.to_raw_response_wrapper(resource.remaining_coins)


class AsyncAccount(_resource.AsyncResource):
    """The caller's account (credits)."""

    @property
    def with_raw_response(self) -> AsyncAccountWithRawResponse:
        """The same methods, each returning the HTTP answer (`APIResponse`: status,
        headers, A2E's `trace_id`, the request) instead; its `parse()` gives the result."""
        return AsyncAccountWithRawResponse(self)

    async def remaining_coins(
        self,
        *,
        extra_headers: _options.Headers | None = None,
        extra_query: _options.Query | None = None,
        extra_body: _options.Body | None = None,
        timeout: float | httpx.Timeout | _options.NotGiven | None = _options.NOT_GIVEN,
        max_retries: int | _options.NotGiven = _options.NOT_GIVEN,
    ) -> RemainingCoins:
        """Get user remaining credits.

        The caller's remaining credits: `coins` (spent by tasks such as dubbing) and
        `diamonds`.

        Args:
            extra_headers: Headers to add to the request, or to replace.
            extra_query: Query parameters to add to the request.
            extra_body: JSON properties to add to the request body (sent as one when the
                operation has none).
            timeout: Timeout of this call's requests, in seconds or as an `httpx.Timeout`
                (which, as in httpx, bounds each connect, read and write); `None` for none. The
                client's by default.
            max_retries: How many times this call may be sent again (the client's by default).

        Returns:
            RemainingCoins

        Retries: idempotent, so retried on connection errors, timeouts, 408, 409, 429 and 5xx,
        up to `max_retries` times, with jittered backoff or as long as `Retry-After` asks (at
        most 60 s).

        Spec: operation `getRemainingCoins` (`GET /api/v1/user/remainingCoins`), where its
        evidence and open questions are noted.
        """
        from .api.account import get_remaining_coins as _op
        from .models import RemainingCoins

        options = _options.options(extra_headers, extra_query, extra_body, timeout, max_retries)
        return await self._client._request(
            _op._get_kwargs(),
            parse=_runtime.object_of(RemainingCoins.from_dict),
            options=options,
            operation="getRemainingCoins",
        )


class AsyncAccountWithRawResponse:
    """`client.account.with_raw_response`: the methods of `AsyncAccount`, each
    returning an `APIResponse` whose `parse()` gives what the method returns."""

    def __init__(self, resource: AsyncAccount) -> None:
        self.remaining_coins = _response.async_to_raw_response_wrapper(resource.remaining_coins)


class Languages(_resource.SyncResource):
    """Languages A2E offers."""

    @property
    def with_raw_response(self) -> LanguagesWithRawResponse:
        """The same methods, each returning the HTTP answer (`APIResponse`: status,
        headers, A2E's `trace_id`, the request) instead; its `parse()` gives the result."""
        return LanguagesWithRawResponse(self)

    def list(
        self,
        *,
        lang: str = "en",
        extra_headers: _options.Headers | None = None,
        extra_query: _options.Query | None = None,
        extra_body: _options.Body | None = None,
        timeout: float | httpx.Timeout | _options.NotGiven | None = _options.NOT_GIVEN,
        max_retries: int | _options.NotGiven = _options.NOT_GIVEN,
    ) -> builtins.list[Language]:
        """List available languages.

        The languages A2E offers, as `value` (the code to send, e.g. `en`) and `label` (its
        name, in the language asked for with `lang`).

        Args:
            lang: Language of the labels (our choice of default, `en`).
            extra_headers: Headers to add to the request, or to replace.
            extra_query: Query parameters to add to the request.
            extra_body: JSON properties to add to the request body (sent as one when the
                operation has none).
            timeout: Timeout of this call's requests, in seconds or as an `httpx.Timeout`
                (which, as in httpx, bounds each connect, read and write); `None` for none. The
                client's by default.
            max_retries: How many times this call may be sent again (the client's by default).

        Returns:
            list[Language]

        Retries: idempotent, so retried on connection errors, timeouts, 408, 409, 429 and 5xx,
        up to `max_retries` times, with jittered backoff or as long as `Retry-After` asks (at
        most 60 s).

        Spec: operation `listLanguages` (`GET /api/v1/anchor/language_list`), where its evidence
        and open questions are noted.
        """
        from .api.languages import list_languages as _op
        from .models import Language

        options = _options.options(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._client._request(
            _op._get_kwargs(
                lang=lang,
            ),
            parse=_runtime.list_of(Language.from_dict),
            options=options,
            operation="listLanguages",
        )


class LanguagesWithRawResponse:
    """`client.languages.with_raw_response`: the methods of `Languages`, each
    returning an `APIResponse` whose `parse()` gives what the method returns."""

    def __init__(self, resource: Languages) -> None:
        self.list = _response.to_raw_response_wrapper(resource.list)


class AsyncLanguages(_resource.AsyncResource):
    """Languages A2E offers."""

    @property
    def with_raw_response(self) -> AsyncLanguagesWithRawResponse:
        """The same methods, each returning the HTTP answer (`APIResponse`: status,
        headers, A2E's `trace_id`, the request) instead; its `parse()` gives the result."""
        return AsyncLanguagesWithRawResponse(self)

    async def list(
        self,
        *,
        lang: str = "en",
        extra_headers: _options.Headers | None = None,
        extra_query: _options.Query | None = None,
        extra_body: _options.Body | None = None,
        timeout: float | httpx.Timeout | _options.NotGiven | None = _options.NOT_GIVEN,
        max_retries: int | _options.NotGiven = _options.NOT_GIVEN,
    ) -> builtins.list[Language]:
        """List available languages.

        The languages A2E offers, as `value` (the code to send, e.g. `en`) and `label` (its
        name, in the language asked for with `lang`).

        Args:
            lang: Language of the labels (our choice of default, `en`).
            extra_headers: Headers to add to the request, or to replace.
            extra_query: Query parameters to add to the request.
            extra_body: JSON properties to add to the request body (sent as one when the
                operation has none).
            timeout: Timeout of this call's requests, in seconds or as an `httpx.Timeout`
                (which, as in httpx, bounds each connect, read and write); `None` for none. The
                client's by default.
            max_retries: How many times this call may be sent again (the client's by default).

        Returns:
            list[Language]

        Retries: idempotent, so retried on connection errors, timeouts, 408, 409, 429 and 5xx,
        up to `max_retries` times, with jittered backoff or as long as `Retry-After` asks (at
        most 60 s).

        Spec: operation `listLanguages` (`GET /api/v1/anchor/language_list`), where its evidence
        and open questions are noted.
        """
        from .api.languages import list_languages as _op
        from .models import Language

        options = _options.options(extra_headers, extra_query, extra_body, timeout, max_retries)
        return await self._client._request(
            _op._get_kwargs(
                lang=lang,
            ),
            parse=_runtime.list_of(Language.from_dict),
            options=options,
            operation="listLanguages",
        )


class AsyncLanguagesWithRawResponse:
    """`client.languages.with_raw_response`: the methods of `AsyncLanguages`, each
    returning an `APIResponse` whose `parse()` gives what the method returns."""

    def __init__(self, resource: AsyncLanguages) -> None:
        self.list = _response.async_to_raw_response_wrapper(resource.list)


class Storage(_resource.SyncResource):
    """A2E's own file storage."""

    @property
    def with_raw_response(self) -> StorageWithRawResponse:
        """The same methods, each returning the HTTP answer (`APIResponse`: status,
        headers, A2E's `trace_id`, the request) instead; its `parse()` gives the result."""
        return StorageWithRawResponse(self)

    def transfer(
        self,
        url: str,
        *,
        extra_headers: _options.Headers | None = None,
        extra_query: _options.Query | None = None,
        extra_body: _options.Body | None = None,
        timeout: float | httpx.Timeout | _options.NotGiven | None = _options.NOT_GIVEN,
        max_retries: int | _options.NotGiven = _options.NOT_GIVEN,
    ) -> TransferResult:
        """Save URL to A2E's storage.

        Copy the file at `url` into A2E's storage and answer its new URL there, for use as
        a `source_url` that A2E can always reach.

        Args:
            url: The file to copy.
            extra_headers: Headers to add to the request, or to replace.
            extra_query: Query parameters to add to the request.
            extra_body: JSON properties to add to the request body (sent as one when the
                operation has none).
            timeout: Timeout of this call's requests, in seconds or as an `httpx.Timeout`
                (which, as in httpx, bounds each connect, read and write); `None` for none. The
                client's by default.
            max_retries: How many times this call may be sent again (the client's by default).

        Returns:
            TransferResult

        Retries: not idempotent, so sent again only when the request provably never reached A2E
        (the connection could not be made); any other failure is raised.

        Spec: operation `transferToStorage` (`POST /api/v1/tos/transferToStorage`), where its
        evidence and open questions are noted.
        """
        from .api.storage import transfer_to_storage as _op
        from .models import TransferRequest, TransferResult

        options = _options.options(extra_headers, extra_query, extra_body, timeout, max_retries)
        body = TransferRequest(
            url=url,
        )
        return self._client._request(
            _op._get_kwargs(
                body=body,
            ),
            parse=_runtime.object_of(TransferResult.from_dict),
            options=options,
            operation="transferToStorage",
            idempotent=False,
        )


class StorageWithRawResponse:
    """`client.storage.with_raw_response`: the methods of `Storage`, each
    returning an `APIResponse` whose `parse()` gives what the method returns."""

    def __init__(self, resource: Storage) -> None:
        self.transfer = _response.to_raw_response_wrapper(resource.transfer)


class AsyncStorage(_resource.AsyncResource):
    """A2E's own file storage."""

    @property
    def with_raw_response(self) -> AsyncStorageWithRawResponse:
        """The same methods, each returning the HTTP answer (`APIResponse`: status,
        headers, A2E's `trace_id`, the request) instead; its `parse()` gives the result."""
        return AsyncStorageWithRawResponse(self)

    async def transfer(
        self,
        url: str,
        *,
        extra_headers: _options.Headers | None = None,
        extra_query: _options.Query | None = None,
        extra_body: _options.Body | None = None,
        timeout: float | httpx.Timeout | _options.NotGiven | None = _options.NOT_GIVEN,
        max_retries: int | _options.NotGiven = _options.NOT_GIVEN,
    ) -> TransferResult:
        """Save URL to A2E's storage.

        Copy the file at `url` into A2E's storage and answer its new URL there, for use as
        a `source_url` that A2E can always reach.

        Args:
            url: The file to copy.
            extra_headers: Headers to add to the request, or to replace.
            extra_query: Query parameters to add to the request.
            extra_body: JSON properties to add to the request body (sent as one when the
                operation has none).
            timeout: Timeout of this call's requests, in seconds or as an `httpx.Timeout`
                (which, as in httpx, bounds each connect, read and write); `None` for none. The
                client's by default.
            max_retries: How many times this call may be sent again (the client's by default).

        Returns:
            TransferResult

        Retries: not idempotent, so sent again only when the request provably never reached A2E
        (the connection could not be made); any other failure is raised.

        Spec: operation `transferToStorage` (`POST /api/v1/tos/transferToStorage`), where its
        evidence and open questions are noted.
        """
        from .api.storage import transfer_to_storage as _op
        from .models import TransferRequest, TransferResult

        options = _options.options(extra_headers, extra_query, extra_body, timeout, max_retries)
        body = TransferRequest(
            url=url,
        )
        return await self._client._request(
            _op._get_kwargs(
                body=body,
            ),
            parse=_runtime.object_of(TransferResult.from_dict),
            options=options,
            operation="transferToStorage",
            idempotent=False,
        )


class AsyncStorageWithRawResponse:
    """`client.storage.with_raw_response`: the methods of `AsyncStorage`, each
    returning an `APIResponse` whose `parse()` gives what the method returns."""

    def __init__(self, resource: AsyncStorage) -> None:
        self.transfer = _response.async_to_raw_response_wrapper(resource.transfer)
