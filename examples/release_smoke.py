"""Smoke test of the released wheels, run inside a fresh venv that holds only them.

    python examples/release_smoke.py      (nox -s release runs it)

Checks that both packages import with the same version as their metadata, that the
console scripts start, and that a test using the mock's pytest plugin (its `pytest`
extra) dubs a file with the client against a live mock and with the CLI.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

SMOKE_TEST = """
import json, os, subprocess, sys
from pathlib import Path

def test_the_client_dubs_against_the_mock(a2e_client):
    task = a2e_client.dubbing.start(source_url="https://example.com/a.mp3", target_lang="en")
    done = a2e_client.dubbing.wait(task.task_id, timeout=60, poll_interval=0.2)
    assert done.result_url

def test_the_cli_dubs_against_the_mock(a2e_mock_server):
    cli = Path(sys.executable).with_name("a2e-dubbing")
    env = {**os.environ, "A2E_BASE_URL": a2e_mock_server.url, "A2E_API_KEY": a2e_mock_server.token}
    done = subprocess.run(
        [str(cli), "start", "https://example.com/b.mp3", "--to", "fr", "--wait", "--json"],
        env=env, capture_output=True, text=True, timeout=120, check=True,
    )
    assert json.loads(done.stdout)["current_status"] == "completed"
"""


def main() -> int:
    import a2e_dubbing
    import a2e_dubbing_mock

    versions = {
        "a2e-dubbing": (a2e_dubbing.__version__, version("a2e-dubbing")),
        "a2e-dubbing-mock": (a2e_dubbing_mock.__version__, version("a2e-dubbing-mock")),
    }
    for name, (imported, metadata) in versions.items():
        if imported != metadata:
            raise SystemExit(f"smoke: {name} says {imported}, its metadata {metadata}")
    if len({pair[0] for pair in versions.values()}) != 1:
        raise SystemExit(f"smoke: the packages' versions differ: {versions}")
    bin_dir = Path(sys.executable).parent
    for script in ("a2e-dubbing", "a2e-dubbing-mock"):
        subprocess.run([str(bin_dir / script), "--help"], capture_output=True, check=True)
    with tempfile.TemporaryDirectory(prefix="a2e-release-smoke-") as tmp:
        test = Path(tmp) / "test_smoke.py"
        test.write_text(SMOKE_TEST, encoding="utf-8")
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test)],
            cwd=tmp,
            check=False,
        )
    if result.returncode != 0:
        return result.returncode
    print(f"smoke: a2e-dubbing {versions['a2e-dubbing'][0]} and its mock work from the wheels")
    return 0


if __name__ == "__main__":
    sys.exit(main())
