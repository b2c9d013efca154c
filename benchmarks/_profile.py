"""Where our side spends its time when a target is missed: a short pyinstrument profile.

After the measures, every section with a missed target gets one profile of our side doing
the missed work (a few seconds), summarised as its top frames by self time.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks import _api, _load
from benchmarks._paths import ROOT, SPEC
from benchmarks._procs import BenchError, run, serving
from benchmarks._results import Comparison, Section
from benchmarks._settings import Settings

INTERVAL = 0.0002  # seconds between samples
TOP = 12
SECONDS = 3.0  # of work per profile


@dataclass(frozen=True)
class Hotspot:
    """A function and the time spent in it (not in what it called)."""

    function: str
    where: str
    self_seconds: float
    share: float  # of the profile's total


@dataclass(frozen=True)
class Profile:
    what: str
    total_seconds: float
    top: tuple[Hotspot, ...]


Profiler = Callable[[Settings, Sequence[Comparison]], Profile]


def profile_misses(
    sections: Sequence[Section], settings: Settings, profilers: dict[str, Profiler]
) -> None:
    """Profile our side of every section with a missed target (errors are noted, not raised)."""
    for section in sections:
        missed = [c for c in section.comparisons if c.met is False]
        profiler = profilers.get(section.name)
        if not missed or profiler is None:
            continue
        print(f"    profiling {section.name} (missed: {len(missed)}) ...", flush=True)
        try:
            section.profile = profiler(settings, missed)
        except Exception as error:  # a profile is a bonus: never lose the results for it
            section.profile_error = f"{type(error).__name__}: {error}"


def hotspots(session_file: Path, what: str, top: int = TOP) -> Profile:
    """The top frames by self time of a saved pyinstrument session."""
    from pyinstrument.session import Session

    return summarise(Session.load(str(session_file)), what, top)


def summarise(session: object, what: str, top: int = TOP) -> Profile:
    """The top frames by self time of a pyinstrument session (its `root_frame()`)."""
    root = session.root_frame()  # type: ignore[attr-defined]
    if root is None:
        raise BenchError(f"empty profile: {what}")
    totals: dict[tuple[str, str], float] = {}
    stack = [root]
    while stack:
        frame = stack.pop()
        stack.extend(frame.children)
        if frame.is_synthetic:
            continue
        key = (frame.function, f"{frame.file_path_short}:{frame.line_no}")
        totals[key] = totals.get(key, 0.0) + frame.total_self_time
    total = float(root.time) or 1.0
    ranked = sorted(totals.items(), key=lambda item: item[1], reverse=True)[:top]
    return Profile(
        what=what,
        total_seconds=float(root.time),
        top=tuple(
            Hotspot(function=f, where=w, self_seconds=s, share=s / total) for (f, w), s in ranked
        ),
    )


def _pyinstrument(out: Path) -> list[str]:
    interval = f"{INTERVAL:g}"
    return [
        sys.executable,
        "-m",
        "pyinstrument",
        "-r",
        "pyisession",
        "-o",
        str(out),
        "-i",
        interval,
    ]


def command(argv_tail: Sequence[str], what: str) -> Profile:
    """Profile `python <argv_tail>` run to its end."""
    with tempfile.TemporaryDirectory(prefix="a2e-bench-profile-") as tmp:
        out = Path(tmp) / "profile.pyisession"
        run([*_pyinstrument(out), *argv_tail], cwd=ROOT)
        return hotspots(out, what)


def server(mock_argv: Sequence[str], drive: Callable[[str], None], what: str) -> Profile:
    """Profile our mock (`mock_argv`: `python -m a2e_dubbing_mock serve ...`) while `drive`
    loads it; the profile is written when the server stops."""
    with tempfile.TemporaryDirectory(prefix="a2e-bench-profile-") as tmp:
        out = Path(tmp) / "profile.pyisession"
        argv = [*_pyinstrument(out), *mock_argv[1:]]
        with serving("a2e-dubbing-mock-profiled", argv, cwd=ROOT) as profiled:
            drive(profiled.url)
        deadline = time.monotonic() + 30
        while not out.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        if not out.exists():
            raise BenchError("the profiled mock wrote no profile")
        return hotspots(out, what)


# The profilers of the sections (by section name).


def client(settings: Settings, missed: Sequence[Comparison]) -> Profile:
    """`dubbing.get` against the fast server, sync or async (whichever missed first)."""
    from a2e_dubbing import A2E, AsyncA2E
    from pyinstrument import Profiler as Sampler

    from benchmarks._client_overhead import TOKEN
    from benchmarks._fastserver import TASK_ID

    asynchronous = "async" in missed[0].measure
    with serving("fastserver", [sys.executable, "-m", "benchmarks._fastserver"], cwd=ROOT) as s:
        sampler = Sampler(interval=INTERVAL, async_mode="enabled" if asynchronous else "disabled")
        if asynchronous:

            async def calls() -> None:
                async with AsyncA2E(api_key=TOKEN, base_url=s.url) as ours:
                    for _ in range(settings.client_warmup_calls):
                        await ours.dubbing.get(TASK_ID)
                    sampler.start()
                    deadline = time.monotonic() + SECONDS
                    while time.monotonic() < deadline:
                        await ours.dubbing.get(TASK_ID)
                    sampler.stop()

            asyncio.run(calls())
        else:
            with A2E(api_key=TOKEN, base_url=s.url) as ours:
                for _ in range(settings.client_warmup_calls):
                    ours.dubbing.get(TASK_ID)
                sampler.start()
                deadline = time.monotonic() + SECONDS
                while time.monotonic() < deadline:
                    ours.dubbing.get(TASK_ID)
                sampler.stop()
    mode = "AsyncA2E" if asynchronous else "A2E"
    return summarise(sampler.last_session, f"`{mode}().dubbing.get()` for {SECONDS:g} s")


def imports(settings: Settings, missed: Sequence[Comparison]) -> Profile:
    del settings
    code = missed[0].ours_label
    return command(["-c", code], f"`{code}` in a fresh interpreter")


def generation(settings: Settings, missed: Sequence[Comparison]) -> Profile:
    del settings, missed
    with tempfile.TemporaryDirectory(prefix="a2e-bench-profile-out-") as out:
        argv = ["-m", "generator", "generate", "--spec", str(SPEC), "--out", out]
        return command(argv, "`python -m generator generate`")


def drive_for(paths: Sequence[tuple[str, bool]], connections: int) -> Callable[[str], None]:
    """Load each (path, is a POST) for SECONDS with the run's load tool."""
    chosen = list(paths)

    def drive(url: str) -> None:
        for path, post in chosen:
            _load.load(
                url + path,
                threads=1,
                connections=connections,
                seconds=SECONDS,
                post=post,
                headers=None if post else _api.AUTH,
                allow_errors=True,
            )

    return drive
