"""4. Generation: `python -m generator generate` vs bare `openapi-python-client generate`.

Both read the same spec and write into a fresh temporary folder on every run (ours
renders the client and the mock and formats them with ruff; the bare generator renders
a client and runs its default ruff post-hooks). Runs are fresh processes, interleaved.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from benchmarks._bareclient import generate_command
from benchmarks._paths import ROOT, SPEC
from benchmarks._procs import BenchError, tool_env
from benchmarks._results import Comparison, Section, Table
from benchmarks._settings import Settings
from benchmarks._stats import interleaved, median, percentile

GROUP = "Generation"
OURS = "python -m generator generate"
BARE = "openapi-python-client generate"


def measure(settings: Settings) -> Section:
    section = Section("Generation")
    env = tool_env()
    with tempfile.TemporaryDirectory(prefix="a2e-bench-generate-") as tmp:
        out = Path(tmp)
        sides = {
            OURS: _timed(
                lambda d: [
                    sys.executable,
                    "-m",
                    "generator",
                    "generate",
                    "--spec",
                    str(SPEC),
                    "--out",
                    str(d),
                ],
                out / "ours",
                env,
            ),
            BARE: _timed(lambda d: generate_command(str(d)), out / "bare", env),
        }
        for side in sides.values():  # warm-up: bytecode caches, page cache
            side()
        runs = interleaved(sides, settings.generation_runs)
        files = {name: _count_files(out / key) for name, key in ((OURS, "ours"), (BARE, "bare"))}
    section.comparisons.append(
        Comparison(
            group=GROUP,
            measure="generate from the spec (wall time)",
            unit="s",
            ours_label=OURS,
            peer_label=BARE,
            ours=median(runs[OURS]),
            peer=median(runs[BARE]),
            target=1.5,
            short="generate",
        )
    )
    section.tables.append(
        Table(
            title="Generation: wall time per run (s)",
            header=("command", "median", "p10", "p90", "files written"),
            rows=tuple(
                (
                    f"`{name}`",
                    f"{median(values):.2f}",
                    f"{percentile(values, 10):.2f}",
                    f"{percentile(values, 90):.2f}",
                    str(files[name]),
                )
                for name, values in runs.items()
            ),
            notes=(
                f"{settings.generation_runs} runs each, interleaved, after one warm-up run; "
                "each run writes into a fresh folder. Ours renders two packages (client and "
                "mock); the bare generator one (a client).",
            ),
        )
    )
    section.details = {"wall_seconds": runs, "files": files}
    return section


def _timed(
    command: Callable[[Path], Sequence[str]], out: Path, env: dict[str, str]
) -> Callable[[], float]:
    def timed() -> float:
        if out.exists():
            shutil.rmtree(out)
        argv = list(command(out))
        start = time.perf_counter()
        done = subprocess.run(
            argv, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True
        )
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            raise BenchError(f"{' '.join(argv)} failed:\n{done.stdout}{done.stderr}")
        return elapsed

    return timed


def _count_files(folder: Path) -> int:
    return sum(
        1 for path in folder.rglob("*") if path.is_file() and "__pycache__" not in path.parts
    )
