"""Bearer tokens: who is calling (a tenant), without ever keeping the token itself."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass

from starlette.datastructures import Headers

from ._errors import ApiError

# `sk_` and a non-empty suffix of visible ASCII characters.
_TOKEN = re.compile(rb"sk_[\x21-\x7e]+")
_REMEMBER = 10_000


@dataclass(frozen=True)
class Tenant:
    """A caller: `key` is the SHA-256 of its token; `user_id` is derived from the key."""

    key: str
    user_id: str


def tenant_key(token: bytes) -> bytes:
    return hashlib.sha256(token).digest()


class Authenticator:
    """Checks `Authorization: Bearer sk_...`; `tokens` (when given) limits who is accepted."""

    def __init__(self, tokens: Iterable[str] | None = None) -> None:
        self._allowed: tuple[bytes, ...] | None = None
        if tokens is not None:
            allowed = []
            for token in tokens:
                raw = token.encode("ascii", "replace")
                if _TOKEN.fullmatch(raw) is None:
                    raise ValueError("an accepted token must be `sk_` followed by visible ASCII")
                allowed.append(tenant_key(raw))
            self._allowed = tuple(allowed)
        self._seen: dict[bytes, Tenant] = {}

    def caller(self, headers: Headers) -> Tenant:
        """The tenant of a request's one Authorization header; ApiError 401 otherwise."""
        found = [value for name, value in headers.raw if name == b"authorization"]
        return self.sent(found[-1] if found else None, len(found))

    def sent(self, authorization: bytes | None, count: int) -> Tenant:
        """The tenant of a request that sent `count` Authorization headers, the last one
        `authorization`; ApiError 401 unless exactly one that is accepted."""
        if count > 1:
            raise ApiError(401, "Authorization: sent more than once")
        return self.tenant(authorization)

    def tenant(self, authorization: bytes | None) -> Tenant:
        """The tenant of an Authorization header value; ApiError 401 when it is not accepted."""
        if authorization is None:
            raise ApiError(401, "Authorization: missing, expected 'Bearer sk_...'")
        # Accepted headers are remembered by their hash (never the header itself).
        seen = hashlib.sha256(authorization).digest()
        tenant = self._seen.get(seen)
        if tenant is None:
            tenant = self._check(authorization)
            if len(self._seen) >= _REMEMBER:
                self._seen.clear()
            self._seen[seen] = tenant
        return tenant

    def _check(self, authorization: bytes) -> Tenant:
        scheme, _, token = authorization.strip().partition(b" ")
        token = token.strip()
        if scheme.lower() != b"bearer" or not token:
            raise ApiError(401, "Authorization: malformed, expected 'Bearer sk_...'")
        if _TOKEN.fullmatch(token) is None:
            raise ApiError(401, "Authorization: the bearer token must start with 'sk_'")
        key = tenant_key(token)
        if self._allowed is not None and not _accepted(key, self._allowed):
            raise ApiError(401, "Authorization: unknown bearer token")
        return tenant_from_key(key)


def tenant_from_key(key: bytes) -> Tenant:
    user_id = hashlib.sha256(b"a2e-dubbing-mock user_id:" + key).hexdigest()[:24]
    return Tenant(key=key.hex(), user_id=user_id)


def _accepted(key: bytes, allowed: tuple[bytes, ...]) -> bool:
    found = False
    for candidate in allowed:  # no early exit: the time does not depend on which one matched
        found |= hmac.compare_digest(key, candidate)
    return found
