"""`client.storage.upload(path)` and `client.dubbing.start(source_url=Path(...))`, against the
mock (over a socket and in-process) and against fakes that lose answers."""

from __future__ import annotations

import tracemalloc
import urllib.parse
from pathlib import Path

import httpx
import pytest
from a2e_dubbing import (
    A2E,
    A2EError,
    APIResponse,
    AsyncA2E,
    InternalServerError,
    UploadSourceError,
)
from a2e_dubbing_mock import ManualClock, create_app
from a2e_dubbing_mock.pytest_plugin import MockServer

from ._spec import START, wav

CHUNK = 256 * 1024


def stored(server: MockServer) -> list[Path]:
    return sorted(server.uploads.rglob("*.data")) if server.uploads.exists() else []


@pytest.fixture
def talk(tmp_path: Path) -> Path:
    path = tmp_path / "My talk.wav"
    path.write_bytes(wav(3.0))
    return path


def test_upload_returns_the_url_where_the_file_is_served(
    a2e_mock_server: MockServer, talk: Path
) -> None:
    seen: list[tuple[int, int]] = []
    with A2E(api_key=a2e_mock_server.token, base_url=a2e_mock_server.url) as client:
        url = client.storage.upload(
            talk, on_progress=lambda sent, total: seen.append((sent, total))
        )
    got = httpx.get(url)  # no key: the address A2E fetches
    assert (got.status_code, got.content) == (200, talk.read_bytes())
    assert got.headers["content-type"] == "audio/wav"  # guessed from the extension
    served = urllib.parse.urlsplit(url)
    assert sorted(urllib.parse.parse_qs(served.query)) == ["expires", "signature"]
    assert served.path.endswith("/My%20talk.wav")
    size = talk.stat().st_size
    assert seen[0] == (0, size)
    assert seen[-1] == (size, size)
    assert [sent for sent, _ in seen] == sorted(sent for sent, _ in seen)
    assert len(stored(a2e_mock_server)) == 1


def test_a_large_file_is_uploaded_in_constant_memory(
    a2e_mock_server: MockServer, tmp_path: Path
) -> None:
    size = 48 * 1024 * 1024
    big = tmp_path / "long.mp4"
    block = bytes(range(256)) * 4096  # 1 MiB
    with big.open("wb") as stream:
        for _ in range(size // len(block)):
            stream.write(block)
    with A2E(api_key=a2e_mock_server.token, base_url=a2e_mock_server.url) as client:
        client.languages.list()  # connections and models warmed up: only the upload is measured
        tracemalloc.start()
        try:
            url = client.storage.upload(big)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < size / 8, f"{peak / 2**20:.1f} MiB for a {size / 2**20:.0f} MiB file"
    head = httpx.head(url)
    assert (head.status_code, head.headers["content-length"]) == (200, str(size))
    assert head.headers["content-type"] == "video/mp4"


@pytest.mark.anyio
async def test_async_upload_in_process_with_a_coroutine_progress(tmp_path: Path) -> None:
    source = tmp_path / "clip.bin"
    source.write_bytes(b"\x00\x01" * (CHUNK + 7))  # three chunks, the last one short
    app = create_app(clock=ManualClock())
    seen: list[int] = []

    async def progress(sent: int, total: int) -> None:
        assert total == source.stat().st_size
        seen.append(sent)

    try:
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app))
        async with AsyncA2E(
            api_key="sk_test_async_up", base_url="http://mock", http_client=http
        ) as c:
            url = await c.storage.upload(source, content_type="audio/x-mine", on_progress=progress)
            got = await http.get(url)
        await http.aclose()
    finally:
        app.close()
    assert (got.content, got.headers["content-type"]) == (source.read_bytes(), "audio/x-mine")
    assert seen == [0, CHUNK, 2 * CHUNK, source.stat().st_size]


def test_start_uploads_a_local_file_once_then_starts_with_its_url(
    a2e_mock_server: MockServer, talk: Path
) -> None:
    with A2E(api_key=a2e_mock_server.token, base_url=a2e_mock_server.url) as client:
        task = client.dubbing.start(source_url=talk, target_lang="es")
        tasks = client.dubbing.list().rows
    (path,) = stored(a2e_mock_server)
    assert path.read_bytes() == talk.read_bytes()
    assert httpx.get(task.source_url).content == talk.read_bytes()
    assert [t.task_id for t in tasks] == [task.task_id]
    assert task.duration == 3.0  # the mock reads an uploaded WAV's length


@pytest.mark.anyio
async def test_async_start_takes_a_path_too(talk: Path) -> None:
    app = create_app(clock=ManualClock())
    try:
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app))
        async with AsyncA2E(
            api_key="sk_test_async_start", base_url="http://mock", http_client=http
        ) as c:
            task = await c.dubbing.start(source_url=talk, target_lang="fr")
            got = await http.get(task.source_url)
        await http.aclose()
    finally:
        app.close()
    assert got.content == talk.read_bytes()


@pytest.mark.parametrize("name", [None, "my talk"])
def test_a_lost_start_after_an_upload_finds_its_task_without_a_second_upload_or_task(
    a2e_mock_server: MockServer, talk: Path, name: str | None
) -> None:
    """The start's answer is lost every time (the mock stores the task, then drops the
    connection): the look-up finds the task by the uploaded URL; nothing is sent twice."""
    with A2E(api_key=a2e_mock_server.token, base_url=a2e_mock_server.url) as client:
        task = client.dubbing.start(
            source_url=talk,
            target_lang="es",
            name=name,
            extra_headers={"X-Mock-Fault": "drop-after-commit"},  # the start's own request only
        )
        tasks = list(client.dubbing.iter())
    (path,) = stored(a2e_mock_server)
    assert [t.task_id for t in tasks] == [task.task_id]
    assert task.source_url == tasks[0].source_url
    assert httpx.get(task.source_url).content == path.read_bytes() == talk.read_bytes()


def test_a_start_that_keeps_failing_uploaded_once_and_started_nothing(
    a2e_mock_server: MockServer, talk: Path
) -> None:
    with A2E(api_key=a2e_mock_server.token, base_url=a2e_mock_server.url) as client:
        with pytest.raises(InternalServerError):
            client.dubbing.start(
                source_url=talk, target_lang="es", extra_headers={"X-Mock-Fault": "status=503"}
            )
        assert client.dubbing.list().count == 0
    assert len(stored(a2e_mock_server)) == 1


def test_the_raw_answer_of_a_start_from_a_path_is_the_starts(
    a2e_mock_server: MockServer, talk: Path
) -> None:
    with A2E(api_key=a2e_mock_server.token, base_url=a2e_mock_server.url) as client:
        raw = client.dubbing.with_raw_response.start(source_url=talk, target_lang="es")
    assert isinstance(raw, APIResponse)
    assert (raw.http_request.method, raw.http_request.url.path) == ("POST", START.path)
    assert raw.json()["data"]["source_url"] == raw.parse().source_url
    assert httpx.get(raw.parse().source_url).content == talk.read_bytes()


# What is refused before anything is sent


def test_a_missing_file_or_a_folder_is_refused_before_anything_is_sent(tmp_path: Path) -> None:
    with A2E(api_key="sk_test_nothing_sent", base_url="http://127.0.0.1:9") as client:
        for path, says in ((tmp_path / "nope.wav", "no such file"), (tmp_path, "a folder")):
            with pytest.raises(UploadSourceError, match=says) as caught:
                client.storage.upload(path)
            assert caught.value.path == path
            with pytest.raises(UploadSourceError, match=says):
                client.dubbing.start(source_url=path, target_lang="es")


def test_a_local_path_given_as_a_str_is_refused_with_the_way_to_upload_it(talk: Path) -> None:
    with (
        A2E(api_key="sk_test_nothing_sent", base_url="http://127.0.0.1:9") as client,
        pytest.raises(UploadSourceError, match=r"pass pathlib\.Path\(") as caught,
    ):
        client.dubbing.start(source_url=str(talk), target_lang="es")
    assert caught.value.path == talk
    assert isinstance(caught.value, A2EError)
