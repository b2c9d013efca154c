"""The benchmarks' plumbing: the load tools' reports, the autocannon fallback, profiles of misses.

No benchmark is run: the smoke test loads our mock for one second and checks the numbers
are read, not how fast they are.
"""

from __future__ import annotations

import json
import signal
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pytest

from benchmarks import _api, _autocannon, _chart, _cli, _load, _markdown, _profile, _servers, _wrk
from benchmarks._paths import WRK_SCRIPTS
from benchmarks._procs import BenchError
from benchmarks._results import Comparison, Section
from benchmarks._settings import Settings

AUTOCANNON_RESULT = {
    "url": "http://127.0.0.1:1/x",
    "connections": 4,
    "duration": 2.02,
    "errors": 1,
    "timeouts": 2,
    "non2xx": 3,
    "latency": {"p50": 1, "p75": 2, "p90": 2, "p99": 7},
    "requests": {"total": 4040, "average": 2000},
    "latencyMicroseconds": {"50": 1615, "75": 2321, "90": 3532, "99": 7312},
}

WRK_REPORT = """Running 1s test @ http://127.0.0.1:1/x
  2 threads and 32 connections
  Latency Distribution
     50%  812.00us
     75%    1.20ms
     90%    2.50ms
     99%    1.02s
  3000 requests in 1.00s, 1.00MB read
  Socket errors: connect 0, read 1, write 0, timeout 2
  Non-2xx or 3xx responses: 5
Requests/sec:   2998.50
"""


def test_an_autocannon_result_is_read_with_microsecond_latencies() -> None:
    report = "progress noise\n" + json.dumps(AUTOCANNON_RESULT) + "\n"
    result = _autocannon.parse(report)
    assert result.requests == 4040
    assert result.seconds == pytest.approx(2.02)
    assert result.requests_per_second == pytest.approx(2000.0)
    assert result.latency_ms == pytest.approx({"50": 1.615, "75": 2.321, "90": 3.532, "99": 7.312})
    assert (result.non_2xx, result.socket_errors) == (3, 3)


def test_plain_autocannon_json_falls_back_to_its_whole_milliseconds() -> None:
    plain = {k: v for k, v in AUTOCANNON_RESULT.items() if k != "latencyMicroseconds"}
    result = _autocannon.parse(json.dumps(plain))
    assert result.latency_ms == {"50": 1.0, "75": 2.0, "90": 2.0, "99": 7.0}


@pytest.mark.parametrize(
    "report",
    ["", "Error: connect ECONNREFUSED", json.dumps({"requests": {}}), '{"duration": 0}'],
    ids=["empty", "no-json", "incomplete", "no-requests"],
)
def test_an_unreadable_autocannon_report_is_a_bench_error(report: str) -> None:
    with pytest.raises(BenchError, match="autocannon"):
        _autocannon.parse(report)


def test_a_wrk_report_is_read() -> None:
    result = _wrk.parse(WRK_REPORT)
    assert (result.requests, result.seconds, result.requests_per_second) == (3000, 1.0, 2998.5)
    assert result.latency_ms == pytest.approx({"50": 0.812, "75": 1.2, "90": 2.5, "99": 1020.0})
    assert (result.non_2xx, result.socket_errors) == (5, 3)


def test_both_tools_post_the_same_start_body_with_the_bench_token() -> None:
    body = json.dumps(_api.START_BODY)
    for script in ("post.lua", "fill.lua"):
        text = (WRK_SCRIPTS / script).read_text()
        assert f"wrk.body = '{body}'" in text, script
        assert f'"Bearer {_api.TOKEN}"' in text, script
    argv = _autocannon.load_argv(
        "http://h/x", threads=2, connections=8, seconds=1.4, post=True, headers={}
    )
    options = json.loads(argv[-1])
    assert options["body"] == body
    assert options["method"] == "POST"
    assert options["headers"]["Authorization"] == f"Bearer {_api.TOKEN}"
    assert (options["connections"], options["duration"]) == (8, 1)


def test_without_wrk_the_run_uses_autocannon(monkeypatch: pytest.MonkeyPatch) -> None:
    installed: list[bool] = []
    monkeypatch.setattr(_wrk, "available", lambda: False)
    monkeypatch.setattr(_servers, "ensure_node_tools", lambda: installed.append(True))
    monkeypatch.setattr(_load, "_chosen", None)
    assert _load.current().NAME == "autocannon"
    assert installed == [True]
    assert _load.describe().startswith("autocannon")
    with pytest.raises(BenchError, match="wrk is missing"):
        _load.choose("wrk")


def test_autocannon_loads_our_mock_for_a_second(monkeypatch: pytest.MonkeyPatch) -> None:
    try:
        _autocannon.node()
    except BenchError:
        pytest.skip("no Node.js")
    monkeypatch.setattr(_load, "_chosen", None)
    _load.choose("autocannon")
    with tempfile.TemporaryDirectory() as tmp, _servers.our_mock(Path(tmp) / "m.sqlite3") as mock:
        task_id = _api.start_task(mock.url)
        before = _api.task_count(mock.url)
        posted = _load.load(
            mock.url + _api.START_PATH, threads=1, connections=2, seconds=1, post=True
        )
        read = _load.load(
            mock.url + _api.detail_path(task_id),
            threads=1,
            connections=1,
            seconds=1,
            headers=_api.AUTH,
        )
        after = _api.task_count(mock.url)
    assert posted.requests > 0
    # every counted POST stored a task; the last few in flight when it stopped are not counted
    assert posted.requests <= after - before <= posted.requests + 2
    assert read.requests > 0
    for result in (posted, read):
        assert result.non_2xx == result.socket_errors == 0
        assert 0 < result.p50_ms <= result.p99_ms


def _busy(rounds: int) -> int:
    total = 0
    for i in range(rounds):  # pure Python: the time is this function's own
        total += i * i
    return total


def test_a_profile_names_the_function_that_took_the_time() -> None:
    from pyinstrument import Profiler

    sampler = Profiler(interval=0.001)
    sampler.start()
    _busy(3_000_000)
    sampler.stop()
    profile = _profile.summarise(sampler.last_session, "busy")
    assert profile.top, profile
    assert profile.top[0].function == "_busy", profile.top
    assert profile.top[0].where.endswith(f"test_benchmarks.py:{_busy.__code__.co_firstlineno}")
    assert 0 < sum(h.share for h in profile.top) <= 1.0001
    assert profile.top[0].share > 0.5


def _section(name: str, ours: float) -> Section:
    section = Section(name)
    section.comparisons.append(
        Comparison(
            group=name,
            measure="thing",
            unit="ms",
            ours_label="ours",
            peer_label="peer",
            ours=ours,
            peer=1.0,
            target=1.5,
        )
    )
    return section


def test_a_missed_target_gets_a_profile_in_the_results(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    profiled: list[str] = []

    def fake_profiler(settings: Settings, missed: Sequence[Comparison]) -> _profile.Profile:
        profiled.append(missed[0].group)
        hot = _profile.Hotspot("slow_function", "mod.py:12", 0.25, 0.5)
        return _profile.Profile("our side doing the thing", 0.5, (hot,))

    def broken_profiler(settings: Settings, missed: Sequence[Comparison]) -> _profile.Profile:
        raise BenchError("could not start")

    measures = {
        "imports": lambda s: _section("Missed", 3.0),  # forced miss: 3x, target 1.5x
        "generation": lambda s: _section("Met", 1.0),
        "client": lambda s: _section("Also missed", 2.0),
    }
    monkeypatch.setattr(_cli, "MEASURES", measures)
    monkeypatch.setattr(
        _cli,
        "PROFILERS",
        {"Missed": fake_profiler, "Met": fake_profiler, "Also missed": broken_profiler},
    )
    monkeypatch.setattr(_load, "choose", lambda name="auto": _wrk)
    monkeypatch.setattr(_load, "describe", lambda: "fake-load 1.0")
    monkeypatch.setattr(_cli, "_tools", lambda: "fake tools")
    monkeypatch.setattr(signal, "signal", lambda *args: None)
    monkeypatch.setattr(_chart, "render", lambda *args: None)
    for name in ("RESULTS_JSON", "RESULTS_MD", "RESULTS_PNG"):
        monkeypatch.setattr(_cli, name, tmp_path / name.lower())
    monkeypatch.setattr(_cli, "ROOT", tmp_path)

    assert (
        _cli.main(["--quick", "--only", "imports", "--only", "generation", "--only", "client"]) == 0
    )

    assert profiled == ["Missed"]  # the met section was not profiled
    markdown = (tmp_path / "results_md").read_text()
    assert "## Profiles of missed targets" in markdown
    assert "### Missed: our side doing the thing" in markdown
    assert "| 250.0 ms | 50.0% | `slow_function` | `mod.py:12` |" in markdown
    assert "**Also missed**: not profiled: BenchError: could not start" in markdown
    assert "- Load tool (both sides of every HTTP measure): fake-load 1.0" in markdown
    document = json.loads((tmp_path / "results_json").read_text())
    assert document["run"]["load_tool"] == "fake-load 1.0"
    by_name = {s["name"]: s for s in document["sections"]}
    assert by_name["Missed"]["profile"]["top"][0]["function"] == "slow_function"
    assert by_name["Met"]["profile"] is None


def test_markdown_without_misses_has_no_profile_section() -> None:
    run = {
        "machine": {"cpu": "c", "cores": 2, "system": "s", "python": "p", "packages": {}},
        "started": "now",
        "quick": True,
        "seconds": 1.0,
        "tools": "t",
        "load_tool": "wrk 4.1.0",
    }
    text = _markdown.render(run, [_section("Met", 1.0)])
    assert "Profiles of missed targets" not in text
    assert "Load tool (both sides of every HTTP measure): wrk 4.1.0" in text
