"""When to retry and how long to wait; the waiting itself is tenacity's.

The rule for an operation that spends credits (start dubbing): it is sent again without a
look-up only when the request provably never reached A2E (no connection could be made).
After any other retryable failure (429, 408, 5xx, a timeout, a dropped connection) the
call may have been carried out although no success answer came, so the client first looks
for its record (`recover`), returns it when found, and sends again only when it is not there.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from ._errors import A2EError, APIConnectionError, APIError, NotFoundError

if TYPE_CHECKING:
    import tenacity

    from ._deadline import Deadline

T = TypeVar("T")
logger = logging.getLogger("a2e_dubbing")
_RETRY_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})


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
    return isinstance(error, APIError) and (
        error.status_code in _RETRY_STATUSES or error.status_code >= 500
    )


def answer_may_be_lost(error: BaseException) -> bool:
    """True when the request may have been carried out although no success answer came.

    Only a request that provably never reached the server is known to have done nothing;
    even a 429 may come from a proxy or gateway after A2E accepted the call.
    """
    if isinstance(error, APIConnectionError):
        return error.sent
    return _retryable_status(error)


def _log_retry(retry_state: tenacity.RetryCallState) -> None:
    outcome = retry_state.outcome
    error = outcome.exception() if outcome is not None else None
    delay = retry_state.upcoming_sleep
    logger.info("retrying in %.2fs after attempt %d: %s", delay, retry_state.attempt_number, error)


def _retrying_kwargs(
    policy: RetryPolicy, idempotent: bool, can_recover: bool, deadline: Deadline | None
) -> dict[str, Any]:
    import tenacity

    attempts = tenacity.stop_after_attempt(policy.max_retries + 1)

    def stop(retry_state: tenacity.RetryCallState) -> bool:
        if attempts(retry_state):
            return True
        # Asked only when attempts remain, so that `deadline.reached` names the real cause.
        return deadline is not None and not deadline.allows(retry_state.upcoming_sleep)

    return {
        "retry": tenacity.retry_if_exception(
            lambda e: policy.should_retry(e, idempotent=idempotent, can_recover=can_recover)
        ),
        "stop": stop,
        "wait": policy.wait(),
        "before_sleep": _log_retry,
        "reraise": True,
    }


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


async def _async_sleep(seconds: float) -> None:
    import asyncio  # only async callers pay for it

    await asyncio.sleep(seconds)


def retry_sync(
    send: Callable[[], T],
    first_error: A2EError,
    policy: RetryPolicy,
    *,
    idempotent: bool,
    recover: Callable[[], T | None] | None = None,
    gone: Callable[[], T] | None = None,
    deadline: Deadline | None = None,
) -> T:
    """Go on after `first_error` (attempt 1, already made) until success or the policy stops.

    `recover` looks for the effect of a call whose answer was lost (see the module doc).
    `gone` is the result of a delete whose earlier attempt may have succeeded: a 404 on a
    retry then means the record is already gone, not that the call failed. No retry starts
    that could not begin before `deadline`.
    """
    import tenacity

    pending: list[A2EError] = [first_error]
    lost = [answer_may_be_lost(first_error)]

    def attempt() -> T:
        if pending:
            raise pending.pop()
        if recover is not None and lost[0]:
            found = recover()
            if found is not None:
                logger.info("found the record of a call whose answer was lost; not sending again")
                return found
        try:
            return send()
        except NotFoundError:
            if gone is not None and lost[0]:
                return gone()
            raise
        except A2EError as error:
            lost[0] = lost[0] or answer_may_be_lost(error)  # once possible, stays possible
            raise

    retrying = tenacity.Retrying(
        sleep=lambda s: _sleep(s),
        **_retrying_kwargs(policy, idempotent, recover is not None, deadline),
    )
    try:
        return retrying(attempt)
    except A2EError:
        # Out of attempts: the last call may still have been carried out.
        found = recover() if recover is not None and lost[0] else None
        if found is None:
            raise
        return found


async def retry_async(
    send: Callable[[], Awaitable[T]],
    first_error: A2EError,
    policy: RetryPolicy,
    *,
    idempotent: bool,
    recover: Callable[[], Awaitable[T | None]] | None = None,
    gone: Callable[[], T] | None = None,
    deadline: Deadline | None = None,
) -> T:
    """The async twin of `retry_sync`."""
    import tenacity

    pending: list[A2EError] = [first_error]
    lost = [answer_may_be_lost(first_error)]

    async def attempt() -> T:
        if pending:
            raise pending.pop()
        if recover is not None and lost[0]:
            found = await recover()
            if found is not None:
                logger.info("found the record of a call whose answer was lost; not sending again")
                return found
        try:
            return await send()
        except NotFoundError:
            if gone is not None and lost[0]:
                return gone()
            raise
        except A2EError as error:
            lost[0] = lost[0] or answer_may_be_lost(error)  # once possible, stays possible
            raise

    retrying = tenacity.AsyncRetrying(
        sleep=lambda s: _async_sleep(s),
        **_retrying_kwargs(policy, idempotent, recover is not None, deadline),
    )
    try:
        return await retrying(attempt)
    except A2EError:
        # Out of attempts: the last call may still have been carried out.
        found = await recover() if recover is not None and lost[0] else None
        if found is None:
            raise
        return found
