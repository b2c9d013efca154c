"""Recording real exchanges in our format, scrubbed of credentials, secrets, account ids and
URL signatures (the rules: `_scrub`)."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from contract_tests._recordings import check_format
from contract_tests._scrub import Scrubber
from contract_tests._spec import Spec, snake_case

# Response headers worth keeping; everything else (cookies, server details) is dropped.
KEPT_HEADERS = ("content-type", "retry-after")


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
        "path": scrubber.text(request.url.path),
        "query": {
            scrubber.text(k): scrubber.query(k, v) for k, v in request.url.params.multi_items()
        },
    }
    scrubber.headers(k for k in request.headers if k.lower() != "content-type")
    scrubber.headers(k for k in response.headers if k.lower() not in KEPT_HEADERS)
    content_type = request.headers.get("content-type")
    if content_type:
        sent["headers"] = {"content-type": scrubber.text(content_type)}
    if request.content:
        sent["body"] = scrubber.json(_json_or_text(request.content))
    answer: dict[str, Any] = {
        "status": response.status_code,
        "headers": {
            k: scrubber.text(response.headers[k]) for k in KEPT_HEADERS if k in response.headers
        },
    }
    parsed = _json_or_text(response.content)
    if isinstance(parsed, str):
        answer["body_text"] = scrubber.text(parsed)
    elif response.content:
        answer["body"] = scrubber.json(parsed)
    return {
        "format": "a2e-recording/1",
        "description": scrubber.text(description),
        "source": {
            "kind": "recorder",
            "origin": scrubber.text(origin),
            "captured": datetime.now(UTC).isoformat(timespec="seconds"),
            "evidence": "unknown",
            "scrubbed": sorted(scrubber.replaced | {"authorization header"}),
        },
        "request": sent,
        "response": answer,
    }


def save(
    recording: dict[str, Any],
    folder: Path,
    spec: Spec,
    stem: str | None = None,
    *,
    scrubber: Scrubber | None = None,
) -> Path:
    """Write a recording as `<operation>.<stem>.json`; refuses (ValueError) one that still
    holds a token or one of `scrubber`'s credentials, or that is not in the format, and
    writes nothing then."""
    text = json.dumps(recording, indent=2, ensure_ascii=False) + "\n"
    leak = (scrubber or Scrubber()).leak(text)
    if leak is not None:
        raise ValueError(f"refusing to save a recording that still contains {leak}")
    request = recording["request"]
    op = spec.match(request["method"], request["path"])
    operation = snake_case(op.operation_id) if op else "unknown"
    stem = stem or datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    path = folder / f"{operation}.{stem}.json"
    check_format(recording, path.name)
    folder.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
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
    Scrubber(api_key)  # a key that cannot be scrubbed is refused before anything is spent
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
    """Save the exchange that gave `response`, scrubbed of `api_key`, of the credential of
    the request's Authorization header and of the rest; ValueError when it cannot be."""
    scrubber = Scrubber.of_headers(response.request.headers, api_key)
    recording = to_recording(
        response.request,
        response,
        origin=origin,
        scrubber=scrubber,
        description=description,
    )
    return save(recording, folder, spec, stem, scrubber=scrubber)


def _json_or_text(content: bytes) -> Any:
    try:
        return json.loads(content)
    except ValueError:
        return content.decode("utf-8", errors="replace")
