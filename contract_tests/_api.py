"""The API as tests see it, read from the spec: operations, requests, routes and the record.

Tests name an operation by the client method it backs (`"dubbing.get"`, its `x-a2e-client`)
and give values by the client's keywords (`task_id`, `page_size`); the spec says where each
value goes (path, query or body). A path that moves, or a parameter that moves from the
query into the path, then changes no test:

    response = await http.request(**call("dubbing.get", task_id=task_id), headers=AUTH)
    route(router, "dubbing.get", task_id=TASK_ID).respond(json=ok(record))
    assert data[RECORD.id.wire] == task_id       # RECORD = record()

The task record's fields are named by their role (the `x-a2e-mock` hints: id, status,
result, failure, created, ...) and the lifecycle by its words (`x-a2e-lifecycle`), as the
generator reads them (`generator/_records.py`). A test that is really about one path or one
field may spell it out, with a comment that says so; `tests/test_spec_literals.py` fails on
a literal path of the spec anywhere else.

Paths come from the YAML alone (`contract_tests._spec`); keywords, the record and the
lifecycle need the generator's parse, made on first use.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NotRequired, TypedDict
from urllib.parse import quote, unquote

import httpx

from contract_tests._spec import Operation, Spec, load_spec

if TYPE_CHECKING:
    import respx

    from generator._records import Lifecycle, TaskSpec

__all__ = [
    "Call",
    "Field",
    "Op",
    "Param",
    "Parts",
    "Record",
    "answer_example",
    "call",
    "lifecycle",
    "op",
    "operations",
    "record",
    "recorded_request",
    "request_example",
    "route",
    "which",
]

CLIENT = "x-a2e-client"
PYTHON_NAME = "x-a2e-python-name"
_PARAM = re.compile(r"\{([^{}]+)\}")


class Call(TypedDict):
    """The arguments of `httpx.Client.request` for one request: `http.request(**call)`."""

    method: str
    url: str  # the path, with the query string
    json: NotRequired[Any]  # the JSON body, for an operation that has one


@dataclass(frozen=True)
class Parts:
    """The values of one request by where they go, under their wire names."""

    path: dict[str, str]
    query: dict[str, Any]
    body: dict[str, Any] | None  # None: the operation has no body


@dataclass(frozen=True)
class Param:
    """One parameter or JSON body property of an operation."""

    wire: str  # the spec's name
    where: str  # "path", "query", "header" or "body"
    keyword: str  # the client method's keyword for it
    required: bool


@dataclass(frozen=True)
class Op:
    """One operation of the spec, named by the client method it backs."""

    name: str  # its `x-a2e-client` ("dubbing.get"), else its operationId
    operation_id: str
    method: str  # upper case: "GET"
    path: str  # the spec's template: "/api/v1/userDubbing/{_id}"
    params: tuple[Param, ...]
    literal_siblings: tuple[str, ...]  # literal paths of this method that the template matches
    definition: Mapping[str, Any]  # the spec's operation object

    @property
    def has_body(self) -> bool:
        return "requestBody" in self.definition

    def param(self, keyword: str) -> Param:
        """The parameter a keyword of the client method stands for; TypeError if none."""
        for param in self.params:
            if param.keyword == keyword:
                return param
        takes = ", ".join(p.keyword for p in self.params) or "nothing"
        raise TypeError(f"{self.name} ({self.operation_id}) takes {takes}; not {keyword!r}")

    def url(self, **values: Any) -> str:
        """The path with its query string, each value where the spec puts it (no body)."""
        return self.call(**values)["url"]

    def parts(self, **values: Any) -> Parts:
        """Where the spec puts each value: path, query or JSON body (None: left out)."""
        found = Parts(path={}, query={}, body={} if self.has_body else None)
        for keyword, value in values.items():
            param = self.param(keyword)
            if value is None:
                continue
            if param.where == "path":
                found.path[param.wire] = str(value)
            elif param.where == "query":
                found.query[param.wire] = value
            elif param.where == "body" and found.body is not None:
                found.body[param.wire] = value
            else:
                raise TypeError(f"{self.name}: {keyword} is a {param.where} parameter")
        return found

    def call(self, **values: Any) -> Call:
        """The request for `values`, each where the spec puts it: `http.request(**call)`."""
        parts = self.parts(**values)
        missing = [p.keyword for p in self.params if p.where == "path" and p.wire not in parts.path]
        if missing:
            raise TypeError(f"{self.name}: the path needs {', '.join(missing)}")
        path = _PARAM.sub(lambda m: quote(parts.path[m.group(1)], safe=""), self.path)
        found: Call = {"method": self.method, "url": path}
        if parts.query:
            found["url"] = str(httpx.URL(path, params=parts.query))
        if parts.body is not None:
            found["json"] = parts.body
        return found

    def case_kwargs(self, **values: Any) -> dict[str, Any]:
        """Keywords of schemathesis's `APIOperation.Case` for `values`."""
        parts = self.parts(**values)
        found: dict[str, Any] = {"path_parameters": parts.path, "query": parts.query}
        if parts.body is not None:
            found["body"] = parts.body
        return found

    def path_regex(self, **values: Any) -> str:
        """A regular expression of this operation's paths: a path parameter matches its
        value when given, any one segment otherwise; a literal path of another operation of
        the same method never matches (OpenAPI: literal paths win over templated ones)."""
        given = {self.param(k).wire: quote(str(v), safe="") for k, v in values.items()}
        parts = _PARAM.split(self.path)
        body = "".join(
            (re.escape(given[part]) if part in given else "[^/]+") if odd else re.escape(part)
            for odd, part in ((i % 2 == 1, p) for i, p in enumerate(parts))
        )
        if self.literal_siblings:
            body = f"(?!(?:{'|'.join(map(re.escape, self.literal_siblings))})$)" + body
        return f"^{body}$"

    def route(self, router: respx.Router, **values: Any) -> respx.Route:
        """A route of `router` for this operation's requests; given path and query values
        must match (other query parameters may be there too)."""
        path_values = {k: v for k, v in values.items() if self.param(k).where == "path"}
        query = {
            self.param(k).wire: str(v)
            for k, v in values.items()
            if self.param(k).where == "query" and v is not None
        }
        others = [k for k in values if self.param(k).where not in ("path", "query")]
        if others:
            raise TypeError(f"{self.name}: a route matches path and query values, not {others}")
        lookups: dict[str, Any] = {
            "method": self.method,
            "path__regex": self.path_regex(**path_values),
        }
        if query:
            lookups["params__contains"] = query
        return router.route(**lookups)

    def fits(self, path: str) -> bool:
        """Whether `path` has the shape of this operation's template (a literal path of
        another operation may fit too: a server gives that one the request)."""
        shape = "".join(
            "[^/]+" if i % 2 else re.escape(p) for i, p in enumerate(_PARAM.split(self.path))
        )
        return re.fullmatch(shape, path) is not None

    def matches(self, method: str, path: str) -> bool:
        """Whether `method path` (no query) is a request for this operation."""
        return method.upper() == self.method and re.fullmatch(self.path_regex(), path) is not None

    def value(
        self,
        keyword: str,
        *,
        path: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
        body: Any = None,
    ) -> Any:
        """The value of `keyword` in a request's parts (keyed by wire name), from where the
        spec puts it; None when it is not there."""
        param = self.param(keyword)
        parts = {"path": path, "query": query, "body": body}.get(param.where)
        return parts.get(param.wire) if isinstance(parts, Mapping) else None

    def values(self, request: httpx.Request) -> dict[str, Any]:
        """The path and query values of a request for this operation, by keyword."""
        if not self.matches(request.method, request.url.path):
            raise ValueError(f"{request.method} {request.url.path} is not {self.name}")
        parts = _PARAM.split(self.path)
        segments = re.fullmatch(
            "".join("([^/]+)" if i % 2 else re.escape(p) for i, p in enumerate(parts)),
            request.url.path,
        )
        assert segments is not None
        by_wire = {p.wire: p for p in self.params}
        found = {
            by_wire[name].keyword: unquote(value)
            for name, value in zip(parts[1::2], segments.groups(), strict=True)
        }
        for param in self.params:
            if param.where == "query" and param.wire in request.url.params:
                found[param.keyword] = request.url.params[param.wire]
        return found


@dataclass(frozen=True)
class Field:
    """One field of the task record: its wire name and the client model's attribute."""

    wire: str
    attr: str
    when: str | None = None  # "result" | "failure": answered only in that state


@dataclass(frozen=True)
class Record:
    """The task record's fields, by their role (`x-a2e-mock` hints)."""

    schema: str  # the record's schema name
    fields: tuple[Field, ...]  # in the order of the start's answer
    roles: Mapping[str, tuple[Field, ...]]  # `x-a2e-mock` source -> its fields
    name_field: Field | None  # the echo of the start's `x-a2e-recover.unique` field

    def role(self, source: str) -> Field:
        """The (first) field the mock fills from `source`; LookupError when none."""
        found = self.roles.get(source, ())
        if not found:
            raise LookupError(f"the spec marks no field of {self.schema} `x-a2e-mock: {source}`")
        return found[0]

    @property
    def id(self) -> Field:
        return self.role("id")

    @property
    def tenant(self) -> Field:
        return self.role("tenant")

    @property
    def status(self) -> Field:
        return self.role("status")

    @property
    def created(self) -> Field:
        return self.role("created")

    @property
    def updated(self) -> Field:
        return self.role("updated")

    @property
    def duration(self) -> Field:
        return self.role("duration")

    @property
    def result(self) -> Field:
        return self.role("result")

    @property
    def failure(self) -> Field:
        """The first field that says why a task failed (always answered)."""
        return self.role("failure-message")

    @property
    def failure_messages(self) -> tuple[Field, ...]:
        return self.roles.get("failure-message", ())

    @property
    def failure_codes(self) -> tuple[Field, ...]:
        return self.roles.get("failure-code", ())

    @property
    def name(self) -> Field:
        if self.name_field is None:
            raise LookupError(f"{self.schema} echoes no `x-a2e-recover.unique` field")
        return self.name_field


def operations(spec: Spec | None = None) -> tuple[Op, ...]:
    """Every operation of the spec (the project's, or `spec`), in its order."""
    return _operations(spec or load_spec())


def op(name: str, spec: Spec | None = None) -> Op:
    """The operation backing client method `name` ("dubbing.get"), or with that operationId."""
    for found in operations(spec):
        if name in (found.name, found.operation_id):
            return found
    known = ", ".join(o.name for o in operations(spec))
    raise KeyError(f"no operation {name!r} in the spec (known: {known})")


def call(name: str, /, **values: Any) -> Call:
    """`op(name).call(**values)`: the request, for `http.request(**call(...))`."""
    return op(name).call(**values)


def recorded_request(name: str, /, **values: Any) -> dict[str, Any]:
    """The `request` of a recording (contract_tests/recordings/README.md) of client method
    `name`'s operation with `values`: method, path, and query when there is one."""
    made = call(name, **values)
    url = httpx.URL(made["url"])
    request: dict[str, Any] = {"method": made["method"], "path": url.path}
    if url.params:
        request["query"] = dict(url.params)
    if "json" in made:
        request["body"] = made["json"]
    return request


def route(router: respx.Router, name: str, /, **values: Any) -> respx.Route:
    """`op(name).route(router, **values)`: a respx route for the operation's requests."""
    return op(name).route(router, **values)


def request_example(name: str, /) -> Any:
    """The value of the first example of the operation's JSON request body."""
    spec = load_spec()
    body = spec.resolve(op(name).definition.get("requestBody") or {})
    return _first_example(spec, body, f"{name}: request body")


def answer_example(name: str, /, status: str = "200") -> Any:
    """The value of the first example of the operation's JSON answer for `status` (the
    whole envelope)."""
    spec = load_spec()
    answer = spec.resolve(op(name).definition.get("responses", {}).get(status) or {})
    return _first_example(spec, answer, f"{name}: answer {status}")


def _first_example(spec: Spec, node: Mapping[str, Any], what: str) -> Any:
    media = node.get("content", {}).get("application/json", {})
    for example in media.get("examples", {}).values():
        return copy.deepcopy(spec.resolve(example)["value"])
    if "example" in media:
        return copy.deepcopy(media["example"])
    raise LookupError(f"{what} has no example in the spec")


def which(method: str, path: str) -> Op | None:
    """The operation a request `method path` (no query) is for, as a server routes it."""
    found = [o for o in operations() if o.matches(method, path)]
    found.sort(key=lambda o: o.path.count("{"))
    return found[0] if found else None


def record(spec: Spec | None = None) -> Record:
    """The task record's fields by role, as the generator reads the spec (the project's, or
    the file of `spec`)."""
    return _record_of((spec or load_spec()).path)


def lifecycle(spec: Spec | None = None) -> Lifecycle:
    """The status words and how a task moves through them (`x-a2e-lifecycle`)."""
    return _task_spec((spec or load_spec()).path).lifecycle


@functools.cache
def _task_spec(path: Path | None) -> TaskSpec:
    from generator._parse import parse
    from generator._records import task_spec

    if path is None:
        raise ValueError("the task record is read from a spec file: this spec has none")
    return task_spec(parse(path))


@functools.cache
def _record_of(path: Path | None) -> Record:
    return _record(_task_spec(path))


def _record(tasks: TaskSpec) -> Record:
    fields = tuple(Field(f.name, f.python_name, f.when) for f in tasks.fields)
    roles: dict[str, tuple[Field, ...]] = {}
    for spec_field, field in zip(tasks.fields, fields, strict=True):
        roles[spec_field.source] = (*roles.get(spec_field.source, ()), field)
    named = [f for f in fields if f.attr == tasks.name_field] if tasks.name_field else []
    return Record(
        schema=tasks.record_schema,
        fields=fields,
        roles=roles,
        name_field=named[0] if named else None,
    )


@functools.cache
def _operations(spec: Spec) -> tuple[Op, ...]:
    declared = _declared_keywords(spec)
    found = []
    for operation in spec.operations:
        method = operation.method.upper()
        template = operation.path
        siblings = tuple(
            other.path
            for other in spec.operations
            if other.method == operation.method
            and "{" not in other.path
            and other.path != template
            and operation.pattern.fullmatch(other.path) is not None
        )
        found.append(
            Op(
                name=str(operation.definition.get(CLIENT) or operation.operation_id),
                operation_id=operation.operation_id,
                method=method,
                path=template,
                params=tuple(_params(spec, operation, declared)),
                literal_siblings=siblings,
                definition=operation.definition,
            )
        )
    return tuple(found)


def _params(spec: Spec, operation: Operation, declared: Mapping[str, str]) -> list[Param]:
    found = [
        Param(
            wire=str(p["name"]),
            where=str(p["in"]),
            keyword=_keyword(str(p["name"]), p, declared),
            required=bool(p.get("required", False)),
        )
        for p in spec.parameters(operation)
    ]
    for wire, prop, required in _body_properties(spec, operation):
        definition = prop if PYTHON_NAME in prop else spec.resolve(prop)
        found.append(Param(wire, "body", _keyword(wire, definition, declared), required))
    return found


def _body_properties(spec: Spec, operation: Operation) -> list[tuple[str, dict[str, Any], bool]]:
    body = spec.resolve(operation.definition.get("requestBody") or {})
    schema = spec.resolve(body.get("content", {}).get("application/json", {}).get("schema", {}))
    required = set(schema.get("required", []))
    return [
        (str(name), prop, name in required)
        for name, prop in (schema.get("properties") or {}).items()
    ]


def _declared_keywords(spec: Spec) -> dict[str, str]:
    """Wire name -> its `x-a2e-python-name`, wherever a parameter or body property says it
    (one wire name has one keyword everywhere)."""
    declared: dict[str, str] = {}
    for operation in spec.operations:
        for param in spec.parameters(operation):
            if PYTHON_NAME in param:
                declared[str(param["name"])] = str(param[PYTHON_NAME])
        for wire, prop, _ in _body_properties(spec, operation):
            definition = prop if PYTHON_NAME in prop else spec.resolve(prop)
            if isinstance(definition, dict) and PYTHON_NAME in definition:
                declared[wire] = str(definition[PYTHON_NAME])
    return declared


def _keyword(wire: str, definition: Any, declared: Mapping[str, str]) -> str:
    if isinstance(definition, dict) and PYTHON_NAME in definition:
        return str(definition[PYTHON_NAME])
    if wire in declared:
        return declared[wire]
    return _attribute_name(wire)


def _attribute_name(wire: str) -> str:
    from generator._names import attribute_name  # the generator's rule, imported when needed

    return attribute_name(wire)
