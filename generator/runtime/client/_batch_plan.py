"""The plan of a batch: its jobs, each with its key, its task's name and its file, checked
before anything is sent (no I/O but looking at local files).

A job's key is a short hash of everything it asks for (its source as given, a local file by
its absolute path, and every keyword of the start), so it is the same on every run and
differs between any two jobs. Its task is named `<stem>.<split>.<key>` (`talk.es.3f9a0c1b2d`;
`-2`, `-3`, ... for an attempt started again by `retry_failed`): unique per job and attempt,
which keeps the client's look-up of a lost start exact. Its result is saved as
`<stem>.<split>.<ext>` in the output folder. The stem is the job's `name` when it has one,
else the source's own (`talk` for `talk.mp4` or `https://x.org/talk.mp4`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from ._batch_spec import MATCH, NAME, SOURCE, SPLIT, Job
from ._download import safe_stem
from ._errors import A2EError

KEY_CHARS = 10  # hex digits of a job's key (40 bits)
MAX_STEM_CHARS = 100
MAX_PROBLEMS = 20  # listed in one BatchPlanError
FALLBACK_STEM = "source"
_LOCAL = "file:"  # how a local source is kept in the key and the journal


class BatchError(A2EError):
    """A batch cannot run as asked (its plan, its journal or its folder)."""


class BatchPlanError(BatchError):
    """The jobs cannot all be done as given: `problems` says what is wrong with which ones;
    nothing was sent."""

    def __init__(self, problems: list[str]) -> None:
        shown = problems[:MAX_PROBLEMS]
        more = len(problems) - len(shown)
        listed = "; ".join(shown) + (f"; and {more} more" if more else "")
        super().__init__(f"the batch cannot start: {listed}")
        self.problems = problems


@dataclass(frozen=True)
class Entry:
    """One job of the plan."""

    key: str
    job: Job
    source: str  # as the journal keeps it: the URL, or `file:` and the local file's path
    local: Path | None  # the local file to upload, or None for a URL
    stem: str  # the file's name before its extension: `<stem>.<split>`
    seq: int  # its place in the plan

    def task_name(self, attempt: int) -> str:
        """The name of the task of this job's `attempt` (from 1)."""
        return f"{self.stem}.{self.key}" if attempt <= 1 else f"{self.stem}.{self.key}-{attempt}"

    def start_keywords(self, source_url: str) -> dict[str, Any]:
        """The keywords of the start, with the source's URL and without the name (the batch
        gives the task's name through `_runtime.chosen_name`)."""
        keywords = {field.name: getattr(self.job, field.name) for field in _FIELDS}
        keywords[SOURCE] = source_url
        keywords.pop(NAME, None)
        return keywords

    @property
    def split(self) -> str:
        """The values that tell this source's jobs apart (`es`)."""
        return ".".join(str(getattr(self.job, name)) for name in SPLIT)


@dataclass(frozen=True)
class Plan:
    """The jobs to do, in order, and the local files they need uploaded."""

    entries: tuple[Entry, ...]
    uploads: tuple[Path, ...]


_FIELDS = dataclasses.fields(Job)


def source_of(job: Job) -> tuple[str, Path | None]:
    """How the journal keeps a job's source, and its local file (None for a URL)."""
    value = getattr(job, SOURCE)
    if isinstance(value, str):
        return value, None
    path = Path(os.fspath(value)).absolute()
    return f"{_LOCAL}{path}", path


def job_to_json(job: Job, source: str) -> dict[str, Any]:
    """The job's fields as the journal keeps them (the source as `source_of` says)."""
    data = {field.name: getattr(job, field.name) for field in _FIELDS}
    data[SOURCE] = source
    return data


def job_from_json(data: Mapping[str, Any]) -> Job:
    """The job the journal kept (a local source becomes a `Path` again)."""
    known = {field.name for field in _FIELDS}
    values = {name: value for name, value in data.items() if name in known}
    source = values.get(SOURCE)
    if isinstance(source, str) and source.startswith(_LOCAL):
        values[SOURCE] = Path(source.removeprefix(_LOCAL))
    return Job(**values)


def job_key(job: Job, source: str) -> str:
    """The short hash of everything the job asks for."""
    text = json.dumps(job_to_json(job, source), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:KEY_CHARS]


def source_stem(job: Job) -> str:
    """The stem of the job's files and task: its `name`, else its source's file name."""
    given = getattr(job, NAME, None)
    if isinstance(given, str) and given.strip():
        return safe_stem(given)[:MAX_STEM_CHARS].rstrip(" .") or FALLBACK_STEM
    value = getattr(job, SOURCE)
    if isinstance(value, str):
        try:
            parts = urlsplit(value)
            name = PurePosixPath(unquote(parts.path)).stem or (parts.hostname or "")
        except ValueError:
            name = ""
    else:
        name = Path(os.fspath(value)).stem
    return safe_stem(name)[:MAX_STEM_CHARS].rstrip(" .") or FALLBACK_STEM


def plan(jobs: Iterable[Job]) -> Plan:
    """The plan of `jobs`: the same job given twice is done once; `BatchPlanError` lists
    every job that cannot be done (a local file that is missing, two jobs that would save
    the same file, a source that is neither a URL nor a file)."""
    if not (SOURCE and NAME and MATCH):
        raise BatchError(
            "this client's spec does not say how a batch tells its tasks apart (the start "
            "needs x-a2e-recover with `unique`, and one URL field among its `match`)"
        )
    entries: list[Entry] = []
    keys: dict[str, Entry] = {}
    stems: dict[str, Entry] = {}
    uploads: dict[Path, None] = {}
    problems: list[str] = []
    checked: dict[Path, str | None] = {}
    for job in jobs:
        if not isinstance(job, Job):
            problems.append(f"{job!r} is not a Job")
            continue
        try:
            source, local = source_of(job)
        except (TypeError, ValueError) as error:
            problems.append(f"job {job!r}: its {SOURCE} is not a URL or a file ({error})")
            continue
        problem = _source_problem(source, local, checked)
        if problem:
            problems.append(problem)
            continue
        key = job_key(job, source)
        if key in keys:
            continue
        stem = source_stem(job)
        split = ".".join(str(getattr(job, name)) for name in SPLIT)
        entry = Entry(key, job, source, local, f"{stem}.{split}" if split else stem, len(entries))
        clash = stems.get(entry.stem.casefold())
        if clash is not None:
            problems.append(
                f"{_shown(clash)} and {_shown(entry)} would both be saved as "
                f"{entry.stem}.<ext>: give one of them another {NAME}"
            )
            continue
        keys[key] = stems[entry.stem.casefold()] = entry
        entries.append(entry)
        if local is not None:
            uploads[local] = None
    if problems:
        raise BatchPlanError(problems)
    return Plan(tuple(entries), tuple(uploads))


def _source_problem(source: str, local: Path | None, checked: dict[Path, str | None]) -> str:
    if local is None:
        try:
            parts = urlsplit(source)
            ok = parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
        except ValueError:
            ok = False
        if ok:
            return ""
        return f"{SOURCE} {source!r} is not an http(s) URL (a local file is given as a Path)"
    if local not in checked:
        checked[local] = None if local.is_file() else f"{local} is not a file"
    return checked[local] or ""


def _shown(entry: Entry) -> str:
    source = entry.source.removeprefix(_LOCAL)
    split = entry.split
    return f"{source} ({split})" if split else source
