"""Child processes: servers on free loopback ports (always stopped) and plain commands."""

from __future__ import annotations

import contextlib
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks._paths import LOGS

HOST = "127.0.0.1"
_ANNOUNCED = re.compile(rb"Listening on (http://\S+)")


class BenchError(Exception):
    """A benchmark could not run: a missing tool, a server that did not start, a bad answer."""


def tool_env() -> dict[str, str]:
    """The environment of child processes: this interpreter's scripts (ruff, ...) first,
    then the pinned Node.js from pip (Prism's `#!/usr/bin/env node`), no npm notices."""
    from contract_tests._node import node_env

    env = node_env()
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def free_port() -> int:
    """A loopback port nobody listens on (for servers that cannot pick one themselves)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def run(
    argv: Sequence[str], *, cwd: Path | None = None, timeout: float = 600.0, check: bool = True
) -> str:
    """Run a command to its end; its output (BenchError with the output when it fails)."""
    try:
        done = subprocess.run(
            list(argv),
            cwd=cwd,
            env=tool_env(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise BenchError(f"{' '.join(argv)}: {error}") from error
    if check and done.returncode != 0:
        raise BenchError(
            f"{' '.join(argv)} exited with {done.returncode}:\n{done.stdout}{done.stderr}"
        )
    return done.stdout + done.stderr


@dataclass(frozen=True)
class Server:
    """A server process of a benchmark and the base URL it answers on."""

    name: str
    url: str
    argv: tuple[str, ...]
    log: Path


@contextlib.contextmanager
def serving(
    name: str,
    argv: Sequence[str],
    *,
    port: int | None = None,
    cwd: Path | None = None,
    timeout: float = 60.0,
) -> Iterator[Server]:
    """Run a server while the block runs; it is stopped afterwards, whatever happens.

    With `port` None the server must print `Listening on http://HOST:PORT` on stdout;
    otherwise it is ready when `port` accepts connections.
    """
    LOGS.mkdir(parents=True, exist_ok=True)
    log = LOGS / f"{name}.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env=tool_env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE if port is None else sink,
            stderr=sink,
            start_new_session=True,  # its own process group: stopped with its children
        )
    try:
        if port is None:
            url = _announced_url(name, process, log, timeout)
        else:
            _wait_for_port(name, process, log, port, timeout)
            url = f"http://{HOST}:{port}"
        yield Server(name=name, url=url, argv=tuple(argv), log=log)
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a server's process group: SIGINT (Ctrl-C), then SIGTERM, then SIGKILL.

    SIGINT first: uvicorn re-raises a SIGTERM after its shutdown, which ends the mock's
    CLI before it closes its store; Ctrl-C lets it close (and checkpoint) its database.
    """
    for sig, wait in ((signal.SIGINT, 10.0), (signal.SIGTERM, 5.0), (signal.SIGKILL, None)):
        if process.poll() is not None:
            break
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue
    if process.stdout is not None:
        process.stdout.close()


def _announced_url(name: str, process: subprocess.Popen[bytes], log: Path, timeout: float) -> str:
    lines: queue.Queue[bytes] = queue.Queue()
    stdout = process.stdout
    if stdout is None:
        raise BenchError(f"{name}: no stdout to read the announcement from")

    def pump() -> None:
        with contextlib.suppress(ValueError, OSError):
            for line in stdout:
                lines.put(line)
        lines.put(b"")

    threading.Thread(target=pump, name=f"{name}-stdout", daemon=True).start()
    deadline = time.monotonic() + timeout
    while True:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise BenchError(f"{name} did not start within {timeout:.0f} s; see {log}") from None
        if not line:
            raise BenchError(f"{name} exited ({process.wait()}) before it was ready; see {log}")
        found = _ANNOUNCED.search(line)
        if found is not None:
            return found.group(1).decode()


def _wait_for_port(
    name: str, process: subprocess.Popen[bytes], log: Path, port: int, timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"{name} exited ({process.returncode}) before it was ready; see {log}")
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.settimeout(0.5)
            if sock.connect_ex((HOST, port)) == 0:
                return
        time.sleep(0.1)
    raise BenchError(f"{name} did not listen on port {port} within {timeout:.0f} s; see {log}")
