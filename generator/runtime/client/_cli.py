"""`a2e-dubbing`: every operation of the A2E dubbing API from a shell.

    a2e-dubbing start https://example.com/talk.mp3 --to en --wait --download talk.wav
    a2e-dubbing list --all --json

Every high-level client method is a command, built from the generated table in
`_commands.py` (the spec's operations, their parameters and descriptions); the behaviours
below only add to some of them (`start --wait --download`, `list --all`, the `wait`
command); `batch` is a command of its own (`_batch_cli`), with the options of `start`. The key comes from `--api-key` or `$A2E_API_KEY`, the server from `--base-url`
or `$A2E_BASE_URL`; the global options go before or after the command.

Exit codes: 0 done, 1 error, 2 usage error (nothing was sent), 3 the task failed,
130 interrupted, 141 the output was closed early (`| head`).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as _dt
import json
import os
import re
import shlex
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NoReturn, TextIO, cast
from urllib.parse import urlsplit

from ._cli_output import Output, RedactingStream, Secrets, visible
from ._errors import (
    A2EError,
    APIConnectionError,
    APIError,
    AuthenticationError,
    BadRequestError,
    NotFoundError,
    TaskFailedError,
    WaitTimeoutError,
)

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

    from ._cli_spec import CommandSpec, ParamSpec
    from ._client import A2E

PROG = "a2e-dubbing"
EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_TASK_FAILED = 3
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a writer cut off by `| head`
WAIT_TIMEOUT = 3600.0
POLL_INTERVAL = 2.0
ALL_PAGE_SIZE = 50
EXIT_CODES = f"""\
exit codes:
  {EXIT_OK}    done
  {EXIT_ERROR}    error: A2E refused, the network failed, the file could not be saved
  {EXIT_USAGE}    usage error: a missing or bad option or value (nothing was sent)
  {EXIT_TASK_FAILED}    the task failed (--wait, wait)
  {EXIT_INTERRUPTED}  interrupted (Ctrl-C); the task goes on at A2E
  {EXIT_BROKEN_PIPE}  the output was closed early (e.g. | head)

Key: $A2E_API_KEY (A2E web UI > Account > API Token). Server: $A2E_BASE_URL."""


class UsageError(Exception):
    """A bad command line: exit 2, nothing sent. `parser` prints the usage line."""

    def __init__(self, message: str, parser: argparse.ArgumentParser | None = None) -> None:
        super().__init__(message)
        self.parser = parser


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors raised (and printed by `main`, as text or JSON)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message, self)

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        if message:  # argparse would ignore a closed pipe (--help | head): let main see it
            (file or sys.stderr).write(message)


@dataclass
class Context:
    """One run of a command."""

    client: A2E
    args: argparse.Namespace
    out: Output
    spec: CommandSpec
    parser: argparse.ArgumentParser

    def call(self) -> Any:
        """The command's client method, called with the arguments given (the others keep
        the method's defaults)."""
        method = getattr(getattr(self.client, self.spec.resource), self.spec.method)
        kwargs = {}
        for param in self.spec.params:
            value = getattr(self.args, param.name, None)
            if param.upload and isinstance(value, str) and not _is_http_url(value):
                value = _upload_file(self, param.upload, value)
            if value is not None:
                kwargs[param.name] = _converted(param, value)
        return method(**kwargs)

    @property
    def resource(self) -> Any:
        """The client's resource of this command (`client.dubbing`)."""
        return getattr(self.client, self.spec.resource)

    @property
    def target(self) -> str:
        """The value of the command's positional argument (a task's id), or ""."""
        param = next((p for p in self.spec.params if p.positional), None)
        return "" if param is None else str(getattr(self.args, param.name))


@dataclass(frozen=True)
class Behaviour:
    """What the hand-written CLI adds to the generated command of one client method."""

    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # keyword -> flags
    options: Callable[[argparse.ArgumentParser], object] | None = None
    check: Callable[[Context], None] | None = None  # before anything is sent
    run: Callable[[Context], int] | None = None  # instead of "call and print"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    from ._base_client import resolve_api_key

    argv = list(sys.argv[1:] if argv is None else argv)
    secrets = Secrets(resolve_api_key(None))
    saved = sys.stdout, sys.stderr
    # Everything written while the command runs goes through them, whoever writes it.
    stdout = cast("TextIO", RedactingStream(sys.stdout, secrets))
    stderr = cast("TextIO", RedactingStream(sys.stderr, secrets))
    out = Output(
        as_json="--json" in argv,
        debug="--debug" in argv,
        stdout=stdout,
        stderr=stderr,
        secrets=secrets,
    )
    sys.stdout, sys.stderr = stdout, stderr
    try:
        code = _main(argv, out)
        stdout.flush()  # what is still buffered fails here, not unseen at exit
        return code
    except BrokenPipeError:
        _quiet_broken_pipe(saved[0])
        return EXIT_BROKEN_PIPE
    finally:
        sys.stdout, sys.stderr = saved


def _main(argv: list[str], out: Output) -> int:
    from ._base_client import API_KEY_ENV, KEY_HELP, resolve_api_key

    parser = build_parser()
    try:
        try:
            args = parser.parse_args(argv)
        except SystemExit as done:  # --help and --version print and stop here
            return done.code if isinstance(done.code, int) else EXIT_OK
        out.as_json, out.debug = args.json, args.debug
        base_url = _base_url(args.base_url)
    except UsageError as error:
        return _usage(out, error)
    key = resolve_api_key(args.api_key)
    out.secrets.add(key)
    if not key and getattr(args, "run_batch", None) is None:
        return out.error(
            f"no A2E API key: pass --api-key KEY or set {API_KEY_ENV}. {KEY_HELP}",
            kind="MissingKey",
            exit_code=EXIT_ERROR,
        )
    spec: CommandSpec = args.spec
    behaviour: Behaviour = args.behaviour
    run_batch = getattr(args, "run_batch", None)
    if run_batch is not None:  # the batch command (_batch_cli): a dry run needs no key
        try:
            code: int = run_batch(args, out, base_url, key, argv)
        except UsageError as error:
            return _usage(out, error)
        except A2EError as error:
            return _fail(out, error, explained=_explain(error, spec.params, args, base_url))
        except KeyboardInterrupt:  # while planning: nothing was sent
            out.event("interrupted", "interrupted; nothing was sent")
            return EXIT_INTERRUPTED
        return code
    try:
        from ._client import A2E

        with A2E(api_key=key, base_url=base_url) as client:
            context = Context(client, args, out, spec, args.parser)
            _check_values(context)
            if behaviour.check is not None:
                behaviour.check(context)
            return (behaviour.run or _show_result)(context)
    except UsageError as error:
        return _usage(out, error)
    except TaskFailedError as error:
        return _fail(out, error, exit_code=EXIT_TASK_FAILED)
    except A2EError as error:
        return _fail(out, error, explained=_explain(error, spec.params, args, base_url))
    except UploadInterrupted as stopped:
        out.event(
            "interrupted", f"interrupted the upload of {out.clean(stopped.path)}; {stopped.after}"
        )
        return EXIT_INTERRUPTED
    except KeyboardInterrupt:
        lister = _lister(args)
        if spec.writes and lister:  # it may have reached A2E: look before sending it again
            out.event(
                "interrupted",
                f"interrupted; the request may have reached A2E: check with `{PROG} {lister}` "
                "before running it again",
            )
        else:
            out.event("interrupted", "interrupted")
        return EXIT_INTERRUPTED


def _quiet_broken_pipe(stdout: Any) -> None:
    """The reader of stdout went away (`| head`): send what is still buffered nowhere."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stdout.fileno())
        os.close(devnull)


def _usage(out: Output, error: UsageError) -> int:
    usage = error.parser.format_usage().strip() if error.parser is not None else ""
    prog = error.parser.prog if error.parser is not None else PROG
    message = visible(str(error))
    if out.as_json:
        return out.error(message, kind="UsageError", exit_code=EXIT_USAGE, usage=usage or None)
    out.stderr.write(out.secrets.redact(f"{usage}\n{prog}: error: {message}\n".lstrip("\n")))
    out.stderr.flush()
    return EXIT_USAGE


def _fail(
    out: Output,
    error: A2EError,
    *,
    exit_code: int = EXIT_ERROR,
    explained: str = "",
    hint: str = "",
) -> int:
    if out.debug:
        import traceback

        traceback.print_exception(error, file=out.stderr)
    message = explained or out.clean(str(error))
    if hint:
        message = f"{message}. {hint}"
    fields: dict[str, Any] = {}
    if isinstance(error, APIError):
        fields = {"status_code": error.status_code, "code": error.code, "trace_id": error.trace_id}
    return out.error(message, kind=type(error).__name__, exit_code=exit_code, **fields)


# The parser, from the generated command table


def build_parser() -> argparse.ArgumentParser:
    """The parser of every command: the generated ones, with their behaviours, `wait` and
    `batch` (`_batch_cli`)."""
    from ._batch_spec import START
    from ._commands import COMMANDS
    from ._meta import API_TITLE, API_VERSION, VERSION

    parser = _Parser(
        prog=PROG,
        description=f"Dub audio and video with the {API_TITLE}.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[_global_options(defaults=True)],
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"{PROG} {VERSION} ({API_TITLE} {API_VERSION})",
        help="print the version of a2e-dubbing and of the API it speaks, and exit",
    )
    subparsers = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")
    shared = _global_options(defaults=False)
    commands = {spec.client_method: spec for spec in COMMANDS}
    for spec in COMMANDS:
        behaviour = BEHAVIOURS.get(spec.client_method, UPLOAD if spec.uploads else Behaviour())
        command = subparsers.add_parser(
            spec.name,
            help=_help_text(spec.summary + (" (not idempotent)" if spec.writes else "")),
            description=_help_text(spec.description or spec.summary),
            parents=[shared],
        )
        for param in spec.params:
            _add_param(command, param, behaviour.aliases.get(param.name, ()))
        if behaviour.options is not None:
            behaviour.options(command)
        command.set_defaults(spec=spec, behaviour=behaviour, parser=command)
    from ._batch_cli import add_parser as add_batch  # a hand-written command of its own

    start_aliases = BEHAVIOURS.get(f"{START[0]}.{START[1]}", Behaviour()).aliases
    add_batch(subparsers, shared, commands, start_aliases)
    for name, (summary, of, behaviour) in EXTRA_COMMANDS.items():
        if name in subparsers.choices:
            raise RuntimeError(f"the spec's command {name!r} clashes with a hand-written one")
        if of not in commands:
            continue
        spec = _extra_spec(name, summary, commands[of])
        command = subparsers.add_parser(name, help=summary, description=summary, parents=[shared])
        for param in spec.params:
            _add_param(command, param, ())
        if behaviour.options is not None:
            behaviour.options(command)
        command.set_defaults(spec=spec, behaviour=behaviour, parser=command)
    return parser


def _global_options(*, defaults: bool) -> _Parser:
    """The options every command takes; without `defaults`, an option not given sets nothing.

    The top-level parser holds the defaults and each command's parser the same options
    without them, so an option given after the command is kept and one before it is
    not overwritten.
    """
    options = _Parser(add_help=False)
    group = options.add_argument_group("global options (before or after the command)")

    def default(value: Any) -> Any:
        return value if defaults else argparse.SUPPRESS

    group.add_argument(
        "--api-key", default=default(None), metavar="KEY", help="API key (default: $A2E_API_KEY)"
    )
    group.add_argument(
        "--base-url",
        default=default(None),
        metavar="URL",
        help="API server, http(s)://... (default: $A2E_BASE_URL or https://video.a2e.ai)",
    )
    group.add_argument(
        "--json",
        action="store_true",
        default=default(False),
        help="print JSON: results on stdout, one JSON object per line on stderr",
    )
    group.add_argument(
        "--debug", action="store_true", default=default(False), help="show tracebacks of errors"
    )
    return options


def _add_param(parser: argparse.ArgumentParser, param: ParamSpec, aliases: tuple[str, ...]) -> None:
    help_text = param.help
    if param.default is not None:
        help_text += f" (default: {_default_text(param.default)})"
    options: dict[str, Any] = {"help": _help_text(help_text), "metavar": param.metavar}
    if param.kind == "bool":
        options = {"help": options["help"], "action": argparse.BooleanOptionalAction}
    elif param.choices:
        options["choices"] = param.choices
        options["metavar"] = "{" + ",".join(param.choices) + "}"
    else:
        options["type"] = _CONVERTERS.get(param.kind, str)
    if param.positional:
        parser.add_argument(param.name, **options)
        return
    flags = (*aliases, param.flag)
    parser.add_argument(*flags, dest=param.name, default=None, required=param.required, **options)


def _default_text(value: Any) -> str:
    if isinstance(value, bool):
        return "--" if value else "no"
    return str(value) if isinstance(value, str | int | float) else json.dumps(value)


def _help_text(text: str) -> str:
    return text.replace("%", "%%")  # argparse formats help with %


def _json_value(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not JSON ({error}): {text!r}") from None


def _datetime_value(text: str) -> _dt.datetime:
    try:
        return _dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date and time: {text!r}") from None


def _date_value(text: str) -> _dt.date:
    try:
        return _dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date: {text!r}") from None


_CONVERTERS: dict[str, Callable[[str], Any]] = {
    "str": str,
    "int": int,
    "float": float,
    "json": _json_value,
    "model": _json_value,
    "datetime": _datetime_value,
    "date": _date_value,
}


def _converted(param: ParamSpec, value: Any) -> Any:
    """An argument as the client method takes it (a model or enum from its class)."""
    if param.kind not in ("enum", "model"):
        return value
    import importlib

    model = getattr(importlib.import_module(".models", __package__), param.model)
    if param.kind == "enum":
        return model(value)
    if not isinstance(value, dict):
        raise UsageError(f"{_display(param)} must be a JSON object")
    try:
        return model.from_dict(value)
    except (KeyError, TypeError, ValueError) as error:
        raise UsageError(f"{_display(param)}: {error}") from None


def _display(param: ParamSpec, parser: argparse.ArgumentParser | None = None) -> str:
    """How the user names a parameter: its metavar, or its first flag."""
    if param.positional:
        return param.metavar
    if parser is not None:
        for action in parser._actions:
            if action.dest == param.name and action.option_strings:
                return action.option_strings[0]
    return param.flag


# What happens before and after the call


def _base_url(given: str | None) -> str | None:
    """The base URL to use (None: the client's default); `UsageError` unless http(s)."""
    from ._base_client import BASE_URL_ENV

    source = "--base-url"
    if given is None and os.environ.get(BASE_URL_ENV):
        given, source = os.environ[BASE_URL_ENV], f"${BASE_URL_ENV}"
    if given is None:
        return None
    if _is_http_url(given):
        return given
    shown = visible(given)
    hint = ""
    if "://" not in given and given.strip():
        hint = f" (did you mean https://{visible(given.strip())}?)"
    raise UsageError(f"{source} '{shown}' is not an http(s) URL: it must start with https://{hint}")


def _is_http_url(text: str) -> bool:
    try:
        parts = urlsplit(text)
        _ = parts.port
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _check_values(context: Context) -> None:
    """Refuse locally what A2E could never use: a URL to fetch that is not http(s) (or,
    where the spec takes one, a local file that is not there)."""
    for param in context.spec.params:
        value = getattr(context.args, param.name, None)
        if not (param.url and isinstance(value, str)) or _is_http_url(value):
            continue
        shown = _display(param, context.parser)
        if not param.upload or "://" in value:  # meant as a URL
            raise UsageError(
                f"{shown} must be a public http(s) URL that A2E can fetch, got '{visible(value)}'",
                context.parser,
            )
        if not os.path.isfile(value):
            raise UsageError(
                f"{shown} must be a public http(s) URL that A2E can fetch, or a local file to "
                f"upload: '{visible(value)}' is neither ({_missing(value)})",
                context.parser,
            )


def _missing(path: str) -> str:
    """Why `path` is not a file to upload."""
    if os.path.isdir(path):
        return "a folder"
    return "no such file" if not os.path.lexists(path) else "not a regular file"


def _show_result(context: Context) -> int:
    """Call the method and print what it returns: a record, a list of them, or nothing."""
    from ._commands import TABLES

    result = context.call()
    out = context.out
    if result is None:
        if out.as_json:
            out.data(None)
        else:
            out.event("done", f"{context.spec.summary}: done")
    elif isinstance(result, list):
        columns = TABLES.get(type(result[0]).__name__, ()) if result else ()
        out.records(result, f"{context.spec.summary}: {len(result)}", columns)
    else:
        out.record(result)
    return EXIT_OK


# Errors as instructions


def _explain(
    error: A2EError, params: Sequence[ParamSpec], args: argparse.Namespace, base_url: str | None
) -> str:
    """What went wrong, said with the command line's names, and what to do about it."""
    from ._base_client import API_KEY_ENV, BASE_URL_ENV, KEY_HELP
    from ._download import DestinationExistsError
    from ._meta import DEFAULT_BASE_URL

    server = base_url or DEFAULT_BASE_URL
    check_url = f"check --base-url / ${BASE_URL_ENV}"
    if isinstance(error, APIConnectionError):
        detail = str(error).removesuffix(f" [{error.method} {error.url}]")
        if not error.sent:
            return f"nothing answers at {visible(server)} — {check_url} ({visible(detail)})"
        return f"{visible(detail)} (talking to {visible(server)})"
    if isinstance(error, DestinationExistsError):
        return f"cannot save the result to {visible(str(error.path))}: a file is already there — add --overwrite to replace it"
    if not isinstance(error, APIError):
        return ""
    status = _status(error)
    if isinstance(error, NotFoundError) and error.code is None:
        return f"{visible(server)} answered without A2E's envelope — {check_url} {status}"
    if isinstance(error, AuthenticationError):
        reason = _with_options(error.message, params, args)
        return (
            f"A2E refused the API key: {reason} — pass --api-key KEY or set {API_KEY_ENV}. "
            f"{KEY_HELP} {status}"
        )
    target = next((p for p in params if p.positional), None)
    if isinstance(error, NotFoundError) and target is not None:
        value = visible(str(getattr(args, target.name, "")))
        noun = target.metavar
        if target.name.endswith("_id"):
            noun = target.name.removesuffix("_id").replace("_", " ")
        lister = _lister(args)
        see = f" — see: {PROG} {lister}" if lister else ""
        return f"{noun} {value} not found{see} {status}"
    param = _named_in(error.message, params) if isinstance(error, BadRequestError) else None
    if param is not None:
        given = getattr(args, param.name, None)
        reason = _with_options(_without_field(error.message, param), params, args)
        shown = _display(param, args.parser)
        see = f" — see: {PROG} {param.values_from}" if param.values_from else ""
        if given is None:  # not given: the method's default was sent
            return f"{shown}: {reason}{see} {status}"
        value = visible(str(given))
        if param.values_from:
            noun = param.noun or param.metavar.lower()
            return f"unsupported {noun} '{value}'{see} {status}"
        if param.url:
            return f"{shown} must be a public http(s) URL that A2E can fetch: {reason} {status}"
        return f"{shown} '{value}': {reason} {status}"
    return f"{_with_options(error.message, params, args)} {status}"


def _status(error: APIError) -> str:
    parts = [f"HTTP {error.status_code}"]
    if error.code is not None:
        parts.append(f"code {error.code}")
    if error.trace_id:
        parts.append(f"trace_id {visible(error.trace_id)}")
    return f"({', '.join(parts)})"


def _lister(args: argparse.Namespace) -> str:
    """The command that lists the records of this command's resource."""
    from ._commands import COMMANDS

    resource = args.spec.resource
    return next((c.name for c in COMMANDS if c.client_method == f"{resource}.list"), "")


def _word(wire: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(wire)}(?![\w-])")


def _named_in(message: str, params: Sequence[ParamSpec]) -> ParamSpec | None:
    """The parameter a message of A2E is about: the one it starts with (`field: ...`), or
    the only one it names (the spec says A2E's message names the field)."""
    params = [p for p in params if p.wire]  # a local one (upload's file) is no API field
    for param in params:
        if message.startswith(f"{param.wire}:"):
            return param
    named = [p for p in params if _word(p.wire).search(message)]
    return named[0] if len(named) == 1 else None


def _without_field(message: str, param: ParamSpec) -> str:
    return message.removeprefix(f"{param.wire}:").strip()


def _with_options(message: str, params: Sequence[ParamSpec], args: argparse.Namespace) -> str:
    """`message` (from A2E) with the API's field names replaced by the command line's."""
    shown = visible(message)
    for param in sorted((p for p in params if p.wire), key=lambda p: len(p.wire), reverse=True):
        shown = _word(param.wire).sub(_display(param, args.parser), shown)
    return shown


# Behaviours: start --wait/--download, list --all, delete, and the wait command


def _wait_options(parser: argparse.ArgumentParser, *, with_flag: bool) -> None:
    if with_flag:
        parser.add_argument(
            "--wait", action="store_true", help="wait until the task finishes, showing its status"
        )
    parser.add_argument(
        "--download",
        metavar="PATH",
        help="when it completes, save the result to this file, or into this folder (a path "
        "ending with / or an existing folder) as <task name>.<ext>; implies --wait",
    )
    parser.add_argument(
        "--overwrite", action="store_true", help="let --download replace an existing file"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=WAIT_TIMEOUT,
        metavar="S",
        help=f"stop waiting after S seconds; the task goes on (default: {WAIT_TIMEOUT:g})",
    )
    parser.add_argument(
        "--poll",
        type=float,
        default=POLL_INTERVAL,
        metavar="S",
        help=f"seconds between the first status checks; they grow to 30 (default: {POLL_INTERVAL:g})",
    )


def _check_destination(context: Context) -> None:
    """A --download destination that cannot work is refused before anything is sent."""
    from ._download import Destination

    path = getattr(context.args, "download", None)
    if path is not None:
        Destination(path, overwrite=context.args.overwrite).check()


def _start(context: Context) -> int:
    args, out = context.args, context.out
    task = context.call()
    if not (args.wait or args.download):
        out.record(task)
        return EXIT_OK
    out.event(
        "started",
        f"started task {out.clean(_task_id(task))} ({out.clean(_task_status(task))})",
        task=_task_id(task),
        status=_task_status(task),
    )
    return _finish(context, _task_id(task))


def _task_id(task: Any) -> str:
    """A task record's id (its `x-a2e-mock: id` field)."""
    from ._download import record_field
    from ._meta import ID_FIELD

    return str(record_field(task, ID_FIELD))


def _task_status(task: Any) -> str:
    """A task record's status word (its `x-a2e-mock: status` field)."""
    from ._download import record_field
    from ._meta import STATUS_FIELD

    return str(record_field(task, STATUS_FIELD))


def _wait(context: Context) -> int:
    return _finish(context, context.target)


def _finish(context: Context, task_id: str) -> int:
    args, out, tasks = context.args, context.out, context.resource
    resume = _resume_command(task_id, args)
    shown = out.clean(task_id)
    try:
        with _progress(out, task_id) as show:
            task = tasks.wait(
                task_id, timeout=args.timeout, poll_interval=args.poll, on_update=show
            )
    except KeyboardInterrupt:
        out.event(
            "interrupted",
            f"stopped waiting; task {shown} goes on at A2E. Resume with: {resume}",
            task=task_id,
            resume=resume,
        )
        return EXIT_INTERRUPTED
    except WaitTimeoutError as error:
        return _fail(out, error, hint=f"Resume with: {resume}")
    if args.download:
        try:
            with _bytes_progress(out) as advance:
                path = tasks.download(
                    task, args.download, overwrite=args.overwrite, on_progress=advance
                )
        except KeyboardInterrupt:
            out.event(
                "interrupted",
                f"stopped the download; task {shown} is {out.clean(_task_status(task))} "
                f"and nothing was saved. Get the file with: {resume}",
                task=task_id,
                resume=resume,
            )
            return EXIT_INTERRUPTED
        except A2EError as error:
            explained = _explain(error, context.spec.params, args, None)
            return _fail(out, error, explained=explained, hint=f"Retry with: {resume}")
        out.event("saved", f"saved {out.clean(str(path))}", path=str(path))
    out.record(task)
    return EXIT_OK


def _resume_command(task_id: str, args: argparse.Namespace) -> str:
    """The command that takes up following the task again, and downloading if asked."""
    command = [PROG, "wait", task_id]
    if args.download is not None:
        command += ["--download", args.download]
        if args.overwrite:
            command.append("--overwrite")
    return visible(shlex.join(command))


@contextlib.contextmanager
def _progress(out: Output, task_id: str) -> Iterator[Callable[[Any], None]]:
    """A live status line on a terminal; one line per status change otherwise."""
    started = time.monotonic()
    shown = out.clean(task_id)
    if not out.live:

        def line(task: Any) -> None:
            elapsed = time.monotonic() - started
            status = _task_status(task)
            out.event(
                "status",
                f"[{elapsed:7.1f}s] {shown}: {out.clean(status)}",
                task=task_id,
                status=status,
                elapsed=round(elapsed, 3),
            )

        yield line
        return
    from rich.live import Live
    from rich.spinner import Spinner
    from rich.text import Text

    status = ["submitted"]
    spinner = Spinner("dots")

    class _Line:
        """Re-rendered by Live on every refresh: the one spinner (its frame follows the
        clock) with the status and the time so far."""

        def __rich__(self) -> Spinner:
            elapsed = time.monotonic() - started
            spinner.update(text=Text(f"task {shown}: {status[0]}  {elapsed:5.0f}s elapsed"))
            return spinner

    def update(task: Any) -> None:
        status[0] = out.clean(_task_status(task))

    try:
        with Live(
            _Line(), console=out.console(out.stderr), refresh_per_second=12.5, transient=True
        ):
            yield update
    finally:
        out.event("status", f"task {shown}: {status[0]} after {time.monotonic() - started:.0f}s")


@contextlib.contextmanager
def _bytes_progress(
    out: Output, what: str = "downloading"
) -> Iterator[Callable[[int, int | None], None]]:
    """A progress bar of a transfer on a terminal; nothing otherwise."""
    if not out.live:
        yield lambda done, total: None
        return
    from rich.progress import DownloadColumn, Progress, TransferSpeedColumn

    columns = (*Progress.get_default_columns(), DownloadColumn(), TransferSpeedColumn())
    with Progress(*columns, console=out.console(out.stderr), transient=True) as progress:
        bar = progress.add_task(what, total=None)
        yield lambda done, total: progress.update(bar, completed=done, total=total)


# Local files: `upload FILE`, and a local file where the spec takes one (start ./talk.mp4)


class UploadInterrupted(KeyboardInterrupt):
    """Ctrl-C during an upload: nothing else was sent yet (`after` says so)."""

    def __init__(self, path: str, after: str) -> None:
        super().__init__(path)
        self.path = path
        self.after = after


def _upload_file(
    context: Context, uploader: str, path: str, content_type: str | None = None
) -> str:
    """Upload `path` with the client method `uploader` (a bar on a terminal, a line before
    and after otherwise) and return its URL."""
    resource, _, method = uploader.partition(".")
    upload = getattr(getattr(context.client, resource), method)
    out, shown = context.out, context.out.clean(path)
    size = os.path.getsize(path) if os.path.isfile(path) else 0
    out.event("uploading", f"uploading {shown} ({size} bytes)", path=path, bytes=size)
    try:
        with _bytes_progress(out, "uploading") as advance:
            url: str = upload(path, content_type=content_type, on_progress=advance)
    except KeyboardInterrupt:
        after = "nothing was started" if context.spec.writes else "nothing was stored"
        raise UploadInterrupted(path, after) from None
    out.event("uploaded", f"uploaded {shown}: {out.clean(url)}", path=path, url=url)
    return url


def _check_file(context: Context) -> None:
    """`upload FILE`: the file must be there before anything is sent."""
    path = context.target
    if not os.path.isfile(path):
        raise UsageError(f"cannot upload '{visible(path)}': {_missing(path)}", context.parser)


def _upload(context: Context) -> int:
    args, out = context.args, context.out
    uploader = f"{context.spec.resource}.{context.spec.method}"
    url = _upload_file(context, uploader, context.target, args.content_type)
    if out.as_json:
        out.data({"url": url})
    else:
        out.lines([out.clean(url)])
    return EXIT_OK


UPLOAD = Behaviour(check=_check_file, run=_upload)


def _list(context: Context) -> int:
    from ._commands import TABLES

    args, out = context.args, context.out
    if args.all:
        tasks = list(context.resource.iter(page_size=ALL_PAGE_SIZE))
        columns = TABLES.get(type(tasks[0]).__name__, ()) if tasks else ()
        out.records(tasks, f"All tasks: {len(tasks)}", columns)
        return EXIT_OK
    page = context.call()
    if out.as_json:
        out.data(page.to_dict())
        return EXIT_OK
    columns = TABLES.get(type(page.rows[0]).__name__, ()) if page.rows else ()
    page_num = 1 if args.page_num is None else args.page_num
    out.records(page.rows, f"Page {page_num} ({len(page.rows)} of {page.count} task(s))", columns)
    return EXIT_OK


def _paging_or_all(context: Context) -> None:
    """`--all` reads every page, so it takes no `--page` or `--size`."""
    args = context.args
    if args.all and (args.page_num is not None or args.page_size is not None):
        raise UsageError("argument --all: not allowed with --page or --size", context.parser)


def _delete(context: Context) -> int:
    context.call()
    task_id = context.target
    if context.out.as_json:
        context.out.data({"deleted": task_id})
    else:
        context.out.event("deleted", f"deleted {context.out.clean(task_id)}", task=task_id)
    return EXIT_OK


def _extra_spec(name: str, summary: str, of: CommandSpec) -> CommandSpec:
    """A hand-written command taking the same arguments as the generated command `of`."""
    import dataclasses

    return dataclasses.replace(of, name=name, summary=summary, description=summary, writes=False)


BEHAVIOURS: dict[str, Behaviour] = {
    "dubbing.start": Behaviour(
        aliases={
            "target_lang": ("--to",),
            "source_lang": ("--from",),
            "num_speakers": ("--speakers",),
            "drop_background_audio": ("--drop-background",),
        },
        options=lambda parser: _wait_options(parser, with_flag=True),
        check=_check_destination,
        run=_start,
    ),
    "dubbing.list": Behaviour(
        aliases={"page_num": ("--page",), "page_size": ("--size",)},
        options=lambda parser: parser.add_argument(
            "--all", action="store_true", help="every task, all pages (not with --page or --size)"
        ),
        check=_paging_or_all,
        run=_list,
    ),
    "dubbing.delete": Behaviour(run=_delete),
}
# Commands of the CLI alone: name -> (summary, the client method whose arguments it takes,
# behaviour).
EXTRA_COMMANDS: dict[str, tuple[str, str, Behaviour]] = {
    "wait": (
        "wait for a task to finish, showing its status; optionally download the result",
        "dubbing.get",
        Behaviour(
            options=lambda parser: _wait_options(parser, with_flag=False),
            check=_check_destination,
            run=_wait,
        ),
    ),
}


if __name__ == "__main__":
    sys.exit(main())
