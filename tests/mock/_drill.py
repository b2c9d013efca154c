"""One stage of `test_drills`, run in a subprocess against the packages on PYTHONPATH (the
mock and client generated from a scratch spec, or the installed ones): it works on one
database and prints what it saw as JSON.

    python _drill.py STAGE DB CLOCK_START     STAGE: before | fields | status
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import a2e_dubbing
import a2e_dubbing_mock
import httpx
from a2e_dubbing import AsyncA2E
from a2e_dubbing_mock import ManualClock, MockApp, create_app

TOKEN = "sk_test_alice_0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
START = "/api/v1/userDubbing/startDubbing"
DETAIL = "/api/v1/userDubbing/detail"
LIST = "/api/v1/userDubbing/allRecords"
PROCESSING = "/api/v1/userDubbing/processingRecord"
BODY = {"source_url": "https://e.com/talk.mp3", "target_lang": "fr"}
STEP = 1.0  # seconds per step: processing_seconds is STEP times the path's steps


class Drill:
    def __init__(self, db: str, clock: ManualClock, processing_seconds: float) -> None:
        self.db = db
        self.clock = clock
        self.processing_seconds = processing_seconds
        self.app = self._open()
        self.seen: dict[str, Any] = {
            "mock_package": a2e_dubbing_mock.__file__,
            "client_package": a2e_dubbing.__file__,
            "answers": [],  # (operationId, HTTP status, JSON body) of every API answer
        }

    def _open(self) -> MockApp:
        return create_app(db=self.db, clock=self.clock, processing_seconds=self.processing_seconds)

    def http(self) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=self.app)
        return httpx.AsyncClient(transport=transport, base_url="http://mock.test")

    def restart(self) -> None:
        self.app.close()
        self.app = self._open()

    async def call(self, operation: str, method: str, url: str, **kwargs: Any) -> Any:
        async with self.http() as http:
            response = await http.request(method, url, headers=AUTH, **kwargs)
        body = response.json()
        self.seen["answers"].append((operation, response.status_code, body))
        return body.get("data")

    async def start(self, **body: Any) -> dict[str, Any]:
        data: dict[str, Any] = await self.call("startDubbing", "POST", START, json=body)
        return data

    async def get(self, task_id: str) -> dict[str, Any]:
        data: dict[str, Any] = await self.call(
            "getDubbingTask", "GET", DETAIL, params={"_id": task_id}
        )
        return data

    async def everything(self) -> list[dict[str, Any]]:
        page = await self.call("listDubbingTasks", "GET", LIST, params={"pageSize": 100})
        return list(page["rows"])

    async def processing(self) -> list[tuple[str, str]]:
        rows = await self.call("listProcessingDubbingTasks", "GET", PROCESSING)
        return [(row["_id"], row["current_status"]) for row in rows]

    async def admin(self, task_id: str, action: str) -> int:
        async with self.http() as http:
            response = await http.post(f"/__mock/tasks/{task_id}/{action}", headers=AUTH)
        return response.status_code


async def before(drill: Drill) -> None:
    """Tasks stored by the mock of the unchanged spec: completed, failed, still sent."""
    done = await drill.start(**BODY, name="done")
    failed = await drill.start(**BODY, name="failed")
    sent = await drill.start(**BODY, name="sent")
    await drill.admin(done["_id"], "complete")
    await drill.admin(failed["_id"], "fail")
    drill.seen["ids"] = {"done": done["_id"], "failed": failed["_id"], "sent": sent["_id"]}


async def fields(drill: Drill) -> None:
    """After optional fields were added to the request and the record (`voice_id` without a
    default, `speed` with one): old tasks answer, new ones keep what they were given."""
    drill.seen["old"] = await drill.everything()
    given = await drill.start(**BODY, name="given", voice_id="v-1", speed=1.5)
    omitted = await drill.start(**BODY, name="omitted")
    drill.restart()  # what is stored, not what was kept in memory
    drill.seen["given"] = await drill.get(given["_id"])
    drill.seen["omitted"] = await drill.get(omitted["_id"])
    drill.seen["started"] = {"given": given, "omitted": omitted}
    async with (
        drill.http() as http,
        AsyncA2E(api_key=TOKEN, base_url="http://mock.test", http_client=http) as client,
    ):
        dubbing: Any = client.dubbing  # generated from the scratch spec: typed differently
        task = await dubbing.start(
            source_url=BODY["source_url"], target_lang="fr", voice_id="v-2", speed=0.75
        )
        again = await dubbing.get(task.id)
    drill.seen["client"] = {"voice_id": again.voice_id, "speed": again.speed, "id": task.id}


async def status(drill: Drill) -> None:
    """After the status word `queued` was added to the enum and to the lifecycle's path."""
    drill.seen["old"] = await drill.everything()
    timed = await drill.start(**BODY, name="timed")
    steps = []
    for _ in range(4):
        listed = dict(await drill.processing())
        shown = (await drill.get(timed["_id"]))["current_status"]
        steps.append((shown, listed.get(timed["_id"])))
        drill.clock.advance(STEP)
    drill.seen["timed"] = steps
    pushed = await drill.start(**BODY, name="pushed")
    drill.seen["advanced"] = [
        (
            await drill.admin(pushed["_id"], "advance"),
            (await drill.get(pushed["_id"]))["current_status"],
        )
        for _ in range(4)
    ]
    updates: list[str] = []

    def on_update(task: Any) -> None:
        updates.append(str(task.current_status))
        drill.clock.advance(STEP)

    async with (
        drill.http() as http,
        AsyncA2E(api_key=TOKEN, base_url="http://mock.test", http_client=http) as client,
    ):
        waited = await client.dubbing.start(source_url=BODY["source_url"], target_lang="fr")
        done = await client.dubbing.wait(
            waited.id, timeout=60, poll_interval=0.01, on_update=on_update
        )
    drill.seen["waited"] = {"updates": updates, "result_url": done.result_url}


STAGES = {"before": (before, 4.0), "fields": (fields, 2 * STEP), "status": (status, 3 * STEP)}


async def main(stage: str, db: str, clock_start: float) -> None:
    run, processing_seconds = STAGES[stage]
    drill = Drill(db, ManualClock(start=clock_start), processing_seconds)
    try:
        await run(drill)
    finally:
        drill.app.close()
    print(json.dumps(drill.seen))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], float(sys.argv[3])))
