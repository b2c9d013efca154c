"""What a spec change does on the wire: every difference between two specs, classified.

A change is **breaking** when a client written against the old spec can fail against the
new one (a removed or renamed field, a new required request field, a narrowed type or
enum, a moved path, a removed operation), **additive** when it only adds (an operation, an
optional field, a status word: clients must take unknown words), and **docs** when only
text changes (descriptions, summaries, examples, evidence). What this module cannot
classify is reported as breaking, so that the gate errs on the safe side.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["breaking", "additive", "docs"]
Direction = Literal["request", "response"]
ORDER: dict[Kind, int] = {"docs": 0, "additive": 1, "breaking": 2}
RENAMED_FROM = "x-a2e-renamed-from"
_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
# Keys that only document: a change there is `docs`.
_TEXT = frozenset({"description", "summary", "title", "example", "examples", "x-evidence"})
_LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
_UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")
# Handled by their own rule (or by the Python surface), not by the generic fallback.
_STRUCTURE = frozenset(
    {"type", "enum", "const", "properties", "required", "items", "default", "format",
     "pattern", "allOf", "oneOf", "anyOf", "not", "additionalProperties", "nullable",
     *_LOWER_BOUNDS, *_UPPER_BOUNDS, *_TEXT}
)  # fmt: skip


@dataclass(frozen=True, order=True)
class Change:
    """One difference: its class, the level it shows at, where, and what changed."""

    kind: Kind
    level: Literal["wire", "python", "spec"]  # the API, the client's Python, an x- extension
    where: str
    what: str


def compare(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Every wire-level change from the spec `old` to the spec `new`.

    A component schema is compared once, under its name, in each direction it is used in
    (sent in requests, received in answers); operations compare only what they hold inline.
    """
    specs = _Specs(old, new)
    changes = [*_info(old, new), *_operations(specs), *_components(specs)]
    worst: dict[tuple[str, str, str], Change] = {}
    for change in changes:
        key = (change.level, change.where, change.what)
        if key not in worst or ORDER[change.kind] > ORDER[worst[key].kind]:
            worst[key] = change
    return sorted(worst.values(), key=lambda c: (-ORDER[c.kind], c.where, c.what))


def _change(kind: Kind, where: str, what: str) -> Change:
    return Change(kind, "wire", where, what)


class _Specs:
    """The two documents, and how to follow a `$ref` in each."""

    def __init__(self, old: dict[str, Any], new: dict[str, Any]) -> None:
        self.old, self.new = old, new

    @staticmethod
    def resolve(document: dict[str, Any], node: Any) -> Any:
        for _ in range(64):
            ref = node.get("$ref") if isinstance(node, dict) else None
            if not (isinstance(ref, str) and ref.startswith("#/")):
                return node
            target: Any = document
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        raise ValueError("the spec's $refs nest deeper than 64 levels (a cycle?)")


def _component(node: Any) -> str | None:
    """The name of `#/components/schemas/<name>` when `node` is a reference to it (with no
    other keywords than extensions beside it)."""
    ref = node.get("$ref") if isinstance(node, dict) else None
    prefix = "#/components/schemas/"
    only_ref = all(key == "$ref" or str(key).startswith("x-") for key in node or ())
    if isinstance(ref, str) and ref.startswith(prefix) and only_ref:
        return ref[len(prefix) :]
    return None


def _extension_kind(key: str, old: Any, new: Any) -> Kind:
    """The class of a change to an extension: what it changes for the packages' users."""
    if key in ("x-evidence", "x-a2e-mock"):  # the evidence; how the mock makes a value
        return "docs"
    if key == "x-a2e-python-name" or (old is not None and key == "x-a2e-cli"):
        return "breaking"  # a keyword or a command renamed
    return "additive"


def _extensions(
    where: str, old: dict[str, Any], new: dict[str, Any], keys: Iterable[str] | None = None
) -> Iterator[Change]:
    """Changes of the spec's extensions (what the toolkit reads), at level `spec`."""
    if keys is None:
        keys = {str(k) for k in (*old, *new) if str(k).startswith("x-")} - {RENAMED_FROM}
    for key in sorted(keys):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        kind = _extension_kind(key, before, after)
        if before is None or after is None:
            what = f"{key} {'added' if before is None else 'removed'}"
        elif isinstance(before, dict | list) or isinstance(after, dict | list):
            what = f"{key} changed"
        else:
            what = f"{key} {_shown(before, after)}"
        yield Change(kind, "spec", where, what)


def _refs(document: dict[str, Any], node: Any, found: set[str] | None = None) -> set[str]:
    """Every component schema reachable from `node`."""
    found = set() if found is None else found
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            name = ref.rsplit("/", 1)[-1] if ref.startswith("#/components/schemas/") else None
            if name is not None and name in found:
                return found
            if name is not None:
                found.add(name)
            _refs(document, _Specs.resolve(document, {"$ref": ref}), found)
        for key, value in node.items():
            if key != "$ref":
                _refs(document, value, found)
    elif isinstance(node, list):
        for item in node:
            _refs(document, item, found)
    return found


def _directions(document: dict[str, Any]) -> dict[str, set[Direction]]:
    """For each component schema: whether requests send it, answers carry it, or both."""
    used: dict[str, set[Direction]] = {}
    for _method, _path, op in _operations_of(document).values():
        for name in _refs(document, [op.get("parameters"), op.get("requestBody")]):
            used.setdefault(name, set()).add("request")
        for name in _refs(document, op.get("responses")):
            used.setdefault(name, set()).add("response")
    return used


def _components(specs: _Specs) -> Iterator[Change]:
    old_schemas = (specs.old.get("components") or {}).get("schemas") or {}
    new_schemas = (specs.new.get("components") or {}).get("schemas") or {}
    used = _directions(specs.old)
    for name, directions in _directions(specs.new).items():
        used.setdefault(name, set()).update(directions)
    for name in sorted(set(old_schemas) & set(new_schemas)):
        answered: set[Direction] = {"response"}  # an unused component: as if received
        for direction in sorted(used.get(name) or answered):
            yield from _schema(specs, name, old_schemas[name], new_schemas[name], direction)


def _info(old: dict[str, Any], new: dict[str, Any]) -> Iterator[Change]:
    old_servers = [s.get("url") for s in old.get("servers") or []]
    new_servers = [s.get("url") for s in new.get("servers") or []]
    if old_servers[:1] != new_servers[:1]:
        yield _change(
            "breaking", "servers", f"default server {old_servers[:1]} -> {new_servers[:1]}"
        )
    elif old_servers != new_servers:
        yield _change("additive", "servers", f"servers {old_servers} -> {new_servers}")
    old_info = {k: v for k, v in (old.get("info") or {}).items() if k != "x-a2e-package-version"}
    new_info = {k: v for k, v in (new.get("info") or {}).items() if k != "x-a2e-package-version"}
    for key in sorted(set(old_info) | set(new_info)):
        if old_info.get(key) == new_info.get(key):
            continue
        kind: Kind = "breaking" if key == "x-a2e-error-envelope" else "docs"
        if key == "x-a2e-max-body-bytes":
            kind = "breaking" if (new_info.get(key) or 0) < (old_info.get(key) or 0) else "additive"
        yield _change(kind, f"info.{key}", _shown(old_info.get(key), new_info.get(key)))
    old_security = (old.get("components") or {}).get("securitySchemes")
    new_security = (new.get("components") or {}).get("securitySchemes")
    if _without_text(old_security) != _without_text(new_security) or old.get("security") != new.get(
        "security"
    ):
        yield _change("breaking", "security", "how requests authenticate changed")
    old_tags = {t.get("name"): t for t in old.get("tags") or []}
    new_tags = {t.get("name"): t for t in new.get("tags") or []}
    for name in sorted(set(old_tags) | set(new_tags), key=str):
        before, after = old_tags.get(name), new_tags.get(name)
        if before == after:
            continue
        if before is None or after is None:
            yield _change("docs", f"tag {name}", "added" if before is None else "removed")
        elif before.get("x-a2e-behaviour") != after.get("x-a2e-behaviour"):
            kind = "additive" if before.get("x-a2e-behaviour") is None else "breaking"
            yield _change(kind, f"tag {name}", "x-a2e-behaviour changed")
        else:
            yield _change("docs", f"tag {name}", "description changed")


def _operations_of(document: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any]]]:
    found = {}
    for path, item in (document.get("paths") or {}).items():
        for method in _METHODS:
            op = item.get(method) if isinstance(item, dict) else None
            if isinstance(op, dict):
                found[str(op.get("operationId") or f"{method} {path}")] = (method, path, op)
    return found


def _operations(specs: _Specs) -> Iterator[Change]:
    before, after = _operations_of(specs.old), _operations_of(specs.new)
    for op_id in sorted(set(before) - set(after)):
        method, path, _ = before[op_id]
        yield _change("breaking", op_id, f"operation removed ({method.upper()} {path})")
    for op_id in sorted(set(after) - set(before)):
        method, path, _ = after[op_id]
        yield _change("additive", op_id, f"operation added ({method.upper()} {path})")
    for op_id in sorted(set(before) & set(after)):
        yield from _operation(specs, op_id, before[op_id], after[op_id])


def _operation(
    specs: _Specs,
    op_id: str,
    old: tuple[str, str, dict[str, Any]],
    new: tuple[str, str, dict[str, Any]],
) -> Iterator[Change]:
    (old_method, old_path, old_op), (new_method, new_path, new_op) = old, new
    if (old_method, old_path) != (new_method, new_path):
        yield _change(
            "breaking",
            op_id,
            f"moved: {old_method.upper()} {old_path} -> {new_method.upper()} {new_path}",
        )
    for key in ("summary", "description", "x-evidence"):
        if old_op.get(key) != new_op.get(key):
            yield _change("docs", op_id, f"{key} changed")
    if old_op.get("deprecated") != new_op.get("deprecated"):
        yield _change(
            "additive",
            op_id,
            f"deprecated: {_shown(old_op.get('deprecated'), new_op.get('deprecated'))}",
        )
    extensions = {str(k) for k in (*old_op, *new_op) if str(k).startswith("x-a2e-")}
    yield from _extensions(op_id, old_op, new_op, extensions)
    old_params = [specs.resolve(specs.old, p) for p in old_op.get("parameters") or []]
    new_params = [specs.resolve(specs.new, p) for p in new_op.get("parameters") or []]
    yield from _parameters(specs, op_id, old_params, new_params)
    old_body = specs.resolve(specs.old, old_op.get("requestBody"))
    new_body = specs.resolve(specs.new, new_op.get("requestBody"))
    yield from _request_body(specs, op_id, old_body, new_body)
    old_answers = {
        k: specs.resolve(specs.old, v) for k, v in (old_op.get("responses") or {}).items()
    }
    new_answers = {
        k: specs.resolve(specs.new, v) for k, v in (new_op.get("responses") or {}).items()
    }
    yield from _responses(specs, op_id, old_answers, new_answers)


def _parameters(specs: _Specs, op_id: str, old: list[Any], new: list[Any]) -> Iterator[Change]:
    before = {(p.get("in"), p.get("name")): p for p in old if isinstance(p, dict)}
    after = {(p.get("in"), p.get("name")): p for p in new if isinstance(p, dict)}
    for key in sorted(set(before) - set(after), key=str):
        yield _change("breaking", op_id, f"{key[0]} parameter {key[1]} removed")
    for key in sorted(set(after) - set(before), key=str):
        required = bool(after[key].get("required"))
        kind: Kind = "breaking" if required else "additive"
        yield _change(
            kind,
            op_id,
            f"{'required' if required else 'optional'} {key[0]} parameter {key[1]} added",
        )
    for key in sorted(set(before) & set(after), key=str):
        where = f"{op_id} {key[0]} parameter {key[1]}"
        old_param, new_param = before[key], after[key]
        if not old_param.get("required") and new_param.get("required"):
            yield _change("breaking", where, "now required")
        elif old_param.get("required") and not new_param.get("required"):
            yield _change("additive", where, "now optional")
        for text in ("description", "example", "examples"):
            if old_param.get(text) != new_param.get(text):
                yield _change("docs", where, f"{text} changed")
        for extension in ("x-a2e-python-name",):
            if old_param.get(extension) != new_param.get(extension):
                yield _change(
                    "breaking",
                    where,
                    f"{extension}: {_shown(old_param.get(extension), new_param.get(extension))}",
                )
        yield from _schema(
            specs, where, old_param.get("schema") or {}, new_param.get("schema") or {}, "request"
        )


def _request_body(specs: _Specs, op_id: str, old: Any, new: Any) -> Iterator[Change]:
    if old is None and new is None:
        return
    if old is None or new is None:
        kind: Kind = "breaking" if old is None and (new or {}).get("required") else "additive"
        if new is None:
            kind = "breaking"
        yield _change(kind, op_id, "request body added" if old is None else "request body removed")
        return
    if not old.get("required") and new.get("required"):
        yield _change("breaking", op_id, "request body now required")
    old_content, new_content = old.get("content") or {}, new.get("content") or {}
    for media in sorted(set(old_content) - set(new_content)):
        yield _change("breaking", op_id, f"request body {media} no longer accepted")
    for media in sorted(set(new_content) - set(old_content)):
        yield _change("additive", op_id, f"request body {media} now accepted")
    for media in sorted(set(old_content) & set(new_content)):
        old_schema = (old_content[media] or {}).get("schema") or {}
        new_schema = (new_content[media] or {}).get("schema") or {}
        yield from _schema(specs, f"{op_id} request", old_schema, new_schema, "request")
        if (old_content[media] or {}).get("examples") != (new_content[media] or {}).get("examples"):
            yield _change("docs", f"{op_id} request", "examples changed")


def _responses(
    specs: _Specs, op_id: str, old: dict[str, Any], new: dict[str, Any]
) -> Iterator[Change]:
    for status in sorted(set(old) - set(new)):
        yield _change("docs", op_id, f"response {status} no longer documented")
    for status in sorted(set(new) - set(old)):
        yield _change("additive", op_id, f"response {status} documented")
    for status in sorted(set(old) & set(new)):
        where = f"{op_id} response {status}"
        before, after = old[status] or {}, new[status] or {}
        if before.get("description") != after.get("description"):
            yield _change("docs", where, "description changed")
        if _without_text(before.get("headers")) != _without_text(after.get("headers")):
            yield _change("additive", where, "headers changed")
        old_content, new_content = before.get("content") or {}, after.get("content") or {}
        for media in sorted(set(old_content) - set(new_content)):
            yield _change("breaking", where, f"no longer answers {media}")
        for media in sorted(set(new_content) - set(old_content)):
            yield _change("breaking", where, f"now answers {media}")
        for media in sorted(set(old_content) & set(new_content)):
            old_media, new_media = old_content[media] or {}, new_content[media] or {}
            yield from _schema(
                specs,
                where,
                old_media.get("schema") or {},
                new_media.get("schema") or {},
                "response",
            )
            if old_media.get("examples") != new_media.get("examples"):
                yield _change("docs", where, "examples changed")
            if old_media.get("links") != new_media.get("links"):
                yield _change("docs", where, "links changed")


def _schema(
    specs: _Specs, where: str, old: Any, new: Any, direction: Direction
) -> Iterator[Change]:
    """Differences of two schemas, read as data sent (`request`) or received (`response`).

    A reference to the same component on both sides is compared with the components."""
    old_name, new_name = _component(old), _component(new)
    if old_name is not None and old_name == new_name:
        yield from _extensions(where, old, new)  # those beside the $ref
        return
    if old_name != new_name and (old_name or new_name):
        yield _change("docs", where, f"schema {old_name or 'inline'} -> {new_name or 'inline'}")
    old, new = specs.resolve(specs.old, old), specs.resolve(specs.new, new)
    if not isinstance(old, dict) or not isinstance(new, dict):
        if old != new:
            yield _change("breaking", where, "schema changed")
        return
    narrows: Kind = "breaking" if direction == "request" else "additive"
    widens: Kind = "additive" if direction == "request" else "breaking"
    old_types, new_types = _types(old), _types(new)
    if old_types != new_types and old_types and new_types:
        if new_types < old_types:
            yield _change(narrows, where, f"type {sorted(old_types)} -> {sorted(new_types)}")
        elif new_types > old_types:
            yield _change(widens, where, f"type {sorted(old_types)} -> {sorted(new_types)}")
        else:
            yield _change("breaking", where, f"type {sorted(old_types)} -> {sorted(new_types)}")
    yield from _enum(where, old, new, direction)
    yield from _bounds(where, old, new, direction)
    for key in ("format", "pattern"):
        if old.get(key) != new.get(key):
            kind: Kind = "breaking" if direction == "request" else "docs"
            yield _change(kind, where, f"{key} {_shown(old.get(key), new.get(key))}")
    if old.get("default") != new.get("default"):
        kind = "breaking" if direction == "request" else "docs"
        yield _change(kind, where, f"default {_shown(old.get('default'), new.get('default'))}")
    for key in ("description", "title", "example"):
        if old.get(key) != new.get(key):
            yield _change("docs", where, f"{key} changed")
    yield from _properties(specs, where, old, new, direction)
    if "items" in old or "items" in new:
        yield from _schema(
            specs, f"{where}[]", old.get("items") or {}, new.get("items") or {}, direction
        )
    for combiner in ("allOf", "oneOf", "anyOf"):
        old_parts, new_parts = old.get(combiner) or [], new.get(combiner) or []
        if len(old_parts) != len(new_parts):
            yield _change(
                "breaking", where, f"{combiner} has {len(new_parts)} parts, had {len(old_parts)}"
            )
            continue
        for a, b in zip(old_parts, new_parts, strict=True):
            yield from _schema(specs, where, a, b, direction)
    if _without_text(old.get("not")) != _without_text(new.get("not")):
        yield _change("breaking", where, "`not` changed")
    if old.get("additionalProperties", True) != new.get("additionalProperties", True):
        allowed = new.get("additionalProperties", True) is not False
        kind = widens if allowed else narrows
        yield _change(
            kind,
            where,
            f"additionalProperties {_shown(old.get('additionalProperties'), new.get('additionalProperties'))}",
        )
    yield from _extensions(where, old, new)
    for key in sorted((set(old) | set(new)) - _STRUCTURE, key=str):
        if old.get(key) == new.get(key) or str(key).startswith("x-"):
            continue
        kind = "docs" if key in _TEXT else "breaking"
        yield _change(kind, where, f"{key} {_shown(old.get(key), new.get(key))}")


def _types(schema: dict[str, Any]) -> set[str]:
    declared = schema.get("type")
    types = {declared} if isinstance(declared, str) else set(declared or [])
    if schema.get("nullable"):
        types.add("null")
    if "integer" in types and "number" in types:
        types.discard("integer")
    return types


def _enum(
    where: str, old: dict[str, Any], new: dict[str, Any], direction: Direction
) -> Iterator[Change]:
    before, after = old.get("enum"), new.get("enum")
    if before == after:
        return
    if before is None:
        kind: Kind = "breaking" if direction == "request" else "additive"
        yield _change(kind, where, f"now limited to {after}")
        return
    if after is None:
        kind = "additive" if direction == "request" else "breaking"
        yield _change(kind, where, f"no longer limited to {before}")
        return
    removed = [v for v in before if v not in after]
    added = [v for v in after if v not in before]
    if removed:
        yield _change("breaking", where, f"enum values removed: {removed}")
    if added:
        # A request accepts more; an answer may carry a new word, which clients must take.
        yield _change("additive", where, f"enum values added: {added}")


def _bounds(
    where: str, old: dict[str, Any], new: dict[str, Any], direction: Direction
) -> Iterator[Change]:
    for key in (*_LOWER_BOUNDS, *_UPPER_BOUNDS):
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        if direction == "response":
            yield _change("docs", where, f"{key} {_shown(a, b)}")
            continue
        lower = key in _LOWER_BOUNDS
        tighter = b is not None and (a is None or (b > a if lower else b < a))
        yield _change("breaking" if tighter else "additive", where, f"{key} {_shown(a, b)}")


def _properties(
    specs: _Specs, where: str, old: dict[str, Any], new: dict[str, Any], direction: Direction
) -> Iterator[Change]:
    before, after = old.get("properties") or {}, new.get("properties") or {}
    old_required, new_required = set(old.get("required") or []), set(new.get("required") or [])
    renamed = {
        str(prop[RENAMED_FROM]["name"]): name
        for name, prop in after.items()
        if isinstance(prop, dict)
        and isinstance(prop.get(RENAMED_FROM), dict)
        and prop[RENAMED_FROM].get("name") in before
        and prop[RENAMED_FROM].get("name") not in after
    }
    for name in sorted(set(before) - set(after)):
        if name in renamed:
            yield _change(
                "breaking", where,
                f"field {name} renamed to {renamed[name]} (the client keeps `{name}` as a deprecated alias)",
            )  # fmt: skip
            yield from _schema(
                specs, f"{where}.{renamed[name]}", before[name], after[renamed[name]], direction
            )
        else:
            yield _change("breaking", where, f"field {name} removed")
    for name in sorted(set(after) - set(before)):
        if name in renamed.values():
            continue
        required = name in new_required
        kind: Kind = "breaking" if direction == "request" and required else "additive"
        yield _change(kind, where, f"{'required' if required else 'optional'} field {name} added")
    for name in sorted(set(before) & set(after)):
        if name in old_required and name not in new_required:
            yield _change(
                "additive" if direction == "request" else "breaking",
                f"{where}.{name}",
                "now optional",
            )
        elif name not in old_required and name in new_required:
            yield _change(
                "breaking" if direction == "request" else "additive",
                f"{where}.{name}",
                "now required",
            )
        yield from _schema(specs, f"{where}.{name}", before[name], after[name], direction)


def _without_text(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _without_text(v) for k, v in node.items() if k not in _TEXT}
    if isinstance(node, list):
        return [_without_text(v) for v in node]
    return node


def _shown(old: Any, new: Any) -> str:
    return f"{old!r} -> {new!r}"
