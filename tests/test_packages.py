"""The generated packages installed with pip into a fresh venv, used the way a user would.

One venv for the module, filled in stages: the mock alone (its console script serves, and its
pytest plugin loads without the `pytest` extra), then the client, then the mock's extra.
"""

from __future__ import annotations

import json
import os
import re
import selectors
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from contract_tests import _api as api
from generator._build import OUTPUT_DIR

START = api.op("dubbing.start").path
COINS = api.op("account.remaining_coins").path
RECORD = api.record()
TASK_ID = re.compile(r"[0-9a-f]{24}")
EXTRA_ADVICE = "pip install './generated/mock[pytest]' in a checkout of a2e-dubbing"

CLIENT_SCRIPT = textwrap.dedent(
    """
    import json, sys
    import httpx
    from a2e_dubbing import A2E, NotFoundError

    seed = json.loads(sys.argv[1])

    def answer(request):
        if request.url.path == "@START@":
            return httpx.Response(200, json=seed)
        return httpx.Response(404, json={"code": 404, "msg": "no such task"})

    http = httpx.Client(transport=httpx.MockTransport(answer))
    with A2E(api_key="sk_fresh", http_client=http) as client:
        task = client.dubbing.start(source_url="https://example.com/a.mp3", target_lang="en")
        try:
            client.dubbing.get(task.task_id)
        except NotFoundError as error:
            print(task.task_id, task.current_status, error.status_code)
    """
).replace("@START@", START)

# A downstream project's tests, without the extra: only what needs no client, httpx or respx.
PLAIN_USER_TESTS = textwrap.dedent(
    """
    import json
    import urllib.request


    def test_the_live_server_answers(a2e_mock_server):
        request = urllib.request.Request(
            a2e_mock_server.url + "@COINS@", headers=a2e_mock_server.headers
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert json.load(answer)["code"] == 0


    def test_the_client_fixture(a2e_client):
        pass
    """
).replace("@COINS@", COINS)

# The same project with the extra installed: the client on a live mock, as the README shows.
USER_TESTS = textwrap.dedent(
    """
    import httpx
    from a2e_dubbing import A2E


    def test_my_dubbing_flow(a2e_client: A2E) -> None:
        task = a2e_client.dubbing.start(source_url="https://example.com/a.mp3", target_lang="en")
        done = a2e_client.dubbing.wait(task.task_id, timeout=30, poll_interval=0.05)
        assert done.current_status == "completed"
        assert httpx.get(done.result_url).headers["content-type"] == "audio/wav"


    def test_raw_http(a2e_mock_server) -> None:
        with a2e_mock_server.client(headers=a2e_mock_server.headers) as http:
            assert http.get("@COINS@").json()["code"] == 0


    def test_the_recordings(a2e_recordings_router) -> None:
        # No name of its own: a named start first reads the task list, which nothing recorded.
        with A2E(api_key="sk_replay") as client:
            task = client.dubbing.start(source_url="https://example.com/x.wav", target_lang="en")
        assert task.task_id == "66ea4dd87db10c73fa29b570"
    """
).replace("@COINS@", COINS)


class Venv:
    """A fresh virtual environment under `root`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.bin = root / "venv" / "bin"
        subprocess.run([sys.executable, "-m", "venv", str(root / "venv")], check=True)

    @property
    def env(self) -> dict[str, str]:
        """This process's environment without what would point Python at the repo's venv."""
        kept = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("PYTHON", "PYTEST", "VIRTUAL_ENV", "COV_"))
        }
        return {**kept, "PATH": f"{self.bin}{os.pathsep}{kept.get('PATH', '')}"}

    def pip_install(self, *requirements: str) -> None:
        result = subprocess.run(
            [str(self.bin / "python"), "-m", "pip", "install", "--quiet", *requirements],
            capture_output=True,
            text=True,
            env=self.env,
            check=False,
        )
        assert result.returncode == 0, result.stderr

    def run(self, *command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            command, capture_output=True, text=True, env=self.env, cwd=cwd, timeout=300, check=False
        )

    def pytest(self, tests: str, name: str) -> subprocess.CompletedProcess[str]:
        """Run `tests` as a downstream project's test file with this venv's pytest."""
        project = self.root / name
        project.mkdir()
        (project / "test_downstream.py").write_text(tests, encoding="utf-8")
        return self.run(
            str(self.bin / "python"), "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rE",
            "--a2e-processing-seconds", "0.2", cwd=project,
        )  # fmt: skip


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Venv:
    """A fresh venv with `pip install ./generated/mock` and pytest (no extra, no client)."""
    fresh = Venv(tmp_path_factory.mktemp("fresh"))
    fresh.pip_install(str(OUTPUT_DIR / "mock"), "pytest>=8.3,<10")
    return fresh


@pytest.fixture(scope="module")
def venv_with_client(venv: Venv) -> Venv:
    """The same venv, plus `pip install ./generated/client`."""
    venv.pip_install(str(OUTPUT_DIR / "client"))
    return venv


@pytest.fixture(scope="module")
def venv_with_extra(venv_with_client: Venv) -> Venv:
    """The same venv, plus the mock's `pytest` extra (its a2e-dubbing is the installed client)."""
    venv_with_client.pip_install(f"{OUTPUT_DIR / 'mock'}[pytest]")
    return venv_with_client


@pytest.fixture
def served(venv: Venv, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """`a2e-dubbing-mock serve --port 0 --db :memory:` from the venv's console script; its URL."""
    script = str(venv.bin / "a2e-dubbing-mock")
    command = [script, "serve", "--host", "127.0.0.1", "--port", "0", "--db", ":memory:"]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**venv.env, "PYTHONUNBUFFERED": "1"},
        cwd=tmp_path,
    )
    try:
        assert process.stdout is not None
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            ready = selector.select(timeout=60)
        line = process.stdout.readline() if ready else "(nothing printed in 60 s)"
        found = re.fullmatch(r"Listening on (http://127\.0\.0\.1:[0-9]+)\n", line)
        assert found is not None, line
        yield process, found.group(1)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=15)
        if process.stdout is not None:
            process.stdout.close()


def test_the_mock_console_script_serves_from_a_fresh_venv(
    served: tuple[subprocess.Popen[str], str], tmp_path: Path
) -> None:
    process, url = served
    answer = httpx.post(
        url + START,
        json={"source_url": "https://example.com/a.mp3", "target_lang": "en"},
        headers={"Authorization": "Bearer sk_fresh_venv"},
        timeout=10,
    )
    status, body = answer.status_code, answer.json()
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=15) == -signal.SIGTERM  # a graceful stop, as uvicorn ends
    assert status == 200
    assert body["code"] == 0
    assert isinstance(body["trace_id"], str)
    assert TASK_ID.fullmatch(body["data"][RECORD.id.wire])
    assert body["data"][RECORD.status.wire] == api.lifecycle().initial
    assert body["data"]["target_lang"] == "en"
    assert list(tmp_path.iterdir()) == []  # --db :memory: wrote no file


def test_the_plugin_loads_without_the_extra_and_says_what_is_missing(venv: Venv) -> None:
    result = venv.pytest(PLAIN_USER_TESTS, "plain-project")
    assert "1 passed, 1 error" in result.stdout, result.stdout + result.stderr
    assert "the a2e_client fixture needs the a2e-dubbing client" in result.stdout
    assert EXTRA_ADVICE in result.stdout


def test_the_client_installs_into_a_fresh_venv_and_works(
    venv_with_client: Venv, tmp_path: Path
) -> None:
    body = json.dumps(api.answer_example("dubbing.start"))  # the seed's answer, as the spec has it
    result = venv_with_client.run(
        str(venv_with_client.bin / "python"), "-c", CLIENT_SCRIPT, body, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["66ea4dd87db10c73fa29b570", "sent", "404"]


def test_a_downstream_project_uses_the_plugin_with_the_extra(venv_with_extra: Venv) -> None:
    result = venv_with_extra.pytest(USER_TESTS, "user-project")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout
