"""The mock's HTTP on Starlette: reading a request, answering in A2E's envelope, dropping."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

import orjson
from starlette.requests import Request
from starlette.responses import Response

from ._errors import ApiError, ConnectionDropped
from ._ids import trace_id
from ._operation import OperationSpec
from ._spec import MAX_BODY_BYTES

# Set by the server (see `_server`): closes the connection with a TCP reset.
ABORT_EXTENSION = "a2e_dubbing_mock.abort"
MAX_BODY = MAX_BODY_BYTES  # the spec's info.x-a2e-max-body-bytes
JSON = "application/json"
_HOST = re.compile(r"(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?")


class Reply(NamedTuple):
    """What to answer (None: drop the connection) and the outcome for the access log."""

    response: Response | None
    outcome: str


Answer = Callable[[Request, dict[str, str]], Awaitable[Reply]]


@dataclass(frozen=True, slots=True)
class Target:
    """What answers one method at one path, and its name in the access log."""

    label: str
    answer: Answer  # called with the request and its path parameters
    op: OperationSpec | None = None  # an operation of the spec: its statuses are documented


def base_url(request: Request) -> str:
    """How the client reached us: its Host header when well-formed, else our address."""
    scope = request.scope
    scheme = scope.get("scheme", "http")
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
    stream = request.stream()
    async for chunk in stream:
        size += len(chunk)
        if size > limit:
            await stream.aclose()
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


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


def data_response(data: Any) -> Response:
    """HTTP 200 with the success envelope `{code: 0, data, trace_id}`."""
    body = orjson.dumps({"code": 0, "data": data, "trace_id": trace_id()})
    return Response(body, media_type=JSON)


def error_response(status: int, code: int, error: ApiError) -> Response:
    """The error envelope `{code, msg, trace_id}` with HTTP `status`."""
    body = orjson.dumps({"code": code, "msg": error.msg, "trace_id": trace_id()})
    response = Response(body, status_code=status, media_type=JSON)
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
