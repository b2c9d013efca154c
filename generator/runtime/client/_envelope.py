"""Reading A2E's envelope `{code, msg, trace_id, data}`, and the errors of answers that are
not a success: no I/O here.

An error keeps what arrived (`body`, `message`), with the credentials of the request
redacted from it first (`_redact`), whatever the server echoed back.
"""

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
from ._redact import Redactor

_SNIPPET = 300
_NOT_JSON = object()
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


class Where(NamedTuple):
    """The request an answer belongs to, and the headers whose credentials must not show."""

    method: str
    url: str
    sent_headers: Mapping[str, str]

    def redactor(self) -> Redactor:
        return Redactor.of_headers(self.sent_headers)


def read_answer(
    status: int, headers: Mapping[str, str], content: bytes, where: Where
) -> dict[str, Any]:
    """The envelope of a successful answer; raises the matching `APIError` otherwise.

    An envelope with `code != 0` is an error whatever the HTTP status (A2E answers some
    errors with HTTP 200).
    """
    try:
        body = json.loads(content)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than json can read
        body = _NOT_JSON
    if status < 400 and type(body) is dict:
        code = body.get("code")
        if code == 0 and type(code) is int:
            return body
    raise failure(status, headers, content, where)


def failure(status: int, headers: Mapping[str, str], content: bytes, where: Where) -> APIError:
    """The error for an answer that is not a success, redacted."""
    redactor = where.redactor()
    content = redactor.bytes(content)
    url = redactor.url(where.url)
    body = _clean_json(content, redactor)
    common: dict[str, Any] = {"status_code": status, "method": where.method, "url": url}
    if body is _NOT_JSON:
        if status >= 400:
            return _error(status, None, _text(content), None, headers, content, common)
        kind = headers.get("content-type", "no content type")
        return APIResponseValidationError(
            redactor.text(f"the answer is not JSON ({kind}): {_text(content)!r}"),
            body=content,
            **common,
        )
    code = body.get("code") if isinstance(body, dict) else None
    if not isinstance(body, dict) or not isinstance(code, int) or isinstance(code, bool):
        if status >= 400:
            return _error(status, None, _text(content), None, headers, body, common)
        return APIResponseValidationError(
            f"the answer is not an A2E envelope with an integer `code`: {_text(content)!r}",
            body=body,
            **common,
        )
    message = body.get("msg") or body.get("message") or f"A2E error code {code}"
    trace_id = body.get("trace_id")
    return _error(
        status,
        code,
        str(message),
        trace_id if isinstance(trace_id, str) else None,
        headers,
        body,
        common,
    )


def invalid_data(
    error: Exception, content: bytes, where: Where, status: int
) -> APIResponseValidationError:
    """The error for a `data` payload the generated model could not read (redacted)."""
    redactor = where.redactor()
    envelope = _clean_json(redactor.bytes(content), redactor)
    data = envelope.get("data") if isinstance(envelope, dict) else None
    try:
        shown = json.dumps(data, default=str)[:_SNIPPET]
    except (ValueError, RecursionError):
        import reprlib  # only answers too deep for json pay for it

        shown = reprlib.repr(data)
    return APIResponseValidationError(
        redactor.text(
            f"the answer's `data` does not match the spec ({type(error).__name__}: {error}): {shown}"
        ),
        status_code=status,
        body=data,
        method=where.method,
        url=redactor.url(where.url),
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

    from ._clock import parse_http_date

    when = parse_http_date(http_date)
    if when is None:
        return None
    return max(0.0, when - (time.time() if now is None else now))


def _error(
    status: int,
    code: int | None,
    message: str,
    trace_id: str | None,
    headers: Mapping[str, str],
    body: Any,
    common: dict[str, Any],
) -> APIError:
    # At HTTP 2xx, fall back on A2E's code when it reads as an HTTP status.
    key = status if status >= 400 else (code if code is not None and 400 <= code <= 599 else 0)
    kind = _BY_STATUS.get(key)
    if kind is None and key >= 500:
        kind = InternalServerError
    kind = kind or APIError
    return kind(
        message,
        code=code,
        trace_id=trace_id,
        body=body,
        retry_after=retry_after(headers),
        **common,
    )


def _clean_json(content: bytes, redactor: Redactor) -> Any:
    """`content` (already redacted) parsed; strings that decode to a secret (JSON escapes)
    redacted too. `_NOT_JSON` when it is not JSON."""
    try:
        body = json.loads(content)
    except (ValueError, RecursionError):
        return _NOT_JSON
    if isinstance(body, str):
        return redactor.text(body)
    if not isinstance(body, dict | list):
        return body
    stack: list[Any] = [body]
    while stack:
        node = stack.pop()
        items = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
        for key, item in items:
            if isinstance(item, str):
                cleaned = redactor.text(item)
                if cleaned != item:
                    node[key] = cleaned
            elif isinstance(item, dict | list):
                stack.append(item)
            if isinstance(node, dict) and isinstance(key, str):
                renamed = redactor.text(key)
                if renamed != key:
                    node[renamed] = node.pop(key)
    return body


def _text(content: bytes) -> str:
    return content[:_SNIPPET].decode("utf-8", errors="replace")
