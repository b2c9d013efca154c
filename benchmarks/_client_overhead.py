"""1. Client overhead: `client.dubbing.get(task_id)` against raw httpx and a bare client.

Every side sends the same GET (URL, query, headers) to the same tiny local server
(`_fastserver`, a separate process far faster than any client) over one kept-alive
connection, and reads the JSON answer: raw httpx with `response.json()`, ours with its
defaults on (retries, typed errors, envelope check, model parsing), the bare
openapi-python-client output with its `sync`/`asyncio` functions.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from types import ModuleType
from typing import Any

import httpx
from a2e_dubbing import A2E, AsyncA2E
from a2e_dubbing import __version__ as client_version

from benchmarks import _bareclient, _load
from benchmarks._fastserver import TASK, TASK_ID, event_loop_name
from benchmarks._paths import ROOT
from benchmarks._procs import BenchError, serving
from benchmarks._results import Comparison, Section, Table
from benchmarks._settings import Settings
from benchmarks._stats import interleaved, interleaved_async, median, percentile
from contract_tests import _api as spec

GROUP = "Client overhead"
# Get details of TASK_ID, as the spec has it: the path, and the query raw httpx is given.
_DETAIL = spec.op("dubbing.get").parts(task_id=TASK_ID)
PATH = spec.op("dubbing.get").url(
    **{p.keyword: TASK_ID for p in spec.op("dubbing.get").params if p.where == "path"}
)
QUERY = _DETAIL.query
TOKEN = "sk_bench"
HEADERS = {
    "Accept": "application/json",
    "User-Agent": f"a2e-dubbing-python/{client_version}",
    "Authorization": f"Bearer {TOKEN}",
}
TIMEOUT = httpx.Timeout(60.0, connect=10.0)  # our client's default, given to every side
RAW, OURS, BARE = "raw httpx", "a2e_dubbing", "openapi-python-client"


def measure(settings: Settings) -> Section:
    section = Section("Client overhead")
    bare_client, bare_op = _bareclient.load()
    argv = [sys.executable, "-m", "benchmarks._fastserver"]
    with serving("fastserver", argv, cwd=ROOT) as server:
        alone = _load.load(server.url + PATH, threads=1, connections=1, seconds=2)
        sync = _measure_sync(server.url, bare_client, bare_op, settings)
        asynchronous = asyncio.run(_measure_async(server.url, bare_client, bare_op, settings))
    for mode, samples in (("sync", sync), ("async", asynchronous)):
        ours = median(samples[OURS]) * 1e6
        for peer, target in ((RAW, 1.10), (BARE, None)):
            section.comparisons.append(
                Comparison(
                    group=GROUP,
                    measure=f"`dubbing.get` per call, {mode}: vs {peer}",
                    unit="µs/call",
                    ours_label=f"{'A2E' if mode == 'sync' else 'AsyncA2E'}",
                    peer_label=_peer_label(peer, mode),
                    ours=ours,
                    peer=median(samples[peer]) * 1e6,
                    target=target,
                    short=f"{mode}\nvs {'httpx' if peer == RAW else 'bare opc'}",
                )
            )
    calls = settings.client_rounds * settings.client_batch
    section.tables.append(
        Table(
            title="Client overhead: per-call time (µs), median and spread of batch means",
            header=("mode", "side", "median", "p10", "p90", "calls timed"),
            rows=tuple(
                (mode, side, *(_us(f(values)) for f in _SPREAD), str(calls))
                for mode, samples in (("sync", sync), ("async", asynchronous))
                for side, values in samples.items()
            ),
            notes=(
                f"Server: `benchmarks/_fastserver.py` ({event_loop_name()}), a fixed "
                f"{len(_fixed_body())}-byte task envelope; alone it answers {_load.name()} on one "
                f"connection in p50 {alone.p50_ms * 1000:.0f} µs "
                f"({alone.requests_per_second:,.0f} req/s), so the times above are the clients'.",
                f"Rounds: {settings.client_rounds} × {settings.client_batch} calls per side, sides "
                f"shuffled each round, after {settings.client_warmup_calls} warm-up calls.",
                "Ours runs with its defaults: max_retries=2, envelope check (`code` read on "
                "every answer), typed errors, `DubbingTask` parsing. Raw httpx: a client with "
                "the same base URL, headers and timeout; `get(...).json()`.",
                "Paired check (median of per-round ratios, robust to load drift): "
                + ", ".join(
                    f"{mode} ours/{peer} {_paired(samples[OURS], samples[peer]):.2f}×"
                    for mode, samples in (("sync", sync), ("async", asynchronous))
                    for peer in (RAW, BARE)
                )
                + ".",
            ),
        )
    )
    section.details = {
        "per_call_seconds": {"sync": sync, "async": asynchronous},
        "fast_server_alone": {"p50_ms": alone.p50_ms, "rps": alone.requests_per_second},
        "event_loop_of_server": event_loop_name(),
    }
    return section


_SPREAD: tuple[Callable[[list[float]], float], ...] = (
    median,
    lambda v: percentile(v, 10),
    lambda v: percentile(v, 90),
)


def _paired(ours: list[float], peer: list[float]) -> float:
    return median([a / b for a, b in zip(ours, peer, strict=True)])


def _us(seconds: float) -> str:
    return f"{seconds * 1e6:.1f}"


def _peer_label(peer: str, mode: str) -> str:
    if peer == RAW:
        return "httpx.Client" if mode == "sync" else "httpx.AsyncClient"
    return f"bare opc `{'sync' if mode == 'sync' else 'asyncio'}`"


def _fixed_body() -> bytes:
    from benchmarks._fastserver import BODY

    return BODY


def _batch(call: Callable[[], object], size: int) -> Callable[[], float]:
    def timed() -> float:
        start = time.perf_counter()
        for _ in range(size):
            call()
        return (time.perf_counter() - start) / size

    return timed


def _abatch(call: Callable[[], Awaitable[object]], size: int) -> Callable[[], Awaitable[float]]:
    async def timed() -> float:
        start = time.perf_counter()
        for _ in range(size):
            await call()
        return (time.perf_counter() - start) / size

    return timed


def _measure_sync(
    url: str, bare_client: ModuleType, bare_op: ModuleType, settings: Settings
) -> dict[str, list[float]]:
    raw = httpx.Client(base_url=url, headers=HEADERS, timeout=TIMEOUT)
    ours = A2E(api_key=TOKEN, base_url=url)
    bare = bare_client.AuthenticatedClient(
        base_url=url, token=TOKEN, headers=_bare_headers(), timeout=TIMEOUT
    )
    try:
        calls: dict[str, Callable[[], object]] = {
            RAW: lambda: raw.get(PATH, params=QUERY).json(),
            OURS: lambda: ours.dubbing.get(TASK_ID),
            BARE: lambda: bare_op.sync(client=bare, field_id=TASK_ID),
        }
        _check(calls[RAW](), calls[OURS](), calls[BARE](), ours.max_retries)
        for call in calls.values():
            for _ in range(settings.client_warmup_calls):
                call()
        sides = {name: _batch(call, settings.client_batch) for name, call in calls.items()}
        return interleaved(sides, settings.client_rounds)
    finally:
        raw.close()
        ours.close()
        bare.get_httpx_client().close()


async def _measure_async(
    url: str, bare_client: ModuleType, bare_op: ModuleType, settings: Settings
) -> dict[str, list[float]]:
    raw = httpx.AsyncClient(base_url=url, headers=HEADERS, timeout=TIMEOUT)
    ours = AsyncA2E(api_key=TOKEN, base_url=url)
    bare = bare_client.AuthenticatedClient(
        base_url=url, token=TOKEN, headers=_bare_headers(), timeout=TIMEOUT
    )

    async def raw_call() -> Any:
        return (await raw.get(PATH, params=QUERY)).json()

    try:
        calls: dict[str, Callable[[], Awaitable[object]]] = {
            RAW: raw_call,
            OURS: lambda: ours.dubbing.get(TASK_ID),
            BARE: lambda: bare_op.asyncio(client=bare, field_id=TASK_ID),
        }
        _check(await calls[RAW](), await calls[OURS](), await calls[BARE](), ours.max_retries)
        for call in calls.values():
            for _ in range(settings.client_warmup_calls):
                await call()
        sides = {name: _abatch(call, settings.client_batch) for name, call in calls.items()}
        return await interleaved_async(sides, settings.client_rounds)
    finally:
        await raw.aclose()
        await ours.close()
        await bare.get_async_httpx_client().aclose()


def _bare_headers() -> dict[str, str]:
    """The same headers (the bare client adds `Authorization` itself)."""
    return {k: v for k, v in HEADERS.items() if k != "Authorization"}


def _check(raw: Any, ours: Any, bare: Any, retries: int) -> None:
    """Every side read the same task, and ours runs with retries on."""
    got = {
        RAW: TASK_ID if raw["data"] == TASK else raw["data"],
        OURS: getattr(ours, "id", None),
        BARE: getattr(getattr(bare, "data", None), "field_id", None),
    }
    wrong = {side: value for side, value in got.items() if value != TASK_ID}
    if wrong:
        raise BenchError(f"client sides did not read task {TASK_ID}: {wrong}")
    if retries < 1:
        raise BenchError("our client must run with retries on")
