"""One `start()` never creates two paid tasks and never returns a task it did not create.

Hypothesis runs sequences of starts against the mock: named and unnamed, restarts of a name
whose earlier task finished or failed, several at once (distinct names), each attempt of
each start with a fault drawn for it (refused before anything was sent; refused with 503,
429 or a timeout before anything was created; created, then answered with 503 or 429,
dropped or timed out), the look-up's own reads failing too, and, between a lost answer and
the client's look-up, unrelated activity of the same account: other starts (more than a
page of them), tasks finishing (the lost task included, so it is no longer "processing").

The fault layer is an httpx transport in front of the mock: it records which tasks each
call's requests created, so the checks need no trust in the client:
- a call that returned a task created exactly one, and returned that one;
- a call that raised created at most one, and raised an `A2EError`.

`AsyncA2E` runs against the mock in-process on a manual clock (time can stand still, or
A2E's `Date` can lag, or be missing); `A2E` against a live mock over a socket (uvicorn's
own `Date` header, the real clock).
"""

from __future__ import annotations

import asyncio
import contextvars
import itertools
import json
import math
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from typing import Any

import httpx
import pytest
from a2e_dubbing import A2E, A2EError, AsyncA2E, _retry
from a2e_dubbing_mock import ManualClock, create_app
from a2e_dubbing_mock.pytest_plugin import MockServer
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from contract_tests import _api as api

START = api.op("dubbing.start")
ID = api.record().id.wire
SOURCES = ("https://example.com/a.mp3", "https://example.com/b.mp3")
NAMES = ("ep1", "ep2", "ep3")
# Per attempt of a start: whether A2E created the task, and what the client then got.
CREATING = ("ok", "503-after", "429-after", "dropped-after", "timeout-after")
NOT_CREATING = ("refused", "503-before", "429-before", "timeout-before")
# The call a request belongs to (set around each start; None for the test's own requests).
CALL: contextvars.ContextVar[int | None] = contextvars.ContextVar("call", default=None)
_tokens = itertools.count()


@dataclass(frozen=True)
class Activity:
    """What happens at A2E between a lost answer and the client's next request."""

    others: int  # unrelated starts of the same account (same source and language)
    finish_ours: str | None  # "complete" or "fail" the task the lost attempt created


@dataclass(frozen=True)
class Call:
    name: str | None
    source: str
    lang: str
    outcomes: tuple[str, ...]  # one per start attempt; "ok" once they run out
    read_faults: int  # the first reads of this call (look-ups) answered 503
    activity: Activity


@dataclass(frozen=True)
class Step:
    finish_before: str | None  # finish every task first ("complete"/"fail"): restarts
    calls: tuple[Call, ...]  # made at the same time


@dataclass
class Ledger:
    """What each call's requests did at A2E, as the fault layer saw it."""

    plans: dict[int, Call] = field(default_factory=dict)
    attempts: dict[int, int] = field(default_factory=dict)
    reads: dict[int, int] = field(default_factory=dict)
    created: dict[int, list[str]] = field(default_factory=dict)
    other_names: itertools.count[int] = field(default_factory=itertools.count)

    def outcome(self, call: int) -> str:
        number = self.attempts.get(call, 0)
        self.attempts[call] = number + 1
        outcomes = self.plans[call].outcomes
        return outcomes[number] if number < len(outcomes) else "ok"

    def read_fails(self, call: int) -> bool:
        number = self.reads.get(call, 0)
        self.reads[call] = number + 1
        return number < self.plans[call].read_faults


def _refusal(outcome: str, request: httpx.Request) -> httpx.Response:
    """The answer of an outcome whose attempt created nothing, or that lost its answer."""
    kind = outcome.partition("-")[0]
    if kind == "refused":
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
    if kind == "timeout":
        raise httpx.ReadTimeout("timed out", request=request)
    if kind == "dropped":
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
    status = int(kind)
    body = {"code": status, "msg": "injected", "trace_id": "0b7f3a52-3c1e-4d5e-9f59-2a6c1d9e8b10"}
    return httpx.Response(status, json=body, headers={"Retry-After": "0"}, request=request)


def _is_start(request: httpx.Request) -> bool:
    return START.matches(request.method, request.url.path)


def _other_body(call: Call, number: int) -> dict[str, Any]:
    return {"source_url": call.source, "target_lang": call.lang, "name": f"other-{number}"}


# --- AsyncA2E against the mock in-process, on a manual clock ----------------------------


@dataclass(frozen=True)
class ServerTime:
    """How A2E's clock behaves: `skew` seconds off ours; running `drift` seconds fast per
    request (a bounded drift: clocks run at the same rate, give or take); standing `still`
    (every task created in the same millisecond); its `Date` header `lag` seconds late (as
    uvicorn caches it), or missing (`dated` False)."""

    skew: float
    drift: float
    still: bool
    lag: float
    dated: bool


TIMES = st.builds(
    ServerTime,
    skew=st.sampled_from((0.0, -90.0, 45.0)),
    drift=st.sampled_from((0.0, 0.001, 0.013)),
    still=st.sampled_from((False, False, True)),
    lag=st.sampled_from((0.0, 0.5, 1.0)),
    dated=st.sampled_from((True, True, True, False)),
)


class InProcessA2E(httpx.AsyncBaseTransport):
    """The mock app behind the fault layer, on a manual clock that keeps `ServerTime`."""

    def __init__(self, ledger: Ledger, token: str, time_model: ServerTime) -> None:
        self.time = time_model
        self.clock = ManualClock(start=time.time() + time_model.skew)
        self.drifted = 0.0
        self.app = create_app(clock=self.clock, processing_seconds=1.0)
        self.inner = httpx.ASGITransport(self.app)
        self.ledger = ledger
        self.direct = httpx.AsyncClient(
            transport=self.inner,
            base_url="http://mock",
            headers={"Authorization": f"Bearer {token}"},
        )

    async def aclose(self) -> None:
        await self.direct.aclose()
        self.app.close()

    def tick(self) -> None:
        """A2E's time when a request arrives."""
        if self.time.still:
            return
        self.drifted += self.time.drift
        self.clock.set(max(self.clock.now(), time.time() + self.time.skew + self.drifted))

    async def forward(self, request: httpx.Request) -> httpx.Response:
        self.tick()
        response = await self.inner.handle_async_request(request)
        content = await response.aread()
        headers = dict(response.headers)
        if self.time.dated:
            date = math.floor(self.clock.now() - self.time.lag)
            headers["date"] = formatdate(date, usegmt=True)
        return httpx.Response(response.status_code, headers=headers, content=content)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        call = CALL.get()
        if call is None:
            return await self.forward(request)
        if not _is_start(request):
            if self.ledger.read_fails(call):
                return _refusal("503", request)
            return await self.forward(request)
        outcome = self.ledger.outcome(call)
        if outcome in NOT_CREATING:
            return _refusal(outcome, request)
        response = await self.forward(request)
        task_id = json.loads(response.content)["data"][ID]
        self.ledger.created.setdefault(call, []).append(task_id)
        if outcome == "ok":
            return response
        await self.interfere(self.ledger.plans[call], task_id)
        return _refusal(outcome, request)

    async def interfere(self, call: Call, lost: str) -> None:
        for _ in range(call.activity.others):
            self.tick()
            body = _other_body(call, next(self.ledger.other_names))
            (await self.direct.request(**START.call(**body))).raise_for_status()
        if call.activity.finish_ours:
            await self.direct.post(f"/__mock/tasks/{lost}/{call.activity.finish_ours}")

    async def finish_all(self, how: str) -> None:
        for task_id in await self.task_ids():
            await self.direct.post(f"/__mock/tasks/{task_id}/{how}")

    async def task_ids(self) -> list[str]:
        ids: list[str] = []
        page = 1
        while rows := (
            await self.direct.request(**api.call("dubbing.list", page_num=page, page_size=100))
        ).json()["data"]["rows"]:
            ids += [row[ID] for row in rows]
            page += 1
        return ids


# --- the plans hypothesis draws -----------------------------------------------------------


@st.composite
def calls(draw: st.DrawFn, name: str | None) -> Call:
    outcomes = draw(st.lists(st.sampled_from(CREATING + NOT_CREATING), max_size=4))
    return Call(
        name=name,
        source=draw(st.sampled_from(SOURCES)),
        lang=draw(st.sampled_from(("en", "fr"))),
        outcomes=tuple(outcomes),
        read_faults=draw(st.sampled_from((0, 0, 0, 1, 2))),
        activity=Activity(
            others=draw(st.sampled_from((0, 0, 1, 3, 60, 130))),
            finish_ours=draw(st.sampled_from((None, "complete", "fail"))),
        ),
    )


@st.composite
def steps(draw: st.DrawFn) -> Step:
    names = draw(st.permutations(NAMES))
    size = draw(st.integers(1, 3))
    chosen = [draw(st.sampled_from((names[i], None))) for i in range(size)]  # distinct names
    return Step(
        finish_before=draw(st.sampled_from((None, "complete", "fail"))),
        calls=tuple(draw(calls(name)) for name in chosen),
    )


SCENARIOS = st.lists(steps(), min_size=1, max_size=3)


def _check(ledger: Ledger, call: int, outcome: Any) -> None:
    created = ledger.created.get(call, [])
    plan = ledger.plans[call]
    lost = any(o in CREATING[1:] for o in plan.outcomes[: ledger.attempts.get(call, 0)])
    event("a lost answer" if lost else "no lost answer")
    if lost and plan.activity.others > 100:
        event("a lost answer behind more than a page of newer tasks")
    event("returned" if not isinstance(outcome, BaseException) else type(outcome).__name__)
    assert len(created) <= 1, f"one start created {len(created)} tasks: {created}"
    if isinstance(outcome, BaseException):
        assert isinstance(outcome, A2EError), repr(outcome)
        return
    assert created == [outcome.task_id], f"returned {outcome.task_id}, created {created}"


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    async def async_sleep(seconds: float) -> None:
        del seconds

    monkeypatch.setattr(_retry, "_sleep", lambda seconds: None)
    monkeypatch.setattr(_retry, "_async_sleep", async_sleep)


async def _run_async(scenario: list[Step], max_retries: int, a2e: InProcessA2E, token: str) -> None:
    ledger = a2e.ledger
    numbers = itertools.count()
    http = httpx.AsyncClient(transport=a2e)
    client = AsyncA2E(
        api_key=token,
        base_url="http://mock",
        max_retries=max_retries,
        http_client=http,
    )

    async def start(number: int, call: Call) -> Any:
        CALL.set(number)
        try:
            return await client.dubbing.start(
                source_url=call.source, target_lang=call.lang, name=call.name
            )
        except Exception as error:  # checked below: only A2EError may come out
            return error

    try:
        for step in scenario:
            if step.finish_before:
                await a2e.finish_all(step.finish_before)
            numbered = [(next(numbers), call) for call in step.calls]
            ledger.plans.update(numbered)
            outcomes = await asyncio.gather(*(start(n, c) for n, c in numbered))
            for (number, _), outcome in zip(numbered, outcomes, strict=True):
                _check(ledger, number, outcome)
    finally:
        await http.aclose()
        await a2e.aclose()


# The two bugs this test was written for, as explicit examples. A lost answer whose task
# finished at once behind more than a page of newer tasks (the old look-up read the
# processing list and one page, missed it, and started a second task):
BEHIND_A_PAGE = [
    Step(
        finish_before=None,
        calls=(
            Call(
                name=None,
                source=SOURCES[0],
                lang="en",
                outcomes=("dropped-after",),
                read_faults=0,
                activity=Activity(others=130, finish_ours="complete"),
            ),
        ),
    )
]
# A failed task restarted with the same name, source and language, the new start refused
# before it created anything (the old look-up took the failed task for the new one):
RESTART = [
    Step(None, (Call("ep1", SOURCES[0], "en", (), 0, Activity(0, None)),)),
    Step("fail", (Call("ep1", SOURCES[0], "en", ("503-before",), 0, Activity(0, None)),)),
]
STEADY = ServerTime(skew=0.0, drift=0.001, still=False, lag=0.5, dated=True)


@settings(
    max_examples=100,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    scenario=SCENARIOS,
    max_retries=st.integers(0, 3),
    time_model=TIMES,
)
@example(scenario=BEHIND_A_PAGE, max_retries=2, time_model=STEADY)
@example(scenario=RESTART, max_retries=2, time_model=STEADY)
def test_async_starts_never_pay_twice_nor_return_anothers_task(
    no_backoff: None, scenario: list[Step], max_retries: int, time_model: ServerTime
) -> None:
    token = f"sk_test_lookup_{next(_tokens):08d}"
    a2e = InProcessA2E(Ledger(), token, time_model)
    asyncio.run(_run_async(scenario, max_retries, a2e, token))


# --- A2E against a live mock over a socket ------------------------------------------------


class SocketA2E(httpx.BaseTransport):
    """A live mock (its own Date header, the real clock) behind the fault layer."""

    def __init__(self, ledger: Ledger, server: MockServer, token: str) -> None:
        self.inner = httpx.HTTPTransport()
        self.ledger = ledger
        self.direct = httpx.Client(
            base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=10.0
        )

    def close(self) -> None:
        self.direct.close()
        self.inner.close()

    def forward(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        content = response.read()
        response.close()
        return httpx.Response(response.status_code, headers=response.headers, content=content)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        call = CALL.get()
        if call is None:
            return self.forward(request)
        if not _is_start(request):
            if self.ledger.read_fails(call):
                return _refusal("503", request)
            return self.forward(request)
        outcome = self.ledger.outcome(call)
        if outcome in NOT_CREATING:
            return _refusal(outcome, request)
        response = self.forward(request)
        task_id = json.loads(response.content)["data"][ID]
        self.ledger.created.setdefault(call, []).append(task_id)
        if outcome == "ok":
            return response
        plan = self.ledger.plans[call]
        for _ in range(plan.activity.others):
            body = _other_body(plan, next(self.ledger.other_names))
            self.direct.request(**START.call(**body)).raise_for_status()
        if plan.activity.finish_ours:
            self.direct.post(f"/__mock/tasks/{task_id}/{plan.activity.finish_ours}")
        return _refusal(outcome, request)

    def finish_all(self, how: str) -> None:
        for page in itertools.count(1):
            rows = self.direct.request(
                **api.call("dubbing.list", page_num=page, page_size=100)
            ).json()
            if not rows["data"]["rows"]:
                return
            for row in rows["data"]["rows"]:
                self.direct.post(f"/__mock/tasks/{row[ID]}/{how}")


@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(scenario=SCENARIOS, max_retries=st.integers(0, 3))
@example(scenario=BEHIND_A_PAGE, max_retries=2)
@example(scenario=RESTART, max_retries=2)
def test_sync_starts_never_pay_twice_nor_return_anothers_task(
    no_backoff: None, a2e_mock_server: MockServer, scenario: list[Step], max_retries: int
) -> None:
    token = f"sk_test_lookup_sync_{next(_tokens):08d}"  # a tenant of its own per example
    ledger = Ledger()
    a2e = SocketA2E(ledger, a2e_mock_server, token)
    numbers = itertools.count()
    http = httpx.Client(transport=a2e)
    client = A2E(
        api_key=token, base_url=a2e_mock_server.url, max_retries=max_retries, http_client=http
    )
    try:
        for step in scenario:
            if step.finish_before:
                a2e.finish_all(step.finish_before)
            for call in step.calls:  # one after another: A2E is the sync client
                number = next(numbers)
                ledger.plans[number] = call
                context = contextvars.copy_context()
                context.run(CALL.set, number)
                try:
                    outcome: Any = context.run(
                        client.dubbing.start,
                        source_url=call.source,
                        target_lang=call.lang,
                        name=call.name,
                    )
                except Exception as error:  # checked: only A2EError may come out
                    outcome = error
                _check(ledger, number, outcome)
    finally:
        http.close()
        a2e.close()
