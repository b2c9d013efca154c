"""Whatever A2E answers, the client returns a parsed result or raises an A2EError — nothing else."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
from a2e_dubbing import A2E, A2EError
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


@st.composite
def answers(draw: st.DrawFn) -> httpx.Response:
    status = draw(
        st.sampled_from([200, 200, 200, 201, 204, 301, 400, 401, 404, 409, 418, 429, 500, 502, 503])
    )
    shape = draw(st.sampled_from(["record", "envelope", "json", "truncated", "bytes"]))
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


CALLS: dict[str, Callable[[A2E], Any]] = {
    "get": lambda c: c.dubbing.get("66ea4dd87db10c73fa29b570"),
    "list": lambda c: c.dubbing.list(),
    "processing": lambda c: c.dubbing.list_processing(),
    "start": lambda c: c.dubbing.start(
        source_url="https://e.com/a.mp3", target_lang="en", name="n"
    ),
    "delete": lambda c: c.dubbing.delete("66ea4dd87db10c73fa29b570"),
    "coins": lambda c: c.account.remaining_coins(),
    "languages": lambda c: c.languages.list(),
}


@settings(
    max_examples=400, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(answer=answers(), call=st.sampled_from(sorted(CALLS)))
def test_any_answer_gives_a_result_or_a_typed_error(answer: httpx.Response, call: str) -> None:
    transport = httpx.MockTransport(lambda request: answer)
    with A2E(
        api_key="sk_fuzz", max_retries=0, http_client=httpx.Client(transport=transport)
    ) as client:
        failure: A2EError | None = None
        try:
            CALLS[call](client)
        except A2EError as error:
            failure = error
    if failure is not None:
        assert str(failure)
        assert "sk_fuzz" not in str(failure)
