"""The task store: SQLite, with every write durable before its request is answered.

A file database runs in WAL mode with `synchronous=FULL`; writes are group-committed by
`_writer`, reads run on the event loop through a second, read-only connection (they only
ever see committed data). `:memory:` keeps everything on one connection, not durably.

A tenant (the SHA-256 of a token, never the token) is a row of `tenants`, and tasks point
to it by its small integer id. That row also holds what the tenant spent, how many tasks
it has and the position its newest task got, kept by triggers in the statement (so the
transaction) that inserts or deletes a task: the count is exact.

Every task has a position among its tenant's tasks (1, 2, ... in the order they were
started) and a deleted task leaves its position in `gaps`. allRecords lists by position,
newest first: the position of a page's newest task follows from the tenant's last position
and the gaps above it, then the page is one index seek, so any page costs what the first
one does (plus the gaps above it).

A task is a row of columns for what queries need (tenant, position, status, times, the
next automatic step, cost) and one JSON document, `doc`, for the rest (see `_task_records`), so
a field added to the spec needs no new layout. Nothing in the layout depends on the
spec's status words: `unfinished` (1 or 0) is computed from the lifecycle when a task is
written, and when a database is opened by a mock generated from another lifecycle, the
flags and the automatic steps are brought in line with the new one (`_sync_lifecycle`).

Opening a database already at this layout and lifecycle writes nothing, so a mock restarts
on a full disk. A write the disk refuses (SQLITE_FULL, an I/O error) fails every write of
its transaction, and what the store keeps in memory forgets what was rolled back (tenant
ids are remembered only once committed, pending positions are discarded): the next write
starts from what is on disk. `Store(path, read_only=True)` never writes (see
`_open_read_only`).
"""

from __future__ import annotations

import contextlib
import functools
import os
import sqlite3
import urllib.parse
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._disk import on_read_only_file_system, read_only_mode
from ._ids import new_id
from ._spec import LIFECYCLE
from ._task_records import (
    DOC_DURATION,
    DOC_FAILURE_CODE,
    DOC_FAILURE_MESSAGE,
    DOC_REQUEST,
    UNFINISHED,
    TaskRow,
    cost_for,
    dumps,
    loads,
)
from ._writer import InlineWriter, RefusingWriter, ThreadWriter, Writer

MEMORY = ":memory:"
# PRAGMA user_version of the layout below; older ones are migrated when opened. 0: the
# first layout (tasks.tenant held the tenant's hex key, spending(tenant, coins) had no task
# count); 1: tenant ids and counts, allRecords ordered by (created_ms, seq) with OFFSET;
# 2: task positions and gaps (each request field a column, unfinished words in an index).
SCHEMA_VERSION = 3
ID_ATTEMPTS = 3  # a start whose id is taken (never seen in practice) gets a new one
_INSERT_CHUNK = 500  # rows per INSERT statement (10 parameters each; SQLite allows 32766)
_REMEMBER = 10_000  # tenant ids kept in memory
_COPY_CHUNK = 1000  # rows per write when a migration copies tasks


def _marks(count: int) -> str:
    return ", ".join("?" for _ in range(count))


_CREATE_TENANTS = """
CREATE TABLE tenants (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    coins INTEGER NOT NULL DEFAULT 0,
    tasks INTEGER NOT NULL DEFAULT 0,
    last_pos INTEGER NOT NULL DEFAULT 0
)"""
_CREATE_TASKS = """
CREATE TABLE tasks (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    tenant INTEGER NOT NULL,
    pos INTEGER NOT NULL,
    cost INTEGER NOT NULL,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    status TEXT NOT NULL,
    unfinished INTEGER NOT NULL,
    next_ms INTEGER,
    doc TEXT NOT NULL
)"""
# What the layout's contents depend on besides it: the lifecycle its flags were computed by.
_CREATE_META = """
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID"""
# The positions of deleted tasks, up to their tenant's last position.
_CREATE_GAPS = """
CREATE TABLE gaps (
    tenant INTEGER NOT NULL,
    pos INTEGER NOT NULL,
    PRIMARY KEY (tenant, pos)
) WITHOUT ROWID"""
_CREATE_INDEXES = (
    "CREATE UNIQUE INDEX tasks_by_pos ON tasks (tenant, pos)",
    "CREATE INDEX tasks_unfinished ON tasks (tenant, created_ms, seq) WHERE unfinished = 1",
    "CREATE INDEX tasks_due ON tasks (next_ms) WHERE next_ms IS NOT NULL",
)
# Indexes and triggers of every layout so far (a migration drops them first).
_INDEX_NAMES = ("tasks_by_tenant", "tasks_by_pos", "tasks_unfinished", "tasks_due")
_TRIGGER_NAMES = ("tasks_counted", "tasks_uncounted")
_CREATE_TRIGGERS = (
    """CREATE TRIGGER tasks_counted AFTER INSERT ON tasks BEGIN
    UPDATE tenants SET tasks = tasks + 1, coins = coins + NEW.cost,
        last_pos = max(last_pos, NEW.pos)
    WHERE id = NEW.tenant;
END""",
    # A reset sets last_pos to 0 first: the tasks it deletes leave no gaps.
    """CREATE TRIGGER tasks_uncounted AFTER DELETE ON tasks BEGIN
    UPDATE tenants SET tasks = tasks - 1 WHERE id = OLD.tenant;
    INSERT INTO gaps (tenant, pos) SELECT OLD.tenant, OLD.pos
    WHERE OLD.pos <= (SELECT last_pos FROM tenants WHERE id = OLD.tenant);
END""",
)

# SQL text below is built from constants only (column names, placeholders), never input;
# status words are always parameters.
_COLUMNS = ", ".join(TaskRow._fields)
_GET = f"SELECT {_COLUMNS} FROM tasks WHERE id = ? AND tenant = ?"  # noqa: S608
_FIND = f"SELECT {_COLUMNS} FROM tasks WHERE id = ?"  # noqa: S608
# A page of allRecords: the tenant's count and last position, and how many gaps lie at or
# above the first guess of the page's newest position (without deletes, the right one) ...
_PAGE_START = (
    "SELECT tasks, last_pos, (SELECT COUNT(*) FROM gaps WHERE gaps.tenant = tenants.id "
    "AND gaps.pos >= tenants.last_pos - :skip) FROM tenants WHERE id = :tenant"
)
# ... the gaps between a better guess and the previous one, while the guess still moves ...
_GAPS_BETWEEN = "SELECT COUNT(*) FROM gaps WHERE tenant = ? AND pos >= ? AND pos < ?"
# ... then the page itself: one seek on tasks_by_pos.
_PAGE = (
    f"SELECT {_COLUMNS} FROM tasks WHERE tenant = ? AND pos <= ? "  # noqa: S608
    "ORDER BY pos DESC LIMIT ?"
)
_TENANT = "SELECT id FROM tenants WHERE key = ?"
_LAST_POS = "SELECT last_pos FROM tenants WHERE id = ?"
_SPENT = "SELECT coins FROM tenants WHERE key = ?"
_NEXT_DUE = "SELECT MIN(next_ms) FROM tasks WHERE next_ms IS NOT NULL"

# The lifecycle's automatic path: a task at path[i] moves to path[i + 1] one step (`:step`
# ms) after another, from its `next_ms` on, until path[-1] (the result). Parameters :w0,
# :w1, ... are the path's words (`path_words`).
_PATH = LIFECYCLE.path


def _moving(words: int) -> str:
    """The parameters of the words a task moves on from by itself (all but the last)."""
    return ", ".join(f":w{i}" for i in range(words - 1))


def due_sql(words: int) -> str:
    """The tasks due to move on along a path of `words` words, earliest first."""
    return (
        f"SELECT seq FROM tasks WHERE next_ms <= :now AND status IN ({_moving(words)}) "  # noqa: S608
        "ORDER BY next_ms LIMIT :limit"
    )


def _stage(words: int) -> str:
    """A task's place on a path of `words` words: 0 at the first, ... (NULL at the last)."""
    return "(CASE status " + " ".join(f"WHEN :w{i} THEN {i}" for i in range(words - 1)) + " END)"


def finished_by_sql(words: int) -> str:
    """Whether a task's steps by time have taken it to the path's end by :now (NULL when
    it takes none): its last step is due (words - 2 - stage) steps after its next_ms."""
    return f"(next_ms + ({words - 2} - {_stage(words)}) * :step <= :now)"


def advance_sql(words: int, where: str = "") -> str:
    """Every due step of up to :limit tasks along a path of `words` words, in one statement
    (SQLite computes every SET expression from the row as it was): the steps of
    `_lifecycle.moved`."""
    last = words - 1
    stage = _stage(words)
    # Steps due: one at next_ms, one more per :step since (all at once when :step is 0).
    taken = (
        f"min({last} - {stage}, "
        f"CASE WHEN :step > 0 THEN (:now - next_ms) / :step + 1 ELSE {last} END)"
    )
    reached = f"({stage} + {taken})"
    words_at = " ".join(f"WHEN {i} THEN :w{i}" for i in range(1, last + 1))
    return f"""
UPDATE tasks SET
    status = CASE {reached} {words_at} END,
    unfinished = {reached} < {last},
    updated_ms = next_ms + ({taken} - 1) * :step,
    next_ms = CASE WHEN {reached} < {last} THEN next_ms + {taken} * :step END
WHERE {where or f"seq IN ({due_sql(words)})"}"""  # noqa: S608


def path_words(path: tuple[str, ...]) -> dict[str, str]:
    return {f"w{i}": word for i, word in enumerate(path)}


_MOVING = _moving(len(_PATH))
_DUE = due_sql(len(_PATH))
_ADVANCE = advance_sql(len(_PATH))
_ADVANCE_TASK = advance_sql(
    len(_PATH), f"id = :id AND tenant = :tenant AND next_ms <= :now AND status IN ({_MOVING})"
)
_ADVANCE_TENANT = advance_sql(
    len(_PATH),
    "seq IN (SELECT seq FROM tasks WHERE tenant = :tenant AND unfinished = 1 "  # noqa: S608
    f"AND next_ms <= :now AND status IN ({_MOVING}))",
)
# The tenant's tasks stored as unfinished that time has not finished (see `unfinished`).
_UNFINISHED = (
    f"SELECT {_COLUMNS} FROM tasks WHERE tenant = :tenant AND unfinished = 1 "  # noqa: S608
    f"AND NOT coalesce({finished_by_sql(len(_PATH))}, 0) ORDER BY created_ms DESC, seq DESC"
)
_PATH_WORDS = path_words(_PATH)
_INSERT_COLUMNS = f"pos, tenant, cost, unfinished, {_COLUMNS}"
_ROW_PLACEHOLDERS = "(" + _marks(len(TaskRow._fields) + 4) + ")"
_SET_STATUS = (
    "UPDATE tasks SET status = ?, unfinished = ?, updated_ms = ?, next_ms = ?, doc = ? "
    "WHERE id = ? AND tenant = ?"
)


@functools.lru_cache(maxsize=64)
def _insert_sql(rows: int) -> str:
    """One INSERT of `rows` tasks."""
    values = ", ".join(_ROW_PLACEHOLDERS for _ in range(rows))
    return f"INSERT INTO tasks ({_INSERT_COLUMNS}) VALUES {values}"  # noqa: S608


def _task(found: Any) -> TaskRow:
    """A task from the columns of `_COLUMNS`."""
    return TaskRow(found[0], found[1], found[2], found[3], found[4], loads(found[5]))


def _values(row: TaskRow) -> tuple[Any, ...]:
    """A task's column values after its position, tenant and cost, as `_insert_sql` takes them."""
    return (
        int(row.status in UNFINISHED),
        row.id,
        row.created_ms,
        row.updated_ms,
        row.status,
        row.next_ms,
        dumps(row.doc),
    )


class _PendingStarts:
    """Started tasks of a batch, written in one INSERT (the triggers count and add up), each
    at the next position of its tenant.

    Used on the writer's thread only. Every other write flushes it first, so the writes
    of a batch still happen in their order. The last position of each tenant is kept from
    one write to the next, and forgotten with anything rolled back (then read again).
    """

    def __init__(self) -> None:
        self._rows: list[tuple[Any, ...]] = []
        self._last_pos: dict[int, int] = {}  # tenant id -> its newest task's position

    def add(self, tenant: int, cost: int, values: tuple[Any, ...]) -> None:
        """A task to insert: `values` as `_values` gives them."""
        self._rows.append((tenant, cost, *values))

    def flush(self, conn: sqlite3.Connection) -> None:
        if not self._rows:
            return
        self._read_last_pos(conn)
        rows = self._placed()
        for start in range(0, len(rows), _INSERT_CHUNK):
            chunk = rows[start : start + _INSERT_CHUNK]
            conn.execute(_insert_sql(len(chunk)), [value for row in chunk for value in row])
        self._rows = []

    def flush_alone(self, conn: sqlite3.Connection) -> bool:
        if len(self._rows) > _INSERT_CHUNK or self._unknown():
            return False  # then in a transaction, which reads the positions first
        self.flush(conn)
        return True

    def discard(self) -> None:
        self._rows = []
        self._last_pos.clear()

    def forget(self, tenant: int | None) -> None:
        """The positions of a tenant (None: of every tenant) start again."""
        if tenant is None:
            self._last_pos.clear()
        else:
            self._last_pos.pop(tenant, None)

    def _unknown(self) -> set[int]:
        return {row[0] for row in self._rows} - self._last_pos.keys()

    def _read_last_pos(self, conn: sqlite3.Connection) -> None:
        unknown = self._unknown()
        if len(self._last_pos) + len(unknown) > _REMEMBER:
            self._last_pos.clear()
            unknown = self._unknown()
        for tenant in unknown:
            found = conn.execute(_LAST_POS, (tenant,)).fetchone()
            self._last_pos[tenant] = 0 if found is None else int(found[0])

    def _placed(self) -> list[tuple[Any, ...]]:
        """The pending rows, each with the next position of its tenant in front."""
        last_pos = self._last_pos
        placed = []
        for row in self._rows:
            pos = last_pos[row[0]] + 1
            last_pos[row[0]] = pos
            placed.append((pos, *row))
        return placed


class Store:
    """Tasks, spending and task counts per tenant (a tenant is the hash of a token).

    Opening a database already at this layout and lifecycle writes nothing (a mock can
    restart on a full disk). `read_only`: serve an existing database without ever writing
    to it (every write raises `_disk.read_only_mode()`), e.g. on a read-only file system.
    """

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        self.path = str(path)
        self.durable = self.path != MEMORY
        self.writable = not read_only
        self._pending = _PendingStarts()
        self._ids: dict[str, int] = {}  # tenant key -> id, committed ones only
        self._writer: Writer
        self._pages = 0  # the writing connection's max_page_count, once open
        if read_only:
            self._read = _open_read_only(self.path)
            self._writer = RefusingWriter(read_only_mode)
            return
        if self.durable and on_read_only_file_system(self.path):
            raise ValueError(
                f"{self.path} is on a read-only file system: serve it with --read-only "
                "(create_app(read_only=True)), or give --db a file on a writable one"
            )
        writer_conn = _connect(self.path)
        try:
            if self.durable:
                (mode,) = writer_conn.execute("PRAGMA journal_mode").fetchone()
                if str(mode).lower() != "wal":  # set once: the file remembers it
                    writer_conn.execute("PRAGMA journal_mode=WAL")
                writer_conn.execute("PRAGMA synchronous=FULL")
            _prepare(writer_conn, self.path)
        except BaseException:
            writer_conn.close()
            raise
        self._pages = int(writer_conn.execute("PRAGMA max_page_count").fetchone()[0])
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
        return None if row is None else _task(row)

    def find(self, task_id: str) -> TaskRow | None:
        """Any tenant's task (result URLs are public, like A2E's signed URLs)."""
        row = self._read.execute(_FIND, (task_id,)).fetchone()
        return None if row is None else _task(row)

    def page(self, tenant: str, limit: int, offset: int) -> tuple[list[TaskRow], int]:
        """One page, newest (last started) first, and the tenant's total (one consistent
        snapshot). Its cost does not grow with `offset`, only with the gaps above the page.
        """
        tenant_id = self._tenant_id(tenant)
        if tenant_id is None:
            return [], 0
        read = self._read
        with _snapshot(read):
            found = read.execute(_PAGE_START, {"tenant": tenant_id, "skip": offset}).fetchone()
            if found is None:
                return [], 0
            count, last_pos, gaps = (int(value) for value in found)
            if offset >= count or limit <= 0:
                return [], count
            # The page starts at the highest position p with offset + 1 tasks at or above
            # it: p = last_pos - offset - (gaps at or above p). Iterating from last_pos -
            # offset only moves p down, and stops at the highest such p, never a gap (if
            # p were one, the next task above it would satisfy the equation too).
            newest = last_pos - offset
            while (lower := last_pos - offset - gaps) != newest:
                args = (tenant_id, lower, newest)
                newest = lower
                gaps += read.execute(_GAPS_BETWEEN, args).fetchone()[0]
            rows = read.execute(_PAGE, (tenant_id, newest, limit)).fetchall()
        return [_task(row) for row in rows], count

    def unfinished(self, tenant: str, now_ms: int, step_ms: int | None) -> list[TaskRow]:
        """The tenant's tasks stored as unfinished that their steps by time (one per
        `step_ms`; None: none) have not finished by `now_ms`, newest first."""
        tenant_id = self._tenant_id(tenant)
        if tenant_id is None:
            return []
        args = {"tenant": tenant_id, "now": -1 if step_ms is None else now_ms, **_PATH_WORDS}
        args["step"] = step_ms or 0
        return [_task(r) for r in self._read.execute(_UNFINISHED, args)]

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
        due = {"now": 0, "limit": 1, **_PATH_WORDS}
        queries: dict[str, tuple[str, Any]] = {
            "get": (_GET, ("0" * 24, 1)),
            "find": (_FIND, ("0" * 24,)),
            "tenant": (_TENANT, ("t",)),
            "page_start": (_PAGE_START, {"tenant": 1, "skip": 0}),
            "gaps_between": (_GAPS_BETWEEN, (1, 0, 10)),
            "page": (_PAGE, (1, 0, 10)),
            "last_pos": (_LAST_POS, (1,)),
            "spent": (_SPENT, ("t",)),
            "unfinished": (_UNFINISHED, {"tenant": 1, "now": 0, "step": 1, **_PATH_WORDS}),
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

            def op(conn: sqlite3.Connection, values: tuple[Any, ...] = _values(row)) -> None:
                pending.add(tenant_id, cost, values)  # written just before the commit

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
            cursor = conn.execute(  # the trigger counts it and keeps its position as a gap
                "DELETE FROM tasks WHERE id = ? AND tenant = ?", (task_id, tenant_id)
            )
            return cursor.rowcount > 0

        return await self._writer.run(op)

    async def advance_due(self, now_ms: int, step_ms: int, limit: int) -> int:
        """Move up to `limit` tasks whose time has come along the lifecycle's path, earliest
        first; how many moved (`limit`: maybe more are due)."""
        return await self._advance(_ADVANCE, {"now": now_ms, "step": step_ms, "limit": limit})

    async def advance_tenant(self, tenant: str, now_ms: int, step_ms: int) -> int:
        """Write the due steps of a tenant's tasks stored as unfinished; how many moved."""
        tenant_id = self._tenant_id(tenant)
        if tenant_id is None:
            return 0
        args = {"now": now_ms, "step": step_ms, "tenant": tenant_id}
        return await self._advance(_ADVANCE_TENANT, args)

    async def advance_task(self, tenant: str, task_id: str, now_ms: int, step_ms: int) -> bool:
        """Write one task's steps whose time has come (`advance_due` for one task)."""
        tenant_id = self._tenant_id(tenant)
        if tenant_id is None:
            return False
        args = {"now": now_ms, "step": step_ms, "id": task_id, "tenant": tenant_id}
        return await self._advance(_ADVANCE_TASK, args) > 0

    async def _advance(self, sql: str, args: dict[str, Any]) -> int:
        """Run one of the `advance_sql` statements (after the starts waiting to be stored);
        how many tasks it moved."""
        pending = self._pending
        args = {**args, **_PATH_WORDS}

        def op(conn: sqlite3.Connection) -> int:
            pending.flush(conn)
            return conn.execute(sql, args).rowcount

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
            found = conn.execute(_GET, (task_id, tenant_id)).fetchone()
            if found is None:
                return False, None
            row = _task(found)
            if row.status not in change.from_statuses:
                return False, row
            row = row._replace(
                status=change.status,
                updated_ms=change.at_ms,
                next_ms=change.next_ms,
                doc={**row.doc, **change.made},
            )
            unfinished = int(row.status in UNFINISHED)
            doc = dumps(row.doc)
            args = (row.status, unfinished, row.updated_ms, row.next_ms, doc, task_id, tenant_id)
            conn.execute(_SET_STATUS, args)
            return True, row

        return await self._writer.run(op)

    async def reset(self, tenant: str | None = None) -> int:
        """Forget one tenant's tasks and spending, or everyone's; how many tasks went."""
        tenant_id = None if tenant is None else self._tenant_id(tenant)
        if tenant is not None and tenant_id is None:
            return 0  # it never stored anything
        pending = self._pending

        def op(conn: sqlite3.Connection) -> int:
            pending.flush(conn)
            pending.forget(tenant_id)
            # Positions start again: last_pos = 0 first, so the deletes leave no gaps.
            if tenant_id is None:  # tenant rows stay: their ids may be remembered
                conn.execute("UPDATE tenants SET last_pos = 0")
                removed = conn.execute("DELETE FROM tasks").rowcount
                conn.execute("UPDATE tenants SET coins = 0, tasks = 0")
                conn.execute("DELETE FROM gaps")
                return removed
            conn.execute("UPDATE tenants SET last_pos = 0 WHERE id = ?", (tenant_id,))
            removed = conn.execute("DELETE FROM tasks WHERE tenant = ?", (tenant_id,)).rowcount
            conn.execute("UPDATE tenants SET coins = 0, tasks = 0 WHERE id = ?", (tenant_id,))
            conn.execute("DELETE FROM gaps WHERE tenant = ?", (tenant_id,))
            return removed

        return await self._writer.run(op)

    async def cap_pages(self, pages: int | None) -> None:
        """Test hook: let the database grow to at most `pages` pages (0: no more than now),
        so that a write needing more fails with SQLITE_FULL as on a full disk (SQLite's
        `max_page_count`, on the writing connection only); None lifts the cap."""
        limit = self._pages if pages is None else max(1, pages)

        def op(conn: sqlite3.Connection) -> None:
            conn.execute(f"PRAGMA max_page_count = {int(limit)}")

        await self._writer.run(op)

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

    from_statuses: tuple[str, ...] | frozenset[str]
    status: str
    at_ms: int
    next_ms: int | None = None
    made: Mapping[str, Any] = field(default_factory=dict)  # what the task's document gains


def _add_tenant(key: str) -> Any:
    def op(conn: sqlite3.Connection) -> int:
        conn.execute("INSERT INTO tenants (key) VALUES (?) ON CONFLICT (key) DO NOTHING", (key,))
        (tenant_id,) = conn.execute(_TENANT, (key,)).fetchone()
        return int(tenant_id)

    return op


def _connect(path: str, *, uri: bool = False) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, uri=uri)
    conn.execute("PRAGMA busy_timeout=10000")
    return conn


def _open_read_only(path: str) -> sqlite3.Connection:
    """A connection that cannot write to `path`, an existing database of this layout and
    lifecycle.

    SQLite reads a WAL database read-only when it can open (or create) its `-wal` and `-shm`
    files; on a read-only file system after a clean shutdown they are gone and cannot be
    made, and then the file is opened `immutable` (everything is in it: no WAL to read).
    """
    if path == MEMORY:
        raise ValueError("read_only needs a database file, not :memory:")
    if not Path(path).is_file():
        raise ValueError(f"{path}: no such database (--read-only serves an existing one)")
    uri = f"file:{urllib.parse.quote(os.path.abspath(path))}"
    conn = _connect(f"{uri}?mode=ro", uri=True)
    try:
        try:
            current = _up_to_date(conn)
        except sqlite3.OperationalError as error:
            conn.close()
            wal = Path(f"{path}-wal")
            if wal.is_file() and wal.stat().st_size > 0:  # writes the main file lacks yet
                raise ValueError(
                    f"{path}: SQLite cannot read it without writing ({error}), and its "
                    "-wal file holds writes not yet in the database: open it once where "
                    "it is writable"
                ) from None
            conn = _connect(f"{uri}?immutable=1", uri=True)
            current = _up_to_date(conn)
        if not current:
            raise ValueError(
                f"{path}: not a database of this mock's layout and lifecycle; open it once "
                "without --read-only to bring it up to date"
            )
        conn.execute("PRAGMA query_only=1")
    except BaseException:
        conn.close()
        raise
    return conn


def _lifecycle_now() -> str:
    """What `meta` holds for this mock's lifecycle."""
    return dumps({"path": list(_PATH), "unfinished": sorted(UNFINISHED)})


def _up_to_date(conn: sqlite3.Connection) -> bool:
    """Whether the database is at this layout and its flags at this lifecycle (read only)."""
    with _snapshot(conn):
        (version,) = conn.execute("PRAGMA user_version").fetchone()
        if version != SCHEMA_VERSION:
            return False
        found = conn.execute("SELECT value FROM meta WHERE key = ?", (_LIFECYCLE_KEY,)).fetchone()
    return found is not None and found[0] == _lifecycle_now()


def _prepare(conn: sqlite3.Connection, path: str) -> None:
    """Create the tables, or bring a database of an earlier layout up to this one; then its
    lifecycle flags up to this mock's lifecycle. Nothing is written when both are current."""
    if _up_to_date(conn):
        return
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
            for statement in (
                _CREATE_TENANTS,
                _CREATE_TASKS,
                _CREATE_GAPS,
                _CREATE_META,
                *_CREATE_INDEXES,
                *_CREATE_TRIGGERS,
            ):
                conn.execute(statement)
        elif version == 1:
            _migrate_from_1(conn)
        elif version == 2:
            _migrate_from_2(conn)
        elif version != SCHEMA_VERSION:
            raise ValueError(
                f"{path}: a database of layout {version}; this mock reads layout "
                f"{SCHEMA_VERSION} (and older ones): use a newer a2e-dubbing-mock or another file"
            )
        _sync_lifecycle(conn)
        if version != SCHEMA_VERSION:
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        raise


_LIFECYCLE_KEY = "lifecycle"


def _sync_lifecycle(conn: sqlite3.Connection) -> None:
    """Flags and automatic steps as this mock's lifecycle has them: a no-op unless the
    database was last opened by a mock generated from another lifecycle."""
    current = _lifecycle_now()
    found = conn.execute("SELECT value FROM meta WHERE key = ?", (_LIFECYCLE_KEY,)).fetchone()
    if found is not None and found[0] == current:
        return
    words = sorted(UNFINISHED)
    unfinished = f"(status IN ({_marks(len(words))}))"
    conn.execute(
        f"UPDATE tasks SET unfinished = {unfinished} WHERE unfinished != {unfinished}",  # noqa: S608
        [*words, *words],
    )
    conn.execute(  # a word the task cannot move on from by itself any more
        f"UPDATE tasks SET next_ms = NULL WHERE next_ms IS NOT NULL AND status NOT IN ({_MOVING})",  # noqa: S608
        _PATH_WORDS,
    )
    conn.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (_LIFECYCLE_KEY, current)
    )


def _migrate_from_0(conn: sqlite3.Connection, tables: set[str]) -> None:
    """Layout 0 -> 3: tenant ids instead of keys in every task, counts per tenant."""
    if "spending" not in tables:
        conn.execute("CREATE TABLE spending (tenant TEXT PRIMARY KEY, coins INTEGER NOT NULL)")
    conn.execute(_CREATE_TENANTS)
    conn.execute("INSERT INTO tenants (key, coins) SELECT tenant, coins FROM spending")
    conn.execute(
        "INSERT INTO tenants (key) SELECT DISTINCT tenant FROM tasks "
        "WHERE tenant NOT IN (SELECT key FROM tenants)"
    )
    _rebuild_tasks(conn, "tenants.id", "NULL", "JOIN tenants ON tenants.key = old.tenant")
    conn.execute("DROP TABLE spending")


def _migrate_from_1(conn: sqlite3.Connection) -> None:
    """Layout 1 -> 3: every task gets its position, in the order allRecords had."""
    conn.execute("ALTER TABLE tenants ADD COLUMN last_pos INTEGER NOT NULL DEFAULT 0")
    _rebuild_tasks(conn, "old.tenant", "old.cost", "")


def _migrate_from_2(conn: sqlite3.Connection) -> None:
    """Layout 2 -> 3: each task's request fields and failure into its document."""
    _rebuild_tasks(conn, "old.tenant", "old.cost", "", pos="old.pos")


# Layouts 0 to 2 kept each field of the start request in a column named like the field
# (these names are history: the request of that time, not the spec's of today).
_OLD_REQUEST = (
    "name",
    "source_url",
    "source_lang",
    "target_lang",
    "num_speakers",
    "drop_background_audio",
)
_OLD_COLUMNS = (
    "id",
    "created_ms",
    "updated_ms",
    "status",
    "next_ms",
    "duration",
    "failed_message",
    "failed_code",
    *_OLD_REQUEST,
)


def _rebuild_tasks(
    conn: sqlite3.Connection, tenant: str, cost: str, join: str, *, pos: str | None = None
) -> None:
    """Copy the tasks into a table of this layout (`pos` None: each tenant's positioned in
    the order of (created_ms, seq), and its counts computed); then the indexes and the
    triggers (`tenants` is ready)."""
    for name in _TRIGGER_NAMES:
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")
    for name in _INDEX_NAMES:
        conn.execute(f"DROP INDEX IF EXISTS {name}")
    conn.execute("ALTER TABLE tasks RENAME TO tasks_old_layout")
    conn.execute(_CREATE_TASKS)
    conn.execute(_CREATE_META)
    position = pos or f"row_number() OVER (PARTITION BY {tenant} ORDER BY old.created_ms, old.seq)"
    old = conn.execute(
        f"SELECT old.seq, {position}, {tenant}, {cost}, "  # noqa: S608
        f"{', '.join('old.' + c for c in _OLD_COLUMNS)} "
        f"FROM tasks_old_layout AS old {join} ORDER BY old.seq"
    )
    insert = (
        f"INSERT INTO tasks (seq, {_INSERT_COLUMNS}) VALUES ({_marks(len(TaskRow._fields) + 5)})"  # noqa: S608
    )
    while rows := old.fetchmany(_COPY_CHUNK):
        conn.executemany(insert, [_from_old_layout(row) for row in rows])
    conn.execute("DROP TABLE tasks_old_layout")
    if pos is None:
        conn.execute(_CREATE_GAPS)
    for statement in _CREATE_INDEXES:
        conn.execute(statement)
    if pos is None:  # computed once from the tasks: positions 1..count, no gaps
        conn.execute(
            "UPDATE tenants SET tasks = "
            "(SELECT COUNT(*) FROM tasks WHERE tasks.tenant = tenants.id)"
        )
        conn.execute("UPDATE tenants SET last_pos = tasks")
    for statement in _CREATE_TRIGGERS:  # from now on, every insert and delete counts
        conn.execute(statement)


def _from_old_layout(old: Any) -> tuple[Any, ...]:
    """The values of a task of layout 0 to 2 (`_OLD_COLUMNS` after seq, position, tenant and
    cost) as `INSERT INTO tasks (seq, ...)` of this layout takes them."""
    seq, pos, tenant, cost = old[:4]
    task_id, created_ms, updated_ms, status, next_ms, duration, message, code = old[4:12]
    request = dict(zip(_OLD_REQUEST, old[12:], strict=True))
    request["drop_background_audio"] = bool(request["drop_background_audio"])
    doc: dict[str, Any] = {DOC_REQUEST: request, DOC_DURATION: duration}
    if message is not None:
        doc[DOC_FAILURE_MESSAGE] = message
    if code is not None:
        doc[DOC_FAILURE_CODE] = code
    row = TaskRow(task_id, created_ms, updated_ms, status, next_ms, doc)
    return (seq, pos, tenant, cost_for(duration) if cost is None else cost, *_values(row))


@contextlib.contextmanager
def _snapshot(conn: sqlite3.Connection) -> Iterator[None]:
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    except BaseException:
        with contextlib.suppress(sqlite3.Error):  # the error says more than this would
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
