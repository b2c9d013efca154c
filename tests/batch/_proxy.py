"""An HTTP proxy in front of a live mock that SIGKILLs a process at a chosen request.

The batch under test talks to the proxy (its `--base-url`); the mock builds result URLs
from the Host header, so downloads go through the proxy too. A `Kill` names the request
(method, path, its number among those since it was armed) and when the process dies:
`before` the request reaches the mock, `after` the mock answered (the process never reads
the answer), or `midway` through the answer's body.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import uvicorn

_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "content-length"})


@dataclass(frozen=True)
class Kill:
    method: str
    path: str  # the request's path starts with it
    number: int  # from 1, counted since the kill was armed
    when: str  # "before" | "after" | "midway"


class Proxy:
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.kill: Kill | None = None
        self.victim: int | None = None
        self.killed = threading.Event()
        self._seen: Counter[tuple[str, str]] = Counter()
        self.url = ""

    def arm(self, kill: Kill | None, victim: int | None = None) -> None:
        self.kill, self.victim = kill, victim
        self._seen.clear()
        self.killed.clear()

    def _due(self, method: str, path: str) -> str | None:
        kill = self.kill
        if kill is None or method != kill.method or not path.startswith(kill.path):
            return None
        self._seen[(kill.method, kill.path)] += 1
        if self._seen[(kill.method, kill.path)] != kill.number:
            return None
        self.kill = None
        return kill.when

    def _kill_victim(self) -> None:
        if self.victim is not None:
            os.kill(self.victim, signal.SIGKILL)
        self.killed.set()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        assert scope["type"] == "http"
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        method, path = scope["method"], scope["path"]
        query = scope.get("query_string", b"").decode()
        when = self._due(method, path)
        if when == "before":
            self._kill_victim()
            await _answer(send, 502, [], b"")
            return
        headers = [
            (k.decode(), v.decode()) for k, v in scope["headers"] if k.decode().lower() not in _HOP
        ]
        url = f"{self.upstream}{path}" + (f"?{query}" if query else "")
        async with (
            httpx.AsyncClient(timeout=30.0) as client,
            client.stream(method, url, headers=headers, content=body) as response,
        ):
            content = await response.aread()
        kept = [
            (k.encode(), v.encode()) for k, v in response.headers.items() if k.lower() not in _HOP
        ]
        kept.append((b"content-length", str(len(content)).encode()))
        if when == "after":
            self._kill_victim()
        if when != "midway":
            await _answer(send, response.status_code, kept, content)
            return
        await send({"type": "http.response.start", "status": response.status_code, "headers": kept})
        half = len(content) // 2
        await send({"type": "http.response.body", "body": content[:half], "more_body": True})
        self._kill_victim()
        await send({"type": "http.response.body", "body": content[half:], "more_body": False})


async def _answer(send: Any, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


@contextmanager
def running(upstream: str) -> Iterator[Proxy]:
    """The proxy on a free loopback port while the block runs."""
    proxy = Proxy(upstream)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    proxy.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    config = uvicorn.Config(proxy, lifespan="off", log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the proxy did not start")
            threading.Event().wait(0.01)
        yield proxy
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
