"""Recording real exchanges in our format, scrubbed of tokens, secrets, account ids and signatures."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from contract_tests._recordings import Recording
from contract_tests._spec import Spec, snake_case

# Response headers worth keeping; everything else (cookies, server details) is dropped.
KEPT_HEADERS = ("content-type", "retry-after")
_TOKEN = re.compile(r"sk_[A-Za-z0-9_\-]{2,}")
_SIGNED = re.compile(
    r"^(x-amz-.*|signature|expires|key-pair-id|policy|token|access_token|auth.*|sig|se|sp|sv)$",
    re.I,
)
_ACCOUNT_FIELDS = ("user_id",)
REDACTED = "REDACTED"

# Names (of JSON fields, query parameters, headers) whose values are secrets: compared lower
# case with everything but letters and digits removed, each word anywhere in the name
# (`access_token`, `X-Api-Key`, `client_secret`, `Set-Cookie`, `sessionId`, ...).
_SECRET_WORDS = (
    "token",
    "secret",
    "password",
    "passwd",
    "apikey",
    "accesskey",
    "privatekey",
    "credential",
    "authorization",
    "cookie",
    "session",
)
_NOT_ALNUM = re.compile(r"[^a-z0-9]")
# A JWT: three dot-separated base64url parts, the first a JSON object (`{"` is `eyJ`).
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
# `Bearer <credential>`: a credential has a digit or punctuation ("bearer token" is prose).
_BEARER = re.compile(r"\b(bearer)\s+(?=[\w.~+/-]*[0-9.~+/-])[\w.~+/-]{8,}=*", re.I)
# `name=value` in free text (form bodies, error messages, URLs inside prose).
_PARAMETER = re.compile(r"([\w.-]+)=([^&\s;,\"'()<>\[\]{}]+)")


def is_secret_name(name: str) -> bool:
    """Whether a field, parameter or header called `name` holds a secret."""
    folded = _NOT_ALNUM.sub("", name.lower())
    return folded == "auth" or any(word in folded for word in _SECRET_WORDS)


class Scrubber:
    """Replaces secrets and account ids consistently within one recording session."""

    def __init__(self, *secrets: str) -> None:
        self._secrets = [s for s in secrets if s]
        self._ids: dict[str, str] = {}
        self.replaced: set[str] = set()

    def account_id(self, value: str) -> str:
        """A stable stand-in of the same shape (24 hex digits) for an account id."""
        if value not in self._ids:
            self._ids[value] = f"{len(self._ids) + 1:024x}"
        self.replaced.add("user_id")
        return self._ids[value]

    def text(self, value: str) -> str:
        """A string with the secrets in it replaced: the key, tokens, JWTs, `name=secret`."""
        for secret in self._secrets:
            if secret in value:
                value = value.replace(secret, REDACTED)
                self.replaced.add("token")
        if _TOKEN.search(value):
            value = _TOKEN.sub(f"sk_{REDACTED}", value)
            self.replaced.add("token")
        if _JWT.search(value):
            value = _JWT.sub(REDACTED, value)
            self.replaced.add("jwt")
        if _BEARER.search(value):
            value = _BEARER.sub(rf"\1 {REDACTED}", value)
            self.replaced.add("bearer credential")
        value = _PARAMETER.sub(self._parameter, value)
        if value.startswith(("http://", "https://")):
            value = self._url(value)
        return value

    def query(self, name: str, value: str) -> str:
        """A request's query parameter: redacted whole if its name says it is a secret."""
        if is_secret_name(name):
            self.replaced.add(f"query {name}")
            return REDACTED
        return self.text(value)

    def headers(self, names: Iterable[str]) -> None:
        """Headers left out of the recording: note those whose name says they held a secret."""
        for name in names:
            if is_secret_name(name):
                self.replaced.add(f"{name.lower()} header")

    def _parameter(self, match: re.Match[str]) -> str:
        name, value = match.group(1), match.group(2)
        if value == REDACTED or not is_secret_name(name):
            return match.group(0)
        self.replaced.add(f"parameter {name}")
        return f"{name}={REDACTED}"

    def _url(self, value: str) -> str:
        parts = urlsplit(value)
        if not parts.query:
            return value
        query = parse_qsl(parts.query, keep_blank_values=True)
        if not any(_signed(k) for k, _ in query):
            return value
        self.replaced.add("url signatures")
        cleaned = [(k, REDACTED if _signed(k) else v) for k, v in query]
        return urlunsplit(parts._replace(query=urlencode(cleaned)))

    def json(self, value: Any, key: str = "", *, secret: str | None = None) -> Any:
        """A JSON value with the secrets in it replaced; `secret`: inside that secret field.

        A field whose name says it is a secret (`token`, `api_key`, `password`, ...) keeps
        its shape but every string and number in it becomes REDACTED.
        """
        if secret is None and key and is_secret_name(key):
            secret = key
        if isinstance(value, dict):
            return {k: self.json(v, k, secret=secret) for k, v in value.items()}
        if isinstance(value, list):
            return [self.json(v, key, secret=secret) for v in value]
        if secret is not None and isinstance(value, str | int | float) and type(value) is not bool:
            self.replaced.add(f"field {secret}")
            return REDACTED
        if isinstance(value, str):
            if key in _ACCOUNT_FIELDS and value:
                return self.account_id(value)
            return self.text(value)
        return value


def _signed(name: str) -> bool:
    """A URL query parameter that signs or authorizes the URL (or is otherwise secret)."""
    return _SIGNED.match(name) is not None or is_secret_name(name)


def to_recording(
    request: httpx.Request,
    response: httpx.Response,
    *,
    origin: str,
    scrubber: Scrubber,
    description: str,
) -> dict[str, Any]:
    """One exchange in the recording format (`recordings/README.md`), scrubbed."""
    sent: dict[str, Any] = {
        "method": request.method,
        "path": request.url.path,
        "query": {k: scrubber.query(k, v) for k, v in request.url.params.multi_items()},
    }
    scrubber.headers(k for k in request.headers if k.lower() != "content-type")
    scrubber.headers(k for k in response.headers if k.lower() not in KEPT_HEADERS)
    content_type = request.headers.get("content-type")
    if content_type:
        sent["headers"] = {"content-type": content_type}
    if request.content:
        sent["body"] = scrubber.json(_json_or_text(request.content))
    answer: dict[str, Any] = {
        "status": response.status_code,
        "headers": {k: response.headers[k] for k in KEPT_HEADERS if k in response.headers},
    }
    parsed = _json_or_text(response.content)
    if isinstance(parsed, str):
        answer["body_text"] = scrubber.text(parsed)
    elif response.content:
        answer["body"] = scrubber.json(parsed)
    return {
        "format": "a2e-recording/1",
        "description": description,
        "source": {
            "kind": "recorder",
            "origin": origin,
            "captured": datetime.now(UTC).isoformat(timespec="seconds"),
            "evidence": "unknown",
            "scrubbed": sorted(scrubber.replaced | {"authorization header"}),
        },
        "request": sent,
        "response": answer,
    }


def save(recording: dict[str, Any], folder: Path, spec: Spec, stem: str | None = None) -> Path:
    """Write a recording as `<operation>.<stem>.json`, refusing anything that still holds a token."""
    text = json.dumps(recording, indent=2, ensure_ascii=False) + "\n"
    if _TOKEN.search(text.replace(f"sk_{REDACTED}", "")) or _JWT.search(text):
        raise ValueError("refusing to save a recording that still contains a token")
    request = recording["request"]
    op = spec.match(request["method"], request["path"])
    operation = snake_case(op.operation_id) if op else "unknown"
    stem = stem or datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{operation}.{stem}.json"
    path.write_text(text, encoding="utf-8")
    Recording.load(path)  # the format check: fails loudly rather than keep a bad file
    return path


def record_call(
    client: httpx.Client,
    method: str,
    path: str,
    *,
    query: Mapping[str, str] | None = None,
    body: Any = None,
    api_key: str,
    folder: Path,
    spec: Spec,
    stem: str | None = None,
) -> Path:
    """Send one request with `client` and save the exchange as a recording."""
    response = client.request(
        method,
        path,
        params=dict(query or {}),
        json=body,
        headers={"Authorization": f"Bearer {api_key}"},
    )
    return record(
        response,
        origin=str(client.base_url).rstrip("/"),
        api_key=api_key,
        description=f"{method.upper()} {path}, recorded by a2e-conformance record",
        folder=folder,
        spec=spec,
        stem=stem,
    )


def record(
    response: httpx.Response,
    *,
    origin: str,
    api_key: str,
    description: str,
    folder: Path,
    spec: Spec,
    stem: str | None = None,
) -> Path:
    """Save the exchange that gave `response`, scrubbed of `api_key` and the rest."""
    recording = to_recording(
        response.request,
        response,
        origin=origin,
        scrubber=Scrubber(api_key),
        description=description,
    )
    return save(recording, folder, spec, stem)


def _json_or_text(content: bytes) -> Any:
    try:
        return json.loads(content)
    except ValueError:
        return content.decode("utf-8", errors="replace")
