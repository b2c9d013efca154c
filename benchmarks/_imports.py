"""2. Import time: `import a2e_dubbing` and `from a2e_dubbing import A2E` vs `import httpx`.

Each run is a fresh interpreter (this one, with bytecode caches written as usual); the
sides are interleaved. A run of `python -c pass` is timed alongside, and the import time
of a side is its median wall time minus that baseline (interpreter start-up), so the
ratio compares the imports themselves; the plain wall-time ratio is given as well.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable

from benchmarks._procs import BenchError, run, tool_env
from benchmarks._results import Comparison, Section, Table
from benchmarks._settings import Settings
from benchmarks._stats import interleaved, median, percentile

GROUP = "Import time"
BASELINE = "pass"
HTTPX = "import httpx"
PACKAGE = "import a2e_dubbing"
CLIENT = "from a2e_dubbing import A2E"
CODES = (BASELINE, HTTPX, PACKAGE, CLIENT)


def measure(settings: Settings) -> Section:
    section = Section("Import time")
    env = tool_env()
    for code in CODES:  # warm-up: bytecode caches written, files in the page cache
        for _ in range(3):
            _timed_run(code, env)()
    runs = interleaved({code: _timed_run(code, env) for code in CODES}, settings.import_runs)
    wall = {code: median(values) * 1000 for code, values in runs.items()}
    start_up = wall[BASELINE]
    for code in (CLIENT, PACKAGE):
        section.comparisons.append(
            Comparison(
                group=GROUP,
                measure=f"`{code}` vs `{HTTPX}` (start-up subtracted)",
                unit="ms",
                ours_label=code,
                peer_label=HTTPX,
                ours=wall[code] - start_up,
                peer=wall[HTTPX] - start_up,
                target=1.3,
                short=code.replace(" import", "\nimport"),
            )
        )
    section.tables.append(
        Table(
            title="Import time: wall time of `python -c CODE` (ms)",
            header=("code", "median", "p10", "p90", "minus start-up", "wall ratio vs httpx"),
            rows=tuple(
                (
                    f"`{code}`",
                    f"{wall[code]:.1f}",
                    f"{percentile(runs[code], 10) * 1000:.1f}",
                    f"{percentile(runs[code], 90) * 1000:.1f}",
                    f"{wall[code] - start_up:.1f}",
                    f"{wall[code] / wall[HTTPX]:.2f}×",
                )
                for code in CODES
            ),
            notes=(
                f"{settings.import_runs} runs per line, interleaved, after 3 warm-up runs each; "
                f"interpreter: {sys.executable}.",
            ),
        )
    )
    extra = _extra_modules()
    section.tables.append(
        Table(
            title=f"What `{CLIENT}` imports beyond `{HTTPX}` (python -X importtime, one run)",
            header=("module", "self µs", "cumulative µs"),
            rows=tuple((name, str(own), str(total)) for name, own, total in extra[:12]),
            notes=(
                f"{len(extra)} modules in all, "
                f"{sum(own for _, own, _ in extra) / 1000:.1f} ms of self time in that run.",
            ),
        )
    )
    section.details = {"wall_seconds": runs}
    return section


def _timed_run(code: str, env: dict[str, str]) -> Callable[[], float]:
    argv = [sys.executable, "-c", code]

    def timed() -> float:
        start = time.perf_counter()
        done = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True)
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            raise BenchError(f"python -c {code!r} failed:\n{done.stderr.decode()}")
        return elapsed

    return timed


def _importtime(code: str) -> dict[str, tuple[int, int]]:
    """Module -> (self µs, cumulative µs) from `python -X importtime -c CODE`."""
    report = run([sys.executable, "-X", "importtime", "-c", code])
    modules: dict[str, tuple[int, int]] = {}
    for line in report.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        own, total, name = (part.strip() for part in line.removeprefix("import time:").split("|"))
        if own.isdigit() and total.isdigit():
            modules[name] = (int(own), int(total))
    return modules


def _extra_modules() -> list[tuple[str, int, int]]:
    """Modules `from a2e_dubbing import A2E` loads that `import httpx` does not, slowest first."""
    base = _importtime(HTTPX)
    ours = _importtime(CLIENT)
    extra = [(name, own, total) for name, (own, total) in ours.items() if name not in base]
    return sorted(extra, key=lambda item: item[1], reverse=True)
