"""The mock as programs that do not use our client call A2E: raw HTTP, in the forms public
code writes (a web app's `fetch`, a `curl` line, a thin wrapper of its own).

Each request is built by hand from the spec's paths (no `a2e_dubbing` here), sent over a
real socket to a mock process, and each answer must be what A2E's envelope and records say:
strictly valid against the spec, or a clear 4xx in the envelope where A2E would refuse.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from a2e_dubbing_mock.pytest_plugin import MockServer

from contract_tests._api import op, record
from contract_tests._recordings import load_recordings
from contract_tests._spec import Spec, load_spec
from contract_tests._strict import StrictValidator

TOKEN = "sk_foreign_caller_0123456789"
BEARER = f"Bearer {TOKEN}"
ID = record().id.wire
STATUS = record().status.wire
SEED = next(r for r in load_recordings() if r.data["source"]["evidence"] == "seed").data
SPEC: Spec = load_spec()
STRICT = StrictValidator(SPEC)
# The operations by role, as the spec names them (the two detail forms are the conflict).
START = op("dubbing.start")
DETAIL_QUERY = op("dubbing.get")  # /detail?_id= : what our client calls
DETAIL_PATH = op("getDubbingTaskByPath")  # /{_id} : what two public clients call
DELETE = op("dubbing.delete")
LIST = op("dubbing.list")
COINS = op("account.remaining_coins")


@pytest.fixture
def http(a2e_mock_server: MockServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=a2e_mock_server.url, timeout=10) as client:
        yield client


def conforms(operation_id: str, response: httpx.Response) -> dict[str, Any]:
    """The answer is strictly what the spec says for this operation and status."""
    body: dict[str, Any] = response.json()
    violations = STRICT.check_response(SPEC.operation(operation_id), response.status_code, body)
    assert violations == [], [str(v) for v in violations]
    return body


def refused(response: httpx.Response, status: int, says: str) -> None:
    """A clear refusal: the status, A2E's envelope with that code, and what was wrong."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == status, body
    assert says in body["msg"], body


def start(http: httpx.Client) -> dict[str, Any]:
    request = SEED["request"]
    answer = http.post(request["path"], json=request["body"], headers={"Authorization": BEARER})
    data: dict[str, Any] = conforms(START.operation_id, answer)["data"]
    return data


def test_the_seeds_own_request_is_answered_as_the_seed_recorded(http: httpx.Client) -> None:
    request, recorded = SEED["request"], SEED["response"]["body"]["data"]
    response = http.request(
        request["method"],
        request["path"],
        headers={**request["headers"], "Authorization": BEARER},
        content=json.dumps(request["body"]),
    )
    data = conforms(START.operation_id, response)["data"]
    assert response.status_code == SEED["response"]["status"]
    assert list(data) == list(recorded)  # the same fields, in the recorded order
    made = {ID, "user_id", "createdAt", "updatedAt", "duration"}  # the server's own values
    assert {k: v for k, v in data.items() if k not in made} == {
        k: v for k, v in recorded.items() if k not in made
    }  # status "sent", source_lang "auto" although the request said "zh", faild_message ""


def test_both_detail_forms_answer_the_same_record(http: httpx.Client) -> None:
    task = start(http)
    auth = {"Authorization": BEARER}
    by_query = conforms(
        DETAIL_QUERY.operation_id, http.get(DETAIL_QUERY.path, params={ID: task[ID]}, headers=auth)
    )
    by_path = conforms(
        DETAIL_PATH.operation_id,
        http.get(DETAIL_PATH.path.replace("{" + ID + "}", task[ID]), headers=auth),
    )
    assert by_path["data"] == by_query["data"]
    assert by_path["data"][ID] == task[ID]


def test_polling_by_path_until_the_task_is_gone(http: httpx.Client) -> None:
    """A web app's loop: poll `/{_id}`, then delete it; the poll then says 404, not 405."""
    task = start(http)
    auth = {"Authorization": BEARER}
    at = DETAIL_PATH.path.replace("{" + ID + "}", task[ID])
    assert conforms(DETAIL_PATH.operation_id, http.get(at, headers=auth))["data"][STATUS]
    assert http.request(DELETE.method, at, headers=auth).status_code == 200
    refused(http.get(at, headers=auth), 404, ID)


def test_page_numbers_sent_as_strings(http: httpx.Client) -> None:
    start(http)
    answer = http.get(
        LIST.path, params={"pageNum": "1", "pageSize": "10"}, headers={"Authorization": BEARER}
    )
    page = conforms(LIST.operation_id, answer)["data"]
    assert page["count"] >= 1
    assert len(page["rows"]) >= 1
    refused(
        http.get(
            LIST.path,
            params={"pageNum": "one", "pageSize": "10"},
            headers={"Authorization": BEARER},
        ),
        400,
        "pageNum",
    )


@pytest.mark.parametrize(
    "headers",
    [
        {"authorization": BEARER, "content-type": "application/json; charset=utf-8"},
        {"AUTHORIZATION": BEARER, "CONTENT-TYPE": "application/json;charset=UTF-8"},
        {"Authorization": BEARER, "Content-Type": "application/json", "x-lang": "en-US"},
        {"Authorization": f"bearer {TOKEN}", "Content-Type": "application/json"},
    ],
    ids=["lower-case, charset", "upper-case, charset without space", "x-lang header", "bearer"],
)
def test_header_forms_browsers_and_wrappers_send(
    http: httpx.Client, headers: dict[str, str]
) -> None:
    request = SEED["request"]
    answer = http.post(
        request["path"], content=json.dumps(request["body"]).encode(), headers=headers
    )
    assert conforms(START.operation_id, answer)["data"][STATUS]


def test_trailing_slashes_reach_the_same_operation(http: httpx.Client) -> None:
    task = start(http)
    auth = {"Authorization": BEARER}
    for path, params in (
        (COINS.path, {}),
        (LIST.path, {"pageNum": "1", "pageSize": "5"}),
        (DETAIL_QUERY.path, {ID: task[ID]}),
        (DETAIL_PATH.path.replace("{" + ID + "}", task[ID]), {}),
    ):
        plain = http.get(path, params=params, headers=auth)
        slashed = http.get(path + "/", params=params, headers=auth)
        assert slashed.status_code == plain.status_code == 200, (path, slashed.text)
        assert slashed.json()["data"] == plain.json()["data"]
    request = SEED["request"]
    answer = http.post(request["path"] + "/", json=request["body"], headers=auth)
    assert conforms(START.operation_id, answer)["data"][STATUS]


def test_what_a2e_would_refuse_is_a_clear_4xx_in_the_envelope(http: httpx.Client) -> None:
    request = SEED["request"]
    # fetch() with a string body and no Content-Type sends text/plain
    plain_text = http.post(
        request["path"],
        content=json.dumps(request["body"]),
        headers={"Authorization": BEARER, "Content-Type": "text/plain;charset=UTF-8"},
    )
    refused(plain_text, 415, "application/json")
    refused(http.get(COINS.path, headers={"Authorization": TOKEN}), 401, "Bearer")  # no scheme
    refused(http.get(COINS.path), 401, "Authorization")
    at = DETAIL_PATH.path.replace("{" + ID + "}", "not-an-object-id")
    refused(http.get(at, headers={"Authorization": BEARER}), 400, ID)
    unknown = DETAIL_PATH.path.replace("{" + ID + "}", "0" * 24)
    refused(http.get(unknown, headers={"Authorization": BEARER}), 404, ID)
    wrong_method = http.post(
        DETAIL_PATH.path.replace("{" + ID + "}", "0" * 24), headers={"Authorization": BEARER}
    )
    refused(wrong_method, 405, "GET")


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed on this machine")
def test_the_seeds_curl_line(a2e_mock_server: MockServer) -> None:
    """The request as A2E's page shows it, sent by curl itself."""
    request = SEED["request"]
    result = subprocess.run(
        [
            "curl", "-sS", "--max-time", "10", "-X", request["method"],
            f"{a2e_mock_server.url}{request['path']}",
            "-H", f"Authorization: {BEARER}", "-H", "Content-Type: application/json",
            "-d", json.dumps(request["body"]),
            "-w", "\n%{http_code}",
        ],
        capture_output=True, text=True, check=False, timeout=30,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    body, _, status = result.stdout.rpartition("\n")
    assert status == "200"
    answer = json.loads(body)
    assert answer["code"] == 0
    assert answer["data"][STATUS] == SEED["response"]["body"]["data"][STATUS]
