"""The task record and its lifecycle, as the spec declares them (read by both renderers).

Found through the spec, never by schema name: the operation that starts a task is the
non-idempotent operation (`x-a2e-idempotent: false`) of the tag with `x-a2e-behaviour:
tasks`; its JSON body is the request and the `data` of its success envelope the record.
Each record property either carries an `x-a2e-mock` hint (a value the mock makes, or a
constant) or has a namesake in the request, whose value it echoes; a hint is on its
property, so it moves with it (a rename, `x-a2e-renamed-from`, needs nothing more). The
record's `x-a2e-mock: status` property refers to the status schema, whose
`x-a2e-lifecycle` declares the lifecycle. Every inconsistency is a GenerationError that
says how to fix it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from generator._parse import GenerationError, Operation, ParsedSpec

MOCK = "x-a2e-mock"
LIFECYCLE = "x-a2e-lifecycle"
EXPIRES_AFTER = "x-a2e-expires-after"  # on the result URL property: seconds it stays valid
# Values the mock makes for a record field (`x-a2e-mock: <source>`).
SOURCES: Mapping[str, str] = {
    "id": "the task's id",
    "tenant": "the caller's user id",
    "status": "the task's status word",
    "created": "when the task was started (ISO 8601)",
    "updated": "when the task last changed (ISO 8601)",
    "duration": "seconds of source, made up repeatably from the request's URL fields",
    "result": "the result's URL once the status is the lifecycle's `result` word, else ''",
    "failure-message": "why the task failed once the status is the `failure` word, else ''",
    "failure-code": "the failure's code once the status is the `failure` word, else null",
}
ONE_EACH = ("id", "status")  # sources that exactly one record field must have
REQUEST = "request"  # a field that echoes the request's namesake
CONST = "const"  # a field that is always the same value
HINT_KEYS = ("source", "const", "default", "when")
WHEN = ("result", "failure")  # lifecycle words a field may be limited to
LIFECYCLE_KEYS = ("initial", "path", "unfinished", "result", "failure")
_FIX = (
    "add `x-a2e-mock: <source>` to it (one of: {sources}), or `x-a2e-mock: {{const: <value>}}`, "
    "or the same field to {request}"
)


@dataclass(frozen=True)
class RecordField:
    """One property of the task record and where the mock takes its value from."""

    name: str  # the wire name
    python_name: str  # the client model's attribute
    source: str  # one of SOURCES, REQUEST or CONST
    value: Any = None  # CONST: the value; REQUEST: the value when the request had none
    has_value: bool = False  # REQUEST: whether `value` applies (else the field is left out)
    when: str | None = None  # "result" | "failure": present only in that state


@dataclass(frozen=True)
class Lifecycle:
    """The status words and how a task moves through them (`x-a2e-lifecycle`)."""

    words: tuple[str, ...]  # the status schema's enum
    initial: str  # a new task's word
    path: tuple[str, ...]  # the mock's automatic steps, `initial` to `result`
    unfinished: tuple[str, ...]  # not finished yet: processingRecord lists them, wait polls
    result: str  # terminal, carries the result
    failure: str  # terminal, carries the failure

    @property
    def terminal(self) -> tuple[str, ...]:
        return (self.result, self.failure)


@dataclass(frozen=True)
class TaskSpec:
    """The start operation, its request, the record's fields and the lifecycle."""

    start: Operation
    request_schema: str  # a name for messages
    record_schema: str
    request_fields: tuple[str, ...]  # the request's properties, stored with each task
    url_fields: tuple[str, ...]  # request properties that are URLs (`format: uri`)
    fields: tuple[
        RecordField, ...
    ]  # in the order of the start's success example, then the schema's
    lifecycle: Lifecycle

    def named(self, source: str) -> tuple[RecordField, ...]:
        return tuple(f for f in self.fields if f.source == source)

    def attribute(self, source: str) -> str | None:
        """The client attribute of the (first) record field the mock fills from `source`."""
        found = self.named(source)
        return found[0].python_name if found else None

    @property
    def name_field(self) -> str | None:
        """The client attribute of the task's name: the record field that echoes the start's
        `x-a2e-recover.unique` field (the one a client makes unique), if there is one."""
        unique = (self.start.extension("a2e-recover") or {}).get("unique")
        found = [f for f in self.named(REQUEST) if f.name == unique]
        return found[0].python_name if found else None

    @property
    def failure_fields(self) -> tuple[str, ...]:
        """Python names of the fields that say why a task failed: messages, then codes."""
        return tuple(
            f.python_name
            for source in ("failure-message", "failure-code")
            for f in self.named(source)
        )


def task_spec(parsed: ParsedSpec) -> TaskSpec:
    """The task record and lifecycle of the spec; GenerationError if it is inconsistent."""
    start = _start_operation(parsed)
    request_ref = _request_ref(parsed, start)
    record_ref = _record_ref(parsed, start)
    request = _object(parsed, request_ref, f"the request body of {start.operation_id}")
    record = _object(parsed, record_ref, f"the `data` of {start.operation_id}'s answer")
    request_name, record_name = _name(request_ref), _name(record_ref)
    request_props = {str(k): v for k, v in request.get("properties", {}).items()}
    _no_request_hints(request_props, request_name)
    fields = _fields(parsed, record_ref, record, request, request_name, record_name)
    status_field = next(f.name for f in fields if f.source == "status")
    order = _example_order(parsed, start)
    return TaskSpec(
        start=start,
        request_schema=request_name,
        record_schema=record_name,
        request_fields=tuple(request_props),
        url_fields=tuple(
            name
            for name, node in request_props.items()
            if parsed.resolve(node).get("format") == "uri"
        ),
        fields=tuple(sorted(fields, key=lambda f: order.get(f.name, len(order)))),
        lifecycle=_lifecycle(parsed, record["properties"][status_field], record_name, status_field),
    )


def _start_operation(parsed: ParsedSpec) -> Operation:
    tags = {
        str(tag.get("name"))
        for tag in parsed.document.get("tags", [])
        if isinstance(tag, dict) and tag.get("x-a2e-behaviour") == "tasks"
    }
    found = [
        op
        for op in parsed.operations
        if tags & set(op.definition.get("tags", [])) and op.extension("a2e-idempotent") is False
    ]
    if len(found) != 1:
        names = ", ".join(op.operation_id for op in found) or "none"
        raise GenerationError(
            "the mock needs exactly one operation that starts a task: the operation with "
            f"`x-a2e-idempotent: false` in the tag with `x-a2e-behaviour: tasks` (found: {names})"
        )
    return found[0]


def _request_ref(parsed: ParsedSpec, op: Operation) -> str:
    body = parsed.resolve(op.definition.get("requestBody")) or {}
    schema = body.get("content", {}).get("application/json", {}).get("schema", {})
    if "$ref" not in schema:
        raise GenerationError(
            f"{op.operation_id}: the request body of the operation that starts a task must be "
            "a $ref to a schema in components.schemas"
        )
    return str(schema["$ref"])


def _record_ref(parsed: ParsedSpec, op: Operation) -> str:
    ok = parsed.resolve(op.definition.get("responses", {}).get("200")) or {}
    schema = ok.get("content", {}).get("application/json", {}).get("schema") or {}
    error_ref = parsed.document.get("info", {}).get("x-a2e-error-envelope")
    for branch in schema.get("oneOf", [schema]):
        if not isinstance(branch, dict) or branch.get("$ref") == error_ref:
            continue
        envelope = parsed.resolve(branch)
        for part in envelope.get("allOf", [envelope]):
            data = parsed.resolve(part).get("properties", {}).get("data", {})
            if "$ref" in data:
                return str(data["$ref"])
    raise GenerationError(
        f"{op.operation_id}: the `data` of the success answer of the operation that starts a "
        "task must be a $ref to the task record's schema"
    )


def _object(parsed: ParsedSpec, ref: str, what: str) -> dict[str, Any]:
    schema = parsed.resolve({"$ref": ref})
    if not isinstance(schema, dict) or not isinstance(schema.get("properties"), dict):
        raise GenerationError(f"{ref} ({what}) must be an object schema with properties")
    return schema


def _name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _example_order(parsed: ParsedSpec, op: Operation) -> dict[str, int]:
    """Field -> its place in the `data` of the operation's first success example."""
    ok = parsed.resolve(op.definition.get("responses", {}).get("200")) or {}
    for example in ok.get("content", {}).get("application/json", {}).get("examples", {}).values():
        value = parsed.resolve(example).get("value")
        if (
            isinstance(value, dict)
            and value.get("code") == 0
            and isinstance(value.get("data"), dict)
        ):
            return {str(name): place for place, name in enumerate(value["data"])}
    return {}


def _hint(node: dict[str, Any], where: str) -> dict[str, Any]:
    """A property's `x-a2e-mock`, as a mapping (`x-a2e-mock: id` is `{source: id}`)."""
    hint = node.get(MOCK)
    if hint is None:
        return {}
    if isinstance(hint, str):
        return {"source": hint}
    if not isinstance(hint, dict):
        raise GenerationError(f"{where}: {MOCK} must be a source word or a mapping, got {hint!r}")
    unknown = sorted(set(map(str, hint)) - set(HINT_KEYS))
    if unknown:
        raise GenerationError(
            f"{where}: unknown key(s) {', '.join(unknown)} in {MOCK} (known: {', '.join(HINT_KEYS)})"
        )
    return dict(hint)


def _fields(
    parsed: ParsedSpec,
    record_ref: str,
    record: dict[str, Any],
    request: dict[str, Any],
    request_name: str,
    record_name: str,
) -> tuple[RecordField, ...]:
    python_names = _python_names(parsed, record_ref)
    required = set(record.get("required", []))
    request_props = request.get("properties", {})
    request_required = set(request.get("required", []))
    fields = []
    for raw_name, node in record["properties"].items():
        name = str(raw_name)
        where = f"{record_name}.{name}"
        hint = _hint(node, where)
        when = hint.get("when")
        if when is not None and when not in WHEN:
            raise GenerationError(f"{where}: `when` must be one of {', '.join(WHEN)}, got {when!r}")
        if when is not None and name in required:
            raise GenerationError(
                f"{where}: a required property cannot be left out (`when: {when}`): "
                f"remove `when` or make it optional in {record_name}"
            )
        value: Any = None
        has_value = False
        if "const" in hint:
            if set(hint) - {"const", "when"}:
                raise GenerationError(f"{where}: `const` takes no `source` or `default`")
            source, value = CONST, hint["const"]
        elif "source" in hint:
            source = str(hint["source"])
            if source not in SOURCES or "default" in hint:
                raise GenerationError(
                    f"{where}: {MOCK} source must be one of {', '.join(SOURCES)} (and takes no "
                    f"`default`), got {hint['source']!r}"
                )
        elif name in request_props:
            source = REQUEST
            asked = parsed.resolve(request_props[name])
            if "default" in hint:
                value, has_value = hint["default"], True
            elif isinstance(asked, dict) and "default" in asked:
                value, has_value = asked["default"], True
            if name in required and not has_value and name not in request_required:
                raise GenerationError(
                    f"{where}: required here, but {request_name}.{name} is optional without a "
                    f"default: give it a `default`, or add `x-a2e-mock: {{default: <value>}}` here"
                )
        else:
            fix = _FIX.format(sources=", ".join(SOURCES), request=request_name)
            raise GenerationError(f"{where}: the mock has no value for this field: {fix}")
        fields.append(
            RecordField(
                name=name,
                python_name=python_names.get(name, name),
                source=source,
                value=value,
                has_value=has_value,
                when=when,
            )
        )
    for source in ONE_EACH:
        having = [f.name for f in fields if f.source == source]
        if len(having) != 1:
            raise GenerationError(
                f"{record_name}: exactly one property needs `x-a2e-mock: {source}` "
                f"({SOURCES[source]}), found {len(having)}: {', '.join(having) or 'none'}"
            )
    return tuple(fields)


def _python_names(parsed: ParsedSpec, record_ref: str) -> dict[str, str]:
    """Wire name -> the attribute of the client's model of the record."""
    model = parsed.model_for(record_ref)
    names = {}
    for prop in (*(model.required_properties or ()), *(model.optional_properties or ())):
        wire = prop.name
        if hasattr(wire, "get_untrusted_value"):
            wire = wire.get_untrusted_value()
        names[str(wire)] = str(prop.python_name)
    return names


def _no_request_hints(request_props: dict[str, Any], request_name: str) -> None:
    for name, node in request_props.items():
        if isinstance(node, dict) and MOCK in node:
            raise GenerationError(
                f"{request_name}.{name}: {MOCK} is for the task record's properties; what a "
                "request field accepts is its schema's (an `enum` with x-a2e-values-from)"
            )


def _lifecycle(parsed: ParsedSpec, node: dict[str, Any], record: str, field: str) -> Lifecycle:
    where = f"{record}.{field}"
    if "$ref" not in node:
        raise GenerationError(f"{where}: the status property must be a $ref to the status schema")
    name = _name(str(node["$ref"]))
    schema = parsed.resolve(node)
    words = schema.get("enum") if isinstance(schema, dict) else None
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words) or not words:
        raise GenerationError(f"{name}: the status schema needs an `enum` of status words")
    declared = schema.get(LIFECYCLE)
    keys = ", ".join(LIFECYCLE_KEYS)
    if not isinstance(declared, dict):
        raise GenerationError(
            f"{name} (the status of {where}) needs `{LIFECYCLE}` with {keys}: see the "
            "comment at the top of the spec"
        )
    problems = []
    unknown = sorted(set(map(str, declared)) - set(LIFECYCLE_KEYS))
    missing = [k for k in LIFECYCLE_KEYS if k not in declared]
    if unknown:
        problems.append(f"unknown key(s) {', '.join(unknown)} (known: {keys})")
    if missing:
        problems.append(f"missing {', '.join(missing)}")
    if problems:
        raise GenerationError(f"{name}.{LIFECYCLE}: " + "; ".join(problems))
    single = {k: declared[k] for k in ("initial", "result", "failure")}
    lists = {k: declared[k] for k in ("path", "unfinished")}
    for key, value in single.items():
        if not isinstance(value, str):
            problems.append(f"`{key}` must be one status word, got {value!r}")
    for key, value in lists.items():
        if not isinstance(value, list) or not all(isinstance(w, str) for w in value):
            problems.append(f"`{key}` must be a list of status words, got {value!r}")
        elif len(set(value)) != len(value):
            problems.append(f"`{key}` names a word twice: {value}")
    if problems:
        raise GenerationError(f"{name}.{LIFECYCLE}: " + "; ".join(problems))
    initial, result, failure = single["initial"], single["result"], single["failure"]
    path, unfinished = list(lists["path"]), list(lists["unfinished"])
    for key, used in (("initial", [initial]), ("path", path), ("unfinished", unfinished)):
        for word in used:
            if word not in words:
                problems.append(f"`{key}`: {word!r} is not in {name}'s enum {words}: add it there")
    for key, word in (("result", result), ("failure", failure)):
        if word not in words:
            problems.append(f"`{key}`: {word!r} is not in {name}'s enum {words}: add it there")
        if word in unfinished:
            problems.append(
                f"`{key}`: {word!r} is terminal, so it cannot be listed in `unfinished`"
            )
    if result == failure:
        problems.append(f"`result` and `failure` must be different words, both are {result!r}")
    if initial not in unfinished:
        problems.append(f"`initial`: {initial!r} must be listed in `unfinished`")
    if len(path) < 2 or path[0] != initial or path[-1] != result:
        problems.append(
            f"`path` must go from `initial` ({initial!r}) to `result` ({result!r}), got {path}"
        )
    elif finished := [word for word in path[1:-1] if word not in unfinished]:
        problems.append(
            f"`path`: {', '.join(map(repr, finished))} must be listed in `unfinished` "
            "(every word of the path but the last is)"
        )
    loose = [w for w in words if w not in unfinished and w not in (result, failure)]
    if loose:
        problems.append(
            f"{', '.join(map(repr, loose))} in the enum is neither unfinished nor `result` nor "
            "`failure`: list it in `unfinished` (wait keeps polling) or make it terminal"
        )
    if problems:
        raise GenerationError(f"{name}.{LIFECYCLE}: " + "; ".join(problems))
    return Lifecycle(
        words=tuple(words),
        initial=initial,
        path=tuple(path),
        unfinished=tuple(unfinished),
        result=result,
        failure=failure,
    )


def result_lifetime(parsed: ParsedSpec) -> int | None:
    """`x-a2e-expires-after` of the record field that holds the result (`x-a2e-mock:
    result`): the seconds a result URL stays valid once answered; None when not given."""
    spec = task_spec(parsed)
    results = spec.named("result")
    if not results:
        return None
    record = parsed.resolve({"$ref": f"#/components/schemas/{spec.record_schema}"})
    node = parsed.resolve(record.get("properties", {}).get(results[0].name, {}))
    value = node.get(EXPIRES_AFTER) if isinstance(node, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None
