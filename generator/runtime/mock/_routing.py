"""Which targets a path reaches: literal paths by lookup, then templated ones, fewest
parameters first (OpenAPI: a literal path wins over a templated one)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Mapping

from starlette.types import Receive, Scope, Send

from ._http import Target

_PARAM = re.compile(r"\{([^{}]+)\}")

# Answers one request: the targets of its path by method (None: no such path), and the
# path's parameters under their spec names.
Serve = Callable[
    [Scope, Receive, Send, Mapping[str, Target] | None, dict[str, str]], Awaitable[None]
]
Route = tuple[str, Mapping[str, Target], Mapping[str, str]]


def spec_path(template: str) -> tuple[str, dict[str, str]]:
    """An OpenAPI path template with its parameters renamed p1, p2, ..., and their names.

    `/tasks/{task-id}` -> `/tasks/{p1}`, {"p1": "task-id"}: any spec name is allowed.
    """
    parts = _PARAM.split(template)
    names = {f"p{index}": part for index, part in enumerate(parts) if index % 2}
    path = "".join(f"{{p{index}}}" if index % 2 else part for index, part in enumerate(parts))
    return path, names


class Router:
    """The mock's ASGI entry: finds the targets of a request's path and hands them to
    `serve` (each path matches whatever the method, so `serve` answers 405 naming the
    path's methods). A path with trailing slashes is the path without them (callers write
    both; our choice, as most web frameworks do: A2E's rule is unknown). Anything else
    reaches `serve` with no targets (404). A parameter matches one non-empty segment of
    the decoded path (`{name:path}`: the rest of it)."""

    def __init__(self, paths: Iterable[Route], serve: Serve) -> None:
        self._serve = serve
        self._literal: dict[str, Mapping[str, Target]] = {}
        templated: list[tuple[int, re.Pattern[str], Mapping[str, Target], Mapping[str, str]]] = []
        for path, targets, names in paths:
            if "{" not in path:
                self._literal[path] = targets
                continue
            pattern = re.compile(
                "".join(
                    _group(part) if index % 2 else re.escape(part)
                    for index, part in enumerate(_PARAM.split(path))
                )
            )
            templated.append((path.count("{"), pattern, targets, names))
        templated.sort(key=lambda route: route[0])  # stable: the spec's order otherwise
        self._templated = [(pattern, targets, names) for _, pattern, targets, names in templated]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            await self._http(scope, receive, send, scope["path"])
        elif kind == "lifespan":  # nothing to start or stop (see MockApp)
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
        # anything else (websockets) is not served: the connection closes unanswered

    async def _http(self, scope: Scope, receive: Receive, send: Send, path: str) -> None:
        targets = self._literal.get(path)
        if targets is not None:
            await self._serve(scope, receive, send, targets, {})
            return
        for pattern, targets, names in self._templated:
            found = pattern.fullmatch(path)
            if found is not None:
                params = {names.get(k, k): v for k, v in found.groupdict().items()}
                await self._serve(scope, receive, send, targets, params)
                return
        if len(path) > 1 and path.endswith("/"):
            await self._http(scope, receive, send, path.rstrip("/") or "/")
            return
        await self._serve(scope, receive, send, None, {})


def _group(parameter: str) -> str:
    """`{name}`: one segment; `{name:path}`: the rest of the path, slashes included."""
    name, _, kind = parameter.partition(":")
    return f"(?P<{name}>.+)" if kind == "path" else f"(?P<{name}>[^/]+)"
