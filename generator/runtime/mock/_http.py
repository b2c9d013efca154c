"""The mock's HTTP on Starlette: reading a request, answering in A2E's envelope, dropping."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

import orjson
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from ._errors import ApiError, ConnectionDropped
from ._faults import HEADER as FAULT_HEADER
from ._ids import trace_id
from ._operation import OperationSpec
from ._spec import MAX_BODY_BYTES

# Set by the server (see `_server`): closes the connection with a TCP reset.
ABORT_EXTENSION = "a2e_dubbing_mock.abort"
MAX_BODY = MAX_BODY_BYTES  # the spec's info.x-a2e-max-body-bytes
JSON = "application/json"
_JSON = JSON.encode()
_FAULT = FAULT_HEADER.encode()
_HOST = re.compile(r"(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?")


class JSONResponse:
    """An answer with a JSON body made beforehand: two ASGI messages, headers made once
    (Starlette's Response does more work per answer than the mock needs)."""

    __slots__ = ("body", "raw_headers", "status_code")

    def __init__(self, body: bytes, status_code: int = 200) -> None:
        self.body = body
        self.status_code = status_code
        self.raw_headers = [(b"content-type", _JSON), (b"content-length", b"%d" % len(body))]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers}
        )
        await send({"type": "http.response.body", "body": self.body})


class Reply(NamedTuple):
    """What to answer (None: drop the connection) and the outcome for the access log."""

    response: Response | JSONResponse | None
    outcome: str


Answer = Callable[[Request, dict[str, str]], Awaitable[Reply]]


@dataclass(frozen=True, slots=True)
class Target:
    """What answers one method at one path, and its name in the access log."""

    label: str
    answer: Answer  # called with the request and its path parameters
    op: OperationSpec | None = None  # an operation of the spec: its statuses are documented


class Heads(NamedTuple):
    """The request headers the mock reads, found in one pass over the raw list."""

    host: str = ""
    authorization: bytes | None = None
    authorizations: int = 0  # how many Authorization headers came (one is accepted)
    fault: str | None = None  # X-Mock-Fault


def heads(scope: Scope) -> Heads:
    host = ""
    authorization = fault = None
    count = 0
    for name, value in scope["headers"]:
        if name == b"host":
            host = value.decode("latin-1")
        elif name == b"authorization":
            authorization = value
            count += 1
        elif name == _FAULT:
            fault = value.decode("latin-1")
    return Heads(host, authorization, count, fault)


def base_url(request: Request, host: str | None = None) -> str:
    """How the client reached us: its Host header (`host`, when read already) when
    well-formed, else our address."""
    scope = request.scope
    scheme = scope.get("scheme", "http")
    if host is None:
        host = request.headers.get("host", "")
    if _HOST.fullmatch(host):
        return f"{scheme}://{host}"
    server = scope.get("server") or ("127.0.0.1", 80)
    name = f"[{server[0]}]" if ":" in str(server[0]) else str(server[0])
    return f"{scheme}://{name}:{server[1]}"


async def read_body(request: Request, limit: int = MAX_BODY) -> bytes:
    """The whole body; ApiError 413 as soon as it is known to exceed `limit` bytes.

    Starlette's ClientDisconnect when the client goes away before it is all sent.
    """
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    chunks: list[bytes] = []
    size = 0
    receive = request.receive
    while True:  # the ASGI messages themselves: one, usually
        message = await receive()
        if message["type"] != "http.request":  # http.disconnect
            raise ClientDisconnect()
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def has_body(request: Request) -> bool:
    length = request.headers.get("content-length")
    if length is not None:
        return length.strip() not in ("", "0")
    return "transfer-encoding" in request.headers


def _too_large(limit: int) -> ApiError:
    return ApiError(
        413,
        f"request body: is larger than {limit} bytes",
        headers=((b"connection", b"close"),),
    )


def data_response(data: Any) -> JSONResponse:
    """HTTP 200 with the success envelope `{code: 0, data, trace_id}`."""
    return JSONResponse(orjson.dumps({"code": 0, "data": data, "trace_id": trace_id()}))


def error_response(status: int, code: int, error: ApiError) -> JSONResponse:
    """The error envelope `{code, msg, trace_id}` with HTTP `status`."""
    body = orjson.dumps({"code": code, "msg": error.msg, "trace_id": trace_id()})
    response = JSONResponse(body, status)
    response.raw_headers.extend(error.headers)
    return response


def file_response(request: Request, content: bytes, media_type: str) -> Response:
    """`content` (GET), or only its headers (HEAD)."""
    if request.method == "HEAD":
        length = {"content-length": str(len(content))}
        return Response(b"", headers=length, media_type=media_type)
    return Response(content, media_type=media_type)


async def drop(request: Request) -> None:
    """Close the connection without an answer (a TCP reset); in-process, raise instead."""
    abort: Callable[[], None] | None = request.scope.get("extensions", {}).get(ABORT_EXTENSION)
    if abort is None:
        raise ConnectionDropped("X-Mock-Fault: the connection was dropped")
    abort()
    while (await request.receive())["type"] != "http.disconnect":
        pass
