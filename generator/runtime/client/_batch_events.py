"""What a batch tells its caller as it goes: one event per step of a job, a poll, a stop,
and the summary at the end. Each event's `to_dict()` is JSON-ready (the CLI's `--json`)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from ._batch_spec import Job


@dataclass(frozen=True)
class JobInfo:
    """A job of a batch, as it is when the event is made.

    `state` is where the job is: `planned` (nothing sent), `intent` (its start may have been
    sent; the next run looks for its task before sending again), `started` (its task runs
    at A2E), `completed` (its task is done, its file not saved yet), `downloading`,
    `downloaded` (`file` holds the result) or `failed` (`error` says why; `failure` holds
    the task's failure fields when A2E failed it).
    """

    key: str  # the job's short hash: the same on every run
    job: Job
    name: str  # its task's name at A2E
    stem: str  # its file's name before the extension: `<stem>.<split>`
    state: str
    attempt: int
    task_id: str | None
    status: str | None  # the task's last status word
    file: str | None
    error: str | None
    failure: dict[str, Any] | None
    elapsed: float | None  # seconds since its task was started or first seen by this run

    def to_dict(self) -> dict[str, Any]:
        job = {
            field.name: _plain(getattr(self.job, field.name))
            for field in dataclasses.fields(self.job)
        }
        return {
            "key": self.key,
            "job": job,
            "name": self.name,
            "state": self.state,
            "attempt": self.attempt,
            "task_id": self.task_id,
            "status": self.status,
            "file": self.file,
            "error": self.error,
            "failure": self.failure,
            "elapsed": None if self.elapsed is None else round(self.elapsed, 3),
        }


@dataclass(frozen=True)
class BatchSummary:
    """How a run of a batch ended: how many jobs are where, and each job."""

    total: int
    downloaded: int  # done: the file is saved
    failed: int  # the task failed, or its start was refused (`retry_failed` starts it again)
    not_saved: int  # completed, but the file could not be saved (the next run tries again)
    running: int  # started, not finished when the run stopped (the next run follows it)
    not_started: int  # not started (stopped by `max_coins` or by the caller)
    coins_before: float | None  # the balance read first (None: not read)
    coins_after: float | None  # the balance read last (None: not read)
    jobs: tuple[JobInfo, ...]

    @property
    def done(self) -> bool:
        """Every job's file is saved."""
        return self.downloaded == self.total

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "downloaded": self.downloaded,
            "failed": self.failed,
            "not_saved": self.not_saved,
            "running": self.running,
            "not_started": self.not_started,
            "coins_before": self.coins_before,
            "coins_after": self.coins_after,
            "done": self.done,
        }


@dataclass(frozen=True)
class BatchEvent:
    """Something that happened in a batch; `kind` names what."""

    kind: ClassVar[str] = "event"

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"event": self.kind}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if isinstance(value, JobInfo | BatchSummary):
                data[field.name] = value.to_dict()
            else:
                data[field.name] = _plain(value)
        return data


@dataclass(frozen=True)
class BatchPlanned(BatchEvent):
    """The first event: what this run has to do (from the jobs and the journal)."""

    kind: ClassVar[str] = "planned"
    total: int
    to_start: int  # not started yet (planned, or failed and started again)
    to_recover: int  # their start may have been sent by an earlier run: looked up first
    to_follow: int  # started by an earlier run, not finished
    to_download: int  # completed, file not saved yet
    done: int  # downloaded by an earlier run
    failed: int  # failed in an earlier run (not started again without `retry_failed`)
    uploads: int  # local files to upload
    coins: float | None  # the balance, read first (None: not read)


@dataclass(frozen=True)
class SourceUploaded(BatchEvent):
    """A local file was uploaded; its jobs start from `url`."""

    kind: ClassVar[str] = "uploaded"
    source: str
    url: str


@dataclass(frozen=True)
class JobStarted(BatchEvent):
    """A job's task exists at A2E: started now, or found by its name (`found`: the start
    of an earlier run, whose answer was lost, had made it)."""

    kind: ClassVar[str] = "started"
    job: JobInfo
    found: bool = False


@dataclass(frozen=True)
class JobStatusChanged(BatchEvent):
    """A job's task has a new status word (`job.status`)."""

    kind: ClassVar[str] = "status"
    job: JobInfo


@dataclass(frozen=True)
class JobDownloaded(BatchEvent):
    """A job is done: its result is saved at `path`."""

    kind: ClassVar[str] = "downloaded"
    job: JobInfo
    path: Path


@dataclass(frozen=True)
class JobFailed(BatchEvent):
    """A job did not get done in this run: its task failed, its start was refused, or its
    file could not be saved (`retried`: the next run tries again by itself)."""

    kind: ClassVar[str] = "failed"
    job: JobInfo
    error: str
    retried: bool = False


@dataclass(frozen=True)
class BatchPolled(BatchEvent):
    """One poll of every unfinished task: `requests` sent (the list of unfinished tasks and
    the reads of those that left it), `finished` tasks found, `unfinished` still followed,
    `next_in` seconds to the next poll."""

    kind: ClassVar[str] = "polled"
    requests: int
    finished: int
    unfinished: int
    next_in: float


@dataclass(frozen=True)
class BatchStopped(BatchEvent):
    """No more jobs are started in this run (`reason`: `credits` or `asked`); the tasks
    started go on and are still followed."""

    kind: ClassVar[str] = "stopped"
    reason: str
    message: str


@dataclass(frozen=True)
class BatchFinished(BatchEvent):
    """The last event of a run."""

    kind: ClassVar[str] = "finished"
    summary: BatchSummary


def _plain(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)
