"""Renamed fields: the client's deprecated aliases.

A field renamed on the wire (`x-a2e-renamed-from: {name, since}`, `name` the former wire
name), or only in Python (`x-a2e-python-renamed-from: {name, since}`, `name` the former
attribute or keyword): while the packages' major version is the one of `since`, each model
that has the property keeps the former name as a read-only alias, and each method whose
request body has it accepts the former keyword; both emit `DeprecationWarning`. The next
major version drops them (which `python -m generator diff` reports as breaking).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from packaging.version import Version

from generator._names import wire_name
from generator._parse import GenerationError, ParsedSpec

RENAMED_FROM = "x-a2e-renamed-from"
PYTHON_RENAMED_FROM = "x-a2e-python-renamed-from"


@dataclass(frozen=True)
class _Former:
    """A renamed property's former name: on the wire (`wire`), or in Python only."""

    name: str
    wire: bool
    since: Version


def _former(prop: Any) -> _Former | None:
    for key in (RENAMED_FROM, PYTHON_RENAMED_FROM):
        rename = prop.get(key) if isinstance(prop, dict) else None
        if isinstance(rename, dict):
            return _Former(str(rename["name"]), key == RENAMED_FROM, Version(str(rename["since"])))
    return None


@dataclass(frozen=True)
class Alias:
    """The former attribute `old` of a model, now `new`."""

    old: str
    new: str
    annotation: str
    since: str
    removed_in: str


def aliases(parsed: ParsedSpec, version: str) -> dict[str, tuple[Alias, ...]]:
    """The aliases each model class keeps, by class name."""
    schemas = parsed.document.get("components", {}).get("schemas", {})
    current = Version(version)
    found: dict[str, tuple[Alias, ...]] = {}
    for schema_name, schema in schemas.items():
        renamed = {
            str(name): former
            for name, prop in (schema.get("properties") or {}).items()
            if (former := _former(prop)) is not None
        }
        if not renamed:
            continue
        model = parsed.model_for(f"#/components/schemas/{schema_name}")
        fields = (*(model.required_properties or ()), *(model.optional_properties or ()))
        props = {wire_name(p): p for p in fields}
        kept = []
        for name, former in renamed.items():
            since = former.since
            old = parsed.names.attribute(former.name) if former.wire else former.name
            if since > current:
                raise GenerationError(
                    f"{schema_name}.{name}: {RENAMED_FROM}.since {since} is later than the "
                    f"packages' version {current} (info.x-a2e-package-version)"
                )
            if old in {str(p.python_name) for p in props.values()}:
                raise GenerationError(
                    f"{schema_name}.{name}: {RENAMED_FROM} names {old!r}, which the "
                    "schema still has"
                )
            if since.major != current.major:
                continue  # the major version after the rename: the alias is gone
            prop = props[name]
            annotation = prop.get_type_string().as_unembedded_code()
            removed_in = f"{since.major + 1}.0.0"
            kept.append(Alias(old, str(prop.python_name), annotation, str(since), removed_in))
        found[str(model.class_info.name)] = tuple(kept)
    return found


@dataclass(frozen=True)
class KeywordAlias:
    """The former keyword `old` of a method, now `new`."""

    old: str
    new: str
    removed_in: str


def keyword_aliases(parsed: ParsedSpec, version: str) -> dict[str, tuple[KeywordAlias, ...]]:
    """The former keywords each operation's method still accepts, by operationId."""
    current = Version(version)
    found: dict[str, tuple[KeywordAlias, ...]] = {}
    for op in parsed.operations:
        body = parsed.resolve(op.definition.get("requestBody") or {})
        schema = parsed.resolve(
            body.get("content", {}).get("application/json", {}).get("schema", {})
        )
        kept = []
        for name, prop in (schema.get("properties") or {}).items():
            where = f"{op.operation_id}: request body property {name}"
            former = _former(prop)
            if former is None or former.since.major != current.major:
                continue
            old = parsed.names.keyword(former.name, where) if former.wire else former.name
            new = parsed.names.keyword(str(name), where)
            kept.append(KeywordAlias(old, new, f"{current.major + 1}.0.0"))
        if kept:
            found[op.operation_id] = tuple(kept)
    return found
