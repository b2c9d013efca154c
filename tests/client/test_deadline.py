"""`wait(timeout=...)` keeps its word against a server that drips its answer, over a real
socket: httpx's timeouts bound each read, and a byte every 0.1 s never trips them.

The server below sends one byte at a time, of the headers or of the body, for far longer
than the wait may last; the client must give up near its deadline (the margin allows for a
loaded machine, not for a second poll), with `WaitTimeoutError`.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest
from a2e_dubbing import A2E, AsyncA2E, WaitTimeoutError

from ._records import KEY, ok, task

TASK_ID = "66ea4dd87db10c73fa29b570"
DRIP_INTERVAL = 0.1
DRIP_SECONDS = 20.0  # how long one answer takes to arrive in full
WAIT = 1.0
MARGIN = 2.0  # a loaded 2-core machine; dripping in full would take DRIP_SECONDS


@dataclass
class DripServer:
    """A one-answer-per-connection HTTP server on 127.0.0.1 that drips `part` byte by byte."""

    part: str  # "headers" or "body"
    sock: socket.socket = field(default_factory=socket.socket)
    threads: list[threading.Thread] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)
    answers_begun: int = 0

    @property
    def url(self) -> str:
        host, port = self.sock.getsockname()
        return f"http://{host}:{port}"

    def start(self) -> DripServer:
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(0.2)
        self._spawn(self._accept)
        return self

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=5)
        self.sock.close()

    def _spawn(self, target: object, *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)  # type: ignore[arg-type]
        self.threads.append(thread)
        thread.start()

    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._spawn(self._answer, conn)

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(1.0)
            try:
                conn.recv(65536)  # the request (small; one read is enough here)
            except OSError:
                return
            self.answers_begun += 1
            body = json.dumps(ok(task(id=TASK_ID, status="processing"))).encode()
            body += b" " * int(DRIP_SECONDS / DRIP_INTERVAL)  # JSON allows trailing spaces
            head = (
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                + f"content-length: {len(body)}\r\n\r\n".encode()
            )
            if self.part == "headers":
                head = head[:-2] + b"x-padding: " + b"." * int(DRIP_SECONDS / DRIP_INTERVAL)
                head += b"\r\n\r\n"
                self._drip(conn, head)
                return
            try:
                conn.sendall(head)
            except OSError:
                return
            self._drip(conn, body)

    def _drip(self, conn: socket.socket, data: bytes) -> None:
        for i in range(len(data)):
            if self.stopping.is_set():
                return
            try:
                conn.sendall(data[i : i + 1])
            except OSError:
                return  # the client gave up and closed the connection
            time.sleep(DRIP_INTERVAL)


@pytest.fixture(params=["headers", "body"])
def drip(request: pytest.FixtureRequest) -> Iterator[DripServer]:
    server = DripServer(part=request.param).start()
    yield server
    server.stop()


def _timed_wait(run: object) -> tuple[float, BaseException]:
    started = time.monotonic()
    with pytest.raises(WaitTimeoutError) as caught:
        run()  # type: ignore[operator]
    return time.monotonic() - started, caught.value


def test_wait_ends_on_time_against_a_dripping_server(drip: DripServer) -> None:
    with A2E(api_key=KEY, base_url=drip.url) as client:
        elapsed, error = _timed_wait(lambda: client.dubbing.wait(TASK_ID, timeout=WAIT))
    assert drip.answers_begun >= 1
    assert elapsed < WAIT + MARGIN, f"wait(timeout={WAIT}) took {elapsed:.1f}s"
    assert "the task goes on" in str(error)


def test_async_wait_ends_on_time_against_a_dripping_server(drip: DripServer) -> None:
    async def run() -> None:
        async with AsyncA2E(api_key=KEY, base_url=drip.url) as client:
            await client.dubbing.wait(TASK_ID, timeout=WAIT)

    elapsed, _ = _timed_wait(lambda: asyncio.run(run()))
    assert drip.answers_begun >= 1
    assert elapsed < WAIT + MARGIN, f"wait(timeout={WAIT}) took {elapsed:.1f}s"


@pytest.mark.parametrize("drip", ["body"], indirect=True)
def test_with_a_callers_own_http_client_the_body_is_still_cut_at_the_deadline(
    drip: DripServer,
) -> None:
    """The caller's own httpx.Client has httpx's transport: the deadline is checked between
    the chunks of the answer (the headers are bounded by the read timeout cut at the start)."""
    with (
        httpx.Client() as own,
        A2E(api_key=KEY, base_url=drip.url, http_client=own) as client,
    ):
        elapsed, _ = _timed_wait(lambda: client.dubbing.wait(TASK_ID, timeout=WAIT))
    assert elapsed < WAIT + MARGIN, f"wait(timeout={WAIT}) took {elapsed:.1f}s"


def test_a_plain_get_is_not_cut_by_a_deadline(drip: DripServer) -> None:
    """Outside `wait`, only the client's timeout applies (per read, as in httpx): the slow
    answer is still arriving after the time a wait would have given up."""
    with A2E(api_key=KEY, base_url=drip.url, timeout=5.0, max_retries=0) as client:
        outcome: list[BaseException] = []

        def get() -> None:
            try:
                client.dubbing.get(TASK_ID)
            except BaseException as error:
                outcome.append(error)

        thread = threading.Thread(target=get, daemon=True)
        thread.start()
        thread.join(timeout=WAIT + MARGIN)
        assert thread.is_alive(), f"the get ended early: {outcome}"
        drip.stop()  # ends the answer; the get fails, typed
        thread.join(timeout=10)
    assert not thread.is_alive()


def test_the_clients_own_connections_keep_the_deadline() -> None:
    """The per-read cut relies on httpx's transport keeping httpcore's pool in `_pool` and
    its network backend in `_network_backend`; a version that moves them fails here (the
    deadline would then hold between chunks only, as with a caller's own client)."""
    from a2e_dubbing import _transport

    with A2E(api_key=KEY) as client:
        assert _transport.keeps_deadline(client._http)
    with httpx.Client() as own, A2E(api_key=KEY, http_client=own) as client:
        assert not _transport.keeps_deadline(client._http)
