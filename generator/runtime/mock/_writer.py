"""Durable writes: each one committed before its caller goes on, many per fsync.

A file database gets one writer thread, which commits whatever is queued in one
transaction (group commit) and only then wakes the waiting requests; `:memory:` runs each
write at once on the event loop.

A batch runs as one plain transaction. Only when one of its writes raises is the batch
rolled back and replayed with a savepoint per write, so that the failing write fails alone
and the others are committed (each write must be safe to run again after a rollback: SQL
on the connection, and a `Deferred` that forgets what a rollback undid). When SQLite rolls
back the whole transaction itself (a full disk, an I/O error), or the COMMIT fails, every
write of the batch fails with that error: none is answered as stored.

Every `conn.execute` releases the GIL and has to win it back from the busy event loop, so
the writer thread keeps its statements per batch few: ops may leave work to a `Deferred`
that writes it in one statement just before COMMIT. A batch of writes that only leave
work there (`deferred_only`: starts) is one statement in all, its own transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

T = TypeVar("T")
Op = Callable[[sqlite3.Connection], T]


class Deferred(Protocol):
    """Work that ops of a transaction leave for one write just before it commits."""

    def flush(self, conn: sqlite3.Connection) -> None:
        """Write what is pending (inside the transaction) and forget it."""

    def flush_alone(self, conn: sqlite3.Connection) -> bool:
        """Outside a transaction: write what is pending in one statement (SQLite makes it
        a transaction of its own) and forget it; False, writing nothing, if it needs more."""

    def discard(self) -> None:
        """Forget what is pending: the transaction (or savepoint) was rolled back."""


class _Nothing:
    def flush(self, conn: sqlite3.Connection) -> None:
        pass

    def flush_alone(self, conn: sqlite3.Connection) -> bool:
        return False

    def discard(self) -> None:
        pass


class Writer:
    """Runs `op(connection)` in a transaction; returns once it is committed."""

    commits = 0  # transactions committed so far (several writes may share one)
    replays = 0  # batches replayed write by write because one of their writes raised

    async def run(self, op: Op[T], *, deferred_only: bool = False) -> T:
        """deferred_only: `op` runs no SQL, it only leaves work to the `Deferred`."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class InlineWriter(Writer):
    """Runs each write at once on the event loop (in-memory databases)."""

    def __init__(self, conn: sqlite3.Connection, deferred: Deferred | None = None) -> None:
        self._conn = conn
        self._deferred = deferred if deferred is not None else _Nothing()

    async def run(self, op: Op[T], *, deferred_only: bool = False) -> T:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            value = op(self._conn)
            self._deferred.flush(self._conn)
            self._conn.execute("COMMIT")
        except BaseException:
            self._deferred.discard()
            with contextlib.suppress(sqlite3.Error):  # SQLite may have rolled back already
                self._conn.execute("ROLLBACK")
            raise
        self.commits += 1
        return value

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._conn.close()


class RefusingWriter(Writer):
    """Refuses every write with `refusal()` (a database served read-only)."""

    def __init__(self, refusal: Callable[[], Exception]) -> None:
        self._refusal = refusal

    async def run(self, op: Op[T], *, deferred_only: bool = False) -> T:
        raise self._refusal()

    def close(self) -> None:
        pass


@dataclass
class _Job(Generic[T]):
    op: Op[T]
    future: asyncio.Future[T]
    deferred_only: bool


# (job, value, error): what to tell the job's caller.
Outcome = tuple[_Job[Any], Any, BaseException | None]


class _Replay(Exception):
    """A write of a batch raised: roll back and replay the batch write by write."""


class ThreadWriter(Writer):
    """One thread that commits every queued write in one transaction, then wakes them."""

    def __init__(self, conn: sqlite3.Connection, deferred: Deferred | None = None) -> None:
        self._conn = conn
        self._deferred = deferred if deferred is not None else _Nothing()
        self._queue: queue.SimpleQueue[_Job[Any] | None] = queue.SimpleQueue()
        self._closed = False
        self._thread = threading.Thread(target=self._work, name="a2e-mock-writer", daemon=True)
        self._thread.start()

    async def run(self, op: Op[T], *, deferred_only: bool = False) -> T:
        if self._closed:
            raise RuntimeError("the store is closed")
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.put(_Job(op, future, deferred_only))
        return await future

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._queue.put(None)
            self._thread.join()

    def _work(self) -> None:
        stop = False
        while not stop:
            job = self._queue.get()
            if job is None:
                break
            batch = [job]
            while True:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stop = True
                    break
                batch.append(more)
            self._commit(batch)
        with contextlib.suppress(sqlite3.Error):  # e.g. a full disk: the WAL stays, intact
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        with contextlib.suppress(sqlite3.Error):
            self._conn.close()

    def _commit(self, batch: list[_Job[Any]]) -> None:
        try:
            try:
                outcomes = self._together(batch)
            except _Replay:
                self.replays += 1
                outcomes = self._one_by_one(batch)
        except Exception as failure:  # nothing of this batch is stored
            outcomes = [(job, None, failure) for job in batch]
        by_loop: dict[asyncio.AbstractEventLoop, list[Outcome]] = {}
        for outcome in outcomes:
            by_loop.setdefault(outcome[0].future.get_loop(), []).append(outcome)
        for loop, results in by_loop.items():
            with contextlib.suppress(RuntimeError):  # the loop is gone: nobody is waiting
                loop.call_soon_threadsafe(_settle, results)

    def _together(self, batch: list[_Job[Any]]) -> list[Outcome]:
        """The whole batch in one transaction; _Replay if one of its writes raised."""
        conn = self._conn
        alone = all(job.deferred_only for job in batch)
        try:
            if alone:  # the ops run no SQL: their deferred work may be all there is
                values = [job.op(conn) for job in batch]
                if self._deferred.flush_alone(conn):  # committed (durably) here
                    self.commits += 1
                    return [(job, value, None) for job, value in zip(batch, values, strict=True)]
            conn.execute("BEGIN IMMEDIATE")
            if not alone:
                values = [job.op(conn) for job in batch]
            self._deferred.flush(conn)
        except Exception as error:
            self._rollback()
            if len(batch) == 1:  # nothing else to save: the write failed alone
                return [(batch[0], None, error)]
            raise _Replay from error
        self._finish()  # durable here: nobody is answered before this returns
        return [(job, value, None) for job, value in zip(batch, values, strict=True)]

    def _one_by_one(self, batch: list[_Job[Any]]) -> list[Outcome]:
        """The batch again, each write in a savepoint: a failing write loses only itself."""
        conn = self._conn
        outcomes: list[Outcome] = []
        conn.execute("BEGIN IMMEDIATE")
        try:
            for job in batch:
                conn.execute("SAVEPOINT job")
                try:
                    value = job.op(conn)
                    self._deferred.flush(conn)
                except Exception as error:
                    self._deferred.discard()
                    if not conn.in_transaction:  # SQLite rolled it all back (a full disk)
                        raise
                    conn.execute("ROLLBACK TO job")
                    conn.execute("RELEASE job")
                    outcomes.append((job, None, error))
                else:
                    conn.execute("RELEASE job")
                    outcomes.append((job, value, None))
        except Exception:
            self._rollback()
            raise
        self._finish()
        return outcomes

    def _finish(self) -> None:
        try:
            self._conn.execute("COMMIT")
        except Exception:
            self._rollback()
            raise
        self.commits += 1

    def _rollback(self) -> None:
        self._deferred.discard()
        with contextlib.suppress(sqlite3.Error):  # SQLite may have rolled back already
            self._conn.execute("ROLLBACK")


def _settle(results: list[Outcome]) -> None:
    for job, value, error in results:
        future = job.future
        if future.done():
            continue
        if error is None:
            future.set_result(value)
        else:
            future.set_exception(error)
