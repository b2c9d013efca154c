"""Raw answers: `client.dubbing.with_raw_response.get(task_id)` returns an `APIResponse`
(status, headers, A2E's `trace_id`, the request) whose `parse()` gives what `get` returns.

Errors are raised as with the plain methods: a raw response is always a success answer.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Generic, ParamSpec, TypeVar

if TYPE_CHECKING:
    import httpx

T = TypeVar("T")
P = ParamSpec("P")
_UNPARSED: Any = object()
# Set by the `with_raw_response` wrappers for the one call they make; read (and cleared, so
# that the reads a call makes on its own stay plain) by the client's `_request`.
RAW: ContextVar[bool] = ContextVar("a2e_dubbing_raw_response", default=False)


class APIResponse(Generic[T]):
    """The HTTP answer of one call; `parse()` gives the method's usual result."""

    def __init__(
        self,
        http_response: httpx.Response,
        content: bytes,
        envelope: dict[str, Any],
        parse: Callable[[], T],
        *,
        recovered: bool = False,
    ) -> None:
        self.http_response = http_response
        self.content = content
        self._envelope = envelope
        self._parse = parse
        self._parsed: T = _UNPARSED
        self.recovered = recovered

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def http_request(self) -> httpx.Request:
        """The request as sent (its `Authorization` header is masked in its repr)."""
        return self.http_response.request

    @property
    def trace_id(self) -> str | None:
        """A2E's id of this request (the envelope's `trace_id`), to quote when asking A2E."""
        value = self._envelope.get("trace_id")
        return value if isinstance(value, str) else None

    @property
    def elapsed(self) -> float:
        """Seconds from sending the request to the end of the answer."""
        return self.http_response.elapsed.total_seconds()

    def json(self) -> Any:
        """The whole envelope as JSON."""
        return json.loads(self.content)

    def parse(self) -> T:
        """What the method returns without `with_raw_response` (parsed once)."""
        if self._parsed is _UNPARSED:
            self._parsed = self._parse()
        return self._parsed

    def found(self, result: Any) -> APIResponse[Any]:
        """This answer of a look-up, standing for a start whose own answer was lost:
        `parse()` gives the task found, `recovered` is True."""
        return APIResponse(
            self.http_response, self.content, self._envelope, lambda: result, recovered=True
        )

    def __repr__(self) -> str:
        from ._redact import GENERIC

        request = self.http_request
        url = GENERIC.url(str(request.url.copy_with(query=None)))
        return f"<APIResponse [{self.status_code}] {request.method} {url}>"


def to_raw_response_wrapper(method: Callable[P, T]) -> Callable[P, APIResponse[T]]:
    """`method` returning its `APIResponse` instead of the parsed result."""

    @functools.wraps(method)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> APIResponse[T]:
        token = RAW.set(True)
        try:
            return method(*args, **kwargs)  # type: ignore[return-value]
        finally:
            RAW.reset(token)

    return wrapped


def async_to_raw_response_wrapper(
    method: Callable[P, Awaitable[T]],
) -> Callable[P, Awaitable[APIResponse[T]]]:
    """The async twin of `to_raw_response_wrapper`."""

    @functools.wraps(method)
    async def wrapped(*args: P.args, **kwargs: P.kwargs) -> APIResponse[T]:
        token = RAW.set(True)
        try:
            return await method(*args, **kwargs)  # type: ignore[return-value]
        finally:
            RAW.reset(token)

    return wrapped
