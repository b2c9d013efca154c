"""wrk, the load tool when it is installed: its command lines and its report."""

from __future__ import annotations

import functools
import math
import re
import shutil
from collections.abc import Mapping

from benchmarks._paths import WRK_SCRIPTS
from benchmarks._procs import BenchError, run
from benchmarks._results import LoadResult

NAME = "wrk"
_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_TOTAL = re.compile(r"(\d+) requests in ([\d.]+)(us|ms|s|m|h)")
_RATE = re.compile(r"Requests/sec:\s+([\d.]+)")
_PERCENTILE = re.compile(r"^\s*(\d+(?:\.\d+)?)%\s+([\d.]+)(us|ms|s|m|h)\s*$", re.MULTILINE)
_NON_2XX = re.compile(r"Non-2xx or 3xx responses: (\d+)")
_SOCKET = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")


def available() -> bool:
    return shutil.which("wrk") is not None


def _wrk() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise BenchError("wrk is missing")
    return found


@functools.cache
def version() -> str:
    out = run([_wrk(), "-v"], check=False)
    return " ".join(out.split()[:2]) if out else "wrk"


def load_argv(
    url: str,
    *,
    threads: int,
    connections: int,
    seconds: float,
    post: bool,
    headers: Mapping[str, str],
) -> list[str]:
    """`wrk --latency` for `seconds`; `post`: POST startDubbing (wrk/post.lua)."""
    argv = [
        _wrk(),
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "--latency",
    ]
    for name, value in headers.items():
        argv += ["-H", f"{name}: {value}"]
    if post:
        argv += ["-s", str(WRK_SCRIPTS / "post.lua")]
    return [*argv, url]


def fill_argv(url: str, *, threads: int, connections: int, total: int, timeout: float) -> list[str]:
    """POST startDubbing until about `total` answers (wrk/fill.lua, a quota per thread).

    wrk sleeps for its whole duration even when every thread stopped early, so the
    caller stops it once the work is done.
    """
    argv = [_wrk(), f"-t{threads}", f"-c{connections}", f"-d{round(timeout)}s", "--latency"]
    argv += ["-s", str(WRK_SCRIPTS / "fill.lua"), url]
    return [*argv, "--", str(math.ceil(total / threads))]


def parse(report: str) -> LoadResult:
    total = _TOTAL.search(report)
    rate = _RATE.search(report)
    if total is None or rate is None:
        raise BenchError(f"unreadable wrk report:\n{report}")
    latency = {
        f"{float(q):g}": float(value) * _UNITS_MS[unit]
        for q, value, unit in _PERCENTILE.findall(report)
    }
    if "50" not in latency or "99" not in latency:
        raise BenchError(f"wrk report without latency percentiles:\n{report}")
    non_2xx = _NON_2XX.search(report)
    sockets = _SOCKET.search(report)
    return LoadResult(
        requests=int(total.group(1)),
        seconds=float(total.group(2)) * _UNITS_MS[total.group(3)] / 1000.0,
        requests_per_second=float(rate.group(1)),
        latency_ms=latency,
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in sockets.groups()) if sockets else 0,
    )
