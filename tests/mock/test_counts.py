"""allRecords: the per-tenant task count the store keeps stays exact, and every page agrees
with the tasks really stored, whichever end a page is read from; older databases migrate."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import pytest
from a2e_dubbing_mock import ManualClock, MockApp, create_app
from a2e_dubbing_mock._store import SCHEMA_VERSION

from contract_tests._api import call
from tests.mock.conftest import (
    AUTH,
    COINS,
    ID,
    LIST,
    OTHER_AUTH,
    OTHER_TOKEN,
    SEED_BODY,
    START,
    TOKEN,
    delete_task,
)

pytestmark = pytest.mark.anyio
PAGE_SIZES = (1, 3, 5, 10, 100)


def key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def stored_ids(db: Path, token: str) -> list[str]:
    """The tenant's tasks as SQLite has them, newest first (another connection)."""
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT tasks.id FROM tasks JOIN tenants ON tenants.id = tasks.tenant "
            "WHERE tenants.key = ? ORDER BY tasks.created_ms DESC, tasks.seq DESC",
            (key(token),),
        ).fetchall()
    finally:
        conn.close()
    return [row[0] for row in rows]


async def every_page(http: httpx.AsyncClient, auth: dict[str, str], size: int) -> list[str]:
    """Walk all pages (and one past the end); every page's count must be the same."""
    first = (await http.request(**call("dubbing.list", page_size=size), headers=auth)).json()[
        "data"
    ]
    count = first["count"]
    ids: list[str] = []
    for number in range(1, count // size + 3):
        response = await http.request(
            **call("dubbing.list", page_num=number, page_size=size), headers=auth
        )
        data = response.json()["data"]
        assert data["count"] == count, (size, number)
        assert len(data["rows"]) == max(0, min(size, count - (number - 1) * size)), (size, number)
        ids += [row[ID] for row in data["rows"]]
    return ids


async def assert_exact(http: httpx.AsyncClient, db: Path, auth: dict[str, str], token: str) -> int:
    """Every page size lists exactly the stored tasks, in order; the count is their number."""
    expected = stored_ids(db, token)
    for size in PAGE_SIZES:
        assert await every_page(http, auth, size) == expected, size
    return len(expected)


async def start(http: httpx.AsyncClient, auth: dict[str, str], number: int) -> str:
    response = await http.post(START, json={**SEED_BODY, "name": f"t{number}"}, headers=auth)
    assert response.status_code == 200, response.text
    return str(response.json()["data"][ID])


def client(app: MockApp) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://mock.test")


async def test_the_count_stays_exact_through_starts_deletes_resets_and_restarts(
    tmp_path: Path,
) -> None:
    db = tmp_path / "counts.sqlite3"
    clock = ManualClock()
    app = create_app(db=db, clock=clock)
    try:
        async with client(app) as http:
            mine = []
            for number in range(23):
                mine.append(await start(http, AUTH, number))
                if number % 4 == 0:
                    clock.advance(0.5)  # some tasks share a creation time: seq decides
            theirs = [await start(http, OTHER_AUTH, number) for number in range(4)]
            assert await assert_exact(http, db, AUTH, TOKEN) == 23
            for gone in (mine[0], mine[11], mine[22]):
                assert (await delete_task(http, gone)).status_code == 200
            missing = await delete_task(http, theirs[0])  # not mine
            assert missing.status_code == 404
            assert await assert_exact(http, db, AUTH, TOKEN) == 20
            assert await assert_exact(http, db, OTHER_AUTH, OTHER_TOKEN) == 4
            assert (await http.post("/__mock/reset", headers=OTHER_AUTH)).status_code == 200
            assert await assert_exact(http, db, OTHER_AUTH, OTHER_TOKEN) == 0
            assert await assert_exact(http, db, AUTH, TOKEN) == 20
            await start(http, OTHER_AUTH, 99)
    finally:
        app.close()
    app = create_app(db=db, clock=clock)  # a restart on the same file
    try:
        async with client(app) as http:
            assert await assert_exact(http, db, AUTH, TOKEN) == 20
            assert await assert_exact(http, db, OTHER_AUTH, OTHER_TOKEN) == 1
            await start(http, AUTH, 100)
            assert await assert_exact(http, db, AUTH, TOKEN) == 21
            assert (await http.post("/__mock/reset-all")).status_code == 200
            assert await assert_exact(http, db, AUTH, TOKEN) == 0
            assert await assert_exact(http, db, OTHER_AUTH, OTHER_TOKEN) == 0
            await start(http, AUTH, 101)
            assert await assert_exact(http, db, AUTH, TOKEN) == 1
    finally:
        app.close()


async def test_pages_past_the_middle_read_from_the_end_agree_with_the_first_ones() -> None:
    app = create_app(clock=ManualClock())  # :memory: too
    try:
        async with client(app) as http:
            for number in range(17):
                await start(http, AUTH, number)
            forward = (
                await http.request(**call("dubbing.list", page_size=100), headers=AUTH)
            ).json()
            everything = [row[ID] for row in forward["data"]["rows"]]
            for size in (1, 2, 4, 6, 16, 17):
                walked = await every_page(http, AUTH, size)
                assert walked == everything, size
            far = await http.request(
                **call("dubbing.list", page_num=10**6, page_size=100), headers=AUTH
            )
            nobody = await http.get(LIST, headers={"Authorization": "Bearer sk_nobody_yet"})
    finally:
        app.close()
    assert len(everything) == 17
    assert far.json()["data"] == {"rows": [], "count": 17}
    assert nobody.json()["data"] == {"rows": [], "count": 0}


# The first layout of the store (before tenant ids and task counts), as older files have it.
LAYOUT_0 = (
    """CREATE TABLE tasks (
        seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, tenant TEXT NOT NULL,
        created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL, status TEXT NOT NULL,
        next_ms INTEGER, name TEXT NOT NULL, source_url TEXT NOT NULL,
        source_lang TEXT NOT NULL, target_lang TEXT NOT NULL, num_speakers INTEGER NOT NULL,
        drop_background_audio INTEGER NOT NULL, duration REAL NOT NULL,
        failed_message TEXT, failed_code TEXT)""",
    "CREATE INDEX tasks_by_tenant ON tasks (tenant, created_ms, seq)",
    "CREATE INDEX tasks_unfinished ON tasks (tenant, created_ms, seq) "
    "WHERE status IN ('initialized', 'sent', 'processing')",
    "CREATE INDEX tasks_due ON tasks (next_ms) WHERE next_ms IS NOT NULL",
    "CREATE TABLE spending (tenant TEXT PRIMARY KEY, coins INTEGER NOT NULL) WITHOUT ROWID",
)


def layout_0_database(db: Path, tasks: dict[str, int], spent: dict[str, int]) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        for statement in LAYOUT_0:
            conn.execute(statement)
        at = 1_726_631_384_704
        for tenant, number in tasks.items():
            for index in range(number):
                at += 1000
                conn.execute(
                    "INSERT INTO tasks VALUES "
                    "(NULL, ?, ?, ?, ?, 'completed', NULL, ?, 'https://e.com/a.mp3', 'auto', "
                    "'en', 1, 0, 61.0, NULL, NULL)",
                    (f"{at // 1000:08x}{index:016x}", tenant, at, at, f"old {index}"),
                )
        conn.executemany("INSERT INTO spending VALUES (?, ?)", spent.items())
    finally:
        conn.close()


async def test_a_database_of_the_first_layout_is_migrated_with_exact_counts(
    tmp_path: Path,
) -> None:
    db = tmp_path / "layout0.sqlite3"
    layout_0_database(
        db, {key(TOKEN): 12, key(OTHER_TOKEN): 3}, {key(TOKEN): 30, key(OTHER_TOKEN): 7}
    )
    app = create_app(db=db, clock=ManualClock(start=1_900_000_000))
    try:
        async with client(app) as http:
            assert await assert_exact(http, db, AUTH, TOKEN) == 12
            assert await assert_exact(http, db, OTHER_AUTH, OTHER_TOKEN) == 3
            coins: Any = (await http.get(COINS, headers=AUTH)).json()["data"]["coins"]
            fresh = await start(http, AUTH, 0)
            page = (await http.request(**call("dubbing.list", page_size=1), headers=AUTH)).json()[
                "data"
            ]
            old = stored_ids(db, TOKEN)[-1]
            assert (await delete_task(http, old)).status_code == 200
            assert await assert_exact(http, db, AUTH, TOKEN) == 12
    finally:
        app.close()
    conn = sqlite3.connect(db)
    try:
        (version,) = conn.execute("PRAGMA user_version").fetchone()
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
        (integrity,) = conn.execute("PRAGMA integrity_check").fetchone()
    finally:
        conn.close()
    assert coins == 1200 - 30  # spending came along (the balance is the spec example's)
    assert page["rows"][0][ID] == fresh
    assert page["count"] == 13
    assert version == SCHEMA_VERSION
    assert "spending" not in tables
    assert {"tenants", "tasks", "tasks_counted", "tasks_uncounted"} <= tables
    assert integrity == "ok"


def test_a_database_of_an_unknown_newer_layout_is_refused_clearly(tmp_path: Path) -> None:
    db = tmp_path / "future.sqlite3"
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(ValueError, match=f"layout {SCHEMA_VERSION + 1}"):
        create_app(db=db)
