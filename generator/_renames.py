"""Renamed fields (`x-a2e-renamed-from: {name, since}`): the client's deprecated aliases.

While the packages' major version is the one of `since`, each model that has the renamed
property keeps the former name as a read-only alias, and each method whose request body
has it accepts the former keyword; both emit `DeprecationWarning`. The next major version
drops them (which `python -m generator diff` reports as breaking).
"""

from __future__ import annotations

from dataclasses import dataclass

from packaging.version import Version

from generator._names import attribute_name, wire_name
from generator._parse import GenerationError, ParsedSpec

RENAMED_FROM = "x-a2e-renamed-from"


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
            str(name): prop[RENAMED_FROM]
            for name, prop in (schema.get("properties") or {}).items()
            if isinstance(prop, dict) and isinstance(prop.get(RENAMED_FROM), dict)
        }
        if not renamed:
            continue
        model = parsed.model_for(f"#/components/schemas/{schema_name}")
        fields = (*(model.required_properties or ()), *(model.optional_properties or ()))
        props = {wire_name(p): p for p in fields}
        kept = []
        for name, rename in renamed.items():
            since = Version(str(rename["since"]))
            if since > current:
                raise GenerationError(
                    f"{schema_name}.{name}: {RENAMED_FROM}.since {since} is later than the "
                    f"packages' version {current} (info.x-a2e-package-version)"
                )
            old = attribute_name(str(rename["name"]))
            if old in {str(p.python_name) for p in props.values()}:
                raise GenerationError(
                    f"{schema_name}.{name}: {RENAMED_FROM} names {rename['name']!r}, which the "
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
            rename = prop.get(RENAMED_FROM) if isinstance(prop, dict) else None
            if not isinstance(rename, dict) or Version(str(rename["since"])).major != current.major:
                continue
            where = f"{op.operation_id}: request body property {name}"
            old = parsed.keywords.keyword(str(rename["name"]), where)
            new = parsed.keywords.keyword(str(name), where)
            kept.append(KeywordAlias(old, new, f"{current.major + 1}.0.0"))
        if kept:
            found[op.operation_id] = tuple(kept)
    return found
