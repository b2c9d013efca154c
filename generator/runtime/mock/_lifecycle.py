"""How tasks move on: along the spec's lifecycle path (sent -> processing -> completed) by
time, or when an admin says so."""

from __future__ import annotations

from ._clock import Clock
from ._disk import describe
from ._errors import ApiError
from ._spec import LIFECYCLE
from ._store import Change, Store
from ._task_records import DOC_FAILURE_CODE, DOC_FAILURE_MESSAGE, ID_FIELD, UNFINISHED, TaskRow

PATH = LIFECYCLE.path
STEPS = len(PATH) - 1  # from the initial word to the result
# The stage of each word a task moves on from by itself (the path but its last word).
_STAGE = {word: stage for stage, word in enumerate(PATH[:-1])}
_NOT_FOUND = f"{ID_FIELD}: no dubbing task with this {ID_FIELD}"


def moved(row: TaskRow, now_ms: int, step_ms: int, path: tuple[str, ...] = PATH) -> TaskRow:
    """`row` at `now_ms` with the steps along `path` due since it was stored: one at its
    `next_ms`, one more every `step_ms` (all at once when it is 0), until the path's end.
    The store writes the same steps in SQL (`_store.advance_sql`)."""
    due = row.next_ms
    if due is None or now_ms < due:
        return row
    stages = _STAGE if path is PATH else {w: i for i, w in enumerate(path[:-1])}
    stage = stages.get(row.status)
    if stage is None:  # not a word of the path (the store clears its next_ms on open)
        return row
    last = len(path) - 1
    taken = last - stage if step_ms == 0 else min(last - stage, (now_ms - due) // step_ms + 1)
    reached = stage + taken
    return row._replace(
        status=path[reached],
        updated_ms=due + (taken - 1) * step_ms,
        next_ms=due + taken * step_ms if reached < last else None,
    )


class Lifecycle:
    """Where each task is now, derived from stored times: exact, and restart-proof.

    With `processing_seconds` S a task takes S to go along the lifecycle's path, the same
    time at each word (`sent` for S/2, then `processing` for S/2, then `completed`). With
    None tasks move only through the admin calls. Reads derive the current state from the
    stored one and the clock, so steps by time are not written in the background (under
    load that was two more writes per task, competing with the starts). A task's due steps
    are written before an admin change to it, a tenant's when its unfinished tasks are
    listed (`settle`), and `catch_up` writes every due step (PERSIST_ROWS tasks per
    write) when asked.
    """

    # Tasks moved per write: a long write would hold up the starts queued behind it on
    # the one writer thread; more steps due are written at once, in further writes.
    PERSIST_ROWS = 256

    def __init__(self, store: Store, clock: Clock, processing_seconds: float | None) -> None:
        if processing_seconds is not None and processing_seconds < 0:
            raise ValueError("processing_seconds must be at least 0")
        self._store = store
        self._clock = clock
        self._step_ms = (
            None if processing_seconds is None else round(processing_seconds * 1000 / STEPS)
        )
        self._due = store.next_due() if self._step_ms is not None else None

    def now_ms(self) -> int:
        return int(self._clock.now() * 1000)

    def first_step(self, created_ms: int) -> int | None:
        """When a task created at `created_ms` takes its first step by itself."""
        return None if self._step_ms is None else created_ms + self._step_ms

    def scheduled(self, due_ms: int | None) -> None:
        """Note a new automatic step (after its task was stored)."""
        if due_ms is not None and (self._due is None or due_ms < self._due):
            self._due = due_ms

    @property
    def step_ms(self) -> int | None:
        """Milliseconds per automatic step (None: tasks move only through admin calls)."""
        return self._step_ms

    def view(self, row: TaskRow, now_ms: int | None = None) -> TaskRow:
        """The task as it is at `now_ms` (default: now), steps due since it was stored applied."""
        step = self._step_ms
        if step is None or row.next_ms is None:
            return row
        return moved(row, self.now_ms() if now_ms is None else now_ms, step)

    async def settle(self, tenant: str) -> None:
        """Write the due steps of `tenant`'s unfinished tasks, so that listing them stays an
        index seek over the few still running (each task is written once, when it has
        finished by the time it is listed). A disk that refuses, or a read-only store, is no
        matter: the listing derives the steps anyway."""
        if self._step_ms is None or not self._store.writable:
            return
        try:
            await self._store.advance_tenant(tenant, self.now_ms(), self._step_ms)
        except Exception as error:
            if describe(error) is None:
                raise

    async def catch_up(self) -> None:
        """Write every step whose time has come to the store."""
        if self._due is None or self._step_ms is None:
            return
        now = self.now_ms()
        if now < self._due:
            return
        while await self._store.advance_due(now, self._step_ms, self.PERSIST_ROWS) == (
            self.PERSIST_ROWS
        ):
            pass
        self._due = self._store.next_due()

    async def advance(self, tenant: str, task_id: str) -> TaskRow:
        """One step along the path (an unfinished word off the path counts as the first)."""
        row = await self._current(tenant, task_id)
        now = self.now_ms()
        stage = _STAGE.get(row.status, 0 if row.status in UNFINISHED else None)
        if stage is None:
            raise ApiError(409, f"{ID_FIELD}: the task is already {row.status}")
        reached = stage + 1
        last = reached == STEPS
        next_ms = None if self._step_ms is None or last else now + self._step_ms
        change = Change((row.status,), PATH[reached], now, next_ms)
        return await self._apply(tenant, task_id, change)

    async def complete(self, tenant: str, task_id: str) -> TaskRow:
        await self._current(tenant, task_id)
        change = Change(UNFINISHED, LIFECYCLE.result, self.now_ms())
        return await self._apply(tenant, task_id, change)

    async def fail(self, tenant: str, task_id: str, message: str, code: str | None) -> TaskRow:
        await self._current(tenant, task_id)
        made = {DOC_FAILURE_MESSAGE: message, DOC_FAILURE_CODE: code}
        change = Change(UNFINISHED, LIFECYCLE.failure, self.now_ms(), None, made)
        return await self._apply(tenant, task_id, change)

    async def _current(self, tenant: str, task_id: str) -> TaskRow:
        if self._step_ms is not None:  # its steps by time, stored before it changes
            await self._store.advance_task(tenant, task_id, self.now_ms(), self._step_ms)
        row = self._store.get(tenant, task_id)
        if row is None:
            raise ApiError(404, _NOT_FOUND)
        return row

    async def _apply(self, tenant: str, task_id: str, change: Change) -> TaskRow:
        changed, row = await self._store.transition(tenant, task_id, change)
        if row is None:
            raise ApiError(404, _NOT_FOUND)
        if not changed:
            raise ApiError(409, f"{ID_FIELD}: the task is already {row.status}")
        self.scheduled(change.next_ms)
        return row
