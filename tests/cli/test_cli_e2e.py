"""The installed `a2e-dubbing` command against a live mock, as a user runs it."""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
import wave
from pathlib import Path
from typing import Any, cast

from a2e_dubbing_mock.pytest_plugin import MockServer

from contract_tests import _api as api
from tests.client._records import LIFE, RECORD, error, ok, task

ID = RECORD.id.wire
SOURCE = "https://example.com/shows/pilot.mp4"


def cli(
    server: MockServer, *args: str, key: str | None = None, base_url: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "A2E_API_KEY": key or server.token, "A2E_BASE_URL": base_url or server.url}
    return subprocess.run(
        [sys.executable, "-m", "a2e_dubbing", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_start_wait_download(a2e_mock_server: MockServer, tmp_path: Path) -> None:
    target = tmp_path / "pilot.fr.wav"
    done = cli(
        a2e_mock_server, "--json", "start", SOURCE, "--to", "fr", "--speakers", "2",
        "--wait", "--poll", "0.05", "--download", str(target),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert (record[RECORD.status.wire], record["target_lang"], record["num_speakers"]) == (
        LIFE.result,
        "fr",
        2,
    )
    assert record[RECORD.result.wire].startswith(a2e_mock_server.url)
    with wave.open(str(target)) as sound:
        assert sound.getnframes() > 0
    assert [p.name for p in tmp_path.iterdir()] == ["pilot.fr.wav"]
    assert "completed" in done.stderr


def test_list_processing_get_delete(a2e_mock_server: MockServer) -> None:
    started = [
        json.loads(cli(a2e_mock_server, "--json", "start", SOURCE, "--to", lang).stdout)
        for lang in ("de", "es", "ja")
    ]
    table = cli(a2e_mock_server, "list", "--size", "2")
    assert table.returncode == 0
    assert "Page 1 (2 of 3 task(s))" in table.stdout
    every = json.loads(cli(a2e_mock_server, "list", "--all", "--json").stdout)
    assert sorted(t[ID] for t in every) == sorted(t[ID] for t in started)
    processing = json.loads(cli(a2e_mock_server, "--json", "processing").stdout)
    assert {t[ID] for t in processing} <= {t[ID] for t in started}
    one = started[0][ID]
    assert json.loads(cli(a2e_mock_server, "get", one, "--json").stdout)[ID] == one
    assert cli(a2e_mock_server, "delete", one).returncode == 0
    missing = cli(a2e_mock_server, "get", one)
    assert missing.returncode == 1
    assert missing.stderr.count("\n") == 1
    assert missing.stderr.startswith("a2e-dubbing: error: ")
    assert "HTTP 404, code 404, trace_id " in missing.stderr


def test_credits_languages_transfer(a2e_mock_server: MockServer) -> None:
    credits = json.loads(cli(a2e_mock_server, "--json", "credits").stdout)
    assert set(credits) == {"coins", "diamonds"}
    languages = json.loads(cli(a2e_mock_server, "--json", "languages").stdout)
    assert {"value": "fr", "label": "French"} in languages
    stored = cli(a2e_mock_server, "transfer", SOURCE)
    assert stored.returncode == 0
    assert stored.stdout.strip().startswith("http")


def test_bad_input_is_one_line_that_says_what_to_do(a2e_mock_server: MockServer) -> None:
    for code in ("klingon", "xx"):  # a code of the wrong form, and one A2E does not offer
        bad = cli(a2e_mock_server, "start", SOURCE, "--to", code)
        assert bad.returncode == 1
        assert bad.stderr.startswith(
            f"a2e-dubbing: error: unsupported language '{code}' — see: a2e-dubbing languages "
            "(HTTP 422, code 422, trace_id "
        )
    unknown = cli(a2e_mock_server, "get", "not-an-id")
    assert unknown.returncode == 1
    assert unknown.stderr.startswith("a2e-dubbing: error: TASK_ID 'not-an-id': must match ")
    missing = cli(a2e_mock_server, "delete", "0" * 24)
    assert missing.stderr.startswith(
        f"a2e-dubbing: error: task {'0' * 24} not found — see: a2e-dubbing list (HTTP 404"
    )
    too_big = cli(a2e_mock_server, "list", "--size", "1000")
    assert too_big.stderr.startswith("a2e-dubbing: error: --size '1000': must be at most 100")
    for run in (bad, unknown, missing, too_big):
        assert run.stderr.count("\n") == 1
        assert "Traceback" not in run.stderr


def test_a_bad_key_and_a_dead_server_are_one_clear_line(a2e_mock_server: MockServer) -> None:
    refused = cli(a2e_mock_server, "credits", key="not-a-token")
    assert refused.returncode == 1
    assert refused.stderr.startswith("a2e-dubbing: error: A2E refused the API key: ")
    assert "(HTTP 401" in refused.stderr
    assert "not-a-token" not in refused.stderr
    nobody = cli(a2e_mock_server, "credits", base_url="http://127.0.0.1:9")
    assert nobody.returncode == 1
    assert nobody.stderr.startswith(
        "a2e-dubbing: error: nothing answers at http://127.0.0.1:9 — check --base-url / "
        "$A2E_BASE_URL (connection failed: "
    )
    schemeless = cli(a2e_mock_server, "credits", base_url=a2e_mock_server.url.split("://")[1])
    assert schemeless.returncode == 2
    assert "did you mean https://127.0.0.1:" in schemeless.stderr


def test_a_closed_output_ends_quietly_with_141(a2e_mock_server: MockServer) -> None:
    """`| head` ended in a BrokenPipeError traceback; here the reader is gone before the
    first write, so every command meets the closed pipe."""
    started = cli(a2e_mock_server, "--json", "start", SOURCE, "--to", "fr")
    task_id = json.loads(started.stdout)[ID]
    env = {**os.environ, "A2E_API_KEY": a2e_mock_server.token, "A2E_BASE_URL": a2e_mock_server.url}
    for args in (["get", task_id], ["list"], ["--json", "list", "--all"], ["credits"],
                 ["languages"], ["transfer", SOURCE], ["--version"], ["--help"]):  # fmt: skip
        reader, writer = os.pipe()
        os.close(reader)
        try:
            done = subprocess.run(
                [sys.executable, "-m", "a2e_dubbing", *args],
                stdout=writer,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
                timeout=60,
                check=False,
            )
        finally:
            os.close(writer)
        assert (done.returncode, done.stderr) == (141, ""), args


def test_a_missing_download_folder_is_one_line_before_anything_starts(
    a2e_mock_server: MockServer, tmp_path: Path
) -> None:
    target = tmp_path / "nodir" / "out.wav"
    refused = cli(
        a2e_mock_server, "start", SOURCE, "--to", "fr", "--wait", "--download", str(target)
    )
    assert refused.returncode == 1
    assert refused.stderr == (
        f"a2e-dubbing: error: cannot save the result to {target}: "
        f"{target.parent} is not an existing folder\n"
    )
    assert list(tmp_path.iterdir()) == []
    assert json.loads(cli(a2e_mock_server, "list", "--all", "--json").stdout) == []


def test_options_after_the_command_against_the_mock(a2e_mock_server: MockServer) -> None:
    credits = cli(
        a2e_mock_server, "credits", "--json", "--base-url", a2e_mock_server.url,
        "--api-key", a2e_mock_server.token, key="not-a-token", base_url="http://127.0.0.1:9",
    )  # fmt: skip
    assert credits.returncode == 0, credits.stderr
    assert set(json.loads(credits.stdout)) == {"coins", "diamonds"}


class _Echo(http.server.BaseHTTPRequestHandler):
    """A hostile A2E: every answer carries the Authorization header it received."""

    def _send(self, status: int, body: Any, content_type: str = "application/json") -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _record(self, echo: str) -> dict[str, Any]:
        host = f"http://127.0.0.1:{cast(http.server.HTTPServer, self.server).server_port}"
        return task(
            name=f"echo {echo}",
            failure=echo,
            status=LIFE.result,
            result=f"{host}/result.wav?{echo.replace(' ', '=')}",
        )

    def _operation(self) -> str | None:
        """The client method of the operation this request is for (None: not the API's)."""
        found = api.which(self.command, self.path.split("?")[0])
        return found.name if found else None

    def do_GET(self) -> None:
        echo = self.headers.get("Authorization", "")
        operation = self._operation()
        if self.path.split("?")[0] == "/result.wav":
            self._send(200, b"RIFF" + echo.encode(), "audio/wav")
        elif operation == "dubbing.get":
            self._send(200, ok(self._record(echo)))
        elif operation == "dubbing.list":
            self._send(200, ok({"rows": [self._record(echo)], "count": 1}))
        elif operation == "dubbing.list_processing":
            self._send(200, ok([self._record(echo)]))
        elif operation == "languages.list":
            self._send(200, ok([{"value": "fr", "label": echo}]))
        else:
            self._send(401, error(401, f"bad credentials: {echo}"))

    def do_POST(self) -> None:
        echo = self.headers.get("Authorization", "")
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self._operation() == "storage.transfer":
            self._send(200, ok({"url": f"https://cdn.example.com/{echo.replace(' ', '/')}"}))
        else:
            self._send(422, error(422, f"name: you sent {echo}"))

    def do_DELETE(self) -> None:
        self._send(400, error(400, f"{ID}: not with {self.headers.get('Authorization')}"))

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_the_api_key_never_reaches_the_output_whatever_the_server_echoes(tmp_path: Path) -> None:
    key = "sk_live_5f2c9a7e1b3d4f6a8c0e2b4d"
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    env = {**os.environ, "A2E_API_KEY": key, "A2E_BASE_URL": url}
    task_id = "66ea4dd87db10c73fa29b570"
    commands = [
        ["get", task_id], ["list"], ["list", "--all"], ["processing"], ["credits"],
        ["languages"], ["transfer", SOURCE], ["start", SOURCE, "--to", "fr"], ["delete", task_id],
        ["wait", task_id, "--download", f"{tmp_path}/", "--overwrite"], ["--debug", "credits"],
        ["--debug", "start", SOURCE, "--to", "fr"],
    ]  # fmt: skip
    try:
        redacted = 0
        for command in commands:
            for options in ([], ["--json"]):
                done = subprocess.run(
                    [sys.executable, "-m", "a2e_dubbing", *options, *command],
                    capture_output=True,
                    text=True,
                    env=env,
                    timeout=60,
                    check=False,
                )
                shown = done.stdout + done.stderr
                assert key not in shown, (command, options)
                assert key[3:] not in shown, (command, options)
                redacted += "REDACTED" in shown
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
    assert redacted == 2 * len(commands)  # every one of them met the echo
    [saved] = tmp_path.iterdir()
    assert saved.name == "echo REDACTED.wav"  # the name is ours, whatever the task says
    assert saved.read_bytes() == b"RIFF"  # no Authorization was sent with the download
