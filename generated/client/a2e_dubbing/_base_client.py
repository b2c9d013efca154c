"""The HTTP side of `A2E` and `AsyncA2E`: key, base URL, timeouts, retries, the envelope."""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx

from . import _deadline
from ._envelope import invalid_data, read_answer
from ._errors import A2EError, APIConnectionError, APITimeoutError
from ._meta import DEFAULT_BASE_URL, VERSION
from ._retry import RetryPolicy, retry_async, retry_sync

T = TypeVar("T")
Parse = Callable[[Any], T]

DEFAULT_TIMEOUT_SECONDS = 60.0
DEFAULT_CONNECT_TIMEOUT_SECONDS = 10.0
DEFAULT_TIMEOUT = httpx.Timeout(DEFAULT_TIMEOUT_SECONDS, connect=DEFAULT_CONNECT_TIMEOUT_SECONDS)
DEFAULT_MAX_RETRIES = 2
API_KEY_ENV = "A2E_API_KEY"
BASE_URL_ENV = "A2E_BASE_URL"
KEY_HELP = "Make a key in A2E's web UI (https://video.a2e.ai) under Account > API Token; it starts with sk_."
MISSING_KEY = f"no A2E API key: pass api_key=... or set {API_KEY_ENV}. {KEY_HELP}"
_PARSE_ERRORS = (KeyError, TypeError, ValueError, AttributeError, RecursionError)
logger = logging.getLogger("a2e_dubbing")


def resolve_api_key(api_key: str | None) -> str:
    """The key to use: `api_key` when given, else $A2E_API_KEY; stripped ("" when none)."""
    return (api_key if api_key is not None else os.environ.get(API_KEY_ENV, "")).strip()


class _BaseClient:
    """What the sync and async clients share; holds the key without ever showing it."""

    def __init__(
        self,
        api_key: str | None,
        base_url: str | None,
        *,
        timeout: float | httpx.Timeout | None,
        max_retries: int,
        default_headers: Mapping[str, str] | None,
    ) -> None:
        key = resolve_api_key(api_key)
        if not key:
            raise A2EError(MISSING_KEY)
        if not key.isascii() or not key.isprintable() or " " in key:
            raise A2EError("the API key has characters an HTTP header cannot carry")
        if max_retries < 0:
            raise ValueError("max_retries must be 0 or more")
        self.base_url = (base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL).rstrip("/")
        self.timeout = timeout
        self._policy = RetryPolicy(max_retries=max_retries)
        self._headers = {
            "Accept": "application/json",
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

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    def _prepare(self, kwargs: Mapping[str, Any]) -> tuple[str, str, dict[str, Any]]:
        """Method, URL and httpx options of a request built by an `api` module's `_get_kwargs`."""
        headers = self._headers
        if "headers" in kwargs:
            headers = {**kwargs["headers"], **headers}
        options: dict[str, Any] = {"headers": headers, "timeout": self.timeout}
        if "params" in kwargs:
            options["params"] = kwargs["params"]
        if "json" in kwargs:
            options["json"] = kwargs["json"]
        return str(kwargs["method"]).upper(), self.base_url + str(kwargs["url"]), options

    def _limited(
        self, options: dict[str, Any], deadline: _deadline.Deadline | None, method: str, url: str
    ) -> dict[str, Any]:
        """`options` with the timeout cut to the time `deadline` leaves (see `_deadline`)."""
        if deadline is None:
            return options
        timeout = deadline.timeout(self.timeout)
        if timeout is None:
            raise APITimeoutError(
                "no time left before the deadline", method=method, url=url, sent=False
            )
        return {**options, "timeout": timeout}


def connection_error(exc: httpx.RequestError, method: str, url: str) -> APIConnectionError:
    """The typed error for an httpx failure; `sent` is False when A2E was never reached."""
    never_sent = isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
    detail = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(
            f"request timed out ({type(exc).__name__})", method=method, url=url, sent=not never_sent
        )
    return APIConnectionError(
        f"connection failed: {detail}", method=method, url=url, sent=not never_sent
    )


def _parsed(parse: Parse[T], data: Any, status: int, method: str, url: str) -> T:
    try:
        return parse(data)
    except _PARSE_ERRORS as exc:
        raise invalid_data(exc, data, status=status, method=method, url=url) from exc


class SyncAPIClient(_BaseClient):
    """Sends requests with an `httpx.Client` (its own, or the caller's)."""

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        *,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.Client | None = None,
        default_headers: Mapping[str, str] | None = None,
    ) -> None:
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else httpx.Client(timeout=timeout)
        super().__init__(
            api_key,
            base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
        )

    def close(self) -> None:
        """Close the HTTP connections (not those of a caller's own `http_client`)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _request(
        self,
        kwargs: Mapping[str, Any],
        *,
        parse: Parse[T],
        idempotent: bool = True,
        recover: Callable[[], T | None] | None = None,
        gone_is_done: bool = False,
    ) -> T:
        method, url, options = self._prepare(kwargs)
        deadline = _deadline.current()

        def send() -> T:
            try:
                limited = self._limited(options, deadline, method, url)
                response = self._http.request(method, url, **limited)
            except httpx.RequestError as exc:
                raise connection_error(exc, method, url) from exc
            logger.debug("%s %s -> %d", method, url, response.status_code)
            data = read_answer(
                response.status_code, response.headers, response.content, method=method, url=url
            )
            return _parsed(parse, data, response.status_code, method, url)

        try:
            return send()
        except A2EError as error:
            can_recover = recover is not None
            if not self._policy.should_retry(error, idempotent=idempotent, can_recover=can_recover):
                raise
            gone = (lambda: parse(None)) if gone_is_done else None
            return retry_sync(
                send,
                error,
                self._policy,
                idempotent=idempotent,
                recover=recover,
                gone=gone,
                deadline=deadline,
            )


class AsyncAPIClient(_BaseClient):
    """Sends requests with an `httpx.AsyncClient` (its own, or the caller's)."""

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        *,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.AsyncClient | None = None,
        default_headers: Mapping[str, str] | None = None,
    ) -> None:
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else httpx.AsyncClient(timeout=timeout)
        super().__init__(
            api_key,
            base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
        )

    async def close(self) -> None:
        """Close the HTTP connections (not those of a caller's own `http_client`)."""
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

    async def _request(
        self,
        kwargs: Mapping[str, Any],
        *,
        parse: Parse[T],
        idempotent: bool = True,
        recover: Callable[[], Awaitable[T | None]] | None = None,
        gone_is_done: bool = False,
    ) -> T:
        method, url, options = self._prepare(kwargs)
        deadline = _deadline.current()

        async def send() -> T:
            try:
                limited = self._limited(options, deadline, method, url)
                response = await self._http.request(method, url, **limited)
            except httpx.RequestError as exc:
                raise connection_error(exc, method, url) from exc
            logger.debug("%s %s -> %d", method, url, response.status_code)
            data = read_answer(
                response.status_code, response.headers, response.content, method=method, url=url
            )
            return _parsed(parse, data, response.status_code, method, url)

        try:
            return await send()
        except A2EError as error:
            can_recover = recover is not None
            if not self._policy.should_retry(error, idempotent=idempotent, can_recover=can_recover):
                raise
            gone = (lambda: parse(None)) if gone_is_done else None
            return await retry_async(
                send,
                error,
                self._policy,
                idempotent=idempotent,
                recover=recover,
                gone=gone,
                deadline=deadline,
            )
