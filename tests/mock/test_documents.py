"""Tasks stored as documents (layout 3): a database of layout 2 keeps every answer, its
positions and gaps; a document that lacks a field answers its default; what a client
sends beyond the spec's request is not kept; flags follow the lifecycle the mock was
generated from."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import pytest
from a2e_dubbing_mock import ManualClock, MockApp, create_app
from a2e_dubbing_mock._store import SCHEMA_VERSION
from a2e_dubbing_mock._task_records import TaskRow

from contract_tests._api import call, lifecycle
from tests.mock.conftest import (
    AUTH,
    CREATED,
    ID,
    LIST,
    OTHER_AUTH,
    OTHER_TOKEN,
    PROCESSING,
    RECORD,
    RESULT,
    SEED_BODY,
    START,
    STATUS,
    TENANT,
    TOKEN,
    UPDATED,
    Check,
    get_task,
    start_task,
    unsigned,
)
from tests.mock.test_paging import assert_positions

pytestmark = pytest.mark.anyio
AT = 1_726_631_384_704
USER_ID = hashlib.sha256(TOKEN.encode()).hexdigest()


def key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def client(app: MockApp) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://mock.test")


# Layout 2 as the mock wrote it (positions, gaps, counts; each request field a column).
LAYOUT_2 = (
    """CREATE TABLE tenants (
        id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, coins INTEGER NOT NULL DEFAULT 0,
        tasks INTEGER NOT NULL DEFAULT 0, last_pos INTEGER NOT NULL DEFAULT 0)""",
    """CREATE TABLE tasks (
        seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, tenant INTEGER NOT NULL,
        pos INTEGER NOT NULL, cost INTEGER NOT NULL, created_ms INTEGER NOT NULL,
        updated_ms INTEGER NOT NULL, status TEXT NOT NULL, next_ms INTEGER,
        name TEXT NOT NULL, source_url TEXT NOT NULL, source_lang TEXT NOT NULL,
        target_lang TEXT NOT NULL, num_speakers INTEGER NOT NULL,
        drop_background_audio INTEGER NOT NULL, duration REAL NOT NULL,
        failed_message TEXT, failed_code TEXT)""",
    """CREATE TABLE gaps (tenant INTEGER NOT NULL, pos INTEGER NOT NULL,
        PRIMARY KEY (tenant, pos)) WITHOUT ROWID""",
    "CREATE UNIQUE INDEX tasks_by_pos ON tasks (tenant, pos)",
    "CREATE INDEX tasks_unfinished ON tasks (tenant, created_ms, seq) "
    "WHERE status IN ('initialized', 'sent', 'processing')",
    "CREATE INDEX tasks_due ON tasks (next_ms) WHERE next_ms IS NOT NULL",
    """CREATE TRIGGER tasks_counted AFTER INSERT ON tasks BEGIN
        UPDATE tenants SET tasks = tasks + 1, coins = coins + NEW.cost,
            last_pos = max(last_pos, NEW.pos) WHERE id = NEW.tenant;
    END""",
    """CREATE TRIGGER tasks_uncounted AFTER DELETE ON tasks BEGIN
        UPDATE tenants SET tasks = tasks - 1 WHERE id = OLD.tenant;
        INSERT INTO gaps (tenant, pos) SELECT OLD.tenant, OLD.pos
        WHERE OLD.pos <= (SELECT last_pos FROM tenants WHERE id = OLD.tenant);
    END""",
    "PRAGMA user_version = 2",
)
# (pos, status, next_ms, name, source_lang, num_speakers, drop_background_audio, duration,
# failed_message, failed_code) of TOKEN's tasks; positions 3 and 6 get deleted.
OLD_TASKS = (
    (1, "completed", None, "first", "zh", 1, 0, 61.0, None, None),
    (2, "failed", None, "", "auto", 2, 1, 5.5, "no speech found", "E_AUDIO"),
    (3, "completed", None, "gone", "auto", 1, 0, 10.0, None, None),
    (4, "processing", AT + 10**9, "slow", "auto", 3, 1, 130.0, None, None),
    (5, "initialized", None, "queued", "en", 1, 0, 20.0, None, None),
    (6, "sent", AT + 10**9, "gone too", "auto", 1, 0, 10.0, None, None),
    (7, "failed", None, "x", "auto", 1, 0, 7.0, None, None),
)


def old_id(pos: int, tenant: int = 1) -> str:
    return f"{AT // 1000:08x}{tenant:08x}{pos:08x}"


def layout_2_database(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        for statement in LAYOUT_2:
            conn.execute(statement)
        conn.executemany(
            "INSERT INTO tenants (key) VALUES (?)", [(key(TOKEN),), (key(OTHER_TOKEN),)]
        )
        for tenant, tasks in ((1, OLD_TASKS), (2, OLD_TASKS[:2])):
            for pos, status, next_ms, name, lang, speakers, drop, duration, msg, code in tasks:
                conn.execute(
                    "INSERT INTO tasks (id, tenant, pos, cost, created_ms, updated_ms, status, "
                    "next_ms, name, source_url, source_lang, target_lang, num_speakers, "
                    "drop_background_audio, duration, failed_message, failed_code) "
                    "VALUES (?, ?, ?, 2, ?, ?, ?, ?, ?, ?, ?, 'fr', ?, ?, ?, ?, ?)",
                    (old_id(pos, tenant), tenant, pos, AT + pos, AT + pos + 1000, status,
                     next_ms, name, f"https://e.com/{pos}.mp3", lang, speakers, drop, duration,
                     msg, code),
                )  # fmt: skip
        conn.execute("DELETE FROM tasks WHERE tenant = 1 AND pos IN (3, 6)")
    finally:
        conn.close()


def expected_record(task: tuple[Any, ...]) -> dict[str, Any]:
    """What the mock answered for a task of layout 2 (written out by hand; the record's
    fields by their role, the request's echoes by name)."""
    pos, status, _, name, _, speakers, drop, duration, message, code = task
    failed = status == lifecycle().failure
    record: dict[str, Any] = {
        "name": name,
        "source_url": f"https://e.com/{pos}.mp3",
        STATUS: status,
        "source_lang": "auto",
        "target_lang": "fr",
        "num_speakers": speakers,
        "drop_background_audio": bool(drop),
        RECORD.duration.wire: duration,
        RESULT: f"http://mock.test/__mock/results/{old_id(pos)}.wav"
        if status == lifecycle().result
        else "",
        ID: old_id(pos),
        CREATED: f"2024-09-18T03:49:44.{704 + pos:03d}Z",
        UPDATED: f"2024-09-18T03:49:45.{704 + pos:03d}Z",
    }
    for field in RECORD.failure_messages:
        if field.when is None or failed:
            record[field.wire] = (message or "") if failed else ""
    for field in RECORD.failure_codes:
        if field.when is None or failed:
            record[field.wire] = code if failed else None
    return record


async def test_a_database_of_layout_2_answers_as_before_and_goes_on(
    tmp_path: Path, check: Check
) -> None:
    db = tmp_path / "layout2.sqlite3"
    layout_2_database(db)
    kept = [task for task in OLD_TASKS if task[0] not in (3, 6)]
    app = create_app(db=db, clock=ManualClock(start=AT / 1000 + 5), processing_seconds=None)
    try:
        async with client(app) as http:
            answers = []
            for task in kept:
                response = await get_task(http, old_id(task[0]))
                answers.append(check("getDubbingTask", response)["data"])
            processing = check(
                "listProcessingDubbingTasks", await http.get(PROCESSING, headers=AUTH)
            )
            fresh = await start_task(http)
            page = check(
                "listDubbingTasks",
                await http.request(**call("dubbing.list", page_size=3), headers=AUTH),
            )
            second = (
                await http.request(**call("dubbing.list", page_num=2, page_size=3), headers=AUTH)
            ).json()
            theirs = (await http.get(LIST, headers=OTHER_AUTH)).json()["data"]
    finally:
        app.close()
    for answer, task in zip(answers, kept, strict=True):
        answer[RESULT] = unsigned(answer[RESULT]) if answer[RESULT] else ""
        assert {k: v for k, v in answer.items() if k != TENANT} == expected_record(task)
    assert [t[ID] for t in processing["data"]] == [old_id(5), old_id(4)]  # newest first
    assert [t[ID] for t in page["data"]["rows"]] == [fresh[ID], old_id(7), old_id(5)]
    assert page["data"]["count"] == 6
    assert [t[ID] for t in second["data"]["rows"]] == [old_id(4), old_id(2), old_id(1)]
    assert theirs["count"] == 2
    assert_positions(db)
    conn = sqlite3.connect(db)
    try:
        (version,) = conn.execute("PRAGMA user_version").fetchone()
        (integrity,) = conn.execute("PRAGMA integrity_check").fetchone()
        positions = conn.execute("SELECT pos FROM gaps WHERE tenant = 1 ORDER BY pos").fetchall()
        flags = dict(conn.execute("SELECT id, unfinished FROM tasks WHERE tenant = 1"))
    finally:
        conn.close()
    assert (version, integrity) == (SCHEMA_VERSION, "ok") == (3, "ok")
    assert positions == [(3,), (6,)]  # the gaps of layout 2 are kept
    assert flags == {
        old_id(1): 0,
        old_id(2): 0,
        old_id(4): 1,
        old_id(5): 1,
        old_id(7): 0,
        fresh[ID]: 1,
    }


async def test_a_document_without_a_field_answers_its_default(app: MockApp, check: Check) -> None:
    """A task stored before a field was added to the spec has no value for it."""
    request = {"source_url": "https://e.com/old.mp3", "target_lang": "en"}
    row = TaskRow("66ea4dd87db10c73fa29b570", AT, AT, "sent", None, {"request": request})
    await app.store.insert(USER_ID, row, 1)
    async with client(app) as http:
        response = await get_task(http, row.id)
    data = check("getDubbingTask", response)["data"]
    assert data["name"] == ""  # x-a2e-mock: {default: ""}
    assert data["num_speakers"] == 1  # the request's default
    assert data["drop_background_audio"] is False
    assert data[RECORD.duration.wire] == 0.0
    assert data[STATUS] == "sent"


async def test_what_a_client_sends_beyond_the_spec_is_not_kept(
    app: MockApp, client: httpx.AsyncClient, check: Check
) -> None:
    extra = {
        "duration": 0,
        "request": {"name": "forged"},
        "failure-message": "x",
        "zz_not_in_spec": "v",
    }
    response = await client.post(START, json={**SEED_BODY, **extra}, headers=AUTH)
    data = check("startDubbing", response)["data"]
    stored = app.store.get(USER_ID, data[ID])
    assert stored is not None
    assert set(stored.doc["request"]) == set(SEED_BODY)
    assert stored.doc["request"]["name"] == "test"
    assert data[RECORD.duration.wire] == stored.doc["duration"] > 0
    assert "zz_not_in_spec" not in data
    assert data[RECORD.failure.wire] == ""


async def test_flags_follow_the_lifecycle_the_mock_was_generated_from(
    tmp_path: Path, check: Check
) -> None:
    db = tmp_path / "flags.sqlite3"
    clock = ManualClock(start=AT / 1000)
    app = create_app(db=db, clock=clock)
    try:
        async with client(app) as http:
            tasks = [await start_task(http) for _ in range(3)]
            await http.post(f"/__mock/tasks/{tasks[0][ID]}/complete", headers=AUTH)
    finally:
        app.close()

    def tamper(meta: str | None) -> None:
        """As a mock of another lifecycle would have left it: other flags, a step due for
        a word that no longer moves on by itself."""
        conn = sqlite3.connect(db, isolation_level=None)
        try:
            done = tasks[0][ID]
            conn.execute("UPDATE tasks SET unfinished = (id = ?)", (done,))
            conn.execute("UPDATE tasks SET next_ms = 1 WHERE id = ?", (done,))
            if meta is not None:
                conn.execute("UPDATE meta SET value = ? WHERE key = 'lifecycle'", (meta,))
        finally:
            conn.close()

    def stored() -> dict[str, tuple[int, int | None]]:
        conn = sqlite3.connect(db)
        try:
            rows = conn.execute("SELECT id, unfinished, next_ms FROM tasks").fetchall()
        finally:
            conn.close()
        return {task_id: (flag, next_ms) for task_id, flag, next_ms in rows}

    tamper(None)  # the same lifecycle: opening the database rewrites nothing
    create_app(db=db, clock=clock).close()
    assert stored()[tasks[0][ID]] == (1, 1)
    tamper(json.dumps({"path": ["sent", "zz-not-a-status", "processing", "completed"]}))
    app = create_app(db=db, clock=clock)
    try:
        async with client(app) as http:
            listed = check("listProcessingDubbingTasks", await http.get(PROCESSING, headers=AUTH))
    finally:
        app.close()
    after = stored()
    assert after[tasks[0][ID]] == (0, None)  # completed: finished, and it stays
    assert {after[t[ID]][0] for t in tasks[1:]} == {1}
    assert [t[ID] for t in listed["data"]] == [tasks[2][ID], tasks[1][ID]]
