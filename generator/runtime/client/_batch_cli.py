"""`a2e-dubbing batch SOURCE... --to es,fr,de --out DIR`: the batch from a shell.

Sources are URLs, local files, folders (their audio and video files, not their subfolders)
and manifests: a `.csv` file with a header row, or a `.jsonl` file of objects, one job or
one source per row, with the columns `source` and any option of `start` by its short or long
name (`to`, `from`, `speakers`, `name`, ...; `to` may list several languages, `es,fr`).
A row's values win over the command line's; a relative `source` is relative to the manifest.

On a terminal a live table shows each job (source, language, status, elapsed) under a
progress bar with an ETA; otherwise one line per step. A summary ends the run (with
`--json`: a JSON report on stdout, JSON events on stderr). Ctrl-C stops it where it is and
prints the command that takes it up again; the tasks started go on at A2E.

Exit codes: 0 every job's file is saved; 1 an error, or jobs left to do (not started, not
saved: run the same command again); 2 usage error; 3 a task failed (`--retry-failed` starts
it again); 130 interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import itertools
import json
import shlex
import time
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._batch_events import (
    BatchEvent,
    BatchFinished,
    BatchPlanned,
    BatchPolled,
    BatchStopped,
    BatchSummary,
    JobDownloaded,
    JobFailed,
    JobInfo,
    JobStarted,
    JobStatusChanged,
    SourceUploaded,
)
from ._batch_spec import NAME, SOURCE, SPLIT, START, Job
from ._cli_output import Output, visible

if TYPE_CHECKING:
    from ._batch import AsyncBatch
    from ._batch_plan import Plan
    from ._cli_spec import CommandSpec, ParamSpec

COMMAND = "batch"
MANIFESTS = (".csv", ".jsonl")
SOURCE_COLUMN = "source"
EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_FAILED, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
_TRUE = frozenset({"1", "true", "yes", "y", "on"})
_FALSE = frozenset({"0", "false", "no", "n", "off"})
SUMMARY_FAILURES = 10  # failed jobs named in the summary

HELP = (
    "dub many sources into many languages: start every job, follow them with one poll, save "
    "each result into a folder; resumable (run the same command again)"
)


def add_parser(
    subparsers: Any,
    shared: argparse.ArgumentParser,
    commands: Mapping[str, CommandSpec],
    aliases: Mapping[str, tuple[str, ...]],
) -> None:
    """Add the `batch` command, its options taken from the start command's."""
    start = commands.get(f"{START[0]}.{START[1]}")
    if start is None:
        return
    parser = subparsers.add_parser(
        COMMAND,
        help=HELP,
        description=HELP + ". Exit codes: 0 all saved, 1 error or jobs left to do, 2 usage, "
        "3 a task failed, 130 interrupted.",
        parents=[shared],
    )
    parser.add_argument(
        "sources",
        nargs="*",
        metavar="SOURCE",
        help="a URL, an audio or video file, a folder of them, or a manifest (.csv, .jsonl)",
    )
    options = [p for p in start.params if not p.positional and p.name != NAME]
    for param in options:
        flags = (*aliases.get(param.name, ()), param.flag)
        help_text = param.help.replace("%", "%%")
        if param.name in SPLIT:
            help_text += " Several, comma-separated: one job each."
        if param.kind == "bool":
            parser.add_argument(
                *flags,
                dest=param.name,
                default=None,
                action=argparse.BooleanOptionalAction,
                help=help_text,
            )
        else:
            parser.add_argument(
                *flags, dest=param.name, default=None, metavar=param.metavar, help=help_text
            )
    group = parser.add_argument_group("batch")
    group.add_argument("--out", metavar="DIR", help="the folder of the results (required)")
    group.add_argument(
        "--journal", metavar="PATH", help="the journal (default: DIR/.a2e-batch.sqlite3)"
    )
    group.add_argument(
        "--resume",
        action="store_true",
        help="also take up every job of the journal (with no SOURCE: only those)",
    )
    group.add_argument(
        "--retry-failed", action="store_true", help="start failed jobs again (a new task name)"
    )
    group.add_argument(
        "--max-coins",
        type=_positive_float,
        metavar="N",
        help="start no more jobs once the balance dropped by N (starts go one at a time)",
    )
    group.add_argument(
        "--dry-run",
        action="store_true",
        help="print the plan (jobs, task names, files, uploads) and send nothing",
    )
    group.add_argument(
        "--overwrite", action="store_true", help="replace files that are in the way in DIR"
    )
    group.add_argument(
        "--max-starts", type=_positive_int, default=8, metavar="N", help="starts sent at once (8)"
    )
    group.add_argument(
        "--max-downloads",
        type=_positive_int,
        default=4,
        metavar="N",
        help="results saved at once (4)",
    )
    group.add_argument(
        "--poll",
        type=_positive_float,
        default=2.0,
        metavar="S",
        help="seconds between polls while tasks move (default: 2); quiet polls grow to 30",
    )
    parser.set_defaults(
        spec=start, behaviour=None, parser=parser, run_batch=run, batch_params=tuple(options)
    )


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, got {text}")
    return value


# Jobs from the command line


class JobsError(ValueError):
    """A source or a manifest row that cannot be a job (a usage error)."""


@dataclass(frozen=True)
class _Column:
    keyword: str
    param: ParamSpec | None  # None: the source


def _columns(
    params: Sequence[ParamSpec], aliases: Mapping[str, tuple[str, ...]]
) -> dict[str, _Column]:
    """Manifest column names (lower case) -> the keyword they give."""
    columns = {SOURCE_COLUMN: _Column(SOURCE, None), SOURCE: _Column(SOURCE, None)}
    columns[NAME] = _Column(NAME, None)
    for param in params:
        for flag in (*aliases.get(param.name, ()), param.flag):
            columns[flag.lstrip("-").lower()] = _Column(param.name, param)
        columns[param.name.lower()] = _Column(param.name, param)
    return columns


def jobs_from_command_line(
    sources: Sequence[str],
    given: Mapping[str, Any],
    params: Sequence[ParamSpec],
    aliases: Mapping[str, tuple[str, ...]],
) -> list[Job]:
    """The jobs of the SOURCE arguments with the options `given` (keyword -> raw text)."""
    by_name = {p.name: p for p in params}
    defaults = {
        keyword: _value(by_name[keyword], raw, "the command line")
        for keyword, raw in given.items()
        if raw is not None
    }
    columns = _columns(params, aliases)
    jobs: list[Job] = []
    for source in sources:
        for where, row in _rows(source, columns):
            jobs += _jobs_of(where, {**defaults, **row})
    return jobs


def _rows(source: str, columns: Mapping[str, _Column]) -> Iterator[tuple[str, dict[str, Any]]]:
    if _is_url(source):
        yield source, {SOURCE: source}
        return
    path = Path(source)
    if path.is_dir():
        files = sorted(
            entry
            for entry in path.iterdir()
            if not entry.name.startswith(".")
            and entry.suffix.lower().lstrip(".") in _media_extensions()
            and entry.is_file()
        )
        if not files:
            raise JobsError(f"{visible(source)}: no audio or video files in this folder")
        for file in files:
            yield str(file), {SOURCE: file}
        return
    if not path.is_file():
        raise JobsError(f"{visible(source)}: no such file or folder, and not an http(s) URL")
    if path.suffix.lower() in MANIFESTS:
        yield from _manifest(path, columns)
        return
    yield source, {SOURCE: path}


def _media_extensions() -> frozenset[str]:
    from ._download import _KNOWN_EXTENSIONS

    return _KNOWN_EXTENSIONS


def _manifest(path: Path, columns: Mapping[str, _Column]) -> Iterator[tuple[str, dict[str, Any]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise JobsError(f"{visible(str(path))}: cannot be read ({error})") from None
    if path.suffix.lower() == ".csv":
        reader = csv.DictReader(text.splitlines())
        records: Iterator[tuple[int, Any]] = ((reader.line_num, r) for r in reader)
    else:
        records = _json_lines(path, text)
    for line, record in records:
        where = f"{visible(str(path))}:{line}"
        if not isinstance(record, dict):
            raise JobsError(f"{where}: a row must be an object with a `{SOURCE_COLUMN}`")
        row: dict[str, Any] = {}
        for column, value in record.items():
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            known = columns.get(str(column).strip().lower()) if column is not None else None
            if known is None:
                names = ", ".join(sorted(columns))
                raise JobsError(
                    f"{where}: unknown column {visible(str(column))!r} (known: {names})"
                )
            row[known.keyword] = value if known.param is None else _value(known.param, value, where)
        source = row.get(SOURCE)
        if not isinstance(source, str) or not source.strip():
            raise JobsError(f"{where}: no `{SOURCE_COLUMN}`")
        source = source.strip()
        row[SOURCE] = source if _is_url(source) else (path.parent / source)
        if not _is_url(source) and not row[SOURCE].is_file():
            raise JobsError(f"{where}: {visible(str(row[SOURCE]))} is not a file")
        yield where, row


def _json_lines(path: Path, text: str) -> Iterator[tuple[int, Any]]:
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except ValueError as error:
            raise JobsError(f"{visible(str(path))}:{number}: not JSON ({error})") from None


def _value(param: ParamSpec, raw: Any, where: str) -> Any:
    """A manifest's or the command line's value as the job's field takes it."""
    if param.name in SPLIT:
        items = raw if isinstance(raw, list) else str(raw).split(",")
        values = [str(item).strip() for item in items if str(item).strip()]
        if not values:
            raise JobsError(f"{where}: {param.flag} names nothing")
        return values
    if isinstance(raw, bool | int | float) and not isinstance(raw, str):
        return raw
    text = str(raw).strip()
    try:
        if param.kind == "int":
            return int(text)
        if param.kind == "float":
            return float(text)
    except ValueError:
        raise JobsError(f"{where}: {param.flag} must be a number, got {visible(text)!r}") from None
    if param.kind == "bool":
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise JobsError(f"{where}: {param.flag} must be true or false, got {visible(text)!r}")
    return text


def _jobs_of(where: str, row: Mapping[str, Any]) -> list[Job]:
    splits = []
    for keyword in SPLIT:
        values = row.get(keyword)
        if not values:
            flag = "--" + keyword.replace("_", "-")
            raise JobsError(f"{visible(where)}: no {flag} (give it on the command line or per row)")
        splits.append(values)
    known = {f.name for f in fields(Job)}
    fixed = {k: v for k, v in row.items() if k in known and k not in SPLIT}
    jobs = []
    for values in itertools.product(*splits):
        try:
            jobs.append(Job(**fixed, **dict(zip(SPLIT, values, strict=True))))
        except TypeError as error:
            raise JobsError(f"{visible(where)}: {error}") from None
    return jobs


def _is_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://"))


# The command


def run(
    args: argparse.Namespace, out: Output, base_url: str | None, key: str, argv: Sequence[str]
) -> int:
    """Run `a2e-dubbing batch` (called by `_cli.main` with the parsed arguments)."""
    from ._base_client import API_KEY_ENV, KEY_HELP
    from ._batch import AsyncBatch, settings
    from ._batch_plan import BatchPlanError, plan
    from ._cli import UsageError

    started = time.monotonic()
    parser = args.parser
    if args.out is None:
        raise UsageError("the following arguments are required: --out", parser)
    if not args.sources and not args.resume:
        raise UsageError("give a SOURCE (or --resume to take up the journal's jobs)", parser)
    given = {p.name: getattr(args, p.name) for p in args.batch_params}
    aliases = _start_aliases()
    try:
        jobs = jobs_from_command_line(args.sources, given, args.batch_params, aliases)
        the_plan = plan(jobs)
    except (JobsError, BatchPlanError) as error:
        raise UsageError(str(error), parser) from None
    options = settings(
        out=args.out,
        journal=args.journal,
        resume=args.resume,
        retry_failed=args.retry_failed,
        max_coins=args.max_coins,
        overwrite=args.overwrite,
        max_starts=args.max_starts,
        max_downloads=args.max_downloads,
        max_uploads=2,
        poll_interval=args.poll,
        max_poll_interval=30.0,
        timeout=_not_given(),
        max_retries=_not_given(),
        extra_headers=None,
        extra_query=None,
        extra_body=None,
    )
    if args.dry_run:
        return _dry_run(out, the_plan, options.out, options.journal, resume=args.resume)
    if not key:
        return out.error(
            f"no A2E API key: pass --api-key KEY or set {API_KEY_ENV}. {KEY_HELP}",
            kind="MissingKey",
            exit_code=EXIT_ERROR,
        )
    view = _view(out, started, args.batch_params)
    holder: dict[str, AsyncBatch] = {}

    async def go() -> BatchSummary:
        from ._client import AsyncA2E

        async with AsyncA2E(api_key=key, base_url=base_url) as client:
            batch = AsyncBatch(client, the_plan, options)
            holder["batch"] = batch
            with view:
                async for event in batch:
                    view.show(event)
            assert batch.summary is not None
            return batch.summary

    try:
        summary = asyncio.run(go())
    except KeyboardInterrupt:
        batch = holder.get("batch")
        progress = batch.progress() if batch is not None else None
        resume = _resume_command(argv)
        left = "" if progress is None else f" ({_counts(progress)})"
        out.event(
            "interrupted",
            f"interrupted{left}; the tasks started go on at A2E. Resume with: {resume}",
            resume=resume,
        )
        return EXIT_INTERRUPTED
    return _report(out, summary, options.out)


def _start_aliases() -> Mapping[str, tuple[str, ...]]:
    from ._cli import BEHAVIOURS

    behaviour = BEHAVIOURS.get(f"{START[0]}.{START[1]}")
    return behaviour.aliases if behaviour is not None else {}


def _not_given() -> Any:
    from ._options import NOT_GIVEN

    return NOT_GIVEN


def _resume_command(argv: Sequence[str]) -> str:
    """The command line as given, without the API key: it takes the batch up again."""
    from ._cli import PROG

    kept: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg == "--api-key":
            skip = True
            continue
        if arg.startswith("--api-key="):
            continue
        kept.append(arg)
    return visible(shlex.join([PROG, *kept]))


# What it prints


def _dry_run(out: Output, the_plan: Plan, folder: Path, journal: Path, *, resume: bool) -> int:
    """The plan, without sending anything: each job (source, split, task name, file, what
    the journal says of it; with `resume`, the journal's other jobs too) and the files to
    upload."""
    from ._batch_journal import PLANNED, read_only

    rows, uploaded = read_only(journal)
    jobs = []
    for entry in the_plan.entries:
        row = rows.get(entry.key)
        jobs.append(
            {
                "source": entry.source.removeprefix("file:"),
                "split": entry.split,
                "name": row.name if row is not None else entry.task_name(1),
                "file": str(folder / f"{entry.stem}.<ext>")
                if row is None or not row.file
                else row.file,
                "state": row.state if row is not None else PLANNED,
                "upload": entry.local is not None and entry.source not in uploaded,
            }
        )
    if resume:
        planned = {entry.key for entry in the_plan.entries}
        for row in rows.values():
            if row.key in planned:
                continue
            data = row.job_data()
            jobs.append(
                {
                    "source": str(data.get(SOURCE, "")).removeprefix("file:"),
                    "split": ".".join(str(data.get(name, "")) for name in SPLIT),
                    "name": row.name,
                    "file": row.file or str(folder / f"{row.stem}.<ext>"),
                    "state": row.state,
                    "upload": False,
                }
            )
    uploads = [str(path) for path in the_plan.uploads if f"file:{path}" not in uploaded]
    states: dict[str, int] = {}
    for job in jobs:
        states[str(job["state"])] = states.get(str(job["state"]), 0) + 1
    if out.as_json:
        out.data({"jobs": jobs, "uploads": uploads, "total": len(jobs), "states": states})
        return EXIT_OK
    header = ("SOURCE", "/".join(SPLIT).upper(), "TASK NAME", "FILE", "STATE")
    table = [header] + [
        (
            out.clean(str(j["source"])),
            out.clean(str(j["split"])),
            out.clean(str(j["name"])),
            out.clean(str(j["file"])),
            str(j["state"]),
        )
        for j in jobs
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(header) - 1)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=True))
        + "  "
        + row[-1]
        for row in table
    ]
    shown = ", ".join(f"{n} {state}" for state, n in sorted(states.items()))
    lines.append("")
    lines.append(f"plan: {len(jobs)} job(s) ({shown}); nothing was sent (--dry-run)")
    lines.append(f"files to upload: {len(uploads)}")
    lines += [f"  {out.clean(path)}" for path in uploads]
    out.lines(lines)
    return EXIT_OK


def _counts(summary: BatchSummary) -> str:
    parts = [f"{summary.downloaded}/{summary.total} saved"]
    for count, what in (
        (summary.failed, "failed"),
        (summary.not_saved, "not saved"),
        (summary.running, "running at A2E"),
        (summary.not_started, "not started"),
    ):
        if count:
            parts.append(f"{count} {what}")
    return ", ".join(parts)


def _report(out: Output, summary: BatchSummary, folder: Path) -> int:
    code = EXIT_OK if summary.done else EXIT_FAILED if summary.failed else EXIT_ERROR
    if out.as_json:
        out.data(
            {
                "summary": summary.to_dict(),
                "jobs": [_report_row(info) for info in summary.jobs],
                "exit_code": code,
            }
        )
        return code
    lines = [f"batch: {_counts(summary)} in {out.clean(str(folder))}"]
    failed = [info for info in summary.jobs if info.error]
    for info in failed[:SUMMARY_FAILURES]:
        lines.append(f"  {out.clean(info.stem)}: {out.clean(str(info.error))}")
    if len(failed) > SUMMARY_FAILURES:
        lines.append(f"  ... and {len(failed) - SUMMARY_FAILURES} more (--json lists them all)")
    if summary.coins_before is not None and summary.coins_after is not None:
        spent = summary.coins_before - summary.coins_after
        lines.append(
            f"balance: {summary.coins_before:g} -> {summary.coins_after:g} ({spent:g} spent)"
        )
    if summary.failed:
        lines.append("start the failed jobs again with: the same command and --retry-failed")
    elif not summary.done:
        lines.append("what is left is done by running the same command again")
    out.lines(lines)
    return code


def _report_row(info: JobInfo) -> dict[str, Any]:
    data = info.to_dict()
    return {
        "job": data["job"],
        "name": info.name,
        "task_id": info.task_id,
        "state": info.state,
        "status": info.status,
        "file": info.file,
        "error": info.error,
        "failure": info.failure,
    }


class _Lines:
    """One line per step of a job (not a terminal), or one JSON object each (`--json`)."""

    def __init__(self, out: Output, started: float) -> None:
        self._out = out
        self._started = started

    def __enter__(self) -> _Lines:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None

    def show(self, event: BatchEvent) -> None:
        out = self._out
        message = self._message(event)
        if out.as_json:
            fields_ = {k: v for k, v in event.to_dict().items() if k != "event"}
            out.event(event.kind, message, **fields_)
        elif message:
            out.event(event.kind, f"[{time.monotonic() - self._started:7.1f}s] {message}")

    def _message(self, event: BatchEvent) -> str:
        clean = self._out.clean
        if isinstance(event, BatchPlanned):
            coins = "" if event.coins is None else f"; balance {event.coins:g}"
            return (
                f"batch of {event.total} job(s): {event.to_start} to start, {event.to_recover} "
                f"to look up, {event.to_follow} running, {event.to_download} to save, "
                f"{event.done} done, {event.failed} failed; {event.uploads} file(s) to "
                f"upload{coins}"
            )
        if isinstance(event, SourceUploaded):
            return f"uploaded {clean(event.source)}"
        if isinstance(event, JobStarted):
            how = "found" if event.found else "started"
            return f"{how} {clean(event.job.stem)} (task {clean(str(event.job.task_id))})"
        if isinstance(event, JobStatusChanged):
            return f"{clean(event.job.stem)}: {clean(str(event.job.status))}"
        if isinstance(event, JobDownloaded):
            return f"saved {clean(str(event.path))}"
        if isinstance(event, JobFailed):
            again = " (tried again next run)" if event.retried else ""
            return f"failed {clean(event.job.stem)}: {clean(event.error)}{again}"
        if isinstance(event, BatchStopped):
            return clean(event.message)
        if isinstance(event, BatchPolled | BatchFinished):
            return ""  # polls only with --json; the summary follows
        return ""


class _Live:
    """The live table on a terminal: a progress bar with an ETA over the jobs that moved
    last (source, language, status, elapsed), redrawn a few times a second."""

    def __init__(self, out: Output, started: float, split: Sequence[str]) -> None:
        self._out = out
        self._started = started
        self._split = split
        self._jobs: OrderedDict[str, tuple[JobInfo, float]] = OrderedDict()  # newest last
        self._total = 0
        self._done = 0
        self._failed = 0
        self._live: Any = None
        self._console: Any = None
        self._progress: Any = None
        self._bar: Any = None

    def __enter__(self) -> _Live:
        from rich.live import Live
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        console = self._console = self._out.console(self._out.stderr)
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console,
        )
        self._bar = self._progress.add_task("batch", total=None)
        self._live = Live(self, console=console, refresh_per_second=4, transient=True)
        self._live.__enter__()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._live is not None:
            self._live.__exit__(None, None, None)

    def show(self, event: BatchEvent) -> None:
        if isinstance(event, BatchPlanned):
            self._total = event.total
            self._done = event.done + event.failed
            self._progress.update(self._bar, total=event.total, completed=self._done)
            return
        job = getattr(event, "job", None)
        if isinstance(job, JobInfo):
            self._jobs[job.key] = (job, time.monotonic())
            self._jobs.move_to_end(job.key)
        if isinstance(event, JobDownloaded):
            self._done += 1
        elif isinstance(event, JobFailed) and not event.retried:
            self._done += 1
            self._failed += 1
        else:
            return
        self._progress.update(self._bar, completed=self._done)

    def __rich__(self) -> Any:
        from rich.console import Group
        from rich.table import Table
        from rich.text import Text

        clean = self._out.clean
        room = max(3, self._console.size.height - 6)
        table = Table(box=None, pad_edge=False, expand=False)
        for header in ("source", *self._split, "status", "elapsed"):
            table.add_column(Text(header), no_wrap=True, overflow="ellipsis", max_width=60)
        now = time.monotonic()
        for info, seen in itertools.islice(reversed(self._jobs.values()), room):
            status = info.state if info.state in ("downloaded", "failed") else info.status
            elapsed = "" if info.elapsed is None else f"{info.elapsed + (now - seen):6.1f}s"
            if info.state in ("downloaded", "failed") and info.elapsed is not None:
                elapsed = f"{info.elapsed:6.1f}s"
            source = getattr(info.job, SOURCE)
            shown = source.name if isinstance(source, Path) else str(source)
            table.add_row(
                Text(clean(shown)),
                *(Text(clean(str(getattr(info.job, name)))) for name in SPLIT),
                Text(clean(str(status or info.state))),
                Text(elapsed),
            )
        self._progress.update(
            self._bar,
            description=f"saved {self._done - self._failed}, failed {self._failed}",
        )
        return Group(self._progress, table)


def _view(out: Output, started: float, params: Sequence[ParamSpec]) -> _Lines | _Live:
    if not out.live:
        return _Lines(out, started)
    nouns = {p.name: p.noun or p.name.replace("_", " ") for p in params}
    return _Live(out, started, [nouns.get(name, name) for name in SPLIT])
