"""Every operation of the spec, in-process, answered in A2E's envelope and strictly valid."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from a2e_dubbing_mock import LANGUAGES as MOCK_LANGUAGES

from contract_tests._api import answer_example, call, lifecycle, op, operations
from contract_tests._spec import Spec
from tests.mock.conftest import (
    AUTH,
    COINS,
    ID,
    LANGUAGES,
    PROCESSING,
    RECORD,
    SEED_BODY,
    START,
    TRANSFER,
    Check,
    delete_task,
    get_task,
    start_task,
    unsigned,
)

pytestmark = pytest.mark.anyio
ISO_MS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
HEX24 = re.compile(r"[0-9a-f]{24}")


def seed_answer() -> dict[str, Any]:
    """The spec's first example answer of start dubbing: the seed's recorded answer."""
    return dict(answer_example("dubbing.start"))


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
    assert data[RECORD.status.wire] == seed["data"][RECORD.status.wire] == lifecycle().initial
    assert data["source_lang"] == "auto"  # as recorded, although the request said zh
    assert data[RECORD.failure.wire] == ""
    assert data[RECORD.result.wire] == ""
    assert HEX24.fullmatch(data[ID])
    assert HEX24.fullmatch(data[RECORD.tenant.wire])
    assert ISO_MS.fullmatch(data[RECORD.created.wire])
    assert data[RECORD.created.wire] == data[RECORD.updated.wire]
    assert isinstance(data[RECORD.duration.wire], int | float)
    assert data[RECORD.duration.wire] > 0
    echoed = [f.wire for f in RECORD.roles["request"]]
    assert len(echoed) >= 5
    for field in echoed:
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
    response = await get_task(client, task[ID])
    assert check("getDubbingTask", response)["data"] == task


async def test_list_pages_newest_first_with_the_total(
    client: httpx.AsyncClient, check: Check, clock: Any
) -> None:
    ids = []
    for number in range(5):
        ids.append((await start_task(client, name=f"task {number}"))[ID])
        clock.advance(0.001 * (number % 2))  # some share a millisecond: order still holds
    newest_first = ids[::-1]

    async def page(**values: Any) -> Any:
        answer = await client.request(**call("dubbing.list", **values), headers=AUTH)
        return check("listDubbingTasks", answer)

    page1 = await page(page_size=2)
    page3 = await page(page_size="2", page_num="3")
    beyond = await page(page_num=9)
    default = await page()
    assert [r[ID] for r in page1["data"]["rows"]] == newest_first[:2]
    assert [r[ID] for r in page3["data"]["rows"]] == newest_first[4:]
    assert beyond["data"] == {"rows": [], "count": 5}
    assert [r[ID] for r in default["data"]["rows"]] == newest_first  # pageSize 10
    assert page1["data"]["count"] == page3["data"]["count"] == 5


async def test_processing_record_lists_the_unfinished_tasks(
    client: httpx.AsyncClient, check: Check
) -> None:
    empty = check("listProcessingDubbingTasks", await client.get(PROCESSING, headers=AUTH))
    task = await start_task(client)
    running = check("listProcessingDubbingTasks", await client.get(PROCESSING, headers=AUTH))
    assert empty["data"] == []
    assert [t[ID] for t in running["data"]] == [task[ID]]


async def test_delete_removes_the_record(client: httpx.AsyncClient, check: Check) -> None:
    task = await start_task(client)
    deleted = check("deleteDubbingTask", await delete_task(client, task[ID]))
    again = await delete_task(client, task[ID])
    gone = await get_task(client, task[ID])
    assert deleted == {"code": 0, "data": None, "trace_id": deleted["trace_id"]}
    assert check("deleteDubbingTask", again)["code"] == 404 == again.status_code
    assert check("getDubbingTask", gone)["msg"].startswith(f"{ID}:")
    assert gone.status_code == 404


async def test_remaining_coins_start_at_the_spec_example_and_fall_with_each_start(
    client: httpx.AsyncClient, check: Check
) -> None:
    example = answer_example("account.remaining_coins")["data"]
    before = check("getRemainingCoins", await client.get(COINS, headers=AUTH))["data"]
    task = await start_task(client)
    after = check("getRemainingCoins", await client.get(COINS, headers=AUTH))["data"]
    assert before == example
    cost = -(-task[RECORD.duration.wire] // 60)  # one coin per started minute
    assert after == {"coins": example["coins"] - cost, "diamonds": example["diamonds"]}


async def test_language_list_is_the_accepted_set(
    client: httpx.AsyncClient, check: Check, spec: Spec
) -> None:
    english = check("listLanguages", await client.get(LANGUAGES, headers=AUTH))["data"]
    chinese = check(
        "listLanguages", await client.get(LANGUAGES, params={"lang": "zh"}, headers=AUTH)
    )["data"]
    schema = spec.document["components"]["schemas"]["LanguageCode"]
    codes = [item["value"] for item in english]
    assert codes == schema["enum"] == list(MOCK_LANGUAGES)  # the spec's list, in its order
    assert {"en", "zh", "ar", "ja", "es", "de", "fr"} <= set(codes)
    names = schema["x-a2e-labels"]
    assert [i["label"] for i in english] == [names[code]["en"] for code in codes]
    assert [i["label"] for i in chinese] == [names[code]["zh"] for code in codes]
    assert [i["value"] for i in chinese] == codes
    for code in codes:  # every listed language is accepted as target and source
        task = await start_task(client, target_lang=code, source_lang=code)
        assert task["target_lang"] == code


async def test_a_code_the_spec_does_not_list_is_refused_saying_where_the_list_is(
    client: httpx.AsyncClient, spec: Spec
) -> None:
    schema = spec.document["components"]["schemas"]["LanguageCode"]
    unlisted = next(code for code in ("xx", "qq", "zz-ZZ") if code not in schema["enum"])
    for field in ("target_lang", "source_lang"):
        extra = {field: unlisted} if field != "target_lang" else {}
        body = {"source_url": "https://example.com/a.mp3", "target_lang": unlisted, **extra}
        if field == "source_lang":
            body["target_lang"] = schema["enum"][0]
        answer = await client.post(START, json=body, headers=AUTH)
        assert answer.status_code == 422, answer.text
        message = answer.json()["msg"]
        assert f"{field}: unsupported language (see GET {LANGUAGES})" in message, message
        assert unlisted not in message  # values sent are never echoed back


async def test_transfer_to_storage_answers_a_url(client: httpx.AsyncClient, check: Check) -> None:
    response = await client.post(
        TRANSFER, json={"url": "https://example.com/media/interview.mp3"}, headers=AUTH
    )
    url = unsigned(check("transferToStorage", response)["data"]["url"])
    assert url.startswith("http://mock.test/__mock/storage/")
    assert url.endswith("/interview.mp3")


async def test_unknown_path_and_wrong_method_answer_envelopes(client: httpx.AsyncClient) -> None:
    unknown = await client.get("/zz-no-such-path", headers=AUTH)
    wrong = await client.get(START, headers=AUTH)
    templated_op = next(o for o in operations() if "{" in o.path)
    templated_url = templated_op.url(
        **{p.keyword: "66ea4dd87db10c73fa29b570" for p in templated_op.params if p.where == "path"}
    )
    templated = await client.put(templated_url, headers=AUTH)
    assert unknown.status_code == 404
    assert unknown.json()["code"] == 404
    assert wrong.status_code == 405
    assert wrong.json()["code"] == 405
    assert wrong.headers["allow"] == op("dubbing.start").method  # the one method of its path
    assert templated.status_code == 405
    assert templated.headers["allow"] == ", ".join(  # every method of the path, none other
        sorted(o.method for o in operations() if o.path == templated_op.path)
    )
    for response in (unknown, wrong, templated):
        assert set(response.json()) == {"code", "msg", "trace_id"}
