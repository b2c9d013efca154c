"""The task store: SQLite, with every write durable before its request is answered.

A file database runs in WAL mode with `synchronous=FULL`; writes are group-committed by
`_writer`, reads run on the event loop through a second, read-only connection (they only
ever see committed data). `:memory:` keeps everything on one connection, not durably.

A tenant (the SHA-256 of a token, never the token) is a row of `tenants`, and tasks point
to it by its small integer id. That row also holds what the tenant spent and how many
tasks it has, kept by triggers in the statement (so the transaction) that inserts or
deletes a task: the count is exact, and a page of allRecords costs the same whatever the
number of tasks.
"""

from __future__ import annotations

import contextlib
import functools
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._ids import new_id
from ._tasks import COMPLETED, PROCESSING, SENT, UNFINISHED, TaskRow, cost_for
from ._writer import InlineWriter, ThreadWriter, Writer

MEMORY = ":memory:"
# PRAGMA user_version of the layout below. 0: the first layout (tasks.tenant held the
# tenant's hex key, spending(tenant, coins) had no task count), migrated when opened.
SCHEMA_VERSION = 1
ID_ATTEMPTS = 3  # a start whose id is taken (never seen in practice) gets a new one
_INSERT_CHUNK = 500  # rows per INSERT statement (15 parameters each; SQLite allows 32766)
_REMEMBER = 10_000  # tenant ids kept in memory


def _sql_list(words: tuple[str, ...]) -> str:
    """`('a', 'b')` for constant status words (never for user input)."""
    if not all(w.isidentifier() for w in words):
        raise ValueError(f"not a status word: {words!r}")
    return "(" + ", ".join(f"'{w}'" for w in words) + ")"


_CREATE_TENANTS = """
CREATE TABLE tenants (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    coins INTEGER NOT NULL DEFAULT 0,
    tasks INTEGER NOT NULL DEFAULT 0
)"""
_CREATE_TASKS = """
CREATE TABLE tasks (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    tenant INTEGER NOT NULL,
    cost INTEGER NOT NULL,
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
)"""
_CREATE_INDEXES = (
    "CREATE INDEX tasks_by_tenant ON tasks (tenant, created_ms, seq)",
    "CREATE INDEX tasks_unfinished ON tasks (tenant, created_ms, seq) "
    f"WHERE status IN {_sql_list(UNFINISHED)}",
    "CREATE INDEX tasks_due ON tasks (next_ms) WHERE next_ms IS NOT NULL",
)
_INDEX_NAMES = ("tasks_by_tenant", "tasks_unfinished", "tasks_due")
_CREATE_TRIGGERS = (
    """CREATE TRIGGER tasks_counted AFTER INSERT ON tasks BEGIN
    UPDATE tenants SET tasks = tasks + 1, coins = coins + NEW.cost WHERE id = NEW.tenant;
END""",
    """CREATE TRIGGER tasks_uncounted AFTER DELETE ON tasks BEGIN
    UPDATE tenants SET tasks = tasks - 1 WHERE id = OLD.tenant;
END""",
)

# SQL text below is built from constants only (column names, status words), never input.
_COLUMNS = ", ".join(TaskRow._fields)
_GET = f"SELECT {_COLUMNS} FROM tasks WHERE id = ? AND tenant = ?"  # noqa: S608
_FIND = f"SELECT {_COLUMNS} FROM tasks WHERE id = ?"  # noqa: S608
# A page is a deferred join: OFFSET walks the covering index tasks_by_tenant alone (the
# rowid is in it), then only the page's rows are read from the table; the caller sorts
# those few rows (by created_ms, seq) itself.
_PAGE_ROWS = f"SELECT seq, {_COLUMNS} FROM tasks WHERE seq IN"  # noqa: S608
_PAGE = (
    f"{_PAGE_ROWS} (SELECT seq FROM tasks WHERE tenant = ? "  # noqa: S608
    "ORDER BY created_ms DESC, seq DESC LIMIT ? OFFSET ?)"
)
# The same order read from the oldest end (for pages past the middle).
_PAGE_FROM_END = (
    f"{_PAGE_ROWS} (SELECT seq FROM tasks WHERE tenant = ? "  # noqa: S608
    "ORDER BY created_ms, seq LIMIT ? OFFSET ?)"
)
_CREATED = 1 + TaskRow._fields.index("created_ms")  # in a row of _PAGE_ROWS
_TENANT = "SELECT id FROM tenants WHERE key = ?"
_COUNT = "SELECT tasks FROM tenants WHERE id = ?"
_SPENT = "SELECT coins FROM tenants WHERE key = ?"
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
_INSERT_COLUMNS = f"tenant, cost, {_COLUMNS}"
_ROW_PLACEHOLDERS = "(" + ", ".join("?" for _ in range(len(TaskRow._fields) + 2)) + ")"


@functools.lru_cache(maxsize=64)
def _insert_sql(rows: int) -> str:
    """One INSERT of `rows` tasks."""
    values = ", ".join(_ROW_PLACEHOLDERS for _ in range(rows))
    return f"INSERT INTO tasks ({_INSERT_COLUMNS}) VALUES {values}"  # noqa: S608


class _PendingStarts:
    """Started tasks of a batch, written in one INSERT (the triggers count and add up).

    Used on the writer's thread only. Every other write flushes it first, so the writes
    of a batch still happen in their order.
    """

    def __init__(self) -> None:
        self._rows: list[tuple[Any, ...]] = []

    def add(self, tenant: int, row: TaskRow, cost: int) -> None:
        self._rows.append((tenant, cost, *row))

    def flush(self, conn: sqlite3.Connection) -> None:
        rows = self._rows
        for start in range(0, len(rows), _INSERT_CHUNK):
            chunk = rows[start : start + _INSERT_CHUNK]
            conn.execute(_insert_sql(len(chunk)), [value for row in chunk for value in row])
        self._rows = []

    def flush_alone(self, conn: sqlite3.Connection) -> bool:
        if len(self._rows) > _INSERT_CHUNK:
            return False
        self.flush(conn)
        return True

    def discard(self) -> None:
        self._rows = []


class Store:
    """Tasks, spending and task counts per tenant (a tenant is the hash of a token)."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self.durable = self.path != MEMORY
        writer_conn = _connect(self.path)
        if self.durable:
            writer_conn.execute("PRAGMA journal_mode=WAL")
            writer_conn.execute("PRAGMA synchronous=FULL")
        try:
            _prepare(writer_conn, self.path)
        except BaseException:
            writer_conn.close()
            raise
        self._pending = _PendingStarts()
        self._ids: dict[str, int] = {}  # tenant key -> id, committed ones only
        self._writer: Writer
        if self.durable:
            self._read = _connect(self.path)
            self._read.execute("PRAGMA query_only=1")
            self._writer = ThreadWriter(writer_conn, self._pending)
        else:
            self._read = writer_conn
            self._writer = InlineWriter(writer_conn, self._pending)

    # Reads: on the caller's thread, against committed data only.

    def get(self, tenant: str, task_id: str) -> TaskRow | None:
        tenant_id = self._tenant_id(tenant)
        if tenant_id is None:
            return None
        row = self._read.execute(_GET, (task_id, tenant_id)).fetchone()
        return None if row is None else TaskRow._make(row)

    def find(self, task_id: str) -> TaskRow | None:
        """Any tenant's task (result URLs are public, like A2E's signed URLs)."""
        row = self._read.execute(_FIND, (task_id,)).fetchone()
        return None if row is None else TaskRow._make(row)

    def page(self, tenant: str, limit: int, offset: int) -> tuple[list[TaskRow], int]:
        """One page, newest first, and the tenant's total (one consistent snapshot).

        OFFSET walks the covering index only (never the table), from the nearer end:
        the last page costs what the first does, a middle page grows with the tasks.
        """
        tenant_id = self._tenant_id(tenant)
        if tenant_id is None:
            return [], 0
        with _snapshot(self._read):
            found = self._read.execute(_COUNT, (tenant_id,)).fetchone()
            count = 0 if found is None else int(found[0])
            if offset >= count or limit <= 0:
                return [], count
            if count - offset < offset + limit:
                start = max(0, count - offset - limit)
                args = (tenant_id, count - offset - start, start)
                rows = self._read.execute(_PAGE_FROM_END, args).fetchall()
            else:
                rows = self._read.execute(_PAGE, (tenant_id, limit, offset)).fetchall()
        rows.sort(key=lambda r: (r[_CREATED], r[0]), reverse=True)  # newest first
        return [TaskRow._make(r[1:]) for r in rows], count

    def unfinished(self, tenant: str) -> list[TaskRow]:
        tenant_id = self._tenant_id(tenant)
        if tenant_id is None:
            return []
        return [TaskRow._make(r) for r in self._read.execute(_UNFINISHED, (tenant_id,))]

    def spent(self, tenant: str) -> int:
        found = self._read.execute(_SPENT, (tenant,)).fetchone()
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
            "get": (_GET, ("0" * 24, 1)),
            "find": (_FIND, ("0" * 24,)),
            "tenant": (_TENANT, ("t",)),
            "page": (_PAGE, (1, 10, 0)),
            "page_from_end": (_PAGE_FROM_END, (1, 10, 0)),
            "count": (_COUNT, (1,)),
            "spent": (_SPENT, ("t",)),
            "unfinished": (_UNFINISHED, (1,)),
            "next_due": (_NEXT_DUE, ()),
            "due": (_DUE, due),
        }
        return {
            name: [str(row[-1]) for row in self._read.execute(f"EXPLAIN QUERY PLAN {sql}", args)]
            for name, (sql, args) in queries.items()
        }

    def _tenant_id(self, tenant: str) -> int | None:
        """The id of a tenant that has written something (committed), else None."""
        found = self._ids.get(tenant)
        if found is None:
            row = self._read.execute(_TENANT, (tenant,)).fetchone()
            if row is None:
                return None
            found = self._remember(tenant, int(row[0]))
        return found

    def _remember(self, tenant: str, tenant_id: int) -> int:
        if len(self._ids) >= _REMEMBER:
            self._ids.clear()
        self._ids[tenant] = tenant_id
        return tenant_id

    # Writes: awaited until they are committed (durably, for a file database).

    async def insert(self, tenant: str, row: TaskRow, cost: int) -> TaskRow:
        """Store a started task and its cost; the task as stored (a taken id is renewed)."""
        known = self._tenant_id(tenant)
        if known is None:
            known = self._remember(tenant, await self._writer.run(_add_tenant(tenant)))
        tenant_id, pending = known, self._pending
        for attempt in range(1, ID_ATTEMPTS + 1):

            def op(conn: sqlite3.Connection, row: TaskRow = row) -> None:
                pending.add(tenant_id, row, cost)  # written just before the commit

            try:
                await self._writer.run(op, deferred_only=True)
            except sqlite3.IntegrityError as error:
                if attempt == ID_ATTEMPTS or "tasks.id" not in str(error):
                    raise
                row = row._replace(id=new_id(row.created_ms / 1000))
            else:
                break
        return row

    async def delete(self, tenant: str, task_id: str) -> bool:
        tenant_id = self._tenant_id(tenant)
        if tenant_id is None:
            return False
        pending = self._pending

        def op(conn: sqlite3.Connection) -> bool:
            pending.flush(conn)
            cursor = conn.execute(  # the trigger counts it
                "DELETE FROM tasks WHERE id = ? AND tenant = ?", (task_id, tenant_id)
            )
            return cursor.rowcount > 0

        return await self._writer.run(op)

    async def advance_due(self, now_ms: int, step_ms: int, limit: int) -> int:
        """Move up to `limit` tasks whose time has come (sent -> processing -> completed),
        earliest first; how many moved (`limit`: maybe more are due)."""
        pending = self._pending
        args = {
            "now": now_ms,
            "step": step_ms,
            "limit": limit,
            "sent": SENT,
            "processing": PROCESSING,
            "completed": COMPLETED,
        }

        def op(conn: sqlite3.Connection) -> int:
            pending.flush(conn)
            return conn.execute(_ADVANCE, args).rowcount

        return await self._writer.run(op)

    async def transition(
        self, tenant: str, task_id: str, change: Change
    ) -> tuple[bool, TaskRow | None]:
        """Apply `change` if the task's status allows it: (changed, the task afterwards)."""
        tenant_id = self._tenant_id(tenant)
        if tenant_id is None:
            return False, None
        pending = self._pending

        def op(conn: sqlite3.Connection) -> tuple[bool, TaskRow | None]:
            pending.flush(conn)
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
                    tenant_id,
                ),
            )
            row = conn.execute(_GET, (task_id, tenant_id)).fetchone()
            return cursor.rowcount > 0, None if row is None else TaskRow._make(row)

        return await self._writer.run(op)

    async def reset(self, tenant: str | None = None) -> int:
        """Forget one tenant's tasks and spending, or everyone's; how many tasks went."""
        tenant_id = None if tenant is None else self._tenant_id(tenant)
        if tenant is not None and tenant_id is None:
            return 0  # it never stored anything
        pending = self._pending

        def op(conn: sqlite3.Connection) -> int:
            pending.flush(conn)
            if tenant_id is None:  # tenant rows stay: their ids may be remembered
                removed = conn.execute("DELETE FROM tasks").rowcount
                conn.execute("UPDATE tenants SET coins = 0, tasks = 0")
                return removed
            removed = conn.execute("DELETE FROM tasks WHERE tenant = ?", (tenant_id,)).rowcount
            conn.execute("UPDATE tenants SET coins = 0, tasks = 0 WHERE id = ?", (tenant_id,))
            return removed

        return await self._writer.run(op)

    @property
    def commits(self) -> int:
        """Transactions committed since the store was opened (group commit shares them)."""
        return self._writer.commits

    @property
    def replays(self) -> int:
        """Batches replayed write by write because one of their writes failed."""
        return self._writer.replays

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


def _add_tenant(key: str) -> Any:
    def op(conn: sqlite3.Connection) -> int:
        conn.execute("INSERT INTO tenants (key) VALUES (?) ON CONFLICT (key) DO NOTHING", (key,))
        (tenant_id,) = conn.execute(_TENANT, (key,)).fetchone()
        return int(tenant_id)

    return op


def _connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout=10000")
    return conn


def _prepare(conn: sqlite3.Connection, path: str) -> None:
    """Create the tables, or bring a database of an earlier layout up to this one."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        (version,) = conn.execute("PRAGMA user_version").fetchone()
        tables = {
            str(name)
            for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if version == 0 and "tasks" in tables:
            _migrate_from_0(conn, tables)
        elif version == 0:
            for statement in (_CREATE_TENANTS, _CREATE_TASKS, *_CREATE_INDEXES, *_CREATE_TRIGGERS):
                conn.execute(statement)
        elif version != SCHEMA_VERSION:
            raise ValueError(
                f"{path}: a database of layout {version}; this mock reads layout "
                f"{SCHEMA_VERSION} (and older ones): use a newer a2e-dubbing-mock or another file"
            )
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        raise


def _migrate_from_0(conn: sqlite3.Connection, tables: set[str]) -> None:
    """Layout 0 -> 1: tenant ids instead of keys in every task, counts per tenant."""
    conn.create_function("cost_for", 1, cost_for, deterministic=True)
    if "spending" not in tables:
        conn.execute("CREATE TABLE spending (tenant TEXT PRIMARY KEY, coins INTEGER NOT NULL)")
    conn.execute(_CREATE_TENANTS)
    conn.execute("INSERT INTO tenants (key, coins) SELECT tenant, coins FROM spending")
    conn.execute(
        "INSERT INTO tenants (key) SELECT DISTINCT tenant FROM tasks "
        "WHERE tenant NOT IN (SELECT key FROM tenants)"
    )
    for name in _INDEX_NAMES:
        conn.execute(f"DROP INDEX IF EXISTS {name}")
    conn.execute("ALTER TABLE tasks RENAME TO tasks_layout_0")
    conn.execute(_CREATE_TASKS)
    conn.execute(
        f"INSERT INTO tasks (seq, {_INSERT_COLUMNS}) "  # noqa: S608
        "SELECT old.seq, tenants.id, cost_for(old.duration), "
        f"{', '.join('old.' + c for c in TaskRow._fields)} "
        "FROM tasks_layout_0 AS old JOIN tenants ON tenants.key = old.tenant ORDER BY old.seq"
    )
    conn.execute("DROP TABLE tasks_layout_0")
    conn.execute("DROP TABLE spending")
    for statement in _CREATE_INDEXES:
        conn.execute(statement)
    conn.execute(  # the counts are new: computed once from the tasks
        "UPDATE tenants SET tasks = (SELECT COUNT(*) FROM tasks WHERE tasks.tenant = tenants.id)"
    )
    for statement in _CREATE_TRIGGERS:  # from now on, every insert and delete counts
        conn.execute(statement)


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
