"""`kill -9` of the batch command at the worst moments loses nothing and pays nothing twice.

The command runs for real, against a live mock behind a proxy that SIGKILLs it: before a
start reaches A2E (its intent is journaled, nothing was created), after A2E created a task
but before the command read the answer (its id is not journaled), and in the middle of a
download. Each time the same command is run again; the last run must end with every file
saved whole, exactly one task per job at A2E, and nothing partial left in the folder.
"""

from __future__ import annotations

import json
import signal
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from a2e_dubbing_mock.pytest_plugin import Factory, MockServer

from tests.cli._terminal import cli

from ._harness import LIST, START, journal_rows, valid_wav
from ._proxy import Kill, Proxy, running

SOURCES = [f"https://media.example.com/show/part-{i}.mp4" for i in range(3)]


@dataclass
class Run:
    code: int
    events: list[dict[str, Any]]
    report: str


def _run(
    argv: list[str], env: dict[str, str], proxy: Proxy, kill: Kill | None, folder: Path
) -> Run:
    stdout, stderr = folder / "stdout.txt", folder / "stderr.txt"
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen(argv, env=env, stdout=out, stderr=err)
        proxy.arm(kill, process.pid)
        try:
            code = process.wait(timeout=90)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    events = []
    for line in stderr.read_text(encoding="utf-8").splitlines():
        try:
            events.append(json.loads(line))
        except ValueError:
            continue
    return Run(code, events, stdout.read_text(encoding="utf-8"))


def _tasks(server: MockServer) -> list[dict[str, Any]]:
    with httpx.Client(base_url=server.url, headers=server.headers) as client:
        rows = client.request(**LIST.call(page_num=1, page_size=100)).json()["data"]["rows"]
    return list(rows)


def test_kill_9_before_a_start_after_a_start_and_during_a_download(
    a2e_mock_server_factory: Factory, tmp_path: Path
) -> None:
    server = a2e_mock_server_factory("--processing-seconds", "0.5")
    out = tmp_path / "out"
    with running(server.url) as proxy:
        argv = cli(
            "--json", "batch", *SOURCES, "--to", "es", "--out", str(out), "--max-starts", "1",
            "--poll", "0.6",  # the first poll (and download) after the look-up of run 3
        )  # fmt: skip
        env = {**_env(), "A2E_API_KEY": server.token, "A2E_BASE_URL": proxy.url}

        # 1. Killed as the second start leaves: its intent is journaled, A2E has nothing.
        first = _run(argv, env, proxy, Kill("POST", START, 2, "before"), tmp_path)
        assert first.code == -signal.SIGKILL, first.events
        states = Counter(row.state for row in journal_rows(out).values())
        assert states == {"started": 1, "intent": 1, "planned": 1}
        intent = next(row for row in journal_rows(out).values() if row.state == "intent")
        assert intent.name not in {task["name"] for task in _tasks(server)}

        # 2. Killed after A2E made the intent's task, before the command read the answer.
        second = _run(argv, env, proxy, Kill("POST", START, 1, "after"), tmp_path)
        assert second.code == -signal.SIGKILL, second.events
        row = journal_rows(out)[intent.key]
        assert (row.state, row.task_id) == ("intent", None)
        assert [t["name"] for t in _tasks(server)].count(intent.name) == 1

        # 3. The next run finds that task by its name instead of starting it again; then
        # it is killed halfway through a download.
        third = _run(argv, env, proxy, Kill("GET", "/__mock/results/", 1, "midway"), tmp_path)
        assert third.code == -signal.SIGKILL, third.events
        found = [e for e in third.events if e.get("event") == "started" and e.get("found")]
        assert [e["job"]["name"] for e in found] == [intent.name]
        cut = [row for row in journal_rows(out).values() if row.state == "downloading"]
        assert cut
        saved = [p for p in out.iterdir() if not p.name.startswith(".")]
        assert len(saved) < len(SOURCES)
        assert all(valid_wav(path) for path in saved)  # nothing partial under a final name

        # 4. The same command once more: everything saved, each job paid once.
        last = _run(argv, env, proxy, None, tmp_path)
    assert last.code == 0, (last.events, last.report)
    report = json.loads(last.report)
    assert report["summary"]["downloaded"] == len(SOURCES)
    rows = journal_rows(out)
    assert all(row.state == "downloaded" for row in rows.values())
    assert all(valid_wav(Path(str(row.file))) for row in rows.values())
    names = Counter(task["name"] for task in _tasks(server))
    assert names == Counter(row.name for row in rows.values())  # one task per job, no other
    assert not [p.name for p in out.iterdir() if p.name.endswith(".part")]


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("A2E_")}
