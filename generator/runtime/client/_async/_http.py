"""`AsyncAPIClient`: sends the requests of `AsyncA2E` with an `httpx.AsyncClient` (its own,
or the caller's); what both clients share is `_base_client._BaseClient`."""

from __future__ import annotations

import time
from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypeVar

import httpx

from .. import _body, _deadline, _response
from .._base_client import (
    BODY_ERRORS,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    Parse,
    _BaseClient,
    body_error,
    connection_error,
    recovered,
)
from .._envelope import Where
from .._errors import A2EError
from .._options import RequestOptions
from .._retry import AsyncCall, Attempts, OnRetry
from ._retrying import retry

if TYPE_CHECKING:
    from .._lookup import Found

T = TypeVar("T")


class AsyncAPIClient(_BaseClient):
    """Sends requests with an `httpx.AsyncClient` (its own, or the caller's)."""

    _http: httpx.AsyncClient

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        *,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.AsyncClient | None = None,
        default_headers: Mapping[str, str] | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        on_retry: OnRetry | None = None,
    ) -> None:
        super().__init__(
            api_key,
            base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            max_response_bytes=max_response_bytes,
            on_retry=on_retry,
        )
        self._owns_http = http_client is None
        if http_client is None:
            from .._transport import async_client

            http_client = async_client(timeout)
        self._http = http_client

    async def close(self) -> None:
        """Close the HTTP connections (not those of a caller's own `http_client`, nor those
        of a copy made by `with_options`)."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def _exchange(
        self, request: dict[str, Any], deadline: _deadline.Deadline | None, where: Where
    ) -> tuple[httpx.Response, bytes]:
        limited = self._limited(request, deadline, where)
        status = 0
        try:
            async with _deadline.async_bounded(deadline):
                response = await self._http.send(
                    self._http.build_request(where.method, where.url, **limited), stream=True
                )
                status = response.status_code
                try:
                    content = await _body.aread(response, self.max_response_bytes, deadline)
                finally:
                    await response.aclose()
        except httpx.RequestError as exc:
            raise connection_error(exc, where) from exc
        except BODY_ERRORS as exc:
            raise body_error(exc, status, where, self.max_response_bytes) from None
        except httpx.InvalidURL as exc:
            raise A2EError(where.redactor().text(f"invalid URL: {exc}")) from None
        except TimeoutError:  # the deadline's bound (see `_deadline.async_bounded`)
            if deadline is None:
                raise
            deadline.reached = True
            raise body_error(_body.DeadlinePassed(), 0, where, self.max_response_bytes) from None
        return response, content

    async def _request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
        parse: Parse[T],
        options: RequestOptions | None = None,
        operation: str = "",
        idempotent: bool = True,
        recover: AsyncCall[Found | None] | None = None,
        gone_is_done: bool = False,
    ) -> T:
        raw = _response.RAW.get()
        if raw:
            _response.RAW.set(False)  # the reads this call makes on its own stay plain
        method, url, request = self._prepare(method, path, query, body, options)
        where = Where(method, url, request["headers"])
        deadline = _deadline.current()
        last: list[Any] = []

        async def send() -> T:
            started = time.monotonic()
            response, content = await self._exchange(request, deadline, where)
            if raw:
                last[:] = [response, content]
            envelope = self._answered(response, content, where, started)
            return self._finish(raw, parse, response, content, envelope, where)  # type: ignore[no-any-return]

        try:
            return await send()
        except A2EError as error:
            policy = self._policy_for(options)
            can_recover = recover is not None
            if not policy.should_retry(error, idempotent=idempotent, can_recover=can_recover):
                raise
            attempts = Attempts(
                operation or method,
                method,
                where.redactor().url(url),
                idempotent,
                self.on_retry,
                deadline,
            )

            def gone() -> T:
                if raw and last:
                    return _response.APIResponse(  # type: ignore[return-value]
                        last[0], last[1], {}, lambda: parse(None), recovered=True
                    )
                return parse(None)

            async def look() -> T | None:
                assert recover is not None
                found: T | None = recovered(await recover(), raw)
                return found

            return await retry(
                send,
                error,
                policy,
                attempts,
                recover=look if recover is not None else None,
                gone=gone if gone_is_done else None,
            )
