"""Run a command on a real terminal (a pseudo-terminal), as a user's shell would."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from a2e_dubbing_mock.pytest_plugin import MockServer

# The frames of rich's "dots" spinner.
SPINNER_FRAMES = frozenset("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏")


@dataclass(frozen=True)
class Session:
    exit_code: int
    screen: str  # every byte the terminal received, decoded


def on_terminal(
    argv: Sequence[str],
    *,
    env: Mapping[str, str],
    columns: int = 200,
    rows: int = 50,
    timeout: float = 90.0,
) -> Session:
    """Run `argv` with a pseudo-terminal as stdin, stdout and stderr; read until it exits."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    process = subprocess.Popen(
        list(argv),
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env={**env, "TERM": "xterm-256color", "COLUMNS": str(columns), "LINES": str(rows)},
        start_new_session=True,
    )
    os.close(follower)
    received = bytearray()
    deadline = time.monotonic() + timeout
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{argv} still running after {timeout}s: {received[-2000:]!r}")
            ready, _, _ = select.select([leader], [], [], min(left, 0.5))
            if not ready:
                continue
            try:
                data = os.read(leader, 65536)
            except OSError:  # EIO: every writer of the terminal is gone
                break
            if not data:
                break
            received += data
        code = process.wait(timeout=max(deadline - time.monotonic(), 1.0))
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(leader)
    return Session(code, received.decode("utf-8", "replace"))


def cli_env(server: MockServer) -> dict[str, str]:
    return {
        **os.environ,
        "A2E_API_KEY": server.token,
        "A2E_BASE_URL": server.url,
        "PYTHONIOENCODING": "utf-8",
    }


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "a2e_dubbing", *args]
