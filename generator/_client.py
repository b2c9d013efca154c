"""Render the client package `a2e_dubbing` into `generated/client/`.

openapi-python-client renders the models (with our template overrides); we then render the
client (`A2E`, `AsyncA2E` and their resources, whose methods build their requests from the
spec) from the same parsed data, and copy the hand-written runtime they share.
openapi-python-client's per-operation layer (`api/`, `client.py`, `errors.py`) is not shipped.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import re
import shutil
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import attrs
from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    UndefinedError,
)
from openapi_python_client import TEMPLATE_FILTERS, Project
from openapi_python_client.parser.properties import ModelProperty, Property
from openapi_python_client.parser.properties.any import AnyProperty
from openapi_python_client.parser.properties.boolean import BooleanProperty
from openapi_python_client.parser.properties.enum_property import EnumProperty
from openapi_python_client.parser.properties.float import FloatProperty
from openapi_python_client.parser.properties.int import IntProperty
from openapi_python_client.parser.properties.none import NoneProperty
from openapi_python_client.parser.properties.string import StringProperty
from openapi_python_client.parser.properties.union import UnionProperty
from openapi_python_client.schema.untrusted_string import UntrustedString
from openapi_python_client.strings import PythonIdentifier

from generator._batch import batch_view
from generator._commands import cli_view
from generator._edits import EditingLoader
from generator._names import wire_name
from generator._parse import FIELD_PREFIX, GenerationError, Operation, ParsedSpec
from generator._records import task_spec
from generator._renames import Alias, KeywordAlias, aliases, keyword_aliases
from generator._render import (
    RUNTIME_DIR,
    TEMPLATES_DIR,
    copy_runtime,
    install_filters,
    render_to,
)
from generator._unasync import unasync_package

DISTRIBUTION = "a2e-dubbing"
PACKAGE = "a2e_dubbing"
TEMPLATES = TEMPLATES_DIR / "client"
# What openapi-python-client renders besides the models: its per-operation functions, their
# client and their errors. The package ships its own layer instead (`_resources.py`).
UNSHIPPED = ("api", "client.py", "errors.py")
# Its helpers of the models (`Unset`), private here: the models import them from there.
PRIVATE = {"types.py": "_types.py"}
# Resource behaviours a tag can ask for with `x-a2e-behaviour`; each names runtime base
# classes (sync, async) by their modules in the package.
BEHAVIOURS: dict[str | None, tuple[tuple[str, ...], tuple[str, ...]]] = {
    None: (("_base_client.SyncResource",), ("_base_client.AsyncResource",)),
    "tasks": (
        ("_sync._task_resource.SyncTaskResource",),
        ("_async._task_resource.AsyncTaskResource",),
    ),
}
UPLOAD_MIXINS: tuple[tuple[str, ...], tuple[str, ...]] = (
    ("_sync._upload.SyncUploadMixin",),
    ("_async._upload.AsyncUploadMixin",),
)


# The kinds of path and query parameter a method sends as they are (httpx writes them).
_SCALAR_PARAMETERS = (StringProperty, IntProperty, FloatProperty, BooleanProperty, EnumProperty)

# Methods whose operations are idempotent by HTTP semantics (RFC 9110, 9.2.2); the spec's
# `x-a2e-idempotent` overrides the method's rule for one operation.
IDEMPOTENT_METHODS = frozenset({"get", "head", "put", "delete", "options", "trace"})
DOC_WIDTH = 84


# The retry rules in a line each (the README's legend); each method's docstring states its
# own in full (`Method.retry_doc`).
RULE_DOCS = {
    "idempotent": "sent again after connection errors, timeouts, 408, 409, 429 and 5xx.",
    "look-up": (
        "not idempotent: sent again without a look-up only when the request provably never "
        "reached A2E; after any other of those failures the client first looks for the "
        "record the call may have made, returns it when found, and sends again only when "
        "none is there."
    ),
    "once": "not idempotent: sent again only when the request provably never reached A2E.",
}


@dataclass(frozen=True)
class CallOption:
    """A per-call option every method takes (openai-python's names and meanings)."""

    name: str
    annotation: str
    default: str
    doc: str


CALL_OPTIONS = (
    CallOption(
        "extra_headers",
        "_options.Headers | None",
        "None",
        "Headers to add to the request, or to replace.",
    ),
    CallOption(
        "extra_query", "_options.Query | None", "None", "Query parameters to add to the request."
    ),
    CallOption(
        "extra_body",
        "_options.Body | None",
        "None",
        "JSON properties to add to the request body (sent as one when the operation has none).",
    ),
    CallOption(
        "timeout",
        "float | httpx.Timeout | _options.NotGiven | None",
        "_options.NOT_GIVEN",
        "Timeout of this call's requests, in seconds or as an `httpx.Timeout` (which, as in "
        "httpx, bounds each connect, read and write); `None` for none. The client's by default.",
    ),
    CallOption(
        "max_retries",
        "int | _options.NotGiven",
        "_options.NOT_GIVEN",
        "How many times this call may be sent again (the client's by default).",
    ),
)


@dataclass(frozen=True)
class Param:
    """One keyword of a high-level method."""

    name: str
    annotation: str
    default: str | None  # Python code; None when the keyword is required
    description: UntrustedString | None
    target: str  # the body model's attribute (a body field), else the wire name
    wire: str  # the name in the request (body field, query or path parameter)
    location: str  # "body", "path" or "query"
    maximum: int | None  # the schema's maximum, if any
    upload: str | None = None  # x-a2e-upload: the class of the resource that uploads a file


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

    @property
    def doc(self) -> str:
        if self.model is None:
            return "None"
        return f"list[{self.model}]" if self.many else self.model


@dataclass(frozen=True)
class MatchField:
    """A field that identifies the record of a call: the method's keyword and the record's
    attribute that hold it."""

    param: str
    attribute: str


@dataclass(frozen=True)
class Recover:
    """How a lost answer of a non-idempotent call is found again (`x-a2e-recover`)."""

    match: tuple[MatchField, ...]
    unique: str | None  # the keyword made unique when the caller gives none
    created: str  # the record's attribute holding its creation time


@dataclass(frozen=True)
class Method:
    """A high-level method such as `client.dubbing.start`, built on one operation."""

    resource: str
    name: str
    operation: Operation
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
        """The spec's description for users: without its `Evidence:` paragraph (that note
        is for readers of the spec, which the docstring links to)."""
        text = str(self.operation.definition.get("description", ""))
        kept = [p for p in re.split(r"\n\s*\n", text.strip()) if not p.startswith("Evidence:")]
        return UntrustedString("\n\n".join(kept))

    @property
    def http(self) -> str:
        return f"{self.operation.method.upper()} {self.operation.path}"

    @property
    def operation_id(self) -> str:
        return self.operation.operation_id

    @property
    def gone_is_done(self) -> bool:
        """A delete: a 404 after a retry means an earlier attempt already deleted it."""
        return self.operation.method == "delete" and self.returns.model is None

    @property
    def retry_rule(self) -> str:
        """`idempotent`, `look-up` (not idempotent, found again after a lost answer) or `once`."""
        if self.idempotent:
            return "idempotent"
        return "look-up" if self.recover else "once"

    @property
    def retry_doc(self) -> str:
        """The retry rule of this method, in one statement (docstring, api.md, README)."""
        if self.idempotent:
            text = (
                "idempotent, so retried on connection errors, timeouts, 408, 409, 429 and "
                "5xx, up to `max_retries` times, with jittered backoff or as long as "
                "`Retry-After` asks (at most 60 s)."
            )
            if self.gone_is_done:
                text += (
                    " A 404 on a retry after an answer was lost means an earlier attempt "
                    "deleted it: that is success."
                )
            return text
        if self.recover is None:
            return (
                "not idempotent, so sent again only when the request provably never reached "
                "A2E (the connection could not be made); any other failure is raised."
            )
        fields = ", ".join(f"`{f.param}`" for f in self.recover.match)
        text = (
            "not idempotent, so sent again without a look-up only when the request provably "
            "never reached A2E. After any other retryable failure (a timeout, a dropped "
            "connection, 408, 409, 429, 5xx) the record may exist although no success answer "
            f"came: the client looks for it (same {fields}, made since the call began by "
            "A2E's clock, and not one that existed before) and returns it; it sends again "
            "only when none is there."
        )
        if self.recover.unique:
            text += (
                f" Without `{self.recover.unique}`, a unique one is sent, which makes the "
                f"look-up exact; with your own `{self.recover.unique}`, the client first reads "
                "the newest records (one more request) to tell this call's from older ones."
            )
        return text

    @property
    def call_params(self) -> tuple[Param, ...]:
        """The spec's parameters, required ones first."""
        return self.params

    @property
    def path_params(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.location == "path")

    @property
    def query_params(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.location == "query")

    @property
    def args_doc(self) -> tuple[UntrustedString, ...]:
        """`keyword: description` of every keyword, the per-call options included, wrapped."""
        docs = [(p.name, _param_doc(p).get_untrusted_value()) for p in self.params]
        docs += [(o.name, o.doc) for o in CALL_OPTIONS]
        return tuple(_wrapped(f"{name}: {doc}") for name, doc in docs)

    @property
    def param_docs(self) -> tuple[tuple[str, UntrustedString], ...]:
        """(keyword, description) of the spec's keywords, for api.md."""
        return tuple((p.name, _param_doc(p)) for p in self.params)

    @property
    def spec_doc(self) -> str:
        return (
            f"Spec: operation `{self.operation_id}` (`{self.http}`), where its evidence and "
            "open questions are noted."
        )

    @property
    def signature_doc(self) -> str:
        """A short signature for api.md: `start(source_url, target_lang, *, name=None, ...)`."""
        required = [p.name for p in self.params if p.default is None]
        optional = [f"{p.name}={p.default}" for p in self.params if p.default is not None]
        parts = [*required, *(["*"] if optional else []), *optional]
        return f"{self.name}({', '.join(parts)})"

    @property
    def models(self) -> list[str]:
        return sorted({m for m in (self.body_model, self.returns.model) if m})


def _param_doc(param: Param) -> UntrustedString:
    """The first sentence of a parameter's description, and its range when the schema has one."""
    text = param.description.get_untrusted_value() if param.description else ""
    text = " ".join(text.split())
    first = re.split(r"(?<=[.!?])\s+(?=[A-Z`(])", text, maxsplit=1)[0] if text else ""
    if param.maximum is not None and "most" not in first:
        first = f"{first} At most {param.maximum}.".strip()
    if param.upload is not None:
        first = f"{first} Or a local file (a `pathlib.Path`), uploaded first, once.".strip()
    return UntrustedString(first or param.wire)


def _wrapped(text: str) -> UntrustedString:
    """`text` wrapped for a docstring line; the template indents the lines after the first."""
    return UntrustedString(textwrap.fill(text, width=DOC_WIDTH, break_on_hyphens=False))


@dataclass(frozen=True)
class TaskLookup:
    """What a `tasks` resource's look-up of a lost start reads of its records."""

    id_field: str  # the record's attribute holding its id
    created_field: str  # ... and its creation time
    page_size: int  # the largest page the list operation allows


@dataclass(frozen=True)
class Presign:
    """How a resource's `upload` asks for a presigned upload (`x-a2e-presign`)."""

    method: str  # the presign method of the resource
    name_param: str  # its keyword that names the file
    put_attr: str  # the answer's attribute: the URL that takes the PUT
    url_attr: str  # the answer's attribute: where the file is served afterwards


@dataclass(frozen=True)
class Resource:
    """A group of methods (`client.dubbing`), one per spec tag."""

    name: str
    class_name: str
    description: UntrustedString
    sync_bases: tuple[str, ...]  # dotted paths in the package
    async_bases: tuple[str, ...]
    methods: tuple[Method, ...]
    task_model: str | None  # for `tasks` resources: the record `get` returns
    lookup: TaskLookup | None  # for `tasks` resources with an operation to recover
    presign: Presign | None = None  # for the resource of an x-a2e-presign operation: `upload`

    def bases(self, is_async: bool) -> str:
        """The base classes of the sync or async resource class, as Python code."""
        paths = self.async_bases if is_async else self.sync_bases
        names = [path.rpartition(".")[2] for path in paths]
        if self.task_model:
            names[0] += f'["{self.task_model}"]'
        return ", ".join(names)


@dataclass(frozen=True)
class FieldDoc:
    """One field of a model, for api.md."""

    name: str  # the Python attribute
    wire: str  # the name in JSON
    type: str  # its public type
    description: UntrustedString


@dataclass(frozen=True)
class ModelDoc:
    """A model the methods take or return, for api.md."""

    name: str
    description: UntrustedString
    fields: tuple[FieldDoc, ...]


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
    model_docs: tuple[ModelDoc, ...]  # the models of `resource_models`, documented
    aliases: dict[str, tuple[Alias, ...]]  # model class -> its renamed fields' old names
    keyword_aliases: dict[str, tuple[KeywordAlias, ...]]  # operationId -> former keywords

    @property
    def default_base_url(self) -> str:
        return self.servers[0][0]

    @property
    def uses_upload(self) -> bool:
        """Whether a resource uploads files, or a method takes a file to upload."""
        return any(
            r.presign is not None or any(p.upload for m in r.methods for p in m.params)
            for r in self.resources
        )

    @property
    def base_imports(self) -> list[tuple[str, str]]:
        """(module, class) of every base class of the resources."""
        paths = {p for r in self.resources for p in (*r.sync_bases, *r.async_bases)}
        return sorted((p.rpartition(".")[0], p.rpartition(".")[2]) for p in paths)

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
    # Our own templates first, then openapi-python-client's with our edits (generator/_edits).
    project.env.loader = ChoiceLoader(
        [
            FileSystemLoader(str(TEMPLATES)),
            EditingLoader(PackageLoader("openapi_python_client"), TEMPLATES / "edits"),
        ]
    )
    install_filters(project.env)
    project.env.globals.update(
        view=view,
        expected_types=expected_types,
        tasks=task_spec(parsed),
        field_declaration=field_declaration,
        field_doc=field_doc,
        required_copy=required_copy,
        absent_value=absent_value,
        tracked_fields=tracked_fields,
        is_tracked=is_tracked,
        call_option_list=CALL_OPTIONS,
        rule_docs=RULE_DOCS,
    )
    project_dir.mkdir(parents=True)
    with contextlib.redirect_stdout(io.StringIO()):  # it prints "Generating ..."
        errors = project.build()
    if errors:
        details = "; ".join(f"{e.header}: {e.detail}" for e in errors)
        raise GenerationError(f"openapi-python-client: {details}")
    _drop_unshipped(package_dir)
    copy_runtime("client", package_dir)
    unasync_package(package_dir, RUNTIME_DIR / "client")
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
        ("project/api.md.jinja", project_dir / "api.md"),
    ):
        _render_strictly(strict, template, target)
    # The CLI's command table (generator/_commands.py).
    cli = cli_view(parsed, view.resources)
    _render_strictly(strict, "_commands.py.jinja", package_dir / "_commands.py", cli=cli)
    # What the batch reads of the spec (generator/_batch.py).
    batch = batch_view(parsed, view.resources)
    if batch is None:
        raise GenerationError(
            "the client's batch needs a resource with x-a2e-behaviour: tasks whose start has "
            "x-a2e-recover"
        )
    _render_strictly(strict, "_batch_spec.py.jinja", package_dir / "_batch_spec.py", batch=batch)
    (package_dir / "py.typed").write_text("", encoding="utf-8")


def _drop_unshipped(package_dir: Path) -> None:
    """Remove what openapi-python-client renders but the package does not ship: its
    per-operation layer (the resources build their requests themselves); make its helpers
    of the models private."""
    for name in UNSHIPPED:
        target = package_dir / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
        else:
            raise GenerationError(f"openapi-python-client rendered no {name}: update UNSHIPPED")
    for name, private in PRIVATE.items():
        (package_dir / name).rename(package_dir / private)


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


# An optional field of a model reads as None when absent (or as its default), never as
# openapi-python-client's Unset; these give the model template its declaration and parsing.


def required_copy(prop: Property) -> Property:
    """`prop` as if required: its type without Unset (for a value known to be there)."""
    return attrs.evolve(prop, required=True)


def _public_type(prop: Property) -> str:
    type_ = str(required_copy(prop).get_type_string().as_unembedded_code())
    if prop.required or prop.default is not None or _admits_none(type_):
        return type_
    return f"{type_} | None"


def _admits_none(type_: str) -> bool:
    return type_ == "Any" or "None" in (part.strip() for part in type_.split("|"))


def absent_value(prop: Property) -> str:
    """Python code of an optional field's value when the answer leaves it out."""
    return "None" if prop.default is None else str(prop.default.python_code.as_unembedded_code())


def field_declaration(prop: Property) -> str:
    """The attrs declaration of a model field (optional: `T | None = None` or its default)."""
    if prop.required:
        return str(prop.to_string().as_unembedded_code())
    return f"{prop.python_name}: {_public_type(prop)} = {absent_value(prop)}"


def field_doc(prop: Property) -> str:
    """The `Attributes:` line of a model field, with its public type."""
    safe = TEMPLATE_FILTERS["safe_for_docstring"]
    doc = f"{prop.python_name} ({safe(_public_type(prop))}): {safe(prop.description or '')}"
    if prop.default:
        doc += f" Default: {safe(prop.default.python_code)}."
    if prop.example:
        doc += f" Example: {safe(prop.example)}."
    return doc


def tracked_fields(model: ModelProperty) -> tuple[str, ...]:
    """Wire names of the optional fields that may be null: whether they arrived is kept,
    so that `to_dict` writes back a null that came, and nothing for one that did not."""
    return tuple(
        wire_name(prop)
        for prop in model.optional_properties or ()
        if not prop.required
        and prop.default is None
        and _admits_none(str(required_copy(prop).get_type_string().as_unembedded_code()))
    )


def is_tracked(model: ModelProperty, prop: Property) -> bool:
    return wire_name(prop) in tracked_fields(model)


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
    resources = _resources(parsed)
    documented = sorted({m for r in resources for method in r.methods for m in method.models})
    return ClientView(
        distribution=DISTRIBUTION,
        package=PACKAGE,
        version=version,
        api_version=str(info.get("version", "")),
        title=UntrustedString(str(info.get("title", ""))),
        servers=servers,
        resources=resources,
        models=models,
        model_docs=tuple(_model_doc(parsed, name) for name in documented),
        aliases=aliases(parsed, version),
        keyword_aliases=keyword_aliases(parsed, version),
    )


def _model_doc(parsed: ParsedSpec, name: str) -> ModelDoc:
    model = next(m for m in parsed.data.models if str(m.class_info.name) == name)
    props = (*(model.required_properties or ()), *(model.optional_properties or ()))
    return ModelDoc(
        name=name,
        description=_first_paragraph(model.description),
        fields=tuple(
            FieldDoc(
                name=str(p.python_name),
                wire=wire_name(p),
                type=_public_type(p),
                description=_first_paragraph(getattr(p, "description", None)),
            )
            for p in props
        ),
    )


def _first_paragraph(text: Any) -> UntrustedString:
    raw = text.get_untrusted_value() if isinstance(text, UntrustedString) else str(text or "")
    return UntrustedString(" ".join(raw.strip().split("\n\n")[0].split()))


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
        sync_bases, async_bases = BEHAVIOURS[behaviour]
        presign = _presign(parsed, name, methods)
        if presign is not None:
            sync_bases += UPLOAD_MIXINS[0]
            async_bases += UPLOAD_MIXINS[1]
        task_model = None
        lookup = None
        if behaviour == "tasks":
            getter = next((m for m in methods if m.name == "get"), None)
            if getter is None or getter.returns.model is None or getter.returns.many:
                raise GenerationError(f"tag {name}: a `tasks` resource needs a `get` of one record")
            task_model = getter.returns.model
            lookup = _task_lookup(parsed, name, methods)
        elif any(m.recover for m in methods):
            raise GenerationError(f"tag {name}: x-a2e-recover needs x-a2e-behaviour: tasks")
        resources.append(
            Resource(
                name=name,
                class_name=_class_name(name),
                description=UntrustedString(str(tag.get("description", ""))),
                sync_bases=sync_bases,
                async_bases=async_bases,
                methods=tuple(methods),
                task_model=task_model,
                lookup=lookup,
                presign=presign,
            )
        )
    return tuple(resources)


def _presign(parsed: ParsedSpec, resource: str, methods: list[Method]) -> Presign | None:
    """The resource's presign method (`x-a2e-presign`) as its `upload` uses it."""
    found = [m for m in methods if m.operation.extension("a2e-presign") is not None]
    if not found:
        return None
    if len(found) > 1:
        raise GenerationError(f"tag {resource}: one x-a2e-presign operation per resource")
    method = found[0]
    if "upload" in {m.name for m in methods}:
        raise GenerationError(
            f"tag {resource}: x-a2e-presign adds `upload` to the resource, which has one already"
        )
    presign = method.operation.extension("a2e-presign")
    by_wire = {p.wire: p.name for p in method.params}
    if method.returns.model is None or method.returns.many:
        raise GenerationError(
            f"{method.operation_id}: x-a2e-presign needs one record as the answer"
        )
    model = parsed.model_for(f"#/components/schemas/{method.returns.model}")
    record = {
        wire_name(p): str(p.python_name)
        for p in (*(model.required_properties or ()), *(model.optional_properties or ()))
    }
    return Presign(
        method=method.name,
        name_param=by_wire[presign["name"]],
        put_attr=record[presign["put"]],
        url_attr=record[presign["url"]],
    )


def _uploaders(parsed: ParsedSpec) -> dict[str, str]:
    """operationId of each x-a2e-presign operation -> the class of its client resource."""
    found = {}
    for op in parsed.operations:
        target = op.extension("a2e-client")
        if op.extension("a2e-presign") is not None and isinstance(target, str):
            found[op.operation_id] = _class_name(target.partition(".")[0])
    return found


def _class_name(resource: str) -> str:
    return resource.title().replace("_", "")


def _task_lookup(parsed: ParsedSpec, tag: str, methods: list[Method]) -> TaskLookup | None:
    """The record fields and page size the look-up of a lost start uses, from the spec."""
    recovering = [m for m in methods if m.recover]
    if not recovering:
        return None
    lister = next((m for m in methods if m.name == "list"), None)
    size = next((p for p in lister.params if p.name == "page_size"), None) if lister else None
    if size is None or size.maximum is None:
        raise GenerationError(
            f"tag {tag}: x-a2e-recover reads pages of `list`, whose `page_size` needs a maximum"
        )
    start = recovering[0]
    return TaskLookup(
        id_field=_record_field(parsed, start.operation, "id"),
        created_field=start.recover.created,  # type: ignore[union-attr]
        page_size=size.maximum,
    )


def _method(parsed: ParsedSpec, op: Operation, resource: str, name: str) -> Method:
    endpoint = op.endpoint
    params: list[Param] = []
    body_model: str | None = None
    if endpoint.bodies:
        if len(endpoint.bodies) != 1 or not isinstance(endpoint.bodies[0].prop, ModelProperty):
            raise GenerationError(f"{op.operation_id}: one JSON object body is supported")
        model = endpoint.bodies[0].prop
        body_model = str(model.class_info.name)
        fields = _body_schema(parsed, op).get("properties", {})
        uploaders = _uploaders(parsed)
        for prop in (*(model.required_properties or ()), *(model.optional_properties or ())):
            where = f"{op.operation_id}: request body property {wire_name(prop)}"
            keyword = parsed.names.keyword(wire_name(prop), where)
            raw = fields.get(wire_name(prop), {})
            schema = parsed.resolve(raw)
            param = _param(prop, keyword, location="body", schema=schema)
            target = raw.get("x-a2e-upload") if isinstance(raw, dict) else None
            if target is not None:
                param = _upload_param(param, uploaders.get(str(target)), where)
            params.append(param)
    for location, prop, raw in parsed.parameters(op):
        where = f"{op.operation_id}: parameter {wire_name(prop)}"
        keyword = parsed.names.keyword(wire_name(prop), where)
        schema = parsed.resolve(raw.get("schema", {}))
        if not isinstance(prop, _SCALAR_PARAMETERS):
            raise GenerationError(f"{where}: only string, number, boolean and enum parameters")
        params.append(
            _param(prop, keyword, location=location, schema=schema, about=raw.get("description"))
        )
    params.sort(key=lambda p: p.default is not None)
    returns = _returns(parsed, op)
    idempotent = op.extension("a2e-idempotent", op.method in IDEMPOTENT_METHODS)
    if not isinstance(idempotent, bool):
        raise GenerationError(f"{op.operation_id}: x-a2e-idempotent must be true or false")
    recover = op.extension("a2e-recover")
    if recover is not None and idempotent:
        raise GenerationError(f"{op.operation_id}: x-a2e-recover is for non-idempotent operations")
    return Method(
        resource=resource,
        name=name,
        operation=op,
        params=tuple(params),
        body_model=body_model,
        returns=returns,
        idempotent=idempotent,
        recover=_recover(parsed, op, recover, params, returns) if recover else None,
    )


def _recover(
    parsed: ParsedSpec,
    op: Operation,
    recover: Any,
    params: list[Param],
    returns: Returns,
) -> Recover:
    """`x-a2e-recover` as names of the method's keywords and of the record's attributes."""
    if not isinstance(recover, dict) or not recover.get("match"):
        raise GenerationError(f"{op.operation_id}: x-a2e-recover needs `match`")
    if returns.model is None or returns.many:
        raise GenerationError(f"{op.operation_id}: x-a2e-recover needs one record as the answer")
    model = next(m for m in parsed.data.models if str(m.class_info.name) == returns.model)
    record = {
        wire_name(p): str(p.python_name)
        for p in (*(model.required_properties or ()), *(model.optional_properties or ()))
    }
    by_wire = {p.wire: p for p in params if p.location == "body"}
    fields = []
    for wire in recover["match"]:
        if wire not in by_wire or wire not in record:
            raise GenerationError(
                f"{op.operation_id}: x-a2e-recover.match {wire!r} must be a body field and "
                "a field of the record"
            )
        fields.append(MatchField(param=by_wire[wire].name, attribute=record[wire]))
    unique = recover.get("unique")
    if unique is not None and (unique not in by_wire or by_wire[unique].default != "None"):
        raise GenerationError(
            f"{op.operation_id}: x-a2e-recover.unique must be an optional body field"
        )
    return Recover(
        match=tuple(fields),
        unique=by_wire[unique].name if unique else None,
        created=_record_field(parsed, op, "created"),
    )


def _record_field(parsed: ParsedSpec, op: Operation, source: str) -> str:
    """The attribute of the task record whose `x-a2e-mock` is `source` (`id`, `created`)."""
    found = task_spec(parsed).named(source)
    if len(found) != 1:
        raise GenerationError(
            f"{op.operation_id}: x-a2e-recover needs the record's {source} field: mark one "
            f"property of the task record `x-a2e-mock: {source}`"
        )
    return found[0].python_name


def _body_schema(parsed: ParsedSpec, op: Operation) -> dict[str, Any]:
    body = parsed.resolve(op.definition.get("requestBody", {}))
    schema = body.get("content", {}).get("application/json", {}).get("schema", {})
    resolved = parsed.resolve(schema)
    return resolved if isinstance(resolved, dict) else {}


def _param(
    prop: Property,
    name: str,
    *,
    location: str,
    schema: Any,
    about: Any = None,
) -> Param:
    """A keyword of a method; `about` is a query or path parameter's own description."""
    annotation = prop.get_type_string(no_optional=True).as_unembedded_code()
    default: str | None = None
    if not prop.required:
        if prop.default is not None:
            default = prop.default.python_code.as_unembedded_code()
        else:
            annotation = f"{annotation} | None"
            default = "None"  # left out of the request
    maximum = schema.get("maximum") if isinstance(schema, dict) else None
    return Param(
        name=PythonIdentifier(name, FIELD_PREFIX),
        annotation=annotation,
        default=default,
        description=(
            UntrustedString(about) if isinstance(about, str) else getattr(prop, "description", None)
        ),
        target=str(prop.python_name) if location == "body" else wire_name(prop),
        wire=wire_name(prop),
        location=location,
        maximum=maximum if isinstance(maximum, int) and not isinstance(maximum, bool) else None,
    )


def _upload_param(param: Param, uploader: str | None, where: str) -> Param:
    """A body keyword that also takes a local file (`x-a2e-upload`)."""
    if uploader is None:
        raise GenerationError(f"{where}: x-a2e-upload names no x-a2e-presign operation")
    if param.annotation != "str":
        raise GenerationError(f"{where}: x-a2e-upload is for a string (a URL) field")
    return dataclasses.replace(param, annotation="str | os.PathLike[str]", upload=uploader)


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
