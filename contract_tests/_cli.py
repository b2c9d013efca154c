"""`a2e-conformance`: the conformance gate from a shell (or CI).

    a2e-conformance drift                      # recordings vs the spec
    a2e-conformance live --base-url URL        # a running server vs the spec (needs A2E_API_KEY)
    a2e-conformance record --base-url URL GET /api/v1/user/remainingCoins
    a2e-conformance proxy --upstream URL       # record every exchange passing through

`record` and `proxy` save into contract_tests/recordings/ only from A2E's servers (the
spec's `servers`); anything else needs `--out DIR`. `record` sends a request that spends
credits or stores something only with `--allow-writes`, as live mode does.

Exit status: 0 when everything matches the spec, 1 on drift, 2 on a usage or input error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import httpx

from contract_tests._drift import DriftReport, Subject
from contract_tests._live import DEFAULT_SOURCE, WRITES_NOT_ALLOWED, is_write, run_live
from contract_tests._recorder import record_call
from contract_tests._recordings import (
    RECORDINGS_DIR,
    Recording,
    RecordingFormatError,
    check_recording,
    load_recordings,
)
from contract_tests._scrub import REDACTED, Scrubber
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
    drift.add_argument(
        "--require-coverage",
        action="store_true",
        help="fail (exit 1) when an operation of the spec has no recording",
    )
    drift.set_defaults(run=_drift)

    live = commands.add_parser("live", help="check a running server (A2E, or the mock)")
    live.add_argument("--base-url", default=os.environ.get("A2E_BASE_URL"), help="the server")
    _allow_writes(live, "also start a dubbing (spends credits)")
    live.add_argument(
        "--source-url", default=DEFAULT_SOURCE, help="the source to dub with --allow-writes"
    )
    live.add_argument("--junit", type=Path, help="also write a JUnit XML report here")
    live.add_argument(
        "--record", type=Path, metavar="DIR", help="save every exchange as a recording"
    )
    live.set_defaults(run=_live)

    record = commands.add_parser("record", help="send one request and save it as a recording")
    record.add_argument("--base-url", default=os.environ.get("A2E_BASE_URL"), help="the server")
    record.add_argument("--out", type=Path, metavar="DIR", help=_OUT_HELP)
    _allow_writes(record, "send it even if it spends credits or stores something")
    record.add_argument("--name", help="file name stem (default: a timestamp)")
    record.add_argument("--query", action="append", default=[], metavar="KEY=VALUE")
    record.add_argument("--json", dest="body", help="the JSON body")
    record.add_argument("method", choices=["GET", "POST", "DELETE", "PUT", "PATCH"])
    record.add_argument("path", help="e.g. /api/v1/user/remainingCoins")
    record.set_defaults(run=_record)

    proxy = commands.add_parser("proxy", help="forward to a server and record every exchange")
    proxy.add_argument("--upstream", default=os.environ.get("A2E_BASE_URL"), help="the server")
    proxy.add_argument("--out", type=Path, metavar="DIR", help=_OUT_HELP)
    proxy.add_argument("--host", default="127.0.0.1")
    proxy.add_argument("--port", type=int, default=8089, help="0 picks a free port")
    proxy.set_defaults(run=_proxy)

    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except (RecordingFormatError, OSError, ValueError, httpx.HTTPError) as error:
        print(f"a2e-conformance: error: {_safe(str(error))}", file=sys.stderr)
        return EXIT_USAGE


_OUT_HELP = "where to save (default: contract_tests/recordings/, from A2E's servers only)"


def _allow_writes(parser: argparse.ArgumentParser, what: str) -> None:
    """The flag live mode and `record` need before sending what spends credits or stores."""
    parser.add_argument("--allow-writes", action="store_true", help=what)


def _safe(message: str) -> str:
    """`message` without the key or anything shaped like a credential."""
    key = _key()
    return Scrubber().text(message.replace(key, REDACTED) if key else message)


def _folder(spec: Spec, url: str, out: Path | None) -> Path:
    """Where recordings of exchanges with `url` go: `out`, else the recordings of the real
    API, which only A2E's servers (the spec's `servers`) make."""
    if out is not None:
        return out
    if not spec.serves(url):
        raise ValueError(
            f"{url} is not one of A2E's servers ({', '.join(spec.servers)}), and only "
            "exchanges with A2E belong in contract_tests/recordings/: give --out DIR to "
            "record elsewhere"
        )
    return RECORDINGS_DIR


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
    if args.require_coverage and report.uncovered:
        print(f"--require-coverage: {len(report.uncovered)} operation(s) have no recording")
        return EXIT_DRIFT
    return EXIT_DRIFT if report.drifted else 0


def _key() -> str | None:
    return os.environ.get("A2E_API_KEY") or None


def _need(value: str | None, what: str) -> str:
    if not value:
        raise ValueError(f"{what} is needed (or set A2E_BASE_URL)")
    return value


def _live(args: argparse.Namespace) -> int:
    key = _key()
    if key is None:
        print(
            "a2e-conformance live: A2E_API_KEY is not set; skipping the live run (nothing was sent)"
        )
        if args.junit:
            DriftReport(
                "live", [Subject("live run", "all", skipped="A2E_API_KEY is not set")], []
            ).write_junit(args.junit, "conformance.live")
        return 0
    base_url = _need(args.base_url, "--base-url")
    report = run_live(
        base_url,
        key,
        spec=Spec.load(args.spec),
        allow_writes=args.allow_writes,
        source_url=args.source_url,
        record_to=args.record,
    )
    print(report.render())
    if args.junit:
        report.write_junit(args.junit, "conformance.live")
    return EXIT_DRIFT if report.drifted else 0


def _record(args: argparse.Namespace) -> int:
    key = _key()
    if key is None:
        raise ValueError("A2E_API_KEY is not set: a recording needs a real answer")
    spec = Spec.load(args.spec)
    base_url = _need(args.base_url, "--base-url")
    folder = _folder(spec, base_url, args.out)
    if is_write(args.method, spec.match(args.method, args.path)) and not args.allow_writes:
        raise ValueError(
            f"{args.method} {args.path} spends credits or stores something: {WRITES_NOT_ALLOWED}"
        )
    query = dict(item.split("=", 1) for item in args.query)
    body = json.loads(args.body) if args.body else None
    with httpx.Client(base_url=base_url, timeout=60.0) as client:
        path = record_call(
            client, args.method, args.path, query=query, body=body, api_key=key,
            folder=folder, spec=spec, stem=args.name,
        )  # fmt: skip
    print(f"saved {path}")
    findings = check_recording(Recording.load(path), spec, StrictValidator(spec))
    for finding in findings:
        print(f"  drift: {finding.violation}")
    return EXIT_DRIFT if findings else 0


def _proxy(args: argparse.Namespace) -> int:
    from contract_tests._proxy import serve

    spec = Spec.load(args.spec)
    upstream = _need(args.upstream, "--upstream")
    serve(upstream, _folder(spec, upstream, args.out), spec, args.host, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
