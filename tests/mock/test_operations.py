"""Every operation of the spec, in-process, answered in A2E's envelope and strictly valid."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from a2e_dubbing_mock import LANGUAGES as MOCK_LANGUAGES

from contract_tests._spec import Spec
from tests.mock.conftest import (
    AUTH,
    COINS,
    DETAIL,
    LANGUAGES,
    LIST,
    PROCESSING,
    SEED_BODY,
    START,
    TRANSFER,
    Check,
    start_task,
    task_path,
)

pytestmark = pytest.mark.anyio
ISO_MS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
HEX24 = re.compile(r"[0-9a-f]{24}")


def seed_answer() -> dict[str, Any]:
    import json
    from pathlib import Path

    path = Path(__file__).parents[2] / "contract_tests" / "recordings" / "start_dubbing.seed.json"
    return dict(json.loads(path.read_text())["response"]["body"])


async def test_start_dubbing_answers_like_the_seed_recording(
    client: httpx.AsyncClient, check: Check
) -> None:
    response = await client.post(START, json=SEED_BODY, headers=AUTH)
    assert response.status_code == 200
    body = check("startDubbing", response)
    seed = seed_answer()
    assert list(body) == ["code", "data", "trace_id"]
    assert body["code"] == 0
    data = body["data"]
    assert list(data) == list(seed["data"])  # the same fields, in the recorded order
    assert data["current_status"] == "sent"
    assert data["source_lang"] == "auto"  # as recorded, although the request said zh
    assert data["faild_message"] == ""
    assert data["result_url"] == ""
    assert HEX24.fullmatch(data["_id"])
    assert HEX24.fullmatch(data["user_id"])
    assert ISO_MS.fullmatch(data["createdAt"])
    assert data["createdAt"] == data["updatedAt"]
    assert isinstance(data["duration"], int | float)
    assert data["duration"] > 0
    for field in ("name", "source_url", "target_lang", "num_speakers", "drop_background_audio"):
        assert data[field] == seed["data"][field]


async def test_start_applies_the_spec_defaults(client: httpx.AsyncClient, check: Check) -> None:
    response = await client.post(
        START, json={"source_url": "https://example.com/a.mp3", "target_lang": "ja"}, headers=AUTH
    )
    data = check("startDubbing", response)["data"]
    assert (data["num_speakers"], data["drop_background_audio"]) == (1, False)
    assert data["name"] == ""


async def test_duration_is_repeatable_for_one_source(client: httpx.AsyncClient) -> None:
    first = await start_task(client)
    second = await start_task(client)
    other = await start_task(client, source_url="https://example.com/other.wav")
    assert first["duration"] == second["duration"]
    assert first["_id"] != second["_id"]
    assert other["duration"] != first["duration"]


async def test_get_details_returns_the_record(client: httpx.AsyncClient, check: Check) -> None:
    task = await start_task(client)
    response = await client.get(DETAIL, params={"_id": task["_id"]}, headers=AUTH)
    assert check("getDubbingTask", response)["data"] == task


async def test_list_pages_newest_first_with_the_total(
    client: httpx.AsyncClient, check: Check, clock: Any
) -> None:
    ids = []
    for number in range(5):
        ids.append((await start_task(client, name=f"task {number}"))["_id"])
        clock.advance(0.001 * (number % 2))  # some share a millisecond: order still holds
    newest_first = ids[::-1]
    page1 = check("listDubbingTasks", await client.get(LIST, params={"pageSize": 2}, headers=AUTH))
    page3 = check(
        "listDubbingTasks",
        await client.get(LIST, params={"pageSize": "2", "pageNum": "3"}, headers=AUTH),
    )
    beyond = check("listDubbingTasks", await client.get(LIST, params={"pageNum": 9}, headers=AUTH))
    default = check("listDubbingTasks", await client.get(LIST, headers=AUTH))
    assert [r["_id"] for r in page1["data"]["rows"]] == newest_first[:2]
    assert [r["_id"] for r in page3["data"]["rows"]] == newest_first[4:]
    assert beyond["data"] == {"rows": [], "count": 5}
    assert [r["_id"] for r in default["data"]["rows"]] == newest_first  # pageSize 10
    assert page1["data"]["count"] == page3["data"]["count"] == 5


async def test_processing_record_lists_the_unfinished_tasks(
    client: httpx.AsyncClient, check: Check
) -> None:
    empty = check("listProcessingDubbingTasks", await client.get(PROCESSING, headers=AUTH))
    task = await start_task(client)
    running = check("listProcessingDubbingTasks", await client.get(PROCESSING, headers=AUTH))
    assert empty["data"] == []
    assert [t["_id"] for t in running["data"]] == [task["_id"]]


async def test_delete_removes_the_record(client: httpx.AsyncClient, check: Check) -> None:
    task = await start_task(client)
    deleted = check("deleteDubbingTask", await client.delete(task_path(task["_id"]), headers=AUTH))
    again = await client.delete(task_path(task["_id"]), headers=AUTH)
    gone = await client.get(DETAIL, params={"_id": task["_id"]}, headers=AUTH)
    assert deleted == {"code": 0, "data": None, "trace_id": deleted["trace_id"]}
    assert check("deleteDubbingTask", again)["code"] == 404 == again.status_code
    assert check("getDubbingTask", gone)["msg"].startswith("_id:")
    assert gone.status_code == 404


async def test_remaining_coins_start_at_the_spec_example_and_fall_with_each_start(
    client: httpx.AsyncClient, check: Check, spec: Spec
) -> None:
    example = spec.operation("getRemainingCoins").definition["responses"]["200"]["content"][
        "application/json"
    ]["examples"]["balance"]["value"]["data"]
    before = check("getRemainingCoins", await client.get(COINS, headers=AUTH))["data"]
    task = await start_task(client)
    after = check("getRemainingCoins", await client.get(COINS, headers=AUTH))["data"]
    assert before == example
    cost = -(-task["duration"] // 60)  # one coin per started minute
    assert after == {"coins": example["coins"] - cost, "diamonds": example["diamonds"]}


async def test_language_list_is_the_accepted_set(
    client: httpx.AsyncClient, check: Check, spec: Spec
) -> None:
    english = check("listLanguages", await client.get(LANGUAGES, headers=AUTH))["data"]
    chinese = check(
        "listLanguages", await client.get(LANGUAGES, params={"lang": "zh"}, headers=AUTH)
    )["data"]
    pattern = re.compile(spec.document["components"]["schemas"]["LanguageCode"]["pattern"])
    codes = [item["value"] for item in english]
    assert codes == [code for code, _, _ in MOCK_LANGUAGES]
    assert {"en", "zh", "ar", "ja", "es", "de", "fr"} <= set(codes)
    assert all(pattern.fullmatch(code) for code in codes)
    assert [i["value"] for i in chinese] == codes
    assert english[0]["label"] == "English"
    assert chinese[0]["label"] != "English"
    for code in codes:  # every listed language is accepted as target and source
        task = await start_task(client, target_lang=code, source_lang=code)
        assert task["target_lang"] == code


async def test_transfer_to_storage_answers_a_url(client: httpx.AsyncClient, check: Check) -> None:
    response = await client.post(
        TRANSFER, json={"url": "https://example.com/media/interview.mp3"}, headers=AUTH
    )
    url = check("transferToStorage", response)["data"]["url"]
    assert url.startswith("http://mock.test/__mock/storage/")
    assert url.endswith("/interview.mp3")


async def test_unknown_path_and_wrong_method_answer_envelopes(client: httpx.AsyncClient) -> None:
    unknown = await client.get("/api/v1/nothing", headers=AUTH)
    wrong = await client.get(START, headers=AUTH)
    templated = await client.put(task_path("66ea4dd87db10c73fa29b570"), headers=AUTH)
    assert unknown.status_code == 404
    assert unknown.json()["code"] == 404
    assert wrong.status_code == 405
    assert wrong.json()["code"] == 405
    assert wrong.headers["allow"] == "POST"
    assert templated.status_code == 405
    assert templated.headers["allow"] == "DELETE"
    for response in (unknown, wrong, templated):
        assert set(response.json()) == {"code", "msg", "trace_id"}
