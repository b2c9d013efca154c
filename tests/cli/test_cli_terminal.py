"""The command line on a real terminal (a pseudo-terminal): the spinner turns, server text is
shown literally, and `| head` ends quietly."""

from __future__ import annotations

import json
import re
import shlex
import shutil

import pytest
from a2e_dubbing import A2E
from a2e_dubbing_mock.pytest_plugin import Factory, MockServer

from tests.client._records import LIFE, RECORD

from ._terminal import SPINNER_FRAMES, cli, cli_env, on_terminal

SOURCE = "https://example.com/shows/pilot.mp4"
HOSTILE_NAMES = [
    "[/]",
    "[link=https://evil.example/]click me[/link]",
    "[bold red]alarm[/]",
    "\x1b]8;;https://evil.example/\x1b\\osc link\x1b]8;;\x1b\\",
    "\x1b[2J\x1b[31mred",
]


def test_the_spinner_turns_while_waiting(a2e_mock_server_factory: Factory) -> None:
    """The live status line's spinner showed one frame forever."""
    server = a2e_mock_server_factory("--processing-seconds", "3")
    session = on_terminal(
        cli("start", SOURCE, "--to", "fr", "--wait", "--poll", "0.2"), env=cli_env(server)
    )
    assert session.exit_code == 0, session.screen
    frames = {ch for ch in session.screen if ch in SPINNER_FRAMES}
    assert len(frames) >= 5, frames
    assert "elapsed" in session.screen
    assert re.search(rf"{re.escape(RECORD.status.wire)} +{LIFE.result}", session.screen)


@pytest.mark.parametrize("command", ["list", "get"])
def test_markup_in_task_names_is_shown_literally(command: str, a2e_mock_server: MockServer) -> None:
    with A2E(api_key=a2e_mock_server.token, base_url=a2e_mock_server.url) as client:
        ids = [
            client.dubbing.start(source_url=SOURCE, target_lang="fr", name=name).task_id
            for name in HOSTILE_NAMES
        ]
    argv = cli("list", "--size", "10") if command == "list" else cli("get", ids[1])
    session = on_terminal(argv, env=cli_env(a2e_mock_server), columns=300)
    assert session.exit_code == 0, session.screen
    shown = HOSTILE_NAMES if command == "list" else HOSTILE_NAMES[1:2]
    for name in shown:
        printed = name.replace("\x1b", "\\x1b")
        assert printed in session.screen
    assert "\x1b]8;" not in session.screen  # no hyperlink reached the terminal
    assert "\x1b[2J" not in session.screen  # nor a clear-screen


@pytest.fixture(scope="module")
def many_tasks(a2e_mock_server_session: MockServer) -> dict[str, str]:
    """A tenant of the session's mock with far more tasks than a pipe holds (64 KiB)."""
    token = "sk_cli_terminal_pipeline_tenant"
    with A2E(api_key=token, base_url=a2e_mock_server_session.url) as client:
        for number in range(1000):
            client.dubbing.start(source_url=SOURCE, target_lang="fr", name=f"talk {number}")
    return {**cli_env(a2e_mock_server_session), "A2E_API_KEY": token}


@pytest.mark.parametrize("as_json", [True, False], ids=["json", "table"])
def test_piping_into_head_ends_quietly(as_json: bool, many_tasks: dict[str, str]) -> None:
    """`a2e-dubbing list --all | head` ended with a BrokenPipeError traceback."""
    bash = shutil.which("bash")
    assert bash is not None, "these pipelines need bash"
    listing = shlex.join(cli(*(["--json"] if as_json else []), "list", "--all"))
    script = f"{listing} | head -n 3; echo exit=${{PIPESTATUS[0]}}"
    session = on_terminal([bash, "-c", script], env=many_tasks)
    assert session.exit_code == 0, session.screen
    lines = session.screen.replace("\r\n", "\n").strip().splitlines()
    assert lines[-1] == "exit=141", session.screen  # 128 + SIGPIPE, as shells report it
    assert len(lines) == 4, session.screen  # head's three lines, then ours: nothing else
    assert "Traceback" not in session.screen
    assert "BrokenPipe" not in session.screen
    if as_json:
        assert lines[:2] == ["[", "  {"]
    else:
        assert lines[0].startswith("All tasks: 1000")


def test_json_output_on_a_terminal_has_no_live_display(a2e_mock_server: MockServer) -> None:
    session = on_terminal(
        cli("--json", "start", SOURCE, "--to", "fr", "--wait", "--poll", "0.1"),
        env=cli_env(a2e_mock_server),
    )
    assert session.exit_code == 0, session.screen
    assert not SPINNER_FRAMES & set(session.screen)
    events = [
        json.loads(line)
        for line in session.screen.replace("\r\n", "\n").splitlines()
        if line.startswith('{"event"')
    ]
    assert events[0]["event"] == "started"
    assert events[-1]["status"] == "completed"
