"""`a2e-dubbing-mock serve` over a real socket: startup line, faults, durability, logs."""

from __future__ import annotations

import hashlib
import io
import signal
import socket
import sqlite3
import time
import wave
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from a2e_dubbing_mock.pytest_plugin import MockServer

from contract_tests._api import call, op
from tests.mock.conftest import (
    AUTH,
    COINS,
    ID,
    LANGUAGES,
    LIST,
    PROCESSING,
    RESULT,
    SEED_BODY,
    START,
    STATUS,
    TOKEN,
    TRANSFER,
    Check,
    unsigned,
)

Serve = Callable[..., MockServer]


def _address(server: MockServer) -> tuple[str, int]:
    parts = urlsplit(server.url)
    assert parts.hostname == "127.0.0.1"
    assert parts.port is not None
    return parts.hostname, parts.port


def raw_exchange(server: MockServer, request: bytes) -> bytes:
    """Send `request` on a plain TCP socket; everything received until the peer closes."""
    received = b""
    with socket.create_connection(_address(server), timeout=10) as sock:
        sock.sendall(request)
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except ConnectionResetError:
            pass
    return received


def test_serve_announces_itself_once_and_answers_every_operation(
    serve: Serve, check: Check
) -> None:
    server = serve("--processing-seconds", "off")
    with server.client(headers=AUTH) as http:
        task = check("startDubbing", http.post(START, json=SEED_BODY))["data"]
        check("getDubbingTask", http.request(**call("dubbing.get", task_id=task[ID])))
        check("listDubbingTasks", http.request(**call("dubbing.list", page_size=5)))
        check("listProcessingDubbingTasks", http.get(PROCESSING))
        check("getRemainingCoins", http.get(COINS))
        check("listLanguages", http.get(LANGUAGES))
        check("transferToStorage", http.post(TRANSFER, json={"url": "https://e.com/a.mp3"}))
        completed = http.post(f"/__mock/tasks/{task[ID]}/complete").json()["data"]
        result = http.get(completed[RESULT])
        check("deleteDubbingTask", http.request(**call("dubbing.delete", task_id=task[ID])))
    assert unsigned(completed[RESULT]) == f"{server.url}/__mock/results/{task[ID]}.wav"
    assert result.headers["content-type"] == "audio/wav"
    with wave.open(io.BytesIO(result.content)) as audio:
        assert audio.getnframes() > 0
    # uvicorn re-raises the SIGTERM once shut down (the database is closed by then): the
    # process ends as killed by it, 143 in a shell.
    assert server.stop() == -signal.SIGTERM
    assert "Application shutdown complete" in server.log.read_text()
    assert server.output == ""  # the Listening line was the only one


def test_a_reset_fault_is_a_connection_error_not_a_status(serve: Serve) -> None:
    server = serve()
    with server.client(headers=AUTH) as http:
        with pytest.raises(httpx.TransportError):
            http.get(COINS, headers={"X-Mock-Fault": "reset"})
        with pytest.raises(httpx.TransportError):
            http.post(START, json=SEED_BODY, headers={"X-Mock-Fault": "delay=50ms; reset"})
        count = http.get(LIST).json()["data"]["count"]
        healthy = http.get(COINS)
    raw = raw_exchange(
        server,
        f"GET {COINS} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n"
        "X-Mock-Fault: reset\r\n\r\n".encode(),
    )
    assert raw == b""  # no status line, no byte at all
    assert count == 0  # the reset came before the start was processed
    assert healthy.status_code == 200


def test_drop_after_commit_stores_the_task_but_loses_the_answer(serve: Serve) -> None:
    server = serve()
    with server.client(headers=AUTH) as http:
        with pytest.raises(httpx.TransportError):
            http.post(START, json=SEED_BODY, headers={"X-Mock-Fault": "drop-after-commit"})
        rows = http.get(LIST).json()["data"]["rows"]
    assert len(rows) == 1
    assert rows[0]["name"] == SEED_BODY["name"]


def test_a_restart_keeps_the_tasks_and_processing_resumes(
    serve: Serve, check: Check, tmp_path: Path
) -> None:
    db = tmp_path / "restart.sqlite3"
    first = serve("--processing-seconds", "1", db=db)
    with first.client(headers=AUTH) as http:
        tasks = [http.post(START, json=SEED_BODY).json()["data"] for _ in range(3)]
    first.stop()
    second = serve("--processing-seconds", "1", db=db)
    with second.client(headers=AUTH) as http:
        kept = check("listDubbingTasks", http.get(LIST))["data"]
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            statuses = {t[STATUS] for t in http.get(PROCESSING).json()["data"]}
            if not statuses:
                break
            time.sleep(0.1)
        done = [http.request(**call("dubbing.get", task_id=t[ID])).json()["data"] for t in tasks]
    assert {r[ID] for r in kept["rows"]} == {t[ID] for t in tasks}
    assert {d[STATUS] for d in done} == {"completed"}


def test_kill_9_right_after_acknowledged_starts_keeps_every_task(
    serve: Serve, tmp_path: Path
) -> None:
    db = tmp_path / "durable.sqlite3"
    first = serve(db=db)

    def start(number: int) -> Any:
        with first.client(headers=AUTH) as http:
            response = http.post(START, json={**SEED_BODY, "name": f"task {number}"})
            assert response.status_code == 200
            return response.json()["data"][ID]

    with ThreadPoolExecutor(max_workers=8) as pool:  # concurrent: one group commit, many tasks
        acknowledged = set(pool.map(start, range(24)))
    first.kill()
    second = serve(db=db)
    with second.client(headers=AUTH) as http:
        page = http.request(**call("dubbing.list", page_size=100)).json()["data"]
    assert {r[ID] for r in page["rows"]} == acknowledged
    assert page["count"] == 24


def test_sigterm_closes_the_database_cleanly(serve: Serve, tmp_path: Path) -> None:
    db = tmp_path / "closed.sqlite3"
    server = serve(db=db)
    with server.client(headers=AUTH) as http:
        started = {http.post(START, json=SEED_BODY).json()["data"][ID] for _ in range(5)}
    wal = db.with_name(db.name + "-wal")
    assert wal.exists()  # the server holds the database open in WAL mode
    assert server.stop() == -signal.SIGTERM  # 143 in a shell: killed by the signal it got
    assert not wal.exists()  # checkpointed into the file and removed by the last close
    assert not db.with_name(db.name + "-shm").exists()
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        (integrity,) = conn.execute("PRAGMA integrity_check").fetchone()
        stored = {task_id for (task_id,) in conn.execute("SELECT id FROM tasks")}
    finally:
        conn.close()
    assert integrity == "ok"
    assert stored == started
    assert "Application shutdown complete" in server.log.read_text()


def test_tokens_never_reach_the_logs_or_the_database(serve: Serve, tmp_path: Path) -> None:
    db = tmp_path / "secret.sqlite3"
    server = serve("--log-level", "debug", db=db)
    secret = TOKEN.encode()
    with server.client(headers=AUTH) as http:
        task = http.post(START, json=SEED_BODY).json()["data"]
        http.request(**call("dubbing.get", task_id=task[ID]))
        http.get(op("dubbing.delete").url(task_id=TOKEN))  # a token in the path: 4xx, not logged
        http.get(COINS, headers={"Authorization": f"Basic {TOKEN}"})
        http.get(COINS, headers={"Authorization": f"Bearer {TOKEN} extra"})
        http.post(f"/__mock/tasks/{task[ID]}/fail", json={"message": "x"})
    server.stop()
    log = server.log.read_text()
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("secret.sqlite3*"))
    assert "startDubbing 200" in log  # the access log is there...
    assert TOKEN not in log  # ...without the token
    assert secret not in stored
    assert hashlib.sha256(secret).hexdigest().encode() in stored  # the tenant is its hash


def test_an_oversized_body_is_refused_before_it_is_all_sent(serve: Serve) -> None:
    server = serve()
    head = (
        f"POST {START} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n"
        "Content-Type: application/json\r\nContent-Length: 50000000\r\n\r\n"
    ).encode()
    answer = raw_exchange(server, head + b"{" + b" " * 1000)  # 1 KB of the announced 50 MB
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert b'"code":413' in answer


def test_rate_limit_and_token_restriction_over_the_socket(serve: Serve) -> None:
    server = serve("--rate-limit", "1", "--token", TOKEN)
    with server.client() as http:
        first = http.get(COINS, headers=AUTH)
        second = http.get(COINS, headers=AUTH)
        stranger = http.get(COINS, headers={"Authorization": "Bearer sk_stranger"})
    assert first.status_code == 200
    assert second.status_code == 429
    assert int(second.headers["retry-after"]) >= 1
    assert stranger.status_code == 401


@pytest.mark.parametrize(
    "options",
    [
        ["--fault-rate", "2"],
        ["--processing-seconds", "-1"],
        ["--token", "abc"],
        ["--rate-limit", "0"],
    ],
)
def test_bad_options_are_refused(options: list[str], tmp_path: Path) -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "a2e_dubbing_mock",
            "serve",
            "--port",
            "0",
            "--db",
            ":memory:",
            *options,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
