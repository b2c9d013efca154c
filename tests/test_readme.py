"""Every Python example of the README and of the generated client's README runs as written,
against a live mock: scripts with `A2E_BASE_URL` and `A2E_API_KEY` pointing at it (example
URLs are fine: the mock never fetches them), pytest examples in a pytest run of their own
with the plugin's fixtures. And the README's retry table says what the spec says."""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from a2e_dubbing_mock.pytest_plugin import MockServer

from generator._build import OUTPUT_DIR, REPO_ROOT, SPEC_PATH
from generator._client import client_view
from generator._parse import parse
from generator._release import package_version

READMES = (REPO_ROOT / "README.md", OUTPUT_DIR / "client" / "README.md")
_FENCE = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)
_tokens = itertools.count()


def _blocks() -> list[tuple[str, str]]:
    found = []
    for path in READMES:
        text = path.read_text(encoding="utf-8")
        for match in _FENCE.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append((f"{path.relative_to(REPO_ROOT)}:{line}", match.group(1)))
    return found


BLOCKS = _blocks()
TESTS = [(where, code) for where, code in BLOCKS if re.search(r"^(async )?def test_", code, re.M)]
SCRIPTS = [(where, code) for where, code in BLOCKS if (where, code) not in TESTS]


def test_the_readmes_have_examples_of_both_kinds() -> None:
    assert len(SCRIPTS) >= 5
    assert len(TESTS) >= 1


@pytest.mark.parametrize(("where", "code"), SCRIPTS, ids=[w for w, _ in SCRIPTS])
def test_a_readme_example_runs_as_written(
    where: str, code: str, a2e_mock_server_session: MockServer, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "A2E_BASE_URL": a2e_mock_server_session.url,
        "A2E_API_KEY": f"sk_test_readme_{next(_tokens):06d}",  # a tenant of its own
    }
    env.pop("A2E_LOG", None)
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"{where}:\n{result.stderr}"
    assert result.stdout.strip(), f"{where} printed nothing"


@pytest.mark.parametrize(("where", "code"), TESTS, ids=[w for w, _ in TESTS])
def test_a_readme_pytest_example_passes_as_written(
    where: str, code: str, pytester: pytest.Pytester
) -> None:
    pytester.makepyfile(test_readme_example=code)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", timeout=300)
    expected = len(re.findall(r"^(?:async )?def test_", code, re.M))
    result.assert_outcomes(passed=expected)


def test_the_readmes_retry_table_follows_the_spec() -> None:
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    table = text[text.index("  | method | rule |") :].split("\n\n", 1)[0]
    stated: dict[str, str] = {}
    for row in table.splitlines()[2:]:
        methods, rule = row.strip().strip("|").split("|")
        kind = (
            "look-up"
            if "look-up" in rule
            else "idempotent"
            if rule.strip().startswith("idempotent")
            else "once"
        )
        for method in re.findall(r"`([a-z_]+\.[a-z_]+)`", methods):
            stated[method] = kind
    parsed = parse(SPEC_PATH)
    view = client_view(parsed, version=package_version(parsed.document))
    rules = {f"{r.name}.{m.name}": m.retry_rule for r in view.resources for m in r.methods}
    assert stated == rules
