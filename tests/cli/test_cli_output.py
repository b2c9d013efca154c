"""What the command line prints: server text shown literally, numbers that cannot crash it,
JSON that stays JSON, downloads named by us."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from a2e_dubbing import _cli
from a2e_dubbing._cli_output import cell, number, visible
from hypothesis import given
from hypothesis import strategies as st

from contract_tests import _api as api
from tests.client._records import BASE_URL, KEY, ok, task

TASK_ID = "66ea4dd87db10c73fa29b570"
RESULT = "https://cdn.example.com/results/x/.bashrc"
WAV = b"RIFF" + b"\0" * 2000
HOSTILE_NAMES = [
    "[/]",
    "[link=https://evil.example/]click me[/link]",
    "[bold red]alarm[/]",
    ":pile_of_poo: [[x]] \\[escaped]",
    "\x1b]8;;https://evil.example/\x1b\\osc link\x1b]8;;\x1b\\",
    "\x1b[2J\x1b[31mred\x07",
    "right-to-left \u202egnp.exe",
    "two\nlines\r\tand tab",
]


@pytest.fixture(autouse=True)
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("A2E_API_KEY", KEY)
    monkeypatch.setenv("A2E_BASE_URL", BASE_URL)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _run_on_terminal(monkeypatch: pytest.MonkeyPatch, *argv: str) -> tuple[int, str, str]:
    """Run with stdout and stderr that say they are terminals (rich draws for them)."""
    stdout, stderr = _Terminal(), _Terminal()
    monkeypatch.setattr("sys.stdout", stdout)
    monkeypatch.setattr("sys.stderr", stderr)
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLUMNS", "400")
    code = _cli.main(list(argv))
    return code, stdout.getvalue(), stderr.getvalue()


def _page(names: list[str]) -> dict[str, Any]:
    rows = [task(id=f"{i:024x}", name=name) for i, name in enumerate(names)]
    return ok({"rows": rows, "count": len(rows)})


@pytest.mark.parametrize("argv", [("list",), ("list", "--all"), ("processing",), ("get", TASK_ID)])
def test_task_names_are_shown_literally_never_as_markup(
    argv: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A task named `[/]` crashed `list`; `[link=...]` made a hyperlink."""
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        api.route(router, "dubbing.list").respond(json=_page(HOSTILE_NAMES))
        api.route(router, "dubbing.list_processing").respond(
            json=ok(_page(HOSTILE_NAMES)["data"]["rows"])
        )
        api.route(router, "dubbing.get").respond(json=ok(task(name=HOSTILE_NAMES[1])))
        code, out, err = _run_on_terminal(monkeypatch, *argv)
    assert code == 0, err
    shown = HOSTILE_NAMES[1:2] if argv[0] == "get" else HOSTILE_NAMES
    for name in shown:
        assert visible(name) in out
    assert "\x1b]8;" not in out  # no hyperlink (OSC 8), whatever the names say
    for raw in ("\x1b[2J", "\x1b[31m", "\x07", "\u202e"):
        assert raw not in out
    assert "💩" not in out  # no emoji codes either


@given(st.text(max_size=60))
def test_any_text_is_printable_and_keeps_its_printable_characters(text: str) -> None:
    shown = visible(text)
    assert shown.isprintable()
    if text.isprintable():
        assert shown == text


@pytest.mark.parametrize(
    ("coins", "shown"),
    [
        (10**400, str(10**400)),
        (-(10**400), str(-(10**400))),
        (1e308 * 10, "inf"),
        (1234567.0, "1234567"),
        (0.1, "0.1"),
        (12.5, "12.5"),
    ],
)
def test_credits_prints_any_number(
    coins: float, shown: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 400-digit number crashed `credits` (it was formatted as a float)."""
    body = json.dumps(ok({"coins": coins, "diamonds": 0})).replace("Infinity", "1e400")
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "account.remaining_coins").respond(
            content=body.encode(), headers={"content-type": "application/json"}
        )
        assert _cli.main(["credits"]) == 0
        assert _cli.main(["--json", "credits"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == f"coins     {shown}"
    printed = json.loads("\n".join(lines[2:]))  # strict JSON: no Infinity
    assert printed["diamonds"] == 0
    assert str(printed["coins"]) == shown or printed["coins"] == coins


@given(st.one_of(st.integers(), st.floats()))
def test_a_number_always_formats(value: float) -> None:
    text = number(value)
    assert text
    if isinstance(value, float) and math.isfinite(value):
        assert float(text) == value


def test_an_integer_too_long_for_str_still_formats() -> None:
    assert number(10**5000) == "(a number of about 5001 digits)"


def test_cells_of_every_json_type() -> None:
    assert cell(None) == ""
    assert cell(True) == "true"
    assert cell({"a": [1, "x\n"]}) == '{"a": [1, "x\\n"]}'
    assert cell("2024-09-18T03:49:44.704000+00:00", "date-time") == "2024-09-18 03:49:44"
    assert cell("not a date", "date-time") == "not a date"


def _completed(result_url: str) -> httpx.Response:
    return httpx.Response(200, json=ok(task(status="completed", result=result_url, name="pilot")))


def test_download_into_a_folder_never_takes_the_name_from_the_url(tmp_path: Path) -> None:
    """A result URL ending in /.bashrc overwrote DIR/.bashrc."""
    (tmp_path / ".bashrc").write_text("alias ls='ls --color'\n")
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").mock(return_value=_completed(RESULT))
        router.get(RESULT).respond(content=WAV, headers={"content-type": "audio/wav"})
        assert _cli.main(["wait", TASK_ID, "--download", str(tmp_path)]) == 0
    assert (tmp_path / ".bashrc").read_text() == "alias ls='ls --color'\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".bashrc", "pilot.wav"]


def test_download_to_a_folder_with_a_trailing_slash_makes_it(tmp_path: Path) -> None:
    """`--download newdir/` wrote a file named `newdir`."""
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").mock(return_value=_completed(RESULT))
        router.get(RESULT).respond(content=WAV, headers={"content-type": "audio/wav"})
        assert _cli.main(["wait", TASK_ID, "--download", f"{tmp_path}/newdir/"]) == 0
    assert (tmp_path / "newdir").is_dir()
    assert (tmp_path / "newdir" / "pilot.wav").read_bytes() == WAV


def test_an_existing_file_is_kept_unless_overwrite_and_checked_before_starting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out.wav"
    target.write_bytes(b"mine")
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        start = api.route(router, "dubbing.start").respond(json=ok(task()))
        argv = ["start", "https://example.com/a.mp3", "--to", "fr", "--download", str(target)]
        assert _cli.main(argv) == 1
        assert not start.called  # no credits spent on a download that could not be saved
    assert target.read_bytes() == b"mine"
    assert capsys.readouterr().err == (
        f"a2e-dubbing: error: cannot save the result to {target}: a file is already there — "
        "add --overwrite to replace it\n"
    )
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").mock(return_value=_completed(RESULT))
        router.get(RESULT).respond(content=WAV, headers={"content-type": "audio/wav"})
        assert _cli.main(["wait", TASK_ID, "--download", str(target), "--overwrite"]) == 0
    assert target.read_bytes() == WAV


def test_a_one_field_record_prints_its_value_alone(capsys: pytest.CaptureFixture[str]) -> None:
    stored = "https://cdn.example.com/stored/a.mp3"
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "storage.transfer").respond(json=ok({"url": stored}))
        assert _cli.main(["transfer", "https://example.com/a.mp3"]) == 0
    assert capsys.readouterr().out == f"{stored}\n"


def test_languages_print_as_the_specs_table(capsys: pytest.CaptureFixture[str]) -> None:
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "languages.list").respond(
            json=ok([{"value": "fr", "label": "French"}, {"value": "pt-BR", "label": "[b]PT[/b]"}])
        )
        assert _cli.main(["languages", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "code" in out
    assert "[b]PT[/b]" in out
    assert "pt-BR" in out
