"""`client.dubbing.download`: our file name, atomic writes, no overwrite, only http(s)."""

from __future__ import annotations

import asyncio
import os
import tempfile
import wave
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from a2e_dubbing import (
    A2E,
    A2EError,
    AsyncA2E,
    DestinationError,
    DestinationExistsError,
    DownloadConnectionError,
    DownloadError,
    DownloadHTTPError,
    DownloadURLError,
    DubbingTask,
    ResultNotReadyError,
    _meta,
)
from a2e_dubbing._download import MAX_NAME_BYTES, extension_for, result_file_name, safe_stem
from a2e_dubbing_mock.pytest_plugin import MockServer
from hypothesis import given
from hypothesis import strategies as st

from contract_tests import _api as api
from tests.client._records import BASE_URL, KEY, LIFE, RECORD, ok, task

TASK_ID = "66ea4dd87db10c73fa29b570"
RESULT = "https://cdn.example.com/results/66ea4dd87db10c73fa29b570.wav"
WAV = b"RIFF" + bytes(range(256)) * 40


def done(**changes: Any) -> DubbingTask:
    record = {"status": LIFE.result, "result": RESULT, "name": "pilot", **changes}
    return DubbingTask.from_dict(task(**record))


def wav_answer(content: bytes = WAV, content_type: str = "audio/wav") -> httpx.Response:
    return httpx.Response(
        200,
        content=content,
        headers={"content-type": content_type, "content-length": str(len(content))},
    )


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# Naming


def test_into_a_folder_the_file_is_named_after_the_task_and_its_content_type(
    tmp_path: Path,
) -> None:
    with respx.mock() as router:
        router.get(RESULT).mock(return_value=wav_answer(content_type="audio/mpeg"))
        saved = A2E(api_key=KEY).dubbing.download(done(), tmp_path)
    assert saved == tmp_path / "pilot.mp3"
    assert saved.read_bytes() == WAV
    assert files(tmp_path) == ["pilot.mp3"]


def test_the_servers_url_never_names_the_file(tmp_path: Path) -> None:
    """A result URL ending in /.bashrc once overwrote DIR/.bashrc."""
    url = "https://cdn.example.com/x/.bashrc"
    with respx.mock() as router:
        router.get(url).mock(return_value=wav_answer())
        saved = A2E(api_key=KEY).dubbing.download(done(result=url), tmp_path)
    assert files(tmp_path) == ["pilot.wav"]
    assert saved.parent == tmp_path


def test_a_task_without_a_usable_name_is_named_by_its_id(tmp_path: Path) -> None:
    with respx.mock() as router:
        router.get(RESULT).mock(return_value=wav_answer())
        saved = A2E(api_key=KEY).dubbing.download(done(name="../../.."), tmp_path)
    assert saved == tmp_path / f"{TASK_ID}.wav"


def test_a_trailing_separator_is_a_folder_made_on_the_way(tmp_path: Path) -> None:
    """`--download newdir/` once wrote a file named `newdir`."""
    with respx.mock() as router:
        router.get(RESULT).mock(return_value=wav_answer())
        saved = A2E(api_key=KEY).dubbing.download(done(), f"{tmp_path / 'newdir'}{os.sep}")
    assert saved == tmp_path / "newdir" / "pilot.wav"
    assert saved.read_bytes() == WAV


def test_a_missing_folder_is_refused_before_any_request(tmp_path: Path) -> None:
    with respx.mock() as router, pytest.raises(DestinationError, match="not an existing folder"):
        A2E(api_key=KEY).dubbing.download(TASK_ID, f"{tmp_path / 'a' / 'b'}/")
    assert not router.calls
    assert files(tmp_path) == []


@pytest.mark.parametrize(
    ("content_type", "url", "extension"),
    [
        ("audio/wav", RESULT, "wav"),
        ("audio/x-wav; charset=binary", RESULT, "wav"),
        ("AUDIO/MPEG", RESULT, "mp3"),
        ("video/mp4", RESULT, "mp4"),
        ("audio/basic", RESULT, "au"),  # Python's own table, for audio and video only
        ("application/octet-stream", "https://x.org/a/result.MP3?sig=1", "mp3"),
        (None, "https://x.org/a/result.wav", "wav"),
        ("binary/octet-stream", "https://x.org/a/result.exe", "bin"),
        ("application/x-msdownload", "https://x.org/a/result.wav", "bin"),
        ("text/html", "https://x.org/a/result.wav", "bin"),
        ("audio/x-evil/../../x", RESULT, "bin"),
    ],
)
def test_the_extension_comes_from_the_content_type_only_for_media(
    content_type: str | None, url: str, extension: str
) -> None:
    assert extension_for(content_type, url) == extension


@given(
    name=st.text(max_size=400),
    task_id=st.text(max_size=40),
    content_type=st.one_of(
        st.none(), st.text(max_size=40), st.sampled_from(["audio/wav", "video/mp4"])
    ),
    url=st.text(max_size=60),
)
def test_any_task_name_gives_a_safe_file_name_in_the_folder(
    name: str, task_id: str, content_type: str | None, url: str
) -> None:
    record = type("Record", (), {"name": name, "id": task_id})()
    file_name = result_file_name(record, content_type, url)
    stem, _, extension = file_name.rpartition(".")
    assert stem
    assert not file_name.startswith((".", "-", " "))
    for separator in ("/", "\\", "\0"):
        assert separator not in file_name
    assert file_name.isprintable()
    assert len(file_name.encode("utf-8")) <= MAX_NAME_BYTES + 10
    assert extension.isalnum()
    assert extension.isascii()
    folder = Path("/some/folder")
    assert (folder / file_name).parent == folder
    assert os.path.normpath(folder / file_name) == str(folder / file_name)


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("pilot", "pilot"),
        (".bashrc", "bashrc"),
        ("../../etc/passwd", "_.._etc_passwd"),
        ("a/b\\c", "a_b_c"),
        ("evil\u202ewav.exe", "evil_wav.exe"),
        ("-rf", "rf"),
        ("  spaced   out  ", "spaced out"),
        ("tab\there\nnewline", "tab_here_newline"),
        ("CON", "_CON"),
        ("x" * 300, "x" * 100),
        ("é" * 150, "é" * 100),
        ("...", ""),
    ],
)
def test_the_stem_is_cleaned(name: str, stem: str) -> None:
    assert safe_stem(name) == stem


# Overwriting and atomic writes


def test_an_existing_file_is_never_replaced_without_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "out.wav"
    target.write_bytes(b"mine")
    client = A2E(api_key=KEY)
    with respx.mock() as router:
        router.get(RESULT).mock(return_value=wav_answer())
        with pytest.raises(DestinationExistsError, match="already there"):
            client.dubbing.download(done(), target)
        assert not router.calls  # refused before the request
        (tmp_path / "pilot.wav").write_bytes(b"also mine")
        with pytest.raises(DestinationExistsError):
            client.dubbing.download(done(), tmp_path)  # the folder's file name exists
        assert client.dubbing.download(done(), target, overwrite=True) == target
    assert target.read_bytes() == WAV
    assert (tmp_path / "pilot.wav").read_bytes() == b"also mine"
    assert files(tmp_path) == ["out.wav", "pilot.wav"]


class _Appears(httpx.SyncByteStream):
    """Writes another file under the target's name while the download runs."""

    def __init__(self, target: Path) -> None:
        self.target = target

    def __iter__(self) -> Iterator[bytes]:
        yield WAV[:100]
        self.target.write_bytes(b"arrived meanwhile")
        yield WAV[100:]


def test_a_file_that_appears_during_the_download_is_kept(tmp_path: Path) -> None:
    target = tmp_path / "out.wav"
    with respx.mock() as router:
        router.get(RESULT).mock(return_value=httpx.Response(200, stream=_Appears(target)))
        with pytest.raises(DestinationExistsError):
            A2E(api_key=KEY).dubbing.download(done(), target)
    assert target.read_bytes() == b"arrived meanwhile"
    assert files(tmp_path) == ["out.wav"]


class _Watched(httpx.SyncByteStream):
    """Records which files exist while the body streams."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.seen: list[list[str]] = []

    def __iter__(self) -> Iterator[bytes]:
        for start in range(0, len(WAV), 1000):
            self.seen.append(files(self.folder))
            yield WAV[start : start + 1000]


def test_the_file_appears_under_its_name_only_when_complete(tmp_path: Path) -> None:
    body = _Watched(tmp_path)
    with respx.mock() as router:
        router.get(RESULT).mock(return_value=httpx.Response(200, stream=body))
        A2E(api_key=KEY).dubbing.download(done(), tmp_path)
    assert len(body.seen) > 2
    for seen in body.seen[1:]:
        assert "pilot.wav" not in seen
        [partial] = seen
        assert partial.startswith(".pilot.wav.")
        assert partial.endswith(".part")
    assert files(tmp_path) == ["pilot.wav"]


class _Broken(httpx.SyncByteStream):
    def __iter__(self) -> Iterator[bytes]:
        yield WAV[:100]
        raise httpx.ReadError("connection reset by peer")


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(200, stream=_Broken()),
        httpx.Response(200, content=WAV[:100], headers={"content-length": str(len(WAV))}),
    ],
    ids=["reset mid-way", "shorter than its content-length"],
)
def test_a_broken_download_leaves_no_file(answer: httpx.Response, tmp_path: Path) -> None:
    with respx.mock() as router:
        router.get(RESULT).mock(return_value=answer)
        with pytest.raises(DownloadConnectionError, match="download of the result failed"):
            A2E(api_key=KEY).dubbing.download(done(), tmp_path)
    assert files(tmp_path) == []


@pytest.mark.parametrize(("status", "expired"), [(403, True), (404, True), (500, False)])
def test_an_error_status_is_typed(status: int, expired: bool, tmp_path: Path) -> None:
    with respx.mock() as router:
        router.get(RESULT).respond(status, content=b"<html>no</html>")
        with pytest.raises(DownloadHTTPError) as caught:
            A2E(api_key=KEY).dubbing.download(done(), tmp_path)
    assert caught.value.status_code == status
    assert ("expire" in str(caught.value)) is expired
    assert files(tmp_path) == []


def test_a_special_file_is_written_in_place(tmp_path: Path) -> None:
    with respx.mock() as router:
        router.get(RESULT).mock(return_value=wav_answer())
        assert A2E(api_key=KEY).dubbing.download(done(), os.devnull) == Path(os.devnull)


# URLs and redirects


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "ftp://cdn.example.com/a.wav", "javascript:alert(1)", "//cdn/a.wav",
     "https:///nohost", "http://[::1/x.wav", "http://host:99999/x"],
)  # fmt: skip
def test_only_http_urls_are_fetched(url: str, tmp_path: Path) -> None:
    with respx.mock() as router, pytest.raises(DownloadURLError, match="only http"):
        A2E(api_key=KEY).dubbing.download(done(result=url), tmp_path)
    assert not router.calls
    assert files(tmp_path) == []


@pytest.mark.parametrize("location", ["file:///etc/passwd", "ftp://x.org/a.wav", "gopher://x/"])
def test_a_redirect_is_followed_only_to_http(location: str, tmp_path: Path) -> None:
    with respx.mock() as router:
        router.get(RESULT).respond(302, headers={"location": location})
        with pytest.raises(DownloadURLError, match="only http"):
            A2E(api_key=KEY).dubbing.download(done(), tmp_path)
    assert files(tmp_path) == []


def test_http_redirects_are_followed_without_credentials(tmp_path: Path) -> None:
    moved = "https://other-cdn.example.org/r.wav"
    http = httpx.Client(headers={"Authorization": f"Bearer {KEY}"})
    with respx.mock() as router:
        first = router.get(RESULT).respond(302, headers={"location": moved})
        final = router.get(moved).mock(return_value=wav_answer())
        A2E(api_key=KEY, http_client=http).dubbing.download(done(), tmp_path)
    for route in (first, final):
        assert "authorization" not in route.calls.last.request.headers
        assert route.calls.last.request.headers["accept-encoding"] == "identity"
    assert (tmp_path / "pilot.wav").read_bytes() == WAV


def test_a_redirect_loop_ends(tmp_path: Path) -> None:
    with respx.mock() as router:
        router.get(RESULT).respond(302, headers={"location": RESULT})
        with pytest.raises(DownloadURLError, match="too many redirects"):
            A2E(api_key=KEY).dubbing.download(done(), tmp_path)


# The task


def test_by_id_the_task_is_read_first(tmp_path: Path) -> None:
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").respond(json=ok(done().to_dict()))
        router.get(RESULT).mock(return_value=wav_answer())
        saved = A2E(api_key=KEY).dubbing.download(TASK_ID, tmp_path)
    assert saved == tmp_path / "pilot.wav"


def test_an_unfinished_task_has_no_result_yet(tmp_path: Path) -> None:
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").respond(json=ok(task(status="processing")))
        with pytest.raises(ResultNotReadyError, match="no result to download yet") as caught:
            A2E(api_key=KEY).dubbing.download(TASK_ID, tmp_path)
    assert caught.value.task.task_id == TASK_ID
    assert files(tmp_path) == []


def test_every_download_error_is_an_a2e_error() -> None:
    for error in (
        ResultNotReadyError,
        DownloadURLError,
        DownloadHTTPError,
        DownloadConnectionError,
        DestinationError,
        DestinationExistsError,
    ):
        assert issubclass(error, DownloadError)
        assert issubclass(error, A2EError)


def test_progress_reports_the_bytes_and_the_total(tmp_path: Path) -> None:
    seen: list[tuple[int, int | None]] = []
    with respx.mock() as router:
        router.get(RESULT).mock(return_value=wav_answer())
        A2E(api_key=KEY).dubbing.download(
            done(), tmp_path, on_progress=lambda n, total: seen.append((n, total))
        )
    assert seen[0] == (0, len(WAV))
    assert seen[-1] == (len(WAV), len(WAV))
    assert [n for n, _ in seen] == sorted(n for n, _ in seen)


# Async


class _AsyncBody(httpx.AsyncByteStream):
    async def __aiter__(self) -> AsyncIterator[bytes]:
        for start in range(0, len(WAV), 1000):
            await asyncio.sleep(0)
            yield WAV[start : start + 1000]


@pytest.mark.anyio
async def test_async_download_with_a_coroutine_progress(tmp_path: Path) -> None:
    seen: list[int] = []

    async def progress(received: int, total: int | None) -> None:
        await asyncio.sleep(0)
        seen.append(received)

    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").respond(json=ok(done().to_dict()))
        router.get(RESULT).mock(
            return_value=httpx.Response(
                200, stream=_AsyncBody(), headers={"content-type": "audio/wav"}
            )
        )
        async with AsyncA2E(api_key=KEY) as client:
            saved = await client.dubbing.download(TASK_ID, f"{tmp_path}/new/", on_progress=progress)
    assert saved == tmp_path / "new" / "pilot.wav"
    assert saved.read_bytes() == WAV
    assert seen[0] == 0
    assert seen[-1] == len(WAV)


@pytest.mark.anyio
async def test_async_download_refuses_what_the_sync_one_refuses(tmp_path: Path) -> None:
    (tmp_path / "pilot.wav").write_bytes(b"mine")
    async with AsyncA2E(api_key=KEY) as client:
        with respx.mock() as router:
            router.get(RESULT).respond(302, headers={"location": "file:///etc/passwd"})
            with pytest.raises(DownloadURLError):
                await client.dubbing.download(done(), f"{tmp_path}/other/")
        with respx.mock() as router:
            router.get(RESULT).mock(return_value=wav_answer())
            with pytest.raises(DestinationExistsError):
                await client.dubbing.download(done(), tmp_path)
    assert (tmp_path / "pilot.wav").read_bytes() == b"mine"
    assert files(tmp_path) == ["pilot.wav"]  # the folder is made only for a file


# Against the mock, over a socket


def test_the_mocks_result_downloads_as_a_valid_wav(
    a2e_mock_server: MockServer, tmp_path: Path
) -> None:
    with A2E(api_key=a2e_mock_server.token, base_url=a2e_mock_server.url) as client:
        started = client.dubbing.start(
            source_url="https://example.com/a.mp3", target_lang="fr", name="episode 1"
        )
        httpx.post(
            f"{a2e_mock_server.url}/__mock/tasks/{started.task_id}/complete",
            headers=a2e_mock_server.headers,
        ).raise_for_status()
        saved = client.dubbing.download(started.task_id, tmp_path)
    assert saved == tmp_path / "episode 1.wav"
    with wave.open(str(saved)) as sound:
        assert sound.getnframes() > 0


class _Faulty(httpx.SyncByteStream):
    """`chunks`, with a fault after the first `at` of them."""

    def __init__(self, chunks: list[bytes], fault: str | None, at: int, target: Path) -> None:
        self.chunks, self.fault, self.at, self.target = chunks, fault, at, target

    def __iter__(self) -> Iterator[bytes]:
        for index, chunk in enumerate(self.chunks):
            if index == self.at:
                if self.fault == "reset":
                    raise httpx.ReadError("connection reset by peer")
                if self.fault == "interrupt":
                    raise KeyboardInterrupt
                if self.fault == "appears":
                    self.target.write_bytes(b"someone else's")
            yield chunk


@given(
    chunks=st.lists(st.binary(min_size=1, max_size=64), min_size=1, max_size=6),
    fault=st.sampled_from([None, "reset", "interrupt", "appears", "short"]),
    at=st.integers(min_value=0, max_value=5),
    existing=st.booleans(),
    overwrite=st.booleans(),
)
def test_a_download_completes_or_leaves_the_folder_as_it_was(
    chunks: list[bytes], fault: str | None, at: int, existing: bool, overwrite: bool
) -> None:
    """Whatever goes wrong and when, no partial file is left under any name, and no file is
    replaced unless `overwrite` was given and the download completed."""
    at = min(at, len(chunks) - 1)
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "out.wav"
        if existing:
            target.write_bytes(b"before")
        before = {p.name: p.read_bytes() for p in Path(folder).iterdir()}
        body = b"".join(chunks)
        length = len(body) + (1 if fault == "short" else 0)
        answer = httpx.Response(
            200,
            stream=_Faulty(chunks, fault, at, target),
            headers={"content-length": str(length), "content-type": "audio/wav"},
        )
        outcome: BaseException | None = None
        with respx.mock(assert_all_called=False) as router:  # refused before the request
            router.get(RESULT).mock(return_value=answer)
            try:
                A2E(api_key=KEY).dubbing.download(done(), target, overwrite=overwrite)
            except (DownloadError, KeyboardInterrupt) as error:
                outcome = error
        after = {p.name: p.read_bytes() for p in Path(folder).iterdir()}
    if existing and not overwrite:  # refused before the request
        assert isinstance(outcome, DestinationExistsError)
        assert after == before
    elif fault is None or (fault == "appears" and overwrite):
        assert outcome is None  # complete: the only way a file gets replaced
        assert after == {"out.wav": body}
    elif fault == "appears":
        assert isinstance(outcome, DestinationExistsError)
        assert after == {"out.wav": b"someone else's"}  # kept, not replaced
    else:
        assert outcome is not None
        assert after == before


def test_the_fields_a_download_reads_are_the_specs_hints() -> None:
    assert (RECORD.id.attr, RECORD.status.attr, RECORD.result.attr) == (
        _meta.ID_FIELD,
        _meta.STATUS_FIELD,
        _meta.RESULT_FIELD,
    )
    assert RECORD.name.attr == _meta.NAME_FIELD  # the echo of the start's x-a2e-recover.unique


def test_a_record_is_read_by_the_field_names_the_spec_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for constant, name in (
        ("RESULT_FIELD", "output"),
        ("NAME_FIELD", "title"),
        ("ID_FIELD", "key"),
    ):
        monkeypatch.setattr(f"a2e_dubbing._download.{constant}", name)
    record = type("Record", (), {"output": RESULT, "title": "renamed", "key": TASK_ID})()
    with respx.mock() as router:
        router.get(RESULT).mock(return_value=wav_answer())
        saved = A2E(api_key=KEY).dubbing.download(record, tmp_path)
    assert saved == tmp_path / "renamed.wav"
