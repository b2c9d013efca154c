"""`a2e-conformance`: the conformance gate from a shell (or CI).

    a2e-conformance drift                      # recordings vs the spec
    a2e-conformance live --base-url URL        # a running server vs the spec (needs A2E_API_KEY)
    a2e-conformance record --base-url URL GET /api/v1/user/remainingCoins
    a2e-conformance proxy --upstream URL       # record every exchange passing through

Exit status: 0 when everything matches the spec, 1 on drift, 2 on a usage or input error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from contract_tests._drift import DriftReport, Subject
from contract_tests._recordings import (
    RECORDINGS_DIR,
    RecordingFormatError,
    check_recording,
    load_recordings,
)
from contract_tests._spec import SPEC_PATH, Spec
from contract_tests._strict import StrictValidator

EXIT_DRIFT = 1
EXIT_USAGE = 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="a2e-conformance", description=__doc__.split("\n\n")[0])
    parser.add_argument("--spec", type=Path, default=SPEC_PATH, help="the OpenAPI document")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    drift = commands.add_parser("drift", help="check recordings against the spec")
    drift.add_argument(
        "--recordings", type=Path, default=RECORDINGS_DIR, help="folder of recordings"
    )
    drift.add_argument("--junit", type=Path, help="also write a JUnit XML report here")
    drift.set_defaults(run=_drift)

    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except (RecordingFormatError, OSError, ValueError) as error:
        print(f"a2e-conformance: error: {error}", file=sys.stderr)
        return EXIT_USAGE


def drift_report(spec: Spec, recordings_dir: Path) -> DriftReport:
    """Every recording in `recordings_dir`, checked strictly against `spec`."""
    validator = StrictValidator(spec)
    subjects = []
    for recording in load_recordings(recordings_dir):
        findings = check_recording(recording, spec, validator)
        request = recording.request
        op = spec.match(request["method"], request["path"])
        operation = op.operation_id if op else f"{request['method']} {request['path']}"
        subjects.append(Subject(recording.name, operation, findings))
    title = f"Drift report: {recordings_dir} vs {spec.path.name if spec.path else 'the spec'}"
    return DriftReport(title, subjects, [op.operation_id for op in spec.operations])


def _drift(args: argparse.Namespace) -> int:
    report = drift_report(Spec.load(args.spec), args.recordings)
    print(report.render())
    if args.junit:
        report.write_junit(args.junit, "conformance.recordings")
    return EXIT_DRIFT if report.drifted else 0


if __name__ == "__main__":
    sys.exit(main())
