"""Per-call options, `with_options`, raw responses, logging and retry events, and the
public types of the models (None for what is absent, never Unset)."""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import subprocess
import sys
from typing import Any

import httpx
import pytest
import respx
from a2e_dubbing import (
    A2E,
    NOT_GIVEN,
    APIResponse,
    AsyncA2E,
    DubbingTask,
    InternalServerError,
    NotFoundError,
    RetryEvent,
    StartDubbingRequest,
)

from contract_tests import _api as api

from ._records import BASE_URL, KEY, RECORD, error, ok, task

TASK_ID = "66ea4dd87db10c73fa29b570"
DETAIL = api.op("dubbing.get").url(task_id=TASK_ID).partition("?")[0]  # Get details' path
TRACE = "0b7f3a52-3c1e-4d5e-9f59-2a6c1d9e8b10"
OPTIONS = ("extra_headers", "extra_query", "extra_body", "timeout", "max_retries")


pytestmark = pytest.mark.usefixtures("no_retry_sleep")


def _methods(client: Any) -> list[tuple[str, Any]]:
    return [
        (f"{name}.{method}", getattr(resource, method))
        for name in ("dubbing", "account", "languages", "storage")
        for resource in [getattr(client, name)]
        for method in dir(resource)
        if not method.startswith("_") and method != "with_raw_response"
    ]


@pytest.mark.parametrize("client", [A2E(api_key=KEY), AsyncA2E(api_key=KEY)], ids=["sync", "async"])
def test_every_method_takes_the_per_call_options_and_documents_every_keyword(client: Any) -> None:
    methods = _methods(client)
    assert {"dubbing.start", "dubbing.get", "dubbing.wait", "dubbing.iter"} <= dict(methods).keys()
    for path, method in methods:
        parameters = inspect.signature(method).parameters
        doc = method.__doc__ or ""
        for option in OPTIONS:
            if path.endswith(".wait") and option == "timeout":
                option = "request_timeout"  # wait's own `timeout` is the whole wait
            assert option in parameters, (path, option)
        for name in parameters:
            assert f"{name}:" in doc, (path, name)


def test_per_call_options_reach_the_request() -> None:
    with respx.mock(base_url=BASE_URL) as router:
        route = api.route(router, "dubbing.start").respond(json=ok(task()))
        A2E(api_key=KEY).dubbing.start(
            source_url="https://e.com/a.mp3",
            target_lang="en",
            extra_headers={"X-Request-Tag": "run-7", "User-Agent": "mine/1"},
            extra_query={"zz_not_a_param": "1"},  # words no A2E version will use
            extra_body={"zz_not_a_field": "v-42"},
            timeout=httpx.Timeout(3.0, connect=1.0),
        )
    sent = route.calls.last.request
    assert sent.headers["x-request-tag"] == "run-7"
    assert sent.headers["user-agent"] == "mine/1"
    assert sent.url.params["zz_not_a_param"] == "1"
    body = json.loads(sent.content)
    assert body["zz_not_a_field"] == "v-42"
    assert body["target_lang"] == "en"
    assert sent.extensions["timeout"] == {"connect": 1.0, "read": 3.0, "write": 3.0, "pool": 3.0}


def test_timeout_none_means_no_timeout_and_not_given_the_clients() -> None:
    with respx.mock(base_url=BASE_URL) as router:
        route = api.route(router, "dubbing.get").respond(json=ok(task()))
        client = A2E(api_key=KEY, timeout=7.0)
        client.dubbing.get(TASK_ID, timeout=None)
        client.dubbing.get(TASK_ID, timeout=NOT_GIVEN)
        client.dubbing.get(TASK_ID, timeout=2.5)
    timeouts = [call.request.extensions["timeout"]["read"] for call in route.calls]
    assert timeouts == [None, 7.0, 2.5]


def test_max_retries_per_call() -> None:
    with respx.mock(base_url=BASE_URL) as router:
        route = api.route(router, "dubbing.get").respond(503, json=error(503, "down"))
        client = A2E(api_key=KEY, max_retries=5)
        with pytest.raises(InternalServerError):
            client.dubbing.get(TASK_ID, max_retries=0)
        assert route.call_count == 1
        with pytest.raises(InternalServerError):
            client.dubbing.get(TASK_ID, max_retries=1)
        assert route.call_count == 3
    with pytest.raises(ValueError, match="max_retries"):
        A2E(api_key=KEY).dubbing.get(TASK_ID, max_retries=-1)


def test_wait_and_iter_pass_their_options_to_each_request() -> None:
    with respx.mock(base_url=BASE_URL) as router:
        detail = api.route(router, "dubbing.get").respond(json=ok(task(status="completed")))
        pages = api.route(router, "dubbing.list").respond(json=ok({"rows": [task()], "count": 1}))
        client = A2E(api_key=KEY)
        client.dubbing.wait(TASK_ID, extra_headers={"X-Tag": "w"}, request_timeout=4.0)
        list(client.dubbing.iter(extra_query={"scope": "mine"}, timeout=3.0))
    assert detail.calls.last.request.headers["x-tag"] == "w"
    assert 0 < detail.calls.last.request.extensions["timeout"]["read"] <= 4.0
    assert pages.calls.last.request.url.params["scope"] == "mine"
    assert pages.calls.last.request.extensions["timeout"]["read"] == 3.0


def test_with_options_copies_the_client_and_shares_its_connections() -> None:
    client = A2E(api_key=KEY, timeout=30.0, max_retries=2)
    quick = client.with_options(timeout=1.5, max_retries=0, default_headers={"X-Team": "a"})
    assert quick is not client
    assert quick._http is client._http
    assert (quick.timeout, quick.max_retries) == (1.5, 0)
    assert (client.timeout, client.max_retries) == (30.0, 2)
    assert quick.dubbing._client is quick
    with respx.mock(base_url=BASE_URL) as router:
        route = api.route(router, "dubbing.get").respond(503, json=error(503, "down"))
        with pytest.raises(InternalServerError):
            quick.dubbing.get(TASK_ID)
    assert route.call_count == 1
    assert route.calls.last.request.headers["x-team"] == "a"
    assert route.calls.last.request.extensions["timeout"]["read"] == 1.5
    quick.close()  # the copy does not close the shared pool
    assert not client._http.is_closed
    client.close()
    assert client._http.is_closed


def test_with_options_can_change_the_key_and_base_url() -> None:
    client = A2E(api_key=KEY)
    other = client.with_options(api_key="sk_other_key_123456", base_url="http://127.0.0.1:9/")
    with respx.mock(base_url="http://127.0.0.1:9") as router:
        route = api.route(router, "dubbing.get").respond(json=ok(task()))
        other.dubbing.get(TASK_ID)
    assert route.calls.last.request.headers["authorization"] == "Bearer sk_other_key_123456"
    assert client._headers["Authorization"] == f"Bearer {KEY}"


def test_raw_responses_carry_status_headers_trace_and_parse() -> None:
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").respond(json=ok(task()), headers={"X-Served-By": "edge-3"})
        raw = A2E(api_key=KEY).dubbing.with_raw_response.get(TASK_ID)
    assert isinstance(raw, APIResponse)
    assert raw.status_code == 200
    assert raw.headers["x-served-by"] == "edge-3"
    assert raw.trace_id == TRACE
    assert api.op("dubbing.get").values(raw.http_request)["task_id"] == TASK_ID
    assert raw.json()["code"] == 0
    parsed = raw.parse()
    assert isinstance(parsed, DubbingTask)
    assert raw.parse() is parsed
    assert raw.recovered is False


def test_raw_responses_still_raise_typed_errors() -> None:
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").respond(404, json=error(404, "no such task"))
        with pytest.raises(NotFoundError):
            A2E(api_key=KEY).dubbing.with_raw_response.get(TASK_ID)


def test_raw_response_of_a_start_whose_answer_was_lost_is_the_look_ups() -> None:
    later = "2099-01-01T00:00:00.000Z"
    created = task(
        name="n", source_url="https://e.com/a.mp3", target_lang="en", created=later, updated=later
    )
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.list").respond(json=ok({"rows": [], "count": 0}))
        api.route(router, "dubbing.start").mock(side_effect=httpx.ReadTimeout("lost"))
        api.route(router, "dubbing.list_processing").respond(json=ok([created]))
        raw = A2E(api_key=KEY).dubbing.with_raw_response.start(
            source_url="https://e.com/a.mp3", target_lang="en", name="n"
        )
    assert raw.recovered is True
    found = api.which(raw.http_request.method, raw.http_request.url.path)
    assert found is not None
    assert found.name == "dubbing.list_processing"
    assert raw.parse().task_id == created[RECORD.id.wire]


def test_async_raw_responses() -> None:
    async def run() -> APIResponse[Any]:
        async with AsyncA2E(api_key=KEY) as client:
            raw = await client.account.with_raw_response.remaining_coins()
            plain = await client.account.remaining_coins()  # the wrapper left no trace
            assert plain.coins == 5
            return raw

    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "account.remaining_coins").respond(json=ok({"coins": 5, "diamonds": 0}))
        raw = asyncio.run(run())
    assert raw.parse().coins == 5


def test_retry_events_tell_what_failed_and_how_long_until_the_next_attempt() -> None:
    events: list[RetryEvent] = []
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").mock(
            side_effect=[
                httpx.Response(429, headers={"Retry-After": "2"}, json=error(429, "slow")),
                httpx.ConnectError("refused"),
                httpx.Response(200, json=ok(task())),
            ]
        )
        A2E(api_key=KEY, on_retry=events.append).dubbing.get(TASK_ID)
    assert [(e.operation, e.attempt, e.reason) for e in events] == [
        ("getDubbingTask", 1, "HTTP 429"),
        ("getDubbingTask", 2, "connection refused"),
    ]
    assert events[0].delay == 2.0
    assert events[0].method == "GET"
    assert events[0].url.endswith(DETAIL)


def test_async_retry_events() -> None:
    events: list[RetryEvent] = []

    async def run() -> None:
        async with AsyncA2E(api_key=KEY, on_retry=events.append) as client:
            await client.dubbing.get(TASK_ID)

    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").mock(
            side_effect=[httpx.Response(503), httpx.Response(200, json=ok(task()))]
        )
        asyncio.run(run())
    assert [e.reason for e in events] == ["HTTP 503"]


@pytest.mark.parametrize("level", ["info", "debug"])
def test_a2e_log_turns_on_the_packages_logger(level: str) -> None:
    code = f"""
import httpx, respx
from a2e_dubbing import A2E, _retry
_retry._sleep = lambda s: None
from contract_tests import _api as api
with respx.mock(base_url="{BASE_URL}") as router:
    api.route(router, "dubbing.get").mock(side_effect=[httpx.Response(503), httpx.Response(200, json={ok(task())!r})])
    A2E(api_key="{KEY}").dubbing.get("{TASK_ID}")
"""
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"A2E_LOG": level, "PATH": ""},
        check=True,
    )
    err = result.stderr
    assert "a2e_dubbing INFO] getDubbingTask (GET" in err
    assert "attempt 1 failed (HTTP 503" in err
    assert "retrying in" in err
    assert (f"GET {BASE_URL}{DETAIL} -> 200" in err) is (level == "debug")
    assert KEY not in err


def test_without_a2e_log_nothing_is_printed() -> None:
    code = f"""
import httpx, respx
from a2e_dubbing import A2E
from contract_tests import _api as api
with respx.mock(base_url="{BASE_URL}") as router:
    api.route(router, "dubbing.get").respond(json={ok(task())!r})
    A2E(api_key="{KEY}").dubbing.get("{TASK_ID}")
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env={"PATH": ""}, check=True
    )
    assert result.stderr == ""


def test_the_packages_logger_redacts_whatever_is_logged_to_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="a2e_dubbing")
    logging.getLogger("a2e_dubbing").info("header was %s", "Bearer sk_leaked_0123456789")
    assert "sk_leaked" not in caplog.text
    assert "Bearer REDACTED" in caplog.text


def test_absent_optional_fields_read_as_none_and_unset_never_shows() -> None:
    record = task()
    absent = [f for f in RECORD.fields if f.wire not in record]  # the seed's answer lacks them
    assert absent, "the record has no optional field: nothing to check"
    got = DubbingTask.from_dict(record)
    assert [getattr(got, f.attr) for f in absent] == [None] * len(absent)
    assert "Unset" not in repr(got)
    assert not {f.wire for f in absent} & set(got.to_dict())
    with_null = DubbingTask.from_dict({**record, absent[0].wire: None})
    assert with_null.to_dict()[absent[0].wire] is None  # a null that came is kept
    assert with_null == got
    request = StartDubbingRequest(source_url="https://e.com/a.mp3", target_lang="en")
    assert request.name is None
    assert "Unset" not in repr(request)
    assert request.to_dict() == {
        "source_url": "https://e.com/a.mp3",
        "target_lang": "en",
        "source_lang": "auto",
        "num_speakers": 1,
        "drop_background_audio": False,
    }


def test_no_public_type_mentions_unset() -> None:
    import a2e_dubbing
    import attrs

    models = [
        getattr(a2e_dubbing, name)
        for name in a2e_dubbing.__all__
        if hasattr(getattr(a2e_dubbing, name), "from_dict")
    ]
    assert DubbingTask in models
    for model in models:
        for field in attrs.fields(model):
            assert "Unset" not in str(field.type), (model.__name__, field.name, field.type)
            assert type(field.default).__name__ != "Unset", (model.__name__, field.name)
