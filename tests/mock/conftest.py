"""Fixtures of the mock's tests: the app in-process, and the server over a real socket."""

from __future__ import annotations

import os
import selectors
import shutil
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from a2e_dubbing_mock import ManualClock, MockApp, create_app

from contract_tests._spec import Spec, load_spec
from contract_tests._strict import StrictValidator

TOKEN = "sk_test_alice_0123456789"
OTHER_TOKEN = "sk_test_bob_9876543210"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
OTHER_AUTH = {"Authorization": f"Bearer {OTHER_TOKEN}"}
START = "/api/v1/userDubbing/startDubbing"
DETAIL = "/api/v1/userDubbing/detail"
LIST = "/api/v1/userDubbing/allRecords"
PROCESSING = "/api/v1/userDubbing/processingRecord"
COINS = "/api/v1/user/remainingCoins"
LANGUAGES = "/api/v1/anchor/language_list"
TRANSFER = "/api/v1/tos/transferToStorage"
SEED_BODY = {
    "source_url": "https://dh24as48lv9ce.cloudfront.net/adam2eve/stable/user_voice_clone/b89f5b2e-2c7a-4de5-89b4-17ffee2799b6/audio.WAV",
    "name": "test",
    "target_lang": "en",
    "source_lang": "zh",
    "num_speakers": 1,
    "drop_background_audio": False,
}
STARTUP_TIMEOUT = 20.0


def task_path(task_id: str) -> str:
    return f"/api/v1/userDubbing/{task_id}"


@pytest.fixture(scope="session")
def spec() -> Spec:
    return load_spec()


@pytest.fixture(scope="session")
def strict(spec: Spec) -> StrictValidator:
    return StrictValidator(spec)


Check = Callable[[str, httpx.Response], Any]


@pytest.fixture(scope="session")
def check(spec: Spec, strict: StrictValidator) -> Check:
    """`check(operationId, response)`: the answer conforms strictly to the spec; its JSON."""

    def conforms(operation_id: str, response: httpx.Response) -> Any:
        body = response.json()
        violations = strict.check_response(spec.operation(operation_id), response.status_code, body)
        assert violations == [], [str(v) for v in violations]
        assert isinstance(body.get("trace_id"), str)
        return body

    return conforms


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def app(clock: ManualClock) -> Iterator[MockApp]:
    mock = create_app(clock=clock)
    yield mock
    mock.close()


@pytest.fixture
async def client(app: MockApp) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://mock.test") as http:
        yield http


async def start_task(http: httpx.AsyncClient, auth: dict[str, str] = AUTH, **body: Any) -> Any:
    """Start a task (the seed's request, changed by `body`); its record."""
    response = await http.post(START, json={**SEED_BODY, **body}, headers=auth)
    assert response.status_code == 200, response.text
    return response.json()["data"]


@dataclass
class Server:
    """A mock server started as a subprocess, bound to 127.0.0.1."""

    process: subprocess.Popen[str]
    url: str
    log: Path
    db: Path

    def client(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=10.0, **kwargs)

    def stop(self) -> int:
        """SIGTERM and wait; the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait(timeout=15)

    def kill(self) -> None:
        """SIGKILL: no chance to flush or close anything."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=15)

    def rest_of_stdout(self) -> str:
        assert self.process.stdout is not None
        return self.process.stdout.read()


def _command() -> list[str]:
    script = Path(sys.executable).parent / "a2e-dubbing-mock"
    if script.exists():
        return [str(script)]
    found = shutil.which("a2e-dubbing-mock")
    return [found] if found else [sys.executable, "-m", "a2e_dubbing_mock"]


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """`serve(*options, db=...)` starts `a2e-dubbing-mock serve --port 0`; stopped at the end."""
    started: list[Server] = []

    def start(*options: str, db: Path | None = None) -> Server:
        database = db if db is not None else tmp_path / "mock.sqlite3"
        log = tmp_path / f"server-{len(started)}.log"
        command = [
            *_command(),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--db",
            str(database),
            *options,
        ]
        with log.open("w") as stderr:
            process = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=stderr, text=True, env=_env()
            )
        server = Server(process, "", log, database)
        started.append(server)
        line = _first_line(process)
        assert line.startswith("Listening on http://127.0.0.1:"), (line, log.read_text())
        server.url = line.removeprefix("Listening on ").strip()
        return server

    yield start
    for server in started:
        server.stop()
        if server.process.stdout is not None:
            server.process.stdout.close()


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _first_line(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout=STARTUP_TIMEOUT):
            process.kill()
            pytest.fail("the mock server did not print its Listening line in time")
    return process.stdout.readline()
