"""The batch's journal: one SQLite file (WAL, `synchronous=FULL`) that survives `kill -9`.

Each job is a row, written before and after each step: the intent to start (its task's
name and A2E's time) is committed before the start is sent, the task's id after its answer,
then its result, its download. A write is durable when `write` returns. Writes that come
together are committed together (one transaction, one sync), on one thread of their own,
so the event loop never waits on the disk. Only one batch uses a journal at a time (a lock
file beside it, released by the system even when the process is killed).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, TypeVar

from ._batch_plan import BatchError

T = TypeVar("T")
JOURNAL_NAME = ".a2e-batch.sqlite3"
VERSION = 1

# Where a job is (the `state` column).
PLANNED = "planned"  # nothing sent yet
INTENT = "intent"  # its start may have been sent: its task is looked up before sending again
STARTED = "started"  # its task's id is known; followed until it finishes
COMPLETED = "completed"  # its task completed; its result is not saved yet
DOWNLOADING = "downloading"  # its result is being saved (the file may be complete already)
DOWNLOADED = "downloaded"  # done: `file` holds the result
FAILED = "failed"  # its task failed, or its start was refused: `error` says why
STATES = (PLANNED, INTENT, STARTED, COMPLETED, DOWNLOADING, DOWNLOADED, FAILED)

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    """CREATE TABLE IF NOT EXISTS sources (
        source TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        uploaded_at REAL NOT NULL
    ) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS jobs (
        key TEXT PRIMARY KEY,
        seq INTEGER NOT NULL,
        job TEXT NOT NULL,
        stem TEXT NOT NULL,
        state TEXT NOT NULL,
        attempt INTEGER NOT NULL DEFAULT 1,
        name TEXT NOT NULL,
        intent_at REAL,
        intent_by_server INTEGER,
        source_url TEXT,
        task_id TEXT,
        status TEXT,
        created_at REAL,
        result_url TEXT,
        result_at REAL,
        file TEXT,
        error TEXT,
        failure TEXT,
        updated_at REAL NOT NULL
    ) WITHOUT ROWID""",
)


@dataclass
class Row:
    """A job as the journal keeps it (see the `jobs` table)."""

    key: str
    seq: int
    job: str  # JSON of the job's fields
    stem: str
    state: str
    attempt: int = 1
    name: str = ""
    intent_at: float | None = None  # epoch seconds when the intent was written
    intent_by_server: int | None = None  # 1: by A2E's clock (its `Date`), 0: by ours
    source_url: str | None = None  # the URL sent as the source
    task_id: str | None = None
    status: str | None = None  # the task's last status word
    created_at: float | None = None  # the task's creation time (A2E's), epoch seconds
    result_url: str | None = None
    result_at: float | None = None  # when `result_url` was read (our clock, epoch seconds)
    file: str | None = None
    error: str | None = None
    failure: str | None = None  # JSON of the task's failure fields
    updated_at: float = 0.0

    def job_data(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.job)
        return data


COLUMNS = tuple(f.name for f in fields(Row))
_UPDATABLE = frozenset(COLUMNS) - {"key", "seq", "job", "stem"}


class Journal:
    """The journal file of one batch; open it with `await Journal.open(path)`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="a2e-batch-journal")
        self._db: sqlite3.Connection | None = None
        self._lock_fd: int | None = None
        self._pending: list[tuple[Sequence[tuple[str, Sequence[Any]]], asyncio.Future[None]]] = []
        self._draining: asyncio.Task[None] | None = None

    @classmethod
    async def open(cls, path: str | os.PathLike[str]) -> Journal:
        """Open (or create) the journal at `path`; `BatchError` when another batch has it
        open, or it is not a journal."""
        journal = cls(Path(path))
        try:
            await journal._run(journal._open)
        except BaseException:
            journal._pool.shutdown(wait=True)
            raise
        return journal

    async def rows(self) -> dict[str, Row]:
        """Every job the journal holds, by key."""
        return await self._run(self._rows)

    async def sources(self) -> dict[str, str]:
        """The URLs of the local files uploaded so far, by source."""
        return await self._run(self._sources)

    async def add(self, rows: Iterable[Row]) -> None:
        """Add jobs it does not hold yet (a job it holds keeps its row)."""
        marks = ", ".join("?" for _ in COLUMNS)
        sql = f"INSERT OR IGNORE INTO jobs ({', '.join(COLUMNS)}) VALUES ({marks})"  # noqa: S608
        await self._write_many(sql, [tuple(getattr(row, c) for c in COLUMNS) for row in rows])

    async def save(self, key: str, **changes: Any) -> None:
        """Change some columns of a job's row; durable when it returns."""
        unknown = set(changes) - _UPDATABLE
        if unknown:
            raise ValueError(f"not columns of a job: {', '.join(sorted(unknown))}")
        changes["updated_at"] = time.time()
        assignments = ", ".join(f"{name} = ?" for name in changes)
        sql = f"UPDATE jobs SET {assignments} WHERE key = ?"  # noqa: S608 - names checked above
        await self.write(sql, (*changes.values(), key))

    async def save_all(self, changes: Iterable[tuple[str, Mapping[str, Any]]]) -> None:
        """`save` of several jobs, committed together."""
        now = time.time()
        statements = []
        for key, fields_ in changes:
            unknown = set(fields_) - _UPDATABLE
            if unknown:
                raise ValueError(f"not columns of a job: {', '.join(sorted(unknown))}")
            values = {**fields_, "updated_at": now}
            assignments = ", ".join(f"{name} = ?" for name in values)
            statements.append(
                (f"UPDATE jobs SET {assignments} WHERE key = ?", (*values.values(), key))  # noqa: S608
            )
        if statements:
            await self._write_group(statements)

    async def uploaded(self, source: str, url: str) -> None:
        await self.write(
            "INSERT OR REPLACE INTO sources (source, url, uploaded_at) VALUES (?, ?, ?)",
            (source, url, time.time()),
        )

    async def write(self, sql: str, params: Sequence[Any]) -> None:
        """Run one statement; it is committed (with the others waiting) when this returns."""
        await self._write_group([(sql, params)])

    async def _write_group(self, statements: Sequence[tuple[str, Sequence[Any]]]) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        future.add_done_callback(_retrieved)  # a writer cancelled meanwhile never looks
        self._pending.append((statements, future))
        if self._draining is None or self._draining.done():
            self._draining = asyncio.ensure_future(self._drain())
        await asyncio.shield(future)

    async def close(self) -> None:
        """Commit the writes asked for so far, then close."""
        if self._draining is not None:
            with contextlib.suppress(BaseException):
                await asyncio.shield(self._draining)
        await self._run(self._close)
        self._pool.shutdown(wait=True)

    # on the journal's thread

    async def _run(self, function: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._pool, function, *args)

    async def _write_many(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        await self._run(self._apply_many, sql, rows)

    async def _drain(self) -> None:
        while self._pending:
            group, self._pending = self._pending, []
            statements = [statement for statements, _ in group for statement in statements]
            try:
                await self._run(self._apply, statements)
            except BaseException as error:
                for _, future in group:
                    if not future.done():
                        future.set_exception(_journal_error(self.path, error))
                if not isinstance(error, Exception):
                    raise
            else:
                for _, future in group:
                    if not future.done():
                        future.set_result(None)

    def _open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock_fd = _lock(self.path)
        try:
            db = sqlite3.connect(self.path, isolation_level=None, timeout=30.0)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("BEGIN IMMEDIATE")
            for statement in _SCHEMA:
                db.execute(statement)
            version = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
            if version is None:
                db.execute("INSERT INTO meta VALUES ('version', ?)", (str(VERSION),))
                db.execute("INSERT INTO meta VALUES ('created', ?)", (str(time.time()),))
            elif version[0] != str(VERSION):
                raise BatchError(
                    f"{self.path} is a journal of another version ({version[0]}) of a2e-dubbing"
                )
            db.execute("COMMIT")
        except sqlite3.DatabaseError as error:
            self._unlock()
            raise _journal_error(self.path, error) from error
        except BaseException:
            self._unlock()
            raise
        self._db = db

    def _rows(self) -> dict[str, Row]:
        assert self._db is not None
        cursor = self._db.execute(f"SELECT {', '.join(COLUMNS)} FROM jobs ORDER BY seq")  # noqa: S608
        return {values[0]: Row(*values) for values in cursor}

    def _sources(self) -> dict[str, str]:
        assert self._db is not None
        return dict(self._db.execute("SELECT source, url FROM sources").fetchall())

    def _apply(self, statements: list[tuple[str, Sequence[Any]]]) -> None:
        assert self._db is not None
        self._db.execute("BEGIN IMMEDIATE")
        try:
            for sql, params in statements:
                self._db.execute(sql, params)
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _apply_many(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        assert self._db is not None
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.executemany(sql, rows)
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
        self._unlock()

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None


def read_only(path: Path) -> tuple[dict[str, Row], dict[str, str]]:
    """The rows and uploads of a journal, read without writing or locking (for a dry run);
    empty when there is no journal yet."""
    if not path.exists():
        return {}, {}
    try:
        db = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    except sqlite3.DatabaseError as error:
        raise _journal_error(path, error) from error
    try:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
        if not {"jobs", "sources"} <= tables:  # being made by a batch that just began
            return {}, {}
        cursor = db.execute(f"SELECT {', '.join(COLUMNS)} FROM jobs ORDER BY seq")  # noqa: S608
        rows = {values[0]: Row(*values) for values in cursor}
        sources = dict(db.execute("SELECT source, url FROM sources").fetchall())
    except sqlite3.DatabaseError as error:
        raise _journal_error(path, error) from error
    finally:
        db.close()
    return rows, sources


def _retrieved(future: asyncio.Future[None]) -> None:
    if not future.cancelled():
        future.exception()


def as_mapping(row: Row) -> Mapping[str, Any]:
    return {name: getattr(row, name) for name in COLUMNS}


def _lock(path: Path) -> int:
    """An exclusive lock on `<journal>.lock`, or `BatchError` when another batch holds it."""
    lock_path = path.with_name(path.name + ".lock")
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock (documented)
        return fd
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise BatchError(
            f"another batch is running with the journal {path} (wait for it, or stop it)"
        ) from None
    return fd


def _journal_error(path: Path, error: BaseException) -> BaseException:
    if isinstance(error, sqlite3.DatabaseError):
        return BatchError(f"the journal {path} cannot be used: {error}")
    return error
