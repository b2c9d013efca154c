"""A tiny HTTP/1.1 server answering every request with one fixed task envelope.

`python -m benchmarks._fastserver` listens on a free loopback port and prints
`Listening on http://127.0.0.1:PORT`. It parses nothing but the request framing and
writes pre-built bytes (on uvloop when installed), so that per-call time measured
against it is the client's, not the server's.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any, cast

from contract_tests._api import answer_example

# A completed task: the spec's example answer of Get details, named "bench".
TASK: dict[str, Any] = {**answer_example("dubbing.get")["data"], "name": "bench"}
TASK_ID = "66ea4dd87db10c73fa29b570"  # the example's id
BODY = json.dumps(
    {"code": 0, "msg": "success", "trace_id": "8498ed50-157f-414a-935a-4219625303a4", "data": TASK},
    separators=(",", ":"),
).encode()
RESPONSE = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
    b"Content-Length: " + str(len(BODY)).encode() + b"\r\n\r\n" + BODY
)
_END = b"\r\n\r\n"
_LENGTH = b"\r\ncontent-length:"


class _Answer(asyncio.Protocol):
    """One connection: answer each complete request (head and body) with RESPONSE."""

    def __init__(self) -> None:
        self._transport: asyncio.Transport | None = None
        self._buffer = b""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.Transport, transport)  # uvloop's is no subclass

    def data_received(self, data: bytes) -> None:
        buffer = self._buffer + data
        answers = 0
        while True:
            end = buffer.find(_END)
            if end < 0:
                break
            total = end + len(_END) + _content_length(buffer[:end])
            if len(buffer) < total:
                break
            buffer = buffer[total:]
            answers += 1
        self._buffer = buffer
        if answers and self._transport is not None:
            self._transport.write(RESPONSE * answers)


def _content_length(head: bytes) -> int:
    at = head.lower().find(_LENGTH)
    if at < 0:
        return 0
    value = head[at + len(_LENGTH) :].split(b"\r\n", 1)[0]
    return int(value.strip() or b"0")


async def _serve() -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(_Answer, host="127.0.0.1", port=0, backlog=1024)
    port = server.sockets[0].getsockname()[1]
    sys.stdout.write(f"Listening on http://127.0.0.1:{port}\n")
    sys.stdout.flush()
    async with server:
        await server.serve_forever()


def event_loop_name() -> str:
    """The event loop the server runs on: uvloop when it is installed."""
    try:
        import uvloop  # noqa: F401
    except ImportError:
        return "asyncio"
    return "uvloop"


def main() -> None:
    if event_loop_name() == "uvloop":
        import uvloop

        uvloop.run(_serve())
    else:
        asyncio.run(_serve())


if __name__ == "__main__":
    main()
