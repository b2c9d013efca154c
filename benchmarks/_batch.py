"""6. The batch: 100 sources x 5 languages against the mock with faults, killed once and
taken up again, side by side with the naive approach in the same run.

Both sides dub the same 500 jobs on a mock of their own (`--fault-rate 0.1`, the same
seed, a few seconds of processing) and save every result:

- naive: one `AsyncA2E`, `asyncio.gather` of `start` + `wait` + `download` per job, the
  client's defaults (its retry rules, its polling schedule);
- ours: `a2e-dubbing --json batch sources.csv --to es,fr,de,it,pt --out DIR`, SIGKILLed
  once half of its jobs have started, then run again with the same command.

Requests are counted by each mock's access log (every request that reached it, retries and
look-ups included; the result downloads apart); duplicate starts from the batch mock's
database (tasks sharing a name); the files are opened as WAVs. Wall time is from the first
launch to the last exit, the batch's restart included. Then a 10,000-job `--dry-run` (the
command's wall time) and the batch's peak memory (max RSS) running 10,000 jobs to the end.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
import wave
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks._api import TOKEN
from benchmarks._paths import ROOT, WORK
from benchmarks._procs import BenchError, tool_env
from benchmarks._results import Comparison, Section, Table
from benchmarks._servers import our_mock
from benchmarks._settings import Settings

GROUP = "Batch"
SOURCES = 100
LANGUAGES = ("es", "fr", "de", "it", "pt")
FAULTS = ("--fault-rate", "0.1", "--seed", "7")
PROCESSING_SECONDS = 6.0
KILL_AT_STARTED = 250  # the batch is SIGKILLed once this many jobs have started
LARGE_SOURCES = 2000  # x 5 languages: the 10,000-job dry run and memory run
DRY_RUN_LIMIT_S = 2.0
MEMORY_LIMIT_MB = 200.0
REQUESTS_TARGET = 0.2
WALL_TARGET = 1.0
RUN_TIMEOUT = 600.0
BATCH_DIR = WORK / "batch"
_ACCESS = re.compile(
    r"a2e_dubbing_mock: (?P<method>[A-Z]+) (?P<label>.+?) "
    r"(?P<outcome>(?:[0-9]{3}|reset|dropped|client gone|-)(?: .*?)?) [0-9.]+ms$"
)
POLL_LABEL = "getDubbingTask"  # what the naive side's `wait` reads, once per poll
START_LABEL = "startDubbing"


@dataclass
class Run:
    """What one side did."""

    wall_s: float
    api_requests: int = 0
    polls: int = 0  # detail reads (the naive side's polls)
    starts: int = 0  # start requests
    downloads: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    saved: int = 0  # valid WAV files
    tasks: int = 0  # tasks in the mock's database
    duplicates: int = 0  # tasks beyond the first of each name
    errors: dict[str, int] = field(default_factory=dict)
    ticks: list[tuple[int, int]] = field(default_factory=list)  # (requests, finished) per poll
    killed_after: int = 0  # jobs started when the batch was killed
    exit_code: int | None = None


def measure(settings: Settings) -> Section:
    del settings  # one size: the issue's
    shutil.rmtree(BATCH_DIR, ignore_errors=True)
    BATCH_DIR.mkdir(parents=True)
    sources = [f"https://media.example.com/course/lesson-{i:03d}.mp4" for i in range(SOURCES)]
    manifest = _manifest(BATCH_DIR / "sources.csv", sources)
    naive = _naive(sources)
    ours = _ours(manifest)
    dry_runs = _dry_run()
    memory_mb, memory_run = _memory()
    return _section(naive, ours, dry_runs, memory_mb, memory_run)


def _manifest(path: Path, sources: Sequence[str]) -> Path:
    path.write_text("source\n" + "".join(f"{url}\n" for url in sources), encoding="utf-8")
    return path


def _mock_args() -> tuple[str, ...]:
    return (*FAULTS, "--processing-seconds", f"{PROCESSING_SECONDS:g}", "--log-level", "info")


def _naive(sources: Sequence[str]) -> Run:
    folder = BATCH_DIR / "naive"
    folder.mkdir()
    db = folder / "mock.sqlite3"
    with our_mock(db, *_mock_args()) as mock:
        argv = [sys.executable, "-m", "benchmarks._batch", "naive", mock.url, str(folder / "out")]
        began = time.monotonic()
        done = subprocess.run(
            [*argv, *sources],
            cwd=ROOT,
            env=tool_env(),
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT,
            check=False,
        )
        run = Run(wall_s=time.monotonic() - began, exit_code=done.returncode)
        log = mock.log
    if done.returncode != 0:
        raise BenchError(f"the naive run failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    run.errors = json.loads(done.stdout.strip().splitlines()[-1])["errors"]
    _count(run, log, db, folder / "out")
    return run


def _ours(manifest: Path) -> Run:
    folder = BATCH_DIR / "ours"
    folder.mkdir()
    db = folder / "mock.sqlite3"
    out = folder / "out"
    with our_mock(db, *_mock_args()) as mock:
        argv = [
            sys.executable, "-m", "a2e_dubbing", "--json", "batch", str(manifest),
            "--to", ",".join(LANGUAGES), "--out", str(out),
        ]  # fmt: skip
        env = {**tool_env(), "A2E_API_KEY": TOKEN, "A2E_BASE_URL": mock.url}
        began = time.monotonic()
        first = _run_batch(argv, env, folder / "report-1.json", kill_at=KILL_AT_STARTED)
        second = _run_batch(argv, env, folder / "report-2.json", kill_at=None)
        run = Run(wall_s=time.monotonic() - began, exit_code=second.exit_code)
        log = mock.log
    if first.killed_after == 0:
        raise BenchError("the batch ended before it could be killed: nothing was measured")
    run.killed_after = first.killed_after
    run.ticks = first.ticks + second.ticks
    _count(run, log, db, out)
    return run


@dataclass
class _BatchProcess:
    exit_code: int | None
    killed_after: int
    ticks: list[tuple[int, int]]


def _run_batch(
    argv: list[str], env: dict[str, str], report: Path, *, kill_at: int | None
) -> _BatchProcess:
    """Run the batch command (stdout to `report`), reading its JSON events; SIGKILL it once
    `kill_at` jobs have started."""
    with report.open("wb") as stdout:
        process = subprocess.Popen(
            argv, cwd=BATCH_DIR, env=env, stdin=subprocess.DEVNULL, stdout=stdout,
            stderr=subprocess.PIPE, text=True, start_new_session=True,
        )  # fmt: skip
    started = 0
    killed = 0
    ticks: list[tuple[int, int]] = []
    deadline = time.monotonic() + RUN_TIMEOUT
    assert process.stderr is not None
    try:
        for line in process.stderr:
            if time.monotonic() > deadline:
                raise BenchError(f"the batch ran longer than {RUN_TIMEOUT:g} s")
            try:
                event = json.loads(line)
            except ValueError:
                continue
            kind = event.get("event")
            if kind == "started":
                started += 1
                if kill_at is not None and started >= kill_at and not killed:
                    os.kill(process.pid, signal.SIGKILL)
                    killed = started
            elif kind == "polled":
                ticks.append((int(event["requests"]), int(event["finished"])))
        code = process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stderr.close()
    if kill_at is None and code not in (0,):
        raise BenchError(f"the batch exited with {code}: {report.read_text()[-2000:]}")
    return _BatchProcess(code, killed, ticks)


def _count(run: Run, log: Path, db: Path, out: Path) -> None:
    """Requests from the mock's access log, tasks and duplicates from its database, valid
    WAV files in `out`."""
    outcomes: dict[str, int] = {}
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        match = _ACCESS.search(line)
        if match is None:
            continue
        if match["label"].startswith("mock"):
            run.downloads += match["label"] == "mock result"
            continue
        run.api_requests += 1
        run.polls += match["label"] == POLL_LABEL
        run.starts += match["label"] == START_LABEL
        outcome = match["outcome"]
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    run.outcomes = dict(sorted(outcomes.items(), key=lambda item: -item[1]))
    with contextlib.closing(sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)) as conn:
        names = conn.execute(
            "SELECT json_extract(doc, '$.request.name'), COUNT(*) FROM tasks GROUP BY 1"
        ).fetchall()
    run.tasks = sum(count for _, count in names)
    run.duplicates = sum(count - 1 for _, count in names if count > 1)
    run.saved = sum(1 for path in out.glob("*.wav") if _valid_wav(path))


def _valid_wav(path: Path) -> bool:
    try:
        with wave.open(str(path), "rb") as audio:
            frames = audio.getnframes()
            data = audio.readframes(frames)
    except (OSError, wave.Error, EOFError):
        return False
    return frames > 0 and len(data) == frames * audio.getsampwidth() * audio.getnchannels()


def _large_manifest() -> Path:
    path = BATCH_DIR / "large.csv"
    if not path.exists():
        urls = [
            f"https://media.example.com/library/video-{i:05d}.mp4" for i in range(LARGE_SOURCES)
        ]
        _manifest(path, urls)
    return path


def _dry_run() -> list[float]:
    """Wall times of three `--dry-run`s of 10,000 jobs (the plan printed to a file)."""
    manifest = _large_manifest()
    argv = [
        sys.executable, "-m", "a2e_dubbing", "batch", str(manifest),
        "--to", ",".join(LANGUAGES), "--out", str(BATCH_DIR / "dry"), "--dry-run",
    ]  # fmt: skip
    times = []
    plan = BATCH_DIR / "dry-run.txt"
    for _ in range(3):
        with plan.open("wb") as stdout:
            began = time.monotonic()
            done = subprocess.run(
                argv, cwd=BATCH_DIR, env=tool_env(), stdout=stdout, stderr=subprocess.PIPE,
                timeout=RUN_TIMEOUT, check=False,
            )  # fmt: skip
            times.append(time.monotonic() - began)
        if done.returncode != 0:
            raise BenchError(f"the dry run failed: {done.stderr.decode()[-2000:]}")
    lines = plan.read_text(encoding="utf-8").count("\n")
    if lines < LARGE_SOURCES * len(LANGUAGES):
        raise BenchError(f"the dry run printed {lines} lines for 10,000 jobs")
    return times


def _memory() -> tuple[float, Run]:
    """The batch's peak memory (max RSS) running 10,000 jobs to the end, without faults."""
    folder = BATCH_DIR / "memory"
    folder.mkdir()
    out = folder / "out"
    db = folder / "mock.sqlite3"
    with our_mock(db, "--processing-seconds", "3") as mock:
        argv = [
            sys.executable, "-m", "a2e_dubbing", "batch", str(_large_manifest()),
            "--to", ",".join(LANGUAGES), "--out", str(out),
        ]  # fmt: skip
        env = {**tool_env(), "A2E_API_KEY": TOKEN, "A2E_BASE_URL": mock.url}
        began = time.monotonic()
        process = subprocess.Popen(
            argv, cwd=BATCH_DIR, env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            if process.poll() is None:
                process.kill()
        process.returncode = os.waitstatus_to_exitcode(status)
        run = Run(wall_s=time.monotonic() - began, exit_code=process.returncode)
    if process.returncode != 0:
        raise BenchError(f"the 10,000-job batch exited with {process.returncode}")
    run.saved = sum(1 for _ in out.glob("*.wav"))
    return usage.ru_maxrss / 1024.0, run  # KiB on Linux


def _section(
    naive: Run, ours: Run, dry_runs: list[float], memory_mb: float, memory_run: Run
) -> Section:
    jobs = SOURCES * len(LANGUAGES)
    worst_tick = max((r / (1 + f) for r, f in ours.ticks), default=0.0)
    dry_run = statistics.median(dry_runs)
    ticks = len(ours.ticks)
    requests_in_ticks = sum(r for r, _ in ours.ticks)
    section = Section("Batch")
    section.comparisons += [
        Comparison(
            GROUP,
            "500 jobs: requests to A2E, killed once",
            "requests",
            "batch",
            "naive gather",
            ours.api_requests,
            naive.api_requests,
            target=REQUESTS_TARGET,
            short="requests",
            paired_chart=False,
        ),
        Comparison(
            GROUP,
            "500 jobs: requests to follow the tasks (polls, reads of results)",
            "requests",
            "batch polls",
            "naive wait",
            requests_in_ticks,
            naive.polls,
            short="follow",
            paired_chart=False,
        ),
        Comparison(
            GROUP,
            "500 jobs: wall time, killed once",
            "s",
            "batch",
            "naive gather",
            ours.wall_s,
            naive.wall_s,
            target=WALL_TARGET,
            short="wall time",
            paired_chart=False,
        ),
        Comparison(
            GROUP,
            "jobs saved as valid WAVs",
            "jobs",
            "batch",
            "jobs",
            ours.saved,
            jobs,
            higher_is_better=True,
            target=1.0,
            paired_chart=False,
        ),
        Comparison(
            GROUP,
            "tasks started per job (1 = no duplicate start)",
            "tasks/job",
            "batch",
            "one each",
            ours.tasks / jobs,
            1.0,
            target=1.0,
            paired_chart=False,
        ),
        Comparison(
            GROUP,
            "requests of the worst poll tick / (1 + tasks it found finished)",
            "x",
            "batch",
            "bound",
            round(worst_tick, 2),
            1.0,
            target=1.0,
            paired_chart=False,
        ),
        Comparison(
            GROUP,
            "10,000-job --dry-run (median of 3, the whole command)",
            "s",
            "batch",
            "limit",
            dry_run,
            DRY_RUN_LIMIT_S,
            target=1.0,
            paired_chart=False,
        ),
        Comparison(
            GROUP,
            "10,000 jobs run to the end: peak memory (max RSS)",
            "MB",
            "batch",
            "limit",
            round(memory_mb, 1),
            MEMORY_LIMIT_MB,
            target=1.0,
            paired_chart=False,
        ),
    ]
    section.tables.append(
        Table(
            title="Batch: 100 sources x 5 languages, mock with --fault-rate 0.1, "
            f"{PROCESSING_SECONDS:g} s of processing",
            header=("", "batch (killed once)", "naive gather"),
            rows=(
                ("wall time", f"{ours.wall_s:.1f} s", f"{naive.wall_s:.1f} s"),
                ("requests to A2E", f"{ours.api_requests:,}", f"{naive.api_requests:,}"),
                ("result downloads", f"{ours.downloads:,}", f"{naive.downloads:,}"),
                ("jobs saved (valid WAV)", f"{ours.saved}/{jobs}", f"{naive.saved}/{jobs}"),
                ("tasks in the mock", f"{ours.tasks:,}", f"{naive.tasks:,}"),
                ("duplicate starts (same name)", f"{ours.duplicates}", "(names are random)"),
                (
                    "jobs lost to errors",
                    "0" if ours.saved == jobs else f"{jobs - ours.saved}",
                    _errors(naive.errors),
                ),
                (
                    "polls",
                    f"{ticks} ticks, {requests_in_ticks:,} requests",
                    f"{naive.polls:,} detail reads",
                ),
                ("killed after", f"{ours.killed_after} jobs started", "—"),
                ("answers of the mock", _outcomes(ours.outcomes), _outcomes(naive.outcomes)),
            ),
            notes=(
                "Requests: every request that reached the mock (retries, look-ups and faults "
                "included), from its access log; downloads of results are counted apart.",
                "Each job needs its own start on both sides (the batch sent "
                f"{ours.starts:,} start requests, the naive side {naive.starts:,}): with a few "
                "seconds of processing the naive side polls each task only a few times, so the "
                "starts and their look-ups bound the ratio of all requests from below.",
                "Poll ticks: each one reads processingRecord once, plus a page of all tasks or "
                "a detail read for the tasks that left it; the worst tick sent "
                f"{worst_tick:.2f}x (1 + the tasks it found finished).",
                f"10,000-job dry run: {', '.join(f'{t:.2f} s' for t in dry_runs)}; the 10,000-job "
                f"run took {memory_run.wall_s:.0f} s and saved {memory_run.saved:,} files.",
            ),
        )
    )
    section.details = {
        "naive": naive.__dict__,
        "ours": {**ours.__dict__, "ticks": ours.ticks},
        "dry_run_s": dry_runs,
        "memory_mb": memory_mb,
        "memory_run": memory_run.__dict__,
    }
    return section


def _errors(errors: dict[str, int]) -> str:
    return ", ".join(f"{kind} x{n}" for kind, n in errors.items()) or "0"


def _outcomes(outcomes: dict[str, int]) -> str:
    return ", ".join(f"{outcome} x{n}" for outcome, n in list(outcomes.items())[:6])


# The naive side, run as `python -m benchmarks._batch naive URL OUT SOURCE...`


async def _naive_main(base_url: str, out: Path, sources: Sequence[str]) -> dict[str, Any]:
    from a2e_dubbing import A2EError, AsyncA2E

    out.mkdir(parents=True, exist_ok=True)
    errors: dict[str, int] = {}

    async def one(client: Any, source: str, language: str) -> None:
        try:
            task = await client.dubbing.start(source_url=source, target_lang=language)
            done = await client.dubbing.wait(task.task_id)
            await client.dubbing.download(done, f"{out}{os.sep}")
        except A2EError as error:
            errors[type(error).__name__] = errors.get(type(error).__name__, 0) + 1

    async with AsyncA2E(api_key=TOKEN, base_url=base_url) as client:
        await asyncio.gather(*(one(client, s, lang) for s in sources for lang in LANGUAGES))
    return {"errors": errors}


if __name__ == "__main__":
    if sys.argv[1:2] != ["naive"]:
        sys.exit("usage: python -m benchmarks._batch naive URL OUT SOURCE...")
    result = asyncio.run(_naive_main(sys.argv[2], Path(sys.argv[3]), sys.argv[4:]))
    print(json.dumps(result))
