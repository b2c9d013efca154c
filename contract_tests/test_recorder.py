"""The recorder: one call or a proxy, scrubbed, in our format, passing the strict checks.

Demonstrated against a live mock; files it makes here go to a temporary folder (output of
our own mock is never a recording of the real API).
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from a2e_dubbing import A2E
from a2e_dubbing_mock.pytest_plugin import MockServer

from contract_tests import _api as api
from contract_tests._cli import main
from contract_tests._recorder import save, to_recording
from contract_tests._recordings import RECORDINGS_DIR, Recording, check_recording
from contract_tests._scrub import Scrubber
from contract_tests._spec import Spec
from contract_tests._strict import StrictValidator

A2E_URL = "https://video.a2e.ai"
RECORD = api.record()


def _record_args(name: str, /, **values: object) -> list[str]:
    """`a2e-conformance record`'s arguments for client method `name`'s request: the query
    as `--query k=v` options, then the method and the path."""
    call = api.call(name, **values)
    url = httpx.URL(call["url"])
    options = [
        arg for key, value in url.params.multi_items() for arg in ("--query", f"{key}={value}")
    ]
    return [*options, call["method"], url.path]


def _checked(paths: list[Path], spec: Spec, token: str) -> list[dict[str, object]]:
    validator = StrictValidator(spec)
    loaded = []
    for path in paths:
        text = path.read_text()
        assert token not in text
        recording = Recording.load(path)
        assert "authorization" not in recording.request.get("headers", {})
        assert check_recording(recording, spec, validator) == [], path.name
        loaded.append(recording.data)
    return loaded


def test_record_one_call(
    monkeypatch: pytest.MonkeyPatch,
    a2e_mock_server: MockServer,
    spec: Spec,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("A2E_API_KEY", a2e_mock_server.token)
    body = json.dumps({"source_url": "https://example.com/a.mp3", "target_lang": "en"})
    argv = ["record", "--base-url", a2e_mock_server.url, "--out", str(tmp_path), "--name", "demo"]
    assert main([*argv, "--allow-writes", "--json", body, *_record_args("dubbing.start")]) == 0
    assert main([*argv, *_record_args("dubbing.list", page_num=1, page_size=5)]) == 0
    saved = sorted(tmp_path.glob("*.json"))
    assert [p.name for p in saved] == ["list_dubbing_tasks.demo.json", "start_dubbing.demo.json"]
    listing, started = _checked(saved, spec, a2e_mock_server.token)
    assert started["request"]["body"] == json.loads(body)  # type: ignore[index]
    listed = api.op("dubbing.list").parts(page_num="1", page_size="5").query
    assert listing["request"]["query"] == listed  # type: ignore[index]
    data = started["response"]["body"]["data"]  # type: ignore[index]
    assert data["user_id"] == "000000000000000000000001"
    assert started["source"]["kind"] == "recorder"  # type: ignore[index]
    assert "user_id" in started["source"]["scrubbed"]  # type: ignore[index]
    assert "saved" in capsys.readouterr().out


def test_record_needs_a_key(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("A2E_API_KEY", raising=False)
    assert (
        main(
            ["record", "--base-url", "http://127.0.0.1:9", *_record_args("account.remaining_coins")]
        )
        == 2
    )
    assert "A2E_API_KEY is not set" in capsys.readouterr().err


def _recordings_dir() -> list[Path]:
    return sorted(RECORDINGS_DIR.iterdir())


def test_record_refuses_a_server_that_is_not_a2es_without_out(
    monkeypatch: pytest.MonkeyPatch,
    a2e_mock_server: MockServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("A2E_API_KEY", a2e_mock_server.token)
    before = _recordings_dir()
    argv = ["record", "--base-url", a2e_mock_server.url, *_record_args("account.remaining_coins")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert f"{a2e_mock_server.url} is not one of A2E's servers" in err
    assert "give --out DIR to record elsewhere" in err
    assert _recordings_dir() == before
    assert main(["proxy", "--upstream", a2e_mock_server.url, "--port", "0"]) == 2
    assert "give --out DIR" in capsys.readouterr().err


def test_the_spec_says_which_servers_are_a2es(spec: Spec) -> None:
    assert spec.servers == tuple(s["url"] for s in spec.document["servers"])
    for url in spec.servers:
        assert spec.serves(url)
        assert spec.serves(url.upper() + ":443/api/v1/")
    host = httpx.URL(spec.servers[0]).host
    for other in (f"http://{host}", f"https://{host}.example.com", "http://127.0.0.1:8080"):
        assert not spec.serves(other)


def test_a_write_needs_allow_writes_and_nothing_is_sent_without_it(
    monkeypatch: pytest.MonkeyPatch,
    a2e_mock_server: MockServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("A2E_API_KEY", a2e_mock_server.token)
    body = json.dumps({"source_url": "https://example.com/a.mp3", "target_lang": "en"})
    argv = ["record", "--base-url", a2e_mock_server.url, "--out", str(tmp_path)]
    assert main([*argv, "--json", body, *_record_args("dubbing.start")]) == 2
    err = capsys.readouterr().err
    start = api.op("dubbing.start")
    assert err == (
        f"a2e-conformance: error: POST {start.path} spends credits or stores something: "
        "writes not allowed (--allow-writes)\n"
    )
    with httpx.Client(base_url=a2e_mock_server.url, headers=a2e_mock_server.headers) as http:
        assert http.get(api.op("dubbing.list").path).json()["data"]["count"] == 0
    assert list(tmp_path.iterdir()) == []
    # Asking for a presigned upload stores nothing: no flag needed (as in live mode).
    presign = next(o for o in api.operations() if "x-a2e-presign" in o.definition)
    name = presign.definition["x-a2e-presign"]["name"]
    upload = json.dumps({name: "probe.wav"})
    assert main([*argv, "--json", upload, presign.method, presign.path]) == 0


@pytest.fixture
def proxy(
    a2e_mock_server: MockServer, tmp_path: Path
) -> Iterator[tuple[str, Path, Callable[[], str]]]:
    out = tmp_path / "recorded"
    command = [
        sys.executable, "-m", "contract_tests", "proxy",
        "--upstream", a2e_mock_server.url, "--port", "0", "--out", str(out),
    ]  # fmt: skip
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"}
    )
    stdout = process.stdout
    assert stdout is not None
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        for printed in stdout:
            lines.put(printed)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()

    def next_line() -> str:
        try:
            return lines.get(timeout=30)
        except queue.Empty:
            raise AssertionError("the proxy printed nothing") from None

    try:
        line = next_line()
        assert line.startswith("Listening on http://127.0.0.1:"), line
        yield line.removeprefix("Listening on ").strip(), out, next_line
    finally:
        process.terminate()
        process.wait(timeout=15)
        reader.join(timeout=15)
        stdout.close()


def test_the_proxy_records_what_a_client_does(
    proxy: tuple[str, Path, Callable[[], str]], a2e_mock_server: MockServer, spec: Spec
) -> None:
    url, out, next_line = proxy
    with A2E(api_key=a2e_mock_server.token, base_url=url) as client:
        task = client.dubbing.start(source_url="https://example.com/b.mp3", target_lang="ja")
        assert client.dubbing.get(task.task_id).task_id == task.task_id
        client.dubbing.delete(task.task_id)
    names = sorted(p.name.split(".")[0] for p in out.glob("*.json"))
    assert names == ["delete_dubbing_task", "get_dubbing_task", "start_dubbing"]
    _checked(sorted(out.glob("*.json")), spec, a2e_mock_server.token)
    # One line per exchange recorded: method, path, status and file; never the key.
    printed = [next_line() for _ in names]
    files = {p.name.split(".")[0]: p for p in out.glob("*.json")}
    start = api.call("dubbing.start")["url"]
    assert printed[0] == f"recorded POST {start} 200 -> {files['start_dubbing']}\n"
    deleted = api.op("dubbing.delete").path.replace("{_id}", task.task_id)
    assert printed[2] == f"recorded DELETE {deleted} 200 -> {files['delete_dubbing_task']}\n"
    assert not any(a2e_mock_server.token in line for line in printed)


def test_the_scrubber_removes_tokens_account_ids_and_signatures() -> None:
    scrubber = Scrubber("sk_live_secret123")
    body = {
        "data": {
            "user_id": "665da3d7bcf6ab778bad0f6a",
            "owner": {"user_id": "665da3d7bcf6ab778bad0f6a"},
            "result_url": "https://cdn.example.com/r.wav?Expires=1&Signature=abc&Key-Pair-Id=K&v=2",
            "note": "called with sk_live_secret123 and sk_other_token",
        }
    }
    request = httpx.Request(
        "POST",
        A2E_URL + api.op("dubbing.start").path,
        json={"source_url": "https://s3.example.com/a.mp3?X-Amz-Signature=zzz"},
        headers={"Authorization": "Bearer sk_live_secret123", "Cookie": "session=1"},
    )
    response = httpx.Response(200, json=body, headers={"set-cookie": "a=b", "retry-after": "1"})
    recording = to_recording(
        request, response, origin="https://video.a2e.ai", scrubber=scrubber, description="x"
    )
    text = json.dumps(recording)
    for secret in ("secret123", "sk_other_token", "session=1", '"set-cookie":'):
        assert secret not in text
    data = recording["response"]["body"]["data"]
    assert data["user_id"] == data["owner"]["user_id"] == "000000000000000000000001"
    assert data["result_url"] == (
        "https://cdn.example.com/r.wav?Expires=REDACTED&Signature=REDACTED&Key-Pair-Id=REDACTED&v=2"
    )
    assert recording["request"]["body"]["source_url"].endswith("X-Amz-Signature=REDACTED")
    assert recording["response"]["headers"] == {
        "content-type": "application/json",
        "retry-after": "1",
    }
    assert set(recording["source"]["scrubbed"]) >= {"token", "user_id", "url signatures"}


JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
    ".eyJzdWIiOiI2NjVkYTNkN2JjZjZhYjc3OGJhZDBmNmEiLCJleHAiOjE3MjY2MzE3ODR9"
    ".c2lnbmF0dXJlLW9mLXRoZS1qd3QtaGVyZQ"
)
# Every secret below, by what must not survive in the written file.
SECRETS = (
    "eyJ", "c2lnbmF0dXJl", "abcdef", "zzz", "ak-999", "hunter2", "rt-4242", "cs-31337",
    "sess-8080", "pw-555", "s3cr3t", "xk-777", "cookie-1234", "bearer-ab12cd34",
)  # fmt: skip


def task(*, status: str, result: str, failure: str) -> dict[str, object]:
    """The seed's task record as the spec's example shows it, with these fields changed."""
    data: dict[str, object] = dict(api.answer_example("dubbing.start")["data"])
    data.update({RECORD.status.wire: status, RECORD.result.wire: result})
    data[RECORD.failure.wire] = failure
    return data


def test_the_scrubber_removes_secrets_by_name_jwts_and_bearer_credentials(
    spec: Spec, validator: StrictValidator, tmp_path: Path
) -> None:
    detail = httpx.URL(A2E_URL + api.op("dubbing.get").url(task_id="66ea4dd87db10c73fa29b570"))
    request = httpx.Request(
        "GET",
        detail.copy_merge_params({"token": "abcdef", "api_key": "zzz"}),
        headers={"Cookie": "session=s3cr3t", "X-Api-Key": "xk-777"},
    )
    data = task(
        status="failed",
        result="https://cdn.example.com/r.wav?v=2&access_token=abcdef",
        failure=f"upstream said 401 to Bearer {JWT} (Bearer bearer-ab12cd34, password=pw-555)",
    )
    body = {
        "code": 0,
        "data": data,
        "token": JWT,
        "api_key": "ak-999",
        "password": "hunter2",
        "account": {  # not a secret's name: the secrets are found nested in it
            "refresh_token": "rt-4242",
            "clients": [{"client_secret": "cs-31337", "name": "tool"}],
            "Session": {"id": "sess-8080", "ttl": 3600},
        },
    }
    response = httpx.Response(200, json=body, headers={"Set-Cookie": "sid=cookie-1234"})
    recording = to_recording(
        request, response, origin="https://video.a2e.ai", scrubber=Scrubber(), description="x"
    )
    path = save(recording, tmp_path, spec, stem="secrets")  # passes the format check

    text = path.read_text()
    assert [s for s in SECRETS if s in text] == []
    saved = Recording.load(path)
    assert saved.request["query"] == {
        **api.op("dubbing.get").parts(task_id="66ea4dd87db10c73fa29b570").query,
        "token": "REDACTED",
        "api_key": "REDACTED",
    }
    answer = saved.response["body"]
    assert answer["account"] == {
        "refresh_token": "REDACTED",
        "clients": [{"client_secret": "REDACTED", "name": "tool"}],
        "Session": {"id": "REDACTED", "ttl": "REDACTED"},  # all of a secret field
    }
    result = answer["data"][RECORD.result.wire]
    assert result == "https://cdn.example.com/r.wav?v=2&access_token=REDACTED"
    assert answer["data"][RECORD.failure.wire] == (
        "upstream said 401 to Bearer REDACTED (Bearer REDACTED, password=REDACTED)"
    )
    assert set(saved.data["source"]["scrubbed"]) >= {
        "query token", "query api_key", "field token", "field api_key", "field password",
        "field refresh_token", "field client_secret", "field Session", "jwt",
        "bearer credential", "parameter password", "parameter access_token",
        "cookie header", "x-api-key header", "set-cookie header", "authorization header",
    }  # fmt: skip
    assert not any(s in " ".join(saved.data["source"]["scrubbed"]) for s in SECRETS)
    # Strictly, only the fields the spec does not document are reported: documented fields
    # with secrets scrubbed out of them keep their documented types and formats.
    found = [f.violation for f in check_recording(saved, spec, validator)]
    assert sorted((v.where, v.path, v.kind) for v in found) == [
        ("request.query", "$.api_key", "undocumented-field"),
        ("request.query", "$.token", "undocumented-field"),
        ("response.body", "$.account", "undocumented-field"),
        ("response.body", "$.api_key", "undocumented-field"),
        ("response.body", "$.password", "undocumented-field"),
        ("response.body", "$.token", "undocumented-field"),
    ], found


def test_documented_fields_with_secrets_in_them_still_pass_the_strict_checks(
    spec: Spec, validator: StrictValidator, tmp_path: Path
) -> None:
    request = httpx.Request(
        "GET", A2E_URL + api.op("dubbing.get").url(task_id="66ea4dd87db10c73fa29b570")
    )
    data = task(
        status="completed",
        result=f"https://cdn.example.com/r.wav?token=abcdef&jwt={JWT}",
        failure=f"Authorization: Bearer {JWT}; api_key=ak-999",
    )
    response = httpx.Response(200, json={"code": 0, "data": data})
    recording = to_recording(
        request, response, origin="https://video.a2e.ai", scrubber=Scrubber(), description="x"
    )
    path = save(recording, tmp_path, spec, stem="documented")
    assert [s for s in SECRETS if s in path.read_text()] == []
    assert check_recording(Recording.load(path), spec, validator) == []


def test_a_recording_that_still_holds_a_jwt_is_not_saved(spec: Spec, tmp_path: Path) -> None:
    request = httpx.Request("GET", A2E_URL + api.op("account.remaining_coins").path)
    response = httpx.Response(200, json={"code": 0, "data": {"coins": 1}})
    recording = to_recording(
        request, response, origin="https://video.a2e.ai", scrubber=Scrubber(), description="x"
    )
    recording["response"]["body"]["data"]["note"] = JWT  # as if the scrubber had missed it
    with pytest.raises(ValueError, match="still contains a token"):
        save(recording, tmp_path, spec, stem="leak")
    assert list(tmp_path.iterdir()) == []
