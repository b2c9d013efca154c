"""Every recording validates strictly against the spec, and the check can fail."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from contract_tests import _api as api
from contract_tests._recordings import (
    RECORDINGS_DIR,
    Recording,
    RecordingFormatError,
    check_recording,
    load_recordings,
    report,
)
from contract_tests._spec import Spec
from contract_tests._strict import StrictValidator

RECORDINGS = load_recordings()
SEED = RECORDINGS_DIR / "start_dubbing.seed.json"


def test_the_seed_recording_is_there() -> None:
    assert SEED in [r.path for r in RECORDINGS]


@pytest.mark.parametrize("recording", RECORDINGS, ids=[r.name for r in RECORDINGS])
def test_recording_matches_the_spec_strictly(
    recording: Recording, spec: Spec, validator: StrictValidator
) -> None:
    findings = check_recording(recording, spec, validator)
    assert not findings, "\n" + report(findings)


@pytest.mark.parametrize("recording", RECORDINGS, ids=[r.name for r in RECORDINGS])
def test_recording_holds_no_secret(recording: Recording) -> None:
    text = recording.path.read_text(encoding="utf-8")
    assert "sk_" not in text
    assert "bearer" not in text.lower()


def _altered(change: str) -> dict[str, Any]:
    data: dict[str, Any] = copy.deepcopy(json.loads(SEED.read_text(encoding="utf-8")))
    body = data["response"]["body"]
    if change == "extra field in the task":
        body["data"]["zz_not_a_field"] = "v1"  # words no A2E version will use
    elif change == "extra field in the envelope":
        body["zz_not_a_field"] = "r1"
    elif change == "unknown status word":
        body["data"]["current_status"] = "zz-not-a-status"
    elif change == "undocumented status code":
        data["response"]["status"] = 418
    elif change == "wrong type":
        body["data"]["duration"] = "51"
    elif change == "missing required field":
        del body["data"]["_id"]
    elif change == "malformed id":
        body["data"]["_id"] = "66ea4dd8"
    elif change == "undocumented request field":
        data["request"]["body"]["zz_not_a_field"] = "alloy"
    elif change == "out-of-range request field":
        data["request"]["body"]["num_speakers"] = 0
    else:  # pragma: no cover - a typo in the table below
        raise AssertionError(change)
    return data


ALTERATIONS = [
    ("extra field in the task", "undocumented-field", "response.body $.data.zz_not_a_field"),
    ("extra field in the envelope", "undocumented-field", "response.body $.zz_not_a_field"),
    ("unknown status word", "enum", "response.body $.data.current_status"),
    ("undocumented status code", "undocumented-status", "status $"),
    ("wrong type", "type", "response.body $.data.duration"),
    ("missing required field", "missing-required", "response.body $.data._id"),
    ("malformed id", "invalid", "response.body $.data._id"),
    ("undocumented request field", "undocumented-field", "request.body $.zz_not_a_field"),
    ("out-of-range request field", "invalid", "request.body $.num_speakers"),
]


@pytest.mark.parametrize(("change", "kind", "where"), ALTERATIONS, ids=[a[0] for a in ALTERATIONS])
def test_an_altered_seed_recording_is_caught(
    change: str, kind: str, where: str, spec: Spec, validator: StrictValidator, tmp_path: Path
) -> None:
    altered = tmp_path / "start_dubbing.altered.json"
    altered.write_text(json.dumps(_altered(change)), encoding="utf-8")

    findings = check_recording(Recording.load(altered), spec, validator)

    text = report(findings)
    assert len(findings) == 1, text
    assert findings[0].violation.kind == kind
    assert text.startswith(f"start_dubbing.altered.json: startDubbing: {where}: {kind}")


def test_an_error_answer_at_http_200_is_documented(
    spec: Spec, validator: StrictValidator, tmp_path: Path
) -> None:
    data = json.loads(SEED.read_text(encoding="utf-8"))
    data["response"]["body"] = {"code": 1001, "msg": "invalid token"}
    path = tmp_path / "start_dubbing.error_at_200.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert check_recording(Recording.load(path), spec, validator) == []

    data["response"]["body"] = {"code": 1001}
    path.write_text(json.dumps(data), encoding="utf-8")
    findings = check_recording(Recording.load(path), spec, validator)
    assert [str(f.violation) for f in findings] == [
        "response.body $.msg: missing-required: required field 'msg' is missing"
    ]


def test_a_path_the_spec_lacks_is_caught(
    spec: Spec, validator: StrictValidator, tmp_path: Path
) -> None:
    data = json.loads(SEED.read_text(encoding="utf-8"))
    data["request"]["path"] = api.op("dubbing.start").path + "V2"
    path = tmp_path / "v2.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    findings = check_recording(Recording.load(path), spec, validator)
    assert [f.violation.kind for f in findings] == ["undocumented-operation"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("source"), "'source' is a required property"),
        (lambda d: d["request"]["headers"].update(authorization="Bearer x"), "authorization"),
        (lambda d: d.update(format="har"), "'a2e-recording/1' was expected"),
    ],
    ids=["no source", "authorization header kept", "wrong format"],
)
def test_a_malformed_recording_file_is_refused(change: Any, message: str, tmp_path: Path) -> None:
    data = json.loads(SEED.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(RecordingFormatError, match=r"bad\.json") as caught:
        Recording.load(path)
    assert message in str(caught.value)
