"""Injected faults over a real socket (`a2e-dubbing-mock serve`), and a `--db :memory:` server."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from a2e_dubbing_mock.pytest_plugin import MockServer

from contract_tests._api import call
from tests.mock.conftest import (
    AUTH,
    COINS,
    ID,
    LIST,
    PROCESSING,
    SEED_BODY,
    START,
    Check,
)

Serve = Callable[..., MockServer]


def fault(value: str) -> dict[str, str]:
    return {**AUTH, "X-Mock-Fault": value}


def task_count(http: httpx.Client) -> int:
    return int(http.get(LIST).json()["data"]["count"])


def test_a_429_fault_carries_retry_after_and_the_envelope(serve: Serve, check: Check) -> None:
    server = serve()
    with server.client(headers=AUTH) as http:
        default = http.post(START, json=SEED_BODY, headers=fault("status=429"))
        chosen = http.get(COINS, headers=fault("status=429; retry-after=7"))
        started = task_count(http)
    default_body = check("startDubbing", default)
    chosen_body = check("getRemainingCoins", chosen)
    assert (default.status_code, default.headers["retry-after"]) == (429, "1")
    assert (chosen.status_code, chosen.headers["retry-after"]) == (429, "7")
    for body in (default_body, chosen_body):
        assert body["code"] == 429
        assert "retry after" in body["msg"]
        assert "data" not in body
    assert started == 0  # the fault answered before the start was done


@pytest.mark.parametrize("status", [500, 503])
def test_a_server_error_fault_answers_that_status_and_does_nothing(
    serve: Serve, check: Check, status: int
) -> None:
    server = serve()
    with server.client(headers=AUTH) as http:
        response = http.post(START, json=SEED_BODY, headers=fault(f"status={status}"))
        started = task_count(http)
    body = check("startDubbing", response)
    assert response.status_code == status
    assert body["code"] == status
    assert "retry-after" not in response.headers
    assert started == 0


def test_a_delay_fault_waits_then_does_the_work(serve: Serve, check: Check) -> None:
    server = serve()
    with server.client(headers=AUTH) as http:
        before = time.perf_counter()
        response = http.post(START, json=SEED_BODY, headers=fault("delay=300ms"))
        waited = time.perf_counter() - before
        started = task_count(http)
    assert check("startDubbing", response)["code"] == 0
    assert waited >= 0.3  # it did wait (a lower bound only: no upper limit is checked)
    assert started == 1


def test_a_bad_fault_header_without_a_documented_400_is_http_200_with_code_400(
    serve: Serve, check: Check
) -> None:
    server = serve()
    with server.client(headers=AUTH) as http:
        unknown = http.get(COINS, headers=fault("explode"))
        undocumented = http.get(PROCESSING, headers=fault("status=404"))
        documented = http.post(START, json=SEED_BODY, headers=fault("status=abc"))
    assert unknown.status_code == 200
    assert check("getRemainingCoins", unknown)["code"] == 400
    assert undocumented.status_code == 200
    assert check("listProcessingDubbingTasks", undocumented)["msg"].startswith("X-Mock-Fault:")
    assert documented.status_code == 400  # startDubbing documents 400
    assert check("startDubbing", documented)["code"] == 400


def outcomes(server: MockServer, requests: int = 24) -> list[str]:
    """What each of `requests` GET remainingCoins got: a status (with Retry-After) or "dropped"."""
    seen = []
    # One connection per request: a reset must not cost the next request its connection.
    limits = httpx.Limits(max_keepalive_connections=0)
    with server.client(headers=AUTH, limits=limits) as http:
        for _ in range(requests):
            before = time.perf_counter()
            try:
                response = http.get(COINS)
            except httpx.TransportError:
                seen.append("dropped")  # a reset, or a drop after commit
                continue
            if response.status_code == 200:  # with a fault rate of 1, only after a delay
                waited = time.perf_counter() - before
                seen.append("200 after a delay" if waited >= 0.25 else "200 at once")
                continue
            retry = response.headers.get("retry-after")
            seen.append(f"{response.status_code}" + (f" retry-after={retry}" if retry else ""))
        seen.append(f"admin {http.get('/__mock/health').status_code}")
    return seen


def test_the_seeded_fault_rate_gives_the_same_faults_over_the_socket(
    serve: Serve, tmp_path: Path
) -> None:
    first = outcomes(serve("--fault-rate", "1", "--seed", "11", db=tmp_path / "a.sqlite3"))
    again = outcomes(serve("--fault-rate", "1", "--seed", "11", db=tmp_path / "b.sqlite3"))
    other = outcomes(serve("--fault-rate", "1", "--seed", "12", db=tmp_path / "c.sqlite3"))
    assert first == again
    assert first != other
    # Every request got a fault, and every kind shows: 429 (with Retry-After), 500, 503, a
    # delay (then 200), a reset or a drop after commit.
    assert set(first[:-1]) == {"429 retry-after=1", "500", "503", "200 after a delay", "dropped"}
    assert first[-1] == "admin 200"  # the admin endpoints never get a fault


def test_serve_with_an_in_memory_database_starts_answers_and_stops(
    serve: Serve, check: Check
) -> None:
    server = serve("--processing-seconds", "off", db=Path(":memory:"))
    with server.client(headers=AUTH) as http:
        task = check("startDubbing", http.post(START, json=SEED_BODY))["data"]
        found = check("getDubbingTask", http.request(**call("dubbing.get", task_id=task[ID])))[
            "data"
        ]
    assert found[ID] == task[ID]
    assert server.stop() == -signal.SIGTERM
    assert not Path(":memory:").exists()  # no file of that name in the working directory
    server.start()
    with server.client(headers=AUTH) as http:
        assert task_count(http) == 0  # nothing was kept
    assert server.stop() == -signal.SIGTERM
