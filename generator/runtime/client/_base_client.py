"""What `A2E` and `AsyncA2E` share: key, base URL, timeouts, retry policy, the envelope,
per-call options, raw answers and the limit on an answer's size; and the base classes of
their resources. Sending is `_async/_http.py`'s (`AsyncAPIClient`) and its generated twin's
(`_sync/_http.py`, `SyncAPIClient`)."""

from __future__ import annotations

import copy
import logging
import os
import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Self, TypeVar

import httpx

from . import _body, _deadline, _response
from ._clock import ServerClock
from ._envelope import Where, invalid_data, read_answer
from ._errors import (
    A2EError,
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    ResponseTooLargeError,
)
from ._logs import logger, setup_from_env
from ._meta import DEFAULT_BASE_URL, VERSION
from ._options import NOT_GIVEN, NotGiven, RequestOptions, merged_body
from ._redact import Redactor
from ._retry import OnRetry, RetryPolicy

if TYPE_CHECKING:
    from ._async._http import AsyncAPIClient
    from ._lookup import Found
    from ._sync._http import SyncAPIClient

T = TypeVar("T")
Parse = Callable[[Any], T]

DEFAULT_TIMEOUT_SECONDS = 60.0
DEFAULT_CONNECT_TIMEOUT_SECONDS = 10.0
DEFAULT_TIMEOUT = httpx.Timeout(DEFAULT_TIMEOUT_SECONDS, connect=DEFAULT_CONNECT_TIMEOUT_SECONDS)
DEFAULT_MAX_RETRIES = 2
DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024
API_KEY_ENV = "A2E_API_KEY"
BASE_URL_ENV = "A2E_BASE_URL"
KEY_HELP = "Make a key in A2E's web UI (https://video.a2e.ai) under Account > API Token; it starts with sk_."
MISSING_KEY = f"no A2E API key: pass api_key=... or set {API_KEY_ENV}. {KEY_HELP}"
_PARSE_ERRORS = (KeyError, TypeError, ValueError, AttributeError, RecursionError)


def resolve_api_key(api_key: str | None) -> str:
    """The key to use: `api_key` when given, else $A2E_API_KEY; stripped ("" when none)."""
    return (api_key if api_key is not None else os.environ.get(API_KEY_ENV, "")).strip()


def _checked_key(api_key: str | None) -> str:
    key = resolve_api_key(api_key)
    if not key:
        raise A2EError(MISSING_KEY)
    if not key.isascii() or not key.isprintable() or " " in key:
        raise A2EError("the API key has characters an HTTP header cannot carry")
    return key


def _checked_limit(max_response_bytes: int) -> int:
    if not isinstance(max_response_bytes, int) or max_response_bytes < 1:
        raise ValueError("max_response_bytes must be a positive number of bytes")
    return max_response_bytes


class _BaseClient:
    """What the sync and async clients share; holds the key without ever showing it."""

    _http: httpx.Client | httpx.AsyncClient
    _owns_http: bool

    def __init__(
        self,
        api_key: str | None,
        base_url: str | None,
        *,
        timeout: float | httpx.Timeout | None,
        max_retries: int,
        default_headers: Mapping[str, str] | None,
        max_response_bytes: int,
        on_retry: OnRetry | None,
    ) -> None:
        setup_from_env()
        key = _checked_key(api_key)
        if not isinstance(max_retries, int) or max_retries < 0:
            raise ValueError("max_retries must be 0 or more")
        self.base_url = (base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL).rstrip("/")
        self.timeout = timeout
        self.max_response_bytes = _checked_limit(max_response_bytes)
        self.on_retry = on_retry
        self._policy = RetryPolicy(max_retries=max_retries)
        self._clock = ServerClock()
        self._headers = {
            "Accept": "application/json",
            "Accept-Encoding": _body.ACCEPT_ENCODING,
            "User-Agent": f"a2e-dubbing-python/{VERSION}",
            **(default_headers or {}),
            "Authorization": f"Bearer {key}",
        }
        self._init_resources()

    def _init_resources(self) -> None:
        """Attach the resources (`self.dubbing`, ...); the generated client overrides it."""

    @property
    def max_retries(self) -> int:
        return self._policy.max_retries

    def with_options(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | None = None,
        max_response_bytes: int | NotGiven = NOT_GIVEN,
        on_retry: OnRetry | NotGiven | None = NOT_GIVEN,
    ) -> Self:
        """A copy of this client with some settings changed, sharing its connection pool.

        Args:
            api_key: Another API key.
            base_url: Another base URL.
            timeout: Seconds (or an `httpx.Timeout`) for each request; `None`: no timeout.
            max_retries: How many times a failed request may be sent again.
            default_headers: Headers to add to (or replace in) every request.
            max_response_bytes: The largest answer accepted, after decompression.
            on_retry: Called with a `RetryEvent` before each retry; `None` to stop.

        The copy does not close the pool: close the client it was made from.
        """
        clone = copy.copy(self)
        clone._owns_http = False
        headers = dict(self._headers)
        if default_headers:
            headers.update(default_headers)
        if api_key is not None:
            headers["Authorization"] = f"Bearer {_checked_key(api_key)}"
        else:
            headers["Authorization"] = self._headers["Authorization"]
        clone._headers = headers
        if base_url is not None:
            clone.base_url = base_url.rstrip("/")
        if not isinstance(timeout, NotGiven):
            clone.timeout = timeout
        if not isinstance(max_retries, NotGiven):
            if not isinstance(max_retries, int) or max_retries < 0:
                raise ValueError("max_retries must be 0 or more")
            clone._policy = replace(self._policy, max_retries=max_retries)
        if not isinstance(max_response_bytes, NotGiven):
            clone.max_response_bytes = _checked_limit(max_response_bytes)
        if not isinstance(on_retry, NotGiven):
            clone.on_retry = on_retry
        clone._init_resources()
        return clone

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={Redactor().url(self.base_url)!r})"

    def _prepare(
        self,
        method: str,
        path: str,
        query: Mapping[str, Any] | None,
        body: Mapping[str, Any] | None,
        options: RequestOptions | None,
    ) -> tuple[str, str, dict[str, Any]]:
        """Method, URL and httpx options of a request, with the call's options applied; a
        query parameter that is None is left out."""
        headers = self._headers
        request: dict[str, Any] = {"headers": headers, "timeout": self.timeout}
        if query is not None:
            request["params"] = {k: v for k, v in query.items() if v is not None}
        if body is not None:
            request["json"] = body
        if options is not None:
            if options.extra_headers:
                request["headers"] = {**headers, **options.extra_headers}
            if options.extra_query:
                request["params"] = {**request.get("params", {}), **options.extra_query}
            if options.extra_body is not None:
                request["json"] = merged_body(request.get("json"), options.extra_body)
            if not isinstance(options.timeout, NotGiven):
                request["timeout"] = options.timeout
        return method.upper(), self.base_url + path, request

    def _policy_for(self, options: RequestOptions | None) -> RetryPolicy:
        if options is None or isinstance(options.max_retries, NotGiven):
            return self._policy
        return replace(self._policy, max_retries=options.max_retries)

    def _limited(
        self, request: dict[str, Any], deadline: _deadline.Deadline | None, where: Where
    ) -> dict[str, Any]:
        """`request` with the timeout cut to the time `deadline` leaves (see `_deadline`)."""
        if deadline is None:
            return request
        timeout = deadline.timeout(request["timeout"])
        if timeout is None:
            raise APITimeoutError(
                "no time left before the deadline",
                method=where.method,
                url=where.redactor().url(where.url),
                sent=False,
            )
        return {**request, "timeout": timeout}

    def _answered(
        self, response: httpx.Response, content: bytes, where: Where, started: float
    ) -> dict[str, Any]:
        """The envelope of an answer that arrived whole (or the error it is)."""
        self._clock.saw(response.headers)
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s %s -> %d (%d bytes, %.1f ms)",
                where.method,
                where.redactor().url(where.url),
                response.status_code,
                len(content),
                (time.monotonic() - started) * 1000,
            )
        return read_answer(response.status_code, response.headers, content, where)

    def _finish(
        self,
        raw: bool,
        parse: Parse[T],
        response: httpx.Response,
        content: bytes,
        envelope: dict[str, Any],
        where: Where,
    ) -> Any:
        if raw:
            return _response.APIResponse(
                response,
                content,
                envelope,
                lambda: _parsed(parse, envelope, content, where, response.status_code),
            )
        return _parsed(parse, envelope, content, where, response.status_code)


def _parsed(
    parse: Parse[T], envelope: dict[str, Any], content: bytes, where: Where, status: int
) -> T:
    try:
        return parse(envelope.get("data"))
    except _PARSE_ERRORS as exc:
        error = invalid_data(exc, content, where, status)
        _scrub(exc, where)
        raise error from exc


def _scrub(exc: BaseException, where: Where) -> None:
    """Redact the message of an exception kept as the cause of ours (tracebacks show it)."""
    shown = str(exc)
    cleaned = where.redactor().text(shown)
    if cleaned != shown:
        exc.args = (cleaned,)


def connection_error(exc: Exception, where: Where) -> APIConnectionError:
    """The typed error for an httpx failure; `sent` is False when A2E was never reached."""
    never_sent = isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
    redactor = where.redactor()
    url = redactor.url(where.url)
    _scrub(exc, where)
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(
            f"request timed out ({type(exc).__name__})",
            method=where.method,
            url=url,
            sent=not never_sent,
        )
    detail = redactor.text(str(exc) or type(exc).__name__)
    return APIConnectionError(
        f"connection failed: {detail}", method=where.method, url=url, sent=not never_sent
    )


def body_error(exc: Exception, status: int, where: Where, limit: int) -> A2EError:
    url = where.redactor().url(where.url)
    if isinstance(exc, _body.TooLarge):
        return ResponseTooLargeError(limit=limit, status_code=status, method=where.method, url=url)
    if isinstance(exc, _body.DeadlinePassed):
        return APITimeoutError(
            "the deadline passed while the answer was arriving",
            method=where.method,
            url=url,
            sent=True,
        )
    return APIResponseValidationError(
        f"the answer could not be decompressed ({exc})",
        status_code=status,
        method=where.method,
        url=url,
    )


BODY_ERRORS = (_body.TooLarge, _body.DeadlinePassed, zlib.error)


def recovered(found: Found | None, raw: bool) -> Any:
    if found is None:
        return None
    return found.response.found(found.result) if raw else found.result


class SyncResource:
    """A group of operations of `A2E` (`client.dubbing`, ...)."""

    def __init__(self, client: SyncAPIClient) -> None:
        self._client = client


class AsyncResource:
    """A group of operations of `AsyncA2E`."""

    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client
