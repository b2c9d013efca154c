"""Dubbing task records: what is stored of a task, and the record A2E answers with.

A task is stored as its start request (the request's own fields, defaults applied) and
what the mock made of it (the duration, a failure), in one JSON document; its id, times
and status word are columns. The answer is built from `_spec.RECORD`, the spec's record
field by field, so a field added to the spec is answered without code here, and a task
stored before that answers without it (or with the request's default).
"""

from __future__ import annotations

import functools
import hashlib
import math
import time
from collections.abc import Callable
from typing import Any, Final, NamedTuple

import orjson

from ._shape import CONST, REQUEST, FieldSpec
from ._signing import Signer
from ._spec import LIFECYCLE, RECORD

RESULT_PATH = "/__mock/results/"
RESULT_SUFFIX = ".wav"
UNFINISHED: Final = frozenset(LIFECYCLE.unfinished)
# The record field that holds a task's id: its name is also the id parameter's.
ID_FIELD: Final = next(f.name for f in RECORD.fields if f.source == "id")
# Keys of a task's document (`TaskRow.doc`): what the mock made is kept apart from the
# request, whose keys are the spec's.
DOC_REQUEST = "request"
DOC_DURATION = "duration"
DOC_FAILURE_MESSAGE = "failure-message"
DOC_FAILURE_CODE = "failure-code"


class TaskRow(NamedTuple):
    """One stored task, in the store's column order."""

    id: str
    created_ms: int
    updated_ms: int
    status: str
    next_ms: int | None  # when the task moves on by itself (None: it does not)
    doc: dict[str, Any]  # {"request": {...}, "duration": s, "failure-message": ..., ...}


def new_task(
    task_id: str,
    created_ms: int,
    body: dict[str, Any],
    next_ms: int | None,
    *,
    duration: float | None = None,
) -> TaskRow:
    """A task just started with the (validated, defaulted) request `body`; its duration is
    `duration` when known (an uploaded WAV), else made up from its URLs."""
    request = {name: body[name] for name in RECORD.request_fields if name in body}
    seconds = duration if duration is not None else duration_for(request)
    doc = {DOC_REQUEST: request, DOC_DURATION: seconds}
    return TaskRow(task_id, created_ms, created_ms, LIFECYCLE.initial, next_ms, doc)


@functools.lru_cache(maxsize=8192)  # a task's times are answered again and again
def iso_ms(ms: int) -> str:
    """`2024-09-18T03:49:44.704Z` for a time in milliseconds since the epoch."""
    seconds, millis = divmod(ms, 1000)
    return f"{_iso_seconds(seconds)}.{millis:03d}Z"


@functools.lru_cache(maxsize=4096)
def _iso_seconds(seconds: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))


def duration_for(request: dict[str, Any]) -> float:
    """A plausible, repeatable length in seconds, from the request's URLs (the mock never
    fetches the source)."""
    urls = RECORD.url_fields
    if len(urls) == 1:  # the usual case, without a join
        key = str(request.get(urls[0], ""))
    else:
        key = "\n".join([str(request.get(name, "")) for name in urls])
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()
    return 5.0 + int.from_bytes(digest[:4], "big") % 5950 / 10.0


def cost_for(duration: float) -> int:
    """Coins a task spends: one per started minute of source (our choice)."""
    return max(1, math.ceil(duration / 60.0))


def cost_of(row: TaskRow) -> int:
    return cost_for(float(row.doc.get(DOC_DURATION, 0.0)))


_OMIT: Any = object()  # a field the answer leaves out
# What the mock makes for each source, as an expression over the locals of `record`.
_MADE: Final = {
    "id": "row.id",
    "tenant": "user_id",
    "status": "status",
    "created": "iso_ms(row.created_ms)",
    "updated": "iso_ms(row.updated_ms)",
    "duration": "doc.get(DOC_DURATION, 0.0)",
    "result": "result_url(row.id) if status == RESULT else ''",
    "failure-message": "str(doc.get(DOC_FAILURE_MESSAGE) or '') if status == FAILURE else ''",
    "failure-code": "doc.get(DOC_FAILURE_CODE) if status == FAILURE else None",
}
_WHEN: Final = {"result": LIFECYCLE.result, "failure": LIFECYCLE.failure}


# The URL of a task's result, by its id (signed afresh at each call: `result_url`).
ResultURL = Callable[[str], str]
Record = Callable[[TaskRow, str, ResultURL], dict[str, Any]]


def result_path(task_id: str) -> str:
    """The path of a task's result file (its URL without the signature)."""
    return f"{RESULT_PATH}{task_id}{RESULT_SUFFIX}"


def result_url(signer: Signer, base_url: str) -> ResultURL:
    """The result URLs a record answers: signed now, valid as long as the spec says."""

    def url(task_id: str) -> str:
        return signer.url(base_url, result_path(task_id))

    return url


def compile_record(fields: tuple[FieldSpec, ...]) -> Record:
    """`record(row, user_id, result_url)` for `fields`: one dict display in their order,
    compiled once (as dataclasses compiles `__init__`), so that an answer costs what a
    hand-written one would. Names and values from the spec enter as `repr` of a str, or as
    variables, never as code."""
    namespace: dict[str, Any] = {
        "_OMIT": _OMIT,
        "DOC_REQUEST": DOC_REQUEST,
        "DOC_DURATION": DOC_DURATION,
        "DOC_FAILURE_MESSAGE": DOC_FAILURE_MESSAGE,
        "DOC_FAILURE_CODE": DOC_FAILURE_CODE,
        "RESULT": LIFECYCLE.result,
        "FAILURE": LIFECYCLE.failure,
        "iso_ms": iso_ms,
    }
    items, leave_out = [], []
    for number, field in enumerate(fields):
        key = repr(str(field.name))
        value = f"value_{number}"
        namespace[value] = field.value
        if field.source == REQUEST:
            expression = f"request.get({key}, {value if field.has_value else '_OMIT'})"
            if not field.has_value:  # absent from the request, and no default
                leave_out.append(key)
        elif field.source == CONST:
            expression = value
        else:
            expression = _MADE[field.source]
        if field.when is not None:
            namespace[f"when_{number}"] = _WHEN[field.when]
            expression = f"({expression}) if status == when_{number} else _OMIT"
            leave_out.append(key)
        items.append(f"        {key}: {expression},")
    source = "\n".join(
        (
            "def record(row, user_id, result_url):",
            "    doc = row.doc",
            "    request = doc[DOC_REQUEST]",
            "    status = row.status",
            "    data = {",
            *items,
            "    }",
            *(f"    if data[{key}] is _OMIT:\n        del data[{key}]" for key in leave_out),
            "    return data",
        )
    )
    exec(compile(source, f"<{__name__}.record>", "exec"), namespace)  # noqa: S102
    function: Record = namespace["record"]
    return function


# The task as A2E answers it: the spec's record (`_spec.RECORD`), field by field.
record: Final = compile_record(RECORD.fields)


def dumps(doc: dict[str, Any]) -> str:
    """A task's document as stored (text: SQLite would read bytes as a BLOB)."""
    return orjson.dumps(doc).decode()


def loads(text: str | bytes) -> dict[str, Any]:
    doc: dict[str, Any] = orjson.loads(text)
    return doc
