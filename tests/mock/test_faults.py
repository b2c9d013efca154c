"""Injected faults in-process: X-Mock-Fault, the seeded fault rate, and the rate limit."""

from __future__ import annotations

import time

import httpx
import pytest
from a2e_dubbing_mock import ConnectionDropped, ManualClock, create_app

from tests.mock.conftest import AUTH, COINS, LIST, OTHER_AUTH, SEED_BODY, START, Check

pytestmark = pytest.mark.anyio


async def count(client: httpx.AsyncClient) -> int:
    return int((await client.get(LIST, headers=AUTH)).json()["data"]["count"])


def fault(value: str) -> dict[str, str]:
    return {**AUTH, "X-Mock-Fault": value}


@pytest.mark.parametrize("status", [500, 503, 502])
async def test_a_status_fault_answers_before_anything_happens(
    client: httpx.AsyncClient, check: Check, status: int
) -> None:
    response = await client.post(START, json=SEED_BODY, headers=fault(f"status={status}"))
    body = check("startDubbing", response)
    assert response.status_code == status
    assert body["code"] == status
    assert await count(client) == 0


async def test_429_carries_retry_after(client: httpx.AsyncClient, check: Check) -> None:
    default = await client.get(COINS, headers=fault("status=429"))
    chosen = await client.get(COINS, headers=fault("status=429; retry-after=2"))
    check("getRemainingCoins", default)
    check("getRemainingCoins", chosen)
    assert (default.status_code, default.headers["retry-after"]) == (429, "1")
    assert (chosen.status_code, chosen.headers["retry-after"]) == (429, "2")


async def test_a_code_fault_is_http_200_with_an_error_envelope(
    client: httpx.AsyncClient, check: Check
) -> None:
    response = await client.post(START, json=SEED_BODY, headers=fault("code=1001"))
    body = check("startDubbing", response)
    assert response.status_code == 200
    assert body["code"] == 1001
    assert "data" not in body
    assert await count(client) == 0


async def test_a_delay_fault_waits_then_answers(client: httpx.AsyncClient, check: Check) -> None:
    started = time.perf_counter()
    response = await client.get(COINS, headers=fault("delay=250ms"))
    elapsed = time.perf_counter() - started
    assert check("getRemainingCoins", response)["code"] == 0
    assert elapsed >= 0.24


async def test_reset_in_process_raises_and_creates_nothing(client: httpx.AsyncClient) -> None:
    with pytest.raises(ConnectionDropped):
        await client.post(START, json=SEED_BODY, headers=fault("reset"))
    assert await count(client) == 0


async def test_drop_after_commit_in_process_raises_but_the_task_exists(
    client: httpx.AsyncClient,
) -> None:
    with pytest.raises(ConnectionDropped):
        await client.post(START, json=SEED_BODY, headers=fault("drop-after-commit"))
    assert await count(client) == 1


@pytest.mark.parametrize(
    "value",
    [
        "status=abc",
        "status=200",
        "status=503; reset",
        "delay=forever",
        "delay=61s",
        "reset=1",
        "code=0",
    ],
)
async def test_a_bad_fault_header_is_refused_with_a_reason(
    client: httpx.AsyncClient, check: Check, value: str
) -> None:
    response = await client.post(START, json=SEED_BODY, headers=fault(value))
    body = check("startDubbing", response)
    assert response.status_code == 400
    assert body["msg"].startswith("X-Mock-Fault:")
    assert await count(client) == 0


async def test_faults_never_touch_the_admin_endpoints(client: httpx.AsyncClient) -> None:
    response = await client.get("/__mock/health", headers={"X-Mock-Fault": "status=503"})
    assert response.status_code == 200


async def outcomes(rate: float, seed: int, requests: int = 40) -> list[str]:
    app = create_app(fault_rate=rate, seed=seed)
    seen = []
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://mock.test") as http:
            for _ in range(requests):
                try:
                    response = await http.get(COINS, headers=AUTH)
                except ConnectionDropped:
                    seen.append("dropped")
                else:
                    seen.append(str(response.status_code))
            seen.append(str((await http.get("/__mock/health")).status_code))
    finally:
        app.close()
    return seen


async def test_the_seeded_fault_rate_is_reproducible() -> None:
    first = await outcomes(0.5, seed=7)
    again = await outcomes(0.5, seed=7)
    other = await outcomes(0.5, seed=8)
    assert first == again
    assert first != other
    assert {"200", "429", "500", "503", "dropped"} <= set(first)
    assert first[-1] == "200"  # the admin endpoint never gets a fault
    assert 10 <= first.count("200") <= 32


async def test_no_fault_rate_means_no_faults() -> None:
    assert set(await outcomes(0.0, seed=7, requests=20)) == {"200"}


async def test_the_rate_limit_answers_429_per_token(check: Check) -> None:
    clock = ManualClock()
    app = create_app(clock=clock, rate_limit=2)
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://mock.test") as http:
            burst = [(await http.get(COINS, headers=AUTH)) for _ in range(3)]
            other = await http.get(COINS, headers=OTHER_AUTH)
            clock.advance(1.0)
            later = await http.get(COINS, headers=AUTH)
    finally:
        app.close()
    assert [r.status_code for r in burst] == [200, 200, 429]
    assert burst[2].headers["retry-after"] == "1"
    assert check("getRemainingCoins", burst[2])["msg"].startswith("rate limit:")
    assert other.status_code == 200
    assert later.status_code == 200
