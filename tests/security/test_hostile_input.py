"""Hostile input against a live mock over a real socket: a 4xx that names the problem, never a
5xx or a hang, and the server stays up."""

from __future__ import annotations

import socket
import threading
from typing import Any

import httpx
import pytest
from a2e_dubbing_mock.pytest_plugin import MockServer

from contract_tests._api import op
from tests.mock.conftest import AUTH, COINS, SEED_BODY, START
from tests.mock.test_validation import CASES, Bad

# "../" in a task id: in a path it leaves the operation's path (404); in a query, the id is
# refused (400).
DOT_SEGMENTS = (
    (404, ("path", "no operation"))
    if op("dubbing.get").param("task_id").where == "path"
    else (400, ("_id", "must match"))
)
# What only a real socket can carry, or what the in-process corpus does not cover.
SOCKET_CASES = {
    "path traversal in the id": Bad("dubbing.delete", 404, ("path", "no operation"), values={"task_id": "../../etc/passwd"}),
    "dot segments in the id": Bad("dubbing.get", *DOT_SEGMENTS, values={"task_id": "../../../etc/passwd"}),
    "SQL in the id": Bad("dubbing.get", 400, ("_id", "must match"), values={"task_id": "' OR '1'='1' --"}),
    "SQL in the path id": Bad("dubbing.delete", 400, ("_id",), values={"task_id": "1;DROP TABLE tasks"}),
    "SQL in a name": Bad("dubbing.start", 200, (), json={**SEED_BODY, "name": "x'); DROP TABLE tasks; --"}),
    "NUL in a name": Bad("dubbing.start", 200, (), json={**SEED_BODY, "name": "a\u0000b"}),
    "bidi and zero-width name": Bad("dubbing.start", 200, (), json={**SEED_BODY, "name": "\u202egnp.exe\u200b"}),
    "emoji name": Bad("dubbing.start", 200, (), json={**SEED_BODY, "name": "🎙️ episode ✓"}),
    "negative huge page": Bad("dubbing.list", 400, ("pageNum",), values={"page_num": "-99999999999999999999"}),
    "exponent page": Bad("dubbing.list", 400, ("pageSize",), values={"page_size": "1e3"}),
    "token in the query": Bad("account.remaining_coins", 401, ("Authorization", "missing"), query="?token=sk_x"),
    "lower-case bearer": Bad("account.remaining_coins", 200, (), headers={"Authorization": "bearer sk_ok_token"}),
}  # fmt: skip


def _send(server: MockServer, case: Bad) -> tuple[int, dict[str, Any]]:
    with httpx.Client(base_url=server.url, timeout=10.0) as http:
        response = http.request(**case.request())
    return response.status_code, response.json()


@pytest.mark.parametrize("case", CASES.values(), ids=list(CASES))
def test_the_corpus_over_a_socket(a2e_mock_server_session: MockServer, case: Bad) -> None:
    status, body = _send(a2e_mock_server_session, case)
    case.assert_answered(status, body)


@pytest.mark.parametrize("case", SOCKET_CASES.values(), ids=list(SOCKET_CASES))
def test_more_hostile_input(a2e_mock_server_session: MockServer, case: Bad) -> None:
    status, body = _send(a2e_mock_server_session, case)
    if case.status == 200:  # odd but valid: accepted, stored and echoed as given
        assert status == 200, body
        assert body["code"] == 0
        if case.json is not None:
            assert body["data"]["name"] == case.json["name"]
    else:
        case.assert_answered(status, body)


def _raw(server: MockServer, request: bytes, *, timeout: float = 10.0) -> bytes:
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


# Requests that break HTTP/1.1 framing. uvicorn's parser (httptools) rejects each before a
# request exists, so the app is never called and cannot answer in the A2E envelope: uvicorn
# logs "Invalid HTTP request received." and answers a plain-text 400 itself, then closes.
# What the test holds it to: exactly that 400, nothing echoed, and the server still serving.
FRAMING_400 = b"Invalid HTTP request received."
MALFORMED_HTTP = {
    # A header line starting with whitespace (obsolete line folding, RFC 9112 section 5.2):
    # a classic way to smuggle a header past a proxy; the parser refuses the header block.
    "obs-fold header": f"GET {COINS} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk_a\r\n\tX-Injected: 1\r\nConnection: close\r\n\r\n".encode(),
    # A CR not followed by LF inside the header block (header injection / smuggling): the
    # parser stops at the bare CR, before any header is handed on.
    "bare CR in a header": f"GET {COINS} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk_a\rX-Injected: 1\r\nConnection: close\r\n\r\n".encode(),
    # A request line with four parts (a space in the path): there is no request target to route.
    "space in the path": f"GET {COINS[:-3]} {COINS[-3:]} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode(),
    # Content-Length -1: the body's length is unknown, so the message has no end.
    "negative length": f"POST {START} HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\nConnection: close\r\n\r\n{{}}".encode(),
    # A TLS ClientHello on the plain-HTTP port: not an HTTP request line at all.
    "TLS to a plain port": b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64,
}  # fmt: skip


@pytest.mark.parametrize("request_bytes", MALFORMED_HTTP.values(), ids=list(MALFORMED_HTTP))
def test_malformed_http_gets_the_framing_400_and_the_server_stays_up(
    a2e_mock_server_session: MockServer, request_bytes: bytes
) -> None:
    server = a2e_mock_server_session
    rejected_before = server.log.read_text(errors="replace").count(FRAMING_400.decode())
    answer = _raw(server, request_bytes)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 "), answer[:200]
    assert b"content-type: text/plain" in head.lower()
    assert b"connection: close" in head.lower()
    assert body == FRAMING_400  # uvicorn's, so the app never saw the request
    assert b"X-Injected" not in answer
    rejected = server.log.read_text(errors="replace").count(FRAMING_400.decode())
    assert rejected == rejected_before + 1  # logged by uvicorn before it answered
    with httpx.Client(base_url=server.url, timeout=10.0) as http:
        follow_up = http.get(COINS, headers=AUTH)
    assert follow_up.status_code == 200, follow_up.text
    assert follow_up.json()["code"] == 0


def test_a_slow_client_does_not_hold_up_the_others(a2e_mock_server_session: MockServer) -> None:
    host, port = a2e_mock_server_session.url.removeprefix("http://").split(":")
    slow = socket.create_connection((host, int(port)))
    slow.sendall(f"POST {START} HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{{".encode())
    try:
        with httpx.Client(base_url=a2e_mock_server_session.url, timeout=5.0) as http:
            for _ in range(20):
                assert http.get(COINS, headers=AUTH).status_code == 200
    finally:
        slow.close()


def test_a_burst_of_garbage_from_many_threads_leaves_the_server_up(
    a2e_mock_server_session: MockServer,
) -> None:
    statuses: list[int] = []

    def hammer(seed: int) -> None:
        with httpx.Client(base_url=a2e_mock_server_session.url, timeout=10.0) as http:
            for i in range(40):
                response = http.post(
                    START,
                    content=bytes((seed * 31 + i * 7 + k) % 256 for k in range(i * 13)),
                    headers={**AUTH, "content-type": "application/json"},
                )
                statuses.append(response.status_code)

    threads = [threading.Thread(target=hammer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(statuses) == 320
    assert all(400 <= s < 500 for s in statuses), sorted(set(statuses))
    with httpx.Client(base_url=a2e_mock_server_session.url) as http:
        assert http.get("/__mock/health").status_code == 200
    assert "internal error" not in a2e_mock_server_session.log.read_text()
