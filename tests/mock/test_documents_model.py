"""Tasks stored as documents agree with a model through any sequence of starts (with or
without each optional field), failures, completions, deletes and reopenings of the file:
every acknowledged task answers exactly what was asked and what happened to it."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import Any

from a2e_dubbing_mock._ids import new_id
from a2e_dubbing_mock._spec import LIFECYCLE
from a2e_dubbing_mock._store import Change, Store
from a2e_dubbing_mock._task_records import (
    DOC_FAILURE_CODE,
    DOC_FAILURE_MESSAGE,
    UNFINISHED,
    cost_of,
    new_task,
    record,
)
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    rule,
)

from contract_tests._api import record as record_fields

RECORD = record_fields()
TENANTS = ("a" * 64, "b" * 64)
AT = 1_726_631_384_704
BASE = "http://mock.test"


def result_url(task_id: str) -> str:
    """What `record` is given to sign a result URL with (signing is `_signing`'s test)."""
    return f"{BASE}/signed/{task_id}"


requests = st.fixed_dictionaries(
    {"source_url": st.sampled_from(["https://e.com/a.mp3", "https://e.com/b.wav"])},
    optional={
        "name": st.text(max_size=8),
        "source_lang": st.sampled_from(["auto", "zh", "en"]),
        "num_speakers": st.integers(min_value=1, max_value=50),
        "drop_background_audio": st.booleans(),
    },
).map(lambda body: {"target_lang": "fr", **body})


def expected(task_id: str, body: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
    """The answer, written from the spec's rules: the request's fields (its defaults where
    absent, `name` "" per x-a2e-mock), source_lang always `auto`, then what happened (the
    record's fields by their role)."""
    status = state["status"]
    failed = status == LIFECYCLE.failure
    answer = {
        "name": body.get("name", ""),
        "source_url": body["source_url"],
        RECORD.status.wire: status,
        "source_lang": "auto",
        "target_lang": "fr",
        "num_speakers": body.get("num_speakers", 1),
        "drop_background_audio": body.get("drop_background_audio", False),
        RECORD.result.wire: result_url(task_id) if status == LIFECYCLE.result else "",
        RECORD.id.wire: task_id,
    }
    for field in RECORD.failure_messages:
        if field.when is None or failed:
            answer[field.wire] = state.get("message", "") if failed else ""
    for field in RECORD.failure_codes:
        if field.when is None or failed:
            answer[field.wire] = state.get("code") if failed else None
    return answer


class Documents(RuleBasedStateMachine):
    tasks = Bundle("tasks")

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.folder = tempfile.TemporaryDirectory()
        self.path = Path(self.folder.name) / "model.sqlite3"
        self.store = Store(self.path)
        self.model: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = {}
        self.clock = AT

    def run(self, work: Any) -> Any:
        return self.loop.run_until_complete(work)

    @rule(target=tasks, tenant=st.sampled_from(TENANTS), body=requests)
    def start(self, tenant: str, body: dict[str, Any]) -> str:
        self.clock += 1000
        defaulted = {"source_lang": "auto", "num_speakers": 1, "drop_background_audio": False}
        row = new_task(new_id(self.clock / 1000), self.clock, {**defaulted, **body}, None)
        stored = self.run(self.store.insert(tenant, row, cost_of(row)))
        self.model[stored.id] = (tenant, body, {"status": LIFECYCLE.initial})
        return str(stored.id)

    @rule(
        task_id=tasks,
        message=st.none() | st.text(max_size=20),
        code=st.none() | st.sampled_from(["E_AUDIO", ""]),
    )
    def fail(self, task_id: str, message: str | None, code: str | None) -> None:
        self.change(
            task_id, LIFECYCLE.failure, {DOC_FAILURE_MESSAGE: message, DOC_FAILURE_CODE: code}
        )

    @rule(task_id=tasks, word=st.sampled_from(LIFECYCLE.path[1:]))
    def move(self, task_id: str, word: str) -> None:
        self.change(task_id, word, {})

    def change(self, task_id: str, word: str, made: dict[str, Any]) -> None:
        if task_id not in self.model:
            return
        tenant, _, state = self.model[task_id]
        self.clock += 10
        change = Change(UNFINISHED, word, self.clock, None, made)
        changed, _ = self.run(self.store.transition(tenant, task_id, change))
        assert changed == (state["status"] in UNFINISHED)
        if changed:
            state["status"] = word
            if made:
                state["message"] = made[DOC_FAILURE_MESSAGE] or ""
                state["code"] = made[DOC_FAILURE_CODE]

    @rule(task_id=consumes(tasks))
    def delete(self, task_id: str) -> None:
        tenant = self.model.pop(task_id)[0]
        other = TENANTS[1 - TENANTS.index(tenant)]
        assert not self.run(self.store.delete(other, task_id))
        assert self.run(self.store.delete(tenant, task_id))

    @rule()
    def reopen(self) -> None:
        self.store.close()
        self.store = Store(self.path)

    @invariant()
    def every_task_answers_what_was_asked_and_what_happened(self) -> None:
        for task_id, (tenant, body, state) in self.model.items():
            row = self.store.get(tenant, task_id)
            assert row is not None, task_id
            answer = record(row, "u" * 24, result_url)
            made_up = (RECORD.duration, RECORD.tenant, RECORD.created, RECORD.updated)
            for made in (field.wire for field in made_up):
                assert made in answer
                del answer[made]
            assert answer == expected(task_id, body, state)
        for tenant in TENANTS:
            listed = [r.id for r in self.store.unfinished(tenant, 0, None)]  # no steps by time
            assert sorted(listed) == sorted(
                i
                for i, (t, _, s) in self.model.items()
                if t == tenant and s["status"] in UNFINISHED
            )

    def teardown(self) -> None:
        self.store.close()
        self.loop.close()
        self.folder.cleanup()


Documents.TestCase.settings = settings(max_examples=25, stateful_step_count=30, deadline=None)
test_documents_agree_with_a_model = Documents.TestCase
