"""The drift report fails, readably, on a drifted recording; and passes on the real ones."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from contract_tests import _api as api
from contract_tests._cli import main
from contract_tests._recordings import RECORDINGS_DIR
from contract_tests._spec import SPEC_PATH


def test_the_recordings_show_no_drift_and_say_how_much_they_cover(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    junit = tmp_path / "junit.xml"
    assert main(["drift", "--junit", str(junit)]) == 0
    out = capsys.readouterr().out
    assert "ok    start_dubbing.seed.json (startDubbing)" in out
    others = [op.operation_id for op in api.operations() if op.operation_id != "startDubbing"]
    total = len(others) + 1
    assert out.rstrip().splitlines()[-1] == (
        f"No drift in 1/{total} operations; {len(others)} not covered: {', '.join(others)}"
    )
    suite = ET.parse(junit).getroot()
    assert (suite.get("tests"), suite.get("failures")) == ("1", "0")
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert properties == {"coverage": f"1/{total}", "uncovered": ",".join(others)}


def test_require_coverage_fails_while_an_operation_has_no_recording(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["drift", "--require-coverage"]) == 1
    assert "operation(s) have no recording" in capsys.readouterr().out
    # a spec of the recorded operation alone is covered in full
    document = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    start = api.op("dubbing.start")
    document["paths"] = {start.path: {start.method.lower(): dict(start.definition)}}
    spec = tmp_path / "only-start.yaml"
    spec.write_text(yaml.safe_dump(document), encoding="utf-8")
    assert main(["--spec", str(spec), "drift", "--require-coverage"]) == 0
    assert "No drift in 1/1 operations: every operation covered." in capsys.readouterr().out


def test_a_drifted_recording_fails_with_a_readable_report(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "recordings"
    shutil.copytree(RECORDINGS_DIR, folder)
    seed = json.loads((folder / "start_dubbing.seed.json").read_text())
    seed["response"]["body"]["data"]["current_status"] = "zz-not-a-status"  # words no A2E
    seed["response"]["body"]["data"]["zz_not_a_field"] = True  # version will use
    (folder / "start_dubbing.drifted.json").write_text(json.dumps(seed))
    junit = tmp_path / "reports" / "junit.xml"

    assert main(["drift", "--recordings", str(folder), "--junit", str(junit)]) == 1

    out = capsys.readouterr().out
    assert "2 checked, 1 with drift" in out
    assert "DRIFT start_dubbing.drifted.json (startDubbing)" in out
    assert "response.body $.data.current_status: enum: 'zz-not-a-status' is not one of" in out
    assert "response.body $.data.zz_not_a_field: undocumented-field" in out
    assert "startDubbing: 2 checked, enum x1, undocumented-field x1" in out
    assert "listDubbingTasks: not covered" in out
    failure = ET.parse(junit).getroot().find("testcase[@name='start_dubbing.drifted.json']/failure")
    assert failure is not None
    assert "$.data.zz_not_a_field" in (failure.text or "")


def test_a_malformed_recording_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "bad.json").write_text("{not json")
    assert main(["drift", "--recordings", str(tmp_path)]) == 2
    assert "bad.json: not readable JSON" in capsys.readouterr().err
