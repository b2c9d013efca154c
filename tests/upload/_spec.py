"""What the upload tests read of the spec (never typed here): the presign operation, its
`x-a2e-presign` names, and the request field marked `x-a2e-upload` with its operation."""

from __future__ import annotations

import io
import wave
from typing import Any

from contract_tests._spec import Operation, Spec

SPEC = Spec.load()


def _body_properties(op: Operation) -> dict[str, Any]:
    body = SPEC.resolve(op.definition.get("requestBody") or {})
    schema = SPEC.resolve(((body.get("content") or {}).get("application/json") or {}).get("schema"))
    return dict((schema or {}).get("properties") or {})


PRESIGN = next(op for op in SPEC.operations if "x-a2e-presign" in op.definition)
NAMES: dict[str, str] = PRESIGN.definition["x-a2e-presign"]
START, SOURCE_FIELD = next(
    (op, name)
    for op in SPEC.operations
    for name, prop in _body_properties(op).items()
    if "x-a2e-upload" in prop
)


def presign_body(key: str = "talks/talk.wav") -> dict[str, Any]:
    return {NAMES["name"]: key}


def wav(seconds: float, rate: int = 8000) -> bytes:
    """A valid mono 16-bit WAV of silence."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(rate)
        audio.writeframes(b"\0\0" * int(rate * seconds))
    return buffer.getvalue()


def start_body(source: str) -> dict[str, Any]:
    """The start request of the spec's first example, with `source` as its source URL."""
    body = SPEC.resolve(START.definition["requestBody"])["content"]["application/json"]
    example = SPEC.resolve(next(iter(body["examples"].values())))["value"]
    return {**example, SOURCE_FIELD: source}


def record_field(source: str) -> str:
    """The task record's field the mock fills from `source` (its `x-a2e-mock` hint)."""
    ok = SPEC.resolve(START.definition["responses"]["200"])["content"]["application/json"]
    envelope = SPEC.resolve(ok["schema"]["oneOf"][0])
    datas = [SPEC.resolve(part).get("properties", {}).get("data") for part in envelope["allOf"]]
    properties = next(SPEC.resolve(d)["properties"] for d in datas if d and "$ref" in d)
    return str(next(name for name, prop in properties.items() if prop.get("x-a2e-mock") == source))
