"""An outsider's check of the mock: schemathesis's own CLI, with its default settings.

`schemathesis run openapi/a2e-dubbing.yaml --url <mock> --checks all` is what anyone who
did not write this project runs first; it must find nothing, without any of our case
rewriting or extra configuration. The same run through Prism's validating proxy, in front of
the mock, must make Prism report no violation in any answer.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from contract_tests._node import node_env, npm_tools
from contract_tests._spec import REPO_ROOT, SPEC_PATH

PRISM_DIR = REPO_ROOT / "benchmarks" / "prism"  # Prism, pinned for the benchmarks too
_LISTENING = re.compile(r"Prism is listening on (http://\S+)")
_ANSWER_VIOLATION = re.compile(r"Violation: response\b.*")


def schemathesis_run(
    url: str, token: str, output: Path, *, seed: int | None = None, mode: str | None = None
) -> int:
    """Run the schemathesis CLI against `url` with `--checks all` and the bearer `token`;
    its report goes to `output` (a file: a pipe nobody reads would stall it). The exit code."""
    command = [
        _schemathesis(), "run", str(SPEC_PATH), "--url", url, "--checks", "all",
        "-H", f"Authorization: Bearer {token}", "--no-color",
    ]  # fmt: skip
    if seed is not None:
        command += ["--seed", str(seed)]
    if mode is not None:
        command += ["--mode", mode]
    with output.open("w") as out:  # its cache (.schemathesis/) goes beside the report
        run = subprocess.run(
            command, stdout=out, stderr=subprocess.STDOUT, cwd=output.parent, check=False
        )
    return run.returncode


def answer_violations(prism_log: str) -> list[str]:
    """The violations Prism found in answers (requests schemathesis breaks on purpose, and
    those without a token, are its own business)."""
    return sorted({m.group(0).strip() for m in _ANSWER_VIOLATION.finditer(prism_log)})


@contextlib.contextmanager
def prism_proxy(upstream: str, log: Path, timeout: float = 60.0) -> Iterator[str]:
    """Prism's validating proxy in front of `upstream` on a free loopback port; its URL."""
    prism = npm_tools(PRISM_DIR) / "prism"
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(prism), "proxy", str(SPEC_PATH), upstream, "--host", "127.0.0.1",
             "--port", str(_free_port())],
            stdout=out, stderr=subprocess.STDOUT, env=node_env(),
        )  # fmt: skip
    try:
        deadline = time.monotonic() + timeout
        while (found := _LISTENING.search(log.read_text(errors="replace"))) is None:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Prism did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.2)
        yield found.group(1).rstrip("/")
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _schemathesis() -> str:
    beside = Path(sys.executable).with_name("schemathesis")
    return str(beside) if beside.exists() else shutil.which("schemathesis") or "schemathesis"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
