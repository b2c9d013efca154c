"""A mock serving its database read-only (`--read-only`, `create_app(read_only=True)`):
every read is answered, every write gets 503 saying why, and nothing on disk changes. A
read-write mock refuses a read-only file system in one line.

Tests run as root on a writable disk, where file modes do not stop a write; the read-only
mode is SQLite's own (`mode=ro`, or `immutable` when SQLite cannot create the `-wal` file,
which is what a read-only file system does to it: here a folder stands where that file
would go), and the read-only file system flag is simulated (`os.statvfs`).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from a2e_dubbing_mock import ManualClock, create_app
from a2e_dubbing_mock._cli import main
from a2e_dubbing_mock._spec import LIFECYCLE

from contract_tests._api import call
from tests.mock.conftest import (
    AUTH,
    COINS,
    ID,
    LANGUAGES,
    PROCESSING,
    RESULT,
    SEED_BODY,
    START,
    STATUS,
    Check,
    delete_task,
    get_task,
    start_task,
    unsigned,
)
from tests.upload._spec import NAMES, PRESIGN, presign_body

pytestmark = pytest.mark.anyio
BASE = "http://mock.test"
AT = 1_726_631_384.0


@dataclass
class Written:
    """A database and storage written by a mock that is closed now."""

    db: Path
    tasks: list[dict[str, Any]]  # the first one completed
    file_url: str
    file: bytes
    unused_put_url: str


async def _write(db: Path, processing_seconds: float | None = None) -> Written:
    app = create_app(db=db, clock=ManualClock(AT), processing_seconds=processing_seconds)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as http:
            tasks = [await start_task(http, name=f"t{n}") for n in range(3)]
            if processing_seconds is None:
                completed = await http.post(f"/__mock/tasks/{tasks[0][ID]}/complete", headers=AUTH)
                tasks[0] = completed.json()["data"]
            urls = []
            for key in ("a.wav", "b.wav"):
                answer = await http.request(
                    PRESIGN.method.upper(), PRESIGN.path, json=presign_body(key), headers=AUTH
                )
                urls.append(answer.json()["data"])
            content = b"RIFF read only"
            put = await http.put(urls[0][NAMES["put"]], content=content)
            assert put.status_code == 200
    finally:
        app.close()
    return Written(db, tasks, urls[0][NAMES["url"]], content, urls[1][NAMES["put"]])


def _digests(folder: Path) -> dict[str, str]:
    """Every file under `folder` but SQLite's -wal and -shm, by its content's digest."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.name.endswith(("-wal", "-shm"))
    }


def read_only(answer: httpx.Response) -> None:
    """503 in A2E's envelope saying the mock serves reads only; no Retry-After (waiting
    does not help)."""
    assert answer.status_code == 503, answer.text
    assert "retry-after" not in answer.headers
    body = answer.json()
    assert body["code"] == 503
    assert "read-only" in body["msg"]
    assert "reads only" in body["msg"]


@pytest.fixture
async def written(tmp_path: Path) -> Written:
    return await _write(tmp_path / "ro.sqlite3")


@pytest.fixture
async def http(written: Written) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(db=written.db, clock=ManualClock(AT + 1), read_only=True)
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url=BASE
        ) as client:
            yield client
    finally:
        app.close()


async def test_reads_are_served(http: httpx.AsyncClient, written: Written, check: Check) -> None:
    done, *others = written.tasks
    got = check("getDubbingTask", await get_task(http, done[ID]))["data"]
    assert _same_urls(got) == _same_urls(done)  # file URLs are signed afresh at each read
    page = await http.request(**call("dubbing.list", page_size=10), headers=AUTH)
    assert check("listDubbingTasks", page)["data"]["count"] == 3
    processing = check("listProcessingDubbingTasks", await http.get(PROCESSING, headers=AUTH))
    assert sorted(t[ID] for t in processing["data"]) == sorted(t[ID] for t in others)
    assert check("getRemainingCoins", await http.get(COINS, headers=AUTH))["code"] == 0
    assert check("listLanguages", await http.get(LANGUAGES, headers=AUTH))["code"] == 0
    assert (await http.get(done[RESULT])).status_code == 200
    assert (await http.get(written.file_url)).content == written.file


async def test_writes_get_503_and_nothing_on_disk_changes(
    http: httpx.AsyncClient, written: Written, check: Check
) -> None:
    before = _digests(written.db.parent)
    task = written.tasks[1]
    for operation_id, answer in (
        ("startDubbing", await http.post(START, json=SEED_BODY, headers=AUTH)),
        ("deleteDubbingTask", await delete_task(http, task[ID])),
        (
            PRESIGN.operation_id,
            await http.request(
                PRESIGN.method.upper(), PRESIGN.path, json=presign_body(), headers=AUTH
            ),
        ),
    ):
        check(operation_id, answer)
        read_only(answer)
    for action in ("advance", "complete", "fail"):
        read_only(await http.post(f"/__mock/tasks/{task[ID]}/{action}", headers=AUTH))
    read_only(await http.post("/__mock/reset", headers=AUTH))
    read_only(await http.post("/__mock/reset-all", headers=AUTH))
    read_only(await http.put(written.unused_put_url, content=b"new"))
    assert (await get_task(http, task[ID])).json()["data"] == task
    assert _digests(written.db.parent) == before


async def test_the_lifecycle_moves_in_answers_only(tmp_path: Path, check: Check) -> None:
    """Steps due by time are answered (derived from stored times) but never written."""
    written = await _write(tmp_path / "steps.sqlite3", processing_seconds=10)
    before = _digests(tmp_path)
    later = ManualClock(AT + 60)
    app = create_app(db=written.db, clock=later, processing_seconds=10, read_only=True)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as http:
            for task in written.tasks:
                answer = check("getDubbingTask", await get_task(http, task[ID]))
                assert answer["data"][STATUS] == LIFECYCLE.result
    finally:
        app.close()
    assert _digests(tmp_path) == before


async def test_without_a_writable_wal_the_file_is_read_as_it_is(written: Written) -> None:
    """After a clean shutdown everything is in the database file, but SQLite cannot open it
    with `mode=ro` when it cannot create the `-wal` file (a folder stands in its place, as a
    read-only file system would refuse it): the mock reads it `immutable`."""
    Path(f"{written.db}-wal").unlink(missing_ok=True)
    Path(f"{written.db}-wal").mkdir()
    app = create_app(db=written.db, read_only=True)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as http:
            got = await get_task(http, written.tasks[0][ID])
            read_only(await http.post(START, json=SEED_BODY, headers=AUTH))
    finally:
        app.close()
    assert _same_urls(got.json()["data"]) == _same_urls(written.tasks[0])


def _same_urls(task: dict[str, Any]) -> dict[str, Any]:
    """`task` with its signed file URLs unsigned: two reads answer different signatures."""
    return {k: unsigned(v) if "signature=" in str(v) else v for k, v in task.items()}


def test_what_read_only_cannot_serve_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no such database"):
        create_app(db=tmp_path / "missing.sqlite3", read_only=True)
    with pytest.raises(ValueError, match="not :memory:"):
        create_app(read_only=True)
    db = tmp_path / "other.sqlite3"
    create_app(db=db).close()
    conn = sqlite3.connect(db)
    conn.execute("UPDATE meta SET value = '{}' WHERE key = 'lifecycle'")
    conn.commit()
    conn.close()
    with pytest.raises(ValueError, match="open it once without --read-only"):
        create_app(db=db, read_only=True)


def test_the_cli_says_in_one_line_what_read_only_cannot_serve(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.sqlite3"
    assert main(["serve", "--read-only", "--db", str(missing), "--port", "0"]) == 2
    err = capsys.readouterr().err
    said = f"{missing}: no such database (--read-only serves an existing one)"
    assert err == f"a2e-dubbing-mock: {said}\n"


class _ReadOnlyMount:
    f_flag = os.ST_RDONLY


def test_a_read_only_file_system_without_read_only_is_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "mounted.sqlite3"
    create_app(db=db).close()
    monkeypatch.setattr(os, "statvfs", lambda path: _ReadOnlyMount())
    with pytest.raises(ValueError, match="read-only file system: serve it with --read-only"):
        create_app(db=db)
    assert main(["serve", "--db", str(db), "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "is on a read-only file system" in err
    create_app(db=db, read_only=True).close()  # what the message suggests works
