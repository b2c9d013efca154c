"""Render the mock server package `a2e_dubbing_mock` into `generated/mock/`.

The spec's data (routes, parameter and body schemas, documented statuses, examples, the
body limit `info.x-a2e-max-body-bytes`, the task record's fields and the lifecycle) is
rendered into `_spec.py` and `_handler_table.py`; the behaviour is the hand-written runtime in
generator/runtime/mock/, copied once. Each operation is answered by the runtime function
named after its operationId (snake case) in `_handlers.py`.
"""

from __future__ import annotations

import ast
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openapi_python_client.schema.untrusted_string import UntrustedString
from openapi_python_client.strings import PythonIdentifier

from generator._extensions import LABELS, answer_data, answer_properties, answer_required
from generator._parse import GenerationError, Operation, ParsedSpec
from generator._records import EXPIRES_AFTER, Lifecycle, TaskSpec, result_lifetime, task_spec
from generator._render import (
    RUNTIME_DIR,
    TEMPLATES_DIR,
    copy_runtime,
    environment,
    render_to,
)

DISTRIBUTION = "a2e-dubbing-mock"
PACKAGE = "a2e_dubbing_mock"
TEMPLATES = TEMPLATES_DIR / "mock"
HANDLERS_FILE = RUNTIME_DIR / "mock" / "_handlers.py"
REPO_ROOT = RUNTIME_DIR.parent.parent
# The recorded exchanges with the real API: input data, like the spec.
RECORDINGS_DIR = RUNTIME_DIR.parent.parent / "contract_tests" / "recordings"
# Generated modules; a runtime module of the same name would be overwritten.
GENERATED = ("__init__", "_meta", "_handler_table", "_spec")
MAX_BODY_EXTENSION = "x-a2e-max-body-bytes"  # in info: the largest request body, in bytes


@dataclass(frozen=True)
class MockParam:
    name: str
    location: str
    required: bool
    schema: dict[str, Any]
    default: Any


@dataclass(frozen=True)
class MockBody:
    required: bool
    schema: dict[str, Any]
    defaults: dict[str, Any]
    url_fields: list[str]
    listed: dict[str, str]  # field -> why a value is refused (x-a2e-values-from)


@dataclass(frozen=True)
class MockOperation:
    operation_id: str
    handler: PythonIdentifier
    method: str
    path: str
    summary: UntrustedString
    params: tuple[MockParam, ...]
    body: MockBody | None
    statuses: list[str]
    evidence: str = "unknown"  # x-evidence of its path and shapes


@dataclass(frozen=True)
class MockPresign:
    """The operation that answers a presigned upload (`x-a2e-presign`), for the mock."""

    operation_id: str
    name: str  # the request property that names the file
    put: str  # the answer property: the URL that takes the PUT
    url: str  # the answer property: where the file is served afterwards
    expires: str | None  # the answer property: seconds the PUT URL stays valid
    echo: tuple[str, ...]  # the other answer properties with a namesake in the request


@dataclass(frozen=True)
class MockValues:
    """Values a schema lists (`enum` with x-a2e-values-from and x-a2e-labels): what the mock
    accepts there and what the listing operation answers."""

    operation_id: str  # the operation that lists them (x-a2e-values-from)
    value: str  # the property of a listed item that holds the value
    label: str  # the property of a listed item that holds its name
    label_param: str  # the operation's parameter that picks the names' language
    default_label: str  # that parameter's default
    labels: dict[str, dict[str, str]]  # value -> language of the name -> name (enum order)


@dataclass(frozen=True)
class MockView:
    """Everything the mock templates need, computed from the parsed spec."""

    distribution: str
    package: str
    version: str
    title: str
    api_version: str
    operations: tuple[MockOperation, ...]
    schemas: dict[str, Any]
    examples: dict[str, Any]  # operationId -> `data` of its first documented success example
    max_body_bytes: int  # info.x-a2e-max-body-bytes: larger request bodies get 413
    tasks: TaskSpec  # the task record (x-a2e-mock hints) and its lifecycle (x-a2e-lifecycle)
    presign: MockPresign | None  # the presigned upload (x-a2e-presign), if the spec has one
    values: tuple[MockValues, ...]  # the listed values (x-a2e-labels), by listing operation
    url_lifetime: int  # seconds the mock's signed file URLs stay valid (x-a2e-expires-after)

    @property
    def lifecycle(self) -> Lifecycle:
        return self.tasks.lifecycle


def render_mock(parsed: ParsedSpec, project_dir: Path, *, version: str) -> None:
    """Write the complete mock project into `project_dir` (which must not exist)."""
    view = mock_view(parsed, version=version)
    check_handlers(view.operations)
    package_dir = project_dir / PACKAGE
    package_dir.mkdir(parents=True)
    copied = copy_runtime("mock", package_dir)
    clash = sorted(set(copied) & set(GENERATED))
    if clash:
        raise GenerationError(f"runtime/mock must not define generated modules: {clash}")
    env = environment(TEMPLATES)
    for name in GENERATED:
        template = "package_init.py.jinja" if name == "__init__" else f"{name}.py.jinja"
        render_to(env, template, package_dir / f"{name}.py", view=view)
    render_to(env, "project/pyproject.toml.jinja", project_dir / "pyproject.toml", view=view)
    render_to(env, "project/README.md.jinja", project_dir / "README.md", view=view)
    (package_dir / "py.typed").write_text("", encoding="utf-8")
    _copy_recordings(package_dir / "recordings")


def _copy_recordings(target: Path) -> None:
    """Ship the recorded real exchanges, for the pytest plugin's `a2e_recordings_router`."""
    target.mkdir()
    for path in sorted(RECORDINGS_DIR.glob("*.json")):
        if not path.name.endswith(".schema.json"):
            shutil.copyfile(path, target / path.name)


def check_handlers(operations: tuple[MockOperation, ...]) -> None:
    """Every operation has a handler in runtime/mock/_handlers.py, and every handler an operation."""
    tree = ast.parse(HANDLERS_FILE.read_text(encoding="utf-8"), filename=str(HANDLERS_FILE))
    defined = {
        node.name
        for node in tree.body
        if isinstance(node, ast.AsyncFunctionDef) and not node.name.startswith("_")
    }
    wanted = {str(op.handler): op for op in operations}
    where = (
        HANDLERS_FILE.relative_to(REPO_ROOT)
        if HANDLERS_FILE.is_relative_to(REPO_ROOT)
        else HANDLERS_FILE
    )
    todo = [
        f"  [ ] {where}: the mock's answer to {op.method} {op.path} ({op.operation_id}):\n"
        f"        async def {name}(call: Call) -> Any:\n"
        f"            ...  # call.params, call.body, call.tenant, call.state.store"
        for name, op in wanted.items()
        if name not in defined
    ]
    unused = sorted(defined - set(wanted))
    problems = []
    if todo:
        problems.append(
            "the spec needs hand-written code (to do, then `python -m generator generate`):\n"
            + "\n".join(todo)
        )
    if unused:
        problems.append(
            f"{where}: handlers without an operation in the spec (rename with `_` if a helper): "
            + ", ".join(unused)
        )
    if problems:
        raise GenerationError("\n".join(problems))


def mock_view(parsed: ParsedSpec, *, version: str) -> MockView:
    info = parsed.document.get("info", {})
    schemas = parsed.document.get("components", {}).get("schemas", {})
    operations = tuple(_operation(parsed, op) for op in parsed.operations)
    examples = {}
    for op in parsed.operations:
        example = _success_example(parsed, op)
        if example is not None:
            examples[op.operation_id] = example
    return MockView(
        distribution=DISTRIBUTION,
        package=PACKAGE,
        version=version,
        title=str(info.get("title", "")),
        api_version=str(info.get("version", "")),
        operations=operations,
        schemas=schemas,
        examples=examples,
        max_body_bytes=_max_body_bytes(info),
        tasks=task_spec(parsed),
        presign=_presign(parsed),
        url_lifetime=_url_lifetime(parsed),
        values=tuple(_values(parsed, name, schema) for name, schema in _labelled(schemas)),
    )


def _labelled(schemas: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(str(k), v) for k, v in schemas.items() if isinstance(v, dict) and LABELS in v]


def _values(parsed: ParsedSpec, name: str, schema: dict[str, Any]) -> MockValues:
    """The listing of `schema`'s values (x-a2e-labels; `_extensions` checked its keys)."""
    where = f"components.schemas.{name}"
    by_id = {op.operation_id: op for op in parsed.operations}
    op = by_id.get(str(schema.get("x-a2e-values-from")))
    if op is None:
        raise GenerationError(f"{where}: {LABELS} needs x-a2e-values-from naming an operation")
    data = answer_data(parsed, op)
    item = parsed.resolve(data.get("items") or {}) if isinstance(data, dict) else {}
    ref = f"#/components/schemas/{name}"
    props = item.get("properties") or {} if isinstance(item, dict) else {}
    values = [k for k, v in props.items() if isinstance(v, dict) and v.get("$ref") == ref]
    labels = [k for k in item.get("required") or [] if k not in values] if props else []
    params = [parsed.resolve(p) for p in op.definition.get("parameters") or []]
    picks = [p for p in params if p.get("in") == "query"]
    if len(values) != 1 or len(labels) != 1 or len(picks) != 1:
        raise GenerationError(
            f"{where}: the mock answers {op.operation_id} from {LABELS} when its answer is a "
            f"list of items with one property that is a $ref to {name} and one other required "
            "property (the name), and it has one query parameter (the names' language)"
        )
    pick = picks[0]
    return MockValues(
        operation_id=op.operation_id,
        value=values[0],
        label=labels[0],
        label_param=str(pick["name"]),
        default_label=str((pick.get("schema") or {}).get("default", "")),
        labels={str(v): dict(schema[LABELS][v]) for v in schema["enum"]},
    )


def _url_lifetime(parsed: ParsedSpec) -> int:
    """`x-a2e-expires-after` of the record's result URL: how long every file URL the mock
    signs stays valid (results, stored files); generation fails without it."""
    lifetime = result_lifetime(parsed)
    if lifetime is None:
        raise GenerationError(
            f"the mock signs its file URLs to expire: give the task record's result URL "
            f"property (x-a2e-mock: result) {EXPIRES_AFTER}: <seconds>"
        )
    return lifetime


def _presign(parsed: ParsedSpec) -> MockPresign | None:
    """The one operation with `x-a2e-presign` (its names are checked by `_extensions`)."""
    found = [op for op in parsed.operations if op.extension("a2e-presign") is not None]
    if not found:
        return None
    if len(found) > 1:
        names = ", ".join(op.operation_id for op in found)
        raise GenerationError(f"x-a2e-presign: the mock serves one such operation, not {names}")
    op = found[0]
    presign = op.extension("a2e-presign")
    answer = answer_properties(parsed, op)
    body = _body(parsed, op)
    request = set(parsed.resolve(body.schema).get("properties", {})) if body else set()
    made = {presign["put"], presign["url"], presign.get("expires")}
    echo = tuple(name for name in answer if name not in made and name in request)
    missing = sorted(set(answer_required(parsed, op)) - made - set(echo))
    if missing:
        raise GenerationError(
            f"{op.operation_id}: the mock cannot answer the required field(s) "
            f"{', '.join(missing)} of x-a2e-presign's answer: name them in x-a2e-presign, or "
            "give the request a property of the same name (the mock echoes it)"
        )
    return MockPresign(
        operation_id=op.operation_id,
        name=str(presign["name"]),
        put=str(presign["put"]),
        url=str(presign["url"]),
        expires=str(presign["expires"]) if presign.get("expires") else None,
        echo=echo,
    )


def _max_body_bytes(info: Any) -> int:
    """info.x-a2e-max-body-bytes: a positive integer, or generation fails saying so."""
    if not isinstance(info, dict) or MAX_BODY_EXTENSION not in info:
        value, found = None, "nothing (add it to the spec's info)"
    else:
        value = info[MAX_BODY_EXTENSION]
        found = repr(value)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise GenerationError(
            f"info.{MAX_BODY_EXTENSION} must be a positive integer (the largest request body "
            f"in bytes, answered with 413 above it), found: {found}"
        )
    return value


def _operation(parsed: ParsedSpec, op: Operation) -> MockOperation:
    params = []
    for raw in op.definition.get("parameters", []):
        param = parsed.resolve(raw)
        if param.get("in") not in ("path", "query"):
            raise GenerationError(f"{op.operation_id}: the mock supports path and query parameters")
        schema = parsed.resolve(param.get("schema", {}))
        params.append(
            MockParam(
                name=str(param["name"]),
                location=str(param["in"]),
                required=bool(param.get("required", False)),
                schema=dict(schema),
                default=schema.get("default"),
            )
        )
    return MockOperation(
        operation_id=op.operation_id,
        handler=op.endpoint.name,
        method=op.method.upper(),
        path=op.path,
        summary=UntrustedString(str(op.definition.get("summary", op.operation_id))),
        params=tuple(params),
        body=_body(parsed, op),
        statuses=sorted(str(status) for status in op.definition.get("responses", {})),
        evidence=str(op.extension("evidence", "unknown")),
    )


def _body(parsed: ParsedSpec, op: Operation) -> MockBody | None:
    request_body = parsed.resolve(op.definition.get("requestBody"))
    if not request_body:
        return None
    content = request_body.get("content", {})
    if set(content) != {"application/json"}:
        raise GenerationError(f"{op.operation_id}: the mock supports JSON request bodies only")
    schema = content["application/json"].get("schema", {})
    resolved = parsed.resolve(schema)
    defaults: dict[str, Any] = {}
    url_fields: list[str] = []
    listed: dict[str, str] = {}
    paths = {
        other.operation_id: f"{other.method.upper()} {other.path}" for other in parsed.operations
    }
    for name, prop in resolved.get("properties", {}).items():
        prop = parsed.resolve(prop)
        if "default" in prop:
            defaults[str(name)] = prop["default"]
        if prop.get("format") == "uri":
            url_fields.append(str(name))
        source = prop.get("x-a2e-values-from")
        if source in paths:
            noun = prop.get("title") or "value"
            listed[str(name)] = f"unsupported {noun} (see {paths[source]})"
    return MockBody(
        required=bool(request_body.get("required", False)),
        schema=dict(schema),
        defaults=defaults,
        url_fields=url_fields,
        listed=listed,
    )


def _success_example(parsed: ParsedSpec, op: Operation) -> Any:
    ok = parsed.resolve(op.definition.get("responses", {}).get("200", {}))
    media = ok.get("content", {}).get("application/json", {})
    for example in media.get("examples", {}).values():
        value = parsed.resolve(example).get("value")
        if isinstance(value, dict) and value.get("code") == 0 and "data" in value:
            return value["data"]
    return None
