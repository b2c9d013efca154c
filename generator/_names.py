"""One wire name, one Python name: the attributes of models, the keywords of methods and
the options of the CLI.

A wire name's Python name is the one the spec declares with `x-a2e-python-name` (on a
parameter, a request body property or a schema property; every declaration of one wire
name must agree), else the wire name with its leading underscores dropped (`_id` -> `id`;
openapi-python-client would say `field_id`) in snake case. It is the same in every model,
request bodies included, and in every method; no keyword may shadow a builtin (`id`,
`type`, `list`, ...) or be a Python keyword, so such a wire name needs a declaration.
"""

from __future__ import annotations

import builtins
import keyword
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from openapi_python_client.parser import GeneratorData
from openapi_python_client.parser.properties import ModelProperty, Property
from openapi_python_client.parser.properties.union import UnionProperty
from openapi_python_client.strings import PythonIdentifier

PYTHON_NAME = "x-a2e-python-name"
# openapi-python-client's prefix for names that are not valid Python (e.g. `_id` -> `field_id`).
FIELD_PREFIX = "field_"
_RESERVED = frozenset(dir(builtins)) | frozenset(keyword.kwlist) | frozenset(keyword.softkwlist)


def wire_name(prop: Property) -> str:
    """The property's name on the wire (openapi-python-client wraps it in UntrustedString)."""
    name: Any = prop.name
    return str(name.get_untrusted_value() if hasattr(name, "get_untrusted_value") else name)


def attribute_name(wire: str) -> str:
    """`_id` -> `id`; otherwise openapi-python-client's snake case of the wire name."""
    stripped = wire.lstrip("_")
    if wire != stripped and stripped.isidentifier():
        return str(PythonIdentifier(stripped, FIELD_PREFIX))
    return str(PythonIdentifier(wire, FIELD_PREFIX))


def is_reserved(name: str) -> bool:
    """A builtin or a keyword of Python: never a method's keyword."""
    return name in _RESERVED


def apply_attribute_names(data: GeneratorData, names: PythonNames) -> None:
    """Name every property of every model by `names`, request bodies' models included
    (openapi-python-client keeps a separate copy of an inline body's model per endpoint)."""
    for model in _all_models(data):
        for prop in (*(model.required_properties or ()), *(model.optional_properties or ())):
            prop.python_name = PythonIdentifier(names.attribute(wire_name(prop)), FIELD_PREFIX)


def _all_models(data: GeneratorData) -> Iterator[ModelProperty]:
    seen: set[int] = set()
    roots: list[Any] = list(data.models)
    for collection in data.endpoint_collections_by_tag.values():
        for endpoint in collection.endpoints:
            roots += [body.prop for body in endpoint.bodies]
    while roots:
        prop = roots.pop()
        if id(prop) in seen:
            continue
        seen.add(id(prop))
        if isinstance(prop, UnionProperty):
            roots += prop.inner_properties
        if isinstance(prop, ModelProperty):
            yield prop
            roots += [*(prop.required_properties or ()), *(prop.optional_properties or ())]


@dataclass(frozen=True)
class Declared:
    """Where the spec declares a keyword, for messages."""

    keyword: str
    where: str


@dataclass
class PythonNames:
    """The Python name of each wire name, from the spec's `x-a2e-python-name` declarations."""

    declared: dict[str, Declared] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @classmethod
    def from_spec(cls, occurrences: Iterable[tuple[str, dict[str, Any], str]]) -> PythonNames:
        """`occurrences`: (wire name, its parameter or property definition, where) for every
        parameter and request body property of every operation, and every schema property."""
        names = cls()
        for wire, definition, where in occurrences:
            declared = definition.get(PYTHON_NAME)
            if declared is None:
                continue
            if (
                not isinstance(declared, str)
                or not declared.isidentifier()
                or is_reserved(declared)
            ):
                names.problems.append(
                    f"{where}: {PYTHON_NAME} must be a Python identifier that is not a builtin "
                    f"or keyword, got {declared!r}"
                )
                continue
            earlier = names.declared.setdefault(wire, Declared(declared, where))
            if earlier.keyword != declared:
                names.problems.append(
                    f"{where}: {PYTHON_NAME} {declared!r} for `{wire}`, but {earlier.where} "
                    f"says {earlier.keyword!r}: one wire name has one Python name"
                )
        return names

    def attribute(self, wire: str) -> str:
        """The attribute a model uses for `wire`."""
        found = self.declared.get(wire)
        return found.keyword if found is not None else attribute_name(wire)

    def keyword(self, wire: str, where: str) -> str:
        """The keyword a method uses for `wire`; a reserved one is recorded as a problem."""
        found = self.declared.get(wire)
        if found is not None:
            return found.keyword
        name = attribute_name(wire)
        if is_reserved(name):
            self.problems.append(
                f"{where}: the keyword for `{wire}` would be `{name}`, which shadows a Python "
                f"builtin or keyword: add `{PYTHON_NAME}: <name>` (e.g. a resource-specific "
                f"`task_{name}`) to it in the spec"
            )
        return name
