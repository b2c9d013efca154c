"""5. The mock at scale: latency and database size with 10k and 100k stored tasks.

The database is filled through the HTTP server itself (the load tool POSTing startDubbing),
every measured request goes through it too (one connection: latency of a lone caller).
Tasks complete by themselves after PROCESSING_SECONDS; before measuring, the run waits
until they have, then starts a few fresh ones so that processingRecord has rows.
"""

from __future__ import annotations

import contextlib
import math
import shutil
import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks import _api, _load, _profile
from benchmarks._paths import WORK
from benchmarks._procs import BenchError
from benchmarks._results import Comparison, LoadResult, ScalePoint, Section, Table
from benchmarks._servers import mock_argv, our_mock
from benchmarks._settings import Settings

GROUP = "Mock at scale"
PROCESSING_SECONDS = 6.0
FRESH_TASKS = 10
PAGE_SIZE = 10
DETAIL, FIRST_PAGE, MIDDLE_PAGE, DEEP_PAGE, PROCESSING = (
    "GET detail",
    "GET allRecords page 1",
    "GET allRecords middle page",
    "GET allRecords last page",
    "GET processingRecord",
)
_KINDS = (DETAIL, FIRST_PAGE, MIDDLE_PAGE, DEEP_PAGE, PROCESSING)
SCALE_DIR = WORK / "scale"
SCALE_DB = SCALE_DIR / "scale.sqlite3"


def measure(settings: Settings) -> Section:
    section = Section("Scale")
    fills: list[str] = []
    shutil.rmtree(SCALE_DIR, ignore_errors=True)  # kept after the run, for `profile`
    SCALE_DIR.mkdir(parents=True)
    db = SCALE_DB
    for size in settings.scale_sizes:
        with our_mock(db, "--processing-seconds", f"{PROCESSING_SECONDS:g}") as mock:
            fills.append(_fill(mock.url, size))
            _settle(mock.url, db)
            stored = _api.task_count(mock.url)
            latency, rates, notes = _latencies(mock.url, stored, settings)
        section.scale.append(
            ScalePoint(
                tasks=stored,
                db_bytes=_db_bytes(db),
                wal_bytes=_size(db.with_name(db.name + "-wal")),
                latency_ms=latency,
                requests_per_second=rates,
                plans=_plans(db),
            )
        )
        fills.extend(notes)
    section.tables.append(_table(section.scale, settings, fills))
    section.comparisons += _growth(section.scale)
    return section


def profile(settings: Settings, missed: Sequence[Comparison]) -> _profile.Profile:
    """Our mock on the largest database of the run, one caller on each missed request."""
    del settings
    kinds = [kind for kind in _KINDS if any(c.measure.startswith(kind) for c in missed)]
    if not SCALE_DB.exists():
        raise BenchError(f"no scale database to profile ({SCALE_DB})")

    def drive(url: str) -> None:
        paths = _request_paths(url, _api.task_count(url))
        _profile.drive_for([(paths[kind], False) for kind in kinds], 1)(url)

    what = f"a2e-dubbing-mock with the run's largest database, one caller on {', '.join(kinds)}"
    return _profile.server(mock_argv(SCALE_DB), drive, what)


def _growth(points: list[ScalePoint]) -> list[Comparison]:
    """Each request at the largest size against the smallest: does it stay fast?

    An indexed read should barely grow with the table (a B-tree seek is logarithmic):
    our criterion is at most 2x the time for 10x the tasks. The middle page too: the store
    finds a page's first task from its position (no OFFSET walk), then seeks an index.
    """
    if len(points) < 2:
        return []
    small, large = points[0], points[-1]
    return [
        Comparison(
            group=GROUP,
            measure=f"{kind} p50 with {large.tasks:,} vs {small.tasks:,} tasks stored",
            unit="ms",
            ours_label=f"{large.tasks:,} tasks",
            peer_label=f"{small.tasks:,} tasks",
            ours=large.latency_ms[kind][0],
            peer=small.latency_ms[kind][0],
            target=2.0,
            note=(
                "target: 'stays fast'; any page is an index seek from its first task's "
                "position, at most 2x for 10x the tasks"
                if kind == MIDDLE_PAGE
                else "target: our reading of 'stays fast', at most 2x for 10x the tasks"
            ),
            short=kind.removeprefix("GET "),
            paired_chart=False,
        )
        for kind in large.latency_ms
    ]


def _fill(url: str, size: int) -> str:
    """POST tasks through the server until `size` are stored; how fast that went."""
    have = _api.task_count(url)
    missing = size - have
    if missing <= 0:
        return f"{have:,} tasks were stored already."
    threads = 2
    started = time.perf_counter()
    result = _load.fill_until(
        url + _api.START_PATH,
        missing,
        lambda: _api.task_count(url) >= size,
        threads=threads,
        connections=16,
    )
    elapsed = time.perf_counter() - started
    if result.non_2xx or result.socket_errors:
        raise BenchError(
            f"filling the mock: {result.non_2xx} non-2xx, {result.socket_errors} errors"
        )
    return (
        f"Filled {have:,} → {size:,} tasks with {result.requests:,} POSTs in {elapsed:.1f} s "
        f"({result.requests / elapsed:,.0f} tasks/s, {_load.name()}, 16 connections)."
    )


def _settle(url: str, db: Path, timeout: float = 60.0) -> None:
    """Wait until every task has completed and the mock has written that to its database."""
    time.sleep(PROCESSING_SECONDS + 0.5)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _api.data(url, "GET", _api.PROCESSING_PATH)  # stores the caller's due steps
        if _unfinished_in_db(db) == 0:
            return
        time.sleep(0.3)
    raise BenchError(f"the mock did not store its completed tasks within {timeout:.0f} s")


def _unfinished_in_db(db: Path) -> int:
    """Tasks stored as unfinished (read-only look at the mock's file; -1 if unreadable)."""
    try:
        with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
            (count,) = conn.execute("SELECT COUNT(*) FROM tasks WHERE unfinished = 1").fetchone()
    except sqlite3.Error:
        return -1
    return int(count)


def _latencies(
    url: str, stored: int, settings: Settings
) -> tuple[dict[str, tuple[float, float]], dict[str, float], list[str]]:
    last = max(1, math.ceil(stored / PAGE_SIZE))
    paths = _request_paths(url, stored)
    del paths[PROCESSING]
    results = {
        kind: _one_caller(url + path, settings.scale_seconds) for kind, path in paths.items()
    }
    # processingRecord: a few unfinished tasks among all the completed ones.
    for _ in range(FRESH_TASKS):
        _api.start_task(url)
    before = len(_api.data(url, "GET", _api.PROCESSING_PATH))
    results[PROCESSING] = _one_caller(
        url + _api.PROCESSING_PATH, min(settings.scale_seconds, PROCESSING_SECONDS / 2 - 1)
    )
    after = len(_api.data(url, "GET", _api.PROCESSING_PATH))
    notes = [
        f"At {stored:,} tasks: last page = pageNum {last} (pageSize {PAGE_SIZE}); "
        f"processingRecord answered {before} unfinished tasks before its run, {after} after."
    ]
    latency = {kind: (r.p50_ms, r.p99_ms) for kind, r in results.items()}
    rates = {kind: r.requests_per_second for kind, r in results.items()}
    return latency, rates, notes


def _request_paths(url: str, stored: int) -> dict[str, str]:
    """The path of each request kind (the detail of a task from the middle page)."""
    last = max(1, math.ceil(stored / PAGE_SIZE))
    middle_page = _api.data(url, "GET", _api.page_path(max(1, last // 2), PAGE_SIZE))
    middle = middle_page["rows"][0][_api.task_id_field()]
    return {
        DETAIL: _api.detail_path(str(middle)),
        FIRST_PAGE: _api.page_path(1, PAGE_SIZE),
        MIDDLE_PAGE: _api.page_path(max(1, last // 2), PAGE_SIZE),
        DEEP_PAGE: _api.page_path(last, PAGE_SIZE),
        PROCESSING: _api.PROCESSING_PATH,
    }


def _one_caller(url: str, seconds: float) -> LoadResult:
    """Latency of a lone caller: one connection, after a 1 s warm-up."""
    _load.load(url, threads=1, connections=1, seconds=1, headers=_api.AUTH)
    return _load.load(url, threads=1, connections=1, seconds=seconds, headers=_api.AUTH)


def _db_bytes(db: Path) -> int:
    """The database on disk after the server stopped."""
    return sum(_size(db.with_name(db.name + suffix)) for suffix in ("", "-wal", "-shm"))


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def _plans(db: Path) -> dict[str, list[str]]:
    """SQLite's plan of each read query of the mock's store (its own `plans()`)."""
    try:
        from a2e_dubbing_mock._store import Store
    except ImportError:
        return {}
    store = Store(db)
    try:
        return store.plans()
    finally:
        store.close()


def _table(points: list[ScalePoint], settings: Settings, notes: list[str]) -> Table:
    rows = []
    for point in points:
        for kind, (p50, p99) in point.latency_ms.items():
            rows.append(
                (
                    f"{point.tasks:,}",
                    kind,
                    f"{p50:.2f}",
                    f"{p99:.2f}",
                    f"{point.requests_per_second[kind]:,.0f}",
                )
            )
        rows.append(
            (
                f"{point.tasks:,}",
                "SQLite file size",
                f"{point.db_bytes / 1e6:.1f} MB (WAL {point.wal_bytes / 1e6:.1f} MB)",
                f"{point.db_bytes / max(1, point.tasks):.0f} B/task",
                "indexed reads: " + ("yes" if point.indexed else "NO"),
            )
        )
    return Table(
        title="Scale: the mock with many stored tasks (one caller; ms)",
        header=("tasks", "request", "p50 ms", "p99 ms", "req/s"),
        rows=tuple(rows),
        notes=(
            *notes,
            f"Each request: {_load.describe()}, 1 connection, {settings.scale_seconds:g} s after 1 s "
            "of warm-up (processingRecord: shorter, while its fresh tasks are unfinished).",
            "Query plans from the mock's `Store.plans()`: "
            + "; ".join(
                f"{name}: {' / '.join(steps)}"
                for name, steps in (points[-1].plans.items() if points else [])
            ),
        ),
    )
