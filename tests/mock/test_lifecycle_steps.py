"""The automatic steps along a lifecycle path of any length: what reads derive in Python
(`_lifecycle.moved`) and what the store writes in SQL (`_store.advance_sql`) agree, and
writing due steps at any moments never changes what a later read shows."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from typing import Any

from a2e_dubbing_mock import _store
from a2e_dubbing_mock._lifecycle import moved
from a2e_dubbing_mock._task_records import TaskRow
from hypothesis import given, settings
from hypothesis import strategies as st

OFF_PATH = ("initialized", "failed")  # words a task does not move on from by itself
AT = 1_726_631_384_704


@st.composite
def paths(draw: st.DrawFn) -> tuple[str, ...]:
    length = draw(st.integers(min_value=2, max_value=6))
    return tuple(f"word{i}" for i in range(length))


@st.composite
def tasks(draw: st.DrawFn, path: tuple[str, ...]) -> list[TaskRow]:
    rows = []
    for number in range(draw(st.integers(min_value=1, max_value=8))):
        status = draw(st.sampled_from(path + OFF_PATH))
        moving = status in path[:-1]
        next_ms = AT + draw(st.integers(min_value=0, max_value=60_000)) if moving else None
        rows.append(TaskRow(f"{number:024x}", AT, AT, status, next_ms, {}))
    return rows


@contextmanager
def table(rows: list[TaskRow], path: tuple[str, ...]) -> Iterator[sqlite3.Connection]:
    """An in-memory `tasks` table of the store's layout holding `rows`."""
    with closing(sqlite3.connect(":memory:", isolation_level=None)) as conn:
        conn.execute(_store._CREATE_TASKS)
        for seq, row in enumerate(rows, start=1):
            conn.execute(
                "INSERT INTO tasks (seq, id, tenant, pos, cost, created_ms, updated_ms, status, "
                "unfinished, next_ms, doc) VALUES (?, ?, 1, ?, 1, ?, ?, ?, ?, ?, '{}')",
                (seq, row.id, seq, row.created_ms, row.updated_ms, row.status,
                 int(row.status in path[:-1]), row.next_ms),
            )  # fmt: skip
        yield conn


def advance(conn: sqlite3.Connection, path: tuple[str, ...], now: int, step: int) -> int:
    args: dict[str, Any] = {"now": now, "step": step, "limit": 1000, **_store.path_words(path)}
    return conn.execute(_store.advance_sql(len(path)), args).rowcount


def stored(conn: sqlite3.Connection) -> list[tuple[TaskRow, int]]:
    return [
        (TaskRow(task_id, AT, updated, status, next_ms, {}), unfinished)
        for task_id, updated, status, next_ms, unfinished in conn.execute(
            "SELECT id, updated_ms, status, next_ms, unfinished FROM tasks ORDER BY seq"
        )
    ]


steps = st.sampled_from([0, 1, 7, 500, 1000, 2000, 30_000])
moments = st.integers(min_value=-1000, max_value=200_000).map(lambda ms: AT + ms)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), path=paths(), step=steps, now=moments)
def test_the_store_writes_the_steps_reads_derive(
    data: st.DataObject, path: tuple[str, ...], step: int, now: int
) -> None:
    rows = data.draw(tasks(path))
    with table(rows, path) as conn:
        changed = advance(conn, path, now, step)
        after = stored(conn)
    expected = [moved(row, now, step, path) for row in rows]
    assert [row for row, _ in after] == expected
    assert [flag for _, flag in after] == [int(row.status in path[:-1]) for row in expected]
    due = [r for r in rows if r.status in path[:-1] and r.next_ms is not None and r.next_ms <= now]
    assert changed == len(due)


@settings(max_examples=300, deadline=None)
@given(
    data=st.data(),
    path=paths(),
    step=steps,
    writes=st.lists(moments, max_size=5),
    read=moments,
)
def test_writing_due_steps_whenever_never_changes_what_a_read_shows(
    data: st.DataObject, path: tuple[str, ...], step: int, writes: list[int], read: int
) -> None:
    rows = data.draw(tasks(path))
    with table(rows, path) as conn:
        for moment in sorted(w for w in writes if w <= read):
            advance(conn, path, moment, step)
        persisted = [row for row, _ in stored(conn)]
    assert [moved(row, read, step, path) for row in persisted] == [
        moved(row, read, step, path) for row in rows
    ]


@settings(max_examples=200, deadline=None)
@given(path=paths(), step=st.integers(min_value=1, max_value=5000), now=moments)
def test_a_task_goes_through_every_word_of_the_path_in_order(
    path: tuple[str, ...], step: int, now: int
) -> None:
    row = TaskRow("0" * 24, AT, AT, path[0], AT + step, {})
    seen = [moved(row, AT + k * step, step, path).status for k in range(len(path) + 1)]
    assert seen == [*path, path[-1]]  # one word per step, then it stays at the result
    at_once = moved(row, now, 0, path)
    assert at_once.status == (path[-1] if now >= AT + step else path[0])
