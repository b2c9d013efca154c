"""Reads and deletes retry with backoff on connection errors, 408, 429 and 5xx, honouring Retry-After."""

from __future__ import annotations

import logging
import time
from email.utils import formatdate

import httpx
import pytest
import respx
from a2e_dubbing import (
    A2E,
    A2EError,
    APIConnectionError,
    AsyncA2E,
    BadRequestError,
    InternalServerError,
    NotFoundError,
    _retry,
)

from contract_tests import _api as api

from ._records import BASE_URL, KEY, error, ok, task

TASK_ID = "66ea4dd87db10c73fa29b570"


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits between attempts, recorded instead of slept."""
    recorded: list[float] = []

    async def async_sleep(seconds: float) -> None:
        recorded.append(seconds)

    monkeypatch.setattr(_retry, "_sleep", recorded.append)
    monkeypatch.setattr(_retry, "_async_sleep", async_sleep)
    return recorded


def _failing_then_ok(*failures: httpx.Response | Exception) -> list[httpx.Response | Exception]:
    return [*failures, httpx.Response(200, json=ok(task()))]


@pytest.mark.parametrize(
    "failure",
    [
        httpx.Response(503, json=error(503, "unavailable")),
        httpx.Response(500, content=b"oops"),
        httpx.Response(502, content=b"<html>bad gateway</html>"),
        httpx.Response(408, json=error(408, "request timeout")),
        httpx.Response(429, json=error(429, "slow down")),
        httpx.ConnectError("refused"),
        httpx.ReadTimeout("slow"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
    ],
    ids=["503", "500 text", "502 html", "408", "429", "connect", "read timeout", "dropped"],
)
def test_a_read_is_retried_until_it_succeeds(
    failure: httpx.Response | Exception, waits: list[float]
) -> None:
    with respx.mock(base_url=BASE_URL) as router:
        route = api.route(router, "dubbing.get").mock(
            side_effect=_failing_then_ok(failure, failure)
        )
        got = A2E(api_key=KEY, max_retries=2).dubbing.get(TASK_ID)
    assert got.task_id == TASK_ID
    assert route.call_count == 3
    assert len(waits) == 2
    assert all(0 <= w <= 8.0 for w in waits)


def test_retry_after_is_honoured(waits: list[float]) -> None:
    limited = httpx.Response(429, headers={"Retry-After": "3"}, json=error(429, "slow down"))
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").mock(side_effect=_failing_then_ok(limited))
        A2E(api_key=KEY).dubbing.get(TASK_ID)
    assert waits == [3.0]


def test_retry_after_is_capped(waits: list[float]) -> None:
    limited = httpx.Response(503, headers={"Retry-After": "86400"}, json=error(503, "later"))
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").mock(side_effect=_failing_then_ok(limited))
        A2E(api_key=KEY).dubbing.get(TASK_ID)
    assert waits == [60.0]


def test_retry_after_as_an_http_date_is_honoured_and_capped(waits: list[float]) -> None:
    far = formatdate(time.time() + 86400, usegmt=True)
    past = formatdate(time.time() - 3600, usegmt=True)
    answers = [
        httpx.Response(503, headers={"Retry-After": far}, json=error(503, "later")),
        httpx.Response(429, headers={"Retry-After": past}, json=error(429, "now")),
    ]
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").mock(side_effect=_failing_then_ok(*answers))
        A2E(api_key=KEY).dubbing.get(TASK_ID)
    assert waits == [60.0, 0.0]


def test_backoff_grows_and_is_jittered(waits: list[float]) -> None:
    failure = httpx.Response(503, json=error(503, "unavailable"))
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").mock(side_effect=_failing_then_ok(*[failure] * 5))
        A2E(api_key=KEY, max_retries=5).dubbing.get(TASK_ID)
    assert len(waits) == 5
    # Full jitter: each wait lies in [0, min(8, 0.5 * 2**n)].
    for attempt, wait in enumerate(waits, start=1):
        assert 0 <= wait <= min(8.0, 0.5 * 2**attempt)


def test_retries_stop_after_max_retries(waits: list[float]) -> None:
    with respx.mock(base_url=BASE_URL) as router:
        route = api.route(router, "dubbing.get").respond(503, json=error(503, "down"))
        with pytest.raises(InternalServerError):
            A2E(api_key=KEY, max_retries=3).dubbing.get(TASK_ID)
    assert route.call_count == 4
    assert len(waits) == 3


def test_max_retries_zero_sends_once(waits: list[float]) -> None:
    with respx.mock(base_url=BASE_URL) as router:
        route = api.route(router, "dubbing.get").mock(side_effect=httpx.ConnectError("refused"))
        with pytest.raises(APIConnectionError):
            A2E(api_key=KEY, max_retries=0).dubbing.get(TASK_ID)
    assert route.call_count == 1
    assert waits == []


@pytest.mark.parametrize("status", [400, 401, 404, 422])
def test_client_errors_are_not_retried(status: int, waits: list[float]) -> None:
    with respx.mock(base_url=BASE_URL) as router:
        route = api.route(router, "dubbing.get").respond(status, json=error(status, "no"))
        with pytest.raises(Exception):  # noqa: B017, PT011 - the type is tested elsewhere
            A2E(api_key=KEY).dubbing.get(TASK_ID)
    assert route.call_count == 1
    assert waits == []


def test_an_error_envelope_at_200_is_not_retried(waits: list[float]) -> None:
    with respx.mock(base_url=BASE_URL) as router:
        route = api.route(router, "dubbing.get").respond(200, json={"code": 1001, "msg": "invalid"})
        with pytest.raises(Exception, match="invalid"):
            A2E(api_key=KEY).dubbing.get(TASK_ID)
    assert route.call_count == 1


def test_delete_is_retried(waits: list[float]) -> None:
    with respx.mock(base_url=BASE_URL) as router:
        route = api.route(router, "dubbing.delete", task_id=TASK_ID).mock(
            side_effect=[httpx.Response(503), httpx.Response(200, json=ok(None))]
        )
        A2E(api_key=KEY).dubbing.delete(TASK_ID)
    assert route.call_count == 2


def test_a_bad_request_on_delete_is_final(waits: list[float]) -> None:
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.delete", task_id="nothex").respond(
            400, json=error(400, "_id: bad")
        )
        with pytest.raises(BadRequestError, match="_id: bad"):
            A2E(api_key=KEY).dubbing.delete("nothex")


def test_retries_are_logged_without_the_key(
    waits: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="a2e_dubbing")
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").mock(side_effect=_failing_then_ok(httpx.Response(503)))
        A2E(api_key=KEY).dubbing.get(TASK_ID)
    assert "retrying in" in caplog.text
    assert KEY not in caplog.text


@pytest.mark.anyio
async def test_async_reads_retry_too(waits: list[float]) -> None:
    with respx.mock(base_url=BASE_URL) as router:
        route = api.route(router, "dubbing.get").mock(
            side_effect=_failing_then_ok(httpx.ConnectError("refused"), httpx.Response(503))
        )
        async with AsyncA2E(api_key=KEY) as client:
            got = await client.dubbing.get(TASK_ID)
    assert got.task_id == TASK_ID
    assert route.call_count == 3
    assert len(waits) == 2


@pytest.mark.parametrize(
    "lost",
    [
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        httpx.Response(503, json=error(503, "answer lost")),
    ],
    ids=["dropped", "503"],
)
def test_a_retried_delete_that_finds_the_task_gone_has_succeeded(
    lost: httpx.Response | Exception, waits: list[float]
) -> None:
    with respx.mock(base_url=BASE_URL) as router:
        route = api.route(router, "dubbing.delete", task_id=TASK_ID).mock(
            side_effect=[lost, httpx.Response(404, json=error(404, "no such task"))]
        )
        A2E(api_key=KEY).dubbing.delete(TASK_ID)
    assert route.call_count == 2


@pytest.mark.parametrize(
    "first",
    [httpx.Response(404, json=error(404, "no such task")), httpx.ConnectError("refused")],
    ids=["at once", "after a request that never arrived"],
)
def test_a_delete_of_a_missing_task_is_not_found(
    first: httpx.Response | Exception, waits: list[float]
) -> None:
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.delete", task_id=TASK_ID).mock(
            side_effect=[first, httpx.Response(404, json=error(404, "no such task"))]
        )
        with pytest.raises(NotFoundError):
            A2E(api_key=KEY).dubbing.delete(TASK_ID)


@pytest.mark.anyio
async def test_async_delete_after_a_lost_answer_succeeds(waits: list[float]) -> None:
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.delete", task_id=TASK_ID).mock(
            side_effect=[httpx.ReadTimeout("slow"), httpx.Response(404, json=error(404, "gone"))]
        )
        async with AsyncA2E(api_key=KEY) as client:
            await client.dubbing.delete(TASK_ID)


def test_a_delete_whose_answer_was_lost_succeeds_even_after_a_429_in_between(
    waits: list[float],
) -> None:
    with respx.mock(base_url=BASE_URL) as router:
        route = api.route(router, "dubbing.delete", task_id=TASK_ID).mock(
            side_effect=[
                httpx.RemoteProtocolError("Server disconnected without sending a response."),
                httpx.Response(429, headers={"Retry-After": "0"}, json=error(429, "slow")),
                httpx.Response(404, json=error(404, "no such task")),
            ]
        )
        A2E(api_key=KEY, max_retries=3).dubbing.delete(TASK_ID)
    assert route.call_count == 3


@pytest.mark.parametrize(
    "failure",
    [
        httpx.Response(503, json=error(503, "unavailable")),
        httpx.Response(429, headers={"Retry-After": "0"}, json=error(429, "slow down")),
        httpx.ReadTimeout("slow"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
    ],
    ids=["503", "429", "read timeout", "dropped"],
)
def test_a_write_without_a_look_up_is_not_sent_again(
    failure: httpx.Response | Exception, waits: list[float]
) -> None:
    """transferToStorage is a POST (not idempotent) with no look-up: after a failure that
    may have reached A2E it is not sent again, so it cannot act twice."""
    with respx.mock(base_url=BASE_URL) as router:
        route = api.route(router, "storage.transfer").mock(
            side_effect=[failure, httpx.Response(200, json=ok({"url": "https://tos/x.mp3"}))]
        )
        with pytest.raises(A2EError):
            A2E(api_key=KEY, max_retries=3).storage.transfer("https://example.com/a.mp3")
    assert route.call_count == 1
    assert waits == []


def test_a_write_that_never_left_is_sent_again(waits: list[float]) -> None:
    with respx.mock(base_url=BASE_URL) as router:
        route = api.route(router, "storage.transfer").mock(
            side_effect=[
                httpx.ConnectError("refused"),
                httpx.Response(200, json=ok({"url": "https://tos/x.mp3"})),
            ]
        )
        stored = A2E(api_key=KEY).storage.transfer("https://example.com/a.mp3")
    assert stored.url == "https://tos/x.mp3"
    assert route.call_count == 2


def test_each_method_states_its_retry_rule() -> None:
    from a2e_dubbing._client import A2E as Client

    client = Client(api_key=KEY)
    rules = {
        "dubbing.start": "without a look-up only when the request provably never reached",
        "dubbing.get": "idempotent, so retried",
        "dubbing.delete": "A 404 on a retry after an answer was lost",
        "storage.transfer": "sent again only when the request provably never reached A2E",
    }
    for path, words in rules.items():
        resource, _, method = path.partition(".")
        doc = " ".join((getattr(getattr(client, resource), method).__doc__ or "").split())
        assert "Retries: " in doc, path
        assert words in doc, path
        assert doc.count("Retries: ") == 1, path
