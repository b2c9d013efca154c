"""The live gate: real requests to a running server, every answer checked strictly.

Read-only operations run by default. Operations that spend credits or store files (start
dubbing, save to storage, delete: `is_write`) run only when writes are allowed; the task
started is deleted at the end. Asking for a presigned upload (the spec's `x-a2e-presign` operation) stores
nothing, so its answer is checked by default, which settles the unpublished shape on the
first run; the upload itself (a PUT of a short WAV to the URL answered, then a GET of the
file's URL) only with writes allowed.
"""

from __future__ import annotations

import io
import secrets
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from contract_tests import _api as api
from contract_tests._drift import DriftReport, Subject
from contract_tests._recorder import record
from contract_tests._recordings import Finding
from contract_tests._scrub import Scrubber
from contract_tests._spec import Operation, Spec
from contract_tests._strict import StrictValidator, Violation

# A2E's own sample (the seed page's source): small, public, reachable by A2E.
DEFAULT_SOURCE = (
    "https://dh24as48lv9ce.cloudfront.net/adam2eve/stable/user_voice_clone/"
    "b89f5b2e-2c7a-4de5-89b4-17ffee2799b6/audio.WAV"
)
UNKNOWN_ID = "ffffffffffffffffffffffff"
# Why a write was not sent: live mode's and `record`'s word.
WRITES_NOT_ALLOWED = "writes not allowed (--allow-writes)"
_SAFE_METHODS = ("get", "head", "options")


def is_write(method: str, op: Operation | None) -> bool:
    """Whether a request spends credits or stores something: any method but GET, HEAD and
    OPTIONS, except asking for a presigned upload (`x-a2e-presign`), which stores nothing."""
    if op is not None and "x-a2e-presign" in op.definition:
        return False
    return method.lower() not in _SAFE_METHODS


@dataclass(frozen=True)
class Step:
    """One request of the live run: an operation and its values by the client method's
    keywords (the spec says where each goes: path, query or body)."""

    name: str
    operation: str
    write: bool = False  # a write whatever its operation (`is_write`) says: the upload probe
    expect_error: bool = False
    authenticated: bool = True
    values: Callable[[dict[str, Any]], dict[str, Any] | None] = lambda state: {}  # None: skip
    keep: Callable[[dict[str, Any], Any], None] = lambda state, data: None
    # Instead of a request to the API: a check of its own (the upload to a presigned URL),
    # None when there is nothing to check with yet, else what differs from the spec's word.
    probe: Callable[[httpx.Client, dict[str, Any]], list[str] | None] | None = None


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
    Step("remaining credits", "getRemainingCoins"),
    Step("languages", "listLanguages", values=lambda s: {"lang": "en"}),
    Step(
        "first page of tasks",
        "listDubbingTasks",
        values=lambda s: {"page_num": "1", "page_size": "10"},
        keep=_first_row_id,
    ),
    Step("processing tasks", "listProcessingDubbingTasks"),
    Step(
        "start dubbing (spends credits)",
        "startDubbing",
        values=lambda s: {
            "source_url": s["source_url"],
            "target_lang": "en",
            "name": f"a2e-conformance-{secrets.token_hex(4)}",
        },
        keep=_created_id,
    ),
    Step(
        "details of an unknown id",
        "getDubbingTask",
        expect_error=True,
        values=lambda s: {"task_id": UNKNOWN_ID},
    ),
    Step("a request without a key", "getRemainingCoins", expect_error=True, authenticated=False),
    Step(
        "save a URL to storage",
        "transferToStorage",
        values=lambda s: {"url": s["source_url"]},
    ),
    Step(
        "delete the task started here",
        "deleteDubbingTask",
        values=_task("created_id"),
    ),
)


def _read_steps(spec: Spec) -> tuple[Step, ...]:
    """A task's details by every GET whose one parameter is the record's id: where the
    evidence conflicts the spec has more than one such form, and the first live run
    settles which ones A2E serves."""
    field = api.record(spec).id.wire
    reads = [
        op
        for op in api.operations(spec)
        if op.method == "GET" and [p.wire for p in op.params] == [field]
    ]
    return tuple(
        Step(f"details of a task (id in the {op.params[0].where})", op.operation_id,
             values=_task("read_id"))
        for op in reads
    )  # fmt: skip


def _upload_steps(spec: Spec) -> tuple[Step, ...]:
    """Asking for a presigned upload (read-only), then using it (a write), named as the
    spec's `x-a2e-presign` names them; none when the spec has no such operation."""
    found = [op for op in spec.operations if "x-a2e-presign" in op.definition]
    if not found:
        return ()
    op = found[0]
    names = op.definition["x-a2e-presign"]
    [file_name] = [
        p.keyword for p in api.op(op.operation_id, spec).params if p.wire == names["name"]
    ]

    def keep(state: dict[str, Any], data: Any) -> None:
        if isinstance(data, dict):
            state["presigned"] = (data.get(names["put"]), data.get(names["url"]))

    return (
        Step(
            "presigned upload URL",
            op.operation_id,
            values=lambda s: {file_name: f"a2e-conformance-{secrets.token_hex(4)}/probe.wav"},
            keep=keep,
        ),
        Step(
            "upload to the presigned URL (stores a file)",
            op.operation_id,
            write=True,
            probe=_upload_probe,
        ),
    )


def probe_wav() -> bytes:
    """A valid WAV of a tenth of a second of silence: the file the live run uploads."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(8000)
        audio.writeframes(b"\0\0" * 800)
    return buffer.getvalue()


def _upload_probe(http: httpx.Client, state: dict[str, Any]) -> list[str] | None:
    """PUT the probe WAV where the presign answer said (without the key), then GET it back
    from the file's URL: the storage must take it and serve the same bytes."""
    presigned = state.get("presigned")
    if not presigned or not all(isinstance(u, str) and u for u in presigned):
        return None
    put_url, url = presigned
    content = probe_wav()
    problems = []
    put = http.put(put_url, content=content, headers={"Content-Type": "audio/wav"})
    if not put.is_success:
        return [f"the storage refused the PUT of {len(content)} bytes: HTTP {put.status_code}"]
    got = http.get(url)
    if got.status_code != 200:
        problems.append(f"the file's URL answered HTTP {got.status_code} after the upload")
    elif got.content != content:
        problems.append(f"the file's URL served {len(got.content)} other bytes")
    return problems


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
    if record_to is not None:
        Scrubber(api_key)  # a key that cannot be scrubbed is refused before anything is sent
    validator = StrictValidator(spec)
    state: dict[str, Any] = {"source_url": source_url, "id_field": api.record(spec).id.wire}
    subjects: list[Subject] = []
    steps = list(STEPS)
    started = next(i for i, step in enumerate(steps) if step.keep is _created_id)
    steps[started + 1 : started + 1] = _read_steps(spec)  # after the start, when there is one
    steps[-1:-1] = _upload_steps(spec)  # before the delete of the task started here
    with (
        httpx.Client(base_url=base_url, timeout=timeout) as client,
        httpx.Client(timeout=timeout) as storage,  # no base URL, no key: the storage's URLs
    ):
        for step in steps:
            subject = Subject(step.name, step.operation)
            subjects.append(subject)
            op = spec.operation(step.operation)
            if (step.write or is_write(op.method, op)) and not allow_writes:
                subject.skipped = WRITES_NOT_ALLOWED
                continue
            if step.probe is not None:
                try:
                    problems = step.probe(storage, state)
                except httpx.HTTPError as error:
                    problems = [f"the storage did not answer: {error}"]
                if problems is None:
                    subject.skipped = "no presigned upload to use"
                subject.findings += [_finding(step, "upload", p) for p in problems or ()]
                continue
            values = step.values(state)
            if values is None:
                subject.skipped = "no task id to use"
                continue
            headers = {"Authorization": f"Bearer {api_key}"} if step.authenticated else {}
            try:
                request = api.op(step.operation, spec).call(**values)
                response = client.request(**request, headers=headers)
            except httpx.HTTPError as error:
                subject.findings.append(_finding(step, "unreachable", f"no answer: {error}"))
                continue
            body = _json(response)
            violations = validator.check_response(
                op,
                response.status_code,
                body,
                content_type=response.headers.get("content-type", ""),
            )
            subject.findings += [Finding(step.name, step.operation, v) for v in violations]
            subject.findings += _outcome(step, response.status_code, body)
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


def _outcome(step: Step, status: int, body: Any) -> list[Finding]:
    """A success where an error is due, or the reverse, is drift too."""
    code = body.get("code") if isinstance(body, dict) else None
    failed = status >= 400 or code != 0
    if step.expect_error and not failed:
        return [
            _finding(
                step, "accepted-invalid", f"expected an error answer, got HTTP {status} code {code}"
            )
        ]
    if not step.expect_error and failed:
        message = body.get("msg") if isinstance(body, dict) else None
        return [_finding(step, "unexpected-error", f"HTTP {status}, code {code}: {message}")]
    return []


def _finding(step: Step, kind: str, message: str) -> Finding:
    return Finding(step.name, step.operation, Violation(kind, "response", "$", message))


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
