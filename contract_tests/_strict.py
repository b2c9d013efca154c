"""Strict validation of exchanges against the spec.

The spec's schemas are deliberately open (a client must survive new fields), so plain JSON
Schema validation lets undocumented fields through. Here every schema in a value position is
closed with `unevaluatedProperties: false`, which (unlike `additionalProperties`) sees through
`allOf` and `$ref`, so the envelope wrappers stay composable. Each problem comes back as a
`Violation` with its kind and JSON path.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import jsonschema
import referencing
import referencing.jsonschema
from jsonschema.exceptions import ValidationError

from contract_tests._spec import Operation, Spec

SPEC_URI = "urn:a2e-dubbing:spec"

# Keywords whose value is one schema, a list of schemas or a map of schemas that describe
# (part of) the instance itself: closing them is meaningful.
_ONE = ("items", "additionalProperties", "unevaluatedItems", "unevaluatedProperties")
_MANY = ("oneOf", "anyOf", "prefixItems")
_MAP = ("properties", "patternProperties", "dependentSchemas", "$defs")
# Keywords whose subschemas must not be closed: `allOf` members are parts of one object
# (closing a part would reject its siblings' fields); the rest do not describe the instance.
_OPEN = ("not", "if", "then", "else", "contains", "propertyNames")
# A schema that uses none of these accepts anything and stays open.
_DESCRIBES = ("$ref", "type", "properties", "allOf", "oneOf", "anyOf", "enum", "const")


@dataclass(frozen=True)
class Violation:
    """One way an exchange differs from the spec."""

    kind: str  # undocumented-status | undocumented-field | enum | type | missing-required | format | invalid
    where: str  # status | request.query | request.body | response.body
    path: str  # a JSON path into `where`, e.g. $.data.current_status
    message: str

    def __str__(self) -> str:
        return f"{self.where} {self.path}: {self.kind}: {self.message}"


def close_schema(node: Any, *, part_of_object: bool = False) -> Any:
    """A copy of `node` where every schema in a value position forbids undocumented fields."""
    if not isinstance(node, Mapping):
        return node
    out = dict(node)
    for key in _ONE:
        if isinstance(out.get(key), Mapping):
            out[key] = close_schema(out[key])
    for key in _MANY:
        if isinstance(out.get(key), list):
            out[key] = [close_schema(s) for s in out[key]]
    for key in _MAP:
        if isinstance(out.get(key), Mapping):
            out[key] = {name: close_schema(s) for name, s in out[key].items()}
    if isinstance(out.get("allOf"), list):
        out["allOf"] = [close_schema(s, part_of_object=True) for s in out["allOf"]]
    describes = any(key in out for key in _DESCRIBES)
    is_open = "additionalProperties" in out or "unevaluatedProperties" in out
    if describes and not is_open and not part_of_object:
        out["unevaluatedProperties"] = False
    return out


def _close_document(document: dict[str, Any]) -> dict[str, Any]:
    """Close the schemas of a whole OpenAPI document (component roots stay open: use sites close them)."""
    doc = copy.deepcopy(document)
    schemas = doc.get("components", {}).get("schemas", {})
    for name, schema in schemas.items():
        schemas[name] = close_schema(schema, part_of_object=True)
    for media in _media_types(doc):
        if "schema" in media:
            media["schema"] = close_schema(media["schema"])
    return doc


def _media_types(doc: dict[str, Any]) -> Iterator[dict[str, Any]]:
    containers: list[Any] = list(doc.get("components", {}).get("responses", {}).values())
    containers += list(doc.get("components", {}).get("requestBodies", {}).values())
    for item in doc.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, Mapping):
                continue
            containers.append(operation.get("requestBody", {}))
            containers += list(operation.get("responses", {}).values())
    for container in containers:
        if isinstance(container, Mapping):
            yield from (m for m in container.get("content", {}).values() if isinstance(m, dict))


class StrictValidator:
    """Validates requests and responses of one spec, treating every object as closed."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        closed = _close_document(spec.document)
        self._closed = Spec(closed, path=spec.path)
        resource = referencing.Resource.from_contents(
            closed, default_specification=referencing.jsonschema.DRAFT202012
        )
        self._registry: referencing.Registry[Any] = referencing.Registry().with_resource(
            SPEC_URI, resource
        )
        error_ref = spec.document.get("info", {}).get("x-a2e-error-envelope")
        self._error_ref = error_ref if isinstance(error_ref, str) else None

    def check_response(
        self, op: Operation, status: int, body: Any, *, content_type: str = "application/json"
    ) -> list[Violation]:
        op = self._closed.operation(op.operation_id)
        found = self._closed.response(op, status)
        if found is None:
            documented = ", ".join(op.definition.get("responses", {}))
            return [
                Violation(
                    "undocumented-status",
                    "status",
                    "$",
                    f"{op.label} does not document HTTP {status} (documented: {documented})",
                )
            ]
        key, response = found
        media = _media(response, content_type)
        if media is None:
            if body is None:
                return []
            return [
                Violation(
                    "undocumented-content",
                    "response.body",
                    "$",
                    f"response {key} of {op.label} documents no {content_type} body",
                )
            ]
        schema = self._pick_envelope(media.get("schema", {}), body)
        return self._validate(schema, body, "response.body")

    def check_request(
        self, op: Operation, query: Mapping[str, Any], body: Any, *, has_body: bool
    ) -> list[Violation]:
        op = self._closed.operation(op.operation_id)
        violations: list[Violation] = []
        params = {p["name"]: p for p in self._closed.parameters(op) if p["in"] == "query"}
        for name, value in query.items():
            if name not in params:
                violations.append(
                    Violation(
                        "undocumented-field",
                        "request.query",
                        f"$.{name}",
                        f"{op.label} documents no query parameter {name!r}",
                    )
                )
                continue
            schema = params[name].get("schema", {})
            violations += self._validate(
                schema, _coerce(value, self._closed.resolve(schema)), "request.query", f"$.{name}"
            )
        for name, param in params.items():
            if param.get("required") and name not in query:
                violations.append(
                    Violation(
                        "missing-required",
                        "request.query",
                        f"$.{name}",
                        f"required query parameter {name!r} is missing",
                    )
                )
        request_body = self._closed.resolve(op.definition.get("requestBody", {}))
        if request_body and has_body:
            media = _media(request_body, "application/json")
            if media is not None:
                violations += self._validate(media.get("schema", {}), body, "request.body")
        elif request_body.get("required") and not has_body:
            violations.append(
                Violation("missing-required", "request.body", "$", "the request body is required")
            )
        elif has_body and not request_body:
            violations.append(
                Violation("invalid", "request.body", "$", f"{op.label} documents no request body")
            )
        return violations

    def _pick_envelope(self, schema: dict[str, Any], body: Any) -> dict[str, Any]:
        """Choose the `oneOf` branch by `code`, as the spec says a client must read it."""
        branches = schema.get("oneOf")
        if self._error_ref is None or not isinstance(branches, list):
            return schema
        error = [b for b in branches if b.get("$ref") == self._error_ref]
        success = [b for b in branches if b.get("$ref") != self._error_ref]
        if not error or not isinstance(body, Mapping):
            return schema
        is_error = body.get("code", 0) != 0
        chosen = error if is_error else success
        return chosen[0] if len(chosen) == 1 else {**schema, "oneOf": chosen}

    def _validate(
        self, schema: Any, instance: Any, where: str, prefix: str = "$"
    ) -> list[Violation]:
        validator = jsonschema.Draft202012Validator(
            _rebase(schema),
            registry=self._registry,
            format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
        )
        violations: list[Violation] = []
        for error in sorted(validator.iter_errors(instance), key=lambda e: list(e.path)):
            violations += _violations(error, where, prefix)
        return violations


def _rebase(schema: Any) -> Any:
    """Point local `#/...` refs of a schema taken out of the document back at the document."""
    if isinstance(schema, Mapping):
        return {
            k: (
                f"{SPEC_URI}{v}"
                if k == "$ref" and isinstance(v, str) and v.startswith("#")
                else _rebase(v)
            )
            for k, v in schema.items()
        }
    if isinstance(schema, list):
        return [_rebase(v) for v in schema]
    return schema


def _media(container: Mapping[str, Any], content_type: str) -> dict[str, Any] | None:
    content = container.get("content", {})
    base = content_type.split(";")[0].strip().lower()
    media = content.get(base)
    return media if isinstance(media, dict) else None


def _coerce(value: Any, schema: Any) -> Any:
    """Query values arrive as strings; read them as the parameter's type."""
    if not isinstance(value, str) or not isinstance(schema, Mapping):
        return value
    kind = schema.get("type")
    try:
        if kind == "integer" and re.fullmatch(r"[+-]?\d+", value):
            return int(value)
        if kind == "number":
            return float(value)
    except ValueError:
        return value
    if kind == "boolean" and value in ("true", "false"):
        return value == "true"
    return value


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def json_path(parts: Iterable[str | int]) -> str:
    """`$.data.rows[0]._id` style path (without the leading `$`)."""
    out = []
    for part in parts:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif _NAME.fullmatch(part):
            out.append(f".{part}")
        else:
            out.append(f"[{json.dumps(part)}]")
    return "".join(out)


_UNEXPECTED = re.compile(r"\((.*) (?:was|were) unexpected\)")


def _violations(error: ValidationError, where: str, prefix: str) -> list[Violation]:
    path = prefix + json_path(error.absolute_path)
    keyword = error.validator
    if keyword in ("oneOf", "anyOf") and error.context:
        deepest = max(error.context, key=lambda e: len(e.absolute_path))
        return _violations(deepest, where, prefix)
    if keyword in ("unevaluatedProperties", "additionalProperties"):
        match = _UNEXPECTED.search(error.message)
        names = [n.strip().strip("'\"") for n in match.group(1).split(",")] if match else []
        if not names:
            return [Violation("undocumented-field", where, path, error.message)]
        return [
            Violation(
                "undocumented-field",
                where,
                path + json_path([name]),
                f"field {name!r} is not in the spec",
            )
            for name in names
        ]
    if keyword == "required":
        instance = error.instance if isinstance(error.instance, Mapping) else {}
        required = error.validator_value if isinstance(error.validator_value, list) else []
        missing = [n for n in required if n not in instance]
        return [
            Violation(
                "missing-required",
                where,
                path + json_path([name]),
                f"required field {name!r} is missing",
            )
            for name in missing
        ]
    kind = {
        "enum": "enum",
        "const": "enum",
        "type": "type",
        "format": "format",
    }.get(str(keyword), "invalid")
    return [Violation(kind, where, path, error.message)]
