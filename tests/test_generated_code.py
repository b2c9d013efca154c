"""The generated packages pass ruff and mypy --strict with their own configuration."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from generator._build import OUTPUT_DIR

PROJECTS = sorted(p.parent for p in OUTPUT_DIR.glob("*/pyproject.toml"))


@pytest.mark.parametrize("project", PROJECTS, ids=[p.name for p in PROJECTS])
def test_ruff_finds_nothing(project: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "."],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("project", PROJECTS, ids=[p.name for p in PROJECTS])
def test_mypy_strict_finds_nothing(project: Path, tmp_path: Path) -> None:
    packages = [p.name for p in project.iterdir() if (p / "__init__.py").exists()]
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path), *packages],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
