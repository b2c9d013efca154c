"""Recorded exchanges (`contract_tests/recordings/*.json`) and their strict check against the spec."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema

from contract_tests._spec import Spec
from contract_tests._strict import StrictValidator, Violation

RECORDINGS_DIR = Path(__file__).resolve().parent / "recordings"
FORMAT_SCHEMA_PATH = RECORDINGS_DIR / "recording.schema.json"


class RecordingFormatError(ValueError):
    """A recording file that does not follow `recording.schema.json`."""


@dataclass(frozen=True)
class Recording:
    """One recorded exchange, as stored on disk."""

    path: Path
    data: dict[str, Any]

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def request(self) -> dict[str, Any]:
        return dict(self.data["request"])

    @property
    def response(self) -> dict[str, Any]:
        return dict(self.data["response"])

    @classmethod
    def load(cls, path: Path) -> Recording:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise RecordingFormatError(f"{path.name}: not readable JSON: {exc}") from exc
        check_format(data, path.name)
        return cls(path=path, data=data)


def check_format(data: Any, name: str) -> None:
    """Raise RecordingFormatError, naming the file `name`, unless `data` follows
    `recording.schema.json`."""
    errors = sorted(_format_validator().iter_errors(data), key=lambda e: list(e.path))
    if errors:
        lines = "; ".join(f"{e.json_path}: {e.message}" for e in errors)
        raise RecordingFormatError(f"{name}: not a recording ({lines})")


@dataclass(frozen=True)
class Finding:
    """A violation found in one recording file."""

    recording: str
    operation: str
    violation: Violation

    def __str__(self) -> str:
        return f"{self.recording}: {self.operation}: {self.violation}"


def load_recordings(directory: Path = RECORDINGS_DIR) -> list[Recording]:
    """Every recording in `directory`, in name order."""
    return [
        Recording.load(path)
        for path in sorted(directory.glob("*.json"))
        if not path.name.endswith(".schema.json")
    ]


def check_recording(recording: Recording, spec: Spec, validator: StrictValidator) -> list[Finding]:
    """Everything in `recording` that the spec does not document exactly."""
    request, response = recording.request, recording.response
    op = spec.match(request["method"], request["path"])
    if op is None:
        where = f"{request['method']} {request['path']}"
        violation = Violation(
            "undocumented-operation", "request", "$", f"the spec has no operation for {where}"
        )
        return [Finding(recording.name, where, violation)]
    headers = response.get("headers", {})
    violations = validator.check_request(
        op, request.get("query", {}), request.get("body"), has_body="body" in request
    )
    violations += validator.check_response(
        op,
        response["status"],
        response.get("body"),
        content_type=headers.get("content-type", "application/json"),
    )
    return [Finding(recording.name, op.operation_id, v) for v in violations]


def report(findings: Iterable[Finding]) -> str:
    """One line per finding, naming the file, the operation and the JSON path."""
    return "\n".join(str(f) for f in findings)


@functools.cache
def _format_validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(FORMAT_SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)
