"""Which operation a method and path call: literal paths first, then templated ones."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ._context import Handler
from ._errors import ApiError
from ._operation import OperationSpec

_PARAM = re.compile(r"\{([^{}]+)\}")


@dataclass(frozen=True)
class Route:
    """An operation and the handler that answers it."""

    op: OperationSpec
    handler: Handler


class Router:
    """Matches requests to routes; ApiError 404 for an unknown path, 405 for a wrong method."""

    def __init__(self, routes: Iterable[Route]) -> None:
        self._literal: dict[str, dict[str, Route]] = {}
        templated: dict[str, dict[str, Route]] = {}
        for route in routes:
            table = templated if _PARAM.search(route.op.path) else self._literal
            table.setdefault(route.op.path, {})[route.op.method] = route
        self._templated = [
            (*_pattern(path), methods)
            for path, methods in sorted(templated.items(), key=lambda item: item[0].count("{"))
        ]

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]]:
        methods = self._literal.get(path)
        params: dict[str, str] = {}
        if methods is None:  # a literal path wins over templated ones (OpenAPI)
            for pattern, names, candidates in self._templated:
                found = pattern.fullmatch(path)
                if found is not None:
                    methods = candidates
                    params = {names[k]: v for k, v in found.groupdict().items()}
                    break
        if methods is None:
            raise ApiError(404, "path: no operation at this path")
        route = methods.get(method)
        if route is None:
            listed = ", ".join(sorted(methods))
            raise ApiError(
                405,
                f"method: {method} is not allowed here (allowed: {listed})",
                headers=((b"allow", listed.encode()),),
            )
        return route, params


def _pattern(template: str) -> tuple[re.Pattern[str], dict[str, str]]:
    """A regex for a path template, and its group names -> parameter names."""
    parts = _PARAM.split(template)
    names = {f"p{index}": part for index, part in enumerate(parts) if index % 2}
    regex = "".join(
        f"(?P<p{index}>[^/]+)" if index % 2 else re.escape(part) for index, part in enumerate(parts)
    )
    return re.compile(regex), names
