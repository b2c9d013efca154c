"""Render the client package `a2e_dubbing` into `generated/client/`.

openapi-python-client renders the models and the per-operation functions (with our template
overrides); we then render the high-level client (`A2E`, `AsyncA2E` and their resources) from
the same parsed data, and copy the hand-written runtime they share.
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import attrs
from jinja2 import Environment, StrictUndefined, UndefinedError
from openapi_python_client import Project
from openapi_python_client.parser.properties import ModelProperty, Property
from openapi_python_client.parser.properties.any import AnyProperty
from openapi_python_client.parser.properties.boolean import BooleanProperty
from openapi_python_client.parser.properties.float import FloatProperty
from openapi_python_client.parser.properties.int import IntProperty
from openapi_python_client.parser.properties.none import NoneProperty
from openapi_python_client.parser.properties.string import StringProperty
from openapi_python_client.parser.properties.union import UnionProperty
from openapi_python_client.schema.untrusted_string import UntrustedString
from openapi_python_client.strings import PythonIdentifier

from generator._commands import cli_view
from generator._names import wire_name
from generator._parse import FIELD_PREFIX, GenerationError, Operation, ParsedSpec
from generator._records import task_spec
from generator._renames import Alias, aliases
from generator._render import TEMPLATES_DIR, copy_runtime, install_filters, render_to

DISTRIBUTION = "a2e-dubbing"
PACKAGE = "a2e_dubbing"
TEMPLATES = TEMPLATES_DIR / "client"
# Resource behaviours a tag can ask for with `x-a2e-behaviour`; each names runtime base classes.
BEHAVIOURS = {
    None: ("_resource.SyncResource", "_resource.AsyncResource"),
    "tasks": ("_tasks.SyncTaskResource", "_tasks.AsyncTaskResource"),
}


@dataclass(frozen=True)
class Param:
    """One keyword of a high-level method."""

    name: str
    annotation: str
    default: str | None  # Python code; None when the keyword is required
    description: UntrustedString | None
    target: str  # the keyword of openapi-python-client's `_get_kwargs`, or of the body model
    in_body: bool
    unset_when_none: bool  # optional without a default: None means "leave it out"


@dataclass(frozen=True)
class Returns:
    """What a method returns, read from the `data` of the operation's success envelope."""

    annotation: str
    model: str | None
    many: bool

    @property
    def parser(self) -> str:
        if self.model is None:
            return "_runtime.ignore_data"
        if self.many:
            return f"_runtime.list_of({self.model}.from_dict)"
        return f"_runtime.object_of({self.model}.from_dict)"


@dataclass(frozen=True)
class Recover:
    """How a lost answer of a non-idempotent call is found again (`x-a2e-recover`)."""

    match: tuple[str, ...]
    unique: str | None


@dataclass(frozen=True)
class Method:
    """A high-level method such as `client.dubbing.start`, built on one operation."""

    resource: str
    name: str
    operation: Operation
    module: str
    params: tuple[Param, ...]
    body_model: str | None
    returns: Returns
    idempotent: bool
    recover: Recover | None

    @property
    def summary(self) -> UntrustedString:
        return UntrustedString(str(self.operation.definition.get("summary", self.name)))

    @property
    def description(self) -> UntrustedString:
        return UntrustedString(str(self.operation.definition.get("description", "")))

    @property
    def gone_is_done(self) -> bool:
        """A delete: a 404 after a retry means an earlier attempt already deleted it."""
        return self.operation.method == "delete" and self.returns.model is None

    @property
    def models(self) -> list[str]:
        return sorted({m for m in (self.body_model, self.returns.model) if m})


@dataclass(frozen=True)
class Resource:
    """A group of methods (`client.dubbing`), one per spec tag."""

    name: str
    class_name: str
    description: UntrustedString
    sync_base: str
    async_base: str
    methods: tuple[Method, ...]
    task_model: str | None  # for `tasks` resources: the record `get` returns


@dataclass(frozen=True)
class ClientView:
    """Everything the client templates need, computed from the parsed spec."""

    distribution: str
    package: str
    version: str
    api_version: str
    title: UntrustedString
    servers: tuple[tuple[str, str], ...]
    resources: tuple[Resource, ...]
    models: tuple[tuple[str, str], ...]  # (class name, module name)
    aliases: dict[str, tuple[Alias, ...]]  # model class -> its renamed fields' old names

    @property
    def default_base_url(self) -> str:
        return self.servers[0][0]

    @property
    def resource_models(self) -> list[str]:
        return sorted({m for r in self.resources for method in r.methods for m in method.models})


def render_client(parsed: ParsedSpec, project_dir: Path, *, version: str) -> None:
    """Write the complete client project into `project_dir` (which must not exist)."""
    view = client_view(parsed, version=version)
    package_dir = project_dir / PACKAGE
    config = attrs.evolve(
        parsed.config, output_path=package_dir, package_name_override=PACKAGE, overwrite=False
    )
    project = Project(openapi=parsed.data, config=config, custom_template_path=TEMPLATES)
    install_filters(project.env)
    project.env.globals.update(view=view, expected_types=expected_types, tasks=task_spec(parsed))
    project_dir.mkdir(parents=True)
    with contextlib.redirect_stdout(io.StringIO()):  # it prints "Generating ..."
        errors = project.build()
    if errors:
        details = "; ".join(f"{e.header}: {e.detail}" for e in errors)
        raise GenerationError(f"openapi-python-client: {details}")
    copy_runtime("client", package_dir)
    # openapi-python-client's environment is lenient (its templates need that): an unknown
    # attribute renders as "". Ours go through a strict overlay of it, with its own cache so
    # that no template compiled for the lenient one is reused.
    strict = project.env.overlay(undefined=StrictUndefined, cache_size=0)
    for template, target in (
        ("_resources.py.jinja", package_dir / "_resources.py"),
        ("_client.py.jinja", package_dir / "_client.py"),
        ("_meta.py.jinja", package_dir / "_meta.py"),
        ("project/pyproject.toml.jinja", project_dir / "pyproject.toml"),
        ("project/README.md.jinja", project_dir / "README.md"),
    ):
        _render_strictly(strict, template, target)
    # The CLI's command table (generator/_commands.py).
    cli = cli_view(parsed, view.resources)
    _render_strictly(strict, "_commands.py.jinja", package_dir / "_commands.py", cli=cli)
    (package_dir / "py.typed").write_text("", encoding="utf-8")


def _render_strictly(strict: Environment, template: str, target: Path, **context: Any) -> None:
    """Render one of our own templates; a name it uses that does not exist is an error."""
    try:
        render_to(strict, template, target, **context)
    except UndefinedError as error:
        raise GenerationError(f"template {template}: {error.message}") from error


# The Python types json.loads gives for each scalar property kind.
_JSON_TYPES: dict[type[Any], tuple[str, ...]] = {
    StringProperty: ("str",),
    IntProperty: ("int",),
    FloatProperty: ("int", "float"),
    BooleanProperty: ("bool",),
    NoneProperty: ("type(None)",),
}


def expected_types(prop: Property) -> str | None:
    """Python code of the types a field may hold when read from JSON, e.g. `(str, Unset)`.

    None for fields that take any value. Used by the model template so that a wrong type is
    a clear error when the answer is read, not a surprise later.
    """
    members = list(prop.inner_properties) if isinstance(prop, UnionProperty) else [prop]
    names: list[str] = []
    for member in members:
        if isinstance(member, AnyProperty):
            return None
        kinds = _JSON_TYPES.get(type(member))
        if kinds is None:
            continue  # converted by its own template (models, enums, dates)
        names += [k for k in kinds if k not in names]
    if not names:
        return None
    if not prop.required:
        names.append("Unset")
    return "(" + ", ".join(names) + ("," if len(names) == 1 else "") + ")"


def client_view(parsed: ParsedSpec, *, version: str) -> ClientView:
    info = parsed.document.get("info", {})
    servers = tuple(
        (str(s["url"]), str(s.get("description", ""))) for s in parsed.document.get("servers", [])
    )
    if not servers:
        raise GenerationError("the spec needs at least one server (the default base URL)")
    models = tuple(
        sorted(
            (str(item.class_info.name), str(item.class_info.module_name))
            for item in (*parsed.data.models, *parsed.data.enums)
        )
    )
    return ClientView(
        distribution=DISTRIBUTION,
        package=PACKAGE,
        version=version,
        api_version=str(info.get("version", "")),
        title=UntrustedString(str(info.get("title", ""))),
        servers=servers,
        resources=_resources(parsed),
        models=models,
        aliases=aliases(parsed, version),
    )


def _resources(parsed: ParsedSpec) -> tuple[Resource, ...]:
    tags = {t["name"]: t for t in parsed.document.get("tags", [])}
    grouped: dict[str, list[Method]] = {}
    for op in parsed.operations:
        target = op.extension("a2e-client")
        if target is None:
            continue
        resource, _, name = str(target).partition(".")
        if not name.isidentifier() or not resource.isidentifier():
            raise GenerationError(f"{op.operation_id}: x-a2e-client must be 'resource.method'")
        grouped.setdefault(resource, []).append(_method(parsed, op, resource, name))
    resources = []
    for name, methods in grouped.items():
        tag = tags.get(name, {})
        behaviour = tag.get("x-a2e-behaviour")
        if behaviour not in BEHAVIOURS:
            raise GenerationError(f"tag {name}: unknown x-a2e-behaviour {behaviour!r}")
        sync_base, async_base = BEHAVIOURS[behaviour]
        task_model = None
        if behaviour == "tasks":
            getter = next((m for m in methods if m.name == "get"), None)
            if getter is None or getter.returns.model is None or getter.returns.many:
                raise GenerationError(f"tag {name}: a `tasks` resource needs a `get` of one record")
            task_model = getter.returns.model
        elif any(m.recover for m in methods):
            raise GenerationError(f"tag {name}: x-a2e-recover needs x-a2e-behaviour: tasks")
        resources.append(
            Resource(
                name=name,
                class_name=name.title().replace("_", ""),
                description=UntrustedString(str(tag.get("description", ""))),
                sync_base=sync_base,
                async_base=async_base,
                methods=tuple(methods),
                task_model=task_model,
            )
        )
    return tuple(resources)


def _method(parsed: ParsedSpec, op: Operation, resource: str, name: str) -> Method:
    endpoint = op.endpoint
    params: list[Param] = []
    body_model: str | None = None
    if endpoint.bodies:
        if len(endpoint.bodies) != 1 or not isinstance(endpoint.bodies[0].prop, ModelProperty):
            raise GenerationError(f"{op.operation_id}: one JSON object body is supported")
        model = endpoint.bodies[0].prop
        body_model = str(model.class_info.name)
        for prop in (*(model.required_properties or ()), *(model.optional_properties or ())):
            where = f"{op.operation_id}: request body property {wire_name(prop)}"
            keyword = parsed.keywords.keyword(wire_name(prop), where)
            params.append(_param(prop, keyword, in_body=True))
    for props in (endpoint.path_parameters, endpoint.query_parameters):
        for prop in props:
            where = f"{op.operation_id}: parameter {wire_name(prop)}"
            keyword = parsed.keywords.keyword(wire_name(prop), where)
            params.append(_param(prop, keyword, in_body=False))
    params.sort(key=lambda p: p.default is not None)
    recover = op.extension("a2e-recover")
    idempotent = op.extension("a2e-idempotent", True) is not False
    if not idempotent and recover is None:
        raise GenerationError(f"{op.operation_id}: a non-idempotent operation needs x-a2e-recover")
    return Method(
        resource=resource,
        name=name,
        operation=op,
        module=f"api.{op.tag}.{endpoint.name}",
        params=tuple(params),
        body_model=body_model,
        returns=_returns(parsed, op),
        idempotent=idempotent,
        recover=Recover(tuple(recover["match"]), recover.get("unique")) if recover else None,
    )


def _param(prop: Property, name: str, *, in_body: bool) -> Param:
    annotation = prop.get_type_string(no_optional=True).as_unembedded_code()
    default: str | None = None
    unset_when_none = False
    if not prop.required:
        if prop.default is not None:
            default = prop.default.python_code.as_unembedded_code()
        else:
            annotation = f"{annotation} | None"
            default = "None"
            unset_when_none = True
    return Param(
        name=PythonIdentifier(name, FIELD_PREFIX),
        annotation=annotation,
        default=default,
        description=getattr(prop, "description", None),
        target=str(prop.python_name),
        in_body=in_body,
        unset_when_none=unset_when_none,
    )


def _returns(parsed: ParsedSpec, op: Operation) -> Returns:
    ok = op.definition.get("responses", {}).get("200")
    schema = parsed.resolve(ok or {}).get("content", {}).get("application/json", {}).get("schema")
    error_ref = parsed.document.get("info", {}).get("x-a2e-error-envelope")
    branches = [
        b for b in (schema or {}).get("oneOf", [schema]) if b and b.get("$ref") != error_ref
    ]
    if len(branches) != 1 or "$ref" not in branches[0]:
        raise GenerationError(f"{op.operation_id}: the 200 answer must be one success envelope")
    data = _data_schema(parsed, parsed.resolve(branches[0]))
    if data is None:
        return Returns("None", None, many=False)
    if data.get("type") == "array" and "$ref" in data.get("items", {}):
        model = str(parsed.model_for(data["items"]["$ref"]).class_info.name)
        return Returns(f"builtins.list[{model}]", model, many=True)
    if "$ref" in data:
        model = str(parsed.model_for(data["$ref"]).class_info.name)
        return Returns(model, model, many=False)
    raise GenerationError(f"{op.operation_id}: `data` must be a $ref or an array of $ref")


def _data_schema(parsed: ParsedSpec, envelope: dict[str, Any]) -> dict[str, Any] | None:
    for part in envelope.get("allOf", [envelope]):
        data = parsed.resolve(part).get("properties", {}).get("data")
        if data and set(data) != {"description"}:
            return dict(data)
    return None
