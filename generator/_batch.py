"""What the client's batch (`client.dubbing.batch`, `a2e-dubbing batch`) reads of the spec.

Rendered into the client's `_batch_spec.py` (template `_batch_spec.py.jinja`): the `Job`
dataclass, whose fields are the keywords of the operation that starts a task (the `tasks`
tag's operation with `x-a2e-recover`), and the keywords the batch fills itself:

- the source: the one URL field (`format: uri`) among `x-a2e-recover.match`; a local file
  given there is uploaded once and its URL sent;
- the name: `x-a2e-recover.unique`, which the batch makes unique per job and attempt, so
  that the client's look-up of a lost start stays exact;
- the split: the other `match` fields (the target language), the middle of each job's file
  name (`<stem>.<split>.<ext>`);

and, when the spec marks them, the balance that tasks spend (`x-a2e-balance`) and how long
a result URL stays valid (`x-a2e-expires-after`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from openapi_python_client.schema.untrusted_string import UntrustedString

from generator._names import wire_name
from generator._parse import GenerationError, ParsedSpec
from generator._records import result_lifetime, task_spec

if TYPE_CHECKING:
    from generator._client import Method, Resource

BALANCE = "x-a2e-balance"
UPLOAD_METHOD = "upload"  # what x-a2e-presign adds to its resource (runtime `_upload` mixins)
SOURCE_ANNOTATION = "str | os.PathLike[str]"  # a URL, or a local file to upload


@dataclass(frozen=True)
class JobField:
    """One field of `Job`: a keyword of the start."""

    name: str
    annotation: str
    default: str | None  # Python code; None when required
    doc: UntrustedString


@dataclass(frozen=True)
class BatchView:
    """Everything `_batch_spec.py.jinja` renders."""

    resource: str  # the client's resource of tasks, e.g. "dubbing"
    start: str  # its method that starts a task, e.g. "start"
    fields: tuple[JobField, ...]
    source: str  # keyword of the source URL ("": none, or more than one)
    name: str  # keyword of the unique name ("": the start has none)
    split: tuple[str, ...]  # the other identifying keywords
    upload: tuple[str, str] | None  # (resource, method) that uploads a local source
    match: tuple[tuple[str, str], ...]  # (keyword, record attribute) of x-a2e-recover.match
    balance: tuple[str, str, str] | None  # (resource, method, attribute), or None
    result_lifetime: int | None  # seconds, or None


def batch_view(parsed: ParsedSpec, resources: tuple[Resource, ...]) -> BatchView | None:
    """The batch's view of the spec; None when no client method starts a task. Without
    `x-a2e-recover` (with `unique`), or without one source field, the view says so (`name`,
    `source` or `match` empty) and the batch refuses to run rather than guess."""
    spec = task_spec(parsed)
    found = [
        (resource, method)
        for resource in resources
        for method in resource.methods
        if method.operation_id == spec.start.operation_id
    ]
    if not found:
        return None
    resource, start = found[0]
    recover = start.recover
    match = recover.match if recover is not None else ()
    urls = set(spec.url_fields)
    by_keyword = {p.name: p for p in start.params}
    sources = [p.name for p in start.params if p.upload] or [
        f.param for f in match if by_keyword[f.param].wire in urls
    ]
    source = sources[0] if len(sources) == 1 else None
    uploader = by_keyword[source].upload if source is not None else None
    upload = next(
        ((r.name, UPLOAD_METHOD) for r in resources if r.presign and r.class_name == uploader),
        None,
    )
    name = recover.unique if recover is not None else None
    fields = tuple(
        JobField(
            name=str(p.name),
            annotation=SOURCE_ANNOTATION if p.name == source else p.annotation,
            default=p.default,
            doc=_first_sentence(p.description),
        )
        for p in start.params
    )
    return BatchView(
        resource=resource.name,
        start=start.name,
        fields=fields,
        source=source or "",
        name=name or "",
        split=tuple(f.param for f in match if f.param not in (source, name)),
        upload=upload,
        match=tuple((f.param, f.attribute) for f in match),
        balance=_balance(parsed, resources),
        result_lifetime=result_lifetime(parsed),
    )


def _first_sentence(text: Any) -> UntrustedString:
    raw = text.get_untrusted_value() if isinstance(text, UntrustedString) else str(text or "")
    words = " ".join(raw.split())
    end = words.find(". ")
    return UntrustedString(words if end < 0 else words[: end + 1])


def _balance(parsed: ParsedSpec, resources: tuple[Resource, ...]) -> tuple[str, str, str] | None:
    """The client method and attribute of the property marked `x-a2e-balance`."""
    marked = []
    for resource in resources:
        for method in resource.methods:
            attribute = _balance_attribute(parsed, method)
            if attribute is not None:
                marked.append((resource.name, method.name, attribute))
    if len(marked) > 1:
        shown = ", ".join(f"{r}.{m}().{a}" for r, m, a in marked)
        raise GenerationError(f"{BALANCE} marks more than one balance: {shown}")
    return marked[0] if marked else None


def _balance_attribute(parsed: ParsedSpec, method: Method) -> str | None:
    if method.returns.model is None or method.returns.many:
        return None
    schemas = parsed.document.get("components", {}).get("schemas", {})
    for schema_name, model in parsed.models_by_schema.items():
        schema = schemas.get(schema_name)
        if str(model.class_info.name) != method.returns.model or not isinstance(schema, dict):
            continue
        for wire, node in (schema.get("properties") or {}).items():
            if isinstance(node, dict) and node.get(BALANCE) is True:
                props = (*(model.required_properties or ()), *(model.optional_properties or ()))
                return next(str(p.python_name) for p in props if wire_name(p) == wire)
    return None
