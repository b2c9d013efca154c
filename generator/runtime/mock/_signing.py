"""Signed URLs: every file URL the mock answers carries an expiry and an HMAC-SHA256.

    {base}{path}?expires={epoch s}&signature={hex}

`signature` is the HMAC-SHA256, with the mock's signing key, of `{use}\\n{path}\\n{expires}`:
`use` is `READ` for a URL that serves a file (GET, HEAD, Range) and `PUT` for a presigned
upload, so that neither URL does the other's work; `path` is the URL's path as the router
sees it (percent-decoded: re-encoding the same characters changes nothing). The key is the
storage's (`_uploads`): kept in its folder, so that URLs outlive a restart on the same
database, and random per process for a mock in memory.

A URL is refused with 403, before anything is looked up (a refusal says nothing of what
exists), when its query is not exactly `expires` and `signature` once each, when the
signature does not match its path and expiry (any changed character), or when the
expiry has passed by the mock's clock (so a test moves time past it).
"""

from __future__ import annotations

import hmac
import math
import time
import urllib.parse
from collections.abc import Callable

from ._clock import Clock
from ._errors import ApiError

READ = "GET"  # what a reading URL may do: GET, and HEAD and Range with it
PUT = "PUT"
_EXPIRES = "expires"
_SIGNATURE = "signature"
_MAX_EXPIRES_DIGITS = 12  # past the year 33000: no valid URL has more


class Signer:
    """Signs the mock's file URLs and checks the ones it is sent."""

    def __init__(self, key: Callable[[], bytes], clock: Clock, lifetime: int) -> None:
        if lifetime < 1:
            raise ValueError("signed URLs must stay valid at least 1 second")
        self._key = key  # read on first use: the storage makes it then
        self.clock = clock
        self.lifetime = lifetime  # seconds, unless a URL is given its own

    def url(self, base_url: str, path: str, *, use: str = READ, lifetime: int | None = None) -> str:
        """`base_url` + `path` (percent-encoded as it is served) + its expiry and signature,
        valid `lifetime` seconds (by default `self.lifetime`) from now by the mock's clock."""
        seconds = self.lifetime if lifetime is None else lifetime
        expires = str(math.ceil(self.clock.now()) + seconds)
        signature = self._sign(use, urllib.parse.unquote(path), expires)
        return f"{base_url}{path}?{_EXPIRES}={expires}&{_SIGNATURE}={signature}"

    def check(self, path: str, query: str | bytes, *, use: str = READ) -> None:
        """ApiError 403 unless `query` signs `path` (decoded, as the router sees it) for
        `use` and has not expired."""
        if isinstance(query, bytes):
            query = query.decode("latin-1")
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
        found = dict(pairs)
        expires, signature = found.get(_EXPIRES, ""), found.get(_SIGNATURE, "")
        if not expires or not signature:
            raise ApiError(403, "signature: missing: use the URL exactly as the API answered it")
        if (
            len(pairs) != 2  # a parameter twice, or another one
            or not _canonical_number(expires)
            or not hmac.compare_digest(self._sign(use, path, expires), signature)
        ):
            raise ApiError(403, "signature: does not match this URL (it was changed)")
        if self.clock.now() > int(expires):
            when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(expires)))
            raise ApiError(403, f"signature: the URL expired at {when}: ask the API for a new one")

    def valid(self, url: str, base_url: str, *, use: str = READ) -> bool:
        """Whether `url` is one of this mock's (on `base_url`) with a valid signature."""
        if not url.startswith(f"{base_url}/"):
            return False
        parts = urllib.parse.urlsplit(url)
        try:
            self.check(urllib.parse.unquote(parts.path), parts.query, use=use)
        except ApiError:
            return False
        return True

    def _sign(self, use: str, path: str, expires: str) -> str:
        message = f"{use}\n{path}\n{expires}".encode("utf-8", "surrogatepass")
        return hmac.new(self._key(), message, "sha256").hexdigest()


def _canonical_number(text: str) -> bool:
    """Digits as `str(int)` writes them (one spelling per expiry)."""
    return (
        0 < len(text) <= _MAX_EXPIRES_DIGITS
        and text.isascii()
        and text.isdigit()
        and (text == "0" or not text.startswith("0"))
    )
