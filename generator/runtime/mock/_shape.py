"""What the mock knows about the task record and its lifecycle (instances live in `_spec`).

Both come from the spec: the record's properties with their `x-a2e-mock` hints (or the
start request's namesake they echo), the status schema's `x-a2e-lifecycle`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Where a field's value comes from: the start request ("request"), a constant ("const"),
# or what the mock makes: "id", "tenant", "status", "created", "updated", "duration",
# "result", "failure-message", "failure-code".
REQUEST = "request"
CONST = "const"


@dataclass(frozen=True)
class FieldSpec:
    """One field of the task record as the mock answers it."""

    name: str  # the wire name
    source: str
    value: Any = None  # CONST: the value; REQUEST: the value when the request had none
    has_value: bool = False  # REQUEST: whether `value` applies (else the field is left out)
    when: str | None = None  # "result" | "failure": only in that state of the lifecycle


@dataclass(frozen=True)
class RecordSpec:
    """The task record: its fields in the spec's order, and what is kept of a start."""

    start: str  # the operationId that starts a task
    request_fields: tuple[str, ...]  # the start request's properties (stored with the task)
    url_fields: tuple[str, ...]  # those that are URLs (a task's made-up duration follows them)
    fields: tuple[FieldSpec, ...]


@dataclass(frozen=True)
class LifecycleSpec:
    """The status words and how a task moves through them."""

    initial: str  # a new task's word
    path: tuple[str, ...]  # the automatic steps, from `initial` to `result`
    unfinished: tuple[str, ...]  # listed by processingRecord
    result: str  # terminal, with the result
    failure: str  # terminal, with the failure


@dataclass(frozen=True)
class ValuesSpec:
    """Values a schema lists (its `enum`, with `x-a2e-labels`): the mock accepts exactly
    these, and its listing operation answers them."""

    operation: str  # the operationId that lists them
    value: str  # the property of a listed item that holds the value
    label: str  # the property of a listed item that holds its name
    label_param: str  # the operation's query parameter that picks the names' language
    default_label: str  # that parameter's default
    labels: dict[str, dict[str, str]]  # value -> language of the name -> name


@dataclass(frozen=True)
class PresignSpec:
    """The operation that answers a presigned upload (`x-a2e-presign` in the spec)."""

    operation: str  # its operationId
    name: str  # the request property that names the file
    put: str  # the answer property: the URL that takes one PUT of the file
    url: str  # the answer property: where the file is served afterwards
    expires: str | None  # the answer property: seconds the PUT URL stays valid
    echo: tuple[str, ...]  # the other answer properties: the request's namesakes
