"""Pinned npm tools (Spectral, Redocly, Prism), installed on demand with `npm ci`."""

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
        npm = shutil.which("npm")
        if npm is None:
            raise NodeToolsError(
                f"npm is not on PATH: Node.js 20+ is needed for the tools pinned in {lock}"
            )
        result = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"],
            cwd=directory,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise NodeToolsError(f"npm ci in {directory} failed:\n{result.stderr[-2000:]}")
        stamp.write_text(digest)
    return modules / ".bin"


def node_env() -> dict[str, str]:
    """The environment for running the npm tools: no telemetry, no update notices."""
    return {
        **os.environ,
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
