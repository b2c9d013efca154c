"""5. The mock at scale: latency and database size with 10k and 100k stored tasks.

The database is filled through the HTTP server itself (wrk POSTing startDubbing), every
measured request goes through it too (wrk, one connection: latency of a lone caller).
Tasks complete by themselves after PROCESSING_SECONDS; before measuring, the run waits
until they have, then starts a few fresh ones so that processingRecord has rows.
"""

from __future__ import annotations

import contextlib
import math
import sqlite3
import tempfile
import time
from pathlib import Path

from benchmarks import _api, _wrk
from benchmarks._paths import WRK_SCRIPTS
from benchmarks._procs import BenchError
from benchmarks._results import Comparison, ScalePoint, Section, Table
from benchmarks._servers import our_mock
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


def measure(settings: Settings) -> Section:
    section = Section("Scale")
    _wrk.wrk_path()
    fills: list[str] = []
    with tempfile.TemporaryDirectory(prefix="a2e-bench-scale-") as tmp:
        db = Path(tmp) / "scale.sqlite3"
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


def _growth(points: list[ScalePoint]) -> list[Comparison]:
    """Each request at the largest size against the smallest: does it stay fast?

    An indexed read should barely grow with the table (a B-tree seek is logarithmic):
    our criterion is at most 2x the time for 10x the tasks. A deep page is read with
    OFFSET, linear in the page number by nature: shown without a target.
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
            target=None if kind == MIDDLE_PAGE else 2.0,
            note=(
                "no target: OFFSET paging walks to the middle from the nearer end"
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
    result = _wrk.load_until(
        url + _api.START_PATH,
        lambda: _api.task_count(url) >= size,
        threads=threads,
        connections=16,
        script=WRK_SCRIPTS / "fill.lua",
        script_args=[str(math.ceil(missing / threads))],
    )
    elapsed = time.perf_counter() - started
    if result.non_2xx or result.socket_errors:
        raise BenchError(
            f"filling the mock: {result.non_2xx} non-2xx, {result.socket_errors} errors"
        )
    return (
        f"Filled {have:,} → {size:,} tasks with {result.requests:,} POSTs in {elapsed:.1f} s "
        f"({result.requests / elapsed:,.0f} tasks/s, wrk 2 threads × 8 connections)."
    )


def _settle(url: str, db: Path, timeout: float = 60.0) -> None:
    """Wait until every task has completed and the mock has written that to its database."""
    time.sleep(PROCESSING_SECONDS + 0.5)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _api.task_count(url)  # each API request lets the mock write due steps
        if _unfinished_in_db(db) == 0:
            return
        time.sleep(0.3)
    raise BenchError(f"the mock did not store its completed tasks within {timeout:.0f} s")


def _unfinished_in_db(db: Path) -> int:
    """Tasks stored as unfinished (read-only look at the mock's file; -1 if unreadable)."""
    try:
        with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
            (count,) = conn.execute(
                "SELECT COUNT(*) FROM tasks WHERE status IN ('initialized', 'sent', 'processing')"
            ).fetchone()
    except sqlite3.Error:
        return -1
    return int(count)


def _latencies(
    url: str, stored: int, settings: Settings
) -> tuple[dict[str, tuple[float, float]], dict[str, float], list[str]]:
    last = max(1, math.ceil(stored / PAGE_SIZE))
    middle = _api.data(url, "GET", _api.page_path(max(1, last // 2), PAGE_SIZE))["rows"][0]["_id"]
    paths = {
        DETAIL: _api.detail_path(str(middle)),
        FIRST_PAGE: _api.page_path(1, PAGE_SIZE),
        MIDDLE_PAGE: _api.page_path(max(1, last // 2), PAGE_SIZE),
        DEEP_PAGE: _api.page_path(last, PAGE_SIZE),
    }
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


def _one_caller(url: str, seconds: float) -> _wrk.WrkResult:
    """Latency of a lone caller: wrk with one connection, after a 1 s warm-up."""
    _wrk.load(url, threads=1, connections=1, seconds=1, headers=_api.AUTH)
    return _wrk.load(url, threads=1, connections=1, seconds=seconds, headers=_api.AUTH)


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
            f"Each request: wrk, 1 thread, 1 connection, {settings.scale_seconds:g} s after 1 s "
            "of warm-up (processingRecord: shorter, while its fresh tasks are unfinished).",
            "Query plans from the mock's `Store.plans()`: "
            + "; ".join(
                f"{name}: {' / '.join(steps)}"
                for name, steps in (points[-1].plans.items() if points else [])
            ),
        ),
    )
