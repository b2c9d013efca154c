"""Request checks driven by the spec's schemas, compiled once with jsonschema-rs.

Every problem becomes an ApiError whose `msg` names the field and the reason; values sent
by the client are never echoed back.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Mapping
from typing import Any

import jsonschema_rs
import orjson

from ._errors import ApiError
from ._operation import OperationSpec, ParamSpec

# ASCII digits only: `\d` also matches U+0661 (ARABIC-INDIC DIGIT ONE), which int() reads as 1.
_INTEGER = re.compile(r"[+-]?[0-9]{1,18}")
# An absolute URL whose host is plainly there (no user info, no brackets): the usual case,
# decided without urllib (which agrees: its `hostname` is the non-empty host part).
_PLAIN_URL = re.compile(
    r"[A-Za-z][A-Za-z0-9+.-]*://[A-Za-z0-9.-]*[A-Za-z0-9](?::[0-9]*)?(?:[/?#].*)?", re.DOTALL
)
_MAX_ERRORS = 3
_JSON_TYPES = {
    bool: "boolean",
    int: "integer",
    float: "number",
    str: "string",
    list: "array",
    dict: "object",
    type(None): "null",
}
Kind = jsonschema_rs.ValidationErrorKind


class OperationValidator:
    """The compiled checks of one operation's parameters and body."""

    def __init__(self, op: OperationSpec, schemas: Mapping[str, Any]) -> None:
        self.op = op
        self._params = [(p, _compile(p.schema, schemas)) for p in op.params]
        self._body = None if op.body is None else _compile(op.body.schema, schemas)

    def params(self, path_params: Mapping[str, str], query: bytes) -> dict[str, Any]:
        """The operation's parameters, typed and defaulted; ApiError 400 when invalid."""
        given = _query(query)
        values: dict[str, Any] = {}
        for param, validator in self._params:
            if param.location == "path":
                raw: list[str] = [path_params[param.name]] if param.name in path_params else []
            else:
                raw = given.get(param.name, [])
            if not raw:
                if param.required:
                    raise ApiError(400, f"{param.name}: is a required {param.location} parameter")
                values[param.name] = param.default
                continue
            if len(raw) > 1:
                raise ApiError(400, f"{param.name}: given more than once")
            value = _coerce(param, raw[0])
            if not validator.is_valid(value):
                raise ApiError(400, _describe(validator, value, param.name))
            values[param.name] = value
        return values

    def body(self, content: bytes) -> dict[str, Any]:
        """The JSON body, with the spec's defaults; 400 when malformed, 422 when invalid."""
        spec = self.op.body
        if spec is None or self._body is None:
            return {}
        if not content.strip():
            raise ApiError(400, "request body: is required (a JSON object)")
        try:
            body = orjson.loads(content)
        except orjson.JSONDecodeError as error:
            raise ApiError(400, _json_problem(str(error))) from None
        if not self._body.is_valid(body):
            raise ApiError(422, _describe(self._body, body, None, spec.listed))
        for name in spec.url_fields:
            if name in body and not _has_host(body[name]):
                raise ApiError(422, f"{name}: must be an absolute URL with a host")
        return {**spec.defaults, **body}


def _compile(schema: Mapping[str, Any], schemas: Mapping[str, Any]) -> jsonschema_rs.Validator:
    document = {"components": {"schemas": dict(schemas)}, **schema}
    return jsonschema_rs.Draft202012Validator(document, validate_formats=True)


def _query(query: bytes) -> dict[str, list[str]]:
    if not query:
        return {}
    if b"%" not in query and b"+" not in query and query.isascii():  # the usual, plain case
        found: dict[str, list[str]] = {}
        for pair in query.decode("ascii").split("&"):
            if pair:
                name, _, value = pair.partition("=")
                found.setdefault(name, []).append(value)
        return found
    try:
        text = query.decode("utf-8")
        pairs = urllib.parse.parse_qsl(text, keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise ApiError(400, "query string: is not valid UTF-8") from None
    found = {}
    for name, value in pairs:
        found.setdefault(name, []).append(value)
    return found


def _coerce(param: ParamSpec, raw: str) -> Any:
    """Query and path values arrive as text: read them as the schema's type."""
    kind = param.schema.get("type")
    if kind == "integer":
        if _INTEGER.fullmatch(raw) is None:
            raise ApiError(400, f"{param.name}: must be an integer")
        return int(raw)
    if kind == "boolean":
        if raw not in ("true", "false"):
            raise ApiError(400, f"{param.name}: must be true or false")
        return raw == "true"
    return raw


def _describe(
    validator: jsonschema_rs.Validator,
    value: Any,
    where: str | None,
    listed: Mapping[str, str] | None = None,
) -> str:
    problems: list[str] = []
    for error in validator.iter_errors(value):
        name = error.instance_path[0] if len(error.instance_path) == 1 else None
        if listed and isinstance(name, str) and name in listed and isinstance(value[name], str):
            problem = f"{name}: {listed[name]}"  # not in the list (the type is right)
        else:
            problem = _problem(error, where)
        if problem in problems:
            continue
        problems.append(problem)
        if len(problems) == _MAX_ERRORS:
            break
    return "; ".join(problems) or f"{where or 'request body'}: is invalid"


def _problem(error: jsonschema_rs.ValidationError, where: str | None) -> str:
    path = [where] if where else []
    path += [f"[{p}]" if isinstance(p, int) else str(p) for p in error.instance_path]
    kind = error.kind
    if isinstance(kind, Kind.Required):
        path.append(kind.property)
    field = ".".join(path).replace(".[", "[") or "request body"
    return f"{field}: {_reason(kind, error.instance)}"


def _reason(kind: jsonschema_rs.ValidationErrorKind, instance: Any) -> str:
    if isinstance(kind, Kind.Required):
        return "is a required property"
    if isinstance(kind, Kind.Type):
        return f"must be of type {' or '.join(kind.types)}, not {_json_type(instance)}"
    if isinstance(kind, Kind.Pattern):
        return f"must match {kind.pattern}"
    if isinstance(kind, Kind.Format):
        return f"must be a valid {kind.format}"
    if isinstance(kind, Kind.MinLength):
        return f"must be at least {kind.limit} characters long"
    if isinstance(kind, Kind.MaxLength):
        return f"must be at most {kind.limit} characters long"
    if isinstance(kind, Kind.Minimum):
        return f"must be at least {kind.limit}"
    if isinstance(kind, Kind.Maximum):
        return f"must be at most {kind.limit}"
    if isinstance(kind, Kind.Enum):
        return "must be one of " + ", ".join(orjson.dumps(o).decode() for o in kind.options)
    return f"does not satisfy `{kind.name}` in the spec"


def _json_type(value: Any) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _json_problem(message: str) -> str:
    if "depth limit" in message or "recursion" in message.lower():
        return "request body: JSON nested too deeply (at most 1024 levels)"
    if "UTF-8" in message or "surrogate" in message:
        return f"request body: is not valid UTF-8 ({message})"
    return f"request body: malformed JSON ({message})"


def _has_host(value: Any) -> bool:
    if isinstance(value, str) and _PLAIN_URL.fullmatch(value) is not None:
        return True
    try:
        return bool(urllib.parse.urlsplit(str(value)).hostname)
    except ValueError:
        return False
