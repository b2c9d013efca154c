"""The command line against a mocked A2E: output forms, errors, downloads, coverage of the API."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from unittest.mock import patch

import httpx
import pytest
import respx
from a2e_dubbing import DubbingTask, _cli, _meta
from a2e_dubbing._cli_output import Output, Secrets
from a2e_dubbing._commands import COMMANDS, TABLES
from hypothesis import given
from hypothesis import strategies as st

from contract_tests import _api as api
from contract_tests._spec import load_spec
from tests.client._records import BASE_URL, KEY, LIFE, RECORD, error, ok, task

TASK_ID = "66ea4dd87db10c73fa29b570"
RESULT = "https://cdn.example.com/results/66ea4dd87db10c73fa29b570.wav"
WAV = b"RIFF" + b"\0" * 2000


@pytest.fixture(autouse=True)
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("A2E_API_KEY", KEY)
    monkeypatch.setenv("A2E_BASE_URL", BASE_URL)


def run(*argv: str) -> int:
    return _cli.main(list(argv))


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_client_method_of_the_spec_is_a_command_with_its_parameters() -> None:
    in_spec = {
        op.definition["x-a2e-client"]: op.definition.get("x-a2e-cli")
        for op in load_spec().operations
        if "x-a2e-client" in op.definition  # the others are the mock's alone
    }
    # The resource of a presigned upload (x-a2e-presign) has `upload`, the command `upload`.
    in_spec |= {
        op.definition["x-a2e-client"].split(".")[0] + ".upload": "upload"
        for op in load_spec().operations
        if "x-a2e-presign" in op.definition
    }
    assert {c.client_method: c.name for c in COMMANDS} == in_spec
    commands = _subparsers(_cli.build_parser())
    assert set(commands) == {c.name for c in COMMANDS} | {"wait", "batch"}
    for spec in COMMANDS:
        dests = {a.dest for a in commands[spec.name]._actions}
        assert {p.name for p in spec.params} <= dests, spec.name


def test_the_current_command_names_and_options_are_kept() -> None:
    commands = _subparsers(_cli.build_parser())
    assert set(commands) == {
        "start", "get", "list", "processing", "delete", "wait", "credits", "languages", "transfer",
        "upload-url", "upload", "batch",
    }  # fmt: skip
    flags = {
        name: {flag for a in parser._actions for flag in a.option_strings}
        for name, parser in commands.items()
    }
    assert {"--to", "--from", "--speakers", "--drop-background", "--name", "--wait",
            "--download", "--overwrite", "--timeout"} <= flags["start"]  # fmt: skip
    assert {"--page", "--size", "--all"} <= flags["list"]
    assert {"--download", "--overwrite", "--timeout"} <= flags["wait"]
    assert "--lang" in flags["languages"]
    assert {"--to", "--from", "--speakers", "--drop-background", "--out", "--journal", "--resume",
            "--retry-failed", "--max-coins", "--dry-run", "--overwrite", "--max-starts",
            "--max-downloads", "--poll"} <= flags["batch"]  # fmt: skip


def test_every_option_and_argument_has_help() -> None:
    parser = _cli.build_parser()
    for name, command in [("a2e-dubbing", parser), *_subparsers(parser).items()]:
        for action in command._actions:
            if isinstance(action, argparse._SubParsersAction):
                continue
            assert action.help, f"{name} {action.option_strings or action.dest} has no help"
            assert action.help != argparse.SUPPRESS
        assert "%" not in command.format_help().replace("%%", "")  # formats without error


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("--version") == 0
    assert capsys.readouterr().out.strip() == (
        f"a2e-dubbing {_meta.VERSION} ({_meta.API_TITLE} {_meta.API_VERSION})"
    )


def test_get_prints_the_record(capsys: pytest.CaptureFixture[str]) -> None:
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").respond(json=ok(task()))
        assert run("get", TASK_ID) == 0
    out = capsys.readouterr().out
    assert re.search(rf"^{re.escape(RECORD.id.wire)} +{TASK_ID}$", out, re.MULTILINE), out
    assert all(f.wire in out for f in RECORD.fields if f.wire in task())


def test_json_output_is_the_wire_record(capsys: pytest.CaptureFixture[str]) -> None:
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").respond(json=ok(task()))
        assert run("--json", "get", TASK_ID) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed[RECORD.id.wire] == TASK_ID
    assert printed[RECORD.status.wire] == task()[RECORD.status.wire]


def test_list_prints_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    rows = [task(id=f"{i:024x}", name=f"talk {i}") for i in range(3)]
    with respx.mock(base_url=BASE_URL) as router:
        route = api.route(router, "dubbing.list").respond(json=ok({"rows": rows, "count": 13}))
        assert run("list", "--page", "2", "--size", "3") == 0
    out = capsys.readouterr().out
    assert "Page 2 (3 of 13 task(s))" in out
    assert "talk 2" in out
    assert api.op("dubbing.list").values(route.calls.last.request) == {
        "page_num": "2",
        "page_size": "3",
    }


def test_start_sends_the_options(capsys: pytest.CaptureFixture[str]) -> None:
    with respx.mock(base_url=BASE_URL) as router:
        # With a name of its own, the client reads the newest tasks before it starts.
        api.route(router, "dubbing.list").respond(json=ok({"rows": [], "count": 0}))
        route = api.route(router, "dubbing.start").respond(json=ok(task()))
        code = run(
            "--json", "start", "https://example.com/a.mp3", "--to", "fr", "--from", "zh",
            "--speakers", "2", "--drop-background", "--name", "ep1",
        )  # fmt: skip
    assert code == 0
    assert json.loads(route.calls.last.request.content) == api.call(
        "dubbing.start",
        source_url="https://example.com/a.mp3",
        target_lang="fr",
        source_lang="zh",
        num_speakers=2,
        drop_background_audio=True,
        name="ep1",
    ).get("json")
    assert json.loads(capsys.readouterr().out)[RECORD.id.wire] == TASK_ID


def test_an_api_error_is_one_line_with_code_and_trace(capsys: pytest.CaptureFixture[str]) -> None:
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").respond(404, json=error(404, "no such task"))
        assert run("get", TASK_ID) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith(
        f"a2e-dubbing: error: task {TASK_ID} not found — see: a2e-dubbing list "
        "(HTTP 404, code 404, trace_id 0b7f3a52-"
    )
    assert "Traceback" not in err[0]


def test_debug_shows_the_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").respond(404, json=error(404, "no such task"))
        assert run("--debug", "get", TASK_ID) == 1
    assert "Traceback" in capsys.readouterr().err


def test_a_missing_key_says_how_to_get_one(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("A2E_API_KEY")
    assert run("credits") == 1
    assert "Account > API Token" in capsys.readouterr().err


def test_the_key_is_never_printed(capsys: pytest.CaptureFixture[str]) -> None:
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "account.remaining_coins").respond(401, json=error(401, "bad key"))
        assert run("--debug", "credits") == 1
    captured = capsys.readouterr()
    assert KEY not in captured.out + captured.err


def _statuses(*statuses: str) -> list[httpx.Response]:
    last = statuses[-1]
    extra = {"result": RESULT} if last == LIFE.result else {"failure": "no speech"}
    answers = [httpx.Response(200, json=ok(task(status=s))) for s in statuses[:-1]]
    return [*answers, httpx.Response(200, json=ok(task(status=last, **extra)))]


def test_wait_prints_plain_lines_when_not_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").mock(
            side_effect=_statuses("sent", "processing", "completed")
        )
        assert run("wait", TASK_ID, "--poll", "0.001") == 0
    err = capsys.readouterr().err
    assert [line.split("] ")[1] for line in err.splitlines()] == [
        f"{TASK_ID}: sent",
        f"{TASK_ID}: processing",
        f"{TASK_ID}: completed",
    ]


def test_a_failed_task_exits_3_with_a2es_reason(capsys: pytest.CaptureFixture[str]) -> None:
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").mock(side_effect=_statuses("processing", "failed"))
        assert run("wait", TASK_ID, "--poll", "0.001") == 3
    assert "failed: no speech" in capsys.readouterr().err


def test_ctrl_c_stops_waiting_and_says_how_to_resume(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        api.route(router, "dubbing.get").respond(json=ok(task(status="processing")))
        delete = api.route(router, "dubbing.delete", task_id=TASK_ID)
        monkeypatch.setattr("a2e_dubbing._task_resource.time.sleep", interrupted)
        assert run("wait", TASK_ID) == 130
    assert f"Resume with: a2e-dubbing wait {TASK_ID}" in capsys.readouterr().err
    assert not delete.called


def test_download_saves_the_result_atomically(tmp_path: Path) -> None:
    target = tmp_path / "out.wav"
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").mock(side_effect=_statuses("completed"))
        result = router.get(RESULT).respond(content=WAV, headers={"content-length": str(len(WAV))})
        assert run("wait", TASK_ID, "--download", str(target)) == 0
        assert "authorization" not in result.calls.last.request.headers
    assert target.read_bytes() == WAV
    assert list(tmp_path.iterdir()) == [target]


def test_download_into_a_folder_names_the_file_after_the_task(tmp_path: Path) -> None:
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").mock(side_effect=_statuses("completed"))
        router.get(RESULT).respond(content=WAV, headers={"content-type": "audio/mpeg"})
        assert run("wait", TASK_ID, "--download", str(tmp_path)) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["test.mp3"]  # the seed task's name
    assert (tmp_path / "test.mp3").read_bytes() == WAV


class _BrokenStream(httpx.SyncByteStream):
    def __iter__(self) -> Iterator[bytes]:
        yield b"RIFF" + b"\0" * 100
        raise httpx.ReadError("connection reset by peer")


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(200, stream=_BrokenStream(), headers={"content-length": "5000"}),
        httpx.Response(403, content=b"expired"),
    ],
    ids=["broken mid-way", "expired"],
)
def test_a_failed_download_leaves_no_file(
    answer: httpx.Response, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out.wav"
    target_existing = tmp_path / "keep.wav"
    target_existing.write_bytes(b"old")
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").mock(side_effect=_statuses("completed"))
        router.get(RESULT).mock(return_value=answer)
        assert run("wait", TASK_ID, "--download", str(target)) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.wav"]
    assert "download of the result failed" in capsys.readouterr().err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_wait_shows_a_live_display_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").mock(
            side_effect=_statuses("sent", "processing", "completed")
        )
        router.get(RESULT).respond(content=WAV, headers={"content-length": str(len(WAV))})
        assert run("wait", TASK_ID, "--poll", "0.001", "--download", str(tmp_path)) == 0
    shown = terminal.getvalue()
    assert f"task {TASK_ID}: completed after" in shown
    assert "\x1b[" in shown  # the live display drew on the terminal


def test_a_special_file_is_written_in_place_never_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    try:
        with respx.mock(base_url=BASE_URL) as router:
            api.route(router, "dubbing.get").mock(side_effect=_statuses("completed"))
            router.get(RESULT).respond(content=WAV)
            assert run("wait", TASK_ID, "--download", str(fifo)) == 0
    finally:
        if reader.is_alive():  # nothing opened the pipe to write: end the reader's open
            with contextlib.suppress(OSError):
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        reader.join(timeout=10)
    assert received == [WAV]
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


@pytest.mark.parametrize("before", [True, False], ids=["before the command", "after it"])
def test_global_options_go_before_or_after_the_command(
    before: bool, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("A2E_API_KEY")
    monkeypatch.delenv("A2E_BASE_URL")
    other = "https://other.example.org"
    options = ["--json", "--api-key", KEY, "--base-url", other, "--debug"]
    argv = [*options, "get", TASK_ID] if before else ["get", TASK_ID, *options]
    with respx.mock(base_url=other) as router:
        route = api.route(router, "dubbing.get").respond(404, json=error(404, "gone"))
        assert run(*argv) == 1
    assert route.calls.last.request.headers["authorization"] == f"Bearer {KEY}"
    assert "Traceback" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [("--json", "list", "--all"), ("list", "--all", "--json"), ("list", "--json", "--all")],
)
def test_list_all_json_in_any_order(
    argv: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.list").respond(json=ok({"rows": [task()], "count": 1}))
        assert run(*argv) == 0
    assert [t[RECORD.id.wire] for t in json.loads(capsys.readouterr().out)] == [TASK_ID]


def test_an_option_before_the_command_is_not_reset_by_the_command() -> None:
    args = _cli.build_parser().parse_args(["--json", "--debug", "--api-key", "k", "credits"])
    assert (args.json, args.debug, args.api_key, args.base_url) == (True, True, "k", None)
    after = _cli.build_parser().parse_args(["--api-key", "first", "credits", "--api-key", "second"])
    assert after.api_key == "second"


@pytest.mark.parametrize(
    "paging", [("--page", "2"), ("--size", "5"), ("--page", "2", "--size", "5")]
)
@pytest.mark.parametrize("all_first", [True, False])
def test_list_all_takes_no_page_or_size(
    paging: tuple[str, ...], all_first: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["list", "--all", *paging] if all_first else ["list", *paging, "--all"]
    with respx.mock(base_url=BASE_URL) as router:
        assert run(*argv) == 2
    assert not router.calls
    assert "argument --all: not allowed with --page or --size" in capsys.readouterr().err


def test_list_defaults_to_the_first_page_of_ten() -> None:
    with respx.mock(base_url=BASE_URL) as router:
        route = api.route(router, "dubbing.list").respond(json=ok({"rows": [], "count": 0}))
        assert run("list") == 0
    assert api.op("dubbing.list").values(route.calls.last.request) == {
        "page_num": "1",
        "page_size": "10",
    }


@pytest.mark.parametrize("key", [None, "", "   "], ids=["unset", "empty", "blank"])
def test_a_missing_key_says_how_to_pass_it_on_the_command_line(
    key: str | None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("A2E_API_KEY")
    argv = ["credits"] if key is None else ["credits", "--api-key", key]
    with respx.mock(base_url=BASE_URL) as router:
        assert run(*argv) == 1
    assert not router.calls
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1
    assert "--api-key KEY or set A2E_API_KEY" in err[0]
    assert "api_key=" not in err[0]  # the library's wording, not a shell user's
    assert "Account > API Token" in err[0]


def _one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    lines = captured.err.strip().splitlines()
    assert lines[-1].startswith("a2e-dubbing: error: ")
    assert not any(line.startswith("a2e-dubbing") for line in lines[:-1])
    return lines[-1]


@pytest.mark.parametrize("parent", ["missing", "a file"])
def test_start_checks_the_download_folder_before_spending_credits(
    parent: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "nodir"
    if parent == "a file":
        folder.write_bytes(b"")
    target = folder / "out.wav"
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        start = api.route(router, "dubbing.start").respond(json=ok(task()))
        code = run("start", "https://example.com/a.mp3", "--to", "fr", "--download", str(target))
    assert code == 1
    assert not start.called
    line = _one_error_line(capsys)
    assert line == (
        f"a2e-dubbing: error: cannot save the result to {target}: "
        f"{folder} is not an existing folder"
    )


def test_a_folder_gone_by_the_download_is_one_line_with_the_retry_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "out dir"
    folder.mkdir()
    target = folder / "out.wav"

    def completed_after_the_folder_went(request: httpx.Request) -> httpx.Response:
        folder.rmdir()
        return _statuses("completed")[0]

    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        api.route(router, "dubbing.get").mock(side_effect=completed_after_the_folder_went)
        result = router.get(RESULT).respond(content=WAV)
        assert run("wait", TASK_ID, "--download", str(target)) == 1
    assert not result.called  # the destination is checked again before the download
    line = _one_error_line(capsys)
    assert line == (
        f"a2e-dubbing: error: cannot save the result to {target}: "
        f"{folder} is not an existing folder. "
        f"Retry with: a2e-dubbing wait {TASK_ID} --download '{target}'"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_write_error_is_one_line_with_the_retry_command(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").mock(side_effect=_statuses("completed"))
        router.get(RESULT).respond(content=WAV)
        assert run("wait", TASK_ID, "--download", "/dev/full") == 1
    assert _one_error_line(capsys) == (
        "a2e-dubbing: error: cannot save the result to /dev/full: No space left on device. "
        f"Retry with: a2e-dubbing wait {TASK_ID} --download /dev/full"
    )


def test_a_malformed_result_url_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record = task(status="completed", result="http://[::1/result.wav")
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").respond(json=ok(record))
        assert run("wait", TASK_ID, "--download", str(tmp_path)) == 1
    line = _one_error_line(capsys)
    assert line.startswith("a2e-dubbing: error: will not download (an invalid URL): only http")
    assert line.endswith(f"Retry with: a2e-dubbing wait {TASK_ID} --download {tmp_path}")
    assert list(tmp_path.iterdir()) == []


class _InterruptedStream(httpx.SyncByteStream):
    def __iter__(self) -> Iterator[bytes]:
        yield b"RIFF" + b"\0" * 100
        raise KeyboardInterrupt


def test_ctrl_c_during_the_download_says_how_to_get_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out.wav"
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        api.route(router, "dubbing.get").mock(side_effect=_statuses("completed"))
        router.get(RESULT).mock(return_value=httpx.Response(200, stream=_InterruptedStream()))
        delete = api.route(router, "dubbing.delete", task_id=TASK_ID)
        assert run("wait", TASK_ID, "--download", str(target)) == 130
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == (
        f"stopped the download; task {TASK_ID} is completed and nothing was saved. "
        f"Get the file with: a2e-dubbing wait {TASK_ID} --download {target}"
    )
    assert list(tmp_path.iterdir()) == []
    assert not delete.called


def test_ctrl_c_on_a_terminal_shows_the_status_then_the_resume_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("a2e_dubbing._task_resource.time.sleep", interrupted)
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").respond(json=ok(task(status="processing")))
        assert run("wait", TASK_ID) == 130
    shown = terminal.getvalue()
    status = shown.index(f"task {TASK_ID}: processing after")
    resume = shown.index(f"Resume with: a2e-dubbing wait {TASK_ID}")
    assert status < resume
    assert shown.rstrip().endswith(f"Resume with: a2e-dubbing wait {TASK_ID}")


@given(
    before=st.text(max_size=30),
    after=st.text(max_size=30),
    width=st.integers(min_value=20, max_value=200),
    as_json=st.booleans(),
)
def test_the_key_never_reaches_any_output_form(
    before: str, after: str, width: int, as_json: bool
) -> None:
    """Whatever text surrounds the key in a record, and however narrow the table (cells
    wrap), neither the key nor a piece of it as long as its secret part is printed."""
    echoed = f"{before}Bearer {KEY}{after}"
    record = DubbingTask.from_dict(task(name=echoed, failure=KEY))
    stdout, stderr = _Terminal(), _Terminal()
    out = Output(
        as_json=as_json,
        debug=False,
        stdout=stdout,
        stderr=stderr,
        secrets=Secrets(KEY),
    )
    with patch.dict(os.environ, {"COLUMNS": str(width)}):
        out.record(record)
        out.records([record, record], f"title {echoed}", TABLES["DubbingTask"])
        out.data({"nested": [echoed, {echoed: echoed}]})
        out.event("status", out.clean(echoed), task=echoed)
        out.error(out.clean(echoed), kind="APIError", exit_code=1, trace_id=echoed)
    shown = stdout.getvalue() + stderr.getvalue()
    assert KEY not in shown
    assert KEY.removeprefix("sk_") not in shown.replace("\n", "").replace("│", "")
    assert "REDACTED" in shown
