"""`a2e-dubbing upload FILE` and `a2e-dubbing start ./talk.wav --to es`: a progress bar on a
terminal, plain lines otherwise, and nothing sent for a path that is not a file."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import httpx
import pytest
from a2e_dubbing import _cli
from a2e_dubbing._sync import _upload
from a2e_dubbing_mock.pytest_plugin import MockServer

from tests.cli._terminal import cli, cli_env, on_terminal

from ._spec import SOURCE_FIELD, wav

ANSI = re.compile(r"\x1b\[")


def run(server: MockServer, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cli(*args), env=cli_env(server), capture_output=True, text=True, timeout=60, check=False
    )


def stored(server: MockServer) -> list[Path]:
    return sorted(server.uploads.rglob("*.data")) if server.uploads.exists() else []


def test_upload_prints_the_url_and_plain_lines_when_not_on_a_terminal(
    a2e_mock_server: MockServer, tmp_path: Path
) -> None:
    talk = tmp_path / "talk.wav"
    talk.write_bytes(wav(1.0))
    done = run(a2e_mock_server, "upload", str(talk))
    assert done.returncode == 0, done.stderr
    url = done.stdout.strip()
    assert httpx.get(url).content == talk.read_bytes()
    assert done.stderr.splitlines() == [
        f"uploading {talk} ({talk.stat().st_size} bytes)",
        f"uploaded {talk}: {url}",
    ]
    assert not ANSI.search(done.stderr)


def test_upload_with_json_prints_the_url_as_json_and_events_as_json_lines(
    a2e_mock_server: MockServer, tmp_path: Path
) -> None:
    clip = tmp_path / "clip.mp3"
    clip.write_bytes(b"ID3" + bytes(1000))
    done = run(a2e_mock_server, "--json", "upload", str(clip), "--content-type", "audio/mpeg")
    assert done.returncode == 0, done.stderr
    url = json.loads(done.stdout)["url"]
    got = httpx.get(url)
    assert (got.content, got.headers["content-type"]) == (clip.read_bytes(), "audio/mpeg")
    events = [json.loads(line) for line in done.stderr.splitlines()]
    assert [e["event"] for e in events] == ["uploading", "uploaded"]
    assert events[1]["url"] == url


def test_start_with_a_local_file_uploads_it_then_starts(
    a2e_mock_server: MockServer, tmp_path: Path
) -> None:
    talk = tmp_path / "talk.wav"
    talk.write_bytes(wav(2.0))
    done = run(a2e_mock_server, "--json", "start", str(talk), "--to", "es")
    assert done.returncode == 0, done.stderr
    started = json.loads(done.stdout)
    (path,) = stored(a2e_mock_server)
    assert path.read_bytes() == talk.read_bytes()
    assert httpx.get(started[SOURCE_FIELD]).content == talk.read_bytes()
    listed = run(a2e_mock_server, "--json", "list")
    assert json.loads(listed.stdout)["count"] == 1


def test_a_path_that_is_not_a_file_is_a_usage_error_and_nothing_is_sent(
    a2e_mock_server: MockServer, tmp_path: Path
) -> None:
    for args, says in (
        (("start", str(tmp_path / "missing.mp4"), "--to", "es"), "is neither (no such file)"),
        (("start", str(tmp_path), "--to", "es"), "is neither (a folder)"),
        (("upload", str(tmp_path / "missing.mp4")), "no such file"),
        (("upload", str(tmp_path)), "a folder"),
    ):
        done = run(a2e_mock_server, *args)
        assert done.returncode == 2, done.stderr
        assert says in done.stderr.splitlines()[-1]
    assert stored(a2e_mock_server) == []
    assert json.loads(run(a2e_mock_server, "--json", "list").stdout)["count"] == 0
    # A URL of another scheme is still refused as a URL.
    ftp = run(a2e_mock_server, "start", "ftp://example.com/talk.mp3", "--to", "es")
    assert ftp.returncode == 2
    assert "must be a public http(s) URL that A2E can fetch, got" in ftp.stderr


def test_on_a_terminal_the_upload_shows_a_progress_bar(
    a2e_mock_server: MockServer, tmp_path: Path
) -> None:
    big = tmp_path / "long.wav"
    big.write_bytes(bytes(24 * 1024 * 1024))
    session = on_terminal(cli("upload", str(big)), env=cli_env(a2e_mock_server))
    assert session.exit_code == 0, session.screen
    assert "uploading" in session.screen
    assert "━" in session.screen  # rich's bar
    assert re.search(r"\d+(\.\d+)?/\d+(\.\d+)? MB", session.screen)  # bytes sent of the total
    (path,) = stored(a2e_mock_server)
    assert path.stat().st_size == big.stat().st_size


def test_ctrl_c_during_the_upload_says_nothing_was_started(
    a2e_mock_server: MockServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    talk = tmp_path / "talk.wav"
    talk.write_bytes(wav(1.0))

    def interrupted(*args: object, **kwargs: object) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(_upload.SyncUploadMixin, "upload", interrupted)
    for name, value in cli_env(a2e_mock_server).items():
        monkeypatch.setenv(name, value)
    assert _cli.main(["start", str(talk), "--to", "es"]) == 130
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"interrupted the upload of {talk}; nothing was started"
    )
    assert json.loads(run(a2e_mock_server, "--json", "list").stdout)["count"] == 0
