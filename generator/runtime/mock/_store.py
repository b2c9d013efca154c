"""The task store: SQLite, with every write durable before its request is answered.

A file database runs in WAL mode with `synchronous=FULL`; writes are group-committed by
`_writer`, reads run on the event loop through a second, read-only connection (they only
ever see committed data). `:memory:` keeps everything on one connection, not durably.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._tasks import COMPLETED, PROCESSING, SENT, UNFINISHED, TaskRow
from ._writer import InlineWriter, ThreadWriter, Writer

MEMORY = ":memory:"


def _sql_list(words: tuple[str, ...]) -> str:
    """`('a', 'b')` for constant status words (never for user input)."""
    if not all(w.isidentifier() for w in words):
        raise ValueError(f"not a status word: {words!r}")
    return "(" + ", ".join(f"'{w}'" for w in words) + ")"


_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS tasks (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    tenant TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    status TEXT NOT NULL,
    next_ms INTEGER,
    name TEXT NOT NULL,
    source_url TEXT NOT NULL,
    source_lang TEXT NOT NULL,
    target_lang TEXT NOT NULL,
    num_speakers INTEGER NOT NULL,
    drop_background_audio INTEGER NOT NULL,
    duration REAL NOT NULL,
    failed_message TEXT,
    failed_code TEXT
);
CREATE INDEX IF NOT EXISTS tasks_by_tenant ON tasks (tenant, created_ms, seq);
CREATE INDEX IF NOT EXISTS tasks_unfinished ON tasks (tenant, created_ms, seq)
    WHERE status IN {_sql_list(UNFINISHED)};
CREATE INDEX IF NOT EXISTS tasks_due ON tasks (next_ms) WHERE next_ms IS NOT NULL;
CREATE TABLE IF NOT EXISTS spending (
    tenant TEXT PRIMARY KEY,
    coins INTEGER NOT NULL
) WITHOUT ROWID;
"""
# SQL text below is built from constants only (column names, status words), never input.
_COLUMNS = ", ".join(TaskRow._fields)
_GET = f"SELECT {_COLUMNS} FROM tasks WHERE id = ? AND tenant = ?"  # noqa: S608
_FIND = f"SELECT {_COLUMNS} FROM tasks WHERE id = ?"  # noqa: S608
_PAGE = (
    f"SELECT {_COLUMNS} FROM tasks WHERE tenant = ? "  # noqa: S608
    "ORDER BY created_ms DESC, seq DESC LIMIT ? OFFSET ?"
)
_COUNT = "SELECT COUNT(*) FROM tasks WHERE tenant = ?"
_UNFINISHED = (
    f"SELECT {_COLUMNS} FROM tasks WHERE tenant = ? AND status IN {_sql_list(UNFINISHED)} "  # noqa: S608
    "ORDER BY created_ms DESC, seq DESC"
)
_NEXT_DUE = "SELECT MIN(next_ms) FROM tasks WHERE next_ms IS NOT NULL"
_DUE = (
    "SELECT seq FROM tasks WHERE next_ms <= :now AND status IN (:sent, :processing) "
    "ORDER BY next_ms LIMIT :limit"
)
# Every due step of up to :limit tasks, in one statement: sent -> processing -> completed
# (SQLite computes every SET expression from the row as it was).
_ADVANCE = f"""
UPDATE tasks SET
    status = CASE WHEN status = :sent AND next_ms + :step > :now
        THEN :processing ELSE :completed END,
    updated_ms = CASE WHEN status = :sent AND next_ms + :step <= :now
        THEN next_ms + :step ELSE next_ms END,
    next_ms = CASE WHEN status = :sent AND next_ms + :step > :now THEN next_ms + :step END
WHERE seq IN ({_DUE})"""  # noqa: S608
_PLACEHOLDERS = ", ".join("?" for _ in TaskRow._fields)
_INSERT = f"INSERT INTO tasks (tenant, {_COLUMNS}) VALUES (?, {_PLACEHOLDERS})"  # noqa: S608
_SPEND = (
    "INSERT INTO spending (tenant, coins) VALUES (?, ?) "
    "ON CONFLICT (tenant) DO UPDATE SET coins = coins + excluded.coins"
)


class Store:
    """Tasks and spending per tenant (a tenant is the hash of a token, never the token)."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self.durable = self.path != MEMORY
        writer_conn = _connect(self.path)
        if self.durable:
            writer_conn.execute("PRAGMA journal_mode=WAL")
            writer_conn.execute("PRAGMA synchronous=FULL")
        writer_conn.executescript(_SCHEMA)
        self._writer: Writer
        if self.durable:
            self._read = _connect(self.path)
            self._read.execute("PRAGMA query_only=1")
            self._writer = ThreadWriter(writer_conn)
        else:
            self._read = writer_conn
            self._writer = InlineWriter(writer_conn)

    # Reads: on the caller's thread, against committed data only.

    def get(self, tenant: str, task_id: str) -> TaskRow | None:
        row = self._read.execute(_GET, (task_id, tenant)).fetchone()
        return None if row is None else TaskRow._make(row)

    def find(self, task_id: str) -> TaskRow | None:
        """Any tenant's task (result URLs are public, like A2E's signed URLs)."""
        row = self._read.execute(_FIND, (task_id,)).fetchone()
        return None if row is None else TaskRow._make(row)

    def page(self, tenant: str, limit: int, offset: int) -> tuple[list[TaskRow], int]:
        """One page, newest first, and the tenant's total (one consistent snapshot)."""
        with _snapshot(self._read):
            rows = self._read.execute(_PAGE, (tenant, limit, offset)).fetchall()
            (count,) = self._read.execute(_COUNT, (tenant,)).fetchone()
        return [TaskRow._make(r) for r in rows], int(count)

    def unfinished(self, tenant: str) -> list[TaskRow]:
        return [TaskRow._make(r) for r in self._read.execute(_UNFINISHED, (tenant,))]

    def spent(self, tenant: str) -> int:
        row = self._read.execute("SELECT coins FROM spending WHERE tenant = ?", (tenant,))
        found = row.fetchone()
        return 0 if found is None else int(found[0])

    def next_due(self) -> int | None:
        """The earliest time (ms) at which a task moves on by itself, if any."""
        (due,) = self._read.execute(_NEXT_DUE).fetchone()
        return None if due is None else int(due)

    def count(self) -> int:
        (count,) = self._read.execute("SELECT COUNT(*) FROM tasks").fetchone()
        return int(count)

    def plans(self) -> dict[str, list[str]]:
        """SQLite's plan of each read query (tests check that none scans the whole table)."""
        due = {"now": 0, "sent": SENT, "processing": PROCESSING, "limit": 1}
        queries: dict[str, tuple[str, Any]] = {
            "get": (_GET, ("0" * 24, "t")),
            "find": (_FIND, ("0" * 24,)),
            "page": (_PAGE, ("t", 10, 0)),
            "count": (_COUNT, ("t",)),
            "unfinished": (_UNFINISHED, ("t",)),
            "next_due": (_NEXT_DUE, ()),
            "due": (_DUE, due),
        }
        return {
            name: [str(row[-1]) for row in self._read.execute(f"EXPLAIN QUERY PLAN {sql}", args)]
            for name, (sql, args) in queries.items()
        }

    # Writes: awaited until they are committed (durably, for a file database).

    async def insert(self, tenant: str, row: TaskRow, cost: int) -> None:
        def op(conn: sqlite3.Connection) -> None:
            conn.execute(_INSERT, (tenant, *row))
            conn.execute(_SPEND, (tenant, cost))

        await self._writer.run(op)

    async def delete(self, tenant: str, task_id: str) -> bool:
        def op(conn: sqlite3.Connection) -> bool:
            cursor = conn.execute(
                "DELETE FROM tasks WHERE id = ? AND tenant = ?", (task_id, tenant)
            )
            return cursor.rowcount > 0

        return await self._writer.run(op)

    async def advance_due(self, now_ms: int, step_ms: int, limit: int) -> int:
        """Move up to `limit` tasks whose time has come (sent -> processing -> completed),
        earliest first; how many moved (`limit`: maybe more are due)."""
        args = {
            "now": now_ms,
            "step": step_ms,
            "limit": limit,
            "sent": SENT,
            "processing": PROCESSING,
            "completed": COMPLETED,
        }

        def op(conn: sqlite3.Connection) -> int:
            return conn.execute(_ADVANCE, args).rowcount

        return await self._writer.run(op)

    async def transition(
        self, tenant: str, task_id: str, change: Change
    ) -> tuple[bool, TaskRow | None]:
        """Apply `change` if the task's status allows it: (changed, the task afterwards)."""

        def op(conn: sqlite3.Connection) -> tuple[bool, TaskRow | None]:
            cursor = conn.execute(
                "UPDATE tasks SET status = ?, updated_ms = ?, next_ms = ?, "  # noqa: S608
                "failed_message = ?, failed_code = ? "
                f"WHERE id = ? AND tenant = ? AND status IN {_sql_list(change.from_statuses)}",
                (
                    change.status,
                    change.at_ms,
                    change.next_ms,
                    change.failed_message,
                    change.failed_code,
                    task_id,
                    tenant,
                ),
            )
            row = conn.execute(_GET, (task_id, tenant)).fetchone()
            return cursor.rowcount > 0, None if row is None else TaskRow._make(row)

        return await self._writer.run(op)

    async def reset(self, tenant: str | None = None) -> int:
        """Forget one tenant's tasks and spending, or everyone's; how many tasks went."""

        def op(conn: sqlite3.Connection) -> int:
            if tenant is None:
                conn.execute("DELETE FROM spending")
                return conn.execute("DELETE FROM tasks").rowcount
            conn.execute("DELETE FROM spending WHERE tenant = ?", (tenant,))
            return conn.execute("DELETE FROM tasks WHERE tenant = ?", (tenant,)).rowcount

        return await self._writer.run(op)

    @property
    def commits(self) -> int:
        """Transactions committed since the store was opened (group commit shares them)."""
        return self._writer.commits

    def close(self) -> None:
        """Finish pending writes and close the database."""
        self._writer.close()
        with contextlib.suppress(sqlite3.Error):
            self._read.close()


@dataclass(frozen=True)
class Change:
    """A status change asked for by an admin call."""

    from_statuses: tuple[str, ...]
    status: str
    at_ms: int
    next_ms: int | None = None
    failed_message: str | None = None
    failed_code: str | None = None


def _connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout=10000")
    return conn


@contextlib.contextmanager
def _snapshot(conn: sqlite3.Connection) -> Iterator[None]:
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        conn.execute("COMMIT")
