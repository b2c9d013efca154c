"""The hand-written spec, loaded once, and the look-ups that checks need."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
SPEC_PATH = REPO_ROOT / "openapi" / "a2e-dubbing.yaml"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


@dataclass(frozen=True)
class Operation:
    """One operation of the spec: where it lives and what it says."""

    method: str
    path: str
    operation_id: str
    definition: dict[str, Any]
    pattern: re.Pattern[str]

    def path_values(self, path: str) -> dict[str, str]:
        """The values of the path's `{parameters}` in `path` (empty when it does not match)."""
        found = self.pattern.fullmatch(path)
        if found is None:
            return {}
        return {
            name[1:-1]: found.group(_group(name[1:-1]))
            for name in re.findall(r"\{[^}]+\}", self.path)
        }

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path} ({self.operation_id})"


class Spec:
    """An OpenAPI document with `$ref` resolution and operation matching."""

    def __init__(self, document: dict[str, Any], *, path: Path | None = None) -> None:
        self.document = document
        self.path = path
        self.operations = tuple(_operations(document))

    @classmethod
    def load(cls, path: Path = SPEC_PATH) -> Spec:
        with path.open("rb") as stream:
            document = yaml.load(stream, Loader=_LOADER)  # noqa: S506 - a safe loader
        if not isinstance(document, dict):
            raise ValueError(f"{path}: not an OpenAPI document")
        return cls(document, path=path)

    def resolve(self, node: Any) -> Any:
        """Follow local `$ref`s (`#/...`) until a node without one is reached."""
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen:
                raise ValueError(f"circular $ref {ref}")
            seen.add(ref)
            node = self.pointer(ref)
        return node

    def pointer(self, ref: str) -> Any:
        if not ref.startswith("#/"):
            raise ValueError(f"only local $refs are supported, got {ref!r}")
        node: Any = self.document
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    @property
    def servers(self) -> tuple[str, ...]:
        """The URLs of the spec's `servers`."""
        return tuple(s["url"] for s in self.document.get("servers", ()) if "url" in s)

    def serves(self, url: str) -> bool:
        """Whether `url` is on one of the spec's servers (same scheme, host and port)."""
        return _origin(url) in {_origin(server) for server in self.servers}

    def operation(self, operation_id: str) -> Operation:
        for op in self.operations:
            if op.operation_id == operation_id:
                return op
        raise KeyError(operation_id)

    def match(self, method: str, path: str) -> Operation | None:
        """The operation serving `method path`; literal paths win over templated ones."""
        candidates = [
            op
            for op in self.operations
            if op.method == method.lower() and op.pattern.fullmatch(path) is not None
        ]
        candidates.sort(key=lambda op: op.path.count("{"))
        return candidates[0] if candidates else None

    def parameters(self, op: Operation) -> list[dict[str, Any]]:
        path_item = self.document["paths"][op.path]
        params = [self.resolve(p) for p in path_item.get("parameters", [])]
        own = [self.resolve(p) for p in op.definition.get("parameters", [])]
        names = {(p["name"], p["in"]) for p in own}
        return [p for p in params if (p["name"], p["in"]) not in names] + own

    def response(self, op: Operation, status: int) -> tuple[str, dict[str, Any]] | None:
        """The documented response for `status` (exact code, then `5XX`-style range, then default)."""
        responses: dict[str, Any] = op.definition.get("responses", {})
        for key in (str(status), f"{str(status)[0]}XX", "default"):
            if key in responses:
                return key, self.resolve(responses[key])
        return None


def snake_case(name: str) -> str:
    """`operationId`/`camelCase` -> `snake_case`, as Python names of spec names."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def _operations(document: dict[str, Any]) -> list[Operation]:
    found = []
    for path, item in document.get("paths", {}).items():
        for method in HTTP_METHODS:
            if method in item:
                definition = item[method]
                found.append(
                    Operation(
                        method=method,
                        path=path,
                        operation_id=definition["operationId"],
                        definition=definition,
                        pattern=_path_pattern(path),
                    )
                )
    return found


def _path_pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    regex = "".join(
        f"(?P<{_group(p[1:-1])}>[^/]+)" if p.startswith("{") else re.escape(p) for p in parts
    )
    return re.compile(regex)


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, parts.hostname or "", parts.port or _DEFAULT_PORTS.get(scheme)


def _group(name: str) -> str:
    return "p_" + re.sub(r"\W", "_", name)


@functools.cache
def load_spec() -> Spec:
    """The project's spec, parsed once per process."""
    return Spec.load(SPEC_PATH)
