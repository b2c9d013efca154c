"""Where things are: the repository, the spec, the peers and the outputs."""

from __future__ import annotations

from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
SPEC = ROOT / "openapi" / "a2e-dubbing.yaml"
WORK = BENCH_DIR / "_work"  # scratch space, ignored by git
LOGS = WORK / "logs"
PRISM_DIR = BENCH_DIR / "prism"
PRISM_BIN = PRISM_DIR / "node_modules" / ".bin" / "prism"
WRK_SCRIPTS = BENCH_DIR / "wrk"
RESULTS_JSON = BENCH_DIR / "results.json"
RESULTS_MD = BENCH_DIR / "results.md"
RESULTS_PNG = BENCH_DIR / "results.png"
