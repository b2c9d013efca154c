"""`python -m tests.soak`: the full soak against a faulty live mock (`nox -s soak`).

The last line printed is the verdict: operations, acknowledged starts, lost, duplicate
starts, unexpected 5xx, untyped errors. Exit status 1 when any of those is not 0.
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
import tempfile
from pathlib import Path

from a2e_dubbing_mock.pytest_plugin import MockServer

from tests.soak._soak import soak

_ACCESS = re.compile(r"a2e_dubbing_mock: \S+ \S+ (.+) [\d.]+ms$")


def outcomes(log: str) -> str:
    """How the server answered, from its access log (faults show as 429, 500, 503, reset...)."""
    counted = collections.Counter(
        found.group(1) for line in log.splitlines() if (found := _ACCESS.search(line))
    )
    return ", ".join(f"{outcome} x{n}" for outcome, n in counted.most_common())


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
        for item in result.lost[:10]:
            print(f"  lost: {item}")
        for group in result.duplicates[:10]:
            print(f"  duplicate: {group}")
    print(result.line())
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
