"""`a2e-dubbing`: every operation of the A2E dubbing API from a shell.

    a2e-dubbing start https://example.com/talk.mp3 --to en --wait --download talk.en.wav
    a2e-dubbing list --all --json

The key comes from `--api-key` or `$A2E_API_KEY`, the server from `--base-url` or
`$A2E_BASE_URL`. The global options go before or after the command. Errors print one
line and exit non-zero (`--debug` shows the traceback).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import shlex
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import urlsplit

from ._errors import A2EError, TaskFailedError, WaitTimeoutError

if TYPE_CHECKING:
    from ._client import A2E

EXIT_ERROR = 1
EXIT_TASK_FAILED = 3
EXIT_INTERRUPTED = 130
WAIT_TIMEOUT = 3600.0
DEFAULT_PAGE_SIZE = 10
Command = Callable[["A2E", argparse.Namespace, "Output"], int]


class Output:
    """Where results, progress and errors go: tables or JSON on stdout, the rest on stderr."""

    def __init__(self, *, as_json: bool, debug: bool, stdout: TextIO, stderr: TextIO) -> None:
        self.as_json = as_json
        self.debug = debug
        self.stdout = stdout
        self.stderr = stderr

    @property
    def live(self) -> bool:
        """A terminal that can show a live display."""
        return self.stderr.isatty()

    def data(self, value: Any) -> None:
        json.dump(value, self.stdout, indent=2, default=str)
        self.stdout.write("\n")

    def note(self, text: str) -> None:
        print(text, file=self.stderr, flush=True)

    def record(self, task: Any) -> None:
        if self.as_json:
            self.data(task.to_dict())
            return
        record = task.to_dict()
        width = max(map(len, record))
        for key, value in record.items():
            print(f"{key:<{width}}  {value}", file=self.stdout)

    def table(self, columns: Sequence[str], rows: Sequence[Sequence[Any]], title: str) -> None:
        from rich.console import Console
        from rich.table import Table

        table = Table(title=title, title_justify="left")
        for column in columns:
            table.add_column(column)
        for row in rows:
            table.add_row(*("" if v is None else str(v) for v in row))
        Console(file=self.stdout, width=160 if not self.stdout.isatty() else None).print(table)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    if check := getattr(args, "check", None):
        check(args)
    out = Output(as_json=args.json, debug=args.debug, stdout=sys.stdout, stderr=sys.stderr)
    run: Command = args.run
    try:
        from ._base_client import API_KEY_ENV, KEY_HELP, resolve_api_key
        from ._client import A2E

        if not resolve_api_key(args.api_key):
            out.note(
                f"a2e-dubbing: error: no A2E API key: pass --api-key KEY or set {API_KEY_ENV}. {KEY_HELP}"
            )
            return EXIT_ERROR
        with A2E(api_key=args.api_key, base_url=args.base_url) as client:
            return run(client, args, out)
    except TaskFailedError as error:
        _fail(out, error)
        return EXIT_TASK_FAILED
    except A2EError as error:
        _fail(out, error)
        return EXIT_ERROR
    except KeyboardInterrupt:
        out.note("interrupted")
        return EXIT_INTERRUPTED


def _fail(out: Output, error: BaseException, *, hint: str = "") -> None:
    if out.debug:
        import traceback

        traceback.print_exception(error, file=out.stderr)
    out.note(f"a2e-dubbing: error: {error}" + (f". {hint}" if hint else ""))


def _global_options(*, defaults: bool) -> argparse.ArgumentParser:
    """The options every command takes; without `defaults`, an option not given sets nothing.

    The top-level parser holds the defaults and each command's parser the same options
    without them, so an option given after the command is kept and one before it is
    not overwritten.
    """
    options = argparse.ArgumentParser(add_help=False)
    group = options.add_argument_group("global options (before or after the command)")

    def default(value: Any) -> Any:
        return value if defaults else argparse.SUPPRESS

    group.add_argument("--api-key", default=default(None), help="API key (default: $A2E_API_KEY)")
    group.add_argument(
        "--base-url",
        default=default(None),
        help="API server (default: $A2E_BASE_URL or https://video.a2e.ai)",
    )
    group.add_argument(
        "--json", action="store_true", default=default(False), help="print machine-readable JSON"
    )
    group.add_argument(
        "--debug", action="store_true", default=default(False), help="show tracebacks"
    )
    return options


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="a2e-dubbing",
        description="Dub audio and video with the A2E AI Dubbing API.",
        epilog="Key: $A2E_API_KEY (A2E web UI > Account > API Token). Server: $A2E_BASE_URL.",
        parents=[_global_options(defaults=True)],
    )
    subparsers = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")
    shared = _global_options(defaults=False)

    def command(name: str, summary: str) -> argparse.ArgumentParser:
        return subparsers.add_parser(name, help=summary, parents=[shared])

    start = command("start", "start dubbing a URL (spends credits)")
    start.add_argument("source_url", metavar="SOURCE_URL", help="audio or video URL")
    start.add_argument("--to", required=True, dest="target_lang", metavar="LANG")
    start.add_argument("--from", default="auto", dest="source_lang", metavar="LANG")
    start.add_argument("--speakers", type=int, default=1, dest="num_speakers", metavar="N")
    start.add_argument("--drop-background", action="store_true", dest="drop_background_audio")
    start.add_argument("--name", help="task name (default: a unique one)")
    _wait_options(start, with_flag=True)
    start.set_defaults(run=_start)

    get = command("get", "show one task")
    get.add_argument("task_id", metavar="ID")
    get.set_defaults(run=lambda c, a, o: _show(o, c.dubbing.get(a.task_id)))

    listing = command("list", "list tasks, newest first")
    listing.add_argument("--page", type=int, dest="page_num", metavar="N", help="default 1")
    listing.add_argument(
        "--size", type=int, dest="page_size", metavar="N", help=f"default {DEFAULT_PAGE_SIZE}"
    )
    listing.add_argument(
        "--all", action="store_true", help="every task, all pages (not with --page or --size)"
    )
    listing.set_defaults(run=_list, check=lambda args: _paging_or_all(listing, args))

    processing = command("processing", "list the unfinished tasks")
    processing.set_defaults(
        run=lambda c, a, o: _tasks(o, c.dubbing.list_processing(), "Processing")
    )

    delete = command("delete", "delete a task")
    delete.add_argument("task_id", metavar="ID")
    delete.set_defaults(run=_delete)

    wait = command("wait", "wait for a task to finish")
    wait.add_argument("task_id", metavar="ID")
    _wait_options(wait, with_flag=False)
    wait.set_defaults(run=_wait_command)

    credits = command("credits", "show the remaining credits")
    credits.set_defaults(run=_credits)

    languages = command("languages", "list the available languages")
    languages.add_argument("--lang", default="en", help="language of the names (default en)")
    languages.set_defaults(run=_languages)

    transfer = command("transfer", "copy a URL into A2E's storage")
    transfer.add_argument("url", metavar="URL")
    transfer.set_defaults(run=_transfer)
    return parser


def _wait_options(parser: argparse.ArgumentParser, *, with_flag: bool) -> None:
    if with_flag:
        parser.add_argument("--wait", action="store_true", help="wait until it finishes")
    parser.add_argument("--download", type=Path, metavar="PATH", help="save the result here")
    parser.add_argument(
        "--timeout", type=float, default=WAIT_TIMEOUT, metavar="S", help="give up waiting after S s"
    )
    parser.add_argument("--poll", type=float, default=2.0, metavar="S", help=argparse.SUPPRESS)


def _start(client: A2E, args: argparse.Namespace, out: Output) -> int:
    _check_destination(args.download)
    task = client.dubbing.start(
        source_url=args.source_url,
        target_lang=args.target_lang,
        source_lang=args.source_lang,
        num_speakers=args.num_speakers,
        drop_background_audio=args.drop_background_audio,
        name=args.name,
    )
    if not (args.wait or args.download):
        return _show(out, task)
    out.note(f"started task {task.id} ({task.current_status})")
    return _finish(client, task.id, args, out)


def _wait_command(client: A2E, args: argparse.Namespace, out: Output) -> int:
    _check_destination(args.download)
    return _finish(client, args.task_id, args, out)


def _finish(client: A2E, task_id: str, args: argparse.Namespace, out: Output) -> int:
    resume = _resume_command(task_id, args.download)
    try:
        with _progress(out, task_id) as show:
            task = client.dubbing.wait(
                task_id, timeout=args.timeout, poll_interval=args.poll, on_update=show
            )
    except KeyboardInterrupt:
        out.note(f"stopped waiting; task {task_id} goes on at A2E. Resume with: {resume}")
        return EXIT_INTERRUPTED
    except WaitTimeoutError as error:
        out.note(f"a2e-dubbing: {error}. Resume with: {resume}")
        return EXIT_ERROR
    if args.download:
        try:
            path = download(task.result_url, args.download, out)
        except KeyboardInterrupt:
            out.note(
                f"stopped the download; task {task_id} is {task.current_status} and "
                f"nothing was saved. Get the file with: {resume}"
            )
            return EXIT_INTERRUPTED
        except A2EError as error:
            _fail(out, error, hint=f"Retry with: {resume}")
            return EXIT_ERROR
        out.note(f"saved {path}")
    return _show(out, task)


def _resume_command(task_id: str, destination: Path | None) -> str:
    """The command that takes up following `task_id` again, and downloading if asked."""
    command = ["a2e-dubbing", "wait", task_id]
    if destination is not None:
        command += ["--download", str(destination)]
    return shlex.join(command)


@contextlib.contextmanager
def _progress(out: Output, task_id: str) -> Iterator[Callable[[Any], None]]:
    """A live status line on a terminal; one plain line per status change otherwise."""
    started = time.monotonic()
    if not out.live:

        def line(task: Any) -> None:
            out.note(f"[{time.monotonic() - started:7.1f}s] {task_id}: {task.current_status}")

        yield line
        return
    from rich.console import Console
    from rich.live import Live
    from rich.spinner import Spinner

    status = ["submitted"]

    class _Line:
        def __rich__(self) -> Spinner:
            elapsed = time.monotonic() - started
            return Spinner("dots", f"task {task_id}: {status[0]}  {elapsed:5.0f}s elapsed")

    try:
        with Live(_Line(), console=Console(file=out.stderr), refresh_per_second=4, transient=True):
            yield lambda task: status.__setitem__(0, str(task.current_status))
    finally:
        out.note(f"task {task_id}: {status[0]} after {time.monotonic() - started:.0f}s")


def download(url: str, destination: Path, out: Output) -> Path:
    """Stream `url` to `destination`; nothing is left under the final name unless complete.

    The bytes go to a hidden `.part` file beside the target, renamed when complete. A
    destination that is not a regular file (a device such as /dev/null, a pipe) is
    written directly and never replaced. Every failure is an `A2EError` naming what failed.
    """
    import httpx

    if not url:
        raise A2EError("the task has no result_url to download")
    target = destination
    try:
        if target.is_dir():
            target = target / _result_name(url)
        special = target.exists() and not target.is_file()
    except OSError as error:
        raise _save_error(target, error) from error
    partial = target if special else target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    try:
        with httpx.stream("GET", url, follow_redirects=True, timeout=60.0) as response:
            if response.status_code != 200:
                raise A2EError(
                    f"download of the result failed: HTTP {response.status_code} "
                    "(result URLs expire after about 3 days)"
                )
            total = int(response.headers.get("content-length") or 0) or None
            with partial.open("wb") as sink, _bytes_progress(out, total, target.name) as advance:
                for chunk in response.iter_bytes():
                    sink.write(chunk)
                    advance(len(chunk))
                if not special:
                    sink.flush()
                    os.fsync(sink.fileno())
        if not special:
            os.replace(partial, target)
    except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as error:
        raise A2EError(f"download of the result failed: {error}") from error
    except OSError as error:
        raise _save_error(target, error) from error
    finally:
        if not special:
            with contextlib.suppress(OSError):
                partial.unlink(missing_ok=True)
    return target


def _result_name(url: str) -> str:
    """The file name at the end of `url`'s path, or "result"."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return "result"
    return Path(path).name or "result"


def _check_destination(destination: Path | None) -> None:
    """Raise `A2EError` unless `destination` is None, a folder, or lies in one."""
    if destination is None or _is_dir(destination) or _is_dir(destination.parent):
        return
    raise A2EError(
        f"cannot save the result to {destination}: {destination.parent} is not an existing folder"
    )


def _save_error(target: Path, error: OSError) -> A2EError:
    reason = error.strerror or type(error).__name__
    if not _is_dir(target.parent):
        reason = f"{target.parent} is not an existing folder"
    return A2EError(f"cannot save the result to {target}: {reason}")


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


@contextlib.contextmanager
def _bytes_progress(out: Output, total: int | None, name: str) -> Iterator[Callable[[int], None]]:
    if not out.live:
        yield lambda size: None
        return
    from rich.console import Console
    from rich.progress import DownloadColumn, Progress, TransferSpeedColumn

    columns = (*Progress.get_default_columns(), DownloadColumn(), TransferSpeedColumn())
    with Progress(*columns, console=Console(file=out.stderr), transient=True) as progress:
        bar = progress.add_task(f"downloading {name}", total=total)
        yield lambda size: progress.advance(bar, size)


def _show(out: Output, task: Any) -> int:
    out.record(task)
    return 0


_TASK_COLUMNS = ("id", "name", "status", "to", "created", "result_url")


def _task_row(task: Any) -> tuple[Any, ...]:
    created = task.created_at.strftime("%Y-%m-%d %H:%M:%S")
    return (task.id, task.name, task.current_status, task.target_lang, created, task.result_url)


def _tasks(out: Output, tasks: Sequence[Any], title: str) -> int:
    if out.as_json:
        out.data([t.to_dict() for t in tasks])
    else:
        out.table(_TASK_COLUMNS, [_task_row(t) for t in tasks], f"{title}: {len(tasks)} task(s)")
    return 0


def _paging_or_all(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """`--all` reads every page, so it takes no `--page` or `--size`."""
    if args.all and (args.page_num is not None or args.page_size is not None):
        parser.error("argument --all: not allowed with --page or --size")


def _list(client: A2E, args: argparse.Namespace, out: Output) -> int:
    if args.all:
        return _tasks(out, list(client.dubbing.iter(page_size=50)), "All tasks")
    page_num = 1 if args.page_num is None else args.page_num
    page_size = DEFAULT_PAGE_SIZE if args.page_size is None else args.page_size
    page = client.dubbing.list(page_num=page_num, page_size=page_size)
    if out.as_json:
        out.data(page.to_dict())
        return 0
    title = f"Page {page_num} ({len(page.rows)} of {page.count} task(s))"
    out.table(_TASK_COLUMNS, [_task_row(t) for t in page.rows], title)
    return 0


def _delete(client: A2E, args: argparse.Namespace, out: Output) -> int:
    client.dubbing.delete(args.task_id)
    if out.as_json:
        out.data({"deleted": args.task_id})
    else:
        out.note(f"deleted {args.task_id}")
    return 0


def _credits(client: A2E, args: argparse.Namespace, out: Output) -> int:
    balance = client.account.remaining_coins()
    if out.as_json:
        out.data(balance.to_dict())
    else:
        print(f"coins     {balance.coins:g}\ndiamonds  {balance.diamonds:g}", file=out.stdout)
    return 0


def _languages(client: A2E, args: argparse.Namespace, out: Output) -> int:
    languages = client.languages.list(lang=args.lang)
    if out.as_json:
        out.data([language.to_dict() for language in languages])
    else:
        rows = [(language.value, language.label) for language in languages]
        out.table(("code", "name"), rows, f"{len(rows)} language(s)")
    return 0


def _transfer(client: A2E, args: argparse.Namespace, out: Output) -> int:
    stored = client.storage.transfer(args.url)
    if out.as_json:
        out.data(stored.to_dict())
    else:
        print(stored.url, file=out.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
