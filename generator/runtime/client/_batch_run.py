"""How a batch runs: starts, one poll for every task, downloads; the journal keeps where each
job is, so that a run stopped at any moment (even by `kill -9`) is taken up by the next.

- **Starts** (at most `max_starts` at once): a local source is uploaded once and its URL
  journaled; the job's intent (its task's name, A2E's time) is committed; then the start is
  sent with that name, which no other task has, under the client's own rules (a lost answer
  is looked up, never sent again blindly). An intent without a task id (a run killed
  between the two) is looked up the same way by the next run, all intents in one pass over
  the task lists, before anything is sent again.
  Lost starts looked up at the same time (the client's look-up after a lost answer) share
  one read of the lists (`SharedLookups`): the cost of a burst of faults does not grow with
  its size times the tasks of the last minute.
- **One poll for all tasks**: each tick reads the list of unfinished tasks once; a task
  that left it is read again to get its result or failure, one detail read each, or the
  newest pages of all tasks when fewer pages hold them. The tick is jittered, short while
  tasks move and growing while nothing does.
- **A 429 slows the whole batch**: every request of the batch waits out the `Retry-After`
  of the last one (doubling while 429s follow each other, up to a minute).
- **Downloads** (at most `max_downloads` at once) start as soon as a task completes, with
  the library's download (a hidden `.part` file renamed when complete); a URL older than
  most of its lifetime is read again first, and one the storage refuses as expired too.
- **Credits**: the balance is read first; with `max_coins`, starts go one at a time, each
  after a read of the balance, and stop once it dropped by `max_coins`.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import json
import math
import os
import random
import re
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from . import _runtime
from ._async._download import download as download_async
from ._batch_events import (
    BatchEvent,
    BatchPlanned,
    BatchPolled,
    BatchStopped,
    BatchSummary,
    JobDownloaded,
    JobFailed,
    JobInfo,
    JobStarted,
    JobStatusChanged,
    SourceUploaded,
)
from ._batch_journal import (
    COMPLETED,
    DOWNLOADED,
    DOWNLOADING,
    FAILED,
    INTENT,
    PLANNED,
    STARTED,
    Journal,
    Row,
)
from ._batch_plan import BatchError, Entry, Plan, job_from_json, job_to_json, source_of
from ._batch_spec import BALANCE, MATCH, NAME, RESULT_LIFETIME, START, UPLOAD
from ._clock import epoch_seconds
from ._download import (
    DestinationExistsError,
    DownloadError,
    DownloadHTTPError,
    ResultNotReadyError,
    _secrets_of,
    record_field,
)
from ._errors import (
    A2EError,
    APIConnectionError,
    APIError,
    AuthenticationError,
    BadRequestError,
    NotFoundError,
    RateLimitError,
)
from ._lookup import Found, Lookup
from ._meta import FAILURE_FIELDS, FAILURE_STATUS, ID_FIELD, RESULT_FIELD, RESULT_STATUS
from ._response import async_to_raw_response_wrapper
from ._retry import RetryEvent, worth_retrying
from ._task_resource import PageCursor
from ._upload import retryable as upload_retryable

START_ROUNDS = 4  # a start whose outcome stayed unknown is looked up and sent again this often
START_ROUND_DELAY = 2.0  # seconds before the first such round; doubles each round
DOWNLOAD_ATTEMPTS = 3  # per run; the next run tries again
DOWNLOAD_DELAY = 1.0  # seconds before the second attempt; doubles
REFRESH_SHARE = 0.8  # a result URL older than this share of its lifetime is read again
JITTER = 0.2  # each tick is its interval give or take this share
GROWTH = 1.5  # a quiet tick's interval grows by this factor
MAX_DETAIL_READS = 8  # detail reads of one tick at once
BACKOFF_DEFAULT = 1.0  # seconds of a 429 without Retry-After
BACKOFF_CAP = 60.0
LIST_BYTES = 256 * 1024 * 1024  # the answer cap of the list of unfinished tasks (~400k tasks)
_EXPIRED = (401, 403, 404, 410)  # what storage answers for an expired signed URL
_TRANSIENT = (408, 425, 429)  # and for a moment of trouble (so do 5xx)
_PART = re.compile(r"\.(?P<stem>.+)\.[a-z0-9]{1,8}\.[0-9a-f]{8}\.part")


@dataclass(frozen=True)
class Settings:
    """How a batch runs (the keywords of `dubbing.batch`)."""

    out: Path
    journal: Path
    resume: bool = False
    retry_failed: bool = False
    max_coins: float | None = None
    overwrite: bool = False
    max_starts: int = 8
    max_downloads: int = 4
    max_uploads: int = 2
    poll_interval: float = 2.0
    max_poll_interval: float = 30.0
    per_call: Mapping[str, Any] = field(default_factory=dict)  # options of every API request

    def __post_init__(self) -> None:
        for name in ("max_starts", "max_downloads", "max_uploads"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be at least 1, not {value!r}")
        if not self.poll_interval > 0 or not self.max_poll_interval > 0:
            raise ValueError("poll_interval and max_poll_interval must be positive")
        if self.max_coins is not None and not self.max_coins > 0:
            raise ValueError(f"max_coins must be positive, not {self.max_coins!r}")


class SharedBackoff:
    """One pause for every request of the batch after a 429.

    The pause lasts the `Retry-After` A2E asked for (a second without one), doubled for
    each 429 that follows another before a request succeeded, up to `BACKOFF_CAP`.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._until = 0.0
        self._strikes = 0

    @property
    def paused_for(self) -> float:
        return max(0.0, self._until - self._clock())

    def slow_down(self, retry_after: float | None) -> float:
        """A 429 came: pause the batch; returns the pause in seconds."""
        asked = BACKOFF_DEFAULT if retry_after is None else max(0.0, retry_after)
        pause = min(BACKOFF_CAP, max(asked, asked * 2.0**self._strikes))
        self._strikes += 1
        self._until = max(self._until, self._clock() + pause)
        return pause

    def succeeded(self) -> None:
        self._strikes = 0

    async def wait(self) -> None:
        while (left := self.paused_for) > 0:
            await asyncio.sleep(left)


class SharedLookups:
    """The look-ups of lost starts (the client's `_find`) that are due together share one
    read of the unfinished tasks and of the pages of all tasks.

    A look-up joins the next round; each round reads the unfinished tasks, then the pages of
    all tasks, newest first, as far back as the oldest of its look-ups needs, every read
    made after each of them began; each is decided by its own `Lookup` (the client's rules:
    what matches, when its pages are passed). A failed read fails every look-up of its
    round, as it would have failed each alone.
    """

    def __init__(self, tasks: Any) -> None:
        self._tasks = tasks
        self._waiting: list[tuple[Lookup, dict[str, Any], asyncio.Future[Found | None]]] = []
        self._round: asyncio.Future[None] | None = None
        self.rounds = 0

    async def find(self, lookup: Lookup, reads: dict[str, Any]) -> Found | None:
        future: asyncio.Future[Found | None] = asyncio.get_running_loop().create_future()
        future.add_done_callback(_retrieved)
        self._waiting.append((lookup, reads, future))
        if self._round is None or self._round.done():
            self._round = asyncio.ensure_future(self._rounds())
        return await asyncio.shield(future)

    async def _rounds(self) -> None:
        while self._waiting:
            group, self._waiting = self._waiting, []
            self.rounds += 1
            try:
                found = await self._find_all([lookup for lookup, _, _ in group], group[0][1])
            except BaseException as error:
                for _, _, future in group:
                    if not future.done():
                        future.set_exception(error)
                if not isinstance(error, Exception):
                    raise
                continue
            for (_, _, future), result in zip(group, found, strict=True):
                if not future.done():
                    future.set_result(result)

    async def _find_all(self, lookups: list[Lookup], reads: dict[str, Any]) -> list[Found | None]:
        tasks = self._tasks
        found: list[Found | None] = [None] * len(lookups)
        answer = await async_to_raw_response_wrapper(tasks.list_processing)(**reads)
        rows = answer.parse()
        for number, lookup in enumerate(lookups):
            task = lookup.first_match(rows)
            if task is not None:
                found[number] = Found(task, answer)
        searching = [n for n, result in enumerate(found) if result is None]
        cursor = PageCursor(tasks._lookup_page_size)
        read_page = async_to_raw_response_wrapper(tasks.list)
        while searching and (page_num := cursor.next_page()) is not None:
            answer = await read_page(page_num=page_num, page_size=tasks._lookup_page_size, **reads)
            page = answer.parse()
            cursor.record(page)
            for number in searching:
                task = lookups[number].first_match(page.rows)
                if task is not None:
                    found[number] = Found(task, answer)
            searching = [
                n for n in searching if found[n] is None and not lookups[n].passed(page.rows)
            ]
        return found


def _retrieved(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()


class _Job:
    """One job while the batch runs: its plan entry and its journal row."""

    __slots__ = ("entry", "row", "seen_at", "tracked_at", "was_downloading")

    def __init__(self, entry: Entry, row: Row) -> None:
        self.entry = entry
        self.row = row
        self.seen_at: float | None = None  # monotonic: started or first followed in this run
        self.tracked_at = 0.0  # monotonic: when it joined the polls
        self.was_downloading = row.state == DOWNLOADING

    def info(self) -> JobInfo:
        row = self.row
        return JobInfo(
            key=row.key,
            job=self.entry.job,
            name=row.name,
            stem=row.stem,
            state=row.state,
            attempt=row.attempt,
            task_id=row.task_id,
            status=row.status,
            file=row.file,
            error=row.error,
            failure=json.loads(row.failure) if row.failure else None,
            elapsed=None if self.seen_at is None else time.monotonic() - self.seen_at,
        )

    def change(self, **changes: Any) -> dict[str, Any]:
        for name, value in changes.items():
            setattr(self.row, name, value)
        return changes


class Engine:
    """One run of a batch over `client` (an `AsyncA2E`); events go to `emit`."""

    def __init__(
        self,
        client: Any,
        plan: Plan,
        settings: Settings,
        emit: Callable[[BatchEvent], None],
    ) -> None:
        self._settings = settings
        self._emit = emit
        self._backoff = SharedBackoff()
        self._client = client.with_options(on_retry=self._on_retry(client.on_retry))
        self._tasks = getattr(self._client, START[0])
        # Lost starts that are looked up together share their reads (see SharedLookups).
        self._lookups = SharedLookups(self._tasks)
        self._tasks._find = self._lookups.find
        # The list of every unfinished task may be far larger than other answers.
        listing = self._client.with_options(
            max_response_bytes=max(self._client.max_response_bytes, LIST_BYTES)
        )
        self._unfinished = getattr(listing, START[0]).list_processing
        self._plan = plan
        self._jobs: dict[str, _Job] = {}
        self._journal: Journal | None = None
        self._queue: deque[_Job] = deque()
        self._intents: list[_Job] = []
        self._later: list[_Job] = []
        self._unsent: list[_Job] = []  # nothing sent for them yet (their upload failed for now)
        self._last_round = False
        self._tracked: dict[str, _Job] = {}
        self._created: list[float] = []  # creation times of this run's tasks, sorted
        self._downloads: asyncio.Queue[_Job | None] = asyncio.Queue()
        self._uploaded: dict[str, str] = {}
        self._uploading: dict[str, asyncio.Future[str]] = {}
        self._upload_slots = asyncio.Semaphore(settings.max_uploads)
        self._start_slots = asyncio.Semaphore(settings.max_starts)
        self._credit_lock: contextlib.AbstractAsyncContextManager[Any] = (
            asyncio.Lock() if settings.max_coins is not None else contextlib.nullcontext()
        )
        self._wake = asyncio.Event()
        self._starts_done = False
        self._stop_reason: str | None = None
        self._coins_before: float | None = None
        self._coins_after: float | None = None
        if settings.max_coins is not None and BALANCE is None:
            raise BatchError("max_coins needs the balance, which the spec does not mark")
        if plan.uploads and UPLOAD is None:
            raise BatchError("the spec says of no way to upload a local file (x-a2e-upload)")

    # the run

    async def run(self) -> BatchSummary:
        settings = self._settings
        try:
            settings.out.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise BatchError(f"cannot make the output folder {settings.out}: {error}") from None
        self._journal = await Journal.open(settings.journal)
        try:
            await self._load()
            self._coins_before = await self._balance(needed=settings.max_coins is not None)
            self._announce()
            await self._work()
            if self._coins_before is not None:
                self._coins_after = await self._balance(needed=False)
            return self.summary()
        finally:
            await self._journal.close()

    def stop_starting(self, reason: str = "asked", message: str = "") -> None:
        """Start no more jobs; the tasks started are still followed and downloaded."""
        if self._stop_reason is not None:
            return
        self._stop_reason = reason
        self._emit(BatchStopped(reason, message or "no more jobs are started in this run"))
        self._wake.set()

    def summary(self) -> BatchSummary:
        jobs = [job.info() for job in self._jobs.values()]
        count = dict.fromkeys(
            (PLANNED, INTENT, STARTED, COMPLETED, DOWNLOADING, DOWNLOADED, FAILED), 0
        )
        for info in jobs:
            count[info.state] += 1
        return BatchSummary(
            total=len(jobs),
            downloaded=count[DOWNLOADED],
            failed=count[FAILED],
            not_saved=count[COMPLETED] + count[DOWNLOADING],
            running=count[STARTED],
            not_started=count[PLANNED] + count[INTENT],
            coins_before=self._coins_before,
            coins_after=self._coins_after,
            jobs=tuple(jobs),
        )

    async def _load(self) -> None:
        """The plan's jobs and, with `resume`, every other job of the journal."""
        journal = self._journal
        assert journal is not None
        rows = await journal.rows()
        self._uploaded = await journal.sources()
        new: list[Row] = []
        now = time.time()
        for entry in self._plan.entries:
            row = rows.pop(entry.key, None)
            if row is None:
                row = Row(
                    key=entry.key,
                    seq=entry.seq,
                    job=json.dumps(job_to_json(entry.job, entry.source), default=str),
                    stem=entry.stem,
                    state=PLANNED,
                    attempt=1,
                    name=entry.task_name(1),
                    updated_at=now,
                )
                new.append(row)
            self._jobs[entry.key] = _Job(entry, row)
        if self._settings.resume:
            for row in rows.values():
                self._jobs[row.key] = _Job(_entry_of(row), row)
        if new:
            await journal.add(new)
        retried = []
        for job in self._jobs.values():
            if job.row.state == FAILED and self._settings.retry_failed:
                attempt = job.row.attempt + 1
                retried.append(
                    (
                        job.row.key,
                        job.change(
                            state=PLANNED,
                            attempt=attempt,
                            name=job.entry.task_name(attempt),
                            intent_at=None,
                            intent_by_server=None,
                            task_id=None,
                            status=None,
                            created_at=None,
                            result_url=None,
                            result_at=None,
                            error=None,
                            failure=None,
                        ),
                    )
                )
        await journal.save_all(retried)
        for job in self._jobs.values():
            state = job.row.state
            if state == PLANNED:
                self._queue.append(job)
            elif state == INTENT:
                self._intents.append(job)
            elif state == STARTED:
                self._follow(job)
            elif state in (COMPLETED, DOWNLOADING):
                self._downloads.put_nowait(job)
            if job.row.created_at is not None:
                self._created.append(job.row.created_at)
        self._created.sort()

    def _announce(self) -> None:
        states = [job.row.state for job in self._jobs.values()]
        self._emit(
            BatchPlanned(
                total=len(states),
                to_start=states.count(PLANNED),
                to_recover=states.count(INTENT),
                to_follow=states.count(STARTED),
                to_download=states.count(COMPLETED) + states.count(DOWNLOADING),
                done=states.count(DOWNLOADED),
                failed=states.count(FAILED),
                uploads=len(
                    {
                        job.entry.source
                        for job in self._jobs.values()
                        if job.entry.local is not None
                        and job.row.state in (PLANNED, INTENT)
                        and job.entry.source not in self._uploaded
                    }
                ),
                coins=self._coins_before,
            )
        )

    async def _work(self) -> None:
        async with asyncio.TaskGroup() as group:
            group.create_task(self._starting())
            group.create_task(self._polling())
            for _ in range(self._settings.max_downloads):
                group.create_task(self._downloading())

    # requests

    def _on_retry(
        self, theirs: Callable[[RetryEvent], object] | None
    ) -> Callable[[RetryEvent], object]:
        def on_retry(event: RetryEvent) -> object:
            if isinstance(event.error, RateLimitError):
                self._backoff.slow_down(event.delay)
            return theirs(event) if theirs is not None else None

        return on_retry

    async def _call(self, method: Callable[..., Awaitable[Any]], *args: Any, **kwargs: Any) -> Any:
        """One request of the batch: after the shared pause, with the per-call options."""
        await self._backoff.wait()
        try:
            result = await method(*args, **kwargs, **self._settings.per_call)
        except RateLimitError as error:
            self._backoff.slow_down(error.retry_after)
            raise
        self._backoff.succeeded()
        return result

    async def _balance(self, *, needed: bool) -> float | None:
        """The balance that tasks spend; None when unknown (an error when `needed`)."""
        if BALANCE is None:
            return None
        resource, method, attribute = BALANCE
        try:
            answer = await self._call(getattr(getattr(self._client, resource), method))
        except AuthenticationError:
            raise
        except A2EError:
            if needed:
                raise
            return None
        return float(getattr(answer, attribute))

    # starting

    async def _starting(self) -> None:
        try:
            await self._recover(self._intents)
            delay = START_ROUND_DELAY
            for round_ in range(START_ROUNDS + 1):
                self._last_round = round_ == START_ROUNDS
                async with asyncio.TaskGroup() as group:
                    while self._queue and self._stop_reason is None:
                        await self._start_slots.acquire()
                        if not self._queue or self._stop_reason is not None:
                            self._start_slots.release()
                            break
                        group.create_task(self._start(self._queue.popleft()))
                if not (self._later or self._unsent) or self._last_round:
                    break
                # Starts whose outcome is unknown: their tasks are looked up, then sent again.
                await asyncio.sleep(delay)
                delay *= 2
                self._queue.extend(self._unsent)  # nothing to look up: sent again as they are
                self._unsent.clear()
                later, self._later = self._later, []
                await self._recover(later)
        finally:
            self._starts_done = True
            self._wake.set()

    async def _start(self, job: _Job) -> None:
        try:
            async with self._credit_lock:
                if self._stop_reason is not None:
                    return  # an intent stays one: the next run looks its task up
                if not await self._credit_left():
                    return
                url = await self._source_url(job)
                if url is None:
                    return
                if job.row.state == PLANNED:
                    await self._write_intent(job, url)
                task = await self._send(job)
            if task is not None:
                await self._started(job, task, found=False)
        finally:
            self._start_slots.release()

    async def _credit_left(self) -> bool:
        limit = self._settings.max_coins
        if limit is None or self._coins_before is None:
            return True
        balance = await self._balance(needed=True)
        assert balance is not None
        spent = self._coins_before - balance
        if spent < limit:
            return True
        self.stop_starting(
            "credits",
            f"the balance dropped by {spent:g} (max_coins {limit:g}): no more jobs are started",
        )
        return False

    async def _source_url(self, job: _Job) -> str | None:
        """The URL to start the job from: its own, or its local file's upload (once)."""
        entry = job.entry
        if entry.local is None:
            return entry.source
        if job.row.source_url:
            return job.row.source_url
        known = self._uploaded.get(entry.source)
        if known is not None:
            return known
        upload = self._uploading.get(entry.source)
        if upload is None:
            upload = asyncio.ensure_future(self._upload(entry))
            self._uploading[entry.source] = upload
        try:
            return await asyncio.shield(upload)
        except A2EError as error:
            if self._uploading.get(entry.source) is upload:
                del self._uploading[entry.source]  # the next try uploads again
            if _transient(error) and not self._last_round:
                self._unsent.append(job)  # tried again in the next start round
            else:
                self._emit(JobFailed(job.info(), f"upload of {entry.local} failed: {error}", True))
            return None

    async def _upload(self, entry: Entry) -> str:
        assert entry.local is not None
        assert self._journal is not None
        if UPLOAD is None:
            raise BatchError("the spec says of no way to upload a local file (x-a2e-upload)")
        upload = getattr(getattr(self._client, UPLOAD[0]), UPLOAD[1])
        async with self._upload_slots:
            url = str(await self._call(upload, entry.local))
        await self._journal.uploaded(entry.source, url)
        self._uploaded[entry.source] = url
        self._emit(SourceUploaded(str(entry.local), url))
        return url

    async def _write_intent(self, job: _Job, url: str) -> None:
        """Commit that the job's start may be sent, by A2E's clock when known."""
        assert self._journal is not None
        server = self._client._clock.lower_bound()
        changes = job.change(
            state=INTENT,
            source_url=url,
            intent_at=server if server is not None else time.time(),
            intent_by_server=int(server is not None),
        )
        await self._journal.save(job.row.key, **changes)

    async def _send(self, job: _Job) -> Any:
        """Send the start; the task, or None when its outcome is unknown (tried again
        later, after a look-up) or it was refused (the job failed)."""
        assert job.row.source_url is not None
        keywords = job.entry.start_keywords(job.row.source_url)
        try:
            with _runtime.chosen_name(job.row.name):
                return await self._call(self._tasks.start, **keywords)
        except AuthenticationError:
            raise
        except BadRequestError as error:
            await self._fail(job, f"A2E refused the start: {error}")
            return None
        except (APIConnectionError, APIError):
            self._later.append(job)
            return None

    async def _recover(self, jobs: list[_Job]) -> None:
        """Find the tasks of `jobs` (intents: their start may have reached A2E) by their
        names, with the client's look-up rules; those not found are started again."""
        if not jobs:
            return
        lookups = {job.row.key: self._lookup(job) for job in jobs}
        found: dict[str, Any] = {}
        try:
            unfinished = await self._call(self._unfinished)
            for job in jobs:
                task = lookups[job.row.key].first_match(unfinished)
                if task is not None:
                    found[job.row.key] = task
            searching = [job for job in jobs if job.row.key not in found]
            page_size = self._tasks._lookup_page_size
            cursor = PageCursor(page_size)
            while searching and (page_num := cursor.next_page()) is not None:
                page = await self._call(self._tasks.list, page_num=page_num, page_size=page_size)
                cursor.record(page)
                for job in searching:
                    task = lookups[job.row.key].first_match(page.rows)
                    if task is not None:
                        found[job.row.key] = task
                searching = [
                    job
                    for job in searching
                    if job.row.key not in found and not lookups[job.row.key].passed(page.rows)
                ]
        except AuthenticationError:
            raise
        except A2EError:
            self._later.extend(job for job in jobs if job.row.key not in found)
            for job in jobs:
                if job.row.key in found:
                    await self._started(job, found[job.row.key], found=True)
            return
        for job in jobs:
            task = found.get(job.row.key)
            if task is not None:
                await self._started(job, task, found=True)
            else:
                self._queue.appendleft(job)

    def _lookup(self, job: _Job) -> Lookup:
        """The client's look-up of the task of the job's start, begun at its intent."""
        row = job.row
        began = row.intent_at if row.intent_at is not None else row.updated_at
        keywords = job.entry.start_keywords(row.source_url or "")
        keywords[NAME] = row.name
        return Lookup(
            {attribute: keywords[keyword] for keyword, attribute in MATCH},
            id_field=self._tasks._id_field,
            created_field=self._tasks._created_field,
            clock=self._client._clock,
            bound=Lookup.bound_since(began, by_server=bool(row.intent_by_server)),
        )

    async def _started(self, job: _Job, task: Any, *, found: bool) -> None:
        """The job's task exists: journal its id, and follow it (or settle it at once when a
        look-up found it finished)."""
        assert self._journal is not None
        created = epoch_seconds(record_field(task, self._tasks._created_field))
        changes = job.change(
            state=STARTED,
            task_id=str(record_field(task, ID_FIELD)),
            status=_status(task),
            created_at=created,
        )
        await self._journal.save(job.row.key, **changes)
        if created is not None:
            bisect.insort(self._created, created)
        job.seen_at = time.monotonic()
        self._emit(JobStarted(job.info(), found))
        if _status(task) in (RESULT_STATUS, FAILURE_STATUS):
            await self._journal.save_all([self._settle(job, task)])
        else:
            self._follow(job)

    def _follow(self, job: _Job) -> None:
        assert job.row.task_id is not None
        job.tracked_at = time.monotonic()
        if job.seen_at is None:
            job.seen_at = job.tracked_at
        self._tracked[job.row.task_id] = job
        self._wake.set()

    # polling

    async def _polling(self) -> None:
        settings = self._settings
        interval = settings.poll_interval
        try:
            while True:
                if not self._tracked:
                    if self._starts_done:
                        return
                    self._wake.clear()
                    await self._wake.wait()
                    interval = settings.poll_interval
                    continue
                await asyncio.sleep(interval * random.uniform(1 - JITTER, 1 + JITTER))  # noqa: S311
                changed, requests, finished = await self._tick()
                grown = min(interval * GROWTH, settings.max_poll_interval)
                interval = settings.poll_interval if changed else grown
                if requests:
                    self._emit(BatchPolled(requests, finished, len(self._tracked), interval))
        finally:
            for _ in range(settings.max_downloads):
                self._downloads.put_nowait(None)

    async def _tick(self) -> tuple[bool, int, int]:
        """One poll of every task followed: whether anything moved, the requests it sent
        (0: the poll failed) and the tasks found finished."""
        assert self._journal is not None
        began = time.monotonic()
        try:
            unfinished = await self._call(self._unfinished)
        except AuthenticationError:
            raise
        except A2EError:
            return False, 0, 0
        listed = {str(record_field(task, ID_FIELD)): task for task in unfinished}
        left: list[_Job] = []
        changes: list[tuple[str, dict[str, Any]]] = []
        for task_id, job in list(self._tracked.items()):
            if job.tracked_at >= began:
                continue  # followed since the list was asked for
            task = listed.get(task_id)
            if task is None:
                left.append(job)
            elif _status(task) != job.row.status:
                changes.append((job.row.key, job.change(status=_status(task))))
                self._emit(JobStatusChanged(job.info()))
        records, requests = await self._read_left(left)
        for job in left:
            record = records.get(str(job.row.task_id))
            if record is _GONE:
                changes.append((job.row.key, self._gone(job)))
            elif record is not None:
                changes.append(self._settle(job, record))
        changes = [(key, change) for key, change in changes if change]
        await self._journal.save_all(changes)
        return bool(changes), 1 + requests, len(left)

    async def _read_left(self, left: list[_Job]) -> tuple[dict[str, Any], int]:
        """The records of the tasks that left the list of unfinished tasks, and how many
        requests that took: the newest pages of all tasks when fewer of them hold every
        one, else (and for those the pages missed) one detail read each."""
        records: dict[str, Any] = {}
        missing = {str(job.row.task_id): job for job in left}
        requests = 0
        pages = self._pages_holding(left)
        if pages:
            oldest = min(job.row.created_at for job in left if job.row.created_at is not None)
            page_size = self._tasks._lookup_page_size
            for page_num in range(1, pages + 1):
                try:
                    page = await self._call(
                        self._tasks.list, page_num=page_num, page_size=page_size
                    )
                except AuthenticationError:
                    raise
                except A2EError:
                    break
                finally:
                    requests += 1
                times = []
                for row in page.rows:
                    task_id = str(record_field(row, ID_FIELD))
                    if task_id in missing:
                        records[task_id] = row
                        del missing[task_id]
                    created = epoch_seconds(record_field(row, self._tasks._created_field))
                    if created is not None:
                        times.append(created)
                if not missing or not page.rows or (times and min(times) < oldest):
                    break
        slots = asyncio.Semaphore(MAX_DETAIL_READS)

        async def read(task_id: str) -> None:
            async with slots:
                try:
                    records[task_id] = await self._call(self._tasks.get, task_id)
                except NotFoundError:
                    records[task_id] = _GONE
                except AuthenticationError:
                    raise
                except A2EError:
                    pass  # still followed: the next tick tries again

        async with asyncio.TaskGroup() as group:
            for task_id in missing:
                group.create_task(read(task_id))
        return records, requests + len(missing)

    def _pages_holding(self, left: list[_Job]) -> int:
        """How many pages of all tasks (newest first) hold every task of `left`, counting
        the tasks this batch knows of; 0 when one detail read each costs less."""
        if len(left) < 2 or any(job.row.created_at is None for job in left):
            return 0
        oldest = min(job.row.created_at for job in left if job.row.created_at is not None)
        newer = len(self._created) - bisect.bisect_left(self._created, oldest)
        pages = math.ceil(max(newer, 1) / self._tasks._lookup_page_size)
        return pages if pages < len(left) else 0

    def _settle(self, job: _Job, task: Any) -> tuple[str, dict[str, Any]]:
        """A record of the job's task, read again: its result is queued for download, its
        failure recorded, any other word just noted (it is still followed)."""
        status = _status(task)
        key = job.row.key
        if status == RESULT_STATUS:
            self._tracked.pop(str(job.row.task_id), None)
            changes = job.change(
                state=COMPLETED,
                status=status,
                result_url=str(record_field(task, RESULT_FIELD) or ""),
                result_at=time.time(),
                error=None,
            )
            self._emit(JobStatusChanged(job.info()))
            self._downloads.put_nowait(job)
            return key, changes
        if status == FAILURE_STATUS:
            self._tracked.pop(str(job.row.task_id), None)
            failure = {
                name: value
                for name in FAILURE_FIELDS
                if (value := record_field(task, name)) not in (None, "")
            }
            reason = next((str(v) for v in failure.values() if isinstance(v, str)), "")
            changes = job.change(
                state=FAILED,
                status=status,
                error=f"the task failed: {reason or 'A2E gave no reason'}",
                failure=json.dumps(failure, default=str),
            )
            self._emit(JobFailed(job.info(), str(job.row.error)))
            return key, changes
        if job.row.task_id not in self._tracked:
            self._follow(job)
        if status == job.row.status:
            return key, {}
        changes = job.change(status=status)
        self._emit(JobStatusChanged(job.info()))
        return key, changes

    def _gone(self, job: _Job) -> dict[str, Any]:
        self._tracked.pop(str(job.row.task_id), None)
        changes = job.change(
            state=FAILED, error=f"task {job.row.task_id} is not at A2E any more (deleted?)"
        )
        self._emit(JobFailed(job.info(), str(job.row.error)))
        return changes

    async def _fail(self, job: _Job, error: str) -> None:
        assert self._journal is not None
        await self._journal.save(job.row.key, **job.change(state=FAILED, error=error))
        self._emit(JobFailed(job.info(), error))

    # downloading

    async def _downloading(self) -> None:
        while (job := await self._downloads.get()) is not None:
            await self._download(job)

    async def _download(self, job: _Job) -> None:
        assert self._journal is not None
        settings = self._settings
        lifetime = RESULT_LIFETIME
        refreshed = False
        if not job.row.result_url or (
            lifetime is not None
            and time.time() - (job.row.result_at or 0.0) > lifetime * REFRESH_SHARE
        ):
            refreshed = await self._refresh(job)
            if not refreshed:
                return
        if job.row.state != DOWNLOADING:
            await self._journal.save(job.row.key, **job.change(state=DOWNLOADING))
        if job.was_downloading:
            _remove_parts(settings.out, job.row.stem)
        from ._download import Destination

        http = self._client._http
        timeout = self._client.timeout
        secrets = _secrets_of(self._client)
        delay = DOWNLOAD_DELAY
        error: A2EError | None = None
        for attempt in range(DOWNLOAD_ATTEMPTS):
            try:
                path = await download_async(
                    http,
                    _Result(job),
                    Destination(settings.out, overwrite=settings.overwrite),
                    timeout=timeout,
                    secrets=secrets,
                )
            except DestinationExistsError as exists:
                if not job.was_downloading:
                    error = exists
                    break
                path = exists.path  # saved whole by the run that was stopped, then renamed
            except DownloadHTTPError as failed:
                error = failed
                if failed.status_code in _EXPIRED and not refreshed:
                    refreshed = await self._refresh(job)
                    if refreshed:
                        continue
                if failed.status_code not in _TRANSIENT and failed.status_code < 500:
                    break
                if attempt + 1 < DOWNLOAD_ATTEMPTS:
                    await asyncio.sleep(delay)
                    delay *= 2
                continue
            except ResultNotReadyError as failed:
                error = failed
                break
            except DownloadError as failed:
                error = failed
                if attempt + 1 < DOWNLOAD_ATTEMPTS:
                    await asyncio.sleep(delay)
                    delay *= 2
                continue
            changes = job.change(state=DOWNLOADED, file=str(path), error=None)
            await self._journal.save(job.row.key, **changes)
            self._emit(JobDownloaded(job.info(), path))
            return
        message = f"the result could not be saved: {error}"
        await self._journal.save(job.row.key, **job.change(state=COMPLETED, error=message))
        self._emit(JobFailed(job.info(), message, retried=True))

    async def _refresh(self, job: _Job) -> bool:
        """Read the task again for a fresh result URL; whether it has one."""
        assert self._journal is not None
        try:
            task = await self._call(self._tasks.get, str(job.row.task_id))
        except AuthenticationError:
            raise
        except NotFoundError:
            await self._journal.save(job.row.key, **self._gone(job))
            return False
        except A2EError as error:
            message = f"the task could not be read again for its result: {error}"
            await self._journal.save(job.row.key, **job.change(error=message))
            self._emit(JobFailed(job.info(), message, retried=True))
            return False
        url = record_field(task, RESULT_FIELD)
        if _status(task) != RESULT_STATUS or not url:
            message = f"the task has no result to download (it is {_status(task)})"
            await self._journal.save(job.row.key, **job.change(error=message))
            self._emit(JobFailed(job.info(), message, retried=True))
            return False
        changes = job.change(result_url=str(url), result_at=time.time())
        await self._journal.save(job.row.key, **changes)
        return True


_GONE: Any = object()  # a task that a detail read did not find


class _Result(SimpleNamespace):
    """What the library download reads of a task: its result URL, and the name that makes
    the file's name (`<stem>.<split>`)."""

    def __init__(self, job: _Job) -> None:
        from ._meta import NAME_FIELD, STATUS_FIELD

        values = {
            RESULT_FIELD: job.row.result_url,
            ID_FIELD: job.row.task_id,
            STATUS_FIELD: job.row.status,
        }
        if NAME_FIELD is not None:
            values[NAME_FIELD] = job.row.stem
        super().__init__(**values)


def _transient(error: A2EError) -> bool:
    """Whether the same request may succeed later (of A2E, or of the storage an upload goes
    to): the client's retry rule and the upload's."""
    return worth_retrying(error) or upload_retryable(error)


def _status(task: Any) -> str:
    from ._meta import STATUS_FIELD

    return str(record_field(task, STATUS_FIELD))


def _entry_of(row: Row) -> Entry:
    """The plan entry of a job known only to the journal (`resume`)."""
    job = job_from_json(row.job_data())
    source, local = source_of(job)
    return Entry(row.key, job, source, local, row.stem, row.seq)


def _remove_parts(folder: Path, stem: str) -> None:
    """Remove the hidden partial files a stopped download of `stem` left behind."""
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            match = _PART.fullmatch(entry.name)
            if match is not None and match["stem"] == stem and entry.is_file():
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
