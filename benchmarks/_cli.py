"""`python -m benchmarks [--quick] [--only NAME ...]`: run, then write the results."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import signal
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict
from types import FrameType
from typing import Any

from benchmarks import (
    _autocannon,
    _batch,
    _chart,
    _client_overhead,
    _generation,
    _imports,
    _load,
    _machine,
    _markdown,
    _profile,
    _scale,
    _servers,
    _throughput,
)
from benchmarks._paths import RESULTS_JSON, RESULTS_MD, RESULTS_PNG, ROOT
from benchmarks._procs import BenchError, run
from benchmarks._results import Section
from benchmarks._settings import Settings

MEASURES: dict[str, Callable[[Settings], Section]] = {
    "client": _client_overhead.measure,
    "imports": _imports.measure,
    "mock": _throughput.measure,
    "generation": _generation.measure,
    "scale": _scale.measure,
    "batch": _batch.measure,
}


PROFILERS: dict[str, _profile.Profiler] = {
    "Client overhead": _profile.client,
    "Import time": _profile.imports,
    "Mock throughput": _throughput.profile,
    "Generation": _profile.generation,
    "Scale": _scale.profile,
}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)  # so that every server is stopped
    settings = Settings.short() if args.quick else Settings.full()
    chosen = args.only or list(MEASURES)
    try:
        _load.choose(args.load_tool)
        if "mock" in chosen:
            _servers.ensure_node_tools()
    except BenchError as error:
        print(f"benchmarks: {error}", file=sys.stderr)
        return 2
    started = dt.datetime.now(dt.UTC)
    clock = time.monotonic()
    load_start = _machine.load_average()
    sections = [
        _measure(name, MEASURES[name], settings, i, len(chosen)) for i, name in enumerate(chosen, 1)
    ]
    load_end = _machine.load_average()
    if not args.no_profile:
        _profile.profile_misses(sections, settings, PROFILERS)
    run_info = {
        "started": started.strftime("%Y-%m-%d %H:%M UTC"),
        "quick": settings.quick,
        "seconds": time.monotonic() - clock,
        "measures": chosen,
        "settings": asdict(settings),
        "machine": asdict(_machine.describe()),
        "load_tool": _load.describe(),
        "tools": _tools(),
        "load_average": {
            "start": None if load_start is None else round(load_start[0], 2),
            "end": None if load_end is None else round(load_end[0], 2),
        },
    }
    _write(run_info, sections)
    failed = [s.name for s in sections if s.error is not None]
    print(f"wrote {_shown(RESULTS_MD)}, {_shown(RESULTS_JSON)}, {_shown(RESULTS_PNG)}")
    if failed:
        print(f"not measured: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Benchmarks of a2e-dubbing against its peers (raw httpx, bare "
        "openapi-python-client, Prism), side by side; writes benchmarks/results.{json,md,png}.",
    )
    parser.add_argument(
        "--quick", action="store_true", help="fewer repetitions and a 10k-task scale run only"
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=list(MEASURES),
        help="run only this measure (repeatable); the results files then hold only these",
    )
    parser.add_argument(
        "--no-profile",
        action="store_true",
        help="do not profile our side of a section whose target was missed (pyinstrument)",
    )
    parser.add_argument(
        "--load-tool",
        choices=_load.CHOICES,
        default="auto",
        help="the HTTP load tool of both sides: wrk if installed, else autocannon (pinned, npm)",
    )
    return parser


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    del frame
    raise SystemExit(128 + signum)


def _measure(
    name: str, measure: Callable[[Settings], Section], settings: Settings, index: int, count: int
) -> Section:
    print(f"[{index}/{count}] {name} ...", flush=True)
    started = time.monotonic()
    try:
        section = measure(settings)
    except BenchError as error:
        section = Section(name, error=str(error))
    except Exception as error:  # a bug or an odd machine: report it, run the rest
        traceback.print_exc()
        section = Section(name, error=f"{type(error).__name__}: {error}")
    section.seconds = time.monotonic() - started
    for c in section.comparisons:
        met = "" if c.met is None else ("  met" if c.met else "  MISSED")
        print(f"    {c.group}: {c.measure}: {c.ratio:.2f}× (target {c.target_text}){met}")
    for point in section.scale:
        p50s = ", ".join(f"{kind} {p50:.2f} ms" for kind, (p50, _) in point.latency_ms.items())
        print(f"    {point.tasks:,} tasks, {point.db_bytes / 1e6:.1f} MB: {p50s}")
    if section.error is not None:
        print(f"    not measured: {section.error}", file=sys.stderr)
    print(f"    ({section.seconds:.0f} s)", flush=True)
    return section


def _tools() -> str:
    tools = [_load.describe(), f"Prism {_servers.prism_version()}"]
    with contextlib.suppress(BenchError):
        tools.append("Node.js " + run([_autocannon.node(), "--version"], check=False).strip())
    return ", ".join(tools)


def _write(run_info: dict[str, Any], sections: list[Section]) -> None:
    document = {"run": run_info, "sections": [s.to_json() for s in sections]}
    RESULTS_JSON.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    RESULTS_MD.write_text(_markdown.render(run_info, sections))
    machine = run_info["machine"]
    title = (
        f"a2e-dubbing vs its peers — {run_info['started']} — {machine['cpu']}, "
        f"{machine['cores']} cores, {machine['python']}"
    )
    _chart.render(sections, RESULTS_PNG, title)


def _shown(path: Any) -> str:
    return str(path.relative_to(ROOT))
