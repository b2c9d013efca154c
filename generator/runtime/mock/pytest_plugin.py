"""pytest fixtures for testing code that calls A2E, against this mock (loaded automatically).

    def test_my_dubbing_flow(a2e_client):             # an A2E client on a live mock
        task = a2e_client.dubbing.start(source_url="https://example.com/a.mp3", target_lang="en")
        assert a2e_client.dubbing.wait(task.task_id).result_url

Fixtures:
    a2e_mock_server        a live mock on a free 127.0.0.1 port, with its own database (per test)
    a2e_mock_server_session  the same, one per test session
    a2e_mock_server_factory  `start(*cli_options)` for servers with options (faults, tokens...)
    a2e_mock_app           the ASGI app in-process, on the ManualClock `a2e_mock_clock`
    a2e_client             an `a2e_dubbing.A2E` client on `a2e_mock_server`
    a2e_recordings_router  a respx router answering with the recorded real A2E exchanges

Command-line option: `--a2e-processing-seconds S` (default 0.5) for the servers' lifecycle.

`a2e_client`, `a2e_recordings_router` and `MockServer.client()` need the client, httpx and
respx: the mock's `pytest` extra (`pip install './generated/mock[pytest]'` in a checkout of
a2e-dubbing, or the mock's wheel with `[pytest]`). Without them the plugin still loads and the
other fixtures work; those three fail with that advice.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from ._app import MockApp, create_app
from ._clock import ManualClock
from ._meta import VERSION
from ._uploads import default_folder

if TYPE_CHECKING:
    import httpx
    import respx

# Neither package is on a public index: the advice names what a user has.
EXTRA = (
    "install the mock's `pytest` extra where a2e-dubbing-mock came from: "
    "pip install './generated/mock[pytest]' in a checkout of a2e-dubbing, or "
    f"pip install 'a2e_dubbing_mock-{VERSION}-py3-none-any.whl[pytest]' with the wheels "
    "of `nox -s release`"
)
RECORDINGS_DIR = Path(__file__).parent / "recordings"
DEFAULT_TOKEN = "sk_test_a2e_dubbing_mock"  # noqa: S105 - a test token for the mock
STARTUP_TIMEOUT = 30.0


class MissingExtra(ImportError):
    """A fixture needs a package of the `pytest` extra that is not installed."""

    def __init__(self, needed_by: str, package: str) -> None:
        super().__init__(f"{needed_by} needs {package}, which is not installed: {EXTRA}")


class MockServer:
    """A mock server process on 127.0.0.1; `url` and `token` are ready to use."""

    def __init__(self, db: Path, options: tuple[str, ...], log: Path, token: str) -> None:
        self.db = db
        self.options = options
        self.log = log
        self.token = token
        self.url = ""
        self.process: subprocess.Popen[str] | None = None
        self.output = ""  # what it printed after the Listening line, read when it stopped

    @property
    def uploads(self) -> Path:
        """The folder of the files uploaded to this server's presigned URLs (`--uploads`,
        or beside its database)."""
        given = [
            v for k, v in zip(self.options, self.options[1:], strict=False) if k == "--uploads"
        ]
        if given:
            return Path(given[-1])
        folder = default_folder(self.db)
        assert folder is not None  # a file database
        return folder

    @property
    def headers(self) -> dict[str, str]:
        """The Authorization header of `token`."""
        return {"Authorization": f"Bearer {self.token}"}

    def client(self, **kwargs: Any) -> httpx.Client:
        """An httpx client on `url` (add `headers=server.headers` to authenticate)."""
        try:
            import httpx
        except ImportError as error:
            raise MissingExtra("MockServer.client()", "httpx") from error

        return httpx.Client(base_url=self.url, timeout=kwargs.pop("timeout", 10.0), **kwargs)

    def start(self) -> MockServer:
        """Start (again, on the same database); returns when it accepts connections."""
        command = [
            sys.executable, "-m", "a2e_dubbing_mock", "serve",
            "--host", "127.0.0.1", "--port", "0", "--db", str(self.db), *self.options,
        ]  # fmt: skip
        with self.log.open("a") as stderr:
            self.process = subprocess.Popen(
                command,
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
        line = _first_line(self.process)
        if not line.startswith("Listening on http://"):
            self.stop()
            raise RuntimeError(f"the mock did not start: {line!r}\n{self.log.read_text()}")
        self.url = line.removeprefix("Listening on ").strip()
        return self

    def stop(self) -> int | None:
        """Stop gracefully (SIGTERM), or kill after 15 s; the exit code (None if not running)."""
        process = self.process
        if process is None:
            return None
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)
        if process.stdout is not None:
            self.output = process.stdout.read()
            process.stdout.close()
        self.process = None
        return process.returncode

    def kill(self) -> None:
        """SIGKILL, as a crash: nothing is flushed or closed."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=15)
        self.stop()

    def restart(self) -> MockServer:
        """Stop and start again on the same database (a new port)."""
        self.stop()
        return self.start()


def _first_line(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout=STARTUP_TIMEOUT):
            process.kill()
            return "(nothing printed in time)"
    return process.stdout.readline()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("a2e-dubbing-mock")
    group.addoption(
        "--a2e-processing-seconds",
        default="0.5",
        help="lifecycle time of the mock servers started by the fixtures (default 0.5)",
    )


Factory = Callable[..., MockServer]


@pytest.fixture
def a2e_mock_server_factory(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Factory]:
    """`start(*options, token=...)`: a live mock with extra `serve` options; all stopped after."""
    started: list[MockServer] = []
    seconds = str(request.config.getoption("--a2e-processing-seconds"))

    def start(*options: str, token: str = DEFAULT_TOKEN) -> MockServer:
        folder = tmp_path_factory.mktemp("a2e-mock")
        server = MockServer(
            folder / "mock.sqlite3",
            ("--processing-seconds", seconds, "--log-level", "warning", *options),
            folder / "server.log",
            token,
        )
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def a2e_mock_server(a2e_mock_server_factory: Factory) -> MockServer:
    """A live mock on a free loopback port, with its own database."""
    return a2e_mock_server_factory()


@pytest.fixture(scope="session")
def a2e_mock_server_session(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[MockServer]:
    """One live mock for the whole session (tests share its data: use distinct tokens)."""
    folder = tmp_path_factory.mktemp("a2e-mock-session")
    seconds = str(request.config.getoption("--a2e-processing-seconds"))
    server = MockServer(
        folder / "mock.sqlite3",
        ("--processing-seconds", seconds, "--log-level", "warning"),
        folder / "server.log",
        DEFAULT_TOKEN,
    )
    server.start()
    yield server
    server.stop()


@pytest.fixture
def a2e_mock_clock() -> ManualClock:
    """The clock of `a2e_mock_app`: `a2e_mock_clock.advance(seconds)` moves tasks along."""
    return ManualClock()


@pytest.fixture
def a2e_mock_app(a2e_mock_clock: ManualClock) -> Iterator[MockApp]:
    """The mock's ASGI app in-process, in memory, on `a2e_mock_clock`."""
    app = create_app(clock=a2e_mock_clock)
    yield app
    app.close()


@pytest.fixture
def a2e_client(a2e_mock_server: MockServer) -> Iterator[Any]:
    """An `a2e_dubbing.A2E` client talking to `a2e_mock_server`."""
    try:
        from a2e_dubbing import A2E
    except ImportError as error:
        raise MissingExtra("the a2e_client fixture", "the a2e-dubbing client") from error

    with A2E(api_key=a2e_mock_server.token, base_url=a2e_mock_server.url) as client:
        yield client


@pytest.fixture
def a2e_recordings_router() -> Iterator[respx.MockRouter]:
    """A respx router (base https://video.a2e.ai) answering each recorded request as recorded."""
    try:
        import respx
    except ImportError as error:
        raise MissingExtra("the a2e_recordings_router fixture", "respx") from error
    with respx.mock(base_url="https://video.a2e.ai", assert_all_called=False) as router:
        for path in sorted(RECORDINGS_DIR.glob("*.json")):
            recording = json.loads(path.read_text(encoding="utf-8"))
            request, response = recording["request"], recording["response"]
            content = (
                json.dumps(response["body"]).encode()
                if "body" in response
                else response.get("body_text", "").encode()
            )
            router.route(
                method=request["method"], path=request["path"], params=request.get("query") or None
            ).respond(response["status"], headers=response.get("headers", {}), content=content)
        yield router
