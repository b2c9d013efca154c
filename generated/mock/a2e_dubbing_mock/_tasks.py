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
from ._spec import LIFECYCLE, RECORD

RESULT_PATH = "/__mock/results/"
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


def new_task(task_id: str, created_ms: int, body: dict[str, Any], next_ms: int | None) -> TaskRow:
    """A task just started with the (validated, defaulted) request `body`."""
    request = {name: body[name] for name in RECORD.request_fields if name in body}
    doc = {DOC_REQUEST: request, DOC_DURATION: duration_for(request)}
    return TaskRow(task_id, created_ms, created_ms, LIFECYCLE.initial, next_ms, doc)


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
    key = "\n".join(str(request.get(name, "")) for name in RECORD.url_fields)
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()
    return 5.0 + int.from_bytes(digest[:4], "big") % 5950 / 10.0


def cost_for(duration: float) -> int:
    """Coins a task spends: one per started minute of source (our choice)."""
    return max(1, math.ceil(duration / 60.0))


def cost_of(row: TaskRow) -> int:
    return cost_for(float(row.doc.get(DOC_DURATION, 0.0)))


_OMIT: Any = object()  # a field the answer leaves out
Getter = Callable[[TaskRow, str, str], Any]  # (row, user id, base URL) -> value


def _request_value(name: str, default: Any) -> Getter:
    return lambda row, user_id, base_url: row.doc[DOC_REQUEST].get(name, default)


def _result_url(row: TaskRow, user_id: str, base_url: str) -> str:
    return f"{base_url}{RESULT_PATH}{row.id}.wav" if row.status == LIFECYCLE.result else ""


def _failure_message(row: TaskRow, user_id: str, base_url: str) -> str:
    if row.status != LIFECYCLE.failure:
        return ""
    return str(row.doc.get(DOC_FAILURE_MESSAGE) or "")


def _failure_code(row: TaskRow, user_id: str, base_url: str) -> Any:
    return row.doc.get(DOC_FAILURE_CODE) if row.status == LIFECYCLE.failure else None


_MADE: dict[str, Getter] = {
    "id": lambda row, user_id, base_url: row.id,
    "tenant": lambda row, user_id, base_url: user_id,
    "status": lambda row, user_id, base_url: row.status,
    "created": lambda row, user_id, base_url: iso_ms(row.created_ms),
    "updated": lambda row, user_id, base_url: iso_ms(row.updated_ms),
    "duration": lambda row, user_id, base_url: row.doc.get(DOC_DURATION, 0.0),
    "result": _result_url,
    "failure-message": _failure_message,
    "failure-code": _failure_code,
}


def _getter(field: FieldSpec) -> Getter:
    if field.source == REQUEST:
        return _request_value(field.name, field.value if field.has_value else _OMIT)
    if field.source == CONST:
        value = field.value
        return lambda row, user_id, base_url: value
    return _MADE[field.source]


_WHEN = {None: None, "result": LIFECYCLE.result, "failure": LIFECYCLE.failure}
# (name, getter, the only status it appears in, or None), in the spec's order.
_FIELDS: Final = tuple((f.name, _getter(f), _WHEN[f.when]) for f in RECORD.fields)


def record(row: TaskRow, user_id: str, base_url: str) -> dict[str, Any]:
    """The task as A2E answers it: the spec's record, field by field."""
    data: dict[str, Any] = {}
    status = row.status
    for name, get, only_in in _FIELDS:
        if only_in is not None and status != only_in:
            continue
        value = get(row, user_id, base_url)
        if value is not _OMIT:
            data[name] = value
    return data


def dumps(doc: dict[str, Any]) -> str:
    """A task's document as stored (text: SQLite would read bytes as a BLOB)."""
    return orjson.dumps(doc).decode()


def loads(text: str | bytes) -> dict[str, Any]:
    doc: dict[str, Any] = orjson.loads(text)
    return doc
