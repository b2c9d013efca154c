"""A short soak (the full one is `nox -s soak`) and crash recovery under load."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable

import httpx
import pytest
from a2e_dubbing import A2E, A2EError, APIConnectionError, AsyncA2E
from a2e_dubbing_mock.pytest_plugin import MockServer

from contract_tests import _api as api
from tests.soak._soak import soak

Factory = Callable[..., MockServer]
VALID = {"sent", "processing", "completed", "failed"}


def test_short_soak_under_faults_loses_and_duplicates_nothing(
    a2e_mock_server_factory: Factory,
) -> None:
    server = a2e_mock_server_factory(
        "--fault-rate", "0.1", "--seed", "11", "--processing-seconds", "1", "--log-level", "info"
    )
    result = soak(server, operations=1500, concurrency=32, tenants=4, seed=11, max_seconds=120)
    print(result.line())
    assert result.operations == 1500, result.line()
    assert result.requests >= result.operations  # the access log was read
    assert result.acknowledged > 300
    assert result.deleted > 50
    assert result.lost == []
    assert result.not_deleted == []
    assert result.duplicates == []
    assert result.invalid_state == []
    assert result.unexpected_5xx == []
    assert result.client_5xx == []
    assert result.untyped == []
    assert result.ok, result.line()
    assert result.line().endswith(" -- OK")


async def _start_until_killed(
    server: MockServer, worker: int, acknowledged: list[tuple[str, str]], stop: asyncio.Event
) -> None:
    """One client (a tenant of its own) starting tasks until the server dies under it."""
    rng = random.Random(worker)
    token = f"sk_crash_{worker:02d}_{rng.getrandbits(32):08x}"
    async with AsyncA2E(api_key=token, base_url=server.url, max_retries=0) as client:
        while not stop.is_set():
            try:
                task = await client.dubbing.start(
                    source_url=f"https://example.com/{rng.getrandbits(40):x}.mp3", target_lang="en"
                )
            except APIConnectionError:
                return
            acknowledged.append((token, task.task_id))


def test_kill_9_under_load_keeps_every_acknowledged_task_and_processing_resumes(
    a2e_mock_server_factory: Factory,
) -> None:
    server = a2e_mock_server_factory("--processing-seconds", "2")
    acknowledged: list[tuple[str, str]] = []

    async def load() -> None:
        stop = asyncio.Event()
        workers = [
            asyncio.create_task(_start_until_killed(server, worker, acknowledged, stop))
            for worker in range(16)
        ]
        deadline = time.monotonic() + 20
        while len(acknowledged) < 200 and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        await asyncio.to_thread(server.kill)  # SIGKILL while starts are in flight
        stop.set()
        await asyncio.gather(*workers)

    asyncio.run(load())
    assert len(acknowledged) >= 200
    server.start()  # the same database, a new process
    by_token: dict[str, list[str]] = {}
    for token, task_id in acknowledged:
        by_token.setdefault(token, []).append(task_id)
    assert len(by_token) > 1, "the acknowledged starts cover one tenant only"
    for token, ids in by_token.items():
        with A2E(api_key=token, base_url=server.url) as client:
            for task_id in ids:
                assert client.dubbing.get(task_id).current_status in VALID
            finished = [
                client.dubbing.wait(i, timeout=30, poll_interval=0.2).current_status for i in ids
            ]
            assert set(finished) == {"completed"}


def test_the_server_log_holds_no_token(a2e_mock_server_factory: Factory) -> None:
    server = a2e_mock_server_factory("--log-level", "debug")
    token = "sk_must_not_be_logged_123"
    with httpx.Client(base_url=server.url) as http:
        coins = api.op("account.remaining_coins").path
        http.get(coins, headers={"Authorization": f"Bearer {token}"})
        http.get(coins, headers={"Authorization": f"Token {token}"})
        http.request(
            **api.call("dubbing.get", task_id=token), headers={"Authorization": f"Bearer {token}"}
        )
    with (
        A2E(api_key=token, base_url=server.url, max_retries=0) as client,
        pytest.raises(A2EError) as caught,
    ):
        client.dubbing.get("0" * 24)
    assert token not in str(caught.value)
    server.stop()
    log = server.log.read_text()
    assert "getRemainingCoins" in log
    assert token not in log
