"""Serving the app with uvicorn, on connections that a fault can reset."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import sys
from collections.abc import Callable
from typing import Any

import uvicorn
from starlette.types import Receive, Scope, Send

from ._http import ABORT_EXTENSION

try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as _BaseProtocol
except ImportError:  # pragma: no cover - httptools is a dependency; h11 is uvicorn's fallback
    from uvicorn.protocols.http.h11_impl import H11Protocol as _BaseProtocol  # type: ignore[assignment]


class ResettableProtocol(_BaseProtocol):
    """uvicorn's HTTP protocol, giving each request a way to reset its connection."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        app: Any = self.app

        def abort() -> None:
            reset(transport)

        async def with_abort(scope: Scope, receive: Receive, send: Send) -> None:
            extensions = scope.get("extensions") or {}
            extensions[ABORT_EXTENSION] = abort
            scope["extensions"] = extensions
            await app(scope, receive, send)

        self.app = with_abort


def reset(transport: asyncio.Transport) -> None:
    """Close a connection with a TCP reset (RST), not a clean close."""
    sock = transport.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()


class _Server(uvicorn.Server):
    def __init__(
        self,
        config: uvicorn.Config,
        on_ready: Callable[[str, int], None],
        on_shutdown: Callable[[], None],
    ) -> None:
        super().__init__(config)
        self._on_ready = on_ready
        self._on_shutdown = on_shutdown

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started and not self.should_exit:
            name = self.servers[0].sockets[0].getsockname()
            self._on_ready(str(name[0]), int(name[1]))

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        # Here, not after `run()`: uvicorn re-raises the SIGTERM or SIGINT that stopped it
        # once `serve()` returns, and that ends the process before any code after `run()`.
        try:
            await super().shutdown(sockets)
        finally:
            self._on_shutdown()


def announce(host: str, port: int) -> None:
    """The one line that tells a parent process the server accepts connections."""
    shown = f"[{host}]" if ":" in host else host
    sys.stdout.write(f"Listening on http://{shown}:{port}\n")
    sys.stdout.flush()


def serve(app: Any, *, host: str, port: int, log_level: str) -> None:
    """Run `app` until SIGINT or SIGTERM; print `Listening on http://HOST:PORT` when ready.

    On the way out, once every connection is done, `app.close()` closes the database (its
    WAL is checkpointed and removed). Then uvicorn re-raises the signal, so the process
    ends as killed by it: exit status 143 after SIGTERM, 130 after SIGINT (in a shell;
    `Popen.returncode` is -15 / -2), with nothing lost.
    """
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        http=ResettableProtocol,
        loop="auto",
        ws="none",
        lifespan="on",
        access_log=False,
        log_config=None,
        log_level=log_level.lower(),
        server_header=False,
        proxy_headers=False,  # a local mock: no proxy in front to trust
    )
    _Server(config, announce, app.close).run()
