"""wait, iter, pagination, the other resources, and records A2E may change under us."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx
import pytest
import respx
from a2e_dubbing import (
    A2E,
    APITimeoutError,
    AsyncA2E,
    DubbingStatus,
    DubbingTask,
    InternalServerError,
    NotFoundError,
    TaskFailedError,
    WaitTimeoutError,
    _retry,
)
from a2e_dubbing._task_resource import PageCursor, Polling

from contract_tests import _api as api
from contract_tests._api import Field

from ._records import BASE_URL, KEY, RECORD, error, ok, task

TASK_ID = "66ea4dd87db10c73fa29b570"
DONE_URL = "https://cdn.example.com/result.wav"


def _answers(*statuses: str, **last: str) -> list[httpx.Response]:
    answers = [httpx.Response(200, json=ok(task(status=s))) for s in statuses[:-1]]
    answers.append(httpx.Response(200, json=ok(task(status=statuses[-1], **last))))
    return answers


def test_wait_returns_the_completed_task_and_reports_each_change() -> None:
    seen: list[str] = []
    with respx.mock(base_url=BASE_URL) as router:
        route = api.route(router, "dubbing.get").mock(
            side_effect=_answers(
                "sent", "sent", "processing", "processing", "completed", result=DONE_URL
            )
        )
        done = A2E(api_key=KEY).dubbing.wait(
            TASK_ID, poll_interval=0.001, on_update=lambda t: seen.append(str(t.current_status))
        )
    assert done.current_status == DubbingStatus.COMPLETED
    assert done.result_url == DONE_URL
    assert seen == ["sent", "processing", "completed"]
    assert route.call_count == 5


def test_wait_raises_task_failed_with_the_task_and_a2es_reason() -> None:
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").mock(
            side_effect=_answers("processing", "failed", failure="no speech found")
        )
        with pytest.raises(TaskFailedError, match="no speech found") as caught:
            A2E(api_key=KEY).dubbing.wait(TASK_ID, poll_interval=0.001)
    assert caught.value.task.task_id == TASK_ID
    assert caught.value.task.current_status == "failed"


@pytest.mark.parametrize("field", RECORD.failure_messages, ids=lambda f: f.wire)
def test_wait_reads_each_failure_message_field(field: Field) -> None:
    said = {f.wire: "" for f in RECORD.failure_messages} | {field.wire: "source too long"}
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").mock(side_effect=_answers("failed", **said))
        with pytest.raises(TaskFailedError, match="source too long"):
            A2E(api_key=KEY).dubbing.wait(TASK_ID, poll_interval=0.001)


def test_wait_stops_at_its_timeout_and_says_the_task_goes_on() -> None:
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").respond(json=ok(task(status="processing")))
        with pytest.raises(WaitTimeoutError, match="still processing") as caught:
            A2E(api_key=KEY).dubbing.wait(TASK_ID, timeout=0.05, poll_interval=0.01)
    assert isinstance(caught.value, TimeoutError)
    assert caught.value.task.current_status == "processing"


def test_wait_keeps_polling_through_an_unknown_status_word() -> None:
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").mock(side_effect=_answers("zz-not-a-status", "completed"))
        done = A2E(api_key=KEY).dubbing.wait(TASK_ID, poll_interval=0.001)
    assert done.current_status == "completed"


def test_polling_intervals_grow_to_a_cap_and_end_at_the_deadline() -> None:
    now = [0.0]
    polling = Polling(timeout=60.0, interval=2.0, max_interval=5.0, clock=lambda: now[0])
    record = DubbingTask.from_dict(task(status="processing"))
    delays = []
    while True:
        try:
            delay = polling.next_delay(record)
        except WaitTimeoutError:
            break
        delays.append(delay)
        now[0] += delay
    assert delays[:4] == [2.0, 3.0, 4.5, 5.0]
    assert max(delays) == 5.0
    assert sum(delays) == pytest.approx(60.0)


class SlowA2E:
    """A2E that answers no poll in time: each request times out after its own read timeout."""

    def __init__(self) -> None:
        self.timeouts: list[dict[str, float | None]] = []

    def _read_timeout(self, request: httpx.Request) -> float:
        self.timeouts.append(dict(request.extensions["timeout"]))
        read = request.extensions["timeout"]["read"]
        return min(read, 0.5) if read is not None else 0.5  # never more: the test must end

    def answer(self, request: httpx.Request) -> httpx.Response:
        time.sleep(self._read_timeout(request))
        raise httpx.ReadTimeout("timed out", request=request)

    async def answer_async(self, request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(self._read_timeout(request))
        raise httpx.ReadTimeout("timed out", request=request)

    def check(self, caught: pytest.ExceptionInfo[WaitTimeoutError], timeout: float) -> None:
        assert isinstance(caught.value.__cause__, APITimeoutError)
        assert caught.value.task is None  # no poll answered
        assert TASK_ID in str(caught.value)
        assert len(self.timeouts) == 1  # the deadline left no time for a retry
        parts = self.timeouts[0]
        assert all(v is not None and 0 < v <= timeout for v in parts.values()), parts


def test_wait_cuts_each_polls_timeout_to_the_time_left() -> None:
    slow = SlowA2E()
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").mock(side_effect=slow.answer)
        with pytest.raises(WaitTimeoutError) as caught:
            A2E(api_key=KEY).dubbing.wait(TASK_ID, timeout=0.2)
    slow.check(caught, 0.2)


@pytest.mark.anyio
async def test_async_wait_cuts_each_polls_timeout_to_the_time_left() -> None:
    slow = SlowA2E()
    # The deadline cancels the request inside the mock transport: respx does not count it.
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        api.route(router, "dubbing.get").mock(side_effect=slow.answer_async)
        async with AsyncA2E(api_key=KEY) as client:
            with pytest.raises(WaitTimeoutError) as caught:
                await client.dubbing.wait(TASK_ID, timeout=0.2)
    slow.check(caught, 0.2)


@pytest.fixture
def retry_waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits between attempts, recorded instead of slept."""
    recorded: list[float] = []

    async def async_sleep(seconds: float) -> None:
        recorded.append(seconds)

    monkeypatch.setattr(_retry, "_sleep", recorded.append)
    monkeypatch.setattr(_retry, "_async_sleep", async_sleep)
    return recorded


def test_wait_starts_no_retry_that_would_end_after_its_timeout(retry_waits: list[float]) -> None:
    busy = httpx.Response(503, headers={"Retry-After": "30"}, json=error(503, "busy"))
    with respx.mock(base_url=BASE_URL) as router:
        route = api.route(router, "dubbing.get").mock(side_effect=[busy, busy])
        with pytest.raises(WaitTimeoutError) as caught:
            A2E(api_key=KEY).dubbing.wait(TASK_ID, timeout=5.0)
    assert isinstance(caught.value.__cause__, InternalServerError)
    assert route.call_count == 1
    assert retry_waits == []


def test_wait_still_retries_when_the_retry_fits(retry_waits: list[float]) -> None:
    busy = httpx.Response(503, headers={"Retry-After": "0"}, json=error(503, "busy"))
    done = httpx.Response(200, json=ok(task(status="completed")))
    with respx.mock(base_url=BASE_URL) as router:
        route = api.route(router, "dubbing.get").mock(side_effect=[busy, done])
        got = A2E(api_key=KEY).dubbing.wait(TASK_ID, timeout=60.0)
    assert got.current_status == "completed"
    assert route.call_count == 2
    assert retry_waits == [0.0]
    read = route.calls.last.request.extensions["timeout"]["read"]
    assert read <= 60.0


def test_a_poll_error_before_the_deadline_is_not_a_wait_timeout() -> None:
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").respond(
            404, json=error(404, "no dubbing task with this _id")
        )
        with pytest.raises(NotFoundError):
            A2E(api_key=KEY).dubbing.wait(TASK_ID, timeout=60.0)


def test_requests_outside_wait_keep_the_configured_timeout() -> None:
    client = A2E(api_key=KEY)
    with respx.mock(base_url=BASE_URL) as router:
        route = api.route(router, "dubbing.get").respond(json=ok(task(status="completed")))
        client.dubbing.wait(TASK_ID, timeout=5.0)
        client.dubbing.get(TASK_ID)
    first, second = (call.request.extensions["timeout"] for call in route.calls)
    assert 0 < first["read"] <= 5.0
    assert second["read"] == 60.0


@pytest.mark.anyio
async def test_async_wait_raises_task_failed() -> None:
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").mock(
            side_effect=_answers("processing", "failed", failure="no speech found")
        )
        async with AsyncA2E(api_key=KEY) as client:
            with pytest.raises(TaskFailedError, match="no speech found") as caught:
                await client.dubbing.wait(TASK_ID, poll_interval=0.001)
    assert caught.value.task.task_id == TASK_ID
    assert caught.value.task.current_status == "failed"


@pytest.mark.anyio
async def test_async_wait_awaits_an_async_on_update() -> None:
    seen: list[str] = []

    async def on_update(record: Any) -> None:
        await asyncio.sleep(0)
        seen.append(str(record.current_status))

    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").mock(
            side_effect=_answers("sent", "processing", "completed")
        )
        async with AsyncA2E(api_key=KEY) as client:
            await client.dubbing.wait(TASK_ID, poll_interval=0.001, on_update=on_update)
    assert seen == ["sent", "processing", "completed"]


@pytest.mark.anyio
async def test_async_wait_completes() -> None:
    seen: list[str] = []
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").mock(
            side_effect=_answers("sent", "processing", "completed")
        )
        async with AsyncA2E(api_key=KEY) as client:
            done = await client.dubbing.wait(
                TASK_ID, poll_interval=0.001, on_update=lambda t: seen.append(t.current_status)
            )
    assert done.current_status == "completed"
    assert seen == ["sent", "processing", "completed"]


def _paged(total: int) -> list[dict[str, object]]:
    return [task(id=f"{i:024x}", name=f"task {i}") for i in range(total)]


def _page_route(router: respx.Router, rows: list[dict[str, object]]) -> respx.Route:
    def answer(request: httpx.Request) -> httpx.Response:
        asked = api.op("dubbing.list").values(request)
        num, size = int(asked["page_num"]), int(asked["page_size"])
        page = rows[(num - 1) * size : num * size]
        return httpx.Response(200, json=ok({"rows": page, "count": len(rows)}))

    return api.route(router, "dubbing.list").mock(side_effect=answer)


def test_list_returns_one_page_with_rows_and_count() -> None:
    with respx.mock(base_url=BASE_URL) as router:
        route = _page_route(router, _paged(7))
        page = A2E(api_key=KEY).dubbing.list(page_num=2, page_size=3)
    assert [t.name for t in page.rows] == ["task 3", "task 4", "task 5"]
    assert page.count == 7
    assert api.op("dubbing.list").values(route.calls.last.request) == {
        "page_num": "2",
        "page_size": "3",
    }


@pytest.mark.parametrize(("total", "requests"), [(5, 3), (4, 2), (0, 1), (1, 1)])
def test_iter_walks_every_page(total: int, requests: int) -> None:
    with respx.mock(base_url=BASE_URL) as router:
        route = _page_route(router, _paged(total))
        names = [t.name for t in A2E(api_key=KEY).dubbing.iter(page_size=2)]
    assert names == [f"task {i}" for i in range(total)]
    assert route.call_count == requests


def test_iter_stops_when_a2e_keeps_answering_the_same_page() -> None:
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.list").respond(json=ok({"rows": _paged(2), "count": 5}))
        rows = list(A2E(api_key=KEY).dubbing.iter(page_size=2))
    assert len(rows) == 6  # three full pages reach the count; it never loops forever


def _page(rows: int, count: int) -> Any:
    return type("P", (), {"rows": [1] * rows, "count": count})()


def test_page_cursor_goes_on_after_a_short_page_while_count_says_more() -> None:
    cursor = PageCursor(10)
    assert cursor.next_page() == 1
    cursor.record(_page(10, 100))
    assert cursor.next_page() == 2
    cursor.record(_page(3, 100))
    assert cursor.next_page() == 3
    cursor.record(_page(0, 100))
    assert cursor.next_page() is None


def test_page_cursor_stops_once_count_rows_were_seen() -> None:
    cursor = PageCursor(10)
    cursor.record(_page(4, 7))
    assert cursor.next_page() == 2
    cursor.record(_page(3, 7))
    assert cursor.next_page() is None


def test_iter_reads_past_a_short_page_when_count_says_more() -> None:
    rows = _paged(5)
    pages = [rows[:2], rows[2:3], rows[3:]]  # A2E cut page 2 short
    with respx.mock(base_url=BASE_URL) as router:
        route = api.route(router, "dubbing.list").mock(
            side_effect=[httpx.Response(200, json=ok({"rows": p, "count": 5})) for p in pages]
        )
        names = [t.name for t in A2E(api_key=KEY).dubbing.iter(page_size=2)]
    assert names == [f"task {i}" for i in range(5)]
    assert route.call_count == 3


@pytest.mark.anyio
async def test_async_iter_walks_every_page() -> None:
    with respx.mock(base_url=BASE_URL) as router:
        _page_route(router, _paged(5))
        async with AsyncA2E(api_key=KEY) as client:
            names = [t.name async for t in client.dubbing.iter(page_size=2)]
    assert len(names) == 5


def test_list_processing_languages_credits_and_transfer() -> None:
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.list_processing").respond(json=ok([task(status="processing")]))
        langs = api.route(router, "languages.list").respond(
            json=ok([{"value": "en", "label": "English"}, {"value": "zh", "label": "Chinese"}])
        )
        api.route(router, "account.remaining_coins").respond(json=ok({"coins": 120, "diamonds": 3}))
        transfer = api.route(router, "storage.transfer").respond(
            json=ok({"url": "https://tos.example.com/a.mp3"})
        )
        client = A2E(api_key=KEY)
        processing = client.dubbing.list_processing()
        languages = client.languages.list()
        coins = client.account.remaining_coins()
        stored = client.storage.transfer("https://example.com/a.mp3")
    assert [t.current_status for t in processing] == ["processing"]
    assert [(lang.value, lang.label) for lang in languages] == [
        ("en", "English"),
        ("zh", "Chinese"),
    ]
    assert api.op("languages.list").values(langs.calls.last.request) == {"lang": "en"}
    assert (coins.coins, coins.diamonds) == (120, 3)
    assert stored.url == "https://tos.example.com/a.mp3"
    sent = json.loads(transfer.calls.last.request.content)
    assert sent == api.call("storage.transfer", url="https://example.com/a.mp3").get("json")


def test_an_unknown_status_word_and_extra_fields_keep_their_raw_values() -> None:
    # Words no A2E version will use: the client must not know them.
    record = task(status="zz-not-a-status", zz_not_a_field="v-42", zz_nor_this=13)
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").respond(json=ok(record))
        got = A2E(api_key=KEY).dubbing.get(TASK_ID)
    status = getattr(got, RECORD.status.attr)
    assert status == "zz-not-a-status"
    assert status.value == "zz-not-a-status"
    assert not status.is_known
    assert DubbingStatus("completed").is_known
    assert got.additional_properties == {"zz_not_a_field": "v-42", "zz_nor_this": 13}
    assert got.to_dict()[RECORD.status.wire] == "zz-not-a-status"
    assert got.to_dict()["zz_not_a_field"] == "v-42"


def test_every_failure_field_is_read() -> None:
    fields = (*RECORD.failure_messages, *RECORD.failure_codes)
    said = {f.wire: f"said in {f.wire}" for f in fields}
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").respond(json=ok(task(**said)))
        got = A2E(api_key=KEY).dubbing.get(TASK_ID)
    assert [getattr(got, f.attr) for f in fields] == list(said.values())


def test_delete_sends_the_id_in_the_path() -> None:
    with respx.mock(base_url=BASE_URL) as router:
        route = api.route(router, "dubbing.delete", task_id=TASK_ID).respond(json=ok(None))
        A2E(api_key=KEY).dubbing.delete(TASK_ID)
    assert route.called
