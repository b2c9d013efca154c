"""Simulated disk trouble for the mock's tests, made of SQLite's own behaviour.

A real full disk cannot be had in a test without privileges, so two simulations stand in:

- `Store.cap_pages(0)` (the mock's test hook): SQLite's `max_page_count` at the database's
  current size; a statement that needs another page fails with SQLITE_FULL and SQLite rolls
  the whole transaction back, exactly as when the file cannot grow.
- `Disk` (here): every connection the store opens is wrapped; while `full`, a COMMIT of a
  transaction that changed rows (or a change outside a transaction) is rolled back and fails
  with an SQLITE_FULL error that SQLite itself raised. In WAL mode that is where a real full
  disk bites: the changed pages are appended to the WAL when the transaction commits.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from a2e_dubbing_mock import _store

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
_LAYOUT = ("CREATE", "DROP", "ALTER", "PRAGMA USER_VERSION =")


def sqlite_full() -> sqlite3.OperationalError:
    """SQLite's own SQLITE_FULL: a row that does not fit a database capped at its size."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute("CREATE TABLE t (v BLOB)")
        conn.execute("PRAGMA max_page_count = 2")
        conn.execute("INSERT INTO t VALUES (zeroblob(100000))")
    except sqlite3.OperationalError as error:
        refused = error
    else:
        raise AssertionError("SQLite stored a row larger than its page cap")
    finally:
        conn.close()
    if refused.sqlite_errorcode != sqlite3.SQLITE_FULL:
        raise refused
    return refused


class _Connection:
    """A store's connection whose writes fail to commit while its `Disk` is full."""

    def __init__(self, conn: sqlite3.Connection, disk: Disk) -> None:
        self._conn = conn
        self._disk = disk
        self._changes = conn.total_changes
        self._ddl = False  # the transaction changed the layout (total_changes misses that)

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
        conn = self._conn
        text = sql.lstrip().upper()
        writes = text.startswith(_WRITES)
        ddl = text.startswith(_LAYOUT)
        if self._disk.full:
            dirty = conn.total_changes != self._changes or self._ddl
            if text.startswith("COMMIT") and dirty:
                conn.execute("ROLLBACK")
                self._disk.refused += 1
                raise sqlite_full()
            if not conn.in_transaction and (writes or ddl):
                self._disk.refused += 1
                raise sqlite_full()
        if text.startswith("BEGIN"):
            self._changes, self._ddl = conn.total_changes, False
        self._ddl = self._ddl or ddl
        return conn.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


class Disk:
    """Whether the simulated disk is full, and how many commits it refused."""

    def __init__(self) -> None:
        self.full = False
        self.refused = 0


@contextmanager
def simulated_disk() -> Iterator[Disk]:
    """Every store opened meanwhile writes through a `Disk` (not full at first)."""
    disk = Disk()
    connect: Callable[..., sqlite3.Connection] = _store._connect

    def wrapped(path: str, **options: Any) -> Any:
        return _Connection(connect(path, **options), disk)

    with mock.patch.object(_store, "_connect", wrapped):
        yield disk


@contextmanager
def files_full(when: Callable[[], bool]) -> Iterator[list[int]]:
    """`os.fsync` fails with ENOSPC while `when()` is true (a file's data cannot be
    flushed to a full disk); the list counts the refusals."""
    fsync = os.fsync
    refused: list[int] = []

    def flush(descriptor: int) -> None:
        if when():
            refused.append(descriptor)
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        fsync(descriptor)

    with mock.patch.object(os, "fsync", flush):
        yield refused
