"""The ASGI side: reading a request, answering in A2E's envelope, dropping a connection."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import orjson

from ._errors import ApiError, ClientGone, ConnectionDropped
from ._ids import trace_id
from ._spec import MAX_BODY_BYTES

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Abort = Callable[[], None]

# Set by the server (see `_server`): closes the connection with a TCP reset.
ABORT_EXTENSION = "a2e_dubbing_mock.abort"
MAX_BODY = MAX_BODY_BYTES  # the spec's info.x-a2e-max-body-bytes
JSON = b"application/json"
_WANTED = frozenset(
    (
        b"authorization",
        b"content-length",
        b"content-type",
        b"host",
        b"transfer-encoding",
        b"x-mock-fault",
    )
)
_HOST = re.compile(r"(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?")


class Request:
    """One HTTP request: the headers the mock reads, its path and its body."""

    __slots__ = ("headers", "method", "path", "query", "receive", "scope")

    def __init__(self, scope: Scope, receive: Receive) -> None:
        self.scope = scope
        self.receive = receive
        self.method: str = scope["method"]
        self.path: str = scope["path"]
        self.query: bytes = scope.get("query_string", b"")
        self.headers: dict[bytes, bytes] = {
            name: value for name, value in scope["headers"] if name in _WANTED
        }

    def base_url(self) -> str:
        """How the client reached us: its Host header when well-formed, else our address."""
        scheme = self.scope.get("scheme", "http")
        host = self.headers.get(b"host", b"").decode("latin-1")
        if _HOST.fullmatch(host):
            return f"{scheme}://{host}"
        server = self.scope.get("server") or ("127.0.0.1", 80)
        name = f"[{server[0]}]" if ":" in str(server[0]) else str(server[0])
        return f"{scheme}://{name}:{server[1]}"

    async def body(self, limit: int = MAX_BODY) -> bytes:
        """The whole body, read in chunks; ApiError 413 as soon as it exceeds `limit`."""
        declared = self.headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            raise _too_large(limit)
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await self.receive()
            if message["type"] == "http.disconnect":
                raise ClientGone
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise _too_large(limit)
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    def has_body(self) -> bool:
        length = self.headers.get(b"content-length")
        if length is not None:
            return length.strip() not in (b"", b"0")
        return b"transfer-encoding" in self.headers


def _too_large(limit: int) -> ApiError:
    return ApiError(
        413,
        f"request body: is larger than {limit} bytes",
        headers=((b"connection", b"close"),),
    )


async def send_raw(
    send: Send,
    status: int,
    body: bytes,
    *,
    content_type: bytes = JSON,
    headers: tuple[tuple[bytes, bytes], ...] = (),
    head: bool = False,
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": b"" if head else body})


async def send_data(send: Send, data: Any) -> None:
    """HTTP 200 with the success envelope `{code: 0, data, trace_id}`."""
    await send_raw(send, 200, orjson.dumps({"code": 0, "data": data, "trace_id": trace_id()}))


async def send_error(send: Send, status: int, code: int, error: ApiError) -> None:
    """The error envelope `{code, msg, trace_id}` with HTTP `status`."""
    body = orjson.dumps({"code": code, "msg": error.msg, "trace_id": trace_id()})
    await send_raw(send, status, body, headers=error.headers)


async def drop(request: Request) -> None:
    """Close the connection without an answer (a TCP reset); in-process, raise instead."""
    abort: Abort | None = request.scope.get("extensions", {}).get(ABORT_EXTENSION)
    if abort is None:
        raise ConnectionDropped("X-Mock-Fault: the connection was dropped")
    abort()
    while (await request.receive())["type"] != "http.disconnect":
        pass
