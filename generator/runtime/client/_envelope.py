"""Reading A2E's envelope `{code, msg, trace_id, data}`: no I/O here."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any, NamedTuple

from ._errors import (
    APIError,
    APIResponseValidationError,
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    NotFoundError,
    RateLimitError,
)

_SNIPPET = 300
_BY_STATUS: dict[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: AuthenticationError,
    404: NotFoundError,
    413: BadRequestError,
    415: BadRequestError,
    422: BadRequestError,
    429: RateLimitError,
}


def read_answer(
    status: int, headers: Mapping[str, str], content: bytes, *, method: str, url: str
) -> Any:
    """The `data` of a successful answer; raises the matching `APIError` otherwise.

    An envelope with `code != 0` is an error whatever the HTTP status (A2E answers some
    errors with HTTP 200).
    """
    where = _Where(method, url)
    try:
        body = json.loads(content)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than json can read
        if status >= 400:
            raise _error(status, None, _text(content), None, headers, where, content) from None
        raise APIResponseValidationError(
            f"the answer is not JSON ({headers.get('content-type', 'no content type')}): "
            f"{_text(content)!r}",
            status_code=status,
            body=content,
            method=method,
            url=url,
        ) from None
    code = body.get("code") if isinstance(body, dict) else None
    if not isinstance(body, dict) or not isinstance(code, int) or isinstance(code, bool):
        if status >= 400:
            raise _error(status, None, _text(content), None, headers, where, body)
        raise APIResponseValidationError(
            f"the answer is not an A2E envelope with an integer `code`: {_text(content)!r}",
            status_code=status,
            body=body,
            method=method,
            url=url,
        )
    if code != 0 or status >= 400:
        message = body.get("msg") or body.get("message") or f"A2E error code {code}"
        trace_id = body.get("trace_id")
        raise _error(
            status,
            code,
            str(message),
            trace_id if isinstance(trace_id, str) else None,
            headers,
            where,
            body,
        )
    return body.get("data")


def invalid_data(
    error: Exception, data: Any, *, status: int, method: str, url: str
) -> APIResponseValidationError:
    """The error for a `data` payload the generated model could not read."""
    try:
        shown = json.dumps(data, default=str)[:_SNIPPET]
    except (ValueError, RecursionError):
        import reprlib  # only answers too deep for json pay for it

        shown = reprlib.repr(data)
    return APIResponseValidationError(
        f"the answer's `data` does not match the spec ({type(error).__name__}: {error}): {shown}",
        status_code=status,
        body=data,
        method=method,
        url=url,
    )


def retry_after(headers: Mapping[str, str], *, now: float | None = None) -> float | None:
    """Seconds from a `Retry-After` header, in seconds or as an HTTP date (a date in the
    past is 0); None when absent or unreadable. `now` (epoch seconds) defaults to the clock.
    """
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return _seconds_until(value, now)
    return seconds if seconds >= 0 and math.isfinite(seconds) else None


def _seconds_until(http_date: str, now: float | None) -> float | None:
    import time
    from datetime import UTC
    from email.utils import parsedate_to_datetime  # only date headers pay for it

    try:
        when = parsedate_to_datetime(http_date)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # "-0000": UTC by RFC 5322
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _error(
    status: int,
    code: int | None,
    message: str,
    trace_id: str | None,
    headers: Mapping[str, str],
    where: _Where,
    body: Any,
) -> APIError:
    # At HTTP 2xx, fall back on A2E's code when it reads as an HTTP status.
    key = status if status >= 400 else (code if code is not None and 400 <= code <= 599 else 0)
    kind = _BY_STATUS.get(key)
    if kind is None and key >= 500:
        kind = InternalServerError
    kind = kind or APIError
    common: dict[str, Any] = {
        "status_code": status,
        "code": code,
        "trace_id": trace_id,
        "body": body,
        "method": where.method,
        "url": where.url,
        "retry_after": retry_after(headers),
    }
    return kind(message, **common)


class _Where(NamedTuple):
    method: str
    url: str


def _text(content: bytes) -> str:
    return content[:_SNIPPET].decode("utf-8", errors="replace")
