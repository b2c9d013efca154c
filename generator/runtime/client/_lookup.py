"""Finding the task of a start whose answer was lost (the decisions; no I/O here).

A start that may have created a task although no success answer came is looked up before it
is sent again (see `_retry`). The look-up must find the task wherever it is, and must never
take another task for it:

- It reads the unfinished tasks, then the pages of all tasks, newest first, until a page
  ends with a task created before the call (by A2E's clock): pages of newer tasks, or the
  task having finished already, do not hide it.
- A task matches when the fields that identify the start (`x-a2e-recover.match` in the
  spec) are equal, it was created at or after the call began (A2E's clock, read from the
  `Date` header of its answers, less `CLOCK_SLACK`), and it did not exist before the call.
- When the caller gave the identifying name, tasks with that name may already exist (a
  restarted task): before sending, the client reads the newest tasks, back to the call's
  start less the slack, and none of those can match. When it did not, the client sends a
  unique name, and only this call can have made a task with it: no read before sending.
- A task whose creation time cannot be read never matches and never raises.

What remains (documented for users): two starts with the same name, source and target made
at the same time by different callers cannot be told apart; without any `Date` header, the
client's clock stands in for A2E's with `LOCAL_SLACK` of allowance.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._clock import ServerClock, epoch_seconds

if TYPE_CHECKING:
    from ._response import APIResponse

# Seconds allowed for A2E's servers disagreeing about the time (the `Date` of one answer,
# the `createdAt` written by another).
CLOCK_SLACK = 60.0
# Without a `Date` header: seconds allowed for our clock disagreeing with A2E's.
LOCAL_SLACK = 300.0


@dataclass(frozen=True)
class Found:
    """The task a look-up found, and the answer it was found in."""

    result: Any
    response: APIResponse[Any]


class Lookup:
    """The state of one start's look-up: what identifies its task, and since when."""

    def __init__(
        self,
        match: Mapping[str, Any],
        *,
        id_field: str,
        created_field: str,
        clock: ServerClock,
        monotonic: float | None = None,
        wall: float | None = None,
        bound: float | None = None,
    ) -> None:
        self.match = dict(match)
        self._id_field = id_field
        self._created_field = created_field
        self._clock = clock
        self._began = time.monotonic() if monotonic is None else monotonic
        self._wall = time.time() if wall is None else wall
        self._bound: float | None = bound  # given: a call that began in an earlier process
        self.existing: set[str] = set()

    @property
    def bound(self) -> float:
        """Epoch seconds, by A2E's clock, before which the task of this call cannot have
        been created (fixed once known)."""
        if self._bound is None:
            began = self._clock.lower_bound(self._began)
            self._bound = began - CLOCK_SLACK if began is not None else self._wall - LOCAL_SLACK
        return self._bound

    @staticmethod
    def bound_since(began: float, *, by_server: bool) -> float:
        """The bound of a call that began at `began` (epoch seconds): by A2E's clock (its
        `Date`, `by_server`) less `CLOCK_SLACK`, or by ours less `LOCAL_SLACK`. For a call made
        by an earlier process, whose monotonic clock is gone (the batch's journal)."""
        return began - (CLOCK_SLACK if by_server else LOCAL_SLACK)

    def created(self, task: Any) -> float | None:
        return epoch_seconds(getattr(task, self._created_field, None))

    def note_existing(self, tasks: Iterable[Any]) -> None:
        """Before sending: remember the tasks that exist already (none of them can match)."""
        for task in tasks:
            self.existing.add(str(getattr(task, self._id_field, "")))

    def matches(self, task: Any) -> bool:
        """Whether `task` is the one this call created (see the module doc)."""
        try:
            if any(getattr(task, field) != value for field, value in self.match.items()):
                return False
        except AttributeError:
            return False
        created = self.created(task)
        if created is None or created < self.bound:
            return False
        return str(getattr(task, self._id_field, "")) not in self.existing

    def passed(self, rows: Iterable[Any]) -> bool:
        """Whether a page (newest first) reaches back before the bound: the pages after it
        hold only older tasks."""
        times = [t for t in (self.created(row) for row in rows) if t is not None]
        return bool(times) and min(times) < self.bound

    def first_match(self, rows: Iterable[Any]) -> Any:
        return next((task for task in rows if self.matches(task)), None)
