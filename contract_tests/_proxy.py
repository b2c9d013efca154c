"""A recording proxy: forwards every request to the upstream server and saves the exchange."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contract_tests._recorder import KEPT_HEADERS, record
from contract_tests._spec import Spec

_FORWARDED = ("authorization", "content-type", "accept", "x-mock-fault")


def proxy_app(upstream: str, folder: Path, spec: Spec) -> Starlette:
    """An ASGI app that forwards to `upstream` and records into `folder`."""
    client = httpx.AsyncClient(base_url=upstream, timeout=120.0)

    async def forward(request: Request) -> Response:
        headers = {k: v for k, v in request.headers.items() if k in _FORWARDED}
        answer = await client.request(
            request.method,
            request.url.path,
            params=list(request.query_params.multi_items()),
            content=await request.body(),
            headers=headers,
        )
        record(
            answer,
            origin=upstream,
            api_key=headers.get("authorization", "").removeprefix("Bearer ").strip(),
            description=f"{request.method} {request.url.path}, recorded by a2e-conformance proxy",
            folder=folder,
            spec=spec,
        )
        kept = {k: answer.headers[k] for k in KEPT_HEADERS if k in answer.headers}
        return Response(answer.content, status_code=answer.status_code, headers=kept)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await client.aclose()

    methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]
    return Starlette(routes=[Route("/{path:path}", forward, methods=methods)], lifespan=lifespan)


def serve(upstream: str, folder: Path, spec: Spec, host: str, port: int) -> None:
    """Serve the proxy until interrupted; prints `Listening on http://HOST:PORT` when ready."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound_port = sock.getsockname()[1]
    config = uvicorn.Config(proxy_app(upstream, folder, spec), log_level="warning")
    server = uvicorn.Server(config)
    print(f"Listening on http://{host}:{bound_port}", flush=True)
    server.run(sockets=[sock])
