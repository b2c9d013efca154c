"""How a batch runs, against the mock in-process: one poll for all tasks, the shared backoff
after a 429, the credit stop, failed tasks and `retry_failed`, downloads that fail and are
tried again, result URLs read again before they expire, and the sync wrapper."""

from __future__ import annotations

import asyncio
import json
import math
import time
from pathlib import Path

import pytest
from a2e_dubbing import (
    A2E,
    BatchError,
    BatchFinished,
    BatchPlanError,
    BatchPolled,
    BatchStopped,
    Job,
    JobFailed,
    JobStarted,
    SourceUploaded,
    _batch_journal,
    _batch_run,
)
from a2e_dubbing._batch_spec import RESULT_LIFETIME
from a2e_dubbing_mock.pytest_plugin import MockServer

from contract_tests import _api as api

from ._harness import (
    API,
    START,
    Crash,
    Harness,
    jobs,
    journal_rows,
    journal_stops_at_crash,
    valid_wav,
)

pytestmark = pytest.mark.anyio


async def test_each_poll_reads_the_unfinished_list_once_and_only_finished_tasks_again(
    tmp_path: Path,
) -> None:
    harness = Harness(processing=0.3)
    try:
        events = await harness.run(jobs(6, ("es", "fr", "de")), tmp_path)
    finally:
        harness.close()
    finished = events[-1]
    assert isinstance(finished, BatchFinished)
    assert finished.summary.done
    polls = [e for e in events if isinstance(e, BatchPolled)]
    assert polls
    for poll in polls:  # the unfinished list, plus at most one read per task that left it
        assert poll.requests <= 1 + poll.finished, poll
    assert sum(p.finished for p in polls) == 18
    reads = [s for s in harness.sent if s.path.startswith(API) and s.method == "GET"]
    details = [s for s in reads if api.op("dubbing.get").matches(s.method, s.path)]
    assert len(details) < 18  # the finished tasks were mostly read a page at a time


async def test_a_429_pauses_every_request_of_the_batch_for_its_retry_after(
    tmp_path: Path,
) -> None:
    harness = Harness(processing=0.2, retry_after="1")
    harness.faults = ["ok", "ok", "429-before"]  # the balance, then starts
    try:
        events = await harness.run(jobs(4), tmp_path, max_starts=4)
    finally:
        harness.close()
    assert isinstance(events[-1], BatchFinished)
    assert events[-1].summary.done
    limited = next(s for s in harness.sent if s.outcome == "429-before")
    during = [
        s for s in harness.sent if s.path.startswith(API) and limited.at < s.at < limited.at + 0.95
    ]
    assert not during, during  # nothing at all while the batch waits out Retry-After
    after = [s for s in harness.sent if s.at >= limited.at + 0.95 and s.path == START]
    assert after  # and the starts went on afterwards


def test_429s_in_a_row_double_the_pause_and_a_success_resets_it() -> None:
    now = [100.0]
    backoff = _batch_run.SharedBackoff(clock=lambda: now[0])
    assert backoff.slow_down(2.0) == 2.0
    assert backoff.slow_down(2.0) == 4.0
    assert backoff.slow_down(None) == 4.0  # no Retry-After: a second, doubled twice
    assert backoff.paused_for == 4.0
    now[0] += 3.0
    assert backoff.paused_for == 1.0
    backoff.succeeded()
    assert backoff.slow_down(0.5) == 0.5
    assert backoff.slow_down(1000.0) == _batch_run.BACKOFF_CAP


async def test_max_coins_stops_new_starts_once_the_balance_dropped_that_much(
    tmp_path: Path,
) -> None:
    harness = Harness(processing=0.1)
    limit = 12.0
    chosen = jobs(12, ("es",))
    try:
        async with harness.direct() as direct:
            before = (await direct.request(**api.call("account.remaining_coins"))).json()["data"][
                "coins"
            ]
        events = await harness.run(chosen, tmp_path, max_coins=limit)
        tasks = sorted(await harness.tasks(), key=lambda t: t["createdAt"])
        async with harness.direct() as direct:
            after = (await direct.request(**api.call("account.remaining_coins"))).json()["data"][
                "coins"
            ]
        spent = before - after
        last = math.ceil(tasks[-1]["duration"] / 60)  # the mock's price: a coin a minute
        assert 0 < len(tasks) < len(chosen)
        assert spent >= limit  # it stopped because the balance dropped by the limit ...
        assert spent - last < limit  # ... and not before: the last start came below it
        stops = [e for e in events if isinstance(e, BatchStopped)]
        assert [s.reason for s in stops] == ["credits"]
        summary = events[-1]
        assert isinstance(summary, BatchFinished)
        assert summary.summary.not_started == len(chosen) - len(tasks)
        assert summary.summary.downloaded == len(tasks)
        again = await harness.run(chosen, tmp_path)  # without a limit: the rest
        assert isinstance(again[-1], BatchFinished)
        assert again[-1].summary.done
        assert len(await harness.tasks()) == len(chosen)
    finally:
        harness.close()


async def test_a_failed_task_is_reported_and_retry_failed_starts_it_under_a_new_name(
    tmp_path: Path,
) -> None:
    harness = Harness(processing=None)  # tasks move only when the test says
    chosen = jobs(2, ("es",))

    async def finish_when_started() -> None:
        while len(tasks := await harness.tasks()) < len(chosen):
            await asyncio.sleep(0.01)
        await harness.admin(tasks[0]["_id"], "fail", message="no speech found", code="E42")
        await harness.admin(tasks[1]["_id"], "complete")

    try:
        finishing = asyncio.ensure_future(finish_when_started())
        events = await harness.run(chosen, tmp_path)
        await finishing
        failed = [e for e in events if isinstance(e, JobFailed)]
        assert len(failed) == 1
        assert "no speech found" in failed[0].error
        assert failed[0].job.failure is not None
        assert "E42" in json.dumps(failed[0].job.failure)
        summary = events[-1]
        assert isinstance(summary, BatchFinished)
        assert (summary.summary.failed, summary.summary.downloaded) == (1, 1)
        rerun = await harness.run(chosen, tmp_path)  # failed stays failed
        assert not [e for e in rerun if isinstance(e, JobStarted)]

        async def complete_the_new_one() -> None:
            while len(tasks := await harness.tasks()) < 3:
                await asyncio.sleep(0.01)
            await harness.admin(tasks[0]["_id"], "complete")

        completing = asyncio.ensure_future(complete_the_new_one())
        retried = await harness.run(chosen, tmp_path, retry_failed=True)
        await completing
        started = [e for e in retried if isinstance(e, JobStarted)]
        assert [s.job.name for s in started] == [failed[0].job.name + "-2"]
        assert isinstance(retried[-1], BatchFinished)
        assert retried[-1].summary.done
    finally:
        harness.close()


@pytest.mark.usefixtures("fast")
async def test_a_download_that_keeps_failing_is_tried_again_by_the_next_run(
    tmp_path: Path,
) -> None:
    harness = Harness(processing=0.05)
    chosen = jobs(1, ("es",))
    harness.result_faults = _batch_run.DOWNLOAD_ATTEMPTS  # every attempt of this run
    try:
        events = await harness.run(chosen, tmp_path)
        summary = events[-1]
        assert isinstance(summary, BatchFinished)
        assert (summary.summary.not_saved, summary.summary.downloaded) == (1, 0)
        failed = [e for e in events if isinstance(e, JobFailed)]
        assert failed
        assert failed[-1].retried
        assert not list(tmp_path.glob("*.wav"))
        again = await harness.run(chosen, tmp_path)
        assert isinstance(again[-1], BatchFinished)
        assert again[-1].summary.done
        assert not [e for e in again if isinstance(e, JobStarted)]  # not started again
        assert [p.name for p in tmp_path.glob("*.wav")] == ["episode-0.es.wav"]
    finally:
        harness.close()


async def test_a_result_url_near_its_expiry_is_read_again_before_the_download(
    tmp_path: Path,
) -> None:
    assert RESULT_LIFETIME is not None
    harness = Harness(processing=0.05)
    chosen = jobs(1, ("es",))
    try:
        events = await harness.run(chosen, tmp_path)
        assert isinstance(events[-1], BatchFinished)
        assert events[-1].summary.done
        (row,) = journal_rows(tmp_path).values()
        Path(str(row.file)).unlink()
        old = time.time() - RESULT_LIFETIME * 0.9  # read long ago: its URL is stale
        await _rewrite(tmp_path, row.key, state="completed", file=None, result_at=old,
                       result_url="http://mock/__mock/results/000000000000000000000000.wav")  # fmt: skip
        harness.sent.clear()
        again = await harness.run(chosen, tmp_path)
        assert isinstance(again[-1], BatchFinished)
        assert again[-1].summary.done
        reads = [s for s in harness.sent if api.op("dubbing.get").matches(s.method, s.path)]
        assert reads  # read again
        assert valid_wav(tmp_path / "episode-0.es.wav")
    finally:
        harness.close()


async def _rewrite(folder: Path, key: str, **changes: object) -> None:
    journal = await _batch_journal.Journal.open(folder / _batch_journal.JOURNAL_NAME)
    try:
        await journal.save(key, **changes)
    finally:
        await journal.close()


async def test_the_same_job_twice_is_one_job_and_a_clash_of_files_is_refused(
    tmp_path: Path,
) -> None:
    harness = Harness(processing=0.05)
    job = jobs(1, ("es",))[0]
    try:
        events = await harness.run([job, job], tmp_path)
        assert isinstance(events[-1], BatchFinished)
        assert events[-1].summary.total == 1
        clash = Job(source_url="https://other.example.com/episode-0.mp4", target_lang="es")
        with pytest.raises(BatchPlanError, match=r"would both be saved as episode-0\.es"):
            await harness.run([job, clash], tmp_path)
    finally:
        harness.close()


def test_the_sync_batch_yields_the_same_events_and_stops_when_left(
    a2e_mock_server: MockServer, tmp_path: Path
) -> None:
    chosen = jobs(2)
    with A2E(api_key=a2e_mock_server.token, base_url=a2e_mock_server.url) as client:
        events = list(client.dubbing.batch(chosen, out=tmp_path, poll_interval=0.05))
        assert isinstance(events[-1], BatchFinished)
        assert events[-1].summary.done
        assert sorted(p.name for p in tmp_path.glob("*.wav")) == [
            "episode-0.es.wav",
            "episode-0.fr.wav",
            "episode-1.es.wav",
            "episode-1.fr.wav",
        ]
        more = jobs(2, ("de",))
        batch = client.dubbing.batch(more, out=tmp_path, poll_interval=0.05, max_starts=1)
        for event in batch:
            if isinstance(event, JobStarted):
                break  # leaving the loop stops the batch where it is
        rows = journal_rows(tmp_path)
        states = sorted(row.state for row in rows.values() if row.name.split(".")[1] == "de")
        assert states
        assert "downloaded" not in states
        finished = client.dubbing.batch(more, out=tmp_path, poll_interval=0.05).run()
        assert finished.done


async def test_a_second_batch_on_the_same_journal_is_refused_while_one_runs(
    tmp_path: Path,
) -> None:
    journal = await _batch_journal.Journal.open(tmp_path / "j.sqlite3")
    try:
        with pytest.raises(BatchError, match="another batch is running"):
            await _batch_journal.Journal.open(tmp_path / "j.sqlite3")
    finally:
        await journal.close()
    again = await _batch_journal.Journal.open(tmp_path / "j.sqlite3")  # free again
    await again.close()


def _wav(path: Path, seconds: float = 0.2) -> Path:
    import wave

    with wave.open(str(path), "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(8000)
        audio.writeframes(b"\x00\x01" * int(8000 * seconds))
    return path


async def test_local_files_are_uploaded_once_each_and_never_again_after_a_crash(
    tmp_path: Path,
) -> None:
    media = tmp_path / "media"
    media.mkdir()
    sources = [_wav(media / "intro.wav"), _wav(media / "outro.wav")]
    chosen = [Job(source_url=s, target_lang=lang) for s in sources for lang in ("es", "fr")]
    out = tmp_path / "out"
    harness = Harness(processing=0.1)
    try:
        # Killed right after the first upload's PUT: nothing journaled, so it is done again.
        harness.crash_at = 2  # the balance, the first presign, its PUT
        harness.crash_after = True
        with journal_stops_at_crash(harness), pytest.raises(Crash):
            await harness.run(chosen, out, max_uploads=1)
        harness.crashed, harness.crash_at = False, None
        events = await harness.run(chosen, out)
        finished = events[-1]
        assert isinstance(finished, BatchFinished)
        assert finished.summary.done
        uploaded = {e.source: e.url for e in events if isinstance(e, SourceUploaded)}
        assert sorted(uploaded) == sorted(map(str, sources))
        tasks = await harness.tasks()
        assert len(tasks) == len(chosen)
        assert {t["source_url"] for t in tasks} == set(uploaded.values())  # one URL per file
        puts = [s for s in harness.sent if s.method == "PUT"]
        harness.sent.clear()
        again = await harness.run(chosen, out)  # all done: nothing is uploaded again
        assert not [s for s in harness.sent if s.method == "PUT"]
        assert not [e for e in again if isinstance(e, SourceUploaded)]
        assert len(puts) == 3  # the one cut short by the crash, then one per file
    finally:
        harness.close()
    assert sorted(p.name for p in out.glob("*.wav")) == [
        "intro.es.wav",
        "intro.fr.wav",
        "outro.es.wav",
        "outro.fr.wav",
    ]


async def test_an_upload_journaled_before_a_crash_is_not_done_again(tmp_path: Path) -> None:
    source = _wav(tmp_path / "talk.wav")
    chosen = [Job(source_url=source, target_lang=lang) for lang in ("es", "fr", "de")]
    out = tmp_path / "out"
    harness = Harness(processing=0.1)
    try:
        with journal_stops_at_crash(harness):
            harness.crash_at = 4  # balance, presign, PUT, then the first start: killed
            with pytest.raises(Crash):
                await harness.run(chosen, out, max_starts=1)
        harness.crashed, harness.crash_at = False, None
        harness.sent.clear()
        events = await harness.run(chosen, out)
        finished = events[-1]
        assert isinstance(finished, BatchFinished)
        assert finished.summary.done
        assert not [s for s in harness.sent if s.method == "PUT"]
        assert len({t["source_url"] for t in await harness.tasks()}) == 1
    finally:
        harness.close()


@pytest.mark.usefixtures("fast")
async def test_lost_starts_looked_up_together_share_their_reads(tmp_path: Path) -> None:
    harness = Harness(processing=0.1)
    harness.faults = ["ok", "dropped-after", "dropped-after", "dropped-after"]  # the balance first
    try:
        events = await harness.run(jobs(3, ("es",)), tmp_path, max_starts=3, poll_interval=0.5)
        finished = events[-1]
        assert isinstance(finished, BatchFinished)
        assert finished.summary.done
        assert len(await harness.tasks()) == 3  # each lost start was found, none sent again
    finally:
        harness.close()
    dropped = [s for s in harness.sent if s.outcome == "dropped-after"]
    assert len(dropped) == 3
    soon = dropped[-1].at + 0.3  # before the first poll (0.4 s at the earliest)
    processing = api.op("dubbing.list_processing")
    lookups = [s for s in harness.sent if processing.matches(s.method, s.path) and s.at < soon]
    assert 1 <= len(lookups) < 3, lookups  # one look-up alone would read it three times


async def test_a_file_in_the_way_is_kept_unless_overwrite(tmp_path: Path) -> None:
    harness = Harness(processing=0.05)
    chosen = jobs(1, ("es",))
    theirs = tmp_path / "episode-0.es.wav"
    theirs.write_bytes(b"someone else's file")
    try:
        events = await harness.run(chosen, tmp_path)
        finished = events[-1]
        assert isinstance(finished, BatchFinished)
        assert finished.summary.not_saved == 1
        failed = [e for e in events if isinstance(e, JobFailed)]
        assert "a file is already there" in failed[-1].error
        assert theirs.read_bytes() == b"someone else's file"
        again = await harness.run(chosen, tmp_path, overwrite=True)
        assert isinstance(again[-1], BatchFinished)
        assert again[-1].summary.done
        assert valid_wav(theirs)
    finally:
        harness.close()


async def test_a_file_saved_just_before_a_crash_is_taken_as_it_is(tmp_path: Path) -> None:
    harness = Harness(processing=0.05)
    chosen = jobs(1, ("es",))
    try:
        events = await harness.run(chosen, tmp_path)
        assert isinstance(events[-1], BatchFinished)
        (row,) = journal_rows(tmp_path).values()
        saved = Path(str(row.file)).read_bytes()
        # Killed after the rename, before the journal said so: the file is whole.
        await _rewrite(tmp_path, row.key, state="downloading", file=None)
        harness.sent.clear()
        again = await harness.run(chosen, tmp_path)
        finished = again[-1]
        assert isinstance(finished, BatchFinished)
        assert finished.summary.done
        assert Path(str(row.file)).read_bytes() == saved
        assert journal_rows(tmp_path)[row.key].file == row.file
    finally:
        harness.close()
