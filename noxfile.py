"""Every entry point of a2e-dubbing: `nox -l` lists them."""

from __future__ import annotations

from pathlib import Path

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["tests", "lint"]

PYTHON_SOURCES = ["generator", "contract_tests", "tests", "noxfile.py"]
GENERATED = sorted(str(p.parent) for p in Path("generated").glob("*/pyproject.toml"))


def _install_toolkit(session: nox.Session, *extras: str) -> None:
    """The toolkit (generator + conformance checks) and the generated packages, editable."""
    spec = ".[" + ",".join(extras) + "]" if extras else "."
    session.install("-e", spec, *(arg for path in GENERATED for arg in ("-e", path)))


@nox.session
def tests(session: nox.Session) -> None:
    """The whole test suite: spec, recordings, generator, client, mock."""
    _install_toolkit(session, "test")
    session.run("python", "-m", "pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff and mypy --strict on our code, and the spec linters (openapi-spec-validator, Spectral, Redocly)."""
    _install_toolkit(session, "test", "lint")
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
def bench(session: nox.Session) -> None:
    """Benchmarks against the peers (raw httpx, bare openapi-python-client, Prism), side by side."""
    _install_toolkit(session, "test", "bench")
    session.run("python", "-m", "benchmarks", *session.posargs)
