"""A bad option or database is one clear line and exit 2, never a traceback or a wrong server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import a2e_dubbing_mock._cli
import pytest
from a2e_dubbing_mock import create_app
from a2e_dubbing_mock._cli import main


@pytest.fixture(autouse=True)
def never_serve(monkeypatch: pytest.MonkeyPatch) -> None:
    """An option taken that should not be fails the test instead of serving for ever."""

    def serve(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the options were taken: it would serve")

    monkeypatch.setattr(a2e_dubbing_mock._cli, "serve", serve)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Exit code and stderr of `a2e-dubbing-mock serve ARGV` (stopped before it serves)."""
    try:
        code = main(["serve", "--log-level", "warning", *argv])
    except SystemExit as stop:  # argparse's usage errors
        code = int(stop.code or 0)
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--port", "70000"], "--port: must be a port number from 0 to 65535"),
        (["--port", "-1"], "--port: must be a port number from 0 to 65535"),
        (["--processing-seconds", "inf"], "--processing-seconds: must be 'off' or a number"),
        (["--processing-seconds", "1e17"], "seconds from 0 to 31536000 (a year)"),
        (["--processing-seconds", "nan"], "--processing-seconds: must be 'off' or a number"),
        (["--rate-limit", "inf"], "--rate-limit: must be a positive number"),
        (["--fault-rate", "nan"], "--fault-rate: must be between 0 and 1"),
    ],
)
def test_a_bad_option_is_a_usage_error(
    argv: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = run([*argv, "--db", ":memory:"], capsys)
    assert code == 2
    assert said in err
    assert "Traceback" not in err


def test_a_folder_or_a_missing_folder_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = run(["--db", str(tmp_path)], capsys)
    assert (code, "is a folder: give a file name in it" in err) == (2, True)
    code, err = run(["--db", str(tmp_path / "missing" / "mock.sqlite3")], capsys)
    assert (code, f"the folder {tmp_path / 'missing'} does not exist" in err) == (2, True)
    assert not (tmp_path / "missing").exists()  # nothing made on the way


def test_a_file_that_is_not_a_database_is_left_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.sqlite3"
    notes.write_bytes(b"my notes, not a database\n" * 200)
    code, err = run(["--db", str(notes)], capsys)
    assert code == 2
    assert err.count("\n") == 1  # one line
    assert f"cannot use {notes} as the mock's database" in err
    assert notes.read_bytes() == b"my notes, not a database\n" * 200


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("processing_seconds", float("inf")),
        ("processing_seconds", 1e17),
        ("processing_seconds", -1.0),
        ("fault_rate", 1.5),
        ("rate_limit", 0.0),
        ("rate_limit", float("inf")),
    ],
)
def test_create_app_refuses_what_it_cannot_work_with(option: str, value: float) -> None:
    options: dict[str, Any] = {option: value}
    with pytest.raises(ValueError, match=f"{option} must be"):
        create_app(db=":memory:", **options)
