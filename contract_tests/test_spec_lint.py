"""The spec passes Spectral (spectral:oas) and Redocly lint with no error and no warning."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from contract_tests._node import LINT_TOOLS, node_env, npm_tools
from contract_tests._spec import SPEC_PATH


@pytest.fixture(scope="module")
def bin_dir() -> Path:
    return npm_tools(LINT_TOOLS)


def test_spectral_oas_ruleset_finds_nothing(bin_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "spectral.json"
    subprocess.run(
        [
            str(bin_dir / "spectral"),
            "lint",
            "--ruleset",
            str(LINT_TOOLS / ".spectral.yaml"),
            "--format",
            "json",
            "--output",
            str(out),
            "--fail-severity",
            "hint",
            str(SPEC_PATH),
        ],
        env=node_env(),
        capture_output=True,
        check=False,
        timeout=120,
    )
    results = json.loads(out.read_text())
    problems = [f"{r['code']} at {'.'.join(map(str, r['path']))}: {r['message']}" for r in results]
    assert problems == []


def test_redocly_recommended_rules_find_nothing(bin_dir: Path) -> None:
    result = subprocess.run(
        [
            str(bin_dir / "redocly"),
            "lint",
            "--config",
            str(LINT_TOOLS / "redocly.yaml"),
            "--format",
            "json",
            str(SPEC_PATH),
        ],
        env=node_env(),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    report = json.loads(result.stdout)
    assert report["totals"] == {"errors": 0, "warnings": 0, "ignored": 0}, report["problems"]
    assert result.returncode == 0
