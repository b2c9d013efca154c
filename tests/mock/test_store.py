"""The file store: committed before the answer, many starts per commit, WAL on disk; a
failing write in a batch fails alone; task and trace ids."""

from __future__ import annotations

import asyncio
import hashlib
import re
import sqlite3
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from a2e_dubbing_mock import _ids, create_app
from a2e_dubbing_mock._ids import new_id, trace_id
from a2e_dubbing_mock._store import Store
from a2e_dubbing_mock._task_records import TaskRow
from a2e_dubbing_mock._writer import ThreadWriter, Writer

from tests.mock.conftest import AUTH, ID, SEED_BODY, START

pytestmark = pytest.mark.anyio


async def test_concurrent_starts_share_commits_and_each_is_committed_before_its_answer(
    tmp_path: Path,
) -> None:
    db = tmp_path / "group.sqlite3"
    app = create_app(db=db)
    seen_on_disk: list[bool] = []
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://mock.test") as http:

            async def start(number: int) -> None:
                response = await http.post(
                    START, json={**SEED_BODY, "name": f"n{number}"}, headers=AUTH
                )
                task_id = response.json()["data"][ID]
                with sqlite3.connect(db) as other:  # another connection: committed data only
                    row = other.execute("SELECT 1 FROM tasks WHERE id = ?", (task_id,))
                    seen_on_disk.append(row.fetchone() is not None)
                other.close()

            async with anyio.create_task_group() as group:
                for number in range(40):
                    group.start_soon(start, number)
        commits = app.store.commits
    finally:
        app.close()
    assert seen_on_disk == [True] * 40
    assert 1 <= commits < 40  # group commit: fewer transactions than starts


def test_a_file_database_is_in_wal_mode(tmp_path: Path) -> None:
    db = tmp_path / "wal.sqlite3"
    app = create_app(db=db)
    app.close()
    with sqlite3.connect(db) as conn:
        (mode,) = conn.execute("PRAGMA journal_mode").fetchone()
    conn.close()
    assert mode == "wal"
    source = (
        Path(__file__).parents[2] / "generator" / "runtime" / "mock" / "_store.py"
    ).read_text()
    assert "PRAGMA synchronous=FULL" in source  # per connection, so not readable from the file


def _blocked_writer(path: Path) -> tuple[ThreadWriter, threading.Event, threading.Event]:
    """A writer on a table `t`, and a first write that holds it until `release` is set."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE t (v INTEGER PRIMARY KEY)")
    return ThreadWriter(conn), threading.Event(), threading.Event()


async def _hold_writer(writer: Writer, started: threading.Event, release: threading.Event) -> Any:
    """Occupy the writer thread, so that what is queued next makes one batch."""

    def hold(conn: sqlite3.Connection) -> None:
        started.set()
        release.wait(10)

    holding = asyncio.ensure_future(writer.run(hold))
    while not started.is_set():
        await asyncio.sleep(0.001)
    return holding


def _put(value: int) -> Callable[[sqlite3.Connection], int]:
    def op(conn: sqlite3.Connection) -> int:
        conn.execute("INSERT INTO t VALUES (?)", (value,))
        return value

    return op


def _broken(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT INTO t VALUES (100)")  # undone with its savepoint
    raise RuntimeError("this write fails")


async def test_a_failing_write_in_a_batch_loses_only_itself(tmp_path: Path) -> None:
    db = tmp_path / "batch.sqlite3"
    writer, started, release = _blocked_writer(db)
    try:
        holding = await _hold_writer(writer, started, release)
        writes = [
            asyncio.ensure_future(writer.run(op))
            for op in (_put(1), _broken, _put(2), _put(1), _put(3))  # _put(1) again: UNIQUE
        ]
        await asyncio.sleep(0.01)  # all queued behind the held write
        release.set()
        await holding
        results = await asyncio.gather(*writes, return_exceptions=True)
        commits, replays = writer.commits, writer.replays
    finally:
        writer.close()
    conn = sqlite3.connect(db)
    stored = [v for (v,) in conn.execute("SELECT v FROM t ORDER BY v")]
    conn.close()
    assert results[0] == 1
    assert isinstance(results[1], RuntimeError)
    assert results[2] == 2
    assert isinstance(results[3], sqlite3.IntegrityError)
    assert results[4] == 3
    assert stored == [1, 2, 3]
    assert (commits, replays) == (2, 1)  # the held write, then the batch once (replayed)


async def test_a_batch_without_failures_is_one_transaction_without_replay(tmp_path: Path) -> None:
    writer, started, release = _blocked_writer(tmp_path / "plain.sqlite3")
    try:
        holding = await _hold_writer(writer, started, release)
        writes = [asyncio.ensure_future(writer.run(_put(v))) for v in range(1, 21)]
        await asyncio.sleep(0.01)
        release.set()
        await holding
        assert await asyncio.gather(*writes) == list(range(1, 21))
        assert (writer.commits, writer.replays) == (2, 0)
    finally:
        writer.close()


async def test_starts_in_a_batch_with_a_taken_id_are_all_stored(tmp_path: Path) -> None:
    store = Store(tmp_path / "taken.sqlite3")
    tenant = hashlib.sha256(b"sk_x").hexdigest()
    now = 1_726_631_384.704
    first = _row(new_id(now), now)
    try:
        await store.insert(tenant, first, 1)
        started, release = threading.Event(), threading.Event()
        holding = await _hold_writer(store._writer, started, release)
        same = first._replace(doc={"request": {"name": "same id"}, "duration": 5.0})
        rows = [_row(new_id(now), now), same, _row(new_id(now), now)]
        inserts = [asyncio.ensure_future(store.insert(tenant, row, 1)) for row in rows]
        await asyncio.sleep(0.01)
        release.set()
        await holding
        stored = await asyncio.gather(*inserts)
        rows_now, count = store.page(tenant, 10, 0)
        replays = store.replays
    finally:
        store.close()
    assert [s.id for s in stored][::2] == [rows[0].id, rows[2].id]
    assert stored[1].doc["request"]["name"] == "same id"
    assert stored[1].id != first.id  # renewed: the start succeeded under a new id
    assert count == 4
    assert {r.id for r in rows_now} == {first.id, *(s.id for s in stored)}
    assert replays == 1


def _row(task_id: str, now: float) -> TaskRow:
    ms = int(now * 1000)
    request = {"name": "n", "source_url": "https://e.com/a.mp3", "target_lang": "en"}
    return TaskRow(task_id, ms, ms, "sent", None, {"request": request, "duration": 5.0})


def test_task_ids_are_unique_time_first_and_24_hex() -> None:
    now = 1_726_631_384.704
    ids = [new_id(now) for _ in range(100_000)]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[0-9a-f]{24}", task_id) for task_id in ids)
    assert {task_id[:8] for task_id in ids} == {f"{int(now):08x}"}


def test_task_ids_of_another_process_in_the_same_second_differ() -> None:
    """A restart on the same database must not repeat ids (the store retries if one does)."""
    code = (
        "from a2e_dubbing_mock._ids import new_id\n"
        "print('\\n'.join(new_id(1726631384.0) for _ in range(2000)))"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
        ).stdout.split()
        for _ in range(2)
    ]
    assert len(runs[0]) == len(runs[1]) == 2000
    assert not set(runs[0]) & set(runs[1])
    before = {new_id(1726631384.0) for _ in range(2000)}
    _ids.reseed()  # as a new (or forked) process does
    assert not before & {new_id(1726631384.0) for _ in range(2000)}


def test_trace_ids_are_random_uuid4_text() -> None:
    traces = [trace_id() for _ in range(10_000)]
    assert len(set(traces)) == len(traces)
    for text in traces[:200]:
        parsed = uuid.UUID(text)
        assert parsed.version == 4
        assert parsed.variant == uuid.RFC_4122
        assert str(parsed) == text
