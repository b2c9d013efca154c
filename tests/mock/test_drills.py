"""Drills of issue 12: the API changes, only a scratch copy of the spec is edited (no line of
Python, template or runtime), the packages are generated into a temporary folder and run
from there on one database that lives through every generation.

(a) an optional field added to the start request and to the task record is stored,
    answered and offered by the client; (b) a status word added to the enum and to the
    lifecycle's path is used by the mock (by time, by admin steps, through the client's
    wait) and listed as processing; (c) the database written before (a) keeps answering
    after (a) and (b): old tasks without the new field, or with its default.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from contract_tests._spec import Spec
from contract_tests._strict import StrictValidator
from generator._build import REPO_ROOT, SPEC_PATH, build
from tests.mock.conftest import ID, RECORD, STATUS, unsigned

DRILL = Path(__file__).with_name("_drill.py")
AT = 1_726_631_384.704
Document = dict[str, Any]


def add_fields(document: Document) -> None:
    """A2E adds `voice_id` (no default) and `speed` (default 1) to start and to the record."""
    schemas = document["components"]["schemas"]
    schemas["StartDubbingRequest"]["properties"].update(
        voice_id={"type": "string", "maxLength": 64, "description": "A voice to speak with."},
        speed={"type": "number", "minimum": 0.5, "maximum": 2, "default": 1},
    )
    schemas["DubbingTask"]["properties"].update(
        voice_id={"type": "string"}, speed={"type": "number"}
    )


def add_status(document: Document) -> None:
    """A2E adds `queued`, between `sent` and `processing`."""
    status = document["components"]["schemas"]["DubbingStatus"]
    status["enum"].append("queued")
    status["x-a2e-lifecycle"]["path"] = ["sent", "queued", "processing", "completed"]
    status["x-a2e-lifecycle"]["unfinished"].append("queued")


class Generation:
    """The packages generated from a scratch copy of the spec, and that copy's validator."""

    def __init__(self, root: Path, edits: list[Callable[[Document], None]]) -> None:
        document = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
        for edit in edits:
            edit(document)
        root.mkdir()
        self.spec_path = root / "a2e-dubbing.yaml"
        self.spec_path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
        started = time.perf_counter()
        build(self.spec_path, root / "generated")
        self.seconds = time.perf_counter() - started
        self.packages = [root / "generated" / "mock", root / "generated" / "client"]
        self.strict = StrictValidator(Spec(copy.deepcopy(document), path=self.spec_path))
        self.spec = Spec(document, path=self.spec_path)

    def check(self, answers: list[Any]) -> None:
        """Every answer conforms strictly to this generation's spec."""
        for operation, status, body in answers:
            op = self.spec.operation(operation)
            violations = self.strict.check_response(op, status, body)
            assert violations == [], (operation, [str(v) for v in violations])


def run(stage: str, db: Path, clock_start: float, generation: Generation | None) -> Any:
    """One stage of the drill in a subprocess, on `generation`'s packages (None: installed)."""
    env = dict(os.environ)
    # the generation's packages first (None: the installed ones); the tests' helpers from
    # this checkout
    packages = [] if generation is None else generation.packages
    env["PYTHONPATH"] = os.pathsep.join(map(str, [*packages, REPO_ROOT]))
    spec = SPEC_PATH if generation is None else generation.spec_path
    done = subprocess.run(
        [sys.executable, str(DRILL), stage, str(db), str(clock_start), str(spec)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout)
    if generation is not None:  # the packages of the scratch spec, not the installed ones
        assert seen["mock_package"].startswith(str(generation.packages[0]))
        assert seen["client_package"].startswith(str(generation.packages[1]))
    return seen


@pytest.fixture(scope="module")
def generations(tmp_path_factory: pytest.TempPathFactory) -> tuple[Generation, Generation]:
    root = tmp_path_factory.mktemp("drills")
    fields = Generation(root / "a", [add_fields])
    status = Generation(root / "b", [add_fields, add_status])
    print(f"generation of the scratch specs: {fields.seconds:.1f} s, {status.seconds:.1f} s")
    return fields, status


@pytest.fixture(scope="module")
def drill(
    generations: tuple[Generation, Generation], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """The three stages on one database: before the change, after (a), after (a) and (b)."""
    fields, status = generations
    db = tmp_path_factory.mktemp("drill-db") / "mock.sqlite3"
    before = run("before", db, AT, None)
    after_fields = run("fields", db, AT + 60, fields)
    after_status = run("status", db, AT + 120, status)
    fields.check(after_fields["answers"])
    status.check(after_status["answers"])
    return {"before": before, "fields": after_fields, "status": after_status}


def test_a_field_added_to_request_and_record_is_stored_and_answered(
    drill: dict[str, Any],
) -> None:
    seen = drill["fields"]
    given, omitted = seen["given"], seen["omitted"]
    assert (given["voice_id"], given["speed"]) == ("v-1", 1.5)  # after a restart
    assert seen["started"]["given"]["voice_id"] == "v-1"
    assert "voice_id" not in omitted  # optional without a default: left out
    assert omitted["speed"] == 1  # the request's default
    assert seen["client"] == {"voice_id": "v-2", "speed": 0.75, "id": seen["client"]["id"]}


def test_a_status_word_added_to_the_path_is_used_and_listed(drill: dict[str, Any]) -> None:
    seen = drill["status"]
    assert seen["timed"] == [  # (detail, processingRecord), one step apart
        ["sent", "sent"],
        ["queued", "queued"],  # processingRecord lists it: it is unfinished
        ["processing", "processing"],
        ["completed", None],
    ]
    assert seen["advanced"] == [  # (admin advance's HTTP status, detail)
        [200, "queued"],
        [200, "processing"],
        [200, "completed"],
        [409, "completed"],
    ]
    assert seen["waited"]["updates"] == ["sent", "queued", "processing", "completed"]
    assert unsigned(seen["waited"]["result_url"]).endswith(".wav")


def test_a_database_from_before_keeps_answering_after_both_changes(
    drill: dict[str, Any],
) -> None:
    ids = drill["before"]["ids"]
    for stage in ("fields", "status"):
        old = {task[ID]: task for task in drill[stage]["old"] if task[ID] in ids.values()}
        assert set(old) == set(ids.values()), stage
        for task in old.values():
            assert "voice_id" not in task, stage  # stored before the field existed
            assert task["speed"] == 1, stage  # its default
        assert old[ids["done"]][STATUS] == "completed"
        assert old[ids["failed"]][STATUS] == "failed"
        assert all(old[ids["failed"]][f.wire] for f in RECORD.failure_messages)
    fields_old = {t[ID]: t for t in drill["fields"]["old"]}
    status_old = {t[ID]: t for t in drill["status"]["old"]}
    assert status_old[drill["fields"]["client"]["id"]]["voice_id"] == "v-2"
    assert fields_old[ids["sent"]][STATUS] == "completed"  # its time had come
