"""The project's `x-a2e-…` extensions: where each may stand and what it must hold.

Every extension is checked before anything is rendered, and every problem is reported at
once, each with where it is and what to write instead. An unknown `x-a2e-` name is an
error too (a typo such as `x-a2e-idempotant` would otherwise be ignored silently).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jsonschema_rs

from generator._names import PYTHON_NAME
from generator._parse import GenerationError, Operation, ParsedSpec

EVIDENCE = ("seed", "official-sibling", "third-party", "unknown")
_IDENTIFIER = {"type": "string", "pattern": r"^[A-Za-z_][A-Za-z0-9_]*$"}
_SEMVER = r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$"

# Where an extension may stand, and the JSON Schema of its value. Places: info, tag,
# operation, parameter, schema (a component schema or any property below one).
EXTENSIONS: dict[str, tuple[frozenset[str], dict[str, Any]]] = {
    "x-evidence": (frozenset({"operation"}), {"enum": list(EVIDENCE)}),
    "x-a2e-client": (
        frozenset({"operation"}),
        {"type": "string", "pattern": r"^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$"},
    ),
    "x-a2e-idempotent": (frozenset({"operation"}), {"type": "boolean"}),
    "x-a2e-recover": (
        frozenset({"operation"}),
        {
            "type": "object",
            "required": ["match"],
            "additionalProperties": False,
            "properties": {
                "match": {
                    "type": "array",
                    "minItems": 1,
                    "uniqueItems": True,
                    "items": {"type": "string"},
                },
                "unique": {"type": "string"},
            },
        },
    ),
    PYTHON_NAME: (frozenset({"parameter", "schema"}), _IDENTIFIER),
    "x-a2e-behaviour": (frozenset({"tag"}), {"enum": ["tasks"]}),
    "x-a2e-error-envelope": (frozenset({"info"}), {"type": "string", "pattern": "^#/"}),
    "x-a2e-max-body-bytes": (frozenset({"info"}), {"type": "integer", "minimum": 1}),
    "x-a2e-package-version": (frozenset({"info"}), {"type": "string", "pattern": _SEMVER}),
    "x-a2e-renamed-from": (
        frozenset({"schema"}),
        {
            "type": "object",
            "required": ["name", "since"],
            "additionalProperties": False,
            "properties": {
                "name": {"type": "string", "minLength": 1},
                "since": {"type": "string", "pattern": _SEMVER},
            },
        },
    ),
    "x-a2e-python-renamed-from": (
        frozenset({"schema"}),
        {
            "type": "object",
            "required": ["name", "since"],
            "additionalProperties": False,
            "properties": {
                "name": _IDENTIFIER,
                "since": {"type": "string", "pattern": _SEMVER},
            },
        },
    ),
    "x-a2e-balance": (frozenset({"schema"}), {"const": True}),
    "x-a2e-expires-after": (frozenset({"schema"}), {"type": "integer", "minimum": 1}),
    "x-a2e-presign": (
        frozenset({"operation"}),
        {
            "type": "object",
            "required": ["name", "put", "url"],
            "additionalProperties": False,
            "properties": {
                "name": {"type": "string", "minLength": 1},
                "put": {"type": "string", "minLength": 1},
                "url": {"type": "string", "minLength": 1},
                "expires": {"type": "string", "minLength": 1},
            },
        },
    ),
    "x-a2e-upload": (frozenset({"schema"}), {"type": "string", "minLength": 1}),
    "x-a2e-labels": (
        frozenset({"schema"}),
        {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": {
                "type": "object",
                "minProperties": 1,
                "additionalProperties": {"type": "string", "minLength": 1},
            },
        },
    ),
    # Checked by the modules that read them (their shape is theirs to define).
    "x-a2e-mock": (frozenset({"schema"}), {}),
    "x-a2e-lifecycle": (frozenset({"schema"}), {}),
    "x-a2e-cli": (frozenset({"operation"}), {}),
    "x-a2e-cli-columns": (frozenset({"schema"}), {}),
    "x-a2e-values-from": (frozenset({"schema"}), {}),
}
LABELS = "x-a2e-labels"
_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def validate(parsed: ParsedSpec) -> None:
    """Raise one `GenerationError` listing every misplaced, unknown or malformed extension
    and every extension that names something the spec does not have."""
    problems = [*_shapes(parsed.document), *_references(parsed)]
    if problems:
        listed = "\n".join(f"  - {problem}" for problem in problems)
        raise GenerationError(f"the spec's extensions have {len(problems)} problem(s):\n{listed}")


def _shapes(document: dict[str, Any]) -> Iterator[str]:
    for place, where, node in _places(document):
        for name, value in node.items():
            if not isinstance(name, str) or not (name.startswith("x-a2e-") or name == "x-evidence"):
                continue
            known = EXTENSIONS.get(name)
            if known is None:
                yield f"{where}: unknown extension {name} (known: {', '.join(sorted(EXTENSIONS))})"
                continue
            places, schema = known
            if place not in places:
                yield f"{where}: {name} belongs on {' or '.join(sorted(places))}, not on {place}"
                continue
            for error in jsonschema_rs.Draft202012Validator(schema).iter_errors(value):
                inside = "".join(f"[{part!r}]" for part in error.instance_path)
                yield f"{where}: {name}{inside}: {error.message}"


def _places(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(kind of place, where, node) for every object that may carry an extension."""
    yield "document", "the document", document
    if isinstance(document.get("info"), dict):
        yield "info", "info", document["info"]
    for index, tag in enumerate(document.get("tags") or []):
        if isinstance(tag, dict):
            yield "tag", f"tags[{index}] ({tag.get('name')})", tag
    for path, item in (document.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        yield "path", f"paths.{path}", item
        for method in _METHODS:
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            where = f"{method.upper()} {path} ({op.get('operationId')})"
            yield "operation", where, op
            for index, param in enumerate(op.get("parameters") or []):
                if isinstance(param, dict):
                    yield "parameter", f"{where} parameters[{index}]", param
            body = op.get("requestBody")
            if isinstance(body, dict):
                for media, content in (body.get("content") or {}).items():
                    schema = content.get("schema") if isinstance(content, dict) else None
                    yield from _schemas(schema, f"{where} request body {media}")
    components = document.get("components") or {}
    for name, param in (components.get("parameters") or {}).items():
        if isinstance(param, dict):
            yield "parameter", f"components.parameters.{name}", param
    for name, schema in (components.get("schemas") or {}).items():
        yield from _schemas(schema, f"components.schemas.{name}")


def _schemas(node: Any, where: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    if not isinstance(node, dict):
        return
    yield "schema", where, node
    for name, prop in (node.get("properties") or {}).items():
        yield from _schemas(prop, f"{where}.{name}")
    for keyword in ("allOf", "oneOf", "anyOf"):
        for index, part in enumerate(node.get(keyword) or []):
            yield from _schemas(part, f"{where}.{keyword}[{index}]")
    yield from _schemas(node.get("items"), f"{where}.items")


def _references(parsed: ParsedSpec) -> Iterator[str]:
    """Extensions that name something: the thing must exist."""
    info = parsed.document.get("info") or {}
    envelope = info.get("x-a2e-error-envelope")
    if isinstance(envelope, str) and envelope.startswith("#/"):
        try:
            parsed.pointer(envelope)
        except (KeyError, TypeError, GenerationError):
            yield f"info: x-a2e-error-envelope {envelope} names no schema in the document"
    methods: dict[str, str] = {}
    for op in parsed.operations:
        target = op.extension("a2e-client")
        if isinstance(target, str):
            earlier = methods.setdefault(target, op.operation_id)
            if earlier != op.operation_id:
                yield f"{op.operation_id}: x-a2e-client {target} is already {earlier}'s"
        yield from _recover_names(parsed, op)
        yield from _presign_names(parsed, op)
    yield from _upload_targets(parsed)
    yield from _label_keys(parsed)


def _label_keys(parsed: ParsedSpec) -> Iterator[str]:
    """`x-a2e-labels` names every value of its schema's `enum`, and nothing else."""
    for name, schema in ((parsed.document.get("components") or {}).get("schemas") or {}).items():
        if not isinstance(schema, dict) or LABELS not in schema:
            continue
        where = f"components.schemas.{name}: {LABELS}"
        values = [str(v) for v in schema.get("enum") or []]
        if not values or "x-a2e-values-from" not in schema:
            yield f"{where} is for a schema with `enum` and x-a2e-values-from"
            continue
        labels = schema[LABELS] if isinstance(schema[LABELS], dict) else {}
        missing = [v for v in values if v not in labels]
        extra = [str(k) for k in labels if k not in values]
        if missing:
            yield f"{where} has no names for {', '.join(missing)} (add them, or drop the value)"
        if extra:
            yield f"{where} names {', '.join(extra)}, which the enum does not list"


def _recover_names(parsed: ParsedSpec, op: Operation) -> Iterator[str]:
    recover = op.extension("a2e-recover")
    if not isinstance(recover, dict) or not isinstance(recover.get("match"), list):
        return
    where = f"{op.operation_id}: x-a2e-recover"
    fields = _request_fields(parsed, op)
    for name in recover["match"]:
        if name not in fields:
            yield (
                f"{where}.match names {name!r}, which the request does not have "
                f"(its fields: {', '.join(sorted(fields)) or 'none'})"
            )
    unique = recover.get("unique")
    if unique is not None and unique not in recover["match"]:
        yield f"{where}.unique {unique!r} must be one of match ({', '.join(recover['match'])})"
    if op.extension("a2e-idempotent", None) is True:
        yield f"{where} is for operations that are not idempotent, but x-a2e-idempotent is true"


def _request_fields(parsed: ParsedSpec, op: Operation) -> set[str]:
    """The wire names a request of `op` carries: body properties and parameters."""
    names = {str(parsed.resolve(p).get("name")) for p in op.definition.get("parameters") or []}
    body = parsed.resolve(op.definition.get("requestBody") or {})
    for content in (body.get("content") or {}).values():
        schema = parsed.resolve((content or {}).get("schema") or {})
        names |= set((schema.get("properties") or {}).keys())
    return names


def _presign_names(parsed: ParsedSpec, op: Operation) -> Iterator[str]:
    """`x-a2e-presign` names a request property and properties of the answer's `data`."""
    presign = op.extension("a2e-presign")
    if not isinstance(presign, dict):
        return
    where = f"{op.operation_id}: x-a2e-presign"
    if op.extension("a2e-client") is None:
        yield f"{where} needs x-a2e-client (the client's resource gets `upload`)"
    fields = _request_fields(parsed, op)
    name = presign.get("name")
    if isinstance(name, str) and name not in fields:
        yield (
            f"{where}.name names {name!r}, which the request does not have "
            f"(its fields: {', '.join(sorted(fields)) or 'none'})"
        )
    answer = answer_properties(parsed, op)
    required = set(answer_required(parsed, op))
    for key in ("put", "url", "expires"):
        value = presign.get(key)
        if not isinstance(value, str):
            continue
        if value not in answer:
            yield (
                f"{where}.{key} names {value!r}, which the answer's data does not have "
                f"(its fields: {', '.join(sorted(answer)) or 'none'})"
            )
        elif key != "expires" and value not in required:
            yield f"{where}.{key} names {value!r}: make it a required field of the answer"


def _upload_targets(parsed: ParsedSpec) -> Iterator[str]:
    """`x-a2e-upload` names an operation with `x-a2e-presign`, on a URL request property."""
    presigning = {
        op.operation_id for op in parsed.operations if op.extension("a2e-presign") is not None
    }
    for op in parsed.operations:
        body = parsed.resolve(op.definition.get("requestBody") or {})
        for content in (body.get("content") or {}).values():
            schema = parsed.resolve((content or {}).get("schema") or {})
            for name, prop in (schema.get("properties") or {}).items():
                target = prop.get("x-a2e-upload") if isinstance(prop, dict) else None
                if target is None:
                    continue
                where = f"{op.operation_id}: request body property {name}: x-a2e-upload"
                if target not in presigning:
                    yield (
                        f"{where} names {target!r}, which is not an operation with "
                        f"x-a2e-presign (those: {', '.join(sorted(presigning)) or 'none'})"
                    )
                if parsed.resolve(prop).get("format") != "uri":
                    yield f"{where} is for a URL (`format: uri`) that A2E fetches"
                if op.extension("a2e-client") is None:
                    yield f"{where} needs x-a2e-client on the operation"


def answer_properties(parsed: ParsedSpec, op: Operation) -> dict[str, Any]:
    """The properties of the `data` of an operation's success envelope (by wire name)."""
    data = answer_data(parsed, op)
    return dict(data.get("properties") or {}) if isinstance(data, dict) else {}


def answer_required(parsed: ParsedSpec, op: Operation) -> list[str]:
    data = answer_data(parsed, op)
    return list(data.get("required") or []) if isinstance(data, dict) else []


def answer_data(parsed: ParsedSpec, op: Operation) -> Any:
    ok = parsed.resolve((op.definition.get("responses") or {}).get("200") or {})
    schema = parsed.resolve(
        ((ok.get("content") or {}).get("application/json") or {}).get("schema") or {}
    )
    error_ref = (parsed.document.get("info") or {}).get("x-a2e-error-envelope")
    for branch in schema.get("oneOf") or [schema]:
        if not isinstance(branch, dict) or branch.get("$ref") == error_ref:
            continue
        envelope = parsed.resolve(branch)
        for part in envelope.get("allOf") or [envelope]:
            data = (parsed.resolve(part).get("properties") or {}).get("data")
            if isinstance(data, dict) and set(data) != {"description"}:
                return parsed.resolve(data)
    return None
