"""Retrying one call by its rule (see `_retry`); the waiting itself is tenacity's."""

from __future__ import annotations

from typing import TypeVar

from .. import _retry
from .._errors import A2EError, NotFoundError
from .._retry import AsyncCall, Attempts, RetryPolicy, answer_may_be_lost

T = TypeVar("T")


async def retry(
    send: AsyncCall[T],
    first_error: A2EError,
    policy: RetryPolicy,
    attempts: Attempts,
    *,
    recover: AsyncCall[T | None] | None = None,
    gone: _retry.SyncCall[T] | None = None,
) -> T:
    """Go on after `first_error` (attempt 1, already made) until success or the policy stops.

    `recover` looks for the effect of a call whose answer was lost (see `_retry`). `gone`
    is the result of a delete whose earlier attempt may have succeeded: a 404 on a retry
    then means the record is already gone, not that the call failed. No retry starts that
    could not begin before the deadline.
    """
    import tenacity

    pending: list[A2EError] = [first_error]
    lost: list[A2EError] = [first_error] if answer_may_be_lost(first_error) else []

    async def look() -> T | None:
        assert recover is not None
        attempts.looking(lost[0])
        found = await recover()
        attempts.found(found is not None)
        return found

    async def attempt() -> T:
        if pending:
            raise pending.pop()
        if recover is not None and lost:
            found = await look()
            if found is not None:
                return found
        try:
            return await send()
        except NotFoundError:
            if gone is not None and lost:
                return gone()
            raise
        except A2EError as error:
            if not lost and answer_may_be_lost(error):  # once possible, stays possible
                lost.append(error)
            raise

    retrying = tenacity.AsyncRetrying(
        sleep=lambda s: _retry._async_sleep(s),
        **_retry.retrying_kwargs(policy, attempts, recover is not None),
    )
    try:
        return await retrying(attempt)
    except A2EError:
        # Out of attempts: the last call may still have been carried out.
        found = await look() if recover is not None and lost else None
        if found is None:
            raise
        return found
