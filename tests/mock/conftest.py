"""Fixtures of the mock's tests: the app in-process, and the server over a real socket."""

from __future__ import annotations

import urllib.parse
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from a2e_dubbing_mock import ManualClock, MockApp, create_app
from a2e_dubbing_mock.pytest_plugin import MockServer

from contract_tests._api import call, op, record, request_example
from contract_tests._spec import Spec, load_spec
from contract_tests._strict import StrictValidator

TOKEN = "sk_test_alice_0123456789"
OTHER_TOKEN = "sk_test_bob_9876543210"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
OTHER_AUTH = {"Authorization": f"Bearer {OTHER_TOKEN}"}
# The paths of the operations that take no path parameter (the spec's); a request with values
# is `call("dubbing.get", task_id=...)`, which puts each value where the spec says.
START = op("dubbing.start").path
LIST = op("dubbing.list").path
PROCESSING = op("dubbing.list_processing").path
COINS = op("account.remaining_coins").path
LANGUAGES = op("languages.list").path
TRANSFER = op("storage.transfer").path
SEED_BODY: dict[str, Any] = request_example("dubbing.start")  # the seed's recorded request
# The task record's fields by role (the spec's `x-a2e-mock` hints), as wire names.
RECORD = record()
ID = RECORD.id.wire
STATUS = RECORD.status.wire
RESULT = RECORD.result.wire
FAILURE = RECORD.failure.wire  # the first field that says why a task failed
CREATED = RECORD.created.wire
UPDATED = RECORD.updated.wire
TENANT = RECORD.tenant.wire
STARTUP_TIMEOUT = 20.0


def unsigned(url: str) -> str:
    """A file URL the mock answered, without its query, which must be exactly its expiry
    and signature (`_signing`)."""
    parts = urllib.parse.urlsplit(url)
    names = sorted(name for name, _ in urllib.parse.parse_qsl(parts.query))
    assert names == ["expires", "signature"], url
    return urllib.parse.urlunsplit(parts._replace(query=""))


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


async def get_task(
    http: httpx.AsyncClient, task_id: str, auth: dict[str, str] = AUTH
) -> httpx.Response:
    """The answer to Get details of `task_id`."""
    return await http.request(**call("dubbing.get", task_id=task_id), headers=auth)


async def delete_task(
    http: httpx.AsyncClient, task_id: str, auth: dict[str, str] = AUTH
) -> httpx.Response:
    """The answer to Delete record of `task_id`."""
    return await http.request(**call("dubbing.delete", task_id=task_id), headers=auth)


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
