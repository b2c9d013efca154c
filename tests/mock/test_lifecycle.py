"""sent -> processing -> completed | failed, by time or through /__mock/, and the result file."""

from __future__ import annotations

import hashlib
import io
import wave
from typing import Any

import httpx
import pytest
from a2e_dubbing_mock import ManualClock, MockApp, create_app
from a2e_dubbing_mock._lifecycle import Lifecycle
from a2e_dubbing_mock._task_records import iso_ms

from tests.mock.conftest import (
    AUTH,
    CREATED,
    FAILURE,
    ID,
    OTHER_AUTH,
    PROCESSING,
    RECORD,
    RESULT,
    STATUS,
    TOKEN,
    UPDATED,
    Check,
    get_task,
    start_task,
    unsigned,
)

pytestmark = pytest.mark.anyio


async def detail(client: httpx.AsyncClient, check: Check, task_id: str) -> dict[str, Any]:
    response = await get_task(client, task_id)
    return dict(check("getDubbingTask", response)["data"])


async def admin(
    client: httpx.AsyncClient, task_id: str, action: str, **kwargs: Any
) -> httpx.Response:
    return await client.post(f"/__mock/tasks/{task_id}/{action}", headers=AUTH, **kwargs)


async def test_time_moves_a_task_to_completed(
    client: httpx.AsyncClient, check: Check, clock: ManualClock
) -> None:
    task = await start_task(client)
    clock.advance(1.9)
    still_sent = await detail(client, check, task[ID])
    clock.advance(0.2)
    processing = await detail(client, check, task[ID])
    clock.advance(2.0)
    completed = await detail(client, check, task[ID])
    assert still_sent[STATUS] == "sent"
    assert processing[STATUS] == "processing"
    assert completed[STATUS] == "completed"
    assert unsigned(str(completed[RESULT])) == f"http://mock.test/__mock/results/{task[ID]}.wav"
    assert completed[UPDATED] > processing[UPDATED] > task[CREATED]
    assert completed[FAILURE] == ""


async def test_admin_steps_through_the_lifecycle(client: httpx.AsyncClient, check: Check) -> None:
    task = await start_task(client)
    first = await admin(client, task[ID], "advance")
    second = await admin(client, task[ID], "advance")
    third = await admin(client, task[ID], "advance")
    assert first.json()["data"][STATUS] == "processing"
    assert second.json()["data"][STATUS] == "completed"
    assert third.status_code == 409
    assert (await detail(client, check, task[ID]))[STATUS] == "completed"


async def test_admin_fails_a_task_with_a_message(client: httpx.AsyncClient, check: Check) -> None:
    task = await start_task(client)
    response = await admin(
        client, task[ID], "fail", json={"message": "no speech found", "code": "E_AUDIO"}
    )
    failed = await detail(client, check, task[ID])
    again = await admin(client, task[ID], "complete")
    assert response.status_code == 200
    assert failed[STATUS] == "failed"
    assert [failed[f.wire] for f in RECORD.failure_messages] == ["no speech found"] * len(
        RECORD.failure_messages
    )
    assert [failed[f.wire] for f in RECORD.failure_codes] == ["E_AUDIO"] * len(RECORD.failure_codes)
    assert failed[RESULT] == ""
    assert again.status_code == 409


async def test_fail_without_a_body_uses_a_default_message(
    client: httpx.AsyncClient, check: Check
) -> None:
    task = await start_task(client)
    await admin(client, task[ID], "fail")
    failed = await detail(client, check, task[ID])
    bad = await admin(client, (await start_task(client))[ID], "fail", json={"message": 3})
    assert failed[STATUS] == "failed"
    assert failed[FAILURE]
    assert bad.status_code == 400
    assert bad.json()["msg"].startswith("message:")


async def test_processing_record_is_exactly_the_unfinished_tasks(
    client: httpx.AsyncClient, check: Check
) -> None:
    sent, processing, completed, failed = [await start_task(client) for _ in range(4)]
    await admin(client, processing[ID], "advance")
    await admin(client, completed[ID], "complete")
    await admin(client, failed[ID], "fail")
    answer = check("listProcessingDubbingTasks", await client.get(PROCESSING, headers=AUTH))
    statuses = {t[ID]: t[STATUS] for t in answer["data"]}
    assert statuses == {sent[ID]: "sent", processing[ID]: "processing"}
    assert [t[ID] for t in answer["data"]] == [processing[ID], sent[ID]]  # newest first


async def test_admin_calls_only_touch_the_callers_tasks(client: httpx.AsyncClient) -> None:
    theirs = await start_task(client, OTHER_AUTH)
    response = await admin(client, theirs[ID], "complete")
    anonymous = await client.post(f"/__mock/tasks/{theirs[ID]}/complete")
    assert response.status_code == 404
    assert anonymous.status_code == 401


async def test_reset_forgets_one_tenant_and_reset_all_everyone(client: httpx.AsyncClient) -> None:
    mine = await start_task(client, AUTH)
    theirs = await start_task(client, OTHER_AUTH)
    reset = await client.post("/__mock/reset", headers=AUTH)
    mine_gone = await get_task(client, mine[ID])
    theirs_kept = await get_task(client, theirs[ID], OTHER_AUTH)
    reset_all = await client.post("/__mock/reset-all")
    theirs_gone = await get_task(client, theirs[ID], OTHER_AUTH)
    unauthenticated = await client.post("/__mock/reset")
    assert reset.json()["data"] == {"deleted": 1}
    assert (mine_gone.status_code, theirs_kept.status_code) == (404, 200)
    assert reset_all.json()["data"] == {"deleted": 1}
    assert theirs_gone.status_code == 404
    assert unauthenticated.status_code == 401


async def test_health_and_admin_errors(client: httpx.AsyncClient) -> None:
    health = await client.get("/__mock/health")
    wrong_method = await client.get("/__mock/reset")
    unknown = await client.get("/__mock/nothing")
    assert health.json()["data"] == {"status": "ok"}
    assert health.status_code == 200
    assert wrong_method.status_code == 405
    assert unknown.status_code == 404
    assert unknown.json()["code"] == 404


async def test_the_result_is_a_valid_wav(
    app: MockApp, client: httpx.AsyncClient, check: Check
) -> None:
    task = await start_task(client)
    # signed as the mock would sign it: the task has no result yet
    not_yet = await client.get(app.uploads.signer.url("", f"/__mock/results/{task[ID]}.wav"))
    await admin(client, task[ID], "complete")
    url = (await detail(client, check, task[ID]))[RESULT]
    response = await client.get(str(url))  # a plain GET, no token: a signed URL
    head = await client.head(str(url))
    assert not_yet.status_code == 404
    assert response.status_code == 200
    assert response.headers["content-type"] == "audio/wav"
    with wave.open(io.BytesIO(response.content)) as audio:
        assert audio.getnchannels() == 1
        assert audio.getsampwidth() == 2
        assert 0.5 <= audio.getnframes() / audio.getframerate() <= 5
        assert any(audio.readframes(100))
    assert head.status_code == 200
    assert head.content == b""
    assert int(head.headers["content-length"]) == len(response.content)


async def test_without_processing_time_only_admin_calls_move_tasks(check: Check) -> None:
    clock = ManualClock()
    app = create_app(clock=clock, processing_seconds=None)
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://mock.test") as http:
            task = await start_task(http)
            clock.advance(3600)
            waited = await detail(http, check, task[ID])
            await admin(http, task[ID], "advance")
            clock.advance(3600)
            advanced = await detail(http, check, task[ID])
    finally:
        app.close()
    assert waited[STATUS] == "sent"
    assert advanced[STATUS] == "processing"


async def test_processing_record_follows_time_too(
    client: httpx.AsyncClient, check: Check, clock: ManualClock
) -> None:
    early = await start_task(client)
    clock.advance(3)
    late = await start_task(client)
    halfway = check("listProcessingDubbingTasks", await client.get(PROCESSING, headers=AUTH))
    clock.advance(3)
    later = check("listProcessingDubbingTasks", await client.get(PROCESSING, headers=AUTH))
    assert [(t[ID], t[STATUS]) for t in halfway["data"]] == [
        (late[ID], "sent"),
        (early[ID], "processing"),
    ]
    assert [(t[ID], t[STATUS]) for t in later["data"]] == [(late[ID], "processing")]


async def test_steps_by_time_are_derived_not_written_until_an_admin_change(
    app: MockApp, client: httpx.AsyncClient, clock: ManualClock
) -> None:
    """Reads derive a task's steps by time (no write per step); listing the unfinished
    tasks stores the due steps of the caller's (so that list stays short in the store),
    and an admin change to a task first stores the steps it took."""
    key = hashlib.sha256(TOKEN.encode()).hexdigest()
    task = await start_task(client)
    moving = await start_task(client)
    commits = app.store.commits
    clock.advance(10)
    assert (await get_task(client, task[ID])).json()["data"][STATUS] == "completed"
    assert app.store.commits == commits  # nothing written by reading a task
    stored = app.store.get(key, task[ID])
    assert stored is not None
    assert stored.status == "sent"
    assert [t[ID] for t in (await client.get(PROCESSING, headers=AUTH)).json()["data"]] == []
    stored = app.store.get(key, task[ID])  # listing the unfinished stores their due steps
    assert stored is not None
    assert stored.status == "completed"
    failed = await admin(client, moving[ID], "fail", json={"message": "too late"})
    assert failed.status_code == 409, failed.text  # completed by time, then stored so
    stored = app.store.get(key, moving[ID])
    assert stored is not None
    assert stored.status == "completed"


async def test_due_steps_are_written_a_few_tasks_per_write_until_all_are(
    app: MockApp, client: httpx.AsyncClient, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Lifecycle, "PERSIST_ROWS", 2)
    done = [await start_task(client) for _ in range(5)]
    clock.advance(3)
    halfway = [await start_task(client) for _ in range(3)]
    clock.advance(1.5)
    fresh = [await start_task(client) for _ in range(2)]
    clock.advance(1)  # 4 s of processing: done 5.5 s old, halfway 2.5 s, fresh 1 s
    commits = app.store.commits
    await app.state.lifecycle.catch_up()
    key = hashlib.sha256(TOKEN.encode()).hexdigest()
    stored = {t[ID]: app.store.get(key, t[ID]) for t in done + halfway + fresh}
    status = {task_id: row.status if row else None for task_id, row in stored.items()}
    assert {status[t[ID]] for t in done} == {"completed"}
    assert {status[t[ID]] for t in halfway} == {"processing"}
    assert {status[t[ID]] for t in fresh} == {"sent"}
    assert app.store.commits - commits == 5  # 8 due tasks, 2 per write: 4 full writes + 1
    for task in done:  # what was stored is what the API showed, times included
        shown = await get_task(client, task[ID])
        row = stored[task[ID]]
        assert row is not None
        assert row.next_ms is None
        assert shown.json()["data"][UPDATED] == iso_ms(row.updated_ms)
