"""Keeping credentials out of everything the client shows: error messages and bodies, reprs,
log lines and retry events, whatever a server echoes back.

A `Redactor` knows the credentials a request carried (the API key) and replaces them, in
text or bytes, with `REDACTED`; it also replaces any `Bearer` credential and anything shaped
like an A2E key (`sk_...`), which covers keys it was never told about.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping
from urllib.parse import quote

REDACTED = "REDACTED"
# Headers whose values are credentials.
SENSITIVE_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "x-api-key"})
# `Bearer <token>` (RFC 6750 token characters; the space may arrive URL-encoded) and A2E keys,
# whole: parts joined by dots too (a full stop after one is not part of it).
_PATTERN = (
    r"(?i:(\bbearer(?:\s+|%20|\+))([A-Za-z0-9\-._~+/]+=*))"
    r"|(\bsk_(?=[A-Za-z0-9_\-.]{6})[A-Za-z0-9_\-]+(?:\.[A-Za-z0-9_\-]+)*)"
)
_TEXT = re.compile(_PATTERN)
_BYTES = re.compile(_PATTERN.encode())
_USERINFO = re.compile(r"(?<=://)[^/?#@\s]*@")


def _text_repl(match: re.Match[str]) -> str:
    return f"{match[1]}{REDACTED}" if match[1] else REDACTED


def _bytes_repl(match: re.Match[bytes]) -> bytes:
    return match[1] + REDACTED.encode() if match[1] else REDACTED.encode()


class Redactor:
    """Replaces the given secrets (and any bearer credential or A2E key) with `REDACTED`."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        forms: set[str] = set()
        for secret in secrets:
            if len(secret) < 4:  # too short to search for without mangling ordinary text
                continue
            forms.update({secret, json.dumps(secret)[1:-1], quote(secret, safe="")})
        # Longest first, so that a secret containing another is replaced whole.
        self._texts = tuple(sorted(forms, key=len, reverse=True))
        self._bytes = tuple(f.encode("utf-8", "surrogatepass") for f in self._texts)

    @classmethod
    def of_headers(cls, headers: Mapping[str, str]) -> Redactor:
        """A redactor of the credentials among `headers`: the credential of a
        `<scheme> <credential>` value (so that `Bearer REDACTED` still says what it was),
        the whole value otherwise."""
        secrets: list[str] = []
        for name, value in headers.items():
            if name.lower() not in SENSITIVE_HEADERS or not value:
                continue
            scheme, _, credential = value.strip().partition(" ")
            secrets.append(credential.strip() if credential and scheme.isalpha() else value)
        return cls(secrets)

    def text(self, text: str) -> str:
        """`text` without the secrets."""
        for secret in self._texts:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return _TEXT.sub(_text_repl, text) if _might_hold_token(text) else text

    def bytes(self, content: bytes) -> bytes:
        """`content` without the secrets (valid JSON stays valid JSON)."""
        for secret in self._bytes:
            if secret in content:
                content = content.replace(secret, REDACTED.encode())
        return _BYTES.sub(_bytes_repl, content)

    def url(self, url: str) -> str:
        """`url` without the secrets and without a password in its user info."""
        return self.text(_USERINFO.sub(f"{REDACTED}@", url))


def _might_hold_token(text: str) -> bool:
    lowered = text.lower()
    return "bearer" in lowered or "sk_" in lowered


GENERIC = Redactor()


class RedactingFilter(logging.Filter):
    """Redacts every record of the logger it is attached to (bearer credentials, A2E keys):
    the last line of defence behind the client's own redaction of what it logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = GENERIC.text(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
