"""A per-tenant token bucket: `rate` requests per second, bursts of up to `rate`."""

from __future__ import annotations

import math

from ._clock import Clock
from ._errors import ApiError


class RateLimiter:
    """Refuses a tenant's request with 429 + Retry-After once its bucket is empty."""

    def __init__(self, rate: float, clock: Clock) -> None:
        if rate <= 0:
            raise ValueError("the rate limit must be positive")
        self._rate = rate
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # tenant -> (tokens, at)

    def check(self, tenant: str) -> None:
        now = self._clock.now()
        tokens, at = self._buckets.get(tenant, (self._rate, now))
        tokens = min(self._rate, tokens + max(0.0, now - at) * self._rate)
        if tokens < 1.0:
            self._buckets[tenant] = (tokens, now)
            wait = max(1, math.ceil((1.0 - tokens) / self._rate))
            raise ApiError(
                429,
                f"rate limit: more than {self._rate:g} requests per second for this token, "
                f"retry after {wait} seconds",
                headers=((b"retry-after", str(wait).encode()),),
            )
        self._buckets[tenant] = (tokens - 1.0, now)

    def forget(self, tenant: str | None = None) -> None:
        """Refill one tenant's bucket, or every bucket."""
        if tenant is None:
            self._buckets.clear()
        else:
            self._buckets.pop(tenant, None)
