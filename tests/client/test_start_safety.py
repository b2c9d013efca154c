"""Start dubbing spends credits: one call never starts two tasks.

It is sent again without a look-up only when the request provably never reached A2E (no
connection). After any other retryable failure (429, 408, 5xx, a timeout, a dropped
connection) the client first looks for the task the call may have created (same name,
source and target, just created), returns it when found, and sends again only when not.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import respx
from a2e_dubbing import (
    A2E,
    APIConnectionError,
    AsyncA2E,
    BadRequestError,
    InternalServerError,
)

from contract_tests import _api as api

from ._records import BASE_URL, KEY, RECORD, error, ok, task

# The body fields a record repeats, by which a lost start's task is found (x-a2e-recover).
MATCH = api.op("dubbing.start").definition["x-a2e-recover"]["match"]
ID = RECORD.id.wire
SOURCE = "https://example.com/interview.mp3"
RETRY_AFTER = {"Retry-After": "1"}


pytestmark = pytest.mark.usefixtures("no_retry_sleep")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _created(request: httpx.Request, **changes: Any) -> dict[str, Any]:
    """The record A2E would make for this start request."""
    sent = json.loads(request.content)
    return task(
        id="77aa4dd87db10c73fa29b571",
        **{field: sent[field] for field in MATCH},
        created=_now(),
        updated=_now(),
        **changes,
    )


class FakeA2E:
    """A2E whose answers to start can be lost: it keeps the tasks it created."""

    def __init__(self, router: respx.Router, *start_outcomes: str) -> None:
        self.created: list[dict[str, Any]] = []
        self.outcomes = list(start_outcomes)
        self.start = api.route(router, "dubbing.start").mock(side_effect=self._start)
        self.processing = api.route(router, "dubbing.list_processing").mock(
            side_effect=lambda _: httpx.Response(200, json=ok(self.unfinished))
        )
        self.records = api.route(router, "dubbing.list").mock(
            side_effect=lambda _: httpx.Response(
                200, json=ok({"rows": self.listed[::-1], "count": len(self.listed)})
            )
        )
        self.finish_instantly = False
        self.hidden_lookups = 0

    @property
    def unfinished(self) -> list[dict[str, Any]]:
        if self.hidden_lookups > 0:  # A2E may list a new task only a moment later
            self.hidden_lookups -= 1
            return []
        return [] if self.finish_instantly else self.created

    @property
    def listed(self) -> list[dict[str, Any]]:
        if self.hidden_lookups > 0:
            self.hidden_lookups -= 1
            return []
        return self.created

    def _start(self, request: httpx.Request) -> httpx.Response:
        outcome = self.outcomes.pop(0) if self.outcomes else "ok"
        if outcome == "refused":
            raise httpx.ConnectError("[Errno 111] Connection refused")
        status, _, when = outcome.partition("-")
        if when == "before":  # refused before anything was created
            return httpx.Response(int(status), headers=RETRY_AFTER, json=error(int(status), "no"))
        record = _created(request)
        self.created.append(record)
        if outcome == "ok":
            return httpx.Response(200, json=ok(record))
        if when == "after":  # created, but the answer says otherwise (a gateway, a proxy)
            return httpx.Response(int(status), headers=RETRY_AFTER, json=error(int(status), "lost"))
        if outcome == "dropped":
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
        if outcome == "timeout":
            raise httpx.ReadTimeout("timed out")
        raise AssertionError(outcome)


def _start(client: A2E, **kwargs: Any) -> Any:
    return client.dubbing.start(source_url=SOURCE, target_lang="en", **kwargs)


@pytest.mark.parametrize("lost", ["503-after", "dropped", "timeout"])
def test_a_lost_answer_returns_the_task_it_created_without_sending_again(lost: str) -> None:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        a2e = FakeA2E(router, lost)
        got = _start(A2E(api_key=KEY), name="my interview")
    assert a2e.start.call_count == 1
    assert len(a2e.created) == 1
    assert got.task_id == a2e.created[0][ID]
    assert got.name == "my interview"


def test_a_task_that_finished_at_once_is_found_in_the_records() -> None:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        a2e = FakeA2E(router, "dropped")
        a2e.finish_instantly = True
        got = _start(A2E(api_key=KEY))
    assert a2e.start.call_count == 1
    assert a2e.records.called
    assert got.task_id == a2e.created[0][ID]


def test_without_a_name_a_unique_one_is_sent_and_used_to_find_the_task() -> None:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        a2e = FakeA2E(router, "dropped", "ok")
        first = _start(A2E(api_key=KEY))
        second = _start(A2E(api_key=KEY))
    names = [json.loads(c.request.content)["name"] for c in a2e.start.calls]
    assert len(set(names)) == 2
    assert all(n.startswith("a2e-dubbing-") for n in names)
    assert (first.name, second.name) == tuple(names)


def test_another_task_with_other_fields_is_not_taken_for_ours() -> None:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        a2e = FakeA2E(router, "503-before", "ok")
        a2e.created.append(task(name="my interview", source_url=SOURCE, target_lang="fr"))
        got = _start(A2E(api_key=KEY), name="my interview")
    assert a2e.start.call_count == 2
    assert got.target_lang == "en"


def test_an_old_task_with_the_same_fields_is_not_taken_for_ours() -> None:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        a2e = FakeA2E(router, "503-before", "ok")
        old = task(name="my interview", source_url=SOURCE, target_lang="en")  # created in 2024
        a2e.created.append(old)
        got = _start(A2E(api_key=KEY), name="my interview")
    assert a2e.start.call_count == 2
    assert got.task_id != old[ID]


def test_a_request_that_never_reached_a2e_is_sent_again_without_looking() -> None:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        a2e = FakeA2E(router, "refused", "ok")
        _start(A2E(api_key=KEY))
    assert a2e.start.call_count == 2
    assert not a2e.processing.called
    assert len(a2e.created) == 1


@pytest.mark.parametrize("refusal", ["429-before", "408-before", "502-before"])
def test_a_refusal_that_created_nothing_is_sent_again_after_looking(refusal: str) -> None:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        a2e = FakeA2E(router, refusal, "ok")
        got = _start(A2E(api_key=KEY))
    assert a2e.start.call_count == 2
    assert a2e.processing.call_count == 1
    assert a2e.records.call_count == 1
    assert len(a2e.created) == 1
    assert got.task_id == a2e.created[0][ID]


@pytest.mark.parametrize("lost", ["429-after", "408-after"])
def test_a_task_created_before_a_429_or_408_is_found_not_started_again(lost: str) -> None:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        a2e = FakeA2E(router, lost)
        got = _start(A2E(api_key=KEY), name="my interview")
    assert a2e.start.call_count == 1
    assert len(a2e.created) == 1
    assert got.task_id == a2e.created[0][ID]


def test_a_failure_that_created_nothing_is_sent_again_after_looking() -> None:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        a2e = FakeA2E(router, "503-before", "ok")
        got = _start(A2E(api_key=KEY))
    assert a2e.start.call_count == 2
    assert a2e.processing.call_count == 1
    assert len(a2e.created) == 1
    assert got.task_id == a2e.created[0][ID]


def test_when_every_attempt_fails_the_error_is_raised_and_nothing_was_created() -> None:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        a2e = FakeA2E(router, *["503-before"] * 3)
        with pytest.raises(InternalServerError):
            _start(A2E(api_key=KEY, max_retries=2))
    assert a2e.start.call_count == 3
    assert a2e.created == []


def test_a_lost_answer_on_the_last_attempt_is_still_found() -> None:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        a2e = FakeA2E(router, "503-before", "dropped")
        got = _start(A2E(api_key=KEY, max_retries=1))
    assert a2e.start.call_count == 2
    assert got.task_id == a2e.created[0][ID]


def test_with_no_retries_a_lost_answer_is_still_found_not_resent() -> None:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        a2e = FakeA2E(router, "dropped")
        got = _start(A2E(api_key=KEY, max_retries=0))
    assert a2e.start.call_count == 1
    assert got.task_id == a2e.created[0][ID]


def test_with_no_retries_a_refused_connection_is_raised() -> None:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        a2e = FakeA2E(router, "refused")
        with pytest.raises(APIConnectionError):
            _start(A2E(api_key=KEY, max_retries=0))
    assert a2e.start.call_count == 1


def test_a_bad_request_is_never_sent_again() -> None:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        route = api.route(router, "dubbing.start").respond(
            422, json=error(422, "target_lang: unknown")
        )
        with pytest.raises(BadRequestError, match="target_lang"):
            _start(A2E(api_key=KEY))
    assert route.call_count == 1


@pytest.mark.anyio
@pytest.mark.parametrize("lost", ["503-after", "dropped", "timeout"])
async def test_async_start_keeps_the_same_rule(lost: str) -> None:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        a2e = FakeA2E(router, lost)
        async with AsyncA2E(api_key=KEY) as client:
            got = await client.dubbing.start(source_url=SOURCE, target_lang="en")
    assert a2e.start.call_count == 1
    assert got.task_id == a2e.created[0][ID]


@pytest.mark.anyio
async def test_async_start_looks_for_the_task_after_a_429() -> None:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        a2e = FakeA2E(router, "429-after")
        async with AsyncA2E(api_key=KEY) as client:
            got = await client.dubbing.start(source_url=SOURCE, target_lang="en")
    assert a2e.start.call_count == 1
    assert a2e.processing.call_count == 1
    assert got.task_id == a2e.created[0][ID]


@pytest.mark.anyio
async def test_async_start_resends_what_never_arrived() -> None:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        a2e = FakeA2E(router, "refused", "503-before", "ok")
        async with AsyncA2E(api_key=KEY) as client:
            await client.dubbing.start(source_url=SOURCE, target_lang="en")
    assert a2e.start.call_count == 3
    assert len(a2e.created) == 1


def test_a_lost_answer_is_still_looked_for_after_a_429_in_between() -> None:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        a2e = FakeA2E(router, "dropped", "429-before", "ok")
        a2e.hidden_lookups = 2  # the first look (processing, records) misses the new task
        got = _start(A2E(api_key=KEY, max_retries=3))
    assert a2e.start.call_count == 2  # dropped, then refused with 429; then it was found
    assert len(a2e.created) == 1
    assert got.task_id == a2e.created[0][ID]


ODD_CREATED = [
    "0001-01-01T00:00:00",  # naive, year 1: datetime.timestamp() raised ValueError
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "2024-09-18T03:49:44",  # naive: read as UTC
]


@pytest.mark.parametrize("created", ODD_CREATED)
def test_a_record_with_an_odd_created_at_never_raises_nor_matches(created: str) -> None:
    """A record of the look-up whose `createdAt` is far off never matches (it was not
    created by this call) and never raises: the start goes on with the rule."""
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        a2e = FakeA2E(router, "503-before", "ok")
        odd = task(name="my interview", source_url=SOURCE, target_lang="en", created=created)
        a2e.created.append(odd)
        got = _start(A2E(api_key=KEY), name="my interview")
    assert a2e.start.call_count == 2
    assert got.task_id != odd[ID]


@pytest.mark.anyio
@pytest.mark.parametrize("created", ODD_CREATED)
async def test_async_a_record_with_an_odd_created_at_never_raises_nor_matches(
    created: str,
) -> None:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        a2e = FakeA2E(router, "dropped", "ok")
        odd = task(id="88aa4dd87db10c73fa29b572", name="other", created=created)
        a2e.created.append(odd)
        async with AsyncA2E(api_key=KEY) as client:
            got = await client.dubbing.start(source_url=SOURCE, target_lang="en")
    assert a2e.start.call_count == 1  # the dropped start's task was found
    assert got.task_id == a2e.created[1][ID]


def test_the_look_up_walks_every_page_back_to_the_call() -> None:
    """The task of a lost start, finished at once, behind more than a page of newer tasks:
    found on a later page, not started again."""
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        a2e = FakeA2E(router, "dropped")
        a2e.finish_instantly = True
        original = a2e._start

        def start_then_bury(request: httpx.Request) -> httpx.Response:
            try:
                return original(request)
            finally:  # 250 newer tasks of other calls arrive before the client looks
                for i in range(250):
                    a2e.created.append(task(id=f"{i:024x}", name=f"other {i}", created=_now()))

        a2e.start.side_effect = start_then_bury

        def paged(request: httpx.Request) -> httpx.Response:
            asked = api.op("dubbing.list").values(request)
            num, size = int(asked["page_num"]), int(asked["page_size"])
            rows = a2e.created[::-1][(num - 1) * size : num * size]
            return httpx.Response(200, json=ok({"rows": rows, "count": len(a2e.created)}))

        a2e.records.side_effect = paged
        got = _start(A2E(api_key=KEY))
    assert a2e.start.call_count == 1
    assert got.task_id == "77aa4dd87db10c73fa29b571"
    assert a2e.records.call_count == 3  # pages of 100: the lost task is on the third
