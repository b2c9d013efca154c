"""The errors of a2e_dubbing. Every one derives from `A2EError`."""

from __future__ import annotations

from typing import Any

from ._meta import FAILURE_FIELDS, ID_FIELD, STATUS_FIELD


class A2EError(Exception):
    """Base class of every error raised by a2e_dubbing."""


class APIError(A2EError):
    """A2E answered with an error: any HTTP status, including 200 with `code != 0`.

    `status_code` is the HTTP status, `code` A2E's own code (None when the answer had
    none), `message` A2E's `msg`, `trace_id` the id to quote when asking A2E for help,
    `retry_after` the seconds of a `Retry-After` header (None without one).
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        code: int | None = None,
        trace_id: str | None = None,
        method: str = "",
        url: str = "",
        body: Any = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.message = message
        self.status_code = status_code
        self.code = code
        self.trace_id = trace_id
        self.method = method
        self.url = url
        self.body = body

    def __str__(self) -> str:
        parts = [f"HTTP {self.status_code}"]
        if self.code is not None:
            parts.append(f"code {self.code}")
        if self.trace_id:
            parts.append(f"trace_id {self.trace_id}")
        where = f" [{self.method} {self.url}]" if self.method else ""
        return f"{self.message} ({', '.join(parts)}){where}"


class BadRequestError(APIError):
    """A2E refused the request as invalid (400, 413, 415, 422)."""


class AuthenticationError(APIError):
    """The API key is missing, malformed or not accepted (401, 403)."""


class NotFoundError(APIError):
    """No such record for this API key (404)."""


class RateLimitError(APIError):
    """Too many requests (429); `retry_after` is the wait A2E asked for, in seconds."""


class InternalServerError(APIError):
    """A2E failed or is unavailable (5xx)."""


class APIResponseValidationError(APIError):
    """The answer is not what the spec describes (not JSON, no envelope, a wrong field).

    `body` holds what arrived, so that nothing is lost.
    """


class ResponseTooLargeError(APIResponseValidationError):
    """The answer is larger than the client accepts (`max_response_bytes`, counted after
    decompression); it was not kept (`body` is None). `limit` is that size in bytes."""

    def __init__(self, *, limit: int, status_code: int, method: str = "", url: str = "") -> None:
        super().__init__(
            f"the answer is larger than {limit} bytes (after decompression); raise the limit "
            "with max_response_bytes=... if it is expected",
            status_code=status_code,
            method=method,
            url=url,
        )
        self.limit = limit


class APIConnectionError(A2EError):
    """The request could not be completed: A2E could not be reached or the connection broke.

    `sent` is False when the request provably never reached the server.
    """

    def __init__(self, message: str, *, method: str = "", url: str = "", sent: bool = True) -> None:
        super().__init__(f"{message} [{method} {url}]" if method else message)
        self.method = method
        self.url = url
        self.sent = sent


class APITimeoutError(APIConnectionError):
    """The request timed out."""


class TaskFailedError(A2EError):
    """A task that `wait` followed ended as `failed`; `task` is its last record."""

    def __init__(self, task: Any) -> None:
        reason = _failure_reason(task)
        super().__init__(f"dubbing task {getattr(task, ID_FIELD, '?')} failed: {reason}")
        self.task = task


class WaitTimeoutError(A2EError, TimeoutError):
    """`wait` gave up before the task finished; `task` is the last record seen (None when
    no poll answered in time)."""

    def __init__(self, task: Any, timeout: float, *, task_id: str | None = None) -> None:
        shown = getattr(task, ID_FIELD, None) or task_id or "?"
        if task is None:
            state = f"gave no answer within {timeout:g}s"
        else:
            state = f"is still {getattr(task, STATUS_FIELD, '?')} after {timeout:g}s"
        super().__init__(f"dubbing task {shown} {state}; the task goes on: wait again to follow it")
        self.task = task
        self.timeout = timeout


def _failure_reason(task: Any) -> str:
    for field in FAILURE_FIELDS:
        value = getattr(task, field, None)
        if isinstance(value, str) and value:
            return value
    return "A2E gave no reason"
