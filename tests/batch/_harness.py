"""The mock in-process behind a layer that injects faults and crashes, for batch tests.

`Harness` is an httpx transport in front of the mock app (on a manual clock kept at real
time, with A2E's `Date` header): each request to the API may be answered with a fault
drawn for it (refused before it reached A2E, or carried out and then answered badly), and
the batch may "crash" at a chosen request, before or after A2E carried it out. A crash is a
`Crash` (a BaseException, as a kill leaves no chance to clean up) and stops the journal:
nothing is committed after it, as after `kill -9`.
"""

from __future__ import annotations

import contextlib
import json
import math
import time
import wave
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, field
from email.utils import formatdate
from pathlib import Path
from typing import Any

import httpx
from a2e_dubbing import AsyncA2E, BatchEvent, Job, _batch_journal
from a2e_dubbing_mock import ManualClock, create_app

from contract_tests import _api as api

TOKEN = "sk_test_batch"
BASE_URL = "http://mock"
API = "/api/"
START = api.op("dubbing.start").path
LIST = api.op("dubbing.list")
RESULTS = "/__mock/results/"
# What happens to one request: nothing; refused before it reached A2E; or carried out by
# A2E, then answered badly.
BEFORE = ("refused", "503-before", "429-before")
AFTER = ("503-after", "dropped-after", "timeout-after")
OUTCOMES = ("ok", *BEFORE, *AFTER)


class Crash(BaseException):
    """The batch's process dies here."""


@dataclass
class Sent:
    at: float  # monotonic
    method: str
    path: str
    outcome: str


@dataclass
class Harness(httpx.AsyncBaseTransport):
    """The mock app, faults and crashes (see the module doc)."""

    processing: float | None = 0.15
    faults: list[str] = field(default_factory=list)  # outcomes of the next API requests
    crash_at: int | None = None  # the number of the request (from 0) the batch dies at
    crash_after: bool = False  # ... after A2E carried it out
    result_faults: int = 0  # the next result downloads answered 503
    retry_after: str = "0"
    sent: list[Sent] = field(default_factory=list)
    crashed: bool = False

    def __post_init__(self) -> None:
        self.clock = ManualClock(start=time.time())
        self.app = create_app(clock=self.clock, processing_seconds=self.processing)
        self.inner = httpx.ASGITransport(self.app)

    def close(self) -> None:
        self.app.close()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.crashed:
            raise Crash("the process is dead")
        self.clock.set(max(self.clock.now(), time.time()))
        number = len(self.sent)
        path = request.url.path
        outcome = self.faults.pop(0) if path.startswith(API) and self.faults else "ok"
        if path.startswith(RESULTS) and self.result_faults > 0:
            self.result_faults -= 1
            outcome = "503-before"
        self.sent.append(Sent(time.monotonic(), request.method, path, outcome))
        if number == self.crash_at and not self.crash_after:
            self._crash()
        if outcome == "refused":
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        if outcome.endswith("-before"):
            return self._error(int(outcome.partition("-")[0]), request)
        response = await self._forward(request)
        if number == self.crash_at:
            self._crash()
        if outcome.endswith("-after"):
            kind = outcome.partition("-")[0]
            if kind == "dropped":
                raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
            if kind == "timeout":
                raise httpx.ReadTimeout("timed out", request=request)
            return self._error(int(kind), request)
        return response

    def _crash(self) -> None:
        self.crashed = True
        raise Crash(f"killed at request {len(self.sent) - 1}")

    async def _forward(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        content = await response.aread()
        headers = dict(response.headers)
        headers["date"] = formatdate(math.floor(self.clock.now()), usegmt=True)
        return httpx.Response(
            response.status_code, headers=headers, stream=httpx.ByteStream(content)
        )

    def _error(self, status: int, request: httpx.Request) -> httpx.Response:
        body = {
            "code": status,
            "msg": "injected",
            "trace_id": "0b7f3a52-3c1e-4d5e-9f59-2a6c1d9e8b10",
        }
        headers = {"Retry-After": self.retry_after, "date": formatdate(usegmt=True)}
        return httpx.Response(status, json=body, headers=headers, request=request)

    # what A2E holds, read directly

    @contextlib.asynccontextmanager
    async def direct(self) -> AsyncIterator[httpx.AsyncClient]:
        async with httpx.AsyncClient(
            transport=self.inner,
            base_url=BASE_URL,
            headers={"Authorization": f"Bearer {TOKEN}"},
        ) as client:
            yield client

    async def tasks(self) -> list[dict[str, Any]]:
        """Every task of the test's tenant."""
        found: list[dict[str, Any]] = []
        async with self.direct() as client:
            page = 1
            while rows := (await client.request(**LIST.call(page_num=page, page_size=100))).json()[
                "data"
            ]["rows"]:
                found += rows
                page += 1
        return found

    async def admin(self, task_id: str, action: str, **body: Any) -> None:
        async with self.direct() as client:
            answer = await client.post(f"/__mock/tasks/{task_id}/{action}", json=body or None)
            answer.raise_for_status()

    @contextlib.asynccontextmanager
    async def client(self, **options: Any) -> AsyncIterator[AsyncA2E]:
        http = httpx.AsyncClient(transport=self)
        try:
            async with AsyncA2E(
                api_key=TOKEN, base_url=BASE_URL, http_client=http, **options
            ) as client:
                yield client
        finally:
            await http.aclose()

    async def run(self, jobs: Sequence[Job], out: Path, **options: Any) -> list[BatchEvent]:
        """Run a batch to its end (or its crash: `Crash` is raised); its events."""
        options.setdefault("poll_interval", 0.01)
        options.setdefault("max_poll_interval", 0.05)
        events: list[BatchEvent] = []
        async with self.client() as client:
            try:
                async for event in client.dubbing.batch(jobs, out=out, **options):
                    events.append(event)
            except BaseExceptionGroup as group:
                crash = group.subgroup(Crash)
                if crash is None:
                    raise
                raise Crash(str(crash.exceptions[0])) from None
        return events


def jobs(sources: int, languages: Sequence[str] = ("es", "fr")) -> list[Job]:
    return [
        Job(source_url=f"https://media.example.com/show/episode-{i}.mp4", target_lang=lang)
        for i in range(sources)
        for lang in languages
    ]


@contextlib.contextmanager
def journal_stops_at_crash(harness: Harness) -> Iterator[None]:
    """Nothing is committed to the journal once the harness crashed (as after `kill -9`)."""
    original = _batch_journal.Journal._apply

    def apply(self: Any, statements: Any) -> None:
        if harness.crashed:
            raise Crash("the process is dead")
        original(self, statements)

    _batch_journal.Journal._apply = apply  # type: ignore[method-assign]
    try:
        yield
    finally:
        _batch_journal.Journal._apply = original  # type: ignore[method-assign]


def valid_wav(path: Path) -> bool:
    try:
        with wave.open(str(path), "rb") as audio:
            frames = audio.getnframes()
            return frames > 0 and len(audio.readframes(frames)) == frames * audio.getsampwidth()
    except (OSError, wave.Error, EOFError):
        return False


def journal_rows(folder: Path) -> dict[str, Any]:
    rows, _ = _batch_journal.read_only(folder / _batch_journal.JOURNAL_NAME)
    return rows


def kinds(events: Sequence[BatchEvent]) -> list[str]:
    return [event.kind for event in events]


def dumps(events: Sequence[BatchEvent]) -> str:
    return "\n".join(json.dumps(event.to_dict(), default=str) for event in events)
