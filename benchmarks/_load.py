"""The load tool of every HTTP server measure: wrk when installed, else the pinned autocannon.

One tool per run, chosen once (`choose`), so both sides of a comparison get the same load.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable, Mapping
from typing import Literal, Protocol

from benchmarks import _autocannon, _servers, _wrk
from benchmarks._procs import BenchError, run, tool_env
from benchmarks._results import LoadResult

ToolName = Literal["auto", "wrk", "autocannon"]
CHOICES: tuple[ToolName, ...] = ("auto", "wrk", "autocannon")


class Tool(Protocol):
    """What a load tool module provides (`_wrk`, `_autocannon`)."""

    NAME: str

    def version(self) -> str: ...

    def load_argv(
        self,
        url: str,
        *,
        threads: int,
        connections: int,
        seconds: float,
        post: bool,
        headers: Mapping[str, str],
    ) -> list[str]: ...

    def fill_argv(
        self, url: str, *, threads: int, connections: int, total: int, timeout: float
    ) -> list[str]: ...

    def parse(self, report: str) -> LoadResult: ...


_chosen: Tool | None = None


def choose(name: ToolName = "auto") -> Tool:
    """Pick the run's load tool (auto: wrk if on PATH, else autocannon, installed with npm ci)."""
    global _chosen
    if name == "wrk" and not _wrk.available():
        raise BenchError("wrk is missing: apt-get install wrk (or run with --load-tool auto)")
    tool: Tool = _wrk if name == "wrk" or (name == "auto" and _wrk.available()) else _autocannon
    if tool is _autocannon:
        _servers.ensure_node_tools()
    _chosen = tool
    return tool


def current() -> Tool:
    return _chosen if _chosen is not None else choose()


def name() -> str:
    return current().NAME


def describe() -> str:
    """The tool and its version, e.g. `wrk 4.1.0` or `autocannon 9.0.0 (one Node.js thread)`."""
    tool = current()
    return tool.version() + (" (one Node.js thread)" if tool is _autocannon else "")


def load(
    url: str,
    *,
    threads: int,
    connections: int,
    seconds: float,
    post: bool = False,
    headers: Mapping[str, str] | None = None,
    allow_errors: bool = False,
) -> LoadResult:
    """Load `url` for `seconds` (`post`: POST startDubbing); BenchError on any non-2xx answer."""
    tool = current()
    argv = tool.load_argv(
        url,
        threads=threads,
        connections=connections,
        seconds=seconds,
        post=post,
        headers=headers or {},
    )
    result = tool.parse(run(argv, timeout=seconds + 120))
    if not allow_errors and (result.non_2xx or result.socket_errors):
        raise BenchError(
            f"{tool.NAME} {url}: {result.non_2xx} non-2xx answers, "
            f"{result.socket_errors} socket errors"
        )
    return result


def fill_until(
    url: str,
    total: int,
    done: Callable[[], bool],
    *,
    threads: int,
    connections: int,
    timeout: float = 600.0,
    poll: float = 0.25,
) -> LoadResult:
    """POST startDubbing about `total` times, until `done()` (polled) says so; the report.

    Once `done()` holds, the tool is stopped with SIGINT (both print their report then).
    """
    argv = current().fill_argv(
        url, threads=threads, connections=connections, total=total, timeout=timeout
    )
    process = subprocess.Popen(
        argv, env=tool_env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + timeout
        while process.poll() is None and time.monotonic() < deadline and not done():
            time.sleep(poll)
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
        report, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return current().parse(report)
