"""Errors as instructions: the command line's names, what to do next, JSON with --json, and
exit code 2 for a bad command line (nothing sent)."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest
import respx
from a2e_dubbing import _cli

from contract_tests import _api as api
from tests.client._records import BASE_URL, KEY, error, ok, task

TASK_ID = "66ea4dd87db10c73fa29b570"
SOURCE = "https://example.com/a.mp3"


@pytest.fixture(autouse=True)
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("A2E_API_KEY", KEY)
    monkeypatch.setenv("A2E_BASE_URL", BASE_URL)


def _error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    [line] = err.splitlines()
    return line


def _json_error(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    records = [json.loads(line) for line in lines]  # every line of stderr is JSON
    errors = [r["error"] for r in records if "error" in r]
    assert len(errors) == 1
    return dict(errors[0])


@pytest.mark.parametrize("code", ["xx", "klingon"])
@pytest.mark.parametrize(("option", "field"), [("--to", "target_lang"), ("--from", "source_lang")])
def test_an_unsupported_language_points_to_the_languages_command(
    code: str, option: str, field: str, capsys: pytest.CaptureFixture[str]
) -> None:
    message = (
        f"{field}: unsupported language (see {api.op('languages.list').path})"
        if code == "xx"
        else f"{field}: must match ^[a-z]{{2,3}}(-[A-Za-z]{{2,4}})?$"
    )
    argv = ["start", SOURCE, "--to", "fr", option, code]
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.start").respond(422, json=error(422, message))
        assert _cli.main(argv) == 1
    line = _error_line(capsys)
    assert line.startswith(
        f"a2e-dubbing: error: unsupported language '{code}' — see: a2e-dubbing languages (HTTP 422"
    )
    assert field not in line


def test_a_source_url_that_a2e_cannot_fetch_is_refused_before_sending(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with respx.mock(base_url=BASE_URL) as router:
        assert _cli.main(["start", "ftp://example.com/a.mp3", "--to", "fr"]) == 2
        assert _cli.main(["transfer", "file:///etc/passwd"]) == 2
    assert not router.calls
    err = capsys.readouterr().err
    assert "a2e-dubbing start: error: SOURCE_URL must be a public http(s) URL" in err
    assert "a2e-dubbing transfer: error: URL must be a public http(s) URL" in err
    assert err.startswith("usage: a2e-dubbing start")


def test_a_refused_default_names_the_option_without_a_value(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.start").respond(
            422, json=error(422, "source_lang: unsupported language")
        )
        assert _cli.main(["start", SOURCE, "--to", "fr"]) == 1  # --from not given: "auto"
    assert _error_line(capsys).startswith(
        "a2e-dubbing: error: --from: unsupported language — see: a2e-dubbing languages (HTTP 422"
    )


def test_the_server_refusing_the_source_url_says_it_with_the_argument_name(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.start").respond(
            422, json=error(422, "source_url: could not be fetched")
        )
        assert _cli.main(["start", SOURCE, "--to", "fr"]) == 1
    assert _error_line(capsys).startswith(
        "a2e-dubbing: error: SOURCE_URL must be a public http(s) URL that A2E can fetch: "
        "could not be fetched (HTTP 422"
    )


@pytest.mark.parametrize(
    ("argv", "message", "shown"),
    [
        (["list", "--size", "1000"], "pageSize: must be at most 100", "--size '1000': must be at most 100"),
        (["list", "--page-num", "0"], "pageNum: must be at least 1", "--page '0': must be at least 1"),
        (["start", SOURCE, "--to", "fr", "--speakers", "99"], "num_speakers: must be at most 50",
         "--speakers '99': must be at most 50"),
        (["get", "nope"], "_id: must match ^[0-9a-f]{24}$", "TASK_ID 'nope': must match"),
        (["start", SOURCE, "--to", "fr"], "field num_speakers and target_lang disagree",
         "field --speakers and --to disagree"),
    ],
)  # fmt: skip
def test_errors_name_options_not_api_fields(
    argv: list[str], message: str, shown: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        router.get(path__regex=r".*").respond(400, json=error(400, message))
        api.route(router, "dubbing.start").respond(422, json=error(422, message))
        assert _cli.main(argv) == 1
    line = _error_line(capsys)
    assert f"a2e-dubbing: error: {shown}" in line
    said = line.split(" (HTTP ")[0]
    named = {
        p.wire
        for o in api.operations()
        for p in o.params
        if re.search(rf"\b{re.escape(p.wire)}\b", message)
    }
    assert named, message
    for wire in named:
        assert wire not in said


def test_not_found_names_the_id_and_where_to_look(capsys: pytest.CaptureFixture[str]) -> None:
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.delete", task_id=TASK_ID).respond(
            404, json=error(404, "_id: no dubbing task with this _id")
        )
        assert _cli.main(["delete", TASK_ID]) == 1
    assert _error_line(capsys).startswith(
        f"a2e-dubbing: error: task {TASK_ID} not found — see: a2e-dubbing list (HTTP 404, code 404"
    )


def test_a_404_without_a2es_envelope_points_at_the_base_url(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").respond(404, text="<html>Not Found</html>")
        assert _cli.main(["get", TASK_ID]) == 1
    line = _error_line(capsys)
    assert f"{BASE_URL} answered without A2E's envelope — check --base-url / $A2E_BASE_URL" in line


@pytest.mark.parametrize(
    "failure",
    [httpx.ConnectError("[Errno 111] Connection refused"), httpx.ConnectTimeout("timed out")],
)
def test_nothing_answering_points_at_the_base_url(
    failure: Exception, capsys: pytest.CaptureFixture[str]
) -> None:
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "account.remaining_coins").mock(side_effect=failure)
        assert _cli.main(["credits"]) == 1
    assert _error_line(capsys).startswith(
        f"a2e-dubbing: error: nothing answers at {BASE_URL} — check --base-url / $A2E_BASE_URL ("
    )


def test_a_refused_key_says_how_to_pass_one(capsys: pytest.CaptureFixture[str]) -> None:
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "account.remaining_coins").respond(401, json=error(401, "invalid token"))
        assert _cli.main(["credits"]) == 1
    line = _error_line(capsys)
    assert line.startswith("a2e-dubbing: error: A2E refused the API key: invalid token — pass")
    assert "--api-key KEY or set A2E_API_KEY" in line


@pytest.mark.parametrize(
    ("given", "source", "hint"),
    [
        ("127.0.0.1:8000", "--base-url", " (did you mean https://127.0.0.1:8000?)"),
        ("video.a2e.ai", "--base-url", " (did you mean https://video.a2e.ai?)"),
        ("ftp://video.a2e.ai", "--base-url", ""),
        ("https://", "--base-url", ""),
        ("http://[::1", "--base-url", ""),
        ("video.a2e.ai", "$A2E_BASE_URL", " (did you mean https://video.a2e.ai?)"),
    ],
)
def test_a_base_url_without_http_is_refused_locally_with_a_hint(
    given: str,
    source: str,
    hint: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["credits"]
    if source == "$A2E_BASE_URL":
        monkeypatch.setenv("A2E_BASE_URL", given)
    else:
        argv += ["--base-url", given]
    with respx.mock(assert_all_called=False) as router:
        assert _cli.main(argv) == 2
    assert not router.calls
    assert capsys.readouterr().err == (
        f"a2e-dubbing: error: {source} '{given}' is not an http(s) URL: it must start with "
        f"https://{hint}\n"
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["start", SOURCE],  # no --to
        ["start", SOURCE, "--to", "fr", "--speakers", "two"],
        ["frobnicate"],
        [],
        ["get"],
        ["list", "--all", "--page", "2"],
        ["--base-url", "localhost", "credits"],
        ["start", "not a url", "--to", "fr"],
    ],
)
@pytest.mark.parametrize("as_json", [False, True])
def test_usage_errors_exit_2_before_anything_is_sent(
    argv: list[str], as_json: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    with respx.mock(assert_all_called=False) as router:
        assert _cli.main(["--json", *argv] if as_json else argv) == 2
    assert not router.calls
    captured = capsys.readouterr()
    assert captured.out == ""
    if as_json:
        [line] = captured.err.splitlines()
        problem = json.loads(line)["error"]
        assert (problem["type"], problem["exit_code"]) == ("UsageError", 2)
        assert problem["message"]
    else:
        assert "error: " in captured.err
        assert "Traceback" not in captured.err


def test_with_json_an_api_error_is_json_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").respond(404, json=error(404, "gone"))
        assert _cli.main(["--json", "get", TASK_ID]) == 1
    problem = _json_error(capsys)
    assert problem == {
        "type": "NotFoundError",
        "message": f"task {TASK_ID} not found — see: a2e-dubbing list (HTTP 404, code 404, "
        "trace_id 0b7f3a52-3c1e-4d5e-9f59-2a6c1d9e8b11)",
        "exit_code": 1,
        "status_code": 404,
        "code": 404,
        "trace_id": "0b7f3a52-3c1e-4d5e-9f59-2a6c1d9e8b11",
    }


def test_with_json_waiting_reports_json_lines_and_a_failed_task_exits_3(
    capsys: pytest.CaptureFixture[str],
) -> None:
    answers = [
        httpx.Response(200, json=ok(task(status="processing"))),
        httpx.Response(200, json=ok(task(status="failed", failure="no speech"))),
    ]
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").mock(side_effect=answers)
        assert _cli.main(["wait", TASK_ID, "--poll", "0.001", "--json"]) == 3
    captured = capsys.readouterr()
    lines = [json.loads(line) for line in captured.err.splitlines()]
    assert [line.get("status") for line in lines[:2]] == ["processing", "failed"]
    assert lines[-1]["error"]["type"] == "TaskFailedError"
    assert lines[-1]["error"]["exit_code"] == 3
    assert "no speech" in lines[-1]["error"]["message"]
    assert captured.out == ""


def test_with_json_a_missing_key_is_json(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("A2E_API_KEY")
    assert _cli.main(["credits", "--json"]) == 1
    problem = _json_error(capsys)
    assert problem["type"] == "MissingKey"
    assert "--api-key KEY" in problem["message"]


def test_ctrl_c_during_a_start_says_to_look_before_starting_again(
    capsys: pytest.CaptureFixture[str],
) -> None:
    def interrupted(request: httpx.Request) -> httpx.Response:
        raise KeyboardInterrupt

    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        api.route(router, "dubbing.start").mock(
            side_effect=interrupted
        )  # respx counts no call that raised
        assert _cli.main(["start", SOURCE, "--to", "fr"]) == 130
    assert capsys.readouterr().err == (
        "interrupted; the request may have reached A2E: check with `a2e-dubbing list` "
        "before running it again\n"
    )
