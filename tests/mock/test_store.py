"""The file store: committed before the answer, many starts per commit, WAL on disk."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import anyio
import httpx
import pytest
from a2e_dubbing_mock import create_app

from tests.mock.conftest import AUTH, SEED_BODY, START

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
                task_id = response.json()["data"]["_id"]
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
