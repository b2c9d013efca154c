"""allRecords pages by task position: every page of every size agrees with a model of the
tasks through starts, deletes and resets (older databases too), and a deep page reads
about as little as the first one."""

from __future__ import annotations

import asyncio
import random
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from a2e_dubbing_mock._store import SCHEMA_VERSION, Store
from a2e_dubbing_mock._task_records import TaskRow

pytestmark = pytest.mark.anyio
TENANTS = ("a" * 64, "b" * 64)
PAGE_SIZES = range(1, 7)
AT = 1_726_631_384_704


def task(number: int, created_ms: int) -> TaskRow:
    request = {"name": f"t{number}", "source_url": "https://e.com/a.mp3", "target_lang": "en"}
    return TaskRow(
        id=f"{created_ms // 1000:08x}{number:016x}",
        created_ms=created_ms,
        updated_ms=created_ms,
        status="completed",
        next_ms=None,
        doc={"request": request, "duration": 61.0},
    )


def old_task(number: int, created_ms: int) -> tuple[Any, ...]:
    """A completed task in the columns of layouts 0 to 2, from `id` to `failed_code`."""
    return (
        f"{created_ms // 1000:08x}{number:016x}",
        created_ms,
        created_ms,
        "completed",
        None,
        f"t{number}",
        "https://e.com/a.mp3",
        "auto",
        "en",
        1,
        0,
        61.0,
        None,
        None,
    )


def assert_pages(store: Store, model: dict[str, list[str]]) -> None:
    """Every page of every size (and the two past the end) is the model's slice, newest
    first, and the count is the model's."""
    for tenant in TENANTS:
        newest_first = model[tenant][::-1]
        for size in PAGE_SIZES:
            for offset in range(0, len(newest_first) + 2 * size, size):
                rows, count = store.page(tenant, size, offset)
                assert count == len(newest_first), (tenant, size, offset)
                ids = [row.id for row in rows]
                assert ids == newest_first[offset : offset + size], (tenant, size, offset)
        assert store.page(tenant, 0, 0) == ([], len(newest_first))
        assert store.page(tenant, 10, 10**9) == ([], len(newest_first))


def assert_positions(path: Path) -> None:
    """Each tenant's positions: its tasks and its gaps, 1..last_pos, each once."""
    conn = sqlite3.connect(path)
    try:
        for tenant, last_pos in conn.execute("SELECT id, last_pos FROM tenants"):
            used = [p for (p,) in conn.execute("SELECT pos FROM tasks WHERE tenant = ?", (tenant,))]
            gaps = [p for (p,) in conn.execute("SELECT pos FROM gaps WHERE tenant = ?", (tenant,))]
            assert sorted(used + gaps) == list(range(1, last_pos + 1)), tenant
    finally:
        conn.close()


class Workload:
    """Random starts, deletes (newest, oldest, middle, any) and resets on two tenants,
    applied to the store and to a model: each tenant's task ids, oldest first."""

    def __init__(self, store: Store, seed: int, model: dict[str, list[str]] | None = None):
        self.store = store
        self.rng = random.Random(seed)
        self.model = model if model is not None else {tenant: [] for tenant in TENANTS}
        self.number = 0
        self.at = AT + 10**9

    async def start(self, tenant: str) -> None:
        self.number += 1
        self.at += self.rng.choice((0, 0, 1, 1000))  # ties in created_ms too
        row = task(self.number, self.at)
        if self.rng.random() < 0.05 and self.model[tenant]:
            row = row._replace(id=self.rng.choice(self.model[tenant]))  # taken: renewed
        stored = await self.store.insert(tenant, row, 2)
        self.model[tenant].append(stored.id)

    async def delete(self, tenant: str) -> None:
        ids = self.model[tenant]
        if not ids:
            assert not await self.store.delete(tenant, "0" * 24)
            return
        where = self.rng.choice(("newest", "oldest", "middle", "any"))
        index = {"newest": -1, "oldest": 0, "middle": len(ids) // 2}.get(
            where, self.rng.randrange(len(ids))
        )
        other = TENANTS[1 - TENANTS.index(tenant)]
        assert not await self.store.delete(other, ids[index])  # not the other tenant's
        assert await self.store.delete(tenant, ids.pop(index))

    async def reset(self, tenant: str | None) -> None:
        removed = await self.store.reset(tenant)
        tenants = TENANTS if tenant is None else (tenant,)
        assert removed == sum(len(self.model[t]) for t in tenants)
        for t in tenants:
            self.model[t].clear()

    async def steps(self, number: int) -> None:
        for _ in range(number):
            tenant = self.rng.choice(TENANTS)
            roll = self.rng.random()
            if roll < 0.6:
                await self.start(tenant)
            elif roll < 0.97:
                await self.delete(tenant)
            else:
                await self.reset(tenant if roll < 0.99 else None)


@pytest.mark.parametrize("seed", range(6))
async def test_every_page_agrees_with_the_model_through_starts_deletes_and_resets(
    tmp_path: Path, seed: int
) -> None:
    path = tmp_path / "paging.sqlite3"
    store = Store(path)
    try:
        work = Workload(store, seed)
        assert_pages(store, work.model)
        for _ in range(8):
            await work.steps(30)
            assert_pages(store, work.model)
    finally:
        store.close()
    assert_positions(path)
    store = Store(path)  # reopened: positions go on from the stored ones
    try:
        work = Workload(store, seed + 100, work.model)
        work.number = 10**6
        for _ in range(3):
            await work.steps(30)
            assert_pages(store, work.model)
    finally:
        store.close()
    assert_positions(path)


async def test_pages_agree_with_the_model_in_memory_too() -> None:
    store = Store(":memory:")
    try:
        work = Workload(store, 42)
        for _ in range(6):
            await work.steps(40)
            assert_pages(store, work.model)
    finally:
        store.close()


async def test_concurrent_starts_and_deletes_list_in_the_order_they_were_stored(
    tmp_path: Path,
) -> None:
    path = tmp_path / "together.sqlite3"
    store = Store(path)
    try:
        first = await asyncio.gather(
            *(store.insert(TENANTS[n % 2], task(n, AT + n // 3), 1) for n in range(120))
        )
        gone = [row.id for row in first[::7]]
        await asyncio.gather(
            *(store.delete(TENANTS[n % 2], first[n].id) for n in range(0, 120, 7)),
            *(store.insert(TENANTS[n % 2], task(n, AT + n), 1) for n in range(120, 180)),
        )
    finally:
        store.close()
    conn = sqlite3.connect(path)
    try:
        model = {  # the order of the writes: the order of the rows' seq
            tenant: [
                task_id
                for (task_id,) in conn.execute(
                    "SELECT tasks.id FROM tasks JOIN tenants ON tenants.id = tasks.tenant "
                    "WHERE tenants.key = ? ORDER BY tasks.seq",
                    (tenant,),
                )
            ]
            for tenant in TENANTS
        }
    finally:
        conn.close()
    assert sum(map(len, model.values())) == 180 - len(gone)
    assert not set(gone) & {i for ids in model.values() for i in ids}
    assert_positions(path)
    store = Store(path)
    try:
        assert_pages(store, model)
    finally:
        store.close()


# The second layout of the store (tenant ids and counts; pages by created_ms and seq).
LAYOUT_1 = (
    """CREATE TABLE tenants (
        id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE,
        coins INTEGER NOT NULL DEFAULT 0, tasks INTEGER NOT NULL DEFAULT 0)""",
    """CREATE TABLE tasks (
        seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, tenant INTEGER NOT NULL,
        cost INTEGER NOT NULL, created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL,
        status TEXT NOT NULL, next_ms INTEGER, name TEXT NOT NULL, source_url TEXT NOT NULL,
        source_lang TEXT NOT NULL, target_lang TEXT NOT NULL, num_speakers INTEGER NOT NULL,
        drop_background_audio INTEGER NOT NULL, duration REAL NOT NULL,
        failed_message TEXT, failed_code TEXT)""",
    "CREATE INDEX tasks_by_tenant ON tasks (tenant, created_ms, seq)",
    "CREATE INDEX tasks_unfinished ON tasks (tenant, created_ms, seq) "
    "WHERE status IN ('initialized', 'sent', 'processing')",
    "CREATE INDEX tasks_due ON tasks (next_ms) WHERE next_ms IS NOT NULL",
    """CREATE TRIGGER tasks_counted AFTER INSERT ON tasks BEGIN
        UPDATE tenants SET tasks = tasks + 1, coins = coins + NEW.cost WHERE id = NEW.tenant;
    END""",
    """CREATE TRIGGER tasks_uncounted AFTER DELETE ON tasks BEGIN
        UPDATE tenants SET tasks = tasks - 1 WHERE id = OLD.tenant;
    END""",
    "PRAGMA user_version = 1",
)


def layout_1_database(path: Path, seed: int) -> dict[str, list[str]]:
    """Tasks of both tenants, some with equal or earlier creation times than the ones
    stored before them, some deleted; each tenant's ids oldest first, as layout 1 listed."""
    rng = random.Random(seed)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        for statement in LAYOUT_1:
            conn.execute(statement)
        conn.executemany("INSERT INTO tenants (key, coins) VALUES (?, 5)", [(t,) for t in TENANTS])
        for number in range(90):
            row = old_task(number, AT + rng.randrange(40) * 1000)  # not in the order of seq
            conn.execute(
                "INSERT INTO tasks (tenant, cost, id, created_ms, updated_ms, status, next_ms, "
                "name, source_url, source_lang, target_lang, num_speakers, "
                "drop_background_audio, duration, failed_message, failed_code) "
                "VALUES (?, 2, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (1 + number % 2, *row),
            )
        conn.execute("DELETE FROM tasks WHERE seq % 5 = 0")
        return {
            tenant: [
                task_id
                for (task_id,) in conn.execute(
                    "SELECT id FROM tasks WHERE tenant = ? ORDER BY created_ms, seq", (number,)
                )
            ]
            for number, tenant in enumerate(TENANTS, start=1)
        }
    finally:
        conn.close()


@pytest.mark.parametrize("seed", range(3))
async def test_a_database_of_layout_1_keeps_its_order_and_pages_on(
    tmp_path: Path, seed: int
) -> None:
    path = tmp_path / "layout1.sqlite3"
    model = layout_1_database(path, seed)
    assert sum(map(len, model.values())) == 72
    store = Store(path)
    try:
        assert_pages(store, model)
        assert store.spent(TENANTS[0]) == 5 + 2 * 45  # coins came along, counted as before
        work = Workload(store, seed, model)
        work.number = 1000
        for _ in range(4):
            await work.steps(30)
            assert_pages(store, work.model)
    finally:
        store.close()
    assert_positions(path)
    conn = sqlite3.connect(path)
    try:
        (version,) = conn.execute("PRAGMA user_version").fetchone()
        indexes = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
        (integrity,) = conn.execute("PRAGMA integrity_check").fetchone()
    finally:
        conn.close()
    assert version == SCHEMA_VERSION == 3
    assert {"tasks_by_pos", "gaps", "tasks_counted", "tasks_uncounted"} <= indexes
    assert "tasks_by_tenant" not in indexes
    assert integrity == "ok"


@pytest.fixture
def filled() -> Iterator[Store]:
    """20,000 tasks of one tenant (and a few of the other), in memory."""
    store = Store(":memory:")

    async def fill() -> None:
        for number in range(20_000):
            await store.insert(TENANTS[0], task(number, AT + number), 1)
            if number % 1000 == 0:
                await store.insert(TENANTS[1], task(10**6 + number, AT + number), 1)

    asyncio.run(fill())
    try:
        yield store
    finally:
        store.close()


def vm_steps(store: Store, limit: int, offset: int) -> int:
    """SQLite virtual machine instructions that reading one page takes."""
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0  # go on

    store.page(TENANTS[0], limit, offset)  # the tenant's id is remembered from here on
    store._read.set_progress_handler(count, 1)
    try:
        rows, total = store.page(TENANTS[0], limit, offset)
    finally:
        store._read.set_progress_handler(None, 1)
    assert len(rows) == min(limit, max(0, total - offset))
    return steps


def test_a_deep_page_reads_about_as_little_as_the_first(filled: Store) -> None:
    first = vm_steps(filled, 10, 0)
    assert first > 0
    for offset in (10_000, 19_990, 19_999):
        assert vm_steps(filled, 10, offset) <= 2 * first, offset


async def test_a_few_deletes_cost_a_deep_page_only_a_few_steps_more(filled: Store) -> None:
    rows, _ = filled.page(TENANTS[0], 20_000, 0)
    gone = rows[100::1000]  # 20 tasks, 10 of them newer than the middle page
    for row in gone:
        assert await filled.delete(TENANTS[0], row.id)
    first = vm_steps(filled, 10, 0)
    middle = vm_steps(filled, 10, 10_000)
    assert middle <= 3 * first
    page, count = filled.page(TENANTS[0], 3, 10_000)
    left = [row.id for row in rows if row not in gone]
    assert count == len(left) == 20_000 - 20
    assert [row.id for row in page] == left[10_000:10_003]
