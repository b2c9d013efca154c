"""Recording real exchanges in our format, scrubbed of tokens, account ids and signatures."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
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
        for secret in self._secrets:
            if secret in value:
                value = value.replace(secret, REDACTED)
                self.replaced.add("token")
        if _TOKEN.search(value):
            value = _TOKEN.sub(f"sk_{REDACTED}", value)
            self.replaced.add("token")
        if value.startswith(("http://", "https://")):
            value = self._url(value)
        return value

    def _url(self, value: str) -> str:
        parts = urlsplit(value)
        if not parts.query:
            return value
        query = parse_qsl(parts.query, keep_blank_values=True)
        if not any(_SIGNED.match(k) for k, _ in query):
            return value
        self.replaced.add("url signatures")
        cleaned = [(k, REDACTED if _SIGNED.match(k) else v) for k, v in query]
        return urlunsplit(parts._replace(query=urlencode(cleaned)))

    def json(self, value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {k: self.json(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self.json(v, key) for v in value]
        if isinstance(value, str):
            if key in _ACCOUNT_FIELDS and value:
                return self.account_id(value)
            return self.text(value)
        return value


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
        "query": {k: scrubber.text(v) for k, v in request.url.params.multi_items()},
    }
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
    if _TOKEN.search(text.replace(f"sk_{REDACTED}", "")):
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
