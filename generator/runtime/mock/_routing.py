"""Which targets a path reaches: Starlette's router, literal paths before templated ones."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Mapping

from starlette.routing import Route, Router
from starlette.types import Receive, Scope, Send

from ._http import Target

_PARAM = re.compile(r"\{([^{}]+)\}")

# Answers one request: the targets of its path by method (None: no such path), and the
# path's parameters under their spec names.
Serve = Callable[
    [Scope, Receive, Send, Mapping[str, Target] | None, dict[str, str]], Awaitable[None]
]


class PathEndpoint:
    """The ASGI endpoint of one path: hands the request and the path's targets to `serve`."""

    def __init__(self, serve: Serve, targets: Mapping[str, Target], names: Mapping[str, str]):
        self._serve = serve
        self._targets = targets
        self._names = names

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found: dict[str, str] = scope["path_params"]
        params = {self._names.get(k, k): v for k, v in found.items()} if found else found
        await self._serve(scope, receive, send, self._targets, params)


def spec_path(template: str) -> tuple[str, dict[str, str]]:
    """An OpenAPI path template as a Starlette path, and its parameter names.

    `/tasks/{task-id}` -> `/tasks/{p1}`, {"p1": "task-id"}: any spec name is allowed.
    """
    parts = _PARAM.split(template)
    names = {f"p{index}": part for index, part in enumerate(parts) if index % 2}
    path = "".join(f"{{p{index}}}" if index % 2 else part for index, part in enumerate(parts))
    return path, names


def router(
    paths: Iterable[tuple[str, Mapping[str, Target], Mapping[str, str]]], serve: Serve
) -> Router:
    """A router over (Starlette path, targets by method, parameter names) triples.

    Each path matches whatever the method, so `serve` answers 405 with every method of the
    path; a path without parameters wins over templated ones (OpenAPI), and fewer
    parameters over more. A path with trailing slashes is the path without them (callers
    write both; our choice, as most web frameworks do: A2E's rule is unknown). Anything else
    reaches `serve` with no targets (404).
    """
    ordered = sorted(paths, key=lambda path: path[0].count("{"))
    routes = [Route(path, PathEndpoint(serve, targets, names)) for path, targets, names in ordered]

    async def not_found(scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope["path"]
        if len(path) > 1 and path.endswith("/"):
            await routing({**scope, "path": path.rstrip("/") or "/"}, receive, send)
            return
        await serve(scope, receive, send, None, {})

    routing = Router(routes, redirect_slashes=False, default=not_found)
    return routing
