"""What a recording must not keep: credentials, URL signatures and secrets, found by value,
by shape and by name, each replaced with `REDACTED`.

Every string of a recording goes through `Scrubber.text`, which applies, in order:

- by value: the caller's own credentials (the key given to the recorder and the credential
  of the request's `Authorization` header), raw, URL-encoded, JSON-escaped and in base64;
- JSON in a string (a whole JSON string, or objects and arrays anywhere in it) is
  scrubbed as JSON, and URL-encoded text (a URL inside a query parameter) decoded;
- by shape (`_SHAPES`): a URL's user info, `sk_` keys (`.`, `-` and `_` included), JWTs,
  `Bearer` credentials, `Basic` credentials;
- by name: `name=value`, `name: value` and `"name": "value"` whose name says secret
  (`is_secret_name`), and in a URL's query or path parameters (after `?`, `&` or `;`) also
  the names that sign or authorize a URL (`_URL_SIGNING`).

In JSON, a field whose name says secret loses every string and number in it, at any depth.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, quote_plus, unquote_plus

REDACTED = "REDACTED"
# A credential shorter than this would be found by chance in ordinary text: a recording of
# a request that carries one is refused rather than mangled.
MIN_CREDENTIAL = 8

# Names (of JSON fields, query parameters, `name=value` pairs, headers) whose values are
# secrets: compared lower case without anything but letters and digits, each word anywhere
# in the name (`access_token`, `X-Api-Key`, `client_secret`, `X-Amz-Security-Token`,
# `X-Goog-Signature`, `sessionId`, `jsessionid`, `PHPSESSID`, `pwd`, ...); `_SECRET_NAMES`
# whole.
_SECRET_WORDS = (
    "token",
    "secret",
    "password",
    "passwd",
    "pwd",
    "passphrase",
    "apikey",
    "accesskey",
    "privatekey",
    "credential",
    "authorization",
    "signature",
    "cookie",
    "session",
    "sessid",
)
_SECRET_NAMES = frozenset({"auth", "sig", "sid"})
# Query parameters that sign or authorize a URL, or name the signer, without a secret's
# word in their name (the words cover `X-Amz-Signature`, `X-Amz-Credential`,
# `X-Amz-Security-Token`, `X-Goog-Signature`, `X-Goog-Credential`, Azure's `sig`,
# `access_token`...): CloudFront's `Policy`, `Key-Pair-Id` and `Expires`, Google's `key`.
# Redacted in a URL's query or path parameters only (`key` is a field of A2E's answers).
_URL_SIGNING = re.compile(r"key|key-pair-id|policy|expires", re.I)
_NOT_ALNUM = re.compile(r"[^a-z0-9]")


def is_secret_name(name: str) -> bool:
    """Whether a field, parameter or header called `name` holds a secret."""
    folded = _NOT_ALNUM.sub("", name.lower())
    return folded in _SECRET_NAMES or any(word in folded for word in _SECRET_WORDS)


def signs_url(name: str) -> bool:
    """Whether a URL's query or path parameter called `name` signs, authorizes or is a secret."""
    return is_secret_name(name) or _URL_SIGNING.fullmatch(name) is not None


def _basic(credential: str) -> bool:
    """Whether `credential` is base64 of `user:password`."""
    try:
        return b":" in base64.b64decode(credential + "=" * (-len(credential) % 4), validate=True)
    except (binascii.Error, ValueError):
        return False


@dataclass(frozen=True)
class _Shape:
    """A credential recognisable by its shape: `pattern`'s match becomes `replacement` (a
    `re` template) when its `credential` group is not REDACTED already and `when` agrees."""

    note: str
    pattern: re.Pattern[str]
    replacement: str = REDACTED
    when: Callable[[str], bool] = lambda credential: True


_TOKEN68 = r"[A-Za-z0-9\-._~+/%]+=*"
_SK = re.compile(r"(?<![A-Za-z0-9])sk_(?P<credential>[\w-]+(?:\.[\w-]+)*)")
_JWT = re.compile(r"(?P<credential>\beyJ[\w-]+\.[\w-]+\.[\w-]*)")
_SHAPES = (
    # scheme://user:password@host: all of the user info (a user name can be a key too)
    _Shape("url user info", re.compile(r"(?<=//)(?P<credential>[^/?#\s]*)@"), f"{REDACTED}@"),
    _Shape("token", _SK, f"sk_{REDACTED}"),
    _Shape("jwt", _JWT),
    _Shape(
        "bearer credential",
        re.compile(rf"(?i)\b(?P<scheme>bearer(?:\s+|%20|\+))(?P<credential>{_TOKEN68})"),
        rf"\g<scheme>{REDACTED}",
    ),
    _Shape(
        "basic credential",
        re.compile(r"(?i)\b(?P<scheme>basic(?:\s+|%20|\+))(?P<credential>[A-Za-z0-9+/]+=*)"),
        rf"\g<scheme>{REDACTED}",
        when=_basic,
    ),
)
# `name=`, `name:`, `"name":` (quotes may be JSON-escaped); the value is matched apart, so
# that a pair whose name is not a secret's consumes nothing (a URL in its value is checked).
_NAME = re.compile(r"(?P<lead>[?&;])?(?P<q>\\?[\"'])?(?P<name>[A-Za-z_][\w.-]*)(?P=q)?\s*[:=]\s*")
_SCHEME = r"(?:(?i:basic|bearer|digest|token|negotiate)\s+)?"
_VALUE = re.compile(
    rf"""(?P<open>\\?["'])(?P<quoted>.*?)(?<!\\)(?P=open)  # quoted, maybe JSON-escaped
    |\\?["']?(?P<bare>{_SCHEME}[^&\s;,"'()<>\[\]{{}}]+)  # bare, or an unclosed quote""",
    re.X | re.S,
)


# A run of URL-encoded text: a query or path parameter's value, up to its delimiters.
_ENCODED = re.compile(r"[^\s?&=;#\"'<>]*%[0-9A-Fa-f]{2}[^\s?&=;#\"'<>]*")


class Scrubber:
    """Replaces secrets and account ids consistently within one recording.

    `secrets`: the caller's own credentials, found by value wherever they are; one shorter
    than `MIN_CREDENTIAL` characters is refused (ValueError): it cannot be told apart from
    ordinary text.
    """

    def __init__(self, *secrets: str, account_fields: Iterable[str] = ("user_id",)) -> None:
        forms: set[str] = set()
        for secret in filter(None, secrets):
            if len(secret) < MIN_CREDENTIAL:
                raise ValueError(
                    f"a credential of {len(secret)} characters is too short to scrub "
                    f"(fewer than {MIN_CREDENTIAL}): not recorded"
                )
            forms.update(_forms(secret))
        # Longest first, so that a secret containing another is replaced whole.
        self._forms = tuple(sorted(forms, key=len, reverse=True))
        self._account_fields = frozenset(account_fields)
        self._ids: dict[str, str] = {}
        self.replaced: set[str] = set()

    @classmethod
    def of_headers(cls, headers: Mapping[str, str], *secrets: str) -> Scrubber:
        """A scrubber of `secrets` and of the credential in `headers`' Authorization."""
        found = list(secrets)
        scheme, _, credential = headers.get("authorization", "").strip().partition(" ")
        credential = credential.strip() if credential else scheme
        found.append(credential)
        if scheme.lower() == "basic" and _basic(credential):
            plain = base64.b64decode(credential + "=" * (-len(credential) % 4)).decode(
                "utf-8", errors="replace"
            )
            found += [plain, plain.partition(":")[2]]
        return cls(*found)

    def account_id(self, value: str) -> str:
        """A stable stand-in of the same shape (24 hex digits) for an account id."""
        if value not in self._ids:
            self._ids[value] = f"{len(self._ids) + 1:024x}"
        self.replaced.add("user_id")
        return self._ids[value]

    def text(self, value: str) -> str:
        """`value` without the secrets in it (the rules: this module's docstring)."""
        for form in self._forms:
            if form in value:
                value = value.replace(form, REDACTED)
                self.replaced.add("credential")
        quoted = _json_string(value)
        if quoted is not None:
            return json.dumps(self.text(quoted), ensure_ascii=False)
        value = _ENCODED.sub(self._encoded, self._fragments(value))
        for shape in _SHAPES:
            value = shape.pattern.sub(functools.partial(self._shape, shape), value)
        return self._pairs(value)

    def query(self, name: str, value: str) -> str:
        """A request's query parameter: redacted whole if its name signs the URL or says secret."""
        if signs_url(name):
            self.replaced.add(f"query {self.text(name)}")
            return REDACTED
        return self.text(value)

    def headers(self, names: Iterable[str]) -> None:
        """Headers left out of the recording: note those whose name says they held a secret."""
        for name in names:
            if is_secret_name(name):
                self.replaced.add(f"{name.lower()} header")

    def json(self, value: Any, key: str = "", *, secret: str | None = None) -> Any:
        """A JSON value with the secrets in it replaced; `secret`: inside that secret field.

        A field whose name says it is a secret (`token`, `api_key`, `password`, ...) keeps
        its shape but every string and number in it becomes REDACTED.
        """
        if secret is None and key and is_secret_name(key):
            secret = key
        if isinstance(value, dict):
            return {self.text(k): self.json(v, k, secret=secret) for k, v in value.items()}
        if isinstance(value, list):
            return [self.json(v, key, secret=secret) for v in value]
        if secret is not None and isinstance(value, str | int | float) and type(value) is not bool:
            self.replaced.add(f"field {self.text(secret)}")
            return REDACTED
        if isinstance(value, str):
            if key in self._account_fields and value:
                return self.account_id(value)
            return self.text(value)
        return value

    def leak(self, text: str) -> str | None:
        """What `text` (a recording as written) still holds that it must not, if anything."""
        if any(form in text for form in self._forms):
            return "the caller's credential"
        if any(m["credential"] != REDACTED for m in _SK.finditer(text)):
            return "a token (an sk_ key)"
        if _JWT.search(text):
            return "a token (a JWT)"
        return None

    def _shape(self, shape: _Shape, match: re.Match[str]) -> str:
        credential = match["credential"]
        if credential == REDACTED or not shape.when(credential):
            return match.group()
        self.replaced.add(shape.note)
        return match.expand(shape.replacement)

    def _encoded(self, match: re.Match[str]) -> str:
        """A URL-encoded run of text, scrubbed decoded (and encoded again if it changed)."""
        decoded = unquote_plus(match.group())
        cleaned = self.text(decoded)
        return match.group() if cleaned == decoded else quote_plus(cleaned, safe="")

    def _fragments(self, text: str) -> str:
        """`text` with the JSON objects and arrays in it scrubbed as JSON."""
        out: list[str] = []
        done = 0
        for start in (i for i, c in enumerate(text) if c in "{["):
            if start < done:
                continue
            try:
                found, end = _DECODER.raw_decode(text, start)
            except ValueError:
                continue
            if isinstance(found, dict | list) and found:
                out += [text[done:start], json.dumps(self.json(found), ensure_ascii=False)]
                done = end
        return "".join(out) + text[done:] if out else text

    def _pairs(self, text: str) -> str:
        """`text` with the values of secret `name=value` pairs replaced."""
        out: list[str] = []
        done = 0
        for found in _NAME.finditer(text):
            if found.start() < done:
                continue
            name, in_url = found["name"], found["lead"] is not None
            if not (signs_url(name) if in_url else is_secret_name(name)):
                continue
            value = _VALUE.match(text, found.end())
            if value is None:
                continue
            start, end = value.span("quoted") if value["open"] else value.span("bare")
            credential = re.sub(_SCHEME, "", text[start:end], count=1)
            if credential == REDACTED:
                continue
            self.replaced.add(f"parameter {name}" if is_secret_name(name) else "url signatures")
            out += [text[done:start], REDACTED]
            done = end
        return "".join(out) + text[done:]


def _forms(secret: str) -> set[str]:
    """The ways `secret` may be written in a recording."""
    encoded = quote(secret, safe="")
    raw = secret.encode("utf-8", "surrogatepass")
    forms = {
        secret,
        encoded,
        re.sub(r"%[0-9A-F]{2}", lambda m: m.group().lower(), encoded),
        quote_plus(secret),
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
    }
    for b64 in (base64.b64encode(raw), base64.urlsafe_b64encode(raw)):
        forms.add(b64.decode().rstrip("="))
    return forms


_DECODER = json.JSONDecoder()


def _json_string(text: str) -> str | None:
    """What `text` says if it is a JSON string (JSON encoded twice); else None."""
    stripped = text.strip()
    if not stripped.startswith('"'):
        return None
    try:
        parsed = json.loads(stripped)
    except ValueError:
        return None
    return parsed if isinstance(parsed, str) else None
