"""The batch benchmark's plumbing (no benchmark is run): what it reads of the mock's access
log and database, and how it tells a whole WAV from a cut one."""

from __future__ import annotations

import json
import sqlite3
import wave
from pathlib import Path

from benchmarks import _batch

LOG = """\
2026-12-04 18:00:00,001 INFO a2e_dubbing_mock: GET getRemainingCoins 200 0.8ms
2026-12-04 18:00:00,002 INFO a2e_dubbing_mock: POST startDubbing 200 1.5ms
2026-12-04 18:00:00,003 INFO a2e_dubbing_mock: POST startDubbing dropped after commit injected 1.2ms
2026-12-04 18:00:00,004 INFO a2e_dubbing_mock: POST startDubbing 429 injected 0.1ms
2026-12-04 18:00:00,005 INFO a2e_dubbing_mock: GET getDubbingTask 200 code=1001 injected 0.1ms
2026-12-04 18:00:00,006 INFO a2e_dubbing_mock: GET listProcessingDubbingTasks reset injected 0.1ms
2026-12-04 18:00:00,007 INFO a2e_dubbing_mock: GET mock result 200 0.4ms
2026-12-04 18:00:00,008 INFO a2e_dubbing_mock: POST mock task advance 200 0.4ms
not an access line
"""


def _db(path: Path, names: list[str]) -> Path:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE tasks (doc TEXT)")
        conn.executemany(
            "INSERT INTO tasks VALUES (?)",
            [(json.dumps({"request": {"name": name}}),) for name in names],
        )
    return path


def _wav(path: Path, frames: int) -> Path:
    with wave.open(str(path), "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(8000)
        audio.writeframes(b"\x00\x01" * frames)
    return path


def test_requests_duplicates_and_whole_files_are_counted(tmp_path: Path) -> None:
    log = tmp_path / "mock.log"
    log.write_text(LOG, encoding="utf-8")
    db = _db(tmp_path / "mock.sqlite3", ["a.es.1", "a.fr.2", "a.fr.2", "b.es.3", "a.fr.2"])
    out = tmp_path / "out"
    out.mkdir()
    _wav(out / "whole.wav", 800)
    cut = _wav(out / "cut.wav", 800).read_bytes()
    (out / "cut.wav").write_bytes(cut[: len(cut) // 2])
    (out / "noise.wav").write_bytes(b"RIFF....")
    run = _batch.Run(wall_s=1.0)
    _batch._count(run, log, db, out)
    assert (run.api_requests, run.starts, run.polls, run.downloads) == (6, 3, 1, 1)
    assert run.outcomes["429 injected"] == 1
    assert (run.tasks, run.duplicates) == (5, 2)
    assert run.saved == 1
