"""`a2e-dubbing batch`: sources and manifests, the dry run, the report, the live table on a
terminal, and Ctrl-C with the command that takes the batch up again."""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import time
from pathlib import Path

import pytest
from a2e_dubbing import Job
from a2e_dubbing._batch_cli import JobsError, jobs_from_command_line
from a2e_dubbing._batch_spec import START
from a2e_dubbing._cli import BEHAVIOURS, main
from a2e_dubbing._commands import COMMANDS
from a2e_dubbing_mock.pytest_plugin import Factory, MockServer

from tests.cli._terminal import cli, cli_env, on_terminal

from ._harness import journal_rows, valid_wav

START_SPEC = next(c for c in COMMANDS if (c.resource, c.method) == START)
PARAMS = tuple(p for p in START_SPEC.params if not p.positional and p.name != "name")
ALIASES = BEHAVIOURS[f"{START[0]}.{START[1]}"].aliases


def _jobs(sources: list[str], **given: str) -> list[Job]:
    return jobs_from_command_line(sources, given, PARAMS, ALIASES)


def test_urls_files_folders_and_manifests_become_jobs(tmp_path: Path) -> None:
    media = tmp_path / "media"
    media.mkdir()
    for name in ("b.mp4", "a.wav", ".hidden.mp3", "notes.txt"):
        (media / name).write_bytes(b"x")
    (tmp_path / "rows.csv").write_text(
        "source,to,speakers,name,from,drop-background\n"
        'media/a.wav,"de,it",2,intro,en,yes\n'
        "https://example.com/v/one.mp4,,,,,\n",
        encoding="utf-8",
    )
    (tmp_path / "rows.jsonl").write_text(
        '{"source": "https://example.com/v/two.mp4", "to": ["ja"], "num_speakers": 3}\n\n',
        encoding="utf-8",
    )
    found = _jobs(
        [
            str(media),
            str(tmp_path / "rows.csv"),
            str(tmp_path / "rows.jsonl"),
            "https://x.org/c.mp3",
        ],
        target_lang="es,fr",
    )
    assert [(str(j.source_url), j.target_lang) for j in found[:4]] == [
        (str(media / "a.wav"), "es"),
        (str(media / "a.wav"), "fr"),
        (str(media / "b.mp4"), "es"),
        (str(media / "b.mp4"), "fr"),
    ]
    assert isinstance(found[0].source_url, Path)
    rows = found[4:]
    assert [
        (j.target_lang, j.num_speakers, j.name, j.source_lang, j.drop_background_audio)
        for j in rows[:2]
    ] == [
        ("de", 2, "intro", "en", True),
        ("it", 2, "intro", "en", True),
    ]
    assert rows[0].source_url == tmp_path / "media" / "a.wav"  # relative to the manifest
    assert [(j.source_url, j.target_lang) for j in rows[2:4]] == [
        ("https://example.com/v/one.mp4", "es"),
        ("https://example.com/v/one.mp4", "fr"),
    ]
    assert (rows[4].target_lang, rows[4].num_speakers) == ("ja", 3)
    assert [(j.source_url, j.target_lang) for j in rows[5:]] == [
        ("https://x.org/c.mp3", "es"),
        ("https://x.org/c.mp3", "fr"),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("source,tongue\nhttps://x.org/a.mp3,es\n", "rows.csv:2: unknown column 'tongue'"),
        (
            "source,speakers\nhttps://x.org/a.mp3,two\n",
            "rows.csv:2: --num-speakers must be a number",
        ),
        ("to\nes\n", "rows.csv:2: no `source`"),
        ("source\nmissing.mp3\n", "missing.mp3 is not a file"),
        ("source\nhttps://x.org/a.mp3\n", "no --target-lang"),
    ],
)
def test_a_bad_row_is_a_usage_error_naming_the_file_and_line(
    tmp_path: Path, content: str, message: str
) -> None:
    (tmp_path / "rows.csv").write_text(content, encoding="utf-8")
    with pytest.raises(JobsError, match=message.replace("(", r"\(")):
        _jobs([str(tmp_path / "rows.csv")])


def test_the_dry_run_prints_the_plan_and_needs_neither_a_key_nor_a_server(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("A2E_API_KEY", raising=False)
    out = tmp_path / "out"
    argv = ["batch", "https://x.org/talk.mp3", "https://x.org/intro.mp3", "--to", "es,fr",
            "--out", str(out), "--dry-run", "--base-url", "http://127.0.0.1:9"]  # fmt: skip
    assert main(argv) == 0
    printed = capsys.readouterr().out
    for stem in ("talk.es", "talk.fr", "intro.es", "intro.fr"):
        assert f"{out / stem}.<ext>" in printed
        assert f" {stem}." in printed  # its task's name: <stem>.<lang>.<key>
    assert "plan: 4 job(s) (4 planned); nothing was sent (--dry-run)" in printed
    assert not out.exists()  # not even the folder
    assert main(["--json", *argv]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["total"] == 4
    assert {job["state"] for job in plan["jobs"]} == {"planned"}


def test_a_clash_of_files_is_refused_before_anything_is_sent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["batch", "https://x.org/a/talk.mp3", "https://x.org/b/talk.mp3", "--to", "es",
            "--out", str(tmp_path), "--api-key", "sk_x", "--base-url", "http://127.0.0.1:9"]  # fmt: skip
    assert main(argv) == 2
    assert "would both be saved as talk.es.<ext>" in capsys.readouterr().err


def test_the_report_and_the_exit_code_say_what_is_done(
    a2e_mock_server: MockServer, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    argv = cli("--json", "batch", "https://x.org/talk.mp3", "--to", "es,fr", "--out", str(out),
               "--poll", "0.1")  # fmt: skip
    done = subprocess.run(argv, env=cli_env(a2e_mock_server), capture_output=True, text=True,
                          timeout=60, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["summary"]["downloaded"] == 2
    assert {(r["job"]["target_lang"], r["state"], r["status"]) for r in report["jobs"]} == {
        ("es", "downloaded", "completed"),
        ("fr", "downloaded", "completed"),
    }
    assert all(valid_wav(Path(r["file"])) for r in report["jobs"])
    for line in done.stderr.splitlines():  # every line on stderr is an event
        assert "event" in json.loads(line)
    assert a2e_mock_server.token not in done.stdout + done.stderr


def test_the_live_table_on_a_terminal(a2e_mock_server_factory: Factory, tmp_path: Path) -> None:
    server = a2e_mock_server_factory("--processing-seconds", "2")
    manifest = tmp_path / "rows.csv"
    manifest.write_text(
        'source,to\nhttps://x.org/lesson-one.mp4,"es,fr"\nhttps://x.org/lesson-two.mp4,de\n',
        encoding="utf-8",
    )
    hostile = _wav(tmp_path / "[link=https:__evil.example]clip[_link].wav")  # markup in a name
    out = tmp_path / "out"
    argv = cli(
        "batch", str(manifest), str(hostile), "--to", "it", "--out", str(out), "--poll", "0.2"
    )
    session = on_terminal(argv, env=cli_env(server), columns=120)
    assert session.exit_code == 0, session.screen
    screen = session.screen
    for header in ("source", "language", "status", "elapsed", "ETA"):
        assert header in screen
    assert "https://x.org/lesson-one.mp4" in screen
    assert "processing" in screen
    assert hostile.name in screen  # shown literally, not read as markup
    assert "\x1b]8;" not in screen  # no hyperlink reached the terminal
    assert "batch: 4/4 saved" in screen
    assert "\x1b[" in screen  # drawn live (cursor moves), not printed line by line


def test_ctrl_c_stops_and_prints_the_command_that_takes_the_batch_up_again(
    a2e_mock_server_factory: Factory, tmp_path: Path
) -> None:
    server = a2e_mock_server_factory("--processing-seconds", "60")
    out = tmp_path / "out"
    argv = cli("batch", "https://x.org/long.mp4", "--to", "es,fr", "--out", str(out),
               "--api-key", server.token, "--base-url", server.url)  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("A2E_")}
    process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while len([r for r in journal_rows(out).values() if r.state == "started"]) < 2:
            assert time.monotonic() < deadline
            assert process.poll() is None
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 130, stderr
    assert "the tasks started go on at A2E. Resume with: " in stderr
    resume = stderr.rsplit("Resume with: ", 1)[1].strip()
    assert server.token not in stderr + stdout
    assert shlex.split(resume)[1:] == ["batch", "https://x.org/long.mp4", "--to", "es,fr",
                                       "--out", str(out), "--base-url", server.url]  # fmt: skip
    for key, row in journal_rows(out).items():
        assert row.state == "started", key


def _wav(path: Path) -> Path:
    import wave

    with wave.open(str(path), "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(8000)
        audio.writeframes(b"\x00\x01" * 800)
    return path
