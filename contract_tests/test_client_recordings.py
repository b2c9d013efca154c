"""Every recording replayed through the generated client (sync and async), field by field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from a2e_dubbing import A2E, APIError, AsyncA2E

from contract_tests import _api as api
from contract_tests._recordings import Recording, load_recordings
from contract_tests._replay import client_call, differences
from contract_tests._spec import Spec

RECORDINGS = load_recordings()
BASE_URL = "https://video.a2e.ai"
KEY = "sk_replay"


def _route(router: respx.Router, recording: Recording) -> respx.Route:
    request, response = recording.request, recording.response
    body = response.get("body")
    content = (
        json.dumps(body).encode() if "body" in response else response.get("body_text", "").encode()
    )
    return router.request(request["method"], request["path"]).respond(
        response["status"], headers=response.get("headers", {}), content=content
    )


def _lookup_route(router: respx.Router, recording: Recording, spec: Spec) -> None:
    """A start given its own identifying name (`x-a2e-recover.unique`) first reads the
    newest tasks, to tell a task of its own from older ones should its answer be lost. No
    recording holds that read: it gets an empty page."""
    request = recording.request
    op = spec.match(request["method"], request["path"])
    recover = op.definition.get("x-a2e-recover") if op else None
    if not recover or recover.get("unique") not in (request.get("body") or {}):
        return
    resource = str(op.definition["x-a2e-client"]).partition(".")[0]  # type: ignore[union-attr]
    lister = next(
        o for o in spec.operations if o.definition.get("x-a2e-client") == f"{resource}.list"
    )
    router.request(lister.method.upper(), lister.path).respond(
        json={"code": 0, "data": {"rows": [], "count": 0}}
    )


def _check_request(recording: Recording, sent: httpx.Request) -> None:
    request = recording.request
    assert sent.method == request["method"]
    assert sent.url.path == request["path"]
    assert dict(sent.url.params) == request.get("query", {})
    if "body" in request:
        assert json.loads(sent.content) == request["body"]
    assert sent.headers["authorization"] == f"Bearer {KEY}"


def _check_result(recording: Recording, outcome: Any) -> None:
    response = recording.response
    status, body = response["status"], response.get("body")
    code = body.get("code") if isinstance(body, dict) else None
    if not isinstance(code, int) or isinstance(code, bool):
        # Not an A2E envelope (text, nothing, other JSON): a typed error keeping what arrived.
        assert isinstance(outcome, APIError), outcome
        assert outcome.status_code == status
        arrived = body if "body" in response else response.get("body_text", "").encode()
        assert outcome.body == arrived
        return
    assert isinstance(body, dict)
    if code != 0 or status >= 400:
        assert isinstance(outcome, APIError), outcome
        assert (outcome.status_code, outcome.code) == (status, code)
        assert outcome.message == (
            body.get("msg") or body.get("message") or f"A2E error code {code}"
        )
        assert outcome.trace_id == body.get("trace_id")
        return
    assert not isinstance(outcome, BaseException), outcome
    data = body.get("data")
    parsed = [item.to_dict() for item in outcome] if isinstance(outcome, list) else outcome
    parsed = parsed.to_dict() if hasattr(parsed, "to_dict") else parsed
    if data is not None or parsed is not None:
        assert differences(data, parsed) == []


def _replay(recording: Recording, spec: Spec) -> None:
    call = client_call(spec, recording)
    with respx.mock(base_url=BASE_URL) as router:
        route = _route(router, recording)
        _lookup_route(router, recording, spec)
        with A2E(api_key=KEY, max_retries=0) as client:
            method = getattr(getattr(client, call.resource), call.method)
            try:
                outcome: Any = method(**call.kwargs)
            except APIError as error:
                outcome = error
    assert route.call_count == 1
    _check_request(recording, route.calls.last.request)
    _check_result(recording, outcome)


async def _replay_async(recording: Recording, spec: Spec) -> None:
    call = client_call(spec, recording)
    with respx.mock(base_url=BASE_URL) as router:
        route = _route(router, recording)
        _lookup_route(router, recording, spec)
        async with AsyncA2E(api_key=KEY, max_retries=0) as client:
            method = getattr(getattr(client, call.resource), call.method)
            try:
                outcome: Any = await method(**call.kwargs)
            except APIError as error:
                outcome = error
    assert route.call_count == 1
    _check_request(recording, route.calls.last.request)
    _check_result(recording, outcome)


@pytest.mark.parametrize("recording", RECORDINGS, ids=[r.name for r in RECORDINGS])
def test_the_client_replays_the_recording(recording: Recording, spec: Spec) -> None:
    _replay(recording, spec)


@pytest.mark.anyio
@pytest.mark.parametrize("recording", RECORDINGS, ids=[r.name for r in RECORDINGS])
async def test_the_async_client_replays_the_recording(recording: Recording, spec: Spec) -> None:
    await _replay_async(recording, spec)


def _detail(response: dict[str, Any]) -> Recording:
    """A made-up recording of Get details, for answers no real recording has yet."""
    request = api.recorded_request("dubbing.get", task_id="66ea4dd87db10c73fa29b570")
    return Recording(path=Path("made-up.json"), data={"request": request, "response": response})


MADE_UP = {
    "html 502": {"status": 502, "body_text": "<html>502 Bad Gateway</html>"},
    "text 200": {"status": 200, "body_text": "upstream says hi"},
    "empty 200": {"status": 200},
    "json without envelope 500": {"status": 500, "body": {"error": "boom"}},
    "code 0 at 503": {"status": 503, "body": {"code": 0, "msg": "", "data": None}},
}


@pytest.mark.parametrize("response", MADE_UP.values(), ids=MADE_UP.keys())
def test_a_recording_that_is_not_an_envelope_replays(response: dict[str, Any], spec: Spec) -> None:
    _replay(_detail(response), spec)


@pytest.mark.anyio
@pytest.mark.parametrize("response", MADE_UP.values(), ids=MADE_UP.keys())
async def test_async_a_recording_that_is_not_an_envelope_replays(
    response: dict[str, Any], spec: Spec
) -> None:
    await _replay_async(_detail(response), spec)


def test_the_result_check_fails_when_what_arrived_is_lost() -> None:
    recording = _detail({"status": 502, "body_text": "<html>502 Bad Gateway</html>"})
    wrong = APIError("bad gateway", status_code=502, body=b"something else")
    with pytest.raises(AssertionError):
        _check_result(recording, wrong)


def test_the_comparison_catches_a_lost_or_changed_field() -> None:
    recorded = {"a": 1, "b": "2024-09-18T03:49:44.704Z", "c": [1, 2]}
    assert (
        differences(recorded, {"a": 1, "b": "2024-09-18T03:49:44.704000+00:00", "c": [1, 2]}) == []
    )
    assert differences(recorded, {"a": 1.0, "b": "2024-09-18T03:49:44.705Z", "c": [1]}) == [
        "$.a: recorded 1, parsed 1.0",
        "$.b: recorded '2024-09-18T03:49:44.704Z', parsed '2024-09-18T03:49:44.705Z'",
        "$.c: 2 items recorded, 1 parsed",
    ]
    assert differences({"a": 1}, {"b": 1}) == [
        "$.a: recorded but lost by the client",
        "$.b: not recorded but produced by the client",
    ]
