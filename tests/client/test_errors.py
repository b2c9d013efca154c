"""Every failure is a typed error that says what was wrong; never KeyError or AttributeError."""

from __future__ import annotations

import time
from email.utils import formatdate
from typing import Any

import httpx
import pytest
import respx
from a2e_dubbing import (
    A2E,
    A2EError,
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APITimeoutError,
    AsyncA2E,
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    NotFoundError,
    RateLimitError,
)

from contract_tests import _api as api

from ._records import BASE_URL, KEY, RECORD, error, ok, task

TASK_ID = "66ea4dd87db10c73fa29b570"


def _get(response: httpx.Response | Exception) -> A2EError:
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").mock(side_effect=[response])
        with pytest.raises(A2EError) as caught:
            A2E(api_key=KEY, max_retries=0).dubbing.get(TASK_ID)
    return caught.value


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, AuthenticationError),
        (404, NotFoundError),
        (413, BadRequestError),
        (415, BadRequestError),
        (422, BadRequestError),
        (429, RateLimitError),
        (500, InternalServerError),
        (503, InternalServerError),
    ],
)
def test_http_errors_map_to_typed_errors(status: int, kind: type[APIError]) -> None:
    raised = _get(httpx.Response(status, json=error(status, "pageSize: must be at most 100")))
    assert type(raised) is kind
    assert isinstance(raised, APIError)
    assert (raised.status_code, raised.code) == (status, status)
    assert raised.message == "pageSize: must be at most 100"
    assert raised.trace_id == "0b7f3a52-3c1e-4d5e-9f59-2a6c1d9e8b11"
    assert f"HTTP {status}" in str(raised)
    assert "trace_id" in str(raised)


def test_code_not_zero_at_http_200_is_an_error() -> None:
    raised = _get(httpx.Response(200, json={"code": 1001, "msg": "token invalid"}))
    assert type(raised) is APIError
    assert (raised.status_code, raised.code, raised.message) == (200, 1001, "token invalid")


def test_code_that_reads_as_an_http_status_at_200_picks_the_class() -> None:
    raised = _get(httpx.Response(200, json={"code": 401, "message": "unauthorized"}))
    assert isinstance(raised, AuthenticationError)
    assert raised.message == "unauthorized"


def test_retry_after_is_read_from_a_429() -> None:
    raised = _get(httpx.Response(429, headers={"Retry-After": "7"}, json=error(429, "slow down")))
    assert isinstance(raised, RateLimitError)
    assert raised.retry_after == 7.0


def test_retry_after_as_an_http_date_is_read_as_seconds_from_now() -> None:
    now = time.time()
    headers = {"Retry-After": formatdate(now + 30, usegmt=True)}
    raised = _get(httpx.Response(429, headers=headers, json=error(429, "slow down")))
    assert isinstance(raised, RateLimitError)
    assert raised.retry_after is not None
    assert 0 < raised.retry_after <= 30.0


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("Wed, 21 Oct 2015 07:28:30 GMT", 30.0),
        ("Wed, 21 Oct 2015 07:28:30 -0000", 30.0),  # no zone given: UTC
        ("Wed, 21 Oct 2015 09:28:30 +0200", 30.0),
        ("Wed, 21 Oct 2015 07:27:00 GMT", 0.0),  # in the past: no wait
        ("12", 12.0),
        ("yesterday", None),
        ("-3", None),
        ("inf", None),
        ("Wed, 21 Oct 99999 07:28:30 GMT", None),
    ],
)
def test_retry_after_forms(value: str, seconds: float | None) -> None:
    from a2e_dubbing._envelope import retry_after

    now = 1445412480.0  # Wed, 21 Oct 2015 07:28:00 GMT
    assert retry_after({"retry-after": value}, now=now) == seconds


def test_a_body_nested_deeper_than_json_can_read_shows_what_arrived() -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    raised = _get(httpx.Response(200, content=deep, headers={"content-type": "application/json"}))
    assert isinstance(raised, APIResponseValidationError)
    assert "[[[[" in str(raised)
    assert raised.body == deep


def test_an_error_body_nested_too_deep_is_still_the_status_error() -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    raised = _get(httpx.Response(502, content=deep))
    assert isinstance(raised, InternalServerError)
    assert "[[[[" in str(raised)


def test_a_data_payload_json_cannot_write_back_is_still_shown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import json

    from a2e_dubbing import _envelope

    def too_deep(*args: object, **kwargs: object) -> str:
        raise RecursionError("maximum recursion depth exceeded")

    content = b'{"code":0,"data":' + b"[" * 900 + b"]" * 900 + b"}"
    monkeypatch.setattr(json, "dumps", too_deep)
    where = _envelope.Where("GET", "/", {})
    raised = _envelope.invalid_data(TypeError("expected a JSON object"), content, where, 200)
    assert isinstance(raised, APIResponseValidationError)
    assert "[[[" in str(raised)


@pytest.mark.anyio
async def test_async_a_body_nested_too_deep_shows_what_arrived() -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").respond(200, content=deep)
        async with AsyncA2E(api_key=KEY, max_retries=0) as client:
            with pytest.raises(APIResponseValidationError, match=r"\[\[\[\[") as caught:
                await client.dubbing.get(TASK_ID)
    assert caught.value.body == deep


@pytest.mark.parametrize(
    ("content", "shown"),
    [
        (b"<html>502 Bad Gateway</html>", "<html>502 Bad Gateway</html>"),
        (b'{"code": 0, "data": {"_id"', '{"code": 0, "data": {"_id"'),
        (b"", "''"),
    ],
    ids=["html", "truncated json", "empty"],
)
def test_an_answer_that_is_not_json_shows_what_arrived(content: bytes, shown: str) -> None:
    raised = _get(httpx.Response(200, content=content, headers={"content-type": "text/html"}))
    assert isinstance(raised, APIResponseValidationError)
    assert shown in str(raised)
    assert raised.body == content


@pytest.mark.parametrize(
    "body",
    [[1, 2], {"data": {}}, {"code": "0", "data": {}}, {"code": True}, "text", 3],
    ids=["array", "no code", "string code", "bool code", "string", "number"],
)
def test_json_that_is_not_an_envelope_is_a_validation_error(body: Any) -> None:
    raised = _get(httpx.Response(200, json=body))
    assert isinstance(raised, APIResponseValidationError)
    assert "envelope" in str(raised)


@pytest.mark.parametrize(
    ("data", "named"),
    [
        (task(duration="51"), "'duration' should be integer or number, got string"),
        (task(drop_background_audio=1), "'drop_background_audio' should be boolean"),
        (task(failure=3), f"'{RECORD.failure.wire}' should be string or null"),
        ({k: v for k, v in task().items() if k != RECORD.id.wire}, f"KeyError: '{RECORD.id.wire}'"),
        (task(created="yesterday"), "yesterday"),
        (task(status=7), RECORD.status.wire),
        ([task()], "expected a JSON object, got array"),
        ("oops", "expected a JSON object, got string"),
        (None, "expected a JSON object, got null"),
    ],
    ids=[
        "number as string",
        "bool as int",
        "message as number",
        "missing _id",
        "bad date",
        "status as number",
        "array",
        "string",
        "null",
    ],
)
def test_a_data_payload_that_does_not_match_names_the_problem(data: Any, named: str) -> None:
    raised = _get(httpx.Response(200, json=ok(data)))
    assert isinstance(raised, APIResponseValidationError)
    assert named in str(raised)
    assert raised.body == data


def test_an_unreachable_server_is_a_connection_error_that_was_never_sent() -> None:
    raised = _get(httpx.ConnectError("[Errno 111] Connection refused"))
    assert type(raised) is APIConnectionError
    assert raised.sent is False
    assert "Connection refused" in str(raised)


def test_a_dropped_connection_is_a_connection_error_that_may_have_been_sent() -> None:
    raised = _get(httpx.RemoteProtocolError("Server disconnected without sending a response."))
    assert type(raised) is APIConnectionError
    assert raised.sent is True


@pytest.mark.parametrize(
    ("exc", "sent"),
    [(httpx.ConnectTimeout("connect"), False), (httpx.ReadTimeout("read"), True)],
)
def test_timeouts_are_timeout_errors(exc: Exception, sent: bool) -> None:
    raised = _get(exc)
    assert isinstance(raised, APITimeoutError)
    assert isinstance(raised, APIConnectionError)
    assert raised.sent is sent


@pytest.mark.anyio
async def test_async_errors_are_the_same_types() -> None:
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").respond(
            404, json=error(404, "no dubbing task with this _id")
        )
        async with AsyncA2E(api_key=KEY) as client:
            with pytest.raises(NotFoundError, match="no dubbing task"):
                await client.dubbing.get(TASK_ID)
