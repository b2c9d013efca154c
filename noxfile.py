"""Every entry point of a2e-dubbing: `nox -l` lists them."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["tests", "lint"]

PYTHON_SOURCES = ["generator", "contract_tests", "tests", "examples", "benchmarks", "noxfile.py"]
# The lowest-versions run leaves out the fresh-venv packaging tests: they install the
# generated packages with pip's newest picks, whatever this session's versions are.
LOWEST_TESTS = ["-q", "-p", "no:cacheprovider", "--deselect", "tests/test_packages.py"]
# The security tests outside tests/security (each next to the code it checks).
SECURITY_ELSEWHERE = [
    "tests/mock/test_tenants.py",
    "tests/mock/test_server.py",
    "tests/client/test_surface.py",
    "tests/client/test_retries.py",
    "tests/cli/test_cli_unit.py",
    "tests/cli/test_cli_e2e.py",
    "contract_tests/test_recordings.py",
    "contract_tests/test_recorder.py",
    "contract_tests/test_scrub.py",
    "contract_tests/test_proxy.py",
    "contract_tests/test_mock_stateful.py",
]
SECURITY_TESTS = "token or key or secret or scrub or tenant or recorder or proxy"
GENERATED = sorted(str(p.parent) for p in Path("generated").glob("*/pyproject.toml"))


def _install_toolkit(session: nox.Session, *extras: str) -> None:
    """The toolkit (generator + conformance checks) and the generated packages, editable."""
    spec = ".[" + ",".join(extras) + "]" if extras else "."
    session.install("-e", spec, *(arg for path in GENERATED for arg in ("-e", path)))


@nox.session
def demo(session: nox.Session) -> None:
    """The main job: check the packages, start the mock, dub a sample with the CLI, download it."""
    _install_toolkit(session)
    session.run("python", "-m", "generator", "check")
    session.run("python", "examples/demo.py", *session.posargs)


def _pytest(session: nox.Session, *args: str) -> None:
    """The suite on every core (pytest-xdist, a module's tests together: some count what the
    module's earlier tests sent), then the `one_process` tests, which xdist cannot split.
    Exit code 5 (nothing selected, e.g. by `-k`) is fine for either part."""
    parallel = ["-n", "auto", "--dist", "loadfile", "-m", "not one_process"]
    session.run("python", "-m", "pytest", *parallel, *args, success_codes=[0, 5])
    session.run("python", "-m", "pytest", "-m", "one_process", *args, success_codes=[0, 5])


def _install_spec_linters(session: nox.Session) -> None:
    """Spectral and Redocly (openapi/lint), and Prism (benchmarks/prism, for the outsider's run
    through its validating proxy), pinned in their package-lock.json (npm ci, Node from pip)."""
    session.run("python", "-c", "from contract_tests._node import npm_tools; npm_tools()")
    session.run(
        "python", "-c", "from contract_tests._node import npm_tools; from contract_tests._outsider "
        "import PRISM_DIR; npm_tools(PRISM_DIR)",
    )  # fmt: skip


@nox.session
def tests(session: nox.Session) -> None:
    """The whole test suite: spec, recordings, generator, client, mock, benchmark plumbing."""
    _install_toolkit(session, "test", "bench")
    _install_spec_linters(session)
    _pytest(session, *session.posargs)


@nox.session
def lowest(session: nox.Session) -> None:
    """The suite against the lowest version of every dependency that our ranges allow.

    `nox -s tests` installs the newest versions; this session proves the lower ends
    (uv's `--resolution lowest-direct` over the toolkit and both generated packages).
    """
    session.install("uv>=0.9,<1")
    editable = [arg for path in GENERATED for arg in ("-e", path)]
    session.run(
        "uv", "pip", "install", "--resolution", "lowest-direct", "-e", ".[test,bench]", *editable,
        env={"VIRTUAL_ENV": str(session.virtualenv.location)},
    )  # fmt: skip
    _install_spec_linters(session)
    _pytest(session, *(session.posargs or LOWEST_TESTS))


@nox.session
def conformance(session: nox.Session) -> None:
    """The conformance gate: drift report, contract tests (mock, client, recordings), live mode.

    `nox -s conformance -- --deep` runs many more generated examples. Live mode runs when
    A2E_API_KEY and A2E_BASE_URL are set (writes only with A2E_ALLOW_WRITES=1). JUnit XML
    goes to reports/.
    """
    _install_toolkit(session, "test")
    deep = "--deep" in session.posargs
    reports = Path("reports")
    reports.mkdir(exist_ok=True)
    # The release gate: a spec change needs its version bump and its changelog entry.
    session.run("python", "-m", "generator", "diff")
    session.run("a2e-conformance", "drift", "--junit", str(reports / "drift.xml"))
    session.run(
        "python", "-m", "pytest", "contract_tests", "-q", f"--junitxml={reports / 'contract.xml'}",
        env={"A2E_CONFORMANCE_DEEP": "1" if deep else "0"},
    )  # fmt: skip
    if os.environ.get("A2E_API_KEY") and os.environ.get("A2E_BASE_URL"):
        writes = ["--allow-writes"] if os.environ.get("A2E_ALLOW_WRITES") == "1" else []
        session.run("a2e-conformance", "live", "--junit", str(reports / "live.xml"), *writes)
    else:
        session.log("live mode skipped: set A2E_API_KEY and A2E_BASE_URL to check a real server")


@nox.session
def lint(session: nox.Session) -> None:
    """ruff and mypy --strict on our code, and the spec linters (openapi-spec-validator, Spectral, Redocly)."""
    _install_toolkit(session, "test", "lint", "bench")
    _install_spec_linters(session)
    session.run("ruff", "check", *PYTHON_SOURCES)
    session.run("ruff", "format", "--check", *PYTHON_SOURCES)
    session.run("mypy")
    session.run(
        "python",
        "-m",
        "pytest",
        "-q",
        "contract_tests/test_spec.py",
        "contract_tests/test_spec_lint.py",
    )


@nox.session
def soak(session: nox.Session) -> None:
    """Reliability and security: 20,000 operations under faults, crash recovery, hostile input.

    Also the security checks that live next to what they check: tenant isolation, tokens
    absent from logs, repr, errors and recordings.
    """
    _install_toolkit(session, "test")
    full = {"A2E_SOAK_FULL": "1"}  # e.g. >= 1,000 negative schemathesis cases
    session.run("python", "-m", "pytest", "tests/soak", "tests/security", "-q", "-s", env=full)
    session.run("python", "-m", "pytest", "-q", *SECURITY_ELSEWHERE, "-k", SECURITY_TESTS)
    session.run("python", "-m", "tests.soak", *session.posargs)


@nox.session
def release(session: nox.Session) -> None:
    """Wheels and sdists of both packages, checked (twine), installed into a fresh venv and
    smoke-tested; then the spec is recorded as the release of its version (openapi/releases/).
    """
    _install_toolkit(session)
    session.install("build>=1.2,<2", "twine>=6,<8")
    session.run("python", "-m", "generator", "check")
    session.run("python", "-m", "generator", "diff")
    dist = Path("dist")
    shutil.rmtree(dist, ignore_errors=True)
    for project in GENERATED:
        session.run("python", "-m", "build", "--outdir", str(dist), project)
    session.run("twine", "check", "--strict", *sorted(str(p) for p in dist.iterdir()))
    venv = dist / "smoke-venv"
    session.run("python", "-m", "venv", str(venv))
    python = str(venv / "bin" / "python")
    client = next(dist.glob("a2e_dubbing-*.whl"))
    mock = next(dist.glob("a2e_dubbing_mock-*.whl"))
    session.run(python, "-m", "pip", "install", "-q", str(client), f"{mock}[pytest]", external=True)
    session.run(python, "examples/release_smoke.py", external=True)
    session.run("python", "-m", "generator", "mark-released")


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks against the peers (raw httpx, bare openapi-python-client, Prism), side by side."""
    _install_toolkit(session, "test", "bench")
    session.run("python", "-m", "benchmarks", *session.posargs)
