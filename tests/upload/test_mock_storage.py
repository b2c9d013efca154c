"""The mock's storage: a presigned URL takes one PUT of a file, streamed to disk, and the
file is then served at the URL a task's `source_url` uses; every other PUT is refused in
A2E's envelope and stores nothing."""

from __future__ import annotations

import asyncio
import hashlib
import tracemalloc
import urllib.parse
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from a2e_dubbing_mock import ManualClock, MockApp, create_app
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contract_tests._strict import StrictValidator

from ._spec import NAMES, PRESIGN, SPEC, START, presign_body, record_field, start_body, wav

pytestmark = pytest.mark.anyio
TOKEN = "sk_test_uploader_alice"
OTHER = "sk_test_uploader_bob"
LIMIT = 64 * 1024


def auth(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def app(clock: ManualClock) -> Iterator[MockApp]:
    app = create_app(clock=clock, max_upload_bytes=LIMIT)
    yield app
    app.close()


@pytest.fixture
async def http(app: MockApp) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app), base_url="http://mock"
    ) as client:
        yield client


async def presign(http: httpx.AsyncClient, key: str = "talks/talk.wav", token: str = TOKEN) -> Any:
    answer = await http.request(
        PRESIGN.method.upper(), PRESIGN.path, json=presign_body(key), headers=auth(token)
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    problems = StrictValidator(SPEC).check_response(PRESIGN, 200, body)
    assert problems == []
    return body["data"]


def stored(app: MockApp) -> list[Path]:
    return sorted(app.uploads.folder.rglob("*.data")) if app.uploads.folder.exists() else []


def refused(answer: httpx.Response, status: int, words: str) -> None:
    """An error in A2E's envelope: `code` is the HTTP status, `msg` says what to do."""
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert body["code"] == status
    assert words in body["msg"]
    assert body["trace_id"]


async def test_a_presigned_url_takes_one_put_and_the_file_is_served(
    http: httpx.AsyncClient, app: MockApp
) -> None:
    data = await presign(http, "a2e-dubbing-1/My talk.wav")
    put_url, url = data[NAMES["put"]], data[NAMES["url"]]
    assert data[NAMES["name"]] == "a2e-dubbing-1/My talk.wav"  # echoed, as the spec says
    assert data[NAMES["expires"]] == 3600
    put_parts, url_parts = urllib.parse.urlsplit(put_url), urllib.parse.urlsplit(url)
    assert put_parts.path == url_parts.path  # the same object, signed to PUT and to GET
    assert put_parts.query != url_parts.query
    assert urllib.parse.unquote(url_parts.path).endswith("/My talk.wav")
    refused(await http.get(url), 404, "no uploaded file")  # nothing there yet

    content = wav(1.5)
    put = await http.put(put_url, content=content, headers={"Content-Type": "audio/wav"})
    assert put.status_code == 200, put.text
    assert put.headers["etag"] == f'"{hashlib.md5(content).hexdigest()}"'  # noqa: S324 - S3's ETag

    got = await http.get(url)  # no token: A2E fetches it as a task's source
    assert (got.status_code, got.content, got.headers["content-type"]) == (
        200,
        content,
        "audio/wav",
    )
    assert got.headers["etag"] == put.headers["etag"]
    head = await http.head(url)
    assert (head.status_code, head.headers["content-length"], head.content) == (
        200,
        str(len(content)),
        b"",
    )
    part = await http.get(url, headers={"Range": "bytes=0-3"})
    assert (part.status_code, part.content) == (206, b"RIFF")

    again = await http.put(put_url, content=b"another file")
    refused(again, 409, "used already")
    assert (await http.get(url)).content == content  # the first upload stays
    assert len(stored(app)) == 1


async def test_each_answer_is_a_new_unguessable_url(http: httpx.AsyncClient) -> None:
    first, second = await presign(http, "same.wav"), await presign(http, "same.wav")
    assert first[NAMES["url"]] != second[NAMES["url"]]
    slot = urllib.parse.urlsplit(first[NAMES["url"]]).path.split("/")[-2]
    assert len(slot) == 32
    assert int(slot, 16) >= 0


_PARTS = st.sampled_from(["user", "slot", "name", "expires", "signature", "drop"])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(changes=st.lists(st.tuples(_PARTS, st.integers(0, 2**32)), min_size=1, max_size=3))
async def test_a_changed_url_is_refused_and_stores_nothing(
    http: httpx.AsyncClient, app: MockApp, changes: list[tuple[str, int]]
) -> None:
    put_url = (await presign(http))[NAMES["put"]]
    changed = _changed(put_url, changes)
    if changed == put_url:
        return
    answer = await http.put(changed, content=b"not yours")
    assert answer.status_code in (403, 404), answer.text
    assert answer.json()["code"] == answer.status_code
    assert stored(app) == []
    # The URL as answered still works.
    assert (await http.put(put_url, content=b"mine")).status_code == 200
    for path in stored(app):  # keep the next example's count clean
        path.unlink()


def _changed(url: str, changes: list[tuple[str, int]]) -> str:
    parts = urllib.parse.urlsplit(url)
    segments = parts.path.split("/")  # ['', '__mock', 'uploads', user, slot, name]
    query = dict(urllib.parse.parse_qsl(parts.query))
    for part, number in changes:
        if part == "user":
            segments[3] = f"{number:024x}"[-24:]
        elif part == "slot":
            segments[4] = f"{number:032x}"[-32:]
        elif part == "name":
            segments[5] = f"other{number}.wav"
        elif part == "expires":
            query["expires"] = str(int(query.get("expires", "0") or 0) + number + 1)
        elif part == "signature":
            signature = query.get("signature", "0" * 64)
            flipped = f"{int(signature[:8], 16) ^ (number | 1):08x}"[-8:]
            query["signature"] = flipped + signature[8:]
        else:
            query.pop(["expires", "signature"][number % 2], None)
    return urllib.parse.urlunsplit(
        parts._replace(path="/".join(segments), query=urllib.parse.urlencode(query))
    )


async def test_an_expired_url_is_refused(
    http: httpx.AsyncClient, app: MockApp, clock: ManualClock
) -> None:
    early, late = await presign(http), await presign(http)
    clock.advance(early[NAMES["expires"]])  # the last second it is valid
    assert (await http.put(early[NAMES["put"]], content=b"in time")).status_code == 200
    clock.advance(1.5)
    refused(await http.put(late[NAMES["put"]], content=b"late"), 403, "expired")
    assert len(stored(app)) == 1


async def test_a_put_needs_its_signature_and_a_length(
    http: httpx.AsyncClient, app: MockApp
) -> None:
    data = await presign(http)
    unsigned = data[NAMES["url"]].split("?")[0]
    refused(await http.put(unsigned, content=b"x"), 403, "signature: missing")
    # the URL that reads it does not take a PUT
    refused(await http.put(data[NAMES["url"]], content=b"x"), 403, "does not match")

    async def chunked() -> AsyncIterator[bytes]:
        yield b"no length"

    refused(await http.put(data[NAMES["put"]], content=chunked()), 411, "Content-Length")
    assert stored(app) == []


async def test_a_file_larger_than_the_limit_is_refused_before_its_body_is_read(
    http: httpx.AsyncClient, app: MockApp
) -> None:
    data = await presign(http)
    pulled = [0]

    async def body() -> AsyncIterator[bytes]:
        for _ in range(LIMIT // 1024 + 1):
            pulled[0] += 1024
            yield b"x" * 1024

    answer = await http.put(
        data[NAMES["put"]], content=body(), headers={"Content-Length": str(LIMIT + 1024)}
    )
    refused(answer, 413, f"larger than the storage takes ({LIMIT} bytes)")
    assert pulled[0] <= 1024  # refused on its Content-Length: the body was not read
    assert stored(app) == []
    exact = await http.put(data[NAMES["put"]], content=b"x" * LIMIT)  # the limit itself is fine
    assert exact.status_code == 200, exact.text


async def test_a_body_that_ends_early_stores_nothing_and_the_url_stays_usable(
    http: httpx.AsyncClient, app: MockApp
) -> None:
    data = await presign(http)
    url = urllib.parse.urlsplit(data[NAMES["put"]])
    messages = iter(
        [
            {"type": "http.request", "body": b"only part", "more_body": True},
            {"type": "http.disconnect"},
        ]
    )
    sent: list[dict[str, Any]] = []

    async def receive() -> Any:
        return next(messages)

    async def send(message: Any) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "PUT",
        "scheme": "http",
        "path": urllib.parse.unquote(url.path),
        "raw_path": url.path.encode(),
        "query_string": url.query.encode(),
        "headers": [(b"host", b"mock"), (b"content-length", b"100")],
        "server": ("mock", 80),
        "client": ("127.0.0.1", 5000),
    }
    await app(scope, receive, send)
    assert sent == []  # the client went away: nothing to answer
    assert stored(app) == []
    assert list(app.uploads.folder.rglob("*.part")) == []
    assert (await http.put(data[NAMES["put"]], content=b"whole")).status_code == 200


async def test_uploads_are_the_tenants_own_and_a_reset_forgets_only_its_own(
    http: httpx.AsyncClient, app: MockApp
) -> None:
    alice, bob = await presign(http, token=TOKEN), await presign(http, token=OTHER)
    user = urllib.parse.urlsplit(alice[NAMES["url"]]).path.split("/")[3]
    assert user != urllib.parse.urlsplit(bob[NAMES["url"]]).path.split("/")[3]
    for data in (alice, bob):
        assert (await http.put(data[NAMES["put"]], content=b"audio")).status_code == 200
    # A URL signed for Alice does not take a file into Bob's storage.
    bobs = urllib.parse.urlsplit(bob[NAMES["url"]]).path.split("/")[3]
    moved = (await presign(http, token=TOKEN))[NAMES["put"]].replace(user, bobs)
    refused(await http.put(moved, content=b"x"), 403, "signature")

    reset = await http.post("/__mock/reset", headers=auth(TOKEN))
    assert reset.status_code == 200
    refused(await http.get(alice[NAMES["url"]]), 404, "no uploaded file")
    assert (await http.get(bob[NAMES["url"]])).content == b"audio"
    assert (await http.post("/__mock/reset-all")).status_code == 200
    refused(await http.get(bob[NAMES["url"]]), 404, "no uploaded file")


async def test_a_url_outlives_a_restart_on_the_same_database(tmp_path: Path) -> None:
    db = tmp_path / "mock.sqlite3"
    first = create_app(db=db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(first), base_url="http://m") as c:
        data = await presign(c)
    first.close()
    assert (tmp_path / "mock-uploads" / ".secret").stat().st_mode & 0o077 == 0
    again = create_app(db=db)
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(again), base_url="http://m"
        ) as c:
            assert (await c.put(data[NAMES["put"]], content=b"later")).status_code == 200
            assert (await c.get(data[NAMES["url"]])).content == b"later"
    finally:
        again.close()
    # Another storage (another signing key) does not take it.
    other = create_app(db=db, uploads=tmp_path / "elsewhere")
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(other), base_url="http://m"
        ) as c:
            refused(await c.put(data[NAMES["put"]], content=b"x"), 403, "does not match")
    finally:
        other.close()


async def test_a_memory_mock_keeps_its_files_in_a_folder_it_removes(clock: ManualClock) -> None:
    app = create_app(clock=clock)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://m") as c:
        data = await presign(c)
        assert (await c.put(data[NAMES["put"]], content=b"a")).status_code == 200
    folder = app.uploads.folder
    assert folder.is_dir()
    app.close()
    assert not folder.exists()


async def test_the_put_is_streamed_to_disk(tmp_path: Path) -> None:
    """A body many times larger than the memory the whole exchange may use."""
    size, chunk = 48 * 1024 * 1024, 256 * 1024
    app = create_app(db=tmp_path / "mock.sqlite3")
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://m") as c:
            data = await presign(c)
            block = bytes(range(256)) * (chunk // 256)

            async def body() -> AsyncIterator[bytes]:
                for _ in range(size // chunk):
                    yield block
                    await asyncio.sleep(0)

            tracemalloc.start()
            try:
                answer = await c.put(
                    data[NAMES["put"]], content=body(), headers={"Content-Length": str(size)}
                )
                _, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
            assert answer.status_code == 200, answer.text
            (path,) = stored(app)
            assert path.stat().st_size == size
    finally:
        app.close()
    assert peak < size / 8, f"{peak / 2**20:.1f} MiB for a {size / 2**20:.0f} MiB upload"


async def test_a_task_whose_source_is_an_uploaded_wav_gets_its_length(
    http: httpx.AsyncClient,
) -> None:
    data = await presign(http, "talk.wav")
    assert (await http.put(data[NAMES["put"]], content=wav(42.5, rate=400))).status_code == 200
    started = await http.post(START.path, json=start_body(data[NAMES["url"]]), headers=auth())
    assert started.status_code == 200, started.text
    assert started.json()["data"][record_field("duration")] == 42.5
