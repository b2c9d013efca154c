"""The generator checks its own output: ruff's lint and `mypy --strict` over the packages.

A broken method (a wrong keyword, an undefined name) fails `generate` and `check` instead
of reaching users. mypy keeps its cache in `.cache/generator/mypy` (by module, not by
folder), so a run over an unchanged tree takes about a second; and a tree that passed both
checks before, byte for byte, with the same tools and installed packages, is not checked
again (`.cache/generator/verified`).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from generator._parse import GenerationError

CACHE_DIR = Path(__file__).resolve().parent.parent / ".cache" / "generator" / "mypy"
CACHE_ENV = "A2E_GENERATOR_CACHE"  # another folder for mypy's cache (e.g. in CI)
_MISSING = "Cannot find implementation or library stub"


def verify(projects: Sequence[Path], files: Sequence[Path]) -> None:
    """ruff's lint over each project, then `mypy --strict` over all; nothing to do when
    the same `files` (those the generator wrote, under the projects' folder) passed before
    (see the module doc)."""
    marker = _cache_dir().parent / "verified" / _fingerprint(projects[0].parent, files)
    if marker.is_file():
        return
    for project in projects:
        lint(project)
    typecheck(projects)
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text("passed ruff's lint and mypy --strict\n", encoding="utf-8")


def _fingerprint(root: Path, files: Sequence[Path]) -> str:
    """What the verdict depends on: every file of the projects, the checks themselves (this
    module), Python, and every installed distribution with its version (ruff, mypy and the
    packages whose types the generated code uses)."""
    digest = hashlib.sha256()
    digest.update(Path(__file__).read_bytes())
    digest.update(sys.version.encode())
    installed = sorted(
        f"{dist.metadata['Name']}=={dist.version}" for dist in importlib.metadata.distributions()
    )
    digest.update("\n".join(installed).encode())
    for path in sorted(files):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _cache_dir() -> Path:
    return Path(os.environ.get(CACHE_ENV) or CACHE_DIR)


def lint(project_dir: Path) -> None:
    """ruff's lint with the project's own [tool.ruff] (nothing left after `--fix`)."""
    result = _run([sys.executable, "-m", "ruff", "check", "--no-cache", "."], project_dir)
    if result.returncode != 0:
        raise GenerationError(
            f"the generated {project_dir.name} package fails ruff's lint:\n{_tail(result)}"
        )


def typecheck(projects: Sequence[Path]) -> None:
    """`mypy --strict` over the packages of `projects` in one run; each project's own
    packages are found before installed ones of the same name (MYPYPATH)."""
    packages = [
        package.name
        for project in projects
        for package in sorted(project.iterdir())
        if (package / "__init__.py").is_file()
    ]
    if not packages:
        return
    cache = _cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "MYPYPATH": os.pathsep.join(str(p) for p in projects)}
    command = [
        sys.executable,
        "-m",
        "mypy",
        "--strict",
        "--python-version",
        "3.11",
        "--cache-dir",
        str(cache),
        "--no-error-summary",
        *(arg for package in packages for arg in ("-p", package)),
    ]
    result = _run(command, projects[0].parent, env=env)
    if result.returncode == 0:
        return
    output = _tail(result)
    hint = ""
    if _MISSING in output:
        hint = (
            "\n(a package the generated code imports is not installed here: install the "
            "toolkit with `pip install -e .` and the generated packages, e.g. "
            "`pip install -e generated/client -e 'generated/mock[pytest]'`)"
        )
    raise GenerationError(f"the generated packages fail `mypy --strict`:\n{output}{hint}")


def _run(
    command: list[str], cwd: Path, *, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False, env=env)


def _tail(result: subprocess.CompletedProcess[str], lines: int = 40) -> str:
    text = (result.stdout + result.stderr).strip().splitlines()
    shown = text[:lines] + ([f"... {len(text) - lines} more lines"] if len(text) > lines else [])
    return "\n".join(f"  {line}" for line in shown)
