"""A model of the mock on a disk that fills up and frees again.

Through any sequence of starts, deletes, advances, resets, uploads, clock ticks and reads,
with the disk going tight (SQLite's page cap: a write needing another page fails), full
(every commit refused with SQLite's own SQLITE_FULL, every file flush with ENOSPC) and back,
and restarts of the mock on the same files, full or not (simulated: `tests/mock/_disk.py`):

- no answer is a 500; a refusal is 503 in A2E's envelope with Retry-After;
- a write answered 200 is there from then on, after the disk frees and after restarts;
- a write answered 503 changed nothing (no task, no spending, no file, no step back);
- reads answer all along, and opening the files on a full disk writes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
from pathlib import Path
from typing import Any

import httpx
from a2e_dubbing_mock import ManualClock, MockApp, create_app
from a2e_dubbing_mock._disk import RETRY_AFTER_SECONDS
from a2e_dubbing_mock._spec import LIFECYCLE
from a2e_dubbing_mock._task_records import cost_for
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
)

from contract_tests._api import call
from tests.mock._disk import files_full, simulated_disk
from tests.mock.conftest import AUTH, COINS, ID, OTHER_AUTH, RECORD, SEED_BODY, START, STATUS
from tests.upload._spec import NAMES, PRESIGN, presign_body

BASE = "http://mock.test"
WHO = (AUTH, OTHER_AUTH)
PATH = LIFECYCLE.path
DURATION = RECORD.duration.wire
PROCESSING_SECONDS = 10.0


class FullDisk(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.stack = contextlib.ExitStack()
        self.folder = Path(self.stack.enter_context(tempfile.TemporaryDirectory()))
        self.db = self.folder / "model.sqlite3"
        self.disk = self.stack.enter_context(simulated_disk())
        self.stack.enter_context(files_full(lambda: self.disk.full))
        self.clock = ManualClock()
        self.tight = False  # the page cap is on (with `disk.full`: every commit fails too)
        self.app, self.http = self._open()
        self.tasks: dict[str, tuple[int, str, int]] = {}  # id -> (who, name, least stage)
        self.spent = [0, 0]
        self.files: dict[str, bytes] = {}  # an uploaded file's URL -> its bytes
        self.pending: list[tuple[str, str, bytes]] = []  # refused uploads: (put, url, bytes)
        self.started = 0
        self.balance = [self._coins(who) for who in range(len(WHO))]
        self._presign()  # the storage's signing key exists before the disk fills

    # The mock, and how it is asked

    def _open(self) -> tuple[MockApp, httpx.AsyncClient]:
        app = create_app(db=self.db, clock=self.clock, processing_seconds=PROCESSING_SECONDS)
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE)
        if self.tight:
            self.run(app.store.cap_pages(0))
        return app, http

    def run(self, work: Any) -> Any:
        return self.loop.run_until_complete(work)

    def send(self, method: str, url: str, **options: Any) -> httpx.Response:
        """One request; never a 500, and a refusal is a full disk's 503."""
        answer: httpx.Response = self.run(self.http.request(method, url, **options))
        event(f"{method} {answer.status_code}")
        assert answer.status_code != 500, answer.text
        if answer.status_code == 503:
            assert answer.headers["retry-after"] == str(RETRY_AFTER_SECONDS)
            body = answer.json()
            assert body["code"] == 503, body
            assert "disk is full" in body["msg"], body
        return answer

    def _coins(self, who: int) -> int:
        answer = self.send("GET", COINS, headers=WHO[who])
        assert answer.status_code == 200, answer.text
        return int(answer.json()["data"]["coins"])

    def _presign(self) -> tuple[str, str]:
        answer = self.send(
            PRESIGN.method.upper(), PRESIGN.path, json=presign_body(), headers=OTHER_AUTH
        )
        assert answer.status_code == 200, answer.text
        data = answer.json()["data"]
        return data[NAMES["put"]], data[NAMES["url"]]

    def _pick(self, index: int) -> str:
        return sorted(self.tasks)[index % len(self.tasks)]

    # Writes

    @rule(who=st.integers(0, 1))
    def start(self, who: int) -> None:
        self.started += 1
        name = f"task {self.started}"
        answer = self.send("POST", START, json={**SEED_BODY, "name": name}, headers=WHO[who])
        assert answer.status_code in (200, 503), answer.text
        if answer.status_code == 200:
            task = answer.json()["data"]
            self.tasks[task[ID]] = (who, name, PATH.index(task[STATUS]))
            self.spent[who] += cost_for(float(task[DURATION]))

    @rule(index=st.integers(0, 10**6))
    def delete(self, index: int) -> None:
        if not self.tasks:  # (a guard, not a precondition: no draw is wasted)
            return
        task_id = self._pick(index)
        who = self.tasks[task_id][0]
        answer = self.send(**call("dubbing.delete", task_id=task_id), headers=WHO[who])
        assert answer.status_code in (200, 503), answer.text
        if answer.status_code == 200:
            del self.tasks[task_id]

    @rule(index=st.integers(0, 10**6))
    def advance(self, index: int) -> None:
        if not self.tasks:
            return
        task_id = self._pick(index)
        who, name, least = self.tasks[task_id]
        answer = self.send("POST", f"/__mock/tasks/{task_id}/advance", headers=WHO[who])
        assert answer.status_code in (200, 409, 503), answer.text
        if answer.status_code == 200:
            stage = PATH.index(answer.json()["data"][STATUS])
            assert stage > least
            self.tasks[task_id] = (who, name, stage)
        elif answer.status_code == 409:  # only a finished task cannot move on
            assert "already" in answer.json()["msg"]

    @rule(who=st.integers(0, 1))
    def reset(self, who: int) -> None:
        answer = self.send("POST", "/__mock/reset", headers=WHO[who])
        assert answer.status_code in (200, 503), answer.text
        if answer.status_code == 200:
            self.tasks = {i: task for i, task in self.tasks.items() if task[0] != who}
            self.spent[who] = 0
            if WHO[who] == OTHER_AUTH:  # its uploaded files go with it
                self.files.clear()

    @rule(size=st.integers(1, 4096))
    def upload(self, size: int) -> None:
        put, url = self._presign()
        self._put(put, url, bytes(range(256)) * (size // 256) + b"x" * (size % 256))

    @rule()
    def upload_again(self) -> None:
        """The URL of a refused upload still takes its one PUT."""
        if self.pending:
            self._put(*self.pending.pop())

    def _put(self, put: str, url: str, content: bytes) -> None:
        answer = self.send("PUT", put, content=content)
        assert answer.status_code in (200, 503), answer.text
        if answer.status_code == 200:
            self.files[url] = content
        else:
            assert self.send("GET", url).status_code == 404  # nothing of it was kept
            self.pending.append((put, url, content))

    @initialize()
    def some_tasks_and_a_file(self) -> None:
        for who in (0, 1, 0, 1):
            self.start(who)
        self.upload(1000)
        assert len(self.tasks) == 4
        assert len(self.files) == 1

    # Time, the disk, restarts

    @rule(seconds=st.sampled_from([1.0, 3.0, PROCESSING_SECONDS]))
    def tick(self, seconds: float) -> None:
        self.clock.advance(seconds)

    @rule(state=st.sampled_from(["free", "tight", "full", "full"]))
    def disk_becomes(self, state: str) -> None:
        self.disk.full = state == "full"
        self.tight = state != "free"
        self.run(self.app.store.cap_pages(0 if self.tight else None))

    @rule()
    def restart(self) -> None:
        self._close()
        self.app, self.http = self._open()
        wal = Path(f"{self.db}-wal")
        assert not wal.exists() or wal.stat().st_size == 0  # opening wrote nothing

    def _close(self) -> None:
        self.run(self.http.aclose())
        self.app.close()

    # What must hold after every step

    @invariant()
    def every_acknowledged_task_is_there_and_never_moves_back(self) -> None:
        for task_id, (who, name, least) in self.tasks.items():
            answer = self.send(**call("dubbing.get", task_id=task_id), headers=WHO[who])
            assert answer.status_code == 200, answer.text
            task = answer.json()["data"]
            assert task["name"] == name
            assert PATH.index(task[STATUS]) >= least

    @invariant()
    def lists_and_spending_match_what_was_acknowledged(self) -> None:
        for who, auth in enumerate(WHO):
            page = self.send(**call("dubbing.list", page_size=100), headers=auth)
            assert page.status_code == 200, page.text
            names = sorted(row["name"] for row in page.json()["data"]["rows"])
            assert names == sorted(name for w, name, _ in self.tasks.values() if w == who)
            assert self._coins(who) == self.balance[who] - self.spent[who]

    @invariant()
    def acknowledged_files_are_served(self) -> None:
        for url, content in self.files.items():
            answer = self.send("GET", url)
            assert answer.status_code == 200, answer.text
            assert answer.content == content

    def teardown(self) -> None:
        try:
            self._close()
            self.loop.close()
        finally:
            self.stack.close()


FullDisk.TestCase.settings = settings(
    max_examples=10,
    stateful_step_count=35,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_the_mock_on_a_filling_disk_agrees_with_a_model = FullDisk.TestCase
