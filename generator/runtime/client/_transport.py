"""The HTTP client `A2E` makes for itself: httpx's, with every socket operation bounded by the
deadline of the call being made (`wait`).

httpx's timeouts bound each read, not a request: a server that drips its answer a byte at a
time never trips them. Under a deadline, each connect, read and write here gets the smaller
of its own timeout and the time left, and fails at once when none is left, while the
headers or the body arrive. (`AsyncA2E` bounds the whole request with `asyncio.timeout`,
which holds with any transport.)
"""

from __future__ import annotations

import ssl
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

from . import _deadline


def _cut(
    timeout: float | None, expired: type[httpcore.TimeoutException] = httpcore.ReadTimeout
) -> float | None:
    """`timeout` cut to the time the current deadline leaves; `expired` when none is left."""
    deadline = _deadline.current()
    if deadline is None:
        return timeout
    left = deadline.remaining()
    if left <= 0:
        deadline.reached = True
        raise expired("the deadline of the call has passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _cut(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _cut(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, _cut(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._backend.connect_tcp(
            host, port, _cut(timeout, httpcore.ConnectTimeout), local_address, socket_options
        )
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._backend.connect_unix_socket(
            path, _cut(timeout, httpcore.ConnectTimeout), socket_options
        )
        return _DeadlineStream(stream)

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


def sync_client(timeout: float | httpx.Timeout | None) -> httpx.Client:
    """httpx's own client with its default settings, on a transport whose socket operations
    keep the deadline of the call (see the module doc)."""
    transport = httpx.HTTPTransport()
    deadline_aware(transport)
    return httpx.Client(timeout=timeout, transport=transport)


def async_client(timeout: float | httpx.Timeout | None) -> httpx.AsyncClient:
    """httpx's own async client with its default settings (`AsyncA2E` bounds each exchange
    with `asyncio.timeout` instead, see `_deadline.async_bounded`)."""
    return httpx.AsyncClient(timeout=timeout)


def deadline_aware(transport: httpx.HTTPTransport) -> bool:
    """Make `transport`'s connections keep the deadline; False when this httpx does not
    allow it (its connection pool has changed), and the deadline is then kept between the
    reads of an answer only."""
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if not isinstance(pool, httpcore.ConnectionPool) or not isinstance(
        backend, httpcore.NetworkBackend
    ):
        return False
    if not isinstance(backend, _DeadlineBackend):
        pool._network_backend = _DeadlineBackend(backend)
    return True


def keeps_deadline(client: httpx.Client) -> bool:
    """Whether `client` is one this module made (every socket operation keeps the deadline)."""
    transport = getattr(client, "_transport", None)
    pool = getattr(transport, "_pool", None)
    return isinstance(getattr(pool, "_network_backend", None), _DeadlineBackend)
