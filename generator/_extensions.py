"""The project's `x-a2e-…` extensions: where each may stand and what it must hold.

Every extension is checked before anything is rendered, and every problem is reported at
once, each with where it is and what to write instead. An unknown `x-a2e-` name is an
error too (a typo such as `x-a2e-idempotant` would otherwise be ignored silently).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jsonschema

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
    "x-a2e-balance": (frozenset({"schema"}), {"const": True}),
    "x-a2e-expires-after": (frozenset({"schema"}), {"type": "integer", "minimum": 1}),
    # Checked by the modules that read them (their shape is theirs to define).
    "x-a2e-mock": (frozenset({"schema"}), {}),
    "x-a2e-lifecycle": (frozenset({"schema"}), {}),
    "x-a2e-cli": (frozenset({"operation"}), {}),
    "x-a2e-cli-columns": (frozenset({"schema"}), {}),
    "x-a2e-values-from": (frozenset({"schema"}), {}),
}
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
            for error in jsonschema.Draft202012Validator(schema).iter_errors(value):
                inside = "".join(f"[{part!r}]" for part in error.absolute_path)
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
