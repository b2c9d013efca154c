"""The app outlives its ASGI lifespans; only `close()` ends it, and then it says so."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from a2e_dubbing_mock import MockApp

from tests.mock.conftest import ID, Check, get_task, start_task

pytestmark = pytest.mark.anyio


async def run_lifespan(app: MockApp) -> None:
    """One ASGI lifespan, startup then shutdown, as a test harness runs it around a test."""
    incoming: list[dict[str, Any]] = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]
    answered: list[str] = []

    async def receive() -> dict[str, Any]:
        return incoming.pop(0)

    async def send(message: Any) -> None:
        answered.append(message["type"])

    await app({"type": "lifespan", "asgi": {"version": "3.0"}}, receive, send)
    assert answered == ["lifespan.startup.complete", "lifespan.shutdown.complete"]


async def test_the_app_answers_and_keeps_its_tasks_after_lifespans_end(
    app: MockApp, client: httpx.AsyncClient, check: Check
) -> None:
    # Found by the conformance gate: schemathesis (like other test clients) ends the
    # lifespan of an in-process app after each test and starts it again for the next one.
    # The shutdown used to close the database, so every later request got HTTP 500.
    task = await start_task(client)
    await run_lifespan(app)
    await run_lifespan(app)

    response = await get_task(client, task[ID])
    assert response.status_code == 200, response.text
    assert check("getDubbingTask", response)["data"][ID] == task[ID]
    another = await start_task(client)  # and it still writes
    assert another[ID] != task[ID]


async def test_a_closed_app_answers_503_saying_it_is_closed(
    app: MockApp, client: httpx.AsyncClient, check: Check
) -> None:
    app.close()
    response = await get_task(client, "0" * 24)
    assert response.status_code == 503
    body = check("getDubbingTask", response)
    assert body["code"] == 503
    assert "closed" in body["msg"]
    admin = await client.get("/__mock/health")
    assert admin.status_code == 503
