"""Running wrk (the load tool of every HTTP server measure) and reading its report."""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks._procs import BenchError, run, tool_env

INSTALL_HINT = "apt-get install wrk hyperfine"
_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_TOTAL = re.compile(r"(\d+) requests in ([\d.]+)(us|ms|s|m|h)")
_RATE = re.compile(r"Requests/sec:\s+([\d.]+)")
_PERCENTILE = re.compile(r"^\s*(\d+(?:\.\d+)?)%\s+([\d.]+)(us|ms|s|m|h)\s*$", re.MULTILINE)
_NON_2XX = re.compile(r"Non-2xx or 3xx responses: (\d+)")
_SOCKET = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")


@dataclass(frozen=True)
class WrkResult:
    """A wrk run: throughput, latency percentiles (ms) and what went wrong, if anything."""

    requests: int
    seconds: float
    requests_per_second: float
    latency_ms: dict[str, float]  # "50", "75", "90", "99" -> ms
    non_2xx: int
    socket_errors: int

    @property
    def p50_ms(self) -> float:
        return self.latency_ms["50"]

    @property
    def p99_ms(self) -> float:
        return self.latency_ms["99"]


def wrk_path() -> str:
    """The wrk executable; BenchError saying how to install it when it is missing."""
    found = shutil.which("wrk")
    if found is None:
        raise BenchError(f"wrk is missing: {INSTALL_HINT}")
    return found


def version() -> str:
    out = run([wrk_path(), "-v"], check=False)
    return out.splitlines()[0].strip() if out else "wrk"


def load(
    url: str,
    *,
    threads: int,
    connections: int,
    seconds: float,
    script: Path | None = None,
    script_args: Sequence[str] = (),
    headers: Mapping[str, str] | None = None,
    allow_errors: bool = False,
) -> WrkResult:
    """`wrk --latency` against `url`; BenchError if any answer was not 2xx (unless allowed)."""
    argv = [
        wrk_path(),
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "--latency",
    ]
    for name, value in (headers or {}).items():
        argv += ["-H", f"{name}: {value}"]
    if script is not None:
        argv += ["-s", str(script)]
    argv.append(url)
    if script_args:
        argv += ["--", *script_args]
    result = parse(run(argv, timeout=seconds + 120))
    if not allow_errors and (result.non_2xx or result.socket_errors):
        raise BenchError(
            f"wrk {url}: {result.non_2xx} non-2xx answers, {result.socket_errors} socket errors"
        )
    return result


def parse(report: str) -> WrkResult:
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
    return WrkResult(
        requests=int(total.group(1)),
        seconds=float(total.group(2)) * _UNITS_MS[total.group(3)] / 1000.0,
        requests_per_second=float(rate.group(1)),
        latency_ms=latency,
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in sockets.groups()) if sockets else 0,
    )


def load_until(
    url: str,
    done: Callable[[], bool],
    *,
    threads: int,
    connections: int,
    script: Path,
    script_args: Sequence[str] = (),
    timeout: float = 600.0,
    poll: float = 0.25,
) -> WrkResult:
    """Run wrk until `done()` (polled) says so, then stop it with SIGINT; its report.

    wrk always sleeps for its whole duration, even when every thread stopped early
    (`wrk.thread:stop()` in a script), so the caller decides when the load is over.
    """
    argv = [wrk_path(), f"-t{threads}", f"-c{connections}", f"-d{round(timeout)}s", "--latency"]
    argv += ["-s", str(script), url]
    if script_args:
        argv += ["--", *script_args]
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
    return parse(report)
