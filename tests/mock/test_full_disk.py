"""The mock on a full disk: every write the disk refuses is answered 503 with Retry-After in
A2E's envelope and stores nothing, reads go on, the lifecycle keeps retrying in the
background, and the next write after space comes back succeeds, without a restart. A mock
restarts on a full disk: opening a database that is up to date writes nothing.

The full disk is simulated (see `tests/mock/_disk.py`): SQLite's page cap, SQLite's own
SQLITE_FULL at COMMIT, and ENOSPC from `os.fsync` for uploaded files.
"""

from __future__ import annotations

import asyncio
import errno
import hashlib
import sqlite3
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from a2e_dubbing_mock import ManualClock, MockApp, create_app
from a2e_dubbing_mock._cli import main
from a2e_dubbing_mock._disk import RETRY_AFTER_SECONDS, disk_error
from a2e_dubbing_mock._ids import new_id
from a2e_dubbing_mock._spec import LIFECYCLE
from a2e_dubbing_mock._store import Store
from a2e_dubbing_mock._task_records import TaskRow
from a2e_dubbing_mock._writer import ThreadWriter

from contract_tests._api import call
from tests.mock._disk import Disk, files_full, simulated_disk
from tests.mock.conftest import (
    AUTH,
    COINS,
    ID,
    LANGUAGES,
    PROCESSING,
    SEED_BODY,
    START,
    STATUS,
    Check,
    delete_task,
    get_task,
    start_task,
)
from tests.mock.test_store import _hold_writer, _put
from tests.upload._spec import NAMES, PRESIGN, presign_body

pytestmark = pytest.mark.anyio
BASE = "http://mock.test"


def refused(check: Check, operation_id: str, answer: httpx.Response) -> None:
    """A 503 for a full disk that conforms to the spec's answers of `operation_id`."""
    check(operation_id, answer)
    full(answer)


def full(answer: httpx.Response) -> dict[str, Any]:
    """A 503 for a full disk, in A2E's envelope, with Retry-After; its body."""
    assert answer.status_code == 503, answer.text
    assert answer.headers["retry-after"] == str(RETRY_AFTER_SECONDS)
    body: dict[str, Any] = answer.json()
    assert body["code"] == 503
    assert "disk is full" in body["msg"]
    assert "retry later" in body["msg"]
    return body


@pytest.fixture
def disk() -> Iterator[Disk]:
    with simulated_disk() as simulated:
        yield simulated


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def mock(tmp_path: Path, disk: Disk, clock: ManualClock) -> Iterator[MockApp]:
    app = create_app(db=tmp_path / "full.sqlite3", clock=clock, processing_seconds=None)
    yield app
    app.close()


@pytest.fixture
async def http(mock: MockApp) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=mock)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
        yield client


async def names(http: httpx.AsyncClient) -> list[str]:
    page = await http.request(**call("dubbing.list", page_size=100), headers=AUTH)
    assert page.status_code == 200, page.text
    return sorted(row["name"] for row in page.json()["data"]["rows"])


async def coins(http: httpx.AsyncClient) -> int:
    answer = await http.get(COINS, headers=AUTH)
    assert answer.status_code == 200, answer.text
    return int(answer.json()["data"]["coins"])


async def test_starts_that_outgrow_a_capped_database_answer_503_and_store_nothing(
    mock: MockApp, http: httpx.AsyncClient, check: Check
) -> None:
    """SQLite's page cap (a file that cannot grow): SQLITE_FULL mid-transaction."""
    await start_task(http, name="before")
    await mock.store.cap_pages(0)
    stored, refused = ["before"], 0
    for number in range(200):
        answer = await http.post(START, json={**SEED_BODY, "name": f"n{number}"}, headers=AUTH)
        check("startDubbing", answer)
        if answer.status_code == 200:
            stored.append(f"n{number}")
            continue
        full(answer)
        refused += 1
        if refused == 3:
            break
    assert refused == 3  # the cap was reached
    assert await names(http) == sorted(stored)  # every 200 stored, no 503 stored
    await mock.store.cap_pages(None)  # space is back: no restart needed
    await start_task(http, name="after")
    assert await names(http) == sorted([*stored, "after"])


async def test_every_write_refused_at_commit_is_a_503_that_changes_nothing(
    mock: MockApp, http: httpx.AsyncClient, disk: Disk, check: Check
) -> None:
    """Start, delete, advance, complete, fail, reset and the tenant's first write, each
    refused by SQLite's own SQLITE_FULL at COMMIT; reads answer meanwhile."""
    kept = await start_task(http, name="kept")
    await start_task(http, name="second")
    balance = await coins(http)
    before = (await get_task(http, kept[ID])).json()["data"]
    disk.full = True
    refused(check, "startDubbing", await http.post(START, json=SEED_BODY, headers=AUTH))
    refused(check, "deleteDubbingTask", await delete_task(http, kept[ID]))
    for action in ("advance", "complete", "fail"):
        full(await http.post(f"/__mock/tasks/{kept[ID]}/{action}", headers=AUTH))
    full(await http.post("/__mock/reset", headers=AUTH))
    newcomer = {"Authorization": "Bearer sk_test_newcomer_0123456789"}
    full(await http.post(START, json=SEED_BODY, headers=newcomer))  # its tenant row too
    assert disk.refused == 7  # one COMMIT each
    # Nothing changed, and every read still answers.
    assert (await get_task(http, kept[ID])).json()["data"] == before
    assert await names(http) == ["kept", "second"]
    assert await coins(http) == balance
    assert check("listLanguages", await http.get(LANGUAGES, headers=AUTH))["code"] == 0
    # Space is back: the same writes succeed, no restart.
    disk.full = False
    advanced = await http.post(f"/__mock/tasks/{kept[ID]}/advance", headers=AUTH)
    assert advanced.json()["data"][STATUS] == LIFECYCLE.path[1]
    assert (await delete_task(http, kept[ID])).status_code == 200
    await start_task(http, newcomer, name="newcomer")
    assert await names(http) == ["second"]


async def test_a_start_refused_by_the_disk_leaves_its_position_free(tmp_path: Path) -> None:
    """The store's memory of each tenant's last position forgets a rolled-back start: the
    next start takes the position the refused one would have had (no phantom gap)."""
    with simulated_disk() as disk:
        store = Store(tmp_path / "positions.sqlite3")
        try:
            tenant = hashlib.sha256(b"sk_positions").hexdigest()
            first = await store.insert(tenant, _row(1), 1)
            disk.full = True
            with pytest.raises(sqlite3.OperationalError) as refused:
                await store.insert(tenant, _row(2), 1)
            assert refused.value.sqlite_errorcode == sqlite3.SQLITE_FULL
            disk.full = False
            third = await store.insert(tenant, _row(3), 1)
            rows, count = store.page(tenant, 10, 0)
            second_page, _ = store.page(tenant, 1, 1)
        finally:
            store.close()
    assert count == 2
    assert [r.id for r in rows] == [third.id, first.id]
    assert [r.id for r in second_page] == [first.id]
    with sqlite3.connect(tmp_path / "positions.sqlite3") as conn:
        positions = [pos for (pos,) in conn.execute("SELECT pos FROM tasks ORDER BY pos")]
        gaps = conn.execute("SELECT COUNT(*) FROM gaps").fetchone()[0]
    conn.close()
    assert (positions, gaps) == ([1, 2], 0)


def _row(number: int) -> TaskRow:
    at = 1_726_631_384_000 + number * 1000
    request = {"name": f"n{number}", "source_url": "https://e.com/a.mp3", "target_lang": "en"}
    doc = {"request": request, "duration": 5.0}
    return TaskRow(new_id(at / 1000), at, at, LIFECYCLE.initial, None, doc)


def _capped_writer(path: Path) -> ThreadWriter:
    """A writer on tables `t` and `pad` capped at their size: a write that needs another
    page fails."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE t (v INTEGER PRIMARY KEY)")
    conn.execute("CREATE TABLE pad (b BLOB)")
    conn.execute("PRAGMA max_page_count = 1")  # below its size: SQLite keeps that size
    return ThreadWriter(conn)


def _huge(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT INTO pad VALUES (zeroblob(100000))")


async def test_a_write_that_fills_the_disk_fails_its_whole_batch_with_the_disk_error(
    tmp_path: Path,
) -> None:
    """SQLite rolls the whole transaction back on SQLITE_FULL: every write of the batch fails
    with that error (not one about a savepoint), none is stored, and the next batch works."""
    db = tmp_path / "batch.sqlite3"
    writer = _capped_writer(db)
    started, release = threading.Event(), threading.Event()
    try:
        holding = await _hold_writer(writer, started, release)
        writes = [asyncio.ensure_future(writer.run(op)) for op in (_put(1), _huge, _put(2))]
        await asyncio.sleep(0.01)  # all queued behind the held write
        release.set()
        await holding
        results = await asyncio.gather(*writes, return_exceptions=True)
        after = await writer.run(_put(3))
    finally:
        writer.close()
    for result in results:
        assert isinstance(result, sqlite3.OperationalError), result
        assert result.sqlite_errorcode == sqlite3.SQLITE_FULL
    conn = sqlite3.connect(db)
    stored = [v for (v,) in conn.execute("SELECT v FROM t")]
    conn.close()
    assert (after, stored) == (3, [3])


async def test_a_failed_commit_fails_every_write_of_its_batch(tmp_path: Path) -> None:
    db = tmp_path / "commit.sqlite3"
    with simulated_disk() as disk:
        store = Store(db)  # its writer, through the simulated disk
        writer = store._writer
        started, release = threading.Event(), threading.Event()
        try:
            await writer.run(lambda conn: conn.execute("CREATE TABLE t (v INTEGER PRIMARY KEY)"))
            holding = await _hold_writer(writer, started, release)
            writes = [asyncio.ensure_future(writer.run(_put(v))) for v in range(1, 6)]
            await asyncio.sleep(0.01)
            disk.full = True
            release.set()
            await holding
            results = await asyncio.gather(*writes, return_exceptions=True)
            disk.full = False
            after = await writer.run(_put(9))
        finally:
            store.close()
    assert all(isinstance(r, sqlite3.OperationalError) for r in results), results
    assert disk.refused == 1  # one COMMIT for the five
    conn = sqlite3.connect(db)
    stored = [v for (v,) in conn.execute("SELECT v FROM t")]
    conn.close()
    assert (after, stored) == (9, [9])


async def test_steps_by_time_go_on_while_the_disk_is_full(
    tmp_path: Path, disk: Disk, clock: ManualClock
) -> None:
    """Steps by time are derived when a task is read: on a full disk the task still moves on
    in every answer, and the list of unfinished tasks (which stores its tenant's due steps
    when it can) answers as if they were stored."""
    db = tmp_path / "steps.sqlite3"
    app = create_app(db=db, clock=clock, processing_seconds=10)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as http:
            task = await start_task(http)
            disk.full = True
            refused = disk.refused
            clock.advance(30)
            for _ in range(3):
                answer = await get_task(http, task[ID])
                assert answer.json()["data"][STATUS] == LIFECYCLE.result  # derived
                listed = await http.get(PROCESSING, headers=AUTH)
                assert [t[ID] for t in listed.json()["data"]] == []  # finished by time
            assert _stored_status(db, task[ID]) == LIFECYCLE.initial  # the list's write refused
            assert disk.refused > refused
            disk.full = False
            listed = await http.get(PROCESSING, headers=AUTH)
            assert [t[ID] for t in listed.json()["data"]] == []
            assert _stored_status(db, task[ID]) == LIFECYCLE.result  # stored once there is room
    finally:
        app.close()


def _stored_status(db: Path, task_id: str) -> str:
    conn = sqlite3.connect(db)
    (status,) = conn.execute("SELECT status FROM tasks WHERE id = ?", (task_id,)).fetchone()
    conn.close()
    return str(status)


@pytest.mark.parametrize("failing", [1, 2], ids=["file", "its description"])
async def test_an_upload_the_disk_refuses_leaves_nothing_and_its_url_works_later(
    http: httpx.AsyncClient, mock: MockApp, failing: int
) -> None:
    """ENOSPC when the uploaded bytes (1st fsync) or their description (2nd) are flushed."""
    answer = await http.request(
        PRESIGN.method.upper(), PRESIGN.path, json=presign_body(), headers=AUTH
    )
    data = answer.json()["data"]
    put_url, url = data[NAMES["put"]], data[NAMES["url"]]
    calls = 0

    def refuse() -> bool:
        nonlocal calls
        calls += 1
        return calls == failing

    content = b"RIFF" + bytes(range(256)) * 8
    with files_full(refuse) as refused:
        full(await http.put(put_url, content=content))
    assert len(refused) == 1
    assert (await http.get(url)).status_code == 404
    assert sorted(p.name for p in mock.uploads.folder.rglob("*") if p.is_file()) == [".secret"]
    assert (await http.put(put_url, content=content)).status_code == 200  # the same URL
    assert (await http.get(url)).content == content


async def test_a_mock_restarts_on_a_full_disk_without_writing(
    tmp_path: Path, disk: Disk, check: Check
) -> None:
    """Opening a database at this layout and lifecycle writes nothing: no page reaches its
    WAL (the `-wal` file stays empty while it is open), so a full disk does not stop it."""
    db = tmp_path / "restart.sqlite3"
    first = create_app(db=db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=first), base_url=BASE) as h:
        task = await start_task(h)
    first.close()
    disk.full = True
    again = create_app(db=db)
    try:
        assert Path(f"{db}-wal").stat().st_size == 0
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=again), base_url=BASE
        ) as http:
            assert check("getDubbingTask", await get_task(http, task[ID]))["data"][ID] == task[ID]
            refused(check, "startDubbing", await http.post(START, json=SEED_BODY, headers=AUTH))
            disk.full = False
            await start_task(http)
    finally:
        again.close()


def test_opening_a_database_that_needs_an_update_writes_it(tmp_path: Path) -> None:
    """The check above can fail: a database last opened by a mock of another lifecycle is
    brought up to date on open, which writes to its WAL."""
    db = tmp_path / "update.sqlite3"
    create_app(db=db).close()
    conn = sqlite3.connect(db)
    conn.execute("UPDATE meta SET value = '{}' WHERE key = 'lifecycle'")
    conn.commit()
    conn.close()
    app = create_app(db=db)
    try:
        assert Path(f"{db}-wal").stat().st_size > 0
    finally:
        app.close()


def test_a_new_database_on_a_full_disk_is_one_line_and_exit_2(
    tmp_path: Path, disk: Disk, capsys: pytest.CaptureFixture[str]
) -> None:
    disk.full = True
    db = tmp_path / "new.sqlite3"
    assert main(["serve", "--db", str(db), "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert f"cannot open {db}: the disk is full" in err


def test_disk_errors_are_told_apart_from_other_errors() -> None:
    assert disk_error(OSError(errno.ENOSPC, "No space left on device")) is not None
    assert disk_error(OSError(errno.EROFS, "Read-only file system")) is not None
    assert disk_error(OSError(errno.ENOENT, "No such file")) is None
    assert disk_error(sqlite3.IntegrityError("UNIQUE constraint failed")) is None
    assert disk_error(ValueError("no")) is None


async def test_a_signing_key_the_disk_refuses_is_not_left_half_made(
    http: httpx.AsyncClient, mock: MockApp
) -> None:
    """The storage's first signed URL makes its key; ENOSPC then leaves no empty key file
    behind (which every later URL would trip on): 503, and the next call makes it."""
    secret = mock.uploads.folder / ".secret"
    assert not secret.exists()
    with files_full(lambda: True):
        full(
            await http.request(
                PRESIGN.method.upper(), PRESIGN.path, json=presign_body(), headers=AUTH
            )
        )
    assert sorted(p.name for p in mock.uploads.folder.rglob("*")) == []
    answer = await http.request(
        PRESIGN.method.upper(), PRESIGN.path, json=presign_body(), headers=AUTH
    )
    assert answer.status_code == 200, answer.text
    assert len(secret.read_bytes()) == 32
