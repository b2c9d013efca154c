"""The live gate: real requests to a running server, every answer checked strictly.

Read-only operations run by default. Operations that spend credits or store files (start
dubbing, save to storage) run only when writes are allowed; the task started is deleted
at the end.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from contract_tests import _api as api
from contract_tests._drift import DriftReport, Subject
from contract_tests._recorder import record
from contract_tests._recordings import Finding
from contract_tests._spec import Spec
from contract_tests._strict import StrictValidator, Violation

# A2E's own sample (the seed page's source): small, public, reachable by A2E.
DEFAULT_SOURCE = (
    "https://dh24as48lv9ce.cloudfront.net/adam2eve/stable/user_voice_clone/"
    "b89f5b2e-2c7a-4de5-89b4-17ffee2799b6/audio.WAV"
)
UNKNOWN_ID = "ffffffffffffffffffffffff"


@dataclass(frozen=True)
class Step:
    """One request of the live run: an operation and its values by the client method's
    keywords (the spec says where each goes: path, query or body)."""

    name: str
    operation: str  # the client method the operation backs
    write: bool = False
    expect_error: bool = False
    authenticated: bool = True
    values: Callable[[dict[str, Any]], dict[str, Any] | None] = lambda state: {}  # None: skip
    keep: Callable[[dict[str, Any], Any], None] = lambda state, data: None


def _first_row_id(state: dict[str, Any], data: Any) -> None:
    rows = data.get("rows") if isinstance(data, dict) else None
    if rows and isinstance(rows[0], dict):
        state.setdefault("read_id", rows[0].get(state["id_field"]))


def _created_id(state: dict[str, Any], data: Any) -> None:
    if isinstance(data, dict) and isinstance(data.get(state["id_field"]), str):
        state["created_id"] = data[state["id_field"]]
        state["read_id"] = data[state["id_field"]]


def _task(key: str) -> Callable[[dict[str, Any]], dict[str, Any] | None]:
    return lambda state: {"task_id": state[key]} if state.get(key) else None


STEPS = (
    Step("remaining credits", "account.remaining_coins"),
    Step("languages", "languages.list", values=lambda s: {"lang": "en"}),
    Step(
        "first page of tasks",
        "dubbing.list",
        values=lambda s: {"page_num": "1", "page_size": "10"},
        keep=_first_row_id,
    ),
    Step("processing tasks", "dubbing.list_processing"),
    Step(
        "start dubbing (spends credits)",
        "dubbing.start",
        write=True,
        values=lambda s: {
            "source_url": s["source_url"],
            "target_lang": "en",
            "name": f"a2e-conformance-{secrets.token_hex(4)}",
        },
        keep=_created_id,
    ),
    Step("details of a task", "dubbing.get", values=_task("read_id")),
    Step(
        "details of an unknown id",
        "dubbing.get",
        expect_error=True,
        values=lambda s: {"task_id": UNKNOWN_ID},
    ),
    Step(
        "a request without a key", "account.remaining_coins", expect_error=True, authenticated=False
    ),
    Step(
        "save a URL to storage",
        "storage.transfer",
        write=True,
        values=lambda s: {"url": s["source_url"]},
    ),
    Step("delete the task started here", "dubbing.delete", write=True, values=_task("created_id")),
)


def run_live(
    base_url: str,
    api_key: str,
    *,
    spec: Spec,
    allow_writes: bool = False,
    source_url: str = DEFAULT_SOURCE,
    record_to: Path | None = None,
    timeout: float = 60.0,
) -> DriftReport:
    """Run every step against `base_url` and report what differs from the spec."""
    validator = StrictValidator(spec)
    state: dict[str, Any] = {"source_url": source_url, "id_field": api.record(spec).id.wire}
    subjects: list[Subject] = []
    with httpx.Client(base_url=base_url, timeout=timeout) as client:
        for step in STEPS:
            target = api.op(step.operation, spec)
            op = spec.operation(target.operation_id)
            subject = Subject(step.name, op.operation_id)
            subjects.append(subject)
            if step.write and not allow_writes:
                subject.skipped = "writes not allowed (--allow-writes)"
                continue
            values = step.values(state)
            if values is None:
                subject.skipped = "no task id to use"
                continue
            headers = {"Authorization": f"Bearer {api_key}"} if step.authenticated else {}
            try:
                response = client.request(**target.call(**values), headers=headers)
            except httpx.HTTPError as error:
                problem = f"no answer: {error}"
                subject.findings.append(_finding(step, op.operation_id, "unreachable", problem))
                continue
            body = _json(response)
            violations = validator.check_response(
                op,
                response.status_code,
                body,
                content_type=response.headers.get("content-type", ""),
            )
            subject.findings += [Finding(step.name, op.operation_id, v) for v in violations]
            subject.findings += _outcome(step, op.operation_id, response.status_code, body)
            if not violations and isinstance(body, dict) and body.get("code") == 0:
                step.keep(state, body.get("data"))
            if record_to is not None:
                record(
                    response,
                    origin=base_url,
                    api_key=api_key,
                    description=f"live conformance run: {step.name}",
                    folder=record_to,
                    spec=spec,
                )
    return DriftReport(
        f"Live conformance: {base_url} vs {spec.path.name if spec.path else 'the spec'}",
        subjects,
        [op.operation_id for op in spec.operations],
    )


def _outcome(step: Step, operation_id: str, status: int, body: Any) -> list[Finding]:
    """A success where an error is due, or the reverse, is drift too."""
    code = body.get("code") if isinstance(body, dict) else None
    failed = status >= 400 or code != 0
    if step.expect_error and not failed:
        accepted = f"expected an error answer, got HTTP {status} code {code}"
        return [_finding(step, operation_id, "accepted-invalid", accepted)]
    if not step.expect_error and failed:
        message = body.get("msg") if isinstance(body, dict) else None
        problem = f"HTTP {status}, code {code}: {message}"
        return [_finding(step, operation_id, "unexpected-error", problem)]
    return []


def _finding(step: Step, operation_id: str, kind: str, message: str) -> Finding:
    return Finding(step.name, operation_id, Violation(kind, "response", "$", message))


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
