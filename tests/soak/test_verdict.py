"""The soak's judge on hand-made ledgers, databases and logs: it fails when it should."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from pathlib import Path

from tests.soak._access_log import answers, outcomes, unexpected_server_errors
from tests.soak._soak import Budget, Ledger, verdict

TOKEN = "sk_verdict_tenant"
LOG = """\
2026-11-26 18:30:53,463 INFO uvicorn.error: Started server process [1]
2026-11-26 18:30:53,463 INFO a2e_dubbing_mock: POST startDubbing 200 2.2ms
2026-11-26 18:30:53,464 INFO a2e_dubbing_mock: GET getDubbingTask 503 injected 0.4ms
2026-11-26 18:30:53,465 INFO a2e_dubbing_mock: GET listDubbingTasks 429 injected 0.3ms
2026-11-26 18:30:53,466 INFO a2e_dubbing_mock: DELETE deleteDubbingTask reset injected 250.1ms
2026-11-26 18:30:53,467 INFO a2e_dubbing_mock: POST startDubbing dropped after commit injected 1.9ms
2026-11-26 18:30:53,468 INFO a2e_dubbing_mock: GET unknown path 404 0.1ms
2026-11-26 18:30:53,469 INFO a2e_dubbing_mock: GET mock health 200 0.1ms
"""


def _db(folder: Path, task_ids: list[str]) -> Path:
    """A database shaped like the mock's, holding `task_ids` for TOKEN's tenant."""
    db = folder / "tasks.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE tenants (id INTEGER PRIMARY KEY, key TEXT)")
        conn.execute("CREATE TABLE tasks (id TEXT, tenant INTEGER, status TEXT, doc TEXT)")
        conn.execute(
            "INSERT INTO tenants VALUES (1, ?)", (hashlib.sha256(TOKEN.encode()).hexdigest(),)
        )
        conn.executemany(
            "INSERT INTO tasks VALUES (?, 1, 'completed', ?)",
            [
                (
                    i,
                    json.dumps(
                        {"request": {"name": f"name-{i}", "source_url": f"https://e.com/{i}.mp3"}}
                    ),
                )
                for i in task_ids
            ],
        )
    conn.close()
    return db


def _ledger(task_ids: list[str], operations: int) -> Ledger:
    ledger = Ledger()
    for i in task_ids:
        ledger.acknowledged[i] = (TOKEN, f"name-{i}", f"https://e.com/{i}.mp3")
    ledger.done["start"] = operations
    return ledger


def _log(folder: Path, text: str) -> Path:
    path = folder / "server.log"
    path.write_text(text)
    return path


def test_a_clean_run_passes(tmp_path: Path) -> None:
    ledger = _ledger(["a", "b", "c"], 3)
    ledger.deleted.add("c")
    result = verdict(ledger, 3, _db(tmp_path, ["a", "b"]), _log(tmp_path, LOG), 1.0)
    assert result.problems() == []
    assert result.line().endswith(" -- OK")


def test_fewer_operations_than_requested_fail_with_the_reason_last(tmp_path: Path) -> None:
    result = verdict(_ledger(["a"], 1), 5, _db(tmp_path, ["a"]), _log(tmp_path, LOG), 1.0)
    assert not result.ok
    assert result.line().endswith(
        "FAILED: only 1 of 5 requested operations ran (time limit reached)"
    )


def test_the_budget_gives_nothing_after_its_deadline() -> None:
    assert Budget(10, time.monotonic() + 3600).take()
    assert not Budget(10, time.monotonic() - 1).take()
    assert not Budget(0, time.monotonic() + 3600).take()


def test_only_an_uncertain_delete_excuses_a_missing_task(tmp_path: Path) -> None:
    ledger = _ledger(["kept", "deleted", "uncertain", "refused", "vanished"], 5)
    ledger.deleted.add("deleted")
    ledger.delete_uncertain.add("uncertain")  # "refused" got a 404: nothing excuses it
    result = verdict(ledger, 5, _db(tmp_path, ["kept"]), _log(tmp_path, LOG), 1.0)
    assert sorted(result.lost) == ["refused", "vanished"]
    assert "2 lost acknowledged tasks" in result.line()


def test_an_acknowledged_delete_whose_task_is_still_stored_fails(tmp_path: Path) -> None:
    ledger = _ledger(["a", "b"], 2)
    ledger.deleted.add("b")
    result = verdict(ledger, 2, _db(tmp_path, ["a", "b"]), _log(tmp_path, LOG), 1.0)
    assert result.lost == []
    assert result.not_deleted == ["b"]
    assert "FAILED: 1 acknowledged deletes whose task is still stored" in result.line()


def test_a_non_injected_5xx_in_the_access_log_fails_though_no_client_saw_it(
    tmp_path: Path,
) -> None:
    log = LOG + (
        "2026-11-26 18:30:54,000 INFO a2e_dubbing_mock: GET getDubbingTask 500 0.3ms\n"
        "2026-11-26 18:30:54,001 INFO a2e_dubbing_mock: POST startDubbing 200 code=503 0.3ms\n"
    )
    result = verdict(_ledger(["a"], 1), 1, _db(tmp_path, ["a"]), _log(tmp_path, log), 1.0)
    assert result.unexpected_5xx == [
        "GET getDubbingTask 500",
        "POST startDubbing 200 code=503",
    ]
    assert "2 unexpected 5xx in the server log" in result.line()


def test_a_log_without_access_lines_fails(tmp_path: Path) -> None:
    result = verdict(_ledger(["a"], 1), 1, _db(tmp_path, ["a"]), _log(tmp_path, ""), 1.0)
    assert "access log missing or not understood" in result.line()


def test_the_access_log_parser_reads_labels_and_outcomes_with_spaces() -> None:
    parsed = [(a.method, a.label, a.outcome, a.injected, a.server_error) for a in answers(LOG)]
    assert parsed == [
        ("POST", "startDubbing", "200", False, False),
        ("GET", "getDubbingTask", "503 injected", True, True),
        ("GET", "listDubbingTasks", "429 injected", True, False),
        ("DELETE", "deleteDubbingTask", "reset injected", True, False),
        ("POST", "startDubbing", "dropped after commit injected", True, False),
        ("GET", "unknown path", "404", False, False),
        ("GET", "mock health", "200", False, False),
    ]
    assert unexpected_server_errors(LOG) == []
    assert outcomes(LOG).startswith("200 x2, ")
