"""`python -m tests.soak`: the full soak against a faulty live mock (`nox -s soak`).

The last line printed is the verdict: operations run of those requested, acknowledged
starts, lost, duplicate starts, acknowledged deletes not done, unexpected 5xx, untyped errors,
then `OK` or `FAILED:` and the reasons. Exit status 1 when it failed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from a2e_dubbing_mock.pytest_plugin import MockServer

from tests.soak._access_log import outcomes
from tests.soak._soak import soak


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.soak", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--operations", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--tenants", type=int, default=8)
    parser.add_argument("--fault-rate", default="0.1")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--max-seconds", type=float, default=600.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="a2e-soak-") as tmp:
        folder = Path(tmp)
        options = (
            "--fault-rate", args.fault_rate, "--seed", str(args.seed),
            "--processing-seconds", "1", "--log-level", "info",
        )  # fmt: skip
        server = MockServer(folder / "soak.sqlite3", options, folder / "server.log", "sk_unused")
        server.start()
        print(
            f"mock on {server.url} with --fault-rate {args.fault_rate} --seed {args.seed}",
            flush=True,
        )
        try:
            result = soak(
                server,
                operations=args.operations,
                concurrency=args.concurrency,
                tenants=args.tenants,
                seed=args.seed,
                max_seconds=args.max_seconds,
            )
        finally:
            server.stop()
        print("server answers: " + outcomes((folder / "server.log").read_text(errors="replace")))
        for kind, items in (
            ("lost", result.lost),
            ("not deleted", result.not_deleted),
            ("duplicate", result.duplicates),
            ("invalid", result.invalid_state),
            ("unexpected 5xx", result.unexpected_5xx),
            ("client 5xx", result.client_5xx),
            ("untyped", result.untyped),
        ):
            for item in items[:10]:
                print(f"  {kind}: {item}")
    print(result.line())
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
