"""What the mock knows about one operation of the spec (instances live in `_spec`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ParamSpec:
    """One path or query parameter: its wire name, JSON schema and default."""

    name: str
    location: str  # "path" | "query"
    required: bool
    schema: Mapping[str, Any]
    default: Any = None


@dataclass(frozen=True)
class BodySpec:
    """The JSON request body of an operation."""

    required: bool
    schema: Mapping[str, Any]
    defaults: Mapping[str, Any] = field(default_factory=dict)
    url_fields: tuple[str, ...] = ()  # top-level fields that must be absolute URLs with a host
    # top-level fields whose values the spec lists (x-a2e-values-from) -> why one is refused
    listed: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class OperationSpec:
    """An operation: route, inputs and the statuses the spec documents for it."""

    operation_id: str
    method: str  # upper case
    path: str  # the spec's template, e.g. /api/v1/userDubbing/{_id}
    params: tuple[ParamSpec, ...]
    body: BodySpec | None
    statuses: frozenset[str]  # documented response keys: "200", "404", "5XX", ...

    def documents(self, status: int) -> bool:
        """Whether the spec documents `status` for this operation (exactly or as `NXX`)."""
        return str(status) in self.statuses or f"{status // 100}XX" in self.statuses
