"""Format the rendered projects with the pinned ruff, so that output bytes never vary."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

from generator._parse import GenerationError

# Exact versions that decide the bytes of generated/ (also pinned in pyproject.toml).
PINNED = {"openapi-python-client": "0.29.1", "ruff": "0.17.6"}


def check_pins() -> None:
    """Refuse to generate with other versions than the pinned ones: the output would differ."""
    wrong = {name: version(name) for name in PINNED if version(name) != PINNED[name]}
    if wrong:
        found = ", ".join(f"{name} {got} (need {PINNED[name]})" for name, got in wrong.items())
        raise GenerationError(f"the generator needs its pinned tools: {found}")


def format_project(project_dir: Path) -> None:
    """`ruff check --fix-only` then `ruff format`, using the project's own [tool.ruff]."""
    for args in (("check", "--fix-only", "--exit-zero"), ("format",)):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *args, "--no-cache", "."],
            cwd=project_dir,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise GenerationError(
                f"ruff {args[0]} failed in {project_dir}:\n{result.stdout}{result.stderr}"
            )
