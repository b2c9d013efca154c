"""One stage of `test_drills`, run in a subprocess against the packages on PYTHONPATH (the
mock and client generated from a scratch spec, or the installed ones): it works on one
database and prints what it saw as JSON.

    python _drill.py STAGE DB CLOCK_START SPEC     STAGE: before | fields | status

Paths and parameters come from SPEC (the scratch copy the packages were generated from),
the record's id and status fields from the generated mock (its `_spec.RECORD`).
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import a2e_dubbing
import a2e_dubbing_mock
import httpx
from a2e_dubbing import AsyncA2E
from a2e_dubbing_mock import ManualClock, MockApp, create_app
from a2e_dubbing_mock._spec import RECORD

from contract_tests._api import Call, op
from contract_tests._spec import Spec

TOKEN = "sk_test_alice_0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ID = next(f.name for f in RECORD.fields if f.source == "id")
STATUS = next(f.name for f in RECORD.fields if f.source == "status")
BODY = {"source_url": "https://e.com/talk.mp3", "target_lang": "fr"}
STEP = 1.0  # seconds per step: processing_seconds is STEP times the path's steps


class Drill:
    def __init__(self, db: str, clock: ManualClock, processing_seconds: float, spec: Spec) -> None:
        self.spec = spec
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

    async def call(self, name: str, /, **values: Any) -> Any:
        """The `data` of client method `name`'s operation, called with `values`."""
        target = op(name, self.spec)
        request: Call = target.call(**values)
        async with self.http() as http:
            response = await http.request(**request, headers=AUTH)
        body = response.json()
        self.seen["answers"].append((target.operation_id, response.status_code, body))
        return body.get("data")

    async def start(self, **body: Any) -> dict[str, Any]:
        data: dict[str, Any] = await self.call("dubbing.start", **body)
        return data

    async def get(self, task_id: str) -> dict[str, Any]:
        data: dict[str, Any] = await self.call("dubbing.get", task_id=task_id)
        return data

    async def everything(self) -> list[dict[str, Any]]:
        page = await self.call("dubbing.list", page_size=100)
        return list(page["rows"])

    async def processing(self) -> list[tuple[str, str]]:
        rows = await self.call("dubbing.list_processing")
        return [(row[ID], row[STATUS]) for row in rows]

    async def admin(self, task_id: str, action: str) -> int:
        async with self.http() as http:
            response = await http.post(f"/__mock/tasks/{task_id}/{action}", headers=AUTH)
        return response.status_code


async def before(drill: Drill) -> None:
    """Tasks stored by the mock of the unchanged spec: completed, failed, still sent."""
    done = await drill.start(**BODY, name="done")
    failed = await drill.start(**BODY, name="failed")
    sent = await drill.start(**BODY, name="sent")
    await drill.admin(done[ID], "complete")
    await drill.admin(failed[ID], "fail")
    drill.seen["ids"] = {"done": done[ID], "failed": failed[ID], "sent": sent[ID]}


async def fields(drill: Drill) -> None:
    """After optional fields were added to the request and the record (`voice_id` without a
    default, `speed` with one): old tasks answer, new ones keep what they were given."""
    drill.seen["old"] = await drill.everything()
    given = await drill.start(**BODY, name="given", voice_id="v-1", speed=1.5)
    omitted = await drill.start(**BODY, name="omitted")
    drill.restart()  # what is stored, not what was kept in memory
    drill.seen["given"] = await drill.get(given[ID])
    drill.seen["omitted"] = await drill.get(omitted[ID])
    drill.seen["started"] = {"given": given, "omitted": omitted}
    async with (
        drill.http() as http,
        AsyncA2E(api_key=TOKEN, base_url="http://mock.test", http_client=http) as client,
    ):
        dubbing: Any = client.dubbing  # generated from the scratch spec: typed differently
        task = await dubbing.start(
            source_url=BODY["source_url"], target_lang="fr", voice_id="v-2", speed=0.75
        )
        again = await dubbing.get(task.task_id)
    drill.seen["client"] = {"voice_id": again.voice_id, "speed": again.speed, "id": task.task_id}


async def status(drill: Drill) -> None:
    """After the status word `queued` was added to the enum and to the lifecycle's path."""
    drill.seen["old"] = await drill.everything()
    timed = await drill.start(**BODY, name="timed")
    steps = []
    for _ in range(4):
        listed = dict(await drill.processing())
        shown = (await drill.get(timed[ID]))[STATUS]
        steps.append((shown, listed.get(timed[ID])))
        drill.clock.advance(STEP)
    drill.seen["timed"] = steps
    pushed = await drill.start(**BODY, name="pushed")
    drill.seen["advanced"] = [
        (
            await drill.admin(pushed[ID], "advance"),
            (await drill.get(pushed[ID]))[STATUS],
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
            waited.task_id, timeout=60, poll_interval=0.01, on_update=on_update
        )
    drill.seen["waited"] = {"updates": updates, "result_url": done.result_url}


STAGES = {"before": (before, 4.0), "fields": (fields, 2 * STEP), "status": (status, 3 * STEP)}


async def main(stage: str, db: str, clock_start: float, spec: str) -> None:
    run, processing_seconds = STAGES[stage]
    drill = Drill(db, ManualClock(start=clock_start), processing_seconds, Spec.load(Path(spec)))
    try:
        await run(drill)
    finally:
        drill.app.close()
    print(json.dumps(drill.seen))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]))
