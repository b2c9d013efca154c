"""A recording proxy: forwards every request to the upstream server, answers with upstream's
answer and saves the exchange. A recording that cannot be saved (refused by the scrubber,
a full disk...) is dropped with a warning: the caller still gets the answer of the work
upstream already did."""

from __future__ import annotations

import contextlib
import json
import logging
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contract_tests._recorder import KEPT_HEADERS, record
from contract_tests._scrub import Scrubber
from contract_tests._spec import Spec

_FORWARDED = ("authorization", "content-type", "accept", "x-mock-fault")
_LOG = logging.getLogger("a2e_conformance.proxy")


def proxy_app(upstream: str, folder: Path, spec: Spec) -> Starlette:
    """An ASGI app that forwards to `upstream` and records into `folder`; prints a line
    per exchange recorded (method, path, status, file)."""
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
        try:
            saved = await run_in_threadpool(
                record,
                answer,
                origin=upstream,
                api_key="",  # the request's Authorization header is scrubbed by value
                description=f"{request.method} {request.url.path}, recorded by a2e-conformance proxy",
                folder=folder,
                spec=spec,
            )
        except Exception as error:  # upstream's answer goes back whatever happens here
            _LOG.warning(
                "recording dropped: %s %s answered %s: %s",
                request.method,
                _template(spec, request.method, request.url.path),
                answer.status_code,
                _reason(error),
            )
        else:
            path = json.loads(saved.read_text(encoding="utf-8"))["request"]["path"]
            print(f"recorded {request.method} {path} {answer.status_code} -> {saved}", flush=True)
        kept = {k: answer.headers[k] for k in KEPT_HEADERS if k in answer.headers}
        return Response(answer.content, status_code=answer.status_code, headers=kept)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await client.aclose()

    methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]
    return Starlette(routes=[Route("/{path:path}", forward, methods=methods)], lifespan=lifespan)


def _template(spec: Spec, method: str, path: str) -> str:
    """The spec's path of the operation at `path` (no values: nothing secret in it)."""
    op = spec.match(method, path)
    return op.path if op else "(a path the spec does not have)"


def _reason(error: Exception) -> str:
    """Why a recording was dropped, without a secret: the recorder's own refusals and
    file-system errors say why; anything else is named by its type only."""
    if isinstance(error, ValueError | OSError):
        return Scrubber().text(str(error))
    return f"{type(error).__name__} in the recorder"


def serve(upstream: str, folder: Path, spec: Spec, host: str, port: int) -> None:
    """Serve the proxy until interrupted; prints `Listening on http://HOST:PORT` when ready."""
    import uvicorn

    logging.basicConfig(format="a2e-conformance proxy: %(message)s")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound_port = sock.getsockname()[1]
    config = uvicorn.Config(proxy_app(upstream, folder, spec), log_level="warning")
    server = uvicorn.Server(config)
    print(f"Listening on http://{host}:{bound_port}", flush=True)
    server.run(sockets=[sock])
