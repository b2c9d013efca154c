"""A batch stopped at any moment, by any fault, is taken up by the next run: no job is lost,
none is paid twice, and no task is taken for another's.

The jobs: a URL and a local file (uploaded once), each into two languages. Hypothesis draws
the faults of the first API requests (refused before they reached A2E, or
carried out and then answered with 503, dropped, timed out, a 429) and a request at which
the batch dies (before or after A2E carried it out; nothing is committed to the journal
after that, as after `kill -9`). Then the same batch runs again, with the faults that are
left. The checks read A2E's side directly: exactly one task per job, named as the job's
task, each job's file a whole WAV, no partial file left, and the journal saying so.
"""

from __future__ import annotations

import asyncio
import tempfile
import wave
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest
from a2e_dubbing import BatchEvent, BatchFinished, Job, JobStarted
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ._harness import (
    OUTCOMES,
    Crash,
    Harness,
    jobs,
    journal_rows,
    journal_stops_at_crash,
    valid_wav,
)

LANGUAGES = ("es", "fr")


def _jobs(media: Path) -> list[Job]:
    """A URL and a local file (uploaded once), each into two languages."""
    local = media / "talk.wav"
    if not local.exists():
        with wave.open(str(local), "wb") as audio:
            audio.setnchannels(1)
            audio.setsampwidth(2)
            audio.setframerate(8000)
            audio.writeframes(b"\x00\x01" * 800)
    return [*jobs(1, LANGUAGES), *(Job(source_url=local, target_lang=lang) for lang in LANGUAGES)]


async def _scenario(faults: list[str], crash: tuple[int, bool] | None, root: Path) -> None:
    folder = root / "out"
    chosen = _jobs(root)
    harness = Harness(faults=list(faults))
    if crash is not None:
        harness.crash_at, harness.crash_after = crash
    try:
        with journal_stops_at_crash(harness):
            try:
                first = await harness.run(chosen, folder, max_starts=2)
            except Crash:
                first = None
        if crash is None or first is not None:
            assert first is not None
            assert isinstance(first[-1], BatchFinished)
        harness.crashed = False
        harness.crash_at = None
        events = await harness.run(chosen, folder, max_starts=2)
        summary = events[-1]
        assert isinstance(summary, BatchFinished), events
        assert summary.summary.done, summary.summary
        await _check(harness, folder, events, len(chosen))
    finally:
        harness.close()


async def _check(harness: Harness, folder: Path, events: Sequence[BatchEvent], count: int) -> None:
    rows = journal_rows(folder)
    assert len(rows) == count
    tasks = await harness.tasks()
    by_name = Counter(task["name"] for task in tasks)
    names = {row.name for row in rows.values()}
    assert set(by_name) == names, (by_name, names)  # no task that is not a job's
    assert all(count == 1 for count in by_name.values()), by_name  # none started twice
    ids = {task["_id"]: task["name"] for task in tasks}
    for row in rows.values():
        assert row.state == "downloaded", row
        assert ids[row.task_id] == row.name  # its task is the one named for it
        assert row.file is not None
        assert valid_wav(Path(row.file)), row.file
    local = [t["source_url"] for t in tasks if not t["source_url"].startswith("https://media.")]
    assert len(local) == len(LANGUAGES)
    assert len(set(local)) == 1, local  # the local file's jobs share its one upload
    leftovers = [p.name for p in folder.iterdir() if p.name.endswith(".part")]
    assert not leftovers, leftovers
    for event in events:
        if isinstance(event, JobStarted):
            assert ids[str(event.job.task_id)] == event.job.name


CRASHES = st.none() | st.tuples(st.integers(0, 30), st.booleans())


@pytest.mark.usefixtures("fast")
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(faults=st.lists(st.sampled_from(OUTCOMES), max_size=12), crash=CRASHES)
@example(faults=[], crash=(3, True))  # killed after a request A2E carried out
@example(faults=[], crash=(3, False))  # killed before a request reached A2E
@example(faults=["dropped-after", "dropped-after", "dropped-after", "dropped-after"], crash=None)
@example(faults=["503-after"] * 8, crash=(12, True))
# the next run's upload fails three times (its retries spent): tried again in a later round
@example(faults=["ok"] * 5 + ["refused", "429-before", "503-before"], crash=(2, True))
def test_a_batch_stopped_anywhere_ends_with_one_task_and_one_file_per_job(
    faults: list[str], crash: tuple[int, bool] | None
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(_scenario(faults, crash, Path(folder)))
