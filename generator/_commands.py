"""The command table of the `a2e-dubbing` CLI, computed from the parsed spec.

Every high-level client method (`x-a2e-client`) is a command, named by the operation's
`x-a2e-cli` (default `<resource>-<method>` in kebab case), with one argument per keyword
of the method: the first required one positional, the others `--kebab-case` options, their
help the spec's descriptions. Record types with `x-a2e-cli-columns` get a table. Rendered
into the client's `_commands.py` (template `_commands.py.jinja`); the hand-written CLI
(`runtime/client/_cli.py`) builds its parser from it and only adds behaviour.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from openapi_python_client.parser.properties import ModelProperty, Property
from openapi_python_client.parser.properties.boolean import BooleanProperty
from openapi_python_client.parser.properties.date import DateProperty
from openapi_python_client.parser.properties.datetime import DateTimeProperty
from openapi_python_client.parser.properties.enum_property import EnumProperty
from openapi_python_client.parser.properties.float import FloatProperty
from openapi_python_client.parser.properties.int import IntProperty
from openapi_python_client.parser.properties.none import NoneProperty
from openapi_python_client.parser.properties.string import StringProperty
from openapi_python_client.parser.properties.union import UnionProperty

from generator._names import wire_name
from generator._parse import GenerationError, Operation, ParsedSpec

COMMAND_NAME = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")
# The command of the client's `upload` (of a resource with an x-a2e-presign operation).
UPLOAD_COMMAND = "upload"
# The end of a description's first sentence: a stop followed by a new sentence.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z`*(])")
_KINDS: dict[type[Any], str] = {
    StringProperty: "str",
    IntProperty: "int",
    FloatProperty: "float",
    BooleanProperty: "bool",
    EnumProperty: "enum",
    ModelProperty: "model",
    DateTimeProperty: "datetime",
    DateProperty: "date",
}


@dataclass(frozen=True)
class CliParam:
    name: str
    wire: str
    location: str
    kind: str
    required: bool
    positional: bool
    help: str
    default: Any
    choices: tuple[str, ...]
    model: str  # the class to convert to, for kinds "enum" and "model"
    url: bool
    noun: str
    values_from: str
    upload: str = ""  # x-a2e-upload: the client method that uploads a local file given here


@dataclass(frozen=True)
class CliCommand:
    name: str
    resource: str
    method: str
    summary: str
    description: str
    params: tuple[CliParam, ...]
    writes: bool
    uploads: bool = False  # the `upload` command of an x-a2e-presign resource


@dataclass(frozen=True)
class CliTable:
    model: str  # the generated model class whose lists print as this table
    columns: tuple[tuple[str, str, str], ...]  # (header, field's API name, its format)


@dataclass(frozen=True)
class CliView:
    commands: tuple[CliCommand, ...]
    tables: tuple[CliTable, ...]


def cli_view(parsed: ParsedSpec, resources: Sequence[Any]) -> CliView:
    """The commands of the client's methods (`generator._client.Resource`s) and the tables."""
    methods = [(resource.name, method) for resource in resources for method in resource.methods]
    names = {m.operation.operation_id: _command_name(r, m) for r, m in methods}
    uploaders = {
        m.operation.operation_id: f"{r.name}.{UPLOAD_COMMAND}"
        for r in resources
        if r.presign is not None
        for m in r.methods
        if m.name == r.presign.method
    }
    seen: dict[str, str] = {}
    wanted = [(f"{r}.{m.name}", name) for (r, m), name in zip(methods, names.values(), strict=True)]
    wanted += [(uploader, UPLOAD_COMMAND) for uploader in uploaders.values()]
    for where, name in wanted:
        if name in seen:
            raise GenerationError(
                f"x-a2e-cli: {seen[name]} and {where} are both the command {name!r}"
            )
        seen[name] = where
    commands = tuple(
        CliCommand(
            name=names[method.operation.operation_id],
            resource=resource,
            method=method.name,
            summary=_first_sentence(str(method.operation.definition.get("summary", ""))),
            description=_first_paragraph(str(method.operation.definition.get("description", ""))),
            params=tuple(_params(parsed, method, names, uploaders)),
            writes=not method.idempotent,
        )
        for resource, method in methods
    )
    uploads = tuple(
        _upload_command(uploader, names[operation]) for operation, uploader in uploaders.items()
    )
    return CliView(commands=commands + uploads, tables=tuple(_tables(parsed)))


def _upload_command(uploader: str, presign_command: str) -> CliCommand:
    """`upload FILE`: the client's `upload` of a resource with an x-a2e-presign operation."""
    resource, _, method = uploader.partition(".")
    return CliCommand(
        name=UPLOAD_COMMAND,
        resource=resource,
        method=method,
        summary="Upload a local file to A2E's storage",
        description=(
            "Upload a local file with a presigned URL (see the command "
            f"{presign_command}) and print the URL where it is served, for `start`."
        ),
        params=(
            _local("path", "The local file to upload.", required=True),
            _local(
                "content_type",
                "Its media type (default: guessed from the file's extension).",
                required=False,
            ),
        ),
        writes=False,
        uploads=True,
    )


def _local(name: str, help_text: str, *, required: bool) -> CliParam:
    """A parameter of a client method that goes to no API field (`upload`'s)."""
    return CliParam(
        name=name,
        wire="",
        location="local",
        kind="str",
        required=required,
        positional=required,
        help=help_text,
        default=None,
        choices=(),
        model="",
        url=False,
        noun="",
        values_from="",
    )


def _command_name(resource: str, method: Any) -> str:
    op: Operation = method.operation
    name = op.extension("a2e-cli") or f"{resource}-{method.name}".replace("_", "-")
    if not isinstance(name, str) or not COMMAND_NAME.fullmatch(name):
        raise GenerationError(
            f"{op.operation_id}: x-a2e-cli must be a command name in kebab case, got {name!r}"
        )
    return name


def _params(
    parsed: ParsedSpec, method: Any, names: dict[str, str], uploaders: dict[str, str]
) -> Iterator[CliParam]:
    op: Operation = method.operation
    wires = dict(_wire_params(parsed, op))
    positional_given = False
    for param in method.params:
        prop, location, schema, description = wires[(param.location, param.wire)]
        required = param.default is None
        positional = required and not positional_given
        positional_given |= positional
        kind, model, choices = _kind(prop)
        values_from = _along(parsed, schema, "x-a2e-values-from")
        if values_from and values_from not in names:
            raise GenerationError(
                f"{op.operation_id}: x-a2e-values-from names {values_from!r}, "
                "which is not an operation with x-a2e-client"
            )
        wire = wire_name(prop)
        upload = uploaders.get(str(_along(parsed, schema, "x-a2e-upload") or ""), "")
        help_text = _first_sentence(description or str(_along(parsed, schema, "description") or ""))
        if upload:
            help_text = f"{help_text} Or a local file, uploaded first.".strip()
        yield CliParam(
            name=str(param.name),
            wire=wire,
            location=location,
            kind=kind,
            required=required,
            positional=positional,
            help=help_text or f"the {location} field {wire}",
            default=parsed.resolve(schema).get("default"),
            choices=choices,
            model=model,
            url=_along(parsed, schema, "format") == "uri",
            noun=str(_along(parsed, schema, "title") or ""),
            values_from=names.get(values_from, ""),
            upload=upload,
        )


def _wire_params(
    parsed: ParsedSpec, op: Operation
) -> Iterator[tuple[tuple[str, str], tuple[Property, str, dict[str, Any], str]]]:
    """(location, wire name) -> (property, location, raw schema, raw description)."""
    endpoint = op.endpoint
    if endpoint.bodies:
        model = endpoint.bodies[0].prop
        assert isinstance(model, ModelProperty)
        body = parsed.resolve(op.definition.get("requestBody", {}))
        schema = parsed.resolve(body.get("content", {}).get("application/json", {}).get("schema"))
        raw = (schema or {}).get("properties", {})
        for prop in (*(model.required_properties or ()), *(model.optional_properties or ())):
            item = raw.get(wire_name(prop), {})
            description = str(item.get("description", "")) if isinstance(item, dict) else ""
            yield ("body", wire_name(prop)), (prop, "body", item, description)
    for location, prop, item in parsed.parameters(op):
        description = str(item.get("description", ""))
        yield (location, wire_name(prop)), (prop, location, item.get("schema", {}), description)


def _kind(prop: Any) -> tuple[str, str, tuple[str, ...]]:
    """(kind, model class for enums and models, choices) of a property."""
    if isinstance(prop, UnionProperty):
        members = [p for p in prop.inner_properties if not isinstance(p, NoneProperty)]
        if len(members) == 1:
            return _kind(members[0])
        return "json", "", ()
    kind = _KINDS.get(type(prop), "json")
    if isinstance(prop, EnumProperty):
        values = tuple(str(v) for v in prop.values.values())
        return kind, str(prop.class_info.name), values
    if isinstance(prop, ModelProperty):
        return kind, str(prop.class_info.name), ()
    return kind, "", ()


def _along(parsed: ParsedSpec, schema: Any, key: str) -> Any:
    """`key` of `schema`, or of the schemas its `$ref`s lead to (the nearest wins)."""
    node = schema
    for _ in range(32):
        if not isinstance(node, dict):
            return None
        if key in node:
            return node[key]
        ref = node.get("$ref")
        if not isinstance(ref, str):
            return None
        node = parsed.pointer(ref)
    return None


def _tables(parsed: ParsedSpec) -> Iterator[CliTable]:
    schemas = parsed.document.get("components", {}).get("schemas", {})
    for name, schema in schemas.items():
        columns = schema.get("x-a2e-cli-columns") if isinstance(schema, dict) else None
        if columns is None:
            continue
        properties = schema.get("properties", {})
        if not isinstance(columns, dict) or not columns:
            raise GenerationError(f"{name}: x-a2e-cli-columns must map headers to fields")
        shown = []
        for header, field in columns.items():
            if field not in properties:
                raise GenerationError(
                    f"{name}: x-a2e-cli-columns names {field!r}, which is not a property"
                )
            shown.append(
                (str(header), str(field), str(_along(parsed, properties[field], "format") or ""))
            )
        yield CliTable(
            model=str(parsed.model_for(f"#/components/schemas/{name}").class_info.name),
            columns=tuple(shown),
        )


def _first_paragraph(text: str) -> str:
    return " ".join(text.strip().split("\n\n", 1)[0].split())


def _first_sentence(text: str) -> str:
    return _SENTENCE_END.split(_first_paragraph(text), 1)[0]
