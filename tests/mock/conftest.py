"""Fixtures of the mock's tests: the app in-process, and the server over a real socket."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from a2e_dubbing_mock import ManualClock, MockApp, create_app
from a2e_dubbing_mock.pytest_plugin import MockServer

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


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., MockServer]]:
    """`serve(*options, db=...)` starts `a2e-dubbing-mock serve --port 0`; stopped at the end."""
    started: list[MockServer] = []

    def start(*options: str, db: Path | None = None) -> MockServer:
        database = db if db is not None else tmp_path / "mock.sqlite3"
        log = tmp_path / f"server-{len(started)}.log"
        server = MockServer(database, options, log, TOKEN)
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()
