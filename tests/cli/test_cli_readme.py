"""The README's command-line section runs as written, against a live mock."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import wave
from pathlib import Path

import pytest
from a2e_dubbing_mock.pytest_plugin import MockServer

from generator._build import REPO_ROOT

FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _section() -> str:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("## The command line\n")
    return readme[start : readme.index("\n## ", start + 1)]


def _blocks(language: str) -> list[str]:
    return [body for lang, body in FENCE.findall(_section()) if lang == language]


def _env(server: MockServer) -> dict[str, str]:
    scripts = str(Path(sys.executable).parent)  # where `a2e-dubbing` is installed
    return {
        **os.environ,
        "PATH": os.pathsep.join([scripts, os.environ.get("PATH", "")]),
        "A2E_API_KEY": server.token,
        "A2E_BASE_URL": server.url,
        "PYTHONIOENCODING": "utf-8",
    }


def test_the_shell_examples_run(a2e_mock_server: MockServer, tmp_path: Path) -> None:
    bash = shutil.which("bash")
    assert bash is not None, "the examples are bash"
    blocks = _blocks("sh")
    assert len(blocks) == 2
    for block in blocks:
        done = subprocess.run(
            [bash, "-eu", "-c", block],
            cwd=tmp_path,
            env=_env(a2e_mock_server),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, f"{block}\n{done.stdout}\n{done.stderr}"
        assert "Traceback" not in done.stderr
    for name in ("out/talk.wav", "talk.de.wav"):
        with wave.open(str(tmp_path / name)) as sound:
            assert sound.getnframes() > 0


def test_the_python_example_runs(
    a2e_mock_server: MockServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    [block] = _blocks("python")
    for name, value in _env(a2e_mock_server).items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    exec(compile(block, "README.md", "exec"), {})  # noqa: S102 - our own README
    [saved] = (tmp_path / "out").iterdir()
    assert re.fullmatch(r"a2e-dubbing-[0-9a-f]{12}\.wav", saved.name)


def test_the_error_transcript_is_what_the_cli_prints(
    a2e_mock_server: MockServer, tmp_path: Path
) -> None:
    [transcript] = _blocks("console")
    commands = re.findall(r"^\$ (.+)\n((?:(?!\$ ).*\n)*)", transcript, re.MULTILINE)
    assert len(commands) == 7
    for command, shown in commands:
        done = subprocess.run(
            ["bash", "-c", command],
            cwd=tmp_path,
            env=_env(a2e_mock_server),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode in (1, 2), command
        printed = (done.stdout + done.stderr).splitlines()
        expected = [re.escape(line).replace("…", ".*") for line in shown.splitlines()]
        assert len(printed) >= len(expected), (command, printed)
        assert re.fullmatch(expected[-1], printed[-1]), (command, printed[-1])
        at = 0
        for pattern in expected:  # every line shown, in order
            while not re.fullmatch(pattern, printed[at]):
                at += 1
                assert at < len(printed), (command, pattern, printed)
