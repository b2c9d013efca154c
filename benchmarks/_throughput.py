"""3. Mock throughput and latency: our mock vs Prism, same spec, same load (wrk or autocannon).

Both servers run at once (each idle while the other is loaded): ours as one process
(`a2e-dubbing-mock serve`, one uvicorn worker) on a SQLite file in a temporary folder,
so with request validation and durable writes; Prism as one Node.js process with static
examples and request validation. Each (request, server) pair gets a warm-up run, then
several measured rounds, the servers alternating (A B, B A, ...) so that a change in the
machine's load falls on both. Throughput is all requests over all measured seconds.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks import _api, _load, _profile
from benchmarks._procs import Server
from benchmarks._results import Comparison, LoadResult, Section, Table
from benchmarks._servers import mock_argv, our_mock, prism, prism_version
from benchmarks._settings import Settings
from benchmarks._stats import median

GROUP = "Mock vs Prism"
OURS, PEER = "a2e-dubbing-mock", "Prism"
POST, GET = "POST startDubbing", "GET detail"


@dataclass(frozen=True)
class Rounds:
    """The measured load-tool rounds of one server on one request."""

    runs: tuple[LoadResult, ...]

    @property
    def requests_per_second(self) -> float:
        return sum(r.requests for r in self.runs) / sum(r.seconds for r in self.runs)

    @property
    def p50_ms(self) -> float:
        return median([r.p50_ms for r in self.runs])

    @property
    def p99_ms(self) -> float:
        return median([r.p99_ms for r in self.runs])


def measure(settings: Settings) -> Section:
    section = Section("Mock throughput")
    tool = _load.name()
    with (
        tempfile.TemporaryDirectory(prefix="a2e-bench-mock-") as tmp,
        our_mock(Path(tmp) / "mock.sqlite3") as ours,
        prism() as peer,
    ):
        task_id = _api.start_task(ours.url)
        servers = {OURS: ours, PEER: peer}
        requests = {POST: (_api.START_PATH, True), GET: (_api.detail_path(task_id), False)}
        for server in servers.values():  # both answer a valid request with code 0 first
            _api.start_task(server.url)
            _api.data(server.url, "GET", _api.detail_path(task_id))
        results = {
            (name, kind): Rounds(runs)
            for kind, (path, post) in requests.items()
            for name, runs in _alternating(servers, path, post, settings).items()
        }
        stored = _api.task_count(ours.url)
        how = {OURS: " ".join(_shown(ours)), PEER: " ".join(_shown(peer))}
    for kind in requests:
        mine, theirs = results[OURS, kind], results[PEER, kind]
        section.comparisons.append(
            Comparison(
                group=GROUP,
                measure=f"{kind} throughput ({_flags(tool, settings)})",
                unit="req/s",
                ours_label=OURS,
                peer_label=f"{PEER} {prism_version()}",
                ours=mine.requests_per_second,
                peer=theirs.requests_per_second,
                higher_is_better=True,
                target=3.0,
                short=kind.replace(" ", "\n", 1),
            )
        )
    section.tables.append(_table(results, settings, how, stored))
    section.details = {
        "rounds": {
            f"{name} / {kind}": [vars(run) for run in rounds.runs]
            for (name, kind), rounds in results.items()
        },
        "commands": how,
        "load_tool": _load.describe(),
    }
    return section


def profile(settings: Settings, missed: Sequence[Comparison]) -> _profile.Profile:
    """Our mock under the load of each missed request, profiled."""
    kinds = [kind for kind in (POST, GET) if any(c.measure.startswith(kind) for c in missed)]
    with tempfile.TemporaryDirectory(prefix="a2e-bench-mock-profile-") as tmp:

        def drive(url: str) -> None:
            paths = {
                POST: (_api.START_PATH, True),
                GET: (_api.detail_path(_api.start_task(url)), False),
            }
            _profile.drive_for([paths[k] for k in kinds], settings.wrk_connections)(url)

        what = (
            f"a2e-dubbing-mock under {' then '.join(kinds)}, {settings.wrk_connections} connections"
        )
        return _profile.server(mock_argv(Path(tmp) / "mock.sqlite3"), drive, what)


def _alternating(
    servers: dict[str, Server], path: str, post: bool, settings: Settings
) -> dict[str, tuple[LoadResult, ...]]:
    def once(server: Server, seconds: float) -> LoadResult:
        return _load.load(
            server.url + path,
            threads=settings.wrk_threads,
            connections=settings.wrk_connections,
            seconds=seconds,
            post=post,
            headers=None if post else _api.AUTH,  # POST: the tool sets its own
        )

    for server in servers.values():
        once(server, settings.wrk_warmup_seconds)
    runs: dict[str, list[LoadResult]] = {name: [] for name in servers}
    names = list(servers)
    for turn in range(settings.wrk_rounds):
        for name in names if turn % 2 == 0 else reversed(names):
            runs[name].append(once(servers[name], settings.wrk_round_seconds))
    return {name: tuple(results) for name, results in runs.items()}


def _table(
    results: dict[tuple[str, str], Rounds], settings: Settings, how: dict[str, str], stored: int
) -> Table:
    rounds = settings.wrk_rounds
    paired = {
        kind: median(
            [
                a.requests_per_second / b.requests_per_second
                for a, b in zip(results[OURS, kind].runs, results[PEER, kind].runs, strict=True)
            ]
        )
        for kind in (POST, GET)
    }
    return Table(
        title="Mock vs Prism under load: throughput and latency",
        header=("request", "server", "req/s", "p50 ms", "p99 ms", "req/s per round"),
        rows=tuple(
            (
                kind,
                name,
                f"{result.requests_per_second:,.0f}",
                f"{result.p50_ms:.2f}",
                f"{result.p99_ms:.2f}",
                ", ".join(f"{r.requests_per_second:,.0f}" for r in result.runs),
            )
            for (name, kind), result in results.items()
        ),
        notes=(
            f"{_load.describe()}, {_flags(_load.name(), settings)}, the same for both servers: "
            f"{settings.wrk_warmup_seconds:g} s of warm-up, then {rounds} rounds of "
            f"{settings.wrk_round_seconds:g} s per request and server, the servers alternating; "
            "p50 and p99 are medians over the rounds. Every answer was 2xx (checked).",
            "Paired check (median of per-round ratios): "
            + ", ".join(f"{kind} {ratio:.2f}×" for kind, ratio in paired.items())
            + ".",
            f"Ours: `{how[OURS]}` — one process, one event loop and one writer thread; durable "
            f"group-committed SQLite writes ({stored:,} tasks stored by the end).",
            f"Prism: `{how[PEER]}` — one Node.js process, static examples.",
            f"{_load.name()} runs on the same cores as the server under test.",
        ),
    )


def _flags(tool: str, settings: Settings) -> str:
    if tool == "wrk":
        return f"wrk -t{settings.wrk_threads} -c{settings.wrk_connections}"
    return f"{tool} -c{settings.wrk_connections}"


def _shown(server: Server) -> list[str]:
    """The command line, with paths shortened to their last parts."""
    return [Path(arg).name if "/" in arg else arg for arg in server.argv]
