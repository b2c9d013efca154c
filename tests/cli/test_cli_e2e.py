"""The installed `a2e-dubbing` command against a live mock, as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import wave
from pathlib import Path

from a2e_dubbing_mock.pytest_plugin import MockServer

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
    assert (record["current_status"], record["target_lang"], record["num_speakers"]) == (
        "completed",
        "fr",
        2,
    )
    assert record["result_url"].startswith(a2e_mock_server.url)
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
    assert sorted(t["_id"] for t in every) == sorted(t["_id"] for t in started)
    processing = json.loads(cli(a2e_mock_server, "--json", "processing").stdout)
    assert {t["_id"] for t in processing} <= {t["_id"] for t in started}
    one = started[0]["_id"]
    assert json.loads(cli(a2e_mock_server, "get", one, "--json").stdout)["_id"] == one
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


def test_bad_input_and_a_bad_key_are_one_clear_line(a2e_mock_server: MockServer) -> None:
    bad = cli(a2e_mock_server, "start", SOURCE, "--to", "klingon")
    assert bad.returncode == 1
    assert "target_lang" in bad.stderr
    assert "HTTP 422" in bad.stderr
    assert "Traceback" not in bad.stderr
    unknown = cli(a2e_mock_server, "get", "not-an-id")
    assert unknown.returncode == 1
    assert "_id" in unknown.stderr
    refused = cli(a2e_mock_server, "credits", key="not-a-token")
    assert refused.returncode == 1
    assert "HTTP 401" in refused.stderr
    assert "not-a-token" not in refused.stderr


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
