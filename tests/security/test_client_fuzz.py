"""Whatever A2E answers, the client (A2E and AsyncA2E) returns a parsed result or raises an
A2EError — nothing else."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from a2e_dubbing import A2E, A2EError, AsyncA2E
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.client._records import SEED_TASK, ok

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def mutated_record(draw: st.DrawFn) -> Any:
    """The seed's record with fields dropped, retyped or added."""
    record = dict(SEED_TASK)
    for key in draw(st.lists(st.sampled_from(sorted(record)), max_size=3, unique=True)):
        if draw(st.booleans()):
            del record[key]
        else:
            record[key] = draw(JSON)
    record.update(draw(st.dictionaries(st.text(max_size=8), JSON, max_size=2)))
    return record


# Nested deeper than Python's json can read (it raises RecursionError), whole or inside an
# envelope: never a result.
TOO_DEEP = {
    "deep array": b"[" * 100_000,
    "deep object": b'{"a":' * 100_000,
    "deep data": b'{"code":0,"msg":"ok","data":' + b"[" * 100_000,
    "deep closed data": b'{"code":0,"msg":"ok","data":' + b"[" * 100_000 + b"]" * 100_000 + b"}",
}
# Nested as deep as json reads, where the models look: a result (delete ignores `data`) or a
# typed error.
READABLE_DEEP = {
    "readable deep data": b'{"code":0,"msg":"ok","data":' + b"[" * 900 + b"]" * 900 + b"}",
    "readable deep record": b'{"code":0,"data":{"_id":' + b"[" * 900 + b"]" * 900 + b"}}",
    "readable deep msg": b'{"code":500,"msg":' + b"[" * 900 + b"]" * 900 + b"}",
}
DEEP = TOO_DEEP | READABLE_DEEP


@st.composite
def answers(draw: st.DrawFn) -> httpx.Response:
    status = draw(
        st.sampled_from([200, 200, 200, 201, 204, 301, 400, 401, 404, 409, 418, 429, 500, 502, 503])
    )
    shape = draw(st.sampled_from(["record", "envelope", "json", "truncated", "bytes", "deep"]))
    if shape == "record":
        body: bytes = json.dumps(ok(draw(mutated_record()))).encode()
    elif shape == "envelope":
        envelope = {
            k: draw(JSON)
            for k in draw(st.sets(st.sampled_from(["code", "msg", "data", "trace_id", "message"])))
        }
        body = json.dumps(envelope).encode()
    elif shape == "json":
        body = json.dumps(draw(JSON)).encode()
    elif shape == "truncated":
        full = json.dumps(ok(SEED_TASK)).encode()
        body = full[: draw(st.integers(0, len(full) - 1))]
    elif shape == "deep":
        body = DEEP[draw(st.sampled_from(sorted(DEEP)))]
    else:
        body = draw(st.binary(max_size=64))
    headers = draw(
        st.dictionaries(
            st.sampled_from(["content-type", "retry-after"]),
            st.text(max_size=10).filter(str.isprintable),
            max_size=2,
        )
    )
    return httpx.Response(
        status,
        content=body,
        headers={k: v.encode("ascii", "ignore").decode() for k, v in headers.items()},
    )


TASK_ID = "66ea4dd87db10c73fa29b570"
SOURCE = "https://e.com/a.mp3"
# With AsyncA2E each call returns the awaitable of the same request.
CALLS: dict[str, Callable[[Any], Any]] = {
    "get": lambda c: c.dubbing.get(TASK_ID),
    "list": lambda c: c.dubbing.list(),
    "processing": lambda c: c.dubbing.list_processing(),
    "start": lambda c: c.dubbing.start(source_url=SOURCE, target_lang="en", name="n"),
    "delete": lambda c: c.dubbing.delete(TASK_ID),
    "coins": lambda c: c.account.remaining_coins(),
    "languages": lambda c: c.languages.list(),
}
KEY = "sk_fuzz_secret_key"


def _sync_call(answer: httpx.Response, call: str) -> A2EError | None:
    """Call through A2E; the A2EError it raised (None on a result, anything else escapes)."""
    transport = httpx.MockTransport(lambda request: answer)
    with A2E(api_key=KEY, max_retries=0, http_client=httpx.Client(transport=transport)) as client:
        try:
            CALLS[call](client)
        except A2EError as error:
            return error
    return None


def _async_call(answer: httpx.Response, call: str) -> A2EError | None:
    """The same through AsyncA2E."""

    async def run() -> A2EError | None:
        transport = httpx.MockTransport(lambda request: answer)
        http = httpx.AsyncClient(transport=transport)
        async with AsyncA2E(api_key=KEY, max_retries=0, http_client=http) as client:
            try:
                await CALLS[call](client)
            except A2EError as error:
                return error
        return None

    return asyncio.run(run())


def _check(failure: A2EError | None) -> None:
    if failure is not None:
        assert str(failure)
        assert KEY not in str(failure)
        assert KEY not in repr(failure)


FUZZ = settings(
    max_examples=400, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@FUZZ
@given(answer=answers(), call=st.sampled_from(sorted(CALLS)))
def test_any_answer_gives_a_result_or_a_typed_error(answer: httpx.Response, call: str) -> None:
    _check(_sync_call(answer, call))


@FUZZ
@given(answer=answers(), call=st.sampled_from(sorted(CALLS)))
def test_any_answer_gives_the_async_client_a_result_or_a_typed_error(
    answer: httpx.Response, call: str
) -> None:
    _check(_async_call(answer, call))


CLIENTS = pytest.mark.parametrize("client", [_sync_call, _async_call], ids=["A2E", "AsyncA2E"])


def _json(status: int, body: bytes) -> httpx.Response:
    return httpx.Response(status, content=body, headers={"content-type": "application/json"})


@CLIENTS
@pytest.mark.parametrize("call", sorted(CALLS))
@pytest.mark.parametrize("body", TOO_DEEP.values(), ids=list(TOO_DEEP))
@pytest.mark.parametrize("status", [200, 500])
def test_answers_nested_too_deep_for_json_give_a_typed_error(
    client: Callable[[httpx.Response, str], A2EError | None], call: str, body: bytes, status: int
) -> None:
    failure = client(_json(status, body), call)
    assert failure is not None, "an answer json cannot read was taken as a result"
    _check(failure)


@CLIENTS
@pytest.mark.parametrize("call", sorted(CALLS))
@pytest.mark.parametrize("body", READABLE_DEEP.values(), ids=list(READABLE_DEEP))
def test_deep_but_readable_answers_give_a_result_or_a_typed_error(
    client: Callable[[httpx.Response, str], A2EError | None], call: str, body: bytes
) -> None:
    _check(client(_json(200, body), call))


def _lost_start(answer: httpx.Response, named: bool, use_async: bool) -> A2EError | None:
    """A start whose answer is lost (the POST times out): its look-up reads get `answer`."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            raise httpx.ReadTimeout("the answer was lost", request=request)
        return answer

    name = "n" if named else None

    async def run_async() -> A2EError | None:
        http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
        async with AsyncA2E(api_key=KEY, max_retries=0, http_client=http) as client:
            try:
                await client.dubbing.start(source_url=SOURCE, target_lang="en", name=name)
            except A2EError as error:
                return error
        return None

    if use_async:
        return asyncio.run(run_async())
    http = httpx.Client(transport=httpx.MockTransport(handler))
    with A2E(api_key=KEY, max_retries=0, http_client=http) as client:
        try:
            client.dubbing.start(source_url=SOURCE, target_lang="en", name=name)
        except A2EError as error:
            return error
    return None


@st.composite
def look_up_answers(draw: st.DrawFn) -> httpx.Response:
    """Answers a look-up may read: pages and lists of records with odd fields (createdAt
    above all), or anything `answers()` makes."""
    if draw(st.booleans()):
        return draw(answers())
    records = draw(st.lists(mutated_record(), max_size=3))
    for record in records:
        if draw(st.booleans()):  # the fields of the named start's task
            record.update(name="n", source_url=SOURCE, target_lang="en")
        if draw(st.booleans()):
            record["createdAt"] = draw(
                st.sampled_from(
                    [
                        "0001-01-01T00:00:00",
                        "9999-12-31T23:59:59-14:00",
                        "2024-09-18T03:49:44",
                        "2099-01-01T00:00:00Z",
                        "",
                        "yesterday",
                        None,
                        17,
                    ]
                )
            )
    data: Any = records if draw(st.booleans()) else {"rows": records, "count": len(records)}
    return httpx.Response(200, content=json.dumps(ok(data)).encode())


@FUZZ
@given(answer=look_up_answers(), named=st.booleans(), use_async=st.booleans())
def test_a_look_up_reading_any_answer_gives_a_result_or_a_typed_error(
    answer: httpx.Response, named: bool, use_async: bool
) -> None:
    _check(_lost_start(answer, named, use_async))
