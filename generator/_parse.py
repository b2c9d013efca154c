"""Parse the spec once: the raw document and openapi-python-client's model of it.

Every renderer receives the same `ParsedSpec`; nothing here knows about templates.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from openapi_python_client.config import Config, ConfigFile, MetaType
from openapi_python_client.parser import GeneratorData
from openapi_python_client.parser.errors import GeneratorError
from openapi_python_client.parser.openapi import Endpoint
from openapi_python_client.parser.properties import ModelProperty, Property
from openapi_python_client.strings import PythonIdentifier

from generator._names import (
    FIELD_PREFIX,
    PYTHON_NAME,
    PythonNames,
    apply_attribute_names,
    wire_name,
)

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_METHODS = ("get", "put", "post", "delete", "patch")
__all__ = ["FIELD_PREFIX", "GenerationError", "Operation", "ParsedSpec", "parse"]


class GenerationError(Exception):
    """The spec could not be turned into code without loss (a warning counts)."""


@dataclass(frozen=True)
class Operation:
    """One spec operation: its raw definition next to openapi-python-client's endpoint."""

    operation_id: str
    method: str
    path: str
    definition: dict[str, Any]
    endpoint: Endpoint
    tag: str

    def extension(self, name: str, default: Any = None) -> Any:
        return self.definition.get(f"x-{name}", default)


@dataclass(frozen=True)
class ParsedSpec:
    """The spec, parsed once, for every renderer."""

    path: Path
    document: dict[str, Any]
    data: GeneratorData
    config: Config
    operations: tuple[Operation, ...]
    models_by_schema: dict[str, ModelProperty] = field(repr=False)
    names: PythonNames = field(default_factory=PythonNames, repr=False)

    def resolve(self, node: Any) -> Any:
        """Follow local `$ref`s until a node without one."""
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            node = self.pointer(node["$ref"])
        return node

    def parameters(self, op: Operation) -> Iterator[tuple[str, Property, dict[str, Any]]]:
        """(location, parsed property, its definition in the spec or {}) of each path and
        query parameter of `op`, in that order."""
        declared = {
            (p["name"], p["in"]): p
            for p in (self.resolve(x) for x in op.definition.get("parameters", []))
        }
        for location, props in (
            ("path", op.endpoint.path_parameters),
            ("query", op.endpoint.query_parameters),
        ):
            for prop in props:
                yield location, prop, declared.get((wire_name(prop), location), {})

    def pointer(self, ref: str) -> Any:
        if not ref.startswith("#/"):
            raise GenerationError(f"only local $refs are supported, got {ref!r}")
        node: Any = self.document
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def model_for(self, ref: str) -> ModelProperty:
        """The generated model class of `#/components/schemas/<Name>`."""
        name = ref.rsplit("/", 1)[-1]
        try:
            return self.models_by_schema[name]
        except KeyError:
            raise GenerationError(f"no model was generated for {ref}") from None


def parse(spec_path: Path) -> ParsedSpec:
    """Load `spec_path` and parse it with openapi-python-client; any warning is an error."""
    with spec_path.open("rb") as stream:
        document = yaml.load(stream, Loader=_LOADER)  # noqa: S506 - a safe loader
    if not isinstance(document, dict):
        raise GenerationError(f"{spec_path}: not an OpenAPI document")
    config = Config.from_sources(
        ConfigFile(post_hooks=[], field_prefix=FIELD_PREFIX),
        MetaType.NONE,
        spec_path,
        "utf-8",
        overwrite=True,
        output_path=None,
    )
    data = GeneratorData.from_dict(_for_parser(document), config=config)
    if isinstance(data, GeneratorError):
        raise GenerationError(_describe([data]))
    problems = list(data.errors)
    for collection in data.endpoint_collections_by_tag.values():
        problems += collection.parse_errors
    if problems:
        raise GenerationError(_describe(problems))
    models = {
        str(root): model for model in data.models for root in model.roots if isinstance(root, str)
    }
    parsed = ParsedSpec(
        path=spec_path,
        document=document,
        data=data,
        config=config,
        operations=tuple(_operations(document, data)),
        models_by_schema=models,
    )
    keywords = _keyword_occurrences(parsed)
    names = PythonNames.from_spec([*keywords, *_schema_occurrences(document)])
    for wire, _definition, where in keywords:
        names.keyword(wire, where)  # records a keyword that would shadow a builtin
    if names.problems:
        raise GenerationError("Python names:\n" + "\n".join(f"  - {p}" for p in names.problems))
    apply_attribute_names(data, names)
    object.__setattr__(parsed, "names", names)
    return parsed


def _schema_occurrences(document: dict[str, Any]) -> list[tuple[str, dict[str, Any], str]]:
    """(wire name, definition, where) of every property of the component schemas, nested
    ones included."""
    found: list[tuple[str, dict[str, Any], str]] = []
    schemas = (document.get("components") or {}).get("schemas") or {}
    stack: list[tuple[str, Any]] = [(f"schema {name}", s) for name, s in schemas.items()]
    while stack:
        where, node = stack.pop()
        if isinstance(node, list):
            stack += [(where, item) for item in node]
        if not isinstance(node, dict):
            continue
        for name, prop in (node.get("properties") or {}).items():
            if isinstance(prop, dict):
                found.append((str(name), prop, f"{where}: property {name}"))
                stack.append((f"{where}.{name}", prop))
        for key in ("items", "allOf", "oneOf", "anyOf", "additionalProperties"):
            if key in node:
                stack.append((where, node[key]))
    return found


VALUES_FROM = "x-a2e-values-from"
_CHOICES = ("enum", "const", "anyOf", "oneOf")


def _for_parser(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of `document` for openapi-python-client: a schema with x-a2e-values-from is a
    plain string there (A2E's list may hold values this document does not know yet)."""

    def visit(node: Any) -> Any:
        if isinstance(node, list):
            return [visit(item) for item in node]
        if not isinstance(node, dict):
            return node
        if VALUES_FROM in node:
            node = {k: v for k, v in node.items() if k not in _CHOICES}
            node["type"] = "string"
        return {key: visit(value) for key, value in node.items()}

    result = visit(document)  # new containers throughout: `document` stays as it is
    assert isinstance(result, dict)
    return result


def _keyword_occurrences(parsed: ParsedSpec) -> list[tuple[str, dict[str, Any], str]]:
    """(wire name, definition, where) of every parameter and request body property of the
    operations that become client methods (`x-a2e-client`)."""
    found: list[tuple[str, dict[str, Any], str]] = []
    for op in parsed.operations:
        if op.extension("a2e-client") is None:
            continue
        for raw in op.definition.get("parameters", []):
            param = parsed.resolve(raw)
            found.append(
                (str(param["name"]), param, f"{op.operation_id}: parameter {param['name']}")
            )
        body = parsed.resolve(op.definition.get("requestBody") or {})
        schema = parsed.resolve(
            body.get("content", {}).get("application/json", {}).get("schema", {})
        )
        for name, prop in (schema.get("properties") or {}).items():
            definition = prop if PYTHON_NAME in prop else parsed.resolve(prop)
            found.append(
                (str(name), definition, f"{op.operation_id}: request body property {name}")
            )
    return found


def _operations(document: dict[str, Any], data: GeneratorData) -> list[Operation]:
    endpoints = {
        str(endpoint.name): (tag, endpoint)
        for tag, collection in data.endpoint_collections_by_tag.items()
        for endpoint in collection.endpoints
    }
    found = []
    for path, item in document.get("paths", {}).items():
        for method in _METHODS:
            if method not in item:
                continue
            definition = item[method]
            try:
                tag, endpoint = endpoints[PythonIdentifier(definition["operationId"], FIELD_PREFIX)]
            except KeyError:
                raise GenerationError(
                    f"{method.upper()} {path} was dropped by the parser"
                ) from None
            found.append(
                Operation(
                    operation_id=definition["operationId"],
                    method=method,
                    path=path,
                    definition=definition,
                    endpoint=endpoint,
                    tag=str(tag),
                )
            )
    return found


def _describe(errors: list[Any]) -> str:
    lines = []
    for error in errors:
        header = getattr(error, "header", None) or type(error).__name__
        detail = getattr(error, "detail", None) or ""
        lines.append(f"{header}: {detail}".strip())
    return "openapi-python-client reported problems (warnings are errors here):\n" + "\n".join(
        f"  - {line}" for line in lines
    )
