"""Mock vs recordings: the mock answers each recorded request in the shape A2E answered it.

Each recording in `contract_tests/recordings/` is replayed against the mock in-process (the
same method, path, query and body, with a test token) and the answer is compared with the
recorded one by `shape_differences`: the same status class, the same fields at every level,
the same JSON types and the same string formats (24-hex ids, ISO times with milliseconds
and `Z`, UUIDs, URLs, empty strings). Values are not compared: ids, times and trace ids are
per request, and the rest depends on the account and the media A2E was given.

A request that names a task (`_id` in the query or the path) and was answered with a
success is replayed against a task started in the mock first, under its new id; a recorded
list of tasks gets one task in the mock to list. A recorded 401 is replayed without a
token; a recorded 429 or 5xx, or an error envelope at HTTP 200, is asked of the mock with
its `X-Mock-Fault` header (the request alone cannot cause it).

Differences that are known and explained are listed in KNOWN_DIFFERENCES, each with its
reason; a test fails when one of them no longer occurs, so the list cannot go stale.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from a2e_dubbing_mock import FAULT_HEADER, ManualClock, MockApp, create_app

from contract_tests import _api as api
from contract_tests._recordings import RECORDINGS_DIR, Recording, load_recordings
from contract_tests._spec import Spec

pytestmark = pytest.mark.anyio

RECORDINGS = load_recordings()
TOKEN = "sk_test_conformance_recordings"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
START = api.op("dubbing.start").path
ID = api.record().id.wire  # the task's id: the parameter of this name names a task
SEED = RECORDINGS_DIR / "start_dubbing.seed.json"

# JSON path -> why the mock may differ there from every recording that lacks it.
KNOWN_DIFFERENCES = {
    "$.trace_id: in the mock's answer, not in the recording": (
        "the mock sends `trace_id` on every answer, as newer A2E answers do (spec: "
        "Envelope.trace_id, optional, official-sibling); the seed page's answer has none"
    ),
}

# --- the comparison -----------------------------------------------------------------------

FORMATS = (
    ("empty", re.compile(r"")),
    ("24-hex id", re.compile(r"[0-9a-f]{24}")),
    ("ISO time with ms and Z", re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")),
    ("uuid", re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")),
    ("URL", re.compile(r"https?://[^\s/?#]+[^\s]*")),
)


def string_format(value: str) -> str:
    """The first format of FORMATS that `value` has, or `text`."""
    for name, pattern in FORMATS:
        if pattern.fullmatch(value):
            return name
    return "text"


def json_type(value: Any) -> str:
    """JSON's type of a parsed value (integers and fractions are both `number`, as in JSON)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def shape_differences(recorded: Any, answered: Any, path: str = "$") -> list[str]:
    """Where `answered` does not have the shape of `recorded`, one line per JSON path.

    The same fields at every level, the same JSON types, the same string formats; array
    items are compared with the recorded array's first item. Values are not compared.
    """
    recorded_type, answered_type = json_type(recorded), json_type(answered)
    if recorded_type != answered_type:
        return [f"{path}: recorded a {recorded_type}, the mock answered a {answered_type}"]
    if isinstance(recorded, dict):
        found = []
        for key in sorted(set(recorded) | set(answered), key=str):
            where = f"{path}.{key}"
            if key not in answered:
                found.append(f"{where}: recorded, missing in the mock's answer")
            elif key not in recorded:
                found.append(f"{where}: in the mock's answer, not in the recording")
            else:
                found += shape_differences(recorded[key], answered[key], where)
        return found
    if isinstance(recorded, list):
        if recorded and not answered:
            return [f"{path}: recorded {len(recorded)} items, the mock answered none"]
        if answered and not recorded:
            return [f"{path}: recorded no items, the mock answered {len(answered)}"]
        return [
            difference
            for index, item in enumerate(answered)
            for difference in shape_differences(recorded[0], item, f"{path}[{index}]")
        ]
    if isinstance(recorded, str) and string_format(recorded) != string_format(answered):
        return [
            f"{path}: recorded a {string_format(recorded)} string ({recorded!r}), "
            f"the mock answered a {string_format(answered)} string ({answered!r})"
        ]
    return []


def answer_differences(recorded: dict[str, Any], status: int, body: Any) -> list[str]:
    """The status class and the body's shape (and success or error) against a recorded answer."""
    found = []
    if recorded["status"] // 100 != status // 100:
        found.append(f"status: recorded {recorded['status']}, the mock answered {status}")
    recorded_body = recorded.get("body")
    if (
        isinstance(recorded_body, dict)
        and isinstance(body, dict)
        and (recorded_body.get("code") == 0) != (body.get("code") == 0)
    ):
        found.append(
            f"$.code: recorded {recorded_body.get('code')!r}, "
            f"the mock answered {body.get('code')!r}"
        )
    return found + shape_differences(recorded_body, body)


# --- the replay ---------------------------------------------------------------------------


@pytest.fixture
def mock() -> Iterator[MockApp]:
    app = create_app(clock=ManualClock())
    yield app
    app.close()


@pytest.fixture
async def http(mock: MockApp) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=mock)
    async with httpx.AsyncClient(transport=transport, base_url="https://video.a2e.ai") as client:
        yield client


async def replay(
    http: httpx.AsyncClient, spec: Spec, recording: Recording
) -> tuple[int, Any, httpx.Request]:
    """Send the recorded request to the mock; its status, JSON body and the request sent."""
    request, response = recording.request, recording.response
    path, query = request["path"], dict(request.get("query") or {})
    succeeded = 200 <= response["status"] < 300 and (response.get("body") or {}).get("code") == 0
    if succeeded and (_names_a_task(spec, request) or _lists_tasks(response.get("body"))):
        task_id = await _start_a_task(http)
        path, query = _with_task(spec, request, task_id)
    headers = {k: v for k, v in (request.get("headers") or {}).items() if k != "content-length"}
    headers.update(_as_recorded(response))
    content = json.dumps(request["body"]).encode() if "body" in request else None
    answer = await http.request(
        request["method"], path, params=query, headers=headers, content=content
    )
    return answer.status_code, answer.json(), answer.request


def _as_recorded(response: dict[str, Any]) -> dict[str, str]:
    """Headers that make the mock answer as A2E did: a token, or none, or a fault.

    Recordings never keep the token: a recorded 401 was sent without a valid one. A2E's
    overload and failures (429, 5xx) and its error envelopes at HTTP 200 cannot be caused
    by the request, so the mock is asked for the same with `X-Mock-Fault`.
    """
    status, body = response["status"], response.get("body")
    code = body.get("code") if isinstance(body, dict) else None
    if status == 401:
        return {}
    if status == 429 or status >= 500:
        return {**AUTH, FAULT_HEADER: f"status={status}"}
    if status == 200 and isinstance(code, int) and code != 0:
        return {**AUTH, FAULT_HEADER: f"code={code}"}
    return dict(AUTH)


def _names_a_task(spec: Spec, request: dict[str, Any]) -> bool:
    op = api.which(request["method"], request["path"])
    return op is not None and any(p.wire == ID for p in op.params)


def _lists_tasks(body: Any) -> bool:
    data = body.get("data") if isinstance(body, dict) else None
    rows = data.get("rows") if isinstance(data, dict) else data
    return isinstance(rows, list) and bool(rows)


def _with_task(spec: Spec, request: dict[str, Any], task_id: str) -> tuple[str, dict[str, str]]:
    """The recorded path and query, with the task's id put in place of the recorded one."""
    path, query = request["path"], dict(request.get("query") or {})
    op = api.which(request["method"], path)
    if op is None:
        return path, query
    recorded = op.values(httpx.Request(op.method, f"http://recorded{path}"))
    in_path = {k: v for k, v in recorded.items() if op.param(k).where == "path"}
    for param in op.params:
        if param.wire != ID:
            continue
        if param.where == "query":
            query[param.wire] = task_id
        elif param.where == "path":
            in_path[param.keyword] = task_id
    return op.url(**in_path), query


async def _start_a_task(http: httpx.AsyncClient) -> str:
    seed = Recording.load(SEED).request["body"]
    answer = await http.post(START, json=seed, headers=AUTH)
    assert answer.status_code == 200, answer.text
    task_id = answer.json()["data"][ID]
    assert isinstance(task_id, str)
    return task_id


# --- the tests ----------------------------------------------------------------------------


def unexplained(differences: list[str]) -> list[str]:
    return [d for d in differences if d not in KNOWN_DIFFERENCES]


@pytest.mark.parametrize("recording", RECORDINGS, ids=[r.name for r in RECORDINGS])
async def test_the_mock_answers_in_the_recorded_shape(
    recording: Recording, http: httpx.AsyncClient, spec: Spec
) -> None:
    status, body, _ = await replay(http, spec, recording)
    differences = answer_differences(recording.response, status, body)
    assert unexplained(differences) == [], f"{recording.name}:\n" + "\n".join(differences)


async def test_every_known_difference_still_occurs(http: httpx.AsyncClient, spec: Spec) -> None:
    seen: set[str] = set()
    for recording in RECORDINGS:
        status, body, _ = await replay(http, spec, recording)
        seen.update(answer_differences(recording.response, status, body))
    assert set(KNOWN_DIFFERENCES) - seen == set(), "stale: remove from KNOWN_DIFFERENCES"


# --- the comparison and the replay can fail ------------------------------------------------


def seed_answer() -> dict[str, Any]:
    answer: dict[str, Any] = Recording.load(SEED).response["body"]
    return answer


def changed(change: Any) -> dict[str, Any]:
    answer: dict[str, Any] = json.loads(json.dumps(seed_answer()))
    change(answer)
    return answer


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda a: a["data"].pop("faild_message"), "$.data.faild_message: recorded, missing"),
        (
            lambda a: a["data"].update(zz_not_a_field="v1"),
            "$.data.zz_not_a_field: in the mock's answer, not in the recording",
        ),
        (
            lambda a: a["data"].update(duration="51"),
            "$.data.duration: recorded a number, the mock answered a string",
        ),
        (
            lambda a: a["data"].update(_id="66ea4dd8"),
            "$.data._id: recorded a 24-hex id string ('66ea4dd87db10c73fa29b570'), "
            "the mock answered a text string ('66ea4dd8')",
        ),
        (
            lambda a: a["data"].update(createdAt="2024-09-18T03:49:44Z"),
            "$.data.createdAt: recorded a ISO time with ms and Z string",
        ),
        (
            lambda a: a["data"].update(source_url="/relative/audio.WAV"),
            "$.data.source_url: recorded a URL string",
        ),
        (
            lambda a: a["data"].update(result_url=None),
            "$.data.result_url: recorded a string, the mock answered a null",
        ),
        (lambda a: a.update(data=[a["data"]]), "$.data: recorded a object, the mock answered"),
    ],
    ids=[
        "missing field",
        "extra field",
        "wrong type",
        "malformed id",
        "time without ms",
        "not a URL",
        "null for string",
        "array for object",
    ],
)
def test_the_comparison_names_the_path_of_each_difference(change: Any, expected: str) -> None:
    differences = shape_differences(seed_answer(), changed(change))
    assert len(differences) == 1, differences
    assert differences[0].startswith(expected), differences


def test_values_that_vary_per_request_are_not_differences() -> None:
    def new_values(answer: dict[str, Any]) -> None:
        answer["data"].update(
            _id="0123456789abcdef01234567",
            user_id="fedcba9876543210fedcba98",
            createdAt="2026-01-02T03:04:05.678Z",
            duration=180.1,
            name="another name",
        )

    assert shape_differences(seed_answer(), changed(new_values)) == []


def test_arrays_compare_every_answered_item_with_the_recorded_one() -> None:
    row = seed_answer()["data"]
    broken = {**row, "current_status": 3}
    assert shape_differences({"rows": [row]}, {"rows": [row, broken]}) == [
        "$.rows[1].current_status: recorded a string, the mock answered a number"
    ]
    assert shape_differences({"rows": [row]}, {"rows": []}) == [
        "$.rows: recorded 1 items, the mock answered none"
    ]


def test_a_different_status_class_or_envelope_is_a_difference() -> None:
    recorded = Recording.load(SEED).response
    error = {"code": 422, "msg": "target_lang: unsupported language", "trace_id": "x"}
    assert answer_differences(recorded, 422, error)[:2] == [
        "status: recorded 200, the mock answered 422",
        "$.code: recorded 0, the mock answered 422",
    ]


def synthetic(
    tmp_path: Path, name: str, request: dict[str, Any], body: Any, *, status: int = 200
) -> Recording:
    """A recording-shaped exchange for this test only (never saved with the real ones)."""
    data = json.loads(SEED.read_text(encoding="utf-8"))
    data["request"] = request
    data["response"] = {"status": status, "headers": {"content-type": "application/json"}}
    data["response"]["body"] = body
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return Recording.load(path)


async def test_a_recorded_read_is_replayed_on_a_task_of_the_mock(
    http: httpx.AsyncClient, spec: Spec, tmp_path: Path
) -> None:
    answer = api.answer_example("dubbing.start")  # a new task's record, as the spec shows it
    detail = synthetic(
        tmp_path,
        "get_dubbing_task.synthetic.json",
        api.recorded_request("dubbing.get", task_id="6" * 24),
        answer,
    )
    status, body, sent = await replay(http, spec, detail)
    asked = api.op("dubbing.get").values(sent)["task_id"]
    assert asked != "6" * 24
    assert (status, body["data"][ID]) == (200, asked)
    assert unexplained(answer_differences(detail.response, status, body)) == []

    deleted = synthetic(
        tmp_path,
        "delete_dubbing_task.synthetic.json",
        api.recorded_request("dubbing.delete", task_id="6" * 24),
        {"code": 0, "data": None},
    )
    status, body, sent = await replay(http, spec, deleted)
    assert api.op("dubbing.delete").values(sent)["task_id"] != "6" * 24
    assert (status, body["code"]) == (200, 0)

    listed = synthetic(
        tmp_path,
        "list_dubbing_tasks.synthetic.json",
        api.recorded_request("dubbing.list", page_size="1"),
        {"code": 0, "data": {"rows": [answer["data"]], "count": 1}},
    )
    status, body, _ = await replay(http, spec, listed)
    assert unexplained(answer_differences(listed.response, status, body)) == []


TRACE = "0b7f3a52-3c1e-4d5e-9f59-2a6c1d9e8b17"  # the spec's example


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (401, {"code": 401, "msg": "invalid token"}),
        (503, {"code": 503, "msg": "service unavailable", "trace_id": TRACE}),
        (429, {"code": 429, "msg": "too many requests", "trace_id": TRACE}),
        (200, {"code": 1001, "msg": "insufficient credits", "trace_id": TRACE}),
    ],
    ids=["401 without a token", "503 by fault", "429 by fault", "code 1001 at HTTP 200"],
)
async def test_a_recorded_error_is_asked_of_the_mock_and_compared(
    status: int, body: dict[str, Any], http: httpx.AsyncClient, spec: Spec, tmp_path: Path
) -> None:
    request = api.recorded_request("account.remaining_coins")
    recording = synthetic(tmp_path, "get_remaining_coins.error.json", request, body, status=status)
    answered, answer, sent = await replay(http, spec, recording)
    assert (answered, answer["code"]) == (status, body["code"])
    assert ("authorization" in sent.headers) == (status != 401)
    differences = answer_differences(recording.response, answered, answer)
    if "trace_id" in body:
        assert differences == []
    else:  # a recorded error without trace_id: the known difference, and only that
        assert differences == list(KNOWN_DIFFERENCES)
