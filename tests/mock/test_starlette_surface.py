"""The mock's HTTP surface on Starlette: routing, envelopes, headers, storage, access log."""

from __future__ import annotations

import asyncio
import io
import logging
import re
import urllib.parse
import wave
from collections.abc import Callable, MutableMapping
from typing import Any

import httpx
import orjson
import pytest
from a2e_dubbing_mock import ConnectionDropped, MockApp, _http, create_app
from a2e_dubbing_mock.pytest_plugin import MockServer
from hypothesis import example, given, settings
from hypothesis import strategies as st

from contract_tests._api import Op, call, op, operations
from tests.mock.conftest import (
    AUTH,
    COINS,
    ID,
    SEED_BODY,
    START,
    TOKEN,
    TRANSFER,
    Check,
    delete_task,
    get_task,
    start_task,
    unsigned,
)

pytestmark = pytest.mark.anyio

TWICE = [("Authorization", f"Bearer {TOKEN}"), ("Authorization", "Bearer sk_someone_else")]


async def test_two_authorization_headers_are_refused(
    client: httpx.AsyncClient, check: Check
) -> None:
    api = await client.get(COINS, headers=TWICE)
    same_twice = await client.get(COINS, headers=[*AUTH.items(), *AUTH.items()])
    admin = await client.post("/__mock/reset", headers=TWICE)
    for response in (api, same_twice, admin):
        assert response.status_code == 401
        assert response.json()["code"] == 401
        assert response.json()["msg"] == "Authorization: sent more than once"
    check("getRemainingCoins", api)
    assert TOKEN not in api.text


def methods(path: str) -> str:
    """The `Allow` header of a path: the spec's methods there."""
    return ", ".join(sorted(o.method for o in operations() if o.path == path))


def _templated() -> Op:
    return next(o for o in operations() if "{" in o.path)


# (a templated operation, a literal path of the spec that fits its template but has no
# operation of that method): the literal path must answer 405, not hand its last part to the
# templated operation as a parameter.
SHADOWED = [
    (o, path)
    for o in operations()
    if "{" in o.path
    for path in dict.fromkeys(p.path for p in operations() if "{" not in p.path)
    if o.fits(path) and o.method not in methods(path).split(", ")
]


@pytest.mark.parametrize(
    ("templated", "path"), SHADOWED, ids=[f"{o.method} {path}" for o, path in SHADOWED]
)
async def test_a_literal_path_wins_for_every_method(
    client: httpx.AsyncClient, templated: Op, path: str
) -> None:
    response = await client.request(templated.method, path, headers=AUTH)
    assert response.status_code == 405
    assert response.headers["allow"] == methods(path)
    assert set(response.json()) == {"code", "msg", "trace_id"}


def test_the_spec_has_a_literal_path_that_fits_a_template() -> None:
    assert SHADOWED, "no literal path fits a templated one: the routing test checks nothing"


async def test_head_is_allowed_only_where_it_is_listed(client: httpx.AsyncClient) -> None:
    task = await start_task(client)
    detail = call("dubbing.get", task_id=task[ID])
    head = await client.head(detail["url"], headers=AUTH)
    assert head.status_code == 405
    assert head.headers["allow"] == methods(op("dubbing.get").path)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (START + "/x", "path: no operation at this path"),  # a trailing slash is tests/foreign's
        (re.sub(r"\{[^}]+\}", "a/b", _templated().path), "path: no operation at this path"),
        ("/__mock/nothing", "path: no mock endpoint at this path"),
        ("/__mock/tasks/not-an-id/advance", "path: no mock endpoint at this path"),
    ],
)
async def test_unknown_paths_are_404_envelopes(
    client: httpx.AsyncClient, path: str, message: str
) -> None:
    response = await client.post(path, headers=AUTH)
    assert response.status_code == 404
    assert response.json()["code"] == 404
    assert response.json()["msg"] == message


async def test_a_templated_path_hands_its_parameter_to_the_operation(
    client: httpx.AsyncClient, check: Check
) -> None:
    task = await start_task(client)
    deleted = await delete_task(client, task[ID])
    again = await delete_task(client, task[ID])
    assert check("deleteDubbingTask", deleted)["code"] == 0
    assert again.json()["code"] == 404


@pytest.mark.parametrize(
    ("source", "name"),
    [
        ("https://example.com/media/interview.mp3", "interview.mp3"),
        ("https://example.com/media/a%2Fb%20c.mp3", "a%2Fb%20c.mp3"),
        ("https://example.com/media/..", "file"),
        ("https://example.com/media/%2e%2e%2f%2e%2e%2fetc", "..%2F..%2Fetc"),
        ("https://example.com/media/%2e%2e", "file"),
        ("https://example.com/media/x%2f..", "x%2F.."),
    ],
)
async def test_the_storage_url_of_a_transfer_is_served(
    client: httpx.AsyncClient, check: Check, source: str, name: str
) -> None:
    answer = await client.post(TRANSFER, json={"url": source}, headers=AUTH)
    url = str(check("transferToStorage", answer)["data"]["url"])
    assert unsigned(url).endswith("/" + name)
    response = await client.get(url)  # like a signed URL: no token
    head = await client.head(url)
    assert response.status_code == 200
    assert response.headers["content-type"] == "audio/wav"
    with wave.open(io.BytesIO(response.content)) as audio:
        assert audio.getnframes() > 0
    assert head.status_code == 200
    assert head.content == b""
    assert int(head.headers["content-length"]) == len(response.content)


async def test_only_storage_urls_the_mock_could_have_made_are_served(
    app: MockApp, client: httpx.AsyncClient
) -> None:
    signer = app.uploads.signer  # signed as the mock signs: only the path is wrong
    wrong_key = await client.get(signer.url("", "/__mock/storage/not-hex-at-all!/a.mp3"))
    no_name = await client.get(signer.url("", "/__mock/storage/0123456789abcdef/"))
    wrong_method = await client.post("/__mock/storage/0123456789abcdef/a.mp3")
    assert (wrong_key.status_code, wrong_key.json()["code"]) == (404, 404)
    assert (no_name.status_code, no_name.json()["code"]) == (404, 404)
    assert wrong_method.status_code == 405
    assert wrong_method.headers["allow"] == "GET, HEAD"


def access_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "a2e_dubbing_mock"]


def outcome(line: str) -> str:
    """`METHOD label outcome X.Xms` -> outcome (the label is one word for operations)."""
    return line.split(" ", 2)[2].rsplit(" ", 1)[0]


async def test_the_access_log_marks_injected_faults(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="a2e_dubbing_mock")
    for value in ("status=503", "status=429", "code=1001"):
        await client.post(START, json=SEED_BODY, headers={**AUTH, "X-Mock-Fault": value})
    for value in ("reset", "drop-after-commit"):
        with pytest.raises(ConnectionDropped):
            await client.post(START, json=SEED_BODY, headers={**AUTH, "X-Mock-Fault": value})
    await get_task(client, "0" * 24)  # a real 404
    await client.post(START, json=SEED_BODY, headers=AUTH)
    lines = access_lines(caplog)
    assert [line.split(" ", 2)[:2] for line in lines] == [["POST", "startDubbing"]] * 5 + [
        [op("dubbing.get").method, "getDubbingTask"],
        ["POST", "startDubbing"],
    ]
    assert [outcome(line) for line in lines] == [
        "503 injected",
        "429 injected",
        "200 code=1001 injected",
        "reset injected",
        "dropped after commit injected",
        "404",
        "200",
    ]
    assert all(line.endswith("ms") for line in lines)


async def test_the_access_log_names_admin_calls_and_unknown_paths(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="a2e_dubbing_mock")
    await client.get("/__mock/health")
    await client.get("/__mock/nothing")
    await client.get("/api/v1/nothing")
    assert [line.rsplit(" ", 1)[0] for line in access_lines(caplog)] == [
        "GET mock health 200",
        "GET mock 404",
        "GET unknown path 404",
    ]


async def test_an_endless_body_is_refused_after_the_limit_not_at_its_end(app: MockApp) -> None:
    chunk = b"x" * (256 * 1024)
    read = 0
    sent: list[MutableMapping[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal read
        read += 1
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": START,
        "raw_path": START.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"mock.test"),
            (b"authorization", f"Bearer {TOKEN}".encode()),
            (b"content-type", b"application/json"),
            (b"transfer-encoding", b"chunked"),
        ],
        "server": ("127.0.0.1", 80),
        "client": ("127.0.0.1", 5000),
    }
    await app(scope, receive, send)
    assert sent[0]["status"] == 413
    assert (b"connection", b"close") in sent[0]["headers"]
    assert orjson.loads(sent[1]["body"])["code"] == 413
    assert read == _http.MAX_BODY // len(chunk) + 1  # not one chunk more than needed


def test_over_a_socket_storage_is_served_and_faults_are_logged_as_injected(
    serve: Callable[..., MockServer],
) -> None:
    server = serve("--log-level", "info")
    with server.client(headers=AUTH) as http:
        url = http.post(TRANSFER, json={"url": "https://example.com/x/song.mp3"}).json()["data"]
        stored = httpx.get(url["url"], timeout=10)  # no token: like a signed URL
        head = http.head(url["url"])
        faulted = http.post(START, json=SEED_BODY, headers={"X-Mock-Fault": "status=503"})
        with pytest.raises(httpx.TransportError):
            http.post(START, json=SEED_BODY, headers={"X-Mock-Fault": "reset"})
        twice = http.get(COINS, headers=TWICE)
    server.stop()
    assert url["url"].startswith(server.url + "/__mock/storage/")
    assert (stored.status_code, stored.headers["content-type"]) == (200, "audio/wav")
    assert (head.status_code, head.content) == (200, b"")
    assert int(head.headers["content-length"]) == len(stored.content)
    assert (faulted.status_code, twice.status_code) == (503, 401)
    log = server.log.read_text()
    assert "GET mock storage 200 " in log
    assert "POST startDubbing 503 injected " in log
    assert "POST startDubbing reset injected " in log
    assert "GET getRemainingCoins 401 " in log
    assert TOKEN not in log


@settings(max_examples=60, deadline=None)
@given(segment=st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12))
@example(segment="../../etc")
@example(segment="./")
@example(segment="\n")  # the route's {name:path} matches no line break
def test_every_url_a_transfer_answers_serves_the_file(segment: str) -> None:
    source = "https://example.com/media/" + urllib.parse.quote(segment, safe="")

    async def transfer_and_fetch() -> tuple[httpx.URL, httpx.Response]:
        app = create_app(db=":memory:")
        try:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://mock.test") as http:
                answer = await http.post(TRANSFER, json={"url": source}, headers=AUTH)
                url = httpx.URL(answer.json()["data"]["url"])
                return url, await http.get(url)
        finally:
            app.close()

    url, response = asyncio.run(transfer_and_fetch())
    assert url.path.startswith("/__mock/storage/")  # after any dot segment is resolved
    assert response.status_code == 200, (source, str(url))
    assert response.headers["content-type"] == "audio/wav"
