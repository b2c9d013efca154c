"""Durable writes: each one committed before its caller goes on, many per fsync.

A file database gets one writer thread, which commits whatever is queued in one
transaction (group commit) and only then wakes the waiting requests; `:memory:` runs each
write at once on the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")
Op = Callable[[sqlite3.Connection], T]


class Writer:
    """Runs `op(connection)` in a transaction; returns once it is committed."""

    commits = 0  # transactions committed so far (several writes may share one)

    async def run(self, op: Op[T]) -> T:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class InlineWriter(Writer):
    """Runs each write at once on the event loop (in-memory databases)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    async def run(self, op: Op[T]) -> T:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            value = op(self._conn)
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")
        self.commits += 1
        return value

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._conn.close()


@dataclass
class _Job(Generic[T]):
    op: Op[T]
    future: asyncio.Future[T]


class ThreadWriter(Writer):
    """One thread that commits every queued write in one transaction, then wakes them."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._queue: queue.SimpleQueue[_Job[Any] | None] = queue.SimpleQueue()
        self._closed = False
        self._thread = threading.Thread(target=self._work, name="a2e-mock-writer", daemon=True)
        self._thread.start()

    async def run(self, op: Op[T]) -> T:
        if self._closed:
            raise RuntimeError("the store is closed")
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.put(_Job(op, future))
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
        with contextlib.suppress(sqlite3.Error):
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._conn.close()

    def _commit(self, batch: list[_Job[Any]]) -> None:
        outcomes: list[tuple[_Job[Any], Any, BaseException | None]] = []
        conn = self._conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            for job in batch:
                conn.execute("SAVEPOINT job")
                try:
                    value = job.op(conn)
                except Exception as error:
                    conn.execute("ROLLBACK TO job")
                    conn.execute("RELEASE job")
                    outcomes.append((job, None, error))
                else:
                    conn.execute("RELEASE job")
                    outcomes.append((job, value, None))
            conn.execute("COMMIT")  # durable here: nobody is answered before this returns
            self.commits += 1
        except Exception as failure:  # nothing of this batch is stored
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            outcomes = [(job, None, failure) for job in batch]
        by_loop: dict[asyncio.AbstractEventLoop, list[tuple[Any, ...]]] = {}
        for job, value, problem in outcomes:
            by_loop.setdefault(job.future.get_loop(), []).append((job.future, value, problem))
        for loop, results in by_loop.items():
            with contextlib.suppress(RuntimeError):  # the loop is gone: nobody is waiting
                loop.call_soon_threadsafe(_settle, results)


def _settle(results: list[tuple[Any, ...]]) -> None:
    for future, value, error in results:
        if future.done():
            continue
        if error is None:
            future.set_result(value)
        else:
            future.set_exception(error)
