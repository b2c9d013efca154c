"""When to retry and how long to wait; the loop is `_async/_retrying.py` (and its
generated twin, `_sync/_retrying.py`), the waiting itself tenacity's.

Each operation's rule comes from the spec (`x-a2e-idempotent`, `x-a2e-recover`):

- idempotent (GET, PUT, DELETE by default): retried on connection errors, timeouts, 408,
  409, 429 and 5xx;
- not idempotent (POST, PATCH by default), with a look-up (`x-a2e-recover`, start dubbing):
  sent again without a look-up only when the request provably never reached A2E (no
  connection could be made). After any other of those failures the call may have been
  carried out although no success answer came, so the client first looks for its record
  (`recover`), returns it when found, and sends again only when it is not there;
- not idempotent without a look-up: sent again only when the request provably never left.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from ._errors import (
    A2EError,
    APIConnectionError,
    APIError,
    APITimeoutError,
    ResponseTooLargeError,
)
from ._logs import logger

if TYPE_CHECKING:
    import tenacity

    from ._deadline import Deadline

T = TypeVar("T")
# A call with no arguments, as the retry loops take them (the sync one's by unasync).
AsyncCall = Callable[[], Awaitable[T]]
SyncCall = Callable[[], T]
_RETRY_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryEvent:
    """A failed attempt that will be retried, as given to `on_retry` (for metrics).

    `operation` is the spec's operationId, `attempt` the number of the attempt that failed
    (from 1), `delay` the seconds until the next one, `reason` a short cause (`HTTP 503`,
    `timeout`, `connection`), `error` the error of the failed attempt (redacted like every
    error).
    """

    operation: str
    method: str
    url: str
    attempt: int
    delay: float
    reason: str
    error: A2EError


OnRetry = Callable[[RetryEvent], object]


@dataclass(frozen=True)
class RetryPolicy:
    """How many times and how patiently to retry."""

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0

    def should_retry(self, error: BaseException, *, idempotent: bool, can_recover: bool) -> bool:
        """Whether `error` may be retried for an operation of this kind."""
        if isinstance(error, APIConnectionError):
            return idempotent or not error.sent or can_recover
        if _retryable_status(error):
            return idempotent or can_recover
        return False

    def wait(self) -> tenacity.wait.wait_base:
        """tenacity's jittered exponential backoff, overridden by `Retry-After` (capped)."""
        import tenacity

        backoff = tenacity.wait_random_exponential(
            multiplier=self.initial_delay, max=self.max_delay
        )
        cap = self.max_retry_after

        class _RetryAfterOrBackoff(tenacity.wait.wait_base):
            def __call__(self, retry_state: tenacity.RetryCallState) -> float:
                outcome = retry_state.outcome
                error = outcome.exception() if outcome is not None else None
                asked = getattr(error, "retry_after", None)
                if isinstance(asked, int | float):
                    return min(float(asked), cap)
                return float(backoff(retry_state))

        return _RetryAfterOrBackoff()


def _retryable_status(error: BaseException) -> bool:
    return (
        isinstance(error, APIError)
        and not isinstance(error, ResponseTooLargeError)
        and (error.status_code in _RETRY_STATUSES or error.status_code >= 500)
    )


def worth_retrying(error: BaseException) -> bool:
    """Whether the same request may succeed later: the network, or a status worth a retry."""
    return isinstance(error, APIConnectionError) or _retryable_status(error)


def answer_may_be_lost(error: BaseException) -> bool:
    """True when the request may have been carried out although no success answer came.

    Only a request that provably never reached the server is known to have done nothing;
    even a 429 may come from a proxy or gateway after A2E accepted the call.
    """
    if isinstance(error, APIConnectionError):
        return error.sent
    return _retryable_status(error)


def reason(error: BaseException) -> str:
    """A short cause for logs and events: `HTTP 503`, `timeout`, `connection`."""
    if isinstance(error, APITimeoutError):
        return "timeout"
    if isinstance(error, APIConnectionError):
        return "connection" if error.sent else "connection refused"
    if isinstance(error, APIError):
        return f"HTTP {error.status_code}"
    return type(error).__name__


@dataclass(frozen=True)
class Attempts:
    """What one call's retries need besides the policy: names for logs and events, the
    hook, the deadline."""

    operation: str
    method: str
    url: str
    idempotent: bool
    on_retry: OnRetry | None = None
    deadline: Deadline | None = None

    def before_sleep(self, retry_state: tenacity.RetryCallState) -> None:
        outcome = retry_state.outcome
        error = outcome.exception() if outcome is not None else None
        delay = retry_state.upcoming_sleep
        why = reason(error) if error is not None else "?"
        logger.info(
            "%s (%s %s): attempt %d failed (%s: %s); retrying in %.2fs",
            self.operation,
            self.method,
            self.url,
            retry_state.attempt_number,
            why,
            error,
            delay,
        )
        if self.on_retry is not None and isinstance(error, A2EError):
            self.on_retry(
                RetryEvent(
                    self.operation,
                    self.method,
                    self.url,
                    retry_state.attempt_number,
                    delay,
                    why,
                    error,
                )
            )

    def looking(self, error: BaseException) -> None:
        logger.info(
            "%s: the answer may be lost (%s); looking for the record the call may have made",
            self.operation,
            reason(error),
        )

    def found(self, found: bool) -> None:
        logger.info(
            "%s: %s",
            self.operation,
            "found the record of the call; not sending it again"
            if found
            else "no record of the call found",
        )


def retrying_kwargs(policy: RetryPolicy, attempts: Attempts, can_recover: bool) -> dict[str, Any]:
    """tenacity's settings for the calls of one rule (`_async/_retrying.retry`)."""
    import tenacity

    stop_after = tenacity.stop_after_attempt(policy.max_retries + 1)
    deadline = attempts.deadline

    def stop(retry_state: tenacity.RetryCallState) -> bool:
        if stop_after(retry_state):
            return True
        # Asked only when attempts remain, so that `deadline.reached` names the real cause.
        return deadline is not None and not deadline.allows(retry_state.upcoming_sleep)

    return {
        "retry": tenacity.retry_if_exception(
            lambda e: policy.should_retry(
                e, idempotent=attempts.idempotent, can_recover=can_recover
            )
        ),
        "stop": stop,
        "wait": policy.wait(),
        "before_sleep": attempts.before_sleep,
        "reraise": True,
    }


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


async def _async_sleep(seconds: float) -> None:
    import asyncio  # only async callers pay for it

    await asyncio.sleep(seconds)
